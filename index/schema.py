"""The Whoosh schema: one Whoosh document per passage."""

from __future__ import annotations

from whoosh import fields, formats

from .analysis import Analyzer, GramTokenizer, WordTokenizer

TITLE_BOOST = 3.0
SECTION_BOOST = 2.0


def make_schema(analyzer: Analyzer) -> fields.Schema:
    words = WordTokenizer(analyzer)
    return fields.Schema(
        passage_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True),
        seq=fields.STORED(),
        kind=fields.ID(stored=True),
        title=fields.TEXT(analyzer=words, stored=True, phrase=False, field_boost=TITLE_BOOST),
        section=fields.TEXT(analyzer=words, stored=True, phrase=False, field_boost=SECTION_BOOST),
        words=fields.TEXT(analyzer=words, phrase=False),
        # scorable only so that Whoosh keeps a lengths column: without one its segment
        # writer checks the file system once per posting (most of the build time)
        grams=fields.FieldType(formats.Existence(), GramTokenizer(analyzer), scorable=True),
        text=fields.STORED(),
        town=fields.ID(stored=True),
        county=fields.ID(stored=True),
        year=fields.STORED(),
        topics=fields.KEYWORD(stored=True, commas=True, scorable=True),
    )


def analyzer_of(schema: fields.Schema) -> Analyzer:
    """The analyzer stored with an index (the query side uses exactly this one)."""
    return schema["words"].analyzer.analyzer
