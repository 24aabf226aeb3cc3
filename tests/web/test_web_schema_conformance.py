"""What schemathesis found against /api/openapi.json, each fixed (issue 12); the run
itself is tests/web/test_web_schemathesis.py and bench/fuzz_api.py."""

from __future__ import annotations

import pytest

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


def test_compare_with_nothing_to_compare_is_an_empty_answer(corpus_client):
    r = corpus_client.get("/api/compare?by=town")
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 0 and body["rows"] == [] and body["columns"] == []
    assert body["by"] and "year" in body["fields"]
    assert any("empty query" in w for w in body["warnings"])
    # `by` is still checked
    assert corpus_client.get("/api/compare?by=nonsense").status_code == 400


@pytest.mark.parametrize("url", ["/api/search?q=五星支部&year_to=", "/api/search?q=五星支部&year_from=&year_to=2023",
                                 "/api/search?q=五星支部&year=2020-2022,2018"])
def test_what_the_schema_allows_for_years_is_accepted(corpus_client, url):
    assert corpus_client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    "/api/search?q=五星支部&synonyms=AAA", "/api/search?q=五星支部&related=maybe", "/api/search?q=五星支部&group=",
    "/api/search?q=五星支部&sort=", "/api/compare?q=五星支部&by=auto&by=auto", "/api/compare?q=五星支部&by=town&by=town",
])
def test_what_the_schema_refuses_is_a_bad_parameter(corpus_client, url):
    r = corpus_client.get(url)
    assert r.status_code == 400, url
    assert r.get_json()["error"]["code"] == "bad_parameter"


@pytest.mark.parametrize("q", ["五" * 1001, "\x85" * 1001, "五星支部" + " " * 1000])
def test_a_query_over_max_length_is_a_bad_query_even_when_blank_padded(corpus_client, q):
    """schemathesis sent 1,000+ characters of U+0085 (blank once stripped): accepted
    although the document says maxLength 1000."""
    r = corpus_client.get("/api/search", query_string={"q": q})
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_query"


@pytest.mark.parametrize("value", ["0", "1", "true", "off"])
def test_switch_values_the_schema_lists_are_accepted(corpus_client, value):
    assert corpus_client.get(f"/api/search?q=五星支部&synonyms={value}&related={value}").status_code == 200


def test_compare_by_lists_only_the_fields_of_this_index(corpus_client):
    doc = corpus_client.get("/api/openapi.json").get_json()
    by = next(p for p in doc["paths"]["/api/compare"]["get"]["parameters"] if p["name"] == "by")
    fields = corpus_client.get("/api/compare?q=五星支部").get_json()["fields"]
    assert by["schema"]["items"]["enum"] == ["auto", *fields]
    assert by["schema"]["uniqueItems"] is True




@pytest.mark.parametrize("url", ["/embed?year_from=%b1", "/embed?q=五星支部&year_to=20x2", "/embed?year_from=abcd&fixed=year"])
def test_a_bad_year_range_on_the_widget_is_a_clear_400(corpus_client, url):
    """Found by bench/fuzz_api.py: the widget's fixed year range reached the engine
    unchecked and a bad year crashed it (500)."""
    r = corpus_client.get(url)
    assert r.status_code == 400
    name = "year_from" if "year_from" in url else "year_to"
    assert f"({name} must be YYYY" in r.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/api/search?town=,", "/api/search?town=%EF%BC%8C", "/api/search?year=%EF%BC%8C",
    "/api/search?year=+%EF%BC%8C%EF%BC%8C+&year=+",
    "/api/compare?by=year&by=topic&fixed=year_from&year=+%EF%BC%8C%EF%BC%8C+++++++++&year=+",
])
def test_filters_and_queries_that_name_nothing_are_an_empty_answer(corpus_client, url):
    """Found by schemathesis: filter values of separators only were the whole index
    (town=,), a 400 (year=，) or an empty answer (town=) depending on the filter. All
    name nothing: an empty answer with the empty-query warning."""
    r = corpus_client.get(url)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert data.get("total", 0) == 0 and any("empty query" in w for w in data["warnings"])


def test_a_query_with_nothing_searchable_is_an_empty_answer_too(corpus_client):
    """Found by schemathesis: q of characters that normalize to nothing (unassigned code
    points, symbols, q=*) is schema-valid; it gets the empty answer and the warning."""
    for url in ("/api/search?q=%F0%B8%B8%8D%F3%84%81%A9", "/api/search?q=*", "/api/search?q=%EF%BC%8C%EF%BC%8C&town=,",
                "/api/compare?q=*"):
        r = corpus_client.get(url)
        assert r.status_code == 200, (url, r.get_json())
        assert r.get_json().get("total", 0) == 0 and any("empty query" in w for w in r.get_json()["warnings"])
    assert corpus_client.get("/api/search?q=-五星支部").status_code == 400  # only exclusions: a bad query


def test_a_comma_in_a_filter_value_separates_values_as_in_the_query(corpus_client):
    one = corpus_client.get("/api/search?q=五星支部&town=大隗镇").get_json()["total"]
    assert one > 0
    assert corpus_client.get("/api/search?q=五星支部&town=大隗镇,").get_json()["total"] == one
    assert corpus_client.get("/api/search?q=五星支部&town=,大隗镇，").get_json()["total"] == one
