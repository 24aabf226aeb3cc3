"""English counts in messages and command-line output: "1 passage", "2 passages" (never "1 passages")."""

from __future__ import annotations

IRREGULAR = {"match": "matches", "is": "are"}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``singular`` for 1, its plural otherwise (``plural_form``, else by the usual rule)."""
    if n == 1:
        return singular
    return plural_form or IRREGULAR.get(singular) or singular + "s"


def count(n: int, singular: str, plural_form: str | None = None, fmt: str = "") -> str:
    """``n`` and the noun that agrees with it: ``count(1, "report")`` → "1 report",
    ``count(1200, "character", fmt=",")`` → "1,200 characters"."""
    return f"{format(n, fmt)} {plural(n, singular, plural_form)}"
