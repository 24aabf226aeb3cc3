"""Topic precision against passages judged blind by hand (``bench/topics_judged.tsv``).

    python bench/topics_judged.py                 # every sample
    python bench/topics_judged.py --lexicon my.txt

Each row of ``topics_judged.tsv`` names a sample (A–D), a file of ``../shared/corpus-towns``,
``../shared/corpus-real`` or ``corpus/``, a passage by the SHA-1 of its normalized text
(first 16 hex digits: no corpus text is kept in the project) and the topics the judge
gave it (``-``: none). The files are parsed with the current rules; a passage whose text
the parser now cuts differently is not found and is counted apart. Each passage is
classified with its section as parsed now; precision = topics given that the judge also
gave, recall = judged topics given. How the samples were drawn and judged: BENCHMARKS.md,
"Topics judged blind".
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.analysis import Analyzer  # noqa: E402
from index.normalize import normalize  # noqa: E402
from index.reading.structure import parse  # noqa: E402
from index.reading.topics import TopicLexicon  # noqa: E402

JUDGED = ROOT / "bench" / "topics_judged.tsv"
FOLDERS = (ROOT.parent / "shared" / "corpus-towns", ROOT.parent / "shared" / "corpus-real", ROOT / "corpus")


def passage_key(text: str) -> str:
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()[:16]


def _share(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lexicon", help="a topic lexicon file (default: the shipped one)")
    args = ap.parse_args(argv)
    lexicon = TopicLexicon.load(args.lexicon)
    with open(JUDGED, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    analyzer = Analyzer()
    passages: dict[str, dict[str, tuple]] = {}
    missing_files: set[str] = set()
    for name in sorted({r["file"] for r in rows}):
        path = next((folder / name for folder in FOLDERS if (folder / name).exists()), None)
        if path is None:
            missing_files.add(name)
            continue
        structure = parse(path.read_text(encoding="utf-8", errors="replace"), analyzer)
        passages[name] = {passage_key(text): (section, text) for kind, section, text in structure.blocks
                          if kind == "body"}
    if missing_files:
        print(f"{len(missing_files)} judged files are absent (../shared not here?): skipped", file=sys.stderr)
    print("| sample | judged | found | precision | recall |")
    print("|---|---|---|---|---|")
    for sample in sorted({r["sample"] for r in rows}):
        tp = fp = fn = found = judged = 0
        for r in (r for r in rows if r["sample"] == sample):
            judged += 1
            hit = passages.get(r["file"], {}).get(r["passage"])
            if hit is None:
                continue
            found += 1
            section, text = hit
            got = set(lexicon.classify(text, section))
            want = set() if r["topics"] == "-" else set(r["topics"].split(","))
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        print(f"| {sample} | {judged} | {found} | {_share(tp, tp + fp)} | {_share(tp, tp + fn)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
