"""Repairing a published roster after the data changed, with as few changes as possible.

Everything before the repair date is kept as it was. From that date on, the repair first finds
the fewest changes that keep every hard rule (and cover what can be covered), then, without
making more changes, the best roster by the usual soft rules. The changes are listed for the
planner, computed here again from the two rosters, not taken from the solver. Like a solve, a
repair ends with the best roster it holds: the published roster as far as the changed data
still allows it, with its gaps filled, is the first, and each phase offers a better one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from rotation.budget import Budget
from rotation.engine import (
    Best,
    CheckerDisagreement,
    conclude,
    essential,
    explained,
    pinned_duties,
    run_within,
    settle_within,
    slotted,
    worth,
)
from rotation.errors import DataError, DataIssue
from rotation.model import DataSet, Fixed
from rotation.problem import Problem, build_problem
from rotation.result import RepairInfo, Result
from rotation.roster import Assignment, Roster, changes_between, unit_changes
from rotation.solver.cpsat import Mode, Progress, SearchControl, SolveOptions
from rotation.solver.greedy import as_assignments, first_roster
from rotation.solver.stability import Keep
from rotation.status import SolveStatus

FIRST_SHARE = 0.4
"""Share of the time limit for finding the fewest changes; the rest improves the roster."""
MODEL_PASSES = 3.0
"""Building the whole model costs about this many greedy passes: a phase that needs it is not
begun with less time left."""


def repair_problem(
    data: DataSet, old: Roster, start: dt.date, end: dt.date, since: dt.date, assume_weekends: bool = False
) -> Problem:
    """The problem of ``start``..``end`` with the published duties before ``since`` pinned.
    A duty before ``since`` that the data no longer allows stops the repair with a message:
    the past cannot change, so the repair has to start earlier."""
    if not start <= since <= end:
        raise DataError([DataIssue("调整", None, None, f"调整起始日期 {since} 不在排班范围 {start} 至 {end} 内")])
    frozen = [a for a in old if a.date < since]
    open_data = replace(data, fixed=tuple(p for p in data.fixed if p.date >= since))
    problem = build_problem(open_data, start, end, assume_weekends)
    slots = {(s.date, s.station, s.shift, s.role): s for s in problem.slots}
    issues = []
    earlier = f"{since} 之前的值班不会改动，请把调整起始日期（--from）提前到 {{date}} 或更早"
    for a in frozen:
        slot = slots.get((a.date, a.station, a.shift, a.role))
        reason, advice = None, earlier.format(date=a.date)
        if a.unit not in data.units_by_id:
            reason = f"单位「{a.unit}」已不在单位表中"
            advice = "它已经值过的班无法保留；请在单位表中保留该单位，改在「不可安排」表登记它从哪天起不再值班"
        elif slot is None:
            reason = "这个时段和角色已不在需求表中"
        elif a.unit not in slot.eligible:
            reason = f"单位「{a.unit}」现在不能担任（不可安排或角色资格已改）"
        elif a.person and not problem.person_available(a.unit, a.person, a.date, a.shift):
            reason = f"人员「{a.person}」现在登记为不可安排"
        if reason:
            where = " ".join(
                (
                    str(a.date),
                    _label(data.stations_by_id, a.station),
                    _label(data.shifts_by_id, a.shift),
                    a.role,
                    _label(data.units_by_id, a.unit),
                )
            )
            issues.append(DataIssue("原排班", None, None, f"{where}：{reason}。{advice}"))
    if issues:
        raise DataError(issues)
    pins = tuple(Fixed(a.date, a.station, a.shift, a.unit, a.role, a.person, a.first_inquiry) for a in frozen)
    return build_problem(replace(open_data, fixed=open_data.fixed + pins), start, end, assume_weekends)


def _label(by_id: dict, key: str) -> str:
    return by_id[key].label if key in by_id else key


def repair(
    problem: Problem,
    old: Roster,
    since: dt.date,
    options: SolveOptions | None = None,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    budget: Budget | None = None,
) -> Result:
    """The repaired roster of ``problem`` (built by :func:`repair_problem`), checked, with its
    change list. Fewest changes first (coverage before that), then the usual objective."""
    options = options or SolveOptions()
    control = control or SearchControl()
    budget = budget or options.budget()
    began = budget.started
    published = tuple(old)
    keep = Keep(published, since)
    pins = pinned_duties(problem)
    best = Best(problem, pins, options.seed, keep)
    clock = budget.elapsed()
    kept = _kept_and_filled(problem, published)
    pace = budget.elapsed() - clock  # a greedy pass: building the model costs a few
    best.offer(settle_within(problem, kept, options.seed, essential(budget), keep), "保留原排班并补缺", budget)
    first = None
    for cover in (True, False):  # a complete roster if one exists, else the fewest missing duties
        if control.interrupted or not worth(budget, MODEL_PASSES * pace):
            break
        share = budget.part(budget.share(FIRST_SHARE))
        first = run_within(
            problem,
            options,
            share,
            control,
            on_progress,
            best.roster.duties if best.roster else [],
            Mode.REPAIR,
            began,
            keep=replace(keep, cover=cover),
        )
        if first is not None and first.roster is not None:
            best.offer(settle_within(problem, first.roster.duties, options.seed, budget, keep), "最少改动", budget)
            break
    if best.roster is not None and not control.interrupted and worth(budget, MODEL_PASSES * pace):
        # no more changes, and no more missing duties, than the best so far
        limited = replace(keep, max_changes=best.roster.terms["changes"], max_coverage_penalty=best.roster.terms["coverage"])
        full = run_within(problem, options, budget, control, on_progress, best.roster.duties, Mode.FULL, began, keep=limited)
        if full is not None and full.roster is not None:
            best.offer(settle_within(problem, full.roster.duties, options.seed, budget, keep), "优化")
    if best.roster is None:
        return replace(
            conclude(problem, options, budget, None, interrupted=control.interrupted, status=SolveStatus.UNKNOWN, method=_METHOD),
            repair=RepairInfo((), since),
        )
    preferred = {(a.date, a.station, a.shift, a.role, a.unit): a.person for a in published if a.person}
    result = conclude(
        problem,
        options,
        budget,
        best.roster,
        best.source,
        solutions=best.improvements,
        interrupted=control.interrupted,
        method=_METHOD,
        preferred=preferred,
    )
    assert result.roster is not None
    changes = changes_between(Roster(published), result.roster, since)
    if unit_changes(changes) != best.roster.terms["changes"]:
        raise CheckerDisagreement(f"changes: solver {best.roster.terms['changes']}, change list {unit_changes(changes)}")
    proven = (
        first is not None
        and first.roster is not None
        and first.status is SolveStatus.OPTIMAL
        and best.roster.terms["changes"] == first.roster.terms["changes"]
    )
    return explained(replace(result, repair=RepairInfo(changes, since, proven)), budget)


def _kept_and_filled(problem: Problem, published: tuple[Assignment, ...]) -> list[Assignment]:
    """A first repaired roster: every published duty the data still allows beside the others,
    and the slots left short filled greedily. Often the fewest changes already, so CP-SAT starts
    close."""
    return as_assignments(first_roster(problem, pinned_duties(problem), preferred=slotted(problem, list(published))))


_METHOD = "调整已发布的排班：先使改动最少，再在改动不增加的前提下优化其余各项（状态与下界都以此为前提）"
