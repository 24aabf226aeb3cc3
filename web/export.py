"""CSV export of search results: the fields of the model with a CSV column (town, title, year, section, passage).

UTF-8 with a byte-order mark so that Excel on Windows opens Chinese text correctly.
A cell that a spreadsheet would take for a formula (starting with ``=`` ``+`` ``-``
``@``, tab or carriage return — also in their full-width or small forms such as
``＝HYPERLINK(…)``, and after leading spaces) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from index import fields as field_model
from search.results import Hit



def columns() -> list[tuple[str, str]]:
    """(hit attribute, header) of each column: the fields of the model in use with an
    ``export`` position (index/fields.py), in that order."""
    return [(f.json, f.label or f.json) for f in field_model.current().export_fields]


COLUMNS = tuple(columns())  # those of the shipped model
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILENAME = "govsearch-results.csv"
FILENAME_ZH = "检索结果.csv"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula: its first character after
    spaces, once full-width and compatibility forms are folded (NFKC: ＝ → =), starts one."""
    start = text.lstrip(" \u3000\u00a0")[:2]
    return unicodedata.normalize("NFKC", start).lstrip(" ").startswith(FORMULA_START) or text.startswith(FORMULA_START)


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def to_csv(hits: Iterable[Hit]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    cols = columns()
    writer.writerow([label for _, label in cols])
    for hit in hits:
        writer.writerow([safe_cell(getattr(hit, name)) for name, _ in cols])
    return "\ufeff" + out.getvalue()


def content_disposition() -> str:
    return f"attachment; filename=\"{FILENAME}\"; filename*=UTF-8''{quote(FILENAME_ZH)}"
