"""The measures of SPEC §6 for a period, and the rows of the monthly workbook.

Read-only: every function returns plain objects; the terminal and xlsx renderers take
them and never query. Every rate carries its numerator and denominator.

Definitions (a period is whole days, China time; "valid" = not rejected; a voided complaint
counts nowhere):

* handling rate 处理率 — valid complaints whose resolve deadline falls in the period and that
  were resolved by the period's end / valid complaints whose resolve deadline falls in it;
* revisit rate 回访率 — valid complaints resolved in the period that have had their follow-up
  visit / those of them whose visit is due by the report date; those not yet due are listed
  apart (the target is 100%, seed 「投诉回访率为100%」);
* on-time revisit rate 按时回访率 — follow-up deadlines in the period met on or before the day /
  follow-up deadlines in the period;
* satisfaction rate 满意率 — (满意 + 基本满意) / follow-up visits made in the period;
* days to resolve — working days from acceptance to resolution, for complaints resolved in the
  period: median and 90th percentile (nearest rank);
* repeat complainants — the same person (name and contact) or the same address with more
  than one complaint received in the period.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import json
import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, func, or_
from sqlmodel import select

from tsms import clock, rules
from tsms.errors import TsmsError
from tsms.fields import BY_KEY, LEDGER_SHEET
from tsms.queries.complaints import untimed_of
from tsms.queries.obligations import late as late_items
from tsms.store import changes, engine
from tsms.store.tables import (Claim, Complaint, Event, Obligation, PlanItem, Project, QualityRevisit, Rectification,
                               Revisit)
from tsms.store.unit import reading
from tsms.vocab import Category, Channel, Urgency, t

# the complaint's fields (tsms.fields) that the workbook's 投诉台账 and 投诉台账(续) show, and the project's code
LEDGER_KEYS = tuple(dict.fromkeys(("project", *(key for keys, _ in LEDGER_SHEET for key in keys))))
LEDGER_COLUMNS = tuple(getattr(Project if BY_KEY[k].source == "project" else Complaint, BY_KEY[k].column)
                       for k in LEDGER_KEYS)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_at(self) -> dt.datetime:  # exclusive
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())


def period(month: str | None = None, year: str | None = None, start: str | None = None,
           end: str | None = None, today: dt.date | None = None) -> Period:
    """--month YYYY-MM, --year YYYY, or --from/--to; by default the last whole month."""
    today = today or clock.today()
    given = sum(x is not None for x in (month, year)) + (start is not None or end is not None)
    if given > 1:
        raise TsmsError(t("--month、--year、--from/--to 只能选一种", "give one of --month, --year, --from/--to"))
    if month is not None:
        first = clock.parse_month(month, "--month")
        last = first.replace(day=_calendar.monthrange(first.year, first.month)[1])
        return Period(first, last, first.strftime("%Y-%m"))
    if year is not None:
        y = clock.parse_year(year, "--year")
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y))
    if start is not None or end is not None:
        if start is None or end is None:
            raise TsmsError(t("--from 与 --to 要一起给", "give both --from and --to"))
        a, b = clock.parse_date(start, "--from"), clock.parse_date(end, "--to")
        if b < a:
            raise TsmsError(t("--to 早于 --from", "--to is before --from"))
        return Period(a, b, f"{a.isoformat()}~{b.isoformat()}")
    first_this = today.replace(day=1)
    last = first_this - dt.timedelta(days=1)
    first = last.replace(day=1)
    return Period(first, last, first.strftime("%Y-%m"))


def month_to_date(today: dt.date) -> Period:
    """The current month from its first day to ``today``: the report's period when none is
    given and last month holds no complaint (a new ledger, the demo)."""
    first = today.replace(day=1)
    return Period(first, today, t("{m}(至 {d} 日)", "{m} (to the {d}th)", m=first.strftime("%Y-%m"), d=today.day))


def _rate(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "rate": round(numerator / denominator, 4) if denominator else None}


def _nearest_rank(values: list[int], q: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def build(ledger: engine.Ledger, p: Period, project: str | None = None, as_of: dt.date | None = None) -> dict:
    """The measures for the period (the workbook's long sheets come from :func:`rows`)."""
    with reading(ledger) as ctx:
        session = ctx.session
        as_of = as_of or ctx.now().date()
        scope = ctx.project(project) if project else None
        site = {"code": ctx.setting("site_code"), "name": ctx.setting("site_name")}
        in_scope = _scope(scope)

        # counts by every dimension at once: a few hundred groups, not the month's rows
        in_period = (Complaint.received_at >= p.start_at, Complaint.received_at < p.end_at)
        groups = _core(session, in_scope(
            select(Complaint.category, Complaint.channel, Complaint.urgency, Complaint.status, Complaint.night_time,
                   Complaint.serious, Project.code, func.count())
            .join(Project, Project.id == Complaint.project_id).where(*in_period)
            .group_by(Complaint.category, Complaint.channel, Complaint.urgency, Complaint.status,
                      Complaint.night_time, Complaint.serious, Project.code)
        )).all()
        counts = {key: Counter() for key in ("category", "channel", "urgency", "status", "night_time", "serious",
                                             "project")}
        for *values, n in groups:
            for key, value in zip(counts, values):
                counts[key][value] += n
        repeats = _repeats(session, in_scope, in_period)

        # handling: resolve deadlines in the period (the first of each valid complaint)
        due_rows = _core(session, in_scope(
            select(Obligation.complaint_id, Complaint.resolved_at)
            .join(Complaint, Complaint.id == Obligation.complaint_id)
            .where(Obligation.kind == "resolve", Obligation.due >= p.start, Obligation.due <= p.end,
                   Complaint.status != "rejected")
        )).all()
        handled = {cid: resolved_at is not None and resolved_at < p.end_at for cid, resolved_at in due_rows}

        # resolved in the period: revisit rate, days to resolve
        latest_revisit_due = (select(Obligation.due)
                              .where(Obligation.complaint_id == Complaint.id, Obligation.kind == "revisit")
                              .order_by(Obligation.id.desc()).limit(1).scalar_subquery())
        resolved = _core(session, in_scope(
            select(Complaint.number, Complaint.accepted_at, Complaint.resolved_at, Complaint.revisited_at,
                   latest_revisit_due)
            .where(Complaint.resolved_at >= p.start_at, Complaint.resolved_at < p.end_at,
                   Complaint.status != "rejected")
        ))
        done, due_count, pending = 0, 0, []
        spans = []
        for number, accepted_at, resolved_at, revisited_at, due in resolved:
            if revisited_at is not None and revisited_at >= resolved_at:
                done += 1
                due_count += 1
            elif due is not None and not rules.is_late(due, as_of):
                pending.append({"number": number, "revisit_due": due.isoformat(),
                                "provisional": not ctx.calendar.is_confirmed(due.year)})
            else:
                due_count += 1
            if accepted_at is not None:
                spans.append((accepted_at.date(), resolved_at.date()))
        days_to_resolve = []
        if spans:
            count = rules.working_day_counter(min(a for a, _ in spans), max(b for _, b in spans), ctx.calendar)
            days_to_resolve = [count(a, b) for a, b in spans]

        # revisit deadlines in the period: on time or not
        revisit_due = _core(session, in_scope(
            select(Obligation.due, Obligation.met_at).join(Complaint, Complaint.id == Obligation.complaint_id)
            .where(Obligation.kind == "revisit", Obligation.due >= p.start, Obligation.due <= p.end)
        )).all()
        on_time = sum(1 for due, met_at in revisit_due if met_at is not None and not rules.is_late(due, met_at.date()))

        answers = Counter(r[0] for r in _core(session, in_scope(
            select(Revisit.satisfaction).join(Complaint, Complaint.id == Revisit.complaint_id)
            .where(Revisit.at >= p.start_at, Revisit.at < p.end_at)
        )).all())
        # 超期清单: obligations of every kind due in the period, met late or still open after
        # their deadline on the report day
        late = late_items(session, as_of=as_of, due_from=p.start, due_to=p.end, met_late=True,
                          project_id=scope.id if scope else None, at=clock.moment_on(as_of, ctx.now()))
        plan_execution, claims = _after_sales(session, scope, p, as_of)
        head = changes.head(session.connection().exec_driver_sql)

    received = sum(counts["status"].values())
    rejected = counts["status"]["rejected"]
    pending.sort(key=lambda x: x["number"])
    return {
        "site": site,
        "period": {"label": p.label, "from": p.start.isoformat(), "to": p.end.isoformat(),
                   "as_of": as_of.isoformat()},
        "project": scope.code if scope else None,
        "complaints": {"received": received, "valid": received - rejected, "rejected": rejected,
                       "night_time": counts["night_time"][True], "serious": counts["serious"][True]},
        "handling_rate": _rate(sum(handled.values()), len(handled)),
        "revisit_rate": {**_rate(done, due_count), "target": 1.0, "not_yet_due": pending},
        "on_time_revisit_rate": _rate(on_time, len(revisit_due)),
        "satisfaction_rate": {**_rate(answers["satisfied"] + answers["basic"], sum(answers.values())),
                              "satisfied": answers["satisfied"], "basic": answers["basic"],
                              "unsatisfied": answers["unsatisfied"]},
        "by_category": {c.value: counts["category"][c.value] for c in Category},
        "by_channel": {c.value: counts["channel"][c.value] for c in Channel},
        "by_urgency": {u.value: counts["urgency"][u.value] for u in Urgency},
        "by_project": dict(sorted(counts["project"].items())),
        "days_to_resolve": {"count": len(days_to_resolve), "median": _median(days_to_resolve),
                            "p90": _nearest_rank(days_to_resolve, 0.9)},
        "repeat_complainants": repeats,
        "late_steps": len(late),
        "late": late,
        # from the revisit plan and warranty claims (tsms plan / tsms claim); None when the
        # ledger has none in the period
        "plan_execution": plan_execution,
        "warranty_claims": claims,
        # the ledger's head when the report was made: `tsms check --against` the workbook
        "head": head,
    }


def _core(session, statement):
    """Run a plain column select through Core: the ORM's row loading adds nothing here but time."""
    return session.connection().execute(statement)


def _after_sales(session, scope: Project | None, p: Period, as_of: dt.date) -> tuple[dict | None, dict | None]:
    """Plan execution (planned revisits done / due in the period, up to the report date)
    and warranty claims received in the period with their on-time inspection rate."""
    last = min(p.end, as_of)
    items = select(PlanItem.done_at).where(PlanItem.date >= p.start, PlanItem.date <= last)
    claims = select(Claim.in_warranty, Claim.paid, Obligation.due, Claim.inspected_at).join(
        Obligation, and_(Obligation.claim_id == Claim.id, Obligation.kind == "claim")).where(
        Claim.received_at >= p.start_at, Claim.received_at < p.end_at)
    if scope is not None:
        items = items.where(PlanItem.project_id == scope.id)
        claims = claims.where(Claim.project_id == scope.id)
    planned = _core(session, items).all()
    plan = {**_rate(sum(1 for (done,) in planned if done is not None), len(planned))} if planned else None
    rows = _core(session, claims).all()
    if not rows:
        return plan, None
    due = [(d, i) for _, _, d, i in rows if i is not None or rules.is_late(d, as_of)]
    on_time = sum(1 for d, i in due if i is not None and not rules.is_late(d, i.date()))
    return plan, {"count": len(rows), "in_warranty": sum(1 for w, *_ in rows if w),
                  "paid": sum(1 for _, paid, *_ in rows if paid), "inspection_on_time": _rate(on_time, len(due))}


def _scope(project: Project | None):
    """Every query of the measures and the long sheets goes through this: the project, and
    never a voided complaint (作废: an entry that should never have been made)."""
    live = Complaint.status != "void"
    return (lambda q: q.where(Complaint.project_id == project.id, live)) if project else (lambda q: q.where(live))


class Rows:
    """The long sheets' rows, read as they are written (a month may hold tens of thousands)."""

    def __init__(self, ledger: engine.Ledger, p: Period, project: str | None):
        self.ledger, self.period, self.project = ledger, p, project

    def __enter__(self):
        self._cm = reading(self.ledger)
        ctx = self._cm.__enter__()
        self.ctx = ctx
        self.session = ctx.session
        self.scope = ctx.project(self.project) if self.project else None
        self.in_scope = _scope(self.scope)
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)

    def complaints(self):
        """The ledger sheet's rows for complaints received in the period: the LEDGER_KEYS, and
        for each moment among them ``<key minus _at>_time_known`` — false when it was given as
        a date alone (the workbook writes that day as a date-only cell, never 00:00)."""
        p = self.period
        yield from self._ledger_rows((Complaint.received_at >= p.start_at, Complaint.received_at < p.end_at))

    def carried(self):
        """Complaints received before the period that a measure of the period counts: their
        resolve or revisit deadline falls in it, or they were resolved or revisited in it
        (the workbook lists them after the period's own, so every counted one is on a sheet).
        The same rows as ``complaints``, time-known flags included."""
        p = self.period
        due = (select(Obligation.complaint_id)
               .where(Obligation.kind.in_(("resolve", "revisit")), Obligation.due >= p.start, Obligation.due <= p.end))
        resolved = select(Complaint.id).where(Complaint.resolved_at >= p.start_at, Complaint.resolved_at < p.end_at)
        visited = select(Revisit.complaint_id).where(Revisit.at >= p.start_at, Revisit.at < p.end_at)
        ids = due.union(resolved, visited).subquery()
        yield from self._ledger_rows((Complaint.id.in_(select(ids.c[0])), Complaint.received_at < p.start_at))

    def _ledger_rows(self, where: tuple):
        untimed: dict[int, set] = {}
        for complaint_id, at, details in self.session.connection().execute(self.in_scope(
                select(Event.complaint_id, Event.at, Event.details).join(Complaint, Complaint.id == Event.complaint_id)
                .where(*where, Event.details.like('%"untimed"%')))):
            untimed.setdefault(complaint_id, set()).update(untimed_of(json.loads(details).get("untimed"), at))
        moments = [k for k in LEDGER_KEYS if BY_KEY[k].kind == "time" and BY_KEY[k].source != "project"]
        result = self.session.connection().execute(self.in_scope(
            select(*LEDGER_COLUMNS, Complaint.id, Complaint.received_time_known, Complaint.occurred_time_known)
            .join(Project, Project.id == Complaint.project_id)
            .where(*where)
            .order_by(Complaint.received_at, Complaint.id)
        ).execution_options(yield_per=1000))
        n = len(LEDGER_KEYS)
        for row in result:
            out = dict(zip(LEDGER_KEYS, row[:n]))
            complaint_id, received_known, occurred_known = row[n:]
            marks = untimed.get(complaint_id, ())
            for key in moments:
                field = "resolved_at" if key == "previous_resolved_at" else key
                out[f"{key[:-3]}_time_known"] = out[key] is None or (field, out[key]) not in marks
            out["received_time_known"], out["occurred_time_known"] = bool(received_known), bool(occurred_known)
            yield out

    def overdue(self, as_of: dt.date) -> list[dict]:
        """What ``tsms overdue --as-of`` lists on the report day (the same query), for the
        report's project when it has one."""
        from tsms.queries.obligations import overdue_in

        items = overdue_in(self.ctx, as_of)
        if self.scope is not None:
            items = [i for i in items if i["project"] == self.scope.code]
        return items

    def rectifications(self) -> list[dict]:
        """Rectifications open at some time in the period: found before its end and not
        closed before its start."""
        p = self.period
        query = (select(Rectification.number, Project.code, Rectification.content, Rectification.owner,
                        Rectification.created_at, Obligation.due, Rectification.closed_at, Rectification.result,
                        Rectification.verified_by)
                 .join(Project, Project.id == Rectification.project_id)
                 .outerjoin(Obligation, and_(Obligation.rectification_id == Rectification.id,
                                             Obligation.kind == "rectification"))
                 .where(Rectification.created_at < p.end_at,
                        or_(Rectification.closed_at.is_(None), Rectification.closed_at >= p.start_at))
                 .order_by(Rectification.created_at, Rectification.id))
        if self.scope is not None:
            query = query.where(Rectification.project_id == self.scope.id)
        keys = ("number", "project", "content", "owner", "found_at", "due", "closed_at", "result", "verified_by")
        return [dict(zip(keys, row)) for row in _core(self.session, query)]

    def quality_revisits(self) -> list[dict]:
        """Planned (quality) revisits made in the period, with their scores, what was found
        and the rectifications it became."""
        import json

        p = self.period
        found = (select(func.group_concat(Rectification.number))
                 .where(Rectification.revisit_id == QualityRevisit.id).scalar_subquery())
        q = QualityRevisit
        query = (select(q.at, Project.code, Project.name, q.plan_item_id, PlanItem.kind, q.method, q.visitors,
                        q.person_met, q.satisfaction, q.scores, q.found, found, q.signed_by, q.note)
                 .join(Project, Project.id == q.project_id)
                 .outerjoin(PlanItem, PlanItem.id == q.plan_item_id)
                 .where(q.at >= p.start_at, q.at < p.end_at).order_by(q.at, q.id))
        if self.scope is not None:
            query = query.where(q.project_id == self.scope.id)
        keys = ("at", "project", "project_name", "plan_item", "kind", "method", "visitors", "person_met",
                "satisfaction", "scores", "found", "rectifications", "signed_by", "note")
        out = []
        for row in _core(self.session, query):
            item = dict(zip(keys, row))
            item["scores"] = json.loads(item["scores"]) if item["scores"] else {}
            out.append(item)
        return out

    def claims(self):
        """(claim, project code, inspection due date) for the claims received in the period."""
        p = self.period
        query = (select(Claim, Project.code, Obligation.due).join(Project, Project.id == Claim.project_id)
                 .outerjoin(Obligation, and_(Obligation.claim_id == Claim.id, Obligation.kind == "claim"))
                 .where(Claim.received_at >= p.start_at, Claim.received_at < p.end_at).order_by(Claim.received_at))
        if self.scope is not None:
            query = query.where(Claim.project_id == self.scope.id)
        yield from self.session.exec(query)

    def plan_items(self):
        """(item, project code, project name, notify-by date) for the items in the period."""
        p = self.period
        query = (select(PlanItem, Project.code, Project.name, Obligation.due)
                 .join(Project, Project.id == PlanItem.project_id)
                 .outerjoin(Obligation, and_(Obligation.plan_item_id == PlanItem.id, Obligation.kind == "notice"))
                 .where(PlanItem.date >= p.start, PlanItem.date <= p.end).order_by(PlanItem.date, Project.code))
        if self.scope is not None:
            query = query.where(PlanItem.project_id == self.scope.id)
        yield from self.session.exec(query)

    def revisits(self):
        p = self.period
        result = self.session.connection().execute(self.in_scope(
            select(Revisit.at, Revisit.satisfaction, Revisit.method, Revisit.visitor, Revisit.person_met,
                   Revisit.note, Revisit.due, Complaint.number, Complaint.complainant, Complaint.contact,
                   Project.code)
            .join(Complaint, Complaint.id == Revisit.complaint_id)
            .join(Project, Project.id == Complaint.project_id)
            .where(Revisit.at >= p.start_at, Revisit.at < p.end_at)
            .order_by(Revisit.at)
        ).execution_options(yield_per=1000))
        keys = ("at", "satisfaction", "method", "visitor", "person_met", "note", "due", "number", "complainant",
                "contact", "project")
        for row in result:
            yield dict(zip(keys, row))


def rows(ledger: engine.Ledger, p: Period, project: str | None = None) -> Rows:
    return Rows(ledger, p, project)


def _repeats(session, in_scope, in_period) -> list[dict]:
    """The same person (name and contact) or the same address more than once in the period."""
    out = []
    person = (Complaint.complainant, Complaint.contact)
    for name, contact, n, numbers in _core(session, in_scope(
        select(*person, func.count(), func.group_concat(Complaint.number)).where(
            *in_period, or_(Complaint.complainant.is_not(None), Complaint.contact.is_not(None)))
        .group_by(*person).having(func.count() > 1)
    )):
        out.append({"by": "person", "complainant": name, "contact": contact, "count": n,
                    "numbers": sorted(numbers.split(","))})
    for address, n, numbers in _core(session, in_scope(
        select(Complaint.address, func.count(), func.group_concat(Complaint.number)).where(
            *in_period, Complaint.address.is_not(None))
        .group_by(Complaint.address).having(func.count() > 1)
    )):
        out.append({"by": "address", "address": address, "count": n, "numbers": sorted(numbers.split(","))})
    return sorted(out, key=lambda x: (-x["count"], x["numbers"][0]))
