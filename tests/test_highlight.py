"""Snippets: every character escaped, matches marked, punctuation inside a match handled."""

from __future__ import annotations

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
