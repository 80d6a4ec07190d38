"""The loader: one data set read the same from every file form, and every data error reported
with the table, row and column a planner sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import (
    Tables,
    load_issues,
    minimal_tables,
    to_chinese,
    where,
    write_csv_tables,
    write_gbk_csv_tables,
    write_xlsx_tables,
)

from rotation import model
from rotation.cells import parse_day_spec
from rotation.loader import load
from rotation.model import DataSet, Source
from rotation.problem import build_problem

HORIZON = (dt.date(2026, 9, 28), dt.date(2026, 10, 11))  # 国庆节 with both 调休 working days


def expected_minimal() -> DataSet:
    """What :func:`minimal_tables` must read as, written out record by record."""
    return DataSet(
        stations=(
            model.Station("S1", "县党群服务中心", 1, None, None, "0571-1"),
            model.Station("S2", "东街服务站", 3, "东街", "S1", None),
        ),
        shifts=(
            model.Shift("AM", "上午", dt.time(8, 30), dt.time(12, 0)),
            model.Shift("PM", "下午", dt.time(14, 30), dt.time(18, 0)),
        ),
        demand=(
            model.Demand("*", model.DaySpec("all"), "AM", "值守", 1, 1),
            model.Demand("L3", model.DaySpec("restday"), "PM", "值守", 1, 2),
        ),
        units=(
            model.Unit("U1", "县委办", "党政机关", "东街", 12, ("值守",), True, None, None, None, "王主任", "13800000001"),
            model.Unit("U2", "县财政局", "行业部门", None, 5, ("值守",), False, 2, 1, 8),
            model.Unit("U3", "县市场监管局", "监管部门", None, 1, ("值守", "讲解")),
        ),
        people=(
            model.Person("U1", "张三", "13900000001", True),
            model.Person("U1", "李四", None, False),
        ),
        unavailability=(
            model.Unavailability("U2", dt.date(2026, 10, 5), dt.date(2026, 10, 6), reason="出差"),
            model.Unavailability("U1", dt.date(2026, 10, 9), dt.date(2026, 10, 9), "李四", "AM", "学习"),
        ),
        requests=(model.Request("U3", model.DaySpec("weekday", weekday=5), model.RequestKind.AVOID, "PM", "S2", 2),),
        fixed=(model.Fixed(dt.date(2026, 10, 8), "S1", "AM", "U1", "值守", "张三", True),),
        rules=model.Rules(max_consecutive_days=3, forbidden_successions=(("PM", "AM"),)),
        history=(model.History("U1", dt.date(2026, 9, 27), "PM", 1, 20, 3),),
    )


def write(tmp_path: Path, data: Tables, form: str) -> Path:
    """Write ``data`` in one file form: a CSV encoding, ``utf-16-tab`` or ``xlsx``."""
    if form == "xlsx":
        return write_xlsx_tables(tmp_path / "data.xlsx", data)
    if form == "gbk":
        return write_gbk_csv_tables(tmp_path / form, data)
    if form == "utf-16-tab":
        return write_csv_tables(tmp_path / form, data, encoding="utf-16", delimiter="\t")
    return write_csv_tables(tmp_path / form, data, encoding=form)


FORMS = ["utf-8", "utf-8-sig", "gbk", "utf-16", "utf-16-tab", "xlsx"]


# --- one data set, every file form ----------------------------------------------------------------


def test_minimal_tables_read_as_their_records(tmp_path: Path) -> None:
    data = load(write_csv_tables(tmp_path / "csv", minimal_tables()))
    assert data == expected_minimal()
    assert data.name == "csv"


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("language", ["english", "chinese"])
def test_every_file_form_gives_the_same_data_set_and_problem(tmp_path: Path, form: str, language: str) -> None:
    reference = load(write_csv_tables(tmp_path / "reference", minimal_tables()))
    tables = minimal_tables() if language == "english" else to_chinese(minimal_tables())
    data = load(write(tmp_path, tables, form))
    assert data == reference
    ours, theirs = build_problem(data, *HORIZON), build_problem(reference, *HORIZON)
    assert ours.slots == theirs.slots
    assert ours.days == theirs.days


def test_chinese_file_and_headers_equal_english_ones(tmp_path: Path) -> None:
    chinese = to_chinese(minimal_tables())
    assert list(chinese)[:2] == ["阵地", "时段"]
    assert chinese["阵地"][0] == ["编号", "名称", "层级", "社区", "上级", "电话"]
    folder = write_csv_tables(tmp_path / "zh", chinese)
    assert (folder / "阵地.csv").exists()
    assert load(folder) == expected_minimal()


def test_records_remember_the_row_the_user_sees(tmp_path: Path) -> None:
    for data in (
        load(write_csv_tables(tmp_path / "csv", minimal_tables())),
        load(write_xlsx_tables(tmp_path / "data.xlsx", minimal_tables())),
    ):
        assert data.units[2].source == Source("单位", 4)
        assert data.fixed[0].source == Source("固定安排", 2)


def test_source_rows_do_not_take_part_in_equality(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"].insert(1, [])  # every unit moves one line down
    data = load(write_csv_tables(tmp_path / "csv", tables))
    assert data.units[0].source == Source("单位", 3)
    assert data == expected_minimal()


def test_mixed_case_and_bilingual_headers_are_accepted(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["stations"][0] = ["ID", "名称/name", "level/层级", "Community", "上级", "电话"]
    assert load(write_csv_tables(tmp_path / "csv", tables)) == expected_minimal()


def test_blank_rows_and_surrounding_spaces_are_ignored(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["stations"] = [
        [" id ", "name", "level", "community", "parent", "phone"],
        [],
        ["  S1", "县党群服务中心 ", " 1 ", "", "", "0571-1"],
        ["", "", "", "", "", ""],
        ["   ", "\u3000", "", "", "", ""],
        ["S2", "\u3000东街服务站", "3", " 东街 ", "S1 ", "  "],
        [],
    ]
    assert load(write_csv_tables(tmp_path / "csv", tables)) == expected_minimal()
    assert load(write_xlsx_tables(tmp_path / "data.xlsx", tables)) == expected_minimal()


@pytest.mark.parametrize(("yes", "no"), [("是", "否"), ("yes", "no"), ("1", "0"), ("TRUE", "FALSE"), ("Yes", "No")])
def test_yes_and_no_are_read_in_every_spelling(tmp_path: Path, yes: str, no: str) -> None:
    tables = minimal_tables()
    tables["people"][1][3], tables["people"][2][3] = yes, no
    people = load(write_csv_tables(tmp_path / "csv", tables)).people
    assert [p.first_inquiry for p in people] == [True, False]


def test_full_width_digits_are_read_as_numbers(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][1][4] = "１２"
    tables["shifts"][1][2] = "０８：３０"
    tables["unavailability"][1][2] = "２０２６－１０－０５"
    assert load(write_csv_tables(tmp_path / "csv", tables)) == expected_minimal()


def test_excel_numbers_dates_times_and_booleans_read_as_their_text(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["stations"][1][2], tables["stations"][2][2] = 1, 3.0
    tables["shifts"][1][2:4] = [dt.time(8, 30), dt.time(12, 0)]
    tables["units"][1][4], tables["units"][1][6], tables["units"][2][6] = 12, True, False
    tables["unavailability"][1][2:4] = [dt.date(2026, 10, 5), dt.datetime(2026, 10, 6)]
    tables["fixed"][1][0] = dt.date(2026, 10, 8)
    tables["rules"][1][1] = 3
    assert load(write_xlsx_tables(tmp_path / "data.xlsx", tables)) == expected_minimal()


def test_empty_max_means_max_equals_min(minimal_data: DataSet) -> None:
    assert (minimal_data.demand[0].min, minimal_data.demand[0].max) == (1, 1)


def test_notes_columns_and_instruction_sheets_are_read_past(tmp_path: Path) -> None:
    tables = minimal_tables()
    for row, note in zip(tables["stations"], ["备注", "总部", ""], strict=True):
        row.append(note)
    tables["说明"] = [["本工作簿的填写说明"]]
    assert load(write_xlsx_tables(tmp_path / "data.xlsx", tables)) == expected_minimal()


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("周四", model.DaySpec("weekday", weekday=3)),
        ("星期日", model.DaySpec("weekday", weekday=6)),
        ("节假日", model.DaySpec("holiday")),
        ("2026/10/01", model.DaySpec("date", date=dt.date(2026, 10, 1))),
        ("2026年10月1日", model.DaySpec("date", date=dt.date(2026, 10, 1))),
    ],
)
def test_day_column_reads_every_documented_spelling(text: str, spec: model.DaySpec) -> None:
    assert parse_day_spec(text) == spec


# --- every data error, with its place -------------------------------------------------------------


def csv_issues(tmp_path: Path, tables: Tables) -> list:
    return load_issues(write_csv_tables(tmp_path / "csv", tables))


def test_missing_required_table_is_reported_by_its_chinese_name(tmp_path: Path) -> None:
    tables = minimal_tables()
    del tables["shifts"]
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("时段", None, None)]
    assert "缺少必需的表" in issues[0].message


def test_missing_required_column_is_reported_on_the_header_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    for row in tables["demand"]:
        del row[4]  # min
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("需求", 1, "最少")]
    assert "缺少必需的列" in issues[0].message


def test_unknown_column_is_reported_as_spelt(tmp_path: Path) -> None:
    tables = minimal_tables()
    for row, value in zip(tables["stations"], ["colour", "red", "blue"], strict=True):
        row.append(value)
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("阵地", 1, "colour")]
    assert "不认识的列名" in issues[0].message


def test_unknown_table_name_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["colours"] = [["id"], ["red"]]
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("colours", None, None)]
    assert "不认识的表名" in issues[0].message


@pytest.mark.parametrize("form", ["utf-8", "xlsx"])
def test_cell_beyond_the_header_is_reported_as_a_column_without_a_name(tmp_path: Path, form: str) -> None:
    tables = minimal_tables()
    tables["stations"][2].append("7")  # e.g. an unquoted comma in a CSV cell
    issues = load_issues(write(tmp_path, tables, form))
    assert where(issues) == [("阵地", 1, None)]
    assert issues[0].message == "第 7 列有数据但没有列名"


def test_quoted_commas_and_line_breaks_stay_inside_their_cell(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][1][1] = "县委办,组织部"
    tables["units"][2][1] = "县财政局\n国库科"
    units = load(write_csv_tables(tmp_path / "csv", tables)).units
    assert [u.name for u in units] == ["县委办,组织部", "县财政局\n国库科", "县市场监管局"]


def test_row_after_a_two_line_cell_is_numbered_as_excel_shows_it(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["stations"][2][1] = "东街\n服务站"
    tables["stations"].append(["S3", "西街服务站", "9", "", "", ""])  # CSV lines 5, Excel row 4
    assert where(load_issues(write_csv_tables(tmp_path / "csv", tables))) == [("阵地", 4, "层级")]


def test_a_table_given_twice_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["阵地"] = to_chinese({"stations": tables["stations"]})["阵地"]
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("阵地", None, None)]
    assert "表出现了两次" in issues[0].message


@pytest.mark.parametrize("text", ["一", "1.5", "3个", "abc"])
def test_non_integer_is_reported_in_its_cell(tmp_path: Path, text: str) -> None:
    tables = minimal_tables()
    tables["demand"][1][4] = text
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("需求", 2, "最少")]
    assert issues[0].message == f"应为整数，实际为「{text}」"


def test_integer_written_with_decimal_zeros_is_accepted(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][1][4] = "12.0"
    assert load(write_csv_tables(tmp_path / "csv", tables)).units[0].members == 12


def test_empty_required_cell_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["stations"].append(["S3", " ", "4", "", "", ""])
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("阵地", 4, "名称")]
    assert issues[0].message == "不能为空"


@pytest.mark.parametrize("members", ["0", "-3"])
def test_members_below_one_is_reported(tmp_path: Path, members: str) -> None:
    tables = minimal_tables()
    tables["units"].append(["U4", "县档案馆", "", "", members, "", "", "", "", "", "", ""])
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("单位", 5, "党员人数")]
    assert members in issues[0].message


def test_demand_min_above_max_is_reported_on_max(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][2][4:6] = ["3", "2"]
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("需求", 3, "最多")]
    assert issues[0].message == "最多 (2) 不能小于最少 (3)"


def test_negative_demand_is_reported_on_min(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][2][4:6] = ["-1", ""]
    assert where(csv_issues(tmp_path, tables)) == [("需求", 3, "最少")]


def test_shift_ending_before_it_starts_is_reported_on_end(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["shifts"].append(["EV", "晚间", "19:00", "18:30"])
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("时段", 4, "结束")]
    assert "应晚于开始时间" in issues[0].message


def test_unavailability_ending_before_it_starts_is_reported_on_end(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["unavailability"][1][2:4] = ["2026-10-05", "2026-10-04"]
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("不可安排", 2, "结束日期")]
    assert issues[0].message == "结束日期 2026-10-04 早于开始日期 2026-10-05"


@pytest.mark.parametrize(
    ("table", "row", "column"),
    [
        ("stations", ["S1", "重复的中心", "1", "", "", ""], "编号"),
        ("shifts", ["AM", "重复的上午", "09:00", "11:00"], "编号"),
        ("units", ["U2", "重复的单位", "", "", "", "", "", "", "", "", "", ""], "编号"),
    ],
)
def test_duplicate_id_is_reported_on_the_second_row(tmp_path: Path, table: str, row: list, column: str) -> None:
    tables = minimal_tables()
    tables[table].append(row)
    issues = csv_issues(tmp_path, tables)
    zh = {"stations": "阵地", "shifts": "时段", "units": "单位"}[table]
    assert where(issues) == [(zh, len(tables[table]), column)]
    assert f"编号「{row[0]}」重复" in issues[0].message


def test_unknown_unit_in_people_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["people"].append(["U9", "王五", "", ""])
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("人员", 4, "单位")]
    assert issues[0].message == "单位「U9」不在单位表中"


def test_unknown_shift_in_demand_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][2][2] = "EV"
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("需求", 3, "时段")]
    assert issues[0].message == "时段「EV」不在时段表中"


def test_unknown_station_in_fixed_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"][1][1] = "S9"
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 2, "阵地")]
    assert issues[0].message == "阵地「S9」不在阵地表中"


def test_unknown_shift_in_forbidden_successions_is_reported_on_its_rule_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"][2][1] = "PM>AM;PM>EV"
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("规则", 3, "值")]
    assert issues[0].message == "禁止接续「PM>EV」中的时段「EV」不在时段表中"


@pytest.mark.parametrize(
    ("table", "row", "col", "column"),
    [
        ("unavailability", 1, 2, "开始日期"),
        ("fixed", 1, 0, "日期"),
        ("demand", 1, 1, "日期类型"),
    ],
)
def test_date_that_does_not_exist_is_reported(tmp_path: Path, table: str, row: int, col: int, column: str) -> None:
    tables = minimal_tables()
    tables[table][row][col] = "2026-02-30"
    issues = csv_issues(tmp_path, tables)
    zh = {"unavailability": "不可安排", "fixed": "固定安排", "demand": "需求"}[table]
    assert where(issues) == [(zh, row + 1, column)]
    assert issues[0].message == "日期「2026-02-30」不存在"


def test_bad_boolean_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"][1][6] = "也许"
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 2, "首问")]
    assert issues[0].message == "应为「是」或「否」，实际为「也许」"


def test_unknown_rule_key_is_reported(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"].append(["max_per_week", "2"])
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("规则", 4, "项目")]
    assert issues[0].message.startswith("不认识的规则「max_per_week」")


def test_bad_rule_value_is_reported_on_its_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"][1][1] = "0"  # max_consecutive_days must be >= 1
    assert where(csv_issues(tmp_path, tables)) == [("规则", 2, "值")]


def test_rules_are_read_by_chinese_keys(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"] = [
        ["项目", "值"],
        ["最多连续天数", "3"],
        ["禁止接续", "PM＞AM"],
        ["报到社区规则", "必须"],
        ["权重_公平", "25"],
    ]
    rules = load(write_csv_tables(tmp_path / "csv", tables)).rules
    assert rules.max_consecutive_days == 3
    assert rules.forbidden_successions == (("PM", "AM"),)
    assert rules.home_community is model.HomeCommunity.REQUIRE
    assert rules.weight("fairness") == 25


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][1][4] = "x"
    tables["unavailability"][1][3] = "2026-10-01"
    issues = csv_issues(tmp_path, tables)
    assert where(issues) == [("需求", 2, "最少"), ("不可安排", 2, "结束日期")]


def test_row_number_counts_blank_lines_before_the_bad_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][2:2] = [[], ["", "", "", "", "", ""], []]
    tables["demand"][5][4] = "x"  # the L3 row, now on line 6
    assert where(csv_issues(tmp_path, tables)) == [("需求", 6, "最少")]


def test_workbook_reports_the_sheet_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][2:2] = [[], [None, None, None, None, None, None]]
    tables["demand"][4][4] = "x"
    assert where(load_issues(write_xlsx_tables(tmp_path / "data.xlsx", tables))) == [("需求", 5, "最少")]


def test_workbook_header_below_blank_rows_is_found_and_rows_counted_from_the_sheet(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"][0:0] = [[], []]  # header on sheet row 3
    tables["demand"][4][4] = "x"  # the L3 row, sheet row 5
    tables["stations"][0:0] = [[]]
    for row, value in zip(tables["stations"][1:], ["colour", "", ""], strict=True):
        row.append(value)
    issues = load_issues(write_xlsx_tables(tmp_path / "data.xlsx", tables))
    assert where(issues) == [("阵地", 2, "colour"), ("需求", 5, "最少")]


def test_a_rejected_unit_row_is_not_reported_again_as_unknown(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["units"][3][4] = "-1"  # U3, which the requests table refers to
    assert where(csv_issues(tmp_path, tables)) == [("单位", 4, "党员人数")]


def test_an_empty_extra_sheet_is_ignored_but_one_with_content_is_reported(tmp_path: Path) -> None:
    import openpyxl

    path = write_xlsx_tables(tmp_path / "data.xlsx", minimal_tables())
    book = openpyxl.load_workbook(path)
    book.create_sheet("Sheet1")  # what Excel adds to a new workbook
    book.save(path)
    assert load(path) == load(write_csv_tables(tmp_path / "csv", minimal_tables()))
    book.create_sheet("草稿")["A1"] = "备忘"
    book.save(path)
    assert where(load_issues(path)) == [("草稿", None, None)]


def test_short_gbk_text_that_is_also_valid_utf8_is_read_as_gbk() -> None:
    from rotation.loader import decode_csv_bytes

    assert "值".encode("gbk").decode("utf-8") == "ֵ"  # why this needs a rule at all
    assert decode_csv_bytes("key ,值\r\n".encode("gbk")) == "key ,值\r\n"
    assert "目".encode("gbk").decode("utf-8") == "Ŀ"  # Latin Extended-A: found by the hostile tests
    assert decode_csv_bytes("0目,值\nmax_consecutive_days,3\n".encode("gbk")) == "0目,值\nmax_consecutive_days,3\n"
    assert decode_csv_bytes("名称,Zoë·县委办\n".encode()) == "名称,Zoë·县委办\n"
    assert decode_csv_bytes("¤key\n".encode()) == "¤key\n"  # GBK would read 陇key: no Hebrew, so UTF-8
    assert decode_csv_bytes("ākey,value\n".encode()) == "ākey,value\n"  # GBK: 膩key


def test_a_tab_separated_table_with_a_comma_in_its_header_is_split_on_tabs(tmp_path: Path) -> None:
    data = minimal_tables()
    data["rules"] = [["key", "value"], ["max_consecutive_days", "3"]]
    folder = write_csv_tables(tmp_path / "tabs", data, encoding="utf-16", delimiter="\t")
    rules = folder / "rules.csv"
    rules.write_text(rules.read_text(encoding="utf-16").replace("key", ",key", 1), encoding="utf-16")
    assert where(load_issues(folder)) == [("规则", 1, ",key"), ("规则", 1, "项目")]
