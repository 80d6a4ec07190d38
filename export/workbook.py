"""A plain roster workbook: every duty on one sheet, and the solve report on another."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rotation.problem import Problem
from rotation.result import Result
from rotation.roster import Roster

FORMULA_STARTS = ("=", "+", "-", "@")


def put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell; text that Excel would take for a formula stays text (no injection
    from a unit's name)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put_row(sheet: Worksheet, row: int, values: tuple | list) -> None:
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value)


def write_plain_workbook(problem: Problem, roster: Roster, result: Result | None, path: Path) -> None:
    data = problem.data
    book = Workbook()
    sheet = book.active
    sheet.title = "排班"
    header = ("日期", "星期", "阵地", "时段", "时间", "角色", "值班单位", "值班人员", "首问责任", "备注")
    put_row(sheet, 1, header)
    for n, a in enumerate(roster, start=2):
        day = problem.day(a.date)
        shift = data.shift(a.shift)
        row = (a.date.isoformat(), f"周{day.weekday_zh}", data.station(a.station).label, shift.label, shift.hours,
               a.role, data.unit(a.unit).label, a.person or "", "首问" if a.first_inquiry else "", day.note)
        put_row(sheet, n, row)
    for i, width in enumerate((12, 6, 22, 10, 13, 6, 26, 10, 8, 12), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    if result is not None:
        report = book.create_sheet("求解报告")
        for n, line in enumerate(result.summary().splitlines(), start=1):
            put(report, n, 1, line)
        report.column_dimensions["A"].width = 100
    book.save(path)
