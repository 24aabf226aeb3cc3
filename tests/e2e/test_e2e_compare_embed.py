"""Headless Chromium: the comparison view, multi-select facets, fixed embed filters, the
widget's error messages on a host page of another origin, and axe on every page."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import DESKTOP, PHONE, _page

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect


def url_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


# --------------------------------------------------------------------------- comparison view


def test_comparison_view_table_charts_and_picks(page, base_url, shot, axe):
    page.goto(base_url + "/?q=人居环境")
    page.get_by_role("link", name="按地区、年份对比").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/compare" and url_params(page.url) == {"q": ["人居环境"]}
    table = page.locator("table.compare-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr", has_text="大隗镇").locator("td").nth(1)).to_contain_text("2 段 / 1 篇")
    bar, line = page.locator("svg.bar-chart"), page.locator("svg.line-chart")
    expect(bar).to_be_visible()
    expect(line).to_be_visible()
    assert bar.bounding_box()["height"] > 40 and line.bounding_box()["width"] > 200
    # 来集镇's matches are all in its undated report: not drawn by default (a flat line)
    expect(line.locator("text.series-label")).to_have_count(2)
    shot(page, "compare-desktop")
    assert axe(page) == ""

    # pick only 小关镇 for the line chart: one line left
    picks = page.locator("fieldset.compare-picks")
    picks.get_by_label("大隗镇").uncheck()
    picks.get_by_label("来集镇").uncheck()
    page.get_by_role("button", name="更新对比").click()
    page.wait_for_load_state()
    assert url_params(page.url)["pick"] == ["小关镇"]
    expect(page.locator("svg.line-chart text.series-label")).to_have_text(["小关镇"])

    # a cell opens exactly its passages in the list
    page.locator("table.compare-table tbody tr", has_text="大隗镇").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert url_params(page.url) == {"q": ["人居环境"], "town": ["大隗镇"], "year": ["2022"]}
    expect(page.locator("li.passage")).to_have_count(2)
    page.problems.assert_none()


def test_comparison_view_on_a_phone(phone_page, base_url, shot, axe):
    page = phone_page
    page.goto(base_url + "/compare?q=五星支部")
    expect(page.locator("table.compare-table")).to_be_visible()
    no_overflow(page)  # the table scrolls inside its own box, the page does not
    expect(page.locator("svg.bar-chart")).to_be_visible()
    box = page.locator("svg.line-chart").bounding_box()
    assert box["width"] <= PHONE["width"]
    shot(page, "compare-phone")
    assert axe(page) == ""
    page.problems.assert_none()


def test_comparison_view_without_javascript(nojs_page, base_url):
    page = nojs_page
    page.goto(base_url + "/compare?q=万人助万企")
    expect(page.locator("table.compare-table tbody tr")).to_have_count(2)
    page.locator("#by-rows").select_option("county")
    page.get_by_role("button", name="更新对比").click()
    page.wait_for_load_state()
    assert url_params(page.url)["by"] == ["county", "year"]
    expect(page.locator("table.compare-table tbody tr")).to_have_count(1)
    expect(page.locator("table.compare-table tbody th")).to_have_text(["新密市"])


# --------------------------------------------------------------------------- multi-select facets


def test_multi_select_facets_with_counts_that_add(page, base_url, shot, axe):
    page.goto(base_url + "/?q=人居环境")
    facets = page.locator("form.facets")
    facets.get_by_label("大隗镇").check()
    page.wait_for_url("**town=*")
    expect(page.locator("li.passage")).to_have_count(2)
    # the other towns still show, with what they would add
    other = page.locator("form.facets li", has=page.get_by_label("来集镇"))
    expect(other.locator(".count")).to_contain_text("+2")
    page.locator("form.facets").get_by_label("来集镇").check()
    page.wait_for_url("**town=*town=*")
    assert url_params(page.url)["town"] == ["大隗镇", "来集镇"]
    expect(page.locator("li.passage")).to_have_count(4)
    expect(page.locator(".active-filters .chip")).to_have_count(2)
    # year range
    page.locator("#year-from").fill("2022")
    page.locator("#year-to").fill("2022")
    page.get_by_role("button", name="应用筛选").click()
    page.wait_for_load_state()
    expect(page.locator("li.passage")).to_have_count(2)
    expect(page.locator(".active-filters")).to_contain_text("年份：2022–2022 年")
    shot(page, "facets-multi-desktop")
    assert axe(page) == ""
    page.problems.assert_none()


def test_multi_select_on_a_phone(phone_page, base_url, shot):
    page = phone_page
    page.goto(base_url + "/?q=人居环境&town=大隗镇&town=小关镇")
    panel = page.locator("details.facet-panel")
    expect(panel).to_have_attribute("open", "")  # filters chosen: the panel stays open
    no_overflow(page)
    shot(page, "facets-multi-phone")


# --------------------------------------------------------------------------- fixed embed filters


def test_embed_fixed_filters_cannot_be_removed_or_widened(page, base_url, shot, axe):
    page.goto(base_url + "/embed?q=五星支部&town=大隗镇")
    chip = page.locator(".active-filters .chip-fixed")
    expect(chip).to_contain_text("乡镇：大隗镇")
    expect(page.locator(".active-filters a")).to_have_count(0)
    expect(page.locator("li.report")).to_have_count(1)
    shot(page, "embed-fixed")
    assert axe(page) == ""
    box = page.get_by_label("检索", exact=True)
    box.fill("五星支部 town:来集镇")
    box.press("Enter")
    page.wait_for_load_state()
    assert url_params(page.url)["town"] == ["大隗镇"]
    expect(page.locator("li.report")).to_have_count(0)
    expect(page.locator("p.summary")).to_contain_text("没有找到")
    expect(page.locator(".active-filters .chip-fixed")).to_contain_text("乡镇：大隗镇")
    page.problems.assert_none()


# --------------------------------------------------------------------------- widget errors


class HostPages:
    """Intranet pages on another origin (another port of 127.0.0.1) using the widget."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode("utf-8"))

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, script_base: str, api: str, attrs: str = "", head: str = "") -> str:
        self.pages[path] = (
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">{head}<link rel="icon" href="data:,"><title>内网门户</title></head><body>'
            f'<main><h1>内网门户</h1><div data-govsearch data-api="{api}" {attrs}></div></main>'
            f'<script src="{script_base}/static/govsearch-widget.js" defer></script></body></html>')
        return self.origin + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hosts():
    h = HostPages()
    yield h
    h.close()


@pytest.fixture(scope="module")
def allowed_url(hosts, e2e_index):
    """govsearch serving the same index with the host pages' origin in cors_origins."""
    from govsearch.serve import ServerThread
    from web import create_app

    with ServerThread(create_app({"index": str(e2e_index), "cors_origins": hosts.origin}), threads=2) as server:
        yield server.url


@pytest.fixture(scope="module")
def broken_url(hosts, tmp_path_factory):
    """govsearch allowing the host origin but without an index: every search is a 503."""
    from govsearch.serve import ServerThread
    from web import create_app

    folder = tmp_path_factory.mktemp("noindex") / "index"
    with ServerThread(create_app({"index": str(folder), "cors_origins": hosts.origin}), threads=2) as server:
        yield server.url


def closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def widget_says(page, url: str, query: str = "五星支部"):
    page.goto(url)
    box = page.locator("[data-govsearch] input")
    box.fill(query)
    box.press("Enter")
    status = page.locator("[data-govsearch] [role=status]")
    expect(status).not_to_have_text("正在检索…", timeout=15_000)
    expect(status).not_to_have_text("")
    return status


def test_widget_on_an_allowed_origin_shows_results_with_fixed_filters(page, hosts, allowed_url, shot):
    url = hosts.add("/allowed.html", allowed_url, allowed_url, 'data-town="大隗镇"')
    status = widget_says(page, url)
    expect(status).to_have_text("找到 2 段，分属 1 篇报告")
    expect(page.locator("[data-govsearch] .gsw-scope")).to_have_text("检索范围（固定）：乡镇 大隗镇")
    # a typed town cannot widen the widget's fixed town
    status = widget_says(page, url, "五星支部 town:来集镇")
    expect(status).to_have_text("没有找到包含“五星支部 town:来集镇”的段落")
    page.problems.assert_none()


def test_widget_tells_a_cors_refusal(page, hosts, base_url, shot):
    url = hosts.add("/refused.html", base_url, base_url)  # base_url allows no other origin
    status = widget_says(page, url)
    expect(status).to_have_attribute("data-error", "cors")
    expect(status).to_contain_text(f"此页面的来源（{hosts.origin}）未被允许")
    expect(status).to_contain_text("cors_origins")
    expect(page.locator("[data-govsearch] li.gsw-hit")).to_have_count(0)
    shot(page, "widget-cors-refused")


def test_widget_tells_a_network_failure(page, hosts, base_url):
    down = closed_port_url()
    status = widget_says(page, hosts.add("/down.html", base_url, down))
    expect(status).to_have_attribute("data-error", "network")
    expect(status).to_contain_text("无法连接检索服务")
    expect(status).not_to_contain_text("cors_origins")


def test_widget_tells_a_csp_block_of_the_host_page(page, hosts, allowed_url):
    csp = (f'<meta http-equiv="Content-Security-Policy" content="script-src {allowed_url}; '
           f'style-src {allowed_url}; connect-src \'self\'">')
    status = widget_says(page, hosts.add("/csp.html", allowed_url, allowed_url, head=csp))
    expect(status).to_have_attribute("data-error", "csp")
    expect(status).to_contain_text("内容安全策略（CSP）")
    expect(status).to_contain_text("connect-src")


def test_widget_tells_a_server_error(page, hosts, broken_url):
    status = widget_says(page, hosts.add("/broken.html", broken_url, broken_url))
    expect(status).to_have_attribute("data-error", "server")
    expect(status).to_contain_text("检索服务出错（HTTP 503）")
    expect(status).to_contain_text("no index")


# --------------------------------------------------------------------------- axe everywhere


@pytest.mark.parametrize("path", ["/", "/?q=五星支部", "/?q=五星支部&town=大隗镇&topic=党建", "/?q=没有这个词",
                                  "/?q=五星支部&page=9&page_size=1", "/compare", "/compare?q=人居环境&by=county&by=topic",
                                  "/docs/xinmi-dawei-2022?q=五星支部", "/docs/xinmi-laiji", "/embed",
                                  "/embed?q=五星支部&county=新密市&fixed=county", "/embed/compare?q=人居环境&county=新密市", "/docs/no-such-report",
                                  "/static/example-host.html"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_violations(browser, base_url, axe, path, viewport):
    context, page = _page(browser, DESKTOP if viewport == "desktop" else PHONE)
    try:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        assert axe(page) == "", path
    finally:
        context.close()


def test_axe_check_can_fail(page, base_url, axe):
    """The check above is real: a control without a label is reported."""
    page.goto(base_url + "/")
    page.evaluate("document.querySelector('main').appendChild(document.createElement('input'))")
    assert "label" in axe(page)
