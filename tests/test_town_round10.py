"""Town text as it really comes, tenth round (issue 18): a slogan ticker above a breadcrumb, a
page's counters and phone button, a site's footer of who runs it, a speaker's unit before the
name, scenes of a session as captions, a dashed short phrase kept an item, a part of a
report named after a photo's gap, a session named by its level alone, the budget's year and
the year of a late session. Invented report text in the style of town governments; real gazetteer names."""

from __future__ import annotations

from town_text import ANALYZER, PARAGRAPH, headings

from index.reading import metadata as meta
from index.reading.chrome import MAX_CHROME_LINE, MAX_NOTICE, is_chrome, site_header
from index.reading.places import Gazetteer
from index.reading.structure import LEAD_LEVEL, parse

GAZ = Gazetteer.load()
LONG = ("会议指出，过去一年全镇上下坚持稳中求进工作总基调，统筹推进乡村振兴、基础设施建设和民生保障，"
        "各项事业取得了新进展、新成效，群众获得感不断增强。\n")


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, _, t in parse(text, ANALYZER).blocks]



# ------------------------------------------------------------------ a slogan ticker above a breadcrumb


def test_bulleted_slogans_above_a_breadcrumb_are_the_sites_header_however_long():
    slogan = "• 凝心聚力，" + "青" * 40 + "再创佳绩"
    lines = ["加载中...", "• 守正创新 实干争先", slogan, "当前位置:首页 → 人大动态", "青禾镇召开人代会",
             "4月2日，青禾镇召开第九届人民代表大会第五次会议。"]
    assert len(slogan) > 40
    assert site_header(lines) == {0, 1, 2}
    s = parse("\n".join(lines) + "\n" + PARAGRAPH, ANALYZER)
    assert s.title == "青禾镇召开人代会"
    assert slogan in s.chrome
    # a bulleted line that is a sentence, or longer than a notice, is text: no header
    assert site_header([*lines[:2], slogan + "。", *lines[3:]]) == set()
    long = "• " + "青" * (MAX_NOTICE - 2)
    assert len(long) == MAX_NOTICE
    assert site_header([*lines[:2], long, *lines[3:]]) == {0, 1, 2}
    assert site_header([*lines[:2], long + "青", *lines[3:]]) == set()
    # a long line without its bullet: no item of a menu
    assert site_header([*lines[:2], slogan[2:], *lines[3:]]) == set()


# ------------------------------------------------------------------ a page's counters and phone button


def test_a_pages_counters_posting_line_and_phone_button_are_chrome():
    for line in ("阅读 237", "浏览量 20", "点击12", "创建于2023-11-05", "发布于 2023年11月5日", "请扫码在手机上浏览",
                 "掃碼在手機上閱讀"):
        assert is_chrome(line), line
    # words with a count, a sentence, a date that is not a posting line: text
    for line in ("版权声明", "免责声明："):
        assert is_chrome(line), line
    for line in ("阅读461本书", "阅读了四篇文章", "创建于2024年的合作社", "请扫码在手机上浏览。", "手机银行开户数达到300户", "版权声明的内容"):
        assert not is_chrome(line), line
    button = "请" + "青" * (MAX_CHROME_LINE - 8) + "扫码在手机打开"
    assert len(button) == MAX_CHROME_LINE and is_chrome(button)
    assert not is_chrome("青" + button)


def test_a_sites_footer_of_who_runs_it_is_chrome():
    for line in ("主办单位:某某县人大常委会", "承办单位：某某县政务服务中心", "地址:某某县人民路8号 电话:0571-5550123"):
        assert is_chrome(line), line
    assert not is_chrome("主办单位要切实履行职责，确保活动安全有序。")


# ------------------------------------------------------------------ a speaker's unit before the name


def test_a_speakers_unit_then_name_is_a_byline_not_the_title():
    text = ("--2016年7月20日在青禾镇第九届人民代表大会第四次会议上\n青禾镇人民政府 李某某\n各位代表：\n"
            "现在，我代表镇人民政府向大会报告工作，请予审议。\n" + PARAGRAPH)
    s = parse(text, ANALYZER)
    assert s.title == ""
    assert ("byline", "青禾镇人民政府 李某某") in _kinds(text)
    # the unit and a document's name apart is a title, never a speaker
    titled = "青禾镇人民政府 工作报告\n" + PARAGRAPH + PARAGRAPH
    assert parse(titled, ANALYZER).title == "青禾镇人民政府 工作报告"
    # a name of five characters is no name
    assert ("byline", "青禾镇人民政府 李某某某某") not in _kinds(text.replace("李某某", "李某某某某"))


# ------------------------------------------------------------------ scenes of a session


def test_scenes_of_a_session_between_paragraphs_are_captions():
    scenes = ("第三次全体会议(开幕)现场", "青禾镇第二次全体会议(闭幕)现场", "青禾代表团", "东岭·西岭·驻军代表团",
              "各代表团分组审议报告", "列席人员认真听取报告", "镇人大主席作《2023年人大主席团工作报告》",
              "副镇长作关于2023年度为民办实事完成情况的报告")
    for scene in scenes:
        text = "青禾镇召开人代会\n" + PARAGRAPH + "\n" + scene + "\n\n" + LONG
        assert ("caption", scene) in _kinds(text), scene
        assert scene not in headings(text), scene
    # a sentence, a phrase after the scene's words, a line longer than a caption: no caption
    for line in ("列席人员认真听取报告。", "现场办公，解决难题", "青" * 13 + "(开幕)现场", "青禾镇(开幕式上的讲话)现场"):
        text = "青禾镇召开人代会\n" + PARAGRAPH + "\n" + line + "\n\n" + LONG
        assert ("caption", line) not in _kinds(text), line
    edge = "青" * 12 + "(开幕)现场"
    assert ("caption", edge) in _kinds("青禾镇召开人代会\n" + PARAGRAPH + "\n" + edge + "\n\n" + LONG)


# ------------------------------------------------------------------ a dashed short phrase


def test_a_dashed_short_phrase_opening_a_paragraph_is_an_item_not_a_heading():
    # ——综合实力更强。荣登…: an item of the review's list (the structure gold set reads the
    # national reports' ——就业增长超出预期。 so), unlike the dashed lead sentence ——四年来，我们…。
    para = "——综合实力更强。全县生产总值迈上新台阶，规模以上工业增加值增长百分之七，财政收入稳步增长。"
    text = "一、2022年工作回顾\n" + LONG + para + "\n" + PARAGRAPH
    assert "——综合实力更强。" not in headings(text)
    assert [path for _, path, t in parse(text, ANALYZER).blocks if t == para] == [("一、2022年工作回顾",)]
    lead = "——四年来，我们始终坚持真抓实干、久久为功，交出了一份合格答卷。" + para[9:]
    assert "——四年来，我们始终坚持真抓实干、久久为功，交出了一份合格答卷。" in headings(
        "一、过去四年工作回顾\n" + LONG + lead + "\n" + PARAGRAPH)
    assert LEAD_LEVEL == 6


# ------------------------------------------------------------------ a part of a report named after a gap


def test_a_part_of_a_report_named_after_a_photos_gap_is_a_heading():
    label = "2024年工作回顾:凝心聚力、实干争先"
    text = "青禾乡召开年度工作总结会\n" + PARAGRAPH + "\n\n\n" + label + "\n" + LONG
    assert label in headings(text)
    assert ("caption", label) not in _kinds(text)
    # a line after the gap that names no part of a report is the photo's caption
    scene = "全乡干部职工参加会议"
    assert ("caption", scene) in _kinds(text.replace(label, scene))
    # the label needs its motto after the colon
    bare = "2024年工作回顾:"
    assert bare not in headings(text.replace(label, bare))


# ------------------------------------------------------------------ a session named by its level alone


def _place(text: str, chrome: str = "") -> tuple:
    m = meta.describe("", "", text, "fallback", ANALYZER, gazetteer=GAZ, chrome=chrome)
    return m.county, m.level


def test_a_session_named_by_its_level_alone_takes_the_one_unit_of_that_level_named():
    news = "3月8日，出席县十七届人大三次会议的代表们认真审议各项报告。代表们一致认为报告实事求是、催人奋进。"
    assert _place(news, "主办单位:青阳县人大常委会") == ("青阳县", "county")
    assert _place(news) == (None, "county")  # no unit named: the level alone
    # two counties named: which one, the text does not say
    assert _place(news, "主办单位:青阳县人大常委会\n地址:仁寿县") == (None, "county")
    # a county-level city's: 市 reads both levels
    city = news.replace("县十六届", "市十六届")
    assert _place(city, "主办单位:瑞安市人大常委会") == ("瑞安市", "county")
    # a name before the level (a unit named there) or a text that speaks as a town's: not this rule
    town = news + "全镇代表积极建言献策。"
    assert _place(town, "主办单位:青阳县人大常委会") != ("青阳县", "county")


def test_a_congress_by_its_short_name_is_the_units():
    news = ("1月9日上午，仁寿县第十八届人大第四次会议在县会议中心开幕。来自全县各条战线的代表参加会议。"
            "县长向大会作政府工作报告。")
    assert _place(news) == ("仁寿县", "county")


# ------------------------------------------------------------------ the budget's year, a late session's year


def test_a_congress_news_is_of_the_year_of_the_budget_it_approves():
    news = ("4月2日至3日，青禾镇召开第九届人民代表大会第五次会议。会议听取和审议《2020年政府工作报告》"
            "《2020年人大工作报告》《青禾镇2020年财政预算执行情况及2021年财政预算(草案)报告》和"
            "《关于2020年度为民办实事完成情况的报告》。")
    assert meta.years("", news, "") == (2021, 2020)
    assert meta.years("", news.replace("2021年财政预算(草案)", "2021年财政预算"), "")[0] == 2020
    assert meta.years("", news.replace("2021年财政预算(草案)", "2021年预算草案"), "")[0] == 2021
    # not a people's congress's news: the year it names most
    meeting = news.replace("第九届人民代表大会第五次会议", "经济工作会议")
    assert meta.years("", meeting, "")[0] == 2020


def test_a_session_held_late_in_the_year_is_labelled_by_the_year_it_plans():
    # no year beside the day and no budget: the year the news names besides the one it reviews
    # (its day alone, 12月27日, says nothing of which year the session is labelled by)
    news = ("12月20日上午，青禾县第十五届人大第三次会议开幕。县长作政府工作报告，报告分为："
            "一、2015年工作回顾；二、2016年工作安排；三、政府自身建设。")
    assert meta.years("", news, "")[0] == 2016


# ------------------------------------------------------------------ a part of a report named by its year


def test_a_part_named_by_its_year_is_a_heading_though_jieba_reads_a_word_across_the_break():
    # 回顾 / 过去的一年: jieba reads 回顾过去 across the break, the label is whole all the same
    text = "青禾镇政府工作报告\n各位代表：\n现在，我代表镇人民政府向大会报告工作，请予审议。\n2013年工作回顾\n" + (
        "过去的一年，面对多重困难和挑战，全镇干部群众团结一心、攻坚克难，经济社会保持平稳发展。\n")
    assert "2013年工作回顾" in headings(text)
    assert "20XX年政府工作回顾" in headings(text.replace("2013年工作回顾", "20XX年政府工作回顾"))
    # without the year before it, or a word after the label: the junction rules
    for line in ("工作回顾", "全镇认真回顾"):
        assert line not in headings(text.replace("2013年工作回顾", line)), line


def test_opening_chairing_or_speaking_at_the_session_is_a_caption():
    for scene in ("镇党委书记王某宣布大会闭幕", "镇人大主席主持会议", "县委书记张某讲话", "镇党委书记张某致辞"):
        text = "青禾乡召开人代会\n" + PARAGRAPH + "\n" + scene + "\n" + LONG
        assert ("caption", scene) in _kinds(text), scene
    # a speech's own title (…的讲话) stays a title
    speech = "在全镇经济工作会议上的讲话\n" + LONG + PARAGRAPH
    assert parse(speech, ANALYZER).title == "在全镇经济工作会议上的讲话"
    assert ("caption", "在全镇经济工作会议上的讲话") not in _kinds("青禾乡召开人代会\n" + PARAGRAPH + "\n在全镇经济工作会议上的讲话\n" + LONG)
