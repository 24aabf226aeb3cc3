"""Site chrome of saved web pages (index/reading/chrome.py) kept out of title, headings and
passages. Fixtures are invented pages in the style of town government sites."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.chrome import MAX_CELL, MAX_CHROME_LINE, MAX_VALUE, is_chrome, page_names
from index.reading.structure import parse

ANALYZER = Analyzer()

PAGE = """• 关怀版
  • 无障碍
您的位置: 首页 > 政务公开 > 乡镇动态
索引号: 0011/2023-00082 发布机构: 青禾镇
[ 主题分类 ] | 综合政务 |
青禾镇2023年工作总结
浏览量:1 | |

一、经济运行稳中有进

全年完成固定资产投资3.2亿元，同比增长8%。

二、民生事业扎实推进

新建村级卫生室4所。

扫一扫在手机打开当前页
【打印正文】
"""


def kinds_of(text: str) -> dict[str, list[str]]:
    s = parse(text, ANALYZER)
    out: dict[str, list[str]] = {"title": [s.title], "title lines": []}
    for kind, _, t in s.blocks:
        kind = "title lines" if kind == "title" else kind
        out.setdefault(kind, []).append(t)
    out["chrome"] = s.chrome
    return out


def test_chrome_is_out_of_title_headings_and_passages():
    got = kinds_of(PAGE)
    assert got["title"] == ["青禾镇2023年工作总结"]
    assert got["heading"] == ["一、经济运行稳中有进", "二、民生事业扎实推进"]
    passages = " ".join(t for k, ts in got.items() if k not in ("chrome",) for t in ts)
    for word in ("关怀版", "索引号", "主题分类", "浏览量", "扫一扫", "打印正文", "您的位置"):
        assert word not in passages
    assert "索引号: 0011/2023-00082 发布机构: 青禾镇" in got["chrome"]


def test_site_word_line_length_edge():
    exact = "首页" * (MAX_CHROME_LINE // 2)
    assert len(exact) == MAX_CHROME_LINE and is_chrome(exact)
    assert not is_chrome(exact + "大")  # site words still, but one character past the edge
    assert is_chrome("• 关怀版  • 无障碍  政务微信")
    assert not is_chrome("首页建设")  # a word beside a site word: content
    # a line of separators alone (a stray 、) is no chrome: it glues to the sentence before
    assert not is_chrome("、")
    assert is_chrome("欢迎访问青禾县人民政府网站!")


def test_pipe_row_cell_length_edge():
    cell = "镇" * MAX_CELL
    assert is_chrome(f"{cell} | 省委 | 省政府")
    assert not is_chrome(f"{cell}镇 | 省委 | 省政府")
    # a Markdown table's rows are content
    assert not is_chrome("| 指标 | 数值 |", tables=True)
    assert not is_chrome("新建公厕｜座｜6；")  # a table row as the format readers write it
    assert not is_chrome("青禾镇位于县城东部 | 全镇共有12个行政村。")


def test_publication_lines():
    assert is_chrome("来源:青禾镇人民政府 作者:张某 发布时间:2023-11-02 08:36")  # two keys
    assert is_chrome("发文日期: 2023-01-25")  # one key opening a line without a full stop
    assert not is_chrome("发文日期: 2023-01-25，会议决定批准这个报告。")
    assert not is_chrome("经济运行来源于工业增长")  # a key word inside a sentence is no key


def test_bare_key_takes_its_value_from_the_next_line():
    value = "1" * MAX_VALUE
    got = kinds_of(f"青禾镇工作规则\n• 索引号:\n{value}\n第一章 总则\n本规则依据有关法律制定。\n")
    assert value in got["chrome"]
    longer = "1" * (MAX_VALUE + 1)
    got = kinds_of(f"青禾镇工作规则\n• 索引号:\n{longer}\n第一章 总则\n本规则依据有关法律制定。\n")
    assert longer not in got["chrome"]


def test_page_names_of_sharing_sites():
    assert is_chrome("青禾镇工作汇报_第3页")
    assert is_chrome("第3页 / 共13页")
    assert not is_chrome("第3页的表格列出了各村数据。")
    # the page's name: the site's name joined to the title, and the title written again
    lines = ["某县人民政府-青禾镇2023年工作总结", "青禾镇2023年工作总结", "青禾镇2023年工作总结", "全年完成投资3亿元。"]
    assert page_names(lines) == {0, 2}
    assert page_names(["某县人民政府 青禾镇2023年工作总结", "青禾镇2023年工作总结"]) == set()


def test_html_tags_and_title_field():
    got = kinds_of("| 标题:青禾镇民族团结工作汇报 |\n|\n各位领导：我乡是全县唯一的民族乡。\n")
    assert got["title"] == ["青禾镇民族团结工作汇报"]
    got = kinds_of("<p>青禾镇召开人代会</p>\n<p>会议听取了政府工作报告。</p>\n")
    assert got["title"] == ["青禾镇召开人代会"]
    assert "会议听取了政府工作报告。" in got["body"]


def test_chrome_names_the_place_but_not_the_year(make_index):
    page = ("欢迎访问青禾县人民政府网站!\n发布时间:2020-08-03 浏览次数:12\n"
            "镇人大开展民生实事督查\n\n为掌握民生实事项目推进情况，镇人大组织代表进行专项督查。\n")
    searcher = make_index({"page.txt": page})
    doc = searcher.documents()[0]
    assert doc["title"] == "镇人大开展民生实事督查"
    assert doc["year"] is None
    hits = searcher.search("欢迎访问")
    assert hits.total == 0


def test_only_layout_tags_are_dropped():
    # a saved page's layout tags go; anything else in angle brackets is the report's own
    # text (shown escaped on the pages), never silently removed
    blocks = parse("青禾镇工作总结\n\n第一段<br>接着<p class=\"x\">正文</p>\n\n公式<a1>与<script>alert(1)</script>照录。\n",
                   ANALYZER).blocks
    texts = [text for _, _, text in blocks]
    assert "第一段 接着 正文" in texts
    assert "公式<a1>与<script>alert(1)</script>照录。" in texts


def test_site_words_read_in_either_script():
    # a page's title field and a sharing site's slogan, written in traditional characters
    assert kinds_of("| 標題:青禾鎮民族團結工作匯報 |\n各位領導：\n我鎮是全縣唯一的民族鎮。\n")["title"] == ["青禾鎮民族團結工作匯報"]
    slogan = "精選優質文檔-傾情為你奉上 青禾鎮教育工作總結\n一、基本概況\n全鎮共有學校5所。\n"
    assert kinds_of(slogan)["title"] == ["青禾鎮教育工作總結"]
    # a bare traditional key takes its value from the next line, as a simplified one does
    got = kinds_of("青禾鎮人民政府工作規則\n• 索引號:\n1150/2024-001005\n第一章 總則\n第一條 為規範政府工作，制定本規則。\n")
    assert "1150/2024-001005" in got["chrome"]


def test_a_column_line_is_publication_data():
    assert is_chrome("栏目:总结") and is_chrome("欄目：工作總結")
    assert not is_chrome("栏目设置合理，群众满意。")


def test_a_sites_name_after_the_page_title_is_left_out():
    from index.reading.chrome import MIN_TITLE_BEFORE_SITE, clean

    assert clean("青禾镇2023年工作总结_青禾县人民政府网") == "青禾镇2023年工作总结"
    assert clean("青禾镇2023年工作总结 - 青禾文库") == "青禾镇2023年工作总结"
    assert clean("青禾鎮工作總結｜青禾縣政府網站") == "青禾鎮工作總結"
    # a title of MIN_TITLE_BEFORE_SITE characters keeps the rule; one fewer is no title before a site
    title = "青" * MIN_TITLE_BEFORE_SITE
    assert clean(title + "_青禾网") == title
    assert clean(title[:-1] + "_青禾网") == title[:-1] + "_青禾网"
    # a sentence that ends in 网 is text, and so is a hyphen without spaces (a range, a name)
    assert clean("全镇建成光纤_宽带网。") == "全镇建成光纤_宽带网。"
    assert clean("青禾镇-青禾村道路联网") == "青禾镇-青禾村道路联网"
    assert kinds_of("青禾镇2023年工作总结_青禾县人民政府网\n全镇上下团结一心，完成了各项任务。\n")["title"] == ["青禾镇2023年工作总结"]


def test_a_publication_row_with_a_long_value_is_chrome_not_the_title():
    value = "Q1200" + "0" * (MAX_VALUE - 5)  # an index number as long as a value may be
    assert len(value) == MAX_VALUE > MAX_CELL
    assert is_chrome(f"索引号 | {value} | ||")
    assert not is_chrome(f"索引号 | {value}0 | ||")  # one longer: a cell of text
    assert not is_chrome(f"青禾镇 | {value} | ||")  # no publication key in a cell of its own
    assert not is_chrome(f"索引号 | {value}。 |")  # a sentence is no row of data
    page = f"索引号 | {value} | ||\n发布机构 | 青禾镇 |\n青禾镇2023年工作总结和2024年工作思路 |\n一、经济运行稳中有进\n全年完成投资3.2亿元。\n"
    assert parse(page, ANALYZER).title.startswith("青禾镇2023年工作总结和2024年工作思路")


def test_a_sharing_sites_file_name_counters_and_upload_line_are_chrome(make_index):
    # a sharing site's page: the file's name with its badge, counters one to a line, the
    # day it was uploaded and where from; the report's own title and year come after
    page = ("青禾镇2025年工作总结及2026年工作计划.docxVIP\n\n  • 0\n  • 0\n  • 约4.99千字\n  • 约 11页\n"
            "  • 2026-01-22 发布于四川\n  • 举报\n\n青禾镇2025年工作总结及2026年工作计划.docx\n\n"
            "青禾镇2025年工作总结及2026年工作计划\n\n2025年，全镇上下团结一心，较好完成了年度目标任务。\n\n"
            "一、2025年工作回顾\n\n新建高标准农田3200亩。\n")
    searcher = make_index({"page.txt": page})
    doc = searcher.documents()[0]
    assert doc["title"] == "青禾镇2025年工作总结及2026年工作计划"
    assert doc["year"] == 2025
    for line in ("青禾镇工作总结.docxVIP", "青禾镇工作总结.pdf", "• 0", "• 约4.99千字", "• 约 11页",
                 "• 2026-01-22 发布于四川", "2026-01-22 发布"):
        assert is_chrome(line), line
    # a sentence naming a file, a number with text, a date with more than a province after it
    for line in ("详见青禾镇工作总结.docx。", "• 0元", "• 约11页纸", "• 2026-01-22 发布于四川省成都市青禾县",
                 "青禾镇 工作总结.docx", "附件：青禾镇规划.pdf", "2.《青禾镇规划》编制说明.pdf", "2、青禾镇规划.pdf"):
        assert not is_chrome(line), line


def test_the_day_a_page_was_posted_is_cut_off_its_title_line():
    from index.reading.chrome import MAX_TITLE, MIN_TITLE_BEFORE_SITE, clean

    assert clean("青禾街道2015年工作总结和2016年工作安排 2016-03-07") == "青禾街道2015年工作总结和2016年工作安排"
    assert clean("青禾街道工作总结\u30002016-3-7") == "青禾街道工作总结"
    title = "青" * MIN_TITLE_BEFORE_SITE
    assert clean(title + " 2016-03-07") == title
    assert clean(title[:-1] + " 2016-03-07") == title[:-1] + " 2016-03-07"  # too short for a title
    title = "青" * MAX_TITLE
    assert clean(title + " 2016-03-07") == title
    assert clean(title + "青 2016-03-07") == title + "青 2016-03-07"  # too long for a title
    assert clean("会议于 2016-03-07") == "会议于 2016-03-07"  # too short for a title
    assert clean("全年完成投资3.2亿元。 2016-03-07") == "全年完成投资3.2亿元。 2016-03-07"  # a sentence
    assert clean("青禾街道工作总结2016-03-07") == "青禾街道工作总结2016-03-07"  # no space: one token
    assert kinds_of("青禾街道2015年工作总结 2016-03-07\n\n2015年，街道完成了各项目标任务。\n")["title"] == ["青禾街道2015年工作总结"]


def test_a_numbered_page_of_a_collection_is_a_page_name():
    assert is_chrome("镇政府工作总结及工作规划范文(3)") and is_chrome("镇政府工作总结范文（12）")
    assert not is_chrome("镇政府工作总结范文(123)")  # three digits: no page number of a collection
    assert not is_chrome("学习范文（3）后，全镇干部撰写心得。")


def test_a_sharing_sites_member_notice_is_chrome_and_the_title_inline_after_it_is_found():
    notice = "《2023年青禾镇政府工作报告.docx》由会员分享,可在线阅读,更多相关《2023年青禾镇政府工作报告.docx(11页)》请在某某文库上搜索。"
    assert is_chrome(notice) and is_chrome("本文由用户分享，仅供学习。")
    assert not is_chrome("全镇由会员单位分担费用。")  # 分享 must follow the uploader
    # the text cut by the site into long numbered chunks, each cut inside a sentence
    first = ("1、2023年青禾镇政府工作报告各位代表:现在,我代表青禾镇人民政府,向大会作工作报告,请予审议。"
             "一、2023年工作回顾2023年是全面贯彻党的二十大精神的开局之年。" + "全镇上下团结一心，攻坚克难，各项工作取得新成效。" * 8
             + "全年完成固定资产投")
    page = notice + "\n" + first + "\n2、资3亿元，同比增长8%。\n"
    s = parse(page, ANALYZER)
    assert s.title == "2023年青禾镇政府工作报告"


def test_a_sites_marks_around_a_reports_name_in_its_page_title():
    from index.reading.chrome import MIN_TITLE_BEFORE_SITE, clean

    assert clean("(内蒙古)2022年青禾旗人民政府工作报告(全文)") == "2022年青禾旗人民政府工作报告"
    assert clean("【青禾县】青禾镇政府工作报告") == "青禾镇政府工作报告"
    assert clean("青禾镇2023年工作总结（附全文）") == "青禾镇2023年工作总结"
    # a heading's number, a name that is no report, a sentence: as written
    assert clean("(十一)审议政府工作报告") == "(十一)审议政府工作报告"
    assert clean("(内蒙古)青禾旗草原保护") == "(内蒙古)青禾旗草原保护"
    assert clean("(全文)详见青禾镇政府工作报告。") == "(全文)详见青禾镇政府工作报告。"
    # the name left must be a title's length
    short = "报" * (MIN_TITLE_BEFORE_SITE - 2) + "报告"
    assert clean(f"(内蒙古){short}") == short
    assert clean(f"(内蒙古){short[1:]}") == f"(内蒙古){short[1:]}"


def test_publication_keys_as_words_without_colons():
    assert is_chrome("文件编号 发布机构 青禾街道办事处 效力状况 有效")
    assert is_chrome("索引号 MB0000001/2023-00023 生成日期 2023-01-17 公开日期 2023-01-17")
    assert is_chrome("文件下载")
    assert not is_chrome("发布机构 青禾街道办事处")  # one key: a line of its own kind
    assert not is_chrome("全镇 来源 作者 发生变化。")  # a sentence
    assert not is_chrome("来源作者")  # keys not standing as words


def test_a_page_title_naming_the_session_after_the_report():
    from index.reading.chrome import clean

    assert clean("政府工作报告(草案)在青禾镇第四届人民代表大会第三次会议上") == "政府工作报告(草案)"
    assert clean("政府工作报告——在青禾镇第五届人民代表大会第二次会议上") == "政府工作报告"
    # a speech given at a meeting is its title; a report's name of one character before 报告 is none
    assert clean("在全镇经济工作会议上的讲话") == "在全镇经济工作会议上的讲话"
    assert clean("报告在青禾镇大会上") == "报告在青禾镇大会上"
    assert clean("政府工作报告在会议上") == "政府工作报告在会议上"  # nothing between 在 and 会议
