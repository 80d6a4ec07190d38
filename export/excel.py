"""The roster workbook for people, and reading its wall rosters back after a planner's edits.

Written from a :class:`~rotation.problem.Problem`, a roster and its check only (never solver
internals): an overview for the planner, the 双报到双服务双报告 statistics, one duty list per
unit, the solve report, and one printable A4 wall roster per position and month (制度上墙).
Planners edit wall rosters by hand; :func:`read_roster_workbook` turns them back into a roster
that the checker judges like any other.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from export.files import write_atomically
from export.workbook import (
    BODY,
    BOLD,
    CENTRE,
    HEADER_FILL,
    HOLIDAY_FILL,
    REST_FILL,
    SUBTITLE,
    WARN,
    fit_columns,
    fit_row_height,
    note_block,
    print_a4,
    put,
    put_row,
    style_cells,
    title_row,
)
from rotation import cells, tables
from rotation.calendar import CalendarSource
from rotation.checker import SCALE, CheckResult, Finding
from rotation.errors import DataError, DataIssue
from rotation.model import DEFAULT_ROLE, DayKind, HomeCommunity, Shift, Station, Unit
from rotation.problem import Period, Problem
from rotation.result import Result, points
from rotation.roster import Assignment, Roster
from rotation.rules import name as rule_name
from rotation.statistics import statistics_frame

OVERVIEW = "总览"
STATISTICS = "统计"
UNIT_LISTS = "各单位值班表"
REPORT = "求解报告"
CHANGES = "调整清单"
CHANGE_COLUMNS = ("调整", "日期", "星期", "阵地", "时段", "角色", "原值班单位", "原值班人员", "新值班单位", "新值班人员")

WALL_COLUMNS = ("日期", "星期", "时段", "值班单位", "值班人员", "首问责任人", "联系电话", "备注")
UNIT_COLUMNS = ("日期", "星期", "时段", "阵地", "角色", "值班人员", "首问", "备注")
STAT_COLUMNS = ("单位", "类别", "报到社区", "党员人数", "月份", "值班次数", "值班时长（小时）", "值班人次",
                "周末值班", "节假日值班", "首问次数", "服务阵地数")
LEVELS = {0: "特设岗位", 1: "中心", 2: "社区中心", 3: "服务站", 4: "服务点"}
NO_PERSON = "—"  # holds a unit's place in 值班人员 when it names nobody
TITLE_SUFFIX = "轮值表"
WALL_HEADER_ROW = 3  # title, subtitle, then the header
DAY_FORMAT = 'm"月"d"日"'
MONTH_FORMAT = 'yyyy"年"m"月"'
_SEPARATORS = "、，,；;"
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_BAD_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

T = TypeVar("T")


# --- what a wall roster shows -------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One open period of a position: the units on duty by role, and the units still missing."""

    period: Period
    duties: dict[str, tuple[Assignment, ...]]
    missing: dict[str, int]


@dataclass(frozen=True)
class _Wall:
    """The wall roster of one position for one month."""

    station: Station
    month: tuple[int, int]
    roles: tuple[str, ...]
    lines: tuple[_Line, ...]

    @property
    def by_role(self) -> bool:
        """The red post's 领班/坐班/轮班 get a column each; plain 值守 positions one column of units."""
        return self.roles != (DEFAULT_ROLE,)

    @property
    def columns(self) -> tuple[str, ...]:
        if not self.by_role:
            return WALL_COLUMNS
        return (*WALL_COLUMNS[:3], *self.roles, *WALL_COLUMNS[5:])


def _shift_key(problem: Problem) -> Callable[[str], tuple]:
    shifts = problem.data.shifts_by_id

    def key(shift_id: str) -> tuple:
        shift = shifts.get(shift_id)
        return (shift.start, shift.end, shift_id) if shift else (dt.time.max, dt.time.max, shift_id)

    return key


def _role_order(problem: Problem) -> Callable[[str], tuple]:
    """Roles in the order the demand table first names them (领班, 坐班, 轮班), others after."""
    order = {role: i for i, role in enumerate(dict.fromkeys(d.role for d in problem.data.demand))}
    return lambda role: (order.get(role, len(order)), role)


def _walls(problem: Problem, roster: Roster, check_result: CheckResult) -> list[_Wall]:
    data = problem.data
    missing: dict[Period, dict[str, int]] = defaultdict(dict)
    for s in check_result.shortfalls:
        missing[Period(s.date, s.station, s.shift)][s.role] = s.missing
    periods: dict[str, set[Period]] = defaultdict(set)
    roles: dict[str, set[str]] = defaultdict(set)
    for slot in problem.slots:
        periods[slot.station].add(slot.period)
        roles[slot.station].add(slot.role)
    for a in roster:
        if a.station in data.stations_by_id:  # an unknown id is the checker's to report
            periods[a.station].add(Period(a.date, a.station, a.shift))
            roles[a.station].add(a.role)
    shift_key, role_key = _shift_key(problem), _role_order(problem)
    unit_order = {u.id: i for i, u in enumerate(data.units)}
    months = list(dict.fromkeys([*problem.months, *((p.date.year, p.date.month) for ps in periods.values() for p in ps)]))
    walls = []
    for month in sorted(months):
        for station in data.stations:
            lines = []
            for period in sorted((p for p in periods[station.id] if (p.date.year, p.date.month) == month),
                                 key=lambda p: (p.date, shift_key(p.shift))):
                duties: dict[str, list[Assignment]] = defaultdict(list)
                for a in roster.by_period.get((period.date, period.station, period.shift), ()):
                    duties[a.role].append(a)
                ordered = {role: tuple(sorted(rows, key=lambda a: (unit_order.get(a.unit, len(unit_order)), a.unit)))
                           for role, rows in duties.items()}
                lines.append(_Line(period, ordered, missing.get(period, {})))
            if lines:
                walls.append(_Wall(station, month, tuple(sorted(roles[station.id], key=role_key)), tuple(lines)))
    return walls


def _unit_label(problem: Problem, unit_id: str) -> str:
    unit = problem.data.units_by_id.get(unit_id)
    return unit.label if unit else unit_id


def _shift_text(problem: Problem, shift_id: str) -> str:
    shift = problem.data.shifts_by_id.get(shift_id)
    return f"{shift.label} {shift.hours}" if shift else shift_id


def _weekday(date: dt.date) -> str:
    return "周" + "一二三四五六日"[date.weekday()]


def _note(problem: Problem, date: dt.date) -> str:
    return problem.day(date).note if problem.in_horizon(date) else ""


def _fill(problem: Problem, date: dt.date) -> PatternFill | None:
    if not problem.in_horizon(date):
        return None
    kind = problem.day(date).kind
    return HOLIDAY_FILL if kind is DayKind.HOLIDAY else REST_FILL if kind is DayKind.RESTDAY else None


def _with_person(problem: Problem, a: Assignment) -> str:
    """``县委组织部（张三）``; a leader's unit already carries the name, so it is not repeated."""
    label = _unit_label(problem, a.unit)
    return f"{label}（{a.person}）" if a.person and a.person not in label else label


def _person_phone(problem: Problem, a: Assignment) -> str:
    person = next((p for p in problem.data.people_of(a.unit) if p.name == a.person), None)
    if person is not None and person.phone:
        return person.phone
    unit = problem.data.units_by_id.get(a.unit)
    return unit.phone or "" if unit else ""


def _wall_values(problem: Problem, wall: _Wall, line: _Line) -> tuple[list[object], bool]:
    """The cells of one line, and whether it is short of units."""
    period = line.period
    values: list[object] = [period.date, _weekday(period.date), _shift_text(problem, period.shift)]
    if wall.by_role:
        values += ["、".join(_with_person(problem, a) for a in line.duties.get(role, ())) for role in wall.roles]
    else:
        duties = line.duties.get(DEFAULT_ROLE, ())
        values.append("、".join(_unit_label(problem, a.unit) for a in duties))
        named = any(a.person for a in duties)
        values.append("、".join(a.person or NO_PERSON for a in duties) if named else "")
    owners = [a for role in wall.roles for a in line.duties.get(role, ()) if a.first_inquiry]
    values.append("、".join(a.person or _unit_label(problem, a.unit) for a in owners))
    values.append("、".join(dict.fromkeys(_person_phone(problem, a) for a in owners if _person_phone(problem, a))))
    notes = [_note(problem, period.date)] if _note(problem, period.date) else []
    for role in wall.roles:
        if line.missing.get(role):
            notes.append(f"{role}缺 {line.missing[role]} 人" if wall.by_role else f"缺 {line.missing[role]} 人")
    values.append("；".join(notes))
    return values, bool(line.missing)


def _wall_notes(compiler: str) -> tuple[str, ...]:
    return (
        "首问负责：群众到阵地求助、咨询或办事，首先接待的值班人员即为首问责任人，须当场受理、解答或引导办理；"
        "不能当场办结的，登记姓名、电话和事项，跟踪到办结并答复，不得推诿。表中“首问责任人”为该时段的首问负责人。",
        f"调班：值班单位因故不能按表值班的，应提前与其他单位商定调换，经双方单位同意并报{compiler}备案；"
        "调换后按新安排执行，首问责任随值班一并转移。",
        "浅蓝底纹为周末，浅橙底纹为法定节假日；备注中“缺 N 人”表示该时段尚缺值班单位。",
    )


def _write_wall(sheet: Worksheet, problem: Problem, wall: _Wall, compiler: str, footer: str) -> None:
    station = wall.station
    columns = wall.columns
    year, month = wall.month
    title_row(sheet, 1, f"{station.label} {year}年{month}月 {TITLE_SUFFIX}", len(columns))
    subtitle = f"层级：{LEVELS.get(station.level, station.level)}"
    if station.community:
        subtitle += f"　　所属社区：{station.community}"
    if station.phone:
        subtitle += f"　　电话：{station.phone}"
    title_row(sheet, 2, subtitle, len(columns), SUBTITLE, 20)
    style_cells(put_row(sheet, WALL_HEADER_ROW, columns), BOLD, CENTRE, HEADER_FILL)
    rows = [list(columns)]
    written = []
    for number, line in enumerate(wall.lines, start=WALL_HEADER_ROW + 1):
        values, short = _wall_values(problem, wall, line)
        row = put_row(sheet, number, values)
        style_cells(row, fill=_fill(problem, line.period.date))
        row[0].number_format = DAY_FORMAT
        for cell in row[:3]:
            cell.alignment = CENTRE
        if short:
            row[-1].font = WARN
        rows.append(values)
        written.append((number, values))
    minimum = [8, 6, 16] + ([14] * len(wall.roles) if wall.by_role else [14, 10]) + [12, 13, 10]
    widths = fit_columns(sheet, rows, minimum, maximum=34)
    for number, values in written:
        fit_row_height(sheet, number, values, widths)
    sheet.row_dimensions[WALL_HEADER_ROW].height = 22
    note_block(sheet, WALL_HEADER_ROW + len(wall.lines) + 2, _wall_notes(compiler), widths)
    sheet.freeze_panes = sheet.cell(row=WALL_HEADER_ROW + 1, column=1)
    print_a4(sheet, title_rows=f"{WALL_HEADER_ROW}:{WALL_HEADER_ROW}", footer=footer)


# --- the workbook -------------------------------------------------------------------------------


def write_roster_workbook(problem: Problem, roster: Roster, check_result: CheckResult, result_or_none: Result | None,
                          path: Path, *, compiler: str = "县委组织部", printed: dt.date | None = None) -> None:
    """Write the whole workbook to ``path``: 总览, 统计, 各单位值班表, 求解报告 and one wall roster
    per position and month. ``printed`` (default today) and ``compiler`` go in every footer."""
    footer = f"{compiler} 编制　{_zh_date(printed or dt.date.today())}"
    book = Workbook()
    overview = book.active
    overview.title = OVERVIEW
    _write_overview(overview, problem, roster, check_result, footer)
    if result_or_none is not None and result_or_none.changes is not None:
        _write_changes(book.create_sheet(CHANGES), result_or_none, footer)
    _write_statistics(book.create_sheet(STATISTICS), problem, roster, footer)
    _write_unit_lists(book.create_sheet(UNIT_LISTS), problem, roster, problem.data.units, footer)
    _write_report(book.create_sheet(REPORT), problem, check_result, result_or_none)
    used = {name.lower() for name in book.sheetnames}
    walls = _walls(problem, roster, check_result)
    several = len({w.month for w in walls}) > 1
    same_year = len({w.month[0] for w in walls}) == 1
    for wall in walls:
        suffix = (f" {wall.month[1]}月" if same_year else f" {wall.month[0]}年{wall.month[1]}月") if several else ""
        name = sheet_name(wall.station.label, suffix, used)
        _write_wall(book.create_sheet(name), problem, wall, compiler, footer)
    book.save(path)


def sheet_name(base: str, suffix: str, used: set[str]) -> str:
    """A valid sheet name (at most 31 characters, none of ``[]:*?/\\``) not yet in ``used``
    (lower-cased names; the new one is added)."""
    stem = base.translate(_BAD_SHEET_CHARS).strip().strip("'") or "表"
    suffix = suffix.translate(_BAD_SHEET_CHARS)
    candidate = stem[: 31 - len(suffix)] + suffix
    n = 2
    while candidate.lower() in used:
        tail = f"{suffix}({n})"
        candidate = stem[: 31 - len(tail)] + tail
        n += 1
    used.add(candidate.lower())
    return candidate


def _zh_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _horizon_text(problem: Problem) -> str:
    return f"{_zh_date(problem.start)}至{_zh_date(problem.end)}"


# --- each unit's duty list ----------------------------------------------------------------------


def _unit_block(sheet: Worksheet, row: int, problem: Problem, roster: Roster, unit: Unit) -> tuple[int, int, list]:
    """One unit's duties from ``row`` on; returns (next free row, header row, rows for widths)."""
    data = problem.data
    shift_key = _shift_key(problem)
    duties = sorted(roster.duties_of(unit.id), key=lambda a: (a.date, shift_key(a.shift), a.station, a.role))
    columns = len(UNIT_COLUMNS)
    title_row(sheet, row, f"{unit.label} 党群服务阵地值班安排", columns, height=28)
    owner = sum(a.first_inquiry for a in duties)
    subtitle = f"{_horizon_text(problem)}　共 {len(duties)} 次，其中首问责任 {owner} 次"
    if unit.contact or unit.phone:
        subtitle += f"　联系人：{unit.contact or ''} {unit.phone or ''}".rstrip()
    title_row(sheet, row + 1, subtitle, columns, SUBTITLE, 20)
    header = row + 2
    style_cells(put_row(sheet, header, UNIT_COLUMNS), BOLD, CENTRE, HEADER_FILL)
    rows: list = [list(UNIT_COLUMNS)]
    row = header + 1
    if not duties:
        put(sheet, row, 1, "本期没有值班安排。").font = BODY
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        return row + 1, header, rows
    for a in duties:
        station = data.stations_by_id.get(a.station)
        values = [a.date, _weekday(a.date), _shift_text(problem, a.shift), station.label if station else a.station,
                  a.role, a.person or "", "是" if a.first_inquiry else "否", _note(problem, a.date)]
        written = put_row(sheet, row, values)
        style_cells(written, fill=_fill(problem, a.date))
        written[0].number_format = DAY_FORMAT
        for cell in (*written[:3], written[4], written[6]):
            cell.alignment = CENTRE
        rows.append(values)
        row += 1
    return row, header, rows


def _write_unit_lists(sheet: Worksheet, problem: Problem, roster: Roster, units: Sequence[Unit], footer: str) -> int:
    """Every unit's block, one after another, each starting a new printed page; returns the
    header row of the last block (a single unit's file repeats it on every page)."""
    row, header, rows = 1, 1, []
    for n, unit in enumerate(units):
        if n:
            sheet.row_breaks.append(Break(id=row - 1))
        row, header, block = _unit_block(sheet, row, problem, roster, unit)
        rows += block
        row += 1
    fit_columns(sheet, rows, (8, 6, 16, 16, 6, 10, 6, 10), maximum=30)
    print_a4(sheet, title_rows=None, footer=footer)
    return header


def write_unit_workbooks(problem: Problem, roster: Roster, folder: Path, *, compiler: str = "县委组织部",
                         printed: dt.date | None = None) -> list[Path]:
    """One workbook per unit in ``folder`` (file name = unit name, made safe), to send to that
    unit; every unit gets one, so a unit without duties learns it too. Returns the paths."""
    footer = f"{compiler} 编制　{_zh_date(printed or dt.date.today())}"
    folder = Path(folder)
    written: list[Path] = []
    taken: set[str] = set()
    for unit in problem.data.units:
        path = folder / f"{_file_stem(unit, taken)}.xlsx"

        def write(target: Path, unit: Unit = unit) -> None:
            book = Workbook()
            sheet = book.active
            sheet.title = sheet_name(unit.label, "", set())
            header = _write_unit_lists(sheet, problem, roster, (unit,), footer)
            sheet.print_title_rows = f"{header}:{header}"
            book.save(target)

        write_atomically(path, write)
        written.append(path)
    return written


def _file_stem(unit: Unit, taken: set[str]) -> str:
    stem = _BAD_FILE_CHARS.sub("_", unit.label).strip(" .")[:80] or unit.id
    if stem.lower() in taken:
        stem = f"{stem}_{_BAD_FILE_CHARS.sub('_', unit.id)}"
    taken.add(stem.lower())
    return stem


# --- statistics for 双报到双服务双报告 ----------------------------------------------------------


def _write_statistics(sheet: Worksheet, problem: Problem, roster: Roster, footer: str) -> None:
    """The statistics table (:func:`rotation.statistics.statistics_frame`), with its total."""
    frame = statistics_frame(problem, roster)
    title_row(sheet, 1, f"双报到双服务双报告 单位值班统计（{_horizon_text(problem)}）", len(STAT_COLUMNS))
    style_cells(put_row(sheet, 2, STAT_COLUMNS), BOLD, CENTRE, HEADER_FILL)
    rows: list = [list(STAT_COLUMNS)]
    row = 3
    for record in frame.itertuples(index=False):
        values = [record.name, record.category, record.community, int(record.members), record.month.date(),
                  int(record.duties), round(float(record.hours), 1), int(record.person_duties), int(record.weekend_duties),
                  int(record.holiday_duties), int(record.first_inquiry_duties), int(record.stations)]
        cells_ = put_row(sheet, row, values)
        style_cells(cells_)
        cells_[4].number_format = MONTH_FORMAT
        cells_[6].number_format = "0.0"
        rows.append(values)
        row += 1
    last = row - 1
    served = len({a.station for a in roster})
    total = ["合计", "", "", sum(u.members for u in problem.data.units), "", int(frame["duties"].sum()),
             round(float(frame["hours"].sum()), 1), int(frame["person_duties"].sum()),
             int(frame["weekend_duties"].sum()), int(frame["holiday_duties"].sum()),
             int(frame["first_inquiry_duties"].sum()), served]
    style_cells(put_row(sheet, row, total), BOLD, fill=HEADER_FILL)
    sheet.cell(row=row, column=7).number_format = "0.0"
    rows.append(total)
    note = ("值班人次：每次值班计 1 人次（写明值班人员的按该人员计，未写明的按单位计）。"
            "周末值班指休息日（含周六、周日）的值班，不含法定节假日；服务阵地数为值过班的不同阵地个数。")
    widths = fit_columns(sheet, rows, (12, 8, 8, 8, 10, 8, 10, 8, 8, 8, 8, 8), maximum=30)
    note_block(sheet, row + 2, (note,), widths)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(STAT_COLUMNS))}{max(last, 2)}"
    sheet.freeze_panes = "B3"
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True)


def _write_changes(sheet: Worksheet, result: Result, footer: str) -> None:
    """A repair's change list, one row per duty, so the planner can tell each unit concerned."""
    problem = result.problem
    changes = result.changes or ()
    title_row(sheet, 1, f"排班调整清单（{result.since} 起）", len(CHANGE_COLUMNS))
    style_cells(put_row(sheet, 2, CHANGE_COLUMNS), BOLD, CENTRE, HEADER_FILL)
    rows: list = [list(CHANGE_COLUMNS)]
    for row, c in enumerate(changes, start=3):
        values = [c.kind, c.date, _weekday(c.date), _station_label(problem, c.station), _shift_text(problem, c.shift),
                  c.role, _unit_label(problem, c.old_unit) if c.old_unit else "", c.old_person or "",
                  _unit_label(problem, c.new_unit) if c.new_unit else "", c.new_person or ""]
        written = put_row(sheet, row, values)
        style_cells(written, fill=_fill(problem, c.date))
        written[1].number_format = DAY_FORMAT
        rows.append(values)
    if not changes:
        put(sheet, 3, 1, "原排班无需改动。").font = BODY
    widths = fit_columns(sheet, rows, (6, 8, 6, 16, 14, 6, 14, 10, 14, 10), maximum=30)
    proven = "已证明没有改动更少的排班。" if result.fewest_changes_proven else "时限内未能证明没有改动更少的排班。"
    note_block(sheet, len(changes) + 4, (f"{result.since} 之前的值班不变；{proven}请通知表中涉及的单位；"
                                         "原值班单位空白表示新增的值班，新值班单位空白表示取消的值班。",), widths)
    sheet.freeze_panes = "A3"
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True)


# --- overview for the planner --------------------------------------------------------------------


def short_name(unit: Unit) -> str:
    """A unit's name as the overview shows it: a leader by personal name, ``县财政局`` as ``财政局``."""
    name = unit.label
    if " " in name:
        return name.rsplit(" ", 1)[1]
    if name.startswith("县") and len(name) > 3 and name[1] not in "委人政":  # keep 县委…, 县人大…, 县政协…
        return name[1:]
    return name


def _write_overview(sheet: Worksheet, problem: Problem, roster: Roster, check_result: CheckResult, footer: str) -> None:
    data = problem.data
    stations = [s for s in data.stations if any(slot.station == s.id for slot in problem.slots)]
    columns = ["日期", "星期", *(s.label for s in stations)]
    title_row(sheet, 1, f"党群服务阵地轮值总览（{_horizon_text(problem)}）", len(columns))
    style_cells(put_row(sheet, 2, columns), BOLD, CENTRE, HEADER_FILL)
    missing: dict[Period, int] = Counter()
    for s in check_result.shortfalls:
        missing[Period(s.date, s.station, s.shift)] += s.missing
    shift_key, role_key = _shift_key(problem), _role_order(problem)
    by_day: dict[tuple[dt.date, str], list[Period]] = defaultdict(list)
    for period in problem.periods:
        by_day[(period.date, period.station)].append(period)
    units = data.units_by_id
    rows: list = [columns]
    written = []
    for number, day in enumerate(problem.days, start=3):
        values: list[object] = [day.date, _weekday(day.date)]
        for station in stations:
            lines = []
            for period in sorted(by_day.get((day.date, station.id), []), key=lambda p: shift_key(p.shift)):
                duties = sorted(roster.by_period.get((period.date, period.station, period.shift), ()),
                                key=lambda a: role_key(a.role))
                names = [(f"{a.role}" if a.role != DEFAULT_ROLE else "")
                         + (short_name(units[a.unit]) if a.unit in units else a.unit) for a in duties]
                parts = [data.shift(period.shift).label, "、".join(names)]
                if missing.get(period):
                    parts.append(f"缺{missing[period]}")
                lines.append(" ".join(part for part in parts if part))
            values.append("\n".join(lines))
        cells_ = put_row(sheet, number, values)
        style_cells(cells_, fill=_fill(problem, day.date))
        cells_[0].number_format = DAY_FORMAT
        cells_[0].alignment = cells_[1].alignment = CENTRE
        rows.append(values)
        written.append((number, values))
    widths = fit_columns(sheet, rows, [8, 6] + [12] * len(stations), maximum=26)
    for number, values in written:
        fit_row_height(sheet, number, values, widths)
    sheet.freeze_panes = "C3"
    # for the screen first; printed at full size across pages, dates repeated on each
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True, paper=sheet.PAPERSIZE_A3, fit=False)
    sheet.print_title_cols = "A:B"


# --- the solve report ------------------------------------------------------------------------------


class _Report:
    """A report sheet written top to bottom: headings, key-value lines and small tables."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1
        self.table_rows: list[list[object]] = []
        self.texts: list[tuple[int, str]] = []

    def heading(self, text: str) -> None:
        if self.row > 2:
            self.row += 1  # a blank line between sections
        put(self.sheet, self.row, 1, text).font = BOLD
        self.row += 1

    def line(self, label: str, value: object) -> None:
        style_cells([put(self.sheet, self.row, 1, label)], BOLD, border=None)
        cell = put(self.sheet, self.row, 2, value)
        style_cells([cell], border=None)
        self.sheet.merge_cells(start_row=self.row, start_column=2, end_row=self.row, end_column=8)
        self.texts.append((self.row, str(value)))
        self.row += 1

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]], empty: str = "无",
              at: Sequence[int] | None = None, span_to: int | None = None) -> None:
        """A table; ``at`` puts its columns in these sheet columns, so that the tables of the
        report share one grid (rule, unit, date, position, shift, text, points); ``span_to``
        merges the last column's cells up to that column."""
        if not rows:
            put(self.sheet, self.row, 1, empty).font = BODY
            self.row += 1
            return
        at = at or range(1, len(header) + 1)
        for n, values in enumerate([header, *rows]):
            written = [put(self.sheet, self.row, column, value) for column, value in zip(at, values, strict=True)]
            if n:
                style_cells(written)
                for cell in written:
                    if isinstance(cell.value, float):
                        cell.number_format = "0.00"
            else:
                style_cells(written, BOLD, CENTRE, HEADER_FILL)
            if span_to is not None:
                style_cells([self.sheet.cell(row=self.row, column=c) for c in range(at[-1] + 1, span_to + 1)],
                            fill=HEADER_FILL if not n else None)
                self.sheet.merge_cells(start_row=self.row, start_column=at[-1], end_row=self.row, end_column=span_to)
            if span_to is None:  # merged text does not widen the columns it spans
                grid: list[object] = [None] * max(at)
                for column, value in zip(at, values, strict=True):
                    grid[column - 1] = value
                self.table_rows.append(grid)
            self.row += 1

    def finish(self) -> None:
        widths = fit_columns(self.sheet, self.table_rows, (14, 14, 11, 16, 16, 30, 8, 8), maximum=60)
        for row, text in self.texts:
            fit_row_height(self.sheet, row, [text], [sum(widths[1:])], minimum=16)


def _write_report(sheet: Worksheet, problem: Problem, check_result: CheckResult, result: Result | None) -> None:
    data = problem.data
    report = _Report(sheet)
    title_row(sheet, 1, "求解报告", 8)
    report.row = 2
    report.heading("数据与排班范围")
    report.line("数据", data.name or "（未命名）")
    report.line("排班范围", f"{_horizon_text(problem)}，共 {len(problem.days)} 天")
    report.line("规模", f"阵地 {len(data.stations)} 个，单位 {len(data.units)} 个，人员 {len(data.people)} 名；"
                      f"开放岗位 {len(problem.slots)} 个，需 {problem.unit_duties} 人次")
    report.line("日历", _calendar_text(problem))
    special = [f"{d.date.month}月{d.date.day}日（{_weekday(d.date)}）{d.note}" for d in problem.days if d.note]
    report.line("节假日与调休", "；".join(special) if special else "无")
    for warning in problem.warnings:
        report.line("注意", warning)

    report.heading("规则与权重")
    report.table(("项目", "值", "说明"), _rule_rows(problem), at=(1, 2, 3), span_to=6)

    report.heading("求解结果")
    figures = check_result.figures
    covered = figures.needed_unit_duties - sum(s.missing for s in check_result.shortfalls)
    if result is not None:
        report.line("状态", result.status.value + ("（按 Ctrl-C 中止，保留目前最好的排班）" if result.interrupted else ""))
        report.line("求解方法", result.method)
        report.line("改进解", f"找到 {result.solutions} 个")
        report.line("参数", "，".join(f"{_PARAMETER_ZH.get(k, k)} {_yes_no(v)}" for k, v in result.parameters.items()))
        if result.provenance:
            report.line("版本", f"rotation {result.provenance['version']}")
            report.line("数据指纹", f"sha256:{result.provenance['data_sha256']}")
    else:
        report.line("状态", "校验已有排班（未求解）")
    objective = result.objective if result is not None and result.objective is not None else check_result.objective
    report.line("目标值", f"{points(objective)}（各软性规则扣分之和，越小越好）")
    if result is not None:
        report.line("下界", points(result.bound) if result.bound is not None else "-")
        report.line("差距", f"{result.gap * 100:.2f}%" if result.gap is not None else "-")
    report.line("覆盖", f"{covered}/{figures.needed_unit_duties} 人次"
                + ("，全部覆盖" if not check_result.shortfalls else f"，{len(check_result.shortfalls)} 个岗位人数不足"))
    report.line("硬性规则", "全部遵守" if not check_result.violations else f"违反 {len(check_result.violations)} 处，见下表")

    report.heading("各项扣分")
    report.table(("规则", "权重", "数量", "扣分", "处数"),
                 [(rule_name(s.rule), s.weight, float(s.amount), s.penalty / SCALE, len(s.findings))
                  for s in check_result.scores])

    report.heading("缺口（人数不足的岗位）")
    causes = (result.gap_causes if result is not None else None) or {}
    report.table(("角色", "缺", "日期", "阵地", "时段", "说明"),
                 [(s.role, s.missing, s.date.isoformat(), _station_label(problem, s.station),
                   _shift_text(problem, s.shift), f"{_weekday(s.date)}；需要 {s.needed} 个单位，已安排 {s.assigned} 个"
                   + (f"。原因：{causes[key]}" if (key := (s.date, s.station, s.shift, s.role)) in causes else ""))
                  for s in check_result.shortfalls])

    report.heading("违反硬性规则")
    report.table(("规则", "单位", "日期", "阵地", "时段", "说明"),
                 [(rule_name(f.rule), *_where(problem, f), f.message) for f in check_result.violations])

    report.heading("软性规则扣分明细（谁、哪天、哪个阵地）")
    report.table(("规则", "单位", "日期", "阵地", "时段", "说明", "扣分"),
                 [(rule_name(f.rule), *_where(problem, f), f.message, f.penalty / SCALE)
                  for score in check_result.scores for f in score.findings])
    report.finish()
    sheet.freeze_panes = "A2"
    print_a4(sheet, title_rows=None, landscape=True)


def _yes_no(value: object) -> object:
    return ("是" if value else "否") if isinstance(value, bool) else value


_PARAMETER_ZH = {"time_limit": "时限（秒）", "workers": "线程数", "seed": "随机种子", "deterministic": "可重现"}
_HOME_ZH = {HomeCommunity.PREFER: "优先", HomeCommunity.REQUIRE: "必须", HomeCommunity.IGNORE: "不限"}


def _calendar_text(problem: Problem) -> str:
    sources = Counter(d.source for d in problem.days)
    if set(sources) == {CalendarSource.BUILTIN}:
        return "内置日历（国务院办公厅节假日安排，chinese-calendar 包）"
    parts = []
    if sources[CalendarSource.BUILTIN]:
        parts.append(f"内置日历 {sources[CalendarSource.BUILTIN]} 天")
    if sources[CalendarSource.OVERRIDE]:
        parts.append(f"按数据中的日历调整表 {sources[CalendarSource.OVERRIDE]} 天")
    if sources[CalendarSource.ASSUMED]:
        parts.append(f"不在内置日历中、按普通周末推定 {sources[CalendarSource.ASSUMED]} 天")
    return "；".join(parts)


def _rule_rows(problem: Problem) -> list[tuple[str, str, str]]:
    data = problem.data
    rules = data.rules
    values = {
        "max_per_day": str(rules.max_per_day),
        "max_consecutive_days": str(rules.max_consecutive_days),
        "forbidden_successions": "；".join(
            f"{a}>{b}（{_shift_label(problem, a)}之后次日不接{_shift_label(problem, b)}）"
            for a, b in rules.forbidden_successions) or "无",
        "home_community": _HOME_ZH[rules.home_community],
        "min_days_between": str(rules.min_days_between),
        "max_weekends_per_month": str(rules.max_weekends_per_month),
    }
    rows = [(key.zh, values[key.key], key.help) for key in tables.RULE_KEYS]
    rows += [(f"权重_{tables.SOFT_RULE_ZH[rule]}", str(weight), f"软性规则「{rule_name(rule)}」每单位数量的扣分")
             for rule, weight in rules.weights]
    return rows


def _shift_label(problem: Problem, shift_id: str) -> str:
    shift = problem.data.shifts_by_id.get(shift_id)
    return shift.label if shift else shift_id


def _station_label(problem: Problem, station_id: str | None) -> str:
    if station_id is None:
        return ""
    station = problem.data.stations_by_id.get(station_id)
    return station.label if station else station_id


def _where(problem: Problem, finding: Finding) -> tuple[str, str, str, str]:
    return (_unit_label(problem, finding.unit) if finding.unit else "",
            finding.date.isoformat() if finding.date else "",
            _station_label(problem, finding.station),
            _shift_text(problem, finding.shift) if finding.shift else "")


# --- reading wall rosters back ------------------------------------------------------------------


_TITLE = re.compile(r"^(?P<station>.+?)\s*(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*" + TITLE_SUFFIX + "$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_WITH_PERSON = re.compile(r"^(?P<unit>.+?)\s*[（(](?P<person>[^（()）]+)[）)]$")
_EMPTY_PERSON = {"", NO_PERSON, "-", "－", "–", "/", "无"}


def read_roster_workbook(path: Path, problem: Problem) -> Roster:
    """The roster of the wall roster sheets of the workbook at ``path`` (other sheets are
    skipped), after a planner's edits. Units are read by name (or id), people by name within
    their unit, the first-inquiry owner from 首问责任人; every unknown name is reported as a
    :class:`DataError` naming the sheet, row and column."""
    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True)  # values only: formulas are never run
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError([DataIssue(path.name, None, None,
                                   f"不是有效的 Excel 工作簿（.xlsx）：{type(error).__name__}")]) from error
    issues: list[DataIssue] = []
    assignments: list[Assignment] = []
    found = False
    for sheet in book.worksheets:
        header = _find_header(sheet)
        if header is None:
            continue
        found = True
        assignments += _WallReader(sheet, header, problem, issues).read()
    if not found:
        issues.append(DataIssue(path.name, None, None,
                                f"没有找到轮值表：应有标题为「阵地名称 2026年12月 {TITLE_SUFFIX}」、"
                                "表头含「日期」「时段」「首问责任人」的工作表"))
    if issues:
        raise DataError(issues)
    return Roster(assignments)


def roster_dates(path: Path) -> list[dt.date]:
    """The first day of each month the workbook's wall rosters cover (from their titles), so a
    check can default to those months before any data is read."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError([DataIssue(Path(path).name, None, None,
                                   f"不是有效的 Excel 工作簿（.xlsx）：{type(error).__name__}")]) from error
    months = set()
    try:
        for sheet in book.worksheets:
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            match = _TITLE.match(cells.cell_text(first[0]) if first else "")
            if match:
                months.add(dt.date(int(match.group("year")), int(match.group("month")), 1))
    finally:
        book.close()
    return sorted(months)


def _find_header(sheet: Worksheet) -> int | None:
    for row in range(1, min(sheet.max_row, 10) + 1):
        texts = {cells.cell_text(sheet.cell(row=row, column=c).value) for c in range(1, sheet.max_column + 1)}
        if {"日期", "时段", "首问责任人"} <= texts:
            return row
    return None


def _split(text: str, match: Callable[[str], T | None]) -> tuple[list[T], list[str]]:
    """Names separated by 、 (or ，；), where a name may itself contain 、 (县委常委、组织部部长):
    the longest run of pieces that ``match`` accepts is taken first. Returns (matched, unknown)."""
    pieces = re.split(f"([{_SEPARATORS}])", text)  # odd indexes hold the separators
    words = pieces[0::2]
    matched: list[T] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = "".join(pieces[2 * i: 2 * j - 1]).strip()
            found = match(candidate) if candidate else None
            if found is not None:
                matched.append(found)
                i = j
                break
        else:
            if words[i].strip():
                unknown.append(words[i].strip())
            i += 1
    return matched, unknown


class _WallReader:
    """Reads one wall roster sheet; problems go to ``issues`` with the sheet's own row numbers."""

    def __init__(self, sheet: Worksheet, header: int, problem: Problem, issues: list[DataIssue]) -> None:
        self.sheet = sheet
        self.header = header
        self.problem = problem
        self.issues = issues
        data = problem.data
        self.units: dict[str, str] = {}
        for unit in data.units:
            self.units.setdefault(unit.id, unit.id)
        for unit in data.units:
            self.units[unit.label] = unit.id  # a name wins over an id spelt the same
        self.shifts = _shift_names(data.shifts)
        known_roles = {d.role for d in data.demand} | {r for u in data.units for r in u.roles}
        self.columns: dict[str, int] = {}
        self.roles: list[tuple[str, int]] = []
        for column in range(1, sheet.max_column + 1):
            text = cells.cell_text(sheet.cell(row=header, column=column).value)
            if text in WALL_COLUMNS:
                self.columns.setdefault(text, column)
            elif text in known_roles:
                self.roles.append((text, column))

    def issue(self, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(DataIssue(self.sheet.title, row, column, message))

    def text(self, row: int, column: str) -> str:
        at = self.columns.get(column)
        return cells.cell_text(self.sheet.cell(row=row, column=at).value) if at else ""

    def read(self) -> list[Assignment]:
        title = cells.cell_text(self.sheet.cell(row=1, column=1).value)
        match = _TITLE.match(title)
        station = self._station(match.group("station")) if match else None
        if match is None or station is None:
            self.issue(1, None, f"标题「{title}」应为「阵地名称 2026年12月 {TITLE_SUFFIX}」，且阵地名称（或编号）在阵地表中")
            return []
        if "值班单位" not in self.columns and not self.roles:
            self.issue(self.header, None, "表头中没有「值班单位」列，也没有角色列（如 领班、坐班、轮班）")
            return []
        year, month = int(match.group("year")), int(match.group("month"))
        found: list[Assignment] = []
        date: dt.date | None = None
        for row in range(self.header + 1, self.sheet.max_row + 1):
            shift_text = self.text(row, "时段")
            if not shift_text:
                break  # the table ends at its first row without a period; the notes follow
            date = self._date(row, year, month, date)
            shift = self.shifts.get(_squeeze(shift_text))
            if shift is None:
                self.issue(row, "时段", f"不认识的时段「{shift_text}」：应写成如「午间 12:00-14:30」，或时段编号")
            if date is None or shift is None:
                continue
            found += self._line(row, Period(date, station, shift))
        return found

    def _station(self, text: str) -> str | None:
        for s in self.problem.data.stations:
            if text in (s.label, s.id):
                return s.id
        return None

    def _date(self, row: int, year: int, month: int, previous: dt.date | None) -> dt.date | None:
        at = self.columns.get("日期")
        value = self.sheet.cell(row=row, column=at).value if at else None
        text = cells.cell_text(value)
        if not text:
            if previous is None:
                self.issue(row, "日期", "日期为空")
            return previous  # merged or left blank under the same date
        if isinstance(value, dt.datetime):
            date = value.date()
        elif isinstance(value, dt.date):
            date = value
        else:
            short = _MONTH_DAY.match(cells.fold(text))
            try:
                date = dt.date(year, int(short.group(1)), int(short.group(2))) if short else cells.parse_date(text)
            except (ValueError, cells.CellError):
                self.issue(row, "日期", f"无法识别的日期「{text}」：应写成如「12月1日」或 2026-12-01")
                return None
        if not self.problem.in_horizon(date):
            self.issue(row, "日期", f"日期 {date} 不在排班范围 {self.problem.start} 至 {self.problem.end} 内")
            return None
        if (date.year, date.month) != (year, month):
            self.issue(row, "日期", f"日期 {date} 不在标题所写的 {year}年{month}月")
            return None
        return date

    def _line(self, row: int, period: Period) -> list[Assignment]:
        duties: list[tuple[str, str, str | None]] = []  # (role, unit, person)
        before = len(self.issues)
        if self.roles:
            for role, column in self.roles:
                text = cells.cell_text(self.sheet.cell(row=row, column=column).value)
                duties += [(role, unit, person) for unit, person in self._units_with_people(row, role, text)]
        else:
            duties += [(DEFAULT_ROLE, unit, person) for unit, person in self._units_and_people(row)]
        # with a unit or person not understood, the owner may well be that one: not reported twice
        owners = self._owners(row, duties, report=len(self.issues) == before)
        return [Assignment(period.date, period.station, period.shift, role, unit, person, i in owners)
                for i, (role, unit, person) in enumerate(duties)]

    def _unit(self, text: str) -> str | None:
        return self.units.get(text)

    def _units_and_people(self, row: int) -> list[tuple[str, str | None]]:
        text = self.text(row, "值班单位")
        units, unknown = _split(text, self._unit)
        for name in unknown:
            self.issue(row, "值班单位", f"不认识的单位「{name}」：应为单位表中的名称或编号，多个单位用「、」分隔")
        people = [p.strip() for p in re.split(f"[{_SEPARATORS}]", self.text(row, "值班人员"))]
        if unknown or all(p in _EMPTY_PERSON for p in people):  # people pair with units: fix the units first
            return [(unit, None) for unit in units]
        if len(people) != len(units):
            self.issue(row, "值班人员", f"值班人员 {len(people)} 个，值班单位 {len(units)} 个：请按值班单位的顺序逐一填写，"
                                    f"用「、」分隔，没有人员的单位写「{NO_PERSON}」")
            return [(unit, None) for unit in units]
        return [(unit, self._person(row, "值班人员", unit, name)) for unit, name in zip(units, people, strict=True)]

    def _person(self, row: int, column: str, unit: str, name: str) -> str | None:
        if name in _EMPTY_PERSON:
            return None
        people = {p.name for p in self.problem.data.people_of(unit)}
        if name not in people:
            label = _unit_label(self.problem, unit)
            where = "没有登记人员" if not people else f"的人员中没有「{name}」"
            self.issue(row, column, f"单位「{label}」{where}：值班人员须是人员表中该单位的人（可先在人员表中登记）")
            return None
        return name

    def _units_with_people(self, row: int, role: str, text: str) -> list[tuple[str, str | None]]:
        def match(candidate: str) -> tuple[str, str | None] | None:
            if candidate in self.units:
                return self.units[candidate], None
            found = _WITH_PERSON.match(candidate)
            if found and found.group("unit").strip() in self.units:
                return self.units[found.group("unit").strip()], found.group("person").strip()
            return None

        pairs, unknown = _split(text, match)
        for name in unknown:
            self.issue(row, role, f"不认识的单位「{name}」：应写成「单位名称（值班人员）」，多个用「、」分隔")
        result = []
        for unit, person in pairs:
            if person is None:
                label = _unit_label(self.problem, unit)
                named = [p.name for p in self.problem.data.people_of(unit) if p.name in label]
                person = named[0] if len(named) == 1 else None  # a leader's name is part of the unit's
            result.append((unit, self._person(row, role, unit, person) if person else None))
        return result

    def _owners(self, row: int, duties: list[tuple[str, str, str | None]], report: bool = True) -> set[int]:
        text = self.text(row, "首问责任人")

        def match(candidate: str) -> list[int] | None:
            by_person = [i for i, (_, _, person) in enumerate(duties) if person == candidate]
            by_unit = [i for i, (_, unit, _) in enumerate(duties)
                       if candidate in (unit, _unit_label(self.problem, unit))]
            return (by_person + by_unit) or None

        matches, unknown = _split(text, match)
        for name in unknown if report else ():
            self.issue(row, "首问责任人", f"首问责任人「{name}」不是本时段的值班人员或值班单位"
                                     "（改了值班单位或值班人员时，请一并改首问责任人）")
        owners: set[int] = set()
        for candidates in matches:
            owners.add(next((i for i in candidates if i not in owners), candidates[0]))
        return owners


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", cells.fold(text)).replace("～", "-").replace("~", "-").replace("—", "-")


def _shift_names(shifts: Sequence[Shift]) -> dict[str, str]:
    """Every spelling of a shift the 时段 column may hold: ``午间 12:00-14:30``, the id, or the
    name or hours alone when no other shift shares them."""
    names: dict[str, str] = {}
    shared: Counter = Counter()
    for shift in shifts:
        for alone in {shift.label, shift.hours}:
            shared[_squeeze(alone)] += 1
    for shift in shifts:
        for alone in (shift.label, shift.hours):
            if shared[_squeeze(alone)] == 1:
                names.setdefault(_squeeze(alone), shift.id)
    for shift in shifts:
        names[_squeeze(shift.id)] = shift.id
        names[_squeeze(f"{shift.label} {shift.hours}")] = shift.id
        names[_squeeze(f"{shift.label}（{shift.hours}）")] = shift.id
        names[_squeeze(f"{shift.label}({shift.hours})")] = shift.id
    return names
