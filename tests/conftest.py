"""Shared fixtures: tiny corpora built in temporary folders, and the sample corpus index."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

import pytest
from sample_corpus import SAMPLE_CORPUS, SAMPLE_FILES, copy_samples  # noqa: F401  (the tests' names)

from index import build
from search.engine import Searcher

ROOT = Path(__file__).resolve().parent.parent
REAL_CORPUS = ROOT.parent / "shared" / "corpus-real"

# A Flask app refers to itself (its views, its config), so the searcher of an app a test
# drops keeps its ~34 mapped files open until the cycle collector runs; a long
# single-process run (`-n 0`) then passed 1,024 descriptors, past which waitress's
# select() fails. A server holds one app for its life, so this is the suite's concern.
FD_COLLECT_AT = 256
_FD_DIR = "/proc/self/fd"


def pytest_runtest_teardown(item, nextitem):
    if os.path.isdir(_FD_DIR) and len(os.listdir(_FD_DIR)) > FD_COLLECT_AT:
        gc.collect()


def docs_text() -> str:
    """The README and the docs/ tree, read as one text: a command, option, setting or
    example may be documented in either."""
    parts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(parts)


def write_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative name: text or bytes}`` into ``folder`` (text as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return folder


@pytest.fixture
def make_index(tmp_path):
    """Build an index from ``{name: content}`` and return a Searcher on it."""

    def make(files: dict[str, str | bytes], **kwargs) -> Searcher:
        corpus = write_corpus(tmp_path / "corpus", files)
        index_dir = tmp_path / "index"
        build(corpus, index_dir, **kwargs)
        return Searcher(index_dir)

    return make


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The five sample reports of corpus/, indexed once per test session."""
    base = tmp_path_factory.mktemp("sample")
    build(copy_samples(base / "corpus"), base / "index")
    return base / "index"


@pytest.fixture(scope="session")
def sample(sample_index) -> Searcher:
    return Searcher(sample_index)


@pytest.fixture(scope="session")
def real_corpus_slice(tmp_path_factory) -> Path:
    """An index of every 8th report of ../shared/corpus-real (about 40 reports)."""
    if not REAL_CORPUS.is_dir():
        pytest.skip(f"{REAL_CORPUS} is absent: the real corpus ships beside the project only on developer machines")
    base = tmp_path_factory.mktemp("real")
    corpus = base / "corpus"
    corpus.mkdir()
    for path in sorted(REAL_CORPUS.glob("*.txt"))[::8]:
        shutil.copy(path, corpus / path.name)
    build(corpus, base / "index")
    return base / "index"


def all_hits(searcher: Searcher, query: str, **kwargs) -> list:
    """Every hit of a query, over all pages."""
    hits, page = [], 1
    while True:
        res = searcher.search(query, page=page, page_size=100, **kwargs)
        hits.extend(res.hits)
        if page >= res.pages:
            return hits
        page += 1
