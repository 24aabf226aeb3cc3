"""Relaxed word matching, grouping by report and the ranking signals, through the
public Searcher API and the web page, on tiny corpora made here."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import all_hits
from index import build
from search.engine import Searcher
from search.grouping import PER_REPORT
from web import create_app

RELAXED = {
    "a.txt": "甲镇工作报告\n\n全力稳就业、稳企业，经济运行总体平稳。\n\n"
             "做好就业服务工作，帮助企业解决用工难题，群众满意度提升。\n\n"
             "稳定就业岗位，稳定企业生产，全年新增就业500人。\n\n"
             "稳字当头，各项工作有序推进，重点项目全部开工建设，服务保障能力持续加强，就业形势良好，企业效益提高。\n",
}


@pytest.fixture(scope="module")
def relaxed_index(tmp_path_factory):
    from conftest import write_corpus

    base = tmp_path_factory.mktemp("relaxed")
    build(write_corpus(base / "corpus", RELAXED), base / "index")
    return base / "index"


def test_relaxed_match_keeps_one_character_parts_beside_their_words(relaxed_index):
    s = Searcher(relaxed_index)
    res = s.search("稳就业 稳企业", page_size=100)
    by_match = {h.passage: h.match for h in res.hits}
    assert by_match == {"全力稳就业、稳企业，经济运行总体平稳。": "exact",
                        "稳定就业岗位，稳定企业生产，全年新增就业500人。": "words"}
    # 就业 and 企业 without 稳 beside them: not a match at all (稳 was never dropped)
    assert not any(p.startswith("做好就业服务") for p in by_match)
    assert not any(p.startswith("稳字当头") for p in by_match)  # 稳 present, but far from the words
    assert (res.total, res.total_exact, res.total_words) == (2, 1, 1)
    assert res.to_dict()["total_words"] == 1


def test_exact_before_words(relaxed_index):
    hits = Searcher(relaxed_index).search("稳就业 稳企业").hits
    assert [h.match for h in hits] == ["exact", "words"]


def test_term_without_multicharacter_words_is_not_relaxed(relaxed_index):
    s = Searcher(relaxed_index)
    res = s.search("稳 就业")  # 稳 alone has nothing to relax to: every hit holds 稳 as written
    assert res.total_words == 0
    assert all("稳" in h.passage and "就业" in h.passage for h in res.hits)


def test_quoted_phrases_never_relax(relaxed_index):
    res = Searcher(relaxed_index).search('"稳就业" "稳企业"')
    assert res.total == res.total_exact == 1 and res.total_words == 0


def test_page_says_which_count_is_which(relaxed_index):
    app = create_app({"index": str(relaxed_index), "TESTING": True})
    html = app.test_client().get("/?q=稳就业 稳企业").get_data(as_text=True)
    assert "完整匹配 1 段" in html and "另有 1 段只含检索词中的各个词" in html
    html = app.test_client().get("/?q=稳就业").get_data(as_text=True)
    assert "另有" not in html  # a single term never relaxes: nothing to explain


# ---------------------------------------------------------------- grouping

SHARED = "坚持以人民为中心的发展思想，扎实推进乡村振兴，巩固拓展脱贫攻坚成果，让群众生活更加美好。"
GROUPED = {
    "a-2022.txt": "甲镇2022年工作总结\n\n" + "\n\n".join(
        f"乡村振兴第{i}项举措：建设示范村{i}个，发展特色产业，带动农民增收致富，集体经济收入明显增加。" for i in range(1, 7)
    ) + "\n\n" + SHARED + "\n",
    "b-2022.txt": "乙镇2022年工作总结\n\n乡村振兴扎实推进，建成美丽乡村两个，农村人居环境明显改善，群众满意度提升。\n\n" + SHARED + "\n",
    "c-2022.txt": "丙镇2022年工作总结\n\n" + SHARED + "\n",
}


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    from conftest import write_corpus

    base = tmp_path_factory.mktemp("grouped")
    build(write_corpus(base / "corpus", GROUPED), base / "index")
    return Searcher(base / "index")


def test_group_none_lists_every_passage(grouped):
    flat = all_hits(grouped, "乡村振兴")
    assert len(flat) == 6 + 2 + 1 + 1 and all(h.more_in_report == 0 and h.also_in == [] for h in flat)


def test_group_report_keeps_counts_and_groups_passages(grouped):
    res = grouped.search("乡村振兴", group="report", page_size=50)
    flat = grouped.search("乡村振兴", page_size=50)
    assert (res.total, res.total_docs) == (flat.total, flat.total_docs) == (10, 3)
    docs = [h.doc_id for h in res.hits]
    # the ranking's order (a subsequence of the ungrouped list), at most 3 passages of a report
    flat_ids = [h.passage_id for h in flat.hits]
    positions = [flat_ids.index(h.passage_id) for h in res.hits]
    assert positions == sorted(positions)
    assert all(docs.count(d) <= PER_REPORT for d in set(docs))
    a_hits = [h for h in res.hits if h.doc_id == "a-2022"]
    assert len(a_hits) == PER_REPORT and all(h.more_in_report == 7 - PER_REPORT for h in a_hits)
    # the identical passage of three reports is listed once, naming the others
    shared = [h for h in res.hits if h.passage == SHARED]
    assert len(shared) == 1
    assert {a["doc_id"] for a in shared[0].also_in} | {shared[0].doc_id} == {"a-2022", "b-2022", "c-2022"}
    assert res.listed == len(res.hits) and res.pages == 1
    d = res.to_dict()
    assert d["group"] == "report" and d["listed"] == len(d["hits"]) and "also_in" in d["hits"][0]


def test_group_report_order_follows_each_reports_best_passage(grouped):
    flat = grouped.search("乡村振兴", page_size=50).hits
    res = grouped.search("乡村振兴", group="report", page_size=50).hits
    first_seen = list(dict.fromkeys(h.doc_id for h in flat))
    grouped_order = list(dict.fromkeys(h.doc_id for h in res))
    assert grouped_order == [d for d in first_seen if d in grouped_order]
    # a report whose only match is a copy of an earlier passage shows up under that copy
    named = set(grouped_order) | {a["doc_id"] for h in res for a in h.also_in}
    assert named == set(first_seen) and "c-2022" not in grouped_order


def test_group_report_paging_has_no_gaps_or_repeats(grouped):
    all_listed = grouped.search("乡村振兴", group="report", page_size=50).hits
    paged = []
    for page in (1, 2, 3):
        paged += grouped.search("乡村振兴", group="report", page_size=2, page=page).hits
    assert [h.passage_id for h in paged] == [h.passage_id for h in all_listed][:6]


def test_bad_group_is_a_clear_error(grouped):
    from index.errors import BadParameter

    with pytest.raises(BadParameter, match="group must be one of"):
        grouped.search("乡村振兴", group="town")


def test_api_and_page_group(grouped):
    app = create_app({"index": str(grouped.index_dir), "TESTING": True})
    c = app.test_client()
    flat = c.get("/api/search?q=乡村振兴&page_size=50").get_json()
    assert flat["group"] == "none" and len(flat["hits"]) == 10
    rep = c.get("/api/search?q=乡村振兴&page_size=50&group=report").get_json()
    assert rep["group"] == "report" and rep["total"] == 10 and len(rep["hits"]) < 10
    assert c.get("/api/search?q=乡村振兴&group=bogus").status_code == 400
    html = c.get("/?q=乡村振兴").get_data(as_text=True)
    assert f"本报告还有 {7 - PER_REPORT} 段匹配" in html and "相同段落也见于" in html


# ---------------------------------------------------------------- ranking signals

RANKED = {
    "r-2022.txt": "丁镇2022年工作总结\n\n"
                  "一、基础设施\n\n"
                  "道路建设有序推进，新修道路5公里，硬化村道12条，群众出行更加便利，农产品运输成本明显下降。\n\n"
                  "二、人居环境整治\n\n"
                  "人居环境大提升。全镇协调资金4000余万元，对镇区雨污水管网、花池、人行道进行全面改造，"
                  "开展农村人居环境整治，拆除违建30处，新建公厕12座，清理垃圾2000吨，村容村貌明显改善。\n\n\n\n"
                  "持续开展人居环境整治活动\n\n\n\n"
                  "全镇上下共同努力，各村环境不断改善，群众满意度逐年提高，人居环境越来越好。\n",
}


def test_substantive_paragraph_before_heading_caption_and_lead(make_index):
    s = make_index(RANKED)
    hits = s.search("人居环境").hits
    assert hits[0].kind == "body" and hits[0].passage.startswith("人居环境大提升")
    kinds = [h.kind for h in hits]
    assert "heading" in kinds and "caption" in kinds  # they still match, just later
    assert kinds.index("heading") > 1 and kinds.index("caption") > 1


@given(st.lists(st.text(alphabet="乡村振兴aé", max_size=8), max_size=8), st.text(alphabet="乡村振兴aé", min_size=1, max_size=3))
@example(["a", "aa"], "aa")  # a match across the boundary must not hide the next string's own
@example(["乡村", "振兴乡村振兴"], "乡村振兴")
def test_heading_counts_in_the_mapped_list_equal_str_count(strings, needle):
    """The title and heading counts that ranking uses are read from the mapped list of
    strings with a byte search: the same as counting in each string, also when a match
    would run from one string into the next."""
    import numpy as np

    from search.table import _occurrences_in

    data = "".join(strings).encode("utf-8")
    offsets = np.cumsum([0] + [len(x.encode("utf-8")) for x in strings])
    assert _occurrences_in((data, offsets), needle).tolist() == [float(x.count(needle)) for x in strings]


@given(st.lists(st.integers(0, 4), min_size=2, max_size=300), st.integers(1, 299))
def test_the_best_rows_for_the_rerank_are_those_of_a_stable_sort(scores, n):
    """The rerank takes the best RERANK rows of a tier without sorting them all: the
    same rows in the same order as a stable descending sort, ties included."""
    import numpy as np

    from search.ranking import _best

    n = min(n, len(scores) - 1)
    s = np.array(scores, dtype=np.float64)
    members = np.arange(len(s)) * 3
    assert _best(members, s, n).tolist() == members[np.argsort(-s, kind="stable")[:n]].tolist()
