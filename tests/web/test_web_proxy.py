"""Behind a reverse proxy under a path prefix: links, assets and API calls carry it."""

from __future__ import annotations

import pytest

from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)
from webhelpers import parse


def assert_links_under(html: str, prefix: str) -> None:
    doc = parse(html)
    urls = [e.attrs["href"] for e in doc.find_all("a") + doc.find_all("link") if e.attrs.get("href", "").startswith("/")]
    urls += [e.attrs["src"] for e in doc.find_all("script")]
    urls += [e.attrs["action"] for e in doc.find_all("form")]
    assert urls
    bad = [u for u in urls if not u.startswith(prefix + "/")]
    assert not bad, bad


@pytest.fixture
def proxied(tiny_index):
    """The app behind one trusted proxy (proxy_hops = 1, as with the nginx sample)."""
    return create_app({"TESTING": True, "index": str(tiny_index), "proxy_hops": 1}).test_client()


def test_x_forwarded_prefix(proxied):
    client = proxied
    r = client.get("/?q=五星支部", headers={"X-Forwarded-Prefix": "/search"})
    html = r.get_data(as_text=True)
    assert_links_under(html, "/search")
    doc = parse(html)
    assert doc.find("link", rel="stylesheet").attrs["href"] == "/search/static/govsearch.css"
    assert doc.find("form", role="search").attrs["action"] == "/search/"
    assert doc.find("h3", cls="report-title").find("a").attrs["href"].startswith("/search/docs/")


def test_x_forwarded_prefix_on_document_embed_and_openapi(proxied):
    client = proxied
    headers = {"X-Forwarded-Prefix": "/gov/search"}
    assert_links_under(client.get("/docs/hongxing-2021?q=五星支部", headers=headers).get_data(as_text=True), "/gov/search")
    assert_links_under(client.get("/embed?q=五星支部", headers=headers).get_data(as_text=True), "/gov/search")
    spec = client.get("/api/openapi.json", headers=headers).get_json()
    assert spec["servers"] == [{"url": "/gov/search"}]
    r = client.get("/favicon.ico", headers=headers)
    assert r.headers["Location"].endswith("/gov/search/static/favicon.svg")


def test_script_name_from_the_wsgi_server(client):
    r = client.get("/?q=五星支部", environ_overrides={"SCRIPT_NAME": "/intranet/search"})
    assert_links_under(r.get_data(as_text=True), "/intranet/search")


def test_forwarded_headers_ignored_when_no_proxy_is_trusted(tiny_index):
    client = create_app({"index": str(tiny_index), "proxy_hops": 0}).test_client()
    html = client.get("/", headers={"X-Forwarded-Prefix": "/evil"}).get_data(as_text=True)
    assert "/evil" not in html
    assert_links_under(html, "")


def test_no_proxy_is_trusted_by_default(tiny_index):
    """A server reached directly must not let a client choose its links or redirects."""
    client = create_app({"index": str(tiny_index)}).test_client()
    r = client.get("/favicon.ico", headers={"X-Forwarded-Prefix": "//evil.example", "X-Forwarded-Host": "evil.example"})
    assert r.status_code in (301, 302, 308)
    assert "evil" not in r.headers["Location"]
    assert r.headers["Location"].endswith("/static/favicon.svg")
    html = client.get("/", headers={"X-Forwarded-Prefix": "//evil.example"}).get_data(as_text=True)
    assert "evil.example" not in html
    forwarded = client.get("/", headers={"X-Forwarded-For": "203.0.113.9"}, environ_overrides={"REMOTE_ADDR": "127.0.0.1"})
    assert forwarded.request.remote_addr == "127.0.0.1"


def test_configured_url_prefix(tiny_index):
    client = create_app({"index": str(tiny_index), "url_prefix": "/search"}).test_client()
    r = client.get("/search/?q=五星支部")
    assert r.status_code == 200
    assert_links_under(r.get_data(as_text=True), "/search")
    assert client.get("/search/api/search?q=五星支部").get_json()["total"] == 3
    assert client.get("/search/static/govsearch.css").status_code == 200
    assert client.get("/search/docs/hongxing-2021").status_code == 200
    root = client.get("/")
    assert root.status_code == 302 and root.headers["Location"].endswith("/search/")
    assert client.get("/api/search?q=五星支部").status_code == 404
    assert client.get("/searching").status_code == 404
