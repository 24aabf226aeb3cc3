"""Hot queries ("热门搜索") from the server's own query log.

Anonymous counts only: for each day, how many times each query text was searched
(first page, with at least one hit). No address, cookie, user, time of day or
filters are kept. Days older than the retention are dropped. The log lives in
memory and, when a file is given, is saved there (JSON) at most every
:data:`SAVE_EVERY` seconds and read back at start-up. A query shows up as hot only
once it was searched :data:`MIN_COUNT` times or more in the retention window, so a
one-off text never appears to others.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from index.normalize import normalize

MAX_QUERY_CHARS = 40
MIN_COUNT = 2
SAVE_EVERY = 30.0


class QueryLog:
    def __init__(self, enabled: bool = True, days: int = 30, path: str | Path | None = None,
                 min_count: int = MIN_COUNT, today=date.today):
        self.enabled = enabled
        self.days = max(1, int(days))
        self.path = Path(path) if path else None
        self.min_count = min_count
        self._today = today
        self._lock = threading.Lock()
        self._days: dict[str, Counter] = {}
        self._saved_at = 0.0
        if self.enabled and self.path is not None:
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._days = {d: Counter({q: int(n) for q, n in counts.items()}) for d, counts in data["days"].items()}
        except (OSError, ValueError, KeyError, AttributeError, TypeError):
            self._days = {}
        self._expire()

    def _expire(self) -> None:
        oldest = (self._today() - timedelta(days=self.days - 1)).isoformat()
        for d in [d for d in self._days if d < oldest]:
            del self._days[d]

    def record(self, query: str, total: int) -> None:
        """Count one search (only with hits, and only a short query)."""
        if not self.enabled or not total or not query:
            return
        text = " ".join(query.split())
        if not text or len(text) > MAX_QUERY_CHARS or not normalize(text):
            return
        with self._lock:
            day = self._today().isoformat()
            self._days.setdefault(day, Counter())[text] += 1
            self._expire()
            if self.path is not None and time.monotonic() - self._saved_at > SAVE_EVERY:
                self._save()

    def _save(self) -> None:
        self._saved_at = time.monotonic()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(json.dumps({"days": self._days}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # hot queries are a nicety: never fail a search for them

    def flush(self) -> None:
        if self.enabled and self.path is not None:
            with self._lock:
                self._save()

    def hot(self, limit: int = 8) -> list[dict]:
        """``[{"query", "count"}]``, most searched first, within the retention window."""
        if not self.enabled:
            return []
        with self._lock:
            self._expire()
            total: Counter = Counter()
            for counts in self._days.values():
                total.update(counts)
        ranked = sorted(((q, n) for q, n in total.items() if n >= self.min_count), key=lambda x: (-x[1], x[0]))
        return [{"query": q, "count": n} for q, n in ranked[:limit]]
