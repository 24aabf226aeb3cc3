"""Town text as it really comes, eighth round (issue 18): a report titled by the year after
its session's date, a speaker's name spaced out under the session line, a document shop's
and a forum's widgets, a town's name read across punctuation, a 街道 that kept an old
town's name. Invented report text in the style of town governments; real gazetteer names."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.chrome import is_chrome
from index.reading.metadata import LATE_SESSION, extract, years
from index.reading.places import Gazetteer
from index.reading.structure import parse

ANALYZER = Analyzer()
GAZ = Gazetteer.load()


# ------------------------------------------------------------------ a session held late in the year


SESSION = "——在青禾乡第十二届人民代表大会第五次会议上\n（2024年12月23日）\n"
REVIEW = "一、2024年工作回顾\n2024年，全乡完成固定资产投资1亿元。\n"


def test_a_title_naming_the_year_after_its_session_labels_the_report():
    assert LATE_SESSION == 1
    assert years("青禾乡2025年政府工作报告", SESSION + REVIEW) == (2025, 2024)
    # the title's year as the session's, or before it: the session decides, as before
    assert years("青禾乡2024年政府工作报告", SESSION + REVIEW)[0] == 2024
    assert years("青禾乡2023年政府工作报告", SESSION + REVIEW) == (2024, 2023)
    # two years after the session: no late session, the session's year stands
    assert years("青禾乡2026年政府工作报告", SESSION + REVIEW)[0] == 2024


# ------------------------------------------------------------------ the speaker's name, spaced


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, _, t in parse(text, ANALYZER).blocks]


def test_a_spaced_name_under_the_session_line_is_its_speaker():
    text = "青禾乡2025年政府工作报告\n——在青禾乡第十二届人民代表大会第五次会议上\n于 亮\n（2024年12月23日）\n各位代表：\n" + REVIEW
    kinds = _kinds(text)
    assert ("byline", "于 亮") in kinds and ("heading", "于 亮") not in kinds
    # under another byline (a source line), a spaced word is no speaker's name: 目 录 stays a heading
    lines = "".join(f"全镇新建道路{k}公里，完成投资{k}亿元。\n" for k in range(1, 6))
    other = "青禾镇发展规划\n来源：青禾镇人民政府\n目 录\n一、总体要求\n" + lines
    assert ("byline", "目 录") not in _kinds(other)


# ------------------------------------------------------------------ a shop's and a forum's widgets


def test_a_document_shops_and_a_forums_widgets_are_chrome():
    for line in ("购物车", "我的足迹", "加入Vip免费下载 立即下载", "x",
                 "马上注册，结交更多好友，享用更多功能，让你轻松玩转青禾论坛",
                 "您需要 登录 才可以下载或查看，没有账号？会员注册",
                 "本帖最后由 青禾 于 2015-4-13 00:37 编辑"):
        assert is_chrome(line), line
    # the words inside a line of text, or a letter that is a word of it, are no widgets
    for line in ("立即下载青禾镇工作总结", "xx", "本帖最后由 青禾 于 2015-4-13 00:37 编辑 12月2日，青禾镇召开人代会。",
                 "全镇注册市场主体1200户，马上注册的企业有12家。"):
        assert not is_chrome(line), line


# ------------------------------------------------------------------ places


def _town(text: str) -> str | None:
    return extract("", "", text, "fallback", ANALYZER, GAZ).town


def test_a_town_named_once_is_not_outnumbered_by_a_name_read_across_punctuation():
    assert len(GAZ.units("铁丝塘镇", "township")) == 1 and GAZ.units("建设乡", "township")
    text = "2023年，在县委的领导下，铁丝塘镇党委统筹推进党的建设、乡村振兴各项工作，全镇各项事业稳步发展。"
    assert _town(text) == "铁丝塘镇"
    # 建设乡 written whole (no 、 between): two towns named once, neither decides
    assert _town(text.replace("建设、乡村", "建设乡村")) is None


def test_a_town_name_running_on_into_jiedao_is_read_as_the_jiedao():
    # 狼山镇 (one town of that name) is the start of 狼山镇街道, a unit of its own elsewhere
    assert len(GAZ.units("狼山镇", "township")) == 1 and GAZ.units("狼山镇街道", "township")
    assert [m.name for m in GAZ.scan("多次与崇川区发改委及狼山镇街道沟通")] == ["崇川区", "狼山镇街道"]
    assert [m.name for m in GAZ.scan("狼山镇新建学校")] == ["狼山镇"]


def test_a_town_named_once_is_of_the_kind_the_text_speaks_as():
    passing = "多次与崇川区发改委及狼山镇街道沟通，推进拆迁工作。"
    # a text that speaks as a 镇 (全镇) names a 街道 in passing: no subject
    assert _town("全镇上下团结一心，全镇完成投资3亿元。" + passing) is None
    # as a 街道 (全街道), or as no kind at all: the 街道 it names once
    assert _town("全街道上下团结一心，全街道完成投资3亿元。" + passing) == "狼山镇街道"
    assert _town("上下团结一心，完成投资3亿元。" + passing) == "狼山镇街道"
