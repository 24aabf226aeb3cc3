"""Every threshold, weight, separator and cut rule, with an input sitting exactly at
its edge: each test is named for the rule it pins, so a one-character change to the
rule (scripts/mutate_rules.py makes them) fails the test of that name.

The edges are written here as numbers, not read from the constants: a test built
from the constant would move with it and pin nothing."""

from __future__ import annotations

import pytest

from index.analysis import Analyzer
from index.errors import QueryError
from index.normalize import normalize
from index.reading.lines import heading_like, inline_heading
from index.reading.structure import boilerplate_lines, parse
from search.highlight import Matches, fragments, snippet
from search.query import parse_query, year_matches, year_range
from search.ranking import lead_sentence

# the rules' values, as the README and the judged set fixed them
CAPTION_GAP = 2  # blank lines before a caption
MAX_CAPTION = 100
MAX_CELL = 12
BLOCK_LINES = 2
MAX_HEADING = 40
MAX_NUMBERED_HEADING = 60
MAX_INLINE_HEADING = 40
SNIPPET_MAX = 200
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
LEAD_MAX = 30
LEAD_REST = 20
SHORT_CHARS = 80
SHORT_POWER = 0.35

ANALYZER = Analyzer()
# Chinese filler without any punctuation: no clause boundary, no sentence end
FILL = "经济社会发展稳中有进"  # 10 characters
BODY = "全镇上下坚持稳中求进工作总基调，完成地区生产总值125.6亿元，增长6.5%，一般公共预算收入完成3.2亿元。"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(kind, passage) for kind, _, passage in parse(text, ANALYZER).blocks]


# ---------------------------------------------------------------- normalizer: dropped categories

@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", "\u200d", "\ufeff"])
def test_normalizer_drops_format_characters_cf(invisible):
    assert normalize(f"五星{invisible}支部") == "五星支部"


def test_normalizer_drops_format_characters_cf_in_a_search(make_index):
    searcher = make_index({
        "a.txt": "甲镇2022年政府工作报告\n\n深化五星\u200b支部创建，全镇共有党支部二十个，覆盖各村社区。\n",
        "b.txt": "乙镇2022年政府工作报告\n\n推进五星\u00ad支部建设，评定工作按季度开展并向社会公示。\n",
    })
    assert {h.doc_id for h in searcher.search("五星支部", page_size=10).hits} == {"a", "b"}


# ---------------------------------------------------------------- snippets never cut inside a number

def _number_at_cut(k: int, before: bool) -> tuple[str, int, int]:
    """A text without clause ends whose snippet's fallback cut (half the limit before the
    match start, or after its end) falls between characters k-1 and k of 12.75."""
    number = "12.75"
    match = "五星支部"
    if before:
        # the cut before a match at a (limit 60 for a short match) is at a - 30
        head = FILL * 30
        a = len(head) + 30
        cut = a - 30
        text = head[: cut - k] + number + head[: a - cut - (len(number) - k)] + match + FILL * 30
        return text, text.index(match), cut
    text = FILL * 30 + match
    b = len(text)
    cut = b + (SNIPPET_MAX - 30 - len(match)) // 2  # half the end limit once the start is 30 back
    text += FILL * 10
    text = text[: cut - k] + number + FILL * 20
    return text, text.index(match), cut


@pytest.mark.parametrize("k", [1, 2, 3, 4])  # 1|2.75, 12|.75, 12.|75, 12.7|5
def test_snippet_cut_rule_never_starts_inside_a_decimal_number(k):
    text, a, cut = _number_at_cut(k, before=True)
    assert text[cut - k: cut - k + 5] == "12.75"
    found = Matches.find(text, [normalize("五星支部")])
    start = fragments(text, found.runs, None, groups=found.groups)[0][0]
    assert not (cut - k < start < cut - k + 5), f"cut inside 12.75 at {start - (cut - k)}"
    shown = snippet(text, found.runs, groups=found.groups)
    assert shown.startswith("…") and shown[1] not in "0123456789."


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_snippet_cut_rule_never_ends_inside_a_decimal_number(k):
    text, a, cut = _number_at_cut(k, before=False)
    assert text[cut - k: cut - k + 5] == "12.75"
    found = Matches.find(text, [normalize("五星支部")])
    end = fragments(text, found.runs, None, groups=found.groups)[-1][1]
    assert not (cut - k < end < cut - k + 5), f"cut inside 12.75 at {end - (cut - k)}"


def test_snippet_cut_rule_keeps_a_cut_between_a_number_and_a_chinese_character():
    text, a, cut = _number_at_cut(0, before=True)  # 12.75 starts right at the cut
    found = Matches.find(text, [normalize("五星支部")])
    assert fragments(text, found.runs, None, groups=found.groups)[0][0] == cut


def test_snippet_max_a_text_of_exactly_snippet_max_characters_is_shown_whole():
    text = (FILL * 30)[: SNIPPET_MAX - 4] + "五星支部"
    assert len(text) == SNIPPET_MAX
    found = Matches.find(text, ["五星支部"])
    assert fragments(text, found.runs, None, groups=found.groups) == [(0, SNIPPET_MAX)]
    longer = "经" + text
    assert fragments(longer, Matches.find(longer, ["五星支部"]).runs) != [(0, len(longer))]


# ---------------------------------------------------------------- ranking weights and lead rule

def test_heading_weight_keeps_a_heading_below_a_short_body_passage_saying_the_same(make_index):
    # a 25-character numbered heading naming the phrase, and a 15-character body passage
    # naming it once in another report: the heading weight (0.45) is below what brevity
    # leaves the short body passage ((15 / SHORT_CHARS) ** SHORT_POWER = 0.56); weighed like a
    # body passage the heading would be first ((25 / SHORT_CHARS) ** SHORT_POWER = 0.67)
    heading = "一、加快发展新质生产力推动传统产业转型升级提质增效"
    body = "新质生产力发展较快，成效明显。"
    searcher = make_index({
        "a.txt": f"甲镇2022年政府工作报告\n\n{heading}\n\n{BODY * 3}\n",
        "b.txt": f"乙镇2022年政府工作报告\n\n二、其他工作\n\n{BODY * 3}\n\n{body}\n",
    })
    hits = searcher.search("新质生产力", page_size=10).hits
    assert [h.kind for h in hits] == ["body", "heading"], [(h.kind, h.score, h.passage) for h in hits]
    assert len(body) < len(heading) < SHORT_CHARS


def test_short_chars_a_body_passage_of_exactly_short_chars_is_not_scaled_down(make_index):
    # the same phrase once in body passages of SHORT_CHARS - 1, SHORT_CHARS and
    # SHORT_CHARS + 1 normalized characters, all shorter than the length floor (a long passage
    # raises the average), without a lead sentence: only brevity tells them apart
    def passage(n: int) -> str:
        return ("五星支部" + FILL * 10)[:n] + "。"  # n characters once normalized

    half = SHORT_CHARS // 2
    files = {f"{n}.txt": f"某某镇2022年政府工作报告\n\n{passage(n)}\n\n{FILL * 80}\n"
             for n in (half, SHORT_CHARS - 1, SHORT_CHARS, SHORT_CHARS + 1)}
    searcher = make_index(files)
    score = {len(normalize(h.passage)): h.score for h in searcher.search("五星支部", page_size=10).hits}
    assert score[SHORT_CHARS] == pytest.approx(score[SHORT_CHARS + 1], rel=1e-3)
    assert score[SHORT_CHARS - 1] == pytest.approx(
        score[SHORT_CHARS] * ((SHORT_CHARS - 1) / SHORT_CHARS) ** SHORT_POWER, rel=1e-3)
    # half as long: × 0.5 ** SHORT_POWER = 0.785 (the power 0.5 would give 0.707)
    assert score[half] == pytest.approx(score[SHORT_CHARS] * (half / SHORT_CHARS) ** SHORT_POWER, rel=1e-3)


def test_lead_rest_a_paragraph_going_on_exactly_lead_rest_characters_has_a_lead():
    lead = "加快发展新质生产力。"
    assert lead_sentence(lead + "经" * LEAD_REST) == normalize(lead)
    assert lead_sentence(lead + "经" * (LEAD_REST - 1)) == ""


def test_lead_max_a_lead_sentence_of_exactly_lead_max_characters_counts():
    rest = "经" * LEAD_REST
    assert lead_sentence("经" * LEAD_MAX + "。" + rest) == "经" * LEAD_MAX
    assert lead_sentence("经" * (LEAD_MAX + 1) + "。" + rest) == ""


# ---------------------------------------------------------------- query separators and limits

@pytest.mark.parametrize("comma", [",", "，"])
def test_filter_value_separator_half_and_full_width_comma(comma):
    assert parse_query(f"五星支部 镇:甲镇{comma}乙镇").filters == {"town": ["甲镇", "乙镇"]}
    assert parse_query("五星支部", {"town": [f"甲镇{comma}乙镇"]}).filters == {"town": ["甲镇", "乙镇"]}
    assert parse_query(f"五星支部 year:2020{comma}2022").filters == {"year": ["2020", "2022"]}


def test_filter_value_separator_full_width_comma_in_a_search(make_index):
    searcher = make_index({
        "大隗镇2022年政府工作报告.txt": "大隗镇2022年政府工作报告\n\n深化五星支部创建，全镇共有党支部二十个。\n",
        "来集镇2022年政府工作报告.txt": "来集镇2022年政府工作报告\n\n推进五星支部建设，评定工作按季度开展。\n",
        "刘寨镇2022年政府工作报告.txt": "刘寨镇2022年政府工作报告\n\n开展五星支部评定，结果向社会公示。\n",
    })
    assert len(searcher.search("五星支部", page_size=10).hits) == 3
    towns = [h.town for h in searcher.search("五星支部 镇:大隗镇，来集镇", page_size=10).hits]
    assert sorted(towns) == ["大隗镇", "来集镇"]


@pytest.mark.parametrize("sep", ["-", "–", "~", "至"])
def test_year_range_separators(sep):
    q = parse_query(f"五星支部 year:2020{sep}2022")
    assert year_matches(2022, q.filters["year"]) and year_matches(2020, q.filters["year"])
    assert not year_matches(2023, q.filters["year"])


def test_max_query_chars_a_query_of_exactly_the_limit_is_accepted():
    assert parse_query("经" * MAX_QUERY_CHARS).terms
    with pytest.raises(QueryError):
        parse_query("经" * (MAX_QUERY_CHARS + 1))


def test_max_terms_exactly_the_limit_is_accepted():
    words = [f"词{i}" for i in range(MAX_TERMS + 1)]
    assert len(parse_query(" ".join(words[:MAX_TERMS])).terms) == MAX_TERMS
    with pytest.raises(QueryError):
        parse_query(" ".join(words))


def test_full_width_quote_delimits_a_phrase():
    q = parse_query("＂人居 环境＂ 五星")
    assert [(t.norm, t.quoted) for t in q.terms] == [("人居环境", True), ("五星", False)]


# ---------------------------------------------------------------- structure thresholds

def test_caption_gap_a_short_line_after_exactly_caption_gap_blank_lines_is_a_caption():
    line = "主要经济指标完成情况"

    def report(blank_lines: int) -> str:
        return "某某镇2022年政府工作报告\n\n" + BODY + "\n" * (blank_lines + 1) + line + "\n\n" + BODY + "\n"

    assert ("caption", line) in kinds(report(CAPTION_GAP))
    assert ("caption", line) not in kinds(report(CAPTION_GAP - 1))


def test_max_caption_a_line_of_exactly_max_caption_characters_can_be_a_caption():
    def report(line: str) -> str:
        return "某某镇2022年政府工作报告\n\n" + BODY + "\n" * (CAPTION_GAP + 1) + line + "\n\n" + BODY + "\n"

    line = ("主要经济指标完成情况" * 11)[:MAX_CAPTION]
    assert ("caption", line) in kinds(report(line))
    longer = line + "表"
    assert ("caption", longer) not in kinds(report(longer))


def test_max_heading_a_line_of_exactly_max_heading_characters_looks_like_a_heading():
    assert heading_like("经" * MAX_HEADING)
    assert not heading_like("经" * (MAX_HEADING + 1))


def test_max_numbered_heading_a_numbered_line_of_exactly_the_limit_looks_like_a_heading():
    assert heading_like("一、" + "经" * (MAX_NUMBERED_HEADING - 2))
    assert not heading_like("一、" + "经" * (MAX_NUMBERED_HEADING - 1))


def test_max_inline_heading_a_phrase_of_exactly_the_limit_heads_its_paragraph():
    def line(n: int) -> str:
        return "（一）" + ("加快发展新质生产力" * 6)[:n] + "。" + "全镇上下坚持稳中求进" * 6 + "。"

    assert inline_heading(line(MAX_INLINE_HEADING)) == line(MAX_INLINE_HEADING).split("。")[0]
    assert inline_heading(line(MAX_INLINE_HEADING + 1)) == ""


def test_max_cell_three_lines_of_exactly_max_cell_characters_are_table_cells_not_headings():
    def report(n: int) -> str:
        cells = [("甲乙丙丁戊己庚辛壬癸子丑寅卯"[i:] + "经" * n)[:n] for i in range(3)]
        return "某某镇2022年政府工作报告\n\n" + BODY + "\n\n" + "\n".join(cells) + "\n\n" + BODY + "\n", cells

    text, cells = report(MAX_CELL)
    assert not any(k == "heading" and p in cells for k, p in kinds(text))
    text, cells = report(MAX_CELL + 1)
    assert any(k == "heading" and p in cells for k, p in kinds(text)), kinds(text)


def test_block_lines_a_block_of_exactly_block_lines_repeated_lines_is_boilerplate():
    block = [f"版权所有第{i}行声明" for i in range(BLOCK_LINES)]
    docs = [f"第{d}号报告\n" + "\n".join(block) + f"\n本镇自己的第{d}段正文\n" for d in range(6)]
    assert boilerplate_lines(docs) == frozenset(block)
    shorter = [f"第{d}号报告\n" + "\n".join(block[:-1]) + f"\n本镇自己的第{d}段正文\n" for d in range(6)]
    assert boilerplate_lines(shorter) == frozenset()


def test_boilerplate_min_files_a_block_in_exactly_five_reports_is_boilerplate():
    block = ["版权所有声明一", "版权所有声明二"]

    def docs(with_block: int) -> list[str]:
        return [f"第{d}号报告\n" + ("\n".join(block) + "\n" if d < with_block else "") + f"正文{d}\n"
                for d in range(8)]

    assert boilerplate_lines(docs(5)) == frozenset(block)
    assert boilerplate_lines(docs(4)) == frozenset()


@pytest.mark.parametrize("age_ns, reads", [(2_000_000_000, 2), (2_000_000_001, 1)])
def test_pointer_settle_a_current_pointer_exactly_two_seconds_old_is_read_again(tmp_path, monkeypatch, age_ns, reads):
    """store.current_generation trusts its cached reading of CURRENT only when the
    pointer's stat is unchanged and it was modified more than POINTER_SETTLE (2 s) ago."""
    import os

    from index.generation import store

    (tmp_path / "gen-a").mkdir()
    (tmp_path / "CURRENT").write_text("gen-a\n", encoding="utf-8")
    mtime = os.stat(tmp_path / "CURRENT").st_mtime_ns
    monkeypatch.setattr(store.time, "time_ns", lambda: mtime + age_ns)
    calls = []
    real = store._read_pointer
    monkeypatch.setattr(store, "_read_pointer", lambda *a: calls.append(1) or real(*a))
    assert store.current_generation(tmp_path) == tmp_path / "gen-a"
    assert store.current_generation(tmp_path) == tmp_path / "gen-a"
    assert len(calls) == reads


def test_a_switched_pointer_is_seen_by_the_next_search(tmp_path):
    """switch_to replaces CURRENT (a new file): the cached reading goes at once."""
    from index.generation import store

    for name in ("gen-a", "gen-b"):
        (tmp_path / name).mkdir()
    store.switch_to(tmp_path, tmp_path / "gen-a")
    assert store.current_generation(tmp_path) == tmp_path / "gen-a"
    store.switch_to(tmp_path, tmp_path / "gen-b")
    assert store.current_generation(tmp_path) == tmp_path / "gen-b"
    (tmp_path / "gen-b").rmdir()
    with pytest.raises(Exception, match="missing generation"):
        store.current_generation(tmp_path)


@pytest.mark.parametrize("spare, kept", [(0, ["五星", "支部"]), (-1, ["支部"])])
def test_cache_bytes_the_term_cache_holds_arrays_up_to_exactly_its_budget(sample_index, monkeypatch, spare, kept):
    """search.engine.CACHE_BYTES, the term cache's floor (what a small table gets): row
    arrays of exactly the budget stay; one byte less drops the least recently used (the
    newest always stays)."""
    from search import engine

    probe = engine.Searcher(sample_index)
    t = probe.current_table()
    size = sum(probe._containing(t, w).nbytes for w in ("五星", "支部"))
    assert size > 0
    monkeypatch.setattr(engine, "CACHE_BYTES", size + spare)
    monkeypatch.setattr(engine, "CACHE_BYTES_PER_PASSAGE", 0)  # the sample is small: the floor rules
    s = engine.Searcher(sample_index)
    t = s.current_table()
    for word in ("五星", "支部"):
        s._containing(t, word)
    assert [key[2] for key in s._cache] == kept


@pytest.mark.parametrize("spare, kept", [(0, ["五星", "支部"]), (-1, ["支部"])])
def test_cached_bytes_word_statistics_up_to_exactly_their_budget(sample_index, monkeypatch, spare, kept):
    """search.ranking.CACHED_BYTES, as CACHE_BYTES for the ranker's word statistics."""
    from search import engine, ranking

    s = engine.Searcher(sample_index)
    t = s.current_table()
    probe = ranking.Ranker(t, lambda w: s._containing(t, w))
    size = sum(probe.stats(w).nbytes() for w in ("五星", "支部"))
    monkeypatch.setattr(ranking, "CACHED_BYTES", size + spare)
    ranker = ranking.Ranker(t, lambda w: s._containing(t, w))
    for word in ("五星", "支部"):
        ranker.stats(word)
    assert list(ranker._stats) == kept


@pytest.mark.parametrize("spare, kept", [(0, 2), (-1, 1)])
def test_restored_chars_source_texts_kept_up_to_exactly_the_budget(sample_index, monkeypatch, spare, kept):
    """index.generation.columns.SourceTexts.RESTORED_CHARS: restored texts of exactly the
    budget's characters stay; one character less drops the older one."""
    from index.generation.columns import SourceTexts
    from search import engine

    texts = engine.Searcher(sample_index).current_table().texts
    assert isinstance(texts, SourceTexts)
    fresh = SourceTexts(texts.norms, texts.edits)
    monkeypatch.setattr(fresh, "RESTORED_CHARS", len(texts[0]) + len(texts[1]) + spare)
    assert fresh[0] == texts[0] and fresh[1] == texts[1]
    assert len(fresh._restored) == kept


def test_cache_bound_grows_with_the_table_between_its_floor_and_ceiling(monkeypatch):
    """search.engine.cache_bound: CACHE_BYTES_PER_PASSAGE a passage, never below the
    floor nor above CACHE_CEILING; an operator's cache_mib wins either way."""
    from search import engine

    per, floor, ceiling = engine.CACHE_BYTES_PER_PASSAGE, engine.CACHE_BYTES, engine.CACHE_CEILING
    assert (per, floor, ceiling) == (96, 32 << 20, 256 << 20)
    at_floor = floor // per  # 349,525 passages: 96 B each is the floor, less one byte-ish
    assert engine.cache_bound(at_floor, floor) == floor
    assert engine.cache_bound(at_floor + 1, floor) == (at_floor + 1) * per > floor
    at_ceiling = ceiling // per
    assert engine.cache_bound(at_ceiling, floor) == at_ceiling * per <= ceiling
    assert engine.cache_bound(at_ceiling + 1, floor) == ceiling
    assert engine.cache_bound(10**9, floor) == ceiling
    assert engine.cache_bound(0, floor) == floor
    assert engine.cache_bound(10, ceiling + 1) == ceiling + 1  # a floor above the ceiling stays the floor
    assert engine.cache_bound(10**9, floor, mib=1) == 1 << 20  # the operator's setting, below the floor too
    assert engine.cache_bound(0, floor, mib=300) == 300 << 20


@pytest.mark.parametrize("spare, kept", [(0, ["五星", "支部"]), (-1, ["支部"])])
def test_searcher_bounds_both_caches_by_the_tables_cache_bound(sample_index, monkeypatch, spare, kept):
    """A Searcher bounds its term cache and its ranker's word statistics by cache_bound of
    the generation it opened: here the ceiling (floors 0, a passage's share above it), so
    arrays of exactly the bound stay and one byte less drops the least recently used."""
    from search import engine, ranking

    probe = engine.Searcher(sample_index)
    t = probe.current_table()
    term_size = sum(probe._containing(t, w).nbytes for w in ("五星", "支部"))
    stats_size = sum(ranking.Ranker(t, lambda w: probe._containing(t, w)).stats(w).nbytes() for w in ("五星", "支部"))
    monkeypatch.setattr(engine, "CACHE_BYTES", 0)
    monkeypatch.setattr(ranking, "CACHED_BYTES", 0)
    monkeypatch.setattr(engine, "CACHE_BYTES_PER_PASSAGE", 1 << 30)
    for size, check in ((term_size, "term"), (stats_size, "stats")):
        monkeypatch.setattr(engine, "CACHE_CEILING", size + spare)
        s = engine.Searcher(sample_index)
        t = s.current_table()
        for word in ("五星", "支部"):
            if check == "term":
                s._containing(t, word)
            else:
                s._ranker_for(t).stats(word)
        got = [key[2] for key in s._cache] if check == "term" else list(s._ranker_for(t)._stats)
        assert got == kept, check


def test_cache_mib_sets_both_bounds(sample_index):
    """Searcher(cache_mib=N): both caches hold N MiB whatever the table's size."""
    from search import engine, ranking

    s = engine.Searcher(sample_index, cache_mib=7)
    t = s.current_table()
    assert s._cache_limit == 7 << 20
    assert s._ranker_for(t).max_bytes == 7 << 20
    default = engine.Searcher(sample_index)
    t = default.current_table()
    assert default._cache_limit == engine.CACHE_BYTES  # a small table: the floor
    assert default._ranker_for(t).max_bytes == ranking.CACHED_BYTES


@pytest.mark.parametrize("spare, kept", [(0, 2), (-1, 1)])
def test_kept_chars_hit_parts_up_to_exactly_the_budget(sample_index, monkeypatch, spare, kept):
    """search.hit_parts.KEPT_CHARS: the parts of two hits holding exactly the budget's
    characters (text, normalized text, snippet, lead-in) stay; one less drops the older."""
    from search import engine, hit_parts

    t = engine.Searcher(sample_index).current_table()
    parts = [hit_parts.parts_of(t, r, ["五星"]) for r in (0, 1)]
    size = sum(len(p.row.text) + len(p.row.norm) + len(p.snippet) + len(p.lead_in or "") for p in parts)
    assert hit_parts.KEPT_CHARS == 1 << 20
    monkeypatch.setattr(hit_parts, "KEPT_CHARS", size + spare)
    fresh = engine.Searcher(sample_index).current_table()
    for r in (0, 1):
        assert hit_parts.parts_of(fresh, r, ["五星"]) == parts[r]
    assert len(hit_parts.kept_parts(fresh)) == kept and hit_parts.kept_parts(fresh).chars <= size


@pytest.mark.parametrize("spare, kept", [(0, [("五星",), ("支部",)]), (-1, [("支部",)])])
def test_reranked_rows_kept_up_to_exactly_the_bound(sample_index, monkeypatch, spare, kept):
    """search.ranking.RERANKED_ROWS: the rerank values of exactly the bound's rows (two
    sets of query terms) stay; one row less drops the least recently used set."""
    from search import engine, ranking

    s = engine.Searcher(sample_index)
    t = s.current_table()
    rows = {w: s._containing(t, w) for w in ("五星", "支部")}
    assert all(0 < len(r) <= ranking.RERANK for r in rows.values())
    assert ranking.RERANKED_ROWS == 16384
    monkeypatch.setattr(ranking, "RERANKED_ROWS", sum(len(r) for r in rows.values()) + spare)
    ranker = ranking.Ranker(t, lambda w: s._containing(t, w))
    scores = {w: ranker.score(r, [w], [w]) for w, r in rows.items()}
    assert [key[0] for key in ranker._reranked] == kept
    for w, r in rows.items():  # kept or made again, the same scores
        assert ranker.score(r, [w], [w]).tolist() == scores[w].tolist()


def test_reranked_rows_one_set_of_terms_over_the_bound_keeps_its_newest_rows(sample_index, monkeypatch):
    from search import engine, ranking

    s = engine.Searcher(sample_index)
    t = s.current_table()
    rows = s._containing(t, "支部")
    assert len(rows) >= 4
    monkeypatch.setattr(ranking, "RERANKED_ROWS", len(rows) - 1)
    ranker = ranking.Ranker(t, lambda w: s._containing(t, w))
    ranker.score(rows[:2], ["支部"], ["支部"])
    ranker.score(rows[2:], ["支部"], ["支部"])
    assert sorted(ranker._reranked[(("支部",), None)]) == rows[2:].tolist()


@pytest.mark.parametrize("query", ["五星支部", "支部 党建", "发展", "乡村振兴 建设", "\"五星\""])
def test_the_caches_never_change_an_answer(sample_index, monkeypatch, query):
    """Caches that keep only the newest entry (every other lookup recomputed) give the
    same results as the default bounds, on the first run and on a repeat."""
    from search import engine, hit_parts, ranking

    def answer(s):
        res = s.search(query)
        return (res.total, [h.to_dict() for h in res.hits], [(k, list(v.items())) for k, v in res.facets.items()])

    roomy = engine.Searcher(sample_index)
    expected = answer(roomy)
    assert answer(roomy) == expected
    monkeypatch.setattr(engine, "CACHE_BYTES", 0)
    monkeypatch.setattr(ranking, "CACHED_BYTES", 0)
    monkeypatch.setattr(engine, "CACHE_CEILING", 0)
    monkeypatch.setattr(ranking, "RERANKED_ROWS", 0)
    monkeypatch.setattr(hit_parts, "KEPT_CHARS", 0)
    tight = engine.Searcher(sample_index)
    assert answer(tight) == expected
    assert answer(tight) == expected
    assert len(tight._cache) <= 1 and len(tight._ranker_for(tight.current_table())._stats) <= 1


@pytest.mark.parametrize("written", ["2020年-2022年", "2020年至2022年", "2020——2022", "2020—2022", "2020－2022",
                                     "2020～2022", "2020到2022", "2020 年 - 2022 年"])
def test_year_ranges_as_people_type_them(written):
    # as an option or parameter value (--year, year=), and in the query where it is one word
    for q in (parse_query("五星支部", {"year": [written]}), *([parse_query(f"五星支部 year:{written}")] * (" " not in written))):
        assert year_matches(2020, q.filters["year"]) and year_matches(2022, q.filters["year"])
        assert not year_matches(2019, q.filters["year"]) and not year_matches(2023, q.filters["year"])
    assert year_range(written) == ("2020", "2022")


def test_a_year_with_its_character_is_the_year_and_nothing_more_is():
    q = parse_query("五星支部 年:2022年")
    assert year_matches(2022, q.filters["year"]) and not year_matches(2021, q.filters["year"])
    assert parse_query("五星支部", {"year": ["2022年"]}).filters == {"year": ["2022年"]}
    for wrong in ("2022年年", "22年", "年2022", "2020-", "2020年-", "20222年", "2020至至"):
        with pytest.raises(QueryError, match="year must be"):
            parse_query(f"五星支部 year:{wrong}")
