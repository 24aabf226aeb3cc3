"""Places of town reports: a unit written before a shared town name resolves it (in
either script), a town named once counts when that is enough, shape-guessed names never
start with a function word. Invented report text; real gazetteer names."""

from __future__ import annotations

import re

from index.analysis import Analyzer
from index.reading.metadata import extract
from index.reading.places import Gazetteer

ANALYZER = Analyzer()
GAZ = Gazetteer.load()


def places(title: str, text: str) -> dict:
    m = extract(title, "", text, "fallback", ANALYZER, GAZ)
    return {"town": m.town, "county": m.county, "level": m.level}


def test_shared_town_with_its_county_before_it():
    assert len(GAZ.units("高山镇", "township")) > 1  # the name is shared: the county decides
    got = places("荥阳市高山镇2021年工作总结", "全镇上下团结一心，完成各项任务。")
    assert got == {"town": "高山镇", "county": "荥阳市", "level": "township"}
    # traditional script: 鶴壁淇縣西崗鎮 is 淇县's 西岗镇, not a town named 淇县西岗镇
    got = places("鶴壁淇縣西崗鎮工作總結", "全鎮上下團結一心。")
    assert got["town"] == "西岗镇" and got["county"] == "淇县"


def test_town_named_once_when_unique_in_the_gazetteer():
    assert len(GAZ.units("相公庄街道", "township")) == 1
    got = places("", "相公庄街道召开半年工作总结会，会议总结了上半年工作。")
    assert got["town"] == "相公庄街道" and got["level"] == "township"


def test_shared_town_named_once_stays_unresolved_without_its_county():
    assert len(GAZ.units("高山镇", "township")) > 1
    got = places("", "高山镇召开半年工作总结会，会议总结了上半年工作。")
    assert got["town"] is None
    got = places("", "荥阳市高山镇召开半年工作总结会，会议总结了上半年工作。")
    assert got["town"] == "高山镇" and got["county"] == "荥阳市"


def test_shared_town_named_once_in_a_text_that_speaks_as_a_town():
    from index.reading.metadata import MIN_TOWN_VOICE

    voice = "镇党委高度重视，镇政府狠抓落实。"
    assert len(re.findall(r"镇党委|镇政府", voice)) == MIN_TOWN_VOICE
    got = places("", "今年二月我调入高山镇工作。" + voice)
    assert got["town"] == "高山镇" and got["county"] is None and got["level"] == "township"
    # one word of a town's voice fewer: a name several towns share stays unresolved
    assert places("", "今年二月我调入高山镇工作。镇党委高度重视。")["town"] is None
    # the name's first character making a word with the one before it: no town named
    assert len(GAZ.units("林城镇", "township")) > 1
    assert places("", "获得省级森林城镇称号。" + voice)["town"] is None
    # a town's speaker (我代表镇人民政府) and the one town it names
    got = places("镇长述职报告", "我代表镇人民政府报告工作。我于二月调入高山镇。" + voice)
    assert got["town"] == "高山镇" and got["level"] == "township"


def test_town_named_once_does_not_win_a_county_report():
    text = "相公庄街道召开会议。全县经济稳中有进，全县财政收入增长，全县新建学校。"
    assert places("", text)["town"] is None


def test_shape_guessed_names_never_start_with_a_function_word():
    text = "过去的五年，是我镇发展极不平凡的五年。在本镇党委领导下，全镇上下团结一心。" * 2
    assert places("", text)["town"] is None
    assert places("上半年某乡政府工作总结", "今年以来，全乡上下团结一心。")["town"] is None
    # the same shape without the function word is a name (a town no gazetteer lists)
    got = places("青禾坪镇2021年工作总结", "青禾坪镇全年完成投资。全镇上下团结一心。")
    assert got["town"] == "青禾坪镇"


def test_an_unnamed_town_report_gets_its_level_from_how_it_speaks():
    from index.reading.metadata import MIN_TOWN_VOICE

    assert MIN_TOWN_VOICE == 2
    one = "今年以来，我镇完成投资3亿元。"
    assert places("工作总结", one)["level"] is None
    two = "今年以来，我镇完成投资3亿元。镇党委加强领导。"
    assert places("工作总结", two)["level"] == "township"
    # as many words of a county's voice: not a town's report
    even = two + "全县上下团结一心。我县经济增长。"
    assert places("工作总结", even)["level"] is None
    # 我们乡镇: a town speaking of itself too
    we = "一年来，我们乡镇稳步发展。我们乡镇完成投资3亿元。"
    assert places("工作总结", we)["level"] == "township"
    assert places("工作总结", we.split("。")[0] + "。")["level"] is None


def test_a_town_named_once_must_be_written_whole():
    # 团结一心，乡镇企业: the normalized text runs 一心 into 乡镇, but no 一心乡 is named
    assert places("全镇2022年工作总结", "全镇上下团结一心，乡镇企业稳步发展。")["town"] is None
    assert places("", "相公庄街道，召开半年工作总结会。")["town"] == "相公庄街道"


def test_a_shape_guessed_name_read_as_two_words_is_no_town():
    # 大会 + 乡长, 代理 + 镇长, 推进 + 乡村: common words wherever the text writes them
    assert places("人民代表大会乡长工作报告", "人民代表大会乡长作报告。全乡上下团结一心。")["town"] is None
    assert places("代理镇长施政报告", "代理镇长表示，将推进乡村振兴。全镇上下团结一心。")["town"] is None
    # written on its own once: a name (a town no gazetteer lists)
    got = places("代理镇长施政报告", "代理镇长表示，代理镇全年完成投资。全镇上下团结一心。")
    assert got["town"] == "代理镇"
    # a word the dictionary tags as a place's or person's name starts a name, 镇长 after it or not
    assert ANALYZER.is_proper_name("玉里") and not ANALYZER.is_proper_name("代理")
    assert places("玉里镇长施政报告", "玉里镇长表示，全镇上下团结一心。")["town"] == "玉里镇"


def test_a_name_cut_by_the_end_of_the_opening_is_read_with_what_follows():
    from index.reading.town_names import OPENING_CHARS

    lead = "全乡上下团结一心，"
    filler = "完成各项任务。" * ((OPENING_CHARS - len(lead) - 3) // 7)
    opening = lead + filler + "，" * (OPENING_CHARS - len(lead) - len(filler) - 3) + "推进乡"
    assert len(opening) == OPENING_CHARS  # the opening ends right after 推进乡, 村 beyond it
    text = opening + "村振兴，加快推进乡村建设。"
    assert places("", text)["town"] is None
