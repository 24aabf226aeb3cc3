"""Usage errors of the command line in Chinese first, click's English kept in brackets
(govsearch/usage.py): an unknown option or command, a missing argument or option value,
a value not among the choices or out of range, extra arguments. Exit status 2."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from govsearch.cli import main


def _error(args: list[str]) -> tuple[str, str]:
    result = CliRunner().invoke(main, args, prog_name="govsearch")
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("错误 Error: "))
    return line[len("错误 Error: "):], result.output


@pytest.mark.parametrize("args, chinese, english", [
    (["index", "stats", "--bogus"], "没有选项 --bogus", "No such option"),
    (["--bogus"], "没有选项 --bogus", "No such option"),
    (["show"], "缺少参数 DOC_ID", "Missing argument 'DOC_ID'"),
    (["token", "create"], "缺少选项 --groups", "Missing option '--groups'"),
    (["search", "x", "--sort", "random"], "--sort 的值无效，应为 relevance、year 之一", "Invalid value for '--sort'"),
    (["search", "x", "--page", "0"], "--page 的值无效，取值范围 x>=1", "Invalid value for '--page'"),
    (["search", "x", "--limit"], "选项 --limit 后面缺少它的值", "requires an argument"),
    (["nonsense"], "没有命令 nonsense", "No such command 'nonsense'"),
    (["sear"], "没有命令 sear，您是不是要用 search", "No such command 'sear'"),  # and serve, once it is loaded
    (["index", "stats", "1"], "多余的参数 1", "Got unexpected extra argument (1)"),
    (["search", "x", "--corpus", "c"], "没有选项 --corpus", "no such option: --corpus"),
])
def test_usage_errors_are_chinese_first_the_english_kept_in_brackets(args, chinese, english):
    message, output = _error(args)
    assert message.startswith(chinese + (" (" if args != ["sear"] else "")) and message.endswith(")"), message
    assert english in message[len(chinese):], message  # scripts matching click's words still match


def test_the_usage_line_and_where_help_is_are_said_too():
    _, output = _error(["search", "x", "--sort", "random"])
    lines = output.splitlines()
    assert lines[0] == "用法 Usage: govsearch search [OPTIONS] [QUERY]..."
    assert lines[1] == "帮助见 govsearch search --help (Try 'govsearch search --help' for help.)"


def test_a_group_without_its_command_still_shows_its_help():
    result = CliRunner().invoke(main, ["index"])
    assert "Commands:" in result.output and "错误" not in result.output


@pytest.mark.parametrize("english, chinese_text", [
    ("No such command 'sear'. Did you mean 'search'?", "没有命令 sear，您是不是要用 search"),
    ("No such command 'se'. (Did you mean one of: 'search', 'serve'?)", "没有命令 se，您是不是要用 search、serve"),
    ("No such command 'zz'.", "没有命令 zz"),
    ("Something click says one day", "用法有误"),
])
def test_click_s_words_for_a_command_are_read_for_the_names_only(english, chinese_text):
    from govsearch.usage import UsageError, chinese

    assert chinese(click.UsageError(english)) == chinese_text
    assert UsageError(click.UsageError(english)).message == f"{chinese_text} ({english})"


@pytest.mark.parametrize("args, chinese, english", [
    (["serve", "--port", "abc"], "--port 的值不是整数，应为 1–65535 的整数", "'abc' is not a whole number 1-65535."),
    (["search", "x", "--page", "abc"], "--page 的值不是整数，应为不小于 1 的整数", "'abc' is not a whole number 1 or more."),
])
def test_a_value_that_is_no_number_is_said_to_be_no_whole_number(args, chinese, english):
    message, _ = _error(args)
    assert message.startswith(chinese + " (") and english in message and "integer range" not in message, message


def test_a_number_out_of_range_still_names_the_range():
    message, _ = _error(["serve", "--port", "0"])
    assert message.startswith("--port 的值无效，取值范围 1<=x<=65535") and "not in the range" in message
