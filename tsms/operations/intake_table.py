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


def key(header) -> str:
    return _NORMAL.sub("", str(header or "")).lower()


LOOKUP = {key(h): name for name, headers in HEADERS.items() for h in headers}
_PARENTS = {key(p): children for p, children in PARENTS.items()}


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

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def mapping(self) -> list[dict]:
        """Each source column, its label, and the field it fills (or why it is ignored)."""
        return [{"column": _letter(c.index), "label": c.label, "field": c.field,
                 "field_label": field_label(c.field) if c.field else None, "ignored": c.why}
                for c in self.columns if c.label or c.field]


def _letter(index: int) -> str:
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


ROW_LIMIT = 100_000  # rows of the sheet or the CSV file, title and header rows included
COLUMN_LIMIT = 256  # columns of a row (Excel 2003's width); empty cells past it are dropped
HEADER_ROWS = 15  # the header row is looked for among the first rows


def read_table(path: Path, limit: int | None = None, progress=None) -> Table:
    """The table of an xlsx or csv file, read row by row: a sheet or file of more than
    ROW_LIMIT rows is refused before its rows are loaded. ``progress(label, total)``: a
    context manager giving a function to call per row read, or None (an xlsx sheet says
    how many rows it has)."""
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ett", ".wps", ".numbers", ".ods"):
        raise TsmsError(t("{p} 是 {s} 文件,不能直接导入;请在 Excel 或 WPS 里「另存为」.xlsx 后再导入",
                          "{p} is a {s} file, which cannot be imported as it is: save it as .xlsx "
                          "(Excel or WPS: Save As) and import that", p=path.name, s=suffix))
    if suffix in (".xlsx", ".xlsm"):
        found = _read_xlsx(path, limit or ROW_LIMIT, progress)
    elif suffix == ".csv":
        found = _read_csv(path, limit or ROW_LIMIT)
    else:
        raise TsmsError(t("只能导入 .xlsx 或 .csv 文件(.xls/.et 请先另存为 .xlsx)",
                          "only .xlsx and .csv files can be imported (save .xls/.et as .xlsx first)"))
    if found is None:
        raise TsmsError(
            t("{p} 里找不到表头(至少要有「投诉时间」和「投诉内容」两列)",
              "{p} has no header row (it needs at least received_at/投诉时间 and content/投诉内容)", p=path))
    return found


def _too_many_rows(where, limit: int) -> TsmsError:
    return TsmsError(t("{p} 超过 {m} 行,一次最多导入 {m} 行;请分成几个文件导入",
                       "{p} has more than {m} rows, the most one import takes; split it into several files",
                       p=where, m=f"{limit:,}"))


def _read_xlsx(path: Path, limit: int, progress=None) -> Table | None:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)  # what was typed, formulas as text
    except Exception as exc:
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    try:
        for ws in wb.worksheets:
            declared = ws.max_row  # the sheet's own <dimension>, read without loading a row
            if declared is not None and declared > limit:
                raise _too_many_rows(f"{path} [{ws.title}]", limit)
            ws.reset_dimensions()  # a dimension may also say too few: every row is read, and counted
            bar = progress(t("读取", "reading"), declared) if progress else contextlib.nullcontext(None)
            with bar as tick:
                found = _table(path, ws.iter_rows(values_only=True), limit, tick)
            if found is not None:
                found.sheet = ws.title
                return found
        return None
    except TsmsError:
        raise
    except Exception as exc:  # a damaged or hand-made file: the parser's complaint, in one line
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    finally:
        wb.close()


def _read_csv(path: Path, limit: int) -> Table | None:
    """CSV through the csv module on the file itself (newline=""), so a line break inside a
    quoted cell stays in the cell; UTF-8 (with or without BOM), else GBK (GB 18030)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, newline="", encoding=encoding) as fh:
                reader = csv.reader(fh)
                try:
                    return _table(path, reader, limit)
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


def _table(path: Path, rows, limit: int, tick=None) -> Table | None:
    """The header, looked for among the first HEADER_ROWS rows, and the rows after it,
    numbered as a spreadsheet shows them; None when there is no header. More than ``limit``
    rows, or a value past COLUMN_LIMIT columns, is refused as soon as it is read."""
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
            if table is None:
                return None
            rest, head = head, []
            for n, r in rest:
                _add(table, n, r)
            continue
        _add(table, number, row)
    if table is None and head:
        table = _header(head)
        if table is not None:
            for n, r in head:
                _add(table, n, r)
    return table


def _add(table: Table, number: int, row) -> None:
    if number <= table.header_lines[-1] or not filled(row):
        return
    if is_total(row):
        table.totals.append(number)
    else:
        table.rows.append((number, list(row)))


def filled(row) -> bool:
    return any(v not in (None, "") and str(v).strip() for v in row)


def is_total(row) -> bool:
    """A total row (合计/总计/小计, as a short cell of its own): counted apart, never a complaint."""
    for value in row:
        if isinstance(value, str):
            text = key(value).rstrip("行")
            if text and len(text) <= 8 and text.startswith(TOTAL_WORDS):
                return True
    return False


def _text_cell(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _header(head: list[tuple[int, list]]) -> Table | None:
    """The header among the first rows: the first row (with the row under it, when that is
    a second header row) whose labels name the required fields; a row of labels under
    another is read as children of the merged cells above them."""
    for i, (number, row) in enumerate(head[:HEADER_ROWS]):
        if not any(LOOKUP.get(key(v)) or key(v) in _PARENTS for v in row if isinstance(v, str)):
            continue
        below = head[i + 1] if i + 1 < len(head) else None
        if below is not None and _sub_header(row, below[1]):
            columns = _columns(row, below[1])
            if all(any(c.field == r for c in columns) for r in REQUIRED):
                return Table(columns, [number, below[0]], [])
        columns = _columns(row, None)
        if all(any(c.field == r for c in columns) for r in REQUIRED):
            return Table(columns, [number], [])
    return None


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
        if _field(_parent(top, row, i), value) is not None:
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


def _field(parent: str | None, child) -> str | None:
    """The field a parent/child label names: the child in the parent's sense, else the child
    alone (when its field belongs to the parent's group); a parent with no child, alone."""
    child = None if child in (None, "") or not str(child).strip() else str(child)
    if child is None:
        return LOOKUP.get(key(parent)) if parent else None
    if parent is None:
        return LOOKUP.get(key(child))
    children = _PARENTS.get(key(parent))
    if children is None:
        return LOOKUP.get(key(child))
    own = {key(k): v for k, v in children.items()}.get(key(child))
    if own is not None:
        return own
    alone = LOOKUP.get(key(child))
    return alone if alone in set(children.values()) else None


def _columns(top: list, sub: list | None) -> list[Column]:
    width = max(len(top), len(sub or []))
    columns: list[Column] = []
    taken: dict[str, str] = {}
    for i in range(width):
        parent = _parent(top, sub, i)
        child = sub[i] if sub is not None and i < len(sub) and sub[i] not in (None, "") else None
        child_text = _text_cell(child) if child is not None else None
        if child_text is not None and parent is not None and key(child_text) == key(parent):
            child_text = None  # a vertical merge written out again in the row below (序号 over 序号)
        label = "/".join(x for x in (parent, child_text) if x)
        name = _field(parent, child_text)
        why = None
        if not label:
            why = t("空白表头", "no header")
        elif name is None:
            why = t("不认识的列名", "not a known column")
        elif name in taken:
            why = t("与「{o}」重复", "same field as {o!r}", o=taken[name])
            name = None
        else:
            taken[name] = label
        columns.append(Column(i, label, name, why))
    while columns and not columns[-1].label:
        columns.pop()
    return columns


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
        if year is None:
            raise NoYear(text)
        (mo, d, h, mi, s), y = m.groups(), year
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
