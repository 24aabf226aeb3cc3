"""Score the ranking on the judged relevance set (bench/judged.json).

    .venv/bin/python bench/relevance.py                 # figures per need and overall, beside the baseline
    .venv/bin/python bench/relevance.py --unjudged      # also list every unjudged passage of each top 20
    .venv/bin/python bench/relevance.py --save-baseline # store the current ranking as the baseline
    .venv/bin/python bench/relevance.py --rebuild       # rebuild the index of corpus/ + corpus-real first

The index is built once (bench/out/relevance/index) from the sample corpus (corpus/)
and ../shared/corpus-real/, linked file by file into bench/out/relevance/corpus; it is
rebuilt when the engine's build code or a corpus file list changed, or with --rebuild.
When ../shared/corpus-real is absent the script says so and stops (exit 0): most needs
are about the real corpus.

Judgements: for each need, passages are keyed by ``doc_id|first 24 characters of the
passage text`` (whitespace removed), so they survive rebuilds that renumber passages.
Grades: 2 = the passage substantively discusses the need, 1 = mentions it in passing
(or a heading, caption or title naming it), 0 = not relevant. An unjudged passage
counts as 0 and is listed, so the set can be extended.

Measures (over the top 10 of the hit list in the order the engine returns it):
P@10 = passages of grade 2 / 10; nDCG@10 with gain 2^g - 1, the ideal ranking taken
from every judged passage of the need; MRR = 1 / rank of the first grade-2 passage.
The baseline (bench/relevance_baseline.json) stores the top 20 keys of each need as
the ranking of commit 3190e3f ranked them, and is scored with the current judgements.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JUDGED = ROOT / "bench" / "judged.json"
BASELINE = ROOT / "bench" / "relevance_baseline.json"
OUT = ROOT / "bench" / "out" / "relevance"
SAMPLES = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"
DEPTH = 20
KEY_CHARS = 24
_SPACE = re.compile(r"\s+")


def passage_key(doc_id: str, text: str) -> str:
    return f"{doc_id}|{_SPACE.sub('', text)[:KEY_CHARS]}"


def _link_corpus(out: Path = OUT, towns: Path | None = None) -> Path:
    """``out``/corpus: links to the samples and ../shared/corpus-real (their .txt, .md and
    .tsv files), and with ``towns`` to that folder's .txt reports (its truth.tsv and
    README.md describe the folder, they are not reports)."""
    corpus = out / "corpus"
    sources = [("samples", SAMPLES, (".txt", ".md", ".tsv")), ("real", REAL, (".txt", ".md", ".tsv"))]
    if towns is not None:
        sources.append(("towns", towns, (".txt",)))
    for sub, src, suffixes in sources:
        folder = corpus / sub
        folder.mkdir(parents=True, exist_ok=True)
        for path in sorted(src.iterdir()):
            if path.is_file() and path.suffix in suffixes:
                link = folder / path.name
                if not link.exists():
                    link.symlink_to(path.resolve())
    return corpus


def _fingerprint(corpus: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(corpus.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(corpus)).encode())
            h.update(str(path.stat().st_size).encode())
    for code in sorted((ROOT / "index").rglob("*.py")) + sorted((ROOT / "index" / "data").glob("*")):
        h.update(code.read_bytes())
    return h.hexdigest()[:16]


def ensure_index(rebuild: bool, out: Path = OUT, towns: Path | None = None) -> Path:
    """The index ``out``/index of the linked corpus (see :func:`_link_corpus`), rebuilt
    when asked or when the files or the indexing code changed."""
    from index import build
    from index.reading.ingest import WalkOptions

    corpus = _link_corpus(out, towns)
    index_dir = out / "index"
    stamp = out / "index.stamp"
    fp = _fingerprint(corpus)
    if rebuild or not stamp.exists() or stamp.read_text() != fp:
        print(f"building the index of {corpus} …", file=sys.stderr)
        # the corpus folder is made of symbolic links to the corpora (outside it)
        report = build(corpus, index_dir, walk=WalkOptions(follow_symlinks="any"))
        print(f"  {len(getattr(report, 'indexed', []) or [])} files indexed", file=sys.stderr)
        stamp.write_text(fp)
    return index_dir


def load_judged() -> list[dict]:
    return json.loads(JUDGED.read_text(encoding="utf-8"))["needs"]


GROUP = "none"


def ranked_keys(searcher, need: dict, depth: int = DEPTH) -> list[tuple[str, object]]:
    res = searcher.search(need["q"], page_size=depth, group=GROUP, **need.get("filters", {}))
    return [(passage_key(h.doc_id, h.passage), h) for h in res.hits]


def measures(keys: list[str], grades: dict[str, int]) -> dict[str, float]:
    top = keys[:10]
    g = [grades.get(k, 0) for k in top]
    p10 = sum(1 for x in g if x == 2) / 10
    dcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(g))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(ideal))
    ndcg = dcg / idcg if idcg else 0.0
    rr = next((1 / (i + 1) for i, x in enumerate(g) if x == 2), 0.0)
    return {"p10": p10, "ndcg10": ndcg, "mrr": rr}


def _mean(rows: list[dict], name: str) -> float:
    return sum(r[name] for r in rows) / len(rows) if rows else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    ap.add_argument("--unjudged", action="store_true", help="list every unjudged passage of each top 20")
    ap.add_argument("--save-baseline", action="store_true", help="store the current top 20 as the baseline")
    ap.add_argument("--dump", metavar="FILE", help="write every unjudged top-20 passage as JSON lines (for judging)")
    ap.add_argument("--only", help="comma-separated need ids")
    ap.add_argument("--group", choices=("none", "report"), default="none",
                    help="score the hit list as the engine groups it (default none: the ranking itself)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a constant of search/ranking.py for this run (experiments)")
    args = ap.parse_args(argv)
    if not REAL.is_dir():
        print(f"skipped: {REAL} is absent; the judged set is about the sample corpus and the real corpus "
              f"(../shared/corpus-real), which ships beside the project only on developer machines")
        return 0
    from search import ranking
    from search.engine import Searcher

    for item in args.set:
        name, _, value = item.partition("=")
        setattr(ranking, name, json.loads(value))

    global GROUP
    GROUP = args.group
    searcher = Searcher(ensure_index(args.rebuild))
    needs = load_judged()
    if args.only:
        wanted = set(args.only.split(","))
        needs = [n for n in needs if n["id"] in wanted]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    now_rows, base_rows, unjudged_top10 = [], [], 0
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    print(f"{'need':<6} {'query':<28} {'P@10':>5} {'nDCG':>5} {'MRR':>5}  | base {'P@10':>5} {'nDCG':>5} {'MRR':>5}  unj")
    for need in needs:
        grades = need.get("judgements", {})
        ranked = ranked_keys(searcher, need)
        keys = [k for k, _ in ranked]
        m = measures(keys, grades)
        now_rows.append(m)
        b = measures(baseline[need["id"]], grades) if need["id"] in baseline else None
        if b:
            base_rows.append(b)
        missing = [(i, k, h) for i, (k, h) in enumerate(ranked) if k not in grades]
        n10 = sum(1 for i, _, _ in missing if i < 10)
        unjudged_top10 += n10
        label = need["q"] + "".join(f" {f}:{','.join(v)}" for f, v in need.get("filters", {}).items())
        btxt = f"{b['p10']:>5.2f} {b['ndcg10']:>5.2f} {b['mrr']:>5.2f}" if b else "    -     -     -"
        print(f"{need['id']:<6} {label[:28]:<28} {m['p10']:>5.2f} {m['ndcg10']:>5.2f} {m['mrr']:>5.2f}  |      {btxt}  {n10 or ''}")
        if args.unjudged or n10:
            for i, k, h in missing:
                if i < 10 or args.unjudged:
                    print(f"         unjudged #{i + 1} [{h.kind}] {k}")
        if dump:
            for i, k, h in missing:
                dump.write(json.dumps({"need": need["id"], "q": label, "rank": i + 1, "key": k, "kind": h.kind,
                                       "section": h.section, "text": h.passage}, ensure_ascii=False) + "\n")
    if dump:
        dump.close()
    print(f"{'ALL':<6} {len(needs)} needs{'':<19} {_mean(now_rows, 'p10'):>5.3f} {_mean(now_rows, 'ndcg10'):>5.3f} "
          f"{_mean(now_rows, 'mrr'):>5.3f}  | base {_mean(base_rows, 'p10'):>5.3f} {_mean(base_rows, 'ndcg10'):>5.3f} "
          f"{_mean(base_rows, 'mrr'):>5.3f}")
    print(f"unjudged passages in the top 10: {unjudged_top10}")
    if args.save_baseline:
        stored = dict(baseline)
        for need in needs:
            stored[need["id"]] = [k for k, _ in ranked_keys(searcher, need)]
        BASELINE.write_text(json.dumps(stored, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"baseline written to {BASELINE}")
    searcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
