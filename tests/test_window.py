"""Windows re-planned by CP-SAT against brute force, and the colgen method that uses them on
models too large to build."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_colgen import DATA, bench_twice, keeps_rules, small_staffing

from rotation import engine
from rotation.benchmarks import colgen, curtois, window
from rotation.benchmarks.colgen import RosterLP, Staffing, objective, restricted_master, roster_text
from rotation.benchmarks.curtois import Instance, judge, read_instance, read_roster, solve, write_roster
from rotation.benchmarks.window import Windows, replan, windows_and_responses
from rotation.solver.cpsat import SearchControl, SolveOptions


def _lines(staff: Staffing, e: int) -> list[tuple[int, ...]]:
    """Every line of employee ``e`` that keeps all her rules."""
    _, days, s_count = staff.size
    return [line for line in itertools.product(range(-1, s_count), repeat=days) if keeps_rules(staff, e, list(line))]


@settings(max_examples=80, deadline=None)
@given(small_staffing(), st.data())
def test_a_window_is_replanned_to_the_cheapest_brute_force_finds(staff: Staffing, data: st.DataObject) -> None:
    """Re-planning some employees over some days keeps every rule, the counting ones over the
    whole horizon included, leaves every other duty as it was, and costs what the cheapest
    re-planning brute force finds costs."""
    e_count, days, s_count = staff.size
    requirement = np.array(data.draw(st.lists(st.integers(0, 2), min_size=days * s_count, max_size=days * s_count)))
    staff = Staffing(**{**staff.__dict__, "requirement": requirement.reshape(days, s_count).astype(float)})
    lines = [_lines(staff, e) for e in range(e_count)]
    assume(all(lines))
    roster = np.array([data.draw(st.sampled_from(options)) for options in lines])
    people = np.array(sorted(data.draw(st.sets(st.integers(0, e_count - 1), min_size=1))))
    first = data.draw(st.integers(0, days - 1))
    last = data.draw(st.integers(first + 1, days))

    found, optimal = replan(staff, roster, people, first, last, 10)

    assert found is not None and optimal
    outside = np.ones((e_count, days), dtype=bool)
    outside[np.ix_(people, np.arange(first, last))] = False
    assert np.array_equal(found[outside], roster[outside])
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(found))
    # brute force: every re-planning of the window whose lines keep every rule
    cheapest = np.inf
    fitting = [
        [line for line in lines[e] if line[:first] == tuple(roster[e, :first]) and line[last:] == tuple(roster[e, last:])]
        for e in people
    ]
    for choice in itertools.product(*fitting):
        candidate = roster.copy()
        candidate[people] = np.array(choice)
        cheapest = min(cheapest, objective(staff, candidate))
    assert objective(staff, found) == pytest.approx(cheapest)


def _worse_start() -> tuple[Instance, Staffing, np.ndarray]:
    """Instance 3, and a roster of it that keeps every rule some way from the optimum: the
    restricted master's, each line moved by a week where it still keeps its employee's rules."""
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    lp.generate(2)
    staff = lp.staff
    chosen = restricted_master(staff, lp.outcome(), 5, workers=1)
    assert chosen is not None
    worse = chosen[0].copy()
    for e, line in enumerate(worse):
        if keeps_rules(staff, e, list(moved := np.roll(line, 7))):
            worse[e] = moved
    assert objective(staff, worse) > chosen[1]
    return instance, staff, worse


def _keeps_rules_and_the_checker_agrees(instance: Instance, staff: Staffing, roster: np.ndarray) -> None:
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(roster))
    verdict = judge(instance, read_roster(instance, roster_text(staff, roster)))
    assert verdict.feasible and verdict.objective == round(objective(staff, roster) * 100)


def test_windows_improve_a_roster_and_the_checker_agrees() -> None:
    """From a roster of instance 3 some way from the optimum, windows lower the objective, keep
    every rule and cost what the independent checker says; at a floor the roster already meets,
    no window is solved."""
    instance, staff, worse = _worse_start()
    windows = Windows(staff, workers=1, seed=1)
    better, steps = windows.search(worse, 5), windows.steps
    assert steps > 0 and objective(staff, better) < objective(staff, worse)
    _keeps_rules_and_the_checker_agrees(instance, staff, better)
    windows = Windows(staff, workers=1, seed=1)
    same, steps = windows.search(better, 5, floor=objective(staff, better)), windows.steps
    assert steps == 0 and np.array_equal(same, better)


def test_a_second_stretch_of_windows_goes_on_from_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two stretches of one :class:`Windows` draw on: the second neither repeats the first's
    draws nor starts again at the first size, and the steps add up. Every window here fails
    to solve, so each shrinks the next and the sizes do not hang on the machine's speed."""
    _, staff, worse = _worse_start()
    windows = window.Windows(staff, workers=1, seed=1)
    drawn: list[tuple[tuple[int, ...], float]] = []

    def replan(staff: Staffing, roster: np.ndarray, people: np.ndarray, *args: object) -> tuple[None, bool]:
        drawn.append((tuple(people), windows.size))
        return None, False

    monkeypatch.setattr(window, "replan", replan)
    windows.search(worse, 0.3)
    first, size = list(drawn), windows.size
    drawn.clear()
    windows.search(worse, 0.3)
    second = list(drawn)
    assert len(first) >= 3 and len(second) >= 3 and windows.steps == len(first) + len(second)
    assert first[0][1] == window.FIRST_SIZE and size < window.FIRST_SIZE and second[0][1] == size
    assert [people for people, _ in second[:3]] != [people for people, _ in first[:3]]
    windows = window.Windows(staff, workers=1, seed=1)
    drawn.clear()
    windows.search(worse, 0.3)
    assert [people for people, _ in drawn[:3]] == [people for people, _ in first[:3]]


def test_a_stop_ends_windows_and_responses_at_the_window_it_cuts_short(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a window: its CP-SAT search stops, and nothing follows it, neither another
    window nor best responses; what the stopped window found is kept. A window stopped before
    it starts finds no optimum, though it would in the time given."""
    _, staff, worse = _worse_start()
    better = Windows(staff, workers=1, seed=1).search(worse, 3)
    assert objective(staff, better) < objective(staff, worse)
    control = SearchControl()
    given_control: list[object] = []

    def stopped_in_the_second(staff: Staffing, roster: np.ndarray, *args: object) -> tuple[np.ndarray | None, bool]:
        given_control.append(args[-1])
        if len(given_control) < 2:
            return None, False
        control.stop()  # as if during the search, which had found a better roster
        return better, False

    responded: list[int] = []
    monkeypatch.setattr(window, "replan", stopped_in_the_second)
    monkeypatch.setattr(window, "best_responses", lambda staff, roster, *args: responded.append(1) or (roster, 0))
    roster, steps = windows_and_responses(staff, worse, 60, workers=1, seed=1, control=control)
    assert given_control == [control, control] and steps == 1 and not responded
    assert np.array_equal(roster, better)
    monkeypatch.undo()
    days = staff.size[1]
    assert replan(staff, worse, np.arange(2), 0, days, 30, 1, 1)[1]  # whole and optimal
    assert not replan(staff, worse, np.arange(2), 0, days, 30, 1, 1, control)[1]


def test_windows_and_best_responses_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stretches of windows and rounds of best responses alternate, windows first and for as
    long as the responses before them took; no round of responses has more time than the
    stretch before it. The roster improves, keeps every rule and costs what the checker says;
    at a floor it meets, neither runs."""
    instance, staff, worse = _worse_start()
    calls: list[tuple[str, float]] = []
    turns: list[tuple[object, object]] = []

    def spy(name: str, real: Callable) -> Callable:
        def called(first: object, roster: np.ndarray, seconds: float, *args: object, **kwargs: object) -> object:
            calls.append((name, seconds))
            if name == "responses":
                turns.append((args[1], kwargs.get("sideways")))  # (seed, sideways)
            return real(first, roster, seconds, *args, **kwargs)

        return called

    monkeypatch.setattr(window, "STRETCH_SECONDS", 0.5)
    monkeypatch.setattr(window.Windows, "search", spy("windows", window.Windows.search))
    monkeypatch.setattr(window, "best_responses", spy("responses", window.best_responses))
    better, steps = windows_and_responses(staff, worse, 4, workers=1, seed=1, responded=1.5)

    names = [name for name, _ in calls]
    assert names[:2] == ["windows", "responses"] and "windows" in names[2:]
    assert all(a != b for a, b in itertools.pairwise(names))
    assert calls[0][1] == pytest.approx(1.5)
    assert all(after[1] <= before[1] for before, after in itertools.pairwise(calls) if after[0] == "responses")
    assert steps > 0 and objective(staff, better) < objective(staff, worse)
    # responses take sideways moves, each turn breaking ties its own way
    seeds = [seed for seed, _ in turns]
    assert all(sideways is True for _, sideways in turns) and len(set(seeds)) == len(seeds)
    _keeps_rules_and_the_checker_agrees(instance, staff, better)
    calls.clear()
    same, steps = windows_and_responses(staff, better, 4, workers=1, seed=1, floor=objective(staff, better))
    assert not calls and steps == 0 and np.array_equal(same, better)


def test_a_model_above_the_window_limit_is_not_built_and_windows_improve_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on instances 21-24: the start is improved by windows, not by a search of the whole
    model, and the closing pass checks the roster without a model of the horizon."""
    monkeypatch.setattr(engine, "RELAX_LIMIT", 0)
    monkeypatch.setattr(curtois, "WINDOW_DAYS", 0)
    monkeypatch.setattr(colgen, "MAX_STATES", 1)  # a weaker bound, which the start stays above
    built: list[int] = []
    monkeypatch.setattr(engine, "_search_model", lambda *args, **kwargs: built.append(1))
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, seed=1), method="colgen")
    assert not built and result.method == engine._AS_GIVEN
    assert result.phases is not None and result.phases["windows"] > 0
    assert result.objective is not None and result.objective <= result.phases["start"] * 100
    assert result.check is not None and result.check.feasible
    assert result.objective == result.check.objective
    assert result.roster is not None
    verdict = judge(instance, read_roster(instance, write_roster(instance, result.roster)))
    assert verdict.objective == result.objective


class _Given(Exception):
    """Ends a solve once the LP's time is known."""


@pytest.mark.parametrize(
    ("counted", "windowed", "share"),
    [(False, True, curtois.UNCOUNTED_LP_SHARE), (True, True, curtois.LP_SHARE), (False, False, curtois.LP_SHARE)],
)
def test_an_lp_priced_without_counts_yields_its_time_to_windows(
    monkeypatch: pytest.MonkeyPatch, counted: bool, windowed: bool, share: float
) -> None:
    """As on 21-24, whose pricing keeps no counting rule: where windows follow, the LP gets
    only its small share, its columns seldom keeping every rule; a pricing that keeps a count,
    or a model that is built and searched, keeps the LP's whole share."""
    if not counted:
        monkeypatch.setattr(colgen, "MAX_STATES", 1)  # no room in the state for any count
    if windowed:
        monkeypatch.setattr(engine, "RELAX_LIMIT", 0)
        monkeypatch.setattr(curtois, "WINDOW_DAYS", 0)
    given_lp: list[float] = []

    def generate(self: RosterLP, seconds: float, *args: object, **kwargs: object) -> bool:
        assert self.pricer.counting.keeps_any == counted
        given_lp.append(seconds)
        raise _Given

    monkeypatch.setattr(RosterLP, "generate", generate)
    with pytest.raises(_Given):
        solve(read_instance(DATA / "Instance3.txt"), SolveOptions(time_limit=10, workers=1, seed=1), method="colgen")
    assert given_lp == [pytest.approx(share * 10)]


def test_the_window_benchmark_builds_the_same_windows_twice() -> None:
    """``bench/windows.py`` on instances 1-3: a line each with the median build and the windows'
    size, and on a second run the same Booleans, since its windows are drawn with a fixed seed."""
    runs = bench_twice("windows.py", "--instances", "1-3", "--windows", "3")
    assert [row["instance"] for row in runs[0]] == ["Instance1", "Instance2", "Instance3"]
    assert all(row["build_s"] > 0 and row["booleans"] > 0 and row["constraints"] > 0 for row in runs[0])
    assert [row["booleans"] for row in runs[0]] == [row["booleans"] for row in runs[1]]
