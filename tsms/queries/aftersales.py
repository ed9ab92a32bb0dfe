"""Read-only: warranty items, regions, claims, retention money, the revisit plan and
rectifications, as plain dicts."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import and_, func
from sqlmodel import select

from tsms import clock, rules
from tsms.errors import TsmsError
from tsms.queries.complaints import attachments
from tsms.store import engine
from tsms.store.records import (
    claim_dict,
    plan_item_dict,
    rectification_dict,
    region_dict,
    statutory_item,
    warranty_item_dict,
)
from tsms.store.tables import (
    Claim,
    Event,
    Obligation,
    Plan,
    PlanItem,
    Project,
    Rectification,
    Region,
    WarrantyItem,
)
from tsms.store.unit import reading
from tsms.vocab import WarrantyPart, t


def warranty_items(ledger: engine.Ledger, code: str, as_of: dt.date | None = None) -> dict:
    with reading(ledger) as ctx:
        as_of = as_of or ctx.now().date()
        project = ctx.project(code)
        if project.completed_on is None:
            raise TsmsError(t("工程 {c} 尚未竣工验收;先 tsms project complete {c} 日期",
                              "project {c} has not passed completion acceptance; run tsms project complete {c} DATE",
                              c=project.code))
        rows = ctx.session.exec(select(WarrantyItem).where(WarrantyItem.project_id == project.id)
                                .order_by(WarrantyItem.id)).all()
        region = ctx.session.exec(select(Region).where(Region.code == (project.region or ""))).first()
        if not rows:  # completed before warranty items existed (an older ledger): computed, not written
            rows = [statutory_item(project, part.value, region) for part in WarrantyPart]
        return {"project": project.code, "name": project.name, "completed_on": project.completed_on.isoformat(),
                "region": project.region, "region_name": region.name if region else None, "as_of": as_of.isoformat(),
                "items": [warranty_item_dict(i, as_of) for i in rows]}


def regions(ledger: engine.Ledger) -> list[dict]:
    with ledger.read() as session:
        return [region_dict(r) for r in session.exec(select(Region).order_by(Region.code)).all()]


def _claims(session, query):
    return [claim_dict(c, p, due) for c, p, due in session.exec(query).all()]


def _claim_query():
    return (select(Claim, Project, Obligation).join(Project, Project.id == Claim.project_id)
            .outerjoin(Obligation, and_(Obligation.claim_id == Claim.id, Obligation.kind == "claim")))


def list_claims(ledger: engine.Ledger, project: str | None = None) -> list[dict]:
    with reading(ledger) as ctx:
        query = _claim_query()
        if project:
            query = query.where(Claim.project_id == ctx.project(project).id)
        return _claims(ctx.session, query.order_by(Claim.received_at))


def show_claim(ledger: engine.Ledger, number: str) -> dict:
    with reading(ledger) as ctx:
        claim = ctx.claim(number)
        (out,) = _claims(ctx.session, _claim_query().where(Claim.id == claim.id))
        # a moment given as a date alone (``--at 2026-11-20``): its event says so; JSON keeps
        # ISO and adds <step>_time_known, the terminal shows the day alone
        untimed = set()
        for (details,) in ctx.session.connection().execute(
                select(Event.details).where(Event.action.like("claim%"), Event.details.like('%"untimed"%'),
                                            func.json_extract(Event.details, "$.number") == claim.number)):
            untimed.update(json.loads(details).get("untimed") or [])
        for key in ("received_at", "inspected_at", "repaired_at", "accepted_at"):
            if key in out:
                out[f"{key[:-3]}_time_known"] = out[key] is None or key not in untimed
        return {**out, "attachments": attachments(ctx.session, claim.number)}


def retention(ledger: engine.Ledger, code: str) -> dict:
    """The retention money of a project: amount and its cap, the defect liability period and
    the steps of its return (建质〔2017〕138号 第七、八、十条), with their due dates."""
    with reading(ledger) as ctx:
        project = ctx.completed_project(code)
        if project.retention is None:
            raise TsmsError(t("工程 {c} 没有登记质保金(project add --retention)", "project {c} has no retention money recorded (--retention)",
                              c=project.code))
        due = {kind: d for kind, d in ctx.session.exec(
            select(Obligation.kind, Obligation.due).where(Obligation.project_id == project.id,
                                                          Obligation.kind.in_(("retention_verify", "retention_return")))
            .order_by(Obligation.id)).all()}
        start = project.liability_from or project.completed_on
        reminded = project.retention_reminded_at
        return {"project": project.code, "amount": project.retention, "contract_sum": project.contract_sum,
                "cap": rules.retention_cap(project.contract_sum) if project.contract_sum is not None else None,
                "liability_years": project.liability_years, "liability_from": start.isoformat(),
                "liability_ends": rules.liability_end(start, project.liability_years).isoformat(),
                "applied_at": clock.iso(project.retention_applied_at),
                "verify_due": due["retention_verify"].isoformat() if "retention_verify" in due else None,
                "verified_at": clock.iso(project.retention_verified_at), "reminded_at": clock.iso(reminded),
                "deemed_approved_on": rules.retention_deemed_approval(reminded.date(), ctx.calendar).isoformat()
                if reminded and not project.retention_verified_at else None,
                "return_due": due["retention_return"].isoformat() if "retention_return" in due else None,
                "returned_at": clock.iso(project.retention_returned_at)}


def plan(ledger: engine.Ledger, year: int) -> dict | None:
    """The plan of ``year`` with its items, or None when it has not been drafted."""
    with reading(ledger) as ctx:
        row = ctx.session.get(Plan, year)
        if row is None:
            return None
        items = ctx.session.exec(
            select(PlanItem, Project.code, Project.name, Obligation)
            .join(Project, Project.id == PlanItem.project_id)
            .outerjoin(Obligation, and_(Obligation.plan_item_id == PlanItem.id, Obligation.kind == "notice"))
            .where(PlanItem.year == year).order_by(PlanItem.date, Project.code, PlanItem.id)).all()
        from tsms.store.tables import PlanAmendment

        amendments = ctx.session.exec(select(PlanAmendment).where(PlanAmendment.year == year)
                                      .order_by(PlanAmendment.number)).all()
        return {"year": row.year, "drafted_at": clock.iso(row.drafted_at), "drafted_by": row.drafted_by,
                "approved_by": row.approved_by, "approved_at": clock.iso(row.approved_at),
                "amendments": [{"number": a.number, "drafted_at": clock.iso(a.drafted_at), "drafted_by": a.drafted_by,
                                "approved_by": a.approved_by, "approved_at": clock.iso(a.approved_at)}
                               for a in amendments],
                "items": [plan_item_dict(i, code, name, notice, at_once=notice is not None and notice.met_at is None
                                         and notice.due > rules.notify_by(i.date, ctx.settings, ctx.calendar))
                          for i, code, name, notice in items]}


def rectifications(ledger: engine.Ledger, open_only: bool = False) -> list[dict]:
    with ledger.read() as session:
        query = (select(Rectification, Project, Obligation).join(Project, Project.id == Rectification.project_id)
                 .outerjoin(Obligation, and_(Obligation.rectification_id == Rectification.id,
                                             Obligation.kind == "rectification")))
        if open_only:
            query = query.where(Rectification.closed_at.is_(None))
        return [rectification_dict(r, p, due) for r, p, due in
                session.exec(query.order_by(Obligation.due, Rectification.id)).all()]
