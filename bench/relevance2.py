"""Score the ranking on the blind-judged set (bench/judged2.json) beside a plain BM25 peer.

    .venv/bin/python bench/relevance2.py                  # both halves, the old set, κ, the peer
    .venv/bin/python bench/relevance2.py --pool FILE      # write the blind judging pool (JSON lines)
    .venv/bin/python bench/relevance2.py --merge A B      # merge two judges' grade files into judged2.json
    .venv/bin/python bench/relevance2.py --group report   # score the hit list grouped by report
    .venv/bin/python bench/relevance2.py --rebuild        # rebuild the index first
    .venv/bin/python bench/relevance2.py --judged-only    # condensed lists: unjudged passages left out
    .venv/bin/python bench/relevance2.py --extra-grades bench/grades-D-blind.jsonl  # + grades made after pooling
    .venv/bin/python bench/relevance2.py --snippets       # snippet cuts over every need's top 10

The index (bench/out/relevance2/index) holds three corpora linked file by file: the
samples (corpus/), ../shared/corpus-real and ../shared/corpus-towns (its .txt reports
only: truth.tsv and README.md describe the folder, they are not reports). When a shared
corpus is absent the script says so and stops (exit 0).

Needs: id, q, filters, need (what a staff member wants, written before any result was
seen), kind (phrase / topic / question / restricted / rare / frequent), half (tune or
held-out, fixed by the id: odd numbers tune, even numbers are held out) and judgements
{key: [grade of judge A, grade of judge B]}. Keys and grades as in bench/relevance.py
(2 substantive, 1 in passing, 0 not relevant); a passage's grade for the measures is
the judges' mean (so 1.5 when one says 2 and the other 1), and P@10 counts passages
whose mean is at least 1.5 (both judges say relevant and at least one says
substantive). Unjudged passages count as 0. A need none of whose pooled passages
reaches a mean of 1.5 has no answer in the corpus that the judges accept: it is left
out of the means (the report says how many were left out).

The peer ("bm25"): BM25 (k1 1.2, b 0.75) over the same passages, jieba words of the
normalized text (the engine's own analyzer), the query's words ANDed first, then the
passages holding only some of them (OR) after, each group by score; the same filters.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from relevance import ensure_index as _ensure_index  # noqa: E402
from relevance import measures as _old_measures
from relevance import passage_key

JUDGED2 = ROOT / "bench" / "judged2.json"
JUDGED = ROOT / "bench" / "judged.json"
OUT = ROOT / "bench" / "out" / "relevance2"
REAL = ROOT.parent / "shared" / "corpus-real"
TOWNS = ROOT.parent / "shared" / "corpus-towns"
DEPTH = 10
BM25_K1 = 1.2
BM25_B = 0.75
RELEVANT = 1.5  # mean grade at which a passage counts for P@10
REORDER = 30  # the reorder ceiling puts the graded passages of our top REORDER in the ideal order
KINDS = ("phrase", "topic", "question", "restricted", "rare", "frequent")


def ensure_index(rebuild: bool) -> Path:
    return _ensure_index(rebuild, OUT, TOWNS)


# ---------------------------------------------------------------------------- the peer
class BM25Peer:
    """Plain BM25 over the engine's live passages (see the module docstring)."""

    def __init__(self, searcher):
        self.searcher = searcher
        t = searcher._current()
        self.table = t
        cache = OUT / "bm25.pickle"
        gen = str(t.path)
        data = pickle.loads(cache.read_bytes()) if cache.exists() else None
        if not data or data.get("gen") != gen:
            rows = t.live_rows.tolist()
            tfs = {}
            for r in rows:
                words = [w for w in t.analyzer.cut(t.norm(r)) if w.strip()]
                tfs[r] = (Counter(words), len(words))
            data = {"gen": gen, "tfs": tfs}
            cache.write_bytes(pickle.dumps(data))
        self.tfs = data["tfs"]
        self.postings: dict[str, list[int]] = defaultdict(list)
        for r, (c, _) in self.tfs.items():
            for w in c:
                self.postings[w].append(r)
        self.n = len(self.tfs)
        self.avg = sum(n for _, n in self.tfs.values()) / max(1, self.n)

    def search(self, q: str, filters: dict, depth: int = DEPTH) -> list[int]:
        from search.query import parse_query

        t = self.table
        parsed = parse_query(q, {k: list(v) for k, v in filters.items()})
        mask = self.searcher.selection_mask(t, parsed)
        words = []
        for term in parsed.terms:
            words.extend(w for w in t.analyzer.cut(term.norm) if w.strip())
        words = list(dict.fromkeys(words))
        scores: dict[int, float] = defaultdict(float)
        hits: Counter = Counter()
        for w in words:
            post = self.postings.get(w, [])
            idf = math.log(1 + (self.n - len(post) + 0.5) / (len(post) + 0.5))
            for r in post:
                if not mask[r]:
                    continue
                c, n = self.tfs[r]
                tf = c[w]
                scores[r] += idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * n / self.avg))
                hits[r] += 1
        # AND first, then OR fill; ties by row (reading order)
        return sorted(scores, key=lambda r: (hits[r] < len(words), -scores[r], r))[:depth]


# ---------------------------------------------------------------------------- measures
def grade_of(value) -> float:
    if isinstance(value, list):
        values = [v for v in value if v is not None]
        return sum(values) / len(values) if values else 0.0
    return float(value)


def measures(keys: list[str], judgements: dict) -> dict[str, float]:
    grades = {k: grade_of(v) for k, v in judgements.items()}
    top = keys[:DEPTH]
    g = [grades.get(k, 0.0) for k in top]
    p10 = sum(1 for x in g if x >= RELEVANT) / DEPTH
    dcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(g))
    ideal = sorted(grades.values(), reverse=True)[:DEPTH]
    idcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(ideal))
    rr = next((1 / (i + 1) for i, x in enumerate(g) if x >= RELEVANT), 0.0)
    return {"p10": p10, "ndcg10": dcg / idcg if idcg else 0.0, "mrr": rr}


def ceiling(judgements: dict) -> dict[str, float]:
    """The best figures a ranking can reach on a need given its grades: every graded
    passage in the ideal order (highest mean grade first). P@10 is below 1 when fewer
    than ten passages reach ``RELEVANT``; nDCG@10 is 1 whenever some grade is above 0
    (the ideal list is the one nDCG divides by)."""
    ideal = sorted(judgements, key=lambda k: -grade_of(judgements[k]))
    return measures(ideal, judgements)


def reorder_ceiling(keys: list[str], judgements: dict) -> dict[str, float]:
    """The figures of our own top ``REORDER`` passages (``keys``, best first) put in the
    ideal order: what a better ranking of what the engine already lists there could
    reach, without finding anything new (unjudged passages count as 0, so it is a
    floor of that). nDCG still divides by the ideal list of every
    graded passage, so it stays below 1 when a relevant passage is not in those ``keys``."""
    return measures(sorted(keys[:REORDER], key=lambda k: -grade_of(judgements.get(k, 0))), judgements)


def kappa(pairs: list[tuple[int, int]], weighted: bool = False) -> float:
    """Cohen's κ of two judges' grades (0/1/2); weighted: linear weights."""
    cats = (0, 1, 2)
    n = len(pairs)
    if not n:
        return float("nan")
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)

    def w(a, b):
        return abs(a - b) / 2 if weighted else float(a != b)

    observed = sum(w(a, b) for a, b in pairs) / n
    expected = sum(w(a, b) * ca[a] * cb[b] for a in cats for b in cats) / (n * n)
    return 1 - observed / expected if expected else float("nan")


def _mean(rows: list[dict], name: str) -> float:
    return sum(r[name] for r in rows) / len(rows) if rows else 0.0


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["needs"]


def engine_keys(searcher, need: dict, group: str, depth: int = DEPTH):
    res = searcher.search(need["q"], page_size=depth, group=group, **need.get("filters", {}))
    return [(passage_key(h.doc_id, h.passage), h) for h in res.hits]


def peer_keys(peer: BM25Peer, need: dict, depth: int = DEPTH):
    t = peer.table
    return [(passage_key(t.row(r).doc_id, t.text(r)), t.row(r)) for r in peer.search(need["q"], need.get("filters", {}), depth)]


# ---------------------------------------------------------------------------- pool and merge
def top_lines(searcher, need: dict) -> list[dict]:
    """The engine's top 10 of a need (group=none) as pool lines."""
    return [{"need_id": need["id"], "key": key, "title": h.title, "section": h.section, "text": h.passage}
            for key, h in engine_keys(searcher, need, "none")]


def write_pool(searcher, peer, needs: list[dict], path: Path, extra: list[Path] = ()) -> int:
    """The blind pool: every need's top 10 of the engine, of the peer and of the
    ``extra`` dumps (``--dump-top`` of another version of the engine), once each,
    shuffled, without engine or rank."""
    by_id = {n["id"]: n for n in needs}
    found = [line for need in needs for line in top_lines(searcher, need)]
    for need in needs:
        t = peer.table
        for r in peer.search(need["q"], need.get("filters", {})):
            row = t.row(r)
            found.append({"need_id": need["id"], "key": passage_key(row.doc_id, row.text), "title": row.title,
                          "section": row.section, "text": row.text})
    for dump in extra:
        found += [json.loads(x) for x in dump.read_text(encoding="utf-8").splitlines() if x.strip()]
    lines = {}
    for item in found:
        need = by_id.get(item["need_id"])
        if need is None or (need["id"], item["key"]) in lines:
            continue
        lines[(need["id"], item["key"])] = {"need_id": need["id"], "q": need["q"], "need": need["need"],
                                            "filters": need.get("filters", {}), "key": item["key"],
                                            "title": item["title"], "section": item["section"], "text": item["text"]}
    out = list(lines.values())
    random.Random(19).shuffle(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for line in out:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(out)


def merge(files: list[Path | list[Path]]) -> int:
    """Merge grade files into judged2.json: one entry per judge, each a file or a list of
    files (a judge's batches); a passage's grades are kept per judge, [A, B]."""
    data = json.loads(JUDGED2.read_text(encoding="utf-8"))
    by_id = {n["id"]: n for n in data["needs"]}
    merged = 0
    for j, judge in enumerate(files):
        paths = judge if isinstance(judge, list) else [judge]
        lines = [x for path in paths for x in path.read_text(encoding="utf-8").splitlines()]
        for line in lines:
            if not line.strip():
                continue
            g = json.loads(line)
            need = by_id.get(g["need_id"])
            if need is None:
                continue
            cell = need["judgements"].setdefault(g["key"], [None] * len(files))
            cell[j] = int(g["grade"])
            merged += 1
    JUDGED2.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return merged


def add_extra_grades(needs: list[dict], files: list[Path]) -> int:
    """Add the grades of ``files`` (JSON lines need_id, key, grade) where a need has no
    grade for the passage; only to answerable needs, so the same needs are scored as
    without them. Returns how many grades were added."""
    by_id = {n["id"]: n for n in needs if answerable(n)}
    added = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            g = json.loads(line) if line.strip() else None
            if g and g["need_id"] in by_id and g["key"] not in by_id[g["need_id"]]["judgements"]:
                by_id[g["need_id"]]["judgements"][g["key"]] = [int(g["grade"])]
                added += 1
    return added


# ---------------------------------------------------------------------------- snippets
def _inside_enumeration(text: str, p: int) -> bool:
    """Whether a cut before ``text[p]`` falls inside a clause holding a 、."""
    from search import highlight

    ends = highlight.CLAUSE_ENDS
    if p <= 0 or p >= len(text) or text[p - 1] in ends:
        return False
    start = max((i + 1 for i in range(p) if text[i] in ends), default=0)
    end = next((i for i in range(p, len(text)) if text[i] in ends), len(text))
    return highlight.ENUMERATION in text[start:end]


def snippet_cuts(searcher, needs: list[dict]) -> dict:
    """Over every need's top 10 (group=none): how many snippets are cut (not the whole
    passage), how many of them start or end inside an enumeration of 、, and the
    lengths of the snippets made of two pieces (terms far apart)."""
    import html
    import re

    out = {"cut": 0, "in_enumeration": 0, "two_piece": []}
    for need in needs:
        for _, h in engine_keys(searcher, need, "none"):
            plain = html.unescape(re.sub("</?mark>", "", h.snippet))
            if plain.strip() == h.passage.strip():
                continue
            out["cut"] += 1
            pieces = [x for x in plain.split("…") if x.strip()]
            spans = [(a, a + len(x)) for x in pieces for a in [h.passage.find(x)] if a >= 0]
            out["in_enumeration"] += any(_inside_enumeration(h.passage, a) or _inside_enumeration(h.passage, b)
                                         for a, b in spans)
            if len(pieces) > 1:
                out["two_piece"].append(sum(len(x) for x in pieces))
    return out


# ---------------------------------------------------------------------------- report
def _line(label: str, rows: list[dict]) -> str:
    return (f"  {label:<26} {len(rows):>3}  P@10 {_mean(rows, 'p10'):.3f}  nDCG@10 {_mean(rows, 'ndcg10'):.3f}"
            f"  MRR {_mean(rows, 'mrr'):.3f}")


def answerable(need: dict) -> bool:
    return any(grade_of(v) >= RELEVANT for v in need.get("judgements", {}).values())


def report(searcher, peer, needs: list[dict], group: str, verbose: bool, judged_only: bool = False,
           unjudged_out: list[dict] | None = None) -> None:
    """Print the figures; ``unjudged_out`` (a list) receives, as blind pool lines, the
    passages of our top 10s that no judge graded."""
    ours, theirs, reorder = {}, {}, {}
    left_out = [n["id"] for n in needs if not answerable(n)]
    needs = [n for n in needs if answerable(n)]
    print(f"{len(needs)} needs scored; {len(left_out)} left out (no passage with a mean grade of {RELEVANT}): "
          f"{' '.join(left_out)}")
    unjudged = Counter()  # (engine, half) → passages of the top 10s that no judge graded
    for need in needs:
        j = need.get("judgements", {})
        depth = 3 * DEPTH if judged_only else DEPTH
        mine_hits = engine_keys(searcher, need, group, max(depth, REORDER))
        mine = [k for k, _ in mine_hits]
        reorder[need["id"]] = reorder_ceiling(mine, j)
        mine_hits = mine_hits[:depth]
        mine = mine[:depth]
        peers = [k for k, _ in peer_keys(peer, need, depth)]
        if judged_only:  # condensed lists: the unjudged passages left out, the next ones moving up
            mine, peers = [k for k in mine if k in j][:DEPTH], [k for k in peers if k in j][:DEPTH]
        mine, peers = mine[:DEPTH], peers[:DEPTH]
        ours[need["id"]] = measures(mine, j)
        theirs[need["id"]] = measures(peers, j)
        unjudged["govsearch", need["half"]] += sum(1 for k in mine if k not in j)
        if unjudged_out is not None:
            unjudged_out += [{"need_id": need["id"], "need": need["need"], "q": need["q"],
                              "filters": need.get("filters", {}), "key": k, "title": h.title, "section": h.section,
                              "text": h.passage} for k, h in mine_hits if k in mine and k not in j]
        unjudged["bm25 peer", need["half"]] += sum(1 for k in peers if k not in j)
        if verbose:
            a, b = ours[need["id"]], theirs[need["id"]]
            print(f"{need['id']:<5} {need['half'][:4]:<4} {need['kind'][:5]:<5} {need['q'][:20]:<20} "
                  f"{a['p10']:.2f} {a['ndcg10']:.2f} | bm25 {b['p10']:.2f} {b['ndcg10']:.2f}")
    for half in ("tune", "held-out"):
        chosen = [n for n in needs if n["half"] == half]
        if not chosen:
            continue
        print(f"judged2 {half} half (group={group}):")
        print(_line("govsearch", [ours[n["id"]] for n in chosen]))
        print(_line("bm25 peer", [theirs[n["id"]] for n in chosen]))
        print(_line("ceiling (ideal order)", [ceiling(n.get("judgements", {})) for n in chosen]))
        print(_line(f"reorder ceiling (top {REORDER})", [reorder[n["id"]] for n in chosen]))
        for kind in KINDS:
            of_kind = [n for n in chosen if n["kind"] == kind]
            print(_line(f"  {kind} govsearch", [ours[n["id"]] for n in of_kind]))
            print(_line(f"  {kind} bm25", [theirs[n["id"]] for n in of_kind]))
    print("unjudged passages in the top 10s (counted as 0): " + "; ".join(
        f"{half} half: govsearch {unjudged['govsearch', half]}, bm25 peer {unjudged['bm25 peer', half]}"
        for half in ("tune", "held-out")))
    pairs = [(v[0], v[1]) for n in needs for v in n.get("judgements", {}).values()
             if isinstance(v, list) and len(v) == 2 and None not in v]
    print(f"judges' agreement over {len(pairs)} passages graded by both: Cohen's κ {kappa(pairs):.3f}, "
          f"linearly weighted κ {kappa(pairs, weighted=True):.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    ap.add_argument("--pool", metavar="FILE", help="write the blind judging pool of every need")
    ap.add_argument("--pool-extra", nargs="*", default=[], metavar="DUMP",
                    help="with --pool: also pool the passages of these --dump-top files")
    ap.add_argument("--dump-top", metavar="FILE", help="write each need's top 10 (group=none) as JSON lines")
    ap.add_argument("--merge", nargs="+", metavar="GRADES",
                    help="merge judges' grade files into judged2.json: one argument per judge, "
                         "a judge's batches joined with commas (A1.jsonl,A2.jsonl)")
    ap.add_argument("--group", choices=("none", "report"), default="none")
    ap.add_argument("--verbose", action="store_true", help="figures per need")
    ap.add_argument("--extra-grades", nargs="+", default=[], metavar="FILE",
                    help="grades of passages the pool lacked (JSON lines need_id, key, grade; one judge, graded "
                         "blind after pooling), used for the passages judged2.json does not grade; several files: "
                         "the first that grades a passage counts")
    ap.add_argument("--judged-only", action="store_true",
                    help="score condensed lists: unjudged passages left out (not counted as 0)")
    ap.add_argument("--half", choices=("tune", "held-out"), help="only this half of judged2 (and not the old set)")
    ap.add_argument("--snippets", action="store_true",
                    help="snippet cuts over every need's top 10: cut inside an enumeration, two-piece lengths")
    ap.add_argument("--unjudged", metavar="FILE",
                    help="append the passages of our top 10s that no judge graded to FILE (JSON lines need_id, need, "
                         "q, filters, key, title, section, text: a blind pool for a further judge), once each")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a constant of search/ranking.py or search/tiers.py for this run (experiments)")
    args = ap.parse_args(argv)
    if args.merge:
        judges = [[Path(p) for p in arg.split(",")] for arg in args.merge]
        print(f"{merge(judges)} grades merged into {JUDGED2}")
        return 0
    for folder in (REAL, TOWNS):
        if not folder.is_dir():
            print(f"skipped: {folder} is absent; judged2 is about the samples, ../shared/corpus-real and "
                  f"../shared/corpus-towns, which ship beside the project only on developer machines")
            return 0
    from search import ranking, tiers
    from search.engine import Searcher

    for item in args.set:
        name, _, value = item.partition("=")
        setattr(tiers if hasattr(tiers, name) else ranking, name, json.loads(value))
    searcher = Searcher(ensure_index(args.rebuild))
    needs = load(JUDGED2)
    if args.dump_top:
        with open(args.dump_top, "w", encoding="utf-8") as f:
            for need in needs:
                for line in top_lines(searcher, need):
                    f.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"top 10 of {len(needs)} needs written to {args.dump_top}")
        return 0
    if args.snippets:
        cuts = snippet_cuts(searcher, needs)
        two = sorted(cuts["two_piece"])
        print(f"snippets cut: {cuts['cut']}; starting or ending inside an enumeration of 、: "
              f"{cuts['in_enumeration']}; of two pieces: {len(two)}"
              + (f", {two[0]}–{two[-1]} characters (median {two[len(two) // 2]}), under 45: "
                 f"{sum(1 for x in two if x < 45)}" if two else ""))
        return 0
    peer = BM25Peer(searcher)
    if args.pool:
        n = write_pool(searcher, peer, needs, Path(args.pool), [Path(p) for p in args.pool_extra])
        print(f"{n} (need, passage) pairs written to {args.pool}")
        return 0
    add_extra_grades(needs, [Path(p) for p in args.extra_grades])
    if args.half:
        needs = [n for n in needs if n["half"] == args.half]
    found: list[dict] | None = [] if args.unjudged else None
    report(searcher, peer, needs, args.group, args.verbose, args.judged_only, found)
    if args.unjudged:
        path = Path(args.unjudged)
        seen = set()
        if path.exists():
            seen = {(x["need_id"], x["key"]) for x in map(json.loads, filter(str.strip, path.read_text(
                encoding="utf-8").splitlines()))}
        new = [x for x in found if (x["need_id"], x["key"]) not in seen and not seen.add((x["need_id"], x["key"]))]
        random.Random(19).shuffle(new)  # neither rank nor engine shows in the pool
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            for line in new:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"{len(new)} unjudged passages added to {path}")
    if args.half:
        return 0
    old = load(JUDGED)
    rows = [_old_measures([k for k, _ in engine_keys(searcher, n, args.group, 20)], n.get("judgements", {}))
            for n in old]
    print(f"old judged set (bench/judged.json, {len(old)} needs, tuned on):")
    print(_line("govsearch", rows))
    searcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
