"""What a search hands back: how it ended, the best roster it found and the bound it proved.

Every phase of the engine speaks this one type. A roster here is *settled*: it keeps every hard
rule, each period has its first-inquiry owner, and it carries the model's own objective and each
rule's term, which the independent checker must match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rotation.problem import Problem
from rotation.roster import Assignment
from rotation.status import SolveStatus


@dataclass(frozen=True)
class Settled:
    """A roster that keeps every hard rule, with the model's objective and each rule's term."""

    duties: list[Assignment]  # each period with its first-inquiry owner; people are named later
    objective: int
    terms: dict[str, int]
    dropped: int  # duties of the roster it came from left out to keep the rules
    missing: int  # unit-duties short of the slots' minimums


@dataclass(frozen=True)
class Outcome:
    """One search's result: its status, its best roster (None when it found none) and its bound."""

    status: SolveStatus
    roster: Settled | None = None
    bound: int | None = None
    solutions: int = 0
    size: dict[str, int] = field(default_factory=dict)  # the model's variables and constraints
    phases: dict[str, float] = field(default_factory=dict)  # seconds from the start to each phase's end


def shortfall(problem: Problem, duties: list[Assignment]) -> int:
    """Unit-duties ``duties`` leave short of the slots' minimums."""
    placed: dict[tuple, set[str]] = defaultdict(set)
    for a in duties:
        placed[(a.date, a.station, a.shift, a.role)].add(a.unit)
    return sum(max(0, s.min - len(placed.get((s.date, s.station, s.shift, s.role), ()))) for s in problem.slots)
