"""``tsms import``: bring an existing Excel or CSV ledger (the paper-era 台账) into tsms.

Every row is checked before anything is written; with errors nothing is written, unless
``--skip-invalid`` asks to write the good rows and save the bad ones to a rejects file.
Each row's content hash is stored with it, so importing the same file twice adds nothing
twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from tsms import clock, rules
from tsms.checks import LONG, SHORT
from tsms.errors import TsmsError, shown
from tsms.store import engine, output
from tsms.store.tables import Complaint, Revisit
from tsms.store.unit import Context, writing
from tsms.vocab import Category, Channel, Satisfaction, Status, Urgency, t

# field → the headers it is recognised by (compared without spaces, colons or case)
HEADERS = {
    "received_at": ("投诉时间", "投诉日期", "来电时间", "受理时间", "日期", "时间", "received_at", "received", "date"),
    "complainant": ("投诉人", "姓名", "投诉人姓名", "complainant", "name"),
    "contact": ("联系方式", "联系电话", "电话", "手机", "contact", "phone"),
    "address": ("地址", "住址", "投诉人地址", "address"),
    "org": ("投诉单位", "单位", "complainant_org", "org"),
    "content": ("投诉内容", "投诉内容详细说明", "内容", "投诉事项", "content"),
    "category": ("投诉类型", "类型", "类别", "category"),
    "channel": ("投诉渠道", "渠道", "投诉方式", "channel"),
    "urgency": ("紧急程度", "urgency"),
    "number": ("编号", "原编号", "序号", "number"),
    "department": ("处理部门", "department"),
    "assignee": ("处理人", "经办人", "assignee"),
    "result": ("处理结果", "处理情况", "result"),
    "resolved_at": ("处理完成时间", "完成时间", "处理时间", "resolved_at", "resolved"),
    "revisited_at": ("回访时间", "回访日期", "revisited_at", "revisited"),
    "satisfaction": ("满意度", "回访结果", "satisfaction"),
    "note": ("备注", "note"),
}
REQUIRED = ("received_at", "content")
_NORMAL = re.compile(r"[\s::()()*]")
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2})(?::(\d{1,2}))?分?)?$"),
)


def _key(header) -> str:
    return _NORMAL.sub("", str(header or "")).lower()


LOOKUP = {_key(h): name for name, headers in HEADERS.items() for h in headers}


@dataclass
class Row:
    line: int  # the row number in the file, as a spreadsheet shows it
    raw: list
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column header, value, reason)


ROW_LIMIT = 100_000  # rows of the sheet or the CSV file, title and header rows included
COLUMN_LIMIT = 256  # columns of a row (Excel 2003's width); empty cells past it are dropped
HEADER_ROWS = 15  # the header row is looked for among the first rows


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the data rows (with their row numbers) of an xlsx or csv file,
    read row by row: a sheet or file of more than ROW_LIMIT rows is refused before its rows
    are loaded."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        found = _read_xlsx(path)
    elif suffix == ".csv":
        found = _read_csv(path)
    else:
        raise TsmsError(t("只能导入 .xlsx 或 .csv 文件", "only .xlsx and .csv files can be imported"))
    if found is None:
        raise TsmsError(
            t("{p} 里找不到表头(至少要有「投诉时间」和「投诉内容」两列)",
              "{p} has no header row (it needs at least received_at/投诉时间 and content/投诉内容)", p=path))
    return found


def _too_many_rows(where) -> TsmsError:
    return TsmsError(t("{p} 超过 {m} 行,一次最多导入 {m} 行;请分成几个文件导入",
                       "{p} has more than {m} rows, the most one import takes; split it into several files",
                       p=where, m=f"{ROW_LIMIT:,}"))


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)  # what was typed, formulas as text
    except Exception as exc:
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    try:
        for ws in wb.worksheets:
            declared = ws.max_row  # the sheet's own <dimension>, read without loading a row
            if declared is not None and declared > ROW_LIMIT:
                raise _too_many_rows(f"{path} [{ws.title}]")
            ws.reset_dimensions()  # a dimension may also say too few: every row is read, and counted
            found = _table(path, ws.iter_rows(values_only=True))
            if found is not None:
                return found
        return None
    except TsmsError:
        raise
    except Exception as exc:  # a damaged or hand-made file: the parser's complaint, in one line
        raise TsmsError(t("无法读取 {p}:{e}", "cannot read {p}: {e}", p=path, e=shown(exc, 200))) from None
    finally:
        wb.close()


def _read_csv(path: Path):
    """CSV through the csv module on the file itself (newline=""), so a line break inside a
    quoted cell stays in the cell; UTF-8 (with or without BOM), else GBK (GB 18030)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, newline="", encoding=encoding) as fh:
                reader = csv.reader(fh)
                try:
                    return _table(path, reader)
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


def _table(path: Path, rows) -> tuple[list[str], list[tuple[int, list]]] | None:
    """The header row, looked for among the first HEADER_ROWS rows, and the filled rows after
    it, numbered as a spreadsheet shows them; None when there is no header. More than
    ROW_LIMIT rows, or a value past COLUMN_LIMIT columns, is refused as soon as it is read."""
    header = None
    data = []
    for number, row in enumerate(rows, 1):
        if number > ROW_LIMIT:
            raise _too_many_rows(path)
        if len(row) > COLUMN_LIMIT:
            if _filled(row[COLUMN_LIMIT:]):
                raise TsmsError(t("{p} 第 {n} 行超过 {m} 列;最多读取 {m} 列",
                                  "{p} row {n} has more than {m} columns; at most {m} are read",
                                  p=path, n=number, m=COLUMN_LIMIT))
            row = row[:COLUMN_LIMIT]
        if header is None:
            if number > HEADER_ROWS:
                return None
            names = {LOOKUP.get(_key(v)) for v in row if v is not None}
            if all(r in names for r in REQUIRED):
                header = [str(v).strip() if v is not None else "" for v in row]
        elif _filled(row):
            data.append((number, list(row)))
    return None if header is None else (header, data)


def _filled(row) -> bool:
    return any(v not in (None, "") and str(v).strip() for v in row)


def _parse_time(value) -> tuple[dt.datetime, bool]:
    """A cell's moment and whether it gives a time of day: a date cell (a spreadsheet's date
    cell reads as its midnight) or a text date without a time is that day, time unknown."""
    if isinstance(value, dt.datetime):
        moment = value.replace(microsecond=0, tzinfo=None)
        return moment, moment.time() != dt.time()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), False
    text = clock.fold(str(value))
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            y, mo, d, h, mi, s = m.groups()
            return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0)), h is not None
    raise ValueError(text)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def validate(header: list[str], data: list[tuple[int, list]], now: dt.datetime) -> list[Row]:
    columns = {i: LOOKUP.get(_key(h)) for i, h in enumerate(header)}
    out = []
    for line, raw in data:
        row = Row(line, raw)
        cells = {name: raw[i] if i < len(raw) else None for i, name in columns.items() if name}
        head = {name: header[i] for i, name in columns.items() if name}

        def bad(name, reason):
            row.errors.append((head.get(name, name), cells.get(name), reason))

        for name in ("received_at", "resolved_at", "revisited_at"):
            value = cells.get(name)
            if value in (None, "") or (isinstance(value, str) and not value.strip()):
                if name in REQUIRED:
                    bad(name, t("不能为空", "must not be empty"))
                continue
            try:
                moment, known = _parse_time(value)
            except (ValueError, TypeError):
                bad(name, t("不是日期时间(如 2026-10-08 14:30)", "not a date or time (e.g. 2026-10-08 14:30)"))
                continue
            if moment > now + clock.FUTURE_TOLERANCE:
                bad(name, t("在将来", "in the future"))
                continue
            if not clock.in_years(moment):
                bad(name, t("年份应在 {a}–{b} 之间", "the year must be {a} to {b}", a=clock.FIRST_YEAR, b=clock.LAST_YEAR))
                continue
            row.values[name] = moment
            row.values[f"{name}_known"] = known
        for name, vocab, default in (("category", Category, Category.other), ("channel", Channel, Channel.phone),
                                     ("urgency", Urgency, Urgency.normal), ("satisfaction", Satisfaction, None)):
            text = _text(cells.get(name))
            if text is None:
                row.values[name] = default
                continue
            try:
                row.values[name] = vocab.parse(text)
            except TsmsError:
                bad(name, t("可用:{c}", "accepted: {c}", c=vocab.choices()))
        for name in ("complainant", "contact", "address", "org", "content", "number", "department", "assignee",
                     "result", "note"):
            text = _text(cells.get(name))
            limit = LONG if name in ("content", "result", "note") else SHORT
            if text is not None and len(text) > limit:
                bad(name, t("太长(最多 {m} 字)", "too long (at most {m} characters)", m=limit))
            elif text is not None and any(ord(ch) < 32 and ch not in "\n\t\r" for ch in text):
                bad(name, t("含有控制字符", "contains control characters"))
            else:
                row.values[name] = text
        if "content" not in row.values or not row.values.get("content"):
            if not any(e[0] == head.get("content", "content") for e in row.errors):
                bad("content", t("不能为空", "must not be empty"))
        v = row.values
        if v.get("resolved_at") and v.get("received_at") and v["resolved_at"] < v["received_at"]:
            bad("resolved_at", t("早于投诉时间", "before the complaint was received"))
        if v.get("revisited_at"):
            if not v.get("resolved_at"):
                bad("revisited_at", t("有回访时间却没有处理完成时间", "a revisit without a resolution time"))
            elif v["revisited_at"] < v["resolved_at"]:
                bad("revisited_at", t("早于处理完成时间", "before the complaint was resolved"))
        if v.get("satisfaction") and not v.get("revisited_at"):
            bad("satisfaction", t("有满意度却没有回访时间", "a satisfaction without a revisit time"))
        if v.get("revisited_at") and not v.get("satisfaction"):
            bad("satisfaction", t("有回访时间时须填满意度", "a revisit needs its satisfaction"))
        if not row.errors:
            key = "\x1f".join(str(v.get(k) or "") for k in ("received_at", "complainant", "contact", "address",
                                                             "content", "number"))
            v["import_key"] = hashlib.sha256(key.encode()).hexdigest()
        out.append(row)
    return out


def run(ledger: engine.Ledger, file: str, project: str | None, *, skip_invalid: bool = False,
        rejects: str | None = None, force: bool = False, save_rejects=None, by: str | None = None) -> dict:
    """Import ``file``. With ``--skip-invalid`` the bad rows go to a rejects file (``rejects``,
    else ``<file>-rejects.xlsx``), checked before the file is read, written by
    ``save_rejects(binary file, suffix, rows)`` and put in place before the import commits:
    when it cannot be written nothing is imported."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise TsmsError(t("找不到文件 {p}", "no such file: {p}", p=file))
    out = None
    if skip_invalid or rejects:
        out = output.target(rejects or path.with_name(f"{path.stem}-rejects.xlsx"), ledger=ledger.path, force=force,
                            option="--rejects", suffixes=(".xlsx", ".csv"))
        if _same_file(out.path, path):
            raise TsmsError(t("--rejects 不能是要导入的文件 {p}", "--rejects cannot be the file being imported, {p}", p=file))
    header, data = read_table(path)
    rows = validate(header, data, ledger.now())
    bad = [r for r in rows if r.errors]
    errors = [{"row": r.line, "column": col, "value": None if val is None else shown(val, SHORT), "reason": reason}
              for r in bad for col, val, reason in r.errors]
    result = {"file": str(path), "rows": len(rows), "invalid": len(bad), "errors": errors, "imported": 0,
              "already_imported": 0, "numbers": [], "rejects": None}
    if bad and not skip_invalid:
        return result
    good = [r for r in rows if not r.errors]
    placed = []
    try:
        with writing(ledger, by) as ctx:
            session = ctx.session
            site = ctx.site
            proj = ctx.project(project)
            if bad:  # the rejects first: a rejects file that cannot be written stops the import
                with output.writing(out) as fh:
                    save_rejects(fh, out.path.suffix, {"header": header,
                                                       "rows": [(r.line, r.raw, _reasons(r)) for r in bad]})
                placed.append(out.path)
                result["rejects"] = out.shown
            keys = [r.values["import_key"] for r in good]
            known = set()
            for chunk in range(0, len(keys), 500):
                known |= set(session.exec(select(Complaint.import_key).where(
                    Complaint.import_key.in_(keys[chunk:chunk + 500]))).all())
            seen: set[str] = set()
            for r in good:
                v = r.values
                if v["import_key"] in known or v["import_key"] in seen:
                    result["already_imported"] += 1
                    continue
                seen.add(v["import_key"])
                result["numbers"].append(_insert(ctx, session, site, proj, v, path.name, r.line))
            result["imported"] = len(result["numbers"])
            if result["imported"]:
                ctx.event("import", ctx.now(), details={"file": path.name, "project": proj.code,
                                                          "imported": result["imported"],
                                                          "already_imported": result["already_imported"],
                                                          "invalid": len(bad)})
    except BaseException:
        output.discard(placed)  # the import did not happen: neither does its rejects file
        raise
    return result


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _insert(ctx: Context, session, site: str, proj, v: dict, file_name: str, line: int) -> str:
    received = v["received_at"]
    year = received.year
    seq = ctx.next_seq(Complaint, Complaint.year == year)
    resolved, revisited = v.get("resolved_at"), v.get("revisited_at")
    status = Status.closed if revisited else Status.resolved if resolved else (
        Status.assigned if v.get("assignee") else Status.accepted)
    c = Complaint(
        number=f"{site}-{year}-{seq:05d}", year=year, seq=seq, project_id=proj.id, status=status.value,
        channel=v["channel"].value, category=v["category"].value, urgency=v["urgency"].value,
        complainant=v.get("complainant"), complainant_org=v.get("org"), contact=v.get("contact"),
        address=v.get("address"), content=v["content"], note=v.get("note"), received_at=received,
        clerk=ctx.who, filled_at=ctx.now(), accepted_at=received, accept_person=ctx.who,
        assigned_at=received if v.get("assignee") or resolved else None, assignee=v.get("assignee"),
        department=v.get("department"), result=v.get("result"), resolved_at=resolved,
        revisited_at=revisited, satisfaction=v["satisfaction"].value if v.get("satisfaction") else None,
        closed_at=revisited, import_key=v["import_key"], source_ref=v.get("number"),
        received_time_known=v.get("received_at_known", True),
        night_time=rules.is_night_complaint(v["category"].value, received, v.get("received_at_known", True),
                                            ctx.settings),
    )
    session.add(c)
    session.flush()
    def oblige(kind, starts, met_at):
        row = ctx.oblige(kind, starts, basis=c.urgency, holder=c.assignee if kind == "resolve" and c.assignee else ctx.who,
                         project_id=c.project_id, complaint_id=c.id)
        row.met_at = met_at
        return row

    oblige("accept", received.date(), received)
    oblige("resolve", received.date(), resolved)
    if resolved:
        visit = oblige("revisit", resolved.date(), revisited)
        if revisited:
            session.add(Revisit(complaint_id=c.id, at=revisited, method="phone", satisfaction=c.satisfaction,
                                visitor=ctx.who, person_met=c.complainant, note=t("导入", "imported"), due=visit.due))
    ctx.event("log", received, c.id, details={"number": c.number, "imported_from": file_name, "row": line,
                                              "source_number": v.get("number")})
    return c.number


def _reasons(r: Row) -> str:
    return ";".join(f"{col}「{'' if val is None else shown(val, SHORT)}」{reason}" for col, val, reason in r.errors)
