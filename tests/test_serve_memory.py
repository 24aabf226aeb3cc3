"""`govsearch serve` and the memory of its workers: glibc's malloc heaps bounded
(govsearch/serve.py: MALLOC_HEAPS), the master's objects frozen before it forks."""

from __future__ import annotations

import platform

import pytest
from click.testing import CliRunner

from govsearch import serve as serve_module


class _Libc:
    def __init__(self, answer: int = 1):
        self.calls: list[tuple[int, int]] = []
        self.answer = answer

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return self.answer


def test_two_heaps_asked_of_mallopt():
    libc = _Libc()
    assert serve_module.bound_malloc_heaps(libc) is True
    assert libc.calls == [(-8, 2)]  # M_ARENA_MAX, two heaps


def test_a_refused_or_missing_mallopt_changes_nothing():
    assert serve_module.bound_malloc_heaps(_Libc(answer=0)) is False

    class NoMallopt:
        pass

    assert serve_module.bound_malloc_heaps(NoMallopt()) is False


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's M_ARENA_MAX is glibc's")
def test_glibc_takes_the_bound():
    assert serve_module.bound_malloc_heaps() is True


def test_serve_bounds_the_heaps_before_the_app_starts(monkeypatch):
    import web.app
    from web.config import ConfigError

    order = []
    monkeypatch.setattr(serve_module, "bound_malloc_heaps", lambda: order.append("heaps"))

    def create_app(overrides):
        order.append("app")
        raise ConfigError("stop here")

    monkeypatch.setattr(web.app, "create_app", create_app)
    result = CliRunner().invoke(serve_module.serve, ["--port", "8999"])
    assert result.exit_code == 2
    assert order == ["heaps", "app"]


def test_the_master_freezes_its_objects_before_forking(monkeypatch):
    import gc
    import shutil

    gc.unfreeze()
    master = serve_module.Master(app=None, sock=None, workers=2, threads=1)
    # the real wait joins every other thread of the process for up to 600 s: in a pytest
    # worker some never end (the servers of the browser tests' session-scoped fixtures)
    waited_with_frozen = []
    monkeypatch.setattr(master, "_finish_background_work", lambda: waited_with_frozen.append(gc.get_freeze_count()))
    try:
        assert gc.get_freeze_count() == 0
        master._before_forking()
        assert waited_with_frozen == [0]  # the background work ended first, then the freeze
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        shutil.rmtree(master.metrics_dir, ignore_errors=True)

