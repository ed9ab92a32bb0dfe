#!/bin/sh
# Every workbook tsms writes, rendered as a head-office manager would see it printed:
# the demo ledger (plus a month of long complaints), the monthly workbook, a complaint's
# form and the revisit plan, each converted to PDF by LibreOffice (headless) and to one PNG
# a page by pdftoppm.
#
#     scripts/render_workbooks.sh [OUT-DIR]      (default /tmp/tsms-render)
#
# Needs soffice (libreoffice-calc), pdftoppm (poppler-utils) and CJK fonts (fonts-noto-cjk).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
tsms="$here/.venv/bin/tsms"
out=${1:-/tmp/tsms-render}
rm -rf "$out"
mkdir -p "$out"
export TSMS_DB="$out/demo.sqlite3" TSMS_NOW="2026-11-20 17:00" TSMS_USER="资料员小周"
"$tsms" demo --as-of 2026-11-20 --db "$TSMS_DB" >/dev/null
# a complaint received in October and handled in November (listed as 续办), long texts,
# a hotline complaint with its reply, a serious one escalated
"$tsms" log --project P01 --channel hotline --category noise --urgency high --from 陈先生 --contact 13900001234 \
  --address 某某路88弄12号楼303室 --content "12345热线转来:工地夜间22点以后仍有混凝土泵车和振捣作业，噪声很大，家中老人和孩子无法入睡，已经持续一周，希望尽快停止夜间施工并给出书面答复。" \
  --at "2026-10-30 22:40" >/dev/null
n=$("$tsms" list --json --search 陈先生 | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['number'])")
"$tsms" assign "$n" --to 张三 --at "2026-11-02 09:00" >/dev/null
"$tsms" resolve "$n" --opinion "调整浇筑计划，夜间22点后停止泵车作业，确需连续浇筑的提前办理夜间施工许可并公示，向居民发放告知书。" \
  --head 王经理 --result "已调整施工计划，11月3日起22点后未再施工；项目经理上门致歉并说明情况，居民表示理解。" --at "2026-11-03 16:00" >/dev/null
"$tsms" reply "$n" --text "已按要求整改并回访，投诉人表示理解。" --at "2026-11-04 10:00" >/dev/null 2>&1 || true
"$tsms" revisit "$n" --method phone --satisfaction basic --note "电话回访：夜间已无施工噪声，但白天渣土车仍较多，希望注意。" --at "2026-11-05 10:00" >/dev/null
"$tsms" log --project P02 --channel visit --category damage --urgency urgent --serious --from 物业刘经理 --contact 021-66668888 \
  --address 某某小区7号楼 --content "基坑降水后7号楼外墙出现多条斜向裂缝，最宽约2毫米，居民担心房屋安全，要求立即停工检测并出具结构安全鉴定报告。" \
  --at "2026-11-16 10:30" >/dev/null
cd "$out"
"$tsms" report --month 2026-11 --as-of 2026-11-20 --xlsx 月报.xlsx >/dev/null
"$tsms" show "$n" --xlsx 投诉处理表.xlsx --with-contacts >/dev/null
"$tsms" plan 2027 --xlsx 回访计划.xlsx >/dev/null
for f in 月报 投诉处理表 回访计划; do
  soffice --headless --convert-to pdf --outdir "$out" "$out/$f.xlsx" >/dev/null 2>&1
  pdftoppm -png -r 60 "$out/$f.pdf" "$out/$f"
done
ls "$out"/*.png
