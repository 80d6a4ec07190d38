"""The dive on single decisions (rotation.benchmarks.fixing) on the Curtois & Qu instances: the roster
LP, then decisions fixed a share at a time, then CP-SAT's completion, each phase timed.

    python bench/fixing.py FOLDER [--instances 13,15] [--lp-seconds 180] [--seconds 300]
                           [--complete-seconds 60] [--enough 0.95] [--step 0.1] [--whole]
                           [--workers 2] [--seed 1]

Prints one JSON line per instance: the LP's bound and time, the decisions fixed and the LP's
value with them, the completed roster's objective as our checker scores it (and whether it
keeps every rule), and the gap to the best known where FOLDER has best_known.csv.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from curtois import best_known, parse_instances, timing_parser  # noqa: E402


def main() -> None:
    parser = timing_parser(__doc__ or "", "13,15")
    parser.add_argument("--lp-seconds", type=float, default=180.0)
    parser.add_argument("--seconds", type=float, default=300.0, help="the dive's time")
    parser.add_argument("--complete-seconds", type=float, default=60.0)
    parser.add_argument("--enough", type=float, default=0.95)
    parser.add_argument("--step", type=float, default=0.1)
    parser.add_argument("--whole", action="store_true", help="each step also fixes every decision the LP takes whole")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    import numpy as np

    from rotation.benchmarks import colgen, curtois, fixing

    known = best_known(args.folder)
    for number in parse_instances(args.instances):
        instance = curtois.read_instance(args.folder / f"Instance{number}.txt")
        lp = colgen.RosterLP(instance)
        began = time.monotonic()
        lp.generate(args.lp_seconds)
        lp_s = time.monotonic() - began
        dive = fixing.Fixing(lp)
        began = time.monotonic()
        fixed = dive.run(args.seconds, args.step, args.enough, args.whole)
        dive_s = time.monotonic() - began
        began = time.monotonic()
        roster = fixing.complete(lp, fixed, dive.heaviest(), args.complete_seconds, args.workers, args.seed)
        complete_s = time.monotonic() - began
        row: dict[str, object] = {
            "instance": f"Instance{number}",
            "lp_bound": lp.outcome().bound,
            "lp_s": round(lp_s, 1),
            "steps": dive.steps,
            "fixed_share": round(float(np.count_nonzero(fixed != fixing.FREE)) / fixed.size, 3),
            "lp_with_fixings": round(dive.value, 1),
            "dive_s": round(dive_s, 1),
            "complete_s": round(complete_s, 1),
        }
        if roster is not None:
            check = curtois.judge(instance, curtois.read_roster(instance, colgen.roster_text(lp.staff, roster)))
            objective = check.objective / 100 if check.objective is not None else None
            row |= {"objective": objective, "feasible": check.feasible, "ours": colgen.objective(lp.staff, roster)}
            if objective is not None and (best := known.get(f"Instance{number}")):
                row["gap_to_best_known_percent"] = round(100 * (objective - best) / best, 2)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
