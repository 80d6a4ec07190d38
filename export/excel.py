"""The roster workbook for people, and each unit's own workbook: assembled here from their sheets.

Written from a :class:`~rotation.problem.Problem`, a roster and its check only (never solver
internals): an overview for the planner, the 双报到双服务双报告 statistics, one duty list per
unit, the solve report (:mod:`export.report_sheet`, :mod:`export.statistics_sheet`,
:mod:`export.unit_lists`), and one printable A4 wall roster per position and month (制度上墙,
:mod:`export.wall`). Edited wall rosters are read back by :mod:`rotation.roster_reader`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook

from export.files import write_atomically
from export.report_sheet import write_changes, write_overview, write_report
from export.statistics_sheet import write_statistics
from export.unit_lists import write_unit_lists
from export.wall import walls_of, write_wall, zh_date
from rotation.checker import CheckResult
from rotation.model import Unit
from rotation.problem import Problem
from rotation.result import Result
from rotation.roster import Roster

OVERVIEW = "总览"
STATISTICS = "统计"
UNIT_LISTS = "各单位值班表"
REPORT = "求解报告"
CHANGES = "调整清单"
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_BAD_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def write_roster_workbook(
    problem: Problem,
    roster: Roster,
    check_result: CheckResult,
    result_or_none: Result | None,
    path: Path,
    *,
    compiler: str = "县委组织部",
    printed: dt.date | None = None,
) -> None:
    """Write the whole workbook to ``path``: 总览, 统计, 各单位值班表, 求解报告 and one wall roster
    per position and month. ``printed`` (default today) and ``compiler`` go in every footer."""
    footer = f"{compiler} 编制　{zh_date(printed or dt.date.today())}"
    book = Workbook()
    overview = book.active
    overview.title = OVERVIEW
    write_overview(overview, problem, roster, check_result, footer)
    if result_or_none is not None and result_or_none.repair is not None:
        write_changes(book.create_sheet(CHANGES), result_or_none, footer)
    write_statistics(book.create_sheet(STATISTICS), problem, roster, footer)
    write_unit_lists(book.create_sheet(UNIT_LISTS), problem, roster, problem.data.units, footer)
    write_report(book.create_sheet(REPORT), problem, check_result, result_or_none)
    used = {name.lower() for name in book.sheetnames}
    walls = walls_of(problem, roster, check_result)
    span = result_or_none.unplanned if result_or_none is not None else None
    if span is not None:  # a month the time limit never reached has nothing to post (the report says so)
        walls = [w for w in walls if not all(span[0] <= line.period.date <= span[1] for line in w.lines)]
    several = len({w.month for w in walls}) > 1
    same_year = len({w.month[0] for w in walls}) == 1
    for wall in walls:
        suffix = (f" {wall.month[1]}月" if same_year else f" {wall.month[0]}年{wall.month[1]}月") if several else ""
        name = sheet_name(wall.station.label, suffix, used)
        write_wall(book.create_sheet(name), problem, wall, compiler, footer)
    book.save(path)


def sheet_name(base: str, suffix: str, used: set[str]) -> str:
    """A valid sheet name (at most 31 characters, none of ``[]:*?/\\``) not yet in ``used``
    (lower-cased names; the new one is added)."""
    stem = base.translate(_BAD_SHEET_CHARS).strip().strip("'") or "表"
    suffix = suffix.translate(_BAD_SHEET_CHARS)
    candidate = stem[: 31 - len(suffix)] + suffix
    n = 2
    while candidate.lower() in used:
        tail = f"{suffix}({n})"
        candidate = stem[: 31 - len(tail)] + tail
        n += 1
    used.add(candidate.lower())
    return candidate


def write_unit_workbooks(
    problem: Problem, roster: Roster, folder: Path, *, compiler: str = "县委组织部", printed: dt.date | None = None
) -> list[Path]:
    """One workbook per unit in ``folder`` (file name = unit name, made safe), to send to that
    unit; every unit gets one, so a unit without duties learns it too. Returns the paths."""
    footer = f"{compiler} 编制　{zh_date(printed or dt.date.today())}"
    folder = Path(folder)
    written: list[Path] = []
    taken: set[str] = set()
    for unit in problem.data.units:
        path = folder / f"{_file_stem(unit, taken)}.xlsx"

        def write(target: Path, unit: Unit = unit) -> None:
            book = Workbook()
            sheet = book.active
            sheet.title = sheet_name(unit.label, "", set())
            header = write_unit_lists(sheet, problem, roster, (unit,), footer)
            sheet.print_title_rows = f"{header}:{header}"
            book.save(target)

        write_atomically(path, write)
        written.append(path)
    return written


def _file_stem(unit: Unit, taken: set[str]) -> str:
    stem = _BAD_FILE_CHARS.sub("_", unit.label).strip(" .")[:80] or unit.id
    if stem.lower() in taken:
        stem = f"{stem}_{_BAD_FILE_CHARS.sub('_', unit.id)}"
    taken.add(stem.lower())
    return stem
