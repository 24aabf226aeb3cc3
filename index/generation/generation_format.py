"""The version of a generation's files as one number, written into its build info
(build.json) and checked before any other file of it is read.

A generation written under another version (older segments, texts or vocabulary, or
no version at all) is refused with the command that rebuilds it, instead of being
read through compatibility paths: ``index update`` rebuilds it from scratch (the build
signature includes this version), ``index build`` always does."""

from __future__ import annotations

from pathlib import Path

from index.errors import IndexMissing, fix_hint
from index.generation import assist_tables, columns, schema

# the Whoosh schema's, the mapped columns' and the query-assistance tables' versions: a
# change to any of them changes it
GENERATION_FORMAT = f"{schema.FORMAT}.{columns.FORMAT}.{assist_tables.VERSION}"


class OlderIndex(IndexMissing):
    """A generation written by another version of govsearch."""

    fix = "rebuild"
    hint = fix_hint(fix)


def check(gen: Path, info: dict) -> None:
    """Raise :class:`OlderIndex` unless ``info`` (the generation's build.json) is of
    this version's format."""
    found = info.get("format")
    if found != GENERATION_FORMAT:
        raise OlderIndex(f"the index in {gen} was written by another version of govsearch "
                         f"(format {found or 'not recorded'}; this version reads format {GENERATION_FORMAT})")
