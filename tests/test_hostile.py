"""Hostile input, property-tested: hypothesis takes the minimal data set of conftest, breaks it in
one way (or dresses it up in a harmless one), writes it as CSV in some encoding or as a workbook,
and runs the real command line on it.

Broken data must give exit code 2, a report in Chinese that names the table, and the row and column
where there is one (a file that cannot be read is named by its file name), no traceback, and no file
written. Harmless variants (other encodings and line ends, full-width digits, stray spaces, blank
rows, hidden sheets, formulas with saved results, cells typed by Excel) must validate and load to
the same data set as the clean CSV.

``ROTATION_HYPOTHESIS_EXAMPLES`` sets the examples per test: a small default keeps CI fast, e.g.
``ROTATION_HYPOTHESIS_EXAMPLES=1000 python -m pytest tests/test_hostile.py`` is the long run.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import Tables, minimal_tables, write_xlsx_tables
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from rotation import cells, tables
from rotation.cli import EXIT_DATA, EXIT_OK, main
from rotation.loader import EXCEL_ERRORS, IGNORED_TABLES, load
from rotation.model import MAX_DAYS, MAX_UNITS_PER_PERIOD, MAX_WEIGHT, MAX_YEAR_DUTIES, DataSet

EXAMPLES = int(os.environ.get("ROTATION_HYPOTHESIS_EXAMPLES", "25"))
HOSTILE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MONTH = "2026-10"  # the minimal data's pin, absences and history all fit this month
FORMS = ("utf-8", "utf-8-sig", "gbk", "utf-16", "utf-16-tab", "xlsx")

Place = tuple[str, int | None, str | None]
"""Where a report sends the planner: table (or file), row, column."""

ISSUE_LINE = re.compile(r"^  \d+\. 表「(?P<table>[^」]*)」(?:第 (?P<row>\d+) 行)?(?:「(?P<column>[^」]*)」列)?：(?P<message>.+)$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# --- the data -------------------------------------------------------------------------------------


def base_tables() -> Tables:
    """The minimal tables plus a calendar table, so that every table has a row to break."""
    data = minimal_tables()
    data["calendar"] = [["date", "day", "name"], ["2026-12-31", "工作日", "调休"]]
    return data


def table(key: str) -> tables.Table:
    return next(t for t in tables.TABLES if t.key == key)


def is_blank(row: list[object]) -> bool:
    return not any(cells.cell_text(v) for v in row)


def header_at(rows: list[list[object]]) -> int:
    return next(i for i, row in enumerate(rows) if not is_blank(row))


def data_rows(rows: list[list[object]]) -> list[int]:
    """Indexes of the non-blank rows under the header (row number = index + 1)."""
    return [i for i, row in enumerate(rows) if i > header_at(rows) and not is_blank(row)]


def column_at(rows: list[list[object]], key: str) -> int:
    return rows[header_at(rows)].index(key)


def set_cell(rows: list[list[object]], index: int, column: int, value: object) -> None:
    row = rows[index]
    row.extend([""] * (column + 1 - len(row)))
    row[column] = value


def translate(data: Tables, language: str) -> Tables:
    """Chinese table names and headers when ``language`` is ``zh``; names the tables do not know
    (a misspelling under test) are left as they are."""
    if language == "en":
        return data
    out: Tables = {}
    for name, rows in data.items():
        known = next((t for t in tables.TABLES if t.key == name), None)
        if known is None:
            out[name] = rows
            continue
        rows = copy.deepcopy(rows)
        if all(is_blank(row) for row in rows):
            out[known.zh] = rows
            continue
        head = rows[header_at(rows)]
        for i, text in enumerate(head):
            column = next((c for c in known.columns if c.key == text), None)
            if column is not None:
                head[i] = column.zh
        out[known.zh] = rows
    return out


def write_csv_folder(folder: Path, data: Tables, encoding: str = "utf-8", delimiter: str = ",", newline: str = "\r\n") -> Path:
    """Each table as ``<name>.csv``, with any encoding (BOM-less UTF-16 too) and line end."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
    return folder


def write(folder: Path, data: Tables, form: str) -> Path:
    if form == "xlsx":
        return write_xlsx_tables(folder / "data.xlsx", data)
    if form == "utf-16-tab":
        return write_csv_folder(folder / "data", data, "utf-16", "\t")
    return write_csv_folder(folder / "data", data, form)


def clean_dataset(folder: Path, data: Tables) -> DataSet:
    return load(write_csv_folder(folder / "clean", data))


# --- running the command line ---------------------------------------------------------------------


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def reported_places(result: Result) -> set[Place]:
    """The places of a data error report, checking that every line of it names a table and says in
    Chinese what is wrong."""
    lines = result.stderr.splitlines()
    head = re.fullmatch(r"数据有 (\d+) 处问题，未进行排班：", lines[0]) if lines else None
    assert head, result.output
    assert len(lines) == int(head.group(1)) + 1, result.output
    places = set()
    for line in lines[1:]:
        match = ISSUE_LINE.match(line)
        assert match, f"issue without a place: {line!r}"
        assert CHINESE.search(match["message"]), f"issue not in Chinese: {line!r}"
        places.add((match["table"], int(match["row"]) if match["row"] else None, match["column"]))
    return places


def assert_refused(path: Path, work: Path, expected: set[Place], exact: bool) -> None:
    """``validate`` and ``solve`` both exit 2 with the expected places, no traceback, no file written."""
    before = snapshot(work)
    out = work / "out"
    for args in (
        ["validate", path, "--month", MONTH],
        ["solve", "--data", path, "--month", MONTH, "--out", out, "--time-limit", "1", "--quiet"],
    ):
        result = run(*args)
        assert isinstance(result.exception, SystemExit), (result.exception, result.output)
        assert result.exit_code == EXIT_DATA, result.output
        assert "Traceback" not in result.output
        assert result.stdout == "", result.output
        places = reported_places(result)
        if exact:
            assert places == expected, result.output
        else:
            assert expected <= places, result.output
    assert not out.exists()
    assert snapshot(work) == before


# --- strategies: values ---------------------------------------------------------------------------

TEXT = st.characters(codec="gbk", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")).filter(
    lambda c: not set(unicodedata.normalize("NFKC", c)) & set("「」\n\r")
)
"""Anything a planner may type (and GBK can hold), but no control characters and no 「」, which
delimit the places in a report."""

FULL_WIDTH = str.maketrans("0123456789:-/.+", "０１２３４５６７８９：－／．＋")
SPACES = st.text(st.sampled_from(" \u3000"), max_size=2)


def padded(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``text`` with stray spaces (half- and full-width) around it."""
    return st.tuples(SPACES, text, SPACES).map("".join)


BAD_TEXT: dict[Callable[[str], object], list[str]] = {
    cells.parse_int: [
        "一",
        "1.5",
        "3个",
        "abc",
        "N/A",
        "1,000",
        "1e3",
        "0x10",
        "Ⅻ",
        "--1",
        "是",
        "2026-10-01",
        "12:00",
        "１.５",
        "五十",
        "1 000",
        "99999999999999999999999",
    ],
    cells.parse_bool: ["也许", "2", "-1", "yes!", "是的", "T", "√", "有"],
    cells.parse_date: ["2026-10", "明天", "2026-10-05T08:00", "20261005", "10/05", "2026-1O-05", "2026年10月"],
    cells.parse_time: ["25:00", "8:60", "24:00", "8点", "830", "8:5", "noon", "08:30:15", "8:30 PM"],
    cells.parse_day_spec: ["周八", "weekday", "工作", "每周一", "星期", "2026-10"],
    cells.parse_day_kind: ["周末", "全部", "假日", "休息"],
    cells.parse_request_kind: ["想要", "不要", "maybe", "希望避免"],
}
"""Values a planner might type that each parser must refuse."""

TYPED_SITES = [
    ("stations", "level"),
    ("shifts", "start"),
    ("shifts", "end"),
    ("demand", "day"),
    ("demand", "min"),
    ("demand", "max"),
    ("units", "members"),
    ("units", "first_inquiry"),
    ("units", "max_per_day"),
    ("units", "min_total"),
    ("units", "max_total"),
    ("people", "first_inquiry"),
    ("unavailability", "start"),
    ("unavailability", "end"),
    ("requests", "day"),
    ("requests", "kind"),
    ("requests", "weight"),
    ("fixed", "date"),
    ("fixed", "first_inquiry"),
    ("calendar", "date"),
    ("calendar", "day"),
    ("history", "last_duty"),
    ("history", "run_days"),
    ("history", "duties_ytd"),
    ("history", "weekends_ytd"),
]
"""Every column of the base data with a type, and so a cell that can be mistyped."""


def rejects(column: tables.Column, value: str) -> bool:
    """Whether the loader must refuse ``value`` in ``column`` (judged by the column's own parser)."""
    text = cells.cell_text(value)
    if not text:
        return column.required
    if text in EXCEL_ERRORS:
        return True
    try:
        column.parse(text)
    except cells.CellError:
        return True
    return False


# --- strategies: breaking the data ----------------------------------------------------------------


@dataclass
class Broken:
    """One way the data was broken and where the report must send the planner."""

    kind: str
    expected: set[Place]
    exact: bool = True  # the report holds nothing else
    form: str | None = None  # a form the damage needs (merged cells need a workbook)
    damage: Callable[[Path], None] | None = None  # done to the written files


Draw = Callable[[st.SearchStrategy], object]


def pick_row(draw: Draw, data: Tables, name: str) -> int:
    return draw(st.sampled_from(data_rows(data[name])))  # type: ignore[return-value]


def missing_table(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from([t.key for t in tables.TABLES if t.required]))
    del data[name]
    return Broken("missing table", {(table(name).zh, None, None)})


def missing_column(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from([n for n in data if any(c.required for c in table(n).columns)]))
    column = draw(st.sampled_from([c for c in table(name).columns if c.required]))
    rows = data[name]
    at = column_at(rows, column.key)
    for row in rows:
        if len(row) > at:
            del row[at]
    # an optional table that cannot be read leaves its references dangling elsewhere
    return Broken("missing column", {(table(name).zh, header_at(rows) + 1, column.zh)}, exact=table(name).required)


def misspelt_column(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from(list(data)))
    known = table(name)
    rows = data[name]
    column = draw(st.sampled_from([c for c in known.columns if c.key in rows[header_at(rows)]]))
    spelt = column.zh if language == "zh" else column.key
    at = draw(st.integers(0, len(spelt)))
    typo = spelt[:at] + draw(st.text(TEXT, min_size=1, max_size=3)) + spelt[at + draw(st.integers(0, 1)) :]
    folded = cells.fold(cells.cell_text(typo))
    assume(folded and not any(folded.lower() in c.names() for c in known.columns))
    assume(folded.lower() not in tables.IGNORED_COLUMNS)
    rows[header_at(rows)][column_at(rows, column.key)] = typo
    header = header_at(rows) + 1
    expected = {(known.zh, header, folded)}
    if column.required:
        expected.add((known.zh, header, column.zh))
    return Broken("misspelt column", expected, exact=known.required)


def misspelt_table(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from(list(data)))
    spelt = table(name).zh if language == "zh" else name
    typo = spelt + draw(st.text(TEXT.filter(lambda c: c not in '\\/:*?"<>|[]'), min_size=1, max_size=2))
    folded = cells.fold(cells.cell_text(typo))
    assume(not any(folded.lower() in t.names() for t in tables.TABLES))
    assume(folded.lower() not in IGNORED_TABLES)
    assume(folded == typo)  # file and sheet names keep their spelling
    data[typo] = data.pop(name)
    expected = {(folded, None, None)}
    if table(name).required:
        expected.add((table(name).zh, None, None))
    return Broken("misspelt table", expected, exact=table(name).required)


KEYS = {
    "stations": "id",
    "shifts": "id",
    "units": "id",
    "people": "name",
    "demand": "station",
    "fixed": "unit",
    "history": "unit",
    "calendar": "date",
}
"""The column that a repeated row is reported on."""


def duplicate_row(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from(list(KEYS)))
    rows = data[name]
    original = pick_row(draw, data, name)
    copy_ = list(rows[original])
    at = column_at(rows, KEYS[name])
    copy_[at] = draw(padded(st.just(str(copy_[at]))))
    position = draw(st.integers(header_at(rows) + 1, len(rows)))
    rows.insert(position, copy_)
    second = max(position, original + (1 if position <= original else 0))
    return Broken("duplicate row", {(table(name).zh, second + 1, table(name).column(KEYS[name]).zh)})


REFERENCES = [
    ("stations", "parent"),
    ("demand", "station"),
    ("demand", "shift"),
    ("demand", "role"),
    ("units", "community"),
    ("people", "unit"),
    ("unavailability", "unit"),
    ("unavailability", "person"),
    ("unavailability", "shift"),
    ("requests", "unit"),
    ("requests", "shift"),
    ("requests", "station"),
    ("fixed", "station"),
    ("fixed", "shift"),
    ("fixed", "unit"),
    ("fixed", "person"),
    ("fixed", "role"),
    ("history", "unit"),
    ("history", "last_shift"),
]
"""Every column of the base data that refers to an id (or a community, a role, a person)."""

KNOWN_NAMES = {
    "S1",
    "S2",
    "AM",
    "PM",
    "U1",
    "U2",
    "U3",
    "东街",
    "张三",
    "李四",
    "值守",
    "讲解",
    "*",
    "L0",
    "L1",
    "L2",
    "L3",
    "L4",
}


def unknown_reference(draw: Draw, data: Tables, language: str) -> Broken:
    name, key = draw(st.sampled_from(REFERENCES))
    rows = data[name]
    row = pick_row(draw, data, name)
    if key == "person":  # a person is looked up in the list of the row's unit: keep it a known unit
        set_cell(rows, row, column_at(rows, "unit"), "U1")
    value = draw(padded(st.text(TEXT.filter(lambda c: c not in ">;；,，、"), min_size=1, max_size=5)))
    text = cells.cell_text(value)
    assume(text and text not in KNOWN_NAMES and text not in EXCEL_ERRORS and not text.startswith("="))
    set_cell(rows, row, column_at(rows, key), value)
    # a person moved to an unknown unit also leaves the pins and absences naming them dangling
    return Broken(
        "unknown reference", {(table(name).zh, row + 1, table(name).column(key).zh)}, exact=(name, key) != ("people", "unit")
    )


def unknown_succession_shift(draw: Draw, data: Tables, language: str) -> Broken:
    rows = data["rules"]
    row = next(i for i in data_rows(rows) if rows[i][0] == "forbidden_successions")
    other = draw(st.text(st.sampled_from("ABCXYZ0123晚早"), min_size=1, max_size=3))
    assume(other not in KNOWN_NAMES)
    pair = draw(st.sampled_from([f"PM>{other}", f"{other}>AM", f"PM>AM;{other}>PM"]))
    rows[row][1] = pair
    return Broken("unknown shift in a rule", {("规则", row + 1, "值")})


def mistyped_cell(draw: Draw, data: Tables, language: str) -> Broken:
    name, key = draw(st.sampled_from(TYPED_SITES))
    column = table(name).column(key)
    known_bad = BAD_TEXT[column.parse]
    value = draw(st.one_of(padded(st.sampled_from(known_bad + sorted(EXCEL_ERRORS))), st.text(TEXT, max_size=8)))
    if cells.cell_text(value) in known_bad:
        assert rejects(column, value), f"{column.parse.__name__} accepts {value!r}"
    assume(rejects(column, value))
    rows = data[name]
    row = pick_row(draw, data, name)
    set_cell(rows, row, column_at(rows, key), value)
    return Broken("mistyped cell", {(table(name).zh, row + 1, column.zh)})


def integer_text(draw: Draw, value: int) -> str:
    """``value`` as a planner may type it: plain, full-width, with stray spaces or decimal zeros."""
    text = draw(st.sampled_from([str(value), str(value).translate(FULL_WIDTH), f"{value}.0", f" {value}\u3000"]))
    return text  # type: ignore[return-value]


OUT_OF_RANGE: list[tuple[str, str, str, st.SearchStrategy[int]]] = [
    ("stations", "level", "level", st.one_of(st.integers(max_value=-1), st.integers(min_value=5))),
    ("demand", "min", "min", st.integers(max_value=-1)),
    ("demand", "max", "max", st.integers(MAX_UNITS_PER_PERIOD + 1, 10**6)),
    ("units", "members", "members", st.integers(max_value=0)),
    ("units", "max_per_day", "max_per_day", st.integers(max_value=0)),
    ("units", "min_total", "min_total", st.integers(max_value=-1)),
    ("units", "max_total", "max_total", st.integers(max_value=-1)),
    ("requests", "weight", "weight", st.integers(max_value=0)),
    ("history", "run_days", "run_days", st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_DAYS + 1))),
    (
        "history",
        "duties_ytd",
        "duties_ytd",
        st.one_of(st.integers(max_value=-1), st.integers(MAX_YEAR_DUTIES + 1, cells.MAX_INT)),
    ),
    ("history", "weekends_ytd", "weekends_ytd", st.integers(max_value=-1)),
    ("units", "members", "members", st.integers(min_value=cells.MAX_INT + 1)),
]
"""(table, column written, column reported, values out of the column's range)."""

RULES_OUT_OF_RANGE: list[tuple[str, st.SearchStrategy[int]]] = [
    ("max_per_day", st.integers(max_value=0)),
    ("每日最多", st.integers(max_value=0)),
    ("max_consecutive_days", st.one_of(st.integers(max_value=0), st.integers(MAX_DAYS + 1, 10**6))),
    ("最少间隔天数", st.one_of(st.integers(max_value=-1), st.integers(MAX_DAYS + 1, 10**6))),
    ("max_weekends_per_month", st.integers(max_value=-1)),
    ("weight_fairness", st.one_of(st.integers(max_value=-1), st.integers(MAX_WEIGHT + 1, cells.MAX_INT))),
    ("权重_覆盖", st.integers(min_value=cells.MAX_INT + 1)),
]


def count_out_of_range(draw: Draw, data: Tables, language: str) -> Broken:
    """Counts, weights and numbers of days below or above their range (non-integers: mistyped_cell)."""
    if draw(st.booleans()):
        name, key, reported, values = draw(st.sampled_from(OUT_OF_RANGE))
        rows = data[name]
        row = pick_row(draw, data, name)
        value = draw(values.map(lambda v: max(min(v, 10**30), -(10**30))))
        set_cell(rows, row, column_at(rows, key), integer_text(draw, value))
        if key == "min":
            set_cell(rows, row, column_at(rows, "max"), "")
        return Broken("count out of range", {(table(name).zh, row + 1, table(name).column(reported).zh)})
    rule, values = draw(st.sampled_from(RULES_OUT_OF_RANGE))
    rows = data["rules"]
    existing = [i for i in data_rows(rows) if rows[i][0] == rule]
    if existing:
        row = existing[0]
    else:
        rows.append([rule, ""])
        row = len(rows) - 1
    rows[row][1] = integer_text(draw, draw(values))
    return Broken("rule out of range", {("规则", row + 1, "值")})


def min_above_max(draw: Draw, data: Tables, language: str) -> Broken:
    low = draw(st.integers(1, MAX_UNITS_PER_PERIOD))
    high = draw(st.integers(0, low - 1))
    if draw(st.booleans()):
        rows = data["demand"]
        row = pick_row(draw, data, "demand")
        set_cell(rows, row, column_at(rows, "min"), integer_text(draw, low))
        set_cell(rows, row, column_at(rows, "max"), integer_text(draw, high))
        return Broken("min above max", {("需求", row + 1, "最多")})
    rows = data["units"]
    row = pick_row(draw, data, "units")
    set_cell(rows, row, column_at(rows, "min_total"), integer_text(draw, low))
    set_cell(rows, row, column_at(rows, "max_total"), integer_text(draw, high))
    return Broken("min above max", {("单位", row + 1, "最多次数")})


def times(draw: Draw) -> tuple[dt.time, dt.time]:
    """Two times of day, the second not after the first."""
    start = draw(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
    end = draw(st.times(max_value=start).map(lambda t: t.replace(second=0, microsecond=0)))
    return start, end  # type: ignore[return-value]


def end_before_start(draw: Draw, data: Tables, language: str) -> Broken:
    if draw(st.booleans()):
        rows = data["shifts"]
        row = pick_row(draw, data, "shifts")
        start, end = times(draw)
        fmt = draw(st.sampled_from(["%H:%M", "%H:%M:00", "%-H:%M"]))
        set_cell(rows, row, column_at(rows, "start"), start.strftime(fmt))
        set_cell(rows, row, column_at(rows, "end"), end.strftime(fmt))
        return Broken("end before start", {("时段", row + 1, "结束")})
    rows = data["unavailability"]
    row = pick_row(draw, data, "unavailability")
    start = draw(st.dates(dt.date(2000, 1, 2), dt.date(2100, 12, 31)))
    end = draw(st.dates(dt.date(2000, 1, 1), start - dt.timedelta(days=1)))
    fmt = draw(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"]))
    set_cell(rows, row, column_at(rows, "start"), start.strftime(fmt))
    set_cell(rows, row, column_at(rows, "end"), end.strftime(fmt))
    return Broken("end before start", {("不可安排", row + 1, "结束日期")})


DATE_SITES = [
    ("unavailability", "start"),
    ("unavailability", "end"),
    ("fixed", "date"),
    ("calendar", "date"),
    ("history", "last_duty"),
    ("demand", "day"),
    ("requests", "day"),
]


@st.composite
def impossible_dates(draw: Draw) -> str:
    """Dates written the way planners write them that do not exist, or lie outside 1900..2100."""
    kind = draw(st.sampled_from(["day", "month", "year"]))
    year = draw(st.integers(cells.FIRST_YEAR, cells.LAST_YEAR))
    month = draw(st.integers(1, 12))
    if kind == "day":
        last = ((dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)).day
        day = draw(st.one_of(st.just(0), st.integers(last + 1, 99)))
    elif kind == "month":
        month = draw(st.one_of(st.just(0), st.integers(13, 99)))
        day = draw(st.integers(1, 28))
    else:
        year = draw(st.one_of(st.integers(1, cells.FIRST_YEAR - 1), st.integers(cells.LAST_YEAR + 1, 9999)))
        day = draw(st.integers(1, 28))
    text = draw(
        st.sampled_from(
            [
                f"{year:04d}-{month:02d}-{day:02d}",
                f"{year:04d}/{month}/{day}",
                f"{year:04d}年{month}月{day}日",
                f"{year:04d}.{month:02d}.{day:02d}",
            ]
        )
    )
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


def impossible_date(draw: Draw, data: Tables, language: str) -> Broken:
    name, key = draw(st.sampled_from(DATE_SITES))
    rows = data[name]
    row = pick_row(draw, data, name)
    set_cell(rows, row, column_at(rows, key), draw(padded(impossible_dates())))
    return Broken("impossible date", {(table(name).zh, row + 1, table(name).column(key).zh)})


def overlapping_pin(draw: Draw, data: Tables, language: str) -> Broken:
    """A second pin of 张三 (U1) on the day of the first, in a shift that overlaps it: one person
    cannot be in two places at once, whatever U1's daily maximum."""
    start = draw(st.times(dt.time(6, 0), dt.time(11, 59)).map(lambda t: t.replace(second=0, microsecond=0)))
    end = draw(st.times(max(start, dt.time(8, 31)), dt.time(23, 59)).map(lambda t: t.replace(second=0, microsecond=0)))
    assume(end > start)
    data["shifts"].append(["MID", "错时", f"{start:%H:%M}", f"{end:%H:%M}"])
    data["demand"].append(["S1", "全部", "MID", "", "1", draw(st.sampled_from(["", "2"]))])
    units = data["units"]
    most = draw(st.sampled_from(["", "2"]))
    set_cell(units, data_rows(units)[0], column_at(units, "max_per_day"), most)
    rows = data["fixed"]
    original = pick_row(draw, data, "fixed")
    position = draw(st.integers(header_at(rows) + 1, len(rows)))
    rows.insert(position, ["2026-10-08", "S1", "MID", "", "U1", "张三", ""])
    last = max(position, original + (1 if position <= original else 0))
    # two a day for a unit allowed one: 单位; always one person twice: 姓名
    return Broken("overlapping pin", {("固定安排", last + 1, "单位" if not most else "姓名")}, exact=False)


def empty_table(draw: Draw, data: Tables, language: str) -> Broken:
    name = draw(st.sampled_from(list(data)))
    data[name] = draw(st.lists(st.sampled_from([[], [""], ["", " "], ["\u3000"]]), max_size=3))
    return Broken("empty table", {(table(name).zh, None, None)}, exact=table(name).required)


def merged_cells(draw: Draw, data: Tables, language: str) -> Broken:
    """Cells merged in a workbook: only the top-left one keeps its value."""
    name = draw(st.sampled_from(list(data)))
    rows = data[name]
    known = table(name)
    head = rows[header_at(rows)]
    spots = [
        (i, j)
        for i in data_rows(rows)
        for j, key in enumerate(head)
        if j < len(rows[i]) and cells.cell_text(rows[i][j]) and any(c.key == key for c in known.columns)
    ]
    assume(spots)
    row, col = draw(st.sampled_from(spots))
    down, right = draw(st.sampled_from([(1, 0), (0, 1), (1, 1), (2, 0), (0, 2)]))
    sheet = known.zh if language == "zh" else name

    def merge(path: Path) -> None:
        book = openpyxl.load_workbook(path)
        book[sheet].merge_cells(start_row=row + 1, start_column=col + 1, end_row=row + 1 + down, end_column=col + 1 + right)
        book.save(path)

    column = next(c for c in known.columns if c.key == head[col])
    return Broken("merged cells", {(known.zh, row + 1, column.zh)}, exact=False, form="xlsx", damage=merge)


def pick_cell(draw: Draw, data: Tables) -> tuple[list[list[object]], tables.Table, str, int]:
    """A data cell of any table, in one of the columns its header has: rows, table, column key, row."""
    name = draw(st.sampled_from(list(data)))
    rows = data[name]
    known = table(name)
    key = draw(st.sampled_from([c.key for c in known.columns if c.key in rows[header_at(rows)]]))
    return rows, known, key, pick_row(draw, data, name)


def formula_without_result(draw: Draw, data: Tables, language: str) -> Broken:
    """A formula written by a program: no result saved, and the loader never computes one."""
    rows, known, key, row = pick_cell(draw, data)
    formula = draw(st.sampled_from(["=1+1", '="S"&"1"', "=A1", "=SUM(1,2)", "=TODAY()", '=IF(TRUE,"是","否")']))
    set_cell(rows, row, column_at(rows, key), formula)
    return Broken("formula without result", {(known.zh, row + 1, known.column(key).zh)}, exact=False, form="xlsx")


def excel_error(draw: Draw, data: Tables, language: str) -> Broken:
    """An error value of a failed formula (``#REF!``), as Excel saves it in a workbook or a CSV."""
    rows, known, key, row = pick_cell(draw, data)
    set_cell(rows, row, column_at(rows, key), draw(padded(st.sampled_from(sorted(EXCEL_ERRORS)))))
    # the row is dropped, so what refers to it may be reported as unknown too
    return Broken("Excel error value", {(known.zh, row + 1, known.column(key).zh)}, exact=False)


def repeated_column(draw: Draw, data: Tables, language: str) -> Broken:
    """A column given twice, in either language."""
    name = draw(st.sampled_from(list(data)))
    rows = data[name]
    known = table(name)
    column = draw(st.sampled_from([c for c in known.columns if c.key in rows[header_at(rows)]]))
    rows[header_at(rows)].append(draw(padded(st.sampled_from([column.key, column.zh, column.key.upper()]))))
    return Broken("repeated column", {(known.zh, header_at(rows) + 1, column.zh)}, exact=known.required)


def cell_without_header(draw: Draw, data: Tables, language: str) -> Broken:
    """A value right of the last column (in a CSV, often an unquoted comma inside a cell)."""
    name = draw(st.sampled_from(list(data)))
    rows = data[name]
    row = pick_row(draw, data, name)
    width = len(rows[header_at(rows)])
    value = draw(st.text(TEXT, min_size=1, max_size=4).filter(lambda v: bool(cells.cell_text(v))))
    set_cell(rows, row, width + draw(st.integers(0, 2)), value)
    return Broken("cell without header", {(table(name).zh, header_at(rows) + 1, None)}, exact=table(name).required)


RULE_SPELLINGS = {
    "max_consecutive_days": "max_consecutive_days",
    "最多连续天数": "max_consecutive_days",
    "MAX_CONSECUTIVE_DAYS": "max_consecutive_days",
    "forbidden_successions": "forbidden_successions",
    "禁止接续": "forbidden_successions",
}


def bad_rule_key(draw: Draw, data: Tables, language: str) -> Broken:
    """A rule that does not exist, or one given twice (in either language)."""
    rows = data["rules"]
    position = draw(st.integers(header_at(rows) + 1, len(rows)))
    if draw(st.booleans()):
        key = draw(st.text(TEXT, min_size=1, max_size=12))
        folded = cells.fold(key).lower()
        assume(folded and not any(folded in (r.key, r.zh) for r in tables.RULE_KEYS))
        assume(not folded.startswith(("weight_", "权重")) and not folded.endswith("权重"))
        rows.insert(position, [key, "1"])
        return Broken("unknown rule", {("规则", position + 1, "项目")})
    key = draw(st.sampled_from(sorted(RULE_SPELLINGS)))
    first = next(i for i in data_rows(rows) if RULE_SPELLINGS.get(str(rows[i][0])) == RULE_SPELLINGS[key])
    rows.insert(position, [key, "2" if RULE_SPELLINGS[key] == "max_consecutive_days" else "PM>AM"])
    second = max(position, first + (1 if position <= first else 0))
    return Broken("repeated rule", {("规则", second + 1, "项目")})


BREAKERS = [
    missing_table,
    missing_column,
    misspelt_column,
    repeated_column,
    misspelt_table,
    duplicate_row,
    unknown_reference,
    unknown_succession_shift,
    mistyped_cell,
    excel_error,
    cell_without_header,
    count_out_of_range,
    min_above_max,
    end_before_start,
    impossible_date,
    overlapping_pin,
    bad_rule_key,
    empty_table,
    merged_cells,
    formula_without_result,
]


def blank_rows(draw: Draw, data: Tables) -> None:
    """Blank rows anywhere (above the header too): they count in the numbering, nothing else."""
    for _ in range(draw(st.integers(0, 4))):
        rows = data[draw(st.sampled_from(list(data)))]
        blank = draw(st.sampled_from([[], [""], ["", "", ""], ["  "], ["\u3000", " "]]))
        rows.insert(draw(st.integers(0, len(rows))), list(blank))


@st.composite
def broken_data(draw: Draw, breaker: Callable[[Draw, Tables, str], Broken]) -> tuple[Tables, Broken, str]:
    data = base_tables()
    language = draw(st.sampled_from(["en", "zh"]))
    blank_rows(draw, data)
    broken = breaker(draw, data, language)
    form = broken.form or draw(st.sampled_from(FORMS))
    return translate(data, language), broken, form


@pytest.mark.parametrize("breaker", BREAKERS, ids=lambda b: b.__name__)
@HOSTILE
@given(data=st.data())
def test_broken_data_is_refused_with_its_place_in_chinese(
    breaker: Callable[[Draw, Tables, str], Broken], data: st.DataObject
) -> None:
    tables_, broken, form = data.draw(broken_data(breaker))
    event(form)
    with tempfile.TemporaryDirectory() as work:
        path = write(Path(work) / "in", tables_, form)
        if broken.damage:
            broken.damage(path)
        assert_refused(path, Path(work), broken.expected, broken.exact)


# --- files that are not data at all ---------------------------------------------------------------


def xlsx_bytes(folder: Path) -> bytes:
    return write_xlsx_tables(folder / "good.xlsx", base_tables()).read_bytes()


def damaged_member(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of the zip ``data`` with ``member`` changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO(b"")
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info.filename)
            out.writestr(info, change(content) if info.filename == member else content)
    return target.getvalue()


@st.composite
def unreadable_files(draw: Draw, kind: str) -> tuple[str, Callable[[Path], bytes], set[Place], bool]:
    """(file name, its content given a scratch folder, expected places, exact)."""
    name = "data.xlsx"
    if kind == "empty":
        return name, lambda _: b"", {(name, None, None)}, True
    if kind == "text":
        text = draw(st.text(TEXT, max_size=50))
        return name, lambda _: text.encode("gbk"), {(name, None, None)}, True
    if kind == "random":
        blob = draw(st.binary(max_size=300))
        return name, lambda _: blob, {(name, None, None)}, True
    if kind == "zip":
        member = draw(st.sampled_from(["a.txt", "xl/workbook.xml", "[Content_Types].xml"]))

        def plain_zip(_: Path) -> bytes:
            target = io.BytesIO(b"")
            with zipfile.ZipFile(target, "w") as out:
                out.writestr(member, "<不是工作簿/>")
            return target.getvalue()

        return name, plain_zip, {(name, None, None)}, True
    if kind == "truncated":
        share = draw(st.floats(0.05, 0.95))

        def truncated(f: Path) -> bytes:
            good = xlsx_bytes(f)
            return good[: int(len(good) * share)]

        return name, truncated, {(name, None, None)}, True
    if kind in ("bad sheet xml", "bad workbook xml"):
        member = "xl/worksheets/sheet3.xml" if kind == "bad sheet xml" else "xl/workbook.xml"
        cut = draw(st.floats(0.1, 0.9))
        junk = draw(st.sampled_from([b"", b"<<", b"\xff\xfe", b"&undefined;"]))
        return (
            name,
            lambda f: damaged_member(xlsx_bytes(f), member, lambda c: c[: int(len(c) * cut)] + junk),
            {(name, None, None)},
            True,
        )
    if kind == "bad zip data":
        offset = draw(st.integers(100, 2000))

        def flip(f: Path) -> bytes:
            good = bytearray(xlsx_bytes(f))
            at = offset % len(good)
            good[at] ^= 0xFF
            return bytes(good)

        # a flipped byte may land where nothing reads it (the file then loads), break the zip (the file
        # is named), or hide a sheet from the zip's directory (that table is then missing)
        return name, flip, set(), False
    if kind == "wrong suffix":
        suffix = draw(st.sampled_from([".xls", ".csv", ".txt", ".ods", ".et", ""]))
        other = "data" + suffix
        return other, lambda _: b"id,name\n", {(other, None, None)}, True
    if kind == "missing":
        return "nowhere.xlsx", lambda _: b"", {("nowhere.xlsx", None, None)}, True
    # a folder whose stations.csv cannot be read as text
    blob = draw(st.sampled_from([b"\x80\x81\xff" * 5, b"PK\x03\x04\x00\x00\x00", b"\x00" * 20 + b"x"]))
    return "folder", lambda _: blob, {("stations", None, None), ("阵地", None, None)}, True


UNREADABLE = [
    "empty",
    "text",
    "random",
    "zip",
    "truncated",
    "bad sheet xml",
    "bad workbook xml",
    "bad zip data",
    "wrong suffix",
    "missing",
    "folder of junk",
]


@pytest.mark.parametrize("kind", UNREADABLE)
@HOSTILE
@given(data=st.data())
def test_a_file_that_is_not_data_is_named_and_refused(kind: str, data: st.DataObject) -> None:
    name, content, expected, exact = data.draw(unreadable_files(kind))
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "in"
        folder.mkdir()
        scratch = Path(work) / "scratch"
        scratch.mkdir()
        blob = content(scratch)
        if name == "folder":
            path = write_csv_folder(folder / "data", {k: v for k, v in base_tables().items() if k != "stations"})
            (path / "stations.csv").write_bytes(blob)
        elif name == "nowhere.xlsx":
            path = folder / name
        else:
            path = folder / name
            path.write_bytes(blob)
        if kind == "bad zip data" and _loads(path):
            event("the flipped byte missed every part that is read")
            return
        assert_refused(path, Path(work), expected, exact)


def _loads(path: Path) -> bool:
    try:
        load(path)
    except Exception:  # any failure here is checked through the command line
        return False
    return True


def test_a_folder_named_like_a_table_is_reported(tmp_path: Path) -> None:
    path = write_csv_folder(tmp_path / "in" / "data", {k: v for k, v in base_tables().items() if k != "stations"})
    (path / "stations.csv").mkdir()
    assert_refused(path, tmp_path, {("stations", None, None), ("阵地", None, None)}, exact=True)


def test_an_empty_folder_lacks_every_required_table(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    expected = {(t.zh, None, None) for t in tables.TABLES if t.required}
    assert_refused(tmp_path / "in", tmp_path, expected, exact=True)


# --- harmless variants ----------------------------------------------------------------------------


TYPED = {cells.parse_int, cells.parse_date, cells.parse_time}
"""Parsers that fold full-width digits and punctuation (the others read words)."""


def typed_column(name: str, key: str) -> tables.Column | None:
    known = next((t for t in tables.TABLES if t.key == name), None)
    column = next((c for c in known.columns if c.key == key), None) if known else None
    return column


def is_int_rule(rows: list[list[object]], index: int) -> bool:
    return rows[index][0] in ("max_consecutive_days", "max_per_day", "min_days_between")


@dataclass
class Dressing:
    """The harmless changes chosen for one example (applied to the written files)."""

    hidden: list[str] = field(default_factory=list)
    formulas: list[tuple[str, int, int]] = field(default_factory=list)  # (sheet, row, col) given a saved result
    formatted_rows: int = 0


NATIVE = {cells.parse_int, cells.parse_date, cells.parse_time, cells.parse_bool}
"""Columns whose values Excel may hold as numbers, dates, times or TRUE/FALSE rather than text."""


@st.composite
def dressed_data(draw: Draw) -> tuple[Tables, Tables, str, Dressing, str]:
    """(clean tables, dressed tables, form, workbook dressing, CSV line end)."""
    clean = base_tables()
    if draw(st.booleans()):  # overlapping shifts are fine as long as no one is in both
        clean["shifts"].append(["MID", "错时", "11:00", "13:00"])
    data = copy.deepcopy(clean)
    language = draw(st.sampled_from(["en", "zh"]))
    form = draw(st.sampled_from((*FORMS, "utf-16-le", "utf-16-be")))
    blank_rows(draw, data)
    for _ in range(draw(st.integers(0, 3))):  # trailing blank rows
        rows = data[draw(st.sampled_from(list(data)))]
        rows.append(draw(st.sampled_from([[], [""], [" ", "", ""], ["\u3000"]])))
    dressing = Dressing()
    for name, rows in data.items():
        head = header_at(rows)
        keys = list(rows[head])
        for i in range(len(rows)):
            for j, value in enumerate(rows[i]):
                text = str(value)
                column = typed_column(name, str(keys[j])) if i > head and j < len(keys) else None
                foldable = (column and column.parse in TYPED) or (name == "rules" and j == 1 and is_int_rule(rows, i))
                if i > head and text and foldable and draw(st.integers(0, 3)) == 0:
                    text = text.translate(FULL_WIDTH)
                if i == head and language == "en" and draw(st.integers(0, 3)) == 0:
                    text = draw(st.sampled_from([text.upper(), text.title()]))
                if draw(st.integers(0, 3)) == 0:
                    text = draw(padded(st.just(text)))
                rows[i][j] = text
                if form == "xlsx" and column and column.parse in NATIVE and cells.cell_text(value) and draw(st.booleans()):
                    rows[i][j] = column.parse(str(value))
    data = translate(data, language)
    if form != "xlsx" and draw(st.booleans()):
        data = {draw(padded(st.just(name))): rows for name, rows in data.items()}
    if form == "xlsx":
        names = list(data)
        dressing.hidden = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names) - 1))
        dressing.formatted_rows = draw(st.integers(0, 3))
        for _ in range(draw(st.integers(0, 4))):
            name = draw(st.sampled_from(names))
            rows = data[name]
            spots = [(i, j) for i, row in enumerate(rows) for j, v in enumerate(row) if isinstance(v, str) and cells.cell_text(v)]
            i, j = draw(st.sampled_from(spots))
            dressing.formulas.append((name, i, j))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    return clean, data, form, dressing, newline


def is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def with_saved_results(path: Path, data: Tables, formulas: list[tuple[str, int, int]]) -> None:
    """Turn text cells into formulas whose results are saved with the file, as Excel saves them
    (openpyxl writes no results, so they are put into the sheets' XML)."""
    formulas = list(dict.fromkeys(formulas))
    book = openpyxl.load_workbook(path)
    for name, i, j in formulas:
        value = str(data[name][i][j])
        half = len(value) // 2
        if is_number(value):
            book[name].cell(i + 1, j + 1).value = f"={int(value) - 1}+1"
        else:
            book[name].cell(i + 1, j + 1).value = f'="{value[:half]}"&"{value[half:]}"'
    book.save(path)
    order = list(data)
    patched = {}
    with zipfile.ZipFile(path) as source:
        for name, i, j in formulas:
            member = f"xl/worksheets/sheet{order.index(name) + 1}.xml"
            xml = patched.get(member) or source.read(member).decode()
            ref = f"{get_column_letter(j + 1)}{i + 1}"
            value = str(data[name][i][j])

            def saved(match: re.Match[str], ref: str = ref, value: str = value) -> str:
                kind = "" if is_number(value) else ' t="str"'
                return f'<c r="{ref}"{match[1]}{kind}><f>{match[2]}</f><v>{escape(value)}</v></c>'

            xml, count = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/></c>', saved, xml)
            assert count == 1, (ref, xml[:500])
            patched[member] = xml
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in items:
            target.writestr(info, patched[info.filename].encode() if info.filename in patched else content)


def write_dressed(folder: Path, data: Tables, form: str, dressing: Dressing, newline: str) -> Path:
    if form != "xlsx":
        encoding, delimiter = ("utf-16", "\t") if form == "utf-16-tab" else (form, ",")
        return write_csv_folder(folder / "data", data, encoding, delimiter, newline)
    path = write_xlsx_tables(folder / "data.xlsx", data)
    book = openpyxl.load_workbook(path)
    for name in dressing.hidden:
        book[name].sheet_state = "hidden"
    for name in list(data)[: dressing.formatted_rows]:  # formatting, no values, below the table
        sheet = book[name]
        sheet.cell(sheet.max_row + 3, 2).fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    if dressing.formulas:  # last: openpyxl drops saved results when it saves
        with_saved_results(path, data, dressing.formulas)
    return path


@HOSTILE
@given(dressed_data())
def test_harmless_variants_read_as_the_clean_data(case: tuple[Tables, Tables, str, Dressing, str]) -> None:
    clean, data, form, dressing, newline = case
    event(form)
    with tempfile.TemporaryDirectory() as work:
        reference = clean_dataset(Path(work), clean)
        path = write_dressed(Path(work) / "in", data, form, dressing, newline)
        result = run("validate", path, "--month", MONTH)
        assert result.exit_code == EXIT_OK, result.output
        assert result.stdout.startswith(f"数据「{path.name}」检查通过。"), result.output
        assert load(path) == reference


# --- the messages of the checks these tests brought -----------------------------------------------


def workbook_with(tmp_path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    path = write_xlsx_tables(tmp_path / "data.xlsx", base_tables())
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def only_issue(path: Path) -> str:
    result = run("validate", path, "--month", MONTH)
    assert result.exit_code == EXIT_DATA, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.output
    return lines[1].split(". ", 1)[1]


def test_merged_cells_are_reported_at_the_top_left_cell(tmp_path: Path) -> None:
    def merge(book: openpyxl.Workbook) -> None:
        book["units"].merge_cells("C2:C3")  # 类别 of U1 and U2: U2's would silently go missing

    assert only_issue(workbook_with(tmp_path, merge)) == (
        "表「单位」第 2 行「类别」列：合并单元格 C2:C3：合并后只有左上角的单元格有值，其余读作空白；"
        "请取消合并，在每个单元格分别填写"
    )


def test_a_formula_without_a_saved_result_is_reported_not_read_as_empty(tmp_path: Path) -> None:
    def formula(book: openpyxl.Workbook) -> None:
        book["units"]["E2"] = "=6*2"  # U1's members; read as empty it would silently become 1

    assert only_issue(workbook_with(tmp_path, formula)) == (
        "表「单位」第 2 行「党员人数」列：单元格是公式「=6*2」，但文件里没有保存它的计算结果（本程序不计算公式）；"
        "请用 Excel 打开并保存一次，或直接填写数值"
    )


def test_an_excel_error_value_is_reported_also_in_a_text_column(tmp_path: Path) -> None:
    data = base_tables()
    data["units"][2][1] = "#REF!"
    assert only_issue(write_csv_folder(tmp_path / "csv", data)) == (
        "表「单位」第 3 行「名称」列：单元格是 Excel 的错误值「#REF!」（公式出错）；请改为实际的值"
    )


@pytest.mark.parametrize(
    ("name", "row", "col", "value", "issue"),
    [
        ("demand", 1, 4, "1000000000", "表「需求」第 2 行「最少」列：数值「1000000000」过大，不应超过 1000000"),
        ("demand", 1, 4, "5000", "表「需求」第 2 行「最少」列：一个时段需要的单位数不应超过 1000，实际为 5000"),
        ("history", 1, 3, "400", "表「历史」第 2 行「连续值班天数」列：连续值班天数应为 1 到 366 之间的整数，实际为 400"),
        ("history", 1, 1, "0001-01-01", "表「历史」第 2 行「上次值班日期」列：日期「0001-01-01」的年份应在 1900 到 2100 年之间"),
        ("demand", 1, 1, "2026-02-30", "表「需求」第 2 行「日期类型」列：日期「2026-02-30」不存在"),
    ],
)
def test_numbers_and_dates_that_would_break_the_solver_are_refused(
    tmp_path: Path, name: str, row: int, col: int, value: str, issue: str
) -> None:
    data = base_tables()
    data[name][row][col] = value
    assert only_issue(write_csv_folder(tmp_path / "csv", data)) == issue


def test_an_unreadable_workbook_is_named_without_listing_every_table_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(damaged_member(xlsx_bytes(tmp_path), "xl/worksheets/sheet1.xml", lambda xml: xml[:-20]))
    assert only_issue(path) == "表「data.xlsx」：不是有效的 Excel 工作簿（.xlsx），或文件已损坏：ParseError"
