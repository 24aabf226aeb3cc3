"""Structure gold set: heading precision / recall and share of passages with the right
section, per file and overall, for the current parser (or another structure module).

    python bench/structure_gold.py                      # index/reading/structure.py
    python bench/structure_gold.py --parser old.py      # e.g. git show <commit>:index/reading/structure.py > old.py

The gold files are tests/fixtures/structure_gold/*.json (hand-annotated: see README
"Structure gold set"); the real reports are read from ../shared/corpus-real/ and the
samples from corpus/. Files marked "held_out" were annotated after the rules were
written and are reported apart.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.analysis import Analyzer  # noqa: E402
from index.normalize import normalize  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "structure_gold"
REAL = ROOT.parent / "shared" / "corpus-real"
SAMPLES = ROOT / "corpus"
PREFIX = 12
WINDOW = 40  # a gold passage is looked for among the next this many parsed passages


def load_gold() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


def source_of(gold: dict) -> Path:
    return (SAMPLES if gold.get("sample") else REAL) / gold["file"]


def parsed_outline(structure) -> tuple[list[tuple[int, str]], list[tuple[str, list[str]]]]:
    """(depth, heading prefix) of every heading, standalone or sharing its line, and
    (text prefix, section prefixes) of every passage that is not a title or heading."""
    headings: list[tuple[int, str]] = []
    passages: list[tuple[str, list[str]]] = []
    seen: set[tuple[str, ...]] = set()
    for kind, section, text in structure.blocks:
        if kind == "title":
            continue
        if kind == "heading":
            path = tuple(section) + (text,)
            seen.add(path)
            headings.append((len(path), normalize(text)[:PREFIX]))
            continue
        for depth in range(1, len(section) + 1):  # headings sharing a line with their paragraph
            path = tuple(section[:depth])
            if path not in seen:
                seen.add(path)
                headings.append((depth, normalize(path[-1])[:PREFIX]))
        passages.append((normalize(text)[:PREFIX], [normalize(h)[:PREFIX] for h in section]))
    return headings, passages


def score(gold: dict, structure) -> dict:
    headings, passages = parsed_outline(structure)
    want = [tuple(h) for h in gold["headings"]]
    got = list(headings)
    remaining = list(got)
    hit = 0
    for h in want:
        if h in remaining:
            remaining.remove(h)
            hit += 1
    right = 0
    at = 0  # passages are matched in reading order
    for prefix, section in gold["passages"]:
        # a short passage (各位代表：) is ambiguous: looked for just ahead
        window = range(at, min(len(passages), at + (WINDOW if len(prefix) == PREFIX else 3)))
        found = next((k for k in window if passages[k][0] == prefix), None)
        if found is None and len(prefix) == PREFIX:  # the parser's passage starts a little before
            found = next((k for k in window if len(passages[k][0]) >= 4 and prefix.startswith(passages[k][0])), None)
        if found is not None:
            at = found + 1
            if passages[found][1] == section:
                right += 1
    return {"file": gold["file"], "gold_headings": len(want), "found_headings": len(got), "heading_hits": hit,
            "gold_passages": len(gold["passages"]), "right_section": right}


def totals(rows: list[dict]) -> dict:
    t = {k: sum(r[k] for r in rows) for k in ("gold_headings", "found_headings", "heading_hits", "gold_passages", "right_section")}
    t["precision"] = t["heading_hits"] / t["found_headings"] if t["found_headings"] else 1.0
    t["recall"] = t["heading_hits"] / t["gold_headings"] if t["gold_headings"] else 1.0
    t["sections"] = t["right_section"] / t["gold_passages"] if t["gold_passages"] else 1.0
    return t


def load_parser(path: str | None):
    if path is None:
        from index.reading.structure import parse
        return parse
    spec = importlib.util.spec_from_file_location("index._structure_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.parse


def run(parse, golds: list[dict], analyzer: Analyzer) -> list[dict]:
    rows = []
    takes_boilerplate = "boilerplate" in inspect.signature(parse).parameters
    boilerplate = frozenset()
    if takes_boilerplate and REAL.is_dir():
        from index.reading.structure import boilerplate_lines
        boilerplate = boilerplate_lines(p.read_text(encoding="utf-8-sig") for p in sorted(REAL.glob("*.txt")))
    for gold in golds:
        path = source_of(gold)
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig")
        structure = parse(text, analyzer, boilerplate=boilerplate) if takes_boilerplate else parse(text, analyzer)
        rows.append(score(gold, structure))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parser", help="a structure module file to measure instead of index/reading/structure.py")
    args = ap.parse_args()
    if not REAL.is_dir():
        print(f"note: {REAL} is absent; only the samples are measured")
    golds = load_gold()
    samples = {g["file"] for g in golds if g.get("sample")}
    rows = run(load_parser(args.parser), golds, Analyzer())
    print(f"{'file':34s} {'P':>6s} {'R':>6s} {'sect':>6s}  headings(gold/found/hit)  passages(gold/right)")
    for r in rows:
        t = totals([r])
        print(f"{r['file']:34s} {t['precision']:6.3f} {t['recall']:6.3f} {t['sections']:6.3f}  "
              f"{r['gold_headings']:4d}/{r['found_headings']:4d}/{r['heading_hits']:4d}          {r['gold_passages']:4d}/{r['right_section']:4d}")
    held = {g["file"] for g in golds if g.get("held_out")}
    for label, subset in (("samples", [r for r in rows if r["file"] in samples]),
                          ("real, developed on", [r for r in rows if r["file"] not in held and r["file"] not in samples]),
                          ("real, held out", [r for r in rows if r["file"] in held])):
        if subset:
            t = totals(subset)
            print(f"{label + ' (' + str(len(subset)) + ')':34s} {t['precision']:6.3f} {t['recall']:6.3f} {t['sections']:6.3f}")
    t = totals(rows)
    print(f"{'overall (' + str(len(rows)) + ' files)':34s} {t['precision']:6.3f} {t['recall']:6.3f} {t['sections']:6.3f}  "
          f"{t['gold_headings']:4d}/{t['found_headings']:4d}/{t['heading_hits']:4d}          {t['gold_passages']:4d}/{t['right_section']:4d}")


if __name__ == "__main__":
    main()
