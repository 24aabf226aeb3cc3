"""Query assistance through the Python API: vocabulary, did-you-mean, pinyin, synonyms,
completions, related searches (search/assist.py and friends), on a tiny corpus."""

from __future__ import annotations

import json
import os

import pytest

from conftest import write_corpus
from index import build, update
from index.generation import store
from index.generation.vocabulary import COUNTS, HEADING, read_counts, read_vocabulary
from search import Searcher, spelling
from search.suggest import complete
from search.synonyms import SynonymError, SynonymSource, parse

REPORTS = {
    "hongxing.md": (
        "# 红星镇2021年工作总结\n\n"
        "## 党建引领 凝聚发展合力\n\n"
        "红星镇扎实推动五星支部创建，五星支部覆盖全部村庄。\n\n"
        "各村开展五星支部创建评比，人居环境明显改善。\n\n"
        "## 生态环保\n\n"
        "全面落实河长制，河道保洁常态化。\n\n"
        "持续整治人居环境，建设美丽乡村。\n\n"
        "农商银行为企业发放贷款，银行网点覆盖各村。\n\n"
        "重庆客商来镇投资。\n"
    ),
    "lvye.md": (
        "# 绿野乡2022年工作报告\n\n"
        "## 河湖治理\n\n"
        "绿野乡深化河湖长制，河湖长制巡河三百次。\n\n"
        "推进河湖长制与网格化结合，人居环境整治见效。\n\n"
        "赴重庆考察学习，与重庆企业签约两个项目。\n\n"
        "引进银行资金，支持五星支部建设。\n"
    ),
}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("assist") / "corpus", REPORTS)


@pytest.fixture(scope="module")
def index_dir(corpus_dir):
    index = corpus_dir.parent / "index"
    build(corpus_dir, index, workers=1)
    return index


@pytest.fixture(scope="module")
def s(index_dir):
    return Searcher(index_dir)


def ids(results):
    return [h.passage_id for h in results.hits]


# --------------------------------------------------------------------------- vocabulary


def test_build_writes_the_vocabulary_with_frequencies_and_word_pinyin(s):
    vocab = read_vocabulary(s.generation_path())
    table = {t: (f, k, p) for t, f, k, p in zip(vocab["terms"], vocab["freq"], vocab["kinds"], vocab["pinyin"])}
    assert table["五星支部"][0] == 3  # passages with it as a jieba word
    assert table["五星支部"][2] == "wu xing zhi bu"
    assert table["银行"][2] == "yin hang"  # polyphone 行 read by the word
    assert table["重庆"][2] == "chong qing"  # polyphone 重 read by the word
    assert table["凝聚发展合力"][1] & HEADING  # a heading piece
    assert "红星镇2021年工作总结" not in table or table["红星镇2021年工作总结"][2] == ""  # digits: no pinyin
    assert "的" not in table  # one character: not a term


def test_update_keeps_unchanged_reports_terms_and_drops_removed_ones(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.md": "# 甲\n\n重庆火锅很好。\n\n重庆火锅很辣。\n",
                                           "b.md": "# 乙\n\n五星支部创建。\n\n五星支部评比。\n"})
    build(corpus, tmp_path / "i", workers=1)
    (corpus / "a.md").write_text("# 甲\n\n成都小吃很好。\n\n成都小吃很辣。\n", encoding="utf-8")
    update(corpus, tmp_path / "i", workers=1)
    terms = set(read_vocabulary(Searcher(tmp_path / "i").generation_path())["terms"])
    assert "五星支部" in terms  # b.md was not re-analyzed, its terms were carried over
    assert "成都" in terms and "重庆" not in terms
    (corpus / "b.md").unlink()
    update(corpus, tmp_path / "i", workers=1)
    assert "五星支部" not in set(read_vocabulary(Searcher(tmp_path / "i").generation_path())["terms"])


def test_update_writes_the_vocabulary_a_full_build_writes(tmp_path):
    """An update starts from the previous counts, takes out what the changed and removed
    reports had, adds the new ones: the same files as a build from scratch."""
    corpus = write_corpus(tmp_path / "c", dict(REPORTS, **{
        "extra.md": "# 青山镇2020年工作总结\n\n## 人居环境\n\n人居环境整治，五星支部创建。\n\n人居环境整治见效。\n"}))
    build(corpus, tmp_path / "u", workers=1)
    (corpus / "lvye.md").write_text(REPORTS["lvye.md"].replace("重庆", "成都"), encoding="utf-8")
    (corpus / "extra.md").unlink()
    (corpus / "new.md").write_text("# 白云乡2023年工作报告\n\n## 生态环保\n\n河湖长制落实到位，人居环境整治。\n",
                                   encoding="utf-8")
    report = update(corpus, tmp_path / "u", workers=1)
    assert sorted(report.indexed) == ["lvye.md", "new.md"] and report.removed == ["extra.md"]
    build(corpus, tmp_path / "b", workers=1)
    updated, built = Searcher(tmp_path / "u").generation_path(), Searcher(tmp_path / "b").generation_path()
    assert read_vocabulary(updated) == read_vocabulary(built)
    assert read_counts(updated) == read_counts(built)
    words = read_counts(updated)["w"]
    assert words["成都"] == 1 and words["重庆"] == 1  # lvye's 重庆 went, hongxing's stays


def test_an_update_of_an_index_with_damaged_counts_rebuilds_it(tmp_path):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    build(corpus, tmp_path / "i", workers=1)
    gen = Searcher(tmp_path / "i").generation_path()
    counts = gen / COUNTS
    os.chmod(counts, 0o644)
    data = counts.read_bytes()
    counts.write_bytes(data[:10] + bytes(len(data) - 10))  # same size, garbage inside
    report = update(corpus, tmp_path / "i", workers=1)
    assert any("damaged" in n for n in report.notes)
    assert sorted(report.indexed) == sorted(REPORTS)  # everything re-indexed, nothing lost
    assert read_counts(Searcher(tmp_path / "i").generation_path())["w"]["五星支部"] >= 3


# --------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize("typo,fixed", [
    ("五心支部", "五星支部"),   # near homophone xin/xing
    ("人居环竟", "人居环境"),   # homophone
    ("五星支支部", "五星支部"),  # doubled character
    ("五支星部", "五星支部"),   # swapped characters
    ("人居坏境", "人居环境"),   # wrong character
])
def test_did_you_mean_corrects_typos_without_rewriting_the_results(s, typo, fixed):
    res = s.search(typo)
    assert res.total == 0 and res.hits == []  # the results stay those of the query as typed
    assert res.did_you_mean, typo
    first = res.did_you_mean[0]
    assert first["query"] == fixed
    assert first["total"] == s.search(fixed, synonyms=False).total > 0


def test_did_you_mean_keeps_the_rest_of_the_query(s):
    res = s.search("五心支部 -银行")
    assert res.did_you_mean[0]["query"] == "五星支部 -银行"
    assert res.did_you_mean[0]["total"] == 2


@pytest.mark.parametrize("query", ["五星支部", "人居环境", "量子纠缠", "火星探测车", "银行 重庆"])
def test_no_suggestion_for_a_correct_query(s, query):
    assert s.search(query).did_you_mean == []


def test_did_you_mean_only_when_asked(s):
    assert s.search("五心支部", did_you_mean=False).did_you_mean == []


# --------------------------------------------------------------------------- pinyin


@pytest.mark.parametrize("typed", ["wuxingzhibu", "wu xing zhi bu", "wǔxīng zhībù", "wu3xing1zhi1bu4", "WXZB", "wxzb"])
def test_pinyin_finds_what_the_chinese_finds(s, typed):
    res = s.search(typed, pinyin=True)
    assert ids(res) == ids(s.search("五星支部", synonyms=False)) and res.total == 3
    assert res.expanded["pinyin"]["searched"] == "五星支部"
    assert res.query == typed  # the query stays what was typed; expanded says what was searched
    assert res.to_dict()["expanded"]["pinyin"]["typed"]


@pytest.mark.parametrize("typed,chinese", [("yinhang", "银行"), ("chongqing", "重庆")])
def test_polyphones_follow_the_word(s, typed, chinese):
    res = s.search(typed, pinyin=True)
    assert res.expanded["pinyin"]["searched"] == chinese
    assert res.total == s.passage_count(chinese) > 0


def test_pinyin_only_for_latin_queries_without_literal_hits(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.md": "# 甲\n\n推广ppp模式，五星支部领办。\n\n五星支部创建。\n"})
    build(corpus, tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    res = s.search("ppp", pinyin=True)
    assert res.total == 1 and res.expanded["pinyin"] is None  # literal hits first
    nothing = s.search("xqzvk", pinyin=True)
    assert nothing.total == 0 and nothing.expanded["pinyin"] is None
    assert s.search("wuxingzhibu").total == 0  # the Python API's default: literal
    assert s.search('"wuxingzhibu"', pinyin=True).expanded["pinyin"] is None  # a quoted phrase is text


# --------------------------------------------------------------------------- synonyms


def test_synonyms_find_more_marked_and_ranked_after_the_literal_hits(s):
    res = s.search("河长制", synonyms=True, page_size=100)
    literal = s.search("河长制", synonyms=False, page_size=100)
    assert literal.total == 1 and res.total == 1 + 2
    assert res.total_exact == 1  # literal exact matches only
    assert res.expanded["synonyms"] == [{"term": "河长制", "synonyms": ["河湖长制"]}]
    assert res.expanded["synonym_hits"] == 2 and res.expanded["synonyms_off"] is False
    assert [h.match for h in res.hits] == ["exact", "synonym", "synonym"]
    assert all("河湖长制" in h.passage for h in res.hits[1:])
    assert all(h["match"] in ("exact", "synonym") for h in res.to_dict()["hits"])
    assert res.total_docs == 2 and res.facets["topic"]["环保"] >= 1  # facets count every hit shown


def test_the_python_api_is_literal_unless_asked(s):
    plain = s.search("河长制")
    assert plain.total == 1 and plain.expanded["synonym_hits"] == 0 and plain.expanded["synonyms_off"] is True
    assert s.search("wuxingzhibu").total == 0 and s.search("wuxingzhibu").expanded["pinyin"] is None


def test_synonyms_off_and_quoted_phrases_are_not_expanded(s):
    off = s.search("河长制", synonyms=False)
    assert off.total == 1 and off.expanded["synonyms_off"] is True
    assert off.expanded["synonyms"][0]["synonyms"] == ["河湖长制"]  # what would have been added
    quoted = s.search('"河长制"', synonyms=True)
    assert quoted.total == 1 and quoted.expanded["synonyms"] == [] and quoted.expanded["synonym_hits"] == 0


def test_a_custom_synonym_file_applies_at_query_time_without_rebuild(index_dir, tmp_path):
    table = tmp_path / "syn.txt"
    table.write_text("# mine\n重庆 = 渝\n", encoding="utf-8")
    s = Searcher(index_dir, synonyms_file=table)
    assert s.search("河长制", synonyms=True).total == 1  # the shipped table is not used
    assert s.search("重庆", synonyms=True).expanded["synonyms"] == [{"term": "重庆", "synonyms": ["渝"]}]
    table.write_text("河长制 = 河湖长制\n", encoding="utf-8")
    os.utime(table, ns=(1, 10**18))  # a later modification time
    assert s.search("河长制", synonyms=True).total == 3
    assert s.search("重庆", synonyms=True).expanded["synonyms"] == []


def test_synonym_table_format_and_errors(tmp_path):
    assert parse("甲 = 乙 = 丙\n丁 => 戊 己  # one way\n") == {
        "甲": ["乙", "丙"], "乙": ["甲", "丙"], "丙": ["甲", "乙"], "丁": ["戊", "己"]}
    assert parse("鄉村振興 = 乡村全面振兴") == {"乡村振兴": ["乡村全面振兴"], "乡村全面振兴": ["乡村振兴"]}
    with pytest.raises(SynonymError, match="line 2"):
        parse("甲 = 乙\n孤单\n")
    with pytest.raises(SynonymError, match="both sides"):
        parse("甲 =>\n")
    with pytest.raises(SynonymError, match="cannot read"):
        SynonymSource(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- completions and related


def test_completions_come_from_the_vocabulary_with_real_counts(s):
    items = complete(s, "五星")
    assert items[0]["text"] == "五星支部"
    assert items[0]["count"] == s.search("五星支部", synonyms=False).total
    assert "dictionary" in items[0]["kind"]
    assert all(i["text"].startswith("五星") for i in items)
    assert complete(s, "wxzb")[0]["text"] == "五星支部"
    assert complete(s, "yinh")[0]["text"] == "银行"
    assert len(complete(s, "人", limit=2)) <= 2


@pytest.mark.parametrize("prefix", ["", "   ", "！？", "量子", "zzzzqx"])
def test_no_completions_for_nothing_or_unknown_prefixes(s, prefix):
    assert complete(s, prefix) == []


def test_related_searches_come_from_the_hits_and_leave_out_the_query(s):
    res = s.search("五星支部", related=True)
    terms = [r["query"] for r in res.suggestions]
    # 创建 and 各村 stand in two of the hits, but are filler (tests/test_assist_and_home.py has the positive case)
    assert not {"创建", "各村", "开展"} & set(terms) and all("五星支部" not in t for t in terms)
    text = "".join(h.passage for h in res.hits)
    assert all(t in text for t in terms)
    assert s.search("五星支部").suggestions == []  # only on request
    assert s.search("量子纠缠", related=True).suggestions == []


def test_json_contract_gains_fields_and_keeps_the_old_ones(s):
    d = s.search("五心支部").to_dict()
    for key in ("query", "total", "total_docs", "page", "page_size", "facets", "hits", "total_exact", "pages",
                "filters", "sort", "warnings", "took_ms"):
        assert key in d
    assert d["did_you_mean"][0]["query"] == "五星支部"
    assert set(d["expanded"]) == {"synonyms", "synonym_hits", "synonyms_off", "pinyin"}
    assert d["suggestions"] == []
    json.dumps(d)


def test_an_index_without_vocabulary_still_searches(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.md": "# 甲\n\n五星支部创建。\n"})
    build(corpus, tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    gen = s.generation_path()
    # an index built before vocabularies existed: no file, and its manifest never listed one
    from index.generation import assist_tables
    from index.generation.vocabulary import VOCABULARY

    for name in (VOCABULARY, *assist_tables.FILES):  # nor the tables derived from it
        (gen / name).unlink()
    manifest = store.read_json(gen / store.MANIFEST)
    manifest["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith(("vocabulary", "assist"))}
    store.write_json(gen / store.MANIFEST, manifest)
    s2 = Searcher(tmp_path / "i")
    res = s2.search("五心支部")
    assert res.total == 0 and res.did_you_mean == []
    assert complete(s2, "五星") == []


@pytest.mark.parametrize("norm", ["人居环境整治见效", "推进人居环境 整治", "五星支部创建五星支部评比", "河湖长制与网格化结合"])
def test_phrase_candidates_are_adjacent_words_of_the_text(norm):
    """In an ordinary passage a phrase candidate is two consecutive words whose
    concatenation stands in the text (the rule as first written, here as an oracle)."""
    from index.analysis import Analyzer
    from index.generation.vocabulary import MAX_PHRASE_CHARS, _useful, passage_terms

    words = Analyzer().passage_words(norm)
    expected = {a + b for a, b in zip(words, words[1:]) if len(a + b) <= MAX_PHRASE_CHARS and _useful(a + b)
                and a + b in norm}
    assert passage_terms("body", norm, norm, words)[2] == expected


def test_phrases_of_a_very_long_passage_are_found_where_the_words_stand():
    from index.generation.vocabulary import LONG_PASSAGE, passage_terms

    norm = "五星支部创建" + "很长的一行" * (LONG_PASSAGE // 5 + 10)
    words = ["五星", "支部", "创建"] + ["很长", "一行"] * (LONG_PASSAGE // 5 + 10)
    phrases = passage_terms("body", norm, norm, words)[2]
    assert {"五星支部", "支部创建"} <= phrases  # adjacent where they stand
    assert "很长一行" not in phrases and "一行很长" in phrases  # 的 stands between 很长 and 一行


def test_the_vocabulary_is_written_compressed_and_an_older_plain_one_is_not_read(tmp_path):
    """(An index with a plain vocabulary.json predates the recorded format: refused before this.)"""
    import gzip

    from index.generation.vocabulary import VOCABULARY

    corpus = write_corpus(tmp_path / "c", {"a.md": "# 甲镇\n\n五星支部创建。\n\n五星支部评比。\n"})
    build(corpus, tmp_path / "i", workers=1)
    gen = Searcher(tmp_path / "i").generation_path()
    assert (gen / VOCABULARY).is_file() and not (gen / "vocabulary.json").exists()
    vocab = read_vocabulary(gen)
    assert "五星支部" in vocab["terms"]
    older = tmp_path / "older"
    older.mkdir()
    (older / "vocabulary.json").write_bytes(gzip.decompress((gen / VOCABULARY).read_bytes()))
    with pytest.raises(OSError):
        read_vocabulary(older)



def test_the_one_edit_table_holds_each_term_and_its_shorter_forms():
    """index.generation.keyindex.DeletionIndex (array arithmetic over code points) against the
    strings themselves: every term of 3 to 9 characters, and it with one character left
    out, finds the term; nothing else does."""
    import random

    from index.generation.keyindex import DeletionIndex

    rng = random.Random(7)
    alphabet = "五星支部乡村振兴人居环境党建aé𠀀"
    terms = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 11))) for _ in range(3000)})
    index = DeletionIndex(terms, 3, 9)
    expected: dict[str, set[int]] = {}
    for i, term in enumerate(terms):
        if 3 <= len(term) <= 9:
            for key in {term, *(term[:k] + term[k + 1:] for k in range(len(term)))}:
                expected.setdefault(key, set()).add(i)
    for key, ids in expected.items():
        got = index.get(key)
        assert sorted(got) == sorted(ids) and len(got) == len(set(got)), key
    for probe in ["五星", "不在其中的词语", "", "aé𠀀aé𠀀aé𠀀aé𠀀"]:
        assert set(index.get(probe)) == expected.get(probe, set())


def test_fuzzy_keys_of_all_readings_at_once_equal_syllable_by_syllable():
    import itertools

    from search.spelling import fuzzy, fuzzy_all

    syllables = ["zhang", "chang", "shang", "lang", "ang", "eng", "ing", "ling", "lv", "nv", "zhi", "shi", "li",
                 "long", "leng", "sheng", "zheng", "an", "en", "in", "ong", "xiang", "guang", "ying", "lue", "lve",
                 "ng", "n", "l", "zh"]
    readings = [" ".join(c) for c in itertools.product(syllables, repeat=2)] + syllables + [""]
    assert fuzzy_all(readings) == [" ".join(map(fuzzy, r.split())) for r in readings]
    assert fuzzy_all([]) == []



def test_a_one_term_querys_partial_matches_do_not_hide_the_suggestion(make_index, monkeypatch):
    """人居坏境 (a typo) is in one passage; the passages holding only 坏境 are its partial
    matches (人居 is the commoner word). Spelling suggestions are looked for when the
    full matches are few (spelling.FEW): the one full match counts, not the partial ones."""
    from search import assist

    text = "甲镇工作报告\n\n人居坏境整治启动。\n\n坏境卫生评比开展。\n\n坏境监测站建成。\n\n" + "".join(
        f"第{i}村人居环境整治见效。\n\n" for i in range(8))
    s = make_index({"a.txt": text})
    asked = []
    monkeypatch.setattr(assist, "corrections", lambda searcher, vocab, q, total, run: asked.append(total) or [])
    res = s.search("人居坏境")
    assert (res.total_exact, res.total_partial) == (1, 2) and res.total > spelling.FEW
    assert asked == [1]
