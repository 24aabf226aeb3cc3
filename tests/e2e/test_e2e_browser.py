"""End to end in headless Chromium: what government staff and intranet pages see."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.e2e

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect


def url_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def search_for(page, base_url, q: str):
    page.goto(base_url + "/")
    page.get_by_label("检索词").fill(q)
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()


def test_search_five_star_branch_shows_three_passages_in_two_towns(page, base_url, shot):
    search_for(page, base_url, "五星支部")
    assert url_params(page.url) == {"q": ["五星支部"]}
    passages = page.locator("li.passage")
    expect(passages).to_have_count(3)
    for i in range(3):
        marks = passages.nth(i).locator("mark")
        assert marks.count() >= 1
        expect(marks.first).to_be_visible()
        assert "".join(marks.all_inner_texts()).count("五星") >= 1
    towns = page.locator("li.report .town").all_inner_texts()
    assert sorted(towns) == ["大隗镇", "来集镇"]
    expect(page.locator("p.summary")).to_contain_text("找到 3 段")
    # marked text is visibly highlighted
    background = page.locator("li.passage mark").first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(page, "search-desktop")
    page.problems.assert_none()


def test_topic_facet_filters_and_unfilters_through_the_url(page, base_url, shot):
    search_for(page, base_url, "五星支部")
    facets = page.locator("form.facets")
    box = facets.get_by_label("党建")
    expect(box).not_to_be_checked()
    box.check()  # with JavaScript a tick applies at once
    page.wait_for_url("**topic=*")
    assert url_params(page.url) == {"q": ["五星支部"], "topic": ["党建"]}
    expect(page.locator("form.facets").get_by_label("党建")).to_be_checked()
    expect(page.locator(".active-filters .chip")).to_contain_text("主题：党建")
    expect(page.locator("li.passage")).to_have_count(3)
    shot(page, "facet-active")

    page.locator("form.facets").get_by_label("党建").uncheck()
    page.wait_for_url(lambda url: "topic=" not in url)
    assert url_params(page.url) == {"q": ["五星支部"]}
    expect(page.locator("form.facets").get_by_label("党建")).not_to_be_checked()
    expect(page.locator(".active-filters")).to_have_count(0)

    page.go_back()
    page.wait_for_load_state()
    assert url_params(page.url)["topic"] == ["党建"]
    expect(page.locator("form.facets").get_by_label("党建")).to_be_checked()

    page.locator("form.facets").get_by_label("大隗镇").check()
    page.wait_for_url("**town=*")
    assert url_params(page.url) == {"q": ["五星支部"], "topic": ["党建"], "town": ["大隗镇"]}
    expect(page.locator("li.passage")).to_have_count(2)
    page.problems.assert_none()


def test_open_a_document_with_the_match_highlighted_and_in_view(page, base_url, shot):
    search_for(page, base_url, "五星支部")
    report = page.locator("li.report", has=page.locator(".town", has_text="大隗镇"))
    report.locator("h3 a").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/docs/xinmi-dawei-2022"
    assert urlsplit(page.url).fragment == "first-match"
    expect(page.locator("h1")).to_have_text("实施“五大提升” 建设“一镇五区”")
    first = page.locator("mark#first-match")
    expect(first).to_be_visible()
    expect(first).to_be_in_viewport()
    assert "".join(page.locator(".doc-body mark").all_inner_texts()).count("五星") >= 2
    expect(page.locator("nav.toc a").first).to_be_visible()
    expect(page.locator("p.caption").first).to_contain_text("图片说明")
    expect(page.locator("p.byline").first).to_contain_text("署名")
    shot(page, "document-desktop", full_page=False)

    page.get_by_role("link", name="← 返回检索结果：“五星支部”").click()
    page.wait_for_load_state()
    assert url_params(page.url) == {"q": ["五星支部"]}
    page.problems.assert_none()


def test_passage_link_scrolls_to_that_passage(page, base_url):
    search_for(page, base_url, "五星支部")
    link = page.locator("li.report", has=page.locator(".town", has_text="来集镇")).locator("a.open-doc").first
    link.click()
    page.wait_for_load_state()
    fragment = urlsplit(page.url).fragment
    assert fragment.startswith("xinmi-laiji:")
    target = page.locator(f"[id='{fragment}']")
    expect(target).to_be_in_viewport()
    expect(target.locator("mark").first).to_be_visible()


def test_widget_in_the_example_host_page_shows_live_results(page, base_url, shot):
    page.goto(base_url + "/static/example-host.html")
    widget = page.locator("[data-govsearch]")
    box = widget.get_by_label("检索工作报告")
    expect(box).to_be_visible()
    box.press_sequentially("五星支部")  # typing, no submit: results come live
    hits = widget.locator("li.gsw-hit")
    expect(hits).to_have_count(3)
    expect(widget.locator("[role=status]")).to_have_text("找到 3 段，分属 2 篇报告")
    assert sorted({t.split(" · ")[0] for t in widget.locator(".gsw-meta").all_inner_texts()}) == ["大隗镇", "来集镇"]
    expect(hits.first.locator("mark").first).to_be_visible()
    href = hits.first.locator("a.gsw-title").get_attribute("href")
    assert href.startswith(base_url + "/docs/") and "q=" in href

    frame = page.frame_locator("iframe.embed-frame")
    expect(frame.locator("li.report")).to_have_count(2)
    expect(frame.locator("mark").first).to_be_visible()
    shot(page, "widget-example-host")

    box.fill("")
    expect(hits).to_have_count(0)
    page.problems.assert_none()


def test_search_works_without_javascript(nojs_page, base_url):
    page = nojs_page
    search_for(page, base_url, "五星支部")
    expect(page.locator("li.passage")).to_have_count(3)
    page.locator("form.facets").get_by_label("来集镇").check()  # no script: nothing happens until the button
    page.get_by_role("button", name="应用筛选").click()
    page.wait_for_load_state()
    expect(page.locator("li.passage")).to_have_count(1)
    page.locator("nav.sort a", has_text="年份").click()
    page.wait_for_load_state()
    assert url_params(page.url) == {"q": ["五星支部"], "town": ["来集镇"], "sort": ["year"]}


def test_phone_layout(phone_page, base_url, shot):
    page = phone_page
    page.goto(base_url + "/?q=五星支部")
    expect(page.locator("li.passage")).to_have_count(3)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    panel = page.locator("details.facet-panel")
    expect(panel).not_to_have_attribute("open", "")  # folded so that results come first
    expect(page.locator("li.report").first).to_be_in_viewport()
    shot(page, "search-phone")
    panel.locator("summary").click()
    expect(page.locator("form.facets").get_by_label("党建")).to_be_visible()
    page.goto(base_url + "/docs/xinmi-dawei-2022?q=五星支部#first-match")
    expect(page.locator("mark#first-match")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot(page, "document-phone", full_page=False)
    page.problems.assert_none()


def test_keyboard_skip_link_and_visible_focus(page, base_url):
    page.goto(base_url + "/?q=五星支部")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "q"  # the search box is the first control of the main content
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_markup_in_reports_shows_as_text_and_never_runs(page, base_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/?q=恶意测试", "/docs/hostile?q=恶意测试", "/embed?q=恶意测试"):
        page.goto(base_url + path)
        expect(page.locator("main")).to_contain_text("<script>alert(")
        expect(page.locator("main")).to_contain_text("<img src=x onerror=alert(")
        assert page.locator("main img").count() == 0
        assert page.locator("main script").count() == 0
    expect(page.locator("mark").first).to_have_text("恶意测试")
    page.goto(base_url + "/static/example-host.html")
    page.locator("[data-govsearch] input").fill("恶意测试")
    expect(page.locator("[data-govsearch] .gsw-results")).to_contain_text("<script>alert(3)</script>")
    expect(page.locator("[data-govsearch] .gsw-results")).to_contain_text("<img src=x onerror=alert(4)>")
    assert page.locator("[data-govsearch] img, [data-govsearch] script").count() == 0
    assert dialogs == []
    assert page.evaluate("typeof window.alert") == "function"


def test_csp_blocks_inline_script(page, base_url):
    """Even a script element that got into the page would not run: the policy refuses it."""
    page.goto(base_url + "/?q=五星支部")
    outcome = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
        if (window.__ran) resolve('ran');
    })""")
    assert outcome.startswith("script-src")
    assert page.evaluate("window.__ran === undefined")
