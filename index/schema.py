"""The Whoosh schema: one Whoosh document per passage.

Whoosh holds the stored passages and their jieba words (the field the relaxed "words"
match runs on); the character bigrams for exact matching live beside it as NumPy
arrays (grams.py)."""

from __future__ import annotations

from whoosh import fields, formats

from .analysis import Analyzer, WordTokenizer


def make_schema(analyzer: Analyzer) -> fields.Schema:
    words = WordTokenizer(analyzer)
    return fields.Schema(
        row=fields.STORED(),  # the passage's row in the bigram index (index/grams.py)
        doc_id=fields.ID(stored=True),
        seq=fields.STORED(),
        kind=fields.STORED(),
        # report-level values (title, town, county, year) are stored once per report,
        # in documents.json beside the Whoosh index
        section=fields.STORED(),  # heading path, " > " between levels
        # which multi-character jieba words a passage has (no frequencies or positions:
        # exact matching and ranking work from the text itself). "scorable" only keeps a
        # lengths column, without which Whoosh's writer asks the file system about it
        # once per posting.
        words=fields.FieldType(formats.Existence(), words, scorable=True),
        text=fields.STORED(),
        topics=fields.STORED(),  # comma-separated; filtered and counted from memory
    )


def analyzer_of(schema: fields.Schema) -> Analyzer:
    """The analyzer stored with an index (the query side uses exactly this one)."""
    return schema["words"].analyzer.analyzer
