"""Rosters of a Curtois instance improved window by window: a group of employees re-planned by
CP-SAT over a span of days, every other duty fixed.

Each window is a model of its own, small whatever the instance: the fixed days around it enter
its sequence rules as constants, and what the employee works outside it shrinks her counting
rules (minutes, shifts per type, weekends) to the room that is left. So a step builds quickly
and needs little memory whatever the horizon, even on instance 24, whose whole model is too
large to build in its time. Windows are centred where the cover costs most, and
their size follows the solver: a window solved to optimality grows, one that is not shrinks.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.sat.python import cp_model

from rotation.benchmarks.colgen import WEEKEND, Staffing, _worked, best_responses, counts, cover_by_day, objective
from rotation.budget import Budget
from rotation.solver.cpsat import SearchControl, new_solver

STEP_SECONDS = 1.0
"""CP-SAT's time for one window: small windows solved to optimality gained far more a second
than large ones stopped by the clock (docs/curtois.md, "Windows")."""
FIRST_SIZE = 1500.0
"""Duty Booleans of the first window."""
SMALLEST, LARGEST = 500.0, 30000.0
"""The range of a window's size, in duty Booleans."""
GROWTH = 1.1
"""A window solved to optimality makes the next this much larger; one that is not, smaller."""
STRETCH_SECONDS = 30.0
"""The shortest stretch of windows between two rounds of best responses."""

Literal = cp_model.IntVar | bool


def succession_classes(banned: np.ndarray) -> list[tuple[frozenset[int], frozenset[int]]]:
    """The shifts of ``banned`` (S, S) grouped by the successors banned after them: each class
    and those successors. A window states one constraint a day for each class, not one clause
    for each banned pair (24 has 461)."""
    rows = sorted({tuple(row) for row in banned if row.any()})
    return [
        (frozenset(map(int, np.nonzero((banned == row).all(axis=1))[0])), frozenset(map(int, np.nonzero(row)[0]))) for row in rows
    ]


class _Window:
    """The model of employees ``people`` on days ``first`` to ``last`` - 1; ``fixed`` (E, D), where
    given, holds decisions as they are (a shift, -1 off, -2 free)."""

    def __init__(
        self,
        staff: Staffing,
        roster: np.ndarray,
        people: np.ndarray,
        first: int,
        last: int,
        fixed: np.ndarray | None = None,
    ) -> None:
        self.staff, self.roster, self.people, self.first, self.last = staff, roster, people, first, last
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.on: dict[tuple[int, int], cp_model.IntVar] = {}
        self.cost: list = []
        self.successions = succession_classes(staff.banned)
        for e in people:
            self._employee(int(e))
        self._cover()
        if fixed is not None:
            for e in people:
                for d in range(first, last):
                    if (shift := int(fixed[e, d])) >= 0:
                        self.clause([(self.works(int(e), d, shift), True)])
                    elif shift == -1:
                        self.clause([(self.worked(int(e), d), False)])
        self.model.minimize(sum(self.cost))

    def inside(self, d: int) -> bool:
        return self.first <= d < self.last

    def worked(self, e: int, d: int) -> Literal:
        """Whether ``e`` works on day ``d``: a variable in the window, her roster's value outside."""
        return self.on[e, d] if self.inside(d) else bool(self.roster[e, d] >= 0)

    def works(self, e: int, d: int, s: int) -> Literal:
        if self.inside(d):
            return self.x.get((e, d, s), False)
        return bool(self.roster[e, d] == s)

    def clause(self, literals: list[tuple[Literal, bool]]) -> None:
        """At least one of ``literals`` (a literal and the value it must take) holds; constants
        are folded in."""
        kept = []
        for literal, value in literals:
            if isinstance(literal, bool):
                if literal == value:
                    return
                continue
            kept.append(literal if value else literal.Not())
        self.model.add_bool_or(kept)

    def _employee(self, e: int) -> None:
        staff, model, first, last = self.staff, self.model, self.first, self.last
        line = self.roster[e]
        _, days, s_count = staff.size
        mine: list[tuple[int, cp_model.IntVar]] = []  # her shift and its variable, day by day
        for d in range(first, last):
            shifts = []
            for s in map(int, np.nonzero(staff.allowed[e, d])[0]):
                var = model.new_bool_var("")
                self.x[e, d, s] = var
                model.add_hint(var, int(line[d]) == s)
                shifts.append(var)
                mine.append((s, var))
                if cost := round(staff.work_cost[e, d, s]):
                    self.cost.append(cost * var)
            on = model.new_bool_var("")
            self.on[e, d] = on
            model.add_hint(on, int(line[d]) >= 0)
            model.add(sum(shifts) == on)
            if cost := round(staff.off_cost[e, d]):
                self.cost.append(cost - cost * on)
        for d in range(max(0, first - 1), min(days - 1, last)):
            for before, after in self.successions:
                self._succession(e, d, before, after)
        most = int(staff.max_run[e])
        for d in range(max(0, first - most), min(days - most, last)):
            run = [self.worked(e, i) for i in range(d, d + most + 1)]
            free = [v for v in run if not isinstance(v, bool)]
            if free:
                model.add(sum(free) <= most - sum(v is True for v in run))
        # a run that neither starts on day 0 nor touches the end lasts its shortest at least
        for length, value in ((int(staff.min_run[e]), True), (int(staff.min_off[e]), False)):
            for d in range(max(1, first - length), min(days, last + 1)):
                for span in range(1, min(length, days - d)):
                    if d + span < first or d - 1 >= last:
                        continue
                    edges = [(self.worked(e, d - 1), value), (self.worked(e, d + span), value)]
                    self.clause(edges + [(self.worked(e, i), not value) for i in range(d, d + span)])
        # the counting rules, less what she works outside the window
        minutes_out, per_type_out, _ = counts(staff, np.r_[line[:first], line[last:]])
        model.add_linear_constraint(
            sum(int(staff.minutes[s]) * var for s, var in mine),
            int(staff.min_minutes[e] - minutes_out),
            int(staff.max_minutes[e] - minutes_out),
        )
        for s in range(s_count):
            column = [var for t, var in mine if t == s]
            room = int(staff.max_shifts[e, s] - per_type_out[s])
            if column and room < len(column):
                model.add(sum(column) <= room)
        fixed, weekends = 0, []
        for saturday in range(WEEKEND[0], days, 7):
            pair = [self.worked(e, d) for d in (saturday, saturday + 1) if d < days]
            free = [v for v in pair if not isinstance(v, bool)]
            if any(v is True for v in pair):
                fixed += 1
            elif free:
                weekend = model.new_bool_var("")
                model.add_max_equality(weekend, free)
                weekends.append(weekend)
        room = int(staff.max_weekends[e]) - fixed
        if weekends and room < len(weekends):
            model.add(sum(weekends) <= room)

    def _succession(self, e: int, d: int, before: frozenset[int], after: frozenset[int]) -> None:
        """None of ``after`` on day ``d`` + 1 when ``e`` works one of ``before`` on day ``d``."""
        (fixed_ahead, ahead), (fixed_behind, behind) = self._one_of(e, d, before), self._one_of(e, d + 1, after)
        if fixed_ahead or fixed_behind:
            # the fixed side is worked: the other side's variables are off
            for var in behind if fixed_ahead else ahead:
                self.model.add(var == 0)
        elif len(ahead) + len(behind) > 1:
            # one shift a day makes "one of these at most" the banned pairs between the two days
            self.model.add_at_most_one(ahead + behind)

    def _one_of(self, e: int, d: int, shifts: frozenset[int]) -> tuple[bool, list[cp_model.IntVar]]:
        """Whether ``e`` works one of ``shifts`` on day ``d`` outside the window, and her
        variables of them inside it."""
        if self.inside(d):
            return False, [var for s in shifts if (var := self.x.get((e, d, s))) is not None]
        return int(self.roster[e, d]) in shifts, []

    def _cover(self) -> None:
        staff, model = self.staff, self.model
        others = _worked(staff, np.delete(self.roster, self.people, axis=0))
        for d in range(self.first, self.last):
            for s in range(staff.size[2]):
                group = [var for e in self.people if (var := self.x.get((int(e), d, s))) is not None]
                if not group:
                    continue
                need, fixed = int(staff.requirement[d, s]), int(others[d, s])
                short = model.new_int_var(0, max(0, need - fixed), "")
                excess = model.new_int_var(0, max(0, fixed + len(group) - need), "")
                model.add(fixed + sum(group) + short - excess == need)
                self.cost.append(round(staff.under) * short + round(staff.over) * excess)

    def solve(
        self, seconds: float, workers: int, seed: int, control: SearchControl | None = None
    ) -> tuple[np.ndarray | None, bool]:
        """The roster with the window's best found, or None; and whether it is the window's optimum."""
        solver = new_solver(workers, seed)
        solver.parameters.max_time_in_seconds = max(seconds, 0.05)
        if control is not None:
            control.attach(solver)
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        roster = self.roster.copy()
        roster[np.ix_(self.people, np.arange(self.first, self.last))] = -1
        for (e, d, s), var in self.x.items():
            if solver.boolean_value(var):
                roster[e, d] = s
        return roster, status == cp_model.OPTIMAL


def replan(
    staff: Staffing,
    roster: np.ndarray,
    people: np.ndarray,
    first: int,
    last: int,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    control: SearchControl | None = None,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray | None, bool]:
    """``roster`` (E, D), which keeps every rule, with employees ``people`` re-planned on days
    ``first`` to ``last`` - 1 and every other duty as it was, keeping every rule; hinted with
    ``roster``. With ``fixed`` (E, D), the window also keeps each decision it holds (a shift, -1
    off; -2 free), and ``roster`` outside the window must keep them too. The new roster, or None
    when CP-SAT finds none in ``seconds`` or ``control`` stops it; and whether it is the
    window's optimum."""
    days = staff.size[1]
    window = _Window(staff, roster, np.asarray(people), max(0, first), min(days, last), fixed)
    return window.solve(seconds, workers, seed, control)


class Windows:
    """Windows drawn at random and sized by how the last ones solved; one object serves
    successive stretches, so its draws and size go on from one to the next; ``control`` stops
    them (Ctrl-C)."""

    def __init__(self, staff: Staffing, workers: int = 1, seed: int = 1, control: SearchControl | None = None) -> None:
        self.staff, self.workers, self.seed = staff, workers, seed
        self.control = control or SearchControl()
        self.rng = np.random.default_rng(seed)
        self.size, self.steps = FIRST_SIZE, 0
        # the share of shifts an employee may work, roughly, so that a window holds ``size`` Booleans
        self.per_day = staff.size[2] * staff.allowed.mean()

    def search(self, roster: np.ndarray, seconds: float, floor: float = -math.inf) -> np.ndarray:
        """``roster`` (E, D), which keeps every rule, improved by re-planned windows for
        ``seconds``, or until it costs ``floor`` (a lower bound): each is all the employees, or
        a quarter drawn at random, over days around one drawn by what its cover costs."""
        staff, rng = self.staff, self.rng
        clock = Budget(seconds)
        e_count, days, _ = staff.size
        best = objective(staff, roster)
        while not clock.expired and best > floor and not self.control.interrupted:
            cost = cover_by_day(staff, roster) + 1  # every day may be drawn
            centre = int(rng.choice(days, p=cost / cost.sum()))
            group = int(rng.choice([e_count, max(1, e_count // 4)]))
            people = np.sort(rng.choice(e_count, size=group, replace=False))
            width = int(np.clip(self.size / (group * self.per_day), 2, days))
            first = int(np.clip(centre - width // 2, 0, days - width))
            seconds_left = min(STEP_SECONDS, clock.left())
            found, optimal = replan(
                staff, roster, people, first, first + width, seconds_left, self.workers, self.seed, self.control
            )
            if found is not None and (cost_found := objective(staff, found)) < best:
                roster, best = found, cost_found
            if self.control.interrupted:
                break  # a window cut short says nothing of its size
            self.steps += 1
            grown = found is not None and optimal
            self.size = min(self.size * GROWTH, LARGEST) if grown else max(self.size / GROWTH, SMALLEST)
        return roster


def windows_and_responses(
    staff: Staffing,
    roster: np.ndarray,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    floor: float = -math.inf,
    responded: float = 0.0,
    control: SearchControl | None = None,
) -> tuple[np.ndarray, int]:
    """``roster`` (E, D), which keeps every rule, improved for ``seconds`` by stretches of
    windows (:class:`Windows`), each followed by best responses, sideways moves taken, until no
    employee improves alone (:func:`colgen.best_responses`), until it costs ``floor``; each
    stretch goes on with the draws and the window size the one before left. A window moves
    duties between employees over a few days; a best response re-plans one employee over the
    whole horizon, and may trade a weekday for a weekend day months away, which no window
    holds. Each finds what the other has left (docs/curtois.md). A stretch of windows lasts as
    long as the responses before it took (``responded`` for the first), :data:`STRETCH_SECONDS`
    at least, and responses take no longer than the stretch before them. The roster and how many
    windows were solved; ``control`` stops both (Ctrl-C)."""
    clock = Budget(seconds)
    control = control or SearchControl()
    windows = Windows(staff, workers, seed, control)
    stretch, turn = max(STRETCH_SECONDS, responded), 0
    while not clock.expired and objective(staff, roster) > floor and not control.interrupted:
        roster = windows.search(roster, min(stretch, clock.left()), floor)
        if clock.expired or objective(staff, roster) <= floor or control.interrupted:
            break
        began = clock.elapsed()
        # sideways moves; each stretch breaks ties its own way
        turn += 1
        roster, _ = best_responses(staff, roster, min(stretch, clock.left()), workers, seed + turn, control, sideways=True)
        stretch = max(STRETCH_SECONDS, clock.elapsed() - began)
    return roster, windows.steps
