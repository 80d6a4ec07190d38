"""Benchmark the engine on the Curtois & Qu instances against the best-known values.

    python bench/curtois.py FOLDER [--instances 1-12,14] [--time-limit 60] [--workers 2]
                            [--seed 1] [--method relax|plain|colgen] [--lp-seconds 60]
                            [--out bench/results]

FOLDER holds InstanceN.txt and best_known.csv (columns ``instance`` and ``best_known_ub``, as in
the benchmark folder our CI machines have; without it the column stays empty). Each instance is
solved in its own process, so its peak memory is its own; every roster is re-checked by our
checker inside the solve and its verdict is a column. After each solve, and outside its time,
the roster LP (rotation.benchmarks.colgen) gives a proven lower bound and the gap to it. Results go to --out as CSV and Markdown
(kept out of git).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIELDS = (
    "instance",
    "method",
    "status",
    "objective",
    "bound",
    "best_known",
    "gap_to_best_known_percent",
    "lp_bound",
    "lp_converged",
    "lp_s",
    "gap_to_lp_bound_percent",
    "seconds",
    "checker",
    "peak_mib",
    "booleans",
    "read_s",
    "model_s",
    "first_roster_s",
    "steps",
    "dive",
    "master",
    "start",
    "start_s",
    "windows",
)


def run_child(path: str, time_limit: float, workers: int, seed: int, method: str, lp_seconds: float) -> dict:
    """Solve one instance in this process; the checker's objective and this process's peak memory.
    Then, outside the solve's time, the roster LP's bound for ``lp_seconds`` (0: none)."""
    sys.path.insert(0, str(ROOT))
    from rotation.benchmarks.colgen import roster_bound
    from rotation.benchmarks.curtois import read_instance, solve
    from rotation.solver.cpsat import SolveOptions

    began = time.monotonic()
    instance = read_instance(path)
    read = time.monotonic() - began
    result = solve(instance, SolveOptions(time_limit=time_limit, workers=workers, seed=seed), method=method)
    seconds = time.monotonic() - began
    check = result.check
    phases = result.phases or {}
    lp = roster_bound(instance, lp_seconds) if lp_seconds > 0 else None
    return {
        "lp_bound": lp.bound if lp else None,
        "lp_converged": lp.converged if lp else None,
        "lp_s": round(lp.seconds, 1) if lp else None,
        "status": result.status.name,
        "objective": result.objective / 100 if result.objective is not None else None,
        "bound": result.bound / 100 if result.bound is not None else None,
        "seconds": round(seconds, 1),
        "checker": ("feasible" if check.feasible else f"{len(check.violations)} violations") if check else "no roster",
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "booleans": result.size.get("booleans"),
        # where the time goes: reading, building the model (with the greedy hint), the first roster
        "read_s": round(read, 1),
        "model_s": phases.get("model"),
        "first_roster_s": phases.get("first_roster"),
        "steps": phases.get("steps"),
        # colgen: the restricted master's roster, the start after best responses (and when), and
        # how many windows improved it where the model is not built
        **{key: phases.get(key) for key in ("dive", "master", "start", "start_s", "windows")},
    }


def parse_instances(text: str) -> list[int]:
    numbers: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers += range(int(low), int(high or low) + 1)
    return numbers


def timing_parser(description: str, instances: str) -> argparse.ArgumentParser:
    """The arguments the timing scripts share: the benchmark folder, the instances, and the
    checkout whose code is timed (``--root``), so that two checkouts time the same work."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--instances", default=instances)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose code is timed")
    return parser


def timed_staffings(args: argparse.Namespace) -> Iterator[tuple[int, Any]]:
    """Each instance's number and arrays (``colgen.Staffing``), read one at a time by the code of
    ``args.root``, which from this call on is the code imported."""
    sys.path.insert(0, str(args.root))
    from rotation.benchmarks.colgen import staffing
    from rotation.benchmarks.curtois import read_instance

    return (
        (number, staffing(read_instance(args.folder / f"Instance{number}.txt"))) for number in parse_instances(args.instances)
    )


def best_known(folder: Path) -> dict[str, float]:
    path = folder / "best_known.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as stream:
        return {row["instance"]: float(row["best_known_ub"]) for row in csv.DictReader(stream)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--instances", default="1-24")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--method", default="relax", choices=("relax", "plain", "colgen"))
    parser.add_argument("--lp-seconds", type=float, default=60.0, help="the roster LP's time, after each solve (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, limit, workers, seed, method, lp_seconds = args.child
        print(json.dumps(run_child(path, float(limit), int(workers), int(seed), method, float(lp_seconds))))
        return
    known = best_known(args.folder)
    rows = []
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in parse_instances(args.instances):
        name = f"Instance{number}"
        command = [
            sys.executable,
            __file__,
            "--child",
            str(args.folder / f"{name}.txt"),
            str(args.time_limit),
            str(args.workers),
            str(args.seed),
            args.method,
            str(args.lp_seconds),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            row = {"status": "ERROR", "checker": done.stderr.strip().splitlines()[-1][:80] if done.stderr else "crashed"}
        else:
            row = json.loads(done.stdout.strip().splitlines()[-1])
        best = known.get(name)
        objective = row.get("objective")
        lp = row.get("lp_bound")
        row = {
            "instance": name,
            "method": args.method,
            **row,
            "best_known": best,
            "gap_to_best_known_percent": round(100 * (objective - best) / best, 2) if best and objective is not None else None,
            # proven: how far the roster can be from the optimum at most
            "gap_to_lp_bound_percent": round(100 * (objective - lp) / objective, 2) if objective and lp is not None else None,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
        write(rows, args.out, stamp, args)


def write(rows: list[dict], out: Path, stamp: str, args: argparse.Namespace) -> None:
    out.mkdir(parents=True, exist_ok=True)
    name = f"curtois-{args.method}-{args.time_limit:g}s-{stamp}"
    with open(out / f"{name}.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        f"Method {args.method}, {args.time_limit:g} s, {args.workers} workers, seed {args.seed}.",
        "",
        "| instance | objective | bound | best known | gap to best known % | LP bound | gap to LP bound % | seconds "
        "| checker | peak MiB | status | model s | first roster s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            " | ".join(
                [
                    "",
                    r["instance"],
                    *(
                        str(r.get(k)) if r.get(k) is not None else "-"
                        for k in (
                            "objective",
                            "bound",
                            "best_known",
                            "gap_to_best_known_percent",
                            "lp_bound",
                            "gap_to_lp_bound_percent",
                            "seconds",
                            "checker",
                            "peak_mib",
                            "status",
                            "model_s",
                            "first_roster_s",
                        )
                    ),
                    "",
                ]
            ).strip()
        )
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
