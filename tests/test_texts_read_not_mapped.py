"""The passage texts (norm.bin, edits.bin), the postings' gap-coded rows and the
assistance lookup tables are read with ``pread``, not mapped (index/generation/columns.py,
index/generation/keyindex.py, search/table.py): a
mapped page faulted in maps the 64 KiB around it into the process, so searches that
read a few hundred bytes of thousands of rows made whole files each worker's memory.
The reads: how rows are grouped into reads (the edges of ``SPAN_GAP`` and
``SPAN_BYTES``), a lookup table's block, what a truncated file gives, and that a
search maps none of these files."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from test_assist_tables import A, B  # the same two small reports

from conftest import write_corpus
from index import build
from index.errors import IndexMissing
from index.generation import columns, keyindex
from index.generation.columns import SPAN_BYTES, SPAN_GAP, BlobFile, spans
from index.generation.keyindex import FENCE, FileArray, KeyIndex
from search.engine import Searcher


def test_two_texts_at_most_span_gap_apart_are_one_read():
    at_edge = spans(np.array([0, 10 + SPAN_GAP]), np.array([10, 20 + SPAN_GAP]))
    assert at_edge == [(0, 20 + SPAN_GAP, 0, 2)]
    past = spans(np.array([0, 11 + SPAN_GAP]), np.array([10, 21 + SPAN_GAP]))
    assert past == [(0, 10, 0, 1), (11 + SPAN_GAP, 21 + SPAN_GAP, 1, 2)]


def test_a_read_is_cut_where_a_text_starts_span_bytes_after_its_first():
    # texts one after the other (no gap): the one starting SPAN_BYTES - 1 bytes after
    # the first is still read with it, the one starting SPAN_BYTES after is not
    starts = np.array(list(range(0, SPAN_BYTES - 1, 10_000)) + [SPAN_BYTES - 1, SPAN_BYTES])
    ends = np.append(starts[1:], SPAN_BYTES + 10)
    got = spans(starts, ends)
    n = len(starts)
    assert got == [(0, SPAN_BYTES, 0, n - 1), (SPAN_BYTES, SPAN_BYTES + 10, n - 1, n)]
    assert spans(np.zeros(0), np.zeros(0)) == []


def test_texts_read_in_spans_are_the_texts_read_one_by_one(tmp_path, monkeypatch):
    build(write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B}), tmp_path / "i", workers=1)
    t = Searcher(tmp_path / "i").current_table()
    rows = np.array([5, 0, 3, 3, len(t.live) - 1, 1], dtype=np.int64)  # any order, a row twice
    one_by_one = [t.norm(int(r)) for r in rows]
    for gap in (-1, SPAN_GAP):  # every row its own read (-1: not even side by side ones together), then one
        monkeypatch.setattr(columns, "SPAN_GAP", gap)
        got = [None] * len(rows)
        reads = 0
        for positions, data, starts, ends in t.norms.chunks(rows):
            reads += 1
            for k, a, b in zip(positions.tolist(), starts, ends):
                got[k] = data[a:b].decode("utf-8")
        assert got == one_by_one
        assert reads == (len(set(rows.tolist())) if gap < 0 else 1)
    assert t.occurrences(rows, "五星").tolist() == [float(n.count("五星")) for n in one_by_one]
    assert t.contains(rows, "人居环境").tolist() == ["人居环境" in n for n in one_by_one]
    data, starts, ends = t.norms.heads(rows, 3)
    assert [data[a:b] for a, b in zip(starts, ends)] == [n.encode("utf-8")[:3] for n in one_by_one]


def test_a_blob_truncated_under_a_reader_is_an_error_naming_it(tmp_path):
    path = tmp_path / "norm.bin"
    path.write_bytes("五星支部".encode("utf-8") * 10)
    blob = BlobFile(path, 120)
    assert blob[0:12].decode("utf-8") == "五星支部"
    with open(path, "r+b") as f:
        f.truncate(60)
    assert blob[0:60] == ("五星支部".encode("utf-8") * 5)
    with pytest.raises(IndexMissing, match="norm.bin"):
        blob[50:70]
    with pytest.raises(ValueError):
        BlobFile(path, 120)  # opened with a size other than the manifest's


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/maps is Linux's")
def test_a_search_and_a_correction_map_no_passage_text_and_no_lookup_table(tmp_path):
    build(write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B}), tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    res = s.search("五星支部")
    assert res.total >= 3 and "五星支部" in res.hits[0].snippet.replace("<mark>", "").replace("</mark>", "")
    assert s.search("五心支部").did_you_mean[0]["query"] == "五星支部"
    s.document(res.hits[0].doc_id, query="五星支部")
    gen = str(s.generation_path())
    mapped = {line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps")
              if len(line.split()) > 5 and line.split()[-1].startswith(gen)}
    assert "assist.bin" in mapped and any(n.endswith(".keys.npy") for n in mapped)  # still mapped …
    assert not mapped & {"norm.bin", "edits.bin"}  # … not the passage texts
    assert not [n for n in mapped if n.endswith(".gaps.npy")]  # nor the postings' rows


def _table(tmp_path, hashes: list[int]) -> tuple[KeyIndex, KeyIndex, list[tuple[int, int]]]:
    """The same table in memory and read from a file, and a log of the file's reads."""
    h = np.array(sorted(hashes), dtype=np.int64)
    ids = np.arange(len(h), dtype=np.int32)
    path = tmp_path / "t.bin"
    path.write_bytes(b"\0" * 8 + h.tobytes() + ids.tobytes())
    f = open(path, "rb", buffering=0)
    log: list[tuple[int, int]] = []

    class Logged(FileArray):
        def read(self, a, b):
            log.append((a, b))
            return super().read(a, b)

    paged = KeyIndex.of_files(Logged(f, 8, len(h), np.int64), Logged(f, 8 + h.nbytes, len(ids), np.int32))
    return KeyIndex.of_arrays(h, ids), paged, log


def test_a_table_read_a_block_at_a_time_answers_as_the_whole_table(tmp_path, monkeypatch):
    keys = [f"词{i}" for i in range(3 * FENCE + 7)]
    hashes = [keyindex._signed(keyindex.string_hash(k)) for k in keys]
    # one key's hash many times over, across a block's edge
    made, paged, log = _table(tmp_path, hashes + [hashes[0]] * (FENCE + 3))
    for key in keys + ["不在表中"]:
        assert paged.get(key) == made.get(key), key
    assert len(paged) == len(made) and [a.tolist() for a in paged.arrays()] == [a.tolist() for a in made.arrays()]


def test_a_lookup_reads_one_page_of_hashes_and_its_ids(tmp_path):
    keys = [f"词{i}" for i in range(4 * FENCE)]
    hashes = [keyindex._signed(keyindex.string_hash(k)) for k in keys]
    made, paged, log = _table(tmp_path, hashes)
    paged.get(keys[0])  # the first lookup reads the fence too
    log.clear()
    fence = set(sorted(hashes)[::FENCE])  # a key whose hash is in the fence reads the block before it too
    for key in [k for k, h in zip(keys, hashes) if h not in fence][:50]:
        got = paged.get(key)
        assert got == made.get(key) and len(got) == 1
        hashes, ids = log[-2], log[-1]
        assert (hashes[1] - hashes[0]) * 8 <= 4096 and ids[1] - ids[0] == 1
        log.clear()
    assert FENCE * 8 == 4096  # a block of hashes is one page


def test_without_positioned_reads_the_texts_are_mapped_and_answer_the_same(tmp_path, monkeypatch):
    """Windows has no ``os.pread``: there the blobs are mapped, as before; a system with
    ``pread`` but no ``preadv`` reads the spans with ``pread``."""
    build(write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B}), tmp_path / "i", workers=1)

    def answers():
        s = Searcher(tmp_path / "i")
        t = s.current_table()
        res = s.search("人居环境")
        return (type(t.norms.data).__name__, [(h.passage_id, h.score, h.snippet) for h in res.hits],
                t.occurrences(t.live_rows, "五星").tolist(), s.search("五心支部").did_you_mean[0]["query"])

    read = answers()
    monkeypatch.setattr(columns, "_PREADV", None)
    assert answers() == read
    monkeypatch.setattr(BlobFile, "supported", staticmethod(lambda: False))
    mapped = answers()
    assert read[0] == "BlobFile" and mapped[0] == "mmap"
    assert mapped[1:] == read[1:]


def test_an_array_read_from_a_truncated_file_is_an_error_naming_it(tmp_path):
    path = tmp_path / "t.gaps.npy"
    path.write_bytes(np.arange(100, dtype=np.uint16).tobytes())
    f = open(path, "rb", buffering=0)
    values = FileArray(f, 0, 100, np.uint16)
    assert values.read(98, 200).tolist() == [98, 99] and values.every(10).tolist() == list(range(0, 100, 10))
    with open(path, "r+b") as g:
        g.truncate(100)
    with pytest.raises(IndexMissing, match="t.gaps.npy"):
        values.read(40, 60)
