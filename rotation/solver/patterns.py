"""A lower bound from column generation over each unit's day patterns.

The flow bound (:mod:`rotation.solver.bound`) relaxes the days away, so it cannot see that the
close pairs (spacing) one unit must have depend on which days the others leave it. Here a unit's
month is a *pattern*: how many duties it takes on each day, with its cost in close pairs. The
master LP picks a convex combination of patterns per unit and fills every slot from the units'
days:

    min   sum home * y  +  fairness(sum y)  +  weekend fairness(sum y on rest days)
          + sum spacing(p) * lambda_p  +  coverage * short
    s.t.  slot.min <= sum_u y[u, s] + short[s],  sum_u y[u, s] <= slot.max   for every slot s
          sum_{s on day t} y[u, s] <= sum_p c_p[t] * lambda_p                  for every unit u, day t
          sum_p lambda_p = 1                                                   for every unit u

Fairness enters through the convex envelope of each unit's squared deviation, as in the flow
bound. Columns are priced by a dynamic programme over the days whose state is the duties of the
last min_days_between - 1 days, the run of consecutive days worked and the weekend blocks used
this month; all units are priced at once with numpy. Every roster, complete or not, is a point
of this LP with a cost no larger than its objective (requests, successions, people and the
shifts within a day are relaxed away), so the LP optimum bounds every roster from below; before
convergence Farley's bound, the restricted optimum plus each unit's most negative reduced cost,
does too.

For a first roster the master then dives (:func:`_dive`): units whose patterns are nearest to
whole are fixed to one pattern, the others re-priced, until every unit has one. Its plan,
rounded day by day (:mod:`rotation.solver.rounding`), keeps far more of the LP's spacing than
rounding the fractional plan does.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.linear_solver import pywraplp

from rotation.budget import Budget
from rotation.model import HomeCommunity
from rotation.problem import Problem, build_problem
from rotation.solver.bound import convex_marginals, fair
from rotation.solver.cpsat import SearchControl
from rotation.units import SCALE

MAX_STATES = 4_000
"""Pricing states above which the run and weekend parts of the state are dropped (a weaker but
still valid bound); above it even without them, there is no pattern bound."""
TOLERANCE = 1e-6
"""Reduced costs above -TOLERANCE (in hundredths of a point) price out."""
CLOSE_ENOUGH = 0.001
"""Column generation stops once Farley's bound is this close (relatively) to the restricted
optimum (docs/solver.md §3)."""
GLOP_PARAMETERS = "use_preprocessing: false"
"""Presolve pays on the first solve only: every later one starts from the last basis. Scaling
stays on: the vertex it ends at rounds better (docs/solver.md §8, "The master's vertex")."""
ROUND_COST = 0.5
"""Deterministic seconds a round of columns (one master solve and its pricing) is charged: a
round takes about a second of wall-clock time on a county month."""
SHORT_COST = 100_000
"""What a missing unit-duty costs in the master, when coverage's own weight is higher: the LP
stays a relaxation (a duty costs it no more than in the roster), and its duals stay near the
size of the other costs, which the column generation needs to converge."""


@dataclass(frozen=True)
class DutyCosts:
    """What each duty of a unit costs, in hundredths of a point, and each rest-day duty on top:
    the Lagrange multipliers with which :func:`months_bound` splits the fairness rules, which
    count a unit's duties over the whole horizon, from the months."""

    duty: dict[str, float] = field(default_factory=dict)
    rest: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PatternBound:
    """The bound, in hundredths of a point, and how it was reached."""

    bound: int
    converged: bool
    iterations: int
    columns: int
    seconds: float
    plan: dict[str, tuple[float, ...]] = field(repr=False)  # the master's duties per unit and day
    # what one more duty (and one more rest-day duty) of each unit saves in the LP: its fairness
    # slope there, read off the duals before any dive
    slopes: DutyCosts = field(default_factory=DutyCosts, repr=False)


def _state_space(gap: int, most: int, run: int, weekends: int, track_run: bool, track_weekends: bool) -> list[tuple]:
    counts = list(itertools.product(range(most + 1), repeat=max(gap - 1, 0)))
    runs = range(run + 1) if track_run else (0,)
    blocks = range(weekends + 1) if track_weekends else (0,)
    flags = (0, 1) if track_weekends else (0,)
    return [(c, r, b, f) for c in counts for r in runs for b in blocks for f in flags]


class _Pricer:
    """Cheapest patterns of every unit at once, for day prices from the master's duals."""

    def __init__(self, problem: Problem, units: list[str], cap: np.ndarray, low: np.ndarray) -> None:
        data = problem.data
        self.days = [problem.start + dt.timedelta(days=t) for t in range(cap.shape[1])]
        self.cap, self.low = cap, low
        self.gap = max(data.rules.min_days_between, 1)
        self.most = int(cap.max()) if cap.size else 0
        self.spacing = dict(data.rules.weights)["spacing"] * SCALE
        runs = np.array([data.max_consecutive_days(data.unit(u)) for u in units])
        self.run_limit = runs
        horizon = len(self.days)
        run = int(min(runs.max(initial=0), horizon))
        weekends = data.rules.max_weekends_per_month
        self.track_run = run < horizon
        blocks = Counter(block.month for block in problem.rest_blocks)
        self.track_weekends = any(n > weekends for n in blocks.values())
        states = _state_space(self.gap, self.most, run, weekends, self.track_run, self.track_weekends)
        if len(states) > MAX_STATES:
            self.track_run = self.track_weekends = False
            states = _state_space(self.gap, self.most, run, weekends, False, False)
        self.feasible = len(states) <= MAX_STATES
        self.states = states
        self.index = {s: i for i, s in enumerate(states)}
        self.run, self.weekends = run, weekends
        # per day: rest day, first day of a rest block, first day of a month
        first_of_block = {block.dates[0] for block in problem.rest_blocks}
        self.kinds = [(problem.is_rest(d), d in first_of_block, d.day == 1 and t > 0) for t, d in enumerate(self.days)]
        self._transitions: dict[tuple, tuple] = {}
        self.start = self._start_states(problem, units)

    def _start_states(self, problem: Problem, units: list[str]) -> np.ndarray:
        """Each unit's state before the first day, from its history."""
        history = {h.unit: h for h in problem.data.history}
        start = np.zeros(len(units), dtype=np.int64)
        for i, unit in enumerate(units):
            past = history.get(unit)
            counts = [0] * max(self.gap - 1, 0)
            run = 0
            if past is not None and past.last_duty is not None:
                ago = (problem.start - past.last_duty).days  # 1 = the day before the horizon
                if 1 <= ago <= len(counts) and self.most:
                    counts[ago - 1] = 1
                if ago == 1 and self.track_run:
                    run = min(past.run_days, self.run)
            start[i] = self.index[(tuple(counts), run, 0, 0)]
        return start

    def transitions(self, kind: tuple) -> tuple:
        """For one kind of day: arrays (source, target, duties, close pairs, run after), and for
        each target state its incoming transitions, padded with a dummy (index len(source))."""
        if kind in self._transitions:
            return self._transitions[kind]
        rest, block_start, month_start = kind
        source, target, duties, pairs, runs = [], [], [], [], []
        for s, (counts, run, blocks, flag) in enumerate(self.states):
            if month_start:
                blocks = 0
            if block_start or not rest:
                flag = 0
            for c in range(self.most + 1):
                new_run = run + 1 if c else 0
                if self.track_run and new_run > self.run:
                    continue
                new_blocks, new_flag = blocks, flag
                if self.track_weekends and rest and c and not flag:
                    new_blocks, new_flag = blocks + 1, 1
                    if new_blocks > self.weekends:
                        continue
                new_counts = (c, *counts[:-1]) if counts else ()
                state = (
                    new_counts,
                    new_run if self.track_run else 0,
                    new_blocks if self.track_weekends else 0,
                    new_flag if self.track_weekends else 0,
                )
                source.append(s)
                target.append(self.index[state])
                duties.append(c)
                pairs.append(c * sum(counts))
                runs.append(new_run)
        arrays = tuple(np.array(a, dtype=np.int64) for a in (source, target, duties, pairs, runs))
        incoming: list[list[int]] = [[] for _ in self.states]
        for k, t in enumerate(target):
            incoming[t].append(k)
        width = max((len(i) for i in incoming), default=1) or 1
        padded = np.full((len(self.states), width), len(source), dtype=np.int64)
        for t, ks in enumerate(incoming):
            padded[t, : len(ks)] = ks
        self._transitions[kind] = (*arrays, padded)
        return self._transitions[kind]

    def price(self, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The cheapest pattern of each unit when a duty on day t earns ``prices[u, t]``:
        (cost of each, the duties of each per day)."""
        units, horizon = self.cap.shape
        value = np.full((units, len(self.states)), np.inf)
        value[np.arange(units), self.start] = 0.0
        choices = []
        for t in range(horizon):
            source, _, duties, pairs, runs, padded = self.transitions(self.kinds[t])
            step = value[:, source] + self.spacing * pairs[None, :] - prices[:, t : t + 1] * duties[None, :]
            allowed = (duties[None, :] <= self.cap[:, t : t + 1]) & (duties[None, :] >= self.low[:, t : t + 1])
            if self.track_run:
                allowed &= (runs[None, :] <= self.run_limit[:, None]) | (duties[None, :] == 0)
            step = np.where(allowed, step, np.inf)
            step = np.concatenate([step, np.full((units, 1), np.inf)], axis=1)
            incoming = step[:, padded]  # units x states x width
            best = incoming.argmin(axis=2)
            value = np.take_along_axis(incoming, best[:, :, None], axis=2)[:, :, 0]
            choices.append(np.take_along_axis(np.broadcast_to(padded, incoming.shape), best[:, :, None], axis=2)[:, :, 0])
        end = value.argmin(axis=1)
        cost = value[np.arange(units), end]
        pattern = np.zeros((units, horizon), dtype=np.int64)
        state = end
        for t in range(horizon - 1, -1, -1):
            source, _, duties, _, _, _ = self.transitions(self.kinds[t])
            k = choices[t][np.arange(units), state]
            reachable = k < len(source)
            k = np.where(reachable, k, 0)
            pattern[:, t] = np.where(reachable, duties[k], 0)
            state = np.where(reachable, source[k], state)
        return cost, pattern


def _close_pairs(pattern: list[int], gap: int, past: tuple[int, ...]) -> int:
    """Close pairs of one pattern, its first days paired with ``past``, the duties of the days
    just before it (latest first)."""
    days = [*reversed(past), *pattern]
    return sum(days[i] * days[j] for j in range(len(past), len(days)) for i in range(max(j - gap + 1, 0), j))


class _Master:
    """The master LP (see the module's docstring) in GLOP, grown column by column."""

    def __init__(
        self,
        problem: Problem,
        units: list[str],
        cap: np.ndarray,
        pins: set[tuple],
        pricer: _Pricer,
        costs: DutyCosts | None = None,
    ) -> None:
        self.problem, self.units, self.cap, self.pricer = problem, units, cap, pricer
        self.costs = costs or DutyCosts()
        self.row = {u: i for i, u in enumerate(units)}
        self.lp = lp = pywraplp.Solver.CreateSolver("GLOP")
        lp.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        # a pattern may leave some of its duties unused: it then costs no less than the roster's own
        self.link = [
            [lp.Constraint(-lp.infinity(), 0) if cap[i, t] else None for t in range(cap.shape[1])] for i in range(len(units))
        ]
        self.convexity = [lp.Constraint(1, 1) for _ in units]
        self.used: list[list[list[pywraplp.Variable]]] = [[[] for _ in range(cap.shape[1])] for _ in units]
        self.count = [lp.Constraint(0, 0) for _ in units]
        self.rest_count = [lp.Constraint(0, 0) for _ in units]
        self.columns: list[tuple[int, np.ndarray, pywraplp.Variable]] = []
        self.seen: set[tuple[int, bytes]] = set()
        self.past = [pricer.states[s][0] for s in pricer.start]
        self._fill_slots(pins)
        self.objective.SetOffset(self._price_fairness())

    def _fill_slots(self, pins: set[tuple]) -> None:
        problem, lp, objective = self.problem, self.lp, self.objective
        data = problem.data
        weights = dict(data.rules.weights)
        prefer = data.rules.home_community is HomeCommunity.PREFER
        # slots of one day alike in who may fill them are interchangeable: one pool each
        pools: dict[tuple, list] = defaultdict(list)
        for slot in problem.slots:
            pools[(slot.date, slot.eligible, slot.community, slot.role)].append(slot)
        for (date, eligible, community, role), alike in pools.items():
            t = (date - problem.start).days
            need = sum(slot.min for slot in alike)
            cover = lp.Constraint(need, sum(max(slot.max, slot.min) for slot in alike))
            if need:
                short = lp.NumVar(0, need, "")
                objective.SetCoefficient(short, min(weights["coverage"] * SCALE, SHORT_COST))
                cover.SetCoefficient(short, 1)
            for unit in eligible:
                if unit not in self.row:
                    continue
                i = self.row[unit]
                pinned = sum(1 for slot in alike if (date, slot.station, slot.shift, role, unit) in pins)
                y = lp.NumVar(pinned, len(alike), "")
                self.used[i][t].append(y)
                home = data.unit(unit).community
                cost = self.costs.duty.get(unit, 0.0) + (self.costs.rest.get(unit, 0.0) if problem.is_rest(date) else 0.0)
                if prefer and home and community and home != community:
                    cost += weights["home_community"] * SCALE
                if cost:
                    objective.SetCoefficient(y, cost)
                for constraint in (cover, self.link[i][t], self.count[i]):
                    constraint.SetCoefficient(y, 1)
                if problem.is_rest(date):
                    self.rest_count[i].SetCoefficient(y, 1)

    def _price_fairness(self) -> float:
        """Steps along each unit's convex envelopes of fairness; returns their value at zero."""
        problem, data = self.problem, self.problem.data
        weights = dict(data.rules.weights)
        rest_days = np.array([problem.is_rest(d) for d in self.pricer.days], dtype=bool)
        constant = 0.0
        for unit in data.units:
            ytd, ytd_rest = problem.ytd(unit.id)
            if unit.id not in self.row:  # no duty possible: the deviation at zero
                constant += weights["fairness"] * fair(0, ytd, problem.targets[unit.id])
                constant += weights["weekend_fairness"] * fair(0, ytd_rest, problem.weekend_targets[unit.id])
                continue
            i = self.row[unit.id]
            top = int(self.cap[i].sum())
            if unit.max_total is not None:
                top = min(top, unit.max_total * len(problem.months))
            for constraint, most, weight, target, past in (
                (self.count[i], top, weights["fairness"], problem.targets[unit.id], ytd),
                (
                    self.rest_count[i],
                    int(min(self.cap[i][rest_days].sum(), top)),
                    weights["weekend_fairness"],
                    problem.weekend_targets[unit.id],
                    ytd_rest,
                ),
            ):
                values = [weight * fair(k, past, target) for k in range(most + 1)]
                constant += values[0]
                for marginal in convex_marginals(values):
                    step = self.lp.NumVar(0, 1, "")
                    self.objective.SetCoefficient(step, marginal)
                    constraint.SetCoefficient(step, -1)
        return constant

    def slopes(self) -> DutyCosts:
        """What one more duty, and one more rest-day duty, of each unit saves at the last solve."""
        return DutyCosts(
            {u: -self.count[i].dual_value() for i, u in enumerate(self.units)},
            {u: -self.rest_count[i].dual_value() for i, u in enumerate(self.units)},
        )

    def add(self, i: int, pattern: np.ndarray) -> bool:
        """Add unit ``i``'s ``pattern`` as a column, unless it is there already."""
        key = (i, pattern.tobytes())
        if key in self.seen:
            return False
        self.seen.add(key)
        column = self.lp.NumVar(0, 1, "")
        self.columns.append((i, pattern, column))
        self.objective.SetCoefficient(column, self.pricer.spacing * _close_pairs(pattern.tolist(), self.pricer.gap, self.past[i]))
        self.convexity[i].SetCoefficient(column, 1)
        for t in np.flatnonzero(pattern):
            link = self.link[i][t]
            assert link is not None  # a pattern has duties only on days the unit can serve
            link.SetCoefficient(column, -float(pattern[t]))
        return True

    def add_roster(self, roster: Iterable, low: np.ndarray) -> None:
        """Every unit's pattern in ``roster`` (assignments), where it fits the capacities."""
        patterns = np.zeros_like(self.cap)
        for a in roster:
            if a.unit in self.row and self.problem.in_horizon(a.date):
                patterns[self.row[a.unit], (a.date - self.problem.start).days] += 1
        for i in range(len(self.units)):
            if (patterns[i] <= self.cap[i]).all() and (patterns[i] >= low[i]).all():
                self.add(i, patterns[i])

    def solve(self, seconds: float = math.inf) -> tuple[float, np.ndarray, np.ndarray, np.ndarray] | None:
        """(optimum, duties per unit and day, day duals, convexity duals), or None on failure or
        when ``seconds`` run out first (one solve of a degenerate master can take seconds)."""
        if seconds <= 0:
            return None
        self.lp.SetTimeLimit(int(min(seconds, 86_400) * 1000) + 1)
        status = self.lp.Solve()
        if status == pywraplp.Solver.ABNORMAL:
            # GLOP warm-started from the last basis can stop ABNORMAL (November 2026 without
            # fairness, round 16); with presolve it starts afresh
            self.lp.SetSolverSpecificParametersAsString("use_preprocessing: true")
            status = self.lp.Solve()
            self.lp.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        if status != pywraplp.Solver.OPTIMAL:
            return None
        # the duties the slots use: a pattern may have more (see the link rows)
        plan = np.array([[sum(y.solution_value() for y in day) for day in days] for days in self.used])
        duals = np.array([[c.dual_value() if c is not None else 0.0 for c in days] for days in self.link])
        mu = np.array([c.dual_value() for c in self.convexity])
        return self.objective.Value(), plan, duals, mu


def pattern_bound(
    problem: Problem,
    seeds: Iterable[Iterable] = (),
    budget: Budget | None = None,
    *,
    columns: float | None = None,
    dive: float = 0.0,
    on_round: Callable[[float], bool] | None = None,
    costs: DutyCosts | None = None,
    control: SearchControl | None = None,
) -> PatternBound | None:
    """The master LP's bound on every roster's objective, or ``None`` when the pricing states do
    not fit. ``seeds`` are rosters (iterables of assignments) whose patterns start the master.
    Column generation stops at convergence, when Farley's bound is within CLOSE_ENOUGH of the
    restricted optimum, or when ``columns`` of ``budget`` are spent (all of it by default; no
    budget, no limit). A deterministic budget is charged ROUND_COST per round of columns, so a
    run with deterministic limits stays deterministic (:func:`rounds`). ``on_round`` hears the
    bound after each round of columns and stops the search by returning False. With ``dive``
    (of ``budget``, after the columns) the plan returned is whole: one pattern per unit, found by
    diving (:func:`_dive`). With ``costs``, each duty also costs what they say (see
    :func:`months_bound`). ``control`` can stop a solve of the master at once; the last round's
    bound and plan then stand."""
    budget = budget if budget is not None else Budget(math.inf)
    lp = budget.part(budget.left() if columns is None else columns)
    data = problem.data
    units = [u.id for u in data.units if u.max_total != 0]
    row = {u: i for i, u in enumerate(units)}
    cap = np.zeros((len(units), (problem.end - problem.start).days + 1), dtype=np.int64)
    for slot in problem.slots:
        for unit in slot.eligible:
            if unit in row:
                cap[row[unit], (slot.date - problem.start).days] += 1
    cap = np.minimum(cap, np.array([problem.max_per_day(u) for u in units])[:, None])
    low = np.zeros_like(cap)
    pins = set()
    for pin in data.fixed:
        if problem.in_horizon(pin.date) and pin.unit in row:
            pins.add((pin.date, pin.station, pin.shift, pin.role, pin.unit))
            i, t = row[pin.unit], (pin.date - problem.start).days
            low[i, t] = min(low[i, t] + 1, cap[i, t])
    pricer = _Pricer(problem, units, cap, low)
    if not pricer.feasible:
        return None

    master = _Master(problem, units, cap, pins, pricer, costs)
    if control is not None:
        control.attach_interrupt(master.lp.InterruptSolve)
    for i in range(len(units)):
        master.add(i, low[i].copy())
    for roster in seeds:
        master.add_roster(roster, low)
    # the cheapest patterns at flat prices, a few duties to many, start the master near its optimum
    for level in (0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8):
        _, flat = pricer.price(np.full(cap.shape, level * pricer.spacing))
        for i in range(len(units)):
            master.add(i, flat[i])
    bound = -math.inf
    iterations = 0
    converged = False
    plan = None
    while True:
        iterations += 1
        solved = master.solve(lp.wall_left())
        lp.charge(ROUND_COST)
        if solved is None:
            stopped = lp.wall_left() <= 0 or (control is not None and control.interrupted)
            if plan is None or not stopped:
                return _detached(control, None)
            break  # out of time, or stopped, in the middle of a solve: the last round's bound and plan stand
        value, plan, duals, mu = solved
        slopes = master.slopes()  # before columns are added: GLOP has no duals after
        # a pattern's reduced cost is its spacing cost less what its duties earn (-dual) less mu
        cost, patterns = pricer.price(-duals)
        reduced = cost - mu
        bound = max(bound, value + float(np.minimum(reduced, 0).sum()))
        if not sum(master.add(int(i), patterns[i]) for i in np.flatnonzero(reduced < -TOLERANCE)):
            converged = True
            bound = max(bound, value)
            break
        if value - bound <= CLOSE_ENOUGH * abs(value):
            break
        if lp.expired or (on_round is not None and not on_round(bound)):
            break
    if dive and not (control is not None and control.interrupted):
        dived = _dive(master, budget.part(dive), None if on_round is None else lambda: on_round(bound), plan)
        if dived is not None:  # whole duties come back from GLOP a hair off
            plan = np.where(np.abs(dived - np.round(dived)) < 1e-6, np.round(dived), dived)
    # objectives are whole hundredths, so the bound rounds up; the margin covers GLOP's
    # tolerances, far below one. Every penalty is at least zero, so zero is a bound too
    # (Farley's is negative at first). With costs neither holds: a duty may earn, and a
    # fraction of a hundredth
    margin = 1e-3 + 1e-6 * abs(bound)
    whole = max(math.ceil(bound - margin), 0) if costs is None else math.floor(bound - margin)
    return _detached(
        control,
        PatternBound(
            whole,
            converged,
            iterations,
            len(master.seen),
            lp.elapsed(),
            {unit: tuple(plan[row[unit]].tolist()) for unit in units},
            slopes,
        ),
    )


def _detached(control: SearchControl | None, found: PatternBound | None) -> PatternBound | None:
    """``found``, once ``control`` no longer interrupts this master."""
    if control is not None:
        control.attach_interrupt(None)
    return found


DIVE_STEP = 0.1
"""Each dive step fixes the units already whole and this share of the units (at least one),
those whose candidate pattern weighs most first (docs/solver.md §4, "Dive")."""
DIVE_COLUMNS = 3
"""Rounds of columns for the units not yet fixed, at most, after each dive step."""


def _dive(
    master: _Master,
    budget: Budget,
    proceed: Callable[[], bool] | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray | None:
    """Duties per unit and day, by diving on the master: fix the units whose patterns are
    (nearly) whole, price new patterns for the others, again until every unit has one pattern.
    Out of ``budget`` (ROUND_COST per round when deterministic), or when ``proceed`` says no,
    the units not yet fixed keep their fractional plan. The master's bound no longer holds once
    this has run. None when GLOP fails."""
    units = len(master.units)
    fixed = np.zeros(units, dtype=bool)
    step = max(1, math.ceil(units * DIVE_STEP))
    last = start
    while True:
        for _ in range(DIVE_COLUMNS):
            solved = master.solve(budget.wall_left())
            if solved is None:
                return last if budget.wall_left() <= 0 else None
            last = solved[1]
            budget.charge(ROUND_COST)
            if budget.expired or (proceed is not None and not proceed()):
                return solved[1]
            _, _, duals, mu = solved
            cost, patterns = master.pricer.price(-duals)
            if not sum(master.add(int(i), patterns[i]) for i in np.flatnonzero((cost - mu < -TOLERANCE) & ~fixed)):
                break
        else:  # the weights below need a solve after the last column added
            solved = master.solve(budget.wall_left())
            if solved is None:
                return last if budget.wall_left() <= 0 else None
            last = solved[1]
        if fixed.all():
            return solved[1]
        # each unit's candidate: of the patterns the LP uses, the one whose duties are nearest
        # its planned total (fairness), the heavier among equals; the heaviest are fixed first
        plan = solved[1]
        chosen: dict[int, tuple[tuple[float, float], pywraplp.Variable]] = {}
        for i, pattern, column in master.columns:
            weight = column.solution_value()
            if fixed[i] or weight <= TOLERANCE:
                continue
            key = (abs(float(pattern.sum()) - float(plan[i].sum())), -weight)
            if i not in chosen or key < chosen[i][0]:
                chosen[i] = (key, column)
        fractional = 0
        for i in sorted(chosen, key=lambda i: (chosen[i][0][1], i)):
            (_, lighter), column = chosen[i]
            if -lighter < 1 - TOLERANCE:
                if fractional == step:
                    break
                fractional += 1
            column.SetLb(1.0)
            fixed[i] = True


FAIRNESS_RULES = ("fairness", "weekend_fairness")


def months_bound(
    problem: Problem, budget: Budget | None = None, costs: DutyCosts | None = None
) -> tuple[int, list[PatternBound]] | None:
    """A bound for a horizon of several months, too long for one master: the sum of each
    calendar month's pattern bound with the fairness rules weighing nothing, plus the least the
    fairness rules can cost. The rest of the objective is a sum over duties, days and close
    pairs, and every hard rule of the county data is per day, per run or per month (weekend
    blocks are cut at month ends), so any roster of the horizon, cut at a month's ends, is a
    roster of that month alone scoring at least its share; the pairs across month ends are
    only dropped. Rules over the whole horizon that ask for at least something (a benchmark's
    minimum minutes or runs) would not cut so, and then there is no bound (``None``), nor when
    some month has no pattern bound. The months share ``budget`` evenly (no budget, no limit).

    With ``costs`` (one price per unit, mu), the fairness of a unit with N duties, F(N), is
    split as mu * N, charged to the months' duties, plus F(N) - mu * N, which is at least its
    least value over every N the horizon allows (:func:`fairness_floor`): a Lagrangian bound,
    valid whatever the prices. Without them it is the same with every price zero."""
    data = problem.data
    if any(u.limits.min_minutes or u.limits.min_consecutive_days or u.limits.min_days_off for u in data.units):
        return None
    weights = tuple((rule, 0 if rule in FAIRNESS_RULES else weight) for rule, weight in data.rules.weights)
    free = replace(data, rules=replace(data.rules, weights=weights))
    parts = []
    for first, last, each in _months(problem, budget):
        found = pattern_bound(build_problem(free, first, last, problem.calendar_assumed), budget=each, costs=costs)
        if found is None:
            return None
        parts.append(found)
    return sum(part.bound for part in parts) + fairness_floor(problem, costs or DutyCosts()), parts


def fairness_floor(problem: Problem, costs: DutyCosts) -> int:
    """The least of F(N) - mu * N over every number N of duties each unit could have, summed
    over the units and both fairness rules (hundredths, rounded down)."""
    weights = dict(problem.data.rules.weights)
    slots: Counter = Counter()
    rest_slots: Counter = Counter()
    for slot in problem.slots:
        for unit_id in slot.eligible:
            slots[unit_id] += 1
            rest_slots[unit_id] += problem.is_rest(slot.date)
    days = len(problem.days)
    rest_days = sum(1 for d in problem.days if problem.is_rest(d.date))
    total = 0.0
    for unit in problem.data.units:
        most = problem.max_per_day(unit.id)
        top = min(slots[unit.id], days * most)
        if unit.max_total is not None:
            top = min(top, unit.max_total * len(problem.months))
        ytd, ytd_rest = problem.ytd(unit.id)
        for weight, past, target, price, highest in (
            (weights["fairness"], ytd, problem.targets[unit.id], costs.duty.get(unit.id, 0.0), top),
            (
                weights["weekend_fairness"],
                ytd_rest,
                problem.weekend_targets[unit.id],
                costs.rest.get(unit.id, 0.0),
                min(top, rest_slots[unit.id], rest_days * most),
            ),
        ):
            total += min(weight * fair(n, past, target) - price * n for n in range(highest + 1))
    # a hair above the exact sum is still a bound: the objective is whole, and so are the months'
    return math.floor(total + 1e-9 * (1 + abs(total)))


def month_slopes(problem: Problem, budget: Budget | None = None) -> DutyCosts | None:
    """Prices for :func:`months_bound`: each unit's fairness slope in the LP of each calendar
    month alone (that month's fair shares, no history), averaged over the months where the unit
    may serve; what one more duty saves a unit in a month is about the same from month to month
    (docs/solver.md §3). The months share ``budget`` evenly. None when some month has no
    pattern bound."""
    data = replace(problem.data, history=())
    duty: dict[str, list[float]] = defaultdict(list)
    rest: dict[str, list[float]] = defaultdict(list)
    for first, last, each in _months(problem, budget):
        found = pattern_bound(build_problem(data, first, last, problem.calendar_assumed), budget=each)
        if found is None:
            return None
        for unit, slope in found.slopes.duty.items():
            duty[unit].append(slope)
        for unit, slope in found.slopes.rest.items():
            rest[unit].append(slope)
    return DutyCosts({u: sum(v) / len(v) for u, v in duty.items()}, {u: sum(v) / len(v) for u, v in rest.items()})


def _months(problem: Problem, budget: Budget | None) -> Iterator[tuple[dt.date, dt.date, Budget | None]]:
    """The horizon's calendar months, each with an even share of what is left of ``budget``."""
    parts = problem.month_parts
    for i, (first, last) in enumerate(parts):
        yield first, last, None if budget is None else budget.part(budget.left() / (len(parts) - i))


def rounds(count: int) -> Budget:
    """A deterministic budget of ``count`` rounds of columns: a pattern bound that repeats."""
    return Budget(count * ROUND_COST, deterministic=True)
