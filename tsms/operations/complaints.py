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
from tsms.checks import LONG, clean, happened, happened_at, not_future
from tsms.errors import TsmsError
from tsms.store import engine
from tsms.store.tables import Complaint, Obligation, Revisit, Staff
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
}


def _action_label(action: str) -> str:
    zh, en = ACTIONS[action]
    return t(zh, en)


def _require(c: Complaint, action: str) -> None:
    status = Status(c.status)
    if action in ALLOWED[status]:
        return
    possible = [a for a in ALLOWED[status] if a != "reply" or Channel(c.channel) in REFERRED_CHANNELS]
    allowed = t("、", ", ").join(_action_label(a) for a in possible)
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


def _start(ctx: Context, c: Complaint, kind: str, moment: dt.datetime) -> Obligation:
    """Start the complaint's obligation of ``kind`` at ``moment``. What its rule needs besides
    the day (``basis``): the hour of receipt for accepting 当场; the urgency, and for an urgent
    complaint's resolve and reply the time of day (a limit in hours)."""
    if kind == "accept":
        basis = str(moment.hour)
    elif kind in ("resolve", "reply") and c.urgency == "urgent":
        basis = f"urgent {moment:%H:%M}"
    else:
        basis = c.urgency
    return ctx.oblige(kind, moment.date(), basis=basis, holder=_holder(kind, c), project_id=c.project_id,
                      complaint_id=c.id)


def _finish(ctx: Context, c: Complaint, kind: str, at: dt.datetime) -> Obligation | None:
    return ctx.meet(kind, at, complaint_id=c.id)


def _open_step(ctx: Context, c: Complaint, kind: str) -> Obligation | None:
    return ctx.open_obligations(complaint_id=c.id).get(kind)


# --------------------------------------------------------------------------- log


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
    by: str | None = None,
) -> dict:
    """Record a complaint as received and give it its number."""
    values = dict(
        channel=(Channel.parse(channel, "--channel") or Channel.phone).value,
        category=Category.parse(category, "--category").value,
        urgency=(Urgency.parse(urgency, "--urgency") or Urgency.normal).value,
        content=clean(content, "--content", required=True, limit=LONG, multiline=True),
        complainant=clean(complainant, "--from"),
        complainant_org=clean(org, "--org"),
        contact=clean(contact, "--contact"),
        address=clean(address, "--address"),
        note=clean(note, "--note", limit=LONG, multiline=True),
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
        if c.serious:
            _start(ctx, c, "escalate", received)
        ctx.event("log", received, c.id, details={"number": c.number, "project": proj.code, **values,
                                                  "night_time": night, "accept_due": accept.due.isoformat()})
        return {"number": c.number, "accept_due": accept.due.isoformat(), "provisional": accept.provisional,
                "night_time": night}


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


def _dept_of(ctx: Context, name: str | None) -> str | None:
    if not name:
        return None
    return ctx.session.exec(select(Staff.dept).where(Staff.name == name)).first()


def accept(ledger: engine.Ledger, number: str, *, dept: str | None = None, opinion: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    dept, opinion = clean(dept, "--dept"), clean(opinion, "--opinion", limit=LONG, multiline=True)
    with _acting(ledger, number, "accept", by) as (ctx, c):
        session = ctx.session
        when = happened_at(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        due = _accept_into(ctx, c, when, dept, opinion)
        session.add(c)
        ctx.event("accept", when, c.id, details={"dept": c.accept_dept, "opinion": opinion, **due})
        return {"number": c.number, "status": c.status, **due}


def reject(ledger: engine.Ledger, number: str, *, reason: str, advice: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    reason = clean(reason, "--reason", required=True, limit=LONG, multiline=True)
    advice = clean(advice, "--advice", limit=LONG, multiline=True)
    with _acting(ledger, number, "reject", by) as (ctx, c):
        session, who = ctx.session, ctx.who
        when = happened_at(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        c.status, c.rejected_at, c.reject_reason, c.reject_advice = Status.rejected.value, when, reason, advice
        c.accept_person = who
        c.accept_dept = _dept_of(ctx, who)
        _finish(ctx, c, "accept", when)
        due = {}
        if Channel(c.channel) in REFERRED_CHANNELS:
            due["reply_due"] = _start(ctx, c, "reply", when).due.isoformat()
        session.add(c)
        ctx.event("reject", when, c.id, details={"reason": reason, "advice": advice, **due})
        return {"number": c.number, "status": c.status, **due}


# --------------------------------------------------------------------------- assign / resolve


def assign(ledger: engine.Ledger, number: str, *, to: str, dept: str | None = None, opinion: str | None = None,
           at: str | None = None, by: str | None = None) -> dict:
    """Send the complaint to a handling person; from ``received`` it also accepts it."""
    to = clean(to, "--to", required=True)
    dept, opinion = clean(dept, "--dept"), clean(opinion, "--opinion", limit=LONG, multiline=True)
    with _acting(ledger, number, "assign", by) as (ctx, c):
        session = ctx.session
        # the handler may be anyone in a relevant department (seed 3.2 「相关部门负责对投诉的内容进行
        # 处理」), not only the complaint team; a team member's department is the default
        member_dept = _dept_of(ctx, to)
        previous = c.assigned_at or c.accepted_at or c.received_at
        when = happened_at(at, ctx.now(), previous, t("上一步", "previous step"))
        due = {}
        if c.status == Status.received.value:
            due = _accept_into(ctx, c, when, None, None)
        reassigned = c.status == Status.assigned.value
        c.assignee, c.department = to, dept or member_dept
        if opinion:
            c.handling_opinion = opinion
        c.assigned_at, c.status = when, Status.assigned.value
        session.add(c)
        ctx.event("reassign" if reassigned else "assign", when, c.id,
                  details={"to": to, "dept": c.department, "opinion": opinion, **due})
        resolve_due = _open_step(ctx, c, "resolve")
        return {"number": c.number, "status": c.status, "assignee": c.assignee, "department": c.department,
                "resolve_due": resolve_due.due.isoformat() if resolve_due else None}


def resolve(ledger: engine.Ledger, number: str, *, result: str, opinion: str | None = None, head: str | None = None,
            at: str | None = None, by: str | None = None) -> dict:
    result = clean(result, "--result", required=True, limit=LONG, multiline=True)
    opinion, head = clean(opinion, "--opinion", limit=LONG, multiline=True), clean(head, "--head")
    with _acting(ledger, number, "resolve", by) as (ctx, c):
        session = ctx.session
        when = happened_at(at, ctx.now(), c.assigned_at, t("派单", "assigned"))
        resolve_step = _finish(ctx, c, "resolve", when)
        c.result, c.resolved_at, c.status = result, when, Status.resolved.value
        if opinion:
            c.handling_opinion = opinion
        c.dept_head = head or c.dept_head
        revisit = _start(ctx, c, "revisit", when)
        session.add(c)
        on_time = resolve_step is None or not rules.is_late(resolve_step.due, when.date())
        ctx.event("resolve", when, c.id, details={"result": result, "opinion": opinion, "head": head,
                                                  "on_time": on_time, "revisit_due": revisit.due.isoformat()})
        return {"number": c.number, "status": c.status, "revisit_due": revisit.due.isoformat(),
                "provisional": revisit.provisional, "on_time": on_time}


# --------------------------------------------------------------------------- revisit


def revisit(ledger: engine.Ledger, number: str, *, method: str, satisfaction: str, met: str | None = None,
            note: str | None = None, at: str | None = None, by: str | None = None) -> dict:
    """Record the follow-up visit; an unsatisfied answer reopens the complaint."""
    method_value = RevisitMethod.parse(method, "--method").value
    answer = Satisfaction.parse(satisfaction, "--satisfaction")
    met, note = clean(met, "--met"), clean(note, "--note", limit=LONG, multiline=True)
    with _acting(ledger, number, "revisit", by) as (ctx, c):
        session, who = ctx.session, ctx.who
        when = happened_at(at, ctx.now(), c.resolved_at, t("处理完毕", "resolved"))
        step = _finish(ctx, c, "revisit", when)
        on_time = step is None or not rules.is_late(step.due, when.date())
        session.add(Revisit(complaint_id=c.id, at=when, method=method_value, satisfaction=answer.value,
                            visitor=who, person_met=met or c.complainant, note=note,
                            due=step.due if step else None))
        c.revisited_at, c.satisfaction = when, answer.value
        out = {"number": c.number, "on_time": on_time}
        if answer is Satisfaction.unsatisfied:
            c.status, c.reopened = Status.assigned.value, c.reopened + 1
            c.closed_at = None
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
                                                  "reopened": answer is Satisfaction.unsatisfied})
        out["status"] = c.status
        return out


# --------------------------------------------------------------------------- escalate / reply / archive


def escalate(ledger: engine.Ledger, number: str, *, to: str | None = None, note: str | None = None,
             at: str | None = None, by: str | None = None) -> dict:
    """Report a serious complaint to the team leader (seed: 「立即上报」); marks it serious."""
    to, note = clean(to, "--to"), clean(note, "--note", limit=LONG, multiline=True)
    with _acting(ledger, number, "escalate", by) as (ctx, c):
        session = ctx.session
        if c.escalated_at is not None:
            raise TsmsError(t("{n} 已于 {a} 上报", "{n} was escalated already at {a}", n=c.number, a=clock.short(c.escalated_at)))
        when = happened_at(at, ctx.now(), c.received_at, t("投诉时间", "received"))
        if to is None:
            to = session.exec(select(Staff.name).where(Staff.role == Role.leader.value).order_by(Staff.id)).first()
            if to is None:
                raise TsmsError(t("请用 --to 指明上报给谁(投诉小组还没有组长)", "give --to: the complaint team has no leader yet"))
        step = _finish(ctx, c, "escalate", when)
        if step is None:  # marked serious now: the step starts and ends with this report
            step = _start(ctx, c, "escalate", when)
            _finish(ctx, c, "escalate", when)
        c.serious, c.escalated_at, c.escalated_to = True, when, to
        session.add(c)
        ctx.event("escalate", when, c.id, details={"to": to, "note": note, "on_time": not rules.is_late(step.due, when.date())})
        return {"number": c.number, "escalated_to": to, "on_time": not rules.is_late(step.due, when.date())}


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
        when = happened_at(at, ctx.now(), c.resolved_at or c.rejected_at, t("上一步", "previous step"))
        step = _finish(ctx, c, "reply", when)
        c.replied_at, c.reply_text = when, body
        session.add(c)
        on_time = step is None or not rules.is_late(step.due, when.date())
        ctx.event("reply", when, c.id, details={"text": body, "on_time": on_time})
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
        when = happened_at(at, ctx.now(), c.closed_at or c.replied_at or c.rejected_at, t("上一步", "previous step"))
        c.status, c.archived_at = Status.archived.value, when
        session.add(c)
        ctx.event("archive", when, c.id)
        return {"number": c.number, "status": c.status}
