"""Neighbourhood search over groups of units: groups re-planned side by side combine exactly,
a step whose periods a step kept meanwhile has changed is dropped, and the groups drawn for
fairness hold units that can trade duties towards their shares."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import pytest
from conftest import day, duty, make_data, need

from rotation.budget import Budget
from rotation.cells import parse_day_spec
from rotation.checker import check
from rotation.loader import load
from rotation.model import Request, RequestKind, Unit
from rotation.problem import Period, build_problem
from rotation.roster import Roster
from rotation.solver.cpsat import Progress, SearchControl
from rotation.solver.greedy import as_assignments, first_roster
from rotation.solver.lns import GROUP_SIZE, Ledger, _fair_partners, _sharing, improve, re_plan, restricted_days

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "fengqing"
# the roster before its people are named and its first-inquiry owners chosen, which come later
SETTLED_LATER = {"person", "first_inquiry"}


@pytest.mark.wallclock
def test_groups_re_planned_side_by_side_lower_the_objective_by_what_they_report() -> None:
    problem = build_problem(load(DEFAULT_DATA), dt.date(2026, 12, 7), dt.date(2026, 12, 13))
    start = as_assignments(first_roster(problem, []))
    heard: list[float] = []

    def hear(progress: Progress) -> None:
        assert progress.objective is not None
        heard.append(progress.objective)

    before = check(problem, Roster(start))
    duties, improved = improve(
        problem, start, before.objective, Budget(3.0), seed=1, control=SearchControl(), on_progress=hear, workers=2
    )
    after = check(problem, Roster(duties))
    assert heard and after.objective == heard[-1] < before.objective
    assert improved == len(heard)  # each improvement is heard once and counted
    assert after.shortfalls == ()
    assert {v.rule for v in after.violations} <= SETTLED_LATER


def test_a_step_is_dropped_when_a_step_kept_since_it_began_changed_one_of_its_periods() -> None:
    monday, tuesday, wednesday = (Period(dt.date(2026, 12, d), "S1", "AM") for d in (7, 8, 9))
    ledger = Ledger()
    began = len(ledger)  # two steps begin on the same roster
    assert ledger.keep({monday, tuesday}, began)
    assert not ledger.keep({tuesday, wednesday}, began)  # it saw Tuesday as it was
    assert ledger.keep({wednesday}, began)  # nothing it changes has changed since
    assert ledger.keep({monday}, len(ledger))  # begun after the first was kept: it saw Monday as it is
    assert len(ledger) == 3


def test_two_steps_that_each_fit_the_roster_they_saw_do_not_fit_together_and_the_second_is_dropped() -> None:
    # one or two units at S1, at most one at S2, and both units wish for S2: from the roster
    # with both at S1, each unit alone may move there, but not both
    monday = day(3, 2)
    wishes = tuple(Request(unit, parse_day_spec("全部"), RequestKind.WANT, station="S2", weight=3) for unit in ("U1", "U2"))
    problem = build_problem(make_data(need("S1", "全部", 1, 2), need("S2", "全部", 0, 1), requests=wishes), monday, monday)
    roster = [duty(monday, "U1"), duty(monday, "U2", first=False)]
    restricted = restricted_days(problem)
    first, second = (re_plan(problem, frozenset({unit}), roster, restricted, seed=1) for unit in ("U1", "U2"))
    assert first.after is not None and second.after is not None
    assert {a.station for a in first.after + second.after} == {"S2"}
    together = check(problem, Roster(first.after + second.after))
    assert together.shortfalls or together.violations
    ledger = Ledger()
    assert ledger.keep(first.changed(), 0)
    assert not ledger.keep(second.changed(), 0)


def test_a_unit_off_its_share_is_grouped_with_the_units_off_theirs_the_other_way_that_share_its_slots() -> None:
    # twelve weekdays at S1 shared by U1..U12 (one duty each is fair), and at S2 by U13 alone;
    # U1 has two duties too many, U2 and U3 one too few, U13 one too few but cannot take S1's
    units = (*(Unit(f"U{n}", f"单位{n}") for n in range(1, 13)), Unit("U13", "单位13", roles=("讲解",)))
    problem = build_problem(
        make_data(need("S1", "工作日", 1), need("S2", "工作日", 1, role="讲解"), units=units), day(11, 2), day(11, 17)
    )
    weekdays = [d.date for d in problem.days if not problem.is_rest(d.date)]
    s1 = ["U1", "U1", "U1", *(f"U{n}" for n in range(4, 13))]
    roster = [duty(date, unit) for date, unit in zip(weekdays, s1, strict=True)]
    roster += [duty(date, "U13", "S2", role="讲解") for date in weekdays[1:]]
    sharing = _sharing(problem)
    assert sharing["U13"] == set() and sharing["U1"] == {f"U{n}" for n in range(2, 13)}
    seeds = Counter()
    for seed in range(40):
        group = _fair_partners(problem, random.Random(seed), roster, sharing)
        assert len(group) == len(set(group)) == GROUP_SIZE
        seeds[group[0]] += 1
        if group[0] == "U1":  # over its share: both units under theirs that can take its duties
            assert set(group[1:3]) == {"U2", "U3"}
        elif group[0] in ("U2", "U3"):  # under: the one unit over
            assert group[1] == "U1"
    # drawn by what each costs: U1's two duties too many four times what one too few costs
    assert set(seeds) == {"U1", "U2", "U3", "U13"} and seeds["U1"] > max(seeds["U2"], seeds["U3"], seeds["U13"])
