"""Terminal and plain-text views of query answers (the JSON form needs none)."""

from __future__ import annotations

import datetime as dt

from tsms import render
from tsms.fields import COMPLAINT_FIELDS
from tsms.render import label, value_text
from tsms.vocab import StepKind, t

FORM_FIELDS = tuple(f.key for f in COMPLAINT_FIELDS if f.on_form)  # 《涉民投诉处理表》, then what tsms adds
OPTIONAL_FIELDS = tuple(f.key for f in COMPLAINT_FIELDS if not f.on_form)  # shown when they have a value


def _cell(c: dict, key: str) -> str:
    """A complaint's value as shown; a time whose time of day is unknown (``<key>_time_known``
    false: typed or imported as a date alone) as its day alone, never a made-up 00:00."""
    if key.endswith("_at") and c.get(key) and c.get(f"{key[:-3]}_time_known") is False:
        return c[key][:10]
    return value_text(key, c[key])


def _moment(value, known: bool = True) -> str:
    """A moment as shown: the day alone when its time of day is unknown."""
    if value and not known:
        return str(value)[:10]
    return value_text("at", value)


def complaint(c: dict) -> None:
    # the form's fields, and after each the others it has a value for (上次处理结果 after 处理完成时间)
    items = [(label(f.key), _cell(c, f.key)) for f in COMPLAINT_FIELDS if f.on_form or c.get(f.key)]
    render.pairs(t("涉民投诉处理表 {n}", "Complaint {n}", n=c["number"]), items)
    rows = []
    for step in c["deadlines"]:
        if step.get("void"):
            state = t("作废", "void")
        elif step["done_at"]:
            state = t("逾期完成", "done late") if step["late"] else t("按时完成", "done on time")
        else:
            state = t("已逾期", "late") if step["late"] else t("待办", "open")
        rows.append([StepKind(step["kind"]).label, step["starts"], _due(step),
                     _moment(step["done_at"], step.get("done_time_known", True)), state])
    render.table(t("期限", "Deadlines"), [t("环节", "step"), t("起算日", "starts"), t("期限", "due"),
                                         t("完成时间", "done at"), t("情况", "state")], rows)
    if c.get("attachments"):
        render.table(t("附件", "Attachments"), [t("文件", "file"), t("大小", "size"), t("附加时间", "added"),
                                              t("操作人", "by"), "sha256"],
                     [[a["name"], str(a["size"]), value_text("at", a["added_at"]), a["by"], a["sha256"][:16]]
                      for a in c["attachments"]])
    if c["revisits"]:
        render.table(t("回访记录", "Revisits"),
                     [t("回访时间", "at"), t("方式", "method"), t("满意度", "satisfaction"), t("回访人", "visitor"),
                      t("被回访人", "met"), t("记录", "note")],
                     [[_moment(r["at"], r.get("time_known", True)), value_text("method", r["method"]),
                       value_text("satisfaction", r["satisfaction"]), r["visitor"], r["person_met"] or "",
                       r["note"] or ""] for r in c["revisits"]])


def _due(item: dict) -> str:
    """A deadline as a person reads it: the day, the hour when the limit is in hours, 暂定
    when it rests on an unconfirmed year."""
    text = value_text("at", item["due_at"]) if item.get("due_at") else item["due"]
    return text + (t("(暂定)", " (provisional)") if item.get("provisional") else "")


def _not_late(item: dict) -> str:
    return t("可申请", "may apply") if item["status"] == "can_apply" else t("即将到期", "due soon")


def complaint_list(rows: list[dict], total: int, with_contacts: bool = False) -> None:
    footer = None
    if total > len(rows):
        footer = t("共 {n} 件,显示 {k} 件;--limit 0 显示全部", "{n} match, {k} shown; --limit 0 for all", n=total, k=len(rows))
    title = t("涉民投诉 {n} 件", "{n} complaints", n=total)
    if render.is_terminal():
        return _complaint_list_on_terminal(rows, title, footer, with_contacts)
    cols = ["number", "received_at", "project", "category", "complainant", "status", "assignee", "next_due", "content"]
    heads = [label(c) if c != "next_due" else t("下一期限", "next due") for c in cols]
    body = []
    for r in rows:
        cells = []
        for col in cols:
            text = _cell(r, col)
            if col == "complainant" and r.get("contact"):  # masked unless --with-contacts (render.privacy)
                text = f"{text} {r['contact']}".strip()
            if col == "next_due" and r["next_due"]:
                text = f"{StepKind(r['next_step']).label} {_next_due(r, False)}"
            cells.append(text)
        body.append(cells)
    render.table(title, heads, body, footer)


def _next_due(r: dict, short: bool) -> str:
    """The next deadline: its day (without the year when ``short``), its hour when the limit is
    in hours, 暂定 when provisional."""
    text = r["next_due_at"][:16].replace("T", " ") if r.get("next_due_at") else r["next_due"]
    return (text[5:] if short else text) + (t("(暂定)", " (provisional)") if r["provisional"] else "")


def _complaint_list_on_terminal(rows: list[dict], title: str, footer: str | None, with_contacts: bool) -> None:
    """One complaint, one line, at 80 columns: short headers, dates without the year when
    every row is of this year, and a narrow terminal leaves out in turn the project, the
    category, the (masked) contact and the handler while the content would have less than
    20 columns (asked for with --with-contacts, the contact stays and the time goes last) — never the number, the time, the complainant,
    the state or the next deadline; the content takes what width is left, shortened with …."""
    from tsms import clock

    this_year = str(clock.today().year)
    short = all(str(r["received_at"] or "").startswith(this_year) and (r.get("next_due") or this_year)
                .startswith(this_year) for r in rows)
    heads = [t("编号", "number"), t("投诉时间", "received"), t("工程", "project"), t("类型", "category"),
             t("投诉人", "complainant"), t("联系方式", "contact"), t("状态", "state"), t("处理人", "handler"),
             t("下一期限", "next due"), t("内容", "content")]
    body, styles = [], []
    for r in rows:
        received = _cell(r, "received_at")
        step = f"{StepKind(r['next_step']).label} {_next_due(r, short)}" if r["next_due"] else ""
        body.append([r["number"], received[5:] if short else received, r["project"], _cell(r, "category"),
                     r.get("complainant") or "", r.get("contact") or "", _cell(r, "status"), r.get("assignee") or "",
                     step, _cell(r, "content")])
        style = {0: "serious", 9: "serious"} if r.get("serious") else {}
        if r.get("next_due") and r.get("provisional"):
            style[8] = "provisional"
        styles.append(style or None)
    # asked for with --with-contacts, the contact stays (a narrow terminal then puts the content
    # on a line of its own under each row)
    optional = [2, 3] + ([] if with_contacts else [5]) + [7] + ([1] if with_contacts else [])
    render.table(title, heads, body, footer, styles=styles, optional=optional, room=20,
                 kinds=[render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP,
                        render.KEEP, render.KEEP, render.CUT])


# personal information in an event's details, masked wherever history shows it (README: privacy)
_MASKS = {"contact": "mask_contact", "address": "mask_address"}


def _mask(key: str, value):
    if key not in _MASKS or not isinstance(value, str):
        return value
    from tsms.render import privacy  # not through render.xlsx: history need not import openpyxl

    return getattr(privacy, _MASKS[key])(value)


def masked_history(events: list[dict]) -> list[dict]:
    """The events with contacts and addresses masked, in a correction's before and after too."""
    out = []
    for e in events:
        details = {k: _mask(k, v) for k, v in e["details"].items()}
        if isinstance(details.get("changes"), dict):
            details["changes"] = {k: {side: _mask(k, v) for side, v in change.items()}
                                  for k, change in details["changes"].items()}
        out.append({**e, "details": details})
    return out


def _field_value(key: str, value) -> str:
    if value is None or value == "":
        return t("(空)", "(empty)")
    return value_text(key, value)


def edit_text(details: dict) -> str:
    """「联系方式 138****5678 → 139****0000;原因:登记错误」: each change, then the reason."""
    parts = [f"{label(k)} {_field_value(k, _mask(k, c['from']))} → "
             f"{_field_value(k, _mask(k, c['to']))}" for k, c in details["changes"].items()]
    return t(";", "; ").join(parts) + t(";原因:{r}", "; reason: {r}", r=details["reason"])


def moved_text(moved: dict) -> str:
    step = StepKind(moved["kind"]).label
    if moved["from"] is None:
        return t("{s} 期限 {d}", "{s} due {d}", s=step, d=moved["to"])
    if moved["to"] is None:
        return t("{s} 不再需要(原期限 {d})", "{s} no longer owed (was due {d})", s=step, d=moved["from"])
    return t("{s} 期限 {a} → {b}", "{s} due {a} → {b}", s=step, a=moved["from"], b=moved["to"])


def history(number: str, events: list[dict]) -> None:
    """Each event as a sentence in the user's language (render.events; a correction with its
    before and after), contacts masked."""
    from tsms.render.events import sentence

    rows = []
    latest = ""
    for e in events:
        # listed in the order recorded (the record's own order); a step dated before one listed
        # above it was entered later than it happened: it says when (补记于 …)
        late_entry = bool(latest) and (e["at"] or "") < latest and e.get("recorded_at")
        latest = max(latest, e["at"] or "")
        if e["action"] == "edit":
            details = t("更正:", "corrected: ") + edit_text(e["details"])
            moved = e["details"].get("obligations") or []
            if moved:
                details += t(";", "; ") + t(";", "; ").join(moved_text(m) for m in moved)
        elif e["action"] == "void":
            details = t("作废,原因:{r}", "voided; reason: {r}", r=e["details"].get("reason"))
        else:
            details = sentence(e["action"], e["details"])
        if late_entry:
            details += t("(补记于 {r})", " (entered {r})", r=value_text("at", e["recorded_at"]))
        rows.append([_moment(e["at"], e.get("time_known", "untimed" not in (e.get("details") or {}))), e["actor"],
                     details])
    render.table(t("{n} 操作记录", "History of {n}", n=number), [label("at"), label("actor"), t("事项", "what")], rows)


def late_by(item: dict) -> tuple[str, str]:
    """How late an item is, as (working days, calendar days): a deadline in hours late by
    less than a whole day shows its hours in both (``5 小时``)."""
    if not item["late"]:
        return "", ""
    if item.get("due_at") and not item["days_late"]:
        hours = t("{h} 小时", "{h} h", h=item.get("hours_late") or 1)
        return hours, hours
    return str(item["working_days_late"]), str(item["days_late"])


def overdue(items: list[dict], day: dt.date, within: int) -> None:
    if not items:
        say = t("截至 {d} 没有逾期事项", "nothing late as of {d}", d=day.isoformat()) \
            + (t(",{w} 个工作日内也没有到期的", "; nothing due within {w} working days", w=within) if within else "")
        # piped, the first line is a comment as it is with items: a script skips it by its '#'
        render.line(say if render.is_terminal() else f"# {say}")
        return
    late = sum(1 for i in items if i["late"])
    title = t("截至 {d}:逾期 {n} 项", "as of {d}: {n} late", d=day.isoformat(), n=late) + (
        t(",{w} 个工作日内到期 {m} 项", "; {m} due within {w} working days", w=within, m=len(items) - late)
        if within else "")
    if not render.is_terminal():  # a cron mail says as of when; a script skips the line by its '#'
        render.line(f"# {title}")
    rows = [[StepKind(i["kind"]).label, i["number"], i["project"], _due(i), *late_by(i),
             t("逾期", "late") if i["late"] else _not_late(i), i["assignee"] or "", i.get("complainant") or "",
             i.get("contact") or ""] for i in items]
    styles = [("late" if i["late"] else {3: "provisional"} if i.get("provisional") else None) for i in items]
    # at 80 columns each item stays one line: the contact (masked anyway) goes first, then the
    # project (the number names the site), then the state (a late item is red and has its days
    # late; one due soon has none), last the complainant; never the step, the number, the due
    # date, the days late or the holder (who is to act). On a terminal short headers: the
    # title says 逾期, the columns how long; a pipe keeps the long ones for scripts.
    render.table(title, [label("kind"), label("number"), label("project"), label("due"),
                         *((t("工作日", "work days"), t("天数", "days")) if render.is_terminal() else
                           (t("逾期工作日", "working days late"), t("逾期天数", "days late"))), t("情况", "state"),
                         t("责任人", "holder"), label("complainant"), label("contact")], rows,
                 kinds=[render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP, render.KEEP,
                        render.KEEP, render.KEEP, render.KEEP], styles=styles,
                 optional=[9, 2, 6, 8])


def calendar(data: dict) -> None:
    status = t("已确认(国务院办公厅通知)", "confirmed (State Council notice)") if data["confirmed"] else \
        t("暂定:当年放假安排尚未公布,期限按推算", "provisional: the official arrangement is not out; days are estimated")
    if data.get("confirmed_by"):
        status += f" — {data['confirmed_by']}"
    render.line(f"{data['year']}: {status}")
    rows = []
    for d in data["days"]:
        day = dt.date.fromisoformat(d["date"])
        weekend = day.weekday() >= 5
        if d["working"] == weekend or d["local"] or (not d["working"] and d["name"]):
            kind = t("上班", "working") if d["working"] else t("休息", "rest")
            rows.append([d["date"], t("一二三四五六日"[day.weekday()], day.strftime("%a")),
                         kind, d["name"] + (t("(账本)", " (ledger)") if d["local"] else "")])
    render.table(t("{y} 年休息日与调休上班日", "{y}: rest days and make-up workdays", y=data["year"]),
                 [t("日期", "date"), t("星期", "weekday"), t("上班/休息", "working"), t("名称", "name")], rows)


# what each setting means (rules.DeadlineSettings), beside the key a clerk types to change it
SETTING_LABELS = {
    "default_project": ("log 不给 --project 时的工程", "the project log takes without --project"),
    "accept_working_days": ("受理:收到后第几个工作日,0 为当场", "accept: working days after receipt (0: on the spot)"),
    "accept_cutoff_hour": ("当场受理的截止钟点", "closing hour for accepting on the spot"),
    "escalate_days": ("重大投诉上报:收到后几天,0 为当天", "escalate a serious complaint: days (0: same day)"),
    "resolve_urgent": ("特急件处理期限,工作日", "resolve, urgent: working days"),
    "resolve_high": ("紧急件处理期限,工作日", "resolve, high: working days"),
    "resolve_normal": ("一般件处理期限,工作日", "resolve, normal: working days"),
    "resolve_low": ("不急件处理期限,工作日", "resolve, low: working days"),
    "resolve_urgent_hours": ("特急件处理时限,小时;0 为按工作日", "urgent: hours (0: working days instead)"),
    "revisit_working_days": ("回访:处理完毕后几个工作日", "revisit: working days after resolution"),
    "reply_working_days": ("回复职能部门:工作日;-1 为同处理期限", "reply to the referrer: working days (-1: as resolve)"),
    "night_start": ("夜间开始的钟点", "night starts (hour)"),
    "night_end": ("夜间结束的钟点", "night ends (hour)"),
    "claim_inspect_days": ("保修查验:接到通知后几天", "inspect a claim: days after notice"),
    "notify_days": ("计划回访提前通知顾客的天数", "days a planned revisit is announced ahead"),
    "pre_expiry_days": ("保修期满前回访:提前几天", "pre-expiry revisit: days before"),
    "rectify_months_construction": ("施工期整改期限,月", "rectification under construction: months"),
    "rectify_months_warranty": ("保修期整改期限,月", "rectification in warranty: months"),
}


def config(data: dict) -> None:
    """The settings: the key to type (tsms config KEY VALUE), its value, what it means."""
    def named(key: str) -> str:
        zh_en = SETTING_LABELS.get(key)
        return f"{key} · {t(*zh_en)}" if zh_en else key

    items = [(t("工地", "site"), f"{data['site_code']} {data['site_name']}"), (t("账本", "ledger"), data["path"]),
             (named("default_project"), data["default_project"] or t("(未设置)", "(not set)"))]
    items += [(named(k), str(v)) for k, v in data["deadlines"].items()]
    render.pairs(None, items)


MEASURES = (
    ("handling_rate", "处理率", "handling rate"),
    ("revisit_rate", "回访率(目标 100%)", "revisit rate (target 100%)"),
    ("on_time_revisit_rate", "按时回访率", "on-time revisit rate"),
    ("satisfaction_rate", "满意率", "satisfaction rate"),
)


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def report(r: dict) -> None:
    from tsms.vocab import Category, Channel, Urgency

    period = r["period"]
    scope = f" {r['project']}" if r["project"] else ""
    render.line(t("{s} {n}{p} 涉民投诉统计 {l}({a} 至 {b},截至 {c})",
                  "{s} {n}{p} complaints {l} ({a} to {b}, as of {c})", s=r["site"]["code"], n=r["site"]["name"],
                  p=scope, l=period["label"], a=period["from"], b=period["to"], c=period["as_of"]))
    c = r["complaints"]
    render.pairs(None, [(t("收到投诉", "received"), str(c["received"])), (t("有效投诉", "valid"), str(c["valid"])),
                        (t("不予受理", "rejected"), str(c["rejected"])), (t("夜间投诉", "night time"), str(c["night_time"])),
                        (t("重大投诉", "serious"), str(c["serious"])),
                        (t("期内超期环节", "steps late in the period"), str(r["late_steps"]))])
    render.table(t("指标", "Measures"), [t("指标", "measure"), t("分子", "numerator"), t("分母", "denominator"),
                                        t("比率", "rate")],
                 [[t(zh, en), str(r[key]["numerator"]), str(r[key]["denominator"]), percent(r[key]["rate"])]
                  for key, zh, en in MEASURES])
    d = r["days_to_resolve"]
    render.line(t("处理用时(工作日):{n} 件,中位数 {m},90% 分位 {p}", "working days to resolve: {n} complaints, median {m}, 90th percentile {p}",
                  n=d["count"], m="—" if d["median"] is None else d["median"], p="—" if d["p90"] is None else d["p90"]))
    for key, enum, zh, en in (("by_category", Category, "按类型", "by category"), ("by_channel", Channel, "按渠道", "by channel"),
                              ("by_urgency", Urgency, "按紧急程度", "by urgency")):
        rows = [[enum(k).label, str(v)] for k, v in r[key].items() if v]
        if rows:
            render.table(t(zh, en), [t(zh[1:], en[3:]), t("件数", "count")], rows)
    if r["by_project"]:
        render.table(t("按工程", "by project"), [t("工程", "project"), t("件数", "count")],
                     [[k, str(v)] for k, v in r["by_project"].items()])
    extra = []
    if r["plan_execution"]:
        m = r["plan_execution"]
        extra.append([t("回访计划执行率", "plan execution"), str(m["numerator"]), str(m["denominator"]), percent(m["rate"])])
    if r["warranty_claims"]:
        m = r["warranty_claims"]["inspection_on_time"]
        extra.append([t("保修单按时查验率", "claims inspected on time"), str(m["numerator"]), str(m["denominator"]),
                      percent(m["rate"])])
    if extra:
        render.table(t("回访计划与保修", "Plan and warranty"), [t("指标", "measure"), t("分子", "numerator"),
                                                          t("分母", "denominator"), t("比率", "rate")], extra)
    pending = r["revisit_rate"]["not_yet_due"]
    if pending:
        render.line(t("尚未到回访期限(不计入回访率):", "revisits not yet due (not counted):") + " "
                    + ", ".join(f"{p['number']}({p['revisit_due']}{t(' 暂定', ' provisional') if p['provisional'] else ''})"
                                for p in pending))
    if r["repeat_complainants"]:
        render.table(t("重复投诉", "repeat complainants"), [t("对象", "who"), t("件数", "count"), t("编号", "numbers")],
                     [[(x.get("complainant") or "") + " " + (x.get("contact") or "") if x["by"] == "person" else x["address"],
                       str(x["count"]), ", ".join(x["numbers"])] for x in r["repeat_complainants"]])


WARRANTY_STATUS = {"active": ("保修中", "active"), "expiring": ("即将到期", "expiring"), "expired": ("已过期", "expired"),
                   "needs_term": ("待合同约定", "needs the contract's term")}


def warranty(r: dict) -> None:
    from tsms.vocab import WarrantyPart

    render.line(t("{c} {n}:竣工验收 {d},地区 {g}(截至 {a})", "{c} {n}: completed {d}, region {g} (as of {a})",
                  c=r["project"], n=r["name"], d=r["completed_on"], g=render.region_text(r["region"], r.get("region_name")) or "-",
                  a=r["as_of"]))
    render.table(t("保修期", "Warranty"), [t("部位", "part"), t("期限", "period"), t("起", "starts"), t("止", "expires"),
                                        t("状态", "status"), t("依据", "basis")],
                 [[WarrantyPart(i["part"]).label, i["period"], i["starts"], i["expires"] or "",
                   t(*WARRANTY_STATUS[i["status"]]),
                   t("合同", "contract") if i["source"] == "contract" else t("第四十条", "art. 40")] for i in r["items"]])


def plan(r: dict) -> None:
    from tsms.vocab import PlanKind, WarrantyPart

    state = t("已批准:{b} {a}", "approved: {b} {a}", b=r["approved_by"], a=value_text("at", r["approved_at"])) \
        if r["approved_at"] else t("草稿,待总经理批准", "draft, awaiting the general manager's approval")
    render.line(t("{y} 年度工程质量回访计划({s})", "{y} revisit plan ({s})", y=r["year"], s=state))
    for a in r.get("amendments", []):
        render.line(t("增补 {n}:{s}", "amendment {n}: {s}", n=a["number"],
                      s=t("已批准:{b} {a}", "approved: {b} {a}", b=a["approved_by"], a=value_text("at", a["approved_at"]))
                      if a["approved_at"] else t("待批准(plan {y} --approve)", "awaiting approval (plan {y} --approve)",
                                                 y=r["year"])))

    def parts(text):
        return "、".join(WarrantyPart(p).label for p in text.split(",")) if text else ""

    # on a terminal the project column holds the code and a line above the table names each
    # project once: the parts get the width, so a term (质保金到期前, 供冷系统) stays whole
    on_screen = render.is_terminal()
    if on_screen and r["items"]:
        names = dict((i["project"], i["project_name"]) for i in r["items"])
        render.line(t("工程:", "projects: ") + t(";", "; ").join(f"{c} {n}".strip() for c, n in sorted(names.items())))

    render.table(None, [t("项", "item"), t("工程", "project"), t("类型", "kind"), t("部位", "part"), t("方式", "method"),
                        t("日期", "date"), t("人员", "staff"), t("通知顾客", "notify by"), t("情况", "state")],
                 [[str(i["id"]), i["project"] if on_screen else f"{i['project']} {i['project_name']}",
                   PlanKind(i["kind"]).label, parts(i["part"]),
                   value_text("method", i["method"]), i["date"], i["staff"] or "",
                   (i["notify_by"] or "") + (t("(不足20天,立即通知)", " (less than 20 days: at once)") if i.get("notify_at_once") else ""),
                   (t("已回访", "done") if i["done_at"] else (t("已通知", "notified") if i["notified_at"] else ""))
                   + (t(" 增补{n}", " amendment {n}", n=i["amendment"]) if i.get("amendment") else "")]
                  for i in r["items"]],
                 # the kind of revisit is a term (质保金到期前): never broken
                 kinds=[render.KEEP, render.KEEP if on_screen else render.SPACES, render.KEEP, render.WORDS, render.WORDS, render.KEEP, render.KEEP,
                        render.WORDS, render.WORDS],
                 styles=[{7: "soon"} if i.get("notify_at_once") and not i["notified_at"] else None for i in r["items"]])


# 保修单: each field's label, in the order of the paper form (tsms claim show)
CLAIM_FIELDS = (
    ("number", "保修单编号", "claim"), ("project", "工程代码", "project"), ("part", "保修部位", "part"),
    ("location", "具体位置", "location"), ("content", "问题描述", "problem"), ("complainant", "报修人", "reported by"),
    ("contact", "联系电话", "contact"), ("emergency", "紧急", "emergency"), ("received_at", "报修时间", "reported at"),
    ("inspect_due", "查验期限", "inspect by"), ("in_warranty", "在保修期内", "in warranty"), ("paid", "有偿", "paid"),
    ("inspected_at", "查验时间", "inspected at"), ("cause", "原因", "cause"), ("repair_result", "维修结果", "repair"),
    ("repaired_at", "维修完成时间", "repaired at"), ("accepted_by", "验收人", "accepted by"),
    ("accepted_at", "验收时间", "accepted at"), ("status", "状态", "state"),
)


def claim(r: dict) -> None:
    """One warranty claim with labels and values in the user's language."""
    from tsms.vocab import Cause, ClaimState, WarrantyPart

    enums = {"part": WarrantyPart, "cause": Cause, "status": ClaimState}

    def shown(key, value):
        if key.endswith("_at") and value and r.get(f"{key[:-3]}_time_known") is False:
            return value[:10]  # given as a date alone: the day, never 00:00
        if key in enums and value:
            try:
                return enums[key](value).label
            except ValueError:
                return str(value)
        return value_text(key, value)

    render.pairs(t("保修单 {n}", "Claim {n}", n=r["number"]),
                 [(t(zh, en), shown(key, r.get(key))) for key, zh, en in CLAIM_FIELDS if key in r])
    for a in r.get("attachments", []):
        render.line(t("附件:{f}({s} 字节)", "attachment: {f} ({s} bytes)", f=a["name"], s=a["size"]))

