"""A terminal that fits: tables at 80 columns through a real pseudo-terminal, colour only
where it belongs, help wrapped by display width, click's messages in Chinese."""

import os
import re
import select
import subprocess
import sys

import pytest

from conftest import tsms
from tsms.render import terminal

pty = pytest.importorskip("pty")

ESC = re.compile(r"\x1b\[[0-9;]*m")
NUMBER = re.compile(r"SH01-\d{4}-\d{5}")


def in_terminal(args, env, columns=80):
    """Run ``python -m tsms ARGS`` with a pseudo-terminal of ``columns`` as its stdout."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "tsms", *map(str, args)], stdin=slave, stdout=slave,
                            stderr=slave, env={**env, "COLUMNS": str(columns)}, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed its end
            break
        if not data:
            break
        out += data
    proc.wait()
    os.close(master)
    return proc.returncode, out.decode("utf-8").replace("\r\n", "\n")


@pytest.fixture
def demo_env(env):
    ledger = env / "demo.sqlite3"
    tsms("demo", "--db", ledger, "--as-of", "2026-11-20")
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    return {**base, "TSMS_DB": str(ledger), "TSMS_NOW": "2026-11-20 17:30", "TERM": "xterm"}


def fits(text: str, columns: int = 80) -> None:
    for row in ESC.sub("", text).splitlines():
        assert terminal.width(row) <= columns, row


@pytest.mark.parametrize("command", [["list"], ["overdue", "--within", "5"], ["list", "--lang", "en"]])
def test_tables_fit_80_columns_and_never_split_a_number(demo_env, command):
    code, out = in_terminal(command, demo_env)
    assert code in (0, 1), out
    fits(out)
    plain = ESC.sub("", out)
    whole = NUMBER.findall(plain)
    assert whole, plain
    # a number cut over two lines would leave a piece of one at a line's end or start
    for row in plain.splitlines():
        assert not re.search(r"SH01-\d{0,4}-?\d{0,4}$", row.rstrip()) or NUMBER.search(row), row
    # a date with its year, or without it (list: every row of this year)
    dates = re.findall(r"(?<![\d-])(?:\d{4}-)?\d{2}-\d{2}(?![\d-])", plain)
    assert dates
    for row in plain.splitlines():
        assert not re.search(r"\b\d{4}-\d{2}-?$", row.rstrip()), row


def test_free_text_is_shortened_on_a_terminal_only(demo_env):
    code, out = in_terminal(["list"], demo_env, columns=100)
    fits(out, 100)
    assert "…" in out
    piped = subprocess.run([sys.executable, "-m", "tsms", "list"], env=demo_env, capture_output=True, text=True,
                           encoding="utf-8")
    assert "…" not in piped.stdout and "夜间23点仍在打桩,噪声很大" in piped.stdout
    assert piped.stdout.splitlines()[1].count("\t") == 8  # today's tab-separated lines, uncut


def test_late_items_are_coloured_on_a_terminal(demo_env):
    code, out = in_terminal(["overdue"], demo_env)
    assert code == 1
    assert "\x1b[31m" in out
    late_line = next(row for row in out.splitlines() if "SH01-2026-00006" in row)
    assert "\x1b[31m" in late_line


@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color", "overdue --no-color"])
def test_no_colour_when_asked(demo_env, how):
    env = {**demo_env, "NO_COLOR": "1"} if how == "NO_COLOR" else demo_env  # an empty NO_COLOR= is unset
    args = {"NO_COLOR": ["overdue"], "--no-color": ["--no-color", "overdue"]}.get(how, how.split())
    code, out = in_terminal(args, env)
    assert code == 1 and "SH01-2026-00006" in out
    assert "\x1b[" not in out


def test_no_escape_codes_to_a_pipe(demo_env):
    for args in (["overdue"], ["list"]):
        r = subprocess.run([sys.executable, "-m", "tsms", *args], env=demo_env, capture_output=True, text=True,
                           encoding="utf-8")
        assert "\x1b" not in r.stdout and "SH01-2026-00006" in r.stdout


def test_fit_keeps_numbers_and_wraps_at_spaces():
    rows = [["SH01-2026-00001", "2026-09-29 23:10", "很长很长的投诉内容" * 10]]
    out = terminal.fit_table(None, ["编号", "时间", "内容"], rows, None,
                             [terminal.KEEP, terminal.WORDS, terminal.CUT], [None], 40, False)
    assert all(terminal.width(row) <= 40 for row in out)
    assert any("SH01-2026-00001" in row for row in out)
    assert any(row.rstrip().endswith("…") for row in out)
    assert terminal.width("噪声 ab") == 7


@pytest.mark.parametrize("args, zh, en", [
    (["init", "--name", "x"], "缺少选项 --site", "missing option --site"),
    (["lst"], "没有命令「lst」(是否想用 list?)", "no such command 'lst'"),
    (["show", "SH01-2026-00001", "extra"], "多余的参数:extra", "unexpected extra argument(s): extra"),
    (["list", "--limit"], "选项 --limit 需要一个值", "option --limit needs a value"),
    (["list", "--bogus"], "没有选项 --bogus", "no such option --bogus"),
    (["assign"], "缺少参数 NUMBER", "missing argument NUMBER"),
])
def test_click_usage_errors_in_the_users_language(env, args, zh, en):
    r = tsms(*args, ok=False)
    assert r.exit_code == 2 and zh in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Missing" not in r.stderr and "No such" not in r.stderr and "Got unexpected" not in r.stderr
    r = tsms("--lang", "en", *args, ok=False)
    assert r.exit_code == 2 and en in r.stderr, r.stderr


def test_a_group_alone_shows_its_help(env):
    r = tsms("project", ok=False)
    assert r.exit_code == 0 and "add" in r.stdout and len(r.stdout.splitlines()) > 3


def _help(*args, columns=80):
    env = {k: v for k, v in os.environ.items() if k != "LINES"}
    r = subprocess.run([sys.executable, "-m", "tsms", *args, "--help"], env={**env, "COLUMNS": str(columns)},
                       capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    return r.stdout


def _wide(ch: str) -> bool:
    return terminal.char_width(ch) == 2


@pytest.mark.parametrize("command", [[], ["claim"], ["assign"], ["overdue"], ["warranty"], ["project", "add"],
                                     ["plan"], ["log"]])
def test_help_wraps_by_display_width_and_never_mid_word(command):
    text = _help(*command)
    rows = text.splitlines()
    for row in rows:
        assert terminal.width(row) <= 80, row
    assert "wa\n" not in text and "<str>" not in text and "{number}" not in text


def test_help_never_splits_a_word_across_lines():
    """Every word of the help text is whole on some line: join the lines of each paragraph
    back with spaces (or nothing between CJK characters) and compare with the source."""
    for command in (["claim"], ["warranty"], ["plan"], ["retention"], []):
        text = _help(*command)
        words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", text))
        wide = set(re.findall(r"[A-Za-z][A-Za-z'-]+", _help(*command, columns=1000)))
        assert words <= wide, sorted(words - wide)


def test_help_names_values_with_words_and_shows_examples():
    text = _help("assign")
    assert "NUMBER" in text and "--to NAME" in text and "--at DATE" in text
    assert "例 / Examples:" in text and "tsms assign SH01-2026-00001 --to 张三" in text
    assert "显示本帮助 / show this help" in text


def test_completion_script_for_bash_and_what_it_completes(demo_env):
    r = subprocess.run([sys.executable, "-m", "tsms", "completion", "bash"], env=demo_env, capture_output=True,
                       text=True, encoding="utf-8")
    assert r.returncode == 0 and "complete -o default -F _tsms_completion tsms" in r.stdout
    assert "_TSMS_COMPLETE=complete_bash" in r.stdout
    for shell in ("zsh", "fish"):
        assert subprocess.run([sys.executable, "-m", "tsms", "completion", shell], env=demo_env,
                              capture_output=True).returncode == 0

    def complete(words, cword):
        env = {**demo_env, "_TSMS_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return subprocess.run([sys.executable, "-m", "tsms"], env=env, capture_output=True, text=True,
                              encoding="utf-8").stdout.split()

    assert "SH01-2026-00006" in complete("tsms show SH01-2026-0000", 2)
    assert complete("tsms assign SH01-2026-00001 --to 张", 4) == ["张三"]
    assert "overdue" in complete("tsms ov", 1)


def test_completion_refuses_an_unknown_shell(env):
    r = tsms("completion", "tcsh", ok=False)
    assert r.exit_code == 2 and "tcsh" in r.stderr


def test_every_option_text_is_bilingual():
    import typer

    from tsms.cli import app

    missing = []

    def walk(command, path):
        for param in command.params:
            text = getattr(param, "help", None) or ""
            if re.search(r"[\u4e00-\u9fff]", text) and " / " not in text and not re.match(r"[a-z_]+/", text):
                missing.append(f"{path} {param.name}: {text}")
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "tsms")
    assert not missing, missing


@pytest.mark.parametrize("command, whole", [(["claim", "list"], r"P03-2026-W00\d"), (["plan", "2027"], r"2027-\d\d-\d\d"),
                                            (["rectify", "list"], r"P03-ZG2026-001")])
def test_claims_and_the_plan_fit_80_columns(demo_env, command, whole):
    code, out = in_terminal(command, demo_env)
    assert code == 0, out
    fits(out)
    assert re.search(whole, ESC.sub("", out)), out
    for row in ESC.sub("", out).splitlines():
        assert not re.search(r"(P03-\S*|\d{4}-\d{2}-?)$", row.rstrip()) or re.search(whole + "$", row.rstrip()), row
