"""Naming the person for each duty of a unit that lists people.

The main model already guarantees, day by day, that the unit's duties can be matched to distinct
available people (first-inquiry duties to qualified ones). This second, small step makes that
matching and balances the load inside each unit: the busiest and the least busy person differ
as little as possible.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from rotation.budget import Budget
from rotation.problem import Problem
from rotation.roster import Assignment
from rotation.solver.cpsat import new_solver


class PeopleError(RuntimeError):
    """No assignment of people exists: the main model should have prevented it."""


UNIT_LIMIT = 1.0
"""Deterministic seconds for balancing one unit's people; the matching is the answer for a unit
the search leaves unbalanced. One model per unit, which is far faster than one of every unit
(docs/solver.md §2, "People")."""


def name_people(
    problem: Problem,
    duties: list[Assignment],
    seed: int = 0,
    preferred: dict[tuple, str] | None = None,
    budget: Budget | None = None,
) -> list[Assignment]:
    """``duties`` with ``person`` filled in for every unit that lists people. ``preferred`` maps
    (date, station, shift, role, unit) to the person a published roster named: kept where
    possible before anything else (a repair should not move people it need not move). Within
    ``budget`` (when given) the load inside each unit is balanced; past it, the matching stands."""
    by_unit: dict[str, list[int]] = defaultdict(list)
    for i, duty in enumerate(duties):
        if problem.has_people(duty.unit):
            by_unit[duty.unit].append(i)
    named = list(duties)
    for unit, indexes in sorted(by_unit.items()):
        mine = [duties[i] for i in indexes]
        wishes = [(preferred or {}).get((d.date, d.station, d.shift, d.role, d.unit)) for d in mine]
        model = cp_model.CpModel()
        take, matched, cost = _add_unit(model, problem, unit, mine, wishes)
        people = matched  # people balanced or not, every duty has its person
        if budget is None or budget.wall_left() > 0:
            model.minimize(cost)
            solver = new_solver(1, seed)
            solver.parameters.max_deterministic_time = UNIT_LIMIT
            if budget is not None:
                budget.guard_cp_sat(solver.parameters)
            if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                people = [next(name for (j, name), var in take.items() if j == k and solver.value(var)) for k in range(len(mine))]
        for i, person in zip(indexes, people, strict=True):
            named[i] = replace(duties[i], person=person)
    return named


def _add_unit(
    model: cp_model.CpModel, problem: Problem, unit: str, duties: list[Assignment], wishes: list[str | None]
) -> tuple[dict[tuple[int, str], cp_model.IntVar], list[str], cp_model.LinearExpr]:
    """One unit's part of the model: who takes each duty, each person once a day, and the cost:
    the spread between its busiest and least busy person, after every wish kept (a wish moved
    costs more than any spread). Also a matching that always exists, to fall back on."""
    people = problem.data.people_of(unit)
    pins = {(p.date, p.station, p.shift, p.role): p.person for p in problem.data.fixed if p.unit == unit and p.person is not None}
    take: dict[tuple[int, str], cp_model.IntVar] = {}
    choices: list[list[str]] = []
    for i, duty in enumerate(duties):
        pinned = pins.get((duty.date, duty.station, duty.shift, duty.role))
        options = [
            p
            for p in people
            if problem.person_available(unit, p.name, duty.date, duty.shift)
            and (p.first_inquiry or not duty.first_inquiry)
            and (pinned is None or p.name == pinned)
        ]
        if not options:
            raise PeopleError(f"{unit} {duty.date} {duty.station} {duty.shift}: no person can take this duty")
        choices.append(sorted((p.name for p in options), key=lambda name: name != wishes[i]))  # a wish first
        for p in options:
            take[(i, p.name)] = model.new_bool_var(f"take[{unit},{i},{p.name}]")
        model.add_exactly_one(take[(i, p.name)] for p in options)
    per_day: dict[tuple[str, object], list] = defaultdict(list)
    for (i, name), var in take.items():
        per_day[(name, duties[i].date)].append(var)
    for group in per_day.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    loads = [sum(var for (_, name), var in take.items() if name == p.name) for p in people]
    busiest = model.new_int_var(0, len(duties), f"busiest[{unit}]")
    idlest = model.new_int_var(0, len(duties), f"idlest[{unit}]")
    model.add_max_equality(busiest, loads)
    model.add_min_equality(idlest, loads)
    moved = sum(1 - take[(i, name)] if (i, name) in take else 1 for i, name in enumerate(wishes) if name)
    matched = _match_by_day(unit, duties, choices)
    for (i, name), var in take.items():
        model.add_hint(var, matched[i] == name)
    return take, matched, (busiest - idlest) + (len(duties) + 1) * moved


def _match_by_day(unit: str, duties: list[Assignment], choices: list[list[str]]) -> list[str]:
    """A person for every duty, one duty a day each: a bipartite matching per day (days are
    independent), found by augmenting paths. CP-SAT may spend its limit on a balanced
    assignment without finding any; this one always exists when the main model's Hall
    conditions hold, and a day without one is named."""
    by_day: dict[object, list[int]] = defaultdict(list)
    for i, duty in enumerate(duties):
        by_day[duty.date].append(i)
    person: dict[int, str] = {}
    for date, day in by_day.items():
        holder: dict[str, int] = {}
        for i in day:
            if not _augment(i, choices, holder, set()):
                raise PeopleError(f"{unit} {date}: its {len(day)} duties cannot go to distinct available people")
        person.update((i, name) for name, i in holder.items())
    return [person[i] for i in range(len(duties))]


def _augment(i: int, choices: list[list[str]], holder: dict[str, int], seen: set[str]) -> bool:
    """Give duty ``i`` a person, moving the holders along an augmenting path if need be."""
    for name in choices[i]:
        if name in seen:
            continue
        seen.add(name)
        if name not in holder or _augment(holder[name], choices, holder, seen):
            holder[name] = i
            return True
    return False
