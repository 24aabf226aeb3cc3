"""Town text as it really comes, fourteenth round (issue 18): a channel's breadcrumb and its
column names above a page's title, an index number whose key was cut off or wrapped away, the
day a site posted a page in brackets after its title, credit lines under a page's text
(責編, 编辑 某某, 来源 …) in any script, and a share widget's prompts. Invented report text in
the style of town governments; real gazetteer names."""

from __future__ import annotations

from town_text import ANALYZER, LONG, PARAGRAPH, headings

from index.reading import metadata as meta
from index.reading.chrome import (
    MAX_CELL,
    MAX_CHROME_LINE,
    MAX_KEY_PIECE,
    MAX_LINK,
    MAX_TITLE,
    MIN_TITLE_BEFORE_SITE,
    channel_names,
    is_chrome,
    key_values,
    related_links,
    title_day,
)
from index.reading.lines import CREDITS
from index.reading.places import Gazetteer
from index.reading.structure import parse

GAZ = Gazetteer.load()
END = "新的一年，全镇将继续加大项目建设力度，持续改善群众生产生活条件，推动各项事业再上新台阶。\n"
REVIEW = "一、经济发展\n" + LONG + "二、社会事业\n" + PARAGRAPH


def _describe(text: str):
    s = parse(text, ANALYZER)
    body = "\n".join(t for k, _, t in s.blocks if k != "title")
    return s, meta.describe(s.title, s.subtitle, body, "x", ANALYZER, gazetteer=GAZ, chrome="\n".join(s.chrome))


def _kinds(text: str) -> dict[str, str]:
    return {t: k for k, _, t in parse(text, ANALYZER).blocks}


# ------------------------------------------------------------------ a channel's breadcrumb and names


def test_two_crumbs_are_a_breadcrumb_when_spaced_or_naming_a_channel():
    assert is_chrome("宜昌频道 > 伍家乡热点")
    assert is_chrome("宜昌频道>伍家乡热点")  # unspaced, though a cell names a channel
    assert is_chrome("政务公开 > 乡镇信息")  # spaced, no channel named
    assert not is_chrome("增速>全省平均")  # unspaced, no channel: a comparison
    # a cell longer than a crumb's is no breadcrumb
    assert MAX_CELL == 12
    assert is_chrome("宜昌频道 > " + "伍" * (MAX_CELL - 2) + "热点")
    assert not is_chrome("宜昌频道 > " + "伍" * (MAX_CELL - 1) + "热点")


def test_a_channels_breadcrumb_is_no_title():
    text = "宜昌频道 > 伍家乡热点\n伍家乡召开2023年工作总结会\n" + PARAGRAPH + LONG
    s, m = _describe(text)
    assert s.title == "伍家乡召开2023年工作总结会"
    assert "宜昌频道 > 伍家乡热点" in s.chrome
    assert m.town == "伍家乡"


def test_a_columns_name_above_the_title_is_chrome_in_any_script():
    lines = ["市內資訊", "", "青禾鎮2022年工作總結", LONG.strip()]
    assert channel_names(lines) == {0}
    s, m = _describe("\n".join(lines))
    assert s.title == "青禾鎮2022年工作總結" and m.year == 2022
    # a few words before the channel's word at most
    assert channel_names(["青禾镇乡村新闻", "青禾镇2022年工作总结"]) == {0}
    assert channel_names(["青禾镇乡村振兴新闻", "青禾镇2022年工作总结"]) == set()
    # below the text's first sentence such a line is the text's own (a heading may be so named)
    assert channel_names(["青禾镇2022年工作总结", LONG.strip(), "乡镇动态"]) == set()
    # …or below a long line
    assert channel_names(["青" * (MAX_TITLE + 1), "乡镇动态"]) == set()
    assert channel_names(["青" * MAX_TITLE, "乡镇动态"]) == {1}


# ------------------------------------------------------------------ an index number without its key


def test_an_index_number_whose_key_was_cut_off_is_chrome():
    assert is_chrome("号: cxs039-/2023-0407001")
    assert is_chrome("cxs039-/2023-0407001")
    assert is_chrome("11410182MB1C/2021-00082 主题分类: 综合政务")
    # a serial of three digits or more: a number of two is no index number's
    assert not is_chrome("号: cxs039-/2023-04")
    assert not is_chrome("cxs039-/2023-04 青禾镇")
    # a sentence is the text's
    assert not is_chrome("号: cxs039-/2023-0407001 公开。")


def test_an_index_number_run_into_the_title_leaves_the_title():
    text = "号: cxs039-/2023-0407001 青禾镇2022年工作总结\n" + LONG + REVIEW
    s, m = _describe(text)
    assert s.title == "青禾镇2022年工作总结"
    assert m.year == 2022


def test_a_key_wrapped_over_two_lines_is_chrome_with_its_value():
    assert MAX_KEY_PIECE == 4
    lines = ["索 引", "号: cxs039-/2023-0407001", "青禾镇2022年工作总结"]
    assert key_values(lines) == {0, 1}
    assert key_values(["发布", "机构: 青禾镇人民政府", "青禾镇2022年工作总结"]) == {0, 1}
    # a piece longer than a key's first part is a line of its own
    assert key_values(["国内统一", "刊号: CN41-0001"]) == {0, 1}
    assert key_values(["国内统一刊", "号: CN41-0001"]) == set()
    s, _ = _describe("索 引\n号: cxs039-/2023-0407001\n青禾镇2022年工作总结\n" + LONG + REVIEW)
    assert s.title == "青禾镇2022年工作总结"


# ------------------------------------------------------------------ the posting day after a title


def test_the_day_in_brackets_after_a_title_is_cut_off_it():
    assert title_day("青禾镇2022年工作总结（2023-04-07）") == ("青禾镇2022年工作总结", "（2023-04-07）")
    assert title_day("青禾镇政府工作报告 [2021-03-02]") == ("青禾镇政府工作报告", "[2021-03-02]")
    assert title_day("青禾镇政府工作报告【2021年3月2日】") == ("青禾镇政府工作报告", "【2021年3月2日】")
    # a date alone in brackets is a session's date line
    assert title_day("（2024年1月23日）") == ("（2024年1月23日）", "")
    # a name of MIN_TITLE_BEFORE_SITE characters at least, MAX_TITLE at most, before it
    assert MIN_TITLE_BEFORE_SITE == 4
    assert title_day("青禾总结(2021-03-02)")[1] == "(2021-03-02)"
    assert title_day("青禾结(2021-03-02)")[1] == ""
    assert title_day("青" * MAX_TITLE + "(2021-03-02)")[1] == "(2021-03-02)"
    assert title_day("青" * (MAX_TITLE + 1) + "(2021-03-02)")[1] == ""
    # a sentence, or a key and its value, keeps its date
    assert title_day("会议于今日召开。（2021-03-02）")[1] == ""
    assert title_day("发布日期：（2021-03-02）")[1] == ""
    # a month alone is no posting day
    assert title_day("青禾镇政府工作报告（2021年3月）")[1] == ""


def test_a_titles_posting_day_is_chrome_and_dates_a_news_item():
    text = "青禾镇召开人大会议 [2021-03-02]\n3月1日，青禾镇第十八届人民代表大会第五次会议召开。" + LONG
    s, m = _describe(text)
    assert s.title == "青禾镇召开人大会议"
    assert "[2021-03-02]" in s.chrome
    assert m.year == 2021  # the news item's day (3月1日) a day before the page was posted
    # a posting day is no label by itself: a report naming no year has none
    s, m = _describe("青禾镇政府工作报告 [2021-03-02]\n" + LONG + REVIEW)
    assert s.title == "青禾镇政府工作报告" and m.year is None


# ------------------------------------------------------------------ credits under a page's text


def test_credit_lines_in_either_script():
    for line in ("責編：王小明", "责编：王小明", "编辑 张三", "审核 李四", "来源 青禾镇人民政府", "（责编：王小明）",
                 "【责任编辑：李四】", "編輯：張三", "文字：张三 图片：李四", "初审：王五 复审：赵六 终审：钱七",
                 "编辑：张三 | 审核：李四", "文：张三 图：李四"):
        assert CREDITS.match(meta.simplified(line)), line
    # 图： alone is a photo's caption; a role of one character needs its colon
    assert not CREDITS.match("图：青禾镇全景")
    assert not CREDITS.match("文 张三")
    # a name of 20 characters at most; a sentence is no credit
    assert CREDITS.match("来源：" + "青" * 20)
    assert not CREDITS.match("来源：" + "青" * 21)
    assert not CREDITS.match("来源：青禾镇，人民政府")


def test_credit_lines_are_bylines_never_headings():
    text = ("青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "責編：王小明\n"
            "二、社会事业\n" + END + "\n编辑 张三\n审核 李四\n来源 青禾镇政府\n")
    kinds = _kinds(text)
    assert kinds["責編：王小明"] == "byline"
    assert kinds["编辑 张三"] == kinds["审核 李四"] == kinds["来源 青禾镇政府"] == "byline"
    assert headings(text) == ["一、经济发展", "二、社会事业"]


# ------------------------------------------------------------------ a share widget


def test_a_share_widgets_prompts_are_chrome():
    for line in ("微信扫一扫 分享到朋友圈", "用微信扫描二维码", "打开微信“扫一扫”即可将网页分享至朋友圈",
                 "打开微信，点击底部的“发现”，", "使用“扫一扫”即可将网页分享至朋友圈。", "分享到微信朋友圈"):
        assert is_chrome(line), line
    # a report's sentences about WeChat are its own
    assert not is_chrome("群众用微信扫码即可缴纳医保费用。")
    assert not is_chrome("开通微信公众号，推送惠民政策。")
    # a share prompt is short
    assert MAX_CHROME_LINE == 40
    prompt = "微信扫一扫分享到朋友圈"
    assert is_chrome(prompt + "青" * (MAX_CHROME_LINE - len(prompt)))
    assert not is_chrome(prompt + "青" * (MAX_CHROME_LINE - len(prompt) + 1))


def test_a_share_widget_under_the_text_gives_no_heading():
    text = ("青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "微信扫一扫 分享到朋友圈\n用微信扫描二维码\n"
            "二、社会事业\n" + END)
    assert headings(text) == ["一、经济发展", "二、社会事业"]


def test_credits_written_with_slashes():
    assert CREDITS.match("文/张三 图/李四")
    assert CREDITS.match("摄影／王五")
    assert not CREDITS.match("文/张三 青禾镇全景")  # the second piece names no role
    text = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "文/张三 图/李四\n二、社会事业\n" + END
    assert _kinds(text)["文/张三 图/李四"] == "byline"


# ------------------------------------------------------------------ lines that head nothing


def test_a_photos_caption_opening_with_tuwei_is_a_caption_without_a_gap():
    text = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "图为青禾镇新建的文化广场\n二、社会事业\n" + END
    assert _kinds(text)["图为青禾镇新建的文化广场"] == "caption"
    assert _kinds(text.replace("图为", "上图："))["上图：青禾镇新建的文化广场"] == "caption"
    assert headings(text) == ["一、经济发展", "二、社会事业"]
    # 图表, 图书馆 … open no caption
    assert _kinds(text.replace("图为青禾镇新建的文化广场", "图书馆建设"))["图书馆建设"] == "heading"


def test_a_line_saying_what_follows_heads_nothing():
    text = "青禾镇2022年工作总结\n" + LONG + "现将有关情况报告如下\n一、经济发展\n" + PARAGRAPH + "二、社会事业\n" + END
    assert _kinds(text)["现将有关情况报告如下"] == "body"
    assert _kinds(text.replace("现将有关情况报告如下\n一、", "一、现将情况报告如下\n（一）"))["一、现将情况报告如下"] == "heading"
    assert headings(text) == ["一、经济发展", "二、社会事业"]
    # a note after its key is no heading; an attachment's name heads its text
    note = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "{}\n二、社会事业\n" + END
    assert _kinds(note.format("备注：数据截至年底"))["备注：数据截至年底"] == "body"
    assert _kinds(note.format("附件：1.重点项目清单"))["附件：1.重点项目清单"] == "heading"


def test_a_list_of_links_under_its_head_is_chrome():
    lines = ["一、经济发展", LONG.strip(), "相关文章：", "· 青禾镇召开2023年经济工作会议", "", "· 青禾镇开展安全检查 2023-04-07"]
    assert related_links(lines) == {2, 3, 5}
    # a link as long as MAX_LINK at most; a sentence ends the list
    assert MAX_LINK == 60
    assert related_links(["推荐阅读", "青" * MAX_LINK, "青" * (MAX_LINK + 1), "青禾"]) == {0, 1}
    assert related_links(["【相关链接】", "青禾镇召开会议。", "青禾镇开展检查"]) == {0}
    text = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "相关链接\n青禾镇2021年工作总结\n青禾镇2020年工作总结\n"
    assert headings(text) == ["一、经济发展"]


# ------------------------------------------------------------------ the year: title over a date alone


def test_a_date_alone_under_a_title_gives_way_to_the_titles_year():
    text = "2023.04.07\n2022年，全镇完成投资3亿元。2023年，全镇将新建道路。\n"
    assert meta.years("青禾镇2022年工作总结", text)[0] == 2022
    # without a year in the title the date line labels the text
    assert meta.years("青禾镇工作总结", text)[0] == 2023
    # beside a meeting it is the session's date, which labels the report over its title's year
    session = "——在青禾镇第十八届人民代表大会第三次会议上\n（2023年1月5日）\n2022年，全镇完成投资3亿元。\n"
    assert meta.years("青禾镇2022年政府工作报告", session) == (2023, 2022)


def test_the_date_that_signs_a_short_text_is_no_opening():
    body = "全镇完成投资3亿元。\n青禾镇人民政府\n2023年1月5日 青禾镇召开大会"
    assert len(body) < meta.SESSION_CHARS
    # the title's year, not the day it was signed (a session line by its words: 召开)
    assert meta.years("青禾镇2022年工作总结", body)[0] == 2022
    # a session line that opens the short text is its date
    assert meta.years("青禾镇2022年工作总结", "2023年1月5日 青禾镇召开大会\n" + body)[0] == 2023


# ------------------------------------------------------------------ more of a page's opening


def test_breadcrumbs_parted_by_arrows_or_slashes():
    assert is_chrome("首页→政务公开→乡镇动态")
    assert is_chrome("首页 › 新闻中心 › 乡镇动态")
    assert is_chrome("首页 / 新闻中心 / 乡镇动态")
    assert is_chrome("首页/新闻中心/乡镇动态")
    # two cells parted by a slash, or cells of digits, are no breadcrumb: a date, a ratio
    assert not is_chrome("首页/新闻中心")
    assert not is_chrome("2023/04/07")
    text = "首页 / 新闻中心 / 乡镇动态\n青禾镇召开2023年经济工作会议\n" + PARAGRAPH + LONG
    assert parse(text, ANALYZER).title == "青禾镇召开2023年经济工作会议"


def test_a_government_sites_full_name_is_chrome():
    assert is_chrome("青禾镇人民政府门户网站")
    assert is_chrome("青禾县人民政府网")
    assert not is_chrome("青禾县人民政府")  # a body's name, which may head a document
    assert not is_chrome("推进政府网站集约化建设")
    text = "青禾镇人民政府门户网站\n【乡镇动态】\n青禾镇召开2023年经济工作会议\n" + PARAGRAPH + LONG
    s = parse(text, ANALYZER)
    assert s.title == "青禾镇召开2023年经济工作会议"
    assert "【乡镇动态】" in s.chrome


def test_a_units_name_after_a_title_is_the_sites():
    s = parse("青禾镇2022年工作总结_青禾镇人民政府\n" + LONG + REVIEW, ANALYZER)
    assert s.title == "青禾镇2022年工作总结"


def test_a_day_before_a_pages_source_is_chrome():
    assert is_chrome("2023-04-07 来源：青禾镇")
    assert is_chrome("2023年04月07日 来源:青禾镇人民政府")
    assert not is_chrome("2023-04-07 青禾镇召开大会")  # no publication key after the day
    text = "青禾镇召开2023年经济工作会议\n2023-04-07 来源：青禾镇\n" + PARAGRAPH + LONG
    s = parse(text, ANALYZER)
    assert "2023-04-07 来源：青禾镇" in s.chrome
    assert [t for k, _, t in s.blocks if k == "body"][0] == PARAGRAPH.strip()  # not joined to the text


def test_a_meetings_chair_a_tables_head_and_a_printing_line_head_nothing():
    text = "青禾镇召开2023年经济工作会议\n" + PARAGRAPH + "会议由镇党委副书记张三主持\n" + LONG + END
    assert headings(text) == []
    text = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "序号 项目名称 建设内容\n二、社会事业\n" + END
    assert headings(text) == ["一、经济发展", "二、社会事业"]
    text = "青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "青禾镇党政办公室 2023年4月7日印发\n" + END
    assert _kinds(text)["青禾镇党政办公室 2023年4月7日印发"] == "byline"
    # a numbered line is the text's own: it may head a section
    assert headings("青禾镇2022年工作总结\n" + LONG + "一、经济发展\n" + PARAGRAPH + "二、镇长主持会议\n" + END) == [
        "一、经济发展", "二、镇长主持会议"]


def test_a_pages_buttons_and_a_news_sites_source_keys_are_chrome():
    for line in ("附件下载：", "【我要纠错】", "收藏本页", "返回列表", "查看更多>>", "用手机扫描二维码", "视频 图片",
                 "点击量：123", "本文来源：青禾镇", "（稿件来源：青禾镇人民政府）", "原标题：青禾镇召开会议"):
        assert is_chrome(line), line
    assert not is_chrome("本文来源于群众的呼声")  # a key needs its colon
    # the posting day after a title may name its key
    assert title_day("青禾镇2022年工作总结（发布时间：2023-04-07）") == ("青禾镇2022年工作总结", "（发布时间：2023-04-07）")
    assert title_day("青禾镇2022年工作总结（来源：2023-04-07）")[1] == ""


# ------------------------------------------------------------------ a list numbered on across chapters


def _rules(after_chapter: str) -> str:
    return ("青禾县人民政府工作规则\n第一章 总则\n"
            "一、为规范县政府工作，根据有关法律法规，结合本县实际，制定本规则。\n"
            "二、县政府工作坚持以人民为中心，依法全面履行政府职能，建设人民满意的政府。\n"
            "三、县政府工作人员要坚持依法行政，严格遵守纪律，自觉接受各方面监督。\n"
            "第二章 组成人员和职能\n"
            "四、县政府由县长、副县长和各工作部门主要负责人组成，依法履行职责。\n"
            + after_chapter + "县政府实行县长负责制。县长主持县政府全面工作，副县长协助县长工作。\n")


def test_a_list_numbered_on_across_a_chapter_heading_is_one_list():
    text = _rules("五、")
    assert headings(text) == ["第一章 总则", "第二章 组成人员和职能"]
    # numbers that start again under the chapter are a list of the chapter's own: its short
    # first sentence heads its paragraph
    again = _rules("一、").replace("四、县政府由", "县政府由")
    assert "一、县政府实行县长负责制" in headings(again)


# ------------------------------------------------------------------ a news item's sentences without their stops


NEWS = "青禾镇召开第十八届人民代表大会第三次会议\n" + PARAGRAPH + "{}\n" + LONG + END


def test_a_news_items_sentence_without_its_stop_heads_nothing():
    for line in ("会议审议通过了政府工作报告", "全镇共有23名人大代表参加会议", "“我们要把好事办好”", "会议号召", "据了解"):
        assert headings(NEWS.format(line)) == [], line
    # 为了, 除了 and 了解 are no verb done; a heading may hold them
    for line in ("为了群众的美好生活", "深入了解群众需求"):
        assert headings(NEWS.format(line)) == [line], line
    # a numbered line is the text's own
    assert headings(NEWS.format("一、全年完成了各项任务")) == ["一、全年完成了各项任务"]
    # a headline above the text may tell what was done
    s = parse("青禾镇圆满完成了换届选举工作\n" + PARAGRAPH + LONG, ANALYZER)
    assert s.title == "青禾镇圆满完成了换届选举工作"


# ------------------------------------------------------------------ a title and the page's words around it


def test_a_sites_name_before_or_after_a_reports_title_is_cut_off():
    for line in ("青禾县人民政府-青禾镇2022年工作总结", "青禾镇人民政府门户网站 | 青禾镇2022年工作总结",
                 "青禾镇2022年工作总结 - 青禾镇人民政府"):
        assert parse(line + "\n" + LONG + REVIEW, ANALYZER).title == "青禾镇2022年工作总结", line
    # what follows must name a report: a page's name of something else keeps its words
    assert parse("青禾县人民政府-青禾镇召开会议\n" + LONG + REVIEW, ANALYZER).title == "青禾县人民政府-青禾镇召开会议"


def test_a_day_after_a_reports_name_and_a_space_is_its_posting_day():
    assert title_day("青禾镇2022年工作总结 2023/04/07") == ("青禾镇2022年工作总结", "2023/04/07")
    assert title_day("青禾镇2022年工作总结 2023年04月07日") == ("青禾镇2022年工作总结", "2023年04月07日")
    # no report named before it: a signature and its date stay one line
    assert title_day("青禾镇人民政府 2023年1月5日")[1] == ""
    assert title_day("青禾镇2022年工作总结2023年04月07日")[1] == ""  # no space before it


def test_a_place_above_what_it_reports_is_one_title():
    s = parse("青禾镇\n2022年工作总结\n" + LONG + REVIEW, ANALYZER)
    assert s.title == "青禾镇2022年工作总结" and s.subtitle == ""
    # a second line naming a place of its own is a title by itself under the page's place
    s = parse("青禾县\n青禾镇2022年工作总结\n" + LONG + REVIEW, ANALYZER)
    assert s.title != "青禾县青禾镇2022年工作总结"
    # …and one naming no kind of document is no title's second half
    assert parse("青禾镇\n经济发展稳中向好\n" + LONG + REVIEW, ANALYZER).title != "青禾镇经济发展稳中向好"
