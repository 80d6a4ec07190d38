"""What the pages show of a roster: the month grid of a position, a unit's duties, fairness,
the soft rules' penalties, the calendar. Built from the run's files (its data and
assignments.csv), so a run from an earlier session shows the same as a fresh one."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from export.assignments import read_assignments
from rotation import api
from rotation.calendar import Day
from rotation.checker import HARD_RULES, SOFT_RULE_NAMES, CheckResult, Finding
from rotation.checker import check as check_roster
from rotation.model import DayKind
from rotation.problem import TARGET_SCALE, Problem, build_problem
from rotation.result import points
from rotation.roster import Roster
from web.runs import Run

WEEKDAYS = "一二三四五六日"
KIND_CLASS = {DayKind.WORKDAY: "workday", DayKind.RESTDAY: "rest", DayKind.HOLIDAY: "holiday"}
MAX_FINDINGS = 200  # per rule on the page; the report and the workbook list them all


@dataclass(frozen=True)
class RosterView:
    problem: Problem
    roster: Roster
    check: CheckResult
    causes: dict[tuple[dt.date, str, str, str], str]

    def unit_label(self, unit_id: str | None) -> str:
        if not unit_id:
            return ""
        unit = self.problem.data.units_by_id.get(unit_id)
        return unit.label if unit else unit_id

    def station_label(self, station_id: str | None) -> str:
        if not station_id:
            return ""
        station = self.problem.data.stations_by_id.get(station_id)
        return station.label if station else station_id

    def shift_label(self, shift_id: str | None, hours: bool = False) -> str:
        if not shift_id:
            return ""
        shift = self.problem.data.shifts_by_id.get(shift_id)
        if shift is None:
            return shift_id
        return f"{shift.label} {shift.hours}" if hours else shift.label


_cache: OrderedDict[tuple[str, float], RosterView] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 4


def roster_view(run: Run) -> RosterView | None:
    """The roster of a finished run with its check; None when it has none. Cached per run file."""
    roster_path, data_path = run.roster_path(), run.data_path()
    if roster_path is None or data_path is None:
        return None
    key = (run.id, roster_path.stat().st_mtime)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    view = _build(run, data_path, roster_path)
    with _cache_lock:
        _cache[key] = view
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return view


def _build(run: Run, data_path: Path, roster_path: Path) -> RosterView:
    data = api.load(data_path)
    first, last = dt.date.fromisoformat(run.get("start")), dt.date.fromisoformat(run.get("end"))
    problem = build_problem(data, first, last, bool(run.get("assume_weekends")))
    roster = read_assignments(roster_path)
    causes = {(dt.date.fromisoformat(d), s, h, r): cause for d, s, h, r, cause in run.get("gap_causes") or []}
    return RosterView(problem, roster, check_roster(problem, roster), causes)


# --- days -------------------------------------------------------------------------------------------


def day_info(day: Day) -> dict[str, Any]:
    """A date as the grid and the calendar show it: class for shading, and its label."""
    kind = "adjusted" if day.is_adjusted_workday else KIND_CLASS[day.kind]
    label = {
        "workday": "工作日",
        "rest": "休息日",
        "holiday": day.name or "节假日",
        "adjusted": f"{day.name}调休上班" if day.name else "调休上班",
    }[kind]
    return {
        "date": day.date.isoformat(),
        "day": day.date.day,
        "weekday": "周" + WEEKDAYS[day.date.weekday()],
        "kind": kind,
        "label": label,
        "source": day.source.value,
    }


def calendar_months(days: list[Day]) -> list[dict[str, Any]]:
    """The days of a horizon as month sheets of weeks (Monday first), for the calendar panel."""
    months: dict[tuple[int, int], list[Day]] = defaultdict(list)
    for day in days:
        months[(day.date.year, day.date.month)].append(day)
    sheets = []
    for (year, month), month_days in months.items():
        weeks: list[list[dict[str, Any] | None]] = []
        week: list[dict[str, Any] | None] = [None] * month_days[0].date.weekday()
        for day in month_days:
            week.append(day_info(day))
            if len(week) == 7:
                weeks.append(week)
                week = []
        if week:
            weeks.append(week + [None] * (7 - len(week)))
        counts: defaultdict[str, int] = defaultdict(int)
        for day in month_days:
            counts[day_info(day)["kind"]] += 1
        sheets.append({"title": f"{year} 年 {month} 月", "weeks": weeks, "counts": dict(counts)})
    return sheets


# --- the month grid of a position ---------------------------------------------------------------


def stations(view: RosterView) -> list[dict[str, str]]:
    """Positions that are open in the horizon (or hold a duty), in the data's order."""
    used = {s.station for s in view.problem.slots} | {a.station for a in view.roster}
    return [{"id": s.id, "label": s.label} for s in view.problem.data.stations if s.id in used]


def _shift_key(problem: Problem, shift_id: str) -> tuple:
    shift = problem.data.shifts_by_id.get(shift_id)
    return (shift.start, shift.end, shift_id) if shift else (dt.time.max, dt.time.max, shift_id)


def _role_key(problem: Problem) -> dict[str, int]:
    return {role: i for i, role in enumerate(dict.fromkeys(d.role for d in problem.data.demand))}


def station_grid(view: RosterView, station_id: str) -> dict[str, Any]:
    """Days by periods (shift and role) of one position: who is on duty, who owns first
    inquiry, and the gaps with their cause."""
    problem, data = view.problem, view.problem.data
    slots = {(s.date, s.shift, s.role): s for s in problem.slots if s.station == station_id}
    duties: dict[tuple, list] = defaultdict(list)
    for a in view.roster:
        if a.station == station_id:
            duties[(a.date, a.shift, a.role)].append(a)
    short = {(s.date, s.shift, s.role): s for s in view.check.shortfalls if s.station == station_id}
    roles = _role_key(problem)
    columns = sorted(
        {(k[1], k[2]) for k in [*slots, *duties]}, key=lambda c: (_shift_key(problem, c[0]), roles.get(c[1], len(roles)), c[1])
    )
    show_roles = len({role for _, role in columns}) > 1 or any(role != "值守" for _, role in columns)
    unit_order = {u.id: i for i, u in enumerate(data.units)}
    rows = []
    for day in problem.days:
        cells: list[dict[str, Any]] = []
        for shift, role in columns:
            key = (day.date, shift, role)
            here = sorted(duties.get(key, []), key=lambda a: (not a.first_inquiry, unit_order.get(a.unit, 1 << 30), a.unit))
            slot = slots.get(key)
            if slot is None and not here:
                cells.append({"state": "closed"})
                continue
            gap = short.get(key)
            cause = view.causes.get((day.date, station_id, shift, role), "") if gap else ""
            cells.append(
                {
                    "state": "short" if gap else ("extra" if slot is None else "open"),
                    "missing": gap.missing if gap else 0,
                    "cause": cause,
                    "need": slot.min if slot else 0,
                    "units": [
                        {
                            "unit": a.unit,
                            "label": view.unit_label(a.unit),
                            "person": a.person or "",
                            "first": a.first_inquiry,
                            "date": a.date.isoformat(),
                            "station": a.station,
                            "shift": a.shift,
                        }
                        for a in here
                    ],
                }
            )
        rows.append({**day_info(day), "cells": cells})
    return {
        "station": {"id": station_id, "label": view.station_label(station_id)},
        "columns": [{"shift": view.shift_label(s, hours=True), "role": r if show_roles else ""} for s, r in columns],
        "rows": rows,
    }


# --- a unit's duties --------------------------------------------------------------------------------


def units(view: RosterView) -> list[dict[str, Any]]:
    counts: defaultdict[str, int] = defaultdict(int)
    for a in view.roster:
        counts[a.unit] += 1
    return [{"id": u.id, "label": u.label, "duties": counts[u.id]} for u in view.problem.data.units]


def unit_duties(view: RosterView, unit_id: str) -> dict[str, Any]:
    problem = view.problem
    unit = problem.data.units_by_id.get(unit_id)
    rows = []
    hours = 0.0
    rest = 0
    for a in view.roster.duties_of(unit_id):
        in_horizon = problem.in_horizon(a.date)
        info = day_info(problem.day(a.date)) if in_horizon else {"kind": "", "label": ""}
        shift = problem.data.shifts_by_id.get(a.shift)
        hours += shift.minutes / 60 if shift else 0
        rest += in_horizon and problem.is_rest(a.date)
        rows.append(
            {
                "date": a.date.isoformat(),
                "weekday": "周" + WEEKDAYS[a.date.weekday()],
                "kind": info["kind"],
                "label": info["label"],
                "station": view.station_label(a.station),
                "shift": view.shift_label(a.shift, hours=True),
                "role": a.role,
                "person": a.person or "",
                "first": a.first_inquiry,
                "unit": a.unit,
                "station_id": a.station,
                "shift_id": a.shift,
            }
        )
    target = problem.targets.get(unit_id, 0) / TARGET_SCALE
    ytd, ytd_rest = problem.ytd(unit_id)
    return {
        "unit": {
            "id": unit_id,
            "label": view.unit_label(unit_id),
            "members": unit.members if unit else 0,
            "category": (unit.category or "") if unit else "",
            "community": (unit.community or "") if unit else "",
            "contact": (unit.contact or "") if unit else "",
            "phone": (unit.phone or "") if unit else "",
        },
        "rows": rows,
        "duties": len(rows),
        "hours": round(hours, 1),
        "rest": rest,
        "ytd": ytd,
        "ytd_rest": ytd_rest,
        "target": round(target, 1),
        "rest_target": round(problem.weekend_targets.get(unit_id, 0) / TARGET_SCALE, 1),
    }


# --- fairness and penalties ---------------------------------------------------------------------------


def fairness(view: RosterView) -> list[dict[str, Any]]:
    """Per unit: duties per member (the year so far included, as the fairness rule counts
    them) against the fair share per member, and weekend/holiday duties against theirs."""
    problem = view.problem
    duties: dict[str, int] = defaultdict(int)
    rest: dict[str, int] = defaultdict(int)
    for a in view.roster:
        if problem.in_horizon(a.date):
            duties[a.unit] += 1
            rest[a.unit] += problem.is_rest(a.date)
    rows = []
    for unit in problem.data.units:
        ytd, ytd_rest = problem.ytd(unit.id)
        members = max(unit.members, 1)
        target = problem.targets.get(unit.id, 0) / TARGET_SCALE
        rest_target = problem.weekend_targets.get(unit.id, 0) / TARGET_SCALE
        rows.append(
            {
                "id": unit.id,
                "label": unit.label,
                "category": unit.category or "",
                "members": unit.members,
                "duties": duties[unit.id] + ytd,
                "target": round(target, 1),
                "per_member": (duties[unit.id] + ytd) / members,
                "target_per_member": target / members,
                "rest": rest[unit.id] + ytd_rest,
                "rest_target": round(rest_target, 1),
            }
        )
    return rows


def scores(view: RosterView) -> list[dict[str, Any]]:
    """Each soft rule's weight, amount and penalty, with its findings (the first 200)."""
    rows = []
    for score in view.check.scores:
        if not score.weight and not score.findings:
            continue  # a rule of the benchmark instances only, off for county data
        findings = [finding_row(view, f) for f in score.findings[:MAX_FINDINGS]]
        rows.append(
            {
                "rule": SOFT_RULE_NAMES.get(score.rule, score.rule),
                "weight": score.weight,
                "amount": f"{score.amount:g}",
                "penalty": points(score.penalty),
                "count": len(score.findings),
                "findings": findings,
                "more": max(len(score.findings) - MAX_FINDINGS, 0),
            }
        )
    return rows


def violations(view: RosterView) -> list[dict[str, str]]:
    return [{**finding_row(view, f), "rule": HARD_RULES.get(f.rule, f.rule)} for f in view.check.violations]


def finding_row(view: RosterView, f: Finding) -> dict[str, str]:
    return {
        "unit": view.unit_label(f.unit),
        "date": f.date.isoformat() if f.date else "",
        "station": view.station_label(f.station),
        "shift": view.shift_label(f.shift),
        "message": f.message,
        "penalty": points(f.penalty) if f.penalty else "",
    }


def shortfalls(view: RosterView) -> list[dict[str, Any]]:
    return [
        {
            "date": s.date.isoformat(),
            "station": view.station_label(s.station),
            "station_id": s.station,
            "shift": view.shift_label(s.shift, hours=True),
            "role": s.role,
            "missing": s.missing,
            "cause": view.causes.get((s.date, s.station, s.shift, s.role), ""),
        }
        for s in view.check.shortfalls
    ]


def figures(view: RosterView) -> dict[str, Any]:
    f = view.check.figures
    covered = f.needed_unit_duties - sum(s.missing for s in view.check.shortfalls)
    return {
        "covered": covered,
        "needed": f.needed_unit_duties,
        "violations": len(view.check.violations),
        "objective": points(view.check.objective),
        "cv": f"{f.duties_per_member_cv_rotation:.3f}",
        "spacing": f.spacing_pairs,
        "away": f.community_duties_away,
        "community": f.community_duties,
        "min_days_between": view.problem.data.rules.min_days_between,
    }
