"""An empty input workbook for planners: every table of the data format with its Chinese name
and headers, one example row each, a 说明 sheet, and dropdowns where a column takes a fixed list.

Everything comes from :mod:`rotation.tables`, the one description of the format, so the
template cannot drift from what the loader reads. The example rows make a valid data set for
:data:`EXAMPLE_MONTH` (the tests load the template and resolve that month).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from export.files import write_atomically
from export.workbook import (
    BODY,
    BODY_FONT,
    BOLD,
    CENTRE,
    HEADER_FILL,
    TOP_LEFT,
    fit_columns,
    fit_row_height,
    print_a4,
    put,
    put_row,
    style_cells,
    title_row,
)
from rotation import tables
from rotation.calendar import builtin_years
from rotation.model import DEFAULT_WEIGHTS, WEEKDAYS, Rules
from rotation.rules import name as rule_name

EXAMPLE_MONTH = (2026, 12)
INSTRUCTIONS = "说明"
LAST_ROW = 1000  # dropdowns reach this far down each table
EXAMPLE_NOTE = "示例行：请按实际情况修改或删除"

DAY_TYPES = ("工作日", "休息日", "节假日", "全部", *WEEKDAYS)
YES_NO = ("是", "否")
LEVELS = ("0", "1", "2", "3", "4")
REQUEST_KINDS = ("希望", "避免")
CALENDAR_KINDS = ("工作日", "休息日", "节假日")
REQUIRED_HEADER = Font(name=BODY_FONT, size=11, bold=True, color="C00000")

_DEFAULT_RULES = Rules()
_RULE_DEFAULTS: dict[str, object] = {
    "max_per_day": _DEFAULT_RULES.max_per_day,
    "max_consecutive_days": _DEFAULT_RULES.max_consecutive_days,
    "forbidden_successions": None,
    "home_community": "优先",
    "min_days_between": _DEFAULT_RULES.min_days_between,
    "max_weekends_per_month": _DEFAULT_RULES.max_weekends_per_month,
}

# One consistent example: a county centre open at the lunch break on workdays, staffed by the
# organization department, whose one member 张三 is pinned to the first Tuesday of the month.
EXAMPLES: dict[str, list[dict[str, object]]] = {
    "stations": [{"id": "FS", "name": "凤山镇党群服务中心", "level": 1, "phone": "0883-4223233"}],
    "shifts": [{"id": "WJ", "name": "午间", "start": "12:00", "end": "14:30"}],
    "demand": [{"station": "L1", "day": "工作日", "shift": "WJ", "role": "值守", "min": 1}],
    "units": [
        {
            "id": "ZZB",
            "name": "县委组织部",
            "category": "党政机关",
            "members": 20,
            "roles": "值守",
            "first_inquiry": "是",
            "contact": "张三",
            "phone": "0883-4222000",
        }
    ],
    "people": [{"unit": "ZZB", "name": "张三", "phone": "13800000000", "first_inquiry": "是"}],
    "unavailability": [{"unit": "ZZB", "start": "2026-12-21", "end": "2026-12-23", "reason": "年终总结会议"}],
    "requests": [{"unit": "ZZB", "day": "周五", "shift": "WJ", "station": "FS", "kind": "避免", "weight": 1}],
    "fixed": [
        {
            "date": "2026-12-01",
            "station": "FS",
            "shift": "WJ",
            "role": "值守",
            "unit": "ZZB",
            "person": "张三",
            "first_inquiry": "是",
        }
    ],
    "rules": [{"key": rule.zh, "value": _RULE_DEFAULTS[rule.key]} for rule in tables.RULE_KEYS]
    + [{"key": f"权重_{tables.SOFT_RULE_ZH[name]}", "value": weight} for name, weight in DEFAULT_WEIGHTS.items()],
    # the same as the built-in calendar, so a row left in by mistake changes nothing
    "calendar": [{"date": "2026-10-01", "day": "节假日", "name": "国庆节"}],
    "history": [
        {"unit": "ZZB", "last_duty": "2026-11-27", "last_shift": "WJ", "run_days": 1, "duties_ytd": 20, "weekends_ytd": 3}
    ],
}


def write_template(path: Path) -> None:
    """Write the input template to ``path`` (through a temporary file: all or nothing)."""
    write_atomically(Path(path), lambda target: template_workbook().save(target))


def template_workbook() -> Workbook:
    book = Workbook()
    _write_instructions(book.active)
    for table in tables.TABLES:
        _write_table(book.create_sheet(table.zh), table)
    return book


def _write_table(sheet: Worksheet, table: tables.Table) -> None:
    headers = [c.zh for c in table.columns] + ["备注"]
    for cell, column in zip(put_row(sheet, 1, headers), (*table.columns, None), strict=True):
        style_cells([cell], REQUIRED_HEADER if column is not None and column.required else BOLD, CENTRE, HEADER_FILL)
        if column is not None and column.help:
            cell.comment = Comment(f"{column.zh}（{column.key}）：{column.help}", "rotation", width=240, height=80)
    rows: list[Sequence[object]] = [headers]
    for n, example in enumerate(EXAMPLES.get(table.key, []), start=2):
        values = [example.get(c.key) for c in table.columns] + [EXAMPLE_NOTE if n == 2 else None]
        style_cells(put_row(sheet, n, values), border=None)
        rows.append(values)
    fit_columns(sheet, rows, [10] * len(headers), maximum=30)
    sheet.freeze_panes = "A2"
    print_a4(sheet, title_rows="1:1", landscape=True)
    for key, formula, style, hint in _dropdowns(table.key):
        _add_dropdown(sheet, table.columns.index(table.column(key)) + 1, formula, style, hint)


def _list(values: tuple[str, ...]) -> str:
    return '"' + ",".join(values) + '"'


def _ids(table: tables.Table) -> str:
    """The id column of another sheet, so a dropdown offers the ids the planner has entered."""
    return f"'{table.zh}'!$A$2:$A${LAST_ROW}"


def _dropdowns(table: str) -> list[tuple[str, str, str, str | None]]:
    """(column key, list formula, error style, hint) of each dropdown of ``table``. A day column
    also takes dates, and a demand station also takes L0..L4 and *, so those only inform."""
    shifts, units, stations = _ids(tables.SHIFTS), _ids(tables.UNITS), _ids(tables.STATIONS)
    rule_keys = tuple(r.zh for r in tables.RULE_KEYS) + tuple(f"权重_{tables.SOFT_RULE_ZH[n]}" for n in DEFAULT_WEIGHTS)
    day_hint = "也可以填写具体日期，如 2026-12-01"
    dropdowns: dict[str, list[tuple[str, str, str, str | None]]] = {
        "stations": [("level", _list(LEVELS), "stop", "1 中心，2 社区中心，3 服务站，4 服务点，0 特设岗位")],
        "demand": [
            ("station", stations, "information", "也可以填写 L0..L4（该层级全部阵地）或 *（全部阵地）"),
            ("day", _list(DAY_TYPES), "information", day_hint),
            ("shift", shifts, "stop", None),
        ],
        "units": [("first_inquiry", _list(YES_NO), "stop", None)],
        "people": [("unit", units, "stop", None), ("first_inquiry", _list(YES_NO), "stop", None)],
        "unavailability": [("unit", units, "stop", None), ("shift", shifts, "stop", "空 = 全天")],
        "requests": [
            ("unit", units, "stop", None),
            ("day", _list(DAY_TYPES), "information", day_hint),
            ("shift", shifts, "stop", None),
            ("station", stations, "stop", None),
            ("kind", _list(REQUEST_KINDS), "stop", None),
        ],
        "fixed": [
            ("station", stations, "stop", None),
            ("shift", shifts, "stop", None),
            ("unit", units, "stop", None),
            ("first_inquiry", _list(YES_NO), "stop", None),
        ],
        "rules": [("key", _list(rule_keys), "stop", None)],
        "calendar": [("day", _list(CALENDAR_KINDS), "stop", None)],
        "history": [("unit", units, "stop", None), ("last_shift", shifts, "stop", None)],
    }
    return dropdowns.get(table, [])


def _add_dropdown(sheet: Worksheet, column: int, formula: str, style: str, hint: str | None) -> None:
    letter = get_column_letter(column)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle="请从列表中选择",
        error="该值不在下拉列表中。" + (hint or ""),
    )
    if hint:
        validation.showInputMessage = True
        validation.prompt = hint
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.add_data_validation(validation)


# --- the 说明 sheet -------------------------------------------------------------------------------


def _general_notes() -> tuple[str, ...]:
    last_year = builtin_years().stop - 1
    return (
        "本工作簿的每个工作表是一张表。表名和列名请勿改动（也可以用英文名，如 stations、id）；"
        "必需的表是 阵地、时段、需求、单位，其余的表可以留空或删除。",
        "每张表第 2 行是示例，请按实际情况修改或删除；「备注」列供自己记事，程序不读。"
        "红色表头的列必须填写，其余空着表示用默认值。把鼠标移到表头上可以看到该列的说明；带下拉箭头的单元格可以从列表中选择。",
        "写法：是/否 列填「是」或「否」；日期写成 2026-12-01；时间写成 18:00（24 小时制，同一天内）；"
        "一格里有多个值时用分号「;」分隔（如 可担任角色「坐班;值守」）。各表之间用「编号」互相引用。",
        f"节假日：内置日历按国务院办公厅的放假安排收录到 {last_year} 年。之后的年份请在「日历调整」表中逐日填写放假日"
        "（日期类型「节假日」并写名称）和调休上班的周六、周日（「工作日」）。",
        "填好后先检查数据：rotation validate 文件名.xlsx --month 2026-12（逐条列出表名、行号、列名和问题）；"
        "再排班：rotation solve --data 文件名.xlsx --month 2026-12 --out 输出文件夹。",
    )


DEMAND_RULE = (
    "需求表的优先规则：同一阵地、同一天、同一时段、同一角色有几行都适用时，只按最具体的一行。"
    "先比日期类型：写具体日期的最优先，其次是「节假日」，再次是「周一」至「周日」，然后是「工作日」「休息日」，最后是「全部」。"
    "日期类型一样具体时再比阵地：写阵地编号的优先于写层级（L0..L4）的，写层级的优先于写 * 的。"
    "注意：「周四」这样的行在法定节假日不适用，但在调休上班的周六、周日适用。最少、最多都填 0 表示这个时段不开放。"
    "例：一行「L1 工作日 WJ 最少 2」，再加一行「FS 2026-12-24 WJ 最少 0 最多 0」，"
    "则 12 月 24 日凤山镇中心午间不开放，其余工作日照常两个单位。"
)


def _write_instructions(sheet: Worksheet) -> None:
    sheet.title = INSTRUCTIONS
    widths = [16.0, 24.0, 8.0, 70.0]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    title_row(sheet, 1, "党群服务阵地轮值排班 数据模板 使用说明", 4)
    row = 3
    for text in (*_general_notes(), DEMAND_RULE):
        row = _paragraph(sheet, row, text, widths)
    for table in tables.TABLES:
        row += 1
        need = "必需" if table.required else "可选"
        put(sheet, row, 1, f"{table.zh}（{table.key}，{need}）").font = BOLD
        row += 1
        style_cells(put_row(sheet, row, ("列名", "英文列名", "必填", "说明")), BOLD, CENTRE, HEADER_FILL)
        row += 1
        for column in table.columns:
            values = (column.zh, column.key, "是" if column.required else "", column.help)
            style_cells(put_row(sheet, row, values))
            fit_row_height(sheet, row, values, widths, minimum=16)
            row += 1
    row += 1
    put(sheet, row, 1, "规则表可用的项目（项目、值两列；值空着表示默认）").font = BOLD
    row += 1
    style_cells(put_row(sheet, row, ("项目", "英文名", "默认", "说明")), BOLD, CENTRE, HEADER_FILL)
    row += 1
    rules = [(r.zh, r.key, _RULE_DEFAULTS[r.key], r.help) for r in tables.RULE_KEYS]
    rules += [
        (
            f"权重_{tables.SOFT_RULE_ZH[name]}",
            f"weight_{name}",
            weight,
            f"软性规则「{rule_name(name)}」每单位数量的扣分；0 表示不考虑这条规则",
        )
        for name, weight in DEFAULT_WEIGHTS.items()
    ]
    for rule_values in rules:
        style_cells(put_row(sheet, row, rule_values))
        fit_row_height(sheet, row, rule_values, widths, minimum=16)
        row += 1
    print_a4(sheet, title_rows=None)


def _paragraph(sheet: Worksheet, row: int, text: str, widths: list[float]) -> int:
    cell = put(sheet, row, 1, text)
    cell.font = BODY
    cell.alignment = TOP_LEFT
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    fit_row_height(sheet, row, [text], [sum(widths)], minimum=16)
    return row + 1
