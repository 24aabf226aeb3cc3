"""The query-assistance tables of a generation, written at build and update time and
mapped at query time: what did-you-mean, pinyin search and completions look up.

A search-side :class:`search.suggest.Vocabulary` used to make these from the vocabulary
(index/generation/vocabulary.py) in each process, on first use: the pinyin keys, the
spelling tables, the reversed term order and jieba's part-of-speech tags of every term
took 2–3 CPU seconds on the real corpus (loading jieba's dictionary for the tags alone
took one), paid by the first did-you-mean, pinyin query or completion of a fresh process
or by a background thread competing with every search. Now the build makes them once,
beside the vocabulary, with the same code (:func:`make`), and a query maps them.

Two files: ``assist.bin`` holds every array (8-byte aligned), ``assist.json`` says where
each one is (dtype, offset, length) and the file's size. Both are in the generation's
manifest (size and CRC-32, checked when the passage table opens it, as every mapped
file is), and :meth:`AssistTables.verify` checks the mapped file before each use.

The arrays (``n`` terms, sorted):

* ``terms``, ``pinyin``, ``tags``: strings as UTF-8 blobs with offsets (``*.data``,
  ``*.offsets``); pinyin syllables and jieba part-of-speech tags space-separated;
* ``freq``, ``kinds``: the vocabulary's passage frequencies and kind bits;
* ``term.h``/``term.i``: term → id (hashes, :class:`~index.generation.keyindex.KeyIndex`);
* ``by_pinyin``, ``by_fuzzy``, ``by_full``, ``by_initials``, ``deletions`` (``.h``/``.i``):
  the spelling and pinyin key tables; ``prefix_full``, ``prefix_initials``: ids sorted by
  full pinyin and by initials (prefix ranges); ``reversed``: ids sorted by the reversed
  term (terms ending with a suffix);
* ``py.*``: pypinyin's readings of its characters and phrases
  (index/generation/pinyin_readings.py: did-you-mean reads a typed term's pinyin there),
  stamped in ``assist.json`` with the layout and pypinyin versions they were made with.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index.generation import pinyin_readings
from index.generation.generation_format import ASSIST_VERSION
from index.generation.keyindex import DeletionIndex, FileArray, KeyIndex, blob

DATA = "assist.bin"
INFO = "assist.json"
FILES = (DATA, INFO)
VERSION = ASSIST_VERSION  # bumped in generation_format.py
MAX_WINDOW = 8  # did-you-mean looks at stretches of 2 … MAX_WINDOW characters of a term
STRINGS = ("terms", "pinyin", "tags")
_ALIGN = 8


# ---------------------------------------------------------------- fuzzy pinyin


def fuzzy(syllable: str) -> str:
    """A syllable's fuzzy-pinyin key: zh→z ch→c sh→s, l→n, ang→an eng→en ing→in."""
    s = syllable.replace("v", "u")
    if s[:2] in ("zh", "ch", "sh"):
        s = s[0] + s[2:]
    if s.startswith("l"):
        s = "n" + s[1:]
    if s.endswith("ng") and len(s) > 2 and s[-3] in "aei":
        s = s[:-1]
    return s


def fuzzy_all(readings: list[str]) -> list[str]:
    """:func:`fuzzy` of every syllable of every reading (syllables separated by
    spaces), by string replacements over all of them at once (a syllable starts after
    a space or a line break and ends before one)."""
    if not readings:
        return []
    s = "\n" + "\n".join(readings).replace("v", "u") + "\n"
    for sep in (" ", "\n"):
        for a in "zcs":
            s = s.replace(sep + a + "h", sep + a)
    for sep in (" ", "\n"):
        s = s.replace(sep + "l", sep + "n")
    for end in (" ", "\n"):
        for vowel in "aei":
            s = s.replace(vowel + "ng" + end, vowel + "n" + end)
    return s[1:-1].split("\n")


def full_pinyin(reading: str) -> str:
    return reading.replace(" ", "")


def initials(reading: str) -> str:
    return "".join(x[0] for x in reading.split())


# ---------------------------------------------------------------- part-of-speech tags


def pos_tags(terms: list[str], known: dict[str, str] | None = None) -> list[str]:
    """jieba's part-of-speech tags of each term (``jieba.posseg`` without HMM, its
    default dictionary), space-separated: what completions and related searches tell
    filler by. ``known``: the tags the previous generation wrote (an update tags only
    its new terms, and loads jieba's dictionary only when there is one)."""
    known = known or {}
    cut = None
    out = []
    for term in terms:
        tags = known.get(term)
        if tags is None:
            if cut is None:
                import jieba.posseg

                cut = jieba.posseg.lcut
            tags = " ".join(w.flag for w in cut(term, HMM=False))
        out.append(tags)
    return out


# ---------------------------------------------------------------- making the arrays


def make(terms: list[str], freq, kinds, pinyin: list[str], tags: list[str] | None = None,
         readings: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every array of the tables (see the module docstring) for a vocabulary sorted by
    term; ``tags`` None leaves the part-of-speech tags out (the search side then asks
    jieba for a term's tags when it needs them); ``readings``: pypinyin's readings
    (:func:`index.generation.pinyin_readings.arrays`), which a written generation holds
    and a vocabulary made in memory (tests) may leave out."""
    out: dict[str, np.ndarray] = {}
    columns = {"terms": terms, "pinyin": pinyin} if tags is None else {"terms": terms, "pinyin": pinyin, "tags": tags}
    for name, strings in columns.items():
        out[f"{name}.data"], out[f"{name}.offsets"] = blob(strings)
    out["freq"] = np.asarray(freq, dtype=np.int64).reshape(-1)
    out["kinds"] = np.asarray(kinds, dtype=np.int64).reshape(-1)
    n = len(terms)

    def put(name: str, table) -> None:
        out[f"{name}.h"], out[f"{name}.i"] = table.arrays()

    put("term", KeyIndex(keys=list(terms), ids=np.arange(n, dtype=np.int32)))
    ids = [i for i, p in enumerate(pinyin) if p]
    spoken = [pinyin[i] for i in ids]
    fulls = {i: full_pinyin(pinyin[i]) for i in ids}
    starts = {i: initials(pinyin[i]) for i in ids}
    put("by_pinyin", KeyIndex(keys=spoken, ids=ids))
    put("by_fuzzy", KeyIndex(keys=fuzzy_all(spoken), ids=ids))
    put("by_full", KeyIndex(keys=[fulls[i] for i in ids], ids=ids))
    put("by_initials", KeyIndex(keys=[starts[i] for i in ids], ids=ids))
    put("deletions", DeletionIndex(terms, 3, MAX_WINDOW + 1))
    out["prefix_full"] = np.array(sorted(ids, key=lambda i: (fulls[i], i)), dtype=np.int32)
    out["prefix_initials"] = np.array(sorted(ids, key=lambda i: (starts[i], i)), dtype=np.int32)
    out["reversed"] = np.array([i for _, i in sorted((t[::-1], i) for i, t in enumerate(terms))], dtype=np.int32)
    out.update(readings or {})
    return out


# ---------------------------------------------------------------- writing and mapping


def write(gen: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the arrays into ``gen`` (``assist.bin`` and ``assist.json``)."""
    where: dict[str, list] = {}
    for name in FILES:
        (gen / name).unlink(missing_ok=True)  # never write through a hard link to the previous generation
    with open(gen / DATA, "wb") as f:
        pos = 0
        for name, a in arrays.items():
            a = np.ascontiguousarray(a)
            pad = -pos % _ALIGN
            f.write(b"\0" * pad)
            pos += pad
            where[name] = [a.dtype.str, pos, int(a.size)]
            f.write(a.data if a.size else b"")  # the buffer itself: a mapped table is not copied first
            pos += a.nbytes
    info = {"version": VERSION, "bytes": pos, "arrays": where}
    if pinyin_readings.present(arrays):
        info["readings"] = _readings_stamp()
    (gen / INFO).write_text(json.dumps(info), encoding="utf-8")


def _readings_stamp() -> dict:
    return {"version": pinyin_readings.VERSION, "pypinyin": pinyin_readings.pypinyin_version()}


def reusable_readings(tables: "AssistTables") -> dict[str, np.ndarray] | None:
    """pypinyin's readings as a generation's (sound, opened) tables hold them, when made
    by this layout and the installed pypinyin: an update then neither imports pypinyin
    nor reads its dictionaries again. None otherwise (computed again)."""
    if tables.info.get("readings") != _readings_stamp():
        return None
    return {name: np.array(a) for name, a in tables.items() if name.startswith(pinyin_readings.PREFIX)}


def present(gen: Path) -> bool:
    return all((gen / name).is_file() for name in FILES)


class AssistTables:
    """The mapped tables of one generation: ``tables[name]`` is a read-only array."""

    def __init__(self, gen: Path):
        from index.errors import IndexMissing
        from index.generation import store

        # sizes against the generation's manifest before anything is mapped: reading
        # past the end of a truncated mapped file kills the process (SIGBUS)
        store.check_file_sizes(gen, only=FILES)
        try:
            self.info = info = json.loads((gen / INFO).read_text(encoding="utf-8"))
            if info.get("version") != VERSION:
                raise ValueError(f"version {info.get('version')!r}, expected {VERSION}")
            size = int(info["bytes"])
            data = store.map_exactly(gen / DATA, size)
            self._file = open(gen / DATA, "rb", buffering=0)  # the lookup tables' blocks: read, not mapped
            self._arrays: dict[str, np.ndarray] = {}
            for name, (dtype, offset, count) in info["arrays"].items():
                dt = np.dtype(dtype)
                if offset < 0 or count < 0 or offset + count * dt.itemsize > size:
                    raise ValueError(f"array {name} lies outside {DATA}")
                self._arrays[name] = np.frombuffer(data, dtype=dt, count=count, offset=offset) if count else \
                    np.zeros(0, dtype=dt)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise IndexMissing(f"the query-assistance tables in {gen} cannot be read ({exc})",
                               "rebuild the index with `govsearch index build`") from None
        self._watched = [store.watch(gen / DATA)] if size else []

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def paged(self, name: str) -> FileArray:
        """Array ``name`` read from the file by slices (keyindex.FileArray), not mapped."""
        dtype, offset, count = self.info["arrays"][name]
        return FileArray(self._file, offset, count, dtype)

    def get(self, name: str) -> np.ndarray | None:
        return self._arrays.get(name)

    def items(self):
        return self._arrays.items()

    def verify(self) -> None:
        """Raise IndexDamaged when the mapped file was truncated or written in place."""
        from index.generation import store

        for watched in self._watched:
            store.check_watched(watched)
