"""Home, results, comparison and report pages of the samples and of a slice of the real
national and provincial reports (../shared/corpus-real), at 1,280 px and at 390 px: no
horizontal page scroll, and no place called unknown where the index knows it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import DESKTOP, PHONE, ROOT, _page

REAL = ROOT.parent / "shared" / "corpus-real"
UNKNOWN_WORDS = ("乡镇不详", "未知乡镇", "省份不详", "town unknown", "县市区不详")
pytestmark = pytest.mark.e2e


def _real_slice() -> list[Path]:
    """National reports across the decades, several years of one province, and the
    provinces of one year: many places × many years."""
    files = sorted(REAL.glob("*.txt"))
    national = [f for f in files if f.name.startswith("china_")][::6]
    shandong = [f for f in files if f.name.startswith("shandong_")][::5]
    provinces = [f for f in files if not f.name.startswith(("china_", "shandong_"))][:16]
    return national + shandong + provinces


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    if not REAL.is_dir():
        pytest.skip("../shared/corpus-real is not here: the real-corpus pages are not checked")
    from govsearch.serve import ServerThread
    from index import build
    from web import create_app

    base = tmp_path_factory.mktemp("e2e-real")
    corpus = base / "corpus"
    corpus.mkdir()
    for f in _real_slice():  # a temporary copy for this test run only
        shutil.copy2(f, corpus / f.name)
    build(corpus, base / "index", workers=1)
    with ServerThread(create_app({"index": str(base / "index")}), threads=4) as server:
        yield server.url


def _pages(base: str, query: str, doc_id: str) -> dict[str, str]:
    q = quote(query)
    return {"home": f"{base}/", "results": f"{base}/?q={q}", "compare": f"{base}/compare?q={q}",
            "document": f"{base}/docs/{doc_id}?q={q}"}


def _check(browser, url: str, viewport: dict, name: str, shot) -> str:
    context, page = _page(browser, viewport)
    try:
        page.goto(url, timeout=90_000)  # the first search of a busy machine loads the assistance tables
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        shot(page, name, full_page=False)  # the window as seen: a full-page shot of a long page takes long
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window"
        text = page.inner_text("body")
        page.problems.assert_none()
    finally:
        context.close()
    for word in UNKNOWN_WORDS:
        assert word not in text, f"{name}: says {word}"
    return text


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_sample_pages_fit_the_window_and_name_every_place(browser, base_url, shot, viewport):
    width = viewport["width"]
    texts = {name: _check(browser, url, viewport, f"any-sample-{name}-{width}", shot)
             for name, url in _pages(base_url, "人居环境", "xinmi-dawei-2022").items()}
    assert re.search(r"已收录 \d+ 篇报告 · .* 个乡镇", texts["home"])
    assert "大隗镇" in texts["results"] and "大隗镇" in texts["compare"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_real_corpus_pages_fit_the_window_and_name_every_place(browser, real_url, shot, viewport):
    width = viewport["width"]
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(f"{real_url}/api/search?q=%E7%B2%AE%E9%A3%9F&page_size=1", timeout=90_000)
        doc_id = page.evaluate("JSON.parse(document.body.innerText).hits[0].doc_id")
    finally:
        context.close()
    texts = {name: _check(browser, url, viewport, f"any-real-{name}-{width}", shot)
             for name, url in _pages(real_url, "粮食", doc_id).items()}
    assert re.search(r"\d+ 篇报告 · \d+ 个省份", texts["home"])
    assert "全国" in texts["results"] and "全国" in texts["compare"]
    assert "乡镇工作报告" not in texts["home"]


def test_real_comparison_table_scrolls_inside_its_box(browser, real_url):
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(f"{real_url}/compare?q=%E7%B2%AE%E9%A3%9F", timeout=90_000)
        box = page.evaluate("""() => { const w = document.querySelector('.compare-table-wrap');
            const t = w.querySelector('table'); return [w.clientWidth, t.scrollWidth, w.scrollWidth]; }""")
        assert box[0] <= DESKTOP["width"]
        years = page.evaluate("[...document.querySelectorAll('.compare-table thead th')].length")
        assert years >= 10  # many years: the table is wider than its box and scrolls there, not the page
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert page.locator(".compare-table td.gap").count() > 0  # years without a report of a place: gaps
    finally:
        context.close()
