"""index/generation/vocabulary.py: how a build makes the vocabulary's pinyin (one
converter for every term) and its query-assistance tables (in a process of their own
for a large vocabulary) writes the same tables as reading each term on its own, here."""

from __future__ import annotations

from pathlib import Path

from conftest import write_corpus
from index import build
from index.generation import vocabulary

# polyphones read by the phrase (银行 yin hang, 重庆 chong qing), by the character,
# characters without a reading, runs that pypinyin's segmenter cuts in several ways
TERMS = ["银行", "行长", "重庆", "重新", "长大", "朝阳", "还是", "了解", "乐清", "人居环境整治", "朝阳区银行行长",
         "㐀㐁", "䶮", "长长久久", "数据", "单于", "尉迟", "的确", "地方", "都市", "中国", "行业", "发展"]


def test_the_pinyin_of_every_term_is_pypinyins_lazy_pinyin():
    from pypinyin import Style, lazy_pinyin

    expected = [" ".join(lazy_pinyin(t, style=Style.NORMAL, errors="ignore")) for t in TERMS]
    assert vocabulary._pinyin_all(TERMS, {}) == expected
    assert expected[0] == "yin hang" and expected[2] == "chong qing"
    assert vocabulary._pinyin_all(["银行", "abc"], {"银行": "cached"}) == ["cached", ""]


def test_a_process_of_their_own_from_as_many_terms_as_apart_terms():
    assert not vocabulary.apart(vocabulary.APART_TERMS - 1)
    assert vocabulary.apart(vocabulary.APART_TERMS)


def test_tables_made_apart_are_those_made_here(tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    freq, kinds = list(range(1, len(TERMS) + 1)), [vocabulary.WORD] * len(TERMS)
    terms = sorted(TERMS)
    pinyin_here = vocabulary._write_tables(str(here), terms, freq, kinds, {}, {}, None)
    pinyin_there = vocabulary._in_a_process(there, terms, freq, kinds, {}, {}, None)
    assert pinyin_there == pinyin_here == vocabulary._pinyin_all(terms, {})
    assert sorted(p.name for p in there.iterdir()) == sorted(p.name for p in here.iterdir()) != []
    assert all((there / p.name).read_bytes() == p.read_bytes() for p in here.iterdir())


REPORTS = {
    "a.txt": "某某镇2022年工作总结\n\n一、抓好党建工作\n全镇扎实推动五星支部创建，银行行长带头。\n重庆来的党员冬训覆盖全体党员。\n",
    "b.txt": "另一镇2021年工作总结\n\n一、产业发展\n引进项目十个，人居环境整治也有进步。\n",
}


def _tables(index_dir: Path) -> dict[str, bytes]:
    gen = index_dir / (index_dir / "CURRENT").read_text().strip()
    return {name: (gen / name).read_bytes() for name in ("assist.bin", "assist.json", vocabulary.COUNT_TERMS)}


def test_a_build_that_reads_and_tags_apart_writes_the_same_tables(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    build(corpus, tmp_path / "here", workers=1)
    made = []
    real = vocabulary._in_a_process
    monkeypatch.setattr(vocabulary, "APART_TERMS", 1)
    monkeypatch.setattr(vocabulary, "_in_a_process", lambda *a: made.append(1) or real(*a))
    build(corpus, tmp_path / "apart", workers=1)
    assert made == [1]
    here, apart = _tables(tmp_path / "here"), _tables(tmp_path / "apart")
    assert len(here["assist.bin"]) > 1000
    assert here == apart
    assert vocabulary.read_vocabulary(next((tmp_path / "here").glob("gen-*"))) == \
        vocabulary.read_vocabulary(next((tmp_path / "apart").glob("gen-*")))


def test_an_update_that_adds_no_term_reuses_the_tables_whatever_terms_have_no_pinyin(tmp_path, monkeypatch):
    from index import update

    reports = {**REPORTS, "c.txt": "第三镇2023年工作总结\n\n一、5G基站建设\n党建工作扎实。\n"}
    corpus = write_corpus(tmp_path / "c", reports)
    made = []
    real = vocabulary._in_a_process
    monkeypatch.setattr(vocabulary, "APART_TERMS", 1)
    monkeypatch.setattr(vocabulary, "_in_a_process", lambda *a: made.append(1) or real(*a))
    build(corpus, tmp_path / "i", workers=1)
    gen = next((tmp_path / "i").glob("gen-*"))
    table = vocabulary.read_vocabulary(gen)
    assert any(t for t, p in zip(table["terms"], table["pinyin"]) if not p)  # 5g基站建设: no pinyin
    assert made == [1]
    (corpus / "a.txt").write_text(reports["a.txt"] + "党建\n", encoding="utf-8")
    update(corpus, tmp_path / "i", workers=1)
    assert made == [1]  # no new term of Chinese characters: the previous tables, new frequencies
