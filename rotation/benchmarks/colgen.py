"""A lower bound and rosters for a Curtois instance from column generation over whole rosters
of one employee (the approach of Strandmark, Qu & Curtois, Computers & OR 2020, written afresh).

A column is one employee's roster over the horizon. The master LP picks a convex combination
of columns per employee and meets the cover from them:

    min   sum_p c_p * lambda_p + under * u[d, s] + over * o[d, s]
    s.t.  sum_p a_p[d, s] * lambda_p + u[d, s] - o[d, s] = requirement[d, s]   every day d, shift s
          sum_{p of e} lambda_p = 1                                            every employee e
          min_minutes[e] <= sum_{p of e} minutes_p * lambda_p <= max_minutes[e]
          sum_{p of e} count_p[s] * lambda_p <= max_shifts[e, s]
          sum_{p of e} weekends_p * lambda_p <= max_weekends[e]

c_p is the roster's request cost. Columns are priced by a dynamic programme over the days whose
state is the last shift (or a day off) and the length of the current run of duty days (or of
free days): it keeps the sequence rules exactly (one shift a day, days off, shifts the employee
may not work, forbidden successions, the longest and shortest runs of shifts and the shortest
runs of days off, with the benchmark's exemptions at both ends of the horizon). While the
state space allows, it keeps the counting rules too: minutes, then weekends, then the count of
the one shift type with the tightest limit. What it does not keep is a row of the master (the
rows above are written for all of them), whose duals price each shift, and each weekend, in the
programme: that convexifies only part of each employee's problem, a weaker LP, but still a
relaxation: every roster keeping the hard rules is a point of it with its own cost.

From the LP to a roster: :meth:`RosterLP.dive` fixes employees to their heaviest columns, and
:func:`restricted_master` lets CP-SAT choose one rule-keeping column per employee.

The bound reported is Lagrangian: for any duals y of the cover rows within [-over, under] and
mu of the counting rows of the right sign,

    L(y, mu) = sum y * requirement + sum_e ( min_p [c_p - y . a_p - mu_e . g_p] + mu_e . G_e )

bounds every roster from below, whether or not the column generation has converged; the best
L seen, rounded up (all costs are whole points), is the bound.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, replace

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from rotation.benchmarks.curtois import Instance
from rotation.model import RequestKind
from rotation.solver import cpsat
from rotation.solver.relax import Duty

INF = math.inf
WEEKEND = (5, 6)
"""Saturday and Sunday: day 0 of every instance is a Monday."""
TOLERANCE = 1e-6
"""Reduced costs above -TOLERANCE price out."""
MAX_STATES = 60_000_000
"""Pricing states (employees x days x sequence states x levels of the counted rules) above
which a counting rule (the count, then weekends, then minutes) leaves the programme for the
master's rows: a weaker bound, but memory stays bounded (docs/curtois.md, "The roster LP")."""
ONE_STATES = 20_000_000
"""The state budget of one employee's programme (:func:`keeping_roster`): her minutes fit on
every instance, her weekends on 22-24 are cheaper steered by a penalty (docs/curtois.md)."""
SMOOTHING = 0.5
"""Wentges smoothing: the pricing's duals are this share of the best bound's, the rest the
master's."""
DIVE_STEP = 0.1
"""Share of the employees a dive step fixes (with every one already whole)."""
CLOSE_TO_WHOLE = 0.01
"""A column within this of 1 is whole."""
PENALTY_ROUNDS = 40
"""Rounds of penalties that steer one employee's programme to keep the counting rules it does
not hold in its state, before CP-SAT takes over (:func:`keeping_roster`)."""
PLATEAU = 5
"""Rounds of sideways moves in a row without a gain after which :func:`best_responses` stops."""
TIE_BREAK = 0.5
"""What the random tie-break of sideways best responses adds to a line at most, in points."""
COMPLETION_MARGIN = 1.5
"""How many programmes one employee's completion takes, for its estimate: with the steering
handed on, one most often, two now and then (:meth:`RosterLP.completion_seconds`)."""
ARTIFICIAL = 1e4
"""What a unit of violation of a counting row costs the master before the columns that keep it
exist (per shift or weekend; per minute it is this over the shortest shift's minutes)."""


@dataclass(frozen=True)
class Staffing:
    """An instance as arrays: E employees, D days, S shift types."""

    shifts: tuple[str, ...]
    minutes: np.ndarray  # (S,)
    banned: np.ndarray  # (S, S) bool: banned[s, t] when t may not follow s
    requirement: np.ndarray  # (D, S)
    under: float
    over: float
    allowed: np.ndarray  # (E, D, S) bool: the employee may work that shift that day
    work_cost: np.ndarray  # (E, D, S) request cost of working that shift that day
    off_cost: np.ndarray  # (E, D) request cost of a day off
    max_run: np.ndarray  # (E,)
    min_run: np.ndarray  # (E,)
    min_off: np.ndarray  # (E,)
    max_minutes: np.ndarray  # (E,)
    min_minutes: np.ndarray  # (E,)
    max_shifts: np.ndarray  # (E, S)
    max_weekends: np.ndarray  # (E,)

    @property
    def size(self) -> tuple[int, int, int]:
        return self.allowed.shape


def staffing(instance: Instance) -> Staffing:
    """The arrays of ``instance``; the rules are read from its data set, as our model reads them."""
    data = instance.data
    shifts = tuple(s.id for s in data.shifts)
    index = {s: i for i, s in enumerate(shifts)}
    staff = {u: i for i, u in enumerate(instance.staff)}
    e_count, days, s_count = len(staff), instance.horizon, len(shifts)
    minutes = np.array([s.end.hour * 60 + s.end.minute - s.start.hour * 60 - s.start.minute for s in data.shifts])
    banned = np.zeros((s_count, s_count), dtype=bool)
    for first, second in data.rules.forbidden_successions:
        banned[index[first], index[second]] = True
    requirement = np.zeros((days, s_count))
    for demand in data.demand:
        assert demand.day.date is not None
        requirement[instance.day(demand.day.date), index[demand.shift]] = demand.min
    weights = dict(data.rules.weights)
    allowed = np.ones((e_count, days, s_count), dtype=bool)
    for row in data.unavailability:
        for day in range(instance.day(row.start), instance.day(row.end) + 1):
            allowed[staff[row.unit], day, :] = False
    work_cost = np.zeros((e_count, days, s_count))
    off_cost = np.zeros((e_count, days))
    for request in data.requests:
        assert request.day.date is not None and request.shift is not None
        e, d, s = staff[request.unit], instance.day(request.day.date), index[request.shift]
        weight = request.weight * weights["requests"]
        if request.kind is RequestKind.WANT:  # costs its weight unless that very shift is worked
            work_cost[e, d, :] += weight
            work_cost[e, d, s] -= weight
            off_cost[e, d] += weight
        else:
            work_cost[e, d, s] += weight
    limits = [data.unit(u).limits for u in instance.staff]
    most = [[lim.most_in_shift(s) for s in shifts] for lim in limits]
    max_shifts = np.array([[days if n is None else n for n in row] for row in most])
    allowed &= (max_shifts > 0)[:, None, :]
    return Staffing(
        shifts=shifts,
        minutes=minutes,
        banned=banned,
        requirement=requirement,
        under=float(weights["coverage"]),
        over=float(weights["overstaffing"]),
        allowed=allowed,
        work_cost=work_cost,
        off_cost=off_cost,
        max_run=np.array([min(lim.max_consecutive_days or days, days) for lim in limits]),
        min_run=np.array([lim.min_consecutive_days or 1 for lim in limits]),
        min_off=np.array([lim.min_days_off or 1 for lim in limits]),
        max_minutes=np.array([lim.max_minutes if lim.max_minutes is not None else days * minutes.max() for lim in limits]),
        min_minutes=np.array([lim.min_minutes or 0 for lim in limits]),
        max_shifts=max_shifts,
        max_weekends=np.array([lim.max_weekends if lim.max_weekends is not None else days for lim in limits]),
    )


def _shifted(values: np.ndarray, step: int, axis: int, saturate: bool = False) -> np.ndarray:
    """``values`` moved ``step`` places up along ``axis``; what passes the end is gone, or with
    ``saturate`` stays in the last place."""
    if step == 0:
        return values
    size = values.shape[axis]
    moved = np.full_like(values, INF)
    target = [slice(None)] * values.ndim
    source = [slice(None)] * values.ndim
    if step < size:
        target[axis], source[axis] = slice(step, None), slice(None, size - step)
        moved[tuple(target)] = values[tuple(source)]
    if saturate:
        target[axis], source[axis] = size - 1, slice(max(size - step, 0), None)
        moved[tuple(target)] = np.minimum(moved[tuple(target)], values[tuple(source)].min(axis=axis))
    return moved


@dataclass(frozen=True)
class Counting:
    """Which counting rules the pricing keeps roster by roster; the master keeps the rest."""

    minutes: bool = False
    weekends: bool = False
    shift: int | None = None  # the one shift type whose count is in the state

    @property
    def keeps_any(self) -> bool:
        """Whether the pricing keeps any counting rule: if not, its rosters seldom keep them all."""
        return self.minutes or self.weekends or self.shift is not None


class Scratch:
    """Memory that successive runs of the programme reuse for their values day by day.

    Memory freshly mapped costs a page fault a page on its first write, and the values of a
    run take as much memory as its states: a caller pricing in a loop keeps one of these for
    the loop rather than map and unmap that much at every run."""

    def __init__(self) -> None:
        self._memory = np.empty(0)

    def arrays(self, *shapes: tuple[int, ...]) -> list[np.ndarray]:
        """Arrays of ``shapes`` laid out one after the other in this memory, grown as needed;
        their values are those a last call left there."""
        sizes = [math.prod(shape) for shape in shapes]
        if self._memory.size < sum(sizes):
            self._memory = np.empty(sum(sizes))
        ends = np.cumsum(sizes)
        return [self._memory[end - size : end].reshape(shape) for shape, size, end in zip(shapes, sizes, ends, strict=True)]


class Pricer:
    """Cheapest rosters of every employee at once by a dynamic programme over the days.

    State at the end of a day: the class of the shift worked (shifts that the same shifts may
    follow are one class: 8 classes for the 32 shifts of instance 24) with a run of r duty days
    (r = 1..K), or a run of l free days (l = 1..O, the last one meaning "at least O"). When the
    state space allows (``MAX_STATES``), it also holds the minutes worked so far (in units of the
    shifts' greatest common divisor), then the weekends worked, then the shifts worked of the
    type with the tightest limit, so that each roster keeps its own bounds on them. A run of duty
    days that reaches back to day 0 has r = d + 1 on day d, which is how its exemption from the
    shortest run is known without a flag; before day 0 the employee has been off long enough."""

    def __init__(self, staff: Staffing, max_states: int = 0) -> None:
        self.staff = staff
        e_count, days, s_count = staff.size
        follows: dict[tuple[bool, ...], int] = {}
        self.class_of = np.array([follows.setdefault(tuple(row), len(follows)) for row in staff.banned])
        self.members = [np.flatnonzero(self.class_of == k) for k in range(len(follows))]
        # banned[k, t]: shift t may not follow a shift of class k
        self.banned = np.array([staff.banned[members[0]] for members in self.members])
        classes = len(self.members)
        self.runs = int(staff.max_run.max())
        self.offs = int(staff.min_off.max())
        unit = int(np.gcd.reduce(staff.minutes.astype(int)))
        self.lengths = staff.minutes.astype(int) // unit
        levels = int(staff.max_minutes.max()) // unit + 1
        weekends = int(min(staff.max_weekends.max(), (days + 1) // 7)) + 1
        limited = (staff.max_shifts < staff.allowed.sum(axis=1)) & (staff.max_shifts > 0)  # (E, S)
        tightest = (
            min((int(staff.max_shifts[limited[:, t], t].max()), t) for t in range(s_count) if limited[:, t].any())
            if limited.any()
            else None
        )
        counts_levels = tightest[0] + 2 if tightest else 1  # 0..L, then "more than L"
        size = e_count * (classes * self.runs + self.offs) * days
        budget = max_states or MAX_STATES
        track_minutes = size * levels <= budget
        track_weekends = track_minutes and size * levels * weekends <= budget
        track_count = track_weekends and tightest is not None and size * levels * weekends * counts_levels <= budget
        self.counting = Counting(track_minutes, track_weekends, tightest[1] if track_count and tightest else None)
        self.shape = (
            weekends if track_weekends else 1,
            levels if track_minutes else 1,
            counts_levels if track_count else 1,
        )  # (W, M, C)
        run = np.arange(1, self.runs + 1)
        # (E, 1, K, 1, 1, 1), shaped like the work values: a run of r days is longer than allowed
        self.too_long = (run[None, :] > staff.max_run[:, None])[:, None, :, None, None, None]
        self.cut_runs = bool(self.too_long.any())  # else every run the state holds is allowed
        self.may_stop = run[None, :] >= staff.min_run[:, None]  # (E, K): a run of r may end
        free = np.arange(1, self.offs + 1)
        self.may_start = free[None, :] >= staff.min_off[:, None]  # (E, O): work may follow l free days
        level = np.arange(self.shape[1])
        minutes_ok = (level[None, :] <= staff.max_minutes[:, None] // unit) & (
            level[None, :] >= -(-staff.min_minutes[:, None] // unit)
        )
        if not track_minutes:
            minutes_ok[:] = True
        weekends_ok = np.arange(self.shape[0])[None, :] <= staff.max_weekends[:, None]
        counts_ok = np.ones((e_count, self.shape[2]), dtype=bool)
        if self.counting.shift is not None:
            t = self.counting.shift
            # the last place ("more than L") is only open to employees the limit does not bind
            counts_ok = np.arange(self.shape[2])[None, :] <= np.where(limited[:, t], staff.max_shifts[:, t], days)[:, None]
        self.last = weekends_ok[:, :, None, None] & minutes_ok[:, None, :, None] & counts_ok[:, None, None, :]
        # Shifts that the same classes may precede, of one class and moving the levels alike, are
        # one move of the programme: only the cheapest of them on a day matters.
        moves: dict[tuple[int, ...], dict[tuple[int, int, int], list[int]]] = {}
        for t in range(s_count):
            before = tuple(int(k) for k in np.flatnonzero(~self.banned[:, t]))
            moves.setdefault(before, {}).setdefault((int(self.class_of[t]), *self._steps(t)), []).append(t)
        self.moves = [
            (np.array(before, dtype=int), [(*steps, np.array(shifts)) for steps, shifts in alike.items()])
            for before, alike in sorted(moves.items(), key=lambda move: len(move[0]))
        ]
        # The classes that may precede a move are most often nested from one move to the next
        # (successions are banned one way: late to early), so each move's best run before it
        # is the last move's with the classes it adds (None: not nested, taken afresh).
        self.added: list[np.ndarray | None] = []
        seen: set[int] | None = None
        for preceding, _ in self.moves:
            mine = set(preceding.tolist())
            self.added.append(np.array(sorted(mine - seen), dtype=int) if seen is not None and seen <= mine else None)
            seen = mine

    @property
    def states(self) -> int:
        """How many states the programme holds over the horizon (what ``MAX_STATES`` bounds)."""
        e_count, days, _ = self.staff.size
        return e_count * (len(self.members) * self.runs + self.offs) * days * int(np.prod(self.shape))

    def _steps(self, t: int) -> tuple[int, int]:
        """How far working shift ``t`` moves the (minutes, count) levels."""
        return (
            int(self.lengths[t]) if self.counting.minutes else 0,
            1 if self.counting.shift == t else 0,
        )

    def price(
        self, work: np.ndarray, off: np.ndarray, weekend: np.ndarray, scratch: Scratch | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cheapest roster of each employee for ``work`` (E, D, S) and ``off`` (E, D) costs per
        day, and ``weekend`` (E,) per weekend worked: its cost (E,) and its shift per day (E, D),
        -1 for a day off. The values day by day are kept in ``scratch`` (fresh memory if None)."""
        staff = self.staff
        e_count, days, _ = staff.size
        work = np.where(staff.allowed, work, INF)
        classes = len(self.members)
        # the values at the start of each day and at the end: read back by the trace
        works, offs, before_today = (scratch or Scratch()).arrays(
            (days + 1, e_count, classes, self.runs, *self.shape),
            (days + 1, e_count, self.offs, *self.shape),
            (e_count, self.runs, *self.shape),
        )
        v_work, v_off = works[0], offs[0]
        v_work.fill(INF)
        v_off.fill(INF)
        v_off[:, -1, 0, 0, 0] = 0.0
        weekend_step = 1 if self.counting.weekends else 0
        # each move's cheapest shift, day by day (E, D), shaped like the work values
        cheapest_of = [
            [work[:, :, shifts].min(axis=2)[:, :, None, None, None, None] for *_, shifts in alike] for _, alike in self.moves
        ]
        for d in range(days):
            start = np.where(self.may_start[:, :, None, None, None], v_off, INF).min(axis=1)  # (E, W, M, C)
            if d % 7 == WEEKEND[1]:  # work on Sunday after a free Saturday opens a weekend
                start = _shifted(start, weekend_step, 1) + weekend[:, None, None, None]
            new_work = works[d + 1]
            new_work.fill(INF)
            before_today[:, 0] = start  # (E, K, W, M, C)
            going = before_today[:, 1:]  # runs that today's shift may go on with
            for (before, alike), added, cheapest_in in zip(self.moves, self.added, cheapest_of, strict=True):
                if added is None:
                    if len(before):
                        going[...] = v_work[:, before[0], :-1]
                    else:
                        going.fill(INF)
                    added = before[1:]
                for k in added:  # views, not a gathered copy: this is the hot loop
                    np.minimum(going, v_work[:, k, :-1], out=going)
                go_on = before_today
                if d % 7 == WEEKEND[0]:
                    go_on = _shifted(before_today, weekend_step, 2) + weekend[:, None, None, None, None]
                for (k, minutes, count, _), cheapest_by_day in zip(alike, cheapest_in, strict=True):
                    cheapest = cheapest_by_day[:, d]
                    if count:
                        moved = _shifted(_shifted(go_on, minutes, 3), count, 4, saturate=True)
                        np.minimum(new_work[:, k], moved + cheapest, out=new_work[:, k])
                    elif minutes < go_on.shape[3]:  # the same move without copies
                        into = new_work[:, k, :, :, minutes:]
                        np.minimum(into, go_on[:, :, :, : go_on.shape[3] - minutes] + cheapest, out=into)
            if self.cut_runs:
                np.copyto(new_work, INF, where=self.too_long)
            stop = np.where(self._stops(d)[:, :, None, None, None], v_work.min(axis=1), INF).min(axis=1)
            new_off = offs[d + 1]
            new_off[:, 0] = stop
            if self.offs > 1:
                new_off[:, 1:] = v_off[:, :-1]
                new_off[:, -1] = np.minimum(new_off[:, -1], v_off[:, -1])
            else:
                new_off[:, 0] = np.minimum(new_off[:, 0], v_off[:, 0])
            new_off += off[:, d, None, None, None, None]
            v_work, v_off = new_work, new_off
        # the last run, of either kind, touches the end of the horizon: it is exempt
        end_work = np.where(self.last[:, None, None], v_work, INF)
        end_off = np.where(self.last[:, None], v_off, INF)
        best = np.minimum(end_work.min(axis=(1, 2, 3, 4, 5)), end_off.min(axis=(1, 2, 3, 4)))
        rosters = np.array(
            [
                self._trace(e, (works, offs), end_work[e], end_off[e], work[e]) if np.isfinite(best[e]) else [-1] * days
                for e in range(e_count)
            ]
        )
        return best, rosters

    def _stops(self, d: int) -> np.ndarray:
        """(E, K): runs ending on day d - 1 that may be followed by a day off on day d."""
        stops = self.may_stop.copy()
        if 1 <= d <= self.runs:
            stops[:, d - 1] = True  # a run from day 0 may be short
        return stops

    def _trace(
        self, e: int, values: tuple[np.ndarray, np.ndarray], end_work: np.ndarray, end_off: np.ndarray, work: np.ndarray
    ) -> list[int]:
        """The shifts of employee ``e``'s cheapest roster, read back from the stored ``values``
        (of work and off states at the start of each day): on each day, a shift of the state's
        class, at its price in ``work`` (D, S), and a state before that reach the state after at
        its value (the weekend's price is the same for all of them)."""
        days = len(work)
        roster = [-1] * days
        state: tuple
        if end_work.min() < end_off.min():
            state = ("work", *(int(x) for x in np.unravel_index(int(end_work.argmin()), end_work.shape)))
        else:
            state = ("off", *(int(x) for x in np.unravel_index(int(end_off.argmin()), end_off.shape)))
        for d in range(days - 1, -1, -1):
            before_work, before_off = values[0][d], values[1][d]
            options: list[tuple[float, int, tuple]] = []
            if state[0] == "work":
                _, k, r, w, m, c = state
                opens = d % 7 == WEEKEND[0] or (d % 7 == WEEKEND[1] and r == 0)
                w -= 1 if opens and self.counting.weekends else 0
                for s in self.members[k]:
                    minutes, count = self._steps(s)
                    if m < minutes or c < count or not np.isfinite(work[d, s]):
                        continue  # a place below 0 is none: -1 would read the last one
                    # a saturated count may have come from either of the last two places
                    places = [c - count] + ([c] if count and c == self.shape[2] - 1 else [])
                    for before in places:
                        after: tuple
                        if r > 0:
                            scores = np.where(self.banned[:, s], INF, before_work[e, :, r - 1, w, m - minutes, before])
                            after = ("work", int(scores.argmin()), r - 1, w, m - minutes, before)
                        else:
                            scores = np.where(self.may_start[e], before_off[e, :, w, m - minutes, before], INF)
                            after = ("off", int(scores.argmin()), w, m - minutes, before)
                        options.append((scores.min() + work[d, s], int(s), after))
            else:
                _, free, w, m, c = state
                if free == 0:
                    candidates = np.where(self._stops(d)[e][None, :], before_work[e, :, :, w, m, c], INF)
                    k, r = np.unravel_index(int(candidates.argmin()), candidates.shape)
                    options.append((candidates[k, r], -1, ("work", int(k), int(r), w, m, c)))
                if free > 0:
                    options.append((before_off[e, free - 1, w, m, c], -1, ("off", free - 1, w, m, c)))
                if free == self.offs - 1:
                    options.append((before_off[e, free, w, m, c], -1, ("off", free, w, m, c)))
            _, roster[d], state = min(options, key=lambda option: option[0])
        return roster


def roster_cost(staff: Staffing, e: int, roster: np.ndarray) -> float:
    """Request cost of employee ``e`` working ``roster`` (shift per day, -1 off)."""
    days = np.arange(len(roster))
    on = roster >= 0
    return float(staff.work_cost[e, days[on], roster[on]].sum() + staff.off_cost[e, days[~on]].sum())


def counts(staff: Staffing, roster: np.ndarray) -> tuple[float, np.ndarray, int]:
    """Minutes, shifts per type and weekends worked in ``roster``."""
    on = roster >= 0
    per_type = np.bincount(roster[on], minlength=len(staff.shifts))
    days = np.arange(len(roster))
    weekends = len({d // 7 for d in days[on] if d % 7 in WEEKEND})
    return float(staff.minutes[roster[on]].sum()), per_type, weekends


class MasterFailed(Exception):
    """GLOP found no optimum of the restricted master, even from scratch."""


@dataclass(frozen=True)
class RosterBound:
    """The column generation's outcome; values in the benchmark's own points."""

    bound: int  # the best Lagrangian bound, rounded up
    lp: float  # the restricted master's last optimum (the LP optimum once converged)
    converged: bool
    iterations: int
    columns: int
    seconds: float
    columns_of: list[list[np.ndarray]]  # each employee's rosters, for rounding and hints
    weights: list[list[float]]  # their weight in the last master solution


class Master:
    """The restricted master LP, solved by GLOP and grown one column at a time (a resolve starts
    from the last basis)."""

    def __init__(self, staff: Staffing, counting: Counting = Counting(), control: cpsat.SearchControl | None = None) -> None:
        """The master needs no row for what the pricing keeps roster by roster (``counting``);
        ``control`` interrupts a solve."""
        self.staff = staff
        self.control = control or cpsat.SearchControl()
        e_count, days, s_count = staff.size
        solver = pywraplp.Solver.CreateSolver("GLOP")
        assert solver is not None
        self.solver = solver
        infinity = solver.infinity()
        self.cover = np.empty((days, s_count), dtype=object)
        for d in range(days):
            for s in range(s_count):
                need = float(staff.requirement[d, s])
                row = solver.Constraint(need, need)
                solver.Objective().SetCoefficient(u := solver.NumVar(0, infinity, ""), staff.under)
                solver.Objective().SetCoefficient(o := solver.NumVar(0, infinity, ""), staff.over)
                row.SetCoefficient(u, 1)
                row.SetCoefficient(o, -1)
                self.cover[d, s] = row
        self.convexity = [solver.Constraint(1, 1) for _ in range(e_count)]
        shortest = float(staff.minutes.min())
        minutes, weekends = counting.minutes, counting.weekends
        most = staff.max_minutes, staff.min_minutes, staff.max_weekends
        self.most_minutes = [None if minutes else self._row(-infinity, float(g), ARTIFICIAL / shortest) for g in most[0]]
        self.least_minutes = [None if minutes else self._row(float(g), infinity, ARTIFICIAL / shortest) for g in most[1]]
        self.most_weekends = [None if weekends else self._row(-infinity, float(g), ARTIFICIAL) for g in most[2]]
        # a limit no roster can reach needs no row
        self.most_shifts = [
            [
                self._row(-infinity, float(g), ARTIFICIAL) if g < staff.allowed[e, :, s].sum() and s != counting.shift else None
                for s, g in enumerate(row)
            ]
            for e, row in enumerate(staff.max_shifts)
        ]
        self.columns: list[list[tuple[np.ndarray, pywraplp.Variable]]] = [[] for _ in range(e_count)]
        self.keeping: list[list[bool]] = [[] for _ in range(e_count)]  # whether each column keeps her counts

    def _row(self, low: float, high: float, penalty: float) -> pywraplp.Constraint:
        """A counting row, with an artificial slack that lets it be broken at ``penalty`` a unit."""
        row = self.solver.Constraint(low, high)
        slack = self.solver.NumVar(0, self.solver.infinity(), "")
        self.solver.Objective().SetCoefficient(slack, penalty)
        row.SetCoefficient(slack, 1 if high == self.solver.infinity() else -1)
        return row

    def add(self, e: int, roster: np.ndarray) -> None:
        staff = self.staff
        var = self.solver.NumVar(0, self.solver.infinity(), "")
        self.solver.Objective().SetCoefficient(var, roster_cost(staff, e, roster))
        for d, s in enumerate(roster):
            if s >= 0:
                self.cover[d, s].SetCoefficient(var, 1)
        self.convexity[e].SetCoefficient(var, 1)
        minutes, per_type, weekends = counts(staff, roster)
        for row, amount in (
            (self.most_minutes[e], minutes),
            (self.least_minutes[e], minutes),
            (self.most_weekends[e], weekends),
            *zip(self.most_shifts[e], per_type, strict=True),
        ):
            if row is not None and amount:
                row.SetCoefficient(var, float(amount))
        self.columns[e].append((roster, var))
        self.keeping[e].append(_within_counts(staff, e, minutes, per_type, weekends))

    def solve(self, seconds: float = math.inf) -> float:
        """The master's optimum, within ``seconds``: a large master's resolve can outlast the LP's
        whole share (docs/curtois.md, "Instances 21-24")."""
        ends = time.monotonic() + seconds
        self._limit(seconds)
        self.control.attach_interrupt(self.solver.InterruptSolve)
        try:
            status = self.solver.Solve()
            if status != pywraplp.Solver.OPTIMAL and not self.control.interrupted and (left := ends - time.monotonic()) > 0:
                # GLOP may lose its way from a warm basis (ABNORMAL on instance 8's dive): from scratch
                self._limit(left)
                scratch = pywraplp.MPSolverParameters()
                scratch.SetIntegerParam(scratch.INCREMENTALITY, scratch.INCREMENTALITY_OFF)
                status = self.solver.Solve(scratch)
        finally:
            self.control.attach_interrupt(None)
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"the master LP ended with status {status}")
        return float(self.solver.Objective().Value())

    def _limit(self, seconds: float) -> None:
        # in milliseconds, of which 0 would mean none; "no limit" is a million seconds
        self.solver.SetTimeLimit(max(1, int(min(seconds, 1e6) * 1000)))

    def weights(self) -> list[list[float]]:
        """Each employee's columns' weights in the last solution."""
        return [[var.solution_value() for _, var in columns] for columns in self.columns]

    def zero_duals(self) -> dict[str, np.ndarray]:
        e_count, days, s_count = self.staff.size
        one = np.zeros(e_count)
        return {
            "cover": np.zeros((days, s_count)),
            "convexity": one,
            "most_minutes": one,
            "least_minutes": one,
            "most_shifts": np.zeros((e_count, s_count)),
            "most_weekends": one,
        }

    def duals(self) -> dict[str, np.ndarray]:
        """The master's duals, clipped to the signs and ranges that keep the Lagrangian bound
        valid (they are there already up to rounding)."""
        staff = self.staff
        value = np.vectorize(lambda row: 0.0 if row is None else row.dual_value(), otypes=[float])
        return {
            "cover": np.clip(value(self.cover), -staff.over, staff.under),
            "convexity": value(np.array(self.convexity, dtype=object)),
            "most_minutes": np.minimum(value(np.array(self.most_minutes, dtype=object)), 0),
            "least_minutes": np.maximum(value(np.array(self.least_minutes, dtype=object)), 0),
            "most_shifts": np.minimum(value(np.array(self.most_shifts, dtype=object)), 0),
            "most_weekends": np.minimum(value(np.array(self.most_weekends, dtype=object)), 0),
        }


def _prices(staff: Staffing, duals: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The pricing's cost of each shift of each employee on each day (E, D, S), and of each
    weekend (E,), at ``duals``."""
    minute = duals["most_minutes"] + duals["least_minutes"]
    work = staff.work_cost - duals["cover"][None] - minute[:, None, None] * staff.minutes[None, None, :]
    return work - duals["most_shifts"][:, None, :], -duals["most_weekends"]


def _lagrangian(staff: Staffing, duals: dict[str, np.ndarray], cheapest: np.ndarray) -> float:
    """L(y, mu) of the module's docstring, from each employee's cheapest roster at ``duals``."""
    return float(
        (duals["cover"] * staff.requirement).sum()
        + cheapest.sum()
        + (duals["most_minutes"] * staff.max_minutes).sum()
        + (duals["least_minutes"] * staff.min_minutes).sum()
        + (duals["most_shifts"] * staff.max_shifts).sum()
        + (duals["most_weekends"] * staff.max_weekends).sum()
    )


def _priced(staff: Staffing, prices: tuple[np.ndarray, np.ndarray], e: int, roster: np.ndarray) -> float:
    """What ``roster`` of employee ``e`` costs at the pricing's ``prices`` (its reduced cost
    plus e's convexity dual)."""
    work, weekend = prices
    days = np.arange(len(roster))
    on = roster >= 0
    return float(work[e, days[on], roster[on]].sum() + staff.off_cost[e, days[~on]].sum() + weekend[e] * counts(staff, roster)[2])


def gap_terms(
    staff: Staffing, duals: dict[str, np.ndarray], cheapest: np.ndarray, roster: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A roster's objective less L(y, mu) at ``duals``, where ``cheapest`` are each employee's
    cheapest rosters, as a sum of terms none of which is negative for a roster keeping the
    rules: per employee, how much her line costs at the duals above her cheapest, plus what her
    counting rows' duals charge for the room she leaves (``mu * (used - limit)``); per day,
    what its cover costs less the duals' charge for it (``(under - y) * short`` and
    ``(over + y) * excess``). The search for a better roster is best spent where they are."""
    prices = _prices(staff, duals)
    employees = np.zeros(staff.size[0])
    for e, line in enumerate(roster):
        minutes, per_type, weekends = counts(staff, line)
        room = (
            duals["most_minutes"][e] * (minutes - staff.max_minutes[e])
            + duals["least_minutes"][e] * (minutes - staff.min_minutes[e])
            + (duals["most_shifts"][e] * (per_type - staff.max_shifts[e])).sum()
            + duals["most_weekends"][e] * (weekends - staff.max_weekends[e])
        )
        employees[e] = _priced(staff, prices, e, line) - cheapest[e] + room
    worked = _worked(staff, roster)
    short = staff.requirement - worked
    cover = staff.under * np.maximum(short, 0) + staff.over * np.maximum(-short, 0) - duals["cover"] * short
    return employees, cover.sum(axis=1)


def _mix(a: dict[str, np.ndarray], b: dict[str, np.ndarray], share: float) -> dict[str, np.ndarray]:
    return {key: share * a[key] + (1 - share) * b[key] for key in a}


class RosterLP:
    """The master and its pricing, grown by :meth:`generate`; :meth:`dive` then fixes employees
    to columns until each has one. Once ``control`` is stopped (Ctrl-C), each ends at its next
    step with what it has: the bound so far, no dive, no more completed employees."""

    def __init__(self, instance: Instance, smoothing: float = SMOOTHING, control: cpsat.SearchControl | None = None):
        self.instance = instance
        self.staff = staffing(instance)
        self.control = control or cpsat.SearchControl()
        self.pricer = Pricer(self.staff)
        self.master = Master(self.staff, self.pricer.counting, self.control)
        self.smoothing = smoothing
        e_count, days, _ = self.staff.size
        for e in range(e_count):
            self.master.add(e, np.full(days, -1))
        self.best, self.value, self.iterations, self.converged = -INF, INF, 0, False
        self.centre: dict[str, np.ndarray] | None = None
        self.cheapest = np.zeros(self.staff.size[0])  # each employee's cheapest roster at the centre
        self.weights: list[list[float]] = []
        self.seconds = 0.0

    def generate(self, seconds: float, fixed: frozenset[int] = frozenset(), log: bool = False) -> bool:
        """Column generation for ``seconds`` at most, for the employees
        not ``fixed``; whether it converged. Only the whole LP (nothing fixed) moves the bound: a dive's is no relaxation.

        The pricing runs at duals smoothed towards those of the best bound so far (Wentges): the
        master's own duals swing from one extreme point to another, which slows the bound down.
        A round whose smoothed duals give no column the master wants is priced again at its own."""
        began = time.monotonic()
        staff, master = self.staff, self.master
        whole = not fixed
        converged = False
        free = np.array([e for e in range(staff.size[0]) if e not in fixed])
        pricer = self.pricer if whole else self._free_pricer(free)
        scratch = Scratch()
        if whole and self.centre is None:
            # prices of nothing: each employee's cheapest roster alone, a bound (the cover costs
            # at least 0), and a centre that damps the master's first, extreme, duals
            self._lagrangian_at(self.master.zero_duals())
        while time.monotonic() - began < seconds and not converged and not self.control.interrupted:
            try:
                self.value = master.solve(seconds - (time.monotonic() - began))
            except MasterFailed:
                break  # the bound so far stands: it never depended on the master's optimality
            self.weights = master.weights()
            duals = master.duals()
            share = self.smoothing if whole and self.centre is not None else 0.0
            while True:
                point = _mix(self.centre, duals, share) if self.centre is not None and share > 0 else duals
                work, weekend = _prices(staff, point)
                if pricer is self.pricer:
                    cheapest, rosters = pricer.price(work, staff.off_cost, weekend, scratch)
                    rosters = rosters[free]
                else:
                    cheapest, rosters = pricer.price(work[free], staff.off_cost[free], weekend[free], scratch)
                self.iterations += 1
                if whole:
                    self._note(point, cheapest)
                    if math.ceil(self.best - TOLERANCE) >= math.ceil(self.value - TOLERANCE):
                        converged = True
                        break
                own = _prices(staff, duals)
                added = 0
                for e, roster in zip(free, rosters, strict=True):
                    if _priced(staff, own, e, roster) - duals["convexity"][e] < -TOLERANCE:
                        master.add(e, roster)
                        added += 1
                if added:
                    break
                if share == 0:
                    converged = True  # no column prices out at the master's own duals
                    break
                share = 0.0
            if log:
                print(f"{self.iterations:4d} {time.monotonic() - began:7.1f}s LP {self.value:10.2f} bound {self.best:10.2f}")
        if whole:
            self.converged = converged
        self.seconds += time.monotonic() - began
        return converged

    def _free_pricer(self, free: np.ndarray) -> Pricer:
        """The programme of a dive's free employees alone: fewer employees, fewer states to
        price. Its state may keep more counting rules, never fewer than the master leaves to
        the pricing, for which it has no rows."""
        pricer = Pricer(_employees(self.staff, free))
        mine, whole = pricer.counting, self.pricer.counting
        keeps = (
            mine.minutes >= whole.minutes
            and mine.weekends >= whole.weekends
            and (whole.shift is None or mine.shift == whole.shift)
        )
        return pricer if keeps else self.pricer

    def _note(self, point: dict[str, np.ndarray], cheapest: np.ndarray) -> None:
        lagrangian = _lagrangian(self.staff, point, cheapest)
        if lagrangian > self.best:
            self.best, self.centre, self.cheapest = lagrangian, point, cheapest

    def _lagrangian_at(self, point: dict[str, np.ndarray]) -> None:
        self.iterations += 1
        self._note(point, _price(self.pricer, self.staff, point)[0])

    def gap(self, roster: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where ``roster`` (E, D) costs more than the bound: its objective less the bound's
        Lagrangian, split into a term per employee and one per day (:func:`gap_terms`)."""
        if self.centre is None:
            e_count, days, _ = self.staff.size
            return np.zeros(e_count), np.zeros(days)
        return gap_terms(self.staff, self.centre, self.cheapest, roster)

    def focus(self, duties: list[Duty]) -> tuple[dict[str, float], dict[dt.date, float]]:
        """:meth:`gap` of a roster given by its duties, by employee ID and date: the
        neighbourhood search's :data:`rotation.solver.relax.Focus`."""
        instance, staff = self.instance, self.staff
        shift = {s: i for i, s in enumerate(staff.shifts)}
        employee = {unit: e for e, unit in enumerate(instance.staff)}
        roster = np.full(staff.size[:2], -1)
        for unit, date, worked in duties:
            roster[employee[unit], instance.day(date)] = shift[worked]
        employees, days = self.gap(roster)
        by_unit = dict(zip(instance.staff, employees.tolist(), strict=True))
        by_date = {instance.date(d): float(w) for d, w in enumerate(days)}
        return by_unit, by_date

    def outcome(self) -> RosterBound:
        columns_of = [[roster for roster, _ in columns] for columns in self.master.columns]
        weights = self.weights or [[] for _ in columns_of]
        return RosterBound(
            bound=math.ceil(self.best - TOLERANCE) if self.best > -INF else 0,
            lp=self.value,
            converged=self.converged,
            iterations=self.iterations,
            columns=sum(len(c) for c in columns_of),
            seconds=self.seconds,
            columns_of=columns_of,
            # columns added after the last solve weigh nothing
            weights=[w + [0.0] * (len(c) - len(w)) for w, c in zip(weights, columns_of, strict=True)],
        )

    def dive(self, seconds: float, step: float = DIVE_STEP) -> np.ndarray | None:
        """Fix employees to columns that keep their counting rules, a ``step`` share of those
        still free (and every one already whole) at a time, re-generating columns for the others
        in between, until each has one; the roster (E, D), or None when the master fails.

        A column that breaks a count the pricing leaves to the master may weigh most in the
        LP, mixed with others that make up for it; fixed alone, it would pay the row's
        artificial penalty (docs/curtois.md, "The dive keeps the counts"). So employees are
        ranked by their heaviest column that keeps every rule, and one with none in the solution
        is fixed to her cheapest rule-keeping roster at the master's duals
        (:func:`keeping_roster`). The steps shrink with the free employees, so that the last
        ones are not rounded all at once from a fractional LP; each step's generation gets a
        part of the time left in proportion to its free employees (what its pricing costs), so
        that the dive ends in ``seconds``: a step that does not converge fixes the master's last
        solution. The master is left as it was, with the dive's columns added."""
        began = time.monotonic()
        e_count = self.staff.size[0]
        fixed: dict[int, int] = {}
        try:
            while len(fixed) < e_count:
                if self.control.interrupted:
                    return None
                free = e_count - len(fixed)
                take = max(1, math.ceil(step * free))
                part = free / sum(_dive_steps(free, step))
                self.generate(max(0.0, seconds - (time.monotonic() - began)) * part, frozenset(fixed))
                if not self.weights:
                    return None
                ranked = sorted((self._keeping_weight(e), e) for e in range(e_count) if e not in fixed)[::-1]
                for rank, ((weight, column), e) in enumerate(ranked):
                    if rank >= take and weight <= 1 - CLOSE_TO_WHOLE:
                        break
                    if weight <= TOLERANCE:
                        left = max(0.0, seconds - (time.monotonic() - began)) * part / take
                        column = self._keeping_column(e, left)
                    fixed[e] = column
                    self.master.columns[e][column][1].SetLb(1.0)
            return np.array([self.master.columns[e][fixed[e]][0] for e in range(e_count)])
        finally:
            for e, column in fixed.items():
                self.master.columns[e][column][1].SetLb(0.0)

    def _keeping_weight(self, e: int) -> tuple[float, int]:
        """Employee ``e``'s heaviest column that keeps her counts, with its weight (0 and her
        heaviest column of all when none does)."""
        weights = self.weights[e] + [0.0] * (len(self.master.columns[e]) - len(self.weights[e]))
        keeping = [i for i, keeps in enumerate(self.master.keeping[e]) if keeps]
        if not keeping:
            return 0.0, int(np.argmax(weights))
        best = max(keeping, key=weights.__getitem__)
        return weights[best], best

    def _keeping_column(self, e: int, seconds: float) -> int:
        """A new column of employee ``e`` that keeps all her rules, priced at the master's last
        duals; her heaviest column when none is found in ``seconds``."""
        work, weekend = _prices(self.staff, self.master.duals())
        roster = keeping_roster(self.staff, e, work[e], float(weekend[e]), seconds)
        if roster is None:
            return int(np.argmax(self.weights[e]))
        self.master.add(e, roster)
        return len(self.master.columns[e]) - 1

    def completion_seconds(self) -> float:
        """About how long :meth:`complete` takes when no employee has a column keeping every
        rule yet: the programme of the employee with the most minutes (the most states) alone,
        timed, for each employee, with a margin for the rounds that steer it
        (:data:`COMPLETION_MARGIN`). The timed roster joins the master's columns."""
        began = time.monotonic()
        staff = self.staff
        e = int(np.argmax(staff.max_minutes))
        work, weekend = _prices(staff, self.master.zero_duals())
        one = _employee(staff, e)
        cost, rosters = Pricer(one, ONE_STATES).price(work[e : e + 1], one.off_cost, weekend[e : e + 1])
        if np.isfinite(cost[0]):
            self.master.add(e, rosters[0])
        return COMPLETION_MARGIN * staff.size[0] * (time.monotonic() - began)

    def complete(self, seconds: float, workers: int = 1, seed: int = 1) -> int:
        """Give each employee none of whose columns keeps every rule one that does, priced at
        the best bound's duals (:func:`keeping_roster`), so that :func:`restricted_master` has a
        roster to choose; how many are still without one when ``seconds`` run out."""
        began = time.monotonic()
        staff = self.staff
        point = self.centre if self.centre is not None else self.master.zero_duals()
        work, weekend = _prices(staff, point)
        missing = [e for e, keeping in enumerate(self.master.keeping) if not any(keeping)]
        steering, scratch = Steering(), Scratch()
        for done, e in enumerate(missing):
            if self.control.interrupted:
                return len(missing) - done
            left = seconds - (time.monotonic() - began)
            roster = keeping_roster(
                staff, e, work[e], float(weekend[e]), left / (len(missing) - done), workers, seed, steering, scratch
            )
            if roster is None:
                return len(missing) - done
            self.master.add(e, roster)
        return 0


def _dive_steps(free: int, step: float) -> list[int]:
    """How many employees are free at each step of a dive from ``free``, when each fixes a
    ``step`` share of them (one at least)."""
    steps = []
    while free > 0:
        steps.append(free)
        free -= max(1, math.ceil(step * free))
    return steps


def roster_bound(
    instance: Instance,
    seconds: float = 60.0,
    log: bool = False,
    smoothing: float = SMOOTHING,
) -> RosterBound:
    """Column generation for ``seconds`` at most; the best Lagrangian bound it proved."""
    lp = RosterLP(instance, smoothing)
    lp.generate(seconds, log=log)
    return lp.outcome()


def _price(pricer: Pricer, staff: Staffing, duals: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    work, weekend = _prices(staff, duals)
    return pricer.price(work, staff.off_cost, weekend)


def keeps_counts(staff: Staffing, e: int, roster: np.ndarray) -> bool:
    """Whether ``roster`` keeps employee ``e``'s counting rules (the sequence rules it keeps by
    construction)."""
    return _within_counts(staff, e, *counts(staff, roster))


def _within_counts(staff: Staffing, e: int, minutes: float, per_type: np.ndarray, weekends: int) -> bool:
    """Whether these counts of a roster keep employee ``e``'s counting rules."""
    return bool(
        staff.min_minutes[e] <= minutes <= staff.max_minutes[e]
        and weekends <= staff.max_weekends[e]
        and (per_type <= staff.max_shifts[e]).all()
    )


def _employee(staff: Staffing, e: int) -> Staffing:
    """``staff`` with employee ``e`` alone."""
    return _employees(staff, np.array([e]))


def _employees(staff: Staffing, which: np.ndarray) -> Staffing:
    """``staff`` with the employees ``which`` alone, in that order."""
    return replace(
        staff,
        allowed=staff.allowed[which],
        work_cost=staff.work_cost[which],
        off_cost=staff.off_cost[which],
        max_run=staff.max_run[which],
        min_run=staff.min_run[which],
        min_off=staff.min_off[which],
        max_minutes=staff.max_minutes[which],
        min_minutes=staff.min_minutes[which],
        max_shifts=staff.max_shifts[which],
        max_weekends=staff.max_weekends[which],
    )


@dataclass
class Steering:
    """The penalties that last steered a programme to keep its employee's counting rules; the
    next call starts from them, not from nothing. :func:`best_responses` prices each employee
    again and again at prices that change little, and halves hers before each call so that
    they do not only grow; :meth:`RosterLP.complete` hands one employee's to the next, whose
    contract is most often the same."""

    per_shift: np.ndarray | None = None
    per_weekend: float = 0.0

    def ease(self) -> None:
        """Halve the penalties."""
        self.per_shift = self.per_shift / 2 if self.per_shift is not None else None
        self.per_weekend /= 2


def keeping_roster(
    staff: Staffing,
    e: int,
    work: np.ndarray,
    weekend: float,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    steering: Steering | None = None,
    scratch: Scratch | None = None,
) -> np.ndarray | None:
    """A cheap roster of employee ``e`` at ``work`` (D, S) and ``weekend`` costs that keeps all
    her rules, the counting ones included; None when none is found in ``seconds``. The
    programme's values are kept in ``scratch``, which a caller pricing many employees shares.

    The programme for her alone keeps more counting rules than the one for all at once (the
    state budget is hers alone); the rest it is steered to keep, at most :data:`PENALTY_ROUNDS`
    times: by a price per minute found by bisection, and penalties per shift of a type and per
    weekend that double while the rule is broken, starting from ``steering``'s, which
    are updated. Should that fail, CP-SAT keeps every rule exactly (:func:`exact_roster`) in
    what time is left, hinted with the last roster; alone it is slow when the minutes leave
    little room (docs/curtois.md, "Tried and not adopted")."""
    began = time.monotonic()
    one = _employee(staff, e)
    pricer = Pricer(one, ONE_STATES)
    scale = max(1.0, float(np.abs(work[one.allowed[0]]).mean())) if one.allowed.any() else 1.0
    steering, scratch = steering or Steering(), scratch or Scratch()
    # penalties per shift of each type and per weekend
    per_shift = steering.per_shift.copy() if steering.per_shift is not None else np.zeros(len(staff.shifts))
    per_weekend = steering.per_weekend
    # a price per minute, found by bisection: the minutes worked fall as it rises
    per_minute, low, high, step = 0.0, -INF, INF, scale / float(staff.minutes.min())
    roster = None
    for _ in range(PENALTY_ROUNDS):
        if time.monotonic() - began > seconds:
            break
        costs = work + per_shift[None, :] + per_minute * staff.minutes[None, :]
        cheapest, rosters = pricer.price(costs[None], one.off_cost, np.array([weekend + per_weekend]), scratch)
        if not np.isfinite(cheapest[0]):
            return None  # no roster keeps her sequence rules
        roster = rosters[0]
        minutes, per_type, weekends = counts(one, roster)
        if keeps_counts(one, 0, roster):
            steering.per_shift, steering.per_weekend = per_shift, per_weekend
            return roster
        over = per_type > one.max_shifts[0]
        per_shift[over] = np.maximum(2 * per_shift[over], scale)
        if weekends > one.max_weekends[0]:
            per_weekend = max(2 * per_weekend, scale)
        if minutes > one.max_minutes[0]:
            low = per_minute
        elif minutes < one.min_minutes[0]:
            high = per_minute
        else:
            continue
        if math.isfinite(low) and math.isfinite(high):
            per_minute = (low + high) / 2
        else:
            per_minute += step if math.isfinite(low) else -step
            step *= 2
    left = seconds - (time.monotonic() - began)
    return exact_roster(staff, e, work, weekend, left, workers, seed, roster) if left > 0 else None


def exact_roster(
    staff: Staffing,
    e: int,
    work: np.ndarray,
    weekend: float,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    hint: np.ndarray | None = None,
) -> np.ndarray | None:
    """Employee ``e``'s cheapest roster at ``work`` (D, S) costs per shift worked, the request
    cost of each day off and ``weekend`` per weekend worked, keeping every rule of hers exactly:
    the counting rules the programme may have left to the master as well (CP-SAT, costs rounded
    to thousandths). The roster (D,), or None when none is found in ``seconds``."""
    _, days, s_count = staff.size
    model = cp_model.CpModel()
    x = [[model.new_bool_var("") if staff.allowed[e, d, s] else None for s in range(s_count)] for d in range(days)]
    on = [model.new_bool_var("") for _ in range(days)]
    for d in range(days):
        model.add(sum(v for v in x[d] if v is not None) == on[d])
        if d + 1 < days:
            for s, t in zip(*np.nonzero(staff.banned), strict=True):
                if x[d][s] is not None and x[d + 1][t] is not None:
                    model.add_bool_or([x[d][s].Not(), x[d + 1][t].Not()])
    most = int(staff.max_run[e])
    for d in range(days - most):
        model.add(sum(on[d : d + most + 1]) <= most)
    # a run that neither starts on day 0 nor touches the end lasts its shortest at least
    for length, value in ((int(staff.min_run[e]), True), (int(staff.min_off[e]), False)):
        for d in range(1, days):
            for span in range(1, length):
                if d + span >= days:
                    break
                inside = [on[i] if value else on[i].Not() for i in range(d, d + span)]
                edges = [on[d - 1], on[d + span]] if value else [on[d - 1].Not(), on[d + span].Not()]
                model.add_bool_or(edges + [v.Not() for v in inside])
    minutes = sum(int(staff.minutes[s]) * v for d in range(days) for s, v in enumerate(x[d]) if v is not None)
    model.add_linear_constraint(minutes, int(staff.min_minutes[e]), int(staff.max_minutes[e]))
    for s in range(s_count):
        column = [v for d in range(days) if (v := x[d][s]) is not None]
        if int(staff.max_shifts[e, s]) < len(column):
            model.add(sum(column) <= int(staff.max_shifts[e, s]))
    weekends = []
    for first in range(WEEKEND[0], days, 7):
        worked = model.new_bool_var("")
        model.add_max_equality(worked, on[first : first + 2])
        weekends.append(worked)
    if int(staff.max_weekends[e]) < len(weekends):
        model.add(sum(weekends) <= int(staff.max_weekends[e]))
    scale = 1000
    cost = [round(scale * work[d, s]) * v for d in range(days) for s, v in enumerate(x[d]) if v is not None]
    cost += [round(scale * staff.off_cost[e, d]) * (1 - on[d]) for d in range(days)]
    cost += [round(scale * weekend) * w for w in weekends]
    model.minimize(sum(cost))
    if hint is not None:
        for d in range(days):
            for s, v in enumerate(x[d]):
                if v is not None:
                    model.add_hint(v, int(hint[d]) == s)
    solver = cpsat.new_solver(workers, seed)  # Ctrl-C is the caller's, between employees
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return np.array([next((s for s, v in enumerate(x[d]) if v is not None and solver.boolean_value(v)), -1) for d in range(days)])


def cover_cost(staff: Staffing, roster: np.ndarray) -> float:
    """What the cover costs with ``roster`` (E, D): under and over per day and shift."""
    return float(cover_by_day(staff, roster).sum())


def cover_by_day(staff: Staffing, roster: np.ndarray) -> np.ndarray:
    """What the cover costs with ``roster`` (E, D) on each day (D,)."""
    short = staff.requirement - _worked(staff, roster)
    return (staff.under * np.maximum(short, 0) + staff.over * np.maximum(-short, 0)).sum(axis=1)


def objective(staff: Staffing, roster: np.ndarray) -> float:
    """The benchmark's objective of ``roster`` (E, D): requests and cover."""
    return sum(roster_cost(staff, e, line) for e, line in enumerate(roster)) + cover_cost(staff, roster)


def _line_cost(staff: Staffing, e: int, work: np.ndarray, line: np.ndarray) -> float:
    """Employee ``e``'s ``line`` at ``work`` (D, S) per shift and her requests' cost per day off."""
    days = np.arange(len(line))
    on = line >= 0
    return float(work[days[on], line[on]].sum() + staff.off_cost[e, days[~on]].sum())


def _worked(staff: Staffing, roster: np.ndarray) -> np.ndarray:
    """How many work each shift on each day (D, S) in ``roster`` (E, D), -1 a day off."""
    days, s_count = staff.size[1:]
    worked = np.zeros((days, s_count))
    on = roster >= 0
    np.add.at(worked, (np.nonzero(on)[1], roster[on]), 1)
    return worked


def best_responses(
    staff: Staffing,
    roster: np.ndarray,
    seconds: float,
    workers: int = 1,
    seed: int = 1,
    control: cpsat.SearchControl | None = None,
    sideways: bool = False,
) -> tuple[np.ndarray, int]:
    """``roster`` (E, D) improved one employee at a time: with the others fixed, what her
    working a shift on a day adds to the cover's cost is known exactly (-under while the others
    leave it short, +over once they meet it), so her best roster is a pricing problem
    (:func:`keeping_roster`), taken when it costs less than hers. Rounds over all employees
    while one improves and ``seconds`` last; the roster and how many lines changed. A line that
    breaks a counting rule (a dive's may: its pricing leaves some to the master) is replaced
    by her best whatever it costs; every other change lowers the objective, or with
    ``sideways`` keeps it.

    With ``sideways``, a line that costs the same as hers but differs is taken too, ties among
    her best lines broken at random (``seed``): it changes what the others see, and one of them
    may then improve where none could (docs/curtois.md, "Sideways best responses"). Rounds go
    on while they make such moves, :data:`PLATEAU` rounds at most without a gain."""
    began = time.monotonic()
    control = control or cpsat.SearchControl()
    roster = roster.copy()
    e_count, days, _ = staff.size
    worked = _worked(staff, roster)
    broken = [not keeps_counts(staff, e, line) for e, line in enumerate(roster)]
    changed, improved, moved, flat = 0, True, False, 0
    every_day = np.arange(days)
    steering, scratch = [Steering() for _ in range(e_count)], Scratch()
    rng = np.random.default_rng(seed)
    while (improved or (moved and flat < PLATEAU)) and time.monotonic() - began < seconds:
        flat = 0 if improved else flat + 1
        improved = moved = False
        for e in range(e_count):
            left = seconds - (time.monotonic() - began)
            if left <= 0 or control.interrupted:
                break
            mine = roster[e]
            others = worked.copy()
            on = mine >= 0
            others[every_day[on], mine[on]] -= 1
            work = staff.work_cost[e] + np.where(others < staff.requirement, -staff.under, staff.over)
            steering[e].ease()
            # costs are whole points: a tie-break of under half a point over all her days
            # picks among her best lines only
            priced = work + rng.uniform(0.0, TIE_BREAK / days, work.shape) if sideways else work
            new = keeping_roster(staff, e, priced, 0.0, left / (e_count - e), workers, seed, steering[e], scratch)
            if new is None:
                continue
            gain = _line_cost(staff, e, work, mine) - _line_cost(staff, e, work, new)
            tie = sideways and abs(gain) <= TOLERANCE and not np.array_equal(new, mine)
            if broken[e] or gain > TOLERANCE or tie:
                improved = improved or broken[e] or gain > TOLERANCE
                broken[e], moved = False, True
                roster[e] = new
                worked = others
                worked[every_day[new >= 0], new[new >= 0]] += 1
                changed += 1
    return roster, changed


def keeps_all_counts(staff: Staffing, roster: np.ndarray) -> bool:
    """Whether every line of ``roster`` (E, D) keeps its employee's counting rules."""
    return all(keeps_counts(staff, e, line) for e, line in enumerate(roster))


def restricted_master(
    staff: Staffing,
    found: RosterBound,
    seconds: float,
    workers: int = 2,
    seed: int = 1,
    hint: np.ndarray | None = None,
    patience: float | None = None,
    linear: bool = False,
    control: cpsat.SearchControl | None = None,
) -> tuple[np.ndarray, float] | None:
    """One column per employee, chosen by CP-SAT among the columns that keep every rule, to
    cost least with the cover; hinted with ``hint`` (a dive's roster), or where a line of it
    breaks a rule the pricing left to the master, the nearest column; else with each
    employee's heaviest column. The search ends once it has found nothing better for
    ``patience`` seconds and for as long as it took to find its best (:func:`cpsat.solve_watched`).
    With ``linear``, CP-SAT keeps the whole linear relaxation in its search (linearization
    level 2), for columns whose LP is nearly tight. ``control`` stops the search (Ctrl-C). The
    roster (E, D) and its cost; the hint's when the search found none in time (or was stopped
    first), or None when some employee has no such column."""
    e_count, days, s_count = staff.size
    model = cp_model.CpModel()
    chosen: list[list[tuple[np.ndarray, cp_model.IntVar]]] = []
    cost = []
    hinted = np.full((e_count, days), -1)
    for e in range(e_count):
        options = [
            (roster, weight)
            for roster, weight in zip(found.columns_of[e], found.weights[e], strict=True)
            if keeps_counts(staff, e, roster)
        ]
        if not options:
            return None
        if hint is None:
            first = max(range(len(options)), key=lambda i: options[i][1])
        else:  # its line, or the nearest that keeps every rule
            first = min(range(len(options)), key=lambda i: int(np.count_nonzero(options[i][0] != hint[e])))
        hinted[e] = options[first][0]
        picks = []
        for i, (roster, _) in enumerate(options):
            pick = model.new_bool_var("")
            model.add_hint(pick, i == first)
            picks.append((roster, pick))
            cost.append(round(roster_cost(staff, e, roster)) * pick)
        model.add_exactly_one(pick for _, pick in picks)
        chosen.append(picks)
    # a complete hint: CP-SAT starts from it as a roster instead of searching for its slacks
    present = _worked(staff, hinted)
    for d in range(days):
        for s in range(s_count):
            working = [pick for picks in chosen for roster, pick in picks if roster[d] == s]
            need = int(staff.requirement[d, s])
            under = model.new_int_var(0, need, "")
            over = model.new_int_var(0, e_count, "")
            model.add(sum(working) + under - over == need)
            model.add_hint(under, max(need - int(present[d, s]), 0))
            model.add_hint(over, max(int(present[d, s]) - need, 0))
            cost += [round(staff.under) * under, round(staff.over) * over]
    model.minimize(sum(cost))
    solver = cpsat.new_solver(workers, seed)
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    if linear:
        solver.parameters.linearization_level = 2
    (control or cpsat.SearchControl()).attach(solver)
    status = cpsat.solve_watched(solver, model, cpsat.Progress(), None, patience=patience)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # the hint is a roster: one rule-keeping column each
        return hinted, objective(staff, hinted)
    roster = np.array([next(r for r, pick in picks if solver.boolean_value(pick)) for picks in chosen])
    return roster, solver.objective_value


def roster_text(staff: Staffing, roster: np.ndarray) -> str:
    """``roster`` (E, D) in the benchmark's roster format."""
    return "\n".join(" ".join(staff.shifts[s] if s >= 0 else "-" for s in line) for line in roster) + "\n"
