"""The independent checker, rule by rule: each hard rule broken by the smallest hand-made roster is
reported once, with its rule, unit and date, and nothing else is; each soft rule's penalty equals
the arithmetic done by hand in the test (penalties are in hundredths of a point)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import (
    day,
    duty,
    make_data,
    minimal_tables,
    need,
    rules,
    write_csv_tables,
)

from rotation.cells import parse_day_spec
from rotation.checker import HARD_RULES, Shortfall, check
from rotation.loader import load
from rotation.model import (
    DEFAULT_WEIGHTS,
    DataSet,
    Fixed,
    History,
    HomeCommunity,
    Person,
    Request,
    RequestKind,
    Unavailability,
    Unit,
)
from rotation.problem import Problem, build_problem
from rotation.roster import Assignment, Roster
from rotation.units import SCALE

MON, TUE, WED, THU, FRI, SAT, SUN = (day(3, n) for n in range(2, 9))  # the week of 2026-03-02
EVERY_DAY_S1 = need("S1", "全部", 1)  # S1 open in the morning every day, one unit
PEOPLE_U1 = (Person("U1", "张三"), Person("U1", "李四"))

Violation = tuple[str, str | None, dt.date | None]


def resolve(data: DataSet, start: dt.date, end: dt.date | None = None) -> Problem:
    return build_problem(data, start, end or start)


def broken(problem: Problem, *duties: Assignment) -> list[Violation]:
    """(rule, unit, date) of every hard violation the checker finds in the roster ``duties``."""
    return [(f.rule, f.unit, f.date) for f in check(problem, Roster(duties)).violations]


def penalty(problem: Problem, rule: str, *duties: Assignment) -> int:
    return check(problem, Roster(duties)).score(rule).penalty


def test_every_hard_rule_has_a_test_here() -> None:
    tested = {
        "slot",
        "unit",
        "role",
        "community",
        "unavailable",
        "duplicate",
        "coverage_max",
        "fixed",
        "max_per_day",
        "succession",
        "consecutive",
        "weekends",
        "min_total",
        "max_total",
        "first_inquiry",
        "person",
        "person_once",
    }
    # limits over the whole horizon, in test_horizon_rules.py
    tested |= {"per_shift", "min_minutes", "max_minutes", "min_consecutive", "min_days_off", "horizon_weekends"}
    assert set(HARD_RULES) == tested


def test_a_roster_that_keeps_every_rule_has_no_violation() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, WED)
    assert broken(problem, duty(MON, "U1"), duty(TUE, "U2"), duty(WED, "U1")) == []


# --- open periods, units, roles, home community ---------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        duty(MON, "U1", shift="PM"),  # the afternoon is not open
        duty(MON, "U1", station="S2"),  # S2 is not open at all
        duty(MON, "U1", station="S9"),  # no such station
        duty(MON, "U1", role="讲解"),  # the morning opens only 值守
    ],
    ids=["closed shift", "closed station", "unknown station", "closed role"],
)
def test_a_duty_is_only_served_in_an_open_period_and_role(row: Assignment) -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON)
    assert broken(problem, row) == [("slot", "U1", MON)]


def test_a_duty_names_a_unit_of_the_unit_table() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON)
    assert broken(problem, duty(MON, "U9")) == [("unit", "U9", MON)]


def test_a_unit_serves_only_in_its_roles() -> None:
    units = (Unit("U1", "讲解队", roles=("讲解",)), Unit("U2", "县财政局"))
    problem = resolve(make_data(EVERY_DAY_S1, need("S1", "全部", 1, role="讲解"), units=units), MON)
    assert broken(problem, duty(MON, "U1", role="讲解")) == []
    assert broken(problem, duty(MON, "U1")) == [("role", "U1", MON)]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("HOME", []),
        ("AWAY", [("community", "AWAY", MON)]),
        ("NONE", [("community", "NONE", MON)]),  # a unit that reported nowhere belongs to no community
    ],
)
def test_home_community_is_kept_at_community_stations_when_required(unit: str, expected: list[Violation]) -> None:
    units = (
        Unit("HOME", "东街单位", community="东街"),
        Unit("AWAY", "西街单位", community="西街"),
        Unit("NONE", "无报到社区单位"),
    )
    data = make_data(need("*", "全部", 1), units=units, rules=rules(home_community=HomeCommunity.REQUIRE))
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, unit, station="S2")) == expected
    assert broken(problem, duty(MON, unit, station="S1")) == []  # the county-wide centre takes anyone
    assert penalty(problem, "home_community", duty(MON, unit, station="S2")) == 0  # hard, not soft


def test_home_community_required_by_a_chinese_rules_row(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["rules"].append(["报到社区规则", "必须"])
    data = load(write_csv_tables(tmp_path / "data", tables))
    problem = resolve(data, day(10, 9))  # S1 and S2 (东街) open in the morning; U3 reported nowhere
    assert broken(problem, duty(day(10, 9), "U3", station="S2")) == [("community", "U3", day(10, 9))]
    assert broken(problem, duty(day(10, 9), "U1", station="S2", person="张三")) == []


# --- unavailability ------------------------------------------------------------------------------


def test_a_unit_is_not_on_duty_on_a_day_it_is_away() -> None:
    data = make_data(EVERY_DAY_S1, unavailability=(Unavailability("U1", MON, TUE, reason="出差"),))
    problem = resolve(data, MON, WED)
    assert broken(problem, duty(TUE, "U1")) == [("unavailable", "U1", TUE)]
    assert broken(problem, duty(WED, "U1")) == []  # the end date is inclusive, the day after is free


@pytest.mark.parametrize(("shift", "expected"), [("PM", [("unavailable", "U1", MON)]), ("AM", [])])
def test_a_unit_away_for_one_shift_may_serve_the_other(shift: str, expected: list[Violation]) -> None:
    data = make_data(
        need("S1", "全部", 1, shift="AM"),
        need("S1", "全部", 1, shift="PM"),
        unavailability=(Unavailability("U1", MON, MON, shift="PM"),),
    )
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, "U1", shift=shift)) == expected


@pytest.mark.parametrize(("person", "expected"), [("张三", [("unavailable", "U1", MON)]), ("李四", [])])
def test_a_person_is_not_on_duty_on_a_day_they_are_away(person: str, expected: list[Violation]) -> None:
    data = make_data(EVERY_DAY_S1, people=PEOPLE_U1, unavailability=(Unavailability("U1", MON, MON, person="张三"),))
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, "U1", person=person)) == expected


@pytest.mark.parametrize(("shift", "expected"), [("AM", [("unavailable", "U1", MON)]), ("PM", [])])
def test_a_person_away_for_one_shift_may_serve_the_other(shift: str, expected: list[Violation]) -> None:
    data = make_data(
        need("S1", "全部", 1, shift="AM"),
        need("S1", "全部", 1, shift="PM"),
        people=PEOPLE_U1,
        unavailability=(Unavailability("U1", MON, MON, person="张三", shift="AM"),),
    )
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, "U1", shift=shift, person="张三")) == expected


def test_a_duty_of_an_away_unit_with_people_is_reported_once() -> None:
    data = make_data(EVERY_DAY_S1, people=PEOPLE_U1, unavailability=(Unavailability("U1", MON, MON),))
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, "U1", person="张三")) == [("unavailable", "U1", MON)]


# --- duplicates, maximum per slot, pins ----------------------------------------------------------


def test_a_unit_fills_one_place_of_a_slot_at_most() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    problem = resolve(make_data(need("S1", "全部", 1, 2), units=units), MON)
    assert broken(problem, duty(MON, "U1"), duty(MON, "U1", first=False)) == [("duplicate", "U1", MON)]


def test_a_slot_takes_no_more_units_than_its_maximum() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON)
    assert broken(problem, duty(MON, "U1"), duty(MON, "U2", first=False)) == [("coverage_max", None, MON)]


def test_a_pinned_duty_is_served() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, fixed=(Fixed(MON, "S1", "AM", "U1"),)), MON)
    assert broken(problem, duty(MON, "U1")) == []
    assert broken(problem, duty(MON, "U2")) == [("fixed", "U1", MON)]


def test_a_pinned_person_is_the_one_on_duty() -> None:
    data = make_data(EVERY_DAY_S1, people=PEOPLE_U1, fixed=(Fixed(MON, "S1", "AM", "U1", person="张三"),))
    problem = resolve(data, MON)
    assert broken(problem, duty(MON, "U1", person="张三")) == []
    assert broken(problem, duty(MON, "U1", person="李四")) == [("fixed", "U1", MON)]


@pytest.mark.parametrize("pinned", [True, False])
def test_a_pinned_first_inquiry_flag_is_kept(pinned: bool) -> None:
    data = make_data(need("S1", "全部", 2), fixed=(Fixed(MON, "S1", "AM", "U1", first_inquiry=pinned),))
    problem = resolve(data, MON)
    kept = (duty(MON, "U1", first=pinned), duty(MON, "U2", first=not pinned))
    swapped = (duty(MON, "U1", first=not pinned), duty(MON, "U2", first=pinned))
    assert broken(problem, *kept) == []
    assert broken(problem, *swapped) == [("fixed", "U1", MON)]


# --- days: per day, successions, runs, weekends ---------------------------------------------------


def test_a_unit_serves_at_most_max_per_day_duties_a_day() -> None:
    problem = resolve(make_data(need("*", "全部", 1)), MON)  # S1 and S2 open in the morning
    assert broken(problem, duty(MON, "U1", "S1"), duty(MON, "U1", "S2")) == [("max_per_day", "U1", MON)]


def test_a_unit_with_its_own_max_per_day_may_serve_more() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    problem = resolve(make_data(need("*", "全部", 1), units=units), MON)
    assert broken(problem, duty(MON, "U1", "S1"), duty(MON, "U1", "S2")) == []
    assert broken(problem, duty(MON, "U2", "S1"), duty(MON, "U2", "S2")) == [("max_per_day", "U2", MON)]


SUCCESSIONS = rules(forbidden_successions=(("PM", "AM"),))
MORNINGS_AND_AFTERNOONS = (need("S1", "全部", 1, shift="AM"), need("S1", "全部", 1, shift="PM"))


def test_no_unit_serves_afternoon_then_next_morning() -> None:
    problem = resolve(make_data(*MORNINGS_AND_AFTERNOONS, rules=SUCCESSIONS), MON, TUE)
    assert broken(problem, duty(MON, "U1", shift="PM"), duty(TUE, "U1", shift="AM")) == [("succession", "U1", TUE)]
    assert broken(problem, duty(MON, "U1", shift="AM"), duty(TUE, "U1", shift="PM")) == []  # only PM>AM is forbidden
    assert broken(problem, duty(MON, "U1", shift="PM"), duty(TUE, "U2", shift="AM")) == []  # two units


@pytest.mark.parametrize(
    ("last_duty", "expected"),
    [
        (day(3, 1), [("succession", "U1", MON)]),  # the afternoon before the horizon starts
        (day(2, 28), []),  # two days before: no succession
    ],
)
def test_a_forbidden_succession_holds_across_the_horizon_start(last_duty: dt.date, expected: list[Violation]) -> None:
    history = (History("U1", last_duty=last_duty, last_shift="PM"),)
    problem = resolve(make_data(*MORNINGS_AND_AFTERNOONS, rules=SUCCESSIONS, history=history), MON)
    assert broken(problem, duty(MON, "U1", shift="AM")) == expected


def test_no_unit_serves_more_than_max_consecutive_days() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, THU)  # at most 2 days in a row (default)
    assert broken(problem, duty(MON, "U1"), duty(TUE, "U1")) == []
    assert broken(problem, duty(MON, "U1"), duty(TUE, "U1"), duty(WED, "U1")) == [("consecutive", "U1", WED)]


@pytest.mark.parametrize(("run_days", "expected"), [(2, [("consecutive", "U1", MON)]), (1, [])])
def test_consecutive_days_count_the_run_before_the_horizon(run_days: int, expected: list[Violation]) -> None:
    history = (History("U1", last_duty=day(3, 1), run_days=run_days),)  # 02-28 and 03-01, or 03-01 only
    problem = resolve(make_data(EVERY_DAY_S1, history=history), MON, TUE)
    assert broken(problem, duty(MON, "U1")) == expected


ONE_WEEKEND = rules(max_weekends_per_month=1)


def test_a_weekend_counts_once_however_many_of_its_days_are_worked() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, rules=ONE_WEEKEND), SAT, day(3, 14))
    both_days = (duty(SAT, "U1"), duty(SUN, "U1"))
    assert broken(problem, *both_days) == []
    assert broken(problem, *both_days, duty(day(3, 14), "U1")) == [("weekends", "U1", None)]


def test_a_weekend_across_a_month_end_counts_in_each_month_it_touches() -> None:
    # Saturday 01-31 and Sunday 02-01: each day is its month's part of the weekend
    problem = resolve(make_data(EVERY_DAY_S1, rules=ONE_WEEKEND), day(1, 24), day(2, 8))
    assert broken(problem, duty(day(1, 31), "U1"), duty(day(2, 1), "U1")) == []
    assert broken(problem, duty(day(1, 24), "U1"), duty(day(1, 31), "U1")) == [("weekends", "U1", None)]
    assert broken(problem, duty(day(2, 1), "U1"), duty(day(2, 7), "U1")) == [("weekends", "U1", None)]


def test_a_holiday_block_counts_once_as_a_weekend() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, rules=ONE_WEEKEND), day(10, 1), day(10, 11))
    # 10-01..07 National Day is one block; Saturday 10-10 is a 调休 working day, Sunday 10-11 a rest day
    in_the_holiday = (duty(day(10, 1), "U1"), duty(day(10, 4), "U1"), duty(day(10, 7), "U1"), duty(day(10, 10), "U1"))
    assert broken(problem, *in_the_holiday) == []
    assert broken(problem, *in_the_holiday, duty(day(10, 11), "U1")) == [("weekends", "U1", None)]


# --- monthly totals -----------------------------------------------------------------------------


def test_a_unit_serves_its_monthly_minimum_in_a_whole_month() -> None:
    units = (Unit("U1", "县委办", min_total=1), Unit("U2", "县财政局"))
    whole_march = resolve(make_data(EVERY_DAY_S1, units=units), day(3, 1), day(3, 31))
    assert broken(whole_march) == [("min_total", "U1", None)]
    assert broken(whole_march, duty(day(3, 10), "U1")) == []


def test_the_monthly_minimum_is_not_checked_in_a_partial_month() -> None:
    units = (Unit("U1", "县委办", min_total=1), Unit("U2", "县财政局"))
    most_of_march = resolve(make_data(EVERY_DAY_S1, units=units), day(3, 2), day(3, 31))
    assert broken(most_of_march) == []


def test_a_unit_serves_at_most_its_monthly_maximum() -> None:
    units = (Unit("U1", "县委办", max_total=1), Unit("U2", "县财政局"))
    problem = resolve(make_data(EVERY_DAY_S1, units=units), MON, THU)
    assert broken(problem, duty(MON, "U1")) == []
    assert broken(problem, duty(MON, "U1"), duty(THU, "U1")) == [("max_total", "U1", None)]


# --- first inquiry ------------------------------------------------------------------------------


def test_a_staffed_period_has_a_first_inquiry_owner() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON)
    assert broken(problem, duty(MON, "U1", first=False)) == [("first_inquiry", None, MON)]


def test_a_period_has_only_one_first_inquiry_owner() -> None:
    problem = resolve(make_data(need("S1", "全部", 2)), MON)
    assert broken(problem, duty(MON, "U1"), duty(MON, "U2")) == [("first_inquiry", None, MON)]
    assert broken(problem, duty(MON, "U1"), duty(MON, "U2", first=False)) == []


def test_a_unit_not_qualified_for_first_inquiry_does_not_own_a_period() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", first_inquiry=False))
    problem = resolve(make_data(need("S1", "全部", 2), units=units), MON)
    assert broken(problem, duty(MON, "U2")) == [("first_inquiry", "U2", MON)]
    assert broken(problem, duty(MON, "U1"), duty(MON, "U2", first=False)) == []


def test_a_person_not_qualified_for_first_inquiry_does_not_own_a_period() -> None:
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    problem = resolve(make_data(EVERY_DAY_S1, people=people), MON)
    assert broken(problem, duty(MON, "U1", person="李四")) == [("first_inquiry", "U1", MON)]
    assert broken(problem, duty(MON, "U1", person="张三")) == []


# --- people ---------------------------------------------------------------------------------------


def test_a_unit_with_people_names_the_person_on_duty() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, people=PEOPLE_U1), MON)
    assert broken(problem, duty(MON, "U1")) == [("person", "U1", MON)]
    assert broken(problem, duty(MON, "U2")) == []  # U2 lists no people


def test_the_person_on_duty_is_on_the_units_list() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, people=PEOPLE_U1), MON)
    assert broken(problem, duty(MON, "U1", person="王五")) == [("person", "U1", MON)]


def test_a_person_serves_at_most_once_a_day() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    problem = resolve(make_data(*MORNINGS_AND_AFTERNOONS, units=units, people=PEOPLE_U1), MON)
    twice = (duty(MON, "U1", shift="AM", person="张三"), duty(MON, "U1", shift="PM", person="张三"))
    assert broken(problem, *twice) == [("person_once", "U1", MON)]
    assert broken(problem, twice[0], duty(MON, "U1", shift="PM", person="李四")) == []


# --- soft rules ---------------------------------------------------------------------------------


def test_coverage_shortfall_costs_each_missing_unit_duty() -> None:
    problem = resolve(make_data(need("S1", "全部", 2)), MON, TUE)
    roster = Roster([duty(MON, "U1")])
    result = check(problem, roster)
    assert result.shortfalls == (Shortfall(MON, "S1", "AM", "值守", 2, 1), Shortfall(TUE, "S1", "AM", "值守", 2, 0))
    # missing 1 on Monday + 2 on Tuesday = 3; 10000 * 100 * 3
    assert result.score("coverage").amount == 3
    assert result.score("coverage").penalty == 3_000_000
    assert result.violations == ()  # a shortfall is soft


def test_fairness_shares_duties_in_proportion_to_members() -> None:
    units = (Unit("U1", "县委办", members=1), Unit("U2", "县财政局", members=3))
    problem = resolve(make_data(EVERY_DAY_S1, units=units), MON, THU)
    # 4 slots, each shared 1:3 -> U1 target 1.0 = 10 tenths, U2 3.0 = 30 tenths
    assert problem.targets == {"U1": 10, "U2": 30}
    roster = (duty(MON, "U1"), duty(TUE, "U2"), duty(WED, "U2"), duty(THU, "U1"))
    # U1: 10*2 - 10 = 10 -> 100; U2: 10*2 - 30 = -10 -> 100; weight 10 * 200 = 2000
    assert penalty(problem, "fairness", *roster) == 2000
    assert check(problem, Roster(roster)).score("fairness").amount == 2.0
    shared = (duty(MON, "U2"), duty(TUE, "U2"), duty(WED, "U1"), duty(THU, "U2"))
    assert penalty(problem, "fairness", *shared) == 0  # U1 1, U2 3: exactly the shares


def test_fairness_counts_the_years_duties_from_history() -> None:
    units = (Unit("U1", "县委办", members=1), Unit("U2", "县财政局", members=3))
    problem = resolve(make_data(EVERY_DAY_S1, units=units, history=(History("U1", duties_ytd=4),)), MON, THU)
    # horizon shares 1.0 and 3.0 (total 4); the year's 4 earlier duties are shared 1:3 as well:
    # U1 1 + 4*1/4 = 2.0 -> 20 tenths, U2 3 + 4*3/4 = 6.0 -> 60 tenths
    assert problem.targets == {"U1": 20, "U2": 60}
    roster = (duty(MON, "U2"), duty(TUE, "U2"), duty(WED, "U1"), duty(THU, "U2"))
    # U1: 10*(4+1) - 20 = 30 -> 900; U2: 10*(0+3) - 60 = -30 -> 900; weight 10 * 1800 = 18000
    assert penalty(problem, "fairness", *roster) == 18000


def test_weekend_fairness_shares_rest_day_duties() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), FRI, SUN)
    roster = (duty(FRI, "U2"), duty(SAT, "U1"), duty(SUN, "U1"))
    # rest-day slots Sat and Sun, each shared 1:1 -> weekend targets 10 tenths each
    assert problem.weekend_targets == {"U1": 10, "U2": 10}
    # U1: 10*2 - 10 = 10 -> 100; U2: 10*0 - 10 = -10 -> 100; weight 10 * 200 = 2000
    assert penalty(problem, "weekend_fairness", *roster) == 2000
    # all duties: targets 15 tenths each; U1 20 - 15 = 5 -> 25, U2 10 - 15 = -5 -> 25; 10 * 50 = 500
    assert penalty(problem, "fairness", *roster) == 500


def test_weekend_fairness_counts_the_years_weekends_from_history() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, history=(History("U2", weekends_ytd=2),)), FRI, SUN)
    # weekend shares 1 + 1; the 2 earlier weekends shared 1:1 -> targets 2.0 = 20 tenths each
    assert problem.weekend_targets == {"U1": 20, "U2": 20}
    roster = (duty(FRI, "U2"), duty(SAT, "U1"), duty(SUN, "U1"))
    # U1: 10*(0+2) - 20 = 0; U2: 10*(2+0) - 20 = 0
    assert penalty(problem, "weekend_fairness", *roster) == 0
    swapped = (duty(FRI, "U1"), duty(SAT, "U2"), duty(SUN, "U2"))
    # U1: 10*0 - 20 = -20 -> 400; U2: 10*(2+2) - 20 = 20 -> 400; 10 * 800 = 8000
    assert penalty(problem, "weekend_fairness", *swapped) == 8000


def test_spacing_counts_close_pairs_including_the_last_duty_before_the_horizon() -> None:
    problem = resolve(make_data(EVERY_DAY_S1, history=(History("U1", last_duty=day(3, 1)),)), MON, SUN)
    roster = (duty(MON, "U1"), duty(WED, "U1"), duty(SAT, "U1"))
    # minimum 3 days apart; close pairs: 03-01/03-02 (1 day), 03-02/03-04 (2 days);
    # 03-01/03-04 and 03-04/03-07 are 3 days apart: fine. 10 * 100 * 2 = 2000
    result = check(problem, Roster(roster))
    assert result.score("spacing").amount == 2
    assert result.score("spacing").penalty == 2000
    assert [(f.unit, f.date) for f in result.score("spacing").findings] == [("U1", MON), ("U1", WED)]
    assert result.violations == ()


def test_spacing_counts_every_pair_of_duties_not_of_days() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    problem = resolve(make_data(need("*", "全部", 1), units=units), MON, TUE)
    roster = (duty(MON, "U1", "S1"), duty(MON, "U1", "S2"), duty(TUE, "U1", "S1"))
    # the two Monday duties pair with the Tuesday one: 2 pairs (the same day pairs with nothing); 10 * 100 * 2
    assert penalty(problem, "spacing", *roster) == 2000


def test_spacing_weight_from_a_rules_row(tmp_path: Path) -> None:
    tables = {
        "stations": [["id", "name", "level"], ["S1", "中心", "1"]],
        "shifts": [["id", "name", "start", "end"], ["AM", "上午", "08:30", "12:00"]],
        "demand": [["station", "day", "shift", "min"], ["*", "全部", "AM", "1"]],
        "units": [["id", "name"], ["U1", "县委办"], ["U2", "县财政局"]],
        "rules": [["key", "value"], ["weight_spacing", "7"], ["最少间隔天数", "4"]],
    }
    problem = resolve(load(write_csv_tables(tmp_path / "data", tables)), MON, THU)
    # 4 days apart at least: 03-02/03-05 is 3 days -> one pair; weight 7 * 100 * 1 = 700
    assert penalty(problem, "spacing", duty(MON, "U1"), duty(TUE, "U2"), duty(THU, "U1")) == 700


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (HomeCommunity.PREFER, 500),  # one duty away from home: weight 5 * 100 * 1
        (HomeCommunity.IGNORE, 0),
    ],
)
def test_home_community_is_preferred_only_under_prefer(rule: HomeCommunity, expected: int) -> None:
    units = (
        Unit("WEST", "西街单位", community="西街"),
        Unit("EAST", "东街单位", community="东街"),
        Unit("NONE", "无报到社区单位"),
    )
    problem = resolve(make_data(need("*", "全部", 1), units=units, rules=rules(home_community=rule)), MON, WED)
    roster = (
        duty(MON, "WEST", "S2"),  # away from home: the only penalised duty
        duty(TUE, "EAST", "S2"),  # at home
        duty(WED, "NONE", "S2"),  # reported nowhere: nothing to prefer
        duty(WED, "WEST", "S1"),  # the county-wide centre belongs to no community
    )
    assert penalty(problem, "home_community", *roster) == expected
    assert broken(problem, *roster) == []


def test_an_unmet_wish_to_serve_costs_its_weight() -> None:
    requests = (
        Request("U1", parse_day_spec("周三"), RequestKind.WANT, weight=3),  # met by the Wednesday morning duty
        Request("U1", parse_day_spec("周三"), RequestKind.WANT, shift="PM", weight=2),  # not met: morning only
        Request("U1", parse_day_spec("2026-03-06"), RequestKind.WANT, station="S2"),  # not met: at S1
        Request("U2", parse_day_spec("工作日"), RequestKind.WANT, weight=1),  # met Mon, Tue; not Wed, Thu, Fri
    )
    problem = resolve(make_data(need("*", "全部", 1), need("*", "全部", 1, shift="PM"), requests=requests), MON, SUN)
    roster = (duty(WED, "U1"), duty(FRI, "U1"), duty(MON, "U2"), duty(TUE, "U2"))
    # unmet weights: 2 (Wed PM) + 1 (Fri at S2) + 3 * 1 (U2 on Wed, Thu, Fri) = 6; 10 * 100 * 6 = 6000
    result = check(problem, Roster(roster))
    assert result.score("requests").amount == 6
    assert result.score("requests").penalty == 6000


def test_each_duty_at_an_avoided_time_costs_the_requests_weight() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", max_per_day=2))
    requests = (Request("U2", parse_day_spec("休息日"), RequestKind.AVOID, weight=2),)
    data = make_data(need("*", "全部", 1), units=units, requests=requests, rules=rules(weights={"requests": 4}))
    problem = resolve(data, FRI, SUN)
    roster = (duty(FRI, "U2", "S1"), duty(SAT, "U2", "S1"), duty(SAT, "U2", "S2"), duty(SUN, "U2", "S1"))
    # three rest-day duties (two on Saturday, one on Sunday), each weight 2: 6; weight_requests 4 * 100 * 6
    assert penalty(problem, "requests", *roster) == 2400


def test_a_position_left_empty_on_consecutive_open_days_counts_once_per_pair() -> None:
    # S1 open Monday to Thursday; empty Tuesday and Wednesday is one pair, Thursday a third empty day a second
    problem = resolve(make_data(EVERY_DAY_S1), MON, THU)
    assert penalty(problem, "gap_runs", duty(MON, "U1"), duty(THU, "U2")) == 100 * SCALE
    assert penalty(problem, "gap_runs", duty(MON, "U1")) == 2 * 100 * SCALE
    assert penalty(problem, "gap_runs", duty(TUE, "U1"), duty(THU, "U2")) == 0  # the gaps spread


def test_the_open_days_of_a_position_skip_the_days_it_is_closed() -> None:
    # S1 opens on workdays only: Friday and the next Monday are consecutive open days
    problem = resolve(make_data(need("S1", "工作日", 1)), FRI, day(3, 9))
    assert problem.open_days["S1"] == (FRI, day(3, 9))
    assert penalty(problem, "gap_runs") == 100 * SCALE


def test_the_objective_is_the_sum_of_the_rule_penalties() -> None:
    units = (Unit("U1", "县委办", community="西街"), Unit("U2", "县财政局"))
    problem = resolve(make_data(need("S2", "全部", 1), units=units), MON, TUE)
    result = check(problem, Roster([duty(MON, "U1", "S2")]))
    # coverage: Tuesday missing 1 -> 1_000_000; fairness: targets 10 each, U1 10*1 - 10 = 0,
    # U2 0 - 10 = -10 -> 100 * 10 = 1000; home community: U1 away once -> 500
    assert {s.rule: s.penalty for s in result.scores} == {
        "coverage": 1_000_000,
        "gap_runs": 0,
        "fairness": 1000,
        "weekend_fairness": 0,
        "spacing": 0,
        "home_community": 500,
        "requests": 0,
        "overstaffing": 0,
    }
    assert result.objective == 1_001_500
    assert DEFAULT_WEIGHTS["coverage"] * SCALE == 1_000_000
