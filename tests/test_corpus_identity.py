"""No silent replacement: an index remembers the corpus folder (and lexicon, dictionary)
it was built from, and refuses another folder unless told to replace it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build, update
from index.errors import CorpusMismatch
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企，万人助万企服务企业。\n"  # two mentions: topic evidence
C = "回郭镇工作总结\n\n回郭镇全面推进人居环境整治。\n"


@pytest.fixture
def two_corpora(tmp_path):
    reports = write_corpus(tmp_path / "reports", {"a.txt": A, "b.txt": B, "sub/c.txt": C})
    samples = write_corpus(tmp_path / "samples", {"x.txt": B})
    return reports, samples, tmp_path / "index"


def _sources(index):
    return sorted(d["source"] for d in Searcher(index).documents())


def test_update_without_corpus_uses_the_folder_the_index_was_built_from(two_corpora, monkeypatch, tmp_path):
    reports, samples, index = two_corpora
    build(reports, index)
    monkeypatch.chdir(tmp_path)  # a corpus/ folder here must not be taken instead
    write_corpus(tmp_path / "corpus", {"other.txt": C})
    write_corpus(reports, {"d.txt": A.replace("大隗镇", "来集镇")})
    report = update(None, index)
    assert report.indexed == ["d.txt"] and report.removed == []
    assert report.corpus == str(reports.resolve())
    assert _sources(index) == ["a.txt", "b.txt", "d.txt", "sub/c.txt"]


@pytest.mark.parametrize("fn", [update, build], ids=["update", "build"])
def test_another_folder_is_refused_and_says_what_would_be_removed(two_corpora, fn):
    reports, samples, index = two_corpora
    build(reports, index)
    live = (index / "CURRENT").read_text()
    with pytest.raises(CorpusMismatch) as err:
        fn(samples, index)
    message = str(err.value)
    assert str(reports.resolve()) in message and str(samples.resolve()) in message
    assert "remove 3 of them" in message and "a.txt" in message and "sub/c.txt" in message
    assert "--replace-corpus" in err.value.hint
    assert (index / "CURRENT").read_text() == live  # nothing changed
    assert _sources(index) == ["a.txt", "b.txt", "sub/c.txt"]


@pytest.mark.parametrize("fn", [update, build], ids=["update", "build"])
def test_replace_corpus_allows_it(two_corpora, fn):
    reports, samples, index = two_corpora
    build(reports, index)
    report = fn(samples, index, replace_corpus=True)
    assert _sources(index) == ["x.txt"]
    assert report.corpus == str(samples.resolve())
    # from now on the index belongs to the new folder
    with pytest.raises(CorpusMismatch):
        update(reports, index)


def test_replace_corpus_onto_a_copy_of_the_same_files_records_the_new_folder(two_corpora, tmp_path):
    """Every file unchanged is no reason to keep the old folder on record: the next
    update (without --replace-corpus) must accept the folder the index was moved to."""
    import shutil

    reports, _, index = two_corpora
    build(reports, index)
    moved = tmp_path / "moved"
    shutil.copytree(reports, moved)
    report = update(moved, index, replace_corpus=True)
    assert report.corpus == str(moved.resolve()) and not report.indexed and not report.removed
    assert json.loads((index / (index / "CURRENT").read_text().strip() / "build.json").read_text())["corpus"] == str(moved.resolve())
    again = update(moved, index)  # no CorpusMismatch
    assert sorted(again.unchanged) == ["a.txt", "b.txt", "sub/c.txt"]
    assert any("nothing changed" in n for n in again.notes)


def test_the_same_folder_by_another_path_is_accepted(two_corpora, monkeypatch):
    reports, _, index = two_corpora
    build(reports, index)
    monkeypatch.chdir(reports.parent)
    report = update("./reports/../reports", index)
    assert sorted(report.unchanged) == ["a.txt", "b.txt", "sub/c.txt"]


def test_lexicon_and_dictionary_are_remembered(two_corpora, tmp_path):
    reports, _, index = two_corpora
    lexicon = write_corpus(tmp_path / "lex", {"topics.txt": "党建: 五星支部^2\n创新: 万人助万企^2\n"}) / "topics.txt"
    build(reports, index, lexicon=lexicon)
    report = update(None, index)  # no --lexicon: the one the index was built with, so nothing to redo
    assert report.indexed == [] and not any("lexicon" in n for n in report.notes)
    assert Searcher(index).search("万人助万企").hits[0].topics == ["创新"]
    info = json.loads((index / (index / "CURRENT").read_text().strip() / "build.json").read_text())
    assert info["corpus"] == str(reports.resolve()) and info["lexicon"] == str(lexicon.resolve())


def test_damaged_build_json_still_knows_the_corpus(two_corpora, monkeypatch, tmp_path):
    reports, samples, index = two_corpora
    build(reports, index)
    build(reports, index)  # a second generation: the previous one remembers the corpus too
    live = index / (index / "CURRENT").read_text().strip()
    (live / "build.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusMismatch):
        update(samples, index)
    report = update(None, index)
    assert any("damaged" in n for n in report.notes)
    assert _sources(index) == ["a.txt", "b.txt", "sub/c.txt"]


def test_cli_refuses_with_exit_1_and_a_hint_then_force_works(two_corpora):
    reports, samples, index = two_corpora
    runner = CliRunner()
    ok = runner.invoke(main, ["index", "build", "--corpus", str(reports), "--index", str(index)])
    assert ok.exit_code == 0 and f"from {reports.resolve()}" in ok.output
    refused = runner.invoke(main, ["index", "update", "--corpus", str(samples), "--index", str(index)])
    assert refused.exit_code == 1
    assert "would remove 3 of them" in refused.output and "--replace-corpus" in refused.output
    assert "这次更新会删去其中 3 篇" in refused.output and "提示 Hint: 去掉 --corpus 即用" in refused.output
    assert "Internal error" not in refused.output
    refused = runner.invoke(main, ["index", "build", "--corpus", str(samples), "--index", str(index)])
    assert refused.exit_code == 1 and "would remove 3" in refused.output
    assert _sources(index) == ["a.txt", "b.txt", "sub/c.txt"]
    bare = runner.invoke(main, ["index", "update", "--index", str(index)])
    assert bare.exit_code == 0 and "unchanged 3, removed 0" in bare.output
    forced = runner.invoke(main, ["index", "update", "--corpus", str(samples), "--index", str(index), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "removed 3" in forced.output and _sources(index) == ["x.txt"]
