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
