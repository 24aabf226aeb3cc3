"""Town text as it really comes, thirteenth round (issue 18): a site's banner of links that
shows an item twice, a login box, a channel's disclaimer with its clauses, an empty image
mark, a QR prompt that cheers, a correspondent's credit (…特派員…/某縣報導) that opens a
news item, a headline that ends with an exclamation mark, a session's agenda as numbered
items, a numbered section written as one sentence, Taiwan years in Arabic numerals
(113年度), a 街道's council (议政会) voting its budget, a budget named for a year the report
looks back on, and the county of a town the gazetteer no longer lists, from the bodies it
answers to. Invented report text in the style of town governments; real gazetteer names."""

from __future__ import annotations

import sys
from pathlib import Path

from town_text import ANALYZER, LONG, PARAGRAPH, headings

from index.reading import metadata as meta
from index.reading.chrome import MAX_BANNER_LINE, MIN_BANNER, banner, is_chrome
from index.reading.lines import BYLINE, MAX_HEADING
from index.reading.places import Gazetteer
from index.reading.structure import (
    MAX_SEQUENCE_HEADING,
    MIN_EXCLAIMED,
    MIN_ITEMS,
    MIN_SPACED_HEADING,
    parse,
)

ROOT = Path(__file__).resolve().parent.parent
GAZ = Gazetteer.load()



def _kinds(text: str) -> dict[str, str]:
    return {t: k for k, _, t in parse(text, ANALYZER).blocks}


def _describe(text: str) -> meta.Metadata:
    s = parse(text, ANALYZER)
    body = "\n".join(t for k, _, t in s.blocks if k != "title")
    return meta.describe(s.title, s.subtitle, body, "x", ANALYZER, gazetteer=GAZ, chrome="\n".join(s.chrome))


# ------------------------------------------------------------------ a banner of links


ITEMS = ["青禾优选", "2024竹艺博览会", "慢游青禾-抽好礼", "运动青禾 动起来", "周末去青禾", "青禾首次筛"]


def test_a_run_of_short_lines_showing_an_item_again_is_a_sites_banner():
    assert MIN_BANNER == 5
    lines = ITEMS[:MIN_BANNER] + [ITEMS[2], "", "青禾乡召开座谈会。" + LONG]
    assert banner(lines) == set(range(MIN_BANNER + 1))
    # one line fewer before the repeat: a title block, not a banner
    short = ITEMS[:MIN_BANNER - 1] + [ITEMS[2], "青禾乡召开座谈会。" + LONG]
    assert banner(short) == set()
    # the run's first line again: a title written twice (a page's name, then the text's own)
    assert banner(ITEMS[:MIN_BANNER] + [ITEMS[0]]) == set()
    # the repeated line names a kind of report: the title again
    named = ["青禾乡2023年工作总结"] + ITEMS[1:MIN_BANNER] + ["青禾乡2023年工作总结"]
    assert banner(["首页"] + named) == set()
    # …wherever it stands in the run
    report = "青禾乡2023年工作总结"
    assert banner([ITEMS[0], report] + ITEMS[1:MIN_BANNER] + [report]) == set()
    assert banner([ITEMS[0], ITEMS[5]] + ITEMS[1:MIN_BANNER] + [ITEMS[5]]) == set(range(MIN_BANNER + 2))
    # chrome lines among them are not counted
    assert banner(ITEMS[:MIN_BANNER - 1] + ["首页", ITEMS[2]]) == set()
    # a line longer than a banner's ends the run
    assert MAX_BANNER_LINE == 24
    assert banner(["青" * MAX_BANNER_LINE] + ITEMS[1:MIN_BANNER] + [ITEMS[2]]) == set(range(MIN_BANNER + 1))
    assert banner(["青" * (MAX_BANNER_LINE + 1)] + ITEMS[1:MIN_BANNER] + [ITEMS[2]]) == set()
    # a sentence ends it too
    assert banner(["青禾乡召开会议。"] + ITEMS[1:MIN_BANNER] + [ITEMS[2]]) == set()


def test_a_banner_gives_no_title():
    text = "\n".join(ITEMS + [ITEMS[2], "", "青禾乡第三届人民代表大会第二次会议召开", PARAGRAPH + LONG])
    s = parse(text, ANALYZER)
    assert s.title == "青禾乡第三届人民代表大会第二次会议召开"
    assert ITEMS[0] in s.chrome


# ------------------------------------------------------------------ a login box, a disclaimer, an empty image


def test_a_login_box_is_site_words():
    for line in ("账号+密码登录", "手机+密码登录", "手机免密登录", "立即注册", "忘记密码?", "验证码登录"):
        assert is_chrome(line), line
    assert not is_chrome("手机登录办理业务更便捷")
    assert not is_chrome("群众可通过手机登录平台办理业务。")


def test_a_channels_disclaimer_and_its_clauses_are_chrome():
    assert is_chrome("青禾网青禾频道版权与免责声明 |")
    assert is_chrome("版权声明")
    assert is_chrome("1、本网所载的文/图等稿件均出于为公众传播有益资讯信息之目的,并不意味着赞同")
    assert is_chrome("2.本站转载的稿件版权归原作者所有")
    assert not is_chrome("1、本镇所载的文件均已按时公开。")
    assert not is_chrome("1、本站全年推广新品种12个")  # a station's own report (农技站): its text
    # the site's name before it: a short one
    assert is_chrome("青" * 20 + "版权与免责声明")
    assert not is_chrome("青" * 21 + "版权与免责声明")


def test_an_empty_image_mark_is_nothing_of_the_text():
    assert is_chrome("![]() |")
    assert is_chrome("![](https://example.com/a.jpg)")
    assert not is_chrome("![会议现场](a.jpg)")
    text = "![]() |\n青禾乡召开人代会。" + LONG
    assert all(not t.startswith("!") for _, _, t in parse(text, ANALYZER).blocks)


def test_a_qr_prompt_may_end_with_an_exclamation_mark():
    assert is_chrome("请扫描二维码,手机浏览!")
    assert not is_chrome("请扫描二维码,手机浏览!会议号召全乡干部群众团结一心。")


# ------------------------------------------------------------------ a correspondent's credit


def test_a_correspondents_credit_is_a_byline():
    assert BYLINE.search("青东特派員張某某/花蓮縣報導")
    assert BYLINE.search("记者 王某某 李某某")
    assert BYLINE.search("張某某/台北報導") and BYLINE.search("张某某／花莲报道")
    # the place after the slash: two to eight characters
    assert not BYLINE.search("張某某/北報導")
    assert BYLINE.search("張某某/" + "青" * 8 + "報導") and not BYLINE.search("張某某/" + "青" * 9 + "報導")


def test_under_a_credit_that_opens_the_text_the_story_begins():
    lead = "青禾鄉長某某某率公所各課室主管列席並邀請各行政機關代表與會聽取並即席答覆地方提案意見"
    text = ("青東特派員張某某/花蓮縣報導\n\n" + lead + "\n\n青禾鄉公所舉辦地方座談會。" + LONG)
    s = parse(text, ANALYZER)
    assert s.title == ""
    # without the credit the first line is taken as the headline it looks like
    assert parse(text.split("\n\n", 1)[1], ANALYZER).title == lead


def test_a_word_or_two_alone_in_a_news_item_labels_a_photo():
    assert MIN_SPACED_HEADING == 4
    top = "青東特派員張某某/花蓮縣報導\n\n青禾鄉公所舉辦地方座談會。" + LONG
    three = top + "\n場次表\n\n座談會當中，公所逐一報告各村提案執行情形。" + LONG
    assert _kinds(three)["場次表"] == "caption"
    four = three.replace("場次表", "會議流程")
    assert _kinds(four)["會議流程"] == "heading"
    # not a news item (no credit above the text): a short heading stays one
    plain = three.replace("青東特派員張某某/花蓮縣報導\n\n", "")
    assert _kinds(plain)["場次表"] == "heading"


def test_a_credit_after_the_lead_leaves_a_headline_below_it():
    text = ("青禾镇环境越来越好\n\n律回春晖，万象更新。青禾镇不忘初心\n\n某某晚报记者 王某某\n通讯员 李某某\n\n"
            "建成党群中心8个、签约项目14个…… 青禾镇“十大攻坚”结硕果\n\n实施党的建设提升攻坚\n\n"
            "坚持举旗铸魂、固本强基，基层党建工作实现整体提升\n\n" + LONG)
    assert "实施党的建设提升攻坚" in headings(text)


# ------------------------------------------------------------------ a cheering headline


def test_a_headline_ending_with_an_exclamation_mark_is_the_title():
    assert MIN_EXCLAIMED == 6
    line = "青禾乡第四届人民代表大会第一次会议顺利闭幕!"
    text = "发布日期:2022年01月19日  作者:  点击数:次\n\n" + line + "\n\n风劲帆满图新志 谋今思远开新局\n\n" + PARAGRAPH + LONG
    s = parse(text, ANALYZER)
    assert s.title == line and s.subtitle == "风劲帆满图新志 谋今思远开新局"
    # six characters before the mark are enough, five are not
    assert parse("青禾会议闭幕！\n" + LONG, ANALYZER).title == "青禾会议闭幕！"
    assert parse("青禾会闭幕！\n" + LONG, ANALYZER).title == ""
    # a salutation, a clause, or longer than a heading: no headline
    assert parse("各位代表同志们好!\n" + LONG, ANALYZER).title == ""
    assert parse("乡亲们、朋友们大家好!\n" + LONG, ANALYZER).title == ""
    assert parse("会议闭幕了，大家辛苦了!\n" + LONG, ANALYZER).title == ""
    assert parse("青" * MAX_HEADING + "!\n" + LONG, ANALYZER).title == "青" * MAX_HEADING + "!"
    assert parse("青" * (MAX_HEADING + 1) + "!\n" + LONG, ANALYZER).title == ""


# ------------------------------------------------------------------ an agenda's numbered items


AGENDA = ["1、听取乡长某某作《青禾乡人民政府工作报告》。", "2、听取副乡长某某作《关于脱贫攻坚情况的报告》",
          "3、听取副乡长某某作《关于环保工作情况的报告》。", "4、大会分团讨论:审议各项报告。"]


def test_numbered_lines_one_under_the_other_ending_sentences_are_a_list():
    assert MIN_ITEMS == 3
    text = "青禾乡人大主席团关于召开会议的汇报\n" + PARAGRAPH + "一、会议议程\n" + "\n".join(AGENDA) + "\n二、会议成效\n" + LONG
    heads = headings(text)
    assert heads == ["一、会议议程", "二、会议成效"]
    blocks = parse(text, ANALYZER).blocks
    # each item its own passage (the one left unfinished is not run into the next), none a caption
    assert ("body", ("一、会议议程",), AGENDA[1]) in blocks
    assert ("body", ("一、会议议程",), AGENDA[3]) in blocks
    # three items make a list, two do not
    three = text.replace("\n".join(AGENDA), "\n".join(AGENDA[:3]))
    assert "1、听取乡长某某作《青禾乡人民政府工作报告》。" not in headings(three)
    two = text.replace("\n".join(AGENDA), "\n".join(AGENDA[:2]))
    assert "1、听取乡长某某作《青禾乡人民政府工作报告》。" in headings(two)


def test_a_list_needs_more_than_half_its_items_ending_sentences():
    items = ["1、听取乡长某某作《政府工作报告》。", "2、听取副乡长某某作专题报告", "3、大会分组讨论各项报告",
             "4、大会表决通过各项决议。"]
    text = "青禾乡会议情况汇报\n" + PARAGRAPH + "一、会议议程\n" + "\n".join(items) + "\n二、会议成效\n" + LONG
    assert "3、大会分组讨论各项报告" in headings(text)  # two of four: half is not enough
    more = text.replace("3、大会分组讨论各项报告", "3、大会分组讨论各项报告。")
    assert "3、大会分组讨论各项报告。" not in headings(more)


def test_numbered_paragraphs_with_their_headings_run_in_are_sections_not_items():
    lines = [f"{n}.实施第{n}项行动。围绕重点领域开展攻关，每年布局{n}0项以上项目。" for n in range(1, 5)]
    text = "青禾镇行动计划\n" + PARAGRAPH + "一、重点任务\n" + "\n".join(lines) + "\n"
    blocks = parse(text, ANALYZER).blocks
    assert ("body", ("一、重点任务", "1.实施第1项行动"), lines[0]) in blocks
    # half of them with a heading run in: still sections
    half = lines[:2] + [f"{n}.各村完成道路硬化{n}公里。" for n in (3, 4)]
    blocks = parse(text.replace("\n".join(lines), "\n".join(half)), ANALYZER).blocks
    assert ("body", ("一、重点任务", "1.实施第1项行动"), lines[0]) in blocks


# ------------------------------------------------------------------ a section written as one sentence


def test_a_numbered_sentence_between_its_numbered_sibling_headings_is_one():
    two = "二、参加这次会议的乡人大代表51人,列席代表28名,合计79名。"
    text = ("青禾乡关于召开人代会的汇报\n" + PARAGRAPH + "一、会议时间\n2017年10月13日,共计1天时间。\n"
            + two + "\n三、开会地点:乡政府三楼会议室\n四、会议议程\n" + LONG)
    assert two in headings(text)
    # the sibling after it no heading (a sentence too): it stays text
    alone = text.replace("三、开会地点:乡政府三楼会议室", "三、会议在乡政府三楼会议室召开,全体代表出席。")
    assert two not in headings(alone)
    # a heading's length, at most two
    assert MAX_SEQUENCE_HEADING == 2 * MAX_HEADING
    fill = "二、参加这次会议的代表" + "青" * (MAX_SEQUENCE_HEADING - 12) + "。"
    assert len(fill) == MAX_SEQUENCE_HEADING and fill in headings(text.replace(two, fill))
    over = fill[:-1] + "青。"
    assert over not in headings(text.replace(two, over))
    # a line that goes on in the next (a comma or a colon at its end): no sentence of its own
    for cut in ("二、参加这次会议的乡人大代表51人,", "二、参加这次会议的代表如下:"):
        assert cut not in headings(text.replace(two, cut))
    # two sentences: a paragraph numbered, not a heading
    both = "二、参加会议的代表51人。列席代表28名。"
    assert both not in headings(text.replace(two, both))


def test_a_last_numbered_line_cut_inside_a_bracket_is_no_heading():
    text = ("青禾乡测评会议情况\n" + PARAGRAPH + "五、召开了测评会议\n" + LONG
            + "(4)发放测评表,作出综合评价(参加测评的市人")
    assert not any(h.startswith("(4)") for h in headings(text))
    closed = text + "大代表)"
    assert any(h.startswith("(4)") for h in headings(closed))


def test_a_numbered_line_naming_who_gives_a_report_is_no_photo_caption():
    line = "2、听取副乡长某某作《关于脱贫攻坚情况的报告》"
    assert _kinds(PARAGRAPH + line + "\n" + LONG)[line] != "caption"
    assert _kinds(PARAGRAPH + line[2:] + "\n" + LONG)[line[2:]] == "caption"


# ------------------------------------------------------------------ Taiwan years in Arabic numerals


TW = "萬榮鄉公所{}舉辦的地方基層建設座談會連續三天分別在各村召開，鄉長並向民眾逐一報告各村提案執行情形。"


def test_a_roc_year_in_arabic_numerals_in_a_traditional_text():
    assert meta.years("", TW.format("113年度"))[0] == 2024
    assert meta.years("", TW.format("113年3月"))[0] == 2024
    assert meta.years("", TW.format("119年度"))[0] == 2030
    assert meta.years("", TW.format("120年度"))[0] is None  # beyond 2030: no year of a living text
    assert meta.years("", TW.format("113年"))[0] is None  # no fiscal year, no month: a number of years
    # in a simplified text 113年度 is no year
    assert meta.years("", meta.simplified(TW.format("113年度")))[0] is None


def test_a_text_is_traditional_by_the_share_of_its_traditional_characters():
    assert meta.MIN_TRADITIONAL == 0.05 and meta.TRADITIONAL_SAMPLE == 2000
    assert meta.traditional("鄉" * 5 + "青" * 95)
    assert not meta.traditional("鄉" * 4 + "青" * 96)
    assert not meta.traditional("青" * 2000 + "鄉" * 200)  # past the sample: not looked at
    assert not meta.traditional("2024 abc")


# ------------------------------------------------------------------ a 街道's council votes its budget


def test_a_councils_session_is_of_the_year_of_the_budget_it_votes():
    news = ("会议书面审议了青禾街道2022年财政预算执行情况及2023年财政预算草案报告，书面审议2022年度民生实事完成情况报告，"
            "审议2022年度环境状况报告。会议确定三个项目为2023年度民生实事项目。街道党工委书记要求议政代表主动作为。")
    assert meta.years("", news)[0] == 2023
    # no council, no congress: the year it names most
    assert meta.years("", news.replace("议政代表", "与会人员"))[0] == 2022


def test_a_budget_of_a_year_the_report_looks_back_on_is_no_label():
    news = ("3月29日，青禾镇十六届人民代表大会第三次会议召开。会议书面审议了《关于青禾镇2014年财政预算执行情况和"
            "2015年财政预算(草案)报告》。报告总结了2015年以来的工作，全面安排部署了2016年工作任务。")
    assert meta.years("", news)[0] == 2016
    # a budget of a year after the one it looks back on labels it
    later = news.replace("2014年财政预算执行情况和2015年财政预算", "2015年财政预算执行情况和2016年财政预算")
    assert meta.years("", later)[0] == 2016
    assert meta.years("", later.replace("部署了2016年工作任务", "部署了全年工作任务"))[0] == 2016
    stale = news.replace("部署了2016年工作任务", "部署了全年工作任务")
    assert meta.years("", stale)[0] != 2015


# ------------------------------------------------------------------ places of a town no longer listed


def test_a_county_before_a_town_is_read_within_its_line():
    assert not GAZ.units("万荣乡", "township") and not GAZ.units("花莲县", "county")
    text = ("花東特派員張某某/花蓮縣報導\n\n花蓮縣萬榮鄉長某某某率公所主管列席座談會。萬榮鄉公所舉辦的座談會連續三天在各村召開。"
            + LONG.replace("全镇", "全鄉") * 2)
    info = _describe(text)
    assert info.town == "万荣乡" and info.county == "花莲县"


def test_a_town_no_longer_listed_takes_the_county_whose_bodies_it_answers_to():
    assert not GAZ.units("新春乡", "township") and GAZ.units("江油市", "county")
    text = ("经乡人大主席团研究，报经乡党委并请示江油市人大常委会同意，我乡召开了新春乡第十三届人民代表大会第三次会议，"
            "现将有关事项汇报如下：\n一、会议时间\n2017年10月13日，共计1天。\n二、会议地点\n新春乡政府三楼会议室。\n")
    info = _describe(text)
    assert info.town == "新春乡" and info.county == "江油市" and info.province == "四川省"
    # another county named too, with its bodies: which one is not said
    other = text.replace("共计1天。", "共计1天，梓潼县人民政府代表列席。")
    assert _describe(other).county is None
    # the county named only in passing, none of its bodies: not said either
    passing = text.replace("请示江油市人大常委会同意", "学习江油市经验")
    assert _describe(passing).county is None


# ------------------------------------------------------------------ the bench: completion above a town not listed


def test_bench_completes_from_truths_next_place_when_its_town_is_not_listed():
    sys.path.insert(0, str(ROOT / "bench"))
    import towns

    values = {f: None for f in towns.FIELDS}
    truth = towns.Truth("x.txt", {**values, "town": "新春乡", "county": "江油市", "province": "四川省"}, [])
    assert towns.completion(truth, GAZ)["city"] == "绵阳市"
    listed = towns.Truth("y.txt", {**values, "town": "道滘镇"}, [])
    assert towns.completion(listed, GAZ)["county"] == "东莞市"
    nothing = towns.Truth("z.txt", {**values, "town": "新春乡"}, [])
    assert towns.completion(nothing, GAZ) == {}
