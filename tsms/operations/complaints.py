"""The complaint lifecycle of SPEC §2, one transaction per action:

received ─accept→ accepted ─assign→ assigned ─resolve→ resolved ─revisit(ok)→ closed ─archive→ archived
   └─reject→ rejected                    ▲                    │
                                         └─revisit(unsatisfied)┘ (reopened, new deadline)
"""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlmodel import select

from tsms import clock, rules
from tsms.checks import LONG, clean, happened, not_future, untimed_mark
from tsms.errors import TsmsError
from tsms.store import engine
from tsms.store.tables import Complaint, Obligation, Project, Revisit, Staff
from tsms.store.unit import Context, writing
from tsms.vocab import (
    REFERRED_CHANNELS,
    Category,
    Channel,
    RevisitMethod,
    Role,
    Satisfaction,
    Status,
    Urgency,
    t,
)

ACTIONS = {
    "accept": ("受理", "accept"),
    "reject": ("不予受理", "reject"),
    "assign": ("派单", "assign"),
    "resolve": ("处理完毕", "resolve"),
    "revisit": ("回访", "revisit"),
    "escalate": ("上报", "escalate"),
    "reply": ("回复转办部门", "reply"),
    "archive": ("归档", "archive"),
}

ALLOWED: dict[Status, tuple[str, ...]] = {
    Status.received: ("accept", "reject", "assign", "escalate"),
    Status.accepted: ("assign", "escalate"),
    Status.assigned: ("assign", "resolve", "escalate"),
    Status.resolved: ("revisit", "reply", "escalate"),
    Status.closed: ("reply", "archive"),
    Status.rejected: ("reply", "archive"),
    Status.archived: (),
    Status.void: (),
}


def _action_label(action: str) -> str:
    zh, en = ACTIONS[action]
    return t(zh, en)


def _require(c: Complaint, action: str) -> None:
    _not_void(c)
    status = Status(c.status)
    if action in ALLOWED[status]:
        return
    possible = [a for a in ALLOWED[status] if a != "reply" or Channel(c.channel) in REFERRED_CHANNELS]
    allowed = t("、", ", ").join(_action_label(a) for a in possible)
    if not possible:  # archived: the end of the road
        raise TsmsError(t("{n} 已归档,不能再改(不能{a})", "{n} is archived and can no longer change ({a} refused)",
                          n=c.number, a=_action_label(action)))
    raise TsmsError(
        t(
            "{n} 当前状态为「{s}」,不能{a};此状态可执行:{k}",
            "{n} is {s}: {a} is not allowed; allowed now: {k}",
            n=c.number, s=status.label, a=_action_label(action),
            k=allowed if allowed else "-",
        )
    )


@contextlib.contextmanager
def _acting(ledger: engine.Ledger, number: str, action: str | None, by: str | None):
    """One action on one complaint: a write transaction, the complaint, and the check that
    its state allows the action (None: the caller checks). Afterwards the complaint's open
    obligations name whoever holds them now."""
    with writing(ledger, by) as ctx:
        c = ctx.complaint(number)
        if action is not None:
            _require(c, action)
        yield ctx, c
        for kind, row in ctx.open_obligations(complaint_id=c.id).items():
            holder = _holder(kind, c)
            if row.holder != holder:
                row.holder = holder
                ctx.session.add(row)


def _holder(kind: str, c: Complaint) -> str | None:
    """Who holds a step: the handler for resolving, else the first acceptor, who follows the
    complaint until it is solved (seed 4.2.4 「第一投诉受理人有责任跟踪处理情况」)."""
    if kind == "resolve":
        return c.assignee or c.accept_person or c.clerk
    if kind == "accept":
        return c.clerk
    return c.accept_person or c.clerk


def step_basis(kind: str, urgency: str, moment: dt.datetime) -> str:
    """What a complaint step's rule needs besides the day: the hour of receipt for accepting
    当场; the urgency, and for an urgent complaint's resolve and reply the time of day (a
    limit in hours)."""
    if kind == "accept":
        return str(moment.hour)
    if kind in ("resolve", "reply") and urgency == "urgent":
        return f"urgent {moment:%H:%M}"
    return urgency


def _start(ctx: Context, c: Complaint, kind: str, moment: dt.datetime) -> Obligation:
    """Start the complaint's obligation of ``kind`` at ``moment`` (its basis: step_basis)."""
    return ctx.oblige(kind, moment.date(), basis=step_basis(kind, c.urgency, moment), holder=_holder(kind, c),
                      project_id=c.project_id, complaint_id=c.id)


def _finish(ctx: Context, c: Complaint, kind: str, at: dt.datetime) -> Obligation | None:
    return ctx.meet(kind, at, complaint_id=c.id)


def _open_step(ctx: Context, c: Complaint, kind: str) -> Obligation | None:
    return ctx.open_obligations(complaint_id=c.id).get(kind)


# --------------------------------------------------------------------------- log


# the same complaint typed twice: the same contact and content, logged this close together
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def _checked(given: dict) -> dict:
    """The complaint's own fields as typed (only those given, not None), checked as ``log``
    checks them; the column names as keys, values as stored."""
    checks = {
        "channel": lambda v: Channel.parse(v, "--channel").value,
        "category": lambda v: Category.parse(v, "--category").value,
        "urgency": lambda v: Urgency.parse(v, "--urgency").value,
        "content": lambda v: clean(v, "--content", required=True, limit=LONG, multiline=True),
        "complainant": lambda v: clean(v, "--from"),
        "complainant_org": lambda v: clean(v, "--org"),
        "contact": lambda v: clean(v, "--contact"),
        "address": lambda v: clean(v, "--address"),
        "note": lambda v: clean(v, "--note", limit=LONG, multiline=True),
    }
    return {key: checks[key](value) for key, value in given.items() if value is not None}


def log(
    ledger: engine.Ledger,
    *,
    project: str | None,
    channel: str | None,
    category: str,
    urgency: str | None,
    content: str,
    complainant: str | None = None,
    org: str | None = None,
    contact: str | None = None,
    address: str | None = None,
    note: str | None = None,
    serious: bool = False,
    at: str | None = None,
    occurred_at: str | None = None,
    again: bool = False,
    by: str | None = None,
) -> dict:
    """Record a complaint as received and give it its number. The same contact and content
    as a complaint recorded in the last 10 minutes (and received within 10 minutes of this
    one) is the clerk typing it twice: refused, naming that number, unless ``again``."""
    # category and content are required: missing, they are refused as empty ones are
    typed = _checked(dict(channel=channel, category=category or "", urgency=urgency, content=content or "",
                          complainant=complainant, complainant_org=org, contact=contact, address=address, note=note))
    values = dict(
        channel=typed.get("channel", Channel.phone.value),
        category=typed["category"],
        urgency=typed.get("urgency", Urgency.normal.value),
        content=typed["content"],
        complainant=typed.get("complainant"),
        complainant_org=typed.get("complainant_org"),
        contact=typed.get("contact"),
        address=typed.get("address"),
        note=typed.get("note"),
        serious=bool(serious),
    )
    now = ledger.now()
    received, received_known = happened(at, now)
    occurred, occurred_known = None, True
    if occurred_at is not None:
        occurred, occurred_known = clock.parse_moment(occurred_at, "--occurred-at", reference=now)
        not_future(occurred, now, "--occurred-at")
        if occurred > received and (received_known or occurred.date() > received.date()):
            raise TsmsError(t("--occurred-at 不能晚于投诉时间 --at", "--occurred-at cannot be after the complaint's --at"))
    with writing(ledger, by) as ctx:
        session, who = ctx.session, ctx.who
        site = ctx.site
        proj = ctx.project(project)
        if not again:
            _refuse_duplicate(ctx, values, received, now)
        night = (rules.is_night_complaint(values["category"], occurred, occurred_known, ctx.settings) if occurred
                 else rules.is_night_complaint(values["category"], received, received_known, ctx.settings))
        year = received.year
        seq = ctx.next_seq(Complaint, Complaint.year == year)
        c = Complaint(
            number=f"{site}-{year}-{seq:05d}", year=year, seq=seq, project_id=proj.id,
            status=Status.received.value, night_time=night, received_at=received, occurred_at=occurred,
            received_time_known=received_known, occurred_time_known=occurred_known,
            clerk=who, filled_at=now, **values,
        )
        session.add(c)
        session.flush()
        accept = _start(ctx, c, "accept", received)
        escalate = _start(ctx, c, "escalate", received) if c.serious else None
        details = {"number": c.number, "project": proj.code, **values, "night_time": night,
                   "accept_due": accept.due.isoformat()}
        if again:
            details["again"] = True
        ctx.event("log", received, c.id, details=details)
        out = {"number": c.number, "accept_due": accept.due.isoformat(), "provisional": accept.provisional,
               "night_time": night}
        if escalate is not None:  # a serious complaint: 立即上报, by this day
            out["escalate_due"] = escalate.due.isoformat()
        return out


def _refuse_duplicate(ctx: Context, values: dict, received: dt.datetime, now: dt.datetime) -> None:
    """The clerk typing the same complaint twice (SPEC §2): recorded in the last 10 minutes,
    received within 10 minutes of this one, the same contact and content, not voided."""
    earlier = ctx.session.exec(
        select(Complaint.number).where(
            Complaint.filled_at >= now - DUPLICATE_WINDOW, Complaint.content == values["content"],
            Complaint.contact.is_(values["contact"]) if values["contact"] is None
            else Complaint.contact == values["contact"],
            Complaint.received_at >= received - DUPLICATE_WINDOW, Complaint.received_at <= received + DUPLICATE_WINDOW,
            Complaint.status != Status.void.value,
        ).order_by(Complaint.id.desc())
    ).first()
    if earlier is not None:
        raise TsmsError(t(
            "与刚登记的 {n} 重复(联系方式和投诉内容相同);确是再次投诉请加 --again",
            "the same as {n}, logged minutes ago (same contact and content); give --again if it is a new complaint",
            n=earlier))


# --------------------------------------------------------------------------- edit / void (corrections)


def _reason(reason: str | None) -> str:
    if reason is None or not reason.strip():
        raise TsmsError(t("请用 --reason 说明更正或作废的原因", "give --reason: why the entry is corrected or voided"))
    return clean(reason, "--reason", required=True, limit=LONG)


def _latest_step(c: Complaint) -> dt.datetime:
    """The latest moment the complaint records (a correction comes after every step)."""
    return max(x for x in (c.received_at, c.accepted_at, c.rejected_at, c.assigned_at, c.resolved_at, c.escalated_at,
                           c.replied_at, c.revisited_at, c.closed_at, c.archived_at) if x is not None)


def _step_moment(c: Complaint, row: Obligation) -> dt.datetime:
    """The moment a complaint's resolve or reply obligation started: acceptance, rejection
    or the revisit that reopened it — the one on the obligation's starting day."""
    for moment in (c.revisited_at if c.reopened else None, c.accepted_at, c.rejected_at):
        if moment is not None and moment.date() == row.starts:
            return moment
    return dt.datetime.combine(row.starts, dt.time())


def _not_void(c: Complaint) -> None:
    if c.status == Status.void.value:
        raise TsmsError(t("{n} 已作废({r}),不能再更正或处理", "{n} is void ({r}): it cannot be corrected or handled",
                          n=c.number, r=c.void_reason))


def edit(ledger: engine.Ledger, number: str, *, reason: str | None, project: str | None = None,
         channel: str | None = None, category: str | None = None, urgency: str | None = None,
         content: str | None = None, complainant: str | None = None, org: str | None = None,
         contact: str | None = None, address: str | None = None, note: str | None = None,
         at: str | None = None, by: str | None = None) -> dict:
    """Correct what was typed when the complaint was logged (SPEC §2: corrections are new
    events). The fields given are checked as ``log`` checks them; the event ``edit`` keeps
    each changed field's before and after and the reason; the obligations the change
    affects are recomputed (urgency: the open resolve and reply deadlines; channel: the
    reply to a referring department owed or no longer owed; project: every obligation's
    project)."""
    why = _reason(reason)
    wanted = _checked(dict(channel=channel, category=category, urgency=urgency, content=content,
                           complainant=complainant, complainant_org=org, contact=contact, address=address,
                           note=note))
    if project is not None:
        wanted["project"] = project.strip()
    if not wanted:
        raise TsmsError(t(
            "没有要更正的内容;可更正:--project --channel --category --urgency --content --from --org --contact --address --note",
            "nothing to correct; give any of --project --channel --category --urgency --content --from --org --contact "
            "--address --note"))
    with _acting(ledger, number, None, by) as (ctx, c):
        _not_void(c)
        session = ctx.session
        when, known = happened(at, ctx.now(), _latest_step(c), t("上一步", "previous step"))
        changed: dict[str, dict] = {}
        if "project" in wanted:
            proj = ctx.project(wanted.pop("project"))
            if proj.id != c.project_id:
                old = session.get(Project, c.project_id)
                changed["project"] = {"from": old.code, "to": proj.code}
                c.project_id = proj.id
        for key, value in wanted.items():
            if getattr(c, key) != value:
                changed[key] = {"from": getattr(c, key), "to": value}
                setattr(c, key, value)
        if not changed:
            raise TsmsError(t("给出的内容与 {n} 现有的相同,没有要更正的", "{n} already holds what was given: nothing to correct",
                              n=c.number))
        if "category" in changed:
            night = (rules.is_night_complaint(c.category, c.occurred_at, bool(c.occurred_time_known), ctx.settings)
                     if c.occurred_at else
                     rules.is_night_complaint(c.category, c.received_at, bool(c.received_time_known), ctx.settings))
            if night != bool(c.night_time):
                changed["night_time"] = {"from": bool(c.night_time), "to": night}
                c.night_time = night
        session.add(c)
        moved = _recompute_complaint(ctx, c, changed)
        ctx.event("edit", when, c.id, details={"changes": changed, "reason": why, "obligations": moved,
                                               **untimed_mark(known)})
        return {"number": c.number, "changes": changed, "reason": why, "obligations": moved}


def _due_shown(row: Obligation) -> str:
    """A deadline as a correction records it: the day, or the day and hour of a limit in hours."""
    return f"{row.due_at:%Y-%m-%d %H:%M}" if row.due_at is not None else row.due.isoformat()


def _recompute_complaint(ctx: Context, c: Complaint, changed: dict) -> list[dict]:
    """The complaint's obligations after a correction; what moved, appeared or went."""
    out: list[dict] = []
    session = ctx.session
    if "project" in changed:
        for row in session.exec(select(Obligation).where(Obligation.complaint_id == c.id)).all():
            row.project_id = c.project_id
            session.add(row)
    if "urgency" in changed:
        for kind, row in ctx.open_obligations("resolve", "reply", complaint_id=c.id).items():
            moment = _step_moment(c, row)
            basis = f"urgent {moment:%H:%M}" if c.urgency == "urgent" else c.urgency
            before = _due_shown(row)
            row.basis = basis
            ctx.reschedule(row, row.starts)
            out.append({"kind": kind, "from": before, "to": _due_shown(row)})
    if "channel" in changed:
        referred = Channel(c.channel) in REFERRED_CHANNELS
        was = Channel(changed["channel"]["from"]) in REFERRED_CHANNELS
        owed = session.exec(select(Obligation).where(Obligation.complaint_id == c.id,
                                                     Obligation.kind == "reply")).all()
        if referred and not was and not owed:
            start = c.revisited_at if c.reopened else (c.accepted_at or c.rejected_at)
            if start is not None:  # accepted or rejected: the department is owed an answer from then
                row = _start(ctx, c, "reply", start)
                out.append({"kind": "reply", "from": None, "to": _due_shown(row)})
        elif was and not referred:
            # no department referred it: an unanswered reply was never owed (an answer given stays)
            for row in owed:
                if row.met_at is None:
                    out.append({"kind": "reply", "from": _due_shown(row), "to": None})
                    session.delete(row)
    return out


def void(ledger: engine.Ledger, number: str, *, reason: str | None, at: str | None = None,
         by: str | None = None) -> dict:
    """作废: an entry that should never have been made (a duplicate, a mistake). Kept, with
    its number, the reason and the status it had; its open obligations are closed at the
    moment it is voided, and a voided complaint counts in no measure and no late list."""
    why = _reason(reason)
    with _acting(ledger, number, None, by) as (ctx, c):
        _not_void(c)
        when, known = happened(at, ctx.now(), _latest_step(c), t("上一步", "previous step"))
        closed = []
        for row in ctx.session.exec(select(Obligation).where(Obligation.complaint_id == c.id,
                                                             Obligation.met_at.is_(None)).order_by(Obligation.id)).all():
            row.met_at = when
            ctx.session.add(row)
            closed.append(row.kind)
        c.voided_from, c.status, c.voided_at, c.void_reason = c.status, Status.void.value, when, why
        ctx.session.add(c)
        ctx.event("void", when, c.id, details={"reason": why, "from": c.voided_from, "closed": closed,
                                               **untimed_mark(known, "voided_at")})
        return {"number": c.number, "status": c.status, "reason": why, "closed": closed}


# --------------------------------------------------------------------------- accept / reject


def _accept_into(ctx: Context, c: Complaint, at: dt.datetime, dept: str | None, opinion: str | None) -> dict:
    c.accepted_at = at
    c.accept_person = ctx.who
    c.accept_dept = dept or _dept_of(ctx, ctx.who)
    c.accept_opinion = opinion
    c.status = Status.accepted.value
    _finish(ctx, c, "accept", at)
    resolve = _start(ctx, c, "resolve", at)
    due = {"resolve_due": resolve.due.isoformat()}
    if Channel(c.channel) in REFERRED_CHANNELS:
        due["reply_due"] = _start(ctx, c, "reply", at).due.isoformat()
    return due


def _with_hours(ctx: Context, c: Complaint, out: dict) -> dict:
    """A result naming a resolve or reply deadline in hours (an urgent complaint) gives its
    moment too (``resolve_due_at``), so the message shows the hour the limit runs out."""
    for kind in ("resolve", "reply"):
        if out.get(f"{kind}_due"):
            step = _open_step(ctx, c, kind)
            if step is not None and step.due_at is not None:
                out[f"{kind}_due_at"] = clock.iso(step.due_at)
    return out


def _dept_of(ctx: Context, name: str | None) -> str | None:
    if not name:
        return None
    return ctx.session.exec(select(Staff.dept).where(Staff.name == name)).first()


def accept(ledger: engine.Ledger, number: str, *, dept: str | None = None, opinion: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    dept, opinion = clean(dept, "--dept"), clean(opinion, "--opinion", limit=LONG, multiline=True)
    with _acting(ledger, number, "accept", by) as (ctx, c):
        session = ctx.session
        when, known = happened(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        due = _accept_into(ctx, c, when, dept, opinion)
        session.add(c)
        ctx.event("accept", when, c.id, details={"dept": c.accept_dept, "opinion": opinion, **due,
                                                 **untimed_mark(known, "accepted_at")})
        return _with_hours(ctx, c, {"number": c.number, "status": c.status, **due})


def reject(ledger: engine.Ledger, number: str, *, reason: str, advice: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    reason = clean(reason, "--reason", required=True, limit=LONG, multiline=True)
    advice = clean(advice, "--advice", limit=LONG, multiline=True)
    with _acting(ledger, number, "reject", by) as (ctx, c):
        session, who = ctx.session, ctx.who
        when, known = happened(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        c.status, c.rejected_at, c.reject_reason, c.reject_advice = Status.rejected.value, when, reason, advice
        c.accept_person = who
        c.accept_dept = _dept_of(ctx, who)
        _finish(ctx, c, "accept", when)
        due = {}
        if Channel(c.channel) in REFERRED_CHANNELS:
            due["reply_due"] = _start(ctx, c, "reply", when).due.isoformat()
        session.add(c)
        ctx.event("reject", when, c.id, details={"reason": reason, "advice": advice, **due,
                                                 **untimed_mark(known, "rejected_at")})
        return _with_hours(ctx, c, {"number": c.number, "status": c.status, **due})


# --------------------------------------------------------------------------- assign / resolve


def assign(ledger: engine.Ledger, number: str, *, to: str, dept: str | None = None, opinion: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    """Send the complaint to a handling person; from ``received`` it also accepts it."""
    to = clean(to, "--to", required=True)
    dept, opinion = clean(dept, "--dept"), clean(opinion, "--opinion", limit=LONG, multiline=True)
    with _acting(ledger, number, "assign", by) as (ctx, c):
        session = ctx.session
        # the handler may be anyone in a relevant department (seed 3.2 「相关部门负责对投诉的内容进行
        # 处理」), not only the complaint team, but someone on the staff list (tsms staff add takes
        # any department): a typo never becomes a handler. Their department is the default.
        member = ctx.staff_member(to, "--to")
        to, member_dept = member.name, member.dept
        previous = c.assigned_at or c.accepted_at or c.received_at
        when, known = happened(at, ctx.now(), previous, t("上一步", "previous step"))
        due = {}
        untimed = untimed_mark(known, "assigned_at", *(["accepted_at"] if c.status == Status.received.value else []))
        if c.status == Status.received.value:
            due = _accept_into(ctx, c, when, None, None)
        reassigned = c.status == Status.assigned.value
        c.assignee, c.department = to, dept or member_dept
        if opinion:
            c.handling_opinion = opinion
        c.assigned_at, c.status = when, Status.assigned.value
        session.add(c)
        ctx.event("reassign" if reassigned else "assign", when, c.id,
                  details={"to": to, "dept": c.department, "opinion": opinion, **due, **untimed})
        resolve_due = _open_step(ctx, c, "resolve")
        return _with_hours(ctx, c, {"number": c.number, "status": c.status, "assignee": c.assignee,
                                    "department": c.department,
                                    "resolve_due": resolve_due.due.isoformat() if resolve_due else None})


def resolve(ledger: engine.Ledger, number: str, *, result: str, opinion: str | None = None, head: str | None = None,
            at: str | None = None, by: str | None = None) -> dict:
    result = clean(result, "--result", required=True, limit=LONG, multiline=True)
    opinion, head = clean(opinion, "--opinion", limit=LONG, multiline=True), clean(head, "--head")
    with _acting(ledger, number, "resolve", by) as (ctx, c):
        session = ctx.session
        when, known = happened(at, ctx.now(), c.assigned_at, t("派单", "assigned"))
        resolve_step = _finish(ctx, c, "resolve", when)
        c.result, c.resolved_at, c.status = result, when, Status.resolved.value
        if opinion:
            c.handling_opinion = opinion
        c.dept_head = head or c.dept_head
        revisit = _start(ctx, c, "revisit", when)
        session.add(c)
        on_time = resolve_step is None or not rules.is_late(resolve_step.due, when, resolve_step.due_at)
        ctx.event("resolve", when, c.id, details={"result": result, "opinion": opinion, "head": head,
                                                  "on_time": on_time, "revisit_due": revisit.due.isoformat(),
                                                  **untimed_mark(known, "resolved_at")})
        return {"number": c.number, "status": c.status, "revisit_due": revisit.due.isoformat(),
                "provisional": revisit.provisional, "on_time": on_time}


# --------------------------------------------------------------------------- revisit


def revisit(ledger: engine.Ledger, number: str, *, method: str, satisfaction: str, met: str | None = None,
            note: str | None = None, at: str | None = None, by: str | None = None) -> dict:
    """Record the follow-up visit; an unsatisfied answer reopens the complaint."""
    method_value = RevisitMethod.parse(method, "--method").value
    if method_value == RevisitMethod.unrecorded.value:  # for imported revisits only
        raise TsmsError(t("--method 要写明回访方式;可用:{c}", "--method must say how the revisit was made; accepted: {c}",
                          c=RevisitMethod.choices()))
    answer = Satisfaction.parse(satisfaction, "--satisfaction")
    met, note = clean(met, "--met"), clean(note, "--note", limit=LONG, multiline=True)
    with _acting(ledger, number, "revisit", by) as (ctx, c):
        session, who = ctx.session, ctx.who
        when, known = happened(at, ctx.now(), c.resolved_at, t("处理完毕", "resolved"))
        step = _finish(ctx, c, "revisit", when)
        on_time = step is None or not rules.is_late(step.due, when, step.due_at)
        session.add(Revisit(complaint_id=c.id, at=when, method=method_value, satisfaction=answer.value,
                            visitor=who, person_met=met or c.complainant, note=note,
                            due=step.due if step else None))
        c.revisited_at, c.satisfaction = when, answer.value
        out = {"number": c.number, "on_time": on_time}
        if answer is Satisfaction.unsatisfied:
            c.status, c.reopened = Status.assigned.value, c.reopened + 1
            c.closed_at = None
            # 上次处理结果: the earlier result, shown apart until it is resolved again
            c.previous_result, c.previous_resolved_at = c.result, c.resolved_at
            resolve_due = _start(ctx, c, "resolve", when)
            out["resolve_due"] = resolve_due.due.isoformat()
            if Channel(c.channel) in REFERRED_CHANNELS:
                # the referring department is owed the new result too, by the new deadline
                owed = _open_step(ctx, c, "reply")
                if owed is None:
                    owed = _start(ctx, c, "reply", when)
                else:  # not answered yet: the answer waits for the new result
                    owed.basis = f"urgent {when:%H:%M}" if c.urgency == "urgent" else c.urgency
                    ctx.reschedule(owed, when.date())
                out["reply_due"] = owed.due.isoformat()
        else:
            c.status, c.closed_at = Status.closed.value, when
        session.add(c)
        ctx.event("revisit", when, c.id, details={"method": method_value, "satisfaction": answer.value,
                                                  "met": met, "note": note, "on_time": on_time,
                                                  "reopened": answer is Satisfaction.unsatisfied,
                                                  **untimed_mark(known, "revisited_at",
                                                             *([] if answer is Satisfaction.unsatisfied else ["closed_at"]))})
        out["status"] = c.status
        return _with_hours(ctx, c, out)


# --------------------------------------------------------------------------- escalate / reply / archive


def escalate(ledger: engine.Ledger, number: str, *, to: str | None = None, note: str | None = None,
             at: str | None = None, by: str | None = None) -> dict:
    """Report a serious complaint to the team leader (seed: 「立即上报」); marks it serious."""
    to, note = clean(to, "--to"), clean(note, "--note", limit=LONG, multiline=True)
    with _acting(ledger, number, "escalate", by) as (ctx, c):
        session = ctx.session
        if c.escalated_at is not None:
            raise TsmsError(t("{n} 已于 {a} 上报", "{n} was escalated already at {a}", n=c.number, a=clock.short(c.escalated_at)))
        when, known = happened(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        if to is not None:
            to = ctx.staff_member(to, "--to").name
        else:
            to = session.exec(select(Staff.name).where(Staff.role == Role.leader.value).order_by(Staff.id)).first()
            if to is None:
                raise TsmsError(t("请用 --to 指明上报给谁(投诉小组还没有组长)", "give --to: the complaint team has no leader yet"))
        step = _finish(ctx, c, "escalate", when)
        if step is None:  # marked serious now: the step starts and ends with this report
            step = _start(ctx, c, "escalate", when)
            _finish(ctx, c, "escalate", when)
        c.serious, c.escalated_at, c.escalated_to = True, when, to
        session.add(c)
        ctx.event("escalate", when, c.id, details={"to": to, "note": note, "on_time": not rules.is_late(step.due, when, step.due_at),
                                                   **untimed_mark(known, "escalated_at")})
        return {"number": c.number, "escalated_to": to, "on_time": not rules.is_late(step.due, when, step.due_at)}


def reply(ledger: engine.Ledger, number: str, *, text: str, at: str | None = None, by: str | None = None) -> dict:
    """Answer the department that referred the complaint (12345 hotline, 主管部门转办)."""
    body = clean(text, "--text", required=True, limit=LONG, multiline=True)
    with _acting(ledger, number, None, by) as (ctx, c):
        session = ctx.session
        if Channel(c.channel) not in REFERRED_CHANNELS:
            raise TsmsError(
                t("{n} 来自「{ch}」,不是热线或转办,无需回复职能部门", "{n} came by {ch}, not by hotline or referral: there is no department to answer",
                  n=c.number, ch=Channel(c.channel).label)
            )
        _require(c, "reply")
        if c.replied_at is not None and _open_step(ctx, c, "reply") is None:
            raise TsmsError(t("{n} 已于 {a} 回复", "{n} was answered already at {a}", n=c.number, a=clock.short(c.replied_at)))
        when, known = happened(at, ctx.now(), c.resolved_at or c.rejected_at, t("上一步", "previous step"))
        step = _finish(ctx, c, "reply", when)
        c.replied_at, c.reply_text = when, body
        session.add(c)
        on_time = step is None or not rules.is_late(step.due, when, step.due_at)
        ctx.event("reply", when, c.id, details={"text": body, "on_time": on_time, **untimed_mark(known, "replied_at")})
        return {"number": c.number, "replied_at": clock.iso(when), "on_time": on_time}


def archive(ledger: engine.Ledger, number: str, *, at: str | None = None, by: str | None = None) -> dict:
    with _acting(ledger, number, "archive", by) as (ctx, c):
        session = ctx.session
        pending = list(ctx.open_obligations(complaint_id=c.id))
        if pending:
            from tsms.vocab import StepKind

            raise TsmsError(
                t("{n} 还有未完成的环节:{k}", "{n} still has open steps: {k}", n=c.number,
                  k=", ".join(StepKind(k).label for k in pending))
            )
        when, known = happened(at, ctx.now(), c.closed_at or c.replied_at or c.rejected_at, t("上一步", "previous step"))
        c.status, c.archived_at = Status.archived.value, when
        session.add(c)
        ctx.event("archive", when, c.id, details=untimed_mark(known, "archived_at"))
        return {"number": c.number, "status": c.status}
