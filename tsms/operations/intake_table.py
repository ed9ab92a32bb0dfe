"""Reading an old ledger as site offices keep it: the table of an ``.xlsx`` sheet or a
``.csv`` file, its header found under a title row, a two-row header with merged parent
cells (处理情况 over 处理部门/处理人/处理结果/处理时间) read as parent/child labels, each
column mapped to a field or named as ignored, blank rows and total rows (合计/总计/小计) set
apart. No database here: :mod:`tsms.operations.intake` checks and writes the rows.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from tsms import clock
from tsms.checks import LONG
from tsms.errors import TsmsError, shown
from tsms.vocab import t

# field → the headers it is recognised by (compared without spaces, colons, brackets or case)
HEADERS = {
    "received_at": ("投诉时间", "投诉日期", "来电时间", "来访时间", "受理时间", "日期", "时间", "received_at", "received",
                    "date"),
    "complainant": ("投诉人", "姓名", "投诉人姓名", "complainant", "name"),
    "contact": ("联系方式", "联系电话", "电话", "手机", "手机号", "contact", "phone"),
    "address": ("地址", "住址", "投诉人地址", "address"),
    "org": ("投诉单位", "单位", "complainant_org", "org"),
    "content": ("投诉内容", "投诉内容详细说明", "内容", "投诉事项", "content"),
    "category": ("投诉类型", "类型", "类别", "投诉类别", "category"),
    "channel": ("投诉渠道", "渠道", "投诉方式", "来源", "channel"),
    "urgency": ("紧急程度", "urgency"),
    "number": ("编号", "原编号", "投诉编号", "number"),
    "serial": ("序号", "serial"),
    "accept_dept": ("受理部门", "accept_dept"),
    "accept_person": ("受理人", "accept_person"),
    "accept_opinion": ("受理意见", "accept_opinion"),
    "department": ("处理部门", "责任部门", "department"),
    "assignee": ("处理人", "经办人", "责任人", "assignee"),
    "handling_opinion": ("处理意见", "处理方案", "handling_opinion", "opinion"),
    "result": ("处理结果", "处理情况", "result"),
    "resolved_at": ("处理完成时间", "完成时间", "处理时间", "处理日期", "办结时间", "resolved_at", "resolved"),
    "dept_head": ("处理部门负责人", "部门负责人", "dept_head"),
    "revisited_at": ("回访时间", "回访日期", "revisited_at", "revisited"),
    "satisfaction": ("满意度", "回访结果", "满意程度", "satisfaction"),
    "revisit_method": ("回访方式", "revisit_method"),
    "visitor": ("回访人", "visitor"),
    "person_met": ("被回访人", "回访对象", "person_met"),
    "revisit_note": ("回访意见", "回访内容", "回访记录", "revisit_note"),
    "note": ("备注", "note"),
}
# a parent label over several columns (a merged cell) → the child labels its columns carry,
# read in the parent's sense: 时间 under 处理情况 is when it was handled, under 回访情况 when
# the revisit was made
_HANDLING = {"部门": "department", "处理部门": "department", "责任部门": "department", "人员": "assignee",
             "处理人": "assignee", "经办人": "assignee", "责任人": "assignee", "结果": "result",
             "处理结果": "result", "时间": "resolved_at", "日期": "resolved_at", "处理时间": "resolved_at",
             "完成时间": "resolved_at", "处理完成时间": "resolved_at", "处理日期": "resolved_at",
             "意见": "handling_opinion", "处理意见": "handling_opinion", "方案": "handling_opinion",
             "处理方案": "handling_opinion", "负责人": "dept_head", "部门负责人": "dept_head",
             "处理部门负责人": "dept_head"}
_REVISIT = {"时间": "revisited_at", "日期": "revisited_at", "回访时间": "revisited_at", "回访日期": "revisited_at",
            "满意度": "satisfaction", "结果": "satisfaction", "回访结果": "satisfaction", "评价": "satisfaction",
            "满意程度": "satisfaction", "方式": "revisit_method", "回访方式": "revisit_method",
            "回访人": "visitor", "人员": "visitor", "被回访人": "person_met", "对象": "person_met",
            "回访对象": "person_met", "意见": "revisit_note", "内容": "revisit_note", "记录": "revisit_note",
            "回访意见": "revisit_note", "回访内容": "revisit_note", "回访记录": "revisit_note"}
_ACCEPTING = {"部门": "accept_dept", "受理部门": "accept_dept", "受理人": "accept_person", "人员": "accept_person",
              "意见": "accept_opinion", "受理意见": "accept_opinion", "时间": "received_at", "受理时间": "received_at"}
_COMPLAINANT = {"姓名": "complainant", "投诉人": "complainant", "电话": "contact", "联系电话": "contact",
                "联系方式": "contact", "地址": "address", "住址": "address", "单位": "org", "投诉单位": "org"}
PARENTS = {"处理情况": _HANDLING, "处理": _HANDLING, "处理结果": _HANDLING, "处理过程": _HANDLING,
           "回访情况": _REVISIT, "回访": _REVISIT, "回访记录": _REVISIT,
           "受理情况": _ACCEPTING, "受理": _ACCEPTING,
           "投诉人": _COMPLAINANT, "投诉人信息": _COMPLAINANT, "投诉人情况": _COMPLAINANT}
REQUIRED = ("received_at", "content")
# the fields as a user reads them in the mapping
FIELD_LABELS = {
    "received_at": ("投诉时间", "received at"), "complainant": ("投诉人", "complainant"),
    "contact": ("联系方式", "contact"), "address": ("地址", "address"), "org": ("投诉单位", "organisation"),
    "content": ("投诉内容", "content"), "category": ("投诉类型", "category"), "channel": ("投诉渠道", "channel"),
    "urgency": ("紧急程度", "urgency"), "number": ("原编号", "old number"), "serial": ("序号", "serial number"),
    "accept_dept": ("受理部门", "accepting department"), "accept_person": ("受理人", "accepted by"),
    "accept_opinion": ("受理意见", "acceptance opinion"), "department": ("处理部门", "handling department"),
    "assignee": ("处理人", "handler"), "handling_opinion": ("处理意见", "handling opinion"),
    "result": ("处理结果", "result"), "resolved_at": ("处理完成时间", "resolved at"),
    "dept_head": ("处理部门负责人", "department head"), "revisited_at": ("回访时间", "revisited at"),
    "satisfaction": ("满意度", "satisfaction"), "revisit_method": ("回访方式", "revisit method"),
    "visitor": ("回访人", "visitor"), "person_met": ("被回访人", "person met"),
    "revisit_note": ("回访意见", "revisit note"), "note": ("备注", "note"),
}
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "total", "subtotal")

_NORMAL = re.compile(r"[\s::()()*\[\]【】]")
_NOTE = re.compile(r"[((\[【][^()()\[\]【】]*[))\]】]")  # 「(年月日)」「【必填】」: a note on the label


def key(header) -> str:
    return _NORMAL.sub("", _NOTE.sub("", str(header or ""))).lower()


LOOKUP = {key(h): name for name, headers in HEADERS.items() for h in headers}
EXACT = {key(label): name for name, (zh, _) in FIELD_LABELS.items() for label in (zh, name)} | {
    key(headers[0]): name for name, headers in HEADERS.items()}
_PARENTS = {key(p): children for p, children in PARENTS.items()}
EXACT_LABEL, SYNONYM, LOOSE = 0, 1, 2  # how well a label names its field: the better one wins a field


def lookup(label) -> tuple[str | None, int]:
    """The field a header names and how well: its own label (投诉类型), a synonym (类别), or
    loosely — a known label it starts with (投诉内容摘要) or, of three characters or more,
    holds — when only one field's longest such label fits."""
    k = key(label)
    if not k:
        return None, LOOSE
    if k in EXACT:
        return EXACT[k], EXACT_LABEL
    if k in LOOKUP:
        return LOOKUP[k], SYNONYM
    for fits in (lambda h: k.startswith(h) and len(h) >= 2, lambda h: h in k and len(h) >= 3):
        found = [(len(h), name) for h, name in LOOKUP.items() if fits(h) and not h.isascii()]
        if found:
            best = max(n for n, _ in found)
            names = {name for n, name in found if n == best}
            return (names.pop() if len(names) == 1 else None), LOOSE
    return None, LOOSE


def field_label(name: str) -> str:
    return t(*FIELD_LABELS[name])


@dataclass
class Column:
    index: int
    label: str  # as the file says it: 「处理情况/处理部门」 for a child under a merged parent
    field: str | None  # the field it fills, or None
    why: str | None = None  # why a column is not used


@dataclass
class Table:
    columns: list[Column]
    header_lines: list[int]  # the header's row numbers
    rows: list[tuple[int, list]]  # (row number, cells) of the filled rows
    totals: list[int] = field(default_factory=list)  # the total rows' numbers, skipped
    sheet: str | None = None
    titles: list[tuple[int, list]] = field(default_factory=list)  # the rows above the header

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def mapping(self) -> list[dict]:
        """Each source column, its label, and the field it fills (or why it is ignored)."""
        return [{"column": _letter(c.index), "label": c.label, "field": c.field,
                 "field_label": field_label(c.field) if c.field else None, "ignored": c.why}
                for c in self.columns if c.label or c.field]

    def defaults(self) -> list[dict]:
        """The fields no column gives that a complaint has anyway, and what they are taken as."""
        given = {c.field for c in self.columns if c.field}
        return [{"field": name, "field_label": field_label(name), "value": value.label}
                for name, value in _defaults() if name not in given]


def _defaults():
    from tsms.vocab import Category, Channel, Urgency

    return (("channel", Channel.phone), ("category", Category.other), ("urgency", Urgency.normal))


@dataclass
class Book:
    """What a file holds: its tables (a workbook's sheets with a header), the sheets set
    aside and why, and — for a rejects file tsms wrote — the file its rows came from."""
    tables: list[Table]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    origin: str | None = None


@dataclass(frozen=True)
class Uncached:
    """A formula cell whose value the file does not hold (written by a program, never opened
    in Excel): no value to import."""
    formula: str

    def __str__(self) -> str:
        return self.formula


REJECTS_MARK = "tsms 未导入的行 · 来源:"  # the title row of a rejects file: the rows' own file follows


def _letter(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


ROW_LIMIT = 100_000  # rows of the sheet or the CSV file, title and header rows included
COLUMN_LIMIT = 256  # columns of a row (Excel 2003's width); empty cells past it are dropped
HEADER_ROWS = 15  # the header row is looked for among the first rows


def read_table(path: Path, limit: int | None = None, progress=None, sheet: str | None = None) -> Book:
    """The tables of an xlsx file (every sheet with a header, or ``sheet``) or a csv file,
    read row by row: a sheet or file of more than ROW_LIMIT rows is refused before its rows
    are loaded. ``progress(label, total)``: a context manager giving a function to call per
    row read, or None (an xlsx sheet says how many rows it has)."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ett", ".wps", ".numbers", ".ods"):
        raise TsmsError(t("{p} 是 {s} 文件,不能直接导入;请在 Excel 或 WPS 里「另存为」.xlsx 后再导入",
                          "{p} is a {s} file, which cannot be imported as it is: save it as .xlsx "
                          "(Excel or WPS: Save As) and import that", p=path.name, s=suffix))
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, limit or ROW_LIMIT, progress, sheet)
    if suffix == ".csv":
        if sheet is not None:
            raise TsmsError(t("--sheet 只用于 .xlsx 文件;{p} 是 CSV", "--sheet is for .xlsx files; {p} is CSV", p=path.name))
        table, miss, origin = _read_csv(path, limit or ROW_LIMIT)
        if table is None:
            raise TsmsError(t("{p} 里找不到表头:{m}", "{p} has no header row: {m}", p=path.name, m=miss))
        return Book([table], origin=origin)
    raise TsmsError(t("只能导入 .xlsx 或 .csv 文件(.xls/.et 请先另存为 .xlsx)",
                      "only .xlsx and .csv files can be imported (save .xls/.et as .xlsx first)"))


def _too_many_rows(where, limit: int) -> TsmsError:
    return TsmsError(t("{p} 超过 {m} 行,一次最多导入 {m} 行;请分成几个文件导入",
                       "{p} has more than {m} rows, the most one import takes; split it into several files",
                       p=where, m=f"{limit:,}"))


def _read_xlsx(path: Path, limit: int, progress=None, sheet: str | None = None) -> Book:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)  # formulas as text: the ones to look up
    except Exception as exc:
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    book = Book([])
    try:
        sheets = wb.worksheets
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise TsmsError(t("{p} 里没有工作表「{s}」;有:{a}", "{p} has no sheet {s!r}; it has: {a}", p=path.name,
                                  s=sheet, a=t("、", ", ").join(wb.sheetnames)))
            sheets = [wb[sheet]]
        misses = []
        for ws in sheets:
            declared = ws.max_row  # the sheet's own <dimension>, read without loading a row
            if declared is not None and declared > limit:
                raise _too_many_rows(f"{path} [{ws.title}]", limit)
            ws.reset_dimensions()  # a dimension may also say too few: every row is read, and counted
            bar = progress(t("读取", "reading"), declared) if progress else contextlib.nullcontext(None)
            with bar as tick:
                found, miss, origin = _table(path, ws.iter_rows(values_only=True), limit, tick)
            if found is None:
                book.skipped.append((ws.title, miss))
                misses.append(t("工作表「{s}」:{m}", "sheet {s!r}: {m}", s=ws.title, m=miss))
                continue
            found.sheet = ws.title
            book.origin = book.origin or origin
            _cached_values(path, found)
            split_totals(found)
            book.tables.append(found)
        if not book.tables:
            raise TsmsError(t("{p} 里找不到表头:{m}", "{p} has no header row: {m}", p=path.name,
                              m=t(";", "; ").join(misses)))
        return book
    except TsmsError:
        raise
    except Exception as exc:  # a damaged or hand-made file: the parser's complaint, in one line
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    finally:
        wb.close()


def _cached_values(path: Path, table: Table) -> None:
    """The values Excel shows for the formula cells (=ROW()-1, =HYPERLINK(…)): the sheet is
    read a second time for its cached values, only when it has a formula; a formula without
    one (a file a program wrote, never saved by Excel) becomes Uncached."""
    wanted = {number: [i for i, v in enumerate(row) if isinstance(v, str) and v.startswith("=")]
              for number, row in table.rows}
    wanted = {n: cols for n, cols in wanted.items() if cols}
    if not wanted:
        return
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        cached = {}
        for number, row in enumerate(wb[table.sheet].iter_rows(values_only=True), 1):
            if number in wanted:
                cached[number] = row
            if number >= max(wanted):
                break
    finally:
        wb.close()
    for number, row in table.rows:
        for i in wanted.get(number, ()):
            shown_value = cached.get(number, ())[i] if i < len(cached.get(number, ())) else None
            row[i] = Uncached(row[i]) if shown_value is None else shown_value


def _unquoted(rows):
    """CSV rows with the ' that protects a formula-like cell (what tsms's own CSV files and
    other careful programs write before = + - @) taken off: the text as typed."""
    for row in rows:
        yield [v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@") else v for v in row]


def _read_csv(path: Path, limit: int):
    """CSV through the csv module on the file itself (newline=""), so a line break inside a
    quoted cell stays in the cell; UTF-8 (with or without BOM), else GBK (GB 18030)."""
    if path.is_dir():
        raise TsmsError(t("{p} 是文件夹,不是文件", "{p} is a folder, not a file", p=path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, newline="", encoding=encoding) as fh:
                reader = csv.reader(fh)
                try:
                    table, miss, origin = _table(path, _unquoted(reader), limit)
                    if table is not None:
                        split_totals(table)
                    return table, miss, origin
                except csv.Error as exc:
                    if "field larger than field limit" in str(exc):
                        raise TsmsError(t("{p} 第 {n} 行有一格超过 {m} 字;台账里最长的文字为 {k} 字",
                                          "{p} line {n}: a cell longer than {m} characters; the longest text a "
                                          "complaint keeps is {k}",
                                          p=path, n=reader.line_num, m=f"{csv.field_size_limit():,}",
                                          k=f"{LONG:,}")) from None
                    raise TsmsError(t("{p} 第 {n} 行不是有效的 CSV:{e}", "{p} line {n} is not valid CSV: {e}",
                                      p=path, n=reader.line_num, e=exc)) from None
        except UnicodeDecodeError:
            continue
        except OSError as exc:  # a file that may not be read
            raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=exc.strerror or exc)) from None
    raise TsmsError(t("{p} 不是 UTF-8 或 GBK 编码的文本", "{p} is neither UTF-8 nor GBK text", p=path))


def _table(path: Path, rows, limit: int, tick=None):
    """The header, looked for among the first HEADER_ROWS rows, and the filled rows after
    it, numbered as a spreadsheet shows them: (table, None, origin), or (None, what the
    likeliest header row lacks, None) when there is no header. More than ``limit`` rows, or a
    value past COLUMN_LIMIT columns, is refused as soon as it is read. ``origin``: the file
    a tsms rejects file's rows came from (its title row says)."""
    head: list[tuple[int, list]] = []
    table = None
    for number, row in enumerate(rows, 1):
        if number > limit:
            raise _too_many_rows(path, limit)
        if tick:
            tick()
        if len(row) > COLUMN_LIMIT:
            if filled(row[COLUMN_LIMIT:]):
                raise TsmsError(t("{p} 第 {n} 行超过 {m} 列;最多读取 {m} 列",
                                  "{p} row {n} has more than {m} columns; at most {m} are read",
                                  p=path, n=number, m=COLUMN_LIMIT))
            row = row[:COLUMN_LIMIT]
        if table is None:
            head.append((number, list(row)))
            if number <= HEADER_ROWS + 1:
                continue
            table = _header(head)
            if not isinstance(table, Table):
                return None, table, None
            rest, head = head, []
            for n, r in rest:
                _add(table, n, r)
            continue
        _add(table, number, row)
    if table is None:
        table = _header(head)
        if not isinstance(table, Table):
            return None, table, None
        for n, r in head:
            _add(table, n, r)
    origin = None
    for _, r in table.titles:
        text = str(r[0] or "") if r else ""
        if text.startswith(REJECTS_MARK):
            origin = text[len(REJECTS_MARK):].strip() or None
    return table, None, origin


def _add(table: Table, number: int, row) -> None:
    if number < table.header_lines[0]:
        table.titles.append((number, list(row)))
        return
    if number <= table.header_lines[-1] or not filled(row):
        return
    table.rows.append((number, list(row)))


def split_totals(table: Table) -> None:
    """The total rows (合计/总计/小计 …) set apart: a row with no complaint time and no content,
    whose first filled cell is the word."""
    blank = [c.index for c in table.columns if c.field in REQUIRED]
    rows = []
    for number, row in table.rows:
        if is_total(row, blank):
            table.totals.append(number)
        else:
            rows.append((number, row))
    table.rows = rows


def filled(row) -> bool:
    return any(v not in (None, "") and str(v).strip() for v in row)


def is_total(row, blank=()) -> bool:
    """A total row: its first filled cell a short 合计/总计/小计/共计 label, and the cells at
    ``blank`` (the complaint's time and content) empty — a 备注 「共计投诉3次」 or a
    complainant named 小计 is a complaint's."""
    if any(i < len(row) and not _count_or_blank(row[i]) for i in blank):
        return False
    first = next((v for v in row if v not in (None, "") and str(v).strip()), None)
    if not isinstance(first, str):
        return False
    text = key(first).rstrip("行")
    return bool(text) and len(text) <= 8 and text.startswith(TOTAL_WORDS)


_COUNT = re.compile(r"^[\d,.]+\s*[件次条项个宗起]?$")


def _count_or_blank(value) -> bool:
    """Nothing, or a count (4, 「4件」): what a total row holds where a complaint has its text."""
    if value is None or isinstance(value, (int, float)):
        return True
    text = clock.fold(str(value))
    return not text or bool(_COUNT.match(text))


def _text_cell(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _header(head: list[tuple[int, list]]):
    """The header among the first rows: the first row (with the row under it, when that is
    a second header row) whose labels name the required fields; a row of labels under
    another is read as children of the merged cells above them. None found: a line naming
    the row most like a header, the labels it holds, and the required ones it lacks."""
    best = None  # (fields named, row number, labels, missing)
    for i, (number, row) in enumerate(head[:HEADER_ROWS]):
        if not any(lookup(v)[0] or key(v) in _PARENTS for v in row if isinstance(v, str)):
            continue
        below = head[i + 1] if i + 1 < len(head) else None
        tries = []
        if below is not None and _sub_header(row, below[1]):
            tries.append((_columns(row, below[1]), [number, below[0]]))
        tries.append((_columns(row, None), [number]))
        for (columns, clash), lines in tries:
            named = {c.field for c in columns if c.field}
            if all(r in named for r in REQUIRED):
                if clash:
                    raise TsmsError(clash)
                return Table(columns, lines, [])
            if best is None or len(named) > best[0]:
                best = (len(named), lines[0], [c.label for c in columns if c.label],
                        [r for r in REQUIRED if r not in named])
    if best is None:
        return t("前 {n} 行里没有一行像表头(要有「投诉时间」和「投诉内容」两列)",
                 "none of the first {n} rows looks like a header (it needs 投诉时间/received_at and "
                 "投诉内容/content columns)", n=HEADER_ROWS)
    _, number, labels, missing = best
    return t("最像表头的是第 {n} 行({l}),缺少「{m}」列", "the likeliest header, row {n} ({l}), lacks {m}",
             n=number, l=t("、", ", ").join(labels[:12]) + ("…" if len(labels) > 12 else ""),
             m=t("」「", ", ").join(field_label(r) for r in missing))


def _sub_header(top: list, row: list) -> bool:
    """The row under a header is a second header row when it holds text only — no date,
    no number — and at least one of its labels names a field under its parent (a merged cell
    above it) or by itself."""
    named = False
    for i, value in enumerate(row):
        if value in (None, ""):
            continue
        if not isinstance(value, str) or _looks_like_data(value):
            return False
        if _field(_parent(top, row, i), value)[0] is not None:
            named = True
    return named


def _looks_like_data(text: str) -> bool:
    folded = clock.fold(text)
    return bool(re.search(r"\d{3,}", folded) or _FULL.match(folded) or _NO_YEAR.match(folded)) or len(folded) > 20


def _parent(top: list, sub: list | None, i: int) -> str | None:
    """The label over column ``i``: its own cell, else (a merged cell's continuation, when
    the row below has a label there) the nearest label to its left."""
    value = top[i] if i < len(top) else None
    if value not in (None, "") and str(value).strip():
        return _text_cell(value)
    if sub is None or i >= len(sub) or sub[i] in (None, ""):
        return None
    for j in range(min(i, len(top)) - 1, -1, -1):
        if top[j] not in (None, "") and str(top[j]).strip():
            return _text_cell(top[j])
    return None


def _field(parent: str | None, child) -> tuple[str | None, int]:
    """The field a parent/child label names and how well (EXACT_LABEL, SYNONYM, LOOSE): the
    child in the parent's sense, else the child alone (when its field belongs to the
    parent's group); a parent with no child, alone."""
    child = None if child in (None, "") or not str(child).strip() else str(child)
    if child is None and parent and "/" in parent:  # 「处理情况/处理部门」 as a rejects file writes it
        parent, child = (part.strip() for part in parent.split("/", 1))
    if child is None:
        return lookup(parent) if parent else (None, LOOSE)
    if parent is None:
        return lookup(child)
    children = _PARENTS.get(key(parent))
    if children is None:
        return lookup(child)
    own = {key(k): v for k, v in children.items()}.get(key(child))
    if own is not None:
        return own, SYNONYM
    alone, rank = lookup(child)
    return (alone, rank) if alone in set(children.values()) else (None, LOOSE)


def _columns(top: list, sub: list | None) -> tuple[list[Column], str | None]:
    """The columns and the fields they fill: of two columns naming one field the better
    label wins (投诉类型 over 类别), the other is named as not used; two equally good ones
    are a clash (the second value: the line refusing them), since either could be meant."""
    width = max(len(top), len(sub or []))
    columns: list[Column] = []
    ranks: dict[int, int] = {}
    for i in range(width):
        parent = _parent(top, sub, i)
        child = sub[i] if sub is not None and i < len(sub) and sub[i] not in (None, "") else None
        child_text = _text_cell(child) if child is not None else None
        if child_text is not None and parent is not None and key(child_text) == key(parent):
            child_text = None  # a vertical merge written out again in the row below (序号 over 序号)
        label = "/".join(x for x in (parent, child_text) if x)
        name, rank = _field(parent, child_text)
        why = None
        if not label:
            why = t("空白表头", "no header")
        elif name is None:
            why = t("不认识的列名", "not a known column")
        columns.append(Column(i, label, name, why))
        ranks[i] = rank
    clash = None
    for name in {c.field for c in columns if c.field}:
        fill = [c for c in columns if c.field == name]
        if len(fill) < 2:
            continue
        best = min(ranks[c.index] for c in fill)
        winners = [c for c in fill if ranks[c.index] == best]
        if len(winners) > 1 and clash is None:
            a, b = winners[:2]
            clash = t("「{a}」({x} 列)和「{b}」({y} 列)都可以是{f};请改掉其中一列的表头(或删去一列)再导入",
                      "{a!r} (column {x}) and {b!r} (column {y}) could both be the {f}: rename or remove one "
                      "of them and import again", a=a.label, x=_letter(a.index), b=b.label, y=_letter(b.index),
                      f=field_label(name))
        for c in fill:
            if c is not winners[0]:
                c.why = t("与「{o}」重复,用「{o}」", "same field as {o!r}, which is used", o=winners[0].label)
                c.field = None
    while columns and not columns[-1].label:
        columns.pop()
    return columns, clash


# --------------------------------------------------------------------------- values


_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]*(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*(?:[:分]\s*(\d{1,2})?)?\s*[分秒]?)?$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                      r"(?:[ T]*(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*(?:[:分]\s*(\d{1,2})?)?\s*[分秒]?)?$")


class NoYear(ValueError):
    """A date typed without its year (「4月25日」) and no --year to give it one."""


def parse_time(value, year: int | None = None) -> tuple[dt.datetime, bool]:
    """A cell's moment and whether it gives a time of day: a date cell (which reads as its
    midnight) or a text date without a time is that day, time unknown. Text as site ledgers
    write it: 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, each with a time (14:30, 14时30分)
    or not; a month and day alone (4月25日, 4.25) takes ``year`` or raises NoYear."""
    if isinstance(value, dt.datetime):
        moment = value.replace(microsecond=0, tzinfo=None)
        return moment, moment.time() != dt.time()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), False
    if isinstance(value, (int, float)):
        raise ValueError(value)
    text = clock.fold(str(value))
    m = _FULL.match(text)
    if m:
        y, mo, d, h, mi, s = m.groups()
    else:
        m = _NO_YEAR.match(text)
        if not m:
            raise ValueError(text)
        (mo, d, h, mi, s), y = m.groups(), year
        if year is None:
            raise NoYear(f"{int(mo):02d}-{int(d):02d}")
    return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)), h is not None


def text_of(value) -> str | None:
    """A cell as text: a phone typed as a number (13812345678.0) without its ``.0``, a date
    cell as its date."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time() else value.date().isoformat()
    elif isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value).strip()
    return text or None
