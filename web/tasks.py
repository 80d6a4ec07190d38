"""What the page asks of the engine: solve, repair, swap and check, each kept as a run folder.

Solving and repairing run as the workspace's one job (:mod:`web.jobs`) and end as the command
line's ``solve`` and ``repair`` do (``rotation.cli.finish``): gaps explained within the time
limit, the report, the workbook, assignments.csv and the per-unit files written. Swaps and
checks take a moment and run in the request. Before a run starts, everything it needs is read
and checked, so bad data or a bad request is reported at once and leaves no run behind.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from export.assignments import read_assignments, write_assignments
from export.files import OutputError, write_atomically
from export.outputs import REPORT, UNIT_FOLDER, write_outputs, write_roster
from export.report import describe_check
from rotation import api
from rotation.budget import Budget, Reserve
from rotation.calendar import month_end
from rotation.checker import HARD_RULES, CheckResult, Finding
from rotation.checker import check as check_roster
from rotation.cli import check_previous, read_roster_file, writing_reserve
from rotation.errors import DataError, DataIssue
from rotation.model import DataSet, Unavailability
from rotation.problem import Problem, build_problem
from rotation.result import Result, points
from rotation.roster import Roster
from web.jobs import Job, Jobs
from web.runs import KINDS, Dataset, Run, Workspace, safe_name
from web.uploads import Incoming, save_roster_upload

log = logging.getLogger("web")

WORKERS = 2  # as the command line's default
SEED = 0
WRITE_BUSY = 1.5
"""How much slower than a fresh command-line process writing may be in a server that also
answers the page: the command line's own estimate (``writing_reserve``) reads the process's CPU
time since it started, which says nothing in a server that has run for hours."""
ZIP_SECONDS = 0.3
UNIT_ZIP = "各单位值班表.zip"
CHECK_REPORT = "检查报告.txt"
SWAP_REPORT = "调班报告.txt"
PREVIOUS = "上一份排班"
PUBLISHED = "原排班.csv"
ABSENCE_FILE = "新增不可安排.csv"
INTERNAL = "程序内部错误，这次没有完成。详细情况已记入工作文件夹的「日志/server.log」，请发给维护人员。"
NO_ROSTER = (
    "没有得到任何排班：每个单位的每月最少次数等下限规则无法同时满足（或时限太短，来不及找到满足下限的排班）。"
    "请检查单位表的「最少次数」，或加大时限再试。"
)


# --- shared steps ---------------------------------------------------------------------------------


def copy_data(source: Path, run: Run) -> Path:
    """The run's own copy of its data (a workbook, or the CSV tables of a folder)."""
    target = run.input_dir / safe_name(source.name, "数据")
    if source.is_dir():
        target.mkdir()
        for file in sorted(source.iterdir()):
            if file.is_file() and file.suffix.lower() == ".csv" and not file.name.startswith("."):
                shutil.copyfile(file, target / file.name)
    else:
        shutil.copyfile(source, target)
    run.update(data_path=target.relative_to(run.folder).as_posix())
    return target


def zip_folder(folder: Path, target: Path) -> None:
    """A zip of the files in ``folder`` (for the per-unit workbooks), written whole or not at all."""

    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.iterdir()):
                if file.is_file() and not file.name.startswith("."):
                    archive.write(file, file.name)

    write_atomically(target, write)


def inputs_zip(run: Run) -> bytes:
    """The run's inputs (data and rosters it used) as one zip, for the history list."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(run.input_dir.rglob("*")):
            if file.is_file() and not file.name.startswith("."):
                archive.write(file, file.relative_to(run.input_dir).as_posix())
    return buffer.getvalue()


def outputs_reserve() -> Reserve:
    """Seconds of the limit kept for writing the outputs (per-unit files and their zip too)."""
    writing = writing_reserve(per_unit=True, busy=WRITE_BUSY)
    return replace(writing, fixed=writing.fixed + ZIP_SECONDS)


def coverage(check: CheckResult) -> tuple[int, int]:
    needed = check.figures.needed_unit_duties
    return needed - sum(s.missing for s in check.shortfalls), needed


def summary_of(result: Result) -> dict[str, Any]:
    """The figures the history list and the run page show without reloading the roster."""
    figures: dict[str, Any] = {"status_text": result.status.value, "wall_time": round(result.wall_time, 1)}
    if result.check is not None and result.objective is not None:
        covered, needed = coverage(result.check)
        figures.update(
            covered=covered,
            needed=needed,
            shortfalls=len(result.check.shortfalls),
            violations=len(result.check.violations),
            objective=points(result.objective),
            bound=points(result.bound) if result.bound is not None else None,
            gap=f"{result.gap * 100:.2f}%" if result.gap is not None else None,
        )
    return figures


def _changes(result: Result) -> list[dict[str, str]]:
    data = result.problem.data

    def who(unit: str | None, person: str | None) -> str:
        if unit is None:
            return "（无）"
        label = data.unit(unit).label if unit in data.units_by_id else unit
        return f"{label}（{person}）" if person else label

    return [
        {
            "kind": c.kind,
            "date": c.date.isoformat(),
            "station": _label(data.stations_by_id, c.station),
            "shift": _label(data.shifts_by_id, c.shift),
            "role": c.role,
            "old": who(c.old_unit, c.old_person),
            "new": who(c.new_unit, c.new_person),
        }
        for c in (result.repair.changes if result.repair else ())
    ]


def _label(by_id: Mapping[str, Any], key: str) -> str:
    return by_id[key].label if key in by_id else key


def _conclude(job: Job, run: Run, result: Result, data_path: Path, budget: Budget) -> tuple[str, str]:
    """Write and record a finished search (its gaps explained within its time); the run's
    status and message."""
    record: dict[str, Any] = {"summary": summary_of(result), "report": result.summary(timing=False)}
    if result.repair is not None:
        record["changes"] = _changes(result)
        record["change_lines"] = result.change_lines()
    if result.roster is None:
        report = record["report"] + "\n" + NO_ROSTER + "\n"
        write_atomically(run.output_dir / REPORT, lambda path: path.write_text(report, encoding="utf-8"))
        run.update(status="failed", message=NO_ROSTER, **record)
        return "failed", NO_ROSTER
    job.set_stage("写出文件")
    write_outputs(result, run.output_dir, force=False, per_unit=True)
    zip_folder(run.output_dir / UNIT_FOLDER, run.output_dir / UNIT_ZIP)
    assert result.check is not None
    covered, needed = coverage(result.check)
    if result.interrupted:
        status, message = "stopped", f"已停止搜索，保留了目前最好的排班：覆盖 {covered}/{needed} 人次。"
    elif result.check.shortfalls:
        status, message = (
            "shortfall",
            (
                f"覆盖 {covered}/{needed} 人次：{len(result.check.shortfalls)} 个岗位人数不足，"
                "轮值表中标红，鼠标移到红色格子上可看原因。"
            ),
        )
    else:
        status, message = "done", f"全部 {needed} 人次都已覆盖。"
    if result.check.violations:
        message += f"注意：违反硬性规则 {len(result.check.violations)} 处，见「扣分明细」。"
    gaps = [[k[0].isoformat(), k[1], k[2], k[3], cause] for k, cause in (result.gap_causes or {}).items()]
    run.update(status=status, message=message, gap_causes=gaps, wall_time=round(budget.elapsed(), 1), **record)
    return status, message


def _guarded(run: Run, work: Callable[[], tuple[str, str]]) -> tuple[str, str]:
    """A job's work with any failure recorded for the page (the details go to the log only)."""
    try:
        return work()
    except OutputError as error:  # a full disk, no permission: the planner can do something about it
        run.update(status="failed", message=str(error))
        return "failed", str(error)
    except Exception:
        log.exception("run %s failed", run.id)
        run.update(status="failed", message=INTERNAL)
        return "failed", INTERNAL


# --- solve ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolveRequest:
    first: dt.date
    last: dt.date
    time_limit: float
    assume_weekends: bool
    previous_run: str = ""
    previous_file: Incoming | None = None


def horizon_title(first: dt.date, last: dt.date) -> str:
    if first.day == 1 and last == month_end(first):
        return f"{first.year} 年 {first.month} 月"
    return f"{first} 至 {last}"


def start_solve(workspace: Workspace, jobs: Jobs, dataset: Dataset, request: SolveRequest, started: float) -> Run:
    """Check everything, make the run folder and start the search; DataError, UnknownDatesError
    or Busy when it cannot start (then no run is left behind)."""
    with jobs.reserve() as slot:
        title = f"排班 {horizon_title(request.first, request.last)}"
        run = workspace.new_run(
            "solve",
            title=title,
            dataset=dataset.id,
            dataset_name=dataset.name,
            start=request.first.isoformat(),
            end=request.last.isoformat(),
            time_limit=request.time_limit,
            assume_weekends=request.assume_weekends,
        )
        try:
            data_path = copy_data(dataset.path, run)
            data = api.load(data_path)
            problem = build_problem(data, request.first, request.last, request.assume_weekends)
            previous = _previous(workspace, run, data, problem, request)
        except BaseException:
            workspace.discard(run)
            raise
        job = Job(run.id, "solve", KINDS["solve"], title, request.time_limit, problem.unit_duties, started)
        run.update(status="running")
        slot.start(job, lambda job: _guarded(run, lambda: _solve(job, run, problem, previous, data_path)))
    return run


def _previous(workspace: Workspace, run: Run, data: DataSet, problem: Problem, request: SolveRequest) -> Roster | None:
    path = None
    if request.previous_run:
        base = workspace.run(request.previous_run)
        source = base.roster_path() if base is not None else None
        if source is None:
            raise DataError([DataIssue(PREVIOUS, None, None, "所选的上一份排班不存在或没有排班结果，请重新选择")])
        path = run.input_dir / f"{PREVIOUS}.csv"
        shutil.copyfile(source, path)
        run.update(previous=base.id if base else "")
    elif request.previous_file is not None and request.previous_file.name:
        path = save_roster_upload(request.previous_file, run.input_dir, PREVIOUS)
        run.update(previous=path.name)
    if path is None:
        return None
    previous, _ = read_roster_file(path, data, request.assume_weekends)
    check_previous(problem, previous)
    return previous


def _solve(job: Job, run: Run, problem: Problem, previous: Roster | None, data_path: Path) -> tuple[str, str]:
    budget = Budget(job.time_limit, started=job.started)
    result = api.solve(
        problem,
        time_limit=job.time_limit,
        workers=WORKERS,
        seed=SEED,
        previous=previous,
        control=job.control,
        on_progress=job.on_progress,
        budget=budget,
        reserve=outputs_reserve(),
    )
    return _conclude(job, run, result, data_path, budget)


# --- repair ---------------------------------------------------------------------------------------

REPAIR = "调整"


@dataclass(frozen=True)
class RepairRequest:
    unit: str
    absent_from: dt.date
    absent_to: dt.date
    shift: str
    reason: str
    since: dt.date
    time_limit: float


def unit_id(data: DataSet, text: str, section: str) -> str:
    if text in data.units_by_id:
        return text
    named = [u.id for u in data.units if u.name == text]
    if len(named) == 1:
        return named[0]
    raise DataError([DataIssue(section, None, "单位", f"单位表中没有「{text or '（空）'}」，请从列表中选择")])


def start_repair(workspace: Workspace, jobs: Jobs, base: Run, request: RepairRequest, started: float) -> Run:
    """Mark a unit unavailable and repair ``base``'s roster as the workspace's job."""
    base_data, base_roster = base.data_path(), base.roster_path()
    if base_data is None or base_roster is None:
        raise DataError([DataIssue(REPAIR, None, None, "这次记录没有可以调整的排班")])
    first, last = dt.date.fromisoformat(base.get("start")), dt.date.fromisoformat(base.get("end"))
    assume_weekends = bool(base.get("assume_weekends"))
    with jobs.reserve() as slot:
        title = f"调整 {horizon_title(first, last)}（{base.get('title', base.id)}）"
        run = workspace.new_run(
            "repair",
            title=title,
            base=base.id,
            dataset=base.get("dataset"),
            dataset_name=base.get("dataset_name"),
            start=first.isoformat(),
            end=last.isoformat(),
            time_limit=request.time_limit,
            assume_weekends=assume_weekends,
            since=request.since.isoformat(),
        )
        try:
            data_path = copy_data(base_data, run)
            shutil.copyfile(base_roster, run.input_dir / PUBLISHED)
            data = api.load(data_path)
            unit = unit_id(data, request.unit, REPAIR)
            shift = request.shift or None
            if shift is not None and shift not in data.shifts_by_id:
                raise DataError([DataIssue(REPAIR, None, "时段", f"没有时段「{shift}」，请从列表中选择")])
            if request.absent_to < request.absent_from:
                raise DataError(
                    [DataIssue(REPAIR, None, "结束日期", f"结束日期 {request.absent_to} 早于开始日期 {request.absent_from}")]
                )
            absence = Unavailability(
                unit, request.absent_from, request.absent_to, shift=shift, reason=request.reason or "网页登记"
            )
            _write_absence(run.input_dir / ABSENCE_FILE, absence)
            data = replace(data, unavailability=(*data.unavailability, absence))
            old = read_assignments(run.input_dir / PUBLISHED)
            from rotation.repair import repair_problem

            problem = repair_problem(data, old, first, last, request.since, assume_weekends)
        except BaseException:
            workspace.discard(run)
            raise
        days = f"{absence.start}" if absence.start == absence.end else f"{absence.start} 至 {absence.end}"
        title = f"调整：{data.unit(unit).label} {days} 不能值班（{base.get('title', base.id)}）"
        run.update(
            status="running",
            title=title,
            absence={
                "unit": data.unit(unit).label,
                "from": absence.start.isoformat(),
                "to": absence.end.isoformat(),
                "shift": data.shift(shift).label if shift else "全天",
                "reason": absence.reason,
            },
        )
        job = Job(run.id, "repair", KINDS["repair"], title, request.time_limit, problem.unit_duties, started)
        slot.start(job, lambda job: _guarded(run, lambda: _repair(job, run, problem, old, request, data_path)))
    return run


def _write_absence(path: Path, absence: Unavailability) -> None:
    """The unavailability the planner entered, as a row of the data format's table."""
    header = "单位,姓名,开始日期,结束日期,时段,原因\n"
    row = f"{absence.unit},,{absence.start},{absence.end},{absence.shift or ''},{(absence.reason or '').replace(',', '，')}\n"
    path.write_text(header + row, encoding="utf-8-sig")


def _repair(job: Job, run: Run, problem: Problem, old: Roster, request: RepairRequest, data_path: Path) -> tuple[str, str]:
    from rotation.repair import repair
    from rotation.solver.cpsat import SolveOptions

    budget = Budget(job.time_limit, started=job.started)
    options = SolveOptions(time_limit=job.time_limit, workers=WORKERS, seed=SEED)
    solving = budget.until(outputs_reserve().of(problem.unit_duties))
    result = repair(problem, old, request.since, options, job.control, job.on_progress, solving)
    return _conclude(job, run, result, data_path, budget)


# --- swap -----------------------------------------------------------------------------------------

SWAP = "调班"


@dataclass(frozen=True)
class SwapRequest:
    unit_a: str
    date_a: dt.date
    unit_b: str
    date_b: dt.date
    station_a: str = ""
    shift_a: str = ""
    station_b: str = ""
    shift_b: str = ""


def _base_problem(base: Run, section: str) -> tuple[Path, Path, Problem, Roster]:
    data_path, roster_path = base.data_path(), base.roster_path()
    if data_path is None or roster_path is None:
        raise DataError([DataIssue(section, None, None, "这次记录没有排班，无法进行")])
    data = api.load(data_path)
    first, last = dt.date.fromisoformat(base.get("start")), dt.date.fromisoformat(base.get("end"))
    problem = build_problem(data, first, last, bool(base.get("assume_weekends")))
    return data_path, roster_path, problem, read_assignments(roster_path)


def run_swap(workspace: Workspace, base: Run, request: SwapRequest) -> Run:
    """Try the swap on ``base``'s roster; a run either way (the swapped roster, or why not)."""
    from rotation.swap import describe_swap, swap

    data_path, roster_path, problem, roster = _base_problem(base, SWAP)
    outcome = swap(
        problem,
        roster,
        request.unit_a,
        request.date_a,
        request.unit_b,
        request.date_b,
        station_a=request.station_a or None,
        shift_a=request.shift_a or None,
        station_b=request.station_b or None,
        shift_b=request.shift_b or None,
    )
    text = describe_swap(problem, outcome)
    data = problem.data
    a, b = outcome.moved[1], outcome.moved[0]  # A now in B's old duty, B in A's
    title = f"调班 {data.unit(a.unit).label} ↔ {data.unit(b.unit).label}（{base.get('title', base.id)}）"
    run = workspace.new_run(
        "swap",
        title=title,
        base=base.id,
        dataset=base.get("dataset"),
        dataset_name=base.get("dataset_name"),
        start=base.get("start"),
        end=base.get("end"),
        assume_weekends=bool(base.get("assume_weekends")),
    )
    try:
        copy_data(data_path, run)
        shutil.copyfile(roster_path, run.input_dir / PUBLISHED)
        findings = [_finding(data, f) for f in outcome.new_violations]
        if outcome.allowed:
            write_roster(problem, outcome.roster, outcome.after, None, text, run.output_dir, per_unit=True)
            zip_folder(run.output_dir / UNIT_FOLDER, run.output_dir / UNIT_ZIP)
            covered, needed = coverage(outcome.after)
            run.update(
                status="done",
                message=text.splitlines()[0],
                report=text,
                findings=findings,
                summary={
                    "covered": covered,
                    "needed": needed,
                    "violations": len(outcome.after.violations),
                    "objective": points(outcome.after.objective),
                },
            )
        else:
            (run.output_dir / SWAP_REPORT).write_text(text + "\n", encoding="utf-8")
            run.update(status="refused", message=text.splitlines()[0].rstrip("："), report=text, findings=findings)
    except Exception:
        log.exception("swap %s failed", run.id)
        run.update(status="failed", message=INTERNAL)
    return run


def _finding(data: DataSet, f: Finding) -> dict[str, str]:
    return {
        "rule": HARD_RULES.get(f.rule, f.rule),
        "unit": _label(data.units_by_id, f.unit) if f.unit else "",
        "date": f.date.isoformat() if f.date else "",
        "station": _label(data.stations_by_id, f.station) if f.station else "",
        "shift": _label(data.shifts_by_id, f.shift) if f.shift else "",
        "message": f.message,
    }


# --- check ----------------------------------------------------------------------------------------

CHECK = "检查"


def run_check(
    workspace: Workspace, data_source: Path, origin: Mapping[str, Any], upload: Incoming | None, assume_weekends: bool
) -> Run:
    """Check an edited roster (workbook or assignments.csv) against a data set: a run whose
    outputs are the findings and the roster as read (so it can be repaired or swapped next)."""
    run = workspace.new_run("check", title="检查改过的排班", assume_weekends=assume_weekends, **origin)
    try:
        data_path = copy_data(data_source, run)
        roster_path = save_roster_upload(upload, run.input_dir, "排班")
        data = api.load(data_path)
        roster, (first, last) = read_roster_file(roster_path, data, assume_weekends)
        problem = build_problem(data, first, last, assume_weekends)
        result = check_roster(problem, roster)
    except BaseException:
        workspace.discard(run)
        raise
    try:
        text = describe_check(problem, result)
        write_atomically(run.output_dir / CHECK_REPORT, lambda p: p.write_text(text + "\n", encoding="utf-8"))
        write_atomically(run.output_dir / "assignments.csv", lambda p: write_assignments(roster, p))
        covered, needed = coverage(result)
        status = "violations" if result.violations else "done"
        message = (
            f"违反硬性规则 {len(result.violations)} 处，逐条列在下面。" if result.violations else "没有违反硬性规则。"
        ) + f"覆盖 {covered}/{needed} 人次。"
        run.update(
            status=status,
            message=message,
            report=text,
            start=first.isoformat(),
            end=last.isoformat(),
            title=f"检查「{roster_path.name}」{horizon_title(first, last)}",
            findings=[_finding(data, f) for f in result.violations],
            summary={
                "covered": covered,
                "needed": needed,
                "violations": len(result.violations),
                "objective": points(result.objective),
            },
        )
    except Exception:
        log.exception("check %s failed", run.id)
        run.update(status="failed", message=INTERNAL)
    return run
