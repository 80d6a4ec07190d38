"""Benchmark the solver on a data set: one month and one year, several runs each.

    python bench/fengqing.py [DATA] [--month 2026-12] [--year 2026] [--time-limit 120]
                             [--year-time-limit 600] [--workers 2] [--repeat 3] [--out bench/results]
                             [--months-bound 60]

Each run is a separate process, so its peak memory is its own. Every roster is re-checked by
the checker inside the solve; the figures below are the checker's. Results are written as CSV
and Markdown under --out (kept out of git); medians over the runs are printed.

A year is solved month by month and its reported bound is the flow bound, far below any roster.
For the year, the script also computes, once and in its own process, the months bound
(``rotation.solver.patterns.months_bound``, at most --months-bound seconds per month of each
pattern LP; 0 skips it): the sum of each month's pattern bound without the fairness rules, plus
the least the fairness rules can cost, once with every duty free and once priced at the
fairness slopes of each month's own LP (``month_slopes``), a Lagrangian split of the fairness
over the year. The larger of the two is the months bound, and each run's gap is to the larger
of it and the run's own bound.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotation.calendar import month_end  # noqa: E402

FIELDS = (
    "case",
    "run",
    "status",
    "objective",
    "bound",
    "gap_percent",
    "wall_seconds",
    "peak_mib",
    "covered",
    "needed",
    "cv_all",
    "cv_rotation",
    "spacing_pairs",
    "away",
    "community_duties",
    "violations",
    "months_bound",
    "months_gap_percent",
)


def run_child(data: str, start: str, end: str, time_limit: float, workers: int, seed: int) -> dict:
    """Solve once in this process and report the checker's figures and this process's peak memory."""
    from rotation.engine import solve
    from rotation.loader import load
    from rotation.problem import build_problem
    from rotation.solver.cpsat import SolveOptions

    problem = build_problem(load(data), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    began = time.monotonic()
    result = solve(problem, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    wall = time.monotonic() - began
    c = result.check
    f = c.figures if c else None
    return {
        "status": result.status.name,
        "objective": result.objective / 100 if result.objective is not None else None,
        "bound": result.bound / 100 if result.bound is not None else None,
        "gap_percent": round(result.gap * 100, 2) if result.gap is not None else None,
        "wall_seconds": round(wall, 1),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "covered": f.needed_unit_duties - sum(s.missing for s in c.shortfalls) if c else None,
        "needed": f.needed_unit_duties if f else None,
        "cv_all": round(f.duties_per_member_cv, 3) if f else None,
        "cv_rotation": round(f.duties_per_member_cv_rotation, 3) if f else None,
        "spacing_pairs": f.spacing_pairs if f else None,
        "away": f.community_duties_away if f else None,
        "community_duties": f.community_duties if f else None,
        "violations": len(c.violations) if c else None,
    }


def months_child(data: str, start: str, end: str, time_limit: float) -> dict:
    """The months bound of a horizon (see the module's docstring), in this process."""
    from rotation.budget import Budget
    from rotation.loader import load
    from rotation.problem import build_problem
    from rotation.solver.patterns import month_slopes, months_bound

    began = time.monotonic()
    problem = build_problem(load(data), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    each = time_limit * len(problem.month_parts)  # time_limit is per month
    plain = months_bound(problem, Budget(each))
    slopes = month_slopes(problem, Budget(each)) if plain else None
    priced = months_bound(problem, Budget(each), costs=slopes) if slopes else None
    found = max((b for b in (plain, priced) if b is not None), key=lambda b: b[0], default=None)
    return {
        "months_bound": found[0] / 100 if found else None,
        "seconds": round(time.monotonic() - began, 1),
        "plain": plain[0] / 100 if plain else None,
        "priced": priced[0] / 100 if priced else None,
        "converged": sum(part.converged for part in found[1]) if found else 0,
        "months": len(found[1]) if found else 0,
    }


def child(command: list[str]) -> dict | None:
    """Run this script with ``command`` in a process of its own; its last line of output."""
    done = subprocess.run([sys.executable, __file__, *command], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", default=str(ROOT / "data" / "fengqing"))
    parser.add_argument("--month", default="2026-12", help="0 skips the month")
    parser.add_argument("--year", type=int, default=2026, help="0 skips the year")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--year-time-limit", type=float, default=600.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--months-bound", type=float, default=60.0, help="seconds per month; 0 skips it")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--months-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data, start, end, limit, workers, seed = args.child
        print(json.dumps(run_child(data, start, end, float(limit), int(workers), int(seed))))
        return
    if args.months_child:
        data, start, end, limit = args.months_child
        print(json.dumps(months_child(data, start, end, float(limit))))
        return

    cases = []
    if args.month != "0":
        first = dt.date.fromisoformat(args.month + "-01")
        cases.append((f"month {args.month}", first, month_end(first), args.time_limit))
    if args.year:
        cases.append((f"year {args.year}", dt.date(args.year, 1, 1), dt.date(args.year, 12, 31), args.year_time_limit))
    rows = []
    for case, start, end, limit in cases:
        months = None
        if args.months_bound and (start.year, start.month) != (end.year, end.month):
            months = child(["--months-child", args.data, start.isoformat(), end.isoformat(), str(args.months_bound)])
            print(json.dumps({"case": case, **(months or {})}, ensure_ascii=False), flush=True)
        for run in range(1, args.repeat + 1):
            found = child(["--child", args.data, start.isoformat(), end.isoformat(), str(limit), str(args.workers), str(run)])
            if found is None:
                continue
            row = {"case": case, "run": run, **found, "months_bound": None, "months_gap_percent": None}
            if months and months["months_bound"] is not None and found["objective"]:
                row["months_bound"] = months["months_bound"]
                best = max(months["months_bound"], found["bound"] or 0)
                row["months_gap_percent"] = round((found["objective"] - best) / found["objective"] * 100, 2)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    write(rows, Path(args.out))


def write(rows: list[dict], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    with open(out / f"fengqing-{stamp}.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "| case | runs | status | objective | bound | gap % | wall s | peak MiB | covered | CV (all / rotation) "
        "| close pairs | away / community | months bound | gap to it % |",
        "|" + "---|" * 14,
    ]
    for case in dict.fromkeys(r["case"] for r in rows):
        mine = [r for r in rows if r["case"] == case]

        def median(key: str, mine: list[dict] = mine) -> object:
            values = [r[key] for r in mine if r[key] is not None]
            return f"{round(statistics.median(values), 3):.12g}" if values else "-"  # no float noise

        lines.append(
            f"| {case} | {len(mine)} | {'/'.join(sorted({r['status'] for r in mine}))} | {median('objective')} "
            f"| {median('bound')} | {median('gap_percent')} | {median('wall_seconds')} | {median('peak_mib')} "
            f"| {median('covered')}/{median('needed')} | {median('cv_all')} / {median('cv_rotation')} "
            f"| {median('spacing_pairs')} | {median('away')} / {median('community_duties')} "
            f"| {median('months_bound')} | {median('months_gap_percent')} |"
        )
    text = "\n".join(lines) + (
        "\n\nMedians over the runs; figures computed by the checker. The months bound "
        "(multi-month cases) is the sum of each month's pattern bound without fairness plus the least "
        "fairness can cost, the larger of it with every duty free and with duties priced at the "
        "months' fairness slopes; the gap is to the larger of it and the run's bound.\n"
    )
    (out / f"fengqing-{stamp}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
