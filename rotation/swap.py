"""Swapping two duties of a published roster when units ask for it (调班).

Unit A gives its duty on one date to unit B and takes B's duty in exchange. Only the independent
checker judges the swap: it is allowed when the roster after it breaks no hard rule that the
roster before it did not already break, so a hand-edited roster with old faults can still be swapped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rotation.checker import CheckResult, Finding, check
from rotation.errors import DataError, DataIssue
from rotation.model import WEEKDAYS, DataSet, Person
from rotation.problem import Problem
from rotation.result import points
from rotation.roster import Assignment, Roster
from rotation.rules import name as rule_name

_TABLE = "排班"  # where a planner's request is wrong: the roster, not a data table
_NEAREST_DATES = 10  # how many of a unit's duty dates an error message lists


@dataclass(frozen=True)
class SwapOutcome:
    """A swap as the checker sees it; ``roster`` is the roster after the swap even when refused."""

    allowed: bool
    roster: Roster
    before: CheckResult
    after: CheckResult
    new_violations: tuple[Finding, ...]  # hard violations after the swap that were not there before
    moved: tuple[Assignment, Assignment]  # (B in A's old duty, A in B's old duty)


def find_duty(
    problem: Problem, roster: Roster, unit: str, date: dt.date | str, station: str | None = None, shift: str | None = None
) -> Assignment:
    """The one duty of ``unit`` (id or name) on ``date``, narrowed by station and shift (id or name);
    raises DataError listing the candidates when there is none or more than one."""
    data = problem.data
    unit_id = _unit_id(data, unit)
    when = _as_date(date)
    that_day = [a for a in roster.duties_of(unit_id) if a.date == when]
    found = [a for a in that_day if _names(station, a.station, data.stations_by_id) and _names(shift, a.shift, data.shifts_by_id)]
    if len(found) == 1:
        return found[0]
    label = data.unit(unit_id).label
    if not that_day:
        message = f"{label} 在 {_day(when)} 没有值班；" + _dates_near(roster, unit_id, when)
    elif not found:
        narrowing = "、".join(f"「{x}」" for x in (station, shift) if x)
        message = f"{label} 在 {_day(when)} 没有{narrowing}的值班；当天的值班：" + _listing(data, that_day)
    else:
        message = f"{label} 在 {_day(when)} 有 {len(found)} 次值班，请写明是哪个阵地或时段的：" + _listing(data, found)
    raise DataError([DataIssue(_TABLE, None, None, message)])


def swap(
    problem: Problem,
    roster: Roster,
    unit_a: str,
    date_a: dt.date | str,
    unit_b: str,
    date_b: dt.date | str,
    *,
    station_a: str | None = None,
    shift_a: str | None = None,
    station_b: str | None = None,
    shift_b: str | None = None,
) -> SwapOutcome:
    """Unit B takes unit A's duty on ``date_a`` and A takes B's duty on ``date_b``; the first-inquiry
    flag stays with the duty. Checks both rosters; writes nothing."""
    issues: list[DataIssue] = []
    duties: list[Assignment] = []
    for unit, date, station, shift in ((unit_a, date_a, station_a, shift_a), (unit_b, date_b, station_b, shift_b)):
        try:
            duties.append(find_duty(problem, roster, unit, date, station, shift))
        except DataError as error:  # report both sides at once, so the planner fixes them in one pass
            issues += error.issues
    if issues:
        raise DataError(issues)
    duty_a, duty_b = duties
    label = problem.data.unit(duty_a.unit).label
    if duty_a == duty_b:
        raise DataError(
            [DataIssue(_TABLE, None, None, f"两边写的是同一次值班（{label} {_duty_text(problem.data, duty_a)}），不能与自己调换")]
        )
    if duty_a.unit == duty_b.unit:
        raise DataError([DataIssue(_TABLE, None, None, f"两次值班都是 {label} 的，调换后没有变化；请写另一个单位")])

    rest = list(roster.assignments)
    rest.remove(duty_a)  # remove one row each, not every equal row
    rest.remove(duty_b)
    b_in_a = replace(duty_a, unit=duty_b.unit, person=_person_for(problem, rest, duty_a, duty_b))
    a_in_b = replace(duty_b, unit=duty_a.unit, person=_person_for(problem, rest, duty_b, duty_a))
    swapped = Roster([*rest, b_in_a, a_in_b])
    before = check(problem, roster)
    after = check(problem, swapped)
    new = _new_findings(before.violations, after.violations)
    return SwapOutcome(not new, swapped, before, after, new, (b_in_a, a_in_b))


def describe_swap(problem: Problem, outcome: SwapOutcome) -> str:
    """The outcome for a planner, in Chinese: whether the swap may be made, what changes and why not."""
    data = problem.data
    b_in_a, a_in_b = outcome.moved
    changes = [_change(data, b_in_a, a_in_b.unit), _change(data, a_in_b, b_in_a.unit)]
    if outcome.allowed:
        lines = ["可以调换：调换后没有新增违反硬性规则的地方。", "调换后的两次值班：", *changes]
        before, after = outcome.before, outcome.after
        lines.append(f"目标值（扣分合计）：{points(before.objective)} → {points(after.objective)}")
        differing = [(b, a) for b, a in zip(before.scores, after.scores, strict=True) if b.penalty != a.penalty]
        for b, a in differing:
            lines.append(f"  {rule_name(b.rule)}：{points(b.penalty)} → {points(a.penalty)}")
        if not differing:
            lines.append("  各项扣分不变")
    else:
        lines = [f"不能调换：调换后新增违反硬性规则 {len(outcome.new_violations)} 处："]
        lines += [f"  【{rule_name(f.rule)}】{_where(data, f)}：{f.message}" for f in outcome.new_violations]
        lines += ["拟调换的两次值班：", *changes]
    if outcome.before.violations:
        lines.append(
            f"注意：调换前的轮值表已有 {len(outcome.before.violations)} 处违反硬性规则，"
            "不是这次调换造成的，可用 rotation check 查看。"
        )
    return "\n".join(lines)


# --- finding the duties -------------------------------------------------------------------------


def _unit_id(data: DataSet, text: str) -> str:
    """A unit as a planner types it: its id, else its name."""
    key = str(text).strip()
    if key in data.units_by_id:
        return key
    named = [u for u in data.units if u.name.strip() == key]
    if len(named) == 1:
        return named[0].id
    if named:
        ids = "、".join(u.id for u in named)
        message = f"单位表中有 {len(named)} 个单位名称都是「{key}」（编号 {ids}），请写单位编号"
    else:
        close = [u for u in data.units if key and (key in u.name or key.lower() == u.id.lower())]
        hint = (
            ("，是不是：" + "、".join(f"{u.label}（{u.id}）" for u in close[:5]) + "？")
            if close
            else "，请写单位表中的编号或名称"
        )
        message = f"单位表中没有「{key}」{hint}"
    raise DataError([DataIssue(_TABLE, None, None, message)])


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):  # a datetime never equals a date, so it would match no duty
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DataError([DataIssue(_TABLE, None, None, f"日期「{value}」应写成 2026-12-01 这样的格式")]) from None


def _names(text: str | None, key: str, by_id: dict) -> bool:
    """Whether a station or shift typed as ``text`` (id or name; None = any) is the one with id ``key``."""
    if text is None or not text.strip():
        return True
    text = text.strip()
    return text == key or (key in by_id and by_id[key].label == text)


def _dates_near(roster: Roster, unit_id: str, when: dt.date) -> str:
    dates = sorted({a.date for a in roster.duties_of(unit_id)})
    if not dates:
        return "轮值表中没有该单位的值班"
    nearest = sorted(sorted(dates, key=lambda d: abs((d - when).days))[:_NEAREST_DATES])
    return f"离 {when} 最近的值班日期：" + "、".join(_day(d) for d in nearest)


def _listing(data: DataSet, duties: Sequence[Assignment]) -> str:
    return "；".join(_duty_text(data, a) for a in duties)


# --- the swap -----------------------------------------------------------------------------------


def _person_for(problem: Problem, rest: list[Assignment], duty: Assignment, mover: Assignment) -> str | None:
    """The person of ``mover.unit`` for ``duty``: the one who served ``mover`` if they can, else the
    first of the unit's people who can; ``mover``'s person when nobody can (the checker says why)."""
    unit = mover.unit
    people: Sequence[Person] = problem.data.people_of(unit)
    if not people:
        return None
    busy = {a.person for a in rest if a.unit == unit and a.date == duty.date}

    def can_serve(person: Person) -> bool:
        return (
            problem.person_available(unit, person.name, duty.date, duty.shift)
            and (person.first_inquiry or not duty.first_inquiry)
            and person.name not in busy
        )

    ordered = sorted(people, key=lambda p: p.name != mover.person)  # stable: the mover, then table order
    return next((p.name for p in ordered if can_serve(p)), mover.person)


def _new_findings(before: Sequence[Finding], after: Sequence[Finding]) -> tuple[Finding, ...]:
    """Findings of ``after`` beyond those of ``before``, counted as a multiset."""
    left = Counter(before)
    new = []
    for finding in after:
        if left[finding]:
            left[finding] -= 1
        else:
            new.append(finding)
    return tuple(new)


# --- text ---------------------------------------------------------------------------------------


def _day(date: dt.date) -> str:
    return f"{date}（{WEEKDAYS[date.weekday()]}）"


def _duty_text(data: DataSet, a: Assignment) -> str:
    station = data.station(a.station).label if a.station in data.stations_by_id else a.station
    shift = data.shift(a.shift).label if a.shift in data.shifts_by_id else a.shift
    return f"{_day(a.date)} {station} {shift} {a.role}" + ("（首问）" if a.first_inquiry else "")


def _unit_label(data: DataSet, unit_id: str | None) -> str:
    return data.unit(unit_id).label if unit_id in data.units_by_id else (unit_id or "")


def _change(data: DataSet, new: Assignment, old_unit: str) -> str:
    person = f"（{new.person}）" if new.person else ""
    return f"  {_duty_text(data, new)}：{_unit_label(data, old_unit)} → {_unit_label(data, new.unit)}{person}"


def _where(data: DataSet, f: Finding) -> str:
    parts = (
        _unit_label(data, f.unit),
        str(f.date) if f.date else "",
        data.station(f.station).label if f.station in data.stations_by_id else (f.station or ""),
        data.shift(f.shift).label if f.shift in data.shifts_by_id else (f.shift or ""),
    )
    return " ".join(p for p in parts if p)
