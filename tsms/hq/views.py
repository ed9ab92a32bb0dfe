"""What head office reads, over the HQ store (read-only, plain dicts): each site's state
(``hq status``), what is late across sites (``hq overdue``) and the measures (``hq report``).

The measures are the site's own (tsms.queries.reports, SPEC §6) computed over the copied
rows with the same definitions, per site; the company's figure of each is the sum of the
sites' numerators and denominators, so it equals the sum of the sites' own
``tsms report --json`` for the same period and report date (tests/test_hq.py holds them to
it). A site's rows are as of its last bundle. What is late is the site's obligations with
the site's rules (tsms.queries.obligations, tsms.rules): an HQ line means what the site's
``overdue`` line means.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import String, and_, func, or_, select

from tsms import rules
from tsms.hq import tables as T
from tsms.queries.obligations import STATES
from tsms.queries.reports import Period, _median, _nearest_rank
from tsms.vocab import Category, Channel, Urgency

STALE_DAYS = 35


def _sites(conn, site: str | None) -> list:
    s = T.site
    query = select(s).order_by(s.c.site)
    if site is not None:
        query = query.where(s.c.site == site)
    return conn.execute(query).mappings().all()


def known_site(conn, site: str | None) -> None:
    """--site names a site head office holds (else exit 2 listing them)."""
    if site is None:
        return
    from tsms.errors import TsmsError
    from tsms.vocab import t

    codes = [r[0] for r in conn.execute(select(T.site.c.site).order_by(T.site.c.site))]
    if site not in codes:
        raise TsmsError(t("--site 总部没有工地 {s};已有:{k}", "--site: head office holds no site {s}; it holds: {k}",
                          s=site, k=", ".join(codes) or t("(无)", "(none)")))


def _stale(bundled_at: dt.datetime, as_of: dt.date, stale_days: int) -> bool:
    return (as_of - bundled_at.date()).days > stale_days


def status(conn, as_of: dt.date, stale_days: int = STALE_DAYS, site: str | None = None) -> list[dict]:
    """Per site: the accepted head, when the bundle was made and imported, complaints, and
    whether its last bundle is older than ``stale_days`` on ``as_of``."""
    accepted = {r[0]: r[1] for r in conn.execute(
        select(T.imports.c.site, func.count()).where(T.imports.c.action == "accept_divergence")
        .group_by(T.imports.c.site))}
    out = []
    for r in _sites(conn, site):
        out.append({"site": r["site"], "name": r["name"], "head": f"{r['events']}:{r['head_hash']}",
                    "events": r["events"], "bundled_at": r["bundled_at"].isoformat(sep=" "),
                    "imported_at": r["imported_at"].isoformat(sep=" "), "complaints": r["complaints"],
                    "days_since_bundle": (as_of - r["bundled_at"].date()).days,
                    "stale": _stale(r["bundled_at"], as_of, stale_days), "schema_version": r["schema_version"],
                    "divergences_accepted": accepted.get(r["site"], 0)})
    return out


def late(conn, *, as_of: dt.date, due_to: dt.date, due_from: dt.date | None = None, met_late: bool = False,
         site: str | None = None, at: dt.datetime | None = None) -> list[dict]:
    """tsms.queries.obligations.late over the copied obligations of every site (or one),
    each item with its site."""
    o, c, p = T.obligation, T.complaint, T.project
    cl, r, pi, pl = T.claim, T.rectification, T.plan_item, T.plan
    number = func.coalesce(
        c.c.number, cl.c.number, r.c.number,
        pi.c.year.cast(String) + "-" + pi.c.id.cast(String),
        "plan-" + o.c.plan_year.cast(String), p.c.code)
    query = (
        select(o.c.site, o.c.kind, o.c.due, o.c.provisional, o.c.holder, o.c.met_at, number, p.c.code, c.c.status,
               pl.c.year, o.c.due_at, c.c.complainant, c.c.contact)
        .select_from(o)
        .outerjoin(p, and_(p.c.site == o.c.site, p.c.id == o.c.project_id))
        .outerjoin(c, and_(c.c.site == o.c.site, c.c.id == o.c.complaint_id))
        .outerjoin(cl, and_(cl.c.site == o.c.site, cl.c.id == o.c.claim_id))
        .outerjoin(r, and_(r.c.site == o.c.site, r.c.id == o.c.rectification_id))
        .outerjoin(pi, and_(pi.c.site == o.c.site, pi.c.id == o.c.plan_item_id))
        .outerjoin(pl, and_(pl.c.site == o.c.site, pl.c.year == o.c.plan_year))
        .where(o.c.due <= due_to)
        .where(or_(o.c.complaint_id.is_(None), c.c.status != "void"))
    )
    if due_from is not None:
        query = query.where(o.c.due >= due_from)
    if site is not None:
        query = query.where(o.c.site == site)
    open_ = and_(o.c.met_at.is_(None), or_(o.c.kind != "plan", o.c.plan_year >= as_of.year))
    # met on a later day than the deadline, or after the moment an hour limit ran out
    met_after = or_(and_(o.c.due_at.is_(None), func.date(o.c.met_at) > o.c.due),
                    and_(o.c.due_at.is_not(None), o.c.met_at > o.c.due_at))
    query = query.where(or_(open_, and_(o.c.met_at.is_not(None), met_after)) if met_late else open_)
    at = at or dt.datetime.combine(as_of, dt.time())
    out = []
    for (site_code, kind, due, provisional, holder, met_at, label, code, status_, plan, due_at, complainant,
         contact) in conn.execute(query):
        reminder = kind in rules.REMINDERS
        if reminder and met_late:
            continue
        judged = met_at or at  # tsms.queries.obligations.late: the one judgement, rules.is_late
        is_late = not reminder and rules.is_late(due, judged, due_at)
        if met_at is None and met_late and not is_late:
            continue
        if kind == "plan":
            status_ = "draft" if plan else "missing"
        item = {"site": site_code, "kind": kind, "number": label, "project": code if kind != "plan" else "",
                "due": due.isoformat(), "days_late": rules.days_late(due, judged, due_at) if is_late else 0,
                "late": is_late, "assignee": holder,
                "status": status_ or STATES.get(kind, ""), "provisional": bool(provisional),
                "complainant": complainant, "contact": contact}
        if due_at is not None:
            from tsms import clock

            item["due_at"] = clock.iso(due_at)
            item["hours_late"] = rules.hours_late(due_at, judged) if is_late else 0
        out.append(item)
    return sorted(out, key=lambda i: (i["site"], i["due"], i["number"], i["kind"]))


def overdue(conn, as_of: dt.date, site: str | None = None, within: int = 0,
            at: dt.datetime | None = None) -> list[dict]:
    """Every open obligation past its deadline on ``as_of``, across sites, by site — and with
    ``within`` = N those due in the site's next N working days — each late one with its
    ``working_days_late``, counted with its site's calendar (tsms.queries.obligations.overdue_in,
    site by site)."""
    codes = [row["site"] for row in _sites(conn, site)]
    calendars = {code: site_calendar(conn, code) for code in codes}
    # a deadline in days is late from the day after it; one in hours may run out today
    horizons = {code: (rules.add_working_days(as_of, within, calendars[code]) if within else as_of)
                for code in codes}
    if not codes:
        return []
    items = [i for i in late(conn, as_of=as_of, due_to=max(horizons.values()), site=site, at=at)
             if i["site"] in horizons and dt.date.fromisoformat(i["due"]) <= horizons[i["site"]]]
    if not within:
        items = [i for i in items if i["late"] or dt.date.fromisoformat(i["due"]) < as_of]
    counters = {}
    for code in codes:
        days = [dt.date.fromisoformat(i["due"]) for i in items if i["site"] == code and i["late"]]
        if days:
            counters[code] = rules.working_day_counter(min(days), as_of, calendars[code])
    for item in items:
        late_days = item["late"] and ("due_at" not in item or item["days_late"] > 0)
        item["working_days_late"] = counters[item["site"]](dt.date.fromisoformat(item["due"]), as_of) \
            if late_days else 0
    return items


def _rate(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "rate": round(numerator / denominator, 4) if denominator else None}


def _blank() -> dict:
    return {"counts": {k: Counter() for k in ("category", "channel", "urgency", "status", "night_time", "serious")},
            "handled": {}, "revisit": [0, 0, 0], "on_time": [0, 0], "answers": Counter(), "late": 0,
            "plan": [0, 0], "claims": [0, 0, 0, 0, 0], "spans": [], "days": [], "repeats": []}


def report(conn, p: Period, as_of: dt.date, site: str | None = None, stale_days: int = STALE_DAYS) -> dict:
    """The measures of SPEC §6 for the period, per site and for the company (the sums)."""
    o, c, r, pr = T.obligation, T.complaint, T.revisit, T.project
    live = c.c.status != "void"
    one = (lambda q, col: q.where(col == site)) if site is not None else (lambda q, col: q)
    acc: dict[str, dict] = defaultdict(_blank)

    for site_code, cat, chan, urg, st, night, serious, n in conn.execute(one(
            select(c.c.site, c.c.category, c.c.channel, c.c.urgency, c.c.status, c.c.night_time, c.c.serious,
                   func.count())
            .where(c.c.received_at >= p.start_at, c.c.received_at < p.end_at, live)
            .group_by(c.c.site, c.c.category, c.c.channel, c.c.urgency, c.c.status, c.c.night_time, c.c.serious),
            c.c.site)):
        counts = acc[site_code]["counts"]
        for key, value in zip(("category", "channel", "urgency", "status", "night_time", "serious"),
                              (cat, chan, urg, st, bool(night), bool(serious))):
            counts[key][value] += n

    # handling: valid complaints whose resolve deadline falls in the period, resolved by its end
    for site_code, cid, resolved_at in conn.execute(one(
            select(o.c.site, o.c.complaint_id, c.c.resolved_at)
            .join(c, and_(c.c.site == o.c.site, c.c.id == o.c.complaint_id))
            .where(o.c.kind == "resolve", o.c.due >= p.start, o.c.due <= p.end, c.c.status != "rejected", live),
            o.c.site)):
        acc[site_code]["handled"][cid] = resolved_at is not None and resolved_at < p.end_at

    # revisit rate: valid complaints resolved in the period
    latest_due = (select(o.c.due).where(o.c.site == c.c.site, o.c.complaint_id == c.c.id, o.c.kind == "revisit")
                  .order_by(o.c.id.desc()).limit(1).scalar_subquery())
    for site_code, resolved_at, revisited_at, due, accepted_at in conn.execute(one(
            select(c.c.site, c.c.resolved_at, c.c.revisited_at, latest_due, c.c.accepted_at)
            .where(c.c.resolved_at >= p.start_at, c.c.resolved_at < p.end_at, c.c.status != "rejected", live),
            c.c.site)):
        if accepted_at is not None:  # days to resolve, counted below with the site's calendar
            acc[site_code]["spans"].append((accepted_at.date(), resolved_at.date()))
        counts = acc[site_code]["revisit"]  # done, due, not yet due
        if revisited_at is not None and revisited_at >= resolved_at:
            counts[0] += 1
            counts[1] += 1
        elif due is not None and not rules.is_late(due, as_of):
            counts[2] += 1
        else:
            counts[1] += 1

    # on-time revisits: follow-up deadlines in the period met on or before the day
    for site_code, due, met_at in conn.execute(one(
            select(o.c.site, o.c.due, o.c.met_at).join(c, and_(c.c.site == o.c.site, c.c.id == o.c.complaint_id))
            .where(o.c.kind == "revisit", o.c.due >= p.start, o.c.due <= p.end, live), o.c.site)):
        counts = acc[site_code]["on_time"]
        counts[1] += 1
        counts[0] += met_at is not None and not rules.is_late(due, met_at.date())

    for site_code, answer, n in conn.execute(one(
            select(c.c.site, r.c.satisfaction, func.count()).join(c, and_(c.c.site == r.c.site,
                                                                          c.c.id == r.c.complaint_id))
            .where(r.c.at >= p.start_at, r.c.at < p.end_at, live).group_by(c.c.site, r.c.satisfaction), c.c.site)):
        acc[site_code]["answers"][answer] += n

    from tsms import clock

    for item in late(conn, as_of=as_of, due_from=p.start, due_to=p.end, met_late=True, site=site,
                     at=clock.moment_on(as_of)):
        acc[item["site"]]["late"] += 1

    pi, cl = T.plan_item, T.claim
    last = min(p.end, as_of)
    for site_code, done_at in conn.execute(one(
            select(pi.c.site, pi.c.done_at).where(pi.c.date >= p.start, pi.c.date <= last), pi.c.site)):
        acc[site_code]["plan"][1] += 1
        acc[site_code]["plan"][0] += done_at is not None
    for site_code, in_warranty, paid, due, inspected_at in conn.execute(one(
            select(cl.c.site, cl.c.in_warranty, cl.c.paid, o.c.due, cl.c.inspected_at)
            .join(o, and_(o.c.site == cl.c.site, o.c.claim_id == cl.c.id, o.c.kind == "claim"))
            .where(cl.c.received_at >= p.start_at, cl.c.received_at < p.end_at), cl.c.site)):
        counts = acc[site_code]["claims"]  # count, in warranty, paid, inspected on time, inspections due
        counts[0] += 1
        counts[1] += bool(in_warranty)
        counts[2] += bool(paid)
        if inspected_at is not None or rules.is_late(due, as_of):
            counts[4] += 1
            counts[3] += inspected_at is not None and not rules.is_late(due, inspected_at.date())

    for site_code, part in acc.items():
        spans = part.pop("spans")
        if spans:
            count = rules.working_day_counter(min(a for a, _ in spans), max(b for _, b in spans),
                                              site_calendar(conn, site_code))
            part["days"] = [count(a, b) for a, b in spans]
    for item in _repeats(conn, p, site):
        acc[item["site"]]["repeats"].append(item)

    sites = []
    for row in _sites(conn, site):
        m = _measures(acc[row["site"]])
        sites.append({"site": row["site"], "name": row["name"], "head": f"{row['events']}:{row['head_hash']}",
                      "bundled_at": row["bundled_at"].isoformat(sep=" "),
                      "stale": _stale(row["bundled_at"], as_of, stale_days), **m})
    company = _measures(_sum(acc[s["site"]] for s in sites))
    return {"period": {"label": p.label, "from": p.start.isoformat(), "to": p.end.isoformat(),
                       "as_of": as_of.isoformat()},
            "site": site, "sites_count": len(sites), "stale_sites": sum(1 for s in sites if s["stale"]),
            "company": company, "sites": sites}


def _sum(parts) -> dict:
    total = _blank()
    handled = []
    for part in parts:
        for key, counter in part["counts"].items():
            total["counts"][key].update(counter)
        handled.append(part["handled"])
        for key in ("revisit", "on_time", "plan", "claims"):
            total[key] = [a + b for a, b in zip(total[key], part[key])]
        total["answers"].update(part["answers"])
        total["late"] += part["late"]
        total["days"] += part["days"]
        total["repeats"] += part["repeats"]
    total["handled"] = {(i, k): v for i, h in enumerate(handled) for k, v in h.items()}
    return total


def _measures(a: dict) -> dict:
    counts = a["counts"]
    received = sum(counts["status"].values())
    rejected = counts["status"]["rejected"]
    done, due, pending = a["revisit"]
    answers = a["answers"]
    plan_done, plan_due = a["plan"]
    n, in_warranty, paid, on_time, inspections = a["claims"]
    return {
        "complaints": {"received": received, "valid": received - rejected, "rejected": rejected,
                       "night_time": counts["night_time"][True], "serious": counts["serious"][True]},
        "handling_rate": _rate(sum(a["handled"].values()), len(a["handled"])),
        "revisit_rate": {**_rate(done, due), "target": 1.0, "not_yet_due": pending},
        "on_time_revisit_rate": _rate(*a["on_time"]),
        "satisfaction_rate": {**_rate(answers["satisfied"] + answers["basic"], sum(answers.values())),
                              "satisfied": answers["satisfied"], "basic": answers["basic"],
                              "unsatisfied": answers["unsatisfied"]},
        "by_category": {x.value: counts["category"][x.value] for x in Category},
        "by_channel": {x.value: counts["channel"][x.value] for x in Channel},
        "by_urgency": {x.value: counts["urgency"][x.value] for x in Urgency},
        # working days from acceptance to resolution of the complaints resolved in the period,
        # each counted with its site's calendar; the company's median and 90th percentile are
        # those of all the sites' complaints together
        "days_to_resolve": {"count": len(a["days"]), "median": _median(a["days"]),
                            "p90": _nearest_rank(a["days"], 0.9)},
        # within a site (the same person or address at two sites is not the same complainant)
        "repeat_complainants": sorted(a["repeats"], key=lambda x: (-x["count"], x["site"], x["numbers"][0])),
        "late_steps": a["late"],
        "plan_execution": _rate(plan_done, plan_due) if plan_due else None,
        "warranty_claims": {"count": n, "in_warranty": in_warranty, "paid": paid,
                            "inspection_on_time": _rate(on_time, inspections)} if n else None,
    }


def site_calendar(conn, site: str) -> rules.WorkCalendar:
    """The site's working calendar as its ledger held it when bundled: the package years it
    had cached (else this installation's package), the days it recorded and the years it
    confirmed (tsms.store.unit's calendar, over the copied rows)."""
    import json

    from tsms.store import calendar_source as source

    d, y = T.MIRRORS["calendarday"], T.MIRRORS["calendaryear"]
    local = {day: rules.LocalDay(bool(working), note or "")
             for day, working, note in conn.execute(select(d.c.day, d.c.working, d.c.note).where(d.c.site == site))}
    years = {year: (note, data) for year, note, data in conn.execute(
        select(y.c.year, y.c.confirmed_note, y.c.data).where(y.c.site == site))}

    def load(year: int) -> rules.YearCalendar:
        cached = years.get(year)
        if cached is not None and cached[1]:
            return source.decode_year(json.loads(cached[1]))
        return source.year_from_package(year)

    return rules.WorkCalendar(load, local, {year for year, (note, _) in years.items() if note})


def _repeats(conn, p: Period, site: str | None) -> list[dict]:
    """The same person (name and contact) or the same address more than once in the period,
    within a site (tsms.queries.reports._repeats, over the copied rows)."""
    c = T.complaint
    where = [c.c.received_at >= p.start_at, c.c.received_at < p.end_at, c.c.status != "void"]
    if site is not None:
        where.append(c.c.site == site)
    groups: dict[tuple, list[str]] = defaultdict(list)
    for site_code, name, contact, address, number in conn.execute(
            select(c.c.site, c.c.complainant, c.c.contact, c.c.address, c.c.number).where(*where)):
        if name is not None or contact is not None:
            groups[(site_code, "person", name, contact)].append(number)
        if address is not None:
            groups[(site_code, "address", address, None)].append(number)
    out = []
    for (site_code, by, first, second), numbers in groups.items():
        if len(numbers) < 2:
            continue
        item = {"site": site_code, "by": by}
        item.update({"complainant": first, "contact": second} if by == "person" else {"address": first})
        out.append({**item, "count": len(numbers), "numbers": sorted(numbers)})
    return out
