"""The textbook CP-SAT model of a Curtois & Qu instance, beside ours (issue 28, item 1).

    python bench/textbook.py FOLDER [--instances 5-9] [--time-limit 60] [--workers 2] [--seed 1]
                             [--variants textbook,bare,plain,relax]

One Boolean per (employee, day, shift) and each rule written the plain way, in the manner of
OR-Tools' ``shift_scheduling_sat.py``: windows for the longest runs, forbidden patterns for the
shortest runs and rests, a Boolean per weekend, integer under/over cover per (day, shift). No
hint, no neighbourhoods: one search. Each roster is judged by our own checker
(``rotation.benchmarks.curtois.judge``), whose objective is the one reported, and compared with
the model's own. Beside it, our model of the same instance (``build_model``) three ways, to tell
what the encoding costs from what the search around it does: ``bare``, one search with no hint
as the textbook model gets; ``plain``, one search from the greedy roster; ``relax``, our solver.
Each variant reports its model's size before and after CP-SAT's presolve and runs in a process
of its own, one line of JSON per instance. This is a yardstick, not a solver we ship.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ("textbook", "bare", "plain", "relax")
sys.path.insert(0, str(ROOT))


def textbook(path: str, limit: float, workers: int, seed: int) -> dict:
    """Build and solve the textbook model of the instance at ``path`` (see the module)."""
    from ortools.sat.python import cp_model

    from rotation.benchmarks.curtois import WARD, judge, read_instance
    from rotation.model import DEFAULT_ROLE, RequestKind
    from rotation.roster import Assignment, Roster

    instance = read_instance(path)
    data = instance.data
    days = range(instance.horizon)
    shifts = [s.id for s in data.shifts]
    minutes = {s.id: s.minutes for s in data.shifts}
    model = cp_model.CpModel()
    x = {(e, d, s): model.new_bool_var(f"x{e}_{d}_{s}") for e in instance.staff for d in days for s in shifts}
    work = {}
    for e in instance.staff:
        for d in days:
            work[e, d] = model.new_bool_var(f"w{e}_{d}")
            model.add(sum(x[e, d, s] for s in shifts) == work[e, d])
    off = {(u.unit, instance.day(u.start)) for u in data.unavailability}
    for e, d in off:
        model.add(work[e, d] == 0)
    for first, second in data.rules.forbidden_successions:
        for e in instance.staff:
            for d in days[:-1]:
                model.add_bool_or([x[e, d, first].Not(), x[e, d + 1, second].Not()])
    for unit in data.units:
        e, limits = unit.id, unit.limits
        for s, most in limits.max_per_shift:
            model.add(sum(x[e, d, s] for d in days) <= most)
        total = sum(minutes[s] * x[e, d, s] for d in days for s in shifts)
        if limits.max_minutes is not None:
            model.add(total <= limits.max_minutes)
        if limits.min_minutes is not None:
            model.add(total >= limits.min_minutes)
        most = limits.max_consecutive_days
        if most is not None:
            for d in range(instance.horizon - most):
                model.add(sum(work[e, d + k] for k in range(most + 1)) <= most)
        for least, on in ((limits.min_consecutive_days, True), (limits.min_days_off, False)):
            for k in range(1, least or 0):  # forbid a run of k inside the horizon
                for d in range(instance.horizon - k - 1):
                    inside = [work[e, d + 1 + i] for i in range(k)]
                    before, after = work[e, d], work[e, d + k + 1]
                    if on:  # off, k worked days, off
                        model.add_bool_or([before, *[w.Not() for w in inside], after])
                    else:  # worked, k days off, worked
                        model.add_bool_or([before.Not(), *inside, after.Not()])
        if limits.max_weekends is not None:
            weekends = []
            for k in range(instance.horizon // 7):
                saturday, sunday = work[e, 7 * k + 5], work[e, 7 * k + 6]
                worked = model.new_bool_var(f"wk{e}_{k}")
                model.add_max_equality(worked, [saturday, sunday])
                weekends.append(worked)
            model.add(sum(weekends) <= limits.max_weekends)
    terms = []
    for request in data.requests:
        assert request.day.date is not None and request.shift is not None
        variable = x[request.unit, instance.day(request.day.date), request.shift]
        terms.append(request.weight * (1 - variable) if request.kind is RequestKind.WANT else request.weight * variable)
    weights = dict(data.rules.weights)
    for row in data.demand:
        assert row.day.date is not None
        d = instance.day(row.day.date)
        on_duty = sum(x[e, d, row.shift] for e in instance.staff)
        under = model.new_int_var(0, row.min, f"u{d}_{row.shift}")
        over = model.new_int_var(0, len(instance.staff), f"o{d}_{row.shift}")
        model.add(on_duty + under - over == row.min)
        terms += [weights["coverage"] * under, weights["overstaffing"] * over]
    model.minimize(sum(terms))
    proto = model.proto
    sizes = presolved(model)
    solver, status, wall = search(model, limit, workers, seed)
    row: dict = {
        "variables": len(proto.variables),
        "constraints": len(proto.constraints),
        **sizes,
        "status": solver.status_name(status),
        "wall": round(wall, 1),
    }
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        duties, owned = [], set()
        for (e, d, s), v in x.items():
            if solver.value(v):  # the data model's first-inquiry owner: any one per period (the benchmark has none)
                duties.append(Assignment(instance.date(d), WARD, s, DEFAULT_ROLE, e, first_inquiry=(d, s) not in owned))
                owned.add((d, s))
        verdict = judge(instance, Roster(duties))
        row |= {
            "objective": verdict.objective / 100,
            "model_objective": solver.objective_value,
            "bound": solver.best_objective_bound,
            "violations": len(verdict.violations),
        }
    return row


def search(model: Any, limit: float, workers: int, seed: int) -> tuple[Any, Any, float]:
    """One CP-SAT search of ``model``, no hint: the solver, its status and the seconds."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    began = time.monotonic()
    status = solver.solve(model)
    return solver, status, time.monotonic() - began


def presolved(model: object) -> dict:
    """The size of ``model`` after CP-SAT's presolve, and the presolve's seconds, read from its
    log (one worker: the presolve is the same for any number)."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.stop_after_presolve = True
    solver.parameters.log_search_progress = True
    solver.parameters.log_to_stdout = False
    solver.parameters.num_workers = 1
    lines: list[str] = []
    solver.log_callback = lambda text: lines.extend(text.splitlines())
    began = time.monotonic()
    solver.solve(model)  # type: ignore[arg-type]
    seconds = time.monotonic() - began
    found = {}
    for line in lines:
        key, _, value = line.partition(": ")
        if key in ("PresolvedNumVariables", "PresolvedNumConstraints", "PresolvedNumTerms"):
            found[key] = int(value)
    return {
        "presolved_variables": found.get("PresolvedNumVariables"),
        "presolved_constraints": found.get("PresolvedNumConstraints"),
        "presolved_terms": found.get("PresolvedNumTerms"),
        "presolve_s": round(seconds, 2),
    }


def ours(path: str, limit: float, workers: int, seed: int, variant: str) -> dict:
    """Our model's size, before and after presolve, and a roster at the same limit, judged the
    same way: ``bare`` is one CP-SAT search of our model with no hint (the textbook's terms,
    our encoding); ``plain`` one search from the greedy roster; ``relax`` our solver."""
    from ortools.sat.python import cp_model

    from rotation.benchmarks.curtois import judge, read_instance, solve
    from rotation.roster import Roster
    from rotation.solver.cpsat import SolveOptions, build_model
    from rotation.solver.extract import extract_duties

    instance = read_instance(path)
    model, variables, _ = build_model(instance.problem)
    row: dict = {"variables": len(model.proto.variables), "constraints": len(model.proto.constraints), **presolved(model)}
    if variant == "bare":
        solver, status, wall = search(model, limit, workers, seed)
        row |= {"status": solver.status_name(status), "wall": round(wall, 1)}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            verdict = judge(instance, Roster(extract_duties(variables, solver.value)))
            row |= {
                "objective": verdict.objective / 100,
                "model_objective": solver.objective_value / 100,
                "bound": solver.best_objective_bound / 100,
                "violations": len(verdict.violations),
            }
        return row
    result = solve(instance, SolveOptions(time_limit=limit, workers=workers, seed=seed), method=variant)
    if result.roster is not None:
        verdict = judge(instance, result.roster)
        row |= {"objective": verdict.objective / 100, "violations": len(verdict.violations), "wall": round(result.wall_time, 1)}
    return row


def numbers(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=".")
    parser.add_argument("--instances", default="5-9")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variants", default=",".join(VARIANTS), help="any of " + ",".join(VARIANTS))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        which, path = args.child
        given = (args.time_limit, args.workers, args.seed)
        print(json.dumps(textbook(path, *given) if which == "textbook" else ours(path, *given, which)))
        return 0
    for number in numbers(args.instances):
        path = str(Path(args.folder) / f"Instance{number}.txt")
        row: dict = {"instance": number}
        settings = ["--time-limit", str(args.time_limit), "--workers", str(args.workers), "--seed", str(args.seed)]
        for which in args.variants.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--child", which, path, *settings],
                capture_output=True,
                text=True,
                check=True,
            )
            row[which] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
