"""The shortcuts a frequent term takes (search/tiers.py ContextTerms, the word's own rows
in Ranker._text_frequencies), pinned against the computation they replace."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine import Searcher
from search.ranking import Ranker
from search.tiers import ContextTerms

FILLER = "各项工作有序推进，群众满意度持续提升。"


def _old_context_terms(parts: list[tuple[str, np.ndarray]]) -> dict[int, list[str]]:
    """Row → terms, built row by row as the tier did before."""
    out: dict[int, list[str]] = {}
    for term, rows in parts:
        for r in rows.tolist():
            out.setdefault(r, []).append(term)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_context_terms_answer_as_the_row_by_row_dict(seed):
    rng = np.random.default_rng(seed)
    parts = [(term, np.unique(rng.integers(0, 200, rng.integers(0, 60)))) for term in ("目标", "措施", "耕地")]
    terms = ContextTerms()
    for term, rows in parts:
        terms.add(term, rows)
    old = _old_context_terms(parts)
    assert dict(terms) == old
    assert list(terms) == list(old)  # the same order of rows
    assert len(terms) == len(old)
    for r in range(-1, 202):
        assert (r in terms) == (r in old)
        assert terms.get(r, []) == old.get(r, [])  # the terms in the query's order


def test_context_terms_empty():
    terms = ContextTerms()
    terms.add("目标", np.zeros(0, dtype=np.int64))
    assert len(terms) == 0 and 3 not in terms and dict(terms) == {}


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    """Passages holding 耕地 one, two and three times, and passages without it."""
    from conftest import write_corpus
    from index import build

    base = tmp_path_factory.mktemp("counted")
    parts = ["甲镇工作报告"]
    for n in (1, 3, 2, 1, 3):
        parts.append("，".join(["耕地保护落实到位"] * n) + "。" + FILLER)
        parts.append(f"帮扶措施第{n}项落实到位，{FILLER}")
    build(write_corpus(base / "corpus", {"a.txt": "\n\n".join(parts) + "\n"}), base / "index")
    s = Searcher(base / "index")
    t = s.current_table()
    return s, t


def test_a_words_own_rows_count_as_any_other_rows(counted):
    """bm25f over the word's own rows (the shortcut) equals bm25f over the same rows
    with a row without the word among them (the lookup), row for row, and both count
    what str.count finds."""
    s, t = counted
    ranker = Ranker(t, lambda w: s._containing(t, w))
    own = ranker.stats("耕地").rows
    counts = [t.norm(int(r)).count("耕地") for r in own.tolist()]
    assert sorted(set(counts)) == [1, 2, 3]
    other = int(np.setdiff1d(np.flatnonzero(t.live), own)[0])
    mixed = np.sort(np.append(own, other))
    fresh = Ranker(t, lambda w: s._containing(t, w))  # nothing counted yet: the lookup path counts
    by_lookup = fresh.bm25f(mixed, ["耕地"])
    by_own = ranker.bm25f(own, ["耕地"])
    assert np.array_equal(by_own, by_lookup[np.isin(mixed, own)])
    # the counts each path remembers are read back by the other, row for row
    assert np.array_equal(fresh.bm25f(own, ["耕地"]), by_own)
    assert np.array_equal(ranker.bm25f(mixed, ["耕地"]), by_lookup)
    s_ = ranker.stats("耕地")
    assert ranker.informativeness("耕地") == pytest.approx(s_.idf * float(np.mean(counts)))
    assert fresh.informativeness("耕地") == pytest.approx(s_.idf * float(np.mean(counts)))


def test_dense_span_a_span_of_exactly_dense_span_times_the_rows_builds_the_table():
    """index.generation.rowsets.DENSE_SPAN: the table of positions up to exactly that
    many rows of span per row looked up, a binary search beyond."""
    from index.generation import rowsets

    assert rowsets.dense(rowsets.DENSE_SPAN * 100, 100)
    assert not rowsets.dense(rowsets.DENSE_SPAN * 100 + 1, 100)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("span", [300, 100_000])  # the table, the binary search
def test_positions_and_intersect_answer_as_the_numpy_computation(seed, span):
    from index.generation import rowsets

    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, span, rng.integers(0, 200))).astype(np.int64)
    values = rng.integers(0, span, rng.integers(0, 200)).astype(np.int64)  # in any order, repeated
    pos, present = rowsets.positions(keys, values)
    if len(keys):
        old = np.minimum(np.searchsorted(keys, values), len(keys) - 1)
        old_present = keys[old] == values
        old = old[old_present]
    else:
        old, old_present = np.zeros(0, dtype=np.int64), np.zeros(len(values), dtype=bool)
    assert np.array_equal(present, old_present) and np.array_equal(pos, old) and pos.dtype == np.int64
    other = np.unique(rng.integers(0, span, rng.integers(0, 200))).astype(np.int32)
    both = rowsets.intersect(keys, other)
    expected = np.intersect1d(keys, other, assume_unique=True)
    assert np.array_equal(both, expected) and both.dtype == expected.dtype


def _old_facets(t, rows):
    """Facet counts row by row, as the engine counted them before."""
    out = {}
    for f in t.model.filters:
        if not f.facet:
            continue
        column = getattr(t, f.column_attr)[rows]
        if f.column == "bits":
            out[f.filter] = {name: int(np.count_nonzero(column & np.uint64(1 << i)))
                             for i, name in enumerate(getattr(t, f.names_attr))}
        elif f.column == "year":
            years = column[column > 0]
            counts = np.bincount(years) if len(years) else np.zeros(0, int)
            out[f.filter] = {str(y): int(counts[y]) for y in np.flatnonzero(counts)[::-1].tolist()}
        else:
            names = getattr(t, f.names_attr)
            codes = column[column >= 0]
            counts = np.bincount(codes, minlength=len(names)) if len(codes) else np.zeros(len(names), int)
            pairs = [(str(names[i]), int(n)) for i, n in enumerate(counts) if n]
            out[f.filter] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_facets_counted_per_report_answer_as_counted_row_by_row(sample, seed):
    from search.engine import _report_values, facet_counts

    t = sample.current_table()
    assert _report_values(t, "town") is not None  # counted per report
    live = np.flatnonzero(t.live)
    rng = np.random.default_rng(seed)
    for rows in (live, np.sort(rng.choice(live, len(live) // 3, replace=False)), live[:1], live[:0]):
        new, old = facet_counts(t, rows), _old_facets(t, rows)
        assert new == old
        assert [list(v) for v in new.values()] == [list(v) for v in old.values()]  # the same order
    assert {"town", "year"} <= set(facet_counts(t, live))


def test_a_column_that_differs_within_a_report_is_counted_row_by_row():
    from types import SimpleNamespace

    from search.engine import _report_values

    t = SimpleNamespace(doc=np.array([0, 0, 1, -1, 1]), town=np.array([3, 3, 5, 9, 5]), mixed=np.array([3, 4, 5, 5, 5]))
    assert _report_values(t, "town").tolist() == [3, 5]
    assert _report_values(t, "mixed") is None


def _reference_bm25f(t, ranker, rows: np.ndarray, words: list[str]) -> np.ndarray:
    """bm25f as computed before its parts were kept per word: every row's arithmetic
    done again from the counts."""
    from search import ranking

    out = np.zeros(len(rows), dtype=np.float64)
    length = np.maximum(t.length[rows], ranking.LENGTH_FLOOR * t.avg_length)
    saturation = ranking.K1 * (1.0 - ranking.B + ranking.B * length / t.avg_length)
    for word in words:
        s = ranker.stats(word)
        tf = np.array([t.norm(int(r)).count(word) for r in rows.tolist()], dtype=np.float64)
        out += s.idf * tf * (ranking.K1 + 1.0) / (tf + saturation)
        out += ranking.CONTEXT_WEIGHT * s.idf * s.named(t.doc[rows], t.section[rows])
    return out


@pytest.mark.parametrize("seed", range(4))
def test_kept_text_parts_give_the_scores_computed_afresh(counted, seed):
    """The BM25 parts kept per word (Ranker._text_part) and per generation (saturation,
    row weights): scores of any rows, in any order of queries, equal the arithmetic
    done afresh, bit for bit."""
    s, t = counted
    rng = np.random.default_rng(seed)
    live = np.flatnonzero(t.live)
    ranker = Ranker(t, lambda w: s._containing(t, w))
    for _ in range(6):
        rows = np.sort(rng.choice(live, rng.integers(1, len(live) + 1), replace=False)).astype(np.int64)
        if rng.random() < 0.3:
            rows = ranker.stats("耕地").rows  # the word's own rows
        words = ["耕地", "措施"][: rng.integers(1, 3)]
        assert np.array_equal(ranker.bm25f(rows, words), _reference_bm25f(t, ranker, rows, words))
    from search import ranking

    weight = ranker.kind_weight()
    short = np.minimum(1.0, t.length / ranking.SHORT_CHARS) ** ranking.SHORT_POWER
    assert np.array_equal(ranker.row_weight(), np.where(weight == 1.0, weight * short, weight))


@pytest.mark.parametrize("span", [1, 2, 15, 16, 17, 300])
@pytest.mark.parametrize("n", [0, 3, 16, 17, 1000])
def test_unique_answers_as_np_unique_on_either_side_of_few(span, n):
    """index.generation.rowsets.FEW: arrays spanning up to FEW values are compared value
    by value, wider ones sorted; either way the answer is np.unique's, dtype kept."""
    from index.generation import rowsets

    rng = np.random.default_rng(span * 1000 + n)
    for dtype in (np.int8, np.int64, np.uint64):
        values = rng.integers(0, span, n).astype(dtype)
        if dtype != np.uint64:
            values = (values.astype(np.int64) - span // 2).astype(dtype)
        got = rowsets.unique(values)
        assert got.dtype == values.dtype and np.array_equal(got, np.unique(values))


class _Blob:
    def __init__(self, texts: list[str]):
        encoded = [x.encode("utf-8") for x in texts]
        self.data = b"".join(encoded)
        self.offsets = np.concatenate([[0], np.cumsum([len(e) for e in encoded])]).astype(np.int64)


class _ListTable:
    """A table of list passages for search/tiers.py: its normalized texts as a blob (the
    byte path) or only through ``norm`` (the decoding path)."""

    def __init__(self, texts: list[str], docs: list[int], blob: bool):
        from index.normalize import normalize

        self._texts = texts
        self._norms = [normalize(x) for x in texts]
        self.doc = np.asarray(docs, dtype=np.int32)
        if blob:
            self.norms = _Blob(self._norms)

    def norm(self, r):
        return self._norms[int(r)]

    def text(self, r):
        return self._texts[int(r)]


def _list_passages(seed: int) -> tuple[list[str], list[int]]:
    rng = np.random.default_rng(seed)
    pieces = ["耕地保护措施如下：", "（一）落实耕地保护责任。", "1.严格执行制度。", "一是加强监管。", "十、其他事项",
              "耕地", "", "Ｇ１落实", "２０２３年目标：", "各项工作有序推进。", "（二）严守红线：", "é开头"]
    texts = [str(rng.choice(pieces)) for _ in range(160)]
    docs = np.cumsum(rng.random(160) < 0.08).tolist()
    return texts, docs


@pytest.mark.parametrize("seed", range(4))
def test_list_candidates_and_lead_ins_the_same_from_bytes_and_in_any_block_size(monkeypatch, seed):
    """tiers._after_the_term reads the first character of each candidate from the mapped
    bytes and finds its first LIST_SCAN candidates a SCAN_BLOCK of rows at a time;
    lead_in looks for the needle in the bytes: the same answers as decoding each text,
    whatever the block size."""
    from search import tiers

    texts, docs = _list_passages(seed)
    by_bytes, by_text = _ListTable(texts, docs, True), _ListTable(texts, docs, False)
    rows = np.arange(len(texts), dtype=np.int64)
    term_rows = np.array([r for r in range(len(texts)) if "耕地" in by_text.norm(r)], dtype=np.int64)
    open_ = np.random.default_rng(seed).random(len(texts)) < 0.8
    monkeypatch.setattr(tiers, "LIST_SCAN", 7)
    expected = None
    for block in (1, 2, 5, 4096):
        monkeypatch.setattr(tiers, "SCAN_BLOCK", block)
        for table in (by_bytes, by_text):
            got = tiers._after_the_term(table, rows, term_rows, open_)
            expected = got if expected is None else expected
            assert got == expected
    assert expected, "the corpus has list items after the term"
    for r in rows.tolist():
        for needle in ("耕地", "措施", "", "目标"):
            assert tiers.lead_in(by_bytes, r, needle) == tiers.lead_in(by_text, r, needle)


def test_numeral_at_reads_the_first_character_as_decoding_would():
    from search import tiers

    for text in ["一是", "十", "9", "0１", "（一）", "é", "", "一", "𠀀一", "a1", "七成"]:
        data = ("前" + text + "后").encode("utf-8")
        a = len("前".encode("utf-8"))
        b = a + len(text.encode("utf-8"))
        assert tiers._numeral_at(data, a, b) == (text[:1] in tiers._NUMERALS), text


@pytest.mark.parametrize("nth", [2, 3])
def test_named_table_kept_from_exactly_one_nth_of_the_rows_and_the_same_answers(counted, monkeypatch, nth):
    """search.ranking.NAMED_TABLE: asked about len(table) / NAMED_TABLE rows or more, a
    word's naming is read from a table of every row kept with it; fewer, computed for the
    rows asked. Both give WordStats.named's answer."""
    from search import ranking

    s, t = counted
    monkeypatch.setattr(ranking, "NAMED_TABLE", nth)  # the fixture's seven rows
    n = len(t.live)
    live = np.flatnonzero(t.live).astype(np.int64)
    assert n > ranking.NAMED_TABLE
    edge = -(-n // ranking.NAMED_TABLE)  # the fewest rows whose count × NAMED_TABLE reaches n
    for word in ("耕地", "工作"):
        few = Ranker(t, lambda w: s._containing(t, w))
        rows = np.resize(live, edge - 1)
        expected = few.stats(word).named(t.doc[rows], t.section[rows])
        assert np.array_equal(few.named(word, rows), expected) and few.stats(word).named_rows is None
        many = Ranker(t, lambda w: s._containing(t, w))
        rows = np.resize(live, edge)
        expected = many.stats(word).named(t.doc[rows], t.section[rows])
        assert np.array_equal(many.named(word, rows), expected) and many.stats(word).named_rows is not None
        assert many.stats(word).nbytes() >= many.stats(word).named_rows.nbytes + many.stats(word).rows.nbytes


def test_numerals_at_reads_first_characters_as_one_by_one():
    """tiers._numerals_at (the candidates of a frequent term at once) equals _numeral_at."""
    from search import tiers

    texts = ["一是", "十", "9", "0１", "（一）", "é", "", "一", "𠀀一", "a1", "七成", "三", "٣", "〇", "十一、"]
    blob = _Blob(texts)
    starts, ends = blob.offsets[:-1], blob.offsets[1:]
    expected = [tiers._numeral_at(blob.data, int(a), int(b)) for a, b in zip(starts, ends)]
    assert expected == [t[:1] in tiers._NUMERALS for t in texts]
    assert tiers._numerals_at(blob.data, starts, ends).tolist() == expected
    order = np.array([3, 0, 14, 6, 6, 1])
    assert tiers._numerals_at(blob.data, starts[order], ends[order]).tolist() == [expected[i] for i in order]
