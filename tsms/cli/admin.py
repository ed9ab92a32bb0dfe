"""Administration: the ledger itself, projects and the team, regions, settings, the calendar, backup, restore, check, the demo."""

import sys
from typing import List, Optional

import typer
from typing_extensions import Annotated

from tsms import checks, clock, render
from tsms.cli.app import (STATE, By, Db, Force, Json, Lang, done, open_ledger, app, ledger_path, file_name,
                          project_app, staff_app, whole, amount)
from tsms.errors import TsmsError
from tsms.vocab import ProjectKind, Role, Status, set_lang, t


@app.command()
def init(
    site: Annotated[str, typer.Option("--site", help="工地代码 / site code, e.g. SH01")],
    name: Annotated[str, typer.Option("--name", help="项目部名称 / site name")],
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """创建账本 / create the ledger."""
    if lang:
        set_lang(lang)
    path = ledger_path(db)
    from tsms.operations import site as site_ops

    result = site_ops.init(path, site, name, by)
    done(result, json_out, t("已创建账本 {p}(工地 {s} {n})", "created ledger {p} (site {s} {n})",
                              p=result["path"], s=result["site"], n=result["name"]))


@project_app.command("add")
def project_add(
    code: Annotated[str, typer.Argument(help="工程代码 / project code, e.g. P01")],
    name: Annotated[str, typer.Option("--name", help="工程名称 / project name")],
    kind: Annotated[Optional[str], typer.Option("--kind", help=ProjectKind.help())] = None,
    manager: Annotated[Optional[str], typer.Option("--manager", help="项目负责人 / project manager")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone", help="联系电话 / phone")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="地址 / address")] = None,
    client: Annotated[Optional[str], typer.Option("--client", help="建设单位 / the client")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区 / region, e.g. shanghai")] = None,
    completed: Annotated[Optional[str], typer.Option("--completed", help="竣工验收合格日期 / completion acceptance YYYY-MM-DD")] = None,
    design_life: Annotated[Optional[int], typer.Option("--design-life", parser=whole("--design-life", checks.TERM_YEARS), help="合理使用年限 / design service life in years", show_default="50")] = None,
    retention: Annotated[Optional[float], typer.Option("--retention", parser=amount("--retention"), help="质保金(元) / retention money")] = None,
    contract_sum: Annotated[Optional[float], typer.Option("--contract-sum", parser=amount("--contract-sum"), help="结算总额(元),质保金不超过其 3% / the settled contract sum")] = None,
    report: Annotated[Optional[str], typer.Option("--report", help="与 --completed:竣工验收报告提交日期 / the completion report's date")] = None,
    client_delay: Annotated[bool, typer.Option("--client-delay", help="因建设单位原因验收延误 / acceptance delayed by the client (138号 第八条)")] = False,
    liability_years: Annotated[Optional[int], typer.Option("--liability-years", parser=whole("--liability-years", checks.LIABILITY_YEARS), help="缺陷责任期 1 或 2 年 / defect liability period, 1 or 2 years")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记工程 / add a project."""
    ledger_file = open_ledger(db, lang)
    from tsms.operations import site

    completed_on = clock.parse_date(completed, "--completed") if completed else None
    result = site.add_project(ledger_file, code, name, kind, by, manager=manager, phone=phone, address=address,
                                client=client, region=region, completed_on=completed_on, design_life=design_life,
                                retention=retention, liability_years=liability_years, contract_sum=contract_sum,
                                report=clock.parse_date(report, "--report") if report else None,
                                client_delay=client_delay)
    done(result, json_out, t("已登记工程 {c} {n}", "added project {c} {n}", c=result["code"], n=result["name"]))


@project_app.command("list")
def project_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """工程列表 / list projects."""
    from tsms.queries import complaints as complaint_queries

    rows = complaint_queries.projects(open_ledger(db, lang))
    if json_out:
        return render.print_json(rows)
    cols = ["code", "name", "kind", "manager", "phone", "region", "completed_on"]
    heads = {"name": t("工程名称", "name"), "kind": t("类别", "kind")}
    render.table(t("工程", "Projects"), [heads.get(c) or render.label(c) for c in cols],
                 [[render.region_text(r["region"], r.get("region_name")) if c == "region"
                   else render.value_text("project_kind" if c == "kind" else c, r[c]) for c in cols] for r in rows])


@project_app.command("show")
def project_show(code: Annotated[str, typer.Argument(help="工程代码 / project code")], db: Db = None, lang: Lang = None,
                 json_out: Json = False):
    """工程详情 / one project."""
    from tsms.queries import complaints as complaint_queries

    p = complaint_queries.project(open_ledger(db, lang), code)
    if json_out:
        return render.print_json(p)
    heads = {"name": t("工程名称", "name"), "kind": t("类别", "kind")}
    items = [(heads.get(k) or render.label(k),
              render.region_text(p["region"], p.get("region_name")) if k == "region"
              else render.value_text("project_kind" if k == "kind" else k, p[k]))
             for k in ("code", "name", "kind", "manager", "phone", "address", "client", "region",
                       "completed_on", "design_life")]
    counts = ", ".join(f"{Status(s).label} {n}" for s, n in p["complaints"].items()) or "0"
    items.append((t("投诉", "complaints"), counts))
    render.pairs(None, items)


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(help="姓名 / name")],
    dept: Annotated[str, typer.Option("--dept", help="部门 / department")],
    role: Annotated[Optional[str], typer.Option("--role", help=Role.help())] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="所属工程 / project code")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """添加投诉小组成员 / add a member of the complaint team."""
    from tsms.operations import site

    result = site.add_staff(open_ledger(db, lang), name, dept, role, phone, project, by)
    done(result, json_out, t("已添加 {n}({d},{r})", "added {n} ({d}, {r})", n=result["name"], d=result["dept"],
                              r=Role(result["role"]).label))


@staff_app.command("list")
def staff_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """投诉小组 / the complaint team."""
    from tsms.queries import complaints as complaint_queries

    rows = complaint_queries.staff(open_ledger(db, lang))
    if json_out:
        return render.print_json(rows)
    cols = ["name", "dept", "role", "phone", "project"]
    render.table(t("涉民投诉管理机构", "Complaint team"), [render.label(c) for c in cols],
                 [[render.value_text(c, r[c]) for c in cols] for r in rows])


region_app = typer.Typer(help="地区采暖/供冷期 / regions and their heating periods", no_args_is_help=True)
app.add_typer(region_app, name="region")


@region_app.command("add")
def region_add(code: Annotated[str, typer.Argument(help="地区代码 / code, e.g. tianjin")],
               name: Annotated[str, typer.Option("--name", help="名称 / name")],
               heating: Annotated[Optional[str], typer.Option("--heating", help="采暖期 / heating period, e.g. 11-15:03-15")] = None,
               cooling: Annotated[Optional[str], typer.Option("--cooling", help="供冷期 / cooling period, e.g. 06-01:09-30")] = None,
               db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """添加地区及其采暖/供冷期 / add a region with its heating (cooling) period."""
    from tsms.operations import warranty

    r = warranty.add_region(open_ledger(db, lang), code, name, heating, cooling, by)
    done(r, json_out, t("已添加地区 {c} {n}", "added region {c} {n}", c=r["code"], n=r["name"]))


@region_app.command("list")
def region_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """地区列表 / regions."""
    from tsms.queries import aftersales

    rows = aftersales.regions(open_ledger(db, lang))
    if json_out:
        return render.print_json(rows)
    render.table(t("地区", "Regions"), [t("代码", "code"), t("名称", "name"), t("采暖期", "heating"), t("供冷期", "cooling")],
                 [[r["code"], r["name"], r["heating"] or "", r["cooling"] or ""] for r in rows])


@app.command(context_settings={"ignore_unknown_options": False})
def calendar(
    args: Annotated[Optional[List[str]], typer.Argument(
        help="YEAR | set DATE workday|restday | unset DATE | confirm YEAR", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="依据,如 国办发明电〔2026〕x号 / the source, e.g. the State Council notice")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """工作日历 / the working-day calendar: `calendar 2026`, `calendar set 2027-02-06 workday --note …`."""
    from tsms.render import views

    words = list(args or [])
    verb = words[0] if words else ""
    if verb in ("set", "unset", "confirm"):
        from tsms.operations import site

        ledger_file = open_ledger(db, lang)
        if verb == "set":
            if len(words) != 3 or words[2] not in ("workday", "restday", "工作日", "休息日"):
                raise TsmsError(t("用法:tsms calendar set 日期 workday|restday --note 依据",
                                  "usage: tsms calendar set DATE workday|restday --note SOURCE"))
            day = clock.parse_date(words[1], "DATE")
            r = site.calendar_set(ledger_file, day, words[2] in ("workday", "工作日"), note, by)
            text = t("{d} 记为{w};{m} 个期限已重算", "{d} recorded as a {w}; {m} deadlines moved", d=r["day"],
                     w=t("工作日", "working day") if r["working"] else t("休息日", "rest day"), m=r["deadlines_moved"])
        elif verb == "unset":
            if len(words) != 2:
                raise TsmsError(t("用法:tsms calendar unset 日期", "usage: tsms calendar unset DATE"))
            r = site.calendar_unset(ledger_file, clock.parse_date(words[1], "DATE"), by)
            text = t("已删除 {d} 的条目;{m} 个期限已重算", "entry for {d} removed; {m} deadlines moved", d=r["day"],
                     m=r["deadlines_moved"])
        else:
            if len(words) != 2:
                raise TsmsError(t("用法:tsms calendar confirm 年份 --note 依据", "usage: tsms calendar confirm YEAR --note SOURCE"))
            r = site.calendar_confirm(ledger_file, clock.parse_year(words[1], "YEAR"), note, by)
            text = t("{y} 年日历已确认;{m} 个期限已重算", "{y} confirmed; {m} deadlines moved", y=r["year"],
                     m=r["deadlines_moved"])
        return done(r, json_out, text)
    if len(words) > 1:
        raise TsmsError(t("用法:tsms calendar [年份]", "usage: tsms calendar [YEAR]"))
    from tsms.queries.site import calendar_year

    if lang:
        set_lang(lang)
    year = clock.parse_year(words[0], "YEAR") if words else clock.today().year
    exists = ledger_path(db).exists()
    data = calendar_year(open_ledger(db, None) if exists else None, year)
    if json_out:
        return render.print_json(data["days"])
    views.calendar(data)


@app.command()
def config(
    key: Annotated[Optional[str], typer.Argument(help="设置项 / setting")] = None,
    value: Annotated[Optional[str], typer.Argument(help="新值 / new value")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """期限设置:无参数时显示,`config KEY VALUE` 修改 / show or change the deadline settings."""
    from tsms.operations import site
    from tsms.queries.site import read_config
    from tsms.render import views

    ledger_file = open_ledger(db, lang)
    if key is None:
        data = read_config(ledger_file)
        if json_out:
            return render.print_json(data)
        return views.config(data)
    if value is None:
        raise TsmsError(t("用法:tsms config 设置项 值", "usage: tsms config KEY VALUE"))
    r = site.set_config(ledger_file, key, value, by)
    if r["key"] == "default_project":
        return done(r, json_out, t("默认工程:{v}", "default project: {v}", v=r["value"]) if r["value"]
                    else t("不再有默认工程", "no default project now"))
    done(r, json_out, t("{k} = {v};{m} 个期限已重算", "{k} = {v}; {m} deadlines moved", k=r["key"], v=r["value"],
                         m=r["deadlines_moved"]))


@app.command()
def backup(dest: Annotated[str, typer.Argument(parser=file_name("DEST"), help="备份文件或目录 / backup file or folder")],
           force: Force = False,
           db: Db = None, lang: Lang = None, json_out: Json = False):
    """在线备份账本(含附件) / online backup of the ledger, attachments included."""
    from tsms.store import backup as backup_mod

    r = backup_mod.backup(open_ledger(db, lang), dest, force)
    done(r, json_out, t("已备份到 {p}(事件链末尾 {h})", "backed up to {p} (head {h})", p=r["backup"], h=r["head"]))


@app.command()
def restore(source: Annotated[str, typer.Argument(parser=file_name("SRC"), help="备份文件 / backup file")],
            force: Annotated[bool, typer.Option("--force", help="回退账本已有的事件也要恢复 / restore even if it rolls "
                                                                 "back events of the ledger")] = False,
            force_unverified: Annotated[bool, typer.Option("--force-unverified", help="备份未通过检查也恢复 / restore a "
                                                                                      "backup that fails check")] = False,
            db: Db = None, lang: Lang = None, json_out: Json = False):
    """从备份恢复账本:先检查备份;会回退账本已有的事件时须加 --force / restore the ledger from a backup: the
    backup is checked first; --force when it would roll back events the ledger has."""
    if lang:
        set_lang(lang)
    ledger_path(db)
    from tsms.store import backup as backup_mod

    r = backup_mod.restore(source, db or STATE["db"], force, force_unverified)
    done(r, json_out, t("已从 {s} 恢复到 {p}", "restored {p} from {s}", s=r["from"], p=r["restored"]))


@app.command()
def check(
    against: Annotated[Optional[str], typer.Option(
        "--against", help="锚:备份、月报工作簿或 N:哈希;账本须仍延续它 / a backup, a monthly workbook or N:HASH "
                          "the ledger must still extend")] = None,
    head: Annotated[Optional[str], typer.Option("--head", help="同 --against N:哈希 / the same as --against N:HASH")] = None,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """检查账本:SQLite 完整性、按事件重新推导的状态、事件链;打印事件链末尾(N:哈希)供留存;有问题时退出码为 3 /
    check the ledger: SQLite integrity, the state re-derived from the events, the chain; prints the head
    (N:HASH) to keep elsewhere; exit 3 on problems."""
    from tsms.store import integrity

    if against and head:
        raise TsmsError(t("--against 与 --head 只能给一个", "give --against or --head, not both"))
    r = integrity.check(open_ledger(db, lang), against or head)
    if json_out:
        render.print_json(r)
    elif r["ok"]:
        render.line(t("账本完好:{c} 件投诉,{e} 个事件,{a} 个附件;事件链末尾 {h}",
                      "ledger sound: {c} complaints, {e} events, {a} attachments; head {h}",
                      c=r["counts"]["complaint"], e=r["counts"]["event"], a=r["counts"]["attachment"], h=r["head"]))
    else:
        for problem in r["problems"]:
            render.line(problem)
    if not r["ok"]:
        raise typer.Exit(3)


@app.command()
def demo(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="演示的“今天” / the demo's today")] = None,
    db: Annotated[Optional[str], typer.Option("--db", parser=file_name("--db"), help="演示账本 / demo ledger file", show_default="tsms-demo.sqlite3 in the user data dir")] = None,
    site: Annotated[Optional[str], typer.Option("--site", help="演示工地代码 / the demo site's code (default SH01; another code makes another site's demo, for head office)")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="演示项目部名称 / the demo site's name")] = None,
    lang: Lang = None,
):
    """建一个演示账本并显示列表和逾期 / build a demo ledger and show list and overdue."""
    if lang:
        set_lang(lang)
    ledger_path(None)
    from tsms.operations import site as site_ops

    code = checks.clean(site, "--site", required=True) if site is not None else "SH01"
    if not site_ops.SITE_CODE.match(code):  # checked before the old demo file is replaced
        raise TsmsError(t("--site「{s}」:只能是 1–12 位字母或数字,如 SH01", "--site {s!r}: 1 to 12 letters or digits, "
                          "e.g. SH01", s=code))
    code = code.upper()
    if name is not None:
        site_name = checks.clean(name, "--name", required=True)
    else:
        site_name = "上海某新建工程项目部" if code == "SH01" else t("{c} 演示项目部", "{c} demo site", c=code)
    from tsms.operations import demo as demo_mod
    from tsms.queries import complaints as complaint_queries
    from tsms.queries.obligations import overdue
    from tsms.render import views

    day = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    # `tsms --db PATH demo` as well as `tsms demo --db PATH` (never TSMS_DB: that is the real
    # ledger's; the demo refuses any ledger that is not a demo's anyway)
    ledger_file = demo_mod.build(db or STATE["db"], day, code, site_name)
    day = demo_mod.demo_moment(day, clock.now()).date()  # the demo's today: all of it in the past
    render.line(t("演示账本:{p}", "demo ledger: {p}", p=ledger_file.path))
    rows, total = complaint_queries.list_complaints(ledger_file, limit=0)
    from tsms.render.privacy import masked

    views.complaint_list(masked(rows), total)
    views.overdue(masked(overdue(ledger_file, day)), day, 0)
    render.line(t("试试:{c} --db {p} show {n}", "try: {c} --db {p} show {n}", c=_this_command(),
                  p=_quoted(ledger_file.path), n=rows[-1]["number"]))
    render.line(t("保修、保修单、回访计划和整改:{c} --db {p} warranty P03 / claim list / plan {y} / rectify list",
                  "warranty, claims, the revisit plan, rectifications: {c} --db {p} warranty P03 / claim list / "
                  "plan {y} / rectify list", c=_this_command(), p=_quoted(ledger_file.path), y=day.year + 1))


def _quoted(path) -> str:
    import shlex

    return shlex.quote(str(path))


def _this_command() -> str:
    """How to run this very tsms again, whatever the shell's PATH: the full path of the
    command (the venv's bin/tsms), or ``python -m tsms`` with this interpreter."""
    import os
    from pathlib import Path

    argv0 = sys.argv[0] if sys.argv else ""
    if not argv0 or argv0.endswith(("__main__.py", "-c")) or not Path(argv0).is_file():
        return f"{_quoted(sys.executable)} -m tsms"
    return _quoted(Path(os.path.abspath(argv0)))


SHELLS = ("bash", "zsh", "fish")


@app.command()
def completion(shell: Annotated[str, typer.Argument(help="bash, zsh 或 fish / the shell")]):
    """打印命令行补全脚本(命令、选项、投诉编号、--to 的人员) / print the shell completion script
    (commands, options, complaint numbers, staff names for --to)."""
    if shell not in SHELLS:
        raise TsmsError(t("不支持的 shell「{s}」;可用:{a}", "unsupported shell {s!r}; use one of {a}",
                          s=shell, a=", ".join(SHELLS)))
    from typer._completion_shared import get_completion_script

    render.line(get_completion_script(prog_name="tsms", complete_var="_TSMS_COMPLETE", shell=shell).rstrip("\n"))
