"""Parsing one table cell: what planners type in Excel, turned into typed values.

Every parser takes the cell already normalised to text (see :func:`cell_text`) and raises
:class:`CellError` with a Chinese message on a value it cannot read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rotation.model import WEEKDAYS, DayKind, DaySpec, RequestKind


class CellError(ValueError):
    """A cell whose text cannot be read as its column's type."""


def cell_text(value: object) -> str:
    """The text of a cell from CSV or a workbook: surrounding spaces (full-width too) removed,
    Excel numbers and dates written plainly. Names keep their full-width punctuation; typed
    parsers fold full-width digits and letters themselves (:func:`fold`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        if value.date() == dt.date(1899, 12, 30) or value.date() == dt.date(1900, 1, 1):
            return value.strftime("%H:%M")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).replace("\u3000", " ").strip()


def fold(text: str) -> str:
    """Full-width digits, letters, colons and spaces as their ASCII forms (``１２：００`` -> ``12:00``)."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_text(text: str) -> str:
    return text


MAX_INT = 1_000_000
"""No count, weight or number of days in a data set comes near this; larger ones are typing
mistakes and would overflow the solver's 64-bit arithmetic."""


def parse_int(text: str) -> int:
    text = fold(text)
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        value = int(text.split(".")[0])
        if abs(value) > MAX_INT:
            raise CellError(f"数值「{text}」过大，不应超过 {MAX_INT}")
        return value
    raise CellError(f"应为整数，实际为「{text}」")


def parse_bool(text: str) -> bool:
    text = fold(text)
    folded = text.lower()
    if folded in ("是", "yes", "y", "1", "true", "对"):
        return True
    if folded in ("否", "no", "n", "0", "false", "错"):
        return False
    raise CellError(f"应为「是」或「否」，实际为「{text}」")


_DATE_PATTERNS = (
    r"(\d{4})-(\d{1,2})-(\d{1,2})",
    r"(\d{4})/(\d{1,2})/(\d{1,2})",
    r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
    r"(\d{4})年(\d{1,2})月(\d{1,2})日",
)


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Years a date may have: others are typing mistakes, and days counted back from year 1 fail."""


class BadDate(CellError):
    """Text written as a date, but not a date that can be used: reported as such wherever it is."""


def parse_date(text: str) -> dt.date:
    text = fold(text)
    for pattern in _DATE_PATTERNS:
        match = re.fullmatch(pattern + r"( 00:00(:00)?)?", text)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            try:
                date = dt.date(year, month, day)
            except ValueError:
                raise BadDate(f"日期「{text}」不存在") from None
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise BadDate(f"日期「{text}」的年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 年之间")
            return date
    raise CellError(f"应为日期，格式如 2026-12-01，实际为「{text}」")


def parse_time(text: str) -> dt.time:
    text = fold(text)
    match = re.fullmatch(r"(\d{1,2})[:点](\d{2})(:00)?", text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    if text in ("24:00",):
        raise CellError("时间应在同一天内，请用 23:59 表示午夜")
    raise CellError(f"应为时间，格式如 18:00，实际为「{text}」")


_DAY_WORDS = {
    "工作日": "workday",
    "workday": "workday",
    "休息日": "restday",
    "restday": "restday",
    "周末": "restday",
    "weekend": "restday",
    "节假日": "holiday",
    "holiday": "holiday",
    "全部": "all",
    "all": "all",
    "每天": "all",
}
_WEEKDAY_WORDS = {name: i for i, name in enumerate(WEEKDAYS)}
_WEEKDAY_WORDS.update({f"星期{name[1]}": i for i, name in enumerate(WEEKDAYS)})
_WEEKDAY_WORDS["星期天"] = 6
_WEEKDAY_WORDS["周天"] = 6
_WEEKDAY_WORDS.update({name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))})


def parse_day_spec(text: str) -> DaySpec:
    text = fold(text)
    folded = text.lower()
    if folded in _DAY_WORDS:
        return DaySpec(_DAY_WORDS[folded])
    if folded in _WEEKDAY_WORDS:
        return DaySpec("weekday", weekday=_WEEKDAY_WORDS[folded])
    try:
        return DaySpec("date", date=parse_date(text))
    except BadDate:
        raise
    except CellError:
        pass
    raise CellError(f"应为 工作日、休息日、节假日、全部、周一..周日 或日期 (如 2026-12-01)，实际为「{text}」")


_DAY_KINDS = {
    "工作日": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "休息日": DayKind.RESTDAY,
    "restday": DayKind.RESTDAY,
    "节假日": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
}


def parse_day_kind(text: str) -> DayKind:
    text = fold(text)
    kind = _DAY_KINDS.get(text.lower())
    if kind is None:
        raise CellError(f"应为 工作日、休息日 或 节假日，实际为「{text}」")
    return kind


def parse_request_kind(text: str) -> RequestKind:
    text = fold(text)
    folded = text.lower()
    if folded in ("希望", "want", "愿意"):
        return RequestKind.WANT
    if folded in ("避免", "avoid", "不希望"):
        return RequestKind.AVOID
    raise CellError(f"应为「希望」或「避免」，实际为「{text}」")


def parse_list(text: str) -> tuple[str, ...]:
    """``;``-separated values; Chinese semicolons and commas are accepted too."""
    parts = re.split(r"[;；,，、]", text)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))
