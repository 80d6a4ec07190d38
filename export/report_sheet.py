"""The sheets for the planner: the 总览 overview of every position by day, the 求解报告 solve
report, and a repair's 调整清单 change list.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Protocol, TypeVar

from openpyxl.worksheet.worksheet import Worksheet

from export.wall import DAY_FORMAT, day_fill, horizon_text, role_order, shift_order, shift_text, weekday
from export.workbook import (
    BODY,
    BOLD,
    CENTRE,
    HEADER_FILL,
    fit_columns,
    fit_row_height,
    note_block,
    print_a4,
    put,
    put_row,
    style_cells,
    title_row,
)
from rotation import tables
from rotation.calendar import CalendarSource
from rotation.checker import CheckResult, Finding
from rotation.explain import UNPLANNED
from rotation.model import DEFAULT_ROLE, HomeCommunity, Unit
from rotation.problem import Period, Problem
from rotation.result import Result, points
from rotation.roster import Roster
from rotation.rules import name as rule_name
from rotation.units import SCALE
from rotation.wall_layout import unit_label

CHANGE_COLUMNS = ("调整", "日期", "星期", "阵地", "时段", "角色", "原值班单位", "原值班人员", "新值班单位", "新值班人员")


# --- a repair's change list --------------------------------------------------------------------


def write_changes(sheet: Worksheet, result: Result, footer: str) -> None:
    """A repair's change list, one row per duty, so the planner can tell each unit concerned."""
    problem, repair = result.problem, result.repair
    assert repair is not None, "only a repair has a change list"
    changes = repair.changes
    title_row(sheet, 1, f"排班调整清单（{repair.since} 起）", len(CHANGE_COLUMNS))
    style_cells(put_row(sheet, 2, CHANGE_COLUMNS), BOLD, CENTRE, HEADER_FILL)
    rows: list = [list(CHANGE_COLUMNS)]
    for row, c in enumerate(changes, start=3):
        values = [
            c.kind,
            c.date,
            weekday(c.date),
            _station_label(problem, c.station),
            shift_text(problem, c.shift),
            c.role,
            unit_label(problem, c.old_unit) if c.old_unit else "",
            c.old_person or "",
            unit_label(problem, c.new_unit) if c.new_unit else "",
            c.new_person or "",
        ]
        written = put_row(sheet, row, values)
        style_cells(written, fill=day_fill(problem, c.date))
        written[1].number_format = DAY_FORMAT
        rows.append(values)
    if not changes:
        put(sheet, 3, 1, "原排班无需改动。").font = BODY
    widths = fit_columns(sheet, rows, (6, 8, 6, 16, 14, 6, 14, 10, 14, 10), maximum=30)
    proven = "已证明没有改动更少的排班。" if repair.fewest_proven else "时限内未能证明没有改动更少的排班。"
    note_block(
        sheet,
        len(changes) + 4,
        (
            f"{repair.since} 之前的值班不变；{proven}请通知表中涉及的单位；"
            "原值班单位空白表示新增的值班，新值班单位空白表示取消的值班。",
        ),
        widths,
    )
    sheet.freeze_panes = "A3"
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True)


# --- overview for the planner --------------------------------------------------------------------


def short_name(unit: Unit) -> str:
    """A unit's name as the overview shows it: a leader by personal name, ``县财政局`` as ``财政局``."""
    name = unit.label
    if " " in name:
        return name.rsplit(" ", 1)[1]
    if name.startswith("县") and len(name) > 3 and name[1] not in "委人政":  # keep 县委…, 县人大…, 县政协…
        return name[1:]
    return name


def write_overview(sheet: Worksheet, problem: Problem, roster: Roster, check_result: CheckResult, footer: str) -> None:
    data = problem.data
    stations = [s for s in data.stations if any(slot.station == s.id for slot in problem.slots)]
    columns = ["日期", "星期", *(s.label for s in stations)]
    title_row(sheet, 1, f"党群服务阵地轮值总览（{horizon_text(problem)}）", len(columns))
    style_cells(put_row(sheet, 2, columns), BOLD, CENTRE, HEADER_FILL)
    missing: dict[Period, int] = Counter()
    for s in check_result.shortfalls:
        missing[Period(s.date, s.station, s.shift)] += s.missing
    shift_key, role_key = shift_order(problem), role_order(problem)
    by_day: dict[tuple[dt.date, str], list[Period]] = defaultdict(list)
    for period in problem.periods:
        by_day[(period.date, period.station)].append(period)
    units = data.units_by_id
    rows: list = [columns]
    written = []
    for number, day in enumerate(problem.days, start=3):
        values: list[object] = [day.date, weekday(day.date)]
        for station in stations:
            lines = []
            for period in sorted(by_day.get((day.date, station.id), []), key=lambda p: shift_key(p.shift)):
                duties = sorted(
                    roster.by_period.get((period.date, period.station, period.shift), ()), key=lambda a: role_key(a.role)
                )
                names = [
                    (f"{a.role}" if a.role != DEFAULT_ROLE else "") + (short_name(units[a.unit]) if a.unit in units else a.unit)
                    for a in duties
                ]
                parts = [data.shift(period.shift).label, "、".join(names)]
                if missing.get(period):
                    parts.append(f"缺{missing[period]}")
                lines.append(" ".join(part for part in parts if part))
            values.append("\n".join(lines))
        cells_ = put_row(sheet, number, values)
        style_cells(cells_, fill=day_fill(problem, day.date))
        cells_[0].number_format = DAY_FORMAT
        cells_[0].alignment = cells_[1].alignment = CENTRE
        rows.append(values)
        written.append((number, values))
    widths = fit_columns(sheet, rows, [8, 6] + [12] * len(stations), maximum=26)
    for number, values in written:
        fit_row_height(sheet, number, values, widths)
    sheet.freeze_panes = "C3"
    # for the screen first; printed at full size across pages, dates repeated on each
    print_a4(sheet, title_rows="2:2", footer=footer, landscape=True, paper=sheet.PAPERSIZE_A3, fit=False)
    sheet.print_title_cols = "A:B"


# --- the solve report ------------------------------------------------------------------------------


class _Report:
    """A report sheet written top to bottom: headings, key-value lines and small tables."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1
        self.table_rows: list[list[object]] = []
        self.texts: list[tuple[int, str]] = []

    def heading(self, text: str) -> None:
        if self.row > 2:
            self.row += 1  # a blank line between sections
        put(self.sheet, self.row, 1, text).font = BOLD
        self.row += 1

    def line(self, label: str, value: object) -> None:
        style_cells([put(self.sheet, self.row, 1, label)], BOLD, border=None)
        cell = put(self.sheet, self.row, 2, value)
        style_cells([cell], border=None)
        self.sheet.merge_cells(start_row=self.row, start_column=2, end_row=self.row, end_column=8)
        self.texts.append((self.row, str(value)))
        self.row += 1

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        empty: str = "无",
        at: Sequence[int] | None = None,
        span_to: int | None = None,
    ) -> None:
        """A table; ``at`` puts its columns in these sheet columns, so that the tables of the
        report share one grid (rule, unit, date, position, shift, text, points); ``span_to``
        merges the last column's cells up to that column."""
        if not rows:
            put(self.sheet, self.row, 1, empty).font = BODY
            self.row += 1
            return
        at = at or range(1, len(header) + 1)
        for n, values in enumerate([header, *rows]):
            written = [put(self.sheet, self.row, column, value) for column, value in zip(at, values, strict=True)]
            if n:
                style_cells(written)
                for cell in written:
                    if isinstance(cell.value, float):
                        cell.number_format = "0.00"
            else:
                style_cells(written, BOLD, CENTRE, HEADER_FILL)
            if span_to is not None:
                style_cells(
                    [self.sheet.cell(row=self.row, column=c) for c in range(at[-1] + 1, span_to + 1)],
                    fill=HEADER_FILL if not n else None,
                )
                self.sheet.merge_cells(start_row=self.row, start_column=at[-1], end_row=self.row, end_column=span_to)
            if span_to is None:  # merged text does not widen the columns it spans
                grid: list[object] = [None] * max(at)
                for column, value in zip(at, values, strict=True):
                    grid[column - 1] = value
                self.table_rows.append(grid)
            self.row += 1

    def finish(self) -> None:
        widths = fit_columns(self.sheet, self.table_rows, (14, 14, 11, 16, 16, 30, 8, 8), maximum=60)
        for row, text in self.texts:
            fit_row_height(self.sheet, row, [text], [sum(widths[1:])], minimum=16)


def write_report(sheet: Worksheet, problem: Problem, check_result: CheckResult, result: Result | None) -> None:
    data = problem.data
    report = _Report(sheet)
    title_row(sheet, 1, "求解报告", 8)
    report.row = 2
    report.heading("数据与排班范围")
    report.line("数据", data.name or "（未命名）")
    report.line("排班范围", f"{horizon_text(problem)}，共 {len(problem.days)} 天")
    report.line(
        "规模",
        f"阵地 {len(data.stations)} 个，单位 {len(data.units)} 个，人员 {len(data.people)} 名；"
        f"开放岗位 {len(problem.slots)} 个，需 {problem.unit_duties} 人次",
    )
    report.line("日历", _calendar_text(problem))
    special = [f"{d.date.month}月{d.date.day}日（{weekday(d.date)}）{d.note}" for d in problem.days if d.note]
    report.line("节假日与调休", "；".join(special) if special else "无")
    for warning in problem.warnings:
        report.line("注意", warning)

    report.heading("规则与权重")
    report.table(("项目", "值", "说明"), _rule_rows(problem), at=(1, 2, 3), span_to=6)

    report.heading("求解结果")
    figures = check_result.figures
    covered = figures.needed_unit_duties - sum(s.missing for s in check_result.shortfalls)
    if result is not None:
        report.line("状态", result.status.value + ("（按 Ctrl-C 中止，保留目前最好的排班）" if result.interrupted else ""))
        report.line("求解方法", result.method)
        report.line("改进解", f"找到 {result.solutions} 个")
        report.line("参数", "，".join(f"{_PARAMETER_ZH.get(k, k)} {_yes_no(v)}" for k, v in result.parameters.items()))
        report.line("版本", f"rotation {result.provenance['version']}")
        if "data_sha256" in result.provenance:
            report.line("数据指纹", f"sha256:{result.provenance['data_sha256']}")
    else:
        report.line("状态", "校验已有排班（未求解）")
    objective = result.objective if result is not None and result.objective is not None else check_result.objective
    report.line("目标值", f"{points(objective)}（各软性规则扣分之和，越小越好）")
    if result is not None:
        report.line("下界", points(result.bound) if result.bound is not None else "-")
        report.line("差距", f"{result.gap * 100:.2f}%" if result.gap is not None else "-")
    report.line(
        "覆盖",
        f"{covered}/{figures.needed_unit_duties} 人次"
        + ("，全部覆盖" if not check_result.shortfalls else f"，{len(check_result.shortfalls)} 个岗位人数不足"),
    )
    if result is not None and result.unplanned is not None:
        first, last = result.unplanned
        report.line("未排班", f"时限已到，{first} 至 {last} 没有排班：缺口按月合计，不生成这些月份的上墙表；请加大时限重新排班")
    report.line("硬性规则", "全部遵守" if not check_result.violations else f"违反 {len(check_result.violations)} 处，见下表")

    report.heading("各项扣分")
    report.table(
        ("规则", "权重", "数量", "扣分", "处数"),
        [(rule_name(s.rule), s.weight, float(s.amount), s.penalty / SCALE, len(s.findings)) for s in check_result.scores],
    )

    report.heading("缺口（人数不足的岗位）")
    causes = (result.gap_causes if result is not None else None) or {}
    span = result.unplanned if result is not None else None
    planned, idle = _split(check_result.shortfalls, span)
    report.table(
        ("角色", "缺", "日期", "阵地", "时段", "说明"),
        [
            (
                s.role,
                s.missing,
                s.date.isoformat(),
                _station_label(problem, s.station),
                shift_text(problem, s.shift),
                f"{weekday(s.date)}；需要 {s.needed} 个单位，已安排 {s.assigned} 个"
                + (f"。原因：{causes[key]}" if (key := (s.date, s.station, s.shift, s.role)) in causes else ""),
            )
            for s in planned
        ]
        + [
            ("", sum(s.missing for s in m), _span_text(m), "全部阵地", "", f"{len(m)} 个岗位人数不足。原因：{UNPLANNED}")
            for m in _by_month(idle)
        ],
    )

    report.heading("违反硬性规则")
    report.table(
        ("规则", "单位", "日期", "阵地", "时段", "说明"),
        [(rule_name(f.rule), *_where(problem, f), f.message) for f in check_result.violations],
    )

    report.heading("软性规则扣分明细（谁、哪天、哪个阵地）")
    report.table(
        ("规则", "单位", "日期", "阵地", "时段", "说明", "扣分"),
        [row for score in check_result.scores for row in _finding_rows(problem, score.findings, span)],
    )
    report.finish()
    sheet.freeze_panes = "A2"
    print_a4(sheet, title_rows=None, landscape=True)


class _Dated(Protocol):
    @property
    def date(self) -> dt.date | None: ...


_D = TypeVar("_D", bound=_Dated)


def _split(items: Sequence[_D], span: tuple[dt.date, dt.date] | None) -> tuple[list[_D], list[_D]]:
    """``items`` of planned days (or undated), and those of the days the time limit never
    reached: a whole year at a few seconds leaves thousands, which the report sums by month."""
    planned: list[_D] = []
    idle: list[_D] = []
    for item in items:
        day = item.date
        (idle if span is not None and day is not None and span[0] <= day <= span[1] else planned).append(item)
    return planned, idle


def _by_month(items: Sequence[_D]) -> list[list[_D]]:
    months: dict[tuple[int, int], list[_D]] = defaultdict(list)
    for item in items:
        day = item.date
        assert day is not None, "only dated items fall on unplanned days"
        months[(day.year, day.month)].append(item)
    return [months[key] for key in sorted(months)]


def _span_text(items: Sequence[_Dated]) -> str:
    days = sorted(day for item in items if (day := item.date) is not None)
    return f"{days[0]} 至 {days[-1]}"


def _finding_rows(problem: Problem, findings: Sequence[Finding], span: tuple[dt.date, dt.date] | None) -> list[tuple]:
    planned, idle = _split(findings, span)
    rows: list[tuple] = [(rule_name(f.rule), *_where(problem, f), f.message, f.penalty / SCALE) for f in planned]
    for month in _by_month(idle):
        penalty = sum(f.penalty for f in month) / SCALE
        rows.append((rule_name(month[0].rule), "", _span_text(month), "", "", f"未排班的日子，共 {len(month)} 处", penalty))
    return rows


def _yes_no(value: object) -> object:
    return ("是" if value else "否") if isinstance(value, bool) else value


_PARAMETER_ZH = {"time_limit": "时限（秒）", "workers": "线程数", "seed": "随机种子", "deterministic": "可重现"}
_HOME_ZH = {HomeCommunity.PREFER: "优先", HomeCommunity.REQUIRE: "必须", HomeCommunity.IGNORE: "不限"}


def _calendar_text(problem: Problem) -> str:
    sources = Counter(d.source for d in problem.days)
    if set(sources) == {CalendarSource.BUILTIN}:
        return "内置日历（国务院办公厅节假日安排，chinese-calendar 包）"
    parts = []
    if sources[CalendarSource.BUILTIN]:
        parts.append(f"内置日历 {sources[CalendarSource.BUILTIN]} 天")
    if sources[CalendarSource.OVERRIDE]:
        parts.append(f"按数据中的日历调整表 {sources[CalendarSource.OVERRIDE]} 天")
    if sources[CalendarSource.ASSUMED]:
        parts.append(f"不在内置日历中、按普通周末推定 {sources[CalendarSource.ASSUMED]} 天")
    return "；".join(parts)


def _rule_rows(problem: Problem) -> list[tuple[str, str, str]]:
    data = problem.data
    rules = data.rules
    values = {
        "max_per_day": str(rules.max_per_day),
        "max_consecutive_days": str(rules.max_consecutive_days),
        "forbidden_successions": "；".join(
            f"{a}>{b}（{_shift_label(problem, a)}之后次日不接{_shift_label(problem, b)}）" for a, b in rules.forbidden_successions
        )
        or "无",
        "home_community": _HOME_ZH[rules.home_community],
        "min_days_between": str(rules.min_days_between),
        "max_weekends_per_month": str(rules.max_weekends_per_month),
    }
    rows = [(key.zh, values[key.key], key.help) for key in tables.RULE_KEYS]
    rows += [
        (f"权重_{tables.SOFT_RULE_ZH[rule]}", str(weight), f"软性规则「{rule_name(rule)}」每单位数量的扣分")
        for rule, weight in rules.weights
    ]
    return rows


def _shift_label(problem: Problem, shift_id: str) -> str:
    shift = problem.data.shifts_by_id.get(shift_id)
    return shift.label if shift else shift_id


def _station_label(problem: Problem, station_id: str | None) -> str:
    if station_id is None:
        return ""
    station = problem.data.stations_by_id.get(station_id)
    return station.label if station else station_id


def _where(problem: Problem, finding: Finding) -> tuple[str, str, str, str]:
    return (
        unit_label(problem, finding.unit) if finding.unit else "",
        finding.date.isoformat() if finding.date else "",
        _station_label(problem, finding.station),
        shift_text(problem, finding.shift) if finding.shift else "",
    )
