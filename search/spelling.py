"""Did you mean: corrections of a query that finds nothing (or almost nothing).

Candidates come from the index's own vocabulary (index/generation/vocabulary.py: its words,
headings, dictionary terms and frequent phrases, with passage frequencies), never
from an outside word list, so every suggestion is something the index holds:

* **homophones** (same pinyin, 五心支部 → 五星支部 is wu-xin/wu-xing: a *near*
  homophone; 人居环竟 → 人居环境 an exact one). Near homophones are those of the usual
  fuzzy-pinyin pairs of typing and dialect: z/zh, c/ch, s/sh, n/l, an/ang, en/eng,
  in/ing;
* one-character **substitutions, insertions, deletions and transpositions**
  (Damerau–Levenshtein distance 1, found with a deletion index);

for the whole term and for every stretch of two to eight characters inside it
(加强人居环竟整治 → 加强人居环境整治). Each candidate is scored by its kind (a
homophone or a transposition is a likelier typo than any other substitution) and
its frequency, and is kept only if a search for the corrected term finds passages.

It only suggests: the caller shows "您是不是要找" and the original results. A term
with more than :data:`FEW` hits is taken as meant and never corrected.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from index.generation.assist_tables import MAX_WINDOW, fuzzy, fuzzy_all  # noqa: F401  (fuzzy_all: public)
from index.generation.pinyin_readings import Readings
from index.generation.vocabulary import DICTIONARY, HEADING
from search.suggest import Vocabulary

FEW = 2  # a query with at most this many hits may get a suggestion
MAX_TERM_CHARS = 24
MAX_READINGS = 16
_CJK = re.compile(r"[\u3400-\u9fff]")
_ALL_CJK = re.compile(r"^[\u3400-\u9fff]+$")

BONUS = {"homophone": 4.0, "near-homophone": 3.0, "transposition": 3.0,
         "deletion": 1.5, "insertion": 1.5, "substitution": 0.5}


def readings(term: str, table: Readings) -> list[list[str]]:
    """Pinyin readings of a (typed) term of Chinese characters: every combination of the
    characters' readings (pypinyin's, from the generation's tables: ``table``), at most
    :data:`MAX_READINGS` (the first reading of each character first)."""
    per_char = [r[:3] for r in table.pinyin(term)]
    first = [r[0] for r in per_char]
    out = [first]
    for combo in itertools.islice(itertools.product(*per_char), MAX_READINGS):
        if list(combo) != first:
            out.append(list(combo))
    return out


def osa_distance_one(a: str, b: str) -> str | None:
    """The kind of single edit turning ``a`` into ``b``, or None when it takes more or none."""
    if a == b:
        return None
    la, lb = len(a), len(b)
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return "substitution"
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return "transposition"
        return None
    if la + 1 == lb:  # the query lacks a character: it was deleted by the typist
        for i in range(lb):
            if b[:i] + b[i + 1:] == a:
                return "deletion"
        return None
    if la == lb + 1:
        for i in range(la):
            if a[:i] + a[i + 1:] == b:
                return "insertion"
    return None


def tables(vocab: Vocabulary) -> Vocabulary:
    """The spelling tables of a vocabulary: ``by_pinyin``, ``by_fuzzy`` (near
    homophones) and ``deletions`` (one-character edits) — written at build time
    (index/generation/assist_tables.py) and mapped with the vocabulary."""
    return vocab


@dataclass(frozen=True)
class Candidate:
    text: str  # the corrected term (normalized)
    kind: str
    score: float


def candidates(vocab: Vocabulary, term: str, limit: int = 12) -> list[Candidate]:
    """Corrections of one normalized term, best first (not yet checked for hits)."""
    if not vocab.terms or len(term) > MAX_TERM_CHARS or not _CJK.search(term):
        return []
    tb = tables(vocab)
    found: dict[str, Candidate] = {}

    def consider(corrected: str, replaced: int, kind: str) -> None:
        if corrected == term:
            return
        kinds = vocab.kinds[replaced]
        score = BONUS[kind] + math.log1p(vocab.freq[replaced]) + (0.5 if kinds & (DICTIONARY | HEADING) else 0.0)
        old = found.get(corrected)
        if old is None or old.score < score:
            found[corrected] = Candidate(corrected, kind, score)

    n = len(term)
    for i in range(n):
        for j in range(min(n, i + MAX_WINDOW), i + 1, -1):
            window = term[i:j]
            if window in vocab.index and (i, j) != (0, n):
                continue  # a known word inside a longer term is taken as meant
            prefix, suffix = term[:i], term[j:]
            if _ALL_CJK.match(window):
                for reading in readings(window, vocab.readings):
                    exact_key = " ".join(reading)
                    for k in tb.by_pinyin.get(exact_key, ()):
                        cand = vocab.terms[k]
                        if _differing(window, cand) <= max(1, len(window) // 2):
                            consider(prefix + cand + suffix, k, "homophone")
                    for k in tb.by_fuzzy.get(" ".join(fuzzy(s) for s in reading), ()):
                        cand = vocab.terms[k]
                        if _differing(window, cand) <= max(1, len(window) // 2):
                            consider(prefix + cand + suffix, k, "near-homophone")
            if len(window) >= 3:
                keys = {window, *(window[:k] + window[k + 1:] for k in range(len(window)))}
                for key in keys:
                    for k in tb.deletions.get(key, ()):
                        cand = vocab.terms[k]
                        kind = osa_distance_one(window, cand)
                        if kind:
                            consider(prefix + cand + suffix, k, kind)
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.text))
    return ranked[:limit]


def _differing(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))


def correct_term(searcher, vocab: Vocabulary, term: str, own_count: int, limit: int = 3) -> list[tuple[str, int]]:
    """Checked corrections of one term: (corrected term, passages it finds), best
    first. A correction must find clearly more than the term itself: any passage when
    the term finds none, ten times as many when it finds a few."""
    need = 1 if own_count == 0 else own_count * 10
    out = []
    for cand in candidates(vocab, term):
        count = searcher.passage_count(cand.text)
        if count >= need:
            out.append((cand.text, count, cand.score))
    out.sort(key=lambda x: (-(x[2] + 0.3 * math.log1p(x[1])), x[0]))
    return [(text, count) for text, count, _ in out[:limit]]
