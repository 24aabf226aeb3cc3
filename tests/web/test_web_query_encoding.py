"""A query string percent-encoded in GBK (a search form on a page saved in GBK) is read
as GBK; a UTF-8 one never changes (web/query_encoding.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from web.query_encoding import as_utf8
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import parse


def _gbk(text: str) -> str:
    return quote(text.encode("gbk"), safe="")


def test_a_gbk_query_finds_what_the_utf8_one_does(client):
    utf8 = client.get("/api/search?q=" + quote("五星支部") + "&town=" + quote("红星镇")).get_json()
    assert utf8["total"] > 0
    gbk = client.get("/api/search?q=" + _gbk("五星支部") + "&town=" + _gbk("红星镇")).get_json()
    assert gbk["query"] == "五星支部" and gbk["filters"] == {"town": ["红星镇"]}
    assert gbk["total"] == utf8["total"]
    page = parse(client.get("/?q=" + _gbk("五星支部")).get_data(as_text=True))
    assert page.find("input", name="q").attrs["value"] == "五星支部"


@pytest.mark.parametrize("text", ["五星支部", "红星镇 year:2021", "鄉村振興", "€ ü", "a+b"])
def test_a_utf8_query_is_left_as_it_is(text):
    # most UTF-8 Chinese is valid GB18030 as well: UTF-8 is read first, and wins
    qs = "q=" + quote(text.encode("utf-8"), safe="") + "&page=1"
    assert as_utf8(qs) == qs


def test_only_the_value_that_is_not_utf8_changes_and_bytes_of_neither_stay():
    qs = "q=" + _gbk("五星支部") + "&town=" + quote("红星镇") + "&x"
    assert as_utf8(qs) == "q=" + quote("五星支部", safe="") + "&town=" + quote("红星镇") + "&x"
    assert as_utf8("q=%FF%FE") == "q=%FF%FE"  # no text in either encoding: left for the app as before
    assert as_utf8("q=abc") == "q=abc"
    assert as_utf8("q=" + _gbk("五星") + "+" + _gbk("支部")) == "q=" + quote("五星 支部", safe="")
