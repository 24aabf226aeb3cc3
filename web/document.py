"""A report, ready for its page: headings with anchors, a table of contents, and every
match of the query marked.

The marks are the ``highlights`` that :meth:`search.Searcher.document` gives with a
query (shared with ``/api/docs/<id>?q=`` and ``govsearch show --query``). All text goes
through :func:`search.highlight.mark`, which escapes it; ``<mark>`` is the only markup.
Building the view is linear in the number of passages (a 40,000-heading report opens
in about a second), and a page shows at most ``max_passages`` of them, saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from index.errors import DocumentNotFound
from index.model import SECTION_SEPARATOR
from index.normalize import normalize
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

    @property
    def toc_depth(self) -> int:
        """Indentation class of the table of contents (0…3)."""
        return min(self.depth, 3)


@dataclass
class DocumentView:
    doc: dict
    title_html: Markup
    subtitles: list[Block]
    blocks: list[Block]
    toc: list[Block]
    matches: int
    needles: list[str] = field(default_factory=list)
    shown: int = 0  # passages on the page
    omitted: int = 0  # passages beyond max_passages, not on the page


def heading_depth(passage: dict) -> int:
    section = passage["section"]
    return 0 if not section else section.count(SECTION_SEPARATOR) + 1


def build_view(doc: dict, max_passages: int | None = None) -> DocumentView:
    """``doc`` as :meth:`Searcher.document` returns it (with ``highlights`` when it was
    asked with a query)."""
    passages = doc["passages"]
    omitted = 0
    if max_passages is not None and len(passages) > max_passages:
        omitted = len(passages) - max_passages
        passages = passages[:max_passages]
    blocks: list[Block] = []
    titles: list[Block] = []
    total = 0
    first_seen = False
    for p in passages:
        runs = [tuple(r) for r in p.get("highlights") or ()]
        block = Block(p["passage_id"], p["kind"], p["section"], heading_depth(p) if p["kind"] == "heading" else 0,
                      Markup(mark(p["text"], runs)), p.get("matches", len(runs)), list(p.get("topics", [])))
        if runs and not first_seen:
            # mark() escaped every character of the text, so the first "<mark>" is ours
            block.html = Markup(str(block.html).replace("<mark>", f'<mark id="{FIRST_MATCH}">', 1))
            block.first_match = first_seen = True
        total += block.matches
        (titles if p["kind"] == "title" else blocks).append(block)
    first_line = next((p["text"] for p in doc["passages"] if p["kind"] == "title"), None)
    if titles and (not doc["title"] or normalize(first_line) == normalize(doc["title"])):
        title_html, subtitles = titles[0].html, titles[1:]
    else:
        # the report's title is not its first line (a sidecar sets it, e.g. when the first
        # line is a photo caption): the page is headed by that title, as results, CSV and
        # API show it, and the first lines follow it as they stand in the report
        title = doc["title"] or doc["doc_id"]
        needles = list(doc.get("needles") or [])
        title_html = Markup(mark(title, match_runs(title, needles) if needles else []))
        subtitles = titles
    toc = [b for b in blocks if b.kind == "heading"]
    # matches below each section path, summed once per passage over its ancestors
    # (linear in passages × depth; comparing every heading with every passage was quadratic)
    below: dict[str, int] = {}
    for b in blocks:
        if b.matches and b.section:
            parts = b.section.split(SECTION_SEPARATOR)
            for k in range(1, len(parts) + 1):
                path = SECTION_SEPARATOR.join(parts[:k])
                below[path] = below.get(path, 0) + b.matches
    texts = {p["passage_id"]: p["text"] for p in passages}
    for h in toc:
        path = (h.section + SECTION_SEPARATOR if h.section else "") + texts[h.passage_id]
        h.section_matches = h.matches + below.get(path, 0)
    return DocumentView(doc, title_html, subtitles, blocks, toc, total, list(doc.get("needles") or []),
                        shown=len(passages), omitted=omitted)


DOC_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")


def check_doc_id(doc_id: str) -> str:
    """Refuse anything that is not a document id as the index makes them (letters,
    digits, ``.`` ``_`` ``-``, not starting with a dot): no path. The engine only looks ids up in its
    table, never on disk; this keeps odd input from getting that far."""
    if not isinstance(doc_id, str) or not DOC_ID.match(doc_id):
        raise DocumentNotFound.of(doc_id)
    return doc_id
