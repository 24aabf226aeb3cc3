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

* ``vocabulary.json``: the table the search side loads — columns ``terms``, ``freq``,
  ``kinds`` (bit flags, :data:`WORD` …) and ``pinyin`` (syllables separated by spaces,
  empty for terms with other characters), sorted by term;
* ``vocabulary-docs.json.gz``: each report's contribution, so that ``index update``
  re-analyzes only the changed reports and still writes the whole vocabulary.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from pathlib import Path

from .normalize import normalize

VOCABULARY = "vocabulary.json"
CONTRIBUTIONS = "vocabulary-docs.json.gz"
VERSION = 1

WORD, HEADING, DICTIONARY, PHRASE = 1, 2, 4, 8
KIND_NAMES = {WORD: "word", HEADING: "heading", DICTIONARY: "dictionary", PHRASE: "phrase"}

MIN_PHRASE_PASSAGES = 3
MIN_WORD_PASSAGES = 2
MAX_TERM_CHARS = 16
MAX_PHRASE_CHARS = 8
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
    """(words, heading pieces, phrase candidates) of one passage."""
    ws = {w for w in words if _useful(w)}
    heads = set(heading_pieces(text)) if kind in ("heading", "title") else set()
    phrases = set()
    for a, b in zip(words, words[1:]):
        p = a + b
        if len(p) <= MAX_PHRASE_CHARS and _useful(p) and p in norm:
            phrases.add(p)
    return ws, heads, phrases


class VocabularyBuilder:
    """Collects each report's terms during a build; :meth:`write` writes the files."""

    def __init__(self, analyzer, previous: Path | None = None):
        self.dictionary = {normalize(w) for w, _ in analyzer.userdict}
        self.docs: dict[str, dict[str, dict[str, int]]] = {}
        self._previous_docs: dict = {}
        self._pinyin_cache: dict[str, str] = {}
        if previous is not None:
            self._previous_docs = _read_contributions(previous)
            try:
                old = read_vocabulary(previous)
                self._pinyin_cache = {t: p for t, p in zip(old["terms"], old["pinyin"]) if p}
            except (OSError, ValueError, KeyError):
                pass

    def add(self, source: str, passages, norms: list[str], words: list[list[str]]) -> None:
        """One analyzed report: its passages (with ``kind`` and ``text``), their
        normalized texts and multi-character jieba words."""
        w, h, p = Counter(), Counter(), Counter()
        for passage, norm, ws in zip(passages, norms, words):
            a, b, c = passage_terms(passage.kind, passage.text, norm, ws)
            w.update(a)
            h.update(b)
            p.update(c)
        self.docs[source] = {"w": dict(w), "h": dict(h), "p": dict(p)}

    def keep(self, source: str) -> bool:
        """An unchanged report of an update: carry its terms over from the previous
        generation. False when they are not there (the report then counts for nothing
        here until it is re-indexed)."""
        old = self._previous_docs.get(source)
        if old is None:
            return False
        self.docs[source] = old
        return True

    def totals(self) -> dict[str, tuple[int, int]]:
        """term → (passage frequency, kinds)."""
        words, heads, phrases = Counter(), Counter(), Counter()
        for contribution in self.docs.values():
            words.update(contribution["w"])
            heads.update(contribution["h"])
            phrases.update(contribution["p"])
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

    def write(self, gen: Path, unchanged: list[str] = ()) -> int:
        """Write both files into ``gen`` (``unchanged``: the reports an update kept as
        they were); returns the number of terms."""
        for source in unchanged:
            self.keep(source)
        totals = self.totals()
        terms = sorted(totals)
        pinyin = _pinyin_all(terms, self._pinyin_cache)
        data = {"version": VERSION, "terms": terms, "freq": [totals[t][0] for t in terms],
                "kinds": [totals[t][1] for t in terms], "pinyin": pinyin}
        _write_atomic(gen / VOCABULARY, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        _write_atomic(gen / CONTRIBUTIONS, gzip.compress(
            json.dumps(self.docs, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), compresslevel=5))
        return len(terms)


def _pinyin_all(terms: list[str], cache: dict[str, str]) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out = []
    for term in terms:
        if not _ALL_CJK.match(term):
            out.append("")
            continue
        p = cache.get(term)
        if p is None:
            p = " ".join(lazy_pinyin(term, style=Style.NORMAL, errors="ignore"))
        out.append(p)
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_contributions(gen: Path) -> dict:
    try:
        return json.loads(gzip.decompress((gen / CONTRIBUTIONS).read_bytes()).decode("utf-8"))
    except (OSError, ValueError, EOFError):
        return {}


def read_vocabulary(gen: Path) -> dict:
    """The vocabulary table of a generation (raises OSError when it has none)."""
    data = json.loads((Path(gen) / VOCABULARY).read_text(encoding="utf-8"))
    if data.get("version") != VERSION:
        raise ValueError(f"vocabulary version {data.get('version')!r}, expected {VERSION}")
    return data
