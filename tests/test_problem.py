"""The resolved problem: which periods open (demand specificity), who may fill them, fair shares,
and pins checked against all of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import Tables, minimal_tables, where, write_csv_tables

from rotation.calendar import builtin_years
from rotation.cells import parse_day_spec
from rotation.errors import DataError
from rotation.loader import load
from rotation.model import (
    CalendarDay,
    DataSet,
    DayKind,
    Demand,
    History,
    HomeCommunity,
    Person,
    Rules,
    Shift,
    Station,
    Unavailability,
    Unit,
)
from rotation.problem import Problem, build_problem

AM = Shift("AM", "上午", dt.time(8, 30), dt.time(12, 0))
PM = Shift("PM", "下午", dt.time(14, 30), dt.time(18, 0))
STATIONS = (
    Station("S1", "县党群服务中心", 1),
    Station("S2", "东街服务站", 3, "东街"),
    Station("S3", "西街服务站", 3, "西街"),
)
UNITS = (Unit("U1", "县委办", community="东街"), Unit("U2", "县财政局"))


def need(station: str, day: str, low: int, high: int | None = None, shift: str = "AM", role: str = "值守") -> Demand:
    """One demand row as a planner writes it (max defaults to min)."""
    return Demand(station, parse_day_spec(day), shift, role, low, low if high is None else high)


def dataset(*demand: Demand, **tables: object) -> DataSet:
    """Three stations (S1 level 1, S2 and S3 level 3), shifts AM and PM, units U1 and U2."""
    defaults: dict[str, object] = {"stations": STATIONS, "shifts": (AM, PM), "units": UNITS}
    return DataSet(demand=demand, **{**defaults, **tables})  # type: ignore[arg-type]


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def needs(problem: Problem, station: str = "S1", shift: str = "AM") -> dict[dt.date, tuple[int, int]]:
    """(min, max) of every open slot of one station and shift, by date."""
    return {s.date: (s.min, s.max) for s in problem.slots if s.station == station and s.shift == shift}


def resolve(data: DataSet, start: dt.date, end: dt.date | None = None) -> Problem:
    return build_problem(data, start, end or start)


# --- demand specificity -----------------------------------------------------------------------------


def test_date_row_beats_holiday_row() -> None:
    problem = resolve(dataset(need("*", "节假日", 1), need("*", "2026-10-01", 3)), d(10, 1), d(10, 2))
    assert needs(problem) == {d(10, 1): (3, 3), d(10, 2): (1, 1)}


def test_holiday_row_beats_all_row() -> None:
    problem = resolve(dataset(need("*", "全部", 1), need("*", "节假日", 2)), d(9, 30), d(10, 1))
    assert needs(problem) == {d(9, 30): (1, 1), d(10, 1): (2, 2)}


def test_weekday_row_beats_workday_row() -> None:
    problem = resolve(dataset(need("*", "工作日", 1), need("*", "周四", 2)), d(10, 8), d(10, 9))
    assert needs(problem) == {d(10, 8): (2, 2), d(10, 9): (1, 1)}


def test_weekday_row_beats_rest_day_row() -> None:
    problem = resolve(dataset(need("*", "休息日", 1), need("*", "周六", 2)), d(10, 17), d(10, 18))
    assert needs(problem) == {d(10, 17): (2, 2), d(10, 18): (1, 1)}


def test_workday_and_rest_day_rows_beat_all_row() -> None:
    data = dataset(need("*", "全部", 1), need("*", "工作日", 2), need("*", "休息日", 3))
    problem = resolve(data, d(10, 16), d(10, 17))
    assert needs(problem) == {d(10, 16): (2, 2), d(10, 17): (3, 3)}


def test_rest_day_row_does_not_match_a_holiday() -> None:
    problem = resolve(dataset(need("*", "休息日", 1)), d(10, 1), d(10, 11))  # 10-03/04 are holiday weekends
    assert sorted(needs(problem)) == [d(10, 11)]


def test_weekday_row_does_not_match_a_holiday() -> None:
    assert d(10, 1).weekday() == 3  # a Thursday, and 国庆节
    problem = resolve(dataset(need("*", "周四", 1)), d(10, 1), d(10, 8))
    assert sorted(needs(problem)) == [d(10, 8)]


def test_weekday_row_matches_an_adjusted_working_sunday_and_saturday() -> None:
    data = dataset(need("*", "周日", 1), need("*", "周六", 2))
    problem = resolve(data, d(9, 19), d(10, 11))
    assert needs(problem) == {
        d(9, 19): (2, 2),
        d(9, 20): (1, 1),  # 9-20 a 调休 working Sunday
        # 9-26/27 (中秋节) and 10-03/04 (国庆节) are holidays
        d(10, 10): (2, 2),
        d(10, 11): (1, 1),  # 10-10 a 调休 working Saturday
    }


def test_weekday_row_beats_workday_row_on_an_adjusted_working_sunday() -> None:
    problem = resolve(dataset(need("*", "工作日", 1), need("*", "周日", 2)), d(9, 20))
    assert needs(problem) == {d(9, 20): (2, 2)}


def test_adjusted_working_sunday_is_a_workday_not_a_rest_day() -> None:
    problem = resolve(dataset(need("*", "工作日", 1), need("*", "休息日", 3)), d(9, 19), d(9, 20))
    assert needs(problem) == {d(9, 19): (3, 3), d(9, 20): (1, 1)}


def test_station_id_beats_level_and_level_beats_star() -> None:
    data = dataset(need("*", "全部", 1), need("L3", "全部", 2), need("S2", "全部", 3))
    problem = resolve(data, d(10, 8))
    assert [(s.station, s.min) for s in problem.slots] == [("S1", 1), ("S2", 3), ("S3", 2)]


def test_day_decides_before_station() -> None:
    data = dataset(need("S2", "全部", 3), need("L3", "工作日", 2), need("*", "2026-10-08", 1))
    problem = resolve(data, d(10, 8), d(10, 9))
    assert [(s.date.day, s.station, s.min) for s in problem.slots] == [
        (8, "S1", 1),
        (8, "S2", 1),
        (8, "S3", 1),
        (9, "S2", 2),
        (9, "S3", 2),
    ]


def test_level_row_opens_only_stations_of_that_level() -> None:
    problem = resolve(dataset(need("L1", "全部", 1)), d(10, 8))
    assert [s.station for s in problem.slots] == ["S1"]


def test_row_with_min_and_max_zero_closes_the_period() -> None:
    data = dataset(need("*", "全部", 1), need("S2", "节假日", 0), need("*", "2026-10-08", 0))
    problem = resolve(data, d(10, 7), d(10, 9))
    assert [(s.date.day, s.station) for s in problem.slots] == [
        (7, "S1"),
        (7, "S3"),
        (9, "S1"),
        (9, "S2"),
        (9, "S3"),
    ]


def test_row_with_min_zero_and_max_above_zero_stays_open() -> None:
    problem = resolve(dataset(need("S1", "全部", 0, 2)), d(10, 8))
    assert needs(problem) == {d(10, 8): (0, 2)}


def test_each_shift_and_role_is_resolved_on_its_own() -> None:
    data = dataset(
        need("S1", "全部", 1),
        need("S1", "节假日", 0, shift="PM"),
        need("S1", "全部", 2, shift="PM"),
        need("S1", "节假日", 1, role="讲解"),
        units=(*UNITS, Unit("U3", "县文旅局", roles=("讲解",))),
    )
    problem = resolve(data, d(10, 1))
    assert [(s.shift, s.role, s.min, s.eligible) for s in problem.slots] == [
        ("AM", "值守", 1, ("U1", "U2")),
        ("AM", "讲解", 1, ("U3",)),
    ]


def test_slots_are_ordered_by_date_station_and_shift_start() -> None:
    data = dataset(need("*", "全部", 1, shift="PM"), need("*", "全部", 1), stations=STATIONS[1::-1], shifts=(PM, AM))
    problem = resolve(data, d(10, 8), d(10, 9))
    assert [(s.index, s.date.day, s.station, s.shift) for s in problem.slots] == [
        (0, 8, "S2", "AM"),
        (1, 8, "S2", "PM"),
        (2, 8, "S1", "AM"),
        (3, 8, "S1", "PM"),
        (4, 9, "S2", "AM"),
        (5, 9, "S2", "PM"),
        (6, 9, "S1", "AM"),
        (7, 9, "S1", "PM"),
    ]


# --- eligibility and fair shares --------------------------------------------------------------------


def test_unit_unavailable_all_day_is_not_eligible_that_day() -> None:
    absence = Unavailability("U2", d(10, 8), d(10, 8))
    problem = resolve(
        dataset(need("S1", "全部", 1), need("S1", "全部", 1, shift="PM"), unavailability=(absence,)), d(10, 8), d(10, 9)
    )
    assert [(s.date.day, s.shift, s.eligible) for s in problem.slots] == [
        (8, "AM", ("U1",)),
        (8, "PM", ("U1",)),
        (9, "AM", ("U1", "U2")),
        (9, "PM", ("U1", "U2")),
    ]


def test_unit_unavailable_for_one_shift_stays_eligible_for_the_other() -> None:
    absence = Unavailability("U2", d(10, 8), d(10, 8), shift="PM")
    problem = resolve(dataset(need("S1", "全部", 1), need("S1", "全部", 1, shift="PM"), unavailability=(absence,)), d(10, 8))
    assert [(s.shift, s.eligible) for s in problem.slots] == [("AM", ("U1", "U2")), ("PM", ("U1",))]


def test_unit_whose_people_are_all_unavailable_is_not_eligible() -> None:
    people = (Person("U1", "张三"), Person("U1", "李四"))
    absences = (Unavailability("U1", d(10, 8), d(10, 8), person="张三"), Unavailability("U1", d(10, 8), d(10, 9), person="李四"))
    problem = resolve(dataset(need("S1", "全部", 1), people=people, unavailability=absences), d(10, 8), d(10, 9))
    assert [s.eligible for s in problem.slots] == [("U2",), ("U1", "U2")]
    assert problem.available_people("U1", d(10, 9), "AM") == ("张三",)


def test_required_home_community_keeps_community_stations_to_their_units() -> None:
    rules = Rules(home_community=HomeCommunity.REQUIRE)
    problem = resolve(dataset(need("*", "全部", 1), rules=rules), d(10, 8))
    assert [(s.station, s.eligible) for s in problem.slots] == [("S1", ("U1", "U2")), ("S2", ("U1",)), ("S3", ())]


def test_preferred_home_community_keeps_every_unit_eligible() -> None:
    problem = resolve(dataset(need("*", "全部", 1)), d(10, 8))
    assert {s.eligible for s in problem.slots} == {("U1", "U2")}


def test_fair_share_follows_members_in_tenths() -> None:
    units = (Unit("U1", "县委办", members=3), Unit("U2", "县财政局", members=1))
    problem = resolve(dataset(need("S1", "全部", 1), units=units), d(10, 12), d(10, 15))
    assert problem.unit_duties == 4
    assert problem.targets == {"U1": 30, "U2": 10}


def test_fair_share_spreads_the_year_so_far_in_the_same_proportions() -> None:
    units = (Unit("U1", "县委办", members=3), Unit("U2", "县财政局", members=1))
    history = (History("U1", duties_ytd=10),)
    problem = resolve(dataset(need("S1", "全部", 1), units=units, history=history), d(10, 12), d(10, 15))
    assert problem.targets == {"U1": 105, "U2": 35}


def test_the_shares_of_a_part_count_its_days_and_all_of_the_year_so_far() -> None:
    # 10-12..15: U2 is away on the 12th and 13th, so those days are U1's and the last two are
    # shared 3:1; the year so far (8 duties) is shared 3.5:0.5, as over the whole horizon
    units = (Unit("U1", "县委办", members=3), Unit("U2", "县财政局", members=1))
    history = (History("U1", duties_ytd=8),)
    absence = (Unavailability("U2", d(10, 12), d(10, 13)),)
    problem = resolve(dataset(need("S1", "全部", 1), units=units, history=history, unavailability=absence), d(10, 12), d(10, 15))
    assert problem.targets == {"U1": 35 + 70, "U2": 5 + 10}
    whole = problem.shares_through(problem.start, problem.end, history=True)
    assert (whole.duties, whole.rest_days) == (problem.targets, problem.weekend_targets)
    assert problem.shares_through(problem.start, d(10, 13), history=True).duties == {"U1": 20 + 70, "U2": 10}
    assert problem.shares_through(d(10, 14), d(10, 15), history=False).duties == {"U1": 15, "U2": 5}


def test_weekend_share_counts_only_rest_days_and_holidays() -> None:
    problem = resolve(dataset(need("S1", "全部", 1)), d(10, 7), d(10, 11))  # holiday, Thu, Fri, 调休 Sat, Sun
    assert problem.weekend_targets == {"U1": 10, "U2": 10}
    assert problem.targets == {"U1": 25, "U2": 25}


# --- the horizon's calendar -------------------------------------------------------------------------


def test_assumed_dates_are_warned() -> None:
    year = max(builtin_years()) + 1
    problem = build_problem(dataset(need("S1", "全部", 1)), dt.date(year, 3, 1), dt.date(year, 3, 3), assume_weekends=True)
    [warning] = problem.warnings
    assert warning.startswith(f"注意：{year}-03-01 至 {year}-03-03 中有 3 天不在内置日历中")
    assert "日历调整" in warning
    assert len(problem.slots) == 3


def test_calendar_table_of_the_data_set_covers_an_unknown_year_without_warning() -> None:
    year = max(builtin_years()) + 1
    new_year = CalendarDay(dt.date(year, 1, 1), DayKind.HOLIDAY, "元旦")
    problem = build_problem(dataset(need("S1", "节假日", 1), calendar=(new_year,)), new_year.date, dt.date(year, 1, 3))
    assert problem.warnings == ()
    assert [s.date for s in problem.slots] == [new_year.date]
    assert problem.day(new_year.date).name == "元旦"


def test_known_dates_give_no_warning() -> None:
    assert resolve(dataset(need("S1", "全部", 1)), d(10, 1), d(10, 8)).warnings == ()


def test_horizon_ending_before_it_starts_is_a_data_error() -> None:
    with pytest.raises(DataError) as caught:
        build_problem(dataset(need("S1", "全部", 1)), d(10, 8), d(10, 7))
    assert where(caught.value.issues) == [("排班范围", None, None)]


# --- pins -------------------------------------------------------------------------------------------

PIN_HORIZON = (d(10, 1), d(10, 11))


def pin_issues(tmp_path: Path, tables: Tables) -> list:
    """The issues build_problem reports for pins of a data set that loads cleanly."""
    data = load(write_csv_tables(tmp_path / "csv", tables))
    with pytest.raises(DataError) as caught:
        build_problem(data, *PIN_HORIZON)
    return caught.value.issues


def test_minimal_pin_is_accepted(minimal_data: DataSet) -> None:
    problem = build_problem(minimal_data, *PIN_HORIZON)
    assert minimal_data.fixed[0].date in {s.date for s in problem.slots if s.station == "S1" and "U1" in s.eligible}


def test_pin_on_a_closed_period_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["demand"].append(["S1", "节假日", "AM", "", "0", ""])
    tables["fixed"].append(["2026-10-01", "S1", "AM", "", "U3", "", ""])
    issues = pin_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 3, "时段")]
    assert issues[0].message == "2026-10-01 S1 的时段「AM」没有开放角色「值守」（见需求表）"


def test_pin_on_a_role_the_period_does_not_open_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-02", "S1", "AM", "讲解", "U3", "", ""])
    assert where(pin_issues(tmp_path, tables)) == [("固定安排", 3, "时段")]


def test_pin_for_a_unit_unavailable_that_day_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-05", "S1", "AM", "", "U2", "", ""])
    issues = pin_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 3, "单位")]
    assert issues[0].message == "单位「U2」在 2026-10-05 登记为不可安排"


def test_pin_for_a_person_unavailable_that_shift_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-09", "S1", "AM", "", "U1", "李四", ""])
    issues = pin_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 3, "姓名")]
    assert issues[0].message == "人员「李四」在 2026-10-09 登记为不可安排"


def test_pin_outside_the_home_community_is_a_data_error_when_it_is_required(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"].append(["home_community", "必须"])
    tables["fixed"].append(["2026-10-11", "S2", "PM", "", "U2", "", ""])  # S2 is in 东街, U2 in none
    issues = pin_issues(tmp_path, tables)
    assert where(issues) == [("固定安排", 3, "单位")]


def test_pin_with_an_unknown_person_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"][1][5] = "王五"
    with pytest.raises(DataError) as caught:
        load(write_csv_tables(tmp_path / "csv", tables))
    assert where(caught.value.issues) == [("固定安排", 2, "姓名")]
    assert caught.value.issues[0].message == "人员「王五」不在人员表中该单位的名单里"


def test_every_broken_pin_is_reported_together(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"] += [["2026-10-05", "S1", "AM", "", "U2", "", ""], [], ["2026-10-09", "S1", "AM", "", "U1", "李四", ""]]
    assert where(pin_issues(tmp_path, tables)) == [("固定安排", 3, "单位"), ("固定安排", 5, "姓名")]


def test_pin_outside_the_horizon_is_not_checked(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-05", "S1", "AM", "", "U2", "", ""])  # U2 away that day
    data = load(write_csv_tables(tmp_path / "csv", tables))
    problem = build_problem(data, d(10, 6), d(10, 9))
    assert [s.eligible for s in problem.slots if s.date == d(10, 6)] == [("U1", "U3")] * 2


def test_first_inquiry_pin_for_a_unit_that_may_not_take_it_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-02", "S1", "AM", "", "U2", "", "是"])  # U2: 可任首问 = 否
    assert where(pin_issues(tmp_path, tables)) == [("固定安排", 3, "首问")]


def test_first_inquiry_pin_naming_an_unqualified_person_is_a_data_error(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["fixed"].append(["2026-10-02", "S1", "AM", "", "U1", "李四", "是"])  # 李四: 可任首问 = 否
    assert where(pin_issues(tmp_path, tables)) == [("固定安排", 3, "首问")]
