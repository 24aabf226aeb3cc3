"""A report's match count (``govsearch show --query``, ``/api/docs/<id>?q=``, the document
page) counts a match once even when punctuation splits it into two highlights."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build
from search.engine import Searcher
from search.highlight import match_count, match_runs
from web import create_app

REPORT = (
    "# 青山镇2022年工作总结\n\n"
    "## 党建\n\n"
    "全镇开展“五星”支部创建，“五星”支部覆盖全镇。\n\n"
    "五星支部五星支部，两处相连。\n\n"
    "没有匹配的段落。\n"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    base = tmp_path_factory.mktemp("count")
    build(write_corpus(base / "corpus", {"qingshan.md": REPORT}), base / "index", workers=1)
    return base / "index"


def test_split_match_counts_once_side_by_side_twice():
    assert len(match_runs("“五星”支部", ["五星支部"])) == 2  # two highlights …
    assert match_count("“五星”支部", ["五星支部"]) == 1  # … one match
    assert len(match_runs("五星支部五星支部", ["五星支部"])) == 1  # touching: one mark …
    assert match_count("五星支部五星支部", ["五星支部"]) == 2  # … but a repeat
    assert match_count("五星支部，五星支部", ["五星支部"]) == 2
    assert match_count("“五星”“支部”", ["五星", "支部"]) == 1  # the words of a word match, side by side
    assert match_count("五星支部", ["五星支", "星支部"]) == 1  # overlapping needles: one match
    assert match_count("没有", ["五星支部"]) == 0


def test_document_counts_matches_not_highlights(index_dir):
    doc = Searcher(index_dir).document("qingshan", query="五星支部")
    body = [p for p in doc["passages"] if "五星" in p["text"]]
    assert [len(p["highlights"]) for p in body] == [4, 1]
    assert [p["matches"] for p in body] == [2, 2]
    assert doc["matches"] == 4
    assert all(p["matches"] == 0 for p in doc["passages"] if "五星" not in p["text"])


def test_show_query_prints_the_count(index_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["show", "qingshan", "--query", "五星支部", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "“五星支部”: 4 matches" in result.output
    as_json = json.loads(runner.invoke(main, ["show", "qingshan", "-q", "五星支部", "--json",
                                              "--index", str(index_dir)]).output)
    assert as_json["matches"] == 4


def test_api_and_page_count_the_same(index_dir):
    client = create_app({"TESTING": True, "index": str(index_dir)}).test_client()
    data = client.get("/api/docs/qingshan?q=五星支部").get_json()
    assert data["matches"] == 4
    assert sum(p["matches"] for p in data["passages"]) == 4
    page = client.get("/docs/qingshan?q=五星支部").get_data(as_text=True)
    assert "共 <strong>4</strong> 处" in page
