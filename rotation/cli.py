"""The command line: ``rotation solve``, ``rotation validate`` and friends (text in Chinese)."""

from __future__ import annotations

import datetime as dt
import signal
import sys
from collections import Counter
from pathlib import Path

import click

from export.files import OutputError, check_writable
from export.outputs import output_paths, write_outputs
from rotation import __version__
from rotation.calendar import UnknownDatesError
from rotation.check import CheckResult
from rotation.engine import solve as run_solve
from rotation.errors import DataError, DataIssue
from rotation.load import load
from rotation.problem import Problem, build_problem
from rotation.solver.cpsat import Mode, Progress, SearchControl, SolveOptions

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


class DefaultToSolve(click.Group):
    """``rotation`` with no command, or with options only, means ``rotation solve``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h", "--version")):
            args = ["solve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToSolve, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXIT_CODES_HELP.replace("退出码：", "退出码（solve，即不带命令时）："))
@click.version_option(__version__, prog_name="rotation", message="%(prog)s %(version)s")
def main() -> None:
    """党群服务阵地轮值排班工具。

    不带命令时等同于 solve：为默认数据（凤庆县示例）排下一个自然月的班。
    """


def _default_month() -> str:
    today = dt.date.today()
    first_next = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return f"{first_next:%Y-%m}"


def _month_range(month: str) -> tuple[dt.date, dt.date]:
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter(f"月份应写成 YYYY-MM，如 2026-12，实际为「{month}」", param_hint="--month") from None
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


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


def horizon_options(function):  # type: ignore[no-untyped-def]
    function = click.option("--assume-weekends", is_flag=True,
                            help="内置日历不认识的年份按普通周末推定（会在报告中注明）")(function)
    function = click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期 YYYY-MM-DD（含）")(function)
    function = click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期 YYYY-MM-DD")(function)
    function = click.option("--month", help="排一个自然月，如 2026-12；默认下个月")(function)
    function = click.option("--data", "data_path", type=click.Path(path_type=Path), default=None,
                            help="数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据")(function)
    return function


def load_problem(data_path: Path | None, month: str | None, start: dt.datetime | None,
                 end: dt.datetime | None, assume_weekends: bool) -> Problem:
    """Load, validate and resolve; on bad data print every problem and exit 2."""
    path = data_path or DEFAULT_DATA
    first, last = _horizon(month, start, end)
    try:
        data = load(path)
        return build_problem(data, first, last, assume_weekends)
    except DataError as error:
        click.echo(error.report(), err=True)
        sys.exit(EXIT_DATA)
    except UnknownDatesError as error:
        click.echo(error.message(), err=True)
        sys.exit(EXIT_DATA)


def _progress_printer():  # type: ignore[no-untyped-def]
    interactive = sys.stderr.isatty()
    last = [-10.0]

    def show(progress: Progress) -> None:
        if not interactive and progress.elapsed - last[0] < 10:
            return
        last[0] = progress.elapsed
        if progress.phase == Mode.COVER.value:
            found = "已找到完整排班，正在减少改动" if progress.solutions else "正在寻找全部覆盖的排班"
            line = f"[{progress.phase}] {progress.elapsed:6.1f} 秒 | {found}"
            click.echo(("\r" + line + "   ") if interactive else line, err=True, nl=not interactive)
            return
        best = f"{progress.objective / 100:.2f}" if progress.objective is not None else "-"
        bound = f"{progress.bound / 100:.2f}" if progress.bound is not None else "-"
        gap = f"{progress.gap * 100:.2f}%" if progress.gap is not None else "-"
        line = (f"[{progress.phase}] {progress.elapsed:6.1f} 秒 | 目标 {best} | 下界 {bound} | 差距 {gap} | "
                f"已找到 {progress.solutions} 个解")
        click.echo(("\r" + line + "   ") if interactive else line, err=True, nl=not interactive)

    return show


@main.command(epilog=EXIT_CODES_HELP)
@horizon_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="输出文件夹")
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="求解时限（秒）。--workers 1 时按 CP-SAT 的确定性时间计：结果可完全重现，实际用时约为设定的 2–3 倍")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="并行求解线程数")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子")
@click.option("--force", is_flag=True, help="覆盖已有的输出文件")
@click.option("--per-unit", is_flag=True, help="另为每个单位写一个值班表文件（在「各单位值班表」文件夹）")
@click.option("--quiet", is_flag=True, help="不显示求解进度")
def solve(data_path: Path | None, month: str | None, start: dt.datetime | None, end: dt.datetime | None,
          assume_weekends: bool, out_dir: Path, time_limit: float, workers: int, seed: int, force: bool,
          per_unit: bool, quiet: bool) -> None:
    """排班：求出最好的轮值表，经独立校验后写出 assignments.csv、轮值表.xlsx（上墙轮值表、各单位值班表、
    统计、总览、求解报告）和求解报告.txt。"""
    problem = load_problem(data_path, month, start, end, assume_weekends)
    for warning in problem.warnings:
        click.echo(warning, err=True)
    try:
        check_writable(output_paths(out_dir, per_unit), force)
    except OutputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_OUTPUT)

    control = SearchControl()

    def interrupt(signum: int, frame: object) -> None:
        if control.interrupted:
            raise KeyboardInterrupt
        click.echo("\n收到中止信号：停止搜索，保留目前最好的排班……（再按一次 Ctrl-C 直接退出）", err=True)
        control.stop()

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
        result = run_solve(problem, options, control, None if quiet else _progress_printer())
    finally:
        signal.signal(signal.SIGINT, previous)
    if not quiet:
        click.echo("", err=True)
    click.echo(result.summary())
    if result.roster is None:
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


@main.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--month", help="统计哪个月，如 2026-12；默认下个月")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含）")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
def validate(path: Path | None, month: str | None, start: dt.datetime | None, end: dt.datetime | None,
             assume_weekends: bool) -> None:
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
@click.option("--data", "data_path", type=click.Path(path_type=Path), default=None,
              help="数据：CSV 文件夹或 .xlsx 工作簿；默认内置的凤庆县示例数据")
@click.option("--month", help="检查哪个月；默认为排班表涉及的月份")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="开始日期")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含）")
@click.option("--assume-weekends", is_flag=True, help="内置日历不认识的年份按普通周末推定")
def check(roster_path: Path, data_path: Path | None, month: str | None, start: dt.datetime | None,
          end: dt.datetime | None, assume_weekends: bool) -> None:
    """检查一份排班（手工改过的轮值表.xlsx 或 assignments.csv）：逐条列出违反的规则和各项扣分。"""
    from export.assignments import read_assignments
    from export.excel import read_roster_workbook
    from rotation.check import check as check_roster

    if not roster_path.exists():
        click.echo(f"找不到排班文件：{roster_path}", err=True)
        sys.exit(EXIT_DATA)
    try:
        if roster_path.suffix.lower() == ".csv":
            roster = read_assignments(roster_path)
            if not (month or start or end):
                month_range = _months_of([a.date for a in roster])
                start, end = month_range
            problem = load_problem(data_path, month, start, end, assume_weekends)
        else:
            if not (month or start or end):
                start, end = _months_of(_workbook_dates(roster_path))
            problem = load_problem(data_path, month, start, end, assume_weekends)
            roster = read_roster_workbook(roster_path, problem)
    except DataError as error:
        click.echo(error.report(), err=True)
        sys.exit(EXIT_DATA)
    result = check_roster(problem, roster)
    click.echo(describe_check(problem, result))
    sys.exit(EXIT_SHORTFALL if result.violations else EXIT_OK)


def _months_of(dates: list[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    if not dates:
        raise DataError([DataIssue("排班", None, None, "排班文件里没有任何值班")])
    first, last = min(dates), max(dates)
    end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dt.datetime.combine(first.replace(day=1), dt.time()), dt.datetime.combine(end, dt.time())


def _workbook_dates(path: Path) -> list[dt.date]:
    from export.excel import roster_dates

    return roster_dates(path)


def describe_check(problem: Problem, result: CheckResult) -> str:
    """The checker's findings for a planner: hard violations first, then the soft figures."""
    from rotation.check import HARD_RULES, SOFT_RULE_NAMES
    from rotation.result import points

    data = problem.data
    lines = [f"检查范围：{problem.start} 至 {problem.end}，共 {result.figures.assigned_unit_duties} 次值班"]
    if result.violations:
        lines.append(f"违反硬性规则 {len(result.violations)} 处：")
        for v in result.violations:
            where = " ".join(x for x in (
                data.unit(v.unit).label if v.unit in data.units_by_id else (v.unit or ""),
                str(v.date) if v.date else "",
                data.station(v.station).label if v.station in data.stations_by_id else (v.station or ""),
                data.shift(v.shift).label if v.shift in data.shifts_by_id else (v.shift or ""),
            ) if x)
            lines.append(f"  【{HARD_RULES[v.rule]}】{where}：{v.message}")
    else:
        lines.append("没有违反硬性规则。")
    covered = result.figures.needed_unit_duties - sum(s.missing for s in result.shortfalls)
    lines.append(f"覆盖：{covered}/{result.figures.needed_unit_duties} 人次")
    for s in result.shortfalls:
        lines.append(f"  缺 {s.missing}：{s.date} {data.station(s.station).label} {data.shift(s.shift).label} {s.role}")
    lines.append(f"目标值（扣分合计）：{points(result.objective)}")
    for score in result.scores:
        lines.append(f"  {SOFT_RULE_NAMES[score.rule]}：{points(score.penalty)}（{len(score.findings)} 处）")
    f = result.figures
    lines.append(f"公平：每名党员值班次数的变异系数 {f.duties_per_member_cv_rotation:.3f}（轮值单位）；"
                 f"间隔不足的值班对 {f.spacing_pairs}；不在报到社区的值班 {f.community_duties_away} 次")
    return "\n".join(lines)


def describe(problem: Problem) -> str:
    data = problem.data
    levels = Counter(s.level for s in data.stations)
    names = {0: "特设岗位", 1: "中心", 2: "社区中心", 3: "服务站", 4: "服务点"}
    lines = [f"数据「{data.name}」检查通过。",
             "阵地 " + str(len(data.stations)) + " 个：" + "，".join(f"{names[k]} {levels[k]}" for k in sorted(levels)),
             f"单位 {len(data.units)} 个（党员共 {sum(u.members for u in data.units)} 人），"
             f"人员 {len(data.people)} 名，时段 {len(data.shifts)} 个"]
    per_month: dict[tuple[int, int], list[int]] = {}
    for slot in problem.slots:
        entry = per_month.setdefault((slot.date.year, slot.date.month), [0, 0, 0])
        entry[1] += slot.min
    for period in problem.periods:
        per_month[(period.date.year, period.date.month)][0] += 1
    for slot in problem.slots:
        if problem.is_rest(slot.date):
            per_month[(slot.date.year, slot.date.month)][2] += slot.min
    for (year, month), (periods, duties, rest) in sorted(per_month.items()):
        lines.append(f"{year}年{month}月：开放时段 {periods} 个，需值班 {duties} 单位次（其中周末节假日 {rest}）")
    empty = [s for s in problem.slots if not s.eligible and s.min > 0]
    if empty:
        lines.append(f"注意：{len(empty)} 个岗位没有任何单位可以担任，必然缺人，如 {empty[0].date} "
                     f"{data.station(empty[0].station).label} {empty[0].shift} {empty[0].role}")
    lines += problem.warnings
    return "\n".join(lines)


if __name__ == "__main__":
    main()
