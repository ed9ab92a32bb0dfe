"""The yearly revisit plan (回访计划), planned quality revisits and rectifications (整改).

Seed 《工程回访和顾客投诉处理办法》 1.4.1: 「每年十二月份,由公司工程部编制次年度工程质量回访
计划,经公司总经理批准后由工程部组织实施…提前20天通知顾客单位,回访计划应包括:工程项目、
回访方式、时间及人员安排等」; 《工程回访管理制度》: in warranty, once a year; seasonal
revisits (rainy season for roofs, walls and windows; winter for heating); the pre-expiry
revisit (「保修期结束前的回访…协商收回质保金」); 《中建工程回访制度范本》: the first revisit
within a month of completion.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlmodel import func, select

from tsms import clock, rules
from tsms.checks import LONG, clean, happened_at, normalise_number
from tsms.errors import TsmsError, shown
from tsms.store import engine
from tsms.store.records import plan_item_dict, rectification_dict
from tsms.store.tables import (
    Obligation,
    Plan,
    PlanItem,
    Project,
    QualityRevisit,
    Rectification,
    Region,
    Staff,
    WarrantyItem,
)
from tsms.store.unit import Context, writing
from tsms.vocab import RevisitMethod, Role, Satisfaction, t

RAINY_SEASON = (6, 15)  # 雨季回访: mid-June, before the plum rains (梅雨)
WINTER_DEFAULT = (12, 1)  # 冬季回访 where the region has no heating period on record
SCORE_DIMENSIONS = {  # SPEC §5; seed 《工程回访管理制度》 2.2.1–2.2.2
    "quality": "施工质量", "plan": "施工方案", "progress": "工程进度", "safety": "安全文明服务",
    "environment": "环境保护", "service": "服务态度", "timeliness": "保修及时性", "repair": "保修质量",
}


# --------------------------------------------------------------------------- drafting (pure)


def _anniversary(completed: dt.date, year: int) -> dt.date:
    return rules.add_period(completed, years=year - completed.year)


def candidates(project: Project, items: list[WarrantyItem], region: Region | None, year: int,
               today: dt.date, s: rules.DeadlineSettings, cal: rules.WorkCalendar) -> list[dict]:
    """The revisits a project needs in ``year`` (pure: the project's rows in, items out).
    Each falls on a working day — the day itself, else the working day before, so that a
    visit is never later than its reason (within the month after completion, before an
    expiry); a routine or seasonal visit that would thereby leave the year takes the working
    day after. A revisit belongs to the plan of the year in which it falls (SPEC §5): a part
    expiring 2027-01-10 is visited 2026-12-11, in the 2026 plan."""
    out = []
    first_of_year = dt.date(year, 1, 1)
    completed = project.completed_on

    def add(kind: str, day: dt.date, method: str, part: str = "", note: str | None = None):
        on = rules.last_working_day_on_or_before(day, cal)
        if on.year != year and kind in ("routine", "seasonal"):
            on = rules.first_working_day_on_or_after(day, cal)
        if on.year == year:
            out.append({"kind": kind, "part": part, "date": on, "method": method, "note": note})

    def covered(part: str, day: dt.date) -> bool:
        """The part is under warranty on that day (a term still to be agreed does not count)."""
        item = next((i for i in items if i.part == part), None)
        return item is not None and item.expires is not None and item.expires >= day

    first_due = rules.add_period(completed, months=1)
    if first_due > today:  # completed less than a month ago (add keeps it to the year it falls in)
        add("first", first_due, "visit", note="竣工后1个月内首次回访")
    in_warranty = any(i.expires is None or i.expires >= first_of_year for i in items)
    anniversary = _anniversary(completed, year)
    if in_warranty and completed.year < year:
        add("routine", anniversary, "visit", note="保修期内每年一次")
    rainy = dt.date(year, *RAINY_SEASON)
    if covered("waterproofing", rainy) and rainy > completed:
        add("seasonal", rainy, "visit", part="waterproofing", note="雨季回访屋面、墙面、门窗防水")
    winter = dt.date(year, *WINTER_DEFAULT)
    if region is not None and region.heating_start:
        month, day = (int(x) for x in region.heating_start.split("-"))
        winter = dt.date(year, month, day) + dt.timedelta(days=14)
    if covered("heating", winter) and winter > completed:
        add("seasonal", winter, "visit", part="heating", note="冬季回访供热系统")
    expiring: dict[dt.date, list[str]] = defaultdict(list)
    for item in items:  # the visit 30 days before may fall in the year before the expiry (add decides)
        if item.expires is not None and item.part != "structure":
            expiring[item.expires].append(item.part)
    for expires, parts in sorted(expiring.items()):
        add("pre_expiry", expires - dt.timedelta(days=s.pre_expiry_days), "visit", part=",".join(sorted(parts)),
            note=f"保修期 {expires.isoformat()} 届满")
    if project.retention is not None and project.retention_returned_at is None:
        ends = rules.liability_end(project.liability_from or completed, project.liability_years)
        add("retention", ends - dt.timedelta(days=s.pre_expiry_days), "meeting",
            note=f"缺陷责任期 {ends.isoformat()} 届满,协商返还质保金")
    return out


# --------------------------------------------------------------------------- operations


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise TsmsError(t("年份应在 2000–2100 之间", "the year must be between 2000 and 2100"))


def draft(ledger: engine.Ledger, year: int, *, approved_too: bool = False, by: str | None = None) -> dict:
    """Draft (or re-draft) the plan from the ledger: items done or edited are kept. An
    approved plan is not changed: what the ledger now asks for besides its items (a project
    completed since, a part now expiring) becomes an **amendment** (增补) with its own
    approval — the plan itself stays approved and on time (SPEC §5). With ``approved_too``
    (--redraft) an approved plan is re-drafted whole and needs its approval again."""
    _check_year(year)
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        plan = session.get(Plan, year)
        if plan is not None and plan.approved_at is not None and not approved_too:
            return _amend(ctx, plan)
        at = ctx.now()
        today = at.date()
        if year < today.year and plan is None:
            raise TsmsError(t("{y} 年已过去,不再编制回访计划;可编制 {a} 年或以后的", "{y} is past: no plan is drafted for it; "
                              "plans are drafted for {a} or later", y=year, a=today.year))
        if plan is None:
            plan = Plan(year=year, drafted_at=at, drafted_by=who)
        else:
            plan.drafted_at, plan.drafted_by, plan.approved_at, plan.approved_by = at, who, None, None
        session.add(plan)
        session.flush()
        for row in session.exec(select(Obligation).where(Obligation.kind == "plan", Obligation.plan_year == year)):
            row.met_at = None  # when the plan is owed, its approval is owed (again)
            session.add(row)
        leaders = _leaders(session)
        existing = {(i.project_id, i.kind, i.part): i for i in
                    session.exec(select(PlanItem).where(PlanItem.year == year)).all()}
        owed = defaultdict(list)  # the existing items' obligations, read at once
        for row in session.exec(select(Obligation).join(PlanItem, PlanItem.id == Obligation.plan_item_id)
                                .where(PlanItem.year == year)):
            owed[row.plan_item_id].append(row)
        wanted = set()
        new, updated = [], 0
        for project, c in _wanted(ctx, year, today):
            key = (project.id, c["kind"], c["part"])
            wanted.add(key)
            item = existing.get(key)
            if item is not None and (item.done_at or item.edited):
                continue
            staff = leaders.get(project.id) or leaders.get(None)
            if item is None:
                new.append(PlanItem(year=year, project_id=project.id, kind=c["kind"], part=c["part"],
                                    method=c["method"], date=c["date"], staff=staff, note=c["note"]))
            elif (item.date, item.method, item.staff) != (c["date"], c["method"], staff):
                item.date, item.method, item.staff = c["date"], c["method"], staff
                session.add(item)
                _reschedule_item(ctx, item, owed[item.id])
                updated += 1
        session.add_all(new)
        session.flush()  # once: the new items' ids for their obligations
        ctx.oblige_many([owed for item in new for owed in _item_obligations(item, today)])
        added = len(new)
        removed = 0
        for key, item in existing.items():
            if key not in wanted and not (item.done_at or item.edited or item.notified_at):
                for row in owed[item.id]:
                    session.delete(row)
                session.delete(item)
                removed += 1
        ctx.event("plan.draft", at, details={"year": year, "added": added, "updated": updated, "removed": removed})
        return {"year": year, "added": added, "amendment": None}


# revisits owed once, not once a year: one in any year's plan is never planned again (SPEC §5
# 「an item is never repeated in a later year's plan」) — a calendar change that moves the day
# across New Year must not put it in both years' plans
ONCE = ("first", "pre_expiry", "retention")


def _planned_once(session, year: int) -> set[tuple[int, str, str]]:
    """The one-time revisits (project, kind, part) already in another year's plan, done or
    open, and the first revisits after completion already made (planned or not)."""
    out = set(session.exec(select(PlanItem.project_id, PlanItem.kind, PlanItem.part)
                           .where(PlanItem.year != year, PlanItem.kind.in_(ONCE))).all())
    made = session.exec(select(Obligation.project_id).where(Obligation.kind == "first_revisit",
                                                            Obligation.met_at.is_not(None))).all()
    out |= {(project_id, "first", "") for project_id in made}
    return out


def _wanted(ctx: Context, year: int, today: dt.date):
    """Every (project, candidate) the ledger asks the plan of ``year`` for."""
    session = ctx.session
    done = _planned_once(session, year)
    projects = session.exec(select(Project).where(Project.completed_on.is_not(None))).all()
    items_by_project: dict[int, list[WarrantyItem]] = defaultdict(list)
    for item in session.exec(select(WarrantyItem)).all():
        items_by_project[item.project_id].append(item)
    regions = {r.code: r for r in session.exec(select(Region)).all()}
    for project in projects:
        for c in candidates(project, items_by_project[project.id], regions.get(project.region or ""), year,
                            today, ctx.settings, ctx.calendar):
            if c["date"] >= today and (project.id, c["kind"], c["part"]) not in done:  # a day past is planned no more
                yield project, c


def _amend(ctx: Context, plan: Plan) -> dict:
    """What an approved plan lacks, as its next amendment, awaiting approval; nothing when
    it lacks nothing (or an amendment already awaits approval: that one is completed)."""
    from tsms.store.tables import PlanAmendment

    session, at = ctx.session, ctx.now()
    existing = {(i.project_id, i.kind, i.part) for i in session.exec(select(PlanItem).where(PlanItem.year == plan.year))}
    leaders = _leaders(session)
    new = [PlanItem(year=plan.year, project_id=project.id, kind=c["kind"], part=c["part"], method=c["method"],
                    date=c["date"], staff=leaders.get(project.id) or leaders.get(None), note=c["note"])
           for project, c in _wanted(ctx, plan.year, at.date()) if (project.id, c["kind"], c["part"]) not in existing]
    if not new:
        return {"year": plan.year, "added": 0, "amendment": None}
    pending = session.exec(select(PlanAmendment).where(PlanAmendment.year == plan.year,
                                                       PlanAmendment.approved_at.is_(None))).first()
    if pending is None:
        number = (session.exec(select(func.max(PlanAmendment.number)).where(PlanAmendment.year == plan.year)).one()
                  or 0) + 1
        pending = PlanAmendment(year=plan.year, number=number, drafted_at=at, drafted_by=ctx.who)
        session.add(pending)
    for item in new:
        item.amendment = pending.number
    session.add_all(new)
    session.flush()
    ctx.oblige_many([owed for item in new for owed in _item_obligations(item, at.date())])
    ctx.event("plan.amend", at, details={"year": plan.year, "amendment": pending.number, "added": len(new)})
    return {"year": plan.year, "added": len(new), "amendment": pending.number}


def _item_obligations(item: PlanItem, planned: dt.date) -> list[tuple[str, dt.date, dict]]:
    """A planned revisit owes the client's notice 20 days ahead — at once when it was planned
    too late for that (``planned``) — and the visit on its day; a first revisit after
    completion is already owed by the project (on_completion)."""
    columns = {"holder": item.staff, "project_id": item.project_id, "plan_item_id": item.id}
    owed = [("notice", item.date, {**columns, "basis": planned.isoformat()})]
    if item.kind != "first":
        owed.append(("planned_revisit", item.date, columns))
    return owed


def _reschedule_item(ctx: Context, item: PlanItem, rows: list[Obligation] | None = None) -> None:
    """The item moved (or changed hands): its open obligations follow."""
    for row in ctx.open_obligations(plan_item_id=item.id).values() if rows is None else rows:
        if row.met_at is None:
            row.holder = item.staff
            ctx.reschedule(row, item.date)


def _leaders(session) -> dict:
    """Who leads the revisits: the project's own team leader, else the site's."""
    out: dict = {}
    rank = {Role.leader.value: 0, Role.deputy.value: 1, Role.member.value: 2}
    for member in sorted(session.exec(select(Staff)).all(), key=lambda m: (rank.get(m.role, 3), m.id)):
        out.setdefault(member.project_id, member.name)
    return out


def approve(ledger: engine.Ledger, year: int, *, by: str | None = None, at: str | None = None) -> dict:
    """The general manager's approval: meets the plan's obligation, when the plan was owed."""
    _check_year(year)
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        plan = session.get(Plan, year)
        if plan is None:
            raise TsmsError(t("{y} 年的回访计划尚未编制;先运行 tsms plan {y}", "no plan for {y} yet; run tsms plan {y}", y=year))
        if plan.approved_at is not None:
            from tsms.store.tables import PlanAmendment

            pending = session.exec(select(PlanAmendment).where(PlanAmendment.year == year,
                                                               PlanAmendment.approved_at.is_(None))).first()
            if pending is None:
                raise TsmsError(t("{y} 年的回访计划已由 {b} 批准,没有待批准的增补", "the {y} plan was approved already by {b}; "
                                  "no amendment awaits approval", y=year, b=plan.approved_by))
            when = happened_at(at, ctx.now(), pending.drafted_at, t("增补编制", "amendment drafted"))
            pending.approved_by, pending.approved_at = who, when
            session.add(pending)
            ctx.event("plan.approve", when, details={"year": year, "amendment": pending.number, "by": who})
            return {"year": year, "amendment": pending.number, "approved_by": who, "approved_at": when}
        when = happened_at(at, ctx.now(), plan.drafted_at, t("编制", "drafted"))
        plan.approved_by, plan.approved_at = who, when
        session.add(plan)
        ctx.meet("plan", when, plan_year=year)
        ctx.event("plan.approve", when, details={"year": year, "by": who})
        return {"year": year, "approved_by": who, "approved_at": when}


def edit_item(ledger: engine.Ledger, item_id: int, *, date: dt.date | None = None, method: str | None = None,
              staff: str | None = None, by: str | None = None) -> dict:
    """Change a planned revisit's date, method or staff; re-drafting keeps the change."""
    method_value = RevisitMethod.parse(method, "--method").value if method else None
    staff = clean(staff, "--staff")
    with writing(ledger, by) as ctx:
        item = _item(ctx.session, item_id)
        if date is not None:
            if date.year != item.year:
                raise TsmsError(t("第 {i} 项属于 {y} 年的计划;--date 应在 {y} 年内", "item {i} is in the {y} plan: "
                                  "--date must fall in {y}", i=item_id, y=item.year))
            if not ctx.calendar.is_working_day(date):  # a planned visit falls on a working day (SPEC §3)
                before = rules.last_working_day_on_or_before(date, ctx.calendar)
                after = rules.first_working_day_on_or_after(date, ctx.calendar)
                raise TsmsError(t("--date {d} 不是工作日;计划回访安排在工作日,例如 {a} 或 {b}",
                                  "--date {d} is not a working day; a planned revisit falls on a working day, "
                                  "e.g. {a} or {b}", d=date, a=before, b=after))
            item.date = date
        if method_value:
            item.method = method_value
        if staff:
            item.staff = staff = ctx.staff_member(staff, "--staff").name
        item.edited = True
        ctx.session.add(item)
        _reschedule_item(ctx, item)
        ctx.event("plan.edit", ctx.now(), details={"item": item_id, "date": str(date) if date else None,
                                                   "method": method_value, "staff": staff})
        return _item_answer(ctx, item)


def _item_answer(ctx: Context, item: PlanItem) -> dict:
    project = ctx.session.get(Project, item.project_id)
    notice = ctx.session.exec(select(Obligation).where(Obligation.plan_item_id == item.id,
                                                       Obligation.kind == "notice")).first()
    return plan_item_dict(item, project.code, project.name, notice)


def _item(session, item_id: int) -> PlanItem:
    item = session.get(PlanItem, item_id) if 0 < item_id < 2**63 else None
    if item is None:
        raise TsmsError(t("回访计划里没有第 {i} 项", "the revisit plan has no item {i}", i=item_id))
    return item


def notify(ledger: engine.Ledger, item_id: int, *, at: str | None = None, by: str | None = None) -> dict:
    """Record that the client was told of a planned revisit (seed: 「提前20天通知顾客单位」)."""
    with writing(ledger, by) as ctx:
        item = _item(ctx.session, item_id)
        if item.notified_at is not None:
            raise TsmsError(t("第 {i} 项已于 {a} 通知", "item {i} was notified already at {a}", i=item_id,
                              a=clock.short(item.notified_at)))
        when = happened_at(at, ctx.now())
        item.notified_at = when
        ctx.session.add(item)
        notice = ctx.meet("notice", when, plan_item_id=item.id)
        on_time = notice is None or not rules.is_late(notice.due, when, notice.due_at)
        ctx.event("plan.notify", when, details={"item": item_id, "on_time": on_time})
        return _item_answer(ctx, item)


# --------------------------------------------------------------------------- quality revisits, rectifications


def parse_scores(text: str | None) -> dict[str, int]:
    """``quality=5,plan=4`` (or Chinese names) → scores 1–5 on the SPEC §5 dimensions."""
    if not text:
        return {}
    by_name = {**{k: k for k in SCORE_DIMENSIONS}, **{v: k for k, v in SCORE_DIMENSIONS.items()}}
    scores = {}
    for part in text.replace(",", ",").split(","):
        name, sep, value = part.partition("=")
        key = by_name.get(name.strip())
        if not sep or key is None or value.strip() not in ("1", "2", "3", "4", "5"):
            raise TsmsError(t("--scores「{p}」:应为 维度=1..5,维度:{d}", "--scores {p!r}: give dimension=1..5; dimensions: {d}",
                              p=shown(part), d=", ".join(SCORE_DIMENSIONS)))
        scores[key] = int(value)
    return scores


def quality_revisit(ledger: engine.Ledger, *, plan_item: int | None, project: str | None, method: str,
                    satisfaction: str | None, scores: str | None, found: str | None, signed_by: str | None,
                    met: str | None, visitors: str | None, note: str | None, owner: str | None,
                    at: str | None, by: str | None) -> dict:
    """Record a planned revisit or a satisfaction survey; a problem found becomes a
    rectification with its deadline (3 months under construction, 6 in warranty)."""
    method_value = RevisitMethod.parse(method, "--method").value
    answer = Satisfaction.parse(satisfaction, "--satisfaction").value if satisfaction else None
    score_map = parse_scores(scores)
    found, signed_by = clean(found, "--found", limit=LONG, multiline=True), clean(signed_by, "--signed-by")
    met, note, owner = clean(met, "--met"), clean(note, "--note", limit=LONG, multiline=True), clean(owner, "--owner")
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        visitors = clean(visitors, "--visitors") or who
        item = None
        if plan_item is not None:
            item = _item(session, plan_item)
            if item.done_at is not None:
                raise TsmsError(t("第 {i} 项已于 {a} 回访", "item {i} was visited already at {a}", i=plan_item,
                                  a=clock.short(item.done_at)))
            proj = session.get(Project, item.project_id)
        elif project:
            proj = ctx.project(project)
        else:
            raise TsmsError(t("请给出投诉编号、--plan-item 或 --project", "give a complaint number, --plan-item or --project"))
        when = happened_at(at, ctx.now())
        visit = QualityRevisit(plan_item_id=item.id if item else None, project_id=proj.id, at=when, method=method_value,
                               visitors=visitors, person_met=met, found=found, satisfaction=answer,
                               scores=json.dumps(score_map) if score_map else None, signed_by=signed_by, note=note)
        session.add(visit)
        session.flush()
        if item is not None:
            item.done_at = when
            session.add(item)
            ctx.meet("planned_revisit", when, plan_item_id=item.id)
            ctx.meet("notice", when, plan_item_id=item.id)  # the visit made, the notice is moot
        if proj.completed_on is not None and when.date() >= proj.completed_on:
            ctx.meet("first_revisit", when, project_id=proj.id)
            if item is None:
                _first_made(ctx, proj, when)
        out = {"revisit": visit.id, "project": proj.code, "plan_item": plan_item, "scores": score_map}
        if found:
            # the project's state on the day the problem was found (seed 《工程回访管理制度》)
            in_warranty = proj.completed_on is not None and proj.completed_on <= when.date()
            year = when.year
            seq = ctx.next_seq(Rectification, Rectification.project_id == proj.id, Rectification.year == year)
            rect = Rectification(number=f"{proj.code}-ZG{year}-{seq:03d}", project_id=proj.id, revisit_id=visit.id,
                                 content=found, owner=owner or proj.manager, created_at=when, year=year, seq=seq)
            session.add(rect)
            session.flush()
            due = ctx.oblige("rectification", when.date(), basis="warranty" if in_warranty else "construction",
                             holder=rect.owner, project_id=proj.id, rectification_id=rect.id)
            out["rectification"] = {"number": rect.number, "due": due.due.isoformat(), "owner": rect.owner}
        ctx.event("quality_revisit", when, details={"project": proj.code, "plan_item": plan_item,
                                                    "method": method_value, "satisfaction": answer,
                                                    "scores": score_map, "found": found, "signed_by": signed_by,
                                                    "rectification": out.get("rectification")})
        return out


def _first_made(ctx: Context, proj: Project, when: dt.datetime) -> None:
    """The first revisit after completion, made without naming its plan item: the plan's
    竣工后首次 item is that visit — done, and its notice moot — so that neither stays open
    in the plan nor in ``overdue``."""
    for first in ctx.session.exec(select(PlanItem).where(PlanItem.project_id == proj.id, PlanItem.kind == "first",
                                                         PlanItem.done_at.is_(None))).all():
        first.done_at = when
        ctx.session.add(first)
        ctx.meet("planned_revisit", when, plan_item_id=first.id)
        ctx.meet("notice", when, plan_item_id=first.id)


def close_rectification(ledger: engine.Ledger, number: str, *, result: str, verified_by: str,
                        at: str | None = None, by: str | None = None) -> dict:
    result = clean(result, "--result", required=True, limit=LONG, multiline=True)
    verified_by = clean(verified_by, "--verified-by", required=True)
    with writing(ledger, by) as ctx:
        session = ctx.session
        rect = session.exec(select(Rectification).where(Rectification.number == normalise_number(number))).first()
        if rect is None:
            raise TsmsError(t("没有编号为「{n}」的整改项", "no rectification numbered {n!r}", n=number))
        if rect.closed_at is not None:
            raise TsmsError(t("{n} 已于 {a} 关闭", "{n} was closed already at {a}", n=rect.number, a=clock.short(rect.closed_at)))
        when = happened_at(at, ctx.now(), rect.created_at, t("发现问题", "problem found"))
        rect.closed_at, rect.result, rect.verified_by = when, result, verified_by
        session.add(rect)
        due = ctx.meet("rectification", when, rectification_id=rect.id)
        ctx.event("rectification.close", when, details={"number": rect.number, "result": result,
                                                        "verified_by": verified_by,
                                                        "on_time": due is None or not rules.is_late(due.due, when, due.due_at)})
        return rectification_dict(rect, session.get(Project, rect.project_id), due)
