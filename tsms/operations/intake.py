"""``tsms import``: bring an existing Excel or CSV ledger (the paper-era 台账) into tsms.

The tables are read and their columns mapped (:mod:`tsms.operations.intake_table`) and every
row is checked (:mod:`tsms.operations.intake_rows`) before anything is written; with errors nothing is written, unless
``--skip-invalid`` asks to write the good rows and save the bad ones to a rejects file. A
row becomes a complaint in the state it shows — handled (处理结果 and its time): resolved;
revisited (回访时间 and 满意度): closed, or reopened when unsatisfied — with the obligations
``log``, ``resolve`` and ``revisit`` would have left, met when the row says so: never a false
open step. Each complaint remembers its source (the file's name) and its row's key (编号,
else 序号, else time and complainant). A row is the complaint of the same complainant, time
and content, else the one of its source and key while one of these still agrees: importing
the corrected (or renumbered) file again updates it as a correction event naming the file,
unless ``--no-update``; an unchanged row does nothing; a complaint from another file is
reported, not updated, unless ``--update-others``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from sqlmodel import select

from tsms import clock, rules
from tsms.checks import SHORT
from tsms.errors import TsmsError, shown
from tsms.operations.complaints import _holder, step_basis
from tsms.operations.intake_rows import Row, validate
from tsms.operations.intake_table import (  # noqa: F401 (ROW_LIMIT etc.: patched by tests)
    COLUMN_LIMIT,
    HEADER_ROWS,
    REJECTS_MARK,
    ROW_LIMIT,
    Book,
    Uncached,
    read_table as _read_table,
    text_of,
)
from tsms.store import engine, output
from tsms.store.tables import Complaint, Obligation, Project, Revisit, Staff
from tsms.store.unit import Context, reading, writing
from tsms.vocab import REFERRED_CHANNELS, Channel, RevisitMethod, Satisfaction, Status, t

UNRECORDED = "旧台账未记录"  # a fact the old ledger never recorded (who made a revisit)
# the complaint's columns an import sets from a row (and a re-import may correct)
IMPORTED = ("channel", "category", "urgency", "complainant", "complainant_org", "contact", "address", "content",
            "note", "received_at", "received_time_known", "night_time", "status", "accept_dept", "accept_person",
            "accept_opinion", "accepted_at", "department", "assignee", "handling_opinion", "assigned_at", "result",
            "resolved_at", "dept_head", "revisited_at", "satisfaction", "closed_at", "reopened", "previous_result",
            "previous_resolved_at", "source_ref")
# a change to these re-derives the complaint's obligations and its revisit
STATEFUL = ("channel", "urgency", "received_at", "status", "accept_person", "assignee", "resolved_at", "revisited_at",
            "satisfaction")


def read_table(path: Path, progress=None, sheet: str | None = None) -> Book:
    """The file's tables, at most ROW_LIMIT rows each (read here, so that a test may lower it)."""
    return _read_table(path, ROW_LIMIT, progress, sheet)


# --------------------------------------------------------------------------- importing


def run(ledger: engine.Ledger, file: str, project: str | None, *, skip_invalid: bool = False,
        rejects: str | None = None, force: bool = False, save_rejects=None, by: str | None = None,
        year: int | None = None, dry_run: bool = False, update: bool = True, adopt: bool = False, on_table=None,
        progress=None, sheet: str | None = None) -> dict:
    """Import ``file``. ``on_table(table)`` is told the columns found and mapped before
    anything is written. With ``--skip-invalid`` the bad rows go to a rejects file
    (``rejects``, else ``<file>-rejects.xlsx``), checked before the file is read, written by
    ``save_rejects(binary file, suffix, rows)`` and put in place before the import commits:
    when it cannot be written nothing is imported. ``dry_run``: everything checked and
    counted, nothing written (no rejects file either). ``progress(label, total)``: a context
    manager giving a function to call per row (a bar on a terminal), or None."""
    path = Path(file).expanduser()
    if path.is_dir():
        raise TsmsError(t("{p} 是文件夹,不是文件;请给出要导入的 .xlsx 或 .csv 文件",
                          "{p} is a folder, not a file: name the .xlsx or .csv file to import", p=file))
    if not path.is_file():
        raise TsmsError(t("找不到文件 {p}", "no such file: {p}", p=file))
    with reading(ledger) as ctx:  # the project first: a wrong one is refused before the file is read
        project_id = ctx.project(project).id
        staff = set(ctx.session.exec(select(Staff.name)).all())
    out = None
    if (skip_invalid or rejects) and not dry_run:
        out = output.target(rejects or path.with_name(f"{path.stem}-rejects.xlsx"), ledger=ledger.path, force=force,
                            option="--rejects", suffixes=(".xlsx", ".csv"))
        if _same_file(out.path, path):
            raise TsmsError(t("--rejects 不能是要导入的文件 {p}", "--rejects cannot be the file being imported, {p}", p=file))
    book = read_table(path, progress, sheet)
    if on_table is not None:
        on_table(book)
    several = len(book.tables) > 1
    bar = progress or (lambda label, total: contextlib.nullcontext(None))
    rows: list[Row] = []
    with bar(t("检查", "checking"), sum(len(table.rows) for table in book.tables)) as tick:
        for table in book.tables:
            rows += validate(table, ledger.now(), year=year, staff=staff, tick=tick)
    if not several:
        for r in rows:
            r.sheet = None  # one table: its rows are named by number alone
    bad = [r for r in rows if r.errors]
    errors = [{"row": r.line, **_sheet(r), "column": col,
               "value": None if val is None else shown(text_of(val) or "", SHORT),
               "reason": reason} for r in bad for col, val, reason in r.errors]
    source = book.origin or path.name  # a rejects file's rows are its own file's rows
    first = book.tables[0]
    totals = [n for table in book.tables for n in table.totals]
    result = {"file": str(path), "sheet": first.sheet, "header_rows": first.header_lines, "mapping": first.mapping(),
              "defaults": first.defaults(), "source": source,
              "sheets": [{"sheet": table.sheet, "header_rows": table.header_lines, "rows": len(table.rows),
                          "totals": len(table.totals), "total_rows": table.totals, "mapping": table.mapping(),
                          "defaults": table.defaults()} for table in book.tables],
              "skipped_sheets": [{"sheet": name, "why": why} for name, why in book.skipped],
              "rows": len(rows), "totals": len(totals), "total_rows": totals, "invalid": len(bad),
              "errors": errors, "imported": 0, "updated": 0, "unchanged": 0, "already_imported": 0, "kept": [],
              "known": [], "changes": [],
              "not_updated": 0, "numbers": [], "updated_numbers": [], "rejects": None, "dry_run": dry_run}
    good = [r for r in rows if not r.errors]
    if dry_run or (bad and not skip_invalid) or not rows:
        if dry_run:
            with reading(ledger) as ctx:
                _count(result, _sort(ctx, good, source, update, project_id, adopt))
        return result
    if bad and out.path.suffix.lower() == ".csv" and len({r.sheet for r in bad}) > 1:
        raise TsmsError(t("几个工作表都有未导入的行,表头各不相同,放不进一个 CSV;请用 --rejects 某文件.xlsx",
                          "rows of several sheets, each with its own header, do not fit one CSV file: give "
                          "--rejects FILE.xlsx"))
    placed = []
    try:
        with writing(ledger, by) as ctx:
            proj = ctx.project(project)
            if bad:  # the rejects first: a rejects file that cannot be written stops the import
                with output.writing(out) as fh:
                    save_rejects(fh, out.path.suffix, {"title": REJECTS_MARK + source, "sheets": [
                        {"sheet": table.sheet, "header": table.labels,
                         "rows": [(r.line, [str(x) if isinstance(x, Uncached) else x for x in r.raw], _reasons(r)) for r in bad if r.sheet in (None, table.sheet)]}
                        for table in book.tables if any(r.sheet in (None, table.sheet) for r in bad)]})
                placed.append(out.path)
                result["rejects"] = out.shown
            sorted_rows = _sort(ctx, good, source, update, proj.id, adopt)
            _count(result, sorted_rows)
            new = [r for kind, r, c in sorted_rows if kind == "new"]
            updates = [(r, c) for kind, r, c in sorted_rows if kind == "update"]
            with bar(t("写入", "writing"), len(new) + len(updates)) as tick:
                result["numbers"] = _insert_all(ctx, proj, new, source, tick)
                for r, c in updates:
                    result["updated_numbers"].append(_update(ctx, c, r, source))
                    if tick:
                        tick()
            if result["imported"] or result["updated"]:
                ctx.event("import", ctx.now(), details={"file": source, "project": proj.code,
                                                          "imported": result["imported"], "updated": result["updated"],
                                                          "already_imported": result["unchanged"],
                                                          "invalid": len(bad), "totals": len(totals)})
    except BaseException:
        output.discard(placed)  # the import did not happen: neither does its rejects file
        raise
    return result


def _count(result: dict, sorted_rows: list) -> None:
    for kind, r, c in sorted_rows:
        if kind == "new":
            result["imported"] += 1
        elif kind == "update":
            result["updated"] += 1
        elif kind == "unchanged":
            result["unchanged"] += 1
        elif kind == "not_updated":
            result["not_updated"] += 1
        elif kind == "kept":
            result["kept"].append({"row": r.line, **_sheet(r), "number": c.number})
        elif kind == "known":
            result["known"].append({"row": r.line, **_sheet(r), "number": c.number,
                                    "source": c.import_source or t("tsms 登记", "logged in tsms")})
        if kind == "update":
            result["changes"].append({"row": r.line, **_sheet(r), "number": c.number, "changes": {
                k: {"from": _plain(ch["from"]), "to": _plain(ch["to"])} for k, ch in r.changes.items()}})
    result["already_imported"] = result["unchanged"] + len(result["known"])
    if result["dry_run"]:  # what would be
        result["would"] = {k: result[k] for k in ("imported", "updated", "unchanged", "not_updated")}


def _identity(v) -> tuple:
    """Who complained, when and about what: what a complaint is, whatever its row's number."""
    received = v.get("received_at")
    return (v.get("content") or "", v.get("complainant") or "", received.replace(tzinfo=None) if received else None)


def _agrees(c: Complaint, v: dict) -> bool:
    """A complaint found by its row's key is that row's only when the row still names its
    complainant, its time or its content: a renumbered file puts another person's complaint
    under the same 序号, and a correction never changes who, when and what all at once."""
    content, complainant, received = _identity(v)
    return ((c.content or "") == content or (c.complainant or "") == complainant
            or (c.received_at and c.received_at.replace(tzinfo=None) == received))


def _sort(ctx: Context, good: list[Row], source: str, update: bool, project_id: int,
          adopt: bool = False) -> list[tuple[str, Row, Complaint | None]]:
    """Each good row with what importing it does: ``new``; ``update`` (the complaint of the
    project from the same source — a file of that name — that the row is: the same
    complainant, time and content, or the same row key with at least one of these
    unchanged — whose fields the row corrects); ``unchanged`` (that complaint holds the row
    already); ``known`` (a complaint of the same complainant, time and content came from
    another file or was logged in tsms: not updated — unless ``adopt`` (--update-others) and
    it came from another file: then it is this file's row's); ``not_updated`` (--no-update);
    ``kept`` (the complaint was handled in tsms since: the ledger's record wins)."""
    session = ctx.session
    by_row: dict[str, Complaint] = {}
    row_keys = [r.values["row_key"] for r in good]
    for chunk in range(0, len(row_keys), 500):
        for c in session.exec(select(Complaint).where(Complaint.import_source == source,
                                                      Complaint.project_id == project_id,
                                                      Complaint.import_row.in_(row_keys[chunk:chunk + 500]))):
            by_row.setdefault(c.import_row, c)
    # who, when and what of the project's complaints of these contents: columns, not objects
    by_identity: dict[tuple, list[int]] = {}
    contents = {r.values["content"] for r in good}
    columns = select(Complaint.id, Complaint.content, Complaint.complainant, Complaint.received_at).where(
        Complaint.project_id == project_id).order_by(Complaint.id)
    # content has no index: a long file reads the project's complaints once, a short one asks for its own
    queries = [columns] if len(contents) > 500 else [columns.where(Complaint.content.in_(sorted(contents)))]
    for query in queries:
        for cid, content, complainant, received in session.exec(query):
            if content in contents:
                by_identity.setdefault(_identity({"content": content, "complainant": complainant,
                                                  "received_at": received}), []).append(cid)
    hashes = [r.values["import_key"] for r in good]
    known: set[str] = set()
    for chunk in range(0, len(hashes), 500):
        known |= set(session.exec(select(Complaint.import_key).where(
            Complaint.import_key.in_(hashes[chunk:chunk + 500]))).all())
    # first the rows that are a complaint of the ledger by who, when and what; then by row key
    claimed: set[int] = set()
    match: dict[int, int] = {}
    for i, r in enumerate(good):
        for cid in by_identity.get(_identity(r.values), ()):
            if cid not in claimed:
                claimed.add(cid)
                match[i] = cid
                break
    for i, r in enumerate(good):
        c = by_row.get(r.values["row_key"])
        if i not in match and c is not None and c.id not in claimed and _agrees(c, r.values):
            claimed.add(c.id)
            match[i] = c.id
    objects = {c.id: c for c in by_row.values()}
    missing = sorted(set(match.values()) - set(objects))
    for chunk in range(0, len(missing), 500):
        objects.update({c.id: c for c in session.exec(select(Complaint).where(
            Complaint.id.in_(missing[chunk:chunk + 500])))})
    match = {i: objects[cid] for i, cid in match.items()}
    touched = _handled_in_tsms(ctx, [c.id for c in match.values()])
    out, seen = [], set()
    for i, r in enumerate(good):
        v = r.values
        c = match.get(i)
        if c is not None and c.import_source != source and not (adopt and c.import_source):
            out.append(("known", r, c))
        elif c is not None:
            changes = _differences(c, _columns(ctx, v, c.project_id))
            if not changes and c.import_row == v["row_key"] and c.import_source == source:
                out.append(("unchanged", r, c))
            elif c.id in touched:
                out.append(("kept", r, c))
            elif not update:
                out.append(("not_updated", r, c))
            else:
                r.changes = changes
                out.append(("update", r, c))
        elif v["import_key"] in known or v["import_key"] in seen:
            out.append(("unchanged", r, None))
        else:
            seen.add(v["import_key"])
            out.append(("new", r, None))
    return out


def _handled_in_tsms(ctx: Context, ids: list[int]) -> set[int]:
    """The complaints with an event besides their import and its corrections by re-import:
    acted on in tsms since, so a re-import leaves them as the ledger has them."""
    out: set[int] = set()
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        marks = ",".join("?" * len(part))
        out |= {row[0] for row in ctx.run(
            f"SELECT DISTINCT complaint_id FROM event WHERE complaint_id IN ({marks}) AND action != 'log' "
            "AND NOT (action = 'edit' AND json_extract(details, '$.reimport') IS NOT NULL)", tuple(part)).fetchall()}
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _columns(ctx: Context, v: dict, project_id: int) -> dict:
    """The complaint's columns as the row gives them, in the state it shows."""
    received, resolved, revisited = v["received_at"], v.get("resolved_at"), v.get("revisited_at")
    known = v.get("received_at_known", True)
    answer = v.get("satisfaction") if revisited else None
    reopened = answer is Satisfaction.unsatisfied
    if revisited:
        status = Status.assigned if reopened else Status.closed
    elif resolved:
        status = Status.resolved
    else:
        status = Status.assigned if v.get("assignee") else Status.accepted
    handled = bool(v.get("assignee") or resolved)
    return {
        "channel": v["channel"].value, "category": v["category"].value, "urgency": v["urgency"].value,
        "complainant": v.get("complainant"), "complainant_org": v.get("org"), "contact": v.get("contact"),
        "address": v.get("address"), "content": v["content"], "note": v.get("note"), "received_at": received,
        "received_time_known": known,
        "night_time": rules.is_night_complaint(v["category"].value, received, known, ctx.settings),
        "status": status.value, "accept_dept": v.get("accept_dept"), "accept_person": v.get("accept_person"),
        "accept_opinion": v.get("accept_opinion"), "accepted_at": received, "department": v.get("department"),
        "assignee": v.get("assignee"), "handling_opinion": v.get("handling_opinion"),
        "assigned_at": received if handled else None, "result": v.get("result"), "resolved_at": resolved,
        "dept_head": v.get("dept_head"), "revisited_at": revisited, "satisfaction": answer.value if answer else None,
        "closed_at": revisited if revisited and not reopened else None, "reopened": 1 if reopened else 0,
        "previous_result": v.get("result") if reopened else None, "previous_resolved_at": resolved if reopened else None,
        "source_ref": v.get("number") or v.get("serial"),
    }


def _differences(c: Complaint, columns: dict) -> dict:
    out = {}
    for name, value in columns.items():
        if name == "accept_person" and value is None:  # not in the file: whoever imported it
            continue
        old = getattr(c, name)
        if isinstance(old, bool) or isinstance(value, bool):
            old, value = bool(old), bool(value)
        if old != value:
            out[name] = {"from": old, "to": value}
    return out


def _insert_all(ctx: Context, proj: Project, rows: list[Row], source: str, tick) -> list[str]:
    """The new complaints, in bulk: numbers allocated in the write transaction (as ``log``
    does, max + 1 per year), the rows inserted a statement for many, then their obligations
    and revisits, then one ``log`` event each naming the file and row."""
    from sqlalchemy import func, insert

    session, who, now = ctx.session, ctx.who, ctx.now()
    last_id = session.exec(select(func.max(Complaint.id))).one() or 0
    seqs: dict[int, int] = {}
    records = []
    for r in rows:
        v = r.values
        year = v["received_at"].year
        if year not in seqs:
            seqs[year] = ctx.next_seq(Complaint, Complaint.year == year) - 1
        seqs[year] += 1
        columns = _columns(ctx, v, proj.id)
        records.append({"number": f"{ctx.site}-{year}-{seqs[year]:05d}", "year": year, "seq": seqs[year],
                        "project_id": proj.id, "clerk": who, "filled_at": now, "serious": False,
                        "occurred_time_known": True, "import_key": v["import_key"], "import_source": source,
                        "import_row": v["row_key"], **columns})
        if tick:
            tick()
    connection = session.connection()  # Core, not the ORM's bulk path: a third of the time
    for chunk in range(0, len(records), 2000):
        connection.execute(insert(Complaint.__table__), records[chunk:chunk + 2000])
    ids = dict(session.exec(select(Complaint.number, Complaint.id).where(Complaint.id > last_id)).all())
    owed, visits = [], []
    for record, r in zip(records, rows):
        cid = ids[record["number"]]
        more, visit = _derived(ctx, record, cid, r.values)
        owed += more
        if visit:
            visits.append(visit)
    for chunk in range(0, len(owed), 5000):
        connection.execute(insert(Obligation.__table__), owed[chunk:chunk + 5000])
    if visits:
        connection.execute(insert(Revisit.__table__), visits)
    ctx.events("log", [(record["received_at"], ids[record["number"]], {
        "number": record["number"], "imported_from": source, "row": r.line, **_sheet(r),
        "source_number": r.values.get("number") or r.values.get("serial"), **_untimed(record, r.values)})
        for record, r in zip(records, rows)])
    return [record["number"] for record in records]


def _untimed(record: dict, v: dict) -> dict:
    """The moments the old ledger gave as a date alone (「2025.3.5」), marked on the complaint's
    ``log`` event as field → moment (queries.complaints.untimed_of): shown as the day, never
    00:00, as a step dated alone with ``--at`` is."""
    fields = {"received_at": ("accepted_at", "assigned_at"), "resolved_at": ("resolved_at",),
              "revisited_at": ("revisited_at", "closed_at")}
    marks = {}
    for name, set_fields in fields.items():
        if v.get(f"{name}_known") is False:
            for field in set_fields:
                if record.get(field) is not None:
                    marks[field] = record[field].isoformat()
    return {"untimed": marks} if marks else {}


def _steps(c: dict) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    """The complaint steps ``log``, ``assign``, ``resolve`` and ``revisit`` would have started:
    (kind, from when, done when) — done when the row says the step was done, never a false
    open step."""
    received, resolved, revisited = c["received_at"], c["resolved_at"], c["revisited_at"]
    referred = Channel(c["channel"]) in REFERRED_CHANNELS
    steps = [("accept", received, c["accepted_at"]), ("resolve", received, resolved)]
    if referred:  # the referring department's answer: open while the complaint is; an old ledger
        # records no reply apart from the handling, so a handled row's is met when it was handled
        steps.append(("reply", received, resolved))
    if resolved:
        steps.append(("revisit", resolved, revisited))
        if c["reopened"]:  # an unsatisfied revisit: handled again, from the revisit (SPEC §2)
            steps.append(("resolve", revisited, None))
            if referred:
                steps.append(("reply", revisited, None))
    return steps


def _derived(ctx: Context, c: dict, cid: int, v: dict) -> tuple[list[dict], dict | None]:
    """The obligation rows of the complaint's steps (the rules of tsms.rules, the basis and
    holder of tsms.operations.complaints) and the revisit the row records."""
    holder_of = SimpleNamespace(assignee=c["assignee"], accept_person=c["accept_person"], clerk=c["clerk"])
    cal, settings = ctx.calendar, ctx.settings
    rows, visit_due = [], None
    for kind, starts, met in _steps(c):
        basis = step_basis(kind, c["urgency"], starts)
        d = rules.obligation_deadline(kind, starts.date(), basis, cal, settings)
        rows.append({"kind": kind, "complaint_id": cid, "claim_id": None, "rectification_id": None,
                     "plan_item_id": None, "plan_year": None, "project_id": c["project_id"], "starts": starts.date(),
                     "due": d.due, "basis": basis, "provisional": d.provisional, "due_at": d.at,
                     "holder": _holder(kind, holder_of), "met_at": met})
        if kind == "revisit":
            visit_due = d.due
    visit = None
    if c["revisited_at"]:
        # what the old ledger does not say is not made up: 「旧台账未记录」, or left empty
        visit = {"complaint_id": cid, "at": c["revisited_at"],
                 "method": (v.get("revisit_method") or RevisitMethod.unrecorded).value,
                 "satisfaction": c["satisfaction"], "visitor": v.get("visitor") or UNRECORDED,
                 "person_met": v.get("person_met"), "note": v.get("revisit_note"), "due": visit_due}
    return rows, visit


def _update(ctx: Context, c: Complaint, r: Row, source: str) -> str:
    """A complaint corrected by its source row: the changed fields (before and after) in an
    ``edit`` event whose reason names the file and row; when its state or its dates changed,
    its obligations and its revisit are derived again from the row."""
    from sqlalchemy import delete, insert

    v = r.values
    session = ctx.session
    _source_before = c.import_source
    changes = _differences(c, _columns(ctx, v, c.project_id))
    for name, change in changes.items():
        setattr(c, name, change["to"])
    adopted = c.import_source != source
    c.import_row, c.import_source = v["row_key"], source  # a renumbered row (or --update-others): it follows
    taken = session.exec(select(Complaint.id).where(Complaint.import_key == v["import_key"],
                                                    Complaint.id != c.id)).first()
    if taken is None:  # the same content under another complaint (another file's row) keeps its own
        c.import_key = v["import_key"]
    session.add(c)
    session.flush()
    moved = []
    if any(name in changes for name in STATEFUL):
        before = {o.kind: o.due for o in session.exec(select(Obligation).where(Obligation.complaint_id == c.id))}
        session.execute(delete(Obligation).where(Obligation.complaint_id == c.id))
        session.execute(delete(Revisit).where(Revisit.complaint_id == c.id))
        record = {name: getattr(c, name) for name in (*IMPORTED, "project_id", "clerk")}
        owed, visit = _derived(ctx, record, c.id, v)
        session.execute(insert(Obligation), owed)
        if visit:
            session.execute(insert(Revisit), [visit])
        after = {o["kind"]: o["due"] for o in owed}
        moved = [{"kind": k, "from": before[k].isoformat() if k in before else None,
                  "to": after[k].isoformat() if k in after else None}
                 for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    shown_changes = {k: {"from": _plain(ch["from"]), "to": _plain(ch["to"])} for k, ch in changes.items()}
    ctx.event("edit", ctx.now(), c.id, details={
        "changes": shown_changes, "obligations": moved, "reimport": source, "row": r.line, **_sheet(r),
        **({"source_before": _source_before} if adopted else {}),
        "reason": t("重新导入 {f} {w}", "re-imported from {f}, {w}", f=source, w=where(r.line, r.sheet))})
    return c.number


def _sheet(r: Row) -> dict:
    return {"sheet": r.sheet} if r.sheet else {}


def where(line: int, sheet: str | None = None) -> str:
    """「第 5 行」, or on one of several sheets 「工作表「二期」第 5 行」."""
    if sheet:
        return t("工作表「{s}」第 {n} 行", "sheet {s!r} row {n}", s=sheet, n=line)
    return t("第 {n} 行", "row {n}", n=line)


def _plain(value):
    if isinstance(value, dt.datetime):
        return clock.iso(value)
    return value


def _reasons(r: Row) -> str:
    return ";".join(f"{col}「{'' if val is None else shown(text_of(val) or '', SHORT)}」{reason}"
                    for col, val, reason in r.errors)
