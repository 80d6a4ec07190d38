"""Day types of the Chinese official calendar: 工作日, 休息日, 节假日, and 调休 working days.

The built-in source is the ``chinese_calendar`` package, which follows the State Council's yearly
notice and knows only the years it was released for. The data set's ``calendar`` table overrides
it date by date and supplies the years it does not know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import chinese_calendar

from rotation.errors import DataError, DataIssue
from rotation.model import CalendarDay, DayKind


class CalendarSource(Enum):
    BUILTIN = "内置日历"
    OVERRIDE = "日历调整表"
    ASSUMED = "按普通周末推定"


@dataclass(frozen=True)
class Day:
    """One date of the horizon and how the official calendar treats it."""

    date: dt.date
    kind: DayKind
    name: str | None = None  # holiday name, or the holiday a 调休 working day belongs to
    source: CalendarSource = CalendarSource.BUILTIN

    @property
    def is_working(self) -> bool:
        return self.kind is DayKind.WORKDAY

    @property
    def is_adjusted_workday(self) -> bool:
        """A 调休 working day: a Saturday or Sunday on which people go to work."""
        return self.kind is DayKind.WORKDAY and self.date.weekday() >= 5

    @property
    def weekday_zh(self) -> str:
        return "一二三四五六日"[self.date.weekday()]

    @property
    def note(self) -> str:
        """What the wall roster prints in its remarks: the holiday, or 调休上班."""
        if self.kind is DayKind.HOLIDAY:
            return self.name or "节假日"
        if self.is_adjusted_workday:
            return f"{self.name}调休上班" if self.name else "调休上班"
        return ""


HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class UnknownDatesError(Exception):
    """The horizon reaches dates that neither the built-in calendar nor the data set knows."""

    def __init__(self, dates: list[dt.date]) -> None:
        self.dates = dates
        super().__init__(self.message())

    def message(self) -> str:
        years = sorted({d.year for d in self.dates})
        spans = "、".join(_spans(self.dates))
        year_text = "、".join(f"{y} 年" for y in years)
        return (
            f"内置日历不包含 {year_text} 的法定节假日安排，无法确定这些日期是上班还是放假：{spans}。\n"
            f"请按国务院办公厅发布的《关于 {year_text} 部分节假日安排的通知》，在数据的「日历调整」表"
            "(calendar) 中逐日填写：放假日期填日期类型「节假日」并写名称（如 元旦、春节），"
            "调休上班的周六、周日填「工作日」。填写了某一年的任一节假日后，该年其余日期按普通周一至周五上班、"
            "周六周日休息处理。\n"
            "如果暂时无法取得通知，也可以加上 --assume-weekends 选项，按普通周末排班（结果会注明，"
            "放假安排公布后应重新排班）。"
        )


def _spans(dates: list[dt.date]) -> list[str]:
    spans: list[str] = []
    start = prev = dates[0]
    for date in [*dates[1:], None]:
        if date is not None and date == prev + dt.timedelta(days=1):
            prev = date
            continue
        spans.append(start.isoformat() if start == prev else f"{start} 至 {prev}")
        if date is not None:
            start = prev = date
    return spans


def builtin_years() -> range:
    """The years the installed ``chinese_calendar`` knows."""
    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def resolve_days(start: dt.date, end: dt.date, overrides: Iterable[CalendarDay] = (), assume_weekends: bool = False) -> list[Day]:
    """The day type of every date from ``start`` to ``end`` inclusive.

    A date in the data set's ``calendar`` table takes that row. A year the built-in calendar
    does not know is covered once the table names at least one 节假日 in it; its other dates are
    plain weekdays and weekends. Otherwise such dates raise :class:`UnknownDatesError`, unless
    ``assume_weekends`` accepts plain weekday/weekend days for them.
    """
    by_date = {row.date: row for row in overrides}
    covered_years = {row.date.year for row in overrides if row.kind is DayKind.HOLIDAY}
    known = builtin_years()
    days: list[Day] = []
    unknown: list[dt.date] = []
    for date in _dates(start, end):
        if date in by_date:
            row = by_date[date]
            days.append(Day(date, row.kind, row.name, CalendarSource.OVERRIDE))
        elif date.year in known:
            days.append(_builtin_day(date))
        elif date.year in covered_years:
            days.append(Day(date, _plain_kind(date), None, CalendarSource.OVERRIDE))
        elif assume_weekends:
            days.append(Day(date, _plain_kind(date), None, CalendarSource.ASSUMED))
        else:
            unknown.append(date)
    if unknown:
        raise UnknownDatesError(unknown)
    return days


def _builtin_day(date: dt.date) -> Day:
    on_holiday, name = chinese_calendar.get_holiday_detail(date)
    zh = HOLIDAY_ZH.get(name, name) if name else None
    if name is not None and on_holiday:
        return Day(date, DayKind.HOLIDAY, zh)
    if name is not None:
        return Day(date, DayKind.WORKDAY, zh)  # a 调休 working day
    return Day(date, DayKind.RESTDAY if on_holiday else DayKind.WORKDAY)


def _plain_kind(date: dt.date) -> DayKind:
    return DayKind.RESTDAY if date.weekday() >= 5 else DayKind.WORKDAY


def month_end(date: dt.date) -> dt.date:
    """The last day of ``date``'s calendar month."""
    return (date.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def months_spanned(dates: Iterable[dt.date], what: str = "排班") -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar months ``dates`` fall in; DataError when empty."""
    dates = sorted(dates)
    if not dates:
        raise DataError([DataIssue(what, None, None, "排班文件里没有任何值班")])
    return dates[0].replace(day=1), month_end(dates[-1])


def _dates(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)
