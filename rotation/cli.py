"""The command line: ``rotation solve``, ``rotation validate`` and friends (text in Chinese)."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from export.files import OutputError, check_writable, write_atomically
from export.outputs import output_paths, write_outputs
from export.report import describe, describe_check
from rotation import STARTED, __version__, tables
from rotation.budget import Budget, Reserve
from rotation.calendar import UnknownDatesError, month_end, months_spanned
from rotation.engine import solve as run_solve
from rotation.engine import solve_after
from rotation.errors import DataError, DataIssue
from rotation.loader import load
from rotation.model import DataSet
from rotation.problem import Problem, build_problem
from rotation.result import Result
from rotation.roster import Roster
from rotation.solver.cpsat import Progress, SearchControl, SolveOptions

EXIT_OK = 0
EXIT_BUG = 1
EXIT_DATA = 2
EXIT_SHORTFALL = 3
EXIT_NO_ROSTER = 4
EXIT_INTERRUPTED = 5
EXIT_OUTPUT = 6

EXIT_CODES_HELP = (
    "\b\n退出码：\n"
    "  0  排班完成，全部岗位已覆盖\n"
    "  2  数据或参数有误（逐条列出问题），未排班\n"
    "  3  已输出排班，但有岗位人数不足（缺口已列出）\n"
    "  4  没有得到排班（硬性规则互相冲突，或时限内未找到）\n"
    "  5  按 Ctrl-C 中止，已输出目前最好的排班\n"
    "  6  输出文件无法写入（已有文件未改动）\n"
    "  1  程序内部错误"
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT / "data" / "fengqing"

_Command = TypeVar("_Command", bound=Callable[..., Any])
"""A command function that shared options decorate."""


class DefaultToSolve(click.Group):
    """``rotation`` with no command, or with options only, means ``rotation solve``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h", "--version")):
            args = ["solve", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # a second Ctrl-C, or one while writing: outputs are whole or absent
            click.echo("\n已中止。输出文件要么完整写出，要么保持原样，不会留下写了一半的文件。", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(
    cls=DefaultToSolve,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP.replace("退出码：", "退出码（solve，即不带命令时）："),
)
@click.version_option(__version__, prog_name="rotation", message="%(prog)s %(version)s")
def main() -> None:
    """党群服务阵地轮值排班工具。

    不带命令时等同于 solve：为默认数据（凤庆县示例）排下一个自然月的班。
    """


def run() -> None:
    """The console entry point (``rotation``, ``python solve.py``): its time limits count from
    the process's start, imports included. Called as :func:`main`, a command counts from its
    own start (a test, a server)."""
    main(obj={"started": STARTED})


def _default_month() -> str:
    today = dt.date.today()
    first_next = month_end(today) + dt.timedelta(days=1)
    return f"{first_next:%Y-%m}"


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter(f"月份应写成 YYYY-MM，如 2026-12，实际为「{month}」", param_hint="--month") from None
    return first, month_end(first)


def _horizon(month: str | None, start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.date, dt.date]:
    if month and (start or end):
        raise click.UsageError("--month 与 --start/--end 不能同时使用")
    if start or end:
        if not start:
            raise click.UsageError("给了 --end 也要给 --start")
        first = start.date()
        last = end.date() if end else _month_range(f"{first:%Y-%m}")[1]
        return first, last
    return _month_range(month or _default_month())


def horizon_options(function: _Command) -> _Command:
    function = click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定（会在报告中注明）")(
        function
    )
    function = click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期 YYYY-MM-DD（含）")(function)
    function = click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期 YYYY-MM-DD")(function)
    function = click.option("--month", help="排一个自然月，如 2026-12；默认下个月")(function)
    function = click.option(
        "--data",
        "data_path",
        type=click.Path(path_type=Path),
        default=None,
        help="数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据",
    )(function)
    return function


def load_problem(
    data_path: Path | None, month: str | None, start: dt.datetime | None, end: dt.datetime | None, assume_weekends: bool
) -> Problem:
    """Load, validate and resolve; on bad data print every problem and exit 2."""
    path = data_path or DEFAULT_DATA
    first, last = _horizon(month, start, end)
    with exit_on_bad_data():
        data = load(path)
        return build_problem(data, first, last, assume_weekends)


@contextlib.contextmanager
def exit_on_bad_data(heading: str | None = None) -> Iterator[None]:
    """Bad data or dates the calendar does not know: every problem in Chinese, then exit 2.
    ``heading`` replaces the usual first line (which says no roster was made)."""
    try:
        yield
    except DataError as error:
        text = error.report() if heading is None else heading + "\n" + "\n".join(f"  {i}" for i in error.issues)
        click.echo(text, err=True)
        sys.exit(EXIT_DATA)
    except UnknownDatesError as error:
        click.echo(error.message(), err=True)
        sys.exit(EXIT_DATA)


def _progress_printer() -> Callable[[Progress], None]:
    interactive = sys.stderr.isatty()
    last = [-10.0]

    def show(progress: Progress) -> None:
        if not interactive and progress.elapsed - last[0] < 10:
            return
        last[0] = progress.elapsed
        if not progress.scored:  # a phase with a measure of its own: say what it does instead
            found = "已找到排班，正在减少改动" if progress.solutions else "正在寻找缺口最少的排班"
            line = f"[{progress.phase}] {progress.elapsed:6.1f} 秒 | {found}"
            click.echo(("\r" + line + "   ") if interactive else line, err=True, nl=not interactive)
            return
        best = f"{progress.objective / 100:.2f}" if progress.objective is not None else "-"
        bound = f"{progress.bound / 100:.2f}" if progress.bound is not None else "-"
        gap = f"{progress.gap * 100:.2f}%" if progress.gap is not None else "-"
        line = (
            f"[{progress.phase}] {progress.elapsed:6.1f} 秒 | 目标 {best} | 下界 {bound} | 差距 {gap} | "
            f"已找到 {progress.solutions} 个解"
        )
        click.echo(("\r" + line + "   ") if interactive else line, err=True, nl=not interactive)

    return show


def read_roster_file(
    path: Path, data: DataSet, assume_weekends: bool = False, horizon: tuple[dt.date, dt.date] | None = None
) -> tuple[Roster, tuple[dt.date, dt.date]]:
    """A roster from assignments.csv or a roster workbook, and the calendar months it spans (or
    ``horizon``); raises DataError or UnknownDatesError."""
    from export.assignments import read_assignments
    from rotation.roster_reader import read_roster_workbook, roster_dates

    if not path.exists():
        raise DataError([DataIssue(path.name, None, None, f"找不到排班文件：{path}")])
    if path.suffix.lower() == ".csv":
        roster = read_assignments(path)
        return roster, horizon or months_spanned(roster.dates(), path.name)
    first, last = horizon or months_spanned(roster_dates(path), path.name)
    return read_roster_workbook(path, build_problem(data, first, last, assume_weekends)), (first, last)


def load_data(path: Path | None) -> DataSet:
    """The data set at ``path`` (default: the embedded one); on bad data print every problem and exit 2."""
    with exit_on_bad_data():
        return load(path or DEFAULT_DATA)


def run_interruptibly(run: Callable[[SearchControl], Result]) -> Result:
    """Run a search; the first Ctrl-C stops it and keeps the best roster, a second one quits."""
    control = SearchControl()

    def interrupt(signum: int, frame: object) -> None:
        if control.interrupted:
            raise KeyboardInterrupt
        click.echo("\n收到中止信号：停止搜索，保留目前最好的排班……（再按一次 Ctrl-C 直接退出）", err=True)
        control.stop()

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        return run(control)
    finally:
        signal.signal(signal.SIGINT, previous)


DETERMINISTIC_RATE = 0.5
"""Deterministic seconds of work per second of ``--time-limit`` with one worker: about what a
two-core machine does, so that a run ends well within its limit, repeatably (docs/solver.md §3)."""
WRITE_SECONDS = 0.3
"""Wall-clock seconds writing the outputs takes at least, ..."""
WRITE_PER_DUTY = 0.0012
"""... and per unit-duty of the roster (twice that with per-unit files; docs/solver.md §5)."""


MAX_BUSY = 4.0
"""The most the writing time is scaled up for a busy machine."""


def run_budget(time_limit: float, workers: int) -> Budget:
    """The whole run's budget, counted from the command's start (the process's, from
    :func:`run`): loading, solving, explaining and writing all count. One worker counts CP-SAT's
    deterministic time, so that the same data and seed give the same roster; the time limit
    still ends it, should the machine be much slower than usual (the report then says the
    roster may not repeat)."""
    started = (click.get_current_context().find_root().obj or {}).get("started", time.monotonic())
    if workers == 1:
        return Budget(time_limit * DETERMINISTIC_RATE, deterministic=True, started=started, deadline=started + time_limit)
    return Budget(time_limit, started=started)


def writing_reserve(per_unit: bool, busy: float | None = None) -> Reserve:
    """Wall-clock seconds to keep for writing the outputs, on this machine as busy as it has
    been (``busy`` times slower than when idle): by default, the process's wall-clock time
    against its CPU time so far (imports and loading, one thread), which a fresh command tells
    and a long-running server does not. Per planned unit-duty: the days a horizon never reaches
    cost next to nothing to write."""
    if busy is None:
        elapsed = time.monotonic() - STARTED
        busy = min(max(elapsed / max(time.process_time(), 1e-3), 1.0), MAX_BUSY) if elapsed > 0.3 else 1.0
    return Reserve(busy * WRITE_SECONDS, busy * WRITE_PER_DUTY * (2 if per_unit else 1))


def finish(result: Result, out_dir: Path, force: bool, per_unit: bool, quiet: bool) -> None:
    """Print the summary (each gap with its cause), write the checked roster and exit with the
    documented code."""
    if not quiet:
        click.echo("", err=True)
    click.echo(result.summary())
    if result.roster is None:
        # not even a partial roster: coverage is soft, so only a minimum (a month's least
        # duties, and the benchmark's least minutes and runs) can leave none
        click.echo(
            "没有得到任何排班：每个单位的每月最少次数等下限规则无法同时满足（或时限太短，来不及找到满足下限的排班）。"
            "请检查单位表的「最少次数」，或加大 --time-limit 再试。",
            err=True,
        )
        sys.exit(EXIT_NO_ROSTER)
    try:
        written = write_outputs(result, out_dir, force, per_unit)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo("已写出：" + "、".join(str(p) for p in written))
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if result.check is not None and result.check.shortfalls:
        sys.exit(EXIT_SHORTFALL)


def writable_or_exit(out_dir: Path, force: bool, per_unit: bool) -> None:
    try:
        check_writable(output_paths(out_dir, per_unit), force)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_OUTPUT)


SECONDS_PER_MONTH = 60.0
"""The default time limit per calendar month of the horizon: a year split into twelve minutes'
worth of five-second months leaves positions empty that a longer search covers."""


def default_time_limit(time_limit: float | None, problem: Problem) -> float:
    if time_limit is not None:
        return time_limit
    months = len(problem.months)
    if months > 1:
        click.echo(
            f"共 {months} 个月，时限按每月 {SECONDS_PER_MONTH:.0f} 秒计为 {months * SECONDS_PER_MONTH:.0f} 秒"
            "（可用 --time-limit 改）",
            err=True,
        )
    return months * SECONDS_PER_MONTH


def search_options(function: _Command) -> _Command:
    """The options every command that searches for a roster shares."""
    for option in reversed(
        (
            click.option(
                "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="输出文件夹"
            ),
            click.option(
                "--time-limit",
                type=click.FloatRange(min=0.1),
                default=None,
                help=f"求解时限（秒），默认每个月 {SECONDS_PER_MONTH:.0f} 秒（排全年即 {12 * SECONDS_PER_MONTH:.0f} 秒）。"
                "--workers 1 时按 CP-SAT 的确定性时间计：结果可完全重现，实际用时约为设定的 2–3 倍",
            ),
            click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="并行求解线程数"),
            click.option("--seed", type=int, default=0, show_default=True, help="随机种子"),
            click.option("--force", is_flag=True, help="覆盖已有的输出文件"),
            click.option("--per-unit", is_flag=True, help="另为每个单位写一个值班表文件（在「各单位值班表」文件夹）"),
            click.option("--quiet", is_flag=True, help="不显示求解进度"),
        )
    ):
        function = option(function)
    return function


@main.command(epilog=EXIT_CODES_HELP)
@horizon_options
@search_options
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(path_type=Path),
    default=None,
    help="上一份排班（assignments.csv 或 轮值表.xlsx）：接着它排，跨月的规则和全年的公平累计都据此计算",
)
def solve(
    data_path: Path | None,
    month: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    assume_weekends: bool,
    out_dir: Path,
    time_limit: float | None,
    workers: int,
    seed: int,
    force: bool,
    per_unit: bool,
    quiet: bool,
    previous_path: Path | None,
) -> None:
    """排班：求出最好的轮值表，经独立校验后写出 assignments.csv、轮值表.xlsx（上墙轮值表、各单位值班表、
    统计、总览、求解报告）和求解报告.txt。"""
    problem = load_problem(data_path, month, start, end, assume_weekends)
    previous = None
    if previous_path is not None:
        with exit_on_bad_data():
            previous, _ = read_roster_file(previous_path, problem.data, assume_weekends)
            check_previous(problem, previous)
    for warning in problem.warnings:
        click.echo(warning, err=True)
    writable_or_exit(out_dir, force, per_unit)
    time_limit = default_time_limit(time_limit, problem)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    progress = None if quiet else _progress_printer()
    budget = run_budget(time_limit, workers)
    reserve = writing_reserve(per_unit)
    if previous is None:
        result = run_interruptibly(lambda control: run_solve(problem, options, control, progress, budget, reserve))
    else:
        result = run_interruptibly(
            lambda control: solve_after(problem, list(previous), options, control, progress, budget, reserve)
        )
    finish(result, out_dir, force, per_unit, quiet)


def check_previous(problem: Problem, previous: Roster) -> None:
    """A previous roster must end before the horizon, and the ``history`` table must not
    already count it (it would be counted twice)."""
    dates = previous.dates()
    if not dates:
        raise DataError([DataIssue("上一份排班", None, None, "上一份排班里没有任何值班")])
    if dates[-1] >= problem.start:
        raise DataError(
            [
                DataIssue(
                    "上一份排班",
                    None,
                    None,
                    f"上一份排班排到了 {dates[-1]}，不早于本次开始日期 {problem.start}：请给出之前的排班，或调整开始日期",
                )
            ]
        )
    for past in problem.data.history:
        if past.last_duty is not None and past.last_duty >= dates[0]:
            row = past.source.row if past.source else None
            raise DataError(
                [
                    DataIssue(
                        tables.HISTORY.zh,
                        row,
                        "上次值班日期",
                        f"历史表已写到 {past.last_duty}，在上一份排班（{dates[0]} 起）之内：同时使用 "
                        "--previous 会重复计算。请删去历史表中这些行，或不用 --previous",
                    )
                ]
            )


def _published_span(roster: Roster, start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.date, dt.date]:
    """The horizon of a published roster: as given, or from its first to its last duty (a file
    of duties does not say which empty days it covered)."""
    dates = roster.dates()
    if not dates:
        raise DataError([DataIssue("原排班", None, None, "排班文件里没有任何值班")])
    first, last = (start.date() if start else dates[0]), (end.date() if end else dates[-1])
    if not first <= dates[0] <= dates[-1] <= last:
        raise DataError(
            [DataIssue("原排班", None, None, f"排班里的值班（{dates[0]} 至 {dates[-1]}）超出了给定的范围 {first} 至 {last}")]
        )
    return first, last


REPAIR_EXIT_HELP = EXIT_CODES_HELP.replace("排班完成", "调整完成")


@main.command(epilog=REPAIR_EXIT_HELP)
@click.option(
    "--roster", "roster_path", type=click.Path(path_type=Path), required=True, help="已发布的排班：assignments.csv 或 轮值表.xlsx"
)
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    default=None,
    help="改过的数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据",
)
@click.option(
    "--from",
    "since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="从这天起可以调整（之前的值班一律不动）；默认今天，排班尚未开始时为第一天",
)
@click.option("--start", "start_option", type=click.DateTime(["%Y-%m-%d"]), help="原排班的开始日期；默认为其中最早的值班日期")
@click.option("--end", "end_option", type=click.DateTime(["%Y-%m-%d"]), help="原排班的结束日期；默认为其中最晚的值班日期")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
@search_options
def repair(
    roster_path: Path,
    data_path: Path | None,
    since: dt.datetime | None,
    start_option: dt.datetime | None,
    end_option: dt.datetime | None,
    assume_weekends: bool,
    out_dir: Path,
    time_limit: float | None,
    workers: int,
    seed: int,
    force: bool,
    per_unit: bool,
    quiet: bool,
) -> None:
    """调整已发布的排班：数据变了（单位临时不可安排、增减单位、需求变化）以后，改动尽量少地重排。
    先使改动的值班最少，再在此基础上优化公平等各项；写出新的排班和「调整清单」（哪天哪个岗位由谁换成谁）。"""
    from rotation.repair import repair as run_repair
    from rotation.repair import repair_problem

    data = load_data(data_path)
    with exit_on_bad_data():
        old, _ = read_roster_file(roster_path, data, assume_weekends)
        first, last = _published_span(old, start_option, end_option)
        start = since.date() if since else min(max(dt.date.today(), first), last + dt.timedelta(days=1))
        if start > last:
            raise DataError(
                [
                    DataIssue(
                        "调整",
                        None,
                        None,
                        f"排班（{first} 至 {last}）已经过去，没有可以调整的日子；如确需调整，请用 --from 指定日期",
                    )
                ]
            )
        problem = repair_problem(data, old, first, last, start, assume_weekends)
    writable_or_exit(out_dir, force, per_unit)
    time_limit = default_time_limit(time_limit, problem)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    progress = None if quiet else _progress_printer()
    budget = run_budget(time_limit, workers)
    solving = budget.until(writing_reserve(per_unit).of(problem.unit_duties))
    result = run_interruptibly(lambda control: run_repair(problem, old, start, options, control, progress, solving))
    finish(result, out_dir, force, per_unit, quiet)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--month", help="统计哪个月，如 2026-12；默认下个月")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含）")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
def validate(
    path: Path | None, month: str | None, start: dt.datetime | None, end: dt.datetime | None, assume_weekends: bool
) -> None:
    """检查数据（CSV 文件夹或 .xlsx 工作簿），并汇总阵地、单位和每月需求。"""
    problem = load_problem(path, month, start, end, assume_weekends)
    click.echo(describe(problem))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="覆盖已有的文件")
def template(path: Path, force: bool) -> None:
    """写出一个空白的数据工作簿：中文表头、说明页、每张表一行示例、下拉选项。"""
    from export.template import write_template

    try:
        check_writable([path], force)
        write_template(path)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo(f"已写出数据模板：{path}（每张表第 2 行是示例，填写前可删除）")


CHECK_EXIT_HELP = (
    "\b\n退出码：\n"
    "  0  没有违反硬性规则（软性规则的扣分照样列出）\n"
    "  2  数据或排班文件有误，无法检查\n"
    "  3  违反了硬性规则（逐条列出）"
)


@main.command(epilog=CHECK_EXIT_HELP)
@click.argument("roster_path", type=click.Path(path_type=Path))
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    default=None,
    help="数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据",
)
@click.option("--month", help="检查哪个月；默认为排班表涉及的月份")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含）")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
def check(
    roster_path: Path,
    data_path: Path | None,
    month: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    assume_weekends: bool,
) -> None:
    """检查一份排班（手工改过的轮值表.xlsx 或 assignments.csv）：逐条列出违反的规则和各项扣分。"""
    from rotation.checker import check as check_roster

    data = load_data(data_path)
    horizon = _horizon(month, start, end) if (month or start or end) else None
    with exit_on_bad_data():
        roster, (first, last) = read_roster_file(roster_path, data, assume_weekends, horizon)
        outside = [d for d in roster.dates() if not first <= d <= last]
        if outside:
            raise DataError(
                [
                    DataIssue(
                        roster_path.name,
                        None,
                        None,
                        f"排班里有 {outside[0]} 等 {len(outside)} 天不在检查范围 {first} 至 {last} 内",
                    )
                ]
            )
        problem = build_problem(data, first, last, assume_weekends)
    result = check_roster(problem, roster)
    click.echo(describe_check(problem, result))
    sys.exit(EXIT_SHORTFALL if result.violations else EXIT_OK)


EXPLAIN_EXIT_HELP = (
    "\b\n退出码：\n  0  全部岗位都能排满\n  2  数据或参数有误\n  3  有排不满的岗位（逐个列出原因）\n  4  时限内没有找到任何排班"
)


@main.command(epilog=EXPLAIN_EXIT_HELP)
@horizon_options
@click.option("--time-limit", type=click.FloatRange(min=1), default=30.0, show_default=True, help="分析时限（秒）")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="并行求解线程数")
def explain(
    data_path: Path | None,
    month: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    assume_weekends: bool,
    time_limit: float,
    workers: int,
) -> None:
    """找出排不满的岗位和原因（不排完整的轮值表，不写文件）：哪个岗位缺几个单位，是没有单位能担任、
    能担任的单位都不可安排，还是被每日最多、最多连续天数、每月最多周末、每月最多次数、固定安排等规则用完了。"""
    from rotation.explain import explain as find_gaps

    problem = load_problem(data_path, month, start, end, assume_weekends)
    for warning in problem.warnings:
        click.echo(warning, err=True)
    found = find_gaps(problem, SolveOptions(time_limit=time_limit, workers=workers))
    data = problem.data
    if not found.found:
        click.echo("时限内没有找到任何排班：硬性规则之间可能互相冲突（如固定安排），或请加大 --time-limit 再试。")
        sys.exit(EXIT_NO_ROSTER)
    if not found.gaps:
        click.echo(
            f"{problem.start} 至 {problem.end}：全部 {len(problem.slots)} 个岗位都能排满（需 {problem.unit_duties} 人次）。"
        )
        sys.exit(EXIT_OK)
    proven = "已证明不能更少" if found.proven else "时限内未能证明不能更少，加大 --time-limit 可能更少"
    click.echo(f"{problem.start} 至 {problem.end}：最少缺 {found.missing} 人次，{len(found.gaps)} 个岗位排不满（{proven}）。")
    for gap in found.gaps:
        slot = gap.slot
        click.echo(
            f"  {slot.date} {data.station(slot.station).label} {data.shift(slot.shift).label} {slot.role} "
            f"缺 {gap.missing}：{gap.cause}"
        )
    sys.exit(EXIT_SHORTFALL)


SWAP_EXIT_HELP = (
    "\b\n退出码：\n"
    "  0  可以调换，已写出调换后的排班\n"
    "  2  数据、排班文件或参数有误（如该单位当天没有值班）\n"
    "  3  不能调换：调换后会违反硬性规则（逐条列出），未写出任何文件\n"
    "  6  输出文件无法写入（已有文件未改动）"
)


@main.command(epilog=SWAP_EXIT_HELP)
@click.argument("unit_a")
@click.argument("date_a", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("unit_b")
@click.argument("date_b", type=click.DateTime(["%Y-%m-%d"]))
@click.option(
    "--roster", "roster_path", type=click.Path(path_type=Path), required=True, help="已发布的排班：assignments.csv 或 轮值表.xlsx"
)
@click.option(
    "--data",
    "data_path",
    type=click.Path(path_type=Path),
    default=None,
    help="数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据",
)
@click.option("--station-a", help="单位甲当天不止一次值班时，写明阵地（编号或名称）")
@click.option("--shift-a", help="单位甲当天不止一次值班时，写明时段（编号或名称）")
@click.option("--station-b", help="单位乙当天不止一次值班时，写明阵地")
@click.option("--shift-b", help="单位乙当天不止一次值班时，写明时段")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="调换后的排班写到这个文件夹"
)
@click.option("--force", is_flag=True, help="覆盖已有的输出文件")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
def swap(
    unit_a: str,
    date_a: dt.datetime,
    unit_b: str,
    date_b: dt.datetime,
    roster_path: Path,
    data_path: Path | None,
    station_a: str | None,
    shift_a: str | None,
    station_b: str | None,
    shift_b: str | None,
    out_dir: Path,
    force: bool,
    assume_weekends: bool,
) -> None:
    """调班：单位甲（UNIT_A）把 DATE_A 的值班换给单位乙（UNIT_B），换来单位乙 DATE_B 的值班。
    逐条检查所有硬性规则：可以换就写出调换后的排班，不能换就说明是哪条规则不允许。

    \b
    例：rotation swap --roster out/assignments.csv 县委办 2026-12-09 县财政局 2026-12-16
    """
    from export.outputs import write_roster
    from rotation.swap import describe_swap
    from rotation.swap import swap as try_swap

    data = load_data(data_path)
    with exit_on_bad_data("不能调换："):
        roster, _ = read_roster_file(roster_path, data, assume_weekends)
        problem = build_problem(data, *_published_span(roster, None, None), assume_weekends)
        outcome = try_swap(
            problem,
            roster,
            unit_a,
            date_a.date(),
            unit_b,
            date_b.date(),
            station_a=station_a,
            shift_a=shift_a,
            station_b=station_b,
            shift_b=shift_b,
        )
    text = describe_swap(problem, outcome)
    click.echo(text)
    if not outcome.allowed:
        sys.exit(EXIT_SHORTFALL)
    try:
        written = write_roster(problem, outcome.roster, outcome.after, None, text, out_dir, force)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_OUTPUT)
    click.echo("已写出：" + "、".join(str(p) for p in written))


@main.group()
def bench() -> None:
    """用文献中的公开基准实例衡量求解器（结果与文献中的最好值对比）。"""


@bench.command("curtois", short_help="文献基准实例的入口（给维护者）：求解 Curtois & Qu 的一个实例")
@click.argument("instance_path", type=click.Path(path_type=Path))
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="求解时限（秒）")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="并行求解线程数")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=None,
    help="把排班按基准的排班格式写到这个文件（每名员工一行，每天一个班次，「-」为休息）",
)
@click.option(
    "--check", "roster_path", type=click.Path(path_type=Path), default=None, help="不求解，只用检查器检查这个排班文件并给出目标值"
)
@click.option(
    "--method",
    type=click.Choice(["relax", "plain", "colgen"]),
    default="relax",
    show_default=True,
    help="relax：整体模型 + 邻域搜索；plain：整体模型一次 CP-SAT 搜索（用于对比）；"
    "colgen：先解按员工排班的线性规划（列生成），给出下界和起始排班，再做邻域搜索",
)
@click.option("--force", is_flag=True, help="覆盖已有的排班文件")
@click.option("--quiet", is_flag=True, help="不显示求解进度")
def bench_curtois(
    instance_path: Path,
    time_limit: float,
    workers: int,
    seed: int,
    out_path: Path | None,
    roster_path: Path | None,
    method: str,
    force: bool,
    quiet: bool,
) -> None:
    """文献基准实例的入口（给维护者）：求解 Curtois & Qu 排班基准的一个实例（INSTANCE_PATH，
    如 Instance1.txt），用检查器复核，输出目标值、下界、状态和用时。退出码：0 求得可行排班，
    2 实例或排班文件有误，3 排班违反硬性规则，4 时限内未找到可行排班，5 被中止，6 无法写出。"""
    from rotation.benchmarks import curtois

    with exit_on_bad_data("实例文件有误："):
        instance = curtois.read_instance(instance_path)
    if roster_path is not None:
        with exit_on_bad_data("排班文件有误："):
            if not roster_path.is_file():
                raise DataError([DataIssue(roster_path.name, None, None, "文件不存在")])
            roster = curtois.read_roster(instance, roster_path.read_text(encoding="utf-8", errors="replace"), roster_path.name)
        outcome = curtois.judge(instance, roster)
        click.echo(curtois.describe(instance, outcome))
        sys.exit(EXIT_SHORTFALL if outcome.violations else EXIT_OK)
    if out_path is not None:
        try:
            check_writable([out_path], force)  # refuse before the search, not after it
        except OutputError as error:
            click.echo(str(error).replace("，或用 --out 指定其他文件夹", "，或用 --out 指定其他文件"), err=True)
            sys.exit(EXIT_OUTPUT)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    show = None if quiet else _progress_printer()
    result = run_interruptibly(lambda control: curtois.solve(instance, options, control, show, method))
    if not quiet:
        click.echo("", err=True)
    click.echo(curtois.report(instance, result))
    if result.roster is None:
        sys.exit(EXIT_INTERRUPTED if result.interrupted else EXIT_NO_ROSTER)
    if out_path is not None:
        try:
            text = curtois.write_roster(instance, result.roster)
            write_atomically(out_path, lambda path: path.write_text(text, encoding="utf-8"))
        except OutputError as error:
            click.echo(str(error), err=True)
            sys.exit(EXIT_OUTPUT)
        click.echo(f"已写出：{out_path}")
    sys.exit(EXIT_INTERRUPTED if result.interrupted else EXIT_OK)


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="端口；默认 8765，被占用时自动换下一个")
@click.option(
    "--workspace",
    type=click.Path(path_type=Path),
    default=None,
    help="工作文件夹：上传的数据和每次排班的输入、输出都存在这里；默认为用户主目录下的 rotation-workspace",
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="监听的地址；默认只有本机能打开。设为其他地址（如 0.0.0.0）时需要访问口令",
)
@click.option("--token", default=None, help="访问口令；--host 不是本机时不给就自动生成一个（只显示一次）")
def serve(port: int | None, workspace: Path | None, no_browser: bool, host: str, token: str | None) -> None:
    """打开网页工作台：在浏览器里上传数据、检查、排班、查看、下载、调整和调班（不需要联网）。"""
    from web.server import ServeError
    from web.server import serve as run_server

    try:
        run_server(workspace, host, port, token, not no_browser, echo=lambda text: click.echo(text, err=True))
    except ServeError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_DATA)


if __name__ == "__main__":
    run()
