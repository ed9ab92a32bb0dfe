"""Warranty periods, 《建设工程质量管理条例》 第四十条 and 《房屋建筑工程质量保修办法》, and
the defect liability period of 建质〔2017〕138号."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tsms.errors import TsmsError
from tsms.vocab import t

from tsms.rules.periods import add_period

__all__ = ['WARRANTY_MINIMUMS', 'Season', 'warranty_expires_years', 'warranty_expires_seasons', 'liability_end', 'liability_start', 'RETENTION_CAP', 'retention_cap', 'month_day', 'season_from', 'statutory_term']


WARRANTY_MINIMUMS: dict[str, tuple[str, int | None]] = {
    "structure": ("design_life", None),  # 基础设施工程、地基基础和主体结构: 设计文件规定的合理使用年限
    "waterproofing": ("years", 5),  # 屋面防水、有防水要求的卫生间和房间、外墙面防渗漏: 5 年
    "heating": ("seasons", 2),  # 供热系统: 2 个采暖期
    "cooling": ("seasons", 2),  # 供冷系统: 2 个供冷期
    "mep": ("years", 2),  # 电气管线、给排水管道: 2 年
    "equipment": ("years", 2),  # 设备安装: 2 年
    "decoration": ("years", 2),  # 装修工程: 2 年
    "other": ("contract", None),  # 其他项目: 由发包方与承包方约定
}


@dataclass(frozen=True)
class Season:
    """A yearly period by month and day, e.g. Beijing's heating period 11-15 → 03-15."""

    start: tuple[int, int]
    end: tuple[int, int]

    def span_starting(self, year: int) -> tuple[dt.date, dt.date]:
        first = dt.date(year, *self.start)
        end_year = year + 1 if self.end < self.start else year
        return first, dt.date(end_year, *self.end)


def warranty_expires_years(completed: dt.date, years: int) -> dt.date:
    """The last day covered by a warranty of ``years`` from completion acceptance.

    Source: 《建设工程质量管理条例》 第四十条 (the period counts from the day completion
    acceptance is passed, 「自竣工验收合格之日起计算」) with 《民法典》 第二百零一、二百零二条:
    the period ends on the corresponding day, or the month's last day when there is none —
    completion 2024-02-29 + 5 years → 2029-02-28.
    """
    return add_period(completed, years=years)


def warranty_expires_seasons(completed: dt.date, seasons: int, season: Season) -> dt.date:
    """The close of the ``seasons``-th full heating (or cooling) period that starts after
    completion acceptance; a period already running at acceptance, or starting that very
    day, does not count.

    Source: 《建设工程质量管理条例》 第四十条 「供热与供冷系统,为2个采暖期、供冷期」 and
    《民法典》 第二百零一条 (counting begins the day after the event): Beijing (11-15 → 03-15),
    accepted 2025-06-30 → 2027-03-15.
    """
    if seasons < 1:
        raise ValueError("seasons must be >= 1")
    year = completed.year - 1
    while True:
        start, end = season.span_starting(year)
        if start > completed:
            break
        year += 1
    return season.span_starting(year + seasons - 1)[1]


RETENTION_CAP = 0.03  # 建质〔2017〕138号 第七条: at most 3 % of the settled contract sum


def retention_cap(contract_sum: float) -> float:
    """The most retention money a contract sum allows, in yuan, to the fen and never above
    3 % (rounded down: 999,999.99 → 29,999.99).

    Source: 建质〔2017〕138号 第七条 「保证金总预留比例不得高于工程价款结算总额的3%」.
    """
    from decimal import ROUND_DOWN, Decimal

    return float((Decimal(str(contract_sum)) * Decimal("0.03")).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def liability_start(completed: dt.date, report: dt.date | None = None, client_delay: bool = False) -> dt.date:
    """The day the defect liability period counts from: completion acceptance; but when the
    client caused acceptance to be late, 90 days after the contractor submitted its
    completion report, if that comes first.

    Source: 建质〔2017〕138号 第八条 (「缺陷责任期从工程通过竣工验收之日起计。…由于发包人原因
    导致工程无法按规定期限进行竣工验收的,在承包人提交竣工验收报告90天后,工程自动进入缺陷
    责任期」); 《民法典》 第二百零一条 (the 90 days count from the day after the report).
    """
    if client_delay and report is not None:
        return min(completed, report + dt.timedelta(days=90))
    return completed


def liability_end(completed: dt.date, years: int) -> dt.date:
    """The last day of the defect liability period (缺陷责任期), from its start (completion
    acceptance, or :func:`liability_start`).

    Source: 《建设工程质量保证金管理办法》 (建质〔2017〕138号) 第二条 (1 year unless agreed, at
    most 2) and 第八条 (from the day of completion acceptance); 《民法典》 第二百零二条.
    """
    return add_period(completed, years=years)


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def month_day(text: str) -> tuple[int, int]:
    """A month and day such as ``11-15`` (a heating period's start or end)."""
    m = _MONTH_DAY.match(text.strip())
    if not m:
        raise TsmsError(t("「{v}」不是月-日(如 11-15)", "{v!r} is not a month-day such as 11-15", v=text))
    month, day = int(m.group(1)), int(m.group(2))
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid month-day
    except ValueError:
        raise TsmsError(t("「{v}」不是有效的月-日", "{v!r} is not a valid month-day", v=text)) from None
    return month, day


def season_from(start: str | None, end: str | None) -> Season | None:
    """A region's heating (or cooling) period from its month-days; None when it has none."""
    if not start or not end:
        return None
    return Season(month_day(start), month_day(end))


def statutory_term(part: str, completed: dt.date, design_life: int,
                   season: Season | None) -> tuple[int | None, int | None, dt.date | None, str]:
    """The minimum warranty of a part from completion acceptance: (years, seasons, last day
    covered, source). Source: 《建设工程质量管理条例》 第四十条 (see WARRANTY_MINIMUMS); a
    heating or cooling part in a region with no such period, and "other parts", need the
    contract's term (source ``needs_term``)."""
    kind, n = WARRANTY_MINIMUMS[part]
    if kind == "design_life":
        return design_life, None, warranty_expires_years(completed, design_life), "statute"
    if kind == "years":
        return n, None, warranty_expires_years(completed, n), "statute"
    if kind == "seasons":
        if season is None:
            return None, n, None, "needs_term"
        return None, n, warranty_expires_seasons(completed, n, season), "statute"
    return None, None, None, "needs_term"
