"""The printed wall roster's layout, which both its writer (:mod:`export.wall`) and its reader
(:mod:`rotation.roster_reader`) follow: title, columns, header row and how names are written.
"""

from __future__ import annotations

from rotation.problem import Problem

WALL_COLUMNS = ("日期", "星期", "时段", "值班单位", "值班人员", "首问责任人", "联系电话", "备注")
NO_PERSON = "—"  # holds a unit's place in 值班人员 when it names nobody
TITLE_SUFFIX = "轮值表"
WALL_HEADER_ROW = 3  # title, subtitle, then the header
SEPARATORS = "、，,；;"


def unit_label(problem: Problem, unit_id: str) -> str:
    """A unit's name as the wall roster writes it (its id when the unit is unknown)."""
    unit = problem.data.units_by_id.get(unit_id)
    return unit.label if unit else unit_id
