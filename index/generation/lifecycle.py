"""A build's processes live and die together.

* Every process forked through :mod:`multiprocessing` while a build runs — the
  analysis pool and Whoosh's sub-writers (``ix.writer(procs=…)``) — asks the kernel
  to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux), closes its copy of
  the build lock (so an orphan can never keep the index locked), and leaves SIGINT and
  SIGTERM to the parent, which stops them.
* SIGINT (Ctrl+C), SIGTERM and SIGHUP end a build: the new generation is discarded,
  workers are stopped, the lock is released and the live index is left as it was.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
from contextlib import contextmanager

from index.errors import BuildInterrupted  # noqa: F401  (raised here; defined with the errors the CLI shows)
from index.generation import store

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only).
    Returns whether that could be arranged."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    # the parent may have died before prctl: then we were re-parented already
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None and os.getppid() != parent.pid:
        os._exit(1)
    return True


def _in_child(_guard) -> None:
    store.close_inherited_lock()
    for signum in STOP_SIGNALS:
        try:
            signal.signal(signum, signal.SIG_DFL)
        except (ValueError, OSError):
            pass
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C goes to the whole group: the parent decides
    except (ValueError, OSError):
        pass
    die_with_parent()


class _Guard:
    pass


_GUARD = _Guard()  # a strong reference: the after-fork registry holds it weakly
multiprocessing.util.register_after_fork(_GUARD, _in_child)


_PENDING: dict[str, int] = {}
_FORKING = [False]  # set around os.fork(): a raise there would be swallowed by Python's at-fork hooks
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=lambda: _FORKING.__setitem__(0, True),
                        after_in_parent=lambda: _FORKING.__setitem__(0, False),
                        after_in_child=lambda: _FORKING.__setitem__(0, False))


def check_stop() -> None:
    """Raise BuildInterrupted if a stop signal arrived (its first raise may have been
    swallowed where Python ignores exceptions, e.g. in an at-fork or finalizer hook)."""
    signum = _PENDING.get("signum")
    if signum is not None:
        raise BuildInterrupted(signum)


@contextmanager
def stop_on_signals():
    """While the block runs (in the main thread), SIGINT/SIGTERM/SIGHUP raise BuildInterrupted
    (at once, and again at every :func:`check_stop`)."""
    _PENDING.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        _PENDING["signum"] = signum
        if not _FORKING[0]:  # otherwise the next check_stop() raises it
            raise BuildInterrupted(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, handler)
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        _PENDING.clear()
        for signum, old in previous.items():
            try:
                signal.signal(signum, old)
            except (ValueError, OSError):
                pass


def stop_writer(writer) -> None:
    """Stop a Whoosh writer's sub-writer processes, then cancel it (Whoosh's own cancel
    only flags them in the parent's memory, leaving them blocked on their queue, and
    removes the job files they may be reading)."""
    tasks = list(getattr(writer, "tasks", None) or [])
    for task in tasks:
        try:
            if task.is_alive():
                task.terminate()
        except Exception:
            pass
    for task in tasks:
        try:
            task.join(5)
        except Exception:
            pass
    try:
        writer.cancel()
    except Exception:
        pass
