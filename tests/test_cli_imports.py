"""What a command that needs no index machinery loads: ``govsearch --version`` and
``--help`` must not import the build (Whoosh's writer, the structure parser, the
vocabulary and column writers), nor the search engine, numpy, Whoosh or jieba, or every
command pays for them at start; ``index update`` with nothing changed decides so from the
index's records before any of them is imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BUILD_MODULES = ("index.generation.build", "index.generation.whoosh_writer", "index.generation.corpus_state",
                 "index.reading.structure", "whoosh.writing", "whoosh.index")

PROBE = """
import json, sys
from govsearch.cli import main
try:
    main(sys.argv[1:], prog_name="govsearch")
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[int, set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    record = json.loads(done.stderr.strip().splitlines()[-1])
    return record["code"], set(record["modules"]), done.stdout


# what neither --version nor an update with nothing to do needs
HEAVY_MODULES = ("numpy", "jieba", "pypinyin", "index.analysis", "index.reading.metadata", "search.engine",
                 "index.generation.lifecycle", "multiprocessing", "index.reading.formats.page_image",
                 "index.reading.formats.pdf", "index.reading.formats.docx", "index.reading.formats.html",
                 "index.reading.formats.image", "index.reading.formats.legacy")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["index", "--help"], ["index", "update", "--help"],
                                  ["search", "--help"]])
def test_version_and_help_do_not_import_the_build(args):
    code, modules, out = _loaded(*args)
    assert code == 0 and out
    assert not modules & set(BUILD_MODULES), sorted(modules & set(BUILD_MODULES))
    assert not modules & set(HEAVY_MODULES), sorted(modules & set(HEAVY_MODULES))
    if args == ["--version"]:
        assert not any(m == "whoosh" or m.startswith("whoosh.") for m in modules)


def test_an_update_with_nothing_changed_imports_neither_the_build_nor_the_analyzer(tmp_path):
    from conftest import write_corpus
    from index import build

    corpus = write_corpus(tmp_path / "c", {"a.txt": "大隗镇工作总结\n\n扎实推动五星支部创建。\n",
                                           "b.txt": "来集镇工作总结\n\n持续深化万人助万企。\n"})
    build(corpus, tmp_path / "i", workers=1)  # from Python, with its defaults: the command's settings
    code, modules, out = _loaded("index", "update", "--index", str(tmp_path / "i"))
    assert code == 0 and "Nothing to update" in out, out
    build_modules = set(BUILD_MODULES) - {"index.generation.corpus_state"}  # its record is what it decides from
    assert "index.generation.corpus_state" in modules and not modules & build_modules, sorted(modules & build_modules)
    assert not modules & set(HEAVY_MODULES), sorted(modules & set(HEAVY_MODULES))
    (corpus / "b.txt").write_text("来集镇工作总结\n\n持续深化万人助万企，服务企业。\n", encoding="utf-8")
    code, modules, out = _loaded("index", "update", "--index", str(tmp_path / "i"))
    assert code == 0 and "Updated" in out and "index.generation.build" in modules, out  # changed: the long way


def test_the_engine_is_still_reachable_from_the_package():
    code = ("import search, sys; assert 'search.engine' not in sys.modules; "
            "from search import Searcher, search as run, parse_query, Hit, Results, ParsedQuery, searcher_for; "
            "import search.engine as e; assert (Searcher, run, searcher_for) == (e.Searcher, e.search, e.searcher_for); "
            "from search.options import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE; "
            "assert (e.DEFAULT_PAGE_SIZE, e.MAX_PAGE_SIZE) == (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    with pytest.raises(AttributeError):
        import search

        search.no_such_name  # noqa: B018


def test_the_build_is_still_reachable_from_the_package():
    code = ("import index, sys; assert 'index.generation.build' not in sys.modules; "
            "from index import build, update, BuildReport, GovsearchError; "
            "import index.generation.build as b; "
            "assert (build, update, BuildReport) == (b.build, b.update, b.BuildReport); "
            "assert sorted(index.__all__) == ['BuildReport', 'GovsearchError', 'build', 'update']")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    with pytest.raises(AttributeError):
        import index

        index.no_such_name  # noqa: B018
