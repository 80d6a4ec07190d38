"""The input tables as plain, frozen, self-validating data classes.

Each class mirrors one table of the data format (docs/DATA_FORMAT.md). A class checks what it
can see on its own in ``__post_init__`` and raises :class:`FieldError` naming the column; ids
across tables are checked once, by :func:`rotation.validate.cross_check`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from rotation import rules as rules_registry

DEFAULT_ROLE = "值守"
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_UNITS_PER_PERIOD = 1000
"""Most units one role of one period may ask for: far beyond any position, and small enough that the
squared fairness terms of the solver's objective stay exact."""
MAX_WEIGHT = 100_000
"""Largest weight of a soft rule: ten times the default for coverage. Larger ones, times the squared
fairness terms, would overflow the solver's 64-bit objective."""
MAX_YEAR_DUTIES = 5_000
"""Largest count of duties a unit may have done this year (history): more than six a day."""
MAX_DAYS = 366
"""Longest run or gap, in days, that a data set may give: the tools count dates back and forth by
such numbers, and a year is already more than any rule needs."""


class FieldError(ValueError):
    """A value that breaks a rule of its column; ``column`` is the English column key."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Source:
    """Where a record came from, as the user sees it: table and row (CSV line or sheet row)."""

    table: str
    row: int


class DayKind(Enum):
    """The three day types of the Chinese official calendar."""

    WORKDAY = "工作日"
    RESTDAY = "休息日"
    HOLIDAY = "节假日"


class HomeCommunity(Enum):
    """How strongly units are kept to the community they reported to (双报到)."""

    PREFER = "prefer"
    REQUIRE = "require"
    IGNORE = "ignore"


_DAY_SPECIFICITY = {"date": 4, "holiday": 3, "weekday": 2, "workday": 1, "restday": 1, "all": 0}


@dataclass(frozen=True)
class DaySpec:
    """The `day` column of demand and requests: which dates a row applies to.

    ``kind`` is one of ``date``, ``holiday``, ``weekday``, ``workday``, ``restday``, ``all``.
    Specificity (higher wins) follows the data format: date > 节假日 > weekday > 工作日/休息日 > 全部.
    """

    kind: str
    date: dt.date | None = None
    weekday: int | None = None  # 0 = Monday

    @property
    def specificity(self) -> int:
        return _DAY_SPECIFICITY[self.kind]

    def matches(self, date: dt.date, kind: DayKind) -> bool:
        """Whether this spec applies to ``date`` whose official day type is ``kind``."""
        if self.kind == "date":
            return date == self.date
        if self.kind == "holiday":
            return kind is DayKind.HOLIDAY
        if self.kind == "weekday":
            return kind is not DayKind.HOLIDAY and date.weekday() == self.weekday
        if self.kind == "workday":
            return kind is DayKind.WORKDAY
        if self.kind == "restday":
            return kind is DayKind.RESTDAY
        return True

    def __str__(self) -> str:
        if self.kind == "date":
            assert self.date is not None
            return self.date.isoformat()
        if self.kind == "weekday":
            assert self.weekday is not None
            return WEEKDAYS[self.weekday]
        return {"holiday": "节假日", "workday": "工作日", "restday": "休息日", "all": "全部"}[self.kind]


@dataclass(frozen=True)
class Station:
    """A party-mass service position (阵地) of the network."""

    id: str
    name: str
    level: int
    community: str | None = None
    parent: str | None = None
    phone: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _require_id("id", self.id)
        if self.level not in (0, 1, 2, 3, 4):
            raise FieldError("level", f"层级应为 0 到 4 之间的整数，实际为 {self.level}")
        if self.parent is not None and self.parent == self.id:
            raise FieldError("parent", "上级不能是阵地本身")

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Shift:
    """An opening period of the day, e.g. 午间错时 12:00-14:30."""

    id: str
    name: str
    start: dt.time
    end: dt.time
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _require_id("id", self.id)
        if ">" in self.id or ";" in self.id:
            raise FieldError("id", "时段编号不能含有「>」或「;」（它们用于禁止接续规则）")
        if self.end <= self.start:
            raise FieldError("end", f"结束时间 {self.end:%H:%M} 应晚于开始时间 {self.start:%H:%M}（同一天内）")

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    @property
    def hours(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def label(self) -> str:
        return self.name or self.id

    def overlaps(self, other: Shift) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Demand:
    """How many units of a role a position needs in a shift on the dates of ``day``."""

    station: str  # a station id, "L0".."L4", or "*"
    day: DaySpec
    shift: str
    role: str = DEFAULT_ROLE
    min: int = 0
    max: int = 0
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.min < 0:
            raise FieldError("min", f"最少人数不能为负数，实际为 {self.min}")
        if self.max < self.min:
            raise FieldError("max", f"最多 ({self.max}) 不能小于最少 ({self.min})")
        for key, value in (("min", self.min), ("max", self.max)):
            if value > MAX_UNITS_PER_PERIOD:
                raise FieldError(key, f"一个时段需要的单位数不应超过 {MAX_UNITS_PER_PERIOD}，实际为 {value}")

    @property
    def station_specificity(self) -> int:
        if self.station == "*":
            return 0
        if is_level_selector(self.station):
            return 1
        return 2


def is_level_selector(value: str) -> bool:
    """``L0``..``L4`` select every station of one level in the demand table."""
    return len(value) == 2 and value[0] == "L" and value[1] in "01234"


@dataclass(frozen=True)
class UnitLimits:
    """A unit's limits over the whole horizon; None (or no entry) is no limit.

    Only readers of benchmark formats, such as rotation.benchmarks.curtois, set them: a county
    unit has none, and the engine then adds no constraint for them."""

    max_per_shift: tuple[tuple[str, int], ...] = ()  # (shift id, most duties in that shift)
    min_minutes: int | None = None
    max_minutes: int | None = None
    max_consecutive_days: int | None = None  # overrides the rules table for this unit
    min_consecutive_days: int | None = None  # runs of duty days inside the horizon
    min_days_off: int | None = None  # runs of free days between two duty days
    max_weekends: int | None = None  # weekend or holiday blocks in the horizon

    def __post_init__(self) -> None:
        for key in ("min_minutes", "max_minutes", "max_weekends"):
            value = getattr(self, key)
            if value is not None and value < 0:
                raise FieldError(key, f"不能为负数，实际为 {value}")
        for key in ("max_consecutive_days", "min_consecutive_days", "min_days_off"):
            value = getattr(self, key)
            if value is not None and not 1 <= value <= MAX_DAYS:
                raise FieldError(key, f"天数应为 1 到 {MAX_DAYS} 之间的整数，实际为 {value}")
        for shift, most in self.max_per_shift:
            if most < 0:
                raise FieldError("max_per_shift", f"时段「{shift}」的最多次数不能为负数，实际为 {most}")
        if self.min_minutes is not None and self.max_minutes is not None and self.min_minutes > self.max_minutes:
            raise FieldError("max_minutes", f"最长时长 ({self.max_minutes}) 不能小于最短时长 ({self.min_minutes})")

    def most_in_shift(self, shift: str) -> int | None:
        """The most duties the unit may take in ``shift`` over the horizon (None: no limit)."""
        return self._per_shift.get(shift)

    @cached_property
    def _per_shift(self) -> dict[str, int]:
        return dict(self.max_per_shift)


@dataclass(frozen=True)
class Unit:
    """A department party organization (单位党组织) that takes turns on duty."""

    id: str
    name: str
    category: str | None = None
    community: str | None = None
    members: int = 1
    roles: tuple[str, ...] = (DEFAULT_ROLE,)
    first_inquiry: bool = True
    max_per_day: int | None = None
    min_total: int | None = None
    max_total: int | None = None
    contact: str | None = None
    phone: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)
    # After ``source``, as the loader passes the fields before it by position. The tables do not
    # carry limits (the data format fixes the columns); readers of benchmark formats set them.
    limits: UnitLimits = UnitLimits()

    def __post_init__(self) -> None:
        _require_id("id", self.id)
        if self.members < 1:
            raise FieldError("members", f"党员人数应为不小于 1 的整数，实际为 {self.members}")
        if not self.roles:
            raise FieldError("roles", "至少要有一个可担任的角色")
        if self.max_per_day is not None and self.max_per_day < 1:
            raise FieldError("max_per_day", f"每日最多应为不小于 1 的整数，实际为 {self.max_per_day}")
        for key, value in (("min_total", self.min_total), ("max_total", self.max_total)):
            if value is not None and value < 0:
                raise FieldError(key, f"次数不能为负数，实际为 {value}")
        if self.min_total is not None and self.max_total is not None and self.min_total > self.max_total:
            raise FieldError("max_total", f"最多次数 ({self.max_total}) 不能小于最少次数 ({self.min_total})")

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Person:
    """A named member of a unit who can be on duty for it."""

    unit: str
    name: str
    phone: str | None = None
    first_inquiry: bool = True
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        _require_id("name", self.name)


@dataclass(frozen=True)
class Unavailability:
    """Dates (inclusive) on which a unit, or one of its people, cannot serve; all day or one shift."""

    unit: str
    start: dt.date
    end: dt.date
    person: str | None = None
    shift: str | None = None
    reason: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise FieldError("end", f"结束日期 {self.end} 早于开始日期 {self.start}")

    def covers(self, date: dt.date, shift: str) -> bool:
        return self.start <= date <= self.end and (self.shift is None or self.shift == shift)


class RequestKind(Enum):
    WANT = "希望"
    AVOID = "避免"


@dataclass(frozen=True)
class Request:
    """A unit's wish to serve (希望) or not to serve (避免) on matching dates."""

    unit: str
    day: DaySpec
    kind: RequestKind
    shift: str | None = None
    station: str | None = None
    weight: int = 1
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.weight < 1:
            raise FieldError("weight", f"权重应为不小于 1 的整数，实际为 {self.weight}")

    def matches(self, shift: str, station: str) -> bool:
        """Whether a duty in ``shift`` at ``station``, on one of the request's days, is one it is about."""
        return self.shift in (None, shift) and self.station in (None, station)


@dataclass(frozen=True)
class Fixed:
    """A duty pinned by hand before solving."""

    date: dt.date
    station: str
    shift: str
    unit: str
    role: str = DEFAULT_ROLE
    person: str | None = None
    first_inquiry: bool | None = None
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class CalendarDay:
    """An override of the official calendar for one date (or a year it does not know)."""

    date: dt.date
    kind: DayKind
    name: str | None = None
    source: Source | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class History:
    """What earlier rosters leave behind for one unit."""

    unit: str
    last_duty: dt.date | None = None
    last_shift: str | None = None
    run_days: int = 1
    duties_ytd: int = 0
    weekends_ytd: int = 0
    source: Source | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not 1 <= self.run_days <= MAX_DAYS:
            raise FieldError("run_days", f"连续值班天数应为 1 到 {MAX_DAYS} 之间的整数，实际为 {self.run_days}")
        for key in ("duties_ytd", "weekends_ytd"):
            if getattr(self, key) < 0:
                raise FieldError(key, f"累计次数不能为负数，实际为 {getattr(self, key)}")
            if getattr(self, key) > MAX_YEAR_DUTIES:
                raise FieldError(key, f"累计次数不应超过 {MAX_YEAR_DUTIES}，实际为 {getattr(self, key)}")
        if self.last_shift is not None and self.last_duty is None:
            raise FieldError("last_duty", "填写了上次时段，但没有填写上次值班日期")


SOFT_RULES = tuple(rule.key.value for rule in rules_registry.SOFT)
"""Keys of the soft rules, in the order reports show them (:mod:`rotation.rules`)."""
DEFAULT_WEIGHTS = rules_registry.DEFAULT_WEIGHTS


@dataclass(frozen=True)
class Rules:
    """The `rules` table, with the defaults of the data format."""

    max_per_day: int = 1
    max_consecutive_days: int = 2
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    home_community: HomeCommunity = HomeCommunity.PREFER
    min_days_between: int = 3
    max_weekends_per_month: int = 2
    weights: tuple[tuple[str, int], ...] = tuple(DEFAULT_WEIGHTS.items())

    def __post_init__(self) -> None:
        if self.max_per_day < 1:
            raise FieldError("max_per_day", f"每日最多应为不小于 1 的整数，实际为 {self.max_per_day}")
        if not 1 <= self.max_consecutive_days <= MAX_DAYS:
            raise FieldError("max_consecutive_days", f"最多连续天数应为 1 到 {MAX_DAYS} 之间的整数")
        if not 0 <= self.min_days_between <= MAX_DAYS:
            raise FieldError("min_days_between", f"最少间隔天数应为 0 到 {MAX_DAYS} 之间的整数")
        if self.max_weekends_per_month < 0:
            raise FieldError("max_weekends_per_month", "每月最多周末不能为负数")
        for name, value in self.weights:
            if name not in DEFAULT_WEIGHTS:
                raise FieldError("weights", f"未知的软规则权重「weight_{name}」")
            if value < 0:
                raise FieldError("weights", f"权重 weight_{name} 不能为负数")
            if value > MAX_WEIGHT:
                raise FieldError("weights", f"权重 weight_{name} 不应超过 {MAX_WEIGHT}，实际为 {value}")

    def weight(self, rule: str) -> int:
        return dict(self.weights)[rule]


@dataclass(frozen=True)
class DataSet:
    """Every table of one data set, validated row by row and across tables."""

    stations: tuple[Station, ...]
    shifts: tuple[Shift, ...]
    demand: tuple[Demand, ...]
    units: tuple[Unit, ...]
    people: tuple[Person, ...] = ()
    unavailability: tuple[Unavailability, ...] = ()
    requests: tuple[Request, ...] = ()
    fixed: tuple[Fixed, ...] = ()
    rules: Rules = Rules()
    calendar: tuple[CalendarDay, ...] = ()
    history: tuple[History, ...] = ()
    name: str = field(default="", compare=False)
    fingerprint: str | None = field(default=None, compare=False)  # SHA-256 of the files it was read from

    def station(self, station_id: str) -> Station:
        return self.stations_by_id[station_id]

    def shift(self, shift_id: str) -> Shift:
        return self.shifts_by_id[shift_id]

    def unit(self, unit_id: str) -> Unit:
        return self.units_by_id[unit_id]

    @cached_property
    def stations_by_id(self) -> dict[str, Station]:
        return {s.id: s for s in self.stations}

    @cached_property
    def shifts_by_id(self) -> dict[str, Shift]:
        return {s.id: s for s in self.shifts}

    @cached_property
    def units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def people_by_unit(self) -> dict[str, tuple[Person, ...]]:
        grouped: dict[str, list[Person]] = {}
        for person in self.people:
            grouped.setdefault(person.unit, []).append(person)
        return {unit: tuple(people) for unit, people in grouped.items()}

    def people_of(self, unit_id: str) -> tuple[Person, ...]:
        return self.people_by_unit.get(unit_id, ())

    def max_per_day(self, unit: Unit) -> int:
        return unit.max_per_day if unit.max_per_day is not None else self.rules.max_per_day

    def max_consecutive_days(self, unit: Unit) -> int:
        most = unit.limits.max_consecutive_days
        return most if most is not None else self.rules.max_consecutive_days


def _require_id(column: str, value: str) -> None:
    if not value or not value.strip():
        raise FieldError(column, "不能为空")
