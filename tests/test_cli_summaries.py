"""The plain-text summaries of `index build`, `update`, `stats` and `check` in Chinese
first, the English kept in brackets (or, for the stats, in its column of old), so that
scripts matching the English ("re-indexed 1,", "Nothing to update") still match."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import STATS_ZH_CELLS, main

A = "# 青山镇2022年工作总结\n\n## 党建\n\n青山镇推进五星支部创建。\n"


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("summaries")
    corpus = write_corpus(base / "c", {"a.md": A, "empty.txt": ""})
    out = _run("index", "update", "--corpus", str(corpus), "--index", str(base / "i"), "--workers", "1")
    return base, corpus, out


def test_a_first_update_says_what_it_did_chinese_first(built):
    base, corpus, out = built
    lines = out.splitlines()
    assert lines[0] == "注意 note: 还没有索引，现在建立 (no index yet: building one)"
    assert re.fullmatch(r"已更新索引：1 份报告，(\d+) 段，([\d,]+) 字，用时 ([\d.]+) 秒 "
                        r"\(Updated 1 report \(\1 passages?, \2 characters?\) in \3 s\) → .+ \(gen-.+\)", lines[1]), lines[1]
    assert f"  语料 from {corpus.resolve()}" in lines
    assert "  已索引 1 / 跳过 1 / 失败 0 (indexed 1 / skipped 1 / failed 0)" in lines
    assert re.search(r"^  跳过 skipped empty\.txt: ", out, re.M)


def test_a_build_says_indexed(built, tmp_path):
    _, corpus, _ = built
    lines = _run("index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--workers", "1").splitlines()
    assert re.fullmatch(r"已建索引：\d 份报告，\d+ 段，[\d,]+ 字，用时 [\d.]+ 秒 \(Indexed \d reports? \(.+\) in [\d.]+ s\) "
                        r"→ .+ \(gen-.+\)", lines[0]), lines[0]


def test_an_update_says_what_changed_and_one_with_nothing_to_do_says_so(built):
    base, corpus, _ = built
    same = _run("index", "update", "--index", str(base / "i")).splitlines()
    assert re.fullmatch(r"注意 note: 自 (gen-\S+) 以来没有变化，索引保持不变 \(nothing changed since \1: the index "
                        r"stays as it is\)", same[0]), same[0]
    assert same[1].startswith("无需更新，索引保持不变：1 份报告，") and "(Nothing to update: 1 report (" in same[1]
    assert "  重新索引 0，未变 1，删除 0 (re-indexed 0, unchanged 1, removed 0)" in same
    (corpus / "b.md").write_text(A.replace("青山镇", "绿水乡"), encoding="utf-8")
    changed = _run("index", "update", "--index", str(base / "i"), "--workers", "1").splitlines()
    assert changed[0].startswith("已更新索引：2 份报告，") and "(Updated 2 reports (" in changed[0]
    assert "  重新索引 1，未变 1，删除 0 (re-indexed 1, unchanged 1, removed 0)" in changed
    assert "  + b.md" in changed


def test_stats_label_each_line_in_chinese_then_english(built):
    base, _, _ = built
    lines = _run("index", "stats", "--index", str(base / "i")).splitlines()
    labels = [(m.group(1), m.group(2)) for m in (re.match(r"(\S+) +(\S+(?: at)?) ", line + " ") for line in lines)]
    assert labels[:4] == [("索引", "index"), ("建于", "built at"), ("报告", "documents"), ("段落", "passages")]
    assert [en for _, en in labels[4:12]] == ["characters", "topics", "towns", "counties", "cities", "provinces",
                                              "levels", "years"]
    assert ("跳过", "skipped") in labels
    # the English column as before ("documents  2")
    assert any(line.startswith("乡镇   towns      青山镇") for line in lines)
    assert any(re.fullmatch(r"报告   documents  \d+", line) for line in lines)
    # the English column starts at the same terminal cell on every line (a Chinese character takes two)
    assert {2 * len(zh) + line.index(en) - len(zh) for (zh, en), line in zip(labels, lines)} == {STATS_ZH_CELLS + 1}


def test_check_says_the_index_is_sound_chinese_first(built):
    base, _, _ = built
    out = _run("index", "check", "--index", str(base / "i")).strip()
    assert re.fullmatch(r"(gen-\S+)：完好，(\d+) 个文件（([\d.]+) MiB）已全部读过并与清单核对 "
                        r"\(\1: sound \(\2 files, \3 MiB read and checked against its manifest\)\)", out), out
