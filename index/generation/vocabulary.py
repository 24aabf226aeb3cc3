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

Two files go into the generation folder:

* ``vocabulary.json.gz``: the table the search side loads (gzip: read only when a query
  needs query assistance) — columns ``terms``, ``freq``,
  ``kinds`` (bit flags, :data:`WORD` …) and ``pinyin`` (syllables separated by spaces,
  empty for terms with other characters), sorted by term;
* ``vocabulary-counts.json.gz``: the raw passage counts of every candidate term (as a
  word, a heading piece and a phrase, before the thresholds), so that ``index update``
  starts from them, subtracts what the changed and removed reports contributed (their
  passages are read back from the previous generation and cut again with the same
  dictionary) and adds what the re-analyzed ones contribute: the result is the
  vocabulary a full build would write, without keeping each report's share.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from itertools import chain
from pathlib import Path

from index.generation import assist_tables
from index.normalize import normalize

VOCABULARY = "vocabulary.json.gz"
COUNTS = "vocabulary-counts.json.gz"
VERSION = 1
COUNTS_VERSION = 1
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
    ws = {w for w in words if _useful(w)}
    heads = set(heading_pieces(text)) if kind in ("heading", "title") else set()
    phrases = set()
    short = len(norm) <= LONG_PASSAGE
    cursor = 0
    for a, b in zip(words, words[1:]):
        at = norm.find(a, cursor)
        if at >= 0:
            cursor = at + len(a)
        p = a + b
        if len(p) <= MAX_PHRASE_CHARS and _useful(p) and (
                (at >= 0 and norm.startswith(b, cursor)) or (short and p in norm)):
            phrases.add(p)
    return ws, heads, phrases


class VocabularyBuilder:
    """Counts terms during a build; :meth:`write` writes the files. An update starts
    from the previous generation's counts (:func:`read_counts`), calls :meth:`remove`
    for every report it drops or re-indexes and :meth:`add` for every report it
    analyzes."""

    def __init__(self, analyzer, previous: Path | None = None, counts: dict | None = None):
        self.analyzer = analyzer
        self.dictionary = {normalize(w) for w, _ in analyzer.userdict}
        self.counts: dict[str, Counter] = {k: Counter() for k in KINDS}
        self._pinyin_cache: dict[str, str] = {}
        self._tags_cache: dict[str, str] = {}
        if previous is not None:
            self.counts = counts if counts is not None else read_counts(previous)
            try:
                old = read_vocabulary(previous)
                self._pinyin_cache = {t: p for t, p in zip(old["terms"], old["pinyin"]) if p}
            except (OSError, ValueError, KeyError):
                pass
            self._tags_cache = _previous_tags(previous)

    def _terms(self, passages, norms: list[str], words: list[list[str]]) -> tuple[Counter, Counter, Counter]:
        w, h, p = Counter(), Counter(), Counter()
        for passage, norm, ws in zip(passages, norms, words):
            a, b, c = passage_terms(passage.kind, passage.text, norm, ws)
            w.update(a)
            h.update(b)
            p.update(c)
        return w, h, p

    def add(self, passages, norms: list[str], words: list[list[str]]) -> None:
        """One analyzed report: its passages (with ``kind`` and ``text``), their
        normalized texts and multi-character jieba words."""
        for kind, counter in zip(KINDS, self._terms(passages, norms, words)):
            self.counts[kind].update(counter)

    def remove(self, passages) -> None:
        """A report of the previous generation that the update drops or re-indexes:
        ``passages`` are ``(kind, text, norm)`` as stored; their words are cut again
        (the dictionary is the one they were cut with: a changed dictionary rebuilds)."""
        passages = list(passages)
        rows = [_Stored(kind, text) for kind, text, _ in passages]
        norms = [norm for _, _, norm in passages]
        words = [self.analyzer.passage_words(norm) for norm in norms]
        for kind, counter in zip(KINDS, self._terms(rows, norms, words)):
            counts = self.counts[kind]
            for term, n in counter.items():
                left = counts.get(term, 0) - n
                if left > 0:
                    counts[term] = left
                else:
                    counts.pop(term, None)

    def totals(self) -> dict[str, tuple[int, int]]:
        """term → (passage frequency, kinds)."""
        words, heads, phrases = (self.counts[k] for k in KINDS)
        out: dict[str, tuple[int, int]] = {}
        for term, n in words.items():
            in_dictionary = term in self.dictionary
            if n >= MIN_WORD_PASSAGES or in_dictionary:  # a word seen once is mostly segmentation noise
                out[term] = (n, WORD | (DICTIONARY if in_dictionary else 0))
        for term, n in heads.items():
            freq, kinds = out.get(term, (0, 0))
            out[term] = (max(freq, n), kinds | HEADING | (DICTIONARY if term in self.dictionary else 0))
        for term, n in phrases.items():
            if n < MIN_PHRASE_PASSAGES:
                continue
            freq, kinds = out.get(term, (0, 0))
            out[term] = (max(freq, n), kinds | PHRASE)
        return out

    def write(self, gen: Path) -> int:
        """Write both files and the query-assistance tables derived from them
        (index/generation/assist_tables.py) into ``gen``; returns the number of terms."""
        totals = self.totals()
        terms = sorted(totals)
        pinyin = _pinyin_all(terms, self._pinyin_cache)
        data = {"version": VERSION, "terms": terms, "freq": [totals[t][0] for t in terms],
                "kinds": [totals[t][1] for t in terms], "pinyin": pinyin}
        assist_tables.write(gen, assist_tables.make(terms, data["freq"], data["kinds"], pinyin,
                                                    assist_tables.pos_tags(terms, self._tags_cache)))
        _write_atomic(gen / VOCABULARY, gzip.compress(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=1))
        # the counters hold their terms mostly in order already (read back sorted): fast to sort
        every = sorted(dict.fromkeys(chain.from_iterable(self.counts[k] for k in KINDS)))
        raw = {"version": COUNTS_VERSION, "terms": every}
        for kind in KINDS:
            counts = self.counts[kind]
            raw[kind] = [counts.get(t, 0) for t in every]
        _write_atomic(gen / COUNTS, gzip.compress(
            json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=1))
        return len(terms)


class _Stored:
    """A stored passage as :func:`passage_terms` reads it."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str):
        self.kind, self.text = kind, text


def _previous_tags(gen: Path) -> dict[str, str]:
    """term → part-of-speech tags, as the previous generation's tables hold them (none
    when it has no sound tables — missing, or not the bytes its manifest vouches for:
    every term is tagged again)."""
    from index.generation import store

    try:
        store.check_file_sizes(gen, checksums=True, only=assist_tables.FILES)
        tables = assist_tables.AssistTables(gen)
        if tables.get("tags.data") is None:
            return {}
        terms = _strings(tables["terms.data"], tables["terms.offsets"])
        tags = _strings(tables["tags.data"], tables["tags.offsets"])
    except Exception:  # a damaged or older table: tag again
        return {}
    return dict(zip(terms, tags)) if len(terms) == len(tags) else {}


def _strings(data, offsets) -> list[str]:
    raw = data.tobytes()
    o = offsets.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(o, o[1:])]


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
    """The raw term counts of a generation (see the module docstring); ValueError or
    OSError when they are missing or damaged."""
    try:
        raw = json.loads(gzip.decompress((Path(gen) / COUNTS).read_bytes()).decode("utf-8"))
    except (EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise ValueError(f"{COUNTS} is damaged ({exc})") from None
    if not isinstance(raw, dict) or raw.get("version") != COUNTS_VERSION:
        raise ValueError(f"{COUNTS}: version {raw.get('version') if isinstance(raw, dict) else None!r}, "
                         f"expected {COUNTS_VERSION}")
    terms = raw["terms"]
    out: dict[str, Counter] = {}
    for kind in KINDS:
        values = raw[kind]
        if len(values) != len(terms):
            raise ValueError(f"{COUNTS}: {kind} has {len(values)} counts for {len(terms)} terms")
        out[kind] = Counter({t: n for t, n in zip(terms, values) if n})
    return out


def _pinyin_all(terms: list[str], cache: dict[str, str]) -> list[str]:
    """Pinyin of each term (empty unless all Chinese characters); ``cache``: what the
    previous generation computed (an update imports pypinyin only for new terms)."""
    reading = None
    out = []
    for term in terms:
        p = cache.get(term)
        if p is None:
            if not _ALL_CJK.match(term):
                p = ""
            else:
                if reading is None:
                    from pypinyin import Style, lazy_pinyin

                    def reading(t, lazy_pinyin=lazy_pinyin, style=Style.NORMAL):
                        return " ".join(lazy_pinyin(t, style=style, errors="ignore"))
                p = reading(term)
        out.append(p)
    return out


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
    if data.get("version") != VERSION:
        raise ValueError(f"vocabulary version {data.get('version')!r}, expected {VERSION}")
    return data
