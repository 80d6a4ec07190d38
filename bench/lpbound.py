"""The roster LP's lower bound (rotation.benchmarks.colgen) on the Curtois & Qu instances.

    python bench/lpbound.py FOLDER [--instances 1-24] [--seconds 60] [--smoothing 0.5]

Each instance runs in its own process, so its peak memory is its own. Prints one JSON line per
instance: the bound (proven, rounded up), the restricted master's last value, whether the column
generation converged, what the pricing kept roster by roster, and the gap between the bound and
the best-known value (what is still unproven).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from curtois import best_known, parse_instances  # noqa: E402


def run_child(path: str, seconds: float, smoothing: float) -> dict:
    sys.path.insert(0, str(ROOT))
    from rotation.benchmarks.colgen import Pricer, roster_bound, staffing
    from rotation.benchmarks.curtois import read_instance

    instance = read_instance(path)
    found = roster_bound(instance, seconds, smoothing=smoothing)
    counting = Pricer(staffing(instance)).counting
    return {
        "bound": found.bound,
        "lp": round(found.lp, 2),
        "converged": found.converged,
        "iterations": found.iterations,
        "columns": found.columns,
        "seconds": round(found.seconds, 1),
        "kept": "+".join(
            name
            for name, kept in zip(
                ("minutes", "weekends", "shift"), (counting.minutes, counting.weekends, counting.shift is not None), strict=True
            )
            if kept
        ),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--instances", default="1-24")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--smoothing", type=float, default=0.5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, seconds, smoothing = args.child
        print(json.dumps(run_child(path, float(seconds), float(smoothing))))
        return
    known = best_known(args.folder)
    for number in parse_instances(args.instances):
        name = f"Instance{number}"
        command = [sys.executable, __file__, "--child", str(args.folder / f"{name}.txt"), str(args.seconds), str(args.smoothing)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            row = {"error": done.stderr.strip().splitlines()[-1][:120] if done.stderr else "crashed"}
        else:
            row = json.loads(done.stdout.strip().splitlines()[-1])
        best = known.get(name)
        bound = row.get("bound")
        gap = round(100 * (best - bound) / best, 2) if best and bound is not None else None
        print(json.dumps({"instance": name, **row, "best_known": best, "unproven_percent": gap}), flush=True)


if __name__ == "__main__":
    main()
