"""Cell-level helpers shared by the workbooks we write: safe text, styles, widths, A4 printing.

Every user-supplied string goes through :func:`put`, so a unit called ``=HYPERLINK(...)`` stays
text. The layouts themselves live in ``export/excel.py`` and the sheet modules it assembles
(rosters), and in ``export/template.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from copy import copy
from typing import TYPE_CHECKING

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    pass

FORMULA_STARTS = ("=", "+", "-", "@")

# Song for body text and Hei for titles: the fonts of Chinese official forms; LibreOffice and
# Excel without them fall back to any installed CJK font.
BODY_FONT = "宋体"
TITLE_FONT = "黑体"

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
REST_FILL = PatternFill("solid", fgColor="DDEBF7")  # weekends: light blue
HOLIDAY_FILL = PatternFill("solid", fgColor="FCE4D6")  # statutory holidays: light orange
BODY = Font(name=BODY_FONT, size=11)
BOLD = Font(name=BODY_FONT, size=11, bold=True)
WARN = Font(name=BODY_FONT, size=11, bold=True, color="C00000")
TITLE = Font(name=TITLE_FONT, size=16, bold=True)
SUBTITLE = Font(name=BODY_FONT, size=11, color="404040")
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")

LINE_HEIGHT = 15.0  # points per text line at 11 pt, with a little air


def put(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell; text that Excel would take for a formula stays text (no injection
    from a unit's name)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put_row(sheet: Worksheet, row: int, values: Sequence[object], start: int = 1) -> list[Cell]:
    return [put(sheet, row, column, value) for column, value in enumerate(values, start=start)]


def text_width(text: object) -> int:
    """Display width of the longest line, a CJK (wide) character counting as 2."""
    if text is None:
        return 0
    if isinstance(text, dt.date):
        return 10
    lines = str(text).split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def line_count(text: object, width: float) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` wide (an estimate, rounded up)."""
    if text is None or text == "":
        return 1
    usable = max(width - 2, 4)  # cell padding, and LibreOffice's slightly wider CJK glyphs
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def fit_columns(sheet: Worksheet, rows: Iterable[Sequence[object]], minimum: Sequence[int], maximum: int = 40) -> list[float]:
    """Set each column's width to its longest text (between ``minimum[i]`` and ``maximum``)."""
    widths = [float(m) for m in minimum]
    for row in rows:
        for i, value in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], min(text_width(value) + 2, maximum))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    return widths


def fit_row_height(
    sheet: Worksheet, row: int, values: Sequence[object], widths: Sequence[float], start: int = 1, minimum: float = 20.0
) -> None:
    """An explicit height for a row of wrapped text, so Excel and LibreOffice show every line."""
    lines = max((line_count(v, widths[i + start - 1]) for i, v in enumerate(values) if i + start - 1 < len(widths)), default=1)
    sheet.row_dimensions[row].height = max(minimum, lines * LINE_HEIGHT + 5)


def style_cells(
    cells: Iterable[Cell],
    font: Font = BODY,
    alignment: Alignment = WRAP,
    fill: PatternFill | None = None,
    border: Border | None = BOX,
) -> None:
    """Give ``cells`` one style. The first cell is styled through openpyxl's descriptors; the
    others copy its style ids, as openpyxl's own sheet copy does: each descriptor hashes its
    style, which was most of the time a month's workbook took to write."""
    first: Cell | None = None
    for cell in cells:
        if first is not None:
            quoted = cell.quotePrefix  # text that looks like a formula keeps its mark (see put)
            cell._style = copy(first._style)
            cell.quotePrefix = quoted
            continue
        cell.font = font
        cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        first = cell


def title_row(sheet: Worksheet, row: int, text: str, columns: int, font: Font = TITLE, height: float = 30.0) -> None:
    """A line of text across ``columns`` columns (merged), centred."""
    cell = put(sheet, row, 1, text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.row_dimensions[row].height = height


def note_block(sheet: Worksheet, row: int, paragraphs: Sequence[str], widths: Sequence[float]) -> int:
    """Paragraphs under a table, each merged across the table's width; returns the next free row."""
    total = sum(widths)
    for text in paragraphs:
        cell = put(sheet, row, 1, text)
        cell.font = BODY
        cell.alignment = TOP_LEFT
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        sheet.row_dimensions[row].height = line_count(text, total) * LINE_HEIGHT + 6
        row += 1
    return row


def print_a4(
    sheet: Worksheet,
    *,
    title_rows: str | None,
    footer: str = "",
    landscape: bool = False,
    paper: int | None = None,
    fit: bool = True,
) -> None:
    """A4 (or ``paper``), one page wide (unless not ``fit``) and as many pages long as needed,
    header rows repeated on every page, page numbers and ``footer`` (plain text: ``&`` is
    escaped) at the bottom."""
    setup = sheet.page_setup
    setup.paperSize = paper or sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    if fit:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # 0 = as many pages as needed
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = 0.6
    sheet.page_margins.bottom = 0.8
    sheet.page_margins.footer = 0.3
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 9
    if footer:
        sheet.oddFooter.right.text = footer.replace("&", "&&")
        sheet.oddFooter.right.size = 9
