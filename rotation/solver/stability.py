"""Staying close to a published roster: the changes a repair makes, as a model term.

A change is a (slot, unit) pair on or after the repair date that is in one roster and not the
other: a unit taken off a duty it was told about, or put on one it was not. Duties before the
repair date are pinned by the caller; here, no unit may be added beside them either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rotation.problem import Period
from rotation.roster import Assignment
from rotation.solver.variables import LinearExpr, Variables


@dataclass(frozen=True)
class Keep:
    """The published roster a repair stays close to, and what the first repair phase reached:
    the second phase may not make more changes or leave more duties uncovered than that."""

    duties: tuple[Assignment, ...]
    since: dt.date
    max_changes: int | None = None
    max_coverage_penalty: int | None = None
    cover: bool = False  # REPAIR with coverage as a hard rule: a much easier model, when it is feasible

    def owners(self) -> dict[Period, str]:
        """The published first-inquiry owner of each period, to keep where it still may own it."""
        return {Period(a.date, a.station, a.shift): a.unit for a in self.duties if a.first_inquiry}


def add_changes(v: Variables, keep: Keep) -> tuple[LinearExpr, int]:
    """The number of changes on or after ``keep.since``, and an upper bound on it."""
    slots = {(s.date, s.station, s.shift, s.role): s.index for s in v.problem.slots}
    published = set()
    gone = 0  # published duties the data no longer allows: changed whatever the solver does
    for a in keep.duties:
        key = (slots.get((a.date, a.station, a.shift, a.role)), a.unit)
        if key in v.x:
            published.add(key)
        elif a.date >= keep.since:
            gone += 1
    changes: LinearExpr = gone
    for key, var in v.x.items():
        past = v.problem.slots[key[0]].date < keep.since
        if past:
            v.model.add(var == int(key in published))  # the past stays as it was
        elif key in published:
            changes += 1 - var
        else:
            changes += var
    return changes, gone + len(v.x)
