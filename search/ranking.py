"""BM25F ranking of matched passages.

The query's jieba words are weighed by BM25 over three fields of each passage: its
text, the report title (×3) and its section heading (×2), combined BM25F-style (the
weighted term frequencies are summed before saturation). Term frequencies are counted
in the *normalized* text, exactly the form the match was made on, so a word jieba cut
differently in the passage (设 in 建设) still counts; document frequencies come from
the same matching machinery, so idf agrees with what a search for the word returns.

Per-word statistics are computed once per index generation and kept (LRU).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .table import PassageTable

TITLE_BOOST = 3.0
SECTION_BOOST = 2.0
K1 = 1.2
B = 0.75
CACHED_WORDS = 256


@dataclass
class WordStats:
    rows: np.ndarray  # sorted rows whose text contains the word
    tf: np.ndarray | None  # occurrences in each of those rows' text (counted when first needed)
    in_title: np.ndarray  # occurrences in each report title, by report code
    in_section: np.ndarray  # occurrences in each section heading path, by section code
    idf: float


class Ranker:
    def __init__(self, table: PassageTable, containing: Callable[[str], np.ndarray]):
        self.table = table
        self.containing = containing
        self._stats: OrderedDict[str, WordStats] = OrderedDict()
        self._lock = threading.Lock()

    def stats(self, word: str) -> WordStats:
        with self._lock:
            cached = self._stats.get(word)
            if cached is not None:
                self._stats.move_to_end(word)
                return cached
        t = self.table
        rows = self.containing(word)
        in_title = np.fromiter((t.norm_title(c).count(word) for c in range(len(t.doc_ids))), dtype=np.float64,
                               count=len(t.doc_ids))
        in_section = np.fromiter((t.norm_section(c).count(word) for c in range(len(t.section_names))),
                                 dtype=np.float64, count=len(t.section_names))
        df = len(rows)
        idf = math.log(1.0 + (t.count - df + 0.5) / (df + 0.5))
        stats = WordStats(rows, None, in_title, in_section, idf)
        with self._lock:
            self._stats[word] = stats
            if len(self._stats) > CACHED_WORDS:
                self._stats.popitem(last=False)
        return stats

    def _text_frequencies(self, s: WordStats, word: str, rows: np.ndarray) -> np.ndarray:
        """Occurrences of ``word`` in the text of each of ``rows``. Counted directly when
        the rows are few compared with the passages holding the word (a rare phrase with
        a common word); otherwise counted once for all of them and kept."""
        norms = self.table.norms
        if s.tf is None and len(rows) * 4 < len(s.rows):
            return np.fromiter((norms[r].count(word) for r in rows.tolist()), dtype=np.float64, count=len(rows))
        if s.tf is None:
            s.tf = np.fromiter((norms[r].count(word) for r in s.rows.tolist()), dtype=np.float64,
                               count=len(s.rows))
        tf = np.zeros(len(rows), dtype=np.float64)
        if len(s.rows):
            pos = np.minimum(np.searchsorted(s.rows, rows), len(s.rows) - 1)
            present = s.rows[pos] == rows
            tf[present] = s.tf[pos[present]]
        return tf

    def bm25f(self, rows: np.ndarray, words: list[str]) -> np.ndarray:
        """Scores of ``rows`` (an int array) for the query ``words`` (normalized)."""
        t = self.table
        scores = np.zeros(len(rows), dtype=np.float64)
        if not len(rows) or not words:
            return scores
        saturation = K1 * (1.0 - B + B * t.length[rows] / t.avg_length)
        doc_codes, section_codes = t.doc[rows], t.section[rows]
        for word in words:
            s = self.stats(word)
            tf = self._text_frequencies(s, word, rows)
            tf += TITLE_BOOST * s.in_title[doc_codes] + SECTION_BOOST * s.in_section[section_codes]
            scores += s.idf * tf * (K1 + 1.0) / (tf + saturation)
        return scores
