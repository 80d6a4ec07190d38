"""Reading wall rosters back after a planner's edits: input, like :mod:`rotation.loader`.

Planners edit the printed wall rosters (:mod:`export.wall`) by hand; :func:`read_roster_workbook`
turns them back into a roster that the checker judges like any other.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from rotation import cells
from rotation.errors import DataError, DataIssue
from rotation.model import DEFAULT_ROLE, Shift
from rotation.problem import Period, Problem
from rotation.roster import Assignment, Roster
from rotation.wall_layout import NO_PERSON, SEPARATORS, TITLE_SUFFIX, WALL_COLUMNS, unit_label

T = TypeVar("T")

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
        raise DataError(
            [DataIssue(path.name, None, None, f"不是有效的 Excel 工作簿（.xlsx）：{type(error).__name__}")]
        ) from error
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
        issues.append(
            DataIssue(
                path.name,
                None,
                None,
                f"没有找到轮值表：应有标题为「阵地名称 2026年12月 {TITLE_SUFFIX}」、表头含「日期」「时段」「首问责任人」的工作表",
            )
        )
    if issues:
        raise DataError(issues)
    return Roster(assignments)


def roster_dates(path: Path) -> list[dt.date]:
    """The first day of each month the workbook's wall rosters cover (from their titles), so a
    check can default to those months before any data is read."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError(
            [DataIssue(Path(path).name, None, None, f"不是有效的 Excel 工作簿（.xlsx）：{type(error).__name__}")]
        ) from error
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
    pieces = re.split(f"([{SEPARATORS}])", text)  # odd indexes hold the separators
    words = pieces[0::2]
    matched: list[T] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = "".join(pieces[2 * i : 2 * j - 1]).strip()
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
        return [
            Assignment(period.date, period.station, period.shift, role, unit, person, i in owners)
            for i, (role, unit, person) in enumerate(duties)
        ]

    def _unit(self, text: str) -> str | None:
        return self.units.get(text)

    def _units_and_people(self, row: int) -> list[tuple[str, str | None]]:
        text = self.text(row, "值班单位")
        units, unknown = _split(text, self._unit)
        for name in unknown:
            self.issue(row, "值班单位", f"不认识的单位「{name}」：应为单位表中的名称或编号，多个单位用「、」分隔")
        people = [p.strip() for p in re.split(f"[{SEPARATORS}]", self.text(row, "值班人员"))]
        if unknown or all(p in _EMPTY_PERSON for p in people):  # people pair with units: fix the units first
            return [(unit, None) for unit in units]
        if len(people) != len(units):
            self.issue(
                row,
                "值班人员",
                f"值班人员 {len(people)} 个，值班单位 {len(units)} 个：请按值班单位的顺序逐一填写，"
                f"用「、」分隔，没有人员的单位写「{NO_PERSON}」",
            )
            return [(unit, None) for unit in units]
        return [(unit, self._person(row, "值班人员", unit, name)) for unit, name in zip(units, people, strict=True)]

    def _person(self, row: int, column: str, unit: str, name: str) -> str | None:
        if name in _EMPTY_PERSON:
            return None
        people = {p.name for p in self.problem.data.people_of(unit)}
        if name not in people:
            label = unit_label(self.problem, unit)
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
                label = unit_label(self.problem, unit)
                named = [p.name for p in self.problem.data.people_of(unit) if p.name in label]
                person = named[0] if len(named) == 1 else None  # a leader's name is part of the unit's
            result.append((unit, self._person(row, role, unit, person) if person else None))
        return result

    def _owners(self, row: int, duties: list[tuple[str, str, str | None]], report: bool = True) -> set[int]:
        text = self.text(row, "首问责任人")

        def match(candidate: str) -> list[int] | None:
            by_person = [i for i, (_, _, person) in enumerate(duties) if person == candidate]
            by_unit = [i for i, (_, unit, _) in enumerate(duties) if candidate in (unit, unit_label(self.problem, unit))]
            return (by_person + by_unit) or None

        matches, unknown = _split(text, match)
        for name in unknown if report else ():
            self.issue(
                row,
                "首问责任人",
                f"首问责任人「{name}」不是本时段的值班人员或值班单位（改了值班单位或值班人员时，请一并改首问责任人）",
            )
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
