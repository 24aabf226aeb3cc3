"""The query-assistance tables written at build and update time
(index/generation/assist_tables.py): rebuilt from Whoosh they are the ones the build
wrote, they answer what the tables a query process used to make for itself answered
(checked against plain reference implementations here), they follow updates, and a
fresh search process neither builds a table nor loads jieba's dictionary for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jieba.posseg
import pytest

from conftest import write_corpus
from index import build, update
from index.generation import assist_tables, store
from index.generation.assist_tables import fuzzy
from index.generation.vocabulary import read_vocabulary, rebuild_from_whoosh
from search import spelling
from search.engine import Searcher
from search.suggest import complete, vocabulary_of

A = """大隗镇2022年工作总结

一、党建引领
全面推进五星支部创建，五星支部创建覆盖全部村。持续开展人居环境整治，人居环境整治见效。
二、项目建设
重点项目建设提速，银行贷款支持项目建设，五星支部带动项目建设。人居环境整治持续推进。
"""
B = """来集镇2023年工作总结

一、乡村振兴
乡村振兴稳步推进，人居环境整治提升，五星支部创建深入开展。河湖长制落实到位。
二、民生保障
养老服务中心建成，银行网点延伸到村，河湖长制全面推行，乡村振兴示范村建设。
"""
C = """新镇2021年总结

五星支部三个，人居环境整治村十个，乡村振兴项目五个，银行网点两个。
"""


def _gen(index: Path) -> Path:
    return store.current_generation(index)


def _table_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in assist_tables.FILES}


def _reference_check(gen: Path) -> None:
    """The mapped tables against reference answers made here from the vocabulary's lists,
    the way the search side made its tables before they were written at build time."""
    data = read_vocabulary(gen)
    terms, pinyin = data["terms"], data["pinyin"]
    vocab = vocabulary_of(gen)
    assert vocab.tables is not None  # mapped, not made in this process
    assert list(vocab.terms) == terms and vocab.freq.tolist() == data["freq"] and vocab.kinds.tolist() == data["kinds"]
    assert [vocab.index.get(t) for t in terms] == list(range(len(terms)))
    assert vocab.index.get("不在词表里的词") is None
    # jieba's part-of-speech tags, as search/suggest.py asked jieba for them at query time
    assert [vocab.tags_of(i) for i in range(len(terms))] == [
        tuple(w.flag for w in jieba.posseg.lcut(t, HMM=False)) for t in terms]
    # pinyin keys: full, initials, exact readings and fuzzy readings → ids in term order
    with_pinyin = [i for i, p in enumerate(pinyin) if p]
    assert with_pinyin  # the tiny corpus has Chinese terms
    full = {i: pinyin[i].replace(" ", "") for i in with_pinyin}
    initials = {i: "".join(x[0] for x in pinyin[i].split()) for i in with_pinyin}
    fuzzy_key = {i: " ".join(fuzzy(s) for s in pinyin[i].split()) for i in with_pinyin}
    by_full_prefix, by_initials_prefix, by_full, by_initials = vocab.pinyin_keys()
    for table, key in ((by_full, full), (by_initials, initials), (vocab.by_pinyin, {i: pinyin[i] for i in with_pinyin}),
                       (vocab.by_fuzzy, fuzzy_key)):
        for k in set(key.values()):
            assert list(table.get(k)) == [i for i in with_pinyin if key[i] == k]
    for prefix_index, key in ((by_full_prefix, full), (by_initials_prefix, initials)):
        for k in {v[:n] for v in key.values() for n in (1, 2, 3)}:
            assert prefix_index.with_prefix(k) == sorted((i for i in with_pinyin if key[i].startswith(k)),
                                                         key=lambda i: (key[i], i))
    # one-character edits: every term of 3 … 9 characters, and each with a character left out
    for t in terms[:200]:
        keys = {t, *(t[:k] + t[k + 1:] for k in range(len(t)))} if 3 <= len(t) <= 9 else {t}
        for key in keys:
            want = sorted({i for i, u in enumerate(terms) if 3 <= len(u) <= 9
                           and (u == key or any(u[:k] + u[k + 1:] == key for k in range(len(u))))})
            assert sorted(set(vocab.deletions.get(key))) == want
    # terms ending with a suffix, ordered by the reversed term
    for suffix in {t[-2:] for t in terms} | {t[-1:] for t in terms}:
        assert vocab.with_suffix(suffix) == [(i, terms[i]) for _, i in sorted((t[::-1], i) for i, t in enumerate(terms))
                                             if terms[i].endswith(suffix)]


def test_tables_rebuilt_from_whoosh_equal_the_written_ones_after_a_build_and_an_update(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    index = tmp_path / "i"
    build(corpus, index, workers=1)
    gen = _gen(index)
    assert assist_tables.present(gen)
    assert _table_bytes(rebuild_from_whoosh(gen, tmp_path / "rebuilt")) == _table_bytes(gen)
    _reference_check(gen)

    (corpus / "b.txt").write_text(B.replace("养老服务中心", "敬老院"), encoding="utf-8")
    (corpus / "c.txt").write_text(C, encoding="utf-8")
    (corpus / "a.txt").unlink()
    report = update(corpus, index, workers=1)
    assert sorted(report.indexed) == ["b.txt", "c.txt"]
    gen = _gen(index)
    assert _table_bytes(rebuild_from_whoosh(gen, tmp_path / "rebuilt-after-update")) == _table_bytes(gen)
    _reference_check(gen)
    # the update's tables are those a full build of the same corpus writes
    build(corpus, tmp_path / "fresh", workers=1)
    assert _table_bytes(_gen(tmp_path / "fresh")) == _table_bytes(gen)


def test_mapped_tables_answer_as_tables_made_at_query_time(tmp_path):
    """Did-you-mean, pinyin and completions from the mapped tables equal those of a
    vocabulary made in the process from the vocabulary's lists, with jieba asked for the
    tags (the way every query process did it before)."""
    from search import pinyin_query, suggest

    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B, "c.txt": C})
    build(corpus, tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    gen = s.generation_path()
    mapped = vocabulary_of(gen)
    made = suggest.Vocabulary(read_vocabulary(gen))  # no tags: jieba is asked, as before
    assert made.tags is None and mapped.tags is not None
    cut = s.analyzer.cut
    assert [suggest.is_suggestible(mapped, i, cut, short_nouns=n) for i in range(len(mapped)) for n in (False, True)] \
        == [suggest.is_suggestible(made, i, cut, short_nouns=n) for i in range(len(made)) for n in (False, True)]
    for typo in ("五心支部", "人居环竟", "河湖常制", "乡村振心", "银航"):
        assert spelling.candidates(mapped, typo) == spelling.candidates(made, typo)
    for typed in ("wxzb", "wuxingzhibu", "rjhj", "yinhang", "xiangcun"):
        assert pinyin_query.convert(mapped, [typed]) == pinyin_query.convert(made, [typed])
    for prefix in ("五星", "人居", "wx", "rjhj", "xiang", "河"):
        assert suggest.completion_ids(mapped, prefix, 24) == suggest.completion_ids(made, prefix, 24)
    assert s.search("五心支部").did_you_mean[0]["query"] == "五星支部"
    assert s.search("wxzb", pinyin=True).expanded["pinyin"]["searched"] == "五星支部"
    assert [c["text"] for c in complete(s, "人居")][:1] == ["人居环境整治"]


def test_a_fresh_process_builds_no_table_and_loads_no_jieba_dictionary(tmp_path):
    """Did-you-mean, pinyin and completions in a new process: the tables are mapped, and
    neither jieba's dictionary (part-of-speech tags), nor pypinyin, nor a background
    warm-up thread is loaded or started."""
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i", workers=1)
    code = f"""
import json, sys, threading
import jieba
from search import Searcher
from search.suggest import complete
s = Searcher({str(tmp_path / "i")!r})
out = {{"dym": s.search("五心支部").did_you_mean, "pinyin": s.search("wxzb", pinyin=True).expanded["pinyin"],
       "complete": [c["text"] for c in complete(s, "人居")],
       "jieba_loaded": jieba.dt.initialized, "posseg": "jieba.posseg" in sys.modules,
       "pypinyin": sorted(m for m in sys.modules if m.split(".")[0] == "pypinyin"),
       "threads": sorted(t.name for t in threading.enumerate())}}
print(json.dumps(out, ensure_ascii=False))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["dym"][0]["query"] == "五星支部"
    assert out["pinyin"]["searched"] == "五星支部"
    assert out["complete"] and out["complete"][0].startswith("人居")
    assert out["jieba_loaded"] is False and out["posseg"] is False
    assert out["pypinyin"] == []  # the typed term's readings come from the generation's tables
    assert out["threads"] == ["MainThread"]


def test_damaged_tables_are_named_at_open_and_under_a_live_searcher(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    assert s.search("五心支部").did_you_mean  # the tables are mapped now
    path = _gen(tmp_path / "i") / assist_tables.DATA
    import os
    import time

    time.sleep(0.01)  # a later mtime than the build's, on file systems with coarse clocks
    os.truncate(path, path.stat().st_size // 2)
    from index.errors import IndexMissing

    with pytest.raises(IndexMissing, match=r"assist\.bin"):
        s.search("五心支部")
    with pytest.raises(IndexMissing, match=r"assist\.bin"):
        Searcher(tmp_path / "i").search("五星支部")


def test_an_update_after_the_tables_were_damaged_writes_sound_ones(tmp_path):
    """An update reuses the previous generation's part-of-speech tags only when its
    tables are the bytes the manifest vouches for: damaged ones are tagged again."""
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    build(corpus, tmp_path / "i", workers=1)
    gen = _gen(tmp_path / "i")
    path = gen / assist_tables.DATA
    _, offset, _ = json.loads((gen / assist_tables.INFO).read_text())["arrays"]["tags.data"]
    data = bytearray(path.read_bytes())
    data[offset] = ord("x") if data[offset] != ord("x") else ord("z")  # a first term's first tag, still valid text
    path.write_bytes(bytes(data))
    (corpus / "c.txt").write_text(C, encoding="utf-8")
    update(corpus, tmp_path / "i", workers=1)
    build(corpus, tmp_path / "fresh", workers=1)
    assert _table_bytes(_gen(tmp_path / "i")) == _table_bytes(_gen(tmp_path / "fresh"))


def test_an_update_that_keeps_the_terms_writes_new_frequencies_into_the_previous_tables(tmp_path, monkeypatch):
    """A changed report that adds and drops no term changes only frequencies (and kinds):
    the update writes them into the previous generation's tables instead of making every
    table again, and the result is byte for byte what a full build writes; a change that
    adds a term makes the tables again."""
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B})
    index = tmp_path / "i"
    build(corpus, index, workers=1)
    before = read_vocabulary(_gen(index))
    made = []
    real_make = assist_tables.make
    monkeypatch.setattr(assist_tables, "make", lambda *a, **k: made.append(1) or real_make(*a, **k))

    (corpus / "b.txt").write_text(B + "\n人居环境整治。\n", encoding="utf-8")  # one more passage, no new term
    update(corpus, index, workers=1)
    after = read_vocabulary(_gen(index))
    assert after["terms"] == before["terms"] and after["freq"] != before["freq"]
    assert made == []
    build(corpus, tmp_path / "fresh", workers=1)
    assert _table_bytes(_gen(index)) == _table_bytes(_gen(tmp_path / "fresh"))
    _reference_check(_gen(index))

    made.clear()
    (corpus / "b.txt").write_text(B + "\n银行。\n", encoding="utf-8")  # 银行 becomes a term
    update(corpus, index, workers=1)
    assert read_vocabulary(_gen(index))["terms"] != before["terms"]
    assert made == [1]
    build(corpus, tmp_path / "fresh2", workers=1)
    assert _table_bytes(_gen(index)) == _table_bytes(_gen(tmp_path / "fresh2"))
