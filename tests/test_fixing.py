"""The dive on single decisions (rotation.benchmarks.fixing): decisions fixed from the LP, a roster that
keeps them, and the master left as it was."""

from __future__ import annotations

import numpy as np
import pytest
from test_colgen import DATA, keeps_rules

from rotation.benchmarks import fixing
from rotation.benchmarks.colgen import RosterLP, objective, roster_cost, roster_text
from rotation.benchmarks.curtois import judge, read_instance, read_roster


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
