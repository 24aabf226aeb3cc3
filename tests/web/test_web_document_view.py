"""The document page: highlight runs shared with /api/docs?q= and govsearch show, section
match counts, and the bound on how much one page renders."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from search.engine import Searcher
from web import create_app

REPORT = """# 红星镇工作总结

## 党建引领

### 五星支部

红星镇推进五星支部创建。

全镇“五星”支部达到十个。

### 组织建设

支部书记轮训。

## 项目建设

新建项目五个，其中一个是五星支部活动中心。

## 民生

群众满意。
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("docview")
    build(write_corpus(base / "c", {"hx.md": REPORT}), base / "i", workers=1)
    return base / "i"


def test_highlights_are_the_same_for_api_cli_and_engine(index):
    doc = Searcher(index).document("hx", query="五星支部")
    marked = {p["passage_id"]: p["highlights"] for p in doc["passages"] if p["highlights"]}
    assert doc["matches"] == sum(p["matches"] for p in doc["passages"]) == 4 and doc["needles"] == ["五星支部"]
    assert sum(len(h) for h in marked.values()) == 5  # “五星”支部: two runs, one match
    texts = {p["passage_id"]: p["text"] for p in doc["passages"]}
    for pid, runs in marked.items():
        assert "".join(texts[pid][a:b] for a, b in runs).count("五星") >= 1
    client = create_app({"index": str(index), "TESTING": True}).test_client()
    api = client.get("/api/docs/hx?q=五星支部").get_json()
    assert {p["passage_id"]: p["highlights"] for p in api["passages"] if p["highlights"]} == marked
    cli = CliRunner().invoke(main, ["show", "hx", "--query", "五星支部", "--json", "--index", str(index)])
    assert {p["passage_id"]: p["highlights"] for p in json.loads(cli.output)["passages"] if p["highlights"]} == marked
    assert "highlights" not in client.get("/api/docs/hx").get_json()["passages"][0]  # only when asked


def test_page_marks_exactly_the_runs_and_counts_matches_per_section(index):
    client = create_app({"index": str(index), "TESTING": True}).test_client()
    page = client.get("/docs/hx?q=五星支部").get_data(as_text=True)
    doc = Searcher(index).document("hx", query="五星支部")
    toc, body = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)
    assert body.count("<mark") == sum(len(p["highlights"]) for p in doc["passages"])
    assert f"共 <strong>{doc['matches']}</strong> 处" in page
    toc = re.sub(r"</?mark[^>]*>", "", toc)
    counts = dict(re.findall(r'<a href="#[^"]+">([^<]+)</a> <span class="toc-hits">（(\d+) 处匹配）', toc))
    # brute force: a heading counts the matches in itself and in every passage below it
    expected = {}
    for h in doc["passages"]:
        if h["kind"] != "heading":
            continue
        path = (h["section"] + " > " if h["section"] else "") + h["text"]
        n = h["matches"] + sum(p["matches"] for p in doc["passages"]
                                       if p["section"] == path or p["section"].startswith(path + " > "))
        if n:
            expected[h["text"]] = str(n)
    assert counts == expected == {"党建引领": "3", "五星支部": "3", "项目建设": "1"}  # “五星”支部: two runs, one match


def test_a_page_renders_at_most_document_max_passages_and_says_so(index):
    client = create_app({"index": str(index), "TESTING": True, "document_max_passages": 4}).test_client()
    page = client.get("/docs/hx").get_data(as_text=True)
    total = len(Searcher(index).document("hx")["passages"])
    assert f"本报告共 {total} 段，本页只显示前 4 段" in page
    assert "组织建设" not in page.split("</header>", 1)[1]  # beyond the bound
    full = create_app({"index": str(index), "TESTING": True}).test_client().get("/docs/hx").get_data(as_text=True)
    assert "本页只显示前" not in full and "群众满意" in full


def test_a_report_with_thousands_of_headings_opens(tmp_path):
    """Correctness on a big outline (the speed is measured by bench/reliability.py)."""
    lines = ["# 大纲镇工作总结", ""]
    for n in range(3000):
        lines += [f"## 第{n}部分", "", f"第{n}部分推进五星支部。" if n % 100 == 0 else f"第{n}部分内容。", ""]
    build(write_corpus(tmp_path / "c", {"big.md": "\n".join(lines)}), tmp_path / "i", workers=1)
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True, "document_max_passages": 10_000}).test_client()
    page = client.get("/docs/big?q=五星支部")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.split("</nav>", 1)[1].count("<mark") == 30 and html.count("（1 处匹配）") == 30


def test_document_read_in_bulk_equals_a_fresh_build_after_updates(tmp_path):
    """Searcher.document reads a report's consecutive rows in bulk; after updates that
    change, remove and add reports (rows of removed reports stay in the table, dead)
    every report reads exactly as in a fresh build of the same corpus."""
    from index import update

    corpus = write_corpus(tmp_path / "c", {"a.md": REPORT, "b.md": REPORT.replace("红星镇", "白云镇"),
                                          "c.md": REPORT.replace("红星镇", "青山镇")})
    build(corpus, tmp_path / "i")
    (corpus / "b.md").write_text(REPORT.replace("红星镇", "白云镇") + "\n## 新增一节\n\n白云镇五星支部再添一个。\n",
                                 encoding="utf-8")
    (corpus / "a.md").unlink()
    write_corpus(corpus, {"d.md": REPORT.replace("红星镇", "绿水镇")})
    update(corpus, tmp_path / "i")
    build(corpus, tmp_path / "fresh")
    updated, fresh = Searcher(tmp_path / "i"), Searcher(tmp_path / "fresh")
    ids = sorted(d["doc_id"] for d in fresh.documents())
    assert ids == sorted(d["doc_id"] for d in updated.documents()) and len(ids) == 3
    for doc_id in ids:
        for query in (None, "五星支部"):
            got, want = updated.document(doc_id, query=query), fresh.document(doc_id, query=query)
            assert got == want
            assert [p["passage_id"] for p in got["passages"]] == [f"{doc_id}:{n}" for n in range(len(got["passages"]))]
    assert any("再添一个" in p["text"] for p in updated.document("b", query="五星支部")["passages"])
    assert updated.document("b", query="五星支部")["matches"] == updated.document("c", query="五星支部")["matches"] + 1
