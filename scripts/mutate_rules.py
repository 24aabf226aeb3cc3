"""Mutation run of the rules at their edges: change each threshold, weight, separator
or cut rule by one step, run the test named for that rule, and report whether it
failed (caught) as it must. The source file is restored after each mutation.

    python scripts/mutate_rules.py            # every mutation
    python scripts/mutate_rules.py caption    # those whose name contains "caption"

Exit status 1 when a mutation survives (its test still passes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDGES = "tests/test_rule_edges.py"

# (name, file, text as it stands, mutated text, pytest -k expression)
MUTATIONS = [
    ("partial factor 0.85 -> 0.95", "search/tiers.py", "PARTIAL_FACTOR = 0.85", "PARTIAL_FACTOR = 0.95",
     "partial_match_is_ranked"),
    ("normalizer keeps Cf", "index/normalize.py", '"Cc", "Cf", "Co"', '"Cc", "Co"', "format_characters_cf"),
    ("snippet cuts inside 12.75", "search/highlight.py", "return False  # 12.75, 1,000, 50%",
     "return True  # 12.75, 1,000, 50%", "decimal_number"),
    ("heading weight 0.45 -> 1.0", "search/ranking.py", '"heading": 0.45', '"heading": 1.0', "heading_weight"),
    ("full-width comma not a filter separator", "search/query.py",
     'values = [v.strip() for v in re.split(r"[,，]", value)', 'values = [v.strip() for v in re.split(r"[,]", value)',
     "filter_value_separator"),
    ("year: full-width comma not a separator", "search/query.py",
     'for part in re.split(r"[,，]", value):', 'for part in re.split(r"[,]", value):', "filter_value_separator"),
    ("CAPTION_GAP 2 -> 3", "index/reading/structure.py", "CAPTION_GAP = 2", "CAPTION_GAP = 3", "caption_gap"),
    ("CAPTION_GAP 2 -> 1", "index/reading/structure.py", "CAPTION_GAP = 2", "CAPTION_GAP = 1", "caption_gap"),
    ("MAX_CAPTION 100 -> 99", "index/reading/structure.py", "MAX_CAPTION = 100", "MAX_CAPTION = 99", "max_caption"),
    ("MAX_CAPTION 100 -> 101", "index/reading/structure.py", "MAX_CAPTION = 100", "MAX_CAPTION = 101", "max_caption"),
    ("MAX_CELL 12 -> 11", "index/reading/structure.py", "MAX_CELL = 12", "MAX_CELL = 11", "max_cell"),
    ("MAX_CELL 12 -> 13", "index/reading/structure.py", "MAX_CELL = 12", "MAX_CELL = 13", "max_cell"),
    ("BLOCK_LINES 2 -> 1", "index/reading/structure.py", "BLOCK_LINES = 2", "BLOCK_LINES = 1", "block_lines"),
    ("BLOCK_LINES 2 -> 3", "index/reading/structure.py", "BLOCK_LINES = 2", "BLOCK_LINES = 3", "block_lines"),
    ("boilerplate min_files 5 -> 4", "index/reading/structure.py", "min_files: int = 5", "min_files: int = 4", "min_files"),
    ("boilerplate min_files 5 -> 6", "index/reading/structure.py", "min_files: int = 5", "min_files: int = 6", "min_files"),
    ("MAX_HEADING 40 -> 39", "index/reading/lines.py", "MAX_HEADING = 40", "MAX_HEADING = 39", "max_heading"),
    ("MAX_HEADING 40 -> 41", "index/reading/lines.py", "MAX_HEADING = 40", "MAX_HEADING = 41", "max_heading"),
    ("MAX_NUMBERED_HEADING 60 -> 59", "index/reading/lines.py", "MAX_NUMBERED_HEADING = 60", "MAX_NUMBERED_HEADING = 59",
     "max_numbered_heading"),
    ("MAX_NUMBERED_HEADING 60 -> 61", "index/reading/lines.py", "MAX_NUMBERED_HEADING = 60", "MAX_NUMBERED_HEADING = 61",
     "max_numbered_heading"),
    ("MAX_INLINE_HEADING 40 -> 39", "index/reading/lines.py", "MAX_INLINE_HEADING = 40", "MAX_INLINE_HEADING = 39",
     "max_inline_heading"),
    ("MAX_INLINE_HEADING 40 -> 41", "index/reading/lines.py", "MAX_INLINE_HEADING = 40", "MAX_INLINE_HEADING = 41",
     "max_inline_heading"),
    ("SHORT_CHARS 80 -> 79", "search/ranking.py", "SHORT_CHARS = 80", "SHORT_CHARS = 79", "short_chars"),
    ("SHORT_CHARS 80 -> 81", "search/ranking.py", "SHORT_CHARS = 80", "SHORT_CHARS = 81", "short_chars"),
    ("SHORT_POWER 0.35 -> 0.5", "search/ranking.py", "SHORT_POWER = 0.35", "SHORT_POWER = 0.5", "short_chars"),
    ("LEAD_REST 20 -> 19", "search/ranking.py", "LEAD_REST = 20", "LEAD_REST = 19", "lead_rest"),
    ("LEAD_REST 20 -> 21", "search/ranking.py", "LEAD_REST = 20", "LEAD_REST = 21", "lead_rest"),
    ("LEAD_MAX 30 -> 29", "search/ranking.py", "LEAD_MAX = 30", "LEAD_MAX = 29", "lead_max"),
    ("LEAD_MAX 30 -> 31", "search/ranking.py", "LEAD_MAX = 30", "LEAD_MAX = 31", "lead_max"),
    ("SNIPPET_MAX 200 -> 199", "search/highlight.py", "SNIPPET_MAX = 200", "SNIPPET_MAX = 199", "snippet_max"),
    ("SNIPPET_MAX 200 -> 201", "search/highlight.py", "SNIPPET_MAX = 200", "SNIPPET_MAX = 201", "snippet_max"),
    ("MAX_QUERY_CHARS 1000 -> 999", "search/query.py", "MAX_QUERY_CHARS = 1000", "MAX_QUERY_CHARS = 999",
     "max_query_chars"),
    ("MAX_QUERY_CHARS 1000 -> 1001", "search/query.py", "MAX_QUERY_CHARS = 1000", "MAX_QUERY_CHARS = 1001",
     "max_query_chars"),
    ("MAX_TERMS 32 -> 31", "search/query.py", "MAX_TERMS = 32", "MAX_TERMS = 31", "max_terms"),
    ("MAX_TERMS 32 -> 33", "search/query.py", "MAX_TERMS = 32", "MAX_TERMS = 33", "max_terms"),
    ("year range without 至", "search/query.py", r"[-–~至]\s*(\d{4})", r"[-–~]\s*(\d{4})", "year_range_separators"),
    ("full-width quote not a quote", "search/query.py", "QUOTES = '\"＂'", "QUOTES = '\"'", "full_width_quote"),
]


def run(name: str, file: str, old: str, new: str, select: str) -> bool:
    """Apply one mutation, run its test, restore the file; True when the test failed."""
    path = ROOT / file
    original = path.read_text(encoding="utf-8")
    if original.count(old) != 1:
        raise SystemExit(f"{name}: {old!r} occurs {original.count(old)} times in {file}, not once")
    try:
        path.write_text(original.replace(old, new), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-m", "", "-p", "no:cacheprovider",
                               EDGES, "-k", select], cwd=ROOT, capture_output=True, text=True)
    finally:
        path.write_text(original, encoding="utf-8")
    if proc.returncode == 5:
        raise SystemExit(f"{name}: no test matches -k {select!r}")
    return proc.returncode != 0


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not argv or any(a.lower() in m[0].lower() for a in argv)]
    survived = 0
    for mutation in chosen:
        caught = run(*mutation)
        survived += not caught
        print(f"{'caught  ' if caught else 'SURVIVED'}  {mutation[0]:45s}  test: -k {mutation[4]}", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} mutations caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
