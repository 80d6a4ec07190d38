"""Settling a roster: scored by the model as it is when it keeps every hard rule, and cut down
to the best roster within it when a duty breaks one."""

from __future__ import annotations

from conftest import day, make_data, need, rules

from rotation.budget import Budget
from rotation.checker import check
from rotation.model import DEFAULT_ROLE, Unit
from rotation.problem import build_problem
from rotation.roster import Assignment, Roster
from rotation.solver.cpsat import SolveOptions, run_model
from rotation.solver.settle import settle

MON, TUE, WED = (day(3, n) for n in (2, 3, 4))  # the week of 2026-03-02


def test_a_roster_that_keeps_every_rule_is_scored_as_it_is_with_the_checkers_objective() -> None:
    # U1 on both days is unfair and makes a close pair; a search would share the days
    problem = build_problem(make_data(need("S1", "全部", 1)), MON, TUE)
    start = [Assignment(d, "S1", "AM", DEFAULT_ROLE, "U1") for d in (MON, TUE)]
    settled = settle(problem, start, 0, Budget(5, deterministic=True))
    assert settled is not None and settled.dropped == 0 and settled.missing == 0
    assert sorted((a.date, a.unit) for a in settled.duties) == [(MON, "U1"), (TUE, "U1")]
    checked = check(problem, Roster(settled.duties))
    assert checked.violations == ()
    assert settled.objective == checked.objective == sum(settled.terms.values())
    searched = run_model(problem, SolveOptions(time_limit=5, workers=1, seed=0), hint=start)
    assert searched.roster is not None and searched.roster.objective < settled.objective


def test_a_duty_that_breaks_a_rule_is_dropped_and_the_rest_kept() -> None:
    # two days in a row for U1 break max_consecutive_days=1: one of them must go, and nothing
    # else may be added (the settled roster is made of the given duties only)
    problem = build_problem(make_data(need("S1", "全部", 1), rules=rules(max_consecutive_days=1)), MON, WED)
    start = [Assignment(d, "S1", "AM", DEFAULT_ROLE, "U1") for d in (MON, TUE, WED)]
    settled = settle(problem, start, 0, Budget(5, deterministic=True))
    assert settled is not None and settled.dropped == 1 and settled.missing == 1
    assert {a.unit for a in settled.duties} == {"U1"} and [a.date for a in settled.duties] == [MON, WED]
    checked = check(problem, Roster(settled.duties))
    assert checked.violations == () and settled.objective == checked.objective


def test_each_staffed_period_gets_exactly_one_qualified_first_inquiry_owner() -> None:
    units = (Unit("U1", "县委办", first_inquiry=False), Unit("U2", "县财政局"))
    problem = build_problem(make_data(need("S1", "全部", 2), units=units), MON, MON)
    start = [Assignment(MON, "S1", "AM", DEFAULT_ROLE, u) for u in ("U1", "U2")]
    settled = settle(problem, start, 0, Budget(5, deterministic=True))
    assert settled is not None
    assert [(a.unit, a.first_inquiry) for a in sorted(settled.duties, key=lambda a: a.unit)] == [("U1", False), ("U2", True)]


def test_a_month_minimum_that_only_more_duties_could_meet_leaves_no_roster() -> None:
    # dropping duties cannot meet a minimum: settling says so rather than return a roster
    units = (Unit("U1", "县委办", min_total=3), Unit("U2", "县财政局"))
    problem = build_problem(make_data(need("S1", "全部", 1), units=units), day(2, 1), day(2, 28))
    start = [Assignment(day(2, 2), "S1", "AM", DEFAULT_ROLE, "U1")]
    assert settle(problem, start, 0, Budget(5, deterministic=True)) is None
