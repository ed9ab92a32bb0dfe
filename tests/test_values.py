"""Issue 11, point 2: every enum value typed in English, Chinese or a common synonym, and an
unknown one refused with the nearest values (one parser for all enums, tsms.vocab)."""

import pytest

from conftest import NUMBER, dump, log, tsms, tsms_json
from tsms.vocab import Category, Channel, RevisitMethod, Satisfaction, Status, Urgency, Vocab


def refused(env, *args, naming=()):
    """Exit 2, one line naming each of ``naming``, the ledger as it was."""
    before = dump(env)
    r = tsms(*args, ok=False)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr + r.stdout
    for word in naming:
        assert word in r.stderr, (word, r.stderr)
    assert dump(env) == before
    return r.stderr


@pytest.mark.parametrize("typed, stored", [("噪音", "noise"), ("噪声", "noise"), ("noise", "noise"), ("NOISE", "noise"),
                                           ("质量", "quality"), ("night-work", "night_work"), ("其它", "other")])
def test_category_synonyms(site, typed, stored):
    number = tsms("log", "--category", typed, "--content", "吵", "--at", "2026-09-29 10:00").stdout.strip()
    assert tsms_json("show", number)["category"] == stored


def test_channel_and_urgency_synonyms(site):
    number = tsms("log", "--category", "noise", "--channel", "12345", "--urgency", "特急", "--content", "吵",
                  "--at", "2026-09-29 10:00").stdout.strip()
    c = tsms_json("show", number)
    assert (c["channel"], c["urgency"]) == ("hotline", "urgent")


@pytest.mark.parametrize("typed, stored", [("电话回访", "phone"), ("上门回访", "visit"), ("座谈", "meeting")])
def test_revisit_method_synonyms(site, typed, stored):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "已停止夜间打桩", "--at", "2026-09-30 15:00")
    tsms("revisit", NUMBER, "--method", typed, "--satisfaction", "很满意", "--at", "2026-10-08 10:00")
    c = tsms_json("show", NUMBER)
    assert c["revisits"][0]["method"] == stored and c["satisfaction"] == "satisfied"


@pytest.mark.parametrize("typed, nearest", [("噪间", "噪声"), ("nosie", "noise"), ("质亮", "quality")])
def test_an_unknown_category_suggests_the_nearest(site, typed, nearest):
    message = refused(site, "log", "--category", typed, "--content", "吵", naming=(typed, nearest, "是不是"))
    assert "dust/扬尘" in message  # and lists what is accepted


def test_an_unknown_method_suggests_the_nearest(site):
    log()
    tsms("assign", NUMBER, "--to", "张三", "--at", "2026-09-30 08:30")
    tsms("resolve", NUMBER, "--result", "好", "--at", "2026-09-30 15:00")
    refused(site, "revisit", NUMBER, "--method", "phnoe", "--satisfaction", "满意", "--at", "2026-10-08 10:00",
            naming=("phone", "是不是"))


def test_no_synonym_names_two_values():
    for enum in (Category, Channel, Urgency, Status, Satisfaction, RevisitMethod, *Vocab.__subclasses__()):
        seen = {}
        for member in enum:
            for word in (member.value, member.zh, *member.aliases):
                assert seen.setdefault(Vocab.fold(word), member) is member, (enum, word)
