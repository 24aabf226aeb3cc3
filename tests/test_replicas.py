"""Read replicas: `govsearch index pull` copies the writer's live generation, checks
it against its manifest and only then switches; several replicas behind nginx (each
in its own network namespace as root, else on its own loopback address) serve a
rollout under load with no error and no mixed answer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, write_corpus
from index import build
from index.errors import IndexDamaged
from index.generation.replica import INCOMING, is_remote, pull
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇推进五星支部。\n"


@pytest.fixture
def writer(tmp_path) -> Path:
    build(write_corpus(tmp_path / "corpus", {"a.txt": A}), tmp_path / "writer", workers=1)
    return tmp_path / "writer"


def _live(index: Path) -> str:
    return (index / "CURRENT").read_text().strip()


def test_pull_copies_checks_and_switches_then_has_nothing_to_do(writer, tmp_path):
    replica = tmp_path / "replica"
    report = pull(writer, replica)
    assert report.copied and report.switched and _live(replica) == _live(writer)
    assert Searcher(replica).search("五星支部").total == 1
    again = pull(writer, replica)
    assert not again.copied and not again.switched
    write_corpus(tmp_path / "corpus", {"b.txt": B})
    build(tmp_path / "corpus", writer, workers=1)
    old = _live(replica)
    report = pull(writer, replica)
    assert _live(replica) == _live(writer) != old
    assert Searcher(replica).search("五星支部").total == 2
    assert (replica / old).is_dir()  # the previous generation is kept for readers that have it open


def test_a_copy_that_does_not_match_its_manifest_is_refused_and_nothing_switches(writer, tmp_path):
    replica = tmp_path / "replica"
    pull(writer, replica)
    before = _live(replica)
    write_corpus(tmp_path / "corpus", {"b.txt": B})
    build(tmp_path / "corpus", writer, workers=1)
    damaged = writer / _live(writer) / "documents.json"
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x20  # same size, another byte: only the checksum tells
    damaged.write_bytes(bytes(data))
    with pytest.raises(IndexDamaged, match="does not match its manifest"):
        pull(writer, replica)
    assert _live(replica) == before and Searcher(replica).search("五星支部").total == 1
    assert not list(replica.glob(INCOMING + "*"))  # the refused copy is gone
    assert not (replica / _live(writer)).exists()


def test_a_pull_killed_midway_leaves_nothing_a_later_pull_trips_on(writer, tmp_path):
    replica = tmp_path / "replica"
    cut = replica / (INCOMING + _live(writer))
    cut.mkdir(parents=True)
    (cut / "manifest.json").write_text("{}", encoding="utf-8")  # what a cut copy may hold
    pull(writer, replica)
    assert not cut.exists() and _live(replica) == _live(writer)


def test_remote_sources_are_told_from_local_folders(tmp_path):
    assert is_remote("writer:/srv/govsearch/index") and is_remote("user@10.0.0.5:/srv/index")
    assert not is_remote(str(tmp_path)) and not is_remote("var/index") and not is_remote("C:/index")


def test_the_cli_pulls_and_says_so(writer, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "govsearch", "index", "pull", str(writer), "--index", str(tmp_path / "r")]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    # Chinese first, the English kept in brackets
    assert first.stdout.startswith(f"{_live(writer)}：复制了 ") and "并与清单核对，现已启用 (" in first.stdout
    assert f"({_live(writer)}: copied " in first.stdout and "checked against its manifest; live now)" in first.stdout
    second = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert second.stdout.strip() == f"{_live(writer)} 已在使用中，无需更新 ({_live(writer)} is live already: nothing to do)"
    missing = subprocess.run(cmd[:5] + [str(tmp_path / "nowhere")] + cmd[6:], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and "no index folder at" in missing.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (dev.py test installs nginx-light)")
def test_a_rollout_to_replicas_behind_nginx_under_load_has_no_error_and_no_mixed_answer(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    import replicas

    r = replicas.rollout(tmp_path, replicas=2, clients=3, loopback=os.geteuid() != 0)
    assert r["errors"] == 0 and r["statuses"] == ["200"], r
    assert r["mixed"] == 0  # every answer's total is that of the generation that answered
    assert len(r["totals"]) == 2 and len(set(r["totals"].values())) == 2
    assert r["old_answers"] > 0 and r["new_answers"] > 0  # the rollout happened under load
    assert r["old_after_rollout"] == 0  # and finished: every replica serves the new generation


def test_search_answers_name_the_generation_that_answered(writer):
    from web import create_app

    client = create_app({"index": str(writer), "TESTING": True}).test_client()
    r = client.get("/api/search?q=五星支部")
    assert r.status_code == 200 and r.headers["X-Govsearch-Generation"] == _live(writer)
    assert "generation" not in r.get_json()  # a header: the JSON contract is unchanged
