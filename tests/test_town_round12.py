"""Town text as it really comes, twelfth round (issue 18): a page's publication data written as a
list of keys and values, a share prompt, a date-and-session line in brackets, an official title
wrapped at 关于 and 的 under a numbered paper's label, a one-line text that opens with its
letter-spaced title, a news item's letter-spaced subheads, a ranking within the unit above
(全区首个) that is no voice of that unit, and a year before the one a report looks back on, which
never labels it. Invented report text in the style of town governments; real
gazetteer names."""

from __future__ import annotations

from town_text import ANALYZER, LONG, PARAGRAPH, headings

from index.reading import metadata as meta
from index.reading.chrome import MAX_VALUE, MIN_LIST_KEYS, is_chrome, key_list
from index.reading.places import Gazetteer
from index.reading.structure import MAX_SPACED_HEADING, MIN_SPACED_HEADING, parse

GAZ = Gazetteer.load()



# ------------------------------------------------------------------ publication data as a list


def test_a_run_of_list_lines_with_bare_publication_keys_is_a_pages_data():
    assert MIN_LIST_KEYS == 2
    lines = ["- 索引号", "- 1234-5/2021-0001", "- 发文机构", "- 青禾区青禾乡人民政府", "- 日期", "- 2021-04-15"]
    assert key_list(lines) == set(range(6))
    # one bare key only: a list of the text's own
    one = ["- 索引号", "- 1234-5/2021-0001", "- 公开目录", "- 青禾区青禾乡人民政府"]
    assert key_list(one) == set()
    # keys spaced out count (文 号); blank lines between the list's lines are no break
    assert key_list(["- 文 号", "", "- 浏览量", "- 12"]) == {0, 2, 3}
    # a list line longer than a value, or a sentence, ends the run
    assert key_list(["- 索引号", "- " + "青" * (MAX_VALUE + 1), "- 发文机构"]) == set()
    assert key_list(["- 索引号", "- " + "青" * MAX_VALUE, "- 发文机构"]) == {0, 1, 2}
    assert key_list(["- 索引号", "- 全乡完成任务。", "- 发文机构"]) == set()


def test_a_pages_data_list_gives_neither_title_nor_year():
    text = ("青禾乡2020年度政府工作报告\n- 索引号\n- 1234-5/2021-0001\n- 发文机构\n- 青禾区青禾乡人民政府\n"
            "- 日期\n- 2021-04-15\n青禾乡政府工作报告\n一、2020年工作回顾\n" + LONG)
    s = parse(text, ANALYZER)
    assert s.title == "青禾乡2020年度政府工作报告"
    assert "- 2021-04-15" in s.chrome
    body = "\n".join(t for k, _, t in s.blocks if k != "title")
    assert meta.years(s.title + " " + s.subtitle, body, "\n".join(s.chrome))[0] == 2020


# ------------------------------------------------------------------ a share prompt


def test_a_share_prompt_and_a_contribution_link_are_site_words():
    assert is_chrome("微信扫一扫分享")
    assert is_chrome("我要投稿")
    assert is_chrome("扫一扫")
    assert not is_chrome("扫一扫就能办事")  # words that are no site's
    text = "青禾网\n我要投稿\n微信扫一扫分享\n青禾镇召开半年工作通报会\n2014-08-01 13:52\n" + PARAGRAPH
    assert parse(text, ANALYZER).title == "青禾镇召开半年工作通报会"


# ------------------------------------------------------------------ date and session in brackets


def test_a_bracketed_date_and_session_is_a_byline_not_a_heading():
    line = "(2017年2月10日青禾镇十七届人大二次会议)"
    text = "关于青禾镇政府工作报告的决议\n" + line + "\n" + PARAGRAPH + LONG
    assert line not in headings(text)
    assert any(k == "byline" and t == line for k, _, t in parse(text, ANALYZER).blocks)
    # no date at its head: a bracketed line of another kind
    other = "(青禾镇十七届人大二次会议)"
    assert not any(k == "byline" and t == other for k, _, t in parse(text.replace(line, other), ANALYZER).blocks)


# ------------------------------------------------------------------ a wrapped official title


def test_an_official_title_wrapped_at_about_and_at_of_is_one_title():
    text = ("青禾镇第十七届人民代表大会第二次会议\n关于《青禾镇政府工作报告》\n的决议(草案)\n"
            "(2017年2月10日青禾镇十七届人大二次会议)\n" + PARAGRAPH)
    assert parse(text, ANALYZER).title == "青禾镇第十七届人民代表大会第二次会议关于《青禾镇政府工作报告》的决议(草案)"
    # in traditional script too
    tw = "青禾鎮第十七屆人民代表大會第二次會議\n關于《青禾鎮政府工作報告》\n的決議(草案)\n" + PARAGRAPH
    assert parse(tw, ANALYZER).title == "青禾鎮第十七屆人民代表大會第二次會議關于《青禾鎮政府工作報告》的決議(草案)"
    # 关于 under a line that names no session: not joined to it
    s = parse("青禾镇人大主席团工作\n关于《青禾镇政府工作报告》\n" + PARAGRAPH, ANALYZER)
    assert "工作关于" not in s.title


def test_a_numbered_papers_label_gives_way_to_the_papers_own_title():
    text = ("青禾镇十七届人大二次会议文件(12)\n青禾镇第十七届人民代表大会第二次会议\n关于《青禾镇政府工作报告》\n"
            "的决议(草案)\n" + PARAGRAPH)
    s = parse(text, ANALYZER)
    assert s.title.endswith("的决议(草案)") and s.subtitle == "青禾镇十七届人大二次会议文件(12)"
    # without its number the first line stays the title
    s = parse(text.replace("文件(12)", "文件汇编"), ANALYZER)
    assert s.title == "青禾镇十七届人大二次会议文件汇编"


# ------------------------------------------------------------------ a letter-spaced title in one line


def test_a_one_line_text_opening_with_its_letter_spaced_title():
    line = ("政 府 工 作 报 告 2010年1月29日在青禾镇第十五届人民代表大会第七次会议上 某某某 各位代表: "
            "现在,我代表镇人民政府向大会作工作报告,请予审议。 一、过去一年的工作回顾 " + LONG.strip() * 2)
    s = parse(line, ANALYZER)
    assert s.title == "政府工作报告"
    assert any(t.startswith("2010年1月29日在青禾镇") for k, _, t in s.blocks if k != "title")
    # spaced words that name no report: no title taken from them
    assert parse(line.replace("政 府 工 作 报 告", "青 禾 镇 大 会", 1), ANALYZER).title != "青禾镇大会"


# ------------------------------------------------------------------ letter-spaced subheads


def test_a_letter_spaced_line_between_paragraphs_is_a_subhead_unless_it_signs():
    assert (MIN_SPACED_HEADING, MAX_SPACED_HEADING) == (4, 8)

    def text(line: str) -> str:
        return "青禾街道召开居民议事会\n" + LONG + line + "\n" + PARAGRAPH + LONG

    assert "会议流程" in headings(text("会 议 流 程"))
    assert "会议流程" not in headings(text("会 议 流 程").replace(LONG, LONG.replace("。", "，"), 1).replace(
        PARAGRAPH, PARAGRAPH.replace("。", "，")))  # no sentence ends on either side
    assert "分组谈" not in headings(text("分 组 谈"))  # three characters or fewer: a name spaced out
    assert "分组讨论会议发言" in headings(text("分 组 讨 论 会 议 发 言"))  # eight
    assert "分组讨论会议发言交" not in headings(text("分 组 讨 论 会 议 发 言 交"))  # nine
    for signature in ("镇 长 司 马 某", "青 禾 镇 人 民 政 府", "青 禾 科 技 部", "政 府 工 作 报 告"):
        assert SPACES_OUT(signature) not in headings(text(signature))


def SPACES_OUT(text: str) -> str:
    return text.replace(" ", "")


# ------------------------------------------------------------------ a ranking is no unit's voice


def test_a_ranking_within_the_unit_above_is_no_voice_of_that_unit():
    assert len(GAZ.units("翠竹街道", "township")) == 1
    text = "2022年，翠竹街道坚持党建引领，建立全区首个社会组织党群服务中心，各项工作取得新成效。"
    got = meta.extract("", "", text, "fallback", ANALYZER, GAZ)
    assert got.town == "翠竹街道" and got.county == "罗湖区"
    # the unit above speaking (全区经济…): a district's text, no town named once
    spoken = "2022年，翠竹街道开展活动。全区经济稳中有进，全区财政收入增长。"
    assert meta.extract("", "", spoken, "fallback", ANALYZER, GAZ).town is None
    for ranking in ("全区第一", "全区前列", "全区排名", "全区领先", "全区率先"):
        assert not meta.SELF_ABOVE.search(ranking)
    assert meta.SELF_ABOVE.search("全区经济")


# ------------------------------------------------------------------ a year before the one reviewed


def test_a_year_before_the_one_reviewed_never_labels_the_report():
    body = ("各位代表:\n现在,我代表镇人民政府,向大会作工作报告,请予审议。\n"
            "一、“十一五”期间工作回顾和2010年工作情况\n我镇先后获得2009年度先进单位、2009年度优秀单位等称号。\n")
    # 回顾和2010年 is a reviewed year; the session's year is not given: no label, 2009 least of all
    assert meta.years("政府工作报告", body) == (None, None)
    assert meta.years("政府工作报告", body.replace("回顾和2010年", "回顾和2008年"))[0] == 2009
    # a later year named as often labels it as before
    later = body + "2011年,全镇要抓好项目建设。2011年度目标任务全面完成。\n"
    assert meta.years("政府工作报告", later)[0] == 2011
