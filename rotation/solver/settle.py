"""Any list of duties made into a roster that keeps every hard rule, scored by the model.

A roster from the greedy, the rounded plan, a fill pass or a search is turned into the model of
the problem restricted to the roster's own duties: each slot keeps only the units the roster puts
there (and its pins). That model is small, about one Boolean per duty, so building and solving it
takes a fraction of a second where the whole model takes seconds. With every duty fixed, it
scores the roster with the model's own objective code and picks each period's first-inquiry
owner; when a duty breaks a hard rule, the same model, free to drop duties, finds the best roster
within the given one. Every hard rule but the minimums (pins, a month's least duties, the
benchmark's least minutes and runs) holds for any subset of a roster that keeps it, so dropping
duties is always a way back to a roster that keeps the rules, unless a minimum is what breaks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from rotation.budget import Budget
from rotation.problem import FairShares, Problem, Slot
from rotation.roster import Assignment
from rotation.solver.cpsat import build_model, narrowed, new_solver
from rotation.solver.extract import extract_duties
from rotation.solver.outcome import Settled, shortfall
from rotation.solver.stability import Keep

FIXED_LIMIT = 5.0
"""Deterministic seconds for scoring a roster with every duty fixed: propagation alone decides it."""


def settle(problem: Problem, duties: list[Assignment], seed: int, budget: Budget, keep: Keep | None = None) -> Settled | None:
    """``duties`` scored as they are when they keep every hard rule, or else the best roster
    made of some of them; ``None`` when none is found within ``budget`` (a minimum that only
    more duties could meet, or no time). ``keep`` scores the changes to a published roster."""
    own = _roster_problem(problem, duties)
    model, variables, terms = build_model(own, keep=keep, budget=budget)
    placed = _placed(duties)
    chosen = {(s.index, u) for s in own.slots for u in placed.get(_key(s), ())}
    solver = new_solver(1, seed)
    budget.limit_cp_sat(solver.parameters, FIXED_LIMIT)
    with narrowed(model, {var.index: int(key in chosen) for key, var in variables.x.items()}):
        status = solver.solve(model)
    budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status != cp_model.INFEASIBLE or budget.expired:
            return None
        # some duty breaks a hard rule: the best roster within this one, dropping what must go
        for key, var in variables.x.items():
            model.add_hint(var, int(key in chosen))
        solver = new_solver(1, seed)
        budget.limit_cp_sat(solver.parameters, FIXED_LIMIT)
        solver.parameters.stop_after_first_solution = True  # the hint repaired: what was asked
        status = solver.solve(model)
        budget.after_cp_sat(solver.deterministic_time, solver.wall_time)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
    values = {rule: round(solver.value(term)) if not isinstance(term, int) else term for rule, term in terms.items()}
    roster = extract_duties(variables, solver.value, keep.owners() if keep else None)
    kept = {(a.date, a.station, a.shift, a.role, a.unit) for a in roster}
    dropped = len({(a.date, a.station, a.shift, a.role, a.unit) for a in duties} - kept)
    return Settled(roster, round(solver.objective_value), values, dropped, shortfall(problem, roster))


def _key(slot: Slot) -> tuple:
    return (slot.date, slot.station, slot.shift, slot.role)


def _placed(duties: list[Assignment]) -> dict[tuple, set[str]]:
    placed: dict[tuple, set[str]] = defaultdict(set)
    for a in duties:
        placed[(a.date, a.station, a.shift, a.role)].add(a.unit)
    return placed


def _roster_problem(problem: Problem, duties: list[Assignment]) -> Problem:
    """``problem`` with each slot open only to the units ``duties`` put there and its pins;
    its fair shares stay those of ``problem``, whatever the slots left out."""
    placed = _placed(duties)
    for pin in problem.data.fixed:
        if problem.in_horizon(pin.date):
            placed[(pin.date, pin.station, pin.shift, pin.role)].add(pin.unit)
    slots = tuple(replace(s, eligible=tuple(u for u in s.eligible if u in placed.get(_key(s), ()))) for s in problem.slots)
    return replace(problem, slots=slots, shares=FairShares(problem.targets, problem.weekend_targets))
