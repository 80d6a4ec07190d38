"""The roster LP of the Curtois benchmark: its pricing against brute force, its bound against
rosters the checker judges."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rotation import engine
from rotation.benchmarks import colgen, curtois
from rotation.benchmarks.colgen import (
    Pricer,
    RosterLP,
    Scratch,
    Staffing,
    best_responses,
    counts,
    exact_roster,
    keeping_roster,
    keeps_counts,
    objective,
    restricted_master,
    roster_bound,
    roster_cost,
    roster_text,
    staffing,
)
from rotation.benchmarks.curtois import judge, read_instance, read_roster, solve, write_roster
from rotation.solver.cpsat import SearchControl, SolveOptions

DATA = Path(__file__).parent / "data" / "curtois"


def _runs(roster: list[int], working: bool) -> list[tuple[int, int]]:
    """(first day, length) of each run of duty days (or of free days)."""
    runs, first = [], None
    for d, s in enumerate([*roster, None]):
        inside = s is not None and (s >= 0) == working
        if inside and first is None:
            first = d
        elif not inside and first is not None:
            runs.append((first, d - first))
            first = None
    return runs


def keeps_rules(staff: Staffing, e: int, roster: list[int]) -> bool:
    """The benchmark's per-employee rules, read plainly from their definitions."""
    days = len(roster)
    if any(s >= 0 and not staff.allowed[e, d, s] for d, s in enumerate(roster)):
        return False
    if any(a >= 0 and b >= 0 and staff.banned[a, b] for a, b in itertools.pairwise(roster)):
        return False
    for first, length in _runs(roster, True):
        if length > staff.max_run[e]:
            return False
        if length < staff.min_run[e] and first > 0 and first + length < days:
            return False
    for first, length in _runs(roster, False):
        if length < staff.min_off[e] and first > 0 and first + length < days:
            return False
    minutes, per_type, weekends = counts(staff, np.array(roster))
    return (
        staff.min_minutes[e] <= minutes <= staff.max_minutes[e]
        and weekends <= staff.max_weekends[e]
        and bool((per_type <= staff.max_shifts[e]).all())
    )


@st.composite
def small_staffing(draw: st.DrawFn) -> Staffing:
    s_count = draw(st.integers(1, 3))  # three shifts: two of them may share a class
    e_count, days = draw(st.integers(1, 3)), draw(st.integers(3, 8 if s_count < 3 else 6))

    def grid(values: st.SearchStrategy, *shape: int) -> np.ndarray:
        size = int(np.prod(shape))
        return np.array(draw(st.lists(values, min_size=size, max_size=size))).reshape(shape)

    costs = st.integers(-5, 5)
    return Staffing(
        shifts=tuple("ABC"[:s_count]),
        minutes=grid(st.sampled_from([2, 3, 4]), s_count),
        banned=grid(st.booleans(), s_count, s_count),
        requirement=np.zeros((days, s_count)),
        under=100.0,
        over=1.0,
        allowed=grid(st.booleans(), e_count, days, s_count) | draw(st.booleans()),
        work_cost=grid(costs, e_count, days, s_count).astype(float),
        off_cost=grid(costs, e_count, days).astype(float),
        max_run=grid(st.integers(1, 4), e_count),
        min_run=grid(st.integers(1, 3), e_count),
        min_off=grid(st.integers(1, 3), e_count),
        max_minutes=grid(st.integers(0, 24), e_count),
        min_minutes=grid(st.integers(0, 8), e_count),
        max_shifts=grid(st.integers(1, 5), e_count, s_count),
        max_weekends=grid(st.integers(0, 1), e_count),
    )


@settings(max_examples=60, deadline=None)
@given(small_staffing(), small_staffing())
def test_pricing_in_memory_a_run_before_left_gives_what_fresh_memory_gives(first: Staffing, second: Staffing) -> None:
    """Callers pricing in a loop share one Scratch: whatever a run before left in it, of this
    programme or another, larger or smaller, the costs and rosters are those of fresh memory."""
    scratch = Scratch()
    (memory,) = scratch.arrays((10**6,))  # more than any of these programmes takes
    memory.fill(-1e9)  # cheaper than any roster: a value not reset would be taken
    for staff in (first, second, first):
        pricer = Pricer(staff, max_states=10**9)
        prices = (staff.work_cost, staff.off_cost, np.zeros(staff.size[0]))
        fresh, reused = pricer.price(*prices), pricer.price(*prices, scratch)
        np.testing.assert_array_equal(fresh[0], reused[0])
        np.testing.assert_array_equal(fresh[1], reused[1])


@settings(max_examples=150, deadline=None)
@given(small_staffing(), st.integers(-3, 3), st.booleans())
def test_pricing_finds_the_cheapest_roster_brute_force_finds(staff: Staffing, weekend: int, track: bool) -> None:
    """With its counting rules in its state, the programme's cheapest roster is brute force's
    cheapest among the rosters keeping every rule but the other types' shift limits (the
    master's rows); with none of them, it is no dearer than that (a relaxation)."""
    e_count, days, s_count = staff.size
    pricer = Pricer(staff, max_states=10**9 if track else 1)
    assert (pricer.counting.minutes, pricer.counting.weekends) == (track, track)
    weekend_cost = np.full(e_count, float(weekend))
    values, rosters = pricer.price(staff.work_cost, staff.off_cost, weekend_cost)
    loose_limits = np.full_like(staff.max_shifts, days)
    if pricer.counting.shift is not None:
        loose_limits[:, pricer.counting.shift] = staff.max_shifts[:, pricer.counting.shift]
    loose = Staffing(**{**staff.__dict__, "max_shifts": loose_limits})
    for e in range(e_count):
        best = np.inf
        for roster in itertools.product(range(-1, s_count), repeat=days):
            if keeps_rules(loose, e, list(roster)):
                cost = roster_cost(staff, e, np.array(roster)) + weekend * counts(staff, np.array(roster))[2]
                best = min(best, cost)
        if track:
            assert values[e] == best
        else:
            assert values[e] <= best
        if np.isfinite(values[e]):
            found = rosters[e]
            cost = roster_cost(staff, e, found) + weekend * counts(staff, found)[2]
            assert cost == pytest.approx(values[e])
            if track:
                assert keeps_rules(loose, e, list(found))


@pytest.mark.parametrize(("number", "optimum"), [(1, 607), (2, 828), (3, 1001)])
def test_bound_is_below_the_optimum_and_tight_where_literature_says(number: int, optimum: int) -> None:
    instance = read_instance(DATA / f"Instance{number}.txt")
    found = roster_bound(instance, seconds=60)
    assert found.converged
    assert found.bound <= optimum
    # instances 2 and 3: the LP bound is the optimum; 1 has a gap (558 against 607)
    assert found.bound >= (optimum if number > 1 else 550)


def test_rosters_the_checker_accepts_keep_the_rules_the_pricing_keeps() -> None:
    """Our solver's roster of instance 1, judged feasible by the checker, costs no less than the
    bound, and each employee's line keeps the rules as the pricing reads them: the two readings
    of the benchmark agree."""
    instance = read_instance(DATA / "Instance1.txt")
    result = solve(instance, SolveOptions(time_limit=5, workers=1, seed=1), method="plain")
    assert result.check is not None and result.check.feasible and result.objective is not None
    staff = staffing(instance)
    found = roster_bound(instance, seconds=60)
    assert result.objective / 100 >= found.bound
    grid = {(a.unit, instance.day(a.date)): staff.shifts.index(a.shift) for a in result.roster}
    for e, unit in enumerate(instance.staff):
        line = [grid.get((unit, d), -1) for d in range(instance.horizon)]
        assert keeps_rules(staff, e, line)


def test_the_colgen_method_proves_instance_2_optimal_with_the_lp_bound() -> None:
    """CP-SAT's own bound on instance 2 is far below the optimum; the LP's is the optimum, and
    the roster combined from the LP's columns reaches it. The checker's verdict is the result's."""
    instance = read_instance(DATA / "Instance2.txt")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=1), method="colgen")
    assert result.check is not None and result.check.feasible
    assert result.objective == result.check.objective == result.bound == 828 * 100
    assert result.status.name == "OPTIMAL"
    assert result.phases is not None and result.phases["lp_bound"] == 828
    # best responses never make the master's roster worse, nor the search the start
    assert result.phases["start"] <= result.phases["master"] and result.objective <= result.phases["start"] * 100


def test_a_dive_ends_with_one_rule_keeping_roster_per_employee_and_leaves_the_lp_as_it_was() -> None:
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    before = lp.outcome()
    roster = lp.dive(60)
    assert roster is not None and roster.shape == (len(instance.staff), instance.horizon)
    for e, line in enumerate(roster):
        assert keeps_rules(lp.staff, e, list(line))
    text = roster_text(lp.staff, roster)
    verdict = judge(instance, read_roster(instance, text))
    assert verdict.feasible and verdict.objective is not None and verdict.objective / 100 >= before.bound
    # the fixings are undone: the master's optimum is the LP's again
    assert lp.master.solve() == pytest.approx(before.lp)


def test_a_dive_out_of_time_rounds_the_last_lp_instead_of_giving_up() -> None:
    """On 13 the dive never converged in its share and the restricted master lost its hint:
    with no time left, each step fixes the heaviest columns of the master's last solution."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    before = lp.outcome()
    iterations = lp.iterations
    roster = lp.dive(0.0)
    assert lp.iterations == iterations  # nothing was priced
    assert roster is not None and roster.shape == (len(instance.staff), instance.horizon)
    heaviest = [before.columns_of[e][int(np.argmax(before.weights[e]))] for e in range(len(instance.staff))]
    assert np.array_equal(roster, np.array(heaviest))
    assert lp.master.solve() == pytest.approx(before.lp)


def test_a_dive_whose_columns_break_counts_fixes_only_rule_keeping_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every counting rule left to the master, the LP's heaviest columns break them (on
    13 the per-type limits): the dive still ends with a roster whose every line keeps them,
    and the LP of its last step paid no artificial penalty for a broken row."""
    monkeypatch.setattr(colgen, "MAX_STATES", 1)
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    staff = lp.staff
    before = lp.outcome()
    heaviest = [before.columns_of[e][int(np.argmax(before.weights[e]))] for e in range(len(instance.staff))]
    assert not all(keeps_counts(staff, e, line) for e, line in enumerate(heaviest))
    roster = lp.dive(60)
    assert roster is not None
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(roster))
    assert lp.value < colgen.ARTIFICIAL
    verdict = judge(instance, read_roster(instance, roster_text(staff, roster)))
    assert verdict.feasible and verdict.objective == round(objective(staff, roster) * 100)
    assert lp.master.solve() == pytest.approx(before.lp)


def test_a_dive_step_prices_the_employees_it_left_free_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Late in the dive most employees are fixed: their programme is not run again."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    priced: list[int] = []
    price = Pricer.price

    def spy(self: Pricer, work: np.ndarray, *args: object) -> tuple[np.ndarray, np.ndarray]:
        priced.append(len(work))
        return price(self, work, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Pricer, "price", spy)
    roster = lp.dive(60, step=0.25)
    assert roster is not None and all(keeps_rules(lp.staff, e, list(line)) for e, line in enumerate(roster))
    staff = len(instance.staff)
    assert priced[0] == staff and min(priced) <= staff - 3 * math.ceil(0.25 * staff)


def _cheapest_keeping_all(staff: Staffing, e: int, weekend: int) -> float:
    days, s_count = staff.size[1:]
    return min(
        (
            roster_cost(staff, e, np.array(roster)) + weekend * counts(staff, np.array(roster))[2]
            for roster in itertools.product(range(-1, s_count), repeat=days)
            if keeps_rules(staff, e, list(roster))
        ),
        default=np.inf,
    )


@settings(max_examples=60, deadline=None)
@given(small_staffing(), st.integers(-3, 3))
def test_exact_and_keeping_rosters_keep_every_rule_and_exact_is_the_cheapest(staff: Staffing, weekend: int) -> None:
    """CP-SAT's roster of one employee keeps every rule, counting ones included, and costs what
    brute force's cheapest does; the programme steered by penalties keeps every rule too."""
    for e in range(staff.size[0]):
        best = _cheapest_keeping_all(staff, e, weekend)
        exact = exact_roster(staff, e, staff.work_cost[e], float(weekend), 10)
        steered = keeping_roster(staff, e, staff.work_cost[e], float(weekend), 10)
        if not np.isfinite(best):
            assert exact is None and steered is None
            continue
        assert exact is not None and steered is not None
        assert keeps_rules(staff, e, list(exact)) and keeps_rules(staff, e, list(steered))
        cost = roster_cost(staff, e, exact) + weekend * counts(staff, exact)[2]
        assert cost == pytest.approx(best)


def test_columns_that_break_counting_rules_are_completed_into_a_feasible_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on instances 21-24, where the state budget leaves every counting rule to the master,
    whose columns then seldom keep them: each employee without a column keeping all is given
    one, from which the restricted master makes a roster the checker accepts; best responses
    improve it."""
    monkeypatch.setattr(colgen, "MAX_STATES", 1)
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.pricer.counting == colgen.Counting()
    staff = lp.staff
    # the master starts with a roster of days off for each, which breaks her least minutes
    lacking = [e for e, columns in enumerate(lp.master.columns) if not any(keeps_counts(staff, e, r) for r, _ in columns)]
    assert len(lacking) == len(instance.staff)
    assert lp.complete(30) == 0
    first = restricted_master(staff, lp.outcome(), 10, workers=1)
    assert first is not None
    verdict = judge(instance, read_roster(instance, roster_text(staff, first[0])))
    assert verdict.feasible and verdict.objective == round(first[1] * 100)
    # improving it one employee at a time keeps every rule and costs less, as the checker says
    better, changed = best_responses(staff, first[0], 30)
    assert changed > 0
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(better))
    verdict = judge(instance, read_roster(instance, roster_text(staff, better)))
    assert verdict.feasible and verdict.objective == round(objective(staff, better) * 100)
    assert objective(staff, better) < first[1]
    # a roster no employee alone can improve is left as it is
    again, changed = best_responses(staff, better, 30)
    assert changed == 0 and np.array_equal(again, better)


def test_a_model_too_large_for_the_time_is_not_built_and_the_phases_roster_is_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on instance 24 at 600 s, whose model takes minutes to build and most of the run's
    memory to search: best responses and windows improve the restricted master's roster for the
    whole time, and the closing pass checks it without a model of the horizon."""
    monkeypatch.setattr(colgen, "MAX_STATES", 1)
    monkeypatch.setattr(curtois, "WHOLE_SHARE", 0.0)
    built: list[int] = []
    monkeypatch.setattr(engine, "_search_model", lambda *args, **kwargs: built.append(1))
    sideways: list[bool] = []
    responses = colgen.best_responses

    def spy(*args: object, **kwargs: object) -> tuple[np.ndarray, int]:
        sideways.append(bool(kwargs.get("sideways")))
        return responses(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(colgen, "best_responses", spy)
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=20, workers=1, seed=1), method="colgen")
    assert not built and result.method == engine._AS_GIVEN
    # without the model's search after them, best responses take sideways moves too
    assert sideways and all(sideways)
    assert result.check is not None and result.check.feasible
    assert result.objective == result.check.objective
    assert result.roster is not None
    verdict = judge(instance, read_roster(instance, write_roster(instance, result.roster)))
    assert verdict.objective == result.objective


def test_the_lp_yields_to_a_completion_that_needs_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on 23 and 24 at 60 s, where the LP took its share and the completion then ran out:
    when the completion is expected to need all the time, the LP gets none, and the roster
    still comes back, checked."""
    monkeypatch.setattr(colgen, "MAX_STATES", 1)  # no column keeps the minutes: all need completing
    monkeypatch.setattr(RosterLP, "completion_seconds", lambda self: 1e9)
    given_lp: list[float] = []
    generate = RosterLP.generate

    def spy(self: RosterLP, seconds: float, *args: object, **kwargs: object) -> bool:
        if not args and not kwargs:  # the whole LP, not the dive's steps
            given_lp.append(seconds)
        return generate(self, seconds, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RosterLP, "generate", spy)
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=1), method="colgen")
    assert given_lp == [0.0]
    assert result.check is not None and result.check.feasible
    assert result.objective == result.check.objective


class _Dived(Exception):
    """Ends a solve once the time of the phase under test is known."""


def _lp_converged_in(monkeypatch: pytest.MonkeyPatch, used: float, given: dict[str, float]) -> None:
    """The LP runs as it does, records its seconds in ``given["lp"]`` and reports ``used``
    seconds, as if it had converged that soon."""
    generate = RosterLP.generate

    def converged_in(self: RosterLP, seconds: float, *args: object, **kwargs: object) -> bool:
        converged = generate(self, seconds, *args, **kwargs)  # type: ignore[arg-type]
        given["lp"] = seconds
        self.seconds = used
        return converged

    monkeypatch.setattr(RosterLP, "generate", converged_in)


def test_the_dive_gets_its_share_and_the_lps_time_unused(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on 12 at 60 s, whose LP converges in half its share and whose dive, cut short, rounds
    a fractional LP: the time the LP leaves goes to the dive."""
    limit, used = 100.0, 4.0
    given: dict[str, float] = {}
    _lp_converged_in(monkeypatch, used, given)

    def dive(self: RosterLP, seconds: float, *args: object, **kwargs: object) -> None:
        given["dive"] = seconds
        raise _Dived

    monkeypatch.setattr(RosterLP, "dive", dive)
    with pytest.raises(_Dived):
        solve(read_instance(DATA / "Instance3.txt"), SolveOptions(time_limit=limit, workers=1, seed=1), method="colgen")
    assert given["lp"] == pytest.approx(curtois.LP_SHARE * limit, abs=1)
    assert given["dive"] == pytest.approx(curtois.DIVE_SHARE * limit + given["lp"] - used, abs=1e-6)


def test_the_master_gets_its_share_and_the_time_the_lp_and_dive_leave(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on 6 at 60 s, whose LP converges in half a second and whose dive in one: the
    restricted master, which over few columns often proves its choice early, gets their time
    while it still finds better rosters."""
    limit, used = 100.0, 4.0
    given: dict[str, float] = {}
    _lp_converged_in(monkeypatch, used, given)

    def dive(self: RosterLP, seconds: float, *args: object, **kwargs: object) -> None:
        given["dive"] = seconds  # and ends at once, its roster not found

    def master(staff: object, found: object, seconds: float, *args: object, **kwargs: object) -> None:
        given["master"], given["patience"] = seconds, float(args[-1])  # type: ignore[arg-type]
        raise _Dived

    monkeypatch.setattr(RosterLP, "dive", dive)
    monkeypatch.setattr(colgen, "restricted_master", master)
    with pytest.raises(_Dived):
        solve(read_instance(DATA / "Instance3.txt"), SolveOptions(time_limit=limit, workers=1, seed=1), method="colgen")
    assert given["master"] == pytest.approx(curtois.MASTER_SHARE * limit + given["dive"], abs=0.5)
    assert given["master"] > (curtois.MASTER_SHARE + curtois.DIVE_SHARE) * limit
    assert given["patience"] == pytest.approx(curtois.MASTER_PATIENCE * limit)


def test_the_completions_estimate_times_one_employees_programme_and_keeps_its_roster() -> None:
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    longest = int(np.argmax(lp.staff.max_minutes))
    columns = [len(mine) for mine in lp.master.columns]
    assert lp.completion_seconds() > 0
    assert [len(mine) for mine in lp.master.columns] == [n + (e == longest) for e, n in enumerate(columns)]
    assert lp.master.columns[longest][-1][0].shape == (instance.horizon,)


def test_best_responses_mend_lines_that_break_a_count_whatever_it_costs() -> None:
    """A dive's line may break a count its pricing leaves to the master: best responses replace
    it by her best rule-keeping line even when that costs more, and the roster then keeps every
    rule, as the checker says."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    roster = lp.dive(60)
    assert roster is not None and colgen.keeps_all_counts(lp.staff, roster)
    staff = lp.staff
    # one more shift where the cover is short, for someone that shift takes over a count: the
    # roster costs about 100 less and breaks a rule (without the mending, it stays)
    short = np.argwhere(colgen._worked(staff, roster) < staff.requirement)
    broken = next(
        candidate
        for d, s in short
        for e in range(len(roster))
        if roster[e, d] < 0 and staff.allowed[e, d, s] and not keeps_counts(staff, e, (candidate := _with(roster, e, d, s))[e])
    )
    assert objective(staff, broken) < objective(staff, roster) - 50
    mended, changed = best_responses(staff, broken, 30)
    assert changed >= 1 and colgen.keeps_all_counts(staff, mended)
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(mended))
    verdict = judge(instance, read_roster(instance, roster_text(staff, mended)))
    assert verdict.feasible and verdict.objective == round(objective(staff, mended) * 100)


def test_sideways_best_responses_move_lines_that_cost_the_same_and_never_more() -> None:
    """From a roster no employee alone can improve, best responses with ``sideways`` still move
    lines: ties among each employee's best lines, broken at random but the same for the same
    seed. The objective never rises, every rule is kept, and the checker agrees."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    staff, roster = lp.staff, lp.dive(60)
    assert roster is not None
    changed = 1
    while changed:
        roster, changed = best_responses(staff, roster, 30)
    side, moved = best_responses(staff, roster, 30, seed=1, sideways=True)
    assert moved > 0 and not np.array_equal(side, roster)
    assert objective(staff, side) <= objective(staff, roster)
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(side))
    assert colgen.keeps_all_counts(staff, side)
    verdict = judge(instance, read_roster(instance, roster_text(staff, side)))
    assert verdict.feasible and verdict.objective == round(objective(staff, side) * 100)
    again, _ = best_responses(staff, roster, 30, seed=1, sideways=True)
    assert np.array_equal(again, side)


def test_a_stop_during_the_lp_ends_every_phase_and_the_run_keeps_a_checked_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in the LP of a five-minute run: the LP ends at its round, and neither the dive, the
    completion, best responses nor the search prices or searches again; the run comes back at
    once with its best roster, checked, and says it was interrupted."""
    control = SearchControl()
    stopped_when_priced: list[bool] = []
    price = Pricer.price

    def stop_on_third(self: Pricer, *args: object, **kwargs: object) -> tuple[np.ndarray, np.ndarray]:
        stopped_when_priced.append(control.interrupted)
        if len(stopped_when_priced) == 3:
            control.stop()
        return price(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Pricer, "price", stop_on_third)
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=300, workers=1, seed=1), control, method="colgen")
    assert stopped_when_priced == [False] * 3
    assert result.interrupted and result.wall_time < 60
    assert result.phases is not None and "dive" not in result.phases
    assert result.roster is not None and result.check is not None
    assert result.objective == result.check.objective
    verdict = judge(instance, read_roster(instance, write_roster(instance, result.roster)))
    assert verdict.objective == result.objective


def test_a_stopped_restricted_master_returns_its_hint_and_stopped_responses_change_nothing() -> None:
    """The restricted master's hint is a roster (each employee's heaviest rule-keeping column):
    stopped before it finds better, the master returns it, at its cost; best responses, stopped,
    leave a roster as it is."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    found, staff = lp.outcome(), lp.staff
    control = SearchControl()
    control.stop()
    chosen = restricted_master(staff, found, 60, workers=1, control=control)
    assert chosen is not None
    roster, cost = chosen
    for e, line in enumerate(roster):
        options = [(w, r) for r, w in zip(found.columns_of[e], found.weights[e], strict=True) if keeps_counts(staff, e, r)]
        heaviest = max(range(len(options)), key=lambda i: options[i][0])  # the first of the heaviest
        assert np.array_equal(line, options[heaviest][1])
    assert cost == pytest.approx(objective(staff, roster))
    same, changed = best_responses(staff, roster, 60, workers=1, control=control)
    assert changed == 0 and np.array_equal(same, roster)
    assert best_responses(staff, roster, 60, workers=1)[1] > 0  # unstopped, they do improve it


def _with(roster: np.ndarray, e: int, d: int, s: int) -> np.ndarray:
    changed = roster.copy()
    changed[e, d] = s
    return changed


@settings(max_examples=100, deadline=None)
@given(small_staffing(), st.data())
def test_a_rosters_gap_to_the_lagrangian_splits_into_terms_none_negative(staff: Staffing, data: st.DataObject) -> None:
    """At any duals of the right signs, a rule-keeping roster's objective less L(y, mu) is the
    sum of its employees' and days' gap terms, and none of them is negative: they say where the
    roster's cost lies above the bound."""
    e_count, days, s_count = staff.size
    staff = Staffing(
        **{
            **staff.__dict__,
            "requirement": np.array(
                data.draw(st.lists(st.integers(0, 2), min_size=days * s_count, max_size=days * s_count))
            ).reshape(days, s_count),
        }
    )
    keeping = [
        [np.array(r) for r in itertools.product(range(-1, s_count), repeat=days) if keeps_rules(staff, e, list(r))]
        for e in range(e_count)
    ]
    assume(all(keeping))
    roster = np.array([data.draw(st.sampled_from(lines)) for lines in keeping])

    def duals(low: float, high: float, *shape: int) -> np.ndarray:
        size = int(np.prod(shape))
        values = data.draw(st.lists(st.floats(low, high, allow_nan=False), min_size=size, max_size=size))
        return np.array(values, dtype=float).reshape(shape)

    point = {
        "cover": duals(-staff.over, staff.under, days, s_count),
        "convexity": np.zeros(e_count),
        "most_minutes": duals(-2, 0, e_count),
        "least_minutes": duals(0, 2, e_count),
        "most_shifts": duals(-3, 0, e_count, s_count),
        "most_weekends": duals(-3, 0, e_count),
    }
    cheapest, _ = colgen._price(Pricer(staff), staff, point)
    employees, by_day = colgen.gap_terms(staff, point, cheapest, roster)
    assert employees.min() >= -1e-6 and by_day.min() >= -1e-6
    gap = objective(staff, roster) - colgen._lagrangian(staff, point, cheapest)
    assert employees.sum() + by_day.sum() == pytest.approx(gap, abs=1e-6)


def test_the_focus_reads_a_roster_from_its_duties_and_splits_its_gap_to_the_bound() -> None:
    """What the neighbourhood search is told: a term per employee ID and per date that add up
    to the roster's objective less the LP's bound (before rounding up)."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    lp.generate(60)
    staff = lp.staff
    roster = lp.dive(60)
    assert roster is not None
    # one line chosen at random costs, keeping every rule: the roster is no longer at the bound
    noise = np.random.default_rng(1).integers(-20, 20, size=staff.work_cost[0].shape).astype(float)
    line = keeping_roster(staff, 0, noise, 0.0, 10)
    assert line is not None
    roster[0] = line
    duties = [
        (instance.staff[e], instance.date(d), staff.shifts[s])
        for e, line in enumerate(roster)
        for d, s in enumerate(line)
        if s >= 0
    ]
    by_unit, by_date = lp.focus(duties)
    assert set(by_unit) == set(instance.staff) and set(by_date) == {instance.date(d) for d in range(instance.horizon)}
    gap = objective(staff, roster) - lp.best
    assert gap > 1 and sum(by_unit.values()) + sum(by_date.values()) == pytest.approx(gap)
    employees, days = lp.gap(roster)
    assert [by_unit[u] for u in instance.staff] == pytest.approx(employees.tolist())
    assert [by_date[instance.date(d)] for d in range(instance.horizon)] == pytest.approx(days.tolist())


def test_the_trace_never_reads_a_count_below_zero() -> None:
    """Shifts A and B are one class; A is the counted shift, at most once, and dearer the
    earlier it is worked. Read back from "A worked on the last day", each earlier day's B was
    worked at count 0, where A could not have been: a place below 0 once read the saturated last
    one, whose rosters work A often, and the trace returned a roster breaking the limit."""
    days = 7
    staff = Staffing(
        shifts=("A", "B"),
        minutes=np.array([1, 1]),
        banned=np.zeros((2, 2), dtype=bool),
        requirement=np.zeros((days, 2)),
        under=100.0,
        over=1.0,
        allowed=np.ones((1, days, 2), dtype=bool),
        work_cost=np.array([[[-10.0 - d, -1.0] for d in range(days)]]),
        off_cost=np.zeros((1, days)),
        max_run=np.array([days]),
        min_run=np.array([1]),
        min_off=np.array([1]),
        max_minutes=np.array([days]),
        min_minutes=np.array([0]),
        max_shifts=np.array([[1, days]]),
        max_weekends=np.array([1]),
    )
    pricer = Pricer(staff, max_states=10**9)
    assert pricer.counting.shift == 0 and len(pricer.members) == 1
    values, rosters = pricer.price(staff.work_cost, staff.off_cost, np.zeros(1))
    assert list(rosters[0]) == [1] * (days - 1) + [0]
    assert values[0] == roster_cost(staff, 0, rosters[0]) == -16 - 6  # A on the last day, B before


def test_the_colgen_method_hands_its_search_the_lps_focus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search is told where the roster's cost lies: the focus of the LP that gave the start,
    whose terms add up to the roster's objective less the bound."""
    strategies: list[engine.Strategy] = []
    search = curtois.solve_whole

    def spy(*args: object) -> object:
        strategies.append(args[5])  # type: ignore[arg-type]
        return search(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(curtois, "solve_whole", spy)
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=1), method="colgen")
    assert result.roster is not None and result.objective is not None
    focus = strategies[0].focus
    assert focus is not None and isinstance(getattr(focus, "__self__", None), RosterLP)
    by_unit, by_date = focus([(a.unit, a.date, a.shift) for a in result.roster])
    lp = focus.__self__  # type: ignore[attr-defined]
    assert sum(by_unit.values()) + sum(by_date.values()) == pytest.approx(result.objective / 100 - lp.best)


def bench_twice(script: str, *arguments: str) -> list[list[dict]]:
    """The JSON lines of ``bench/<script>`` on the test instances, run twice."""
    command = [sys.executable, str(Path(__file__).parent.parent / "bench" / script), str(DATA), *arguments]
    return [
        [json.loads(line) for line in subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()]
        for _ in range(2)
    ]


def test_the_pricing_benchmark_times_the_same_work_twice() -> None:
    """``bench/pricing.py`` on instances 1-3: a line each with both timings, and on a second
    run the same checksums, since its prices are drawn with a fixed seed."""
    runs = bench_twice("pricing.py", "--instances", "1-3", "--repeats", "1")
    assert [row["instance"] for row in runs[0]] == ["Instance1", "Instance2", "Instance3"]
    assert all(row["one_s"] > 0 and row["all_s"] > 0 for row in runs[0])
    sums = [[(row["one_sum"], row["all_sum"]) for row in run] for run in runs]
    assert sums[0] == sums[1] and all(math.isfinite(one) and math.isfinite(every) for one, every in sums[0])
