"""Benchmark re-planning and continuity on a data set.

    python bench/continuity.py repair [DATA] [--month 2026-12] [--from-day 9] [--away-days 7]
                                      [--time-limit 60] [--workers 2] [--repeat 3] [--out bench/results]
    python bench/continuity.py year [DATA] [--year 2026] [--time-limit 600] [--workers 2] [--out bench/results]
    python bench/continuity.py horizon [DATA] [--start 2026-11-01] [--end 2026-12-31] [--time-limit 240]

repair: solve the month, then make the unit with the most duties in the days from --from-day on
unavailable for --away-days days, and compare `repair` (fewest changes first) with solving the
changed data from scratch: changed assignments on or after the repair date (duties taken off
plus duties put on), wall time and objective.

year: the year solved as `rotation solve` does it (month by month, each month continuing the
last), against twelve independent months with the same total time: the spread of duties and of
weekend and holiday duties per party member over the year, and hard violations of the twelve
months put together (runs and successions across month ends).

horizon: a horizon of several months as one model against month by month (what `rotation solve`
does), same time each, in child processes so that each peak memory is its own.

Results are written as CSV and Markdown under --out (kept out of git).
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
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rotation.calendar import month_end  # noqa: E402
from rotation.checker import check  # noqa: E402
from rotation.engine import solve  # noqa: E402
from rotation.loader import load  # noqa: E402
from rotation.model import DEFAULT_ROLE, Unavailability  # noqa: E402
from rotation.problem import Problem, build_problem  # noqa: E402
from rotation.repair import repair, repair_problem  # noqa: E402
from rotation.roster import Roster, changes_between, unit_changes  # noqa: E402
from rotation.solver.cpsat import SolveOptions  # noqa: E402


def month_range(first: dt.date) -> tuple[dt.date, dt.date]:
    return first, month_end(first)


def repair_case(data_path: str, month: str, from_day: int, away_days: int, limit: float, workers: int, seed: int) -> dict:
    data = load(data_path)
    start, end = month_range(dt.date.fromisoformat(month + "-01"))
    options = SolveOptions(time_limit=limit, workers=workers, seed=seed)
    published = solve(build_problem(data, start, end), options).roster
    assert published is not None
    since = start.replace(day=from_day)
    until = since + dt.timedelta(days=away_days - 1)
    busiest = max(data.units, key=lambda u: (sum(1 for a in published.duties_of(u.id) if since <= a.date <= until), u.id))
    lost = sum(1 for a in published.duties_of(busiest.id) if since <= a.date <= until)
    changed = replace(data, unavailability=(*data.unavailability, Unavailability(busiest.id, since, until)))

    began = time.monotonic()
    repaired = repair(repair_problem(changed, published, start, end, since), published, since, options)
    repair_wall = time.monotonic() - began
    began = time.monotonic()
    scratch = solve(build_problem(changed, start, end), options)
    scratch_wall = time.monotonic() - began
    assert repaired.roster is not None and scratch.roster is not None
    return {
        "run": seed,
        "unit": busiest.id,
        "lost_duties": lost,
        "repair_changes": unit_changes(repaired.repair.changes if repaired.repair else ()),
        "repair_slots": sum(1 for c in (repaired.repair.changes if repaired.repair else ()) if c.unit_changed),
        "repair_seconds": round(repair_wall, 1),
        "repair_objective": repaired.objective / 100,
        "repair_status": repaired.status.name,
        "fewest_proven": repaired.repair is not None and repaired.repair.fewest_proven,
        "scratch_changes": unit_changes(changes_between(published, scratch.roster, since)),
        "scratch_seconds": round(scratch_wall, 1),
        "scratch_objective": scratch.objective / 100,
    }


def spread(problem: Problem, roster: Roster, rest_only: bool) -> float:
    """Coefficient of variation of duties per party member over the rotation units."""
    units = [u for u in problem.units if DEFAULT_ROLE in u.roles and problem.targets[u.id] > 0]
    rest = {d.date for d in problem.days if not d.is_working}
    per_member = [sum(1 for a in roster.duties_of(u.id) if not rest_only or a.date in rest) / u.members for u in units]
    mean = statistics.mean(per_member)
    return statistics.pstdev(per_member) / mean if mean else 0.0


def year_cases(data_path: str, year: int, limit: float, workers: int) -> list[dict]:
    data = load(data_path)
    whole = build_problem(data, dt.date(year, 1, 1), dt.date(year, 12, 31))
    options = SolveOptions(time_limit=limit, workers=workers, seed=0)
    rows = []
    began = time.monotonic()
    rolling = solve(whole, options)
    rolling_wall = time.monotonic() - began
    assert rolling.roster is not None
    began = time.monotonic()
    duties = []
    for month in range(1, 13):
        first, last = month_range(dt.date(year, month, 1))
        part = solve(build_problem(data, first, last), replace(options, time_limit=limit / 12))
        assert part.roster is not None
        duties.extend(part.roster)
    independent_wall = time.monotonic() - began
    for case, roster, wall in (
        ("rolling (rotation solve)", rolling.roster, rolling_wall),
        ("twelve independent months", Roster(duties), independent_wall),
    ):
        result = check(whole, roster)
        rows.append(
            {
                "case": case,
                "seconds": round(wall, 1),
                "objective": result.objective / 100,
                "covered": result.figures.needed_unit_duties - sum(s.missing for s in result.shortfalls),
                "needed": result.figures.needed_unit_duties,
                "cv_duties_per_member": round(spread(whole, roster, rest_only=False), 4),
                "cv_rest_day_duties_per_member": round(spread(whole, roster, rest_only=True), 4),
                "hard_violations": len(result.violations),
            }
        )
        print(rows[-1], flush=True)
    return rows


def horizon_case(data_path: str, start: str, end: str, limit: float, workers: int, whole: bool) -> dict:
    from rotation.engine import solve_by_month, solve_whole
    from rotation.solver.cpsat import SearchControl

    problem = build_problem(load(data_path), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    options = SolveOptions(time_limit=limit, workers=workers, seed=0)
    began = time.monotonic()
    result = (solve_whole if whole else solve_by_month)(problem, options, SearchControl())
    wall = time.monotonic() - began
    c = result.check
    return {
        "case": "one model" if whole else "month by month",
        "seconds": round(wall, 1),
        "objective": result.objective / 100 if result.objective is not None else None,
        "covered": c.figures.needed_unit_duties - sum(s.missing for s in c.shortfalls) if c else None,
        "needed": c.figures.needed_unit_duties if c else None,
        "cv_duties_per_member": round(spread(problem, result.roster, rest_only=False), 4) if result.roster else None,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def write(rows: list[dict], out: Path, name: str) -> None:
    if not rows:
        return
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    fields = list(rows[0])
    with open(out / f"{name}-{stamp}.csv", "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| " + " | ".join(fields) + " |", "|" + "---|" * len(fields)]
    lines += ["| " + " | ".join(str(r[f]) for f in fields) + " |" for r in rows]
    if name == "repair":
        for key in ("repair_changes", "repair_seconds", "scratch_changes", "scratch_seconds"):
            lines.append(f"\nmedian {key}: {statistics.median(r[key] for r in rows)}")
    text = "\n".join(lines) + "\n"
    (out / f"{name}-{stamp}.md").write_text(text, encoding="utf-8")
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case", choices=("repair", "year", "horizon"))
    parser.add_argument("data", nargs="?", default=str(ROOT / "data" / "fengqing"))
    parser.add_argument("--month", default="2026-12")
    parser.add_argument("--from-day", type=int, default=9)
    parser.add_argument("--away-days", type=int, default=7)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--start", default="2026-11-01")
    parser.add_argument("--end", default="2026-12-31")
    parser.add_argument("--child", choices=("whole", "months"), help=argparse.SUPPRESS)
    parser.add_argument("--time-limit", type=float, default=None, help="default 60 (repair) or 600 (year)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    args = parser.parse_args()
    if args.case == "repair":
        limit = args.time_limit or 60.0
        rows = []
        for seed in range(1, args.repeat + 1):
            rows.append(repair_case(args.data, args.month, args.from_day, args.away_days, limit, args.workers, seed))
            print(rows[-1], flush=True)
        write(rows, Path(args.out), "repair")
    elif args.case == "year":
        write(year_cases(args.data, args.year, args.time_limit or 600.0, args.workers), Path(args.out), "year")
    elif args.child:
        limit = args.time_limit or 240.0
        print(json.dumps(horizon_case(args.data, args.start, args.end, limit, args.workers, args.child == "whole")))
    else:
        rows = []
        for child in ("months", "whole"):
            command = [
                sys.executable,
                __file__,
                "horizon",
                args.data,
                "--start",
                args.start,
                "--end",
                args.end,
                "--time-limit",
                str(args.time_limit or 240.0),
                "--workers",
                str(args.workers),
                "--child",
                child,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                continue
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
        write(rows, Path(args.out), "horizon")


if __name__ == "__main__":
    main()
