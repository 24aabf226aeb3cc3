"""HTML pages through the Flask test client: search, facets, sort, paging, document,
embed, CSV export, favicon and the friendly errors."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from index.errors import EmptyQuery
from web.export import safe_cell
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import assert_no_active_markup, parse


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_home_page_has_labelled_search_form_and_index_summary(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    doc = parse(html)
    form = doc.find("form", role="search")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/"
    box = form.find("input", name="q")
    assert doc.find("label", for_="q").text() == "检索词"
    assert box.attrs["id"] == "q"
    assert "空格分隔" in doc.find("p", id="q-hint").text()
    assert "已收录 3 篇报告" in doc.find("section", cls="welcome").text().replace("\n", "")
    assert doc.find("html").attrs["lang"] == "zh-CN"
    assert doc.find("main").attrs["id"] == "main"
    assert_no_active_markup(html)


def test_results_are_grouped_by_report_with_highlighted_passages(client):
    r = client.get("/?q=五星支部")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    doc = parse(html)
    reports = doc.find_all("li", cls="report")
    assert len(reports) == 3
    towns = {rep.find("span", cls="town").text() for rep in reports}
    assert towns == {"红星镇", "绿野乡", "白云镇"}
    for rep in reports:
        marks = rep.find_all("mark")
        assert marks and all(m.text() == "五星支部" for m in marks)
        assert rep.find("span", cls="section-path").text().startswith("章节：")
        link = rep.find("h3", cls="report-title").find("a")
        assert link.attrs["href"].startswith("/docs/") and link.attrs["href"].endswith("#first-match")
        assert query_of(link.attrs["href"])["q"] == ["五星支部"]
    summary = doc.find("p", cls="summary").text()
    assert "找到 3 段" in summary and "3 篇报告" in summary and "毫秒" in summary
    assert_no_active_markup(html)


def test_section_heading_path_is_shown(client):
    doc = parse(client.get("/?q=五星支部&town=红星镇").get_data(as_text=True))
    assert doc.find("span", cls="section-path").text() == "章节：党建引领 凝聚发展合力"


def test_word_match_is_labelled(client):
    doc = parse(client.get("/?q=生活改善 红星镇").get_data(as_text=True))
    passage = doc.find("li", cls="passage")
    assert "match-words" in passage.classes
    assert passage.find("span", cls="badge-words").text().startswith("词匹配")
    assert {m.text() for m in passage.find_all("mark")} >= {"改善", "生活"}


def test_exact_match_has_no_word_match_label(client):
    doc = parse(client.get("/?q=五星支部").get_data(as_text=True))
    assert not doc.find_all("span", cls="badge-words")


def facet_boxes(doc, facet: str) -> dict[str, tuple]:
    """{value: (checkbox, count text)} of one facet of the filter form."""
    fieldset = doc.find("fieldset", cls="facet", id=f"facet-{facet}")
    out = {}
    for li in fieldset.find_all("li"):
        box = li.find_all("input", type="checkbox")
        if box:
            label = li.find("label")
            out[label.find("span", cls="name").text()] = (box[0], label.find("span", cls="count").text())
    return out


def submit(form, **changes) -> str:
    """The URL a browser would GET for this form, with checkboxes ticked (True) or
    cleared (False) by value, and text inputs set by name."""
    from urllib.parse import urlencode

    pairs = []
    for e in form.iter():
        if e.tag != "input":
            continue
        name, value, kind = e.attrs.get("name"), e.attrs.get("value", ""), e.attrs.get("type", "text")
        if not name:
            continue
        if kind == "checkbox":
            checked = "checked" in e.attrs
            checked = changes.get(value, checked)
            if checked and "disabled" not in e.attrs:
                pairs.append((name, value))
        elif kind == "hidden":
            pairs.append((name, value))
        else:
            pairs.append((name, changes.get(name, value)))
    return form.attrs["action"] + "?" + urlencode(pairs)


def test_facets_have_counts_and_toggle_through_the_form(client):
    doc = parse(client.get("/?q=五星支部").get_data(as_text=True))
    topics = facet_boxes(doc, "topic")
    assert set(topics) >= {"党建", "项目", "民生", "环保"}
    assert topics["党建"][1].startswith("3")
    assert "disabled" in topics["民生"][0].attrs  # no passages: shown, cannot be ticked
    assert "checked" not in topics["党建"][0].attrs
    form = doc.find("form", cls="facets")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/"
    on_href = submit(form, 党建=True)
    assert query_of(on_href) == {"q": ["五星支部"], "topic": ["党建"]}

    doc = parse(client.get(on_href).get_data(as_text=True))
    assert "checked" in facet_boxes(doc, "topic")["党建"][0].attrs
    chip = doc.find("a", cls="chip")
    assert "主题：党建" in chip.text()
    assert query_of(chip.attrs["href"]) == {"q": ["五星支部"]}
    assert query_of(submit(doc.find("form", cls="facets"), 党建=False)) == {"q": ["五星支部"]}
    form = doc.find("form", role="search")
    assert form.find("input", type="hidden", name="topic").attrs["value"] == "党建"


def test_several_values_of_a_facet_are_ored_and_facets_anded(client):
    doc = parse(client.get("/?q=五星支部&town=红星镇").get_data(as_text=True))
    towns = facet_boxes(doc, "town")
    # the other towns keep their counts, as what choosing them too would add
    assert towns["红星镇"][1].startswith("1") and "checked" in towns["红星镇"][0].attrs
    assert towns["绿野乡"][1].startswith("+1") and towns["白云镇"][1].startswith("+1")
    both = submit(doc.find("form", cls="facets"), 绿野乡=True)
    assert query_of(both)["town"] == ["红星镇", "绿野乡"]
    doc = parse(client.get(both).get_data(as_text=True))
    assert {s.text() for s in doc.find_all("span", cls="town")} == {"红星镇", "绿野乡"}
    assert "找到 2 段" in doc.find("p", cls="summary").text()
    # AND across facets: the two towns, but only 2021
    doc = parse(client.get(both + "&year=2021").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="town")] == ["红星镇"]
    assert facet_boxes(doc, "town")["绿野乡"][1].startswith("0")  # in the result's town list, none in 2021
    # a topic facet counts what is really added (a passage may have several topics)
    doc = parse(client.get("/?q=五星支部&topic=党建").get_data(as_text=True))
    topics = facet_boxes(doc, "topic")
    assert topics["党建"][1].startswith("3")


def test_facet_counts_with_a_filter_are_the_counts_without_it(client, tiny_index):
    """Disjunctive counts: a facet's counts are those of the search without its own filter."""
    from search import Searcher

    s = Searcher(tiny_index)
    plain = s.search("五星支部").facets["town"]
    doc = parse(client.get("/?q=五星支部&town=白云镇").get_data(as_text=True))
    shown = {v: int(c.lstrip("+").split()[0].rstrip("段")) for v, (_, c) in facet_boxes(doc, "town").items()}
    assert shown == plain


def test_year_range_inputs(client):
    doc = parse(client.get("/?q=五星支部").get_data(as_text=True))
    form = doc.find("form", cls="facets")
    assert form.find("input", name="year_from") and form.find("input", name="year_to")
    href = submit(form, year_from="2021", year_to="2022")
    doc = parse(client.get(href).get_data(as_text=True))
    assert sorted(s.text() for s in doc.find_all("span", cls="year")) == ["2021年", "2022年"]
    chip = doc.find("a", cls="chip")
    assert "年份：2021–2022 年" in chip.text()
    assert query_of(chip.attrs["href"]) == {"q": ["五星支部"]}
    doc = parse(client.get("/?q=五星支部&year_from=2022").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="year")] == ["2022年"]
    assert "2022 年起" in doc.find("a", cls="chip").text()
    # a range ORs with ticked years
    doc = parse(client.get("/?q=五星支部&year_from=2022&year=2020").get_data(as_text=True))
    assert sorted(s.text() for s in doc.find_all("span", cls="year")) == ["2020年", "2022年"]
    r = client.get("/?q=五星支部&year_from=20")
    assert r.status_code == 400 and "年份" in parse(r.get_data(as_text=True)).find("div", role="alert").text()


def test_town_county_and_year_facets_filter(client):
    doc = parse(client.get("/?q=五星支部&county=东山县").get_data(as_text=True))
    assert {s.text() for s in doc.find_all("span", cls="town")} == {"红星镇", "白云镇"}
    doc = parse(client.get("/?q=五星支部&county=东山县&year=2021").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="town")] == ["红星镇"]
    assert len(doc.find_all("a", cls="chip")) == 2
    clear = doc.find("a", cls="clear-all")
    assert query_of(clear.attrs["href"]) == {"q": ["五星支部"]}
    doc = parse(client.get("/?q=五星支部&town=绿野乡").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="town")] == ["绿野乡"]


def test_active_filter_without_hits_stays_removable(client):
    doc = parse(client.get("/?q=五星支部&topic=环保").get_data(as_text=True))
    box = facet_boxes(doc, "topic")["环保"][0]
    assert "checked" in box.attrs and "disabled" not in box.attrs
    assert "没有找到" in doc.find("div", cls="empty").text()


def test_filter_only_search_without_query(client):
    doc = parse(client.get("/?topic=民生").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="town")] == ["红星镇"]


def test_sort_by_year_and_back(client):
    doc = parse(client.get("/?q=五星支部&sort=year").get_data(as_text=True))
    assert [s.text() for s in doc.find_all("span", cls="year")] == ["2022年", "2021年", "2020年"]
    sort_nav = doc.find("nav", cls="sort")
    current = sort_nav.find("a", **{"aria-current": "true"})
    assert current.text() == "年份（新→旧）"
    relevance = [a for a in sort_nav.find_all("a") if a.text() == "相关度"][0]
    assert query_of(relevance.attrs["href"]) == {"q": ["五星支部"]}


def test_pagination_keeps_state_and_marks_current_page(client):
    doc = parse(client.get("/?q=五星支部&page_size=1&sort=year").get_data(as_text=True))
    nav = doc.find("nav", cls="pagination")
    assert nav.attrs["aria-label"] == "分页"
    assert nav.find("a", **{"aria-current": "page"}).text() == "第1页"
    nxt = nav.find("a", rel="next")
    assert query_of(nxt.attrs["href"]) == {"q": ["五星支部"], "sort": ["year"], "page": ["2"], "page_size": ["1"]}
    doc2 = parse(client.get(nxt.attrs["href"]).get_data(as_text=True))
    assert [s.text() for s in doc2.find_all("span", cls="year")] == ["2021年"]
    assert doc2.find("nav", cls="pagination").find("a", rel="prev")


def test_bad_parameters_are_explained_on_the_page(client):
    for url, words in (("/?q=五星支部&page=abc", "page"), ("/?q=五星支部&sort=oldest", "sort"),
                       ("/?q=五星支部&year=22", "年份"), ("/?q=-五星支部", "排除词")):
        r = client.get(url)
        assert r.status_code == 400, url
        html = r.get_data(as_text=True)
        alert = parse(html).find("div", role="alert")
        assert words in alert.text(), (url, alert.text())
        assert "Traceback" not in html


@pytest.mark.parametrize("url, api_url, why", [
    ("/?q=*", "/api/search?q=*", "通配符"), ("/embed?q=*", "/api/search?q=*", "通配符"),
    ("/compare?q=*", "/api/compare?q=*", "通配符"), ('/?q="', '/api/search?q="', "引号没有闭合"),
    ("/?q=，，", "/api/search?q=，，", "没有可检索的文字"), ("/?q=-", "/api/search?q=-", "单独的“-”"),
])
def test_a_query_naming_nothing_is_an_empty_answer_with_its_warnings_as_in_the_api(client, url, api_url, why):
    """q=* names nothing once parsed: the page says why (the parser's warning, then the
    empty query's), status 200, as /api/search and /api/compare answer it; not an error."""
    r = client.get(url)
    doc = parse(r.get_data(as_text=True))
    warnings = [li.text() for li in doc.find("ul", cls="warnings").find_all("li")]
    assert r.status_code == 200 and not doc.find_all("div", role="alert"), url
    assert len(warnings) == 2 and why in warnings[0] and warnings[1] == EmptyQuery.EMPTY_MESSAGE, warnings
    api = client.get(api_url)
    assert api.status_code == 200 and api.get_json()["warnings"] == warnings


def test_document_page_has_metadata_toc_and_kinds(client):
    r = client.get("/docs/hongxing-2021")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    doc = parse(html)
    assert doc.find("h1").text() == "红星镇2021年工作总结"
    meta = doc.find("dl", cls="doc-meta").text()
    assert "红星镇" in meta and "东山县" in meta and "2021" in meta and "hongxing-2021.md" in meta
    toc = doc.find("nav", cls="toc")
    links = toc.find_all("a")
    assert [a.text() for a in links] == ["党建引领 凝聚发展合力", "民生保障 增进群众福祉"]
    for a in links:
        target = a.attrs["href"][1:]
        assert doc.find(id=target).tag == "h2"
    byline = doc.find("p", cls="byline")
    assert byline.find("span", cls="kind-label").text() == "署名" and "张三" in byline.text()
    assert not doc.find_all("mark")
    assert doc.find("nav", cls="back").find("a").attrs["href"] == "/"
    assert_no_active_markup(html)


def test_document_from_a_search_marks_every_match_and_links_back(client):
    html = client.get("/docs/hongxing-2021?q=五星支部&topic=党建&page_size=1").get_data(as_text=True)
    doc = parse(html)
    marks = doc.find_all("mark")
    assert [m.text() for m in marks] == ["五星支部"]
    assert marks[0].attrs["id"] == "first-match"
    assert "共 1 处" in doc.find("p", cls="match-count").text()
    back = doc.find("nav", cls="back").find("a")
    assert query_of(back.attrs["href"]) == {"q": ["五星支部"], "topic": ["党建"], "page_size": ["1"]}
    assert "（1 处匹配）" in doc.find("nav", cls="toc").text()


def test_document_marks_words_of_a_word_match(client):
    doc = parse(client.get("/docs/hongxing-2021?q=生活改善 红星镇").get_data(as_text=True))
    assert {m.text() for m in doc.find_all("mark")} >= {"生活", "改善", "红星镇"}


def test_caption_is_shown_as_caption(corpus_client):
    doc = parse(corpus_client.get("/docs/xinmi-dawei-2022").get_data(as_text=True))
    captions = doc.find_all("p", cls="caption")
    assert captions and captions[0].find("span", cls="kind-label").text() == "图片说明"
    assert "大隗镇行政审批服务中心" in captions[0].text()
    assert doc.find("p", cls="subtitle").text() == "大隗现代化中心镇建设迈出坚实步伐"


def test_result_links_open_the_passage_in_the_document(client):
    doc = parse(client.get("/?q=五星支部&town=红星镇").get_data(as_text=True))
    href = doc.find("a", cls="open-doc").attrs["href"]
    anchor = urlsplit(href).fragment
    target = parse(client.get(href).get_data(as_text=True)).find(id=anchor)
    assert "五星支部" in target.text()


def test_unknown_document_is_a_friendly_404(client):
    r = client.get("/docs/no-such-report")
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "找不到" in html or "删除" in html
    assert "Traceback" not in html


def test_an_unknown_page_is_a_404_about_the_page_not_a_report(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404
    text = parse(r.get_data(as_text=True)).find("section", cls="error-box").text()
    assert "没有这个页面" in text and "请检查地址" in text
    assert "报告" not in text and "requested URL" not in text  # not Werkzeug's English, not a report's advice


@pytest.mark.parametrize("page, said", [("0", "页码从 1 开始，收到 0"), ("abc", "页码和每页条数应为正整数")])
def test_a_bad_page_number_is_said_in_chinese_first(client, page, said):
    r = client.get(f"/?q=五星支部&page={page}")
    assert r.status_code == 400
    assert said in parse(r.get_data(as_text=True)).find("div", role="alert").text()


def test_embed_is_compact_keeps_filters_and_opens_reports_in_new_tab(client):
    r = client.get("/embed?q=五星支部&town=红星镇")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    doc = parse(html)
    assert not doc.find_all("header", cls="site-header") and not doc.find_all("footer")
    assert not doc.find_all("nav", cls="facets")
    form = doc.find("form", role="search")
    assert form.attrs["action"] == "/embed"
    assert form.find("input", type="hidden", name="town").attrs["value"] == "红星镇"
    assert doc.find("label", for_="q")
    links = doc.find("ol", cls="reports").find_all("a")
    assert links and all(a.attrs.get("target") == "_blank" and a.attrs.get("rel") == "noopener" for a in links)
    assert len(doc.find_all("li", cls="report")) == 1
    assert_no_active_markup(html)


def test_embed_without_query_shows_only_the_box(client):
    doc = parse(client.get("/embed").get_data(as_text=True))
    assert doc.find("input", name="q")
    assert not doc.find_all("li", cls="report")


def test_csv_export_has_all_results(client):
    r = client.get("/export.csv?q=五星支部&sort=year&page=2&page_size=1")
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    body = r.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:5] == ["乡镇", "标题", "年份", "章节", "段落"]  # the first export's columns, first
    assert [row[0] for row in rows[1:]] == ["绿野乡", "红星镇", "白云镇"]
    assert rows[2][:5] == ["红星镇", "红星镇2021年工作总结", "2021", "党建引领 凝聚发展合力",
                           "红星镇扎实推动五星支部创建，全面加强基层党组织建设，党员干部作风明显好转。"]
    assert "<script>alert(1)</script>" in rows[3][4]  # plain text in CSV, not HTML


def test_csv_export_link_on_results_page(client):
    doc = parse(client.get("/?q=五星支部&topic=党建").get_data(as_text=True))
    href = doc.find("a", cls="export").attrs["href"]
    assert href.startswith("/export.csv?") and query_of(href) == {"q": ["五星支部"], "topic": ["党建"]}


def test_csv_cells_are_not_formulas():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell("-2") == "'-2"
    assert safe_cell("五星支部") == "五星支部" and safe_cell(None) == "" and safe_cell(2022) == "2022"


def test_csv_export_errors_like_the_api(client):
    r = client.get("/export.csv?q=")
    assert r.status_code == 400


def test_favicon_is_served_locally(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r.headers["Location"].endswith("/static/favicon.svg")
    assert client.get("/static/favicon.svg").status_code == 200


def test_static_assets_are_served_by_the_app(client):
    for name, kind in (("govsearch.css", "text/css"), ("govsearch.js", "javascript"),
                       ("govsearch-widget.js", "javascript"), ("govsearch-widget.css", "text/css"),
                       ("example-host.html", "text/html")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.content_type, name
        body = r.get_data(as_text=True)
        assert "http://" not in body.replace("http://www.w3.org", "") and "https://cdn" not in body, name


def test_csv_export_is_capped_by_the_setting(tiny_index):
    from web import create_app

    client = create_app({"index": str(tiny_index), "csv_max_rows": 2}).test_client()
    r = client.get("/export.csv?q=五星支部")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True)[1:])))
    assert len(rows) == 1 + 2 + 1 and r.headers["X-Total-Count"] == "3"
    assert r.headers["X-Govsearch-Truncated"] == "true"
    assert rows[-1][0] == "（已截断）" and "前 2 段，共 3 段" in rows[-1][1]
    note = parse(client.get("/?q=五星支部").get_data(as_text=True)).find("p", cls="export-note")
    assert "导出上限 2 段" in note.text() and "共 3 段" in note.text()  # visible, above the link
    whole = client.get("/export.csv?q=五星支部&town=红星镇")
    assert whole.headers["X-Govsearch-Truncated"] == "false"
    assert "（已截断）" not in whole.get_data(as_text=True)
    assert "CSV 含全部 1 段" in parse(client.get("/?q=五星支部&town=红星镇").get_data(as_text=True)).find(
        "p", cls="export-note").text()
