"""Town text as it really comes, kind by kind (issue 18, second round): which year labels
a report, site chrome kept out of title and year, inline numbered headings, token-broken
PDF text. Every text here is invented in the style of town governments."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.chrome import VALUE_GAP, clean, is_chrome, key_values
from index.reading.layout import MIN_BROKEN_MARKS, TOKEN_LINE, token_broken
from index.reading.lines import inline_heading
from index.reading.metadata import MIN_YEAR_MENTIONS, years
from index.reading.structure import parse

ANALYZER = Analyzer()


def _parse(text: str):
    s = parse(text, ANALYZER)
    return s, [(k, " > ".join(sec), t) for k, sec, t in s.blocks]


# ------------------------------------------------------------------ years


def test_years_written_once_in_passing_label_nothing_but_the_only_year_does():
    assert years("", "全乡劳务输出二千人次。2002年全乡总收入达296万元，2001年新建道路三条。") == (None, None)
    # the only year a text names is most likely its own
    assert years("", "全乡劳务输出二千人次。2002年全乡总收入达296万元。")[0] == 2002


def test_min_year_mentions_edge():
    assert MIN_YEAR_MENTIONS == 2
    twice = "2002年全乡总收入增长。2002年新建道路三条。2001年完成植树。"
    assert years("", twice)[0] == 2002
    assert years("", "2002年全乡总收入增长。2001年完成植树。")[0] is None


def test_signing_date_line_and_issue_words_label_a_document():
    assert years("", "到2025年，建成标准体系。到2030年，全面完成。\n国家某某局\n2019年11月8日")[0] == 2019
    assert years("", "第二十九条 本规范自2018年5月1日起施行。到2020年全面推开。")[0] == 2018
    assert years("", "会议同意报告提出的2024年经济社会发展的总体要求。到2035年基本实现现代化。")[0] == 2024
    assert years("", "某某标准体系建设指南\n2021 年 11 月\n到 2023 年，制修订100项标准。")[0] == 2021


def test_a_year_written_once_as_the_texts_label_labels_it():
    text = "8月6日下午，青禾街道召开2021年半年工作总结暨下半年安排部署会。会上总结了上半年工作。"
    assert years("", text)[0] == 2021
    assert years("", "2月3日，青禾镇召开2024年度民生工程推进会。")[0] == 2024


def test_a_reviewed_year_is_not_the_label():
    # a 工作报告 looking back on 2017 is labelled by its session's year, which it does not give
    text = "各位代表：\n2017年工作回顾\n2017年，镇人大主席团在镇党委的领导下开展工作。"
    assert years("青禾镇人大主席团工作报告", text) == (None, None)
    # with a session line the session decides and the reviewed year is kept
    dated = "——2018年1月9日在青禾镇第十七届人民代表大会第二次会议上\n" + text
    assert years("青禾镇人大主席团工作报告", dated) == (2018, 2017)


def test_the_issue_date_of_the_page_labels_a_report_without_a_title_year():
    chrome = "发文机构:\n县政府网站\n发文日期:\n2024年04月06日 16:40"
    assert years("青禾县人民政府工作规则", "第一章 总则", chrome)[0] == 2024
    # a posting date (发布时间) is no label
    assert years("青禾县人民政府工作规则", "第一章 总则", "发布时间:2024-04-06 16:34")[0] is None


def test_a_posting_time_is_never_the_year():
    text = "2024年04月06日 16:40\n2024年04月06日 16:34\n第一章 总则"
    assert years("", text) == (None, None)


def test_a_template_date_line_under_the_title_gives_the_year():
    assert years("某某镇政府工作报告", "2014年 月 日\n镇长 某某\n各位代表：\n2013年工作回顾")[0] == 2014


# ------------------------------------------------------------------ chrome


def test_breadcrumb_with_your_current_position_is_chrome():
    assert is_chrome("您当前的位置:首页 > 内容")
    assert is_chrome("你现在的位置：首页")
    assert not is_chrome("位置：全镇位于县城西部。")


def test_links_to_neighbouring_articles_run_on_after_a_text_are_cut():
    line = "全乡民族工作跃上新台阶。 上一篇:县委副书记的讲话 下一篇:2011年社会事务办工作总结 相关栏目:工作汇报"
    assert clean(line) == "全乡民族工作跃上新台阶。"
    assert is_chrome("上一篇: 文化社区健身点的保护神")
    # a line of the text itself that quotes 下一篇 in a sentence stays
    assert clean("下一篇：继续推进项目建设。") == "下一篇：继续推进项目建设。"


def test_a_sharing_sites_left_out_notice_goes():
    line = "由于历史和地域 ……(某某网http://www.x.cn省略686字,正式会员可完整阅读)…… 收藏"
    assert "省略" not in clean(line)


def test_an_essay_sites_item_number_before_the_title_goes():
    s, _ = _parse("第一篇:青禾镇2010年政府工作报告(征求意见稿)\n各位代表：\n现在，我代表镇人民政府作报告。\n")
    assert s.title == "青禾镇2010年政府工作报告(征求意见稿)"


def test_value_of_a_bare_key_below_blank_lines_is_chrome_edge():
    assert VALUE_GAP == 2
    lines = ["• 发文日期:"] + [""] * VALUE_GAP + ["2024年04月06日", "正文第一句。"]
    assert VALUE_GAP + 1 in key_values(lines)
    further = ["• 发文日期:"] + [""] * (VALUE_GAP + 1) + ["2024年04月06日", "正文第一句。"]
    assert VALUE_GAP + 2 not in key_values(further)


def test_traditional_publication_line_is_chrome():
    assert is_chrome("發布時間：2023-01-05  瀏覽次數：12")
    s, blocks = _parse("首頁 > 政務公開 > 鄉鎮動態\n青禾鄉2022年工作總結\n發布時間：2023-01-05  瀏覽次數：12\n"
                       "2022年，全鄉圓滿完成各項任務。\n")
    assert s.title == "青禾鄉2022年工作總結" and not s.subtitle
    assert all("瀏覽" not in t for _, _, t in blocks)


def test_posting_time_with_its_source_is_chrome_but_a_bare_date_line_stays():
    assert is_chrome("2024-02-18 10:20  来源：青禾镇")
    assert not is_chrome("2024-02-18 10:20")
    s, _ = _parse("青禾镇召开2024年经济工作会议\n2024-02-18 10:20  来源：青禾镇\n2月18日，青禾镇召开经济工作会议。\n")
    assert s.title == "青禾镇召开2024年经济工作会议" and s.subtitle == ""


# ------------------------------------------------------------------ headings


def test_inline_heading_whose_phrase_opens_with_a_subject_like_character():
    assert inline_heading("（二）经济发展稳中向好。一是农业稳产，全年粮食产量三万吨。") == "（二）经济发展稳中向好"
    assert inline_heading("（三）各项事业全面进步。新建学校两所，卫生院一所。") == "（三）各项事业全面进步"
    # a numbered rule opening with 各 or 经 stays a sentence
    assert inline_heading("（二）各单位应及时报送。报送后由办公室汇总，统一上报。") == ""
    assert inline_heading("（三）经审核合格。合格后发放补助，补助按季度发放。") == ""


def test_numbered_inline_headings_after_any_line_take_their_section():
    text = ("青禾镇2023年工作总结\n一、2023年工作回顾\n（一）党建引领全面加强。新建党群服务中心三个。\n"
            "（二）经济发展稳中向好。一是农业稳产。二是工业提速，新增规上企业两家。\n")
    _, blocks = _parse(text)
    sections = {t[:4]: sec for _, sec, t in blocks}
    assert sections["（二）经"].endswith("（二）经济发展稳中向好")


# ------------------------------------------------------------------ token-broken PDF text

BROKEN = ("青禾镇2022年工作总结\n一、2022年工作回顾\n全镇全年实现农业总产值三亿元，同比增长百分之五。\n"
          "1.\n工业\n经济提能升级\n。全年新增企业五家，增收\nXX\n余万元。\n2.\n特色农业提质扩量\n。新建大棚三百个。\n")


def test_token_broken_text_is_one_sentence_again_with_its_heading():
    _, blocks = _parse(BROKEN)
    texts = [t for _, _, t in blocks]
    assert "1.工业经济提能升级。全年新增企业五家，增收XX余万元。" in texts
    assert "2.特色农业提质扩量。新建大棚三百个。" in texts
    sections = {t: sec for _, sec, t in blocks}
    assert sections["2.特色农业提质扩量。新建大棚三百个。"].endswith("2.特色农业提质扩量")


def test_token_broken_edges():
    assert MIN_BROKEN_MARKS == 2 and TOKEN_LINE == 8
    pieces = ["全镇全年实现农业总产值三亿元。", "增收", "XX", "余万元。", "工业", "经济提能升级"]
    assert token_broken(pieces + ["2.", "。全年新增企业五家。"])  # two marks
    assert not token_broken(pieces + ["2.", "全年新增企业五家。"])  # one mark
    # a piece one character longer than TOKEN_LINE is no piece
    long_lines = ["增" * (TOKEN_LINE + 1)] * 6 + ["2.", "。全年新增企业五家。"]
    assert not token_broken(long_lines)
    assert token_broken(["增" * TOKEN_LINE] * 6 + ["2.", "。全年新增企业五家。"])


def test_a_bare_number_joins_its_line_in_any_text():
    _, blocks = _parse("青禾镇2022年工作总结\n一、\n主要工作\n全镇新建道路五公里，完成投资三千万元。\n")
    assert ("heading", "", "一、主要工作") in blocks


def test_short_lines_of_an_ordinary_text_are_not_joined():
    text = "青禾镇2022年工作总结\n一、概况\n全镇辖八个村。\n二、主要工作\n新建道路五公里。\n"
    _, blocks = _parse(text)
    assert ("heading", "", "一、概况") in blocks and ("heading", "", "二、主要工作") in blocks


# ------------------------------------------------------------------ session lines, run-in and speech leads


def test_session_line_with_zai_before_the_date_wrapped_over_two_lines_is_one_byline():
    text = ("政府工作报告\n——在2008年1月19日青禾镇第十一届人民代表大会第一次\n会议上\n青禾镇镇长 张某某\n"
            "各位代表：\n现在，我代表镇人民政府作报告。\n")
    _, blocks = _parse(text)
    assert ("byline", "", "——在2008年1月19日青禾镇第十一届人民代表大会第一次会议上") in blocks
    # a line that only opens with a date is no session line
    _, plain = _parse("青禾镇工作总结\n2019年2月26日，全镇召开动员大会\n部署全年工作。\n")
    assert all(k != "byline" for k, _, _ in plain)


def test_a_run_together_line_opening_with_its_numbered_heading_is_cut():
    body = "全镇经济和社会事业取得了较快发展和良好的发展势头，各项工作稳步推进。" * 5
    text = f"青禾镇2014年工作总结\n\n``\n一、2014年工作总结  2014年，{body}\n"
    _, blocks = _parse(text)
    assert ("heading", "", "一、2014年工作总结") in blocks
    assert all("``" not in t for _, _, t in blocks)
    # one space after the heading is no cut
    _, single = _parse(f"青禾镇2014年工作总结\n一、2014年工作总结 2014年，{body}\n")
    assert ("heading", "", "一、2014年工作总结") not in single


def test_a_numbered_heading_after_blank_lines_is_no_caption():
    _, blocks = _parse("青禾镇工作总结\n全镇完成投资三亿元。\n\n\n一、主要工作\n新建道路五公里。\n")
    assert ("heading", "", "一、主要工作") in blocks


def test_a_line_that_only_says_who_speaks_is_no_heading():
    _, blocks = _parse("青禾街道召开推动会\n日前，青禾街道召开工作推动会。\n会议指出\n今年以来，街道各项工作稳中有进。\n")
    assert ("heading", "", "会议指出") not in blocks
    # 总体要求 is a heading of its own
    _, rules = _parse("青禾镇实施方案\n为推进工作，制定本方案。\n总体要求\n坚持以人民为中心，推进各项工作。\n")
    assert ("heading", "", "总体要求") in rules


# ------------------------------------------------------------------ places


def _places(title: str, text: str) -> dict:
    from index.reading.metadata import resolve_places
    from index.reading.places import Gazetteer
    return resolve_places(title, text, "", Gazetteer.load())


def test_a_kind_of_township_is_no_town():
    got = _places("民族乡工作进展情况汇报", "我乡是全县4个少数民族乡镇之一，民族乡的落后归根到底是经济的落后。")
    assert got["town"] is None



# ------------------------------------------------------------------ essay and document sites


def test_an_essay_sites_page_above_its_collection_mark_is_chrome():
    page = ("青禾镇长工作报告范文\n\n时间:2023-03-13 21:18:14\n\n导语:如何才能写好一篇镇长工作报告，欢迎阅读整理的十篇范文。\n\n"
            "篇1\n\n现在，我代表镇人民政府向大会作工作报告，请予审议。\n\n一、本届政府工作回顾\n\n五年来圆满完成了任务。\n")
    s, blocks = _parse(page)
    assert s.title == ""  # the collection's name is not the text's title
    assert all("范文" not in t and t != "篇1" for _, _, t in blocks)
    # a mark with the text's own title after it keeps that title
    s, _ = _parse("某某范文网\n镇政府年度工作报告\n简介:小编为你整理了多篇相关的工作报告。\n第一篇:青禾镇2013年政府工作报告\n"
                  "各位代表：\n现在，我代表镇人民政府报告工作。\n")
    assert s.title == "青禾镇2013年政府工作报告"


def test_collection_mark_only_in_the_opening_window():
    from index.reading.chrome import MARK_WINDOW, collection_page
    lines = [f"第{k}行正文，内容完整。" for k in range(MARK_WINDOW - 1)] + ["篇2", "正文。"]
    assert collection_page(lines) == set(range(MARK_WINDOW))
    later = [f"第{k}行正文，内容完整。" for k in range(MARK_WINDOW)] + ["篇2", "正文。"]
    assert collection_page(later) == set()


def test_site_blurbs_addresses_and_upload_notices_are_chrome():
    assert is_chrome("導語:如何才能寫好一篇鎮長工作報告，歡迎閱讀")
    assert is_chrome("【www.example.com--报告】")
    assert is_chrome("《乡镇政府换届工作报告》由会员上传分享,免费在线阅读,更多相关内容在某某文库")
    assert is_chrome("ID:10590117")
    assert not is_chrome("青禾镇2023年政府工作报告")


# ------------------------------------------------------------------ title and first line


def test_the_texts_first_line_under_the_title_is_no_subtitle():
    s, blocks = _parse("青禾镇2023年工作总结\n2023年是全面贯彻落实党的二十大精神的开局之年\n也是我镇发展进程中极不平凡的一年。\n"
                       "一、主要工作\n全镇新建道路五公里。\n")
    assert s.title == "青禾镇2023年工作总结" and s.subtitle == ""
    assert ("body", "", "2023年是全面贯彻落实党的二十大精神的开局之年也是我镇发展进程中极不平凡的一年。") in blocks
    # a blank line between the two: a subtitle above the first paragraph, not a wrapped sentence
    s, _ = _parse("青禾镇2023年工作总结\n\n青禾现代化中心镇建设迈出坚实步伐\n\n回眸刚刚结束的2022年，是具有里程碑意义的一年。\n")
    assert s.subtitle == "青禾现代化中心镇建设迈出坚实步伐"
    # a subtitle that names a document, or one shorter than MIN_SENTENCE_START, stays
    s, _ = _parse("政府工作报告\n青禾镇第十四届人民代表大会第三次会议文件\n各位代表：\n现在，我代表镇人民政府作报告。\n")
    assert s.subtitle == "青禾镇第十四届人民代表大会第三次会议文件"


def test_min_sentence_start_edge():
    from index.reading.structure import MIN_SENTENCE_START
    tail = "\n也是我镇发展进程中极不平凡的一年。\n一、主要工作\n全镇新建道路五公里。\n"
    at = "甲" * (MIN_SENTENCE_START - 4) + "开局之年"
    s, _ = _parse("青禾镇2023年工作总结\n" + at + tail)
    assert s.subtitle == ""
    below = "甲" * (MIN_SENTENCE_START - 5) + "开局之年"
    s, _ = _parse("青禾镇2023年工作总结\n" + below + tail)
    assert s.subtitle == below


def test_a_lead_line_with_commas_between_two_paragraphs_is_a_heading():
    para = "全乡累计脱贫一千零八十六户三千五百零二人，四个贫困村已全部出列，贫困发生率降至百分之零点二三，" * 2 + "群众满意度明显提升。"
    text = ("青禾乡政府工作报告\n各位代表：\n现在，我代表乡人民政府作报告。\n一、2019年工作回顾\n2019年，全乡圆满完成各项任务。\n"
            f"一年来，我们聚力抓脱贫、攻难点，精准扶贫实实在在\n{para}\n")
    _, blocks = _parse(text)
    assert ("heading", "一、2019年工作回顾", "一年来，我们聚力抓脱贫、攻难点，精准扶贫实实在在") in blocks
    # the paragraph after it one character shorter than MIN_LEAD_PARAGRAPH: no heading
    from index.reading.structure import MIN_LEAD_PARAGRAPH
    short = "全乡累计脱贫一千余户，群众满意。"
    assert len(short) < MIN_LEAD_PARAGRAPH
    _, blocks = _parse(text.replace(para, short))
    assert all(k != "heading" or not t.startswith("一年来") for k, _, t in blocks)


def test_items_of_one_list_are_alike_edge():
    from index.reading.structure import MIN_ITEMS
    assert MIN_ITEMS == 3
    long_first = "提升改造社区党群服务中心，筹建两个社区服务站，推进小区党群服务站建设，打造一刻钟便民生活圈民心工程，持续开展专业化创新项目。"
    items = [f"1. {long_first}", f"2. {long_first}", "3. 联合消防部门为老旧小区安装报警器1440处。持续开展燃气改造工作，完成率百分之九十九。"]
    _, blocks = _parse("青禾街道上半年工作\n社区系统\n" + "\n".join(items) + "\n")
    assert all("1440处" not in sec for _, sec, _ in blocks)
    # two items are no list yet: the short first sentence heads its paragraph
    _, blocks = _parse("青禾街道上半年工作\n社区系统\n" + "\n".join(items[1:]) + "\n")
    assert any(sec.endswith("1440处") for _, sec, _ in blocks)
