"""The decision variables of the CP-SAT model, created sparsely.

One Boolean per (slot, eligible unit) carries the roster. Day-level views (duties per unit and
day, ordered "at least k duties" indicators) are derived from them once, so that every rule
family reads the same expressions. First-inquiry Booleans exist only on the few unit-days where
the unit's qualified people are too few to take any first-inquiry duty it may get; elsewhere the
first-inquiry owner is chosen after solving (see :mod:`rotation.solver.extract`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rotation.problem import Period, Problem, Slot

LinearExpr = cp_model.LinearExpr | int
"""A linear expression of the model, or a whole number (CP-SAT's IntVar is a LinearExpr)."""


@dataclass
class Variables:
    model: cp_model.CpModel
    problem: Problem
    x: dict[tuple[int, str], cp_model.IntVar] = field(default_factory=dict)
    # (unit, date) -> [(slot, var)]: a unit's candidate duties on one day
    unit_day: dict[tuple[str, dt.date], list[tuple[Slot, cp_model.IntVar]]] = field(default_factory=dict)
    # (unit, date) -> [b1, b2, ...]: b_k is true when the unit has at least k duties that day
    levels: dict[tuple[str, dt.date], list[cp_model.IntVar]] = field(default_factory=dict)
    # (period, unit) -> first-inquiry Boolean, only on restricted unit-days
    fi: dict[tuple[Period, str], cp_model.IntVar] = field(default_factory=dict)
    restricted: set[tuple[str, dt.date]] = field(default_factory=set)
    guard: cp_model.IntVar | None = None  # while set, constraints hold only when it is true

    def add(self, constraint: cp_model.BoundedLinearExpression | bool) -> cp_model.Constraint:
        """A rule's constraint, enforced by the current guard if any."""
        added = self.model.add(constraint)
        if self.guard is not None:
            added.only_enforce_if(self.guard)
        return added

    def clause(self, literals: list) -> cp_model.Constraint:
        """At least one of ``literals`` is true."""
        added = self.model.add_bool_or(literals)
        if self.guard is not None:
            added.only_enforce_if(self.guard)
        return added

    def implies(self, a: cp_model.LiteralT, b: cp_model.LiteralT) -> cp_model.Constraint:
        added = self.model.add_implication(a, b)
        if self.guard is not None:
            added.only_enforce_if(self.guard)
        return added

    def duties(self, unit: str, date: dt.date) -> LinearExpr:
        """The number of duties of ``unit`` on ``date`` (0 when it has no candidates)."""
        return sum(var for _, var in self.unit_day.get((unit, date), []))

    def worked(self, unit: str, date: dt.date) -> cp_model.IntVar | int:
        """1 when ``unit`` is on duty at all on ``date`` (a Boolean, or 0 when it cannot be)."""
        levels = self.levels.get((unit, date))
        return levels[0] if levels else 0

    def has_day(self, unit: str, date: dt.date) -> bool:
        return (unit, date) in self.unit_day


def create_variables(model: cp_model.CpModel, problem: Problem) -> Variables:
    v = Variables(model, problem)
    data = problem.data
    closed = {u.id for u in data.units if u.max_total == 0}
    grouped: dict[tuple[str, dt.date], list] = defaultdict(list)
    for slot in problem.slots:
        for unit in slot.eligible:
            if unit in closed:
                continue
            var = model.new_bool_var(f"x[{slot.index},{unit}]")
            v.x[(slot.index, unit)] = var
            grouped[(unit, slot.date)].append((slot, var))
    v.unit_day = dict(grouped)

    for (unit, date), duties in v.unit_day.items():
        limit = min(problem.max_per_day(unit), len(duties))
        total = sum(var for _, var in duties)
        if len(duties) == 1:
            v.levels[(unit, date)] = [duties[0][1]]
            continue
        if limit == 1:
            # one named Boolean per unit-day keeps every day-level rule a short row for the LP
            worked = model.new_bool_var(f"on[{unit},{date}]")
            model.add(worked == total)
            v.levels[(unit, date)] = [worked]
            continue
        levels = [model.new_bool_var(f"n>={k}[{unit},{date}]") for k in range(1, limit + 1)]
        model.add(sum(levels) == total)
        for higher, lower in zip(levels[1:], levels, strict=False):
            model.add_implication(higher, lower)
        v.levels[(unit, date)] = list(levels)

    _create_first_inquiry(v)
    return v


def first_inquiry_capacity(problem: Problem, unit: str, date: dt.date, shift: str) -> int:
    """Qualified people of ``unit`` free for ``shift`` on ``date`` (a large number without people)."""
    data = problem.data
    if not data.unit(unit).first_inquiry:
        return 0
    people = data.people_of(unit)
    if not people:
        return 1_000
    free = problem.available_people(unit, date, shift)
    return sum(1 for p in people if p.first_inquiry and p.name in free)


def is_restricted(problem: Problem, unit: str, date: dt.date, slots: list[Slot]) -> bool:
    """Whether ``unit``'s qualified people on ``date`` may be too few for the duties it can get
    among ``slots``; only then must the model decide who owns which period."""
    if not problem.has_people(unit):
        return False
    if any(p.unit == unit and p.date == date and p.person for p in problem.data.fixed):
        return True  # a pinned person is spoken for: the others must cover the rest
    most = min(problem.max_per_day(unit), len(slots))
    return any(first_inquiry_capacity(problem, unit, date, s) < most for s in {slot.shift for slot in slots})


def _create_first_inquiry(v: Variables) -> None:
    """First-inquiry Booleans on unit-days where (qualified) people may run short; the
    people constraints of :mod:`rotation.solver.constraints` apply to exactly these days."""
    problem = v.problem
    for (unit, date), duties in v.unit_day.items():
        if not is_restricted(problem, unit, date, [slot for slot, _ in duties]):
            continue
        v.restricted.add((unit, date))
        for slot, _ in duties:
            key = (slot.period, unit)
            if key not in v.fi and first_inquiry_capacity(problem, unit, date, slot.shift) > 0:
                v.fi[key] = v.model.new_bool_var(f"fi[{slot.index},{unit}]")
