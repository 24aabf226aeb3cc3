"""Assistance a user would click (whole phrases, no filler or fragments, a synonym line
only when it added passages, a zero-result page that says how to widen), a home page
drawn from the index, and the comparison view's scaling rules, each at its edge."""

from __future__ import annotations

import re

import pytest

from conftest import write_corpus
from index import build
from index.generation.vocabulary import DICTIONARY, HEADING, PHRASE, WORD
from search import suggest
from search.engine import Searcher
from search.suggest import (
    EXAMPLE_MAX_SHARE,
    EXAMPLE_MIN_CHARS,
    FRAGMENT_SHARE,
    WHOLE_WORD_CHARS,
    Vocabulary,
    is_fragment,
    is_suggestible,
    is_tail,
    pick_examples,
)
from web import charts, compare_view, create_app

REPORTS = {
    "a.md": "# 红星镇工作总结\n\n## 河湖治理\n\n红星镇全面落实河长制，人居环境持续改善。\n\n红星镇人居环境整治见效。\n",
    "b.md": "# 绿野乡工作报告\n\n## 生态环保\n\n绿野乡推进人居环境整治，乡村振兴见效。\n\n绿野乡乡村振兴扎实推进。\n",
    "c.md": "# 白云镇工作总结\n\n白云镇人居环境提升与美丽乡村建设同步。\n\n白云镇人居环境改善，美丽乡村见效。\n",
    "metadata.tsv": "file\ttown\tlevel\tyear\na.md\t红星镇\ttownship\t2021\nb.md\t绿野乡\ttownship\t2022\n"
                    "c.md\t白云镇\ttownship\t2022\n",
}


def vocab(rows: list[tuple[str, int, int]]) -> Vocabulary:
    rows = sorted(rows)
    return Vocabulary({"terms": [r[0] for r in rows], "freq": [r[1] for r in rows], "kinds": [r[2] for r in rows],
                       "pinyin": [""] * len(rows)})


def cut(text: str) -> list[str]:
    """A fixed segmentation of the test terms (two characters a word)."""
    return [text[i:i + 2] for i in range(0, len(text), 2)]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("assisthome")
    build(write_corpus(base / "corpus", REPORTS), base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"TESTING": True, "index": str(index_dir)}).test_client()


def test_a_phrase_is_a_fragment_when_its_last_word_goes_on_as_often_as_it_occurs():
    assert FRAGMENT_SHARE == 1.0
    at_edge = vocab([("乡村全面", 4, PHRASE), ("全面振兴", 4, PHRASE | WORD)])
    assert is_fragment(at_edge, at_edge.index["乡村全面"], cut)
    below = vocab([("乡村全面", 4, PHRASE), ("全面振兴", 3, PHRASE | WORD)])
    assert not is_fragment(below, below.index["乡村全面"], cut)
    assert is_suggestible(below, below.index["乡村全面"], cut)
    tail_edge = vocab([("万元新建", 3, PHRASE), ("投资万元", 3, PHRASE)])
    assert is_tail(tail_edge, tail_edge.index["万元新建"], cut)
    tail_below = vocab([("万元新建", 3, PHRASE), ("投资万元", 2, PHRASE)])
    assert not is_tail(tail_below, tail_below.index["万元新建"], cut)


def test_a_word_alone_is_suggested_from_three_characters_and_dictionary_terms_always():
    assert WHOLE_WORD_CHARS == 3
    v = vocab([("开展", 9, WORD), ("网格化", 3, WORD), ("党建", 5, WORD | DICTIONARY), ("聚焦党建引领", 1, HEADING),
               ("加快建设", 9, PHRASE), ("组织实施", 4, HEADING | PHRASE), ("聚焦主业引领", 2, HEADING)])
    # filler: a modifier or verb, then a verb (加快建设, 组织实施) — unless a heading of HEADING_WHOLE_CHARS
    assert suggest.HEADING_WHOLE_CHARS == 5 and len("聚焦党建引领") > 5
    assert [t for t in v.terms if is_suggestible(v, v.index[t], cut)] == sorted(["网格化", "党建", "聚焦党建引领",
                                                                                 "聚焦主业引领"])
    edge = vocab([("加快建设好", 2, HEADING), ("加快建设", 2, HEADING)])
    assert is_suggestible(edge, edge.index["加快建设好"], cut) and not is_suggestible(edge, edge.index["加快建设"], cut)


def test_examples_are_dictionary_terms_neither_rare_nor_everywhere():
    assert (EXAMPLE_MIN_CHARS, EXAMPLE_MAX_SHARE) == (3, 0.2)
    v = vocab([("高质量发展", 20, DICTIONARY | WORD),  # 20 of 100 passages: at the edge, kept
               ("乡村振兴", 21, DICTIONARY | WORD),  # 21 of 100: everywhere
               ("人居环境", 2, DICTIONARY | WORD),  # two passages: the fewest kept
               ("营商环境", 1, DICTIONARY | WORD),  # once: rare
               ("党建", 10, DICTIONARY | WORD),  # two characters
               ("网格化管理", 10, WORD),  # no dictionary term
               ("郑州市", 10, DICTIONARY | WORD)])  # a place: a filter, not an example
    assert pick_examples(v, 100, 4, frozenset({"郑州市"})) == ["高质量发展", "人居环境"]


def test_related_searches_leave_out_filler_places_and_the_query(index_dir, client):
    found = Searcher(index_dir).search("人居环境", related=True)
    related = [s["query"] for s in found.suggestions]
    assert related == ["美丽乡村"]  # in two hits, a dictionary term; 白云镇 too, but a place
    page = client.get("/?q=人居环境").get_data(as_text=True)
    assert re.findall(r">([^<>]+)</a></li>", page.split('class="assist-list related"', 1)[1].split("</nav>", 1)[0]) \
        == ["美丽乡村"]
    assert all(len(t) >= WHOLE_WORD_CHARS or t in ("河长制",) for t in related)
    assert not {"红星镇", "绿野乡", "人居环境"} & set(related)
    assert not [t for t in related if t in ("推进", "见效", "改善", "持续")]


def test_completions_are_whole_terms_with_hits_and_the_typed_text_only_when_whole(index_dir):
    items = suggest.complete(Searcher(index_dir), "人居")
    assert items and all(i["count"] > 0 for i in items) and "人居" not in [i["text"] for i in items]
    assert all(len(i["text"]) >= WHOLE_WORD_CHARS or "dictionary" in i["kind"] for i in items)
    assert suggest.complete(Searcher(index_dir), "人居环境")[0]["text"] == "人居环境"


def test_completions_take_a_short_word_only_when_it_is_a_noun():
    v = vocab([("银行", 3, WORD), ("开展", 9, WORD), ("各村", 4, WORD)])
    assert [t for t in v.terms if is_suggestible(v, v.index[t], cut, short_nouns=True)] == ["银行"]
    assert not [t for t in v.terms if is_suggestible(v, v.index[t], cut)]  # related searches: none of them


def test_synonym_line_only_when_the_synonyms_added_passages(client):
    page = client.get("/?q=河长制").get_data(as_text=True)
    data = client.get("/api/search?q=河长制").get_json()
    assert data["expanded"]["synonyms"] and data["expanded"]["synonym_hits"] == 0
    assert 'data-assist="synonyms"' not in page  # 河湖长制 is not in this corpus: nothing to say


def test_zero_results_page_offers_to_widen_without_empty_filter_rows(client):
    page = client.get("/?q=人居环境 不存在的词").get_data(as_text=True)
    # no passage holds both terms: the partial tier lists those without the absent one,
    # and the page offers the narrower query itself; no empty filter rows
    assert "（无）" not in page
    widen = page.split('data-assist="widen"', 1)[1].split("</li>", 1)[0]
    assert "去掉“不存在的词”" in widen and re.search(r">人居环境</a>（去掉“不存在的词”，5 段）", widen)
    data = client.get("/api/search?q=人居环境 不存在的词").get_json()
    assert data["widen"] == [{"query": "人居环境", "total": 5, "dropped": "不存在的词"}]
    assert data["total"] == data["total_partial"]
    nothing = client.get("/?q=不存在的词 也不存在").get_data(as_text=True)
    assert 'class="facet-panel"' not in nothing and "（无）" not in nothing  # the plain zero-result page


def test_widen_stops_at_four_terms(client):
    four = client.get("/api/search?q=人居环境 乙 丙 丁").get_json()
    five = client.get("/api/search?q=人居环境 乙 丙 丁 戊").get_json()
    assert four["total"] == five["total"] == 0
    assert len(four["widen"]) == 0 or all(w["total"] for w in four["widen"])
    assert five["widen"] == []
    two = client.get("/api/search?q=人居环境 乙").get_json()
    assert two["widen"] == [{"query": "人居环境", "total": 5, "dropped": "乙"}]


def test_home_page_speaks_of_this_index_and_the_settings_override_it(index_dir, client):
    page = client.get("/").get_data(as_text=True)
    assert '<span class="tagline">乡镇/街道报告全文检索</span>' in page
    counts = re.sub(r"<[^>]+>", "", page.split('class="index-counts"', 1)[1].split("</p>", 1)[0])
    assert counts.replace("\n", "") == ">已收录 3 篇报告 · 3 个乡镇 · 2021–2022"
    assert "五星支部" not in page and "万人助万企" not in page
    own = create_app({"TESTING": True, "index": str(index_dir), "site_subtitle": "某县报告库",
                      "home_examples": "河长制, 乡村振兴"}).test_client().get("/").get_data(as_text=True)
    assert '<span class="tagline">某县报告库</span>' in own
    examples = re.findall(r'<ul class="examples">(.*?)</ul>', own, flags=re.S)[0]
    assert re.findall(r">([^<>]+)</a>", examples) == ["河长制", "乡村振兴"]


def test_heat_shades_in_proportion_to_the_largest_cell():
    assert compare_view.HEAT_STEPS == 5
    assert [compare_view.heat(n, 10) for n in (0, 1, 2, 3, 8, 9, 10)] == [0, 1, 1, 2, 4, 5, 5]
    assert compare_view.heat(3, 0) == 0


def test_year_labels_stand_apart_and_long_names_are_cut_with_a_tooltip():
    gap = charts.MIN_TICK_GAP
    assert charts.tick_every(10, gap) == 1 and charts.tick_every(10, gap - 0.5) == 2
    assert charts.tick_every(60, gap / 4) == 4
    name = "新疆维吾尔自治区伊犁哈萨克自治州"[:charts.MAX_LABEL_CHARS]
    fits = charts.bar_chart("b", [(name, 3)], "t")
    assert f">{name}</text>" in fits and "<title>" + name not in fits
    longer = charts.bar_chart("b", [(name + "州", 3)], "t")
    assert f"<title>{name}州</title>" in longer and name[:-1] + "…" in longer


def test_line_chart_leaves_gaps_for_years_without_a_report():
    svg = charts.line_chart("l", ["2019", "2020", "2021"], [("甲镇", [2, None, 1])], "t")
    path = re.search(r'class="series-0 line" d="([^"]+)"', svg).group(1)
    assert path.count("M") == 2 and "L" not in path  # two separate points, no line through 2020
    assert "2020 年 无报告" in svg and svg.count("marker") == 2


def test_bench_counts_unjudged_suggestions_apart_never_as_clicked(index_dir, tmp_path, capsys):
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_assist", ROOT / "bench" / "assist.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    (tmp_path / "q.txt").write_text("# a comment\n人居环境\n", encoding="utf-8")
    seen = bench.shown(Searcher(index_dir), "人居环境")
    assert seen and {k for k, _ in seen} <= {"related", "complete"}
    first_kind, first = seen[0]
    (tmp_path / "judged.tsv").write_text(f"# header\n人居环境\t{first_kind}\t{first}\t1\n", encoding="utf-8")
    bench.main(["--index", str(index_dir), "--queries", str(tmp_path / "q.txt"), "--judged", str(tmp_path / "judged.tsv"),
                "--write-unjudged", str(tmp_path / "new.tsv")])
    out = capsys.readouterr().out
    assert f"all       1/1 (100%); unjudged {len(seen) - 1}" in out
    if len(seen) > 1:
        assert len((tmp_path / "new.tsv").read_text(encoding="utf-8").splitlines()) == len(seen) - 1
