"""/api/openapi.json describes every API route, and real responses match its schemas."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


@pytest.fixture
def spec(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def validator(spec: dict, path: str, status: int, method: str = "get") -> Draft202012Validator:
    response = spec["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": spec["components"]})


def check(spec, path, response) -> dict:
    body = response.get_json()
    errors = sorted(validator(spec, path, response.status_code).iter_errors(body), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return body


def test_document_is_openapi_31_with_valid_schemas(spec):
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] and spec["servers"] == [{"url": "/"}]
    for name, schema in spec["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def test_every_api_route_is_described(app, spec):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes.add(path)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in spec["paths"][path], (path, method)
    assert routes == set(spec["paths"])
    assert routes >= {"/api/search", "/api/compare", "/api/docs/{doc_id}", "/api/stats", "/api/openapi.json", "/healthz"}


def test_search_parameters_are_the_ones_the_api_reads(spec, client):
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {"q", "town", "county", "city", "province", "level", "topic", "year", "page", "page_size", "sort",
                     "synonyms", "related", "group", "fixed", "year_from", "year_to"}
    page_size = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 100
    r = client.get("/api/search?q=五星支部&page_size=100")
    assert r.status_code == 200 and client.get("/api/search?q=五星支部&page_size=101").status_code == 400


def test_compare_responses_validate(spec, client, empty_client):
    body = check(spec, "/api/compare", client.get("/api/compare?q=五星支部"))
    assert body["total"] == 3 and body["by"] == ["town", "year"]
    check(spec, "/api/compare", client.get("/api/compare?q=五星支部&by=county&by=topic"))
    check(spec, "/api/compare", client.get("/api/compare?q=没有这个词"))
    assert check(spec, "/api/compare", client.get("/api/compare?q=五星支部&by=nonsense")).get("error")
    assert empty_client.get("/api/compare?q=x").status_code == 503
    names = {p["name"] for p in spec["paths"]["/api/compare"]["get"]["parameters"]}
    assert names == {"q", "town", "county", "city", "province", "level", "topic", "year", "fixed", "year_from", "year_to", "by"}


def test_search_responses_validate(spec, client):
    body = check(spec, "/api/search", client.get("/api/search?q=五星支部&topic=党建"))
    assert body["hits"]
    body = check(spec, "/api/search", client.get("/api/search?q=生活改善 红星镇"))
    assert body["hits"][0]["match"] == "words"
    check(spec, "/api/search", client.get("/api/search?q=没有这个词"))
    check(spec, "/api/search", client.get("/api/search?q=五星支部&page=x"))
    check(spec, "/api/search", client.get("/api/search?q="))


def test_other_responses_validate(spec, client, empty_client):
    assert check(spec, "/api/docs/{doc_id}", client.get("/api/docs/xss"))["passages"]
    check(spec, "/api/docs/{doc_id}", client.get("/api/docs/nope"))
    check(spec, "/api/stats", client.get("/api/stats"))
    check(spec, "/healthz", client.get("/healthz"))
    check(spec, "/api/openapi.json", client.get("/api/openapi.json"))
    for path, url in (("/api/search", "/api/search?q=x"), ("/api/docs/{doc_id}", "/api/docs/x"),
                      ("/api/stats", "/api/stats"), ("/healthz", "/healthz")):
        r = empty_client.get(url)
        assert r.status_code == 503
        check(spec, path, r)


def test_schema_catches_a_broken_contract(spec, client):
    """The check above can fail: a hit without a required field does not validate."""
    body = client.get("/api/search?q=五星支部").get_json()
    del body["hits"][0]["snippet"]
    assert list(validator(spec, "/api/search", 200).iter_errors(body))


def test_documented_statuses_cover_what_routes_return(spec):
    # 401: a wrong, revoked or expired token (docs/visibility.md), on every path
    assert set(spec["paths"]["/api/search"]["get"]["responses"]) == {"200", "400", "401", "503"}
    assert set(spec["paths"]["/api/docs/{doc_id}"]["get"]["responses"]) == {"200", "401", "404", "503"}
    assert set(spec["paths"]["/healthz"]["get"]["responses"]) == {"200", "401", "503"}
    assert all("401" in operations["get"]["responses"] for operations in spec["paths"].values())


def test_max_page_size_follows_the_setting(tiny_index):
    spec = create_app({"index": str(tiny_index), "max_page_size": 40}).test_client().get("/api/openapi.json").get_json()
    page_size = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 40


def test_the_documents_error_statuses_are_those_of_the_api_docs_table(spec):
    """The OpenAPI description names every status of docs/api.md's error table, and no other."""
    from pathlib import Path

    table = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (\d{3}) \| `", table, re.M))
    named = re.search(r"with status ([\d, or]+)", spec["info"]["description"]).group(1)
    assert set(re.findall(r"\d{3}", named)) == documented and len(documented) >= 7
