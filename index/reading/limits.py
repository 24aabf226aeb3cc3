"""Bounded work per file: limits that hold however well a format compresses.

The size cap of the walk (``--max-file-mb``) bounds the bytes read, not the work they
cause: a small .docx can inflate to gigabytes of XML, a short PDF can declare 100,000
pages, a text can be one 60 MB line. Each limit here, when exceeded, skips the file
with a reason naming the option that raises it; 0 turns a limit off.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import zipfile
from dataclasses import dataclass

from index.reading.formats.base import SkipFile


@dataclass(frozen=True)
class Limits:
    max_inflated_mb: float = 256  # a .docx's members, uncompressed, together
    max_passages: int = 20_000  # passages of one report, after parsing
    max_pdf_pages: int = 2_000
    max_line_chars: int = 200_000  # one line of the extracted text
    max_seconds: float = 300  # to analyze one file
    max_worker_mb: float = 4_096  # memory an analysis worker may add to what it starts with

    def __post_init__(self):
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"{name} must be 0 (no limit) or more")


# option names, for the reasons (each says how to raise its limit)
OPTION = {
    "max_inflated_mb": "--max-inflated-mb / GOVSEARCH_MAX_INFLATED_MB",
    "max_passages": "--max-passages / GOVSEARCH_MAX_PASSAGES",
    "max_pdf_pages": "--max-pdf-pages / GOVSEARCH_MAX_PDF_PAGES",
    "max_line_chars": "--max-line-chars / GOVSEARCH_MAX_LINE_CHARS",
    "max_seconds": "--max-seconds-per-file / GOVSEARCH_MAX_SECONDS_PER_FILE",
    "max_worker_mb": "--max-worker-mb / GOVSEARCH_MAX_WORKER_MB",
}


def check_inflated(data: bytes, limits: Limits) -> None:
    """Skip a ZIP-based file (.docx) whose members would inflate past the limit, judged
    from the sizes its directory declares before anything is inflated (Python's reader
    never inflates a member past its declared size)."""
    if not limits.max_inflated_mb or not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the extractor says what is wrong with it
    cap = limits.max_inflated_mb * 1048576
    if total > cap:
        raise SkipFile(f"inflates to {total / 1048576:.1f} MB, over the limit of {limits.max_inflated_mb:g} MB "
                       f"(raise {OPTION['max_inflated_mb']})")


def check_lines(text: str, limits: Limits) -> None:
    if not limits.max_line_chars:
        return
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > limits.max_line_chars:
        raise SkipFile(f"a line of {longest:,} characters, over the limit of {limits.max_line_chars:,} "
                       f"(raise {OPTION['max_line_chars']})")


def check_passages(count: int, limits: Limits) -> None:
    if limits.max_passages and count > limits.max_passages:
        raise SkipFile(f"{count:,} passages, over the limit of {limits.max_passages:,} per report "
                       f"(raise {OPTION['max_passages']})")


class FileTimeout(BaseException):
    """Raised by the timer; a BaseException so that no extractor's ``except Exception``
    swallows it."""


@contextlib.contextmanager
def time_limit(limits: Limits):
    """Skip the file when its analysis takes longer than the limit (SIGALRM: only where
    signals can be handled, the main thread of a process; elsewhere no limit)."""
    seconds = limits.max_seconds
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    armed = [True]

    def expired(signum, frame):
        if armed[0]:  # never once the file is done
            armed[0] = False
            raise FileTimeout()

    previous = signal.signal(signal.SIGALRM, expired)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except FileTimeout:
        raise SkipFile(f"took longer than {seconds:g} s to analyze (raise {OPTION['max_seconds']})") from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def limit_worker_memory(limits: Limits) -> bool:
    """In an analysis worker process: cap its address space at what it has now plus
    ``max_worker_mb`` (``RLIMIT_AS``), so that one file cannot take the machine's memory;
    a file that needs more fails with MemoryError, reported as a skip. Returns whether
    the cap could be set (Linux)."""
    if not limits.max_worker_mb:
        return False
    try:
        import resource

        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = now + int(limits.max_worker_mb * 1048576)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        return True
    except (ImportError, OSError, ValueError):
        return False


def memory_reason(limits: Limits) -> str:
    return (f"needed more memory than an analysis worker may add ({limits.max_worker_mb:g} MB; raise "
            f"{OPTION['max_worker_mb']})")
