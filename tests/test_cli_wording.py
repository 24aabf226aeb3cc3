"""English counts in the CLI agree with their number: "1 passage", "2 passages"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index.wording import count

REPORTS = {
    "a.md": "# 青山镇2022年工作总结\n\n## 党建\n\n青山镇推进五星支部创建。\n\n人居环境整治。\n",
    "b.md": "# 绿水乡2022年工作总结\n\n## 环保\n\n绿水乡人居环境持续改善。\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("wording")
    write_corpus(base / "corpus", {"a.md": REPORTS["a.md"]})
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(base / "corpus"), "--index",
                                       str(base / "one"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return base, result.output


def test_count_helper():
    assert count(1, "report") == "1 report" and count(0, "report") == "0 reports"
    assert count(2, "match") == "2 matches" and count(1, "match") == "1 match"
    assert count(1234, "character", fmt=",") == "1,234 characters"


def test_build_summary_of_one_report(built):
    _, output = built
    assert "Indexed 1 report (" in output and "1 reports" not in output


def test_search_summary_singular_and_plural(built, tmp_path):
    base, _ = built
    runner = CliRunner()
    one = runner.invoke(main, ["search", "五星支部", "--index", str(base / "one")])
    assert one.exit_code == 0, one.output
    assert "“五星支部”: 1 passage in 1 report" in one.output
    assert one.output.startswith("“五星支部”：1 篇报告中 1 段（完全匹配 1，分词匹配 0），第 1/1 页 (“五星支部”: 1 passage")
    page2 = runner.invoke(main, ["search", "五星支部", "--page", "2", "--index", str(base / "one")])
    assert "there is 1 page" in page2.output and "page(s)" not in page2.output
    write_corpus(tmp_path / "corpus", REPORTS)
    assert runner.invoke(main, ["index", "build", "--corpus", str(tmp_path / "corpus"), "--index",
                                str(tmp_path / "two"), "--workers", "1"]).exit_code == 0
    two = runner.invoke(main, ["search", "人居环境", "--index", str(tmp_path / "two")])
    assert "“人居环境”: 2 passages in 2 reports" in two.output


def test_show_one_match(built):
    base, _ = built
    result = CliRunner().invoke(main, ["show", "a", "--query", "五星支部", "--index", str(base / "one")])
    assert result.exit_code == 0, result.output
    assert "“五星支部”: 1 match" in result.output and "1 matches" not in result.output
    assert "“五星支部”：1 处匹配 (“五星支部”: 1 match)" in result.output


def test_a_page_past_the_last_says_how_many_pages_there_are(built):
    base, _ = built
    result = CliRunner().invoke(main, ["search", "五星支部", "--index", str(base / "one"), "--page", "5"])
    assert result.exit_code == 0, result.output
    assert "page 5/1" not in result.output
    assert "第 5 页没有结果：共 1 页 (no hits on page 5: there is 1 page)" in result.output
    first = CliRunner().invoke(main, ["search", "五星支部", "--index", str(base / "one")])
    assert "page 1/1" in first.output and "没有结果" not in first.output


def test_the_first_page_past_the_end_says_it_in_chinese_first_with_the_plural(tmp_path):
    write_corpus(tmp_path / "corpus", REPORTS)
    index = tmp_path / "two"
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build", "--corpus", str(tmp_path / "corpus"), "--index", str(index),
                                "--workers", "1"]).exit_code == 0
    # two passages a page apart: page 2 is the last with a hit, page 3 the first past the end
    last = runner.invoke(main, ["search", "人居环境", "--limit", "1", "--page", "2", "--index", str(index)])
    assert last.exit_code == 0 and "没有结果" not in last.output and "第 2/2 页" in last.output
    past = runner.invoke(main, ["search", "人居环境", "--limit", "1", "--page", "3", "--index", str(index)])
    assert past.exit_code == 0, past.output
    assert "第 3 页没有结果：共 2 页 (no hits on page 3: there are 2 pages)" in past.output


def test_a_mistyped_option_gets_the_exclusion_hint_only_when_it_reads_as_a_word(built):
    base, _ = built
    option = CliRunner().invoke(main, ["search", "五星支部", "--corpus", "x", "--index", str(base / "one")])
    assert option.exit_code == 2 and "no such option: --corpus" in option.output
    assert "exclusion" not in option.output
    word = CliRunner().invoke(main, ["search", "五星支部", "--青山镇", "--index", str(base / "one")])
    assert word.exit_code == 2 and "-青山镇" in word.output and "exclusion" in word.output


@pytest.mark.parametrize("variable", ["GOVSEARCH_SYNONYMS_FILE", "GOVSEARCH_SYNONYMS"])
def test_the_cli_reads_the_synonym_table_under_the_servers_name_too(built, tmp_path, variable):
    base, _ = built
    table = tmp_path / "syn.txt"
    table.write_text("五星支部 = 红旗支部\n", encoding="utf-8")
    write_corpus(tmp_path / "c", {"r.md": "# 青山镇2022年工作总结\n\n红旗支部建设有力。\n"})
    assert CliRunner().invoke(main, ["index", "build", "--corpus", str(tmp_path / "c"), "--index",
                                     str(tmp_path / "i"), "--workers", "1"]).exit_code == 0
    plain = CliRunner().invoke(main, ["search", "五星支部", "--index", str(tmp_path / "i"), "--json"])
    assert '"total": 0' in plain.output
    result = CliRunner().invoke(main, ["search", "五星支部", "--index", str(tmp_path / "i"), "--json"],
                                env={variable: str(table)})
    assert result.exit_code == 0, result.output
    assert '"total": 1' in result.output


def test_dev_py_help_exits_zero():
    import subprocess
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, str(ROOT / "dev.py"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "dev.py run" in done.stdout
    assert subprocess.run([sys.executable, str(ROOT / "dev.py"), "nonsense"], capture_output=True).returncode == 2


def test_the_serving_line_counts_processes_and_threads_in_both_languages():
    from govsearch.serve import STOPPED, serving_line

    one = serving_line("http://127.0.0.1:8000/", "1 个线程", count(1, "thread"))
    assert one == ("govsearch 正在 http://127.0.0.1:8000/ 提供服务（waitress，1 个线程；Ctrl+C 停止） "
                   "(govsearch serving on http://127.0.0.1:8000/ (waitress, 1 thread; Ctrl+C stops))")
    assert "serving on" in one and STOPPED == "已停止 (stopped)"
    two = serving_line("http://x/", "2 个进程 × 8 个线程", f"{count(2, 'process', 'processes')} × {count(8, 'thread')}")
    assert "(waitress, 2 processes × 8 threads; Ctrl+C stops)" in two
