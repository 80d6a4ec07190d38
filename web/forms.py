"""Reading what a planner typed into a form: months, dates, time limits, units.

Problems are DataIssues under the name of the form's section, so the page shows them in the
same table as the data's own problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rotation.calendar import month_end
from rotation.errors import DataError, DataIssue

HORIZON = "排班范围"
MIN_LIMIT = 1.0
MAX_LIMIT = 36000.0
SECONDS_PER_MONTH = 60.0  # as the command line's default


def text(form: Mapping[str, object], key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def flag(form: Mapping[str, object], key: str) -> bool:
    return text(form, key).lower() in ("1", "on", "true", "yes", "是")


def default_month(today: dt.date | None = None) -> str:
    """Next calendar month, as the command line's default."""
    first_next = month_end(today or dt.date.today()) + dt.timedelta(days=1)
    return f"{first_next:%Y-%m}"


def parse_month(value: str, section: str = HORIZON) -> tuple[dt.date, dt.date]:
    try:
        first = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise DataError([DataIssue(section, None, "月份", f"月份应写成 2026-12 这样的格式，实际为「{value}」")]) from None
    if not 1900 <= first.year <= 2100:
        raise DataError([DataIssue(section, None, "月份", f"年份 {first.year} 不在 1900–2100 年之间")])
    return first, month_end(first)


def parse_date(value: str, section: str, column: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        shown = value or "（空）"
        raise DataError([DataIssue(section, None, column, f"日期应写成 2026-12-01 这样的格式，实际为「{shown}」")]) from None
    if not 1900 <= date.year <= 2100:
        raise DataError([DataIssue(section, None, column, f"年份 {date.year} 不在 1900–2100 年之间")])
    return date


def parse_horizon(form: Mapping[str, object]) -> tuple[dt.date, dt.date]:
    """A month (``month``) or a range (``range=dates`` with ``start``, ``end``)."""
    if text(form, "range") == "dates":
        first = parse_date(text(form, "start"), HORIZON, "开始日期")
        last = parse_date(text(form, "end"), HORIZON, "结束日期") if text(form, "end") else month_end(first)
        if last < first:
            raise DataError([DataIssue(HORIZON, None, "结束日期", f"结束日期 {last} 早于开始日期 {first}")])
        if (last - first).days > 366:
            raise DataError([DataIssue(HORIZON, None, "结束日期", "一次最多排一年（366 天）")])
        return first, last
    return parse_month(text(form, "month") or default_month())


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def parse_time_limit(form: Mapping[str, object], first: dt.date, last: dt.date, section: str = HORIZON) -> float:
    """Seconds; by default 60 a month, as on the command line."""
    value = text(form, "time_limit")
    if not value:
        return SECONDS_PER_MONTH * months_between(first, last)
    try:
        seconds = float(value)
    except ValueError:
        raise DataError([DataIssue(section, None, "时限", f"时限应是秒数，如 60，实际为「{value}」")]) from None
    if not MIN_LIMIT <= seconds <= MAX_LIMIT:
        raise DataError([DataIssue(section, None, "时限", f"时限应在 {MIN_LIMIT:.0f} 到 {MAX_LIMIT:.0f} 秒之间")])
    return seconds
