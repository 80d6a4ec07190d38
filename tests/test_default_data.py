"""The embedded Fengqing data: valid, and a complete roster exists for December 2026."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from rotation.checker import check
from rotation.cli import DEFAULT_DATA
from rotation.engine import solve
from rotation.loader import load
from rotation.problem import build_problem
from rotation.solver.cpsat import SolveOptions


def test_default_data_has_the_network_of_the_article() -> None:
    data = load(DEFAULT_DATA)
    levels = Counter(s.level for s in data.stations)
    assert (levels[1], levels[2], levels[3], levels[4], levels[0]) == (1, 4, 11, 10, 1)
    names = {s.name for s in data.stations}
    assert {"凤山镇党群服务中心", "育贤党群服务点", "企业家红色驿站"} <= names
    roles = {role for u in data.units for role in u.roles}
    assert {"领班", "坐班", "轮班", "值守"} <= roles
    assert 60 <= len(data.units) <= 80


def test_december_2026_is_covered_without_breaking_a_hard_rule() -> None:
    # one worker: deterministic seconds, so a loaded machine cannot cut the search short
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    result = solve(problem, SolveOptions(time_limit=30, workers=1, seed=0))
    assert result.roster is not None
    checked = check(problem, result.roster)
    assert checked.violations == ()
    assert checked.shortfalls == ()
    assert len(result.roster) == problem.unit_duties == 1059
    assert result.objective == checked.objective
    assert result.bound is not None and result.bound <= result.objective
