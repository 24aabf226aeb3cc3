"""Real files with real encodings; broken files are skipped, never fatal."""

from __future__ import annotations

import codecs

import pytest

from conftest import write_corpus
from index import build
from index.errors import NothingIndexed
from search.engine import Searcher

REPORT = "大隗镇工作总结\n\n大隗镇扎实推动“五星支部”创建，成效明显。\n\n全镇人居环境持续改善。\n"


@pytest.mark.parametrize("name,data", [
    ("utf8.txt", REPORT.encode("utf-8")),
    ("utf8-bom.txt", codecs.BOM_UTF8 + REPORT.encode("utf-8")),
    ("gbk.txt", REPORT.encode("gbk")),
    ("gb18030.txt", (REPORT + "㐀䶵\n").encode("gb18030")),
    ("utf16le-bom.txt", codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le")),
    ("utf16be-bom.txt", codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be")),
    ("crlf.txt", REPORT.replace("\n", "\r\n").encode("gbk")),
    ("cr.txt", REPORT.replace("\n", "\r").encode("utf-8")),
    ("report.md", ("# 大隗镇工作总结\n\n## 党建\n\n" + REPORT).encode("utf-8")),
])
def test_encodings_and_line_ends(make_index, name, data):
    searcher = make_index({name: data})
    res = searcher.search("五星支部")
    assert res.total == 1
    assert res.hits[0].passage == "大隗镇扎实推动“五星支部”创建，成效明显。"
    assert res.hits[0].town == "大隗镇"
    assert searcher.search("人居环境").total == 1


def test_encoding_is_recorded(make_index):
    searcher = make_index({"a.txt": REPORT.encode("gbk"), "b.txt": REPORT.encode("utf-8")})
    encodings = {d["source"]: searcher.document(d["doc_id"])["encoding"] for d in searcher.documents()}
    assert encodings == {"a.txt": "gb18030", "b.txt": "utf-8"}


def test_broken_files_are_skipped_with_reasons(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {
        "good.txt": REPORT,
        "empty.txt": b"",
        "blank.txt": "\n\n   \n",
        "binary.txt": bytes(range(256)) * 4,
        "sub/nested.md": "# 来集镇\n\n来集镇持续深化“万人助万企”。\n",
        "notes.docx": b"PK\x03\x04 not a whole Word file",
        "sheet.xlsx": b"PK\x03\x04 ignored: not a supported format",
    })
    report = build(corpus, tmp_path / "index")
    assert sorted(report.indexed) == ["good.txt", "sub/nested.md"]
    reasons = dict(report.skipped)
    assert set(reasons) == {"empty.txt", "blank.txt", "binary.txt", "notes.docx"}
    assert "not a valid .docx" in reasons["notes.docx"]
    assert "empty" in reasons["empty.txt"]
    assert "empty" in reasons["blank.txt"]
    assert "binary" in reasons["binary.txt"]
    assert report.failed == []
    searcher = Searcher(tmp_path / "index")
    assert searcher.search("万人助万企").total == 1
    assert {s["file"] for s in searcher.stats()["skipped"]} == {"empty.txt", "blank.txt", "binary.txt", "notes.docx"}


def test_undecodable_bytes_are_skipped(tmp_path):
    # valid in no encoding we accept: lone UTF-8 continuation bytes mixed with C1 controls
    junk = bytes([0x80, 0x81, 0xFE, 0xFF, 0x90, 0x91]) * 300
    corpus = write_corpus(tmp_path / "c", {"good.txt": REPORT, "junk.txt": junk})
    report = build(corpus, tmp_path / "i")
    assert report.indexed == ["good.txt"]
    assert [f for f, _ in report.skipped] == ["junk.txt"]


def test_nothing_indexable_is_an_error(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"empty.txt": b""})
    with pytest.raises(NothingIndexed):
        build(corpus, tmp_path / "i")
    assert not (tmp_path / "i" / "CURRENT").exists()


def test_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(NothingIndexed, match="does not exist"):
        build(tmp_path / "nope", tmp_path / "i")


def test_sidecar_sets_and_clears_fields(make_index):
    searcher = make_index({
        "a.txt": REPORT,
        "b.txt": "来集镇2021年工作总结\n\n来集镇持续深化“万人助万企”。\n",
        "metadata.tsv": "file\ttitle\ttown\tcounty\tyear\tignored\n"
                        "a.txt\t大隗镇2022年工作总结\t\t新密市\t2022\tx\n"
                        "b.txt\t\t-\t\t-\n",
    })
    docs = {d["source"]: d for d in searcher.documents()}
    a, b = docs["a.txt"], docs["b.txt"]
    assert (a["title"], a["town"], a["county"], a["year"]) == ("大隗镇2022年工作总结", "大隗镇", "新密市", 2022)
    assert (b["title"], b["town"], b["year"]) == ("来集镇2021年工作总结", None, None)
    assert searcher.search("万人助万企", year="2022").total == 0


def test_bad_sidecar_is_reported_not_fatal(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": REPORT, "metadata.tsv": "title\tyear\nx\t1\n"})
    report = build(corpus, tmp_path / "i")
    assert report.indexed == ["a.txt"]
    assert any(f == "metadata.tsv" and "file" in why for f, why in report.skipped)


def test_traditional_and_full_width_text_matches_simplified_queries(make_index):
    searcher = make_index({"t.txt": "鄉村振興工作報告\n\n全鎮推進鄉村振興，完成投資２０２３萬元。\n"})
    assert searcher.search("乡村振兴").total >= 1
    assert searcher.search("2023万元").total == 1
    assert searcher.search("ＡＢＣ").total == 0
