"""A dive on single decisions: the roster LP's decisions of one employee on one day (a shift, or the
day off) fixed a share at a time, the ones its solution holds most surely first, with columns
generated again after each step; CP-SAT then completes the roster, every fixed decision kept.

A dive on whole columns (:meth:`colgen.RosterLP.dive`) fixes an employee to one roster of the
LP's mix; where the LP mixes several for each employee, such a step can raise the LP by a
shift left uncovered. Most single decisions are the same in every column the LP mixes, so
fixing them costs the LP little, and the decisions left are few enough for CP-SAT to settle in
one model of every employee over the whole horizon (docs/curtois.md, "A dive on single
decisions", has the figures).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import numpy as np

from rotation.benchmarks import window
from rotation.benchmarks.colgen import (
    TOLERANCE,
    MasterFailed,
    RosterLP,
    Scratch,
    _priced,
    _prices,
    keeps_all_counts,
    keeps_counts,
    roster_cost,
)
from rotation.solver.cpsat import SearchControl

FREE = -2
"""A decision not fixed, in the (E, D) array of fixings (-1 is the day off, s >= 0 a shift)."""
STEP = 0.1
"""The share of the free decisions fixed at each step."""
ENOUGH = 0.95
"""The share of all decisions fixed before CP-SAT completes the roster."""
COMPLETION_SHARE = 0.2
"""Of a dive's time (:func:`dive`), what CP-SAT's completion keeps at least: fewer decisions
fixed leave it more to settle, and some roster must come of it."""
PENALTY = 1e5
"""What a column pays for each fixed decision it breaks, in the master and in the pricing: far
above any roster's cost, so that the LP keeps a column for each employee (it stays feasible)
but never weighs one that breaks a fixing while another keeps them all."""


def marginals(lp: RosterLP, weights: list[list[float]]) -> np.ndarray:
    """How much of each decision the LP's solution takes: (E, D, S + 1), the last slot the day
    off; each employee's day sums to her columns' weights."""
    staff = lp.staff
    e_count, days, s_count = staff.size
    taken = np.zeros((e_count, days, s_count + 1))
    every_day = np.arange(days)
    for e, columns in enumerate(lp.master.columns):
        for (roster, _), weight in zip(columns, weights[e], strict=False):
            if weight > TOLERANCE:
                taken[e, every_day, np.where(roster >= 0, roster, s_count)] += weight
    return taken


class Fixing:
    """The dive of one LP; its master's costs are restored when :meth:`run` ends."""

    def __init__(self, lp: RosterLP, control: SearchControl | None = None) -> None:
        self.lp = lp
        self.control = control or lp.control
        e_count, days, s_count = lp.staff.size
        self.fixed = np.full((e_count, days), FREE)
        self.work_penalty = np.zeros((e_count, days, s_count))
        self.off_penalty = np.zeros((e_count, days))
        self.settled = np.zeros(e_count, dtype=bool)  # employees whose fixings are final
        self.steps = 0
        self.value = math.inf  # the LP's value with the fixings so far
        self.weights: list[list[float]] = [[1.0] for _ in range(e_count)]  # its solution, before a step

    def run(self, seconds: float, step: float = STEP, enough: float = ENOUGH, whole: bool = False) -> np.ndarray:
        """Fix decisions, a ``step`` share of the free ones at a time (and with ``whole``, every
        one the LP takes whole), until ``enough`` of all are fixed, or the LP does not converge
        in the time left, or ``seconds`` are up; the fixings (E, D), :data:`FREE` where none."""
        began = time.monotonic()
        s_count = self.lp.staff.size[2]
        before, held = self.fixed.copy(), self.value
        try:
            while not self.control.interrupted:
                converged = self._generate(seconds - (time.monotonic() - began))
                # an employee with no column that keeps her fixings and counts (the pricing
                # leaves some counts to the master) goes back to her fixings before the step,
                # for good; the others' step is confirmed by the LP again
                if converged and (lost := [e for e, done in enumerate(self.settled) if not done and not self._keeping(e)]):
                    self._release(lost, before)
                    continue
                weights = self.lp.master.weights() if converged else []
                # a step the LP did not confirm in time is dropped, and so is one whose LP
                # weighs a column that breaks a fixing: the step before held
                if not converged or self._breaks(weights):
                    if self.steps:
                        self._undo(before, held)
                    break
                self.weights = weights
                if np.count_nonzero(self.fixed != FREE) >= enough * self.fixed.size:
                    break
                taken = marginals(self.lp, self.weights)
                surest, which = taken.max(axis=2), taken.argmax(axis=2)
                open_ = (self.fixed == FREE) & ~self.settled[:, None]
                free = np.argwhere(open_)
                if not len(free):
                    break
                order = np.argsort(-surest[open_], kind="stable")
                count = math.ceil(step * len(free))
                if whole:
                    count = max(count, int(np.count_nonzero(surest[open_] >= 1 - TOLERANCE)))
                chosen = free[order[:count]]
                before, held = self.fixed.copy(), self.value
                for e, d in chosen:
                    self._fix(int(e), int(d), -1 if which[e, d] == s_count else int(which[e, d]))
                for e in np.unique(chosen[:, 0]):
                    self._price_columns(int(e))
                self.steps += 1
        finally:
            for e in range(len(self.fixed)):
                for roster, var in self.lp.master.columns[e]:
                    self.lp.master.solver.Objective().SetCoefficient(var, roster_cost(self.lp.staff, e, roster))
        return self.fixed.copy()

    def heaviest(self) -> np.ndarray:
        """Each employee's heaviest column in the LP's last solution among those that keep her
        fixings and counts, which the dive keeps one of at least (E, D): a roster that keeps
        every rule and fixing, when the LP converged before the first step."""
        columns = self.lp.master.columns
        lines = []
        for e, weights in enumerate(self.weights):
            keeping = self._keeping(e) or range(len(columns[e]))
            heaviest = max(keeping, key=lambda i: weights[i] if i < len(weights) else 0.0)
            lines.append(columns[e][heaviest][0])
        return np.array(lines)

    def _keeping(self, e: int) -> list[int]:
        """Employee ``e``'s columns that keep her fixings and her counting rules."""
        return [
            i
            for i, (roster, _) in enumerate(self.lp.master.columns[e])
            if not self._broken(e, roster) and keeps_counts(self.lp.staff, e, roster)
        ]

    def _release(self, people: list[int], before: np.ndarray) -> None:
        """``people`` back to their fixings ``before`` the last step, settled."""
        self._restore(people, before)
        for e in people:
            self.settled[e] = True
            self._price_columns(e)

    def _restore(self, people: Iterable[int], before: np.ndarray) -> None:
        """``people``'s fixings, and their penalties, as they were ``before``."""
        for e in people:
            self.fixed[e] = before[e]
            self.work_penalty[e] = 0.0
            self.off_penalty[e] = 0.0
            for d in np.nonzero(before[e] != FREE)[0]:
                self._fix(e, int(d), int(before[e, d]))

    def _breaks(self, weights: list[list[float]]) -> bool:
        """Whether the LP's solution weighs a column that breaks a fixing."""
        return any(
            weight > TOLERANCE and self._broken(e, roster) > 0
            for e, columns in enumerate(self.lp.master.columns)
            for (roster, _), weight in zip(columns, weights[e], strict=False)
        )

    def _undo(self, before: np.ndarray, value: float) -> None:
        """Back to the fixings ``before`` the last step, whose LP was worth ``value``."""
        self.steps -= 1
        self.value = value
        self._restore(range(len(self.fixed)), before)

    def _fix(self, e: int, d: int, shift: int) -> None:
        self.fixed[e, d] = shift
        self.work_penalty[e, d] = PENALTY
        if shift >= 0:
            self.work_penalty[e, d, shift] = 0.0
            self.off_penalty[e, d] = PENALTY

    def _broken(self, e: int, roster: np.ndarray) -> int:
        held = self.fixed[e] != FREE
        return int(np.count_nonzero(roster[held] != self.fixed[e, held]))

    def _cost(self, e: int, roster: np.ndarray) -> float:
        """A column's cost in the master with the fixings: its own and the penalties it pays."""
        return roster_cost(self.lp.staff, e, roster) + PENALTY * self._broken(e, roster)

    def _price_columns(self, e: int) -> None:
        for roster, var in self.lp.master.columns[e]:
            self.lp.master.solver.Objective().SetCoefficient(var, self._cost(e, roster))

    def _generate(self, seconds: float) -> bool:
        """Columns for every employee at the master's own duals and the fixings' penalties, until
        none prices out (True) or ``seconds`` are up."""
        began = time.monotonic()
        staff, master = self.lp.staff, self.lp.master
        scratch = Scratch()
        while (left := seconds - (time.monotonic() - began)) > 0 and not self.control.interrupted:
            try:
                self.value = master.solve(left)
            except MasterFailed:
                return False
            duals = master.duals()
            work, weekend = _prices(staff, duals)
            _, rosters = self.lp.pricer.price(work + self.work_penalty, staff.off_cost + self.off_penalty, weekend, scratch)
            added = 0
            for e, roster in enumerate(rosters):
                penalty = PENALTY * self._broken(e, roster)
                if _priced(staff, (work, weekend), e, roster) + penalty - duals["convexity"][e] < -TOLERANCE:
                    master.add(e, roster)
                    master.solver.Objective().SetCoefficient(master.columns[e][-1][1], self._cost(e, roster))
                    added += 1
            if not added:
                return True
        return False


def dive(
    lp: RosterLP,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    control: SearchControl | None = None,
    enough: float = ENOUGH,
) -> np.ndarray | None:
    """The roster (E, D) of a dive in ``seconds``: decisions fixed until ``enough`` are, or the
    time but the completion's (:data:`COMPLETION_SHARE`) is up; then completed by CP-SAT in
    the time left, from the LP's heaviest columns that keep the fixings and counts: those
    columns are the roster when CP-SAT finds none in its time. None when the LP fixed nothing
    (a completion would be CP-SAT's search of the whole model, which follows anyway), or when
    some employee has no such column."""
    began = time.monotonic()
    fixing = Fixing(lp, control)
    # the decisions the LP takes whole cost it nothing: fixing them too reaches ``enough`` sooner
    fixed = fixing.run(seconds * (1 - COMPLETION_SHARE), enough=enough, whole=True)
    if not fixing.steps:
        return None
    hint = fixing.heaviest()
    left = seconds - (time.monotonic() - began)
    found = complete(lp, fixed, hint, left, workers, seed, control)
    if found is None and keeps_all_counts(lp.staff, hint):
        return hint
    return found


def complete(
    lp: RosterLP,
    fixed: np.ndarray,
    hint: np.ndarray,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    control: SearchControl | None = None,
) -> np.ndarray | None:
    """The roster (E, D) that keeps every rule and every decision of ``fixed`` and costs least,
    as CP-SAT finds it in ``seconds`` over all employees and days, hinted with ``hint``; None
    when it finds none."""
    staff = lp.staff
    e_count, days, _ = staff.size
    found, _ = window.replan(staff, hint, np.arange(e_count), 0, days, seconds, workers, seed, control, fixed)
    return found
