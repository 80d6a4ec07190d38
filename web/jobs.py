"""The one search a workspace runs at a time, its live progress and its stop button.

A search runs in a thread of its own, not in a request: closing the page does not stop it, and
the page finds it again when reopened. A lock file keeps a second server on the same workspace
from starting a search too (held by the operating system, so a crash releases it).
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from rotation.solver.cpsat import Mode, Progress, SearchControl, relative_gap

"""Phases whose objective counts something else (missing duties, changes): the panel keeps the
roster's own objective and bound from the other phases meanwhile."""
BUSY_HERE = "已有一项{kind}正在进行（{title}），同一个工作文件夹一次只进行一项。请等它完成，或在它的页面上点「停止」。"
BUSY_ELSEWHERE = "另一个工作台（或另一个窗口里的 rotation serve）正在这个工作文件夹里排班，请等它完成后再试。"


class Busy(Exception):
    """A search was asked for while another one runs."""

    def __init__(self, job: Job | None) -> None:
        self.job = job
        super().__init__(self.message())

    def message(self) -> str:
        if self.job is None:
            return BUSY_ELSEWHERE
        return BUSY_HERE.format(kind=self.job.kind_name, title=self.job.title)


class FileLock:
    """An exclusive, non-blocking lock on a file, released by the system if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: BinaryIO | None = None

    def acquire(self) -> bool:
        handle = open(self.path, "a+b")  # noqa: SIM115 -- held open for as long as the lock is
        try:
            if sys.platform == "win32":  # os.name == "nt", as mypy understands it
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            if sys.platform == "win32":  # os.name == "nt", as mypy understands it
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


class Job:
    """A search in progress: what the progress panel shows, and its stop switch."""

    def __init__(
        self, run_id: str, kind: str, kind_name: str, title: str, time_limit: float, needed: int, started: float
    ) -> None:
        self.run_id, self.kind, self.kind_name, self.title = run_id, kind, kind_name, title
        self.time_limit = time_limit
        self.needed = needed
        self.started = started  # time.monotonic() of the request: the limit counts from there
        self.control = SearchControl()
        self.done = threading.Event()
        self._lock = threading.Lock()
        self.stage = "建模"
        self.phase = ""
        self.objective: float | None = None  # the best roster's, in hundredths of a point
        self.bound: float | None = None  # the best bound known
        self.solutions = 0
        self.missing: int | None = None
        self.status = "running"
        self.message = ""
        self.ended: float | None = None

    def on_progress(self, progress: Progress) -> None:
        """Called from the solver's threads: copy what is shown (the object is reused). Each
        phase reports what it knows; the panel keeps the best objective and bound so far."""
        with self._lock:
            self.stage = "求解"
            self.phase = progress.phase
            self.solutions = progress.solutions
            if progress.missing is not None:
                self.missing = progress.missing
            if not progress.scored:
                return
            if progress.objective is not None:
                self.objective = min(progress.objective, self.objective if self.objective is not None else math.inf)
            if progress.bound is not None and progress.bound >= 0:
                self.bound = max(progress.bound, self.bound or 0.0)

    def set_stage(self, stage: str) -> None:
        with self._lock:
            self.stage = stage

    def stop(self) -> None:
        self.control.stop()

    @property
    def stopping(self) -> bool:
        return self.control.interrupted

    def finish(self, status: str, message: str = "") -> None:
        with self._lock:
            self.status, self.message = status, message
            self.ended = time.monotonic()
            self.stage = "完成"
        self.done.set()

    def snapshot(self) -> dict[str, Any]:
        """What the progress panel shows, as plain values for JSON."""
        with self._lock:
            elapsed = (self.ended or time.monotonic()) - self.started
            note = ""
            if self.phase == Mode.SHORTFALL.value:
                note = "已找到排班，正在减少缺口" if self.solutions else "正在寻找缺口最少的排班"
            elif self.phase == Mode.REPAIR.value:
                note = "正在寻找改动最少的排班"
            objective = None if self.objective is None else self.objective / 100
            bound = None if self.bound is None else self.bound / 100
            gap = relative_gap(self.objective, self.bound) if self.objective is not None and self.bound is not None else None
            covered = None if self.missing is None else max(self.needed - self.missing, 0)
            return {
                "run": self.run_id,
                "kind": self.kind,
                "title": self.title,
                "running": not self.done.is_set(),
                "stage": self.stage,
                "phase": self.phase,
                "note": note,
                "elapsed": round(elapsed, 1),
                "limit": self.time_limit,
                "remaining": round(max(self.time_limit - elapsed, 0.0), 1),
                "fraction": round(min(max(elapsed / self.time_limit, 0.0), 1.0), 3) if self.time_limit else 1.0,
                "needed": self.needed,
                "covered": covered,
                "objective": None if objective is None else f"{objective:.2f}",
                "bound": None if bound is None else f"{bound:.2f}",
                "gap": None if gap is None else f"{gap * 100:.2f}%",
                "solutions": self.solutions,
                "stopping": self.stopping,
                "status": self.status,
                "message": self.message,
            }


class Slot:
    """A reserved right to start the workspace's one search."""

    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs
        self.started = False

    def start(self, job: Job, work: Callable[[Job], tuple[str, str]]) -> None:
        """Run ``work`` in its own thread; it returns the run's final status and message."""
        self.started = True
        self.jobs._begin(job, work)


class Jobs:
    """The workspace's search: at most one at a time, in this process and across processes."""

    def __init__(self, lock_path: Path) -> None:
        self._lock = threading.Lock()
        self._file_lock = FileLock(lock_path)
        self._reserved = False
        self._job: Job | None = None  # the running job, or the last one
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def reserve(self) -> Iterator[Slot]:
        """Reserve the search (Busy when one runs); released unless the slot is started."""
        with self._lock:
            if self._reserved:
                raise Busy(self._job if self._job is not None and not self._job.done.is_set() else None)
            if not self._file_lock.acquire():
                raise Busy(None)
            self._reserved = True
        slot = Slot(self)
        try:
            yield slot
        finally:
            if not slot.started:
                self._release()

    def idle_elsewhere(self) -> bool:
        """Whether no process at all is searching in this workspace (checked by taking the lock)."""
        with self._lock:
            if self._reserved or not self._file_lock.acquire():
                return False
            self._file_lock.release()
            return True

    def _release(self) -> None:
        with self._lock:
            self._reserved = False
            self._file_lock.release()

    def _begin(self, job: Job, work: Callable[[Job], tuple[str, str]]) -> None:
        def run() -> None:
            status, message = "failed", "程序内部错误，排班未完成"
            try:
                status, message = work(job)
            finally:
                self._release()  # first, so that whoever sees the job done may start the next
                job.finish(status, message)

        with self._lock:
            self._job = job
            self._thread = threading.Thread(target=run, name=f"rotation-{job.run_id}", daemon=True)
            self._thread.start()

    def current(self) -> Job | None:
        """The running job, if any."""
        job = self._job
        return job if job is not None and not job.done.is_set() else None

    def job(self, run_id: str) -> Job | None:
        """The job of ``run_id`` if it is the running or the last one."""
        job = self._job
        return job if job is not None and job.run_id == run_id else None

    def stop(self) -> Job | None:
        """Stop the running job (it keeps its best roster); None when nothing runs."""
        job = self.current()
        if job is not None:
            job.stop()
        return job

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running job to end; whether it has."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()
