"""The workbench's routes: pages rendered on the server, a little JSON, progress as server-sent events.

Every page works without script; ``static/app.js`` adds the live progress, the stop button,
picking two duties for a swap and a few conveniences. Bad input of any kind ends in a Chinese
page that says what to fix (the data's problems in the words of ``validate``), never in a
stack trace: those go to the workspace's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from rotation import __version__
from rotation.calendar import UnknownDatesError, resolve_days
from rotation.cli import DEFAULT_DATA, describe
from rotation.errors import DataError, DataIssue
from rotation.loader import MAX_INPUT_BYTES
from rotation.problem import build_problem
from web import charts, forms, tasks, views
from web.jobs import Busy, Jobs
from web.runs import KINDS, STATUS, Dataset, Run, Workspace
from web.security import BodyLimit, Guard, UploadTooLarge
from web.uploads import Incoming, save_data_upload, too_large_message

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
FORM_SLACK = 1024 * 1024
"""Room in a request beyond the loader's 50 MB for the form's other fields and part headers."""
EVENT_INTERVAL = 0.5
"""Seconds between progress events: the panel updates at least once a second."""
VIEWS = ("grid", "unit", "fairness", "scores", "gaps", "change", "report")
OUTPUT_NAMES = ("轮值表.xlsx", "assignments.csv", "求解报告.txt", tasks.UNIT_ZIP, tasks.CHECK_REPORT, tasks.SWAP_REPORT)
CALENDAR_OPTION = (
    "如果暂时无法取得通知，也可以加上 --assume-weekends 选项，",
    "如果暂时无法取得通知，也可以勾选下面的「按普通周末排」，",
)

log = logging.getLogger("web")


class Workbench:
    """The routes, around one workspace and its one search."""

    def __init__(self, workspace: Workspace, jobs: Jobs) -> None:
        self.workspace = workspace
        self.jobs = jobs
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.templates.env.globals.update(KINDS=KINDS, STATUS=STATUS, version=__version__)

    # --- rendering ---------------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        running = self.jobs.current()
        context.update(running=running.snapshot() if running else None, workspace=str(self.workspace.root))
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def problem_page(
        self,
        request: Request,
        title: str,
        issues: list[DataIssue],
        status: int = 422,
        back: str = "/",
        hint: str = "",
        calendar: str = "",
        back_label: str = "← 返回上一页",
    ) -> Response:
        return self.render(
            request,
            "problem.html",
            status,
            title=title,
            issues=issues,
            back=back,
            hint=hint,
            calendar=calendar,
            back_label=back_label,
        )

    def refusal(self, request: Request, error: Exception, back: str, title: str = "未能开始") -> Response:
        """The page for a request the engine refused: bad data, unknown dates, a search running."""
        if isinstance(error, DataError):
            return self.problem_page(
                request,
                title,
                error.issues,
                back=back,
                hint="请按上表改好数据或所填内容后再试。表名、行号、列名与 rotation validate 给出的相同。",
            )
        if isinstance(error, UnknownDatesError):
            return self.problem_page(request, "日历里没有这些日期", [], back=back, calendar=calendar_message(error))
        if isinstance(error, Busy):
            running = self.jobs.current()
            link = f"/runs/{running.run_id}" if running else "/"
            return self.render(request, "busy.html", 409, message=error.message(), link=link)
        raise error

    # --- home, data ---------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        runs = await run_in_threadpool(self.workspace.runs)
        return self.render(request, "home.html", datasets=self.workspace.datasets()[:8], runs=runs[:8], more_runs=len(runs) > 8)

    async def history(self, request: Request) -> Response:
        runs = await run_in_threadpool(self.workspace.runs)
        return self.render(request, "history.html", runs=runs)

    async def template(self, request: Request) -> Response:
        from export.template import write_template

        def build() -> bytes:
            with tempfile.TemporaryDirectory(dir=self.workspace.root) as folder:
                path = Path(folder) / "数据模板.xlsx"
                write_template(path)
                return path.read_bytes()

        content = await run_in_threadpool(build)
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=_attachment("数据模板.xlsx"),
        )

    async def upload_data(self, request: Request) -> Response:
        form = await request.form()
        files = [Incoming(f.filename or "", f.file) for f in form.getlist("files") if isinstance(f, UploadFile)]

        def store() -> Dataset | DataError:
            folder = self.workspace.new_dataset_folder()
            try:
                path = save_data_upload(files, folder)
                from rotation import api

                api.load(path)  # refuse a data set with problems now, while the planner is here
                return self.workspace.save_dataset(folder, path, ", ".join(f.name for f in files))
            except DataError as error:
                _remove(folder)
                return error
            except BaseException:
                _remove(folder)
                raise

        outcome = await run_in_threadpool(store)
        if isinstance(outcome, DataError):
            return self.problem_page(
                request,
                f"数据有 {len(outcome.issues)} 处问题，请改好后重新上传",
                outcome.issues,
                back="/",
                back_label="重新上传改好的数据",
                hint="请在 Excel 或 WPS 里按上表逐条改好（与 rotation validate 给出的相同），"
                "保存后重新上传。不知道怎么填，可以对照空白数据模板里的说明和示例行。",
            )
        return RedirectResponse(f"/data/{outcome.id}", status_code=303)

    async def data_page(self, request: Request) -> Response:
        dataset = self._dataset(request)
        query = request.query_params
        context = await run_in_threadpool(self._data_context, dataset, query)
        return self.render(request, "data.html", **context)

    def _data_context(self, dataset: Dataset, query: Any) -> dict[str, Any]:
        from rotation import api

        context: dict[str, Any] = {
            "dataset": dataset,
            "issues": None,
            "lines": [],
            "calendar": None,
            "unknown": "",
            "months": [],
            "warnings": [],
        }
        assume_weekends = forms.flag(query, "assume_weekends")
        ranged = forms.text(query, "range") == "dates"
        context.update(
            month=forms.text(query, "month") or forms.default_month(),
            ranged=ranged,
            start=forms.text(query, "start"),
            end=forms.text(query, "end"),
            assume_weekends=assume_weekends,
            time_limit=forms.text(query, "time_limit"),
        )
        try:
            data = api.load(dataset.path)
        except DataError as error:
            context["issues"] = error.issues
            return context
        try:
            first, last = forms.parse_horizon(query)
        except DataError as error:
            context["horizon_issues"] = error.issues
            first, last = forms.parse_month(forms.default_month())
        context.update(first=first, last=last, default_limit=int(forms.SECONDS_PER_MONTH * forms.months_between(first, last)))
        if not ranged:
            context["month"] = f"{first:%Y-%m}"
        try:
            days = resolve_days(first, last, data.calendar, assume_weekends)
            context["months"] = views.calendar_months(days)
            problem = build_problem(data, first, last, assume_weekends)
            context["lines"] = describe(problem).splitlines()
            context["needed"] = problem.unit_duties
        except UnknownDatesError as error:
            context["unknown"] = calendar_message(error)
            context["lines"] = [
                f"数据「{data.name}」检查通过。",
                f"阵地 {len(data.stations)} 个，单位 {len(data.units)} 个，时段 {len(data.shifts)} 个",
            ]
        except DataError as error:
            context["horizon_issues"] = error.issues
        context["previous_runs"] = [
            r for r in self.workspace.runs() if r.roster_path() is not None and str(r.get("end", "")) < first.isoformat()
        ][:20]
        return context

    async def solve(self, request: Request) -> Response:
        started = time.monotonic()  # the time limit counts from the request, as the command line's from its start
        dataset = self._dataset(request)
        form = await request.form()
        back = f"/data/{dataset.id}?" + _query(form, ("month", "range", "start", "end", "assume_weekends", "time_limit"))

        def start() -> Run:
            first, last = forms.parse_horizon(form)
            time_limit = forms.parse_time_limit(form, first, last)
            upload = form.get("previous_file")
            previous_file = Incoming(upload.filename or "", upload.file) if isinstance(upload, UploadFile) else None
            choice = forms.text(form, "previous")
            request_ = tasks.SolveRequest(
                first,
                last,
                time_limit,
                forms.flag(form, "assume_weekends"),
                previous_run=choice if choice not in ("", "upload") else "",
                previous_file=previous_file if choice == "upload" else None,
            )
            return tasks.start_solve(self.workspace, self.jobs, dataset, request_, started)

        return await self._start(request, start, back)

    async def _start(self, request: Request, start: Callable[[], Run], back: str) -> Response:
        try:
            run = await run_in_threadpool(start)
        except (DataError, UnknownDatesError, Busy) as error:
            return self.refusal(request, error, back)
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    async def check_data(self, request: Request) -> Response:
        dataset = self._dataset(request)
        form = await request.form()
        origin = {"dataset": dataset.id, "dataset_name": dataset.name}
        return await self._check(request, form, dataset.path, origin, f"/data/{dataset.id}")

    async def _check(self, request: Request, form: FormData, data_path: Path, origin: dict[str, Any], back: str) -> Response:
        upload = form.get("roster")
        incoming = Incoming(upload.filename or "", upload.file) if isinstance(upload, UploadFile) else None

        def check() -> Run:
            return tasks.run_check(self.workspace, data_path, origin, incoming, forms.flag(form, "assume_weekends"))

        try:
            run = await run_in_threadpool(check)
        except (DataError, UnknownDatesError) as error:
            return self.refusal(request, error, back, "无法检查")
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    # --- runs -------------------------------------------------------------------------------------

    async def run_page(self, request: Request) -> Response:
        run = self._run(request)
        view = request.query_params.get("view", "grid")
        view = view if view in VIEWS else "grid"
        context = await run_in_threadpool(self._run_context, run, view, request.query_params)
        return self.render(request, "run.html", **context)

    def _run_context(self, run: Run, view: str, query: Any) -> dict[str, Any]:
        record = run.record
        job = self.jobs.job(run.id)
        context: dict[str, Any] = {
            "run": run,
            "record": record,
            "view": view,
            "job": job.snapshot() if job else None,
            "files": [n for n in OUTPUT_NAMES if run.output(n)] if run.finished else [],
            "notice": forms.text(query, "notice"),
            "roster": None,
        }
        if run.status == "running" and (job is None or job.done.is_set()) and not self.jobs.idle_elsewhere():
            context["elsewhere"] = True
        if not run.finished:
            return context
        roster = views.roster_view(run)
        if roster is None:
            return context
        context["roster"] = roster
        context["figures"] = views.figures(roster)
        context["stations"] = views.stations(roster)
        context["units"] = views.units(roster)
        context["shift_options"] = [
            {"id": s.id, "label": roster.shift_label(s.id, hours=True)} for s in roster.problem.data.shifts
        ]
        context["gaps"] = views.shortfalls(roster)
        context["violations"] = views.violations(roster)
        if view == "grid":
            station = forms.text(query, "station")
            ids = [s["id"] for s in context["stations"]]
            station = station if station in ids else (ids[0] if ids else "")
            context["grid"] = views.station_grid(roster, station) if station else None
        elif view == "unit":
            unit = forms.text(query, "unit")
            ids = [u["id"] for u in context["units"]]
            unit = unit if unit in ids else (ids[0] if ids else "")
            context["unit"] = views.unit_duties(roster, unit) if unit else None
        elif view == "fairness":
            context["chart"] = charts.fairness_svg(views.fairness(roster))
        elif view == "scores":
            context["scores"] = views.scores(roster)
        elif view == "change":
            today = dt.date.today()
            first, last = roster.problem.start, roster.problem.end
            context["since"] = min(max(today, first), last).isoformat()
            context["swap"] = {
                k: forms.text(query, k)
                for k in ("unit_a", "date_a", "station_a", "shift_a", "unit_b", "date_b", "station_b", "shift_b")
            }
            context["all_stations"] = [{"id": s.id, "label": s.label} for s in roster.problem.data.stations]
        return context

    async def download(self, request: Request) -> Response:
        run = self._run(request)
        name = request.path_params["name"]
        if not run.finished:
            return self.render(
                request,
                "busy.html",
                409,
                link=f"/runs/{run.id}",
                message="这次排班还在进行中，文件还没有写出：完成（或点「停止」）后即可下载。",
            )
        path = run.output(name)
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, headers=_attachment(f"{path.stem}-{run.id}{path.suffix}"))

    async def download_inputs(self, request: Request) -> Response:
        run = self._run(request)
        content = await run_in_threadpool(tasks.inputs_zip, run)
        return Response(content, media_type="application/zip", headers=_attachment(f"输入-{run.id}.zip"))

    async def check_run(self, request: Request) -> Response:
        run = self._run(request)
        form = await request.form()
        data_path = run.data_path()
        if data_path is None:
            raise HTTPException(404)
        origin = {"dataset": run.get("dataset"), "dataset_name": run.get("dataset_name"), "base": run.id}
        return await self._check(request, form, data_path, origin, f"/runs/{run.id}?view=change")

    async def repair(self, request: Request) -> Response:
        started = time.monotonic()
        run = self._run(request)
        form = await request.form()
        back = f"/runs/{run.id}?view=change"

        def start() -> Run:
            section = tasks.REPAIR
            absent_from = forms.parse_date(forms.text(form, "absent_from"), section, "开始日期")
            absent_to = (
                forms.parse_date(forms.text(form, "absent_to"), section, "结束日期")
                if forms.text(form, "absent_to")
                else absent_from
            )
            since = (
                forms.parse_date(forms.text(form, "since"), section, "从哪天起调整") if forms.text(form, "since") else absent_from
            )
            first, last = dt.date.fromisoformat(run.get("start")), dt.date.fromisoformat(run.get("end"))
            time_limit = forms.parse_time_limit(form, first, last, section)
            request_ = tasks.RepairRequest(
                forms.text(form, "unit"),
                absent_from,
                absent_to,
                forms.text(form, "shift"),
                forms.text(form, "reason"),
                since,
                time_limit,
            )
            return tasks.start_repair(self.workspace, self.jobs, run, request_, started)

        return await self._start(request, start, back)

    async def swap(self, request: Request) -> Response:
        run = self._run(request)
        form = await request.form()
        back = f"/runs/{run.id}?view=change&" + _query(
            form, ("unit_a", "date_a", "station_a", "shift_a", "unit_b", "date_b", "station_b", "shift_b")
        )

        def start() -> Run:
            section = tasks.SWAP
            request_ = tasks.SwapRequest(
                forms.text(form, "unit_a"),
                forms.parse_date(forms.text(form, "date_a"), section, "单位甲的日期"),
                forms.text(form, "unit_b"),
                forms.parse_date(forms.text(form, "date_b"), section, "单位乙的日期"),
                forms.text(form, "station_a"),
                forms.text(form, "shift_a"),
                forms.text(form, "station_b"),
                forms.text(form, "shift_b"),
            )
            return tasks.run_swap(self.workspace, run, request_)

        try:
            swapped = await run_in_threadpool(start)
        except (DataError, UnknownDatesError) as error:
            return self.refusal(request, error, back, "无法调换")
        return RedirectResponse(f"/runs/{swapped.id}", status_code=303)

    async def stop_form(self, request: Request) -> Response:
        run = self._run(request)
        job = self.jobs.job(run.id)
        notice = "stopping" if job is not None and not job.done.is_set() else "not-running"
        if notice == "stopping" and job is not None:
            job.stop()
        return RedirectResponse(f"/runs/{run.id}?notice={notice}", status_code=303)

    # --- JSON and events --------------------------------------------------------------------------

    async def api_job(self, request: Request) -> Response:
        job = self.jobs.current()
        return JSONResponse(job.snapshot() if job else {"running": False, "message": "现在没有正在进行的排班"})

    async def api_stop(self, request: Request) -> Response:
        job = self.jobs.stop()
        if job is None:
            return JSONResponse({"stopped": False, "message": "现在没有正在进行的排班，无需停止。"}, status_code=409)
        return JSONResponse(
            {"stopped": True, "run": job.run_id, "message": "正在停止搜索，保留目前最好的排班，写出文件后即完成……"}
        )

    async def api_runs(self, request: Request) -> Response:
        runs = await run_in_threadpool(self.workspace.runs)
        return JSONResponse(
            [
                {
                    "id": r.id,
                    "kind": r.get("kind"),
                    "status": r.status,
                    "title": r.get("title"),
                    "created": r.get("created"),
                    "start": r.get("start"),
                    "end": r.get("end"),
                    "files": [n for n in OUTPUT_NAMES if r.output(n)] if r.finished else [],
                }
                for r in runs
            ]
        )

    async def events(self, request: Request) -> Response:
        """Server-sent events: the job's progress every half second until it ends."""
        run_id = request.query_params.get("run", "")

        async def stream() -> AsyncIterator[str]:
            yield "retry: 2000\n\n"
            while True:
                job = self.jobs.job(run_id) if run_id else self.jobs.current()
                if job is None:
                    run = self.workspace.run(run_id) if run_id else None
                    final = {
                        "run": run_id,
                        "running": False,
                        "status": run.status if run else "",
                        "message": (run.get("message", "") if run else ""),
                    }
                    yield f"event: done\ndata: {json.dumps(final, ensure_ascii=False)}\n\n"
                    return
                snapshot = job.snapshot()
                yield f"data: {json.dumps(snapshot, ensure_ascii=False)}\n\n"
                if not snapshot["running"]:
                    yield f"event: done\ndata: {json.dumps(snapshot, ensure_ascii=False)}\n\n"
                    return
                await asyncio.sleep(EVENT_INTERVAL)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )

    # --- helpers ---------------------------------------------------------------------------------

    def _dataset(self, request: Request) -> Dataset:
        dataset = self.workspace.dataset(request.path_params["dataset"])
        if dataset is None:
            raise HTTPException(404)
        return dataset

    def _run(self, request: Request) -> Run:
        run = self.workspace.run(request.path_params["run"])
        if run is None:
            raise HTTPException(404)
        return run

    async def http_error(self, request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 404)
        if status == 404:
            return self.render(
                request, "message.html", 404, title="找不到这个页面", text="要找的数据、记录或文件不存在（也许地址输错了）。"
            )
        if status == 405:
            return self.render(
                request,
                "message.html",
                405,
                title="请从页面上操作",
                text="这个地址不能直接打开，请回到工作台，用页面上的按钮操作。",
            )
        return self.render(
            request,
            "message.html",
            status,
            title="提交的内容不完整",
            text="提交的内容不完整或格式不对（也许上传中断了）：请回到页面重新选择文件提交。",
        )

    async def too_large(self, request: Request, error: Exception) -> Response:
        return self.render(request, "message.html", 413, title="文件过大", text=too_large_message())

    async def internal(self, request: Request, error: Exception) -> Response:
        log.error("request %s %s failed", request.method, request.url.path, exc_info=error)
        return self.render(
            request,
            "message.html",
            500,
            title="程序内部错误",
            text="这个操作没有完成。详细情况已记入工作文件夹里的「日志/server.log」，请发给维护人员。",
        )


def calendar_message(error: UnknownDatesError) -> str:
    """The calendar's own words, with the command-line option named as the page's choice."""
    return error.message().replace(*CALENDAR_OPTION)


def _attachment(filename: str) -> dict[str, str]:
    from urllib.parse import quote

    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in ".-_" else "_" for c in filename)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def _query(form: Any, keys: tuple[str, ...]) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, forms.text(form, k)) for k in keys if forms.text(form, k)])


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


_log_handlers: dict[Path, logging.Handler] = {}


def _log_to(path: Path) -> None:
    if path in _log_handlers:
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log_handlers[path] = handler
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _recover(workspace: Workspace, jobs: Jobs) -> None:
    """Runs left ``running`` by a workbench that was closed mid-search, when no process searches now."""
    if not jobs.idle_elsewhere():
        return
    for run in workspace.runs():
        if run.status == "running":
            run.update(status="interrupted", message="工作台在进行中被关闭，这次没有写出排班。请重新排班。")


def create_app(
    workspace: Path,
    *,
    token: str | None = None,
    allowed_hosts: set[str] | None = None,
    builtin: Path = DEFAULT_DATA,
    max_upload: int = MAX_INPUT_BYTES + FORM_SLACK,
    stop_wait: float = 60.0,
) -> Starlette:
    """The workbench on ``workspace`` (made if missing). ``token``: every request must carry it;
    ``allowed_hosts``: the Host names accepted (loopback names when serving locally)."""
    space = Workspace(workspace, builtin)
    _log_to(space.log_path)
    jobs = Jobs(space.lock_path)
    _recover(space, jobs)
    bench = Workbench(space, jobs)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # the server is closing (Ctrl-C): stop the search and let it write the best roster
        if jobs.stop() is not None:
            await run_in_threadpool(jobs.wait, stop_wait)

    routes = [
        Route("/", bench.home),
        Route("/history", bench.history),
        Route("/template", bench.template),
        Route("/data", bench.upload_data, methods=["POST"]),
        Route("/data/{dataset}", bench.data_page),
        Route("/data/{dataset}/solve", bench.solve, methods=["POST"]),
        Route("/data/{dataset}/check", bench.check_data, methods=["POST"]),
        Route("/runs/{run}", bench.run_page),
        Route("/runs/{run}/files/{name}", bench.download),
        Route("/runs/{run}/inputs.zip", bench.download_inputs),
        Route("/runs/{run}/check", bench.check_run, methods=["POST"]),
        Route("/runs/{run}/repair", bench.repair, methods=["POST"]),
        Route("/runs/{run}/swap", bench.swap, methods=["POST"]),
        Route("/runs/{run}/stop", bench.stop_form, methods=["POST"]),
        Route("/api/job", bench.api_job),
        Route("/api/job/events", bench.events),
        Route("/api/job/stop", bench.api_stop, methods=["POST"]),
        Route("/api/runs", bench.api_runs),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=token, allowed_hosts=allowed_hosts), Middleware(BodyLimit, limit=max_upload)],
        exception_handlers={HTTPException: bench.http_error, UploadTooLarge: bench.too_large, Exception: bench.internal},
        lifespan=lifespan,
    )
    app.state.workspace = space
    app.state.jobs = jobs
    return app
