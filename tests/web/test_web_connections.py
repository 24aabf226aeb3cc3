"""Slow and idle clients against a real `govsearch serve` process on loopback: the
connection limit (503 at once, exactly at the limit still served), the idle timeout,
and an over-long request line answered (JSON 431), not reset."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webfixtures import *  # noqa: F401,F403  (pytest fixtures)

GOVSEARCH = Path(sys.executable).parent / "govsearch"
LIMIT = 3
TIMEOUT = 2  # channel_timeout: waitress looks for idle connections every second at this value


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from index import build

    base = tmp_path_factory.mktemp("conn")
    write_reports(base / "corpus", {"a.md": "# 红星镇工作总结\n\n红星镇扎实推动五星支部创建。\n"})
    build(base / "corpus", base / "index", workers=1)
    port = _free_port()
    env = dict(os.environ, GOVSEARCH_CONNECTION_LIMIT=str(LIMIT), GOVSEARCH_CHANNEL_TIMEOUT=str(TIMEOUT),
               GOVSEARCH_REQUEST_LOG="false")
    proc = subprocess.Popen([str(GOVSEARCH), "serve", "--port", str(port), "--index", str(base / "index"),
                             "--threads", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                time.sleep(0.1)
        time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def request(port: int, target: bytes = b"/api/search?q=%E4%BA%94%E6%98%9F") -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return _read(conn)


def _read(conn) -> tuple[int, dict, bytes]:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def idle_connections(port: int, n: int) -> list[socket.socket]:
    conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
    time.sleep(0.3)  # accepted by the server
    return conns


def test_exactly_at_the_limit_is_served_one_over_gets_503_json(served):
    idle = idle_connections(served, LIMIT - 1)
    try:
        status, _, body = request(served)  # the LIMIT-th connection
        assert status == 200 and json.loads(body)["total"] == 1
        idle += idle_connections(served, 1)
        status, headers, body = request(served)  # LIMIT + 1
        deadline = time.monotonic() + 20  # a loaded machine may accept the idle connection late
        while status == 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            status, headers, body = request(served)
        assert status == 503 and headers["retry-after"] == "1"
        assert json.loads(body)["error"]["code"] == "too_many_connections"
        status, headers, body = request(served, b"/")  # a page: plain text, same status
        assert status == 503 and b"too many connections" in body
        assert body.decode("utf-8").startswith("503 连接过多，服务器正忙")
    finally:
        for c in idle:
            c.close()
    time.sleep(0.3)
    assert request(served)[0] == 200  # free again once they are gone


def test_idle_connections_are_closed_and_no_longer_block(served):
    idle = idle_connections(served, LIMIT + 2)  # more than the limit, saying nothing
    try:
        time.sleep(0.5)
        for c in idle[:1]:  # short of the timeout: still open (recv would block)
            c.settimeout(0.2)
            with pytest.raises(socket.timeout):
                c.recv(1)
        deadline = time.monotonic() + 6 * TIMEOUT  # closed after channel_timeout (checked every second)
        for c in idle:
            c.settimeout(max(0.1, deadline - time.monotonic()))
            assert c.recv(1) == b""
        assert request(served)[0] == 200
    finally:
        for c in idle:
            c.close()


def test_a_connection_that_sent_half_a_request_is_closed_too(served):
    with socket.create_connection(("127.0.0.1", served), timeout=6 * TIMEOUT) as conn:
        conn.sendall(b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        started = time.monotonic()
        assert conn.recv(1) == b""
        assert time.monotonic() - started >= TIMEOUT - 0.5


def test_a_request_line_over_256_kib_gets_json_431_not_a_reset(served):
    # a client still sending when the server answers: the server must read what it sends
    target = b"/api/search?q=" + b"a" * (4 * 1024 * 1024)
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = _read(conn)
    assert status == 431 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "headers_too_large"
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        conn.sendall(b"GET /" + b"a" * (256 * 1024 + 1) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = _read(conn)
    assert status == 431 and not headers["content-type"].startswith("application/json")  # a page: plain text
