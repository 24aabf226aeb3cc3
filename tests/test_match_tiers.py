"""The looser match tiers (search/tiers.py): matches in context (heading path, title,
list lead-in) and partial matches, through the Python API, the JSON and the CLI, on
tiny corpora made here."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import all_hits, write_corpus
from govsearch.cli import main
from index import build
from search import tiers
from search.engine import Searcher

FILLER = "各项工作有序推进，群众满意度持续提升。"


def _report(full: int) -> str:
    """A report with ``full`` passages holding 耕地保护 and 措施, two holding only 耕地保护,
    and more holding only 措施 (the question word is the commoner term)."""
    parts = ["甲镇工作报告"]
    parts += [f"第{i}项耕地保护措施落实到位，{FILLER}" for i in range(full)]
    parts += ["严守耕地保护红线，落实占补平衡，整治撂荒地一千二百亩。", "耕地保护责任层层压实，签订责任书到村。"]
    parts += [f"第{i}项帮扶措施落实到位，{FILLER}" for i in range(full + 3)]
    return "\n\n".join(parts) + "\n"


def _searcher(base, text: str) -> Searcher:
    build(write_corpus(base / "corpus", {"a.txt": text}), base / "index")
    return Searcher(base / "index")


@pytest.fixture(scope="module")
def below(tmp_path_factory):
    """Full matches one fewer than PARTIAL_MIN: the partial tier is listed."""
    return _searcher(tmp_path_factory.mktemp("below"), _report(tiers.PARTIAL_MIN - 1))


@pytest.fixture(scope="module")
def at(tmp_path_factory):
    """Exactly PARTIAL_MIN full matches: no partial tier."""
    return _searcher(tmp_path_factory.mktemp("at"), _report(tiers.PARTIAL_MIN))


def test_partial_tier_follows_the_full_matches_and_drops_the_commoner_term(below):
    res = below.search("耕地保护 措施", page_size=100)
    matches = [h.match for h in res.hits]
    assert matches == ["exact"] * (tiers.PARTIAL_MIN - 1) + ["partial"] * 2
    partial = [h for h in res.hits if h.match == "partial"]
    assert {h.passage[:6] for h in partial} == {"严守耕地保护", "耕地保护责任"}
    assert all(h.missing_terms == ["措施"] and "<mark>耕地保护</mark>" in h.snippet for h in partial)
    # counted apart
    assert (res.total, res.total_exact, res.total_partial, res.total_context) == (tiers.PARTIAL_MIN + 1,
                                                                                  tiers.PARTIAL_MIN - 1, 2, 0)
    data = res.to_dict()
    assert data["total_partial"] == 2 and data["hits"][-1]["match"] == "partial"
    assert data["hits"][-1]["missing_terms"] == ["措施"] and data["hits"][0]["missing_terms"] == []


def test_no_partial_tier_once_the_full_matches_reach_the_minimum(at):
    res = at.search("耕地保护 措施", page_size=100)
    assert res.total == res.total_exact == tiers.PARTIAL_MIN and res.total_partial == 0
    assert {h.match for h in res.hits} == {"exact"}


def test_required_and_quoted_terms_are_never_dropped(below):
    for q in ("耕地保护 +措施", '耕地保护 "措施"'):  # 措施 stays; the other term is the one that may go
        res = below.search(q, page_size=100)
        assert res.total_partial == tiers.PARTIAL_MIN + 2 and all("措施" in h.passage for h in res.hits), q
        assert {tuple(h.missing_terms) for h in res.hits if h.match == "partial"} == {("耕地保护",)}
    # +耕地保护 leaves 措施 the only term that may go: the same partial tier as before
    res = below.search("+耕地保护 措施", page_size=100)
    assert res.total_partial == 2 and res.hits[-1].missing_terms == ["措施"]
    # a single term has nothing to drop
    assert below.search("耕地保护", page_size=100).total_partial == 0


def test_exclusions_still_exclude_partial_matches(below):
    res = below.search("耕地保护 措施 -占补平衡", page_size=100)
    assert res.total_partial == 1 and not any("占补平衡" in h.passage for h in res.hits)


def test_cli_labels_and_counts_the_partial_tier(below):
    index = below.index_dir
    out = CliRunner().invoke(main, ["search", "耕地保护 措施", "--index", str(index), "--limit", "20"]).output
    assert "partial 2" in out and out.count("[部分匹配 partial, 缺 missing: 措施]") == 2
    data = json.loads(CliRunner().invoke(main, ["search", "耕地保护 措施", "--index", str(index), "--json"]).output)
    assert data["total_partial"] == 2 and data["total_context"] == 0


CONTEXT = {
    "a.txt": "乙镇工作报告\n\n"
             "一、主要目标\n\n"
             "煤矿智能化建设全面推进，大型煤矿基本实现智能化，井下作业人员明显减少。\n\n"
             "二、其他工作\n\n"
             "煤矿智能化改造稳步推进，投入资金逐年增加，安全水平提升。\n\n"
             "全年目标任务全面完成，考核位次前移。\n\n"
             "年度目标责任书签订到村，逐月调度。\n\n"
             "目标管理考核办法修订完善，奖惩分明。\n\n"
             "村级组织应符合下列条件：\n\n"
             "（一）建立集体资产台账，账目公开透明；\n\n"
             "（二）配备专职会计人员。\n\n"
             "台账管理进一步规范，全镇村级台账全部建立。\n",
}


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    base = tmp_path_factory.mktemp("context")
    build(write_corpus(base / "corpus", CONTEXT), base / "index")
    return Searcher(base / "index")


def test_a_term_in_the_heading_counts_in_context(context):
    res = context.search("煤矿 智能化 目标", page_size=100)
    assert res.total_exact == 0 and res.total_context == 1
    hit = res.hits[0]
    assert hit.match == "context" and hit.context_terms == ["目标"] and hit.section == "一、主要目标"
    # the passage under 二、其他工作 holds 煤矿 and 智能化 but nothing says 目标: only as a partial match
    assert [h.match for h in res.hits] == ["context", "partial"]
    assert res.to_dict()["hits"][0]["context_terms"] == ["目标"]


def test_required_terms_do_not_match_in_context(context):
    res = context.search("煤矿 智能化 +目标", page_size=100)
    assert res.total == 0


def test_list_items_carry_their_lead_in(context):
    res = context.search("台账 条件", page_size=100)
    by_match = {h.passage[:5]: (h.match, h.context_terms) for h in res.hits}
    assert by_match["（一）建立"] == ("context", ["条件"])
    item = next(h for h in res.hits if h.passage.startswith("（一）"))
    assert item.lead_in == "村级组织应符合下列条件：" and item.to_dict()["lead_in"] == item.lead_in
    # a passage holding 台账 that is not an item of the list: no context
    assert by_match.get("台账管理进", ("partial", []))[0] == "partial"


def test_a_list_reaches_its_lead_in_over_at_most_list_reach_items(tmp_path):
    def corpus(items: int) -> str:
        lines = ["丙镇工作报告", "申报单位应符合下列条件："]
        lines += [f"（{i}）第{i}项要求落实到位；" for i in range(1, items)]
        lines += [f"（{items}）建立资产台账；"]
        return "\n\n".join(lines) + "\n"

    for items, found in ((tiers.LIST_REACH, True), (tiers.LIST_REACH + 1, False)):
        base = tmp_path / str(items)
        build(write_corpus(base / "corpus", {"a.txt": corpus(items)}), base / "index")
        hits = [h for h in all_hits(Searcher(base / "index"), "台账 条件") if h.match == "context"]
        assert bool(hits) is found, items


def test_page_labels_the_looser_tiers(below, context):
    from web import create_app

    app = create_app({"index": str(below.index_dir), "TESTING": True})
    page = app.test_client().get("/?q=耕地保护 措施&group=none").get_data(as_text=True)
    assert "部分匹配：缺“措施”" in page and "另有 2 段缺一个检索词" in page
    summary = re.sub(r"<[^>]+>", "", page[page.index('<p class="summary"'):page.index("</p>", page.index('<p class="summary"'))])
    assert "，，" not in summary and re.search(r"（完整匹配 \d+ 段，另有 2 段缺一个检索词（标“部分匹配”））", summary), summary
    app = create_app({"index": str(context.index_dir), "TESTING": True})
    page = app.test_client().get("/?q=煤矿 智能化 目标&group=none").get_data(as_text=True)
    assert "标题含“目标”" in page
    page = app.test_client().get("/?q=台账 条件&group=none").get_data(as_text=True)
    assert '<p class="lead-in"><span class="visually-hidden">所属列表的引语：</span>村级组织应符合下列条件：</p>' in page


@pytest.mark.parametrize("repeats, dropped", [(2, "原因"), (1, "就业")])
def test_the_dropped_term_is_the_least_informative_not_the_commonest(tmp_path, repeats, dropped):
    """就业 is in more passages than 原因; said twice where it stands it is the topic
    (idf × 2 occurrences beats the rarer 原因 said once) and 原因 goes; said once, it goes."""
    said = "就业" * repeats
    parts = ["己镇工作报告", f"{said}困难的原因在于结构性矛盾，{FILLER}"]
    parts += [f"第{i}批{said}帮扶落实，{FILLER}" for i in range(5)]
    parts += [f"第{i}项原因分析到位，{FILLER}" for i in range(3)]
    parts += [f"第{i}项其他工作推进，{FILLER}" for i in range(3)]
    s = _searcher(tmp_path, "\n\n".join(parts) + "\n")
    res = s.search("就业 原因", page_size=100)
    assert res.total_exact == 1
    assert {tuple(h.missing_terms) for h in res.hits if h.match == "partial"} == {(dropped,)}


def test_a_match_in_context_follows_the_exact_matches_unless_ranked_with_them(make_index, monkeypatch):
    s = make_index({"a.txt": "庚镇工作报告\n\n一、主要目标\n\n"
                             "煤矿智能化建设全面推进，煤矿智能化改造全部完成，大型煤矿基本实现智能化，煤矿井下作业人员明显减少。\n\n"
                             "二、其他工作\n\n"
                             f"{FILLER}{FILLER}年度目标基本完成，煤矿智能化也有进展，{FILLER}{FILLER}\n"})
    assert [h.match for h in s.search("煤矿 智能化 目标", page_size=10).hits] == ["exact", "context"]  # the default
    monkeypatch.setattr(tiers, "CONTEXT_WITH_EXACT", True)
    res = s.search("煤矿 智能化 目标", page_size=10)
    assert [h.match for h in res.hits] == ["context", "exact"]  # by score: the heading counts toward the match
    assert res.hits[0].score > res.hits[1].score


# ---------------------------------------------------------------- partial matches ranked with the exact ones

_SCATTERED = ("乙镇工作报告\n\n"
              f"{FILLER * 3}全镇耕地保护工作有序开展。{FILLER * 3}各村落实帮扶措施。\n\n"  # exact: terms sentences apart
              "耕地保护红线严守，耕地保护责任压实，耕地保护成效明显，整治撂荒地一千二百亩。\n\n"  # partial: no 措施
              f"{FILLER}\n\n第一项帮扶措施落实。\n\n第二项帮扶措施落实。\n")


def test_a_partial_match_is_ranked_with_the_exact_ones_its_score_times_the_factor(make_index, monkeypatch):
    """PARTIAL_FACTOR = 0.85: a partial match shares the exact tier with its score × 0.85;
    it comes first exactly when that is above the exact match's score; at 0 it follows
    every full match."""
    assert tiers.PARTIAL_FACTOR == 0.85
    s = make_index({"b.txt": _SCATTERED})
    res = s.search("耕地保护 措施", page_size=10)
    by = {h.match: h for h in res.hits}
    assert [h.match for h in res.hits] == ["partial", "exact"] and by["partial"].missing_terms == ["措施"]
    monkeypatch.setattr(tiers, "PARTIAL_FACTOR", 0)  # listed after every full match, its own score
    res = s.search("耕地保护 措施", page_size=10)
    assert [h.match for h in res.hits] == ["exact", "partial"]
    raw, exact = res.hits[1].score, res.hits[0].score
    assert by["partial"].score == pytest.approx(raw * 0.85, abs=1e-3) and by["exact"].score == exact
    edge = exact / raw  # the factor at which the two tie
    for factor, first in ((edge * 1.01, "partial"), (edge * 0.99, "exact")):
        monkeypatch.setattr(tiers, "PARTIAL_FACTOR", factor)
        assert s.search("耕地保护 措施", page_size=10).hits[0].match == first, factor


@pytest.mark.parametrize("end, listed", [("：", True), (":", True), ("。", False), ("；", False)])
def test_only_a_passage_ending_with_a_colon_leads_in_a_list(tmp_path, end, listed):
    text = f"辛镇工作报告\n\n申报单位应符合下列条件{end}\n\n（一）建立资产台账；\n\n（二）配备专职会计。\n"
    build(write_corpus(tmp_path / "corpus", {"a.txt": text}), tmp_path / "index")
    hits = [h for h in all_hits(Searcher(tmp_path / "index"), "台账 条件") if h.passage.startswith("（一）")]
    assert [h.match for h in hits] == (["context"] if listed else ["partial"])
    assert hits[0].lead_in == (f"申报单位应符合下列条件{end}" if listed else "")


@pytest.mark.parametrize("number, item", [("（一）", True), ("(1)", True), ("1.", True), ("1、", True),
                                          ("一、", True), ("一是", True), ("第一", False), ("一", False)])
def test_the_numbers_that_make_a_list_item(number, item):
    assert tiers.is_item(f"{number}建立资产台账；") is item


def test_a_passage_without_a_number_ends_the_list(tmp_path):
    text = ("壬镇工作报告\n\n申报单位应符合下列条件：\n\n（一）配备专职会计；\n\n"
            "以上条件由镇政府审核。\n\n（二）建立资产台账。\n")
    build(write_corpus(tmp_path / "corpus", {"a.txt": text}), tmp_path / "index")
    hits = all_hits(Searcher(tmp_path / "index"), "台账 条件")
    assert [(h.passage[:3], h.match) for h in hits if h.passage.startswith("（二）")] == [("（二）", "partial")]


def test_a_term_in_the_report_title_counts_in_context(make_index):
    s = make_index({"a.txt": "癸镇耕地保护工作报告\n\n严守红线，落实占补平衡，整治撂荒地一千二百亩。\n"})
    res = s.search("耕地保护 撂荒地", page_size=10)
    # the body passage matches with the title's 耕地保护; the title itself lacks 撂荒地
    assert sorted((h.passage[:2], h.match, h.context_terms) for h in res.hits) == [("严守", "context", ["耕地保护"]),
                                                                                   ("癸镇", "partial", [])]


def test_a_match_in_context_is_scored_times_the_context_factor(context, monkeypatch):
    """CONTEXT_FACTOR = 1.2: with the partial tier listed, a match in context shares the
    exact tier with its score × 1.2 (the heading holds the term its text lacks); it
    comes before the partial match exactly when that is above the partial's score."""
    assert tiers.CONTEXT_FACTOR == 1.2
    res = context.search("煤矿 智能化 目标", page_size=10)
    assert [h.match for h in res.hits] == ["context", "partial"]
    shown = res.hits[0].score
    monkeypatch.setattr(tiers, "CONTEXT_FACTOR", 1.0)
    raw = {h.match: h.score for h in context.search("煤矿 智能化 目标", page_size=10).hits}
    assert shown == pytest.approx(raw["context"] * 1.2, abs=1e-3)
    edge = raw["partial"] / raw["context"]  # the factor at which the two tie
    for factor, first in ((edge * 1.01, "context"), (edge * 0.99, "partial")):
        monkeypatch.setattr(tiers, "CONTEXT_FACTOR", factor)
        assert context.search("煤矿 智能化 目标", page_size=10).hits[0].match == first, factor


# ---------------------------------------------------------------- a one-term query's partial tier, by its words
def _straw(full: int) -> str:
    """``full`` passages holding 秸秆禁烧 (jieba: 秸秆 禁烧), one holding only 禁烧 (twice),
    three holding only 秸秆 (once each: the commoner, less informative word)."""
    parts = ["乙镇工作报告"] + [f"第{i}村秸秆禁烧落实到位，{FILLER}" for i in range(full)]
    parts += ["禁烧巡查全覆盖，禁烧宣传进村入户。"] + [f"第{i}片秸秆还田面积扩大。" for i in range(3)]
    return "\n\n".join(parts) + "\n"


@pytest.mark.parametrize("full, partial", [(tiers.PARTIAL_MIN - 1, 1), (tiers.PARTIAL_MIN, 0), (1, 1), (0, 0)])
def test_a_one_term_query_has_a_partial_tier_by_its_words(tmp_path, full, partial):
    """Below PARTIAL_MIN full matches, but at least one, the passages holding the term's
    more informative word follow, missing the other; a term no passage holds gets none
    (more likely a typo, see the spelling suggestion)."""
    s = _searcher(tmp_path, _straw(full))
    res = s.search("秸秆禁烧", page_size=100)
    assert (res.total_exact, res.total_partial) == (full, partial)
    got = [(h.passage, h.missing_terms) for h in res.hits if h.match == "partial"]
    assert got == [("禁烧巡查全覆盖，禁烧宣传进村入户。", ["秸秆"])] * partial
    for q in ('"秸秆禁烧"', "+秸秆禁烧", "禁烧"):  # required as written; a term of one word has none
        assert s.search(q, page_size=100).total_partial == 0, q


def test_the_word_partial_tier_can_be_turned_off(tmp_path, monkeypatch):
    s = _searcher(tmp_path, _straw(2))
    assert s.search("秸秆禁烧").total_partial == 1
    monkeypatch.setattr(tiers, "WORD_PARTIAL", False)
    assert s.search("秸秆禁烧").total_partial == 0
