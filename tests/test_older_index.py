"""A generation written by an older version is refused with the command that rebuilds
it, never read through a compatibility path; ``index update`` rebuilds it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build, update
from index.errors import IndexMissing
from index.generation.generation_format import GENERATION_FORMAT
from search.engine import Searcher

REPORT = "大隗镇2022年政府工作报告\n\n深化五星支部创建，全镇共有党支部二十个。\n"


def _age(index_dir, fmt):
    """Make the live generation look written by another version (format ``fmt``, or none)."""
    info_path = next(index_dir.glob("*/build.json"))
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if fmt is None:
        info.pop("format")
    else:
        info["format"] = fmt
    size = info_path.stat().st_size
    text = json.dumps(info, ensure_ascii=False).encode("utf-8")
    info_path.write_bytes(text.ljust(size))  # the size the generation recorded: not "truncated"
    # an older version wrote no checksums into the manifest (the sizes alone)
    manifest_path = info_path.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.pop("crc32", None)
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return info_path


@pytest.fixture
def built(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": REPORT})
    build(corpus, tmp_path / "index")
    return corpus, tmp_path / "index"


def test_a_new_generation_records_its_format(built):
    _, index_dir = built
    info = json.loads(next(index_dir.glob("*/build.json")).read_text(encoding="utf-8"))
    assert info["format"] == GENERATION_FORMAT
    assert Searcher(index_dir).search("五星支部").total == 1


@pytest.mark.parametrize("fmt", [None, "5.1", "6.0", "7.1"])  # 7.1: before pypinyin's readings were in assist.bin
def test_an_older_generation_is_refused_with_the_rebuild_command(built, fmt):
    _, index_dir = built
    _age(index_dir, fmt)
    with pytest.raises(IndexMissing) as caught:
        Searcher(index_dir).search("五星支部")
    assert "another version of govsearch" in caught.value.message
    assert "govsearch index build" in caught.value.hint


def test_the_cli_names_the_rebuild_command_for_an_older_generation(built):
    _, index_dir = built
    _age(index_dir, None)
    result = CliRunner().invoke(main, ["search", "五星支部", "--index", str(index_dir)])
    assert result.exit_code != 0
    assert "another version of govsearch" in result.output
    assert f"govsearch index build --index {index_dir}" in result.output


def test_update_rebuilds_an_older_generation(built):
    corpus, index_dir = built
    _age(index_dir, "5.1")
    update(corpus, index_dir)
    assert Searcher(index_dir).search("五星支部").total == 1
