"""Escaping of document text and of the query, security headers, framing and CORS."""

from __future__ import annotations

import pytest

from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import assert_no_active_markup, parse

ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.mark.parametrize("url", [
    "/?q=五星支部",
    "/?q=五星支部&town=白云镇",
    "/docs/xss",
    "/docs/xss?q=五星支部",
    "/docs/xss?q=script",
    "/embed?q=五星支部",
    "/embed?q=alert",
])
def test_document_markup_renders_as_text(client, url):
    r = client.get(url)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    assert "<img" not in html
    assert ESCAPED_SCRIPT in html or "&lt;script&gt;" in html
    assert_no_active_markup(html)
    doc = parse(html)
    assert not [s for s in doc.find_all("script") if not s.attrs.get("src")]


def test_document_page_shows_markup_characters_literally(client):
    doc = parse(client.get("/docs/xss").get_data(as_text=True))
    assert doc.find("h1").text() == "危险标题" + XSS_SCRIPT
    assert doc.find("h2", cls="doc-heading").text() == "测试" + XSS_IMG + "章节"
    assert XSS_SCRIPT in doc.find("p", cls="body").text()


def test_highlighting_inside_markup_characters_stays_escaped(client):
    html = client.get("/docs/xss?q=script").get_data(as_text=True)
    assert "&lt;<mark" in html and "</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in html


@pytest.mark.parametrize("q", ['<script>alert(2)</script>', '"><img src=y onerror=alert(3)>', "五星支部 '\"><b>x"])
def test_query_echo_is_escaped(client, q):
    for url in ("/", "/embed", "/docs/hongxing-2021"):
        html = client.get(url, query_string={"q": q}).get_data(as_text=True)
        assert q not in html, url
        assert "<img src=y" not in html and "<b>x" not in html and "alert(2)</script>" not in html
        assert_no_active_markup(html)
        value = parse(html).find("input", name="q").attrs["value"] if url != "/docs/hongxing-2021" else q
        assert value == q


def test_filter_echo_is_escaped(client):
    html = client.get("/", query_string={"q": "五星支部", "town": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_security_headers_everywhere(client):
    for url in ("/", "/?q=五星支部", "/docs/xss", "/embed", "/api/search?q=五星支部", "/api/docs/nope",
                "/static/govsearch.css", "/healthz", "/no-such-page"):
        r = client.get(url)
        csp = r.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"


def frame_ancestors(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    return next(d for d in csp.split("; ") if d.startswith("frame-ancestors")).split(" ", 1)[1]


def test_only_embed_may_be_framed_by_configured_ancestors(client):
    embed = client.get("/embed?q=五星支部")
    assert frame_ancestors(embed) == "'self' https://portal.example.gov.cn"
    assert "X-Frame-Options" not in embed.headers
    for url in ("/", "/docs/xss"):
        r = client.get(url)
        assert frame_ancestors(r) == "'self'"
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_embed_default_allows_same_origin_only(tiny_index):
    r = create_app({"index": str(tiny_index)}).test_client().get("/embed")
    assert frame_ancestors(r) == "'self'" and r.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_cors_allowed_origin(client):
    r = client.get("/api/search?q=五星支部", headers={"Origin": "http://oa.example.gov.cn"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "http://oa.example.gov.cn"
    assert "Origin" in r.headers["Vary"]
    r = client.get("/healthz", headers={"Origin": "https://portal.example.gov.cn:8443"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://portal.example.gov.cn:8443"


def test_cors_denied_origin_gets_no_header(client):
    for origin in ("http://evil.example.com", "http://oa.example.gov.cn.evil.com", "https://oa.example.gov.cn", "null"):
        r = client.get("/api/search?q=五星支部", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in r.headers, origin


def test_cors_preflight(client):
    ok = client.options("/api/search", headers={"Origin": "http://oa.example.gov.cn",
                                                "Access-Control-Request-Method": "GET"})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "http://oa.example.gov.cn"
    assert "GET" in ok.headers["Access-Control-Allow-Methods"]
    denied = client.options("/api/search", headers={"Origin": "http://evil.example.com",
                                                    "Access-Control-Request-Method": "GET"})
    assert denied.status_code == 403
    assert denied.get_json()["error"]["code"] == "cors_denied"
    assert "Access-Control-Allow-Origin" not in denied.headers


def test_no_cors_on_html_pages(client):
    r = client.get("/?q=五星支部", headers={"Origin": "http://oa.example.gov.cn"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_no_cors_by_default(tiny_index):
    r = create_app({"index": str(tiny_index)}).test_client().get(
        "/api/stats", headers={"Origin": "http://oa.example.gov.cn"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_wildcard(tiny_index):
    r = create_app({"index": str(tiny_index), "cors_origins": "*"}).test_client().get(
        "/api/stats", headers={"Origin": "http://anything.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
