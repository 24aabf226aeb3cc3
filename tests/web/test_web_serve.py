"""`govsearch serve`: options, start-up errors, and the real waitress server."""

from __future__ import annotations

import http.client
import json
import os

import pytest
from click.testing import CliRunner

import govsearch.serve
from govsearch.cli import main
from govsearch.serve import ServerThread
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


@pytest.fixture
def running(tiny_index):
    """The app on a real waitress server on a free loopback port."""
    with ServerThread(create_app({"index": str(tiny_index)}), threads=2) as server:
        yield server.port


def get(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read().decode("utf-8")
    conn.close()
    return r, body


def test_waitress_serves_pages_and_api(running):
    r, body = get(running, "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8")
    assert r.status == 200 and json.loads(body)["total"] == 3
    assert r.getheader("Server") == "govsearch"
    r, body = get(running, "/healthz")
    assert r.status == 200
    r, body = get(running, "/")
    assert r.status == 200 and "Content-Security-Policy" in dict(r.getheaders())


def test_waitress_passes_the_forwarded_prefix_to_the_app(tiny_index):
    with ServerThread(create_app({"index": str(tiny_index), "proxy_hops": 1}), threads=2) as server:
        r, body = get(server.port, "/", headers={"X-Forwarded-Prefix": "/search"})
    assert 'href="/search/static/govsearch.css"' in body


def test_waitress_ignores_the_forwarded_prefix_by_default(running):
    r, body = get(running, "/", headers={"X-Forwarded-Prefix": "/search"})
    assert 'href="/static/govsearch.css"' in body and "/search/static" not in body


def test_serve_command_is_registered_with_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--index", "--threads", "--config", "waitress"):
        assert option in result.output


def test_serve_runs_waitress_with_the_options(monkeypatch, tiny_index):
    calls = {}

    class FakeServer:
        effective_port = 8123

        def run(self):
            calls["ran"] = True

        def close(self):
            calls["closed"] = True

    def fake_make_server(app, host, port, threads):
        calls.update(app=app, host=host, port=port, threads=threads)
        return FakeServer()

    monkeypatch.setattr(govsearch.serve, "make_server", fake_make_server)
    result = CliRunner().invoke(main, ["serve", "--port", "8123", "--threads", "3", "--index", str(tiny_index)])
    assert result.exit_code == 0, result.output
    assert (calls["host"], calls["port"], calls["threads"]) == ("127.0.0.1", 8123, 3)
    assert calls["app"].extensions["govsearch"].config.index == str(tiny_index)
    assert calls["ran"] and calls["closed"]
    assert "http://127.0.0.1:8123/" in result.output and "3 reports" in result.output


def test_serve_puts_back_the_sigterm_handler_it_found(monkeypatch, tiny_index):
    """SIGTERM stops a serving process as Ctrl+C does, while it serves; once serve returns
    the handler before is back: a process that served in-process (this test's worker) would
    otherwise pass the handler on to every process it forks later (a build's sub-writers,
    which then outlived their terminate and kept a browser driver's pipe open)."""
    import signal

    seen = {}

    class FakeServer:
        effective_port = 8124

        def run(self):
            seen["during"] = signal.getsignal(signal.SIGTERM)

        def close(self):
            pass

    monkeypatch.setattr(govsearch.serve, "make_server", lambda app, host, port, threads: FakeServer())
    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(main, ["serve", "--port", "8124", "--index", str(tiny_index)])
    assert result.exit_code == 0, result.output
    assert seen["during"] is govsearch.serve._raise_stop
    assert signal.getsignal(signal.SIGTERM) is before


def test_serve_defaults_and_env(monkeypatch, tiny_index):
    seen = {}

    class FakeServer:
        effective_port = 8000
        run = close = staticmethod(lambda: None)

    monkeypatch.setattr(govsearch.serve, "make_server", lambda app, host, port, threads: seen.update(
        host=host, port=port, index=app.extensions["govsearch"].config.index) or FakeServer())
    result = CliRunner().invoke(main, ["serve"], env={"GOVSEARCH_INDEX": str(tiny_index)})
    assert result.exit_code == 0, result.output
    assert seen == {"host": "127.0.0.1", "port": 8000, "index": str(tiny_index)}


def test_serve_refuses_bad_settings_with_a_message(monkeypatch, tmp_path):
    monkeypatch.setattr(govsearch.serve, "make_server", lambda *a, **k: pytest.fail("must not start"))
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path)],
                                env={"GOVSEARCH_CORS_ORIGINS": "not-an-origin"})
    assert result.exit_code == 2
    assert "cors_origins" in result.output and "not an origin" in result.output
    assert "Traceback" not in result.output


def test_serve_without_index_warns_and_still_starts(monkeypatch, tmp_path):
    started = {}

    class FakeServer:
        effective_port = 8000

        def run(self):
            started["yes"] = True

        def close(self):
            pass

    monkeypatch.setattr(govsearch.serve, "make_server", lambda *a, **k: FakeServer())
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 0 and started
    assert "govsearch index build" in result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_port_in_use_is_a_message(running, tiny_index, workers):
    """In Chinese first, the system's English kept in brackets (`dev.py run` runs this
    same command, so it says the same)."""
    if workers == "2" and not hasattr(os, "fork"):
        pytest.skip("--workers above 1 needs fork")
    result = CliRunner().invoke(main, ["serve", "--port", str(running), "--index", str(tiny_index),
                                       "--workers", workers])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("错误 Error: "))
    assert line.startswith(f"错误 Error: 无法监听 127.0.0.1:{running}：端口 {running} 已被占用"), line
    assert line.endswith(f"(cannot listen on 127.0.0.1:{running}: Address already in use; "
                         "is another server using the port? try --port)"), line


def test_other_listening_errors_name_their_cause_in_chinese_too():
    import errno

    from govsearch.serve import listen_error

    assert listen_error("10.9.9.9", 8000, OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")) \
        .startswith("无法监听 10.9.9.9:8000：本机没有地址 10.9.9.9")
    assert "没有权限使用端口 80" in listen_error("0.0.0.0", 80, OSError(errno.EACCES, "Permission denied"))
    other = listen_error("x", 1, OSError(errno.EINVAL, "Invalid argument"))
    assert other.startswith("无法监听 x:1：请检查 --host 和 --port (cannot listen on x:1: Invalid argument;")


def test_server_thread_stops_cleanly(tiny_index):
    server = ServerThread(create_app({"index": str(tiny_index)}), threads=1).start()
    r, _ = get(server.port, "/healthz")
    assert r.status == 200
    server.stop()
    assert not server._thread.is_alive()
    with pytest.raises(OSError):
        get(server.port, "/healthz")
