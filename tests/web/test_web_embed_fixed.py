"""Fixed filters in /embed and the API's fixed= parameter, and the small page fixes of
issue 11: clamped page text, per-level table-of-contents numbering, embed heading order."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import assert_no_active_markup, parse


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def towns_shown(doc) -> list[str]:
    return sorted(s.text() for s in doc.find_all("span", cls="town"))


def test_embed_filters_from_the_src_are_shown_but_not_removable(client):
    html = client.get("/embed?q=五星支部&town=红星镇").get_data(as_text=True)
    doc = parse(html)
    chips = doc.find("div", cls="active-filters")
    assert not chips.find_all("a", cls="chip")  # nothing to click away
    fixed = chips.find("span", cls="chip-fixed")
    assert "乡镇：红星镇" in fixed.text() and "不能移除" in fixed.text()
    assert not chips.find_all("a", cls="clear-all")
    assert towns_shown(doc) == ["红星镇"]
    assert_no_active_markup(html)


def test_embed_typed_filter_cannot_widen_a_fixed_one(client):
    # the fixed town ANDed with a typed town: nothing, not both towns
    doc = parse(client.get("/embed?q=五星支部 town:绿野乡&town=红星镇").get_data(as_text=True))
    assert towns_shown(doc) == []
    assert "没有找到" in doc.find("p", cls="summary").text()
    # a typed filter of another facet narrows as usual
    doc = parse(client.get("/embed?q=五星支部 year:2021&county=东山县").get_data(as_text=True))
    assert towns_shown(doc) == ["红星镇"]
    # without the typed filter both towns of the county are there
    doc = parse(client.get("/embed?q=五星支部&county=东山县").get_data(as_text=True))
    assert towns_shown(doc) == ["白云镇", "红星镇"]


def test_the_administrator_chooses_which_filters_are_fixed(client):
    doc = parse(client.get("/embed?q=五星支部&county=东山县&year=2021&fixed=county").get_data(as_text=True))
    chips = doc.find("div", cls="active-filters")
    assert "县市区：东山县" in chips.find("span", cls="chip-fixed").text()
    removable = chips.find_all("a", cls="chip")
    assert len(removable) == 1 and "年份：2021" in removable[0].text()
    after = query_of(removable[0].attrs["href"])
    assert after["county"] == ["东山县"] and after["fixed"] == ["county"] and "year" not in after
    # fixed=none: every filter removable, as on the search page
    doc = parse(client.get("/embed?q=五星支部&town=红星镇&fixed=none").get_data(as_text=True))
    assert doc.find("a", cls="chip") and not doc.find_all("span", cls="chip-fixed")
    # fixed=county ANDs only the county: a typed town inside it still works
    doc = parse(client.get("/embed?q=五星支部 town:白云镇&county=东山县&fixed=county").get_data(as_text=True))
    assert towns_shown(doc) == ["白云镇"]


def test_embed_links_and_form_keep_the_fixed_filters(client):
    doc = parse(client.get("/embed?q=五星支部&county=东山县&fixed=county&page_size=1").get_data(as_text=True))
    form = doc.find("form", role="search")
    assert form.find("input", type="hidden", name="county").attrs["value"] == "东山县"
    assert form.find("input", type="hidden", name="fixed").attrs["value"] == "county"
    nxt = doc.find("nav", cls="pagination").find("a", rel="next")
    assert query_of(nxt.attrs["href"])["fixed"] == ["county"]


def test_embed_with_only_fixed_filters_and_no_query(client):
    doc = parse(client.get("/embed?town=红星镇").get_data(as_text=True))
    assert towns_shown(doc) == ["红星镇"]
    assert doc.find("span", cls="chip-fixed")


def test_api_fixed_parameter_ands_the_fixed_filters(client):
    wide = client.get("/api/search?q=五星支部 town:绿野乡&town=红星镇").get_json()
    assert {h["town"] for h in wide["hits"]} == {"红星镇", "绿野乡"}  # plain filters OR with typed ones
    fixed = client.get("/api/search?q=五星支部 town:绿野乡&town=红星镇&fixed=town").get_json()
    assert fixed["total"] == 0
    assert client.get("/api/search?q=五星支部&town=红星镇&fixed=town").get_json()["total"] == 1
    assert client.get("/api/search?town=红星镇&fixed=town").get_json()["total"] >= 1


def test_embed_heading_order_has_no_gap(client):
    doc = parse(client.get("/embed?q=五星支部").get_data(as_text=True))
    levels = [int(e.tag[1]) for e in doc.iter() if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_page_past_the_end_never_reads_page_99_of_5(client):
    doc = parse(client.get("/?q=五星支部&page=99&page_size=1").get_data(as_text=True))
    summary = doc.find("p", cls="summary").text()
    assert "99/3" not in summary and "共 3 页" in summary
    doc = parse(client.get("/?q=五星支部&page=2&page_size=1").get_data(as_text=True))
    assert "第 2/3 页" in doc.find("p", cls="summary").text()
    doc = parse(client.get("/embed?q=五星支部&page=7&page_size=1").get_data(as_text=True))
    assert "7/3" not in doc.find("p", cls="summary").text()


def test_table_of_contents_numbers_each_level_on_its_own(tiny_index, tmp_path):
    from index import build
    from web import create_app
    from webfixtures import write_reports

    corpus = write_reports(tmp_path / "corpus", {"nested.md": (
        "# 某镇2022年工作总结\n\n## 第一部分\n\n正文一。\n\n### 小节甲\n\n正文二。\n\n### 小节乙\n\n正文三。\n\n"
        "## 第二部分\n\n正文四。\n\n### 小节丙\n\n正文五。\n")})
    build(corpus, tmp_path / "index", workers=1)
    doc = parse(create_app({"index": str(tmp_path / "index")}).test_client().get("/docs/nested").get_data(as_text=True))
    top = doc.find("nav", cls="toc").find("ol")
    items = [li for li in top.children if getattr(li, "tag", None) == "li"]
    assert [li.find("a").text() for li in items] == ["第一部分", "第二部分"]
    first_sub = items[0].find("ol")
    assert [a.text() for a in first_sub.find_all("a")] == ["小节甲", "小节乙"]
    assert [a.text() for a in items[1].find("ol").find_all("a")] == ["小节丙"]  # numbered 1 again, under 2


def test_headings_with_their_own_numbers_get_no_second_number(tmp_path):
    from index import build
    from web import create_app
    from webfixtures import write_reports

    corpus = write_reports(tmp_path / "corpus", {"numbered.md": (
        "# 某镇2022年工作总结\n\n## 一、主要工作\n\n正文一。\n\n### （一）党建引领\n\n正文二。\n\n"
        "### （二）项目建设\n\n正文三。\n\n## 二、明年打算\n\n正文四。\n\n## 三、保障措施\n\n正文五。\n")})
    build(corpus, tmp_path / "index", workers=1)
    doc = parse(create_app({"index": str(tmp_path / "index")}).test_client().get("/docs/numbered").get_data(as_text=True))
    lists = doc.find("nav", cls="toc").find_all("ol")
    assert len(lists) == 2 and all("self-numbered" in ol.classes for ol in lists)
    plain = parse(create_app({"index": str(tmp_path / "index")}).test_client().get("/docs/numbered").get_data(as_text=True))
    assert plain.find("nav", cls="toc").find("ol").find("a").text() == "一、主要工作"


def test_fixed_filters_on_the_search_page_cannot_be_unticked(client):
    doc = parse(client.get("/?q=五星支部&county=东山县&fixed=county").get_data(as_text=True))
    form = doc.find("form", cls="facets")
    boxes = [i for i in form.find_all("input", type="checkbox") if i.attrs.get("value") == "东山县"]
    assert boxes and "disabled" in boxes[0].attrs and "checked" in boxes[0].attrs
    hidden = {(i.attrs["name"], i.attrs["value"]) for i in form.find_all("input", type="hidden")}
    assert ("county", "东山县") in hidden and ("fixed", "county") in hidden
    assert doc.find("span", cls="chip-fixed")
