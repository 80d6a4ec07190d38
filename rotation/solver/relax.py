"""Large neighbourhood search on one model: relax part of the roster, fix the rest, re-solve.

The whole model is built once. Each step fixes every duty Boolean outside a neighbourhood to
its value in the best roster so far (by narrowing the variable's domain in place, as
:func:`rotation.solver.cpsat.add_complete_hint` does), hints the whole incumbent, and lets
CP-SAT search the rest for a short time; the domains are then restored. Three kinds of
neighbourhood take turns: a group of units over the whole horizon (they can trade duties), a
window of days for every unit (cover and runs can be rearranged locally), and a group of units
over a window. Their size adapts: a step that finishes its search grows the next one, a step
that runs out of time shrinks it. Every rule stays in the model, so every step's roster keeps
every hard rule and its objective is exact.

A caller who knows where the incumbent's cost lies (the benchmark's roster LP splits the gap to
its bound into a term per unit and per day) passes a :data:`Focus`: then half of the steps
draw their units and days in proportion to those terms, the other half at random.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.budget import Budget
from rotation.solver.cpsat import Incumbent, Progress, SearchControl, hint_all, incumbent_of, narrowed, new_solver
from rotation.solver.variables import Variables

STEP_SECONDS = 1.5
"""Search time of one neighbourhood: long enough to prove most small ones, short enough for many."""
FIRST_SIZE = 600
"""Duty Booleans set free by the first neighbourhood."""
FOCUSED_SHARE = 0.5
"""With a focus, the share of the steps drawn by it; the rest keep the search from circling."""
SPREAD = 0.1
"""With a focus, each unit's and day's weight is raised by this share of the mean, so that
every one may still be drawn."""

Duty = tuple[str, dt.date, str]
"""A duty of a roster: unit, date, shift."""
Focus = Callable[[list[Duty]], tuple[dict[str, float], dict[dt.date, float]]]
"""Given a roster's duties, how much re-planning each unit and each day is worth."""


@dataclass
class SearchLog:
    """What the steps did: how many, how many improved the roster, the time they took."""

    steps: int = 0
    improvements: int = 0
    spent: float = 0.0  # seconds, or deterministic seconds with one worker


def relax_and_resolve(
    v: Variables,
    incumbent: Incumbent,
    budget: Budget,
    seed: int,
    workers: int,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None = None,
    progress: Progress | None = None,
    focus: Focus | None = None,
) -> tuple[Incumbent, SearchLog]:
    """Improve ``incumbent`` by neighbourhood steps until ``budget`` is spent or ``control`` is
    stopped; with a ``focus``, a share of them where it points."""
    rng = random.Random(seed)
    units = sorted({unit for _, unit in v.x})
    dates = sorted({date for _, date in v.unit_day})
    by_unit_date: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for (unit, date), duties in v.unit_day.items():
        by_unit_date[(unit, date)].extend(var.index for _, var in duties)
    duty_vars = [var.index for var in v.x.values()]
    per_unit_day = max(1.0, len(duty_vars) / max(1, len(units) * len(dates)))
    sizes = [min(float(FIRST_SIZE), len(duty_vars) / 4)] * 3  # one per kind: they differ in difficulty
    log = SearchLog()
    weighed: tuple[Incumbent, Weights] | None = None
    while not control.interrupted and budget.left() > 0.05:
        kind = log.steps % 3
        weights = None
        if focus is not None and rng.random() < FOCUSED_SHARE:
            if weighed is None or weighed[0] is not incumbent:
                weighed = incumbent, _weights(focus(_duties(v, incumbent)), units, dates)
            weights = weighed[1]
        free = _neighbourhood(rng, kind, units, dates, by_unit_date, sizes[kind], per_unit_day, weights)
        status, solver = _solve_around(
            v, incumbent, free, duty_vars, budget.part(STEP_SECONDS), seed + log.steps, workers, control
        )
        log.steps += 1
        found = incumbent_of(v.model, solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
        if found is not None and found.objective <= incumbent.objective:
            # an equal roster is taken too: moving along a plateau opens other neighbourhoods
            better = found.objective < incumbent.objective
            log.improvements += better
            incumbent = found
            if progress is not None and better:
                progress.solutions += 1
                progress.objective = incumbent.objective
        sizes[kind] = min(sizes[kind] * 1.2, len(duty_vars)) if status == cp_model.OPTIMAL else max(50.0, sizes[kind] * 0.8)
        if on_progress is not None and progress is not None:
            on_progress(progress)
    log.spent = budget.spent()
    return incumbent, log


@dataclass(frozen=True)
class Weights:
    """A focus's weights in the order of the search's units and dates, none of them zero."""

    units: list[float]
    dates: list[float]


def _duties(v: Variables, incumbent: Incumbent) -> list[Duty]:
    slots = v.problem.slots
    return [(unit, slots[i].date, slots[i].shift) for (i, unit), var in v.x.items() if incumbent.values[var.index]]


def _weights(found: tuple[dict[str, float], dict[dt.date, float]], units: list[str], dates: list[dt.date]) -> Weights:
    def spread(values: list[float]) -> list[float]:
        values = [max(0.0, w) for w in values]
        floor = SPREAD * sum(values) / len(values) if any(values) else 1.0
        return [w + floor for w in values]

    by_unit, by_date = found
    return Weights(spread([by_unit.get(u, 0.0) for u in units]), spread([by_date.get(d, 0.0) for d in dates]))


def _neighbourhood(
    rng: random.Random,
    kind: int,
    units: list[str],
    dates: list[dt.date],
    by_unit_date: dict[tuple[str, dt.date], list[int]],
    size: float,
    per_unit_day: float,
    weights: Weights | None = None,
) -> set[int]:
    """The duty variables set free: units over the horizon (0), days for everyone (1), or
    units over a window of days (2), about ``size`` of them; units and windows drawn by
    ``weights`` when given, else alike."""
    cells = max(1, int(size / per_unit_day))  # unit-days to free

    def group(count: int) -> list[str]:
        count = min(len(units), max(2, count))
        return _weighted_sample(rng, units, weights.units, count) if weights else rng.sample(units, count)

    def window(width: int) -> list[dt.date]:
        if weights:
            # a window around a day drawn by its weight, at any of the places it may have in it
            centre = rng.choices(range(len(dates)), weights=weights.dates)[0]
            first = min(max(0, centre - rng.randrange(width)), len(dates) - width)
        else:
            first = rng.randrange(0, len(dates) - width + 1)
        return dates[first : first + width]

    if kind == 0:
        chosen, days = group(cells // max(1, len(dates))), dates
    elif kind == 1:
        chosen, days = units, window(min(len(dates), max(2, cells // max(1, len(units)))))
    else:
        width = min(len(dates), rng.choice((7, 14)))
        days = window(width)
        chosen = group(cells // width)
    return {index for unit in chosen for date in days for index in by_unit_date.get((unit, date), ())}


def _weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float], count: int) -> list[str]:
    """``count`` of ``items`` drawn without replacement, each draw in proportion to the weights
    of those left (Efraimidis and Spirakis: the largest keys u ** (1 / w))."""
    keys = sorted(((rng.random() ** (1 / w), item) for item, w in zip(items, weights, strict=True)), reverse=True)
    return [item for _, item in keys[:count]]


def _solve_around(
    v: Variables,
    incumbent: Incumbent,
    free: set[int],
    duty_vars: list[int],
    budget: Budget,
    seed: int,
    workers: int,
    control: SearchControl,
) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    hint_all(v, incumbent.values)
    solver = new_solver(workers, seed)
    budget.limit_cp_sat(solver.parameters)
    control.attach(solver)
    with narrowed(v.model, {index: incumbent.values[index] for index in duty_vars if index not in free}):
        status = solver.solve(v.model)
    budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
    return status, solver
