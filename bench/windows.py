"""How long a window's CP-SAT model (rotation.benchmarks.window) takes to build on the Curtois &
Qu instances: the Python side of each window that windows and best responses solve on 20-24.

    python bench/windows.py FOLDER [--instances 20-24] [--windows 20] [--size 1500] [--root CHECKOUT]

The windows are drawn as `window.Windows` draws them (all employees or a quarter, a span that
holds about ``--size`` duty Booleans), with a fixed seed and centres drawn uniformly; drawn here,
not by `Windows`, so that checkouts older than this script build the same windows: run the
script of one checkout against the other's code with ``--root``. The roster around them is every
day off, so that no solve is needed to make one; most of a build is the window's own days, which
that changes little. Prints one JSON line per instance: the median build in seconds, and the
windows' Booleans and constraints summed (the Booleans are a checksum: equal draws give equal
sums).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from curtois import timed_staffings, timing_parser  # noqa: E402


def main() -> None:
    parser = timing_parser(__doc__ or "", "20-24")
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--size", type=float, default=1500.0, help="duty Booleans a window holds, roughly")
    args = parser.parse_args()
    staffings = timed_staffings(args)
    import numpy as np

    from rotation.benchmarks.window import _Window

    for number, staff in staffings:
        e_count, days, shifts = staff.size
        rng = np.random.default_rng(number)
        roster = np.full((e_count, days), -1)
        per_day = shifts * staff.allowed.mean()
        seconds, booleans, constraints = [], 0, 0
        for _ in range(args.windows):
            group = int(rng.choice([e_count, max(1, e_count // 4)]))
            people = np.sort(rng.choice(e_count, size=group, replace=False))
            width = int(np.clip(args.size / (group * per_day), 2, days))
            first = int(rng.integers(0, days - width + 1))
            began = time.perf_counter()
            window = _Window(staff, roster, people, first, first + width)
            seconds.append(time.perf_counter() - began)
            booleans += len(window.x)
            constraints += len(window.model.proto.constraints)
        row = {
            "instance": f"Instance{number}",
            "build_s": round(statistics.median(seconds), 4),
            "booleans": booleans,
            "constraints": constraints,
        }
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
