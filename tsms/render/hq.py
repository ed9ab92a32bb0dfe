"""Head office on the terminal: the import lines, the sites' status, what is late across
sites, the company's measures by site. Plain objects in, never a query."""

from __future__ import annotations

from tsms import render
from tsms.render.views import MEASURES, _due, percent
from tsms.vocab import StepKind, t


def short(head: str | None) -> str:
    if not head:
        return "-"
    n, _, h = head.partition(":")
    return f"{n}:{h[:8]}"


def import_line(r: dict) -> str:
    site, head, before = r["site"], short(r["head"]), short(r.get("previous_head"))
    if r["outcome"] == "imported":
        return t("{s}:已导入 {h}(此前 {b}),{c} 件投诉", "{s}: imported {h} (was {b}), {c} complaints", s=site, h=head,
                 b=before, c=r["complaints"])
    if r["outcome"] == "accepted_divergence":
        return t("{s}:已按 --accept-divergence 导入 {h}(此前 {b},自事件 {i} 起不同),已记录原因",
                 "{s}: imported {h} with --accept-divergence (was {b}, differing from event {i}); the reason is recorded",
                 s=site, h=head, b=before, i=r["first_difference"])
    if r["outcome"] == "same":
        return t("{s}:与总部已有的相同({h}),未改动", "{s}: the same head as head office holds ({h}); nothing changed",
                 s=site, h=head)
    return t("{s}:过期的工地包 {h}(总部已有 {b}),忽略", "{s}: a stale bundle {h} (head office holds {b}); ignored",
             s=site, h=head, b=before)


def status(rows: list[dict], as_of: str, stale_days: int) -> None:
    if not rows:
        render.line(t("总部还没有导入任何工地包", "head office holds no site yet"))
        return
    stale = sum(1 for r in rows if r["stale"])
    render.table(t("截至 {d}:{n} 个工地,{k} 个超过 {s} 天未报送", "as of {d}: {n} sites, {k} without a bundle for more "
                   "than {s} days", d=as_of, n=len(rows), k=stale, s=stale_days),
                 [t("工地", "site"), t("名称", "name"), t("事件链末尾", "head"), t("打包时间", "bundled"),
                  t("导入时间", "imported"), t("投诉", "complaints"), t("距今天数", "days"), t("情况", "state")],
                 [[r["site"], r["name"] or "", short(r["head"]), r["bundled_at"][:16], r["imported_at"][:16],
                   str(r["complaints"]), str(r["days_since_bundle"]),
                   (t("超期未报送", "stale") if r["stale"] else t("正常", "current"))
                   + (t(",曾接受分叉", ", divergence accepted") if r["divergences_accepted"] else "")]
                  for r in rows],
                 kinds=[render.KEEP, render.WORDS, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP,
                        render.WORDS],
                 styles=["late" if r["stale"] else None for r in rows])


def overdue(items: list[dict], as_of: str) -> None:
    late = [i for i in items if i["late"]]
    if not items:
        render.line(t("截至 {d} 各工地都没有逾期事项", "nothing late at any site as of {d}", d=as_of))
        return
    sites = len({i["site"] for i in late})
    title = t("截至 {d}:{k} 个工地逾期 {n} 项", "as of {d}: {n} late at {k} sites", d=as_of, n=len(late), k=sites)
    if not render.is_terminal():
        render.line(f"# {title}")
    render.table(title, [t("工地", "site"), t("事项", "kind"), t("编号", "number"), t("工程", "project"),
                         t("期限", "due"), t("逾期天数", "days late"), t("责任人", "holder"), t("投诉人", "complainant")],
                 # the deadline as the site's overdue shows it (its hour, 暂定); the complainant and the
                 # masked contact break at the space between them at 80 columns, never cut to 134…
                 [[i["site"], StepKind(i["kind"]).label, i["number"], i["project"], _due(i),
                   str(i["days_late"]) if i["late"] else "", i["assignee"] or "",
                   " ".join(x for x in (i.get("complainant"), i.get("contact")) if x)] for i in items],
                 kinds=[render.KEEP, render.WORDS, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP,
                        render.SPACES],
                 styles=["late" if i["late"] else {4: "provisional"} if i.get("provisional") else None
                         for i in items])


def _cell(rate: dict) -> str:
    return f"{percent(rate['rate'])} ({rate['numerator']}/{rate['denominator']})"


def report(r: dict, company: str | None) -> None:
    p = r["period"]
    render.line(t("{c} 涉民投诉统计 {l}({a} 至 {b},截至 {d}):{n} 个工地{s}",
                  "{c} complaints {l} ({a} to {b}, as of {d}): {n} sites{s}", c=company or "", l=p["label"],
                  a=p["from"], b=p["to"], d=p["as_of"], n=r["sites_count"],
                  s=t(",其中 {k} 个超期未报送", ", {k} of them stale", k=r["stale_sites"]) if r["stale_sites"] else ""))
    c = r["company"]
    render.table(t("全公司", "Company"), [t("指标", "measure"), t("分子", "numerator"), t("分母", "denominator"),
                                       t("比率", "rate")],
                 [[t(zh, en), str(c[key]["numerator"]), str(c[key]["denominator"]), percent(c[key]["rate"])]
                  for key, zh, en in MEASURES]
                 + [[t("收到投诉", "received"), str(c["complaints"]["received"]), "", ""],
                    [t("期内超期环节", "steps late in the period"), str(c["late_steps"]), "", ""]])
    render.table(t("按工地", "By site"), [t("工地", "site"), t("收到", "received")]
                 + [t(zh, en) for _, zh, en in MEASURES] + [t("超期环节", "late"), t("情况", "state")],
                 [[s["site"], str(s["complaints"]["received"])] + [_cell(s[key]) for key, _, _ in MEASURES]
                  + [str(s["late_steps"]), t("超期未报送", "stale") if s["stale"] else ""] for s in r["sites"]],
                 styles=["late" if s["stale"] else None for s in r["sites"]])
