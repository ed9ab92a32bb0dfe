"""Stored rows in their plain form (English keys, ISO dates): what operations answer and
queries return, written once for both."""

from __future__ import annotations

from tsms import clock, rules
from tsms.store.tables import Claim, Obligation, PlanItem, Project, Rectification, Region, WarrantyItem
from tsms.vocab import t


def _day(value) -> str | None:
    return value.isoformat() if value else None


def project_dict(p: Project) -> dict:
    return {
        "code": p.code, "name": p.name, "kind": p.kind, "address": p.address, "client": p.client,
        "manager": p.manager, "phone": p.phone, "region": p.region,
        "completed_on": _day(p.completed_on),
        "design_life": p.design_life, "retention": p.retention, "liability_years": p.liability_years,
        "contract_sum": p.contract_sum, "liability_from": _day(p.liability_from),
    }


def claim_dict(c: Claim, project: Project, inspect: Obligation | None) -> dict:
    return {"number": c.number, "project": project.code, "part": c.part, "location": c.location, "content": c.content,
            "complainant": c.complainant, "contact": c.contact, "emergency": bool(c.emergency),
            "received_at": clock.iso(c.received_at), "inspect_due": _day(inspect.due if inspect else None),
            "in_warranty": bool(c.in_warranty), "paid": bool(c.paid), "inspected_at": clock.iso(c.inspected_at),
            "cause": c.cause, "repair_result": c.repair_result, "repaired_at": clock.iso(c.repaired_at),
            "accepted_by": c.accepted_by, "accepted_at": clock.iso(c.accepted_at), "status": c.status}


def plan_item_dict(i: PlanItem, code: str, name: str, notice: Obligation | None, at_once: bool = False) -> dict:
    return {"id": i.id, "project": code, "project_name": name, "kind": i.kind, "part": i.part, "method": i.method,
            "date": i.date.isoformat(), "staff": i.staff, "notify_by": _day(notice.due if notice else None),
            "notify_at_once": at_once, "amendment": i.amendment,
            "notified_at": clock.iso(i.notified_at), "done_at": clock.iso(i.done_at), "edited": bool(i.edited),
            "note": i.note}


def rectification_dict(r: Rectification, project: Project, due: Obligation | None) -> dict:
    return {"number": r.number, "project": project.code, "content": r.content, "owner": r.owner,
            "created_at": clock.iso(r.created_at), "due": _day(due.due if due else None),
            "closed_at": clock.iso(r.closed_at), "result": r.result, "verified_by": r.verified_by}


EXPIRING_DAYS = 30  # the pre-expiry revisit's window (seed: 「保修期结束前的回访」)


def period_text(item: WarrantyItem) -> str:
    if item.seasons is not None and item.years is None:
        return t("{n}个{k}期", "{n} {k} periods", n=item.seasons,
                 k=t("采暖", "heating") if item.part == "heating" else t("供冷", "cooling"))
    if item.years is not None:
        return t("{n}年", "{n} years", n=item.years)
    return t("待约定", "by contract")


def warranty_status(item: WarrantyItem, as_of) -> str:
    if item.expires is None:
        return "needs_term"
    if as_of > item.expires:
        return "expired"
    if (item.expires - as_of).days <= EXPIRING_DAYS:
        return "expiring"
    return "active"


def warranty_item_dict(item: WarrantyItem, as_of) -> dict:
    return {"part": item.part, "period": period_text(item), "years": item.years, "seasons": item.seasons,
            "starts": item.starts.isoformat(), "expires": _day(item.expires),
            "status": warranty_status(item, as_of), "source": item.source, "note": item.note}


def season_of(region: Region | None, part: str):
    """The region's heating (or cooling) period for a part, or None when it has none."""
    if region is None:
        return None
    if part == "heating":
        return rules.season_from(region.heating_start, region.heating_end)
    return rules.season_from(region.cooling_start, region.cooling_end)


def statutory_item(project: Project, part: str, region: Region | None) -> WarrantyItem:
    """The item a part gets at completion acceptance, by 第四十条 (not added to any session)."""
    years, seasons, expires, source = rules.statutory_term(part, project.completed_on, project.design_life,
                                                           season_of(region, part))
    return WarrantyItem(project_id=project.id, part=part, starts=project.completed_on, years=years, seasons=seasons,
                        expires=expires, source=source)


def region_dict(r: Region) -> dict:
    return {"code": r.code, "name": r.name,
            "heating": f"{r.heating_start}:{r.heating_end}" if r.heating_start else None,
            "cooling": f"{r.cooling_start}:{r.cooling_end}" if r.cooling_start else None}
