"""Issue 11, point 3: finding a complaint the way a clerk looks for it — a phone's last four
digits, the handler, open states and comma lists, short numbers, a default project."""

import pytest

from conftest import NUMBER, log, on_site, refused, tsms, tsms_json


@pytest.fixture
def several(env, templates, monkeypatch):
    """Four complaints: received, assigned to 李四, closed, and a rejected hotline complaint
    whose reply to the department is still owed."""
    def steps():
        log("2026-10-09 10:00")                                                             # 1 received
        tsms("log", "--category", "dust", "--from", "王先生", "--contact", "139-0000-1111", "--content", "灰大",
             "--at", "2026-10-09 11:00")                                                    # 2
        tsms("assign", "SH01-2026-00002", "--to", "李四", "--at", "2026-10-09 11:30")
        tsms("log", "--category", "waste", "--contact", "13700002222", "--content", "渣土", "--at", "2026-10-09 12:00")
        tsms("assign", "SH01-2026-00003", "--to", "张三", "--at", "2026-10-09 13:00")      # 3 closed
        tsms("resolve", "SH01-2026-00003", "--result", "已清", "--at", "2026-10-09 15:00")
        tsms("revisit", "SH01-2026-00003", "--method", "phone", "--satisfaction", "satisfied", "--at", "2026-10-10 10:00")
        tsms("log", "--category", "other", "--channel", "hotline", "--content", "不归我们管",
             "--at", "2026-10-09 14:00")
        tsms("reject", "SH01-2026-00004", "--reason", "非本工地", "--at", "2026-10-09 14:30")  # 4 rejected, reply owed

    return on_site(templates, env, monkeypatch, "finding-several", steps)


def numbers(*args):
    return sorted(int(c["number"].rsplit("-", 1)[1]) for c in tsms_json("list", *args))


def test_search_by_the_last_four_digits_or_the_whole_number(several):
    assert numbers("--search", "5678") == [1]
    assert numbers("--search", "13812345678") == [1]
    assert numbers("--search", "1111") == [2]                      # typed 139-0000-1111
    assert numbers("--search", "13900001111") == [2]
    assert numbers("--search", "1234") == []                        # four digits: the end of the number only


def test_list_by_assignee(several):
    assert numbers("--assignee", "李四") == [2]
    assert numbers("--assignee", "张三") == [3]
    refused(several, "list", "--assignee", "李肆", naming=("李肆", "李四"))


def test_list_open_and_several_states(several):
    assert numbers("--status", "open") == [1, 2, 4]                # 4: its reply is still owed
    assert numbers("--status", "未办结") == [1, 2, 4]
    assert numbers("--status", "received,assigned") == [1, 2]
    assert numbers("--status", "已登记，已派单") == [1, 2]
    assert numbers("--status", "已登记,closed") == [1, 3]
    assert numbers("--status", "closed") == [3]


def test_an_unknown_state_is_refused_listing_the_states(several):
    refused(several, "list", "--status", "received,opne", naming=("opne", "open", "received/已登记", "rejected/不予受理"))


@pytest.mark.parametrize("typed", ["1", "00001", "2026-1", "2026-00001", "sh01-2026-1", NUMBER])
def test_short_numbers(several, typed):
    assert tsms_json("show", typed)["number"] == NUMBER


def test_short_numbers_in_actions(several):
    tsms("assign", "2", "--to", "张三", "--at", "2026-10-09 12:00")
    tsms("resolve", "00002", "--result", "已洒水", "--at", "2026-10-09 16:00")
    assert tsms_json("show", "2026-2")["status"] == "resolved"
    assert tsms_json("history", "1")[0]["details"]["number"] == NUMBER


def test_a_bare_number_is_this_years(several, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2027-01-05 09:00")
    refused(several, "show", "1", naming=("SH01-2027-00007", "2027-7"))
    assert tsms_json("show", "2026-1")["number"] == NUMBER


def test_refusals_name_this_ledgers_site(env):
    tsms("init", "--site", "SH02", "--name", "二号工地")
    message = refused(env, "show", "99", naming=("SH02-2026-00007",))
    assert "SH01" not in message


def test_log_uses_the_only_project_or_the_default(several):
    tsms("project", "add", "P02", "--name", "二期")
    refused(several, "log", "--category", "noise", "--content", "吵", naming=("P01", "P02", "default_project"))
    tsms("config", "default_project", "p02")
    assert tsms_json("config")["default_project"] == "P02"
    number = tsms("log", "--category", "noise", "--content", "吵", "--at", "2026-10-10 10:00").stdout.strip()
    assert tsms_json("show", number)["project"] == "P02"
    assert tsms_json("log", "--project", "P01", "--category", "dust", "--content", "灰", "--at", "2026-10-10 11:00")
    tsms("config", "default_project", "none")
    assert tsms_json("config")["default_project"] is None
    refused(several, "log", "--category", "noise", "--content", "吵", naming=("P01", "P02"))
    refused(several, "config", "default_project", "P9", naming=("P9", "P01"))
    assert tsms("check").exit_code == 0


def test_attach_takes_a_short_number(several):
    photo = several / "现场.jpg"
    photo.write_bytes(b"\xff\xd8photo")
    tsms("attach", "2", str(photo))
    assert [a["name"] for a in tsms_json("show", "SH01-2026-00002")["attachments"]] == ["现场.jpg"]
