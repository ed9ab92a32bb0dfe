"""The deadline table (SPEC §3): which obligation falls due when. A deadline is the last day
on which the step is still on time (Taskwarrior's lesson, its issue #111): a step is late
when its deadline is *before* the day being looked at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from tsms.rules.calendar import WorkCalendar, add_working_days, last_working_day_on_or_before
from tsms.rules.periods import add_period, period_end
from tsms.rules.warranty import liability_end

__all__ = ['DeadlineSettings', 'Deadline', 'accept_deadline', 'escalate_deadline', 'resolve_deadline', 'revisit_deadline', 'reply_deadline', 'is_night_time', 'is_night_complaint', 'days_late', 'hours_late', 'step_deadline', 'claim_inspect_deadline', 'rectification_deadline', 'retention_verify_deadline', 'notify_by', 'is_late', 'plan_deadline', 'first_revisit_deadline', 'obligation_deadline', 'OBLIGATION_KINDS', 'PLANS_AHEAD', 'REMINDERS', 'retention_return_deadline', 'retention_deemed_approval']


@dataclass(frozen=True)
class DeadlineSettings:
    """The ledger's deadline table (SPEC §3). Each field is a ``tsms config`` key.

    accept_working_days:   0 = by the end of the day of receipt when it is a working day
                           and the complaint came before ``accept_cutoff_hour``; else by
                           the end of the next working day (seed: 「应当场答复是否受理」).
    accept_cutoff_hour:    the office's closing hour for 当场 (default 18:00).
    escalate_days:         calendar days after receipt to escalate a serious complaint;
                           0 = the same day (seed: 「发现涉民的严重问题…立即上报」).
    resolve_*:             working days after acceptance, by urgency (12345 hotline practice:
                           5 working days for a complaint — Jinan, Weifang, Shanghai Jing'an).
    resolve_urgent_hours:  an urgent complaint (safety hazard, structural damage): hours after
                           acceptance, calendar time, holidays included (12345 紧急件: 24 hours);
                           0 = ``resolve_urgent`` working days instead.
    revisit_working_days:  working days after resolution (seed: 「有效投诉处理完毕后,在2个
                           工作日内进行回访」; another passage says 3, 2 is the stricter).
    reply_working_days:    working days after acceptance to answer the referring department;
                           -1 = the same as the resolve deadline (seed: 「将投诉处理结果回复
                           相关职能部门」).
    night_start, night_end: hours of night time (《噪声污染防治法》 第八十八条: 22:00–06:00).
    claim_inspect_days:    days to inspect a warranty claim (the model warranty certificate:
                           「在接到保修通知之日起7天内派人保修」).
    notify_days:           days before a planned revisit the client is told (seed: 「提前20天通知」).
    pre_expiry_days:       days before a warranty item or the retention money falls due for the
                           pre-expiry revisit (seed: 「保修期结束前的回访」).
    rectify_months_*:      outer limit of a rectification: 3 months under construction, 6 in
                           warranty (seed 《工程回访管理制度》).
    """

    accept_working_days: int = 0
    accept_cutoff_hour: int = 18
    escalate_days: int = 0
    resolve_urgent: int = 1
    resolve_high: int = 3
    resolve_normal: int = 5
    resolve_low: int = 10
    resolve_urgent_hours: int = 24
    revisit_working_days: int = 2
    reply_working_days: int = -1
    night_start: int = 22
    night_end: int = 6
    claim_inspect_days: int = 7
    notify_days: int = 20
    pre_expiry_days: int = 30
    rectify_months_construction: int = 3
    rectify_months_warranty: int = 6

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def resolve_days(self, urgency: str) -> int:
        return getattr(self, f"resolve_{urgency}")

    def check(self) -> list[str]:
        """Problems with the values, as messages (empty when all are valid)."""
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            low = -1 if f.name == "reply_working_days" else 0
            high = 23 if f.name.startswith("night_") else 24 if f.name == "accept_cutoff_hour" else 366
            if not (low <= value <= high):
                problems.append(f"{f.name}={value} (accepted: {low}..{high})")
        return problems


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the last day still on time, whether it is provisional, and for
    a limit counted in hours the moment it runs out (``at``)."""

    due: dt.date
    provisional: bool
    at: dt.datetime | None = None


def _deadline(start: dt.date, due: dt.date, cal: WorkCalendar) -> Deadline:
    return Deadline(due, cal.is_provisional(start, due))


def accept_deadline(received: dt.date, cal: WorkCalendar, s: DeadlineSettings, hour: int | None = None) -> Deadline:
    """Accept or reject 当场: by the end of the day of receipt when the complaint came on a
    working day before the office closes (``accept_cutoff_hour``, 18:00); when it came on a
    rest day or after hours, by the end of the next working day. ``hour`` None (not known,
    e.g. an older ledger's step) counts as office hours.

    Source: seed 《涉民矛盾投诉管理责任制度》 第3条 「接到涉民投诉后,应当场答复是否受理,不予
    受理的应告知理由」 — 当场 presumes someone there to answer: a call at 23:10 or on a Sunday
    is answered on the next working day (SPEC §3). With ``accept_working_days`` = n > 0, n
    working days after that day.
    """
    if cal.is_working_day(received) and (hour is None or hour < s.accept_cutoff_hour):
        first = received
    else:
        first = add_working_days(received, 1, cal)
    return _deadline(received, add_working_days(first, s.accept_working_days, cal), cal)


def escalate_deadline(
    received: dt.date, cal: WorkCalendar, s: DeadlineSettings
) -> Deadline:
    """Escalate a serious complaint the same calendar day (rest days included).

    Source: seed 第5条 「发现涉民的严重问题,投诉处理机构应采取紧急措施,立即上报」.
    """
    return _deadline(received, add_period(received, days=s.escalate_days), cal)


def resolve_deadline(
    accepted: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings, at: dt.time | None = None
) -> Deadline:
    """Resolve within high 3, normal 5, low 10 working days after acceptance; an urgent
    complaint within 24 hours of the moment it was accepted (``at``), calendar time with the
    holidays counted — a safety hazard or structural damage cannot wait for a holiday to end.
    Without the moment (an older ledger's step) or with ``resolve_urgent_hours`` 0, urgent is
    ``resolve_urgent`` working days.

    Source: 12345 hotline practice (5 working days for a complaint; 紧急件 within 24 hours;
    SPEC §3) and 《民法典》 第二百零一条 (counting starts the day after acceptance).
    Accepted Tuesday 2025-09-30 15:00 (National Day from 10-01) → 2025-10-01 15:00.
    """
    if urgency == "urgent" and at is not None and s.resolve_urgent_hours > 0:
        moment = dt.datetime.combine(accepted, at) + dt.timedelta(hours=s.resolve_urgent_hours)
        return Deadline(moment.date(), cal.is_provisional(accepted, moment.date()), moment)
    return _deadline(accepted, add_working_days(accepted, s.resolve_days(urgency), cal), cal)


def revisit_deadline(resolved: dt.date, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """Revisit within 2 working days after resolution.

    Source: seed 《涉民投诉处理管理程序》 4.4 「有效投诉处理完毕后,在2个工作日内进行回访…
    投诉回访率为100%」. Resolved 2026-09-30 → 2026-10-09 (National Day 1–7 October);
    resolved Friday 2026-09-18 → Monday 2026-09-21 (Sunday 20 September is a make-up day).
    """
    return _deadline(resolved, add_working_days(resolved, s.revisit_working_days, cal), cal)


def reply_deadline(
    accepted: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings, at: dt.time | None = None
) -> Deadline:
    """Answer the referring department (12345 hotline, 主管部门转办).

    Source: seed 《涉民投诉处理流程》 last step 「将投诉处理结果回复相关职能部门」; by default
    the same day as the resolve deadline.
    """
    if s.reply_working_days < 0:
        return resolve_deadline(accepted, urgency, cal, s, at)
    return _deadline(accepted, add_working_days(accepted, s.reply_working_days, cal), cal)


def is_night_time(at: dt.datetime, s: DeadlineSettings = DeadlineSettings()) -> bool:
    """The time falls in the night, 22:00–06:00 by default.

    Source: 《中华人民共和国噪声污染防治法》 第八十八条 「夜间,是指晚上十点至次日早晨六点
    之间的期间」.
    """
    hour = at.hour
    if s.night_start > s.night_end:
        return hour >= s.night_start or hour < s.night_end
    return s.night_start <= hour < s.night_end


def is_night_complaint(category: str, at: dt.datetime, time_known: bool,
                       s: DeadlineSettings = DeadlineSettings()) -> bool:
    """A noise or night-work complaint about a moment in the night (is_night_time). A day
    whose time is unknown (a date typed or imported without a time) is never night-time:
    midnight stands for "some time that day".

    Source: 《中华人民共和国噪声污染防治法》 第八十八条; SPEC §3 (noise and night work)."""
    from tsms.vocab import NIGHT_CATEGORIES

    return time_known and category in {c.value for c in NIGHT_CATEGORIES} and is_night_time(at, s)


def is_late(due: dt.date, on: dt.date | dt.datetime, due_at: dt.datetime | None = None) -> bool:
    """The one judgement of lateness, for open steps (``on``: the moment or day looked at)
    and met ones (``on``: when they were met).

    A deadline in days (``due_at`` None): the step is late when ``due`` is before the day of
    ``on`` — the last day still ends at 24:00 (《民法典》 第二百零三条). A deadline in hours
    (an urgent complaint's 24 hours, ``due_at`` the moment it runs out): late when ``on`` is
    after that moment; ``on`` given as a day alone stands for that day's start (00:00), so
    a limit running out during the day is not yet late on it — the same as a deadline in
    days, which a day's start never passes."""
    if due_at is not None:
        moment = on if isinstance(on, dt.datetime) else dt.datetime.combine(on, dt.time())
        return moment > due_at
    return due < (on.date() if isinstance(on, dt.datetime) else on)


def days_late(due: dt.date, as_of: dt.date | dt.datetime, due_at: dt.datetime | None = None) -> int:
    """Calendar days a step is late on ``as_of`` (0 while it is not late).

    A deadline in days is the last day still on time (《民法典》 第二百零三条: the last day
    ends at 24:00), so a step due on the 9th is one day late on the 10th. A deadline in
    hours counts whole 24-hour spans after the moment it ran out (0 for the first 24 hours;
    :func:`hours_late` tells those hours)."""
    if due_at is not None:
        if not is_late(due, as_of, due_at):
            return 0
        moment = as_of if isinstance(as_of, dt.datetime) else dt.datetime.combine(as_of, dt.time())
        return (moment - due_at) // dt.timedelta(days=1)
    return max(0, ((as_of.date() if isinstance(as_of, dt.datetime) else as_of) - due).days)


def hours_late(due_at: dt.datetime | None, as_of: dt.date | dt.datetime) -> int:
    """Whole hours (at least 1) an hour deadline is past on ``as_of``; 0 when not late or
    the deadline is in days."""
    if due_at is None:
        return 0
    moment = as_of if isinstance(as_of, dt.datetime) else dt.datetime.combine(as_of, dt.time())
    if moment <= due_at:
        return 0
    return max(1, int((moment - due_at).total_seconds() // 3600))


def step_deadline(
    kind: str, starts: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings, at: dt.time | None = None
) -> Deadline:
    """The deadline of a complaint step from the day of the event that starts it.

    One entry point for computing a step when it starts and for recomputing open steps
    when the calendar or the settings change (SPEC §3): accept and escalate start at
    receipt, resolve and reply at acceptance (or at a reopening revisit), revisit at
    resolution.
    """
    if kind == "accept":
        return accept_deadline(starts, cal, s)
    if kind == "escalate":
        return escalate_deadline(starts, cal, s)
    if kind == "resolve":
        return resolve_deadline(starts, urgency, cal, s, at)
    if kind == "reply":
        return reply_deadline(starts, urgency, cal, s, at)
    if kind == "revisit":
        return revisit_deadline(starts, cal, s)
    raise ValueError(f"unknown step {kind!r}")


def claim_inspect_deadline(received: dt.date, emergency: bool, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """Inspect a warranty claim within the certificate's term, at once for an emergency.

    Source: 《房屋建筑工程质量保修办法》 第九条 (「在保修书约定的时间内予以保修;发生涉及结构
    安全或者严重影响使用功能的紧急抢修事故,施工单位接到保修通知后,应当立即到达现场抢修」);
    the model certificate's 7 days; 《民法典》 第二百零一、二百零三条 for counting the days.
    """
    if emergency:
        return _deadline(received, received, cal)
    return _deadline(received, period_end(received, cal, days=s.claim_inspect_days), cal)


def rectification_deadline(found: dt.date, in_warranty: bool, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """A problem found in a revisit or survey is put right within 3 months (project under
    construction) or 6 months (in warranty).

    Source: seed 《工程回访管理制度》 2.2.1 「整改时间不得超过半年」 and 2.2.2 「整改时间一般不得
    超过三个月」; 《民法典》 第二百零二、二百零三条.
    """
    months = s.rectify_months_warranty if in_warranty else s.rectify_months_construction
    return _deadline(found, period_end(found, cal, months=months), cal)


def retention_return_deadline(approved: dt.date, cal: WorkCalendar) -> Deadline:
    """The client returns the retention money within 14 days of approving the application —
    its verification, or the day silence counts as approval (the 14th day after a reminder).

    Source: 建质〔2017〕138号 第十条 (「发包人应当…在核实后14天内将保证金返还承包人」 and 「发包人在
    接到承包人返还保证金申请后14天内不予答复,经催告后14天内仍不予答复,视同认可承包人的返还
    保证金申请」); 《民法典》 第二百零一、二百零三条.
    """
    return _deadline(approved, period_end(approved, cal, days=14), cal)


def retention_deemed_approval(reminded: dt.date, cal: WorkCalendar) -> dt.date:
    """The day the client's silence counts as approval: the end of the 14 days after the
    reminder (催告), moved off a statutory rest day like the client's first 14 days.

    Source: 建质〔2017〕138号 第十条 「经催告后14天内仍不予答复,视同认可」; 《民法典》 第二百零一、
    二百零三条 (reminded 2026-09-17 → 10-01, National Day → 2026-10-08).
    """
    return period_end(reminded, cal, days=14)


def retention_verify_deadline(applied: dt.date, cal: WorkCalendar) -> Deadline:
    """The client verifies an application for the retention money's return within 14 days.

    Source: 建质〔2017〕138号 第十条 (「发包人在接到承包人返还保证金申请后,应于14天内会同承包
    人按照合同约定的内容进行核实」); 《民法典》 第二百零一、二百零三条.
    """
    return _deadline(applied, period_end(applied, cal, days=14), cal)


def notify_by(revisit_day: dt.date, s: DeadlineSettings, cal: WorkCalendar) -> dt.date:
    """The day by which the client must be told of a planned revisit: 20 calendar days
    before it; when that day is a rest day, the working day before (the 20 days are a
    minimum, so the notice moves earlier, never later).

    Source: seed 《工程回访和顾客投诉处理办法》 1.4.1 「提前20天通知顾客单位」; SPEC §3.
    """
    return last_working_day_on_or_before(revisit_day - dt.timedelta(days=s.notify_days), cal)


# the yearly plans owed are kept as obligations this many years ahead (by every write), so
# that a ledger nobody writes to for years still shows each year's plan late in its turn
PLANS_AHEAD = 5


def plan_deadline(year: int) -> dt.date:
    """Next year's revisit plan is compiled and approved by 31 December.

    Source: seed 《工程回访和顾客投诉处理办法》 1.4.1 「每年十二月份,由公司工程部编制次年度工程
    质量回访计划,经公司总经理批准后由工程部组织实施」.
    """
    return dt.date(year - 1, 12, 31)


def first_revisit_deadline(completed: dt.date, cal: WorkCalendar) -> Deadline:
    """The first revisit after completion acceptance is made within one month of it.

    Source: seed 《中建工程回访制度范本》 (竣工后1个月内首次回访); 《民法典》 第二百零二条 (a month
    ends on the corresponding day) and 第二百零三条 (off a statutory rest day).
    """
    return _deadline(completed, period_end(completed, cal, months=1), cal)


# kind → what ``starts`` and ``basis`` mean for it
OBLIGATION_KINDS = {
    "accept": "received; basis: the hour of receipt",
    "escalate": "received",
    "resolve": "accepted or reopened; basis: urgency, and for urgent the time of day ('urgent 15:00')",
    "reply": "accepted or rejected; basis: as resolve",
    "revisit": "resolved",
    "claim": "warranty notice received; basis: 'emergency' or ''",
    "rectification": "problem found; basis: 'warranty' or 'construction'",
    "notice": "the planned revisit's day (counted backwards); basis: the day it was planned (no earlier)",
    "planned_revisit": "the planned revisit's day",
    "first_revisit": "completion acceptance",
    "plan": "1 December before the plan's year",
    "retention": "the defect liability period's start; basis: liability years (a reminder: may apply)",
    "retention_verify": "return applied for",
    "retention_return": "the application approved (verified, or deemed 14 days after a reminder)",
}

# kinds that remind of a right rather than a duty: shown when their day comes, never late
# (建质〔2017〕138号 第十条 「到期后,承包人可…申请返还」: the contractor may apply)
REMINDERS = frozenset({"retention"})


def obligation_deadline(kind: str, starts: dt.date, basis: str, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """The deadline of any obligation from the day its rule counts from: the one entry point
    for creating an obligation and for recomputing open ones when the calendar or the
    settings change (SPEC §3). Each branch's source is in the docstring of the rule it calls;
    ``OBLIGATION_KINDS`` says what ``starts`` and ``basis`` mean for each kind."""
    if kind == "accept":  # basis: the hour of receipt
        return accept_deadline(starts, cal, s, int(basis) if basis.isdigit() else None)
    if kind in ("escalate", "resolve", "reply", "revisit"):  # basis: urgency, and the moment for urgent
        urgency, _, moment = (basis or "normal").partition(" ")
        at = dt.time.fromisoformat(moment) if moment else None
        return step_deadline(kind, starts, urgency, cal, s, at)
    if kind == "claim":
        return claim_inspect_deadline(starts, basis == "emergency", cal, s)
    if kind == "rectification":
        return rectification_deadline(starts, basis == "warranty", cal, s)
    if kind == "notice":  # basis: the day the visit was planned — a notice can be no earlier
        due = notify_by(starts, s, cal)
        if basis and dt.date.fromisoformat(basis) > due:
            due = dt.date.fromisoformat(basis)  # too late for 20 days: at once, and the plan says so
        return _deadline(starts, due, cal)
    if kind == "planned_revisit":
        return _deadline(starts, starts, cal)
    if kind == "first_revisit":
        return first_revisit_deadline(starts, cal)
    if kind == "plan":
        return _deadline(starts, plan_deadline(starts.year + 1), cal)
    if kind == "retention":
        return _deadline(starts, liability_end(starts, int(basis or 1)), cal)
    if kind == "retention_verify":
        return retention_verify_deadline(starts, cal)
    if kind == "retention_return":
        return retention_return_deadline(starts, cal)
    raise ValueError(f"unknown obligation {kind!r}")
