"""The govsearch command in pipes and scripts, as a real subprocess with real pipes:
a reader that stops early ends it quietly with status 0; --json is complete or absent;
exit statuses 0 ok, 1 failure, 2 usage."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, write_corpus
from index import build

PARAGRAPH = ("第{n}段：镇党委扎实推动五星支部创建，持续深化万人助万企活动，人居环境整治取得新成效，"
             "全镇新增市场主体一千余家，新建高标准农田三万亩，乡村振兴示范村建设扎实推进。\n\n")


@pytest.fixture(scope="module")
def big_index(tmp_path_factory):
    """Enough matching passages that the output is far larger than a pipe's buffer."""
    base = tmp_path_factory.mktemp("pipes")
    files = {f"r{k:02d}.txt": f"第{k}镇工作总结\n\n" + "".join(PARAGRAPH.format(n=n) for n in range(150))
             for k in range(20)}
    files.update({f"empty{k:04d}-with-a-rather-long-name-for-the-listing.txt": "" for k in range(1500)})
    corpus = write_corpus(base / "corpus", files)
    build(corpus, base / "index", workers=1)
    return base / "index"


def govsearch(*args: str) -> list[str]:
    return [sys.executable, "-m", "govsearch.cli", *args]


ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _pipe_into(cmd: list[str], reader: list[str]):
    """``cmd | reader``: returns (cmd's exit status, cmd's stderr, reader's stdout)."""
    producer = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    consumer = subprocess.Popen(reader, stdin=producer.stdout, stdout=subprocess.PIPE)
    producer.stdout.close()  # only the reader holds the pipe now
    out, _ = consumer.communicate(timeout=120)
    err = producer.stderr.read().decode("utf-8", "replace")
    return producer.wait(timeout=120), err, out.decode("utf-8", "replace")


@pytest.mark.parametrize("args", [
    ["search", "五星支部", "--limit", "100"],
    ["search", "五星支部", "--limit", "100", "--json"],
    ["index", "stats"],
    ["index", "stats", "--json"],
], ids=" ".join)
def test_head_ends_the_command_quietly_with_status_0(big_index, args):
    status, err, out = _pipe_into(govsearch(*args, "--index", str(big_index)), ["head", "-3"])
    assert len(out.splitlines()) == 3
    assert status == 0, err
    assert "Error" not in err and "BrokenPipe" not in err and "Traceback" not in err, err


def test_output_is_larger_than_the_pipe_buffer(big_index):
    """(So that the test above really closes the pipe while the command writes.)"""
    out = subprocess.run(govsearch("index", "stats", "--index", str(big_index)), capture_output=True, env=ENV,
                         check=True).stdout
    assert len(out) > 100 * 1024  # a Linux pipe holds 64 KiB
    out = subprocess.run(govsearch("search", "五星支部", "--limit", "100", "--json", "--index", str(big_index)),
                         capture_output=True, env=ENV, check=True).stdout
    assert len(out) > 80 * 1024


def test_a_pipe_closed_before_anything_is_written(big_index):
    proc = subprocess.Popen(govsearch("search", "五星支部", "--index", str(big_index)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 0
    assert err == ""


def test_json_output_is_complete(big_index):
    out = subprocess.run(govsearch("search", "五星支部", "--limit", "100", "--json", "--index", str(big_index)),
                         capture_output=True, env=ENV, check=True).stdout
    data = json.loads(out)
    assert data["total"] == 3000 and len(data["hits"]) == 100
    assert out.endswith(b"}\n")


@pytest.mark.parametrize("args,status,stderr_has", [
    (["search", "五星支部", "--json"], 0, ""),
    (["search"], 2, "empty query"),
    (["search", "*", "--json"], 2, "empty query"),
    (["search", "五星", "--limit", "0"], 2, "Invalid value"),
    (["index", "stats", "--no-such-option"], 2, "No such option"),
    (["search", "五星支部", "--limt", "5"], 2, "no such option: --limt"),
    (["search", "五星支部", "-来集镇", "--json"], 0, ""),
    (["show", "no-such-doc", "--json"], 1, "no document"),
    (["nonsense"], 2, "No such command"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
def test_exit_statuses(big_index, args, status, stderr_has):
    proc = subprocess.run(govsearch(*args, "--index", str(big_index)), capture_output=True, env=ENV)
    assert proc.returncode == status, proc.stderr
    err = proc.stderr.decode("utf-8", "replace")
    assert stderr_has in err
    assert "Traceback" not in err and "Internal error" not in err
    if status:
        assert proc.stdout == b""  # --json: absent on an error, never half a document


def test_missing_index_is_a_failure_with_no_json_on_stdout(tmp_path):
    for args in (["search", "五星支部", "--json"], ["index", "stats", "--json"], ["show", "x", "--json"]):
        proc = subprocess.run(govsearch(*args, "--index", str(tmp_path / "none")), capture_output=True, env=ENV)
        assert proc.returncode == 1 and proc.stdout == b""
        assert "no index" in proc.stderr.decode()


def test_the_search_package_does_not_import_the_web_layer():
    """No search ↔ web import cycle: `serve` is loaded only when it is run or listed."""
    code = ("import sys, govsearch.cli; bad = sorted(m for m in sys.modules if m == 'web' or m.startswith('web.')); "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = subprocess.run(govsearch("--help"), capture_output=True, text=True, env=ENV)
    assert "serve" in listed.stdout
