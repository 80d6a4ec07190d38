"""The time budget and the stopping rules, on a clock the test moves by hand."""

from __future__ import annotations

import math

import pytest
from ortools.sat.python import cp_model

from rotation.budget import AnyOf, Budget, NoImprovement, OutOfTime, Reserve, Stopped, TimeUp
from rotation.engine import MONTH_LEAST, _months_to_plan


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_wall_clock_budget_is_spent_by_the_clock() -> None:
    clock = Clock()
    budget = Budget(10, clock=clock)
    clock.now += 4
    assert (budget.spent(), budget.left(), budget.expired) == (4, 6, False)
    budget.charge(100)  # work charged does not count: the clock does
    assert budget.left() == 6
    clock.now += 6
    assert budget.left() == 0 and budget.expired


def test_a_share_is_a_fraction_of_the_limit_between_floor_and_cap_and_never_more_than_is_left() -> None:
    clock = Clock()
    budget = Budget(100, clock=clock)
    assert budget.share(0.2) == 20
    assert budget.share(0.01, floor=5) == 5
    assert budget.share(0.5, cap=30) == 30
    clock.now += 90
    assert budget.share(0.2) == 10


def test_a_part_ends_no_later_than_its_whole() -> None:
    clock = Clock()
    whole = Budget(10, clock=clock)
    clock.now += 7
    part = whole.part(5)
    assert part.limit == 3 and part.deadline == whole.deadline
    clock.now += 3
    assert part.expired and whole.expired


def test_until_leaves_the_reserve_for_what_comes_after() -> None:
    clock = Clock()
    whole = Budget(10, clock=clock)
    solving = whole.until(2)
    clock.now += 8
    assert solving.expired and not whole.expired and whole.left() == 2


def test_a_reserve_grows_with_the_duties_planned() -> None:
    reserve = Reserve(0.3, 0.001)
    assert reserve.of(0) == 0.3 and reserve.of(1000) == pytest.approx(1.3)


def test_a_horizon_plans_the_months_the_time_holds_with_their_outputs() -> None:
    each = 1.4  # a county month: its check and 1.2 ms a duty of writing
    assert _months_to_plan(12 * (each + MONTH_LEAST), [each] * 12) == 12
    assert _months_to_plan(10.0, [each] * 12) == 4  # not 0: the whole year's 13.6 s is not kept up front
    assert _months_to_plan(each + MONTH_LEAST - 0.01, [each] * 12) == 0
    assert _months_to_plan(7.0, [5.0, 0.5, 0.5]) == 1  # in order: the costly first month, then 1.5 s more


def test_a_deterministic_budget_counts_the_work_charged_to_it_and_its_parts() -> None:
    clock = Clock()
    budget = Budget(10, deterministic=True, clock=clock)
    clock.now += 1000  # the clock does not count
    part = budget.part(4)
    part.charge(3)
    assert (part.left(), budget.spent(), budget.left()) == (1, 3, 7)
    assert not budget.cut


def test_a_deterministic_budget_ends_at_its_wall_clock_guard_and_says_it_was_cut() -> None:
    clock = Clock()
    budget = Budget(10, deterministic=True, deadline=clock.now + 5, clock=clock)
    part = budget.until(1)  # keeps the deterministic limit, moves the guard
    assert part.limit == 10 and part.deadline == clock.now + 4
    clock.now += 4
    assert part.expired and not budget.expired
    with pytest.raises(OutOfTime):
        part.check()
    assert part.cut and budget.cut


def test_check_raises_only_once_the_deadline_has_passed() -> None:
    clock = Clock()
    budget = Budget(2, clock=clock)
    budget.check()
    clock.now += 2
    with pytest.raises(OutOfTime):
        budget.check()


def test_cp_sat_gets_the_time_left_and_the_deadline() -> None:
    clock = Clock()
    wall = Budget(10, clock=clock)
    clock.now += 4
    solver = cp_model.CpSolver()
    wall.limit_cp_sat(solver.parameters, 20)
    assert solver.parameters.max_time_in_seconds == 6
    guarded = Budget(10, deterministic=True, deadline=clock.now + 3, clock=clock)
    solver = cp_model.CpSolver()
    guarded.limit_cp_sat(solver.parameters, 4)
    assert (solver.parameters.max_deterministic_time, solver.parameters.max_time_in_seconds) == (4, 3)
    free = Budget(10, deterministic=True, clock=clock)
    solver = cp_model.CpSolver()
    free.limit_cp_sat(solver.parameters)
    assert solver.parameters.max_deterministic_time == 10 and free.wall_left() == math.inf


def test_stopping_rules_stop_when_the_time_is_up_when_asked_or_after_steps_without_improvement() -> None:
    clock = Clock()
    budget = Budget(5, clock=clock)
    asked = [False]
    stop = AnyOf(TimeUp(budget), Stopped(lambda: asked[0]))
    assert not stop(10)
    asked[0] = True
    assert stop(10)
    asked[0] = False
    clock.now += 5
    assert stop(10)
    patience = NoImprovement(2)
    assert [patience(cost) for cost in (10, 9, 9, 9, 8)] == [False, False, False, True, False]
