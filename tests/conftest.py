import json
import sqlite3

import pytest
from typer.testing import CliRunner

from tsms.cli import app
from tsms.vocab import set_lang

NUMBER = "SH01-2026-00001"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A ledger path in a temporary folder and a pinned clock: never the real ledger,
    never the wall clock."""
    monkeypatch.setenv("TSMS_DB", str(tmp_path / "ledger.sqlite3"))
    monkeypatch.setenv("TSMS_NOW", "2026-11-23 09:00")
    monkeypatch.setenv("TSMS_USER", "资料员")
    monkeypatch.delenv("TSMS_LANG", raising=False)
    set_lang(None)
    yield tmp_path
    set_lang(None)


def tsms(*args, ok=True):
    result = CliRunner().invoke(app, [str(a) for a in args])
    if ok and result.exit_code != 0:
        raise AssertionError(f"tsms {' '.join(map(str, args))} → {result.exit_code}\n{result.stdout}\n{result.stderr}")
    return result


def tsms_json(*args):
    return json.loads(tsms(*args, "--json").stdout)


@pytest.fixture
def site(env):
    tsms("init", "--site", "SH01", "--name", "上海某新建工程项目部")
    tsms("project", "add", "P01", "--name", "某某路新建工程", "--kind", "building", "--manager", "王工",
         "--phone", "021-5555")
    tsms("staff", "add", "张三", "--dept", "工程部", "--role", "leader")
    tsms("staff", "add", "李四", "--dept", "安全部", "--role", "member")
    return env


def log(at="2026-09-29 23:10", *extra):
    args = ["log", "--project", "P01", "--channel", "phone", "--category", "noise", "--urgency", "normal",
            "--from", "李女士", "--contact", "13812345678", "--address", "某小区3号楼",
            "--content", "夜间23点仍在打桩,噪声很大", "--at", at, *extra]
    return tsms(*args).stdout.strip()


def dump(env) -> str:
    """The ledger's whole content, to compare before and after a refused command."""
    con = sqlite3.connect(env / "ledger.sqlite3")
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()
