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


@dataclass(frozen=True)
class Change:
    """One line of the change list: who leaves and who takes a duty (either may be None)."""

    date: dt.date
    station: str
    shift: str
    role: str
    old_unit: str | None
    new_unit: str | None
    old_person: str | None = None
    new_person: str | None = None

    @property
    def unit_changed(self) -> bool:
        return self.old_unit != self.new_unit

    @property
    def kind(self) -> str:
        """How the change list names it: another person, a duty added, cancelled or handed over."""
        if not self.unit_changed:
            return "换人"
        return "增加" if self.old_unit is None else "取消" if self.new_unit is None else "换班"


def changes_between(old: Roster, new: Roster, since: dt.date) -> tuple[Change, ...]:
    """Every duty on or after ``since`` that differs between the rosters: a unit taken off is
    paired with a unit put on in the same slot where there is one; a duty kept by the same
    unit with another person is listed too."""

    def by_slot(roster: Roster) -> dict[tuple[dt.date, str, str, str], dict[str, Assignment]]:
        slots: dict[tuple[dt.date, str, str, str], dict[str, Assignment]] = defaultdict(dict)
        for a in roster:
            if a.date >= since:
                slots[(a.date, a.station, a.shift, a.role)][a.unit] = a
        return slots

    before, after = by_slot(old), by_slot(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key, {}), after.get(key, {})
        gone = [was[u] for u in was if u not in now]
        came = [now[u] for u in now if u not in was]
        for i in range(max(len(gone), len(came))):
            a = gone[i] if i < len(gone) else None
            b = came[i] if i < len(came) else None
            changes.append(
                Change(*key, a.unit if a else None, b.unit if b else None, a.person if a else None, b.person if b else None)
            )
        for unit in sorted(was.keys() & now.keys()):
            if was[unit].person != now[unit].person:
                changes.append(Change(*key, unit, unit, was[unit].person, now[unit].person))
    return tuple(changes)


def unit_changes(changes: Iterable[Change]) -> int:
    """Duties a unit was taken off plus duties a unit was put on: what a repair minimises."""
    return sum((c.old_unit is not None) + (c.new_unit is not None) for c in changes if c.unit_changed)


def _order(a: Assignment) -> tuple:
    return (a.date, a.station, a.shift, a.role, a.unit, a.person or "")
