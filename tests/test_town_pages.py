"""Town text as it really comes, third round (issue 18): a sharing site's blurb and the
page above it, site footers and contact boxes, news photos numbered into their captions,
a title wrapped before its document's name, a one-line text whose title follows a site's
words, numbered headings run straight into their first sentence, a text cut right after
a heading. Every text here is invented in the style of town governments."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.chrome import BLURB_REACH, MAX_NOTICE, MAX_TITLE, blurb_page, is_chrome
from index.reading.lines import MAX_INLINE_HEADING, inline_heading
from index.reading.structure import MAX_PREAMBLE, MAX_TITLE_TAIL, MIN_RUN_TOGETHER, parse

ANALYZER = Analyzer()
BODY = "今年以来，青禾镇在县委、县政府的坚强领导下，围绕年初目标扎实推进各项工作，全镇经济社会保持平稳发展。"


def _parse(text: str):
    s = parse(text, ANALYZER)
    return s, [(k, " > ".join(sec), t) for k, sec, t in s.blocks]


def _headings(blocks) -> list[str]:
    return [t for k, _, t in blocks if k == "heading"]


# ------------------------------------------------------------------ blurb of a sharing site


BLURB = "以下是小编为您整理的青禾镇工作总结范文，欢迎阅读！"


def test_a_blurb_puts_the_page_above_it_out_when_the_texts_title_follows():
    lines = ["青禾镇2021年工作总结范文精选", "【概述】", BLURB, "【正文】", "青禾镇2021年工作总结", BODY]
    assert blurb_page(lines) == {0, 1}
    s, _ = _parse("\n".join(lines))
    assert s.title == "青禾镇2021年工作总结"
    assert BLURB in s.chrome and "青禾镇2021年工作总结范文精选" in s.chrome


def test_blurb_reach_edge():
    assert BLURB_REACH == 2
    near = ["某网页标题", BLURB, "导读第一句很长但没有结束，", "青禾镇2021年工作总结", BODY]
    assert blurb_page(near) == {0}
    far = ["某网页标题", BLURB, "导读第一句很长但没有结束，", "导读第二句也没有结束，", "青禾镇2021年工作总结", BODY]
    assert blurb_page(far) == set()


def test_a_blurb_with_the_text_right_after_it_keeps_the_title_above():
    lines = ["青禾镇2021年工作总结", BLURB, BODY]
    assert blurb_page(lines) == set()
    assert _parse("\n".join(lines))[0].title == "青禾镇2021年工作总结"


def test_title_after_blurb_length_edge():
    assert MAX_TITLE == 40
    assert blurb_page(["页面", BLURB, "镇" * MAX_TITLE, BODY]) == {0}
    assert blurb_page(["页面", BLURB, "镇" * (MAX_TITLE + 1), BODY]) == set()


# ------------------------------------------------------------------ footers and contact boxes


def test_site_footer_length_edge():
    footer = "豫ICP备12345678号 版权所有：青禾镇人民政府 地址：青禾路1号"
    assert is_chrome(footer)
    assert is_chrome("技术支持：某某网络公司")
    assert is_chrome("版權所有：青禾鎮人民政府")  # either script
    padded = footer + "，" + "镇" * (MAX_NOTICE - len(footer) - 1)
    assert len(padded) == MAX_NOTICE and is_chrome(padded)
    assert not is_chrome(padded + "镇")


def test_a_contact_box_is_chrome_but_a_contact_line_is_content():
    assert is_chrome("洽談電話")
    assert is_chrome("400-6060-805")
    assert not is_chrome("4006060805")  # a number without its dashes: a figure, not a telephone
    assert is_chrome("联系电话")
    assert not is_chrome("联系电话:0371-2399936")  # a notice's contact line is content
    assert not is_chrome("首页 2023")  # digits are no separator of site words


# ------------------------------------------------------------------ photo captions


def test_a_photo_numbered_into_its_caption_is_a_caption():
    text = f"洽谈电话\n圖 1會場全景\n{BODY}\n圖 2青禾鎮鎮長作政府工作報告\n{BODY}\n图12会议现场\n{BODY}\n图123会议现场\n{BODY}"
    s, blocks = _parse(text)
    captions = [t for k, _, t in blocks if k == "caption"]
    assert captions == ["圖 1會場全景", "圖 2青禾鎮鎮長作政府工作報告", "图12会议现场"]
    assert s.title == ""


# ------------------------------------------------------------------ a title wrapped before its document's name


def test_a_title_wrapped_before_its_documents_name_is_one_line():
    s, blocks = _parse(f"2022年上半年青禾街道重点工作\n督查报告\n{BODY}\n一、总体情况\n{BODY}")
    assert s.title == "2022年上半年青禾街道重点工作督查报告"
    assert _headings(blocks) == ["一、总体情况"]


def test_title_tail_length_edge():
    assert MAX_TITLE_TAIL == 6
    assert _parse(f"2022年上半年青禾街道重点工作\n专项督查报告\n{BODY}")[0].title == "2022年上半年青禾街道重点工作专项督查报告"
    longer = _parse(f"2022年上半年青禾街道重点工作\n专项督查的报告\n{BODY}")[0]
    assert longer.title == "2022年上半年青禾街道重点工作"
    # a first line that names its document already keeps the line under it apart
    named = _parse(f"青禾镇2022年工作报告\n述职报告\n{BODY}")[0]
    assert named.title == "青禾镇2022年工作报告"


# ------------------------------------------------------------------ a one-line text after a site's words


def test_a_title_after_a_sites_words_in_a_one_line_text():
    junk = "某某素材库整理汇总。"
    text = f"{junk}青禾镇2023年政府工作报告各位代表：现在，我代表镇人民政府向大会报告工作，请予审议。{BODY * 3}"
    s, blocks = _parse(text)
    assert s.title == "青禾镇2023年政府工作报告"
    assert not any(junk in t for _, _, t in blocks)
    # without the salutation after it, a report's name inside a sentence is no title
    plain = f"{junk}青禾镇2023年政府工作报告提出，全年目标全面完成。{BODY * 3}"
    assert _parse(plain)[0].title == ""


def test_preamble_edge():
    assert MAX_PREAMBLE == 120
    title = "青禾镇2023年政府工作报告"
    rest = f"各位代表：现在，我代表镇人民政府向大会报告工作。{BODY * 3}"
    near = "甲" * (MAX_PREAMBLE - 1) + "。"
    assert _parse(near + title + rest)[0].title == title
    far = "甲" * MAX_PREAMBLE + "。"
    assert _parse(far + title + rest)[0].title == ""


# ------------------------------------------------------------------ numbered headings run into their first sentence


def test_a_numbered_heading_run_into_its_first_sentence():
    assert inline_heading("一、2022年工作回顾刚刚过去的一年，全镇上下团结一心，完成了各项任务。") == "一、2022年工作回顾"
    assert inline_heading("一、2022年主要工作2022年以来，我们坚持稳中求进，推动高质量发展。") == "一、2022年主要工作"
    # no word naming a part of a report before the opening words: a numbered sentence
    assert inline_heading("1.全镇上下一年来共完成植树造林三千亩，新修道路十二公里，群众满意。") == ""


def test_run_on_heading_length_edge():
    assert MAX_INLINE_HEADING == 40
    words = "镇" * (MAX_INLINE_HEADING - 2)
    fits = f"一、{words}工作一年来，全镇上下团结一心，完成了各项任务。"
    assert inline_heading(fits) == f"一、{words}工作"
    assert inline_heading(f"一、镇{words}工作一年来，全镇上下团结一心，完成了各项任务。") == ""


def test_one_line_text_cut_before_a_heading_after_a_single_space():
    line = f"青禾镇2023年政府工作报告 一、2023年我们奋力拼搏，成绩来之不易 {BODY * 3}"
    assert len(line) >= MIN_RUN_TOGETHER
    s, blocks = _parse(line)
    assert "一、2023年我们奋力拼搏，成绩来之不易" in _headings(blocks)


# ------------------------------------------------------------------ a text cut right after its next heading


def test_a_numbered_heading_ending_an_excerpt_is_a_heading():
    text = f"青禾镇2023年工作总结\n一、经济发展\n{BODY}\n二、社会事业"
    assert _headings(_parse(text)[1]) == ["一、经济发展", "二、社会事业"]
    # after an unfinished sentence, or a sentence itself: no heading
    assert _headings(_parse(f"青禾镇2023年工作总结\n一、经济发展\n{BODY[:-1]}\n二、社会事业")[1]) == ["一、经济发展"]
    assert "二、社会事业全面进步。" not in _headings(_parse(f"青禾镇2023年工作总结\n一、经济发展\n{BODY}\n二、社会事业全面进步。")[1])


# ------------------------------------------------------------------ second batch: page titles and one-line texts


def test_a_blurb_under_a_text_is_chrome_alone():
    lines = [BODY, "《青禾镇工作总结》来源于某某网，欢迎阅读青禾镇工作总结。", "青禾镇工作总结", BODY]
    assert blurb_page(lines) == set()
    # only short lines above: a page; one line above longer than a title: a text
    assert blurb_page(["镇" * MAX_TITLE, BLURB, "青禾镇工作总结", BODY]) == {0}
    assert blurb_page(["镇" * (MAX_TITLE + 1), BLURB, "青禾镇工作总结", BODY]) == set()
    assert is_chrome("Tag:年终总结,个人年终总结,年终总结ppt")
    assert is_chrome("正文复制")


def test_a_page_title_with_its_column_gives_the_title():
    s, _ = _parse(f"乡镇政府工作总结|青禾镇人民政府五年工作总结\n\n{BODY}")
    assert s.title == "青禾镇人民政府五年工作总结"
    s, _ = _parse(f"青禾镇2021年工作报告｜青禾镇人民政府\n\n{BODY}")
    assert s.title == "青禾镇2021年工作报告"
    # cells that name no report stay a row of navigation
    assert is_chrome("政务公开|乡镇动态")
    assert _parse(f"政务公开|乡镇动态\n{BODY}")[0].title == ""


def test_a_spaced_title_field_stands_for_its_value():
    s, _ = _parse(f"青禾镇2021年政府工作报告\n标 题: | 青禾镇2021年政府工作报告 |\n{BODY}")
    assert s.title == "青禾镇2021年政府工作报告" and s.subtitle == ""


def test_a_sharing_sites_slogan_before_a_one_line_text():
    line = f"精选优质文档-倾情为你奉上 青禾镇教育工作总结 一、全乡基本概况。{BODY * 3}"
    s, blocks = _parse(line)
    assert s.title == "青禾镇教育工作总结"
    assert not any("奉上" in t for _, _, t in blocks)


def test_a_one_line_texts_title_before_its_opening_words():
    s, _ = _parse(f"青禾乡五年工作总结及下一步工作计划2011年以来，乡党委、政府团结带领全乡干部群众扎实工作。{BODY * 3}")
    assert s.title == "青禾乡五年工作总结及下一步工作计划"


def test_a_sub_heading_run_on_right_after_its_heading():
    line = f"青禾镇工作总结。{BODY}一、五年工作总结（一）经济态势发展良好，各项指标圆满完成。五年来，全乡坚持以经济建设为中心。{BODY * 2}"
    assert len(line) >= MIN_RUN_TOGETHER
    heads = [t for k, _, t in _parse(line)[1] if k == "heading"]
    assert heads[0] == "一、五年工作总结"
    # a comma before the （一）: a sentence naming a list, not a heading
    line2 = f"青禾镇工作总结。{BODY}一、五年来，全乡（一）经济态势发展良好，各项指标圆满完成。{BODY * 2}"
    assert "一、五年来，全乡" not in [t for k, _, t in _parse(line2)[1] if k == "heading"]


def test_a_dated_agenda_item_is_no_heading():
    text = f"青禾乡代表会定期大会议程\n{BODY}\n5月7日审议青禾乡95年度总决算\n{BODY}\n5月8日提案审查\n{BODY}"
    assert _headings(_parse(text)[1]) == []


def test_nested_heading_reach_edge():
    from index.reading.lines import MAX_NUMBERED_HEADING

    def first_heading(head: str) -> str:
        line = f"青禾镇工作总结。{BODY}{head}（一）经济态势发展良好。五年来，全乡坚持以经济建设为中心。{BODY * 2}"
        return next((t for k, _, t in _parse(line)[1] if k == "heading"), "")

    fits = "一、" + "镇" * (MAX_NUMBERED_HEADING - 2)
    assert len(fits) == MAX_NUMBERED_HEADING and first_heading(fits) == fits
    assert first_heading(fits + "镇") != fits + "镇"


def test_title_row_cell_length_edge():
    from index.reading.chrome import TITLE_ROW
    cell = "镇" * 36 + "工作总结"
    assert len(cell) == 40 and TITLE_ROW.match(f"栏目|{cell}")
    assert not TITLE_ROW.match(f"栏目|镇{cell}")


# ------------------------------------------------------------------ third batch: news sites, collections, years


def test_news_site_chrome_and_a_collections_names():
    assert is_chrome("site logo: www.example.com")
    assert is_chrome("人氣: 26") and is_chrome("热度:55") and is_chrome("栏目")
    assert is_chrome("青禾镇镇长个人述职报告十二篇")
    assert not is_chrome("青禾镇镇长个人述职报告")
    text = ("报告大全 > 社会报告 > 政府报告\n栏目\n青禾镇镇长述职报告十二篇\n发布时间:2024-11-09 热度:55\n"
            f"青禾镇镇长述职报告\n第一篇 青禾镇镇长述职报告2150字\n尊敬的各位领导：\n{BODY}\n一、抓好学习\n{BODY}")
    s, blocks = _parse(text)
    assert s.title == "青禾镇镇长述职报告"
    assert _headings(blocks) == ["一、抓好学习"]


def test_a_name_of_offices_is_no_town():
    from index.reading import town_names
    from index.reading.places import Gazetteer
    gazetteer = Gazetteer.load()
    assert town_names.find("镇政府镇长个人述职报告", "镇政府镇长要带头学习。镇政府镇长述职。", gazetteer) is None
    # the same shape with a name before 镇 is a town
    found = town_names.find("青禾岭镇镇长个人述职报告", "青禾岭镇镇长要带头学习。青禾岭镇镇长述职。", gazetteer)
    assert found is not None and found.name == "青禾岭镇"


def test_years_in_chinese_numerals_and_taiwan_years():
    from index.reading.metadata import ROC_BASE, arabic_years, years
    assert ROC_BASE == 1911
    assert arabic_years("二〇一九年六月") == "2019年六月"
    assert arabic_years("中華民國103年12月25日") == "2014年12月25日"
    assert arabic_years("「一一四年施政成果報告」") == "「2025年施政成果報告」"
    assert arabic_years("一二三四五年") == "一二三四五年"  # five numerals: no year
    assert arabic_years("十一年来") == "十一年来"
    assert years("", "昨天在公所禮堂的「一一四年施政成果報告」，湧入六百位鄉親。")[0] == 2025


def test_parallel_heading_phrases_edge():
    from index.reading.lines import MAX_PARALLEL, parallel_heading
    assert MAX_PARALLEL == 3
    assert parallel_heading("一、加强组织领导，精心策划，营造节日氛围。")
    assert not parallel_heading("一、加强组织领导，精心策划，营造节日氛围，办好活动。")


# ------------------------------------------------------------------ level of a report whose title leaves its town unnamed


def test_a_title_whose_subject_is_an_unnamed_town_gives_the_level():
    from index.reading.metadata import extract
    from index.reading.places import Gazetteer

    gazetteer = Gazetteer.load()
    body = "一年来，我们坚持稳中求进，各项工作稳步推进，群众生活持续改善。"

    def level(title: str) -> str | None:
        return extract(title, "", body, "x", ANALYZER, gazetteer=gazetteer).level

    for title in ("街道2021年工作总结暨2022年工作计划", "2023年乡镇年度工作总结", "镇政府2020年工作总结",
                  "乡镇镇长述职报告", "XX镇2023年政府工作报告", "2022年上半年街道办事处重点工作督查报告",
                  "镇年终会议主持词"):
        assert level(title) == "township", title
    for title in ("乡村振兴工作总结", "2023年工作总结", "春节乡镇工作总结"):
        assert level(title) is None, title
    # no title (a collection's item name stays in the text): the text's first line says it
    assert extract("", "", "街道办事处年终总结(9)\n" + body, "x", ANALYZER, gazetteer=gazetteer).level == "township"
    assert extract("", "", body + "\n街道办事处年终总结(9)", "x", ANALYZER, gazetteer=gazetteer).level is None


# ------------------------------------------------------------------ government sites: header, bracketed keys, layout


def test_bracketed_publication_keys_need_no_colon():
    assert is_chrome("[ 索引号 ] 11500230008689762A/2026-00004 [ 发文字号 ]")
    assert is_chrome("[ 体裁分类 ] 工作报告")
    assert is_chrome("[ 发布机构 ]")
    assert not is_chrome("[ 青禾镇 ] 召开会议，部署全年工作。")


def test_the_sites_header_above_a_breadcrumb_is_chrome():
    from index.reading.chrome import site_header
    lines = ["某某市人民政府", "首页 >> 政府信息公开 >> 法定主动公开内容", "青禾乡人民政府关于2022年法治政府建设工作情况报告", BODY]
    assert site_header(lines) == {0}
    s, _ = _parse("\n".join(lines))
    assert s.title == "青禾乡人民政府关于2022年法治政府建设工作情况报告"
    # a text above the breadcrumb (a line longer than a title): no header
    assert site_header(["镇" * (MAX_TITLE + 1), lines[1], lines[2]]) == set()
    assert site_header(["镇" * MAX_TITLE, lines[1], lines[2]]) == {0}


def test_an_images_file_name_is_chrome():
    assert is_chrome("微信图片_20210118124246.jpg")
    assert is_chrome("IMG_0012.PNG")
    assert not is_chrome("青禾镇召开会议.jpg 后公布了名单。")


def test_a_title_above_a_chrome_line_stays_apart_from_the_text():
    text = f"欢迎访问某区人大网站\n\n青禾街道召开2018年街道议事会\n\n来源 :青禾街道人大工委 时间 : 2018-01-11\n\n{BODY}"
    s, blocks = _parse(text)
    assert s.title == "青禾街道召开2018年街道议事会"
    assert blocks[1][2].startswith("今年以来")


def test_lines_each_after_a_blank_line_are_not_wrapped_lines():
    from index.reading.layout import detect
    lines = ["青禾街道召开2018年街道议事会", BODY, "1、安定书院社区科普活动中心", "2、居民小区便民充电桩安装", "3、城市党建综合体项目建设",
             "4、独居老人消防器材配备", "5、龙庭社区三社联动创建", "6、老旧小区综合改造提升", "7、背街小巷路灯亮化工程"]
    assert detect(lines, [0] + [1] * (len(lines) - 1)).kind == "blank-line"
    assert detect(lines, [0] + [1] * (len(lines) - 2) + [0]).kind == "hard-wrapped"


def test_an_issuer_above_its_documents_subject_is_one_title():
    s, _ = _parse(f"青禾乡人民政府\n关于法治政府建设的情况报告\n{BODY}")
    assert s.title == "青禾乡人民政府关于法治政府建设的情况报告"
    # a subject that names no document: two lines
    s, _ = _parse(f"青禾乡人民政府\n关于法治政府建设\n{BODY}")
    assert s.title == "青禾乡人民政府"


def test_a_photo_caption_above_a_news_item_is_no_title():
    s, blocks = _parse(f"(资料图片)\n\n{BODY}")
    assert s.title == ""
    assert blocks[0][0] == "caption"


def test_a_year_a_meeting_reviews_does_not_label_its_news():
    from index.reading.metadata import years
    news = ("2月27日，青禾镇召开2014年度经济工作会，镇长回顾总结了2013年的工作，全面安排部署2014年工作。"
            "会议对2013年综合目标考核先进集体进行了表彰。")
    assert years("", news)[0] == 2014
    news2 = ("4月12日，青禾镇召开工作会议，对2011年度各项工作进行了总结，就2012年工作进行了安排部署。"
             "会议对2011年工作进行了总结，对2012年政府工作进行了部署。")
    assert years("", news2)[0] == 2012
    # without the words of reviewing, a tie still goes to the earlier year (the later is a plan)
    plan = "2013年全镇完成植树三千亩。2014年全镇将完成植树五千亩。2013年新修道路。2014年将新修桥梁。"
    assert years("", plan)[0] == 2013


def test_the_sentence_saying_what_a_text_is_labels_it():
    from index.reading.metadata import years
    text = ("2022年以来，青禾镇全力做好各项工作。现将2022年度工作具体汇报如下：获得2021年度卫生乡镇，"
            "2021年度征兵工作先进单位，2021年度信访工作先进乡镇。")
    assert years("", text)[0] == 2022
    # 如下 too far from the year (more than 30 characters): the counts decide
    far = ("现将2022年度" + "镇" * 31 + "如下：获得2021年度卫生乡镇，2021年度征兵工作先进单位。")
    assert years("", far)[0] == 2021


def test_a_sharing_sites_table_of_contents_is_chrome():
    from index.reading.chrome import MAX_TOC, table_of_contents
    toc = ["青禾街道2022年防汛工作汇报", "目录/提纲:……", "一、基本情况", "二、汛前准备", "三、存在问题", "……",
           "青禾街道2022年防汛工作汇报", "根据会议安排，现将防汛工作汇报如下。", "一、基本情况", BODY]
    assert table_of_contents(toc) == {1, 2, 3, 4, 5}
    heads = _headings(_parse("\n".join(toc))[1])
    assert heads == ["一、基本情况"]
    # no closing line of dots within MAX_TOC lines: no table of contents
    assert MAX_TOC == 30
    fits = ["目录"] + [f"第{k}项" for k in range(MAX_TOC - 1)] + ["……"]
    assert table_of_contents(fits) == set(range(MAX_TOC + 1))
    assert table_of_contents(["目录"] + [f"第{k}项" for k in range(MAX_TOC)] + ["……"]) == set()


def test_a_place_name_never_runs_across_a_sentence_end_or_a_line_break():
    from index.reading.metadata import extract
    from index.reading.places import Gazetteer

    gazetteer = Gazetteer.load()
    assert gazetteer.units("建设乡", "township")  # a real name, written here only across breaks
    text = "2. 基础设施建设\n乡镇将加大基础设施建设的力度。\n3. 社区建设\n乡镇将加强社区建设。乡镇将推进文化建设。"
    assert extract("2023年工作计划", "", text, "x", ANALYZER, gazetteer=gazetteer).town is None
    # the same name inside its sentences is a town
    named = "建设乡今年完成植树三千亩。建设乡新修道路十二公里。"
    assert extract("2023年工作计划", "", named, "x", ANALYZER, gazetteer=gazetteer).town == "建设乡"
