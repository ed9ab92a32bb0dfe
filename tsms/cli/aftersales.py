"""After-sales commands: completion, warranty, claims, retention money, the revisit plan, notices, rectifications, attachments."""

from typing import List, Optional

import typer
from typing_extensions import Annotated

from tsms import checks, render
from tsms.cli.app import (By, Db, Force, Json, Lang, NoColor,
                          Number, done, file_name, four_digit_year, open_ledger,
                          output_file, app, project_app, whole)
from tsms.errors import TsmsError
from tsms.vocab import WarrantyPart, t


@project_app.command("complete")
def project_complete(code: Annotated[str, typer.Argument(help="工程代码 / project code")],
                     day: Annotated[str, typer.Argument(help="竣工验收合格日期 / completion acceptance YYYY-MM-DD")],
                     report: Annotated[Optional[str], typer.Option("--report", help="竣工验收报告提交日期 / the completion report's date")] = None,
                     client_delay: Annotated[bool, typer.Option("--client-delay", help="因建设单位原因验收延误 / acceptance late through the client (138号 第八条)")] = False,
                     db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """记录竣工验收,建立各部位保修项 / record completion acceptance; creates the warranty items."""
    ledger_file = open_ledger(db, lang)
    from tsms import clock
    from tsms.operations import warranty

    r = warranty.complete(ledger_file, code, clock.parse_date(day, "DATE"), by,
                          report=clock.parse_date(report, "--report") if report else None, client_delay=client_delay)
    done(r, json_out, t("{c} 竣工验收 {d},已建立 {n} 个保修项", "{c} completed {d}; {n} warranty items",
                         c=r["project"], d=r["completed_on"], n=r["items"]))


@app.command("warranty")
def warranty_cmd(
    args: Annotated[List[str], typer.Argument(help="CODE | set CODE PART")],
    years: Annotated[Optional[int], typer.Option("--years", parser=whole("--years", checks.TERM_YEARS), help="约定年限 / contract term in years")] = None,
    seasons: Annotated[Optional[int], typer.Option("--seasons", parser=whole("--seasons", checks.TERM_SEASONS), help="约定采暖/供冷期数 / heating or cooling periods")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="合同依据 / the contract clause")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天判断状态 / the day to judge")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """保修期:`warranty P02` 各部位期限;`warranty set P02 waterproofing --years 8` 按合同延长."""
    from tsms import clock
    from tsms.operations import warranty
    from tsms.queries import aftersales
    from tsms.render import views

    ledger_file = open_ledger(db, lang)
    if args and args[0] == "set":
        if len(args) != 3:
            raise TsmsError(t("用法:tsms warranty set 工程 部位 --years N", "usage: tsms warranty set CODE PART --years N"))
        r = warranty.set_term(ledger_file, args[1], args[2], years=years, seasons=seasons, note=note, by=by)
        return done(r, json_out, t("{p}:{t},至 {e}", "{p}: {t}, to {e}", p=WarrantyPart(r["part"]).label, t=r["period"],
                                   e=r["expires"]))
    if len(args) != 1:
        raise TsmsError(t("用法:tsms warranty 工程", "usage: tsms warranty CODE"))
    r = aftersales.warranty_items(ledger_file, args[0], clock.parse_date(as_of, "--as-of") if as_of else None)
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
    project: Annotated[Optional[str], typer.Option("--project", help="工程代码 / project code")] = None,
    part: Annotated[Optional[str], typer.Option("--part", help="保修部位 / part: structure, waterproofing, heating, …")] = None,
    content: Annotated[Optional[str], typer.Option("--content", help="问题描述 / the problem")] = None,
    location: Annotated[Optional[str], typer.Option("--location", help="位置,如 5号楼1201卫生间 / where, e.g. a flat's bathroom")] = None,
    complainant: Annotated[Optional[str], typer.Option("--from", help="报修人 / who reported it")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="联系方式 / contact")] = None,
    emergency: Annotated[bool, typer.Option("--emergency", help="危及结构安全或严重影响使用:立即抢修 / an emergency: repair at once")] = False,
    at: Annotated[Optional[str], typer.Option("--at", help="报修时间 / when reported", show_default="now")] = None,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False,
):
    """登记保修通知 / log a warranty claim (notice)."""
    if context.invoked_subcommand is not None:
        return
    if part is None or content is None:
        raise TsmsError(t("登记保修单需要 --part 和 --content", "a claim needs --part and --content"))
    from tsms.operations import claims

    r = claims.log_claim(open_ledger(db, lang), project=project, part=part, content=content, location=location,
                         complainant=complainant, contact=contact, emergency=emergency, at=at, by=by)
    if json_out:
        return render.print_json(r)
    render.line(r["number"])
    render.line(t("查验期限 {d}", "inspect by {d}", d=r["inspect_due"])
                + ("" if r["in_warranty"] else t(";已过保修期,按有偿服务处理", "; out of warranty: paid service")))


@claim_app.command("inspect")
def claim_inspect(number: Annotated[str, typer.Argument(help="保修单编号 / claim number, e.g. P02-2026-W001")],
                  cause: Annotated[str, typer.Option("--cause", help="construction/施工质量, misuse/使用不当, third_party, force_majeure, other")],
                  note: Annotated[Optional[str], typer.Option("--note")] = None,
                  at: Annotated[Optional[str], typer.Option("--at")] = None,
                  db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """现场查验并认定原因 / inspect on site and decide the cause."""
    from tsms.operations import claims

    r = claims.inspect(open_ledger(db, lang), number, cause=cause, note=note, at=at, by=by)
    done(r, json_out, t("{n} 已查验", "{n} inspected", n=r["number"])
          + (t(";按有偿服务处理", "; paid service") if r["paid"] else ""))


@claim_app.command("repair")
def claim_repair(number: Annotated[str, typer.Argument(help="保修单编号 / claim number, e.g. P02-2026-W001")],
                 result: Annotated[str, typer.Option("--result", help="维修结果 / the repair")],
                 at: Annotated[Optional[str], typer.Option("--at")] = None,
                 db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """维修完毕 / record the repair."""
    from tsms.operations import claims

    r = claims.repair(open_ledger(db, lang), number, result=result, at=at, by=by)
    done(r, json_out, t("{n} 已维修", "{n} repaired", n=r["number"]))


@claim_app.command("accept")
def claim_accept(number: Annotated[str, typer.Argument(help="保修单编号 / claim number, e.g. P02-2026-W001")],
                 at: Annotated[Optional[str], typer.Option("--at")] = None,
                 db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """建设单位或业主验收,记入保修记录 / acceptance by the client or owner (--by)."""
    from tsms.operations import claims

    r = claims.accept(open_ledger(db, lang), number, at=at, by=by)
    done(r, json_out, t("{n} 已由 {b} 验收", "{n} accepted by {b}", n=r["number"], b=r["accepted_by"]))


@claim_app.command("list")
def claim_list(project: Annotated[Optional[str], typer.Option("--project")] = None,
               with_contacts: Annotated[bool, typer.Option("--with-contacts", help="不遮盖联系方式 / contacts unmasked")] = False,
               db: Db = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False):
    """保修单列表 / warranty claims."""
    from tsms.queries import aftersales
    from tsms.render.privacy import masked
    from tsms.vocab import ClaimState, WarrantyPart

    rows = masked(aftersales.list_claims(open_ledger(db, lang), project), with_contacts)
    if json_out:
        return render.print_json(rows)
    render.table(t("保修单", "Warranty claims"), [t("编号", "number"), t("部位", "part"), t("报修时间", "received"),
                                               t("查验期限", "inspect by"), t("状态", "status"), t("有偿", "paid"), t("内容", "content")],
                 [[r["number"], WarrantyPart(r["part"]).label, render.value_text("at", r["received_at"]), r["inspect_due"],
                   ClaimState(r["status"]).label, t("是", "yes") if r["paid"] else "", r["content"]] for r in rows],
                 kinds=[render.KEEP, render.WORDS, render.WORDS, render.KEEP, render.WORDS, render.KEEP, render.CUT])


@claim_app.command("show")
def claim_show(number: Annotated[str, typer.Argument(help="保修单编号 / claim number, e.g. P02-2026-W001")],
               db: Db = None, lang: Lang = None, json_out: Json = False):
    """一张保修单 / one warranty claim."""
    from tsms.queries import aftersales

    from tsms.render import views

    r = aftersales.show_claim(open_ledger(db, lang), number)
    if json_out:
        return render.print_json(r)
    views.claim(r)


@app.command("retention")
def retention_cmd(code: Annotated[str, typer.Argument(help="工程代码 / project code")],
                  action: Annotated[Optional[str], typer.Argument(help="apply | verify | remind | return")] = None,
                  at: Annotated[Optional[str], typer.Option("--at")] = None,
                  db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """质保金:缺陷责任期满后申请返还、14 天核实、逾期未答复催告、返还 / retention money (建质〔2017〕138号)."""
    from tsms.queries import aftersales

    ledger_file = open_ledger(db, lang)
    if action is not None:
        from tsms.operations import claims

        claims.retention(ledger_file, code, action, at, by)
    r = aftersales.retention(ledger_file, code)
    if json_out:
        return render.print_json(r)
    render.pairs(t("质保金 {c}", "Retention money {c}", c=r["project"]),
                 [(t("金额(元)", "amount"), str(r["amount"])),
                  (t("结算总额 / 3% 上限", "contract sum / 3 % cap"),
                   f"{r['contract_sum']} / {r['cap']}" if r["contract_sum"] is not None else ""),
                  (t("缺陷责任期(年)", "liability period (years)"), f"{r['liability_years']}"),
                  (t("起算", "from"), r["liability_from"]), (t("期满", "ends"), r["liability_ends"]),
                  (t("申请返还", "applied"), render.value_text("at", r["applied_at"])),
                  (t("核实期限", "verify by"), r["verify_due"] or ""),
                  (t("已核实", "verified"), render.value_text("at", r["verified_at"])),
                  (t("催告", "reminded"), render.value_text("at", r["reminded_at"])),
                  (t("视同认可", "deemed approved"), r["deemed_approved_on"] or ""),
                  (t("返还期限", "return by"), r["return_due"] or ""),
                  (t("已返还", "returned"), render.value_text("at", r["returned_at"]))])


@app.command("plan")
def plan_cmd(
    year: Annotated[int, typer.Argument(parser=four_digit_year("YEAR"), help="计划年度 / the plan's year, e.g. 2027")],
    draft: Annotated[bool, typer.Option("--draft", help="按账本重新编制草稿 / re-draft the plan from the ledger")] = False,
    approve: Annotated[bool, typer.Option("--approve", help="批准(--by 总经理) / approve")] = False,
    redraft: Annotated[bool, typer.Option("--redraft", help="已批准的计划也重新编制 / re-draft an approved plan")] = False,
    xlsx: Annotated[Optional[str], typer.Option("--xlsx", parser=file_name("--xlsx"), help="写出回访计划表 / write the plan document")] = None,
    edit: Annotated[Optional[int], typer.Option("--edit", parser=whole("--edit", checks.PLAN_ITEM), help="修改第 N 项 / change item N")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="与 --edit:新日期 / with --edit: the new date")] = None,
    method: Annotated[Optional[str], typer.Option("--method", help="与 --edit:回访方式 / with --edit: the method")] = None,
    staff: Annotated[Optional[str], typer.Option("--staff", help="与 --edit:人员安排 / with --edit: the staff")] = None,
    at: Annotated[Optional[str], typer.Option("--at")] = None,
    force: Force = False,
    db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False, no_color: NoColor = False,
):
    """年度回访计划:`plan 2027` 显示(尚无计划时编制草稿),`--draft` 重新编制,`--approve` 批准,`--xlsx` 导出 /
    the yearly revisit plan: shown (drafted first when there is none), re-drafted, approved, exported."""
    from tsms import clock
    from tsms.operations import plan
    from tsms.queries import aftersales
    from tsms.render import views

    ledger_file = open_ledger(db, lang)
    if edit is not None:
        r = plan.edit_item(ledger_file, edit, date=clock.parse_date(date, "--date") if date else None,
                           method=method, staff=staff, by=by)
        return done(r, json_out, t("第 {i} 项:{d} {p}", "item {i}: {d} {p}", i=r["id"], d=r["date"], p=r["project"]))
    if approve:
        r = plan.approve(ledger_file, year, by=by, at=at)
        if r.get("amendment"):
            return done(r, json_out, t("{y} 年回访计划增补 {n} 已由 {b} 批准", "amendment {n} of the {y} plan approved by {b}",
                                       y=year, n=r["amendment"], b=r["approved_by"]))
        return done(r, json_out, t("{y} 年回访计划已由 {b} 批准", "the {y} plan approved by {b}", y=year, b=r["approved_by"]))
    if xlsx:
        from tsms.queries.site import site_name
        from tsms.render import xlsx as xlsx_mod
        from tsms.store import output

        out = output_file(xlsx, ledger_file, force)
        r = aftersales.plan(ledger_file, year)
        if r is None:
            raise TsmsError(t("{y} 年的回访计划尚未编制;先运行 tsms plan {y}", "no plan for {y} yet; run tsms plan {y}", y=year))
        with output.writing(out) as fh:
            xlsx_mod.plan_document(r, site_name(ledger_file), fh)
        return done({"year": year, "xlsx": out.shown}, json_out, t("已写出 {p}", "wrote {p}", p=out.shown))
    # showing reads; drafting is a write: asked for, or the first look at a year with no plan
    if draft or redraft or aftersales.plan(ledger_file, year) is None:
        drafted = plan.draft(ledger_file, year, approved_too=redraft, by=by)
        if drafted["amendment"] and not json_out:
            render.line(t("已批准的计划不改动;新增 {k} 项列为增补 {n},待批准(plan {y} --approve)",
                          "the approved plan is kept; {k} new items form amendment {n}, awaiting approval "
                          "(plan {y} --approve)", k=drafted["added"], n=drafted["amendment"], y=year))
    r = aftersales.plan(ledger_file, year)
    if json_out:
        return render.print_json(r)
    views.plan(r)


@app.command()
def notify(item: Annotated[int, typer.Argument(parser=whole("ITEM", checks.PLAN_ITEM), help="回访计划项 / plan item")],
           at: Annotated[Optional[str], typer.Option("--at")] = None,
           db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """记录已通知顾客单位 / record that the client was told of a planned revisit."""
    from tsms.operations import plan

    r = plan.notify(open_ledger(db, lang), item, at=at, by=by)
    done(r, json_out, t("第 {i} 项已通知({p} {d})", "item {i} notified ({p} {d})", i=r["id"], p=r["project"], d=r["date"]))


@app.command()
def rectify(args: Annotated[List[str], typer.Argument(help="list | NUMBER")],
            result: Annotated[Optional[str], typer.Option("--result", help="整改结果 / the result")] = None,
            verified_by: Annotated[Optional[str], typer.Option("--verified-by", help="验证人 / verified by")] = None,
            open_only: Annotated[bool, typer.Option("--open", help="只列未关闭的 / open ones only")] = False,
            at: Annotated[Optional[str], typer.Option("--at")] = None,
            db: Db = None, lang: Lang = None, by: By = None, json_out: Json = False):
    """整改:`rectify list`,`rectify 编号 --result … --verified-by …` 关闭 / rectifications."""
    from tsms.operations import plan

    ledger_file = open_ledger(db, lang)
    if args == ["list"]:
        from tsms.queries import aftersales

        rows = aftersales.rectifications(ledger_file, open_only)
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
    done(r, json_out, t("{n} 已整改,{v} 验证", "{n} closed, verified by {v}", n=r["number"], v=r["verified_by"]))


@app.command()
def attach(number: Number, files: Annotated[List[str], typer.Argument(parser=file_name("FILE"), help="文件 / files (photos, scans)")],
           by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False):
    """附加照片等文件 / attach photos or scans to a complaint."""
    from tsms.operations import files as files_mod

    r = files_mod.attach(open_ledger(db, lang), number, files, by)
    if json_out:
        return render.print_json(r)
    for f in r:
        render.line(t("{n} 已附加 {f}({s} 字节)", "{n}: attached {f} ({s} bytes)", n=f["number"], f=f["name"], s=f["size"]))
