"""Which files a solve writes, and writing them all safely."""

from __future__ import annotations

from pathlib import Path

from export.assignments import write_assignments
from export.files import check_writable, write_atomically
from export.workbook import write_plain_workbook
from rotation.result import Result

ASSIGNMENTS = "assignments.csv"
WORKBOOK = "轮值表.xlsx"
REPORT = "求解报告.txt"


def output_paths(out_dir: Path) -> list[Path]:
    return [out_dir / ASSIGNMENTS, out_dir / WORKBOOK, out_dir / REPORT]


def write_outputs(result: Result, out_dir: Path, force: bool = True) -> list[Path]:
    """Write the roster of a checked result; returns the paths written."""
    assert result.roster is not None and result.check is not None, "only checked rosters are written"
    paths = output_paths(out_dir)
    check_writable(paths, force)
    roster = result.roster
    write_atomically(paths[0], lambda p: write_assignments(roster, p))
    write_atomically(paths[1], lambda p: write_plain_workbook(result.problem, roster, result, p))
    write_atomically(paths[2], lambda p: p.write_text(result.summary() + "\n", encoding="utf-8"))
    return paths
