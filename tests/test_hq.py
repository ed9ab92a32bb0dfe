"""Head office (SPEC §9): bundles made at three demo sites, verified and consolidated into the
HQ store — on SQLite and, when TSMS_TEST_PG names a PostgreSQL server (CI always does, .ci/run),
on PostgreSQL too: every test that takes ``hq`` runs on both."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from conftest import copy_ledger, shell, tsms, tsms_json

NOW = "2026-11-23 18:00"
AS_OF = "2026-11-23"
SITES = {"SH01": "上海某新建工程项目部", "BJ02": "北京某住宅工程项目部", "GZ03": "广州某市政工程项目部"}
UNLOCK_EVENTS = "DROP TRIGGER event_append_only_update;\nDROP TRIGGER event_append_only_delete;\n"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def demo_sites(tmp_path_factory):
    """Three demo sites with different codes (built once), each a little different from the
    others, and each one's bundle."""
    from tsms.operations import demo

    folder = tmp_path_factory.mktemp("sites")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TSMS_NOW", NOW)
        mp.setenv("TSMS_USER", "资料员")
        mp.delenv("TSMS_HQ", raising=False)
        import datetime as dt

        for code, name in SITES.items():
            path = folder / f"{code}.sqlite3"
            demo.build(str(path), dt.date(2026, 11, 23), code, name)
        # BJ02: one more complaint, resolved and revisited; GZ03: one more, rejected
        db = ["--db", folder / "BJ02.sqlite3"]
        n = tsms(*db, "log", "--project", "P01", "--channel", "phone", "--category", "dust", "--from", "马先生",
                 "--contact", "13911112222", "--content", "扬尘", "--at", "2026-11-16 09:00").stdout.strip()
        tsms(*db, "assign", n, "--to", "张三", "--at", "2026-11-16 10:00")
        tsms(*db, "resolve", n, "--result", "洒水降尘", "--at", "2026-11-17 10:00")
        tsms(*db, "revisit", n, "--method", "phone", "--satisfaction", "unsatisfied", "--at", "2026-11-18 10:00")
        # BJ02: 马先生 rings again (a repeat complainant within the site)
        tsms(*db, "log", "--project", "P01", "--channel", "phone", "--category", "dust", "--from", "马先生",
             "--contact", "13911112222", "--content", "又起扬尘", "--at", "2026-11-19 09:00")
        # BJ02: an urgent complaint, to be handled within 24 hours of acceptance (due 11-23 10:30)
        n = tsms(*db, "log", "--project", "P01", "--channel", "phone", "--category", "safety", "--urgency", "urgent",
                 "--from", "周先生", "--content", "塔吊吊物掠过小区上空", "--at", "2026-11-22 10:00").stdout.strip()
        tsms(*db, "accept", n, "--at", "2026-11-22 10:30")
        db = ["--db", folder / "GZ03.sqlite3"]
        # GZ03: a Saturday made a working day in its own calendar (head office counts its days with it)
        tsms(*db, "calendar", "set", "2026-11-14", "workday", "--note", "测试调休")
        n = tsms(*db, "log", "--project", "P02", "--channel", "visit", "--category", "other", "--from", "林女士",
                 "--content", "与本工地无关", "--at", "2026-11-20 09:00").stdout.strip()
        tsms(*db, "reject", n, "--reason", "不属本工地", "--at", "2026-11-20 09:30")
        out = folder / "outbox"
        out.mkdir()
        bundles = {}
        for code in SITES:
            bundles[code] = Path(tsms("--db", folder / f"{code}.sqlite3", "bundle", out).stdout.strip())
    return {"folder": folder, "bundles": bundles}


@pytest.fixture(scope="session")
def pg_server():
    return os.environ.get("TSMS_TEST_PG")


@pytest.fixture(params=["sqlite", "postgresql"])
def hq(request, tmp_path, monkeypatch, pg_server):
    """An empty HQ store's URL (TSMS_HQ set to it): a SQLite file, or a fresh PostgreSQL
    database on the TSMS_TEST_PG server (skipped without one)."""
    monkeypatch.setenv("TSMS_NOW", NOW)
    monkeypatch.setenv("TSMS_USER", "总部审核员")
    monkeypatch.setenv("TSMS_DB", str(tmp_path / "no-ledger.sqlite3"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
        monkeypatch.setenv("TSMS_HQ", url)
        yield url
        return
    if not pg_server:
        pytest.skip("TSMS_TEST_PG is not set (.ci/run sets it)")
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(pg_server).set(drivername="postgresql")
    name = f"tsms_hq_{uuid.uuid4().hex[:12]}"
    admin = server.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    url = server.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("TSMS_HQ", url)
    yield url
    from sqlalchemy import create_engine

    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    create_engine  # noqa: B018  (kept imported for the dump helper's engines)


def hq_dump(url: str) -> dict:
    """Every row of every HQ table, ordered: the store's whole content."""
    from sqlalchemy import create_engine, select

    from tsms.hq import tables

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for name, t in tables.metadata.tables.items()}
    finally:
        engine.dispose()


def init(company="某建设工程有限公司"):
    return tsms("hq", "init", "--company", company)


def site_copy(demo_sites, code, tmp_path) -> Path:
    """A copy of a demo site's ledger to change."""
    target = tmp_path / f"{code}-copy.sqlite3"
    copy_ledger(demo_sites["folder"] / f"{code}.sqlite3", target)
    return target


def bundle_of(ledger: Path, folder: Path, *args) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(tsms("--db", ledger, "bundle", folder, *args).stdout.strip())


def refused_import(url, *args, naming=()):
    before = hq_dump(url)
    r = tsms("hq", "import", *args, ok=False)
    assert r.exit_code == 3, (r.exit_code, r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr + r.stdout, r.stderr
    for word in naming:
        assert word in r.stderr, (word, r.stderr)
    assert hq_dump(url) == before
    return r.stderr


# --------------------------------------------------------------------------- the site's side


def test_bundle_is_named_by_the_head_and_written_once(demo_sites, tmp_path, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", NOW)
    ledger = site_copy(demo_sites, "SH01", tmp_path)
    head = tsms_json("--db", ledger, "check")["head"]
    n, _, digest = head.partition(":")
    path = bundle_of(ledger, tmp_path / "out")
    assert path.name == f"SH01-{int(n):06d}-{digest[:8]}.tsms"
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert sorted(zf.namelist()) == ["ledger.sqlite3", "manifest.json"]
    assert manifest["site_code"] == "SH01" and manifest["site_name"] == SITES["SH01"]
    assert manifest["head"] == head and manifest["events"] == int(n) and manifest["format_version"] == 1
    assert manifest["schema_version"] > 0 and manifest["tsms_version"] and len(manifest["sha256"]) == 64
    before = path.read_bytes()
    r = tsms("--db", ledger, "bundle", tmp_path / "out")  # nothing new since: nothing written
    assert r.exit_code == 0 and "没有新事件" in r.stdout and path.read_bytes() == before
    assert len(list((tmp_path / "out").iterdir())) == 1


def test_a_database_url_as_a_site_ledger_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for value in ("postgresql://tsms@db.example.internal/tsms", "sqlite:///x.sqlite3"):
        r = tsms("--db", value, "list", ok=False)
        assert r.exit_code == 2 and "SQLite 文件" in r.stderr and "TSMS_HQ" in r.stderr, r.stderr
        monkeypatch.setenv("TSMS_DB", value)
        r = tsms("list", ok=False)
        assert r.exit_code == 2 and "TSMS_DB" in r.stderr
        monkeypatch.delenv("TSMS_DB")
    r = tsms("demo", "--db", "postgresql://tsms@db.example.internal/tsms", ok=False)
    assert r.exit_code == 2 and "SQLite 文件" in r.stderr
    assert list(tmp_path.iterdir()) == []  # no file named after the URL


def test_the_demo_makes_another_sites_ledger_with_site(tmp_path, monkeypatch):
    """`tsms demo --site CODE` (README, head office): three demo sites that head office can
    tell apart; a code init would refuse is refused before the old demo file is touched."""
    monkeypatch.setenv("TSMS_NOW", NOW)
    monkeypatch.setenv("TSMS_DB", str(tmp_path / "no-ledger.sqlite3"))
    names = set()
    for code in ("SH01", "bj02", "GZ03"):
        ledger = tmp_path / f"{code.upper()}.sqlite3"
        tsms("demo", "--db", ledger, "--site", code, *(["--name", "广州某市政工程项目部"] if code == "GZ03" else []))
        names.add(bundle_of(ledger, tmp_path / "out").name[:5])
    assert names == {"SH01-", "BJ02-", "GZ03-"}
    site = tsms_json("--db", tmp_path / "GZ03.sqlite3", "list")
    assert all(row["number"].startswith("GZ03-") for row in site)
    before = (tmp_path / "BJ02.sqlite3").read_bytes()
    for bad in ("B J", "", "十二"):
        r = tsms("demo", "--db", tmp_path / "BJ02.sqlite3", "--site", bad, ok=False)
        assert r.exit_code == 2 and "--site" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert (tmp_path / "BJ02.sqlite3").read_bytes() == before


# --------------------------------------------------------------------------- head office


def test_init_runs_the_migrations_and_names_the_company(hq):
    r = tsms("hq", "init", ok=False)  # the first time needs the company
    assert r.exit_code == 2 and "--company" in r.stderr
    assert tsms("hq", "status", ok=False).exit_code == 3  # not made yet
    from tsms.hq import store

    assert store.REVISION in init().stdout
    assert tsms_json("hq", "init")["company"] == "某建设工程有限公司"  # again: nothing to do
    r = tsms("hq", "init", "--company", "某建设集团有限公司")  # a new name: said, not done silently
    assert "由「某建设工程有限公司」改为「某建设集团有限公司」" in r.stdout
    assert tsms_json("hq", "init", "--company", "某建设集团有限公司")["renamed_from"] is None
    from sqlalchemy import create_engine, inspect

    from tsms.hq import tables

    engine = create_engine(hq)
    try:
        found = inspect(engine)
        for name, table in tables.metadata.tables.items():  # Alembic's history builds tables.py's tables
            assert {c["name"] for c in found.get_columns(name)} == set(table.columns.keys()), name
            assert set(found.get_pk_constraint(name)["constrained_columns"]) == {c.name for c in table.primary_key}
            assert {(i["name"], tuple(i["column_names"])) for i in found.get_indexes(name)} == \
                   {(i.name, tuple(c.name for c in i.columns)) for i in table.indexes}, name
    finally:
        engine.dispose()


def test_a_store_made_by_an_earlier_tsms_is_upgraded_by_init_and_refused_before(hq, demo_sites):
    """A store at 0001 (before the site schema's import columns): daily commands ask for
    `hq init`, which brings it to the head; a bundle imported then keeps the import columns."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from tsms.hq import store

    engine = create_engine(hq)
    try:
        with engine.begin() as conn:
            command.upgrade(store._alembic_config(conn), "0001")
        r = tsms("hq", "status", ok=False)
        assert r.exit_code == 3 and "hq init" in r.stderr
        assert "0001" in init().stdout and store.REVISION in tsms("hq", "init").stdout
        columns = {c["name"] for c in inspect(engine).get_columns("site_complaint")}
        assert {"import_source", "import_row"} <= columns
    finally:
        engine.dispose()
    assert tsms("hq", "import", *demo_sites["bundles"].values()).exit_code == 0


def test_the_revision_tsms_expects_is_the_head_of_the_alembic_history():
    from tsms.hq import store

    assert store.REVISION == store.head_revision()


def test_three_sites_imported_and_the_company_report_is_the_sum_of_theirs(hq, demo_sites):
    init()
    r = tsms("hq", "import", *demo_sites["bundles"].values())
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and all("已导入" in x for x in lines)
    for period in (["--month", "2026-11"], ["--year", "2026"]):
        company = tsms_json("hq", "report", *period, "--as-of", AS_OF)
        by_site = {s["site"]: s for s in company["sites"]}
        assert set(by_site) == set(SITES)
        totals = {}
        for code in SITES:
            own = tsms_json("--db", demo_sites["folder"] / f"{code}.sqlite3", "report", *period, "--as-of", AS_OF)
            mine = by_site[code]
            assert mine["complaints"] == own["complaints"]
            for key in ("handling_rate", "revisit_rate", "on_time_revisit_rate", "satisfaction_rate"):
                assert (mine[key]["numerator"], mine[key]["denominator"]) == \
                       (own[key]["numerator"], own[key]["denominator"]), (code, key)
                n, d = totals.get(key, (0, 0))
                totals[key] = (n + own[key]["numerator"], d + own[key]["denominator"])
            assert mine["late_steps"] == own["late_steps"]
            assert mine["revisit_rate"]["not_yet_due"] == len(own["revisit_rate"]["not_yet_due"])
            for key in ("by_category", "by_channel", "by_urgency"):
                assert mine[key] == own[key]
            assert mine["warranty_claims"] == own["warranty_claims"]
            assert mine["plan_execution"] == own["plan_execution"]
            # counted in working days with the site's own calendar, and the repeat callers within it
            assert mine["days_to_resolve"] == own["days_to_resolve"], code
            assert [{k: v for k, v in x.items() if k != "site"} for x in mine["repeat_complainants"]] == \
                   own["repeat_complainants"], code
            totals["resolved"] = totals.get("resolved", 0) + own["days_to_resolve"]["count"]
            totals["repeats"] = totals.get("repeats", 0) + len(own["repeat_complainants"])
            totals["received"] = totals.get("received", 0) + own["complaints"]["received"]
            totals["late"] = totals.get("late", 0) + own["late_steps"]
        for key in ("handling_rate", "revisit_rate", "on_time_revisit_rate", "satisfaction_rate"):
            got = company["company"][key]
            assert (got["numerator"], got["denominator"]) == totals[key], key
        assert company["company"]["complaints"]["received"] == totals["received"]
        assert company["company"]["late_steps"] == totals["late"]
        assert company["company"]["days_to_resolve"]["count"] == totals["resolved"] > 0
        assert len(company["company"]["repeat_complainants"]) == totals["repeats"] > 0
        assert all("****" in x.get("contact") or "" for x in company["company"]["repeat_complainants"]
                   if x["by"] == "person" and x.get("contact"))
    # each site's calendar went with its bundle: GZ03's make-up Saturday is a working day there only
    import datetime as dt

    from sqlalchemy import create_engine

    from tsms.hq import views

    engine = create_engine(hq)
    try:
        with engine.connect() as conn:
            saturday = dt.date(2026, 11, 14)
            assert views.site_calendar(conn, "GZ03").is_working_day(saturday)
            assert not views.site_calendar(conn, "BJ02").is_working_day(saturday)
    finally:
        engine.dispose()
    # the sites differ, so a sum that took one site three times would fail
    rates = {code: by_site[code]["satisfaction_rate"]["denominator"] for code in SITES}
    assert len(set(rates.values())) > 1 or len({by_site[c]["complaints"]["rejected"] for c in SITES}) > 1
    one = tsms_json("hq", "report", "--month", "2026-11", "--as-of", AS_OF, "--site", "BJ02")
    assert [s["site"] for s in one["sites"]] == ["BJ02"]
    assert one["company"]["handling_rate"] == by_site["BJ02"]["handling_rate"]
    r = tsms("hq", "report", "--site", "XX99", ok=False)
    assert r.exit_code == 2 and "XX99" in r.stderr and "BJ02" in r.stderr


def test_reimporting_the_same_bundle_changes_nothing(hq, demo_sites):
    init()
    bundle = demo_sites["bundles"]["SH01"]
    tsms("hq", "import", bundle)
    before = hq_dump(hq)
    r = tsms("hq", "import", bundle)
    assert r.exit_code == 0 and "相同" in r.stdout
    assert hq_dump(hq) == before


def test_a_newer_bundle_replaces_the_sites_rows_and_an_older_one_is_stale(hq, demo_sites, tmp_path, monkeypatch):
    init()
    tsms("hq", "import", *demo_sites["bundles"].values())
    ledger = site_copy(demo_sites, "SH01", tmp_path)
    monkeypatch.setenv("TSMS_NOW", "2026-11-25 10:00")
    tsms("--db", ledger, "log", "--project", "P01", "--category", "noise", "--content", "新的投诉", "--from", "新人",
         "--contact", "13700001111", "--at", "2026-11-25 09:00")
    newer = bundle_of(ledger, tmp_path / "out")
    others = {k: v for k, v in hq_dump(hq).items()}
    r = tsms("hq", "import", newer)
    assert "已导入" in r.stdout
    status = {s["site"]: s for s in tsms_json("hq", "status")}
    assert status["SH01"]["complaints"] == 10 and status["SH01"]["head"] == tsms_json("--db", ledger, "check")["head"]
    assert status["SH01"]["bundled_at"].startswith("2026-11-25")
    after = hq_dump(hq)
    complaints = [r for r in after["site_complaint"] if r[0] == "SH01"]
    assert len(complaints) == 10 and any(r[the_column("complaint", "content")] == "新的投诉" for r in complaints)
    for name, rows in others.items():  # the other sites' rows are as they were
        if name.startswith("site_"):
            assert [r for r in rows if r[0] != "SH01"] == [r for r in after[name] if r[0] != "SH01"], name
    r = tsms("hq", "import", demo_sites["bundles"]["SH01"])  # the older bundle again: stale, ignored
    assert r.exit_code == 0 and "过期" in r.stdout
    assert hq_dump(hq) == after


def the_column(table: str, column: str) -> int:
    from tsms.hq import tables

    return list(tables.MIRRORS[table].columns.keys()).index(column)


def _forge(ledger: Path, event_id: int, actor: str) -> None:
    """An event rewritten and every hash after it recomputed: sound inside the file."""
    from tsms.store import changes
    from tsms.store.integrity import _time

    con = sqlite3.connect(ledger)
    rows = con.execute("SELECT id, at, recorded_at, actor, action, complaint_id, details FROM event ORDER BY id").fetchall()
    images = con.execute(f"SELECT event_id, {changes.LINE} FROM change WHERE event_id IS NOT NULL "
                         "ORDER BY event_id, id").fetchall()
    con.close()
    statements = [UNLOCK_EVENTS.strip()]
    prev = changes.GENESIS
    for ev_id, at, recorded, who, action, cid, details in rows:
        if ev_id == event_id:
            who = actor
        own = [i[1] for i in images if i[0] == ev_id]
        h = changes.chain_hash(prev, _time(at), _time(recorded), who, action, cid, details, changes.digest(own))
        statements.append(f"UPDATE event SET actor = '{who}', prev_hash = '{prev}', hash = '{h}' WHERE id = {ev_id};")
        prev = h
    statements.append(f"UPDATE setting SET value = '{rows[-1][0]}:{prev}' WHERE key = 'event_head';")
    shell(ledger, "\n".join(statements))


def test_an_edited_history_is_refused_naming_the_event(hq, demo_sites, tmp_path):
    init()
    tsms("hq", "import", demo_sites["bundles"]["SH01"])
    ledger = site_copy(demo_sites, "SH01", tmp_path)
    _forge(ledger, 20, "某人")
    assert tsms("--db", ledger, "check").exit_code == 0  # consistent inside the file
    forged = bundle_of(ledger, tmp_path / "out")
    refused_import(hq, forged, naming=("SH01", "事件 20", "--accept-divergence"))


def _rewrite_member(bundle: Path, target: Path, change) -> None:
    """The bundle with its snapshot changed by ``change(path)`` (the manifest as it was)."""
    import tempfile

    with zipfile.ZipFile(bundle) as zf, tempfile.TemporaryDirectory() as folder:
        manifest = zf.read("manifest.json")
        snap = Path(folder) / "ledger.sqlite3"
        snap.write_bytes(zf.read("ledger.sqlite3"))
        manifest = change(snap, json.loads(manifest))
        with zipfile.ZipFile(target, "w") as out:
            out.writestr("manifest.json", json.dumps(manifest))
            out.write(snap, "ledger.sqlite3")


def test_another_ledger_with_the_same_site_code_is_refused_as_another_ledger(hq, demo_sites, tmp_path, monkeypatch):
    """A bundle of a ledger made anew (or another site's) under a code head office holds:
    refused (exit 3) as another ledger from event 1, not as a site that restored a backup."""
    init()
    tsms("hq", "import", demo_sites["bundles"]["BJ02"])
    monkeypatch.setenv("TSMS_NOW", "2026-12-01 09:00")
    other = tmp_path / "other.sqlite3"
    tsms("--db", other, "init", "--site", "BJ02", "--name", "别家公司北京项目部")
    err = refused_import(hq, bundle_of(other, tmp_path / "out"), naming=("BJ02", "第 1 个事件", "另一本账",
                                                                        "--accept-divergence"))
    assert "恢复了旧备份" not in err


def test_a_snapshot_changed_on_the_way_or_failing_check_is_refused(hq, demo_sites, tmp_path):
    init()
    bundle = demo_sites["bundles"]["GZ03"]

    def edit(snap, manifest):  # a row changed by hand, the manifest left alone
        shell(snap, "UPDATE complaint SET content = '无事' WHERE id = 1;")
        return manifest

    changed = tmp_path / "changed.tsms"
    _rewrite_member(bundle, changed, edit)
    refused_import(hq, changed, naming=("sha256",))

    def edit_and_hash(snap, manifest):  # …and the manifest's sha256 made to match: check finds it
        from tsms.store.files import file_sha256 as sha256_of

        shell(snap, "UPDATE complaint SET content = '无事' WHERE id = 1;")
        return {**manifest, "sha256": sha256_of(snap)}

    _rewrite_member(bundle, changed, edit_and_hash)
    refused_import(hq, changed, naming=("检查",))

    def other_head(snap, manifest):  # a manifest whose head is not the snapshot's
        return {**manifest, "head": "1:" + "0" * 64}

    _rewrite_member(bundle, changed, other_head)
    refused_import(hq, changed, naming=("事件链末尾",))


def test_a_truncated_bundle_is_refused(hq, demo_sites, tmp_path):
    init()
    data = demo_sites["bundles"]["BJ02"].read_bytes()
    for size in (len(data) // 2, len(data) - 30, 100):
        cut = tmp_path / f"cut-{size}.tsms"
        cut.write_bytes(data[:size])
        err = refused_import(hq, cut, naming=(cut.name,))
        assert "不完整" in err and "File is not" not in err and "CRC" not in err, err  # no zipfile English
    # a ledger or a backup mailed instead of the bundle: said so, with what to send
    ledger = site_copy(demo_sites, "BJ02", tmp_path)
    tsms("--db", ledger, "backup", tmp_path / "BJ02-backup.sqlite3")
    for wrong in (ledger, tmp_path / "BJ02-backup.sqlite3"):
        err = refused_import(hq, wrong)
        assert "不是工地包" in err and "tsms bundle" in err and "File is not" not in err, err
    r = tsms("hq", "import", tmp_path / "missing.tsms", ok=False)
    assert r.exit_code == 2 and "missing.tsms" in r.stderr


def test_a_site_that_restored_an_old_backup_and_carried_on_is_refused_then_accepted_on_purpose(
        hq, demo_sites, tmp_path, monkeypatch):
    init()
    ledger = site_copy(demo_sites, "SH01", tmp_path)
    backup = tmp_path / "before.sqlite3"
    tsms("--db", ledger, "backup", backup)
    first_new = tsms_json("--db", ledger, "check")["counts"]["event"] + 1
    monkeypatch.setenv("TSMS_NOW", "2026-11-24 10:00")
    tsms("--db", ledger, "log", "--project", "P01", "--category", "dust", "--content", "A", "--at", "2026-11-24 09:00")
    tsms("hq", "import", bundle_of(ledger, tmp_path / "a"))
    tsms("--db", ledger, "restore", backup, "--force")
    monkeypatch.setenv("TSMS_NOW", "2026-11-25 10:00")
    for content in ("B", "C"):
        tsms("--db", ledger, "log", "--project", "P01", "--category", "waste", "--content", content,
             "--at", "2026-11-25 09:00")
    diverged = bundle_of(ledger, tmp_path / "b")
    refused_import(hq, diverged, naming=(f"事件 {first_new}", "SH01"))
    r = tsms("hq", "import", diverged, "--accept-divergence", ok=False)
    assert r.exit_code == 2 and "--reason" in r.stderr
    r = tsms("hq", "import", diverged, "--accept-divergence", "--reason", "工地电脑损坏,从备份恢复", "--by", "总部王经理")
    assert "--accept-divergence" in r.stdout
    from sqlalchemy import create_engine, select

    from tsms.hq import tables

    engine = create_engine(hq)
    with engine.connect() as conn:
        row = conn.execute(select(tables.imports).where(tables.imports.c.action == "accept_divergence")).mappings().one()
    engine.dispose()
    assert row["actor"] == "总部王经理" and row["reason"] == "工地电脑损坏,从备份恢复"
    assert row["first_difference"] == first_new and row["site"] == "SH01"
    status = tsms_json("hq", "status")[0]
    assert status["divergences_accepted"] == 1 and status["complaints"] == 11


def test_status_flags_a_site_not_heard_from(hq, demo_sites):
    init()
    tsms("hq", "import", *demo_sites["bundles"].values())
    if hq.startswith("sqlite"):  # reading commands never write: they work on a read-only store
        store_file = Path(hq.removeprefix("sqlite:///"))
        before = store_file.read_bytes()
        store_file.chmod(0o444)
        try:
            for command in (["status"], ["overdue"], ["report", "--month", "2026-11"]):
                assert tsms("hq", *command, ok=False).exit_code in (0, 1), command
        finally:
            store_file.chmod(0o644)
        assert store_file.read_bytes() == before
    rows = tsms_json("hq", "status", "--as-of", "2026-12-20")
    assert [r["site"] for r in rows] == sorted(SITES) and not any(r["stale"] for r in rows)
    assert rows[0]["head"].count(":") == 1 and rows[0]["bundled_at"].startswith("2026-11-23")
    rows = tsms_json("hq", "status", "--as-of", "2027-01-05")
    assert all(r["stale"] and r["days_since_bundle"] == 43 for r in rows)
    assert not any(r["stale"] for r in tsms_json("hq", "status", "--as-of", "2027-01-05", "--stale-days", "60"))
    r = tsms("hq", "status", "--stale-days", "-1", ok=False)
    assert r.exit_code == 2 and "--stale-days" in r.stderr


def test_overdue_across_sites_is_each_sites_own(hq, demo_sites):
    init()
    tsms("hq", "import", *demo_sites["bundles"].values())
    r = tsms("hq", "overdue", "--as-of", AS_OF, "--json", ok=False)
    assert r.exit_code == 1
    items = json.loads(r.stdout)
    for code in SITES:
        own = json.loads(tsms("--db", demo_sites["folder"] / f"{code}.sqlite3", "overdue", "--as-of", AS_OF, "--json",
                              ok=False).stdout)
        mine = [i for i in items if i["site"] == code]
        keys = ("kind", "number", "project", "due", "days_late", "working_days_late", "late", "assignee", "status",
                "contact")
        assert [{k: i.get(k) for k in (*keys, "due_at", "hours_late")} for i in mine] == \
               [{k: i.get(k) for k in (*keys, "due_at", "hours_late")} for i in own], code
        assert all("****" in i["contact"] for i in mine if i["contact"])
    # an hour deadline is judged by the moment, as at the site: due 10:30 today, late at 18:00
    urgent = [i for i in items if i.get("due_at") and i["due"] == AS_OF and i["kind"] == "resolve"]
    assert len(urgent) == 1 and urgent[0]["site"] == "BJ02" and urgent[0]["late"] and urgent[0]["hours_late"] == 7
    assert urgent[0]["days_late"] == 0 and urgent[0]["due_at"].startswith(AS_OF + "T10:30")
    # --within N: what falls due in each site's next N working days too, as the site's own overdue says
    ahead = json.loads(tsms("hq", "overdue", "--as-of", AS_OF, "--within", "3", "--json", ok=False).stdout)
    for code in SITES:
        own = json.loads(tsms("--db", demo_sites["folder"] / f"{code}.sqlite3", "overdue", "--as-of", AS_OF,
                              "--within", "3", "--json", ok=False).stdout)
        assert [(i["number"], i["kind"], i["working_days_late"]) for i in ahead if i["site"] == code] == \
               [(i["number"], i["kind"], i["working_days_late"]) for i in own], code
    assert len(ahead) > len(items)
    only = json.loads(tsms("hq", "overdue", "--as-of", AS_OF, "--json", "--site", "GZ03", ok=False).stdout)
    assert {i["site"] for i in only} == {"GZ03"}
    full = json.loads(tsms("hq", "overdue", "--as-of", AS_OF, "--json", "--with-contacts", ok=False).stdout)
    assert any(i["contact"] == "13400006666" for i in full)
    assert tsms("hq", "overdue", "--as-of", "2026-11-01").exit_code == 0  # nothing late yet then


def test_overdue_lines_show_the_deadline_as_the_site_does(hq, demo_sites, tmp_path, monkeypatch):
    """The deadline's hour and 暂定 as the site's own overdue prints them (head office showed
    the bare day), and at 80 columns the masked contact breaks at its space, never cut."""
    init()
    ledger = site_copy(demo_sites, "BJ02", tmp_path)
    monkeypatch.setenv("TSMS_NOW", "2027-01-10 09:00")  # 2027's calendar is not confirmed: 暂定
    tsms("--db", ledger, "log", "--project", "P01", "--channel", "phone", "--category", "noise", "--from", "周先生",
         "--content", "噪音", "--at", "2027-01-05 10:00")
    tsms("hq", "import", bundle_of(ledger, tmp_path / "out"))
    own = tsms("--db", ledger, "overdue", "--as-of", "2027-01-10", ok=False).stdout
    assert "2026-11-21 10:40" in own and "(暂定)" in own  # what the site says
    r = tsms("hq", "overdue", "--as-of", "2027-01-10", ok=False)
    assert r.exit_code == 1
    lines = {line.split("\t")[2]: line.split("\t") for line in r.stdout.splitlines()[2:]}
    assert lines["BJ02-2026-00007"][4] == "2026-11-21 10:40"
    assert lines["BJ02-2027-00001"][4] == "2027-01-05(暂定)"
    from test_terminal import ESC, in_terminal

    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    code, out = in_terminal(["hq", "overdue", "--as-of", "2027-01-10"], {**env, "TERM": "xterm"})
    plain = ESC.sub("", out)
    assert code == 1 and "134****6666" in plain and "…" not in plain, plain


def test_the_workbook_has_a_sheet_by_site_and_a_chart(hq, demo_sites, tmp_path):
    from openpyxl import load_workbook

    init()
    tsms("hq", "import", *demo_sites["bundles"].values())
    book = tmp_path / "2026-11全公司.xlsx"
    tsms("hq", "report", "--month", "2026-11", "--as-of", AS_OF, "--xlsx", book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["汇总", "按工地", "超期清单"]
    ws = wb["按工地"]
    header = [c.value for c in ws[2]]
    assert header[:5] == ["工地", "名称", "报送时间", "超期未报送", "收到投诉"] and "回访率分母" in header
    sites = [ws.cell(row=r, column=1).value for r in range(3, 6)]
    assert sites == sorted(SITES)
    report = tsms_json("hq", "report", "--month", "2026-11", "--as-of", AS_OF)
    column = header.index("回访率分子") + 1
    assert [ws.cell(row=r, column=column).value for r in range(3, 6)] == \
           [s["revisit_rate"]["numerator"] for s in report["sites"]]
    assert len(ws._charts) == 1
    summary = wb["汇总"]
    assert summary["A3"].value == "处理率" and summary["B3"].value == report["company"]["handling_rate"]["numerator"]
    late = wb["超期清单"]
    contacts = [late.cell(row=r, column=9).value for r in range(3, late.max_row + 1)]
    assert contacts and all("****" in c for c in contacts if c)
    for sheet in wb.worksheets:  # printable: each sheet its own page setup, one page wide, titles, footer
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$2" and "&P" in sheet.oddFooter.right.text
    assert ws.page_setup.orientation == "landscape"
    assert [b.id for b in ws.row_breaks.brk] == [len(SITES) + 2]  # the chart starts a page of its own
    anchor = ws._charts[0].anchor._from.row
    assert anchor > len(SITES) + 2
    with zipfile.ZipFile(book) as zf:  # the bars' labels say the value alone (LibreOffice read a left-out
        chart = zf.read("xl/charts/chart1.xml").decode()  # showSerName/showCatName as shown: "BJ02; 处理率; 71.4%")
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        assert f'{flag} val="0"/>' in chart, flag
    assert 'showVal val="1"/>' in chart
    r = tsms("hq", "report", "--month", "2026-11", "--xlsx", book, ok=False)  # never over a file unasked
    assert r.exit_code == 2 and "--force" in r.stderr


def test_head_office_refusals_are_one_line(hq, monkeypatch, tmp_path):
    r = tsms("hq", "status", "--hq", "mysql://x@y/z", ok=False)
    assert r.exit_code == 2 and "postgresql+psycopg" in r.stderr
    for memory in ("sqlite://", "sqlite:///:memory:", "sqlite:///file:hq?mode=memory&uri=true"):
        r = tsms("hq", "init", "--company", "某公司", "--hq", memory, ok=False)  # was made, said new, and lost
        assert r.exit_code == 2 and "文件" in r.stderr and len(r.stderr.strip().splitlines()) == 1, (memory, r.stdout)
    r = tsms("hq", "import", "x.tsms", "--reason", "因为", ok=False)
    assert r.exit_code == 2 and "--accept-divergence" in r.stderr
    r = tsms("hq", "status", "--hq", "postgresql://tsms:secret@127.0.0.1:1/none", ok=False)
    assert r.exit_code == 3 and "secret" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    init()
    r = tsms("hq", "import", tmp_path / "no.tsms", ok=False)
    assert r.exit_code == 2 and "no.tsms" in r.stderr
    notzip = tmp_path / "note.tsms"
    notzip.write_text("hello")
    r = tsms("hq", "import", notzip, ok=False)
    assert r.exit_code == 3 and "note.tsms" in r.stderr
    if hq.startswith("sqlite"):  # the workbook never goes over the store itself
        r = tsms("hq", "report", "--xlsx", hq.removeprefix("sqlite:///"), "--force", ok=False)
        assert r.exit_code == 2 and "账本本身" in r.stderr, r.stderr
    from sqlalchemy import create_engine, text

    engine = create_engine(hq)
    with engine.begin() as conn:  # a store a newer tsms has migrated
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    r = tsms("hq", "status", ok=False)
    assert r.exit_code == 3 and "9999" in r.stderr and "升级" in r.stderr


def test_bundles_with_attachments(hq, demo_sites, tmp_path, monkeypatch):
    init()
    ledger = site_copy(demo_sites, "BJ02", tmp_path)
    photo = tmp_path / "墙面裂缝.png"
    photo.write_bytes(b"\x89PNG photo")
    tsms("--db", ledger, "attach", "BJ02-2026-00005", photo)
    with_files = bundle_of(ledger, tmp_path / "a", "--with-files")
    with zipfile.ZipFile(with_files) as zf:
        assert any(n.startswith("files/") for n in zf.namelist())
    without = bundle_of(ledger, tmp_path / "b")
    assert tsms("hq", "import", without).exit_code == 0
    assert "相同" in tsms("hq", "import", with_files).stdout


def test_two_sites_imported_at_once(hq, demo_sites):
    """Two `hq import` processes of different sites at the same time both succeed (on
    PostgreSQL they run concurrently; on SQLite one waits for the other's write)."""
    init()
    env = {**os.environ, "TSMS_HQ": hq}
    procs = [subprocess.Popen([sys.executable, "-m", "tsms", "hq", "import", str(demo_sites["bundles"][code])],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for code in ("SH01", "BJ02")]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert {s["site"] for s in tsms_json("hq", "status")} == {"SH01", "BJ02"}


def test_an_import_in_progress_does_not_hold_up_another_site(hq, demo_sites):
    """PostgreSQL: while one site's import is in its transaction (its rows deleted and the
    new ones written, not yet committed), another site's import goes through — no table
    locks; only two imports of the same site wait for each other."""
    if not hq.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time by design")
    from sqlalchemy import create_engine, delete, insert, text

    from tsms.hq import tables

    init()
    tsms("hq", "import", demo_sites["bundles"]["SH01"])
    engine = create_engine(hq)
    conn = engine.connect()
    trans = conn.begin()
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('tsms-hq-site:SH01'))"))
        for table in tables.MIRRORS.values():
            conn.execute(delete(table).where(table.c.site == "SH01"))
        conn.execute(insert(tables.imports).values(site="SH01", at="2026-11-23 18:00", actor="x", action="import",
                                                   head="1:x", bundle_sha256="x"))
        env = {**os.environ, "TSMS_HQ": hq}
        other = subprocess.run([sys.executable, "-m", "tsms", "hq", "import", str(demo_sites["bundles"]["BJ02"])],
                               env=env, capture_output=True, text=True, timeout=60)
        assert other.returncode == 0 and "BJ02" in other.stdout, other.stderr
        same = subprocess.Popen([sys.executable, "-m", "tsms", "hq", "import", str(demo_sites["bundles"]["SH01"])],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            same.wait(timeout=4)
        except subprocess.TimeoutExpired:
            pass
        assert same.poll() is None  # the same site waits for the import in progress
    finally:
        trans.rollback()
        conn.close()
        engine.dispose()
    out, err = same.communicate(timeout=60)
    assert same.returncode == 0 and "相同" in out, err


# --------------------------------------------------------------------------- hostile input

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(st.text(max_size=30), st.integers(-10**20, 10**20).map(str),
                    st.sampled_from(["2026-11", "2026-13", "2026", "0", "-1", "today", "SH01", "1e9", "", " ",
                                     "99999-01-01", "2026-11-31", "../x", "x.tsms", "=HYPERLINK(1)"]))
_OPTIONS = {"status": ["--stale-days", "--as-of", "--site"],
            "overdue": ["--as-of", "--site"],
            "report": ["--month", "--year", "--from", "--to", "--as-of", "--site", "--stale-days"],
            "import": ["--reason"]}


@st.composite
def _hq_command(draw):
    command = draw(st.sampled_from(sorted(_OPTIONS)))
    args = ["hq", command]
    for option in draw(st.lists(st.sampled_from(_OPTIONS[command]), max_size=3)):
        args += [option, draw(_VALUES)]
    if command == "import":
        args += draw(st.lists(_VALUES, min_size=1, max_size=2))
        if draw(st.booleans()):
            args.append("--accept-divergence")
    if draw(st.booleans()):
        args.append("--json")
    return args


@pytest.fixture
def hostile_hq(tmp_path, monkeypatch, demo_sites):
    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    monkeypatch.setenv("TSMS_HQ", url)
    monkeypatch.setenv("TSMS_NOW", NOW)
    monkeypatch.chdir(tmp_path)
    init()
    tsms("hq", "import", *demo_sites["bundles"].values())
    return url


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(args=_hq_command())
def test_random_hq_commands_never_crash_and_refusals_change_nothing(hostile_hq, args):
    before = hq_dump(hostile_hq)
    r = tsms(*args, ok=False)
    text = r.stdout + r.stderr
    assert "Traceback" not in text and "内部错误" not in text, (args, text)
    assert r.exit_code in (0, 1, 2, 3), (args, r.exit_code, text)
    if r.exit_code in (2, 3):
        lines = r.stderr.strip().splitlines()
        assert lines and all(x.startswith("tsms: ") for x in lines), (args, r.stderr)
        assert hq_dump(hostile_hq) == before, args


_JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                     max_size=3), max_leaves=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(field=st.sampled_from(["format", "format_version", "site_code", "schema_version", "events", "head", "sha256",
                              "made_at", None]), value=_JSONISH, whole=_JSONISH)
def test_hostile_manifests_are_refused_in_one_line(hostile_hq, demo_sites, field, value, whole):
    with zipfile.ZipFile(demo_sites["bundles"]["GZ03"]) as zf:
        manifest, snapshot = json.loads(zf.read("manifest.json")), zf.read("ledger.sqlite3")
    manifest = {**manifest, field: value} if field else whole
    path = Path("hostile.tsms")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("ledger.sqlite3", snapshot)
    before = hq_dump(hostile_hq)
    r = tsms("hq", "import", path, ok=False)
    assert "Traceback" not in r.stdout + r.stderr and r.exit_code in (0, 3), (manifest, r.exit_code, r.stderr)
    if r.exit_code == 3:
        assert len(r.stderr.strip().splitlines()) == 1 and hq_dump(hostile_hq) == before, r.stderr


def test_a_site_on_an_older_tsms_is_imported_and_its_upgrade_extends_it(hq, tmp_path):
    """A bundle made by an older tsms (schema v5, the test ledger kept from that release) is
    checked at this schema in head office's temporary copy; head office keeps the site's head,
    and the site's next bundle — after its own upgrade, the migrations' events following
    that head — extends it."""
    from tsms.store.files import file_sha256 as sha256_of

    init()
    old = tmp_path / "v5.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "ledger-v5.sqlite3", old)
    con = sqlite3.connect(old)
    n, digest = con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    version = con.execute("PRAGMA user_version").fetchone()[0]
    code = con.execute("SELECT value FROM setting WHERE key = 'site_code'").fetchone()[0]
    con.close()
    bundle = tmp_path / f"{code}-{n:06d}-{digest[:8]}.tsms"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("manifest.json", json.dumps({
            "format": "tsms-bundle", "format_version": 1, "site_code": code, "site_name": "旧版本工地",
            "schema_version": version, "tsms_version": "0.0.9", "events": n, "head": f"{n}:{digest}",
            "sha256": sha256_of(old), "made_at": "2026-11-01T08:00:00"}))
        zf.write(old, "ledger.sqlite3")
    r = tsms("hq", "import", bundle)
    assert "已导入" in r.stdout, r.stdout
    status = tsms_json("hq", "status")[0]
    assert status["head"] == f"{n}:{digest}" and status["schema_version"] == version
    assert max(row[1] for row in hq_dump(hq)["site_event"]) == n  # the site's events, not head office's migration
    tsms("--db", old, "list")  # the site upgrades tsms: its ledger is migrated on first use
    newer = bundle_of(old, tmp_path / "out")
    assert "已导入" in tsms("hq", "import", newer).stdout
    assert tsms_json("hq", "status")[0]["head"] == tsms_json("--db", old, "check")["head"]
