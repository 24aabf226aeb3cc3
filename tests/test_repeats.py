"""The counts of repeated bigrams (index/generation/repeats.py): the ranking's term
counts read from them equal the counts in the passages' text; builds and updates write
what a rebuild from Whoosh writes; a damaged or missing file is named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import write_corpus
from index import build, update
from index.errors import IndexMissing
from index.generation import repeats, store
from search import ranking
from search.engine import Searcher

# Synthetic passages at the edges of the rule (one per line: each is a passage):
# 哈哈哈 holds the bigram 哈哈 twice by position but 哈哈 once for str.count;
# 发展改 once where both its bigrams repeat (发展 twice, 展改 twice): only its text tells;
# 乡村振兴 once where 村振 repeats but 乡村 does not; 建设 once, twice and three times.
REPEATING = """东湖镇工作总结

东湖镇笑声哈哈哈，群众满意度提升。

发展改革同步推进，发展经济，展改新篇。

乡村振兴全面推进，村振路修通。

项目建设提速，建设资金到位，建设用地保障有力。

招商引资成效明显，建设一批重点项目。
"""

OTHER = """西山镇工作总结

西山镇推进乡村振兴，乡村振兴示范村建设有序。

全镇持续深化改革，改革红利释放。
"""

WORDS = ["哈哈", "哈哈哈", "发展改", "发展", "展改", "乡村振兴", "村振", "建设", "改革", "乡村", "推进", "项目建设"]


def _gen(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def _postings(folder: Path, live: np.ndarray | None = None) -> set[tuple[int, int, int]]:
    """(bigram key, row, count) of every repeated bigram (rows of ``live`` only)."""
    out = set()
    for seg in repeats.Repeats.load(folder).segments:
        seg = seg.raw()
        for i, key in enumerate(seg.keys.tolist()):
            for r in seg.rows[seg.offsets[i]: seg.offsets[i + 1]].tolist():
                if live is None or live[r]:
                    out.add((key >> repeats.COUNT_BITS, r, key & repeats.COUNT_MAX))
    return out


def _from_texts(searcher: Searcher) -> set[tuple[int, int, int]]:
    """The same, counted in the live passages' normalized texts."""
    t = searcher._current()
    out = set()
    for r in np.flatnonzero(t.live).tolist():
        norm = t.norm(r)
        counts: dict[tuple[str, str], int] = {}
        for pair in zip(norm, norm[1:]):
            counts[pair] = counts.get(pair, 0) + 1
        out |= {(ord(a) << 21 | ord(b), r, n) for (a, b), n in counts.items() if n > 1}
    return out


@pytest.fixture(scope="module")
def repeating(tmp_path_factory):
    base = tmp_path_factory.mktemp("repeats")
    corpus = write_corpus(base / "c", {"a.txt": REPEATING, "b.txt": OTHER})
    build(corpus, base / "idx", workers=1)
    return corpus, base / "idx"


def test_term_counts_read_from_the_repeats_equal_the_counts_in_the_texts(repeating):
    _, index = repeating
    s = Searcher(index)
    t = s._current()
    assert t.repeats is not None and any(len(seg.keys) for seg in t.repeats.segments)
    checked = 0
    for word in WORDS:
        rows = s._containing(t, word)
        assert len(rows), word
        want = [t.norm(r).count(word) for r in rows.tolist()]
        assert ranking._counts(t, rows, word).tolist() == want, word
        checked += max(want) > 1
    assert checked >= 3  # words counted more than once somewhere: 建设, 发展, 乡村振兴 …


def test_the_ranking_is_the_same_with_and_without_the_repeats(repeating):
    """Scores read through the repeats equal those counted in the texts (the path an
    index written before them takes)."""
    _, index = repeating
    with_counts, without = Searcher(index), Searcher(index)
    without._current().repeats = None
    for q in WORDS + ["建设 乡村振兴", "发展改革"]:
        a, b = with_counts.search(q, page_size=50), without.search(q, page_size=50)
        assert [(h.passage_id, h.score) for h in a.hits] == [(h.passage_id, h.score) for h in b.hits], q
        assert a.total == b.total


def test_builds_and_updates_write_the_repeats_a_rebuild_from_whoosh_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(repeats, "CHUNK_CHARS", 40)  # several chunks, merged at the end
    corpus = write_corpus(tmp_path / "c", {"a.txt": REPEATING, "b.txt": OTHER})
    index = tmp_path / "idx"
    build(corpus, index, workers=1)
    gen = _gen(index)
    assert len(store.read_json(gen / repeats.MANIFEST)["segments"]) == 1
    assert _postings(gen) == _postings(repeats.rebuild_from_whoosh(gen, tmp_path / "rebuilt")) == _from_texts(Searcher(index))

    # a changed report (its passages get new rows), a removed one and added ones
    (corpus / "a.txt").write_text(REPEATING + "\n建设建设再建设，哈哈哈哈。\n", encoding="utf-8")
    (corpus / "b.txt").unlink()
    for n in range(9):  # more segments than MAX_SEGMENTS: the smallest are merged
        (corpus / f"u{n}.txt").write_text(f"第{n}镇工作总结\n\n第{n}镇建设美丽乡村，美丽乡村建设提速。\n", encoding="utf-8")
        update(corpus, index, workers=1)
    gen = _gen(index)
    segments = store.read_json(gen / repeats.MANIFEST)["segments"]
    assert len(segments) <= 8 and any("merged" in name for name in segments)
    s = Searcher(index)
    live = np.asarray(s._current().live)
    found = _postings(gen, live)
    assert found == _postings(repeats.rebuild_from_whoosh(gen, tmp_path / "rebuilt2")) == _from_texts(s)
    jianshe = ord("建") << 21 | ord("设")
    t = s._current()
    assert (jianshe, int(s._containing(t, "建设建设再建设")[0]), 3) in found
    rows = s._containing(t, "建设")
    assert ranking._counts(t, rows, "建设").tolist() == [t.norm(r).count("建设") for r in rows.tolist()]


def _a_repeats_segment(gen: Path) -> str:
    return sorted(p.name for p in gen.iterdir() if p.name.startswith("repeats-") and p.name.endswith(".gaps.npy"))[0]


@pytest.mark.parametrize("how", ["missing", "truncated", "manifest missing"])
def test_a_damaged_or_missing_repeats_file_is_named_and_an_update_repairs_it(repeating, tmp_path, how):
    corpus, built = repeating
    index = tmp_path / "idx"
    shutil.copytree(built, index)
    gen = _gen(index)
    name = repeats.MANIFEST if how == "manifest missing" else _a_repeats_segment(gen)
    victim = gen / name
    if how == "truncated":
        os.truncate(victim, victim.stat().st_size // 2)
    else:
        victim.unlink()
    with pytest.raises(IndexMissing, match=name.replace(".", r"\.")):
        Searcher(index).search("建设")
    report = update(corpus, index, workers=1)
    assert any(name in note for note in report.notes), report.notes
    store.verify_generation(_gen(index))
    assert Searcher(index).search("建设").total >= 2


def test_an_index_written_before_the_repeats_is_searched_and_updated_without_re_indexing(repeating, tmp_path):
    """A generation without repeat files (its manifest never named them) ranks from the
    texts; an update derives them from its mapped texts and re-indexes only what changed."""
    corpus, built = repeating
    index = tmp_path / "idx"
    shutil.copytree(built, index)
    gen = _gen(index)
    before = [(h.passage_id, h.score) for h in Searcher(index).search("建设", page_size=50).hits]
    for f in gen.iterdir():
        if f.name.startswith("repeats"):
            f.unlink()
    store.forget_verified(gen)
    store.write_manifest(gen)
    old = Searcher(index)
    assert old._current().repeats is None
    assert [(h.passage_id, h.score) for h in old.search("建设", page_size=50).hits] == before
    work = tmp_path / "c"
    shutil.copytree(corpus, work)
    (work / "n.txt").write_text("北岭镇工作总结\n\n北岭镇建设建设再建设。\n", encoding="utf-8")
    report = update(work, index, workers=1, replace_corpus=True)
    assert report.indexed == ["n.txt"] and len(report.unchanged) == 2, report.notes
    s = Searcher(index)
    assert s._current().repeats is not None
    assert _postings(_gen(index), np.asarray(s._current().live)) == _from_texts(s)
