"""The clerk's day, finished (issue 11): as-of dates as typed, region and part labels,
contacts in the terminal listing, key-value views fitted to 80 columns without escape codes
off a terminal, overdue on one line an item, Chinese line-breaking, click's own words in
Chinese, command summaries cut by display width, dates without a time shown as dates."""

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import log, tsms, tsms_json
from tsms import clock
from tsms.render import terminal

# TSMS_NOW is 2026-11-23 09:00 (conftest.env)


@pytest.mark.parametrize("typed, day", [("12月10日", dt.date(2026, 12, 10)), ("12/10", dt.date(2026, 12, 10)),
                                        ("１１月２０日", dt.date(2026, 11, 20)), ("11-01", dt.date(2026, 11, 1)),
                                        ("2026年12月10日", dt.date(2026, 12, 10))])
def test_an_as_of_date_without_a_year_is_this_years(env, typed, day):
    assert clock.parse_date(typed) == day


def test_overdue_as_of_a_month_and_day(site):
    log("2026-11-02 10:00")
    r = tsms("overdue", "--as-of", "12月10日", ok=False)
    assert r.exit_code == 1, r.stderr
    assert "截至 2026-12-10" in r.stdout
    r = tsms("overdue", "--as-of", "2月30日", ok=False)
    assert r.exit_code == 2 and "--as-of" in r.stderr and "11月23日" in r.stderr


def test_regions_and_parts_read_as_chinese_labels(site):
    tsms("project", "add", "P02", "--name", "某住宅小区二期", "--kind", "building", "--region", "beijing",
         "--completed", "2025-06-30")
    listing = tsms("project", "list").stdout
    assert "北京" in listing and "beijing" not in listing
    assert "地区\t北京" in tsms("project", "show", "P02").stdout
    assert "地区 北京" in tsms("warranty", "P02").stdout
    out = tsms("warranty", "set", "P02", "waterproofing", "--years", "8").stdout
    assert out.startswith("防水:8年") and "waterproofing" not in out
    assert "mep" not in tsms("warranty", "set", "P02", "mep", "--years", "3").stdout
    tsms("project", "add", "P03", "--name", "上海项目", "--region", "shanghai", "--completed", "2025-06-30")
    r = tsms("warranty", "set", "P03", "heating", "--seasons", "3", ok=False)
    assert r.exit_code == 2 and "上海" in r.stderr and "shanghai" not in r.stderr
    # JSON keeps the code and adds the name; English shows the code
    p = tsms_json("project", "show", "P02")
    assert p["region"] == "beijing" and p["region_name"] == "北京"
    assert "beijing" in tsms("--lang", "en", "project", "list").stdout


# the terminal's helpers, and its demo ledger (a fixture), from the terminal's tests
from test_terminal import ESC, demo_env, fits, in_terminal  # noqa: E402,F401


def test_list_shows_the_contact_masked_and_in_full_with_contacts(site):
    log("2026-10-08 09:00")
    out = tsms("list").stdout
    assert "李女士 138****5678" in out and "13812345678" not in out
    assert "李女士 13812345678" in tsms("list", "--with-contacts").stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_list_with_contacts_fits_80_columns_in_a_terminal(demo_env, lang):
    code, out = in_terminal(["list", "--with-contacts", "--lang", lang], demo_env)
    assert code == 0, out
    fits(out)
    plain = ESC.sub("", out)
    assert "13800001111" in plain or "13812345678" in plain, plain
    code, out = in_terminal(["list", "--lang", lang], demo_env)
    assert "****" not in ESC.sub("", out)  # at 80 columns the masked contact gives way
    code, out = in_terminal(["list", "--lang", lang], demo_env, columns=120)
    assert "****" in ESC.sub("", out)


def _help(*args, columns=80, lang=None):
    env = {k: v for k, v in os.environ.items() if k not in ("LINES", "TSMS_LANG")}
    if lang:
        env["TSMS_LANG"] = lang
    r = subprocess.run([sys.executable, "-m", "tsms", *args, "--help"], env={**env, "COLUMNS": str(columns)},
                       capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    return r.stdout


CLICK_WORDS = ("Usage:", "Options:", "Arguments:", "Commands:", "[required]", "[default:", "Try '", "for help",
               "Missing", "No such", "Got unexpected", "Invalid value", "Error:")


@pytest.mark.parametrize("command", [[], ["list"], ["project"], ["project", "add"], ["claim"], ["overdue"]])
def test_clicks_own_words_are_chinese_in_help(command):
    text = _help(*command)
    for word in CLICK_WORDS:
        assert word not in text, (word, text)
    assert text.startswith("用法:tsms")
    assert "选项:" in text
    english = _help(*command, lang="en")
    assert english.startswith("Usage: tsms") and "Options:" in english


def test_required_and_default_are_chinese():
    assert "[必填]" in _help("project", "add") and "参数:" in _help("project", "add")
    assert "[默认:100]" in _help("list")
    assert "命令:" in _help()
    assert "[required]" in _help("project", "add", lang="en")
    assert "[default: 100]" in " ".join(_help("list", lang="en").split())


@pytest.mark.parametrize("args", [["list", "--limit", "abc"], ["--lang", "xx", "list"], ["list", "--status"],
                                  ["show"], ["lst"], ["show", "1", "2"], ["list", "--json=1"], ["init"]])
def test_usage_errors_carry_no_english_words_of_click(env, args):
    r = tsms(*args, ok=False)
    assert r.exit_code == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    for word in CLICK_WORDS + ("unknown", "accepted"):
        assert word not in r.stderr, (word, r.stderr)


def test_command_summaries_fit_one_line_and_end_at_a_phrase():
    from tsms.cli.helptext import SHORT, summary

    text = _help()
    section = text.split("命令:\n", 1)[1].split("\n\n", 1)[0]
    rows = section.splitlines()
    assert len(rows) > 30
    import typer

    from tsms.cli import app

    commands = typer.main.get_command(app).commands
    for row in rows:
        assert row.startswith("  ") and not row.startswith("   "), row  # one line a command, none wrapped
        assert terminal.width(row) <= 80, row
        name, shown = row.split(None, 1)
        if name in SHORT:  # a line of its own, 中文 / English, whole
            assert shown == SHORT[name] and " / " in shown and not shown.endswith("…"), row
            continue
        whole = " ".join(commands[name].help.split("\n\n")[0].split())
        if shown.endswith("…"):
            kept = shown[:-1]
            assert whole.startswith(kept), (kept, whole)
            following = whole[len(kept):]
            # what was dropped starts a new phrase: never the rest of a word
            assert not (kept[-1:].isascii() and kept[-1:].isalnum() and following[:1].isalnum()), row
        else:
            assert shown == whole, (shown, whole)
    # the cut falls after a phrase: never inside an English word or a Chinese phrase
    cut = summary("工作日历 / the working-day calendar: `calendar 2026`, `calendar set DATE workday`", 40)
    assert cut == "工作日历 / the working-day calendar…", cut
    assert summary("受理 / accept a complaint.", 40) == "受理 / accept a complaint."
    cut = summary("建一个演示账本并显示列表和逾期 / build a demo ledger and show list and overdue.", 40)
    assert cut == "建一个演示账本并显示列表和逾期…", cut
    cut = summary("an English sentence without any punctuation that goes on and on", 30)
    assert cut == "an English sentence without…", cut
    assert terminal.width(summary("很" * 60, 21)) <= 21


LONG = ("打桩振动后客厅墙面出现裂缝,卧室窗框也有变形,业主要求施工方上门查看并出具鉴定报告,同时希望在鉴定完成之前暂停夜间施工。"
        "The owner asks for a written survey report before any further piling work continues.")


def _long_complaint(demo_env):
    env = {**demo_env}
    r = subprocess.run([sys.executable, "-m", "tsms", "edit", "SH01-2026-00005", "--content", LONG, "--reason", "补充"],
                       env=env, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("command", [["show", "5"], ["claim", "show", "P03-2026-W001"], ["config"]])
def test_key_value_views_fit_80_columns_with_values_wrapped_under_their_column(demo_env, command):
    _long_complaint(demo_env)
    code, out = in_terminal(command, {**demo_env, "NO_COLOR": "1"})
    assert code == 0, out
    assert "\x1b" not in out  # NO_COLOR: no bold, no italic, nothing
    fits(out)
    rows = out.splitlines()
    if command[0] == "show":
        start = next(i for i, row in enumerate(rows) if row.startswith("投诉内容详细说明"))
        column = rows[start].index("打桩")
        assert terminal.width(rows[start][:column]) == terminal.width(rows[start - 1][:rows[start - 1].index("2026")])
        following = rows[start + 1]
        assert following[:column].strip() == "" and following[column:].strip(), rows[start:start + 3]
        joined = rows[start][column:] + "".join(r[column:] if r[:column].strip() == "" else "" for r in rows[start + 1:start + 4])
        assert "业主要求" in joined and "survey" in " ".join(rows[start:start + 5])
        # English words are whole on some line
        for word in re.findall(r"[A-Za-z]+", LONG):
            assert re.search(rf"\b{word}\b", out), word


@pytest.mark.parametrize("command", [["show", "5"], ["claim", "show", "P03-2026-W001"]])
def test_key_value_views_bold_labels_only_on_a_colour_terminal(demo_env, command):
    code, out = in_terminal(command, demo_env)
    assert "\x1b[1m" in out
    code, out = in_terminal(["--no-color", *command], demo_env)
    assert "\x1b" not in out
    piped = subprocess.run([sys.executable, "-m", "tsms", *command], env=demo_env, capture_output=True, text=True,
                           encoding="utf-8")
    assert piped.returncode == 0 and "\x1b" not in piped.stdout and "\t" in piped.stdout


@pytest.mark.parametrize("limit", range(4, 30))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(limit):
    text = "工地:上海某新建工程项目部,夜间打桩、噪声很大。(见附件「照片」)“请尽快处理”!the end, (really)."
    lines = terminal.wrap(text, limit)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for row in lines:
        assert row[:1] not in terminal.CLOSING, lines
        assert row[-1:] not in terminal.OPENING, lines


def test_help_and_views_follow_the_line_breaking_rules(demo_env):
    for command in ([], ["config"], ["retention"], ["plan"], ["list"]):
        text = _help(*command)
        for row in text.splitlines():
            body = row.strip()
            assert body[:1] not in terminal.CLOSING or body[:1] in ".", row
    code, out = in_terminal(["config"], {**demo_env, "NO_COLOR": "1"})
    for row in out.splitlines():
        assert row.strip()[:1] not in terminal.CLOSING, row


def _items(out: str) -> list[str]:
    return [row for row in ESC.sub("", out).splitlines() if re.match(r"^\S.*\b(SH01-2026-\d{5}|P\d\d-\d{4}-W\d{3})\b", row)]


@pytest.mark.parametrize("args", [["overdue"], ["overdue", "--within", "5"], ["--lang", "en", "overdue", "--within", "5"],
                                  ["overdue", "--as-of", "2027-03-01"]])
def test_overdue_keeps_each_item_on_one_line_at_80_columns(demo_env, args):
    code, out = in_terminal(args, demo_env)
    assert code == 1, out
    fits(out)
    plain = ESC.sub("", out)
    rows = plain.splitlines()
    items = _items(out)
    assert len(items) >= (3 if len(args) > 1 else 1), plain
    for row in items:
        i = rows.index(row)
        following = rows[i + 1] if i + 1 < len(rows) else ""
        # the next line is another item (or the end): nothing of this one wrapped below it
        assert not following.startswith(" "), (row, following)
        assert re.search(r"\d{4}-\d{2}-\d{2}", row), row
    late = next(row for row in items if "SH01-2026-00006" in row)
    assert "郑阿姨" in late  # the name is never cut
    assert re.search(r"\d{4}-\d\d-\d\d\s+\d+\s+\d+", late), late  # due date, working days late, days late


def test_overdue_columns_given_way_come_back_on_a_wide_terminal_and_a_pipe(demo_env):
    code, out = in_terminal(["overdue", "--within", "5"], demo_env, columns=160)
    plain = ESC.sub("", out)
    assert "134****6666" in plain and "P01" in plain and "资料员小周" in plain
    piped = subprocess.run([sys.executable, "-m", "tsms", "overdue", "--within", "5"], env=demo_env,
                           capture_output=True, text=True, encoding="utf-8")
    head = piped.stdout.splitlines()[1].split("\t")
    assert head == ["环节", "编号", "工程代码", "期限", "逾期工作日", "逾期天数", "情况", "责任人", "投诉人", "联系方式"]


def test_fit_table_leaves_out_optional_columns_in_order():
    rows = [["SH01-2026-00001", "P01", "2026-11-23", "张三", "138****5678"]]
    cols = ["编号", "工程", "期限", "投诉人", "联系方式"]
    kinds = [terminal.KEEP] * 5
    wide = terminal.fit_table(None, cols, rows, None, kinds, [None], 80, False, optional=[4, 1])
    assert "138****5678" in wide[-1] and "P01" in wide[-1]
    narrow = terminal.fit_table(None, cols, rows, None, kinds, [None], 36, False, optional=[4, 1])
    assert "138****5678" not in narrow[-1] and "P01" in narrow[-1]
    narrower = terminal.fit_table(None, cols, rows, None, kinds, [None], 32, False, optional=[4, 1])
    assert narrower[-1].split() == ["SH01-2026-00001", "2026-11-23", "张三"]


def test_a_step_dated_without_a_time_is_shown_as_a_date_everywhere(site, tmp_path):
    number = log("2026-11-02 10:00")
    tsms("accept", number, "--at", "2026-11-03")
    tsms("assign", number, "--to", "张三", "--at", "2026-11-04 09:15")
    tsms("resolve", number, "--result", "已停止夜间打桩", "--at", "11月10日")
    tsms("revisit", number, "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-11-20")
    c = tsms_json("show", number)
    # JSON keeps ISO 8601 (the day's midnight) and says the time is not known
    assert c["accepted_at"] == "2026-11-03T00:00:00+08:00" and c["accepted_time_known"] is False
    assert c["assigned_at"] == "2026-11-04T09:15:00+08:00" and c["assigned_time_known"] is True
    assert c["resolved_time_known"] is False and c["revisited_time_known"] is False and c["closed_time_known"] is False
    assert c["received_time_known"] is True
    assert {s["kind"]: s["done_time_known"] for s in c["deadlines"]} == {"accept": False, "resolve": False,
                                                                         "revisit": False}
    assert c["revisits"][0]["time_known"] is False
    # the terminal: the day alone, never 00:00
    out = tsms("show", number).stdout
    assert "00:00" not in out
    assert "处理完成时间\t2026-11-10\n" in out and "回访时间\t2026-11-20\n" in out
    assert "派单时间\t2026-11-04 09:15" in out
    history = tsms("history", number).stdout
    assert "00:00" not in history and "untimed" not in history
    assert re.search(r"^2026-11-03\t", history, re.M) and re.search(r"^2026-11-04 09:15\t", history, re.M)
    row = tsms_json("list")[0]
    assert row["resolved_time_known"] is False and row["assigned_time_known"] is True
    assert "untimed" in json.dumps(tsms_json("history", number))  # the event keeps its mark
    # the workbooks: a date-only cell, never 00:00 — the monthly ledger sheet and the form
    from openpyxl import load_workbook

    tsms("report", "--month", "2026-11", "--xlsx", str(tmp_path / "m.xlsx"), "--as-of", "2026-11-30")
    ws = load_workbook(tmp_path / "m.xlsx")["投诉台账"]
    header = [c.value for c in ws[2]]
    row3 = {h: c for h, c in zip(header, ws[3])}
    done = row3["处理完成时间"]
    assert done.value == dt.datetime(2026, 11, 10) and done.number_format == "yyyy-mm-dd"
    assert row3["投诉时间"].number_format == "yyyy-mm-dd hh:mm"
    tsms("show", number, "--xlsx", str(tmp_path / "f.xlsx"))
    form = load_workbook(tmp_path / "f.xlsx")
    formats = {c.value: c.number_format for r in form.worksheets[0].iter_rows() for c in r
               if isinstance(c.value, dt.datetime)}
    assert formats[dt.datetime(2026, 11, 10)] == "yyyy-mm-dd" and formats[dt.datetime(2026, 11, 2, 10)] != "yyyy-mm-dd"
    visit = {c.value: c.number_format for r in form["回访单"].iter_rows() for c in r if isinstance(c.value, dt.datetime)}
    assert visit[dt.datetime(2026, 11, 20)] == "yyyy-mm-dd"


def test_a_date_alone_on_the_previous_steps_day_is_shown_as_that_day(site):
    number = log("2026-11-02 10:00")
    tsms("accept", number, "--at", "2026-11-02")
    c = tsms_json("show", number)
    assert c["accepted_at"] == "2026-11-02T10:00:00+08:00" and c["accepted_time_known"] is False
    assert "受理时间\t2026-11-02\n" in tsms("show", number).stdout
    tsms("resolve", number, "--result", "x", ok=False)  # not assigned: refused, nothing else changes
    assert tsms_json("show", number)["received_time_known"] is True


@pytest.mark.parametrize("command", [["history", "SH01-2026-00001"], ["show", "1"], ["list"], ["overdue"]])
def test_a_clerks_reading_command_never_imports_openpyxl(demo_env, command):
    code = ("import atexit, sys\n"
            "atexit.register(lambda: sys.__stdout__.write('\\nOPENPYXL=%s\\n' % ('openpyxl' in sys.modules)))\n"
            f"sys.argv = ['tsms', *{command!r}]\n"
            "from tsms.cli import main\nmain()\n")
    r = subprocess.run([sys.executable, "-c", code], env=demo_env, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode in (0, 1), r.stderr
    assert "OPENPYXL=False" in r.stdout, r.stdout[-200:]


def test_an_amount_that_is_not_a_number_is_refused_in_chinese(site):
    r = tsms("project", "add", "P09", "--name", "x", "--retention", "abc", ok=False)
    assert r.exit_code == 2 and "--retention 的值「abc」不是金额" in r.stderr and "Input should" not in r.stderr
    tsms("project", "add", "P09", "--name", "x", "--retention", "１２００", "--contract-sum", "100,000")
    p = tsms_json("project", "show", "P09")
    assert p["retention"] == 1200 and p["contract_sum"] == 100000


def test_the_workbooks_ledger_rows_say_which_moments_are_dates_alone(site):
    import os as _os

    from tsms.queries import reports
    from tsms.store import engine

    number = log("2026-11-02 10:00")
    tsms("assign", number, "--to", "张三", "--at", "2026-11-03")
    tsms("resolve", number, "--result", "已停", "--at", "2026-11-05 16:20")
    other = log("2026-11-06 10:00", "--again")
    tsms("accept", other, "--at", "2026-11-06 11:00")
    ledger = engine.open_existing(_os.environ["TSMS_DB"])
    with reports.rows(ledger, reports.period(month="2026-11")) as rows:
        got = {r["number"]: r for r in rows.complaints()}
    assert got[number]["accepted_time_known"] is False  # accepted by the assignment, on a date alone
    assert got[number]["resolved_time_known"] is True and got[number]["received_time_known"] is True
    assert got[other]["accepted_time_known"] is True


def test_a_claim_step_dated_without_a_time_is_shown_as_a_date(site):
    """Warranty claims too (issue 11 §4): a date typed alone is the day, never 00:00."""
    tsms("project", "complete", "P01", "2026-06-30")
    number = tsms_json("claim", "--project", "P01", "--part", "waterproofing", "--content", "屋顶渗水",
                       "--from", "王先生", "--at", "2026-11-18")["number"]
    tsms("claim", "inspect", number, "--cause", "construction", "--at", "2026-11-19 09:30")
    tsms("claim", "repair", number, "--result", "重做防水层", "--at", "11月20日")
    c = tsms_json("claim", "show", number)
    assert c["received_time_known"] is False and c["inspected_time_known"] is True
    assert c["repaired_time_known"] is False and c["accepted_time_known"] is True  # not yet: nothing to hide
    out = tsms("claim", "show", number).stdout
    assert "00:00" not in out and "2026-11-20" in out and "2026-11-19 09:30" in out
