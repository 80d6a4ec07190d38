"""Why a position cannot be staffed: every shortfall with its cause, found from the data.

First by counting, slot by slot: no unit may take the role there, or every unit that may is
away that day. What counting cannot explain comes from the rules together. The fewest missing
duties are found with coverage as the only objective; for each position still short, every
unit that may take it is checked against that roster (its day, its run of days, a forbidden
succession, its weekends and its month, its people), in plain words. On problems small enough,
CP-SAT is then asked to cover the position while every other position keeps its cover, with
each hard rule family behind an assumption literal; the families that make this infeasible are
cut down to a smallest set (each one left in is needed), so the planner reads which rules to
relax, and which positions compete for the same units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rotation.budget import Budget, OutOfTime
from rotation.model import HomeCommunity
from rotation.problem import Period, Problem, Slot
from rotation.result import Result
from rotation.roster import Assignment
from rotation.rules import RuleKey
from rotation.rules import name as rule_name
from rotation.solver.constraints import CONSTRAINTS, add_hard_rules
from rotation.solver.cpsat import Mode, SolveOptions, new_solver, run_model
from rotation.solver.variables import create_variables, first_inquiry_capacity
from rotation.status import SolveStatus

UNKNOWN = "时限内未能确定原因（可用 rotation explain 加大 --time-limit 再查）"
OTHER_COVER = "其他岗位的最少人数"
"""The cover of the other positions: the units a short position needs are on duty there."""
STRUCTURAL = (RuleKey.MAX_PER_DAY,)
"""Rules built into the day-level variables, which a guard cannot switch off."""
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Gap:
    """A position short of units, and why."""

    slot: Slot
    missing: int
    cause: str
    rules: tuple[str, ...] = ()  # Chinese names of the conflicting rule families, when found
    competing: tuple[Slot, ...] = ()  # positions whose cover takes the units this one needs


@dataclass(frozen=True)
class Explanation:
    gaps: tuple[Gap, ...]
    proven: bool  # the number of missing duties is the fewest possible
    found: bool = True  # False: no roster at all (hard rules in conflict, or none found in time)

    @property
    def missing(self) -> int:
        return sum(g.missing for g in self.gaps)


def explain(problem: Problem, options: SolveOptions | None = None) -> Explanation:
    """Every position the data cannot fully staff, each with its cause: the fewest missing
    duties are found first (coverage is the only objective), then each gap is explained."""
    options = options or SolveOptions(time_limit=30)
    run = run_model(problem, SolveOptions(options.time_limit / 2, options.workers, options.seed), mode=Mode.SHORTFALL)
    if run.roster is None:
        return Explanation((), False, found=False)
    return Explanation(explain_gaps(problem, run.roster.duties, options.time_limit / 2), run.status is SolveStatus.OPTIMAL)


ANALYSIS_LEAST = 2.0
"""Seconds a budget must still hold for CP-SAT to be asked about the gaps at all: building the
analysis model alone takes about that on a county month."""
ANALYSIS_LIMIT = 20_000
"""Above this many duty variables, CP-SAT is not asked about each gap (each question would take
longer than a planner waits); the reasons read off the roster still name every unit's limit."""


def explain_gaps(
    problem: Problem,
    duties: Iterable[Assignment],
    time_limit: float,
    budget: Budget | None = None,
    skip: Callable[[Slot], bool] | None = None,
) -> tuple[Gap, ...]:
    """The cause of each position that ``duties`` leave short: by counting over the data; else
    by what stops each unit that may take it, given the roster (its day, run, weekends, month);
    and, on problems small enough, the rule families CP-SAT proves to be in conflict, within
    about ``time_limit`` deterministic seconds in all, and within ``budget`` when given (the
    plain reasons are always given; CP-SAT is asked only while the budget lasts)."""
    duties = list(duties)
    assigned: dict[int, int] = defaultdict(int)
    index = {(s.date, s.station, s.shift, s.role): s.index for s in problem.slots}
    for a in duties:
        if (a.date, a.station, a.shift, a.role) in index:
            assigned[index[(a.date, a.station, a.shift, a.role)]] += 1
    short = [s for s in problem.slots if assigned[s.index] < s.min and not (skip and skip(s))]
    counted = {s.index: _counted(problem, s) for s in short}
    blocking = _Blocking(problem, duties)
    small = sum(len(s.eligible) for s in problem.slots) <= ANALYSIS_LIMIT
    unexplained = sum(1 for c in counted.values() if c is None)
    analysis = None
    if small and unexplained and (budget is None or budget.left() >= ANALYSIS_LEAST):
        try:
            analysis = _Analysis(problem, assigned, budget)
        except OutOfTime:
            analysis = None
    # deterministic time, shared up front: the same data and roster give the same explanation
    share = max(time_limit / max(unexplained, 1), 0.5)
    gaps = []
    for slot in short:
        missing = slot.min - assigned[slot.index]
        cause = counted[slot.index]
        if cause is not None:
            gaps.append(Gap(slot, missing, cause))
            continue
        cause, keys = blocking.cause(slot)
        if analysis is None:
            gaps.append(Gap(slot, missing, cause))
            continue
        if budget is not None and budget.expired:
            gaps.append(Gap(slot, missing, cause))
            continue
        also = tuple(k for k in STRUCTURAL if k in keys)  # see _Analysis.explain
        proven = analysis.explain(slot, missing, share, also)
        if proven.rules:
            cause += "。CP-SAT 证明：" + proven.cause
        gaps.append(replace(proven, cause=cause))
    return tuple(gaps)


class _Blocking:
    """What keeps each unit off one more duty, read off a roster: the plain-words limits."""

    def __init__(self, problem: Problem, duties: list[Assignment]) -> None:
        self.problem = problem
        self.per_day: dict[tuple[str, dt.date], list[Assignment]] = defaultdict(list)
        self.per_month: dict[tuple[str, int, int], int] = defaultdict(int)
        self.blocks: dict[tuple[str, tuple[int, int]], set[int]] = defaultdict(set)
        self.block_of = {d: n for n, b in enumerate(problem.rest_blocks) for d in b.dates}
        self.per_period: dict[Period, list[Assignment]] = defaultdict(list)
        for a in duties:
            self.per_day[(a.unit, a.date)].append(a)
            self.per_period[Period(a.date, a.station, a.shift)].append(a)
            self.per_month[(a.unit, a.date.year, a.date.month)] += 1
            if a.date in self.block_of:
                self.blocks[(a.unit, problem.rest_blocks[self.block_of[a.date]].month)].add(self.block_of[a.date])
        self.before: dict[str, set[dt.date]] = {
            h.unit: {h.last_duty - k * ONE_DAY for k in range(h.run_days)}
            for h in problem.data.history
            if h.last_duty is not None
        }
        self.last_shift = {h.unit: (h.last_duty, h.last_shift) for h in problem.data.history}
        self.reasons: dict[tuple[str, dt.date, str, bool], tuple[RuleKey, str] | None] = {}
        self.owners: dict[Period, bool] = {}

    def reason(self, unit_id: str, slot: Slot) -> tuple[RuleKey, str] | None:
        """The rule that keeps ``unit_id`` off ``slot`` as the roster stands, in plain words, or
        None if nothing does."""
        date = slot.date
        today = self.per_day.get((unit_id, date), [])
        if any((a.station, a.shift, a.role) == (slot.station, slot.shift, slot.role) for a in today):
            return RuleKey.DUPLICATE, "已在这个岗位"
        # the rest depends on the position only through its period's first-inquiry owner: a
        # city's month of gaps asks the same question of a unit hundreds of times
        key = (unit_id, date, slot.shift, self.owned(slot))
        if key not in self.reasons:
            self.reasons[key] = self._reason(unit_id, slot, today)
        return self.reasons[key]

    def _reason(self, unit_id: str, slot: Slot, today: list[Assignment]) -> tuple[RuleKey, str] | None:
        problem, date = self.problem, slot.date
        data = problem.data
        unit = data.unit(unit_id)
        if len(today) >= problem.max_per_day(unit_id):
            return RuleKey.MAX_PER_DAY, f"当天已值班 {len(today)} 次（每日最多 {problem.max_per_day(unit_id)} 次）"
        if unit.max_total is not None and self.per_month[(unit_id, date.year, date.month)] >= unit.max_total:
            return RuleKey.MAX_TOTAL, f"本月已值满 {unit.max_total} 次（每月最多次数）"
        rules = data.rules
        if not today:
            run = 1 + self._run(unit_id, date, -1) + self._run(unit_id, date, 1)
            most = data.max_consecutive_days(unit)
            if run > most:
                return RuleKey.CONSECUTIVE, f"再排这天就连续值班 {run} 天（最多连续 {most} 天）"
        for other in (-1, 1):
            neighbour = self._shifts(unit_id, date + other * ONE_DAY)
            for first, second in rules.forbidden_successions:
                if (other < 0 and first in neighbour and second == slot.shift) or (
                    other > 0 and first == slot.shift and second in neighbour
                ):
                    pair = f"{data.shift(first).label}接{data.shift(second).label}"
                    return RuleKey.SUCCESSION, f"与{'前' if other < 0 else '后'}一天的班次禁止接续（{pair}）"
        if date in self.block_of:
            month = problem.rest_blocks[self.block_of[date]].month
            touched = self.blocks[(unit_id, month)]
            if self.block_of[date] not in touched and len(touched) >= rules.max_weekends_per_month:
                return RuleKey.WEEKENDS, (f"本月已值 {len(touched)} 个周末或节假日（每月最多 {rules.max_weekends_per_month} 个）")
        if not self.owned(slot) and first_inquiry_capacity(problem, unit_id, date, slot.shift) == 0:
            return RuleKey.FIRST_INQUIRY, "不能担任首问责任单位，而这个时段还没有可任首问的单位"
        if problem.has_people(unit_id):
            used = {a.person for a in today}
            free = [p for p in problem.available_people(unit_id, date, slot.shift) if p not in used]
            if not free:
                return RuleKey.PERSON_ONCE, "当天可值班的人员都已有安排"
        return None

    def owned(self, slot: Slot) -> bool:
        """Whether a unit on duty in ``slot``'s period may own its first inquiry."""
        period = slot.period
        if period not in self.owners:
            self.owners[period] = any(
                first_inquiry_capacity(self.problem, a.unit, a.date, a.shift) > 0 for a in self.per_period.get(period, ())
            )
        return self.owners[period]

    def _run(self, unit_id: str, date: dt.date, step: int) -> int:
        days, probe = 0, date + step * ONE_DAY
        while (unit_id, probe) in self.per_day or probe in self.before.get(unit_id, ()):
            days, probe = days + 1, probe + step * ONE_DAY
        return days

    def _shifts(self, unit_id: str, date: dt.date) -> set[str]:
        shifts = {a.shift for a in self.per_day.get((unit_id, date), [])}
        last = self.last_shift.get(unit_id)
        if last is not None and last[0] == date and last[1]:
            shifts.add(last[1])
        return shifts

    def cause(self, slot: Slot) -> tuple[str, set[RuleKey]]:
        """The units that may take ``slot`` grouped by what stops them, and the rules that do."""
        data = self.problem.data
        by_reason: dict[str, list[str]] = defaultdict(list)
        free: list[str] = []
        keys: set[RuleKey] = set()
        for unit_id in slot.eligible:
            found = self.reason(unit_id, slot)
            if found is None:
                free.append(data.unit(unit_id).label)
                continue
            keys.add(found[0])
            by_reason[found[1]].append(data.unit(unit_id).label)

        def names(units: list[str]) -> str:
            return "、".join(units) if len(units) <= 3 else f"{units[0]}、{units[1]}等 {len(units)} 个单位"

        if free:  # no rule stops them: the search stopped too early
            return (
                f"{names(free)}按现有排班看可以直接排进来，没有哪条规则挡住：这个缺口多半是求解时间不够，加大 --time-limit 再排"
            ), set()
        parts = [f"{names(units)}：{reason}" for reason, units in sorted(by_reason.items(), key=lambda i: -len(i[1]))]
        return f"能担任的 {len(slot.eligible)} 个单位都排不进来——" + "；".join(parts), keys


def _counted(problem: Problem, slot: Slot) -> str | None:
    """The cause of a gap that counting alone shows, or None."""
    data = problem.data
    holders = [u for u in data.units if slot.role in u.roles and u.max_total != 0]
    if not holders:
        return f"没有任何单位可以担任「{slot.role}」（单位表「角色」列），需要 {slot.min} 个"
    if data.rules.home_community is HomeCommunity.REQUIRE and slot.community is not None:
        holders = [u for u in holders if u.community == slot.community]
        if not holders:
            return (
                f"报到社区规则为「必须」，而报到在「{slot.community}」社区的单位中没有能担任「{slot.role}」的"
                f"（规则表「报到社区」）"
            )
    if len(slot.eligible) >= slot.min:
        return None
    away = [u for u in holders if u.id not in slot.eligible]
    reasons = []
    for unit in away[:8]:
        if problem.unit_unavailable(unit.id, slot.date, slot.shift):
            reasons.append(f"{unit.label}（单位不可安排）")
        else:
            reasons.append(f"{unit.label}（人员都不可安排）")
    more = f"等 {len(away)} 个" if len(away) > 8 else ""
    if not slot.eligible:
        return f"能担任「{slot.role}」的单位这天都不能值班：" + "、".join(reasons) + more + "（见「不可安排」表）"
    names = "、".join(data.unit(u).label for u in slot.eligible)
    return (
        f"只有 {len(slot.eligible)} 个单位这天可以担任（{names}），需要 {slot.min} 个；其余不能值班：" + "、".join(reasons) + more
    )


class _Analysis:
    """One model of the whole horizon with every rule family, the cover each position reached
    and the full cover of each short position behind assumption literals."""

    def __init__(self, problem: Problem, assigned: dict[int, int], budget: Budget | None = None) -> None:
        self.problem = problem
        self.budget = budget
        model = cp_model.CpModel()
        v = create_variables(model, problem)
        self.guards = {rule: model.new_bool_var(f"rule[{rule}]") for rule in CONSTRAINTS}
        add_hard_rules(v, self.guards, between=budget.check if budget is not None else None)
        by_slot: dict[int, list] = defaultdict(list)
        for (slot_index, _), var in v.x.items():
            by_slot[slot_index].append(var)
        self.keep: dict[int, cp_model.IntVar] = {}  # cover reached by the fewest-missing roster
        self.full: dict[int, cp_model.IntVar] = {}  # full cover, for short positions
        for slot in problem.slots:
            if min(assigned[slot.index], slot.min) > 0:
                self.keep[slot.index] = model.new_bool_var(f"keep[{slot.index}]")
                model.add(sum(by_slot[slot.index]) >= min(assigned[slot.index], slot.min)).only_enforce_if(self.keep[slot.index])
            if assigned[slot.index] < slot.min:
                self.full[slot.index] = model.new_bool_var(f"full[{slot.index}]")
                model.add(sum(by_slot[slot.index]) >= slot.min).only_enforce_if(self.full[slot.index])
        self.model = model

    def _query(self, assumptions: list, limit: float, core: bool = False) -> tuple[cp_model.CpSolverStatus, list[int]]:
        """CP-SAT's status under ``assumptions`` within ``limit`` deterministic seconds, and the
        assumptions it found sufficient for infeasibility (with ``core``)."""
        self.model.clear_assumptions()
        self.model.add_assumptions(assumptions)
        solver = new_solver(1, 0)
        solver.parameters.max_deterministic_time = limit
        if self.budget is not None:
            self.budget.guard_cp_sat(solver.parameters)
        if core:  # cores are reliable without presolve (or-tools issue 5141)
            solver.parameters.cp_model_presolve = False
        status = solver.solve(self.model)
        found = list(solver.sufficient_assumptions_for_infeasibility()) if core and status == cp_model.INFEASIBLE else []
        return status, found

    def explain(self, slot: Slot, missing: int, limit: float, also: tuple[str, ...] = ()) -> Gap:
        """Which rule families keep ``slot`` short while every other position keeps its cover;
        ``also`` are families the roster shows at work that the guards cannot test."""
        problem = self.problem
        others = [var for index, var in self.keep.items() if index != slot.index]
        target = self.full[slot.index]
        status, core = self._query([target, *self.guards.values(), *others], limit / 3, core=True)
        if status != cp_model.INFEASIBLE:
            return Gap(
                slot,
                missing,
                UNKNOWN
                if status == cp_model.UNKNOWN
                else "其他岗位保持现有安排时，这里其实还可以排上：调整其他值班后可以补上这个缺口",
            )
        in_core = set(core)
        # max_per_day is also built into the day-level variables, so its guard proves nothing;
        # the caller names it from what the roster shows
        candidates = [f for f in self.guards if f not in STRUCTURAL]
        rules = [f for f in candidates if self.guards[f].index in in_core] or candidates
        keeps = [var for var in others if var.index in in_core] or others
        # verify and shrink: a family stays only if the position could be covered without it
        each = limit * 2 / 3 / max(len(rules), 1)
        for family in list(rules):
            trial = [self.guards[f] for f in rules if f != family] + [self.guards[f] for f in STRUCTURAL]
            if self._query([target, *trial, *keeps], each)[0] == cp_model.INFEASIBLE:
                rules.remove(family)  # not needed (unproven within the limit: kept, to be safe)
        names = tuple(rule_name(f) for f in (*also, *rules))
        kept = {var.index for var in keeps}
        competing = tuple(problem.slots[i] for i, var in self.keep.items() if var.index in kept and i != slot.index)
        data = problem.data
        rules_text = "「" + "」「".join(names) + "」" if names else "现有规则"
        cause = f"在其他岗位都保持现有人数时，{rules_text}{'共同' if len(names) > 1 else ''}使这里排不满"
        if competing and len(competing) <= 3:
            cause += (
                "（与 "
                + "、".join(f"{s.date} {data.station(s.station).label} {data.shift(s.shift).label}" for s in competing)
                + " 争用同一批单位）"
            )
        return Gap(slot, missing, cause, (*names, *((OTHER_COVER,) if competing else ())), competing)


EXPLAIN_LIMIT = 120.0
"""Deterministic seconds CP-SAT may spend on the causes of a roster's gaps, at most."""
UNPLANNED = "时限已到，这几天没有排班：请加大时限重新排班"


def with_causes(result: Result, budget: Budget) -> Result:
    """``result`` with the cause of each of its gaps (:func:`explain_gaps`), CP-SAT asked only
    within ``budget``; the days the time limit never reached are named as such."""
    if result.roster is None or result.check is None or not result.check.shortfalls:
        return result
    unplanned = result.unplanned or (result.problem.end, result.problem.start)  # none: an empty span
    gaps = explain_gaps(
        result.problem,
        result.roster,
        min(max(budget.left(), 0.0), EXPLAIN_LIMIT),
        budget,
        skip=lambda slot: unplanned[0] <= slot.date <= unplanned[1],
    )
    causes = {(g.slot.date, g.slot.station, g.slot.shift, g.slot.role): g.cause for g in gaps}
    for s in result.check.shortfalls:
        if unplanned[0] <= s.date <= unplanned[1]:
            causes[(s.date, s.station, s.shift, s.role)] = UNPLANNED
    return replace(result, gap_causes=causes)
