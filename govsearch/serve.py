"""``govsearch serve``: the web app on waitress, a production WSGI server in pure
Python (it runs on Linux and on the Windows servers of many intranets).

Only click is imported here; Flask, waitress and the engine load when the command runs.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import sys
import time

import click

from govsearch import metrics_folders
from govsearch.help import Command
from index.errors import index_command
from index.wording import count

# glibc's malloc gives a thread that allocates while another does its own heap (up to 8 a
# core) and keeps what is freed in it for that heap's next allocations: with waitress's
# threads a worker held 30 MiB more anonymous memory after the same 378 searches
# (bench/search_latency.py --serve: 123–126 MiB against 93–95 with two heaps, the same CPU
# per request). Python code allocates holding the GIL, so two heaps are seldom waited for.
MALLOC_HEAPS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def bound_malloc_heaps(libc=None) -> bool:
    """Let glibc's malloc use at most :data:`MALLOC_HEAPS` heaps in this process (and the
    workers it forks); call it before threads start. False where malloc is not glibc's
    (musl, macOS, Windows): nothing is changed there."""
    try:
        if libc is None:
            import ctypes

            libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return mallopt(_M_ARENA_MAX, MALLOC_HEAPS) == 1


@click.command("serve", cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True, envvar="GOVSEARCH_HOST",
              help="Address to listen on; 0.0.0.0 for every interface (env GOVSEARCH_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, envvar="GOVSEARCH_PORT",
              help="TCP port (env GOVSEARCH_PORT).")
@click.option("--index", "index_dir", envvar="GOVSEARCH_INDEX", default=None, type=click.Path(file_okay=False),
              help=f"Index folder (env GOVSEARCH_INDEX; default {os.path.join('var', 'index')}, or the config file's).")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True, envvar="GOVSEARCH_THREADS",
              help="Worker threads answering requests (env GOVSEARCH_THREADS).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, envvar="GOVSEARCH_WORKERS",
              help="Processes answering requests on one listening socket, each with --threads threads; "
                   "they share the memory-mapped index through the OS page cache (env GOVSEARCH_WORKERS; "
                   "more than 1 needs a POSIX system).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True), envvar="GOVSEARCH_CONFIG",
              help="TOML or JSON settings file (env GOVSEARCH_CONFIG); see docs/operating.md, section 'Settings'.")
def serve(host, port, index_dir, threads, workers, config_file):
    """提供检索页面和 JSON API。

    Serve the search pages and the JSON API on waitress (a production WSGI server).

    \b
    Settings come from defaults, the config file, GOVSEARCH_* environment
    variables, then these options (see docs/operating.md, section "Settings").

    \b
    示例 Example:
      govsearch serve --port 8000 --index var/index
      govsearch serve --workers 2 --threads 8     # one process per core
      open http://127.0.0.1:8000/
    """
    bound_malloc_heaps()  # before any thread of the app or of waitress allocates
    from index.errors import GovsearchError
    from web.app import create_app
    from web.config import ConfigError

    overrides = {}
    if index_dir:
        overrides["index"] = index_dir
    if config_file:
        overrides["config_file"] = config_file
    try:
        app = create_app(overrides)
    except ConfigError as exc:
        click.secho(f"错误 Error: {exc}", fg="red", err=True)
        sys.exit(2)
    web = app.extensions["govsearch"]
    from web.ops import log_to_stderr

    log_to_stderr()
    try:
        stats = web.searcher.stats()
        click.echo(f"索引 {web.config.index}：{stats['documents']} 篇报告，{stats['passages']} 段，{stats['generation']} "
                   f"(index {web.config.index}: {count(stats['documents'], 'report')}, "
                   f"{count(stats['passages'], 'passage')} ({stats['generation']}))")
    except GovsearchError as exc:  # the app still starts; /healthz says 503 until an index appears
        build = f"`{index_command('build', web.config.index, always=True)}`"
        click.secho(f"注意 note: {exc.message}；运行 {build} 之前，页面都回答 503 "
                    f"(pages answer 503 until {build} has run)", fg="yellow", err=True)
    # those a server killed outright (SIGKILL) left behind: never a live server's
    metrics_folders.remove_abandoned()
    if workers > 1:
        sys.exit(_serve_workers(app, host, port, workers, threads, web.config.url_prefix))
    try:
        server = make_server(app, host, port, threads)
    except OSError as exc:
        _listen_error(host, port, exc)
        sys.exit(1)
    shown = f"[{host}]" if ":" in host else host
    # SIGTERM (systemctl stop) stops it as Ctrl+C does: waitress lets the requests being
    # answered finish, then "stopped" and status 0, as the master of --workers does
    # (the handler before is put back when it returns: a process that serves in-process,
    # a test's, must not keep it, nor its forked children)
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        click.echo(serving_line(f"http://{shown}:{server.effective_port}{web.config.url_prefix}/",
                                f"{threads} 个线程", count(threads, "thread")))
        server.run()  # waitress's run() ends quietly on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        signal.signal(signal.SIGTERM, previous)
    click.echo(STOPPED)


STOPPED = "已停止 (stopped)"  # the server's last line after Ctrl+C or SIGTERM


def serving_line(url: str, zh: str, en: str) -> str:
    """The line that says the server is up: where, with how many processes and threads."""
    return (f"govsearch 正在 {url} 提供服务（waitress，{zh}；Ctrl+C 停止） "
            f"(govsearch serving on {url} (waitress, {en}; Ctrl+C stops))")


def listen_error(host: str, port: int, exc: OSError) -> str:
    """Why the server cannot listen, in Chinese first, the system's English in brackets."""
    why = {errno.EADDRINUSE: f"端口 {port} 已被占用，可能另一个服务器正在使用它；请先停止它，或用 --port 换一个端口",
           errno.EACCES: f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）；请用 --port 换一个端口",
           errno.EADDRNOTAVAIL: f"本机没有地址 {host}；请检查 --host"}.get(exc.errno, "请检查 --host 和 --port")
    # the system's words for the errno: socket.create_server's own strerror adds the address again
    english = os.strerror(exc.errno) if exc.errno else str(exc)
    return (f"无法监听 {host}:{port}：{why} "
            f"(cannot listen on {host}:{port}: {english}; is another server using the port? try --port)")


def _listen_error(host, port, exc) -> None:
    click.secho(f"错误 Error: {listen_error(host, port, exc)}", fg="red", err=True)


def _serve_workers(app, host: str, port: int, workers: int, threads: int, prefix: str) -> int:
    """A pre-forking master: one listening socket, ``workers`` child processes each
    running waitress with ``threads`` threads on it. SIGTERM or Ctrl+C stops the
    children and then the master; a child that dies is replaced."""
    if not hasattr(os, "fork"):
        click.secho("错误 Error: --workers above 1 needs a POSIX system (fork); use --threads here", fg="red", err=True)
        return 2
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=1024, reuse_port=False)
    except OSError as exc:
        _listen_error(host, port, exc)
        return 1
    shown = f"[{host}]" if ":" in host else host
    master = Master(app, sock, workers, threads)
    return master.run(serving_line(f"http://{shown}:{sock.getsockname()[1]}{prefix}/",
                                   f"{workers} 个进程 × {threads} 个线程",
                                   f"{count(workers, 'process', 'processes')} × {count(threads, 'thread')}"))


class _Stop(KeyboardInterrupt):
    """Stop now. A KeyboardInterrupt: waitress's loop (asyncore) re-raises it, and its
    run() returns on it, where a plain Exception raised inside a channel's handler
    would be logged and swallowed, leaving the worker running."""


class Master:
    """Runs and supervises the worker processes of ``govsearch serve --workers N``."""

    GRACE_SECONDS = 10
    MAX_RESTARTS = 20

    def __init__(self, app, sock, workers: int, threads: int):
        self.app, self.sock, self.workers, self.threads = app, sock, workers, threads
        self.children: set[int] = set()
        self._forking = self._stop_requested = False
        # each worker's /metrics counters, summed by whichever worker answers /metrics, and
        # the hot queries' shared log when no query_log_file is set
        # (govsearch/metrics_folders.py: with its owner's record, for the next start to judge)
        self.metrics_dir = metrics_folders.make()

    def _spawn(self) -> None:
        # a SIGINT/SIGTERM arriving while forking is only noted (raised inside fork's own
        # after-fork hooks, _Stop would be swallowed as "Exception ignored" and Ctrl+C
        # lost), then raised once fork has returned
        self._forking = True
        pid = os.fork()
        if pid:
            self.children.add(pid)
            self._forking = False
            if self._stop_requested:
                raise _Stop()
            return
        code = 0
        try:  # the child
            _die_with_parent()
            signal.signal(signal.SIGTERM, _raise_stop)
            signal.signal(signal.SIGINT, _raise_stop)
            if self._stop_requested:  # signalled while it was being forked
                raise _Stop()
            self.app.extensions["govsearch_metrics"].share(self.metrics_dir)
            # hot queries counted by every worker (in the configured file, else one here)
            self.app.extensions["govsearch"].query_log.share(os.path.join(self.metrics_dir, "hot-queries.json"))
            server = make_server(self.app, threads=self.threads, sockets=[self.sock])
            try:
                server.run()
            except _Stop:
                pass
            finally:
                server.task_dispatcher.shutdown()  # let the requests being answered finish
                server.close()
        except BaseException:
            code = 1
        finally:
            os._exit(code)

    def _finish_background_work(self, timeout: float = 600.0) -> None:
        """Let the app's background threads (the index loading, the warm-ups of jieba's
        tags and the vocabulary) end before forking. A fork copies the locks they hold
        but not the threads: a worker forked while one held, say, jieba's loading lock
        waited for it forever (``/api/suggest`` never answered with ``--workers 2``).
        The workers then start with those tables loaded, shared copy-on-write."""
        import threading

        deadline = time.monotonic() + timeout
        for thread in threading.enumerate():
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def _before_forking(self) -> None:
        """The background work ended, then every object the master made moved out of the
        collector's reach (``gc.freeze``): a worker's collections would otherwise write
        to the header of each, copying the pages the workers share copy-on-write (PSS of
        two workers after 504 searches 340–343 → 328–337 MiB)."""
        import gc

        self._finish_background_work()
        gc.collect()
        gc.freeze()

    def _on_signal(self, signum, frame):
        self._stop_requested = True
        if not self._forking:
            raise _Stop()

    def run(self, banner: str = "") -> int:
        # the handlers before are put back when it returns (ignored meanwhile while the
        # children stop): a process that ran a master in-process, a test's, must not keep
        # SIGTERM ignored, nor pass that on to the processes it forks later
        previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        restarts = 0
        try:
            if banner:  # said once Ctrl+C means "stop": from here on it does
                click.echo(banner)
                sys.stdout.flush()
            self._before_forking()
            for _ in range(self.workers):
                self._spawn()
            while self.children:
                pid, _status = os.wait()
                self.children.discard(pid)
                if restarts < self.MAX_RESTARTS:
                    restarts += 1
                    click.secho(f"注意 note: worker {pid} ended; starting another", fg="yellow", err=True)
                    self._spawn()
            return 1
        except _Stop:
            pass
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self._stop_children()
            self.sock.close()
            shutil.rmtree(self.metrics_dir, ignore_errors=True)
            for s, handler in previous.items():
                signal.signal(s, handler)
        click.echo(STOPPED)
        return 0

    def _stop_children(self) -> None:
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.children.discard(pid)
        deadline = time.monotonic() + self.GRACE_SECONDS
        while self.children:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    self.children.discard(pid)
            if time.monotonic() > deadline:
                for pid in self.children:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                    except (ProcessLookupError, ChildProcessError):
                        pass
                self.children.clear()
            time.sleep(0.05)


def _raise_stop(signum, frame):
    raise _Stop()


def _die_with_parent() -> None:
    """Linux: this process gets SIGTERM when the master dies, even by kill -9."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(0)
    except Exception:
        pass


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int = 8, sockets=None):
    """A waitress server for ``app``, bound and ready to ``run()`` (port 0: any free port).

    X-Forwarded-* headers are passed through to the app, where ProxyFix trusts as
    many hops as the ``proxy_hops`` setting says (0: none). Idle connections are closed
    after the ``channel_timeout`` setting; those over ``connection_limit`` are answered
    503 (web/waitress_channel.py)."""
    from waitress import create_server

    from web.waitress_channel import cleanup_interval, install, overflow_band

    config = app.extensions["govsearch"].config
    options = dict(threads=threads, ident="govsearch", clear_untrusted_proxy_headers=False, asyncore_use_poll=True,
                   channel_timeout=config.channel_timeout, cleanup_interval=cleanup_interval(config.channel_timeout),
                   connection_limit=config.connection_limit + overflow_band(config.connection_limit))
    if sockets is not None:  # already listening (inherited from the master of --workers)
        server = create_server(app, sockets=sockets, **options)
    else:
        # poll(), not select(): a process with a large memory-mapped index holds many
        # file descriptors, and select() fails on any numbered 1024 or more
        server = create_server(app, host=host, port=port, **options)
    install(server, config.connection_limit)  # raw UTF-8 request lines work; what waitress rejects under /api/ is JSON
    return server


class ServerThread:
    """The app on waitress in a background thread, stopped cleanly by :meth:`stop`:
    for tests, and for a Python process (say a Windows service) that hosts govsearch.

        with ServerThread(app) as server:   # port 0: a free port
            urlopen(server.url + "/healthz")
    """

    POLL_SECONDS = 0.1

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 4):
        import threading

        self.server = make_server(app, host, port, threads)
        self.host = host
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="govsearch-waitress", daemon=True)

    @property
    def port(self) -> int:
        return self.server.effective_port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _loop(self) -> None:
        # waitress's own run() loops until its sockets close; closing them from another
        # thread would pull them from under select(). So poll here, and close here.
        try:
            while not self._stop.is_set():
                self.server.asyncore.loop(timeout=self.POLL_SECONDS, map=self.server._map, count=1)
        finally:
            self.server.task_dispatcher.shutdown()
            self.server.close()

    def start(self) -> "ServerThread":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
