"""Loading a data set: a folder of CSV files or one ``.xlsx`` workbook, through one code path.

Raw tables are read into rows of cell values with the row numbers the user sees, then every
cell is parsed and every record built and checked; all problems are collected and raised
together as one :class:`~rotation.errors.DataError`.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rotation import cells, model, tables
from rotation.errors import DataError, DataIssue
from rotation.model import FieldError, Source
from rotation.validate import cross_check

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Larger inputs are refused: a county data set is a few hundred kilobytes."""

IGNORED_TABLES = {"说明", "instructions", "readme", "assignments", "使用说明"}


@dataclass
class LoadNotes:
    """What the cross-reference pass needs beyond the records themselves."""

    rule_rows: dict[str, int] = field(default_factory=dict)  # rule key -> row in the rules table
    rejected: dict[str, set[str]] = field(default_factory=dict)  # table key -> ids of rejected rows

    def reject(self, table: str, record_id: object) -> None:
        if record_id:
            self.rejected.setdefault(table, set()).add(str(record_id))


@dataclass
class RawTable:
    """A table as read: its header cells and its data rows with their user-visible numbers."""

    name: str  # as the user spelt it (file stem or sheet name)
    header: list[object]
    rows: list[tuple[int, list[object]]]
    header_row: int = 1


def load(path: str | Path) -> model.DataSet:
    """Read and validate the data set at ``path`` (a CSV folder or an ``.xlsx`` file)."""
    path = Path(path)
    issues: list[DataIssue] = []
    raw = read_raw_tables(path, issues)
    notes = LoadNotes()
    data = build_dataset(raw, issues, name=path.name, notes=notes)
    if data is not None:
        issues.extend(cross_check(data, notes.rule_rows, notes.rejected))
    if issues or data is None:
        raise DataError(issues)
    return data


# --- reading raw tables -------------------------------------------------------------------------


def read_raw_tables(path: Path, issues: list[DataIssue]) -> dict[str, RawTable]:
    """The tables found at ``path``, keyed by their English table key."""
    if not path.exists():
        issues.append(DataIssue(str(path.name), None, None, f"找不到数据：{path}"))
        return {}
    found: list[RawTable] = []
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if file.suffix.lower() == ".csv" and not file.name.startswith("."):
                table = _read_csv(file, issues)
                if table is not None:
                    found.append(table)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        found = _read_workbook(path, issues)
    else:
        issues.append(DataIssue(path.name, None, None,
                                "数据应为一个存放 CSV 文件的文件夹，或一个 .xlsx 工作簿"))
        return {}
    return _match_tables(found, issues)


def _match_tables(found: list[RawTable], issues: list[DataIssue]) -> dict[str, RawTable]:
    by_key: dict[str, RawTable] = {}
    for raw in found:
        spelt = cells.fold(cells.cell_text(raw.name))
        table = next((t for t in tables.TABLES if spelt.lower() in t.names()), None)
        if table is None:
            if spelt.lower() not in IGNORED_TABLES:
                known = "、".join(f"{t.zh} ({t.key})" for t in tables.TABLES)
                issues.append(DataIssue(spelt, None, None, f"不认识的表名；可用的表名：{known}"))
            continue
        if table.key in by_key:
            issues.append(DataIssue(table.zh, None, None,
                                    f"表出现了两次（「{by_key[table.key].name}」和「{raw.name}」）"))
            continue
        by_key[table.key] = raw
    return by_key


def _too_big(path: Path, issues: list[DataIssue]) -> bool:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        issues.append(DataIssue(path.name, None, None,
                                f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_INPUT_BYTES // 1048576} MB），"
                                "不像是一份排班数据"))
        return True
    return False


def decode_csv_bytes(data: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (Chinese Excel)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(file: Path, issues: list[DataIssue]) -> RawTable | None:
    if _too_big(file, issues):
        return None
    try:
        text = decode_csv_bytes(file.read_bytes())
    except UnicodeDecodeError:
        issues.append(DataIssue(file.stem, None, None,
                                "文件编码无法识别；请另存为「CSV UTF-8」或 GBK 编码的 CSV"))
        return None
    if "\x00" in text:
        issues.append(DataIssue(file.stem, None, None, "文件含有二进制内容，不是 CSV 文本"))
        return None
    if not text.strip():
        return RawTable(file.stem, [], [])
    delimiter = "\t" if "\t" in text.splitlines()[0] and "," not in text.splitlines()[0] else ","
    try:
        # Blank lines stay as empty rows, so numbering counts them; rows longer than the header
        # pad it with unnamed columns, which _parse_rows reports (as for a workbook).
        values: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        issues.append(DataIssue(file.stem, None, None, f"CSV 格式有误：{error}"))
        return None
    width = max(len(row) for row in values)
    header = values[0] + [""] * (width - len(values[0]))
    return RawTable(file.stem, header, [(n + 1, row) for n, row in enumerate(values) if n > 0])


def _read_workbook(path: Path, issues: list[DataIssue]) -> list[RawTable]:
    import openpyxl  # imported here: CSV users never pay for it

    if _too_big(path, issues):
        return []
    try:
        # data_only: read the values Excel stored, never evaluate formulas; no macros are run.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        issues.append(DataIssue(path.name, None, None, f"不是有效的 Excel 工作簿（.xlsx）：{type(error).__name__}"))
        return []
    found = []
    try:
        for sheet in book.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            header_at = next((i for i, row in enumerate(rows) if any(cells.cell_text(v) for v in row)), None)
            if header_at is None:
                found.append(RawTable(sheet.title, [], []))
                continue
            found.append(RawTable(sheet.title, rows[header_at],
                                  [(i + 1, row) for i, row in enumerate(rows) if i > header_at],
                                  header_row=header_at + 1))
    finally:
        book.close()
    return found


# --- building records ---------------------------------------------------------------------------


def build_dataset(raw: dict[str, RawTable], issues: list[DataIssue], name: str = "",
                  notes: LoadNotes | None = None) -> model.DataSet | None:
    """Parse every table into records; ``None`` when a required table is missing or unusable.

    ``notes``, when given, receives what the cross-reference pass needs to know beyond the
    records: the row of each rule key, and the ids of rows already rejected."""
    notes = notes if notes is not None else LoadNotes()
    records: dict[str, list[Any]] = {}
    for table in tables.TABLES:
        if table.key not in raw:
            if table.required:
                issues.append(DataIssue(table.zh, None, None,
                                        f"缺少必需的表（CSV 文件 {table.key}.csv 或 {table.zh}.csv，或同名工作表）"))
            continue
        rows = _parse_rows(table, raw[table.key], issues, notes)
        if rows is not None:
            records[table.key] = rows
    if any(t.required and t.key not in records for t in tables.TABLES):
        return None

    def build(key: str, make: Callable[[dict[str, Any], Source], Any]) -> tuple:
        built = []
        for number, values in records.get(key, []):
            table = next(t for t in tables.TABLES if t.key == key)
            source = Source(table.zh, number)
            try:
                built.append(make(values, source))
            except FieldError as error:
                issues.append(DataIssue(table.zh, number, _zh_column(table, error.column), error.message))
                notes.reject(key, values.get("id"))
        return tuple(built)

    rules = _build_rules(records.get("rules", []), issues, notes.rule_rows)
    return model.DataSet(
        stations=build("stations", _station),
        shifts=build("shifts", _shift),
        demand=build("demand", _demand),
        units=build("units", _unit),
        people=build("people", _person),
        unavailability=build("unavailability", _unavailability),
        requests=build("requests", _request),
        fixed=build("fixed", _fixed),
        rules=rules,
        calendar=build("calendar", _calendar_day),
        history=build("history", _history),
        name=name,
    )


def _zh_column(table: tables.Table, key: str) -> str | None:
    for column in table.columns:
        if column.key == key:
            return column.zh
    return None


def _parse_rows(table: tables.Table, raw: RawTable, issues: list[DataIssue],
                notes: LoadNotes) -> list[tuple[int, dict[str, Any]]] | None:
    header = [cells.fold(cells.cell_text(v)) for v in raw.header]
    if not any(header):
        issues.append(DataIssue(table.zh, None, None, "表是空的：第一行应为列名"))
        return None
    positions: dict[str, int] = {}
    ok = True
    for index, name in enumerate(header):
        if not name:
            if any(cells.cell_text(row[index]) for _, row in raw.rows if index < len(row)):
                issues.append(DataIssue(table.zh, raw.header_row, None, f"第 {index + 1} 列有数据但没有列名"))
                ok = False
            continue
        column = next((c for c in table.columns if name.lower() in c.names()), None)
        if column is None:
            if name.lower() not in tables.IGNORED_COLUMNS:
                known = "、".join(f"{c.zh} ({c.key})" for c in table.columns)
                issues.append(DataIssue(table.zh, raw.header_row, name, f"不认识的列名；本表可用的列：{known}"))
                ok = False
            continue
        if column.key in positions:
            issues.append(DataIssue(table.zh, raw.header_row, column.zh, "列名重复"))
            ok = False
            continue
        positions[column.key] = index
    for column in table.columns:
        if column.required and column.key not in positions:
            issues.append(DataIssue(table.zh, raw.header_row, column.zh, f"缺少必需的列（{column.zh} 或 {column.key}）"))
            ok = False
    if not ok:
        return None

    parsed = []
    for number, row in raw.rows:
        texts = {key: cells.cell_text(row[i]) if i < len(row) else "" for key, i in positions.items()}
        extra = [cells.cell_text(v) for i, v in enumerate(row) if i >= len(header)]
        if not any(texts.values()) and not any(extra):
            continue  # blank rows are ignored
        values: dict[str, Any] = {}
        row_ok = True
        for column in table.columns:
            text = texts.get(column.key, "")
            if not text:
                if column.required:
                    issues.append(DataIssue(table.zh, number, column.zh, "不能为空"))
                    row_ok = False
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(text)
            except cells.CellError as error:
                issues.append(DataIssue(table.zh, number, column.zh, str(error)))
                row_ok = False
        if row_ok:
            parsed.append((number, values))
        else:
            notes.reject(table.key, texts.get("id"))
    return parsed


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _station(v: dict[str, Any], source: Source) -> model.Station:
    return model.Station(v["id"], v["name"], v["level"], v["community"], v["parent"], v["phone"], source)


def _shift(v: dict[str, Any], source: Source) -> model.Shift:
    return model.Shift(v["id"], v["name"], v["start"], v["end"], source)


def _demand(v: dict[str, Any], source: Source) -> model.Demand:
    return model.Demand(v["station"], v["day"], v["shift"], _or(v["role"], model.DEFAULT_ROLE),
                        v["min"], _or(v["max"], v["min"]), source)


def _unit(v: dict[str, Any], source: Source) -> model.Unit:
    return model.Unit(v["id"], v["name"], v["category"], v["community"], _or(v["members"], 1),
                      _or(v["roles"], (model.DEFAULT_ROLE,)), _or(v["first_inquiry"], True),
                      v["max_per_day"], v["min_total"], v["max_total"], v["contact"], v["phone"], source)


def _person(v: dict[str, Any], source: Source) -> model.Person:
    return model.Person(v["unit"], v["name"], v["phone"], _or(v["first_inquiry"], True), source)


def _unavailability(v: dict[str, Any], source: Source) -> model.Unavailability:
    return model.Unavailability(v["unit"], v["start"], _or(v["end"], v["start"]), v["person"], v["shift"],
                                v["reason"], source)


def _request(v: dict[str, Any], source: Source) -> model.Request:
    return model.Request(v["unit"], v["day"], v["kind"], v["shift"], v["station"], _or(v["weight"], 1), source)


def _fixed(v: dict[str, Any], source: Source) -> model.Fixed:
    return model.Fixed(v["date"], v["station"], v["shift"], v["unit"], _or(v["role"], model.DEFAULT_ROLE),
                       v["person"], v["first_inquiry"], source)


def _calendar_day(v: dict[str, Any], source: Source) -> model.CalendarDay:
    return model.CalendarDay(v["date"], v["day"], v["name"], source)


def _history(v: dict[str, Any], source: Source) -> model.History:
    return model.History(v["unit"], v["last_duty"], v["last_shift"], _or(v["run_days"], 1),
                         _or(v["duties_ytd"], 0), _or(v["weekends_ytd"], 0), source)


_HOME_COMMUNITY = {"prefer": model.HomeCommunity.PREFER, "优先": model.HomeCommunity.PREFER,
                   "require": model.HomeCommunity.REQUIRE, "必须": model.HomeCommunity.REQUIRE,
                   "ignore": model.HomeCommunity.IGNORE, "不限": model.HomeCommunity.IGNORE}


def _parse_successions(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in cells.parse_list(text):
        halves = [h.strip() for h in part.replace("＞", ">").split(">")]
        if len(halves) != 2 or not all(halves):
            raise cells.CellError(f"「{part}」应写成「前一天时段>后一天时段」，如 晚间>早间")
        pairs.append((halves[0], halves[1]))
    return tuple(pairs)


def _rule_key(text: str) -> tuple[str, Callable[[str], Any]] | None:
    folded = cells.fold(text).lower()
    for rule in tables.RULE_KEYS:
        if folded in (rule.key, rule.zh):
            parser: Callable[[str], Any] = cells.parse_int
            if rule.key == "forbidden_successions":
                parser = _parse_successions
            elif rule.key == "home_community":
                parser = _parse_home_community
            return rule.key, parser
    for name, zh in tables.SOFT_RULE_ZH.items():
        if folded in (f"weight_{name}", f"权重_{zh}", f"{zh}权重"):
            return f"weight_{name}", cells.parse_int
    return None


def _parse_home_community(text: str) -> model.HomeCommunity:
    value = _HOME_COMMUNITY.get(text.lower())
    if value is None:
        raise cells.CellError(f"应为 优先、必须 或 不限，实际为「{text}」")
    return value


def _build_rules(rows: list[tuple[int, dict[str, Any]]], issues: list[DataIssue],
                 seen: dict[str, int]) -> model.Rules:
    """The rules table; ``seen`` receives the row of every rule key it sets."""
    zh = tables.RULES.zh
    settings: dict[str, Any] = {}
    weights = dict(model.DEFAULT_WEIGHTS)
    for number, values in rows:
        found = _rule_key(values["key"])
        if found is None:
            known = "、".join(f"{r.zh} ({r.key})" for r in tables.RULE_KEYS)
            issues.append(DataIssue(zh, number, "项目", f"不认识的规则「{values['key']}」；可用的规则：{known}，"
                                    "以及权重 weight_<规则> / 权重_<规则>"))
            continue
        key, parser = found
        if key in seen:
            issues.append(DataIssue(zh, number, "项目", f"规则重复（第 {seen[key]} 行已设置）"))
            continue
        seen[key] = number
        text = cells.cell_text(values["value"]) if values["value"] is not None else ""
        if not text:
            continue  # empty means default
        try:
            value = parser(text)
        except cells.CellError as error:
            issues.append(DataIssue(zh, number, "值", str(error)))
            continue
        if key.startswith("weight_"):
            if value < 0:
                issues.append(DataIssue(zh, number, "值", f"权重不能为负数，实际为 {value}"))
                continue
            weights[key.removeprefix("weight_")] = value
            continue
        try:
            model.Rules(**{key: value})  # each setting checks itself, so the error names its row
        except FieldError as error:
            issues.append(DataIssue(zh, number, "值", error.message))
            continue
        settings[key] = value
    return model.Rules(**settings, weights=tuple(weights.items()))
