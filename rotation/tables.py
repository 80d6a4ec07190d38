"""The table layout of a data set: table and column names (English and Chinese) and types.

This is the single description of the data format that the loader reads and the template writer
(export/template.py) writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rotation import cells
from rotation.rules import SOFT


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    parse: Callable[[str], Any] = cells.parse_text
    required: bool = False  # the cell may not be empty
    help: str = ""

    def names(self) -> set[str]:
        return _spellings(self.key, self.zh)


@dataclass(frozen=True)
class Table:
    key: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False

    def names(self) -> set[str]:
        return _spellings(self.key, self.zh)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _spellings(key: str, zh: str) -> set[str]:
    return {key.lower(), zh, f"{key}/{zh}".lower(), f"{zh}/{key}".lower()}


IGNORED_COLUMNS = {"备注", "说明", "notes", "note", "comment"}
"""Columns planners add for themselves; read past silently."""

_int, _bool, _date, _time = cells.parse_int, cells.parse_bool, cells.parse_date, cells.parse_time

STATIONS = Table(
    "stations",
    "阵地",
    (
        Column("id", "编号", required=True, help="唯一编号"),
        Column("name", "名称", required=True, help="显示名称"),
        Column("level", "层级", _int, required=True, help="1 中心，2 社区中心，3 服务站，4 服务点，0 特设岗位"),
        Column("community", "社区", help="所属社区；空 = 面向全县"),
        Column("parent", "上级", help="上一级阵地的编号（可空）"),
        Column("phone", "电话", help="印在上墙轮值表上"),
    ),
    required=True,
)

SHIFTS = Table(
    "shifts",
    "时段",
    (
        Column("id", "编号", required=True, help="唯一编号"),
        Column("name", "名称", required=True, help="如 午间错时"),
        Column("start", "开始", _time, required=True, help="HH:MM"),
        Column("end", "结束", _time, required=True, help="HH:MM，同一天内晚于开始"),
    ),
    required=True,
)

DEMAND = Table(
    "demand",
    "需求",
    (
        Column("station", "阵地", required=True, help="阵地编号、L0..L4（某一层级全部阵地）或 *（全部）"),
        Column(
            "day",
            "日期类型",
            cells.parse_day_spec,
            required=True,
            help="工作日、休息日、节假日、全部、周一..周日 或日期 YYYY-MM-DD",
        ),
        Column("shift", "时段", required=True, help="时段编号"),
        Column("role", "角色", help="默认 值守"),
        Column("min", "最少", _int, required=True, help="需要的单位数，>= 0"),
        Column("max", "最多", _int, help="默认等于最少；最少=最多=0 表示不开放"),
    ),
    required=True,
)

UNITS = Table(
    "units",
    "单位",
    (
        Column("id", "编号", required=True, help="唯一编号"),
        Column("name", "名称", required=True),
        Column("category", "类别", help="如 党政机关、监管部门、行业部门、县处领导"),
        Column("community", "报到社区", help="双报到的社区；空 = 无"),
        Column("members", "党员人数", _int, help="默认 1；公平份额按此比例"),
        Column("roles", "可担任角色", cells.parse_list, help="用 ; 分隔，默认 值守"),
        Column("first_inquiry", "可任首问", _bool, help="是/否，默认 是"),
        Column("max_per_day", "每日最多", _int, help="默认取规则表"),
        Column("min_total", "最少次数", _int, help="每月最少值班次数"),
        Column("max_total", "最多次数", _int, help="每月最多值班次数"),
        Column("contact", "联系人"),
        Column("phone", "联系电话"),
    ),
    required=True,
)

PEOPLE = Table(
    "people",
    "人员",
    (
        Column("unit", "单位", required=True, help="单位编号"),
        Column("name", "姓名", required=True),
        Column("phone", "电话"),
        Column("first_inquiry", "可任首问", _bool, help="是/否，默认 是"),
    ),
)

UNAVAILABILITY = Table(
    "unavailability",
    "不可安排",
    (
        Column("unit", "单位", required=True, help="单位编号"),
        Column("person", "姓名", help="空 = 整个单位"),
        Column("start", "开始日期", _date, required=True),
        Column("end", "结束日期", _date, help="含当天，默认 = 开始日期"),
        Column("shift", "时段", help="空 = 全天"),
        Column("reason", "原因"),
    ),
)

REQUESTS = Table(
    "requests",
    "意愿",
    (
        Column("unit", "单位", required=True, help="单位编号"),
        Column("day", "日期类型", cells.parse_day_spec, required=True, help="同需求表"),
        Column("shift", "时段", help="可空"),
        Column("station", "阵地", help="阵地编号，可空"),
        Column("kind", "类型", cells.parse_request_kind, required=True, help="希望 或 避免"),
        Column("weight", "权重", _int, help="整数 >= 1，默认 1"),
    ),
)

FIXED = Table(
    "fixed",
    "固定安排",
    (
        Column("date", "日期", _date, required=True),
        Column("station", "阵地", required=True, help="阵地编号"),
        Column("shift", "时段", required=True, help="时段编号"),
        Column("role", "角色", help="默认 值守"),
        Column("unit", "单位", required=True, help="单位编号"),
        Column("person", "姓名", help="可空"),
        Column("first_inquiry", "首问", _bool, help="是/否，可空"),
    ),
)

RULES = Table(
    "rules",
    "规则",
    (
        Column("key", "项目", required=True),
        Column("value", "值"),
    ),
)

CALENDAR = Table(
    "calendar",
    "日历调整",
    (
        Column("date", "日期", _date, required=True),
        Column("day", "日期类型", cells.parse_day_kind, required=True, help="工作日、休息日 或 节假日"),
        Column("name", "名称", help="如 元旦、春节；调休上班日可写 调休"),
    ),
)

HISTORY = Table(
    "history",
    "历史",
    (
        Column("unit", "单位", required=True, help="单位编号"),
        Column("last_duty", "上次值班日期", _date),
        Column("last_shift", "上次时段", help="时段编号"),
        Column("run_days", "连续值班天数", _int, help="默认 1"),
        Column("duties_ytd", "年度累计次数", _int, help="默认 0"),
        Column("weekends_ytd", "年度累计周末次数", _int, help="默认 0"),
    ),
)

TABLES = (STATIONS, SHIFTS, DEMAND, UNITS, PEOPLE, UNAVAILABILITY, REQUESTS, FIXED, RULES, CALENDAR, HISTORY)


@dataclass(frozen=True)
class RuleKey:
    key: str
    zh: str
    help: str


RULE_KEYS = (
    RuleKey("max_per_day", "每日最多", "每个单位每天最多值班次数，默认 1"),
    RuleKey("max_consecutive_days", "最多连续天数", "默认 2"),
    RuleKey("forbidden_successions", "禁止接续", "如 晚间>早间，多个用 ; 分隔"),
    RuleKey("home_community", "报到社区规则", "优先 (prefer)、必须 (require) 或 不限 (ignore)，默认 优先"),
    RuleKey("min_days_between", "最少间隔天数", "同一单位两次值班间隔少于此天数时扣分，默认 3"),
    RuleKey("max_weekends_per_month", "每月最多周末", "默认 2；一个周末或节假日连休段算一次"),
)

SOFT_RULE_ZH = {rule.key.value: rule.weight_word for rule in SOFT}
"""The word of each soft rule in its weight key (``权重_公平``), from :mod:`rotation.rules`."""
