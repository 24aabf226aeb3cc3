"""The looser match tiers of a multi-term query: matches in context, partial matches.

The engine lists a query's matches tier by tier (``match`` in a hit, in this order):

* ``exact`` – every term as written in the passage;
* ``words`` – a term by its jieba words (search/relaxed.py);
* ``context`` – a term not in the passage but in what the passage stands under: its
  heading path, its report's title, or (for an item of a numbered list) the lead-in
  that introduces the list (``…应符合下列条件：`` before ``（一）…``). The heading says
  what the passage is about (the target of ``煤矿 智能化 目标`` has 目标 only in its
  heading ``（三）主要目标``), so the passage matches, and the term is named in
  ``context_terms``; its score is × ``CONTEXT_FACTOR`` (its text lacks the term its
  heading holds), which tells where it shares the exact tier;
* ``partial`` – only when the tiers above hold fewer than ``PARTIAL_MIN`` passages:
  the passages holding every term but the least informative one, named in
  ``missing_terms``. How informative a term is comes from the corpus: its idf times
  the mean number of times it occurs in a passage holding it (Ranker.informativeness).
  A question or intent word (措施, 原因, 目标, 条件, 情况) is common and said once where
  it stands (措施: 1,037 passages, 1.12 times each on the judged corpus); a topic is
  rarer or repeated where it is discussed (就业: 669 passages, 2.23 times each; 耕地保护:
  39 passages). Document frequency alone would drop 就业 from ``就业 困难 原因``.
  Listed, the partial matches are ranked with the full ones (exact, words, context),
  their score × ``PARTIAL_FACTOR`` (:func:`ranked`, :func:`weighed`). A query of one
  term made of several jieba words (秸秆禁烧: 秸秆 禁烧) has a partial tier too
  (``WORD_PARTIAL``): when some passage but fewer than ``PARTIAL_MIN`` hold the term,
  the passages holding every word of it but the least informative one;
* ``synonym`` – found only through a synonym (search/synonyms.py).

Quoted terms and ``+term`` are required as written: they are never dropped and never
matched in context. OR clauses are never dropped or matched in context either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from index.generation import rowsets

NAMES = ("exact", "words", "context", "partial", "synonym")
EXACT, WORDS, CONTEXT, PARTIAL, SYNONYM = range(len(NAMES))
CONTEXT_WITH_EXACT = False  # True: matches in context are ranked with the exact matches, by score (labelled apart)
PARTIAL_MIN = 10  # full matches (exact + words + context) below this bring in the partial tier
# a partial match is ranked with the exact matches, its score × this (0: listed after every full match)
PARTIAL_FACTOR = 0.85
WORD_PARTIAL = True  # a one-term query of several jieba words has a partial tier by its words
CONTEXT_FACTOR = 1.2  # a match in context's score × this (about 1 / PARTIAL_FACTOR)
LIST_REACH = 12  # numbered items after a lead-in that still inherit it (walking back from an item)
LEAD_IN_ENDS = ("：", ":")
LIST_SCAN = 300  # candidates checked for a list lead-in at most, per term (each may read source text)
SCAN_BLOCK = 4096  # rows looked at together while finding those candidates (any size gives the same ones)
_NUMERALS = set("一二三四五六七八九十0123456789")  # how a list item's normalized text starts
# a numbered list item: （一） (1) 1. 1、 一、 一是
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十百\d]{1,3}[）)]|\d{1,3}[.．、]|[一二三四五六七八九十]{1,3}[、是])")


class ContextTerms(Mapping):
    """Row → the terms (as typed, in the query's order) it matches in context. Kept as
    one sorted row array per term and looked up per row asked for: a frequent term
    matches tens of thousands of rows in context, a page shows ten of them."""

    def __init__(self) -> None:
        self._parts: list[tuple[str, np.ndarray]] = []

    def add(self, term: str, rows: np.ndarray) -> None:
        """``rows`` (sorted, unique) match ``term`` in context."""
        if len(rows):
            self._parts.append((term, rows))

    def __getitem__(self, row: int) -> list[str]:
        terms = [term for term, rows in self._parts if _holds(rows, row)]
        if not terms:
            raise KeyError(row)
        return terms

    def __iter__(self) -> Iterator[int]:
        seen: set[int] = set()
        for _, rows in self._parts:
            for r in rows.tolist():
                if r not in seen:
                    seen.add(r)
                    yield r

    def __len__(self) -> int:
        if not self._parts:
            return 0
        return len(rowsets.unique(np.concatenate([rows for _, rows in self._parts])))


def _holds(rows: np.ndarray, row: int) -> bool:
    i = int(np.searchsorted(rows, row))
    return i < len(rows) and int(rows[i]) == row


@dataclass
class Looser:
    context: np.ndarray  # sorted rows matched in context
    partial: np.ndarray  # sorted rows of the partial tier
    context_terms: ContextTerms = field(default_factory=ContextTerms)  # row → terms matched in context
    dropped: str | None = None  # the term the partial tier does without (as typed)


def is_item(text: str) -> bool:
    return bool(_ITEM.match(text))


def lead_in(t, r: int, needle: str | None = None) -> int | None:
    """The row of the lead-in of list item ``r`` (a passage of the same report ending
    with a colon, followed by numbered items up to ``r``), or None. With ``needle``
    (normalized), only a lead-in holding it is looked for: the passages in between
    are read in their normalized form (an item's starts with its numeral), and the
    source text (slower to read) only of the one holding the needle and of ``r``."""
    doc = t.doc[r]
    blob = _norm_blob(t) if needle is not None else None
    nb = needle.encode("utf-8") if blob is not None else b""
    block, base = None, 0  # the normalized bytes of the rows before r, read once when first needed
    for k in range(1, LIST_REACH + 1):
        p = r - k
        if p < 0 or t.doc[p] != doc:
            return None
        if blob is not None:  # the normalized bytes: nothing decoded
            data, offsets = blob
            if block is None:
                base = int(offsets[max(r - LIST_REACH, 0)])
                block = data[base:int(offsets[r])]
            chunk = block[int(offsets[p]) - base:int(offsets[p + 1]) - base]
            if chunk.find(nb) < 0:
                if _numeral_at(chunk, 0, len(chunk)):
                    continue
                return None
        elif needle is not None:
            norm = t.norm(p)
            if needle not in norm:
                if norm[:1] in _NUMERALS:
                    continue
                return None
        ends, item = _shape(t, p)
        if ends:
            return p if _shape(t, r)[1] else None
        if not item:
            return None
    return None


def _shape(t, r: int) -> tuple[bool, bool]:
    """(ends with a colon, starts with a list number) of passage ``r``'s source text,
    remembered per index generation (reading a passage's source text is the slow part)."""
    facts = t.__dict__.setdefault("_list_shapes", {})
    known = facts.get(r)
    if known is None:
        text = t.text(r).rstrip()
        known = facts[r] = (text.endswith(LEAD_IN_ENDS), is_item(text))
    return known


def ranked(tier: np.ndarray) -> np.ndarray:
    """The tier each row is sorted in: its match tier, but a match in context shares
    the exact tier when ``CONTEXT_WITH_EXACT`` (the heading counts toward the match;
    the score still weighs the term in the text above the term in the heading); when
    the partial tier is listed and ``PARTIAL_FACTOR`` is not 0, every full match and
    every partial match share it (see :func:`weighed`)."""
    partial = bool(PARTIAL_FACTOR) and bool(np.any(tier == PARTIAL))
    if not CONTEXT_WITH_EXACT and not partial:
        return tier
    out = tier.copy()
    if CONTEXT_WITH_EXACT or partial:  # a full match (every term) is never held below a partial one
        out[tier == CONTEXT] = EXACT
    if partial:
        out[(tier == WORDS) | (tier == PARTIAL)] = EXACT
    return out


def weighed(tier: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The scores the rows are sorted by: a partial match's × ``PARTIAL_FACTOR`` (it
    shares the exact tier). The partial tier is there only when full matches are few;
    then an exact match whose terms stand in unrelated sentences of a long paragraph
    (教育, 公平 and 措施 in a paragraph on reform) is weaker than a passage that
    discusses the topic in one sentence without the question word, and an exact match
    scoring more than 1 / ``PARTIAL_FACTOR`` times the partial one still comes first."""
    scores = np.where(tier == CONTEXT, scores * CONTEXT_FACTOR, scores)
    if not PARTIAL_FACTOR:
        return scores
    return np.where(tier == PARTIAL, scores * PARTIAL_FACTOR, scores)


def _droppable(clause) -> bool:
    return len(clause) == 1 and not clause[0].strict


def looser(t, clauses, rows_of: Callable, mask: np.ndarray, found: np.ndarray, excluded: np.ndarray,
           named: Callable, full_count: int, informativeness: Callable, words_of: Callable | None = None) -> Looser:
    """The context and partial tiers. ``rows_of(term)``: sorted rows holding the term;
    ``named(term, rows)``: bool per row, the term in its heading path or title;
    ``informativeness(term)``: the least informative term is the one a partial match drops;
    ``found``: sorted rows of the tiers above (exact, words); ``full_count``: their number."""
    empty = np.zeros(0, dtype=np.int64)
    out = Looser(empty, empty)
    if len(clauses) < 2:
        if len(clauses) == 1 and words_of is not None and WORD_PARTIAL:
            return _word_partial(clauses[0], rows_of, mask, found, excluded, full_count, informativeness, words_of)
        return out
    context_parts = []
    for i, clause in enumerate(clauses):
        if not _droppable(clause):
            continue
        term = clause[0]
        others = _and([c for j, c in enumerate(clauses) if j != i], rows_of)
        others = others[mask[others]]
        others = np.setdiff1d(others, found, assume_unique=True)
        if len(excluded):
            others = np.setdiff1d(others, excluded, assume_unique=True)
        if not len(others):
            continue
        hit = named(term, others)
        for k in _after_the_term(t, others, rows_of(term), ~hit):
            p = lead_in(t, int(others[k]), term.norm)
            if p is not None and term.norm in t.norm(p):
                hit[k] = True
        rows = others[hit]
        out.context_terms.add(term.text, rows)
        context_parts.append(rows)
    if context_parts:
        out.context = rowsets.unique(np.concatenate(context_parts))
    if full_count + len(out.context) >= PARTIAL_MIN:
        return out
    candidates = [(informativeness(c[0]), -i) for i, c in enumerate(clauses) if _droppable(c)]
    if not candidates:
        return out
    _, drop = min(candidates)  # the least informative term (ties: the later one)
    drop = -drop
    rows = _and([c for j, c in enumerate(clauses) if j != drop], rows_of)
    rows = rows[mask[rows]]
    rows = np.setdiff1d(rows, rowsets.unique(np.concatenate([found, out.context])), assume_unique=True)
    if len(excluded):
        rows = np.setdiff1d(rows, excluded, assume_unique=True)
    out.partial = rows
    out.dropped = clauses[drop][0].text
    return out


def _word_partial(clause, rows_of, mask, found, excluded, full_count, informativeness, words_of) -> Looser:
    """The partial tier of a one-term query whose term is made of several jieba words
    (秸秆禁烧: 秸秆 禁烧): when its full matches are fewer than ``PARTIAL_MIN`` but some
    passage holds it, the passages holding every word of the term but the least
    informative one. A term no passage holds is more likely mistyped (五心支部 for
    五星支部) than said in other words: its words alone would list passages about
    something else, and the spelling suggestion answers it."""
    empty = np.zeros(0, dtype=np.int64)
    out = Looser(empty, empty)
    if not 1 <= full_count < PARTIAL_MIN or not _droppable(clause):
        return out
    words = [_Word(w) for w in dict.fromkeys(words_of(clause[0]))]
    if len(words) < 2:
        return out
    _, drop = min((informativeness(w), -i) for i, w in enumerate(words))
    rows = _and([[w] for j, w in enumerate(words) if j != -drop], rows_of)
    rows = rows[mask[rows]]
    rows = np.setdiff1d(rows, found, assume_unique=True)
    if len(excluded):
        rows = np.setdiff1d(rows, excluded, assume_unique=True)
    out.partial = rows
    out.dropped = words[-drop].text
    return out


@dataclass(frozen=True)
class _Word:
    """A jieba word of a term, looked up as a term of its own."""
    norm: str

    @property
    def text(self) -> str:
        return self.norm


def _after_the_term(t, rows: np.ndarray, term_rows: np.ndarray, open_: np.ndarray) -> list[int]:
    """Indices into ``rows`` (where ``open_``) that may be list items under a lead-in
    holding the term: a passage holding it stands at most ``LIST_REACH`` rows before,
    in the same report, and the normalized text starts with a numeral (what is left of
    （一） 1. 一是). Reading the source text of every candidate to find its lead-in costs
    far more than these checks."""
    if not len(term_rows) or not len(rows):
        return []
    found = []  # the first LIST_SCAN candidates, found a block of rows at a time (a frequent term's
    taken = 0  # tens of thousands of rows usually yield them in the first block)
    for lo in range(0, len(rows), SCAN_BLOCK):
        block = rows[lo:lo + SCAN_BLOCK]
        at = np.searchsorted(term_rows, block) - 1
        ok = open_[lo:lo + SCAN_BLOCK] & (at >= 0)
        before = term_rows[np.maximum(at, 0)]
        ok &= (block - before >= 1) & (block - before <= LIST_REACH) & (t.doc[before] == t.doc[block])
        got = np.flatnonzero(ok)[:LIST_SCAN - taken] + lo
        found.append(got)
        taken += len(got)
        if taken >= LIST_SCAN:
            break
    picked = np.concatenate(found)
    blob = _norm_blob(t)
    if blob is None:
        return [k for k in picked.tolist() if t.norm(int(rows[k]))[:1] in _NUMERALS]
    chosen = rows[picked]
    heads = getattr(t.norms, "heads", None)
    if heads is not None:  # a blob read, not mapped: the first bytes of the chosen rows only
        data, starts, ends = heads(chosen, 3)
        return picked[_numerals_at(data, starts, ends)].tolist()
    data, offsets = blob
    return picked[_numerals_at(data, offsets[chosen], offsets[chosen + 1])].tolist()


_NUMERAL_BYTES = frozenset(c.encode("utf-8") for c in _NUMERALS)


def _norm_blob(t):
    """(bytes, offsets) of the normalized passage texts of ``t`` (the bytes mapped or
    read by slices, columns.BlobFile), or None for a table without them (then each text
    is decoded)."""
    norms = getattr(t, "norms", None)
    data, offsets = getattr(norms, "data", None), getattr(norms, "offsets", None)
    return None if data is None or offsets is None else (data, offsets)


_CJK_NUMERALS = np.array(sorted(ord(c) for c in _NUMERALS if ord(c) >= 0x800), dtype=np.int64)  # 3 bytes each


def _numerals_at(data, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`_numeral_at` of each ``[start, end)`` of ``data`` at once: the first
    character's code point read from its UTF-8 bytes (an ASCII digit, or a three-byte
    character among ``_NUMERALS``)."""
    out = np.zeros(len(starts), dtype=bool)
    if not len(starts) or not len(data):
        return out
    u8 = np.frombuffer(data, dtype=np.uint8)
    last = len(u8) - 1
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    first = u8[np.minimum(starts, last)].astype(np.int64)
    size = ends - starts
    digit = (size >= 1) & (first >= 0x30) & (first <= 0x39)
    three = (size >= 3) & (first >= 0xE0) & (first < 0xF0)
    second = u8[np.minimum(starts + 1, last)].astype(np.int64)
    third = u8[np.minimum(starts + 2, last)].astype(np.int64)
    code = ((first & 0x0F) << 12) | ((second & 0x3F) << 6) | (third & 0x3F)
    return digit | (three & np.isin(code, _CJK_NUMERALS))


def _numeral_at(data, a: int, b: int) -> bool:
    """Whether the UTF-8 text ``data[a:b]`` starts with one of ``_NUMERALS`` (as
    ``text[:1] in _NUMERALS``, its first character read from the bytes)."""
    if a >= b:
        return False
    first = data[a]
    size = 1 if first < 0x80 else 2 if first < 0xE0 else 3 if first < 0xF0 else 4
    return bytes(data[a:min(a + size, b)]) in _NUMERAL_BYTES


def _and(clauses, rows_of) -> np.ndarray:
    result = None
    for clause in clauses:
        alternatives = [rows_of(term) for term in clause]
        alt = alternatives[0] if len(alternatives) == 1 else rowsets.unique(np.concatenate(alternatives))
        result = alt if result is None else rowsets.intersect(result, alt)
        if not len(result):
            break
    return np.zeros(0, dtype=np.int64) if result is None else result
