"""Warranty claims (保修单) and retention money (质保金).

A claim: the owner's notice → inspection on site (the cause decided) → repair → acceptance
by the client or owner (《房屋建筑工程质量保修办法》 第九至十一条). A claim on an expired part,
or with a cause other than a construction defect, is kept as paid service, not warranty work.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlmodel import func, select

from tsms import clock, db, rules
from tsms.errors import TsmsError
from tsms.ledger import LONG, Context, actor, clean, happened_at, writing
from tsms.models import Claim, Project, WarrantyItem
from tsms.vocab import Cause, WarrantyPart, t

STATES = {"notified": ("已报修", "notified"), "inspected": ("已查验", "inspected"), "repaired": ("已维修", "repaired"),
          "accepted": ("已验收", "accepted")}
NEXT = {"inspect": "notified", "repair": "inspected", "accept": "repaired"}
ACTION_NAMES = {"inspect": ("查验", "inspect"), "repair": ("维修", "repair"), "accept": ("验收", "accept")}


def _completed(ctx: Context, code: str | None) -> Project:
    project = ctx.project(code)
    if project.completed_on is None:
        raise TsmsError(t("工程 {c} 尚未竣工验收,不在保修期", "project {c} has not passed completion acceptance: no warranty yet",
                          c=project.code))
    return project


def log_claim(ledger: db.Ledger, *, project: str | None, part: str, content: str, location: str | None = None,
              complainant: str | None = None, contact: str | None = None, emergency: bool = False,
              at: str | None = None, by: str | None = None) -> dict:
    part_value = WarrantyPart.parse(part, "--part").value
    content = clean(content, "--content", required=True, limit=LONG, multiline=True)
    location, complainant, contact = clean(location, "--location"), clean(complainant, "--from"), clean(contact, "--contact")
    received = happened_at(at, None)
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        proj = _completed(ctx, project)
        if received.date() < proj.completed_on:
            raise TsmsError(t("报修时间早于竣工验收日期 {d}", "the notice is before completion acceptance ({d})",
                              d=proj.completed_on))
        item = session.exec(select(WarrantyItem).where(WarrantyItem.project_id == proj.id,
                                                       WarrantyItem.part == part_value)).first()
        in_warranty = item is None or item.expires is None or received.date() <= item.expires
        due = rules.claim_inspect_deadline(received.date(), emergency, ctx.calendar, ctx.settings)
        year = received.year
        seq = (session.exec(select(func.max(Claim.seq)).where(Claim.project_id == proj.id, Claim.year == year)).one()
               or 0) + 1
        claim = Claim(number=f"{proj.code}-{year}-W{seq:03d}", project_id=proj.id, year=year, seq=seq,
                      part=part_value, location=location, content=content, complainant=complainant, contact=contact,
                      emergency=emergency, received_at=received, inspect_due=due.due, in_warranty=in_warranty,
                      paid=not in_warranty, status="notified", clerk=who)
        session.add(claim)
        session.flush()
        ctx.event("claim", received, details={"number": claim.number, "project": proj.code, "part": part_value,
                                               "content": content, "emergency": emergency,
                                               "in_warranty": in_warranty, "inspect_due": due.due.isoformat()})
        return claim_dict(claim, proj)


def _find(ctx: Context, number: str) -> Claim:
    claim = ctx.session.exec(select(Claim).where(Claim.number == (number or "").strip().upper())).first()
    if claim is None:
        raise TsmsError(t("没有编号为「{n}」的保修单", "no warranty claim numbered {n!r}", n=number))
    return claim


@contextlib.contextmanager
def _step(ledger: db.Ledger, number: str, action: str, by: str | None):
    """One step of one claim: a write transaction, the claim, and the check of its state."""
    with writing(ledger, by) as ctx:
        claim = _find(ctx, number)
        if claim.status != NEXT[action]:
            raise TsmsError(t("保修单 {n} 当前为「{s}」,不能{a}", "claim {n} is {s}: {a} is not allowed now",
                              n=claim.number, s=t(*STATES[claim.status]), a=t(*ACTION_NAMES[action])))
        yield ctx, claim


def inspect(ledger: db.Ledger, number: str, *, cause: str, note: str | None = None, at: str | None = None,
            by: str | None = None) -> dict:
    cause_value = Cause.parse(cause, "--cause").value
    note = clean(note, "--note", limit=LONG, multiline=True)
    with _step(ledger, number, "inspect", by) as (ctx, claim):
        when = happened_at(at, claim.received_at)
        claim.inspected_at, claim.cause, claim.status = when, cause_value, "inspected"
        claim.paid = claim.paid or cause_value != Cause.construction.value
        ctx.session.add(claim)
        ctx.event("claim.inspect", when, details={"number": claim.number, "cause": cause_value, "note": note,
                                                  "on_time": when.date() <= claim.inspect_due, "paid": claim.paid})
        return claim_dict(claim, ctx.session.get(Project, claim.project_id))


def repair(ledger: db.Ledger, number: str, *, result: str, at: str | None = None, by: str | None = None) -> dict:
    result = clean(result, "--result", required=True, limit=LONG, multiline=True)
    with _step(ledger, number, "repair", by) as (ctx, claim):
        when = happened_at(at, claim.inspected_at)
        claim.repair_result, claim.repaired_at, claim.status = result, when, "repaired"
        ctx.session.add(claim)
        ctx.event("claim.repair", when, details={"number": claim.number, "result": result})
        return claim_dict(claim, ctx.session.get(Project, claim.project_id))


def accept(ledger: db.Ledger, number: str, *, at: str | None = None, by: str | None = None) -> dict:
    """Acceptance by the client or owner (办法第十一条); the claim enters the warranty record."""
    with _step(ledger, number, "accept", by) as (ctx, claim):
        when = happened_at(at, claim.repaired_at)
        claim.accepted_by, claim.accepted_at, claim.status = ctx.who, when, "accepted"
        ctx.session.add(claim)
        ctx.event("claim.accept", when, details={"number": claim.number, "by": ctx.who})
        return claim_dict(claim, ctx.session.get(Project, claim.project_id))


def claim_dict(c: Claim, project: Project) -> dict:
    return {"number": c.number, "project": project.code, "part": c.part, "location": c.location, "content": c.content,
            "complainant": c.complainant, "contact": c.contact, "emergency": bool(c.emergency),
            "received_at": clock.iso(c.received_at), "inspect_due": c.inspect_due.isoformat(),
            "in_warranty": bool(c.in_warranty), "paid": bool(c.paid), "inspected_at": clock.iso(c.inspected_at),
            "cause": c.cause, "repair_result": c.repair_result, "repaired_at": clock.iso(c.repaired_at),
            "accepted_by": c.accepted_by, "accepted_at": clock.iso(c.accepted_at), "status": c.status}


def list_claims(ledger: db.Ledger, project: str | None = None) -> list[dict]:
    with ledger.read() as session:
        ctx = Context(session)
        query = select(Claim, Project).join(Project, Project.id == Claim.project_id)
        if project:
            query = query.where(Claim.project_id == ctx.project(project).id)
        return [claim_dict(c, p) for c, p in session.exec(query.order_by(Claim.received_at)).all()]


def show_claim(ledger: db.Ledger, number: str) -> dict:
    from tsms.files import listed

    with ledger.read() as session:
        claim = _find(Context(session), number)
        return {**claim_dict(claim, session.get(Project, claim.project_id)),
                "attachments": listed(session, claim.number)}


# --------------------------------------------------------------------------- retention money


def retention(ledger: db.Ledger, code: str, action: str | None = None, at: str | None = None,
              by: str | None = None) -> dict:
    """Show the retention money, or record its return application, the client's
    verification or its return (建质〔2017〕138号 第十、十一条)."""
    if action not in (None, "apply", "verify", "return"):
        raise TsmsError(t("用法:tsms retention 工程 [apply|verify|return]", "usage: tsms retention CODE [apply|verify|return]"))
    who = actor(by)
    with (ledger.write() if action else ledger.read()) as session:
        ctx = Context(session, who)
        project = _completed(ctx, code)
        if project.retention is None:
            raise TsmsError(t("工程 {c} 没有登记质保金(project add --retention)", "project {c} has no retention money recorded (--retention)",
                              c=project.code))
        if action:
            order = {"apply": (None, "retention_applied_at"), "verify": ("retention_applied_at", "retention_verified_at"),
                     "return": ("retention_verified_at", "retention_returned_at")}[action]
            before, field = order
            if getattr(project, field) is not None:
                raise TsmsError(t("已记录过", "recorded already"))
            previous = getattr(project, before) if before else None
            if before and previous is None:
                raise TsmsError(t("须先记录上一步({s})", "record the step before first ({s})", s=before.split("_")[1]))
            when = happened_at(at, previous or dt.datetime.combine(project.completed_on, dt.time()))
            setattr(project, field, when)
            session.add(project)
            ctx.event(f"retention.{action}", when, details={"project": project.code})
        return retention_dict(project, ctx.calendar)


def retention_dict(project: Project, cal: rules.WorkCalendar) -> dict:
    end = rules.liability_end(project.completed_on, project.liability_years)
    applied = project.retention_applied_at
    verify_due = rules.retention_verify_deadline(applied.date(), cal).due if applied else None
    return {"project": project.code, "amount": project.retention, "liability_years": project.liability_years,
            "liability_ends": end.isoformat(), "applied_at": clock.iso(applied),
            "verify_due": verify_due.isoformat() if verify_due else None,
            "verified_at": clock.iso(project.retention_verified_at),
            "returned_at": clock.iso(project.retention_returned_at)}
