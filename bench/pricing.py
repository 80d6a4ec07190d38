"""How long the pricing programme (rotation.benchmarks.colgen.Pricer) takes on the Curtois & Qu
instances: for one employee, as best responses and the completion price her, and for all at once,
as the roster LP does.

    python bench/pricing.py FOLDER [--instances 1-24] [--repeats 5] [--employee 0]

The prices are drawn at random with a fixed seed, so two checkouts time the same work: run the
script of one checkout against the other's code with ``--root``. The programme's values are
kept in one ``Scratch`` for all the runs, as callers pricing in a loop keep them, where the code
has it. Prints one JSON line per instance with the median of ``--repeats`` runs of each, in
seconds, and the programme's total cost (a checksum: equal code gives equal sums). "all" is left
out where the programme of every employee holds more than ``--all-states`` states (by default 9,
10, 12, 13, 15 and 20, the largest such programmes), so that a run over 1-24 stays short.
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
    parser = timing_parser(__doc__ or "", "1-24")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--employee", type=int, default=0)
    parser.add_argument("--all-states", type=float, default=2e7)
    args = parser.parse_args()
    staffings = timed_staffings(args)
    import numpy as np

    from rotation.benchmarks import colgen
    from rotation.benchmarks.colgen import ONE_STATES, Pricer, _employee

    # as its callers price, in a loop that keeps one Scratch; older checkouts have none
    scratch = [colgen.Scratch()] if hasattr(colgen, "Scratch") else []

    for number, staff in staffings:
        e_count, days, shifts = staff.size
        rng = np.random.default_rng(number)
        work = rng.normal(0.0, 50.0, (e_count, days, shifts))
        weekend = rng.normal(0.0, 20.0, e_count)
        e = min(args.employee, e_count - 1)
        one = _employee(staff, e)
        row: dict[str, object] = {"instance": f"Instance{number}"}
        for name, pricer, prices in (
            ("one", Pricer(one, ONE_STATES), (work[e : e + 1], one.off_cost, weekend[e : e + 1])),
            ("all", Pricer(staff), (work, staff.off_cost, weekend)),
        ):
            if name == "all" and pricer.states > args.all_states:
                continue
            seconds = []
            for _ in range(args.repeats):
                began = time.perf_counter()
                cost, _ = pricer.price(*prices, *scratch)
                seconds.append(time.perf_counter() - began)
            row[f"{name}_s"] = round(statistics.median(seconds), 4)
            row[f"{name}_sum"] = round(float(cost[np.isfinite(cost)].sum()), 4)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
