"""Read-only questions about complaints, projects and the team. Each returns plain dicts with
English keys (the JSON form of SPEC §7); the renderers in tsms.render turn them into tables
or lines."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict

from sqlalchemy import func, or_
from sqlmodel import select

from tsms import clock, rules
from tsms.checks import ROWS, clean, whole_number
from tsms.errors import TsmsError
from tsms.fields import COMPLAINT_FIELDS
from tsms.store import engine
from tsms.store.records import project_dict
from tsms.store.tables import Attachment, Complaint, Event, Obligation, Project, Revisit, Staff
from tsms.store.unit import reading
from tsms.vocab import OPEN_STATES, OPEN_STATUS, Category, Status, t

STEP_KINDS = ("accept", "escalate", "resolve", "reply", "revisit")


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# the moments a step sets; each may come from a date typed without a time (an event's "untimed")
STEP_TIMES = ("accepted_at", "assigned_at", "rejected_at", "escalated_at", "resolved_at", "replied_at",
              "revisited_at", "closed_at", "archived_at", "voided_at")
# which of them a deadline's completion is
DONE_TIMES = {"accept": ("accepted_at", "rejected_at"), "escalate": ("escalated_at",), "resolve": ("resolved_at",),
              "reply": ("replied_at",), "revisit": ("revisited_at",)}
Untimed = set  # of (field, moment): the field was set to moment from a date alone


def untimed_marks(session, ids: list[int]) -> dict[int, Untimed]:
    """Per complaint, the moments its events set from a date typed without a time."""
    marks: dict[int, Untimed] = defaultdict(set)
    for chunk in range(0, len(ids), 500):
        for e in session.exec(select(Event).where(Event.complaint_id.in_(ids[chunk:chunk + 500]),
                                                  Event.details.like('%"untimed"%'))).all():
            marks[e.complaint_id] |= untimed_of(json.loads(e.details).get("untimed"), e.at)
    return marks


def untimed_of(mark, at: dt.datetime) -> Untimed:
    """An event's mark: a list of the fields it set at its own moment from a date alone, or
    (an imported complaint's one ``log`` event, whose steps the old ledger dated) a mapping
    of each such field to the moment it holds."""
    if isinstance(mark, dict):
        return {(field, dt.datetime.fromisoformat(moment)) for field, moment in mark.items()}
    return {(field, at) for field in mark or ()}


def _time_known(untimed: Untimed, fields, moment: dt.datetime | None) -> bool:
    return moment is None or not any((field, moment) in untimed for field in fields)


def complaint_dict(c: Complaint, project: Project, steps: list[Obligation], untimed: Untimed = frozenset()) -> dict:
    """One complaint as SPEC §7 names its keys. ``steps`` are its deadlines, oldest first;
    ``<kind>_due`` is the latest of each kind. ``<step>_time_known`` is false where a step's
    moment was given as a date alone (``untimed``, from untimed_marks): the ISO value then
    holds that day's midnight (or the previous step's moment on that day), and is shown
    and written as the day alone."""
    latest: dict[str, Obligation] = {}
    for step in steps:
        latest[step.kind] = step
    out = {}
    for f in COMPLAINT_FIELDS:
        value = getattr(project if f.source == "project" else c, f.column)
        out[f.key] = clock.iso(value) if f.kind == "time" else bool(value) if f.kind == "bool" else value
    if c.previous_resolved_at is not None and c.resolved_at == c.previous_resolved_at:
        # reopened by an unsatisfied revisit: the earlier result is 上次处理结果, and the
        # current one is empty until it is resolved again
        out["result"] = out["resolved_at"] = None
    # a date typed or imported without a time: received_at/occurred_at hold its midnight
    out["received_time_known"] = bool(c.received_time_known)
    out["occurred_time_known"] = bool(c.occurred_time_known)
    for key in STEP_TIMES:
        out[f"{key[:-3]}_time_known"] = _time_known(untimed, (key,), getattr(c, key))
    out["previous_resolved_time_known"] = _time_known(untimed, ("resolved_at",), c.previous_resolved_at)
    for kind in STEP_KINDS:
        out[f"{kind}_due"] = _date(latest[kind].due) if kind in latest else None
    for kind in ("resolve", "reply"):  # an urgent complaint's limit in hours: the moment it runs out
        out[f"{kind}_due_at"] = clock.iso(latest[kind].due_at) if kind in latest else None
    # a deadline still to be met rests on a year whose official calendar is not out
    out["provisional"] = any(s.provisional for s in latest.values() if s.met_at is None)
    pending = min((s for s in latest.values() if s.met_at is None), key=lambda s: s.due, default=None)
    out["next_step"] = pending.kind if pending else None
    out["next_due"] = _date(pending.due) if pending else None
    out["next_due_at"] = clock.iso(pending.due_at) if pending and pending.due_at is not None else None
    return out


def _step_dict(step: Obligation, as_of: dt.datetime, voided_at: dt.datetime | None = None,
               untimed: Untimed = frozenset()) -> dict:
    """A deadline as ``show`` gives it; one closed by voiding the complaint says so and is never late."""
    void = voided_at is not None and step.met_at == voided_at
    late = not void and rules.is_late(step.due, step.met_at or as_of, step.due_at)
    return {"kind": step.kind, "starts": _date(step.starts), "due": _date(step.due), "due_at": clock.iso(step.due_at),
            "provisional": bool(step.provisional), "done_at": None if void else clock.iso(step.met_at),
            "late": late, "holder": step.holder, "void": void,
            "done_time_known": void or _time_known(untimed, DONE_TIMES.get(step.kind, ()), step.met_at)}


def show(ledger: engine.Ledger, number: str, as_of: dt.date | None = None) -> dict:
    with reading(ledger) as ctx:
        at = clock.moment_on(as_of, ctx.now()) if as_of else ctx.now()
        session = ctx.session
        c = ctx.complaint(number)
        project = session.get(Project, c.project_id)
        steps = session.exec(select(Obligation).where(Obligation.complaint_id == c.id).order_by(Obligation.id)).all()
        revisits = session.exec(select(Revisit).where(Revisit.complaint_id == c.id).order_by(Revisit.id)).all()
        untimed = untimed_marks(session, [c.id])[c.id]
        out = complaint_dict(c, project, steps, untimed)
        out["project_phone"] = project.phone  # 联系电话 of the paper form's header line
        out["deadlines"] = [_step_dict(s, at, c.voided_at, untimed) for s in steps]
        out["attachments"] = attachments(session, c.number)
        # corrections (tsms edit): each field changed, before and after, when, by whom and why
        out["corrections"] = [
            {"at": clock.iso(e.at), "by": e.actor, "field": field, "before": change.get("from"),
             "after": change.get("to"), "reason": details.get("reason")}
            for e in session.exec(select(Event).where(Event.complaint_id == c.id, Event.action == "edit")
                                  .order_by(Event.id)).all()
            for details in [json.loads(e.details)]
            for field, change in (details.get("changes") or {}).items()
        ]
        out["revisits"] = [
            {"at": clock.iso(r.at), "method": r.method, "satisfaction": r.satisfaction, "visitor": r.visitor,
             "person_met": r.person_met, "note": r.note, "due": _date(r.due),
             "on_time": r.due is None or r.at.date() <= r.due,
             "time_known": _time_known(untimed, ("revisited_at",), r.at)}
            for r in revisits
        ]
        return out


def list_complaints(
    ledger: engine.Ledger,
    *,
    status: str | None = None,
    project: str | None = None,
    category: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    search: str | None = None,
    assignee: str | None = None,
    limit: int = 100,
) -> tuple[list[dict], int]:
    """Complaints matching every filter, newest first; returns (page, total matching)."""
    limit = whole_number(limit, "--limit", *ROWS)
    if since and until and since > until:
        raise TsmsError(t("--since {a} 晚于 --until {b};应先早后晚", "--since {a} is after --until {b}: give the earlier day first",
                          a=since.isoformat(), b=until.isoformat()))
    with reading(ledger) as ctx:
        session = ctx.session
        query = select(Complaint, Project).join(Project, Project.id == Complaint.project_id)
        if status:
            query = query.where(_status_filter(status))
        assignee = clean(assignee, "--assignee")
        if assignee:
            query = query.where(Complaint.assignee == _assignee(ctx, assignee))
        if project:
            query = query.where(Complaint.project_id == ctx.project(project).id)
        if category:
            query = query.where(Complaint.category == Category.parse(category, "--category").value)
        if since:
            query = query.where(Complaint.received_at >= dt.datetime.combine(since, dt.time()))
        if until:
            query = query.where(Complaint.received_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
        search = clean(search, "--search")
        if search:
            like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", search))
            # digits alone name a complaint by its serial, not every number holding them (SH01 for 1)
            columns = [column.like(like, escape="\\") for column in (
                *(() if digits.isdigit() and len(digits) <= 5 else (Complaint.number,)),
                Complaint.content, Complaint.complainant, Complaint.address, Complaint.result)]
            phone = func.replace(func.replace(Complaint.contact, "-", ""), " ", "")
            if digits.isdigit() and len(digits) <= 5:  # a complaint's serial: 7, 00007
                columns.append(Complaint.number.like("%-" + digits.zfill(5)))
            if digits.isdigit() and len(digits) == 4:  # a phone number's last four digits
                columns.append(phone.like("%" + digits))
            elif digits.isdigit() and len(digits) >= 7:  # a whole number, with or without dashes and spaces
                columns.append(phone.like(f"%{digits}"))
            elif digits.isdigit():  # 1–3, 5 or 6 digits: a serial or text, never part of a phone number
                pass
            else:
                columns.append(Complaint.contact.like(like, escape="\\"))
            query = query.where(or_(*columns))
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        query = query.order_by(Complaint.received_at.desc(), Complaint.id.desc())
        if limit:
            query = query.limit(limit)
        rows = session.exec(query).all()
        steps: dict[int, list[Obligation]] = defaultdict(list)
        ids = [c.id for c, _ in rows]
        for chunk in range(0, len(ids), 500):
            for step in session.exec(
                select(Obligation).where(Obligation.complaint_id.in_(ids[chunk:chunk + 500])).order_by(Obligation.id)
            ).all():
                steps[step.complaint_id].append(step)
        marks = untimed_marks(session, ids)
        return [complaint_dict(c, p, steps[c.id], marks.get(c.id, frozenset())) for c, p in rows], total


def _status_filter(text: str):
    """``--status``: one state, several separated by commas (``received,assigned``), or
    ``open`` — every complaint still in hand: a state before closing, or any with a step
    still owed (a reply to the referring department, an escalation)."""
    wanted, still_open = set(), False
    for part in re.split(r"[,，、;；\s]+", text):
        part = part.strip()
        if not part:
            continue
        if Status.fold(part) in {Status.fold(w) for w in OPEN_STATUS}:
            still_open = True
        else:
            wanted.add(Status.parse(part, "--status", also=OPEN_STATUS).value)
    if not wanted and not still_open:
        Status.parse(text, "--status", also=OPEN_STATUS)  # refuses, naming the states
    conditions = []
    if wanted:
        conditions.append(Complaint.status.in_(sorted(wanted)))
    if still_open:
        conditions.append(Complaint.status.in_([s.value for s in OPEN_STATES]))
        owed = select(Obligation.id).where(Obligation.complaint_id == Complaint.id, Obligation.met_at.is_(None))
        conditions.append(owed.exists())
    return or_(*conditions)


def _assignee(ctx, name: str) -> str:
    """``--assignee``: someone on the staff list or a handler some complaint names (an
    imported one); an unknown name is refused with the closest."""
    session = ctx.session
    if session.exec(select(Complaint.id).where(Complaint.assignee == name).limit(1)).first() is not None:
        return name
    return ctx.staff_member(name, "--assignee", register=False).name


def history(ledger: engine.Ledger, number: str) -> tuple[str, list[dict]]:
    """The complaint's full number (``number`` may be a short form) and its events."""
    with reading(ledger) as ctx:
        session = ctx.session
        c = ctx.complaint(number)
        events = session.exec(select(Event).where(Event.complaint_id == c.id).order_by(Event.id)).all()
        out = []
        for e in events:
            details = json.loads(e.details)
            # a moment typed as a day alone: the event says so (untimed), and the complaint's
            # own receipt does for the event that logged it
            known = "untimed" not in (details if isinstance(details, dict) else {}) and not (
                e.at == c.received_at and not c.received_time_known and e.action in ("log", "import"))
            out.append({"id": e.id, "at": clock.iso(e.at), "recorded_at": clock.iso(e.recorded_at), "actor": e.actor,
                        "action": e.action, "details": details, "time_known": known})
        return c.number, out


def attachments(session, subject: str) -> list[dict]:
    """The attachments filed under a subject (complaint, claim, rectification, plan item)."""
    return [{"name": a.name, "sha256": a.sha256, "size": a.size, "added_at": clock.iso(a.added_at), "by": a.added_by}
            for a in session.exec(select(Attachment).where(Attachment.subject == subject).order_by(Attachment.id)).all()]


def _region_names(session) -> dict[str, str]:
    from tsms.store.tables import Region

    return {r.code: r.name for r in session.exec(select(Region)).all()}


def projects(ledger: engine.Ledger) -> list[dict]:
    """Every project; ``region_name`` is its region's name (上海) beside the code (shanghai)."""
    with ledger.read() as session:
        names = _region_names(session)
        return [{**project_dict(p), "region_name": names.get(p.region or "")}
                for p in session.exec(select(Project).order_by(Project.code)).all()]


def project(ledger: engine.Ledger, code: str) -> dict:
    with reading(ledger) as ctx:
        session = ctx.session
        p = ctx.project(code)
        out = project_dict(p)
        out["region_name"] = _region_names(session).get(p.region or "")
        counts = session.exec(
            select(Complaint.status, func.count()).where(Complaint.project_id == p.id).group_by(Complaint.status)
        ).all()
        out["complaints"] = {status: n for status, n in counts}
        out["team"] = [s.name for s in session.exec(select(Staff).where(Staff.project_id == p.id)).all()]
        return out


def staff(ledger: engine.Ledger) -> list[dict]:
    with ledger.read() as session:
        rows = session.exec(
            select(Staff, Project.code).join(Project, Project.id == Staff.project_id, isouter=True).order_by(Staff.id)
        ).all()
        return [{"name": s.name, "dept": s.dept, "role": s.role, "phone": s.phone, "project": code}
                for s, code in rows]


def completions(ledger: engine.Ledger, what: str, prefix: str, limit: int = 200) -> list[str]:
    """For the shell's completion: complaint numbers (``number``, newest first) or staff
    names (``staff``) that start with ``prefix``."""
    with ledger.read() as session:
        if what == "staff":
            query = select(Staff.name).where(Staff.name.startswith(prefix, autoescape=True)).order_by(Staff.name)
            return list(dict.fromkeys(session.exec(query.limit(limit)).all()))
        query = select(Complaint.number).where(Complaint.number.startswith(prefix.upper(), autoescape=True))
        return list(session.exec(query.order_by(Complaint.id.desc()).limit(limit)).all())
