"""Headless Chromium: restricted reports stay hidden in the pages as a browser renders
them (autocomplete included), the trusted proxy header shows them to staff, and the
widget with a signed embed token shows exactly what the token allows, whatever the host
page writes in its attributes (tests/web/visibilityfixtures.py holds the corpus)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .test_e2e_compare_embed import HostPages, widget_says

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from visibilityfixtures import DEPT, DOC_IDS, SECRETS, build_pair  # noqa: E402

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect
HEADER = "X-Govsearch-Token"


@pytest.fixture(scope="module")
def hosts():
    h = HostPages()
    yield h
    h.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, hosts):
    """(restricted server, public-only server, tokens)."""
    from govsearch.serve import ServerThread
    from index.visibility import TokenStore, embed_secret, sign_embed
    from web import create_app

    full, public = build_pair(tmp_path_factory.mktemp("e2e-visibility"))
    internal, _ = TokenStore(full).create("内部", ["internal"])
    secret = embed_secret(full, create=True)
    tokens = {"internal": internal, "embed": sign_embed(secret, ["internal"], {"town": ["青松镇"]}),
              "embed-public": sign_embed(secret, ["public"])}
    settings = {"cors_origins": hosts.origin, "token_header": HEADER}
    with ServerThread(create_app({**settings, "index": str(full)}), threads=2) as restricted, \
            ServerThread(create_app({**settings, "index": str(public)}), threads=2) as public_only:
        yield restricted.url, public_only.url, tokens


def _hidden_counts(page, url: str) -> dict[str, int]:
    page.goto(url)
    page.wait_for_load_state()
    html = page.content()
    return {s: html.count(s) for group in ("internal", DEPT) for s in SECRETS[group]}


def test_pages_in_a_browser_reveal_nothing_hidden(page, servers):
    restricted, public_only, _ = servers
    for path in ("/", "/?q=五星支部", "/?q=翡翠", "/?q=匪翠", "/?q=feicui", "/?q=hupo", "/?q=人居环境&town=青松镇",
                 "/embed?q=五星支部", "/compare?q=五星支部", "/compare?q=人居环境&by=town&by=year"):
        assert _hidden_counts(page, restricted + path) == _hidden_counts(page, public_only + path), path
    for group in ("internal", DEPT):
        response = page.goto(f"{restricted}/docs/{DOC_IDS[group]}")
        assert response.status == 404
    page.problems.messages.clear()  # the 404s are logged by the browser as console errors


def test_autocomplete_offers_hidden_words_only_to_staff(browser, servers):
    restricted, _, tokens = servers
    for headers, offered in (({}, False), ({HEADER: tokens["internal"]}, True)):
        context = browser.new_context(locale="zh-CN", extra_http_headers=headers)
        page = context.new_page()
        page.goto(restricted + "/")
        box = page.get_by_label("检索词")
        box.press_sequentially("翡翠", delay=50)
        if offered:
            expect(page.get_by_role("option").first).to_contain_text("翡翠湾隧道")
        else:
            page.wait_for_timeout(1500)  # the suggestion request has answered (debounced)
            assert "翡翠湾" not in page.content()
        box.press("Enter")
        page.wait_for_load_state()
        assert ("内部工作要点" in page.content()) is offered
        context.close()


def test_widget_with_a_signed_token_shows_what_it_allows(page, hosts, servers, shot):
    restricted, _, tokens = servers
    token = tokens["embed"]
    url = hosts.add("/signed.html", restricted, restricted, f'data-token="{token}"')
    status = widget_says(page, url, "五星支部")
    expect(status).to_contain_text("分属 1 篇报告")
    titles = page.locator("[data-govsearch] .gsw-title")
    expect(titles.first).to_contain_text("青松镇2023年内部工作要点")
    assert "embed_token=" in titles.first.get_attribute("href")
    shot(page, "widget-signed-token")
    # the host page edits the attributes to widen it: another town only narrows to nothing
    url = hosts.add("/widened.html", restricted, restricted, f'data-token="{token}" data-town="红星镇"')
    status = widget_says(page, url, "五星支部")
    expect(status).to_contain_text("没有找到")
    # a tampered token is refused with the server's message
    body, _, signature = token.partition(".")
    url = hosts.add("/forged.html", restricted, restricted, f'data-token="{body}A.{signature}"')
    status = widget_says(page, url, "五星支部")
    expect(status).to_contain_text("signature")
    page.problems.messages.clear()  # the 401 is logged by the browser as a console error
    # no token, or a public one: the hidden report is not there
    for attrs in ("", f'data-token="{tokens["embed-public"]}"'):
        url = hosts.add("/plain.html", restricted, restricted, attrs)
        status = widget_says(page, url, "翡翠")
        expect(status).to_contain_text("没有找到")
        assert "青松镇" not in page.locator("[data-govsearch]").inner_text()
