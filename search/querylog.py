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

Days older than the retention are dropped. The log lives in memory and, when a file is
given, is saved there (JSON) at most every :data:`SAVE_EVERY` seconds and read back at
start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from index.normalize import normalize

MAX_QUERY_CHARS = 20
MIN_VISITORS = 3
SAVE_EVERY = 30.0
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
        self._saved_at = 0.0
        if self.enabled and self.path is not None:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._days = {d: {q: [int(entry["count"]), set(map(str, entry["visitors"]))] for q, entry in queries.items()}
                          for d, queries in data["days"].items()}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            self._days = {}  # a damaged or older file: start afresh (hot queries are a nicety)
        self._expire()

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
        with self._lock:
            day = self._today().isoformat()
            entry = self._days.setdefault(day, {}).setdefault(text, [0, set()])
            entry[0] += 1
            entry[1].add(who)
            self._expire()
            if self.path is not None and time.monotonic() - self._saved_at > SAVE_EVERY:
                self._save()

    def _save(self) -> None:
        self._saved_at = time.monotonic()
        data = {"days": {d: {q: {"count": n, "visitors": sorted(v)} for q, (n, v) in queries.items()}
                         for d, queries in self._days.items()}}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # hot queries are a nicety: never fail a search for them

    def flush(self) -> None:
        if self.enabled and self.path is not None:
            with self._lock:
                self._save()

    def hot(self, limit: int = 8) -> list[dict]:
        """``[{"query", "count"}]``, most searched first, within the retention window:
        only queries searched by ``min_visitors`` different visitors."""
        if not self.enabled:
            return []
        with self._lock:
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
