"""The comparison cross-tab (search/compare.py) against the search itself: every cell
must equal the hits of the search that carry that row value and that column value."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from conftest import all_hits
from index.errors import BadParameter, QueryError
from search.compare import compare


def oracle(hits, row_field: str, col_field: str):
    """(passages, reports) per (row value, column value), counted from the hits."""
    passages: Counter = Counter()
    reports: defaultdict = defaultdict(set)
    for h in hits:
        rows = (h.topics or [None]) if row_field == "topic" else [getattr(h, row_field)]
        cols = (h.topics or [None]) if col_field == "topic" else [getattr(h, col_field)]
        for r in rows:
            for c in cols:
                key = (None if r is None else str(r), None if c is None else str(c))
                passages[key] += 1
                reports[key].add(h.doc_id)
    return passages, {k: len(v) for k, v in reports.items()}


def assert_matches_search(searcher, query, row_field, col_field, **filters):
    c = compare(searcher, query, by=[row_field, col_field], **filters)
    # the comparison counts the passages that say the query: the search's partial tier
    # (a term missing) and context tier (a term only in the heading or title) are not counted
    hits = [h for h in all_hits(searcher, query, **filters) if h.match not in ("partial", "context")]
    assert c.total == len(hits)
    assert c.total_docs == len({h.doc_id for h in hits})
    passages, reports = oracle(hits, row_field, col_field)
    seen: dict = {}  # the lines without a value (reports above a place field's level, none known) add up
    for row in c.rows:
        for col, cell in zip(c.columns, row.cells):
            key = (row.value, col.value)
            p, r = seen.get(key, (0, 0))
            seen[key] = (p + cell.passages, r + cell.reports)
    expected = {k: (passages[k], reports[k]) for k in passages}
    assert {k: v for k, v in seen.items() if v[0]} == expected
    return c


@pytest.mark.parametrize("query", ["五星支部", "人居环境", "万人助万企", "项目建设 推进", "党建 -五星支部"])
def test_town_by_year_equals_the_search(sample, query):
    c = assert_matches_search(sample, query, "town", "year")
    assert c.by == ["town", "year"]


def test_five_star_branch_across_towns(sample):
    c = compare(sample, "五星支部")
    assert c.by == ["town", "year"] and c.auto
    assert c.total == 3 and c.total_docs == 2
    assert {r.value: r.passages for r in c.rows} == {"大隗镇": 2, "来集镇": 1}
    assert c.cell("大隗镇", "2022").passages == 2 and c.cell("大隗镇", "2022").reports == 1
    assert c.cell("来集镇", None).passages == 1  # the 来集镇 report has no year: kept, not lost
    assert c.cell("大隗镇", None).passages == 0


@pytest.mark.parametrize("row_field,col_field", [("county", "year"), ("year", "topic"), ("topic", "town"),
                                                 ("county", "topic"), ("year", "town")])
def test_other_dimensions_equal_the_search(sample, row_field, col_field):
    assert_matches_search(sample, "人居环境", row_field, col_field)
    assert_matches_search(sample, "项目", row_field, col_field)


def test_filters_and_fixed_filters_are_those_of_the_search(sample):
    assert_matches_search(sample, "人居环境", "town", "year", county="新密市")
    c = compare(sample, "人居环境 town:来集镇", fixed={"town": ["大隗镇"]})
    assert c.total == 0  # a typed filter narrows a fixed one, never widens it
    c = compare(sample, "人居环境", fixed={"town": ["大隗镇"]})
    assert [r.value for r in c.rows] == ["大隗镇"]
    assert c.total == sample.search("人居环境", fixed={"town": ["大隗镇"]}).total == 2


def test_auto_level_is_the_finest_with_two_values(sample):
    assert compare(sample, "五星支部").by[0] == "town"
    # one town only: rows stay at that town (the finest level that has a value)
    assert compare(sample, "五星支部", town="大隗镇").by[0] == "town"
    c = compare(sample, "人居环境", by=["town", "auto"])
    assert c.by == ["town", "county"]


def test_bad_dimensions_are_refused(sample):
    for by in (["nonsense"], ["town", "town"], ["town", "year", "topic"]):
        with pytest.raises(BadParameter):
            compare(sample, "五星支部", by=by)
    with pytest.raises(QueryError):
        compare(sample, "")


def test_nothing_found_is_an_empty_table(sample):
    c = compare(sample, "没有这个词语")
    assert c.total == 0 and c.rows == [] and c.columns == []


@pytest.mark.real_corpus
def test_real_corpus_rural_revitalisation_by_county_and_year(real_corpus_slice):
    from search import Searcher

    s = Searcher(real_corpus_slice)
    c = assert_matches_search(s, "乡村振兴", "county", "year")
    # provincial and national reports: no county is known, every passage is in the "unknown" row
    assert c.total > 10 and sum(r.passages for r in c.rows) == c.total
    assert len(c.columns) >= 2  # several years
    assert_matches_search(s, "乡村振兴", "town", "year")
    if "province" in c.fields:  # once the index carries provinces (places/fields helpers)
        p = assert_matches_search(s, "乡村振兴", "province", "year")
        assert len([r for r in p.rows if r.value]) >= 2


def test_any_place_column_of_the_index_is_a_dimension(sample_index):
    """A column the index gains (province, from the places/fields work) is comparable as
    soon as the passage table has it as ``<name>`` codes plus ``<name>_names``: here a
    province column is added by hand to a table of the samples."""
    import numpy as np

    from search import Searcher

    s = Searcher(sample_index)
    t = s._current()
    names = ["河南省", "某省"]
    county = [t.county_names[c] if c >= 0 else None for c in t.county.tolist()]
    t.province = np.array([0 if c == "新密市" else (1 if c else -1) for c in county], dtype=np.int32)
    t.province_names = names
    c = compare(s, "人居环境", by=["province", "year"])
    assert "province" in c.fields and c.by == ["province", "year"]
    assert {r.value: r.passages for r in c.rows} == {"河南省": 4, "某省": 1}
    hits = all_hits(s, "人居环境")
    assert c.row("河南省").passages == sum(1 for h in hits if h.county == "新密市")
    # auto still picks the finest level with two values: towns
    assert compare(s, "人居环境").by[0] == "town"
    # one town, one county: … the finest level that has a value
    assert compare(s, "人居环境", town="大隗镇").by[0] == "town"
