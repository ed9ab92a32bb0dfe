"""Read-only questions to the ledger. Each returns plain dicts with English keys (the JSON
form of SPEC §7); the renderers in tsms.render turn them into tables or lines."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import or_
from sqlmodel import select

from tsms import clock, db, rules
from tsms.errors import TsmsError
from tsms.ledger import Context, clean
from tsms.lifecycle import find
from tsms.models import Complaint, Deadline, Event, Project, Revisit, Staff
from tsms.vocab import Category, Status, t

STEP_KINDS = ("accept", "escalate", "resolve", "reply", "revisit")


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def complaint_dict(c: Complaint, project: Project, steps: list[Deadline]) -> dict:
    """One complaint as SPEC §7 names its keys. ``steps`` are its deadlines, oldest first;
    ``<kind>_due`` is the latest of each kind."""
    latest: dict[str, Deadline] = {}
    for step in steps:
        latest[step.kind] = step
    out = {
        "number": c.number,
        "project": project.code,
        "project_name": project.name,
        "manager": project.manager,
        "status": c.status,
        "channel": c.channel,
        "category": c.category,
        "urgency": c.urgency,
        "serious": bool(c.serious),
        "night_time": bool(c.night_time),
        "complainant_org": c.complainant_org,
        "complainant": c.complainant,
        "contact": c.contact,
        "address": c.address,
        "content": c.content,
        "note": c.note,
        "received_at": clock.iso(c.received_at),
        "occurred_at": clock.iso(c.occurred_at),
        "clerk": c.clerk,
        "filled_at": clock.iso(c.filled_at),
        "accepted_at": clock.iso(c.accepted_at),
        "accept_dept": c.accept_dept,
        "accept_person": c.accept_person,
        "accept_opinion": c.accept_opinion,
        "rejected_at": clock.iso(c.rejected_at),
        "reject_reason": c.reject_reason,
        "reject_advice": c.reject_advice,
        "assignee": c.assignee,
        "department": c.department,
        "handling_opinion": c.handling_opinion,
        "assigned_at": clock.iso(c.assigned_at),
        "resolved_at": clock.iso(c.resolved_at),
        "result": c.result,
        "dept_head": c.dept_head,
        "escalated_at": clock.iso(c.escalated_at),
        "escalated_to": c.escalated_to,
        "replied_at": clock.iso(c.replied_at),
        "reply_text": c.reply_text,
        "revisited_at": clock.iso(c.revisited_at),
        "satisfaction": c.satisfaction,
        "closed_at": clock.iso(c.closed_at),
        "archived_at": clock.iso(c.archived_at),
        "reopened": c.reopened,
    }
    for kind in STEP_KINDS:
        out[f"{kind}_due"] = _date(latest[kind].due) if kind in latest else None
    # a deadline still to be met rests on a year whose official calendar is not out
    out["provisional"] = any(s.provisional for s in latest.values() if s.done_at is None)
    pending = min((s for s in latest.values() if s.done_at is None), key=lambda s: s.due, default=None)
    out["next_step"] = pending.kind if pending else None
    out["next_due"] = _date(pending.due) if pending else None
    return out


def _step_dict(step: Deadline, as_of: dt.date) -> dict:
    late = step.due < (step.done_at.date() if step.done_at else as_of)
    return {"kind": step.kind, "starts": _date(step.starts), "due": _date(step.due),
            "provisional": bool(step.provisional), "done_at": clock.iso(step.done_at),
            "late": late}


def show(ledger: db.Ledger, number: str, as_of: dt.date | None = None) -> dict:
    as_of = as_of or clock.today()
    with ledger.read() as session:
        ctx = Context(session)
        c = find(ctx, number)
        project = session.get(Project, c.project_id)
        steps = session.exec(select(Deadline).where(Deadline.complaint_id == c.id).order_by(Deadline.id)).all()
        revisits = session.exec(select(Revisit).where(Revisit.complaint_id == c.id).order_by(Revisit.id)).all()
        out = complaint_dict(c, project, steps)
        out["deadlines"] = [_step_dict(s, as_of) for s in steps]
        from tsms.files import listed

        out["attachments"] = listed(session, c.number)
        out["revisits"] = [
            {"at": clock.iso(r.at), "method": r.method, "satisfaction": r.satisfaction, "visitor": r.visitor,
             "person_met": r.person_met, "note": r.note, "due": _date(r.due),
             "on_time": r.due is None or r.at.date() <= r.due}
            for r in revisits
        ]
        return out


def list_complaints(
    ledger: db.Ledger,
    *,
    status: str | None = None,
    project: str | None = None,
    category: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    search: str | None = None,
    limit: int = 100,
) -> tuple[list[dict], int]:
    """Complaints matching every filter, newest first; returns (page, total matching)."""
    from sqlalchemy import func

    if limit < 0:
        raise TsmsError(t("--limit 不能为负", "--limit must not be negative"))
    with ledger.read() as session:
        ctx = Context(session)
        query = select(Complaint, Project).join(Project, Project.id == Complaint.project_id)
        if status:
            query = query.where(Complaint.status == Status.parse(status, "--status").value)
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
            query = query.where(or_(*(column.like(like, escape="\\") for column in (
                Complaint.number, Complaint.content, Complaint.complainant, Complaint.address, Complaint.result))))
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        query = query.order_by(Complaint.received_at.desc(), Complaint.id.desc())
        if limit:
            query = query.limit(limit)
        rows = session.exec(query).all()
        steps: dict[int, list[Deadline]] = defaultdict(list)
        ids = [c.id for c, _ in rows]
        for chunk in range(0, len(ids), 500):
            for step in session.exec(
                select(Deadline).where(Deadline.complaint_id.in_(ids[chunk:chunk + 500])).order_by(Deadline.id)
            ).all():
                steps[step.complaint_id].append(step)
        return [complaint_dict(c, p, steps[c.id]) for c, p in rows], total


def history(ledger: db.Ledger, number: str) -> list[dict]:
    with ledger.read() as session:
        ctx = Context(session)
        c = find(ctx, number)
        events = session.exec(select(Event).where(Event.complaint_id == c.id).order_by(Event.id)).all()
        return [
            {"id": e.id, "at": clock.iso(e.at), "recorded_at": clock.iso(e.recorded_at), "actor": e.actor,
             "action": e.action, "details": json.loads(e.details)}
            for e in events
        ]


def _holder(kind: str, assignee: str | None, accept_person: str | None, clerk: str) -> str | None:
    """Who holds a step: the handler for resolving, else the first acceptor, who follows the
    complaint until it is solved (seed 4.2.4 「第一投诉受理人有责任跟踪处理情况」)."""
    if kind == "resolve":
        return assignee or accept_person or clerk
    if kind == "accept":
        return clerk
    return accept_person or clerk


def overdue(ledger: db.Ledger, as_of: dt.date | None = None, within: int = 0) -> list[dict]:
    """Every open step past its deadline on ``as_of``, and with ``within`` = N also those
    due in the next N working days. An indexed range query over the open deadlines that
    reads only the columns it prints."""
    as_of = as_of or clock.today()
    if within < 0:
        raise TsmsError(t("--within 不能为负", "--within must not be negative"))
    from tsms.ledger import ensure_calendar

    # recompute first if the holidays package changed; cache the years --within looks at
    ensure_calendar(ledger, range(as_of.year, as_of.year + (2 if within else 1)))
    with ledger.read() as session:
        ctx = Context(session)
        horizon = as_of - dt.timedelta(days=1)
        if within:
            horizon = rules.add_working_days(as_of, within, ctx.calendar)
        rows = session.exec(
            select(Deadline.kind, Deadline.due, Deadline.provisional, Complaint.number, Complaint.status,
                   Complaint.assignee, Complaint.accept_person, Complaint.clerk, Project.code)
            .join(Complaint, Complaint.id == Deadline.complaint_id)
            .join(Project, Project.id == Complaint.project_id)
            .where(Deadline.done_at.is_(None), Deadline.due <= horizon)
            .order_by(Deadline.due, Complaint.number)
        ).all()
        items = [
            {"kind": kind, "number": number, "project": code, "due": due.isoformat(),
             "days_late": rules.days_late(due, as_of), "late": due < as_of,
             "assignee": _holder(kind, assignee, accept_person, clerk), "status": status,
             "provisional": bool(provisional)}
            for kind, due, provisional, number, status, assignee, accept_person, clerk, code in rows
        ]
        items += _after_sales(session, ctx, as_of, horizon)
    return sorted(items, key=lambda i: (i["due"], i["number"], i["kind"]))


def _after_sales(session, ctx: Context, as_of: dt.date, horizon: dt.date) -> list[dict]:
    """Warranty claims, rectifications, plan notices and revisits, the plan's approval and the
    retention money: each from its own table's stored dates."""
    from tsms.models import Claim, Plan, PlanItem, Rectification

    out = []

    def item(kind, number, project, due, assignee, status):
        out.append({"kind": kind, "number": number, "project": project, "due": due.isoformat(),
                    "days_late": rules.days_late(due, as_of), "late": due < as_of, "assignee": assignee,
                    "status": status, "provisional": False})

    for number, code, due, manager in session.exec(
        select(Claim.number, Project.code, Claim.inspect_due, Project.manager).join(Project, Project.id == Claim.project_id)
        .where(Claim.inspected_at.is_(None), Claim.inspect_due <= horizon)
    ).all():
        item("claim", number, code, due, manager, "notified")
    for number, code, due, owner in session.exec(
        select(Rectification.number, Project.code, Rectification.due, Rectification.owner)
        .join(Project, Project.id == Rectification.project_id)
        .where(Rectification.closed_at.is_(None), Rectification.due <= horizon)
    ).all():
        item("rectification", number, code, due, owner, "open")
    for item_id, year, code, day, notify_by, notified_at, staff in session.exec(
        select(PlanItem.id, PlanItem.year, Project.code, PlanItem.date, PlanItem.notify_by, PlanItem.notified_at,
               PlanItem.staff).join(Project, Project.id == PlanItem.project_id)
        .where(PlanItem.done_at.is_(None), PlanItem.notify_by <= horizon)
    ).all():
        if notified_at is None:
            item("notice", f"{year}-{item_id}", code, notify_by, staff, "planned")
        if day <= horizon:
            item("planned_revisit", f"{year}-{item_id}", code, day, staff, "planned")
    from sqlalchemy import func as sql_func

    # a plan is due once the ledger holds a finished project, from the first 31 December
    # after that project was entered (a ledger started in November owes no plan for the
    # year already running)
    since = session.exec(select(sql_func.min(Project.created_at)).where(Project.completed_on.is_not(None))).one()
    if since is not None:
        for year in (as_of.year, as_of.year + 1):
            due = dt.date(year - 1, 12, 31)
            plan = session.get(Plan, year)
            if due < since.date():
                continue
            if due <= horizon and (plan is None or plan.approved_at is None):
                item("plan", f"plan-{year}", "", due, None, "draft" if plan else "missing")
    for code, completed_on, years, applied, verified, manager in session.exec(
        select(Project.code, Project.completed_on, Project.liability_years, Project.retention_applied_at,
               Project.retention_verified_at, Project.manager)
        .where(Project.retention.is_not(None), Project.completed_on.is_not(None), Project.retention_returned_at.is_(None))
    ).all():
        if applied is None:
            due = rules.liability_end(completed_on, years)
            if due <= horizon:
                item("retention", code, code, due, manager, "due")
        elif verified is None:
            due = rules.retention_verify_deadline(applied.date(), ctx.calendar).due
            if due <= horizon:
                item("retention_verify", code, code, due, manager, "applied")
    return out


def projects(ledger: db.Ledger) -> list[dict]:
    from tsms.ledger import project_dict

    with ledger.read() as session:
        return [project_dict(p) for p in session.exec(select(Project).order_by(Project.code)).all()]


def project(ledger: db.Ledger, code: str) -> dict:
    from sqlalchemy import func
    from tsms.ledger import project_dict

    with ledger.read() as session:
        ctx = Context(session)
        p = ctx.project(code)
        out = project_dict(p)
        counts = session.exec(
            select(Complaint.status, func.count()).where(Complaint.project_id == p.id).group_by(Complaint.status)
        ).all()
        out["complaints"] = {status: n for status, n in counts}
        out["team"] = [s.name for s in session.exec(select(Staff).where(Staff.project_id == p.id)).all()]
        return out


def staff(ledger: db.Ledger) -> list[dict]:
    with ledger.read() as session:
        rows = session.exec(
            select(Staff, Project.code).join(Project, Project.id == Staff.project_id, isouter=True).order_by(Staff.id)
        ).all()
        return [{"name": s.name, "dept": s.dept, "role": s.role, "phone": s.phone, "project": code}
                for s, code in rows]
