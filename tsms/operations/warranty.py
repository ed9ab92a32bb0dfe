"""Warranty (保修): completion acceptance creates one item per part with its statutory
period (《建设工程质量管理条例》 第四十条) and the obligations that follow it — the first
revisit within a month, the plan owed every year from the next 31 December, the retention
money; a
contract may lengthen a period, never shorten it. Heating and cooling periods follow the
project's region."""

from __future__ import annotations

import datetime as dt

from sqlmodel import func, select

from tsms import rules
from tsms.checks import TERM_SEASONS, TERM_YEARS, clean
from tsms.errors import TsmsError
from tsms.store import engine
from tsms.store.records import region_dict, season_of, statutory_item as statutory, warranty_item_dict
from tsms.store.tables import Obligation, Project, QualityRevisit, Region, WarrantyItem
from tsms.store.unit import Context, writing
from tsms.vocab import WarrantyPart, t

ARTICLE = "《建设工程质量管理条例》第四十条"


def find_region(ctx: Context, text: str | None) -> Region | None:
    if not text:
        return None
    key = text.strip()
    return ctx.session.exec(select(Region).where((Region.code == key.lower()) | (Region.name == key))).first()


def create_items(ctx: Context, project: Project) -> list[WarrantyItem]:
    region = find_region(ctx, project.region)
    items = [statutory(project, part.value, region) for part in WarrantyPart]
    for item in items:
        ctx.session.add(item)
    return items


def on_completion(ctx: Context, project: Project) -> None:
    """What completion acceptance starts: the warranty items; the first revisit within a
    month (seed 《中建工程回访制度范本》), when the ledger learns of the completion before that
    month is out; the plan owed from the next 31 December (seed 1.4.1), the first time the
    ledger holds a finished project; the reminder to apply for the retention money."""
    create_items(ctx, project)
    completed = project.completed_on
    entered = min(project.created_at.date(), ctx.now().date())
    first = rules.first_revisit_deadline(completed, ctx.calendar)
    if first.due >= entered:
        row = ctx.oblige("first_revisit", completed, holder=project.manager, project_id=project.id)
        # a revisit recorded before the completion was (made on or after its day, typed later)
        row.met_at = ctx.session.exec(select(func.min(QualityRevisit.at)).where(
            QualityRevisit.project_id == project.id,
            QualityRevisit.at >= dt.datetime.combine(completed, dt.time()))).one()
    if ctx.session.exec(select(Obligation.id).where(Obligation.kind == "plan")).first() is None:
        # the first finished project: the plan is owed from the next 31 December on
        ctx.oblige("plan", dt.date(ctx.now().year, 12, 1), plan_year=ctx.now().year + 1)
        ctx.owe_plans(ctx.now().year + rules.PLANS_AHEAD)
    if project.retention is not None:  # a reminder of the contractor's right to apply, not a duty
        ctx.oblige("retention", project.liability_from or completed, basis=str(project.liability_years),
                   holder=project.manager, project_id=project.id)


def liability_from(completed: dt.date, report: dt.date, client_delay: bool | None) -> dt.date | None:
    """The defect liability period's start when it is not the completion date (138号 第八条)."""
    if report > completed:
        raise TsmsError(t("竣工验收报告日期 {r} 晚于竣工验收日期 {c}", "the completion report {r} is after the acceptance {c}",
                          r=report, c=completed))
    start = rules.liability_start(completed, report, bool(client_delay))
    return start if start != completed else None


def complete(ledger: engine.Ledger, code: str, day: dt.date, by: str | None = None, report: dt.date | None = None,
             client_delay: bool = False) -> dict:
    """Record completion acceptance (竣工验收合格) and create the warranty items. With the day
    the completion report was submitted and ``client_delay`` (acceptance late through the
    client's fault), the defect liability period starts 90 days after the report at the
    latest (建质〔2017〕138号 第八条)."""
    with writing(ledger, by) as ctx:
        project = ctx.project(code)
        if project.completed_on is not None:
            raise TsmsError(t("工程 {c} 已于 {d} 竣工验收", "project {c} passed completion acceptance on {d} already",
                              c=project.code, d=project.completed_on))
        if day > ctx.now().date():
            raise TsmsError(t("竣工验收日期 {d} 在将来", "the completion date {d} is in the future", d=day))
        project.completed_on = day
        if report is not None:
            project.liability_from = liability_from(day, report, client_delay)
        elif client_delay:
            raise TsmsError(t("--client-delay 需要 --report 竣工验收报告提交日期", "--client-delay needs --report DATE"))
        ctx.session.add(project)
        ctx.session.flush()
        on_completion(ctx, project)
        ctx.event("project.complete", dt.datetime.combine(day, dt.time()), details={"project": project.code,
                                                                                  "completed_on": day.isoformat()})
        return {"project": project.code, "completed_on": day.isoformat(), "items": len(WarrantyPart)}


def set_term(ledger: engine.Ledger, code: str, part: str, *, years: int | None = None, seasons: int | None = None,
             note: str | None = None, by: str | None = None) -> dict:
    """A contract term for a part: it may lengthen the statutory period, never shorten it."""
    part_value = WarrantyPart.parse(part, "PART").value
    note = clean(note, "--note")
    if (years is None) == (seasons is None):
        raise TsmsError(t("请给出 --years 或 --seasons 之一", "give one of --years or --seasons"))
    (first_year, last_year), (first_season, last_season) = TERM_YEARS, TERM_SEASONS
    if (years is not None and not first_year <= years <= last_year) or (
            seasons is not None and not first_season <= seasons <= last_season):
        raise TsmsError(t("期限应为 {a}–{b} 年或 {c}–{d} 个采暖/供冷期", "a term is {a} to {b} years or {c} to {d} seasons",
                          a=first_year, b=last_year, c=first_season, d=last_season))
    with writing(ledger, by) as ctx:
        project = ctx.project(code)
        item = _item(ctx, project, part_value)
        region = find_region(ctx, project.region)
        minimum = statutory(project, part_value, region)
        if seasons is not None:
            season = season_of(region, part_value)
            if season is None:
                raise TsmsError(t("地区「{r}」没有{p}期,请用 --years 约定年限", "region {r!r} has no {p} period: give --years",
                                  r=t(region.name, region.code) if region else project.region or "-",
                                  p=WarrantyPart(part_value).label))
            expires = rules.warranty_expires_seasons(project.completed_on, seasons, season)
        else:
            expires = rules.warranty_expires_years(project.completed_on, years)
        if minimum.expires is not None and expires < minimum.expires:
            from tsms.store.records import period_text

            raise TsmsError(t(
                "{p}的保修期不得短于{a}规定的最低期限({m},至 {e});约定只能延长",
                "the {p} warranty may not be shorter than the minimum of {a} ({m}, to {e}); a contract may only lengthen it",
                p=WarrantyPart(part_value).label, a=ARTICLE, m=period_text(minimum), e=minimum.expires))
        before = {"years": item.years, "seasons": item.seasons, "expires": str(item.expires)}
        item.years, item.seasons, item.expires, item.source, item.note = years, seasons, expires, "contract", note
        ctx.session.add(item)
        ctx.event("warranty.set", ctx.now(), details={"project": project.code, "part": part_value,
                                                      "from": before, "years": years, "seasons": seasons,
                                                      "expires": expires.isoformat(), "note": note})
        return warranty_item_dict(item, ctx.now().date())


def _item(ctx: Context, project: Project, part: str) -> WarrantyItem:
    if project.completed_on is None:
        raise TsmsError(t("工程 {c} 尚未竣工验收;先 tsms project complete {c} 日期",
                          "project {c} has not passed completion acceptance; run tsms project complete {c} DATE",
                          c=project.code))
    item = ctx.session.exec(select(WarrantyItem).where(WarrantyItem.project_id == project.id,
                                                       WarrantyItem.part == part)).first()
    if item is None:  # completed before warranty items existed (an older ledger)
        create_items(ctx, project)
        ctx.session.flush()
        return _item(ctx, project, part)
    return item


def add_region(ledger: engine.Ledger, code: str, name: str, heating: str | None, cooling: str | None,
               by: str | None = None) -> dict:
    code = clean(code, "CODE", required=True).lower()
    name = clean(name, "--name", required=True)
    spans = {}
    for label, value in (("heating", heating), ("cooling", cooling)):
        if value:
            start, sep, end = value.partition(":")
            if not sep:
                raise TsmsError(t("--{l} 应为 开始月-日:结束月-日,如 11-15:03-15",
                                  "--{l} takes START:END month-days, e.g. 11-15:03-15", l=label))
            rules.month_day(start), rules.month_day(end)
            spans[label] = (start.strip(), end.strip())
    with writing(ledger, by) as ctx:
        if ctx.session.get(Region, code):
            raise TsmsError(t("地区「{c}」已存在", "region {c!r} exists already", c=code))
        region = Region(code=code, name=name)
        if "heating" in spans:
            region.heating_start, region.heating_end = spans["heating"]
        if "cooling" in spans:
            region.cooling_start, region.cooling_end = spans["cooling"]
        ctx.session.add(region)
        ctx.event("region.add", ctx.now(), details={"code": code, "name": name,
                                                    **{k: ":".join(v) for k, v in spans.items()}})
        return region_dict(region)
