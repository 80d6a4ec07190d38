"""``assignments.csv``: the machine-readable roster of the data format, written and read back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rotation.cells import CellError, cell_text, parse_bool, parse_date
from rotation.errors import DataError, DataIssue
from rotation.loader import decode_csv_bytes
from rotation.roster import Assignment, Roster

COLUMNS = ("date", "station", "shift", "role", "unit", "person", "first_inquiry")
TABLE = "assignments.csv"


def assignments_csv(roster: Roster) -> str:
    """The roster as the data format's CSV text: UTF-8, header row, one row per unit on duty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for a in roster:
        writer.writerow((a.date.isoformat(), a.station, a.shift, a.role, a.unit, a.person or "", "1" if a.first_inquiry else "0"))
    return out.getvalue()


def write_assignments(roster: Roster, path: Path) -> None:
    path.write_text(assignments_csv(roster), encoding="utf-8", newline="")


def read_assignments(path: Path) -> Roster:
    """Read ``assignments.csv`` back; problems are reported like any input table's."""
    try:
        text = decode_csv_bytes(path.read_bytes())
    except (OSError, UnicodeDecodeError) as error:
        raise DataError([DataIssue(TABLE, None, None, f"无法读取：{error}")]) from error
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise DataError([DataIssue(TABLE, None, None, "文件是空的")])
    header = [cell_text(h).lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError([DataIssue(TABLE, 1, c, "缺少这一列") for c in missing])
    at = {c: header.index(c) for c in COLUMNS}
    issues: list[DataIssue] = []
    assignments = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: cell_text(row[i]) if i < len(row) else "" for c, i in at.items()}
        if not any(cells.values()):
            continue
        try:
            date = parse_date(cells["date"])
            first = parse_bool(cells["first_inquiry"] or "0")
        except CellError as error:
            issues.append(DataIssue(TABLE, number, None, str(error)))
            continue
        for column in ("station", "shift", "role", "unit"):
            if not cells[column]:
                issues.append(DataIssue(TABLE, number, column, "不能为空"))
        assignments.append(
            Assignment(date, cells["station"], cells["shift"], cells["role"], cells["unit"], cells["person"] or None, first)
        )
    if issues:
        raise DataError(issues)
    return Roster(assignments)
