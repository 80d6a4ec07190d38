"""The wall roster of one position for one month, printed on A4 and put up at the position
(制度上墙): what it shows and writing its sheet; also the day, shift and unit texts that the
other sheets of the workbook share.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from export.workbook import (
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
    put_row,
    style_cells,
    title_row,
)
from rotation.checker import CheckResult
from rotation.model import DEFAULT_ROLE, DayKind, Station
from rotation.problem import Period, Problem
from rotation.roster import Assignment, Roster
from rotation.wall_layout import NO_PERSON, TITLE_SUFFIX, WALL_COLUMNS, WALL_HEADER_ROW, unit_label

LEVELS = {0: "特设岗位", 1: "中心", 2: "社区中心", 3: "服务站", 4: "服务点"}
DAY_FORMAT = 'm"月"d"日"'


# --- texts every sheet shares ------------------------------------------------------------------


def shift_order(problem: Problem) -> Callable[[str], tuple]:
    shifts = problem.data.shifts_by_id

    def key(shift_id: str) -> tuple:
        shift = shifts.get(shift_id)
        return (shift.start, shift.end, shift_id) if shift else (dt.time.max, dt.time.max, shift_id)

    return key


def role_order(problem: Problem) -> Callable[[str], tuple]:
    """Roles in the order the demand table first names them (领班, 坐班, 轮班), others after."""
    order = {role: i for i, role in enumerate(dict.fromkeys(d.role for d in problem.data.demand))}
    return lambda role: (order.get(role, len(order)), role)


def shift_text(problem: Problem, shift_id: str) -> str:
    shift = problem.data.shifts_by_id.get(shift_id)
    return f"{shift.label} {shift.hours}" if shift else shift_id


def weekday(date: dt.date) -> str:
    return "周" + "一二三四五六日"[date.weekday()]


def day_note(problem: Problem, date: dt.date) -> str:
    return problem.day(date).note if problem.in_horizon(date) else ""


def day_fill(problem: Problem, date: dt.date) -> PatternFill | None:
    if not problem.in_horizon(date):
        return None
    kind = problem.day(date).kind
    return HOLIDAY_FILL if kind is DayKind.HOLIDAY else REST_FILL if kind is DayKind.RESTDAY else None


def zh_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def horizon_text(problem: Problem) -> str:
    return f"{zh_date(problem.start)}至{zh_date(problem.end)}"


# --- what a wall roster shows ------------------------------------------------------------------


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


def walls_of(problem: Problem, roster: Roster, check_result: CheckResult) -> list[_Wall]:
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
    shift_key, role_key = shift_order(problem), role_order(problem)
    unit_order = {u.id: i for i, u in enumerate(data.units)}
    months = list(dict.fromkeys([*problem.months, *((p.date.year, p.date.month) for ps in periods.values() for p in ps)]))
    walls = []
    for month in sorted(months):
        for station in data.stations:
            lines = []
            for period in sorted(
                (p for p in periods[station.id] if (p.date.year, p.date.month) == month),
                key=lambda p: (p.date, shift_key(p.shift)),
            ):
                duties: dict[str, list[Assignment]] = defaultdict(list)
                for a in roster.by_period.get((period.date, period.station, period.shift), ()):
                    duties[a.role].append(a)
                ordered = {
                    role: tuple(sorted(rows, key=lambda a: (unit_order.get(a.unit, len(unit_order)), a.unit)))
                    for role, rows in duties.items()
                }
                lines.append(_Line(period, ordered, missing.get(period, {})))
            if lines:
                walls.append(_Wall(station, month, tuple(sorted(roles[station.id], key=role_key)), tuple(lines)))
    return walls


def _with_person(problem: Problem, a: Assignment) -> str:
    """``县委组织部（张三）``; a leader's unit already carries the name, so it is not repeated."""
    label = unit_label(problem, a.unit)
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
    values: list[object] = [period.date, weekday(period.date), shift_text(problem, period.shift)]
    if wall.by_role:
        values += ["、".join(_with_person(problem, a) for a in line.duties.get(role, ())) for role in wall.roles]
    else:
        duties = line.duties.get(DEFAULT_ROLE, ())
        values.append("、".join(unit_label(problem, a.unit) for a in duties))
        named = any(a.person for a in duties)
        values.append("、".join(a.person or NO_PERSON for a in duties) if named else "")
    owners = [a for role in wall.roles for a in line.duties.get(role, ()) if a.first_inquiry]
    values.append("、".join(a.person or unit_label(problem, a.unit) for a in owners))
    values.append("、".join(dict.fromkeys(_person_phone(problem, a) for a in owners if _person_phone(problem, a))))
    notes = [day_note(problem, period.date)] if day_note(problem, period.date) else []
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


def write_wall(sheet: Worksheet, problem: Problem, wall: _Wall, compiler: str, footer: str) -> None:
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
    rows: list[list[object]] = [list(columns)]
    written = []
    for number, line in enumerate(wall.lines, start=WALL_HEADER_ROW + 1):
        values, short = _wall_values(problem, wall, line)
        row = put_row(sheet, number, values)
        style_cells(row, fill=day_fill(problem, line.period.date))
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
