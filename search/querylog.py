"""Hot queries ("热门搜索") from the server's own query log.

Off unless the operator turns it on (setting ``query_log``): a hot query is text typed by
users and shown to everyone, so it must be something many people searched, not one
visitor's message. Recorded, per day and per query text: how many searches found
results (first page) and the salted hashes of the visitors who made them — never an
address, cookie, filter or time of day. The salt is random per process and never
saved, so a saved hash cannot be turned back into an address (a visitor seen before a
restart counts again after it).

A query is listed only when it

* found results (a search with none is not recorded),
* is at most ``max_chars`` characters long (spaces collapsed),
* contains none of the operator's blocked words (compared after normalization), and
* was searched by ``min_visitors`` different visitors or more within the kept days.

Days older than the retention are dropped. Without a file the log lives in memory, per
process. With a file (``query_log_file``) every process serving it shares it, as the
workers of ``govsearch serve --workers N`` do:

* each search is one line appended to ``<file>.log`` (one ``write`` on an ``O_APPEND``
  descriptor, under a shared ``flock`` on ``<file>.lock``): workers never overwrite
  each other's counts;
* each process reads the lines it has not read yet before it lists hot queries, so
  every worker lists what all of them counted;
* once the log passes :data:`COMPACT_BYTES` (and on :meth:`QueryLog.flush`), one
  process, holding the lock exclusively, folds it into ``<file>`` (the JSON of every
  day's counts, replaced atomically; expired days dropped) and empties the log.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import threading
from datetime import date, timedelta
from pathlib import Path

from index.normalize import normalize

MAX_QUERY_CHARS = 20
MIN_VISITORS = 3
COMPACT_BYTES = 1 << 20  # the shared log is folded into the snapshot past this size
HASH_CHARS = 16  # 64 bits of a salted SHA-256: enough to tell visitors apart, too few to be an identifier elsewhere


class QueryLog:
    def __init__(self, enabled: bool = False, days: int = 30, path: str | Path | None = None,
                 min_visitors: int = MIN_VISITORS, max_chars: int = MAX_QUERY_CHARS,
                 blocked: list[str] | tuple[str, ...] = (), today=date.today):
        self.enabled = enabled
        self.days = max(1, int(days))
        self.path = Path(path) if path else None
        self.min_visitors = max(1, int(min_visitors))
        self.max_chars = max(1, int(max_chars))
        self.blocked = [b for b in (normalize(w) for w in blocked) if b]
        self._salt = secrets.token_bytes(16)
        self._today = today
        self._lock = threading.Lock()
        # day → query → [searches, set of visitor hashes]
        self._days: dict[str, dict[str, list]] = {}
        self._snapshot_id: tuple | None = None  # (inode, size, mtime) of the snapshot read
        self._offset = 0  # bytes of the shared log read
        self._files_pid = 0  # the process whose descriptors these are (flock is per open file)
        self._lock_fd = self._log_fd = -1

    def share(self, path: str | Path) -> None:
        """Count in ``path`` (a file the other processes serving this index use too)
        when no file was configured: the workers of ``govsearch serve --workers N``."""
        if self.enabled and self.path is None:
            with self._lock:
                self.path, self._days, self._snapshot_id, self._offset = Path(path), {}, None, 0

    # ------------------------------------------------------------ the shared files
    @property
    def _log_path(self) -> Path:
        return self.path.with_name(self.path.name + ".log")

    def _files(self) -> bool:
        """Open this process's lock and log descriptors (again after a fork)."""
        if self._files_pid == os.getpid():
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            self._log_fd = os.open(self._log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError:
            return False
        self._files_pid = os.getpid()
        return True

    def _read_shared(self) -> None:
        """Bring this process's counts up to the snapshot and the shared log (the
        lock held shared by the caller)."""
        try:
            st = self.path.stat()
            snapshot_id = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            snapshot_id = None
        try:
            log_size = self._log_path.stat().st_size
        except OSError:
            log_size = 0
        if snapshot_id != self._snapshot_id or log_size < self._offset:  # folded by a process since
            self._days = self._load_snapshot() if snapshot_id else {}
            self._snapshot_id, self._offset = snapshot_id, 0
        if log_size > self._offset:
            try:
                with open(self._log_path, "rb") as f:
                    f.seek(self._offset)
                    data = f.read(log_size - self._offset)
            except OSError:
                return
            end = data.rfind(b"\n") + 1  # only whole lines: one being written is read next time
            for line in data[:end].splitlines():
                try:
                    record = json.loads(line)
                    self._add(str(record["d"]), str(record["q"]), int(record["n"]), map(str, record["v"]))
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash or a full disk: that one search is lost
            self._offset += end

    def _load_snapshot(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {d: {q: [int(entry["count"]), set(map(str, entry["visitors"]))] for q, entry in queries.items()}
                    for d, queries in data["days"].items()}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            return {}  # a damaged or older file: start afresh (hot queries are a nicety)

    def _add(self, day: str, text: str, n: int, visitors) -> None:
        entry = self._days.setdefault(day, {}).setdefault(text, [0, set()])
        entry[0] += n
        entry[1].update(visitors)

    def _fold(self) -> None:
        """Fold the shared log into the snapshot (this process holds no lock)."""
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # another process is folding it
        try:
            self._read_shared()
            self._expire()
            data = {"days": {d: {q: {"count": n, "visitors": sorted(v)} for q, (n, v) in queries.items()}
                             for d, queries in self._days.items()}}
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
            os.truncate(self._log_path, 0)
            st = self.path.stat()
            self._snapshot_id, self._offset = (st.st_ino, st.st_size, st.st_mtime_ns), 0
        except OSError:
            pass  # hot queries are a nicety: never fail a search for them
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _expire(self) -> None:
        oldest = (self._today() - timedelta(days=self.days - 1)).isoformat()
        for d in [d for d in self._days if d < oldest]:
            del self._days[d]

    def _allowed(self, text: str) -> bool:
        if not text or len(text) > self.max_chars:
            return False
        norm = normalize(text)
        return bool(norm) and not any(b in norm for b in self.blocked)

    def visitor_hash(self, visitor: str) -> str:
        return hashlib.sha256(self._salt + visitor.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]

    def record(self, query: str, total: int, visitor: str = "") -> None:
        """Count one search by ``visitor`` (any text telling visitors apart, e.g. the
        address and browser; only its salted hash is kept): only with hits, and only a
        query that may be listed."""
        if not self.enabled or not total or not query:
            return
        text = " ".join(query.split())
        if not self._allowed(text):
            return
        who = self.visitor_hash(visitor)
        day = self._today().isoformat()
        with self._lock:
            if self.path is None:
                self._add(day, text, 1, (who,))
                self._expire()
                return
            if not self._files():
                return
            line = json.dumps({"d": day, "q": text, "n": 1, "v": [who]}, ensure_ascii=False) + "\n"
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_SH)
                try:
                    os.write(self._log_fd, line.encode("utf-8"))  # O_APPEND: one record, never interleaved
                    size = os.fstat(self._log_fd).st_size
                finally:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                if size > COMPACT_BYTES:
                    self._fold()
            except OSError:
                pass  # hot queries are a nicety: never fail a search for them

    def flush(self) -> None:
        """Fold the shared log into the snapshot file now."""
        if self.enabled and self.path is not None:
            with self._lock:
                if self._files():
                    self._fold()

    def hot(self, limit: int = 8) -> list[dict]:
        """``[{"query", "count"}]``, most searched first, within the retention window:
        only queries searched by ``min_visitors`` different visitors."""
        if not self.enabled:
            return []
        with self._lock:
            if self.path is not None and self._files():
                try:
                    fcntl.flock(self._lock_fd, fcntl.LOCK_SH)
                    try:
                        self._read_shared()
                    finally:
                        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                except OSError:
                    pass
            self._expire()
            counts: dict[str, int] = {}
            visitors: dict[str, set] = {}
            for queries in self._days.values():
                for q, (n, who) in queries.items():
                    counts[q] = counts.get(q, 0) + n
                    visitors.setdefault(q, set()).update(who)
        # the rules are applied again here: a file saved under other settings lists nothing they forbid
        shown = [(q, n) for q, n in counts.items() if len(visitors[q]) >= self.min_visitors and self._allowed(q)]
        shown.sort(key=lambda x: (-x[1], x[0]))
        return [{"query": q, "count": n} for q, n in shown[:limit]]
