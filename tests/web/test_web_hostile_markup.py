"""Markup, script URLs and spreadsheet formulas in everything a report brings (text,
title, headings, file name, sidecar values) and in every query: every page, API and
CSV export of the app gives them back inert (issue 12)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from index import build
from web import create_app
from webhelpers import parse

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
JS_URL = "javascript:alert(3)"
FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "＝1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]
PAYLOADS = [SCRIPT, IMG, JS_URL, "'><svg onload=alert(4)>", *FORMULAS]
# what must never appear as written in an HTML page
RAW = ["<script>alert", "<img src=x", "<svg onload", "onerror=alert(2)>"]

REPORT = f"""# 五星镇工作总结{SCRIPT}

## 党建引领{IMG}

五星镇推进五星支部创建{SCRIPT}，链接 {JS_URL} 。

## 报表 {JS_URL}

{FORMULAS[0]} 五星支部
{FORMULAS[1]} 五星支部
{FORMULAS[2]} 五星支部
{FORMULAS[3]} 五星支部
{FORMULAS[4]} 五星支部

'><svg onload=alert(4)> 五星支部人居环境。
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    name = 'wu"><img src=x onerror=alert(2)>.md'
    (corpus / name).write_text(REPORT, encoding="utf-8")
    (corpus / "plain.md").write_text("# 白云镇工作总结\n\n## 民生\n\n白云镇推进五星支部和人居环境。\n", encoding="utf-8")
    sidecar = io.StringIO()  # as a spreadsheet writes it: cells with quotes are quoted
    writer = csv.writer(sidecar, delimiter="\t", lineterminator="\n")
    writer.writerows([["file", "title", "town", "county", "year"],
                      [name, f"{FORMULAS[0]}{SCRIPT}", f"{IMG}镇", f"{JS_URL}县", "2022"],
                      ["plain.md", f"{FORMULAS[1]}白云{IMG}", "＝白云镇", "@白云县", "2021"]])
    (corpus / "metadata.tsv").write_text(sidecar.getvalue(), encoding="utf-8")
    index = tmp_path_factory.mktemp("hostile-index")
    build(corpus, index)
    app = create_app({"index": str(index), "TESTING": True})
    client = app.test_client()
    docs = client.get("/api/search", query_string={"q": "五星支部", "page_size": 50}).get_json()
    ids = sorted({h["doc_id"] for h in docs["hits"]})
    assert len(ids) == 2, docs
    towns = {client.get(f"/api/docs/{i}").get_json()["town"] for i in ids}
    assert towns == {f"{IMG}镇", "＝白云镇"}  # the sidecar's values are what the pages show
    return client, ids


QUERIES = ["五星支部", "五星支布", "alert", "script", "onerror", *PAYLOADS, f"五星支部 {SCRIPT}",
           f"town:{IMG}", "javascript"]


def html_urls(ids: list[str]) -> list[str]:
    return ["/", "/embed", "/compare", "/embed/compare", *(f"/docs/{i}" for i in ids)]


def assert_inert(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, (where, raw)
    doc = parse(html)
    for script in doc.find_all("script"):
        assert script.attrs.get("src", "").startswith("/") and not script.text().strip(), where
    for e in doc.iter():
        assert not [a for a in e.attrs if a.lower().startswith("on")], (where, e.tag, e.attrs)
        assert e.tag not in ("img", "object", "embed", "iframe", "foreignobject"), (where, e.tag)
        for attr in ("href", "src", "action", "xlink:href", "formaction"):
            value = (e.attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (where, e.tag, attr, value)
    assert not re.search(r"(?i)<a[^>]+href=\"?\s*javascript:", html), where


@pytest.mark.parametrize("q", QUERIES)
def test_every_page_stays_inert(hostile, q):
    client, ids = hostile
    for url in html_urls(ids):
        for params in ({"q": q}, {"q": q, "town": IMG}, {"q": q, "county": SCRIPT, "by": ["town", "year"]}):
            r = client.get(url, query_string=params)
            assert r.status_code in (200, 400), (url, params, r.status_code)
            assert r.mimetype == "text/html", (url, r.mimetype)
            assert r.headers.get("X-Content-Type-Options") == "nosniff"
            assert_inert(r.get_data(as_text=True), f"{url} {params}")


def test_report_payloads_are_shown_as_text(hostile):
    """The escaping is not a removal: the payloads read as written on the pages."""
    client, ids = hostile
    wu = next(i for i in ids if i.startswith("wu"))
    html = client.get(f"/docs/{wu}", query_string={"q": "五星支部"}).get_data(as_text=True)
    text = parse(html).text()
    for payload in (SCRIPT, IMG, JS_URL):
        assert payload in text
    results = client.get("/", query_string={"q": "五星支部"}).get_data(as_text=True)
    assert "&lt;script&gt;" in results and IMG.replace('"', "&#34;").replace(">", "&gt;").replace("<", "&lt;") in results \
        or "&lt;img src=x" in results
    compare = client.get("/compare", query_string={"q": "五星支部", "by": ["town", "year"]}).get_data(as_text=True)
    assert "&lt;img src=x" in compare  # the town label of the table and of the chart


@pytest.mark.parametrize("q", QUERIES)
def test_every_api_answers_json(hostile, q):
    client, ids = hostile
    urls = ["/api/search", "/api/suggest", "/api/compare", *(f"/api/docs/{i}" for i in ids)]
    for url in urls:
        r = client.get(url, query_string={"q": q[:100]})
        assert r.status_code in (200, 400), (url, q, r.status_code)
        assert r.mimetype == "application/json", (url, r.mimetype)
        assert r.headers.get("X-Content-Type-Options") == "nosniff"
        json.loads(r.get_data(as_text=True))


def _cells(body: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]


@pytest.mark.parametrize("url", ["/export.csv", "/compare.csv"])
@pytest.mark.parametrize("q", ["五星支部", *FORMULAS, "人居环境"])
def test_csv_exports_neutralize_formulas(hostile, url, q):
    import unicodedata

    client, _ = hostile
    r = client.get(url, query_string={"q": q, "by": ["town", "county"]})
    if r.status_code == 400:
        return  # a formula that is no query: nothing exported
    assert r.status_code == 200 and r.mimetype == "text/csv"
    cells = _cells(r.get_data(as_text=True))
    assert cells
    for cell in cells:
        start = unicodedata.normalize("NFKC", cell[:1] or " ")
        assert not (start in "=+-@" and not re.fullmatch(r"-?\d+(\.\d+)?", cell)), (url, q, cell)


def test_csv_export_keeps_the_payloads_as_text(hostile):
    client, _ = hostile
    cells = _cells(client.get("/export.csv", query_string={"q": "五星支部"}).get_data(as_text=True))
    assert any(c.startswith("'" + FORMULAS[0]) for c in cells)  # the title, neutralized but whole
    assert any(c.startswith("'＝") for c in cells)
    assert any(SCRIPT in c for c in cells)


@pytest.mark.parametrize("doc_id", ["..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e", ".hidden", "a%00b",
                                    "%3Cscript%3E", "x" * 300, "wu%22%3E%3Cimg"])
def test_traversal_and_markup_ids_are_404_json_or_html(hostile, doc_id):
    client, _ = hostile
    for prefix, mimetype in (("/api/docs/", "application/json"), ("/docs/", "text/html")):
        r = client.get(prefix + doc_id)
        assert r.status_code == 404, (prefix, doc_id, r.status_code)
        assert r.mimetype == mimetype
        body = r.get_data(as_text=True)
        assert "root:" not in body
        if mimetype == "text/html":
            assert "<script>" not in body and "<img" not in body
            assert_inert(body, prefix + doc_id)
        else:
            assert json.loads(body)["error"]["code"] == "not_found"
