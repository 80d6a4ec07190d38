"""Continuity: a month after a previous roster, a year of months, repairing a published roster."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from conftest import day, duty, make_data, need, rules

from rotation.checker import check
from rotation.engine import solve, solve_after
from rotation.errors import DataError
from rotation.model import Fixed, Person, Unavailability, Unit
from rotation.problem import build_problem
from rotation.repair import repair, repair_problem
from rotation.roster import Change, Roster, changes_between, unit_changes
from rotation.solver.cpsat import SolveOptions

OPTIONS = SolveOptions(time_limit=2, workers=1, seed=0)
EVERY_DAY_S1 = need("S1", "全部", 1)
JANUARY = (day(1, 1), day(1, 31))
FEBRUARY = (day(2, 1), day(2, 28))
THREE_UNITS = tuple(Unit(f"U{n}", f"单位{n}") for n in range(1, 4))


def _clean(result) -> Roster:  # type: ignore[no-untyped-def]
    assert result.roster is not None and result.check is not None
    assert [(v.rule, v.unit, v.date) for v in result.check.violations] == []
    assert result.objective == check(result.problem, result.roster).objective
    return result.roster


# --- a month after a previous roster (--previous) ---------------------------------------------------


def test_a_run_at_the_end_of_the_previous_roster_blocks_the_first_day() -> None:
    # U1 serves 01-30 and 01-31 (pinned); at most 2 days in a row, and U2 is away on 02-01:
    # 02-01 cannot be covered, which only the previous roster can tell
    data = make_data(
        EVERY_DAY_S1,
        rules=rules(max_consecutive_days=2, max_weekends_per_month=31),
        fixed=(Fixed(day(1, 30), "S1", "AM", "U1"), Fixed(day(1, 31), "S1", "AM", "U1")),
        unavailability=(Unavailability("U2", day(2, 1), day(2, 1)),),
    )
    january = _clean(solve(build_problem(data, *JANUARY), OPTIONS))
    february = solve_after(build_problem(data, *FEBRUARY), list(january), OPTIONS)
    roster = _clean(february)
    assert [a.unit for a in roster if a.date == day(2, 1)] == []
    assert february.check is not None and [s.date for s in february.check.shortfalls] == [day(2, 1)]
    # the two months together keep every rule, as one horizon solved at once does
    both = build_problem(data, JANUARY[0], FEBRUARY[1])
    assert not check(both, Roster([*january, *roster])).violations
    at_once = solve(both, OPTIONS)
    _clean(at_once)
    assert at_once.check is not None and [s.date for s in at_once.check.shortfalls] == [day(2, 1)]


def test_the_previous_roster_becomes_history_for_the_years_counts_and_the_last_duty() -> None:
    data = make_data(EVERY_DAY_S1, units=THREE_UNITS)
    january = _clean(solve(build_problem(data, *JANUARY), OPTIONS))
    february = solve_after(build_problem(data, *FEBRUARY), list(january), OPTIONS)
    _clean(february)
    history = {h.unit: h for h in february.problem.data.history}
    served = Counter(a.unit for a in january)
    for unit in ("U1", "U2", "U3"):
        assert history[unit].duties_ytd == served[unit]
        assert history[unit].last_duty == max(a.date for a in january if a.unit == unit)
    weekend = {d.date for d in build_problem(data, *JANUARY).days if not d.is_working}
    assert history["U1"].weekends_ytd == sum(1 for a in january if a.unit == "U1" and a.date in weekend)


def test_a_forbidden_succession_holds_from_the_previous_rosters_last_evening() -> None:
    # U2 is away on 02-01 and U1 served the evening before: nobody may take the morning
    data = make_data(
        need("S1", "全部", 1, shift="AM"),
        need("S1", "全部", 1, shift="PM"),
        units=(Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局", max_per_day=2)),
        unavailability=(Unavailability("U2", day(2, 1), day(2, 1)),),
        rules=rules(forbidden_successions=(("PM", "AM"),), max_consecutive_days=31, max_weekends_per_month=31),
    )
    previous = [duty(day(1, 31), "U2", shift="AM"), duty(day(1, 31), "U1", shift="PM")]
    result = solve_after(build_problem(data, *FEBRUARY), previous, OPTIONS)
    roster = _clean(result)
    assert [(a.shift, a.unit) for a in roster if a.date == day(2, 1)] == [("PM", "U1")]
    assert result.check is not None and [(s.date, s.shift) for s in result.check.shortfalls] == [(day(2, 1), "AM")]


def _year_spread(roster: Roster, units: tuple[Unit, ...]) -> float:
    per_member = [sum(1 for a in roster if a.unit == u.id) / u.members for u in units]
    return statistics.pstdev(per_member) / statistics.mean(per_member)


def test_a_year_solved_month_by_month_is_fairer_than_independent_months() -> None:
    # four or five Mondays a month cannot be shared evenly by three units in a month; over a
    # quarter, months solved in a row (each continuing the last) even it out
    data = make_data(need("S1", "周一", 1), units=THREE_UNITS)
    quarter = (day(1, 1), day(3, 31))
    rolling = _clean(solve(build_problem(data, *quarter), OPTIONS))
    months = [(day(1, 1), day(1, 31)), (day(2, 1), day(2, 28)), (day(3, 1), day(3, 31))]
    independent = Roster([a for m in months for a in _clean(solve(build_problem(data, *m), OPTIONS))])
    assert len(rolling) == len(independent) == build_problem(data, *quarter).unit_duties
    counts = Counter(a.unit for a in rolling).values()
    assert max(counts) - min(counts) <= 1
    assert _year_spread(rolling, THREE_UNITS) <= _year_spread(independent, THREE_UNITS)


def test_a_year_solved_month_by_month_aims_each_month_at_the_years_fair_shares() -> None:
    # U2 is away all January, so U1 alone serves its working days: over the two months U1's
    # fair share is January plus half of February, U2's half of February. February must then
    # be shared evenly; a month that shared the year so far in its own proportions (half each)
    # found U1 far ahead and left February to U2
    data = make_data(
        need("S1", "工作日", 1),
        unavailability=(Unavailability("U2", day(1, 1), day(1, 31)),),
        rules=rules(max_consecutive_days=7),
    )
    both = build_problem(data, JANUARY[0], FEBRUARY[1])
    january = build_problem(data, *JANUARY).unit_duties
    february = build_problem(data, *FEBRUARY).unit_duties
    assert both.targets == {"U1": 10 * january + 5 * february, "U2": 5 * february}
    result = solve(both, OPTIONS)
    counts = Counter(a.unit for a in _clean(result))
    assert counts["U1"] - january == pytest.approx(february / 2, abs=1)
    assert result.check is not None
    fairness = {s.rule: s.penalty for s in result.check.scores}["fairness"]
    assert fairness <= 2 * 10 * 10**2  # at most one duty off, for each of the two units


# --- repairing a published roster --------------------------------------------------------------------

MARCH = (day(3, 1), day(3, 31))
FOUR_UNITS = tuple(Unit(f"U{n}", f"单位{n}") for n in range(1, 5))


def _published(data) -> Roster:  # type: ignore[no-untyped-def]
    return _clean(solve(build_problem(data, *MARCH), OPTIONS))


def test_a_repair_changes_only_the_duties_of_the_absent_unit_and_nothing_before_the_date() -> None:
    data = make_data(EVERY_DAY_S1, units=FOUR_UNITS, rules=rules(max_consecutive_days=2))
    old = _published(data)
    since = day(3, 9)
    away = Unavailability("U2", day(3, 10), day(3, 16))
    changed = make_data(EVERY_DAY_S1, units=FOUR_UNITS, rules=rules(max_consecutive_days=2), unavailability=(away,))
    result = repair(repair_problem(changed, old, *MARCH, since), old, since, OPTIONS)
    new = _clean(result)
    assert [a for a in new if a.date < since] == [a for a in old if a.date < since]
    lost = [a for a in old if a.unit == "U2" and away.start <= a.date <= away.end]
    assert lost and all(a.unit != "U2" for a in new if away.start <= a.date <= away.end)
    # each lost duty is taken by another unit, and nothing else moves
    assert result.repair is not None and unit_changes(result.repair.changes) == 2 * len(lost)
    assert {(c.date, c.old_unit) for c in result.repair.changes} == {(a.date, "U2") for a in lost}
    assert "调整" in result.summary() and f"改动 {2 * len(lost)} 人次" in result.summary()


def test_a_repair_with_nothing_to_change_returns_the_published_roster() -> None:
    data = make_data(EVERY_DAY_S1, units=FOUR_UNITS)
    old = _published(data)
    result = repair(repair_problem(data, old, *MARCH, day(3, 15)), old, day(3, 15), OPTIONS)
    assert result.repair is not None and result.repair.changes == () and _clean(result) == old
    assert "原排班无需改动" in result.summary()


def test_a_repair_keeps_the_people_it_need_not_move() -> None:
    people = tuple(Person("U1", name) for name in ("张三", "李四", "王五"))
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局"))
    data = make_data(EVERY_DAY_S1, units=units, people=people)
    old = _published(data)
    away = Unavailability("U1", day(3, 20), day(3, 20), person="张三")
    result = repair(
        repair_problem(make_data(EVERY_DAY_S1, units=units, people=people, unavailability=(away,)), old, *MARCH, day(3, 10)),
        old,
        day(3, 10),
        OPTIONS,
    )
    new = _clean(result)
    moved = [c for c in (result.repair.changes if result.repair else ()) if not c.unit_changed]
    # only a duty of 张三 on 03-20, if there was one, changes person; U1 keeps its other people
    assert all(c.date == day(3, 20) and c.old_person == "张三" for c in moved)
    kept = {(a.date, a.unit): a.person for a in old}
    assert all(a.person == kept[(a.date, a.unit)] for a in new if (a.date, a.unit) in kept and a.date != day(3, 20))


def test_a_published_duty_before_the_repair_date_that_the_data_no_longer_allows_is_reported() -> None:
    data = make_data(EVERY_DAY_S1, units=FOUR_UNITS)
    old = _published(data)
    early = next(a for a in old if a.date == day(3, 3))
    changed = make_data(EVERY_DAY_S1, units=FOUR_UNITS, unavailability=(Unavailability(early.unit, day(3, 3), day(3, 3)),))
    with pytest.raises(DataError) as error:
        repair_problem(changed, old, *MARCH, day(3, 10))
    [issue] = error.value.issues
    assert issue.table == "原排班" and "2026-03-03" in issue.message and "--from" in issue.message


def test_the_change_list_pairs_who_leaves_with_who_takes_over() -> None:
    old = Roster([duty(day(3, 2), "U1"), duty(day(3, 3), "U2", person="张三"), duty(day(3, 4), "U3"), duty(day(3, 1), "U4")])
    new = Roster([duty(day(3, 2), "U2"), duty(day(3, 3), "U2", person="李四"), duty(day(3, 5), "U1"), duty(day(3, 1), "U1")])
    assert changes_between(old, new, day(3, 2)) == (
        Change(day(3, 2), "S1", "AM", "值守", "U1", "U2"),
        Change(day(3, 3), "S1", "AM", "值守", "U2", "U2", "张三", "李四"),
        Change(day(3, 4), "S1", "AM", "值守", "U3", None),
        Change(day(3, 5), "S1", "AM", "值守", None, "U1"),
    )
    assert unit_changes(changes_between(old, new, day(3, 2))) == 4  # 2 + 1 + 1; a person change is not one
    assert dt.date(2026, 3, 1) not in {c.date for c in changes_between(old, new, day(3, 2))}


def test_a_repair_that_cannot_cover_everything_covers_what_it_can_before_counting_changes() -> None:
    # two units, at most two days in a row: with U2 away for three days, U1 can cover two of them
    data = make_data(EVERY_DAY_S1, rules=rules(max_consecutive_days=2, max_weekends_per_month=31))
    old = _published(data)
    away = Unavailability("U2", day(3, 16), day(3, 18))
    changed = make_data(EVERY_DAY_S1, rules=rules(max_consecutive_days=2, max_weekends_per_month=31), unavailability=(away,))
    result = repair(repair_problem(changed, old, *MARCH, day(3, 10)), old, day(3, 10), OPTIONS)
    new = _clean(result)
    assert result.check is not None and len(result.check.shortfalls) == 1
    assert [a for a in new if a.date < day(3, 10)] == [a for a in old if a.date < day(3, 10)]
    assert all(a.unit == "U1" for a in new if away.start <= a.date <= away.end)


def test_a_unit_removed_from_the_data_cannot_lose_its_past_duties() -> None:
    data = make_data(EVERY_DAY_S1, units=FOUR_UNITS)
    old = _published(data)
    gone = next(a.unit for a in old if a.date < day(3, 10))
    changed = make_data(EVERY_DAY_S1, units=tuple(u for u in FOUR_UNITS if u.id != gone))
    with pytest.raises(DataError) as error:
        repair_problem(changed, old, *MARCH, day(3, 10))
    assert all("已不在单位表中" in i.message and "「不可安排」表" in i.message for i in error.value.issues)
    assert "县党群服务中心 上午" in error.value.issues[0].message


def test_a_rolling_horizon_keeps_the_weekend_limit_of_both_months_a_weekend_spans() -> None:
    # one weekend duty a month each; Saturday 01-31 counts in January and Sunday 02-01 in
    # February, so three units cover January's three weekends and February's three exactly
    data = make_data(need("S1", "休息日", 1), units=THREE_UNITS, rules=rules(max_weekends_per_month=1))
    problem = build_problem(data, day(1, 17), day(2, 15))
    result = solve(problem, OPTIONS)
    roster = _clean(result)
    assert result.check is not None and result.check.shortfalls == ()
    for month in (1, 2):
        blocks = Counter(a.unit for a in roster if a.date.month == month)
        assert all(n <= 2 for n in blocks.values())  # at most one weekend: at most its two days
    assert len(problem.months) == 2
