"""The time a run may take, and the small rules that stop its phases.

A :class:`Budget` is the only place that reads the clock or knows whether time is counted in
wall-clock seconds or in CP-SAT's deterministic seconds. The engine gives each phase a part of
it (:meth:`Budget.part`); a phase asks how much is left, stops when it is spent, and charges the
work it did. Stopping rules are small callables in the manner of PyVRP's ``pyvrp/stop/``: a
loop reads ``while not stop(best)``.

Deterministic budgets count only the work phases charge: CP-SAT's deterministic time, and fixed
amounts for steps of our own (rounds of columns, neighbourhood models), so that one worker and a
seed give the same roster on any machine. They may still carry a wall-clock deadline as a guard,
which ends the run on a machine far slower than expected; the result then says so
(:attr:`Budget.cut`), since it may not be reproducible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Clock = Callable[[], float]


class CpSatLimits(Protocol):
    """The limits of a CP-SAT search a budget sets (in ``cp_model.SatParameters``)."""

    max_deterministic_time: float
    max_time_in_seconds: float


@dataclass(frozen=True)
class Reserve:
    """Wall-clock seconds a caller keeps after the search for what follows it (writing the
    outputs): ``fixed``, plus ``per_duty`` for each unit-duty of the part of the horizon the
    search plans. A horizon sized by its months (the roster of a month the time does not reach
    costs nothing to write) plans as many months as the time left holds with their share."""

    fixed: float = 0.0
    per_duty: float = 0.0

    def of(self, duties: int) -> float:
        return self.fixed + self.per_duty * duties


NO_RESERVE = Reserve()


class OutOfTime(Exception):
    """Raised by :meth:`Budget.check` inside work that cannot stop on its own (building a model)."""


class Budget:
    """A time limit and what is left of it.

    ``limit`` is in wall-clock seconds, or in deterministic seconds when ``deterministic``. A
    wall-clock budget ends ``limit`` seconds after ``started``; ``deadline`` (absolute, on
    ``clock``) may end either kind sooner.
    """

    def __init__(
        self,
        limit: float,
        deterministic: bool = False,
        *,
        started: float | None = None,
        deadline: float | None = None,
        clock: Clock = time.monotonic,
        parent: Budget | None = None,
    ) -> None:
        self.limit = max(0.0, limit)
        self.deterministic = deterministic
        self.clock = clock
        self.started = clock() if started is None else started
        own = math.inf if deterministic else self.started + self.limit
        self.deadline = min(own, math.inf if deadline is None else deadline)
        self.parent = parent
        self.origin: float = parent.origin if parent is not None else self.started  # the whole run's start
        self._work = 0.0
        self._cut = False

    # --- reading ----------------------------------------------------------------------------

    def elapsed(self) -> float:
        """Wall-clock seconds since the budget began, whatever its kind."""
        return self.clock() - self.started

    def since_start(self) -> float:
        """Wall-clock seconds since the whole run began (its first budget's start)."""
        return self.clock() - self.origin

    def spent(self) -> float:
        """What is used, in the budget's unit."""
        return self._work if self.deterministic else self.elapsed()

    def left(self) -> float:
        """What remains, in the budget's unit; 0 once the wall-clock deadline has passed."""
        if self.wall_left() <= 0:
            return 0.0
        return max(0.0, self.limit - self.spent())

    def wall_left(self) -> float:
        """Wall-clock seconds to the deadline (infinite when there is none)."""
        return self.deadline - self.clock()

    @property
    def expired(self) -> bool:
        return self.left() <= 0

    @property
    def cut(self) -> bool:
        """Whether a deterministic budget was ended by its wall-clock guard."""
        return self._cut or (self.deterministic and self.wall_left() <= 0 and self._work < self.limit)

    def share(self, fraction: float, floor: float = 0.0, cap: float = math.inf) -> float:
        """A phase's time: ``fraction`` of the whole limit, at least ``floor`` and at most
        ``cap``, and never more than is left."""
        return min(self.left(), max(floor, min(cap, fraction * self.limit)))

    # --- spending -----------------------------------------------------------------------------

    def charge(self, seconds: float) -> None:
        """Record deterministic work done (ignored by wall-clock budgets, which read the clock)."""
        if self.deterministic:
            self._work += max(0.0, seconds)
            if self.parent is not None:
                self.parent.charge(seconds)

    def part(self, limit: float) -> Budget:
        """A budget of at most ``limit`` for one phase, ending no later than this one; the work
        charged to it is charged here too."""
        limit = min(limit, self.left())
        if self.deterministic:
            return Budget(limit, True, deadline=self.deadline, clock=self.clock, parent=self)
        return Budget(limit, False, deadline=self.deadline, clock=self.clock, parent=self)

    def until(self, reserve: float) -> Budget:
        """A part that leaves ``reserve`` (wall-clock seconds) for what comes after it, such as
        writing the outputs. A deterministic part keeps the whole deterministic limit and only
        moves its guard."""
        if self.deterministic:
            guard = self.deadline - reserve if math.isfinite(self.deadline) else None
            return Budget(self.left(), True, deadline=guard, clock=self.clock, parent=self)
        return self.part(self.left() - reserve)

    def check(self) -> None:
        """Raise :class:`OutOfTime` once the wall-clock deadline has passed."""
        if self.clock() >= self.deadline:
            if self.deterministic:
                self._mark_cut()
            raise OutOfTime

    def _mark_cut(self) -> None:
        self._cut = True
        if self.parent is not None:
            self.parent._mark_cut()

    def limit_cp_sat(self, parameters: CpSatLimits, seconds: float | None = None) -> None:
        """Set a CP-SAT search's limits: ``seconds`` of this budget (all that is left by
        default), and in any case the wall-clock deadline."""
        allowed = self.left() if seconds is None else min(seconds, self.left())
        wall = max(0.0, self.wall_left())
        if self.deterministic:
            parameters.max_deterministic_time = allowed
            if math.isfinite(wall):
                parameters.max_time_in_seconds = wall
        else:
            parameters.max_time_in_seconds = min(allowed, wall)

    def guard_cp_sat(self, parameters: CpSatLimits) -> None:
        """Keep a CP-SAT run that has a limit of its own within the wall-clock deadline."""
        wall = self.wall_left()
        if math.isfinite(wall):
            parameters.max_time_in_seconds = max(0.0, wall)

    def after_cp_sat(self, deterministic_time: float, wall_time: float) -> None:
        """Charge a finished CP-SAT search, and note when the wall-clock guard ended it."""
        self.charge(deterministic_time)
        if self.deterministic and self.wall_left() <= 0.05 and wall_time > 0:
            self._mark_cut()


# --- stopping rules ---------------------------------------------------------------------------


class StoppingCriterion(Protocol):
    """Whether a search should stop, given the best objective it holds."""

    def __call__(self, best: float) -> bool: ...


class TimeUp:
    """Stop when the budget is spent."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def __call__(self, best: float) -> bool:
        return self.budget.expired


class Stopped:
    """Stop when someone asked to (Ctrl-C, the stop button): ``asked`` says whether they did."""

    def __init__(self, asked: Callable[[], bool]) -> None:
        self.asked = asked

    def __call__(self, best: float) -> bool:
        return self.asked()


class NoImprovement:
    """Stop after ``steps`` calls in a row without a better objective."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self._best = math.inf
        self._since = 0

    def __call__(self, best: float) -> bool:
        if best < self._best:
            self._best, self._since = best, 0
        else:
            self._since += 1
        return self._since >= self.steps


class AnyOf:
    """Stop as soon as any of the criteria says so (each is asked every time)."""

    def __init__(self, *criteria: StoppingCriterion) -> None:
        self.criteria = criteria

    def __call__(self, best: float) -> bool:
        return any([criterion(best) for criterion in self.criteria])
