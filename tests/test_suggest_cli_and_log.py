"""`govsearch suggest`, the did-you-mean / pinyin / synonym lines of `govsearch search`,
and the anonymous query log behind hot queries."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from search.querylog import QueryLog

REPORTS = {
    "a.md": "# 红星镇工作总结\n\n红星镇全面落实河长制，五星支部带头巡河。\n\n红星镇五星支部创建扎实。\n",
    "b.md": "# 绿野乡工作报告\n\n绿野乡深化河湖长制，五星支部创建见效。\n",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli-assist")
    build(write_corpus(base / "corpus", REPORTS), base / "index", workers=1)
    return str(base / "index")


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def test_suggest_command(index):
    r = run("suggest", "五星", "--index", index)
    assert r.exit_code == 0 and r.output.splitlines()[0] == "五星支部\t3"
    data = json.loads(run("suggest", "wxzb", "--json", "--index", index).output)
    assert data["suggestions"][0] == {"text": "五星支部", "count": 3, "kind": ["word", "dictionary"]}
    none = run("suggest", "量子", "--index", index)
    assert none.exit_code == 0 and none.output.strip() == "“量子”没有补全建议 (no suggestions for “量子”)"
    assert run("suggest", "--index", index).exit_code == 2  # a prefix is required


def test_zero_results_print_the_did_you_mean_line(index):
    r = run("search", "五心支部", "--index", index)
    assert r.exit_code == 0
    assert "0 passages" in r.output and "您是不是要找 did you mean: 五星支部  (3 passages)" in r.output
    assert "did you mean" not in run("search", "五星支部", "--index", index).output
    assert json.loads(run("search", "五心支部", "--json", "--index", index).output)["did_you_mean"][0]["query"] == "五星支部"


def test_pinyin_and_synonym_lines_and_the_switch(index, tmp_path):
    r = run("search", "wuxingzhibu", "--index", index)
    assert "按拼音检索了 searched as pinyin: 五星支部" in r.output and "3 passages" in r.output
    syn = run("search", "河长制", "--index", index)
    assert "同时搜索了 also searched: 河湖长制" in syn.output and "2 passages" in syn.output
    assert "synonyms only 1" in syn.output and "[同义词 synonym]" in syn.output and "[词匹配 words]" not in syn.output
    off = run("search", "河长制", "--no-synonyms", "--index", index)
    assert "1 passage in 1 report" in off.output and "同时搜索了" not in off.output
    table = tmp_path / "syn.txt"
    table.write_text("五星支部 = 河湖长制\n", encoding="utf-8")
    mine = json.loads(run("search", "河长制", "--json", "--synonyms-file", str(table), "--index", index).output)
    assert mine["total"] == 1 and mine["expanded"]["synonyms"] == []


class Clock:
    def __init__(self, day):
        self.day = day

    def __call__(self):
        return self.day


def test_query_log_counts_anonymously_with_retention(tmp_path):
    clock = Clock(date(2026, 1, 1))
    path = tmp_path / "log.json"
    log = QueryLog(enabled=True, days=7, path=path, min_visitors=2, today=clock)
    for q, who in (("五星支部", "10.0.0.1|ua"), ("五星支部", "10.0.0.2|ua"), (" 五星支部 ", "10.0.0.2|ua"),
                   ("人居环境", "10.0.0.1|ua"), ("人居环境", "10.0.0.1|ua")):
        log.record(q, total=3, visitor=who)
    log.record("量子纠缠", total=0, visitor="10.0.0.3|ua")  # no hits: not recorded
    log.record("很长" * 30, total=5, visitor="10.0.0.3|ua")  # long text: not recorded
    assert log.hot() == [{"query": "五星支部", "count": 3}]  # 人居环境: twice, but by one visitor
    log.flush()
    saved = path.read_text(encoding="utf-8")
    assert "10.0.0." not in saved and "ua" not in saved  # only text, counts and salted hashes
    days = json.loads(saved)["days"]
    assert list(days) == ["2026-01-01"] and sorted(days["2026-01-01"]) == ["五星支部", "人居环境"]
    assert days["2026-01-01"]["五星支部"]["count"] == 3 and len(days["2026-01-01"]["五星支部"]["visitors"]) == 2
    again = QueryLog(enabled=True, days=7, path=path, min_visitors=2, today=clock)
    assert again.hot() == [{"query": "五星支部", "count": 3}]  # read back at start-up
    clock.day = date(2026, 1, 8)
    assert again.hot() == []  # older than seven days: dropped
    off = QueryLog(enabled=False, path=tmp_path / "off.json", min_visitors=1)
    off.record("五星支部", 3, "a")
    off.flush()
    assert off.hot() == [] and not (tmp_path / "off.json").exists()
    assert QueryLog().enabled is False  # off unless turned on


def test_query_log_survives_a_damaged_file(tmp_path):
    path = tmp_path / "log.json"
    path.write_text("{not json", encoding="utf-8")
    log = QueryLog(enabled=True, path=path, min_visitors=2)
    log.record("五星支部", 1, "a")
    log.record("五星支部", 1, "b")
    assert log.hot() == [{"query": "五星支部", "count": 2}]
