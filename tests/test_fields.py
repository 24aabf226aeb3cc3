"""The field model (index/fields.py): Whoosh as the index of record, the README's
plain-Whoosh example, the section:/标题: filter, province/city/level, and the
memory-mapped columns written beside Whoosh (index/generation/columns.py)."""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLE_CORPUS, SAMPLE_FILES, docs_text, write_corpus
from index import build, update
from index.errors import IndexMissing, QueryError
from index.fields import FACETS, FIELDS
from index.generation import store
from index.generation.columns import MANIFEST, Columns, blob_files, column_file, rebuild_from_whoosh
from search import Searcher, parse_query
from web.openapi import SCHEMAS

build_module = importlib.import_module("index.generation.build")

REPORT = """某某镇2022年工作总结

今年以来，全镇各项工作稳步推进，现总结如下。

一、抓好党建工作
全镇扎实推动五星支部创建，支部书记带头。
党员冬训覆盖全体党员。

二、项目建设
新建厂房两栋，四上企业新增三家。

三、民生实事
改造农村道路十公里。
"""

OTHER = """另一镇2021年工作总结

全年工作总体平稳，现总结如下。

一、产业发展
引进项目十个，党建工作也有进步。
"""


def readme_block(marker: str) -> str:
    """The fenced Python block of the README or docs/ that contains ``marker``."""
    text = docs_text()
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        if marker in block:
            return block
    raise AssertionError(f"no README python block containing {marker!r}")


def test_readme_whoosh_example_runs_against_a_built_index(tmp_path, sample_index, monkeypatch, capsys):
    # the README example, exactly, run in a folder where var/index is the sample index
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "index").symlink_to(sample_index, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(readme_block('QueryParser("section", ix.schema).parse("党建")'), "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    counts = namespace["counts"]
    assert counts["党建"] >= 1 and set(counts) <= {"党建", "项目", "民生", "环保"}
    assert namespace["hits"] and all("党建" in h["section"] for h in namespace["hits"])
    assert "党建" in out


def test_whoosh_fields_are_searchable_with_plain_whoosh(tmp_path):
    from whoosh import index as whoosh_index
    from whoosh.qparser import QueryParser

    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(tmp_path / "c", tmp_path / "i")
    gen = tmp_path / "i" / (tmp_path / "i" / "CURRENT").read_text().strip()
    ix = whoosh_index.open_dir(str(gen))
    schema_names = set(ix.schema.names())
    assert {"section", "topics", "town", "county", "city", "province", "level", "year", "kind", "words"} <= schema_names
    with ix.searcher() as s:
        def count(field: str, text: str) -> int:
            return len(s.search(QueryParser(field, ix.schema).parse(text), limit=None))

        assert count("section", "党建") == 2  # the two passages under 抓好党建工作
        assert count("section", "民生") == 1
        assert count("section", "环保") == 0
        assert count("year", "2022") == count("doc_id", "a")  # every passage of a.txt
        assert count("year", "2021") == count("doc_id", "b") > 0
        assert count("year", "2020") == 0
        assert count("kind", "heading") >= 4
        assert count("topics", "党建") >= 1 and count("topics", "不存在的主题") == 0


def test_section_filter_searches_the_headings(make_index):
    s = make_index({"a.txt": REPORT, "b.txt": OTHER})
    under = s.search("section:党建")
    assert under.total == 3  # the heading itself and the two passages under it
    texts = {h.passage for h in under.hits}
    assert "全镇扎实推动五星支部创建，支部书记带头。" in texts and "一、抓好党建工作" in texts
    assert all("党建" in h.section or "党建" in h.passage for h in under.hits)
    # a body passage that mentions 党建 under another heading is not a heading match
    assert not any("党建工作也有进步" in h.passage for h in under.hits)
    assert s.search("党建 标题:党建").total == 1  # both: the heading passage itself
    assert s.search("五星支部 标题:项目").total == 0
    assert s.search("四上企业 section:项目").total == 1
    assert s.search("section:不存在").total == 0
    assert s.search("section:党建").filters == {"section": ["党建"]}


def test_section_filter_parses_with_both_names():
    assert parse_query("section:党建").filters == {"section": ["党建"]}
    assert parse_query("标题:党建 五星").filters == {"section": ["党建"]}
    with pytest.raises(QueryError):
        parse_query("nosuchfield:x", {"nosuchfield": ["x"]})


def test_province_city_level_filter_facet_and_json(tmp_path, monkeypatch):
    """Report.province/city/level (filled by the gazetteer) flow through the field model
    into Whoosh, the columns, the filters, the facets and the hit JSON."""
    original = build_module.analyze_source

    def with_places(source, *args, **kwargs):
        item = original(source, *args, **kwargs)
        if source.relpath == "a.txt":
            item.report.province, item.report.city, item.report.level = "河南省", "郑州市", "乡镇"
        return item

    monkeypatch.setattr(build_module, "analyze_source", with_places)
    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(tmp_path / "c", tmp_path / "i", workers=1)
    s = Searcher(tmp_path / "i")
    res = s.search("项目")
    assert res.facets["province"] == {"河南省": 1} and res.facets["city"] == {"郑州市": 1}
    assert res.facets["level"] == {"乡镇": 1}
    assert list(res.facets) == list(FACETS)
    for query, total in (("项目 province:河南省", 1), ("项目 省:河南", 1), ("项目 市:郑州市", 1), ("项目 级别:乡镇", 1),
                         ("项目 省:湖北省", 0), ("项目 city:开封市", 0)):
        assert s.search(query).total == total, query
    hit = s.search("四上企业").hits[0].to_dict()
    assert (hit["province"], hit["city"], hit["level"]) == ("河南省", "郑州市", "乡镇")
    other = s.search("引进项目").hits[0].to_dict()
    assert other["province"] is None and other["city"] is None and other["level"] is None


def test_hit_json_and_openapi_come_from_the_field_model(sample):
    hit = sample.search("五星支部").hits[0].to_dict()
    for f in FIELDS:
        if f.json:
            assert f.json in hit, f.json
            assert f.json in SCHEMAS["Hit"]["properties"], f.json
    # the contract's old names are all still there
    assert {"doc_id", "passage_id", "title", "town", "county", "year", "section", "topics", "match", "passage",
            "snippet", "score", "kind", "highlights"} <= set(hit)


# --------------------------------------------------------------------------- columns


def _gen(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def _column_files(folder: Path) -> dict[str, bytes]:
    import json

    names = json.loads((folder / MANIFEST).read_text())["files"]
    return {name: (folder / name).read_bytes() for name in names}


def test_columns_rebuilt_from_whoosh_equal_the_written_ones(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER, "sub/c.md": "# 标题\n\n## 党建\n\n内容一段。\n"})
    build(tmp_path / "c", tmp_path / "i")
    gen = _gen(tmp_path / "i")
    rebuilt = rebuild_from_whoosh(gen, tmp_path / "rebuilt")
    assert _column_files(gen) == _column_files(rebuilt)


def test_columns_after_update_equal_a_rebuild_from_whoosh(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(tmp_path / "c", tmp_path / "i")
    write_corpus(tmp_path / "c", {"b.txt": OTHER.replace("十个", "二十个"), "d.txt": "新镇2020年总结\n\n五星支部三个。\n"})
    report = update(tmp_path / "c", tmp_path / "i")
    assert sorted(report.indexed) == ["b.txt", "d.txt"]
    gen = _gen(tmp_path / "i")
    rebuilt = rebuild_from_whoosh(gen, tmp_path / "rebuilt")
    assert _column_files(gen) == _column_files(rebuilt)
    s = Searcher(tmp_path / "i")
    assert s.search("二十个").total == 1 and s.search("引进项目十个").total == 0
    assert s.search("五星支部").total == 2


def test_generation_files_are_never_written_through_hard_links(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT})
    build(tmp_path / "c", tmp_path / "i")
    old = _gen(tmp_path / "i")
    before = {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()}
    write_corpus(tmp_path / "c", {"b.txt": OTHER})
    update(tmp_path / "c", tmp_path / "i")
    assert _gen(tmp_path / "i") != old
    after = {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()}
    assert after == before  # the previous generation is untouched by the update


@pytest.mark.parametrize("victim", [column_file("town"), blob_files("norm")[0], blob_files("edits")[1], MANIFEST])
def test_a_truncated_column_file_is_an_index_error_naming_it(tmp_path, victim):
    write_corpus(tmp_path / "c", {"a.txt": REPORT})
    build(tmp_path / "c", tmp_path / "i")
    path = _gen(tmp_path / "i") / victim
    path.chmod(0o644)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexMissing) as info:
        Searcher(tmp_path / "i").search("五星支部")
    assert victim in str(info.value)


def test_a_file_truncated_under_a_running_searcher_is_reported_not_a_crash(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT})
    build(tmp_path / "c", tmp_path / "i")
    s = Searcher(tmp_path / "i")
    assert s.search("五星支部").total == 1
    path = _gen(tmp_path / "i") / blob_files("norm")[0]
    path.chmod(0o644)
    with open(path, "r+b") as f:  # truncate in place, as a careless operator would
        f.truncate(10)
    with pytest.raises(IndexMissing) as info:
        s.search("五星支部")
    assert "norm.bin" in str(info.value)


def test_columns_are_mapped_not_read(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT})
    build(tmp_path / "c", tmp_path / "i")
    c = Columns(_gen(tmp_path / "i"))
    town = c.array("town")
    assert isinstance(town.base, np.memmap) and not town.flags.owndata  # a view of the mapping, not a copy
    assert c.norm(1) and c.text(1) and c.rows == len(c.array("live"))


# --------------------------------------------------------------------------- the mapped dictionary


def test_query_segmentation_from_the_mapped_dictionary_equals_jieba(sample_index):
    from index.analysis import Analyzer
    from index.generation.wordtable import WordTable
    from index.normalize import normalize

    gen = _gen(sample_index)
    table = WordTable(gen)
    full = Analyzer()
    texts = [p.read_text(encoding="utf-8") for p in (SAMPLE_CORPUS / n for n in SAMPLE_FILES)]
    samples = [normalize(line) for text in texts for line in text.splitlines() if line.strip()][:400]
    samples += ["五星支部", "万人助万企", "回郭镇党委", "大隗镇", "设项目", "乡村振兴abc123", "专精特新企业", "x"]
    assert len(samples) > 100
    for s in samples:
        assert table.cut(s) == full.cut(s), s
    assert table.get("五星支部") and table.get("不是词语的一串字") is None
    # a searcher segments queries with it, without loading jieba's dictionary
    searcher = Searcher(sample_index)
    assert searcher.search("五星支部 网格").total >= 1
    assert searcher.analyzer.cut("回郭镇党委") == ["回郭镇", "党委"]


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc/self/fd (Linux)")
def test_a_dropped_searcher_closes_its_files_at_once(tmp_path):
    """No reference cycle keeps a Searcher alive: dropped, its files are closed without
    waiting for a cycle collection (a process that opens many indexes, as a test run or
    an app serving several, would otherwise run out of descriptors)."""
    import gc

    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(tmp_path / "c", tmp_path / "i")
    index_dir = str((tmp_path / "i").resolve())

    def open_index_files() -> int:
        # the query-assistance tables are the process's (search/suggest.py keeps a few
        # indexes' vocabularies, bounded), not one searcher's
        from index.generation import assist_tables

        n = 0
        for fd in Path("/proc/self/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            n += target.startswith(index_dir + "/") and Path(target).name not in assist_tables.FILES
        return n

    gc.collect()
    gc.disable()
    try:
        s = Searcher(tmp_path / "i")
        assert s.search("五星支部").total >= 1 and s.search("五心支部") is not None
        assert s.scoped(["public"]).search("五星支部").total >= 1
        assert open_index_files() > 0
        del s
        assert open_index_files() == 0
    finally:
        gc.enable()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc/self/maps (Linux)")
@pytest.mark.parametrize("background", [False, True])
def test_reloads_release_the_previous_generations_maps(tmp_path, background):
    """After each switch only the live generation stays mapped: memory returns to its
    baseline instead of growing with every reload."""
    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(tmp_path / "c", tmp_path / "i")
    s = Searcher(tmp_path / "i", reload_in_background=background)
    index_dir = str((tmp_path / "i").resolve())

    def mapped_generations() -> set[str]:
        gens = set()
        for line in Path("/proc/self/maps").read_text().splitlines():
            path = line.split(maxsplit=5)[-1] if len(line.split(maxsplit=5)) == 6 else ""
            if path.startswith(index_dir + "/"):
                gens.add(path[len(index_dir) + 1 :].split("/")[0])
        return gens

    assert s.search("五星支部 支部书记").total >= 1 and s.search("项目").total >= 1
    assert mapped_generations() == {_gen(tmp_path / "i").name}
    for n in range(4):
        write_corpus(tmp_path / "c", {f"n{n}.txt": f"新镇{n}\n\n第{n}份报告提到五星支部。\n"})
        update(tmp_path / "c", tmp_path / "i")
        s.search("五星支部")
        s.wait_for_reload(30)
        assert s.search("五星支部 支部书记").total >= 1 and s.search("五星支部").total == n + 2
        assert mapped_generations() == {_gen(tmp_path / "i").name}


def test_columns_after_an_update_that_removes_a_report_equal_a_rebuild(tmp_path):
    write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER, "e.md": "# 标题\n\n## 环保督察\n\n整改到位。\n"})
    build(tmp_path / "c", tmp_path / "i")
    (tmp_path / "c" / "a.txt").unlink()
    report = update(tmp_path / "c", tmp_path / "i")
    assert report.removed == ["a.txt"]
    gen = _gen(tmp_path / "i")
    assert _column_files(gen) == _column_files(rebuild_from_whoosh(gen, tmp_path / "rebuilt"))
    s = Searcher(tmp_path / "i")
    assert s.search("五星支部").total == 0 and s.search("整改到位").total == 1
    assert s.search("section:环保").total >= 1 and s.search("section:党建").total == 0


# --------------------------------------------------------------------------- word rows


RELAXED_QUERIES = ["企业 环保", "乡村振兴", "五星支部 党建", "人居环境整治", "项目建设", "村振兴", "高质量发展"]


def _word_postings(folder: Path) -> dict[int, set[int]]:
    from index.generation.wordrows import WordRows

    out: dict[int, set[int]] = {}
    for seg in WordRows.load(folder).segments:
        seg = seg.raw()
        for i, key in enumerate(seg.keys.tolist()):
            out.setdefault(key, set()).update(seg.rows[seg.offsets[i] : seg.offsets[i + 1]].tolist())
    return out


def test_word_rows_rebuilt_from_whoosh_are_the_ones_the_build_wrote(sample_index, tmp_path):
    """The relaxed match reads the mapped word postings (an index without them is refused
    as older); rebuilt from Whoosh's ``words`` field alone they are the ones the build
    wrote, and the relaxed queries find passages through them."""
    from index.generation.wordrows import rebuild_from_whoosh as rebuild_words

    mapped = Searcher(sample_index)
    assert mapped._current().word_rows is not None
    assert sum(mapped.search(q, page_size=100).total for q in RELAXED_QUERIES) > 0
    gen = _gen(sample_index)
    assert _word_postings(rebuild_words(gen, tmp_path / "rebuilt")) == _word_postings(gen)


def test_word_rows_follow_updates(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": REPORT, "b.txt": OTHER})
    build(corpus, tmp_path / "i")
    (corpus / "n.txt").write_text("新镇\n\n新镇推进乡村振兴，建设美丽乡村。\n", encoding="utf-8")
    (corpus / "b.txt").unlink()
    update(corpus, tmp_path / "i")
    for n in range(9):  # more segments than MAX_SEGMENTS: the smallest are merged
        (corpus / f"u{n}.txt").write_text(f"第{n}镇\n\n第{n}镇建设美丽乡村，项目建设提速。\n", encoding="utf-8")
        update(corpus, tmp_path / "i")
    segments = store.read_json(_gen(tmp_path / "i") / "wordrows.json")["segments"]
    assert len(segments) <= 8 and any("merged" in name for name in segments)
    build(corpus, tmp_path / "full")
    found = 0
    for q in RELAXED_QUERIES + ["美丽乡村 振兴"]:
        a, b = Searcher(tmp_path / "i").search(q, page_size=100), Searcher(tmp_path / "full").search(q, page_size=100)
        assert a.total == b.total and sorted(h.passage for h in a.hits) == sorted(h.passage for h in b.hits), q
        found += a.total
    assert found > 0 and Searcher(tmp_path / "i").search("乡村振兴").total >= 1


def test_hits_take_report_values_from_the_columns_as_documents_json_has_them(tmp_path, monkeypatch):
    """A search reads the report's title, places and year from the mapped columns (not
    documents.json, which is read only for the document view): the same values."""
    write_corpus(tmp_path / "c", {"a.txt": REPORT.replace("某某镇", "新密市大隗镇"), "b.txt": OTHER,
                                  "x/无年份.txt": "无名文件\n\n党建工作有进步。\n"})
    build(tmp_path / "c", tmp_path / "i")
    gen = _gen(tmp_path / "i")
    documents = {d["doc_id"]: d for d in store.read_json(gen / store.DOCUMENTS)}

    def check(searcher):
        hits = searcher.search("党建", page_size=50).hits
        assert len({h.doc_id for h in hits}) == 3
        for h in hits:
            d = documents[h.doc_id]
            assert (h.title, h.town, h.county, h.year) == (d["title"], d["town"], d["county"], d["year"])
            assert (h.city, h.province, h.level) == (d.get("city"), d.get("province"), d.get("level"))
        return hits

    s = Searcher(tmp_path / "i")
    new = check(s)
    assert "documents" not in vars(s._current())  # documents.json not parsed by a search
    assert any(h.year is None for h in new) and any(h.town for h in new)
