"""Town text as it really comes, seventh round (issue 18): the pages of a collection cut
into pages, a document site's slogan, a breadcrumb wrapped over two lines, a sharing
site's tip button and preview notice, a CMS's credit line. Every text here is invented
in the style of town governments and the sites that carry their reports."""

from __future__ import annotations

from datetime import date, timedelta

from index.analysis import Analyzer
from index.reading import metadata as meta
from index.reading.chrome import MAX_CELL, MAX_CHROME_LINE, is_chrome, page_title
from index.reading.structure import parse

ANALYZER = Analyzer()
BODY = "今年以来，青禾镇在县委、县政府的坚强领导下，围绕年初目标扎实推进各项工作，全镇经济社会保持平稳发展。"


def _describe(text: str):
    s = parse(text, ANALYZER)
    body = "\n".join(t for k, _, t in s.blocks if k != "title")
    return s, meta.describe(s.title, s.subtitle, body, "fallback", ANALYZER, chrome="\n".join(s.chrome))


# ------------------------------------------------------------------ a page of a collection


COLLECTION_PAGE = "\n".join([
    "乡镇2023年政府工作报告-20篇(第5/40页)",
    "二、产业发展稳中有进",
    BODY,
    "三、民生事业扎实推进",
    "全镇新建村级卫生室4所，改造农村公路12公里，各项民生实事如期完成。",
])


def test_a_page_of_a_collection_is_no_title_but_states_year_and_level():
    s, info = _describe(COLLECTION_PAGE)
    assert s.title == "" and info.title == "fallback"
    assert "乡镇2023年政府工作报告-20篇(第5/40页)" in s.chrome
    assert [t for k, _, t in s.blocks if k == "heading"] == ["二、产业发展稳中有进", "三、民生事业扎实推进"]
    assert (info.year, info.level) == (2023, "township")


def test_page_title_cuts_the_page_its_extension_and_the_count():
    assert page_title(["乡镇2023年政府工作报告-35篇(第3/65页)"]) == "乡镇2023年政府工作报告"
    assert page_title(["2022年某镇政府工作报告.docx_第1页"]) == "2022年某镇政府工作报告"
    assert page_title(["某镇工作总结(12篇)(第2/9页)"]) == "某镇工作总结"
    # a page name that names no kind of report, or a line that is no page name
    assert page_title(["第1页 / 共12页", "乡镇文章大全(第3/65页)"]) == ""
    assert page_title(["乡镇2023年政府工作报告-35篇"]) == ""


def test_a_titled_page_keeps_its_own_title_year():
    text = "乡镇2023年政府工作报告-20篇(第5/40页)\n青禾镇2022年工作总结\n" + BODY
    s, info = _describe(text)
    assert s.title == "青禾镇2022年工作总结" and info.year == 2022


# ------------------------------------------------------------------ slogans, breadcrumbs, notices


def test_a_document_sites_slogan_is_chrome():
    assert is_chrome("文似观山不喜平 — — 青山文库◆记住我,来上我~")
    assert is_chrome("青山文库 | 好文章天天看")
    # the site's name must stand as a piece of its own, on a short line without a sentence
    assert not is_chrome("青山文库记住我")
    assert not is_chrome("文似观山不喜平。青山文库◆记住我")
    slogan = "青山文库◆" + "好" * (MAX_CHROME_LINE - 5)
    assert len(slogan) == MAX_CHROME_LINE and is_chrome(slogan)
    assert not is_chrome(slogan + "好")
    # a word ending 网 or 站 is often a facility, not a site
    assert not is_chrome("供水管网 污水管网")
    assert not is_chrome("村卫生站◆文化站")


def test_a_breadcrumb_wrapped_over_two_lines():
    assert is_chrome("当前页面:首页")
    assert is_chrome("> 政府动态 > 镇街动态")
    assert not is_chrome("> 政府动态")  # one crumb after the separator
    # two crumbs, not opening with the separator: a comparison unless the separator is spaced
    # or a cell names a channel (tests/test_town_round14.py)
    assert not is_chrome("增速>全省平均")
    assert not is_chrome("> 政府动态 > " + "镇" * (MAX_CELL + 1))
    page = "当前页面:首页\n> 政府动态 > 镇街动态\n青禾镇召开第一届民主议政会第二次会议\n" + BODY
    s, _ = _describe(page)
    assert s.title == "青禾镇召开第一届民主议政会第二次会议"


def test_a_sharing_sites_buttons_and_notices():
    assert is_chrome("收藏 分享(赏)")
    assert not is_chrome("赏花")
    assert is_chrome("亲,该文档总共12页,到这儿已超出免费预览范围,如果喜欢就下载吧!")
    assert is_chrome("网络 分享 时间: 加入收藏 共计30794个字,预计阅读时长102分钟")
    assert is_chrome("Produced By 某某网络 某某发布系统")
    assert not is_chrome("产品由某某网络公司生产。")


# ------------------------------------------------------------------ a news item's year from its page


NEWS = "7月27日上午，青禾街道召开第一届民主议政会第二次会议，街道办事处主任作上半年工作报告。"


def test_a_news_items_day_takes_the_year_of_its_posting():
    assert meta.news_year(NEWS, "发布日期:2018-07-30访问次数: 信息来源: 青禾街道") == 2018
    assert meta.years("青禾街道召开民主议政会", NEWS, "发布日期:2018-07-30")[0] == 2018
    # posted in the text's own publication line (a byline), a time of day after it
    assert meta.news_year("时间:2024-12-12 10:20 来源:某某融媒\n12月11日，青禾镇召开人代会。", "") == 2024
    # after its source's name; a December item posted in January is of the year before
    assert meta.news_year("某某新闻网(通讯员 某某)12月30日，青禾镇召开人代会。", "发布时间:2025-01-02") == 2024


def test_posting_delay_edge():
    within = date(2018, 7, 27) + timedelta(days=31)
    assert within.isoformat() == "2018-08-27"
    assert meta.news_year(NEWS, "发布日期:2018-08-27") == 2018
    # later in the same year, it is that year's unless its text names a year far from it
    # (round 11, tests/test_town_round11.py); across the new year only within the delay
    assert meta.news_year(NEWS, "发布日期:2018-08-28") == 2018
    assert meta.news_year(NEWS + "会议部署了2015年的工作。", "发布日期:2018-08-28") is None  # reposted long after
    december = "12月27日上午，青禾街道召开第一届民主议政会第二次会议。"
    assert meta.news_year(december, "发布日期:2019-01-27") == 2018
    assert meta.news_year(december, "发布日期:2019-01-28") is None  # 32 days: no evidence
    assert meta.news_year(NEWS, "发布日期:2018-07-26") is None  # posted before the day it tells of
    assert meta.news_year(NEWS, "") is None
    # a day with its year, or a day inside a sentence, is no news item's opening
    assert meta.news_year("2017年7月27日，青禾街道召开会议。", "发布日期:2018-07-30") is None
    assert meta.news_year("青禾街道召开会议，7月27日结束。", "发布日期:2018-07-30") is None


def test_news_day_only_in_the_opening_lines():
    lines = ["青禾街道召开会议。"] * 3  # the day in the fourth line: not the opening
    assert meta.news_year("\n".join(lines + [NEWS]), "发布日期:2018-07-30") is None
    assert meta.news_year("\n".join(lines[1:] + [NEWS]), "发布日期:2018-07-30") == 2018


def test_source_before_the_day_length_edge():
    source = "某" * 24
    assert meta.news_year(source + "7月27日，青禾街道召开会议。", "发布日期:2018-07-30") == 2018
    assert meta.news_year(source + "某7月27日，青禾街道召开会议。", "发布日期:2018-07-30") is None


# ------------------------------------------------------------------ session lines and signatures


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, _, t in parse(text, ANALYZER).blocks]


def test_a_session_line_naming_its_report_is_a_byline():
    text = "\n".join(["2024年青禾镇人民政府工作报告", "青禾镇人民政府镇长 某某某",
                      "在青禾镇第十七届人民代表大会第五次会议上的报告", "各位代表:", BODY, "一、2023年工作回顾", BODY])
    got = _kinds(text)
    assert ("byline", "在青禾镇第十七届人民代表大会第五次会议上的报告") in got
    assert [t for k, t in got if k == "heading"] == ["一、2023年工作回顾"]
    # a speech's title is no session line: 在…会议上的讲话 stays what it is
    assert ("byline", "在全镇经济工作会议上的讲话") not in _kinds("在全镇经济工作会议上的讲话\n" + BODY)
    # the first line of a text is its title, whatever it says
    assert parse("在青禾镇第十七届人民代表大会第五次会议上的报告\n" + BODY, ANALYZER).title.startswith("在青禾镇")


def test_a_notices_signature_before_the_document_it_prints():
    text = "\n".join(["青禾镇人民政府关于印发2024年政府工作报告的通知", "各村(居)民委员会:",
                      "2024年《政府工作报告》已经镇人民代表大会审议通过，现印发给你们，请认真贯彻实施。",
                      "青禾镇人民政府", "2024年2月22日", "2024年政府工作报告", "各位代表:", BODY, "一、2023年工作回顾", BODY])
    got = _kinds(text)
    assert ("byline", "青禾镇人民政府") in got
    assert [t for k, t in got if k == "heading"] == ["一、2023年工作回顾"]
    # an issuer's name over anything but a date stays a heading candidate
    text2 = text.replace("2024年2月22日\n", "")
    assert ("byline", "青禾镇人民政府") not in _kinds(text2)


# ------------------------------------------------------------------ a review's group heading as a sentence


LEAD = "一年来，我们全力以赴稳增长，经济回升的步伐迈得更沉稳。"
UNDER = "经济总量持续增长。全镇固定资产投资同比增长20.1%，规模以上工业总产值84亿元，同比增长1.2%。"


def _review(lead: str, under: str = UNDER) -> list[tuple[str, str]]:
    return _kinds("\n".join(["青禾镇政府工作报告", "一、2023年工作回顾", BODY, lead, under]))


def test_a_review_sentence_over_a_lead_sentence_is_a_heading():
    assert ("heading", LEAD) in _review(LEAD)
    assert ("heading", "四年来，我们坚持优化升级，转型发展实现新跨越。") in _review("四年来，我们坚持优化升级，转型发展实现新跨越。")
    # the paragraph under it must open with a short lead sentence of its own
    assert ("heading", LEAD) not in _review(LEAD, "全镇固定资产投资同比增长20.1%，规模以上工业总产值84亿元。")
    # one introducing a list, one of more parts, one without its full stop (a sentence going on)
    assert ("heading", "一年来，我们主要做了以下工作，成效明显。") not in _review("一年来，我们主要做了以下工作，成效明显。")
    many = "一年来，我们稳增长，促改革，惠民生。"
    assert ("heading", many) not in _review(many)
    assert ("heading", LEAD[:-1]) not in _review(LEAD[:-1] + "，")


def test_lead_sentence_length_and_opening_edges():
    # a heading's length (MAX_HEADING) and its full stop at most
    lead = "一年来，我们全力以赴稳增长，" + "经" * (40 - 14) + "。"
    assert len(lead) == 41 and ("heading", lead) in _review(lead)
    longer = lead[:-1] + "经。"
    assert ("heading", longer) not in _review(longer)
    # the lead sentence under it: 4 to 14 characters before its full stop
    assert ("heading", LEAD) in _review(LEAD, "经济总量持续增长增长增长增长。" + UNDER)
    assert ("heading", LEAD) not in _review(LEAD, "经济总量持续增长增长增长增长长。" + UNDER)
    assert ("heading", LEAD) not in _review(LEAD, "经济增。" + UNDER)
    assert ("heading", LEAD) in _review(LEAD, "经济增长。" + UNDER)
    # what opens it: a span of time, then 我们
    assert ("heading", "今年以来，我们全力以赴稳增长，经济回升。") not in _review("今年以来，我们全力以赴稳增长，经济回升。")


# ------------------------------------------------------------------ a collection's page, a page's notice


def test_a_collection_mark_naming_the_collection_again_is_chrome():
    text = "\n".join(["网站首页 个人文档 工作总结 述职报告", "乡镇上半年宣传工作总结(精选多篇)",
                      "第一篇:乡镇上半年宣传工作总结", "乡镇上半年宣传工作总结(精选多篇)",
                      "镇xx年上半年宣传工作总结", "一、上半年工作回顾", BODY])
    s, info = _describe(text)
    assert s.title == "镇xx年上半年宣传工作总结"
    assert info.level == "township"  # a town left unnamed, its year blanked (镇xx年…)
    # a mark before a title of its own keeps that title
    other = text.replace("第一篇:乡镇上半年宣传工作总结\n乡镇上半年宣传工作总结(精选多篇)\n", "第一篇:青禾镇上半年宣传工作总结\n")
    assert parse(other, ANALYZER).title == "青禾镇上半年宣传工作总结"
    assert is_chrome("乡镇工作总结(多篇)") and is_chrome("鄉鎮工作總結(精選多篇)")
    assert not is_chrome("乡镇工作总结(多篇文章)")


def test_a_pages_reading_notice_is_chrome():
    line = "内容发布更新时间 : 2024/11/17 5:48:13星期一 下面是文章的全部内容请认真阅读。"
    assert is_chrome(line)
    s, _ = _describe("\n".join([line, "政府工作报告", "2012年1月4日在某某乡第八届人民代表大会第五次会议上", "各位代表:", BODY]))
    assert s.title == "政府工作报告"


def test_a_posting_time_alone_dates_a_news_item():
    text = "某某新闻网讯(记者 某某)1月16日，青禾街道召开第一届议政会第六次会议。会议听取了2020年工作报告。"
    assert meta.news_year(text, "2021年01月18日 12:44:23来源:某某新闻网") == 2021
    # a date without its time of day and without a key is no posting date
    assert meta.news_year(text, "2021年01月18日来源:某某新闻网") is None


def test_a_towns_reviewed_year_named_after_the_town():
    text = "5月10日上午，青禾镇召开人代会。会议回顾总结了青禾镇2019年工作所取得的成绩，并提出2020年重点工作任务。"
    assert meta.years("", text) == (2020, 2019)
    # the town's name between 总结了 and the year: six characters before 镇 at most
    assert meta.years("", text.replace("青禾镇2019年", "青禾青禾青禾镇2019年")) == (2020, 2019)
    longer = text.replace("青禾镇2019年", "青禾青禾青禾青镇2019年")
    assert meta.years("", longer)[0] == 2019


def test_site_brand_length_edge():
    assert is_chrome("青山青山青山文库◆好文章天天看")  # six characters before 文库
    assert not is_chrome("青山青山青山青文库◆好文章天天看")
    assert not is_chrome("山文库◆好文章天天看")  # one
