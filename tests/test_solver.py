"""The solver against the checker, rule family by rule family: the smallest data where a soft rule
tempts the solver to break a hard one, and the roster it returns must not; every returned roster
is checked again, and the solver's objective must equal the checker's to the hundredth of a point.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from conftest import day, make_data, need, rules, small_data_sets
from hypothesis import given, settings
from ortools.sat.python import cp_model

from export.assignments import assignments_csv
from rotation import people as people_module
from rotation.cells import parse_day_spec
from rotation.checker import Shortfall, check
from rotation.engine import solve
from rotation.errors import DataError
from rotation.model import (
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
from rotation.people import PeopleError, name_people
from rotation.problem import Problem, build_problem
from rotation.result import Result, SolveStatus
from rotation.roster import Assignment, Roster
from rotation.solver.cpsat import Progress, SolveOptions

OPTIONS = SolveOptions(time_limit=5, workers=1, seed=0)
MON, TUE, WED, THU, FRI, SAT, SUN = (day(3, n) for n in range(2, 9))  # the week of 2026-03-02
EVERY_DAY_S1 = need("S1", "全部", 1)


def avoid_all(unit: str, weight: int = 5) -> Request:
    """``unit`` would rather never serve: a pull towards giving every duty to the other units."""
    return Request(unit, parse_day_spec("全部"), RequestKind.AVOID, weight=weight)


def solved(problem: Problem, *status: SolveStatus) -> Result:
    """Solve, and hold the result to the checker: no hard violation, the same objective, and
    ``status`` (OPTIMAL unless given)."""
    result = solve(problem, OPTIONS)
    assert result.roster is not None and result.check is not None
    again = check(problem, result.roster)
    assert [(v.rule, v.unit, v.date) for v in again.violations] == []
    assert result.objective == again.objective == sum(score.penalty for score in result.check.scores)
    assert result.status in (status or (SolveStatus.OPTIMAL,))
    return result


def rows(result: Result) -> list[tuple[dt.date, str, str, str]]:
    """(date, station, shift, unit) of every duty, in roster order."""
    assert result.roster is not None
    return [(a.date, a.station, a.shift, a.unit) for a in result.roster]


def duties_per_unit(result: Result) -> dict[str, int]:
    assert result.roster is not None
    return dict(Counter(a.unit for a in result.roster))


# --- coverage -------------------------------------------------------------------------------------


def test_a_shortfall_is_reported_not_infeasible_when_demand_cannot_be_met() -> None:
    units = (Unit("U1", "县委办", community="西街"),)
    problem = build_problem(make_data(need("*", "全部", 1), units=units), MON, MON)  # S1 and S2, one unit a day
    result = solved(problem)
    # the unit serves at the county centre, where it is not away from home; S2 is left short
    assert rows(result) == [(MON, "S1", "AM", "U1")]
    assert result.check is not None
    assert result.check.shortfalls == (Shortfall(MON, "S2", "AM", "值守", 1, 0),)
    # coverage 10000 * 100 * 1; fairness: target 2 duties = 20 tenths, 10*1 - 20 = -10 -> 100 * 10
    assert result.objective == 1_000_000 + 1000


# --- days -----------------------------------------------------------------------------------------


MORNING_AND_AFTERNOON = (need("S1", "全部", 1, shift="AM"), need("S1", "全部", 1, shift="PM"))


def test_no_unit_serves_more_than_max_per_day_even_when_the_other_would_rather_not() -> None:
    data = make_data(*MORNING_AND_AFTERNOON, requests=(avoid_all("U2"),))
    result = solved(build_problem(data, MON, MON))
    assert duties_per_unit(result) == {"U1": 1, "U2": 1}
    assert result.objective == 5000  # U2 serves once against its wish: 10 * 100 * 5; fair shares met


def test_a_unit_with_max_per_day_two_takes_both_periods() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    data = make_data(*MORNING_AND_AFTERNOON, units=units, requests=(avoid_all("U2"),))
    result = solved(build_problem(data, MON, MON))
    assert duties_per_unit(result) == {"U1": 2}
    assert result.objective == 2000  # fairness: targets 10 tenths each, deviations +10 and -10: 10 * 200


def test_no_unit_serves_more_than_max_consecutive_days() -> None:
    data = make_data(EVERY_DAY_S1, requests=(avoid_all("U2"),))
    result = solved(build_problem(data, MON, WED))
    assert duties_per_unit(result) == {"U1": 2, "U2": 1}
    # U2 against its wish 5000; U1's two duties are 1 or 2 days apart: one close pair 1000;
    # fairness: targets 15 tenths each, deviations +5 and -5: 10 * 50 = 500
    assert result.objective == 6500


def test_consecutive_days_continue_the_run_before_the_horizon() -> None:
    history = (History("U1", last_duty=day(3, 1), run_days=2),)  # U1 served 02-28 and 03-01
    data = make_data(EVERY_DAY_S1, requests=(avoid_all("U2"),), history=history)
    result = solved(build_problem(data, MON, TUE))
    assert rows(result) == [(MON, "S1", "AM", "U2"), (TUE, "S1", "AM", "U1")]
    # U2 against its wish 5000; U1 on 03-03 is 2 days after 03-01: one close pair 1000
    assert result.objective == 6000


SUCCESSIONS = rules(forbidden_successions=(("PM", "AM"),))


def test_no_unit_serves_afternoon_then_next_morning() -> None:
    demand = (need("S1", "2026-03-02", 1, shift="PM"), need("S1", "2026-03-03", 1, shift="AM"))
    data = make_data(*demand, rules=SUCCESSIONS, requests=(avoid_all("U2"),))
    result = solved(build_problem(data, MON, TUE))
    assert duties_per_unit(result) == {"U1": 1, "U2": 1}
    assert result.objective == 5000  # U2 once against its wish; one duty each is the fair share


def test_no_unit_serves_the_morning_after_its_last_afternoon_before_the_horizon() -> None:
    history = (History("U1", last_duty=day(3, 1), last_shift="PM"),)
    data = make_data(EVERY_DAY_S1, rules=SUCCESSIONS, requests=(avoid_all("U2"),), history=history)
    result = solved(build_problem(data, MON, MON))
    assert rows(result) == [(MON, "S1", "AM", "U2")]
    # U2 against its wish 5000; fairness: targets 5 tenths each, deviations -5 and +5: 10 * 50 = 500
    assert result.objective == 5500


def test_no_unit_serves_more_weekends_a_month_than_allowed() -> None:
    data = make_data(need("S1", "休息日", 1), rules=rules(max_weekends_per_month=1), requests=(avoid_all("U2"),))
    result = solved(build_problem(data, SAT, day(3, 14)))  # rest days 03-07, 03-08 and 03-14
    # U1 takes one whole weekend (it counts once), U2 the other against its wish
    assert rows(result) == [(SAT, "S1", "AM", "U1"), (SUN, "S1", "AM", "U1"), (day(3, 14), "S1", "AM", "U2")]
    # requests 5000; U1's weekend days 1 apart: spacing 1000; fairness and weekend fairness:
    # targets 15 tenths each, deviations +5 and -5: 10 * 50 = 500 each
    assert result.objective == 7000


# --- monthly totals -------------------------------------------------------------------------------

MARCH_MONDAYS = need("S1", "周一", 1)  # 03-02, 09, 16, 23, 30: five slots, a week apart


def test_a_unit_serves_its_monthly_minimum() -> None:
    units = (Unit("U1", "县委办", members=1, min_total=3), Unit("U2", "县财政局", members=9))
    result = solved(build_problem(make_data(MARCH_MONDAYS, units=units), day(3, 1), day(3, 31)))
    assert duties_per_unit(result) == {"U1": 3, "U2": 2}
    # targets 0.5 and 4.5 duties: (30 - 5)^2 + (20 - 45)^2 = 1250, times 10
    assert result.objective == 12500


def test_a_unit_serves_at_most_its_monthly_maximum() -> None:
    units = (Unit("U1", "县委办", members=9, max_total=2), Unit("U2", "县财政局", members=1))
    result = solved(build_problem(make_data(MARCH_MONDAYS, units=units), day(3, 1), day(3, 31)))
    assert duties_per_unit(result) == {"U1": 2, "U2": 3}
    assert result.objective == 12500  # (20 - 45)^2 + (30 - 5)^2 = 1250, times 10


def test_a_position_short_of_units_is_not_left_empty_two_days_in_a_row_where_another_spread_would_do() -> None:
    # U1 can serve two of the four days: Monday and Thursday keep its duties apart, but leave S1
    # empty on Tuesday and Wednesday; the gaps spread when the rule counts (its default weight)
    units = (Unit("U1", "县委办", max_total=2),)
    spread = solved(build_problem(make_data(EVERY_DAY_S1, units=units), MON, THU))
    covered = sorted(a.date for a in spread.roster or ())
    assert covered in ([MON, WED], [TUE, THU])
    apart = solved(build_problem(make_data(EVERY_DAY_S1, units=units, rules=rules(weights={"gap_runs": 0})), MON, THU))
    assert sorted(a.date for a in apart.roster or ()) == [MON, THU]


# --- first inquiry and people ---------------------------------------------------------------------


def test_a_unit_not_qualified_for_first_inquiry_serves_beside_a_qualified_one() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", first_inquiry=False))
    wish = Request("U2", parse_day_spec("周一"), RequestKind.WANT, weight=5)
    result = solved(build_problem(make_data(need("S1", "全部", 1, 2), units=units, requests=(wish,)), MON, MON))
    assert result.roster is not None
    assert list(result.roster) == [
        Assignment(MON, "S1", "AM", "值守", "U1", None, True),
        Assignment(MON, "S1", "AM", "值守", "U2", None, False),
    ]
    assert result.objective == 500  # fairness: targets 5 tenths each, both +5: 10 * 50


def test_a_person_serves_once_a_day_even_when_the_unit_may_serve_twice() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    data = make_data(*MORNING_AND_AFTERNOON, units=units, people=(Person("U1", "张三"),), requests=(avoid_all("U2"),))
    result = solved(build_problem(data, MON, MON))
    assert result.roster is not None
    assert [(a.unit, a.person) for a in result.roster if a.unit == "U1"] == [("U1", "张三")]
    assert duties_per_unit(result) == {"U1": 1, "U2": 1}
    assert result.objective == 5000


def test_a_person_away_is_not_named_and_the_load_is_shared() -> None:
    people = (Person("U1", "张三"), Person("U1", "李四"))
    data = make_data(
        EVERY_DAY_S1,
        units=(Unit("U1", "县委办"),),
        people=people,
        unavailability=(Unavailability("U1", MON, MON, person="张三"),),
    )
    result = solved(build_problem(data, MON, TUE))
    assert result.roster is not None
    assert [(a.date, a.person) for a in result.roster] == [(MON, "李四"), (TUE, "张三")]
    assert result.objective == 1000  # the two days are a close pair: 10 * 100


def test_the_first_inquiry_owner_names_a_qualified_person() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", first_inquiry=False))
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    result = solved(build_problem(make_data(need("S1", "全部", 2), units=units, people=people), MON, MON))
    assert result.roster is not None
    assert list(result.roster) == [
        Assignment(MON, "S1", "AM", "值守", "U1", "张三", True),
        Assignment(MON, "S1", "AM", "值守", "U2", None, False),
    ]
    assert result.objective == 0


def test_a_period_nobody_qualified_can_own_stays_empty() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", first_inquiry=False))
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    data = make_data(
        need("S1", "全部", 2), units=units, people=people, unavailability=(Unavailability("U1", MON, MON, person="张三"),)
    )
    result = solved(build_problem(data, MON, MON))
    assert rows(result) == []
    assert result.check is not None
    assert result.check.shortfalls == (Shortfall(MON, "S1", "AM", "值守", 2, 0),)
    # coverage 10000 * 100 * 2; fairness: targets 10 tenths each, both -10: 10 * 200
    assert result.objective == 2_000_000 + 2000


def test_duties_are_shared_evenly_among_a_units_people() -> None:
    people = tuple(Person("U1", name) for name in ("甲", "乙", "丙"))
    data = make_data(
        EVERY_DAY_S1,
        units=(Unit("U1", "县委办"),),
        people=people,
        rules=rules(max_consecutive_days=7, min_days_between=1, max_weekends_per_month=2),
    )
    result = solved(build_problem(data, MON, SUN))
    assert result.roster is not None and result.check is not None
    assert sorted(Counter(a.person for a in result.roster).values()) == [2, 2, 3]
    assert result.check.figures.person_spread == {"U1": 1}
    assert result.objective == 0


def test_people_are_matched_day_by_day_when_the_balancing_search_finds_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # 丁 is away every morning, so the mornings need 丙: taking people in list order (丙 for the
    # afternoon, listed first) fails, and the matching moves 丙 to the morning
    people = (Person("U1", "丙"), Person("U1", "丁"))
    away = tuple(Unavailability("U1", date, date, person="丁", shift="AM") for date in (MON, TUE))
    data = make_data(
        *MORNING_AND_AFTERNOON,
        units=(Unit("U1", "县委办", max_per_day=2),),
        people=people,
        unavailability=away,
        rules=rules(max_consecutive_days=7, min_days_between=1),
    )
    problem = build_problem(data, MON, TUE)
    duties = [Assignment(date, "S1", shift, "值守", "U1", None, True) for date in (MON, TUE) for shift in ("PM", "AM")]

    def hopeless(workers: int, seed: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 0.0  # no time at all: CP-SAT ends UNKNOWN
        return solver

    monkeypatch.setattr(people_module, "new_solver", hopeless)
    named = name_people(problem, duties)
    assert [(a.date, a.shift, a.person) for a in named] == [
        (MON, "PM", "丁"),
        (MON, "AM", "丙"),
        (TUE, "PM", "丁"),
        (TUE, "AM", "丙"),
    ]
    assert not check(problem, Roster(named)).violations


def test_a_day_whose_duties_outnumber_the_people_is_named() -> None:
    people = (Person("U1", "甲"),)
    problem = build_problem(
        make_data(*MORNING_AND_AFTERNOON, units=(Unit("U1", "县委办", max_per_day=2),), people=people), MON, MON
    )
    duties = [Assignment(MON, "S1", shift, "值守", "U1", None, False) for shift in ("AM", "PM")]
    with pytest.raises(PeopleError, match=f"U1 {MON}: its 2 duties"):
        name_people(problem, duties)


# --- pins, home community, requests, fairness -----------------------------------------------------


def test_a_pinned_duty_is_honoured_against_the_units_wish() -> None:
    data = make_data(EVERY_DAY_S1, requests=(avoid_all("U2"),), fixed=(Fixed(MON, "S1", "AM", "U2", first_inquiry=True),))
    result = solved(build_problem(data, MON, TUE))
    assert result.roster is not None
    assert list(result.roster) == [
        Assignment(MON, "S1", "AM", "值守", "U2", None, True),
        Assignment(TUE, "S1", "AM", "值守", "U1", None, True),
    ]
    assert result.objective == 5000  # without the pin U1 would take both days for 3000


def test_a_pinned_person_is_named() -> None:
    people = (Person("U1", "张三"), Person("U1", "李四"))
    data = make_data(
        EVERY_DAY_S1, units=(Unit("U1", "县委办"),), people=people, fixed=(Fixed(MON, "S1", "AM", "U1", person="李四"),)
    )
    result = solved(build_problem(data, MON, MON))
    assert result.roster is not None
    assert [(a.unit, a.person) for a in result.roster] == [("U1", "李四")]


def test_a_pinned_person_not_qualified_for_first_inquiry_leaves_the_period_to_another_owner() -> None:
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    data = make_data(need("S1", "全部", 2), people=people, fixed=(Fixed(MON, "S1", "AM", "U1", person="李四"),))
    result = solved(build_problem(data, MON, MON))
    assert result.roster is not None
    assert list(result.roster) == [
        Assignment(MON, "S1", "AM", "值守", "U1", "李四", False),
        Assignment(MON, "S1", "AM", "值守", "U2", None, True),
    ]
    assert result.objective == 0


def test_a_pinned_person_is_not_counted_on_for_another_duty_that_day() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    data = make_data(
        need("S1", "全部", 2),
        need("S2", "全部", 1),
        units=units,
        people=people,
        fixed=(Fixed(MON, "S1", "AM", "U1", person="张三"),),
    )
    result = solved(build_problem(data, MON, MON))
    assert result.roster is not None and result.check is not None
    assert ("S1", "张三") in [(a.station, a.person) for a in result.roster if a.unit == "U1"]
    # three places, but only U1/张三 and U2 can own a period and U1/李四 cannot fill S2 alone: one is
    # missed (1_000_000); fairness: targets 15 tenths each, deviations of 5: 10 * 50 = 500
    assert sum(s.missing for s in result.check.shortfalls) == 1
    assert result.objective == 1_000_500


@pytest.mark.parametrize(
    "pin",
    [
        Fixed(MON, "S1", "AM", "U2"),  # U2 may not own a period
        Fixed(MON, "S1", "AM", "U1", first_inquiry=False),
        Fixed(MON, "S1", "AM", "U1", person="李四"),  # 李四 may not own a period
    ],
    ids=["unqualified unit", "first inquiry 否", "unqualified person"],
)
def test_a_pin_that_leaves_its_period_without_a_first_inquiry_owner_is_a_data_error(pin: Fixed) -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局", first_inquiry=False))
    people = (Person("U1", "张三"), Person("U1", "李四", first_inquiry=False))
    data = make_data(EVERY_DAY_S1, units=units, people=people, fixed=(pin,))
    with pytest.raises(DataError) as caught:
        build_problem(data, MON, MON)
    assert [issue.table for issue in caught.value.issues] == ["固定安排"]


@pytest.mark.parametrize("pinned", [("U1",), ("U1", "U2")], ids=["no qualified unit", "pins fill the period"])
def test_pins_that_leave_no_room_for_a_first_inquiry_owner_are_a_data_error(pinned: tuple[str, ...]) -> None:
    units = (Unit("U1", "县委办", first_inquiry=False), Unit("U2", "县财政局", first_inquiry=False))
    if len(pinned) == 2:
        units += (Unit("U3", "县市场监管局"),)  # qualified, but the two pins take both places
    pins = tuple(Fixed(MON, "S1", "AM", unit) for unit in pinned)
    data = make_data(need("S1", "全部", 1, 2), units=units, fixed=pins)
    with pytest.raises(DataError) as caught:
        build_problem(data, MON, MON)
    assert {issue.table for issue in caught.value.issues} == {"固定安排"}


def test_one_duty_pinned_twice_with_contradicting_first_inquiry_is_a_data_error() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    pins = (Fixed(MON, "S1", "AM", "U1", first_inquiry=True), Fixed(MON, "S1", "AM", "U1", first_inquiry=False))
    data = make_data(need("S1", "全部", 1, 2), units=units, fixed=pins)
    with pytest.raises(DataError) as caught:
        build_problem(data, MON, MON)
    assert [issue.table for issue in caught.value.issues] == ["固定安排"]


HOME_UNITS = (Unit("WEST", "西街单位", community="西街"), Unit("EAST", "东街单位", community="东街"))


def test_a_unit_at_home_is_preferred_at_a_community_station() -> None:
    result = solved(build_problem(make_data(need("S2", "全部", 1), units=HOME_UNITS), MON, MON))
    assert rows(result) == [(MON, "S2", "AM", "EAST")]
    assert result.objective == 500  # fairness: targets 5 tenths each, deviations +5 and -5


def test_preferred_home_community_yields_to_fairness() -> None:
    result = solved(build_problem(make_data(need("S2", "全部", 1), units=HOME_UNITS), MON, TUE))
    assert duties_per_unit(result) == {"WEST": 1, "EAST": 1}
    assert result.objective == 500  # WEST away from home once: 5 * 100; anything else costs more


def test_required_home_community_keeps_other_units_away() -> None:
    data = make_data(need("S2", "全部", 1), units=HOME_UNITS, rules=rules(home_community=HomeCommunity.REQUIRE))
    result = solved(build_problem(data, MON, TUE))
    assert rows(result) == [(MON, "S2", "AM", "EAST"), (TUE, "S2", "AM", "EAST")]
    # only EAST may serve, so its share is both duties (fairness 0); the two days are a close pair: 1000
    assert result.objective == 1000


def test_a_wish_to_serve_is_honoured_when_free() -> None:
    wish = Request("U2", parse_day_spec("周二"), RequestKind.WANT)
    result = solved(build_problem(make_data(EVERY_DAY_S1, requests=(wish,)), MON, TUE))
    assert rows(result) == [(MON, "S1", "AM", "U1"), (TUE, "S1", "AM", "U2")]
    assert result.objective == 0


def test_duties_are_shared_in_proportion_to_members() -> None:
    units = (Unit("U1", "县委办", members=1), Unit("U2", "县财政局", members=3))
    data = make_data(need("S1", "工作日", 1), units=units, rules=rules(max_consecutive_days=8, min_days_between=1))
    result = solved(build_problem(data, MON, day(3, 11)))  # 8 working days
    assert duties_per_unit(result) == {"U1": 2, "U2": 6}
    assert result.objective == 0


# --- horizons of several months (solved month by month) -------------------------------------------

MONTH_END = (day(1, 31), day(2, 1))  # a Saturday and a Sunday, in two months


def test_a_pin_early_next_month_is_kept_free_at_the_end_of_this_month() -> None:
    data = make_data(
        EVERY_DAY_S1,
        units=(Unit("U1", "县委办"),),
        rules=rules(max_consecutive_days=1),
        fixed=(Fixed(day(2, 1), "S1", "AM", "U1"),),
    )
    result = solved(build_problem(data, *MONTH_END), SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert rows(result) == [(day(2, 1), "S1", "AM", "U1")]
    # 01-31 missed: 1_000_000; fairness and weekend fairness: targets 20 tenths, 10 - 20 -> 100 * 10 each
    assert result.objective == 1_002_000


def test_a_forbidden_succession_holds_across_a_month_end_from_any_shift_of_the_last_day() -> None:
    data = make_data(
        *MORNING_AND_AFTERNOON, units=(Unit("U1", "县委办", max_per_day=2),), rules=rules(forbidden_successions=(("AM", "AM"),))
    )
    result = solved(build_problem(data, *MONTH_END), SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.check is not None
    assert sum(s.missing for s in result.check.shortfalls) == 1  # no two mornings in a row: 3 of 4 periods
    # 1_000_000; fairness and weekend fairness: targets 40 tenths, 30 - 40 -> 100 * 10 each;
    # spacing: the duties of the two days make 2 * 1 close pairs -> 2 * 1000
    assert result.objective == 1_004_000


def test_consecutive_days_hold_across_a_month_end_with_the_history_before_the_horizon() -> None:
    history = (History("U1", last_duty=day(1, 30), run_days=2),)
    data = make_data(EVERY_DAY_S1, units=(Unit("U1", "县委办"),), rules=rules(max_consecutive_days=3), history=history)
    result = solved(build_problem(data, *MONTH_END), SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert result.check is not None
    assert sum(s.missing for s in result.check.shortfalls) == 1  # one of the two days, not both
    # 1_000_000; fairness and weekend fairness 1000 each; the duty is 1 or 2 days after 01-30: spacing 1000
    assert result.objective == 1_003_000


# --- repeatability and a property -------------------------------------------------------------------


def test_one_worker_and_one_seed_give_the_same_roster_twice() -> None:
    units = tuple(Unit(f"U{n}", f"单位{n}", members=n, community="东街" if n % 2 else None) for n in range(1, 5))
    requests = (
        Request("U3", parse_day_spec("休息日"), RequestKind.AVOID),
        Request("U1", parse_day_spec("周三"), RequestKind.WANT, weight=2),
    )
    data = make_data(need("*", "全部", 1), need("S1", "休息日", 1, shift="PM"), units=units, requests=requests)
    problem = build_problem(data, MON, SUN)
    first, second = solve(problem, OPTIONS), solve(problem, OPTIONS)
    assert first.roster is not None and second.roster is not None
    assert assignments_csv(first.roster) == assignments_csv(second.roster)
    assert first.objective == second.objective


@settings(max_examples=15, deadline=None, derandomize=True)
@given(small_data_sets())
def test_any_small_data_set_solves_without_violations_and_with_the_checkers_objective(
    case: tuple[DataSet, dt.date, dt.date],
) -> None:
    data, start, end = case
    problem = build_problem(data, start, end)
    result = solve(problem, SolveOptions(time_limit=2, workers=1, seed=0))
    assert result.roster is not None and result.check is not None
    again = check(problem, result.roster)
    assert [(v.rule, v.unit, v.date, v.message) for v in again.violations] == []
    assert result.objective == again.objective == sum(score.penalty for score in result.check.scores)
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def test_a_search_has_stalled_once_it_found_nothing_better_for_its_patience_and_as_long_again() -> None:
    """Ten seconds in: with a patience of 5 s, stalled if its best came at 3 s or 4.5 s, not at
    6 s (4 s without news); with a patience of 3 s, not at 6 s either, since it took 6 s to find
    it; and a search with nothing found has not stalled, it has yet to start."""

    def at(best: float | None) -> Progress:
        return Progress(started=time.monotonic() - 10.0, last_at=best)

    assert at(3.0).stalled(5.0)
    assert at(4.5).stalled(5.0)
    assert not at(6.0).stalled(5.0)
    assert not at(6.0).stalled(3.0)
    assert at(4.0).stalled(3.0)
    assert not at(None).stalled(5.0)
