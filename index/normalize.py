"""Text normalization for matching.

Indexing, querying, highlighting and the test oracle all go through these two
functions, so that "what matches" has exactly one definition:

* NFKC (full-width letters, digits and punctuation become half-width),
* case folding,
* traditional characters mapped to simplified ones, character by character
  (so 鄉村振興 matches 乡村振兴),
* punctuation, quotes, spaces, line breaks and invisible format characters dropped
  (so “五星”支部, 五星\\n支部 and 五星支部 are the same string).

Symbols such as ``+`` ``%`` ``×`` are kept: "1+4+X" does not match "14X".

The mapping is done one source character at a time, so every normalized character
can be traced back to the source character it came from (see
:func:`normalize_with_offsets`); highlighting relies on that.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

# Unicode categories that never take part in matching.
_DROPPED_CATEGORIES = frozenset(
    {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs"}
)


@lru_cache(maxsize=1)
def _t2s() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("index").joinpath("data/t2s.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[trad] = simp
    return table


def _normalize_char(char: str) -> str:
    t2s = _t2s()
    out = []
    for c in unicodedata.normalize("NFKC", char).casefold():
        if unicodedata.category(c) in _DROPPED_CATEGORIES:
            continue
        out.append(t2s.get(c, c))
    return "".join(out)


# str.translate table, filled lazily with every character seen so far that changes
# under normalization. Characters that map to themselves are remembered in _SEEN
# only, so translate() leaves them alone.
_TABLE: dict[int, str] = {}
_SEEN: set[str] = set()


def _learn(text: str) -> None:
    new = set(text) - _SEEN
    for char in new:
        mapped = _normalize_char(char)
        if mapped != char:
            _TABLE[ord(char)] = mapped
        _SEEN.add(char)


def normalize(text: str) -> str:
    """Return the matching form of ``text`` (see module docstring)."""
    _learn(text)
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Return ``(normalized, offsets)`` where ``offsets[i]`` is the index in ``text``
    of the source character that produced ``normalized[i]``."""
    _learn(text)
    table = _TABLE
    parts: list[str] = []
    offsets: list[int] = []
    for i, char in enumerate(text):
        mapped = table.get(ord(char), char)
        if mapped:
            parts.append(mapped)
            offsets.extend([i] * len(mapped))
    return "".join(parts), offsets
