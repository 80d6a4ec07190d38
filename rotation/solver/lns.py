"""Large neighbourhood search over groups of units.

Each step frees every duty of a small group of units, keeps all other units' duties as they
are, and re-solves the group exactly with CP-SAT: the group may trade its duties among its
members and move them to other days, which is what fairness and spacing need and what generic
neighbourhoods rarely find. Every rule is per unit except coverage and first-inquiry, which
the sub-problem inherits from the fixed units (reduced minimums and maxima, periods already
owned), so the group's objective differs from the whole roster's by a constant and an
improvement of one is an improvement of the other. Under a wall-clock limit, groups with no
unit in common are re-planned side by side, one per worker (see :class:`Ledger`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rotation.budget import AnyOf, Budget, Stopped, StoppingCriterion, TimeUp
from rotation.model import Unit
from rotation.problem import FairShares, Period, Problem, Slot
from rotation.roster import Assignment
from rotation.solver.cpsat import Progress, SearchControl, add_complete_hint, build_model, new_solver
from rotation.solver.extract import extract_duties
from rotation.solver.variables import first_inquiry_capacity, is_restricted
from rotation.units import TARGET_SCALE

GAP_SHARE = 0.5
"""While the roster misses duties, this share of the groups is drawn around a missing duty."""
GROUP_SIZE = 3
"""Units per neighbourhood: three beat six in every measured run (docs/solver.md §5, phase 3)."""
STEP_LIMIT = 0.3  # deterministic seconds per neighbourhood
STEP_OVERHEAD = 0.3  # what building one neighbourhood's model costs, in deterministic seconds


def sub_problem(problem: Problem, group: set[str], duties: list[Assignment], restricted: set[tuple[str, dt.date]]) -> Problem:
    """The problem of re-planning ``group`` with every other unit's ``duties`` fixed;
    ``restricted`` are the unit-days on which a unit's people limit its first-inquiry duties."""
    data = problem.data
    others: Counter = Counter()
    owners: set[Period] = set()
    for a in duties:
        if a.unit in group:
            continue
        others[(a.date, a.station, a.shift, a.role)] += 1
        # owned when a fixed unit can own it whatever else happens
        capable = (a.unit, a.date) not in restricted and first_inquiry_capacity(problem, a.unit, a.date, a.shift) > 0
        if capable or (a.first_inquiry and (a.unit, a.date) in restricted):
            owners.add(Period(a.date, a.station, a.shift))
    slots: list[Slot] = []
    for slot in problem.slots:
        eligible = tuple(u for u in slot.eligible if u in group)
        fixed = others[(slot.date, slot.station, slot.shift, slot.role)]
        if not eligible or slot.max - fixed <= 0:
            continue
        slots.append(replace(slot, index=len(slots), min=max(0, slot.min - fixed), max=slot.max - fixed, eligible=eligible))

    def keep(rows: tuple) -> tuple:
        return tuple(r for r in rows if r.unit in group)

    sub_data = replace(
        data,
        units=tuple(u for u in data.units if u.id in group),
        people=keep(data.people),
        unavailability=keep(data.unavailability),
        requests=keep(data.requests),
        fixed=keep(data.fixed),
        history=keep(data.history),
    )
    # fair shares, and the days a position must not be left empty, are those of the whole problem
    occupied = frozenset((a.station, a.date) for a in duties if a.unit not in group)
    return replace(
        problem,
        data=sub_data,
        slots=tuple(slots),
        owned=frozenset(owners),
        occupied=occupied,
        station_days=tuple(problem.open_days.items()),
        shares=FairShares(problem.targets, problem.weekend_targets),
    )


def _groups(problem: Problem, rng: random.Random, duties: list[Assignment], sharing: dict[str, set[str]]) -> list[str]:
    """A group to re-plan, one of five kinds: units drawn at random; units of one community
    (they compete for the same positions) with a few others; a unit with many close pairs
    together with units on duty on the days of those pairs, its natural swap partners; a unit
    off its fair share with units off theirs the other way (:func:`_fair_partners`); or units
    with the same roles, which can trade any duty (the only way to even out a few
    single-member units that alone may lead a shift)."""
    units = [u for u in problem.units]
    if rng.random() < GAP_SHARE and (short := _short_slots(problem, duties)):
        return _gap_partners(rng, rng.choice(short), sharing, units)
    draw = rng.random()
    if draw < 1 / 5:
        return _topped_up(rng, units, [])
    if draw < 2 / 5:
        return _partners(problem, rng, duties)
    if draw < 3 / 5:
        return _fair_partners(problem, rng, duties, sharing)
    if draw < 4 / 5:
        roles = rng.choice(units).roles
        alike = [u for u in units if u.roles == roles]
        return _topped_up(rng, units, rng.sample(alike, min(GROUP_SIZE, len(alike))))
    communities = sorted({u.community for u in units if u.community})
    if not communities:
        return _topped_up(rng, units, [])
    home = rng.choice(communities)
    local = [u for u in units if u.community == home]
    return _topped_up(rng, units, rng.sample(local, min(GROUP_SIZE - 2, len(local))))


def _cover(problem: Problem, duties: list[Assignment]) -> list[tuple[Slot, int]]:
    """Each slot with the number of ``duties`` in it."""
    count = Counter((a.date, a.station, a.shift, a.role) for a in duties)
    return [(s, count[(s.date, s.station, s.shift, s.role)]) for s in problem.slots]


def _short_slots(problem: Problem, duties: list[Assignment]) -> list[Slot]:
    """The slots ``duties`` leave short of their minimum that some unit may fill."""
    return [s for s, n in _cover(problem, duties) if s.eligible and n < s.min]


def _gap_partners(rng: random.Random, slot: Slot, sharing: dict[str, set[str]], units: list[Unit]) -> list[str]:
    """A unit that may fill the short ``slot``, a unit that may take over some duty of it (the
    duty that keeps it away: its day, its run, its weekends), and another that may fill the
    slot: a missing duty outweighs every other rule, and such groups are how it gets filled."""
    first = rng.choice(slot.eligible)
    chosen = [first]
    others = sorted(sharing[first] - {first})
    if others:
        chosen.append(rng.choice(others))
    rest = [u for u in slot.eligible if u not in chosen]
    if rest:
        chosen.append(rng.choice(rest))
    by_id = {u.id: u for u in units}
    return _topped_up(rng, units, [by_id[u] for u in chosen])


def _fair_partners(problem: Problem, rng: random.Random, duties: list[Assignment], sharing: dict[str, set[str]]) -> list[str]:
    """A unit off its fair share of duties or of rest-day duties, drawn by what that costs, then
    units off theirs the other way that may fill some slot it may fill, drawn by how far off:
    the trades fairness needs, which a group drawn at random rarely holds together."""
    weights = dict(problem.data.rules.weights)
    deviations = []
    for rule, rest, targets in (("fairness", False, problem.targets), ("weekend_fairness", True, problem.weekend_targets)):
        counts = Counter(a.unit for a in duties if not rest or problem.is_rest(a.date))
        deviations.append(
            (
                weights[rule],
                {u.id: TARGET_SCALE * (problem.ytd(u.id)[rest] + counts[u.id]) - targets[u.id] for u in problem.units},
            )
        )
    off = [(weight, deviation, u) for weight, deviation in deviations for u in sorted(deviation) if weight and deviation[u]]
    if not off:
        return _topped_up(rng, list(problem.units), [])
    _, deviation, seed_unit = rng.choices(off, weights=[w * d[u] ** 2 for w, d, u in off])[0]
    over = deviation[seed_unit] > 0
    others = sorted(u for u in sharing[seed_unit] if deviation[u] and (deviation[u] > 0) != over)
    chosen = [seed_unit]
    while others and len(chosen) < GROUP_SIZE:
        unit = rng.choices(others, weights=[abs(deviation[u]) for u in others])[0]
        others.remove(unit)
        chosen.append(unit)
    by_id = {u.id: u for u in problem.units}
    return _topped_up(rng, list(problem.units), [by_id[u] for u in chosen])


def _sharing(problem: Problem) -> dict[str, set[str]]:
    """Each unit's units that may fill some slot it may fill."""
    sharing: dict[str, set[str]] = defaultdict(set)
    for eligible in {slot.eligible for slot in problem.slots}:
        for unit in eligible:
            sharing[unit].update(eligible)
    for unit, others in sharing.items():
        others.discard(unit)
    return sharing


def _topped_up(rng: random.Random, units: list[Unit], chosen: list[Unit]) -> list[str]:
    """``chosen`` and units drawn at random from the others, GROUP_SIZE in all where there are."""
    rest = [u for u in units if u not in chosen]
    return [u.id for u in chosen + rng.sample(rest, min(GROUP_SIZE - len(chosen), len(rest)))]


def _partners(problem: Problem, rng: random.Random, duties: list[Assignment]) -> list[str]:
    gap = problem.data.rules.min_days_between
    days: dict[str, list[dt.date]] = defaultdict(list)
    on_day: dict[dt.date, set[str]] = defaultdict(set)
    for a in duties:
        days[a.unit].append(a.date)
        on_day[a.date].add(a.unit)
    close: dict[str, set[dt.date]] = defaultdict(set)
    for unit, dates in days.items():
        dates.sort()
        for first, second in itertools.pairwise(dates):
            if 0 < (second - first).days < gap:
                close[unit] |= {first, second}
    crowded = sorted(close)
    if not crowded:
        return _topped_up(rng, list(problem.units), [])
    seed_unit = rng.choices(crowded, weights=[len(close[u]) for u in crowded])[0]
    near = sorted({u for d in close[seed_unit] for u in on_day[d]} - {seed_unit})
    chosen = [seed_unit, *rng.sample(near, min(GROUP_SIZE - 1, len(near)))]
    others = [u.id for u in problem.units if u.id not in chosen]
    return chosen + rng.sample(others, min(GROUP_SIZE - len(chosen), len(others)))


@dataclass(frozen=True)
class Step:
    """One neighbourhood re-solved: the group's duties before and, when better, after."""

    group: frozenset[str]
    before: list[Assignment]
    after: list[Assignment] | None
    gain: int  # hundredths of a point
    spent: float  # CP-SAT's deterministic seconds

    def changed(self) -> set[Period]:
        """The periods where the group's duties differ."""
        return {Period(a.date, a.station, a.shift) for a in set(self.before) ^ set(self.after or ())}


def restricted_days(problem: Problem) -> set[tuple[str, dt.date]]:
    """The unit-days on which a unit's people limit its first-inquiry duties."""
    candidates: dict[tuple[str, dt.date], list] = defaultdict(list)
    for slot in problem.slots:
        for unit in slot.eligible:
            candidates[(unit, slot.date)].append(slot)
    return {key for key, slots in candidates.items() if is_restricted(problem, key[0], key[1], slots)}


def re_plan(
    problem: Problem,
    group: frozenset[str],
    current: list[Assignment],
    restricted: set[tuple[str, dt.date]],
    seed: int,
    wall_left: float = math.inf,
) -> Step:
    """``group``'s duties in ``current`` re-planned, every other unit's kept, within
    STEP_LIMIT deterministic seconds and ``wall_left`` seconds."""
    sub = sub_problem(problem, set(group), current, restricted)
    mine = [a for a in current if a.unit in group]
    model, variables, _ = build_model(sub)
    hinted = add_complete_hint(variables, mine, seed)
    if hinted is None:  # the group's duties as they are: the sub-model scores them
        return Step(group, mine, None, 0, STEP_LIMIT)
    before = round(hinted.objective_value)
    solver = new_solver(1, seed)
    solver.parameters.max_deterministic_time = STEP_LIMIT
    if math.isfinite(wall_left):
        solver.parameters.max_time_in_seconds = max(0.0, wall_left)
    status = solver.solve(model)
    spent = hinted.deterministic_time + solver.deterministic_time
    # the objective comes back as a float a hair off the whole number
    gain = before - round(solver.objective_value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
    if gain <= 0:
        return Step(group, mine, None, 0, spent)
    return Step(group, mine, extract_duties(variables, solver.value), gain, spent)


def improve(
    problem: Problem,
    duties: list[Assignment],
    objective: int,
    budget: Budget,
    seed: int,
    control: SearchControl,
    on_progress: Callable[[Progress], None] | None = None,
    started: float | None = None,
    workers: int = 1,
    missing: int | None = None,
) -> tuple[list[Assignment], int]:
    """Re-plan groups of units of ``duties`` (whose objective is ``objective``) until ``budget``
    is spent or the search is stopped; returns the best duties found and how many steps
    improved them. Under a wall-clock budget ``workers`` groups are re-planned at once."""
    began = budget.origin if started is None else started
    progress = Progress(phase="邻域搜索", objective=objective, started=began, missing=missing)
    search = _Search(problem, list(duties), restricted_days(problem), seed, progress, on_progress)
    stop = AnyOf(TimeUp(budget), Stopped(lambda: control.interrupted))
    if budget.deterministic or workers <= 1:  # steps side by side finish in no fixed order
        duties = search.one_at_a_time(budget, stop)
    else:
        duties = search.side_by_side(budget, workers, stop)
    return duties, progress.solutions  # one per step kept


TRIES = 20
"""Draws for a group that shares no unit with the groups being re-planned, before waiting."""


class _Search:
    """The roster being improved, and the two ways of improving it."""

    def __init__(
        self,
        problem: Problem,
        current: list[Assignment],
        restricted: set[tuple[str, dt.date]],
        seed: int,
        progress: Progress,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self.problem, self.current, self.restricted, self.seed = problem, current, restricted, seed
        self.rng = random.Random(seed)
        self.progress, self.on_progress = progress, on_progress
        self.steps = 0
        self.sharing = _sharing(problem)
        self.open_day_index = {(station, date): k for station, dates in problem.open_days.items() for k, date in enumerate(dates)}

    def draw(self) -> frozenset[str]:
        self.steps += 1
        return frozenset(_groups(self.problem, self.rng, self.current, self.sharing))

    def task(self, group: frozenset[str], budget: Budget) -> tuple:
        """:func:`re_plan`'s arguments for ``group``, on the roster as it is now (a step that runs
        in a thread keeps it: the roster is replaced, never changed)."""
        return self.problem, group, self.current, self.restricted, self.seed + self.steps, budget.wall_left()

    def accept(self, step: Step) -> None:
        assert step.after is not None
        self.current = [a for a in self.current if a.unit not in step.group] + step.after
        assert self.progress.objective is not None
        self.progress.objective -= step.gain
        self.progress.solutions += 1
        if self.progress.missing:
            self.progress.missing = sum(s.min - n for s, n in _cover(self.problem, self.current) if n < s.min)
        if self.on_progress is not None:
            self.on_progress(self.progress)

    def one_at_a_time(self, budget: Budget, stop: StoppingCriterion) -> list[Assignment]:
        while not stop(self.objective):
            step = re_plan(*self.task(self.draw(), budget))
            # deterministic budgets also charge a fixed cost per step for building its model
            budget.charge(step.spent + STEP_OVERHEAD)
            if step.after is not None:
                self.accept(step)
        return self.current

    def side_by_side(self, budget: Budget, workers: int, stop: StoppingCriterion) -> list[Assignment]:
        """Groups with no unit in common, re-planned in threads (CP-SAT lets go of the GIL while
        it searches); a step's result is kept when the :class:`Ledger` says it still fits."""
        ledger = Ledger()
        running: dict[Future, tuple[int, frozenset[str]]] = {}  # each step: the ledger's length, its group
        with ThreadPoolExecutor(workers) as pool:
            while True:
                while len(running) < workers and not stop(self.objective):
                    busy = frozenset().union(*(group for _, group in running.values()))
                    group = next((g for g in (self.draw() for _ in range(TRIES)) if not g & busy), None)
                    if group is None:
                        break
                    running[pool.submit(re_plan, *self.task(group, budget))] = (len(ledger), group)
                if not running:
                    return self.current
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    began, _ = running.pop(future)
                    step = future.result()
                    if step.after is not None and ledger.keep(self.touched(step), began):
                        self.accept(step)

    def touched(self, step: Step) -> set[object]:
        """What a step changed, for the :class:`Ledger`: its periods, and while the roster
        misses duties, each position's open days around them too (a position empty on two
        open days in a row is a rule across periods, which two steps could each change)."""
        periods = step.changed()
        keys: set[object] = set(periods)
        if self.progress.missing:
            for period in periods:
                index = self.open_day_index.get((period.station, period.date))
                if index is not None:
                    keys |= {(period.station, index + k) for k in (-1, 0, 1)}
        return keys

    @property
    def objective(self) -> float:
        assert self.progress.objective is not None
        return self.progress.objective


class Ledger:
    """What each step kept so far changed, in order. A step that began when ``began`` steps had
    been kept saw the roster as it was then; its result still fits the roster now when no step
    kept since changed something it changes. Every rule is per unit except coverage and
    first-inquiry, which are per period, and a position left empty on consecutive days, which is
    per position and day (see :meth:`_Search.touched`), so two such steps on groups with no unit
    in common combine exactly: the roster's objective falls by the sum of their gains."""

    def __init__(self) -> None:
        self.changes: list[set] = []

    def __len__(self) -> int:
        return len(self.changes)

    def keep(self, changed: set, began: int) -> bool:
        """Whether a step that changes ``changed`` fits; if so, it is recorded as kept."""
        if any(changed & later for later in self.changes[began:]):
            return False
        self.changes.append(changed)
        return True
