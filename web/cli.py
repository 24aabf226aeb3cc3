"""``govsearch serve``: the web app on waitress, a production WSGI server in pure
Python (it runs on Linux and on the Windows servers of many intranets).

Only click is imported here; Flask, waitress and the engine load when the command runs.
"""

from __future__ import annotations

import os
import sys

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="GOVSEARCH_HOST",
              help="Address to listen on; 0.0.0.0 for every interface (env GOVSEARCH_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, envvar="GOVSEARCH_PORT",
              help="TCP port (env GOVSEARCH_PORT).")
@click.option("--index", "index_dir", envvar="GOVSEARCH_INDEX", default=None, type=click.Path(file_okay=False),
              help=f"Index folder (env GOVSEARCH_INDEX; default {os.path.join('var', 'index')}, or the config file's).")
@click.option("--threads", type=click.IntRange(1, 256), default=8, show_default=True, envvar="GOVSEARCH_THREADS",
              help="Worker threads answering requests (env GOVSEARCH_THREADS).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True), envvar="GOVSEARCH_CONFIG",
              help="TOML or JSON settings file (env GOVSEARCH_CONFIG); see the README, section 'Web'.")
def serve(host, port, index_dir, threads, config_file):
    """Serve the search pages and the JSON API on waitress (a production WSGI server).

    \b
    Settings come from defaults, the config file, GOVSEARCH_* environment
    variables, then these options (see the README, section "Web").

    \b
    Example:
      govsearch serve --port 8000 --index var/index
      open http://127.0.0.1:8000/
    """
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
        click.echo(f"index {web.config.index}: {stats['documents']} reports, {stats['passages']} passages ({stats['generation']})")
    except GovsearchError as exc:  # the app still starts; /healthz says 503 until an index appears
        click.secho(f"注意 note: {exc.message} — pages answer 503 until "
                    f"`govsearch index build --index {web.config.index}` has run", fg="yellow", err=True)
    try:
        server = make_server(app, host, port, threads)
    except OSError as exc:
        click.secho(f"错误 Error: cannot listen on {host}:{port}: {exc.strerror or exc} "
                    "(is another server using the port? try --port)", fg="red", err=True)
        sys.exit(1)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"govsearch serving on http://{shown}:{server.effective_port}{web.config.url_prefix}/ "
               f"(waitress, {threads} threads; Ctrl+C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()


def make_server(app, host: str = "127.0.0.1", port: int = 8000, threads: int = 8):
    """A waitress server for ``app``, bound and ready to ``run()`` (port 0: any free port).

    X-Forwarded-* headers are passed through to the app, where ProxyFix trusts as
    many hops as the ``proxy_hops`` setting says (0: none)."""
    from waitress import create_server

    from .waitress_channel import install

    server = create_server(app, host=host, port=port, threads=threads, ident="govsearch",
                           clear_untrusted_proxy_headers=False)
    install(server)  # raw UTF-8 request lines work; what waitress rejects under /api/ is JSON
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
