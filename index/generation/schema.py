"""The Whoosh schema: one Whoosh document per passage, derived from the field model
(index/fields.py).

Whoosh is the index of record: every passage with every value of its report stored
(text, heading path, kind, topics, report id, title, places, year), so the files the
query side maps can be derived from it alone (index/generation/columns.py). It indexes the heading path with the shared jieba analyzer (``section``),
the topics as keywords, the places and the year, and the passage's multi-character
jieba words (``words``, the field the relaxed "words" match runs on). The character
bigrams for exact matching (grams.py) and the memory-mapped columns the query side
reads (columns.py) live beside it and are derived from the same field model.
"""

from __future__ import annotations

from whoosh import fields

from index import fields as field_model
from index.analysis import Analyzer
from index.generation.generation_format import SCHEMA_FORMAT

# Bumped (in generation_format.py) whenever the schema or the files beside Whoosh change:
# an update then rebuilds.
FORMAT = SCHEMA_FORMAT


def make_schema(analyzer: Analyzer) -> fields.Schema:
    schema = fields.Schema(**{f.name: f.whoosh(analyzer) for f in field_model.current().whoosh_fields})
    for _, field in schema.items():
        if field.indexed and not field.scorable:
            # a lengths column for every indexed field: without one, Whoosh's writer asks
            # the file system whether that column exists once per posting when it commits
            # (280,000 stat calls for 40,000 passages)
            field.scorable = True
    return schema


def analyzer_of(schema: fields.Schema) -> Analyzer:
    """The analyzer stored with an index (the query side uses exactly this one)."""
    return schema["words"].analyzer.analyzer


def stored_by_row(gen) -> dict[int, dict]:
    """The stored values of every live passage in generation ``gen``'s Whoosh index, by
    the row the mapped files number it with: what a derived file is rebuilt from."""
    from whoosh import index as whoosh_index

    stored: dict[int, dict] = {}
    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        reader = s.reader()
        row_of = reader.column_reader("row")
        for docnum, values in reader.iter_docs():
            stored[row_of[docnum]] = values
    return stored
