"""The app, its error boundary (one line and an exit code, never a traceback), the options
every command shares, and opening the ledger. Commands live in the audience modules beside
this one: complaints (the clerk's), aftersales, office, admin."""

import gc
import os
import sys
from typing import Optional

import typer
from typer.core import TyperGroup
from typing_extensions import Annotated

from tsms import checks, clock, render
from tsms.cli import helptext
from tsms.errors import BAD_INPUT, TsmsError
from tsms.vocab import set_lang, t


def _quiet_stdout() -> None:
    """The reader of our output has gone (``tsms list | head -1``): what is still to be
    written goes to the null device, as the Python documentation advises for SIGPIPE, so
    the command finishes with the exit code it would have had."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class _PipeSafe:
    """The process's stdout, but a closed pipe (EPIPE) is not an error: from then on the
    output is thrown away (see :func:`_quiet_stdout`)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _quiet_stdout()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            _quiet_stdout()
            try:
                self._stream.flush()  # the buffered rest, into the null device
            except (BrokenPipeError, ValueError, OSError):
                pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
    except (ValueError, OSError):
        pass


class TsmsGroup(TyperGroup):
    """Every refusal is one line on stderr and an exit code, never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        if not argv:
            argv = ["--help"]
        if "--lang" in argv[:-1]:  # a usage error comes before the command's --lang is applied
            try:
                set_lang(argv[argv.index("--lang") + 1])
            except TsmsError:
                pass
        for word in argv:  # bytes that are not UTF-8 arrive as lone surrogates
            if any("\ud800" <= ch <= "\udfff" for ch in str(word)):
                _fail(t("参数含有无法识别的字节(不是 UTF-8 文本)", "an argument is not valid UTF-8 text"), BAD_INPUT)
        helptext.install()
        if sys.stdout is sys.__stdout__ and sys.stdout is not None:  # the real stdout (not a test's capture)
            sys.stdout = _PipeSafe(sys.stdout)
        if os.environ.get("_TSMS_COMPLETE"):  # the shell asks for completions (tsms completion SHELL)
            from typer.completion import completion_init

            completion_init()
        try:
            code = super().main(args=argv, prog_name=prog_name or "tsms", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except BrokenPipeError:  # written past our own wrapper (a flush deep in a library)
            _quiet_stdout()
            code = 0
        except TsmsError as exc:
            _fail(exc.message, exc.code)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            _fail(t("已取消", "aborted"), 1)
        except KeyboardInterrupt:
            _fail(t("已中断,账本未改动", "interrupted; the ledger is unchanged"), 130)
        except Exception as exc:
            if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # click's usage errors
                if _kind(exc) == "NoArgsIsHelpError":  # a group typed alone: its help, as --help
                    sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
                    sys.exit(0)
                _fail(usage_message(exc), exc.exit_code or BAD_INPUT)
            if os.environ.get("_TSMS_COMPLETE") and not os.environ.get("TSMS_DEBUG"):
                sys.exit(1)  # a completion request the shell made badly: no completions, no traceback
            if _damaged(exc) and not os.environ.get("TSMS_DEBUG"):
                _fail(t("账本已损坏或无法读取:{e};运行 tsms check 查看,或从备份恢复(tsms restore)",
                        "the ledger is damaged or unreadable: {e}; run tsms check, or restore a backup (tsms restore)",
                        e=getattr(exc, "orig", None) or exc), 3)
            if os.environ.get("TSMS_DEBUG"):
                raise
            _fail(t("内部错误:{e}(设置 TSMS_DEBUG=1 查看详情)", "internal error: {e} (set TSMS_DEBUG=1 for details)",
                    e=f"{type(exc).__name__}: {exc}"), 70)
        finally:
            try:
                _close_ledgers()
            except Exception:  # a damaged file refuses even to close cleanly; said above
                pass
            _flush_stdout()
        sys.exit(code if isinstance(code, int) else 0)


def _kind(exc: BaseException) -> str:
    """The most specific click exception class ``exc`` is (click or typer's copy of it)."""
    names = [cls.__name__ for cls in type(exc).__mro__]
    for name in ("NoArgsIsHelpError", "MissingParameter", "NoSuchOption", "BadOptionUsage", "BadArgumentUsage",
                 "BadParameter", "UsageError"):
        if name in names:
            return name
    return names[0]


def _param_name(param) -> str:
    """An option as typed (--site), an argument as its metavar (NUMBER)."""
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("-")]
    if opts:
        return " / ".join(opts)
    return (param.name or "").upper()


def usage_message(exc) -> str:
    """click's own messages (missing option, no such command, invalid value, extra argument)
    in the user's language, each one line."""
    import re

    kind = _kind(exc)
    text = exc.format_message()
    if kind == "MissingParameter":
        name = _param_name(getattr(exc, "param", None))
        if getattr(exc, "param", None) is not None and getattr(exc.param, "param_type_name", "") == "argument":
            return t("缺少参数 {n}", "missing argument {n}", n=name)
        return t("缺少选项 {n}", "missing option {n}", n=name)
    if kind == "NoSuchOption":
        possible = sorted(getattr(exc, "possibilities", None) or [])
        hint = t("(是否想用 {p}?)", " (did you mean {p}?)", p=", ".join(possible)) if possible else ""
        return t("没有选项 {o}{h};用 --help 查看可用选项", "no such option {o}{h}; see --help",
                 o=exc.option_name, h=hint)
    if kind == "BadOptionUsage":
        option = exc.option_name
        if "does not take a value" in text:
            return t("选项 {o} 不带值", "option {o} takes no value", o=option)
        if "requires" in text:
            return t("选项 {o} 需要一个值", "option {o} needs a value", o=option)
        return t("选项 {o} 用法不对:{m}", "option {o} used wrongly: {m}", o=option, m=text)
    if kind == "BadParameter":
        name = _param_name(getattr(exc, "param", None)) or str(getattr(exc, "param_hint", "") or "")
        return t("{n} 的值无效:{m}", "invalid value for {n}: {m}", n=name, m=exc.message)
    match = re.match(r"No such command '(.*)'\.(?: Did you mean '(.*)'\?)?", text)
    if match:
        hint = t("(是否想用 {c}?)", " (did you mean {c}?)", c=match.group(2)) if match.group(2) else ""
        return t("没有命令「{c}」{h};tsms --help 列出全部命令", "no such command {c!r}{h}; tsms --help lists them",
                 c=match.group(1), h=hint)
    match = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", text)
    if match:
        return t("多余的参数:{a}(含空格的值请加引号)", "unexpected extra argument(s): {a} (quote a value with spaces)",
                 a=match.group(1))
    return t("命令行有误:{m}", "bad command line: {m}", m=text)


def _damaged(exc: BaseException) -> bool:
    """SQLite's own complaint about the file (malformed, not a database, I/O), however it
    reached us: straight from the driver or wrapped by SQLAlchemy."""
    import sqlite3

    inner = getattr(exc, "orig", None) or exc
    return isinstance(inner, sqlite3.DatabaseError) and not isinstance(inner, sqlite3.OperationalError)


def _close_ledgers() -> None:
    """Every command ends with its ledger's file whole (store.engine.Ledger.close)."""
    engine = sys.modules.get("tsms.store.engine")
    if engine is not None:
        engine.close_all()
    hq = sys.modules.get("tsms.hq.store")  # head office's store, likewise
    if hq is not None:
        hq.close_all()


def _fail(message: str, code: int):
    sys.stderr.write(f"tsms: {' '.join(str(message).split())}\n")
    sys.stderr.flush()
    sys.exit(code)


app = typer.Typer(
    cls=TsmsGroup,
    help="tsms — 涉民投诉、回访与保修台账 / resident complaints, follow-up visits and warranty ledger.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
project_app = typer.Typer(cls=TyperGroup, help="工程 / projects", no_args_is_help=True)
staff_app = typer.Typer(cls=TyperGroup, help="人员:投诉小组和各部门的处理人 / staff: the complaint team and handlers of any department", no_args_is_help=True)
app.add_typer(project_app, name="project")
app.add_typer(staff_app, name="staff")

# ---------------------------------------------------------------- checked as parsed
# Every whole number, year and file name the command line takes goes through one of these
# parsers: a refusal is one line naming the option and what it accepts (exit 2), before any
# command runs.


def whole(option: str, bounds: tuple[int, int]):
    """A whole number within ``bounds`` (a range of tsms.checks)."""
    return lambda value: checks.whole_number(value, option, *bounds)


def amount(option: str):
    """An amount in yuan as typed (1200000, 1200000.50, full-width digits); its range is the
    operation's to check (site.add_project: 0 or more, finite)."""
    def parse(value):
        import unicodedata

        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        try:
            return float(text)
        except ValueError:
            from tsms.errors import shown

            raise TsmsError(t("{o} 的值「{v}」不是金额;可用:以元计的数,如 1200000 或 1200000.50",
                              "{o}: {v!r} is not an amount; accepted: a number of yuan, e.g. 1200000 or 1200000.50",
                              o=option, v=shown(value))) from None
    return parse


def four_digit_year(option: str):
    """A four-digit year in clock.FIRST_YEAR–LAST_YEAR."""
    return lambda value: clock.parse_year(value, option)


def file_name(option: str):
    """A file or folder name the system can look up (checks.usable_path); kept as typed."""
    def parse(value):
        checks.usable_path(value, option)
        return value
    return parse


# ---------------------------------------------------------------- shared options

Db = Annotated[Optional[str], typer.Option("--db", parser=file_name("--db"),
                                           help="账本文件 / ledger file (else TSMS_DB, else the user data dir)")]
Lang = Annotated[Optional[str], typer.Option("--lang", help="界面语言 / output language: zh, en (else TSMS_LANG)", show_default="zh")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON / print one JSON document")]
At = Annotated[Optional[str], typer.Option("--at", help="发生时间 / when it happened: 2026-11-23 14:30, today", show_default="now")]
By = Annotated[Optional[str], typer.Option("--by", help="操作人 / who (else TSMS_USER, else the login name)")]
def complete_from_ledger(what: str):
    """A completion callback (the shell's TAB, through _TSMS_COMPLETE): numbers or staff names
    from the ledger named by --db / TSMS_DB; nothing, silently, when it cannot be read."""
    def complete(ctx: typer.Context, incomplete: str):
        try:
            from tsms.queries import complaints as queries

            root = ctx.find_root().params.get("db") if ctx else None
            return queries.completions(open_ledger(ctx.params.get("db") or root, None), what, incomplete or "")
        except Exception:  # a shell's TAB never shows a traceback
            return []
    return complete


Number = Annotated[str, typer.Argument(help="投诉编号 / complaint number: SH01-2026-00007, or this site's 7, "
                                            "00007 (this year), 2026-7", autocompletion=complete_from_ledger("number"))]
def _no_colour(value: bool) -> bool:
    if value:
        render.no_colour()
    return value


NoColor = Annotated[bool, typer.Option("--no-color", callback=_no_colour,
                                       help="不用颜色 / no colour (also NO_COLOR, or output not to a terminal)")]
Force = Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite an existing file (never done unasked)")]

STATE: dict = {"db": None}


def _print_version(value: bool):
    if value:
        from tsms import __version__

        render.line(f"tsms {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    db: Db = None,
    lang: Lang = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="不用颜色 / no colour (also NO_COLOR, or output not to a terminal)")] = False,
    version: Annotated[bool, typer.Option("--version", help="版本 / version", is_eager=True,
                                          callback=_print_version)] = False,
):
    if lang:
        set_lang(lang)
    if no_color:
        render.no_colour()
    STATE["db"] = db


def _store_ready() -> None:
    """The storage layer is imported (the heavy part of start-up): freeze what start-up
    allocated out of the collector's way and turn the collector back on (main() paused it)."""
    import tsms.store.engine  # noqa: F401

    if STATE.pop("gc_paused", False):
        gc.freeze()
        gc.enable()


def ledger_path(db: Optional[str]):
    """The ledger file named by --db / TSMS_DB / the user data directory (not opened)."""
    _store_ready()
    from tsms.store import engine

    return engine.resolve_path(db or STATE["db"])


def open_ledger(db: Optional[str], lang: Optional[str]):
    """Apply per-command --lang and open the ledger named by --db / TSMS_DB / default."""
    if lang:
        set_lang(lang)
    _store_ready()
    from tsms.store import engine

    return engine.open_existing(db or STATE["db"])


def output_file(path: str, ledger_file, force: bool, option: str = "--xlsx", suffixes=(".xlsx",)):
    """Where an output file goes, checked before any work: never the ledger or its files,
    never over an existing file without --force (tsms.store.output, which also writes it)."""
    from tsms.store import output

    return output.target(path, ledger=ledger_file.path, force=force, option=option, suffixes=suffixes)


def done(result: dict, as_json: bool, text: str) -> None:
    if as_json:
        render.print_json(result)
    else:
        render.line(text)


def due_text(result: dict, key: str, zh: str, en: str) -> str:
    if not result.get(key):
        return ""
    mark = t("(暂定)", " (provisional)") if result.get("provisional") else ""
    moment = result.get(f"{key}_at")  # a limit in hours: the hour it runs out
    day = moment[:16].replace("T", " ") if moment else result[key]
    return t(",{z} {d}{m}", "; {e} by {d}{m}", z=zh, e=en, d=day, m=mark)
