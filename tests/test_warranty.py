"""Statutory warranty periods (《建设工程质量管理条例》 第四十条) at their edges."""

import datetime as dt
import json

import pytest

from conftest import dump, tsms, tsms_json
from tsms import rules

D = dt.date
BEIJING = rules.Season((11, 15), (3, 15))


def test_years_from_completion_leap_day():
    assert rules.warranty_expires_years(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert rules.warranty_expires_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert rules.warranty_expires_years(D(2025, 6, 30), 50) == D(2075, 6, 30)


def test_beijing_heating_two_full_periods():
    assert rules.warranty_expires_seasons(D(2025, 6, 30), 2, BEIJING) == D(2027, 3, 15)


def test_period_running_at_completion_does_not_count():
    assert rules.warranty_expires_seasons(D(2025, 12, 1), 2, BEIJING) == D(2028, 3, 15)
    assert rules.warranty_expires_seasons(D(2026, 2, 1), 2, BEIJING) == D(2028, 3, 15)
    # completed on the day a period starts: that period has begun, it does not count
    assert rules.warranty_expires_seasons(D(2025, 11, 15), 2, BEIJING) == D(2028, 3, 15)
    # completed the day after a period closes
    assert rules.warranty_expires_seasons(D(2026, 3, 16), 2, BEIJING) == D(2028, 3, 15)
    assert rules.warranty_expires_seasons(D(2026, 3, 14), 2, BEIJING) == D(2028, 3, 15)


def test_other_regions():
    harbin = rules.Season((10, 20), (4, 20))
    assert rules.warranty_expires_seasons(D(2025, 6, 30), 2, harbin) == D(2027, 4, 20)
    summer = rules.Season((6, 1), (9, 30))  # a period within one year
    assert rules.warranty_expires_seasons(D(2025, 6, 30), 2, summer) == D(2027, 9, 30)


@pytest.fixture
def p02(site):
    tsms("project", "add", "P02", "--name", "某住宅小区二期", "--kind", "building", "--region", "北京",
         "--completed", "2025-06-30", "--design-life", "50", "--client", "某房地产公司",
         "--retention", "1200000", "--liability-years", "2")
    return site


def test_completion_creates_every_part(p02):
    items = {i["part"]: i for i in tsms_json("warranty", "P02", "--as-of", "2026-11-23")}
    assert items["structure"] == {"part": "structure", "period": "50年", "starts": "2025-06-30",
                                  "expires": "2075-06-30", "status": "active"}
    assert items["waterproofing"]["expires"] == "2030-06-30"
    assert items["heating"]["expires"] == "2027-03-15" and items["heating"]["period"] == "2个采暖期"
    assert items["mep"]["expires"] == items["equipment"]["expires"] == items["decoration"]["expires"] == "2027-06-30"
    assert items["cooling"]["expires"] is None and items["cooling"]["status"] == "needs_term"
    assert items["other"]["status"] == "needs_term"
    p = tsms_json("project", "show", "P02")
    assert p["region"] == "beijing" and p["retention"] == 1200000 and p["liability_years"] == 2


def test_status_by_date(p02):
    items = {i["part"]: i["status"] for i in tsms_json("warranty", "P02", "--as-of", "2027-06-01")}
    assert items["mep"] == "expiring" and items["heating"] == "expired" and items["structure"] == "active"


def test_contract_may_lengthen(p02):
    r = tsms_json("warranty", "set", "P02", "waterproofing", "--years", "8", "--note", "合同第12条")
    assert r["expires"] == "2033-06-30" and r["source"] == "contract"
    assert {i["part"]: i["expires"] for i in tsms_json("warranty", "P02")}["waterproofing"] == "2033-06-30"
    tsms("warranty", "set", "P02", "heating", "--seasons", "3")
    tsms("warranty", "set", "P02", "other", "--years", "1")
    tsms("warranty", "set", "P02", "cooling", "--years", "2")


@pytest.mark.parametrize("part,term", [("mep", ["--years", "1"]), ("waterproofing", ["--years", "4"]),
                                       ("structure", ["--years", "30"]), ("heating", ["--seasons", "1"]),
                                       ("heating", ["--years", "1"])])
def test_shorter_term_refused_citing_the_article(p02, part, term):
    before = dump(p02)
    r = tsms("warranty", "set", "P02", part, *term, ok=False)
    assert r.exit_code == 2 and "第四十条" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert dump(p02) == before


def test_region_without_heating_needs_the_contract_term(site):
    tsms("project", "add", "P03", "--name", "上海项目", "--region", "shanghai", "--completed", "2025-06-30")
    items = {i["part"]: i for i in tsms_json("warranty", "P03")}
    assert items["heating"]["status"] == "needs_term"
    r = tsms("warranty", "set", "P03", "heating", "--seasons", "2", ok=False)
    assert r.exit_code == 2 and "--years" in r.stderr
    assert tsms_json("warranty", "set", "P03", "heating", "--years", "3")["expires"] == "2028-06-30"


def test_added_region_and_completion_later(site):
    tsms("region", "add", "tianjin", "--name", "天津", "--heating", "11-15:03-15")
    assert any(r["code"] == "tianjin" and r["heating"] == "11-15:03-15" for r in tsms_json("region", "list"))
    tsms("project", "add", "P04", "--name", "天津项目", "--region", "天津")
    r = tsms("warranty", "P04", ok=False)
    assert r.exit_code == 2 and "project complete" in r.stderr
    tsms("project", "complete", "P04", "2024-02-29")
    items = {i["part"]: i["expires"] for i in tsms_json("warranty", "P04")}
    assert items["waterproofing"] == "2029-02-28" and items["heating"] == "2026-03-15"
    assert tsms("project", "complete", "P04", "2024-03-01", ok=False).exit_code == 2


@pytest.mark.parametrize("args", [["region", "add", "x", "--name", "X", "--heating", "11-15"],
                                  ["region", "add", "x", "--name", "X", "--heating", "13-01:03-15"],
                                  ["region", "add", "beijing", "--name", "北京"],
                                  ["project", "add", "P09", "--name", "x", "--liability-years", "3"],
                                  ["project", "add", "P09", "--name", "x", "--completed", "2027-01-01"],
                                  ["warranty", "set", "P01", "roof", "--years", "5"],
                                  ["warranty", "set", "P01", "mep"],
                                  ["warranty", "P99"]])
def test_warranty_bad_input(site, args):
    before = dump(site)
    r = tsms(*args, ok=False)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert dump(site) == before


def test_claim_lifecycle_and_deadlines(p02):
    number = tsms("claim", "--project", "P02", "--part", "waterproofing", "--location", "5号楼1201卫生间",
                  "--content", "卫生间地面渗水至楼下", "--from", "业主赵先生", "--contact", "13900001111",
                  "--at", "2026-07-02 09:00").stdout.split()[0]
    assert number == "P02-2026-W001"
    c = tsms_json("claim", "show", number)
    assert c["inspect_due"] == "2026-07-09" and c["in_warranty"] is True and c["paid"] is False
    assert tsms("claim", "repair", number, "--result", "x", ok=False).exit_code == 2  # not inspected yet
    tsms("claim", "inspect", number, "--cause", "施工质量", "--at", "2026-07-03 10:00")
    tsms("claim", "repair", number, "--result", "重做防水层", "--at", "2026-07-05 10:00")
    r = tsms_json("claim", "accept", number, "--by", "业主赵先生", "--at", "2026-07-06 10:00")
    assert r["status"] == "accepted" and r["accepted_by"] == "业主赵先生"
    assert tsms("claim", "accept", number, ok=False).exit_code == 2
    shown = tsms("claim", "show", number).stdout  # labels and values in the clerk's language
    for expected in ("保修部位\t防水", "原因\t施工质量", "状态\t已验收", "验收人\t业主赵先生"):
        assert expected in shown, shown
    assert not any(code in shown for code in ("waterproofing", "construction", "accepted", "inspect_due"))


def test_claim_deadline_moves_off_a_holiday_and_emergency_is_same_day(p02):
    # 2026-09-24 + 7 days = 2026-10-01 (National Day, 1–7 October) → the first working day after: 10-08
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-09-24 09:00")
    assert tsms_json("claim", "show", "P02-2026-W001")["inspect_due"] == "2026-10-08"
    tsms("claim", "--project", "P02", "--part", "structure", "--content", "梁开裂", "--emergency",
         "--at", "2026-10-03 09:00")
    assert tsms_json("claim", "show", "P02-2026-W002")["inspect_due"] == "2026-10-03"


def test_claim_paid_service(p02, monkeypatch):
    monkeypatch.setenv("TSMS_NOW", "2027-08-01 09:00")
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "水管渗漏", "--at", "2027-07-15 09:00")
    assert tsms_json("claim", "show", "P02-2027-W001")["paid"] is True  # mep expired 2027-06-30
    tsms("claim", "--project", "P02", "--part", "waterproofing", "--content", "渗水", "--at", "2027-07-15 10:00")
    r = tsms_json("claim", "inspect", "P02-2027-W002", "--cause", "misuse", "--at", "2027-07-16 10:00")
    assert r["paid"] is True and r["in_warranty"] is True


def test_claim_refusals(site):
    tsms("project", "add", "P05", "--name", "未竣工")
    before = dump(site)
    for args in (["claim", "--project", "P05", "--part", "mep", "--content", "x"],
                 ["claim", "--project", "P01", "--part", "roof", "--content", "x"],
                 ["claim", "--project", "P01", "--part", "mep"],
                 ["claim", "inspect", "P01-2026-W009", "--cause", "misuse"]):
        r = tsms(*args, ok=False)
        assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1, args
    assert dump(site) == before


def test_retention_money(p02, monkeypatch):
    r = tsms_json("retention", "P02")
    assert r["amount"] == 1200000 and r["liability_ends"] == "2027-06-30"
    monkeypatch.setenv("TSMS_NOW", "2027-07-10 09:00")
    assert tsms("retention", "P02", "verify", ok=False).exit_code == 2  # apply first
    r = tsms_json("retention", "P02", "apply", "--at", "2027-07-01 09:00")
    assert r["verify_due"] == "2027-07-15"
    tsms("retention", "P02", "verify", "--at", "2027-07-08 09:00")
    assert tsms_json("retention", "P02", "return", "--at", "2027-07-09 09:00")["returned_at"].startswith("2027-07-09")


def test_attach_to_a_claim(p02, tmp_path):
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-09-24 09:00")
    photo = tmp_path / "漏水.jpg"
    photo.write_bytes(b"jpeg")
    assert tsms_json("attach", "P02-2026-W001", photo)[0]["number"] == "P02-2026-W001"
    assert tsms("check").exit_code == 0


def test_check_sees_claims(p02):
    tsms("claim", "--project", "P02", "--part", "mep", "--content", "漏水", "--at", "2026-09-24 09:00")
    tsms("claim", "inspect", "P02-2026-W001", "--cause", "construction", "--at", "2026-09-25 09:00")
    assert tsms("check").exit_code == 0
    import sqlite3

    con = sqlite3.connect(p02 / "ledger.sqlite3")
    con.execute("UPDATE claim SET inspected_at = '2026-01-01 00:00:00.000000'")
    con.commit()
    con.close()
    r = tsms("check", ok=False)
    assert r.exit_code == 3 and "保修单步骤先后颠倒" in r.stdout


# --------------------------------------------------------------------------- retention money, 建质〔2017〕138号


def _retention_project(monkeypatch, now="2026-06-01 09:00", *extra):
    monkeypatch.setenv("TSMS_NOW", now)
    tsms("project", "add", "P05", "--name", "五期", "--completed", "2025-06-30", "--retention", "300000",
         "--contract-sum", "10000000", "--liability-years", "1", "--manager", "刘工", *extra)


def test_retention_at_most_three_percent_of_the_contract_sum(site, monkeypatch):
    """138号 第七条: 保证金总预留比例不得高于工程价款结算总额的3%."""
    before = dump(site)
    r = tsms("project", "add", "P06", "--name", "六期", "--completed", "2025-06-30", "--retention", "300001",
             "--contract-sum", "10000000", ok=False)
    assert r.exit_code == 2 and "第七条" in r.stderr and dump(site) == before
    _retention_project(monkeypatch)
    assert tsms_json("retention", "P05")["cap"] == 300000


def test_retention_return_only_after_the_period_and_never_late_to_apply(site, monkeypatch):
    """138号 第十条 「缺陷责任期内…到期后,承包人可向发包人申请返还保证金」: a right, not a duty."""
    _retention_project(monkeypatch, "2026-07-10 09:00")
    assert tsms_json("retention", "P05")["liability_ends"] == "2026-06-30"
    r = tsms("retention", "P05", "apply", "--at", "2026-06-30 09:00", ok=False)  # the last day of the period
    assert r.exit_code == 2 and "第十条" in r.stderr
    late = tsms("overdue", "--as-of", "2026-07-10", "--json", ok=False)
    assert late.exit_code == 0  # a reminder, not a late step
    (item,) = [i for i in json.loads(late.stdout) if i["kind"] == "retention"]
    assert item["late"] is False and item["status"] == "can_apply" and item["due"] == "2026-06-30"
    assert "可申请" in tsms("overdue", "--as-of", "2026-07-10", ok=False).stdout
    tsms("retention", "P05", "apply", "--at", "2026-07-01 09:00")
    assert tsms_json("retention", "P05")["verify_due"] == "2026-07-15"


def test_a_silent_client_is_reminded_and_silence_counts_as_approval(site, monkeypatch):
    """138号 第十条: verify within 14 days; no answer → a reminder (催告); 14 more days of silence
    count as approval; the money is due back within 14 days of approval."""
    _retention_project(monkeypatch, "2026-08-20 09:00")
    tsms("retention", "P05", "apply", "--at", "2026-07-01 09:00")  # verify by 07-15
    r = tsms("retention", "P05", "remind", "--at", "2026-07-15 09:00", ok=False)  # still the client's time
    assert r.exit_code == 2
    tsms("retention", "P05", "remind", "--at", "2026-07-16 09:00")
    r = tsms_json("retention", "P05")
    assert r["deemed_approved_on"] == "2026-07-30" and r["return_due"] == "2026-08-13"
    items = json.loads(tsms("overdue", "--as-of", "2026-08-20", "--json", ok=False).stdout)
    # the client's 14 days ran out (met by the reminder, late); the money is what is owed now
    assert {(i["kind"], i["due"]) for i in items if i["kind"].startswith("retention")} == {
        ("retention_return", "2026-08-13")}
    tsms("retention", "P05", "return", "--at", "2026-08-20 09:00")
    items = json.loads(tsms("overdue", "--as-of", "2026-08-20", "--json", ok=False).stdout)
    assert not [i for i in items if i["kind"].startswith("retention")]


def test_verification_starts_the_14_days_to_return(site, monkeypatch):
    _retention_project(monkeypatch, "2026-07-20 09:00")
    tsms("retention", "P05", "apply", "--at", "2026-07-01 09:00")
    tsms("retention", "P05", "verify", "--at", "2026-07-10 09:00")
    assert tsms_json("retention", "P05")["return_due"] == "2026-07-24"


def test_liability_period_from_90_days_after_the_report_when_the_client_delays(site, monkeypatch):
    """138号 第八条: acceptance late through the client's fault → the period starts 90 days after
    the contractor's completion report (report 2025-01-10 → 2025-04-10, not acceptance 2025-06-30)."""
    _retention_project(monkeypatch, "2026-06-01 09:00", "--report", "2025-01-10", "--client-delay")
    r = tsms_json("retention", "P05")
    assert r["liability_from"] == "2025-04-10" and r["liability_ends"] == "2026-04-10"
    monkeypatch.setenv("TSMS_NOW", "2026-06-01 09:00")
    tsms("project", "add", "P07", "--name", "七期", "--retention", "1000")
    tsms("project", "complete", "P07", "2026-05-20", "--report", "2026-05-01", "--client-delay")
    assert tsms_json("retention", "P07")["liability_from"] == "2026-05-20"  # accepted within the 90 days
