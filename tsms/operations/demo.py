"""``tsms demo``: a Shanghai site with a few weeks of complaints in every state and one late
revisit, and a project completed a year ago with its warranty items, claims, next year's
approved revisit plan and a rectification, built through the same operations a clerk uses.
Every event lies before the demo's clock, which is never ahead of the real one. Never
touches the real ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tsms import clock, rules
from tsms.errors import TsmsError
from tsms.operations import claims, complaints, plan, site, warranty
from tsms.store import engine as db
from tsms.vocab import t


def demo_path() -> Path:
    return db.default_path().with_name("tsms-demo.sqlite3")


def demo_moment(as_of: dt.date, now: dt.datetime) -> dt.datetime:
    """The demo's own clock: 17:30 on ``as_of``, or on the day before when that is still to
    come (a demo built at 02:16 holds nothing from later that day): every event in the past."""
    moment = dt.datetime.combine(as_of, dt.time(17, 30))
    return moment if moment <= now else moment - dt.timedelta(days=1)


def build(path: str | None, as_of: dt.date, site_code: str = "SH01",
          site_name: str = "上海某新建工程项目部") -> db.Ledger:
    """Build the demo ledger with its own clock (:func:`demo_moment`); another site code
    and name make another site's demo (head office's tests consolidate several)."""
    earliest = dt.date(clock.FIRST_YEAR, 2, 1)  # its complaints came in the weeks before
    if as_of < earliest:
        raise TsmsError(t("演示的 --as-of 最早为 {d}(演示的投诉在此前几周)",
                          "the demo's --as-of is {d} at the earliest (its complaints came in the weeks before)",
                          d=earliest))
    now = clock.now()
    if as_of > now.date():
        raise TsmsError(t("演示的 --as-of {d} 在将来;演示只记录已经发生的事", "the demo's --as-of {d} is in the future; "
                          "the demo records only what has happened", d=as_of))
    target = db.resolve_path(path) if path else demo_path()  # a database URL refused as for any ledger
    real = db.resolve_path(None)
    if target.resolve() == real.resolve() and target.exists():
        raise TsmsError(t("演示不会覆盖正式账本 {p}", "the demo does not overwrite the real ledger {p}", p=real))
    if target.exists():
        if not _is_demo(target):
            raise TsmsError(t("{p} 已存在且不是演示账本", "{p} exists and is not a demo ledger", p=target))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    moment = demo_moment(as_of, now)
    _fill(target, moment.date(), lambda: moment, site_code, site_name)
    return db.open_existing(str(target))


def _is_demo(path: Path) -> bool:
    import sqlite3

    try:
        con = sqlite3.connect(db.file_uri(path), uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'demo'").fetchone()
        finally:
            con.close()
        return row is not None
    except sqlite3.DatabaseError:
        return False


def _fill(path: Path, as_of: dt.date, now, site_code: str = "SH01", site_name: str = "上海某新建工程项目部") -> None:
    from tsms.store import calendar_source

    cal = rules.WorkCalendar(calendar_source.year_from_package)

    def day(back: int, hm: str) -> str:
        """``back`` working days before as_of, at hh:mm."""
        d = as_of
        while back:
            d -= dt.timedelta(days=1)
            if cal.is_working_day(d):
                back -= 1
        return f"{d.isoformat()} {hm}"

    site.init(path, site_code, site_name, by="资料员小周", now=now)
    lg = db.open_existing(str(path), now)
    site.mark_demo(lg)
    clerk = "资料员小周"
    site.add_project(lg, "P01", "某某路新建工程", "building", clerk, manager="王工", phone="021-5555",
                       address="上海市某区某某路88号", client="某房地产开发有限公司", region="shanghai")
    site.add_project(lg, "P02", "某路段市政道路改造工程", "municipal", clerk, manager="刘工", phone="021-6666",
                       address="上海市某区某路", region="shanghai")
    for name, dept, role in [("王建国", "项目部", "leader"), ("李敏", "工程部", "deputy"), ("张三", "工程部", "member"),
                             ("赵四", "安全部", "member"), ("陈静", "综合办", "member")]:
        site.add_staff(lg, name, dept, role, None, None, clerk)

    def log(project, channel, category, urgency, who, contact, address, content, at, **kw):
        return complaints.log(lg, project=project, channel=channel, category=category, urgency=urgency,
                             content=content, complainant=who, contact=contact, address=address, at=at,
                             by=clerk, **kw)["number"]

    # closed: night piling, revisited satisfied
    n = log("P01", "phone", "noise", "high", "李女士", "13812345678", "某小区3号楼",
            "夜间23点仍在打桩,噪声很大", day(14, "23:10"))
    complaints.assign(lg, n, to="张三", at=day(13, "08:30"), by=clerk)
    complaints.resolve(lg, n, result="已停止夜间打桩,调整作业时间至7:00-21:00", head="李敏", at=day(13, "15:00"), by="张三")
    complaints.revisit(lg, n, method="phone", satisfaction="satisfied", at=day(12, "10:00"), by=clerk)
    # archived: dust, closed and filed
    n = log("P01", "visit", "dust", "normal", "王先生", "13900002222", "某某路90号底商",
            "土方车进出未冲洗,路面扬尘严重", day(13, "09:20"))
    complaints.accept(lg, n, opinion="属实,受理", at=day(13, "09:40"), by="李敏")
    complaints.assign(lg, n, to="赵四", opinion="增设洗车台,专人清扫", at=day(13, "10:00"), by="李敏")
    complaints.resolve(lg, n, result="大门口增设洗车平台并安排保洁每日4次清扫", at=day(11, "16:00"), by="赵四")
    complaints.revisit(lg, n, method="visit", satisfaction="basic", note="路面已改善", at=day(10, "11:00"), by=clerk)
    complaints.archive(lg, n, at=day(9, "09:00"), by=clerk)
    # rejected: not this site's work
    n = log("P02", "phone", "other", "low", "孙先生", "13700003333", "某路与某路交叉口",
            "路灯不亮", day(10, "14:00"))
    complaints.reject(lg, n, reason="路灯由市政照明管理所负责,不属本工地施工范围",
                     advice="可拨打12345热线或联系区市政照明管理所", at=day(10, "14:20"), by="陈静")
    # hotline: resolved, answered, revisited
    n = log("P02", "hotline", "traffic", "normal", "周女士", "13600004444", "某路公交站",
            "施工围挡占用公交站台,候车不便", day(9, "10:00"), org="12345市民服务热线")
    complaints.assign(lg, n, to="李敏", at=day(9, "11:00"), by="王建国")
    complaints.resolve(lg, n, result="围挡后退1.5米,设置临时候车区和指示牌", at=day(7, "17:00"), by="李敏")
    complaints.reply(lg, n, text="已整改:围挡后退,设临时候车区", at=day(6, "09:00"), by="陈静")
    complaints.revisit(lg, n, method="phone", satisfaction="satisfied", at=day(6, "10:30"), by=clerk)
    # reopened: unsatisfied revisit, handling again
    n = log("P01", "letter", "damage", "normal", "吴先生", "13500005555", "某小区5号楼402室",
            "打桩振动后客厅墙面出现裂缝", day(7, "09:00"))
    complaints.assign(lg, n, to="张三", at=day(7, "11:00"), by=clerk)
    complaints.resolve(lg, n, result="已上门查看并修补裂缝", at=day(4, "16:00"), by="张三")
    complaints.revisit(lg, n, method="visit", satisfaction="unsatisfied", note="要求第三方鉴定",
                      at=day(3, "10:00"), by=clerk)
    # late revisit: resolved, follow-up not done in time
    n = log("P01", "phone", "waste", "normal", "郑阿姨", "13400006666", "某小区南门",
            "渣土车沿途撒落", day(8, "08:40"))
    complaints.assign(lg, n, to="赵四", at=day(8, "09:30"), by=clerk)
    complaints.resolve(lg, n, result="车辆加装密闭盖板,沿线清扫", at=day(5, "15:00"), by="赵四")
    # serious: escalated at once, in hand
    n = log("P01", "visit", "safety", "urgent", "物业钱经理", "021-88889999", "某小区北侧围墙",
            "塔吊吊物越过小区上空", day(1, "10:15"), serious=True, org="某小区物业")
    complaints.escalate(lg, n, at=day(1, "10:30"), by="李敏")
    complaints.assign(lg, n, to="赵四", opinion="立即调整塔吊回转限位", at=day(1, "10:40"), by="王建国")
    # accepted, waiting for a handler
    n = log("P02", "email", "drainage", "normal", "冯先生", "feng@example.com", "某路12弄",
            "施工排水堵塞弄堂下水道", day(1, "16:00"))
    complaints.accept(lg, n, at=day(1, "16:30"), by="陈静")
    # received this morning
    log("P01", "phone", "night_work", "normal", "褚女士", "13300007777", "某小区1号楼",
        "昨晚22点半还有混凝土泵车作业", day(0, "08:50"), occurred_at=day(1, "22:30"))

    # after-sales: a housing estate completed 13 months ago, in warranty
    completed = max(as_of - dt.timedelta(days=400), dt.date(clock.FIRST_YEAR, 1, 1))
    site.add_project(lg, "P03", "某住宅小区一期", "building", clerk, manager="孙工", phone="021-7777",
                     address="上海市某区某某路66弄", client="某置业有限公司", region="shanghai", completed_on=completed,
                     design_life=50, retention=300000.0, contract_sum=12000000.0, liability_years=2)
    warranty.set_term(lg, "P03", "heating", years=2, note="合同约定:供热与供冷系统保修2年", by=clerk)
    warranty.set_term(lg, "P03", "cooling", years=2, note="合同约定:供热与供冷系统保修2年", by=clerk)
    plan.quality_revisit(lg, plan_item=None, project="P03", method="visit", satisfaction="satisfied", scores=None,
                         found=None, signed_by="物业经理", met="物业经理", visitors="王建国", note="竣工后首次回访",
                         owner=None, at=f"{(completed + dt.timedelta(days=20)).isoformat()} 10:00", by=clerk)
    w = claims.log_claim(lg, project="P03", part="waterproofing", content="地下室外墙渗水", location="2号楼地下室",
                         complainant="物业经理", contact="021-66667777", at=day(6, "09:30"), by=clerk)["number"]
    claims.inspect(lg, w, cause="construction", note="外墙防水层搭接不良", at=day(5, "10:00"), by="孙工")
    claims.repair(lg, w, result="重做外墙防水层并打胶", at=day(3, "16:00"), by="孙工")
    claims.log_claim(lg, project="P03", part="decoration", content="卫生间地砖空鼓", location="5号楼1201室",
                     complainant="业主周先生", contact="13200008888", at=day(1, "14:00"), by=clerk)
    plan.quality_revisit(lg, plan_item=None, project="P03", method="visit", satisfaction="basic",
                         scores="quality=4,service=5,timeliness=4", found="3号楼外墙局部渗水", signed_by="物业经理",
                         met="物业经理", visitors="王建国", note=None, owner="孙工", at=day(2, "15:00"), by=clerk)
    try:
        plan.draft(lg, as_of.year + 1, by=clerk)
    except TsmsError:  # a year the plan does not take (the demo as of 1950, or of 2100)
        return
    plan.approve(lg, as_of.year + 1, by="总经理")
