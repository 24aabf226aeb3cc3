"""Town text as it really comes, ninth round (issue 18): a newspaper's e-edition, a breadcrumb
whose cells only spaces part, a disclosure page's fields, bullets before bylines, a scene's
caption, a page's title over the document's own, parallel headings opening a cut page, a
dashed lead sentence, the unit holding a congress, a congress news item's year from its
page. Invented report text in the style of town governments; real gazetteer names."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading import metadata as meta
from index.reading.chrome import MAX_CHROME_LINE, MAX_TITLE, clean, is_chrome, site_header
from index.reading.places import Gazetteer
from index.reading.structure import LEAD_LEVEL, MIN_PARALLEL, parse

ANALYZER = Analyzer()
GAZ = Gazetteer.load()
PARAGRAPH = "会议听取了政府工作报告，审议了财政预算报告，选举产生了新一届领导班子，与会代表积极建言献策。\n"
# paragraphs long enough to stand under a heading of phrases (structure.MIN_LEAD_PARAGRAPH), each
# its own (a line repeated near the top is a page's name)
PARAS = [
    "会议表决通过了议事规则等四项制度文件，标志着街道居民议事工作进入了制度化、规范化的新阶段，"
    "为群众有话有处说、说了有人听、听了有反馈提供了坚实的制度保障，让民主议事的过程更有序。\n",
    "在分组讨论环节，议事代表们认真审议了街道办事处工作报告，会场气氛热烈，代表们充分肯定了今年街道"
    "在经济发展、社会治理和民生保障等方面取得的扎实成效，提出了许多宝贵建议。\n",
    "民生实事项目的推进情况，始终是议事代表们关注的焦点，便民充电桩安装、老楼窗户翻新、楼道休息座椅"
    "增设等八个项目已全部完工，其余四个项目正紧锣密鼓推进，确保年底前全面交付。\n",
    "随后进行的民生实事项目满意度测评，成为对街道工作最直接的阅卷，由于项目精准切中了居民群众急难愁盼"
    "问题，实施效果显著，最终交出了一份全票满意的亮眼成绩单，激励着街道继续把好事办实。\n",
]


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, _, t in parse(text, ANALYZER).blocks]


def _headings(text: str) -> list[str]:
    return [t for k, t in _kinds(text) if k == "heading"]


# ------------------------------------------------------------------ a newspaper's e-edition


def test_a_newspapers_page_line_and_its_link_back_are_chrome():
    for line in ("第A06版:青禾新闻", "第03版：要闻", "第3版", "内容详情 2020年07月22日 返回该版首页", "返回首页"):
        assert is_chrome(line), line
    # a page's name longer than a section's, a sentence, a link inside a long line: no chrome
    for line in ("第03版:" + "青" * 11, "第03版:青禾新闻。", "内容详情见附件，返回该版首页。"):
        assert not is_chrome(line), line
    # a link back at the end of a short line (a site's words); of a longer one, text
    assert MAX_CHROME_LINE == 40
    assert is_chrome("青" * (MAX_CHROME_LINE - 6) + "返回该版首页")
    assert not is_chrome("青" * (MAX_CHROME_LINE - 5) + "返回该版首页")


def test_a_newspapers_masthead_is_left_out_with_its_page_line():
    assert is_chrome("国内统一刊号:CN51-0000 邮发代号:61-00 总编辑:某某 Email : news@example.cn")
    page = ("数字报刊平台\n国内统一刊号:CN51-0000 邮发代号:61-00 总编辑:某某\n第03版:四川新闻\n"
            "内容详情 2020年07月22日 返回该版首页\n仁寿县青禾镇召开人代会\n近日，仁寿县青禾镇召开第八届人民代表大会第二次会议。\n"
            + PARAGRAPH)
    s = parse(page, ANALYZER)
    assert s.title == "仁寿县青禾镇召开人代会"
    assert "数字报刊平台" in s.chrome and "第03版:四川新闻" in s.chrome
    assert not _headings(page)
    # a long line above it that is no chrome keeps the page's top: nothing is the masthead
    prose = "青禾镇第八届人民代表大会第二次会议胜利召开，全镇七十一名代表出席了会议并听取了报告"
    assert len(prose) == MAX_TITLE + 1
    assert "数字报刊平台" not in parse(page.replace("国内统一刊号:CN51-0000 邮发代号:61-00 总编辑:某某", prose),
                                        ANALYZER).chrome


# ------------------------------------------------------------------ a breadcrumb that only spaces part


def test_a_breadcrumb_ending_with_the_pages_title_is_chrome_with_the_header_above():
    title = "青禾镇:妙笔生花 绘就新图景"
    lines = ["青禾行动", "首页 鄂尔多斯 " + title, title, "今年以来，青禾镇全力以赴建项目、稳增长。"]
    assert site_header(lines) == {0, 1}
    s = parse("\n".join(lines) + "\n" + PARAGRAPH, ANALYZER)
    assert s.title == title and "青禾行动" in s.chrome
    # no crumb between 首页 and the title, a next line that is not its end, no 首页: no breadcrumb
    assert site_header(["青禾行动", "首页 " + title, title]) == set()
    assert site_header(["青禾行动", "首页 鄂尔多斯 要闻", title]) == set()
    assert site_header(["青禾行动", "主页面 鄂尔多斯 " + title, title]) == set()


# ------------------------------------------------------------------ a disclosure page's fields


def test_a_disclosure_pages_name_and_number_fields_are_chrome():
    for line in ("名称: 青禾镇2024年政务公开总结 文号:", "名称: 青禾镇2024年政务公开总结", "文号:"):
        assert is_chrome(line), line
    assert not is_chrome("项目名称：青禾镇农村道路硬化工程")
    assert not is_chrome("名称：青禾镇农村道路硬化工程已于今年完工。" + "全镇新建道路十二公里。" * 12)


def test_a_posting_date_after_its_key_is_the_keys_value():
    assert clean("发布日期: 2024-12-19") == "发布日期: 2024-12-19"
    assert clean("青禾镇2024年工作总结 2024-12-19") == "青禾镇2024年工作总结"  # a title's posting day, cut
    page = ("发文日期: 2024-12-19\n发布日期: 2024-12-19\n青禾镇2024年政务公开总结\n"
            "2024年，青禾镇人民政府扎实推进政府信息公开工作，有效提升了政府工作的透明度。\n" + PARAGRAPH)
    assert parse(page, ANALYZER).title == "青禾镇2024年政务公开总结"


# ------------------------------------------------------------------ bylines and captions


def test_a_bullet_before_a_reporters_line_and_a_transcripts_speaker_are_bylines():
    text = "青禾镇圆满完成换届选举\n■通讯员 张三 李四\n" + PARAGRAPH + "同期声:人大代表 李四\n" + PARAGRAPH
    kinds = _kinds(text)
    assert ("byline", "■通讯员 张三 李四") in kinds and ("byline", "同期声:人大代表 李四") in kinds
    # a bullet before a heading, 同期声 without its colon: no byline
    other = "青禾镇圆满完成换届选举\n" + PARAGRAPH + "■青禾镇召开换届大会\n" + PARAGRAPH + "同期声采访\n" + PARAGRAPH
    assert not any(k == "byline" for k, _ in _kinds(other))


def test_a_scenes_name_is_a_caption_never_the_title():
    text = "大會現場\n在全县人民的期盼下，青禾县第十五届人民代表大会第二次会议隆重开幕。\n" + PARAGRAPH
    s = parse(text, ANALYZER)
    assert s.title == "" and ("caption", "大會現場") in _kinds(text)
    body = "青禾镇召开人代会\n" + PARAGRAPH + "{}\n" + PARAGRAPH
    assert ("caption", "青禾镇人代会现场") in _kinds(body.format("青禾镇人代会现场"))  # six characters before 现场
    assert ("caption", "青禾镇人代会议现场") not in _kinds(body.format("青禾镇人代会议现场"))  # seven


def test_a_photos_file_name_run_into_its_caption_leaves_the_heading_after_it():
    text = ("青禾镇：绘就发展新图景\n" + PARAGRAPH + "1703827772338.png?x-oss-process=style/w10青禾镇区航拍全景图\n"
            "执好产业发展笔，筑牢高质量发展基石\n" + PARAS[1])
    kinds = _kinds(text)
    assert ("caption", "1703827772338.png?x-oss-process=style/w10青禾镇区航拍全景图") in kinds
    assert ("heading", "执好产业发展笔，筑牢高质量发展基石") in kinds
    # a document's file name is no photo's
    assert not any(k == "caption" for k, _ in _kinds(text.replace(".png?x-oss-process=style/w10", ".pdf")))


# ------------------------------------------------------------------ titles


SESSION = "——在东乌珠穆沁旗第十六届人民代表大会第一次会议上\n（2022年1月5日）\n各位代表：\n现在，我代表旗人民政府向大会报告工作，请予审议。\n"


def test_a_pages_title_above_the_reports_own_name_is_not_run_together():
    s = parse("政 府 工 作 报 告(2022年)\n政府工作报告\n" + SESSION, ANALYZER)
    assert (s.title, s.subtitle) == ("政 府 工 作 报 告(2022年)", "政府工作报告")
    # a title wrapped before its document's name is still one line
    assert parse("2022年上半年青禾镇重点工作\n督查报告\n" + PARAGRAPH, ANALYZER).title == "2022年上半年青禾镇重点工作督查报告"


OWN = "发布时间:2024-12-19 15:54 信息来源:青禾镇\n2024年政府信息公开工作总结\n2024年，青禾镇扎实推进政府信息公开工作。\n"


def test_the_documents_own_title_under_the_pages_publication_line_is_its_subtitle():
    text = "青禾镇2024年政务公开总结\n" + OWN + "一、工作开展情况\n" + PARAGRAPH
    s = parse(text, ANALYZER)
    assert (s.title, s.subtitle) == ("青禾镇2024年政务公开总结", "2024年政府信息公开工作总结")
    assert _headings(text) == ["一、工作开展情况"]
    # numbered, or below more bylines than a signature's, or naming no kind of document: a section
    numbered = text.replace("2024年政府信息公开工作总结", "一、2024年政府信息公开工作总结")
    assert parse(numbered, ANALYZER).subtitle == ""
    more = text.replace("发布时间", "来源:青禾镇\n作者:某某\n发布时间")
    assert parse(more, ANALYZER).subtitle == ""
    assert parse(text.replace("2024年政府信息公开工作总结", "2024年政府信息公开工作概况"), ANALYZER).subtitle == ""


def _parallel(n: int) -> str:
    heads = ["建章立制，夯实民主根基", "群策群力，共谋发展良策", "民生为重，实事赢得高分", "凝心聚力，谱写发展新篇"]
    return "".join(f"{h}\n{p}" for h, p in zip(heads[: n + 1], PARAS))


def test_a_first_line_of_the_form_of_later_headings_is_a_heading_not_the_title():
    assert MIN_PARALLEL == 2
    s = parse(_parallel(MIN_PARALLEL), ANALYZER)
    assert s.title == "" and _headings(_parallel(MIN_PARALLEL))[0] == "建章立制，夯实民主根基"
    assert parse(_parallel(MIN_PARALLEL - 1), ANALYZER).title == "建章立制，夯实民主根基"  # one later: the title
    # later headings of another form (other lengths) leave the first line the title
    other = _parallel(MIN_PARALLEL).replace("群策群力，共谋发展良策", "群策群力，共谋良策").replace(
        "民生为重，实事赢得高分", "民生为重，实事高分")
    assert parse(other, ANALYZER).title == "建章立制，夯实民主根基"


def test_a_dashed_lead_sentence_heads_its_paragraph():
    lead = "——四年来，我们始终坚持干在一起、冲在一线，交出了一份“攻坚答卷”。"
    text = ("一、过去四年工作回顾\n过去的四年，是我旗攻坚克难的四年。\n" + lead + "脱贫攻坚取得决定性胜利，累计投入扶贫资金1.2亿元。\n"
            "二、2022年工作安排\n" + PARAGRAPH)
    blocks = parse(text, ANALYZER).blocks
    assert blocks[2][1] == ("一、过去四年工作回顾", lead)
    # its level: under 一、, a sibling of nothing numbered
    assert LEAD_LEVEL > 1 and blocks[3] == ("heading", (), "二、2022年工作安排")
    # without the dash, with a fourth part, or alone on its line: no heading run on into a paragraph
    for line in (lead[2:], lead.replace("冲在一线，", "冲在一线，勇挑重担，")):
        paths = [p for _, p, _ in parse(text.replace(lead, line), ANALYZER).blocks]
        assert all(len(p) <= 1 for p in paths), line
    alone = parse(text.replace(lead, lead + "\n"), ANALYZER).blocks
    assert all(path != ("一、过去四年工作回顾", lead) for _, path, _ in alone)


# ------------------------------------------------------------------ the unit holding the congress


def _place(text: str) -> tuple:
    m = meta.extract("", "", text, "fallback", ANALYZER, GAZ)
    return m.county, m.level


def test_the_unit_whose_congress_the_opening_names_is_the_subject():
    news = "在全县人民的期盼下，桃源县第十五届人民代表大会第二次会议隆重开幕，共商全县发展大计，同绘我县发展宏图。"
    assert _place(news) == ("桃源县", "county")
    # a text that speaks as a town's more (全镇, 我镇): the county's congress is the town's context
    town = "青禾镇认真贯彻桃源县第十五届人民代表大会第二次会议精神，全镇上下凝心聚力，我镇各项工作稳步推进，全镇经济稳中向好。"
    assert _place(town) != ("桃源县", "county")
    # named past the opening: no evidence of the subject
    assert _place("全县" + "会" * meta.OPENING_CHARS + news) != ("桃源县", "county")
    # the speaker's level with the congress's unit
    assert _place(SESSION + "全旗上下凝心聚力。") == ("东乌珠穆沁旗", "county")


# ------------------------------------------------------------------ a congress news item's year from its page


REVIEW = ("在全县人民的期盼下，青禾县第十五届人民代表大会第二次会议开幕。县长在报告中对2007年的政府工作进行了回顾和总结。"
          "2007年，县人民政府各项工作取得了明显成效。")


def test_a_congress_reviewing_the_year_before_its_pages_posting_is_of_the_posting_year():
    assert meta.years("", REVIEW, "發布時間:2008-03-06 08:39:18 信息來源:青禾縣政府網") == (2008, 2007)
    assert meta.years("", REVIEW, "发布时间:2009-03-06 08:39:18")[0] is None  # posted two years on
    assert meta.years("", REVIEW, "")[0] is None
    # no people's congress: a meeting looking back on its year is not labelled by the next
    meeting = REVIEW.replace("第十五届人民代表大会第二次会议", "全县经济工作会议")
    assert meta.years("", meeting, "发布时间:2008-03-06 08:39:18")[0] is None


RECENT = "近日，青禾镇召开第八届人民代表大会第二次会议。会议听取了2019年工作报告和2020年预算报告，审议了2019年决算。"


def test_a_news_item_opening_with_recently_takes_its_pages_date():
    assert meta.years("", RECENT, "内容详情 2020年07月22日 返回该版首页")[0] == 2020
    assert meta.news_year(RECENT, "发布时间:2020-07-22 10:00") == 2020
    assert meta.years("", RECENT, "")[0] == 2019  # no page date: the most mentioned year, as before
    # 近日 inside a sentence, not opening it: no such news item
    later = "青禾镇召开会议，会议于近日结束。会议听取了2019年工作报告和2020年预算报告，审议了2019年决算。"
    assert meta.years("", later, "内容详情 2020年07月22日 返回该版首页")[0] == 2019


# ------------------------------------------------------------------ two heading lines a word could run across


def _pair(left: str, right: str, after: str = PARAS[1]) -> str:
    return "青禾镇人代会胜利召开\n" + PARAS[0] + f"{left}\n{right}\n" + after


def test_two_heading_lines_that_each_read_as_words_are_headings():
    assert ANALYZER.junction_score("下好共富关键棋", "谱写城乡共荣靓丽篇章") == 2  # 棋谱 across the break
    heads = _headings(_pair("下好共富关键棋", "谱写城乡共荣靓丽篇章"))
    assert heads == ["下好共富关键棋", "谱写城乡共荣靓丽篇章"]
    # the next line opening with a one-character word (a word's tail), or no finished sentence
    # after it: the word runs across, no heading
    assert ANALYZER.junction_score("推进乡村振", "兴战略实施") == 2
    assert "推进乡村振" not in _headings(_pair("推进乡村振", "兴战略实施"))
    assert "下好共富关键棋" not in _headings(_pair("下好共富关键棋", "谱写城乡共荣靓丽篇章", "代表们一致表示\n"))
