"""The head-office workbook (``tsms hq report --xlsx``): 汇总 (the company's measures, each
with numerator and denominator), 按工地 (one row per site: the rates with their num/den, late
steps, the stale flag; a chart of the rates by site) and 超期清单 (the steps late in the
period, by site). Built with the monthly workbook's helpers (tsms.render.xlsx): text cells
for anything typed, write-only sheets, A4 landscape, frozen headers."""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from tsms.render.xlsx import HEADER_FONT, _sheet, _styled, text_cell
from tsms.vocab import StepKind

RATES = (("handling_rate", "处理率"), ("revisit_rate", "回访率"), ("on_time_revisit_rate", "按时回访率"),
         ("satisfaction_rate", "满意率"))
PERCENT = "0.0%"


def _rate_cells(ws, rate: dict | None) -> list:
    if not rate:
        return [None, None, None]
    value = _styled(ws, rate["rate"], fmt=PERCENT) if rate["rate"] is not None else "—"
    return [rate["numerator"], rate["denominator"], value]


def workbook(report: dict, late: list[dict], out: BinaryIO) -> None:
    wb = Workbook(write_only=True)
    p = report["period"]
    caption = f"{report.get('company_name') or ''} 涉民投诉统计 {p['label']}({p['from']} 至 {p['to']},截至 {p['as_of']})"
    c = report["company"]

    ws = _sheet(wb, "汇总", caption, [("指标", 22), ("分子", 10), ("分母", 10), ("比率", 10)])
    for key, label in RATES:
        ws.append([label, *_rate_cells(ws, c[key])])
    plan = c.get("plan_execution")
    if plan:
        ws.append(["回访计划执行率", *_rate_cells(ws, plan)])
    claims = c.get("warranty_claims")
    if claims:
        ws.append(["保修单按时查验率", *_rate_cells(ws, claims["inspection_on_time"])])
    ws.append([])
    for label, value in (("收到投诉", c["complaints"]["received"]), ("有效投诉", c["complaints"]["valid"]),
                         ("不予受理", c["complaints"]["rejected"]), ("夜间投诉", c["complaints"]["night_time"]),
                         ("重大投诉", c["complaints"]["serious"]), ("期内超期环节", c["late_steps"]),
                         ("工地数", report["sites_count"]), ("超期未报送的工地", report["stale_sites"])):
        ws.append([label, value])
    ws.append([])
    ws.append(["全公司数字为各工地数字之和;各工地的数字截至其最近一次报送的工地包。"])

    headers = [("工地", 8), ("名称", 22), ("报送时间", 17), ("超期未报送", 10), ("收到投诉", 9)]
    for _, label in RATES:
        headers += [(f"{label}分子", 9), (f"{label}分母", 9), (label, 9)]
    headers += [("超期环节", 9), ("事件链末尾", 16)]
    ws = _sheet(wb, "按工地", caption, headers, fit_width=False)
    sites = report["sites"]
    for s in sites:
        row = [text_cell(ws, s["site"]), text_cell(ws, s["name"]), s["bundled_at"][:16], "是" if s["stale"] else "",
               s["complaints"]["received"]]
        for key, _ in RATES:
            row += _rate_cells(ws, s[key])
        row += [s["late_steps"], s["head"].split(":")[0] + ":" + s["head"].split(":")[1][:8]]
        ws.append(row)
    if sites:
        chart = BarChart()
        chart.type = "col"
        chart.title = "各工地回访率与处理率"
        chart.y_axis.title = "比率"
        chart.y_axis.number_format = PERCENT
        for col in (8, 11):  # 处理率, 回访率
            chart.add_data(Reference(ws, min_col=col, min_row=2, max_row=len(sites) + 2), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=len(sites) + 2))
        chart.width, chart.height = 24, 10
        ws.add_chart(chart, f"A{len(sites) + 5}")

    ws = _sheet(wb, "超期清单", caption, [("工地", 8), ("环节", 12), ("编号", 17), ("工程", 8), ("期限", 11),
                                           ("逾期天数", 9), ("责任人", 10), ("投诉人", 10), ("联系方式", 14)])
    for i in late:
        ws.append([text_cell(ws, i["site"]), StepKind(i["kind"]).label, text_cell(ws, i["number"]),
                   text_cell(ws, i["project"]), i["due"], i["days_late"], text_cell(ws, i["assignee"]),
                   text_cell(ws, i.get("complainant")), text_cell(ws, i.get("contact"))])
    if not late:
        ws.append([_styled(ws, "期内没有超期环节", font=HEADER_FONT)])
    wb.save(out)
