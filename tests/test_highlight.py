"""Snippets: every character escaped, matches marked, punctuation inside a match handled."""

from __future__ import annotations

import pytest

from search.highlight import mark, match_runs, snippet


def test_runs_skip_punctuation_inside_a_match():
    text = "创建“五星”支部的重要抓手"
    runs = match_runs(text, ["五星支部"])
    assert [text[a:b] for a, b in runs] == ["五星", "支部"]
    assert mark(text, runs) == "创建“<mark>五星</mark>”<mark>支部</mark>的重要抓手"


def test_line_break_inside_a_match():
    text = "抓市委“书记项目”契\n机,按照"
    runs = match_runs(text, ["契机"])
    assert mark(text, runs) == "抓市委“书记项目”<mark>契</mark>\n<mark>机</mark>,按照"


def test_everything_is_escaped():
    text = '<script>alert("五星支部")</script><img src=x onerror=alert(1)>&'
    html = snippet(text, match_runs(text, ["五星支部"]))
    assert html == '&lt;script&gt;alert(&quot;<mark>五星支部</mark>&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;'


def test_window_around_first_match_with_ellipses():
    text = "甲" * 300 + "五星支部" + "乙" * 300
    html = snippet(text, match_runs(text, ["五星支部"]))
    assert html.startswith("…") and html.endswith("…")
    plain = html.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert 100 <= len(plain) <= 200 and "五星支部" in plain


def test_full_width_and_case_are_marked():
    text = "ＡＢＣ公司与abc公司"
    runs = match_runs(text, ["abc"])
    assert [text[a:b] for a, b in runs] == ["ＡＢＣ", "abc"]


# ---------------------------------------------------------------- snippet windows

from search.highlight import fragments  # noqa: E402

STOPS = "。！？；，、：!?;,:\n"


def _plain(html: str) -> str:
    return html.replace("<mark>", "").replace("</mark>", "")


def _long_report_paragraph() -> str:
    parts = [f"第{i}项工作扎实推进，完成投资{i}.75亿元，同比增长{i}%" for i in range(1, 12)]
    return "。".join(parts[:5]) + "。五星支部创建成效明显，全镇评定五星支部3个。" + "。".join(parts[5:]) + "。"


def test_snippet_starts_and_ends_at_clause_boundaries():
    text = _long_report_paragraph()
    pieces = fragments(text, match_runs(text, ["五星支部"]), ["五星支部"])
    assert len(pieces) == 1
    start, end = pieces[0]
    assert start == 0 or text[start - 1] in STOPS
    assert end == len(text) or text[end - 1] in STOPS
    assert 100 <= end - start <= 200
    assert "五星支部" in text[start:end]


def test_snippet_never_cuts_a_number_or_a_latin_word():
    text = "甲" * 150 + "投资12.75亿元建设5G基站和GDP监测平台" + "乙" * 150  # no punctuation to cut at
    pieces = fragments(text, match_runs(text, ["5g"]), ["5g"])
    for a, b in pieces:
        for p in (a, b):
            if 0 < p < len(text):
                assert not (text[p - 1].isascii() and text[p - 1].isalnum() and text[p].isascii() and text[p].isalnum())
                assert not (text[p - 1].isdigit() and text[p] in ".%") and not (text[p - 1] == "." and text[p].isdigit())


def test_snippet_shows_every_term_when_they_fit():
    text = "全镇扎实推进基层党建工作，" + "围绕中心服务大局，" * 6 + "持续开展人居环境整治，" + "落实落细各项任务，" * 20
    html = snippet(text, match_runs(text, ["党建", "人居环境"]), needles=["党建", "人居环境"])
    assert "<mark>党建</mark>" in html and "<mark>人居环境</mark>" in html
    assert "…" not in _plain(html)[:-1]  # one piece (only the trailing ellipsis)


def test_snippet_joins_far_apart_terms_with_an_ellipsis():
    text = "全镇扎实推进基层党建工作，" + "围绕中心服务大局，" * 40 + "持续开展人居环境整治，" + "落实落细各项任务，" * 20
    html = snippet(text, match_runs(text, ["党建", "人居环境"]), needles=["党建", "人居环境"])
    assert "<mark>党建</mark>" in html and "<mark>人居环境</mark>" in html
    assert "…" in _plain(html).strip("…")  # two pieces joined
    assert len(_plain(html)) <= 230


def test_snippet_of_first_match_only_when_no_needles_given():
    text = _long_report_paragraph()
    html = snippet(text, match_runs(text, ["五星支部"]))
    assert "<mark>五星支部</mark>" in html


def test_short_passage_is_shown_whole():
    text = "持续开展人居环境整治活动"
    assert snippet(text, match_runs(text, ["人居环境"]), needles=["人居环境"]) == "持续开展<mark>人居环境</mark>整治活动"


def test_engine_snippets_show_both_terms_of_an_and_query(make_index):
    para = "全镇扎实推进基层党建工作，" + "围绕中心服务大局，" * 6 + "持续开展人居环境整治，" + "落实落细各项任务，" * 20
    s = make_index({"a.txt": "甲镇2022年工作总结\n\n" + para + "\n"})
    hit = s.search("党建 人居环境").hits[0]
    assert "<mark>党建</mark>" in hit.snippet and "<mark>人居环境</mark>" in hit.snippet


# ---------------------------------------------------------------- against plain references

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = "五星支部乡村振兴“”，。、 \n\t-AIai5GＡ㎓鄉\u200b（）"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_offsets_map_each_normalized_character_to_its_source(text):
    """Each normalized character comes from the source character its offset names
    (normalizing that character alone gives it), in order, every kept character once."""
    from index.normalize import normalize, normalize_with_offsets

    norm, offsets = normalize_with_offsets(text)
    assert norm == normalize(text) and len(offsets) == len(norm)
    assert offsets == sorted(offsets)
    rebuilt = "".join(normalize(text[i]) for i in dict.fromkeys(offsets))
    assert rebuilt == norm
    assert all(normalize(c) == "" for i, c in enumerate(text) if i not in set(offsets))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.lists(st.sampled_from(["五星", "支部", "星支", "ai", "5g", "乡村振兴"]),
                                                           min_size=1, max_size=3))
def test_runs_are_the_maximal_stretches_of_marked_source_characters(text, needles):
    """match_runs against a plain reference: mark every source character of every
    match a character at a time, then read off the stretches."""
    from index.normalize import normalize_with_offsets
    from search import boundaries

    norm, offsets = normalize_with_offsets(text)
    marked = [False] * len(text)
    for needle in needles:
        for start in boundaries.find_all(norm, offsets, needle):
            for k in range(start, start + len(needle)):
                marked[offsets[k]] = True
    expected, i = [], 0
    while i < len(text):
        if marked[i]:
            j = i
            while j < len(text) and marked[j]:
                j += 1
            expected.append((i, j))
            i = j
        else:
            i += 1
    assert match_runs(text, needles) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET + "Dd2", max_size=40), st.sampled_from(["ai", "5g", "aid", "ai5", "五星ai", "g乡"]))
def test_a_count_from_the_normalized_text_alone_is_the_count_or_nothing(text, needle):
    """boundaries.count_clear (the ranking's count without the source offsets) gives
    what count gives, or None when a Latin neighbour leaves the boundary to the offsets."""
    from index.normalize import normalize
    from search import boundaries

    clear = boundaries.count_clear(normalize(text), needle)
    assert clear is None or clear == boundaries.count(text, needle)


def test_a_count_from_the_normalized_text_leaves_latin_neighbours_to_the_offsets():
    from index.normalize import normalize
    from search import boundaries

    assert boundaries.count_clear(normalize("ＧＤＰ增长，GDP总量"), "gdp") == 2
    assert boundaries.count_clear(normalize("AI技术"), "ai") == 1
    assert boundaries.count_clear(normalize("AID"), "ai") is None  # a letter after: the offsets decide (no match)
    assert boundaries.count_clear(normalize("AI-driven"), "ai") is None  # the hyphen is gone: the offsets decide (a match)
    assert boundaries.count("AID", "ai") == 0 and boundaries.count("AI-driven", "ai") == 1
    assert boundaries.count_clear(normalize("5G网络"), "5g") == 1 and boundaries.count_clear("", "5g") == 0


@pytest.mark.parametrize("text, needle, found, reads_source", [
    ("ＧＤＰ增长", "gdp", True, False),  # no Latin neighbour: the normalized text decides
    ("AI技术，AID工业", "ai", True, True),  # one occurrence touches a letter: the source decides (AI技术 holds)
    ("AID工业", "ai", False, True),
    ("AI-driven", "ai", True, True),  # the hyphen is gone from the normalized text: the source keeps the boundary
    ("编号12022", "2022", False, True),
    ("建设5G基站", "5g", True, False),
])
def test_a_match_reads_the_source_only_where_the_normalized_text_cannot_tell(text, needle, found, reads_source):
    """search.boundaries.holds, what a match of a Latin or numeric term runs on each
    passage holding it: the same answer as the rule on the source (boundaries.contains)."""
    from index.normalize import normalize
    from search import boundaries

    read = []
    assert boundaries.holds(normalize(text), lambda: read.append(1) or text, needle) is found
    assert boundaries.contains(text, needle) is found
    assert bool(read) is reads_source
