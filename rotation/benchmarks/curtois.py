"""The Curtois & Qu staff-scheduling benchmark (instances 1-24 of schedulingbenchmarks.org),
read into the same data model as a county's tables, so that our one model and our one checker
solve and judge it (see docs/curtois.md for the format and how each rule maps).

Staff become units, shift types become shifts of one position, cover lines become demand for
one date, and day 0 becomes :data:`FIRST_DAY`, a Monday, with a calendar of plain weeks: the
benchmark's weekends are Saturday and Sunday, and it has no holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from rotation import checker, engine
from rotation.checker import CheckResult
from rotation.engine import BENCHMARK, Improve, solve_whole
from rotation.errors import DataError, DataIssue
from rotation.model import (
    DEFAULT_ROLE,
    MAX_DAYS,
    MAX_WEIGHT,
    CalendarDay,
    DataSet,
    DayKind,
    DaySpec,
    Demand,
    FieldError,
    HomeCommunity,
    Request,
    RequestKind,
    Rules,
    Shift,
    Station,
    Unavailability,
    Unit,
    UnitLimits,
)
from rotation.problem import Problem, build_problem
from rotation.result import Result
from rotation.roster import Assignment, Roster
from rotation.rules import name as rule_name
from rotation.solver.cpsat import Progress, SearchControl, SolveOptions
from rotation.status import SolveStatus
from rotation.units import SCALE

FIRST_DAY = dt.date(2024, 1, 1)
"""The date day 0 becomes: a Monday, as day 0 is in every instance."""
WARD = "ward"
"""The one position every shift belongs to."""
OFF = "-"
"""A day off in the roster format."""
LP_SHARE = 0.3
"""Of the time limit, what the ``colgen`` method's roster LP may take at most (it stops sooner
once converged: under a second on instances 1-4). This share and those below shrink alike when
a large model needs more than :data:`SEARCH_SHARE` for its build."""
UNCOUNTED_LP_SHARE = 0.02
"""The LP's share instead, where its pricing keeps no counting rule and the model is not built
(21-24): its columns then seldom keep every rule, so the restricted master chooses among the
completion's, and no model search draws on its gap terms; windows make more of the time
(docs/curtois.md, "An LP priced without counts")."""
DIVE_SHARE = 0.3
"""Of the time limit, what the dive may take at most, with the LP's time it did not use (a dive
with no time left gives up). Its last steps, with few employees free, take most of its rounds;
cut short, they fix the LP's fractional solution (docs/curtois.md, "The dive with the LP's
time")."""
MASTER_SHARE = 0.1
"""Of the time limit, what CP-SAT may take to combine the LP's columns into a roster; and
beyond it, up to the time the LP and dive did not use, while it still finds better rosters
(:data:`MASTER_PATIENCE`; docs/curtois.md, "The master with the time left")."""
MASTER_PATIENCE = 0.2
"""Of the time limit, how long the restricted master may go without a better roster, and as
long as it took to find its best, before it stops: its improvements come seconds apart, so a
shorter patience stops it before its first (docs/curtois.md, "The master with the time left")."""
RESPONSE_SHARE = 0.3
"""Of the time limit, what improving the restricted master's roster one employee at a time may
take at most (it stops sooner once no employee alone can improve it)."""
SEARCH_SHARE = 0.2
"""Of the time limit, what the phases before the model search leave it at least, so that a run
ends within its limit (docs/curtois.md, "Instances 21-24")."""
BUILD_SECONDS = 2e-4
"""Seconds per duty Boolean that building the model takes (measured on 23 and 24): the search is
left twice that at least, for the build and the closing pass."""
WHOLE_SHARE = 0.5
"""Of the time limit, what building the model and its closing pass may take at most; a larger
model is not built, since its build and presolve leave it little search and its memory is the
run's peak (docs/curtois.md, "Instances 21-24"): the phases before it take the time, and their
roster is the result."""
WINDOW_DAYS = 28
"""Horizons longer than this whose model is too large for relax steps (the engine's
``RELAX_LIMIT``) are improved by re-planned windows (:mod:`rotation.benchmarks.window`), not
by CP-SAT's search of the whole model; on shorter ones a window of days spans most of the
horizon, and the two did alike (docs/curtois.md, "Windows")."""
PROVEN_SECONDS = 2.0
"""What the closing pass gets after a start the LP bound proves optimal."""

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)


@dataclass(frozen=True)
class Instance:
    """One benchmark instance: its data set, the problem over its horizon, and the counts."""

    name: str
    data: DataSet
    problem: Problem
    horizon: int
    staff: tuple[str, ...]  # employee order of the file, which rosters follow
    cover_lines: int
    on_requests: int
    off_requests: int

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.data.shifts)

    def date(self, day: int) -> dt.date:
        return _date(day)

    def day(self, date: dt.date) -> int:
        return (date - FIRST_DAY).days


def _date(day: int) -> dt.date:
    """The date of the benchmark's day ``day``."""
    return FIRST_DAY + dt.timedelta(days=day)


class _Lines:
    """The data lines of each section, with their line numbers, and the issues found."""

    def __init__(self, path: Path, text: str) -> None:
        self.file = path.name
        self.issues: list[DataIssue] = []
        self.sections: dict[str, list[tuple[int, list[str]]]] = {}
        current: str | None = None
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line in SECTIONS:
                current = line
                self.sections.setdefault(line, [])
                continue
            if current is None:
                self.fail(number, None, f"数据出现在第一个 SECTION_ 标题之前：「{line[:40]}」")
                continue
            self.sections[current].append((number, [field.strip() for field in line.split(",")]))
        for name in SECTIONS:
            if name not in self.sections:
                self.fail(None, None, f"缺少「{name}」一节")
                self.sections[name] = []

    def fail(self, line: int | None, column: str | None, message: str) -> None:
        self.issues.append(DataIssue(self.file, line, column, message))

    def integer(self, line: int, column: str, text: str, least: int = 0, most: int | None = None) -> int | None:
        try:
            value = int(text)
        except ValueError:
            self.fail(line, column, f"应为整数，实际为「{text}」")
            return None
        if value < least or (most is not None and value > most):
            bounds = f"{least} 到 {most}" if most is not None else f"不小于 {least}"
            self.fail(line, column, f"应为 {bounds} 的整数，实际为 {value}")
            return None
        return value


def read_instance(path: Path | str) -> Instance:
    """Read an instance file; raises :class:`DataError` naming the line and field of every
    problem found (the file, line and field stand where a table, row and column would)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise DataError([DataIssue(path.name, None, None, "文件不存在")]) from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as error:
        raise DataError([DataIssue(path.name, None, None, f"无法作为基准实例文本读取（{type(error).__name__}）")]) from None
    lines = _Lines(path, text)
    horizon = _horizon(lines)
    shifts, banned = _shifts(lines)
    known = {s.id for s in shifts}
    units = _staff(lines, known)
    staff = {u.id for u in units}
    days_off = _days_off(lines, staff, horizon)
    requests = _requests(lines, "SECTION_SHIFT_ON_REQUESTS", RequestKind.WANT, staff, known, horizon) + _requests(
        lines, "SECTION_SHIFT_OFF_REQUESTS", RequestKind.AVOID, staff, known, horizon
    )
    demand, under, over = _cover(lines, known, horizon, len(units))
    for first, second in banned:
        if second not in known:
            lines.fail(first[1], "Banned", f"禁止接续的班次「{second}」未在 SECTION_SHIFTS 中定义")
    if lines.issues or horizon is None:
        raise DataError(lines.issues)
    weights = {
        "coverage": under,
        "overstaffing": over,
        "requests": 1,
        "fairness": 0,
        "weekend_fairness": 0,
        "spacing": 0,
        "home_community": 0,
        "gap_runs": 0,
    }
    rules = Rules(
        max_per_day=1,
        max_consecutive_days=MAX_DAYS,
        forbidden_successions=tuple((first[0], second) for first, second in banned),
        home_community=HomeCommunity.IGNORE,
        min_days_between=0,
        max_weekends_per_month=31,
        weights=tuple(weights.items()),
    )
    dates = [_date(d) for d in range(horizon)]
    calendar = tuple(CalendarDay(d, DayKind.RESTDAY if d.weekday() >= 5 else DayKind.WORKDAY) for d in dates)
    data = DataSet(
        stations=(Station(WARD, "病区", 0),),
        shifts=tuple(shifts),
        demand=tuple(demand),
        units=tuple(units),
        unavailability=tuple(days_off),
        requests=tuple(requests),
        rules=rules,
        calendar=calendar,
        name=path.stem,
    )
    problem = build_problem(data, dates[0], dates[-1])
    return Instance(
        path.stem,
        data,
        problem,
        horizon,
        tuple(u.id for u in units),
        len(demand),
        sum(r.kind is RequestKind.WANT for r in requests),
        sum(r.kind is RequestKind.AVOID for r in requests),
    )


def _horizon(lines: _Lines) -> int | None:
    rows = lines.sections["SECTION_HORIZON"]
    if len(rows) != 1 or len(rows[0][1]) != 1:
        lines.fail(rows[0][0] if rows else None, "SECTION_HORIZON", "应恰好有一行，写排班天数")
        return None
    return lines.integer(rows[0][0], "SECTION_HORIZON", rows[0][1][0], 1, MAX_DAYS)


def _shifts(lines: _Lines) -> tuple[list[Shift], list[tuple[tuple[str, int], str]]]:
    shifts: list[Shift] = []
    banned: list[tuple[tuple[str, int], str]] = []
    for number, fields in lines.sections["SECTION_SHIFTS"]:
        if len(fields) != 3:
            lines.fail(number, None, f"应有 3 个字段（ShiftID, Length, Banned），实际 {len(fields)} 个")
            continue
        shift_id, length_text, banned_text = fields
        length = lines.integer(number, "Length", length_text, 1, 24 * 60 - 1)
        if length is None:
            continue
        if any(s.id == shift_id for s in shifts):
            lines.fail(number, "ShiftID", f"班次「{shift_id}」重复定义")
            continue
        try:
            shifts.append(Shift(shift_id, shift_id, dt.time(0, 0), dt.time(length // 60, length % 60)))
        except FieldError as error:
            lines.fail(number, "ShiftID", error.message)
            continue
        banned += [((shift_id, number), second) for second in banned_text.split("|") if second]
    if not shifts:
        lines.fail(None, "SECTION_SHIFTS", "没有定义任何班次")
    return shifts, banned


def _staff(lines: _Lines, known: set[str]) -> list[Unit]:
    units: list[Unit] = []
    for number, fields in lines.sections["SECTION_STAFF"]:
        if len(fields) != len(STAFF_FIELDS):
            lines.fail(number, None, f"应有 {len(STAFF_FIELDS)} 个字段（{', '.join(STAFF_FIELDS)}），实际 {len(fields)} 个")
            continue
        values = dict(zip(STAFF_FIELDS, fields, strict=True))
        per_shift = []
        for item in filter(None, values["MaxShifts"].split("|")):
            shift, _, most = item.partition("=")
            if shift not in known:
                lines.fail(number, "MaxShifts", f"班次「{shift}」未在 SECTION_SHIFTS 中定义")
                continue
            value = lines.integer(number, "MaxShifts", most, 0, MAX_DAYS)
            if value is not None:
                per_shift.append((shift, value))
        numbers = {key: lines.integer(number, key, values[key], 0) for key in STAFF_FIELDS[2:]}
        if None in numbers.values():
            continue
        if any(u.id == values["ID"] for u in units):
            lines.fail(number, "ID", f"员工「{values['ID']}」重复")
            continue
        try:
            unit = Unit(values["ID"], values["ID"])  # the ID is judged before the limits
            limits = UnitLimits(
                max_per_shift=tuple(per_shift),
                max_minutes=numbers["MaxTotalMinutes"],
                min_minutes=numbers["MinTotalMinutes"],
                max_consecutive_days=numbers["MaxConsecutiveShifts"],
                min_consecutive_days=numbers["MinConsecutiveShifts"] or None,
                min_days_off=numbers["MinConsecutiveDaysOff"] or None,
                max_weekends=numbers["MaxWeekends"],
            )
            units.append(replace(unit, limits=limits))
        except FieldError as error:
            lines.fail(number, _STAFF_COLUMN.get(error.column, error.column), error.message)
    if not units:
        lines.fail(None, "SECTION_STAFF", "没有任何员工")
    return units


_STAFF_COLUMN = {
    "id": "ID",
    "max_minutes": "MaxTotalMinutes",
    "min_minutes": "MinTotalMinutes",
    "max_consecutive_days": "MaxConsecutiveShifts",
    "min_consecutive_days": "MinConsecutiveShifts",
    "min_days_off": "MinConsecutiveDaysOff",
    "max_weekends": "MaxWeekends",
}


def _days_off(lines: _Lines, staff: set[str], horizon: int | None) -> list[Unavailability]:
    rows = []
    for number, fields in lines.sections["SECTION_DAYS_OFF"]:
        if fields[0] not in staff:
            lines.fail(number, "EmployeeID", f"员工「{fields[0]}」未在 SECTION_STAFF 中定义")
            continue
        for text in fields[1:]:
            day = lines.integer(number, "Day", text, 0, (horizon or 1) - 1)
            if day is not None:
                rows.append(Unavailability(fields[0], _date(day), _date(day), reason="固定休息日"))
    return rows


def _requests(
    lines: _Lines, section: str, kind: RequestKind, staff: set[str], known: set[str], horizon: int | None
) -> list[Request]:
    rows = []
    for number, fields in lines.sections[section]:
        if len(fields) != 4:
            lines.fail(number, None, f"应有 4 个字段（EmployeeID, Day, ShiftID, Weight），实际 {len(fields)} 个")
            continue
        employee, day_text, shift, weight_text = fields
        day = lines.integer(number, "Day", day_text, 0, (horizon or 1) - 1)
        weight = lines.integer(number, "Weight", weight_text, 1, MAX_WEIGHT)
        if employee not in staff:
            lines.fail(number, "EmployeeID", f"员工「{employee}」未在 SECTION_STAFF 中定义")
        elif shift not in known:
            lines.fail(number, "ShiftID", f"班次「{shift}」未在 SECTION_SHIFTS 中定义")
        elif day is not None and weight is not None:
            rows.append(Request(employee, DaySpec("date", _date(day)), kind, shift=shift, station=WARD, weight=weight))
    return rows


def _cover(lines: _Lines, known: set[str], horizon: int | None, staff: int) -> tuple[list[Demand], int, int]:
    """Demand for each (day, shift) line. Our weights are per rule, not per line: the under and
    over weights must be the same on every line (they are, 100 and 1, in all 24 instances)."""
    demand = []
    seen: set[tuple[int, str]] = set()
    weights: dict[str, set[int]] = {"UnderWeight": set(), "OverWeight": set()}
    for number, fields in lines.sections["SECTION_COVER"]:
        if len(fields) != 5:
            lines.fail(
                number, None, f"应有 5 个字段（Day, ShiftID, Requirement, UnderWeight, OverWeight），实际 {len(fields)} 个"
            )
            continue
        day = lines.integer(number, "Day", fields[0], 0, (horizon or 1) - 1)
        requirement = lines.integer(number, "Requirement", fields[2], 0, 1000)
        under = lines.integer(number, "UnderWeight", fields[3], 0, MAX_WEIGHT)
        over = lines.integer(number, "OverWeight", fields[4], 0, MAX_WEIGHT)
        if fields[1] not in known:
            lines.fail(number, "ShiftID", f"班次「{fields[1]}」未在 SECTION_SHIFTS 中定义")
            continue
        if None in (day, requirement, under, over):
            continue
        assert day is not None and requirement is not None and under is not None and over is not None
        if (day, fields[1]) in seen:
            lines.fail(number, None, f"第 {day} 天班次「{fields[1]}」的需求重复")
            continue
        seen.add((day, fields[1]))
        weights["UnderWeight"].add(under)
        weights["OverWeight"].add(over)
        demand.append(Demand(WARD, DaySpec("date", _date(day)), fields[1], min=requirement, max=max(requirement, staff)))
    for column, values in weights.items():
        if len(values) > 1:
            lines.fail(None, column, f"各行的 {column} 不同（{sorted(values)}）：本工具每条软规则只有一个权重")
    if horizon is not None and not lines.issues and len(seen) != horizon * len(known):
        lines.fail(None, "SECTION_COVER", f"应为每天每个班次各写一行（{horizon} 天 × {len(known)} 个班次），实际 {len(seen)} 行")
    return demand, min(weights["UnderWeight"], default=100), min(weights["OverWeight"], default=1)


# --- rosters ----------------------------------------------------------------------------------


def write_roster(instance: Instance, roster: Roster) -> str:
    """The roster format of the benchmark notes: one line per employee in file order, one token
    per day (a shift ID, or ``-`` off)."""
    grid = {(a.unit, instance.day(a.date)): a.shift for a in roster}
    lines = [f"# {instance.name}: {len(instance.staff)} staff x {instance.horizon} days; '-' = day off"]
    for unit in instance.staff:
        lines.append(" ".join(grid.get((unit, d), OFF) for d in range(instance.horizon)))
    return "\n".join(lines) + "\n"


def read_roster(instance: Instance, text: str, name: str = "排班") -> Roster:
    """A roster in the format :func:`write_roster` writes; raises :class:`DataError` naming the
    line of any token or line count that does not fit the instance."""
    issues = []
    rows = [
        (n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")
    ]
    if len(rows) != len(instance.staff):
        issues.append(DataIssue(name, None, None, f"应有 {len(instance.staff)} 行（每名员工一行），实际 {len(rows)} 行"))
    known = set(instance.shift_ids)
    duties = []
    owned: set[tuple[int, str]] = set()
    for unit, (number, tokens) in zip(instance.staff, rows, strict=False):
        if len(tokens) != instance.horizon:
            issues.append(DataIssue(name, number, None, f"应有 {instance.horizon} 个班次记号，实际 {len(tokens)} 个"))
            continue
        for day, token in enumerate(tokens):
            if token == OFF:
                continue
            if token not in known:
                issues.append(DataIssue(name, number, f"第 {day} 天", f"「{token}」不是本实例的班次"))
                continue
            # every staffed shift names one first-inquiry owner: the first employee in file order
            first = (day, token) not in owned
            owned.add((day, token))
            duties.append(Assignment(instance.date(day), WARD, token, DEFAULT_ROLE, unit, None, first))
    if issues:
        raise DataError(issues)
    return Roster(duties)


# --- solving and reporting ------------------------------------------------------------------


def points(value: int | None) -> str:
    """An objective in the benchmark's own units (our penalties are in hundredths)."""
    return "-" if value is None else f"{value / SCALE:g}"


def judge(instance: Instance, roster: Roster) -> CheckResult:
    """The independent checker's verdict on a roster of ``instance``."""
    return checker.check(instance.problem, roster)


def solve(
    instance: Instance,
    options: SolveOptions,
    control: SearchControl | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    method: str = "relax",
) -> Result:
    """One model of the whole horizon (never month by month: the benchmark's limits span it), searched
    by neighbourhoods (``relax``) or by one CP-SAT search (``plain``). ``colgen`` first builds the
    search's start from the roster LP (:mod:`rotation.benchmarks.colgen`): the LP for up to
    :data:`LP_SHARE` of the time (:data:`UNCOUNTED_LP_SHARE` where its pricing keeps no counting
    rule and windows follow), less when the next step needs it; a column keeping every rule for each
    employee who has none (all the time the master leaves: without it there is no start); a dive
    (:data:`DIVE_SHARE`, and the LP's time unused) when the pricing keeps the minutes: on columns,
    or where the LP converged and one CP-SAT search of a model too large for relax steps follows, on
    single decisions (:mod:`rotation.benchmarks.fixing`, with the master's share too, in place of
    the master); CP-SAT's choice of one column per employee (:data:`MASTER_SHARE`, and the time the
    LP and dive leave while it improves), improved one employee at a time until none can improve
    alone (:data:`RESPONSE_SHARE` at most), and so is the dive's roster: the better starts the
    search. These phases leave the search :data:`SEARCH_SHARE` at least, and more for a large model
    (:data:`BUILD_SECONDS`). A model of a long horizon too large for relax steps
    (:data:`WINDOW_DAYS`), or too large for the time (:data:`WHOLE_SHARE`), is not built: windows
    re-planned by CP-SAT one at a time (:mod:`rotation.benchmarks.window`), in turn with rounds of
    best responses, take all the time but the closing pass's; there best responses take sideways
    moves too. Half the search's relax steps are drawn where the LP puts the roster's cost
    (:meth:`colgen.RosterLP.focus`). The LP's bound is the result's when stronger. The roster is
    checked by the independent checker like every roster. Once ``control`` is stopped (Ctrl-C),
    each phase ends at its next step and the best roster so far is the result."""
    strategy = replace(BENCHMARK, first_share=1.0) if method == "plain" else BENCHMARK
    control = control or SearchControl()
    if method != "colgen":
        return solve_whole(instance.problem, options, control, on_progress, strategy=strategy)
    from rotation.benchmarks import colgen, fixing, window

    budget = options.budget()
    duties = sum(len(slot.eligible) for slot in instance.problem.slots)
    build = 2 * BUILD_SECONDS * duties  # the model's build and closing pass
    # the model search improves the start; else windows do, and the closing pass settles it
    windowed = duties > engine.RELAX_LIMIT and instance.horizon > WINDOW_DAYS
    whole = build <= WHOLE_SHARE * budget.limit and not windowed
    # without the model, the closing pass settles the roster alone: one duty a day at most each
    closing = 2 * BUILD_SECONDS * len(instance.staff) * instance.horizon
    reserve = max(SEARCH_SHARE * budget.limit, build if whole else closing)
    scale = min(1.0, max(0.0, budget.limit - reserve) / ((1 - SEARCH_SHARE) * budget.limit))

    def share(fraction: float, unused: float = 0.0) -> float:
        # what comes after (the model search, or the closing pass alone) keeps its reserve
        return max(0.0, min(budget.share(fraction * scale) + unused, budget.left() - reserve))

    model = colgen.RosterLP(instance, control=control)
    # the LP yields to the completion: without a rule-keeping column for everyone there is no start
    completion = model.completion_seconds()
    lp_share = LP_SHARE if whole or model.pricer.counting.keeps_any else UNCOUNTED_LP_SHARE
    lp_seconds = min(share(lp_share), max(0.0, budget.left() - reserve - share(MASTER_SHARE) - completion))
    model.generate(lp_seconds)
    model.complete(max(0.0, budget.left() - reserve - share(MASTER_SHARE)), options.workers, options.seed)
    rosters = model.pricer.counting.minutes  # else its columns seldom keep the minutes, nor would a dive
    # a dive cut short rounds its last steps from a fractional LP: the LP's time unused is the dive's
    unused = max(0.0, lp_seconds - model.seconds)
    dived = None
    # one model of every employee searched by CP-SAT, not by relax steps: a dive on single
    # decisions leaves it few to settle, where a dive on columns would leave a shift uncovered;
    # its steps start from the LP's optimum, which an LP cut short has not reached
    decisions = whole and duties > engine.RELAX_LIMIT and model.converged
    if rosters and not control.interrupted:
        if decisions:
            # its completion settles the roster, which needs no master after it
            dived = fixing.dive(model, share(DIVE_SHARE + MASTER_SHARE, unused), options.workers, options.seed, control)
        else:
            diving, began = share(DIVE_SHARE, unused), budget.elapsed()
            dived = model.dive(diving)
            unused = max(0.0, diving - (budget.elapsed() - began))
    lp, staff = model.outcome(), model.staff
    # and what the dive leaves, the master's while it finds better rosters: over few columns
    # it often proves its choice early, and a stalled master would take the search's time
    chosen = None
    if not (decisions and dived is not None):
        patience = share(MASTER_PATIENCE)
        seconds = share(MASTER_SHARE, unused)
        chosen = colgen.restricted_master(
            staff, lp, seconds, options.workers, options.seed, dived, patience, linear=rosters, control=control
        )
    # where the start comes from, in the benchmark's points, for bench/curtois.py
    phases: dict[str, float] = {"lp_bound": lp.bound, "lp_s": round(lp.seconds, 1)}
    responding = budget.elapsed()
    if chosen is not None:
        phases["master"] = chosen[1]
        improved, _ = colgen.best_responses(
            staff, chosen[0], share(RESPONSE_SHARE), options.workers, options.seed, control, sideways=not whole
        )
        chosen = improved, colgen.objective(staff, improved)
    if dived is not None:
        # The dive's roster, its lines that break a count mended, may start closer than the
        # master's, whose hint replaces those lines by the nearest columns (docs/curtois.md).
        phases["dive"] = colgen.objective(staff, dived)
        mended, _ = colgen.best_responses(
            staff, dived, share(RESPONSE_SHARE), options.workers, options.seed, control, sideways=not whole
        )
        cost = colgen.objective(staff, mended)
        if colgen.keeps_all_counts(staff, mended) and (chosen is None or cost < chosen[1]):
            chosen = mended, cost
    if chosen is not None:
        phases |= {"start": chosen[1], "start_s": round(budget.elapsed(), 1)}
        if not whole:
            improved, steps = window.windows_and_responses(
                staff,
                chosen[0],
                budget.left() - closing,
                options.workers,
                options.seed,
                floor=lp.bound,
                responded=budget.elapsed() - responding,
                control=control,
            )
            chosen = improved, colgen.objective(staff, improved)
            phases["windows"] = steps
    start = list(read_roster(instance, colgen.roster_text(staff, chosen[0]))) if chosen else None
    # a start the LP proves optimal needs only the closing pass, not the rest of the limit
    proven = chosen is not None and chosen[1] <= lp.bound
    search = budget.part(min(budget.left(), PROVEN_SECONDS)) if proven else budget
    # a built model's relax steps are drawn partly where the roster's cost lies above the bound
    strategy = replace(strategy, focus=model.focus) if whole else replace(strategy, improve=Improve.NONE)
    result = solve_whole(instance.problem, options, control, on_progress, search, strategy, start)
    bound = max(result.bound or 0, lp.bound * SCALE)
    optimal = result.objective is not None and result.objective <= bound
    return replace(
        result,
        status=SolveStatus.OPTIMAL if optimal else result.status,
        bound=bound,
        phases={**(result.phases or {}), **phases},
    )


def describe(instance: Instance, result: CheckResult) -> str:
    """The checker's verdict in the benchmark's terms: hard violations, then the objective and
    its three parts."""
    lines = [f"实例 {instance.name}：{len(instance.staff)} 名员工，{instance.horizon} 天，{len(instance.shift_ids)} 种班次"]
    if result.violations:
        lines.append(f"违反硬性约束 {len(result.violations)} 处（不可行排班）：")
        lines += [
            f"  【{rule_name(v.rule)}】{v.unit or ''} {f'第 {instance.day(v.date)} 天' if v.date else ''}：{v.message}"
            for v in result.violations[:50]
        ]
        if len(result.violations) > 50:
            lines.append(f"  ……另有 {len(result.violations) - 50} 处")
    else:
        lines.append("满足全部硬性约束。")
    lines.append(
        f"目标值 {points(result.objective)}：需求不足 {points(result.score('coverage').penalty)}，"
        f"超出需求 {points(result.score('overstaffing').penalty)}，"
        f"班次请求 {points(result.score('requests').penalty)}"
    )
    return "\n".join(lines)


def report(instance: Instance, result: Result) -> str:
    """Objective, best bound, status and seconds of a solve, then the checker's verdict."""
    gap = f"{result.gap * 100:.2f}%" if result.gap is not None else "-"
    lines = [
        f"状态：{result.status.value}{'（已中止）' if result.interrupted else ''}，用时 {result.wall_time:.1f} 秒，"
        f"找到 {result.solutions} 个改进解",
        f"目标值 {points(result.objective)}，下界 {points(result.bound)}，差距 {gap}",
    ]
    if result.check is not None:
        lines.append(describe(instance, result.check))
    return "\n".join(lines)
