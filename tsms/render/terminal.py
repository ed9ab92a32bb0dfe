"""Turning answers into output: rich tables on a terminal; plain, tab-separated, uncut lines
with no colour codes for a pipe or cron; one JSON document with --json."""

from __future__ import annotations

import json
import sys

from tsms.fields import COMPLAINT_FIELDS
from tsms.vocab import (
    Category,
    Channel,
    RevisitMethod,
    Role,
    Satisfaction,
    Status,
    StepKind,
    SubjectState,
    Urgency,
    ProjectKind,
    lang,
    t,
)

# field → (中文, English): the complaint's from tsms.fields, and the other records' here
FIELDS = {
    **{f.key: (f.zh, f.en) for f in COMPLAINT_FIELDS},
    "due": ("期限", "due"),
    "days_late": ("逾期天数", "days late"),
    "kind": ("环节", "step"),
    "name": ("姓名", "name"),
    "dept": ("部门", "department"),
    "role": ("职务", "role"),
    "phone": ("电话", "phone"),
    "code": ("代码", "code"),
    "region": ("地区", "region"),
    "client": ("建设单位", "client"),
    "completed_on": ("竣工验收日期", "completion accepted"),
    "design_life": ("合理使用年限", "design life"),
    "at": ("时间", "at"),
    "actor": ("操作人", "by"),
    "action": ("操作", "action"),
    "details": ("内容", "details"),
}

ENUMS = {
    "status": Status, "channel": Channel, "category": Category, "urgency": Urgency,
    "satisfaction": Satisfaction, "kind": StepKind, "role": Role, "method": RevisitMethod,
    "project_kind": ProjectKind,
}


def label(field: str) -> str:
    zh, en = FIELDS.get(field, (field, field.replace("_", " ")))
    return zh if lang() == "zh" else en


def value_text(field: str, value) -> str:
    """A value as a person reads it: enum labels, 是/否, times without seconds and offset."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return t("是", "yes") if value else t("否", "no")
    enum = ENUMS.get(field)
    if enum is not None:
        for vocab in (enum, SubjectState) if field == "status" else (enum,):
            try:
                return vocab(value).label
            except ValueError:
                continue
        return str(value)
    if isinstance(value, str) and len(value) == 25 and value[10] == "T" and value.endswith("+08:00"):
        return value[:16].replace("T", " ")
    return str(value)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _json_default(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        from tsms.clock import iso

        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def line(text: str) -> None:
    sys.stdout.write(text + "\n")


def table(title: str | None, columns: list[str], rows: list[list[str]], footer: str | None = None) -> None:
    """A table on a terminal; tab-separated lines with a header elsewhere (never cut)."""
    if not is_terminal():
        line("\t".join(columns))
        for row in rows:
            line("\t".join(_one_line(cell) for cell in row))
        if footer:
            line(footer)
        return
    from rich.table import Table

    tbl = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        tbl.add_column(col, overflow="fold")
    for row in rows:
        tbl.add_row(*[_escape(c) for c in row])
    con = console()
    con.print(tbl)
    if footer:
        con.print(_escape(footer))


def pairs(title: str | None, items: list[tuple[str, str]]) -> None:
    """Label: value lines (a two-column table on a terminal)."""
    if not is_terminal():
        if title:
            line(title)
        for key, value in items:
            line(f"{key}\t{_one_line(value)}")
        return
    from rich.table import Table

    tbl = Table(title=title, show_header=False, box=None, padding=(0, 2))
    tbl.add_column(style="bold", no_wrap=True)
    tbl.add_column(overflow="fold")
    for key, value in items:
        tbl.add_row(_escape(key), _escape(value))
    console().print(tbl)


def _one_line(value) -> str:
    return str(value).replace("\r", " ").replace("\n", " ⏎ ").replace("\t", " ")


def _escape(value) -> str:
    from rich.markup import escape

    return escape(str(value))
