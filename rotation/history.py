"""History carried from one roster to the next, so rules hold across the boundary.

From the duties before a date, each unit's ``History`` row says when it last served, in which
shift, how long its run of duty days was, and how many duties and rest-day duties it has done
this calendar year, exactly the columns of the data format's ``history`` table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from rotation.model import DataSet, History, Shift
from rotation.roster import Assignment

ONE_DAY = dt.timedelta(days=1)


def history_before(
    data: DataSet, duties: Iterable[Assignment], start: dt.date, is_rest: dict[dt.date, bool]
) -> tuple[History, ...]:
    """The ``history`` rows for a horizon starting on ``start``, from earlier ``duties``;
    ``is_rest`` tells which of their dates were rest days or holidays. A unit's earlier
    ``history`` row is continued for the year's counts."""
    by_unit: dict[str, list[Assignment]] = defaultdict(list)
    for a in duties:
        if a.date < start:
            by_unit[a.unit].append(a)
    earlier = {h.unit: h for h in data.history}
    rows = []
    for unit in data.units:
        mine = by_unit.get(unit.id, [])
        past = earlier.get(unit.id)
        same_year = past is not None and past.last_duty is not None and past.last_duty.year == start.year
        ytd = past.duties_ytd if past is not None and (same_year or past.last_duty is None) else 0
        weekends = past.weekends_ytd if past is not None and (same_year or past.last_duty is None) else 0
        this_year = [a for a in mine if a.date.year == start.year]
        ytd += len(this_year)
        weekends += sum(1 for a in this_year if is_rest.get(a.date, False))
        if not mine:
            if past is not None:
                rows.append(History(unit.id, past.last_duty, past.last_shift, past.run_days, ytd, weekends))
            elif ytd or weekends:
                rows.append(History(unit.id, None, None, 1, ytd, weekends))
            continue
        last = max(a.date for a in mine)
        days = {a.date for a in mine}
        run = 1
        while last - run * ONE_DAY in days:
            run += 1
        shifts = [data.shift(a.shift) for a in mine if a.date == last]
        rows.append(History(unit.id, last, _latest(shifts).id, run, ytd, weekends))
    return tuple(rows)


def _latest(shifts: list[Shift]) -> Shift:
    """The shift that ends last: the one a forbidden succession into the next morning concerns."""
    return max(shifts, key=lambda s: (s.end, s.start, s.id))
