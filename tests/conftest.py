"""Shared helpers: the smallest data sets, built in code and written as CSV folders or workbooks.

A data set here is a plain dict ``{table name: [header row, data row, ...]}``; the table name may
be English (``stations``) or Chinese (``阵地``), as a planner could spell it. An empty row ``[]``
writes an empty line (CSV) or an empty sheet row (workbook), which is how blank lines are tested.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import strategies as st

from rotation import tables
from rotation.cells import parse_day_spec
from rotation.errors import DataError, DataIssue
from rotation.loader import load
from rotation.model import (
    DEFAULT_ROLE,
    DEFAULT_WEIGHTS,
    DataSet,
    Demand,
    HomeCommunity,
    Person,
    Request,
    RequestKind,
    Rules,
    Shift,
    Station,
    Unavailability,
    Unit,
)
from rotation.roster import Assignment

Tables = dict[str, list[list[object]]]


def minimal_tables() -> Tables:
    """A small valid data set (English names and headers), one or more rows in every table but
    ``calendar``, valid over any horizon in 2026.

    Two stations (S1 a county-wide centre, S2 a level-3 station in 东街), two shifts (AM before
    PM), three units (U1 reported to 东街 and lists two people), an absence of U2 on
    2026-10-05..06, one pin (U1/张三 on 2026-10-08 S1 AM), a forbidden succession PM>AM.
    Returns a fresh copy each call, so a test may edit it.
    """
    return copy.deepcopy(
        {
            "stations": [
                ["id", "name", "level", "community", "parent", "phone"],
                ["S1", "县党群服务中心", "1", "", "", "0571-1"],
                ["S2", "东街服务站", "3", "东街", "S1", ""],
            ],
            "shifts": [
                ["id", "name", "start", "end"],
                ["AM", "上午", "08:30", "12:00"],
                ["PM", "下午", "14:30", "18:00"],
            ],
            "demand": [
                ["station", "day", "shift", "role", "min", "max"],
                ["*", "全部", "AM", "", "1", ""],
                ["L3", "休息日", "PM", "值守", "1", "2"],
            ],
            "units": [
                [
                    "id",
                    "name",
                    "category",
                    "community",
                    "members",
                    "roles",
                    "first_inquiry",
                    "max_per_day",
                    "min_total",
                    "max_total",
                    "contact",
                    "phone",
                ],
                ["U1", "县委办", "党政机关", "东街", "12", "值守", "是", "", "", "", "王主任", "13800000001"],
                ["U2", "县财政局", "行业部门", "", "5", "", "否", "2", "1", "8", "", ""],
                ["U3", "县市场监管局", "监管部门", "", "", "值守;讲解", "", "", "", "", "", ""],
            ],
            "people": [
                ["unit", "name", "phone", "first_inquiry"],
                ["U1", "张三", "13900000001", "是"],
                ["U1", "李四", "", "否"],
            ],
            "unavailability": [
                ["unit", "person", "start", "end", "shift", "reason"],
                ["U2", "", "2026-10-05", "2026-10-06", "", "出差"],
                ["U1", "李四", "2026-10-09", "", "AM", "学习"],
            ],
            "requests": [
                ["unit", "day", "shift", "station", "kind", "weight"],
                ["U3", "周六", "PM", "S2", "避免", "2"],
            ],
            "fixed": [
                ["date", "station", "shift", "role", "unit", "person", "first_inquiry"],
                ["2026-10-08", "S1", "AM", "", "U1", "张三", "是"],
            ],
            "rules": [
                ["key", "value"],
                ["max_consecutive_days", "3"],
                ["forbidden_successions", "PM>AM"],
            ],
            "history": [
                ["unit", "last_duty", "last_shift", "run_days", "duties_ytd", "weekends_ytd"],
                ["U1", "2026-09-27", "PM", "1", "20", "3"],
            ],
        }
    )


def to_chinese(data: Tables) -> Tables:
    """The same tables with Chinese table names and Chinese column headers (as the template writes)."""
    translated: Tables = {}
    for name, rows in data.items():
        table = _table(name)
        header = [table.column(_column_key(table, str(h))).zh for h in rows[0]]
        translated[table.zh] = [header, *copy.deepcopy(rows[1:])]
    return translated


def _table(name: str) -> tables.Table:
    return next(t for t in tables.TABLES if name.lower() in t.names())


def _column_key(table: tables.Table, header: str) -> str:
    return next(c.key for c in table.columns if header.lower() in c.names())


def write_csv_tables(folder: Path, data: Tables, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write each table as ``<folder>/<table name>.csv`` in ``encoding`` and return ``folder``.

    ``utf-8-sig`` writes a BOM (Excel's "CSV UTF-8"), ``utf-16`` writes UTF-16 with a BOM (with
    ``delimiter="\t"``, Excel's "Unicode 文本"), ``gbk`` what Chinese Excel saves as plain "CSV".
    ``None`` cells are written empty.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
    return folder


def write_gbk_csv_tables(folder: Path, data: Tables) -> Path:
    """Write the tables as GBK-encoded CSV, as Chinese Excel saves "CSV (逗号分隔)"."""
    return write_csv_tables(folder, data, encoding="gbk")


def write_xlsx_tables(path: Path, data: Tables) -> Path:
    """Write the tables as one ``.xlsx`` workbook, one sheet per table (sheet name = table name).

    Cells are written as given (text, numbers, dates, times, booleans); empty strings become
    empty cells. Row ``n`` of a table's list is sheet row ``n + 1``.
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in data.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def load_issues(path: Path) -> list[DataIssue]:
    """The issues that loading ``path`` reports; fails the test when the data set loads cleanly."""
    with pytest.raises(DataError) as caught:
        load(path)
    return caught.value.issues


def where(issues: Iterable[DataIssue]) -> list[tuple[str, int | None, str | None]]:
    """Each issue as (table, row, column): the place a planner is sent to."""
    return [(i.table, i.row, i.column) for i in issues]


@pytest.fixture
def minimal_data(tmp_path: Path) -> DataSet:
    """The minimal data set, loaded from a UTF-8 CSV folder."""
    return load(write_csv_tables(tmp_path / "minimal", minimal_tables()))


# --- data sets built from the data classes, for the checker and the solver ------------------------
#
# The smallest data sets of the rule tests are built directly from rotation.model (no files): two
# shifts, a county-wide centre S1 and a community station S2 in 东街, units U1, U2 (members 1,
# no community) unless a test says otherwise. Dates are in 2026, whose calendar is built in:
# 2026-03-02 is a Monday, 03-07/08 a weekend, 10-01..07 the National Day holiday.

AM = Shift("AM", "上午", dt.time(8, 30), dt.time(12, 0))
PM = Shift("PM", "下午", dt.time(14, 30), dt.time(18, 0))
COUNTY_CENTRE = Station("S1", "县党群服务中心", 1)
EAST_STATION = Station("S2", "东街服务站", 3, "东街")
TWO_UNITS = (Unit("U1", "县委办"), Unit("U2", "县财政局"))


def day(month: int, date: int) -> dt.date:
    """A date of 2026."""
    return dt.date(2026, month, date)


def need(station: str, when: str, low: int, high: int | None = None, shift: str = "AM", role: str = DEFAULT_ROLE) -> Demand:
    """One demand row as a planner writes it (``when`` as in the day column; max defaults to min)."""
    return Demand(station, parse_day_spec(when), shift, role, low, low if high is None else high)


def rules(weights: dict[str, int] | None = None, **settings: object) -> Rules:
    """The rules table with ``settings`` changed and ``weights`` overriding the default weights."""
    return Rules(**settings, weights=tuple({**DEFAULT_WEIGHTS, **(weights or {})}.items()))  # type: ignore[arg-type]


def make_data(*demand: Demand, **tables_: object) -> DataSet:
    """A data set of ``demand`` over stations S1, S2, shifts AM, PM and units U1, U2, unless
    ``tables_`` (keyword per DataSet field) says otherwise."""
    defaults: dict[str, object] = {"stations": (COUNTY_CENTRE, EAST_STATION), "shifts": (AM, PM), "units": TWO_UNITS}
    return DataSet(demand=demand, **{**defaults, **tables_})  # type: ignore[arg-type]


def duty(
    date: dt.date,
    unit: str,
    station: str = "S1",
    shift: str = "AM",
    person: str | None = None,
    first: bool = True,
    role: str = DEFAULT_ROLE,
) -> Assignment:
    """One row of a hand-made roster; by default the period's first-inquiry owner."""
    return Assignment(date, station, shift, role, unit, person, first)


@st.composite
def small_data_sets(draw: st.DrawFn) -> tuple[DataSet, dt.date, dt.date]:
    """2-5 units, 1-3 stations, 3-7 days in 2026, with random demand, limits, people and wishes."""
    communities = [None, "东街", "西街"]
    station_count = draw(st.integers(1, 3))
    stations = (COUNTY_CENTRE, EAST_STATION, Station("S3", "西街服务站", 3, "西街"))[:station_count]
    units = []
    people = []
    for n in range(1, draw(st.integers(2, 5)) + 1):
        unit_id = f"U{n}"
        units.append(
            Unit(
                unit_id,
                f"单位{n}",
                community=draw(st.sampled_from(communities)),
                members=draw(st.integers(1, 4)),
                first_inquiry=draw(st.booleans()) or n == 1,
                max_per_day=draw(st.sampled_from([None, 2])),
            )
        )
        for k in range(draw(st.integers(0, 2))):
            people.append(Person(unit_id, f"人{n}{k}", first_inquiry=draw(st.booleans())))
    demand = []
    for station in stations:
        for shift in ("AM", "PM"):
            if demand and not draw(st.booleans()):
                continue  # the first station's morning is always open
            low = draw(st.integers(1, 2))
            when = draw(st.sampled_from(["全部", "全部", "工作日", "休息日"])) if demand else "全部"
            demand.append(need(station.id, when, low, low + draw(st.integers(0, 1)), shift=shift))
    start = day(3, 2) + dt.timedelta(days=draw(st.integers(0, 240)))
    end = start + dt.timedelta(days=draw(st.integers(2, 6)))
    requests = [
        Request(
            draw(st.sampled_from(units)).id,
            parse_day_spec(draw(st.sampled_from(["全部", "休息日", "周三"]))),
            draw(st.sampled_from(list(RequestKind))),
            weight=draw(st.integers(1, 3)),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    absent = [
        Unavailability(
            draw(st.sampled_from(units)).id,
            start + dt.timedelta(days=draw(st.integers(0, 2))),
            start + dt.timedelta(days=draw(st.integers(2, 3))),
            shift=draw(st.sampled_from([None, "AM"])),
        )
        for _ in range(draw(st.integers(0, 1)))
    ]
    data_rules = rules(
        max_consecutive_days=draw(st.integers(1, 3)),
        forbidden_successions=draw(st.sampled_from([(), (("PM", "AM"),)])),
        home_community=draw(st.sampled_from(list(HomeCommunity))),
        min_days_between=draw(st.integers(0, 3)),
        max_weekends_per_month=draw(st.integers(0, 2)),
    )
    data = DataSet(
        stations=stations,
        shifts=(AM, PM),
        demand=tuple(demand),
        units=tuple(units),
        people=tuple(people),
        unavailability=tuple(absent),
        requests=tuple(requests),
        rules=data_rules,
    )
    return data, start, end
