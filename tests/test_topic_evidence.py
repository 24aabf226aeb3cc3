"""What makes a passage about a topic (index/reading/topics.py): two mentions at least,
most of its keyword mentions, keywords found longest first (a neutral phrase holds a
shorter keyword), no topic from a whole-work summary's text. Invented passages."""

from __future__ import annotations

from index.reading.topics import MIN_MENTIONS, MIN_SHARE, TopicLexicon

LEXICON = TopicLexicon.parse(
    "民生: 民生^2 民生实事项目^2 就业 养老 教育\n"
    "项目: 项目建设 招商引资^2 投资 企业\n"
    "环保: 环保^2 生态 污水\n"
    "党建: 党建^2 党员 党支部\n"
    "-: 国民生产 人民生活 学习教育\n"
)


def test_one_mention_in_passing_is_no_topic_edge():
    assert MIN_MENTIONS == 2
    assert LEXICON.classify("全年稳经济、保民生，全力完成目标任务。") == []
    assert LEXICON.classify("新增就业三百人，养老服务中心建成投用。") == ["民生"]


def test_a_heading_keyword_stands_for_the_mentions():
    assert LEXICON.classify("服务载体深拓展，受理中心建成。", ["（一）民生保障再上新台阶"]) == ["民生"]


def test_neutral_phrases_hold_shorter_keywords():
    assert LEXICON.classify("全乡实现国民生产总值一亿元，人民生活水平提高。") == []
    assert LEXICON.classify("深化党史学习教育，学习教育成果转化为实效。") == []
    assert "项目" not in LEXICON.classify("票决产生民生实事项目六项，民生实事项目全部开工。")


def test_a_summary_of_every_topic_is_about_none_edge():
    assert MIN_SHARE == 0.5
    # three topics, two mentions each: no topic holds half of the six
    summary = "抓党建、强党员，抓项目建设、引企业，抓生态、治污水，全镇各项事业全面进步。"
    assert LEXICON.classify(summary) == []
    # two topics, two mentions each: each holds exactly half
    assert sorted(LEXICON.classify("抓项目建设、引企业，新增就业岗位，完善养老服务。")) == ["民生", "项目"]


def test_a_summary_of_the_whole_work_takes_no_topic_from_its_text():
    text = "一年来，在县委、县政府和镇党委的坚强领导下，全镇新增就业三百人，养老服务全面加强。"
    assert LEXICON.classify(text) == []
    assert LEXICON.classify(text, ["（三）民生保障更加有力"]) == ["民生"]


def test_the_shipped_lexicon_keeps_its_topics_and_its_neutral_line():
    lexicon = TopicLexicon.load()
    assert lexicon.names == ["党建", "项目", "民生", "环保"]
    assert "人民生活" in lexicon.neutral
    assert lexicon.classify("在国民生产总值增长的同时，人民生活不断改善。") == []
    assert lexicon.classify("招商引资成效明显，签约项目四个，完成固定资产投资三亿元。") == ["项目"]


def test_a_heading_paths_keywords_found_again_are_the_same(monkeypatch):
    """The keywords of a heading path are kept for the next passages under it; a full
    store starts again, and what a passage is about never depends on what came before."""
    monkeypatch.setattr(TopicLexicon, "_HEADS_KEPT", 1)
    lexicon = TopicLexicon.parse("民生: 民生^2 就业 养老\n环保: 环保^2 生态 污水\n")
    under = [["（一）民生保障"], ["（二）生态环保"], ["（一）民生保障"]]
    text = "服务载体深拓展，受理中心建成。"
    assert [lexicon.classify(text, h) for h in under] == [["民生"], ["环保"], ["民生"]]
    assert [lexicon.classify(text, h) for h in under] == [["民生"], ["环保"], ["民生"]]
