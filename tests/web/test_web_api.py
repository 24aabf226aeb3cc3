"""The JSON API: the search contract as the engine makes it, documents, stats, health,
and errors that are always JSON with the right status."""

from __future__ import annotations

import json
import re

import pytest

from index import build
from search.engine import Searcher
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)

SEARCH_KEYS = {"query", "total", "total_docs", "page", "page_size", "facets", "hits"}
HIT_KEYS = {"doc_id", "passage_id", "title", "town", "county", "year", "section", "topics", "match",
            "passage", "snippet", "score"}


def without_timing(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "took_ms"}


def test_search_returns_exactly_the_engine_contract(client, tiny_index):
    r = client.get("/api/search?q=五星支部&topic=党建&page_size=2&sort=year")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    expected = Searcher(tiny_index).search("五星支部", topic=["党建"], page_size=2, sort="year").to_dict()
    assert without_timing(data) == without_timing(expected)
    assert SEARCH_KEYS <= set(data) and all(HIT_KEYS <= set(h) for h in data["hits"])
    assert set(data["facets"]) == {"topic", "town", "county", "city", "province", "level", "year"}
    assert data["total"] == 3 and data["total_docs"] == 3 and len(data["hits"]) == 2


def test_search_json_is_utf8_not_escaped(client):
    raw = client.get("/api/search?q=五星支部").data
    assert "五星支部".encode("utf-8") in raw and b"\\u4e94" not in raw


def test_repeated_and_comma_separated_filters(client):
    both = client.get("/api/search?q=五星支部&town=红星镇&town=绿野乡").get_json()
    assert {h["town"] for h in both["hits"]} == {"红星镇", "绿野乡"}
    comma = client.get("/api/search?q=五星支部&town=红星镇,绿野乡").get_json()
    assert comma["total"] == both["total"] == 2
    years = client.get("/api/search?q=五星支部&year=2021-2022").get_json()
    assert sorted(h["year"] for h in years["hits"]) == [2021, 2022]
    county = client.get("/api/search?county=西河县").get_json()
    assert {h["town"] for h in county["hits"]} == {"绿野乡"}


def test_query_syntax_passes_through(client):
    data = client.get("/api/search", query_string={"q": "五星支部 -绿野乡 town:红星镇"}).get_json()
    assert [h["town"] for h in data["hits"]] == ["红星镇"]
    assert data["filters"] == {"town": ["红星镇"]}


def test_paging(client):
    p1 = client.get("/api/search?q=五星支部&page_size=1&page=1&sort=year").get_json()
    p3 = client.get("/api/search?q=五星支部&page_size=1&page=3&sort=year").get_json()
    assert (p1["page"], p3["page"], p1["pages"]) == (1, 3, 3)
    assert p1["hits"][0]["year"] == 2022 and p3["hits"][0]["year"] == 2020


def test_json_snippet_markup_is_only_mark(client):
    data = client.get("/api/search?q=五星支部&town=白云镇").get_json()
    snippet = data["hits"][0]["snippet"]
    assert "<mark>五星支部</mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;" in snippet
    assert "<script>alert(1)</script>" in data["hits"][0]["passage"]  # plain text field stays plain


def test_document(client):
    r = client.get("/api/docs/hongxing-2021")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["doc_id"] == "hongxing-2021" and doc["town"] == "红星镇" and doc["year"] == 2021
    assert [p["kind"] for p in doc["passages"]][:2] == ["title", "heading"]
    assert set(doc) >= {"doc_id", "title", "town", "county", "year", "source", "subtitle", "encoding", "passages"}


def test_stats(client):
    stats = client.get("/api/stats").get_json()
    assert stats["documents"] == 3
    assert stats["towns"] == sorted(["红星镇", "绿野乡", "白云镇"])
    assert set(stats["topics"]) >= {"党建", "项目", "民生", "环保"}


def test_stats_name_no_folder_and_no_skipped_file(tmp_path):
    corpus = write_reports(tmp_path / "secret-corpus", {**TINY_REPORTS, "private-notes.txt": ""})
    build(corpus, tmp_path / "index", workers=1)
    client = create_app({"index": str(tmp_path / "index"), "TESTING": True}).test_client()
    stats = client.get("/api/stats").get_json()
    text = json.dumps(stats, ensure_ascii=False)
    assert str(tmp_path) not in text and "private-notes" not in text
    assert stats["index"] == "index" and stats["corpus"] == "secret-corpus"
    assert stats["skipped_count"] == 1 and sum(stats["skipped_reasons"].values()) == 1
    assert stats["documents"] == 3


def test_stats_of_the_api_and_the_cli_agree_field_for_field(tmp_path):
    """One name for one figure: `/api/stats` is `govsearch index stats --json` less the
    skipped files' names, with the folders named by their last part."""
    from click.testing import CliRunner

    from govsearch.cli import main

    corpus = write_reports(tmp_path / "corpus", {**TINY_REPORTS, "empty-a.txt": "", "empty-b.txt": ""})
    build(corpus, tmp_path / "index", workers=1)
    api = create_app({"index": str(tmp_path / "index"), "TESTING": True}).test_client().get("/api/stats").get_json()
    run = CliRunner().invoke(main, ["index", "stats", "--json", "--index", str(tmp_path / "index")])
    cli = json.loads(run.output)
    assert set(cli) - set(api) == {"skipped"} and set(api) <= set(cli)
    assert cli["skipped_count"] == len(cli["skipped"]) == 2 and sum(cli["skipped_reasons"].values()) == 2
    for key in set(api) - {"index", "corpus"}:
        assert api[key] == cli[key], key
    assert (api["index"], api["corpus"]) == ("index", "corpus")
    assert cli["index"].endswith("index") and cli["corpus"].endswith("corpus") and cli["corpus"] != "corpus"


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["documents"] == 3 and body["generation"].startswith("gen-")


@pytest.mark.parametrize("url", ["/api/search?q=", "/api/search", "/api/search?sort=year", "/api/search?page_size=5"])
def test_nothing_to_search_is_an_empty_answer_with_a_warning(client, url):
    """Every parameter is optional in the OpenAPI document, so no parameter is no error."""
    r = client.get(url)
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 0 and body["hits"] == [] and "empty query" in body["warnings"][0]


def test_unknown_filters_and_parameters_are_warnings(client):
    body = client.get("/api/search", query_string={"q": "foo:bar"}).get_json()
    assert body["total"] == 0 and any("unknown filter 'foo'" in w for w in body["warnings"])
    body = client.get("/api/search", query_string={"q": "五星支部 乡:红星镇"}).get_json()
    assert body["filters"] == {}  # searched as text, not as a filter
    assert any("unknown filter '乡'" in w and "did you mean 镇: (town:)?" in w for w in body["warnings"])
    body = client.get("/api/search", query_string={"q": "五星支部", "bogus": "1", "limit": "5"}).get_json()
    assert body["total"] > 0 and any("unknown parameters ignored: bogus, limit" in w for w in body["warnings"])
    star = client.get("/api/search?q=*")  # nothing searchable: the empty answer with its warning
    assert star.status_code == 200 and star.get_json()["total"] == 0 and star.get_json()["warnings"]


@pytest.mark.parametrize("url, status, code", [
    ("/api/search?q=-五星支部", 400, "bad_query"),  # only exclusions
    ("/api/search?sort=random", 400, "bad_parameter"),
    ("/api/search?q=五星支部&page=0", 400, "bad_parameter"),
    ("/api/search?q=五星支部&page=x", 400, "bad_parameter"),
    ("/api/search?q=五星支部&page_size=101", 400, "bad_parameter"),
    ("/api/search?q=五星支部&sort=random", 400, "bad_parameter"),
    ("/api/search?q=五星支部&year=last", 400, "bad_query"),
    ("/api/search?q=" + "长" * 1001, 400, "bad_query"),
    ("/api/docs/no-such-report", 404, "not_found"),
    ("/api/docs/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
    ("/api/docs/.hidden", 404, "not_found"),
    ("/api/docs/CURRENT", 404, "not_found"),
    ("/api/no-such-endpoint", 404, "not_found"),
])
def test_errors_are_json_with_status(client, url, status, code):
    r = client.get(url)
    assert r.status_code == status
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in r.get_data(as_text=True)


def test_path_traversal_never_reaches_a_file(client, tiny_index):
    for doc_id in ("..", "../build.lock", "%2e%2e%2fCURRENT", "gen-x%2Fdocuments.json"):
        for prefix in ("/api/docs/", "/docs/"):
            r = client.get(prefix + doc_id)
            assert r.status_code == 404, prefix + doc_id
            assert str(tiny_index) not in r.get_data(as_text=True)


def test_wrong_method_is_json_405(client):
    r = client.post("/api/search?q=五星支部")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in r.headers["Allow"]


@pytest.mark.parametrize("method, url, english", [
    ("get", "/api/search?q=五星支部&sort=bad", "sort must be one of"),
    ("get", "/api/search?q=五星支部&group=x", "group must be one of"),
    ("get", "/api/search?q=五星支部&synonyms=maybe", "synonyms must be one of"),
    ("get", "/api/search?q=" + "五" * 1001, "q is too long"),
    ("get", "/api/suggest?q=人居&limit=21", "limit must be a whole number"),
    ("get", "/api/suggest?q=" + "人" * 101, "too long for a suggestion"),
    ("get", "/api/compare?q=五星支部&by=bogus", "by must be one of"),
    ("get", "/api/compare?q=五星支部&by=town&by=town", "twice"),
    ("get", "/api/compare?q=五星支部&level=村", "level must be one of"),
    ("get", "/api/docs/no-such-report", "no document 'no-such-report'"),
    ("get", "/api/no-such-path", "no such path"),
    ("post", "/api/search?q=五星支部", "method not allowed"),
    ("get", "/api/search?q=五星支部&embed_token=gs_abc", "not an API token"),
    ("get", "/api/search?q=五星支部&year_from=abc", "year_from must be YYYY, not 'abc'"),
    ("get", "/api/search?q=五星支部&year_to=20x", "year_to must be YYYY, not '20x'"),
])
def test_api_errors_say_it_in_chinese_then_english(client, method, url, english):
    """Every message a user of the pages or the API can meet is Chinese first, the
    English in brackets after it (the form of the query errors)."""
    error = getattr(client, method)(url).get_json()["error"]
    chinese, _, rest = error["message"].partition(" (")
    assert re.search(r"[\u4e00-\u9fff]", chinese) and english in rest, error["message"]
    assert "-9999" not in error["message"]  # the year inputs are named as typed, not as the range made of them


def test_unexpected_error_is_json_500_without_traceback(app, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    # the class's method: every caller's searcher (search/visibility.py scopes the app's) runs it
    monkeypatch.setattr(type(app.extensions["govsearch"].searcher), "search", boom)
    r = app.test_client().get("/api/search?q=五星支部")
    assert r.status_code == 500
    assert r.get_json() == {"error": {"code": "internal", "message": r.get_json()["error"]["message"]}}
    text = r.get_data(as_text=True)
    assert "secret internal detail" not in text and "Traceback" not in text
    page = app.test_client().get("/?q=五星支部")
    assert page.status_code == 500 and "secret internal detail" not in page.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/search?q=五星支部", "/api/stats", "/api/docs/hongxing-2021"])
def test_no_index_is_503_json(empty_client, url):
    r = empty_client.get(url)
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "no_index"


def test_healthz_503_says_why(empty_client):
    r = empty_client.get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["status"] == "unavailable" and body["error"]["code"] == "no_index"
    assert "no index" in body["error"]["message"]
    assert "处没有索引" in body["error"]["message"].split("(no index")[0]  # Chinese first


def test_no_index_html_page_is_friendly_503(empty_client):
    r = empty_client.get("/?q=五星支部")
    assert r.status_code == 503 and r.mimetype == "text/html"
    assert "检索服务暂不可用" in r.get_data(as_text=True)

def test_no_index_is_the_same_503_notice_on_every_page(empty_client):
    """Without an index every page answers 503 with one notice, the home page included."""
    bodies = []
    for url in ("/", "/?q=五星支部", "/embed", "/embed?q=五星支部&town=大隗镇", "/compare", "/compare?q=五星支部",
                "/docs/xinmi-dawei-2022"):
        r = empty_client.get(url)
        assert r.status_code == 503, url
        body = r.get_data(as_text=True)
        assert "检索服务暂不可用" in body and "索引尚未建立" in body, url
        bodies.append(body)
    assert empty_client.get("/api/compare?q=五星支部").get_json()["error"]["code"] == "no_index"


def test_page_size_cap_is_configurable(tiny_index):
    client = create_app({"index": str(tiny_index), "max_page_size": 2, "page_size": 1}).test_client()
    assert client.get("/api/search?q=五星支部").get_json()["page_size"] == 1
    assert client.get("/api/search?q=五星支部&page_size=2").status_code == 200
    r = client.get("/api/search?q=五星支部&page_size=3")
    assert r.status_code == 400 and "between 1 and 2" in r.get_json()["error"]["message"]
