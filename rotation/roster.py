"""A roster: the duties of units (and their people) in the open periods of a horizon."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True, order=True)
class Assignment:
    """One unit on duty in one role of one open period (one row of assignments.csv)."""

    date: dt.date
    station: str
    shift: str
    role: str
    unit: str
    person: str | None = None
    first_inquiry: bool = False


class Roster:
    """An ordered, immutable collection of assignments with the views the rules need."""

    def __init__(self, assignments: Iterable[Assignment]) -> None:
        self.assignments: tuple[Assignment, ...] = tuple(sorted(assignments, key=_order))

    def __iter__(self) -> Iterator[Assignment]:
        return iter(self.assignments)

    def __len__(self) -> int:
        return len(self.assignments)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Roster) and self.assignments == other.assignments

    def __hash__(self) -> int:
        return hash(self.assignments)

    def __repr__(self) -> str:
        return f"Roster({len(self.assignments)} assignments)"

    @cached_property
    def by_unit(self) -> dict[str, tuple[Assignment, ...]]:
        grouped: dict[str, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            grouped[a.unit].append(a)
        return {unit: tuple(rows) for unit, rows in grouped.items()}

    @cached_property
    def by_period(self) -> dict[tuple[dt.date, str, str], tuple[Assignment, ...]]:
        grouped: dict[tuple[dt.date, str, str], list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            grouped[(a.date, a.station, a.shift)].append(a)
        return {key: tuple(rows) for key, rows in grouped.items()}

    def duties_of(self, unit: str) -> tuple[Assignment, ...]:
        return self.by_unit.get(unit, ())

    def dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({a.date for a in self.assignments}))


def _order(a: Assignment) -> tuple:
    return (a.date, a.station, a.shift, a.role, a.unit, a.person or "")
