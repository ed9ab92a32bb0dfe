"""The head-office workbook (``tsms hq report --xlsx``): 汇总 (the company's measures, each
with numerator and denominator), 按工地 (one row per site: the rates with their num/den, late
steps, the stale flag; a chart of the rates by site) and 超期清单 (the steps late in the
period, by site). Built with the monthly workbook's helpers (tsms.render.xlsx): text cells
for anything typed, write-only sheets, A4 landscape, frozen headers."""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList

from tsms.render.sheet import DATE_FORMAT, HEADER_FONT, Column, Table, os_errors, styled
from tsms.vocab import StepKind

RATES = (("handling_rate", "处理率"), ("revisit_rate", "回访率"), ("on_time_revisit_rate", "按时回访率"),
         ("satisfaction_rate", "满意率"))
PERCENT = "0.0%"


def _rate_cells(rate: dict | None) -> list:
    if not rate:
        return [None, None, None]
    return [rate["numerator"], rate["denominator"], rate["rate"] if rate["rate"] is not None else "—"]


@os_errors
def workbook(report: dict, late: list[dict], out: BinaryIO) -> None:
    """Every sheet with its own page setup (A4 landscape, one page wide, title and header
    rows on every page, the period and page number in the footer), boxed cells, long text
    wrapped; the chart on a page of its own, so no page break cuts it."""
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook(write_only=True)
    p = report["period"]
    company = report.get("company_name") or ""
    caption = f"{company} 涉民投诉统计 {p['label']}({p['from']} 至 {p['to']},截至 {p['as_of']})"
    footer = f"{company} 涉民投诉统计 {p['label']}"
    c = report["company"]

    summary = Table(wb, "汇总", caption, [Column("指标", 22, wrap=True), Column("分子", 10), Column("分母", 10),
                                          Column("比率", 10, fmt=PERCENT)], footer=footer, landscape=False)
    for key, label in RATES:
        summary.append([label, *_rate_cells(c[key])])
    plan = c.get("plan_execution")
    if plan:
        summary.append(["回访计划执行率", *_rate_cells(plan)])
    claims = c.get("warranty_claims")
    if claims:
        summary.append(["保修单按时查验率", *_rate_cells(claims["inspection_on_time"])])
    for label, value in (("收到投诉", c["complaints"]["received"]), ("有效投诉", c["complaints"]["valid"]),
                         ("不予受理", c["complaints"]["rejected"]), ("夜间投诉", c["complaints"]["night_time"]),
                         ("重大投诉", c["complaints"]["serious"]), ("期内超期环节", c["late_steps"]),
                         ("处理用时中位数(工作日)", c["days_to_resolve"]["median"]),
                         ("处理用时90%分位(工作日)", c["days_to_resolve"]["p90"]),
                         ("重复投诉(人或地址)", len(c["repeat_complainants"])),
                         ("工地数", report["sites_count"]), ("超期未报送的工地", report["stale_sites"])):
        summary.append([label, value, None, None])
    summary.ws.append([])
    summary.ws.append([styled(summary.ws, "全公司数字为各工地数字之和;各工地的数字截至其最近一次报送的工地包。")])

    columns = [Column("工地", 8), Column("名称", 18, wrap=True), Column("报送时间", 16, wrap=True),
               Column("超期未报送", 7, wrap=True), Column("收到投诉", 7, wrap=True)]
    for _, label in RATES:
        columns += [Column(f"{label}分子", 7, wrap=True), Column(f"{label}分母", 7, wrap=True),
                    Column(label, 8, fmt=PERCENT)]
    columns += [Column("超期环节", 7, wrap=True), Column("事件链末尾", 14)]
    by_site = Table(wb, "按工地", caption, columns, footer=footer, repeat_first=True)
    sites = report["sites"]
    for s in sites:
        head_n, head_hash = s["head"].split(":")[:2]
        row = [s["site"], s["name"], s["bundled_at"][:16].replace("T", " "), "是" if s["stale"] else "",
               s["complaints"]["received"]]
        for key, _ in RATES:
            row += _rate_cells(s[key])
        row += [s["late_steps"], f"{head_n}:{head_hash[:8]}"]
        by_site.append(row)
    if sites:
        ws = by_site.ws
        last = len(sites) + 2
        ws.row_breaks.append(Break(id=last))  # the chart starts a page of its own
        chart = BarChart()
        chart.type = "col"
        chart.title = "各工地处理率与回访率"
        chart.y_axis.title = "比率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit = 0, 1, 0.2
        chart.y_axis.delete = chart.x_axis.delete = False
        for col in (8, 11):  # 处理率, 回访率
            chart.add_data(Reference(ws, min_col=col, min_row=2, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
        # the value alone: a label element left out reads as shown in LibreOffice, which then
        # printed "BJ02; 处理率; 71.4%" over every bar
        chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                         showPercent=False, showBubbleSize=False, showLeaderLines=False)
        chart.dataLabels.numFmt = "0%"
        chart.width, chart.height = 24, 11
        chart.legend.position = "b"
        ws.add_chart(chart, f"A{last + 2}")

    late_sheet = Table(wb, "超期清单", caption,
                       [Column("工地", 8), Column("环节", 12, wrap=True), Column("编号", 17), Column("工程", 8),
                        Column("期限", 11, fmt=DATE_FORMAT), Column("逾期天数", 7, wrap=True),
                        Column("责任人", 10, wrap=True), Column("投诉人", 10, wrap=True),
                        Column("联系方式", 14, wrap=True)], footer=footer, repeat_first=True)
    for i in late:
        late_sheet.append([i["site"], StepKind(i["kind"]).label, i["number"], i["project"], _day(i["due"]),
                           i["days_late"], i["assignee"], i.get("complainant"), i.get("contact")])
    if not late:
        late_sheet.ws.append([styled(late_sheet.ws, "期内没有超期环节", font=HEADER_FONT)])
    wb.save(out)


def _day(value):
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else value
