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
