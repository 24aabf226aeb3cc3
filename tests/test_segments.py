"""Posting segments (bigram index and word rows): merging them loses and adds nothing,
and a full build leaves one segment of each."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_corpus
from index import build, update
from index.generation import grams, repeats, rowsets, wordrows
from search.engine import Searcher


def _segment(postings: dict[int, list[int]]) -> grams.Segment:
    keys = sorted(k for k, rows in postings.items() if rows)
    offsets = np.cumsum([0] + [len(set(postings[k])) for k in keys]).astype(np.uint32)
    rows = np.array([r for k in keys for r in sorted(set(postings[k]))], dtype=np.uint32)
    return grams.Segment(np.array(keys, dtype=np.uint64), offsets, rows)


def _as_dict(segment: grams.Segment) -> dict[int, list[int]]:
    o = segment.offsets.tolist()
    return {int(k): segment.rows[o[i]:o[i + 1]].tolist() for i, k in enumerate(segment.keys.tolist())}


postings = st.dictionaries(st.integers(0, 30), st.lists(st.integers(0, 20), max_size=6), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(postings, min_size=1, max_size=5), st.booleans())
def test_merged_segments_hold_exactly_the_postings_of_their_parts(parts, in_ranges):
    if in_ranges:  # as a build writes them: each segment's rows after the previous one's
        parts = [{k: [r + 100 * n for r in rows] for k, rows in p.items()} for n, p in enumerate(parts)]
    else:  # rows of different segments interleave, but a row is in one segment only
        parts = [{k: [r * len(parts) + n for r in rows] for k, rows in p.items()} for n, p in enumerate(parts)]
    expected: dict[int, set[int]] = {}
    for p in parts:
        for k, rows in p.items():
            expected.setdefault(k, set()).update(rows)
    merged = grams.merge_segments([_segment(p) for p in parts[::-1]])  # any order of segments
    got = _as_dict(merged)
    assert got == {k: sorted(v) for k, v in sorted(expected.items()) if v}
    assert merged.keys.tolist() == sorted(got)  # keys sorted and unique
    assert int(merged.offsets[-1]) == len(merged.rows)


@given(st.lists(st.integers(-5, 50)))
def test_rowsets_unique_is_numpy_unique(values):
    a = np.array(values, dtype=np.int64)
    assert rowsets.unique(a).tolist() == np.unique(a).tolist()
    s = np.sort(a)
    keys, starts = rowsets.run_starts(s)
    expected_keys, expected_starts = np.unique(s, return_index=True)
    assert keys.tolist() == expected_keys.tolist() and starts.tolist() == expected_starts.tolist()


def test_a_full_build_leaves_one_segment_and_updates_add_their_own(tmp_path, monkeypatch):
    monkeypatch.setattr(grams, "CHUNK_CHARS", 40)  # many chunks while building
    monkeypatch.setattr(wordrows, "CHUNK_POSTINGS", 20)
    monkeypatch.setattr(repeats, "CHUNK_CHARS", 40)
    files = {f"r{n}.txt": f"第{n}镇工作总结\n\n第{n}镇推进五星支部创建，建设项目{n}个，项目建设提速。\n\n人居环境持续改善。\n"
             for n in range(12)}
    corpus = write_corpus(tmp_path / "c", files)
    build(corpus, tmp_path / "i")
    gen = tmp_path / "i" / (tmp_path / "i" / "CURRENT").read_text().strip()
    for manifest in (grams.MANIFEST, wordrows.MANIFEST, repeats.MANIFEST):
        segments = json.loads((gen / manifest).read_text())["segments"]
        assert len(segments) == 1, (manifest, segments)
        assert len(list(gen.glob("*.gaps.npy"))) == 3  # the chunks' files are gone
    searcher = Searcher(tmp_path / "i")
    assert searcher.search("五星支部").total == 12
    apart = searcher.search("推进 改善")  # the two terms stand in different passages
    assert apart.total_exact == 0 and apart.total_words == 0 and {h.match for h in apart.hits} <= {"partial"}
    assert searcher.search("第3镇 创建").total_exact == 1  # (the title holds 第3镇: a context match follows)
    write_corpus(corpus, {"new.txt": "新镇\n\n新镇五星支部达标。\n"})
    update(corpus, tmp_path / "i")
    gen = tmp_path / "i" / (tmp_path / "i" / "CURRENT").read_text().strip()
    assert len(json.loads((gen / grams.MANIFEST).read_text())["segments"]) == 2  # an update adds one
    assert searcher.search("五星支部").total == 13
    assert searcher.search("星").total == 13


big_postings = st.dictionaries(st.integers(0, 40),
                               st.lists(st.one_of(st.integers(0, 70), st.integers(0, 3_000_000)), max_size=8),
                               max_size=14)


@settings(max_examples=400, deadline=None)
@given(big_postings, st.integers(0, 40), st.integers(0, 41))
def test_gap_coded_segments_answer_as_the_plain_ones(postings, key, hi):
    """Written gap-coded (with escapes for gaps above 65,535, rows from 0), a segment
    gives the same rows for every lookup, range and full decode as the plain arrays."""
    plain = _segment(postings)
    offsets, gaps = grams.pack(plain.offsets, plain.rows)
    saved = grams.PACK_CHUNK
    try:  # packed a few lists at a time (as a large build does): the same arrays
        grams.PACK_CHUNK = 3
        chunked = grams.pack(plain.offsets, plain.rows)
    finally:
        grams.PACK_CHUNK = saved
    assert chunked[0].tolist() == offsets.tolist() and chunked[1].tolist() == gaps.tolist()
    assert gaps.dtype == np.uint16 and (len(gaps) <= 3 * len(plain.rows))
    packed = grams.segment_of(plain.keys, offsets, gaps)
    assert isinstance(packed, grams.PackedSegment)
    assert packed.lookup(key).tolist() == plain.lookup(key).tolist()
    lo = min(key, hi)
    assert packed.lookup_range(lo, max(key, hi)).tolist() == plain.lookup_range(lo, max(key, hi)).tolist()
    raw = packed.raw()
    assert _as_dict(raw) == _as_dict(plain) and raw.offsets.tolist() == plain.offsets.tolist()
    assert (packed.count(key) > 0) == (plain.count(key) > 0)


def test_segments_are_written_gap_coded(tmp_path):
    files = {f"r{n}.txt": f"第{n}镇工作总结\n\n第{n}镇推进五星支部创建。\n" for n in range(4)}
    corpus = write_corpus(tmp_path / "c", files)
    build(corpus, tmp_path / "i")
    gen = tmp_path / "i" / (tmp_path / "i" / "CURRENT").read_text().strip()
    assert list(gen.glob("grams-*.gaps.npy")) and not list(gen.glob("*.rows.npy"))
    assert Searcher(tmp_path / "i").search("五星支部").total == 4
    assert len(grams.GramIndex.load(gen).candidates("五星支部").tolist()) == 4


def _bigram_postings(texts: list[str], rows: list[int]) -> dict[int, list[int]]:
    """What a bigram segment holds, by its definition (grams.py's docstring)."""
    out: dict[int, set[int]] = {}
    for text, row in zip(texts, rows):
        for a, b in zip(text, text[1:] + "\0"):
            out.setdefault(ord(a) << grams.SHIFT | (ord(b) if b != "\0" else 0), set()).add(row)
    return {k: sorted(v) for k, v in sorted(out.items())}


texts = st.lists(st.text(alphabet="党建发展aZ𠀀\u3000", max_size=8), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 2**31), st.sampled_from([1, 3, 1 << grams.LOCAL_ROW_BITS]))
def test_a_bigram_segment_holds_the_bigrams_of_its_passages_whatever_the_rows_span(texts, first, step):
    # step 1 and 3: rows within 2 ** LOCAL_ROW_BITS of each other (one sort of packed
    # values); 2 ** LOCAL_ROW_BITS: rows too far apart for that (keys and rows sorted apart)
    rows = [min(first + n * step, 2**32 - 1 - len(texts) + n) for n in range(len(texts))]
    segment = grams.build_segment(texts, rows)
    assert _as_dict(segment) == _bigram_postings(texts, rows)
    assert segment.keys.dtype == np.uint64 and segment.rows.dtype == np.uint32 and segment.offsets.dtype == np.uint32


def _files(folder, name: str) -> list[bytes]:
    return [(folder / f).read_bytes() for f in grams.segment_files(name, folder)]


segment_postings = st.dictionaries(st.integers(0, 30),
                                   st.lists(st.one_of(st.integers(0, 20), st.integers(0, 200_000)), max_size=7),
                                   max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(segment_postings, max_size=5), st.booleans(), st.integers(1, 12),
       st.sampled_from(["memory", "gap-coded", "plain"]), st.sampled_from([2, 3, 5, grams.MERGE_WINDOW]))
def test_a_merge_a_range_of_keys_at_a_time_writes_the_files_of_the_whole_merge(parts, in_ranges, chunk, stored,
                                                                              window):
    """However few postings a range holds (a key's rows straddling where a range would
    end, gaps above 65,535, empty segments, one segment) and however few keys of each
    input are read at a time (2, the least that moves on), the streamed merge writes
    exactly the bytes of merging every posting at once and writing the result."""
    import tempfile
    from pathlib import Path

    if in_ranges:
        parts = [{k: [r + 300_000 * n for r in rows] for k, rows in p.items()} for n, p in enumerate(parts)]
    else:
        parts = [{k: [r * len(parts) + n for r in rows] for k, rows in p.items()} for n, p in enumerate(parts)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        segments = [_segment(p) for p in parts[::-1]]
        if stored != "memory":  # as a merge reads them: files, mapped (plain rows: an older index)
            for n, s in enumerate(segments):
                grams.write_segment(folder, f"in{n}", s)
                if stored == "plain":
                    np.save(folder / f"in{n}.offsets.npy", s.offsets)
                    np.save(folder / f"in{n}.gaps.npy", s.rows)
            segments = [grams.read_segment(folder, f"in{n}") for n in range(len(segments))]
            assert all(isinstance(s, grams.PackedSegment) == (stored == "gap-coded") for s in segments)
        grams.write_segment(folder, "whole", grams.merge_segments(segments))
        saved = grams.MERGE_CHUNK, grams.MERGE_WINDOW
        try:
            grams.MERGE_CHUNK, grams.MERGE_WINDOW = chunk, window
            grams.merge_into(folder, "streamed", segments)
        finally:
            grams.MERGE_CHUNK, grams.MERGE_WINDOW = saved
        assert _files(folder, "streamed") == _files(folder, "whole")
        assert not list(folder.glob("*.tmp"))


def test_a_merge_reads_a_range_of_keys_at_a_time(tmp_path, monkeypatch):
    """With ranges of 4 postings, the merge of two segments of 40 keys decodes no more
    than a range (or one key's rows) at once, and writes the same files as a whole merge."""
    first = {k: [k, k + 1] for k in range(40)}
    second = {k: [100 + k] for k in range(0, 40, 2)} | {7: list(range(100, 130))}  # one key of 30 rows
    segments = []
    for n, p in enumerate((first, second)):
        grams.write_segment(tmp_path, f"s{n}", _segment(p))
        segments.append(grams.read_segment(tmp_path, f"s{n}"))
    grams.write_segment(tmp_path, "whole", grams.merge_segments(segments))
    monkeypatch.setattr(grams, "MERGE_CHUNK", 4)
    sizes = []
    merge = grams.merge_segments
    monkeypatch.setattr(grams, "merge_segments", lambda pieces: sizes.append(sum(len(p.rows) for p in pieces))
                        or merge(pieces))
    grams.merge_into(tmp_path, "streamed", segments)
    assert _files(tmp_path, "streamed") == _files(tmp_path, "whole")
    assert max(sizes) == 2 + 30 and sorted(sizes)[-2] <= 4 and sum(sizes) == 80 + 20 + 30


@pytest.mark.parametrize("window", [2, None])
def test_a_merge_reads_each_inputs_keys_a_window_at_a_time_from_its_files(tmp_path, monkeypatch, window):
    """Each input's keys and offsets are read MERGE_WINDOW keys at a time (and one
    offset more), from the file, never searched through the map: a search of a mapped
    array brings its pages into the process, a build's merge every chunk's whole."""
    if window is not None:
        monkeypatch.setattr(grams, "MERGE_WINDOW", window)
    n = grams.MERGE_WINDOW * 2 + 1
    first = {k: [k] for k in range(n)}
    second = {k: [n + k] for k in range(0, n, 3)}
    segments = []
    for name, p in (("s0", first), ("s1", second)):
        grams.write_segment(tmp_path, name, _segment(p))
        segments.append(grams.read_segment(tmp_path, name))
    grams.write_segment(tmp_path, "whole", grams.merge_segments(segments))
    reads = []
    read = grams._read
    monkeypatch.setattr(grams, "_read", lambda values, a, b: reads.append((values.dtype, b - a)) or read(values, a, b))
    monkeypatch.setattr(np, "searchsorted", _no_maps(np.searchsorted))
    grams.merge_into(tmp_path, "streamed", segments)
    assert _files(tmp_path, "streamed") == _files(tmp_path, "whole")
    keys = [size for dtype, size in reads if dtype == np.uint64]
    offsets = [size for dtype, size in reads if dtype == np.uint32]
    assert max(keys) == grams.MERGE_WINDOW and max(offsets) == grams.MERGE_WINDOW + 1
    assert sum(keys) >= n  # every key read, a window at a time
    assert len(keys) > 2


def _no_maps(searchsorted):
    def checked(values, *args, **kwargs):
        assert not isinstance(values, np.memmap), "a mapped array searched"
        return searchsorted(values, *args, **kwargs)
    return checked


def test_a_search_takes_the_value_as_one_of_the_arrays_type():
    values = np.array([0, 3, 3, 2**32 - 1], dtype=np.uint32)
    for x in (0, 3, 4, 2**32 - 1):
        for side in ("left", "right"):
            assert grams.search(values, x, side) == int(np.searchsorted(values, x, side=side))
    assert grams.search(values, 2**32) == grams.search(values, 2**40, "right") == 4  # past the type: the end
    assert grams.search(values, -1) == grams.search(values, -1, "right") == 0


def test_merging_the_segments_of_earlier_updates_keeps_the_other_generation_files(tmp_path):
    """The merged files are new files: one linked from another generation under the
    merged name is left as it was."""
    grams.write_segment(tmp_path, "a", _segment({1: [1, 2]}))
    grams.write_segment(tmp_path, "b", _segment({1: [5], 2: [6]}))
    other = tmp_path / "other"
    other.mkdir()
    grams.write_segment(other, "m", _segment({9: [9]}))
    before = _files(other, "m")
    for f in grams.segment_files("m"):
        (tmp_path / f).hardlink_to(other / f)
    assert grams.merge_smallest(tmp_path, ["a", "b"], "m", keep=1) == ["m"]
    assert _files(other, "m") == before
    assert _as_dict(grams.read_segment(tmp_path, "m").raw()) == {1: [1, 2, 5], 2: [6]}
    assert not (tmp_path / "a.keys.npy").exists()
