"""Refused transitions and bad input: one line, exit 2, the ledger exactly as it was."""

import pytest

from conftest import NUMBER, dump, log, tsms
from tsms.vocab import Status

# SPEC §2, written out here rather than read from the code under test: what each state allows.
# (reply: hotline and referral complaints only; escalate: any open complaint, once.)
ALLOWED = {
    Status.received: ("accept", "reject", "assign", "escalate"),
    Status.accepted: ("assign", "escalate"),
    Status.assigned: ("assign", "resolve", "escalate"),
    Status.resolved: ("revisit", "reply", "escalate"),
    Status.closed: ("reply", "archive"),
    Status.rejected: ("reply", "archive"),
    Status.archived: (),
    Status.void: (),
}

ACTION_ARGS = {
    "accept": ["--at", "2026-10-20 10:00"],
    "reject": ["--reason", "理由", "--at", "2026-10-20 10:00"],
    "assign": ["--to", "张三", "--at", "2026-10-20 10:00"],
    "resolve": ["--result", "结果", "--at", "2026-10-20 10:00"],
    "revisit": ["--method", "phone", "--satisfaction", "satisfied", "--at", "2026-10-20 10:00"],
    "escalate": ["--at", "2026-10-20 10:00"],
    "reply": ["--text", "回复", "--at", "2026-10-20 10:00"],
    "archive": ["--at", "2026-10-20 10:00"],
}

# how to bring a hotline complaint (so that reply is possible) into each state
TO_STATE = {
    Status.received: [],
    Status.accepted: [["accept", "--at", "2026-09-29 10:00"]],
    Status.assigned: [["assign", "--to", "张三", "--at", "2026-09-29 10:00"]],
    Status.resolved: [["assign", "--to", "张三", "--at", "2026-09-29 10:00"],
                      ["resolve", "--result", "好", "--at", "2026-09-29 11:00"]],
    Status.closed: [["assign", "--to", "张三", "--at", "2026-09-29 10:00"],
                    ["resolve", "--result", "好", "--at", "2026-09-29 11:00"],
                    ["revisit", "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-09-30 10:00"]],
    Status.rejected: [["reject", "--reason", "无关", "--at", "2026-09-29 10:00"]],
    Status.archived: [["reject", "--reason", "无关", "--at", "2026-09-29 10:00"],
                      ["reply", "--text", "已告知", "--at", "2026-09-29 11:00"],
                      ["archive", "--at", "2026-09-29 12:00"]],
    Status.void: [["void", "--reason", "误录", "--at", "2026-09-29 10:00"]],
}

REFUSED = [(state, action) for state in Status for action in ACTION_ARGS if action not in ALLOWED[state]]


@pytest.mark.parametrize("state,action", REFUSED, ids=[f"{s.value}-{a}" for s, a in REFUSED])
def test_refused_transition(site, state, action):
    tsms("log", "--project", "P01", "--channel", "hotline", "--category", "noise", "--content", "噪声",
         "--at", "2026-09-29 09:00")
    for step in TO_STATE[state]:
        tsms(step[0], NUMBER, *step[1:])
    assert tsms("show", NUMBER, "--json").stdout.count(f'"status": "{state.value}"') == 1
    before = dump(site)
    r = tsms(action, NUMBER, *ACTION_ARGS[action], ok=False)
    assert r.exit_code == 2, r.stdout
    assert len(r.stderr.strip().splitlines()) == 1
    assert state.zh in r.stderr  # names the current state …
    if ALLOWED[state]:
        assert "此状态可执行" in r.stderr  # … and what is allowed from it
    assert "Traceback" not in r.stderr + r.stdout
    assert dump(site) == before


def test_refusal_in_english_names_state_and_allowed_actions(site):
    log()
    r = tsms("--lang", "en", "revisit", NUMBER, "--method", "phone", "--satisfaction", "satisfied", ok=False)
    assert r.exit_code == 2
    assert r.stderr.strip() == f"tsms: {NUMBER} is received: revisit is not allowed; allowed now: accept, reject, assign, escalate"


BAD = [
    (["show", "SH01-2026-99999"], "SH01-2026-99999"),
    (["assign", "XX-1", "--to", "张三"], "XX-1"),
    (["log", "--project", "P01", "--category", "noise", "--content", "x", "--at", "2026-02-30 10:00"], "--at"),
    (["log", "--project", "P01", "--category", "noise", "--content", "x", "--at", "next week"], "--at"),
    (["log", "--project", "P99", "--category", "noise", "--content", "x"], "P99"),
    (["log", "--project", "P01", "--category", "loud", "--content", "x"], "loud"),
    (["log", "--project", "P01", "--category", "noise", "--channel", "pigeon", "--content", "x"], "pigeon"),
    (["log", "--project", "P01", "--category", "noise", "--urgency", "asap", "--content", "x"], "asap"),
    (["log", "--project", "P01", "--category", "noise", "--content", ""], "--content"),
    (["log", "--project", "P01", "--category", "noise", "--content", "   "], "--content"),
    (["log", "--project", "P01", "--category", "noise", "--content", "a\x00b"], "--content"),
    (["log", "--project", "P01", "--category", "noise", "--content", "x" * 5000], "--content"),
    (["log", "--project", "P01", "--category", "noise", "--content", "x", "--at", "2027-06-01 10:00"], "--at"),
    (["log", "--project", "P01", "--category", "noise"], "--content"),
    (["assign", NUMBER, "--to", "张三", "--at", "2026-09-28 10:00"], "--at"),
    (["revisit", NUMBER, "--method", "telepathy", "--satisfaction", "satisfied"], "telepathy"),
    (["overdue", "--as-of", "someday"], "--as-of"),
    (["overdue", "--within", "-1"], "--within"),
    (["list", "--status", "lost"], "lost"),
    (["list", "--since", "2026-01-32"], "--since"),
    (["calendar", "set", "2026-02-30", "workday"], "DATE"),
    (["calendar", "set", "2027-02-06", "holiday"], "workday"),
    (["calendar", "12"], "12"),
    (["config", "revisit_working_days", "two"], "two"),
    (["config", "revisit_working_days", "--", "-3"], "revisit_working_days"),
    (["config", "no_such_key", "1"], "no_such_key"),
    (["project", "add", "P01", "--name", "重复"], "P01"),
    (["project", "add", "bad code!", "--name", "x"], "bad code!"),
    (["project", "add", "P03", "--name", "x", "--kind", "bridge"], "bridge"),
    (["staff", "add", "张三", "--dept", "工程部"], "张三"),
    (["staff", "add", "王五", "--dept", "工程部", "--role", "boss"], "boss"),
    (["nosuchcommand"], "nosuchcommand"),
]


@pytest.mark.parametrize("args,mentions", BAD, ids=[" ".join(a)[:50] for a, _ in BAD])
def test_bad_input_one_line_exit_2_unchanged(site, args, mentions):
    log()
    before = dump(site)
    r = tsms(*args, ok=False)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tsms: "), r.stderr
    assert mentions in lines[0]
    assert "Traceback" not in r.stdout + r.stderr
    assert dump(site) == before


def test_missing_ledger_is_exit_3(env):
    r = tsms("show", NUMBER, ok=False)
    assert r.exit_code == 3 and "tsms init" in r.stderr


def test_not_a_ledger_is_exit_3(env):
    (env / "ledger.sqlite3").write_bytes(b"this is not sqlite at all" * 100)
    r = tsms("list", ok=False)
    assert r.exit_code == 3 and len(r.stderr.strip().splitlines()) == 1


def test_newer_schema_is_refused_with_versions(site):
    import sqlite3

    from tsms.store.schema import SCHEMA_VERSION

    con = sqlite3.connect(site / "ledger.sqlite3")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    r = tsms("list", ok=False)
    assert r.exit_code == 3
    assert str(SCHEMA_VERSION + 1) in r.stderr and str(SCHEMA_VERSION) in r.stderr


def test_init_refuses_to_overwrite(site):
    before = dump(site)
    r = tsms("init", "--site", "SH02", "--name", "x", ok=False)
    assert r.exit_code == 2 and dump(site) == before


def test_init_refuses_a_bad_site_code(env):
    r = tsms("init", "--site", "上海", "--name", "x", ok=False)
    assert r.exit_code == 2 and not (env / "ledger.sqlite3").exists()
