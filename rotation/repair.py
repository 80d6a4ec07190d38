"""Repairing a published roster after the data changed, with as few changes as possible.

Everything before the repair date is kept as it was. From that date on, the repair first finds
the fewest changes that keep every hard rule (and cover what can be covered), then, without
making more changes, the best roster by the usual soft rules. The changes are listed for the
planner, computed here again from the two rosters, not taken from the solver.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace

from rotation import check as checker
from rotation.engine import CheckerDisagreement, agree
from rotation.errors import DataError, DataIssue
from rotation.model import DataSet, Fixed
from rotation.people import name_people
from rotation.problem import Problem, build_problem
from rotation.result import Result, SolveStatus
from rotation.roster import Assignment, Roster, changes_between, unit_changes
from rotation.solver.bound import soft_lower_bound
from rotation.solver.cpsat import Mode, Progress, SearchControl, SolveOptions, run_model
from rotation.solver.greedy import as_assignments, first_roster
from rotation.solver.stability import Keep

FIRST_SHARE = 0.4
"""Share of the time limit for finding the fewest changes; the rest improves the roster."""


def repair_problem(data: DataSet, old: Roster, start: dt.date, end: dt.date, since: dt.date,
                   assume_weekends: bool = False) -> Problem:
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
            where = " ".join((str(a.date), _label(data.stations_by_id, a.station), _label(data.shifts_by_id, a.shift),
                              a.role, _label(data.units_by_id, a.unit)))
            issues.append(DataIssue("原排班", None, None, f"{where}：{reason}。{advice}"))
    if issues:
        raise DataError(issues)
    pins = tuple(Fixed(a.date, a.station, a.shift, a.unit, a.role, a.person, a.first_inquiry) for a in frozen)
    return build_problem(replace(open_data, fixed=open_data.fixed + pins), start, end, assume_weekends)


def _label(by_id: dict, key: str) -> str:
    return by_id[key].label if key in by_id else key


def repair(problem: Problem, old: Roster, since: dt.date, options: SolveOptions | None = None,
           control: SearchControl | None = None,
           on_progress: Callable[[Progress], None] | None = None) -> Result:
    """The repaired roster of ``problem`` (built by :func:`repair_problem`), checked, with its
    change list. Fewest changes first (coverage before that), then the usual objective."""
    options = options or SolveOptions()
    control = control or SearchControl()
    began = time.monotonic()
    published = tuple(old)
    keep = Keep(published, since)
    hint = _kept_and_filled(problem, published)
    share = replace(options, time_limit=options.time_limit * FIRST_SHARE)
    first = run_model(problem, share, control, on_progress, hint, Mode.REPAIR, began, keep=replace(keep, cover=True))
    if first.duties is None and not control.interrupted:  # no complete roster (or none found): cover what can be
        first = run_model(problem, share, control, on_progress, hint, Mode.REPAIR, began, keep=keep)
    if first.duties is None:
        result = Result(problem, SolveStatus.from_cp_sat(first.status), None, None, None, None,
                        time.monotonic() - began, first.solutions, control.interrupted, options.parameters(), first.size,
                        method=_METHOD, changes=())
        return result
    spent = first.spent(options) if options.deterministic else time.monotonic() - began
    limited = replace(keep, max_changes=first.terms["changes"], max_coverage_penalty=first.terms["coverage"])
    remaining = max(options.time_limit - spent, options.time_limit * 0.1)
    if control.interrupted:
        control, remaining = SearchControl(), min(remaining, 5.0)
    full = run_model(problem, replace(options, time_limit=remaining), control, on_progress, first.duties, Mode.FULL,
                     began, keep=limited)
    preferred = {(a.date, a.station, a.shift, a.role, a.unit): a.person for a in published if a.person}
    roster = Roster(name_people(problem, full.duties, options.seed, preferred))
    check_result = checker.check(problem, roster)
    agree(full.objective, full.terms, check_result)
    changes = changes_between(Roster(published), roster, since)
    if unit_changes(changes) != full.terms["changes"]:
        raise CheckerDisagreement(f"changes: solver {full.terms['changes']}, change list {unit_changes(changes)}")
    bound = full.bound
    if not check_result.shortfalls and (flow := soft_lower_bound(problem)) is not None:
        bound = flow if bound is None else max(bound, flow)  # every complete roster's bound holds here too
    return Result(problem, SolveStatus.from_cp_sat(full.status), roster, check_result, check_result.objective,
                  bound, time.monotonic() - began, first.solutions + full.solutions,
                  control.interrupted or first.interrupted, options.parameters(), full.size, method=_METHOD,
                  changes=changes, since=since, fewest_changes_proven=first.status == "OPTIMAL")


def _kept_and_filled(problem: Problem, published: tuple[Assignment, ...]) -> list[Assignment]:
    """A first repaired roster: every published duty the data still allows, and the slots left
    short filled greedily. Often the fewest changes already, so CP-SAT starts close."""
    slots = {(s.date, s.station, s.shift, s.role): s for s in problem.slots}
    kept = [(slots[key], a.unit) for a in published
            if (key := (a.date, a.station, a.shift, a.role)) in slots and a.unit in slots[key].eligible]
    return as_assignments(first_roster(problem, kept))


_METHOD = "调整已发布的排班：先使改动最少，再在改动不增加的前提下优化其余各项（状态与下界都以此为前提）"
