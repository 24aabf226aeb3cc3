"""A report, ready for its page: headings with anchors, a table of contents, and every
match of the query marked.

Each query term is marked wherever it occurs in the report. A term that occurs
nowhere as written is marked word by word (as the engine relaxes it for a word
match), so a report reached through a word match still shows why. All text goes
through :func:`search.highlight.mark`, which escapes it; ``<mark>`` is the only markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from index.analysis import multichar_words
from index.errors import DocumentNotFound, QueryError
from index.model import SECTION_SEPARATOR
from index.normalize import normalize
from search import parse_query
from search.highlight import mark, match_runs

FIRST_MATCH = "first-match"  # id of the first <mark> in a report: links from results scroll there
KIND_LABELS = {"caption": "图片说明", "byline": "署名", "heading": "标题", "title": "题目", "body": "正文"}


@dataclass
class Block:
    passage_id: str
    kind: str
    section: str
    depth: int  # heading level below the report title: 0 for top-level headings
    html: Markup
    matches: int
    topics: list[str]
    first_match: bool = False
    section_matches: int = 0  # for a heading: matches in it and in the section it opens


@dataclass
class DocumentView:
    doc: dict
    title_html: Markup
    subtitles: list[Block]
    blocks: list[Block]
    toc: list[Block]
    matches: int
    needles: list[str] = field(default_factory=list)


def needles_for(query: str, doc: dict, cut) -> list[str]:
    """Normalized strings to mark in ``doc`` for ``query``; ``cut`` splits a normalized
    term into words (the engine's analyzer)."""
    if not query:
        return []
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    whole = normalize("\n".join(p["text"] for p in doc["passages"]))
    needles: list[str] = []
    for term in parsed.terms:
        if term.norm in whole or term.quoted:
            needles.append(term.norm)
        else:
            needles.extend(w for w in multichar_words(cut, term.norm) if w in whole)
    return list(dict.fromkeys(n for n in needles if n))


def heading_depth(passage: dict) -> int:
    section = passage["section"]
    return 0 if not section else section.count(SECTION_SEPARATOR) + 1


def build_view(doc: dict, needles: list[str]) -> DocumentView:
    blocks: list[Block] = []
    titles: list[Block] = []
    total = 0
    first_seen = False
    for p in doc["passages"]:
        runs = match_runs(p["text"], needles) if needles else []
        block = Block(p["passage_id"], p["kind"], p["section"], heading_depth(p) if p["kind"] == "heading" else 0,
                      Markup(mark(p["text"], runs)), len(runs), list(p.get("topics", [])))
        if runs and not first_seen:
            # mark() escaped every character of the text, so the first "<mark>" is ours
            block.html = Markup(str(block.html).replace("<mark>", f'<mark id="{FIRST_MATCH}">', 1))
            block.first_match = first_seen = True
        total += len(runs)
        (titles if p["kind"] == "title" else blocks).append(block)
    if titles:
        title_html, subtitles = titles[0].html, titles[1:]
    else:
        title_html, subtitles = Markup(mark(doc["title"] or doc["doc_id"], [])), []
    toc = [b for b in blocks if b.kind == "heading"]
    texts = {p["passage_id"]: p["text"] for p in doc["passages"]}
    for h in toc:
        path = (h.section + SECTION_SEPARATOR if h.section else "") + texts[h.passage_id]
        h.section_matches = h.matches + sum(
            b.matches for b in blocks if b.section == path or b.section.startswith(path + SECTION_SEPARATOR))
    return DocumentView(doc, title_html, subtitles, blocks, toc, total, needles)


DOC_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")


def check_doc_id(doc_id: str) -> str:
    """Refuse anything that is not a document id as the index makes them (letters,
    digits, ``.`` ``_`` ``-``, not starting with a dot): no path. The engine only looks ids up in its
    table, never on disk; this keeps odd input from getting that far."""
    if not isinstance(doc_id, str) or not DOC_ID.match(doc_id):
        raise DocumentNotFound(f"no document {doc_id!r} in the index", "check the id in the search results")
    return doc_id
