"""The commands around the daily lifecycle: calendar and settings, reports and import,
attachments, backup, restore, check, and the demo. Registered on tsms.cli's app."""

from typing import List, Optional

import typer
from typing_extensions import Annotated

from tsms import render
from tsms.cli import _STATE, By, Db, Json, Lang, Number, _done, _setup, app
from tsms.errors import TsmsError
from tsms.vocab import set_lang, t


# ---------------------------------------------------------------- calendar and settings


@app.command(context_settings={"ignore_unknown_options": False})
def calendar(
    args: Annotated[Optional[List[str]], typer.Argument(
        help="YEAR | set DATE workday|restday | unset DATE | confirm YEAR", show_default=False)] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="依据,如 国办发明电〔2026〕x号")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """工作日历 / the working-day calendar: `calendar 2026`, `calendar set 2027-02-06 workday --note …`."""
    from tsms import views

    words = list(args or [])
    verb = words[0] if words else ""
    if verb in ("set", "unset", "confirm"):
        from tsms import clock, ledger

        ledger_file = _setup(db, lang)
        if verb == "set":
            if len(words) != 3 or words[2] not in ("workday", "restday", "工作日", "休息日"):
                raise TsmsError(t("用法:tsms calendar set 日期 workday|restday --note 依据",
                                  "usage: tsms calendar set DATE workday|restday --note SOURCE"))
            day = clock.parse_date(words[1], "DATE")
            r = ledger.calendar_set(ledger_file, day, words[2] in ("workday", "工作日"), note, by)
            text = t("{d} 记为{w};{m} 个期限已重算", "{d} recorded as a {w}; {m} deadlines moved", d=r["day"],
                     w=t("工作日", "working day") if r["working"] else t("休息日", "rest day"), m=r["deadlines_moved"])
        elif verb == "unset":
            if len(words) != 2:
                raise TsmsError(t("用法:tsms calendar unset 日期", "usage: tsms calendar unset DATE"))
            r = ledger.calendar_unset(ledger_file, clock.parse_date(words[1], "DATE"), by)
            text = t("已删除 {d} 的条目;{m} 个期限已重算", "entry for {d} removed; {m} deadlines moved", d=r["day"],
                     m=r["deadlines_moved"])
        else:
            if len(words) != 2:
                raise TsmsError(t("用法:tsms calendar confirm 年份 --note 依据", "usage: tsms calendar confirm YEAR --note SOURCE"))
            r = ledger.calendar_confirm(ledger_file, _year(words[1]), note, by)
            text = t("{y} 年日历已确认;{m} 个期限已重算", "{y} confirmed; {m} deadlines moved", y=r["year"],
                     m=r["deadlines_moved"])
        return _done(r, json_out, text)
    if len(words) > 1:
        raise TsmsError(t("用法:tsms calendar [年份]", "usage: tsms calendar [YEAR]"))
    from tsms import clock, db as dbmod, ledger

    if lang:
        set_lang(lang)
    year = _year(words[0]) if words else clock.today().year
    exists = dbmod.resolve_path(db or _STATE["db"]).exists()
    data = ledger.calendar_year(dbmod.open_existing(db or _STATE["db"]) if exists else None, year)
    if json_out:
        return render.print_json(data["days"])
    views.calendar(data)


def _year(text: str) -> int:
    if not text.isdigit() or not 1950 <= int(text) <= 2100:
        raise TsmsError(t("年份「{y}」无效;应为 1950–2100 的四位数", "year {y!r} is not valid; accepted: 1950 to 2100", y=text))
    return int(text)


@app.command()
def config(
    key: Annotated[Optional[str], typer.Argument(help="设置项 / setting")] = None,
    value: Annotated[Optional[str], typer.Argument(help="新值 / new value")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """期限设置:无参数时显示,`config KEY VALUE` 修改 / show or change the deadline settings."""
    from tsms import ledger, views

    ledger_file = _setup(db, lang)
    if key is None:
        data = ledger.read_config(ledger_file)
        if json_out:
            return render.print_json(data)
        return views.config(data)
    if value is None:
        raise TsmsError(t("用法:tsms config 设置项 值", "usage: tsms config KEY VALUE"))
    r = ledger.set_config(ledger_file, key, value, by)
    _done(r, json_out, t("{k} = {v};{m} 个期限已重算", "{k} = {v}; {m} deadlines moved", k=r["key"], v=r["value"],
                         m=r["deadlines_moved"]))


@app.command()
def report(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM (default: last month)")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="年份 YYYY")] = None,
    start: Annotated[Optional[str], typer.Option("--from", help="起 YYYY-MM-DD")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="止 YYYY-MM-DD")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="只统计一个工程 / one project")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天为准 / the report date (default today)")] = None,
    xlsx: Annotated[Optional[str], typer.Option("--xlsx", help="写出月报工作簿 / write the workbook")] = None,
    with_contacts: Annotated[bool, typer.Option("--with-contacts", help="导出不遮盖联系方式和地址 / unmasked")] = False,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """统计指标与月报 / the measures, in the terminal or as the monthly workbook."""
    from tsms import clock, reports, views

    ledger_file = _setup(db, lang)
    today = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    p = reports.period(month, year, start, end, today)
    if xlsx:
        from tsms import xlsx as xlsx_mod

        xlsx_mod.check_target(xlsx)
    r = reports.build(ledger_file, p, project, today)
    if xlsx:

        with reports.rows(ledger_file, p, project) as source:
            out = xlsx_mod.monthly_workbook(r, source, xlsx, with_contacts=with_contacts,
                                            progress=render.is_terminal())
        if json_out:
            return render.print_json({**r, "xlsx": out})
        return render.line(t("已写出 {p}", "wrote {p}", p=out))
    if json_out:
        return render.print_json(r)
    views.report(r)


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="旧台账 .xlsx 或 .csv / an old ledger, .xlsx or .csv")],
    project: Annotated[Optional[str], typer.Option("--project", help="导入到哪个工程 / the project")] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="只导入合格的行,其余存入 rejects 文件")] = False,
    rejects: Annotated[Optional[str], typer.Option("--rejects", help="未导入的行写到哪里 (.xlsx/.csv)")] = None,
    by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """导入原有的 Excel/CSV 台账:先检查每一行,要么全部写入,要么都不写 / import an old ledger."""
    from tsms import importer

    r = importer.run(_setup(db, lang), file, project, skip_invalid=skip_invalid, rejects=rejects, by=by)
    if json_out:
        render.print_json(r)
    elif r["errors"] and not skip_invalid:
        render.table(t("有问题的行", "Rows with problems"), [t("行", "row"), t("列", "column"), t("值", "value"),
                                                         t("原因", "reason")],
                     [[str(e["row"]), e["column"], e["value"] or "", e["reason"]] for e in r["errors"]])
    else:
        render.line(t("导入 {n} 件,已导入过 {k} 件,不合格 {b} 行", "imported {n}, already imported {k}, invalid rows {b}",
                      n=r["imported"], k=r["already_imported"], b=r["invalid"])
                    + (t(";未导入的行见 {p}", "; rejected rows in {p}", p=r["rejects"]) if r["rejects"] else ""))
    if r["errors"] and not skip_invalid:
        raise TsmsError(t("{b} 行有问题,什么也没有写入;改正后重试,或加 --skip-invalid",
                          "{b} rows have problems; nothing was written: correct them, or add --skip-invalid",
                          b=r["invalid"]))


@app.command()
def attach(number: Number, files: Annotated[List[str], typer.Argument(help="文件 / files (photos, scans)")],
           by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """附加照片等文件 / attach photos or scans to a complaint."""
    from tsms import files as files_mod

    r = files_mod.attach(_setup(db, lang), number, files, by)
    if json_out:
        return render.print_json(r)
    for f in r:
        render.line(t("{n} 已附加 {f}({s} 字节)", "{n}: attached {f} ({s} bytes)", n=f["number"], f=f["name"], s=f["size"]))


@app.command()
def backup(dest: Annotated[str, typer.Argument(help="备份文件或目录 / backup file or folder")],
           force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite")] = False,
           db: Db = None, lang: Lang = None, json_out: Json = False):
    """在线备份账本(含附件) / online backup of the ledger, attachments included."""
    from tsms import backup as backup_mod

    r = backup_mod.backup(_setup(db, lang), dest, force)
    _done(r, json_out, t("已备份到 {p}", "backed up to {p}", p=r["backup"]))


@app.command()
def restore(source: Annotated[str, typer.Argument(help="备份文件 / backup file")],
            force: Annotated[bool, typer.Option("--force", help="替换已有账本 / replace an existing ledger")] = False,
            db: Db = None, lang: Lang = None, json_out: Json = False):
    """从备份恢复账本 / restore the ledger from a backup."""
    if lang:
        set_lang(lang)
    from tsms import backup as backup_mod

    r = backup_mod.restore(source, db or _STATE["db"], force)
    _done(r, json_out, t("已从 {s} 恢复到 {p}", "restored {p} from {s}", s=r["from"], p=r["restored"]))


@app.command()
def check(db: Db = None, lang: Lang = None, json_out: Json = False):
    """检查账本完整性与一致性;有问题时退出码为 3 / check the ledger; exit 3 on problems."""
    from tsms import integrity

    r = integrity.check(_setup(db, lang))
    if json_out:
        render.print_json(r)
    elif r["ok"]:
        render.line(t("账本完好:{c} 件投诉,{e} 个事件,{a} 个附件", "ledger sound: {c} complaints, {e} events, {a} attachments",
                      c=r["counts"]["complaint"], e=r["counts"]["event"], a=r["counts"]["attachment"]))
    else:
        for problem in r["problems"]:
            render.line(problem)
    if not r["ok"]:
        raise typer.Exit(3)


@app.command()
def demo(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="演示的“今天” / the demo's today")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="演示账本 / demo ledger file (default: tsms-demo.sqlite3 in the user data dir)")] = None,
    lang: Lang = None,
):
    """建一个演示账本并显示列表和逾期 / build a demo ledger and show list and overdue."""
    if lang:
        set_lang(lang)
    from tsms import clock, demo as demo_mod, queries, views

    day = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    ledger_file = demo_mod.build(db, day)
    render.line(t("演示账本:{p}", "demo ledger: {p}", p=ledger_file.path))
    rows, total = queries.list_complaints(ledger_file, limit=0)
    views.complaint_list(rows, total)
    views.overdue(queries.overdue(ledger_file, day), day, 0)
    render.line(t("试试:tsms --db {p} show {n}", "try: tsms --db {p} show {n}", p=ledger_file.path, n=rows[-1]["number"]))


region_app = typer.Typer(help="地区采暖/供冷期 / regions and their heating periods", no_args_is_help=True)
app.add_typer(region_app, name="region")


@region_app.command("add")
def region_add(code: Annotated[str, typer.Argument(help="地区代码 / code, e.g. tianjin")],
               name: Annotated[str, typer.Option("--name", help="名称 / name")],
               heating: Annotated[Optional[str], typer.Option("--heating", help="采暖期 11-15:03-15")] = None,
               cooling: Annotated[Optional[str], typer.Option("--cooling", help="供冷期 06-01:09-30")] = None,
               db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """添加地区及其采暖/供冷期 / add a region with its heating (cooling) period."""
    from tsms import warranty

    r = warranty.add_region(_setup(db, lang), code, name, heating, cooling, by)
    _done(r, json_out, t("已添加地区 {c} {n}", "added region {c} {n}", c=r["code"], n=r["name"]))


@region_app.command("list")
def region_list(db: Db = None, lang: Lang = None, json_out: Json = False):
    """地区列表 / regions."""
    from tsms import warranty

    rows = warranty.regions(_setup(db, lang))
    if json_out:
        return render.print_json(rows)
    render.table(t("地区", "Regions"), [t("代码", "code"), t("名称", "name"), t("采暖期", "heating"), t("供冷期", "cooling")],
                 [[r["code"], r["name"], r["heating"] or "", r["cooling"] or ""] for r in rows])


@app.command("warranty")
def warranty_cmd(
    args: Annotated[List[str], typer.Argument(help="CODE | set CODE PART")],
    years: Annotated[Optional[int], typer.Option("--years", help="约定年限 / contract term in years")] = None,
    seasons: Annotated[Optional[int], typer.Option("--seasons", help="约定采暖/供冷期数 / heating or cooling periods")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="合同依据 / the contract clause")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天判断状态 / the day to judge")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """保修期:`warranty P02` 各部位期限;`warranty set P02 waterproofing --years 8` 按合同延长."""
    from tsms import clock, views, warranty

    ledger_file = _setup(db, lang)
    if args and args[0] == "set":
        if len(args) != 3:
            raise TsmsError(t("用法:tsms warranty set 工程 部位 --years N", "usage: tsms warranty set CODE PART --years N"))
        r = warranty.set_term(ledger_file, args[1], args[2], years=years, seasons=seasons, note=note, by=by)
        return _done(r, json_out, t("{p}:{t},至 {e}", "{p}: {t}, to {e}", p=args[2], t=r["period"], e=r["expires"]))
    if len(args) != 1:
        raise TsmsError(t("用法:tsms warranty 工程", "usage: tsms warranty CODE"))
    r = warranty.items(ledger_file, args[0], clock.parse_date(as_of, "--as-of") if as_of else None)
    if json_out:
        return render.print_json([{k: i[k] for k in ("part", "period", "starts", "expires", "status")}
                                  for i in r["items"]])
    views.warranty(r)


claim_app = typer.Typer(help="保修单 / warranty claims: `claim --project P02 --part … --content …` logs one",
                        invoke_without_command=True)
app.add_typer(claim_app, name="claim")


@claim_app.callback()
def claim_new(
    context: typer.Context,
    project: Annotated[Optional[str], typer.Option("--project", help="工程代码")] = None,
    part: Annotated[Optional[str], typer.Option("--part", help="保修部位 / part: structure, waterproofing, heating, …")] = None,
    content: Annotated[Optional[str], typer.Option("--content", help="问题描述")] = None,
    location: Annotated[Optional[str], typer.Option("--location", help="位置,如 5号楼1201卫生间")] = None,
    complainant: Annotated[Optional[str], typer.Option("--from", help="报修人")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="联系方式")] = None,
    emergency: Annotated[bool, typer.Option("--emergency", help="危及结构安全或严重影响使用:立即抢修")] = False,
    at: Annotated[Optional[str], typer.Option("--at", help="报修时间 (default now)")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记保修通知 / log a warranty claim (notice)."""
    if context.invoked_subcommand is not None:
        return
    if part is None or content is None:
        raise TsmsError(t("登记保修单需要 --part 和 --content", "a claim needs --part and --content"))
    from tsms import claims

    r = claims.log_claim(_setup(db, lang), project=project, part=part, content=content, location=location,
                         complainant=complainant, contact=contact, emergency=emergency, at=at, by=by)
    if json_out:
        return render.print_json(r)
    render.line(r["number"])
    render.line(t("查验期限 {d}", "inspect by {d}", d=r["inspect_due"])
                + ("" if r["in_warranty"] else t(";已过保修期,按有偿服务处理", "; out of warranty: paid service")))


@claim_app.command("inspect")
def claim_inspect(number: Annotated[str, typer.Argument(help="保修单编号")],
                  cause: Annotated[str, typer.Option("--cause", help="construction/施工质量, misuse/使用不当, third_party, force_majeure, other")],
                  note: Annotated[Optional[str], typer.Option("--note")] = None,
                  at: Annotated[Optional[str], typer.Option("--at")] = None,
                  db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """现场查验并认定原因 / inspect on site and decide the cause."""
    from tsms import claims

    r = claims.inspect(_setup(db, lang), number, cause=cause, note=note, at=at, by=by)
    _done(r, json_out, t("{n} 已查验", "{n} inspected", n=r["number"])
          + (t(";按有偿服务处理", "; paid service") if r["paid"] else ""))


@claim_app.command("repair")
def claim_repair(number: Annotated[str, typer.Argument(help="保修单编号")],
                 result: Annotated[str, typer.Option("--result", help="维修结果")],
                 at: Annotated[Optional[str], typer.Option("--at")] = None,
                 db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """维修完毕 / record the repair."""
    from tsms import claims

    r = claims.repair(_setup(db, lang), number, result=result, at=at, by=by)
    _done(r, json_out, t("{n} 已维修", "{n} repaired", n=r["number"]))


@claim_app.command("accept")
def claim_accept(number: Annotated[str, typer.Argument(help="保修单编号")],
                 at: Annotated[Optional[str], typer.Option("--at")] = None,
                 db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """建设单位或业主验收,记入保修记录 / acceptance by the client or owner (--by)."""
    from tsms import claims

    r = claims.accept(_setup(db, lang), number, at=at, by=by)
    _done(r, json_out, t("{n} 已由 {b} 验收", "{n} accepted by {b}", n=r["number"], b=r["accepted_by"]))


@claim_app.command("list")
def claim_list(project: Annotated[Optional[str], typer.Option("--project")] = None,
               db: Db = None, lang: Lang = None, json_out: Json = False):
    """保修单列表 / warranty claims."""
    from tsms import claims
    from tsms.vocab import WarrantyPart

    rows = claims.list_claims(_setup(db, lang), project)
    if json_out:
        return render.print_json(rows)
    render.table(t("保修单", "Warranty claims"), [t("编号", "number"), t("部位", "part"), t("报修时间", "received"),
                                               t("查验期限", "inspect by"), t("状态", "status"), t("有偿", "paid"), t("内容", "content")],
                 [[r["number"], WarrantyPart(r["part"]).label, render.value_text("at", r["received_at"]), r["inspect_due"],
                   t(*claims.STATES[r["status"]]), t("是", "yes") if r["paid"] else "", r["content"]] for r in rows])


@claim_app.command("show")
def claim_show(number: Annotated[str, typer.Argument(help="保修单编号")],
               db: Db = None, lang: Lang = None, json_out: Json = False):
    """一张保修单 / one warranty claim."""
    from tsms import claims

    r = claims.show_claim(_setup(db, lang), number)
    if json_out:
        return render.print_json(r)
    render.pairs(t("保修单 {n}", "Claim {n}", n=r["number"]),
                 [(k, render.value_text(k, v)) for k, v in r.items() if k != "attachments"])
    for a in r["attachments"]:
        render.line(t("附件:{f}({s} 字节)", "attachment: {f} ({s} bytes)", f=a["name"], s=a["size"]))


@app.command("retention")
def retention_cmd(code: Annotated[str, typer.Argument(help="工程代码")],
                  action: Annotated[Optional[str], typer.Argument(help="apply | verify | return")] = None,
                  at: Annotated[Optional[str], typer.Option("--at")] = None,
                  db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """质保金:缺陷责任期、返还申请、14 天核实、返还 / retention money."""
    from tsms import claims

    r = claims.retention(_setup(db, lang), code, action, at, by)
    if json_out:
        return render.print_json(r)
    render.pairs(t("质保金 {c}", "Retention money {c}", c=r["project"]),
                 [(t("金额(元)", "amount"), str(r["amount"])), (t("缺陷责任期", "liability period"), f"{r['liability_years']}"),
                  (t("期满", "ends"), r["liability_ends"]), (t("申请返还", "applied"), render.value_text("at", r["applied_at"])),
                  (t("核实期限", "verify by"), r["verify_due"] or ""),
                  (t("已核实", "verified"), render.value_text("at", r["verified_at"])),
                  (t("已返还", "returned"), render.value_text("at", r["returned_at"]))])


@app.command("plan")
def plan_cmd(
    year: Annotated[int, typer.Argument(help="计划年度 / the plan's year, e.g. 2027")],
    approve: Annotated[bool, typer.Option("--approve", help="批准(--by 总经理)/ approve")] = False,
    redraft: Annotated[bool, typer.Option("--redraft", help="已批准的计划也重新编制 / re-draft an approved plan")] = False,
    xlsx: Annotated[Optional[str], typer.Option("--xlsx", help="写出回访计划表 / write the plan document")] = None,
    edit: Annotated[Optional[int], typer.Option("--edit", help="修改第 N 项 / change item N")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="与 --edit:新日期")] = None,
    method: Annotated[Optional[str], typer.Option("--method", help="与 --edit:回访方式")] = None,
    staff: Annotated[Optional[str], typer.Option("--staff", help="与 --edit:人员安排")] = None,
    at: Annotated[Optional[str], typer.Option("--at")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """年度回访计划:编制、批准、导出 / the yearly revisit plan: draft, approve, export."""
    from tsms import clock, plan, views

    ledger_file = _setup(db, lang)
    if edit is not None:
        r = plan.edit_item(ledger_file, edit, date=clock.parse_date(date, "--date") if date else None,
                           method=method, staff=staff, by=by)
        return _done(r, json_out, t("第 {i} 项:{d} {p}", "item {i}: {d} {p}", i=r["id"], d=r["date"], p=r["project"]))
    if approve:
        r = plan.approve(ledger_file, year, by=by, at=at)
        return _done({k: v for k, v in r.items() if k != "items"}, json_out,
                     t("{y} 年回访计划已由 {b} 批准", "the {y} plan approved by {b}", y=year, b=r["approved_by"]))
    if xlsx:
        from tsms import xlsx as xlsx_mod

        xlsx_mod.check_target(xlsx)
        r = plan.draft(ledger_file, year, by=by)
        from tsms.ledger import read_config

        site = read_config(ledger_file)
        out = xlsx_mod.plan_document(r, site["site_name"] or site["site_code"], xlsx)
        return _done({"year": year, "xlsx": out}, json_out, t("已写出 {p}", "wrote {p}", p=out))
    r = plan.draft(ledger_file, year, redraft=redraft, by=by)
    if json_out:
        return render.print_json(r)
    views.plan(r)


@app.command()
def notify(item: Annotated[int, typer.Argument(help="回访计划项 / plan item")],
           at: Annotated[Optional[str], typer.Option("--at")] = None,
           db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """记录已通知顾客单位 / record that the client was told of a planned revisit."""
    from tsms import plan

    r = plan.notify(_setup(db, lang), item, at=at, by=by)
    _done(r, json_out, t("第 {i} 项已通知({p} {d})", "item {i} notified ({p} {d})", i=r["id"], p=r["project"], d=r["date"]))


@app.command()
def rectify(args: Annotated[List[str], typer.Argument(help="list | NUMBER")],
            result: Annotated[Optional[str], typer.Option("--result", help="整改结果")] = None,
            verified_by: Annotated[Optional[str], typer.Option("--verified-by", help="验证人")] = None,
            open_only: Annotated[bool, typer.Option("--open", help="只列未关闭的")] = False,
            at: Annotated[Optional[str], typer.Option("--at")] = None,
            db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """整改:`rectify list`,`rectify 编号 --result … --verified-by …` 关闭 / rectifications."""
    from tsms import plan

    ledger_file = _setup(db, lang)
    if args == ["list"]:
        rows = plan.rectifications(ledger_file, open_only)
        if json_out:
            return render.print_json(rows)
        return render.table(t("整改", "Rectifications"), [t("编号", "number"), t("工程", "project"), t("问题", "problem"),
                                                       t("责任人", "owner"), t("期限", "due"), t("关闭", "closed")],
                            [[r["number"], r["project"], r["content"], r["owner"] or "", r["due"],
                              render.value_text("at", r["closed_at"])] for r in rows])
    if len(args) != 1 or result is None or verified_by is None:
        raise TsmsError(t("用法:tsms rectify 编号 --result 结果 --verified-by 验证人",
                          "usage: tsms rectify NUMBER --result … --verified-by …"))
    r = plan.close_rectification(ledger_file, args[0], result=result, verified_by=verified_by, at=at, by=by)
    _done(r, json_out, t("{n} 已整改,{v} 验证", "{n} closed, verified by {v}", n=r["number"], v=r["verified_by"]))
