"""The hard rules of the data format as CP-SAT constraints, one function per rule family."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

from ortools.sat.python import cp_model

from rotation.problem import Period
from rotation.rules import RuleKey
from rotation.solver.variables import LinearExpr, Variables, first_inquiry_capacity

ONE_DAY = dt.timedelta(days=1)


def add_hard_rules(
    v: Variables, guards: dict[RuleKey, cp_model.IntVar] | None = None, between: Callable[[], None] | None = None
) -> None:
    """Every hard rule (:data:`CONSTRAINTS`); with ``guards``, each holds only when its literal
    is true, so that assumptions can tell which rules conflict (see :mod:`rotation.explain`).
    ``between`` is called before each rule (it may raise to stop building)."""
    for rule, add in CONSTRAINTS.items():
        if between is not None:
            between()
        v.guard = guards[rule] if guards else None
        add(v)
    v.guard = None


def add_coverage_max(v: Variables) -> None:
    by_slot: dict[int, list] = defaultdict(list)
    for (slot_index, _), var in v.x.items():
        by_slot[slot_index].append(var)
    for slot in v.problem.slots:
        if len(by_slot[slot.index]) > slot.max:
            v.add(sum(by_slot[slot.index]) <= slot.max)


def add_full_coverage(v: Variables) -> None:
    """Every slot gets at least its minimum: only for finding a first complete roster."""
    by_slot: dict[int, list] = defaultdict(list)
    for (slot_index, _), var in v.x.items():
        by_slot[slot_index].append(var)
    for slot in v.problem.slots:
        if slot.min > 0:
            v.add(sum(by_slot[slot.index]) >= slot.min)


def add_fixed(v: Variables) -> None:
    problem = v.problem
    slots = {(s.period, s.role): s for s in problem.slots}
    for pin in problem.data.fixed:
        if not problem.in_horizon(pin.date):
            continue
        slot = slots[(Period(pin.date, pin.station, pin.shift), pin.role)]
        v.add(v.x[(slot.index, pin.unit)] == 1)
        if pin.first_inquiry is not None and (slot.period, pin.unit) in v.fi:
            v.add(v.fi[(slot.period, pin.unit)] == int(pin.first_inquiry))
        if pin.first_inquiry:
            for (period, unit), var in v.fi.items():
                if period == slot.period and unit != pin.unit:
                    v.add(var == 0)


def add_max_per_day(v: Variables) -> None:
    for (unit, _), duties in v.unit_day.items():
        limit = v.problem.max_per_day(unit)
        if len(duties) > limit:
            v.add(sum(var for _, var in duties) <= limit)


def add_successions(v: Variables) -> None:
    """Shift A one day and shift B the next day never both, for each forbidden pair A>B."""
    problem = v.problem
    forbidden = problem.data.rules.forbidden_successions
    if not forbidden:
        return
    in_shift: dict[tuple[str, dt.date, str], list] = defaultdict(list)
    for (unit, date), duties in v.unit_day.items():
        for slot, var in duties:
            in_shift[(unit, date, slot.shift)].append(var)
    banned: dict[str, list[str]] = defaultdict(list)
    for first, second in forbidden:
        banned[first].append(second)
    for (unit, date, shift), earlier in in_shift.items():
        limit = problem.max_per_day(unit)
        if limit == 1:
            # one duty a day: the first shift excludes every banned shift of the next day at once
            later = [var for second in banned.get(shift, ()) for var in in_shift.get((unit, date + ONE_DAY, second), [])]
            if later:
                v.add(sum(earlier) + sum(later) <= 1)
            continue
        for second in banned.get(shift, ()):
            next_day = in_shift.get((unit, date + ONE_DAY, second))
            if next_day:
                on_first = v.model.new_bool_var(f"on[{unit},{date},{shift}]")
                for var in earlier:
                    v.implies(var, on_first)
                v.add(limit * on_first + sum(next_day) <= limit)
    for past in problem.data.history:
        if past.last_duty == problem.start - ONE_DAY and past.last_shift is not None:
            for first, second in forbidden:
                if first == past.last_shift:
                    for var in in_shift.get((past.unit, problem.start, second), []):
                        v.add(var == 0)


def _history_run(v: Variables) -> dict[str, set[dt.date]]:
    """Days before the horizon on which each unit is known to have been on duty."""
    runs = {}
    for past in v.problem.data.history:
        if past.last_duty is not None:
            runs[past.unit] = {past.last_duty - k * ONE_DAY for k in range(past.run_days)}
    return runs


def add_consecutive_days(v: Variables) -> None:
    """Every window of max+1 consecutive days holds a day off, history included."""
    problem = v.problem
    runs = _history_run(v)
    for unit in problem.units:
        most = problem.data.max_consecutive_days(unit)
        before = runs.get(unit.id, set())
        first = problem.start - most * ONE_DAY
        date = first
        while date + most * ONE_DAY <= problem.end:
            window = [date + k * ONE_DAY for k in range(most + 1)]
            known = sum(1 for d in window if d in before)
            open_days = [d for d in window if v.has_day(unit.id, d)]
            if known + len(open_days) > most:
                v.add(sum(v.worked(unit.id, d) for d in open_days) <= most - known)
            date += ONE_DAY


def add_weekends(v: Variables) -> None:
    """A unit works at most max_weekends_per_month rest-day blocks in each month."""
    problem = v.problem
    most = problem.data.rules.max_weekends_per_month
    by_month: dict[tuple[int, int], list] = defaultdict(list)
    for block in problem.rest_blocks:
        by_month[block.month].append(block.dates)
    for unit in problem.units:
        for blocks in by_month.values():
            _at_most_blocks(v, unit.id, blocks, most)


def add_horizon_weekends(v: Variables) -> None:
    """A unit with ``limits.max_weekends`` works at most that many weekend or holiday blocks in
    the horizon; a block counts once however many of its days are worked."""
    for unit in v.problem.units:
        if unit.limits.max_weekends is not None:
            _at_most_blocks(v, unit.id, v.problem.weekends, unit.limits.max_weekends)


def _at_most_blocks(v: Variables, unit: str, blocks: Iterable[Sequence[dt.date]], most: int) -> None:
    """At most ``most`` of ``blocks`` (runs of dates) hold a duty of ``unit``; each counts once."""
    touched = []
    for block in blocks:
        days = [d for d in block if v.has_day(unit, d)]
        if days:
            touched.append(days)
    if len(touched) <= most:
        return
    literals = []
    for days in touched:
        if len(days) == 1:
            literals.append(v.worked(unit, days[0]))
            continue
        on_block = v.model.new_bool_var(f"weekend[{unit},{days[0]}]")
        for d in days:
            v.add(v.worked(unit, d) <= on_block)
        literals.append(on_block)
    v.add(sum(literals) <= most)


def _in_shift(v: Variables) -> dict[str, dict[str, list]]:
    """unit -> shift -> the unit's duty variables in that shift, over the horizon."""
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (unit, _), duties in v.unit_day.items():
        for slot, var in duties:
            grouped[unit][slot.shift].append(var)
    return grouped


def add_per_shift(v: Variables) -> None:
    """At most ``limits.max_per_shift`` duties of each listed shift per unit over the horizon."""
    in_shift = _in_shift(v)
    for unit in v.problem.units:
        grouped = in_shift[unit.id]
        for shift, most in unit.limits.max_per_shift:
            if len(grouped.get(shift, [])) > most:
                v.add(sum(grouped[shift]) <= most)


def _minutes(v: Variables, unit: str) -> LinearExpr:
    """The lengths of ``unit``'s duties over the horizon, in minutes."""
    data = v.problem.data
    return sum(data.shift(shift).minutes * sum(duties) for shift, duties in _in_shift(v)[unit].items())


def add_min_minutes(v: Variables) -> None:
    """A unit's duties last at least its ``limits.min_minutes`` in all."""
    for unit in v.problem.units:
        if unit.limits.min_minutes is not None:
            v.add(_minutes(v, unit.id) >= unit.limits.min_minutes)


def add_max_minutes(v: Variables) -> None:
    """A unit's duties last at most its ``limits.max_minutes`` in all."""
    for unit in v.problem.units:
        if unit.limits.max_minutes is not None:
            v.add(_minutes(v, unit.id) <= unit.limits.max_minutes)


def _forbid_short_blocks(v: Variables, unit: str, least: int, work: bool) -> None:
    """No run of ``least``-1 or fewer duty days (``work``) or free days (not ``work``) with the
    other kind of day on both sides inside the horizon: one clause per run that would be too
    short. Runs touching the first or last day are exempt, as if they went on outside."""
    problem = v.problem
    days = [problem.start + k * ONE_DAY for k in range((problem.end - problem.start).days + 1)]
    on = [v.worked(unit, d) for d in days]  # 0 where the unit cannot be on duty
    for length in range(1, least):
        for first in range(1, len(days) - length):
            inside = on[first : first + length]
            ends = (on[first - 1], on[first + length])
            # the run "inside" between the two "ends": violated when the ends are one kind and inside the other
            if work and (any(isinstance(x, int) for x in inside)):
                continue  # a day that cannot be worked breaks the run of duty days
            if not work and any(isinstance(x, int) for x in ends):
                continue  # an end that cannot be worked is not a duty day
            clause = [x if work else x.Not() for x in ends if not isinstance(x, int)]
            clause += [x.Not() if work else x for x in inside if not isinstance(x, int)]
            v.clause(clause)


def add_min_consecutive(v: Variables) -> None:
    for unit in v.problem.units:
        least = unit.limits.min_consecutive_days
        if least is not None and least > 1:
            _forbid_short_blocks(v, unit.id, least, work=True)


def add_min_days_off(v: Variables) -> None:
    for unit in v.problem.units:
        least = unit.limits.min_days_off
        if least is not None and least > 1:
            _forbid_short_blocks(v, unit.id, least, work=False)


def _in_month(v: Variables, unit: str, month: tuple[int, int]) -> list:
    return [var for (u, date), rows in v.unit_day.items() if u == unit and (date.year, date.month) == month for _, var in rows]


def add_min_total(v: Variables) -> None:
    """At least ``min_total`` duties in each calendar month wholly inside the horizon."""
    problem = v.problem
    for unit in problem.units:
        if unit.min_total is not None:
            for month in problem.months:
                if problem.month_is_whole(month):
                    v.add(sum(_in_month(v, unit.id, month)) >= unit.min_total)


def add_max_total(v: Variables) -> None:
    """At most ``max_total`` duties in each calendar month."""
    problem = v.problem
    for unit in problem.units:
        if unit.max_total is not None:
            for month in problem.months:
                v.add(sum(_in_month(v, unit.id, month)) <= unit.max_total)


def pinned_first_inquiry(v: Variables) -> dict[tuple[Period, str], bool]:
    pins = {}
    for pin in v.problem.data.fixed:
        if pin.first_inquiry is not None and v.problem.in_horizon(pin.date):
            pins[(Period(pin.date, pin.station, pin.shift), pin.unit)] = pin.first_inquiry
    return pins


def add_first_inquiry(v: Variables) -> None:
    """A staffed period has exactly one qualified first-inquiry owner among its units.

    On unrestricted unit-days any qualified unit on duty can own the period, so the model only
    needs one such unit present; the owner itself is picked after solving.
    """
    problem = v.problem
    pins = pinned_first_inquiry(v)
    on_duty: dict[Period, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (unit, _), candidates in v.unit_day.items():
        for slot, var in candidates:
            on_duty[slot.period][unit].append(var)
    for period, units in on_duty.items():
        if period in problem.owned:
            for unit in units:
                if (period, unit) in v.fi:
                    v.add(v.fi[(period, unit)] == 0)
            continue
        capable = []
        needs_care = False
        restricted_fi = []
        for unit, duties in units.items():
            key = (period, unit)
            if (unit, period.date) in v.restricted:
                needs_care = True
                if key in v.fi:
                    v.add(v.fi[key] <= sum(duties))
                    capable.append(v.fi[key])
                    restricted_fi.append(v.fi[key])
            elif pins.get(key) is False or first_inquiry_capacity(problem, unit, period.date, period.shift) == 0:
                needs_care = True
            else:
                capable.extend(duties)
        if len(restricted_fi) > 1:
            v.add(sum(restricted_fi) <= 1)
        if needs_care:
            # one indicator per period: a row per duty over every capable duty grew with the square
            staffed = v.model.new_bool_var("")
            v.add(staffed <= sum(capable))
            for duties in units.values():
                for var in duties:
                    v.implies(var, staffed)


def add_people(v: Variables) -> None:
    """On restricted unit-days, the unit's duties can be matched to distinct available people,
    first-inquiry duties to qualified ones (Hall's condition over the classes of duties)."""
    problem = v.problem
    for unit, date in sorted(v.restricted):
        # a duty pinned with its person takes that person; the others are matched to the rest
        pinned = {
            (Period(p.date, p.station, p.shift), p.role): p.person
            for p in problem.data.fixed
            if p.unit == unit and p.date == date and p.person
        }
        duties = [(slot, var) for slot, var in v.unit_day[(unit, date)] if (slot.period, slot.role) not in pinned]
        most = min(problem.max_per_day(unit) - len(pinned), len(duties))
        count: dict[str, list] = defaultdict(list)
        owner: dict[str, list] = defaultdict(list)
        for slot, var in duties:
            count[slot.shift].append(var)
        taken_periods = {period for period, _ in pinned}
        for (period, u), var in v.fi.items():
            if u == unit and period.date == date and period not in taken_periods:
                owner[period.shift].append(var)
        for (period, _), name in pinned.items():
            person = next((p for p in problem.data.people_of(unit) if p.name == name), None)
            if person is not None and not person.first_inquiry and (period, unit) in v.fi:
                v.add(v.fi[(period, unit)] == 0)  # its pinned person cannot own the period
        people = [p for p in problem.data.people_of(unit) if p.name not in pinned.values()]
        free = {s: {p.name for p in people if problem.person_available(unit, p.name, date, s)} for s in count}
        qualified = {s: {p.name for p in people if p.first_inquiry and p.name in free[s]} for s in count}
        # Hall's condition on sets of at most ``most`` classes suffices: a day holds at most
        # ``most`` duties, so a smallest set of duties without enough people spans no more classes
        classes = [(False, s) for s in sorted(count)] + [(True, s) for s in sorted(owner)]
        for size in range(1, most + 1):
            for chosen in combinations(classes, size):
                plain = [s for owning, s in chosen if not owning]
                owning = [s for owning, s in chosen if owning]
                reach = set().union(*(free[s] for s in plain), *(qualified[s] for s in owning))
                largest = min(most, sum(len(count[s]) for s in set(plain) | set(owning)))
                if len(reach) >= largest:
                    continue
                lhs = sum(sum(count[s]) - sum(owner.get(s, [])) for s in plain) + sum(sum(owner[s]) for s in owning)
                v.add(lhs <= len(reach))


CONSTRAINTS: dict[RuleKey, Callable[[Variables], None]] = {
    RuleKey.COVERAGE_MAX: add_coverage_max,
    RuleKey.MAX_PER_DAY: add_max_per_day,
    RuleKey.CONSECUTIVE: add_consecutive_days,
    RuleKey.WEEKENDS: add_weekends,
    RuleKey.MIN_TOTAL: add_min_total,
    RuleKey.MAX_TOTAL: add_max_total,
    RuleKey.FIXED: add_fixed,
    RuleKey.SUCCESSION: add_successions,
    RuleKey.FIRST_INQUIRY: add_first_inquiry,
    RuleKey.PERSON_ONCE: add_people,
    RuleKey.PER_SHIFT: add_per_shift,
    RuleKey.MIN_MINUTES: add_min_minutes,
    RuleKey.MAX_MINUTES: add_max_minutes,
    RuleKey.MIN_CONSECUTIVE: add_min_consecutive,
    RuleKey.MIN_DAYS_OFF: add_min_days_off,
    RuleKey.HORIZON_WEEKENDS: add_horizon_weekends,
}
"""Each hard rule that needs a constraint, and the function that adds it. The structural rules
of :mod:`rotation.rules` (slots, roles, availability, communities) need none: a unit that may not
take a slot gets no variable for it, and a person's name is chosen after solving."""
