"""Rules made after rounds 15 and 16 (gathered blind, 2026-12-08) were scored: a posting
day written as eight digits after a title, and a newspaper's e-edition page line with a
letter after its number and its links to the pages beside it. Synthetic text only."""

from __future__ import annotations

from town_text import ANALYZER, LONG

from index.reading.chrome import is_chrome, title_day
from index.reading.structure import parse


def test_a_posting_day_of_eight_digits_is_cut_off_the_title():
    assert title_day("青禾镇2023年政府工作报告(20230113)") == ("青禾镇2023年政府工作报告", "(20230113)")
    assert title_day("青禾镇2023年政府工作报告（20231231）")[1] == "（20231231）"
    # the month 01-12 and the day 01-31 at their edges; seven or nine digits are no day
    assert title_day("青禾镇2023年政府工作报告(20230101)")[1] == "(20230101)"
    assert title_day("青禾镇2023年政府工作报告(20231201)")[1] == "(20231201)"
    assert title_day("青禾镇2023年政府工作报告(20231301)")[1] == ""
    assert title_day("青禾镇2023年政府工作报告(20230100)")[1] == ""
    assert title_day("青禾镇2023年政府工作报告(20230131)")[1] == "(20230131)"
    assert title_day("青禾镇2023年政府工作报告(20230132)")[1] == ""
    assert title_day("青禾镇2023年政府工作报告(2023011)")[1] == ""
    assert title_day("青禾镇2023年政府工作报告(202301131)")[1] == ""
    # a year 19xx or 20xx only: a document number in brackets stays
    assert title_day("青禾镇2023年政府工作报告(18230113)")[1] == ""


def test_an_e_editions_page_line_with_its_links_is_chrome():
    for line in ("第2b版:本地 上一版 下一版", "第2b版", "第A06版:金湖新闻", "第03版：要闻 下一版", "第B2版：本地新闻 上一版"):
        assert is_chrome(line), line
    # two letters, or a link to something other than a page, is no page line
    assert not is_chrome("第2ab版:本地")
    assert not is_chrome("第2b版:本地 上一版 下一版 返回")


def test_the_headline_under_an_e_editions_page_line_is_the_title():
    text = ("第2b版:本地 上一版 下一版\n上一篇 下一篇\n\n青禾镇第十四届人民代表大会第六次会议召开\n\n"
            "本报讯 昨日，青禾镇第十四届人民代表大会第六次会议召开。" + LONG)
    assert parse(text, ANALYZER).title == "青禾镇第十四届人民代表大会第六次会议召开"
