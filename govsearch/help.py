"""``--help`` of every command, Chinese first with click's English kept, as the command
line's other messages: ``用法 Usage:``, ``选项 Options:``, ``命令 Commands:``, the help
option's ``显示本帮助并退出 (Show this message and exit.)``, ``[默认 default: 20]``.

Each command's help opens with a Chinese summary line (its docstring's first paragraph);
the command lists show it before the English summary. Every command of ``govsearch``
is made with :class:`Command` or :class:`Group`, whose contexts use :class:`HelpFormatter`.
"""

from __future__ import annotations

import inspect
import re
import unicodedata

import click

# click's section headings and the fixed phrases of its help (its own gettext strings)
HEADINGS = {"Usage": "用法", "Options": "选项", "Commands": "命令", "Arguments": "参数"}
PHRASES = {"Show this message and exit.": "显示本帮助并退出", "Show the version and exit.": "显示版本并退出"}
# the bracket click adds to an option's help: [default: 20; 1<=x<=100], [env var: X; required]
_EXTRA = re.compile(r"\[([^\[\]]*)\]$")
_EXTRA_WORDS = (("default: ", "默认 default: "), ("env var: ", "环境变量 env var: "), ("required", "必填 required"))


def _extra(text: str) -> str:
    m = _EXTRA.search(text)
    if not m:
        return text
    inside = m.group(1)
    for en, both in _EXTRA_WORDS:
        inside = re.sub(rf"(^|; ){re.escape(en)}", lambda g, both=both: g.group(1) + both, inside)
    return text[:m.start()] + f"[{inside}]"


def described(text: str) -> str:
    """An option's or command's help as shown: click's own phrases Chinese first."""
    if text in PHRASES:
        return f"{PHRASES[text]} ({text})"
    return _extra(text)


# the least of the English summary worth showing beside the Chinese one in a command list
MIN_ENGLISH = 20


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class HelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=f"{HEADINGS['Usage']} Usage: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        zh = HEADINGS.get(heading)
        super().write_heading(f"{zh} {heading}" if zh else heading)

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, described(text)) for term, text in rows], col_max, col_spacing)


class Context(click.Context):
    formatter_class = HelpFormatter


def summary(help_text: str | None) -> tuple[str, str]:
    """The Chinese summary line of a command's help and the English text after it
    (``""`` and the whole text when the help does not open with Chinese)."""
    text = inspect.cleandoc(help_text or "")
    first, _, rest = text.partition("\n\n")
    if first and not first.isascii() and "\n" not in first:
        return first, rest
    return "", text


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of ``text``'s first paragraph, cut to ``limit`` characters at a
    word with ``...`` when longer (as click shortens a command's help for its list)."""
    words = text.split("\n\n", 1)[0].split()
    out: list[str] = []
    for word in words:
        if len(" ".join([*out, word])) > limit:
            while out and len(" ".join(out)) + 3 > limit:
                out.pop()
            return " ".join(out) + "..."
        out.append(word)
        if word.endswith("."):
            break
    return " ".join(out)


class _Bilingual:
    context_class = Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command lists' line: the Chinese summary, then as much of the English one
        as the line has room for (``limit`` columns; a Chinese character takes two)."""
        zh, english = summary(self.help)
        if self.short_help or not zh:
            return super().get_short_help_str(limit)
        room = limit - columns(zh) - 1
        return f"{zh} {first_sentence(english, room)}" if room >= MIN_ENGLISH else zh


class Command(_Bilingual, click.Command):
    """A command whose help is Chinese first."""


class Group(_Bilingual, click.Group):
    """A command group whose help is Chinese first, and so are its commands' (made
    with :meth:`command` and :meth:`group`)."""

    command_class = Command


Group.group_class = Group  # a group's groups are plain bilingual groups (not the top group's subclass)
