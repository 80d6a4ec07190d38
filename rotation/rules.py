"""Every rule of the data format, registered once: its key, the name reports show, hard or soft,
and for a soft rule its default weight and the word of its weight key in the rules table
(``权重_公平``).

The loader, the template, the constraints, the objective, the checker, explain and the exports
all read this registry. Findings carry a :class:`RuleKey`, so no code tells rules apart by the
words of a message. Adding a rule: a key and an entry here, one constraint (or objective term),
one checker function, and their tests (docs/solver.md §2 has a worked example).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class RuleKey(StrEnum):
    """The key of every rule; a ``str``, so it also reads and prints as its value."""

    # hard: which slots and units a duty may have (kept by which variables exist)
    SLOT = "slot"
    UNIT = "unit"
    ROLE = "role"
    COMMUNITY = "community"
    UNAVAILABLE = "unavailable"
    DUPLICATE = "duplicate"
    # hard: one constraint family each
    COVERAGE_MAX = "coverage_max"
    FIXED = "fixed"
    MAX_PER_DAY = "max_per_day"
    SUCCESSION = "succession"
    CONSECUTIVE = "consecutive"
    WEEKENDS = "weekends"
    MIN_TOTAL = "min_total"
    MAX_TOTAL = "max_total"
    FIRST_INQUIRY = "first_inquiry"
    PERSON = "person"
    PERSON_ONCE = "person_once"
    PER_SHIFT = "per_shift"
    MIN_MINUTES = "min_minutes"
    MAX_MINUTES = "max_minutes"
    MIN_CONSECUTIVE = "min_consecutive"
    MIN_DAYS_OFF = "min_days_off"
    HORIZON_WEEKENDS = "horizon_weekends"
    # soft
    COVERAGE = "coverage"
    GAP_RUNS = "gap_runs"
    FAIRNESS = "fairness"
    WEEKEND_FAIRNESS = "weekend_fairness"
    SPACING = "spacing"
    HOME_COMMUNITY = "home_community"
    REQUESTS = "requests"
    OVERSTAFFING = "overstaffing"


class Kind(Enum):
    HARD = "硬性"
    SOFT = "软性"


@dataclass(frozen=True)
class Rule:
    key: RuleKey
    name: str  # as reports show it
    kind: Kind
    weight: int = 0  # soft rules: points per unit of the rule's amount, by default
    weight_word: str = ""  # soft rules: the word in the rules table's weight key, 权重_<word>
    structural: bool = False  # hard rules kept by which variables exist, not by a constraint
    minimum: bool = False  # hard rules that fewer duties can break (a roster cannot drop its way back)


def _hard(key: RuleKey, name: str, structural: bool = False, minimum: bool = False) -> Rule:
    return Rule(key, name, Kind.HARD, structural=structural, minimum=minimum)


def _soft(key: RuleKey, name: str, weight: int, word: str) -> Rule:
    return Rule(key, name, Kind.SOFT, weight, word)


RULES: tuple[Rule, ...] = (
    _hard(RuleKey.SLOT, "开放时段", structural=True),
    _hard(RuleKey.UNIT, "单位", structural=True),
    _hard(RuleKey.ROLE, "角色资格", structural=True),
    _hard(RuleKey.COMMUNITY, "报到社区", structural=True),
    _hard(RuleKey.UNAVAILABLE, "不可安排", structural=True),
    _hard(RuleKey.DUPLICATE, "重复安排", structural=True),
    _hard(RuleKey.COVERAGE_MAX, "人数上限"),
    _hard(RuleKey.FIXED, "固定安排", minimum=True),
    _hard(RuleKey.MAX_PER_DAY, "每日最多"),
    _hard(RuleKey.SUCCESSION, "禁止接续"),
    _hard(RuleKey.CONSECUTIVE, "最多连续天数"),
    _hard(RuleKey.WEEKENDS, "每月最多周末"),
    _hard(RuleKey.MIN_TOTAL, "每月最少次数", minimum=True),
    _hard(RuleKey.MAX_TOTAL, "每月最多次数"),
    _hard(RuleKey.FIRST_INQUIRY, "首问负责"),
    _hard(RuleKey.PERSON, "值班人员"),
    _hard(RuleKey.PERSON_ONCE, "每人每天一次"),
    _hard(RuleKey.PER_SHIFT, "每类时段最多次数"),
    _hard(RuleKey.MIN_MINUTES, "最短总时长", minimum=True),
    _hard(RuleKey.MAX_MINUTES, "最长总时长"),
    _hard(RuleKey.MIN_CONSECUTIVE, "最少连续值班天数", minimum=True),
    _hard(RuleKey.MIN_DAYS_OFF, "最少连续休息天数", minimum=True),
    _hard(RuleKey.HORIZON_WEEKENDS, "排班期内最多周末"),
    # soft rules, in the order reports show them; coverage outweighs every other rule, and units
    # beyond a period's minimum (overstaffing) cost nothing unless a data set asks for it
    _soft(RuleKey.COVERAGE, "覆盖不足", 10000, "覆盖"),
    # where duties must go uncovered, spread the gaps: a position left with nobody on two open
    # days in a row costs more than any other rule but coverage
    _soft(RuleKey.GAP_RUNS, "阵地连续无人", 100, "连续无人"),
    _soft(RuleKey.FAIRNESS, "公平（按党员人数）", 10, "公平"),
    _soft(RuleKey.WEEKEND_FAIRNESS, "周末节假日公平", 10, "周末公平"),
    _soft(RuleKey.SPACING, "值班间隔", 10, "间隔"),
    _soft(RuleKey.HOME_COMMUNITY, "就近报到社区", 5, "报到社区"),
    _soft(RuleKey.REQUESTS, "单位意愿", 10, "意愿"),
    _soft(RuleKey.OVERSTAFFING, "超出需求人数", 0, "超员"),
)
"""Every rule, hard ones first."""

BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}
HARD: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.kind is Kind.HARD)
SOFT: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.kind is Kind.SOFT)
DEFAULT_WEIGHTS: dict[str, int] = {rule.key.value: rule.weight for rule in SOFT}
"""Points per unit of each soft rule's amount, by default."""


def name(key: str) -> str:
    """The name reports show for ``key`` (the key itself for a key no rule has)."""
    rule = BY_KEY.get(key)
    return rule.name if rule is not None else key
