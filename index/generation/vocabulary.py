"""The index's vocabulary, written at build time for query assistance.

What the search side's did-you-mean, pinyin search and suggestions-as-you-type draw
from (search/spelling.py, search/pinyin_query.py, search/suggest.py):

* **words**: the multi-character jieba words of the passages (normalized text) found
  in at least :data:`MIN_WORD_PASSAGES` passages (or in the dictionary);
* **headings**: the pieces of title and heading lines between spaces and punctuation
  (``聚焦党建引领 把稳高质量发展方向`` → 聚焦党建引领, 把稳高质量发展方向);
* **dictionary terms**: words of the domain dictionary (and gazetteer) that occur;
* **phrases**: two adjacent jieba words that stand next to each other in the text of
  at least :data:`MIN_PHRASE_PASSAGES` passages (人居环境 + 整治).

Each term has its **passage frequency** (in how many passages it occurs as such) and,
for terms written in Chinese characters only, its **pinyin** — precomputed here with
pypinyin, whose phrase dictionary reads polyphones by the word (银行 = yin hang,
重庆 = chong qing).

Three files go into the generation folder:

* ``vocabulary.json.gz`` and ``vocabulary-freq.npy``: the table the search side loads
  (read only when a query needs query assistance and the tables derived from it are
  missing) — columns ``terms`` and ``pinyin`` (syllables separated by spaces, empty for
  terms with other characters) in the JSON, ``freq`` and ``kinds`` (bit flags,
  :data:`WORD` …) as the two columns of the array, sorted by term. Apart because an
  update that adds and drops no term changes only the counts: the JSON (15 MB at 100 MB
  of reports, half a CPU-second to write) stays the previous generation's, hard-linked,
  and is not even read (the changed terms are found through the previous
  query-assistance tables' term index); a table of version 1 (all four columns in the
  JSON) is still read;
* ``vocabulary-counts.npy`` and ``vocabulary-counts.terms``: the raw passage counts of
  every candidate term (as a word, a heading piece and a phrase, before the thresholds;
  one row per term, the terms one a line), so that ``index update`` starts from them,
  subtracts what the changed and removed reports contributed (their passages are read
  back from the previous generation and cut again with the same dictionary) and adds
  what the re-analyzed ones contribute — changing only those terms' rows, and only their
  entries of the table above: the result is the vocabulary a full build would write,
  without keeping each report's share or recounting the others.
"""

from __future__ import annotations

import gzip
import heapq
import json
import os
import pickle
import re
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import chain
from pathlib import Path

import numpy as np

from index.generation import assist_tables, keyindex, pinyin_readings
from index.generation.grams import NpyWriter
from index.normalize import normalize

VOCABULARY = "vocabulary.json.gz"
VOCABULARY_FREQ = "vocabulary-freq.npy"  # (terms, 2) int64: freq, kinds
COUNTS = "vocabulary-counts.npy"  # the counts, one row per term
COUNT_TERMS = "vocabulary-counts.terms"  # the terms, one a line after a header line
COUNTS_MAGIC = "govsearch-vocabulary-counts"
VERSION = 2
COUNTS_VERSION = 2
KINDS = ("w", "h", "p")  # word, heading piece, phrase candidate

WORD, HEADING, DICTIONARY, PHRASE = 1, 2, 4, 8
KIND_NAMES = {WORD: "word", HEADING: "heading", DICTIONARY: "dictionary", PHRASE: "phrase"}

MIN_PHRASE_PASSAGES = 3
MIN_WORD_PASSAGES = 2
MAX_TERM_CHARS = 16
MAX_PHRASE_CHARS = 8
LONG_PASSAGE = 20_000  # characters: see passage_terms
_CJK = re.compile(r"[\u3400-\u9fff]")
_ALL_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_PIECES = re.compile(r"[\s\u3000,，.。、;；:：!！?？()（）\[\]【】《》<>“”\"'‘’·…—\-_/|]+")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十百]+|\d+)[、.．]?")


def _useful(term: str) -> bool:
    return 2 <= len(term) <= MAX_TERM_CHARS and bool(_CJK.search(term)) and not term.isdigit()


def heading_pieces(text: str) -> list[str]:
    """Normalized pieces of a heading line, without leading ordinals (一、 （二） 3.)."""
    out = []
    for piece in _PIECES.split(text):
        piece = _ORDINAL.sub("", piece.strip())
        norm = normalize(piece)
        if _useful(norm):
            out.append(norm)
    return out


def passage_terms(kind: str, text: str, norm: str, words: list[str]) -> tuple[set[str], set[str], set[str]]:
    """(words, heading pieces, phrase candidates) of one passage.

    A phrase candidate is two consecutive words of ``words`` (the passage's words of two
    or more characters, in order, cut from ``norm``) whose concatenation stands in the
    text: where the first one is (found by walking ``norm`` from left to right) or, in a
    passage of at most :data:`LONG_PASSAGE` characters, anywhere in it. Looking anywhere
    in a passage of millions of characters would cost a scan of it per pair."""
    useful = _useful
    ws = {w for w in set(words) if useful(w)}
    heads = set(heading_pieces(text)) if kind in ("heading", "title") else set()
    phrases = set()
    short = len(norm) <= LONG_PASSAGE
    cursor = 0
    find, starts = norm.find, norm.startswith
    for a, b in zip(words, words[1:]):
        at = find(a, cursor)
        if at >= 0:
            cursor = at + len(a)
        if len(a) + len(b) > MAX_PHRASE_CHARS:
            continue
        p = a + b
        # the cheap tests of the text first: most pairs do not stand together in it
        if p not in phrases and ((at >= 0 and starts(b, cursor)) or (short and p in norm)) and useful(p):
            phrases.add(p)
    return ws, heads, phrases


class CountTable:
    """The raw counts of every candidate term: ``terms`` sorted, ``counts`` an int32 array
    of one row per term (as a word, a heading piece, a phrase: :data:`KINDS`), no row all
    zero. Stored as :data:`COUNTS` (the rows) and :data:`COUNT_TERMS` (the terms, one a
    line), so that an update reads it in a few milliseconds and changes only the rows of
    the terms its reports touch (:meth:`apply`)."""

    def __init__(self, terms: list[str], counts: np.ndarray):
        self.terms = terms
        self.counts = counts

    @classmethod
    def read(cls, gen: Path) -> "CountTable":
        """ValueError or OSError when the files are missing or damaged."""
        gen = Path(gen)
        raw = (gen / COUNT_TERMS).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{COUNT_TERMS} is damaged ({exc})") from None
        header, _, body = text.partition("\n")
        if header != f"{COUNTS_MAGIC} {COUNTS_VERSION}":
            raise ValueError(f"{COUNT_TERMS}: header {header[:40]!r}, expected {COUNTS_MAGIC} {COUNTS_VERSION}")
        terms = body.split("\n") if body else []
        counts = np.load(gen / COUNTS, allow_pickle=False)
        if counts.ndim != 2 or counts.shape != (len(terms), len(KINDS)) or counts.dtype != np.int32:
            raise ValueError(f"{COUNTS}: shape {counts.shape} {counts.dtype} for {len(terms)} terms")
        return cls(terms, np.array(counts))

    def write(self, gen: Path) -> None:
        body = "\n".join(self.terms)
        _write_atomic(gen / COUNT_TERMS, f"{COUNTS_MAGIC} {COUNTS_VERSION}\n{body}".encode("utf-8"))
        tmp = gen / (COUNTS + ".tmp")
        with open(tmp, "wb") as f:
            np.save(f, np.ascontiguousarray(self.counts, dtype=np.int32), allow_pickle=False)
        os.replace(tmp, gen / COUNTS)

    def counters(self) -> dict[str, Counter]:
        out = {}
        for j, kind in enumerate(KINDS):
            col = self.counts[:, j].tolist()
            out[kind] = Counter({t: n for t, n in zip(self.terms, col) if n})
        return out

    def apply(self, delta: dict[str, list[int]]) -> dict[str, tuple[int, int, int]]:
        """Add ``delta`` (term → change of each kind's count; a count never goes under 0)
        and return the new counts of the terms it names."""
        terms, counts = self.terms, self.counts
        new: dict[str, list[int]] = {}
        for term, change in delta.items():
            i = bisect_left(terms, term)
            if i < len(terms) and terms[i] == term:
                counts[i] = np.maximum(counts[i] + change, 0)
            elif any(n > 0 for n in change):
                new[term] = [max(n, 0) for n in change]
        if new:
            added = sorted(new)
            at = [bisect_left(terms, t) for t in added]
            counts = np.insert(counts, at, np.array([new[t] for t in added], dtype=np.int32), axis=0)
            merged: list[str] = []
            last = 0
            for i, t in zip(at, added):
                merged.extend(terms[last:i])
                merged.append(t)
                last = i
            merged.extend(terms[last:])
            terms = merged
        keep = counts.any(axis=1)
        if not keep.all():
            gone = np.flatnonzero(~keep)
            counts = counts[keep]
            drop = set(gone.tolist())
            terms = [t for i, t in enumerate(terms) if i not in drop]
        self.terms, self.counts = terms, counts
        out = {}
        for term in delta:
            i = bisect_left(terms, term)
            out[term] = tuple(counts[i].tolist()) if i < len(terms) and terms[i] == term else (0, 0, 0)
        return out


PENDING_CHARS = 5_000_000  # characters of removed passages an update holds until it writes (about 20 MB)
SPILL_TERMS = 1 << 18  # candidate-term entries (of the three counters) a build holds; past it they go to a run
RUN_BLOCK = 1024  # terms a run's piece holds: what the merge holds of each run at a time (about 170 KiB)
RUN_FILE = "vocabulary-run-{}.tmp"


class VocabularyBuilder:
    """Counts terms during a build; :meth:`write` writes the files. An update starts
    from the previous generation's counts (:class:`CountTable`), calls :meth:`remove`
    for every report it drops or re-indexes and :meth:`add` for every report it
    analyzes: only the terms of those reports change, in the counts and in the table."""

    def __init__(self, analyzer, previous: Path | None = None, counts: "CountTable | None" = None,
                 folder: Path | None = None):
        self.analyzer = analyzer
        self._dictionary: set[str] | None = None
        self.counts: dict[str, Counter] = {k: Counter() for k in KINDS}
        # a build's counters grow with the corpus (about 110 bytes a candidate term, a
        # million of them at 1 GB of reports): past SPILL_TERMS entries they are written
        # to ``folder`` as a run sorted by term, and :meth:`write` merges the runs
        self.folder = Path(folder) if folder is not None else None
        self.runs: list[Path] = []
        self.previous = Path(previous) if previous is not None else None
        self.table: CountTable | None = None
        self.delta: dict[str, list[int]] = {}
        self._tags: dict[str, str] | None = None
        self._readings: dict | None = None
        self._previous_assist: assist_tables.AssistTables | None = None
        self._old: dict | None = None  # the previous generation's vocabulary table
        # removed passages waiting for their words (see :meth:`remove`)
        self._pending: list[list[tuple[str, str, str]]] = []
        self._pending_chars = 0
        self._pending_norms: set[str] = set()
        self._pending_words: dict[str, list[str]] = {}
        if previous is not None:
            self.table = counts if counts is not None else CountTable.read(previous)
            self._readings, self._previous_assist = _previous_tables(previous)

    @property
    def _tags_cache(self) -> dict[str, str]:
        """The previous generation's part-of-speech tags by term (see :func:`_previous_tags`)."""
        if self._tags is None:
            self._tags = _previous_tags(self._previous_assist)
        return self._tags

    @property
    def dictionary(self) -> set[str]:
        if self._dictionary is None:
            self._dictionary = {normalize(w) for w, _ in self.analyzer.userdict}
        return self._dictionary

    def _terms(self, passages, norms: list[str], words: list[list[str]],
               into: tuple[Counter, Counter, Counter] | None = None) -> tuple[Counter, Counter, Counter]:
        """The passages' terms counted into ``into`` (new counters when None)."""
        w, h, p = into if into is not None else (Counter(), Counter(), Counter())
        for passage, norm, ws in zip(passages, norms, words):
            a, b, c = passage_terms(passage.kind, passage.text, norm, ws)
            w.update(a)
            h.update(b)
            p.update(c)
        return w, h, p

    def _change(self, counters, sign: int) -> None:
        for j, counter in enumerate(counters):
            for term, n in counter.items():
                row = self.delta.get(term)
                if row is None:
                    row = self.delta[term] = [0] * len(KINDS)
                row[j] += sign * n

    def add(self, passages, norms: list[str], words: list[list[str]]) -> None:
        """One analyzed report: its passages (with ``kind`` and ``text``), their
        normalized texts and multi-character jieba words."""
        if self._pending_norms:
            for norm, ws in zip(norms, words):
                if norm in self._pending_norms:
                    self._pending_words[norm] = ws
        if self.table is not None:
            self._change(self._terms(passages, norms, words), 1)
            return
        # straight into the build's counters: a report's own counters added to them term
        # by term cost a Python loop a term
        counters = tuple(self.counts[k] for k in KINDS)
        self._terms(passages, norms, words, into=counters)
        if self.folder is not None and sum(map(len, counters)) > SPILL_TERMS:
            self._spill()

    def _spill(self) -> None:
        """The counters written as a run (``(term, word, heading, phrase)`` tuples sorted by
        term, pickled :data:`RUN_BLOCK` at a time) and emptied."""
        path = self.folder / RUN_FILE.format(len(self.runs))
        with open(path, "wb") as f:
            for block in _blocks(self._sorted_counts()):
                pickle.dump(block, f, protocol=pickle.HIGHEST_PROTOCOL)
        self.runs.append(path)
        self.counts = {k: Counter() for k in KINDS}

    def _sorted_counts(self):
        """(term, word, heading, phrase) of every term of the counters, by term."""
        words, heads, phrases = (self.counts[k] for k in KINDS)
        for t in sorted(dict.fromkeys(chain(words, heads, phrases))):
            yield t, words.get(t, 0), heads.get(t, 0), phrases.get(t, 0)

    def _merged_counts(self):
        """(term, word, heading, phrase) of every candidate term with a count, by term: the
        runs and the counters summed (a count removed after its term was spilled is a
        negative entry of the counters; a sum never goes under 0, as without runs)."""
        sources = [_read_run(path) for path in self.runs]
        sources.append(self._sorted_counts())
        if len(sources) == 1:
            yield from sources[0]
            return
        cur, w, h, p = None, 0, 0, 0
        for t, a, b, c in heapq.merge(*sources):
            if t == cur:
                w, h, p = w + a, h + b, p + c
                continue
            if cur is not None and (w > 0 or h > 0 or p > 0):
                yield cur, max(w, 0), max(h, 0), max(p, 0)
            cur, w, h, p = t, a, b, c
        if cur is not None and (w > 0 or h > 0 or p > 0):
            yield cur, max(w, 0), max(h, 0), max(p, 0)

    def remove(self, passages) -> None:
        """A report of the previous generation that the update drops or re-indexes:
        ``passages`` are ``(kind, text, norm)`` as stored; their words are cut again
        (the dictionary is the one they were cut with: a changed dictionary rebuilds).
        In an update, up to :data:`PENDING_CHARS` of them wait until :meth:`write`: a
        passage that a re-indexed report still holds (the same normalized text) takes
        the words :meth:`add` was given for it instead of being cut again."""
        passages = list(passages)
        if self.table is not None:
            size = sum(len(norm) for _, _, norm in passages)
            if self._pending_chars + size <= PENDING_CHARS:
                self._pending.append(passages)
                self._pending_chars += size
                self._pending_norms.update(norm for _, _, norm in passages)
                return
        self._remove_now(passages)

    def _remove_now(self, passages, known: dict[str, list[str]] | None = None) -> None:
        known = known or {}
        rows = [_Stored(kind, text) for kind, text, _ in passages]
        norms = [norm for _, _, norm in passages]
        words = [known[norm] if norm in known else self.analyzer.passage_words(norm) for norm in norms]
        counters = self._terms(rows, norms, words)
        if self.table is not None:
            self._change(counters, -1)
            return
        for kind, counter in zip(KINDS, counters):
            counts = self.counts[kind]
            for term, n in counter.items():
                left = counts.get(term, 0) - n
                if left > 0 or (self.runs and left < 0):  # spilled: the run holds the rest
                    counts[term] = left
                else:
                    counts.pop(term, None)

    def _entry(self, term: str, w: int, h: int, p: int) -> tuple[int, int] | None:
        """A term's (passage frequency, kinds) in the table, None when it is not in it."""
        freq = kinds = 0
        if w > 0:
            in_dictionary = term in self.dictionary
            if w >= MIN_WORD_PASSAGES or in_dictionary:  # a word seen once is mostly segmentation noise
                freq, kinds = w, WORD | (DICTIONARY if in_dictionary else 0)
        if h > 0:
            freq, kinds = max(freq, h), kinds | HEADING | (DICTIONARY if term in self.dictionary else 0)
        if p >= MIN_PHRASE_PASSAGES:
            freq, kinds = max(freq, p), kinds | PHRASE
        return (freq, kinds) if kinds else None

    def totals(self) -> dict[str, tuple[int, int]]:
        """term → (passage frequency, kinds)."""
        if self.table is not None:
            rows = zip(self.table.terms, self.table.counts.tolist())
        else:
            rows = ((t, (w, h, p)) for t, w, h, p in self._merged_counts())
        out: dict[str, tuple[int, int]] = {}
        for term, (w, h, p) in rows:
            entry = self._entry(term, w, h, p)
            if entry is not None:
                out[term] = entry
        return out

    def _updated_table(self, changed: dict[str, tuple[int, int, int]]):
        """The previous generation's table with the entries of ``changed`` terms made
        again, by difference (the kept terms' entries are sliced over, never decoded
        into a table by term): (terms, freq, kinds, pinyin — None for a term whose
        reading is to be made); None when it cannot be read."""
        try:
            self._old = old = read_vocabulary(self.previous)
            terms, freq, kinds, pinyin = old["terms"], old["freq"], old["kinds"], old["pinyin"]
            if not len(terms) == len(freq) == len(kinds) == len(pinyin):
                raise ValueError("the vocabulary's lists differ in length")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        out_t, out_f, out_k, out_p = [], [], [], []
        last = 0
        for term in sorted(changed):
            entry = self._entry(term, *changed[term])
            i = bisect_left(terms, term, last)
            present = i < len(terms) and terms[i] == term
            if not present and entry is None:
                continue
            out_t += terms[last:i]
            out_f += freq[last:i]
            out_k += kinds[last:i]
            out_p += pinyin[last:i]
            last = i + 1 if present else i
            if entry is not None:
                out_t.append(term)
                out_f.append(entry[0])
                out_k.append(entry[1])
                out_p.append(pinyin[i] if present else None)
        out_t += terms[last:]
        out_f += freq[last:]
        out_k += kinds[last:]
        out_p += pinyin[last:]
        # an empty reading of a term of Chinese characters is made again, as for a new term
        out_p = [None if not p and _ALL_CJK.match(t) else p for t, p in zip(out_t, out_p)]
        return out_t, out_f, out_k, out_p

    def write(self, gen: Path) -> int:
        """Write both files and the query-assistance tables derived from them
        (index/generation/assist_tables.py) into ``gen``; returns the number of terms."""
        updated = None
        for passages in self._pending:
            self._remove_now(passages, self._pending_words)
        self._pending, self._pending_chars, self._pending_norms, self._pending_words = [], 0, set(), {}
        if self.table is not None:
            changed = self.table.apply(self.delta)
            in_place = self._in_place(changed, gen)
            if in_place is not None:
                freq, kinds, arrays = in_place
                assist_tables.write(gen, arrays)
                _write_vocabulary(gen, {}, freq, kinds, keep_json=True)
                for name in (COUNTS, COUNT_TERMS):  # linked from the previous generation: replaced
                    (gen / name).unlink(missing_ok=True)
                self.table.write(gen)
                return len(freq)
            updated = self._updated_table(changed)
            table = self.table
        else:
            # the counts go to their files as they come out of the merge, and only the
            # terms of the table stay; the counters go before the tables are made
            updated = self._write_counts(gen)
            table = None
        if updated is None:
            totals = self.totals()
            terms = sorted(totals)
            updated = (terms, [totals[t][0] for t in terms], [totals[t][1] for t in terms], [None] * len(terms))
            del totals
        terms, freq, kinds, known = updated
        del updated
        data = {"version": VERSION, "terms": terms}
        to_read = sum(1 for t, p in zip(terms, known) if p is None and _ALL_CJK.match(t))  # the others have none
        if apart(to_read):
            # many new terms: no previous table to reuse; the tables are made and written apart
            cache = {t: p for t, p in zip(terms, known) if p}
            data["pinyin"] = _in_a_process(gen, terms, freq, kinds, cache, self._tags_cache, self._readings)
        else:
            data["pinyin"] = pinyin = _pinyin_known(terms, known)
            readings = self._readings or pinyin_readings.arrays()
            arrays = self._same_terms_tables(terms, pinyin, freq, kinds, readings)
            if arrays is None:
                arrays = assist_tables.make(terms, freq, kinds, pinyin,
                                            assist_tables.pos_tags(terms, self._tags_cache), readings)
            assist_tables.write(gen, arrays)
            del arrays
        _write_vocabulary(gen, data, freq, kinds, self._kept_vocabulary(gen, terms, data["pinyin"]))
        for name in (COUNTS, COUNT_TERMS):  # linked from the previous generation: replaced, never written through
            (gen / name).unlink(missing_ok=True)
        if table is not None:
            table.write(gen)
        else:
            for name in (COUNT_TERMS, COUNTS):
                os.replace(gen / (name + ".tmp"), gen / name)
        return len(terms)

    def _write_counts(self, gen: Path):
        """A build's counts written as :meth:`CountTable.write` writes them (under
        temporary names, see :meth:`write`), merged from the runs and the counters one
        term at a time; returns (terms, freq, kinds, [None] * terms) of the table."""
        terms: list[str] = []
        freq: list[int] = []
        kinds: list[int] = []
        entry_of = self._entry
        rows = array("i")
        out = NpyWriter(gen / (COUNTS + ".tmp"), np.int32, width=len(KINDS))
        try:
            with open(gen / (COUNT_TERMS + ".tmp"), "w", encoding="utf-8", newline="") as f:
                f.write(f"{COUNTS_MAGIC} {COUNTS_VERSION}\n")
                first = True
                for term, w, h, p in self._merged_counts():
                    f.write(term if first else "\n" + term)
                    first = False
                    rows.extend((w, h, p))
                    if len(rows) >= 3 * RUN_BLOCK:
                        out.append(rows)
                        rows = array("i")
                    entry = entry_of(term, w, h, p)
                    if entry is not None:
                        terms.append(term)
                        freq.append(entry[0])
                        kinds.append(entry[1])
            out.append(rows)
            out.close()
        finally:
            out.discard()
        self.counts = {k: Counter() for k in KINDS}
        for path in self.runs:
            path.unlink(missing_ok=True)
        self.runs = []
        return terms, freq, kinds, [None] * len(terms)


    def _in_place(self, changed: dict[str, tuple[int, int, int]], gen: Path):
        """When the update adds and drops no term: (frequencies, kinds, every array of the
        query-assistance tables) — the previous generation's, with the entries of the
        ``changed`` terms made again, each found through the previous tables' term index
        (the vocabulary is never read whole, the terms and their pinyin stay the previous
        generation's files). None when a term is added or dropped, when a term of Chinese
        characters has an empty reading (made again, as :meth:`_updated_table` does), or
        when the previous generation's vocabulary and tables are not of this version, are
        not hard-linked into ``gen`` or do not agree: then the table is made by difference
        from the whole previous vocabulary."""
        prev, previous = self._previous_assist, self.previous
        if prev is None or previous is None or prev.get("tags.data") is None or prev.get("term.h") is None:
            return None
        try:
            with gzip.open(previous / VOCABULARY) as f:  # the header only: is it of this version
                head = f.read(32)
            if not head.startswith(b'{"version":%d,' % VERSION):
                return None
            if not os.path.samefile(gen / VOCABULARY, previous / VOCABULARY):
                return None
            old = np.load(previous / VOCABULARY_FREQ, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        freq, kinds = np.array(prev["freq"], dtype=np.int64), np.array(prev["kinds"], dtype=np.int64)
        if old.shape != (len(freq), 2) or not (np.array_equal(old[:, 0], freq) and np.array_equal(old[:, 1], kinds)):
            return None
        data, offsets = prev["terms.data"], prev["terms.offsets"]

        def term_at(i: int) -> str:
            return data[int(offsets[i]) : int(offsets[i + 1])].tobytes().decode("utf-8")

        empty = np.flatnonzero(np.diff(prev["pinyin.offsets"]) == 0)
        if any(_ALL_CJK.match(term_at(int(i))) for i in empty):
            return None
        index = keyindex.KeyIndex.of_arrays(prev["term.h"], prev["term.i"])
        for term, counts in changed.items():
            entry = self._entry(term, *counts)
            at = [i for i in index.get(term) if term_at(i) == term]
            if not at:
                if entry is None:
                    continue
                return None  # a new term
            if entry is None:
                return None  # a dropped term
            freq[at[0]], kinds[at[0]] = entry
        readings = self._readings or pinyin_readings.arrays()
        arrays = {name: readings.get(name, a) for name, a in prev.items()}  # mapped: written, never changed
        if set(readings) - set(arrays):
            return None
        arrays["freq"], arrays["kinds"] = freq, kinds
        return freq, kinds, arrays

    def _kept_vocabulary(self, gen: Path, terms: list[str], pinyin: list[str]) -> bool:
        """Whether ``gen``'s ``vocabulary.json.gz`` is the previous generation's (hard-linked
        by the update, of this version) and holds these terms and readings: then it is
        kept, and only the counts are written."""
        old, previous = self._old, self.previous
        if old is None or previous is None or old.get("version") != VERSION:
            return False
        try:
            if not os.path.samefile(gen / VOCABULARY, previous / VOCABULARY):
                return False
        except OSError:
            return False
        return old["terms"] == terms and old["pinyin"] == pinyin

    def _same_terms_tables(self, terms, pinyin, freq, kinds, readings) -> dict | None:
        """The previous generation's query-assistance tables with the new frequencies and
        kinds, when the update left its terms and their pinyin as they were: every other
        array depends on those alone, so these are the arrays :func:`assist_tables.make`
        would make again (the update of a report that adds or drops no term then costs
        what changed, not a remake of every table). None otherwise."""
        old, prev = self._old, self._previous_assist
        if old is None or prev is None or prev.get("tags.data") is None:
            return None
        if old["terms"] != terms or old["pinyin"] != pinyin or len(prev["freq"]) != len(terms):
            return None
        out = {name: readings.get(name, a) for name, a in prev.items()}  # mapped: written, never changed
        if set(readings) - set(out):
            return None
        out["freq"] = np.asarray(freq, dtype=np.int64).reshape(-1)
        out["kinds"] = np.asarray(kinds, dtype=np.int64).reshape(-1)
        return out


def _blocks(items, size: int | None = None):
    """``items`` as lists of ``size`` (default :data:`RUN_BLOCK`)."""
    size = size or RUN_BLOCK
    block = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def _read_run(path: Path):
    """The tuples of a run, a piece at a time."""
    with open(path, "rb") as f:
        while True:
            try:
                block = pickle.load(f)
            except EOFError:
                return
            yield from block


class _Stored:
    """A stored passage as :func:`passage_terms` reads it."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str):
        self.kind, self.text = kind, text


def _previous_tables(gen: Path) -> tuple[dict | None, "assist_tables.AssistTables | None"]:
    """(pypinyin's readings, the tables) as the previous generation holds them (none
    when it has no sound tables — missing, or not the bytes its manifest vouches for:
    every term is tagged again, the readings made again)."""
    from index.generation import store

    try:
        store.check_file_sizes(gen, checksums=True, only=assist_tables.FILES, for_update=True)
        tables = assist_tables.AssistTables(gen)
        readings = assist_tables.reusable_readings(tables)
    except Exception:  # a damaged or older table: tag again
        return None, None
    return readings, tables


def _previous_tags(tables: "assist_tables.AssistTables | None") -> dict[str, str]:
    """term → part-of-speech tags as the previous generation's tables hold them (empty
    when they hold none or cannot be read): decoded only when terms are tagged, not
    for an update that reuses the tables as they are."""
    if tables is None:
        return {}
    try:
        if tables.get("tags.data") is None:
            return {}
        terms = keyindex.strings(tables["terms.data"], tables["terms.offsets"])
        tags = keyindex.strings(tables["tags.data"], tables["tags.offsets"])
    except Exception:  # a damaged or older table: tag again
        return {}
    return dict(zip(terms, tags)) if len(terms) == len(tags) else {}


def rebuild_from_whoosh(gen: Path, folder: Path | None = None) -> Path:
    """Write the vocabulary of generation ``gen`` and its query-assistance tables again
    into ``folder`` (default: ``gen``) from its Whoosh index (the index of record) alone:
    every stored passage's kind and text, cut again with the analyzer stored in the
    schema, as an update does for the reports it drops. The tables are byte for byte
    the ones the build wrote (the gzip files differ only in their time stamp)."""
    from whoosh import index as whoosh_index

    from index.generation.schema import analyzer_of

    folder = folder or gen
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.open_dir(str(gen))
    analyzer = analyzer_of(ix.schema)
    builder = VocabularyBuilder(analyzer)
    with ix.searcher() as searcher:
        passages, norms, words = [], [], []
        for _, stored in searcher.reader().iter_docs():
            norm = normalize(stored["text"])
            passages.append(_Stored(stored.get("kind") or "body", stored["text"]))
            norms.append(norm)
            words.append(analyzer.passage_words(norm))
    builder.add(passages, norms, words)
    builder.write(folder)
    return folder


def read_counts(gen: Path) -> dict[str, Counter]:
    """The raw term counts of a generation (see the module docstring), by kind; ValueError
    or OSError when they are missing or damaged."""
    return CountTable.read(gen).counters()


def _pinyin_known(terms: list[str], known: list[str | None]) -> list[str]:
    """Pinyin of each term: ``known[i]`` when it is not None (the previous generation's
    reading), else made as :func:`_pinyin_all` makes it."""
    reading = None
    out = []
    for term, p in zip(terms, known):
        if p is None:
            if not _ALL_CJK.match(term):
                p = ""
            else:
                if reading is None:
                    reading = _pinyin_reader()
                p = reading(term)
        out.append(p)
    return out


def _pinyin_all(terms: list[str], cache: dict[str, str]) -> list[str]:
    """Pinyin of each term (empty unless all Chinese characters); ``cache``: what the
    previous generation computed (an update imports pypinyin only for new terms)."""
    return _pinyin_known(terms, [cache.get(term) for term in terms])


APART_TERMS = 50_000  # terms to read and tag from which a process of their own is started


def apart(new_terms: int) -> bool:
    """Whether the query-assistance tables of a vocabulary (with the terms' pinyin,
    part-of-speech tags and pypinyin's readings) are made in a process of their own:
    when ``new_terms`` (terms of Chinese characters without a reading from the previous
    generation; the others have none to make) reach
    :data:`APART_TERMS`. pypinyin's dictionaries and jieba's tagger (a second copy of
    jieba's dictionary) add about 190 MB to the process that loads them, and making the
    tables about 300 MB more at 100 MB of reports, on top of a build's process holding
    everything else; below that many terms the build is small and the half second a
    fresh process costs is not worth it."""
    return new_terms >= APART_TERMS


def _in_a_process(gen: Path, terms: list[str], freq: list[int], kinds: list[int], cache: dict[str, str],
                  known_tags: dict[str, str], readings: dict | None) -> list[str]:
    """Write the query-assistance tables of ``terms`` into ``gen`` from a fresh Python
    (nothing of this process's memory is copied into it, and unlike a multiprocessing
    child it does not import this program's main module again), the work passed as a
    pickle through its standard input; return the terms' pinyin (its standard output).
    Made here when that Python cannot be started or fails."""
    import pickle
    import subprocess
    import sys

    work = (str(gen), terms, freq, kinds, cache, known_tags, readings)
    package_root = str(Path(__file__).resolve().parents[2])  # where ``index`` is imported from
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p))
    try:
        done = subprocess.run([sys.executable, "-c", "from index.generation.vocabulary import _serve; _serve()"],
                              input=pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL),
                              capture_output=True, env=env, check=True)
        return pickle.loads(done.stdout)
    except (OSError, subprocess.CalledProcessError, pickle.UnpicklingError, EOFError):
        return _write_tables(*work)


def _serve() -> None:
    """The fresh Python's side of :func:`_in_a_process`."""
    import pickle
    import sys

    work = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(pickle.dumps(_write_tables(*work), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


def _write_tables(gen: str, terms: list[str], freq: list[int], kinds: list[int], cache: dict[str, str],
                  known_tags: dict[str, str], readings: dict | None) -> list[str]:
    pinyin = _pinyin_all(terms, cache)
    tags = assist_tables.pos_tags(terms, known_tags)
    assist_tables.write(Path(gen), assist_tables.make(terms, freq, kinds, pinyin, tags,
                                                      readings or pinyin_readings.arrays()))
    return pinyin


def _pinyin_reader():
    """``" ".join(pypinyin.lazy_pinyin(term, style=Style.NORMAL, errors="ignore"))`` as a
    function of the term, with one converter for every term (``lazy_pinyin`` makes a
    new one a call) that converts each toned reading once: with these options (no
    ``v_to_u``, no neutral tone as 5, no tone sandhi) the NORMAL form of a reading
    depends on the reading alone, and there are about 1,500 of them for hundreds of
    thousands of terms (a test compares it with ``lazy_pinyin``)."""
    from pypinyin import Style
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    class Remembering(UltimateConverter):
        def __init__(self):
            super().__init__(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
            self.converted: dict[tuple, str] = {}

        def convert_style(self, han, orig_pinyin, style, strict, **kwargs):
            if kwargs:
                return super().convert_style(han, orig_pinyin, style, strict, **kwargs)
            key = (orig_pinyin, style, strict)
            out = self.converted.get(key)
            if out is None:
                out = self.converted[key] = super().convert_style(han, orig_pinyin, style, strict)
            return out

    lazy = Pinyin(Remembering()).lazy_pinyin

    def reading(term: str) -> str:
        return " ".join(lazy(term, style=Style.NORMAL, errors="ignore", strict=True))

    return reading


def _write_vocabulary(gen: Path, data: dict, freq: list[int], kinds: list[int], keep_json: bool) -> None:
    """``data`` (version, terms, pinyin) as ``vocabulary.json.gz`` unless ``keep_json``,
    and the counts as ``vocabulary-freq.npy``; each replaces the file of that name (a
    hard link to the previous generation's is never written through)."""
    if not keep_json:
        _write_atomic(gen / VOCABULARY, gzip.compress(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=1))
    counts = np.empty((len(freq), 2), dtype=np.int64)
    counts[:, 0] = freq
    counts[:, 1] = kinds
    tmp = gen / (VOCABULARY_FREQ + ".tmp")
    with open(tmp, "wb") as f:
        np.save(f, counts, allow_pickle=False)
    os.replace(tmp, gen / VOCABULARY_FREQ)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_vocabulary(gen: Path) -> dict:
    """The vocabulary table of a generation (raises OSError when it has none)."""
    try:
        raw = gzip.decompress((Path(gen) / VOCABULARY).read_bytes())
    except (EOFError, gzip.BadGzipFile) as exc:
        raise ValueError(f"{VOCABULARY} is damaged ({exc})") from None
    data = json.loads(raw.decode("utf-8"))
    if data.get("version") == 1:  # written before the counts had a file of their own
        return data
    if data.get("version") != VERSION:
        raise ValueError(f"vocabulary version {data.get('version')!r}, expected {VERSION}")
    counts = np.load(Path(gen) / VOCABULARY_FREQ, allow_pickle=False)
    if counts.ndim != 2 or counts.shape != (len(data["terms"]), 2) or len(data["pinyin"]) != len(data["terms"]):
        raise ValueError(f"{VOCABULARY_FREQ} has {counts.shape} counts for {len(data['terms'])} terms")
    data["freq"], data["kinds"] = counts[:, 0].tolist(), counts[:, 1].tolist()
    return data
