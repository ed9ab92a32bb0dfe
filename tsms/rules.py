"""Time rules: working days, periods and deadlines. Pure functions, no database, no clock.

Sources (see SPEC §3):

* 《中华人民共和国民法典》 第二百零一条: a period counted in days (or months, years) does not
  count the day on which it starts; it is counted from the next day.
* 第二百零二条: a period counted in months or years ends on the corresponding day of the
  last month; with no such day, on that month's last day.
* 第二百零三条: when the last day of a period is a statutory rest day (法定休假日), the day
  after the rest day ends is the last day; the last day ends at 24:00.
* 第二百零四条: these rules apply unless a law or the parties say otherwise.
* 国务院办公厅关于部分节假日安排的通知 (yearly): weekends are rest days except the announced
  make-up working days (调休上班); announced holidays and substituted days off are rest days.

A deadline is the last day on which the step is still on time (Taskwarrior's lesson, its
issue #111): a step is late when its deadline is *before* the day being looked at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Callable, Mapping

# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class YearCalendar:
    """One year of the State Council's arrangement.

    rest_days: announced holidays and substituted days off (any weekday).
    work_days: announced make-up working days that fall on a weekend (调休上班).
    names: a name for each special day, in Chinese and English.
    confirmed: the official notice for this year is out (otherwise the days are estimated).
    """

    year: int
    rest_days: frozenset[dt.date] = frozenset()
    work_days: frozenset[dt.date] = frozenset()
    names: Mapping[dt.date, tuple[str, str]] = field(default_factory=dict)
    confirmed: bool = True


@dataclass(frozen=True)
class LocalDay:
    """A day the ledger itself records (tsms calendar set): wins over the package."""

    working: bool
    note: str = ""


class WorkCalendar:
    """Working days of mainland China: the yearly arrangement plus the ledger's own entries.

    ``source(year) -> YearCalendar`` supplies a year on first use (from the ``holidays``
    package or the ledger's cache); ``local`` holds entries recorded in the ledger, which
    win over the source (SPEC §3: 「local entries win over the package」);
    ``confirmed_years`` are years the ledger declares official although the source does not.
    """

    def __init__(
        self,
        source: Callable[[int], YearCalendar],
        local: Mapping[dt.date, LocalDay] | None = None,
        confirmed_years: frozenset[int] | set[int] = frozenset(),
    ):
        self._source = source
        self._years: dict[int, YearCalendar] = {}
        self.local = dict(local or {})
        self.confirmed_years = frozenset(confirmed_years)

    def year(self, year: int) -> YearCalendar:
        cal = self._years.get(year)
        if cal is None:
            cal = self._years[year] = self._source(year)
        return cal

    def is_working_day(self, day: dt.date) -> bool:
        """Weekdays work and weekends rest, except announced make-up days and holidays."""
        entry = self.local.get(day)
        if entry is not None:
            return entry.working
        cal = self.year(day.year)
        if day in cal.work_days:
            return True
        if day in cal.rest_days:
            return False
        return day.weekday() < 5

    def is_confirmed(self, year: int) -> bool:
        """The year's official arrangement is known (from the package or the ledger)."""
        return year in self.confirmed_years or self.year(year).confirmed

    def is_provisional(self, start: dt.date, end: dt.date) -> bool:
        """A result counted over [start, end] rests on an unconfirmed year."""
        lo, hi = min(start, end), max(start, end)
        return any(not self.is_confirmed(y) for y in range(lo.year, hi.year + 1))

    def day_name(self, day: dt.date, lang: str = "zh") -> str:
        entry = self.local.get(day)
        if entry is not None and entry.note:
            return entry.note
        names = self.year(day.year).names.get(day)
        if names:
            return names[0] if lang == "zh" else names[1]
        if day in self.year(day.year).work_days:
            return "调休上班" if lang == "zh" else "make-up workday"
        return ""


def first_working_day_on_or_after(day: dt.date, cal: WorkCalendar) -> dt.date:
    """The day itself when it is a working day, else the next working day.

    Source: seed 《涉民投诉管理责任制度》 第3条 「接到涉民投诉后,应当场答复是否受理」 — a
    complaint received on a rest day is answered on the first working day.
    """
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, n: int, cal: WorkCalendar) -> dt.date:
    """The n-th working day after ``day`` (n >= 0; n == 0 gives ``day`` itself).

    Source: 《民法典》 第二百零一条 — the starting day is not counted; counting begins
    the next day. Rest days and make-up workdays follow the State Council's notice.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    while n:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, cal: WorkCalendar) -> int:
    """Working days in (start, end]: how many working days after ``start`` ``end`` is.

    The inverse of :func:`add_working_days` (《民法典》 第二百零一条: the first day is not
    counted). Negative when ``end`` is before ``start``.
    """
    if end < start:
        return -working_days_between(end, start, cal)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
    return count


def working_day_counter(first: dt.date, last: dt.date, cal: WorkCalendar):
    """:func:`working_days_between` for many pairs within [first, last], each in O(1): a
    running count of working days over the span is built once (reports over a month of
    ten thousand complaints).

    Source: as :func:`working_days_between` — 《民法典》 第二百零一条 (the first day is not
    counted) and the State Council's yearly arrangement.
    """
    running, count, day = {}, 0, first
    while day <= last:
        if cal.is_working_day(day):
            count += 1
        running[day] = count
        day += dt.timedelta(days=1)

    def between(start: dt.date, end: dt.date) -> int:
        return running[end] - running[start]

    return between


def add_period(
    start: dt.date, *, years: int = 0, months: int = 0, days: int = 0
) -> dt.date:
    """The last day of a period of years/months/days that starts with the event on ``start``.

    Source: 《民法典》 第二百零一条 (the day of the event is not counted) and 第二百零二条
    (a period in months or years ends on the corresponding day of the last month; with no
    such day, on the last day of that month): 2024-02-29 + 5 years → 2029-02-28;
    2026-01-31 + 1 month → 2026-02-28; 2026-09-30 + 10 days → 2026-10-10.
    """
    from dateutil.relativedelta import relativedelta  # imported here: 4 ms a clerk's command need not pay

    return start + relativedelta(years=years, months=months, days=days)


def period_end(
    start: dt.date,
    cal: WorkCalendar,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
) -> dt.date:
    """:func:`add_period`, moved off a statutory rest day.

    Source: 《民法典》 第二百零三条 — when the last day of a period is a statutory rest day,
    the day after the rest day ends is the last day (a make-up Saturday is a working day,
    so a period ending on it does not move).
    """
    return first_working_day_on_or_after(
        add_period(start, years=years, months=months, days=days), cal
    )


# --------------------------------------------------------------------------- deadlines


@dataclass(frozen=True)
class DeadlineSettings:
    """The ledger's deadline table (SPEC §3). Each field is a ``tsms config`` key.

    accept_working_days:   0 = by the end of the first working day on or after receipt
                           (seed: 「应当场答复是否受理」).
    escalate_days:         calendar days after receipt to escalate a serious complaint;
                           0 = the same day (seed: 「发现涉民的严重问题…立即上报」).
    resolve_*:             working days after acceptance, by urgency (12345 hotline practice:
                           5 working days for a complaint — Jinan, Weifang, Shanghai Jing'an).
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
    escalate_days: int = 0
    resolve_urgent: int = 1
    resolve_high: int = 3
    resolve_normal: int = 5
    resolve_low: int = 10
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
            high = 23 if f.name.startswith("night_") else 366
            if not (low <= value <= high):
                problems.append(f"{f.name}={value} (accepted: {low}..{high})")
        return problems


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the last day still on time, and whether it is provisional."""

    due: dt.date
    provisional: bool


def _deadline(start: dt.date, due: dt.date, cal: WorkCalendar) -> Deadline:
    return Deadline(due, cal.is_provisional(start, due))


def accept_deadline(received: dt.date, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """Accept or reject by the end of the first working day on or after receipt.

    Source: seed 《涉民矛盾投诉管理责任制度》 第3条 「应当场答复是否受理,不予受理的应告知
    理由」. With ``accept_working_days`` = n > 0, n working days after that day.
    """
    first = first_working_day_on_or_after(received, cal)
    return _deadline(received, add_working_days(first, s.accept_working_days, cal), cal)


def escalate_deadline(
    received: dt.date, cal: WorkCalendar, s: DeadlineSettings
) -> Deadline:
    """Escalate a serious complaint the same calendar day (rest days included).

    Source: seed 第5条 「发现涉民的严重问题,投诉处理机构应采取紧急措施,立即上报」.
    """
    return _deadline(received, add_period(received, days=s.escalate_days), cal)


def resolve_deadline(
    accepted: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings
) -> Deadline:
    """Resolve within urgent 1, high 3, normal 5, low 10 working days after acceptance.

    Source: 12345 hotline practice (5 working days for a complaint) and 《民法典》 第二百零一条
    (counting starts the day after acceptance).
    """
    return _deadline(accepted, add_working_days(accepted, s.resolve_days(urgency), cal), cal)


def revisit_deadline(resolved: dt.date, cal: WorkCalendar, s: DeadlineSettings) -> Deadline:
    """Revisit within 2 working days after resolution.

    Source: seed 《涉民投诉处理管理程序》 4.4 「有效投诉处理完毕后,在2个工作日内进行回访…
    投诉回访率为100%」. Resolved 2026-09-30 → 2026-10-09 (National Day 1–7 October);
    resolved Friday 2026-09-18 → Monday 2026-09-21 (Sunday 20 September is a make-up day).
    """
    return _deadline(resolved, add_working_days(resolved, s.revisit_working_days, cal), cal)


def reply_deadline(
    accepted: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings
) -> Deadline:
    """Answer the referring department (12345 hotline, 主管部门转办).

    Source: seed 《涉民投诉处理流程》 last step 「将投诉处理结果回复相关职能部门」; by default
    the same day as the resolve deadline.
    """
    if s.reply_working_days < 0:
        return resolve_deadline(accepted, urgency, cal, s)
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


def days_late(due: dt.date, as_of: dt.date) -> int:
    """Calendar days a step is late on ``as_of`` (0 while ``as_of`` <= its deadline).

    A deadline is the last day still on time (《民法典》 第二百零三条: the last day ends at
    24:00), so a step due on the 9th is one day late on the 10th.
    """
    return max(0, (as_of - due).days)


def step_deadline(
    kind: str, starts: dt.date, urgency: str, cal: WorkCalendar, s: DeadlineSettings
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
        return resolve_deadline(starts, urgency, cal, s)
    if kind == "reply":
        return reply_deadline(starts, urgency, cal, s)
    if kind == "revisit":
        return revisit_deadline(starts, cal, s)
    raise ValueError(f"unknown step {kind!r}")


# --------------------------------------------------------------------------- warranty

# 《建设工程质量管理条例》 第四十条 (and 《房屋建筑工程质量保修办法》 第七条): minimum periods
# under normal use. ("years", n) | ("seasons", n) | ("design_life", None) | ("contract", None)
WARRANTY_MINIMUMS: dict[str, tuple[str, int | None]] = {
    "structure": ("design_life", None),  # 基础设施工程、地基基础和主体结构: 设计文件规定的合理使用年限
    "waterproofing": ("years", 5),  # 屋面防水、有防水要求的卫生间和房间、外墙面防渗漏: 5 年
    "heating": ("seasons", 2),  # 供热系统: 2 个采暖期
    "cooling": ("seasons", 2),  # 供冷系统: 2 个供冷期
    "mep": ("years", 2),  # 电气管线、给排水管道: 2 年
    "equipment": ("years", 2),  # 设备安装: 2 年
    "decoration": ("years", 2),  # 装修工程: 2 年
    "other": ("contract", None),  # 其他项目: 由发包方与承包方约定
}


@dataclass(frozen=True)
class Season:
    """A yearly period by month and day, e.g. Beijing's heating period 11-15 → 03-15."""

    start: tuple[int, int]
    end: tuple[int, int]

    def span_starting(self, year: int) -> tuple[dt.date, dt.date]:
        first = dt.date(year, *self.start)
        end_year = year + 1 if self.end < self.start else year
        return first, dt.date(end_year, *self.end)


def warranty_expires_years(completed: dt.date, years: int) -> dt.date:
    """The last day covered by a warranty of ``years`` from completion acceptance.

    Source: 《建设工程质量管理条例》 第四十条 (the period counts from the day completion
    acceptance is passed, 「自竣工验收合格之日起计算」) with 《民法典》 第二百零一、二百零二条:
    the period ends on the corresponding day, or the month's last day when there is none —
    completion 2024-02-29 + 5 years → 2029-02-28.
    """
    return add_period(completed, years=years)


def warranty_expires_seasons(completed: dt.date, seasons: int, season: Season) -> dt.date:
    """The close of the ``seasons``-th full heating (or cooling) period that starts after
    completion acceptance; a period already running at acceptance, or starting that very
    day, does not count.

    Source: 《建设工程质量管理条例》 第四十条 「供热与供冷系统,为2个采暖期、供冷期」 and
    《民法典》 第二百零一条 (counting begins the day after the event): Beijing (11-15 → 03-15),
    accepted 2025-06-30 → 2027-03-15.
    """
    if seasons < 1:
        raise ValueError("seasons must be >= 1")
    year = completed.year - 1
    while True:
        start, end = season.span_starting(year)
        if start > completed:
            break
        year += 1
    return season.span_starting(year + seasons - 1)[1]



# --------------------------------------------------------------------------- after-sales deadlines


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


def liability_end(completed: dt.date, years: int) -> dt.date:
    """The last day of the defect liability period (缺陷责任期), from completion acceptance.

    Source: 《建设工程质量保证金管理办法》 (建质〔2017〕138号) 第二条 (1 year unless agreed, at
    most 2) and 第八条 (from the day of completion acceptance); 《民法典》 第二百零二条.
    """
    return add_period(completed, years=years)


def retention_verify_deadline(applied: dt.date, cal: WorkCalendar) -> Deadline:
    """The client verifies an application for the retention money's return within 14 days.

    Source: 建质〔2017〕138号 第十条 (「发包人在接到承包人返还保证金申请后,应于14天内会同承包
    人按照合同约定的内容进行核实」); 《民法典》 第二百零一、二百零三条.
    """
    return _deadline(applied, period_end(applied, cal, days=14), cal)


def notify_by(revisit_day: dt.date, s: DeadlineSettings) -> dt.date:
    """The day by which the client must be told of a planned revisit: 20 days before it.

    Source: seed 《工程回访和顾客投诉处理办法》 1.4.1 「提前20天通知顾客单位」.
    """
    return revisit_day - dt.timedelta(days=s.notify_days)
