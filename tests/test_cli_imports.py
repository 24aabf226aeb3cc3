"""What a command that needs no index machinery loads: ``govsearch --version`` and
``--help`` must not import the build (Whoosh's writer, the structure parser, the
vocabulary and column writers), or every command pays for it at start."""

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


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["index", "--help"], ["index", "update", "--help"]])
def test_version_and_help_do_not_import_the_build(args):
    code, modules, out = _loaded(*args)
    assert code == 0 and out
    assert not modules & set(BUILD_MODULES), sorted(modules & set(BUILD_MODULES))


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
