#!/usr/bin/env python3
"""Whether two builds of the same corpus wrote the same index: each derived file of the
live generations by CRC-32 (the manifest's), the vocabulary's content, and with
``--whoosh`` Whoosh's record by passage row — every posting's row, weight and value,
each term's statistics, each field length and each stored field.

    .venv/bin/python bench/same_index.py <index A> <index B> [--whoosh]

Files that differ between any two builds (``_MAIN_*.toc``, Whoosh's segments, whose names
are random, ``build.json`` and ``corpus-state.json``, which hold times) are listed apart.
Exits 1 when anything else differs.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ALWAYS_DIFFERENT = ("build.json", "corpus-state.json", "manifest.json", "vocabulary.json.gz")  # gzip: its time; content compared


def live(index: str) -> Path:
    return Path(index) / (Path(index) / "CURRENT").read_text().strip()


def whoosh_by_row(gen: Path) -> dict:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        r = s.reader()
        row_of = r.column_reader("row")
        row = {d: row_of[d] for d in range(r.doc_count_all()) if not r.is_deleted(d)}
        terms = {}
        for f, t in r.all_terms():
            m = r.postings(f, t)
            postings = []
            while m.is_active():
                if m.id() in row:
                    postings.append((row[m.id()], m.weight(), m.value()))
                m.next()
            info = r.term_info(f, t)
            terms[(f, t)] = (sorted(postings), info.weight(), info.doc_frequency(), info.min_length(),
                             info.max_length(), info.max_weight())
        lengths = {(row[d], name): r.doc_field_length(d, name) for d in row
                   for name, field in ix.schema.items() if field.scorable}
        stored = {row[d]: f for d, f in r.iter_docs() if d in row}
    return {"terms": terms, "lengths": lengths, "stored": stored}


def main(argv: list[str]) -> int:
    a, b = live(argv[0]), live(argv[1])
    ma, mb = (json.loads((g / "manifest.json").read_text()) for g in (a, b))
    names = [n for n in ma["files"] if n in mb["files"]]
    differ = [n for n in names if ma["crc32"][n] != mb["crc32"][n]]
    expected = [n for n in differ if n in ALWAYS_DIFFERENT or n.endswith((".toc", ".seg"))]
    unexpected = [n for n in differ if n not in expected]
    only = sorted(n for n in set(ma["files"]) ^ set(mb["files"]) if not n.endswith((".seg", ".toc")))
    va, vb = (json.loads(gzip.decompress((g / "vocabulary.json.gz").read_bytes())) for g in (a, b))
    print(f"| files compared | {len(names)} |")
    print(f"| differing by CRC-32 (expected: times, segment names) | {', '.join(expected) or '-'} |")
    print(f"| differing by CRC-32, others | {', '.join(unexpected) or 'none'} |")
    print(f"| in one generation only | {', '.join(only) or 'none'} |")
    print(f"| vocabulary content equal | {va == vb} |")
    same = not unexpected and not only and va == vb
    if "--whoosh" in argv:
        wa, wb = whoosh_by_row(a), whoosh_by_row(b)
        for part in ("terms", "lengths", "stored"):
            equal = wa[part] == wb[part]
            print(f"| Whoosh {part} equal ({len(wa[part])}) | {equal} |")
            same = same and equal
    print(f"| the same index | {same} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
