"""Seeded, deterministic generator of county-like data sets for tests and benchmarks.

    python bench/generate.py --seed 1 --preset county --tightness 0.9 --month 2026-12 --out DIR
    python bench/generate.py --seed 7 --stations 81 --units 228 --start 2026-12-01 --end 2026-12-14 --out DIR

The data sets copy the shape of the embedded ``data/fengqing`` (a centre, community centres, stations
and points in 4-8 communities, a special level-0 station whose 领班/坐班/轮班 roles are open on one
or two weekdays, six shifts, people lists, rules, absences, requests and a few fixed duties), with
made-up names, and vary with the seed: levels and communities, tiny units of 1-3 people, leaders of
tiny monthly capacity, the rules, absences, requests, pins and the shape of the demand. The same
arguments give byte-identical files: only ``random.Random`` instances seeded from ``seed`` are used.

Capacity and tightness
----------------------
The capacity of a data set over a horizon is an upper bound on the unit-duties its units can cover
under each unit's own limits, ignoring how units interact and which slots exist:

1. Per unit and day, the most duties it can do that day: 0 if the whole unit is unavailable all
   day, else its daily maximum (每日最多), and no more than the number of its listed people who
   are not unavailable all day (a person serves at most once a day). Absences of one shift only
   do not lower it.
2. Per unit and calendar month of the horizon, the most duties over that month's days of the
   horizon, choosing duty days so that no run of duty days is longer than the most consecutive
   days (最多连续天数; over n free days this is n - floor(n / (c + 1))) and the duty days touch at
   most 每月最多周末 runs of rest days and holidays (a run, cut at the month's end, counts once
   however many of its days are worked); then no more than the unit's monthly maximum (最多次数). A unit's capacity is the
   sum over the months. Soft rules (spacing, fairness, requests), forbidden successions,
   first-inquiry and history do not lower it.
3. Roles: the units' capacities are shared out among the roles they may take. Each role other
   than 值守 can take at most the unit-duties it needs (e.g. leaders who may only 领班 count for no
   more than the 领班 duties); 值守 can take any number. The capacity is the most the units can
   give this way (a small max flow from units to roles).

Needed is the sum of the minimum of every open slot (``Problem.unit_duties``), and the tightness
is needed / capacity. The generator picks the leaders' monthly maxima (1-3) so that their
capacity is about the 领班 duties divided by the tightness, then opens 值守 demand (per level and
day type, then per station, then on single dates) until needed is the tightness times the
capacity, rounded. As the bound ignores interactions, a tightness of 1.0 is not necessarily
coverable and 1.1 certainly is not: such months are meant to be over-full.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__" and __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout

from rotation import tables as layout
from rotation.calendar import Day, builtin_years, month_end, resolve_days
from rotation.cells import parse_day_spec
from rotation.errors import DataError, DataIssue
from rotation.loader import LoadNotes, RawTable, build_dataset
from rotation.model import DEFAULT_ROLE, MAX_UNITS_PER_PERIOD, CalendarDay, DataSet, DayKind, DaySpec
from rotation.problem import build_problem
from rotation.validate import cross_check

Tables = dict[str, list[dict[str, str]]]
"""Table key (``stations``, ``units`` ...) -> rows, each a dict of English column key -> cell text."""

PRESETS: dict[str, dict[str, int]] = {
    "small": {"stations": 5, "units": 12},
    "county": {"stations": 27, "units": 76},
    "city": {"stations": 81, "units": 228},
}
"""Named sizes: ``county`` is the size of data/fengqing, ``city`` three times it."""

LEADER, SITTING, ROTATING = "领班", "坐班", "轮班"
MAX_MIN = 4  # most units one level or station row asks for in a slot
MAX_MIN_DATE = 6  # most units a single-date row asks for

SHIFTS = (
    ("ZJ", "早间", "07:30", "08:30"),
    ("SW", "上午", "09:00", "12:00"),
    ("WJ", "午间", "12:00", "14:30"),
    ("XW", "下午", "14:30", "17:30"),
    ("FX", "放学", "16:30", "18:00"),
    ("WS", "晚间", "18:00", "20:30"),
)
SUCCESSIONS = (("WS", "ZJ"), ("WS", "SW"), ("FX", "ZJ"), ("XW", "ZJ"))
"""Forbidden successions to draw from: a late shift, then an early one the next day."""

TEMPLATE: dict[int, dict[str, dict[str, int]]] = {
    1: {
        "工作日": {"ZJ": 1, "WJ": 2, "WS": 2, "SW": 0, "XW": 0},
        "休息日": {"SW": 2, "XW": 2, "WS": 0},
        "节假日": {"SW": 1, "XW": 1},
    },
    2: {"工作日": {"WJ": 1, "WS": 1, "ZJ": 0}, "休息日": {"SW": 1, "XW": 1}, "节假日": {"SW": 1, "XW": 0}},
    3: {"工作日": {"WS": 1, "WJ": 0}, "休息日": {"SW": 1, "XW": 0}, "节假日": {"SW": 0}},
    4: {"工作日": {"WJ": 1, "WS": 0}, "休息日": {"SW": 1}},
}
"""Per level and day type, the shifts a level may open and how many units the default shape asks
for (0: opened only when the tightness needs more), after data/fengqing's demand table."""

TOWNS = ("青山", "云岭", "临溪", "白塔", "金川", "玉屏", "南屏", "石门", "清源", "长宁", "永安", "双河")
WORDS = (
    "东风",
    "新华",
    "和平",
    "文昌",
    "北门",
    "南街",
    "西城",
    "朝阳",
    "春晓",
    "育才",
    "团结",
    "兴隆",
    "光明",
    "振兴",
    "龙泉",
    "桂园",
    "柳岸",
    "松涛",
    "翠湖",
    "荷塘",
    "人民",
    "建设",
    "解放",
    "滨江",
    "学府",
    "环城",
    "胜利",
    "红旗",
    "迎宾",
    "府前",
    "站前",
    "花园",
    "长安",
    "富民",
    "幸福",
    "友谊",
    "青年",
    "安康",
    "锦绣",
    "丰收",
)
GOVERNMENT = (
    "财政局",
    "审计局",
    "统计局",
    "民政局",
    "司法局",
    "水务局",
    "交通运输局",
    "自然资源局",
    "住房和城乡建设局",
    "农业农村局",
    "文化和旅游局",
    "卫生健康局",
    "教育体育局",
    "退役军人事务局",
    "应急管理局",
    "医疗保障局",
    "林业和草原局",
    "市场监督管理局",
    "发展和改革局",
    "人力资源和社会保障局",
    "生态环境分局",
    "档案馆",
    "信访局",
    "政务服务管理局",
    "民族宗教事务局",
    "气象局",
    "粮食和物资储备局",
    "机关事务服务中心",
    "工业信息化局",
    "税务局",
    "城市管理局",
    "投资促进局",
    "委办公室",
    "人民政府办公室",
    "人大常委会办公室",
    "政协办公室",
    "委宣传部",
    "委统战部",
    "委政法委",
    "人民法院",
    "人民检察院",
    "委党校",
    "委老干部局",
    "委编办",
    "委巡察办",
)
PUBLIC = (
    "人民医院",
    "中医医院",
    "疾病预防控制中心",
    "第一中学",
    "第二中学",
    "第三中学",
    "实验小学",
    "第一小学",
    "第二小学",
    "第一幼儿园",
    "图书馆",
    "文化馆",
    "博物馆",
    "融媒体中心",
    "妇幼保健院",
    "职业高级中学",
    "茶叶产业发展中心",
    "农业技术推广中心",
    "不动产登记中心",
    "社会保险中心",
)
GROUPS = ("总工会", "妇联", "科协", "残联", "工商联", "红十字会", "文联", "侨联")
FIRMS = (
    "供电局",
    "烟草专卖局",
    "邮政分公司",
    "农村信用合作联社",
    "自来水公司",
    "电信分公司",
    "移动分公司",
    "农业银行支行",
    "建设银行支行",
    "石油分公司",
)
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段字杞鲁俸番"
)
GIVEN = "建华明国平志强军伟芳丽敏静秀英红梅玉兰海涛永昌德学光荣文杰娟琳瑶雪燕晓丹凤云霞波斌勇林峰超鹏宏成"
LEADER_TITLES = ("县委副书记", "县委常委", "副县长", "县人大常委会副主任", "县政协副主席")
ABSENCE_REASONS = ("年终决算", "外出学习", "迎检", "集中培训", "督导检查", "专项工作", "会议保障")


# --- reading generated or loaded data -------------------------------------------------------------


def dataset(data: Tables | DataSet, name: str = "generated") -> DataSet:
    """The data set of ``data`` as :func:`rotation.loader.load` would read it from the written CSV
    folder (same parsing and cross-checks, without files); raises DataError on bad data."""
    if isinstance(data, DataSet):
        return data
    raw = {}
    for table in layout.TABLES:
        if table.key in data:
            keys = [c.key for c in table.columns]
            rows = [(n, [row.get(k, "") for k in keys]) for n, row in enumerate(data[table.key], start=2)]
            raw[table.key] = RawTable(table.key, list(keys), rows)
    issues: list[DataIssue] = []
    notes = LoadNotes()
    built = build_dataset(raw, issues, name=name, notes=notes)
    if built is not None:
        issues.extend(cross_check(built, notes.rule_rows, notes.rejected))
    if issues or built is None:
        raise DataError(issues)
    return built


def horizon_days(data: Tables | DataSet, start: dt.date, end: dt.date) -> list[Day]:
    """The days of ``start``..``end`` with their official day types (the data's calendar table first)."""
    return resolve_days(start, end, dataset(data).calendar)


# --- which demand row decides each slot ----------------------------------------------------------


@dataclass
class _Row:
    station: str
    day: DaySpec
    shift: str
    role: str
    min: int

    @property
    def key(self) -> tuple[str, DaySpec, str, str]:
        return self.station, self.day, self.shift, self.role

    @property
    def rank(self) -> tuple[int, int]:
        """Specificity as the data format ranks it: the day first, then the station."""
        if self.station == "*":
            on = 0
        elif len(self.station) == 2 and self.station[0] == "L" and self.station[1] in "01234":
            on = 1
        else:
            on = 2
        return self.day.specificity, on


Cell = tuple[str, dt.date, str, str]  # station, date, shift, role


class _Resolver:
    """The winning demand row of every (station, date, shift, role), kept up to date as rows are
    added or their minimum changes, so that needed unit-duties are known after each step without
    resolving the whole month again (data format: the most specific row applies)."""

    def __init__(self, stations: Sequence[tuple[str, int]], days: Sequence[Day]) -> None:
        self.station_ids = [s for s, _ in stations]
        self.level = dict(stations)
        self.days = list(days)
        self.rows: list[_Row] = []
        self.index: dict[tuple[str, DaySpec, str, str], int] = {}
        self.winner: dict[Cell, int] = {}
        self.count: list[int] = []
        self.need: dict[str, int] = defaultdict(int)

    def _stations(self, selector: str) -> list[str]:
        if selector == "*":
            return self.station_ids
        if len(selector) == 2 and selector[0] == "L" and selector[1] in "01234":
            return [s for s in self.station_ids if self.level[s] == int(selector[1])]
        return [selector] if selector in self.level else []

    def _cells(self, row: _Row) -> Iterable[Cell]:
        dates = [d.date for d in self.days if row.day.matches(d.date, d.kind)]
        for station in self._stations(row.station):
            for date in dates:
                yield station, date, row.shift, row.role

    def delta(self, row: _Row) -> int:
        """How many unit-duties putting ``row`` (new, or a new minimum for an existing key) adds."""
        if row.key in self.index:
            i = self.index[row.key]
            return (row.min - self.rows[i].min) * self.count[i]
        rank = row.rank
        total = 0
        for cell in self._cells(row):
            old = self.winner.get(cell)
            if old is None:
                total += row.min
            elif rank > self.rows[old].rank:
                total += row.min - self.rows[old].min
        return total

    def put(self, row: _Row) -> None:
        if row.key in self.index:
            i = self.index[row.key]
            self.need[row.role] += (row.min - self.rows[i].min) * self.count[i]
            self.rows[i].min = row.min
            return
        i = len(self.rows)
        self.rows.append(row)
        self.index[row.key] = i
        self.count.append(0)
        rank = row.rank
        for cell in self._cells(row):
            old = self.winner.get(cell)
            if old is not None and rank <= self.rows[old].rank:
                continue
            if old is not None:
                self.count[old] -= 1
                self.need[row.role] -= self.rows[old].min
            self.winner[cell] = i
            self.count[i] += 1
            self.need[row.role] += row.min

    def min_at(self, cell: Cell) -> int:
        i = self.winner.get(cell)
        return 0 if i is None else self.rows[i].min

    def droppable(self, i: int) -> bool:
        """Whether leaving row ``i`` (minimum 0) out of the table changes nothing: no other row
        matches any slot it decides, so those slots stay closed without it."""
        row = self.rows[i]
        if row.min > 0:
            return False
        if self.count[i] == 0:
            return True
        kinds = {d.date: d.kind for d in self.days}
        others = [
            (set(self._stations(r.station)), r.day)
            for j, r in enumerate(self.rows)
            if j != i and r.shift == row.shift and r.role == row.role
        ]
        for cell in self._cells(row):
            if self.winner.get(cell) == i and any(cell[0] in on and day.matches(cell[1], kinds[cell[1]]) for on, day in others):
                return False
        return True


def _resolver(data: DataSet, days: Sequence[Day]) -> _Resolver:
    resolver = _Resolver([(s.id, s.level) for s in data.stations], days)
    for row in data.demand:
        resolver.put(_Row(row.station, row.day, row.shift, row.role, row.min if row.max > 0 else 0))
    return resolver


def needed_by_role(data: Tables | DataSet, start: dt.date, end: dt.date) -> dict[str, int]:
    """Unit-duties the horizon needs at least, per role."""
    ds = dataset(data)
    return {role: n for role, n in _resolver(ds, horizon_days(ds, start, end)).need.items() if n}


def needed(data: Tables | DataSet, start: dt.date, end: dt.date) -> int:
    """Unit-duties the horizon needs at least: the sum of every open slot's minimum
    (equal to ``build_problem(...).unit_duties``)."""
    return sum(needed_by_role(data, start, end).values())


# --- capacity --------------------------------------------------------------------------------------


def _most_duties(caps: Sequence[int], rest: Sequence[bool], most_run: int, most_weekends: int) -> int:
    """The most duties over consecutive days, ``caps[d]`` at most on day d, no run of more than
    ``most_run`` duty days, duty days touching at most ``most_weekends`` runs of rest days."""
    states = {(0, 0, False): 0}  # (duty days in a row, rest runs used, this rest run used) -> duties
    before_rest = False
    for cap, is_rest in zip(caps, rest, strict=True):
        new_run = is_rest and not before_rest
        after: dict[tuple[int, int, bool], int] = {}
        for (run, used, touched), value in states.items():
            touched = touched and is_rest and not new_run
            key = (0, used, touched)
            after[key] = max(after.get(key, -1), value)
            if cap == 0 or run >= most_run:
                continue
            if not is_rest:
                key = (run + 1, used, False)
            elif touched:
                key = (run + 1, used, True)
            elif used < most_weekends:
                key = (run + 1, used + 1, True)
            else:
                continue
            after[key] = max(after.get(key, -1), value + cap)
        states = after
        before_rest = is_rest
    return max(states.values())


def unit_capacities(data: Tables | DataSet, start: dt.date, end: dt.date) -> dict[str, int]:
    """Each unit's own capacity over the horizon (steps 1 and 2 of the module's definition)."""
    ds = dataset(data)
    return _unit_capacities(ds, horizon_days(ds, start, end), {})


def _unit_months(ds: DataSet, days: Sequence[Day]) -> dict[str, list[int]]:
    """Per unit, the most duties in each calendar month of the horizon, before its monthly maximum."""
    months: dict[tuple[int, int], list[Day]] = {}
    for day in days:
        months.setdefault((day.date.year, day.date.month), []).append(day)
    first, last = days[0].date, days[-1].date
    unit_off: set[tuple[str, dt.date]] = set()
    people_off: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for absence in ds.unavailability:
        if absence.shift is not None:
            continue  # one shift away: the unit may still serve that day
        date = max(absence.start, first)
        while date <= min(absence.end, last):
            if absence.person is None:
                unit_off.add((absence.unit, date))
            else:
                people_off[(absence.unit, date)].add(absence.person)
            date += dt.timedelta(days=1)
    most_weekends = ds.rules.max_weekends_per_month
    memo: dict[tuple, int] = {}
    result = {}
    for unit in ds.units:
        per_day = ds.max_per_day(unit)
        people = len(ds.people_of(unit.id))
        most_run = ds.max_consecutive_days(unit)
        per_month = []
        for month_days in months.values():
            caps = tuple(
                0
                if (unit.id, d.date) in unit_off
                else min(per_day, people - len(people_off.get((unit.id, d.date), ())))
                if people
                else per_day
                for d in month_days
            )
            rest = tuple(not d.is_working for d in month_days)
            key = (caps, rest, most_run, most_weekends)
            if key not in memo:
                memo[key] = _most_duties(caps, rest, most_run, most_weekends)
            per_month.append(memo[key])
        result[unit.id] = per_month
    return result


def _unit_capacities(ds: DataSet, days: Sequence[Day], max_totals: Mapping[str, int]) -> dict[str, int]:
    """Steps 1-2; ``max_totals`` overrides units' monthly maxima (the generator tries leaders' values)."""
    months = _unit_months(ds, days)
    capacities = {}
    for unit in ds.units:
        most = max_totals.get(unit.id, unit.max_total)
        capacities[unit.id] = sum(m if most is None else min(m, most) for m in months[unit.id])
    return capacities


def _max_flow(supply: Mapping[tuple[str, ...], int], intake: Mapping[str, int | None]) -> int:
    """Most units' duties that reach roles: groups of units (by the roles they may take) give at most
    their supply, role r takes at most intake[r] (None: any number). Edmonds-Karp on a tiny graph."""
    groups, roles = list(supply), list(intake)
    nodes = ["source", *(f"g{i}" for i in range(len(groups))), *(f"r:{r}" for r in roles), "sink"]
    infinite = sum(supply.values()) + 1
    residual: dict[str, dict[str, int]] = {n: {} for n in nodes}

    def edge(a: str, b: str, c: int) -> None:
        residual[a][b] = residual[a].get(b, 0) + c
        residual[b].setdefault(a, 0)

    for i, group in enumerate(groups):
        edge("source", f"g{i}", supply[group])
        for role in group:
            if role in intake:
                edge(f"g{i}", f"r:{role}", infinite)
    for role in roles:
        edge(f"r:{role}", "sink", infinite if intake[role] is None else intake[role])  # type: ignore[arg-type]
    flow = 0
    while True:
        parent: dict[str, str] = {"source": "source"}
        queue = ["source"]
        while queue and "sink" not in parent:
            node = queue.pop(0)
            for nxt, cap in residual[node].items():
                if cap > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if "sink" not in parent:
            return flow
        path, node = [], "sink"
        while node != "source":
            path.append((parent[node], node))
            node = parent[node]
        push = min(residual[a][b] for a, b in path)
        for a, b in path:
            residual[a][b] -= push
            residual[b][a] += push
        flow += push


def _capacity(ds: DataSet, days: Sequence[Day], need: Mapping[str, int], max_totals: Mapping[str, int] | None = None) -> int:
    supply: dict[tuple[str, ...], int] = {}
    for unit_id, cap in _unit_capacities(ds, days, max_totals or {}).items():
        roles = ds.unit(unit_id).roles
        supply[roles] = supply.get(roles, 0) + cap
    roles = list(dict.fromkeys(r for group in supply for r in group))
    return _max_flow(supply, {r: None if r == DEFAULT_ROLE else need.get(r, 0) for r in roles})


def capacity(data: Tables | DataSet, start: dt.date, end: dt.date) -> int:
    """Upper bound on the unit-duties the units can cover in ``start``..``end`` under their own
    limits (see the module docstring for the exact definition)."""
    ds = dataset(data)
    days = horizon_days(ds, start, end)
    return _capacity(ds, days, _resolver(ds, days).need)


def measure(data: Tables | DataSet, start: dt.date, end: dt.date) -> tuple[int, int, float]:
    """(needed, capacity, needed / capacity) over ``start``..``end``."""
    ds = dataset(data)
    days = horizon_days(ds, start, end)
    need = _resolver(ds, days).need
    cap = _capacity(ds, days, need)
    total = sum(need.values())
    return total, cap, total / cap if cap else float("inf")


# --- names -----------------------------------------------------------------------------------------


class _Names:
    """Unique made-up names drawn from pools in a seeded order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def take(self, candidates: Sequence[str], fallback: str) -> str:
        pool = list(candidates)
        self.rng.shuffle(pool)
        for name in pool:
            if name not in self.used:
                self.used.add(name)
                return name
        n = 1
        while f"{fallback}{n}" in self.used:
            n += 1
        self.used.add(f"{fallback}{n}")
        return f"{fallback}{n}"

    def person(self) -> str:
        for _ in range(100):
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            if name not in self.used:
                self.used.add(name)
                return name
        return self.take((), "值班员")


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


# --- the generator ---------------------------------------------------------------------------------


def generate(
    seed: int,
    *,
    stations: int = 27,
    units: int = 76,
    tightness: float | None = 0.9,
    start: dt.date = dt.date(2026, 12, 1),
    end: dt.date = dt.date(2026, 12, 31),
    leaders: int | None = None,
    communities: int | None = None,
    people_share: float | None = None,
    tiny_share: float | None = None,
    pins: int | None = None,
    special: bool = True,
    rules: Mapping[str, object] | None = None,
) -> Tables:
    """A data set of ``stations`` positions and ``units`` units whose needed unit-duties over
    ``start``..``end`` are ``tightness`` times its capacity (module docstring), rounded.

    seed: everything else is drawn from it; the same arguments give the same tables.
    stations: positions in all, the special level-0 station included.
    units: units in all, leaders included.
    tightness: needed / capacity to aim at; None draws it from 0.6-1.1.
    start, end: the horizon the demand is scaled for (dates in a year the built-in calendar does
        not know get a calendar table naming 1 January a holiday, so they load as plain weeks).
    leaders: 县处领导 units (role 领班 only, 1-3 duties a month); None draws 1-2 for small data
        sets, 3-8 otherwise. There are none without the special station, and 0 leaves it out.
    communities: communities (one community centre each); None draws 4-8, fewer when the
        stations are few.
    people_share: share of the other units (not leaders, not tiny) that list 5-13 people;
        None draws 0.25-0.5.
    tiny_share: share of the non-leader units that list only 1-3 people; None draws 0.08-0.16.
    pins: fixed duties to try (each must pass the project's own checks or is dropped); None draws 0-3.
    special: whether to have the special level-0 station (needs stations >= 3 and units >= 6).
    rules: rules-table values (English keys, e.g. ``{"max_consecutive_days": 1}``) that replace
        the drawn ones.
    """
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if stations < 1 or units < 1:
        raise ValueError("a data set needs at least one station and one unit")

    def rng(aspect: str) -> random.Random:
        # one stream per aspect, so that a knob changes only what it is about
        return random.Random(f"{seed}/{aspect}")

    if tightness is None:
        tightness = round(rng("tightness").uniform(0.6, 1.1), 2)
    if tightness <= 0:
        raise ValueError("tightness must be positive")
    names = _Names(rng("names"))

    calendar_rows = [
        {"date": f"{year}-01-01", "day": "节假日", "name": "元旦"}
        for year in range(start.year, end.year + 1)
        if year not in builtin_years()
    ]
    days = resolve_days(
        start, end, [CalendarDay(dt.date(int(r["date"][:4]), 1, 1), DayKind.HOLIDAY, r["name"]) for r in calendar_rows]
    )

    special = special and stations >= 3 and units >= 6 and leaders != 0  # its 领班 needs leaders
    station_rows, community_names = _stations(rng("stations"), names, stations, special, communities)
    unit_rows, people_rows, roles_of = _units(
        rng("units"), names, units, special, leaders, community_names, people_share, tiny_share
    )
    absence_rows = _absences(rng("absences"), unit_rows, people_rows, days)
    rule_rows = _rules(rng("rules"), rules)

    # the special station's roles: one or two weekdays, three roles each, as data/fengqing's station
    special_rows: list[_Row] = []
    if special:
        r = rng("special")
        weekdays = sorted(r.sample(range(5), r.choice((1, 2, 2))))
        shift = r.choice(("XW", "XW", "SW"))
        special_id = station_rows[-1]["id"]
        special_rows = [
            _Row(special_id, DaySpec("weekday", weekday=w), shift, role, 1)
            for w in weekdays
            for role in (LEADER, SITTING, ROTATING)
        ]

    tables: Tables = {
        "stations": station_rows,
        "shifts": [{"id": i, "name": n, "start": s, "end": e} for i, n, s, e in SHIFTS],
        "demand": [_demand_row(row) for row in special_rows],
        "units": unit_rows,
        "people": people_rows,
        "unavailability": absence_rows,
        "requests": [],
        "fixed": [],
        "rules": rule_rows,
    }
    if calendar_rows:
        tables["calendar"] = calendar_rows

    # leaders' monthly maxima: about the 领班 duties over the tightness, 1-3 each
    ds = dataset(tables)
    resolver = _Resolver([(s.id, s.level) for s in ds.stations], days)
    for row in special_rows:
        resolver.put(row)
    restricted = dict(resolver.need)
    leader_ids = [u["id"] for u in unit_rows if roles_of[u["id"]] == (LEADER,)]
    if leader_ids:
        months = _unit_months(ds, days)
        order = list(leader_ids)
        rng("leaders").shuffle(order)
        totals = dict.fromkeys(leader_ids, 1)

        def leader_capacity(t: Mapping[str, int]) -> int:
            return sum(min(m, t[u]) for u in leader_ids for m in months[u])

        goal = restricted.get(LEADER, 0) / tightness
        for _ in range(2 * len(order)):
            leader = next((u for u in order if totals[u] < 3 and totals[u] == min(totals.values())), None)
            if leader is None:
                break
            tried = {**totals, leader: totals[leader] + 1}
            if abs(leader_capacity(tried) - goal) >= abs(leader_capacity(totals) - goal):
                break
            totals = tried
        for row in unit_rows:
            if row["id"] in totals:
                row["max_total"] = str(totals[row["id"]])
        ds = dataset(tables)
    cap = _capacity(ds, days, restricted)
    target = round(tightness * cap) - sum(restricted.values())

    resolver = _open_duty(rng("demand"), resolver, station_rows, days, target)
    tables["demand"] = [_demand_row(row) for i, row in enumerate(resolver.rows) if not resolver.droppable(i)]
    tables["requests"] = _requests(rng("requests"), resolver, unit_rows, roles_of, days)
    tables["fixed"] = _pins(rng("pins"), resolver, tables, pins)
    return tables


def _demand_row(row: _Row) -> dict[str, str]:
    return {"station": row.station, "day": str(row.day), "shift": row.shift, "role": row.role, "min": str(row.min), "max": ""}


def _stations(
    r: random.Random, names: _Names, count: int, special: bool, communities: int | None
) -> tuple[list[dict[str, str]], list[str]]:
    """A centre, a community centre per community, stations and points under them, the special
    station last; returns the rows and the community names."""
    town = names.take(TOWNS, "城关")
    area = r.choice(("0871", "0872", "0873", "0874", "0875", "0876", "0877", "0878", "0879", "0883", "0886", "0887"))

    def phone() -> str:
        return f"{area}-{r.randint(2000000, 4999999)}"

    rest = count - 1 - int(special)
    wanted = communities if communities is not None else r.randint(4, 8)
    n_communities = min(max(wanted, 1), max(1, rest // 2)) if rest > 0 else 0
    community_names = [names.take([w + "社区" for w in WORDS], "新区社区") for _ in range(n_communities)]
    rows = [{"id": "ZX", "name": f"{town}镇党群服务中心", "level": "1", "community": "", "parent": "", "phone": phone()}]
    for i, community in enumerate(community_names, 1):
        rows.append(
            {
                "id": f"SQ{i}",
                "name": f"{community}党群服务中心",
                "level": "2",
                "community": community,
                "parent": "ZX",
                "phone": phone(),
            }
        )
    lower = []
    for _ in range(rest - n_communities):
        level = r.choice((3, 4))
        community = r.randrange(n_communities)
        lower.append((level, community))
    lower.sort()  # stations, then points, each by community (as data/fengqing lists them)
    numbers = {3: 0, 4: 0}
    for level, community in lower:
        numbers[level] += 1
        if level == 3:
            station_id = f"ST{numbers[3]:02d}"
            name = names.take([w + s for w in WORDS for s in ("路", "街", "大道")], "服务站") + "党群服务站"
        else:
            station_id = f"PT{numbers[4]:02d}"
            name = names.take([w + s for w in WORDS for s in ("小区", "市场", "广场", "公园", "新村")], "服务点") + "党群服务点"
        rows.append(
            {
                "id": station_id,
                "name": name,
                "level": str(level),
                "community": community_names[community],
                "parent": f"SQ{community + 1}",
                "phone": phone(),
            }
        )
    if special:
        rows.append(
            {"id": "YZ", "name": f"{town}产业园区企业服务驿站", "level": "0", "community": "", "parent": "", "phone": phone()}
        )
    return rows, community_names


def _units(
    r: random.Random,
    names: _Names,
    count: int,
    special: bool,
    leaders: int | None,
    communities: list[str],
    people_share: float | None,
    tiny_share: float | None,
) -> tuple[list[dict[str, str]], list[dict[str, str]], dict[str, tuple[str, ...]]]:
    """Leaders, supervising and industry units (for the special station's roles) and the rest;
    returns unit rows, people rows and each unit's roles."""
    if not special:
        n_leaders = 0
    elif leaders is not None:
        n_leaders = max(0, min(leaders, count - 3))
    else:
        n_leaders = min(r.randint(1, 2) if count < 40 else r.randint(3, 8), max(1, count // 4))
    n_leaders = max(n_leaders, 1) if special else 0
    # the special station's other roles: two supervising units and nine industry units in 76, at
    # least two each when there is room, so that one absence does not empty a role
    least = 2 if count - n_leaders >= 8 else 1
    n_sitting = max(least, round(count * 2 / 76)) if special else 0
    n_rotating = max(least, round(count * 9 / 76)) if special else 0
    people_share = r.uniform(0.25, 0.5) if people_share is None else people_share
    tiny_share = r.uniform(0.08, 0.16) if tiny_share is None else tiny_share

    unit_rows: list[dict[str, str]] = []
    people_rows: list[dict[str, str]] = []
    roles_of: dict[str, tuple[str, ...]] = {}

    def add_people(unit_id: str, n: int) -> None:
        for k in range(n):
            people_rows.append(
                {"unit": unit_id, "name": names.person(), "phone": _mobile(r), "first_inquiry": _yes(k == 0 or r.random() > 0.08)}
            )

    for i in range(1, n_leaders + 1):
        person = names.person()
        unit_id = f"LD{i:02d}"
        roles_of[unit_id] = (LEADER,)
        phone = _mobile(r)
        unit_rows.append(
            {
                "id": unit_id,
                "name": f"{r.choice(LEADER_TITLES)} {person}",
                "category": "县处领导",
                "community": "",
                "members": "1",
                "roles": LEADER,
                "first_inquiry": "是",
                "max_per_day": "",
                "min_total": "",
                "max_total": "1",
                "contact": person,
                "phone": phone,
            }
        )
        people_rows.append({"unit": unit_id, "name": person, "phone": phone, "first_inquiry": "是"})

    others = count - n_leaders
    n_tiny = round(others * tiny_share)
    tiny = set(r.sample(range(others), min(n_tiny, others)))
    for n in range(others):
        unit_id = f"D{n + 1:03d}"
        if n < n_sitting:
            category, roles = "监管部门", (SITTING, DEFAULT_ROLE)
            name = "县" + names.take(GOVERNMENT, "机关")
        elif n < n_sitting + n_rotating:
            category, roles = "行业部门", (ROTATING, DEFAULT_ROLE)
            name = "县" + names.take(GOVERNMENT, "机关")
        else:
            category = r.choices(("党政机关", "事业单位", "群团组织", "企业"), weights=(50, 25, 10, 15))[0]
            pool = {"党政机关": GOVERNMENT, "事业单位": PUBLIC, "群团组织": GROUPS, "企业": FIRMS}[category]
            name = "县" + names.take(pool, "直属单位")
            roles = (DEFAULT_ROLE,)
        roles_of[unit_id] = roles
        is_tiny = n in tiny
        members = r.randint(1, 6) if is_tiny else max(3, min(60, round(r.lognormvariate(3.0, 0.45))))
        per_day = ""
        if is_tiny:
            per_day = "2" if r.random() < 0.35 else ""  # then the 1-3 people are what limits the unit
        elif members >= 15 and r.random() < 0.3:
            per_day = "2"
        max_total = str(r.randint(4, 8)) if not is_tiny and r.random() < 0.06 else ""
        no_first_inquiry = category not in ("监管部门", "行业部门") and r.random() < 0.04
        contact = names.person()
        unit_rows.append(
            {
                "id": unit_id,
                "name": name,
                "category": category,
                "community": r.choice(communities) if communities and r.random() < 0.95 else "",
                "members": str(members),
                "roles": ";".join(roles),
                "first_inquiry": _yes(not no_first_inquiry),
                "max_per_day": per_day,
                "min_total": "",
                "max_total": max_total,
                "contact": contact,
                "phone": _mobile(r),
            }
        )
        if is_tiny:
            add_people(unit_id, r.randint(1, min(3, members)))
        elif r.random() < people_share:
            add_people(unit_id, r.randint(5, 13))
    return unit_rows, people_rows, roles_of


def _absences(
    r: random.Random, unit_rows: list[dict[str, str]], people_rows: list[dict[str, str]], days: Sequence[Day]
) -> list[dict[str, str]]:
    """A little unavailability: whole units for a few days, one shift for a while, single people."""
    first, last = days[0].date, days[-1].date
    span = len(days)
    rows = []

    def dates() -> tuple[dt.date, dt.date]:
        begin = first + dt.timedelta(days=r.randrange(span))
        finish = last if r.random() < 0.25 else min(last, begin + dt.timedelta(days=r.randint(0, 4)))
        return begin, finish

    chosen = r.sample(unit_rows, max(1, round(len(unit_rows) * r.uniform(0.06, 0.12))))
    chosen.sort(key=lambda u: u["id"])
    for unit in chosen:
        begin, finish = dates()
        shift = "WS" if r.random() < 0.2 else ""
        rows.append(
            {
                "unit": unit["id"],
                "person": "",
                "start": begin.isoformat(),
                "end": finish.isoformat(),
                "shift": shift,
                "reason": r.choice(ABSENCE_REASONS),
            }
        )
    listed = [p for p in people_rows if not p["unit"].startswith("LD")]
    for person in sorted(r.sample(listed, min(len(listed), r.randint(1, 3))), key=lambda p: (p["unit"], p["name"])):
        begin, finish = dates()
        rows.append(
            {
                "unit": person["unit"],
                "person": person["name"],
                "start": begin.isoformat(),
                "end": finish.isoformat(),
                "shift": "",
                "reason": r.choice(("休假", "外出培训", "出差", "病假")),
            }
        )
    return rows


RULE_ZH = {rule.key: rule.zh for rule in layout.RULE_KEYS}


def _rules(r: random.Random, overrides: Mapping[str, object] | None) -> list[dict[str, str]]:
    forbidden = r.sample(SUCCESSIONS, r.randint(0, 2))
    values: dict[str, object] = {
        "max_per_day": 1,
        "max_consecutive_days": r.randint(1, 3),
        "forbidden_successions": ";".join(f"{a}>{b}" for a, b in forbidden),
        "home_community": r.choice(("优先", "优先", "优先", "不限")),
        "min_days_between": r.randint(0, 4),
        "max_weekends_per_month": r.randint(1, 3),
    }
    for key, value in (overrides or {}).items():
        if key not in values and not key.startswith("weight_"):
            raise ValueError(f"unknown rule {key!r}; known: {', '.join(values)} and weight_<rule>")
        values[key] = value
    return [{"key": key, "value": str(value)} for key, value in values.items()]


def _open_duty(
    r: random.Random, resolver: _Resolver, station_rows: list[dict[str, str]], days: Sequence[Day], target: int
) -> _Resolver:
    """Open 值守 demand until it adds up to ``target`` unit-duties: level rows in the default shape
    first (coarse steps), then rows for single stations, then single dates (steps of one)."""
    levels = sorted({int(s["level"]) for s in station_rows if s["level"] != "0"})
    saturday = r.random() < 0.5  # points open on Saturdays only, as data/fengqing's do
    shape: dict[int, dict[str, dict[str, int]]] = {}
    for level in levels:
        shape[level] = {}
        for kind, shifts in TEMPLATE[level].items():
            kind = "周六" if level == 4 and kind == "休息日" and saturday else kind
            shape[level][kind] = {s: min(2, max(0, w + r.choice((-1, 0, 0, 0, 1)))) for s, w in shifts.items()}
    # a few positions near schools open after school on working days (data/fengqing's 育贤 point)
    lower = [s["id"] for s in station_rows if s["level"] in ("3", "4")]
    schools = r.sample(lower, min(len(lower), r.randint(0, 2)))

    pool: list[tuple[int, int]] = []  # (row index, weight of the default shape)
    for level in levels:
        for kind, shifts in shape[level].items():
            for shift, weight in shifts.items():
                resolver.put(_Row(f"L{level}", parse_day_spec(kind), shift, DEFAULT_ROLE, 0))
                pool.append((len(resolver.rows) - 1, weight))
    for station in schools:
        resolver.put(_Row(station, parse_day_spec("工作日"), "FX", DEFAULT_ROLE, 0))
        pool.append((len(resolver.rows) - 1, 1))
    level_of = {s["id"]: int(s["level"]) for s in station_rows}

    def need() -> int:
        return resolver.need[DEFAULT_ROLE]

    def row_level(i: int) -> int:
        station = resolver.rows[i].station
        return level_of[station] if station in level_of else int(station[1])

    def by_level(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
        items = list(items)
        r.shuffle(items)
        return sorted(items, key=lambda item: row_level(item[0]))  # the centre first, in a seeded order per level

    # rows that decide no slot of the horizon (holidays in a month without any) keep the default shape
    for i, weight in pool:
        if resolver.count[i] == 0:
            resolver.put(_Row(*resolver.rows[i].key, weight))
    candidates = [
        (station, kind, shift)
        for station, level in level_of.items()
        if level in shape
        for kind, shifts in shape[level].items()
        for shift in shifts
    ]
    cells = []
    for station, level in level_of.items():
        if level in shape:
            opened = list(dict.fromkeys(s for shifts in shape[level].values() for s in shifts))
            cells += [(station, day.date, shift) for day in days for shift in opened]
    r.shuffle(cells)
    # the second pass lifts the caps: only when the positions are too few for the units
    for most, most_on_date in ((MAX_MIN, MAX_MIN_DATE), (MAX_UNITS_PER_PERIOD, MAX_UNITS_PER_PERIOD)):
        # coarse: the default shape, then more of everything, whole levels at a time
        changed = True
        for round_ in itertools.count(1):
            if need() >= target or (round_ > 5 and not changed):
                break
            changed = False
            for i, weight in by_level(pool):
                row = resolver.rows[i]
                if (round_ > 2 or weight >= round_) and row.min < most and 0 < resolver.count[i] <= target - need():
                    resolver.put(_Row(*row.key, row.min + 1))
                    changed = True
        # medium: one more unit at one station, for all days of one type
        changed = True
        while changed and need() < target:
            changed = False
            r.shuffle(candidates)
            for station, kind, shift in candidates:
                spec = parse_day_spec(kind)
                own = resolver.index.get((station, spec, shift, DEFAULT_ROLE))
                base = resolver.index.get((f"L{level_of[station]}", spec, shift, DEFAULT_ROLE))
                current = resolver.rows[own].min if own is not None else resolver.rows[base].min if base is not None else 0
                if current >= most:
                    continue
                row = _Row(station, spec, shift, DEFAULT_ROLE, current + 1)
                delta = resolver.delta(row)
                if 0 < delta <= target - need():
                    resolver.put(row)
                    changed = True
        # fine: one more unit on one date at one position
        changed = True
        while changed and need() < target:
            changed = False
            for station, date, shift in cells:
                if need() >= target:
                    break
                current = resolver.min_at((station, date, shift, DEFAULT_ROLE))
                if current < most_on_date:
                    resolver.put(_Row(station, DaySpec("date", date=date), shift, DEFAULT_ROLE, current + 1))
                    changed = True
        if need() >= target:
            break
    return resolver


def _open_cells(resolver: _Resolver) -> list[Cell]:
    return [cell for cell, i in resolver.winner.items() if resolver.rows[i].min > 0]


def _requests(
    r: random.Random,
    resolver: _Resolver,
    unit_rows: list[dict[str, str]],
    roles_of: Mapping[str, tuple[str, ...]],
    days: Sequence[Day],
) -> list[dict[str, str]]:
    """A few wishes: to serve at a given position, date and shift; to avoid a weekday's evenings; to avoid a date."""
    duty_units = [u["id"] for u in unit_rows if DEFAULT_ROLE in roles_of[u["id"]]]
    cells = [c for c in _open_cells(resolver) if c[3] == DEFAULT_ROLE]
    rows: list[dict[str, str]] = []
    if not duty_units:
        return rows
    for _ in range(r.randint(2, 3 + len(unit_rows) // 10)):
        unit = r.choice(duty_units)
        kind = r.random()
        if kind < 0.5 and cells:
            station, date, shift, _ = r.choice(cells)
            rows.append(
                {
                    "unit": unit,
                    "day": date.isoformat(),
                    "shift": shift,
                    "station": station,
                    "kind": "希望",
                    "weight": str(r.randint(1, 2)),
                }
            )
        elif kind < 0.8:
            rows.append(
                {
                    "unit": unit,
                    "day": "周" + "一二三四五"[r.randrange(5)],
                    "shift": r.choice(("WS", "ZJ")),
                    "station": "",
                    "kind": "避免",
                    "weight": "1",
                }
            )
        else:
            rows.append(
                {
                    "unit": unit,
                    "day": r.choice(days).date.isoformat(),
                    "shift": "",
                    "station": "",
                    "kind": "避免",
                    "weight": str(r.randint(1, 2)),
                }
            )
    return rows


def _pins(r: random.Random, resolver: _Resolver, tables: Tables, count: int | None) -> list[dict[str, str]]:
    """0-3 fixed duties on distinct periods and units, each unit available with an available person;
    any the project's own checks (build_problem) reject are dropped."""
    count = r.randint(0, 3) if count is None else count
    if count <= 0:
        return []
    ds = dataset(tables)
    cells = sorted(_open_cells(resolver))
    r.shuffle(cells)
    pins: list[dict[str, str]] = []
    periods: set[tuple[str, dt.date, str]] = set()
    pinned: set[str] = set()

    def away(unit: str, person: str | None, date: dt.date, shift: str) -> bool:
        return any(
            a.unit == unit and a.person in (None, person) and a.start <= date <= a.end and a.shift in (None, shift)
            for a in ds.unavailability
        )

    for station, date, shift, role in cells:
        if len(pins) >= count:
            break
        if (station, date, shift) in periods:
            continue
        fits = [
            u
            for u in ds.units
            if role in u.roles
            and u.first_inquiry
            and u.id not in pinned
            and u.max_total != 0
            and not away(u.id, None, date, shift)
        ]
        if not fits:
            continue
        unit = r.choice(fits)
        people = [p.name for p in ds.people_of(unit.id) if p.first_inquiry and not away(unit.id, p.name, date, shift)]
        if ds.people_of(unit.id) and not people:
            continue
        pins.append(
            {
                "date": date.isoformat(),
                "station": station,
                "shift": shift,
                "role": role,
                "unit": unit.id,
                "person": r.choice(people) if people else "",
                "first_inquiry": r.choice(("是", "")),
            }
        )
        periods.add((station, date, shift))
        pinned.add(unit.id)
    # pins are on distinct units and periods, so each can only break a rule on its own day: the
    # project's own checks over that day decide, and a rejected pin is dropped
    kept: list[dict[str, str]] = []
    for pin in pins:
        date = dt.date.fromisoformat(pin["date"])
        try:
            build_problem(dataset({**tables, "fixed": [*kept, pin]}), date, date)
        except DataError:
            continue
        kept.append(pin)
    return kept


# --- files -----------------------------------------------------------------------------------------


def write(folder: Path, tables: Tables) -> None:
    """Write each table as ``<folder>/<table key>.csv`` (UTF-8, English header row, every column of
    the data format), readable by ``rotation.loader.load(folder)``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in layout.TABLES:
        if table.key not in tables:
            continue
        keys = [c.key for c in table.columns]
        with open(folder / f"{table.key}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(keys)
            for row in tables[table.key]:
                writer.writerow([row.get(k, "") for k in keys])


def _table_files(folder: Path) -> list[Path]:
    """CSV files in ``folder`` that the loader would read as a table."""
    names = {n for t in layout.TABLES for n in t.names()}
    return [f for f in sorted(folder.iterdir()) if f.suffix.lower() == ".csv" and f.stem.lower() in names]


def _month(text: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{text}-01")
    return first, month_end(first)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a seeded, county-like data set as a CSV folder.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--preset", choices=sorted(PRESETS), help="named size; --stations/--units override it")
    parser.add_argument("--stations", type=int, help="positions in all (default: the preset's, or 27)")
    parser.add_argument("--units", type=int, help="units in all (default: the preset's, or 76)")
    parser.add_argument("--tightness", default="0.9", help="needed / capacity, or 'seed' to draw it from 0.6-1.1")
    parser.add_argument("--month", help="YYYY-MM (default 2026-12)")
    parser.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD), with --end")
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD), with --start")
    parser.add_argument("--leaders", type=int, help="leader units (default: drawn)")
    parser.add_argument("--pins", type=int, help="fixed duties to try (default: drawn, 0-3)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    args = parser.parse_args(argv)

    if args.month and (args.start or args.end):
        parser.error("give --month or --start/--end, not both")
    if bool(args.start) != bool(args.end):
        parser.error("--start and --end go together")
    start, end = (args.start, args.end) if args.start else _month(args.month or "2026-12")
    size = dict(PRESETS.get(args.preset or "county", PRESETS["county"]))
    size.update({k: v for k, v in (("stations", args.stations), ("units", args.units)) if v is not None})
    tightness = None if args.tightness == "seed" else float(args.tightness)
    if args.out.exists() and not args.out.is_dir():
        print(f"{args.out} is not a folder", file=sys.stderr)
        return 2
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        print(f"{args.out} is not empty; use --force to write into it", file=sys.stderr)
        return 2

    tables = generate(args.seed, tightness=tightness, start=start, end=end, leaders=args.leaders, pins=args.pins, **size)
    if args.out.exists():
        for stale in _table_files(args.out):  # an earlier run's tables would be read with these
            if stale.stem not in tables:
                stale.unlink()
    write(args.out, tables)
    need, cap, ratio = measure(tables, start, end)
    print(f"needed {need} unit-duties, capacity {cap}, ratio {ratio:.3f} ({start} to {end})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
