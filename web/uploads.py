"""Receiving files from the page: a data workbook, a zip of CSV tables, CSV files or a roster.

Every problem is a :class:`~rotation.errors.DataIssue`, shown like the ones ``validate``
prints. Nothing is written outside the folder given, whatever the names in a zip say.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from rotation.errors import DataError, DataIssue
from rotation.loader import MAX_INPUT_BYTES
from web.runs import inside, safe_name

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_ZIP_ENTRIES = 200
CHUNK = 1 << 16
UPLOAD = "上传的文件"  # the "table" a problem with the file itself is reported under
LIMIT_MB = MAX_INPUT_BYTES // (1024 * 1024)


@dataclass(frozen=True)
class Incoming:
    """One file of a form: the name the browser gave and its content."""

    name: str
    stream: BinaryIO


def too_large_message() -> str:
    return f"上传的文件过大（上限 {LIMIT_MB} MB）：一份排班数据通常只有几百 KB，请确认选对了文件"


def _issue(message: str, table: str = UPLOAD) -> DataError:
    return DataError([DataIssue(table, None, None, message)])


def _copy(stream: IO[bytes], target: Path, limit: int = MAX_INPUT_BYTES) -> int:
    """Copy at most ``limit`` bytes into a new file ``target``; DataError beyond that."""
    written = 0
    with open(target, "xb") as out:
        while chunk := stream.read(CHUNK):
            written += len(chunk)
            if written > limit:
                break
            out.write(chunk)
    if written > limit:
        target.unlink(missing_ok=True)
        raise _issue(too_large_message())
    return written


def save_data_upload(files: list[Incoming], folder: Path) -> Path:
    """Store an uploaded data set in the new, empty ``folder``; returns what ``load`` reads: a
    workbook, or a folder of CSV files. Raises DataError when the upload is not a data set."""
    files = [f for f in files if f.name]
    if not files:
        raise _issue("没有选择文件：请选择 Excel 工作簿（.xlsx）、CSV 表格的压缩包（.zip），或若干 .csv 文件")
    suffixes = {Path(f.name).suffix.lower() for f in files}
    if len(files) == 1 and suffixes <= set(WORKBOOK_SUFFIXES):
        target = folder / safe_name(files[0].name, "数据.xlsx")
        _copy(files[0].stream, target)
        return target
    if len(files) == 1 and suffixes == {".zip"}:
        return extract_zip(files[0].stream, folder, safe_name(Path(files[0].name).stem, "数据"))
    if suffixes & {".xls", ".et"}:
        raise _issue("这是旧版 Excel（.xls）或 WPS（.et）格式的文件：请在 Excel 或 WPS 里「另存为」Excel 工作簿（.xlsx）后再上传")
    if suffixes == {".csv"}:
        tables = folder / "数据"
        tables.mkdir()
        total = 0
        names: set[str] = set()
        for f in files:
            name = safe_name(f.name, "表.csv")
            if name.lower() in names:
                raise _issue(f"有两个文件都叫「{name}」")
            names.add(name.lower())
            total += _copy(f.stream, tables / name, MAX_INPUT_BYTES - total)
        return tables
    shown = "、".join(f"「{Path(f.name).name}」" for f in files[:5])
    raise _issue(
        f"不认识的文件 {shown}：请上传一个 Excel 工作簿（.xlsx）、一个 CSV 表格的压缩包（.zip），或同时选中全部 .csv 文件"
    )


def save_roster_upload(file: Incoming | None, folder: Path, what: str) -> Path:
    """Store an uploaded roster (assignments.csv or a roster workbook) in ``folder``."""
    if file is None or not file.name:
        raise _issue(f"没有选择{what}文件：请选择 轮值表.xlsx 或 assignments.csv", what)
    suffix = Path(file.name).suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise _issue(f"「{Path(file.name).name}」不是排班文件：请选择 轮值表.xlsx 或 assignments.csv", what)
    target = folder / safe_name(file.name, f"排班{suffix}")
    _copy(file.stream, target)
    return target


def _entry_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as the planner typed it: zips made by Windows on a Chinese system store
    names in GBK without saying so, which Python reads as code page 437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name: str) -> bool:
    """Whether an entry's path would leave the folder it is extracted to."""
    path = name.replace("\\", "/")
    parts = PurePosixPath(path).parts
    return path.startswith("/") or ".." in parts or (bool(parts) and ":" in parts[0])


def extract_zip(stream: BinaryIO, folder: Path, stem: str) -> Path:
    """The CSV tables of a zip, flattened into ``folder/stem``; a zip holding one workbook gives
    that workbook. Any entry whose path would escape (``../``, absolute, a drive) refuses the
    whole zip; so does more than 50 MB unpacked."""
    archive_path = folder / ".upload.zip"
    _copy(stream, archive_path)
    try:
        try:
            archive = zipfile.ZipFile(archive_path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _issue("不是有效的 .zip 压缩包，或文件已损坏") from None
        with archive:
            return _extract(archive, folder, stem)
    finally:
        archive_path.unlink(missing_ok=True)


def _extract(archive: zipfile.ZipFile, folder: Path, stem: str) -> Path:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _issue(f"压缩包里有 {len(entries)} 个文件，太多了：只放数据的各张表（.csv）即可")
    tables: dict[str, zipfile.ZipInfo] = {}
    workbooks: list[tuple[str, zipfile.ZipInfo]] = []
    for info in entries:
        name = _entry_name(info)
        if _unsafe(name):
            raise _issue(f"压缩包里的「{name}」路径指向压缩包以外，不安全，整个压缩包未解开")
        if info.is_dir():
            continue
        parts = PurePosixPath(name.replace("\\", "/")).parts
        base = parts[-1] if parts else ""
        if "__MACOSX" in parts or base.startswith(".") or not base:
            continue
        suffix = Path(base).suffix.lower()
        if suffix == ".csv":
            key = safe_name(base, "表.csv")
            if key.lower() in {k.lower() for k in tables}:
                raise _issue(f"压缩包里有两个文件都叫「{base}」（在不同的文件夹里）：请只放一份数据")
            tables[key] = info
        elif suffix in WORKBOOK_SUFFIXES:
            workbooks.append((safe_name(base, "数据.xlsx"), info))
    if sum(info.file_size for info in tables.values()) > MAX_INPUT_BYTES:
        raise _issue(too_large_message())
    if not tables and len(workbooks) == 1:
        name, info = workbooks[0]
        target = folder / name
        _unpack(archive, info, target, MAX_INPUT_BYTES)
        return target
    if not tables:
        raise _issue("压缩包里没有 .csv 文件：请把数据的各张表（阵地.csv、时段.csv、需求.csv、单位.csv 等）压缩在一起")
    target_dir = folder / safe_name(stem, "数据")
    target_dir.mkdir()
    left = MAX_INPUT_BYTES
    for name, info in tables.items():
        left -= _unpack(archive, info, target_dir / name, left)
    return target_dir


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> int:
    """One entry into ``target``, counting the bytes actually unpacked (a zip may lie about sizes)."""
    if not inside(target.parent, target):
        raise _issue("压缩包里的文件名不安全，整个压缩包未解开")
    try:
        with archive.open(info) as source:
            return _copy(source, target, limit)
    except DataError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        raise _issue(f"压缩包里的「{info.filename}」无法解开（文件损坏或加了密码）") from None
