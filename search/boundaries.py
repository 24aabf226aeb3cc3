"""Token boundaries for Latin letters and digits.

Chinese has no spaces between words, so a Chinese term matches wherever its characters
stand (exact substring recall). Latin letters and digits do form words and numbers:
``AI`` must not match inside ``AID`` or ``domain``, ``5G`` not inside ``12.75 GHz`` or
``5 GB``, ``2022`` not inside ``12022``. The rule, on the normalized text:

* an end of a term that is a Latin letter or digit (``a``–``z``, ``0``–``9`` after
  normalization, so full-width ``ＡＩ`` counts) must not touch another Latin letter or
  digit at that side of the match;
* "touch" means the neighbouring character in the normalized text came from the
  adjacent source character (or from the same one, as ``㎓`` gives ``ghz``); anything
  the normalization drops between them — a space, a hyphen, a full stop — is a
  boundary, so ``AI-driven`` and ``AI 技术`` match ``AI`` while ``AID`` does not, and
  ``5 GB`` does not match ``5G`` (``5`` and ``G`` are joined, ``G`` touches ``B``);
* an end of a term that is a CJK character (or any other non-Latin character) has no
  boundary condition: ``5G网络`` must start at a number boundary, ``新一代AI`` end at a
  word boundary, ``人工智能`` matches anywhere.
"""

from __future__ import annotations

from index.normalize import normalize_with_offsets


def latin(char: str) -> bool:
    """A Latin letter or digit of the normalized text."""
    return char.isascii() and char.isalnum()


def sides(needle: str) -> tuple[bool, bool]:
    """Whether the (normalized) needle needs a boundary at its start and at its end."""
    return (bool(needle) and latin(needle[0]), bool(needle) and latin(needle[-1]))


def bounded(needle: str) -> bool:
    return any(sides(needle))


def _ok(norm: str, offsets: list[int], i: int, j: int, start: bool, end: bool) -> bool:
    if start and i > 0 and offsets[i] - offsets[i - 1] <= 1 and latin(norm[i - 1]):
        return False
    if end and j < len(norm) and offsets[j] - offsets[j - 1] <= 1 and latin(norm[j]):
        return False
    return True


def find_all(norm: str, offsets: list[int], needle: str) -> list[int]:
    """Start positions (in ``norm``) of the occurrences of ``needle`` that keep the
    boundary rule; ``offsets`` maps ``norm`` to the source (normalize_with_offsets)."""
    start, end = sides(needle)
    out = []
    pos = norm.find(needle)
    while pos >= 0:
        if _ok(norm, offsets, pos, pos + len(needle), start, end):
            out.append(pos)
        pos = norm.find(needle, pos + 1)
    return out


def contains(text: str, needle: str) -> bool:
    """Whether the source ``text`` holds ``needle`` (normalized) under the rule."""
    norm, offsets = normalize_with_offsets(text)
    if needle not in norm:
        return False
    if not bounded(needle):
        return True
    return bool(find_all(norm, offsets, needle))


def count_clear(norm: str, needle: str) -> int | None:
    """:func:`count` from the normalized text alone, when it can tell: the occurrences of
    ``needle`` in ``norm`` when none has a Latin letter or digit beside an end that needs
    a boundary (the rule then holds whatever the source between them was); None when one
    has, and only the source offsets can decide (a ranking of ``GDP`` over hundreds of
    passages then normalizes none of them again)."""
    start, end = sides(needle)
    n, k = 0, len(needle)
    pos = norm.find(needle)
    while pos >= 0:
        if (start and pos > 0 and latin(norm[pos - 1])) or (end and pos + k < len(norm) and latin(norm[pos + k])):
            return None
        n += 1
        pos = norm.find(needle, pos + 1)
    return n


def holds(norm: str, text, needle: str) -> bool:
    """:func:`contains` of a passage that holds ``needle`` in its normalized text
    ``norm``, read from ``norm`` alone when :func:`count_clear` can tell; ``text()``
    gives the source text only when it cannot (a match of ``GDP`` over hundreds of
    passages then restores and normalizes none of them again)."""
    clear = count_clear(norm, needle)
    if clear is not None:
        return clear > 0
    return contains(text(), needle)


def count(text: str, needle: str) -> int:
    norm, offsets = normalize_with_offsets(text)
    if not bounded(needle):
        return norm.count(needle)
    return len(find_all(norm, offsets, needle))
