"""The one pipeline from a Problem to a checked Result: model, people, independent check."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from rotation import check as checker
from rotation.calendar import resolve_days
from rotation.errors import DataError
from rotation.history import history_before
from rotation.model import DataSet, Fixed
from rotation.people import name_people
from rotation.problem import FairShares, Problem, Slot, build_problem
from rotation.result import Result, SolveStatus
from rotation.roster import Assignment, Roster
from rotation.solver.bound import soft_lower_bound
from rotation.solver.cpsat import (
    Incumbent,
    Mode,
    ModelRun,
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
from rotation.solver.patterns import PatternBound, pattern_bound
from rotation.solver.relax import relax_and_resolve
from rotation.solver.rounding import plan_roster

ONE_DAY = dt.timedelta(days=1)


class CheckerDisagreement(AssertionError):
    """The solver's roster breaks a hard rule or its objective differs from the checker's: a bug."""


PATTERN_SHARE = 0.15
"""At most this share of the time limit goes to the pattern bound (wall-clock runs); on the
default county month it converges in about that (18 s of 120 s)."""
PATTERN_SECONDS = 18.0
"""... but up to this many seconds (and SHORT_SHARE) under short limits: a plan from a master far
from converged is no better a start than the greedy roster (30 s runs on the county month). At the
default 60 s, 18 s let the master converge: bound 3902-3905 against the flow bound's 2527, the
rosters as good (5106-5864 against 5540-5594, three seeds each; 12 s before)."""
SHORT_SHARE = 0.4
"""The most of a short limit the pattern phase may take to reach PATTERN_SECONDS: 12 s of 30 s,
where the master then nearly converges (bound 3902-3905, against 2990-3326 with 9 s)."""
PATTERN_ITERATIONS = 60
"""... and at most this many rounds of columns in deterministic runs."""
DIVE_SHARE = 0.15
"""Then the dive for a whole plan takes at most this share (18 s of 120 s; on the county month it
needs about 14 s) ..."""
DIVE_SECONDS = 16.0
"""... but up to this many seconds (and DIVE_SHORT_SHARE of the limit) under short limits: at
30 s a dive of 6 s fixed only part of the units and the rosters ended at 5361-5373, one of
10 s fixes them all and they end at 4449-4452 (three seeds each), 1 s later. The parts of a
year (35-38 days, about 50 s each) need longer: cut at 10 s, a dive left up to 35 units
fractional, the rounded plan broke rules, the repair took its whole 10 s and the part ended
at 2.8 times its bound. On five saved parts 16 s left 0-18 units fractional where 10 s left
0-34, and four of the five plans rounded 115-1996 points lower (one 315 higher). A dive that
is done sooner stops sooner ..."""
DIVE_SHORT_SHARE = 0.35
DIVE_ROUNDS = 40
"""... or this many rounds of columns in deterministic runs."""
INTERRUPTED_COVER = 10.0
"""Seconds for a complete roster when the search is stopped before it has one."""
COVER_SHARE = 0.2
"""At most this share of the time limit goes to finding a complete roster."""
# Then, on larger problems, groups of units are re-planned until the time is up, and the last
# model only scores their roster. A last search (CP-SAT's own neighbourhoods from the best
# roster) improved a county month by 10-40 points in 14-47 s, the groups by 124-329 in 7-48 s.
# Given nearly all its time (a share of 0.75 instead of 0.3, leaving it 1-5 s), they ended lower
# in 7 of 8 runs (December at 120 s, March, June and October at 50 s, two seeds); the 1 s left
# then never improved the roster in 10 runs, and given to the groups as well, 4 of those 10
# ended 2-20 points lower and none higher.
WHOLE_UNITS = 12
"""Problems of at most this many units skip neighbourhood search: they are better solved, and
proved, whole."""
LAST_SECONDS = 1.0
"""The last search gets at least a tenth of the limit, but under a wall-clock limit no more
than this when the time is up: at 30 s on the county month, a floor of 3 s ended the runs at
31.6-33.2 s and never improved the roster. After neighbourhood search it is only the fallback,
for a roster the model does not confirm within :func:`add_complete_hint`'s limit."""


def solve(problem: Problem, options: SolveOptions | None = None, control: SearchControl | None = None,
          on_progress: Callable[[Progress], None] | None = None,
          hint: list[Assignment] | None = None) -> Result:
    """The best roster found within the options' limits, re-checked before it is returned.

    A horizon of several months is solved month by month (:func:`solve_by_month`) unless a
    ``hint`` asks for one model. In one model, four phases share the time limit: the pattern
    bound, whose LP dives to one pattern per unit, rounded day by day into the first roster; a
    complete roster next (coverage as a hard rule, as close to that start as it can stay; when
    no complete roster exists, the one missing the fewest duties); then large neighbourhood
    search over groups of units, on problems of more than WHOLE_UNITS units, until the time is
    up; then the full model scores the best roster so far for the check against the checker
    (on smaller problems, and when no complete roster was found, it searches from it first).
    """
    options = options or SolveOptions()
    control = control or SearchControl()
    if len(problem.months) > 1 and hint is None:
        return solve_by_month(problem, options, control, on_progress)
    return solve_whole(problem, options, control, on_progress, hint)


def solve_whole(problem: Problem, options: SolveOptions, control: SearchControl,
                on_progress: Callable[[Progress], None] | None = None,
                hint: list[Assignment] | None = None) -> Result:
    """One model for the whole horizon (see :func:`solve`). The pattern bound
    (:mod:`rotation.solver.patterns`) takes its share of the time first, and its plan, rounded
    day by day (:mod:`rotation.solver.rounding`), replaces the greedy roster as the start."""
    began = time.monotonic()
    limit = options.time_limit
    planned = hint is None
    if hint is None:
        hint = as_assignments(first_roster(problem, pinned_duties(problem)))
    fallback = hint  # keeps the hard rules the greedy knows: the answer when no search finds better
    patterns = _pattern_bound(problem, hint, options, control, on_progress, began)
    if patterns is not None and planned:
        hint = plan_roster(problem, patterns.plan)  # the LP's plan is a far better start than the greedy's
    searching = time.monotonic()
    cover_control, cover_limit = control, limit * COVER_SHARE  # at most: it ends once the repair is proven smallest
    if control.interrupted:  # stopped before any roster: find one briefly, then stop
        cover_control, cover_limit = SearchControl(), min(cover_limit, INTERRUPTED_COVER)
    first = run_model(problem, replace(options, time_limit=cover_limit), cover_control, on_progress, hint,
                      Mode.COVER, began)
    if first.duties is None and not control.interrupted:
        # none exists, or none was found in time: the roster missing the fewest duties instead
        first = run_model(problem, replace(options, time_limit=limit * COVER_SHARE), control, on_progress, hint,
                          Mode.SHORTFALL, began)
        if first.status == "INFEASIBLE":
            return _result(problem, options, first, None, None, began)
    # wall-clock limits count everything, model building included (about what the last model will
    # need too); deterministic ones the search
    building = 0.0 if options.deterministic else time.monotonic() - searching - first.wall_time
    spent = first.spent(options) if options.deterministic else time.monotonic() - began
    hint = first.duties or fallback
    large = len(problem.units) > WHOLE_UNITS
    scoring = large and first.duties is not None  # the last model only scores what the groups reached
    floor = limit * 0.1 if options.deterministic else min(limit * 0.1, LAST_SECONDS)
    improved = 0
    if scoring and not control.interrupted:
        started = time.monotonic()
        hint, lns_spent, improved = improve(problem, hint, limit - spent - building, options.seed,
                                            options.deterministic, control, on_progress, began, options.workers)
        spent += lns_spent if options.deterministic else time.monotonic() - started
    interrupted = control.interrupted
    remaining = max(limit - spent - building, floor)
    if interrupted:
        control = SearchControl()  # score the roster found so far, briefly, then stop
        remaining = min(remaining, 5.0)
    full = run_model(problem, replace(options, time_limit=remaining), control, _with_bound(on_progress, patterns), hint,
                     Mode.FULL, began, lns_only=scoring, score_only=scoring)
    roster = check_result = None
    if full.duties is not None:
        roster = Roster(name_people(problem, full.duties, options.seed))
        check_result = checker.check(problem, roster)
        agree(full.objective, full.terms, check_result)
    bounds = [full.bound, patterns.bound if patterns else None]
    if check_result is not None and not check_result.shortfalls:
        # a complete roster exists, so the best roster has no shortfall (coverage comes first)
        # and the flow bound on the soft rules of complete rosters applies
        bounds.append(soft_lower_bound(problem))
    best = max((b for b in bounds if b is not None), default=None)
    if best is not None and full.objective is not None and best >= full.objective:
        full = replace(full, status="OPTIMAL")  # a bound of ours meets the roster: it is proven best
    return _result(problem, options, replace(full, bound=best, solutions=full.solutions + improved), roster,
                   check_result, began, first, interrupted)


def _with_bound(on_progress: Callable[[Progress], None] | None,
                patterns: PatternBound | None) -> Callable[[Progress], None] | None:
    """The progress line shows the pattern bound while CP-SAT's own is weaker (for minutes)."""
    if on_progress is None or patterns is None:
        return on_progress

    def show(progress: Progress) -> None:
        if progress.bound is None or progress.bound < patterns.bound:
            progress.bound = patterns.bound
        on_progress(progress)

    return show


def _pattern_bound(problem: Problem, seed: list[Assignment], options: SolveOptions, control: SearchControl,
                   on_progress: Callable[[Progress], None] | None, began: float) -> PatternBound | None:
    """The pattern bound within its share of the time; deterministic runs count rounds of
    columns instead of seconds, so that their report is repeatable too."""
    progress = Progress(phase="计算下界", started=began)

    def heard(found: float) -> bool:
        progress.bound = max(progress.bound or 0, math.ceil(found))  # no penalty is negative
        if on_progress is not None:
            on_progress(progress)
        return not control.interrupted

    if options.deterministic:
        return pattern_bound(problem, [seed], max_iterations=PATTERN_ITERATIONS, on_round=heard,
                             dive_rounds=DIVE_ROUNDS)
    limit = options.time_limit
    return pattern_bound(problem, [seed], time_limit=_short(limit, PATTERN_SHARE, PATTERN_SECONDS, SHORT_SHARE),
                         on_round=heard, dive_seconds=_short(limit, DIVE_SHARE, DIVE_SECONDS, DIVE_SHORT_SHARE))


def _short(limit: float, share: float, seconds: float, most: float) -> float:
    """A phase's time: its ``share`` of the limit, or under short limits up to ``seconds``, but
    no more than the share ``most``."""
    return max(limit * share, min(seconds, limit * most))


FIRST_SHARE = 0.2
"""With neighbourhood search on one model: the share of the time for the first full search."""
BOUND_SHARE = 0.1
"""... and the share kept for a last full search, seeded with the best roster, for the bound."""
RELAX_LIMIT = 10_000
"""Duty Booleans above which neighbourhood steps give way to one CP-SAT search, not restarted.
Measured on the Curtois instances at 60 s: the steps win on 14-19 (up to 9,728 Booleans), lose
on 12 (10,452) and 13 (39,936: 7683 against 4698); so does a search restarted from its best
roster after 20% of the time (13: 5587)."""
GREEDY_LIMIT = 200_000
"""Duty Booleans above which the greedy first roster is not worth its time: on the largest
benchmark instance (a million) it takes 19 s and breaks the rules the greedy does not know."""


def solve_relaxing(problem: Problem, options: SolveOptions, control: SearchControl,
                   on_progress: Callable[[Progress], None] | None = None, first_share: float = FIRST_SHARE) -> Result:
    """One model for the whole horizon, improved by neighbourhood search on that model (see
    :mod:`rotation.solver.relax`): a full search from the greedy roster first, which proves
    small problems optimal (when it finds no roster in its share, a search without the objective
    looks for any roster that keeps the hard rules); then relax-and-resolve steps, on models of up
    to RELAX_LIMIT duty Booleans; then a last full search from the best roster, which improves
    and bounds it. For problems whose rules all span the horizon, such as the Curtois
    benchmark, where coverage is soft and need not be complete. With ``first_share`` 1 the
    first search takes all the time: one plain search of the model."""
    began = time.monotonic()
    limit = options.time_limit
    model, variables, terms = build_model(problem, Mode.FULL)
    if len(variables.x) <= GREEDY_LIMIT:
        hint = as_assignments(first_roster(problem, pinned_duties(problem)))
        add_complete_hint(variables, hint, options.seed)
    built = time.monotonic() - began
    # a wall-clock limit counts building the model; a deterministic one only the search
    building = 0.0 if options.deterministic else built
    # a large model gets one search, not restarted, unless it finds no roster in its share
    large = len(variables.x) > RELAX_LIMIT and not options.deterministic
    share = 1.0 if large else first_share
    first = search(model, replace(options, time_limit=max(limit * share - building, 1.0)), control, on_progress,
                   began, give_up_after=max(limit * first_share - building, 1.0))
    searched = first.spent  # deterministic seconds; wall-clock limits read the clock instead

    def spent() -> float:
        return searched if options.deterministic else time.monotonic() - began

    fell_back = first.incumbent is None and first.status != "INFEASIBLE" and first_share < 1
    if fell_back and not control.interrupted:
        first = _any_roster(model, terms, options, control, on_progress, began, limit - spent())
        searched += first.spent
    best, status, bound, solutions = first.incumbent, first.status, first.bound, first.solutions
    phases: dict[str, float] = {"model": round(built, 1), "first_search": round(time.monotonic() - began, 1)}
    if first.first_at is not None:
        phases["first_roster"] = round(first.first_at, 1)
    if best is not None and status != "OPTIMAL" and (share < 1 or fell_back) and not control.interrupted:
        progress = Progress(phase="邻域搜索", started=began, objective=best.objective, bound=bound)
        # on large models each step re-reads the whole model: CP-SAT's own search does better there
        budget = limit * (1 - BOUND_SHARE) - spent() if len(variables.x) <= RELAX_LIMIT else 0.0
        best, log = relax_and_resolve(variables, best, budget, options.seed, options.workers,
                                      options.deterministic, control, on_progress, progress)
        solutions += log.improvements
        searched += log.spent
        phases["neighbourhoods"] = round(time.monotonic() - began, 1)
        phases["steps"] = log.steps
        if not control.interrupted:
            hint_all(variables, best.values)
            left = limit - spent()
            last = search(model, replace(options, time_limit=max(left, limit * 0.05)), control, on_progress, began)
            solutions += last.solutions
            if last.bound is not None:
                bound = last.bound if bound is None else max(bound, last.bound)
            if last.incumbent is not None and last.incumbent.objective <= best.objective:
                best, status = last.incumbent, last.status
    if best is None:
        return replace(_result(problem, options, ModelRun(status, None, None, None, {}, time.monotonic() - began,
                                                          solutions, control.interrupted, size_of(model, variables)),
                               None, None, began), phases=phases)
    solver = fixed_solution(variables, best.values, options.seed)
    duties = extract_duties(variables, solver.value)
    roster = Roster(name_people(problem, duties, options.seed))
    check_result = checker.check(problem, roster)
    values = {rule: round(solver.value(term)) if not isinstance(term, int) else term for rule, term in terms.items()}
    agree(best.objective, values, check_result)
    if status == "OPTIMAL":
        bound = best.objective
    run = ModelRun(status if status == "OPTIMAL" else "FEASIBLE", duties, best.objective, bound, values,
                   time.monotonic() - began, solutions, control.interrupted, size_of(model, variables))
    return replace(_result(problem, options, run, roster, check_result, began), method=_RELAXING, phases=phases)


_RELAXING = "整体模型 + 邻域搜索（逐次放开部分单位或日期重新求解）"


def _any_roster(model, terms, options: SolveOptions, control: SearchControl,  # type: ignore[no-untyped-def]
                on_progress: Callable[[Progress], None] | None, began: float, left: float) -> SearchRun:
    """A roster that keeps every hard rule, however costly, found without the objective: on
    Instance20 of the benchmark that takes 3 s, against nothing in 54 s with it. Its cost is
    then taken with the objective back."""
    model.clear_objective()
    try:
        found = search(model, replace(options, time_limit=max(left, 1.0)), control, on_progress, began,
                       enough_after=0.0)
    finally:
        model.minimize(sum(terms.values()))
    if found.incumbent is None:
        return found
    incumbent = Incumbent(found.incumbent.values, objective_of(model, found.incumbent.values))
    return replace(found, status="FEASIBLE", incumbent=incumbent, bound=None)


def solve_by_month(problem: Problem, options: SolveOptions, control: SearchControl,
                   on_progress: Callable[[Progress], None] | None = None,
                   earlier: Sequence[Assignment] = (), data: DataSet | None = None) -> Result:
    """A horizon of several months, one month at a time; one model of a whole year would need
    over ten times the memory of a month. Each month continues from the duties before it (see
    :func:`continuation`): the months already solved, and first ``earlier``, a previous roster
    whose ``history`` is that of ``data`` (by default the problem's own). Each month also plans
    the first days of the next month, then drops them, so that it ends in a state the next
    month can continue from (its fixed duties included), and aims at the horizon's fair shares
    through its last day (:func:`_shares_so_far`). The time is shared equally; the roster is
    checked as a whole against ``problem``."""
    began = time.monotonic()
    data = data or problem.data
    margin = carry_margin(data)
    assume = problem.calendar_assumed
    duties = [a for a in earlier if a.date < problem.start]
    rest = {d.date: not d.is_working for d in problem.days} | _rest_days_before(problem, data, duties)
    solutions = 0
    interrupted = False
    status, bound = SolveStatus.FEASIBLE, None
    for number, (first, last) in enumerate(problem.month_parts):
        # back over the last days before the month, and to its 1st when it starts mid-month
        back = max(min(first - margin, first.replace(day=1)), min((a.date for a in duties), default=first))
        ahead = min(problem.end, last + margin)
        try:
            part = continuation(data, duties, back, first, ahead, rest, assume)
        except DataError:  # a previous roster made with other data no longer fits it as pins
            part = continuation(data, duties, first, first, ahead, rest, assume)
        part = replace(part, shares=_shares_so_far(problem, part))
        left = options.time_limit - (time.monotonic() - began)
        share = max(left / (len(problem.months) - number), 1.0) if not interrupted else 2.0
        # the part is the problem itself: its bound counts. The months of a year have the pattern
        # phase too: since the dive, a year at 600 s ended at 155548-155683 with it (two runs),
        # 182536-211803 without (two runs, a session apart), before the parts' shares above
        whole = len(problem.months) == 1 and not earlier
        result = solve_whole(part, replace(options, time_limit=share), SearchControl() if interrupted else control,
                             on_progress)
        interrupted = interrupted or result.interrupted
        solutions += result.solutions
        if result.roster is None:
            return replace(result, problem=problem, wall_time=time.monotonic() - began, method=_BY_MONTH)
        if whole:
            status, bound = result.status, result.bound
        duties.extend(a for a in result.roster if first <= a.date <= last)
    method = _BY_MONTH if len(problem.months) > 1 else "整体求解"
    return _checked_whole(problem, [a for a in duties if a.date >= problem.start], options, began, solutions,
                          interrupted, method + ("，接续上一份排班" if earlier else ""), status, bound)


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


def continuation(data: DataSet, earlier: Sequence[Assignment], back: dt.date, first: dt.date, end: dt.date,
                 rest: dict[dt.date, bool], assume: bool) -> Problem:
    """The problem of ``back``..``end`` that continues the roster ``earlier`` from ``first`` on.

    The earlier duties from ``back`` to ``first`` are fixed as they were planned, and nothing is
    added beside them, so every rule across the boundary (all shifts of a day, runs, spacing,
    weekend blocks, the month's counts) holds exactly; the duties before ``back`` become
    ``history`` rows, which carry the year's counts. Raises DataError when the earlier duties
    no longer fit the data as pins."""
    carried = tuple(Fixed(a.date, a.station, a.shift, a.unit, a.role, a.person, a.first_inquiry)
                    for a in earlier if back <= a.date < first)
    pins = tuple(p for p in data.fixed if not back <= p.date < first) + carried
    problem = build_problem(replace(data, history=history_before(data, earlier, back, rest), fixed=pins),
                            back, end, assume)
    held: dict[tuple, list[str]] = defaultdict(list)
    for pin in carried:
        held[(pin.date, pin.station, pin.shift, pin.role)].append(pin.unit)
    slots = []
    for slot in problem.slots:
        if slot.date >= first:
            slots.append(replace(slot, index=len(slots)))
        elif units := held[(slot.date, slot.station, slot.shift, slot.role)]:
            # otherwise a unit short of its share could take an extra duty here, to be dropped
            slots.append(replace(slot, index=len(slots), min=len(units), max=len(units), eligible=tuple(units)))
    return replace(problem, slots=tuple(slots))


def solve_after(problem: Problem, earlier: Sequence[Assignment], options: SolveOptions | None = None,
                control: SearchControl | None = None,
                on_progress: Callable[[Progress], None] | None = None) -> Result:
    """Solve ``problem`` as the continuation of a previous roster ``earlier`` (``--previous``):
    month by month as :func:`solve_by_month` does, the first month continuing ``earlier``.
    The roster is then checked against ``problem`` with the ``history`` rows ``earlier`` leaves
    behind, which is also what the report and the objective show."""
    options = options or SolveOptions()
    control = control or SearchControl()
    data = problem.data
    before = [a for a in earlier if a.date < problem.start]
    rest = _rest_days_before(problem, data, before)
    final = replace(problem, data=replace(data, history=history_before(data, before, problem.start, rest)))
    return solve_by_month(final, options, control, on_progress, before, data)


def _rest_days_before(problem: Problem, data: DataSet, earlier: Sequence[Assignment]) -> dict[dt.date, bool]:
    """Which dates of ``earlier`` duties before the horizon were rest days or holidays."""
    if not earlier:
        return {}
    days = resolve_days(min(a.date for a in earlier), problem.start - ONE_DAY, data.calendar, problem.calendar_assumed)
    return {d.date: not d.is_working for d in days}


def _checked_whole(problem: Problem, duties: list[Assignment], options: SolveOptions, began: float, solutions: int,
                   interrupted: bool, method: str, status: SolveStatus = SolveStatus.FEASIBLE,
                   bound: int | None = None) -> Result:
    """The result of a roster put together from parts, checked as a whole."""
    roster = Roster(duties)
    check_result = checker.check(problem, roster)
    if check_result.violations:
        raise CheckerDisagreement("a roster solved in parts breaks a hard rule as a whole: "
                                  + "; ".join(f"{v.rule} {v.unit} {v.date}" for v in check_result.violations[:5]))
    if not check_result.shortfalls:
        flow = soft_lower_bound(problem)
        if flow is not None:
            bound = max(bound if bound is not None else flow, flow)
    return Result(
        problem=problem, status=status, roster=roster, check=check_result,
        objective=check_result.objective, bound=bound, wall_time=time.monotonic() - began,
        solutions=solutions, interrupted=interrupted,
        parameters=options.parameters(),
        size={}, method=method,
    )


_BY_MONTH = "逐月滚动求解（各月接续上月的排班和历史）"


def _result(problem: Problem, options: SolveOptions, run: ModelRun, roster: Roster | None,
            check_result: checker.CheckResult | None, began: float, first: ModelRun | None = None,
            interrupted: bool = False) -> Result:
    return Result(
        problem=problem,
        status=SolveStatus.from_cp_sat(run.status),
        roster=roster,
        check=check_result,
        objective=check_result.objective if check_result else None,
        bound=run.bound,
        wall_time=time.monotonic() - began,
        solutions=run.solutions + (first.solutions if first else 0),
        interrupted=interrupted or run.interrupted,
        parameters=options.parameters(),
        size=run.size,
    )


def pinned_duties(problem: Problem) -> list[tuple[Slot, str]]:
    slots = {(s.date, s.station, s.shift, s.role): s for s in problem.slots}
    return [(slots[(p.date, p.station, p.shift, p.role)], p.unit) for p in problem.data.fixed
            if problem.in_horizon(p.date)]


def agree(objective: int | None, terms: dict[str, int], result: checker.CheckResult) -> None:
    problems = [f"{v.rule}: {v.message} ({v.unit} {v.date} {v.station} {v.shift})" for v in result.violations]
    if objective != result.objective:
        problems.append(f"objective: solver {objective}, checker {result.objective}")
    for score in result.scores:
        if terms.get(score.rule) != score.penalty:
            problems.append(f"{score.rule}: solver {terms.get(score.rule)}, checker {score.penalty}")
    if problems:
        raise CheckerDisagreement("solver and checker disagree:\n  " + "\n  ".join(problems[:20]))
