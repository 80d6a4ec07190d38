"""Helpers of the workbench tests: small data sets as files, and waiting for the workbench's job."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

from conftest import Tables, write_csv_tables, write_xlsx_tables

BENCH = Path(__file__).resolve().parent.parent / "bench"


def month_tables(units: int = 4) -> Tables:
    """One county centre open every morning of any month, ``units`` plain units, and U2 away on
    2026-03-10 (so that swapping U2 onto that day is refused)."""
    return {
        "stations": [["id", "name", "level"], ["S1", "县党群服务中心", "1"]],
        "shifts": [["id", "name", "start", "end"], ["AM", "上午", "08:30", "12:00"]],
        "demand": [["station", "day", "shift", "min"], ["S1", "全部", "AM", "1"]],
        "units": [["id", "name"], *([f"U{n}", f"单位{n}"] for n in range(1, units + 1))],
        "unavailability": [["unit", "start", "end", "reason"], ["U2", "2026-03-10", "2026-03-10", "出差"]],
    }


def workbook(folder: Path, tables: Tables | None = None, name: str = "本县数据.xlsx") -> Path:
    return write_xlsx_tables(folder / name, tables or month_tables())


def csv_zip(tables: Tables | None = None, prefix: str = "数据/") -> bytes:
    """The tables as a zip of CSV files (in a folder, as Windows' 发送到压缩文件夹 makes it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in (tables or month_tables()).items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(f"{prefix}{name}.csv", text.getvalue())
    return buffer.getvalue()


def generated_folder(folder: Path) -> Path:
    """bench/generate.py's small preset (5 positions, 12 units): its search uses the whole limit."""
    sys.path.insert(0, str(BENCH))
    try:
        import generate
    finally:
        sys.path.remove(str(BENCH))
    generate.write(folder, generate.generate(1, **generate.PRESETS["small"]))
    return folder


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


__all__ = ["csv_zip", "generated_folder", "month_tables", "read_csv_rows", "workbook", "write_csv_tables"]
