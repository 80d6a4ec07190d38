"""A lower bound from column generation over each unit's day patterns.

The flow bound (:mod:`rotation.solver.bound`) relaxes the days away, so it cannot see that the
close pairs (spacing) one unit must have depend on which days the others leave it. Here a unit's
month is a *pattern*: how many duties it takes on each day, with its cost in close pairs. The
master LP picks a convex combination of patterns per unit and fills every slot from the units'
days:

    min   sum home * y  +  fairness(sum y)  +  weekend fairness(sum y on rest days)
          + sum spacing(p) * lambda_p  +  coverage * short
    s.t.  slot.min <= sum_u y[u, s] + short[s],  sum_u y[u, s] <= slot.max   for every slot s
          sum_{s on day t} y[u, s] = sum_p c_p[t] * lambda_p                   for every unit u, day t
          sum_p lambda_p = 1                                                   for every unit u

Fairness enters through the convex envelope of each unit's squared deviation, as in the flow
bound. Columns are priced by a dynamic programme over the days whose state is the duties of the
last min_days_between - 1 days, the run of consecutive days worked and the weekend blocks used
this month; all units are priced at once with numpy. Every roster, complete or not, is a point
of this LP with a cost no larger than its objective (requests, successions, people and the
shifts within a day are relaxed away), so the LP optimum bounds every roster from below; before
convergence Farley's bound, the restricted optimum plus each unit's most negative reduced cost,
does too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from rotation.check import SCALE
from rotation.model import HomeCommunity
from rotation.problem import Problem
from rotation.solver.bound import _convex_marginals, fair

MAX_STATES = 4_000
"""Pricing states above which the run and weekend parts of the state are dropped (a weaker but
still valid bound); above it even without them, there is no pattern bound."""
TOLERANCE = 1e-6
CLOSE_ENOUGH = 0.001
"""Column generation stops once Farley's bound is this close (relatively) to the restricted
optimum: the last tenth of a percent takes as long as the rest."""
SHORT_COST = 100_000
"""What a missing unit-duty costs in the master, when coverage's own weight is higher: the LP
stays a relaxation (a duty costs it no more than in the roster), and its duals stay near the
size of the other costs, which the column generation needs to converge."""
"""Reduced costs above -TOLERANCE (in hundredths of a point) price out."""


@dataclass(frozen=True)
class PatternBound:
    """The bound, in hundredths of a point, and how it was reached."""

    bound: int
    converged: bool
    iterations: int
    columns: int
    seconds: float
    plan: dict[str, tuple[float, ...]]  # the last master's duties per unit and day (fractions)


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
        block_counts = defaultdict(int)
        for block in problem.rest_blocks:
            block_counts[block.month] += 1
        self.track_weekends = any(n > weekends for n in block_counts.values())
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
                state = (new_counts, new_run if self.track_run else 0, new_blocks if self.track_weekends else 0,
                         new_flag if self.track_weekends else 0)
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
            padded[t, :len(ks)] = ks
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
            step = value[:, source] + self.spacing * pairs[None, :] - prices[:, t:t + 1] * duties[None, :]
            allowed = (duties[None, :] <= self.cap[:, t:t + 1]) & (duties[None, :] >= self.low[:, t:t + 1])
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


def pattern_bound(problem: Problem, seeds: Iterable[Iterable] = (), time_limit: float | None = None,
                  max_iterations: int | None = None, on_round: Callable[[float], bool] | None = None
                  ) -> PatternBound | None:
    """The master LP's bound on every roster's objective, or ``None`` when the pricing states do
    not fit. ``seeds`` are rosters (iterables of assignments) whose patterns start the master.
    Column generation stops at convergence, when Farley's bound is within CLOSE_ENOUGH of the
    restricted optimum, or at ``time_limit`` seconds or ``max_iterations`` (the latter keeps a
    run with deterministic limits deterministic). ``on_round`` hears the bound after each round
    of columns and stops the search by returning False."""
    began = time.monotonic()
    data = problem.data
    weights = dict(data.rules.weights)
    horizon = (problem.end - problem.start).days + 1
    closed = {u.id for u in data.units if u.max_total == 0}
    units = [u.id for u in data.units if u.id not in closed]
    row = {u: i for i, u in enumerate(units)}

    per_day: dict[tuple[str, int], int] = defaultdict(int)
    for slot in problem.slots:
        for unit in slot.eligible:
            if unit in row:
                per_day[(unit, (slot.date - problem.start).days)] += 1
    cap = np.zeros((len(units), horizon), dtype=np.int64)
    for (unit, t), n in per_day.items():
        cap[row[unit], t] = min(problem.max_per_day(unit), n)
    low = np.zeros_like(cap)
    pins = set()
    for pin in data.fixed:
        if problem.in_horizon(pin.date) and pin.unit in row:
            pins.add((pin.date, pin.station, pin.shift, pin.role, pin.unit))
            t = (pin.date - problem.start).days
            low[row[pin.unit], t] = min(low[row[pin.unit], t] + 1, cap[row[pin.unit], t])
    pricer = _Pricer(problem, units, cap, low)
    if not pricer.feasible:
        return None

    lp = pywraplp.Solver.CreateSolver("GLOP")
    # presolve pays on the first solve only: every later one starts from the last basis
    lp.SetSolverSpecificParametersAsString("use_preprocessing: false")

    objective = lp.Objective()
    objective.SetMinimization()
    constant = 0.0
    prefer = data.rules.home_community is HomeCommunity.PREFER
    link = [[None] * horizon for _ in units]
    for i in range(len(units)):
        for t in range(horizon):
            if cap[i, t]:
                link[i][t] = lp.Constraint(-lp.infinity(), 0)
    count = [lp.Constraint(0, 0) for _ in units]
    rest_count = [lp.Constraint(0, 0) for _ in units]
    rest_capacity = np.zeros(len(units), dtype=np.int64)
    for t, date in enumerate(pricer.days):
        if problem.is_rest(date):
            rest_capacity += cap[:, t]
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
        rest = problem.is_rest(date)
        for unit in eligible:
            if unit not in row:
                continue
            i = row[unit]
            pinned = sum(1 for slot in alike if (date, slot.station, slot.shift, role, unit) in pins)
            y = lp.NumVar(pinned, len(alike), "")
            home = data.unit(unit).community
            if prefer and home and community and home != community:
                objective.SetCoefficient(y, weights["home_community"] * SCALE)
            cover.SetCoefficient(y, 1)
            link[i][t].SetCoefficient(y, 1)
            count[i].SetCoefficient(y, 1)
            if rest:
                rest_count[i].SetCoefficient(y, 1)
    for unit in data.units:
        ytd, ytd_rest = problem.ytd(unit.id)
        if unit.id in closed:
            constant += weights["fairness"] * fair(0, ytd, problem.targets[unit.id])
            constant += weights["weekend_fairness"] * fair(0, ytd_rest, problem.weekend_targets[unit.id])
            continue
        i = row[unit.id]
        top = int(cap[i].sum())
        if unit.max_total is not None:
            top = min(top, unit.max_total * len(problem.months))
        for constraint, most, weight, target, past in (
                (count[i], top, weights["fairness"], problem.targets[unit.id], ytd),
                (rest_count[i], int(min(rest_capacity[i], top)), weights["weekend_fairness"],
                 problem.weekend_targets[unit.id], ytd_rest)):
            values = [weight * fair(k, past, target) for k in range(most + 1)]
            constant += values[0]
            for marginal in _convex_marginals(values):
                step = lp.NumVar(0, 1, "")
                objective.SetCoefficient(step, marginal)
                constraint.SetCoefficient(step, -1)
    objective.SetOffset(constant)

    convexity = [lp.Constraint(1, 1) for _ in units]
    gap = pricer.gap
    past_counts = [pricer.states[s][0] for s in pricer.start]
    seen: set[tuple[int, bytes]] = set()
    columns: list[tuple[int, np.ndarray, object]] = []

    def add_column(i: int, pattern: np.ndarray) -> bool:
        key = (i, pattern.tobytes())
        if key in seen:
            return False
        seen.add(key)
        column = lp.NumVar(0, 1, "")
        columns.append((i, pattern, column))
        objective.SetCoefficient(column, pricer.spacing * _close_pairs(pattern.tolist(), gap, past_counts[i]))
        convexity[i].SetCoefficient(column, 1)
        for t in np.flatnonzero(pattern):
            link[i][t].SetCoefficient(column, -float(pattern[t]))
        return True

    for i in range(len(units)):
        add_column(i, np.maximum(low[i], 0))
    for roster in seeds:
        patterns = np.zeros_like(cap)
        for a in roster:
            if a.unit in row and problem.in_horizon(a.date):
                patterns[row[a.unit], (a.date - problem.start).days] += 1
        for i in range(len(units)):
            if (patterns[i] <= cap[i]).all() and (patterns[i] >= low[i]).all():
                add_column(i, patterns[i])

    # the cheapest patterns at flat prices, a few duties to many, start the master near its optimum
    for level in (0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8):
        _, flat = pricer.price(np.full(cap.shape, level * pricer.spacing))
        for i in range(len(units)):
            add_column(i, flat[i])
    bound = -math.inf
    iterations = 0
    converged = False
    while True:
        iterations += 1
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        value = objective.Value()
        plan = np.zeros(cap.shape)
        for i, pattern, column in columns:
            plan[i] += column.solution_value() * pattern
        prices = np.zeros(cap.shape)
        for i in range(len(units)):
            for t in range(horizon):
                if link[i][t] is not None:
                    prices[i, t] = link[i][t].dual_value()
        mu = np.array([c.dual_value() for c in convexity])
        # the column of pattern c costs spacing(c) - sum_t c[t] * (-link dual) - mu
        cost, pattern = pricer.price(-prices)
        reduced = cost - mu
        bound = max(bound, value + float(np.minimum(reduced, 0).sum()))
        added = sum(add_column(i, pattern[i]) for i in np.flatnonzero(reduced < -TOLERANCE))
        if not added:
            converged = True
            bound = max(bound, value)
            break
        if value - bound <= CLOSE_ENOUGH * abs(value):
            break
        if ((time_limit is not None and time.monotonic() - began > time_limit)
                or (max_iterations is not None and iterations >= max_iterations)
                or (on_round is not None and not on_round(bound))):
            break
    # objectives are whole hundredths; the margin covers GLOP's tolerances, far below one
    margin = 1e-3 + 1e-6 * abs(bound)
    return PatternBound(math.ceil(bound - margin), converged, iterations, len(seen), time.monotonic() - began,
                        {unit: tuple(plan[row[unit]].tolist()) for unit in units})
