"""The unit of work: one command's view of the ledger inside one transaction.

Everything an operation needs besides its own rows lives here, once: the settings, the
working-day calendar (cached in the ledger by writes, computed in memory by reads), number
allocation, the obligations (every deadline tsms tracks: created from a rule, met, and
recomputed when the calendar or a setting changes) and the hash-chained audit trail (one
hash function, used by the writer and by ``check``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import unicodedata

from sqlalchemy import func
from sqlmodel import Session, select

from tsms import rules
from tsms.checks import actor, normalise_number
from tsms.errors import LEDGER_UNUSABLE, TsmsError, shown
from tsms.store import changes, engine
from tsms.store.tables import (
    CalendarDay,
    CalendarYear,
    Claim,
    Complaint,
    Obligation,
    Project,
    Setting,
    Staff,
)
from tsms.vocab import suggest, t

DEFAULT_PROJECT = "default_project"  # the setting naming the project log takes without --project
# a complaint number's short forms: 7, 00007 (this year), 2026-7 (that year); SH01-2026-7
_BARE_NUMBER = re.compile(r"(?:([0-9]{4})-)?([0-9]{1,9})")
_SITE_NUMBER = re.compile(r"([A-Z0-9]{1,12})-([0-9]{4})-([0-9]{1,9})")


class Context:
    """One command's view of the ledger inside one transaction. ``writable`` is False for
    reading commands: then nothing is added to the session, not even the calendar cache."""

    def __init__(self, session: Session, who: str | None = None, *, now=None, writable: bool = False):
        self.session = session
        self.who = who
        self.now = now or engine.default_now
        self.writable = writable
        self._settings: rules.DeadlineSettings | None = None
        self._calendar: rules.WorkCalendar | None = None
        self._rows: dict[str, Setting] | None = None
        self._years: dict[int, CalendarYear] | None = None
        self._events: list[dict] = []
        self.floor = 0  # the last row image written before this transaction (store.changes)

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
        if key.startswith("deadline."):
            self._settings = None

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
            from tsms.store import calendar_source as source

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
                if self.writable:  # reads compute the year in memory and write nothing
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
        from tsms.store import calendar_source as source

        fingerprint = source.package_fingerprint()
        return any(row.data and row.package != fingerprint for row in self._cached_years().values())

    def ensure_fresh_calendar(self, at: dt.datetime) -> None:
        """Before a write uses the calendar: when the holidays package changed, recompute
        every open obligation (so no write re-stamps the cache without recomputing)."""
        if self.calendar_is_stale():
            self.recompute(at, "holidays package changed")

    def owe_plans(self, horizon: int) -> None:
        """The yearly revisit plan is a standing obligation: once the ledger owes a first one
        (operations.warranty.on_completion), every later year's is owed too, by the 31
        December before it (seed 1.4.1). Keeps the rows there up to ``horizon``."""
        last = self.session.exec(select(func.max(Obligation.plan_year)).where(Obligation.kind == "plan")).one()
        if last is None:
            return
        for year in range(last + 1, horizon + 1):
            self.oblige("plan", dt.date(year - 1, 12, 1), plan_year=year)

    # obligations -----------------------------------------------------------
    def oblige(self, kind: str, starts: dt.date, *, basis: str = "", holder: str | None = None,
               project_id: int | None = None, **subject) -> Obligation:
        """Record an obligation whose deadline the rule for ``kind`` gives from ``starts``
        (rules.obligation_deadline). ``subject`` names what it is about: complaint_id,
        claim_id, rectification_id, plan_item_id, plan_year, or only the project."""
        d = rules.obligation_deadline(kind, starts, basis, self.calendar, self.settings)
        row = Obligation(kind=kind, starts=starts, due=d.due, provisional=d.provisional, due_at=d.at, basis=basis,
                         holder=holder, project_id=project_id, **subject)
        self.session.add(row)
        return row

    def oblige_many(self, wanted: list[tuple[str, dt.date, dict]]) -> int:
        """:meth:`oblige` for many at once (a plan's items): (kind, starts, the other columns),
        inserted in one statement without building an object for each."""
        from sqlalchemy import insert

        cal, settings = self.calendar, self.settings
        rows = []
        for kind, starts, columns in wanted:
            d = rules.obligation_deadline(kind, starts, columns.get("basis", ""), cal, settings)
            rows.append({"kind": kind, "starts": starts, "due": d.due, "provisional": d.provisional, "due_at": d.at,
                         "basis": "", "holder": None, "complaint_id": None, "claim_id": None,
                         "rectification_id": None, "plan_item_id": None, "plan_year": None, "project_id": None,
                         "met_at": None, **columns})
        if rows:
            self.session.execute(insert(Obligation), rows)
        return len(rows)

    def open_obligations(self, *kinds: str, **subject) -> dict[str, Obligation]:
        """The open obligations of one subject (of these kinds, or all), by kind."""
        query = select(Obligation).where(Obligation.met_at.is_(None))
        if kinds:
            query = query.where(Obligation.kind.in_(kinds))
        for column, value in subject.items():
            query = query.where(getattr(Obligation, column) == value)
        return {o.kind: o for o in self.session.exec(query.order_by(Obligation.id)).all()}

    def meet(self, kind: str, at: dt.datetime, **subject) -> Obligation | None:
        """Mark the subject's open obligation of ``kind`` met at ``at``; None when it has none."""
        row = self.open_obligations(kind, **subject).get(kind)
        if row is not None:
            row.met_at = at
            self.session.add(row)
        return row

    def reschedule(self, row: Obligation, starts: dt.date) -> None:
        """An open obligation whose starting day changed (a planned revisit moved)."""
        d = rules.obligation_deadline(row.kind, starts, row.basis, self.calendar, self.settings)
        row.starts, row.due, row.provisional, row.due_at = starts, d.due, d.provisional, d.at
        self.session.add(row)

    def recompute(self, at: dt.datetime, reason: str) -> int:
        """Reload the calendar and the settings and recompute every open obligation (SPEC §3:
        「a calendar or setting change recomputes every open one」). Returns how many moved;
        records one event listing them."""
        self._calendar = self._years = None
        self._settings = None
        self.session.flush()
        cal, settings = self.calendar, self.settings
        moved = []
        for row in self.session.exec(select(Obligation).where(Obligation.met_at.is_(None))).all():
            new = rules.obligation_deadline(row.kind, row.starts, row.basis, cal, settings)
            if (new.due, new.provisional, new.at) != (row.due, bool(row.provisional), row.due_at):
                moved.append({"obligation": row.id, "kind": row.kind, "from": row.due.isoformat(),
                              "to": new.due.isoformat(), "provisional": new.provisional})
                row.due, row.provisional, row.due_at = new.due, new.provisional, new.at
                self.session.add(row)
        self.event("recompute", at, details={"reason": reason, "moved": moved})
        return len(moved)

    # numbers ---------------------------------------------------------------
    def next_seq(self, table, *where) -> int:
        """The next sequence number among ``table``'s rows matching ``where`` (max + 1), taken
        inside the write transaction, so two processes never get the same one."""
        return (self.session.exec(select(func.max(table.seq)).where(*where)).one() or 0) + 1

    # audit ----------------------------------------------------------------
    def event(self, action: str, at: dt.datetime, complaint_id: int | None = None, details: dict | None = None) -> None:
        """Record one event of the hash-chained audit trail. It is written when the
        transaction ends (:meth:`seal`) with the row images of what was changed up to now."""
        self.session.flush()
        self._events.append({"at": at, "recorded_at": self.now(), "actor": self.who or actor(None), "action": action,
                             "complaint_id": complaint_id, "details": details or {},
                             "upto": changes.high_water(self.run)})

    def events(self, action: str, happened: list[tuple[dt.datetime, int | None, dict]]) -> None:
        """Many events of one action at once — (at, complaint_id, details) each — after rows
        written in bulk (an import's ``log`` events): the first takes the changes made so far,
        the others none, without a flush and a look at the changes for each."""
        self.session.flush()
        upto = changes.high_water(self.run)
        recorded, who = self.now(), self.who or actor(None)
        self._events += [{"at": at, "recorded_at": recorded, "actor": who, "action": action, "complaint_id": cid,
                          "details": details or {}, "upto": upto} for at, cid, details in happened]

    def run(self, sql: str, params: tuple = ()):
        """A statement on this transaction's connection, for store.changes."""
        return self.session.connection().exec_driver_sql(sql, params)

    def seal(self) -> None:
        """End of the write: the events, each with what it changed, and the chain's head."""
        self.session.flush()
        changes.seal(self.run, self._events, self.floor, self.now())
        self._events = []

    # lookups ---------------------------------------------------------------
    def project(self, code: str | None) -> Project:
        """The project ``code`` names (case-insensitively: ``p01`` is P01). Without a code: the
        ledger's default project (``config default_project``), else the only one there is."""
        if code is None:
            default = self.setting(DEFAULT_PROJECT)
            if default is not None:
                row = self.session.exec(select(Project).where(Project.code == default)).first()
                if row is not None:
                    return row
            projects = self.session.exec(select(Project).limit(2)).all()
            if len(projects) == 1:
                return projects[0]
            raise TsmsError(t("请用 --project 指定工程(或 tsms config default_project 代码 设默认工程);现有:{c}",
                              "give --project (or set one with tsms config default_project CODE); projects: {c}",
                              c=self._project_codes()))
        key = unicodedata.normalize("NFKC", code).strip()
        row = self.session.exec(select(Project).where(Project.code == key)).first()
        if row is None:
            matches = self.session.exec(select(Project).where(func.lower(Project.code) == key.lower()).limit(2)).all()
            row = matches[0] if len(matches) == 1 else None
        if row is None:
            raise TsmsError(
                t("没有工程「{c}」;现有:{k}", "unknown project {c!r}; projects: {k}", c=shown(code), k=self._project_codes())
            )
        return row

    def completed_project(self, code: str | None) -> Project:
        """A project past completion acceptance (a warranty, claims and retention money)."""
        project = self.project(code)
        if project.completed_on is None:
            raise TsmsError(t("工程 {c} 尚未竣工验收,不在保修期", "project {c} has not passed completion acceptance: no warranty yet",
                              c=project.code))
        return project

    def _project_codes(self) -> str:
        codes = self.session.exec(select(Project.code).order_by(Project.code).limit(20)).all()
        return ", ".join(codes) or t("(无,先 tsms project add)", "(none; tsms project add first)")

    def staff_member(self, name: str, option: str, *, register: bool = True) -> Staff:
        """The person on the staff list (``tsms staff add``, any department) called ``name``;
        an unknown name is refused with the closest names, or a few of the list."""
        row = self.session.exec(select(Staff).where(Staff.name == name)).first()
        if row is not None:
            return row
        names = list(self.session.exec(select(Staff.name).order_by(Staff.id)).all())
        near = suggest(name, names)
        if near:
            hint = t("是不是 {s}?", "did you mean {s}?", s=t("、", ", ").join(near))
        elif names:
            listed = t("、", ", ").join(names[:8]) + (" …" if len(names) > 8 else "")
            hint = t("在册人员:{s}", "staff: {s}", s=listed)
        else:
            hint = t("人员名单还是空的", "the staff list is empty")
        if register:  # a command that names a person to act: how to put them on the list
            hint += t("(其他部门的人也先用 tsms staff add 姓名 --dept 部门 登记)",
                      " (people of any department: tsms staff add NAME --dept DEPT first)")
        raise TsmsError(t("{o} 没有这个人:{n};{h}", "{o}: no one called {n!r} on the staff list; {h}",
                          o=option, n=shown(name), h=hint))

    def complaint_number(self, number: str | None) -> str:
        """The full number a complaint number as typed means: ``SH02-2026-00007`` as it is,
        and this site's short forms — ``7`` or ``00007`` (this year of the ledger's clock),
        ``2026-7`` (that year)."""
        key = normalise_number(number)
        bare = _BARE_NUMBER.fullmatch(key)
        if bare:
            year, seq = bare.group(1), bare.group(2)
            if int(seq) > 0:
                return f"{self.site}-{year or self.now().year}-{int(seq):05d}"
        full = _SITE_NUMBER.fullmatch(key)
        if full and int(full.group(3)) > 0:
            return f"{full.group(1)}-{full.group(2)}-{int(full.group(3)):05d}"
        return key

    def complaint(self, number: str) -> Complaint:
        row = self.session.exec(select(Complaint).where(Complaint.number == self.complaint_number(number))).first()
        if row is None:
            site = self.setting("site_code") or "SH01"
            year = self.now().year
            raise TsmsError(
                t("没有编号为「{n}」的投诉(格式如 {s}-{y}-00007,或简写 7、{y}-7)",
                  "no complaint numbered {n!r} (numbers look like {s}-{y}-00007, or short: 7, {y}-7)",
                  n=shown(number), s=site, y=year)
            )
        return row

    def claim(self, number: str) -> Claim:
        row = self.session.exec(select(Claim).where(Claim.number == normalise_number(number))).first()
        if row is None:
            raise TsmsError(t("没有编号为「{n}」的保修单", "no warranty claim numbered {n!r}", n=number))
        return row


@contextlib.contextmanager
def writing(ledger: engine.Ledger, by: str | None):
    """One operation: who acts (--by, TSMS_USER, the login name), one write transaction,
    and the context the operation works in."""
    who = actor(by)
    with ledger.write() as session:
        ctx = Context(session, who, now=ledger.now, writable=True)
        ctx.floor = changes.high_water(ctx.run)
        if ctx.setting("site_code") is not None:  # an initialised ledger
            now = ctx.now()
            ctx.ensure_fresh_calendar(now)
            ctx.owe_plans(now.year + rules.PLANS_AHEAD)
        yield ctx
        ctx.seal()
        _pause_inside_write()


def _pause_inside_write() -> None:
    """For the crash tests: with TSMS_PAUSE_INSIDE_WRITE=FILE the writer, with everything
    written but not committed, creates FILE and waits to be killed there."""
    marker = os.environ.get("TSMS_PAUSE_INSIDE_WRITE")
    if marker:
        import time

        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(120)


@contextlib.contextmanager
def reading(ledger: engine.Ledger):
    """A read: a deferred transaction that never writes (works on a read-only file and
    while another process holds the write lock)."""
    with ledger.read() as session:
        yield Context(session, now=ledger.now)
