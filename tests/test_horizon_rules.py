"""The rule families a unit may carry over the whole horizon (used by the Curtois benchmark):
duties per shift, total minutes, its own longest run, the shortest run of duty days and of free
days, weekends in the horizon; and the soft rule against overstaffing.

For each: hand-made rosters where the checker must report exactly that violation (with runs
touching the first and the last day, which the shortest-run rules exempt), and the smallest
data where the solver must avoid it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from conftest import AM, PM, day, duty, make_data, need, rules
from test_solver import avoid_all, rows, solved

from rotation.cells import parse_day_spec
from rotation.checker import check
from rotation.model import Demand, Request, RequestKind, Unavailability, Unit, UnitLimits
from rotation.problem import Problem, build_problem
from rotation.roster import Roster
from rotation.units import SCALE

MON, TUE, WED, THU, FRI, SAT, SUN = (day(3, n) for n in range(2, 9))  # the week of 2026-03-02
WEEK = (MON, TUE, WED, THU, FRI, SAT, SUN)
PLAIN = rules(
    weights={"fairness": 0, "weekend_fairness": 0, "spacing": 0, "home_community": 0, "gap_runs": 0}, max_consecutive_days=7
)
MISSING = 10_000 * SCALE  # one unit-duty short, at the default coverage weight


def on_dates(*dates: dt.date, shift: str = "AM", low: int = 1) -> tuple[Demand, ...]:
    return tuple(Demand("S1", parse_day_spec(d.isoformat()), shift, min=low, max=low) for d in dates)


def week(unit: Unit, *demand: Demand, start: dt.date = MON, end: dt.date = SUN) -> Problem:
    """``unit`` and a plain U2 over ``start``..``end`` with ``demand``."""
    return build_problem(make_data(*demand, units=(unit, Unit("U2", "县财政局")), rules=PLAIN), start, end)


def alone(unit: Unit, *demand: Demand, start: dt.date = MON, end: dt.date = SUN) -> Problem:
    return build_problem(make_data(*demand, units=(unit,), rules=PLAIN), start, end)


def broken(problem: Problem, *dates: dt.date, unit: str = "U1", shift: str = "AM") -> list[tuple]:
    roster = Roster(duty(d, unit, shift=shift) for d in dates)
    return [(v.rule, v.unit, v.date) for v in check(problem, roster).violations]


# --- duties per shift -------------------------------------------------------------------------------


def test_a_unit_takes_no_more_duties_of_a_shift_than_its_limit() -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(max_per_shift=(("AM", 1),))), need("S1", "全部", 1))
    assert broken(problem, MON) == []
    assert broken(problem, MON, WED) == [("per_shift", "U1", None)]
    assert broken(problem, MON, WED, unit="U2") == []  # only U1 has the limit
    # a limit on AM says nothing about PM
    pm = week(Unit("U1", "县委办", limits=UnitLimits(max_per_shift=(("AM", 1),))), need("S1", "全部", 1, shift="PM"))
    assert broken(pm, MON, WED, shift="PM") == []


def test_the_solver_leaves_a_unit_at_its_shift_limit() -> None:
    result = solved(alone(Unit("U1", "县委办", limits=UnitLimits(max_per_shift=(("AM", 2),))), need("S1", "全部", 1), end=WED))
    assert len(rows(result)) == 2
    assert result.objective == MISSING  # the third day goes uncovered


def test_a_shift_limit_of_zero_makes_the_unit_ineligible() -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(max_per_shift=(("AM", 0),))), need("S1", "全部", 1))
    assert all(slot.eligible == ("U2",) for slot in problem.slots)


# --- total minutes ----------------------------------------------------------------------------------


def test_a_units_minutes_stay_within_its_bounds() -> None:
    assert AM.minutes == 210 and PM.minutes == 210
    problem = week(Unit("U1", "县委办", limits=UnitLimits(min_minutes=420, max_minutes=630)), need("S1", "全部", 1))
    assert broken(problem, MON) == [("min_minutes", "U1", None)]
    assert broken(problem, MON, WED) == []
    assert broken(problem, MON, WED, FRI) == []
    assert broken(problem, MON, WED, FRI, SUN) == [("max_minutes", "U1", None)]
    assert broken(problem) == [("min_minutes", "U1", None)]  # no duty at all is 0 minutes


def test_the_solver_gives_a_unit_its_minimum_minutes_even_against_its_wish() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(min_minutes=420))
    data = make_data(need("S1", "全部", 1), units=(unit, Unit("U2", "县财政局")), rules=PLAIN, requests=(avoid_all("U1"),))
    result = solved(build_problem(data, MON, WED))
    assert sum(1 for r in rows(result) if r[3] == "U1") == 2
    assert result.objective == 2 * 5 * 10 * SCALE  # two duties against U1's wish (weight 5, rule weight 10)


def test_the_solver_keeps_a_unit_under_its_maximum_minutes() -> None:
    result = solved(alone(Unit("U1", "县委办", limits=UnitLimits(max_minutes=420)), need("S1", "全部", 1), end=WED))
    assert len(rows(result)) == 2 and result.objective == MISSING


# --- a unit's own longest run -----------------------------------------------------------------------


def test_a_units_own_longest_run_overrides_the_rules_table() -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(max_consecutive_days=1)), need("S1", "全部", 1))
    assert broken(problem, MON, TUE) == [("consecutive", "U1", TUE)]
    assert broken(problem, MON, TUE, unit="U2") == []  # U2 follows the table: 7 days


def test_the_solver_breaks_a_run_at_a_units_own_limit() -> None:
    result = solved(alone(Unit("U1", "县委办", limits=UnitLimits(max_consecutive_days=2)), need("S1", "全部", 1), end=WED))
    assert [r[0] for r in rows(result)] in ([MON, TUE], [TUE, WED], [MON, WED])
    assert result.objective == MISSING


# --- the shortest run of duty days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((MON,), []),  # touches the first day: may have begun before the horizon
        ((SUN,), []),  # touches the last day: may go on after it
        ((WED,), [("min_consecutive", "U1", WED)]),
        ((TUE, WED), []),
        ((MON, WED, THU, SUN), []),
        ((MON, TUE, THU, SAT, SUN), [("min_consecutive", "U1", THU)]),
        (WEEK, []),
    ],
)
def test_a_run_of_duty_days_inside_the_horizon_is_long_enough(dates: tuple, expected: list) -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(min_consecutive_days=2)), need("S1", "全部", 1))
    assert broken(problem, *dates) == expected


def test_the_solver_leaves_a_lone_duty_day_uncovered_rather_than_break_a_run() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(min_consecutive_days=2))
    result = solved(alone(unit, *on_dates(WED)))  # a duty only on Wednesday: a run of one
    assert rows(result) == [] and result.objective == MISSING
    result = solved(alone(unit, *on_dates(MON)))  # Monday touches the first day: allowed
    assert [r[0] for r in rows(result)] == [MON] and result.objective == 0


def test_a_day_the_unit_cannot_work_ends_its_run() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(min_consecutive_days=2))
    data = make_data(*on_dates(TUE, WED), units=(unit,), rules=PLAIN, unavailability=(Unavailability("U1", WED, WED),))
    result = solved(build_problem(data, MON, SUN))
    assert rows(result) == [] and result.objective == 2 * MISSING


# --- the shortest run of free days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((MON, WED), [("min_days_off", "U1", TUE)]),
        ((MON, THU), []),
        ((TUE,), []),  # free Monday touches the first day, free Wednesday to Sunday the last
        ((MON, TUE, WED, THU, FRI, SUN), [("min_days_off", "U1", SAT)]),  # the free day ends at a duty on the last day
        ((MON, TUE, WED, THU, FRI, SAT), []),  # a free last day is exempt
    ],
)
def test_a_run_of_free_days_between_duties_is_long_enough(dates: tuple, expected: list) -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(min_days_off=2)), need("S1", "全部", 1))
    assert broken(problem, *dates) == expected


def test_the_solver_gives_a_unit_its_shortest_rest() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(min_days_off=2))
    result = solved(alone(unit, *on_dates(MON, WED)))
    assert len(rows(result)) == 1 and result.objective == MISSING
    result = solved(alone(unit, *on_dates(MON, THU)))
    assert len(rows(result)) == 2 and result.objective == 0


def test_days_off_are_counted_whatever_the_unit_could_have_worked() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(min_days_off=2))
    problem = alone(unit, *on_dates(MON, WED))  # nothing open on Tuesday: still a free day
    assert broken(problem, MON, WED) == [("min_days_off", "U1", TUE)]


# --- weekends in the horizon ------------------------------------------------------------------------


def test_weekends_are_counted_over_the_horizon_each_once() -> None:
    problem = week(Unit("U1", "县委办", limits=UnitLimits(max_weekends=1)), need("S1", "全部", 1), end=day(3, 15))
    assert broken(problem, SAT, SUN) == []  # one weekend, both days
    assert broken(problem, SAT, day(3, 15)) == [("horizon_weekends", "U1", None)]


def test_a_weekend_across_a_month_end_counts_once() -> None:
    # 2026-01-31 is a Saturday, 02-01 a Sunday: one weekend, though the monthly rule sees two months
    saturday, sunday = dt.date(2026, 1, 31), dt.date(2026, 2, 1)
    problem = week(
        Unit("U1", "县委办", limits=UnitLimits(max_weekends=1)),
        need("S1", "全部", 1),
        start=dt.date(2026, 1, 26),
        end=dt.date(2026, 2, 8),
    )
    assert problem.weekends == ((saturday, sunday), (dt.date(2026, 2, 7), dt.date(2026, 2, 8)))
    assert broken(problem, saturday, sunday) == []
    assert broken(problem, sunday, dt.date(2026, 2, 7)) == [("horizon_weekends", "U1", None)]


def test_the_solver_keeps_a_unit_to_its_weekends() -> None:
    unit = Unit("U1", "县委办", limits=UnitLimits(max_weekends=1))
    result = solved(alone(unit, *on_dates(SAT, SUN, day(3, 14), day(3, 15)), end=day(3, 15)))
    dates = [r[0] for r in rows(result)]
    assert dates in ([SAT, SUN], [day(3, 14), day(3, 15)])
    assert result.objective == 2 * MISSING


# --- overstaffing (soft) ----------------------------------------------------------------------------


def test_overstaffing_costs_each_unit_beyond_the_minimum_at_its_weight() -> None:
    data = make_data(need("S1", "全部", 1, 2), rules=rules(weights={"overstaffing": 3}))
    problem = build_problem(data, MON, MON)
    two = Roster([duty(MON, "U1"), duty(MON, "U2", first=False)])
    assert check(problem, two).score("overstaffing").penalty == 3 * SCALE
    assert check(problem, two).score("overstaffing").amount == 1
    assert check(problem, Roster([duty(MON, "U1")])).score("overstaffing").penalty == 0
    # off by default: the county's demand often allows more units than it needs
    default = build_problem(replace(data, rules=rules()), MON, MON)
    assert check(default, two).score("overstaffing").penalty == 0


def test_the_solver_adds_no_unit_beyond_the_minimum_when_that_costs() -> None:
    wants = tuple(Request(u, parse_day_spec("全部"), RequestKind.WANT, weight=1) for u in ("U1", "U2"))
    base = {"fairness": 0, "weekend_fairness": 0, "spacing": 0, "home_community": 0, "requests": 1}
    # both units wish to serve (1 point each unmet) against overstaffing at 0 or 5 points
    for over, duties, objective in ((0, 2, 0), (5, 1, 1 * SCALE)):
        data = make_data(need("S1", "全部", 1, 2), rules=rules(weights={**base, "overstaffing": over}), requests=wants)
        result = solved(build_problem(data, MON, MON))
        assert len(rows(result)) == duties and result.objective == objective
