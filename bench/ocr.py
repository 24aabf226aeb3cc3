"""OCR speed per page and accuracy on the scan fixtures (tests/fixtures/ocr/).

    .venv/bin/python bench/ocr.py [--workers 1]

Builds an index of the fixtures with an empty OCR cache (every page OCR'd), then again
(every page from the cache), and prints the seconds per page (wall and CPU: the load
average of a shared machine inflates wall time, not CPU time) and, for each fixture, the
share of its source characters recovered (1 - edit distance / length of the source
text, whitespace left out) — the figures of docs/ocr.md. ``heldout.jpg`` is the
held-out fixture: the page preparation was not tuned on it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.generation.build import build  # noqa: E402
from index.reading.formats.ocr import OcrOptions  # noqa: E402
from search.engine import Searcher  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "ocr"


def distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract, pdftoppm, workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name in ("scan.pdf", "photo.png", "heldout.jpg"):
            shutil.copy(FIXTURES / name, corpus / name)
        options = OcrOptions(cache_dir=Path(tmp) / "cache")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        started, cpu_started = time.perf_counter(), cpu()
        first = build(corpus, Path(tmp) / "index", workers=args.workers, ocr=options)
        cold, cold_cpu = time.perf_counter() - started, cpu() - cpu_started
        docs = json.loads(next((Path(tmp) / "index").glob("gen-*/documents.json")).read_text(encoding="utf-8"))
        started, cpu_started = time.perf_counter(), cpu()
        second = build(corpus, Path(tmp) / "index", workers=args.workers, ocr=options)
        warm, warm_cpu = time.perf_counter() - started, cpu() - cpu_started
        searcher = Searcher(Path(tmp) / "index")
        print(f"build, empty cache: {cold:.1f} s for {first.ocr_pages} pages ({cold / first.ocr_pages:.1f} s a page, "
              f"jieba and the index included); CPU {cold_cpu:.1f} s")
        print(f"build, cached:      {warm:.1f} s ({second.ocr_cached} of {second.ocr_pages} pages from the cache); "
              f"CPU {warm_cpu:.1f} s")
        if args.workers == 1:  # workers' CPU is counted only once they end: exact with one worker
            print(f"OCR alone (CPU of the first build less the second's): "
                  f"{(cold_cpu - warm_cpu) / first.ocr_pages:.1f} CPU s a page")
        for d in docs:
            o = d["ocr"]
            truth = (FIXTURES / f"{Path(d['source']).stem}.truth.txt").read_text(encoding="utf-8")
            doc = searcher.document(d["doc_id"])
            got = re.sub(r"\s", "", doc["title"] + "".join(p["text"] for p in doc["passages"] if p["kind"] != "title"))
            want = re.sub(r"\s", "", truth)
            accuracy = 1 - distance(got, want) / len(want)
            held = " (held out)" if d["source"] == "heldout.jpg" else ""
            print(f"{d['source']}{held}: {len(o['pages'])} pages, OCR {o['seconds']:.1f} s "
                  f"({o['seconds'] / len(o['pages']):.1f} s a page), confidence {o['confidence']}, "
                  f"characters recovered {accuracy:.1%} ({len(want)} in the source), "
                  f"uncertain words {len(o['uncertain'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
