"""Loading a data set: a folder of CSV files or one ``.xlsx`` workbook, through one code path.

Raw tables are read into rows of cell values with the row numbers the user sees, then every
cell is parsed and every record built and checked; all problems are collected and raised
together as one :class:`~rotation.errors.DataError`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rotation import cells, model, tables
from rotation.errors import DataError, DataIssue
from rotation.model import FieldError, Source
from rotation.provenance import data_digest
from rotation.validate import cross_check

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Larger inputs are refused: a county data set is a few hundred kilobytes."""

IGNORED_TABLES = {"说明", "instructions", "readme", "assignments", "使用说明"}

EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!", "#GETTING_DATA"}
"""What Excel shows (and saves, also to CSV) in a cell whose formula failed."""


class UncomputedFormula(str):
    """A workbook cell holding a formula whose result was never saved (the file was written by a
    program, not saved by Excel): its text is the formula. The loader never evaluates formulas."""


@dataclass
class LoadNotes:
    """What the cross-reference pass needs beyond the records themselves."""

    rule_rows: dict[str, int] = field(default_factory=dict)  # rule key -> row in the rules table
    rejected: dict[str, set[Any]] = field(default_factory=dict)  # what other rows may refer to, per kind

    def reject(self, table: str, row: dict[str, Any]) -> None:
        """Remember what other rows refer to in ``row`` (texts or values), rejected for its own
        errors: references to it are not reported again. Kinds: a table key (its ids), ``people``
        ((unit, name) pairs), ``communities`` and ``roles``."""

        def add(kind: str, key: object) -> None:
            if key:
                self.rejected.setdefault(kind, set()).add(key)

        if table == "people":
            if row.get("unit") and row.get("name"):
                add("people", (row["unit"], row["name"]))
            return
        add(table, row.get("id"))
        if table == "stations":
            add("communities", row.get("community"))
        if table == "units":
            roles = row.get("roles")
            for role in (cells.parse_list(roles) if isinstance(roles, str) else roles) or (model.DEFAULT_ROLE,):
                add("roles", role)


@dataclass
class RawTable:
    """A table as read: its header cells and its data rows with their user-visible numbers."""

    name: str  # as the user spelt it (file stem or sheet name)
    header: list[object]
    rows: list[tuple[int, list[object]]]
    header_row: int = 1
    merged: list[tuple[str, int, int, int]] = field(default_factory=list)  # (A1:B2, top row, first col, last col)


def load(path: str | Path) -> model.DataSet:
    """Read and validate the data set at ``path`` (a CSV folder or an ``.xlsx`` file)."""
    path = Path(path)
    issues: list[DataIssue] = []
    raw = read_raw_tables(path, issues)
    if raw is None:  # nothing could be read: listing every table as missing would only mislead
        raise DataError(issues)
    notes = LoadNotes()
    data = build_dataset(raw, issues, name=path.name, notes=notes)
    if data is not None:
        issues.extend(cross_check(data, notes.rule_rows, notes.rejected))
    if issues or data is None:
        raise DataError(issues)
    return replace(data, fingerprint=data_digest(path))


# --- reading raw tables -------------------------------------------------------------------------


def read_raw_tables(path: Path, issues: list[DataIssue]) -> dict[str, RawTable] | None:
    """The tables found at ``path``, keyed by their English table key; ``None`` when ``path``
    itself cannot be read (missing, not a folder or workbook, a damaged workbook)."""
    if not path.exists():
        issues.append(DataIssue(str(path.name), None, None, f"找不到数据：{path}"))
        return None
    found: list[RawTable] = []
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if file.suffix.lower() == ".csv" and not file.name.startswith("."):
                table = _read_csv(file, issues)
                if table is not None:
                    found.append(table)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = _read_workbook(path, issues)
        if sheets is None:
            return None
        found = sheets
    else:
        issues.append(DataIssue(path.name, None, None, "数据应为一个存放 CSV 文件的文件夹，或一个 .xlsx 工作簿"))
        return None
    return _match_tables(found, issues)


def _match_tables(found: list[RawTable], issues: list[DataIssue]) -> dict[str, RawTable]:
    by_key: dict[str, RawTable] = {}
    for raw in found:
        spelt = cells.fold(cells.cell_text(raw.name))
        table = next((t for t in tables.TABLES if spelt.lower() in t.names()), None)
        if table is None:
            # an empty extra sheet (Excel's default 「Sheet1」) holds nothing to misread
            if spelt.lower() not in IGNORED_TABLES and (raw.header or raw.rows):
                known = "、".join(f"{t.zh} ({t.key})" for t in tables.TABLES)
                issues.append(DataIssue(spelt, None, None, f"不认识的表名；可用的表名：{known}"))
            continue
        if table.key in by_key:
            issues.append(DataIssue(table.zh, None, None, f"表出现了两次（「{by_key[table.key].name}」和「{raw.name}」）"))
            continue
        by_key[table.key] = raw
    return by_key


def _too_big(path: Path, issues: list[DataIssue]) -> bool:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        issues.append(
            DataIssue(
                path.name,
                None,
                None,
                f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_INPUT_BYTES // 1048576} MB），不像是一份排班数据",
            )
        )
        return True
    return False


def decode_csv_bytes(data: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), UTF-16 (with or without BOM), or GBK/GB18030 (Chinese Excel)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if len(data) % 2 == 0 and odd + even:
        # UTF-16 without a BOM: the ASCII of a CSV (commas, line ends, digits) puts its zero bytes
        # mostly on one side of the byte pairs; text in the other encodings has no zero bytes at all.
        for encoding in ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text and ("," in text or "\t" in text):
                return text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")
    if not data.startswith(codecs.BOM_UTF8) and _misread_gbk(text):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return text


def _misread_gbk(text: str) -> bool:
    """Whether text that decoded as UTF-8 is really GBK: short GBK text can be valid UTF-8 too
    (GBK 值 is UTF-8 ֵ, 目 is Ŀ), and then has no Chinese at all, only two-byte letters
    (U+0080-U+07FF), some of them Hebrew to Syriac (U+0590-U+07FF), which a county's tables
    never hold. Latin letters alone (¤, ë, pinyin's ā) stay UTF-8: GBK would read them too."""
    wide = [c for c in text if ord(c) > 127 and c != "\ufeff"]
    return bool(wide) and all(c <= "\u07ff" for c in wide) and any(c >= "\u0590" for c in wide)


def _read_csv(file: Path, issues: list[DataIssue]) -> RawTable | None:
    if _too_big(file, issues):
        return None
    try:
        data = file.read_bytes()
    except OSError as error:
        issues.append(DataIssue(file.stem, None, None, f"文件无法读取：{type(error).__name__}"))
        return None
    try:
        text = decode_csv_bytes(data)
    except UnicodeDecodeError:
        issues.append(DataIssue(file.stem, None, None, "文件编码无法识别；请另存为「CSV UTF-8」或 GBK 编码的 CSV"))
        return None
    if "\x00" in text:
        issues.append(DataIssue(file.stem, None, None, "文件含有二进制内容，不是 CSV 文本"))
        return None
    if not text.strip():
        return RawTable(file.stem, [], [])
    # Excel's "Unicode text" separates by tabs, and a comma may then be typed in a cell: the
    # delimiter is the one on more of the lines with content, then the more frequent on the first
    lines = [line for line in text.splitlines() if line.strip(' \t\u3000",')][:20]
    tabs, commas = sum("\t" in line for line in lines), sum("," in line for line in lines)
    first_line = lines[0] if lines else ""
    if tabs != commas:
        delimiter = "\t" if tabs > commas else ","
    else:
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        # newline="": line ends of every kind (\r\n, \n, old Mac \r) end a row, quoted ones stay in
        # their cell. Blank lines stay as empty rows, so numbering counts them; rows longer than the
        # header pad it with unnamed columns, which _parse_rows reports (as for a workbook).
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        values: list[list[object]] = [list(row) for row in reader]
    except csv.Error as error:
        issues.append(DataIssue(file.stem, None, None, f"CSV 格式有误：{error}"))
        return None
    # blank lines above the header are read past, as in a workbook
    header_at = next((i for i, row in enumerate(values) if any(cells.cell_text(v) for v in row)), None)
    if header_at is None:
        return RawTable(file.stem, [], [])
    width = max(len(row) for row in values)
    header = values[header_at] + [""] * (width - len(values[header_at]))
    return RawTable(file.stem, header, [(n + 1, row) for n, row in enumerate(values) if n > header_at], header_row=header_at + 1)


def _read_workbook(path: Path, issues: list[DataIssue]) -> list[RawTable] | None:
    if _too_big(path, issues):
        return None
    try:
        sheets = _read_sheets(path)
    except Exception as error:  # a damaged file fails deep in zip, zlib, XML or openpyxl, in many ways
        issues.append(DataIssue(path.name, None, None, f"不是有效的 Excel 工作簿（.xlsx），或文件已损坏：{type(error).__name__}"))
        return None
    found = []
    for title, rows, merged in sheets:
        header_at = next((i for i, row in enumerate(rows) if any(cells.cell_text(v) for v in row)), None)
        if header_at is None:
            found.append(RawTable(title, [], []))
            continue
        # a merge is read as its top-left value and blanks; it only matters if it carries a value
        # and reaches below the header
        kept = [
            (ref, top, left, right)
            for ref, top, left, bottom, right in merged
            if bottom > header_at + 1
            and top <= len(rows)
            and left <= len(rows[top - 1])
            and cells.cell_text(rows[top - 1][left - 1])
        ]
        found.append(
            RawTable(
                title,
                rows[header_at],
                [(i + 1, row) for i, row in enumerate(rows) if i > header_at],
                header_row=header_at + 1,
                merged=kept,
            )
        )
    return found


def _read_sheets(path: Path) -> list[tuple[str, list[list[object]], list[tuple[str, int, int, int, int]]]]:
    """Each worksheet's title, rows of values and merged ranges (ref, top, left, bottom, right).

    The values are those Excel saved with the file (data_only): formulas are never evaluated and no
    macros run. A formula whose result was not saved reads as :class:`UncomputedFormula`."""
    import openpyxl  # imported here: CSV users never pay for it
    from openpyxl.utils.cell import range_boundaries

    def read(data_only: bool) -> list[tuple[str, list[list[object]], list[str]]]:
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
        try:
            return [
                (sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)], _merged_refs(sheet) if data_only else [])
                for sheet in book.worksheets
            ]
        finally:
            book.close()

    values, formulas = read(data_only=True), read(data_only=False)
    sheets = []
    for (title, rows, refs), (_, formula_rows, _) in zip(values, formulas, strict=False):
        for row, formula_row in zip(rows, formula_rows, strict=False):
            for i, (value, formula) in enumerate(zip(row, formula_row, strict=False)):
                if value is None and formula is not None:
                    row[i] = UncomputedFormula(str(getattr(formula, "text", formula)))
        merged = []
        for ref in refs:
            left, top, right, bottom = range_boundaries(ref)
            merged.append((ref, top, left, bottom, right))
        sheets.append((title, rows, merged))
    return sheets


def _merged_refs(sheet: Any) -> list[str]:
    """The merged ranges (``A1:B2``) of a read-only worksheet, which openpyxl does not expose:
    read from the sheet's XML, where they follow the cells."""
    from openpyxl.xml.functions import iterparse

    get_source = getattr(sheet, "_get_source", None)
    if get_source is None:  # another openpyxl: merged cells then go unreported
        return []
    refs = []
    with get_source() as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                refs.append(element.get("ref"))
            element.clear()
    return refs


# --- building records ---------------------------------------------------------------------------


def build_dataset(
    raw: dict[str, RawTable], issues: list[DataIssue], name: str = "", notes: LoadNotes | None = None
) -> model.DataSet | None:
    """Parse every table into records; ``None`` when a required table is missing or unusable.

    ``notes``, when given, receives what the cross-reference pass needs to know beyond the
    records: the row of each rule key, and the ids of rows already rejected."""
    notes = notes if notes is not None else LoadNotes()
    records: dict[str, list[Any]] = {}
    for table in tables.TABLES:
        if table.key not in raw:
            if table.required:
                issues.append(
                    DataIssue(table.zh, None, None, f"缺少必需的表（CSV 文件 {table.key}.csv 或 {table.zh}.csv，或同名工作表）")
                )
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
                notes.reject(key, values)
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


def _parse_rows(
    table: tables.Table, raw: RawTable, issues: list[DataIssue], notes: LoadNotes
) -> list[tuple[int, dict[str, Any]]] | None:
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

    by_index = {i: table.column(key) for key, i in positions.items()}
    for ref, top, left, right in raw.merged:
        column = next((by_index[i] for i in range(left - 1, right) if i in by_index), None)
        if column is not None:
            issues.append(
                DataIssue(
                    table.zh,
                    top,
                    column.zh,
                    f"合并单元格 {ref}：合并后只有左上角的单元格有值，其余读作空白；请取消合并，在每个单元格分别填写",
                )
            )

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
            cell = row[positions[column.key]] if column.key in positions and positions[column.key] < len(row) else None
            if isinstance(cell, UncomputedFormula):
                issues.append(
                    DataIssue(
                        table.zh,
                        number,
                        column.zh,
                        f"单元格是公式「{cell}」，但文件里没有保存它的计算结果"
                        "（本程序不计算公式）；请用 Excel 打开并保存一次，或直接填写数值",
                    )
                )
                row_ok = False
                continue
            if text in EXCEL_ERRORS:
                issues.append(
                    DataIssue(table.zh, number, column.zh, f"单元格是 Excel 的错误值「{text}」（公式出错）；请改为实际的值")
                )
                row_ok = False
                continue
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
            notes.reject(table.key, texts)
    return parsed


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _station(v: dict[str, Any], source: Source) -> model.Station:
    return model.Station(v["id"], v["name"], v["level"], v["community"], v["parent"], v["phone"], source)


def _shift(v: dict[str, Any], source: Source) -> model.Shift:
    return model.Shift(v["id"], v["name"], v["start"], v["end"], source)


def _demand(v: dict[str, Any], source: Source) -> model.Demand:
    return model.Demand(
        v["station"], v["day"], v["shift"], _or(v["role"], model.DEFAULT_ROLE), v["min"], _or(v["max"], v["min"]), source
    )


def _unit(v: dict[str, Any], source: Source) -> model.Unit:
    return model.Unit(
        v["id"],
        v["name"],
        v["category"],
        v["community"],
        _or(v["members"], 1),
        _or(v["roles"], (model.DEFAULT_ROLE,)),
        _or(v["first_inquiry"], True),
        v["max_per_day"],
        v["min_total"],
        v["max_total"],
        v["contact"],
        v["phone"],
        source,
    )


def _person(v: dict[str, Any], source: Source) -> model.Person:
    return model.Person(v["unit"], v["name"], v["phone"], _or(v["first_inquiry"], True), source)


def _unavailability(v: dict[str, Any], source: Source) -> model.Unavailability:
    return model.Unavailability(v["unit"], v["start"], _or(v["end"], v["start"]), v["person"], v["shift"], v["reason"], source)


def _request(v: dict[str, Any], source: Source) -> model.Request:
    return model.Request(v["unit"], v["day"], v["kind"], v["shift"], v["station"], _or(v["weight"], 1), source)


def _fixed(v: dict[str, Any], source: Source) -> model.Fixed:
    return model.Fixed(
        v["date"],
        v["station"],
        v["shift"],
        v["unit"],
        _or(v["role"], model.DEFAULT_ROLE),
        v["person"],
        v["first_inquiry"],
        source,
    )


def _calendar_day(v: dict[str, Any], source: Source) -> model.CalendarDay:
    return model.CalendarDay(v["date"], v["day"], v["name"], source)


def _history(v: dict[str, Any], source: Source) -> model.History:
    return model.History(
        v["unit"],
        v["last_duty"],
        v["last_shift"],
        _or(v["run_days"], 1),
        _or(v["duties_ytd"], 0),
        _or(v["weekends_ytd"], 0),
        source,
    )


_HOME_COMMUNITY = {
    "prefer": model.HomeCommunity.PREFER,
    "优先": model.HomeCommunity.PREFER,
    "require": model.HomeCommunity.REQUIRE,
    "必须": model.HomeCommunity.REQUIRE,
    "ignore": model.HomeCommunity.IGNORE,
    "不限": model.HomeCommunity.IGNORE,
}


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


def _build_rules(rows: list[tuple[int, dict[str, Any]]], issues: list[DataIssue], seen: dict[str, int]) -> model.Rules:
    """The rules table; ``seen`` receives the row of every rule key it sets."""
    zh = tables.RULES.zh
    settings: dict[str, Any] = {}
    weights = dict(model.DEFAULT_WEIGHTS)
    for number, values in rows:
        found = _rule_key(values["key"])
        if found is None:
            known = "、".join(f"{r.zh} ({r.key})" for r in tables.RULE_KEYS)
            issues.append(
                DataIssue(
                    zh,
                    number,
                    "项目",
                    f"不认识的规则「{values['key']}」；可用的规则：{known}，以及权重 weight_<规则> / 权重_<规则>",
                )
            )
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
        weight = key.removeprefix("weight_") if key.startswith("weight_") else None
        try:  # each setting checks itself, so the error names its row
            model.Rules(weights=((weight, value),)) if weight else model.Rules(**{key: value})
        except FieldError as error:
            issues.append(DataIssue(zh, number, "值", error.message))
            continue
        if weight:
            weights[weight] = value
        else:
            settings[key] = value
    return model.Rules(**settings, weights=tuple(weights.items()))
