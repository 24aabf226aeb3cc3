"""Hot queries publish what users typed, so only what several visitors searched and
found: the visitor threshold, the length cap and the operator's block list, each at its
edge, through the pages and /api/suggest."""

from __future__ import annotations

import pytest

from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


def hot_app(tiny_index, **settings):
    return create_app({"TESTING": True, "index": str(tiny_index), "query_log": True, **settings}).test_client()


def search_as(client, q: str, visitors: int, start: int = 0) -> None:
    for n in range(start, start + visitors):
        r = client.get("/api/search", query_string={"q": q}, headers={"User-Agent": f"visitor-{n}"})
        assert r.status_code == 200


def hot(client) -> list[str]:
    return [h["query"] for h in client.get("/api/suggest").get_json()["hot"]]


def test_exactly_min_visitors_is_listed_one_fewer_is_not(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=3)
    search_as(client, "五星支部", 2)
    for _ in range(5):  # one visitor searching again and again does not count more
        search_as(client, "五星支部", 1, start=0)
    assert hot(client) == []
    search_as(client, "五星支部", 1, start=2)  # the third different visitor
    assert hot(client) == ["五星支部"]


def test_visitors_told_apart_by_address_too(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=2)
    for address in ("10.1.1.1", "10.1.1.2"):
        client.get("/?q=五星支部", environ_overrides={"REMOTE_ADDR": address}, headers={"User-Agent": "same"})
    assert hot(client) == ["五星支部"]


def test_only_queries_that_found_results(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=1)
    search_as(client, "量子纠缠", 3)
    assert client.get("/api/search?q=量子纠缠").get_json()["total"] == 0
    assert hot(client) == []


def test_length_cap_at_its_edge(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=1, hot_queries_max_chars=4)
    search_as(client, "支部创建", 1)  # 4 characters: counted
    search_as(client, "星支部创建", 1)  # 5: never
    assert client.get("/api/search?q=星支部创建").get_json()["total"] >= 1
    assert hot(client) == ["支部创建"]


def test_spaces_are_collapsed_before_the_cap(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=2, hot_queries_max_chars=5)
    search_as(client, "五星 支部", 1)
    search_as(client, " 五星   支部 ", 1, start=1)  # the same five characters once spaces collapse
    assert hot(client) == ["五星 支部"]


def test_operator_block_list(tiny_index):
    # the blocked word is given in traditional characters and full width: compared normalized
    client = hot_app(tiny_index, hot_queries_min_visitors=1, hot_queries_block="幼兒園, ＡＢＣ")
    search_as(client, "新建幼儿园", 2)
    search_as(client, "五星支部", 1)
    assert hot(client) == ["五星支部"]
    page = client.get("/").get_data(as_text=True)
    assert "幼儿园" not in page.split("热门搜索", 1)[1]


def test_listed_on_the_home_page_only_when_allowed(tiny_index):
    client = hot_app(tiny_index, hot_queries_min_visitors=2)
    search_as(client, "人居环境 OR 五星支部", 1)  # one visitor's text: never shown to others
    assert "热门搜索" not in client.get("/").get_data(as_text=True)
    search_as(client, "人居环境 OR 五星支部", 1, start=1)
    assert "热门搜索" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("name,value", [("hot_queries_min_visitors", "0"), ("hot_queries_max_chars", "-1")])
def test_settings_are_checked(tiny_index, name, value):
    from web.config import ConfigError

    with pytest.raises(ConfigError, match=name):
        create_app({"TESTING": True, "index": str(tiny_index), name: value})
