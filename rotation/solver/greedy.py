"""A first roster, built day by day: each slot takes the unit whose duty costs the least.

"Cost" is the marginal objective of the soft rules (fair share, weekend share, spacing, home
community, requests) given the duties placed so far, and only duties that keep every hard rule
with the days already planned are considered. The result is a hint for CP-SAT, which then
improves it; it need not be optimal, only complete and sensible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from rotation.model import HomeCommunity, RequestKind
from rotation.problem import Period, Problem, Slot
from rotation.roster import Assignment
from rotation.solver.variables import first_inquiry_capacity
from rotation.units import SCALE, TARGET_SCALE

ONE_DAY = dt.timedelta(days=1)
SCARCE = 12  # a slot that at most this many units may fill is planned first
NEEDED = 10**12  # the cost a unit below its month's minimum saves: more than any soft rule


class _State:
    """Duties placed so far, with the counters the hard rules and costs read."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.total: Counter = Counter()
        self.rest: Counter = Counter()
        self.per_month: Counter = Counter()
        self.per_day: Counter = Counter()
        self.shifts_on: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
        self.blocks: dict[tuple[str, tuple[int, int]], set[int]] = defaultdict(set)
        self.block_of = {d: i for i, b in enumerate(problem.rest_blocks) for d in b.dates}
        self.month_of_block = {i: b.month for i, b in enumerate(problem.rest_blocks)}
        self.worked: dict[str, set[dt.date]] = defaultdict(set)
        self.per_shift: Counter = Counter()
        self.minutes: Counter = Counter()
        self.weekend_of = {d: i for i, block in enumerate(problem.weekends) for d in block}
        self.weekends: dict[str, set[int]] = defaultdict(set)
        for past in problem.data.history:
            if past.last_duty is not None:
                self.worked[past.unit] |= {past.last_duty - k * ONE_DAY for k in range(past.run_days)}
                if past.last_shift is not None:
                    self.shifts_on[(past.unit, past.last_duty)].add(past.last_shift)
        self.ytd = {u.id: problem.ytd(u.id) for u in problem.units}

    def place(self, unit: str, slot: Slot) -> None:
        date = slot.date
        self.total[unit] += 1
        self.per_month[(unit, date.year, date.month)] += 1
        self.per_day[(unit, date)] += 1
        self.shifts_on[(unit, date)].add(slot.shift)
        self.worked[unit].add(date)
        self.per_shift[(unit, slot.shift)] += 1
        self.minutes[unit] += self.problem.data.shift(slot.shift).minutes
        if date in self.weekend_of:
            self.weekends[unit].add(self.weekend_of[date])
        if date in self.block_of:
            self.rest[unit] += 1
            block = self.block_of[date]
            self.blocks[(unit, self.month_of_block[block])].add(block)


def first_roster(
    problem: Problem, pinned: list[tuple[Slot, str]], preferred: Iterable[tuple[Slot, str]] = ()
) -> list[tuple[Slot, str]]:
    """(slot, unit) duties covering as much as the hard rules allow, pins included. The
    ``preferred`` duties come first, each one kept when the rules allow it beside those kept
    before: given a roster, this fills the slots it leaves short (a last pass over the best
    roster found), or keeps what a changed data set still allows of a published one."""
    data = problem.data
    rules = data.rules
    weights = dict(rules.weights)
    state = _State(problem)
    chosen: list[tuple[Slot, str]] = []
    taken: set[tuple[int, str]] = set()
    for slot, unit in pinned:
        state.place(unit, slot)
        chosen.append((slot, unit))
        taken.add((slot.index, unit))
    count = Counter(slot.index for slot, _ in chosen)
    owners: dict[Period, bool] = defaultdict(bool)
    for slot, unit in chosen:
        if first_inquiry_capacity(problem, unit, slot.date, slot.shift) > 0:
            owners[slot.period] = True
    requests = defaultdict(list)
    for request in data.requests:
        requests[request.unit].append(request)
    forbidden = set(rules.forbidden_successions)
    last_duty = {h.unit: h.last_duty for h in data.history if h.last_duty is not None}
    # asked about a million times on a city's month: look each unit's limits up once
    per_day = state.per_day
    most_per_day = {u.id: data.max_per_day(u) for u in data.units}
    staffed = {u.id for u in data.units if problem.has_people(u.id)}

    def allowed(unit: str, slot: Slot) -> bool:
        date = slot.date
        if (slot.index, unit) in taken or per_day[(unit, date)] >= most_per_day[unit]:
            return False
        u = data.unit(unit)
        if u.max_total is not None and state.per_month[(unit, date.year, date.month)] >= u.max_total:
            return False
        if unit in staffed and per_day[(unit, date)] >= len(problem.available_people(unit, date, slot.shift)):
            return False
        if any((s, slot.shift) in forbidden for s in state.shifts_on.get((unit, date - ONE_DAY), ())):
            return False
        if any((slot.shift, s) in forbidden for s in state.shifts_on.get((unit, date + ONE_DAY), ())):
            return False
        worked = state.worked[unit]
        if date not in worked:
            run = 1
            back = date - ONE_DAY
            while back in worked:
                run += 1
                back -= ONE_DAY
            ahead = date + ONE_DAY
            while ahead in worked:
                run += 1
                ahead += ONE_DAY
            if run > data.max_consecutive_days(u):
                return False
        limits = u.limits
        most = limits.most_in_shift(slot.shift)
        if most is not None and state.per_shift[(unit, slot.shift)] >= most:
            return False
        if limits.max_minutes is not None and state.minutes[unit] + data.shift(slot.shift).minutes > limits.max_minutes:
            return False
        if limits.max_weekends is not None and date in state.weekend_of:
            touched = state.weekends[unit]
            if state.weekend_of[date] not in touched and len(touched) >= limits.max_weekends:
                return False
        if date in state.block_of:
            block = state.block_of[date]
            touched = state.blocks[(unit, state.month_of_block[block])]
            if block not in touched and len(touched) >= rules.max_weekends_per_month:
                return False
        return True

    def cost(unit: str, slot: Slot) -> float:
        date = slot.date
        u = data.unit(unit)
        ytd, ytd_rest = state.ytd[unit]
        target = problem.targets[unit]
        before = TARGET_SCALE * (ytd + state.total[unit]) - target
        value = weights["fairness"] * ((before + TARGET_SCALE) ** 2 - before**2)
        if date in state.block_of:
            before = TARGET_SCALE * (ytd_rest + state.rest[unit]) - problem.weekend_targets[unit]
            value += weights["weekend_fairness"] * ((before + TARGET_SCALE) ** 2 - before**2)
        close = sum(
            state.per_day[(unit, date + sign * k * ONE_DAY)] for k in range(1, rules.min_days_between) for sign in (-1, 1)
        )
        if unit in last_duty:
            close += sum(1 for k in range(1, rules.min_days_between) if date - k * ONE_DAY == last_duty[unit])
        value += weights["spacing"] * SCALE * close
        community = data.station(slot.station).community
        if rules.home_community is HomeCommunity.PREFER and u.community and community and community != u.community:
            value += weights["home_community"] * SCALE
        for request in requests.get(unit, ()):
            day = problem.day(date)
            if (
                request.day.matches(date, day.kind)
                and request.shift in (None, slot.shift)
                and request.station in (None, slot.station)
            ):
                sign = -1 if request.kind is RequestKind.WANT else 1
                value += sign * weights["requests"] * SCALE * request.weight
        if date in state.block_of:
            block = state.block_of[date]
            if block not in state.blocks[(unit, state.month_of_block[block])]:
                value += opening_cost  # a unit's weekend allowance is scarce: use up a block it already works
        if u.min_total is not None and state.per_month[(unit, date.year, date.month)] < u.min_total:
            value -= NEEDED  # a month's least duties is a hard rule: units short of it go first
        return value

    # When the rest-day duties outnumber what one duty per allowed weekend block can carry, units
    # must work both days of some weekends; opening a new block then costs more than a close pair.
    rest_duties = sum(s.min for s in problem.slots if s.date in state.block_of)
    blocks = len(problem.rest_blocks) // max(1, len(problem.months))
    allowance = len(problem.units) * min(rules.max_weekends_per_month, blocks) * max(1, len(problem.months))
    opening_cost = 2 * weights["spacing"] * SCALE if rest_duties > 0.6 * allowance else 0

    # Scarce slots first (special roles few units may take), then rest days (weekend
    # allowances run out), then the rest, each in date order.
    def urgency(slot: Slot) -> tuple:
        scarce = len(slot.eligible) <= SCARCE
        return (0 if scarce else 1 if slot.date in state.block_of else 2, slot.date, len(slot.eligible), slot.index)

    for slot, unit in preferred:
        if count[slot.index] < slot.max and unit in slot.eligible and allowed(unit, slot):
            state.place(unit, slot)
            chosen.append((slot, unit))
            taken.add((slot.index, unit))
            count[slot.index] += 1
            if first_inquiry_capacity(problem, unit, slot.date, slot.shift) > 0:
                owners[slot.period] = True

    for slot in sorted(problem.slots, key=urgency):
        date = slot.date
        while count[slot.index] < slot.min:
            candidates = [u for u in slot.eligible if per_day[(u, date)] < most_per_day[u] and allowed(u, slot)]
            if not owners[slot.period]:
                candidates = [u for u in candidates if first_inquiry_capacity(problem, u, date, slot.shift) > 0]
            if not candidates:
                break
            unit = min(candidates, key=lambda u: (cost(u, slot), u))
            state.place(unit, slot)
            chosen.append((slot, unit))
            taken.add((slot.index, unit))
            count[slot.index] += 1
            if first_inquiry_capacity(problem, unit, date, slot.shift) > 0:
                owners[slot.period] = True
    return chosen


def as_assignments(duties: list[tuple[Slot, str]]) -> list[Assignment]:
    return [Assignment(s.date, s.station, s.shift, s.role, u) for s, u in duties]
