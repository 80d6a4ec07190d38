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
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rotation.budget import Budget
from rotation.solver.cpsat import Incumbent, Progress, SearchControl, hint_all, incumbent_of, narrowed, new_solver
from rotation.solver.variables import Variables

STEP_SECONDS = 1.5
"""Search time of one neighbourhood: long enough to prove most small ones, short enough for many."""
FIRST_SIZE = 600
"""Duty Booleans set free by the first neighbourhood."""


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
) -> tuple[Incumbent, SearchLog]:
    """Improve ``incumbent`` by neighbourhood steps until ``budget`` is spent or ``control`` is
    stopped."""
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
    while not control.interrupted and budget.left() > 0.05:
        kind = log.steps % 3
        free = _neighbourhood(rng, kind, units, dates, by_unit_date, sizes[kind], per_unit_day)
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


def _neighbourhood(
    rng: random.Random,
    kind: int,
    units: list[str],
    dates: list[dt.date],
    by_unit_date: dict[tuple[str, dt.date], list[int]],
    size: float,
    per_unit_day: float,
) -> set[int]:
    """The duty variables set free: units over the horizon (0), days for everyone (1), or
    units over a window of days (2), about ``size`` of them."""
    cells = max(1, int(size / per_unit_day))  # unit-days to free
    if kind == 0:
        group = rng.sample(units, min(len(units), max(2, cells // max(1, len(dates)))))
        days = dates
    elif kind == 1:
        width = min(len(dates), max(2, cells // max(1, len(units))))
        first = rng.randrange(0, len(dates) - width + 1)
        group, days = units, dates[first : first + width]
    else:
        width = min(len(dates), rng.choice((7, 14)))
        first = rng.randrange(0, len(dates) - width + 1)
        group = rng.sample(units, min(len(units), max(2, cells // width)))
        days = dates[first : first + width]
    return {index for unit in group for date in days for index in by_unit_date.get((unit, date), ())}


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
