"""Rebuilds and updates while searching: atomic switches, killed builds, incremental updates."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from conftest import write_corpus
from index import build, update
from search import engine
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企，万人助万企服务企业。\n"  # two mentions: topic evidence
C = "回郭镇工作总结\n\n回郭镇全面推进人居环境整治。\n"


def test_searcher_follows_a_rebuild_without_restart(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    searcher = Searcher(tmp_path / "i")
    assert searcher.search("五星支部").total == 1
    assert searcher.search("万人助万企").total == 0
    write_corpus(corpus, {"b.txt": B})
    build(corpus, tmp_path / "i")
    assert searcher.search("万人助万企").total == 1
    assert searcher.stats()["documents"] == 2


def test_old_generation_stays_complete_while_a_new_one_is_written(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    first = (tmp_path / "i" / "CURRENT").read_text().strip()
    write_corpus(corpus, {"b.txt": B})
    build(corpus, tmp_path / "i")
    second = (tmp_path / "i" / "CURRENT").read_text().strip()
    assert first != second
    assert (tmp_path / "i" / first).is_dir()  # kept for searchers that still have it open
    build(corpus, tmp_path / "i")
    gens = sorted(p.name for p in (tmp_path / "i").glob("gen-*"))
    assert len(gens) == 2 and first not in gens


def test_a_killed_build_leaves_the_old_index_serving(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    live = (tmp_path / "i" / "CURRENT").read_text()
    # a corpus big enough that the build is still running when we kill it
    for n in range(60):
        write_corpus(corpus, {f"big{n}.txt": (B + "全镇新增市场主体1367家，新增省级专精特新企业。\n") * 150})
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from index import build; build(sys.argv[1], sys.argv[2], workers=1)",
                             str(corpus), str(tmp_path / "i")], env=env)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((tmp_path / "i").glob("gen-*"))) < 2:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (tmp_path / "i" / "CURRENT").read_text() == live
    searcher = Searcher(tmp_path / "i")
    assert searcher.search("五星支部").total == 1
    assert searcher.search("万人助万企").total == 0
    # the next build clears the leftover and switches
    shutil.rmtree(corpus)
    write_corpus(corpus, {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i")
    assert searcher.search("万人助万企").total == 1
    assert len(list((tmp_path / "i").glob("gen-*"))) == 2


def test_update_reindexes_only_what_changed(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i")
    searcher = Searcher(tmp_path / "i")
    ids_before = {d["source"]: d["doc_id"] for d in searcher.documents()}

    report = update(corpus, tmp_path / "i")
    assert report.indexed == [] and sorted(report.unchanged) == ["a.txt", "b.txt"]

    (corpus / "b.txt").write_text(B.replace("万人助万企", "四上企业培育"), encoding="utf-8")
    (corpus / "a.txt").unlink()
    write_corpus(corpus, {"c.txt": C})
    report = update(corpus, tmp_path / "i")
    assert sorted(report.indexed) == ["b.txt", "c.txt"]
    assert report.removed == ["a.txt"]
    assert report.unchanged == []
    assert searcher.search("五星支部").total == 0
    assert searcher.search("万人助万企").total == 0
    assert searcher.search("四上企业培育").total == 1
    assert searcher.search("人居环境").total == 1
    assert {d["source"]: d["doc_id"] for d in searcher.documents()}["b.txt"] == ids_before["b.txt"]
    assert searcher.stats()["documents"] == 2
    # the passage table matches a fresh build of the same corpus
    fresh = tmp_path / "fresh"
    build(corpus, fresh)
    assert Searcher(fresh).stats()["passages"] == searcher.stats()["passages"]


def test_update_without_index_builds_one(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    report = update(corpus, tmp_path / "i")
    assert report.indexed == ["a.txt"] and "no index yet" in " ".join(report.notes)


def test_changed_lexicon_means_full_reindex(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i")
    lexicon = tmp_path / "topics.txt"
    lexicon.write_text("党建: 五星支部^2\n创新: 万人助万企^2\n", encoding="utf-8")
    report = update(corpus, tmp_path / "i", lexicon=lexicon)
    assert sorted(report.indexed) == ["a.txt", "b.txt"]
    assert any("lexicon" in n for n in report.notes)
    res = Searcher(tmp_path / "i").search("万人助万企")
    assert res.hits[0].topics == ["创新"]
    assert res.facets["topic"] == {"党建": 0, "创新": 1}


def test_sidecar_change_is_an_update(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    write_corpus(corpus, {"metadata.tsv": "file\tyear\na.txt\t2023\n"})
    report = update(corpus, tmp_path / "i")
    assert report.indexed == ["a.txt"]
    assert Searcher(tmp_path / "i").search("五星支部", year="2023").total == 1


def test_background_reload_keeps_answering_from_the_old_generation(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    searcher = Searcher(tmp_path / "i", reload_in_background=True)
    assert searcher.search("五星支部").total == 1  # first load is synchronous
    write_corpus(corpus, {"b.txt": B})
    build(corpus, tmp_path / "i")
    # hold the new generation's load until the old one has answered
    release = threading.Event()
    real_table = engine.PassageTable

    def slow_table(gen):
        release.wait(30)
        return real_table(gen)

    monkeypatch.setattr(engine, "PassageTable", slow_table)
    assert searcher.search("万人助万企").total == 0  # answered at once, from the previous generation
    release.set()
    searcher.wait_for_reload(30)
    assert searcher.search("万人助万企").total == 1
    assert searcher.search("五星支部").total == 1


def test_many_bigram_segments_and_their_merge_keep_exact_recall(tmp_path, monkeypatch):
    """Small segments (as a big build writes them) and updates that merge them."""
    from index.generation import grams

    monkeypatch.setattr(grams, "CHUNK_CHARS", 40)
    monkeypatch.setattr(grams, "MAX_SEGMENTS", 3)
    files = {f"r{n}.txt": f"第{n}镇工作总结\n\n第{n}镇推进五星支部创建，建设项目{n}个。\n\n人居环境持续改善。\n" for n in range(8)}
    corpus = write_corpus(tmp_path / "c", files)
    build(corpus, tmp_path / "i")
    searcher = Searcher(tmp_path / "i")
    assert searcher.search("五星支部").total == 8
    assert searcher.search("设项目").total == 8
    for n in range(3):  # each update adds a segment; past three they are merged
        write_corpus(corpus, {f"new{n}.txt": f"新{n}镇\n\n新{n}镇五星支部达标。\n"})
        update(corpus, tmp_path / "i")
    gen = (tmp_path / "i" / (tmp_path / "i" / "CURRENT").read_text().strip())
    import json
    segments = json.loads((gen / "grams.json").read_text())["segments"]
    assert len(segments) <= 3 and any("merged" in s for s in segments)
    assert searcher.search("五星支部").total == 11
    assert searcher.search("星").total == 11
    assert {h.passage for h in searcher.search("达标", page_size=100).hits} == {f"新{n}镇五星支部达标。" for n in range(3)}


def test_the_corpus_is_not_read_at_query_time(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i")
    shutil.rmtree(corpus)
    searcher = Searcher(tmp_path / "i")
    assert searcher.search("五星支部").total == 1
    doc = searcher.document(searcher.search("万人助万企").hits[0].doc_id)
    assert doc["source"] == "b.txt" and B.split("\n")[2] in [p["text"] for p in doc["passages"]]


def test_an_update_that_finds_nothing_to_do_keeps_the_generation(tmp_path):
    """As from cron: no new generation when nothing changed, so servers keep their
    loaded index; the next real change switches as usual."""
    from index.generation import store

    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i")
    live = store.current_generation(tmp_path / "i")
    report = update(corpus, tmp_path / "i")
    assert report.generation == live.name and report.unchanged == ["a.txt"] and not report.indexed
    assert any("nothing changed" in n for n in report.notes)
    assert store.current_generation(tmp_path / "i") == live
    assert [g.name for g in (tmp_path / "i").glob("gen-*")] == [live.name]
    assert Searcher(tmp_path / "i").search("五星支部").total == 1
    write_corpus(corpus, {"b.txt": B})
    report = update(corpus, tmp_path / "i")
    assert report.indexed == ["b.txt"] and store.current_generation(tmp_path / "i") != live
    assert Searcher(tmp_path / "i").search("万人助万企").total == 1
