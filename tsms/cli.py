"""The command line: parse, call one operation, render. No SQL and no rules here.

Start-up matters (a clerk types commands all day): this module imports only typer and
tsms's light modules; the database layer, rich and holidays are imported inside the
commands that need them (a test checks ``sys.modules`` after ``tsms --help``).
"""

import gc
import os
import sys
from typing import List, Optional

import typer
from typer.core import TyperGroup
from typing_extensions import Annotated

from tsms import render
from tsms.errors import BAD_INPUT, TsmsError
from tsms.vocab import (
    Category,
    Channel,
    ProjectKind,
    RevisitMethod,
    Role,
    Satisfaction,
    Status,
    Urgency,
    set_lang,
    t,
)


class TsmsGroup(TyperGroup):
    """Every refusal is one line on stderr and an exit code, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        if not argv:
            argv = ["--help"]
        for word in argv:  # bytes that are not UTF-8 arrive as lone surrogates
            if any("\ud800" <= ch <= "\udfff" for ch in str(word)):
                _fail(t("参数含有无法识别的字节(不是 UTF-8 文本)", "an argument is not valid UTF-8 text"), BAD_INPUT)
        try:
            code = super().main(args=argv, prog_name=prog_name or "tsms", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except TsmsError as exc:
            _fail(exc.message, exc.code)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            _fail(t("已取消", "aborted"), 1)
        except KeyboardInterrupt:
            _fail(t("已中断,账本未改动", "interrupted; the ledger is unchanged"), 130)
        except Exception as exc:
            if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click's usage errors
                _fail(exc.format_message(), exc.exit_code or BAD_INPUT)
            if os.environ.get("TSMS_DEBUG"):
                raise
            _fail(t("内部错误:{e}(设置 TSMS_DEBUG=1 查看详情)", "internal error: {e} (set TSMS_DEBUG=1 for details)",
                    e=f"{type(exc).__name__}: {exc}"), 70)
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int):
    sys.stderr.write(f"tsms: {' '.join(str(message).split())}\n")
    sys.stderr.flush()
    sys.exit(code)


app = typer.Typer(
    cls=TsmsGroup,
    help="tsms — 涉民投诉、回访与保修台账 / resident complaints, follow-up visits and warranty ledger.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
project_app = typer.Typer(cls=TyperGroup, help="工程 / projects", no_args_is_help=True)
staff_app = typer.Typer(cls=TyperGroup, help="投诉处理小组 / the complaint team", no_args_is_help=True)
app.add_typer(project_app, name="project")
app.add_typer(staff_app, name="staff")

# ---------------------------------------------------------------- shared options

Db = Annotated[Optional[str], typer.Option("--db", help="账本文件 / ledger file (else TSMS_DB, else the user data dir)")]
Lang = Annotated[Optional[str], typer.Option("--lang", help="zh (默认) 或 en / output language (else TSMS_LANG)")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON / print one JSON document")]
At = Annotated[Optional[str], typer.Option("--at", help="发生时间 / when it happened: 2026-11-23 14:30, today (default: now)")]
By = Annotated[Optional[str], typer.Option("--by", help="操作人 / who (else TSMS_USER, else the login name)")]
Number = Annotated[str, typer.Argument(help="投诉编号 / complaint number, e.g. SH01-2026-00001")]

_STATE: dict = {"db": None}


def _print_version(value: bool):
    if value:
        from tsms import __version__

        render.line(f"tsms {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    db: Db = None,
    lang: Lang = None,
    version: Annotated[bool, typer.Option("--version", help="版本 / version", is_eager=True,
                                          callback=_print_version)] = False,
):
    if lang:
        set_lang(lang)
    _STATE["db"] = db


def _setup(db: Optional[str], lang: Optional[str]):
    """Apply per-command --lang and open the ledger named by --db / TSMS_DB / default."""
    if lang:
        set_lang(lang)
    from tsms import db as dbmod

    ledger_file = dbmod.open_existing(db or _STATE["db"])
    if _STATE.pop("gc_paused", False):
        gc.freeze()
        gc.enable()
    return ledger_file


def _done(result: dict, as_json: bool, text: str) -> None:
    if as_json:
        render.print_json(result)
    else:
        render.line(text)


def _due_text(result: dict, key: str, zh: str, en: str) -> str:
    if not result.get(key):
        return ""
    mark = t("(暂定)", " (provisional)") if result.get("provisional") else ""
    return t(",{z} {d}{m}", "; {e} by {d}{m}", z=zh, e=en, d=result[key], m=mark)


# ---------------------------------------------------------------- set-up


@app.command()
def init(
    site: Annotated[str, typer.Option("--site", help="工地代码 / site code, e.g. SH01")],
    name: Annotated[str, typer.Option("--name", help="项目部名称 / site name")],
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """创建账本 / create the ledger."""
    if lang:
        set_lang(lang)
    from tsms import db as dbmod, ledger

    result = ledger.init(dbmod.resolve_path(db or _STATE["db"]), site, name, by)
    _done(result, json_out, t("已创建账本 {p}(工地 {s} {n})", "created ledger {p} (site {s} {n})",
                              p=result["path"], s=result["site"], n=result["name"]))


@project_app.command("add")
def project_add(
    code: Annotated[str, typer.Argument(help="工程代码 / project code, e.g. P01")],
    name: Annotated[str, typer.Option("--name", help="工程名称")],
    kind: Annotated[Optional[str], typer.Option("--kind", help=ProjectKind.choices())] = None,
    manager: Annotated[Optional[str], typer.Option("--manager", help="项目负责人")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="联系电话")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="地址")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="建设单位")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区 / region, e.g. shanghai")] = None,
    completed: Annotated[Optional[str], typer.Option("--completed", help="竣工验收合格日期 YYYY-MM-DD")] = None,
    design_life: Annotated[Optional[int], typer.Option("--design-life", help="合理使用年限 (默认 50)")] = None,
    retention: Annotated[Optional[float], typer.Option("--retention", help="质保金(元) / retention money")] = None,
    liability_years: Annotated[Optional[int], typer.Option("--liability-years", help="缺陷责任期 1 或 2 年")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记工程 / add a project."""
    ledger_file = _setup(db, lang)
    from tsms import clock, ledger

    completed_on = clock.parse_date(completed, "--completed") if completed else None
    result = ledger.add_project(ledger_file, code, name, kind, by, manager=manager, phone=phone, address=address,
                                client=client, region=region, completed_on=completed_on, design_life=design_life,
                                retention=retention, liability_years=liability_years)
    _done(result, json_out, t("已登记工程 {c} {n}", "added project {c} {n}", c=result["code"], n=result["name"]))


@project_app.command("complete")
def project_complete(code: Annotated[str, typer.Argument(help="工程代码")],
                     day: Annotated[str, typer.Argument(help="竣工验收合格日期 YYYY-MM-DD")],
                     db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """记录竣工验收,建立各部位保修项 / record completion acceptance; creates the warranty items."""
    ledger_file = _setup(db, lang)
    from tsms import clock, warranty

    r = warranty.complete(ledger_file, code, clock.parse_date(day, "DATE"), by)
    _done(r, json_out, t("{c} 竣工验收 {d},已建立 {n} 个保修项", "{c} completed {d}; {n} warranty items",
                         c=r["project"], d=r["completed_on"], n=r["items"]))


@project_app.command("list")
def project_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """工程列表 / list projects."""
    from tsms import queries

    rows = queries.projects(_setup(db, lang))
    if json_out:
        return render.print_json(rows)
    cols = ["code", "name", "kind", "manager", "phone", "region", "completed_on"]
    heads = {"name": t("工程名称", "name"), "kind": t("类别", "kind")}
    render.table(t("工程", "Projects"), [heads.get(c) or render.label(c) for c in cols],
                 [[render.value_text("project_kind" if c == "kind" else c, r[c]) for c in cols] for r in rows])


@project_app.command("show")
def project_show(code: Annotated[str, typer.Argument(help="工程代码")], db: Db = None, lang: Lang = None,
                 json_out: Json = False):
    """工程详情 / one project."""
    from tsms import queries

    p = queries.project(_setup(db, lang), code)
    if json_out:
        return render.print_json(p)
    heads = {"name": t("工程名称", "name"), "kind": t("类别", "kind")}
    items = [(heads.get(k) or render.label(k),
              render.value_text("project_kind" if k == "kind" else k, p[k]))
             for k in ("code", "name", "kind", "manager", "phone", "address", "client", "region",
                       "completed_on", "design_life")]
    counts = ", ".join(f"{Status(s).label} {n}" for s, n in p["complaints"].items()) or "0"
    items.append((t("投诉", "complaints"), counts))
    render.pairs(None, items)


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(help="姓名 / name")],
    dept: Annotated[str, typer.Option("--dept", help="部门 / department")],
    role: Annotated[Optional[str], typer.Option("--role", help=Role.choices())] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="所属工程 / project code")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """添加投诉小组成员 / add a member of the complaint team."""
    from tsms import ledger

    result = ledger.add_staff(_setup(db, lang), name, dept, role, phone, project, by)
    _done(result, json_out, t("已添加 {n}({d},{r})", "added {n} ({d}, {r})", n=result["name"], d=result["dept"],
                              r=Role(result["role"]).label))


@staff_app.command("list")
def staff_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """投诉小组 / the complaint team."""
    from tsms import queries

    rows = queries.staff(_setup(db, lang))
    if json_out:
        return render.print_json(rows)
    cols = ["name", "dept", "role", "phone", "project"]
    render.table(t("涉民投诉管理机构", "Complaint team"), [render.label(c) for c in cols],
                 [[render.value_text(c, r[c]) for c in cols] for r in rows])


# ---------------------------------------------------------------- the lifecycle


@app.command()
def log(
    content: Annotated[str, typer.Option("--content", help="投诉内容详细说明")],
    category: Annotated[str, typer.Option("--category", help=Category.choices())],
    project: Annotated[Optional[str], typer.Option("--project", help="工程代码 (only one project: optional)")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel", help=Channel.choices() + " (default phone)")] = None,
    urgency: Annotated[Optional[str], typer.Option("--urgency", help=Urgency.choices() + " (default normal)")] = None,
    complainant: Annotated[Optional[str], typer.Option("--from", help="投诉人")] = None,
    org: Annotated[Optional[str], typer.Option("--org", help="投诉单位")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="联系方式")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="地址")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注")] = None,
    serious: Annotated[bool, typer.Option("--serious", help="重大投诉:须立即上报 / serious: escalate at once")] = False,
    occurred_at: Annotated[Optional[str], typer.Option("--occurred-at", help="问题发生时间 (default --at)")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="投诉时间 / received: 2026-11-23 14:30 (default now)")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记投诉,输出编号 / log a complaint; prints its number."""
    from tsms import lifecycle

    result = lifecycle.log(_setup(db, lang), project=project, channel=channel, category=category, urgency=urgency,
                           content=content, complainant=complainant, org=org, contact=contact, address=address,
                           note=note, serious=serious, at=at, occurred_at=occurred_at, by=by)
    if json_out:
        return render.print_json(result)
    render.line(result["number"])
    if render.is_terminal():
        render.line(t("已登记;受理期限 {d}", "logged; accept by {d}", d=result["accept_due"])
                    + (t("(暂定)", " (provisional)") if result["provisional"] else "")
                    + (t(";夜间投诉", "; night time") if result["night_time"] else ""))


@app.command()
def accept(number: Number, dept: Annotated[Optional[str], typer.Option("--dept", help="受理部门")] = None,
           opinion: Annotated[Optional[str], typer.Option("--opinion", help="受理意见")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """受理 / accept a complaint."""
    from tsms import lifecycle

    r = lifecycle.accept(_setup(db, lang), number, dept=dept, opinion=opinion, at=at, by=by)
    _done(r, json_out, t("{n} 已受理", "{n} accepted", n=r["number"]) + _due_text(r, "resolve_due", "处理期限", "resolve"))


@app.command()
def reject(number: Number, reason: Annotated[str, typer.Option("--reason", help="不予受理理由")],
           advice: Annotated[Optional[str], typer.Option("--advice", help="告知投诉人反映情况的渠道 / where else to turn")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """不予受理 / reject a complaint, with the reason."""
    from tsms import lifecycle

    r = lifecycle.reject(_setup(db, lang), number, reason=reason, advice=advice, at=at, by=by)
    _done(r, json_out, t("{n} 不予受理", "{n} rejected", n=r["number"]) + _due_text(r, "reply_due", "回复期限", "answer referrer"))


@app.command()
def assign(number: Number, to: Annotated[str, typer.Option("--to", help="处理人 (a member of the team)")],
           dept: Annotated[Optional[str], typer.Option("--dept", help="处理部门 (default: the member's)")] = None,
           opinion: Annotated[Optional[str], typer.Option("--opinion", help="处理意见/方案")] = None,
           at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """派单(未受理的同时受理) / assign; accepts it too when still received."""
    from tsms import lifecycle

    r = lifecycle.assign(_setup(db, lang), number, to=to, dept=dept, opinion=opinion, at=at, by=by)
    _done(r, json_out, t("{n} 已派给 {a}({d})", "{n} assigned to {a} ({d})", n=r["number"], a=r["assignee"],
                         d=r["department"]) + _due_text(r, "resolve_due", "处理期限", "resolve"))


@app.command()
def resolve(number: Number, result: Annotated[str, typer.Option("--result", help="处理结果")],
            opinion: Annotated[Optional[str], typer.Option("--opinion", help="处理意见/方案")] = None,
            head: Annotated[Optional[str], typer.Option("--head", help="处理部门负责人")] = None,
            at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """处理完毕 / record the result."""
    from tsms import lifecycle

    r = lifecycle.resolve(_setup(db, lang), number, result=result, opinion=opinion, head=head, at=at, by=by)
    _done(r, json_out, t("{n} 处理完毕", "{n} resolved", n=r["number"]) + _due_text(r, "revisit_due", "回访期限", "revisit"))


@app.command()
def revisit(number: Annotated[Optional[str], typer.Argument(help="投诉编号 (or --plan-item / --project)")] = None,
            method: Annotated[str, typer.Option("--method", help=RevisitMethod.choices())] = ...,
            satisfaction: Annotated[Optional[str], typer.Option("--satisfaction", help=Satisfaction.choices())] = None,
            met: Annotated[Optional[str], typer.Option("--met", help="被回访人 (default the complainant)")] = None,
            note: Annotated[Optional[str], typer.Option("--note", help="回访记录")] = None,
            plan_item: Annotated[Optional[int], typer.Option("--plan-item", help="回访计划项 / a planned revisit")] = None,
            project: Annotated[Optional[str], typer.Option("--project", help="未列入计划的回访或满意度调查")] = None,
            scores: Annotated[Optional[str], typer.Option("--scores", help="quality=5,plan=4,progress=4,safety=5,environment=4,service=5")] = None,
            found: Annotated[Optional[str], typer.Option("--found", help="发现的问题 → 整改项")] = None,
            signed_by: Annotated[Optional[str], typer.Option("--signed-by", help="顾客签字确认")] = None,
            visitors: Annotated[Optional[str], typer.Option("--visitors", help="回访人员 (default --by)")] = None,
            owner: Annotated[Optional[str], typer.Option("--owner", help="整改责任人 (default the project manager)")] = None,
            at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """回访:投诉回访(不满意则重新处理),或计划回访/满意度调查 / a follow-up visit or a planned revisit."""
    if number is None:
        from tsms import plan

        r = plan.quality_revisit(_setup(db, lang), plan_item=plan_item, project=project, method=method,
                                 satisfaction=satisfaction, scores=scores, found=found, signed_by=signed_by, met=met,
                                 visitors=visitors, note=note, owner=owner, at=at, by=by)
        text = t("已记录 {p} 的回访", "revisit of {p} recorded", p=r["project"])
        if r.get("rectification"):
            text += t(";整改项 {n},期限 {d}", "; rectification {n} due {d}", n=r["rectification"]["number"],
                      d=r["rectification"]["due"])
        return _done(r, json_out, text)
    if satisfaction is None:
        raise TsmsError(t("投诉回访需要 --satisfaction", "a complaint's revisit needs --satisfaction"))
    from tsms import lifecycle

    r = lifecycle.revisit(_setup(db, lang), number, method=method, satisfaction=satisfaction, met=met, note=note,
                          at=at, by=by)
    text = t("{n} 已回访,状态:{s}", "{n} revisited; now {s}", n=r["number"], s=Status(r["status"]).label)
    if not r["on_time"]:
        text += t("(超过回访期限)", " (after its deadline)")
    _done(r, json_out, text + _due_text(r, "resolve_due", "重新处理期限", "resolve again"))


@app.command()
def escalate(number: Number, to: Annotated[Optional[str], typer.Option("--to", help="上报给 (default: the team leader)")] = None,
             note: Annotated[Optional[str], typer.Option("--note")] = None,
             at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """重大投诉立即上报 / escalate a serious complaint."""
    from tsms import lifecycle

    r = lifecycle.escalate(_setup(db, lang), number, to=to, note=note, at=at, by=by)
    _done(r, json_out, t("{n} 已上报 {to}", "{n} escalated to {to}", n=r["number"], to=r["escalated_to"]))


@app.command()
def reply(number: Number, text: Annotated[str, typer.Option("--text", help="回复内容")],
          at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """将处理结果回复转办的职能部门 / answer the referring department."""
    from tsms import lifecycle

    r = lifecycle.reply(_setup(db, lang), number, text=text, at=at, by=by)
    _done(r, json_out, t("{n} 已回复职能部门", "{n}: referring department answered", n=r["number"]))


@app.command()
def archive(number: Number, at: At = None, by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """归档 / archive a closed or rejected complaint."""
    from tsms import lifecycle

    r = lifecycle.archive(_setup(db, lang), number, at=at, by=by)
    _done(r, json_out, t("{n} 已归档", "{n} archived", n=r["number"]))


# ---------------------------------------------------------------- reading


@app.command()
def show(number: Number,
         xlsx: Annotated[Optional[str], typer.Option("--xlsx", help="写出《涉民投诉处理表》/ write the form")] = None,
         with_contacts: Annotated[bool, typer.Option("--with-contacts", help="表中不遮盖联系方式 / unmasked")] = False,
         db: Db = None, lang: Lang = None, json_out: Json = False):
    """一件投诉的全部内容与期限 / one complaint, deadlines included."""
    from tsms import queries, views

    ledger_file = _setup(db, lang)
    c = queries.show(ledger_file, number)
    if xlsx:
        from tsms import ledger, xlsx as xlsx_mod

        site = ledger.read_config(ledger_file)
        out = xlsx_mod.complaint_form(c, site["site_name"] or site["site_code"], xlsx, with_contacts=with_contacts)
        return _done({"number": c["number"], "xlsx": out}, json_out, t("已写出 {p}", "wrote {p}", p=out))
    if json_out:
        return render.print_json(c)
    views.complaint(c)


@app.command("list")
def list_(
    status: Annotated[Optional[str], typer.Option("--status", help=Status.choices())] = None,
    project: Annotated[Optional[str], typer.Option("--project")] = None,
    category: Annotated[Optional[str], typer.Option("--category", help=Category.choices())] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="投诉日期起 YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="投诉日期止 YYYY-MM-DD")] = None,
    search: Annotated[Optional[str], typer.Option("--search", help="在编号/内容/投诉人/地址/结果中查找")] = None,
    limit: Annotated[int, typer.Option("--limit", help="最多行数,0 为全部 / rows at most, 0 for all")] = 100,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """投诉列表,新的在前 / complaints, newest first."""
    from tsms import clock, queries, views

    rows, total = queries.list_complaints(
        _setup(db, lang), status=status, project=project, category=category,
        since=clock.parse_date(since, "--since") if since else None,
        until=clock.parse_date(until, "--until") if until else None, search=search, limit=limit)
    if json_out:
        return render.print_json(rows)
    views.complaint_list(rows, total)


@app.command()
def history(number: Number, db: Db = None, lang: Lang = None, json_out: Json = False):
    """操作记录:何时、何人、何事 / every event: when, who, what."""
    from tsms import queries, views

    events = queries.history(_setup(db, lang), number)
    if json_out:
        return render.print_json(events)
    views.history(number.strip().upper(), events)


@app.command()
def overdue(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天为准 / the day to judge, default today")] = None,
    within: Annotated[int, typer.Option("--within", help="并列出 N 个工作日内到期的 / also what falls due in N working days")] = 0,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """逾期事项;有逾期时退出码为 1 / late steps; exit 1 when any."""
    from tsms import clock, queries, views

    ledger_file = _setup(db, lang)
    day = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    items = queries.overdue(ledger_file, day, within)
    if json_out:
        render.print_json(items)
    else:
        views.overdue(items, day, within)
    if any(i["late"] for i in items):
        raise typer.Exit(1)


# the ledger's other commands (calendar, settings, reports, import, safety, demo)
from tsms import cli_admin  # noqa: E402,F401  (registers its commands on app)


def _keep_only_invoked(argv: List[str]) -> None:
    """Typer converts every registered command into a click command at each start; a
    clerk's command needs only its own (saves ~10 ms of a ~0.4 s start). Help for the
    whole tool, or an unknown word, keeps them all."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ("--db", "--lang"):
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            break
    else:
        return
    wanted = argv[i]
    names = {c.name or c.callback.__name__.replace("_", "-"): c for c in app.registered_commands}
    groups = {g.name: g for g in app.registered_groups}
    if wanted in names:
        app.registered_commands, app.registered_groups = [names[wanted]], []
    elif wanted in groups:
        app.registered_commands, app.registered_groups = [], [groups[wanted]]


def main() -> None:
    # Start-up allocates hundreds of thousands of long-lived objects (SQLAlchemy, pydantic,
    # typer); letting the cyclic collector walk them costs ~10% of a clerk's command. It is
    # off until the ledger is open, then the start-up objects are frozen out of its way.
    gc.disable()
    _STATE["gc_paused"] = True
    _keep_only_invoked(sys.argv[1:])
    app()


if __name__ == "__main__":
    main()
