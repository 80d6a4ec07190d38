"""The 统计 sheet: each unit's duties for 双报到双服务双报告, from
:func:`rotation.statistics.statistics_frame`.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from export.wall import horizon_text
from export.workbook import BOLD, CENTRE, HEADER_FILL, fit_columns, note_block, print_a4, put_row, style_cells, title_row
from rotation.problem import Problem
from rotation.roster import Roster
from rotation.statistics import statistics_frame

STAT_COLUMNS = (
    "单位",
    "类别",
    "报到社区",
    "党员人数",
    "月份",
    "值班次数",
    "值班时长（小时）",
    "值班人次",
    "周末值班",
    "节假日值班",
    "首问次数",
    "服务阵地数",
)
MONTH_FORMAT = 'yyyy"年"m"月"'


def write_statistics(sheet: Worksheet, problem: Problem, roster: Roster, footer: str) -> None:
    """The statistics table (:func:`rotation.statistics.statistics_frame`), with its total."""
    frame = statistics_frame(problem, roster)
    title_row(sheet, 1, f"双报到双服务双报告 单位值班统计（{horizon_text(problem)}）", len(STAT_COLUMNS))
    style_cells(put_row(sheet, 2, STAT_COLUMNS), BOLD, CENTRE, HEADER_FILL)
    rows: list = [list(STAT_COLUMNS)]
    row = 3
    record: Any  # pandas-stubs types every field as any scalar; statistics_frame fixes each column's type
    for record in frame.itertuples(index=False):
        values = [
            record.name,
            record.category,
            record.community,
            int(record.members),
            record.month.date(),
            int(record.duties),
            round(float(record.hours), 1),
            int(record.person_duties),
            int(record.weekend_duties),
            int(record.holiday_duties),
            int(record.first_inquiry_duties),
            int(record.stations),
        ]
        cells_ = put_row(sheet, row, values)
        style_cells(cells_)
        cells_[4].number_format = MONTH_FORMAT
        cells_[6].number_format = "0.0"
        rows.append(values)
        row += 1
    last = row - 1
    served = len({a.station for a in roster})
    total = [
        "合计",
        "",
        "",
        sum(u.members for u in problem.data.units),
        "",
        int(frame["duties"].sum()),
        round(float(frame["hours"].sum()), 1),
        int(frame["person_duties"].sum()),
        int(frame["weekend_duties"].sum()),
        int(frame["holiday_duties"].sum()),
        int(frame["first_inquiry_duties"].sum()),
        served,
    ]
    style_cells(put_row(sheet, row, total), BOLD, fill=HEADER_FILL)
    sheet.cell(row=row, column=7).number_format = "0.0"
    rows.append(total)
    note = (
        "值班人次：每次值班计 1 人次（写明值班人员的按该人员计，未写明的按单位计）。"
        "周末值班指休息日（含周六、周日）的值班，不含法定节假日；服务阵地数为值过班的不同阵地个数。"
    )
    widths = fit_columns(sheet, rows, (12, 8, 8, 8, 10, 8, 10, 8, 8, 8, 8, 8), maximum=30)
    note_block(sheet, row + 2, (note,), widths)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(STAT_COLUMNS))}{max(last, 2)}"
    sheet.freeze_panes = "B3"
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True)
