"""Which files a solve writes, and writing them all safely."""

from __future__ import annotations

from pathlib import Path

from export.assignments import write_assignments
from export.excel import write_roster_workbook, write_unit_workbooks
from export.files import check_writable, write_all_atomically
from rotation.checker import CheckResult
from rotation.problem import Problem
from rotation.result import Result
from rotation.roster import Roster

ASSIGNMENTS = "assignments.csv"
WORKBOOK = "轮值表.xlsx"
REPORT = "求解报告.txt"
UNIT_FOLDER = "各单位值班表"


def output_paths(out_dir: Path, per_unit: bool = False) -> list[Path]:
    paths = [out_dir / ASSIGNMENTS, out_dir / WORKBOOK, out_dir / REPORT]
    return [*paths, out_dir / UNIT_FOLDER] if per_unit else paths


def write_outputs(result: Result, out_dir: Path, force: bool = False, per_unit: bool = False) -> list[Path]:
    """Write the roster of a checked result; returns the paths written. Nothing is written when
    an output exists and ``force`` is not given."""
    assert result.roster is not None and result.check is not None, "only checked rosters are written"
    return write_roster(
        result.problem, result.roster, result.check, result, result.summary(timing=False), out_dir, force, per_unit
    )


def write_roster(
    problem: Problem,
    roster: Roster,
    checked: CheckResult,
    result: Result | None,
    report: str,
    out_dir: Path,
    force: bool = False,
    per_unit: bool = False,
) -> list[Path]:
    """Write a checked roster (of a solve, or of a planner's edit when ``result`` is None) with
    the report text ``report``; returns the paths written."""
    paths = output_paths(out_dir, per_unit)
    check_writable(paths, force)
    write_all_atomically(
        [
            (paths[0], lambda p: write_assignments(roster, p)),
            (paths[1], lambda p: write_roster_workbook(problem, roster, checked, result, p)),
            (paths[2], lambda p: p.write_text(report + "\n", encoding="utf-8")),
        ]
    )
    if per_unit:
        write_unit_workbooks(problem, roster, paths[3])
    return paths
