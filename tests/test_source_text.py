"""A passage's source text is kept as its normalized text plus an edit record
(index/generation/source_text.py): putting it back together gives the text exactly."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import write_corpus
from index import build, update
from index.generation.source_text import SourceOffsets, edits, restore
from index.normalize import normalize, normalize_with_offsets
from search.engine import Searcher
from search.highlight import Matches

REPORTISH = "五星支部乡村振兴鄉村振興“”‘’，。、；：！？（）《》【】 \u3000\n\t\r\u200b-—…·ＡＢａｂ１２AIai5G㎓ßﬁ\x00"


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(alphabet=REPORTISH, max_size=60), st.text(max_size=60)))
@example("x" * 70_000 + "，" + "y")  # a distance that takes more than one character to write
@example("，" * 3)
@example("")
def test_restore_gives_back_the_source_text(text):
    record = edits(text)
    assert restore(normalize(text), record) == text
    record.encode("utf-8")  # a record is valid UTF-8 (it goes into a UTF-8 blob)
    if normalize(text) == text:
        assert record == ""


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(alphabet=REPORTISH, max_size=60), st.text(max_size=60)),
       st.lists(st.text(alphabet="五星支部乡村振兴ai5g12", min_size=1, max_size=4), max_size=3))
@example("x" * 70_000 + "，" + "五星支部", ["五星", "支部"])  # distances written with more than one character
@example("“五星”支部，ＡＩ赋能 5 G", ["五星支部", "ai", "5g"])
@example("㎓㎓ＧＨｚ", ["ghz"])
def test_source_offsets_from_the_edit_record_are_those_of_normalizing_again(text, needles):
    """What a hit's highlights are traced back with: the source position of every
    normalized character, read from the edit record, equals normalize_with_offsets's, and
    the matches found with them are the same."""
    norm, offsets = normalize_with_offsets(text)
    mapped = SourceOffsets(norm, edits(text))
    assert len(mapped) == len(norm) and [mapped[i] for i in range(len(norm))] == offsets
    needles = [normalize(n) for n in needles]
    assert Matches.find(text, needles, norm, mapped) == Matches.find(text, needles)


def test_hits_documents_and_updates_show_the_source_text(tmp_path):
    report = ("青山镇2022年工作总结\n\n一、党建引领\n“五星”支部创建有力，ＡＩ赋能；鄉村振興取得實效。\n\n"
              "二、民生\n改造道路 12.5 公里（含村道）。\n")
    corpus = write_corpus(tmp_path / "c", {"a.txt": report, "b.txt": "绿水乡总结\n\n绿水乡五星支部达标。\n"})
    build(corpus, tmp_path / "i")
    s = Searcher(tmp_path / "i")
    hit = s.search("五星支部").hits
    assert "“五星”支部创建有力，ＡＩ赋能；鄉村振興取得實效。" in [h.passage for h in hit]
    doc = s.document(next(h.doc_id for h in hit if "ＡＩ" in h.passage))
    assert "改造道路 12.5 公里（含村道）。" in [p["text"] for p in doc["passages"]]
    write_corpus(corpus, {"b.txt": "绿水乡总结\n\n绿水乡五星支部达标，“好”。\n"})
    update(corpus, tmp_path / "i")
    texts = {h.passage for h in s.search("五星支部").hits}
    assert texts == {"“五星”支部创建有力，ＡＩ赋能；鄉村振興取得實效。", "绿水乡五星支部达标，“好”。"}


def _as_older_index(gen):
    """Turn a generation into what an index written before edit records has: the
    source texts in text.bin, no edits.bin (manifests rewritten to match)."""
    import json
    import os

    import numpy as np

    from index.generation import store
    from index.generation.columns import MANIFEST, Columns, blob_files

    c = Columns(gen)
    texts = [c.text(r).encode("utf-8") for r in range(c.rows)]
    blob, offsets = blob_files("text")
    (gen / blob).write_bytes(b"".join(texts))
    np.save(gen / offsets, np.concatenate([[0], np.cumsum([len(t) for t in texts])]).astype(np.int64))
    manifest = json.loads((gen / MANIFEST).read_text())
    for part in blob_files("edits"):
        (gen / part).unlink()
        del manifest["files"][part]
    manifest["files"][blob] = (gen / blob).stat().st_size
    manifest["files"][offsets] = (gen / offsets).stat().st_size
    os.chmod(gen / MANIFEST, 0o644)
    (gen / MANIFEST).write_text(json.dumps(manifest))
    store.write_manifest(gen)


def test_an_index_with_the_text_itself_is_refused_and_its_update_rebuilds(tmp_path):
    """An index written before edit records (text.bin) predates the recorded format: it
    is refused with the rebuild command, never read, and an update re-indexes it."""
    import pytest
    from test_older_index import _age

    from index.errors import IndexMissing
    from index.generation import store

    report = "青山镇2022年工作总结\n\n“五星”支部创建有力，ＡＩ赋能。\n"
    corpus = write_corpus(tmp_path / "c", {"a.txt": report})
    build(corpus, tmp_path / "i")
    before = [h.passage for h in Searcher(tmp_path / "i").search("五星支部").hits]
    gen = store.current_generation(tmp_path / "i")
    _as_older_index(gen)
    _age(tmp_path / "i", None)  # such an index recorded no format
    assert not (gen / "edits.bin").exists()
    with pytest.raises(IndexMissing) as refused:
        Searcher(tmp_path / "i").search("五星支部")
    assert "another version of govsearch" in refused.value.message and "govsearch index build" in refused.value.hint
    write_corpus(corpus, {"b.txt": "绿水乡总结\n\n绿水乡五星支部达标。\n"})
    result = update(corpus, tmp_path / "i")
    assert any("version" in n for n in result.notes), result.notes
    assert sorted(result.indexed) == ["a.txt", "b.txt"]  # everything re-indexed
    assert (store.current_generation(tmp_path / "i") / "edits.bin").is_file()
    s = Searcher(tmp_path / "i")
    assert {h.passage for h in s.search("五星支部").hits} == {before[0], "绿水乡五星支部达标。"}
    assert before == ["“五星”支部创建有力，ＡＩ赋能。"]


def test_a_generation_of_this_format_without_edit_records_is_damaged(tmp_path):
    """No text.bin reader: a generation of the current format that lacks edits.bin is
    reported with the rebuild command."""
    import pytest

    from index.errors import IndexMissing
    from index.generation import store

    corpus = write_corpus(tmp_path / "c", {"a.txt": "青山镇2022年工作总结\n\n五星支部创建有力。\n"})
    build(corpus, tmp_path / "i")
    _as_older_index(store.current_generation(tmp_path / "i"))
    with pytest.raises(IndexMissing) as caught:
        Searcher(tmp_path / "i").search("五星支部")
    assert "edits.bin" in caught.value.message and "govsearch index build" in caught.value.hint


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=REPORTISH, max_size=80), st.randoms(use_true_random=False))
def test_source_offsets_read_in_any_order_as_normalize_with_offsets(text, rnd):
    """SourceOffsets reads its record only as far as the positions asked for: asked in
    any order (back and forth), every position is normalize_with_offsets's."""
    norm, offsets = normalize_with_offsets(text)
    mapped = SourceOffsets(norm, edits(text))
    order = list(range(len(norm)))
    rnd.shuffle(order)
    assert [mapped[i] for i in order] == [offsets[i] for i in order]
    if norm:
        assert mapped[-1] == offsets[-1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=REPORTISH, max_size=80), st.randoms(use_true_random=False))
def test_source_offsets_of_a_range_as_one_by_one(text, rnd):
    """SourceOffsets.many(a, b) (a match's positions) equals the positions one by one,
    whatever was read of the record before."""
    norm, offsets = normalize_with_offsets(text)
    mapped = SourceOffsets(norm, edits(text))
    for _ in range(4):
        a = rnd.randint(0, len(norm))
        b = rnd.randint(a, len(norm))
        assert mapped.many(a, b) == offsets[a:b]
        if norm and rnd.random() < 0.5:
            i = rnd.randrange(len(norm))
            assert mapped[i] == offsets[i]
