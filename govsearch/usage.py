"""The command line's usage errors (an unknown option or command, a missing argument, a
value not among the choices …) in Chinese first, click's English kept in brackets, as
every message a user meets: ``错误 Error: 没有选项 --bogus (No such option '--bogus'.)``.

The Chinese is made from what the error is (its class, the option or parameter it names,
the choices of that parameter), never by translating click's sentence; the sentence
itself follows unchanged, so a script matching it still does.
"""

from __future__ import annotations

import re
import sys

import click

_NO_COMMAND = re.compile(r"No such command '([^']*)'")
_MEANT = re.compile(r"Did you mean(?: one of:)? ([^?]*)\?")  # 'search' / 'search', 'serve'
_QUOTED = re.compile(r"'([^']*)'")
_EXTRA = re.compile(r"Got unexpected extra arguments? \((.*)\)")


def _hint(exc: click.UsageError) -> str:
    """The option or argument an error names, as written (--sort, DOC_ID)."""
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return (hint or "").replace("'", "")


# click's IntRange says this of a value that is no number at all (--port abc), which reads
# as if the range were wrong: it is said as "not a whole number 1-65535" instead
_NOT_A_NUMBER = "is not a valid integer range"


def _whole_numbers(t: click.IntRange) -> tuple[str, str]:
    """The whole numbers an IntRange takes, in Chinese and in English (1–65535, 1 or more)."""
    lo, hi = t.min, t.max
    if lo is not None and hi is not None:
        return f"{lo}–{hi} 的整数", f"{lo}-{hi}"
    if lo is not None:
        return f"不小于 {lo} 的整数", f"{lo} or more"
    if hi is not None:
        return f"不大于 {hi} 的整数", f"{hi} or less"
    return "整数", ""


def chinese(exc: click.UsageError) -> str:
    """What went wrong, in Chinese (without the English)."""
    if isinstance(exc, click.NoSuchOption):
        meant = f"，您是不是要用 {'、'.join(exc.possibilities)}" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{meant}"
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "option" else "参数"
        return f"缺少{kind} {_hint(exc)}".rstrip()
    if isinstance(exc, click.BadParameter):
        choices = getattr(getattr(exc.param, "type", None), "choices", None)
        which = _hint(exc) or "参数"
        if choices:
            return f"{which} 的值无效，应为 {'、'.join(map(str, choices))} 之一"
        describe = getattr(getattr(exc.param, "type", None), "_describe_range", None)  # IntRange, FloatRange
        if _NOT_A_NUMBER in exc.format_message() and isinstance(exc.param.type, click.IntRange):
            zh, _ = _whole_numbers(exc.param.type)
            return f"{which} 的值不是整数，应为{' ' if zh[0].isdigit() else ''}{zh}"
        if describe is not None:
            return f"{which} 的值无效，取值范围 {describe()}"
        return f"{which} 的值无效"
    if isinstance(exc, click.BadOptionUsage):
        if "requires" in exc.message:
            return f"选项 {exc.option_name} 后面缺少它的值"
        return f"选项 {exc.option_name} 的用法有误"
    if isinstance(exc, click.BadArgumentUsage):
        return "参数有误或多余"
    english = exc.format_message()
    command = _NO_COMMAND.search(english)
    if command:
        meant = _MEANT.search(english)
        names = _QUOTED.findall(meant.group(1)) if meant else []
        return f"没有命令 {command.group(1)}" + (f"，您是不是要用 {'、'.join(names)}" if names else "")
    extra = _EXTRA.search(english)
    if extra:
        return f"多余的参数 {extra.group(1)}"
    if english.startswith("Missing command"):
        return "缺少命令"
    return "用法有误"


class UsageError(click.UsageError):
    """A usage error shown in Chinese first: the usage line, where help is, the error."""

    def __init__(self, original: click.UsageError):
        english = original.format_message()
        if (_NOT_A_NUMBER in english and isinstance(original, click.BadParameter)
                and isinstance(getattr(original.param, "type", None), click.IntRange)):
            english = english.replace(_NOT_A_NUMBER, f"is not a whole number {_whole_numbers(original.param.type)[1]}".rstrip())
        # an error the commands raise themselves is already written Chinese first
        message = english if not english.isascii() else f"{chinese(original)} ({english})"
        super().__init__(message, original.ctx)

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        if file is None:
            file = sys.stderr
        color = self.ctx.color if self.ctx is not None else None
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), file=file, color=color)  # 用法 Usage: (govsearch/help.py)
            if self.ctx.command.get_help_option(self.ctx) is not None:
                names = max(self.ctx.command.get_help_option_names(self.ctx), key=len)
                help_command = f"{self.ctx.command_path} {names}"
                click.echo(f"帮助见 {help_command} (Try '{help_command}' for help.)\n", file=file, color=color)
        click.echo(f"错误 Error: {self.message}", file=file, color=color)


# `govsearch index` alone: click shows the group's help, not an error
_SHOWN_AS_HELP = tuple(c for c in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if c)


def in_chinese(exc: click.UsageError) -> click.UsageError:
    return exc if isinstance(exc, (UsageError, *_SHOWN_AS_HELP)) else UsageError(exc)
