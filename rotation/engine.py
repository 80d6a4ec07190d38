"""The one pipeline from a Problem to a checked Result: model, people, independent check."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from ortools.sat.python import cp_model

from rotation import checker
from rotation.budget import NO_RESERVE, Budget, OutOfTime, Reserve
from rotation.calendar import resolve_days
from rotation.errors import DataError
from rotation.history import history_before
from rotation.model import DataSet, Fixed
from rotation.people import name_people
from rotation.problem import FairShares, Period, Problem, Slot, build_problem
from rotation.result import Result
from rotation.roster import Assignment, Roster
from rotation.solver.bound import soft_lower_bound
from rotation.solver.cpsat import (
    Incumbent,
    Mode,
    Progress,
    SearchControl,
    SearchRun,
    SolveOptions,
    add_complete_hint,
    build_model,
    fixed_solution,
    hint_all,
    objective_of,
    run_model,
    search,
    size_of,
)
from rotation.solver.extract import extract_duties
from rotation.solver.greedy import as_assignments, first_roster
from rotation.solver.lns import improve
from rotation.solver.outcome import Outcome, Settled, shortfall
from rotation.solver.patterns import ROUND_COST, PatternBound, pattern_bound
from rotation.solver.relax import Focus, relax_and_resolve
from rotation.solver.rounding import plan_roster
from rotation.solver.settle import FIXED_LIMIT, settle
from rotation.solver.stability import Keep
from rotation.solver.variables import LinearExpr
from rotation.status import SolveStatus

ONE_DAY = dt.timedelta(days=1)


class CheckerDisagreement(AssertionError):
    """The solver's roster breaks a hard rule or its objective differs from the checker's: a bug."""


# How a month's time is shared out; docs/solver.md §3 has the measurements behind each figure.
PLAN_FROM = 20.0
"""Wall-clock seconds a month needs before the pattern bound and its plan are worth their time;
under it the greedy roster is the start (a plan from a master far from converged is no better)."""
PLAN_FROM_ROUNDS = 10.0
"""... and the deterministic seconds it needs in deterministic runs."""
PATTERN_SHARE = 0.15
"""The pattern bound's share of the time limit, ..."""
PATTERN_SECONDS = 18.0
"""... but up to this many seconds (and SHORT_SHARE of the limit) under short limits."""
SHORT_SHARE = 0.4
PATTERN_ITERATIONS = 60
"""Rounds of columns in deterministic runs, instead of seconds, at most (each charged as
patterns.ROUND_COST)."""
DIVE_SHARE = 0.15
"""The dive to a whole plan: this share, ..."""
DIVE_SECONDS = 16.0
"""... but up to this many seconds (and DIVE_SHORT_SHARE of the limit) under short limits."""
DIVE_SHORT_SHARE = 0.35
DIVE_ROUNDS = 40
"""Rounds of columns of the dive in deterministic runs."""
WHOLE_UNITS = 12
"""Problems of at most this many units skip neighbourhood search: they are better solved, and
proved, whole."""
CLOSING_SCORES = 3.0
"""The closing pass costs a greedy pass (the fill) and about this many scorings of a roster (the
fill's, naming people, the checker's), measured on the first roster."""
SEARCH_PASSES = 1.0
"""Greedy passes of time a search must have left to begin: less is spent before it finds anything."""
LEAST_WORK = 0.5
"""Deterministic seconds a phase must have left to begin (the greedy's pace is wall-clock time,
which a deterministic run must not depend on)."""


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    budget: Budget | None = None,
    reserve: Reserve = NO_RESERVE,
) -> Result:
    """The best roster found within ``budget`` (by default the options' time limit), less
    ``reserve`` for what the caller does after it, re-checked before it is returned. A horizon
    of several months is solved month by month (:func:`solve_by_month`); a month by
    :func:`solve_whole`. Once any phase holds a roster, the run ends with the best one found,
    whatever happens after."""
    options = options or SolveOptions()
    control = control or SearchControl()
    budget = budget or options.budget()
    if len(problem.months) > 1:
        result = solve_by_month(problem, options, control, on_progress, budget=budget, reserve=reserve)
    else:
        result = solve_whole(problem, options, control, on_progress, budget.until(reserve.of(problem.unit_duties)))
    return explained(result, budget, reserve)


def explained(result: Result, budget: Budget, reserve: Reserve = NO_RESERVE) -> Result:
    """``result`` with the cause of each gap named (:func:`rotation.explain.with_causes`): CP-SAT
    is asked within what ``budget`` holds beside ``reserve`` for the days planned, and after a
    stop not at all, as the planner asked."""
    from rotation.explain import with_causes  # explain builds models of its own: only when needed

    left = budget.until(reserve.of(planned_duties(result)))
    return with_causes(result, left if not result.interrupted else budget.part(0))


def planned_duties(result: Result) -> int:
    """The unit-duties of the days ``result`` planned: all but those the time never reached."""
    if result.unplanned is None:
        return result.problem.unit_duties
    first, last = result.unplanned
    return sum(s.min for s in result.problem.slots if not first <= s.date <= last)


class Best:
    """The best roster found so far, each one settled (it keeps every hard rule and carries the
    model's objective), and the phase that found it. A roster that misses duties is offered
    with its gaps filled too, where the rules let a unit simply take one."""

    def __init__(self, problem: Problem, pins: list[tuple[Slot, str]], seed: int, keep: Keep | None = None) -> None:
        self.problem, self.pins, self.seed, self.keep = problem, pins, seed, keep
        self.roster: Settled | None = None
        self.source = ""
        self.improvements = 0
        self._filled: list[Settled] = []  # rosters whose gaps the greedy has tried

    def rank(self, roster: Settled) -> tuple[int, ...]:
        """Lower is better: the objective, or for a repair coverage, then changes, then the rest."""
        if self.keep is None:
            return (roster.objective,)
        return roster.terms["coverage"], roster.terms["changes"], roster.objective

    def offer(self, found: Settled | None, source: str, budget: Budget | None = None) -> bool:
        """Keep ``found`` if it is better; with ``budget``, also its gaps filled."""
        better = found is not None and (self.roster is None or self.rank(found) < self.rank(self.roster))
        if better:
            self.roster, self.source = found, source
            self.improvements += 1
        if found is not None and budget is not None:
            self.fill(found, source, budget)
        return better

    def fill(self, found: Settled, source: str, budget: Budget) -> None:
        if not found.missing or any(found is tried for tried in self._filled) or budget.expired:
            return
        self._filled.append(found)
        filled = first_roster(self.problem, self.pins, preferred=slotted(self.problem, found.duties))
        settled = settle_within(self.problem, as_assignments(filled), self.seed, budget, self.keep)
        if settled is not None:
            self._filled.append(settled)
            self.offer(settled, source + "（补缺）")

    def filled(self, roster: Settled) -> None:
        """Note that ``roster``'s gaps need no greedy pass: the greedy made it."""
        self._filled.append(roster)

    @property
    def missing(self) -> int | None:
        return None if self.roster is None else self.roster.missing


FIRST_SHARE = 0.2
"""With neighbourhood search on one model: the share of the time for the first full search."""
BOUND_SHARE = 0.1
"""... and the share kept for a last full search, seeded with the best roster, for the bound."""
RELAX_LIMIT = 10_000
"""Duty Booleans above which neighbourhood steps give way to one CP-SAT search, not restarted
(docs/curtois.md, "Solving")."""
GREEDY_LIMIT = 200_000
"""Duty Booleans above which the greedy first roster is not worth its time on the benchmark
(docs/curtois.md, "Solving")."""


class Improve(Enum):
    """How a roster is improved once there is one."""

    GROUPS = "groups"  # re-plan a few units' duties at a time, each a small model: county months
    MODEL = "model"  # search one model of the horizon, then relax parts of it: rules that span the horizon
    NONE = "none"  # the start as it is, settled and checked: a model too large to build in the time


@dataclass(frozen=True)
class Strategy:
    """How :func:`solve_whole` searches; every strategy ends with the best settled roster, checked."""

    plan: bool = True  # the pattern bound and its rounded plan, when there is time
    improve: Improve = Improve.GROUPS
    first_share: float = FIRST_SHARE  # MODEL: the first full search's share (1: the only search)
    greedy_limit: int | None = None  # duty Booleans above which the greedy roster is skipped
    focus: Focus | None = None  # MODEL: where the neighbourhoods are worth drawing (the benchmark's LP)


COUNTY = Strategy()
"""County data: the greedy roster (at any size: on a short limit it is the roster), the plan,
then groups of units (docs/solver.md §5)."""
BENCHMARK = Strategy(plan=False, improve=Improve.MODEL, greedy_limit=GREEDY_LIMIT)
"""Rules that span the horizon, such as the Curtois benchmark's (docs/curtois.md, "Solving")."""


def solve_whole(
    problem: Problem,
    options: SolveOptions,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None = None,
    budget: Budget | None = None,
    strategy: Strategy = COUNTY,
    start: list[Assignment] | None = None,
) -> Result:
    """One model for the whole horizon, in phases that each offer their roster to the best so far:

    1. the greedy roster, settled (:mod:`rotation.solver.settle`): the answer when nothing better
       is found in time (a model-improving strategy takes it as a hint only); a ``start`` roster
       given by the caller (the benchmark's roster from its LP) takes the greedy's place, and is
       offered as it is;
    2. with enough time, the pattern bound, whose LP dives to one pattern per unit, rounded day by
       day into a roster (:mod:`rotation.solver.rounding`);
    3. neighbourhood search over groups of units (problems of more than WHOLE_UNITS units), half
       of them drawn around a missing duty while there is one, or a search of the full model
       (smaller ones), until the time is up; or, improving the model, a search of the whole model
       relaxed part by part (:func:`_search_model`); or nothing (``Improve.NONE``);
    4. a closing pass: the roster is scored by the model and the checker, who must agree, and
       people are named.

    A roster that misses duties is offered with the gaps the rules allow filled greedily too. A
    phase that does not fit in the time left is skipped; the closing pass keeps the time it
    needs, measured on the first roster (docs/solver.md §5)."""
    budget = budget or options.budget()
    seed = options.seed
    began = budget.started
    pins = pinned_duties(problem)
    best = Best(problem, pins, seed)
    on_model = strategy.improve is Improve.MODEL

    def stopped() -> bool:
        return control.interrupted or budget.expired

    clock = budget.elapsed()
    # on the largest benchmark instances the greedy takes longer than it helps
    limit = strategy.greedy_limit
    small = limit is None or sum(len(slot.eligible) for slot in problem.slots) <= limit
    greedy = start if start is not None else as_assignments(first_roster(problem, pins)) if small else []
    pace = budget.elapsed() - clock  # one pass over the problem on this machine, now
    # a greedy roster breaking the benchmark's minimums would take settling seconds to say so
    first = settle_within(problem, greedy, seed, essential(budget)) if not on_model or start is not None else None
    # scoring a roster, naming its people
    scoring = budget.elapsed() - clock - pace if first is not None or not on_model else pace
    if first is not None and first.dropped == 0:
        best.filled(first)  # the greedy filled what it could
    best.offer(first, "贪心初始排班" if start is None else "线性规划列生成")
    _announce(on_progress, "初始排班", began, best)
    work = budget.until(pace + CLOSING_SCORES * scoring)  # a last fill, scoring it, naming people
    phases: dict[str, float] = {"first_roster": round(budget.elapsed(), 1)}
    patterns = None
    if strategy.plan and not stopped() and _plan_time(work) > 0:
        patterns = _pattern_bound(problem, greedy, options, work, control, on_progress, began)
        if patterns is not None:
            best.offer(settle_within(problem, plan_roster(problem, patterns.plan), seed, work), "线性规划取整", work)
        phases["pattern_bound"] = round(budget.elapsed(), 1)
    size: dict[str, int] = {}

    def fits(passes: float) -> bool:
        return not control.interrupted and worth(work, passes * pace)

    bound: int | None = None
    status = SolveStatus.FEASIBLE
    run = None
    large = len(problem.units) > WHOLE_UNITS
    method = _AS_GIVEN if strategy.improve is Improve.NONE else "整体求解"
    if on_model and not control.interrupted:
        model_run = _search_model(problem, options, work, control, on_progress, greedy, strategy.first_share, strategy.focus)
        best.offer(model_run.roster, "整体模型")
        size, bound, status, method = model_run.size, model_run.bound, model_run.status, _RELAXING
        phases |= model_run.phases
    elif strategy.improve is Improve.GROUPS and (best.roster is None or not large) and fits(SEARCH_PASSES):
        # small problems are searched whole; so is any problem whose greedy roster breaks a
        # minimum (a month's least duties, the benchmark's least minutes and runs), the one kind
        # of hard rule that dropping duties cannot mend
        hint = best.roster.duties if best.roster is not None else greedy
        run = run_within(
            problem,
            options,
            work if not large else work.part(work.share(FIRST_SHARE)),
            control,
            _with_bound(on_progress, patterns),
            hint,
            Mode.FULL,
            began,
        )
        if run is not None and run.roster is not None:
            size, bound, status = run.size, run.bound, run.status
            best.offer(run.roster, "完整模型搜索")
        phases["search"] = round(budget.elapsed(), 1)
    if best.roster is not None and large and strategy.improve is Improve.GROUPS and fits(SEARCH_PASSES):
        duties, improved = improve(
            problem,
            best.roster.duties,
            best.roster.objective,
            work,
            seed,
            control,
            on_progress,
            began,
            options.workers,
            best.roster.missing,
        )
        phases["neighbourhoods"] = round(budget.elapsed(), 1)
        if improved and best.offer(settle_within(problem, duties, seed, budget), "邻域搜索"):
            best.improvements += improved - 1
        phases["settled"] = round(budget.elapsed(), 1)
    if best.roster is None:
        # no roster keeps the minimums, or none was found in time: coverage is soft, so nothing
        # else can leave a run without one
        return conclude(
            problem,
            options,
            budget,
            None,
            interrupted=control.interrupted,
            status=status if on_model else run.status if run is not None else SolveStatus.UNKNOWN,
            size=size,
            phases=phases,
            method=method,
        )
    best.fill(best.roster, best.source, budget)
    phases["filled"] = round(budget.elapsed(), 1)
    if status is SolveStatus.OPTIMAL and best.source not in ("完整模型搜索", "整体模型"):
        status = SolveStatus.FEASIBLE  # the search proved its own roster, which a later phase replaced
    return conclude(
        problem,
        options,
        budget,
        best.roster,
        best.source,
        solutions=best.improvements,
        interrupted=control.interrupted,
        status=status,
        bounds=[bound, patterns.bound if patterns else None],
        size=size,
        phases=phases,
        method=method,
    )


def worth(budget: Budget, seconds: float) -> bool:
    """Whether ``budget`` has the time of a phase that spends ``seconds`` (wall-clock) before it
    does anything useful; deterministic budgets ask for LEAST_WORK, whatever the clock says."""
    return budget.left() >= (LEAST_WORK if budget.deterministic else seconds)


def essential(budget: Budget) -> Budget:
    """The budget of the first roster's scoring: it is needed whatever the time left (the run
    must end with a roster), so it has a deterministic limit of its own and no deadline."""
    return Budget(FIXED_LIMIT, deterministic=True, clock=budget.clock)


def settle_within(
    problem: Problem, duties: list[Assignment], seed: int, budget: Budget, keep: Keep | None = None
) -> Settled | None:
    """:func:`settle`, or None when the budget ends while its model is built."""
    try:
        return settle(problem, duties, seed, budget, keep)
    except OutOfTime:
        return None


def run_within(
    problem: Problem,
    options: SolveOptions,
    budget: Budget,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None,
    hint: list[Assignment],
    mode: Mode,
    began: float,
    enough_after: float | None = None,
    keep: Keep | None = None,
) -> Outcome | None:
    """One CP-SAT run in ``budget``, or None when the budget ends while its model is built."""
    if budget.expired:
        return None
    try:
        return run_model(
            problem, options, control, on_progress, hint, mode, began, budget=budget, enough_after=enough_after, keep=keep
        )
    except OutOfTime:
        return None


def _plan_time(budget: Budget) -> float:
    """Whether the month has time for the pattern bound: its limit, or 0."""
    least = PLAN_FROM_ROUNDS if budget.deterministic else PLAN_FROM
    return budget.limit if budget.left() >= least else 0.0


def _announce(on_progress: Callable[[Progress], None] | None, phase: str, began: float, best: Best) -> None:
    if on_progress is not None:
        objective = best.roster.objective if best.roster is not None else None
        on_progress(Progress(phase=phase, started=began, objective=objective, missing=best.missing))


def slotted(problem: Problem, duties: list[Assignment]) -> list[tuple[Slot, str]]:
    """``duties`` as (slot, unit) pairs, for the greedy; duties on no open slot are left out."""
    slots = {(s.date, s.station, s.shift, s.role): s for s in problem.slots}
    return [(slots[key], a.unit) for a in duties if (key := (a.date, a.station, a.shift, a.role)) in slots]


def conclude(
    problem: Problem,
    options: SolveOptions,
    budget: Budget,
    best: Settled | None,
    source: str = "",
    *,
    solutions: int = 0,
    interrupted: bool = False,
    status: SolveStatus = SolveStatus.FEASIBLE,
    bounds: Sequence[int | None] = (),
    size: dict[str, int] | None = None,
    phases: dict[str, float] | None = None,
    method: str = "整体求解",
    preferred: dict[tuple, str] | None = None,
) -> Result:
    """The result of a run: the best roster with people named (``preferred`` ones first),
    checked by the independent checker, which must agree with the model's objective and every
    rule's term; the best of the bounds (and, for a complete roster, the flow bound), proven
    optimal when one meets it."""
    if best is None:
        return Result(
            problem=problem,
            status=status,
            roster=None,
            check=None,
            objective=None,
            bound=None,
            wall_time=budget.since_start(),
            solutions=solutions,
            interrupted=interrupted,
            parameters=options.parameters(),
            size=size or {},
            method=method,
            phases=phases,
            cut=budget.cut,
        )
    roster = Roster(name_people(problem, best.duties, options.seed, preferred, budget))
    check_result = checker.check(problem, roster)
    agree(best.objective, best.terms, check_result)
    # a month's flow bound takes a fraction of a second, a year's seconds
    bound, status = _proven(problem, check_result, bounds, status, not budget.expired or len(problem.months) == 1)
    return Result(
        problem=problem,
        status=status,
        roster=roster,
        check=check_result,
        objective=check_result.objective,
        bound=bound,
        wall_time=budget.since_start(),
        solutions=solutions,
        interrupted=interrupted,
        parameters=options.parameters(),
        size=size or {},
        method=method,
        phases=phases,
        source=source,
        cut=budget.cut,
    )


def _with_bound(
    on_progress: Callable[[Progress], None] | None, patterns: PatternBound | None
) -> Callable[[Progress], None] | None:
    """The progress line shows the pattern bound while CP-SAT's own is weaker (for minutes)."""
    if on_progress is None or patterns is None:
        return on_progress

    def show(progress: Progress) -> None:
        if progress.bound is None or progress.bound < patterns.bound:
            progress.bound = patterns.bound
        on_progress(progress)

    return show


def _pattern_bound(
    problem: Problem,
    seed: list[Assignment],
    options: SolveOptions,
    budget: Budget,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None,
    began: float,
) -> PatternBound | None:
    """The pattern bound within its share of the time; deterministic runs count rounds of
    columns instead of seconds, so that their report is repeatable too."""
    progress = Progress(phase="计算下界", started=began)

    def heard(found: float) -> bool:
        progress.bound = max(progress.bound or 0, math.ceil(found))  # no penalty is negative
        if on_progress is not None:
            on_progress(progress)
        return not control.interrupted and budget.wall_left() > 0

    limit = budget.limit
    columns = _short(limit, PATTERN_SHARE, PATTERN_SECONDS, SHORT_SHARE)
    dive = _short(limit, DIVE_SHARE, DIVE_SECONDS, DIVE_SHORT_SHARE)
    if budget.deterministic:  # whole rounds of columns, so that the report is repeatable too
        columns = min(PATTERN_ITERATIONS, max(1, int(columns / ROUND_COST))) * ROUND_COST
        dive = min(DIVE_ROUNDS, max(1, int(dive / ROUND_COST))) * ROUND_COST
    else:
        columns = min(columns, budget.left())
        dive = min(dive, max(budget.left() - columns, 0.1))
    return pattern_bound(problem, [seed], budget, columns=columns, dive=dive, on_round=heard, control=control)


def _short(limit: float, share: float, seconds: float, most: float) -> float:
    """A phase's time: its ``share`` of the limit, or under short limits up to ``seconds``, but
    no more than the share ``most``."""
    return max(limit * share, min(seconds, limit * most))


def _search_model(
    problem: Problem,
    options: SolveOptions,
    budget: Budget,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None,
    hint: list[Assignment],
    first_share: float,
    focus: Focus | None = None,
) -> Outcome:
    """One model of the horizon: a full search from ``hint`` first, which proves small problems
    optimal (when it finds no roster in its share, a search without the objective looks for any
    roster that keeps the hard rules); then relax-and-resolve steps (:mod:`rotation.solver.relax`,
    partly drawn by ``focus`` when given) on models of up to RELAX_LIMIT duty Booleans; then a
    last full search from the best roster, which improves and bounds it. With ``first_share`` 1
    the first search takes all the time: one plain search of the model. For rules that span the
    horizon, such as the Curtois benchmark's."""
    began = budget.started
    model, variables, terms = build_model(problem, Mode.FULL)
    if hint:
        add_complete_hint(variables, hint, options.seed)
    built = budget.elapsed()
    # a large model gets one search, not restarted, unless it finds no roster in its share
    large = len(variables.x) > RELAX_LIMIT and not budget.deterministic
    share = 1.0 if large else first_share
    # a wall-clock budget has spent the building time already; a deterministic one counts searches
    first = search(
        model,
        options,
        budget.part(max(budget.limit * share - budget.spent(), 1.0)),
        control,
        on_progress,
        began,
        give_up_after=max(budget.limit * first_share - budget.spent(), 1.0),
    )
    fell_back = first.incumbent is None and first.status is not SolveStatus.INFEASIBLE and first_share < 1
    if fell_back and not control.interrupted:
        first = _any_roster(model, terms, options, budget, control, on_progress, began)
    best, status, bound = first.incumbent, first.status, first.bound
    phases: dict[str, float] = {"model": round(built, 1), "first_search": round(budget.elapsed(), 1)}
    if first.first_at is not None:
        phases["first_roster"] = round(first.first_at, 1)
    if best is not None and status is not SolveStatus.OPTIMAL and (share < 1 or fell_back) and not control.interrupted:
        progress = Progress(phase="邻域搜索", started=began, objective=best.objective, bound=bound)
        # on large models each step re-reads the whole model: CP-SAT's own search does better there
        steps = budget.limit * (1 - BOUND_SHARE) - budget.spent() if len(variables.x) <= RELAX_LIMIT else 0.0
        best, log = relax_and_resolve(
            variables, best, budget.part(steps), options.seed, options.workers, control, on_progress, progress, focus
        )
        phases["neighbourhoods"] = round(budget.elapsed(), 1)
        phases["steps"] = log.steps
        if not control.interrupted and not budget.expired:
            hint_all(variables, best.values)
            last = search(model, options, budget, control, on_progress, began)
            if last.bound is not None:
                bound = last.bound if bound is None else max(bound, last.bound)
            if last.incumbent is not None and last.incumbent.objective <= best.objective:
                best, status = last.incumbent, last.status
    size = size_of(model, variables)
    if best is None:
        return Outcome(status, None, None, 0, size, phases)
    solver = fixed_solution(variables, best.values, options.seed)
    duties = extract_duties(variables, solver.value)
    values = {rule: round(solver.value(term)) if not isinstance(term, int) else term for rule, term in terms.items()}
    found = Settled(duties, best.objective, values, 0, shortfall(problem, duties))
    if status is SolveStatus.OPTIMAL:
        return Outcome(status, found, best.objective, 0, size, phases)
    return Outcome(SolveStatus.FEASIBLE, found, bound, 0, size, phases)


_AS_GIVEN = "给定的初始排班（模型过大，未做整体搜索）"
_RELAXING = "整体模型 + 邻域搜索（逐次放开部分单位或日期重新求解）"


def _any_roster(
    model: cp_model.CpModel,
    terms: dict[str, LinearExpr],
    options: SolveOptions,
    budget: Budget,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None,
    began: float,
) -> SearchRun:
    """A roster that keeps every hard rule, however costly, found without the objective: on
    Instance20 of the benchmark that takes 3 s, against nothing in 54 s with it. Its cost is
    then taken with the objective back."""
    model.clear_objective()
    try:
        found = search(model, options, budget, control, on_progress, began, enough_after=0.0)
    finally:
        model.minimize(sum(terms.values()))
    if found.incumbent is None:
        return found
    incumbent = Incumbent(found.incumbent.values, objective_of(model, found.incumbent.values))
    return replace(found, status=SolveStatus.FEASIBLE, incumbent=incumbent, bound=None)


FLOW_SECONDS = 0.3
"""Wall-clock seconds per month a horizon keeps for its closing check and flow bound."""
MONTH_LEAST = 1.0
"""Wall-clock seconds a month of a horizon needs at least: its problem, a greedy roster, settling."""


def _months_to_plan(seconds: float, kept: Sequence[float]) -> int:
    """How many of the months ahead ``seconds`` can plan, each with ``kept[i]`` kept for its
    check and outputs beside at least :data:`MONTH_LEAST` of search."""
    months, need = 0, 0.0
    for keep in kept:
        need += keep + MONTH_LEAST
        if need > seconds:
            break
        months += 1
    return months


def solve_by_month(
    problem: Problem,
    options: SolveOptions,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None = None,
    earlier: Sequence[Assignment] = (),
    data: DataSet | None = None,
    budget: Budget | None = None,
    reserve: Reserve = NO_RESERVE,
) -> Result:
    """A horizon of several months, one month at a time; one model of a whole year would need
    over ten times the memory of a month. Each month continues from the duties before it (see
    :func:`continuation`): the months already solved, and first ``earlier``, a previous roster
    whose ``history`` is that of ``data`` (by default the problem's own). Each month also plans
    the first days of the next month, then drops them, so that it ends in a state the next
    month can continue from (its fixed duties included), and aims at the horizon's fair shares
    through its last day (:func:`_shares_so_far`). The time left, less ``reserve`` and the
    closing check of the months to plan, is shared equally among as many of the months left
    as it holds (:func:`_months_to_plan`); a month short of time ends with its best roster, and
    the next continues from it. Months the time does not reach at all stay unplanned, and the
    result names them. The roster is checked as a whole against ``problem``."""
    budget = budget or options.budget()
    data = data or problem.data
    margin = carry_margin(data)
    assume = problem.calendar_assumed
    duties = [a for a in earlier if a.date < problem.start]
    rest = {d.date: not d.is_working for d in problem.days} | _rest_days_before(problem, data, duties)
    solutions = 0
    status, bound = SolveStatus.FEASIBLE, None
    parts = problem.month_parts
    needs = [sum(s.min for s in problem.slots if first <= s.date <= last) for first, last in parts]
    work = budget.until(reserve.fixed)
    kept = 0.0  # seconds kept for the months planned: their check and their outputs
    unplanned: tuple[dt.date, dt.date] | None = None
    for number, (first, last) in enumerate(parts):
        keeps = [FLOW_SECONDS + reserve.per_duty * n for n in needs[number:]]
        months = _months_to_plan(work.wall_left() - kept, keeps)
        if number and not months:
            # not even a greedy roster fits in the time left: the rest of the horizon keeps its
            # pins (and what the rules need beside them), and the result names it
            unplanned, last = (first, problem.end), problem.end
        # back over the last days before the month, and to its 1st when it starts mid-month
        back = max(min(first - margin, first.replace(day=1)), min((a.date for a in duties), default=first))
        ahead = min(problem.end, last + margin)
        try:
            part = continuation(data, duties, back, first, ahead, rest, assume)
        except DataError:  # a previous roster made with other data no longer fits it as pins
            part = continuation(data, duties, first, first, ahead, rest, assume)
        part = replace(part, shares=_shares_so_far(problem, part))
        if unplanned is not None:
            part = _pinned_only(part)
        if unplanned is None:
            kept += keeps[0]
        month = work.until(kept)
        # deterministic time is shared over every month left, so that the roster does not hang
        # on how fast the machine was (the wall-clock reading only decides what is not reached)
        sharing = len(parts) - number if budget.deterministic else max(months, 1)
        result = solve_whole(part, options, control, on_progress, month.part(month.left() / sharing))
        solutions += result.solutions
        if result.roster is None:
            return replace(result, problem=problem, wall_time=budget.since_start(), method=_BY_MONTH)
        if len(parts) == 1 and not earlier:  # the part is the problem itself: its bound counts
            status, bound = result.status, result.bound
        duties.extend(a for a in result.roster if first <= a.date <= last)
        if unplanned is not None:
            break
    method = _BY_MONTH if len(parts) > 1 else "整体求解"
    return _checked_whole(
        problem,
        [a for a in duties if a.date >= problem.start],
        options,
        budget,
        solutions,
        control.interrupted,
        method + ("，接续上一份排班" if earlier else ""),
        status,
        bound,
        unplanned,
    )


def _pinned_only(part: Problem) -> Problem:
    """``part`` with only the periods that hold a pin open: what a roster there must have.
    A month's least duties (每月最少次数) need every period, so with such a minimum nothing is
    closed."""
    if any(u.min_total for u in part.units):
        return part
    pinned = {Period(p.date, p.station, p.shift) for p in part.data.fixed if part.in_horizon(p.date)}
    slots = tuple(replace(s, index=i) for i, s in enumerate(s for s in part.slots if s.period in pinned))
    return replace(part, slots=slots, shares=FairShares(part.targets, part.weekend_targets))


def _shares_so_far(problem: Problem, part: Problem) -> FairShares:
    """A part's fair shares as the whole horizon counts them, through the part's last day; its
    year-to-date counts restart each calendar year, and so do the shares."""
    same_year = part.start.year == problem.start.year
    since = problem.start if same_year else dt.date(part.start.year, 1, 1)
    return problem.shares_through(since, part.end, history=same_year)


def carry_margin(data: DataSet) -> dt.timedelta:
    """How far back the duties before a horizon constrain it: runs and spacing, plus a day."""
    longest = max((data.max_consecutive_days(u) for u in data.units), default=data.rules.max_consecutive_days)
    return dt.timedelta(days=max(longest, data.rules.min_days_between, 1) + 1)


def continuation(
    data: DataSet,
    earlier: Sequence[Assignment],
    back: dt.date,
    first: dt.date,
    end: dt.date,
    rest: dict[dt.date, bool],
    assume: bool,
) -> Problem:
    """The problem of ``back``..``end`` that continues the roster ``earlier`` from ``first`` on.

    The earlier duties from ``back`` to ``first`` are fixed as they were planned, and nothing is
    added beside them, so every rule across the boundary (all shifts of a day, runs, spacing,
    weekend blocks, the month's counts) holds exactly; the duties before ``back`` become
    ``history`` rows, which carry the year's counts. Raises DataError when the earlier duties
    no longer fit the data as pins."""
    carried = tuple(
        Fixed(a.date, a.station, a.shift, a.unit, a.role, a.person, a.first_inquiry) for a in earlier if back <= a.date < first
    )
    pins = tuple(p for p in data.fixed if not back <= p.date < first) + carried
    problem = build_problem(replace(data, history=history_before(data, earlier, back, rest), fixed=pins), back, end, assume)
    held: dict[tuple, list[str]] = defaultdict(list)
    for pin in carried:
        held[(pin.date, pin.station, pin.shift, pin.role)].append(pin.unit)
    slots: list[Slot] = []
    for slot in problem.slots:
        if slot.date >= first:
            slots.append(replace(slot, index=len(slots)))
        elif units := held[(slot.date, slot.station, slot.shift, slot.role)]:
            # otherwise a unit short of its share could take an extra duty here, to be dropped
            slots.append(replace(slot, index=len(slots), min=len(units), max=len(units), eligible=tuple(units)))
    return replace(problem, slots=tuple(slots))


def solve_after(
    problem: Problem,
    earlier: Sequence[Assignment],
    options: SolveOptions | None = None,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    budget: Budget | None = None,
    reserve: Reserve = NO_RESERVE,
) -> Result:
    """Solve ``problem`` as the continuation of a previous roster ``earlier`` (``--previous``):
    month by month as :func:`solve_by_month` does, the first month continuing ``earlier``.
    The roster is then checked against ``problem`` with the ``history`` rows ``earlier`` leaves
    behind, which is also what the report and the objective show."""
    options = options or SolveOptions()
    control = control or SearchControl()
    budget = budget or options.budget()
    data = problem.data
    before = [a for a in earlier if a.date < problem.start]
    rest = _rest_days_before(problem, data, before)
    final = replace(problem, data=replace(data, history=history_before(data, before, problem.start, rest)))
    return explained(solve_by_month(final, options, control, on_progress, before, data, budget, reserve), budget, reserve)


def _rest_days_before(problem: Problem, data: DataSet, earlier: Sequence[Assignment]) -> dict[dt.date, bool]:
    """Which dates of ``earlier`` duties before the horizon were rest days or holidays."""
    if not earlier:
        return {}
    days = resolve_days(min(a.date for a in earlier), problem.start - ONE_DAY, data.calendar, problem.calendar_assumed)
    return {d.date: not d.is_working for d in days}


def _proven(
    problem: Problem, checked: checker.CheckResult, bounds: Sequence[int | None], status: SolveStatus, flow: bool
) -> tuple[int | None, SolveStatus]:
    """The best of ``bounds`` and, when ``flow`` is allowed its time and the roster is complete,
    the flow bound on the soft rules of complete rosters (a complete roster exists, so the best
    has no shortfall: coverage comes first); OPTIMAL once the bound meets the roster."""
    found = list(bounds)
    if flow and not checked.shortfalls:
        found.append(soft_lower_bound(problem))
    bound = max((b for b in found if b is not None), default=None)
    if bound is not None and bound >= checked.objective:
        status = SolveStatus.OPTIMAL
    return bound, status


def _checked_whole(
    problem: Problem,
    duties: list[Assignment],
    options: SolveOptions,
    budget: Budget,
    solutions: int,
    interrupted: bool,
    method: str,
    status: SolveStatus = SolveStatus.FEASIBLE,
    bound: int | None = None,
    unplanned: tuple[dt.date, dt.date] | None = None,
) -> Result:
    """The result of a roster put together from parts, checked as a whole."""
    roster = Roster(duties)
    check_result = checker.check(problem, roster)
    if check_result.violations:
        raise CheckerDisagreement(
            "a roster solved in parts breaks a hard rule as a whole: "
            + "; ".join(f"{v.rule} {v.unit} {v.date}" for v in check_result.violations[:5])
        )
    bound, status = _proven(problem, check_result, [bound], status, not budget.expired)
    return Result(
        problem=problem,
        status=status,
        roster=roster,
        check=check_result,
        objective=check_result.objective,
        bound=bound,
        wall_time=budget.since_start(),
        solutions=solutions,
        interrupted=interrupted,
        parameters=options.parameters(),
        size={},
        method=method,
        unplanned=unplanned,
        cut=budget.cut,
    )


_BY_MONTH = "逐月滚动求解（各月接续上月的排班和历史）"


def pinned_duties(problem: Problem) -> list[tuple[Slot, str]]:
    slots = {(s.date, s.station, s.shift, s.role): s for s in problem.slots}
    return [(slots[(p.date, p.station, p.shift, p.role)], p.unit) for p in problem.data.fixed if problem.in_horizon(p.date)]


def agree(objective: int | None, terms: dict[str, int], result: checker.CheckResult) -> None:
    problems = [f"{v.rule}: {v.message} ({v.unit} {v.date} {v.station} {v.shift})" for v in result.violations]
    if objective != result.objective:
        problems.append(f"objective: solver {objective}, checker {result.objective}")
    for score in result.scores:
        if terms.get(score.rule) != score.penalty:
            problems.append(f"{score.rule}: solver {terms.get(score.rule)}, checker {score.penalty}")
    if problems:
        raise CheckerDisagreement("solver and checker disagree:\n  " + "\n  ".join(problems[:20]))
