"""The ledger's operations that are not the complaint lifecycle: the site, projects, the
complaint team, settings, the calendar. Shared machinery too: input checks, the audit
trail, the calendar cache and the recomputation of open deadlines.

Every operation is one transaction (``Ledger.write``) that checks, writes and appends its
event; nothing else in tsms changes data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from tsms import clock, db, rules
from tsms.errors import LEDGER_UNUSABLE, TsmsError
from tsms.models import CalendarDay, CalendarYear, Complaint, Deadline, Event, Project, Setting, Staff
from tsms.vocab import ProjectKind, Role, t

GENESIS = "0" * 64
SITE_CODE = re.compile(r"^[A-Za-z0-9]{1,12}$")
PROJECT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")
SHORT, LONG = 200, 4000


# --------------------------------------------------------------------------- input checks


def actor(by: str | None) -> str:
    """Who acts: --by, else TSMS_USER, else the login name (SPEC §7)."""
    if by is not None:
        return clean(by, "--by", required=True)
    env = os.environ.get("TSMS_USER")
    if env:
        return clean(env, "TSMS_USER", required=True)
    try:
        return getpass.getuser()
    except Exception:  # a bare environment with no login name
        return "unknown"


def clean(
    value: str | None, option: str, *, required: bool = False, limit: int = SHORT, multiline: bool = False
) -> str | None:
    """A typed string, stripped; refused when empty (if required), too long or carrying
    control characters (a line break is allowed in long texts)."""
    if value is None or not value.strip():
        if required:
            raise TsmsError(t("{o} 不能为空", "{o} must not be empty", o=option))
        return None
    value = value.strip()
    if len(value) > limit:
        raise TsmsError(
            t("{o} 太长({n} 字),最多 {m} 字", "{o} is too long ({n} characters); at most {m}",
              o=option, n=len(value), m=limit)
        )
    allowed = "\n\t" if multiline else ""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs"):
            raise TsmsError(
                t("{o} 含有控制字符 {c!r};只能是可打印文字", "{o} contains the control character {c!r}; only printable text is accepted",
                  o=option, c=ch)
            )
    return value


def not_future(at: dt.datetime, option: str = "--at") -> dt.datetime:
    current = clock.now()
    if at > current + clock.FUTURE_TOLERANCE:
        raise TsmsError(
            t("{o} {a} 在将来(现在是 {n})", "{o} {a} is in the future (now is {n})",
              o=option, a=clock.short(at), n=clock.short(current))
        )
    return at


def happened_at(text: str | None, after: dt.datetime | None = None, what: str | None = None) -> dt.datetime:
    """The moment an action happened: --at (default now), never in the future and never
    before the previous step (``after``). A bare date on the previous step's day means
    that step's moment."""
    at = clock.now() if text is None else clock.parse_time(text, "--at")
    if text is not None and after is not None and clock.is_bare_date(text) and at.date() == after.date():
        at = after
    not_future(at)
    if after is not None and at < after:
        what = what or t("上一步", "previous step")
        raise TsmsError(
            t("--at {a} 早于上一步({w} {p})", "--at {a} is before the previous step ({w} at {p})",
              a=clock.short(at), w=what, p=clock.short(after))
        )
    return at


# --------------------------------------------------------------------------- context


class Context:
    """One command's view of the ledger inside one transaction."""

    def __init__(self, session: Session, who: str | None = None):
        self.session = session
        self.who = who
        self._settings: rules.DeadlineSettings | None = None
        self._calendar: rules.WorkCalendar | None = None
        self._rows: dict[str, Setting] | None = None
        self._years: dict[int, CalendarYear] | None = None
        self.open_steps: dict[int, dict[str, Deadline]] = {}  # complaint id → kind → open step

    # settings --------------------------------------------------------------
    def _all_settings(self) -> dict[str, Setting]:
        if self._rows is None:
            self._rows = {row.key: row for row in self.session.exec(select(Setting)).all()}
        return self._rows

    def setting(self, key: str) -> str | None:
        row = self._all_settings().get(key)
        return row.value if row else None

    def put_setting(self, key: str, value: str) -> None:
        rows = self._all_settings()
        row = rows.get(key)
        if row is None:
            row = rows[key] = Setting(key=key, value=value)
        row.value = value
        self.session.add(row)

    @property
    def site(self) -> str:
        code = self.setting("site_code")
        if code is None:
            raise TsmsError(t("账本尚未初始化;先运行 tsms init", "the ledger is not initialised; run tsms init"),
                            LEDGER_UNUSABLE)
        return code

    @property
    def settings(self) -> rules.DeadlineSettings:
        if self._settings is None:
            known = set(rules.DeadlineSettings.keys())
            values = {k.removeprefix("deadline."): int(r.value) for k, r in self._all_settings().items()
                      if k.startswith("deadline.") and k.removeprefix("deadline.") in known}
            self._settings = rules.DeadlineSettings(**values)
        return self._settings

    # calendar --------------------------------------------------------------
    def _cached_years(self) -> dict[int, CalendarYear]:
        if self._years is None:
            self._years = {row.year: row for row in self.session.exec(select(CalendarYear)).all()}
        return self._years

    @property
    def calendar(self) -> rules.WorkCalendar:
        if self._calendar is None:
            from tsms import calendar_source as source

            fingerprint = source.package_fingerprint()
            years = self._cached_years()
            local = {
                row.day: rules.LocalDay(row.working, row.note)
                for row in self.session.exec(select(CalendarDay)).all()
            }

            def load(year: int) -> rules.YearCalendar:
                row = years.get(year)
                if row is not None and row.data and row.package == fingerprint:
                    return source.decode_year(json.loads(row.data))
                cal = source.year_from_package(year)
                if row is None:
                    row = years[year] = CalendarYear(year=year)
                row.package, row.data = fingerprint, json.dumps(source.encode_year(cal))
                self.session.add(row)
                return cal

            confirmed = {y for y, row in years.items() if row.confirmed_note}
            self._calendar = rules.WorkCalendar(load, local, confirmed)
        return self._calendar

    def calendar_is_stale(self) -> bool:
        """The installed holidays package differs from the one the cached years came from."""
        from tsms import calendar_source as source

        fingerprint = source.package_fingerprint()
        return any(row.data and row.package != fingerprint for row in self._cached_years().values())

    def refresh_calendar(self, at: dt.datetime, reason: str) -> int:
        """Reload the calendar and recompute the deadlines of every open step (SPEC §3:
        「When the calendar changes, stored deadlines of open items are recomputed」).
        Returns how many deadlines moved; records one event when any did or when asked."""
        self._calendar = self._years = None
        self.session.flush()
        cal, settings = self.calendar, self.settings
        rows = self.session.exec(
            select(Deadline, Complaint.urgency)
            .join(Complaint, Complaint.id == Deadline.complaint_id)
            .where(Deadline.done_at.is_(None))
        ).all()
        moved = []
        for step, urgency in rows:
            new = rules.step_deadline(step.kind, step.starts, urgency, cal, settings)
            if (new.due, new.provisional) != (step.due, step.provisional):
                moved.append({"deadline": step.id, "kind": step.kind, "from": step.due.isoformat(),
                              "to": new.due.isoformat(), "provisional": new.provisional})
                step.due, step.provisional = new.due, new.provisional
                self.session.add(step)
        self.event("recompute", at, details={"reason": reason, "moved": moved})
        return len(moved)

    def ensure_fresh_calendar(self, at: dt.datetime) -> None:
        if self.calendar_is_stale():
            self.refresh_calendar(at, "holidays package changed")

    def deadline(self, complaint: Complaint, kind: str, starts: dt.date) -> Deadline:
        d = rules.step_deadline(kind, starts, complaint.urgency, self.calendar, self.settings)
        step = Deadline(complaint_id=complaint.id, kind=kind, starts=starts, due=d.due, provisional=d.provisional)
        self.session.add(step)
        return step

    # audit ----------------------------------------------------------------
    def event(self, action: str, at: dt.datetime, complaint_id: int | None = None, details: dict | None = None) -> Event:
        """Append one event to the hash-chained audit trail."""
        prev = self.session.exec(text("SELECT hash FROM event ORDER BY id DESC LIMIT 1")).first()
        prev_hash = prev[0] if prev else GENESIS
        recorded = clock.now()
        who = self.who or actor(None)
        body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
        ev = Event(at=at, recorded_at=recorded, actor=who, action=action, complaint_id=complaint_id,
                   details=body, prev_hash=prev_hash, hash="")
        ev.hash = event_hash(ev)
        self.session.add(ev)
        self.session.flush()
        # the chain's head: lets check notice events removed from the end of the chain
        self.put_setting("event_head", f"{ev.id}:{ev.hash}")
        return ev

    # lookups ---------------------------------------------------------------
    def project(self, code: str | None) -> Project:
        if code is None:
            projects = self.session.exec(select(Project).limit(2)).all()
            if len(projects) == 1:
                return projects[0]
            raise TsmsError(t("请用 --project 指定工程;现有:{c}", "give --project; projects: {c}", c=self._project_codes()))
        row = self.session.exec(select(Project).where(Project.code == code.strip())).first()
        if row is None:
            raise TsmsError(
                t("没有工程「{c}」;现有:{k}", "unknown project {c!r}; projects: {k}", c=code, k=self._project_codes())
            )
        return row

    def _project_codes(self) -> str:
        codes = self.session.exec(select(Project.code).order_by(Project.code).limit(20)).all()
        return ", ".join(codes) or t("(无,先 tsms project add)", "(none; tsms project add first)")


def ensure_calendar(ledger: db.Ledger, years: range) -> None:
    """Fill the ledger's calendar cache for these years (and refresh it if the holidays
    package changed) in a short write of its own, so that read-only commands such as
    report and overdue find the years cached and need not import the package each time."""
    from tsms import calendar_source as source

    fingerprint = source.package_fingerprint()
    with ledger.read() as session:
        rows = {row.year: row for row in session.exec(select(CalendarYear)).all()}
    stale = any(row.data and row.package != fingerprint for row in rows.values())
    missing = [y for y in years if not (rows.get(y) and rows[y].data and rows[y].package == fingerprint)]
    if not stale and not missing:
        return
    with ledger.write() as session:
        ctx = Context(session, "tsms")
        if stale:
            ctx.refresh_calendar(clock.now(), "holidays package changed")
        for year in missing:
            ctx.calendar.year(year)


@contextlib.contextmanager
def writing(ledger: db.Ledger, by: str | None):
    """One operation: who acts (--by, TSMS_USER, the login name), one write transaction,
    and the context the operation works in."""
    who = actor(by)
    with ledger.write() as session:
        yield Context(session, who)


def event_hash(ev: Event) -> str:
    """sha256 over the previous hash and the event's content: editing or removing an event
    breaks every hash after it."""
    payload = json.dumps(
        [ev.prev_hash, str(ev.at), str(ev.recorded_at), ev.actor, ev.action, ev.complaint_id, ev.details],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# --------------------------------------------------------------------------- site


def init(path: Path, site: str, name: str, by: str | None = None) -> dict:
    site = clean(site, "--site", required=True)
    if not SITE_CODE.match(site):
        raise TsmsError(t("--site「{s}」:只能是 1–12 位字母或数字,如 SH01", "--site {s!r}: 1 to 12 letters or digits, e.g. SH01", s=site))
    name = clean(name, "--name", required=True)
    who = actor(by)
    if path.exists() and path.stat().st_size > 0:
        raise TsmsError(t("{p} 已存在,不会覆盖", "{p} exists already; it is not overwritten", p=path))
    ledger = db.create(path)
    with ledger.write() as session:
        ctx = Context(session, who)
        ctx.put_setting("site_code", site.upper())
        ctx.put_setting("site_name", name)
        at = clock.now()
        ctx.event("init", at, details={"site": site.upper(), "name": name})
    return {"path": str(path), "site": site.upper(), "name": name}


# --------------------------------------------------------------------------- projects and team


def add_project(ledger: db.Ledger, code: str, name: str, kind: str | None, by: str | None = None, **fields) -> dict:
    code = clean(code, "CODE", required=True)
    if not PROJECT_CODE.match(code):
        raise TsmsError(t("工程代码「{c}」:1–20 位字母、数字、_ . -", "project code {c!r}: 1 to 20 letters, digits, _ . -", c=code))
    values = {
        "name": clean(name, "--name", required=True),
        "kind": (ProjectKind.parse(kind, "--kind") or ProjectKind.building).value,
    }
    for key in ("address", "client", "manager", "phone", "region"):
        values[key] = clean(fields.get(key), f"--{key}")
    if fields.get("completed_on") is not None:
        if fields["completed_on"] > clock.today():
            raise TsmsError(t("--completed {d} 在将来", "--completed {d} is in the future", d=fields["completed_on"]))
        values["completed_on"] = fields["completed_on"]
    if fields.get("retention") is not None:
        if not 0 <= fields["retention"] <= 1e12:
            raise TsmsError(t("--retention 应为非负金额(元)", "--retention takes an amount in yuan, 0 or more"))
        values["retention"] = fields["retention"]
    if fields.get("liability_years") is not None:
        if fields["liability_years"] not in (1, 2):
            raise TsmsError(t("--liability-years 为 1 或 2(缺陷责任期最长 2 年,建质〔2017〕138号)",
                              "--liability-years is 1 or 2 (the defect liability period is at most 2 years, 建质〔2017〕138号)"))
        values["liability_years"] = fields["liability_years"]
    if fields.get("design_life") is not None:
        life = fields["design_life"]
        if not 1 <= life <= 200:
            raise TsmsError(t("--design-life 应为 1–200 年", "--design-life must be 1 to 200 years"))
        values["design_life"] = life
    with writing(ledger, by) as ctx:
        session = ctx.session
        ctx.site  # noqa: B018 — refuses an uninitialised ledger
        if session.exec(select(Project).where(Project.code == code)).first():
            raise TsmsError(t("工程「{c}」已存在", "project {c!r} exists already", c=code))
        at = clock.now()
        from tsms.warranty import create_items, find_region

        region = find_region(ctx, values["region"])
        if region is not None:
            values["region"] = region.code
        project = Project(code=code, created_at=at, **values)
        session.add(project)
        session.flush()
        if project.completed_on is not None:
            create_items(ctx, project)
        ctx.event("project.add", at, details={"code": code, **values})
        return project_dict(project)


def project_dict(p: Project) -> dict:
    return {
        "code": p.code, "name": p.name, "kind": p.kind, "address": p.address, "client": p.client,
        "manager": p.manager, "phone": p.phone, "region": p.region,
        "completed_on": p.completed_on.isoformat() if p.completed_on else None,
        "design_life": p.design_life, "retention": p.retention, "liability_years": p.liability_years,
    }


def add_staff(ledger: db.Ledger, name: str, dept: str, role: str | None, phone: str | None,
              project: str | None, by: str | None = None) -> dict:
    name = clean(name, "NAME", required=True)
    dept = clean(dept, "--dept", required=True)
    role_value = (Role.parse(role, "--role") or Role.member).value
    phone = clean(phone, "--phone")
    with writing(ledger, by) as ctx:
        session = ctx.session
        ctx.site  # noqa: B018
        project_id = ctx.project(project).id if project else None
        if session.exec(select(Staff).where(Staff.name == name)).first():
            raise TsmsError(t("小组成员「{n}」已存在", "staff member {n!r} exists already", n=name))
        at = clock.now()
        member = Staff(name=name, dept=dept, role=role_value, phone=phone, project_id=project_id, created_at=at)
        session.add(member)
        session.flush()
        ctx.event("staff.add", at, details={"name": name, "dept": dept, "role": role_value, "project": project})
        return {"name": name, "dept": dept, "role": role_value, "phone": phone, "project": project}


# --------------------------------------------------------------------------- settings


def set_config(ledger: db.Ledger, key: str, value: str, by: str | None = None) -> dict:
    """Change one deadline setting and recompute the open deadlines."""
    keys = rules.DeadlineSettings.keys()
    if key not in keys:
        raise TsmsError(t("没有设置项「{k}」;可用:{a}", "unknown setting {k!r}; accepted: {a}", k=key, a=", ".join(keys)))
    try:
        number = int(value)
    except ValueError:
        raise TsmsError(t("{k} 需要整数,收到「{v}」", "{k} takes a whole number, not {v!r}", k=key, v=value)) from None
    with writing(ledger, by) as ctx:
        current = ctx.settings
        new = dataclasses.replace(current, **{key: number})
        problems = new.check()
        if problems:
            raise TsmsError(t("设置无效:{p}", "invalid setting: {p}", p="; ".join(problems)))
        ctx.put_setting(f"deadline.{key}", str(number))
        ctx._settings = new
        at = clock.now()
        ctx.event("config", at, details={"key": key, "from": getattr(current, key), "to": number})
        moved = ctx.refresh_calendar(at, f"setting {key} changed")
        return {"key": key, "value": number, "deadlines_moved": moved}


def read_config(ledger: db.Ledger) -> dict:
    with ledger.read() as session:
        ctx = Context(session)
        return {
            "site_code": ctx.setting("site_code"),
            "site_name": ctx.setting("site_name"),
            "path": str(ledger.path),
            "deadlines": dataclasses.asdict(ctx.settings),
        }


# --------------------------------------------------------------------------- calendar


def calendar_set(ledger: db.Ledger, day: dt.date, working: bool, note: str | None, by: str | None = None) -> dict:
    note = clean(note, "--note") or ""
    with writing(ledger, by) as ctx:
        session = ctx.session
        row = session.get(CalendarDay, day) or CalendarDay(day=day, working=working)
        row.working, row.note = working, note
        session.add(row)
        at = clock.now()
        ctx.event("calendar.set", at, details={"day": day.isoformat(), "working": working, "note": note})
        moved = ctx.refresh_calendar(at, f"calendar entry {day.isoformat()}")
        return {"day": day.isoformat(), "working": working, "note": note, "deadlines_moved": moved}


def calendar_unset(ledger: db.Ledger, day: dt.date, by: str | None = None) -> dict:
    with writing(ledger, by) as ctx:
        session = ctx.session
        row = session.get(CalendarDay, day)
        if row is None:
            raise TsmsError(t("账本里没有 {d} 的日历条目", "the ledger has no calendar entry for {d}", d=day))
        session.delete(row)
        at = clock.now()
        ctx.event("calendar.unset", at, details={"day": day.isoformat()})
        moved = ctx.refresh_calendar(at, f"calendar entry {day.isoformat()} removed")
        return {"day": day.isoformat(), "deadlines_moved": moved}


def calendar_confirm(ledger: db.Ledger, year: int, note: str, by: str | None = None) -> dict:
    """Declare a year's arrangement official (its days entered with calendar set)."""
    note = clean(note, "--note", required=True)
    with writing(ledger, by) as ctx:
        session = ctx.session
        row = session.get(CalendarYear, year) or CalendarYear(year=year)
        row.confirmed_note = note
        session.add(row)
        at = clock.now()
        ctx.event("calendar.confirm", at, details={"year": year, "note": note})
        moved = ctx.refresh_calendar(at, f"year {year} confirmed")
        return {"year": year, "note": note, "deadlines_moved": moved}


def calendar_year(ledger: db.Ledger | None, year: int) -> dict:
    """Every day of a year: working or not, its name, provisional or not. Without a ledger,
    the package's calendar alone."""
    if not 1950 <= year <= 2100:
        raise TsmsError(t("年份应在 1950–2100 之间", "the year must be between 1950 and 2100"))
    if ledger is None:
        from tsms import calendar_source

        return _year_days(rules.WorkCalendar(calendar_source.year_from_package), year, None)
    with ledger.write() as session:  # may fill the calendar cache
        row = session.get(CalendarYear, year)
        return _year_days(Context(session).calendar, year, row.confirmed_note if row else None)


def _year_days(cal: rules.WorkCalendar, year: int, confirmed_by: str | None) -> dict:
    from tsms.vocab import lang

    provisional = not cal.is_confirmed(year)
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        days.append({"date": day.isoformat(), "working": cal.is_working_day(day),
                     "name": cal.day_name(day, lang()), "provisional": provisional,
                     "local": day in cal.local})
        day += dt.timedelta(days=1)
    return {"year": year, "confirmed": not provisional, "confirmed_by": confirmed_by, "days": days}
