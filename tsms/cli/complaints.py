"""The clerk's commands: a complaint from the call to the follow-up visit, and finding it again."""

from typing import Optional

import typer
from typing_extensions import Annotated

from tsms import checks, render
from tsms.cli.app import (At, By, Db, complete_from_ledger, Force, Json, Lang, NoColor,
                          Number, done, due_text, file_name, open_ledger,
                          output_file, app, whole)
from tsms.errors import TsmsError
from tsms.vocab import Category, Channel, RevisitMethod, Satisfaction, Status, Urgency, t


@app.command()
def log(
    content: Annotated[str, typer.Option("--content", help="投诉内容详细说明 / what the complaint says")],
    category: Annotated[str, typer.Option("--category", help=Category.help())],
    project: Annotated[Optional[str], typer.Option("--project", help="工程代码 / project code (only one project: optional)")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", help=Channel.help(), show_default="phone")] = None,
    urgency: Annotated[Optional[str], typer.Option("--urgency", help=Urgency.help(), show_default="normal")] = None,
    complainant: Annotated[Optional[str], typer.Option("--from", help="投诉人 / complainant")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="投诉单位 / organisation")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="联系方式 / contact")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="地址 / address")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注 / note")] = None,
    serious: Annotated[bool, typer.Option("--serious", help="重大投诉:须立即上报 / serious: escalate at once")] = False,
    occurred_at: Annotated[Optional[str], typer.Option("--occurred-at", help="问题发生时间 / when it happened", show_default="--at")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="投诉时间 / received: 2026-11-23 14:30", show_default="now")] = None,
    again: Annotated[bool, typer.Option("--again", help="与刚登记的一件相同也登记 / log it although the same was just logged")] = False,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记投诉,输出编号 / log a complaint; prints its number."""
    from tsms.operations import complaints

    result = complaints.log(open_ledger(db, lang), project=project, channel=channel, category=category, urgency=urgency,
                           content=content, complainant=complainant, org=org, contact=contact, address=address,
                           note=note, serious=serious, at=at, occurred_at=occurred_at, again=again, by=by)
    if json_out:
        return render.print_json(result)
    render.line(result["number"])
    if render.is_terminal():
        render.line(t("已登记;受理期限 {d}", "logged; accept by {d}", d=result["accept_due"])
                    + (t("(暂定)", " (provisional)") if result["provisional"] else "")
                    + (t(";夜间投诉", "; night time") if result["night_time"] else ""))
        if result.get("escalate_due"):
            render.line(t("重大投诉:上报期限 {d},用 tsms escalate {n}", "serious: escalate by {d} with tsms escalate {n}",
                          d=result["escalate_due"], n=result["number"]))


@app.command()
def accept(number: Number, dept: Annotated[Optional[str], typer.Option("--dept", help="受理部门 / department")] = None,
           opinion: Annotated[Optional[str], typer.Option("--opinion", help="受理意见 / opinion")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """受理 / accept a complaint."""
    from tsms.operations import complaints

    r = complaints.accept(open_ledger(db, lang), number, dept=dept, opinion=opinion, at=at, by=by)
    done(r, json_out, t("{n} 已受理", "{n} accepted", n=r["number"]) + due_text(r, "resolve_due", "处理期限", "resolve"))


@app.command()
def reject(number: Number, reason: Annotated[str, typer.Option("--reason", help="不予受理理由 / the reason")],
           advice: Annotated[Optional[str], typer.Option("--advice", help="告知投诉人反映情况的渠道 / where else to turn")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """不予受理 / reject a complaint, with the reason."""
    from tsms.operations import complaints

    r = complaints.reject(open_ledger(db, lang), number, reason=reason, advice=advice, at=at, by=by)
    done(r, json_out, t("{n} 不予受理", "{n} rejected", n=r["number"]) + due_text(r, "reply_due", "回复期限", "answer referrer"))


@app.command()
def assign(number: Number, to: Annotated[str, typer.Option("--to", help="处理人:人员名单上的人,任何部门 / the handler: someone on the staff list, any department (tsms staff add)", autocompletion=complete_from_ledger("staff"))],
           dept: Annotated[Optional[str], typer.Option("--dept", help="处理部门 / department", show_default="the member's")] = None,
           opinion: Annotated[Optional[str], typer.Option("--opinion", help="处理意见/方案 / opinion, plan")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """派单(未受理的同时受理) / assign; accepts it too when still received."""
    from tsms.operations import complaints

    r = complaints.assign(open_ledger(db, lang), number, to=to, dept=dept, opinion=opinion, at=at, by=by)
    who = t("{a}({d})", "{a} ({d})", a=r["assignee"], d=r["department"]) if r["department"] else r["assignee"]
    done(r, json_out, t("{n} 已派给 {w}", "{n} assigned to {w}", n=r["number"], w=who)
         + due_text(r, "resolve_due", "处理期限", "resolve"))


@app.command()
def resolve(number: Number, result: Annotated[str, typer.Option("--result", help="处理结果 / the result")],
            opinion: Annotated[Optional[str], typer.Option("--opinion", help="处理意见/方案 / opinion, plan")] = None,
            head: Annotated[Optional[str], typer.Option("--head", help="处理部门负责人 / head of the department")] = None,
            at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """处理完毕 / record the result."""
    from tsms.operations import complaints

    r = complaints.resolve(open_ledger(db, lang), number, result=result, opinion=opinion, head=head, at=at, by=by)
    done(r, json_out, t("{n} 处理完毕", "{n} resolved", n=r["number"]) + due_text(r, "revisit_due", "回访期限", "revisit"))


@app.command()
def revisit(number: Annotated[Optional[str], typer.Argument(help="投诉编号 (or --plan-item / --project)")] = None,
            method: Annotated[str, typer.Option("--method", help=RevisitMethod.help())] = ...,
            satisfaction: Annotated[Optional[str], typer.Option("--satisfaction", help=Satisfaction.help())] = None,
            met: Annotated[Optional[str], typer.Option("--met", help="被回访人 / person met", show_default="the complainant")] = None,
            note: Annotated[Optional[str], typer.Option("--note", help="回访记录 / note")] = None,
            plan_item: Annotated[Optional[int], typer.Option("--plan-item", parser=whole("--plan-item", checks.PLAN_ITEM), help="回访计划项 / a planned revisit")] = None,
            project: Annotated[Optional[str], typer.Option("--project", help="未列入计划的回访或满意度调查 / a revisit or survey outside the plan")] = None,
            scores: Annotated[Optional[str], typer.Option("--scores", help="quality=5,plan=4,progress=4,safety=5,environment=4,service=5")] = None,
            found: Annotated[Optional[str], typer.Option("--found", help="发现的问题 → 整改项 / a problem found → a rectification")] = None,
            signed_by: Annotated[Optional[str], typer.Option("--signed-by", help="顾客签字确认 / signed by the client")] = None,
            visitors: Annotated[Optional[str], typer.Option("--visitors", help="回访人员 / visitors", show_default="--by")] = None,
            owner: Annotated[Optional[str], typer.Option("--owner", help="整改责任人 / owner", show_default="the project manager")] = None,
            at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """回访:投诉回访(不满意则重新处理),或计划回访/满意度调查 / a follow-up visit or a planned revisit."""
    if number is None:
        from tsms.operations import plan

        r = plan.quality_revisit(open_ledger(db, lang), plan_item=plan_item, project=project, method=method,
                                 satisfaction=satisfaction, scores=scores, found=found, signed_by=signed_by, met=met,
                                 visitors=visitors, note=note, owner=owner, at=at, by=by)
        text = t("已记录 {p} 的回访", "revisit of {p} recorded", p=r["project"])
        if r.get("rectification"):
            text += t(";整改项 {n},期限 {d}", "; rectification {n} due {d}", n=r["rectification"]["number"],
                      d=r["rectification"]["due"])
        return done(r, json_out, text)
    if satisfaction is None:
        raise TsmsError(t("投诉回访需要 --satisfaction", "a complaint's revisit needs --satisfaction"))
    from tsms.operations import complaints

    r = complaints.revisit(open_ledger(db, lang), number, method=method, satisfaction=satisfaction, met=met, note=note,
                          at=at, by=by)
    text = t("{n} 已回访,状态:{s}", "{n} revisited; now {s}", n=r["number"], s=Status(r["status"]).label)
    if not r["on_time"]:
        text += t("(超过回访期限)", " (after its deadline)")
    done(r, json_out, text + due_text(r, "resolve_due", "重新处理期限", "resolve again"))


@app.command()
def escalate(number: Number, to: Annotated[Optional[str], typer.Option("--to", help="上报给 / to whom", show_default="the team leader", autocompletion=complete_from_ledger("staff"))] = None,
             note: Annotated[Optional[str], typer.Option("--note", help="上报说明 / what the report says")] = None,
             at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """重大投诉立即上报 / escalate a serious complaint."""
    from tsms.operations import complaints

    r = complaints.escalate(open_ledger(db, lang), number, to=to, note=note, at=at, by=by)
    done(r, json_out, t("{n} 已上报 {to}", "{n} escalated to {to}", n=r["number"], to=r["escalated_to"]))


@app.command()
def reply(number: Number, text: Annotated[str, typer.Option("--text", help="回复内容 / the answer")],
          at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """将处理结果回复转办的职能部门 / answer the referring department."""
    from tsms.operations import complaints

    r = complaints.reply(open_ledger(db, lang), number, text=text, at=at, by=by)
    done(r, json_out, t("{n} 已回复职能部门", "{n}: referring department answered", n=r["number"]))


@app.command()
def archive(number: Number, at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """归档 / archive a closed or rejected complaint."""
    from tsms.operations import complaints

    r = complaints.archive(open_ledger(db, lang), number, at=at, by=by)
    done(r, json_out, t("{n} 已归档", "{n} archived", n=r["number"]))


@app.command()
def edit(number: Number,
         reason: Annotated[Optional[str], typer.Option("--reason", help="更正原因(必填) / why it is corrected (required)")] = None,
         project: Annotated[Optional[str], typer.Option("--project", help="工程代码 / project code")] = None,
         channel: Annotated[Optional[str], typer.Option("--channel", help=Channel.help())] = None,
         category: Annotated[Optional[str], typer.Option("--category", help=Category.help())] = None,
         urgency: Annotated[Optional[str], typer.Option("--urgency", help=Urgency.help())] = None,
         content: Annotated[Optional[str], typer.Option("--content", help="投诉内容详细说明 / what the complaint says")] = None,
         complainant: Annotated[Optional[str], typer.Option("--from", help="投诉人 / complainant")] = None,
         org: Annotated[Optional[str], typer.Option("--org", help="投诉单位 / complainant organisation")] = None,
         contact: Annotated[Optional[str], typer.Option("--contact", help="联系方式 / contact")] = None,
         address: Annotated[Optional[str], typer.Option("--address", help="地址 / address")] = None,
         note: Annotated[Optional[str], typer.Option("--note", help="备注 / note")] = None,
         at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """更正登记内容(记录更正前后与原因)/ correct what was logged, with the reason."""
    from tsms.operations import complaints

    r = complaints.edit(open_ledger(db, lang), number, reason=reason, project=project, channel=channel,
                        category=category, urgency=urgency, content=content, complainant=complainant, org=org,
                        contact=contact, address=address, note=note, at=at, by=by)
    if json_out:
        return render.print_json(r)
    from tsms.render import views

    render.line(t("{n} 已更正:", "{n} corrected: ", n=r["number"]) + views.edit_text(r))
    for moved in r["obligations"]:
        render.line(views.moved_text(moved))


@app.command()
def void(number: Number,
         reason: Annotated[Optional[str], typer.Option("--reason", help="作废原因:重复登记、误录…(必填) / why it is void: a duplicate, a mistake… (required)")] = None,
         at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """作废不应登记的一件(保留编号与记录,不计入任何统计)/ void an entry that should never have been made."""
    from tsms.operations import complaints

    r = complaints.void(open_ledger(db, lang), number, reason=reason, at=at, by=by)
    done(r, json_out, t("{n} 已作废:{r}", "{n} voided: {r}", n=r["number"], r=r["reason"]))


# ---------------------------------------------------------------- reading


@app.command()
def show(number: Number,
         xlsx: Annotated[Optional[str], typer.Option("--xlsx", parser=file_name("--xlsx"), help="写出《涉民投诉处理表》 / write the form")] = None,
         with_contacts: Annotated[bool, typer.Option("--with-contacts", help="表中不遮盖联系方式 / unmasked")] = False,
         force: Force = False,
         db: Db = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False):
    """一件投诉的全部内容与期限 / one complaint, deadlines included."""
    from tsms.queries import complaints as complaint_queries
    from tsms.render import views

    ledger_file = open_ledger(db, lang)
    out = output_file(xlsx, ledger_file, force) if xlsx else None
    c = complaint_queries.show(ledger_file, number)
    if out:
        from tsms.queries.site import site_name
        from tsms.render import xlsx as xlsx_mod
        from tsms.store import output

        with output.writing(out) as fh:
            xlsx_mod.complaint_form(c, site_name(ledger_file), fh, with_contacts=with_contacts)
        return done({"number": c["number"], "xlsx": out.shown}, json_out, t("已写出 {p}", "wrote {p}", p=out.shown))
    if json_out:
        return render.print_json(c)
    views.complaint(c)


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option("--status", help=Status.help() + "; open (未办结: every state with a step still open); several: received,assigned")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="只列此工程的 / this project's only")] = None,
    category: Annotated[Optional[str], typer.Option("--category", help=Category.help())] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="投诉日期起 / received since YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="投诉日期止 / received until YYYY-MM-DD")] = None,
    search: Annotated[Optional[str], typer.Option("--search", help="在编号/内容/投诉人/联系电话(全号或后4位)/地址/结果中查找 / search number, content, complainant, contact (whole or last 4 digits), address, result")] = None,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help="处理人 / the handler")] = None,
    limit: Annotated[int, typer.Option("--limit", parser=whole("--limit", checks.ROWS), help="最多行数,0 为全部 / rows at most, 0 for all")] = 100,
    with_contacts: Annotated[bool, typer.Option("--with-contacts", help="不遮盖联系方式和地址 / contacts and addresses unmasked")] = False,
    db: Db = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False,
):
    """投诉列表,新的在前 / complaints, newest first."""
    from tsms import clock
    from tsms.queries import complaints as complaint_queries
    from tsms.render import views
    from tsms.render.privacy import masked

    rows, total = complaint_queries.list_complaints(
        open_ledger(db, lang), status=status, project=project, category=category,
        since=clock.parse_date(since, "--since") if since else None,
        until=clock.parse_date(until, "--until") if until else None, search=search, assignee=assignee, limit=limit)
    rows = masked(rows, with_contacts)
    if json_out:
        return render.print_json(rows)
    views.complaint_list(rows, total, with_contacts)


@app.command()
def history(number: Number, db: Db = None, lang: Lang = None, json_out: Json = False):
    """操作记录:何时、何人、何事 / every event: when, who, what."""
    from tsms.queries import complaints as complaint_queries
    from tsms.render import views

    full, events = complaint_queries.history(open_ledger(db, lang), number)
    events = views.masked_history(events)
    if json_out:
        return render.print_json(events)
    views.history(full, events)
