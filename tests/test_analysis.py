"""The shared analyzer: domain dictionary, ordinal positions, one-character tokens."""

from __future__ import annotations

from whoosh import index as whoosh_index

from index.analysis import Analyzer, WordTokenizer
from index.generation import store
from index.generation.schema import analyzer_of
from index.normalize import normalize, normalize_with_offsets


def test_domain_dictionary_keeps_place_names_and_terms_whole():
    a = Analyzer()
    assert a.words("大隗镇扎实推动五星支部创建") == ["大隗镇", "扎实", "推动", "五星支部", "创建"]
    assert a.words("回郭镇党委")[:2] == ["回郭镇", "党委"]
    assert "万人助万企" in a.words("持续深化“万人助万企”活动")
    assert "专精特新" in a.words("新增省级专精特新中小企业")


def test_tokenizer_positions_are_ordinal_and_single_characters_are_kept():
    tokens = [(t.text, t.pos) for t in WordTokenizer(Analyzer())("在“五星”支部 建设中", positions=True)]
    assert tokens == [("在", 0), ("五星支部", 1), ("建设", 2), ("中", 3)]
    # words handed over already segmented (as the builder does) keep their order
    assert [(t.text, t.pos) for t in WordTokenizer(Analyzer())(["党建", "引领"], positions=True, start_pos=5)] == [
        ("党建", 5), ("引领", 6)]


def test_the_analyzer_travels_with_the_index(make_index, tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("峡窝模式 1000\n", encoding="utf-8")
    searcher = make_index({"a.txt": "峡窝镇\n\n推广峡窝模式。\n"}, userdict=extra)
    gen = store.current_generation(tmp_path / "index")
    stored = analyzer_of(whoosh_index.open_dir(str(gen)).schema)
    assert ("峡窝模式", 1000) in stored.userdict
    assert "峡窝模式" in searcher.analyzer.words("推广峡窝模式")


def test_normalization():
    assert normalize("“五星”支部\n") == "五星支部"
    assert normalize("ＡＢＣ１２３，鄉村振興") == "abc123乡村振兴"
    assert normalize("1+4+X") == "1+4+x"
    norm, offsets = normalize_with_offsets("a “b” c")
    assert norm == "abc" and offsets == [0, 3, 6]
