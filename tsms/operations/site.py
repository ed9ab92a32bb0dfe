"""The site's own records: the ledger itself, projects, the complaint team, the deadline
settings and the ledger's calendar entries. Each operation is one transaction and one event;
a setting or calendar change recomputes every open obligation."""

from __future__ import annotations

import contextlib

import dataclasses
import datetime as dt
import re
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from tsms import rules
from tsms.checks import LIABILITY_YEARS, TERM_YEARS, actor, clean
from tsms.errors import TsmsError
from tsms.operations import warranty
from tsms.store import engine
from tsms.store.records import project_dict
from tsms.store.tables import CalendarDay, CalendarYear, Project, Setting, Staff
from tsms.store.unit import DEFAULT_PROJECT, writing
from tsms.vocab import ProjectKind, Role, t

SITE_CODE = re.compile(r"^[A-Za-z0-9]{1,12}$")
PROJECT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def init(path: Path, site: str, name: str, by: str | None = None, now=None) -> dict:
    site = clean(site, "--site", required=True)
    if not SITE_CODE.match(site):
        raise TsmsError(t("--site「{s}」:只能是 1–12 位字母或数字,如 SH01", "--site {s!r}: 1 to 12 letters or digits, e.g. SH01", s=site))
    name = clean(name, "--name", required=True)
    who = actor(by)
    if path.exists() and path.stat().st_size > 0:
        raise TsmsError(t("{p} 已存在,不会覆盖", "{p} exists already; it is not overwritten", p=path))
    existed = path.exists()
    try:
        ledger = engine.create(path, now)
        with writing(ledger, who) as ctx:
            ctx.put_setting("site_code", site.upper())
            ctx.put_setting("site_name", name)
            ctx.event("init", ctx.now(), details={"site": site.upper(), "name": name})
    except BaseException:
        # a failed init leaves nothing behind: no stub that a second init would refuse to
        # overwrite and every other command would take for a ledger
        if not existed:
            for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        raise
    return {"path": str(path), "site": site.upper(), "name": name}


def add_project(ledger: engine.Ledger, code: str, name: str, kind: str | None, by: str | None = None, **fields) -> dict:
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
        if fields["completed_on"] > ledger.now().date():
            raise TsmsError(t("--completed {d} 在将来", "--completed {d} is in the future", d=fields["completed_on"]))
        values["completed_on"] = fields["completed_on"]
    for key, option in (("retention", "--retention"), ("contract_sum", "--contract-sum")):
        if fields.get(key) is not None:
            if not 0 <= fields[key] <= 1e13:
                raise TsmsError(t("{o} 应为非负金额(元)", "{o} takes an amount in yuan, 0 or more", o=option))
            values[key] = fields[key]
    if values.get("retention") is not None and values.get("contract_sum") is not None:
        cap = rules.retention_cap(values["contract_sum"])
        if values["retention"] > cap:
            raise TsmsError(t("质保金 {r} 元超过结算总额 {c} 元的 3%({m:.2f} 元),见建质〔2017〕138号第七条",
                              "retention {r} exceeds 3 % of the contract sum {c} ({m:.2f}), 建质〔2017〕138号 第七条",
                              r=values["retention"], c=values["contract_sum"], m=cap))
    if fields.get("report") is not None:
        if values.get("completed_on") is None:
            raise TsmsError(t("--report 与 --completed 一起用", "--report goes with --completed"))
        values["liability_from"] = warranty.liability_from(values["completed_on"], fields["report"], fields.get("client_delay"))
    if fields.get("liability_years") is not None:
        if not LIABILITY_YEARS[0] <= fields["liability_years"] <= LIABILITY_YEARS[1]:
            raise TsmsError(t("--liability-years 为 {a} 或 {b}(缺陷责任期最长 {b} 年,建质〔2017〕138号)",
                              "--liability-years is {a} or {b} (the defect liability period is at most {b} years, "
                              "建质〔2017〕138号)", a=LIABILITY_YEARS[0], b=LIABILITY_YEARS[1]))
        values["liability_years"] = fields["liability_years"]
    if fields.get("design_life") is not None:
        life = fields["design_life"]
        if not TERM_YEARS[0] <= life <= TERM_YEARS[1]:
            raise TsmsError(t("--design-life 应为 {a}–{b} 年", "--design-life must be {a} to {b} years",
                              a=TERM_YEARS[0], b=TERM_YEARS[1]))
        values["design_life"] = life
    with writing(ledger, by) as ctx:
        session = ctx.session
        ctx.site  # noqa: B018 — refuses an uninitialised ledger
        same = session.exec(select(Project.code).where(func.lower(Project.code) == code.lower())).first()
        if same is not None:  # codes are matched case-insensitively: p01 is P01
            raise TsmsError(t("工程「{c}」已存在", "project {c!r} exists already", c=same))
        at = ctx.now()
        region = warranty.find_region(ctx, values["region"])
        if region is not None:
            values["region"] = region.code
        project = Project(code=code, created_at=at, **values)
        session.add(project)
        session.flush()
        if project.completed_on is not None:
            warranty.on_completion(ctx, project)
        ctx.event("project.add", at, details={"code": code, **values})
        return project_dict(project)


def add_staff(ledger: engine.Ledger, name: str, dept: str, role: str | None, phone: str | None,
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
        at = ctx.now()
        session.add(Staff(name=name, dept=dept, role=role_value, phone=phone, project_id=project_id, created_at=at))
        session.flush()
        ctx.event("staff.add", at, details={"name": name, "dept": dept, "role": role_value, "project": project})
        return {"name": name, "dept": dept, "role": role_value, "phone": phone, "project": project}


NO_DEFAULT = ("none", "-", "无")  # config default_project none: no default any more


def set_config(ledger: engine.Ledger, key: str, value: str, by: str | None = None) -> dict:
    """Change one deadline setting and recompute the open obligations; or the project
    ``log`` takes without ``--project`` (``default_project``)."""
    keys = rules.DeadlineSettings.keys()
    if key == DEFAULT_PROJECT:
        return _set_default_project(ledger, value, by)
    if key not in keys:
        raise TsmsError(t("没有设置项「{k}」;可用:{a}", "unknown setting {k!r}; accepted: {a}", k=key,
                          a=", ".join((DEFAULT_PROJECT, *keys))))
    try:
        number = int(value)
    except ValueError:
        raise TsmsError(t("{k} 需要整数,收到「{v}」", "{k} takes a whole number, not {v!r}", k=key, v=value)) from None
    with writing(ledger, by) as ctx:
        current = ctx.settings
        problems = dataclasses.replace(current, **{key: number}).check()
        if problems:
            raise TsmsError(t("设置无效:{p}", "invalid setting: {p}", p="; ".join(problems)))
        ctx.put_setting(f"deadline.{key}", str(number))
        at = ctx.now()
        ctx.event("config", at, details={"key": key, "from": getattr(current, key), "to": number})
        moved = ctx.recompute(at, f"setting {key} changed")
        return {"key": key, "value": number, "deadlines_moved": moved}


def _set_default_project(ledger: engine.Ledger, value: str, by: str | None) -> dict:
    value = clean(value, DEFAULT_PROJECT, required=True)
    with writing(ledger, by) as ctx:
        ctx.site  # noqa: B018
        before = ctx.setting(DEFAULT_PROJECT)
        code = None if value.lower() in NO_DEFAULT else ctx.project(value).code
        if code is None:
            if before is not None:
                ctx.session.delete(ctx.session.get(Setting, DEFAULT_PROJECT))
        else:
            ctx.put_setting(DEFAULT_PROJECT, code)
        ctx.event("config", ctx.now(), details={"key": DEFAULT_PROJECT, "from": before, "to": code})
        return {"key": DEFAULT_PROJECT, "value": code, "deadlines_moved": 0}


def calendar_set(ledger: engine.Ledger, day: dt.date, working: bool, note: str | None, by: str | None = None) -> dict:
    note = clean(note, "--note") or ""
    with writing(ledger, by) as ctx:
        row = ctx.session.get(CalendarDay, day) or CalendarDay(day=day, working=working)
        row.working, row.note = working, note
        ctx.session.add(row)
        at = ctx.now()
        ctx.event("calendar.set", at, details={"day": day.isoformat(), "working": working, "note": note})
        moved = ctx.recompute(at, f"calendar entry {day.isoformat()}")
        return {"day": day.isoformat(), "working": working, "note": note, "deadlines_moved": moved}


def calendar_unset(ledger: engine.Ledger, day: dt.date, by: str | None = None) -> dict:
    with writing(ledger, by) as ctx:
        row = ctx.session.get(CalendarDay, day)
        if row is None:
            raise TsmsError(t("账本里没有 {d} 的日历条目", "the ledger has no calendar entry for {d}", d=day))
        ctx.session.delete(row)
        at = ctx.now()
        ctx.event("calendar.unset", at, details={"day": day.isoformat()})
        moved = ctx.recompute(at, f"calendar entry {day.isoformat()} removed")
        return {"day": day.isoformat(), "deadlines_moved": moved}


def calendar_confirm(ledger: engine.Ledger, year: int, note: str, by: str | None = None) -> dict:
    """Declare a year's arrangement official (its days entered with calendar set)."""
    note = clean(note, "--note", required=True)
    with writing(ledger, by) as ctx:
        row = ctx.session.get(CalendarYear, year) or CalendarYear(year=year)
        row.confirmed_note = note
        ctx.session.add(row)
        at = ctx.now()
        ctx.event("calendar.confirm", at, details={"year": year, "note": note})
        moved = ctx.recompute(at, f"year {year} confirmed")
        return {"year": year, "note": note, "deadlines_moved": moved}


def mark_demo(ledger: engine.Ledger) -> None:
    """Tag a ledger as the demo's, so that ``tsms demo`` may rebuild it and nothing else."""
    with writing(ledger, "tsms") as ctx:
        ctx.put_setting("demo", "1")
        ctx.event("demo", ctx.now(), details={"demo": True})
