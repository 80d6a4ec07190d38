"""Day types: the built-in Chinese calendar, the data set's overrides, and years nobody knows."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from rotation.calendar import HOLIDAY_ZH, CalendarSource, Day, UnknownDatesError, builtin_years, resolve_days
from rotation.model import CalendarDay, DayKind

UNKNOWN_YEAR = max(builtin_years()) + 1
"""The first year the installed chinese_calendar does not know (2027 with chinese_calendar 1.11)."""


def on_or_after(date: dt.date, weekday: int) -> dt.date:
    """The first date from ``date`` on that falls on ``weekday`` (0 = Monday)."""
    return date + dt.timedelta(days=(weekday - date.weekday()) % 7)


def one_day(date: dt.date, overrides: tuple[CalendarDay, ...] = (), assume_weekends: bool = False) -> Day:
    [day] = resolve_days(date, date, overrides, assume_weekends)
    return day


def test_national_day_2026_is_a_holiday_from_october_1_to_7() -> None:
    days = resolve_days(dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert [d.date.day for d in days] == [1, 2, 3, 4, 5, 6, 7]
    assert {(d.kind, d.name, d.source) for d in days} == {(DayKind.HOLIDAY, "国庆节", CalendarSource.BUILTIN)}
    assert days[0].note == "国庆节"


def test_october_8_2026_is_an_ordinary_workday() -> None:
    assert one_day(dt.date(2026, 10, 8)) == Day(dt.date(2026, 10, 8), DayKind.WORKDAY, None, CalendarSource.BUILTIN)
    assert not one_day(dt.date(2026, 10, 8)).is_adjusted_workday


@pytest.mark.parametrize("date", [dt.date(2026, 9, 20), dt.date(2026, 10, 10)])
def test_national_day_adjusted_weekend_days_are_workdays(date: dt.date) -> None:
    day = one_day(date)
    assert date.weekday() >= 5
    assert (day.kind, day.name) == (DayKind.WORKDAY, "国庆节")
    assert day.is_working
    assert day.is_adjusted_workday
    assert day.note == "国庆节调休上班"


def test_an_ordinary_weekend_is_a_rest_day() -> None:
    saturday, sunday = resolve_days(dt.date(2026, 10, 17), dt.date(2026, 10, 18))
    assert (saturday.kind, saturday.name, sunday.kind) == (DayKind.RESTDAY, None, DayKind.RESTDAY)
    assert not saturday.is_adjusted_workday
    assert saturday.note == ""


def test_resolve_days_covers_start_to_end_inclusive() -> None:
    days = resolve_days(dt.date(2026, 9, 28), dt.date(2026, 10, 11))
    assert len(days) == 14
    assert (days[0].date, days[-1].date) == (dt.date(2026, 9, 28), dt.date(2026, 10, 11))


def test_a_year_the_builtin_calendar_does_not_know_raises() -> None:
    start = dt.date(UNKNOWN_YEAR, 1, 1)
    with pytest.raises(UnknownDatesError) as caught:
        resolve_days(start, dt.date(UNKNOWN_YEAR, 1, 3))
    assert caught.value.dates == [start, dt.date(UNKNOWN_YEAR, 1, 2), dt.date(UNKNOWN_YEAR, 1, 3)]
    message = str(caught.value)
    assert f"{UNKNOWN_YEAR}-01-01 至 {UNKNOWN_YEAR}-01-03" in message
    assert f"{UNKNOWN_YEAR} 年" in message
    assert "日历调整" in message


def test_unknown_dates_across_a_known_year_end_name_only_the_unknown_ones() -> None:
    last_known = dt.date(UNKNOWN_YEAR - 1, 12, 31)
    with pytest.raises(UnknownDatesError) as caught:
        resolve_days(last_known, dt.date(UNKNOWN_YEAR, 1, 1))
    assert caught.value.dates == [dt.date(UNKNOWN_YEAR, 1, 1)]
    assert f"：{UNKNOWN_YEAR}-01-01。" in str(caught.value)


def test_a_holiday_row_in_the_calendar_table_covers_an_unknown_year() -> None:
    new_year = CalendarDay(dt.date(UNKNOWN_YEAR, 1, 1), DayKind.HOLIDAY, "元旦")
    monday = on_or_after(dt.date(UNKNOWN_YEAR, 1, 8), 0)
    days = resolve_days(dt.date(UNKNOWN_YEAR, 1, 1), monday, (new_year,))
    assert days[0] == Day(new_year.date, DayKind.HOLIDAY, "元旦", CalendarSource.OVERRIDE)
    for day in days[1:]:
        plain = DayKind.RESTDAY if day.date.weekday() >= 5 else DayKind.WORKDAY
        assert (day.kind, day.name, day.source) == (plain, None, CalendarSource.OVERRIDE)
    assert days[-1].kind is DayKind.WORKDAY


def test_a_workday_row_alone_does_not_cover_an_unknown_year() -> None:
    saturday = on_or_after(dt.date(UNKNOWN_YEAR, 2, 6), 5)
    adjusted = CalendarDay(saturday, DayKind.WORKDAY, "春节")
    assert one_day(saturday, (adjusted,)).kind is DayKind.WORKDAY
    with pytest.raises(UnknownDatesError) as caught:
        resolve_days(saturday, saturday + dt.timedelta(days=1), (adjusted,))
    assert caught.value.dates == [saturday + dt.timedelta(days=1)]


def test_assume_weekends_accepts_an_unknown_year_as_plain_weeks() -> None:
    monday = on_or_after(dt.date(UNKNOWN_YEAR, 3, 1), 0)
    days = resolve_days(monday, monday + dt.timedelta(days=6), assume_weekends=True)
    assert [d.kind for d in days] == [DayKind.WORKDAY] * 5 + [DayKind.RESTDAY] * 2
    assert {d.source for d in days} == {CalendarSource.ASSUMED}


def test_assume_weekends_leaves_known_years_builtin() -> None:
    day = one_day(dt.date(2026, 10, 1), assume_weekends=True)
    assert (day.kind, day.source) == (DayKind.HOLIDAY, CalendarSource.BUILTIN)


def test_an_override_row_replaces_a_builtin_date() -> None:
    overrides = (
        CalendarDay(dt.date(2026, 10, 8), DayKind.HOLIDAY, "国庆节"),
        CalendarDay(dt.date(2026, 10, 10), DayKind.RESTDAY, None),
    )
    holiday, friday, saturday = resolve_days(dt.date(2026, 10, 8), dt.date(2026, 10, 10), overrides)
    assert holiday == Day(dt.date(2026, 10, 8), DayKind.HOLIDAY, "国庆节", CalendarSource.OVERRIDE)
    assert friday == Day(dt.date(2026, 10, 9), DayKind.WORKDAY, None, CalendarSource.BUILTIN)
    assert saturday == Day(dt.date(2026, 10, 10), DayKind.RESTDAY, None, CalendarSource.OVERRIDE)


def test_every_builtin_holiday_has_a_chinese_name() -> None:
    assert {holiday.value for holiday in chinese_calendar.Holiday} <= set(HOLIDAY_ZH)
