"""Suggestions as you type, and related searches, from the index's own vocabulary.

The vocabulary (index/vocabulary.py) is written into each index generation at build
time: terms (jieba words, heading pieces, domain dictionary terms, frequent phrases)
with their passage frequencies and pinyin. :class:`Vocabulary` is its search-side
view, loaded once per generation and shared by did-you-mean (search/spelling.py) and
pinyin search (search/pinyin_query.py).

* :func:`complete`: completions of a prefix — Chinese (``五星`` → 五星支部) or pinyin
  (``wux`` / ``wxzb`` → 五星支部) — with the number of passages a search for each one
  finds (counted by the engine, not estimated).
* :func:`related`: "相关搜索", the terms that stand out in the passages a query matched
  (frequent there, rare in the index as a whole).
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from index.normalize import normalize
from index.vocabulary import DICTIONARY, HEADING, KIND_NAMES, PHRASE, WORD, read_vocabulary

from .keyindex import KeyIndex, PrefixIndex, SortedTerms

MAX_PREFIX_CHARS = 40
DEFAULT_LIMIT = 8
MAX_LIMIT = 20
_LATIN = re.compile(r"^[a-z]+$")


class Vocabulary:
    """One generation's vocabulary: terms sorted, with frequency, kinds and pinyin."""

    def __init__(self, data: dict):
        self.terms: list[str] = data["terms"]
        self.freq: list[int] = data["freq"]
        self.kinds: list[int] = data["kinds"]
        self.pinyin: list[str] = data["pinyin"]
        self.index = SortedTerms(self.terms)  # term → id, by binary search (the terms are sorted)
        self._lock = threading.Lock()
        self._pinyin_keys: tuple | None = None

    @classmethod
    def empty(cls) -> "Vocabulary":
        return cls({"terms": [], "freq": [], "kinds": [], "pinyin": []})

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term: str) -> bool:
        return term in self.index

    def frequency(self, term: str) -> int:
        i = self.index.get(term)
        return self.freq[i] if i is not None else 0

    def kind_names(self, i: int) -> list[str]:
        return [name for bit, name in KIND_NAMES.items() if self.kinds[i] & bit]

    # --- pinyin keys (built on first use) -----------------------------------------
    def full_pinyin(self, i: int) -> str:
        return self.pinyin[i].replace(" ", "")

    def pinyin_initials(self, i: int) -> str:
        return "".join(x[0] for x in self.pinyin[i].split())

    def pinyin_keys(self):
        """(ids by full pinyin, ids by initials — :class:`PrefixIndex` —, full → ids,
        initials → ids — :class:`KeyIndex`)."""
        if self._pinyin_keys is None:
            with self._lock:
                if self._pinyin_keys is None:
                    with_pinyin = [i for i, p in enumerate(self.pinyin) if p]
                    self._pinyin_keys = (
                        PrefixIndex(with_pinyin, self.full_pinyin),
                        PrefixIndex(with_pinyin, self.pinyin_initials),
                        KeyIndex((self.full_pinyin(i), i) for i in with_pinyin),
                        KeyIndex((self.pinyin_initials(i), i) for i in with_pinyin),
                    )
        return self._pinyin_keys

    # --- prefix ranges ------------------------------------------------------------
    def with_prefix(self, prefix: str) -> range:
        lo = bisect.bisect_left(self.terms, prefix)
        hi = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return range(lo, hi)


_CACHE: dict[str, Vocabulary] = {}
_CACHE_LOCK = threading.Lock()


def vocabulary_of(gen: Path) -> Vocabulary:
    """The vocabulary of an index generation (cached; empty when the index has none,
    e.g. one built before this feature: rebuild to get it)."""
    key = str(gen)
    with _CACHE_LOCK:
        vocab = _CACHE.get(key)
    if vocab is not None:
        return vocab
    try:
        vocab = Vocabulary(read_vocabulary(gen))
    except (OSError, ValueError, KeyError):
        vocab = Vocabulary.empty()
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if len(_CACHE) >= 4:  # old generations
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = vocab
    if len(vocab):
        threading.Thread(target=_warm, args=(vocab,), daemon=True, name="govsearch-vocabulary").start()
    return vocab


# Warm-ups run in the background on each newly loaded vocabulary, so that the first
# suggestion or correction does not wait for its tables. Modules that build tables
# over the vocabulary (search/spelling.py) add theirs here: the arrow points from them
# to this module, never back.
WARM_UPS: list[Callable[[Vocabulary], object]] = [lambda vocab: vocab.pinyin_keys()]


def _warm(vocab: Vocabulary) -> None:
    for warm_up in list(WARM_UPS):
        try:
            warm_up(vocab)
        except Exception:  # a warm-up only; the first real use builds the tables and reports errors
            pass


def _weight(vocab: Vocabulary, i: int) -> float:
    kinds = vocab.kinds[i]
    w = float(vocab.freq[i])
    if kinds & DICTIONARY:
        w *= 3
    if kinds & (HEADING | PHRASE):
        w *= 1.5
    if kinds == WORD and vocab.freq[i] < 2:
        w *= 0.2  # a word seen once is rarely what someone is typing
    return w


def completion_ids(vocab: Vocabulary, prefix: str, limit: int) -> list[int]:
    """Ids of the best terms starting with ``prefix`` (normalized text), or, for a
    prefix of Latin letters, whose pinyin or pinyin initials start with it."""
    pool: set[int] = set(vocab.with_prefix(prefix)) if prefix else set()
    key = prefix.replace(" ", "")
    if _LATIN.match(key) and len(key) >= 2:
        full, initials, _, _ = vocab.pinyin_keys()
        for table in (full, initials):
            pool.update(table.with_prefix(key))
    ranked = heapq.nlargest(limit, pool, key=lambda i: (_weight(vocab, i), -len(vocab.terms[i])))
    return ranked


def complete(searcher, prefix: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Completions of ``prefix``: ``[{"text", "count", "kind"}]``, most useful first;
    ``count`` is the number of passages a search for ``text`` finds."""
    norm = normalize(prefix or "")[:MAX_PREFIX_CHARS]
    if not norm:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    vocab = vocabulary_of(searcher.generation_path())
    out = []
    for i in completion_ids(vocab, norm, limit * 2):
        count = searcher.passage_count(vocab.terms[i])
        if count:
            out.append({"text": vocab.terms[i], "count": count, "kind": vocab.kind_names(i)})
        if len(out) >= limit:
            break
    return out


def _terms_of(vocab: Vocabulary, words: list[str]) -> set[str]:
    """Vocabulary terms of a cut text; two adjacent words that form a vocabulary
    phrase count as that phrase (高效办成一件事: 办成一件, not 办成 and 一件)."""
    out: set[str] = set()
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            pair = words[i] + words[i + 1]
            k = vocab.index.get(pair)
            if k is not None and vocab.kinds[k] & PHRASE:
                out.add(pair)
                i += 2
                continue
        if len(words[i]) > 1 and words[i] in vocab.index:
            out.add(words[i])
        i += 1
    return out


def related(vocab: Vocabulary, analyzer, texts: list[str], exclude: set[str], passages: int,
            limit: int = 8) -> list[str]:
    """Terms that stand out in ``texts`` (normalized passages a query matched): in at
    least two of them, and frequent there compared with the whole index (tf·idf);
    the query's own words and their parts are left out."""
    if not texts or not len(vocab):
        return []
    seen: Counter = Counter()
    for text in texts:
        seen.update(_terms_of(vocab, analyzer.cut(text)))
    passages = max(passages, 1)
    scored = []
    for term, c in seen.items():
        if c < 2 or any(term in q or q in term for q in exclude):
            continue
        df = vocab.frequency(term)
        if df > passages * 0.05 and df > 20:  # everywhere: 工作, 发展
            continue
        i = vocab.index[term]
        bonus = 1.5 if vocab.kinds[i] & (DICTIONARY | PHRASE | HEADING) else 1.0
        scored.append((bonus * c * math.log(1 + passages / max(df, 1)), term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [term for _, term in scored[:limit]]
