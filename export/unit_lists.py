"""Each unit's duty list: one block per unit, each starting a printed page, so that a unit sees
all its duties in one place (in the roster workbook, and alone in its own workbook).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from export.wall import DAY_FORMAT, day_fill, day_note, horizon_text, shift_order, shift_text, weekday
from export.workbook import (
    BODY,
    BOLD,
    CENTRE,
    HEADER_FILL,
    SUBTITLE,
    fit_columns,
    print_a4,
    put,
    put_row,
    style_cells,
    title_row,
)
from rotation.model import Unit
from rotation.problem import Problem
from rotation.roster import Roster

UNIT_COLUMNS = ("日期", "星期", "时段", "阵地", "角色", "值班人员", "首问", "备注")


def _unit_block(sheet: Worksheet, row: int, problem: Problem, roster: Roster, unit: Unit) -> tuple[int, int, list]:
    """One unit's duties from ``row`` on; returns (next free row, header row, rows for widths)."""
    data = problem.data
    shift_key = shift_order(problem)
    duties = sorted(roster.duties_of(unit.id), key=lambda a: (a.date, shift_key(a.shift), a.station, a.role))
    columns = len(UNIT_COLUMNS)
    title_row(sheet, row, f"{unit.label} 党群服务阵地值班安排", columns, height=28)
    owner = sum(a.first_inquiry for a in duties)
    subtitle = f"{horizon_text(problem)}　共 {len(duties)} 次，其中首问责任 {owner} 次"
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
        values = [
            a.date,
            weekday(a.date),
            shift_text(problem, a.shift),
            station.label if station else a.station,
            a.role,
            a.person or "",
            "是" if a.first_inquiry else "否",
            day_note(problem, a.date),
        ]
        written = put_row(sheet, row, values)
        style_cells(written, fill=day_fill(problem, a.date))
        written[0].number_format = DAY_FORMAT
        for cell in (*written[:3], written[4], written[6]):
            cell.alignment = CENTRE
        rows.append(values)
        row += 1
    return row, header, rows


def write_unit_lists(sheet: Worksheet, problem: Problem, roster: Roster, units: Sequence[Unit], footer: str) -> int:
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
