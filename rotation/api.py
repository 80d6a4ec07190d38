"""The Python API, for an analyst in a notebook or a program of one's own:

    import rotation
    data = rotation.loader("data/fengqing")
    result = rotation.solve(data, "2026-12-01", "2026-12-31", time_limit=30)
    result.assignments()          # one row per duty (pandas)
    result.statistics()           # per unit and month (pandas)
    rotation.checker(data, result.roster).objective

The command line and the planners' web page use the same functions underneath.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from rotation.budget import NO_RESERVE, Budget, Reserve
from rotation.calendar import months_spanned
from rotation.checker import CheckResult
from rotation.checker import check as check_roster
from rotation.engine import solve as solve_problem
from rotation.engine import solve_after
from rotation.loader import load as load_data
from rotation.model import DataSet
from rotation.problem import Problem, build_problem
from rotation.result import Result
from rotation.roster import Assignment, Roster
from rotation.solver.cpsat import Progress, SearchControl, SolveOptions

Day = dt.date | str


def load(path: str | Path) -> DataSet:
    """A data set from a folder of CSV tables or a workbook, validated; raises
    :class:`~rotation.errors.DataError` with every problem found."""
    return load_data(Path(path))


def problem(data: DataSet, start: Day, end: Day, assume_weekends: bool = False) -> Problem:
    """``data`` resolved over ``start``..``end`` (inclusive): the open slots, day types,
    eligibility and fair shares."""
    return build_problem(data, _day(start), _day(end), assume_weekends)


def solve(
    data: DataSet | Problem,
    start: Day | None = None,
    end: Day | None = None,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    previous: Iterable[Assignment] | None = None,
    assume_weekends: bool = False,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    budget: Budget | None = None,
    reserve: Reserve = NO_RESERVE,
) -> Result:
    """The best roster for ``start``..``end`` within ``time_limit`` seconds (with one worker,
    deterministic seconds: the same data and seed give the same roster), checked by the
    independent checker. ``previous`` is an earlier roster to continue (``--previous``);
    ``control`` lets another thread stop the search and keep the best roster so far;
    ``reserve`` is what the caller keeps of ``budget`` for writing the outputs."""
    if isinstance(data, Problem):
        resolved = data
    else:
        if start is None or end is None:
            raise TypeError("solve(data, start, end): the dates are needed with a data set")
        resolved = problem(data, start, end, assume_weekends)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    if previous is not None:
        return solve_after(resolved, list(previous), options, control, on_progress, budget, reserve)
    return solve_problem(resolved, options, control, on_progress, budget, reserve)


def check(
    data: DataSet | Problem,
    roster: Roster | Iterable[Assignment],
    start: Day | None = None,
    end: Day | None = None,
    assume_weekends: bool = False,
) -> CheckResult:
    """Every hard rule a roster breaks and every soft penalty, over ``start``..``end`` (by
    default the calendar months its duties span)."""
    roster = roster if isinstance(roster, Roster) else Roster(roster)
    if isinstance(data, Problem):
        return check_roster(data, roster)
    if start is None or end is None:
        first, last = months_spanned(roster.dates(), "排班")
        start, end = start or first, end or last
    return check_roster(problem(data, start, end, assume_weekends), roster)


def _day(value: Day) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
