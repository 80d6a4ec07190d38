"""Relax-and-resolve on one model: where a focus sends its neighbourhoods."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rotation.benchmarks.curtois import judge, read_instance
from rotation.engine import BENCHMARK, solve_whole
from rotation.solver.cpsat import SearchControl, SolveOptions
from rotation.solver.relax import Duty, Weights, _neighbourhood, _weights

DATA = Path(__file__).parent / "data" / "curtois"
UNITS = [f"u{i}" for i in range(10)]
DATES = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(28)]


def _share_freeing(weights: Weights | None, unit: str, date: dt.date) -> float:
    """How often a window of units over days (the third kind) frees ``unit`` on ``date``."""
    by_unit_date = {(u, d): [i] for i, (u, d) in enumerate((u, d) for u in UNITS for d in DATES)}
    target = by_unit_date[(unit, date)][0]
    rng = random.Random(7)
    draws = [_neighbourhood(rng, 2, UNITS, DATES, by_unit_date, 28, 1.0, weights) for _ in range(400)]
    return sum(target in free for free in draws) / len(draws)


def test_a_focus_draws_the_units_and_days_it_weighs_and_still_draws_the_others() -> None:
    heavy_unit, heavy_day = "u3", DATES[20]
    weights = _weights(({heavy_unit: 50.0}, {heavy_day: 80.0}), UNITS, DATES)
    assert min(weights.units) > 0 and min(weights.dates) > 0  # every unit and day may still be drawn
    assert _share_freeing(weights, heavy_unit, heavy_day) > 0.7
    assert _share_freeing(None, heavy_unit, heavy_day) < 0.3
    assert 0 < _share_freeing(weights, "u5", DATES[2]) < 0.1


def test_the_search_asks_its_focus_about_the_incumbent_and_keeps_every_rule() -> None:
    instance = read_instance(DATA / "Instance2.txt")
    seen: list[list[Duty]] = []

    def focus(duties: list[Duty]) -> tuple[dict[str, float], dict[dt.date, float]]:
        seen.append(duties)
        return {instance.staff[0]: 10.0}, {}

    strategy = replace(BENCHMARK, focus=focus)
    options = SolveOptions(time_limit=4, workers=1, seed=1)
    result = solve_whole(instance.problem, options, SearchControl(), strategy=strategy)
    assert result.check is not None and result.check.feasible
    assert seen, "no step was drawn by the focus"
    for duties in seen:
        # a roster: one shift a day at most per employee, of the instance's shifts and staff
        assert max(Counter((unit, date) for unit, date, _ in duties).values()) == 1
        assert {unit for unit, _, _ in duties} <= set(instance.staff)
        assert {shift for _, _, shift in duties} <= set(instance.shift_ids)
    assert judge(instance, result.roster).objective == result.objective
