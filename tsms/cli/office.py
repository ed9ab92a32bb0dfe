"""What head office and cron read: the measures and the monthly workbook, what is late, imports of old ledgers."""

import contextlib
import sys
from pathlib import Path
from typing import Optional

import typer
from typing_extensions import Annotated

from tsms import checks, render
from tsms.cli.app import (By, Db, Force, Json, Lang, NoColor, app, file_name, four_digit_year, open_ledger,
                          output_file, whole)
from tsms.errors import TsmsError
from tsms.vocab import t


@app.command()
def report(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 / month YYYY-MM", show_default="last month; this month to date when last month has no complaint")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="年份 / year YYYY")] = None,
    start: Annotated[Optional[str], typer.Option("--from", help="起 / from YYYY-MM-DD")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="止 / to YYYY-MM-DD")] = None,
    project: Annotated[Optional[str], typer.Option("--project", help="只统计一个工程 / one project")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天为准 / the report date", show_default="today")] = None,
    xlsx: Annotated[Optional[str], typer.Option("--xlsx", parser=file_name("--xlsx"), help="写出月报工作簿 / write the workbook")] = None,
    with_contacts: Annotated[bool, typer.Option("--with-contacts", help="不遮盖联系方式和地址 / contacts and addresses unmasked")] = False,
    force: Force = False,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """统计指标与月报 / the measures, in the terminal or as the monthly workbook."""
    from tsms import clock
    from tsms.queries import reports
    from tsms.render import views
    from tsms.render.privacy import masked

    ledger_file = open_ledger(db, lang)
    today = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    p = reports.period(month, year, start, end, today)
    out = output_file(xlsx, ledger_file, force) if xlsx else None
    r = reports.build(ledger_file, p, project, today)
    if month is None and year is None and start is None and end is None and not r["complaints"]["received"] \
            and today.day > 1:
        empty = p.label
        p = reports.month_to_date(today)
        r = reports.build(ledger_file, p, project, today)
        say = t("上月 {e} 没有投诉,显示本月至今:{a} 至 {b}", "no complaints last month ({e}); showing this month to date: "
                "{a} to {b}", e=empty, a=p.start, b=p.end)
        (sys.stderr.write(say + "\n") if json_out or out else render.line(say))
    if out:
        from tsms.render import xlsx as xlsx_mod
        from tsms.store import output

        with reports.rows(ledger_file, p, project) as source, output.writing(out) as fh:
            xlsx_mod.monthly_workbook(r, source, fh, with_contacts=with_contacts, progress=render.is_terminal())
        if json_out:
            return render.print_json({**masked(r, with_contacts), "xlsx": out.shown})
        return render.line(t("已写出 {p}", "wrote {p}", p=out.shown))
    if json_out:
        return render.print_json(masked(r, with_contacts))
    views.report(masked(r, with_contacts))


@app.command()
def overdue(
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="以哪天为准 / the day to judge", show_default="today")] = None,
    within: Annotated[int, typer.Option("--within", parser=whole("--within", checks.AHEAD), help="并列出 N 个工作日内到期的 / also what falls due in N working days")] = 0,
    notify: Annotated[Optional[str], typer.Option("--notify", help="发送摘要 / send the digest: wecom,dingtalk,email")] = None,
    always: Annotated[bool, typer.Option("--always", help="没有逾期也发送 / send even when nothing is late or due")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将发送的内容 / print what would be sent, send nothing")] = False,
    working_days_only: Annotated[bool, typer.Option("--working-days-only",
                                                    help="休息日什么也不做 / on a rest day do nothing (for a daily cron line)")] = False,
    with_contacts: Annotated[bool, typer.Option("--with-contacts", help="不遮盖投诉人联系方式 / contacts unmasked (never in a notification)")] = False,
    db: Db = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False,
):
    """逾期事项;有逾期时退出码为 1,通知发送失败为 4 / what is late: exit 1 when anything is, 4 when a notification failed.

    cron, every day at 7:30 (tsms skips the official rest days itself and works on make-up workdays):
    30 7 * * *  TSMS_DB=/srv/tsms/ledger.sqlite3 tsms overdue --within 1 --notify wecom,email --working-days-only
    """
    from tsms import clock
    from tsms.queries import obligations as queries
    from tsms.render import views

    channels = None
    if notify is not None:
        from tsms import deliver

        channels = deliver.parse_channels(notify)
    elif always or dry_run:
        raise TsmsError(t("--always 和 --dry-run 要与 --notify 一起用", "--always and --dry-run go with --notify"))
    ledger_file = open_ledger(db, lang)
    day = clock.parse_date(as_of, "--as-of") if as_of else clock.today()
    if working_days_only:
        from tsms.queries.site import is_working_day

        if not is_working_day(ledger_file, day):
            say = t("{d} 是休息日,不检查也不通知", "{d} is a rest day: nothing checked, nothing sent", d=day.isoformat())
            if json_out:  # stdout holds JSON only
                render.print_json([])
                sys.stderr.write(say + "\n")
            else:
                render.line(say)
            raise typer.Exit(0)
    from tsms.render.privacy import masked

    items = queries.overdue(ledger_file, day, within)
    if json_out:
        render.print_json(masked(items, with_contacts))
    else:
        views.overdue(masked(items, with_contacts), day, within)
    failed = _notify(ledger_file, channels, items, day, within, always, dry_run, json_out) if channels else False
    if failed:
        raise typer.Exit(4)
    if any(i["late"] for i in items):
        raise typer.Exit(1)


def _notify(ledger_file, channels: list, items: list, day, within: int, always: bool, dry_run: bool,
            json_out: bool) -> bool:
    """Send the digest on each channel (all are tried); True when one failed. A dry run
    checks the settings and prints what would be sent (to stderr beside --json)."""
    from tsms import deliver
    from tsms.queries.site import read_config
    from tsms.render import digest

    site = read_config(ledger_file)
    # never a complainant or a contact in a chat group or a mail, with --with-contacts or not
    items = [{k: v for k, v in i.items() if k not in ("complainant", "contact")} for i in items]
    d = digest.Digest(f"{site['site_code']} {site['site_name'] or ''}".strip(), day.isoformat(), items, within)
    if not items and not always:
        return False
    settings = deliver.load_config(channels, site["site_code"])
    show = (lambda text: sys.stderr.write(text + "\n")) if json_out else render.line  # noqa: E731
    failed = False
    for channel in channels:
        if channel == "email":
            text, body = digest.plain_text(d), digest.html_text(d)
            shown = [f"--- email: {d.title}\n{text}"]
            send = lambda s: deliver.send_email(s, d.title, text, body)  # noqa: E731
        else:
            messages = digest.markdown_messages(d)
            shown = [f"--- {channel} {n}/{len(messages)}\n{m}" for n, m in enumerate(messages, 1)]
            sender = deliver.send_wecom if channel == "wecom" else deliver.send_dingtalk
            send = lambda s: sender(s, d.title, messages)  # noqa: E731
        try:
            if isinstance(settings[channel], deliver.DeliveryError):
                raise settings[channel]
            if dry_run:
                for text in shown:
                    show(text)
            else:
                send(settings[channel])
        except deliver.DeliveryError as exc:
            failed = True
            sys.stderr.write(t("tsms: 通知失败 {e}", "tsms: notification failed: {e}", e=exc) + "\n")
    return failed


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(parser=file_name("FILE"), help="旧台账 .xlsx 或 .csv / an old ledger, .xlsx or .csv")],
    project: Annotated[Optional[str], typer.Option("--project", help="导入到哪个工程 / the project")] = None,
    year: Annotated[Optional[int], typer.Option("--year", parser=four_digit_year("--year"), help="没写年份的日期(4月25日)所属年份 / the year of dates written without one")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并显示结果,什么也不写 / check and count, write nothing")] = False,
    no_update: Annotated[bool, typer.Option("--no-update", help="已导入过的行改动了也不更新 / leave complaints imported before as they are")] = False,
    update_others: Annotated[bool, typer.Option("--update-others", help="别的文件导入过的同一投诉(同投诉人、时间、内容)也按本文件更新 / update complaints imported from another file that this file's rows are (same complainant, time and content)")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="只导入合格的行,其余存入 rejects 文件 / import the good rows, save the others")] = False,
    rejects: Annotated[Optional[str], typer.Option("--rejects", parser=file_name("--rejects"), help="未导入的行写到哪里 / where the rows not imported go (.xlsx/.csv)")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的 rejects 文件 / overwrite an existing rejects file")] = False,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="只导入这个工作表(默认:每个有表头的工作表) / import this sheet only (default: every sheet with a header)")] = None,
    by: By = None, db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """导入原有的 Excel/CSV 台账:先显示列的对应,检查每一行,要么全部写入,要么都不写;再次导入改正后的文件会更新 /
    import an old ledger: the columns mapped are shown first, every row is checked, all or nothing; importing the
    corrected file again updates."""
    from tsms.operations import intake

    def save_rejects(fh, suffix: str, rejected: dict) -> None:
        from tsms.render import xlsx as xlsx_mod

        xlsx_mod.rejects_file(fh, suffix, rejected)

    def mapping(book) -> None:  # before anything is written
        if not json_out:
            for table in book.tables:
                _mapping(table)
            for name, why in book.skipped:
                render.line(t("工作表「{s}」:不导入({w})", "sheet {s!r}: not imported ({w})", s=name, w=why))

    r = intake.run(open_ledger(db, lang), file, project, skip_invalid=skip_invalid, rejects=rejects, force=force,
                   save_rejects=save_rejects, by=by, year=year, dry_run=dry_run, update=not no_update, adopt=update_others,
                   on_table=mapping, progress=_bar if render.is_terminal() and not json_out else None, sheet=sheet)
    if json_out:
        render.print_json(r)
    else:
        if r["errors"] and not skip_invalid:
            render.table(t("有问题的行", "Rows with problems"), [t("行", "row"), t("列", "column"), t("值", "value"),
                                                             t("原因", "reason")],
                         [[_row(e), e["column"], e["value"] or "", e["reason"]] for e in r["errors"]])
        if r["rows"] and (not (r["errors"] and not skip_invalid) or dry_run):
            render.line(_summary(r))
        if not r["rows"]:
            render.line(t("{f} 的表头下没有数据行,什么也没有导入", "{f} has no data rows under its header; nothing was "
                          "imported", f=Path(r["file"]).name))
        for change in r["changes"]:
            render.line(t("{r} → {n}:{c}", "{r} → {n}: {c}", r=_where(change), n=change["number"],
                          c=t(";", "; ").join(_change(f, ch) for f, ch in change["changes"].items())
                          or t("行号改变", "row number changed")))
        for known in r["known"]:
            render.line(t("{r}:已在账本中(来自 {s}),即 {n},未更新", "{r}: already in the ledger (from {s}) "
                          "as {n}, not updated", r=_where(known), s=known["source"], n=known["number"]))
        if r["known"]:
            render.line(t("要按本文件更新别的文件导入的这些投诉,加 --update-others",
                          "to update those imported from another file by this one, add --update-others"))
        for kept in r["kept"]:
            render.line(t("{r}:{n} 导入后已在 tsms 中办理,以账本为准,未更新", "{r}: {n} was handled in tsms since "
                          "it was imported; the ledger's record stands, not updated", r=_where(kept), n=kept["number"]))
    if r["errors"] and not skip_invalid:
        raise TsmsError(t("{b} 行有问题,什么也没有写入;改正后重试,或加 --skip-invalid",
                          "{b} rows have problems; nothing was written: correct them, or add --skip-invalid",
                          b=r["invalid"]))


def _summary(r: dict) -> str:
    would = t("(试运行,未写入)将", "(dry run, nothing written) would be: ") if r["dry_run"] else ""
    text = would + t("新导入 {n} 件,更新 {u} 件,未变 {k} 件,不合格 {b} 行",
                     "new {n}, updated {u}, unchanged {k}, invalid rows {b}",
                     n=r["imported"], u=r["updated"], k=r["unchanged"], b=r["invalid"])
    if r["not_updated"]:
        text += t(",改动未更新 {x} 件(--no-update)", ", changed but not updated {x} (--no-update)", x=r["not_updated"])
    if r["known"]:
        text += t(",已在账本中(来自别的文件){x} 件", ", already in the ledger from another file {x}", x=len(r["known"]))
    if r["kept"]:
        text += t(",已在 tsms 办理未更新 {x} 件", ", handled in tsms, not updated {x}", x=len(r["kept"]))
    if r["totals"]:
        text += t(",跳过合计行 {x} 行(第 {n} 行)", ", total rows skipped {x} (row {n})", x=r["totals"],
                  n=t("、", ", ").join(map(str, r["total_rows"])))
    if r["rejects"]:
        text += t(";未导入的行见 {p}", "; rejected rows in {p}", p=r["rejects"])
    return text


def _where(item: dict) -> str:
    from tsms.operations.intake import where

    return where(item["row"], item.get("sheet"))


def _row(error: dict) -> str:
    return f"{error['sheet']}!{error['row']}" if error.get("sheet") else str(error["row"])


def _change(name: str, change: dict) -> str:
    """「投诉人 乙 → 丙」: a field a re-import changes, before and after."""
    def shown(value):
        return render.value_text(name, value) or "—"

    own = {"source_ref": t("原编号/序号", "old number/serial"),
           "received_time_known": t("投诉时间含时刻", "time of receipt known")}
    return f"{own.get(name) or render.label(name)} {shown(change['from'])} → {shown(change['to'])}"


def _mapping(table) -> None:
    """Which source column fills which field, and which are ignored (and why)."""
    rows = []
    for m in table.mapping():
        target = m["field_label"] + f" ({m['field']})" if m["field"] else t("(不导入:{w})", "(ignored: {w})", w=m["ignored"])
        rows.append([m["column"], m["label"] or "", target])
    render.line(t("{w}表头在第 {h} 行,其下 {n} 行", "{w}header on row {h}, {n} rows below it",
                  w=t("工作表「{s}」:", "sheet {s!r}: ", s=table.sheet) if table.sheet else "",
                  h=t("、", ", ").join(str(n) for n in table.header_lines), n=len(table.rows) + len(table.totals)))
    for d in table.defaults():
        rows.append(["", t("(未给出)", "(not given)"), t("{f}:按 {v}", "{f}: taken as {v}", f=d["field_label"], v=d["value"])])
    render.table(t("列的对应", "Columns"), [t("列", "column"), t("表头", "header"), t("导入为", "imported as")], rows)


@contextlib.contextmanager
def _bar(label: str, total: int | None):
    """A progress bar on the terminal for a long file (none for a short one, none on a pipe);
    ``total`` None: not known (a sheet that does not say its size)."""
    if total is not None and total < 500:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)
