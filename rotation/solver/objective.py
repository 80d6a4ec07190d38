"""The soft rules as exact penalty terms, one function per rule, in hundredths of a point.

Every penalty variable is tied to the roster in both directions (never only bounded below), so
the objective of any solution the solver reports, optimal or not, is exactly what the
independent checker computes for the same roster.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from rotation.model import HomeCommunity, RequestKind
from rotation.solver.variables import LinearExpr, Variables
from rotation.units import SCALE, TARGET_SCALE


def add_objective(v: Variables, soft: bool = True, between: Callable[[], None] | None = None) -> dict[str, LinearExpr]:
    """Add every soft rule's penalty and minimise their sum; returns the term of each rule.
    With ``soft=False`` only the shortfall is minimised. ``between`` is called before each
    rule's term (it may raise to stop building)."""
    weights = dict(v.problem.data.rules.weights)
    if not soft:
        terms = {"coverage": weights["coverage"] * SCALE * _shortfall(v)}
        v.model.minimize(terms["coverage"])
        return terms
    amounts = {
        "coverage": lambda: SCALE * _shortfall(v),
        "gap_runs": lambda: SCALE * _gap_runs(v),
        "fairness": lambda: _fair_share(v, weekend=False),
        "weekend_fairness": lambda: _fair_share(v, weekend=True),
        "spacing": lambda: SCALE * _close_pairs(v),
        "home_community": lambda: SCALE * _away_from_home(v),
        "requests": lambda: SCALE * _requests(v),
        "overstaffing": lambda: SCALE * _overstaffing(v),
    }
    # a rule weighted 0 adds nothing to the model: fairness and spacing are most of its size
    terms = {}
    for rule, amount in amounts.items():
        if between is not None:
            between()
        terms[rule] = weights[rule] * amount() if weights[rule] else 0
    v.model.minimize(sum(terms.values()))
    return terms


def _by_slot(v: Variables) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for (slot, _), var in v.x.items():
        grouped[slot].append(var)
    return grouped


def _shortfall(v: Variables) -> LinearExpr:
    """Unit-duties missing below each slot's minimum."""
    by_slot = _by_slot(v)
    total: LinearExpr = 0
    for slot in v.problem.slots:
        if slot.min == 0:
            continue
        assigned = sum(by_slot[slot.index])
        if slot.max == slot.min or not by_slot[slot.index]:
            total += slot.min - assigned  # at most min can be assigned: exact as it stands
            continue
        missing = v.model.new_int_var(0, slot.min, f"short[{slot.index}]")
        v.model.add_max_equality(missing, [slot.min - assigned, 0])
        total += missing
    return total


def _gap_runs(v: Variables) -> LinearExpr:
    """Pairs of consecutive open days of a station with nobody on duty there on either."""
    problem = v.problem
    at: dict[tuple[str, dt.date], list] = defaultdict(list)
    for (index, _), var in v.x.items():
        slot = problem.slots[index]
        at[(slot.station, slot.date)].append(var)
    total: LinearExpr = 0
    for station, days in problem.open_days.items():
        held: list[LinearExpr] = []  # 1 when someone is on duty there that day
        for date in days:
            duties = at.get((station, date), [])
            if (station, date) in problem.occupied or not duties:
                held.append(int((station, date) in problem.occupied))
                continue
            on = v.model.new_bool_var(f"held[{station},{date}]")
            v.model.add(sum(duties) >= on)
            v.model.add(sum(duties) <= len(duties) * on)
            held.append(on)
        for k, (first, second) in enumerate(itertools.pairwise(held)):
            if isinstance(first, int) and isinstance(second, int):
                total += int(first == second == 0)
            elif isinstance(first, int) or isinstance(second, int):
                fixed, free = (first, second) if isinstance(first, int) else (second, first)
                total += 1 - free if fixed == 0 else 0
            else:
                both = v.model.new_bool_var(f"empty[{station},{days[k]}]")
                v.model.add(both >= 1 - first - second)
                v.model.add(both <= 1 - first)
                v.model.add(both <= 1 - second)
                total += both
    return total


def _overstaffing(v: Variables) -> LinearExpr:
    """Unit-duties beyond each slot's minimum."""
    by_slot = _by_slot(v)
    total: LinearExpr = 0
    for slot in v.problem.slots:
        assigned = by_slot[slot.index]
        if len(assigned) <= slot.min:
            continue
        if slot.min == 0:
            total += sum(assigned)
            continue
        extra = v.model.new_int_var(0, len(assigned) - slot.min, f"over[{slot.index}]")
        v.model.add_max_equality(extra, [sum(assigned) - slot.min, 0])
        total += extra
    return total


def _convex(v: Variables, value: LinearExpr, most: int, cost: Callable[[int], int], name: str) -> LinearExpr:
    """``cost(value)`` for an integer ``value`` in 0..most, with ``cost`` convex: the maximum of
    its secants, which is exact at every integer and tight for the LP relaxation."""
    if most == 0:
        return cost(0)
    lines = [cost(k) + (cost(k + 1) - cost(k)) * (value - k) for k in range(most)]
    if len(lines) == 1:
        return lines[0]
    top = max(cost(k) for k in range(most + 1))
    penalty = v.model.new_int_var(0, top, name)
    v.model.add_max_equality(penalty, lines)
    return penalty


def _fair_share(v: Variables, weekend: bool) -> LinearExpr:
    """Squared deviation of each unit's duties (year so far plus horizon) from its fair share,
    in hundredths of a squared duty (shares are kept in tenths)."""
    problem = v.problem
    targets = problem.weekend_targets if weekend else problem.targets
    duties: dict[str, list] = defaultdict(list)
    capacity: dict[str, int] = defaultdict(int)
    for (unit_id, date), rows in v.unit_day.items():
        if weekend and not problem.is_rest(date):
            continue
        duties[unit_id].extend(var for _, var in rows)
        capacity[unit_id] += min(problem.max_per_day(unit_id), len(rows))
    total: LinearExpr = 0
    for unit in problem.units:
        ytd = problem.ytd(unit.id)[1 if weekend else 0]
        target = targets[unit.id]

        def cost(k: int, ytd: int = ytd, target: int = target) -> int:
            deviation = TARGET_SCALE * (ytd + k) - target
            return deviation * deviation

        name = f"{'weekend_' if weekend else ''}fair[{unit.id}]"
        count = v.model.new_int_var(0, capacity[unit.id], f"{name}.duties")
        v.model.add(count == sum(duties[unit.id]))  # one long sum, then short secants over it
        total += _convex(v, count, capacity[unit.id], cost, name)
    return total


def _both(v: Variables, a: LinearExpr, b: LinearExpr, name: str) -> cp_model.IntVar:
    both = v.model.new_bool_var(name)
    v.model.add(both >= a + b - 1)
    v.model.add(both <= a)
    v.model.add(both <= b)
    return both


def _close_pairs(v: Variables) -> LinearExpr:
    """Pairs of one unit's duties on different days fewer than min_days_between apart.

    A day with n duties contributes n * n' pairs with a day of n' duties; with the ordered
    indicators b_k = [n >= k], n * n' is the sum of the products b_i * b'_j. A redundant cut per
    unit, from packing W duty days into H days, tightens the bound.
    """
    problem = v.problem
    gap = problem.data.rules.min_days_between
    if gap <= 1:
        return 0
    history = {h.unit: h.last_duty for h in problem.data.history if h.last_duty is not None}
    days = (problem.end - problem.start).days + 1
    total: LinearExpr = 0
    for unit in problem.units:
        day_pairs = []
        pairs: LinearExpr = 0
        dates = sorted(d for (u, d) in v.levels if u == unit.id)
        for date in dates:
            for step in range(1, gap):
                later = date + dt.timedelta(days=step)
                if not v.has_day(unit.id, later):
                    continue
                for i, a in enumerate(v.levels[(unit.id, date)]):
                    for j, b in enumerate(v.levels[(unit.id, later)]):
                        both = _both(v, a, b, f"close[{unit.id},{date},{later},{i},{j}]")
                        pairs += both
                        if i == 0 and j == 0:
                            day_pairs.append(both)
        last = history.get(unit.id)
        if last is not None:
            for date in dates:
                if 0 < (date - last).days < gap:
                    pairs += sum(v.levels[(unit.id, date)])
        worked = sum(v.worked(unit.id, d) for d in dates)
        if gap * len(dates) > days + gap - 1:
            # W duty days in H days leave at most (H - W) / (gap - 1) gaps of gap days or more
            v.model.add((gap - 1) * sum(day_pairs) >= gap * worked - (days + gap - 1))
        total += pairs
    return total


def _away_from_home(v: Variables) -> LinearExpr:
    """Duties at a community's position by a unit that reported to another community."""
    data = v.problem.data
    if data.rules.home_community is not HomeCommunity.PREFER:
        return 0
    slots = v.problem.slots
    total: LinearExpr = 0
    for (slot, unit), var in v.x.items():
        home = data.unit(unit).community
        community = slots[slot].community
        if home and community and community != home:
            total += var
    return total


def _requests(v: Variables) -> LinearExpr:
    """Weighted unmet wishes to serve (希望) and duties at times a unit wished to avoid (避免)."""
    problem = v.problem
    total: LinearExpr = 0
    for n, request in enumerate(problem.data.requests):
        for day in problem.request_days(request):
            matching = [
                var for slot, var in v.unit_day.get((request.unit, day.date), []) if request.matches(slot.shift, slot.station)
            ]
            if request.kind is RequestKind.AVOID:
                total += request.weight * sum(matching)
            elif not matching:
                total += request.weight
            else:
                met = v.model.new_bool_var(f"want[{n},{day.date}]")
                v.model.add(met <= sum(matching))
                for var in matching:
                    v.model.add_implication(var, met)
                total += request.weight * (1 - met)
    return total
