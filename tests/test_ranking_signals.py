"""The substance signals of search/ranking.py (one sentence, figures, inside a name),
each at its edge, through the scores the Python API returns, on tiny corpora made here."""

from __future__ import annotations

import pytest

from conftest import write_corpus
from index import build
from search import ranking
from search.engine import Searcher

PAD = "各项工作有序推进群众满意度持续提升工作机制不断完善"  # no number, no sentence end


def _scores(tmp_path, passages: list[str], query: str) -> dict[str, float]:
    text = "丁镇工作报告\n\n" + "\n\n".join(passages) + "\n"
    build(write_corpus(tmp_path / "corpus", {"a.txt": text}), tmp_path / "index")
    res = Searcher(tmp_path / "index").search(query, page_size=100)
    return {h.passage: h.score for h in res.hits}


def test_terms_in_one_sentence_before_terms_in_two(tmp_path, monkeypatch):
    # first sentences longer than LEAD_MAX: no lead-sentence bonus on either; 养老 stands
    # nearer the start in one than in two, so the near-the-start bonus is left out here
    monkeypatch.setattr(ranking, "EARLY_WEIGHT", 0.0)
    one = f"农村养老服务站，{PAD}，{PAD}。建成{PAD}。"  # a comma does not end the sentence
    two = f"农村道路服务站，{PAD}，{PAD}。养老{PAD}。"  # 。 does
    scores = _scores(tmp_path, [one, two], "农村 养老")
    assert scores[one] > scores[two]
    # the whole difference is SENTENCE_WEIGHT × the mean idf, nothing else differs
    ranking_off = pytest.MonkeyPatch()
    ranking_off.setattr(ranking, "SENTENCE_WEIGHT", 0.0)
    try:
        res = Searcher(tmp_path / "index").search("农村 养老", page_size=100)
        off = {h.passage: h.score for h in res.hits}
    finally:
        ranking_off.undo()
    assert off[one] == pytest.approx(off[two], rel=1e-3)


def test_figures_count_up_to_figures_full(tmp_path):
    def passage(n: int) -> str:
        numbers = "".join(f"完成第{k + 1}批" for k in range(n))
        letters = "完成首批" * (ranking.FIGURES_FULL + 1 - n)  # the same length without a number
        return f"垃圾分类{numbers}{letters}，{PAD}，{PAD}，{PAD}。"  # longer than SHORT_CHARS: no brevity

    below, full, over = (passage(ranking.FIGURES_FULL - 1), passage(ranking.FIGURES_FULL),
                         passage(ranking.FIGURES_FULL + 1))
    scores = _scores(tmp_path, [below, full, over], "垃圾分类")
    assert scores[full] > scores[below]
    assert scores[over] == pytest.approx(scores[full], rel=1e-4)  # capped at FIGURES_FULL


@pytest.mark.parametrize("gap, inside", [(ranking.NAME_GAP, True), (ranking.NAME_GAP + 1, False)])
def test_a_term_inside_a_longer_name_is_weaker(tmp_path, gap, inside):
    between = "水利电力工程"[:gap]
    named = f"三峡{between}学院{PAD}，{PAD}。"
    plain = f"三峡{between}移民{PAD}，{PAD}。"  # the same characters, no name suffix
    scores = _scores(tmp_path, [named, plain], "三峡")
    ratio = scores[named] / scores[plain]
    assert ratio == pytest.approx(ranking.NAME_FACTOR if inside else 1.0, rel=1e-3)


def test_a_term_also_standing_on_its_own_is_not_weakened(tmp_path):
    both = f"三峡库区和三峡学院{PAD}，{PAD}。"
    plain = f"三峡库区和三峡移民{PAD}，{PAD}。"
    scores = _scores(tmp_path, [both, plain], "三峡")
    assert scores[both] == pytest.approx(scores[plain], rel=1e-3)


def test_equal_scores_list_the_newer_report_first(make_index):
    same = f"垃圾分类全面推开，{PAD}，{PAD}。"
    s = make_index({"a.txt": f"甲镇2019年政府工作报告\n\n{same}\n", "b.txt": f"乙镇2022年政府工作报告\n\n{same}\n"})
    hits = [h for h in s.search("垃圾分类", page_size=10).hits if h.passage == same]
    assert [h.year for h in hits] == [2022, 2019] and hits[0].score == hits[1].score


@pytest.mark.parametrize("end", list(ranking.SENTENCE_ENDS))
def test_every_sentence_end_separates_the_terms(end):
    assert not ranking.one_sentence(f"农村道路硬化{end}养老服务站建成", ["农村", "养老"])


@pytest.mark.parametrize("mark", ["，", "、", "：", ",", ":", "（"])
def test_a_clause_mark_does_not_end_the_sentence(mark):
    assert ranking.one_sentence(f"农村道路硬化{mark}养老服务站建成", ["农村", "养老"])


def test_one_sentence_needs_every_term_in_the_same_sentence():
    text = "农村道路硬化。农村养老服务站建成。"
    assert ranking.one_sentence(text, ["农村", "养老"])
    assert not ranking.one_sentence("农村道路硬化。城镇养老服务站建成。", ["农村", "养老"])
    # a term split by a sentence end in the source is not a match inside one sentence
    assert not ranking.one_sentence("农。村养老", ["农村", "养老"])


@pytest.mark.parametrize("suffix", ranking.NAME_SUFFIXES)
def test_each_name_suffix_marks_a_term_inside_a_name(suffix):
    assert ranking.inside_names(f"重庆三峡{suffix}召开会议", ["三峡"])
    assert not ranking.inside_names(f"重庆三峡地区{suffix[1:]}召开会议", ["三峡"])  # not the suffix


def test_a_university_named_after_a_place_ranks_below_the_place(tmp_path):
    """三峡 in 重庆三峡学院 names the college: the passage about the Three Gorges comes first."""
    college = f"重庆三峡学院举办校园开放日活动，{PAD}，{PAD}。"
    gorges = f"三峡库区生态保护持续加强，{PAD}，{PAD}。"
    scores = _scores(tmp_path, [college, gorges], "三峡")
    assert scores[gorges] > scores[college]
    assert scores[college] / scores[gorges] == pytest.approx(ranking.NAME_FACTOR, rel=0.05)


@pytest.mark.parametrize("sentences, lead", [(ranking.BRIEF_SENTENCES, True), (ranking.BRIEF_SENTENCES + 1, False)])
def test_a_numbered_section_lead_is_weaker(tmp_path, sentences, lead):
    """A passage starting with a list number and of at most BRIEF_SENTENCES sentences
    (a numbered heading and the sentence restating it) is scored × BRIEF_FACTOR; the
    same passage with a letter where the number stands, or with one more sentence, is not."""
    rest = "".join(f"{PAD}第{k}。" if k else f"{PAD}。" for k in range(sentences - 1))

    def passage(mark: str) -> str:
        return f"（{mark}）垃圾分类全面推开。{rest}"

    numbered, lettered = passage("一"), passage("甲")
    assert ranking.section_lead(numbered) is lead and not ranking.section_lead(lettered)
    scores = _scores(tmp_path, [numbered, lettered], "垃圾分类")
    assert scores[numbered] / scores[lettered] == pytest.approx(ranking.BRIEF_FACTOR if lead else 1.0, rel=1e-3)



@pytest.mark.parametrize("at", [0, ranking.EARLY_CHARS // 2, ranking.EARLY_CHARS - 1, ranking.EARLY_CHARS])
def test_a_term_near_the_start_gets_the_early_bonus(tmp_path, monkeypatch, at):
    """The term's first occurrence ``at`` normalized characters from the start adds
    EARLY_WEIGHT × idf × max(0, 1 − at / EARLY_CHARS) to the score (0.5, 30)."""
    assert (ranking.EARLY_WEIGHT, ranking.EARLY_CHARS) == (0.5, 30)
    prefix = (PAD * 3)[:at]  # no number, no sentence end: the first sentence is no lead sentence
    passage = f"{prefix}垃圾分类，{PAD}，{PAD}，{PAD}，{PAD}。"  # longer than SHORT_CHARS: not scaled down
    on = _scores(tmp_path, [passage], "垃圾分类")[passage]
    s = Searcher(tmp_path / "index")
    monkeypatch.setattr(ranking, "EARLY_WEIGHT", 0.0)
    off = s.search("垃圾分类").hits[0].score
    idf = s._ranker.stats("垃圾分类").idf
    assert on - off == pytest.approx(0.5 * idf * max(0.0, 1 - at / 30), abs=2e-4)


def _topic_corpus(tmp_path, fillers: int):
    """Two passages holding 环境: one about environmental protection (topic 环保 by the
    lexicon: 环境保护, 污染), one about the business climate (no topic); ``fillers``
    passages without 环境 and without any topic."""
    green = f"环境保护持续加强，污染治理成效明显，{PAD}，{PAD}，{PAD}。"
    climate = f"营商环境持续优化，市场活力不断释放，{PAD}，{PAD}，{PAD}。"
    filler = [f"第{k}项工作，{PAD}，{PAD}。" for k in range(fillers)]
    text = "丁镇工作报告\n\n" + "\n\n".join([green, climate, *filler]) + "\n"
    root = tmp_path / f"f{fillers}"
    build(write_corpus(root / "corpus", {"a.txt": text}), root / "index")
    return Searcher(root / "index"), green, climate


@pytest.mark.parametrize("on", [True, False])
def test_a_passage_of_the_topic_the_matches_lean_to_gets_the_topic_bonus(tmp_path, monkeypatch, on):
    """The matches of 环境 are the two passages holding it; 环保's share among them ÷ its
    share among all live passages is (1 / 2) ÷ (1 / N) = N / 2. With N / 2 = TOPIC_LIFT the
    green passage gets TOPIC_WEIGHT × idf, one passage fewer and it gets nothing."""
    assert (ranking.TOPIC_WEIGHT, ranking.TOPIC_LIFT) == (0.25, 2.5)
    probe, _, _ = _topic_corpus(tmp_path, 0)
    base = probe._current().count  # the live passages without fillers (the title's too)
    wanted = int(2 * ranking.TOPIC_LIFT) - (0 if on else 1)  # N
    s, green, climate = _topic_corpus(tmp_path, wanted - base)
    t = s._current()
    assert t.count == wanted
    hits = {h.passage: h for h in s.search("环境", page_size=10).hits}
    assert hits[green].topics == ["环保"] and hits[climate].topics == []
    with_bonus = hits[green].score
    monkeypatch.setattr(ranking, "TOPIC_WEIGHT", 0.0)
    without = {h.passage: h.score for h in s.search("环境", page_size=10).hits}
    idf = s._ranker.stats("环境").idf
    assert with_bonus - without[green] == pytest.approx(0.25 * idf if on else 0.0, abs=2e-4)
    assert hits[climate].score == pytest.approx(without[climate], abs=1e-4)  # not of the topic: never


def test_a_second_occurrence_adds_what_k1_allows(tmp_path):
    """BM25's saturation K1 = 1.5 (fitted jointly on judged2's tuning half, docs/ranking.md):
    in two passages of one length, saying the term twice weighs 2 (1 + s) / (2 + s) of
    saying it once, s = 1.5 × (1 − B + B × length / average); K1 1.4 or 1.6 moves that
    ratio by about 1 %."""
    from search.ranking import Ranker

    once = "耕地保护落实到位，" + PAD + "。"
    twice = "耕地保护落实到位，耕地" + PAD[2:] + "。"  # the same length
    assert len(once) == len(twice)
    build(write_corpus(tmp_path / "corpus", {"a.txt": f"丁镇工作报告\n\n{once}\n\n{twice}\n"}), tmp_path / "index")
    s = Searcher(tmp_path / "index")
    t = s.current_table()
    ranker = Ranker(t, lambda w: s._containing(t, w))
    stats = ranker.stats("耕地")
    rows = stats.rows
    assert len(rows) == 2 and t.length[rows[0]] == t.length[rows[1]]
    parts = dict(zip([t.norm(int(r)).count("耕地") for r in rows.tolist()], ranker._text_part(stats, "耕地", rows).tolist()))
    length = max(float(t.length[rows[0]]), ranking.LENGTH_FLOOR * t.avg_length)
    sat = 1.5 * (1.0 - ranking.B + ranking.B * length / t.avg_length)
    assert parts[2] / parts[1] == pytest.approx(2 * (1 + sat) / (2 + sat), rel=1e-3)
