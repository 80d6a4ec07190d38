"""The roster as tables an analyst works with: one row per duty, and the 双报到双服务双报告
statistics per unit and month. The statistics sheet of the workbook is written from the same
table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from rotation.model import DayKind
from rotation.problem import Problem
from rotation.roster import Roster

if TYPE_CHECKING:
    import pandas as pd

ASSIGNMENT_COLUMNS = ("date", "station", "shift", "role", "unit", "person", "first_inquiry")
"""The columns of assignments.csv (docs/数据格式.md), in order."""
STATISTICS_COLUMNS = (
    "unit",
    "name",
    "category",
    "community",
    "members",
    "month",
    "duties",
    "hours",
    "person_duties",
    "weekend_duties",
    "holiday_duties",
    "first_inquiry_duties",
    "stations",
)
"""One row per unit and calendar month of the horizon."""


def assignments_frame(roster: Roster) -> pd.DataFrame:
    """One row per duty, as assignments.csv has them, in the roster's order."""
    import pandas as pd

    rows = [(a.date, a.station, a.shift, a.role, a.unit, a.person, a.first_inquiry) for a in roster]
    frame = pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"first_inquiry": bool})


def statistics_frame(problem: Problem, roster: Roster) -> pd.DataFrame:
    """Per unit and month of the horizon: duties, hours, duties by person (one per duty),
    weekend (rest-day, not holiday) and holiday duties, first-inquiry duties and the number of
    positions served. Units with no duty get a row of zeros: the report counts them too."""
    import pandas as pd

    data = problem.data
    rows = []
    for unit in data.units:
        mine = roster.duties_of(unit.id)
        for year, month in problem.months:
            duties = [a for a in mine if (a.date.year, a.date.month) == (year, month)]
            kinds = Counter(problem.day(a.date).kind for a in duties if problem.in_horizon(a.date))
            minutes = sum(data.shifts_by_id[a.shift].minutes for a in duties if a.shift in data.shifts_by_id)
            rows.append(
                (
                    unit.id,
                    unit.label,
                    unit.category or "",
                    unit.community or "",
                    unit.members,
                    dt.date(year, month, 1),
                    len(duties),
                    minutes / 60,
                    len(duties),
                    kinds[DayKind.RESTDAY],
                    kinds[DayKind.HOLIDAY],
                    sum(a.first_inquiry for a in duties),
                    len({a.station for a in duties}),
                )
            )
    frame = pd.DataFrame(rows, columns=list(STATISTICS_COLUMNS))
    frame["month"] = pd.to_datetime(frame["month"])
    return frame
