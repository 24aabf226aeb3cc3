"""Query assistance on the web: /api/suggest, did-you-mean, pinyin and synonym lines on
the pages (with the synonyms=0 switch), hot and related queries, the suggest script."""

from __future__ import annotations

import jsonschema
import pytest

from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import assert_no_active_markup, parse

REPORTS = {
    "a.md": ("# 红星镇工作总结\n\n## 河湖治理\n\n红星镇全面落实河长制，五星支部带头巡河。\n\n"
             "红星镇五星支部创建扎实，人居环境持续改善。\n"),
    "b.md": ("# 绿野乡工作报告\n\n## 生态环保\n\n绿野乡深化河湖长制，人居环境整治见效。\n\n"
             "绿野乡推进河湖长制，五星支部创建见效。\n"),
}


@pytest.fixture(scope="module")
def assist_index(tmp_path_factory):
    from index import build

    base = tmp_path_factory.mktemp("assistweb")
    corpus = write_reports(base / "corpus", REPORTS)
    build(corpus, base / "index", workers=1)
    return base / "index"


@pytest.fixture
def assist_app(assist_index):
    return create_app({"TESTING": True, "index": str(assist_index)})


@pytest.fixture
def ac(assist_app):
    return assist_app.test_client()


@pytest.fixture(scope="module")
def spec(assist_index):
    return create_app({"TESTING": True, "index": str(assist_index)}).test_client().get("/api/openapi.json").get_json()


def schema(spec, name):
    return {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}


def test_suggest_api_completes_with_counts_and_matches_its_schema(ac, spec):
    r = ac.get("/api/suggest?q=五星")
    assert r.status_code == 200
    data = r.get_json()
    jsonschema.validate(data, schema(spec, "Suggestions"))
    assert data["query"] == "五星"
    assert data["suggestions"][0]["text"] == "五星支部"
    assert data["suggestions"][0]["count"] == ac.get("/api/search?q=五星支部").get_json()["total"] == 3
    assert ac.get("/api/suggest?q=wxzb").get_json()["suggestions"][0]["text"] == "五星支部"


@pytest.mark.parametrize("query", ["", "q=", "q=量子", "q=%3Cscript%3E"])
def test_suggest_api_nothing_to_complete(ac, query):
    r = ac.get("/api/suggest?" + query)
    assert r.status_code == 200 and r.get_json()["suggestions"] == []


@pytest.mark.parametrize("query", ["q=五星&limit=0", "q=五星&limit=21", "q=五星&limit=x", "q=" + "五" * 101])
def test_suggest_api_bad_parameters_are_json_errors(ac, query):
    r = ac.get("/api/suggest?" + query)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_parameter"


def test_search_api_has_the_assist_fields_valid_for_the_schema(ac, spec):
    for q in ("五心支部", "wuxingzhibu", "河长制"):
        data = ac.get("/api/search", query_string={"q": q, "related": "1"}).get_json()
        jsonschema.validate(data, schema(spec, "SearchResults"))
    dym = ac.get("/api/search?q=五心支部").get_json()
    assert dym["total"] == 0 and dym["did_you_mean"] == [{"query": "五星支部", "total": 3}]
    py = ac.get("/api/search?q=wuxingzhibu").get_json()
    assert py["total"] == 3 and py["expanded"]["pinyin"]["searched"] == "五星支部" and py["query"] == "wuxingzhibu"
    syn = ac.get("/api/search?q=河长制").get_json()
    assert syn["total"] == 3 and syn["total_exact"] == 1 and syn["expanded"]["synonym_hits"] == 2
    assert [h["match"] for h in syn["hits"]] == ["exact", "synonym", "synonym"]
    off = ac.get("/api/search?q=河长制&synonyms=0").get_json()
    assert off["total"] == 1 and off["expanded"]["synonyms_off"] is True
    assert ac.get("/api/search?q=五星支部").get_json()["did_you_mean"] == []


def test_search_page_says_did_you_mean_as_a_link(ac):
    html = ac.get("/?q=五心支部").get_data(as_text=True)
    assert_no_active_markup(html)
    note = parse(html).find("p", "assist-dym")
    assert "您是不是要找" in note.text() and "五星支部" in note.text()
    link = note.find("a")
    assert ac.get(link.attrs["href"]).status_code == 200 and "q=%E4%BA%94%E6%98%9F" in link.attrs["href"]
    assert not parse(ac.get("/?q=五星支部").get_data(as_text=True)).find_all("p", "assist-dym")


def test_pages_say_what_pinyin_searched(ac):
    for url in ("/?q=wuxingzhibu", "/embed?q=wuxingzhibu"):
        doc = parse(ac.get(url).get_data(as_text=True))
        assert "按拼音检索了：五星支部" in doc.find("p", "assist-pinyin").text()
        assert len(doc.find_all("li", "passage")) == 3


def test_synonym_line_and_its_off_switch(ac):
    doc = parse(ac.get("/?q=河长制").get_data(as_text=True))
    line = doc.find("p", "assist-synonyms")
    assert "同时搜索了" in line.text() and "河湖长制" in line.text()
    off_url = line.find("a").attrs["href"]
    assert "synonyms=0" in off_url
    off = parse(ac.get(off_url).get_data(as_text=True))
    assert len(off.find_all("li", "passage")) == 1
    assert "未搜索同义词" in off.find("p", "assist-synonyms").text()
    # the switch stays off in the form, so the next search from that page keeps it
    assert off.find("input", name="synonyms").attrs["value"] == "0"
    quoted = parse(ac.get('/?q="河长制"').get_data(as_text=True))
    assert not quoted.find_all("p", "assist-synonyms")


def test_hot_queries_from_the_anonymous_log(assist_index):
    client = create_app({"TESTING": True, "index": str(assist_index), "query_log": True,
                         "hot_queries_min_visitors": 2}).test_client()
    assert client.get("/api/suggest").get_json()["hot"] == []
    for ua in ("browser-a", "browser-b"):
        client.get("/?q=五星支部", headers={"User-Agent": ua})
    client.get("/?q=人居环境", headers={"User-Agent": "browser-a"})  # one visitor: not shown
    for ua in ("browser-a", "browser-b"):
        client.get("/?q=量子纠缠", headers={"User-Agent": ua})  # no hits: never recorded
    hot = client.get("/api/suggest").get_json()["hot"]
    assert hot == [{"query": "五星支部", "count": 2}]
    home = parse(client.get("/").get_data(as_text=True))
    assert "五星支部" in home.find("nav", "hot").text()


def test_hot_queries_off_switch(assist_index):
    for settings in ({"query_log": False}, {}):  # off, and off by default
        client = create_app({"TESTING": True, "index": str(assist_index), "hot_queries_min_visitors": 1,
                             **settings}).test_client()
        for ua in ("a", "b", "c"):
            client.get("/?q=五星支部", headers={"User-Agent": ua})
        assert client.get("/api/suggest").get_json()["hot"] == []
        assert not parse(client.get("/").get_data(as_text=True)).find_all("nav", "hot")


def test_related_searches_on_the_search_page(ac):
    # in this corpus only filler (创建) and place names (红星镇) recur in the hits: no list at all
    # rather than a list of them (the positive case: tests/test_assist_and_home.py)
    doc = parse(ac.get("/?q=五星支部").get_data(as_text=True))
    assert not doc.find_all("nav", cls="related")
    assert ac.get("/api/search?q=五星支部&related=1").get_json()["suggestions"] == []


def test_search_box_is_wired_for_suggestions_and_the_script_is_served(ac):
    doc = parse(ac.get("/").get_data(as_text=True))
    box = doc.find("input", name="q")
    assert box.attrs["data-suggest"] == "/api/suggest"
    scripts = [s.attrs["src"] for s in doc.find_all("script")]
    assert "/static/govsearch-suggest.js" in scripts
    js = ac.get("/static/govsearch-suggest.js")
    assert js.status_code == 200 and b"innerHTML" not in js.data and b"aria-activedescendant" in js.data
    assert ac.get("/static/govsearch-suggest.css").status_code == 200
    embed = parse(ac.get("/embed").get_data(as_text=True))
    assert embed.find("input", name="q").attrs["data-suggest"] == "/api/suggest"


def test_a_bad_synonyms_file_stops_the_app_with_a_message(assist_index, tmp_path):
    from web.config import ConfigError

    bad = tmp_path / "syn.txt"
    bad.write_text("孤单\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="synonyms_file.*line 1"):
        create_app({"TESTING": True, "index": str(assist_index), "synonyms_file": str(bad)})
    good = tmp_path / "ok.txt"
    good.write_text("五星支部 = 星级支部\n", encoding="utf-8")
    client = create_app({"TESTING": True, "index": str(assist_index), "synonyms_file": str(good)}).test_client()
    assert client.get("/api/search?q=河长制").get_json()["total"] == 1
