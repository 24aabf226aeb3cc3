"""The year a town report is labelled with: its session or date line before the title's
year and before counts of YYYY年; the reviewed year kept as ``review_year``. Invented
reports in the style of town governments."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.metadata import SESSION_CHARS, years
from index.reading.structure import parse

ANALYZER = Analyzer()


def test_session_line_beats_the_title_year_and_gives_the_reviewed_year():
    head = "青禾镇2018年政府工作报告 2019年2月26日在青禾镇第十四届人民代表大会第三次会议上"
    assert years(head, "2018年，全镇完成投资3亿元。2018年新建道路5公里。") == (2019, 2018)


def test_dated_line_beats_the_most_mentioned_year():
    text = "（2019年6月）\n2018年全镇财政收入增长。2018年完成投资。2018年新建学校。"
    assert years("青禾镇半年工作总结", text) == (2019, 2018)
    # without the dated line the counts decide
    assert years("青禾镇半年工作总结", text.split("\n", 1)[1]) == (2018, 2018)


def test_iso_date_line_and_time_line():
    assert years("青禾镇召开人代会", "2024-12-28\n会议听取了2024年工作报告。")[0] == 2024
    assert years("青禾镇召开人代会", "时间：2019年1月28日\n过去的2018年，全乡脱贫。")[0] == 2019
    # a date inside a sentence is no date line
    assert years("青禾镇召开人代会", "会议定于2024-12-28召开，2023年工作已完成。")[0] == 2023


def test_news_of_a_session_is_labelled_by_the_day_it_was_held():
    text = "青禾镇第十三届人民代表大会于2015年5月19日顺利召开。会议审议了2014年工作报告。2014年全镇增收。"
    assert years("", text) == (2015, 2014)


def test_session_line_only_in_the_opening():
    filler = "全镇上下团结一心，各项工作稳步推进。" * (SESSION_CHARS // 18 + 1)
    late = filler + "2016年3月1日在青禾镇第十届人民代表大会第二次会议上，2015年工作获好评。2015年完成投资。"
    assert len(filler) >= SESSION_CHARS
    assert years("", late)[0] == 2015
    early = filler[:SESSION_CHARS - 60] + "2016年3月1日在青禾镇第十届人民代表大会第二次会议上"
    assert years("", early)[0] == 2016


def test_date_line_is_a_byline_not_joined_to_the_text():
    s = parse("青禾乡代会开议\n• 2002-11-22\n【本报记者报道】青禾乡民代表会第七届\n第一次定期大会今日开议。\n", ANALYZER)
    kinds = [(k, t) for k, _, t in s.blocks]
    assert ("byline", "• 2002-11-22") in kinds


def test_review_year_in_the_document_view(make_index):
    report = ("青禾镇2018年政府工作报告\n\n——2019年2月26日在青禾镇第十四届人民代表大会第三次会议上\n\n"
              "各位代表：\n\n2018年，全镇完成固定资产投资3亿元。\n")
    searcher = make_index({"qinghe.txt": report, "plain.txt": "青禾镇2020年工作总结\n\n全年完成投资。\n"})
    docs = {d["source"]: d for d in searcher.documents()}
    assert (docs["qinghe.txt"]["year"], docs["qinghe.txt"]["review_year"]) == (2019, 2018)
    assert (docs["plain.txt"]["year"], docs["plain.txt"]["review_year"]) == (2020, 2020)
    doc = searcher.document(docs["qinghe.txt"]["doc_id"])
    assert doc["review_year"] == 2018
    assert searcher.search("投资", year="2019").total == 1


def test_year_rules_read_traditional_text_as_simplified():
    # 現將…如下 names the year the text reports on, before the year mentioned most (2021)
    text = "2021年以來，全鎮穩步發展，2021年完成投資3億元。現將2022年度工作匯報如下：一是穩步推進。"
    assert years("青禾鎮工作匯報", text)[0] == 2022
    assert years("青禾鎮工作匯報", text.replace("現將", "今將"))[0] == 2021


def test_a_meeting_held_names_the_year_it_looks_back_on():
    text = "2月8日，青禾鎮召開了2020年度年終工作總結、今冬明春重點工作部署會。會上，對2020年度重點工作做了總結。"
    assert years("", text)[0] == 2020
    # a year only looked back on, with no meeting held under its name, labels nothing
    assert years("", "2020年工作回顧。會上，對2020年度重點工作做了總結。")[0] is None


def test_a_congress_session_is_labelled_by_the_later_of_two_tied_years():
    text = ("3月28日青禾镇第六届人民代表大会第三次会议胜利召开。会议审议了青禾镇2017年财政执行情况及2018年财政预算，"
            "回望2017年成绩，谋划2018年发展。")
    assert years("青禾镇人代会召开", text)[0] == 2018
    # without a congress the earlier of the tied years, as before
    assert years("青禾镇会议召开", text.replace("人民代表大会第三次会议", "干部大会"))[0] == 2017
    # years not in a row: the rule does not apply
    far = text.replace("2018年", "2019年")
    assert years("青禾镇人代会召开", far)[0] == 2017


def test_a_news_item_opening_with_an_iso_date():
    text = " date 2026-01-31 為深化基層施政，青禾鄉公所召開村長會報。2023年以來成效明顯，2023年完成項目5個。"
    assert years("", text)[0] == 2026
    assert years("", "日期：2026-01-31 青禾鄉召開會議。2023年以來成效明顯，2023年完成項目5個。")[0] == 2026
    # inside a sentence it is no opening date
    assert years("", "青禾鄉於 2026-01-31 召開會議。2023年以來成效明顯，2023年完成項目5個。")[0] == 2023
