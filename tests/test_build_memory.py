"""What a build holds while it runs, bounded where it grew with the corpus: the line
hashes of every plain-text file held as 8 bytes a line (index/generation/corpus_state.py),
the query-assistance tables' key hashes computed a batch of keys at a time
(index/generation/keyindex.py) with the hashes of all keys at once."""

from __future__ import annotations

import numpy as np
import pytest

from index.generation import corpus_state, keyindex

TEXT = "第一行正文\n\n版权所有\n甲\n第一行正文\n"


def test_line_hashes_are_held_as_eight_bytes_a_line_and_read_back_equal(tmp_path):
    hashes = corpus_state.line_hashes(TEXT)
    assert hashes.itemsize == 8 and len(hashes) == 4  # the blank line left out
    assert hashes[2] == 0 and hashes[0] == hashes[3] != 0  # a one-character line never counts
    assert list(hashes) == [corpus_state._hash("第一行正文"), corpus_state._hash("版权所有"), 0,
                            corpus_state._hash("第一行正文")]
    files = {"a.txt": {"stat": None}, "b.txt": {"stat": None}}
    lines = {"a.txt": hashes, "b.txt": corpus_state.line_hashes("别的\n")}
    corpus_state.write(tmp_path, files, {}, "s", lines, [], [], True)
    back = corpus_state.read_lines(tmp_path, corpus_state.read(tmp_path))
    assert back == lines and all(h.itemsize == 8 for h in back.values())


@pytest.mark.parametrize("n", [keyindex.HASH_BATCH - 1, keyindex.HASH_BATCH, keyindex.HASH_BATCH + 1,
                               2 * keyindex.HASH_BATCH + 1])
def test_keys_hashed_a_batch_at_a_time_hash_as_one_at_a_time(n):
    keys = [chr(0x4E00 + i % 20000) + str(i) * (i % 3) for i in range(n)]
    keys[n // 2] = ""  # an empty key hashes to 0 in any batch
    got = keyindex.strings_hash(keys)
    assert got.dtype == np.int64 and len(got) == n
    at = [0, n // 2, min(keyindex.HASH_BATCH - 1, n - 1), min(keyindex.HASH_BATCH, n - 1), n - 1]  # the batches' edges
    assert [int(got[i]) for i in at] == [keyindex._signed(keyindex.string_hash(keys[i])) for i in at]
    assert int(got[n // 2]) == 0
    table = keyindex.KeyIndex(keys=keys, ids=np.arange(n, dtype=np.int32))
    assert table.get(keys[-1]) == [n - 1] and table.get(keys[at[3]]) == [at[3]]
