"""The version of a generation's files as one number, written into its build info
(build.json) and checked before any other file of it is read.

A generation written under another version (older segments, texts or vocabulary, or
no version at all) is refused with the command that rebuilds it, instead of being
read through compatibility paths: ``index update`` rebuilds it from scratch (the build
signature includes this version), ``index build`` always does."""

from __future__ import annotations

from pathlib import Path

from index.errors import IndexMissing, fix_hint

# The versions of the parts, kept here (and read by the modules that write them) so that
# an update can tell the format in use without loading Whoosh, numpy or the writers.
SCHEMA_FORMAT = 7  # the Whoosh schema and the files beside Whoosh (index/generation/schema.py)
COLUMNS_FORMAT = 1  # the mapped columns (index/generation/columns.py)
ASSIST_VERSION = 2  # the query-assistance tables (assist_tables.py); 2: pypinyin's readings are part of them
# a change to any of them changes it
GENERATION_FORMAT = f"{SCHEMA_FORMAT}.{COLUMNS_FORMAT}.{ASSIST_VERSION}"


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
