"""Exact recall, proved against a brute-force oracle.

For any query string of two or more characters the engine must return every passage
whose normalized text contains the normalized query, no more and no fewer, however
jieba segments either side. The oracle reads the passages back through the public
document API and scans them with ``normalize(query) in normalize(text)``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import all_hits
from index.normalize import normalize
from search.engine import Searcher


class Oracle:
    def __init__(self, searcher: Searcher):
        self.passages = []  # (passage_id, original text, normalized text)
        for doc in searcher.documents():
            for p in searcher.document(doc["doc_id"])["passages"]:
                self.passages.append((p["passage_id"], p["text"], normalize(p["text"])))

    def containing(self, *needles: str) -> set[str]:
        norms = [normalize(n) for n in needles]
        return {pid for pid, _, norm in self.passages if all(n in norm for n in norms)}


def exact_ids(searcher: Searcher, query: str) -> set[str]:
    return {h.passage_id for h in all_hits(searcher, query) if h.match == "exact"}


def quoted(s: str) -> str:
    """A query for the literal string s (quotes inside s are dropped by normalization anyway)."""
    return '"' + s.replace('"', "") + '"'


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def substring_strategy(oracle: Oracle, normalized: bool):
    searchable = [p for p in oracle.passages if len(p[2]) >= 2]

    @st.composite
    def strat(draw):
        pid, text, norm = draw(st.sampled_from(searchable))
        source = norm if normalized else text
        length = draw(st.integers(min_value=2, max_value=min(12, len(source))))
        start = draw(st.integers(min_value=0, max_value=len(source) - length))
        return source[start : start + length]

    return strat()


@pytest.fixture(scope="module")
def sample_oracle(sample):
    return Oracle(sample)


def _check(searcher, oracle, fragment):
    if len(normalize(fragment)) < 2 or fragment.strip().startswith("-"):
        return
    expected = oracle.containing(fragment)
    assert exact_ids(searcher, quoted(fragment)) == expected
    # unquoted single term: the same set (a single term never relaxes)
    if not any(c.isspace() for c in fragment) and '"' not in fragment and not fragment.startswith("-") \
            and ":" not in fragment and "：" not in fragment and fragment != "OR":
        assert {h.passage_id for h in all_hits(searcher, fragment)} == expected


def test_recall_normalized_substrings_samples(sample, sample_oracle):
    @SETTINGS
    @given(substring_strategy(sample_oracle, normalized=True))
    def run(fragment):
        _check(sample, sample_oracle, fragment)
        assert sample_oracle.containing(fragment)  # a substring of a passage is found

    run()


def test_recall_source_substrings_with_punctuation_samples(sample, sample_oracle):
    """Slices of the original text, quotes, commas and line breaks included."""

    @SETTINGS
    @given(substring_strategy(sample_oracle, normalized=False))
    def run(fragment):
        _check(sample, sample_oracle, fragment)

    run()


def test_recall_random_strings_samples(sample, sample_oracle):
    alphabet = "".join(sorted({c for _, _, n in sample_oracle.passages for c in n}))[:400] + "镇党建设项目五星支部，“”"

    @SETTINGS
    @given(st.text(alphabet=alphabet, min_size=2, max_size=5))
    def run(fragment):
        _check(sample, sample_oracle, fragment)

    run()


def test_recall_two_terms_and(sample, sample_oracle):
    strat = substring_strategy(sample_oracle, normalized=True)

    @SETTINGS
    @given(strat, strat)
    def run(a, b):
        expected = sample_oracle.containing(a, b)
        assert exact_ids(sample, f"{quoted(a)} {quoted(b)}") == expected

    run()


@pytest.mark.real_corpus
def test_recall_real_corpus_slice(real_corpus_slice):
    searcher = Searcher(real_corpus_slice)
    oracle = Oracle(searcher)

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(substring_strategy(oracle, normalized=False))
    def run(fragment):
        _check(searcher, oracle, fragment)

    run()


@pytest.mark.parametrize("query", ["设项目", "村振兴", "产投资", "获得感、幸福感", "获得感幸福感", "党建", "企业"])
@pytest.mark.real_corpus
def test_recall_fixed_queries_real(real_corpus_slice, query):
    searcher = Searcher(real_corpus_slice)
    oracle = Oracle(searcher)
    assert exact_ids(searcher, query) == oracle.containing(query)
