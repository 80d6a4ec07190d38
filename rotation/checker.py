"""The independent checker: every hard violation and every soft penalty of a roster.

It reads only a :class:`~rotation.problem.Problem` and a :class:`~rotation.roster.Roster`, and
never the solver's variables or formulation: each rule is written here again, plainly, from the
data format. Every roster the solver returns goes through it; its objective must equal the
solver's, and the tests hold the two to it.

Penalties are integers in hundredths of a point (:data:`SCALE`), so that fairness, whose fair
shares are kept in tenths of a duty, is exact.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from rotation.model import DEFAULT_ROLE, SOFT_RULES, HomeCommunity, RequestKind
from rotation.problem import Problem
from rotation.roster import Assignment, Roster
from rotation.rules import HARD, SOFT, RuleKey
from rotation.units import SCALE, TARGET_SCALE

HARD_RULES = {rule.key.value: rule.name for rule in HARD}
"""Hard rules by key, with the names reports show (from :mod:`rotation.rules`)."""
SOFT_RULE_NAMES = {rule.key.value: rule.name for rule in SOFT}
"""Soft rules by key, with the names reports show (from :mod:`rotation.rules`)."""


@dataclass(frozen=True)
class Finding:
    """One broken hard rule, or one broken instance of a soft rule with its penalty."""

    rule: RuleKey
    message: str
    unit: str | None = None
    date: dt.date | None = None
    station: str | None = None
    shift: str | None = None
    penalty: int = 0


@dataclass(frozen=True)
class Shortfall:
    """A slot with fewer units than its minimum."""

    date: dt.date
    station: str
    shift: str
    role: str
    needed: int
    assigned: int

    @property
    def missing(self) -> int:
        return self.needed - self.assigned


@dataclass(frozen=True)
class RuleScore:
    """A soft rule's weight, its amount (in the rule's own unit), penalty and broken instances."""

    rule: RuleKey
    weight: int
    amount: float
    penalty: int
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Figures:
    """Plain figures a planner (and the benchmark) reads off a roster."""

    duties: dict[str, int]
    duties_per_member_cv: float
    duties_per_member_cv_rotation: float
    spacing_pairs: int
    community_duties: int
    community_duties_away: int
    assigned_unit_duties: int
    needed_unit_duties: int
    person_spread: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    violations: tuple[Finding, ...]
    scores: tuple[RuleScore, ...]
    shortfalls: tuple[Shortfall, ...]
    figures: Figures

    @property
    def objective(self) -> int:
        """The total penalty, in hundredths of a point."""
        return sum(score.penalty for score in self.scores)

    @property
    def feasible(self) -> bool:
        """True when no hard rule is broken (shortfalls are soft)."""
        return not self.violations

    def score(self, rule: str) -> RuleScore:
        return next(s for s in self.scores if s.rule == rule)


def check(problem: Problem, roster: Roster) -> CheckResult:
    """Find every hard violation and compute every soft penalty of ``roster``."""
    violations: list[Finding] = []
    violations += _check_slots(problem, roster)
    violations += _check_fixed(problem, roster)
    violations += _check_days(problem, roster)
    violations += _check_monthly(problem, roster)
    violations += _check_horizon_limits(problem, roster)
    violations += _check_first_inquiry(problem, roster)
    violations += _check_people(problem, roster)

    shortfalls = _shortfalls(problem, roster)
    weights = dict(problem.data.rules.weights)
    scores = (
        _coverage_score(shortfalls, weights["coverage"]),
        _gap_runs_score(problem, roster, weights["gap_runs"]),
        _fairness_score(problem, roster, RuleKey.FAIRNESS, weights["fairness"]),
        _fairness_score(problem, roster, RuleKey.WEEKEND_FAIRNESS, weights["weekend_fairness"]),
        _spacing_score(problem, roster, weights["spacing"]),
        _home_community_score(problem, roster, weights["home_community"]),
        _requests_score(problem, roster, weights["requests"]),
        _overstaffing_score(problem, roster, weights["overstaffing"]),
    )
    assert tuple(s.rule for s in scores) == SOFT_RULES
    return CheckResult(tuple(violations), scores, tuple(shortfalls), _figures(problem, roster))


# --- hard rules ---------------------------------------------------------------------------------


class _Where(TypedDict, total=False):
    """Where a finding is, as keyword arguments of :class:`Finding`."""

    unit: str | None
    date: dt.date | None
    station: str | None
    shift: str | None


def _where(a: Assignment) -> _Where:
    return {"unit": a.unit, "date": a.date, "station": a.station, "shift": a.shift}


def _check_slots(problem: Problem, roster: Roster) -> list[Finding]:
    data = problem.data
    slots = {(s.period.date, s.period.station, s.period.shift, s.role): s for s in problem.slots}
    found = []
    count: Counter = Counter()
    for a in roster:
        key = (a.date, a.station, a.shift, a.role)
        count[key] += 1
        slot = slots.get(key)
        if slot is None:
            found.append(Finding(RuleKey.SLOT, f"{a.date} {a.station} {a.shift} 没有开放角色「{a.role}」", **_where(a)))
            continue
        if a.unit not in data.units_by_id:
            found.append(Finding(RuleKey.UNIT, f"单位「{a.unit}」不在单位表中", **_where(a)))
            continue
        unit = data.unit(a.unit)
        if a.role not in unit.roles:
            found.append(Finding(RuleKey.ROLE, f"{unit.label} 不能担任「{a.role}」", **_where(a)))
        community = data.station(a.station).community
        if data.rules.home_community is HomeCommunity.REQUIRE and community is not None and unit.community != community:
            found.append(Finding(RuleKey.COMMUNITY, f"{unit.label} 不属于「{community}」，报到社区规则为「必须」", **_where(a)))
        if problem.unit_unavailable(a.unit, a.date, a.shift):
            found.append(Finding(RuleKey.UNAVAILABLE, f"{unit.label} 在 {a.date} 登记为不可安排", **_where(a)))
    seen: Counter = Counter((a.date, a.station, a.shift, a.role, a.unit) for a in roster)
    for (date, station, shift, _, unit), n in seen.items():
        if n > 1:
            found.append(
                Finding(
                    RuleKey.DUPLICATE,
                    f"同一单位在同一时段同一角色被安排了 {n} 次",
                    unit=unit,
                    date=date,
                    station=station,
                    shift=shift,
                )
            )
    for key, n in count.items():
        slot = slots.get(key)
        if slot is not None and n > slot.max:
            found.append(
                Finding(
                    RuleKey.COVERAGE_MAX,
                    f"「{key[3]}」安排了 {n} 个单位，最多 {slot.max} 个",
                    date=key[0],
                    station=key[1],
                    shift=key[2],
                )
            )
    return found


def _check_fixed(problem: Problem, roster: Roster) -> list[Finding]:
    found = []
    present = {(a.date, a.station, a.shift, a.role, a.unit): a for a in roster}
    for pin in problem.data.fixed:
        if not problem.in_horizon(pin.date):
            continue
        where: _Where = {"unit": pin.unit, "date": pin.date, "station": pin.station, "shift": pin.shift}
        a = present.get((pin.date, pin.station, pin.shift, pin.role, pin.unit))
        if a is None:
            found.append(Finding(RuleKey.FIXED, f"固定安排未执行：{pin.unit} 担任「{pin.role}」", **where))
        elif pin.person is not None and a.person != pin.person:
            found.append(Finding(RuleKey.FIXED, f"固定安排的值班人员应为 {pin.person}", **where))
        elif pin.first_inquiry is not None and a.first_inquiry != pin.first_inquiry:
            found.append(Finding(RuleKey.FIXED, "固定安排的首问责任与规定不符", **where))
    return found


def _duty_days(roster: Roster, unit: str) -> Counter:
    return Counter(a.date for a in roster.duties_of(unit))


def _check_days(problem: Problem, roster: Roster) -> list[Finding]:
    """max_per_day, forbidden successions, consecutive days and weekends, history included."""
    data = problem.data
    rules = data.rules
    found = []
    history = {h.unit: h for h in data.history}
    forbidden = set(rules.forbidden_successions)
    one_day = dt.timedelta(days=1)
    for unit_id, duties in roster.by_unit.items():
        if unit_id not in data.units_by_id:
            continue
        per_day = _duty_days(roster, unit_id)
        limit = problem.max_per_day(unit_id)
        for date, n in sorted(per_day.items()):
            if n > limit:
                found.append(Finding(RuleKey.MAX_PER_DAY, f"当天值班 {n} 次，每日最多 {limit} 次", unit=unit_id, date=date))

        shifts_on: dict[dt.date, set[str]] = defaultdict(set)
        for a in duties:
            shifts_on[a.date].add(a.shift)
        past = history.get(unit_id)
        if past is not None and past.last_duty is not None and past.last_shift is not None:
            shifts_on.setdefault(past.last_duty, set()).add(past.last_shift)
        for date in sorted(shifts_on):
            for first in shifts_on[date]:
                for second in shifts_on.get(date + one_day, ()):
                    if (first, second) in forbidden:
                        found.append(
                            Finding(
                                RuleKey.SUCCESSION,
                                f"{date} 值「{first}」后，次日不能值「{second}」",
                                unit=unit_id,
                                date=date + one_day,
                            )
                        )

        worked = set(per_day)
        if past is not None and past.last_duty is not None:
            worked |= {past.last_duty - k * one_day for k in range(past.run_days)}
        run = 0
        most = data.max_consecutive_days(data.unit(unit_id))
        for date in sorted(worked):
            run = run + 1 if date - one_day in worked else 1
            if run > most and problem.in_horizon(date):
                found.append(Finding(RuleKey.CONSECUTIVE, f"连续值班 {run} 天，最多 {most} 天", unit=unit_id, date=date))

        blocks_by_month: Counter = Counter()
        for block in problem.rest_blocks:
            if any(d in per_day for d in block.dates):
                blocks_by_month[block.month] += 1
        for month, n in sorted(blocks_by_month.items()):
            if n > rules.max_weekends_per_month:
                found.append(
                    Finding(
                        RuleKey.WEEKENDS,
                        f"{month[0]}年{month[1]}月值了 {n} 个周末或节假日，最多 {rules.max_weekends_per_month} 个",
                        unit=unit_id,
                    )
                )
    return found


def _check_monthly(problem: Problem, roster: Roster) -> list[Finding]:
    found = []
    for unit in problem.units:
        per_month = Counter((a.date.year, a.date.month) for a in roster.duties_of(unit.id))
        for month in problem.months:
            n = per_month.get(month, 0)
            if unit.max_total is not None and n > unit.max_total:
                found.append(
                    Finding(RuleKey.MAX_TOTAL, f"{month[0]}年{month[1]}月值班 {n} 次，最多 {unit.max_total} 次", unit=unit.id)
                )
            if unit.min_total is not None and problem.month_is_whole(month) and n < unit.min_total:
                found.append(
                    Finding(RuleKey.MIN_TOTAL, f"{month[0]}年{month[1]}月值班 {n} 次，最少 {unit.min_total} 次", unit=unit.id)
                )
    return found


def _check_horizon_limits(problem: Problem, roster: Roster) -> list[Finding]:
    """The limits a unit may carry over the whole horizon: duties per shift, minutes, the
    shortest runs of duty days and of free days, weekends."""
    data = problem.data
    found = []
    days = [problem.start + dt.timedelta(days=k) for k in range((problem.end - problem.start).days + 1)]
    for unit in problem.units:
        limits = unit.limits
        duties = roster.duties_of(unit.id)
        per_shift = Counter(a.shift for a in duties)
        for shift, most in limits.max_per_shift:
            if per_shift[shift] > most:
                found.append(Finding(RuleKey.PER_SHIFT, f"值「{shift}」{per_shift[shift]} 次，最多 {most} 次", unit=unit.id))
        minutes = sum(data.shift(a.shift).minutes for a in duties if a.shift in data.shifts_by_id)
        if limits.max_minutes is not None and minutes > limits.max_minutes:
            found.append(Finding(RuleKey.MAX_MINUTES, f"总时长 {minutes} 分钟，最长 {limits.max_minutes} 分钟", unit=unit.id))
        if limits.min_minutes is not None and minutes < limits.min_minutes:
            found.append(Finding(RuleKey.MIN_MINUTES, f"总时长 {minutes} 分钟，最短 {limits.min_minutes} 分钟", unit=unit.id))
        on = {a.date for a in duties}
        for working, least, rule, what in (
            (True, limits.min_consecutive_days, RuleKey.MIN_CONSECUTIVE, "连续值班"),
            (False, limits.min_days_off, RuleKey.MIN_DAYS_OFF, "连续休息"),
        ):
            if least is None:
                continue
            for first, last in _runs(days, on, working):
                # a run touching the first or last day may go on outside the horizon
                length = (last - first).days + 1
                if first > problem.start and last < problem.end and length < least:
                    found.append(Finding(rule, f"{first} 起{what} {length} 天，最少 {least} 天", unit=unit.id, date=first))
        if limits.max_weekends is not None:
            worked = sum(1 for block in problem.weekends if on.intersection(block))
            if worked > limits.max_weekends:
                found.append(
                    Finding(
                        RuleKey.HORIZON_WEEKENDS,
                        f"排班期内值了 {worked} 个周末或节假日，最多 {limits.max_weekends} 个",
                        unit=unit.id,
                    )
                )
    return found


def _runs(days: list[dt.date], on: set[dt.date], working: bool) -> list[tuple[dt.date, dt.date]]:
    """(first, last) of each maximal run of ``days`` that are in ``on`` (``working``) or not."""
    runs: list[tuple[dt.date, dt.date]] = []
    for date in days:
        if (date in on) != working:
            continue
        if runs and runs[-1][1] == date - dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], date)
        else:
            runs.append((date, date))
    return runs


def _check_first_inquiry(problem: Problem, roster: Roster) -> list[Finding]:
    data = problem.data
    found = []
    for (date, station, shift), rows in roster.by_period.items():
        where: _Where = {"date": date, "station": station, "shift": shift}
        owners = [a for a in rows if a.first_inquiry]
        if len(owners) != 1:
            found.append(Finding(RuleKey.FIRST_INQUIRY, f"该时段有 {len(owners)} 个首问责任人，应恰好 1 个", **where))
        for a in owners:
            unit = data.units_by_id.get(a.unit)
            if unit is not None and not unit.first_inquiry:
                found.append(Finding(RuleKey.FIRST_INQUIRY, f"{unit.label} 不能担任首问责任单位", **_where(a)))
            person = next((p for p in data.people_of(a.unit) if p.name == a.person), None)
            if person is not None and not person.first_inquiry:
                found.append(Finding(RuleKey.FIRST_INQUIRY, f"{person.name} 不能担任首问责任人", **_where(a)))
    return found


def _check_people(problem: Problem, roster: Roster) -> list[Finding]:
    data = problem.data
    found = []
    for unit_id, duties in roster.by_unit.items():
        people = {p.name for p in data.people_of(unit_id)}
        if not people:
            continue
        per_person_day: Counter = Counter()
        for a in duties:
            if not a.person:
                found.append(Finding(RuleKey.PERSON, "该单位有人员名单，每次值班须写明值班人员", **_where(a)))
                continue
            if a.person not in people:
                found.append(Finding(RuleKey.PERSON, f"「{a.person}」不在该单位的人员名单中", **_where(a)))
                continue
            if not problem.unit_unavailable(unit_id, a.date, a.shift) and not problem.person_available(
                unit_id, a.person, a.date, a.shift
            ):  # a unit away is reported once, in _check_slots
                found.append(Finding(RuleKey.UNAVAILABLE, f"{a.person} 在 {a.date} 登记为不可安排", **_where(a)))
            per_person_day[(a.person, a.date)] += 1
        for (person, date), n in sorted(per_person_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if n > 1:
                found.append(
                    Finding(RuleKey.PERSON_ONCE, f"{person} 当天被安排了 {n} 次，每人每天最多 1 次", unit=unit_id, date=date)
                )
    return found


def pin_conflicts(problem: Problem) -> list[Finding]:
    """The hard rules the fixed duties break among themselves, whatever else is planned: two a
    day, too many days in a row, a forbidden succession, a month's maximum, one person twice a
    day. (Minimums and coverage are for the rest of the roster to meet.)"""
    roster = Roster(
        Assignment(p.date, p.station, p.shift, p.role, p.unit, p.person, bool(p.first_inquiry))
        for p in problem.data.fixed
        if problem.in_horizon(p.date)
    )
    findings = _check_days(problem, roster) + [f for f in _check_monthly(problem, roster) if f.rule is RuleKey.MAX_TOTAL]
    return findings + [f for f in _check_people(problem, roster) if f.rule is RuleKey.PERSON_ONCE]


# --- soft rules ---------------------------------------------------------------------------------


def _shortfalls(problem: Problem, roster: Roster) -> list[Shortfall]:
    count = Counter((a.date, a.station, a.shift, a.role) for a in roster)
    result = []
    for slot in problem.slots:
        n = count.get((slot.date, slot.station, slot.shift, slot.role), 0)
        if n < slot.min:
            result.append(Shortfall(slot.date, slot.station, slot.shift, slot.role, slot.min, n))
    return result


def _coverage_score(shortfalls: list[Shortfall], weight: int) -> RuleScore:
    findings = tuple(
        Finding(
            RuleKey.COVERAGE,
            f"「{s.role}」需要 {s.needed} 个单位，只安排了 {s.assigned} 个",
            None,
            s.date,
            s.station,
            s.shift,
            weight * SCALE * s.missing,
        )
        for s in shortfalls
    )
    missing = sum(s.missing for s in shortfalls)
    return RuleScore(RuleKey.COVERAGE, weight, missing, weight * SCALE * missing, findings)


def _gap_runs_score(problem: Problem, roster: Roster, weight: int) -> RuleScore:
    """Each pair of consecutive open days of a position (days with a slot that needs someone)
    on which nobody is on duty there at all."""
    held = {(a.station, a.date) for a in roster}
    findings = []
    for station, days in problem.open_days.items():
        for first, second in itertools.pairwise(days):
            if (station, first) not in held and (station, second) not in held:
                findings.append(
                    Finding(
                        RuleKey.GAP_RUNS,
                        f"{first} 与 {second} 都没有任何单位值守",
                        date=second,
                        station=station,
                        penalty=weight * SCALE,
                    )
                )
    return RuleScore(RuleKey.GAP_RUNS, weight, len(findings), weight * SCALE * len(findings), tuple(findings))


def _fairness_score(problem: Problem, roster: Roster, rule: RuleKey, weight: int) -> RuleScore:
    """Squared deviation of each unit's duties (year to date plus this horizon) from its fair share."""
    weekend = rule is RuleKey.WEEKEND_FAIRNESS
    targets = problem.weekend_targets if weekend else problem.targets
    findings = []
    amount = 0
    for unit in problem.units:
        duties = sum(1 for a in roster.duties_of(unit.id) if not weekend or problem.is_rest(a.date))
        ytd = problem.ytd(unit.id)[1 if weekend else 0]
        deviation = TARGET_SCALE * (ytd + duties) - targets[unit.id]  # in tenths of a duty
        amount += deviation * deviation
        if deviation:
            what = "周末节假日值班" if weekend else "值班"
            findings.append(
                Finding(
                    rule,
                    f"{what} {ytd + duties} 次，公平份额 {targets[unit.id] / TARGET_SCALE:.1f} 次",
                    unit=unit.id,
                    penalty=weight * deviation * deviation,
                )
            )
    # amount is in hundredths of a squared duty, so weight * amount is already in SCALE units
    return RuleScore(rule, weight, amount / (TARGET_SCALE * TARGET_SCALE), weight * amount, tuple(findings))


def _spacing_score(problem: Problem, roster: Roster, weight: int) -> RuleScore:
    """Each pair of one unit's duties on different days fewer than min_days_between apart."""
    gap = problem.data.rules.min_days_between
    history = {h.unit: h for h in problem.data.history}
    findings = []
    pairs = 0
    for unit_id, duties in sorted(roster.by_unit.items()):
        dates = [a.date for a in duties]
        past = history.get(unit_id)
        if past is not None and past.last_duty is not None:
            dates.append(past.last_duty)
        dates.sort()
        for i, first in enumerate(dates):
            for second in dates[i + 1 :]:
                distance = (second - first).days
                if distance >= gap:
                    break
                if distance > 0:
                    pairs += 1
                    findings.append(
                        Finding(
                            RuleKey.SPACING,
                            f"{first} 与 {second} 两次值班只隔 {distance} 天",
                            unit=unit_id,
                            date=second,
                            penalty=weight * SCALE,
                        )
                    )
    return RuleScore(RuleKey.SPACING, weight, pairs, weight * SCALE * pairs, tuple(findings))


def _home_community_score(problem: Problem, roster: Roster, weight: int) -> RuleScore:
    data = problem.data
    findings = []
    if data.rules.home_community is HomeCommunity.PREFER:
        for a in roster:
            unit = data.units_by_id.get(a.unit)
            community = data.station(a.station).community if a.station in data.stations_by_id else None
            if unit is not None and unit.community and community and community != unit.community:
                findings.append(
                    Finding(
                        RuleKey.HOME_COMMUNITY,
                        f"报到社区为「{unit.community}」，在「{community}」值班",
                        penalty=weight * SCALE,
                        **_where(a),
                    )
                )
    return RuleScore(RuleKey.HOME_COMMUNITY, weight, len(findings), weight * SCALE * len(findings), tuple(findings))


def _requests_score(problem: Problem, roster: Roster, weight: int) -> RuleScore:
    findings = []
    amount = 0
    for request in problem.data.requests:
        duties = roster.duties_of(request.unit)
        for day in problem.request_days(request):
            matching = [
                a
                for a in duties
                if a.date == day.date
                and (request.shift is None or a.shift == request.shift)
                and (request.station is None or a.station == request.station)
            ]
            if request.kind is RequestKind.WANT and not matching:
                amount += request.weight
                findings.append(
                    Finding(
                        RuleKey.REQUESTS,
                        "希望值班未满足",
                        unit=request.unit,
                        date=day.date,
                        station=request.station,
                        shift=request.shift,
                        penalty=weight * SCALE * request.weight,
                    )
                )
            if request.kind is RequestKind.AVOID:
                for a in matching:
                    amount += request.weight
                    findings.append(
                        Finding(RuleKey.REQUESTS, "安排在希望避免的时间", penalty=weight * SCALE * request.weight, **_where(a))
                    )
    return RuleScore(RuleKey.REQUESTS, weight, amount, weight * SCALE * amount, tuple(findings))


def _overstaffing_score(problem: Problem, roster: Roster, weight: int) -> RuleScore:
    """Each unit-duty beyond its slot's minimum."""
    count = Counter((a.date, a.station, a.shift, a.role) for a in roster)
    findings = []
    amount = 0
    for slot in problem.slots:
        n = count.get((slot.date, slot.station, slot.shift, slot.role), 0)
        if n > slot.min:
            amount += n - slot.min
            findings.append(
                Finding(
                    RuleKey.OVERSTAFFING,
                    f"「{slot.role}」需要 {slot.min} 个单位，安排了 {n} 个",
                    None,
                    slot.date,
                    slot.station,
                    slot.shift,
                    weight * SCALE * (n - slot.min),
                )
            )
    return RuleScore(RuleKey.OVERSTAFFING, weight, amount, weight * SCALE * amount, tuple(findings))


# --- figures ------------------------------------------------------------------------------------


def _cv(values: list[float]) -> float:
    if len(values) < 2 or statistics.fmean(values) == 0:
        return 0.0
    return statistics.pstdev(values) / statistics.fmean(values)


def _figures(problem: Problem, roster: Roster) -> Figures:
    data = problem.data
    duties = {u.id: len(roster.duties_of(u.id)) for u in problem.units}
    sharing = [u for u in problem.units if problem.targets[u.id] > 0]
    rotation = [u for u in sharing if DEFAULT_ROLE in u.roles]
    community_duties = away = 0
    for a in roster:
        station = data.stations_by_id.get(a.station)
        unit = data.units_by_id.get(a.unit)
        if station is None or unit is None or station.community is None:
            continue
        community_duties += 1
        away += unit.community != station.community
    person_spread = {}
    for unit_id, rows in roster.by_unit.items():
        names = [p.name for p in data.people_of(unit_id)]
        if names:
            load = Counter(a.person for a in rows)
            counts = [load.get(n, 0) for n in names]
            person_spread[unit_id] = max(counts) - min(counts)
    spacing = _spacing_score(problem, roster, 0).amount
    return Figures(
        duties=duties,
        duties_per_member_cv=_cv([duties[u.id] / u.members for u in sharing]),
        duties_per_member_cv_rotation=_cv([duties[u.id] / u.members for u in rotation]),
        spacing_pairs=int(spacing),
        community_duties=community_duties,
        community_duties_away=away,
        assigned_unit_duties=len(roster),
        needed_unit_duties=problem.unit_duties,
        person_spread=person_spread,
    )
