"""A first roster rounded from the pattern bound's plan, day by day.

The master LP of :mod:`rotation.solver.patterns` says how many duties each unit should take on
each day, as a fraction. Each day in turn, a min-cost flow fills the day's slots from the units,
a duty costing less the more the plan wants that unit that day, and much more when it would
break a rule the days before decide (a run too long, a weekend block over the month's limit, more
duties than the month allows, a forbidden succession) or leave the unit's planned duties later
in the month no room; which of the day's slots a unit takes follows its home community and
its requests. Coverage comes first: the flow is a maximum flow. A period the flow
left with no unit that may own its first inquiry then swaps a slot with another period of the
day. The roster may still break rules neither sees (people, a run the plan left no way
around); the first CP-SAT search repairs it with as few changes as it can, and starts from a
structure close to the LP's, which on the county month is far better than the greedy roster's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace

from ortools.graph.python import min_cost_flow

from rotation.model import HomeCommunity, Request, RequestKind
from rotation.problem import Period, Problem, Slot
from rotation.roster import Assignment
from rotation.solver.variables import first_inquiry_capacity

ONE_DAY = dt.timedelta(days=1)
WANTED = 1000
"""Cost of a duty the plan does not want at all; a duty it wants fully costs nothing."""
POINT = 10
"""Flow cost of one point of the objective."""
BREAKS = 20_000
"""A duty that would break a rule of the days before: taken only when nobody else can."""
LATER = 10_000
"""A duty the plan does not want that would make a planned duty break a rule later: taken
before a duty that breaks one today, after every other."""
PINNED = -1_000_000
"""A pinned duty: always taken."""
CARRY = 1.0
"""How much of a unit's rounding error so far counts on the next day, when its plan is
fractional; a whole plan (from the dive) carries nothing (docs/solver.md §4, "Carrying")."""


def plan_roster(problem: Problem, plan: dict[str, tuple[float, ...]]) -> list[Assignment]:
    """Duties for every slot the units can fill, following ``plan`` (unit -> duties per day)."""
    data = problem.data
    soft = _SlotCosts(problem)
    banned: dict[str, set[str]] = defaultdict(set)
    for first, second in data.rules.forbidden_successions:
        banned[first].add(second)
    pins = {(p.date, p.station, p.shift, p.role, p.unit) for p in data.fixed if problem.in_horizon(p.date)}
    last_shifts: dict[str, set[str]] = {}
    for past in data.history:
        if past.last_duty == problem.start - ONE_DAY:
            last_shifts[past.unit] = {past.last_shift} if past.last_shift else set()
    limits = _Limits(problem, plan)
    unplanned = _Unplanned(problem, plan)
    owed: dict[str, float] = defaultdict(float)  # planned minus taken so far: rounding errors carry on
    carry = {unit: CARRY if any(d != round(d) for d in days) else 0.0 for unit, days in plan.items()}
    by_day: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in problem.slots:
        by_day[slot.date].append(slot)
    duties: list[Assignment] = []
    for t in range((problem.end - problem.start).days + 1):
        date = problem.start + t * ONE_DAY
        wanted = {unit: days[t] + carry[unit] * owed[unit] for unit, days in plan.items()}
        costs = unplanned.costs(t)
        for unit in limits.squeezed(date):
            costs[unit] += LATER
        taken = _fill_day(problem, by_day[date], wanted, costs, soft, banned, pins, last_shifts, limits.breaking(date))
        taken = _with_owners(problem, taken, by_day[date], pins, soft, banned, last_shifts)
        unplanned.took(taken)
        limits.took(date, taken)
        duties += taken
        for unit, days in plan.items():
            owed[unit] += days[t]
        for a in taken:
            owed[a.unit] -= 1
        last_shifts = defaultdict(set)
        for a in taken:
            last_shifts[a.unit].add(a.shift)
    return duties


class _Limits:
    """What the days before decide for today's flow: a run too long, a weekend block over the
    month's limit, more duties than the month allows. A unit breaks one by working today
    (:meth:`breaking`), or squeezes one (:meth:`squeezed`): a duty the plan does not want today
    would leave no room for the duties or weekend blocks it plans later this month, so that one
    of those breaks the rule. The dive's plan keeps every limit but leaves a few slots open
    (10 of 1,059 on December 2026); given to squeezed units, they broke a limit 3 and 4 times in
    the plans of March and August 2026, and the first CP-SAT search took 8-12 s of a 50 s month
    to repair them. Now August's breaks none, March's once: a weekend day where every unit that
    may serve has used its weekends."""

    def __init__(self, problem: Problem, plan: dict[str, tuple[float, ...]]) -> None:
        data = problem.data
        self.start, self.plan = problem.start, plan
        self.most_weekends = data.rules.max_weekends_per_month
        self.longest = {unit: data.max_consecutive_days(data.unit(unit)) for unit in plan}
        self.most = {unit: data.unit(unit).max_total for unit in plan}
        self.run: dict[str, int] = {
            past.unit: past.run_days for past in data.history if past.last_duty == problem.start - ONE_DAY
        }
        self.months = [(d.date.year, d.date.month) for d in problem.days]  # of each day, by index
        # rest blocks are cut at month ends: each lies in one month (as in greedy._State)
        self.blocks = [tuple((d - problem.start).days for d in block.dates) for block in problem.rest_blocks]
        self.block_of = {d: i for i, block in enumerate(problem.rest_blocks) for d in block.dates}
        self.used: dict[tuple[str, tuple[int, int]], set[int]] = defaultdict(set)  # blocks worked per unit and month
        self.taken: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)  # duties per unit and month

    def _opens_block(self, unit: str, date: dt.date) -> bool:
        return date in self.block_of and self.block_of[date] not in self.used[(unit, (date.year, date.month))]

    def breaking(self, date: dt.date) -> set[str]:
        month = date.year, date.month
        return {
            unit
            for unit in self.plan
            if self.run.get(unit, 0) >= self.longest[unit]
            or (self._opens_block(unit, date) and len(self.used[(unit, month)]) >= self.most_weekends)
            or ((most := self.most[unit]) is not None and self.taken[(unit, month)] >= most)
        }

    def squeezed(self, date: dt.date) -> list[str]:
        month, t = (date.year, date.month), (date - self.start).days
        ahead = [d for d in range(t, len(self.months)) if self.months[d] == month]
        later = [days for days in self.blocks if days[0] > t and self.months[days[0]] == month]
        block = self.blocks[self.block_of[date]] if date in self.block_of else ()
        found = []
        for unit, days in self.plan.items():
            most = self.most[unit]
            if most is not None and self.taken[(unit, month)] + sum(days[d] for d in ahead) + 1 > most:
                found.append(unit)
            elif self._opens_block(unit, date) and not any(days[d] for d in block if d >= t):
                planned = sum(1 for b in later if any(days[d] for d in b))
                if len(self.used[(unit, month)]) + 1 + planned > self.most_weekends:
                    found.append(unit)
        return found

    def took(self, date: dt.date, taken: list[Assignment]) -> None:
        month = date.year, date.month
        self.run = {unit: self.run.get(unit, 0) + 1 for unit in {a.unit for a in taken}}
        for a in taken:
            self.taken[(a.unit, month)] += 1
            if date in self.block_of:
                self.used[(a.unit, month)].add(self.block_of[date])


class _Unplanned:
    """What a duty the plan does not want would cost, per unit, in flow costs: the close pairs
    it makes with the unit's duties of the days just before (as taken) and just after (as
    planned). The dive's plan leaves a few slots open (10 of 1059 on December 2026): given to
    whichever unit could take them, they rounded to 393 close pairs from the plan's 362; given
    where they make the fewest, to 372. Fairness counted here as well (what one more duty than
    planned costs) made the rounded roster better (4307 points against 4349) but the 120 s
    rosters worse (4247-4297 against 4231-4245, three seeds each): the search evens out
    fairness later, while the close pairs of its start stay."""

    def __init__(self, problem: Problem, plan: dict[str, tuple[float, ...]]) -> None:
        self.plan = plan
        self.pair = dict(problem.data.rules.weights)["spacing"] * POINT
        self.gap = max(problem.data.rules.min_days_between, 1)
        self.recent = {unit: [0] * (self.gap - 1) for unit in plan}  # duties of the last days, latest first
        for past in problem.data.history:
            ago = (problem.start - past.last_duty).days if past.last_duty else 0
            if past.unit in plan and 1 <= ago < self.gap:
                self.recent[past.unit][ago - 1] = 1

    def costs(self, t: int) -> dict[str, float]:
        return {unit: self.pair * (sum(self.recent[unit]) + sum(days[t + 1 : t + self.gap])) for unit, days in self.plan.items()}

    def took(self, taken: list[Assignment]) -> None:
        if self.gap == 1:  # no spacing rule: nothing to remember
            return
        today = Counter(a.unit for a in taken)
        for unit in self.plan:
            self.recent[unit] = [today[unit], *self.recent[unit][:-1]]


def _with_owners(
    problem: Problem,
    taken: list[Assignment],
    slots: list[Slot],
    pins: set[tuple],
    soft: _SlotCosts,
    banned: dict[str, set[str]],
    last_shifts: dict[str, set[str]],
) -> list[Assignment]:
    """The day's duties, with two units' slots swapped wherever a staffed period has no unit
    that may own its first inquiry: the flow cannot see that rule. A swap keeps every unit's
    duties per day, so the plan's spacing and fairness stay as they were; on December 2026 the
    dive's plan left 12 such periods, each with one unit, and the first CP-SAT search then had
    to repair the roster from far away."""
    slot_of = {(s.station, s.shift, s.role): s for s in slots}
    duties = list(taken)

    def costlier(a: Assignment, b: Assignment) -> int:
        """What the slots cost (home community, requests) once ``a`` and ``b`` swap units, less before."""
        mine, theirs = slot_of[(a.station, a.shift, a.role)], slot_of[(b.station, b.shift, b.role)]
        return soft.cost(a.unit, theirs) + soft.cost(b.unit, mine) - soft.cost(a.unit, mine) - soft.cost(b.unit, theirs)

    def capable(unit: str, period: Period) -> bool:
        return first_inquiry_capacity(problem, unit, period.date, period.shift) > 0

    def owned(period: Period, without: int | None = None) -> bool:
        return period in problem.owned or any(
            capable(a.unit, period) for k, a in enumerate(duties) if k != without and _period(a) == period
        )

    def movable(k: int) -> bool:
        a = duties[k]
        return (a.date, a.station, a.shift, a.role, a.unit) not in pins

    def may_take(unit: str, slot: Slot, k: int) -> bool:
        before = last_shifts.get(unit, ())
        return (
            unit in slot.eligible
            and not any(slot.shift in banned[b] for b in before)
            and not any(a.unit == unit and _period(a) == slot.period for j, a in enumerate(duties) if j != k)
        )

    for period in sorted({_period(a) for a in duties}, key=lambda p: (p.station, p.shift)):
        if owned(period):
            continue
        for k, a in enumerate(duties):
            if _period(a) != period or not movable(k):
                continue
            mine = slot_of[(a.station, a.shift, a.role)]
            partners = [
                j
                for j, b in enumerate(duties)
                if _period(b) != period
                and movable(j)
                and capable(b.unit, period)
                and may_take(b.unit, mine, j)
                and may_take(a.unit, slot_of[(b.station, b.shift, b.role)], k)
                and owned(_period(b), without=j)
            ]
            if partners:  # the swap that costs the least
                partner = min((costlier(a, duties[j]), j) for j in partners)[1]
                b = duties[partner]
                duties[k], duties[partner] = replace(a, unit=b.unit), replace(b, unit=a.unit)
                break
    return duties


def _period(a: Assignment) -> Period:
    return Period(a.date, a.station, a.shift)


class _SlotCosts:
    """What a unit on a slot costs the soft rules that depend on the slot itself, in flow costs:
    serving away from home when the rules prefer home, and the unit's requests for that day,
    shift and station (a wish met earns, a time to avoid costs). Without requests the December
    2026 plan rounded to 140 points of them; the flow can meet a wish only on a day the plan
    already has the unit on duty. A wish earns on each matching slot, though one duty meets it:
    only a unit allowed two duties a day could take both for it."""

    def __init__(self, problem: Problem) -> None:
        data = problem.data
        weights = dict(data.rules.weights)
        self.problem = problem
        self.prefer = data.rules.home_community is HomeCommunity.PREFER
        self.away = weights["home_community"] * POINT
        self.requests: dict[tuple[str, dt.date], list[tuple[Request, int]]] = defaultdict(list)
        for request in data.requests:
            sign = -1 if request.kind is RequestKind.WANT else 1
            for day in problem.request_days(request):
                self.requests[(request.unit, day.date)].append((request, sign * request.weight * weights["requests"] * POINT))

    def cost(self, unit: str, slot: Slot) -> int:
        home = self.problem.data.unit(unit).community
        away = self.prefer and bool(home and slot.community and home != slot.community)
        wishes = sum(
            cost for request, cost in self.requests.get((unit, slot.date), ()) if request.matches(slot.shift, slot.station)
        )
        return (self.away if away else 0) + wishes


def _fill_day(
    problem: Problem,
    slots: list[Slot],
    plan: dict[str, float],
    unplanned: dict[str, float],
    soft: _SlotCosts,
    banned: dict[str, set[str]],
    pins: set[tuple],
    last_shifts: dict[str, set[str]],
    breaking: set[str],
) -> list[Assignment]:
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}

    def node(name: object) -> int:
        return nodes.setdefault(name, len(nodes))

    source, sink = node("source"), node("sink")
    arcs: dict[int, tuple[Slot, str]] = {}
    total = 0
    units: dict[str, None] = {}  # in the slots' order: ties in the flow break alike in every run
    for slot in slots:
        if slot.min == 0:
            continue
        total += slot.min
        flow.add_arc_with_capacity_and_unit_cost(node(slot.index), sink, slot.min, 0)
        for unit in slot.eligible:
            if unit not in plan:
                continue
            units[unit] = None
            cost = soft.cost(unit, slot)
            if (slot.date, slot.station, slot.shift, slot.role, unit) in pins:
                cost += PINNED
            if any(slot.shift in banned[before] for before in last_shifts.get(unit, ())):
                cost += BREAKS
            arcs[flow.add_arc_with_capacity_and_unit_cost(node(unit), node(slot.index), 1, cost)] = (slot, unit)
    for unit in units:
        breaks = unit in breaking
        wanted = plan[unit]
        for k in range(problem.max_per_day(unit)):
            share = min(max(wanted - k, 0.0), 1.0)
            cost = round((WANTED + unplanned[unit]) * (1 - share)) + 10 * k + (BREAKS if breaks else 0)
            flow.add_arc_with_capacity_and_unit_cost(source, node(unit), 1, cost)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if total == 0 or flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return []
    return [
        Assignment(slot.date, slot.station, slot.shift, slot.role, unit) for arc, (slot, unit) in arcs.items() if flow.flow(arc)
    ]
