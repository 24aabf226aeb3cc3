"""Ctrl+C (SIGINT) while ``govsearch serve`` starts: one line, exit status 130, no
traceback — sent to a real process at the moments start-up goes through, each seen
from outside in /proc: while the command's modules load (numpy mapped, the index not
yet touched), while the index is opening (a file of its generation open or mapped,
nothing served yet), and once it serves (then it is an ordinary stop: "stopped", 0).

``python -m govsearch`` runs the same entry point as the installed ``govsearch``
command (``govsearch.launch:main``)."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, write_corpus
from index import build

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="start-up moments are read from /proc")]

ENV = dict(os.environ, PYTHONPATH=str(ROOT), GOVSEARCH_REQUEST_LOG="false")
WORDS = "五星支部 万人助万企 人居环境 乡村振兴 高质量发展 项目建设 党建引领 营商环境".split()


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    """An index large enough that opening it (every file's checksum) takes a moment."""
    rnd = random.Random(5)
    texts = {f"r{n:02d}.txt": f"第{n}镇工作总结\n\n" + "\n\n".join(
        "，".join(rnd.choice(WORDS) for _ in range(30)) + "。" for _ in range(40)) for n in range(40)}
    folder = tmp_path_factory.mktemp("startup")
    build(write_corpus(folder / "corpus", texts), folder / "index", workers=1)
    return folder / "index"


def _touched(pid: int, needle: str) -> bool:
    """Whether the process has ``needle`` in a mapped file's path or an open file's."""
    try:
        if needle in Path(f"/proc/{pid}/maps").read_text():
            return True
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if needle in os.readlink(f"/proc/{pid}/fd/{fd}"):
                    return True
            except OSError:
                continue
    except OSError:
        pass
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_STARTED: list[subprocess.Popen] = []


def _as_at_a_terminal() -> None:
    # a suite started in the background (`cmd &` in a script, nohup, some CI runners)
    # ignores SIGINT, and a child inherits that: the Ctrl+C these tests send must count
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _serve(index: Path, *extra: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "govsearch", "serve", "--index", str(index), "--port",
                             str(_free_port()), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            preexec_fn=_as_at_a_terminal, start_new_session=True)
    _STARTED.append(proc)
    return proc


@pytest.fixture(autouse=True)
def _no_server_left():
    """Whatever a test asserts, the servers it started (and their workers) end with it."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            stream.close()


def _interrupt_when(proc: subprocess.Popen, seen) -> tuple[int, str, str]:
    deadline = time.monotonic() + 120
    while not seen() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, "the server ended by itself"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_while_modules_load(index, workers):
    proc = _serve(index, "--workers", workers)
    status, out, err = _interrupt_when(
        proc, lambda: _touched(proc.pid, "_multiarray_umath") and not _touched(proc.pid, str(index)))
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert status == 130, err
    # the command line imports no numpy: it loads with the server (Flask, the engine), once
    # `serve` has started, so the message is the server's
    assert err.strip().splitlines() == [
        "已中断 interrupted (Ctrl+C): the server had not started yet; nothing was changed"]
    assert "serving on" not in out


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_while_the_index_opens(index, workers):
    proc = _serve(index, "--workers", workers)
    status, out, err = _interrupt_when(proc, lambda: _touched(proc.pid, str(index / "gen-")))
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "serving on" not in out, "the index opened before the signal: nothing was tested"
    assert status == 130, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("已中断 interrupted (Ctrl+C): "), err


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_once_it_serves_is_an_ordinary_stop(index, workers, signum):
    # SIGTERM is what `systemctl stop` sends the shipped unit's one process
    proc = _serve(index, "--workers", workers)
    line = ""
    while "serving on" not in line:
        line = proc.stdout.readline()
        assert line, "the server ended before serving: " + proc.stderr.read()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode == 0
    assert out.strip().splitlines()[-1] == "已停止 (stopped)"


def test_ctrl_c_while_the_command_line_loads():
    """The command line's own modules load in a moment now (click and the option bounds:
    no numpy), too short to hit with a signal: the interrupt is raised by the import."""
    code = ("import builtins, sys\n"
            "real = builtins.__import__\n"
            "def interrupted(name, *args, **kwargs):\n"
            "    if name == 'click':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *args, **kwargs)\n"
            "builtins.__import__ = interrupted\n"
            "sys.argv = ['govsearch', '--version']\n"
            "from govsearch.launch import main\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip().splitlines() == [
        "已中断 interrupted (Ctrl+C): govsearch stopped before it had finished starting; nothing was changed"]
