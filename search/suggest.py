"""Suggestions as you type, and related searches, from the index's own vocabulary.

The vocabulary (index/generation/vocabulary.py) is written into each index generation at build
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
import functools
import heapq
import math
import os
import re
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from index.generation import assist_tables, keyindex, pinyin_readings, store
from index.generation.keyindex import KeyIndex, PrefixIndex
from index.generation.vocabulary import DICTIONARY, HEADING, KIND_NAMES, PHRASE, WORD, read_vocabulary
from index.normalize import normalize

MAX_PREFIX_CHARS = 40
DEFAULT_LIMIT = 8
MAX_LIMIT = 20
_LATIN = re.compile(r"^[a-z]+$")


class Strings:
    """A column of strings over a UTF-8 blob and its offsets (mapped or in memory), each
    decoded when asked for; a sequence, so ``bisect`` works on sorted ones."""

    __slots__ = ("_data", "_offsets", "_n")

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self._data, self._offsets, self._n = data, offsets, max(len(offsets) - 1, 0)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i) -> str:
        i = int(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        o = self._offsets
        return self._data[int(o[i]):int(o[i + 1])].tobytes().decode("utf-8")

    def __iter__(self):
        return iter(keyindex.strings(self._data, self._offsets))


class HashedTerms:
    """``term in index``, ``index.get(term)`` and ``index[term]``: a term's id by its hash
    (:class:`~index.generation.keyindex.KeyIndex`), checked against the term itself."""

    def __init__(self, terms: Strings, table: KeyIndex):
        self._terms, self._table = terms, table

    def get(self, term: str, default=None):
        for i in self._table.get(term):
            if self._terms[i] == term:
                return i
        return default

    def __getitem__(self, term: str) -> int:
        i = self.get(term)
        if i is None:
            raise KeyError(term)
        return i

    def __contains__(self, term: str) -> bool:
        return self.get(term) is not None

    def __len__(self) -> int:
        return len(self._terms)


class Vocabulary:
    """One generation's vocabulary: terms sorted, with frequency, kinds, pinyin and
    part-of-speech tags, and the lookup tables over them — the arrays of
    index/generation/assist_tables.py, mapped from the generation (:meth:`mapped`) or,
    for a vocabulary given as lists (tests), made here."""

    def __init__(self, data: dict):
        """From lists ``terms`` (sorted), ``freq``, ``kinds``, ``pinyin`` (and ``tags``)."""
        self._setup(assist_tables.make(data["terms"], data["freq"], data["kinds"], data["pinyin"], data.get("tags")))

    @classmethod
    def mapped(cls, tables: assist_tables.AssistTables) -> "Vocabulary":
        vocab = cls.__new__(cls)
        vocab._setup(tables)
        vocab.tables = tables
        return vocab

    def _setup(self, a) -> None:
        self.tables = None
        self.terms = Strings(a["terms.data"], a["terms.offsets"])
        self.freq: np.ndarray = a["freq"]
        self.kinds: np.ndarray = a["kinds"]
        self.pinyin = Strings(a["pinyin.data"], a["pinyin.offsets"])
        self.tags = Strings(a["tags.data"], a["tags.offsets"]) if a.get("tags.data") is not None else None
        # a generation's tables: the lookup tables read a block at a time (mapped where the
        # system has no positioned reads)
        paged = getattr(a, "paged", None) if hasattr(os, "pread") else None

        def table(name: str) -> KeyIndex:
            if paged is not None:
                return KeyIndex.of_files(paged(f"{name}.h"), paged(f"{name}.i"))
            return KeyIndex.of_arrays(a[f"{name}.h"], a[f"{name}.i"])

        self.index = HashedTerms(self.terms, table("term"))
        pinyin = self.pinyin  # the key functions hold the strings, not the vocabulary: no reference cycle
        # keeps a dropped vocabulary's mapping alive until the garbage collector runs
        self._pinyin_keys = (
            PrefixIndex.of_ids(a["prefix_full"], lambda i: assist_tables.full_pinyin(pinyin[i])),
            PrefixIndex.of_ids(a["prefix_initials"], lambda i: assist_tables.initials(pinyin[i])),
            table("by_full"),
            table("by_initials"),
        )
        self.by_pinyin = table("by_pinyin")
        self.by_fuzzy = table("by_fuzzy")
        self.deletions = table("deletions")
        self._reversed = a["reversed"]
        self._readings = pinyin_readings.Readings(a) if pinyin_readings.present(a) else None

    @property
    def readings(self) -> pinyin_readings.Readings:
        """pypinyin's readings of typed text (did-you-mean), from the generation's tables;
        a vocabulary made in memory from lists (tests) computes them with pypinyin."""
        if self._readings is None:
            self._readings = pinyin_readings.Readings(pinyin_readings.arrays())
        return self._readings

    @classmethod
    def empty(cls) -> "Vocabulary":
        return cls({"terms": [], "freq": [], "kinds": [], "pinyin": []})

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term: str) -> bool:
        return term in self.index

    def verify(self) -> None:
        """Raise IndexDamaged when the mapped tables were damaged since they were opened."""
        if self.tables is not None:
            self.tables.verify()

    def frequency(self, term: str) -> int:
        i = self.index.get(term)
        return int(self.freq[i]) if i is not None else 0

    def kind_names(self, i: int) -> list[str]:
        return [name for bit, name in KIND_NAMES.items() if self.kinds[i] & bit]

    def tags_of(self, i: int) -> tuple[str, ...]:
        """jieba's part-of-speech tags of term ``i`` (written at build time)."""
        if self.tags is None:
            return _tags(self.terms[i])
        return tuple(self.tags[i].split())

    # --- pinyin keys --------------------------------------------------------------
    def full_pinyin(self, i: int) -> str:
        return assist_tables.full_pinyin(self.pinyin[i])

    def pinyin_initials(self, i: int) -> str:
        return assist_tables.initials(self.pinyin[i])

    def pinyin_keys(self):
        """(ids by full pinyin, ids by initials — :class:`PrefixIndex` —, full → ids,
        initials → ids — :class:`KeyIndex`)."""
        return self._pinyin_keys

    def with_suffix(self, suffix: str) -> list[tuple[int, str]]:
        """``(id, term)`` of the terms ending with ``suffix`` (ids sorted by reversed term)."""
        key = suffix[::-1]
        ids = self._reversed
        lo = bisect.bisect_left(ids, key, key=lambda i: self.terms[i][::-1])
        hi = bisect.bisect_left(ids, key + "\U0010ffff", key=lambda i: self.terms[i][::-1])
        return [(i, self.terms[i]) for i in ids[lo:hi].tolist()]

    # --- prefix ranges ------------------------------------------------------------
    def with_prefix(self, prefix: str) -> range:
        lo = bisect.bisect_left(self.terms, prefix)
        hi = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return range(lo, hi)


_CACHE: dict[str, Vocabulary] = {}
_CACHE_LOCK = threading.Lock()


def vocabulary_of(gen: Path) -> Vocabulary:
    """The vocabulary of an index generation, mapped from its tables (cached; empty
    when the index has none, e.g. one built before this feature: rebuild to get it)."""
    key = str(gen)
    with _CACHE_LOCK:
        vocab = _CACHE.get(key)
    if vocab is not None:
        vocab.verify()
        return vocab
    if assist_tables.present(gen):
        # their bytes checked now, not when the generation was opened (store.read_on_demand)
        store.check_before_reading(gen, lambda name: name in assist_tables.FILES)
        vocab = Vocabulary.mapped(assist_tables.AssistTables(gen))  # a damaged file: IndexMissing, as columns
    else:
        try:
            vocab = Vocabulary(read_vocabulary(gen))
        except (OSError, ValueError, KeyError):
            vocab = Vocabulary.empty()
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        # a server keeps one index's vocabulary, not one per switch: drop those of
        # generations no longer live (kept, they made a worker grow with every rebuild)
        for other in [k for k in _CACHE if not _is_live(Path(k))]:
            del _CACHE[other]
        if len(_CACHE) >= 4:  # several indexes in one process
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = vocab
    return vocab


def _is_live(gen: Path) -> bool:
    """Whether ``gen`` is the generation its index folder's ``CURRENT`` names."""
    try:
        return (gen.parent / "CURRENT").read_text(encoding="utf-8").strip() == gen.name
    except (OSError, UnicodeDecodeError):
        return False


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


# what a suggestion may be: a term of the domain dictionary, a whole heading piece, a
# jieba word of at least WHOLE_WORD_CHARS characters, or a phrase that is no fragment;
# a two-character word alone (创建, 开展, 国家, 理念) is filler, not a search anyone clicks
WHOLE_WORD_CHARS = 3
# a heading piece this long is a title of its own (聚焦党建引领), whatever its words; a
# shorter one (组织实施, 工作措施) is judged as any other term
HEADING_WHOLE_CHARS = 5
# a phrase (two adjacent words) is a fragment when its last word goes on into a longer
# term at least this often, compared with the phrase itself (乡村全面 of 乡村全面振兴:
# 全面振兴 is at least as frequent as 乡村全面)
FRAGMENT_SHARE = 1.0


def is_fragment(vocab: Vocabulary, i: int, cut) -> bool:
    """Whether phrase ``i`` stops inside a longer expression: its last word (``cut``: the
    analyzer's jieba cut) starts a vocabulary term that is at least ``FRAGMENT_SHARE``
    times as frequent as the phrase."""
    term = vocab.terms[i]
    words = cut(term)
    if len(words) < 2:
        return False
    last = words[-1]
    need = FRAGMENT_SHARE * vocab.freq[i]
    for j in vocab.with_prefix(last):
        longer = vocab.terms[j]
        if len(longer) > len(last) and not term.endswith(longer) and vocab.freq[j] >= need:
            return True
    return False


def is_tail(vocab: Vocabulary, i: int, cut) -> bool:
    """Whether phrase ``i`` starts inside a longer expression: its first word ends a
    longer vocabulary term at least ``FRAGMENT_SHARE`` times as frequent (万元新建 of
    投资万元新建 …)."""
    term = vocab.terms[i]
    words = cut(term)
    if len(words) < 2:
        return False
    first = words[0]
    need = FRAGMENT_SHARE * vocab.freq[i]
    return any(len(longer) > len(first) and not term.startswith(longer) and vocab.freq[j] >= need
               for j, longer in vocab.with_suffix(first))


def place_names(searcher) -> frozenset[str]:
    """The place names of the index's reports (towns, counties, cities, provinces): filters
    (the facets list them), not related searches or examples."""
    key = (str(searcher.generation_path()), getattr(searcher, "audience", None))
    names = _PLACES.get(key)
    if names is None:
        stats = searcher.stats()
        names = frozenset(n for k in ("towns", "counties", "cities", "provinces") for n in stats.get(k, ()))
        if len(_PLACES) > 8:  # old generations
            _PLACES.clear()
        _PLACES[key] = names
    return names


_PLACES: dict[tuple, frozenset[str]] = {}


# parts of speech (jieba) of filler: a phrase that is a modifier or verb followed by a
# verb (扎实推进, 加快建设, 组织实施, 持续优化) says how, not what; a word that is a
# number, adverb, pronoun … (万公里, 进一步, 各村) is not a subject either
FILLER_HEAD = frozenset("a ad d vd v r".split())
FILLER_TAIL = frozenset("v vd vn".split())
FILLER_WORD = frozenset("m mq q d a ad v vd r c p u f".split())
NOUNS = frozenset((tag,) for tag in "n nz nt nw".split())  # a short word that is a noun alone


@functools.lru_cache(maxsize=65536)
def _tags(term: str) -> tuple[str, ...]:
    import jieba.posseg

    return tuple(w.flag for w in jieba.posseg.lcut(term, HMM=False))


# the words of government reports' style that open or close a phrase saying how, not
# what (进一步加强, 全面推进, 严格落实, 各位代表, 形成一批): a phrase opening or closing with
# one is filler whatever jieba's part of speech for it
STYLE_HEADS = frozenset("""进一步 全面 着力 积极 严格 加快 加大 大力 深入 切实 扎实 持续 不断 基本 努力 认真 坚决
    毫不 稳步 有效 逐步 各位 帮助 形成 年均 以下 实际 政府 更加 不断 重点 主要 全力 广泛 充分 继续 依法""".split())
STYLE_TAILS = frozenset("""推进 落实 实施 实现 加强 构建 见效 稳妥 情况 工作 代表 他们 一批 增长 简称 松懈 走实 并举
    提高 提升 完善 开展 推动 发展 建设 改善 加快 做好 抓好""".split())


def is_filler(term: str, kinds: int, words: list[str] | None = None, tags: tuple[str, ...] | None = None) -> bool:
    """Whether a term says how rather than what: by the parts of speech of its words
    (``tags``: jieba's, as the vocabulary holds them; asked of jieba when not given), or
    a first or last word (``words``: its jieba cut) of the reports' style."""
    if words and len(words) > 1 and (words[0] in STYLE_HEADS or words[-1] in STYLE_TAILS):
        return True
    tags = _tags(term) if tags is None else tags
    if not tags or all(t in FILLER_WORD for t in tags):
        return True
    return len(tags) > 1 and tags[0] in FILLER_HEAD and tags[-1] in FILLER_TAIL


def cut_off(term: str, texts: list[str]) -> bool:
    """Whether ``term`` is cut out of a longer expression in ``texts`` (normalized
    passages): it occurs at least twice, and every occurrence has the same character
    right after it (粤港澳大湾 → 区) or the same character right before it (足迹管理体系 ← 碳)."""
    after: set[str] = set()
    before: set[str] = set()
    n = 0
    for text in texts:
        start = text.find(term)
        while start >= 0:
            n += 1
            end = start + len(term)
            after.add(text[end] if end < len(text) else "")
            before.add(text[start - 1] if start else "")
            start = text.find(term, start + 1)
    if n < 2:
        return False
    return any(len(side) == 1 and next(iter(side)) != "" and _is_cjk(next(iter(side))) for side in (after, before))


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def is_suggestible(vocab: Vocabulary, i: int, cut, short_nouns: bool = False) -> bool:
    """Whether term ``i`` is something a user would click as a search of its own: a
    dictionary term, or a term of at least WHOLE_WORD_CHARS characters that is neither
    a fragment nor filler. ``short_nouns`` (completions, which finish what the user is
    typing): a shorter word that is a noun (银行 for yinh) too."""
    kinds = vocab.kinds[i]
    term = vocab.terms[i]
    if kinds & DICTIONARY:
        return True
    if len(term) < WHOLE_WORD_CHARS:
        return bool(short_nouns and kinds & WORD and vocab.tags_of(i) in NOUNS)
    if kinds & HEADING and len(term) >= HEADING_WHOLE_CHARS:
        return True
    if kinds & PHRASE and not kinds & HEADING and (is_fragment(vocab, i, cut) or is_tail(vocab, i, cut)):
        return False
    return not is_filler(term, kinds, cut(term), vocab.tags_of(i))


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
    cut = searcher.analyzer.cut
    out = []
    for i in completion_ids(vocab, norm, limit * 3):
        # the typed text itself only when it is a whole term (人居环境整治, with its count;
        # not 营商, whose search is 营商环境); others also when they are short nouns (银行)
        if not is_suggestible(vocab, i, cut, short_nouns=vocab.terms[i] != norm):
            continue
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
            limit: int = 8, places: frozenset[str] = frozenset()) -> list[str]:
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
        if term in places or not is_suggestible(vocab, vocab.index[term], analyzer.cut):
            continue
        i = vocab.index[term]
        if vocab.kinds[i] & PHRASE and not vocab.kinds[i] & (DICTIONARY | HEADING) and cut_off(term, texts):
            continue
        df = vocab.frequency(term)
        if df > passages * 0.05 and df > 20:  # everywhere: 工作, 发展
            continue
        i = vocab.index[term]
        bonus = 1.5 if vocab.kinds[i] & (DICTIONARY | PHRASE | HEADING) else 1.0
        scored.append((bonus * c * math.log(1 + passages / max(df, 1)), term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [term for _, term in scored[:limit]]


EXAMPLE_MIN_CHARS = 3
EXAMPLE_MAX_SHARE = 0.2  # a term in more than this share of passages is too common to show what search does
_EXAMPLES: dict[tuple[str, int], list[str]] = {}


def example_terms(searcher, limit: int = 4) -> list[str]:
    """Distinctive terms of the index to offer as example queries: dictionary terms of
    at least EXAMPLE_MIN_CHARS characters that are no place name, found in at least two
    passages and in at most EXAMPLE_MAX_SHARE of them, the most frequent first (cached
    per generation)."""
    gen = searcher.generation_path()
    audience = getattr(searcher, "audience", None)  # a caller seeing part of the index (search/visibility.py)
    key = (str(gen), limit, audience)
    if key in _EXAMPLES:
        return list(_EXAMPLES[key])
    keep = None if audience is None else (lambda term: searcher.passage_count(term) >= 2)
    out = pick_examples(vocabulary_of(gen), searcher.passage_total(), limit, place_names(searcher), keep)
    if len(_EXAMPLES) > 8:
        _EXAMPLES.clear()
    _EXAMPLES[key] = out
    return list(out)


def pick_examples(vocab: Vocabulary, passages: int, limit: int, places: frozenset[str] = frozenset(),
                  keep=None) -> list[str]:
    """The example terms of a vocabulary over ``passages`` passages (see :func:`example_terms`);
    ``keep(term)``: whether the caller may be offered it (found in passages it may see)."""
    total = max(passages, 1)
    kinds, freq = np.asarray(vocab.kinds), np.asarray(vocab.freq)
    chosen = np.flatnonzero(((kinds & DICTIONARY) != 0) & (freq >= 2) & (freq <= EXAMPLE_MAX_SHARE * total))
    pool = [i for i in chosen.tolist() if len(vocab.terms[i]) >= EXAMPLE_MIN_CHARS]
    pool.sort(key=lambda i: (-int(vocab.freq[i]), vocab.terms[i]))
    out: list[str] = []
    for i in pool:
        term = vocab.terms[i]
        if term in places or any(term in o or o in term for o in out):
            continue
        if keep is not None and not keep(term):
            continue
        out.append(term)
        if len(out) >= limit:
            break
    return out
