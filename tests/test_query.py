"""The query language, and bad input: a clear message or results, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import all_hits
from index.errors import BadParameter, GovsearchError, QueryError
from search.query import parse_query


def test_parse_terms_phrases_exclusions_or_filters():
    q = parse_query('五星支部 "人居 环境" -来集镇 万人助万企 OR 四上 town:大隗镇 县：新密市 topic:党建 year:2020-2022')
    assert [[t.norm for t in c] for c in q.clauses] == [["五星支部"], ["人居环境"], ["万人助万企", "四上"]]
    assert [c[0].quoted for c in q.clauses] == [False, True, False]
    assert [t.norm for t in q.excluded] == ["来集镇"]
    assert q.filters == {"town": ["大隗镇"], "county": ["新密市"], "topic": ["党建"], "year": ["2020-2022"]}
    assert q.warnings == []


@pytest.mark.parametrize("raw, meant", [
    ("乡:大隗镇", "did you mean 镇: (town:)?"),  # 乡 is no alias of town (镇 乡镇 街道 are): not mapped
    ("乡：大隗镇", "did you mean 镇: (town:)?"),  # the full-width colon a Chinese input method types
    ("区:金水区", "did you mean 县: (county:)?"),
    ("地区:郑州", "did you mean 县: (county:) or 市: (city:)?"),
    ("区县市：金水", "did you mean 县: (county:) or 市: (city:)?"),  # every character one of a filter name's
    ("年度:2023", "did you mean 年: (year:)?"),  # half-width: any Chinese name
    ("时间:2023", "filters are section: topic: town: county: city: province: level: year:"),  # nothing it resembles
])
def test_an_unknown_chinese_filter_is_searched_as_text_with_a_warning(raw, meant):
    q = parse_query(f"五星支部 {raw}")
    name = raw.replace("：", ":").split(":")[0]
    assert q.filters == {} and [t.norm for t in q.terms][1:] == [raw.replace(":", "").replace("：", "")]
    assert len(q.warnings) == 1 and q.warnings[0].startswith(f"未知的筛选条件 {name}:")
    assert q.warnings[0].endswith(f"(unknown filter {name!r}: searched as text; {meant})"), q.warnings[0]


@pytest.mark.parametrize("raw", [
    "时间：2023",  # the full-width colon of prose, a name with a character (时) of no filter name
    "全市：完成投资",  # 全 is in no filter name, 市 is: one character outside is enough to stay text
    "年度：2023",
    "主要任务：党建",
    "乡:",  # no value: nothing was asked of a filter
    "http://example.org",
])
def test_a_colon_in_ordinary_text_is_no_unknown_filter(raw):
    assert parse_query(f"五星支部 {raw}").warnings == []


def test_known_filter_names_are_still_filters_with_either_colon():
    assert parse_query("五星支部 镇:大隗镇 县市区：新密市").filters == {"town": ["大隗镇"], "county": ["新密市"]}


@pytest.mark.parametrize("raw,warning", [
    ('"五星支部', "quote"),
    ("五星支部 -", "lone '-'"),
    ("五星支部 *", "wildcards"),
    ("OR 五星支部", "leading OR"),
    ("五星支部 OR", "trailing OR"),
    ("town: 五星支部", "without a value"),
])
def test_recoverable_oddities_become_warnings(sample, raw, warning):
    res = sample.search(raw)
    assert any(warning in w for w in res.warnings), res.warnings
    assert res.total == 3


@pytest.mark.parametrize("raw,message", [
    ("", "empty query"),
    ("   ", "empty query"),
    ("*", "empty query"),
    ("-五星支部", "only exclusions"),
    ("五" * 10_000, "too long"),
    ("year:22", "year must be"),
    (" ".join(f"词{i}" for i in range(40)), "too many terms"),
])
def test_bad_queries_give_clear_errors(sample, raw, message):
    with pytest.raises(QueryError, match=message):
        sample.search(raw)


@pytest.mark.parametrize("kwargs", [{"page": 0}, {"page": "x"}, {"page_size": 0}, {"page_size": 1000}, {"sort": "random"}])
def test_bad_parameters(sample, kwargs):
    with pytest.raises(BadParameter):
        sample.search("五星支部", **kwargs)


def test_page_past_the_end_is_empty_not_clamped(sample):
    res = sample.search("回郭镇", page=99, page_size=10)
    assert res.page == 99 and res.hits == [] and res.total > 10


def test_and_or_exclude_semantics(sample):
    both = [h for h in all_hits(sample, "五星支部 网格") if h.match in ("exact", "words")]
    assert both and all("网格" in h.passage for h in both)
    # the looser tiers (search/tiers.py) follow, each labelled with the term it does without
    for h in all_hits(sample, "五星支部 网格"):
        assert h.match in ("exact", "context") or h.missing_terms and h.match == "partial"
    either = {h.passage_id for h in all_hits(sample, "五星支部 OR 万人助万企")}
    assert either == {h.passage_id for h in all_hits(sample, "五星支部")} | {h.passage_id for h in all_hits(sample, "万人助万企")}
    without = all_hits(sample, "五星支部 -来集镇")
    assert {h.town for h in without} == {"大隗镇"}


def test_filters_inline_and_as_arguments_agree(sample):
    inline = sample.search("项目 town:大隗镇 year:2022")
    args = sample.search("项目", town="大隗镇", year="2022")
    assert inline.total == args.total > 0
    assert set(inline.facets["town"]) == {"大隗镇"}
    assert sample.search("项目", topic="党建").total < sample.search("项目").total
    assert sample.search("项目", county="新密").total == sample.search("项目", county="新密市").total


def test_filters_only_lists_passages(sample):
    res = sample.search("", topic="环保", town="回郭镇")
    assert res.total > 0 and all("环保" in h.topics and h.town == "回郭镇" for h in res.hits)


def test_words_matches_follow_exact_ones(sample):
    # 人居环境 and 整治 both occur, contiguously in some passages and apart in others
    hits = [h for h in all_hits(sample, "人居环境 治理") if h.match in ("exact", "words")]
    kinds = [h.match for h in hits]
    assert kinds == sorted(kinds)  # "exact" before "words"
    for h in hits:
        assert "人居环境" in h.passage and "治理" in h.passage
    # 项目建设 is two jieba words, 项目 / 建设
    relaxed = [h for h in all_hits(sample, "项目建设 推进") if h.match in ("exact", "words")]
    assert [h.match for h in relaxed].count("words") == 3
    for h in relaxed:
        assert "推进" in h.passage
        if h.match == "words":
            assert "项目建设" not in h.passage and "项目" in h.passage and "建设" in h.passage
            assert "<mark>项目</mark>" in h.snippet


def test_quoted_phrases_never_relax(sample):
    assert all(h.match == "exact" for h in all_hits(sample, '"环境治理" "提升"'))


def test_exact_matches_rank_above_word_matches_and_title_boosts(sample, monkeypatch):
    from search import tiers as match_tiers
    from search.tiers import NAMES

    res = sample.search("项目建设 推进")
    assert res.total_partial  # few full matches: the partial tier is listed, and ranked with them by score
    assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
    monkeypatch.setattr(match_tiers, "PARTIAL_FACTOR", 0)  # tier by tier
    res = sample.search("项目建设 推进")
    tiers = [NAMES.index(h.match) for h in res.hits]
    assert tiers == sorted(tiers)
    assert res.hits == sorted(res.hits, key=lambda h: (NAMES.index(h.match), -h.score))


def test_sort_by_year(sample):
    years = [h.year or 0 for h in all_hits(sample, "项目", sort="year")]
    assert years == sorted(years, reverse=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list('五星支部"“”-*:：OR town year 年 ()[]\\\n\t\x00<>&;') + ["OR", " OR ", "year:", "town:", "topic:", "-\"", "\"-", "2022", "-"]), max_size=25).map("".join))
def test_fuzzed_queries_never_raise_anything_but_query_errors(sample, raw):
    try:
        res = sample.search(raw)
    except GovsearchError as exc:
        assert exc.code == "bad_query" and exc.message
        return
    assert res.total_exact <= res.total and len(res.hits) <= res.total and res.total_docs <= res.total
    assert sum(res.facets["year"].values()) <= res.total
    for h in res.hits:
        assert "<" not in h.snippet.replace("<mark>", "").replace("</mark>", "")


def test_concurrent_word_matches_give_the_single_threaded_answers(sample_index):
    """Whoosh reads postings and its row column through file objects that are not safe
    to share between threads (seek, then read): a server's threads must still get
    exactly what one thread gets. (Each call starts from a fresh Searcher and repeats
    the queries so that the threads overlap.)"""
    import threading

    from search import Searcher

    queries = ["企业 环保", "乡村振兴 党建", "人居环境", "项目建设 企业", "五星支部 党建"]
    expected = {q: [h.passage_id for h in Searcher(sample_index).search(q, page_size=100).hits] for q in queries}
    assert any(expected.values())
    shared = Searcher(sample_index)
    wrong: list = []
    errors: list = []

    def client(k: int) -> None:
        for i in range(60):
            q = queries[(k + i) % len(queries)]
            try:
                got = [h.passage_id for h in shared.search(q, page_size=100).hits]
            except Exception as exc:  # noqa: BLE001 — what the test is about
                errors.append(f"{q}: {type(exc).__name__}: {exc}")
                continue
            if got != expected[q]:
                wrong.append(q)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and wrong == []
