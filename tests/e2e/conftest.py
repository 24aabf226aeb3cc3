"""Browser tests: the real app on waitress, driven in Debian's headless Chromium through
the Python ``playwright`` package. No browser is ever downloaded: without a ``chromium``
on PATH (``apt-get install chromium``) these tests skip and say so."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sample_corpus import copy_samples

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE_REPORT = ("# 恶意测试报告<script>alert(1)</script>\n\n## 章节<img src=x onerror=alert(2)>\n\n"
                  "恶意测试段落<script>alert(3)</script>，另有<img src=x onerror=alert(4)>图片。\n")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in a real headless Chromium (Debian's chromium package)")


def chromium_executable() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


@pytest.fixture(scope="session")
def playwright_api():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                   "(pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api, chromium_path):
    browser = playwright_api.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def e2e_index(tmp_path_factory) -> Path:
    """The sample corpus, plus one report full of markup (``hostile``), indexed."""
    from index import build

    base = tmp_path_factory.mktemp("e2e")
    copy_samples(base / "corpus")
    (base / "corpus" / "hostile.md").write_text(HOSTILE_REPORT, encoding="utf-8")
    build(base / "corpus", base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="session")
def base_url(e2e_index):
    """That index served by waitress on a free loopback port."""
    from govsearch.serve import ServerThread
    from web import create_app

    with ServerThread(create_app({"index": str(e2e_index)}), threads=4) as server:
        yield server.url


@pytest.fixture(scope="session")
def axe():
    """axe-core (shipped inside the axe-playwright-python package; never from a CDN):
    ``axe(page)`` returns the violations on the page as readable text, empty when none."""
    sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="axe-playwright-python is not installed (pip install -e '.[test]')")
    engine = sync.Axe()

    def check(page) -> str:
        results = engine.run(page)
        return results.generate_report() if results.violations_count else ""

    return check


class PageProblems:
    """Console errors, CSP violations and uncaught exceptions seen by a page."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", lambda m: self.messages.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.messages.append(f"uncaught: {e}"))

    def assert_none(self):
        assert not self.messages, self.messages


def _page(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.problems = PageProblems(page)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _page(browser, DESKTOP, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture(scope="session")
def shot():
    """Save a screenshot into test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 1000
        return path

    return save
