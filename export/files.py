"""Writing outputs safely: all or nothing, never over a file the user has, unless told to."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class OutputError(Exception):
    """An output could not be written; the message is for the planner (Chinese)."""


def check_writable(paths: list[Path], force: bool) -> None:
    """Refuse before anything is written when an output exists (without ``force``)."""
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        names = "、".join(str(p) for p in existing)
        raise OutputError(f"输出文件已存在，未覆盖：{names}。如需覆盖请加 --force，或用 --out 指定其他文件夹。")


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename it into place, so a
    crash, a full disk or Ctrl-C never leaves a half-written file under ``path``."""
    write_all_atomically([(path, write)])


def write_all_atomically(writers: list[tuple[Path, Callable[[Path], object]]]) -> None:
    """Write several files as one: each to a temporary file first, and only when all of them
    are written (the step a full disk or Ctrl-C interrupts) are they renamed into place. On a
    failure nothing is replaced and no temporary file is left."""
    temps: list[Path] = []
    try:
        for path, write in writers:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as error:
                raise OutputError(f"无法在 {path.parent} 写入文件：{_reason(error)}；原有文件未改动。") from error
            os.close(handle)
            temps.append(Path(temp_name))
            try:
                write(temps[-1])
                with open(temps[-1], "rb+") as stream:
                    os.fsync(stream.fileno())
            except OSError as error:
                raise OutputError(f"写入 {path} 失败：{_reason(error)}；原有文件未改动。") from error
        for (path, _), temp in zip(writers, temps, strict=True):
            try:
                os.replace(temp, path)
            except OSError as error:
                raise OutputError(f"写入 {path} 失败：{_reason(error)}") from error
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _reason(error: OSError) -> str:
    import errno

    if error.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限"
    return error.strerror or str(error)
