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


def test_analyzers_with_the_same_words_share_one_loaded_dictionary():
    """The process keeps the last loaded jieba dictionary: each build of an index does not
    load it again; another word list gets a dictionary of its own, with its words only."""
    one, same = Analyzer([("犇骉镇", 5)]), Analyzer([("犇骉镇", 5)])
    assert one.jieba is same.jieba and one.jieba.FREQ["犇骉镇"] == 5
    other = Analyzer([("龘靐乡", None)])
    assert other.jieba is not one.jieba
    assert "龘靐乡" in other.jieba.FREQ and "犇骉镇" not in other.jieba.FREQ
    assert one.jieba.FREQ["犇骉镇"] == 5 and "龘靐乡" not in one.jieba.FREQ  # the first one is unchanged
    assert one.junction_score("犇骉", "镇") == 2 and other.junction_score("犇骉", "镇") == 0


def test_the_dictionary_table_is_written_alike_from_the_kept_copy(tmp_path):
    from index.generation import wordtable

    freq = {"党建": 7, "党": 3, "五星支部": 2, "五": 1, "五星": 0, "五星支": 0}
    other = {"镇": 4}
    for folder, words in (("a", freq), ("b", freq), ("c", other), ("d", freq)):
        (tmp_path / folder).mkdir()
        wordtable.write(tmp_path / folder, words, sum(words.values()))
    for name in wordtable.FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes() \
            == (tmp_path / "d" / name).read_bytes(), name
    assert (tmp_path / "c" / wordtable.BLOB).read_bytes() == "镇".encode()
    import numpy as np

    assert np.load(tmp_path / "d" / wordtable.FREQS).tolist() == [1, 0, 0, 2, 3, 7]  # 五 … 五星支部, 党, 党建


def test_the_dictionary_table_is_read_alike_whatever_byte_order_its_offsets_have(tmp_path):
    """The table's lookups index its offsets as plain ints (a memoryview): offsets saved
    in the other byte order (an index copied from such a machine) give the same entries."""
    import numpy as np

    from index.generation import wordtable

    freq = {"党建": 7, "党": 3, "五星支部": 2, "五": 1, "五星": 0, "五星支": 0, "镇": 4}
    for folder in ("native", "swapped"):
        (tmp_path / folder).mkdir()
        wordtable.write(tmp_path / folder, freq, sum(freq.values()))
    offsets = np.load(tmp_path / "swapped" / wordtable.OFFSETS)
    swapped = offsets.astype(offsets.dtype.newbyteorder("S"))
    np.save(tmp_path / "swapped" / wordtable.OFFSETS, swapped, allow_pickle=False)
    assert np.load(tmp_path / "swapped" / wordtable.OFFSETS).dtype.byteorder != offsets.dtype.byteorder
    probes = [*freq, "五星支部创建", "党建引领", "乡", "", "五星乡"]
    for folder in ("native", "swapped"):
        table = wordtable.WordTable(tmp_path / folder)
        assert [table.get(w) for w in probes] == [7, 3, 2, 1, 0, 0, 4, None, None, None, None, None], folder
        assert table.entries_in("五星支部党建") == {"五": 1, "五星": 0, "五星支": 0, "五星支部": 2, "党": 3, "党建": 7}
