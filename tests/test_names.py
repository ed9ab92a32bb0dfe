"""Issue 11, point 2: the names a command takes are checked against the staff list (any
department), an unknown one refused with the closest names; no output says (None); project
codes matched in any case."""

import pytest

from conftest import NUMBER, log, on_site, refused, tsms, tsms_json


@pytest.fixture
def team(env, templates, monkeypatch):
    """The site with someone of another department on the staff list, and one complaint."""
    def steps():
        tsms("staff", "add", "王五", "--dept", "物业部")
        log()

    return on_site(templates, env, monkeypatch, "names-team", steps)


def test_assign_to_an_unknown_name_suggests_the_closest(team):
    message = refused(team, "assign", NUMBER, "--to", "王伍", "--at", "2026-09-30 08:30", naming=("王伍", "王五"))
    assert "是不是" in message


def test_an_unknown_name_with_nothing_close_lists_the_staff(team):
    refused(team, "assign", NUMBER, "--to", "欧阳修", "--at", "2026-09-30 08:30", naming=("张三", "李四", "王五"))


def test_someone_of_another_department_on_the_staff_list_handles(team):
    r = tsms("assign", NUMBER, "--to", "王五", "--at", "2026-09-30 08:30")
    assert "王五(物业部)" in r.stdout and "None" not in r.stdout
    c = tsms_json("show", NUMBER)
    assert (c["assignee"], c["department"]) == ("王五", "物业部")


def test_assign_never_prints_none(team):
    for args in (["assign", NUMBER, "--to", "王五", "--at", "2026-09-30 08:30"],
                 ["assign", NUMBER, "--to", "张三", "--dept", "工程部", "--at", "2026-09-30 09:30"],
                 ["show", NUMBER], ["list"], ["history", NUMBER]):
        assert "None" not in tsms(*args).stdout


def test_escalate_to_an_unknown_name_is_refused(team):
    refused(team, "escalate", NUMBER, "--to", "张叁", "--at", "2026-09-30 08:00", naming=("张叁", "张三"))
    tsms("escalate", NUMBER, "--to", "李四", "--at", "2026-09-30 08:00")
    assert tsms_json("show", NUMBER)["serious"] is True


def test_project_codes_in_any_case(site):
    number = tsms("log", "--project", "p01", "--category", "noise", "--content", "吵",
                  "--at", "2026-09-29 10:00").stdout.strip()
    assert tsms_json("show", number)["project"] == "P01"
    assert tsms_json("list", "--project", "p01")[0]["number"] == number
    refused(site, "project", "add", "p01", "--name", "另一个", naming=("P01",))
