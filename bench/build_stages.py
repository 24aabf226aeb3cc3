#!/usr/bin/env python3
"""CPU seconds of each stage of a build run in one process (analysis and Whoosh's writer
in this process: ``workers=1``), so that the stages of the same build add up.

    .venv/bin/python bench/build_stages.py --corpus <corpus> --index bench/out/idx-stages
    PYTHONPATH=bench/out/engine-<sha> .venv/bin/python bench/build_stages.py …   # a commit's engine

Each stage's functions are wrapped and their ``time.process_time`` summed: jieba's cut of
the passages, structure parsing, metadata, topics, the vocabulary, the columns, Whoosh's
``add_document`` and commit. ``analyze (all)`` holds the first five. The fresh Python that
writes the query-assistance tables is not counted (``/usr/bin/time -v`` of
``bench/build_steps.py`` gives the whole tree). A profiler's figures mislead here: per call
overhead inflates jieba's and Whoosh's many small calls several times.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH.parent) not in sys.path:
    sys.path.append(str(BENCH.parent))  # last: an engine snapshot on PYTHONPATH wins


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    args = ap.parse_args()

    from index import analysis, build
    from index.generation import build as build_module
    from index.generation import columns, grams, vocabulary, whoosh_writer, wordrows
    from index.reading import metadata, topics

    spent: dict[str, float] = defaultdict(float)

    def wrap(owner, name: str, label: str) -> None:
        f = getattr(owner, name)

        @functools.wraps(f)
        def timed(*a, **k):
            t = time.process_time()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.process_time() - t

        setattr(owner, name, timed)

    wrap(build_module, "_analyze", "analyze (all)")
    wrap(analysis.Analyzer, "passage_words", "— jieba: passage words")
    wrap(build_module, "parse", "— structure parsing")
    wrap(metadata, "describe", "— metadata")
    wrap(topics.TopicLexicon, "classify", "— topics")
    wrap(build_module, "normalize", "— normalization")
    wrap(whoosh_writer.LengthsInMemoryWriter, "add_document", "Whoosh add_document")
    wrap(whoosh_writer.LengthsInMemoryWriter, "commit", "Whoosh commit")
    wrap(vocabulary.VocabularyBuilder, "add", "vocabulary terms")
    wrap(vocabulary.VocabularyBuilder, "write", "vocabulary write (this process)")
    wrap(build_module, "_add_columns", "columns add")
    wrap(columns.ColumnWriter, "finish", "columns finish")
    wrap(grams.GramWriter, "add", "bigrams add")
    wrap(grams.GramWriter, "finish", "bigrams finish")
    wrap(wordrows.WordRowsWriter, "add", "word rows add")
    wrap(wordrows.WordRowsWriter, "finish", "word rows finish")
    wrap(build_module, "corpus_boilerplate", "corpus boilerplate")

    shutil.rmtree(args.index, ignore_errors=True)
    cpu = time.process_time()
    report = build(args.corpus, args.index, workers=1)
    total = time.process_time() - cpu
    print(f"{report.documents} reports, {report.passages} passages\n\n| stage | CPU s |\n|---|---|")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {seconds:.2f} |")
    print(f"| this process, all | {total:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
