"""The resolved planning problem for one horizon: every open slot, day types, eligibility, targets.

Everything the model and the checker need is derived here once, from a validated data set, so
that both read the same facts and neither re-interprets the tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property

from rotation import calendar, tables
from rotation.calendar import Day
from rotation.errors import DataError, DataIssue
from rotation.model import DataSet, Fixed, History, HomeCommunity, Request, Unit
from rotation.rules import RuleKey
from rotation.rules import name as rule_name
from rotation.units import TARGET_SCALE


@dataclass(frozen=True, order=True)
class Period:
    """A position open in one shift on one date."""

    date: dt.date
    station: str
    shift: str


@dataclass(frozen=True)
class Slot:
    """One role of one open period: how many units it needs and who may fill it."""

    index: int
    period: Period
    role: str
    min: int
    max: int
    eligible: tuple[str, ...]  # unit ids, in unit-table order
    community: str | None = None  # the station's community; None for county-wide positions

    @property
    def date(self) -> dt.date:
        return self.period.date

    @property
    def station(self) -> str:
        return self.period.station

    @property
    def shift(self) -> str:
        return self.period.shift


@dataclass(frozen=True)
class RestBlock:
    """A run of consecutive rest days or holidays inside one calendar month (counts once)."""

    month: tuple[int, int]
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class FairShares:
    """Each unit's fair share of duties and of rest-day duties, in tenths (see Problem.targets)."""

    duties: dict[str, int]
    rest_days: dict[str, int]


@dataclass(frozen=True)
class Problem:
    """One data set resolved over the dates ``start``..``end`` (inclusive)."""

    data: DataSet
    start: dt.date
    end: dt.date
    days: tuple[Day, ...]
    slots: tuple[Slot, ...]
    warnings: tuple[str, ...] = ()
    owned: frozenset[Period] = frozenset()  # periods whose first-inquiry owner is outside the model
    shares: FairShares | None = None  # set when the problem is part of a larger one, whose shares count
    occupied: frozenset[tuple[str, dt.date]] = frozenset()  # station-days someone outside the model holds
    station_days: tuple[tuple[str, tuple[dt.date, ...]], ...] | None = None  # a larger problem's open days

    # --- calendar ---------------------------------------------------------------------------

    @cached_property
    def _day_by_date(self) -> dict[dt.date, Day]:
        return {d.date: d for d in self.days}

    def day(self, date: dt.date) -> Day:
        return self._day_by_date[date]

    def in_horizon(self, date: dt.date) -> bool:
        return self.start <= date <= self.end

    def is_rest(self, date: dt.date) -> bool:
        """A rest day or statutory holiday: weekend duty for fairness and the weekend limit."""
        return not self.day(date).is_working

    @cached_property
    def months(self) -> tuple[tuple[int, int], ...]:
        return tuple(dict.fromkeys((d.date.year, d.date.month) for d in self.days))

    def month_is_whole(self, month: tuple[int, int]) -> bool:
        first = dt.date(month[0], month[1], 1)
        return self.start <= first and calendar.month_end(first) <= self.end

    @property
    def month_parts(self) -> list[tuple[dt.date, dt.date]]:
        """The first and last day of each month of the horizon, cut at the horizon's ends."""
        return [
            (max(self.start, dt.date(year, month, 1)), min(self.end, calendar.month_end(dt.date(year, month, 1))))
            for year, month in self.months
        ]

    @property
    def calendar_assumed(self) -> bool:
        """Whether the horizon's calendar was assumed (--assume-weekends), as its parts must be."""
        return any(d.source is calendar.CalendarSource.ASSUMED for d in self.days)

    @cached_property
    def rest_blocks(self) -> tuple[RestBlock, ...]:
        """The horizon's weekends (see :attr:`weekends`) cut at month ends."""
        return tuple(
            RestBlock(month, tuple(dates))
            for run in self.weekends
            for month, dates in itertools.groupby(run, key=lambda d: (d.year, d.month))
        )

    @cached_property
    def weekends(self) -> tuple[tuple[dt.date, ...], ...]:
        """Runs of consecutive rest days or holidays over the whole horizon, not cut at month
        ends: what a unit's ``limits.max_weekends`` counts, each run once."""
        runs: list[list[dt.date]] = []
        for day in self.days:
            if day.is_working:
                continue
            if runs and runs[-1][-1] == day.date - dt.timedelta(days=1):
                runs[-1].append(day.date)
            else:
                runs.append([day.date])
        return tuple(tuple(run) for run in runs)

    @cached_property
    def open_days(self) -> dict[str, tuple[dt.date, ...]]:
        """Each station's days with a slot that needs someone, in order: a position left with
        nobody on two of them in a row is what the rule ``gap_runs`` counts. A part of a larger
        problem keeps the larger one's days (``station_days``)."""
        if self.station_days is not None:
            return dict(self.station_days)
        days: dict[str, set[dt.date]] = defaultdict(set)
        for slot in self.slots:
            if slot.min > 0:
                days[slot.station].add(slot.date)
        return {station: tuple(sorted(dates)) for station, dates in days.items()}

    def request_days(self, request: Request) -> list[Day]:
        """The days of the horizon a request applies to."""
        if request.day.kind == "date":
            return [self.day(request.day.date)] if request.day.date in self._day_by_date else []
        return [day for day in self.days if request.day.matches(day.date, day.kind)]

    # --- units and people -------------------------------------------------------------------

    @property
    def units(self) -> tuple[Unit, ...]:
        return self.data.units

    def max_per_day(self, unit_id: str) -> int:
        return self.data.max_per_day(self.data.unit(unit_id))

    @cached_property
    def _unavailable(self) -> dict[tuple[str, str | None, dt.date], set[str | None]]:
        """(unit, person or None, date) -> shifts unavailable (None = all day)."""
        index: dict[tuple[str, str | None, dt.date], set[str | None]] = defaultdict(set)
        for absence in self.data.unavailability:
            date = max(absence.start, self.start)
            while date <= min(absence.end, self.end):
                index[(absence.unit, absence.person, date)].add(absence.shift)
                date += dt.timedelta(days=1)
        return index

    def unit_unavailable(self, unit_id: str, date: dt.date, shift: str) -> bool:
        shifts = self._unavailable.get((unit_id, None, date))
        return bool(shifts and (None in shifts or shift in shifts))

    def person_available(self, unit_id: str, person: str, date: dt.date, shift: str) -> bool:
        if self.unit_unavailable(unit_id, date, shift):
            return False
        shifts = self._unavailable.get((unit_id, person, date))
        return not shifts or (None not in shifts and shift not in shifts)

    def available_people(self, unit_id: str, date: dt.date, shift: str) -> tuple[str, ...]:
        key = (unit_id, date, shift)
        found = self._available.get(key)
        if found is None:
            found = tuple(p.name for p in self.data.people_of(unit_id) if self.person_available(unit_id, p.name, date, shift))
            self._available[key] = found
        return found

    @cached_property
    def _available(self) -> dict[tuple[str, dt.date, str], tuple[str, ...]]:
        return {}  # filled on demand: the model asks the same question many times

    def has_people(self, unit_id: str) -> bool:
        return bool(self.data.people_of(unit_id))

    # --- fair shares --------------------------------------------------------------------------

    @cached_property
    def targets(self) -> dict[str, int]:
        """Each unit's fair share of duties, in tenths, over the year when history is given."""
        return self.shares.duties if self.shares else self._targets(lambda slot: True, lambda h: h.duties_ytd)

    @cached_property
    def weekend_targets(self) -> dict[str, int]:
        """Each unit's fair share of rest-day and holiday duties, in tenths."""
        if self.shares:
            return self.shares.rest_days
        return self._targets(lambda slot: self.is_rest(slot.date), lambda h: h.weekends_ytd)

    def shares_through(self, since: dt.date, through: dt.date, history: bool) -> FairShares:
        """The fair shares of a part of this horizon, as this horizon's own shares count them:
        the demand from ``since`` through ``through``, plus (with ``history``) the whole share of
        the year so far. A month solved alone would share the year so far in its own month's
        proportions, which drift from the year's: a year solved month by month then ended
        with units 20-40 duties off their share."""

        def within(slot: Slot) -> bool:
            return since <= slot.date <= through

        return FairShares(
            self._targets(within, lambda h: h.duties_ytd if history else 0, whole=lambda slot: True),
            self._targets(
                lambda slot: within(slot) and self.is_rest(slot.date),
                lambda h: h.weekends_ytd if history else 0,
                whole=lambda slot: self.is_rest(slot.date),
            ),
        )

    def _targets(
        self, counts: Callable[[Slot], bool], ytd_of: Callable[[History], int], whole: Callable[[Slot], bool] | None = None
    ) -> dict[str, int]:
        """Each slot's demand is shared among the units that may fill it, in proportion to their
        members; the year so far (history) is shared in the same proportions as the slots
        ``whole`` counts (by default those ``counts`` counts)."""
        share = self._shares(counts)
        proportions = share if whole is None else self._shares(whole)
        ytd = {h.unit: ytd_of(h) for h in self.data.history}
        total_share = sum(proportions.values())
        total_ytd = sum(ytd.values())
        targets = {}
        for unit in share:
            year = share[unit] + (total_ytd * proportions[unit] / total_share if total_share else 0)
            targets[unit] = round(year * TARGET_SCALE)
        return targets

    def _shares(self, counts: Callable[[Slot], bool]) -> dict[str, Fraction]:
        members = {u.id: u.members for u in self.units}
        share: dict[str, Fraction] = {u.id: Fraction(0) for u in self.units}
        needed: dict[tuple[str, ...], int] = defaultdict(int)  # slots open to the same units share alike
        for slot in self.slots:
            if slot.min and slot.eligible and counts(slot):
                needed[slot.eligible] += slot.min
        for eligible, duties in needed.items():
            pool = sum(members[u] for u in eligible)
            for unit in eligible:
                share[unit] += Fraction(duties * members[unit], pool)
        return share

    def ytd(self, unit_id: str) -> tuple[int, int]:
        """(duties, weekend duties) of the year before the horizon."""
        for past in self.data.history:
            if past.unit == unit_id:
                return past.duties_ytd, past.weekends_ytd
        return 0, 0

    # --- sizes ---------------------------------------------------------------------------------

    @property
    def unit_duties(self) -> int:
        """Unit-duties the horizon needs at least."""
        return sum(slot.min for slot in self.slots)

    @cached_property
    def periods(self) -> tuple[Period, ...]:
        return tuple(dict.fromkeys(slot.period for slot in self.slots))


def build_problem(data: DataSet, start: dt.date, end: dt.date, assume_weekends: bool = False) -> Problem:
    """Resolve ``data`` over ``start``..``end``; raises DataError on dates or pins it cannot accept."""
    if end < start:
        raise DataError([DataIssue("排班范围", None, None, f"结束日期 {end} 早于开始日期 {start}")])
    history_issues = _check_history(data, start)
    if history_issues:
        raise DataError(history_issues)
    days = calendar.resolve_days(start, end, data.calendar, assume_weekends)
    warnings = []
    assumed = [d.date for d in days if d.source is calendar.CalendarSource.ASSUMED]
    if assumed:
        warnings.append(
            f"注意：{assumed[0]} 至 {assumed[-1]} 中有 {len(assumed)} 天不在内置日历中，"
            "已按普通周一至周五上班、周六周日休息推定；法定节假日安排公布后请补充「日历调整」表并重新排班。"
        )
    slots = _resolve_slots(data, days)
    bare = Problem(data, start, end, tuple(days), (), tuple(warnings))
    problem = replace(bare, slots=tuple(_with_eligibility(bare, slots)))
    issues = _check_pins(problem)
    if issues:
        raise DataError(issues)
    return problem


def _resolve_slots(data: DataSet, days: list[Day]) -> list[tuple[Period, str, int, int]]:
    """Apply the specificity rules of the demand table to every (station, date, shift, role)."""
    by_key: dict[tuple[str, str], list] = defaultdict(list)
    on_date: dict[tuple[str, str, dt.date], list] = defaultdict(list)  # rows for one date, looked up
    for row in data.demand:
        if row.day.kind == "date":
            assert row.day.date is not None  # a "date" day always names its date
            on_date[(row.shift, row.role, row.day.date)].append(row)
            by_key.setdefault((row.shift, row.role), [])
        else:
            by_key[(row.shift, row.role)].append(row)
    resolved = []
    for day in days:
        for (shift, role), rows in by_key.items():
            matching = [r for r in rows if r.day.matches(day.date, day.kind)] + on_date.get((shift, role, day.date), [])
            if not matching:
                continue
            for station in data.stations:
                best = None
                for row in matching:
                    if row.station == station.id or row.station == "*" or row.station == f"L{station.level}":
                        rank = (row.day.specificity, row.station_specificity)
                        if best is None or rank > best[0]:
                            best = (rank, row)
                if best is not None and best[1].max > 0:
                    resolved.append((Period(day.date, station.id, shift), role, best[1].min, best[1].max))
    resolved.sort(key=lambda r: (r[0].date, _station_order(data)[r[0].station], _shift_order(data)[r[0].shift], r[1]))
    return resolved


def _station_order(data: DataSet) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(data.stations)}


def _shift_order(data: DataSet) -> dict[str, int]:
    ordered = sorted(data.shifts, key=lambda s: (s.start, s.end, s.id))
    return {s.id: i for i, s in enumerate(ordered)}


def _with_eligibility(problem: Problem, resolved: list[tuple[Period, str, int, int]]) -> list[Slot]:
    data = problem.data
    by_role: dict[str, list[Unit]] = defaultdict(list)
    for unit in data.units:
        for role in unit.roles:
            by_role[role].append(unit)
    require = data.rules.home_community is HomeCommunity.REQUIRE
    # the positions of one day and shift mostly share their units: ask once per kind of slot
    # (docs/solver.md §5)
    kinds: dict[tuple[str, str | None, dt.date, str], tuple[str, ...]] = {}
    slots = []
    for index, (period, role, low, high) in enumerate(resolved):
        community = data.station(period.station).community
        kind = (role, community if require else None, period.date, period.shift)
        eligible = kinds.get(kind)
        if eligible is None:
            eligible = kinds[kind] = tuple(
                unit.id
                for unit in by_role.get(role, [])
                if not (require and community is not None and unit.community != community)
                and not problem.unit_unavailable(unit.id, period.date, period.shift)
                and unit.limits.most_in_shift(period.shift) != 0
                and (not problem.has_people(unit.id) or problem.available_people(unit.id, period.date, period.shift))
            )
        slots.append(Slot(index, period, role, low, high, eligible, community))
    return slots


def _check_pins(problem: Problem) -> list[DataIssue]:
    """A fixed duty must name an open slot, a unit eligible for it and an available person,
    and must not leave its period without a possible first-inquiry owner."""
    issues = []
    table = tables.FIXED.zh
    owners: dict[tuple, int | None] = {}
    seen: dict[tuple, int | None] = {}
    pinned: dict[tuple, list[Fixed]] = defaultdict(list)
    slots = {(s.period, s.role): s for s in problem.slots}
    places: dict[tuple, int] = defaultdict(int)  # how many units a period can hold at most
    for s in problem.slots:
        places[(s.date, s.station, s.shift)] += s.max
    for pin in problem.data.fixed:
        if not problem.in_horizon(pin.date):
            continue
        row = pin.source.row if pin.source else None
        period = (pin.date, pin.station, pin.shift)
        slot = slots.get((Period(*period), pin.role))
        if slot is None:
            issues.append(
                DataIssue(
                    table, row, "时段", f"{pin.date} {pin.station} 的时段「{pin.shift}」没有开放角色「{pin.role}」（见需求表）"
                )
            )
        elif problem.unit_unavailable(pin.unit, pin.date, pin.shift):
            issues.append(DataIssue(table, row, "单位", f"单位「{pin.unit}」在 {pin.date} 登记为不可安排"))
        elif pin.unit not in slot.eligible:
            issues.append(
                DataIssue(
                    table,
                    row,
                    "单位",
                    f"单位「{pin.unit}」不能在该阵地担任「{pin.role}」（报到社区规则为「必须」或该单位无可用人员）",
                )
            )
        elif pin.person is not None and not problem.person_available(pin.unit, pin.person, pin.date, pin.shift):
            issues.append(DataIssue(table, row, "姓名", f"人员「{pin.person}」在 {pin.date} 登记为不可安排"))
        elif problem.data.unit(pin.unit).max_total == 0:
            issues.append(DataIssue(table, row, "单位", f"单位「{pin.unit}」每月最多次数为 0"))
        elif (pin.date, pin.station, pin.shift, pin.role, pin.unit) in seen:
            issues.append(
                DataIssue(
                    table, row, "单位", f"与第 {seen[(pin.date, pin.station, pin.shift, pin.role, pin.unit)]} 行是同一个值班"
                )
            )
        else:
            pinned[period].append(pin)
        seen.setdefault((pin.date, pin.station, pin.shift, pin.role, pin.unit), row)
        if pin.first_inquiry:
            if not problem.data.unit(pin.unit).first_inquiry:
                issues.append(DataIssue(table, row, "首问", f"单位「{pin.unit}」不能担任首问责任单位（单位表「可任首问」为否）"))
            elif not _can_own(problem, pin):
                issues.append(DataIssue(table, row, "首问", f"人员「{pin.person}」不能担任首问责任人（人员表「可任首问」为否）"))
            if period in owners:
                issues.append(DataIssue(table, row, "首问", f"同一时段已在第 {owners[period]} 行指定了首问责任单位"))
            owners.setdefault(period, row)
    for period, pins in pinned.items():
        if any(_can_own(problem, pin) or pin.first_inquiry for pin in pins):
            continue  # a pin marked 首问 is judged on its own row above
        others = {
            u
            for s in problem.slots
            if (s.date, s.station, s.shift) == period
            for u in s.eligible
            if _qualified(problem, u, period[0], period[2])
        } - {pin.unit for pin in pins}
        if places[period] > len(pins) and others:
            continue
        row = pins[-1].source.row if pins[-1].source else None
        issues.append(
            DataIssue(
                table,
                row,
                "首问",
                "固定安排的单位或人员都不能担任这个时段的首问责任（或「首问」填了否），"
                "而时段里没有位置或没有可任首问的单位可以加进来",
            )
        )
    if not issues:
        issues = _conflicting_pins(problem)
    return issues


def _conflicting_pins(problem: Problem) -> list[DataIssue]:
    """The pins' conflicts among themselves (:func:`rotation.checker.pin_conflicts`), as data
    errors on the row of the pin to change."""
    from rotation.checker import pin_conflicts  # the checker states the rules; here they judge the pins

    pins = [p for p in problem.data.fixed if problem.in_horizon(p.date)]
    issues = []
    for finding in pin_conflicts(problem):
        rows = [
            p.source.row
            for p in pins
            if p.unit == finding.unit
            and p.source
            and (finding.date is None or abs((p.date - finding.date).days) <= problem.data.rules.max_consecutive_days)
        ]
        column = "姓名" if finding.rule is RuleKey.PERSON_ONCE else "单位"  # one person twice: the name is what to change
        issues.append(
            DataIssue(
                tables.FIXED.zh,
                rows[-1] if rows else None,
                column,
                f"固定安排之间违反「{rule_name(finding.rule)}」：{finding.unit} {finding.message}",
            )
        )
    return issues


def _qualified(problem: Problem, unit_id: str, date: dt.date, shift: str) -> bool:
    """Whether ``unit_id`` could own a period on ``date`` in ``shift`` (itself and a person)."""
    unit = problem.data.unit(unit_id)
    people = problem.data.people_of(unit_id)
    free = problem.available_people(unit_id, date, shift)
    return unit.first_inquiry and (not people or any(p.first_inquiry and p.name in free for p in people))


def _can_own(problem: Problem, pin: Fixed) -> bool:
    """Whether a pinned duty may be its period's first-inquiry owner."""
    if pin.first_inquiry is False or not problem.data.unit(pin.unit).first_inquiry:
        return False
    person = next((p for p in problem.data.people_of(pin.unit) if p.name == pin.person), None)
    return person is None or person.first_inquiry


def _check_history(data: DataSet, start: dt.date) -> list[DataIssue]:
    return [
        DataIssue(
            tables.HISTORY.zh,
            past.source.row if past.source else None,
            "上次值班日期",
            f"上次值班日期 {past.last_duty} 不早于排班开始日期 {start}",
        )
        for past in data.history
        if past.last_duty is not None and past.last_duty >= start
    ]
