"""The one cross-reference pass over a data set: ids unique, every reference resolvable."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from rotation import model, tables
from rotation.errors import DataIssue


def cross_check(
    data: model.DataSet, rule_rows: Mapping[str, int] | None = None, rejected: Mapping[str, set[Any]] | None = None
) -> list[DataIssue]:
    """Every problem that needs more than one row to see, in table order.

    ``rule_rows`` maps a rule key to its row in the rules table (the rules record has no source);
    ``rejected`` holds, per table, ids of rows already reported, which are not reported again
    wherever they are referred to; also ``people`` ((unit, name)), ``communities`` and ``roles``
    of rejected rows (see :meth:`rotation.loader.LoadNotes.reject`)."""
    issues: list[DataIssue] = []
    rejected = rejected or {}

    def issue(record: object, column_key: str | None, message: str, table: tables.Table) -> None:
        source = getattr(record, "source", None)
        column = table.column(column_key).zh if column_key else None
        issues.append(DataIssue(table.zh, source.row if source else None, column, message))

    with_ids: tuple[tuple[tables.Table, tuple[_Identified, ...]], ...] = (
        (tables.STATIONS, data.stations),
        (tables.SHIFTS, data.shifts),
        (tables.UNITS, data.units),
    )
    for table, rows in with_ids:

        def duplicate(row: _Identified, first: int | None, table: tables.Table = table) -> None:
            issue(row, "id", f"编号「{row.id}」重复（第 {first} 行已使用）", table)

        _unique(rows, lambda r: r.id, duplicate)

    # ids of rows rejected for their own errors count as known here: reported once is enough
    station_ids = {s.id for s in data.stations} | rejected.get("stations", set())
    shift_ids = {s.id for s in data.shifts} | rejected.get("shifts", set())
    unit_ids = {u.id for u in data.units} | rejected.get("units", set())
    communities = {s.community for s in data.stations if s.community} | rejected.get("communities", set())
    roles = {role for unit in data.units for role in unit.roles} | rejected.get("roles", set())
    rejected_people = rejected.get("people", set())

    for station in data.stations:
        if station.parent is not None and station.parent not in station_ids:
            issue(station, "parent", f"上级阵地「{station.parent}」不在阵地表中", tables.STATIONS)
        if model.is_level_selector(station.id) or station.id == "*":
            issue(station, "id", f"编号「{station.id}」与需求表的层级写法冲突，请换一个编号", tables.STATIONS)

    for demand in data.demand:
        if demand.station != "*" and not model.is_level_selector(demand.station) and demand.station not in station_ids:
            issue(demand, "station", f"阵地「{demand.station}」不在阵地表中（也可写 L0..L4 或 *）", tables.DEMAND)
        if demand.shift not in shift_ids:
            issue(demand, "shift", f"时段「{demand.shift}」不在时段表中", tables.DEMAND)
        if demand.max > 0 and demand.role not in roles:
            issue(demand, "role", f"没有任何单位可担任角色「{demand.role}」（见单位表「可担任角色」列）", tables.DEMAND)
    _unique(
        data.demand,
        lambda d: (d.station, d.day, d.shift, d.role),
        lambda d, first: issue(d, "station", f"与第 {first} 行的阵地、日期类型、时段、角色完全相同", tables.DEMAND),
    )

    for unit in data.units:
        if unit.community is not None and unit.community not in communities:
            known = "、".join(sorted(communities)) or "（阵地表中没有填写社区）"
            issue(unit, "community", f"报到社区「{unit.community}」不是任何阵地所属的社区；已有社区：{known}", tables.UNITS)

    people_by_unit: dict[str, set[str]] = {}
    for person in data.people:
        if person.unit not in unit_ids:
            issue(person, "unit", f"单位「{person.unit}」不在单位表中", tables.PEOPLE)
        people_by_unit.setdefault(person.unit, set()).add(person.name)
    _unique(
        data.people,
        lambda p: (p.unit, p.name),
        lambda p, first: issue(p, "name", f"同一单位的人员「{p.name}」重复（第 {first} 行）", tables.PEOPLE),
    )

    def check_unit_person(record: object, table: tables.Table, unit: str, person: str | None) -> None:
        if unit not in unit_ids:
            issue(record, "unit", f"单位「{unit}」不在单位表中", table)
        elif person is not None and person not in people_by_unit.get(unit, set()) and (unit, person) not in rejected_people:
            issue(record, "person", f"人员「{person}」不在人员表中该单位的名单里", table)

    for absence in data.unavailability:
        check_unit_person(absence, tables.UNAVAILABILITY, absence.unit, absence.person)
        if absence.shift is not None and absence.shift not in shift_ids:
            issue(absence, "shift", f"时段「{absence.shift}」不在时段表中", tables.UNAVAILABILITY)

    for request in data.requests:
        check_unit_person(request, tables.REQUESTS, request.unit, None)
        if request.shift is not None and request.shift not in shift_ids:
            issue(request, "shift", f"时段「{request.shift}」不在时段表中", tables.REQUESTS)
        if request.station is not None and request.station not in station_ids:
            issue(request, "station", f"阵地「{request.station}」不在阵地表中", tables.REQUESTS)

    for pin in data.fixed:
        check_unit_person(pin, tables.FIXED, pin.unit, pin.person)
        if pin.station not in station_ids:
            issue(pin, "station", f"阵地「{pin.station}」不在阵地表中", tables.FIXED)
        if pin.shift not in shift_ids:
            issue(pin, "shift", f"时段「{pin.shift}」不在时段表中", tables.FIXED)
        if pin.unit in data.units_by_id and pin.role not in data.unit(pin.unit).roles:
            issue(pin, "role", f"单位「{pin.unit}」不能担任角色「{pin.role}」", tables.FIXED)
    _unique(
        data.fixed,
        lambda f: (f.date, f.station, f.shift, f.role, f.unit),
        lambda f, first: issue(f, "unit", f"与第 {first} 行的固定安排重复", tables.FIXED),
    )

    succession_row = (rule_rows or {}).get("forbidden_successions")
    for first, second in data.rules.forbidden_successions:
        for shift in (first, second):
            if shift not in shift_ids:
                issues.append(
                    DataIssue(
                        tables.RULES.zh, succession_row, "值", f"禁止接续「{first}>{second}」中的时段「{shift}」不在时段表中"
                    )
                )

    _unique(
        data.calendar,
        lambda c: c.date,
        lambda c, first: issue(c, "date", f"日期 {c.date} 重复（第 {first} 行）", tables.CALENDAR),
    )

    for past in data.history:
        check_unit_person(past, tables.HISTORY, past.unit, None)
        if past.last_shift is not None and past.last_shift not in shift_ids:
            issue(past, "last_shift", f"时段「{past.last_shift}」不在时段表中", tables.HISTORY)
    _unique(
        data.history,
        lambda h: h.unit,
        lambda h, first: issue(h, "unit", f"单位「{h.unit}」的历史重复（第 {first} 行）", tables.HISTORY),
    )
    return issues


class _Sourced(Protocol):
    """A record of a table, which knows its row."""

    @property
    def source(self) -> model.Source | None: ...


class _Identified(_Sourced, Protocol):
    """A record of a table with an id column."""

    @property
    def id(self) -> str: ...


_Row = TypeVar("_Row", bound=_Sourced)


def _unique(rows: Iterable[_Row], key: Callable[[_Row], Hashable], report: Callable[[_Row, int | None], None]) -> None:
    seen: dict[object, int | None] = {}
    for row in rows:
        k = key(row)
        if k in seen:
            report(row, seen[k])
        else:
            seen[k] = row.source.row if row.source else None
