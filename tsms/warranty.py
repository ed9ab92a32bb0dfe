"""Warranty (保修): completion acceptance creates one item per part with its statutory
period (《建设工程质量管理条例》 第四十条); a contract may lengthen a period, never shorten it.
Heating and cooling periods follow the project's region."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import select

from tsms import clock, db, rules
from tsms.errors import TsmsError
from tsms.ledger import Context, clean, writing
from tsms.models import Project, Region, WarrantyItem
from tsms.vocab import WarrantyPart, t

ARTICLE = "《建设工程质量管理条例》第四十条"
EXPIRING_DAYS = 30  # the pre-expiry revisit's window (seed: 「保修期结束前的回访」)
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def season_of(region: Region | None, part: str) -> rules.Season | None:
    if region is None:
        return None
    start, end = ((region.heating_start, region.heating_end) if part == "heating"
                  else (region.cooling_start, region.cooling_end))
    if not start or not end:
        return None
    return rules.Season(_month_day(start), _month_day(end))


def _month_day(text: str) -> tuple[int, int]:
    m = _MONTH_DAY.match(text.strip())
    if not m:
        raise TsmsError(t("「{v}」不是月-日(如 11-15)", "{v!r} is not a month-day such as 11-15", v=text))
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid month-day
    except ValueError:
        raise TsmsError(t("「{v}」不是有效的月-日", "{v!r} is not a valid month-day", v=text)) from None
    return month, day


def find_region(ctx: Context, text: str | None) -> Region | None:
    if not text:
        return None
    key = text.strip()
    return ctx.session.exec(select(Region).where((Region.code == key.lower()) | (Region.name == key))).first()


def statutory(project: Project, part: str, region: Region | None) -> WarrantyItem:
    """The item a part gets at completion acceptance, by 第四十条."""
    kind, n = rules.WARRANTY_MINIMUMS[part]
    item = WarrantyItem(project_id=project.id, part=part, starts=project.completed_on, source="statute")
    if kind == "design_life":
        item.years = project.design_life
        item.expires = rules.warranty_expires_years(project.completed_on, project.design_life)
    elif kind == "years":
        item.years = n
        item.expires = rules.warranty_expires_years(project.completed_on, n)
    elif kind == "seasons":
        season = season_of(region, part)
        item.seasons = n
        if season is None:  # no heating/cooling period known for the region: the contract says
            item.source = "needs_term"
        else:
            item.expires = rules.warranty_expires_seasons(project.completed_on, n, season)
    else:
        item.source = "needs_term"
    return item


def create_items(ctx: Context, project: Project) -> list[WarrantyItem]:
    region = find_region(ctx, project.region)
    items = [statutory(project, part.value, region) for part in WarrantyPart]
    for item in items:
        ctx.session.add(item)
    return items


def complete(ledger: db.Ledger, code: str, day: dt.date, by: str | None = None) -> dict:
    """Record completion acceptance (竣工验收合格) and create the warranty items."""
    with writing(ledger, by) as ctx:
        session = ctx.session
        project = ctx.project(code)
        if project.completed_on is not None:
            raise TsmsError(t("工程 {c} 已于 {d} 竣工验收", "project {c} passed completion acceptance on {d} already",
                              c=project.code, d=project.completed_on))
        if day > clock.today():
            raise TsmsError(t("竣工验收日期 {d} 在将来", "the completion date {d} is in the future", d=day))
        project.completed_on = day
        session.add(project)
        session.flush()
        items = create_items(ctx, project)
        ctx.event("project.complete", dt.datetime.combine(day, dt.time()), details={"project": project.code,
                                                                                  "completed_on": day.isoformat()})
        return {"project": project.code, "completed_on": day.isoformat(), "items": len(items)}


def set_term(ledger: db.Ledger, code: str, part: str, *, years: int | None = None, seasons: int | None = None,
             note: str | None = None, by: str | None = None) -> dict:
    """A contract term for a part: it may lengthen the statutory period, never shorten it."""
    part_value = WarrantyPart.parse(part, "PART").value
    note = clean(note, "--note")
    if (years is None) == (seasons is None):
        raise TsmsError(t("请给出 --years 或 --seasons 之一", "give one of --years or --seasons"))
    if (years is not None and not 1 <= years <= 200) or (seasons is not None and not 1 <= seasons <= 50):
        raise TsmsError(t("期限应为 1–200 年或 1–50 个采暖/供冷期", "a term is 1 to 200 years or 1 to 50 seasons"))
    with writing(ledger, by) as ctx:
        session = ctx.session
        project = ctx.project(code)
        item = _item(ctx, project, part_value)
        region = find_region(ctx, project.region)
        minimum = statutory(project, part_value, region)
        if seasons is not None:
            season = season_of(region, part_value)
            if season is None:
                raise TsmsError(t("地区「{r}」没有{p}期,请用 --years 约定年限", "region {r!r} has no {p} period: give --years",
                                  r=project.region or "-", p=WarrantyPart(part_value).label))
            expires = rules.warranty_expires_seasons(project.completed_on, seasons, season)
        else:
            expires = rules.warranty_expires_years(project.completed_on, years)
        if minimum.expires is not None and expires < minimum.expires:
            raise TsmsError(t(
                "{p}的保修期不得短于{a}规定的最低期限({m},至 {e});约定只能延长",
                "the {p} warranty may not be shorter than the minimum of {a} ({m}, to {e}); a contract may only lengthen it",
                p=WarrantyPart(part_value).label, a=ARTICLE, m=period_text(minimum), e=minimum.expires))
        before = {"years": item.years, "seasons": item.seasons, "expires": str(item.expires)}
        item.years, item.seasons, item.expires, item.source, item.note = years, seasons, expires, "contract", note
        session.add(item)
        ctx.event("warranty.set", clock.now(), details={"project": project.code, "part": part_value,
                                                        "from": before, "years": years, "seasons": seasons,
                                                        "expires": expires.isoformat(), "note": note})
        return item_dict(item, clock.today())


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


def period_text(item: WarrantyItem) -> str:
    if item.seasons is not None and item.years is None:
        return t("{n}个{k}期", "{n} {k} periods", n=item.seasons,
                 k=t("采暖", "heating") if item.part == "heating" else t("供冷", "cooling"))
    if item.years is not None:
        return t("{n}年", "{n} years", n=item.years)
    return t("待约定", "by contract")


def status(item: WarrantyItem, as_of: dt.date) -> str:
    if item.expires is None:
        return "needs_term"
    if as_of > item.expires:
        return "expired"
    if (item.expires - as_of).days <= EXPIRING_DAYS:
        return "expiring"
    return "active"


def item_dict(item: WarrantyItem, as_of: dt.date) -> dict:
    return {"part": item.part, "period": period_text(item), "years": item.years, "seasons": item.seasons,
            "starts": item.starts.isoformat(), "expires": item.expires.isoformat() if item.expires else None,
            "status": status(item, as_of), "source": item.source, "note": item.note}


def items(ledger: db.Ledger, code: str, as_of: dt.date | None = None) -> dict:
    as_of = as_of or clock.today()
    with ledger.read() as session:
        ctx = Context(session)
        project = ctx.project(code)
        if project.completed_on is None:
            _item(ctx, project, "structure")  # raises: not completed
        rows = session.exec(select(WarrantyItem).where(WarrantyItem.project_id == project.id)
                            .order_by(WarrantyItem.id)).all()
        if not rows:
            rows = [statutory(project, p.value, find_region(ctx, project.region)) for p in WarrantyPart]
        return {"project": project.code, "name": project.name, "completed_on": project.completed_on.isoformat(),
                "region": project.region, "as_of": as_of.isoformat(), "items": [item_dict(i, as_of) for i in rows]}


def add_region(ledger: db.Ledger, code: str, name: str, heating: str | None, cooling: str | None,
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
            _month_day(start), _month_day(end)
            spans[label] = (start.strip(), end.strip())
    with writing(ledger, by) as ctx:
        session = ctx.session
        if session.get(Region, code):
            raise TsmsError(t("地区「{c}」已存在", "region {c!r} exists already", c=code))
        region = Region(code=code, name=name)
        if "heating" in spans:
            region.heating_start, region.heating_end = spans["heating"]
        if "cooling" in spans:
            region.cooling_start, region.cooling_end = spans["cooling"]
        session.add(region)
        ctx.event("region.add", clock.now(), details={"code": code, "name": name, **{k: ":".join(v) for k, v in spans.items()}})
        return region_dict(region)


def region_dict(r: Region) -> dict:
    return {"code": r.code, "name": r.name,
            "heating": f"{r.heating_start}:{r.heating_end}" if r.heating_start else None,
            "cooling": f"{r.cooling_start}:{r.cooling_end}" if r.cooling_start else None}


def regions(ledger: db.Ledger) -> list[dict]:
    with ledger.read() as session:
        return [region_dict(r) for r in session.exec(select(Region).order_by(Region.code)).all()]
