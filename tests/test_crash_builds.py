"""Crash-proof builds, with real build processes killed and interrupted.

Workers (the analysis pool and Whoosh's sub-writers) die with their parent, the build
lock is released by the kernel when its holder dies, SIGINT/SIGTERM end a build and
leave the live index as it was, and leftover cleanup never deletes a complete
generation that CURRENT or a reader may need."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, write_corpus
from index import build
from index.errors import BuildLocked
from index.generation import store
from search.engine import Searcher

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups read from /proc (Linux)")

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
WORDS = "五星支部 万人助万企 人居环境 乡村振兴 高质量发展 项目建设 党建引领 营商环境 基层治理 产业升级".split()
A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"


def _big_corpus(folder, files=240, paragraphs=60):
    """A corpus that a 2-worker build takes several seconds on (pool + Whoosh sub-writers)."""
    rnd = random.Random(7)
    texts = {}
    for n in range(files):
        body = "\n\n".join("，".join(rnd.choice(WORDS) for _ in range(30)) + "。" for _ in range(paragraphs))
        texts[f"r{n:03d}.txt"] = f"第{n}镇工作总结\n\n{body}\n"
    return write_corpus(folder, texts)


def _group(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == pgid:
                found.append(int(entry))
    return found


def _start_build(corpus, index, workers=2) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "govsearch.cli", "index", "build", "--corpus", str(corpus),
                             "--index", str(index), "--workers", str(workers), "--replace-corpus"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, start_new_session=True)


def _wait_for(predicate, timeout=120.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def _gone(pgid, timeout=15.0) -> list[int]:
    _wait_for(lambda: not _group(pgid), timeout)
    return _group(pgid)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    return _big_corpus(base / "corpus")


def _live_index(tmp_path):
    """A small live index (the big build replaces its corpus, and is killed)."""
    corpus = write_corpus(tmp_path / "small", {"a.txt": A})
    index = tmp_path / "index"
    build(corpus, index, workers=1)
    return corpus, index, (index / "CURRENT").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["generation created", "workers running", "sub-writers running"])
def test_kill_9_leaves_no_orphan_and_no_lock(big, tmp_path, moment):
    small, index, live = _live_index(tmp_path)
    proc = _start_build(big, index)
    if moment == "generation created":
        ready = lambda: len(list(index.glob("gen-*"))) >= 2  # noqa: E731
    elif moment == "workers running":
        ready = lambda: len(_group(proc.pid)) >= 3  # noqa: E731
    else:  # the pool (2) and Whoosh's sub-writers (2) besides the parent
        ready = lambda: len(_group(proc.pid)) >= 5  # noqa: E731
    assert _wait_for(ready), f"the build never reached '{moment}'"
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.kill()
    proc.wait()
    assert _gone(proc.pid) == [], "worker processes outlived the killed build"
    assert (index / "CURRENT").read_text() == live
    assert Searcher(index).search("五星支部").total == 1  # the old index serves
    # the lock went with its holder: the next build runs at once and succeeds
    assert build(small, index, workers=1).documents == 1


@pytest.mark.slow
@pytest.mark.parametrize("signum,status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"])
def test_sigterm_and_sigint_end_a_build_and_leave_the_index_as_it_was(big, tmp_path, signum, status):
    _, index, live = _live_index(tmp_path)
    before = sorted(p.name for p in index.glob("gen-*"))
    proc = _start_build(big, index)
    assert _wait_for(lambda: len(_group(proc.pid)) >= 5), "the build never started its workers"
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=30)  # a hang detector, not a speed target
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build did not end after the signal")
    assert proc.returncode == status, err
    assert b"the index was left as it was" in err and b"Traceback" not in err
    assert _gone(proc.pid) == []
    assert (index / "CURRENT").read_text() == live
    assert sorted(p.name for p in index.glob("gen-*")) == before  # its new generation was removed
    with store.build_lock(index):  # released
        pass


def test_workers_forked_while_the_lock_is_held_do_not_keep_it(tmp_path):
    """A child of the lock holder (as a pool worker is) closes its copy of the lock:
    once the holder releases it (or dies), nobody else holds it."""
    code = r"""
import multiprocessing, sys, time
from pathlib import Path
from index.generation import store, lifecycle  # lifecycle installs the after-fork guard
def child():
    time.sleep(60)
with store.build_lock(Path(sys.argv[1])):
    p = multiprocessing.get_context("fork").Process(target=child, daemon=False)
    p.start()
    print(p.pid, flush=True)
    time.sleep(60)
"""
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "index")], stdout=subprocess.PIPE,
                            env=ENV, start_new_session=True, text=True)
    try:
        child = int(proc.stdout.readline())
        with pytest.raises(BuildLocked):  # held by the parent
            with store.build_lock(tmp_path / "index"):
                pass
        proc.kill()
        proc.wait()
        assert _gone(proc.pid) == [], "the child outlived its parent"
        with store.build_lock(tmp_path / "index"):
            pass
        assert not os.path.exists(f"/proc/{child}") or open(f"/proc/{child}/stat").read().split(") ")[1][0] == "Z"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_writers_one_waits_out_with_a_message(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    code = "import sys, time\nfrom pathlib import Path\nfrom index.generation import store\n" \
           "with store.build_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n    time.sleep(60)\n"
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "index")], stdout=subprocess.PIPE,
                              env=ENV, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        proc = subprocess.run([sys.executable, "-m", "govsearch.cli", "index", "update", "--corpus", str(corpus),
                               "--index", str(tmp_path / "index")], capture_output=True, env=ENV, text=True)
        assert proc.returncode == 1 and "another build or update is running" in proc.stderr
        assert "上已有另一次建立或更新在运行" in proc.stderr and "提示 Hint: 请等它完成 (wait for it to finish)" in proc.stderr
        assert not (tmp_path / "index" / "CURRENT").exists()
    finally:
        holder.kill()
        holder.wait()
    assert build(corpus, tmp_path / "index").documents == 1  # the dead holder's lock is gone


def test_cleanup_after_a_killed_build_keeps_the_complete_generations(tmp_path):
    """The issue's scenario: build, build, kill -9 a third build midway, build again."""
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    index = tmp_path / "index"
    build(corpus, index)
    build(corpus, index)
    second = (index / "CURRENT").read_text().strip()
    big = _big_corpus(tmp_path / "big", files=60, paragraphs=40)
    proc = subprocess.Popen([sys.executable, "-m", "govsearch.cli", "index", "build", "--corpus", str(big), "--index",
                             str(index), "--workers", "1", "--replace-corpus"], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _wait_for(lambda: len(list(index.glob("gen-*"))) >= 3), "the third build never started writing"
    leftover = max((p for p in index.glob("gen-*") if p.name != second), key=lambda p: p.stat().st_mtime).name
    time.sleep(0.3)
    assert proc.poll() is None, "the third build finished before it could be killed"
    proc.kill()
    proc.wait()
    assert not (index / leftover / store.MANIFEST).exists()  # really an incomplete leftover
    build(corpus, index)
    fourth = (index / "CURRENT").read_text().strip()
    gens = sorted(p.name for p in index.glob("gen-*"))
    assert gens == sorted([second, fourth]), f"kept {gens}, leftover was {leftover}"
    # the kept previous generation is complete and readable
    store.verify_generation(index / second)
    assert json.loads((index / second / store.BUILD_INFO).read_text())["documents"] == 1


def test_cleanup_never_removes_the_live_or_the_previous_generation(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    index = tmp_path / "index"
    names = []
    for _ in range(4):
        build(corpus, index)
        names.append((index / "CURRENT").read_text().strip())
    assert sorted(p.name for p in index.glob("gen-*")) == sorted(names[-2:])
    # a leftover (no manifest) newer than everything is removed, complete ones stay
    fake = index / "gen-99999999T999999-1-0"
    fake.mkdir()
    (fake / "documents.json").write_text("[]")
    removed = store.remove_old_generations(index, previous=names[-2])
    assert removed == [fake.name]
    assert sorted(p.name for p in index.glob("gen-*")) == sorted(names[-2:])
