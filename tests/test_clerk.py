"""What a clerk types and reads: dates as typed (and night-time only from a real time),
readable history, contacts only where they belong (SPEC §8)."""

import datetime as dt

import pytest

from conftest import log, tsms, tsms_json
from tsms import clock

# TSMS_NOW is 2026-11-23 09:00 (conftest.env)
NOW = dt.datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize("typed, moment, known", [
    ("11月11日 9:30", dt.datetime(2026, 11, 11, 9, 30), True),
    ("2026年11月11日 9:30", dt.datetime(2026, 11, 11, 9, 30), True),
    ("11/11 9:30", dt.datetime(2026, 11, 11, 9, 30), True),
    ("11-11 09:30", dt.datetime(2026, 11, 11, 9, 30), True),
    ("昨天 15:00", dt.datetime(2026, 11, 22, 15, 0), True),
    ("前天 9:00", dt.datetime(2026, 11, 21, 9, 0), True),
    ("今天 9:30", dt.datetime(2026, 11, 23, 9, 30), True),
    ("today 9:30", dt.datetime(2026, 11, 23, 9, 30), True),
    ("yesterday 15:00", dt.datetime(2026, 11, 22, 15, 0), True),
    ("9:30", dt.datetime(2026, 11, 23, 9, 30), True),
    ("８:３０", dt.datetime(2026, 11, 23, 8, 30), True),
    ("１１月１１日　９：３０", dt.datetime(2026, 11, 11, 9, 30), True),
    ("2026-11-11\u30009:30", dt.datetime(2026, 11, 11, 9, 30), True),
    ("２０２６－１１－１１ ０９：３０", dt.datetime(2026, 11, 11, 9, 30), True),
    ("2026-11-11 23:10", dt.datetime(2026, 11, 11, 23, 10), True),
    ("昨天", dt.datetime(2026, 11, 22), False),
    ("前天", dt.datetime(2026, 11, 21), False),
    ("11月11日", dt.datetime(2026, 11, 11), False),
    ("2026-11-11", dt.datetime(2026, 11, 11), False),
    ("now", NOW, True),
    ("today", NOW, True),
    # a month and day still to come this year means last year's
    ("12月1日 9:00", dt.datetime(2025, 12, 1, 9, 0), True),
    ("12/24", dt.datetime(2025, 12, 24), False),
    ("11月23日 8:00", dt.datetime(2026, 11, 23, 8, 0), True),
])
def test_every_typed_form_is_the_right_moment(env, typed, moment, known):
    assert clock.parse_moment(typed) == (moment, known)
    assert clock.parse_time(typed) == moment


@pytest.mark.parametrize("typed", ["25:00", "11月31日", "2月29日 9:00", "9:3", "昨天昨天", "11/11/11", "1949-12-31"])
def test_what_is_not_a_moment_is_refused(env, typed):
    from tsms.errors import TsmsError

    with pytest.raises(TsmsError):
        clock.parse_moment(typed)


def _noise(at):
    return tsms("log", "--project", "P01", "--category", "noise", "--content", "夜间打桩", "--from", "李女士",
                "--contact", "13812345678", "--at", at).stdout.strip()


@pytest.mark.parametrize("typed, day", [("2026-11-11", "2026-11-11"), ("昨天", "2026-11-22"),
                                        ("１１月１１日", "2026-11-11")])
def test_a_date_without_a_time_is_never_night_time_and_shown_without_midnight(site, typed, day):
    number = _noise(typed)
    c = tsms_json("show", number)
    assert c["night_time"] is False and c["received_time_known"] is False
    assert c["received_at"].startswith(day)
    shown = tsms("show", number).stdout
    assert f"投诉时间\t{day}\n" in shown and "00:00" not in shown.split("投诉内容")[0]
    listed = tsms("list").stdout
    row = next(line for line in listed.splitlines() if line.startswith(number))
    assert f"\t{day}\t" in row and "00:00" not in row


def test_a_real_night_time_still_counts(site):
    number = _noise("昨天 23:10")
    c = tsms_json("show", number)
    assert c["night_time"] is True and c["received_time_known"] is True
    assert c["received_at"] == "2026-11-22T23:10:00+08:00"
    assert "2026-11-22 23:10" in tsms("show", number).stdout


def test_a_future_looking_month_and_day_means_last_year(site):
    number = _noise("12月24日 23:30")
    assert number.startswith("SH01-2025-")
    c = tsms_json("show", number)
    assert c["received_at"] == "2025-12-24T23:30:00+08:00" and c["night_time"] is True


def test_a_date_alone_on_the_previous_steps_day_is_that_moment(site):
    number = log("2026-11-20 10:00")
    tsms("accept", number, "--at", "2026-11-20")
    assert tsms_json("show", number)["accepted_at"] == "2026-11-20T10:00:00+08:00"


def test_the_time_of_an_occurrence_alone_decides(site):
    number = tsms("log", "--project", "P01", "--category", "night_work", "--content", "泵车", "--at", "2026-11-22",
                  "--occurred-at", "2026-11-22 23:00").stdout.strip()
    assert tsms_json("show", number)["night_time"] is True
    number = tsms("log", "--project", "P01", "--category", "night_work", "--content", "泵车", "--at", "今天 8:00",
                  "--occurred-at", "昨天").stdout.strip()
    c = tsms_json("show", number)
    assert c["night_time"] is False and c["occurred_time_known"] is False
    assert "发生时间\t2026-11-22\n" in tsms("show", number).stdout


def test_import_a_date_only_cell_is_not_night_time(site):
    path = site / "old.csv"
    path.write_text("投诉时间,投诉人,投诉内容,投诉类型\n2026-11-01,王,夜里打桩,noise\n2026-11-02 23:30,赵,夜里打桩,noise\n",
                    encoding="utf-8")
    tsms("import", path, "--project", "P01")
    rows = {r["complainant"]: r for r in tsms_json("list")}
    assert rows["王"]["night_time"] is False and rows["王"]["received_time_known"] is False
    assert rows["赵"]["night_time"] is True and rows["赵"]["received_time_known"] is True


# --------------------------------------------------------------------------- schema v9 from v8


def _v8_ledger(path, monkeypatch):
    """A ledger at schema v8 with one complaint that tsms's own events hold (written as a v8
    tsms would: the rows, their images by the triggers, sealed into an event)."""
    import sqlite3

    from tsms.store import changes, engine

    at = dt.datetime(2026, 11, 20, 23, 10)
    with monkeypatch.context() as patched:
        patched.setattr(engine, "SCHEMA_VERSION", 8)
        engine.migrate(path, now=lambda: at)
    con = sqlite3.connect(path, isolation_level=None)
    run = con.execute
    run("BEGIN IMMEDIATE")
    floor = changes.high_water(run)
    run("INSERT INTO setting VALUES ('site_code', 'SH01')")
    run("INSERT INTO project (id, code, name, kind, created_at) VALUES (1, 'P01', '某某路新建工程', 'building', ?)",
        (str(at),))
    run("INSERT INTO complaint (number, year, seq, project_id, status, channel, category, urgency, night_time, "
        "complainant, contact, content, received_at, clerk, filled_at) VALUES ('SH01-2026-00001', 2026, 1, 1, "
        "'received', 'phone', 'noise', 'normal', 1, '李女士', '13812345678', '夜间打桩', ?, '资料员', ?)",
        (str(at), str(at)))
    run("INSERT INTO obligation (kind, complaint_id, project_id, starts, due, holder) "
        "VALUES ('accept', 1, 1, '2026-11-20', '2026-11-23', '资料员')")
    changes.seal(run, [{"at": at, "recorded_at": at, "actor": "资料员", "action": "log", "complaint_id": 1,
                        "details": {"number": "SH01-2026-00001"}, "upto": None}], floor, at)
    run("COMMIT")
    assert run("PRAGMA user_version").fetchone()[0] == 8
    return con


def test_a_v8_ledger_upgrades_with_every_time_known(env, monkeypatch):
    path = env / "ledger.sqlite3"
    _v8_ledger(path, monkeypatch).close()
    c = tsms_json("show", "SH01-2026-00001")  # opening it migrates
    assert c["received_time_known"] is True and c["night_time"] is True
    assert "2026-11-20 23:10" in tsms("show", "SH01-2026-00001").stdout
    assert tsms("check").exit_code == 0


def test_a_hand_edit_before_the_upgrade_is_still_caught(env, monkeypatch):
    path = env / "ledger.sqlite3"
    con = _v8_ledger(path, monkeypatch)
    for op in ("ins", "upd", "del"):
        con.execute(f"DROP TRIGGER change_complaint_{op}")
    con.execute("UPDATE complaint SET content = '无事'")
    con.close()
    tsms("list")
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "SH01-2026-00001" in r.stdout + r.stderr


# --------------------------------------------------------------------------- contacts (SPEC §8)


def _two_from_one_caller(site):
    first = log("2026-10-08 09:00")
    log("2026-10-09 09:00")
    return first


def test_show_gives_the_contact_in_full(site):
    number = _two_from_one_caller(site)
    assert tsms_json("show", number)["contact"] == "13812345678"
    assert "13812345678" in tsms("show", number).stdout and "某小区3号楼" in tsms("show", number).stdout


def test_list_masks_contacts_unless_asked(site):
    _two_from_one_caller(site)
    rows = tsms_json("list")
    assert {(r["contact"], r["address"]) for r in rows} == {("138****5678", "某小****")}
    assert "13812345678" not in tsms("list").stdout
    rows = tsms_json("list", "--with-contacts")
    assert {(r["contact"], r["address"]) for r in rows} == {("13812345678", "某小区3号楼")}


def test_report_masks_repeat_complainants_unless_asked(site):
    _two_from_one_caller(site)
    r = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-23")
    people = [x for x in r["repeat_complainants"] if x["by"] == "person"]
    places = [x for x in r["repeat_complainants"] if x["by"] == "address"]
    assert people[0]["contact"] == "138****5678" and places[0]["address"] == "某小****"
    text = tsms("report", "--month", "2026-10", "--as-of", "2026-11-23").stdout
    assert "138****5678" in text and "13812345678" not in text and "某小区3号楼" not in text
    r = tsms_json("report", "--month", "2026-10", "--as-of", "2026-11-23", "--with-contacts")
    assert {x.get("contact") or x.get("address") for x in r["repeat_complainants"]} == {"13812345678", "某小区3号楼"}


def test_overdue_masks_contacts_unless_asked(site):
    number = _two_from_one_caller(site)
    items = [i for i in tsms_json_any("overdue", "--as-of", "2026-11-23") if i["number"] == number]
    assert items and all(i["contact"] == "138****5678" and i["complainant"] == "李女士" for i in items)
    assert "13812345678" not in tsms("overdue", "--as-of", "2026-11-23", ok=False).stdout
    items = [i for i in tsms_json_any("overdue", "--as-of", "2026-11-23", "--with-contacts") if i["number"] == number]
    assert all(i["contact"] == "13812345678" for i in items)
    assert "13812345678" in tsms("overdue", "--as-of", "2026-11-23", "--with-contacts", ok=False).stdout


def tsms_json_any(*args):
    """--json of a command whose exit code says something (overdue: 1 when late)."""
    import json

    return json.loads(tsms(*args, "--json", ok=False).stdout)


def test_the_digest_never_carries_a_contact(site, monkeypatch):
    _two_from_one_caller(site)
    monkeypatch.delenv("TSMS_NOTIFY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(site / "no-config"))
    monkeypatch.setenv("TSMS_WECOM_URL", "https://example.invalid/robot")
    r = tsms("overdue", "--as-of", "2026-11-23", "--notify", "wecom", "--dry-run", "--with-contacts", ok=False)
    table, _, sent = r.stdout.partition("--- wecom")
    assert "13812345678" in table  # the clerk asked for them on the terminal
    assert "SH01-2026-00001" in sent and "138" not in sent and "李女士" not in sent



def test_claim_list_masks_the_contact_unless_asked_and_claim_show_gives_it(site):
    tsms("project", "complete", "P01", "2026-06-30")
    number = tsms_json("claim", "--project", "P01", "--part", "waterproofing", "--content", "屋顶渗水",
                       "--from", "王先生", "--contact", "13987654321", "--at", "2026-11-20 10:00")["number"]
    assert [c["contact"] for c in tsms_json("claim", "list")] == ["139****4321"]
    assert [c["contact"] for c in tsms_json("claim", "list", "--with-contacts")] == ["13987654321"]
    assert tsms_json("claim", "show", number)["contact"] == "13987654321"

# --------------------------------------------------------------------------- readable history


def _handled(site):
    number = log("2026-11-20 23:10")
    tsms("assign", number, "--to", "张三", "--at", "2026-11-20 23:30")
    tsms("resolve", number, "--result", "已停止夜间施工", "--at", "2026-11-21 10:00")
    photo = site / "墙面裂缝.png"
    photo.write_bytes(b"\x89PNG not really")
    tsms("attach", number, photo)
    return number


def test_history_reads_as_sentences_in_chinese(site):
    number = _handled(site)
    lines = tsms("history", number).stdout.splitlines()
    text = "\n".join(lines)
    assert "登记:噪声,电话,李女士 138****5678" in text and "夜间" in text
    assert "派单:张三(工程部)" in text
    assert "处理完毕:已停止夜间施工" in text
    assert "附件:墙面裂缝.png" in text
    for line in lines:
        assert "=" not in line and "{" not in line and "}" not in line
    for english in ("log", "assign", "resolve", "attach", "accept_due", "night_time", "True", "False", "noise"):
        assert english not in text
    assert "13812345678" not in text


def test_history_reads_as_sentences_in_english(site):
    number = _handled(site)
    text = tsms("history", number, "--lang", "en").stdout
    assert "logged: noise, phone, 李女士 138****5678, 某小****, night time" in text
    assert "assigned: 张三 (工程部)" in text
    assert "resolved: 已停止夜间施工" in text
    assert "attached: 墙面裂缝.png" in text
    assert "=" not in text and "{" not in text and "登记" not in text


def test_history_json_keeps_the_details_with_contacts_masked(site):
    number = _handled(site)
    events = tsms_json("history", number)
    assert [e["action"] for e in events] == ["log", "assign", "resolve", "attach"]
    assert events[0]["details"]["contact"] == "138****5678" and events[0]["details"]["night_time"] is True
    assert events[3]["details"]["files"][0]["name"] == "墙面裂缝.png"


def test_an_action_without_a_sentence_reads_as_labelled_values(env):
    from tsms.render.events import sentence
    from tsms.vocab import set_lang

    text = sentence("some_new_action", {"reason": "日历变更", "moved": 3, "contact": "13812345678"})
    assert text == "some new action;理由:日历变更;变动:3;联系方式:138****5678"
    set_lang("en")
    assert sentence("recompute", {"reason": "x", "moved": 2}) == "deadlines recomputed; reason: x; moved: 2"
