"""Checking the rows of an old ledger for ``tsms import``: every row as ``log``, ``resolve``
and ``revisit`` would check it, and for the state it shows — dates as site ledgers write
them, the command line's words (and its refusals), phones as Excel writes them, a formula
without its value. No database here: :mod:`tsms.operations.intake` writes the good rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from tsms import clock
from tsms.checks import LONG, SHORT
from tsms.errors import TsmsError
from tsms.operations.intake_table import NoYear, Table, Uncached, field_label, parse_time, text_of
from tsms.vocab import Category, Channel, RevisitMethod, Satisfaction, Urgency, t

TIMES = ("received_at", "resolved_at", "revisited_at")
TEXTS = ("complainant", "contact", "address", "org", "content", "number", "serial", "accept_dept", "accept_person",
         "accept_opinion", "department", "assignee", "handling_opinion", "result", "dept_head", "visitor",
         "person_met", "revisit_note", "note")
LONG_TEXTS = ("content", "result", "note", "accept_opinion", "handling_opinion", "revisit_note")
VOCABS = (("category", Category, Category.other), ("channel", Channel, Channel.phone),
          ("urgency", Urgency, Urgency.normal), ("satisfaction", Satisfaction, None),
          ("revisit_method", RevisitMethod, None))
REVISIT_FIELDS = ("revisited_at", "satisfaction", "revisit_method", "visitor", "person_met", "revisit_note")


@dataclass
class Row:
    line: int  # the row number in the file, as a spreadsheet shows it
    raw: list
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)  # (column header, value, reason)
    failed: set = field(default_factory=set)  # the fields with an error
    changes: dict = field(default_factory=dict)  # what re-importing it changes in its complaint
    sheet: str | None = None  # the workbook's sheet it is on

def validate(table: Table, now: dt.datetime, *, year: int | None = None, staff: set[str] | None = None,
             tick=None) -> list[Row]:
    """Every row checked as ``log``, ``resolve`` and ``revisit`` would check it, and for the
    state it shows: what that state needs (a result has its time, a revisit its
    satisfaction, and both follow a resolution), in order; a complaint still open is held by
    someone on the staff list."""
    columns = {c.index: c.field for c in table.columns if c.field}
    head = {c.field: c.label for c in table.columns if c.field}
    keys: dict[str, int] = {}
    out = []
    for line, raw in table.rows:
        row = Row(line, raw, sheet=table.sheet)
        cells = {name: raw[i] if i < len(raw) else None for i, name in columns.items()}

        def bad(name, reason, value=None):
            row.failed.add(name)
            row.errors.append((head.get(name, field_label(name)), cells.get(name) if value is None else value, reason))

        for name, value in cells.items():
            if isinstance(value, Uncached):
                bad(name, t("是公式,文件里没有它的计算结果(多见于程序生成的文件);请在 Excel/WPS 中打开并保存后再导入,"
                            "或填入数值", "a formula whose result the file does not hold (a file a program wrote): "
                            "open and save it in Excel/WPS, or type the value"))
                cells[name] = None

        _times(row, cells, now, year, bad)
        _vocabs(row, cells, bad)
        _texts(row, cells, bad)
        _state(row, staff, bad)
        _same_day(row, bad)
        v = row.values
        row_key = v.get("number") or v.get("serial")
        if row_key is None and v.get("received_at"):
            row_key = f"{v['received_at']:%Y-%m-%d %H:%M}|{v.get('complainant') or ''}"
        if row_key is not None:
            if row_key in keys and (v.get("number") or v.get("serial")):
                name = "number" if v.get("number") else "serial"
                bad(name, t("与第 {n} 行重复;每行的编号(或序号)应不同", "the same as row {n}; each row's number must differ",
                            n=keys[row_key]))
            elif row_key in keys:  # the same time and complainant twice: the second, third … of them
                repeat = 2
                while f"{row_key}#{repeat}" in keys:
                    repeat += 1
                row_key = f"{row_key}#{repeat}"
            keys.setdefault(row_key, line)
        if not row.errors:
            v["row_key"] = row_key
            hashed = "\x1f".join(str(v.get(k) or "") for k in ("received_at", "complainant", "contact", "address",
                                                                "content")) + "\x1f" + str(row_key if (
                v.get("number") or v.get("serial")) else "")
            v["import_key"] = hashlib.sha256(hashed.encode()).hexdigest()
        out.append(row)
        if tick:
            tick()
    return out


def _blank(value) -> bool:
    return value in (None, "") or (isinstance(value, str) and not value.strip())


def _times(row: Row, cells: dict, now: dt.datetime, year: int | None, bad) -> None:
    for name in TIMES:
        value = cells.get(name)
        if _blank(value):
            if name == "received_at":
                bad(name, t("不能为空", "must not be empty"))
            continue
        try:
            moment, known = parse_time(value, year)
        except NoYear as exc:
            bad(name, t("没有年份;加 --year YYYY 指定这些日期的年份,或写成 YYYY-{d}(如 {y}-{d})",
                        "has no year: give --year YYYY for such dates, or write it as YYYY-{d} (e.g. {y}-{d})",
                        d=exc.args[0], y=now.year))
            continue
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


_PARSED: dict = {}  # (vocabulary, word) → member, or the refusal: a ledger repeats its words


def _vocabs(row: Row, cells: dict, bad) -> None:
    for name, vocab, default in VOCABS:
        text = text_of(cells.get(name))
        if text is None:
            row.values[name] = default
            continue
        if (vocab, text) not in _PARSED:
            try:
                _PARSED[vocab, text] = vocab.parse(text)
            except TsmsError as exc:  # the refusal `log` gives: 「不认识的投诉类型「扰民」;是不是 …」
                _PARSED[vocab, text] = (str(exc),)
        if isinstance(_PARSED[vocab, text], tuple):
            bad(name, _PARSED[vocab, text][0])
        else:
            row.values[name] = _PARSED[vocab, text]


_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")


def _phone(text: str | None, bad) -> str | None:
    """A phone number as Excel writes a long number to CSV (1.3812340001E+10): its digits
    when it is a whole number of 7 to 15 digits of which at least 7 are written; else refused
    (1.38E+10) — digits lost cannot be guessed."""
    if text is None or not _SCIENTIFIC.match(text):
        return text
    from decimal import Decimal

    number, kept = Decimal(text), len(text.lower().split("e")[0].replace(".", ""))
    if number == number.to_integral_value() and 7 <= len(str(int(number))) <= 15 and kept >= 7:
        return str(int(number))
    bad("contact", t("是科学计数法,位数已丢失;请把这一列设为「文本」后重新输入号码",
                     "is in scientific notation and its digits are lost: format the column as text and type "
                     "the number again"))
    return None


def _texts(row: Row, cells: dict, bad) -> None:
    for name in TEXTS:
        text = text_of(cells.get(name))
        if name == "contact":
            text = _phone(text, bad)
            if "contact" in row.failed:
                continue
        limit = LONG if name in LONG_TEXTS else SHORT
        if text is not None and len(text) > limit:
            bad(name, t("太长(最多 {m} 字)", "too long (at most {m} characters)", m=limit))
        elif text is not None and any(ord(ch) < 32 and ch not in "\n\t\r" for ch in text):
            bad(name, t("含有控制字符", "contains control characters"))
        else:
            row.values[name] = text
    if not row.values.get("content") and "content" not in row.failed:
        bad("content", t("不能为空", "must not be empty"))


def _before(later: dt.datetime, later_known, earlier: dt.datetime, earlier_known) -> bool:
    """A step before the one it follows: a bare date (time not known) is the day alone, on or
    after the earlier step's day — 处理时间 2025.3.5 follows 投诉时间 2025.3.5 23:10."""
    if later_known is False or earlier_known is False:
        return later.date() < earlier.date()
    return later < earlier


def _same_day(row: Row, bad) -> None:
    """A bare date on the previous step's day is that step's moment (as ``--at`` reads one):
    处理时间 2025.3.5 after 投诉时间 2025.3.5 23:10 is 23:10, never midnight before it."""
    v = row.values
    if row.errors:
        return
    previous = v.get("received_at")
    for name in ("resolved_at", "revisited_at"):
        moment = v.get(name)
        if moment is None or previous is None:
            continue
        if moment < previous:
            if v.get(f"{name}_known") is False and moment.date() == previous.date():
                v[name] = moment = previous
            else:
                bad(name, t("早于上一环节的时间 {p}", "before the previous step, {p}", p=f"{previous:%Y-%m-%d %H:%M}"))
                return
        previous = moment


def _state(row: Row, staff: set[str] | None, bad) -> None:
    """What the row's state needs. Handled: a result and its time, together. Revisited: a
    handled complaint, the revisit's time and the satisfaction, together."""
    v = row.values
    received, resolved, revisited = v.get("received_at"), v.get("resolved_at"), v.get("revisited_at")
    # a value refused already (a date it could not read) counts as given: one error, not a cascade
    handled = (resolved or "resolved_at" in row.failed) and (v.get("result") or "result" in row.failed)
    if v.get("result") and not resolved and "resolved_at" not in row.failed:
        bad("resolved_at", t("有处理结果却没有处理完成时间;两者都填(已处理),或都不填(未处理)",
                             "a result without the time it was handled: give both (handled) or neither"), value="")
    if resolved and not v.get("result"):
        bad("result", t("有处理完成时间却没有处理结果;两者都填(已处理),或都不填(未处理)",
                        "a handling time without its result: give both (handled) or neither"), value="")
    revisit_given = [name for name in REVISIT_FIELDS if v.get(name) or name in row.failed]
    if revisit_given and not handled:
        bad(revisit_given[0], t("有回访记录却没有处理结果和处理完成时间;回访在处理完毕之后",
                                "a revisit without a result and its time: a revisit follows the handling"))
    elif revisit_given:
        if revisited and not v.get("satisfaction") and "satisfaction" not in row.failed:
            bad("satisfaction", t("有回访时间时须填满意度", "a revisit needs its satisfaction"), value="")
        if not revisited and "revisited_at" not in row.failed:
            bad("revisited_at", t("有回访记录却没有回访时间", "a revisit without its time"), value="")
    if resolved and received and _before(resolved, v.get("resolved_at_known"), received, v.get("received_at_known")):
        bad("resolved_at", t("早于投诉时间", "before the complaint was received"))
    if revisited and resolved and _before(revisited, v.get("revisited_at_known"), resolved, v.get("resolved_at_known")):
        bad("revisited_at", t("早于处理完成时间", "before the complaint was resolved"))
    holder = v.get("assignee")
    if holder and staff is not None and holder not in staff and not v.get("result"):
        bad("assignee", t("不在人员名单上:未办结的投诉由在册人员处理(先 tsms staff add {n} --dept 部门)",
                          "not on the staff list: a complaint still open is held by someone on it "
                          "(tsms staff add {n} --dept DEPT first)", n=holder))
