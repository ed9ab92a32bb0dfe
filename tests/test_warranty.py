"""Statutory warranty periods (《建设工程质量管理条例》 第四十条) at their edges."""

import datetime as dt

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
