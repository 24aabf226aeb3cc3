"""The Whoosh schema: one Whoosh document per passage.

Whoosh holds the stored passages and the jieba-word fields that BM25F ranks on; the
character bigrams for exact matching live beside it as NumPy arrays (grams.py)."""

from __future__ import annotations

from whoosh import fields

from .analysis import Analyzer, WordTokenizer

TITLE_BOOST = 3.0
SECTION_BOOST = 2.0


def make_schema(analyzer: Analyzer) -> fields.Schema:
    words = WordTokenizer(analyzer)
    return fields.Schema(
        row=fields.STORED(),  # the passage's row in the bigram index (index/grams.py)
        passage_id=fields.STORED(),
        doc_id=fields.ID(stored=True),
        seq=fields.STORED(),
        kind=fields.ID(stored=True),
        # report-level values (title, town, county, year) are stored once per report in
        # documents.json; here they are only indexed
        title=fields.TEXT(analyzer=words, phrase=False, field_boost=TITLE_BOOST),
        section=fields.TEXT(analyzer=words, stored=True, phrase=False, field_boost=SECTION_BOOST),
        words=fields.TEXT(analyzer=words, phrase=False),
        text=fields.STORED(),
        # scorable only so that Whoosh keeps a lengths column: without one its segment
        # writer asks the file system about it once per posting
        topics=fields.KEYWORD(stored=True, commas=True, scorable=True),
    )


def analyzer_of(schema: fields.Schema) -> Analyzer:
    """The analyzer stored with an index (the query side uses exactly this one)."""
    return schema["words"].analyzer.analyzer
