"""jieba's dictionary as a memory-mapped table, so that a query is segmented without
loading it.

Loading jieba's dictionary (its prefix dictionary of about 600,000 entries plus the
domain dictionary) takes a second or more; a query needs a handful of its entries.
A build writes the analyzer's complete prefix dictionary (``FREQ``, with the domain
words added) beside the index, sorted by UTF-8 bytes (``jieba.bin`` with offsets and
frequencies). At query time :class:`WordTable` looks up only the substrings of the
query, gives them to a jieba tokenizer as its whole dictionary, and lets jieba's own
code segment: jieba only ever consults substrings of the text it cuts, and every
prefix of a dictionary word is itself an entry, so the result is exactly what the
fully loaded analyzer gives (a test checks it on real text).
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from pathlib import Path

import numpy as np

BLOB = "jieba.bin"
OFFSETS = "jieba.offsets.npy"
FREQS = "jieba.freq.npy"
INFO = "jieba.json"
FILES = (BLOB, OFFSETS, FREQS, INFO)
PAIRS = "jieba.pairs.npy"  # the character pairs inside dictionary words (write_pairs)


def write(folder: Path, freq: dict[str, int], total: int) -> None:
    """Write jieba's prefix dictionary ``freq`` (``Tokenizer.FREQ``) into ``folder``."""
    blob, offsets, freqs = _table(freq)
    for name in FILES:
        (folder / name).unlink(missing_ok=True)  # never write through a hard link
    (folder / BLOB).write_bytes(blob)
    np.save(folder / OFFSETS, offsets, allow_pickle=False)
    np.save(folder / FREQS, freqs, allow_pickle=False)
    (folder / INFO).write_text(json.dumps({"total": int(total), "entries": len(freqs),
                                           "bytes": int(offsets[-1])}), encoding="utf-8")


# The table of the dictionary written last, kept for the process: the analyzer's loaded
# dictionary is shared by every build of the process (index/analysis.py), and sorting
# its 600,000 entries again for each new index would cost a large part of a small build.
_LAST_TABLE: tuple[dict, int, tuple[bytes, np.ndarray, np.ndarray]] | None = None


def _table(freq: dict[str, int]) -> tuple[bytes, np.ndarray, np.ndarray]:
    """(keys joined, their offsets, their frequencies), the keys sorted by UTF-8 bytes."""
    global _LAST_TABLE
    last = _LAST_TABLE
    if last is not None and last[0] is freq and last[1] == len(freq):
        return last[2]
    items = sorted((w.encode("utf-8"), f) for w, f in freq.items())
    keys = [k for k, _ in items]
    offsets = np.zeros(len(keys) + 1, dtype=np.uint32)
    np.cumsum([len(k) for k in keys], out=offsets[1:])
    table = (b"".join(keys), offsets, np.asarray([f for _, f in items], dtype=np.uint32))
    _LAST_TABLE = (freq, len(freq), table)
    return table


def present(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FILES)


class _Keys:
    """The sorted keys as a sequence of bytes (for bisect)."""

    def __init__(self, data, offsets: list[int]):
        self.data, self.offsets = data, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.data[self.offsets[i] : self.offsets[i + 1]]


class WordTable:
    """The mapped dictionary of one index generation."""

    def __init__(self, folder: Path):
        from index.errors import IndexMissing
        from index.generation import store

        # sizes against the generation's manifest before anything is mapped: reading
        # past the end of a truncated mapped file kills the process (SIGBUS)
        store.check_file_sizes(folder, only=FILES)
        try:
            info = json.loads((folder / INFO).read_text(encoding="utf-8"))
            size = (folder / BLOB).stat().st_size
            offsets = np.load(folder / OFFSETS, mmap_mode="r", allow_pickle=False).view(np.ndarray)
            self.freqs = np.load(folder / FREQS, mmap_mode="r", allow_pickle=False).view(np.ndarray)
            data = store.map_exactly(folder / BLOB, size)  # changed since the stat: ValueError
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexMissing(f"the dictionary files in {folder} cannot be read ({exc})", fix="rebuild") from None
        if size != info["bytes"] or len(offsets) != info["entries"] + 1 or len(self.freqs) != info["entries"] \
                or int(offsets[-1]) != size:
            raise IndexMissing(f"the dictionary files {folder / BLOB} do not match {folder / INFO}", fix="rebuild")
        self._watched = [store.watch(folder / name) for name in (BLOB, OFFSETS, FREQS)]
        self.total = info["total"]
        self._offsets = offsets
        # a memoryview (of native byte order, which it can index; a view of the mapped file
        # when it is already that): indexing it gives a plain int, a probe makes no numpy scalar
        self._keys = _Keys(data, memoryview(np.ascontiguousarray(offsets, dtype=offsets.dtype.newbyteorder("="))))
        self._cache: dict[str, int | None] = {}

    def verify(self) -> None:
        """Raise IndexMissing naming a mapped file that was truncated or written in place
        since it was mapped (one ``stat`` each)."""
        from index.generation import store

        for watched in self._watched:
            store.check_watched(watched)

    def get(self, word: str) -> int | None:
        """The frequency of ``word`` in jieba's prefix dictionary (0 for a prefix that is
        not a word itself), or None when it is not an entry."""
        cached = self._cache.get(word, -1)
        if cached != -1:
            return cached
        key = word.encode("utf-8")
        i = bisect_left(self._keys, key)
        found = int(self.freqs[i]) if i < len(self._keys) and self._keys[i] == key else None
        if len(self._cache) < 100_000:
            self._cache[word] = found
        return found

    def entries_in(self, sentence: str) -> dict[str, int]:
        """Every dictionary entry that is a substring of ``sentence`` (all jieba reads)."""
        out: dict[str, int] = {}
        n = len(sentence)
        for k in range(n):
            for i in range(k + 1, n + 1):
                frag = sentence[k:i]
                if frag in out:
                    continue
                f = self.get(frag)
                if f is None:
                    break  # no entry has this prefix
                out[frag] = f
        return out

    def tokenizer(self, text: str):
        """A jieba tokenizer whose dictionary is the entries ``text`` holds: it cuts
        ``text`` (and any substring of it) as the fully loaded one does."""
        from index.analysis import import_jieba

        jieba = import_jieba()
        tk = jieba.Tokenizer()
        tk.FREQ = self.entries_in(text)
        tk.total = self.total
        tk.initialized = True
        return tk

    def cut(self, normalized: str) -> list[str]:
        """jieba words of already-normalized text, as ``Analyzer.cut`` gives them."""
        return [w for w in self.tokenizer(normalized).cut(normalized, HMM=True) if w and not w.isspace()]


def _pair_key(pair: str) -> int:
    return (ord(pair[0]) << 21) | ord(pair[1])


def write_pairs(folder: Path, freq: dict[str, int]) -> None:
    """:data:`PAIRS`: every two characters that stand together inside a word of the
    dictionary (``Analyzer.in_dictionary_word``), as sorted 64-bit keys."""
    keys = {_pair_key(w[i : i + 2]) for w, f in freq.items() if f and len(w) > 1 for i in range(len(w) - 1)}
    (folder / PAIRS).unlink(missing_ok=True)
    np.save(folder / PAIRS, np.array(sorted(keys), dtype=np.uint64), allow_pickle=False)


def table_analyzer(folder: Path, userdict: list[tuple[str, int | None]]):
    """An :class:`index.analysis.Analyzer` with the dictionary ``userdict`` that segments
    from the mapped table of generation ``folder`` (which must have been written with the
    same dictionary), without loading jieba's: what an update of a few reports uses. None
    when the generation has no such table."""
    if not present(folder) or not (folder / PAIRS).is_file():
        return None
    from index.analysis import Analyzer
    from index.generation import store

    class TableAnalyzer(Analyzer):
        def __init__(self):
            super().__init__(userdict)
            self.table = WordTable(folder)
            store.check_file_sizes(folder, only=(PAIRS,))  # before mapping: a truncated map is a SIGBUS
            self.pairs = np.load(folder / PAIRS, mmap_mode="r", allow_pickle=False)
            self._pairs_watched = store.watch(folder / PAIRS)

        def verify(self) -> None:
            """The mapped files as they were mapped (one ``stat`` each), before each text
            is cut: the live generation's files, which anyone may damage meanwhile."""
            self.table.verify()
            store.check_watched(self._pairs_watched)

        def cut(self, normalized: str) -> list[str]:
            self.verify()
            return self.table.cut(normalized)

        def _tokenizer_for(self, text: str):
            self.verify()
            return self.table.tokenizer(text)

        def is_word(self, text: str) -> bool:
            # the table holds jieba's frequencies: 0 for a prefix that is no word itself
            self.verify()
            return bool(self.table.get(text))

        def in_dictionary_word(self, pair: str) -> bool:
            key = _pair_key(pair)
            i = int(np.searchsorted(self.pairs, np.uint64(key)))
            return i < len(self.pairs) and int(self.pairs[i]) == key

        def __reduce__(self):  # a worker process gets the plain analyzer of the same dictionary
            return Analyzer, (self.userdict,)

    return TableAnalyzer()


def copy_or_write(folder: Path, previous: Path | None, analyzer) -> None:
    """The dictionary table of a new generation: kept (hard-linked) from the previous
    generation when it is there (an update with the same dictionary), else written."""
    if previous is not None and present(previous):
        names = FILES + ((PAIRS,) if (previous / PAIRS).is_file() else ())
        from index.generation import store

        # as written (damaged since the update checked them: the update fails, the live
        # index stays): the new generation's manifest would vouch for whatever is linked
        store.check_file_sizes(previous, only=names)
        for name in names:
            target = folder / name
            if not target.exists():
                try:
                    os.link(previous / name, target)
                except OSError:
                    import shutil

                    shutil.copy2(previous / name, target)
        if PAIRS not in names:
            write_pairs(folder, analyzer.jieba.FREQ)
        return
    tk = analyzer.jieba
    write(folder, tk.FREQ, tk.total)
    write_pairs(folder, tk.FREQ)
