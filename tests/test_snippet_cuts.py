"""Where snippets are cut (search/highlight.py): at clause ends, never inside an
enumeration of 、, and a whole clause around each of two distant terms."""

from __future__ import annotations

import re

import pytest

from search import highlight
from search.highlight import fragments, match_runs, snippet

ENDS = set(highlight.CLAUSE_ENDS)


def _inside_enumeration(text: str, p: int) -> bool:
    """Whether a cut before ``text[p]`` falls inside a clause that holds a 、."""
    if p <= 0 or p >= len(text) or text[p - 1] in ENDS:
        return False
    start = max((m.end() for m in re.finditer("[" + re.escape(highlight.CLAUSE_ENDS) + "]", text[:p])), default=0)
    end = next((p + m.start() for m in re.finditer("[" + re.escape(highlight.CLAUSE_ENDS) + "]", text[p:])), len(text))
    return highlight.ENUMERATION in text[start:end]


@pytest.mark.parametrize("items", [8, 30])
def test_never_cut_inside_an_enumeration(items):
    listing = "、".join(f"第{i}类项目" for i in range(items))
    text = "全镇围绕" + listing + "等重点领域持续发力，" + "落实落细各项任务，" * 6 + "五星支部创建成效明显，" + "、".join(
        f"第{i}村" for i in range(items)) + "均获评星级支部。" + "围绕中心服务大局，" * 10
    for needles in (["五星支部"], ["重点领域", "五星支部"]):
        for a, b in fragments(text, match_runs(text, needles), needles):
            assert not _inside_enumeration(text, a) and not _inside_enumeration(text, b), (needles, a, b)


def test_enumeration_comma_is_not_a_cut_point_but_a_comma_is():
    # the match sits in a long clause of 、 items: the piece runs to the clause's ends
    text = "围绕中心服务大局，" * 12 + "大气、水、土壤、噪声、固废、辐射、五星支部、农村环境、城市环境、工业污染综合整治全面推进，" + "落实落细各项任务，" * 12
    (a, b), = fragments(text, match_runs(text, ["五星支部"]), ["五星支部"])
    assert text[a - 1] == "，" and text[b - 1] == "，"
    assert text[a:b].startswith("大气、水") or text[a:b].index("大气、水") < text[a:b].index("五星支部")


@pytest.mark.parametrize("length, whole", [(highlight.WINDOW_MAX, True), (highlight.WINDOW_MAX + 1, False)])
def test_each_of_two_distant_terms_gets_its_whole_clause_up_to_window_max(length, whole):
    clause = "党建" + "甲" * (length - 3) + "，"  # length characters with its comma
    text = "围绕中心服务大局，" * 3 + clause + "落实落细各项任务，" * 40 + "人居环境整治持续开展，" + "围绕中心，" * 10
    pieces = fragments(text, match_runs(text, ["党建", "人居环境"]), ["党建", "人居环境"])
    assert len(pieces) == 2
    a, b = pieces[0]
    at = text.index(clause)
    if whole:
        assert (a, b) == (at, at + len(clause))  # the clause, nothing more
    else:  # cut inside the clause: not its whole
        assert a <= at < b < at + len(clause)


def _two_pieces(clause: str, before: str, after: str) -> tuple[str, list[tuple[int, int]]]:
    text = before * 3 + clause + after * 40 + "人居环境整治持续开展，" + "围绕中心，" * 10
    return text, fragments(text, match_runs(text, ["党建", "人居环境"]), ["党建", "人居环境"])


@pytest.mark.parametrize("length, grown", [(highlight.WINDOW_MIN - 1, True), (highlight.WINDOW_MIN, False)])
def test_a_short_clause_of_a_distant_term_takes_in_the_next_clauses_up_to_window_min(length, grown):
    """Two distant terms: a piece shorter than WINDOW_MIN (``抓党建，``) takes in the
    following clause whole; one of WINDOW_MIN characters stays its clause."""
    clause = "党建" + "甲" * (length - 3) + "，"
    text, pieces = _two_pieces(clause, "围绕中心服务大局，", "落实落细各项任务，")
    a, b = pieces[0]
    at = text.index(clause)
    assert a == at
    assert b == (at + length + len("落实落细各项任务，") if grown else at + length)
    # every piece of the snippet is at least WINDOW_MIN long (the second grows too)
    assert all(y - x >= highlight.WINDOW_MIN for x, y in pieces)


@pytest.mark.parametrize("neighbour, grown", [(highlight.WINDOW_MAX - 10, True), (highlight.WINDOW_MAX - 9, False)])
def test_a_short_piece_grows_only_by_whole_clauses_within_window_max(neighbour, grown):
    """A 10-character clause grows by its neighbour only when both stay within
    WINDOW_MAX; the neighbours are never cut."""
    clause = "党建" + "甲" * 7 + "，"  # 10 characters
    other = "落" * (neighbour - 1) + "，"
    text, pieces = _two_pieces(clause, other, other)
    a, b = pieces[0]
    at = text.index(clause)
    assert (a, b) == ((at, at + 10 + neighbour) if grown else (at, at + 10))


def test_two_window_snippet_shows_both_terms_with_their_clauses():
    text = "全镇扎实推进基层党建工作，" + "围绕中心服务大局，" * 40 + "持续开展人居环境整治，" + "落实落细各项任务，" * 20
    html = snippet(text, match_runs(text, ["党建", "人居环境"]), needles=["党建", "人居环境"])
    plain = html.replace("<mark>", "").replace("</mark>", "")
    assert "全镇扎实推进基层党建工作，" in plain and "持续开展人居环境整治，" in plain
