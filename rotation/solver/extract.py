"""From solver values to a roster: duties, then the first-inquiry owner of each period."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from rotation.problem import Period
from rotation.roster import Assignment
from rotation.solver.constraints import pinned_first_inquiry
from rotation.solver.variables import Variables, first_inquiry_capacity


def extract_duties(
    v: Variables, value: Callable[[cp_model.IntVar], int], preferred: dict[Period, str] | None = None
) -> list[Assignment]:
    """The duties chosen by the solver, each period with exactly one first-inquiry owner.

    On restricted unit-days the model decided the owner; elsewhere any qualified unit on duty may
    own the period, and the one with the fewest first-inquiry duties so far is chosen, so the
    load spreads evenly (ties broken by the unit table's order, for repeatable output), unless
    ``preferred`` names an owner that still may own it (a repair keeps the published owner).
    """
    problem = v.problem
    order = {u.id: i for i, u in enumerate(problem.units)}
    chosen: dict[Period, list[tuple[str, str]]] = defaultdict(list)
    for (slot_index, unit), var in v.x.items():
        if value(var):
            slot = problem.slots[slot_index]
            chosen[slot.period].append((unit, slot.role))
    pins = pinned_first_inquiry(v)
    owned: Counter = Counter()
    duties = []
    for period in sorted(chosen):
        units = sorted(chosen[period], key=lambda ur: (order[ur[0]], ur[1]))
        owner = (
            None
            if period in problem.owned
            else _owner(v, period, [u for u, _ in units], pins, value, owned, order, (preferred or {}).get(period))
        )
        if owner is not None:
            owned[owner] += 1
        done = False
        for unit, role in units:
            first = unit == owner and not done
            done = done or first
            duties.append(Assignment(period.date, period.station, period.shift, role, unit, None, first))
    return duties


def _owner(
    v: Variables,
    period: Period,
    units: list[str],
    pins: dict,
    value: Callable[[cp_model.IntVar], int],
    owned: Counter,
    order: dict[str, int],
    preferred: str | None = None,
) -> str:
    for unit in units:
        if pins.get((period, unit)):
            return unit
    for unit in units:
        var = v.fi.get((period, unit))
        if var is not None and value(var):
            return unit
    candidates = [
        u
        for u in dict.fromkeys(units)
        if (u, period.date) not in v.restricted
        and pins.get((period, u)) is not False
        and first_inquiry_capacity(v.problem, u, period.date, period.shift) > 0
    ]
    if not candidates:
        raise AssertionError(f"no first-inquiry owner possible in {period}: the model should forbid this")
    if preferred in candidates:
        return preferred
    return min(candidates, key=lambda u: (owned[u], order[u]))
