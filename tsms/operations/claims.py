"""Warranty claims (保修单) and retention money (质保金).

A claim: the owner's notice → inspection on site (the cause decided) → repair → acceptance
by the client or owner (《房屋建筑工程质量保修办法》 第九至十一条). A claim on an expired part,
or with a cause other than a construction defect, is kept as paid service, not warranty work.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlmodel import select

from tsms import rules
from tsms.checks import LONG, clean, happened, happened_at, untimed_mark
from tsms.errors import TsmsError
from tsms.store import engine
from tsms.store.records import claim_dict
from tsms.store.tables import Claim, Project, WarrantyItem
from tsms.store.unit import Context, writing
from tsms.vocab import Cause, ClaimState, WarrantyPart, t

NEXT = {"inspect": "notified", "repair": "inspected", "accept": "repaired"}
ACTION_NAMES = {"inspect": ("查验", "inspect"), "repair": ("维修", "repair"), "accept": ("验收", "accept")}


def log_claim(ledger: engine.Ledger, *, project: str | None, part: str, content: str, location: str | None = None,
              complainant: str | None = None, contact: str | None = None, emergency: bool = False,
              at: str | None = None, by: str | None = None) -> dict:
    part_value = WarrantyPart.parse(part, "--part").value
    content = clean(content, "--content", required=True, limit=LONG, multiline=True)
    location, complainant, contact = clean(location, "--location"), clean(complainant, "--from"), clean(contact, "--contact")
    received, received_known = happened(at, ledger.now())
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        proj = ctx.completed_project(project)
        if received.date() < proj.completed_on:
            raise TsmsError(t("报修时间早于竣工验收日期 {d}", "the notice is before completion acceptance ({d})",
                              d=proj.completed_on))
        item = session.exec(select(WarrantyItem).where(WarrantyItem.project_id == proj.id,
                                                       WarrantyItem.part == part_value)).first()
        in_warranty = item is None or item.expires is None or received.date() <= item.expires
        year = received.year
        seq = ctx.next_seq(Claim, Claim.project_id == proj.id, Claim.year == year)
        claim = Claim(number=f"{proj.code}-{year}-W{seq:03d}", project_id=proj.id, year=year, seq=seq,
                      part=part_value, location=location, content=content, complainant=complainant, contact=contact,
                      emergency=emergency, received_at=received, in_warranty=in_warranty,
                      paid=not in_warranty, status="notified", clerk=who)
        session.add(claim)
        session.flush()
        due = ctx.oblige("claim", received.date(), basis="emergency" if emergency else "", holder=proj.manager,
                         project_id=proj.id, claim_id=claim.id)
        ctx.event("claim", received, details={"number": claim.number, "project": proj.code, "part": part_value,
                                               "content": content, "emergency": emergency,
                                               "in_warranty": in_warranty, "inspect_due": due.due.isoformat(),
                                               **untimed_mark(received_known, "received_at")})
        return claim_dict(claim, proj, due)


@contextlib.contextmanager
def _step(ledger: engine.Ledger, number: str, action: str, by: str | None):
    """One step of one claim: a write transaction, the claim, and the check of its state."""
    with writing(ledger, by) as ctx:
        claim = ctx.claim(number)
        if claim.status != NEXT[action]:
            raise TsmsError(t("保修单 {n} 当前为「{s}」,不能{a}", "claim {n} is {s}: {a} is not allowed now",
                              n=claim.number, s=ClaimState(claim.status).label, a=t(*ACTION_NAMES[action])))
        yield ctx, claim


def _answer(ctx: Context, claim: Claim) -> dict:
    from tsms.store.tables import Obligation

    inspect = ctx.session.exec(select(Obligation).where(Obligation.claim_id == claim.id,
                                                        Obligation.kind == "claim")).first()
    return claim_dict(claim, ctx.session.get(Project, claim.project_id), inspect)


def inspect(ledger: engine.Ledger, number: str, *, cause: str, note: str | None = None, at: str | None = None,
            by: str | None = None) -> dict:
    cause_value = Cause.parse(cause, "--cause").value
    note = clean(note, "--note", limit=LONG, multiline=True)
    with _step(ledger, number, "inspect", by) as (ctx, claim):
        when, known = happened(at, ctx.now(), claim.received_at)
        claim.inspected_at, claim.cause, claim.status = when, cause_value, "inspected"
        claim.paid = claim.paid or cause_value != Cause.construction.value
        ctx.session.add(claim)
        due = ctx.meet("claim", when, claim_id=claim.id)
        on_time = due is None or not rules.is_late(due.due, when, due.due_at)
        ctx.event("claim.inspect", when, details={"number": claim.number, "cause": cause_value, "note": note,
                                                  **untimed_mark(known, "inspected_at"),
                                                  "on_time": on_time, "paid": claim.paid})
        return _answer(ctx, claim)


def repair(ledger: engine.Ledger, number: str, *, result: str, at: str | None = None, by: str | None = None) -> dict:
    result = clean(result, "--result", required=True, limit=LONG, multiline=True)
    with _step(ledger, number, "repair", by) as (ctx, claim):
        when, known = happened(at, ctx.now(), claim.inspected_at)
        claim.repair_result, claim.repaired_at, claim.status = result, when, "repaired"
        ctx.session.add(claim)
        ctx.event("claim.repair", when, details={"number": claim.number, "result": result,
                                                 **untimed_mark(known, "repaired_at")})
        return _answer(ctx, claim)


def accept(ledger: engine.Ledger, number: str, *, at: str | None = None, by: str | None = None) -> dict:
    """Acceptance by the client or owner (办法第十一条); the claim enters the warranty record."""
    with _step(ledger, number, "accept", by) as (ctx, claim):
        when, known = happened(at, ctx.now(), claim.repaired_at)
        claim.accepted_by, claim.accepted_at, claim.status = ctx.who, when, "accepted"
        ctx.session.add(claim)
        ctx.event("claim.accept", when, details={"number": claim.number, "by": ctx.who,
                                                 **untimed_mark(known, "accepted_at")})
        return _answer(ctx, claim)


# --------------------------------------------------------------------------- retention money

RETENTION_STEPS = {  # action → (the step it needs first, the column it records)
    "apply": (None, "retention_applied_at"), "verify": ("retention_applied_at", "retention_verified_at"),
    "remind": ("retention_applied_at", "retention_reminded_at"),
    "return": ("retention_applied_at", "retention_returned_at")}


def retention(ledger: engine.Ledger, code: str, action: str, at: str | None = None, by: str | None = None) -> None:
    """The retention money's return (建质〔2017〕138号 第十条): the contractor applies once the
    defect liability period is over; the client verifies within 14 days; a client who does not
    answer is reminded (催告), and 14 days of silence after that count as approval; the money
    is due back within 14 days of approval. Each step meets its obligation and starts the next."""
    if action not in RETENTION_STEPS:
        raise TsmsError(t("用法:tsms retention 工程 [apply|verify|remind|return]",
                          "usage: tsms retention CODE [apply|verify|remind|return]"))
    with writing(ledger, by) as ctx:
        project = ctx.completed_project(code)
        if project.retention is None:
            raise TsmsError(t("工程 {c} 没有登记质保金(project add --retention)", "project {c} has no retention money recorded (--retention)",
                              c=project.code))
        before, field = RETENTION_STEPS[action]
        if getattr(project, field) is not None:
            raise TsmsError(t("已记录过", "recorded already"))
        if project.retention_returned_at is not None:
            raise TsmsError(t("质保金已于 {d} 返还", "the retention money was returned on {d}", d=project.retention_returned_at.date()))
        previous = getattr(project, before) if before else None
        if before and previous is None:
            raise TsmsError(t("须先记录返还申请(apply)", "record the application (apply) first"))
        start = project.liability_from or project.completed_on
        ends = rules.liability_end(start, project.liability_years)
        when = happened_at(at, ctx.now(), previous or dt.datetime.combine(start, dt.time()))
        day = when.date()
        if action == "apply" and day <= ends:
            raise TsmsError(t("缺陷责任期至 {e} 届满;到期后才可申请返还质保金(建质〔2017〕138号第十条)",
                              "the defect liability period runs to {e}: the return can be applied for only after it "
                              "(建质〔2017〕138号 第十条)", e=ends))
        if action == "remind":
            if project.retention_verified_at is not None:
                raise TsmsError(t("建设单位已于 {d} 核实,无需催告", "the client verified on {d}: no reminder is needed",
                                  d=project.retention_verified_at.date()))
            verify = rules.retention_verify_deadline(project.retention_applied_at.date(), ctx.calendar)
            if not rules.is_late(verify.due, day):
                raise TsmsError(t("建设单位核实期限到 {d};之后仍无答复才催告", "the client has until {d} to verify: remind "
                                  "only after that", d=verify.due))
        if action == "return" and project.retention_verified_at is None and project.retention_reminded_at is None:
            raise TsmsError(t("须先记录核实(verify)或催告(remind)", "record the verification (verify) or the reminder (remind) first"))
        setattr(project, field, when)
        ctx.session.add(project)
        if action == "apply":
            ctx.meet("retention", when, project_id=project.id)
            ctx.oblige("retention_verify", day, holder=project.manager, project_id=project.id)
        elif action == "remind":
            # the client's 14 days are over (late, on record); silence now runs to a deemed approval
            ctx.meet("retention_verify", when, project_id=project.id)
            ctx.oblige("retention_return", rules.retention_deemed_approval(day, ctx.calendar), holder=project.manager,
                       project_id=project.id)
        elif action == "verify":
            ctx.meet("retention_verify", when, project_id=project.id)
            owed = ctx.open_obligations("retention_return", project_id=project.id).get("retention_return")
            if owed is None:
                ctx.oblige("retention_return", day, holder=project.manager, project_id=project.id)
            elif day < owed.starts:  # verified before silence would have counted as approval
                ctx.reschedule(owed, day)
        else:
            ctx.meet("retention_return", when, project_id=project.id)
            ctx.meet("retention_verify", when, project_id=project.id)  # returned: nothing left to verify
        ctx.event(f"retention.{action}", when, details={"project": project.code})
