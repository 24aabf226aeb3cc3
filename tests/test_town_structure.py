"""Structure of town reports: session lines and speakers are bylines in either script,
a session line wrapped over two lines is one. Invented text in the style of town reports."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.lines import MAX_SESSION
from index.reading.structure import parse

ANALYZER = Analyzer()


def blocks(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, _, t in parse(text, ANALYZER).blocks]


REPORT = """青禾镇政府工作报告
——2024年1月23日在青禾镇第二十届
人民代表大会第八次会议上
镇委副书记、镇长 李青山
各位代表：
现在，我代表镇人民政府向大会报告工作，请予审议。
一、2023年工作回顾
全年完成固定资产投资3.2亿元。
"""


def test_wrapped_session_line_is_one_byline():
    got = blocks(REPORT)
    assert ("byline", "——2024年1月23日在青禾镇第二十届人民代表大会第八次会议上") in got
    assert ("byline", "镇委副书记、镇长 李青山") in got
    assert [t for k, t in got if k == "heading"] == ["一、2023年工作回顾"]
    assert parse(REPORT, ANALYZER).title == "青禾镇政府工作报告"


def test_session_line_wrapped_after_the_congress_is_one_byline():
    text = REPORT.replace("——2024年1月23日在青禾镇第二十届\n人民代表大会第八次会议上",
                          "——2024年1月23日在青禾镇第二十届人民代表大会\n第八次会议上")
    got = blocks(text)
    assert ("byline", "——2024年1月23日在青禾镇第二十届人民代表大会第八次会议上") in got
    # a line that goes on past the meeting's number is text, not the session line's end
    other = text.replace("第八次会议上\n", "第八次会议上审议了三个报告\n")
    assert ("byline", "——2024年1月23日在青禾镇第二十届人民代表大会第八次会议上审议了三个报告") not in blocks(other)


def test_session_line_length_edge():
    head = "2024年1月23日在"
    tail = "人民代表大会第八次会议上"
    fill = "青" * (MAX_SESSION - len(head) - len(tail))
    exact = head + fill + tail
    assert len(exact) == MAX_SESSION
    text = f"青禾镇政府工作报告\n{exact}\n各位代表：\n现在，我代表镇人民政府报告工作。\n"
    assert ("byline", exact) in blocks(text)
    longer = head + fill + "青" + tail
    text = f"青禾镇政府工作报告\n{longer}\n各位代表：\n现在，我代表镇人民政府报告工作。\n"
    assert ("byline", longer) not in blocks(text)


def test_a_line_starting_like_a_session_is_not_joined_to_a_sentence():
    text = "青禾镇工作总结\n2024年1月23日在青禾镇\n召开了全镇经济工作会议，部署全年工作。\n"
    assert ("byline", "2024年1月23日在青禾镇召开了全镇经济工作会议，部署全年工作。") not in blocks(text)


def test_traditional_speaker_and_spaced_office_are_bylines():
    text = "政 府 工 作 報 告\n青禾鄉鄉長 張青山\n各位代表：\n現在，我代表鄉人民政府報告工作。\n"
    assert ("byline", "青禾鄉鄉長 張青山") in blocks(text)
    text = "政 府 工 作 报 告\n乡 长 张 青\n各位代表：\n现在，我代表乡人民政府报告工作。\n"
    assert ("byline", "乡 长 张 青") in blocks(text)


def test_wrapped_session_phrase_is_found(make_index):
    searcher = make_index({"qinghe.txt": REPORT})
    res = searcher.search('"青禾镇第二十届人民代表大会第八次会议"')
    assert res.total == 1 and res.hits[0].kind == "byline"


def test_title_inline_at_the_start_of_a_one_line_text():
    one = "青禾镇镇长述职报告各位领导、同志们：我是今年二月调入青禾镇的，负责政府全面工作。一年来，我们真抓实干，全面完成了年初确定的目标任务。"
    s = parse(one + "\n", ANALYZER)
    assert s.title == "青禾镇镇长述职报告"
    assert ("body", one[len("青禾镇镇长述职报告"):]) in [(k, t) for k, _, t in s.blocks]
    # the page's category written twice after the title, then the title again
    two = ("2021年上半年青禾乡政府工作总结工作总结 2021年上半年青禾乡政府工作总结今年以来，乡党委政府认真落实各项部署，"
           "各项工作基本上时间过半、任务过半，全乡完成国内生产总值1.32亿元，同比增长5.3%。")
    s = parse(two + "\n", ANALYZER)
    assert s.title == "2021年上半年青禾乡政府工作总结"
    assert [t for k, _, t in s.blocks if k == "body"][0].startswith("今年以来")
    # a long first sentence that does not open with a title keeps no title
    three = "全镇上下认真学习贯彻会议精神，团结一心谋发展，攻坚克难求突破，较好地完成了年初确定的目标任务和各项工作，得到了上级肯定。"
    assert parse(three + "\n", ANALYZER).title == ""


def test_title_after_a_site_name_and_a_collection_name():
    text = ("青禾範文站\n\n鄉鎮人大主席團工作報告(三篇)\n\n青禾鎮人大主席團工作報告\n\n鄉鎮人大主席團工作報告(三篇)\n\n"
            "各位代表:\n\n我受鎮人民代表大會主席團委託，向大會報告工作。\n")
    s = parse(text, ANALYZER)
    assert s.title == "青禾鎮人大主席團工作報告"
    assert "青禾範文站" in s.chrome and "鄉鎮人大主席團工作報告(三篇)" in s.chrome


def test_traditional_photo_captions_and_pinyin_glosses():
    text = ("5月28日上午，青禾鎮(zhèn)第十七屆人民代表大會第七次會議勝利閉幕。\n"
            "(大會現(xiàn)場)\n"
            "大會聽取並審議了《政府工作報告》。\n"
            "▲ 代表們審議報告\n"
            "圖：青禾鎮全景\n"
            "(2019年6月)\n"
            "會議號召全鎮上下團結一心。\n")
    got = blocks(text)
    assert ("caption", "(大會現場)") in got  # the gloss is gone, the bracketed line is a caption
    assert ("caption", "▲ 代表們審議報告") in got and ("caption", "圖：青禾鎮全景") in got
    assert ("caption", "(2019年6月)") not in got  # digits in brackets: a date, not a photo
    assert "青禾鎮第十七屆人民代表大會" in " ".join(t for _, t in got)
    assert "zhèn" not in " ".join(t for _, t in got)


def test_pinyin_gloss_needs_a_tone_mark():
    got = " ".join(t for _, t in blocks("青禾镇工作总结\n全镇推进数字化(app)应用，成效明显。\n"))
    assert "(app)" in got


def _sentence_of(n: int) -> str:
    """A text of exactly ``n`` characters, full stops inside, none at its end."""
    base = "全镇上下团结一心，各项工作稳步推进。"
    text = (base * (n // len(base) + 1))[:n]
    return text if not text.endswith("。") else text[:-1] + "进"


def test_numbered_page_chunks_of_a_sharing_site_are_one_text():
    from index.reading.structure import MIN_CHUNK

    first = _sentence_of(MIN_CHUNK - 5) + "新建街"
    assert len("1、" + first) == MIN_CHUNK and not first.endswith("。")
    text = f"1、{first}\n2、道办事处便民服务中心，方便群众办事。\n"
    joined = " ".join(t for _, t in blocks(text))
    assert "新建街道办事处便民服务中心" in joined and "2、" not in joined
    # one character shorter: a numbered item, not a page chunk
    short = first[1:]
    text = f"1、{short}\n2、道办事处便民服务中心，方便群众办事。\n"
    assert "新建街道办事处" not in " ".join(t for _, t in blocks(text))


def test_numbered_headings_run_into_a_long_line_stand_alone():
    from index.reading.structure import MIN_RUN_TOGETHER

    lead = "2008年街道办工作总结"
    body = "一年来，街道在区党工委的正确领导下，全力加强社区建设，社区环境进一步改善，人民生活水平进一步提高。"
    tail = "一、加大环境整治力度，绿化美化社区 社区是居民的生活地，社区环境是居民关注的热点。"
    line = lead + body * ((MIN_RUN_TOGETHER - len(tail)) // len(body) + 1) + tail
    assert len(line) >= MIN_RUN_TOGETHER
    got = blocks(line + "\n")
    assert ("heading", "一、加大环境整治力度，绿化美化社区") in got
    assert parse(line + "\n", ANALYZER).title == lead
    # the same heading in a line shorter than a run-together text stays in its paragraph
    short = body + tail
    assert len(short) < MIN_RUN_TOGETHER
    assert ("heading", "一、加大环境整治力度，绿化美化社区") not in blocks("青禾街道工作总结\n" + short + "\n")


def test_place_and_document_number_lines_are_bylines():
    text = ("青禾镇工作规则\n镇政发〔2024〕7号\n时间：2019年1月28日\n地点：青禾县青禾镇\n"
            "第一章 总则\n本规则依据有关法律制定。\n(代表對有關決議(草案)進行表決)\n會議號召全鎮團結一心。\n")
    got = blocks(text)
    for line in ("镇政发〔2024〕7号", "时间：2019年1月28日", "地点：青禾县青禾镇"):
        assert ("byline", line) in got
    assert ("caption", "(代表對有關決議(草案)進行表決)") in got
    assert ("heading", "第一章 总则") in got


def test_signature_lines_above_the_closing_date_are_bylines_not_headings():
    body = "关于做好春季森林防火工作的通知\n一、压实防火责任\n各村要落实网格护林员，严禁野外用火。\n"
    two = blocks(body + "中共青禾镇委员会\n青禾镇人民政府\n2024年2月26日\n")  # SIGNATURE_LINES = 2: both sign
    assert ("byline", "中共青禾镇委员会") in two and ("byline", "青禾镇人民政府") in two
    three = blocks(body + "青禾镇防火指挥部\n中共青禾镇委员会\n青禾镇人民政府\n2024年2月26日\n")
    assert ("byline", "青禾镇防火指挥部") not in three and ("byline", "中共青禾镇委员会") in three
    # not the document's end: a short line above a date inside the text keeps its own rules
    inside = blocks(body + "二、加强巡查值守\n2024年2月26日\n节假日期间实行二十四小时值班制度。\n")
    assert ("heading", "二、加强巡查值守") in inside


def test_title_run_into_the_text_after_a_publication_line():
    # the page's publication line above a one-line text that opens with its title
    text = ("发布时间：2023-05-06 来源：本站\n"
            "青禾镇镇长述职报告各位领导、同志们：我是今年二月调入青禾镇的，负责政府全面工作。一年来，我们真抓实干，完成了目标任务。\n")
    s = parse(text, ANALYZER)
    assert s.title == "青禾镇镇长述职报告"
    assert ("byline", "发布时间：2023-05-06 来源：本站") in blocks(text)
    # five lines above it are past the opening (LOOKAHEAD lines): no title is looked for there
    from index.reading.structure import LOOKAHEAD
    above = "".join(f"来源：青禾镇第{n}站\n" for n in range(LOOKAHEAD))
    assert parse(above + text.split("\n", 1)[1], ANALYZER).title == ""


def test_spaced_title_after_a_byline_is_the_title_and_a_spaced_name_a_byline():
    text = ("来源：青禾镇人民政府\n政 府 工 作 报 告\n"
            "——2024年1月23日在青禾镇第二十届人民代表大会第八次会议上\n镇 长 李 青 山\n各位代表：\n现在，我代表镇人民政府向大会报告工作。\n")
    s = parse(text, ANALYZER)
    assert s.title == "政 府 工 作 报 告"
    assert ("byline", "镇 长 李 青 山") in blocks(text)
    # under the page's own title the spaced name of the document stays a byline, no heading
    paged = "青禾镇2023年政府工作报告\n发布时间：2024-01-25\n" + text.split("\n", 1)[1]
    assert parse(paged, ANALYZER).title == "青禾镇2023年政府工作报告"
    assert ("byline", "政 府 工 作 报 告") in blocks(paged)
    # a spaced line that names no document is a signature, at the top too
    assert parse("来源：青禾镇\n李 青 山 王 小 明\n现在，我代表镇人民政府向大会报告工作。\n", ANALYZER).title == ""


def test_an_item_of_a_sites_collection_is_a_heading_not_the_title():
    for name in ("春节青禾镇工作总结1", "街道办事处年终总结(9)", "青禾鎮工作總結（12）"):
        text = f"{name}\n为推进乡村文化繁荣发展，青禾镇开展了系列活动。\n一、加强组织领导\n乡党委高度重视。\n"
        s = parse(text, ANALYZER)
        assert s.title == "", name
    # a number of three digits is no serial: a title all the same
    assert parse("春节青禾镇工作总结123\n为推进乡村文化繁荣发展，青禾镇开展了系列活动。\n", ANALYZER).title != ""


def test_a_first_line_whose_sentence_ends_below_it_is_no_title():
    text = ("在过去的一年中，青禾镇在县委县政府的正确领导下，紧紧围绕\n"
            "经济发展和社会进步两大主题，取得了显著的成绩。\n一、经济建设稳步发展\n全年完成投资3亿元。\n")
    s = parse(text, ANALYZER)
    assert s.title == ""
    assert s.blocks[0][2].startswith("在过去的一年中") and s.blocks[0][2].endswith("显著的成绩。")
    # a short line above a text that starts on the next line is a title all the same
    titled = "青禾镇2023年工作总结\n" + text
    assert parse(titled, ANALYZER).title == "青禾镇2023年工作总结"


def test_numbered_heading_run_on_before_the_words_that_open_a_sentence():
    from index.reading.lines import MIN_RUN_ON, inline_heading

    text = "一、抢抓机遇、优化产业，经济工作再上新水平今年以来，镇政府因地制宜谋发展，农民收入稳步增长。"
    assert inline_heading(text) == "一、抢抓机遇、优化产业，经济工作再上新水平"
    # MIN_RUN_ON characters in two parts before 一年来 make a heading, one fewer do not
    parts = "稳、" + "进" * (MIN_RUN_ON - 2)
    assert inline_heading("二、" + parts + "一年来，全镇上下团结一心，经济稳步增长。") == "二、" + parts
    assert inline_heading("二、" + parts[:-1] + "一年来，全镇上下团结一心，经济稳步增长。") == ""
    # one phrase before it is the sentence's subject
    assert inline_heading("二、" + "稳进" * MIN_RUN_ON + "一年来，全镇上下团结一心，经济稳步增长。") == ""
    # a weaker opening (2023年，) still needs the heading to end with a section's word
    assert inline_heading("三、经济再上新水平2023年，全镇上下团结一心，经济稳步增长。") == ""
    # a clause ending with a comma before the opening words is the sentence's first clause
    assert inline_heading("1、农田水利与道路建设，今年以来，全镇新修道路十二公里，群众满意。") == ""
    assert inline_heading("1、农田水利与道路建设,今年以来,全镇新修道路十二公里,群众满意。") == ""
    assert inline_heading("1、农田水利、道路建设今年以来，全镇新修道路十二公里，群众满意。") == "1、农田水利、道路建设"


def test_an_unnumbered_heading_between_wide_spaces_of_a_long_line_stands_alone():
    from index.reading.structure import MIN_PLAIN_RUN_IN, MIN_RUN_TOGETHER

    body = "一年来，全镇上下在镇党委的正确领导下，团结一心，社会事业稳步发展，人民生活水平进一步提高。"
    head = "过去五年的工作回顾"
    line = "各位代表：  " + body * (MIN_RUN_TOGETHER // len(body) + 1) + "  " + head + "  " + body
    got = blocks("青禾镇政府工作报告\n" + line + "\n")
    assert ("heading", head) in got
    # after an unfinished sentence, or shorter than MIN_PLAIN_RUN_IN, it stays in its paragraph
    cut = line.replace("提高。  " + head, "提高，  " + head)
    assert ("heading", head) not in blocks("青禾镇政府工作报告\n" + cut + "\n")
    short = "回" * (MIN_PLAIN_RUN_IN - 1)
    assert ("heading", short) not in blocks("青禾镇政府工作报告\n" + line.replace(head, short) + "\n")
    assert ("heading", "回" * MIN_PLAIN_RUN_IN) in blocks("青禾镇政府工作报告\n" + line.replace(head, "回" * MIN_PLAIN_RUN_IN) + "\n")


def test_a_numbered_heading_ending_with_a_colon_over_its_sub_headings():
    text = ("青禾街道工作总结\n一年来，街道上下团结一心，完成各项任务。\n一、2023年工作基本情况：\n"
            "（一）创新工作形式，打造社区品牌。\n街道全面打造社区品牌，服务水平进一步提高。\n")
    assert ("heading", "一、2023年工作基本情况：") in blocks(text)
    # the same line over a line of text introduces it: no heading
    plain = text.replace("（一）创新工作形式，打造社区品牌。\n", "")
    assert ("heading", "一、2023年工作基本情况：") not in blocks(plain)


def test_a_document_name_between_wide_spaces_is_no_heading():
    from index.reading.structure import MIN_RUN_TOGETHER

    body = "一年来，全乡上下在乡党委的正确领导下，团结一心，社会事业稳步发展，人民生活水平进一步提高。"
    news = "乡人大主席李青作《2023年人大工作报告》"
    line = body * (MIN_RUN_TOGETHER // len(body) + 1) + "  " + news + "  " + body
    assert not any(k == "heading" for k, _ in blocks("青禾乡人代会胜利召开\n" + line + "\n"))


def test_a_numbered_line_ending_with_a_colon_over_a_list_is_no_heading():
    items = ("青禾街道工作总结\n一年来，街道上下团结一心，完成各项任务。\n一、2023年工作基本情况：\n"
             "（一）社区建设\n（二）平安建设\n（三）民生保障\n")
    assert ("heading", "一、2023年工作基本情况：") not in blocks(items)
    sentences = ("青禾街道工作总结\n一、服务保障要求至少包括：\n"
                 "（一）街道应建立健全服务责任制度，确定服务负责人，落实各项保障责任。\n"
                 "（二）街道应定期检查服务质量。\n")
    assert ("heading", "一、服务保障要求至少包括：") not in blocks(sentences)


def test_speaker_and_date_lines_of_a_banner_and_a_nominee_are_bylines():
    from index.reading.lines import SESSION_LINE, SPEAKER

    page = ("政府工作报告\n——在青禾镇第四届人民代表大会第三次会议上\n青禾镇党委副书记、政府镇长提名人选     张某某\n"
            "(2023年4月20日)\n各位代表:\n现在,我代表青禾镇人民政府向大会报告工作,请予审议。\n一、2022年工作回顾\n"
            "2022年,全镇经济稳步增长。\n")
    s = parse(page, ANALYZER)
    bylines = [t for k, _, t in s.blocks if k == "byline"]
    headings = [t for k, _, t in s.blocks if k == "heading"]
    assert len(bylines) == 3 and headings == ["一、2022年工作回顾"]
    assert SPEAKER.match("旗人民政府代旗长 双宝") and SPEAKER.match("青禾旗旗長 張某某")
    assert not SPEAKER.match("旗长带队检查草原防火工作")
    assert SESSION_LINE.match("（2023年4月20日）") and not SESSION_LINE.match("（2023年4月20日下午）")
    assert not SESSION_LINE.match("——在会议上")  # no place or session named
    assert not SESSION_LINE.match("在青禾镇第四届人民代表大会第三次会议上")  # no dash: a sentence's start
