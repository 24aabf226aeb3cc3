"""A build's processes live and die together.

* Every process forked through :mod:`multiprocessing` while a build runs — the
  analysis pool and Whoosh's sub-writers (``ix.writer(procs=…)``) — asks the kernel
  to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux), closes its copy of
  the build lock (so an orphan can never keep the index locked), and leaves SIGINT and
  SIGTERM to the parent, which stops them.
* SIGTERM and SIGHUP end a build like Ctrl+C does: the new generation is discarded,
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

from . import store

PR_SET_PDEATHSIG = 1
STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s)


class BuildInterrupted(KeyboardInterrupt):
    """A build stopped by a signal (SIGTERM, SIGHUP); SIGINT gives KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return str(self.signum)


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


@contextmanager
def stop_on_signals():
    """While the block runs (in the main thread), SIGTERM/SIGHUP raise BuildInterrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
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
        for signum, old in previous.items():
            try:
                signal.signal(signum, old)
            except (ValueError, OSError):
                pass


def stop_writer(writer) -> None:
    """Cancel a Whoosh writer and stop its sub-writer processes (Whoosh's own cancel
    only flags them in the parent's memory, leaving them blocked on their queue)."""
    try:
        writer.cancel()
    except Exception:
        pass
    for task in getattr(writer, "tasks", None) or []:
        try:
            if task.is_alive():
                task.terminate()
            task.join(5)
        except Exception:
            pass
