"""Ranking of matched passages: which of them a reader wants first.

A passage's score adds up evidence, each signal with its weight (the constants below;
README "Ranking" lists them with the figures each one was measured at):

* **text** — BM25 of the query's jieba words in the passage's *normalized* text (the
  form the match was made on, so a word jieba cut differently in the passage still
  counts), with a length normalization that never rewards being short: a passage
  shorter than the average is normalized as if it had the average length, so a bare
  heading gets no more for its one occurrence than a paragraph does.
* **phrase** — BM25 of each whole query term as written (``稳就业`` as one string), so
  passages that repeat the phrase itself come before those that only hold its words.
* **context** — a body passage under a section heading (or in a report whose title)
  naming a query word gets a bounded bonus: the heading says what its passages are
  about, it is not a match of its own.
* **kind** — the score is multiplied by the passage kind's weight: a body paragraph
  that discusses the phrase comes before the heading, caption or title naming it,
  which reads better as the section of its passages.
* **brevity** — a body passage shorter than ``SHORT_CHARS`` (a one-line lead such as
  ``（三）加快发展新质生产力。``) is scaled down in proportion, as it is a heading in
  all but name.
* **coverage and proximity** — for queries of several terms, the share of the terms
  found as written and how close together the terms stand (the shortest stretch of
  text holding one occurrence of each) add to the score of the best candidates.
* **one sentence** — for queries of several terms, a passage with every term it holds
  inside one sentence (up to 。！？；) gets ``SENTENCE_WEIGHT`` × the mean idf: 农村 and
  养老 in one sentence are about rural pensions, in two sentences of a long paragraph
  they may be about two things.
* **figures** — a body passage with numbers (a target, an amount, a count) gets up to
  ``FIGURE_WEIGHT`` × the mean idf, in proportion to its numbers up to ``FIGURES_FULL``:
  the paragraph reporting what was done beats the one restating the slogan.
* **near the start** — a term whose first occurrence stands within ``EARLY_CHARS``
  normalized characters of the passage's start gets up to ``EARLY_WEIGHT`` × the mean
  idf, less the further it stands: the passage is about it (``收入是民生之源``), not
  naming it on its way to something else.
* **section lead** — a body passage that starts with a list number and holds at most
  ``BRIEF_SENTENCES`` sentences (``（七）着力保障和改善民生，不断增进民生福祉。坚持民生为大……。``:
  a numbered heading and the sentence restating it) is scaled by ``BRIEF_FACTOR``: the
  paragraphs that report what was done come first.
* **topic** — the query's matches lean to a topic facet (its share among them is at
  least ``TOPIC_LIFT`` times its share among all passages: 环境 → 环保): a passage of
  that topic gets ``TOPIC_WEIGHT`` × the mean idf; 环境 in 营商环境 is another topic.
* **inside a name** — a passage where every occurrence of a term is part of a longer
  proper name (三峡 in 重庆三峡学院: the term followed within ``NAME_GAP`` characters by
  学院, 大学, 公司 …) is scaled by ``NAME_FACTOR``: it names an institution, it is not
  about the term.

Exact matches still come before word matches whatever the score (the engine sorts by
match tier first). Document frequencies come from the same matching machinery, so idf
agrees with what a search for the word returns. Per-word statistics are computed once
per index generation and kept (LRU).
"""

from __future__ import annotations

import bisect
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.generation import repeats, rowsets
from index.normalize import normalize, normalize_with_offsets
from search import boundaries
from search.table import PassageTable
from search.tiers import is_item

K1 = 1.5
B = 0.3
LENGTH_FLOOR = 1.5  # passages shorter than this × the average length are normalized as if that long
PHRASE_WEIGHT = 1.0  # × idf, BM25 of each whole term as written (when it is not a single jieba word)
CONTEXT_WEIGHT = 0.25  # × idf of each word named in the section path or title, at most once per word
KIND_WEIGHTS = {"body": 1.0, "heading": 0.45, "title": 0.45, "caption": 0.4, "byline": 0.2}
SHORT_CHARS = 80  # body passages shorter than this are scaled by (length / SHORT_CHARS) ** SHORT_POWER
SHORT_POWER = 0.35
LEAD_WEIGHT = 2.0  # × idf of each term in the lead sentence of a body paragraph that goes on after it
LEAD_ENDS = "。！？；：!?;:"
LEAD_REST = 20  # characters the paragraph must go on after its lead sentence
LEAD_MAX = 30  # a lead sentence longer than this (normalized characters) is not a topic sentence
PROXIMITY_WEIGHT = 0.0  # × mean idf, for all terms within PROXIMITY_CHARS of each other
PROXIMITY_CHARS = 30
COVERAGE_WEIGHT = 0.0  # × mean idf × share of the terms found as written (word matches)
SENTENCE_WEIGHT = 1.0  # × mean idf, every term the passage holds (two or more) within one sentence
SENTENCE_ENDS = "。！？；!?;\n"
EARLY_WEIGHT = 0.5  # × mean idf × mean over the terms of max(0, 1 − where it first stands / EARLY_CHARS)
EARLY_CHARS = 30  # normalized characters from the passage's start
FIGURE_WEIGHT = 0.25  # × mean idf × min(1, numbers / FIGURES_FULL), body passages
FIGURES_FULL = 3
BRIEF_SENTENCES = 2  # a numbered body passage of at most this many sentences is a section lead
BRIEF_FACTOR = 0.9  # a section lead's score × this
TOPIC_WEIGHT = 0.25  # × mean idf, a passage of the topic facet the query's matches lean to
TOPIC_LIFT = 2.5  # that topic's share among the matches ÷ its share among all passages, at least
NAME_FACTOR = 0.5  # score × this when every occurrence of a term is inside a longer proper name
NAME_GAP = 2  # characters between the term and the name's suffix, at most
NAME_SUFFIXES = ("大学", "学院", "学校", "中学", "小学", "公司", "集团", "银行", "医院", "研究院", "研究所")
RERANK = 100  # how many of the best passages of a tier get the proximity / coverage signals
RERANKED_ROWS = 16384  # rows whose rerank bonus and factor are kept per generation (all the query terms' sets together)
CACHED_WORDS = 256
NAMED_TABLE = 8  # a word's naming kept for every row once a query asks about this share (1 / n) of the rows
CACHED_BYTES = 32 << 20  # word statistics kept per generation: the bound's floor (search/engine.py cache_bound)

# Kept for anyone who imported them; the context signal replaced the two boosts.
TITLE_BOOST = 3.0
SECTION_BOOST = 2.0


@dataclass
class WordStats:
    rows: np.ndarray  # sorted rows whose text contains the word
    tf: np.ndarray | None  # occurrences in each of those rows' text (int32), -1 until a query needs it
    title_codes: np.ndarray  # report codes whose title holds the word (sorted)
    section_codes: np.ndarray  # section codes whose heading path holds it (sorted)
    titles: int  # how many report titles there are
    sections: int  # how many heading paths
    idf: float
    # per own row, the word's BM25 text part (NaN until a query ranks the row) and
    # whether it is named in the row's title or heading path: kept with the word, so a
    # frequent word's warm query adds cached arrays instead of redoing the arithmetic
    part: np.ndarray | None = None
    own_named: np.ndarray | None = None
    named_rows: np.ndarray | None = None  # per row of the table, named: kept once queries ask about many rows

    def named(self, doc_codes: np.ndarray, section_codes: np.ndarray) -> np.ndarray:
        """Per row (its report and section codes), whether the word is in its report's
        title or its heading path. Only the codes that hold the word are kept (not a
        count per title and per heading path for every cached word: that grew a server
        by megabytes a query on a large index); a code of -1 reads the last entry, as
        indexing the full tables did."""
        return _flags(self.title_codes, self.titles)[doc_codes] | _flags(self.section_codes, self.sections)[section_codes]

    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.rows, self.tf, self.title_codes, self.section_codes, self.part,
                                      self.own_named, self.named_rows) if a is not None)


def _flags(codes: np.ndarray, n: int) -> np.ndarray:
    flags = np.zeros(max(n, 1), dtype=bool)
    flags[codes] = True
    return flags


def _count(t: PassageTable, r: int, word: str) -> int:
    """Occurrences of ``word`` in passage ``r`` (Latin words and numbers at word boundaries)."""
    if boundaries.bounded(word):
        clear = boundaries.count_clear(t.norm(r), word)
        return clear if clear is not None else boundaries.count(t.text(r), word)
    return t.norm(r).count(word)


def _counts(t: PassageTable, rows: np.ndarray, word: str) -> np.ndarray:
    """:func:`_count` for each of ``rows``, every one of which holds ``word``. Read from
    the counts of repeated bigrams (index/generation/repeats.py) where they decide it: a
    two-character word's count is its bigram's; a longer word occurs once where one of
    its bigrams does. Only the other rows' texts are read."""
    if boundaries.bounded(word):
        return np.fromiter((_count(t, r, word) for r in rows.tolist()), dtype=np.float64, count=len(rows))
    table_repeats = getattr(t, "repeats", None)
    if table_repeats is None or len(word) < 2 or not len(rows):
        return t.occurrences(rows, word)
    least = table_repeats.bound(word, rows)
    if repeats.exact(word):
        return least.astype(np.float64)
    out = np.ones(len(rows), dtype=np.float64)
    more = np.flatnonzero(least > 1)
    if len(more):
        out[more] = t.occurrences(rows[more], word)
    return out


class Ranker:
    def __init__(self, table: PassageTable, containing: Callable[[str], np.ndarray], max_bytes: int | None = None):
        """``max_bytes``: at most this much of word statistics kept (default ``CACHED_BYTES``)."""
        self.table = table
        self.max_bytes = max_bytes
        self.containing = containing
        self._stats: OrderedDict[str, WordStats] = OrderedDict()
        self._bytes = 0  # what the cached statistics hold
        self._lock = threading.Lock()
        self._kind_weight: np.ndarray | None = None
        self._lead: np.ndarray | None = None
        self._numbers: np.ndarray | None = None
        self._leads: np.ndarray | None = None
        self._saturation: np.ndarray | None = None
        self._row_weight: np.ndarray | None = None
        self._is_body: np.ndarray | None = None
        self._topic_shares: np.ndarray | None = None
        # per set of query terms, {row: (bonus, factor)} of the rows the rerank has looked
        # at: a row's are its text's and the terms' alone, so a repeated query reads them
        self._reranked: OrderedDict[tuple, dict[int, tuple[float, float]]] = OrderedDict()
        self._reranked_rows = 0

    def stats(self, word: str) -> WordStats:
        with self._lock:
            cached = self._stats.get(word)
            if cached is not None:
                self._stats.move_to_end(word)
                return cached
        t = self.table
        rows = self.containing(word)
        in_title, in_section = t.heading_occurrences(word)
        df = len(rows)
        idf = math.log(1.0 + (t.count - df + 0.5) / (df + 0.5))
        stats = WordStats(rows, None, np.flatnonzero(in_title), np.flatnonzero(in_section), len(in_title),
                          len(in_section), idf)
        with self._lock:
            old = self._stats.pop(word, None)  # another thread made it meanwhile
            if old is not None:
                self._bytes -= old.nbytes()
            self._stats[word] = stats
            self._bytes += stats.nbytes()
            self._evict()
        return stats

    def _evict(self) -> None:
        """Drop the least recently used words beyond ``CACHED_WORDS`` or ``max_bytes``
        (the lock held); the newest word always stays."""
        limit = CACHED_BYTES if self.max_bytes is None else self.max_bytes
        while len(self._stats) > 1 and (len(self._stats) > CACHED_WORDS or self._bytes > limit):
            _, old = self._stats.popitem(last=False)
            self._bytes -= old.nbytes()

    def named(self, word: str, rows: np.ndarray) -> np.ndarray:
        """Per row, whether ``word`` (normalized) is in its heading path or report title."""
        return self._named_rows(self.stats(word), word, rows)

    def _named_rows(self, s: WordStats, word: str, rows: np.ndarray) -> np.ndarray:
        """:meth:`WordStats.named` of ``rows``; asked about at least 1 / ``NAMED_TABLE`` of
        the table's rows, read from a table of every row kept with the word (one gather
        instead of two and two flag tables per query)."""
        t = self.table
        if len(rows) * NAMED_TABLE < len(t.live):
            return s.named(t.doc[rows], t.section[rows])
        table = s.named_rows
        if table is None:
            table = s.named(t.doc, t.section)
            with self._lock:
                if s.named_rows is None:
                    s.named_rows = table
                    if self._stats.get(word) is s:  # still cached: its size counts
                        self._bytes += table.nbytes
                        self._evict()
                table = s.named_rows
        return table[rows]

    def informativeness(self, word: str) -> float:
        """idf × the mean occurrences of ``word`` in the passages holding it (0 when
        none does): low for words said once wherever they stand (措施, 原因, 目标), high
        for rare terms and for topics repeated where they are discussed."""
        s = self.stats(word)
        if not len(s.rows):
            return 0.0
        return s.idf * float(self._text_frequencies(s, word, s.rows).mean())

    def kind_weight(self) -> np.ndarray:
        """Per row, the weight of its passage kind (computed once per generation)."""
        if self._kind_weight is None:
            codes, names = self.table.kind, list(self.table.kind_names)
            weights = np.array([KIND_WEIGHTS.get(n, 1.0) for n in names] or [1.0], dtype=np.float64)
            self._kind_weight = weights[codes]
        return self._kind_weight

    def is_body(self) -> np.ndarray:
        """Per row, whether its kind weighs as a body paragraph (once per generation)."""
        if self._is_body is None:
            self._is_body = self.kind_weight() == KIND_WEIGHTS["body"]
        return self._is_body

    def saturation(self) -> np.ndarray:
        """Per row, BM25's length saturation ``K1 * (1 - B + B * length / average)``, the
        length never below ``LENGTH_FLOOR`` × the average (once per generation: the same
        arithmetic on each row as a query's rows alone, so the same numbers)."""
        if self._saturation is None:
            t = self.table
            length = np.maximum(t.length, LENGTH_FLOOR * t.avg_length)  # never reward being short
            self._saturation = K1 * (1.0 - B + B * length / t.avg_length)
        return self._saturation

    def row_weight(self) -> np.ndarray:
        """Per row, what its score is multiplied by last: its kind's weight, a body
        passage's scaled by ``(length / SHORT_CHARS) ** SHORT_POWER`` below
        ``SHORT_CHARS`` (once per generation)."""
        if self._row_weight is None:
            weight = self.kind_weight()
            short = np.minimum(1.0, self.table.length / SHORT_CHARS) ** SHORT_POWER
            self._row_weight = np.where(weight == KIND_WEIGHTS["body"], weight * short, weight)
        return self._row_weight

    def _text_part(self, s: WordStats, word: str, rows: np.ndarray) -> np.ndarray:
        """The BM25 text evidence ``idf * tf * (K1 + 1) / (tf + saturation)`` of ``word``
        for each of ``rows`` (0 for rows without it). Each row's value is computed the
        first time a query ranks it and kept with the word's statistics."""
        out = np.zeros(len(rows), dtype=np.float64)
        if not len(s.rows) or not len(rows):
            return out
        own = len(rows) == len(s.rows) and np.array_equal(rows, s.rows)
        with self._lock:
            if s.part is None:
                s.part = np.full(len(s.rows), np.nan, dtype=np.float64)
                if self._stats.get(word) is s:  # still cached: its size counts
                    self._bytes += s.part.nbytes
            part = s.part
        if own:
            pos, present = None, None
            known = part[:]
        else:
            pos, present = rowsets.positions(s.rows, rows)
            known = part[pos]
        missing = np.isnan(known)
        if missing.any():
            wanted = (rows if own else rows[present])[missing]
            tf = self._text_frequencies(s, word, wanted)
            value = s.idf * tf * (K1 + 1.0) / (tf + self.saturation()[wanted])
            where = np.flatnonzero(missing) if own else pos[missing]
            part[where] = value
            known = part[pos] if not own else part
        if own:
            out[:] = known
        else:
            out[present] = known
        return out

    def _named_part(self, s: WordStats, word: str, rows: np.ndarray) -> np.ndarray:
        """Per row of ``rows``, whether the word is named in its title or heading path;
        for the word's own rows kept with its statistics."""
        t = self.table
        if len(rows) == len(s.rows) and np.array_equal(rows, s.rows):
            if s.own_named is None:
                named = s.named(t.doc[rows], t.section[rows])
                with self._lock:
                    if s.own_named is None:
                        s.own_named = named
                        if self._stats.get(word) is s:  # still cached: its size counts
                            self._bytes += named.nbytes
            return s.own_named
        return self._named_rows(s, word, rows)

    def _text_frequencies(self, s: WordStats, word: str, rows: np.ndarray) -> np.ndarray:
        """Occurrences of ``word`` in the text of each of ``rows`` (0 for rows without
        it). Each passage is counted the first time a query needs it and remembered with
        the word's statistics, so a fresh process counts only the rows it ranks and a
        server soon counts nothing."""
        tf = np.zeros(len(rows), dtype=np.float64)
        if not len(s.rows) or not len(rows):
            return tf
        if len(rows) == len(s.rows) and np.array_equal(rows, s.rows):
            # the word's own rows (a one-word query, informativeness): no lookup
            pos, present = np.arange(len(rows)), np.ones(len(rows), dtype=bool)
        else:
            pos, present = rowsets.positions(s.rows, rows)
        with self._lock:
            if s.tf is None:
                s.tf = np.full(len(s.rows), -1, dtype=np.int32)  # counts: exact in 32 bits, half of float64
                if self._stats.get(word) is s:  # still cached: its size counts
                    self._bytes += s.tf.nbytes
            known = s.tf[pos]
        missing = known < 0
        if missing.any():
            counted = _counts(self.table, rows[present][missing], word)
            known[missing] = counted
            with self._lock:
                s.tf[pos[missing]] = counted
        tf[present] = known
        return tf

    def bm25f(self, rows: np.ndarray, words: list[str]) -> np.ndarray:
        """Text and context evidence of ``rows`` for the query ``words`` (normalized)."""
        scores = np.zeros(len(rows), dtype=np.float64)
        if not len(rows) or not words:
            return scores
        for word in words:
            s = self.stats(word)
            scores += self._text_part(s, word, rows)
            scores += CONTEXT_WEIGHT * s.idf * self._named_part(s, word, rows)
        return scores

    def score(self, rows: np.ndarray, words: list[str], phrases: list[str], tier: np.ndarray | None = None
              ) -> np.ndarray:
        """The ranking score of ``rows``: ``words`` are the query's jieba words,
        ``phrases`` its terms as written (normalized); ``tier`` the match tier of each
        row (0 exact, 1 words), whose best ``RERANK`` rows get proximity and coverage."""
        scores = self.bm25f(rows, words)
        if not len(rows):
            return scores
        phrases = [p for p in dict.fromkeys(phrases) if p]
        idfs = []
        for phrase in phrases:
            s = self.stats(phrase)
            idfs.append(s.idf)
            if phrase in words:
                continue  # already counted as a word
            tf = self._text_frequencies(s, phrase, rows)
            scores += PHRASE_WEIGHT * s.idf * tf * (K1 + 1.0) / (tf + self.saturation()[rows])
        if TOPIC_WEIGHT and idfs:  # before the rerank: it decides which rows the rerank looks at
            scores += TOPIC_WEIGHT * float(np.mean(idfs)) * self.of_leaning_topic(rows)
        bonus, factor = self._rerank(rows, scores, phrases, idfs, tier)
        scores = (scores + bonus) * factor
        return scores * self.row_weight()[rows]

    def _rerank(self, rows, scores, phrases, idfs, tier) -> tuple[np.ndarray, np.ndarray]:
        """Lead, coverage, proximity, sentence and figure bonuses and the name factor for
        the best ``RERANK`` rows of each tier."""
        bonus = np.zeros(len(rows), dtype=np.float64)
        factor = np.ones(len(rows), dtype=np.float64)
        if not phrases or not len(rows):
            return bonus, factor
        multi = len(phrases) > 1 and (COVERAGE_WEIGHT or PROXIMITY_WEIGHT)
        tier = np.zeros(len(rows), np.int8) if tier is None else tier
        is_body = self.is_body()
        mean_idf = float(np.mean(idfs))
        pairs = list(zip(phrases, idfs))
        for value in rowsets.unique(tier).tolist():
            members = np.flatnonzero(tier == value)
            if len(members) > RERANK:
                members = _best(members, scores[members], RERANK)
            member_rows = rows[members]
            # a row's bonus and factor depend on the terms (and, with coverage, the tier) only
            key = (tuple(phrases), value if multi else None)
            with self._lock:
                known = self._reranked.get(key)
                if known is not None:
                    self._reranked.move_to_end(key)
                    got = [known.get(r) for r in member_rows.tolist()]
            if known is None or None in got:
                got = self._rerank_rows(key, member_rows, is_body, phrases, pairs, mean_idf, multi, value)
            bonus[members] = [b for b, _ in got]
            factor[members] = [f for _, f in got]
        return bonus, factor

    def _rerank_rows(self, key: tuple, member_rows: np.ndarray, is_body: np.ndarray, phrases: list[str],
                     pairs: list[tuple[str, float]], mean_idf: float, multi, value: int
                     ) -> list[tuple[float, float]]:
        """(bonus, factor) of each of ``member_rows``, kept under ``key`` (at most
        ``RERANKED_ROWS`` rows kept in all, the least recently used sets of terms dropped
        first; the newest set always stays)."""
        t = self.table
        with self._lock:
            kept = self._reranked.get(key) or {}
            wanted = [r for r in member_rows.tolist() if r not in kept]
        made: dict[int, tuple[float, float]] = {}
        if wanted:
            wanted_rows = np.array(wanted, dtype=np.int64)
            body_rows = is_body[wanted_rows]
            leads = self.lead_lengths(wanted_rows[body_rows]) if LEAD_WEIGHT else {}
            # each row's bonus and factor in Python floats (the same arithmetic, in the
            # same order, as on the array's elements)
            for r, body in zip(wanted, body_rows.tolist()):
                n = leads.get(r, 0)
                text = t.norm(r)
                b = 0.0 + mean_idf * substance(lambda r=r: t.text(r), text, phrases, body,
                                               lambda r=r, text=text: self.numbers(r, text))
                f = 1.0
                if body and self.section_lead(r):
                    f *= BRIEF_FACTOR
                if inside_names(text, phrases):
                    f *= NAME_FACTOR
                if n:
                    lead = text[:n]
                    b += LEAD_WEIGHT * sum(idf for p, idf in pairs if p in lead)
                if multi:
                    found = [p for p in phrases if p in text]
                    if value != 0:
                        b += COVERAGE_WEIGHT * mean_idf * len(found) / len(phrases)
                    span = shortest_span(text, found) if len(found) > 1 and PROXIMITY_WEIGHT else None
                    if span is not None:
                        b += PROXIMITY_WEIGHT * mean_idf * min(1.0, PROXIMITY_CHARS / max(span, 1))
                made[r] = (b, f)
        with self._lock:
            known = self._reranked.pop(key, None)
            if known is None:
                known = {}
            self._reranked_rows -= len(known)
            if len(known) + len(made) > RERANKED_ROWS:  # one set of terms alone over the bound: its newest rows
                known = {r: known[r] for r in member_rows.tolist() if r in known}
            known.update(made)
            self._reranked[key] = known
            self._reranked_rows += len(known)
            while len(self._reranked) > 1 and self._reranked_rows > RERANKED_ROWS:
                _, dropped = self._reranked.popitem(last=False)
                self._reranked_rows -= len(dropped)
            return [known[r] for r in member_rows.tolist()]

    def topic_shares(self) -> np.ndarray:
        """Per topic facet, the share of the live passages that carry it (once per generation)."""
        if self._topic_shares is None:
            t = self.table
            bits = getattr(t, "topics", None)
            names = getattr(t, "topic_names", ())
            if bits is None or not len(names):
                self._topic_shares = np.zeros(0)
            else:
                live = np.asarray(bits)[t.live_rows].astype(np.int64)
                self._topic_shares = np.array([((live >> k) & 1).mean() if len(live) else 0.0
                                               for k in range(len(names))])
        return self._topic_shares

    def of_leaning_topic(self, rows: np.ndarray) -> np.ndarray:
        """Per row of ``rows`` (a query's matches), 1.0 when it carries the topic facet the
        matches lean to: the one whose share among them is the highest multiple of its
        share among all passages, if that multiple is at least ``TOPIC_LIFT`` (环境 → 环保:
        the matches about the environment outweigh those about the business climate);
        all 0.0 when they lean to none."""
        shares = self.topic_shares()
        out = np.zeros(len(rows), dtype=np.float64)
        if not len(shares) or not len(rows):
            return out
        bits = np.asarray(self.table.topics[rows]).astype(np.uint64, copy=False)
        # a topic's share among the rows: its count over their number (what the mean of
        # its 0/1 bits comes to, exactly)
        lift = [np.count_nonzero(bits & np.uint64(1 << k)) / len(rows) / s if s > 0 else 0.0
                for k, s in enumerate(shares.tolist())]
        best = max(range(len(lift)), key=lift.__getitem__)
        if lift[best] >= TOPIC_LIFT:
            out[:] = (bits & np.uint64(1 << best)) != 0
        return out

    def numbers(self, r: int, norm: str) -> int:
        """How many numbers passage ``r`` (normalized text ``norm``) holds, counted the
        first time a query ranks it and kept per generation (one int32 per row)."""
        if self._numbers is None:
            self._numbers = np.full(len(self.table.live), -1, dtype=np.int32)
        n = int(self._numbers[r])
        if n < 0:
            n = self._numbers[r] = count_numbers(norm)
        return n

    def section_lead(self, r: int) -> bool:
        """Whether passage ``r`` is a section lead (:func:`section_lead`), found the first
        time a query ranks it and kept per generation (one int8 per row)."""
        if self._leads is None:
            self._leads = np.full(len(self.table.live), -1, dtype=np.int8)
        known = int(self._leads[r])
        if known < 0:
            known = self._leads[r] = int(section_lead(self.table.text(r)))
        return bool(known)

    def lead_lengths(self, rows: np.ndarray) -> dict[int, int]:
        """``{row: lead length}`` for the rows that have a lead sentence."""
        if self._lead is None:
            self._lead = np.full(len(self.table.live), -1, dtype=np.int32)
        known = self._lead[rows]
        for r in rows[known < 0].tolist():
            self._lead[r] = len(lead_sentence(self.table.text(r)))
        values = self._lead[rows]
        keep = values > 0
        return dict(zip(rows[keep].tolist(), values[keep].tolist()))


def _best(members: np.ndarray, member_scores: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` members of highest score, best first, ties in member order (as a stable
    sort by descending score would give them), without sorting all of them."""
    cut = np.partition(member_scores, len(member_scores) - n)[len(member_scores) - n]  # the n-th best score
    above = np.flatnonzero(member_scores > cut)
    tied = np.flatnonzero(member_scores == cut)[: n - len(above)]
    chosen = np.concatenate([above, tied])
    chosen = chosen[np.lexsort((chosen, -member_scores[chosen]))]
    return members[chosen]


_NAME_SUFFIX = re.compile("|".join(re.escape(suffix) for suffix in NAME_SUFFIXES))
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

_SENTENCE = re.compile("[" + re.escape(SENTENCE_ENDS) + "]")


def one_sentence(text: str, needles: list[str]) -> bool:
    """Whether one sentence of ``text`` holds every (normalized) needle whole."""
    if all(n in text for n in needles):  # the needles as written in the source: no normalizing needed
        return any(all(n in part for n in needles) for part in _SENTENCE.split(text))
    norm, offsets = normalize_with_offsets(text)
    ends = [m.end() for m in _SENTENCE.finditer(text)]
    common = None
    for needle in needles:
        at, where = norm.find(needle), set()
        while at >= 0:
            first, last = offsets[at], offsets[at + len(needle) - 1]
            k = bisect.bisect_right(ends, first)
            if k == bisect.bisect_right(ends, last):  # not split by a sentence end
                where.add(k)
            at = norm.find(needle, at + 1)
        common = where if common is None else common & where
        if not common:
            return False
    return bool(common)


def substance(text: Callable[[], str], norm: str, phrases: list[str], body: bool,
              numbers: Callable[[], int] | None = None) -> float:
    """The sentence and figure bonuses of a passage, in units of the query's mean idf
    (``text``: reads the passage's source text, only when the sentence check needs it;
    ``numbers``: how many numbers ``norm`` holds, when the caller keeps them)."""
    out = 0.0
    found = [p for p in phrases if p in norm]
    if len(found) > 1 and SENTENCE_WEIGHT and one_sentence(text(), found):
        out += SENTENCE_WEIGHT
    if EARLY_WEIGHT and found:  # the term near the start: what the passage is about (docs/ranking.md)
        out += EARLY_WEIGHT * sum(max(0.0, 1.0 - norm.find(p) / EARLY_CHARS) for p in found) / len(phrases)
    if body and FIGURE_WEIGHT:  # numbers of the normalized text: 3.5 and 12,000 are one each
        out += FIGURE_WEIGHT * min(1.0, (numbers() if numbers is not None else count_numbers(norm)) / FIGURES_FULL)
    return out


def count_sentences(text: str) -> int:
    """How many sentences (ending at ``SENTENCE_ENDS``, or at the text's end) hold some text."""
    return sum(1 for part in _SENTENCE.split(text) if part.strip())


def section_lead(text: str) -> bool:
    """A passage that starts with a list number and holds at most ``BRIEF_SENTENCES``
    sentences: a numbered heading and the sentence restating it (``（七）着力保障和改善民生，
    不断增进民生福祉。坚持民生为大，……。``), not the paragraph that reports what was done."""
    return is_item(text) and count_sentences(text) <= BRIEF_SENTENCES


def count_numbers(norm: str) -> int:
    """How many numbers a normalized text holds (3.5 and 12,000 are one each)."""
    return len(_NUMBER.findall(norm))


def inside_names(norm: str, phrases: list[str]) -> bool:
    """Whether some term occurs in ``norm`` and every occurrence of it is followed,
    within ``NAME_GAP`` characters, by the suffix of a proper name (三峡 in 重庆三峡学院)."""
    if _NAME_SUFFIX.search(norm) is None:  # no name's suffix anywhere: no term inside a name
        return False
    for p in phrases:
        at = norm.find(p)
        if at < 0:
            continue
        inside = True
        while at >= 0:
            after = norm[at + len(p): at + len(p) + NAME_GAP + 3]
            if not any(0 <= after.find(suffix) <= NAME_GAP for suffix in NAME_SUFFIXES):
                inside = False
                break
            at = norm.find(p, at + 1)
        if inside:
            return True
    return False


def lead_sentence(text: str) -> str:
    """The normalized first sentence of a paragraph that goes on after it ("" if it
    does not: a one-sentence passage is a heading in all but name)."""
    end = min((i for i in (text.find(c) for c in LEAD_ENDS) if i >= 0), default=-1)
    if end < 0 or len(text) - end - 1 < LEAD_REST:
        return ""
    lead = normalize(text[:end])
    return lead if len(lead) <= LEAD_MAX else ""


def shortest_span(text: str, needles: list[str]) -> int | None:
    """Length of the shortest stretch of ``text`` holding an occurrence of every needle
    (None if one is missing)."""
    events: list[tuple[int, int, int]] = []  # (start, end, needle)
    for k, needle in enumerate(needles):
        start = text.find(needle)
        if start < 0:
            return None
        while start >= 0:
            events.append((start, start + len(needle), k))
            start = text.find(needle, start + 1)
    events.sort()
    need = len(needles)
    count = [0] * need
    have = 0
    best = None
    lo = 0
    for hi in range(len(events)):
        k = events[hi][2]
        if count[k] == 0:
            have += 1
        count[k] += 1
        while have == need:
            end = max(e[1] for e in events[lo:hi + 1])
            span = end - events[lo][0]
            best = span if best is None or span < best else best
            kl = events[lo][2]
            count[kl] -= 1
            if count[kl] == 0:
                have -= 1
            lo += 1
    return best
