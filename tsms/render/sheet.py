"""What every sheet tsms writes shares: cells that are never formulas, widths from the
text's display width, wrapped text with row heights that show all of it, borders, and a
print setup of its own (paper, orientation, fit to width, print titles, footer).

openpyxl does not fit rows to their text, and a row given a height does not grow when a
spreadsheet opens it, so heights are estimated here from the wrapped line count.
"""

from __future__ import annotations

import errno
import functools
import gc
import math
import os
import sys
from datetime import date as _date

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
PAPERSIZE_A4 = "9"  # the OOXML codes of the paper sizes
PAPERSIZE_A3 = "8"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP = Alignment(vertical="top")
LINE_HEIGHT = 15.0  # points per line of 11-point text, CJK included (Noto Sans CJK's leading)
MIN_HEIGHT = 15.0
MAX_HEIGHT = 409.0  # the most a row may be (Excel's limit)
WIDTH_CAP = 40  # no column wider than this: longer text wraps

# --------------------------------------------------------------------------- writing


def os_errors(write):
    """``write`` with a failure of the disk as the OSError the rest of tsms handles
    (tsms.store.output: 「cannot write …, free some disk space」): openpyxl writes through lxml
    when it is installed, and lxml reports a full disk or a file-size limit as its own
    ``SerialisationError: IO_EFBIG``. The workbook's other sheets still hold streams open
    into their temporary files, which fail the same way as they are let go: quietly."""

    @functools.wraps(write)
    def wrapped(*args, **kwargs):
        hook = sys.unraisablehook
        sys.unraisablehook = lambda u: None if _from_lxml(u.exc_value) else hook(u)
        try:
            try:
                return write(*args, **kwargs)
            except Exception as exc:
                if type(exc).__name__ != "SerialisationError":
                    raise
                text = str(exc)
                code = next((getattr(errno, name) for name in ("EFBIG", "ENOSPC", "EDQUOT") if f"IO_{name}" in text),
                            errno.EIO)
            gc.collect()
            raise OSError(code, os.strerror(code))
        finally:
            sys.unraisablehook = hook

    return wrapped


def _from_lxml(exc) -> bool:
    return type(exc).__module__.startswith("lxml")


# --------------------------------------------------------------------------- cells

# what a spreadsheet may take for the start of a formula (OWASP "CSV injection", CWE-1236)
FORMULA_START = frozenset("=+-@\t\r")
RISKY_START = FORMULA_START | {"#"}  # and an error code (#N/A …) typed as text


def formula_like(value) -> bool:
    """A string a spreadsheet could run as a formula: it starts with = + - @, a tab or a CR."""
    return value.__class__ is str and value[:1] in FORMULA_START


def csv_text(value):
    """A user-typed cell of a CSV file, shown as typed when a spreadsheet opens it: a
    formula-like one is prefixed with ' (OWASP), which the spreadsheet reads as "text"."""
    if value is None:
        return ""
    return "'" + value if formula_like(value) else value


def legible(value):
    """A cell as a worksheet can hold it: the control characters it refuses shown as \\xNN."""
    if value.__class__ is str and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def as_text(value) -> bool:
    """The value must be stored as text to stay what was typed: a formula or an error code."""
    return formula_like(value) or (value.__class__ is str and value[:1] == "#" and value in ERROR_CODES)


def text_cell(ws, value):
    """A user-typed string as text, never a formula or an error value (a write-only sheet)."""
    if as_text(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def date_cell(ws, value, fmt: str = TIME_FORMAT):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = fmt
    return cell


def styled(ws, value, font=None, fill=None, fmt=None, alignment=None, border=None):
    cell = WriteOnlyCell(ws, value=value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if fmt:
        cell.number_format = fmt
    if alignment:
        cell.alignment = alignment
    if border:
        cell.border = border
    return cell


# --------------------------------------------------------------------------- widths and heights


def display_width(text: str) -> int:
    """Columns the text takes: a CJK (wide or full-width) character counts two. Read from
    the UTF-8 length — one byte for ASCII, three for CJK — which is exact for Chinese text
    and fast enough for every cell of a month (unicodedata per character is not)."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def lines(text, width: float) -> int:
    """Lines the text wraps to in a column ``width`` characters wide (its own line breaks kept)."""
    if text is None:
        return 1
    if text.__class__ is not str:
        text = str(text)
    room = max(width - 1.5, 1.0)  # the cell's padding
    if "\n" not in text:
        if len(text) * 2 <= room:  # short enough whatever its characters (most cells)
            return 1
        return max(1, math.ceil(display_width(text) / room))
    return sum(max(1, math.ceil(display_width(part) / room)) for part in text.split("\n"))


def height(n_lines: int, line: float = LINE_HEIGHT) -> float:
    return min(MAX_HEIGHT, max(MIN_HEIGHT, n_lines * line + 3))


def fit_width(texts, floor: float = 4, cap: float = WIDTH_CAP) -> float:
    """A column's width from the widest of its texts (header included), between floor and cap."""
    widest = max((display_width(x if x.__class__ is str else str(x)) for x in texts if x is not None), default=0)
    return min(cap, max(floor, widest + 2))


# --------------------------------------------------------------------------- page setup


def print_setup(ws, *, landscape: bool = True, title_rows: str | None = None, title_cols: str | None = None,
                footer: str = "", fit_height: int = 0, paper: str = PAPERSIZE_A4, gridlines: bool = True) -> None:
    """The sheet's own page setup: paper, orientation, fit to one page wide (and
    ``fit_height`` pages high, 0 = as many as it takes), print titles, gridlines, and a
    footer with the page number of the count and ``footer`` (the period)."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = paper
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = fit_height
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = gridlines
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.HeaderFooter.oddFooter.left.text = footer.replace("&", "&&")
    ws.HeaderFooter.oddFooter.left.size = 8
    ws.HeaderFooter.oddFooter.right.text = "&P / &N"
    ws.HeaderFooter.oddFooter.right.size = 8
    ws.HeaderFooter.oddFooter.center.text = "&A"
    ws.HeaderFooter.oddFooter.center.size = 8


def set_widths(ws, widths) -> None:
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = round(width, 1)


class Column:
    """One column of a table: its header, its width (or None: from the values), whether it
    wraps, and the number format of its cells."""

    __slots__ = ("header", "width", "wrap", "fmt", "cap")

    def __init__(self, header: str, width: float | None = None, *, wrap: bool = False, fmt: str | None = None,
                 cap: float = WIDTH_CAP):
        self.header, self.width, self.wrap, self.fmt, self.cap = header, width, wrap, fmt, cap


class Table:
    """A write-only sheet holding one table: a title row, a header row (both printed on
    every page, frozen on screen), then the rows, every cell boxed, long text wrapped and
    each row as high as its longest text. The first column (the number) is printed on
    every page too when the table is wider than one.

    Cell styles are built once per column and shared by every cell of it (openpyxl would
    otherwise look each one up again per cell)."""

    def __init__(self, wb, title: str, caption: str, columns: list[Column], *, footer: str = "",
                 rows: list[list] | None = None, landscape: bool = True, repeat_first: bool = False,
                 paper: str = PAPERSIZE_A4):
        self.ws = ws = wb.create_sheet(title)
        self.columns = columns
        if rows is not None:  # a short table: widths from its own text
            widths = [c.width or fit_width([c.header, *(_shown(r[i]) for r in rows)], cap=c.cap)
                      for i, c in enumerate(columns)]
        else:
            widths = [c.width or fit_width([c.header], cap=c.cap) for c in columns]
        self.widths = widths
        set_widths(ws, widths)
        ws.freeze_panes = "B3" if repeat_first else "A3"
        print_setup(ws, landscape=landscape, title_rows="1:2", title_cols="A:A" if repeat_first else None,
                    footer=footer, paper=paper, gridlines=False)  # every cell is boxed
        ws.row_dimensions[1].height = 22
        ws.append([styled(ws, caption, font=TITLE_FONT)])
        header_lines = max(lines(c.header, w) for c, w in zip(columns, widths))
        ws.row_dimensions[2].height = height(header_lines)
        ws.append([styled(ws, c.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=CENTRE_WRAP, border=BOX)
                   for c in columns])
        self._styles = []
        for c in columns:
            template = styled(ws, None, fmt=c.fmt, alignment=WRAP if c.wrap else TOP, border=BOX)
            self._styles.append(template._style)
        # a moment given as a day alone (time unknown) arrives as a date: in a time column it
        # takes the date format, never a made-up 00:00
        self._day_styles = [styled(ws, None, fmt=DATE_FORMAT, alignment=WRAP if c.wrap else TOP, border=BOX)._style
                            if c.fmt == TIME_FORMAT else s for c, s in zip(columns, self._styles)]
        self._wrapped = [(i, w) for i, (c, w) in enumerate(zip(columns, widths)) if c.wrap]
        self.row = 2
        if rows is not None:
            for r in rows:
                self.append(r)

    def append(self, values: list) -> None:
        ws = self.ws
        self.row += 1
        n = 1
        for i, width in self._wrapped:
            v = values[i]
            if v is not None:
                k = lines(v, width)
                if k > n:
                    n = k
        tall = n > 1
        if tall:
            ws.row_dimensions[self.row].height = height(n)
        cells = []
        for value, style, day_style in zip(values, self._styles, self._day_styles):
            # the column's style, shared: given to the cell as it is made (WriteOnlyCell would
            # make a blank one first)
            if value.__class__ is _date:
                style = day_style
            cell = Cell(ws, row=1, column=1, value=value, style_array=style)
            if value.__class__ is str and value[:1] in RISKY_START and as_text(value):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
        if tall:  # written with the row: a month's worth of row dimensions need not stay in memory
            del ws.row_dimensions[self.row]


def _shown(value):
    if value is None or value.__class__ is str:
        return value
    if hasattr(value, "hour"):
        return "0000-00-00 00:00"
    if hasattr(value, "year"):
        return "0000-00-00"
    return str(value)
