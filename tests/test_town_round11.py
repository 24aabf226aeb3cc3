"""Town text as it really comes, eleventh round (issue 18): a site's list of its sub-sites, a
news platform's disclaimer, share button and comment box, a page's close button, a headline's
photo mark, a quotation opening a news item, a news item posted months after its day, and a
numbered heading whose phrases run long after a sibling heading. Invented report text in the
style of town governments."""

from __future__ import annotations

from town_text import ANALYZER, LONG, PARAGRAPH, headings

from index.reading import metadata as meta
from index.reading.chrome import MAX_NOTICE, MIN_PLACE_CELLS, clean, is_chrome
from index.reading.structure import parse

# ------------------------------------------------------------------ a site's list of its sub-sites


def test_a_line_of_sibling_places_is_a_sites_list_of_sub_sites():
    places = ["青禾镇", "白沙镇", "东湖街道", "西山乡", "南岭镇", "北塘苏木"]
    assert MIN_PLACE_CELLS == 5
    assert is_chrome("乡镇(街道)分站: " + " ".join(places[:5]))
    assert is_chrome(" ".join(places[:5]))  # no label
    assert not is_chrome(" ".join(places[:4]))  # four places may be a sentence's list
    assert not is_chrome(" ".join(places[:5]) + " 公告")  # a word that is no place
    assert not is_chrome(" ".join(places[:5]) + "。")  # a sentence
    s = parse("乡镇分站: " + " ".join(places) + "\n青禾镇召开人代会\n" + PARAGRAPH, ANALYZER)
    assert s.title == "青禾镇召开人代会"


# ------------------------------------------------------------------ a news platform's chrome


def test_a_platforms_disclaimer_its_heading_share_button_and_comment_box_are_chrome():
    disclaimer = "本文为青禾号作者或机构在本平台上传并发布，仅代表该作者或机构观点，不代表本平台的观点和立场。"
    assert is_chrome(disclaimer)
    assert not is_chrome(disclaimer + "青" * (MAX_NOTICE - len(disclaimer) + 1))  # longer than a notice
    assert is_chrome("分享至")
    assert is_chrome("还没有评论，快来抢沙发吧！")
    assert is_chrome("关闭×") and is_chrome("×")
    assert not is_chrome("关闭×号")
    text = "青禾街道召开居民议事会\n" + LONG + "特此声明\n" + disclaimer + "\n分享至\n"
    s = parse(text, ANALYZER)
    assert {"特此声明", disclaimer, "分享至"} <= set(s.chrome)
    assert "特此声明" not in headings(text)
    # the words alone, over a line of the text, are the text's
    plain = "青禾街道召开居民议事会\n" + LONG + "特此声明\n" + PARAGRAPH
    assert "特此声明" not in parse(plain, ANALYZER).chrome


# ------------------------------------------------------------------ a headline's photo mark


def test_a_headlines_photo_mark_is_cut_off_it():
    assert clean("青禾乡第九届人民代表大会第四次会议胜利召开[图]") == "青禾乡第九届人民代表大会第四次会议胜利召开"
    assert clean("青禾乡召开人代会(组图)") == "青禾乡召开人代会"
    assert clean("青禾会议[图]") == "青禾会议"
    assert clean("青禾会[图]") == "青禾会[图]"  # too short a headline before it: kept whole
    assert clean("青禾乡召开人代会。[图]") == "青禾乡召开人代会。[图]"  # a sentence
    text = ("当前位置: 首页 > 乡镇快讯\n青禾乡第九届人民代表大会第四次会议胜利召开[图]\n"
            "发布时间:2017-10-26 11:46:39 来源:本站\n" + PARAGRAPH)
    assert parse(text, ANALYZER).title == "青禾乡第九届人民代表大会第四次会议胜利召开"


# ------------------------------------------------------------------ a quotation opening a news item


def test_a_quotation_opening_a_news_item_is_not_its_title():
    quote = "“各位代表，现在开始表决青禾街道民生实事项目，请认真填写表决票……”"
    body = "12月26日上午，青禾街道召开了第一届居民议事会第四次会议，来自各行各业的议事代表参加了会议。\n"
    s = parse(quote + "\n\n" + body, ANALYZER)
    assert s.title == ""
    assert quote in [t for _, _, t in s.blocks]
    # a slogan in quotes, nothing said inside them, stays a headline
    assert parse("“奋进新征程”\n\n" + body, ANALYZER).title == "“奋进新征程”"


# ------------------------------------------------------------------ a news item posted months after its day


def test_a_news_item_posted_later_in_the_same_year_is_of_that_year_unless_its_text_names_others():
    chrome = "发布时间:2017-10-26 11:46:39 来源:本站"
    item = "3月28日，青禾乡第九届人民代表大会第四次会议胜利召开。61名乡人大代表出席了大会。"
    assert meta.news_year(item, chrome) == 2017
    assert meta.NEAR_POSTING == 1
    for named, year in ((2016, 2017), (2018, 2017), (2015, None), (2019, None)):
        assert meta.news_year(item + f"会议审议了{named}年财政预算报告。", chrome) == year
    # a day after the posting day is last year's, and then only within a month of it
    assert meta.news_year(item.replace("3月28日", "11月5日"), chrome) is None
    # a month and a day after the session, its text naming the year it reviews and the one it plans
    county = ("1月14日下午，参加青禾县第十八届人民代表大会第一次会议的代表分组讨论。报告总结了过去五年和2021年的成绩，"
              "安排部署了2022年工作任务。")
    assert meta.news_year(county, "发布日期:2022-02-15") == 2022
    assert meta.years("", county, "发布日期:2022-02-15")[0] == 2022


# ------------------------------------------------------------------ a numbered heading after its sibling


MORE = ("全年新建产业路十二公里，改造农村危房三十余户，完成人居环境整治村十个，"
        "镇村面貌焕然一新，群众满意度持续提升。\n")
AGAIN = ("全年新签约项目八个，其中亿元以上项目三个，新增规模以上工业企业两家，"
         "镇域经济总量稳步扩大，发展后劲明显增强。\n")


def test_a_numbered_line_after_its_sibling_heading_is_a_heading_though_its_phrases_run_long():
    first = "1、稳步推进特色产业提质增效，着力改善村容村貌，农村面貌明显改观。"
    second = "2、全力做好项目招引、园区建设和规模以上企业培育工作，推动镇域经济稳中有进。"
    text = "一、2024年工作回顾\n" + LONG + first + "\n" + MORE + second + "\n" + AGAIN
    assert first in headings(text) and second in headings(text)
    # the sibling alone is no heading by its shape (a phrase of more than twenty characters)
    assert second not in headings("一、2024年工作回顾\n" + LONG + second + "\n" + AGAIN)
    # …nor after a sibling that is a paragraph, nor when the numbers skip one
    plain_first = "1、稳步推进特色产业提质增效，" + MORE
    assert second not in headings("一、2024年工作回顾\n" + LONG + plain_first + second + "\n" + AGAIN)
    third = "3" + second[1:]
    assert third not in headings("一、2024年工作回顾\n" + LONG + first + "\n" + MORE + third + "\n" + AGAIN)
    # …nor when it is two sentences
    two = second.replace("，推动", "。推动")
    assert two not in headings("一、2024年工作回顾\n" + LONG + first + "\n" + MORE + two + "\n" + AGAIN)


# ------------------------------------------------------------------ a lead sentence without its full stop


def test_a_review_lead_sentence_heads_its_group_with_or_without_its_full_stop():
    lead = "一年来，我们以稳定发展为要务，推动镇域经济保持健康发展"
    under = "经济运行稳中有进。全年完成财政收入四百余万元，较上年增长两成，超额完成县政府下达的目标任务。\n"
    for line in (lead, lead + "。"):
        assert line in headings("一、2024年工作回顾\n" + LONG + line + "\n" + under + AGAIN)
    # a line cut off after a comma goes on in the next: no heading
    assert lead + "，" not in headings("一、2024年工作回顾\n" + LONG + lead + "，\n" + under + AGAIN)
    # …nor one the paragraph under it does not open with a short lead sentence of its own
    assert lead not in headings("一、2024年工作回顾\n" + LONG + lead + "\n" + AGAIN)
