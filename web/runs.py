"""The workspace: uploaded data sets and one folder per run, each kept and never overwritten.

Layout (names a planner sees in the file manager are Chinese)::

    <workspace>/数据/<id>/dataset.json + the uploaded workbook or CSV folder
    <workspace>/排班记录/<id>/run.json, 输入/ (data, rosters used), 输出/ (files written)
    <workspace>/日志/server.log

A run's ``run.json`` is rewritten as the run progresses (always whole, through a temporary
file); its inputs and outputs are written once, into folders made for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

DATASETS = "数据"
RUNS = "排班记录"
LOGS = "日志"
INPUT = "输入"
OUTPUT = "输出"
RECORD = "run.json"
DATASET_RECORD = "dataset.json"

BUILTIN = "builtin"
KINDS = {"solve": "排班", "repair": "调整", "swap": "调班", "check": "检查"}
STATUS = {
    "preparing": "准备中",
    "running": "进行中",
    "done": "完成",
    "shortfall": "完成，有缺口",
    "stopped": "已停止，保留了最好的排班",
    "failed": "没有得到排班",
    "refused": "不能调换",
    "violations": "违反硬性规则",
    "interrupted": "中断（工作台在进行中被关闭）",
}
FINISHED = {"done", "shortfall", "stopped", "failed", "refused", "violations", "interrupted"}

RUN_ID = re.compile(r"^\d{8}-\d{6}-(solve|repair|swap|check)(-\d{1,3})?$")
DATASET_ID = re.compile(r"^(builtin|\d{8}-\d{6}(-\d{1,3})?)$")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
NAME_CHARACTERS = set("-_.()（）【】 ")
MAX_NAME = 80


def safe_name(name: str, fallback: str = "文件") -> str:
    """A file name that stays where it is put: the last part of what a browser sent (old
    browsers send a whole Windows path), letters (Chinese too), digits and a few marks only,
    no leading dot, not a reserved Windows device name, at most 80 characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = "".join(c if c.isalnum() or c in NAME_CHARACTERS else "_" for c in name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = suffix[:10]
    stem = stem[: MAX_NAME - len(suffix) - 1].strip(" .")
    if not stem:
        stem = fallback
    return f"{stem}.{suffix}" if suffix else stem


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (resolved, links followed) lies within ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def write_json(path: Path, record: dict[str, Any]) -> None:
    """Write a record whole: readers in other threads never see half of it."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(record, stream, ensure_ascii=False, indent=1, default=str)
        for attempt in range(20):
            try:
                os.replace(temp, path)
                break
            except PermissionError:  # Windows: a reader has the file open for a moment
                if attempt == 19:
                    raise
                time.sleep(0.05)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as stream:
            record = json.load(stream)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


@dataclass(frozen=True)
class Dataset:
    """A data set the planner can solve from: the built-in one or an upload."""

    id: str
    name: str
    path: Path  # a CSV folder or a workbook
    created: str = ""
    original: str = ""

    @property
    def builtin(self) -> bool:
        return self.id == BUILTIN


class Run:
    """One run's folder and its record."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.id = folder.name

    @property
    def input_dir(self) -> Path:
        return self.folder / INPUT

    @property
    def output_dir(self) -> Path:
        return self.folder / OUTPUT

    @property
    def record(self) -> dict[str, Any]:
        return read_json(self.folder / RECORD) or {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.record.get(key, default)

    def update(self, **fields: Any) -> dict[str, Any]:
        with _record_lock:
            record = {**self.record, **fields}
            write_json(self.folder / RECORD, record)
            return record

    @property
    def status(self) -> str:
        return str(self.get("status", "preparing"))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def output(self, name: str) -> Path | None:
        """A file directly in the output folder, by its plain name; None for any other name."""
        if not name or name != PurePosixPath(name).name or name.startswith(".") or "\\" in name:
            return None
        path = self.output_dir / name
        if not inside(self.output_dir, path) or not path.is_file():
            return None
        return path

    def roster_path(self) -> Path | None:
        """The roster this run holds (its assignments.csv), once finished."""
        return self.output("assignments.csv") if self.finished else None

    def data_path(self) -> Path | None:
        relative = self.get("data_path")
        if not relative:
            return None
        path = self.folder / relative
        return path if inside(self.folder, path) and path.exists() else None


_record_lock = threading.Lock()  # one writer of run.json at a time (the job thread and requests)


class Workspace:
    """The folder all of the workbench's files live in."""

    def __init__(self, root: Path, builtin: Path) -> None:
        root = Path(root).expanduser()
        for name in (DATASETS, RUNS, LOGS):
            (root / name).mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.builtin_path = builtin

    @property
    def runs_dir(self) -> Path:
        return self.root / RUNS

    @property
    def datasets_dir(self) -> Path:
        return self.root / DATASETS

    @property
    def log_path(self) -> Path:
        return self.root / LOGS / "server.log"

    @property
    def lock_path(self) -> Path:
        return self.root / ".solving.lock"

    # --- data sets -----------------------------------------------------------------------------

    def builtin(self) -> Dataset:
        return Dataset(BUILTIN, "凤庆县示例数据（内置）", self.builtin_path)

    def new_dataset_folder(self) -> Path:
        return _new_folder(self.datasets_dir, stamp())

    def save_dataset(self, folder: Path, data_path: Path, original: str) -> Dataset:
        created = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        record = {
            "name": data_path.name,
            "path": data_path.relative_to(folder).as_posix(),
            "created": created,
            "original": original,
        }
        write_json(folder / DATASET_RECORD, record)
        return Dataset(folder.name, data_path.name, data_path, created, original)

    def dataset(self, dataset_id: str) -> Dataset | None:
        if dataset_id == BUILTIN:
            return self.builtin()
        if not DATASET_ID.match(dataset_id or ""):
            return None
        folder = self.datasets_dir / dataset_id
        record = read_json(folder / DATASET_RECORD)
        if record is None:
            return None
        path = folder / str(record.get("path", ""))
        if not inside(folder, path) or not path.exists():
            return None
        return Dataset(
            dataset_id, str(record.get("name", path.name)), path, str(record.get("created", "")), str(record.get("original", ""))
        )

    def datasets(self) -> list[Dataset]:
        found = [self.dataset(f.name) for f in sorted(self.datasets_dir.iterdir(), reverse=True) if f.is_dir()]
        return [self.builtin(), *(d for d in found if d is not None)]

    # --- runs ------------------------------------------------------------------------------------

    def new_run(self, kind: str, **fields: Any) -> Run:
        """A new run folder (its name never reused) with its record, status ``preparing``."""
        folder = _new_folder(self.runs_dir, f"{stamp()}-{kind}")
        (folder / INPUT).mkdir()
        (folder / OUTPUT).mkdir()
        run = Run(folder)
        created = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        run.update(id=run.id, kind=kind, status="preparing", created=created, **fields)
        return run

    def discard(self, run: Run) -> None:
        """Remove a run that never started (its request was refused): only folders we made."""
        if run.status == "preparing" and inside(self.runs_dir, run.folder) and run.folder.parent == self.runs_dir:
            shutil.rmtree(run.folder, ignore_errors=True)

    def run(self, run_id: str) -> Run | None:
        if not RUN_ID.match(run_id or ""):
            return None
        folder = self.runs_dir / run_id
        if not (folder / RECORD).is_file():
            return None
        run = Run(folder)
        return None if run.status == "preparing" else run

    def runs(self) -> list[Run]:
        """Every run, newest first (runs still being prepared are left out)."""
        found = []
        for folder in sorted(self.runs_dir.iterdir(), key=lambda f: f.name, reverse=True):
            if folder.is_dir() and RUN_ID.match(folder.name):
                run = self.run(folder.name)
                if run is not None:
                    found.append(run)
        return found


def _new_folder(parent: Path, base: str) -> Path:
    """A folder under ``parent`` named ``base`` (or ``base-2``, ``base-3`` …), made here: an
    existing one is never reused, so nothing in it can be overwritten."""
    for n in range(1, 1000):
        folder = parent / (base if n == 1 else f"{base}-{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise OSError(f"无法在 {parent} 中新建文件夹")
