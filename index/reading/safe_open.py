"""Reading a corpus file once, safely, whatever happened to it since the walk.

The walk (index/reading/ingest.py) decides which files are reports and sidecars; the build
reads them later, possibly minutes later. Meanwhile a file may have been replaced by a
symbolic link to a file outside the corpus, by a FIFO (an ``open`` that never returns)
or by a link to ``/dev/zero`` (a read that never ends). So a file is opened by its real
path below the corpus folder one component at a time (``openat``) with ``O_NOFOLLOW``
(a link swapped in anywhere on the way fails the open), with ``O_NONBLOCK`` (a FIFO
cannot block it), then checked on the opened descriptor (``fstat``: a regular file, not
over the size cap) and read to the end through that same descriptor: the bytes read are
the bytes analyzed and fingerprinted.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from index.reading.formats.base import SkipFile

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def _open_beneath(root: Path, rel: str) -> int:
    """A descriptor of ``root/rel`` opened without following any link on the way."""
    parts = [p for p in rel.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise SkipFile(f"not a path below the corpus folder: {rel!r}")
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise SkipFile(f"its folder {part} is no longer a folder (replaced by a symbolic link or a file "
                                   "since the corpus was walked)") from None
                raise
            os.close(fd)
            fd = nxt
        try:
            return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SkipFile("replaced by a symbolic link since the corpus was walked (not followed)") from None
            raise
    finally:
        os.close(fd)


def read_file(path: Path, root: Path | None = None, cap: int = 0) -> bytes:
    """The bytes of ``path``, read through one descriptor. ``root``: the corpus folder
    (resolved) when ``path`` is its real path below it (then no link is followed on the
    way); otherwise only the last component must not be a link. ``cap``: most bytes
    (0: no cap). :class:`SkipFile` with the reason when it is not a regular file, is
    over the cap or cannot be opened."""
    path = Path(path)
    try:
        if root is not None:
            fd = _open_beneath(Path(root), path.relative_to(root).as_posix())
        else:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except SkipFile:
        raise
    except ValueError:
        raise SkipFile(f"{path} is not below the corpus folder {root}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SkipFile("a symbolic link (not followed when the file is opened)") from None
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SkipFile(f"not a regular file ({_kind(st.st_mode)}) when it was opened")
        if cap and st.st_size > cap:
            raise SkipFile(f"larger than the size cap when it was opened: {st.st_size / 1048576:.1f} MB > "
                           f"{cap / 1048576:g} MB (raise --max-file-mb / GOVSEARCH_MAX_FILE_MB)")
        chunks: list[bytes] = []
        got = 0
        while True:
            try:
                block = os.read(fd, _CHUNK)
            except BlockingIOError:  # a regular file never blocks; be safe all the same
                raise SkipFile("the file would block when read") from None
            if not block:
                break
            chunks.append(block)
            got += len(block)
            if cap and got > cap:
                raise SkipFile(f"grew over the size cap while it was read ({cap / 1048576:g} MB; raise --max-file-mb "
                               "/ GOVSEARCH_MAX_FILE_MB)")
        return b"".join(chunks)
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
