"""Fixtures for the web layer: a tiny index written by the tests (with a hostile report),
the sample corpus index, and Flask apps on them.

Test modules take them with ``from webfixtures import *``. They are not in a
``conftest.py`` on purpose: other test modules do ``from conftest import …``, and a
second ``conftest`` module without a package would stand in for theirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import build
from web import create_app

__all__ = ["XSS_IMG", "XSS_SCRIPT", "TINY_REPORTS", "write_reports", "tiny_index", "corpus_index", "app",
           "client", "corpus_client", "empty_client"]


XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

TINY_REPORTS = {
    "hongxing-2021.md": (
        "# 红星镇2021年工作总结\n\n"
        "## 党建引领 凝聚发展合力\n\n"
        "红星镇扎实推动五星支部创建，全面加强基层党组织建设，党员干部作风明显好转。\n\n"
        "## 民生保障 增进群众福祉\n\n"
        "红星镇新建幼儿园两所，改善群众生活，让群众幸福感更可持续。\n\n"
        "记者 张三 文/图\n"
    ),
    "lvye-2022.md": (
        "# 绿野乡2022年生态环境报告\n\n"
        "## 生态环保\n\n"
        "绿野乡持续改善人居环境，整治河道十公里，空气质量明显提升。\n\n"
        "## 项目建设\n\n"
        "绿野乡引进项目三个，五星支部带头推进项目落地，五星支部党员争当先锋。\n"
    ),
    "xss.md": (
        f"# 危险标题{XSS_SCRIPT}\n\n"
        f"## 测试{XSS_IMG}章节\n\n"
        f"五星支部{XSS_SCRIPT}的段落，另有{XSS_IMG}图片，五星支部党建。\n"
    ),
    "metadata.tsv": (
        "file\ttitle\ttown\tcounty\tyear\n"
        "hongxing-2021.md\t\t红星镇\t东山县\t2021\n"
        "lvye-2022.md\t\t绿野乡\t西河县\t2022\n"
        "xss.md\t\t白云镇\t东山县\t2020\n"
    ),
}


def write_reports(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory) -> Path:
    """Three small reports (one full of markup) indexed in a temporary folder."""
    base = tmp_path_factory.mktemp("tiny")
    corpus = write_reports(base / "corpus", TINY_REPORTS)
    build(corpus, base / "index", workers=1)
    return base / "index"


@pytest.fixture(scope="session")
def corpus_index(sample_index) -> Path:
    """The sample corpus/ indexed once per session (tests/conftest.py's ``sample_index``),
    read only."""
    return sample_index


APP_SETTINGS = {
    "TESTING": True,
    "cors_origins": "http://oa.example.gov.cn, https://portal.example.gov.cn:8443",
    "frame_ancestors": "'self' https://portal.example.gov.cn",
}


@pytest.fixture
def app(tiny_index):
    return create_app({**APP_SETTINGS, "index": str(tiny_index)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def corpus_client(corpus_index):
    return create_app({**APP_SETTINGS, "index": str(corpus_index)}).test_client()


@pytest.fixture
def empty_client(tmp_path):
    """An app whose index folder holds no index."""
    return create_app({"TESTING": True, "index": str(tmp_path / "no-index")}).test_client()
