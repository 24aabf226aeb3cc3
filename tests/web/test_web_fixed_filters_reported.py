"""Every filter that applied is in the answer: fixed ones (``fixed=``, an embed's) in
``fixed_filters``, beside ``filters`` (typed or given, unchanged in meaning)."""

from __future__ import annotations

from search.engine import Searcher
from webfixtures import *  # noqa: F401,F403


def test_api_search_reports_fixed_filters(client):
    data = client.get("/api/search?q=五星支部&town=红星镇&fixed=town").get_json()
    assert data["fixed_filters"] == {"town": ["红星镇"]}
    assert data["filters"] == {}  # as before: what was typed or given without fixed=
    assert {h["town"] for h in data["hits"]} == {"红星镇"}


def test_typed_and_fixed_filters_are_both_listed(client):
    data = client.get("/api/search?q=五星支部 year:2021&county=东山县&topic=党建&fixed=county").get_json()
    assert data["fixed_filters"] == {"county": ["东山县"]}
    assert data["filters"] == {"year": ["2021"], "topic": ["党建"]}
    assert all(h["county"] == "东山县" and h["year"] == 2021 for h in data["hits"]) and data["hits"]


def test_without_fixed_nothing_is_listed_as_fixed(client):
    data = client.get("/api/search?q=五星支部&town=红星镇").get_json()
    assert data["fixed_filters"] == {} and data["filters"] == {"town": ["红星镇"]}
    none = client.get("/api/search?q=五星支部&town=红星镇&fixed=none").get_json()
    assert none["fixed_filters"] == {} and none["filters"] == {"town": ["红星镇"]}


def test_fixed_year_range_is_listed(client):
    data = client.get("/api/search?q=五星支部&year_from=2021&year_to=2021&fixed=year").get_json()
    assert data["fixed_filters"] == {"year": ["2021-2021"]} and data["filters"] == {}


def test_compare_lists_them_in_both(client):
    data = client.get("/api/compare?q=五星支部&county=东山县&fixed=county").get_json()
    assert data["fixed_filters"] == {"county": ["东山县"]}
    assert data["filters"] == {"county": ["东山县"]}


def test_python_api_reports_fixed(tiny_index):
    results = Searcher(tiny_index).search("五星支部", fixed={"town": ["绿野乡"]})
    assert results.fixed_filters == {"town": ["绿野乡"]}
    assert results.to_dict()["fixed_filters"] == {"town": ["绿野乡"]} and results.to_dict()["filters"] == {}
