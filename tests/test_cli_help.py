"""``--help`` of every command is Chinese first with click's English kept (govsearch/help.py):
the headings, click's own phrases, each command's summary line and the command lists."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from govsearch.cli import main
from govsearch.help import MIN_ENGLISH, Command, Group, columns, described


def _commands(group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()):
    """Every command below ``group`` (lazy ones included), with the words that run it."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*path, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, click.Context(cmd, info_name=name, parent=ctx), (*path, name))


ALL = [((), main), *_commands(main, click.Context(main, info_name="govsearch"))]


def _help(words: tuple[str, ...], flag: str = "--help") -> str:
    result = CliRunner().invoke(main, [*words, flag], prog_name="govsearch", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_made_bilingual():
    assert len(ALL) >= 16 and ("serve",) in [w for w, _ in ALL]  # the lazy command too
    for words, cmd in ALL:
        assert isinstance(cmd, Group if isinstance(cmd, click.Group) else Command), words


@pytest.mark.parametrize("words", [w for w, _ in ALL], ids=lambda w: " ".join(w) or "govsearch")
def test_help_is_chinese_first_with_the_english_kept(words):
    out = _help(words)
    lines = out.splitlines()
    assert lines[0].startswith("用法 Usage: govsearch")
    # the command's own summary: a Chinese line, then the English paragraph
    summary = lines[2].strip()
    english = lines[4].split()
    assert summary and not summary.isascii() and lines[3] == "" and english[0][0].isascii() and english[0][0].isalpha()
    assert "选项 Options:" in lines
    assert "显示本帮助并退出 (Show this message and exit.)" in " ".join(out.split())
    for heading in ("Usage:", "Options:", "Commands:", "Arguments:"):
        assert not any(line.startswith(heading) for line in lines), heading  # never click's English alone
    # the sections of the docstrings too (示例 Examples:), wherever a command has them
    for heading in ("Examples:", "Example:", "Quick start:", "Query syntax:"):
        assert not any(line.strip() == heading for line in lines), heading
    assert _help(words, "-h") == out


@pytest.mark.parametrize("words", [w for w, c in ALL if isinstance(c, click.Group)], ids=lambda w: " ".join(w) or "govsearch")
def test_command_lists_give_the_chinese_summary_within_the_line(words):
    out = _help(words)
    assert "命令 Commands:" in out.splitlines()
    listed = out.split("命令 Commands:\n", 1)[1].splitlines()
    assert listed and all(line.startswith("  ") for line in listed)
    for line in listed:
        name, text = line.split(None, 1)
        assert not text.split()[0].isascii() or text.startswith("API"), line  # the Chinese summary first
        assert columns(line) <= 80, line  # a Chinese character takes two columns: no line runs over


def test_the_english_summary_is_kept_while_it_has_its_least_room():
    @click.group(cls=Group)
    def top():
        """顶层。

        Top.
        """

    @top.command()
    def sub():
        """中文摘要。

        English summary that runs on for quite a while after its start.
        """

    zh = "中文摘要。"
    at_edge = sub.get_short_help_str(limit=columns(zh) + 1 + MIN_ENGLISH)
    assert at_edge.startswith(f"{zh} English") and columns(at_edge) <= columns(zh) + 1 + MIN_ENGLISH
    assert sub.get_short_help_str(limit=columns(zh) + MIN_ENGLISH) == zh  # one column less: the Chinese alone


def test_clicks_bracket_words_are_said_in_chinese_first():
    assert described("Hits per page.  [default: 20; 1<=x<=100]") == "Hits per page.  [默认 default: 20; 1<=x<=100]"
    assert (described("Folder.  [env var: GOVSEARCH_INDEX; default: var/index; required]")
            == "Folder.  [环境变量 env var: GOVSEARCH_INDEX; 默认 default: var/index; 必填 required]")
    # only click's bracket at the end: the help's own words are left alone
    assert described("the default: none [see docs]") == "the default: none [see docs]"
    assert described("Show the version and exit.") == "显示版本并退出 (Show the version and exit.)"
    shown = " ".join(_help(("search",)).split())
    assert "[默认 default: 20; 1<=x<=100]" in shown


def test_a_usage_error_shows_the_usage_line_once():
    result = CliRunner().invoke(main, ["search", "--bogus"], prog_name="govsearch")
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == "用法 Usage: govsearch search [OPTIONS] [QUERY]..."
