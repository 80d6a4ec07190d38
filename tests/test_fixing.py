"""The dive on single decisions (rotation.benchmarks.fixing): decisions fixed from the LP, a roster that
keeps them, and the master left as it was."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_colgen import DATA, keeps_rules

from rotation import engine
from rotation.benchmarks import fixing
from rotation.benchmarks.colgen import RosterLP, keeps_all_counts, objective, roster_cost, roster_text
from rotation.benchmarks.curtois import judge, read_instance, read_roster, solve
from rotation.solver.cpsat import SolveOptions
from rotation.units import SCALE


@pytest.mark.parametrize(("number", "optimum"), [(1, 607), (2, 828), (3, 1001)])
def test_the_completed_roster_keeps_every_fixing_and_rule_and_the_checker_agrees(number: int, optimum: int) -> None:
    instance = read_instance(DATA / f"Instance{number}.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    bound = lp.outcome().bound
    dive = fixing.Fixing(lp)
    fixed = dive.run(60, enough=0.8)
    held = fixed != fixing.FREE
    assert held.mean() >= 0.8 and dive.steps > 0
    # the LP with the fixings is a restriction of the whole LP
    assert dive.value >= bound - 1e-6
    roster = fixing.complete(lp, fixed, dive.heaviest(), 20, workers=1, seed=1)
    assert roster is not None
    assert (roster[held] == fixed[held]).all()
    staff = lp.staff
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(roster))
    check = judge(instance, read_roster(instance, roster_text(staff, roster)))
    assert check.feasible and check.objective == objective(staff, roster) * 100
    assert bound <= objective(staff, roster) and optimum <= objective(staff, roster)


def test_the_dive_leaves_each_column_at_its_own_cost() -> None:
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    before = lp.value
    fixing.Fixing(lp).run(60)
    master = lp.master
    for e, columns in enumerate(master.columns):
        for roster, var in columns:
            assert master.solver.Objective().GetCoefficient(var) == pytest.approx(roster_cost(lp.staff, e, roster))
    # with the dive's columns added the LP is no worse than it was
    assert master.solve() <= before + 1e-6


def test_a_fixing_the_rules_forbid_leaves_no_roster() -> None:
    """Every day held off for an employee who must work some minutes has no completion: CP-SAT
    finds none rather than break a fixing."""
    instance = read_instance(DATA / "Instance2.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    dive = fixing.Fixing(lp)
    fixed = dive.run(60, enough=0.8)
    roster = fixing.complete(lp, fixed, dive.heaviest(), 20, workers=1, seed=1)
    assert roster is not None
    # every day of employee 0 held off: below her least minutes
    impossible = fixed.copy()
    impossible[0] = -1
    assert lp.staff.min_minutes[0] > 0
    assert fixing.complete(lp, impossible, roster, 20, workers=1, seed=1) is None
    np.testing.assert_array_equal(fixed, dive.fixed)


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Instance 3 taken as 12 and 13 are: one model too large for relax steps, searched whole."""
    monkeypatch.setattr(engine, "RELAX_LIMIT", 0)


def test_the_run_starts_a_large_whole_model_from_the_decision_dive(decisions: None) -> None:
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=20, workers=1, seed=1), method="colgen")
    phases = result.phases or {}
    assert "dive" in phases and "master" not in phases
    assert result.check is not None and result.check.feasible
    assert result.objective == result.check.objective
    assert result.objective is not None and 1001 * SCALE <= result.objective <= phases["dive"] * SCALE


def test_without_the_decision_dive_the_master_gives_the_start(decisions: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fixing, "dive", lambda *args, **kwargs: None)
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=20, workers=1, seed=1), method="colgen")
    phases = result.phases or {}
    assert "dive" not in phases and "master" in phases
    assert result.check is not None and result.check.feasible and result.objective == result.check.objective


def tight_counts(tmp_path: Path) -> Path:
    """Instance 2 with at most 4 early and 4 late shifts for those who may work both: the
    pricing keeps one of these counts, the master the other."""
    text = (DATA / "Instance2.txt").read_text(encoding="ascii").replace("E=14|L=14", "E=4|L=4")
    path = tmp_path / "Instance2-tight.txt"
    path.write_text(text, encoding="ascii")
    return path


def test_an_employee_whose_fixings_break_a_count_goes_back_to_her_fixings_before(tmp_path: Path) -> None:
    instance = read_instance(tight_counts(tmp_path))
    lp = RosterLP(instance)
    assert lp.generate(60)
    dive = fixing.Fixing(lp)
    fixed = dive.run(60, enough=0.95)
    # the LP's surest decisions for her, taken from several columns, broke the count in the master
    assert dive.settled.any() and dive.steps > 0
    staff, hint = lp.staff, dive.heaviest()
    held = fixed != fixing.FREE
    assert (hint[held] == fixed[held]).all() and keeps_all_counts(staff, hint)
    roster = fixing.complete(lp, fixed, hint, 20, workers=1, seed=1)
    assert roster is not None and (roster[held] == fixed[held]).all()
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(roster))
    assert objective(staff, roster) <= objective(staff, hint)


def test_the_dive_returns_the_lp_columns_when_cp_sat_completes_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fixing, "complete", lambda *args, **kwargs: None)
    instance = read_instance(tight_counts(tmp_path))
    lp = RosterLP(instance)
    assert lp.generate(60)
    roster = fixing.dive(lp, 60, workers=1, seed=1)
    assert roster is not None
    staff = lp.staff
    assert all(keeps_rules(staff, e, list(line)) for e, line in enumerate(roster))
    check = judge(instance, read_roster(instance, roster_text(staff, roster)))
    assert check.feasible and check.objective == objective(staff, roster) * SCALE


def test_with_whole_the_first_step_fixes_every_decision_the_lp_takes_whole() -> None:
    instance = read_instance(DATA / "Instance3.txt")
    lp = RosterLP(instance)
    assert lp.generate(60)
    taken = fixing.marginals(lp, lp.master.weights())
    whole = taken.max(axis=2) >= 1 - 1e-6
    assert 0 < whole.sum() < whole.size
    before = lp.value
    dive = fixing.Fixing(lp)
    fixed = dive.run(60, step=1e-9, enough=whole.mean(), whole=True)
    assert dive.steps == 1
    s_count = taken.shape[2] - 1
    expected = np.where(taken.argmax(axis=2) == s_count, -1, taken.argmax(axis=2))
    assert (fixed[whole] == expected[whole]).all()
    # the LP's solution keeps them all: fixing them costs it nothing
    assert dive.value == pytest.approx(before, abs=1e-6)


def test_where_the_lp_has_not_converged_the_run_takes_the_column_dive(decisions: None, monkeypatch: pytest.MonkeyPatch) -> None:
    generate = RosterLP.generate
    monkeypatch.setattr(RosterLP, "generate", lambda self, seconds, *args, **kwargs: generate(self, 0.0, *args, **kwargs))
    instance = read_instance(DATA / "Instance3.txt")
    result = solve(instance, SolveOptions(time_limit=20, workers=1, seed=1), method="colgen")
    phases = result.phases or {}
    assert "master" in phases
    assert result.check is not None and result.check.feasible and result.objective == result.check.objective
