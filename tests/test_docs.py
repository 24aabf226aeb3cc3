"""The README stays true: commands, options, settings, and the CI command."""

from __future__ import annotations

import re

import click
import pytest

from conftest import ROOT, docs_text
from govsearch.cli import main

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = docs_text()


def _commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # commands loaded on demand (serve) included
        cmd = group.get_command(ctx, name)
        path = (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path)
        else:
            yield path, cmd


@pytest.mark.parametrize("path,cmd", list(_commands(main)), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_and_option_is_documented(path, cmd):
    docs = DOCS
    assert f"govsearch {' '.join(path)}" in docs
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert any(opt in docs for opt in param.opts), f"{' '.join(path)} {param.opts} is not in the docs"
            names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
            for name in names:  # every environment variable an option reads is documented
                assert name in docs, f"{' '.join(path)}: {name} is not in the docs"


def test_readme_is_short_and_points_to_every_docs_file():
    assert len(README.splitlines()) <= 250
    for path in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{path.name}" in README, f"the README does not point to docs/{path.name}"


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python3 dev.py run", "python3 dev.py test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec python3 dev\.py test$", ci, re.M)


def test_json_contract_fields_are_documented():
    for field in ("query", "total", "total_docs", "page", "page_size", "facets", "hits", "doc_id", "passage_id",
                  "title", "town", "county", "year", "section", "topics", "match", "passage", "snippet", "score"):
        assert f'"{field}"' in DOCS


def test_shipped_data_files_are_documented():
    for name in ("topics.txt", "userdict.txt", "places.txt", "metadata.tsv"):
        assert name in DOCS
