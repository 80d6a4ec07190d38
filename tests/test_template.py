"""The input template: every table of the format with Chinese names and headers, example rows that
load and resolve, a 说明 sheet, and dropdowns on the columns that take a fixed list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from export.template import DAY_TYPES, EXAMPLE_MONTH, INSTRUCTIONS, write_template
from rotation import tables
from rotation.loader import load
from rotation.problem import build_problem


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "模板.xlsx"
    write_template(path)
    return path


def dropdowns(path: Path, table: tables.Table) -> dict[str, str]:
    """Chinese column header -> the dropdown's list formula, for every dropdown of the table's sheet."""
    sheet = openpyxl.load_workbook(path)[table.zh]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 500
            found[headers[cell_range.coord.split(":")[0].rstrip("0123456789")]] = validation.formula1
    return found


def test_the_template_loads_and_its_example_month_resolves(template: Path) -> None:
    data = load(template)
    assert [len(getattr(data, t.key)) for t in tables.TABLES if t.key != "rules"] == [1] * (len(tables.TABLES) - 1)
    year, month = EXAMPLE_MONTH
    problem = build_problem(data, dt.date(year, month, 1), dt.date(year, month, 31))
    assert problem.slots and all(slot.eligible for slot in problem.slots if slot.date.day == 1)


def test_every_table_has_a_sheet_with_its_chinese_name_and_headers(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == [INSTRUCTIONS, *(t.zh for t in tables.TABLES)]
    for table in tables.TABLES:
        assert [c.value for c in book[table.zh][1]] == [c.zh for c in table.columns] + ["备注"]


def test_the_instructions_explain_every_column_and_the_demand_rule(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)[INSTRUCTIONS]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for table in tables.TABLES:
        assert f"{table.zh}（{table.key}" in text
        for column in table.columns:
            assert column.zh in text and column.help in text
    for rule in tables.RULE_KEYS:
        assert rule.zh in text and rule.help in text
    assert "最具体的一行" in text and "具体日期的最优先" in text and "调休上班的周六、周日适用" in text


def test_day_type_columns_offer_the_day_words(template: Path) -> None:
    day_list = '"' + ",".join(DAY_TYPES) + '"'
    assert DAY_TYPES == ("工作日", "休息日", "节假日", "全部", "周一", "周二", "周三", "周四", "周五", "周六", "周日")
    assert dropdowns(template, tables.DEMAND)["日期类型"] == day_list
    assert dropdowns(template, tables.REQUESTS)["日期类型"] == day_list
    assert dropdowns(template, tables.CALENDAR)["日期类型"] == '"工作日,休息日,节假日"'


def test_yes_no_columns_offer_yes_and_no(template: Path) -> None:
    for table in (tables.UNITS, tables.PEOPLE, tables.FIXED):
        assert dropdowns(template, table)[table.column("first_inquiry").zh] == '"是,否"'


def test_shift_columns_offer_the_ids_of_the_shift_sheet(template: Path) -> None:
    shift_ids = "'时段'!$A$2:$A$1000"
    assert dropdowns(template, tables.DEMAND)["时段"] == shift_ids
    assert dropdowns(template, tables.UNAVAILABILITY)["时段"] == shift_ids
    assert dropdowns(template, tables.REQUESTS)["时段"] == shift_ids
    assert dropdowns(template, tables.FIXED)["时段"] == shift_ids
    assert dropdowns(template, tables.HISTORY)["上次时段"] == shift_ids
    assert dropdowns(template, tables.PEOPLE)["单位"] == "'单位'!$A$2:$A$1000"


def test_levels_request_kinds_and_rule_keys_have_dropdowns(template: Path) -> None:
    assert dropdowns(template, tables.STATIONS) == {"层级": '"0,1,2,3,4"'}
    assert dropdowns(template, tables.REQUESTS)["类型"] == '"希望,避免"'
    rule_keys = dropdowns(template, tables.RULES)["项目"].strip('"').split(",")
    assert [r.zh for r in tables.RULE_KEYS] == rule_keys[: len(tables.RULE_KEYS)]
    assert "权重_覆盖" in rule_keys and len(dropdowns(template, tables.RULES)["项目"]) <= 255  # Excel's limit


def test_a_day_column_also_takes_a_date_so_its_dropdown_only_informs(template: Path) -> None:
    sheet = openpyxl.load_workbook(template)[tables.DEMAND.zh]
    styles = {v.formula1: v.errorStyle for v in sheet.data_validations.dataValidation}
    assert styles['"' + ",".join(DAY_TYPES) + '"'] == "information"
    assert styles["'时段'!$A$2:$A$1000"] == "stop"


def test_the_template_is_not_written_over_half_way(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]  # no temporary file left behind
