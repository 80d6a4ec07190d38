"""Groups of employees re-planned together with the rest of the roster fixed: the benchmark's
neighbourhood search in the roster LP's own terms, for models too large to relax and resolve.

Best responses (:func:`rotation.benchmarks.colgen.best_responses`) change one employee at a
time and stop where no one alone can improve; two employees trading a shift, or three moving a
weekend among them, must move together. Each step frees a few employees over the whole horizon
and lets CP-SAT choose their lines, every rule of each kept exactly
(:func:`rotation.benchmarks.colgen.employee_rules`), to cost least with the cover the others
leave. Half of the groups are drawn where the LP says the roster's cost lies above its bound
(:meth:`rotation.benchmarks.colgen.RosterLP.gap`): around a day whose cover costs more than its
duals, among the employees who may work it, by their own terms; the rest at random, so that
the search does not circle.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from rotation.benchmarks.colgen import Staffing, _worked, employee_rules, objective

FIRST_SIZE = 4
"""Employees in the first group; the size then grows while groups are solved to optimality."""
STEP_SECONDS = 1.0
"""CP-SAT's time for one group."""
FOCUSED_SHARE = 0.5
"""The share of groups drawn by the LP's gap terms, when there are any."""
SPREAD = 0.1
"""Each weight is raised by this share of the mean, so that every employee and day may be drawn."""

Gap = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""A roster's gap to the bound per employee and per day (:meth:`RosterLP.gap`)."""


@dataclass
class GroupLog:
    steps: int = 0
    improvements: int = 0


def group_roster(
    staff: Staffing, group: list[int], roster: np.ndarray, seconds: float, workers: int = 1, seed: int = 1
) -> tuple[np.ndarray, bool] | None:
    """The lines of ``group`` (k, D) that cost least, in requests and in the cover with every
    other line of ``roster`` (E, D) fixed, each keeping every rule of its employee; hinted with
    their lines in ``roster``. With whether CP-SAT proved them the cheapest, or None when it
    found nothing in ``seconds``."""
    _, days, s_count = staff.size
    model = cp_model.CpModel()
    mine = roster[group]
    others = _worked(staff, roster) - _worked(staff, mine)
    cost: list = []
    lines = []
    for e, line in zip(group, mine, strict=True):
        x, on, _ = employee_rules(model, staff, e)
        lines.append(x)
        cost += [round(staff.work_cost[e, d, s]) * v for d in range(days) for s, v in enumerate(x[d]) if v is not None]
        cost += [round(staff.off_cost[e, d]) * (1 - on[d]) for d in range(days)]
        for d in range(days):
            for s, v in enumerate(x[d]):
                if v is not None:
                    model.add_hint(v, int(line[d]) == s)
    for d in range(days):
        for s in range(s_count):
            working = [v for x in lines if (v := x[d][s]) is not None]
            if not working:
                continue  # the group cannot change this cover: its cost is a constant
            need = int(staff.requirement[d, s] - others[d, s])
            short = model.new_int_var(0, max(0, need), "")
            excess = model.new_int_var(0, len(working) + max(0, -need), "")
            model.add(sum(working) + short - excess == need)
            cost += [round(staff.under) * short, round(staff.over) * excess]
    model.minimize(sum(cost))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = np.array(
        [
            [next((s for s, v in enumerate(x[d]) if v is not None and solver.boolean_value(v)), -1) for d in range(days)]
            for x in lines
        ]
    )
    return found, status == cp_model.OPTIMAL


def group_responses(
    staff: Staffing,
    roster: np.ndarray,
    seconds: float,
    gap: Gap | None = None,
    workers: int = 1,
    seed: int = 1,
) -> tuple[np.ndarray, GroupLog]:
    """``roster`` (E, D), every line of which keeps its rules, improved by re-planning groups of
    employees together (:func:`group_roster`) for ``seconds``; drawn partly by ``gap``. A
    group's new lines are taken when the whole roster costs no more with them: an equal roster
    moves the search along a plateau."""
    began = time.monotonic()
    rng = np.random.default_rng(seed)
    roster = roster.copy()
    e_count = staff.size[0]
    cost = objective(staff, roster)
    size = float(min(FIRST_SIZE, e_count))
    log = GroupLog()
    while (left := seconds - (time.monotonic() - began)) > 0.05:
        group = _draw(staff, rng, roster, round(size), gap)
        found = group_roster(staff, group, roster, min(STEP_SECONDS, left), workers, seed + log.steps)
        log.steps += 1
        if found is None:
            size = max(2.0, size * 0.8)
            continue
        lines, proven = found
        candidate = roster.copy()
        candidate[group] = lines
        new = objective(staff, candidate)
        if new <= cost:
            log.improvements += new < cost
            roster, cost = candidate, new
        size = min(float(e_count), size * 1.2) if proven else max(2.0, size * 0.8)
    return roster, log


def _draw(staff: Staffing, rng: np.random.Generator, roster: np.ndarray, size: int, gap: Gap | None) -> list[int]:
    """``size`` employees: at random, or where ``gap`` puts the roster's cost, either around a
    day drawn by its term among those who may work that day, or by their own terms."""
    e_count, days, _ = staff.size
    if gap is None or rng.random() >= FOCUSED_SHARE:
        return sorted(rng.choice(e_count, size=size, replace=False).tolist())
    employees, by_day = gap(roster)
    candidates = np.arange(e_count)
    if rng.random() < 0.5 and by_day.max() > 0:
        day = rng.choice(days, p=_spread(by_day))
        able = np.nonzero(staff.allowed[:, day, :].any(axis=1))[0]
        candidates = able if len(able) >= size else candidates
    weights = _spread(employees[candidates])
    return sorted(rng.choice(candidates, size=size, replace=False, p=weights).tolist())


def _spread(weights: np.ndarray) -> np.ndarray:
    """``weights`` as probabilities, each raised by SPREAD of the mean first."""
    weights = np.maximum(weights, 0.0)
    floor = SPREAD * weights.mean() if weights.sum() > 0 else 1.0
    raised = weights + floor
    return raised / raised.sum()
