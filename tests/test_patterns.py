"""The pattern bound (column generation over each unit's days) against rosters whose objective
the checker knows: it never exceeds one, and it sees close pairs the flow bound cannot."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from pathlib import Path

import pytest
from conftest import COUNTY_CENTRE, EAST_STATION, day, make_data, need, rules, small_data_sets
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from rotation.budget import Budget
from rotation.calendar import month_end
from rotation.cells import parse_day_spec
from rotation.checker import check
from rotation.engine import _with_bound, pinned_duties, solve
from rotation.loader import load
from rotation.model import DEFAULT_ROLE, DataSet, Fixed, History, Request, RequestKind, Station, Unavailability, Unit, UnitLimits
from rotation.problem import build_problem
from rotation.roster import Roster
from rotation.solver.bound import soft_lower_bound
from rotation.solver.cpsat import Progress, SolveOptions
from rotation.solver.greedy import as_assignments, first_roster
from rotation.solver.patterns import (
    CLOSE_ENOUGH,
    ROUND_COST,
    DutyCosts,
    PatternBound,
    fairness_floor,
    month_slopes,
    months_bound,
    pattern_bound,
    rounds,
)
from rotation.solver.rounding import plan_roster

MON, WED = day(3, 2), day(3, 4)
ONE_UNIT = (Unit("U1", "县委办"),)
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "fengqing"


def only_roster_objective(data: DataSet) -> int:
    """U1 alone on S1 every morning from MON to WED: the one roster there is, scored."""
    problem = build_problem(data, MON, WED)
    result = solve(problem, SolveOptions(time_limit=5, workers=1, seed=0))
    assert result.roster is not None and result.check is not None
    assert [a.date for a in result.roster] == [MON, MON + dt.timedelta(days=1), WED]
    return result.objective


def test_three_days_in_a_row_cost_three_close_pairs_which_only_the_pattern_bound_sees() -> None:
    data = make_data(need("S1", "全部", 1), units=ONE_UNIT, rules=rules(min_days_between=3, max_consecutive_days=3))
    problem = build_problem(data, MON, WED)
    found = pattern_bound(problem)
    assert found is not None and found.converged
    objective = only_roster_objective(data)
    assert check(problem, Roster([])).objective > objective  # not a bound by leaving duties empty
    assert found.bound == objective == 3 * 10 * 100  # three pairs at weight 10, in hundredths
    assert soft_lower_bound(problem) == 2 * 10 * 100  # the flow bound counts a chain of N days as N - 1


def test_the_last_duty_before_the_horizon_counts_in_the_bound() -> None:
    history = (History("U1", last_duty=MON - dt.timedelta(days=1)),)
    data = make_data(
        need("S1", "全部", 1), units=ONE_UNIT, history=history, rules=rules(min_days_between=3, max_consecutive_days=4)
    )
    problem = build_problem(data, MON, WED)
    found = pattern_bound(problem)
    objective = only_roster_objective(data)
    assert found is not None and found.bound == objective
    assert check(problem, Roster(as_assignments(first_roster(problem, [])))).score("spacing").amount == 5


def test_a_weekend_limit_moves_duties_and_the_bound_knows() -> None:
    # two units, S1 open every day of a week; one weekend block a month each: one unit takes
    # Saturday and Sunday, however the rest is spread
    data = make_data(need("S1", "全部", 1), rules=rules(min_days_between=2, max_consecutive_days=7, max_weekends_per_month=1))
    problem = build_problem(data, MON, day(3, 8))
    found = pattern_bound(problem)
    result = solve(problem, SolveOptions(time_limit=5, workers=1, seed=0))
    assert found is not None and result.objective is not None
    assert result.status.name == "OPTIMAL" and found.bound == result.objective


@settings(max_examples=25, deadline=None, derandomize=True)
@given(small_data_sets())
def test_no_roster_the_solver_proves_optimal_is_below_the_bound(case: tuple[DataSet, dt.date, dt.date]) -> None:
    data, start, end = case
    problem = build_problem(data, start, end)
    result = solve(problem, SolveOptions(time_limit=2, workers=1, seed=0))
    found = pattern_bound(problem, budget=rounds(200))
    assert result.objective is not None and found is not None
    assert found.converged
    assert found.bound <= result.objective
    assert result.bound is None or result.bound <= result.objective


def test_on_a_county_week_the_pattern_bound_is_tighter_than_the_flow_bound() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    greedy = Roster(as_assignments(first_roster(problem, [])))
    flow = soft_lower_bound(problem)
    found = pattern_bound(problem, seeds=[greedy], budget=rounds(300))
    assert found is not None and flow is not None
    assert flow < found.bound <= check(problem, greedy).objective


def test_a_fixed_number_of_iterations_gives_the_same_bound_twice() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    first, second = pattern_bound(problem, budget=rounds(3)), pattern_bound(problem, budget=rounds(3))
    assert first is not None and second is not None
    assert (first.bound, first.iterations, first.columns) == (second.bound, second.iterations, second.columns)


def test_a_deterministic_budget_is_charged_each_round_and_ends_the_columns() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    budget = rounds(4)
    found = pattern_bound(problem, budget=budget)
    assert found is not None and not found.converged  # a month needs far more than four rounds
    assert found.iterations == 4 and budget.spent() == 4 * ROUND_COST and budget.expired


@pytest.mark.wallclock
def test_a_wall_clock_budget_ends_the_columns_and_the_dive_in_time() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    found = pattern_bound(problem, budget=Budget(60.0), columns=4.0, dive=2.0)
    assert found is not None and not found.converged  # a month needs far more than 4 s
    assert found.seconds < 4.0 + 2.0 + 1.0  # a solve of the master is cut at the deadline


# --- the dive: one pattern per unit ----------------------------------------------------------------------


def longest_run(duties: tuple[float, ...]) -> int:
    run = best = 0
    for count in duties:
        run = run + 1 if count else 0
        best = max(best, run)
    return best


@settings(max_examples=25, deadline=None, derandomize=True)
@given(small_data_sets())
def test_the_dived_plan_is_whole_keeps_the_bound_and_each_units_rules(case: tuple[DataSet, dt.date, dt.date]) -> None:
    data, start, end = case
    problem = build_problem(data, start, end)
    lp = pattern_bound(problem, budget=rounds(200))
    dived = pattern_bound(problem, budget=rounds(200 + 1000), columns=200 * ROUND_COST, dive=1000 * ROUND_COST)
    assert lp is not None and dived is not None
    assert dived.bound == lp.bound  # the bound is taken before the dive changes the master
    capacity = Counter((slot.date, unit) for slot in problem.slots for unit in slot.eligible)
    for unit, duties in dived.plan.items():
        assert all(float(count).is_integer() and count >= 0 for count in duties)
        assert longest_run(duties) <= data.max_consecutive_days(data.unit(unit))
        for t, count in enumerate(duties):
            date = start + dt.timedelta(days=t)
            assert count <= min(capacity[(date, unit)], problem.max_per_day(unit))


def test_a_dived_plan_of_a_county_week_rounds_to_fewer_close_pairs_than_the_lp_plan() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    lp = pattern_bound(problem, budget=rounds(300))
    dived = pattern_bound(problem, budget=rounds(300 + 1000), columns=300 * ROUND_COST, dive=1000 * ROUND_COST)
    assert lp is not None and dived is not None
    from_lp = check(problem, Roster(plan_roster(problem, lp.plan)))
    from_dive = check(problem, Roster(plan_roster(problem, dived.plan)))
    assert from_dive.shortfalls == ()
    assert from_dive.score("spacing").amount < from_lp.score("spacing").amount
    assert from_dive.objective < from_lp.objective


# --- the plan rounded into a first roster -------------------------------------------------------------


def test_the_rounded_plan_breaks_a_run_the_plan_would_make_too_long() -> None:
    data = make_data(need("S1", "全部", 1), rules=rules(max_consecutive_days=2, min_days_between=0))
    problem = build_problem(data, MON, day(3, 5))
    duties = plan_roster(problem, {"U1": (1.0, 1.0, 1.0, 1.0), "U2": (0.0, 0.0, 0.0, 0.0)})
    assert [a.unit for a in duties] == ["U1", "U1", "U2", "U1"]


def test_rounding_errors_carry_to_the_next_day_so_halves_alternate() -> None:
    data = make_data(need("S1", "全部", 1), rules=rules(max_consecutive_days=7, min_days_between=0))
    problem = build_problem(data, MON, day(3, 5))
    duties = plan_roster(problem, {"U1": (0.5,) * 4, "U2": (0.5,) * 4})
    units = [a.unit for a in duties]
    assert len(units) == 4 and units.count("U1") == units.count("U2") == 2
    assert all(a != b for a, b in itertools.pairwise(units))


def test_a_whole_plan_keeps_its_pattern_after_a_day_it_could_not_follow() -> None:
    # U2 is away on Tuesday, so U1 covers it; U1's Wednesday stays its own, not a day to make up
    away = (Unavailability("U2", day(3, 3), day(3, 3)),)
    data = make_data(need("S1", "全部", 1), unavailability=away, rules=rules(min_days_between=0, max_consecutive_days=7))
    problem = build_problem(data, MON, day(3, 5))
    duties = plan_roster(problem, {"U1": (1.0, 0.0, 1.0, 0.0), "U2": (0.0, 1.0, 0.0, 1.0)})
    assert [a.unit for a in duties] == ["U1", "U1", "U1", "U2"]


def test_a_duty_the_plan_left_open_goes_to_the_unit_it_brings_no_close_pair() -> None:
    # nobody is planned on Wednesday; U1-U3 have duties two days or less away, U4 has none
    units = tuple(Unit(f"U{n}", f"单位{n}") for n in range(1, 5))
    data = make_data(need("S1", "全部", 1), units=units, rules=rules(min_days_between=3, max_consecutive_days=7))
    problem = build_problem(data, MON, day(3, 6))
    plan = {"U1": (1.0, 0.0, 0.0, 0.0, 1.0), "U2": (0.0, 1.0, 0.0, 0.0, 0.0), "U3": (0.0, 0.0, 0.0, 1.0, 0.0), "U4": (0.0,) * 5}
    duties = plan_roster(problem, plan)
    assert [a.unit for a in duties] == ["U1", "U2", "U4", "U3", "U1"]
    assert check(problem, Roster(duties)).score("spacing").amount == 0


def test_an_open_weekend_duty_goes_to_the_unit_whose_plan_has_room_for_another_weekend() -> None:
    # one weekend block a month each; nobody is planned on Saturday 7 March. U1 would make no
    # close pair there, but its plan needs its one block on the 14th; U2 works that weekend anyway
    data = make_data(need("S1", "全部", 1), rules=rules(min_days_between=2, max_consecutive_days=7, max_weekends_per_month=1))
    problem = build_problem(data, day(3, 7), day(3, 14))
    plan = {"U1": (0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0), "U2": (0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0)}
    duties = plan_roster(problem, plan)
    assert [a.unit for a in duties] == ["U2", "U2", "U1", "U2", "U1", "U2", "U1", "U1"]
    assert not [v for v in check(problem, Roster(duties)).violations if v.rule == "weekends"]


def test_an_open_duty_goes_to_the_unit_whose_month_has_room_for_it() -> None:
    # U1 may serve twice a month and its plan has both duties; U2 has none planned but Tuesday,
    # so Monday, open, costs U2 a close pair and still goes to it
    units = (Unit("U1", "单位1", max_total=2), Unit("U2", "单位2"))
    data = make_data(need("S1", "全部", 1), units=units, rules=rules(min_days_between=2, max_consecutive_days=7))
    problem = build_problem(data, MON, day(3, 5))
    duties = plan_roster(problem, {"U1": (0.0, 0.0, 1.0, 1.0), "U2": (0.0, 1.0, 0.0, 0.0)})
    assert [a.unit for a in duties] == ["U2", "U2", "U1", "U1"]
    assert not [v for v in check(problem, Roster(duties)).violations if v.rule == "max_total"]


def test_a_unit_at_its_most_duties_a_month_leaves_the_next_duty_its_plan_wants_to_another_unit() -> None:
    units = (Unit("U1", "单位1", max_total=2), Unit("U2", "单位2"))
    data = make_data(need("S1", "全部", 1), units=units, rules=rules(min_days_between=0, max_consecutive_days=7))
    problem = build_problem(data, MON, WED)
    duties = plan_roster(problem, {"U1": (1.0, 1.0, 1.0), "U2": (0.0, 0.0, 0.0)})
    assert [a.unit for a in duties] == ["U1", "U1", "U2"]


def test_a_period_left_with_no_unit_that_may_own_first_inquiry_gets_one_by_a_swap() -> None:
    # the flow sends U1 (no first inquiry) alone to S2, its home; U3, on duty at S1, swaps with it
    units = (
        Unit("U1", "单位1", community="东街", roles=(DEFAULT_ROLE, "领班"), first_inquiry=False),
        Unit("U2", "单位2"),
        Unit("U3", "单位3", community="西街", roles=(DEFAULT_ROLE, "领班")),
    )
    data = make_data(need("S1", "全部", 2), need("S2", "全部", 1, role="领班"), units=units, rules=rules(min_days_between=0))
    problem = build_problem(data, MON, MON)
    duties = plan_roster(problem, {"U1": (1.0,), "U2": (1.0,), "U3": (1.0,)})
    assert sorted((a.station, a.unit) for a in duties) == [("S1", "U1"), ("S1", "U2"), ("S2", "U3")]


def test_of_the_units_that_could_swap_in_the_one_sending_fewest_duties_away_from_home_does() -> None:
    # U1 (no first inquiry) is alone at S2, its home; U3 (home 西街, at S3) would swap it to
    # S3 and itself to S2, two duties away from home; U4 (home 北街, at S1) only itself
    def unit(name: str, home: str | None, roles: tuple[str, ...] = (DEFAULT_ROLE, "领班"), first: bool = True) -> Unit:
        return Unit(name, name, community=home, roles=roles, first_inquiry=first)

    units = (
        unit("U1", "东街", first=False),
        unit("U2", "北街", roles=(DEFAULT_ROLE,)),
        unit("U3", "西街"),
        unit("U4", "北街"),
        unit("U5", "西街", roles=(DEFAULT_ROLE,)),
    )
    west = Station("S3", "西街服务站", 3, "西街")
    data = make_data(
        need("S1", "全部", 2),
        need("S2", "全部", 1, role="领班"),
        need("S3", "全部", 2),
        units=units,
        stations=(COUNTY_CENTRE, EAST_STATION, west),
        rules=rules(min_days_between=0),
    )
    problem = build_problem(data, MON, MON)
    duties = plan_roster(problem, {u.id: (1.0,) for u in units})
    assert sorted((a.station, a.unit) for a in duties) == [("S1", "U1"), ("S1", "U2"), ("S2", "U4"), ("S3", "U3"), ("S3", "U5")]


def rounded_on_monday(*requests: Request) -> list[tuple[str, str]]:
    """Where U1 and U2, both planned on Monday, serve S1 and S2: without requests, U1 at S2."""
    data = make_data(need("S1", "全部", 1), need("S2", "全部", 1), requests=requests, rules=rules(min_days_between=0))
    duties = plan_roster(build_problem(data, MON, MON), {"U1": (1.0,), "U2": (1.0,)})
    return sorted((a.station, a.unit) for a in duties)


def test_a_wish_for_a_station_on_a_day_the_unit_is_planned_is_met() -> None:
    assert rounded_on_monday() == [("S1", "U2"), ("S2", "U1")]
    assert rounded_on_monday(Request("U2", parse_day_spec("2026-03-02"), RequestKind.WANT, station="S2")) == [
        ("S1", "U1"),
        ("S2", "U2"),
    ]


def test_a_station_a_unit_asked_to_avoid_goes_to_the_other_unit_on_duty() -> None:
    assert rounded_on_monday(Request("U1", parse_day_spec("周一"), RequestKind.AVOID, station="S2")) == [
        ("S1", "U1"),
        ("S2", "U2"),
    ]


def test_a_pin_is_kept_whatever_the_plan_says() -> None:
    pin = Fixed(day(3, 3), "S1", "AM", "U2")
    data = make_data(need("S1", "全部", 1), fixed=(pin,), rules=rules(min_days_between=0))
    problem = build_problem(data, MON, WED)
    duties = plan_roster(problem, {"U1": (1.0, 1.0, 1.0), "U2": (0.0, 0.0, 0.0)})
    assert [a.unit for a in duties] == ["U1", "U2", "U1"]


def test_the_plan_of_a_county_week_covers_every_duty() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    found = pattern_bound(problem, budget=rounds(300))
    assert found is not None
    result = check(problem, Roster(plan_roster(problem, found.plan)))
    assert result.shortfalls == ()
    greedy = check(problem, Roster(as_assignments(first_roster(problem, []))))
    assert result.score("spacing").amount < greedy.score("spacing").amount


def test_a_solve_too_short_to_search_still_returns_a_roster_that_keeps_every_hard_rule() -> None:
    # no time for the plan or a search: the greedy roster, settled and filled, is the answer
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    result = solve(problem, SolveOptions(time_limit=0.5, workers=2, seed=1))
    assert result.roster is not None and result.check is not None
    assert result.check.violations == ()
    greedy = check(problem, Roster(as_assignments(first_roster(problem, pinned_duties(problem)))))
    assert sum(s.missing for s in result.check.shortfalls) <= sum(s.missing for s in greedy.shortfalls)


def test_the_progress_line_shows_the_pattern_bound_while_cp_sats_is_weaker() -> None:
    seen: list[Progress] = []
    show = _with_bound(seen.append, PatternBound(500, True, 1, 1, 0.0, {}))
    assert show is not None
    for bound in (-1000, 900, None):
        show(Progress(phase="优化", bound=bound))
    assert [p.bound for p in seen] == [500, 900, 500]


def test_a_bound_month_by_month_drops_only_the_close_pairs_across_the_month_end() -> None:
    # U1 alone on S1 from Monday 30 March to Wednesday 1 April: three close pairs, one in March
    data = make_data(need("S1", "全部", 1), units=ONE_UNIT, rules=rules(min_days_between=3, max_consecutive_days=3))
    problem = build_problem(data, day(3, 30), day(4, 1))
    found = months_bound(problem)
    assert found is not None
    total, parts = found
    assert [part.bound for part in parts] == [10 * 100, 0]
    assert total == 10 * 100 < check(problem, Roster(as_assignments(first_roster(problem, [])))).objective == 3000


@settings(max_examples=25, deadline=None, derandomize=True)
@given(small_data_sets(), st.integers(0, 4), st.lists(st.integers(-3000, 3000), min_size=10, max_size=10))
def test_no_roster_across_a_month_end_is_below_the_months_bound(
    case: tuple[DataSet, dt.date, dt.date], before: int, prices: list[int]
) -> None:
    data, start, end = case
    length = end - start  # 2-6 days, moved to end 1-6 days after the month's end
    start = month_end(start) - dt.timedelta(days=before % length.days)
    end = start + length
    problem = build_problem(data, start, end)
    result = solve(problem, SolveOptions(time_limit=2, workers=1, seed=0))
    found = months_bound(problem, rounds(200 * len(problem.month_parts)))
    assert result.objective is not None and found is not None
    assert found[0] <= result.objective
    assert len(found[1]) == 2 and all(part.converged for part in found[1])
    # the Lagrangian split of fairness holds whatever the prices, rewards included
    units = [u.id for u in data.units]
    costs = DutyCosts(
        dict(zip(units, map(float, prices[:5]), strict=False)), dict(zip(units, map(float, prices[5:]), strict=False))
    )
    priced = months_bound(problem, rounds(200 * len(problem.month_parts)), costs=costs)
    assert priced is not None and priced[0] <= result.objective


def test_a_horizon_with_a_minimum_over_all_of_it_has_no_months_bound() -> None:
    units = (Unit("U1", "县委办", limits=UnitLimits(min_consecutive_days=2)),)
    data = make_data(need("S1", "全部", 1), units=units, rules=rules(max_consecutive_days=3))
    assert months_bound(build_problem(data, day(3, 30), day(4, 1))) is None


def test_the_months_bound_leaves_fairness_to_the_whole_horizon() -> None:
    # two equal units, one duty on 31 March and one on 1 April: each takes one, and the roster
    # is fair; each month alone would count half a duty off each unit's share
    data = make_data(need("S1", "全部", 1), rules=rules(min_days_between=0))
    problem = build_problem(data, day(3, 31), day(4, 1))
    result = solve(problem, SolveOptions(time_limit=5, workers=1, seed=0))
    found = months_bound(problem)
    assert result.objective == 0 and found is not None
    assert found[0] == 0


def test_the_least_fairness_can_cost_is_taken_over_every_count_the_unit_could_reach() -> None:
    # U1 alone on S1 Monday to Wednesday: its fair share is all three duties
    problem = build_problem(make_data(need("S1", "全部", 1), units=ONE_UNIT), MON, WED)
    weight = 10 * 100  # the default weight, times a duty's deviation (10 tenths) squared
    assert fairness_floor(problem, DutyCosts({}, {})) == 0
    # a price of 5 points a duty: 3 duties give -15; 2 give one duty off (10) less 10
    assert fairness_floor(problem, DutyCosts({"U1": 500.0}, {})) == -1500
    # a reward of 25 points a duty: 3 duties give 75; 2 give 10 + 50; 1 gives 40 + 25
    assert fairness_floor(problem, DutyCosts({"U1": -2500.0}, {})) == min(7500, weight + 5000, 4 * weight + 2500)


def test_with_the_month_lps_own_slopes_one_month_splits_fairness_about_exactly() -> None:
    # one month: the prices that make the split exact are the LP's own duals, the slopes
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    whole = pattern_bound(problem, budget=rounds(300))
    slopes = month_slopes(problem, rounds(300 * len(problem.month_parts)))
    plain = months_bound(problem, rounds(300 * len(problem.month_parts)))
    priced = months_bound(problem, rounds(300 * len(problem.month_parts)), costs=slopes)
    assert whole is not None and whole.converged and slopes is not None and plain is not None and priced is not None
    assert plain[0] < priced[0]
    assert abs(priced[0] - whole.bound) <= 0.01 * whole.bound
    roster = check(problem, Roster(plan_roster(problem, whole.plan)))
    assert priced[0] <= roster.objective


def test_a_glop_solve_that_stops_abnormally_is_solved_again_afresh(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # GLOP warm-started from the last basis stopped ABNORMAL once on a county month
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    clean = pattern_bound(problem, budget=rounds(300))
    solve_once = pywraplp.Solver.Solve
    calls = []

    def faulty(lp: pywraplp.Solver) -> int:
        calls.append(1)
        return pywraplp.Solver.ABNORMAL if len(calls) == 3 else solve_once(lp)

    monkeypatch.setattr(pywraplp.Solver, "Solve", faulty)
    found = pattern_bound(problem, budget=rounds(300))
    assert clean is not None and found is not None and len(calls) > 3
    assert abs(found.bound - clean.bound) <= 2 * CLOSE_ENOUGH * clean.bound  # afresh, other duals: other columns
