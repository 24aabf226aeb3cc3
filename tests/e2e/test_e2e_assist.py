"""Query assistance in headless Chromium: did you mean, pinyin, synonyms with their off
switch, and suggestions as you type driven by the keyboard (page, /embed, widget)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sample_corpus import copy_samples

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect

RIVER_REPORT = ("# 清水镇河湖治理报告\n\n## 河湖治理\n\n清水镇全面推行河长制，落实河长巡河。\n\n"
                "清水镇深化河湖长制改革，河湖长制覆盖全部河道。\n\n河湖长制工作获省级表彰。\n")


@pytest.fixture(scope="module")
def assist_url(tmp_path_factory):
    from govsearch.serve import ServerThread
    from index import build
    from web import create_app

    base = tmp_path_factory.mktemp("e2e-assist")
    copy_samples(base / "corpus")
    (base / "corpus" / "river.md").write_text(RIVER_REPORT, encoding="utf-8")
    build(base / "corpus", base / "index", workers=1)
    with ServerThread(create_app({"index": str(base / "index")}), threads=4) as server:
        yield server.url


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def search_for(page, url, q):
    page.goto(url + "/?q=" + q)
    page.wait_for_load_state()


def test_did_you_mean_five_star_branch(page, assist_url, shot):
    search_for(page, assist_url, "五心支部")
    note = page.locator("p.assist-dym")
    expect(note).to_contain_text("您是不是要找：五星支部（3 段）")
    expect(page.locator("li.passage")).to_have_count(0)  # suggested, not rewritten
    shot(page, "assist-did-you-mean")
    note.get_by_role("link", name="五星支部").click()
    page.wait_for_load_state()
    assert params(page.url)["q"] == ["五星支部"]
    expect(page.locator("li.passage")).to_have_count(3)
    page.problems.assert_none()


def test_pinyin_finds_the_five_star_branch_passages(page, assist_url):
    search_for(page, assist_url, "五星支部")
    chinese = page.locator("li.passage").all_inner_texts()
    search_for(page, assist_url, "wuxingzhibu")
    expect(page.locator("p.assist-pinyin")).to_contain_text("按拼音检索了：五星支部")
    expect(page.locator("li.passage")).to_have_count(3)
    assert page.locator("li.passage").all_inner_texts() == chinese
    page.problems.assert_none()


def test_river_chief_also_finds_the_river_and_lake_chief_with_an_off_switch(page, assist_url, shot):
    search_for(page, assist_url, "河长制")
    line = page.locator("p.assist-synonyms")
    expect(line).to_contain_text("同时搜索了：河湖长制")
    passages = page.locator("li.passage")
    expect(passages).to_have_count(3)
    expect(passages.first.locator("mark")).to_have_text("河长制")  # the literal hit first
    expect(passages.nth(1).locator("mark").first).to_have_text("河湖长制")
    shot(page, "assist-synonyms")
    line.get_by_role("link", name="只搜原词").click()
    page.wait_for_load_state()
    assert params(page.url) == {"q": ["河长制"], "synonyms": ["0"]}
    expect(page.locator("li.passage")).to_have_count(1)
    expect(page.locator("p.assist-synonyms")).to_contain_text("未搜索同义词")
    page.problems.assert_none()


def test_autocomplete_with_the_keyboard(page, assist_url, shot):
    page.goto(assist_url + "/")
    box = page.get_by_role("combobox", name="检索词")
    box.click()
    box.press_sequentially("五星", delay=40)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("五星支部")
    expect(box).to_have_attribute("aria-expanded", "true")
    shot(page, "assist-autocomplete", full_page=False)
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")  # opens the list again, on the first option
    expect(first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/?q=*")
    assert params(page.url)["q"] == ["五星支部"]
    expect(page.locator("li.passage")).to_have_count(3)
    page.problems.assert_none()


def test_typing_fast_makes_few_suggest_requests(page, assist_url):
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/suggest" in r.url else None)
    page.goto(assist_url + "/")
    box = page.get_by_role("combobox", name="检索词")
    box.press_sequentially("人居环境整治", delay=20)
    expect(page.get_by_role("listbox")).to_be_visible()
    assert 1 <= len(requests) <= 2, requests  # debounced, not one request per character


def test_autocomplete_in_embed_and_widget(page, assist_url):
    page.goto(assist_url + "/embed")
    box = page.get_by_role("combobox")
    box.press_sequentially("wxzb", delay=30)
    expect(page.get_by_role("listbox").get_by_role("option").first).to_contain_text("五星支部")
    page.goto(assist_url + "/static/example-host.html")
    widget = page.locator("[data-govsearch]")
    wbox = widget.get_by_role("combobox")
    wbox.press_sequentially("人居", delay=30)
    option = widget.get_by_role("listbox").get_by_role("option").first
    expect(option).to_contain_text("人居环境")
    chosen = option.locator(".gss-text").inner_text()
    wbox.press("ArrowDown")
    wbox.press("Enter")
    expect(widget.get_by_role("listbox")).to_be_hidden()
    assert wbox.input_value() == chosen
    expect(widget.locator("li.gsw-hit").first).to_be_visible()
    expect(widget.locator("li.gsw-hit mark").first).to_contain_text(chosen)
    page.problems.assert_none()


def test_without_javascript_the_box_is_a_plain_form(nojs_page, assist_url):
    nojs_page.goto(assist_url + "/")
    nojs_page.get_by_label("检索词").fill("河长制")
    nojs_page.get_by_role("button", name="搜索").click()
    nojs_page.wait_for_load_state()
    expect(nojs_page.locator("p.assist-synonyms")).to_contain_text("同时搜索了")
    expect(nojs_page.locator("li.passage")).to_have_count(3)
