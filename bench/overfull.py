"""Benchmark tight and over-full months: coverage against a bound on the fewest missing duties,
the time over the limit, and peak memory.

    python bench/overfull.py [--preset county] [--tightness 0.8,0.9,1.0,1.1] [--limits 10,30,120]
                             [--seeds 1,2,3] [--bound-seconds 60] [--workers 2] [--out bench/results]

For each tightness and seed, ``bench/generate.py`` writes a data set for December 2026 (the data's
seed is the run's seed). Two bounds on the fewest unit-duties any roster must leave uncovered are
computed once per data set, in this process:

- ``lp``: the pattern LP (``rotation.solver.patterns``) with coverage as the only cost: every
  roster is a point of it, so its optimum (or Farley's bound, when stopped early), rounded up,
  bounds the missing duties;
- ``cp``: CP-SAT's own bound on the model that minimises missing duties only
  (``Mode.SHORTFALL``) after ``--bound-seconds``.

Then each time limit is run as ``python solve.py`` in a process of its own, exactly as a planner
runs it; its wall time and peak memory are that process's, and its roster is re-checked here by
the independent checker. Results go to ``--out`` (kept out of git) as CSV and Markdown; the
Markdown table gives medians over the seeds, ranges in brackets.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from rotation.budget import Budget  # noqa: E402
from rotation.checker import check  # noqa: E402
from rotation.loader import load  # noqa: E402
from rotation.problem import Problem, build_problem  # noqa: E402
from rotation.roster import Roster  # noqa: E402
from rotation.rules import DEFAULT_WEIGHTS  # noqa: E402
from rotation.solver.cpsat import Mode, SolveOptions, run_model  # noqa: E402
from rotation.solver.patterns import pattern_bound  # noqa: E402

MONTH = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
FIELDS = (
    "tightness",
    "seed",
    "limit",
    "needed",
    "covered",
    "missing",
    "bound_lp",
    "bound_cp",
    "objective",
    "exit",
    "wall",
    "over",
    "peak_mib",
)


def coverage_bounds(problem: Problem, seconds: float, workers: int) -> tuple[int | None, int | None]:
    """(LP bound, CP-SAT bound) on the fewest missing unit-duties (see the module docstring)."""
    weights = {rule: 0 for rule in DEFAULT_WEIGHTS} | {"coverage": 1}
    only_cover = replace(problem, data=replace(problem.data, rules=replace(problem.data.rules, weights=tuple(weights.items()))))
    found = pattern_bound(only_cover, budget=Budget(seconds))
    lp = max(0, math.ceil(found.bound / 100 - 1e-6)) if found is not None else None  # a duty costs 100 there
    run = run_model(problem, SolveOptions(time_limit=seconds, workers=workers), mode=Mode.SHORTFALL)
    unit = dict(problem.data.rules.weights)["coverage"] * 100
    cp = max(0, math.ceil(run.bound / unit - 1e-6)) if run.bound is not None and unit else None
    return lp, cp


PEAK = (
    "import atexit, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "def peak():\n"
    "    with open('/proc/self/status') as f, open(out, 'w') as o:\n"
    "        o.write(next(line.split()[1] for line in f if line.startswith('VmHWM')))\n"
    "atexit.register(peak)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)
"""Runs a script and writes its peak resident memory (kB) when it exits. The kernel's VmHWM
starts afresh at exec; a fork's rusage would count this process's memory too."""


def run_cli(data: Path, limit: float, seed: int, workers: int, out: Path) -> tuple[int, float, float]:
    """(exit code, wall seconds, peak MiB) of ``python solve.py`` on ``data`` for December."""
    peak = out.with_name("peak.txt")
    began = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK,
            str(peak),
            str(ROOT / "solve.py"),
            "--data",
            str(data),
            "--month",
            "2026-12",
            "--time-limit",
            str(limit),
            "--workers",
            str(workers),
            "--seed",
            str(seed),
            "--out",
            str(out),
            "--force",
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        check=False,
    )
    wall = time.monotonic() - began
    return done.returncode, wall, int(peak.read_text()) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="county", choices=sorted(generate.PRESETS))
    parser.add_argument("--tightness", default="0.8,0.9,1.0,1.1")
    parser.add_argument("--limits", default="10,30,120")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--bound-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    tightness = [float(t) for t in args.tightness.split(",")]
    limits = [float(t) for t in args.limits.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for t in tightness:
            for seed in seeds:
                folder = Path(scratch) / f"data-{t}-{seed}"
                generate.write(
                    folder, generate.generate(seed, tightness=t, start=MONTH[0], end=MONTH[1], **generate.PRESETS[args.preset])
                )
                problem = build_problem(load(folder), *MONTH)
                lp, cp = coverage_bounds(problem, args.bound_seconds, args.workers)
                for limit in limits:
                    out = Path(scratch) / "out"
                    code, wall, peak = run_cli(folder, limit, seed, args.workers, out)
                    result = check(problem, Roster(_read(out / "assignments.csv"))) if code in (0, 3) else None
                    missing = sum(s.missing for s in result.shortfalls) if result else None
                    row = {
                        "tightness": t,
                        "seed": seed,
                        "limit": limit,
                        "needed": problem.unit_duties,
                        "covered": problem.unit_duties - missing if missing is not None else None,
                        "missing": missing,
                        "bound_lp": lp,
                        "bound_cp": cp,
                        "objective": result.objective / 100 if result else None,
                        "exit": code,
                        "wall": round(wall, 2),
                        "over": round(wall - limit, 2),
                        "peak_mib": round(peak),
                    }
                    rows.append(row)
                    print(" ".join(f"{k}={row[k]}" for k in FIELDS), flush=True)
    with open(args.out / f"overfull-{stamp}.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    table = summary(rows, tightness, limits)
    (args.out / f"overfull-{stamp}.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


def _read(path: Path) -> list:
    from export.assignments import read_assignments

    return list(read_assignments(path))


def summary(rows: list[dict], tightness: list[float], limits: list[float]) -> str:
    """Medians over the seeds (ranges in brackets) per tightness and limit."""

    def cell(values: list) -> str:
        values = [v for v in values if v is not None]
        if not values:
            return "-"
        median = statistics.median(values)
        low, high = min(values), max(values)
        return f"{median:.10g}" if low == high else f"{median:.10g} ({low:.10g}–{high:.10g})"

    lines = [
        "| tightness | limit s | needed | missing | LP bound | CP-SAT bound | objective | over the limit s | peak MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in tightness:
        for limit in limits:
            mine = [r for r in rows if r["tightness"] == t and r["limit"] == limit]
            lines.append(
                f"| {t:g} | {limit:g} | {cell([r['needed'] for r in mine])} | {cell([r['missing'] for r in mine])} "
                f"| {cell([r['bound_lp'] for r in mine])} | {cell([r['bound_cp'] for r in mine])} "
                f"| {cell([r['objective'] for r in mine])} | {cell([r['over'] for r in mine])} "
                f"| {cell([r['peak_mib'] for r in mine])} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
