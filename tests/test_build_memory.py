"""What a build holds while it runs, bounded where it grew with the corpus: the line
hashes of every plain-text file held as 8 bytes a line (index/generation/corpus_state.py),
the query-assistance tables' key hashes computed a batch of keys at a time
(index/generation/keyindex.py) with the hashes of all keys at once, the column writer's
per-row arrays (index/generation/columns.py) held in memory up to ``SPILL_ROWS`` rows and
the earlier rows in files of the generation, which give the same columns, and the
vocabulary's term counters (index/generation/vocabulary.py) held up to ``SPILL_TERMS``
entries, the earlier ones in sorted runs merged at the end into the same files."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import copy_samples
from index import fields as field_model
from index.generation import build, columns, corpus_state, keyindex, store, vocabulary

TEXT = "第一行正文\n\n版权所有\n甲\n第一行正文\n"


def test_line_hashes_are_held_as_eight_bytes_a_line_and_read_back_equal(tmp_path):
    hashes = corpus_state.line_hashes(TEXT)
    assert hashes.itemsize == 8 and len(hashes) == 4  # the blank line left out
    assert hashes[2] == 0 and hashes[0] == hashes[3] != 0  # a one-character line never counts
    assert list(hashes) == [corpus_state._hash("第一行正文"), corpus_state._hash("版权所有"), 0,
                            corpus_state._hash("第一行正文")]
    files = {"a.txt": {"stat": None}, "b.txt": {"stat": None}}
    lines = {"a.txt": hashes, "b.txt": corpus_state.line_hashes("别的\n")}
    corpus_state.write(tmp_path, files, {}, "s", lines, [], [], True)
    back = corpus_state.read_lines(tmp_path, corpus_state.read(tmp_path))
    assert back == lines and all(h.itemsize == 8 for h in back.values())


@pytest.mark.parametrize("n", [keyindex.HASH_BATCH - 1, keyindex.HASH_BATCH, keyindex.HASH_BATCH + 1,
                               2 * keyindex.HASH_BATCH + 1])
def test_keys_hashed_a_batch_at_a_time_hash_as_one_at_a_time(n):
    keys = [chr(0x4E00 + i % 20000) + str(i) * (i % 3) for i in range(n)]
    keys[n // 2] = ""  # an empty key hashes to 0 in any batch
    got = keyindex.strings_hash(keys)
    assert got.dtype == np.int64 and len(got) == n
    at = [0, n // 2, min(keyindex.HASH_BATCH - 1, n - 1), min(keyindex.HASH_BATCH, n - 1), n - 1]  # the batches' edges
    assert [int(got[i]) for i in at] == [keyindex._signed(keyindex.string_hash(keys[i])) for i in at]
    assert int(got[n // 2]) == 0
    table = keyindex.KeyIndex(keys=keys, ids=np.arange(n, dtype=np.int32))
    assert table.get(keys[-1]) == [n - 1] and table.get(keys[at[3]]) == [at[3]]


def _column_files(gen) -> dict[str, bytes]:
    names = [*store.read_json(gen / columns.MANIFEST)["files"], columns.MANIFEST]
    return {name: (gen / name).read_bytes() for name in names}


def _rows(i: int) -> dict:
    values = {f.name: None for f in field_model.current().columns}
    values.update(doc_id=f"d{i // 50}", kind="body", section=f"一、第{i // 7}节", seq=i % 50,
                  year=2000 + i % 9 if i % 5 else None, topics=["经济"] if i % 3 else ["经济", "民生"])
    return values


def _write_rows(folder, n: int, check=None) -> dict[str, bytes]:
    folder.mkdir()
    w = columns.ColumnWriter(folder, ["民生"])
    for i in range(n):
        if i % 11 == 10:
            w.add_dead()
        else:
            w.add(_rows(i), f"第{i}段：某某" * (i % 4), f"第{i}段某某" * (i % 4))
    if check:
        check(folder)
    w.finish({f"d{k}": f"报告{k}" for k in range(n // 50 + 1)})
    assert not list(folder.glob("*.rows.tmp"))  # the rows' files are gone with the build's end
    return _column_files(folder)


def test_the_column_writer_holds_at_most_SPILL_ROWS_rows_and_writes_the_same_columns(tmp_path, monkeypatch):
    """Up to SPILL_ROWS rows a column's values stay in memory; the row after them sends
    them to its file in the folder; what is written at the end is what the writer wrote
    with every row in memory. 65,536 rows: 256 KiB of a code column, 512 KiB of the
    topics' masks."""
    n = 1 << 16

    def before_edge(folder):  # n - 1 rows: none of a column's rows has left memory yet
        assert not list(folder.glob("col.*.rows.tmp"))

    def at_edge(folder):  # n rows: every column's n rows are in its file
        assert (folder / "col.year.rows.tmp").stat().st_size == 4 * n
        assert (folder / "col.topics.rows.tmp").stat().st_size == 8 * n
        assert (folder / "col.live.rows.tmp").stat().st_size == n

    spilled = _write_rows(tmp_path / "at", n, at_edge)
    below = _write_rows(tmp_path / "below", n - 1, before_edge)
    monkeypatch.setattr(columns, "SPILL_ROWS", 1 << 30)
    assert _write_rows(tmp_path / "whole", n) == spilled
    assert _write_rows(tmp_path / "whole-1", n - 1) == below


@pytest.fixture(scope="module")
def sample_columns(tmp_path_factory):
    base = tmp_path_factory.mktemp("spill")
    index = base / "index"
    build.build(copy_samples(base / "corpus"), index, workers=1)
    gen = store.current_generation(index)
    return _column_files(gen), store.read_json(gen / columns.MANIFEST)["rows"]


@pytest.mark.parametrize("edge", [-1, 0, 1, None])
def test_a_build_whose_rows_spill_at_the_edge_writes_the_same_columns(sample_columns, tmp_path, monkeypatch, edge):
    """The sample corpus built with SPILL_ROWS one under its number of rows, at it and one
    over (rows spilled once with one left in memory, once with none, never), and at 7
    (many pieces): every column file and the manifest byte for byte those of a build
    that held every row."""
    files, rows = sample_columns
    assert rows > 8
    monkeypatch.setattr(columns, "SPILL_ROWS", 7 if edge is None else rows + edge)
    build.build(copy_samples(tmp_path / "corpus"), tmp_path / "index", workers=1)
    gen = store.current_generation(tmp_path / "index")
    assert _column_files(gen) == files
    assert not list(gen.glob("*.rows.tmp"))


def test_an_update_whose_rows_spill_writes_the_same_columns(tmp_path, monkeypatch):
    """An update starts the columns with the previous generation's rows (kept or dead) and
    adds the re-analyzed reports' rows after them: with SPILL_ROWS at 7 (the previous rows'
    text offsets go to the file at once, the new rows in many pieces) the columns are
    those of the same update holding every row."""
    import shutil

    corpus = tmp_path / "corpus"
    copy_samples(corpus)
    build.build(corpus, tmp_path / "a", workers=1)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    first = sorted(p for p in corpus.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n新增一段：农村人居环境整治持续推进。\n", encoding="utf-8")
    build.update(corpus, tmp_path / "a", workers=1)
    monkeypatch.setattr(columns, "SPILL_ROWS", 7)
    build.update(corpus, tmp_path / "b", workers=1)
    a, b = (store.current_generation(tmp_path / x) for x in "ab")
    assert store.read_json(a / columns.MANIFEST)["rows"] > store.read_json(a / columns.MANIFEST)["live"] > 7
    assert _column_files(a) == _column_files(b)
    assert not list(b.glob("*.rows.tmp"))


VOCABULARY_FILES = (vocabulary.COUNTS, vocabulary.COUNT_TERMS, vocabulary.VOCABULARY_FREQ, "assist.bin", "assist.json")


def _vocabulary_files(gen) -> dict[str, bytes]:
    import gzip

    out = {name: (gen / name).read_bytes() for name in VOCABULARY_FILES}
    out[vocabulary.VOCABULARY] = gzip.decompress((gen / vocabulary.VOCABULARY).read_bytes())  # its time stamp aside
    return out


@pytest.fixture(scope="module")
def sample_vocabulary(tmp_path_factory):
    base = tmp_path_factory.mktemp("vocabulary")
    build.build(copy_samples(base / "corpus"), base / "index", workers=1)
    gen = store.current_generation(base / "index")
    counts = vocabulary.CountTable.read(gen).counts
    return _vocabulary_files(gen), int((counts > 0).sum())  # a counter's entry a count above 0


def _count_spills(monkeypatch) -> list[int]:
    spills = []
    spill = vocabulary.VocabularyBuilder._spill

    def counted(self):
        spills.append(sum(map(len, self.counts.values())))
        spill(self)

    monkeypatch.setattr(vocabulary.VocabularyBuilder, "_spill", counted)
    return spills


@pytest.mark.parametrize("edge", [-1, 0, None])
def test_a_build_whose_term_counts_spill_at_the_edge_writes_the_same_vocabulary(sample_vocabulary, tmp_path,
                                                                              monkeypatch, edge):
    """The sample corpus built with SPILL_TERMS at the number of entries its counters reach
    (never spilled), one under it (spilled: the entries went past it), and at 5 (a run
    almost every report): the counts, the vocabulary and the query-assistance tables are
    byte for byte those of the build that held every count, and no run is left."""
    files, entries = sample_vocabulary
    assert entries > 100
    monkeypatch.setattr(vocabulary, "SPILL_TERMS", 5 if edge is None else entries + edge)
    monkeypatch.setattr(vocabulary, "RUN_BLOCK", 3)  # a run read back in many pieces
    spills = _count_spills(monkeypatch)
    build.build(copy_samples(tmp_path / "corpus"), tmp_path / "index", workers=1)
    gen = store.current_generation(tmp_path / "index")
    assert _vocabulary_files(gen) == files
    assert not list(gen.glob("vocabulary-run-*"))
    if edge == 0:
        assert spills == []
    else:
        assert spills and all(n > vocabulary.SPILL_TERMS for n in spills)
        assert len(spills) > 1 if edge is None else len(spills) == 1


class _Analyzer:
    userdict = [("人居环境", 5)]

    @staticmethod
    def passage_words(norm: str) -> list[str]:
        return [norm[i : i + 2] for i in range(0, len(norm) - 1, 2)]


class _Passage:
    def __init__(self, text: str, kind: str = "body"):
        self.kind, self.text = kind, text


REPORT_A = ["人居环境整治持续推进", "人居环境整治", "乡村振兴"]
REPORT_B = ["人居环境整治提升", "乡村振兴战略", "乡村振兴"]


def _counts_after(folder, tmp_path, name: str) -> dict[str, bytes]:
    builder = vocabulary.VocabularyBuilder(_Analyzer(), folder=folder)
    for report in (REPORT_A, REPORT_B, REPORT_A):
        builder.add([_Passage(t) for t in report], report, [_Analyzer.passage_words(t) for t in report])
    builder.remove([("body", t, t) for t in REPORT_B])  # counts removed after their terms went to a run
    gen = tmp_path / name
    gen.mkdir()
    builder.write(gen)
    return {n: (gen / n).read_bytes() for n in (vocabulary.COUNTS, vocabulary.COUNT_TERMS, vocabulary.VOCABULARY_FREQ)}


def test_counts_removed_after_their_terms_were_spilled_are_subtracted_from_the_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(vocabulary, "SPILL_TERMS", 0)
    spills = _count_spills(monkeypatch)
    (tmp_path / "runs").mkdir()
    spilled = _counts_after(tmp_path / "runs", tmp_path, "spilled")
    assert len(spills) == 3 and not list((tmp_path / "runs").iterdir())
    held = _counts_after(None, tmp_path, "held")
    assert len(spills) == 3 and spilled == held
    table = vocabulary.CountTable.read(tmp_path / "held")
    counts = dict(zip(table.terms, table.counts.tolist()))
    # passages: A twice, B, less B
    assert counts["人居"] == [4, 0, 0] and counts["乡村"] == [2, 0, 0] and counts["人居环境"] == [0, 0, 4]
    assert "提升" not in counts and "战略" not in counts  # B's alone: back to 0, no row


def test_a_run_is_written_and_read_back_RUN_BLOCK_terms_at_a_time(tmp_path, monkeypatch):
    """The merge holds one piece of each run at a time: a run of RUN_BLOCK + 1 terms is
    two pieces, RUN_BLOCK terms and one (70 runs of the slice with pieces of 16,384
    terms added 218 MiB to the vocabulary's write, with 1,024 37)."""
    import pickle

    monkeypatch.setattr(vocabulary, "SPILL_TERMS", 0)
    n = vocabulary.RUN_BLOCK + 1
    words = [chr(0x4E00 + i // 100) + chr(0x4E00 + i % 100) for i in range(n)]
    text = "，".join(words)  # apart: no two words stand together as a phrase
    builder = vocabulary.VocabularyBuilder(_Analyzer(), folder=tmp_path)
    builder.add([_Passage(text)], [text], [words])
    (run,) = builder.runs
    pieces = []
    with open(run, "rb") as f:
        while True:
            try:
                pieces.append(pickle.load(f))
            except EOFError:
                break
    assert [len(p) for p in pieces] == [vocabulary.RUN_BLOCK, 1]
    assert [t for p in pieces for t, *_ in p] == sorted(words)
