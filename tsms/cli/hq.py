"""The site's bundle for head office, and head office's commands (SPEC §9): ``tsms bundle``
at a site; ``tsms hq init | import | status | overdue | report`` over the HQ store."""

import sys
from typing import List, Optional

import typer
from typer.core import TyperGroup
from typing_extensions import Annotated

from tsms import checks, render
from tsms.cli.app import By, Db, Force, Json, Lang, NoColor, app, file_name, open_ledger, whole
from tsms.errors import BAD_INPUT, TsmsError
from tsms.vocab import set_lang, t

hq_app = typer.Typer(cls=TyperGroup, help="总部:汇总各工地账本 / head office: the site ledgers consolidated",
                     no_args_is_help=True)
app.add_typer(hq_app, name="hq")

HqUrl = Annotated[Optional[str], typer.Option(
    "--hq", help="总部库:文件路径、sqlite:///路径 或 postgresql+psycopg://… / the HQ store: a path, sqlite:///PATH or "
                 "postgresql+psycopg://… (else TSMS_HQ, else hq.sqlite3 in the user data dir)")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="以哪天为准 / the day to judge, default today")]
Site = Annotated[Optional[str], typer.Option("--site", help="只看一个工地 / one site (its code)")]
StaleDays = Annotated[int, typer.Option("--stale-days", parser=whole("--stale-days", (0, 3660)),
                                        help="超过多少天未报送算超期 / a site whose last bundle is older is stale "
                                             "(default 35)")]
WithContacts = Annotated[bool, typer.Option("--with-contacts", help="不遮盖联系方式和地址 / contacts and addresses unmasked")]


@app.command()
def bundle(
    dest: Annotated[str, typer.Argument(parser=file_name("DEST"), help="放工地包的文件夹(或 .tsms 文件名) / the folder "
                                                                        "for the bundle (or a .tsms file name)")],
    with_files: Annotated[bool, typer.Option("--with-files", help="带上附件 / include the attachments")] = False,
    force: Force = False,
    db: Db = None, lang: Lang = None, json_out: Json = False,
):
    """给总部的工地包 / a bundle for head office.

    账本快照和清单,名为 工地-事件数-哈希.tsms;自上次以来没有新事件则不写 / a snapshot of the ledger and its manifest, named SITE-NNNNNN-HASH.tsms; nothing new since the last → nothing
    written.

    at the site, e.g. by cron on the 1st of the month:
    0 7 1 * *  TSMS_DB=/srv/tsms/ledger.sqlite3 tsms bundle /srv/outbox/
    """
    from tsms.store import bundle as bundles

    r = bundles.bundle(open_ledger(db, lang), dest, with_files=with_files, force=force)
    if json_out:
        return render.print_json(r)
    if r["written"]:
        render.line(r["bundle"])
    else:
        render.line(t("自上次打包以来没有新事件({p} 已有),未写出", "nothing new since the last bundle ({p} is there); "
                      "nothing written", p=r["bundle"]))


def _hq(given: Optional[str], lang: Optional[str]):
    if lang:
        set_lang(lang)
    from tsms.cli.app import _store_ready

    _store_ready()
    from tsms.hq import store

    return store.open_hq(given)


def _as_of(as_of: Optional[str]):
    from tsms import clock

    return clock.parse_date(as_of, "--as-of") if as_of else clock.today()


@hq_app.command("init")
def hq_init(
    company: Annotated[Optional[str], typer.Option("--company", help="公司名称 / the company's name")] = None,
    hq: HqUrl = None, by: By = None, lang: Lang = None, json_out: Json = False,
):
    """建立或升级总部库(运行迁移) / create or upgrade the HQ store (runs its migrations)."""
    if lang:
        set_lang(lang)
    from tsms import checks, clock
    from tsms.cli.app import _store_ready

    _store_ready()
    from sqlalchemy import insert, update

    from tsms.hq import store, tables

    name = checks.clean(company, "--company", required=True) if company is not None else None
    h = store.Hq(store.resolve_url(hq))
    if name is None and (h.path is not None and not h.path.exists() or store.revision(h) is None):
        raise TsmsError(t("第一次建立总部库要给出 --company 公司名称", "give --company NAME the first time"), BAD_INPUT)
    before, after = store.upgrade(h)
    with h.write() as conn:
        held = store.company(conn)
        if name is None and held is None:
            raise TsmsError(t("第一次建立总部库要给出 --company 公司名称", "give --company NAME the first time"), BAD_INPUT)
        if name is not None and held is None:
            conn.execute(insert(tables.company).values(id=1, name=name, created_at=clock.now()))
        renamed = held if name is not None and held is not None and name != held else None
        if renamed is not None:
            conn.execute(update(tables.company).where(tables.company.c.id == 1).values(name=name))
        held = name or held
    r = {"hq": h.shown, "company": held, "revision": after, "was": before, "renamed_from": renamed}
    if json_out:
        return render.print_json(r)
    render.line(t("总部库 {u}:{c},结构版本 {r}{w}", "HQ store {u}: {c}, revision {r}{w}", u=h.shown, c=held, r=after,
                  w=t("(由 {b} 升级)", " (upgraded from {b})", b=before) if before and before != after
                  else t("(新建)", " (new)") if before is None else ""))
    if renamed is not None:
        render.line(t("公司名称由「{a}」改为「{b}」", "the company's name changed from {a!r} to {b!r}", a=renamed, b=held))


@hq_app.command("import")
def hq_import(
    bundles: Annotated[List[str], typer.Argument(help="工地包 .tsms / the sites' bundles")],
    accept_divergence: Annotated[bool, typer.Option(
        "--accept-divergence", help="接受与总部已有历史不同的工地包(须给 --reason) / accept a bundle that does not extend "
                                    "what head office holds (with --reason)")] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", help="接受的原因 / why")] = None,
    hq: HqUrl = None, by: By = None, lang: Lang = None, json_out: Json = False,
):
    """核验并导入工地包,每个工地包一行;被拒绝的退出码为 3 / verify and load the bundles, one line each; exit 3 when one
    is refused."""
    from tsms import checks

    if accept_divergence and not (reason and reason.strip()):
        raise TsmsError(t("--accept-divergence 要同时给出 --reason 原因", "--accept-divergence needs --reason WHY"))
    if reason is not None and not accept_divergence:
        raise TsmsError(t("--reason 只与 --accept-divergence 一起用", "--reason goes with --accept-divergence"))
    reason = checks.clean(reason, "--reason", required=True) if reason is not None else None
    actor = checks.actor(by)
    h = _hq(hq, lang)
    from tsms.hq import intake
    from tsms.render import hq as views

    paths = intake.check_paths(bundles)
    results, worst = [], 0
    for path in paths:
        try:
            r = intake.run(h, str(path), accept_divergence=accept_divergence, reason=reason, by=actor)
        except TsmsError as exc:
            worst = max(worst, exc.code)
            results.append({"bundle": str(path), "outcome": "refused", "error": exc.message, "code": exc.code})
            sys.stderr.write(f"tsms: {' '.join(exc.message.split())}\n")
            continue
        results.append(r)
        if not json_out:
            render.line(views.import_line(r))
    if json_out:
        render.print_json(results)
    if worst:
        raise typer.Exit(worst)


@hq_app.command("status")
def hq_status(
    stale_days: StaleDays = 35, as_of: AsOf = None, site: Site = None,
    hq: HqUrl = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False,
):
    """每个工地:事件链末尾、打包和导入时间、投诉数;超过 --stale-days 天未报送的标出 / per site: the head, when it was
    bundled and imported, complaints; flags a site whose last bundle is older than --stale-days."""
    h = _hq(hq, lang)
    from tsms.hq import views
    from tsms.render import hq as show

    day = _as_of(as_of)
    with h.read() as conn:
        views.known_site(conn, site)
        rows = views.status(conn, day, stale_days, site)
    if json_out:
        return render.print_json(rows)
    show.status(rows, day.isoformat(), stale_days)


@hq_app.command("overdue")
def hq_overdue(
    site: Site = None, as_of: AsOf = None,
    within: Annotated[int, typer.Option("--within", parser=whole("--within", checks.AHEAD), help="并列出 N 个工作日内到期的(按各工地的日历) / also what falls due in N working days (each site's calendar)")] = 0,
    with_contacts: WithContacts = False,
    hq: HqUrl = None, lang: Lang = None, json_out: Json = False, no_color: NoColor = False,
):
    """各工地的逾期事项(按工地);有逾期时退出码为 1 / what is late across sites, by site: exit 1 when anything is."""
    h = _hq(hq, lang)
    from tsms import clock
    from tsms.hq import views
    from tsms.render import hq as show
    from tsms.render.privacy import masked

    day = _as_of(as_of)
    with h.read() as conn:
        views.known_site(conn, site)
        items = views.overdue(conn, day, site, within, at=clock.moment_on(day))
    if json_out:
        render.print_json(masked(items, with_contacts))
    else:
        show.overdue(masked(items, with_contacts), day.isoformat())
    if any(i["late"] for i in items):
        raise typer.Exit(1)


@hq_app.command("report")
def hq_report(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 / month YYYY-MM (default: last month)")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="年份 / year YYYY")] = None,
    start: Annotated[Optional[str], typer.Option("--from", help="起 / from YYYY-MM-DD")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="止 / to YYYY-MM-DD")] = None,
    site: Site = None, as_of: AsOf = None, stale_days: StaleDays = 35,
    xlsx: Annotated[Optional[str], typer.Option("--xlsx", parser=file_name("--xlsx"), help="写出工作簿 / write the workbook")] = None,
    with_contacts: WithContacts = False, force: Force = False,
    hq: HqUrl = None, lang: Lang = None, json_out: Json = False,
):
    """全公司和各工地的指标(各工地数字之和即全公司数字) / the measures for the company and by site (every company figure is
    the sum of the sites')."""
    from tsms import clock
    from tsms.queries import reports

    h = _hq(hq, lang)
    from tsms.hq import store, views
    from tsms.render.privacy import masked

    day = _as_of(as_of)
    p = reports.period(month, year, start, end, day)
    out = None
    if xlsx:
        from tsms.store import output

        # never over the HQ store's own file (an embedded SQLite store) or its companions
        out = output.target(xlsx, ledger=h.path, force=force, option="--xlsx", suffixes=(".xlsx",))
    with h.read() as conn:
        views.known_site(conn, site)
        r = masked(views.report(conn, p, day, site, stale_days), with_contacts)  # repeat complainants
        r["company_name"] = store.company(conn)
        late = views.late(conn, as_of=day, due_from=p.start, due_to=p.end, met_late=True, site=site,
                          at=clock.moment_on(day)) if out else None
    if out:
        from tsms.render import hqbook
        from tsms.store import output

        with output.writing(out) as fh:
            hqbook.workbook(r, masked(late, with_contacts), fh)
        if json_out:
            return render.print_json({**r, "xlsx": out.shown})
        return render.line(t("已写出 {p}", "wrote {p}", p=out.shown))
    if json_out:
        return render.print_json(r)
    from tsms.render import hq as show

    show.report(r, r["company_name"])
