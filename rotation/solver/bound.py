"""A lower bound on the soft rules of any complete roster, from a convex-cost flow.

The county's demand flows from pools of slots (one per community or county-wide, role and
rest day or not) to the units that may fill them, and from each unit to a sink. A duty at a
position of another community costs the home-community penalty on its arc; a unit's rest-day
duties pass arcs priced by its weekend fair share; every duty of a unit passes arcs priced by
its fair share plus the fewest close pairs (spacing) that many duties can have. Each roster with
full coverage is such a flow with a cost no larger than its objective (requests, successions,
consecutive days and the days themselves are relaxed away), so the cheapest flow, which
OR-Tools' min-cost-flow finds exactly in well under a second, bounds every roster from below.

The spacing part needs a lower bound on the close pairs of D duties in H days, at most m a day.
Worked days fall into components: isolated days, and chains of days each less than
min_days_between from the next. A chain of L days holding N duties has at least N - 1 close
pairs (ab >= a + b - 1 along the chain), isolated days none; K components of W days need
(K - 1) * gap + (W - K) <= H - 1 days of span. The fewest pairs is the smallest chain cost
over W and the number of isolated days.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from functools import cache

from ortools.graph.python import min_cost_flow

from rotation.model import HomeCommunity
from rotation.problem import Problem, Slot
from rotation.units import SCALE, TARGET_SCALE


@cache
def fewest_close_pairs(duties: int, days: int, most: int, gap: int) -> int:
    """A lower bound on the close pairs of ``duties`` duties in ``days`` days, ``most`` a day."""
    if duties <= 0 or gap <= 1:
        return 0
    best = math.inf
    for worked in range(math.ceil(duties / most), min(duties, days) + 1):
        components = (days - worked + gap - 1) // (gap - 1)  # largest K with the span fitting
        for isolated in range(0, min(worked, components) + 1):
            chained = worked - isolated
            if chained == 1:
                continue  # a chain has at least two days
            chains = min(components - isolated, chained // 2)
            if chained and chains < 1:
                continue
            alone = min(most * isolated, duties - chained)  # duties on isolated days
            if alone < isolated:
                continue  # every isolated day holds a duty
            in_chains = duties - alone
            best = min(best, in_chains - chains if chained else 0)
    return 0 if best == math.inf else int(best)


def fair(k: int, ytd: int, target: int) -> int:
    """Squared deviation of ytd + k duties from a share given in tenths (see problem.targets)."""
    deviation = TARGET_SCALE * (ytd + k) - target
    return deviation * deviation


def convex_marginals(values: list[int]) -> list[int]:
    """Marginal costs of the lower convex envelope of ``values`` (on 0..len-1), nondecreasing."""
    hull: list[int] = []
    for k in range(len(values)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # drop b when it lies on or above the segment from a to k
            if (values[b] - values[a]) * (k - a) >= (values[k] - values[a]) * (b - a):
                hull.pop()
            else:
                break
        hull.append(k)
    marginals = []
    for a, b in itertools.pairwise(hull):
        step = (values[b] - values[a]) / (b - a)
        marginals += [math.floor(step)] * (b - a)  # floor keeps it a lower bound
    return marginals


def slot_pools(
    problem: Problem, need: Callable[[Slot], int] = lambda slot: slot.min
) -> tuple[dict[tuple, int], dict[tuple, dict[str, dict[dt.date, int]]]]:
    """The slots grouped into pools of interchangeable ones (community, role, rest day or not),
    each with the duties it needs (``need`` of each slot), and per pool, each unit that may
    fill it with its number of slots per date."""
    pools: dict[tuple, int] = defaultdict(int)
    reach: dict[tuple, dict[str, dict[dt.date, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for slot in problem.slots:
        key = (slot.community, slot.role, problem.is_rest(slot.date))
        pools[key] += need(slot)
        for unit_id in slot.eligible:
            reach[key][unit_id][slot.date] += 1
    return pools, reach


def soft_lower_bound(problem: Problem) -> int | None:
    """A lower bound, in hundredths of a point, on the objective of every complete roster;
    ``None`` when the flow cannot carry the demand (some slot can never be filled)."""
    data = problem.data
    weights = dict(data.rules.weights)
    gap = data.rules.min_days_between
    days = (problem.end - problem.start).days + 1
    prefer = data.rules.home_community is HomeCommunity.PREFER

    pools, reach = slot_pools(problem)
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}

    def node(name: object) -> int:
        return nodes.setdefault(name, len(nodes))

    total = sum(pools.values())
    source, sink = node("source"), node("sink")
    constant = 0
    capacity: dict[str, int] = defaultdict(int)
    rest_capacity: dict[str, int] = defaultdict(int)
    for key, need in pools.items():
        if need == 0:
            continue
        flow.add_arc_with_capacity_and_unit_cost(source, node(key), need, 0)
        community, _, rest = key
        for unit_id, per_day in reach[key].items():
            most = problem.max_per_day(unit_id)
            cap = sum(min(most, n) for n in per_day.values())
            home = data.unit(unit_id).community
            cost = weights["home_community"] * SCALE if prefer and home and community and home != community else 0
            flow.add_arc_with_capacity_and_unit_cost(node(key), node((unit_id, rest)), cap, cost)
            capacity[unit_id] += cap
            if rest:
                rest_capacity[unit_id] += cap

    for unit in problem.units:
        if capacity[unit.id] == 0:
            continue
        ytd, ytd_rest = problem.ytd(unit.id)
        most = problem.max_per_day(unit.id)
        top = min(capacity[unit.id], unit.max_total * len(problem.months) if unit.max_total is not None else 10**6)

        whole = [
            weights["fairness"] * fair(k, ytd, problem.targets[unit.id])
            + weights["spacing"] * SCALE * fewest_close_pairs(k, days, most, gap)
            for k in range(top + 1)
        ]
        constant += whole[0]
        for marginal in convex_marginals(whole):
            flow.add_arc_with_capacity_and_unit_cost(node((unit.id, "all")), sink, 1, marginal)
        flow.add_arc_with_capacity_and_unit_cost(node((unit.id, False)), node((unit.id, "all")), top, 0)
        rest_top = min(rest_capacity[unit.id], top)
        if rest_top:
            weekend = [
                weights["weekend_fairness"] * fair(k, ytd_rest, problem.weekend_targets[unit.id]) for k in range(rest_top + 1)
            ]
            constant += weekend[0]
            for marginal in convex_marginals(weekend):
                flow.add_arc_with_capacity_and_unit_cost(node((unit.id, True)), node((unit.id, "all")), 1, marginal)
        else:
            constant += weights["weekend_fairness"] * fair(0, ytd_rest, problem.weekend_targets[unit.id])
    # units that can take no duty still pay their fair-share deviation
    for unit in problem.units:
        if capacity[unit.id] == 0:
            ytd, ytd_rest = problem.ytd(unit.id)
            constant += weights["fairness"] * fair(0, ytd, problem.targets[unit.id])
            constant += weights["weekend_fairness"] * fair(0, ytd_rest, problem.weekend_targets[unit.id])
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.optimal_cost() + constant
