import json
import shutil
import subprocess
import sqlite3
from pathlib import Path

import pytest
import typer
import typer.testing
from typer.testing import CliRunner

from tsms.cli import app
from tsms.vocab import set_lang

NUMBER = "SH01-2026-00001"

# typer turns the app into a click command on every invoke; the tests run thousands of
# commands, so the command is built once (the same object typer would build each time)
COMMAND = typer.main.get_command(app)
_build = typer.testing._get_command
typer.testing._get_command = lambda given: COMMAND if given is app else _build(given)
Runner = CliRunner


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
    result = Runner().invoke(app, [str(a) for a in args])
    if ok and result.exit_code != 0:
        raise AssertionError(f"tsms {' '.join(map(str, args))} → {result.exit_code}\n{result.stdout}\n{result.stderr}")
    return result


def tsms_json(*args):
    return json.loads(tsms(*args, "--json").stdout)


# --------------------------------------------------------------------------- template ledgers


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    return tmp_path_factory.mktemp("templates")


def copy_ledger(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API, attachments included."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    files = Path(f"{source}.files")
    if files.is_dir():
        shutil.copytree(files, Path(f"{target}.files"), dirs_exist_ok=True)


def from_template(templates: Path, env: Path, monkeypatch, name: str, build) -> Path:
    """The test's ledger as ``build()`` leaves it, built once per session through the
    commands themselves and copied for each test (a fixture's dozens of commands cost one
    copy). ``build`` runs with TSMS_DB pointing at the template and must leave the same
    environment (TSMS_NOW …) on every call, since later tests only get the copy."""
    template = templates / f"{name}.sqlite3"
    target = env / "ledger.sqlite3"
    if not template.exists():
        monkeypatch.setenv("TSMS_DB", str(template))
        try:
            build(template)
        finally:
            monkeypatch.setenv("TSMS_DB", str(target))
    copy_ledger(template, target)
    return env


def _site():
    tsms("init", "--site", "SH01", "--name", "上海某新建工程项目部")
    tsms("project", "add", "P01", "--name", "某某路新建工程", "--kind", "building", "--manager", "王工",
         "--phone", "021-5555")
    tsms("staff", "add", "张三", "--dept", "工程部", "--role", "leader")
    tsms("staff", "add", "李四", "--dept", "安全部", "--role", "member")


@pytest.fixture
def site(env, templates, monkeypatch):
    return from_template(templates, env, monkeypatch, "site", lambda _: _site())


def on_site(templates: Path, env: Path, monkeypatch, name: str, steps):
    """A template that starts from the site's: the site, then ``steps()``."""
    def build(path):
        copy_ledger(templates / "site.sqlite3", path) if (templates / "site.sqlite3").exists() else _site()
        steps()

    return from_template(templates, env, monkeypatch, name, build)


def log(at="2026-09-29 23:10", *extra):
    args = ["log", "--project", "P01", "--channel", "phone", "--category", "noise", "--urgency", "normal",
            "--from", "李女士", "--contact", "13812345678", "--address", "某小区3号楼",
            "--content", "夜间23点仍在打桩,噪声很大", "--at", at, *extra]
    return tsms(*args).stdout.strip()


def shell(path: Path, sql: str) -> None:
    """Edit the ledger by hand, as someone with the sqlite3 shell would."""
    exe = shutil.which("sqlite3")
    if exe:
        subprocess.run([exe, str(path)], input=sql, text=True, check=True, capture_output=True)
    else:
        con = sqlite3.connect(path)
        con.executescript(sql)
        con.close()


def dump(env) -> str:
    """The ledger's whole content, to compare before and after a refused command."""
    con = sqlite3.connect(env / "ledger.sqlite3")
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def refused(env, *args, naming=()):
    """The command is refused: exit 2, one line naming each of ``naming``, the ledger as it was."""
    before = dump(env)
    r = tsms(*args, ok=False)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for word in naming:
        assert word in r.stderr, (word, r.stderr)
    assert dump(env) == before
    return r.stderr
