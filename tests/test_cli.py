"""The govsearch command, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import copy_samples, write_corpus
from govsearch.cli import main


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def built(sample_index):
    """The samples' index of the session (read only) and its corpus folder."""
    return sample_index.parent / "corpus", sample_index


def test_build_summary(runner, tmp_path):
    corpus = tmp_path / "corpus"
    copy_samples(corpus)
    index = tmp_path / "index"
    first = runner.invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index)])
    assert first.exit_code == 0, first.output
    result = runner.invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index)])
    assert "Indexed 5 reports" in result.output
    assert "indexed 5 / skipped 0 / failed 0" in result.output


def test_update_summary_says_when_nothing_changed(runner, tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, {"a.txt": "青禾镇2023年工作总结\n一、党的建设\n全面开展五星支部创建。\n"})
    index = tmp_path / "index"
    assert runner.invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    same = runner.invoke(main, ["index", "update", "--corpus", str(corpus), "--index", str(index)])
    assert same.exit_code == 0, same.output
    assert "Nothing to update: 1 report" in same.output and "Updated" not in same.output
    (corpus / "b.txt").write_text("白沙镇2023年工作总结\n一、民生\n新建村级道路5公里。\n", encoding="utf-8")
    changed = runner.invoke(main, ["index", "update", "--corpus", str(corpus), "--index", str(index)])
    assert "Updated 2 reports" in changed.output and "re-indexed 1, unchanged 1, removed 0" in changed.output


def test_search_json_contract(built, runner):
    _, index = built
    result = runner.invoke(main, ["search", "五星支部", "--json", "--index", str(index)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"query", "total", "total_docs", "page", "page_size", "facets", "hits"} <= data.keys()
    assert data["query"] == "五星支部" and data["total"] == 3 and data["total_docs"] == 2
    assert set(data["facets"]) == {"topic", "town", "county", "city", "province", "level", "year"}
    assert data["facets"]["year"] == {"2022": 2}
    hit = data["hits"][0]
    assert {"doc_id", "passage_id", "title", "town", "county", "year", "section", "topics", "match",
            "passage", "snippet", "score"} <= hit.keys()
    assert "五星" in result.output  # ensure_ascii=False: Chinese stays readable
    assert all(h["match"] == "exact" for h in data["hits"])


def test_search_human_output_groups_by_town(built, runner):
    _, index = built
    result = runner.invoke(main, ["search", "五星支部", "--index", str(index)])
    out = result.output
    assert result.exit_code == 0
    assert out.count("■ 大隗镇") == 1 and out.count("■ 来集镇") == 1
    assert "§ 聚焦党建引领 把稳高质量发展方向" in out
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal


def test_search_options(built, runner):
    _, index = built
    out = runner.invoke(main, ["search", "项目", "--town", "大隗镇", "--year", "2022", "--limit", "2", "--page", "2",
                               "--json", "--index", str(index)]).output
    data = json.loads(out)
    assert data["page"] == 2 and data["page_size"] == 2 and len(data["hits"]) == 2
    assert set(data["facets"]["town"]) == {"大隗镇"}


def test_show_json(built, runner):
    _, index = built
    data = json.loads(runner.invoke(main, ["show", "xinmi-dawei-2022", "--json", "--index", str(index)]).output)
    assert {"doc_id", "title", "town", "county", "year", "source", "passages"} <= data.keys()
    assert data["source"] == "xinmi-dawei-2022.txt"
    assert {"passage_id", "section", "kind", "text", "topics"} <= data["passages"][0].keys()
    human = runner.invoke(main, ["show", "xinmi-dawei-2022", "--index", str(index)]).output
    assert "聚焦党建引领 把稳高质量发展方向" in human and "[署名]" in human


def test_stats_json(built, runner):
    _, index = built
    data = json.loads(runner.invoke(main, ["index", "stats", "--json", "--index", str(index)]).output)
    assert data["documents"] == 5 and data["passages"] > 100 and data["built_at"]


@pytest.mark.parametrize("args,code,message", [
    (["search", "*"], 2, "empty query"),  # a bad query is a usage error
    (["search", "-五星"], 2, "only exclusions"),
    (["search", "五" * 10_000], 2, "too long"),
    (["show", "no-such-doc"], 1, "no document"),
    (["search", "五星", "--page", "0"], 2, "Invalid value"),
])
def test_errors_are_messages_not_tracebacks(built, runner, args, code, message):
    _, index = built
    result = runner.invoke(main, [*args, "--index", str(index)])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_index_says_what_to_do(runner, tmp_path):
    result = runner.invoke(main, ["search", "五星支部", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no index" in result.output and "govsearch index build" in result.output


def test_build_exit_status(runner, tmp_path):
    good = write_corpus(tmp_path / "good", {"a.txt": "大隗镇\n\n大隗镇推进五星支部创建。\n", "bad.txt": b""})
    result = runner.invoke(main, ["index", "build", "--corpus", str(good), "--index", str(tmp_path / "i1")])
    assert result.exit_code == 0
    assert "skipped bad.txt: empty file" in result.output
    empty = write_corpus(tmp_path / "empty", {"bad.txt": b""})
    result = runner.invoke(main, ["index", "build", "--corpus", str(empty), "--index", str(tmp_path / "i2")])
    assert result.exit_code == 1 and "nothing could be indexed" in result.output


def test_env_vars_set_index_and_corpus(tmp_path, runner):
    corpus = write_corpus(tmp_path / "c", {"a.txt": "来集镇\n\n来集镇持续深化“万人助万企”。\n"})
    env = {"GOVSEARCH_INDEX": str(tmp_path / "envindex"), "GOVSEARCH_CORPUS": str(corpus)}
    assert runner.invoke(main, ["index", "build"], env=env).exit_code == 0
    assert (tmp_path / "envindex" / "CURRENT").exists()
    data = json.loads(runner.invoke(main, ["search", "万人助万企", "--json"], env=env).output)
    assert data["total"] == 1


@pytest.mark.parametrize("args", [[], ["index"], ["index", "build"], ["index", "update"], ["index", "stats"], ["search"], ["show"]])
def test_help_everywhere_with_examples(runner, args):
    result = runner.invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output or "Quick start" in result.output or args == ["index"]


def test_console_script_runs_as_a_subprocess(built):
    _, index = built
    exe = shutil.which("govsearch", path=os.path.dirname(sys.executable))
    assert exe, "the govsearch console script is installed beside this Python"
    proc = subprocess.run([exe, "search", "五星支部", "--json", "--index", str(index)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 3


def test_an_unexpected_error_is_a_message(built, runner, monkeypatch):
    _, index = built

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("search.engine.Searcher.search", broken)
    monkeypatch.delenv("GOVSEARCH_DEBUG", raising=False)
    result = runner.invoke(main, ["search", "五星支部", "--index", str(index)])
    assert result.exit_code == 1
    assert "Internal error: RuntimeError: disk on fire" in result.output
    assert "GOVSEARCH_DEBUG=1" in result.output
    assert "Traceback" not in result.output
