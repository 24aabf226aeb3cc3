"""pypinyin's readings of any run of Chinese characters, as arrays written into each
generation (with the query-assistance tables, index/generation/assist_tables.py), so
that did-you-mean reads the pinyin of what a user typed without importing pypinyin: its
import and first call cost a fresh process about 0.15–0.5 CPU seconds (it loads two
JSON dictionaries and builds its segmenter's prefix set), more than the rest of a search.

What ``pypinyin.pinyin(text, style=Style.NORMAL, heteronym=True, errors=own)`` does
for a run of characters of U+3400–U+9FFF (search/spelling.py's question):

1. its segmenter (``pypinyin.seg.mmseg.seg``, forward maximum matching in strict mode)
   cuts the run into phrases of its phrase dictionary and single characters;
2. a phrase is read as the phrase dictionary reads it, every other character with all
   its readings from the character dictionary (or itself, ``own``, when it has none).

The arrays hold the result of step 2 as pypinyin itself computes it at build time — its
``pinyin()`` called on every character of its character dictionary and on every phrase
of its phrase dictionary — and every prefix of every phrase (what step 1 matches by);
:meth:`Readings.pinyin` replays step 1 over them. A test checks the replay against
pypinyin on phrases, overlapping phrases, polyphones and characters without a reading.

Arrays (``py.`` names inside ``assist.bin``):

* ``py.chars``: code points of the character dictionary, sorted; ``py.char.data`` /
  ``py.char.offsets``: their readings (a UTF-8 blob with offsets);
* ``py.prefix.h`` / ``py.prefix.i``: every prefix of every phrase → the phrase's id when
  the prefix is itself a phrase, else -1 (:class:`~index.generation.keyindex.KeyIndex`);
* ``py.phrase.data`` / ``py.phrase.offsets``: the readings of each phrase, by id.

A reading entry is the readings of each character separated by tabs, the readings of
one character (polyphones) by spaces: ``xing hang heng``, ``yin\\thang``.
"""

from __future__ import annotations

import functools

import numpy as np

from index.generation.grams import search
from index.generation.keyindex import KeyIndex, blob

PREFIX = "py."
VERSION = 1  # of these arrays' layout; with pypinyin's version, what an update may reuse


def pypinyin_version() -> str:
    """The installed pypinyin's version, without importing it."""
    from importlib.metadata import version

    return version("pypinyin")


def own(chars: str) -> list[list[str]]:
    """pypinyin's ``errors`` callback of did-you-mean: a character without a reading
    stands for itself."""
    return [[c] for c in chars]


def _entry(items: list[list[str]]) -> str:
    return "\t".join(" ".join(item) for item in items)


@functools.cache
def arrays() -> dict[str, np.ndarray]:
    """The arrays (see the module docstring), computed with pypinyin (once a process:
    about a second and a half)."""
    from pypinyin import Style, pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    def read(text: str) -> str:
        return _entry(pinyin(text, style=Style.NORMAL, heteronym=True, errors=own))

    codes = sorted(PINYIN_DICT)
    phrases = sorted(PHRASES_DICT)
    prefixes: dict[str, int] = {}
    for i, phrase in enumerate(phrases):
        for n in range(1, len(phrase)):
            prefixes.setdefault(phrase[:n], -1)
    prefixes.update((phrase, i) for i, phrase in enumerate(phrases))
    keys = sorted(prefixes)
    out = {f"{PREFIX}chars": np.array(codes, dtype=np.int32)}
    out[f"{PREFIX}char.data"], out[f"{PREFIX}char.offsets"] = blob(read(chr(c)) for c in codes)
    out[f"{PREFIX}prefix.h"], out[f"{PREFIX}prefix.i"] = KeyIndex(
        keys=keys, ids=np.array([prefixes[k] for k in keys], dtype=np.int32)).arrays()
    out[f"{PREFIX}phrase.data"], out[f"{PREFIX}phrase.offsets"] = blob(read(p) for p in phrases)
    for a in out.values():
        a.flags.writeable = False  # shared by every caller of this cached function
    return out


def present(tables) -> bool:
    return tables.get(f"{PREFIX}chars") is not None


class Readings:
    """The readings of a run of Chinese characters from the arrays (mapped or in memory)."""

    def __init__(self, tables):
        a = {name: tables[f"{PREFIX}{name}"] for name in
             ("chars", "char.data", "char.offsets", "prefix.h", "prefix.i", "phrase.data", "phrase.offsets")}
        self._chars = a["chars"]
        self._char_data, self._char_offsets = a["char.data"], a["char.offsets"]
        self._prefixes = KeyIndex.of_arrays(a["prefix.h"], a["prefix.i"])
        self._phrase_data, self._phrase_offsets = a["phrase.data"], a["phrase.offsets"]

    def pinyin(self, text: str) -> list[list[str]]:
        """The readings of each character of ``text`` (characters of U+3400–U+9FFF), as
        ``pypinyin.pinyin(text, style=Style.NORMAL, heteronym=True, errors=own)``."""
        out: list[list[str]] = []
        for segment, phrase in self._cut(text):
            if phrase >= 0:
                out.extend(self._decode(self._phrase_data, self._phrase_offsets, phrase))
            else:
                for c in segment:
                    out.extend(self._char(c))
        return out

    def _phrase_id(self, text: str) -> int | None:
        """The phrase id of ``text``; -1 when it is only the beginning of phrases; None
        when it is neither."""
        ids = self._prefixes.get(text)
        return ids[0] if ids else None

    def _cut(self, text: str):
        """(segment, phrase id or -1): the cut of pypinyin's strict forward maximum
        matching (``pypinyin.seg.mmseg.Seg.cut`` with ``no_non_phrases=True``): the
        longest phrase among the prefixes that begin phrases; a character alone when the
        first character begins none; every character alone when the prefixes run to the
        end of the text and none of them is a phrase."""
        remain = text
        while remain:
            last, last_id = 0, -1
            for n in range(1, len(remain) + 1):
                pid = self._phrase_id(remain[:n])
                if pid is None:
                    if last:
                        yield remain[:last], last_id
                        remain = remain[last:]
                    else:
                        yield remain[0], self._single(remain[0])
                        remain = remain[1:]
                    break
                if pid >= 0:
                    last, last_id = n, pid
            else:
                if last:
                    yield remain[:last], last_id
                    remain = remain[last:]
                else:
                    for c in remain:
                        yield c, self._single(c)
                    break

    def _single(self, c: str) -> int:
        pid = self._phrase_id(c)  # a one-character phrase is read as the phrase dictionary reads it
        return pid if pid is not None else -1

    def _char(self, c: str) -> list[list[str]]:
        code = ord(c)
        # searched as a value of the array's type: a Python int would have NumPy copy the
        # whole (mapped) array to int64 on every character
        i = search(self._chars, code)
        if i < len(self._chars) and int(self._chars[i]) == code:
            return self._decode(self._char_data, self._char_offsets, i)
        return own(c)

    @staticmethod
    def _decode(data, offsets, i: int) -> list[list[str]]:
        s = data[int(offsets[i]):int(offsets[i + 1])].tobytes().decode("utf-8")
        return [item.split(" ") for item in s.split("\t")]
