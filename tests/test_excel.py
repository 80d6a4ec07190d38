"""The roster workbook: wall rosters per position and month that print on A4 and read back to the
same roster, each unit's duty list, the statistics, the overview and the solve report.

Data sets are the smallest that show each point: a county centre S1 open mornings and afternoons,
a community station S2 that takes two units on weekday afternoons, and the red post HZ whose
Tuesday afternoon needs a leader (领班), a supervisor (坐班) and an industry department (轮班).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import day, duty, make_data, need

from export.excel import OVERVIEW, REPORT, STATISTICS, UNIT_LISTS, sheet_name, write_roster_workbook, write_unit_workbooks
from export.report_sheet import short_name
from export.wall import LEVELS
from rotation.checker import SOFT_RULE_NAMES, check
from rotation.engine import solve
from rotation.errors import DataError
from rotation.model import DataSet, Demand, Person, Station, Unit
from rotation.problem import Problem, build_problem
from rotation.result import Result
from rotation.roster import Roster
from rotation.roster_reader import read_roster_workbook
from rotation.solver.cpsat import SolveOptions
from rotation.wall_layout import NO_PERSON, WALL_COLUMNS

MON, TUE, WED, THU, FRI, SAT, SUN = (day(3, n) for n in range(2, 9))  # the week of 2026-03-02
PRINTED = dt.date(2026, 2, 26)

CENTRE = Station("S1", "凤山镇党群服务中心", 1, phone="0883-4223233")
EAST = Station("S2", "东街党群服务站", 3, "东街", "S1")
RED_POST = Station("HZ", "企业家红色驿站", 0, phone="0883-4270636")
UNITS = (
    Unit("U1", "县委办", community="东街", members=3, phone="0883-1000001"),
    Unit("U2", "县财政局", members=2, phone="0883-1000002"),
    Unit("EQ", "=SUM(1)", phone="-1"),  # a name Excel would take for a formula
    Unit("LD", "县委常委、组织部部长 李红梅", roles=("领班",)),  # a leader: 、 inside the name
    Unit("JW", "县纪委监委", roles=("坐班", "值守"), members=2),
    Unit("SC", "县市场监督管理局", roles=("轮班", "值守"), phone="0883-1000006"),
)
PEOPLE = (
    Person("U1", "张三", "13900000001"),
    Person("U1", "李四", "13900000002", first_inquiry=False),
    Person("LD", "李红梅", "13900000004"),
    Person("JW", "王五", "13900000005"),
)


def network(demand: tuple[Demand, ...] | None = None, **tables: object) -> DataSet:
    demand = demand or (
        need("S1", "全部", 1, shift="AM"),
        need("S1", "全部", 1, shift="PM"),
        need("S2", "工作日", 1, 2, shift="PM"),
        need("HZ", "周二", 1, shift="PM", role="领班"),
        need("HZ", "周二", 1, shift="PM", role="坐班"),
        need("HZ", "周二", 1, shift="PM", role="轮班"),
    )
    defaults: dict[str, object] = {"stations": (CENTRE, EAST, RED_POST), "units": UNITS, "people": PEOPLE, "name": "小网格"}
    return make_data(*demand, **{**defaults, **tables})


def week() -> Problem:
    return build_problem(network(), MON, SUN)


def hand_roster() -> Roster:
    """Several units in one period, units with and without people, the red post's three roles,
    a first-inquiry owner named by unit, and empty periods (shortfalls)."""
    return Roster(
        [
            duty(MON, "U1", "S1", "AM", "张三"),
            duty(MON, "U2", "S1", "PM"),
            duty(MON, "JW", "S2", "PM", "王五", first=False),
            duty(MON, "EQ", "S2", "PM"),
            duty(TUE, "LD", "HZ", "PM", "李红梅", role="领班"),
            duty(TUE, "JW", "HZ", "PM", "王五", first=False, role="坐班"),
            duty(TUE, "SC", "HZ", "PM", first=False, role="轮班"),
            duty(TUE, "SC", "S1", "AM"),
            duty(WED, "U1", "S2", "PM", "李四", first=False),
            duty(WED, "U2", "S2", "PM"),
            duty(SAT, "U2", "S1", "AM"),
        ]
    )


def write(problem: Problem, roster: Roster, path: Path, result=None) -> Path:  # type: ignore[no-untyped-def]
    write_roster_workbook(problem, roster, check(problem, roster), result, path, printed=PRINTED)
    return path


def texts(sheet) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def row_of(sheet, first: object, third: str) -> int:  # type: ignore[no-untyped-def]
    """The sheet row whose 日期 is ``first`` and 时段 starts with ``third``."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        value = row[0].date() if isinstance(row[0], dt.datetime) else row[0]
        if value == first and str(row[2]).startswith(third):
            return number
    raise AssertionError(f"no row {first} {third}")


def edited(path: Path, sheet_title: str, changes: dict[tuple[int, int], object]) -> Path:
    """The workbook with some cells changed by hand, as a planner would."""
    book = openpyxl.load_workbook(path)
    for (row, column), value in changes.items():
        book[sheet_title].cell(row=row, column=column).value = value
    out = path.with_name("edited.xlsx")
    book.save(out)
    return out


# --- the wall roster ------------------------------------------------------------------------------


def test_each_position_gets_a_wall_roster_with_title_level_phone_and_header(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))
    assert book.sheetnames == [OVERVIEW, STATISTICS, UNIT_LISTS, REPORT, "凤山镇党群服务中心", "东街党群服务站", "企业家红色驿站"]
    sheet = book["凤山镇党群服务中心"]
    assert sheet["A1"].value == "凤山镇党群服务中心 2026年3月 轮值表"
    assert "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
    assert LEVELS[1] in sheet["A2"].value and "0883-4223233" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == list(WALL_COLUMNS)
    east = book["东街党群服务站"]
    assert "服务站" in east["A2"].value and "东街" in east["A2"].value


def test_one_row_per_open_period_in_date_then_shift_order(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))
    rows = texts(book["凤山镇党群服务中心"])[3 : 3 + 14]
    assert [r[2] for r in rows[:2]] == ["上午 08:30-12:00", "下午 14:30-18:00"]
    assert [r[0][:10] for r in rows[::2]] == [f"2026-03-0{n}" for n in range(2, 9)]
    assert rows[0][1] == "周一" and rows[-1][1] == "周日"
    assert len(texts(book["东街党群服务站"])) >= 3 + 5  # workdays only
    assert texts(book["东街党群服务站"])[8][0] == ""  # the weekend is closed: the table ends


def test_several_units_share_a_cell_with_their_people_in_the_same_order(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["东街党群服务站"]
    monday = [c.value for c in sheet[row_of(sheet, MON, "下午")]]
    assert monday[3:7] == ["=SUM(1)、县纪委监委", f"{NO_PERSON}、王五", "=SUM(1)", "-1"]
    wednesday = [c.value for c in sheet[row_of(sheet, WED, "下午")]]
    assert wednesday[3:7] == ["县委办、县财政局", f"李四、{NO_PERSON}", "县财政局", "0883-1000002"]


def test_the_first_inquiry_person_and_phone_are_shown(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["凤山镇党群服务中心"]
    monday = [c.value for c in sheet[row_of(sheet, MON, "上午")]]
    assert monday[3:7] == ["县委办", "张三", "张三", "13900000001"]


def test_the_red_post_shows_one_column_per_role(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["企业家红色驿站"]
    assert [c.value for c in sheet[3]] == ["日期", "星期", "时段", "领班", "坐班", "轮班", "首问责任人", "联系电话", "备注"]
    tuesday = [c.value for c in sheet[4]]
    # the leader's name is part of the unit's, so it is not repeated in brackets
    assert tuesday[3:8] == ["县委常委、组织部部长 李红梅", "县纪委监委（王五）", "县市场监督管理局", "李红梅", "13900000004"]


def test_a_short_period_says_how_many_are_missing_and_holidays_and_adjusted_days_are_named(tmp_path: Path) -> None:
    problem = build_problem(network(), day(1, 1), day(1, 6))  # 元旦 1-3, Sunday the 4th is worked
    book = openpyxl.load_workbook(write(problem, Roster([]), tmp_path / "r.xlsx"))
    sheet = book["凤山镇党群服务中心"]
    notes = {d: sheet.cell(row=row_of(sheet, d, "上午"), column=8).value for d in (day(1, 1), day(1, 4), day(1, 5))}
    assert notes == {day(1, 1): "元旦；缺 1 人", day(1, 4): "元旦调休上班；缺 1 人", day(1, 5): "缺 1 人"}
    assert book["企业家红色驿站"].cell(row=4, column=9).value == "领班缺 1 人；坐班缺 1 人；轮班缺 1 人"


def test_weekends_and_holidays_are_shaded_and_workdays_are_not(tmp_path: Path) -> None:
    problem = build_problem(network(), day(1, 1), day(1, 6))
    sheet = openpyxl.load_workbook(write(problem, Roster([]), tmp_path / "r.xlsx"))["凤山镇党群服务中心"]
    colour = {d: sheet.cell(row=row_of(sheet, d, "上午"), column=4).fill.fgColor.rgb for d in (day(1, 1), day(1, 4), day(1, 5))}
    assert colour[day(1, 1)].endswith("FCE4D6")  # a statutory holiday
    assert colour[day(1, 4)] == colour[day(1, 5)] == "00000000"  # a worked Sunday is a workday
    weekend = openpyxl.load_workbook(write(week(), Roster([]), tmp_path / "w.xlsx"))["凤山镇党群服务中心"]
    assert weekend.cell(row=row_of(weekend, SAT, "上午"), column=1).fill.fgColor.rgb.endswith("DDEBF7")
    assert weekend.cell(row=row_of(weekend, FRI, "上午"), column=1).border.left.style == "thin"


def test_the_wall_roster_prints_on_a4_one_page_wide_with_header_and_footer(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["凤山镇党群服务中心"]
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation) == (9, "portrait")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sheet.oddFooter.right.text == "县委组织部 编制　2026年2月26日"
    assert all(sheet.cell(row=r, column=4).alignment.wrap_text for r in range(4, 10))


def test_columns_fit_chinese_text_counting_a_chinese_character_as_two(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["东街党群服务站"]
    assert sheet.column_dimensions["D"].width >= len("=SUM(1)、县纪委监委") + 5  # 7 ASCII + 6 CJK
    assert sheet.column_dimensions["C"].width >= len("上午 08:30-12:00") + 2


def test_the_rules_block_under_the_table_names_first_inquiry_and_swaps(tmp_path: Path) -> None:
    problem = week()
    path = tmp_path / "r.xlsx"
    write_roster_workbook(
        problem, hand_roster(), check(problem, hand_roster()), None, path, compiler="凤庆县委组织部", printed=PRINTED
    )
    sheet = openpyxl.load_workbook(path)["凤山镇党群服务中心"]
    notes = [r[0] for r in texts(sheet)[3 + 14 :] if r[0]]
    assert notes[0].startswith("首问负责：") and "首问责任人" in notes[0]
    assert notes[1].startswith("调班：") and "经双方单位同意并报凤庆县委组织部备案" in notes[1]
    assert sheet.oddFooter.right.text == "凤庆县委组织部 编制　2026年2月26日"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))["东街党群服务站"]
    owner = sheet.cell(row=row_of(sheet, MON, "下午"), column=6)
    phone = sheet.cell(row=row_of(sheet, MON, "下午"), column=7)
    assert (owner.value, owner.data_type, owner.quotePrefix) == ("=SUM(1)", "s", True)
    assert (phone.value, phone.data_type) == ("-1", "s")


def test_several_months_get_a_sheet_each_named_by_month(tmp_path: Path) -> None:
    problem = build_problem(network(), day(3, 30), day(4, 2))
    book = openpyxl.load_workbook(write(problem, Roster([]), tmp_path / "r.xlsx"))
    assert "凤山镇党群服务中心 3月" in book.sheetnames and "凤山镇党群服务中心 4月" in book.sheetnames
    assert book["凤山镇党群服务中心 4月"]["A1"].value == "凤山镇党群服务中心 2026年4月 轮值表"


def test_sheet_names_are_short_unique_and_free_of_forbidden_characters() -> None:
    used: set[str] = set()
    long = "城南游客接待服务中心[企业家]红色驿站:一号/二号*党群服务阵地?"
    first = sheet_name(long, " 12月", used)
    second = sheet_name(long, " 12月", used)
    for name in (first, second):
        assert len(name) <= 31 and not set("[]:*?/\\") & set(name)
    assert first != second and first.endswith(" 12月") and second.endswith("(2)")


# --- reading it back --------------------------------------------------------------------------------


def test_a_hand_made_roster_reads_back_exactly(tmp_path: Path) -> None:
    problem = week()
    roster = hand_roster()
    assert read_roster_workbook(write(problem, roster, tmp_path / "r.xlsx"), problem) == roster


@pytest.fixture(scope="module")
def solved_week() -> Result:
    result = solve(week(), SolveOptions(time_limit=3, workers=1, seed=0))
    assert result.roster is not None and result.check is not None
    return result


def test_a_solved_roster_reads_back_exactly(solved_week: Result, tmp_path: Path) -> None:
    problem, result = solved_week.problem, solved_week
    assert result.roster is not None and result.check is not None
    assert any(a.person for a in result.roster) and any(a.role == "领班" for a in result.roster)
    path = tmp_path / "r.xlsx"
    write_roster_workbook(problem, result.roster, result.check, result, path, printed=PRINTED)
    assert read_roster_workbook(path, problem) == result.roster


def test_a_planner_can_change_a_unit_by_name_or_id_and_move_the_first_inquiry(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["凤山镇党群服务中心"]
    tuesday, saturday = row_of(sheet, TUE, "上午"), row_of(sheet, SAT, "上午")
    changed = edited(
        path,
        "凤山镇党群服务中心",
        {
            (tuesday, 4): "U2",
            (tuesday, 6): "县财政局",  # SC -> U2 by id, and the owner with it
            (saturday, 4): "县委办、县财政局",
            (saturday, 5): "张三、—",
            (saturday, 6): "张三",
        },
    )
    roster = read_roster_workbook(changed, problem)
    assert [a for a in roster if a.date == TUE and a.station == "S1"] == [duty(TUE, "U2", "S1", "AM")]
    assert [a for a in roster if a.date == SAT] == [duty(SAT, "U1", "S1", "AM", "张三"), duty(SAT, "U2", "S1", "AM", first=False)]


def test_the_first_inquiry_can_move_to_the_other_unit_of_the_period(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["东街党群服务站"]
    changed = edited(path, "东街党群服务站", {(row_of(sheet, MON, "下午"), 6): "王五"})
    monday = {a.unit: a.first_inquiry for a in read_roster_workbook(changed, problem) if a.date == MON and a.station == "S2"}
    assert monday == {"JW": True, "EQ": False}


def test_the_red_post_roles_accept_a_unit_with_its_person_in_brackets(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    changed = edited(path, "企业家红色驿站", {(4, 5): "县纪委监委(王五)", (4, 6): "县委办（张三）", (4, 7): "张三"})
    tuesday = [a for a in read_roster_workbook(changed, problem) if a.station == "HZ"]
    assert {(a.role, a.unit, a.person, a.first_inquiry) for a in tuesday} == {
        ("领班", "LD", "李红梅", False),
        ("坐班", "JW", "王五", False),
        ("轮班", "U1", "张三", True),
    }


def test_dates_may_be_typed_as_text_or_left_blank_under_the_same_day(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["凤山镇党群服务中心"]
    monday_pm, tuesday_am = row_of(sheet, MON, "下午"), row_of(sheet, TUE, "上午")
    changed = edited(path, "凤山镇党群服务中心", {(monday_pm, 1): None, (tuesday_am, 1): "3月3日"})
    assert read_roster_workbook(changed, problem) == hand_roster()
    changed = edited(path, "凤山镇党群服务中心", {(tuesday_am, 1): "2026-03-03"})
    assert read_roster_workbook(changed, problem) == hand_roster()
    changed = edited(path, "凤山镇党群服务中心", {(tuesday_am, 1): "4月3日"})
    with pytest.raises(DataError) as caught:
        read_roster_workbook(changed, problem)
    assert [(i.row, i.column) for i in caught.value.issues] == [(tuesday_am, "日期")]
    assert "不在排班范围" in caught.value.issues[0].message


def test_unknown_names_are_reported_with_sheet_row_and_column(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["凤山镇党群服务中心"]
    monday, tuesday = row_of(sheet, MON, "上午"), row_of(sheet, TUE, "上午")
    changed = edited(
        path,
        "凤山镇党群服务中心",
        {
            (monday, 4): "县委办、县水务局",
            (monday, 5): "张三、—",
            (tuesday, 3): "夜间 20:00-22:00",
            (row_of(sheet, SAT, "上午"), 6): "赵六",
        },
    )
    with pytest.raises(DataError) as caught:
        read_roster_workbook(changed, problem)
    where = [(i.table, i.row, i.column) for i in caught.value.issues]
    assert where == [
        ("凤山镇党群服务中心", monday, "值班单位"),
        ("凤山镇党群服务中心", tuesday, "时段"),
        ("凤山镇党群服务中心", row_of(sheet, SAT, "上午"), "首问责任人"),
    ]
    assert "县水务局" in caught.value.issues[0].message


def test_a_person_of_another_unit_is_reported(tmp_path: Path) -> None:
    problem = week()
    path = write(problem, hand_roster(), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["凤山镇党群服务中心"]
    monday = row_of(sheet, MON, "上午")
    with pytest.raises(DataError) as caught:
        read_roster_workbook(edited(path, "凤山镇党群服务中心", {(monday, 5): "王五", (monday, 6): "王五"}), problem)
    issue = caught.value.issues[0]
    assert (issue.table, issue.row, issue.column) == ("凤山镇党群服务中心", monday, "值班人员")
    assert "县委办" in issue.message and "王五" in issue.message


def test_a_workbook_without_wall_rosters_is_a_data_error(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "随便写的表"
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(DataError, match="没有找到轮值表"):
        read_roster_workbook(tmp_path / "x.xlsx", week())
    (tmp_path / "y.xlsx").write_text("不是工作簿")
    with pytest.raises(DataError, match="不是有效的 Excel 工作簿"):
        read_roster_workbook(tmp_path / "y.xlsx", week())


# --- each unit's list, statistics, overview, report ------------------------------------------------


def test_each_unit_gets_its_duties_with_role_person_and_first_inquiry(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))
    rows = texts(book[UNIT_LISTS])
    start = next(i for i, r in enumerate(rows) if r[0] == "县纪委监委 党群服务阵地值班安排")
    assert "共 2 次，其中首问责任 0 次" in rows[start + 1][0]
    assert rows[start + 2] == ["日期", "星期", "时段", "阵地", "角色", "值班人员", "首问", "备注"]
    assert [r[1:7] for r in rows[start + 3 : start + 5]] == [
        ["周一", "下午 14:30-18:00", "东街党群服务站", "值守", "王五", "否"],
        ["周二", "下午 14:30-18:00", "企业家红色驿站", "坐班", "王五", "否"],
    ]
    assert len(book[UNIT_LISTS].row_breaks.brk) == len(UNITS) - 1  # each unit on its own page


def test_unit_workbooks_are_one_file_per_unit_named_after_it(tmp_path: Path) -> None:
    units = (*UNITS, Unit("X", "县供销社/联合社"))
    problem = build_problem(network(units=units), MON, SUN)
    paths = write_unit_workbooks(problem, hand_roster(), tmp_path / "units", printed=PRINTED)
    assert [p.name for p in paths] == [f"{u.name}.xlsx" for u in UNITS] + ["县供销社_联合社.xlsx"]
    sheet = openpyxl.load_workbook(paths[0]).active
    assert sheet["A1"].value == "县委办 党群服务阵地值班安排"
    assert sheet.print_title_rows == "$3:$3"
    assert [r[3] for r in texts(sheet)[3:]] == ["凤山镇党群服务中心", "东街党群服务站"]
    assert "本期没有值班安排" in texts(openpyxl.load_workbook(paths[-1]).active)[3][0]


def test_statistics_count_duties_hours_weekends_first_inquiries_and_positions(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))[STATISTICS]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    # U2: Mon S1 PM (3.5 h), Wed S2 PM, Sat S1 AM (weekend); first inquiry Mon, Wed, Sat
    assert rows["县财政局"][5:] == (3, 10.5, 3, 1, 0, 3, 2)
    assert rows["县纪委监委"][5:] == (2, 7.0, 2, 0, 0, 0, 2)
    assert rows["合计"][5] == len(hand_roster()) and rows["合计"][11] == 3
    assert sheet.auto_filter.ref == f"A2:L{2 + len(UNITS)}"


def test_the_overview_puts_dates_down_positions_across_and_short_unit_names_in_cells(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(week(), hand_roster(), tmp_path / "r.xlsx"))[OVERVIEW]
    rows = texts(sheet)
    assert rows[1] == ["日期", "星期", "凤山镇党群服务中心", "东街党群服务站", "企业家红色驿站"]
    assert rows[2][2] == "上午 县委办\n下午 财政局"
    assert rows[3][4] == "下午 领班李红梅、坐班纪委监委、轮班市场监督管理局"
    assert rows[4][2] == "上午 缺1\n下午 缺1"
    assert sheet.cell(row=8, column=3).fill.fgColor.rgb.endswith("DDEBF7")  # Saturday (Monday is row 3)


def test_short_names_keep_the_words_that_tell_units_apart() -> None:
    assert short_name(Unit("A", "县委组织部")) == "县委组织部"
    assert short_name(Unit("B", "县财政局")) == "财政局"
    assert short_name(Unit("C", "县政协副主席 字永昌")) == "字永昌"


def test_the_report_lists_rules_status_scores_shortfalls_and_every_finding(tmp_path: Path) -> None:
    problem = week()
    roster = hand_roster()  # SC serves twice on Tuesday: a hard violation
    checked = check(problem, roster)
    book = openpyxl.load_workbook(write(problem, roster, tmp_path / "r.xlsx"))
    lines = ["\t".join(r).rstrip("\t") for r in texts(book[REPORT])]
    assert {
        "数据\t小网格",
        "排班范围\t2026年3月2日至2026年3月8日，共 7 天",
        "状态\t校验已有排班（未求解）",
        "硬性规则\t违反 1 处，见下表",
    } <= set(lines)
    assert any(line.startswith("日历\t内置日历") for line in lines)
    assert any(line.startswith("最多连续天数\t2\t") for line in lines)
    assert any(line.startswith("权重_覆盖\t10000\t") for line in lines)
    for score in checked.scores:
        assert any(line.startswith(f"{SOFT_RULE_NAMES[score.rule]}\t{score.weight}\t") for line in lines)
    shortfalls = [line for line in lines if re.match(r"^值守\t1\t2026-03-0\d\t", line)]
    assert len(shortfalls) == len(checked.shortfalls) == 13
    assert "值守\t1\t2026-03-04\t凤山镇党群服务中心\t上午 08:30-12:00\t周三；需要 1 个单位，已安排 0 个" in lines
    named = tuple(SOFT_RULE_NAMES.values())
    findings = [line for line in lines if line.startswith(named) and line.count("\t") == 6]
    assert len(findings) == sum(len(score.findings) for score in checked.scores)
    assert "值班间隔\t县财政局\t2026-03-04\t\t\t2026-03-02 与 2026-03-04 两次值班只隔 2 天\t10" in lines
    assert "每日最多\t县市场监督管理局\t2026-03-03\t\t\t当天值班 2 次，每日最多 1 次" in lines


def test_the_report_of_a_solve_gives_status_objective_bound_and_gap(solved_week: Result, tmp_path: Path) -> None:
    problem, result = solved_week.problem, solved_week
    assert result.roster is not None and result.check is not None
    path = tmp_path / "r.xlsx"
    write_roster_workbook(problem, result.roster, result.check, result, path, printed=PRINTED)
    joined = "\n".join("\t".join(r).rstrip("\t") for r in texts(openpyxl.load_workbook(path)[REPORT]))
    assert f"状态\t{result.status.value}" in joined
    assert f"目标值\t{result.objective / 100:.2f}" in joined
    assert "下界\t" in joined and "差距\t" in joined and "随机种子 0" in joined


# --- printing through LibreOffice ---------------------------------------------------------------------


def month_of_duties() -> tuple[Problem, Roster]:
    """March 2026 at the centre only, mornings and afternoons: 62 rows, more than one A4 page."""
    data = network(stations=(CENTRE,), demand=(need("S1", "全部", 1, shift="AM"), need("S1", "全部", 1, shift="PM")))
    problem = build_problem(data, day(3, 1), day(3, 31))
    units = ["U1", "U2", "JW", "SC"]
    duties = [
        duty(
            slot.date,
            units[i % 4],
            "S1",
            slot.shift,
            "张三" if units[i % 4] == "U1" else "王五" if units[i % 4] == "JW" else None,
        )
        for i, slot in enumerate(problem.slots)
    ]
    return problem, Roster(duties)


def only_sheet(path: Path, title: str, out: Path) -> Path:
    book = openpyxl.load_workbook(path)
    for name in book.sheetnames:
        if name != title:
            del book[name]
    book.save(out)
    return out


def test_a_wall_roster_prints_through_libreoffice_on_a4_with_the_header_on_every_page(tmp_path: Path) -> None:
    missing = [tool for tool in ("soffice", "pdfinfo", "pdftotext") if shutil.which(tool) is None]
    if missing:
        # CI sets ROTATION_REQUIRE_LIBREOFFICE so that this test fails there instead of skipping
        assert not os.environ.get("ROTATION_REQUIRE_LIBREOFFICE"), f"{', '.join(missing)} missing in CI"
        pytest.skip(
            f"LibreOffice (soffice) not installed: {', '.join(missing)} missing; "
            "apt-get install -y --no-install-recommends libreoffice-calc fonts-noto-cjk poppler-utils"
        )
    problem, roster = month_of_duties()
    workbook = write(problem, roster, tmp_path / "r.xlsx")
    single = only_sheet(workbook, "凤山镇党群服务中心", tmp_path / "wall.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()  # a private profile: no clash with a running LibreOffice
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(single),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "wall.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width - 595) <= 2 and abs(height - 842) <= 2  # A4 portrait
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 4  # 62 rows: more than one page, but never split across the width
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    sheets = text.split("\f")[:pages]
    for number, page in enumerate(sheets, start=1):
        header = next((line for line in page.splitlines() if "日期" in line and "备注" in line), None)
        assert header is not None, f"page {number} lacks the header row"
        assert all(word in header for word in WALL_COLUMNS)
        assert f"第 {number} 页，共 {pages} 页" in page
        assert "县委组织部 编制" in page
    assert "凤山镇党群服务中心 2026年3月 轮值表" in sheets[0]
    assert "首问负责" in sheets[-1] and "3月31日" in sheets[-1]
