"""The relaxed "words" match: a term found by its jieba words when not as written.

A query of several terms also finds passages that hold each unquoted term's words
without the term itself (``"match": "words"``, ranked after every exact match). No
part of a term is ever dropped:

* every word of two or more characters must occur in the passage (Whoosh's ``words``
  field, then checked in the normalized text);
* every one-character part must occur *as text near the word it stands beside in the
  term*: within ``NEAR`` characters before that word when it comes before it in the
  term (稳 in 稳就业 → 稳 up to ``NEAR`` characters before 就业: 稳定就业 qualifies,
  a passage with 就业 and 企业 but no 稳 beside them does not), within ``NEAR``
  characters after it when it comes after it;
* a term with no word of two or more characters (党, 稳稳) is not relaxed: only the
  exact match counts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

NEAR = 3  # characters between a one-character part and its word, at most (0 = adjacent)


def parts(cut: Callable[[str], list[str]], norm: str) -> list[str]:
    return [p for p in cut(norm) if p]


def plan(term_parts: list[str]) -> list[tuple[str, str, int]]:
    """For each one-character part: (the char, the word it leans on, side), side -1
    when the char stands before the word in the term, +1 after."""
    out = []
    for i, p in enumerate(term_parts):
        if len(p) != 1:
            continue
        after = next((q for q in term_parts[i + 1:] if len(q) > 1), None)
        before = next((q for q in reversed(term_parts[:i]) if len(q) > 1), None)
        if after is not None and (before is None or term_parts.index(after) - i <= i - term_parts.index(before)):
            out.append((p, after, -1))
        elif before is not None:
            out.append((p, before, +1))
    return out


def near(text: str, char: str, word: str, side: int, limit: int = NEAR) -> bool:
    """Whether ``char`` stands within ``limit`` characters before (side -1) or after
    (side +1) an occurrence of ``word`` in the normalized ``text``."""
    pos = text.find(word)
    while pos >= 0:
        if side < 0:
            lo = max(0, pos - 1 - limit)
            if char in text[lo:pos]:
                return True
        else:
            end = pos + len(word)
            if char in text[end:end + 1 + limit]:
                return True
        pos = text.find(word, pos + 1)
    return False


def keep(text: str, words: list[str], checks: list[tuple[str, str, int]]) -> bool:
    return all(w in text for w in words) and all(near(text, c, w, side) for c, w, side in checks)


def filter_rows(rows: np.ndarray, norm_of: Callable[[int], str], term_parts: list[str]) -> np.ndarray:
    """The rows (holding every multi-character word) that also keep the one-character
    parts beside their words."""
    words = [p for p in term_parts if len(p) > 1]
    checks = plan(term_parts)
    if not len(rows):
        return rows
    mask = np.fromiter((keep(norm_of(r), words, checks) for r in rows.tolist()), dtype=bool, count=len(rows))
    return rows[mask]
