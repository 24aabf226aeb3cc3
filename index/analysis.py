"""The one analyzer shared by indexing and querying.

:class:`Analyzer` owns the jieba dictionary (jieba's own plus the domain user
dictionary) and turns text into

* **words**: jieba words of the *normalized* text, with ordinal positions, used for
  BM25F ranking and for the relaxed "words" match;
* the same normalized text is what exact matching runs on (see grams.py: character
  bigrams find candidates, the normalized text verifies them).

The Whoosh tokenizer below wraps one Analyzer instance. The Whoosh schema, and with
it this analyzer and its user dictionary, is pickled into the index, and the search
side takes the analyzer back from the index it opens, so both sides always agree.
"""

from __future__ import annotations

import logging
import sys
import threading
from importlib import resources
from pathlib import Path
from sys import intern

from whoosh.analysis import Token, Tokenizer

from index.normalize import normalize


def import_jieba():
    """jieba, imported without ``pkg_resources``, which jieba uses only to find its own
    files (it falls back to their path) and which takes a third of a second to import."""
    module = sys.modules.get("jieba")
    if module is not None:
        return module
    absent = "pkg_resources" not in sys.modules
    if absent:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` fail inside jieba
    try:
        import jieba as module
    finally:
        if absent and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    module.setLogLevel(logging.WARNING)
    return module


jieba = import_jieba()


def multichar_words(cut, norm: str) -> list[str]:
    """The rule for a term's words: the distinct jieba words of two or more characters
    of a normalized term (``cut``: an analyzer's ``cut``). Used by the relaxed match, its
    highlighting and the document page."""
    return [w for w in dict.fromkeys(cut(norm)) if len(w) > 1]

DEFAULT_WORD_FREQ = 200_000


def read_userdict(text: str) -> list[tuple[str, int | None]]:
    """Parse a jieba-style user dictionary: ``word [freq] [tag]`` per line, ``#`` comments."""
    entries: list[tuple[str, int | None]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        entries.append((parts[0], freq))
    return entries


def default_userdict() -> list[tuple[str, int | None]]:
    """The domain dictionary shipped with the package, plus every place name of the gazetteer."""
    data = resources.files("index").joinpath("data")
    entries = read_userdict(data.joinpath("userdict.txt").read_text(encoding="utf-8"))
    from index.reading.places import Gazetteer  # local import: places imports nothing from here

    for name in Gazetteer.load().all_names():
        entries.append((name, None))
    return entries


class Analyzer:
    """jieba segmentation with a domain dictionary, over normalized text."""

    def __init__(self, userdict: list[tuple[str, int | None]] | None = None):
        self._userdict: list[tuple[str, int | None]] | None = list(
            userdict if userdict is not None else default_userdict())
        self._userdict_text: str | None = None
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self._bigrams: frozenset[str] | None = None

    @property
    def userdict(self) -> list[tuple[str, int | None]]:
        """The dictionary entries ``(word, frequency or None)`` added to jieba's."""
        if self._userdict is None:
            self._userdict = [(w, int(f) if f else None)
                              for w, _, f in (line.partition("\t") for line in self._userdict_text.split("\n") if line)]
        return self._userdict

    @classmethod
    def with_extra_dictionary(cls, path: str | Path | None) -> "Analyzer":
        entries = default_userdict()
        if path:
            entries += read_userdict(Path(path).read_text(encoding="utf-8"))
        return cls(entries)

    # Pickling (the analyzer travels inside the Whoosh schema, which Whoosh unpickles
    # whenever it opens the index): the word list only, as one string ("word<TAB>freq"
    # lines) that is parsed when something asks for it — unpickling tens of thousands
    # of tuples cost each query process 30 ms; one string costs nothing.
    def __getstate__(self):
        entries = self.userdict
        if any("\t" in w or "\n" in w for w, _ in entries):  # cannot be lines: keep the list
            return {"userdict": entries}
        return {"userdict_text": "\n".join(f"{w}\t{'' if f is None else f}" for w, f in entries)}

    def __setstate__(self, state):
        if "userdict" in state:  # also what indexes written before this form hold
            self.__init__(state["userdict"])
            return
        self.__init__([])
        self._userdict, self._userdict_text = None, state["userdict_text"]

    def __eq__(self, other):
        return isinstance(other, Analyzer) and other.userdict == self.userdict

    def __hash__(self):
        return hash(tuple(self.userdict))

    @property
    def jieba(self) -> jieba.Tokenizer:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = _loaded_tokenizer(tuple(self.userdict))
        return self._tokenizer

    # --- words -----------------------------------------------------------------
    def cut(self, normalized: str) -> list[str]:
        """jieba words of already-normalized text."""
        return [w for w in self.jieba.cut(normalized, HMM=True) if w and not w.isspace()]

    def words(self, text: str) -> list[str]:
        """jieba words of ``text`` after normalization."""
        return self.cut(normalize(text))

    def passage_words(self, norm: str) -> list[str]:
        """The words of a passage's ``words`` field and of the vocabulary: its jieba
        words of two or more characters, in order (one-character words are found by
        exact matching, on the bigram index). Interned: a corpus repeats a few tens of
        thousands of words millions of times, and one object each keeps a large report's
        words (and their pickles from the worker processes) small."""
        return [intern(w) for w in self.cut(norm) if len(w) > 1]

    def term_words(self, norm: str) -> list[str]:
        """See :func:`multichar_words`."""
        return multichar_words(self.cut, norm)

    def junction_score(self, left: str, right: str, width: int = 6) -> int:
        """How strongly ``left`` + ``right`` read as one text cut in the middle of a word
        (used to tell a paragraph broken by the page layout from two paragraphs):
        2 when jieba's segmentation puts a word across the junction, 1 when the two characters at the
        junction occur together inside some dictionary word, else 0."""
        a, b = normalize(left)[-width:], normalize(right)[:width]
        if not a or not b:
            return 0
        cut = len(a)
        for word, start, end in self._tokenizer_for(a + b).tokenize(a + b, HMM=False):
            if start < cut < end:
                return 2
        return 1 if self.in_dictionary_word(a[-1] + b[0]) else 0

    def is_word(self, text: str) -> bool:
        """Whether ``text`` is a word of the dictionary (not only the start of one)."""
        tokenizer = self.jieba
        tokenizer.check_initialized()
        return bool(tokenizer.FREQ.get(text))

    def _tokenizer_for(self, text: str):
        """A jieba tokenizer that cuts ``text`` as the analyzer does (here: the loaded one)."""
        return self.jieba

    def is_proper_name(self, word: str) -> bool:
        """Whether jieba's dictionary tags ``word`` as a name: of a place (ns), a person
        (nr…), an organization (nt) or another proper noun (nz)."""
        return word in _proper_names(self.jieba)

    def in_dictionary_word(self, pair: str) -> bool:
        """Whether the two characters ``pair`` stand together inside some dictionary word."""
        return pair in self._dictionary_bigrams()

    def _dictionary_bigrams(self) -> frozenset[str]:
        if self._bigrams is None:
            self._bigrams = _dictionary_bigrams(self.jieba)
        return self._bigrams


# The loaded dictionary of the analyzer used last, kept for the process: an analyzer
# with the same word list (every build and update of an index, every generation a
# server opens) takes it instead of loading jieba's dictionary again (a second or more).
# Nothing changes a tokenizer once it is loaded.
_TOKENIZER_LOCK = threading.Lock()
_LAST_TOKENIZER: tuple[tuple, "jieba.Tokenizer"] | None = None
_BIGRAMS: dict[int, frozenset[str]] = {}


def _loaded_tokenizer(userdict: tuple) -> "jieba.Tokenizer":
    global _LAST_TOKENIZER
    with _TOKENIZER_LOCK:
        if _LAST_TOKENIZER is not None and _LAST_TOKENIZER[0] == userdict:
            return _LAST_TOKENIZER[1]
        tk = jieba.Tokenizer()
        tk.initialize()
        for word, freq in userdict:
            tk.add_word(word, freq or DEFAULT_WORD_FREQ)
        _LAST_TOKENIZER = (userdict, tk)
        _BIGRAMS.clear()
        return tk


_PROPER_NAMES: frozenset[str] | None = None
PROPER_NAME_TAGS = ("nr", "ns", "nt", "nz")


def _proper_names(tk: "jieba.Tokenizer") -> frozenset[str]:
    """The words jieba's own dictionary tags as names (read once a process, when first asked)."""
    global _PROPER_NAMES
    if _PROPER_NAMES is None:
        with tk.get_dict_file() as f:
            names = set()
            for raw in f:
                parts = raw.decode("utf-8").split()
                if len(parts) == 3 and parts[2].startswith(PROPER_NAME_TAGS):
                    names.add(parts[0])
        _PROPER_NAMES = frozenset(names)
    return _PROPER_NAMES


def _dictionary_bigrams(tk: "jieba.Tokenizer") -> frozenset[str]:
    """Every two characters that occur together inside a dictionary word (kept with
    the process's last tokenizer)."""
    with _TOKENIZER_LOCK:
        got = _BIGRAMS.get(id(tk)) if _LAST_TOKENIZER is not None and _LAST_TOKENIZER[1] is tk else None
    if got is None:
        got = frozenset(word[i : i + 2] for word, freq in tk.FREQ.items() if freq and len(word) > 1
                        for i in range(len(word) - 1))
        with _TOKENIZER_LOCK:
            if _LAST_TOKENIZER is not None and _LAST_TOKENIZER[1] is tk:
                _BIGRAMS[id(tk)] = got
    return got


class _SharedTokenizer(Tokenizer):
    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer

    def __eq__(self, other):
        return type(self) is type(other) and self.analyzer == other.analyzer

    def __hash__(self):
        return hash((type(self).__name__, hash(self.analyzer)))


class WordTokenizer(_SharedTokenizer):
    """Whoosh tokenizer: jieba words with ordinal positions (no character offsets:
    highlighting works on the normalized text, not on Whoosh's).

    Accepts text, or a list of words already produced by :meth:`Analyzer.words`
    (the builder segments in worker processes and hands the words over).
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = value if isinstance(value, (list, tuple)) else self.analyzer.words(value)
        for pos, word in enumerate(words):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + pos
            yield token
