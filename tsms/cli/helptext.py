"""Help that reads well in Chinese: wrapped by display width (a CJK character takes two
columns, and a line may break between two of them, never inside an English word), and
every value named by a word (DATE, NUMBER, NAME) instead of ``<str>`` or ``{number}``.

click wraps help with :mod:`textwrap`, which counts characters; :func:`install` gives its
formatter a measure and a wrapper that count columns. Only help needs it, and it costs
nothing at start-up (the formatter module is part of click's core already).

click's own words are in the user's language too: the headings and the usage line through
a formatter class (click's public ``Context.formatter_class``), ``[required]`` and
``[default: …]`` through the gettext function typer's help marks them with (``typer.core._``),
and each command's summary in ``tsms --help`` cut by display width at a phrase's end
(click cuts by characters, mid-phrase). Usage errors are worded by ``tsms.cli.app.usage_message``.
"""

from __future__ import annotations

import inspect
import re

from tsms.render.terminal import width, wrap
from tsms.vocab import t

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# what an option or argument takes, by its parameter name
METAVARS = {
    "DATE": ("as_of", "at", "completed", "date", "end", "start", "occurred_at", "report", "since", "until", "day"),
    "N": ("limit", "within", "seasons", "years", "design_life", "liability_years"),
    "ITEM": ("edit", "plan_item", "item"),
    "AMOUNT": ("retention", "contract_sum"),
    "MONTH": ("month",),
    "YEAR": ("year",),
    "FILE": ("db", "xlsx", "rejects", "against", "file", "source"),
    "NAME": ("by", "to", "complainant", "client", "manager", "met", "owner", "signed_by", "staff", "verified_by",
             "name", "company", "assignee"),
    "SHELL": ("shell",),
    "NAMES": ("visitors",),
    "CODE": ("project", "region", "site", "code"),
    "NUMBER": ("number",),
    "PHONE": ("phone", "contact"),
    "MM-DD:MM-DD": ("heating", "cooling"),
    "zh|en": ("lang",),
    "CHANNELS": ("notify",),
    "KEY=N,…": ("scores",),
    "DEST": ("dest",),
    "URL": ("hq",),
    "BUNDLE": ("bundles",),
    "WHY": ("reason",),
    "DAYS": ("stale_days",),
}
BY_NAME = {name: word for word, names in METAVARS.items() for name in names}
WORDS = ("category", "channel", "urgency", "status", "method", "satisfaction", "kind", "role", "part", "cause",
         "action", "key", "value", "dept")


# one or two examples under every command's help (click's epilog), by the command's path
EXAMPLES = {
    "tsms": ("tsms log --category noise --content \"夜间打桩\" --from 李女士", "tsms overdue"),
    "init": ('tsms init --site SH01 --name "上海某新建工程项目部"',),
    "calendar": ("tsms calendar 2026", 'tsms calendar set 2027-02-06 workday --note "国办发明电〔2026〕x号"'),
    "config": ("tsms config", "tsms config revisit_working_days 2"),
    "backup": ("tsms backup /mnt/usb/", "tsms backup ledger-copy.sqlite3 --force"),
    "restore": ("tsms restore /mnt/usb/ledger-20261123-180000.sqlite3",),
    "check": ("tsms check", "tsms check --against /mnt/usb/ledger-20261123-180000.sqlite3"),
    "demo": ("tsms demo", "tsms demo --as-of 2026-11-20 --db demo.sqlite3"),
    "warranty": ("tsms warranty P02", "tsms warranty set P02 waterproofing --years 8"),
    "retention": ("tsms retention P02", "tsms retention P02 apply --at 2027-07-01"),
    "plan": ("tsms plan 2027", "tsms plan 2027 --approve --by 总经理"),
    "notify": ('tsms notify 12 --at "2027-05-20 09:00"',),
    "rectify": ("tsms rectify list --open", 'tsms rectify P02-ZG2027-001 --result "外墙重新打胶" --verified-by 物业经理'),
    "attach": ("tsms attach SH01-2026-00001 现场照片.jpg",),
    "log": ('tsms log --project P01 --category noise --from 李女士 \\\n'
            '    --content "夜间23点仍在打桩" --at "2026-09-29 23:10"',),
    "accept": ("tsms accept SH01-2026-00001 --dept 工程部",),
    "reject": ('tsms reject SH01-2026-00003 --reason "不属本工地" --advice "可拨打12345热线"',),
    "assign": ("tsms assign SH01-2026-00001 --to 张三",),
    "resolve": ('tsms resolve SH01-2026-00001 --result "已停止夜间打桩"',),
    "revisit": ("tsms revisit SH01-2026-00001 --method phone --satisfaction satisfied",
                "tsms revisit --plan-item 12 --method visit --satisfaction satisfied"),
    "escalate": ("tsms escalate SH01-2026-00007", "tsms escalate SH01-2026-00007 --to 王建国"),
    "reply": ('tsms reply SH01-2026-00004 --text "已整改:围挡后退"',),
    "archive": ("tsms archive SH01-2026-00001",),
    "show": ("tsms show SH01-2026-00001", "tsms show SH01-2026-00001 --xlsx 投诉处理表.xlsx"),
    "list": ("tsms list --status assigned", "tsms list --search 打桩 --since 2026-11-01"),
    "history": ("tsms history SH01-2026-00001",),
    "report": ("tsms report", "tsms report --month 2026-10 --xlsx 2026-10涉民投诉月报.xlsx"),
    "overdue": ("tsms overdue", "tsms overdue --within 3 --notify wecom --dry-run"),
    "import": ("tsms import 旧台账.xlsx --project P01 --dry-run --year 2025", "tsms import 旧台账.xlsx --project P01 --year 2025"),
    "project": ("tsms project list", "tsms project show P01"),
    "project add": ('tsms project add P01 --name "某某路新建工程" --kind building --manager 王工',),
    "project list": ("tsms project list",),
    "project show": ("tsms project show P01",),
    "project complete": ("tsms project complete P02 2025-06-30",),
    "staff": ("tsms staff list",),
    "staff add": ("tsms staff add 张三 --dept 工程部 --role leader",),
    "staff list": ("tsms staff list",),
    "region": ("tsms region list",),
    "region add": ("tsms region add tianjin --name 天津 --heating 11-15:03-15",),
    "region list": ("tsms region list",),
    "claim": ('tsms claim --project P02 --part waterproofing --content "卫生间渗水"', "tsms claim list"),
    "claim inspect": ("tsms claim inspect P02-2026-W001 --cause construction",),
    "claim repair": ('tsms claim repair P02-2026-W001 --result "重做防水层"',),
    "claim accept": ("tsms claim accept P02-2026-W001 --by 业主",),
    "claim list": ("tsms claim list --project P02",),
    "claim show": ("tsms claim show P02-2026-W001",),
    "completion": ("tsms completion bash >> ~/.bashrc",),
    "bundle": ("tsms bundle ~/outbox/", "tsms bundle /mnt/usb/ --with-files"),
    "hq": ('tsms hq init --company "某建设工程有限公司"', "tsms hq import inbox/*.tsms"),
    "hq init": ('tsms hq init --company "某建设工程有限公司"',
                'TSMS_HQ=postgresql+psycopg://tsms@db.example.internal/tsms tsms hq init --company "某建设工程有限公司"'),
    "hq import": ("tsms hq import inbox/*.tsms",
                  'tsms hq import SH01-000460-9c01d2aa.tsms --accept-divergence --reason "工地从备份恢复"'),
    "hq status": ("tsms hq status", "tsms hq status --stale-days 40 --json"),
    "hq overdue": ("tsms hq overdue", "tsms hq overdue --site SH01 --json"),
    "hq report": ("tsms hq report --month 2026-11", "tsms hq report --month 2026-11 --xlsx 2026-11全公司.xlsx"),
    "edit": ('tsms edit SH01-2026-00001 --contact 13900001111 --reason "登记时记错号码"',
             'tsms edit 7 --category dust --urgency 较急 --reason "类型登记错误"'),
    "void": ('tsms void SH01-2026-00002 --reason "与 SH01-2026-00001 重复登记"',),
}


def epilog(path: str) -> str:
    lines = EXAMPLES.get(path)
    if not lines:
        return ""
    return "\b\n" + "例 / Examples:\n" + "\n".join("  " + e.replace("\n", "\n  ") for e in lines)


def metavar(param, command_name: str) -> str:
    name = param.name or ""
    if name == "head":
        return "N:HASH" if command_name == "check" else "NAME"
    if name in BY_NAME:
        return BY_NAME[name]
    if name in WORDS:
        return name.upper()
    if name == "files":
        return "FILE"
    if name == "args":
        return "ARGS"
    return "TEXT"


def name_values(command, name: str = "tsms", path: str = "tsms") -> None:
    """Give every option and argument of ``command`` (and its subcommands) a word for what it
    takes, where it has none, the help option a bilingual text, and the command its examples."""
    for param in command.params:
        if getattr(param, "is_flag", False) or getattr(param, "metavar", None) is not None:
            continue
        param.metavar = metavar(param, name)
    if not command.epilog:
        command.epilog = epilog(path)
    for sub_name, sub in (getattr(command, "commands", None) or {}).items():
        name_values(sub, sub_name, sub_name if path == "tsms" else f"{path} {sub_name}")


def _fill(self, text: str) -> str:
    """textwrap.TextWrapper.fill by display width: the first line after ``initial_indent``,
    the rest after ``subsequent_indent``; breaks at spaces and between CJK characters."""
    first, rest = self.initial_indent, self.subsequent_indent
    words = " ".join(text.split())
    if not words:
        return first.rstrip()
    # a default given as text (show_default="now"): click writes it in parentheses — [默认:now]
    words = _DEFAULT_IN_PARENS.sub(lambda m: f"[{m.group(1)}{m.group(2)}]", words)
    # [默认:…] and [必填] are never broken between their characters: a narrow stand-in while wrapping
    for mark, stand_in in _MARKS:
        words = words.replace(mark, stand_in)
    # a list of values (noise/噪声, traffic/交通/占道, …) breaks only at its spaces: a value whole
    values = _VALUE_LIST.search(words) is not None
    lines = wrap(words, max(1, self.width - width(first)), max(1, self.width - width(rest)), cjk=not values)
    text = "\n".join([first + lines[0]] + [rest + line for line in lines[1:]])
    for mark, stand_in in _MARKS:
        text = text.replace(stand_in, mark)
    return text


_DEFAULT_IN_PARENS = re.compile(r"\[(默认:|default: )\(([^()\]]*)\)\]")
_MARKS = (("[默认:", "[\x01\x01\x01\x01\x01"), ("[必填]", "[\x02\x02\x02\x02]"),
          ("[default: ", "[\x03\x03\x03\x03\x03\x03\x03\x03\x03"))


_VALUE_LIST = re.compile(r"[a-z_]+/[^\s,]+, [a-z_]+/")


def _term_len(text: str) -> int:
    return width(ANSI.sub("", text))


# click's and typer's own words (msgids of their gettext marks, and the headings) → Chinese
WORDS_ZH = {
    "Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令", "required": "必填",
    "default: {default}": "默认:{default}", "env var: {var}": "环境变量:{var}",
}


def translate(message: str) -> str:
    """gettext for click's and typer's words: Chinese unless the user chose English."""
    return t(WORDS_ZH.get(message, message), message)


def _formatter_class(base):
    class Formatter(base):
        """click's help formatter, its headings and usage line in the user's language."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            if prefix is None:
                prefix = t("用法:", "Usage: ")
            super().write_usage(prog, args, prefix)

        def write_heading(self, heading: str) -> None:
            self.write(f"{'':>{self.current_indent}}{translate(heading)}{t(':', ':')}\n")

    Formatter.__name__ = Formatter.__qualname__ = "TsmsHelpFormatter"
    return Formatter


# where a summary may end: after a Chinese or English punctuation mark, or before " / "
_PHRASE_END = re.compile(r"(?<=[,、;:。!?)」》])|(?<=[,;:.!?)]) |(?= / )")


def summary(text: str, limit: int) -> str:
    """A command's one-line summary for ``tsms --help`` in at most ``limit`` display columns:
    its first paragraph whole when it fits, else cut at the last phrase's end that fits (else
    at the last space, else between two CJK characters), never inside a word, with "…"."""
    paragraph = text.split("\n\n", 1)[0]
    words = [w for w in paragraph.split() if w != "\b"]
    text = " ".join(words)
    if width(text) <= limit:
        return text
    room = max(1, limit - 1)  # the "…"

    def fitting(ends):
        best = 0
        for end in ends:
            if 0 < end and width(text[:end].rstrip()) <= room:
                best = max(best, end)
        return best

    end = fitting(m.start() for m in _PHRASE_END.finditer(text))
    if end == 0:
        end = fitting(m.start() for m in re.finditer(" ", text))
    if end == 0:  # one long run: between CJK characters only
        end = fitting(i + 1 for i, ch in enumerate(text) if width(ch) == 2)
    if end == 0:
        return text
    return text[:end].rstrip(" /,;:、,;:") + "…"


# each command's line in ``tsms --help``: 中文 / English, whole at 80 columns (the command's
# own help, longer, is under ``tsms COMMAND --help``)
SHORT = {
    "calendar": "工作日历 / the working-day calendar",
    "config": "期限设置 / deadline settings",
    "backup": "在线备份账本 / back up the ledger",
    "restore": "从备份恢复账本 / restore a backup",
    "check": "检查账本 / check the ledger",
    "demo": "演示账本 / a demo ledger",
    "completion": "命令行补全脚本 / shell completion",
    "warranty": "保修期 / warranty periods",
    "retention": "质保金返还 / retention money",
    "plan": "年度回访计划 / the yearly revisit plan",
    "notify": "记录已通知顾客单位 / client notified",
    "rectify": "整改 / rectifications",
    "assign": "派单 / assign to a handler",
    "revisit": "回访 / record a revisit",
    "reply": "回复转办部门 / answer the referrer",
    "edit": "更正登记内容 / correct what was logged",
    "void": "作废误登记的一件 / void an entry",
    "report": "统计指标与月报 / measures, monthly report",
    "overdue": "逾期事项 / what is late",
    "import": "导入旧台账 / import an old ledger",
    "staff": "人员 / staff of any department",
    "claim": "保修单 / warranty claims",
}


def _short_help(self, limit: int = 45) -> str:
    if not self.short_help and self.name in SHORT and getattr(self, "_tsms_top", True):
        return SHORT[self.name]
    text = inspect.cleandoc(self.short_help) if self.short_help else (self.help or "")
    return summary(text, limit).strip()


def install() -> None:
    """Make click's help formatter measure and wrap by display width, and name values."""
    try:
        from typer._click import _textwrap, core, formatting
    except ImportError:  # a typer that uses click itself
        from click import _textwrap, core, formatting  # type: ignore[no-redef]

    if getattr(formatting, "_tsms", False):
        return
    formatting._tsms = True
    formatting.term_len = _term_len
    _textwrap.TextWrapper.fill = _fill
    core.Context.formatter_class = _formatter_class(core.Context.formatter_class)
    core.Command.get_short_help_str = _short_help
    try:  # typer marks "[required]" and "[default: …]" for gettext; its function is looked up when help is made
        import typer.core as typer_core

        if callable(getattr(typer_core, "_", None)):
            typer_core._ = translate
    except ImportError:
        pass
    original = core.Command.get_help

    def get_help(self, ctx):
        root = ctx.find_root().command
        name_values(root)
        option = self.get_help_option(ctx) if hasattr(self, "get_help_option") else None
        if option is not None:
            option.help = "显示本帮助 / show this help"
        return original(self, ctx)

    core.Command.get_help = get_help
    try:  # typer's own argument display: the word alone (NUMBER, [ARGS]...), as click shows it
        from typer.core import TyperArgument
    except ImportError:
        return
    if hasattr(TyperArgument, "_usage_display_name"):
        def usage_name(self) -> str:
            word = self.metavar or (self.name or "").upper()
            word = word if self.required else f"[{word}]"
            return word + ("..." if self.nargs != 1 else "")

        TyperArgument._usage_display_name = usage_name
    if hasattr(TyperArgument, "display_type_rich"):
        TyperArgument.display_type_rich = lambda self, ctx: None
    if hasattr(TyperArgument, "_rich_display_name"):
        TyperArgument._rich_display_name = lambda self: (self.metavar or (self.name or "").upper()) + (
            "..." if self.nargs != 1 else "")
