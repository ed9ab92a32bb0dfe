"""The morning digest of what is late, for group robots (markdown) and e-mail (plain text
and HTML): as of when, how many late and due soon, grouped by who holds them, each item with
its kind, number, project, due date and days late. It is made from ``overdue``'s items, which
carry no contacts, so no phone number or address can reach a chat group."""

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
        if item["late"]:
            state = t("逾期 {d} 天({w} 个工作日)", "{d} days late ({w} working days)", d=item["days_late"],
                      w=item.get("working_days_late", "?"))
        else:
            state = t("即将到期", "due soon")
        mark = t("(暂定)", " (provisional)") if item.get("provisional") else ""
        return f"{kind} {item['number']}{where} {t('期限', 'due')} {item['due']}{mark} {state}"


def markdown_messages(d: Digest, limit: int = ROBOT_BYTES, most: int = ROBOT_MESSAGES) -> list[str]:
    """The digest as robot markdown: split into messages of at most ``limit`` bytes, never
    inside an item; at most ``most`` messages, the last saying how many items it leaves out."""
    blocks: list[str] = []
    for holder, items in d.groups():
        blocks.append(f"### {holder}({len(items)})")
        blocks += [f"- {d.line(i)}" for i in items]
    head = f"**{d.title}**"
    messages, current = [], [head]
    size = lambda lines: len("\n".join(lines).encode())  # noqa: E731
    for n, block in enumerate(blocks):
        if size(current + [block]) > limit:
            if len(messages) == most - 1:  # the last message: say what is left out
                left = sum(1 for b in blocks[n:] if b.startswith("- "))
                note = t("……另有 {n} 项未列出,请运行 tsms overdue 查看", "… {n} more not listed: run tsms overdue", n=left)
                while size(current + [note]) > limit:
                    current.pop()
                messages.append("\n".join(current + [note]))
                return messages
            messages.append("\n".join(current))
            current = [f"**{d.title}({t('续', 'cont.')})**"]
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
