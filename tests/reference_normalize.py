"""The recall oracle's own reference of "what matches", written apart from the engine.

It does not import ``index.normalize`` or ``search.boundaries``: it is a second,
independent implementation of the rule stated in the README, so that a bug in the
engine's normalization (say, folding 己 into 已) makes the oracle and the engine
disagree, and the explicit expected pairs in ``tests/test_recall_oracle.py`` pin the
rule down on both.

* every source character goes through NFKC and case folding;
* what is left is kept when it is a letter, mark, number or symbol (Unicode general
  categories L*, M*, N*, S*); punctuation, separators and control/format characters
  are dropped;
* a kept character is folded by the project's character table
  (``index/data/t2s.txt``, read here as plain data, one character to one character);
* a term whose first or last character is a Latin letter or digit matches only where
  that end does not touch another Latin letter or digit coming from the adjacent (or
  the same) source character.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "index" / "data" / "t2s.txt"


@lru_cache(maxsize=1)
def folding() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        src, dst = line.split("\t")
        assert len(src) == 1 and len(dst) == 1, f"not one character to one: {line!r}"
        pairs[src] = dst
    return pairs


def _kept(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMNS"


def chars(text: str) -> list[tuple[str, int]]:
    """(normalized character, index of the source character it came from)."""
    fold = folding()
    out: list[tuple[str, int]] = []
    for i, source in enumerate(text):
        for c in unicodedata.normalize("NFKC", source).casefold():
            if _kept(c):
                out.append((fold.get(c, c), i))
    return out


def normalize(text: str) -> str:
    return "".join(c for c, _ in chars(text))


def _latin(c: str) -> bool:
    return ("a" <= c <= "z") or ("0" <= c <= "9")


def contains(text: str, term: str) -> bool:
    """Whether ``text`` (source) holds the term (source or normalized) under the rule."""
    needle = normalize(term)
    if not needle:
        return False
    seq = chars(text)
    norm = "".join(c for c, _ in seq)
    left, right = _latin(needle[0]), _latin(needle[-1])
    start = norm.find(needle)
    while start >= 0:
        end = start + len(needle)
        ok = True
        if left and start > 0 and _latin(seq[start - 1][0]) and seq[start][1] - seq[start - 1][1] <= 1:
            ok = False
        if right and end < len(seq) and _latin(seq[end][0]) and seq[end][1] - seq[end - 1][1] <= 1:
            ok = False
        if ok:
            return True
        start = norm.find(needle, start + 1)
    return False


def bounded(term: str) -> bool:
    needle = normalize(term)
    return bool(needle) and (_latin(needle[0]) or _latin(needle[-1]))
