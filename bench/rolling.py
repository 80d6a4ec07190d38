"""How fair a rolling horizon ends, against what the data forces.

    python bench/rolling.py [DATA] [--start 2026-01-01] [--end 2026-03-31] [--time-limit 150]
                            [--whole] [--seeds 1] [--generate SEED --tightness 0.9]

For each run it reports the coefficient of variation of duties per member (all units with a fair
share), the same for the fair shares themselves (what every unit exactly on its share would give:
the part of the spread the data forces, since units differ in what they may take), the same for
those shares capped at each unit's capacity under its own limits (``cv_capped``: when demand is
high, large units cannot take their share however the roster is made), and of the duties nearest
the shares in squares within those capacities (``cv_least_squares``, ``fairness_least_squares``:
the most the fairness rule can get, as the data format scores it), the close
pairs (two duties of a unit fewer than min_days_between apart) and the close pairs the duty
counts alone force (a unit with d duties in n days has at least d - ceil(n / gap) of them), and
the fairness penalty. ``--whole`` also solves the horizon as one model (not month by month), to
see what the rolling search leaves. ``--generate`` makes a county-like data set with the default
rules instead of reading DATA (bench/generate.py). Each run is a process of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_RULES = {
    "max_per_day": 1,
    "max_consecutive_days": 2,
    "min_days_between": 3,
    "max_weekends_per_month": 2,
    "forbidden_successions": "",
    "home_community": "优先",
}


def figures(data: str, start: str, end: str, limit: float, seed: int, whole: bool) -> dict:
    """Solve once in this process and measure (see the module docstring)."""
    import generate

    from rotation.checker import check
    from rotation.engine import solve, solve_whole
    from rotation.loader import load
    from rotation.problem import build_problem
    from rotation.solver.cpsat import SearchControl, SolveOptions

    problem = build_problem(load(Path(data)), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    options = SolveOptions(time_limit=limit, workers=2, seed=seed)
    result = solve_whole(problem, options, SearchControl()) if whole else solve(problem, options)
    assert result.roster is not None
    checked = check(problem, result.roster)
    sharing = [u for u in problem.units if problem.targets[u.id] > 0]
    duties = {u.id: len(result.roster.duties_of(u.id)) for u in sharing}
    days = (problem.end - problem.start).days + 1
    shares = {u.id: problem.targets[u.id] / 10 for u in sharing}
    capacity = generate.unit_capacities(problem.data, problem.start, problem.end)
    capped = _water_filled(shares, capacity, sum(duties.values()))
    shifted = _least_squares(shares, capacity, sum(duties.values()))
    flow = _flow_fairness(problem, result.roster, capacity)
    gap = problem.data.rules.min_days_between
    return {
        "objective": checked.objective / 100,
        "missing": sum(s.missing for s in checked.shortfalls),
        "cv": round(_cv([duties[u.id] / u.members for u in sharing]), 3),
        "cv_shares": round(_cv([problem.targets[u.id] / 10 / u.members for u in sharing]), 3),
        "cv_capped": round(_cv([capped[u.id] / u.members for u in sharing]), 3),
        "cv_least_squares": round(_cv([shifted[u.id] / u.members for u in sharing]), 3),
        "fairness_least_squares": round(sum((shifted[u.id] - problem.targets[u.id] / 10) ** 2 for u in sharing), 1),
        "fairness_flow": flow,
        "close_pairs": checked.figures.spacing_pairs,
        "forced_pairs": sum(max(0, n - math.ceil(days / gap)) for n in duties.values()) if gap > 1 else 0,
        "fairness": checked.score("fairness").penalty / 100,
        "fairness_amount": checked.score("fairness").amount,
        "units": len(sharing),
        "needed": problem.unit_duties,
        "wall": round(result.wall_time, 1),
    }


def _water_filled(shares: dict[str, float], capacity: dict[str, int], total: int) -> dict[str, float]:
    """Each unit's fair share scaled to ``total``, but no more than its capacity (what its own
    limits allow, bench/generate.py): the most even spread the units' limits leave."""
    low, high = 0.0, 1.0
    while sum(min(capacity.get(u, 0), high * s) for u, s in shares.items()) < total and high < 1e6:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        if sum(min(capacity.get(u, 0), middle * s) for u, s in shares.items()) < total:
            low = middle
        else:
            high = middle
    return {u: min(capacity.get(u, 0), high * s) for u, s in shares.items()}


def _least_squares(shares: dict[str, float], capacity: dict[str, int], total: int) -> dict[str, float]:
    """The duties per unit, between 0 and its capacity, that add up to ``total`` and are nearest
    the fair shares in squares: every unit not at a bound is its share plus the same amount. No
    roster scores better on the fairness rule (history aside), so its spread is what the data
    forces on that rule."""
    low, high = -1e6, 1e6
    for _ in range(100):
        middle = (low + high) / 2
        if sum(max(0.0, min(capacity.get(u, 0), s + middle)) for u, s in shares.items()) < total:
            low = middle
        else:
            high = middle
    return {u: max(0.0, min(capacity.get(u, 0), s + high)) for u, s in shares.items()}


def _flow_fairness(problem, roster, capacity: dict[str, int]) -> float | None:
    """The least fairness amount (squared duties off the share, the year so far counted) of any
    roster covering, in each pool of interchangeable slots (community, role, rest day or not,
    as in rotation/solver/bound.py), as many duties as ``roster`` does, each unit within what
    it may take in that pool (its daily most on each day with such a slot), within its own
    capacity, and on rest days within its weekend blocks (each month's longest
    max_weekends_per_month blocks, no longer than its longest run): the least squares above
    plus who may take which slot, and the weekend rule, which binds a 1-member unit as much as
    a 50-member one. ``None`` if the flow cannot carry it."""
    from collections import defaultdict

    from ortools.graph.python import min_cost_flow

    from rotation.solver.bound import convex_marginals, fair, slot_pools

    covered = Counter((a.date, a.station, a.shift, a.role) for a in roster)
    pools, reach = slot_pools(problem, lambda slot: min(slot.min, covered[(slot.date, slot.station, slot.shift, slot.role)]))
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}

    def node(name: object) -> int:
        return nodes.setdefault(name, len(nodes))

    data = problem.data
    blocks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for block in problem.rest_blocks:
        blocks[block.month].append(len(block.dates))
    total = sum(pools.values())
    for key, need in pools.items():
        flow.add_arc_with_capacity_and_unit_cost(node("source"), node(key), need, 0)
        for unit_id, per_day in reach[key].items():
            most = problem.max_per_day(unit_id)
            to = node((unit_id, "rest")) if key[2] else node(unit_id)
            flow.add_arc_with_capacity_and_unit_cost(node(key), to, sum(min(most, n) for n in per_day.values()), 0)
    longest = [sorted(lengths, reverse=True)[: data.rules.max_weekends_per_month] for lengths in blocks.values()]
    for unit in problem.units:
        run = data.max_consecutive_days(unit)
        weekend = problem.max_per_day(unit.id) * sum(min(n, run) for month in longest for n in month)
        flow.add_arc_with_capacity_and_unit_cost(node((unit.id, "rest")), node(unit.id), weekend, 0)
    constant = 0
    for unit in problem.units:
        ytd, _ = problem.ytd(unit.id)
        values = [fair(k, ytd, problem.targets[unit.id]) for k in range(capacity.get(unit.id, 0) + 1)]
        constant += values[0]
        for marginal in convex_marginals(values):
            flow.add_arc_with_capacity_and_unit_cost(node(unit.id), node("sink"), 1, marginal)
    flow.set_node_supply(node("source"), total)
    flow.set_node_supply(node("sink"), -total)
    if flow.solve() != flow.OPTIMAL:
        return None
    return round((flow.optimal_cost() + constant) / 100, 1)  # deviations in tenths of a duty


def _cv(values: list[float]) -> float:
    mean = statistics.fmean(values)
    return statistics.pstdev(values) / mean if mean else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default=str(ROOT / "data" / "fengqing"))
    parser.add_argument("--start", default="2026-01-01")
    parser.add_argument("--end", default="2026-03-31")
    parser.add_argument("--time-limit", type=float, default=150.0)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--whole", action="store_true")
    parser.add_argument("--generate", type=int, default=None)
    parser.add_argument("--tightness", type=float, default=0.9)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        data, start, end, limit, rest = args.child
        seed, whole = rest.split(":")
        print(json.dumps(figures(data, start, end, float(limit), int(seed), whole == "1")))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data
        if args.generate is not None:
            import generate

            data = str(Path(scratch) / "data")
            tables = generate.generate(
                args.generate,
                tightness=args.tightness,
                start=dt.date.fromisoformat(args.start),
                end=dt.date.fromisoformat(args.end),
                rules=DEFAULT_RULES,
                **generate.PRESETS["county"],
            )
            generate.write(Path(data), tables)
        for seed in [int(s) for s in args.seeds.split(",")]:
            for whole in [False, True] if args.whole else [False]:
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        data,
                        args.start,
                        args.end,
                        str(args.time_limit),
                        f"{seed}:{int(whole)}",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = json.loads(done.stdout.strip().splitlines()[-1])
                print(json.dumps({"seed": seed, "method": "whole" if whole else "by month", **row}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
