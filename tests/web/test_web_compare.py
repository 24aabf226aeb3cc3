"""The comparison view through the Flask test client: /compare, /compare.csv, /api/compare."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import parse


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def table_of(doc) -> dict[str, dict[str, str]]:
    table = doc.find("table", cls="compare-table")
    heads = [th.text() for th in table.find("thead").find_all("th")]
    out = {}
    for tr in table.find("tbody").find_all("tr"):
        name = tr.find("th").text()
        out[name] = dict(zip(heads[1:], [re.sub(r"：.*", "", td.text()).strip() for td in tr.find_all("td")]))
    return out


def test_compare_page_cross_tab_of_five_star_branch(corpus_client):
    r = corpus_client.get("/compare?q=五星支部")
    assert r.status_code == 200
    doc = parse(r.get_data(as_text=True))
    assert "各乡镇 × 年份" in doc.find("h2", id="compare-title").text()
    table = table_of(doc)
    assert set(table) == {"大隗镇", "来集镇"}
    assert table["大隗镇"]["2022"] == "2 段 / 1 篇"
    assert table["来集镇"]["年份不详"] == "1 段 / 1 篇"
    assert table["大隗镇"]["合计"] == "2 段 / 1 篇"
    assert "共 3 段" in doc.find("p", cls="summary").text()


def test_compare_cells_link_to_exactly_their_hits(corpus_client):
    for q in ("五星支部", "人居环境", "万人助万企"):
        doc = parse(corpus_client.get(f"/compare?q={q}").get_data(as_text=True))
        links = doc.find("table", cls="compare-table").find("tbody").find_all("a")
        assert links, q
        for a in links:
            passages = int(a.text().split(" 段")[0])
            params = query_of(a.attrs["href"])
            assert params["q"] == [q] and "town" in params
            page = parse(corpus_client.get(a.attrs["href"]).get_data(as_text=True))
            assert f"找到 {passages} 段" in page.find("p", cls="summary").text(), (q, a.attrs["href"])


def test_compare_charts_are_accessible_svg(corpus_client):
    html = corpus_client.get("/compare?q=人居环境&pick=大隗镇&pick=小关镇").get_data(as_text=True)
    doc = parse(html)
    svgs = doc.find_all("svg")
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.attrs["role"] == "img"
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert svg.find("title", id=title_id).text() and svg.find("desc", id=desc_id).text()
        assert not svg.find_all("script") and not [a for e in svg.iter() for a in e.attrs if a.startswith("on")]
    bar, line = svgs
    assert "大隗镇：2 段" in bar.find("desc").text()
    assert {t.text() for t in bar.find_all("text", cls="label")} == {"大隗镇", "来集镇", "小关镇"}
    # the line chart draws the picked towns only, over every year from the first to the last
    assert "大隗镇、小关镇" in line.find("title").text()
    assert [t.text() for t in line.find_all("text", cls="series-label")] == ["大隗镇", "小关镇"]
    assert [t.text() for t in line.find_all("text", cls="tick") if t.text().startswith("20")] == \
        ["2018", "2019", "2020", "2021", "2022"]
    assert "小关镇：2018 年 1 段" in line.find("desc").text()
    boxes = {i.attrs["value"]: "checked" in i.attrs for i in doc.find("fieldset", cls="compare-picks").find_all("input")}
    assert boxes == {"大隗镇": True, "来集镇": False, "小关镇": True}
    assert "<script" not in html.split("</head>")[1]


@pytest.mark.parametrize("by", ["place", "town", "county", "level", "year", "topic"])
def test_the_bar_chart_names_its_rows_by_their_label(corpus_client, by):
    # by=place (the default when the matched reports are of different levels) read 各place
    doc = parse(corpus_client.get(f"/compare?q=人居环境&by={by}").get_data(as_text=True))
    title = doc.find_all("svg")[0].find("title").text()
    assert title.startswith("各") and "匹配段落数" in title
    assert not re.search(r"[A-Za-z]", title), title


def test_compare_default_picks_and_no_line_for_other_columns(corpus_client):
    doc = parse(corpus_client.get("/compare?q=人居环境").get_data(as_text=True))
    boxes = [i for i in doc.find("fieldset", cls="compare-picks").find_all("input") if "checked" in i.attrs]
    # 来集镇's only matches are in its undated report: a line of it would be flat, so it is not drawn by default
    assert sorted(b.attrs["value"] for b in boxes) == ["大隗镇", "小关镇"]
    doc = parse(corpus_client.get("/compare?q=人居环境&by=town&by=topic").get_data(as_text=True))
    assert len(doc.find_all("svg")) == 1  # bars only: a line needs years
    assert not doc.find_all("fieldset", cls="compare-picks")
    assert "一个段落可以属于几个主题" in doc.text()


def test_compare_by_is_overridable_and_checked(corpus_client):
    doc = parse(corpus_client.get("/compare?q=人居环境&by=county&by=year").get_data(as_text=True))
    assert set(table_of(doc)) == {"新密市", "巩义市"}
    selects = doc.find("form", cls="compare-form").find_all("select")
    assert [s.attrs["name"] for s in selects] == ["by", "by"]
    options = {o.attrs["value"]: o.text().strip() for s in selects for o in s.find_all("option")}
    assert options["place"] == "地区" and options["county"] == "县市区"
    assert all(not re.search(r"[A-Za-z]", text) for text in options.values()), options  # every field by its label
    r = corpus_client.get("/compare?q=人居环境&by=nonsense")
    assert r.status_code == 400 and "by must be one of" in parse(r.get_data(as_text=True)).find("div", role="alert").text()


def test_compare_keeps_filters_and_tabs_link_both_ways(corpus_client):
    doc = parse(corpus_client.get("/?q=人居环境&county=新密市").get_data(as_text=True))
    tab = [a for a in doc.find("nav", cls="view-tabs").find_all("a") if "对比" in a.text()][0]
    assert urlsplit(tab.attrs["href"]).path == "/compare"
    assert query_of(tab.attrs["href"]) == {"q": ["人居环境"], "county": ["新密市"]}
    doc = parse(corpus_client.get(tab.attrs["href"]).get_data(as_text=True))
    assert set(table_of(doc)) == {"大隗镇", "来集镇"}
    back = [a for a in doc.find("nav", cls="view-tabs").find_all("a") if "列表" in a.text()][0]
    assert query_of(back.attrs["href"]) == {"q": ["人居环境"], "county": ["新密市"]}
    assert doc.find("a", cls="chip")  # the filter is shown and removable


def test_compare_csv(corpus_client):
    r = corpus_client.get("/compare.csv?q=人居环境")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "govsearch-compare.csv" in r.headers["Content-Disposition"]
    # browsers name the file by filename*: its own name, not the results export's
    assert r.headers["Content-Disposition"].endswith("filename*=UTF-8''%E5%AF%B9%E6%AF%94.csv")  # 对比.csv
    body = r.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["乡镇", "2018 段落", "2018 报告"] and rows[0][-2:] == ["合计 段落", "合计 报告"]
    by_town = {row[0]: row for row in rows[1:]}
    assert by_town["大隗镇"][-2:] == ["2", "1"] and by_town["合计"][-2:] == ["5", "3"]
    assert corpus_client.get("/compare.csv?q=").status_code == 400
    by_place = corpus_client.get("/compare.csv?q=五星支部&by=place").get_data(as_text=True)
    assert by_place[1:].split(",", 1)[0] == "地区"  # the page's name of the field, not its key


def test_api_compare(corpus_client):
    body = corpus_client.get("/api/compare?q=五星支部&by=town&by=year").get_json()
    assert body["by"] == ["town", "year"] and body["total"] == 3
    assert [c["value"] for c in body["columns"]] == ["2022", None]
    rows = {r["value"]: r for r in body["rows"]}
    assert rows["大隗镇"]["cells"] == [{"passages": 2, "reports": 1}, {"passages": 0, "reports": 0}]
    assert set(body["fields"]) >= {"town", "county", "year", "topic"}
    bad = corpus_client.get("/api/compare?q=五星支部&by=planet")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_parameter"
    assert corpus_client.get("/api/compare?q=-五星支部").get_json()["error"]["code"] == "bad_query"  # exclusions only


def test_embed_compare_has_no_chrome_fixed_filters_and_may_be_framed(client):
    r = client.get("/embed/compare?q=五星支部&county=东山县")
    assert r.status_code == 200
    assert "frame-ancestors 'self' https://portal.example.gov.cn" in r.headers["Content-Security-Policy"]
    doc = parse(r.get_data(as_text=True))
    assert not doc.find_all("header", cls="site-header") and not doc.find_all("nav", cls="view-tabs")
    assert set(table_of(doc)) == {"红星镇", "白云镇"}
    assert "县市区：东山县" in doc.find("span", cls="chip-fixed").text() and not doc.find_all("a", cls="chip")
    links = doc.find("table", cls="compare-table").find_all("a")
    assert links and all(a.attrs.get("target") == "_blank" for a in links)
    # a typed county cannot widen the fixed one
    doc = parse(client.get("/embed/compare?q=五星支部 county:西河县&county=东山县").get_data(as_text=True))
    assert "没有找到" in doc.find("p", cls="summary").text()
    assert "frame-ancestors 'self';" in client.get("/compare?q=五星支部").headers["Content-Security-Policy"] + ";"


def test_province_city_and_level_are_filters_of_the_api_and_the_comparison(corpus_client):
    """The place hierarchy above the county (from the national gazetteer) narrows the
    API like town and county do, and a comparison by province links to its hits."""
    body = corpus_client.get("/api/search?q=五星支部&province=河南省&city=郑州市&level=township").get_json()
    assert body["total"] == 3 and not any("unknown" in w for w in body["warnings"])
    assert body["facets"]["province"] == {"河南省": 3} and body["facets"]["city"] == {"郑州市": 3}
    assert corpus_client.get("/api/search?q=五星支部&province=安徽省").get_json()["total"] == 0
    assert corpus_client.get("/api/search?q=五星支部&level=province").get_json()["total"] == 0
    # levels as users write them (the README's level:乡镇), in the query and as a parameter
    assert corpus_client.get("/api/search?q=五星支部 level:乡镇").get_json()["total"] == 3
    assert corpus_client.get("/api/search?q=五星支部 级别:省级").get_json()["total"] == 0
    assert corpus_client.get("/api/search?q=五星支部&level=乡镇").get_json()["total"] == 3
    compare = corpus_client.get("/api/compare?q=五星支部&by=province&by=year").get_json()
    assert [row["value"] for row in compare["rows"]] == ["河南省"] and compare["rows"][0]["passages"] == 3
    doc = parse(corpus_client.get("/compare?q=五星支部&by=province&by=year").get_data(as_text=True))
    links = [a.attrs.get("href", "") for a in doc.find("table", cls="compare-table").find_all("a")]
    cell = [query_of(h) for h in links if "province" in query_of(h) and "year" in query_of(h)]
    assert cell and cell[0]["province"] == ["河南省"] and cell[0]["year"] == ["2022"]


@pytest.mark.parametrize("query", ["by=", "by=town&by=", "by=foo", "level=foo", "level=township,foo", "level=乡镇，村"])
def test_compare_refuses_what_its_enums_do_not_hold(client, query):
    r = client.get(f"/api/compare?q=五星支部&{query}")
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_parameter"


@pytest.mark.parametrize("query", ["by=town", "by=auto", "level=township", "level=乡镇", "level=鄉鎮", "level=", "level=township,"])
def test_compare_accepts_every_value_of_its_enums(client, query):
    assert client.get(f"/api/compare?q=五星支部&{query}").status_code == 200
