"""`govsearch serve --workers N`: several processes on one socket, stopped cleanly."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import copy_samples
from index import build

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self").exists(),
                                reason="--workers needs fork; the test reads /proc (Linux)")

GOVSEARCH = Path(sys.executable).parent / "govsearch"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _get(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode("utf-8")
    conn.close()
    return r.status, body


@pytest.fixture
def workers_server(tmp_path):
    build(copy_samples(tmp_path / "corpus"), tmp_path / "index", workers=1)
    port = _free_port()
    proc = subprocess.Popen([str(GOVSEARCH), "serve", "--workers", "2", "--threads", "2", "--port", str(port),
                             "--index", str(tmp_path / "index")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, GOVSEARCH_METRICS="true", GOVSEARCH_REQUEST_LOG="false"))
    try:
        line = ""
        while "serving on" not in line:
            line = proc.stdout.readline()
            assert line, "the server ended before serving"
        assert "2 processes" in line
        assert _wait_for(lambda: len(_children(proc.pid)) == 2)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)


def test_workers_answer_and_stop_cleanly_on_sigterm(workers_server):
    proc, port = workers_server
    children = _children(proc.pid)
    for _ in range(6):
        status, body = _get(port, "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8")
        assert status == 200 and json.loads(body)["total"] == 3
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    assert "stopped" in proc.stdout.read()
    assert not any(_alive(c) for c in children)
    with pytest.raises(OSError):
        _get(port, "/healthz")


def test_a_killed_worker_is_replaced_and_workers_die_with_the_master(workers_server):
    proc, port = workers_server
    first, second = _children(proc.pid)
    os.kill(first, signal.SIGKILL)
    assert _wait_for(lambda: len(_children(proc.pid)) == 2 and first not in _children(proc.pid))
    assert _get(port, "/healthz")[0] == 200
    children = _children(proc.pid)
    proc.kill()  # SIGKILL: the master cannot stop them itself
    proc.wait(30)
    assert _wait_for(lambda: not any(_alive(c) for c in children))


def _serve_in(tmp: Path, index: Path) -> subprocess.Popen:
    """A `serve --workers 2` whose temporary folder is ``tmp`` (TMPDIR), once it serves."""
    proc = subprocess.Popen([str(GOVSEARCH), "serve", "--workers", "2", "--threads", "1", "--port", str(_free_port()),
                             "--index", str(index)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, TMPDIR=str(tmp), GOVSEARCH_REQUEST_LOG="false"))
    line = ""
    while "serving on" not in line:
        line = proc.stdout.readline()
        assert line, "the server ended before serving"
    return proc


def test_the_metrics_folder_of_a_killed_master_goes_at_the_next_start(tmp_path):
    """SIGKILL leaves the master no time to remove its folder; the next server removes it,
    and never the folder of a server still running."""
    build(copy_samples(tmp_path / "corpus"), tmp_path / "index", workers=1)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    killed = _serve_in(tmp, tmp_path / "index")
    first = list(tmp.glob("govsearch-metrics-*"))
    assert len(first) == 1
    children = _children(killed.pid)
    killed.kill()
    killed.wait(30)
    assert _wait_for(lambda: not any(_alive(c) for c in children))
    assert first[0].is_dir()  # left behind
    running = _serve_in(tmp, tmp_path / "index")
    try:
        second = list(tmp.glob("govsearch-metrics-*"))
        assert not first[0].exists() and len(second) == 1
        third = _serve_in(tmp, tmp_path / "index")  # a live server's folder is kept
        try:
            assert set(tmp.glob("govsearch-metrics-*")) > set(second)
        finally:
            third.send_signal(signal.SIGTERM)
            assert third.wait(60) == 0
    finally:
        running.send_signal(signal.SIGTERM)
        assert running.wait(60) == 0
    assert not list(tmp.glob("govsearch-metrics-*"))


def test_completions_answer_in_every_worker(workers_server):
    """The master forked its workers while a background thread of the app (jieba's
    part-of-speech warm-up) held a lock: the workers inherited it locked and
    ``/api/suggest`` never answered (30 s timeouts). The master now lets those threads
    end first."""
    proc, port = workers_server
    first, second = _children(proc.pid)
    for stopped in (second, first):  # each worker in turn, the other one stopped
        os.kill(stopped, signal.SIGSTOP)
        try:
            status, body = _get(port, "/api/suggest?q=%E4%BA%94")
        finally:
            os.kill(stopped, signal.SIGCONT)
        assert status == 200 and json.loads(body)["suggestions"][0]["text"] == "五星支部"


def _metric(text: str, name: str) -> int:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(float(line.split()[-1]))
    return 0


def test_metrics_count_the_requests_of_every_worker(workers_server):
    proc, port = workers_server
    started = time.time()
    searches = 'govsearch_requests_total{route="/api/search",status="200"}'
    for _ in range(20):  # a new connection each: the kernel hands them to either worker
        assert _get(port, "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8")[0] == 200
    time.sleep(1.5)  # each worker writes its counters at most every second
    seen = set()
    for _ in range(6):  # whichever worker answers /metrics, it counts all 20
        status, text = _get(port, "/metrics")
        assert status == 200
        seen.add(_metric(text, searches))
    assert seen == {20}
    workers = {f"worker-{pid}.json" for pid in _children(proc.pid)}
    # this server's folder: both workers' files written during this test (a folder left by
    # a killed server elsewhere may name a worker whose pid was since reused)
    def written_now(folder: Path) -> set[str]:
        names = set()
        for f in folder.glob("worker-*.json"):
            try:
                if f.stat().st_mtime >= started - 1:
                    names.add(f.name)
            except FileNotFoundError:  # another server's folder going away as it stops
                pass
        return names

    shared = [p for p in Path(tempfile.gettempdir()).glob("govsearch-metrics-*") if workers <= written_now(p)]
    assert len(shared) == 1
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(60) == 0
    assert not shared[0].exists()  # the master removes the folder when it stops


def _search_as(port: int, visitor: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8", headers={"User-Agent": visitor})
    r = conn.getresponse()
    assert r.status == 200 and json.loads(r.read())["total"] == 3
    conn.close()


def _hot(port: int) -> list:
    status, body = _get(port, "/api/suggest?q=%E4%BA%94")
    assert status == 200
    return json.loads(body)["hot"]


@pytest.mark.parametrize("with_file", [True, False], ids=["query_log_file", "no file"])
def test_hot_queries_count_the_searches_of_every_worker(tmp_path, with_file):
    """Three visitors, two answered by one worker and one by the other (the other
    worker stopped with SIGSTOP meanwhile, so the kernel hands the connection to the
    running one): either worker lists the query, counted 3 times, and the file holds
    every search after the server stops. Each worker saving its own counts over the
    same file (before) lost one worker's; each listing its own never reached 3."""
    build(copy_samples(tmp_path / "corpus"), tmp_path / "index", workers=1)
    hot_file = tmp_path / "hot" / "queries.json"
    env = dict(os.environ, GOVSEARCH_REQUEST_LOG="false", GOVSEARCH_QUERY_LOG="true",
               GOVSEARCH_HOT_QUERIES_MIN_VISITORS="3", GOVSEARCH_QUERY_LOG_FILE=str(hot_file) if with_file else "")
    port = _free_port()
    proc = subprocess.Popen([str(GOVSEARCH), "serve", "--workers", "2", "--threads", "2", "--port", str(port),
                             "--index", str(tmp_path / "index")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        line = ""
        while "serving on" not in line:
            line = proc.stdout.readline()
            assert line, "the server ended before serving"
        assert _wait_for(lambda: len(_children(proc.pid)) == 2)
        first, second = _children(proc.pid)
        assert _wait_for(lambda: _get(port, "/healthz")[0] == 200)
        os.kill(second, signal.SIGSTOP)  # only the first answers
        try:
            _search_as(port, "visitor one")
            _search_as(port, "visitor two")
            _search_as(port, "visitor two")
            assert _hot(port) == []  # two visitors: not yet listed
        finally:
            os.kill(second, signal.SIGCONT)
        os.kill(first, signal.SIGSTOP)  # only the second answers
        try:
            _search_as(port, "visitor three")
            assert _hot(port) == [{"query": "五星支部", "count": 4}]
        finally:
            os.kill(first, signal.SIGCONT)
        os.kill(second, signal.SIGSTOP)  # the first again: it lists the second's search too
        try:
            assert _hot(port) == [{"query": "五星支部", "count": 4}]
        finally:
            os.kill(second, signal.SIGCONT)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    if with_file:
        from search.querylog import QueryLog

        saved = QueryLog(enabled=True, path=hot_file, min_visitors=3)
        assert saved.hot() == [{"query": "五星支部", "count": 4}]  # read back by the next start
