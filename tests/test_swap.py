"""Swapping two duties (调班): unit B takes unit A's duty and A takes B's. Each test swaps in the
smallest hand-made roster and checks what moved, whether the checker allows it and what the
planner is told; refusals name the hard rule the swap would break."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import day, duty, make_data, need, rules

from rotation.checker import check
from rotation.errors import DataError
from rotation.model import DataSet, Person, Unavailability, Unit
from rotation.problem import Problem, build_problem
from rotation.roster import Assignment, Roster
from rotation.swap import SwapOutcome, describe_swap, find_duty, swap

MON, TUE, WED, THU, FRI = (day(3, n) for n in range(2, 7))  # 2026-03-02 is a Monday
EVERY_DAY_S1 = need("S1", "全部", 1)  # S1 open in the morning every day, one unit
MORNINGS_AND_AFTERNOONS = (need("S1", "全部", 1, shift="AM"), need("S1", "全部", 1, shift="PM"))
PEOPLE_U1 = (Person("U1", "张三"), Person("U1", "李四"))

Violation = tuple[str, str | None, dt.date | None]


def resolve(data: DataSet, start: dt.date, end: dt.date) -> Problem:
    return build_problem(data, start, end)


def refused_for(outcome: SwapOutcome) -> list[Violation]:
    """(rule, unit, date) of each hard violation the swap would add; the swap must be refused."""
    assert not outcome.allowed
    return [(f.rule, f.unit, f.date) for f in outcome.new_violations]


def message(caught: pytest.ExceptionInfo[DataError]) -> str:
    [issue] = caught.value.issues
    assert (issue.table, issue.row, issue.column) == ("排班", None, None)
    return issue.message


# --- allowed swaps ------------------------------------------------------------------------------


def test_a_swap_that_keeps_every_hard_rule_is_allowed_and_rescored() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, THU)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U1"), duty(WED, "U2"), duty(THU, "U2")])
    outcome = swap(problem, roster, "U1", TUE, "U2", THU)
    assert outcome.allowed
    assert outcome.new_violations == ()
    assert outcome.moved == (duty(TUE, "U2"), duty(THU, "U1"))  # first inquiry stays with the duty
    assert outcome.roster == Roster([duty(MON, "U1"), duty(TUE, "U2"), duty(WED, "U2"), duty(THU, "U1")])
    assert outcome.after == check(problem, outcome.roster)
    # spacing (3 days at least): before MON/TUE and WED/THU, 2 pairs; after only TUE/WED; 10 * 100 each
    assert (outcome.before.objective, outcome.after.objective) == (2000, 1000)
    assert outcome.before.score("fairness").penalty == outcome.after.score("fairness").penalty == 0
    text = describe_swap(problem, outcome)
    assert text.startswith("可以调换")
    assert "2026-03-03（周二） 县党群服务中心 上午 值守（首问）：县委办 → 县财政局" in text
    assert "2026-03-05（周四） 县党群服务中心 上午 值守（首问）：县财政局 → 县委办" in text
    assert "目标值（扣分合计）：20.00 → 10.00" in text
    assert "值班间隔：20.00 → 10.00" in text
    assert "公平" not in text  # unchanged rules are not listed


def test_a_same_day_swap_between_two_positions() -> None:
    units = (Unit("U1", "县委办", community="东街"), Unit("U2", "县财政局", community="西街"))
    problem = resolve(make_data(need("*", "全部", 1), units=units), MON, MON)
    roster = Roster([duty(MON, "U1", "S1"), duty(MON, "U2", "S2")])
    outcome = swap(problem, roster, "U1", MON, "U2", MON)
    assert outcome.allowed
    assert outcome.roster == Roster([duty(MON, "U2", "S1"), duty(MON, "U1", "S2")])
    # U2 (西街) at the 东街 station costs 5 * 100; after the swap U1 serves its home community
    assert outcome.before.score("home_community").penalty == 500
    assert outcome.after.score("home_community").penalty == 0
    assert "就近报到社区：5.00 → 0.00" in describe_swap(problem, outcome)


def test_a_fault_the_roster_already_had_does_not_block_a_swap() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, WED)
    roster = Roster([duty(MON, "U1", first=False), duty(TUE, "U2"), duty(WED, "U1")])  # Monday has no owner
    outcome = swap(problem, roster, "U2", TUE, "U1", WED)
    assert [f.rule for f in outcome.before.violations] == ["first_inquiry"]
    assert outcome.after.violations == outcome.before.violations
    assert outcome.allowed
    assert "调换前的轮值表已有 1 处违反硬性规则" in describe_swap(problem, outcome)


# --- refused swaps ------------------------------------------------------------------------------


def test_a_swap_into_a_role_the_unit_cannot_take_is_refused() -> None:
    units = (Unit("U1", "讲解队", roles=("值守", "讲解")), Unit("U2", "县财政局"))
    data = make_data(need("S1", "周一", 1, role="讲解"), need("S1", "周二", 1), units=units)
    problem = resolve(data, MON, TUE)
    roster = Roster([duty(MON, "U1", role="讲解"), duty(TUE, "U2")])
    outcome = swap(problem, roster, "U1", MON, "U2", TUE)
    assert refused_for(outcome) == [("role", "U2", MON)]
    assert outcome.moved == (duty(MON, "U2", role="讲解"), duty(TUE, "U1"))  # returned for inspection
    text = describe_swap(problem, outcome)
    assert text.startswith("不能调换")
    assert "【角色资格】县财政局 2026-03-02 县党群服务中心 上午：县财政局 不能担任「讲解」" in text


def test_a_swap_onto_a_day_the_unit_is_away_is_refused() -> None:
    data = make_data(EVERY_DAY_S1, unavailability=(Unavailability("U2", MON, MON, reason="出差"),))
    problem = resolve(data, MON, WED)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U2"), duty(WED, "U1")])
    outcome = swap(problem, roster, "U1", MON, "U2", TUE)
    assert refused_for(outcome) == [("unavailable", "U2", MON)]
    assert "【不可安排】" in describe_swap(problem, outcome)


def test_a_swap_that_gives_a_unit_two_duties_a_day_is_refused() -> None:
    problem = resolve(make_data(need("*", "全部", 1)), MON, TUE)
    roster = Roster([duty(MON, "U1", "S1"), duty(MON, "U2", "S2"), duty(TUE, "U1", "S1")])
    outcome = swap(problem, roster, "U1", TUE, "U2", MON)
    assert refused_for(outcome) == [("max_per_day", "U1", MON)]


def test_a_swap_that_makes_three_days_in_a_row_is_refused() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, FRI)  # at most 2 days in a row (default)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U1"), duty(WED, "U2"), duty(THU, "U2"), duty(FRI, "U1")])
    outcome = swap(problem, roster, "U1", FRI, "U2", WED)
    assert refused_for(outcome) == [("consecutive", "U1", WED)]


def test_a_swap_that_puts_an_afternoon_before_a_morning_is_refused() -> None:
    data = make_data(*MORNINGS_AND_AFTERNOONS, rules=rules(forbidden_successions=(("PM", "AM"),)))
    problem = resolve(data, MON, TUE)
    roster = Roster([duty(MON, "U1", shift="PM"), duty(TUE, "U2", shift="AM"), duty(TUE, "U1", shift="PM")])
    outcome = swap(problem, roster, "U1", TUE, "U2", TUE)  # same day, morning and afternoon
    assert outcome.moved == (duty(TUE, "U2", shift="PM"), duty(TUE, "U1", shift="AM"))
    assert refused_for(outcome) == [("succession", "U1", TUE)]


# --- people -------------------------------------------------------------------------------------


def people_problem(*absences: Unavailability) -> Problem:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    data = make_data(*MORNINGS_AND_AFTERNOONS, units=units, people=PEOPLE_U1, unavailability=absences)
    return resolve(data, MON, TUE)


@pytest.mark.parametrize(
    ("absences", "extra", "served_by", "expected"),
    [
        ((), (), "李四", "李四"),  # the person who served moves with the duty, not the first on the list
        ((Unavailability("U1", TUE, TUE, person="张三"),), (), "张三", "李四"),  # 张三 is away on Tuesday
        ((), (duty(TUE, "U1", shift="PM", person="张三"),), "张三", "李四"),  # 张三 already serves Tuesday afternoon
    ],
    ids=["mover kept", "mover away", "mover busy that day"],
)
def test_the_person_who_served_moves_with_the_duty_if_they_can(
    absences: tuple[Unavailability, ...], extra: tuple[Assignment, ...], served_by: str, expected: str
) -> None:
    problem = people_problem(*absences)
    roster = Roster([duty(MON, "U1", person=served_by), duty(TUE, "U2"), *extra])
    outcome = swap(problem, roster, "U1", MON, "U2", TUE)
    assert outcome.moved == (duty(MON, "U2"), duty(TUE, "U1", person=expected))  # U2 lists no people
    assert outcome.allowed


def test_a_first_inquiry_duty_goes_to_a_person_who_may_own_it() -> None:
    units = (Unit("U1", "县委办"), Unit("U2", "县财政局"), Unit("U3", "县市场监管局"))
    people = (Person("U1", "张三", first_inquiry=False), Person("U1", "李四"))
    problem = resolve(make_data(need("S1", "全部", 2), units=units, people=people), MON, TUE)
    roster = Roster([duty(MON, "U1", person="张三", first=False), duty(MON, "U3"), duty(TUE, "U2")])
    outcome = swap(problem, roster, "U1", MON, "U2", TUE)
    assert outcome.moved == (duty(MON, "U2", first=False), duty(TUE, "U1", person="李四"))
    assert outcome.allowed


def test_a_swap_no_person_of_the_unit_can_take_is_refused() -> None:
    problem = people_problem(Unavailability("U1", TUE, TUE, person="李四"))
    roster = Roster([duty(MON, "U1", person="张三"), duty(TUE, "U2"), duty(TUE, "U1", shift="PM", person="张三")])
    outcome = swap(problem, roster, "U1", MON, "U2", TUE)
    # 张三 serves Tuesday afternoon and 李四 is away: 张三 is kept and the checker says why not
    assert outcome.moved[1] == duty(TUE, "U1", person="张三")
    assert refused_for(outcome) == [("person_once", "U1", TUE)]
    text = describe_swap(problem, outcome)
    assert "【每人每天一次】县委办 2026-03-03：张三 当天被安排了 2 次" in text
    assert "2026-03-03（周二） 县党群服务中心 上午 值守（首问）：县财政局 → 县委办（张三）" in text


# --- naming the duties --------------------------------------------------------------------------


def test_units_may_be_named_as_the_planner_types_them() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, TUE)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U2")])
    assert find_duty(problem, roster, "县委办", MON) == duty(MON, "U1")
    by_name = swap(problem, roster, "县委办", MON, " 县财政局 ", "2026-03-03")
    assert by_name == swap(problem, roster, "U1", MON, "U2", TUE)
    assert by_name.moved == (duty(MON, "U2"), duty(TUE, "U1"))


def test_no_duty_that_day_is_an_error_listing_the_units_duty_dates() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, THU)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U2"), duty(THU, "U1")])
    with pytest.raises(DataError) as caught:
        find_duty(problem, roster, "U1", WED)
    assert message(caught) == (
        "县委办 在 2026-03-04（周三） 没有值班；离 2026-03-04 最近的值班日期：2026-03-02（周一）、2026-03-05（周四）"
    )
    with pytest.raises(DataError) as both:
        swap(problem, roster, "U1", WED, "U2", MON)
    assert len(both.value.issues) == 2  # both sides reported at once


def test_several_duties_that_day_are_an_error_until_station_or_shift_narrows_them() -> None:
    units = (Unit("U1", "县委办", max_per_day=2), Unit("U2", "县财政局"))
    problem = resolve(make_data(need("*", "全部", 1), units=units), MON, MON)
    at_s1, at_s2 = duty(MON, "U1", "S1"), duty(MON, "U1", "S2")
    roster = Roster([at_s1, at_s2])
    with pytest.raises(DataError) as caught:
        find_duty(problem, roster, "U1", MON)
    assert message(caught) == (
        "县委办 在 2026-03-02（周一） 有 2 次值班，请写明是哪个阵地或时段的："
        "2026-03-02（周一） 县党群服务中心 上午 值守（首问）；"
        "2026-03-02（周一） 东街服务站 上午 值守（首问）"
    )
    assert find_duty(problem, roster, "U1", MON, station="S2") == at_s2
    assert find_duty(problem, roster, "U1", MON, station="县党群服务中心", shift="上午") == at_s1
    with pytest.raises(DataError) as none:
        find_duty(problem, roster, "U1", MON, station="S1", shift="PM")
    assert message(none).startswith("县委办 在 2026-03-02（周一） 没有「S1」、「PM」的值班；当天的值班：")


def test_an_unknown_unit_is_an_error_suggesting_close_names() -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, MON)
    roster = Roster([duty(MON, "U1")])
    with pytest.raises(DataError) as caught:
        find_duty(problem, roster, "财政", MON)
    assert message(caught) == "单位表中没有「财政」，是不是：县财政局（U2）？"


@pytest.mark.parametrize(
    ("unit_b", "date_b"), [("U1", MON), ("县委办", MON), ("U1", TUE)], ids=["same duty", "same duty by name", "same unit"]
)
def test_a_duty_is_not_swapped_with_itself_or_its_own_unit(unit_b: str, date_b: dt.date) -> None:
    problem = resolve(make_data(EVERY_DAY_S1), MON, TUE)
    roster = Roster([duty(MON, "U1"), duty(TUE, "U1")])
    with pytest.raises(DataError) as caught:
        swap(problem, roster, "U1", MON, unit_b, date_b)
    assert "调换" in message(caught)
