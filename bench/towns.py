"""Town-level reports as they really come: scores of the parser and the metadata rules on
``../shared/corpus-towns`` (80 real town-level texts judged by hand in ``truth.tsv``).

    python bench/towns.py                 # every file: dev, held-out and all
    python bench/towns.py --files 001 003 # only these (by number)
    python bench/towns.py --show          # also each miss, file by file

The split is fixed here, before any text was read: a file whose number is odd is a
development file (rules were made looking at these), an even number is held out (looked
at only through this script's scores). See :func:`half`.

The files are copied to a temporary folder (never into the project), indexed with the
public build, and read back through the public search API:

* ``town`` ``county`` ``city`` ``province`` ``level`` ``year`` ``title``: share of files
  whose value equals truth (both empty counts as right; titles compared without spaces
  and punctuation, in simplified script);
* headings: the parsed headings (heading passages and headings sharing a line with their
  paragraph) against truth's headings, matched in order by their first
  :data:`PREFIX` normalized characters; precision and recall;
* phrases across a line break inside a sentence: for every line break in the raw text
  where the line before ends with no punctuation, is not a heading or the title of
  truth, and the sentence goes on to a full stop (not a colon: a speaker line and
  各位代表：) or the two lines are one session line (see :func:`broken_phrases`), the
  :data:`SIDE` characters before and after the break, searched as an exact phrase;
  share found in that file's passages.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.normalize import normalize  # noqa: E402
from index.reading.chrome import PINYIN_GLOSS, is_chrome  # noqa: E402

TOWNS = ROOT.parent / "shared" / "corpus-towns"
FIELDS = ("town", "county", "city", "province", "level", "year", "title")
PREFIX = 8  # normalized characters compared when matching a heading to truth
SIDE = 4  # characters taken on each side of a line break
HEADING_SEP = " ‖ "
SENTENCE_END = "。！？!?；;"
WRAPPED_SESSION = re.compile(r"\d\s*日\s*在[^。！？\n]*?(?:会议|會議)")
PLAIN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def number(name: str) -> int:
    m = re.match(r"(\d+)", name)
    return int(m.group(1)) if m else 0


def half(name: str) -> str:
    """``dev`` for an odd file number, ``held-out`` for an even one (fixed before reading)."""
    return "dev" if number(name) % 2 == 1 else "held-out"


@dataclass
class Truth:
    file: str
    values: dict
    headings: list[str]


def load_truth(folder: Path = TOWNS) -> list[Truth]:
    with open(folder / "truth.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for row in rows:
        values = {k: (row.get(k) or "").strip() or None for k in FIELDS}
        values["year"] = int(values["year"]) if values["year"] else None
        heads = [h.strip() for h in (row.get("headings") or "").split(HEADING_SEP.strip()) if h.strip()]
        out.append(Truth(row["file"], values, heads))
    return out


def plain(text: str) -> str:
    """Normalized text without spaces or punctuation, nor a mis-encoded page's pinyin glosses
    (引領(lǐng) is 引領: the reader drops them): how titles and headings are compared."""
    return "".join(PLAIN.findall(normalize(PINYIN_GLOSS.sub("", text or ""))))


def broken_phrases(raw: str, truth: Truth) -> list[str]:
    """``SIDE`` + ``SIDE`` characters around each line break inside a sentence."""
    marks = {plain(h)[:PREFIX] for h in truth.headings} | {plain(truth.values["title"] or "")[:PREFIX]}
    marks.discard("")
    lines = raw.split("\n")
    out: list[str] = []
    for i in range(len(lines) - 1):
        before, after = lines[i].strip(), lines[i + 1].strip()
        if not before or not after or not PLAIN.match(before[-1]) or not PLAIN.match(after[0]):
            continue
        if plain(before)[:PREFIX] in marks or plain(after)[:PREFIX] in marks:
            continue  # a heading or the title: the line ends there
        if is_chrome(before) or is_chrome(after):
            continue  # site chrome (index/reading/chrome.py) is no sentence
        # the sentence goes on: it ends with a full stop, not a colon (各位代表：after a
        # session line and a speaker), within the next lines; a session line wrapped
        # over two lines counts too
        rest = "".join(x.strip() for x in lines[i + 1:i + 6])
        stop = next((k for k, c in enumerate(rest) if c in SENTENCE_END + "：:"), None)
        session = WRAPPED_SESSION.search(before + after) and not WRAPPED_SESSION.search(before)
        if not session and (stop is None or rest[stop] in "：:"):
            continue
        left = "".join(x.strip() for x in lines[max(0, i - 5):i + 1])
        left_side, right_side = left[-SIDE:], rest[:SIDE]
        if len(PLAIN.findall(left_side)) == SIDE and len(PLAIN.findall(right_side)) == SIDE:
            out.append(left_side + right_side)
    return out


@dataclass
class Score:
    right: dict = field(default_factory=lambda: {f: 0 for f in FIELDS})
    files: int = 0
    headings_found: int = 0  # parsed headings that are real
    headings_parsed: int = 0
    headings_hit: int = 0  # real headings found
    headings_real: int = 0
    phrases_found: int = 0
    phrases: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for f in FIELDS:
            self.right[f] += other.right[f]
        for name in ("files", "headings_found", "headings_parsed", "headings_hit", "headings_real",
                     "phrases_found", "phrases"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses

    def row(self) -> dict:
        def share(a: int, b: int) -> str:
            return f"{a / b:.2f}" if b else "-"
        out = {f: share(self.right[f], self.files) for f in FIELDS}
        out["head P"] = share(self.headings_found, self.headings_parsed)
        out["head R"] = share(self.headings_hit, self.headings_real)
        out["phrases"] = f"{self.phrases_found}/{self.phrases}"
        return out


def parsed_headings(doc: dict) -> list[str]:
    """Heading passages and the headings that share a line with their paragraph, in order."""
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for p in doc["passages"]:
        section = tuple(x for x in p["section"].split(" > ") if x) if p["section"] else ()
        if p["kind"] == "heading":
            path = section + (p["text"],)
            seen.add(path)
            out.append(p["text"])
            continue
        for depth in range(1, len(section) + 1):
            path = section[:depth]
            if path not in seen:
                seen.add(path)
                out.append(path[-1])
    return out


def _same_heading(a: str, b: str) -> bool:
    a, b = plain(a)[:PREFIX], plain(b)[:PREFIX]
    return bool(a) and (a == b)


PLACES = ("town", "county", "city", "province")


def same_place(a: str | None, b: str | None) -> bool:
    """芷江侗族自治县 is 芷江县: truth writes the short form of autonomous units."""
    if (a or None) == (b or None):
        return True
    if not (a and b):
        return False
    short, full = sorted((a, b), key=len)
    return full.startswith(short[:-1]) and full.endswith("自治" + short[-1]) and len(short) >= 2


def completion(truth: Truth, gazetteer) -> dict:
    """The places above truth's lowest place that the gazetteer decides (one unit of that
    name): truth leaves them empty when the text does not state them, the index fills
    them in from the gazetteer; such a value counts as right. A town the gazetteer does
    not list (merged away) leaves it to truth's next place up (its county)."""
    given = [f for f in PLACES if truth.values[f]]
    for lowest in given:
        done = _completion_from(truth, lowest, gazetteer)
        if done or lowest == given[-1]:
            return done
    return {}


def _completion_from(truth: Truth, lowest: str, gazetteer) -> dict:
    level = {"town": "township"}.get(lowest, lowest)
    units = gazetteer.units(truth.values[lowest], level)
    if not units and lowest != "province":  # 芷江县 for 芷江侗族自治县
        units = [p for p in gazetteer.places.values()
                 if p.level == level and p.name != truth.values[lowest] and same_place(p.name, truth.values[lowest])]
    above = PLACES[PLACES.index(lowest) + 1:]
    named = {f: truth.values[f] for f in above if truth.values[f]}
    units = [u for u in units if all(same_place(gazetteer.chain(u.code).get({"town": "township"}.get(f, f)), v)
                                     for f, v in named.items())]
    if len(units) != 1:
        return {}
    chain = gazetteer.chain(units[0].code)
    return {f: chain.get({"town": "township"}.get(f, f)) for f in above}


def score_file(searcher, doc: dict, truth: Truth, raw: str, gazetteer=None) -> Score:
    s = Score(files=1)
    got = {f: doc.get(f) for f in FIELDS}
    if got["title"] == Path(truth.file).stem:
        got["title"] = None  # the file name stands in when a report has no title line
    completed = completion(truth, gazetteer) if gazetteer is not None else {}
    for f in FIELDS:
        want = truth.values[f]
        if f == "title":
            ok = plain(got[f] or "") == plain(want or "")
        elif f in PLACES:
            ok = same_place(got[f], want) or not want and got[f] is not None and same_place(got[f], completed.get(f))
        else:
            ok = (got[f] or None) == want
        s.right[f] += ok
        if not ok:
            s.misses.append(f"{truth.file} {f}: got {got[f]!r}, truth {want!r}")
    parsed = parsed_headings(doc)
    s.headings_parsed, s.headings_real = len(parsed), len(truth.headings)
    used: set[int] = set()
    for h in truth.headings:
        k = next((k for k, p in enumerate(parsed) if k not in used and _same_heading(p, h)), None)
        if k is None:
            s.misses.append(f"{truth.file} heading missed: {h}")
        else:
            used.add(k)
    s.headings_hit = s.headings_found = len(used)
    for k, p in enumerate(parsed):
        if k not in used:
            s.misses.append(f"{truth.file} heading false: {p}")
    for phrase in broken_phrases(raw, truth):
        s.phrases += 1
        hits = searcher.search(f'"{phrase}"', page_size=100, did_you_mean=False)
        if any(h.doc_id == doc["doc_id"] for h in hits.hits):
            s.phrases_found += 1
        else:
            s.misses.append(f"{truth.file} phrase not found: {phrase}")
    return s


def run(files: list[Truth], folder: Path = TOWNS) -> dict[str, Score]:
    """Scores by half (``dev``, ``held-out``) and ``all`` for the given truth rows."""
    from index import build
    from index.reading.places import Gazetteer
    from search.engine import Searcher

    gazetteer = Gazetteer.load()

    with tempfile.TemporaryDirectory(prefix="towns-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for t in files:
            shutil.copyfile(folder / t.file, corpus / t.file)
        build(corpus, Path(tmp) / "index", workers=1)
        searcher = Searcher(Path(tmp) / "index")
        try:
            by_source = {d["source"]: d["doc_id"] for d in searcher.documents()}
            scores = {"dev": Score(), "held-out": Score(), "all": Score()}
            for t in files:
                raw = (folder / t.file).read_text(encoding="utf-8", errors="replace")
                doc_id = by_source.get(t.file)
                if doc_id is None:
                    s = Score(files=1, headings_real=len(t.headings))
                    s.misses.append(f"{t.file}: not indexed")
                else:
                    s = score_file(searcher, searcher.document(doc_id), t, raw, gazetteer)
                scores[half(t.file)].add(s)
                scores["all"].add(s)
        finally:
            searcher.close()
    return scores


def table(scores: dict[str, Score]) -> str:
    cols = list(FIELDS) + ["head P", "head R", "phrases"]
    lines = ["| set | files | " + " | ".join(cols) + " |", "|---" * (len(cols) + 2) + "|"]
    for name, s in scores.items():
        row = s.row()
        lines.append(f"| {name} | {s.files} | " + " | ".join(row[c] for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", nargs="*", help="file numbers (e.g. 001 7) to score; default all")
    ap.add_argument("--half", choices=("dev", "held-out"), help="only this half")
    ap.add_argument("--show", action="store_true",
                    help="list every miss of the development half (of both halves for a folder "
                         "other than corpus-towns: a gathered folder is all development once scored)")
    ap.add_argument("--folder", default=str(TOWNS), help="the corpus-towns folder")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    if not (folder / "truth.tsv").exists():
        print(f"no {folder}/truth.tsv: nothing to score", file=sys.stderr)
        return 2
    truth = load_truth(folder)
    if args.files:
        wanted = {int(x) for x in args.files}
        truth = [t for t in truth if number(t.file) in wanted]
    if args.half:
        truth = [t for t in truth if half(t.file) == args.half]
    scores = run(truth, folder)
    if args.show:
        # corpus-towns' held-out half is looked at only through its scores
        shown = ("dev",) if folder.resolve() == TOWNS.resolve() else ("dev", "held-out")
        for name in shown:
            for miss in scores[name].misses:
                print(f"[{name}] {miss}")
        print()
    print(table(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
