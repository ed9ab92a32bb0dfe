"""The morning digest of what is late, for group robots (markdown) and e-mail (plain text
and HTML): as of when, how many late and due soon, grouped by who holds them, each item with
its kind, number, project, due date and days late. It is made from ``overdue``'s items with
the complainant and contact taken out (cli.office), and shows none of their other fields, so no
phone number or address can reach a chat group."""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass

from tsms.vocab import StepKind, t

ROBOT_BYTES = 4096  # a WeCom or DingTalk markdown message: at most 4,096 bytes (UTF-8)
ROBOT_MESSAGES = 20  # and at most 20 messages a minute per robot


@dataclass(frozen=True)
class Digest:
    site: str
    as_of: str
    items: list[dict]
    within: int

    @property
    def late(self) -> list[dict]:
        return [i for i in self.items if i["late"]]

    @property
    def title(self) -> str:
        return t("{s} 截至 {d}:逾期 {n} 项", "{s} as of {d}: {n} late", s=self.site, d=self.as_of, n=len(self.late)) + (
            t(",{w} 个工作日内到期 {m} 项", "; {m} due within {w} working days", w=self.within,
              m=len(self.items) - len(self.late)) if self.within else "")

    def groups(self) -> list[tuple[str, list[dict]]]:
        by_holder: dict[str, list[dict]] = defaultdict(list)
        for item in self.items:
            by_holder[item["assignee"] or t("(未指定)", "(nobody)")].append(item)
        return sorted(by_holder.items(), key=lambda kv: (-sum(i["late"] for i in kv[1]), kv[0]))

    def line(self, item: dict) -> str:
        kind = StepKind(item["kind"]).label
        where = f" {item['project']}" if item["project"] and item["project"] != item["number"] else ""
        if item["late"] and item.get("due_at") and not item["days_late"]:  # an hour limit, under a day past
            state = t("逾期 {h} 小时", "{h} hours late", h=item.get("hours_late") or 1)
        elif item["late"]:
            state = t("逾期 {d} 天({w} 个工作日)", "{d} days late ({w} working days)", d=item["days_late"],
                      w=item.get("working_days_late", "?"))
        elif item["status"] == "can_apply":
            state = t("可申请", "may apply")
        else:
            state = t("即将到期", "due soon")
        mark = t("(暂定)", " (provisional)") if item.get("provisional") else ""
        return f"{kind} {item['number']}{where} {t('期限', 'due')} {_due(item)}{mark} {state}"


def markdown_messages(d: Digest, limit: int = ROBOT_BYTES, most: int = ROBOT_MESSAGES) -> list[str]:
    """The digest as robot markdown: split into messages of at most ``limit`` bytes, never
    inside an item, each continuing message repeating the holder it continues; at most
    ``most`` messages, the last saying how many items it leaves out."""
    blocks: list[tuple[str, str]] = []  # (holder heading, line)
    for holder, items in d.groups():
        heading = f"### {holder}({len(items)})"
        blocks.append((heading, heading))
        blocks += [(heading, f"- {d.line(i)}") for i in items]
    total = sum(1 for _, line in blocks if line.startswith("- "))
    size = lambda lines: len("\n".join(lines).encode())  # noqa: E731
    messages, current, listed = [], [f"**{d.title}**"], 0
    for heading, block in blocks:
        if size(current + [block]) > limit:
            if len(messages) == most - 1:  # the last message there may be: say what it leaves out
                while True:
                    shown = sum(1 for line in current if line.startswith("- "))
                    note = t("……另有 {n} 项未列出,请运行 tsms overdue 查看", "… {n} more not listed: run tsms overdue",
                             n=total - listed - shown)
                    if size(current + [note]) <= limit:
                        break
                    current.pop()
                messages.append("\n".join(current + [note]))
                return messages
            listed += sum(1 for line in current if line.startswith("- "))
            messages.append("\n".join(current))
            current = [f"**{d.title}({t('续', 'cont.')})**"]
            if block != heading:
                current.append(f"{heading}({t('续', 'cont.')})")
        current.append(block)
    messages.append("\n".join(current))
    return messages


def plain_text(d: Digest) -> str:
    lines = [d.title, ""]
    for holder, items in d.groups():
        lines.append(f"{holder}({len(items)})")
        lines += [f"  - {d.line(i)}" for i in items]
        lines.append("")
    return "\n".join(lines)


def html_text(d: Digest) -> str:
    parts = [f"<h3>{html.escape(d.title)}</h3>"]
    for holder, items in d.groups():
        parts.append(f"<h4>{html.escape(holder)}({len(items)})</h4><ul>")
        parts += [f"<li>{html.escape(d.line(i))}</li>" for i in items]
        parts.append("</ul>")
    return "\n".join(parts)


def _due(item: dict) -> str:
    """The deadline: the day, with the hour when the limit is in hours."""
    return item["due_at"][:16].replace("T", " ") if item.get("due_at") else item["due"]
