"""What is late: one query over the obligations, with filters (a report is a filter and a sort,
Taskwarrior's lesson). ``overdue``, the report's late list and the workbook's 超期清单 all
come from :func:`late`; notifications will too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, and_, func, or_, select

from tsms import clock, rules
from tsms.checks import AHEAD, whole_number
from tsms.store import engine
from tsms.store.tables import Claim, Complaint, Obligation, Plan, PlanItem, Project, Rectification
from tsms.store.unit import reading

# the state shown for an after-sales obligation (a complaint's is its own status)
STATES = {"claim": "notified", "rectification": "open", "notice": "planned", "planned_revisit": "planned",
          "first_revisit": "completed", "retention": "can_apply", "retention_verify": "applied",
          "retention_return": "approved"}


def late(session, *, as_of: dt.date, due_from: dt.date | None = None, due_to: dt.date,
         met_late: bool = False, project_id: int | None = None, at: dt.datetime | None = None) -> list[dict]:
    """Obligations due up to ``due_to`` (and from ``due_from``) that are still open — and,
    with ``met_late``, those met after their deadline — each as a plain dict: kind, number,
    project, due, days_late, late, assignee (the holder), status, provisional, done_at.
    Ordered by due date, number and kind. Reads only the columns it returns, through the
    index on open due dates (or on met dates for those met late)."""
    o = Obligation
    number = func.coalesce(
        Complaint.number, Claim.number, Rectification.number,
        PlanItem.year.cast(String) + "-" + PlanItem.id.cast(String),
        "plan-" + o.plan_year.cast(String), Project.code)
    query = (
        select(o.kind, o.due, o.provisional, o.holder, o.met_at, number, Project.code, Complaint.status,
               Plan.year, o.due_at, Complaint.complainant, Complaint.contact)
        .select_from(o)
        .outerjoin(Project, Project.id == o.project_id)
        .outerjoin(Complaint, Complaint.id == o.complaint_id)
        .outerjoin(Claim, Claim.id == o.claim_id)
        .outerjoin(Rectification, Rectification.id == o.rectification_id)
        .outerjoin(PlanItem, PlanItem.id == o.plan_item_id)
        .outerjoin(Plan, Plan.year == o.plan_year)
        .where(o.due <= due_to)
        # a voided complaint's obligations were closed when it was voided: never late, never listed
        .where(or_(o.complaint_id.is_(None), Complaint.status != "void"))
    )
    if due_from is not None:
        query = query.where(o.due >= due_from)
    if project_id is not None:
        query = query.where(o.project_id == project_id)
    # a year's revisit plan not made by the end of that year is owed no longer: a past
    # year gets no plan (operations.plan.draft refuses it)
    open_ = and_(o.met_at.is_(None), or_(o.kind != "plan", o.plan_year >= as_of.year))
    # met on a later day than the deadline, or after the moment an hour limit ran out
    # (dates and moments compare as text in SQLite)
    met_after = or_(and_(o.due_at.is_(None), func.date(o.met_at) > o.due),
                    and_(o.due_at.is_not(None), o.met_at > o.due_at))
    query = query.where(or_(open_, and_(o.met_at.is_not(None), met_after)) if met_late else open_)
    at = at or dt.datetime.combine(as_of, dt.time())
    out = []
    for (kind, due, provisional, holder, met_at, label, code, status, plan, due_at, complainant,
         contact) in session.connection().execute(query):
        reminder = kind in rules.REMINDERS  # a right whose day has come: shown, never late
        if reminder and met_late:
            continue
        judged = met_at or at
        is_late = not reminder and rules.is_late(due, judged, due_at)
        if met_at is None and met_late and not is_late:
            continue  # still open, and not yet late on the report day
        if kind == "plan":
            status = "draft" if plan else "missing"
        out.append({"kind": kind, "number": label, "project": code if kind != "plan" else "",
                    "due": due.isoformat(), "days_late": rules.days_late(due, judged, due_at) if is_late else 0,
                    "late": is_late, "assignee": holder,
                    "status": status or STATES.get(kind, ""), "provisional": bool(provisional),
                    "done_at": met_at, "complainant": complainant, "contact": contact})
        if due_at is not None:  # a limit in hours: the moment it ran out, and the hours past it
            out[-1]["due_at"] = clock.iso(due_at)
            out[-1]["hours_late"] = rules.hours_late(due_at, judged) if is_late else 0
    return sorted(out, key=lambda i: (i["due"], i["number"], i["kind"]))


def overdue(ledger: engine.Ledger, as_of: dt.date | None = None, within: int = 0) -> list[dict]:
    """Every open obligation past its deadline on ``as_of``, and with ``within`` = N also
    those due in the next N working days. Each late one also says how many working days
    late it is (``working_days_late``: working days after the deadline up to ``as_of``;
    ``days_late`` stays calendar days). A deadline in hours (an urgent complaint) is judged
    at the current moment when ``as_of`` is today (else at the start of ``as_of``): late
    from the moment after it; its ``days_late`` counts whole 24-hour spans past it,
    ``hours_late`` the hours, and ``working_days_late`` the working days after its day
    once a whole day has passed (0 in its first 24 hours, when the hours tell)."""
    within = whole_number(within, "--within", *AHEAD)
    with reading(ledger) as ctx:
        return overdue_in(ctx, as_of or ctx.now().date(), within)


def overdue_in(ctx, as_of: dt.date, within: int = 0) -> list[dict]:
    """:func:`overdue` inside an open reading (the workbook's 超期清单 reads it in the same
    snapshot as its other sheets)."""
    # a deadline in days is late from the day after it; one in hours may run out today
    horizon = as_of
    if within:
        horizon = rules.add_working_days(as_of, within, ctx.calendar)
    items = late(ctx.session, as_of=as_of, due_to=horizon, at=clock.moment_on(as_of, ctx.now()))
    if not within:
        items = [i for i in items if i["late"] or dt.date.fromisoformat(i["due"]) < as_of]
    overdue_days = [dt.date.fromisoformat(i["due"]) for i in items if i["late"]]
    count = rules.working_day_counter(min(overdue_days), as_of, ctx.calendar) if overdue_days else None
    for item in items:
        del item["done_at"]
        late_days = item["late"] and ("due_at" not in item or item["days_late"] > 0)
        item["working_days_late"] = count(dt.date.fromisoformat(item["due"]), as_of) if late_days else 0
    return items
