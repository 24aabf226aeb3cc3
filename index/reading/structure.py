"""Report text → title, sections and passages.

The input is one decoded report. Its layout (blank-line paragraphs, one paragraph per
line, hard-wrapped at a fixed width, Markdown) is detected from the document itself
(:mod:`index.reading.layout`); hard-wrapped lines are re-joined into paragraphs first, so the
same text gives the same passages in every layout. Then each non-blank line is a
*unit*; the number of blank lines before it (its *gap*) is kept, because in
news-style reports a photo leaves a gap of several blank lines and its caption follows.

Every unit is classified as one of:

* ``heading``  – a Markdown heading (``#`` … ``######``); a numbered line
  (``第一章`` ``第一节`` ``一、`` ``（一）`` ``1.`` ``（1）``, at these levels); or, in
  files without Markdown headings, a short standalone line without sentence punctuation
  (``转型升级 建设一流强镇``), a short line right under a heading being its sub-heading.
  A numbered line that goes on after a short first sentence (``（一）指导思想。坚持…``)
  stays one body passage, whose section is that heading; a numbered line of one sentence
  between the headings numbered one before and one after it is a heading too; a headline
  ending with one exclamation mark (``…会议顺利闭幕!``) is a title line;
* ``caption``  – a short line without sentence punctuation after an image gap
  (two or more blank lines), e.g. ``巩义市产业集聚区(回郭镇)俯瞰``;
* ``byline``   – ``记者 … 通讯员 … 文/图`` lines, a correspondent's credit (``…特派員…/某縣報導``;
  a news item it opens has no headline below it, and a line of fewer than four
  characters in it labels a photo), ``来源：`` lines, speaker lines
  (``国务院总理 李克强``), credit lines in any script (``責編：某某``, ``编辑 某某``, ``文/某某``),
  and a lone name closing the report; a byline at the end of a
  paragraph is split off it;
* ``body``     – everything else. Never headings: the items of a numbered list (three or more
  lines numbered in order one under the other, most ending a sentence: an agenda's
  ``1、听取…报告。`` ``2、…``), enumerations (``一是`` ``第一，``),
  articles (``第一条``), dates, a line that continues an unfinished sentence (a link or
  quote fragment such as ``》，制定《``, a line after one that does not end a sentence),
  and lines repeated across many documents of the corpus (``boilerplate``: licence
  notes, footers).

The heading lines before the first other unit are the title (first line) and
subtitle; a numbered line, or one shaped like the document's later headings, is a
section, not a subtitle. Captions and bylines never become a section heading; they are
kept as passages of their own kind.

Paragraphs cut by the page layout are joined: a body unit that does not end a
sentence continues in the next body unit (captions and bylines in between are
skipped). When the next paragraph is complete in itself but the one after it
continues a word across the cut (…建成生产 | 2018年… | 车间2栋…), the latter is taken.
A unit that opens with closing punctuation (``》，`` ``”`` ``、``) always continues the
one before. So no passage boundary falls inside a sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from index.analysis import Analyzer
from index.normalize import normalize
from index.reading import chrome
from index.reading import layout as layouts
from index.reading.layout import MD_HEADING
from index.reading.lines import (
    BYLINE,
    CHAPTER_RANKS,
    CLOSERS,
    CONTACT,
    CONTINUES,
    CREDITS,
    DATE_LINE,
    ENUMERATION,
    FIGURE,
    HARD_PUNCT,
    LONE_NAME,
    MAX_HEADING,
    MAX_NUMBERED_HEADING,
    MAX_SESSION,
    MODAL,
    NEWS_SENTENCE,
    OFFICE,
    PHOTO_CAPTION,
    SECTION_OPENING,
    SENTENCE_OPENER,
    SESSION_LINE,
    SESSION_REPORT,
    SESSION_START,
    SPACED_SIGNATURE,
    SPEAKER,
    SPEECH_LEAD,
    SUBTITLE_MARK,
    TRAILING_BYLINE,
    ends_sentence,
    heading_like,
    inline_heading,
    is_numbered,
    numbered_heading,
    numbered_rank,
    parallel_heading,
    shape,
    standalone_line,
    strip_trailing_notes,
    unbalanced,
)

MAX_CAPTION = 100
# a news headline ending with one exclamation mark, no other punctuation of a sentence or a
# clause (…第一次会议顺利闭幕!), above the rest; not a salutation (各位代表!, 同志们!, 乡亲们、朋友们!)
MIN_EXCLAIMED = 6
EXCLAIMED = re.compile(rf"^(?!各位|同志|亲爱|親愛|尊敬|乡亲|鄉親|朋友)[^。！？!?；;，,：:]{{{MIN_EXCLAIMED},{MAX_HEADING}}}[！!]$")
# a reporter's byline (记者…, 通讯员…, 特派員…, …/花蓮縣報導), not a page's publication line (来源：…):
# a news item's headline stands above it
REPORTER = re.compile(r"记者|記者|通讯员|通訊員|特派员|特派員|(?:报导|報導|报道|報道)$")
# a part of a report named by its year, a whole line: 2013年工作回顾, 2024年六大工作计划 (its last
# word never runs on into the next line's: 回顾 / 过去的一年 reads no 回顾过去)
PART_LABEL = re.compile(r"^[\dXx*＊]{4}\s*年度?[\u4e00-\u9fff]{0,8}"
                        r"(?:回顾|回顧|总结|總結|计划|計劃|計畫|安排|打算|部署|展望|亮点|亮點|情况|情況)$")
# a part of a report named before its motto: 2025年工作回顾:总结成效、砥砺奋进, 2026年工作部署:聚焦重点…
SECTION_LABEL = re.compile(r"^(?:(?:19|20)\d\d\s*年度?)?[\u4e00-\u9fff]{0,6}"
                           r"(?:回顾|回顧|部署|安排|计划|計劃|打算|展望|思路|举措|舉措|成效|目标|目標|任务|任務)[:：](?=[^\s:：])")
SPACES = re.compile(r"[ \u3000]+")
DATED_ITEM = re.compile(r"^[\s\-—•]*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[\u4e00-\u9fff]")
MIN_ITEMS = 3  # numbered paragraphs in a row that make a list whose items are alike
MAX_CELL = 12  # a line this short among others like it is a table cell
CAPTION_GAP = 2
MAX_JOINED = 6000
LOOKAHEAD = 4
SIGNATURE_LINES = 2  # short lines right above a closing date: the issuers signing (落款), never headings


@dataclass
class Unit:
    text: str
    gap: int
    kind: str = "body"
    level: int = 0
    indent: bool = False
    # a numbered heading opening this (body) unit: ``（一）指导思想`` of ``（一）指导思想。坚持…``
    inline: str = ""
    # opens with closing punctuation: always continues the unit before
    glued: bool = False
    # follows a body unit that does not end a sentence
    cont: bool = False
    # an item of a numbered list (:func:`_list_items`): never joined to the item before
    item: bool = False


@dataclass
class Structure:
    title: str
    subtitle: str
    # (kind, section path, text) in reading order; kind as in model.KINDS
    blocks: list[tuple[str, tuple[str, ...], str]]
    # lines of site chrome left out of the passages (index/reading/chrome.py): evidence of place only
    chrome: list[str] = field(default_factory=list)


def _split_lines(text: str, chrome_out: list[str] | None = None) -> list[Unit]:
    """Non-blank lines as units, site chrome left out (into ``chrome_out``)."""
    lines: list[str] = []
    gaps: list[int] = []
    indents: list[bool] = []
    gap = 0
    raw = text.split("\n")
    cleaned = [chrome.clean(line.strip().strip("\ufeff").strip()) for line in raw]  # any Unicode space
    tables = chrome.has_tables(cleaned)
    # a publication line the byline rules know (来源：…, 作者：…) stays, as a byline
    site = {i for i in chrome.key_values(cleaned, tables) if not BYLINE.search(cleaned[i])}
    site |= chrome.collection_page([line.strip() for line in raw])
    site |= chrome.blurb_page(cleaned)
    site |= chrome.site_header(cleaned)
    site |= chrome.table_of_contents(cleaned)
    site |= chrome.key_list(cleaned)
    site |= chrome.banner(cleaned)
    site |= chrome.channel_names(cleaned)
    site |= chrome.related_links(cleaned)
    kept = [i for i, c in enumerate(cleaned) if c and i not in site]
    repeats = {kept[k] for k in chrome.page_names([cleaned[i] for i in kept])}
    left_out = set(range(len(raw))) - set(kept) | repeats
    after_chrome = False
    for i, (line, stripped) in enumerate(zip(raw, cleaned)):
        if not stripped:
            gap += 1
            continue
        if i in left_out:
            if chrome_out is not None:
                chrome_out.append(stripped)
            # blank lines around a chrome line are no image gap, but where they stand the
            # text breaks its paragraph there (a title / 来源：… / the text)
            after_chrome = after_chrome or gap > 0
            gap = 0
            continue
        if after_chrome:
            gap = 1
        after_chrome = False
        stripped, day = chrome.title_day(stripped)
        if day and chrome_out is not None:
            chrome_out.append(day)  # the day a site posted the page: evidence of its year, no text
        lines.append(stripped)
        gaps.append(gap)
        indents.append(line[:1].isspace())
        gap = 0
    lines, gaps, indents = layouts.rejoin_tokens(lines, gaps, indents, _block_start)
    layout = layouts.detect(lines, gaps)
    lines, gaps, indents = layouts.rejoin(lines, gaps, indents, layout, _block_start)
    return [Unit(t, g, indent=i) for t, g, i in zip(lines, gaps, indents)]


def _block_start(text: str) -> int:
    """How surely a line starts a block of its own in a hard-wrapped text (see layout.rejoin)."""
    rank = numbered_rank(text)
    if rank is None or ENUMERATION.match(text):
        return 0
    return 2 if rank <= 3 else 1


def line_key(text: str) -> str:
    """A line as compared across documents: as written, without the spaces around it."""
    return text.strip().strip("\ufeff").strip()


BLOCK_LINES = 2  # boilerplate comes in blocks: this many repeated lines in a row


def boilerplate_lines(texts: Iterable[str], min_files: int = 5, min_share: float = 0.1) -> frozenset[str]:
    """Lines (as written, spaces around them ignored) that occur in at least
    ``min_files`` of the given documents and in at least ``min_share`` of them, and
    stand there in a block of such lines (``BLOCK_LINES`` or more in a row, in most of
    the documents that have them): licence notes, footers, web-page chrome. Pass the
    result to :func:`parse` as ``boilerplate``. A line that many reports share between
    lines of their own — a section heading of a common template (``党建引领
    筑牢战斗堡垒`` in every town's report) — is not boilerplate: it stays a heading."""
    docs = [[key for key in (line_key(x) for x in text.split("\n")) if key] for text in texts]
    return frozenset(repeated_in_blocks(docs, lambda line: len(line) >= 2, min_files, min_share))


def repeated_in_blocks(docs: list[list], countable, min_files: int = 5, min_share: float = 0.1) -> set:
    """The rule of :func:`boilerplate_lines` over any line keys (the lines themselves,
    or their hashes: index/generation/corpus_state.py): the ``countable`` keys found in
    at least ``min_files`` and ``min_share`` of ``docs`` that stand, in most of the
    documents that have them, in a run of ``BLOCK_LINES`` or more such keys."""
    counts: dict = {}
    for lines in docs:
        for line in set(lines):
            if countable(line):
                counts[line] = counts.get(line, 0) + 1
    threshold = max(min_files, min_share * len(docs))
    repeated = {line for line, c in counts.items() if c >= threshold}
    if not repeated:
        return set()
    in_block: dict = {}
    end = object()  # closes the last run
    for lines in docs:
        if repeated.isdisjoint(lines):
            continue
        run: list = []
        for line in [*lines, end]:
            if line in repeated:
                run.append(line)
                continue
            if len(run) >= BLOCK_LINES:
                for member in set(run):
                    in_block[member] = in_block.get(member, 0) + 1
            run = []
    return {line for line in repeated if 2 * in_block.get(line, 0) >= counts[line]}


def _fragmented(units: list[Unit]) -> bool:
    """Whether the document's lines are cut at links and quotes (text saved from a web
    page): several lines open with closing punctuation or leave a bracket open."""
    cut = sum(1 for u in units if u.text[0] in CONTINUES) + sum(1 for u in units if unbalanced(u.text))
    return cut >= 3


def _short_cell(unit: Unit) -> bool:
    text = unit.text
    return len(text) <= MAX_CELL and not HARD_PUNCT.search(text) and not is_numbered(text) and not MD_HEADING.match(text)


def _in_table(units: list[Unit], i: int) -> bool:
    """Whether the unit is one of three or more short lines in a row: the cells of a
    table or a figure laid out one per line, not headings."""
    run = 1
    k = i - 1
    while k >= 0 and _short_cell(units[k]) and run < 3:
        run, k = run + 1, k - 1
    k = i + 1
    while k < len(units) and _short_cell(units[k]) and run < 3:
        run, k = run + 1, k + 1
    return _short_cell(units[i]) and run >= 3


OFFICE_WORD = re.compile(OFFICE)
MIN_SPACED_HEADING = 4  # characters of a letter-spaced subhead (a name spaced out has two or three)
MAX_SPACED_HEADING = 8
# who signs: an office, a body or a person's post at the end of a spaced line (科 技 部, 镇 长 某 某)
SIGNER_END = re.compile(r"(?:部|会|局|委|厅|办|院|署|处|所|站|府|司|中心|长|记|任|员|人)$")


def _spaced_heading(text: str, prev: Unit, nxt: Unit) -> bool:
    """A letter-spaced line of :data:`MIN_SPACED_HEADING` to :data:`MAX_SPACED_HEADING`
    characters after a paragraph (it or the one after the line ends its sentence; a byline
    before it makes the line names: 来源：… / 李 青 山 王 小 明) that
    names no office, no body that signs (:data:`SIGNER_END`) and no kind of document (a
    title's): a subhead (会 议 流 程), not a signature (乡 长 司 玮, 科 技 部)."""
    if not SPACED_SIGNATURE.match(text):
        return False
    plain = chrome.simplified(SPACES.sub("", text))
    return (MIN_SPACED_HEADING <= len(plain) <= MAX_SPACED_HEADING and not OFFICE_WORD.search(plain)
            and not SIGNER_END.search(plain) and not DOCUMENT_END.search(plain)
            and prev.kind == "body" and (ends_sentence(prev.text) or ends_sentence(nxt.text)))


def _signs(units: list[Unit], i: int) -> bool:
    """Whether units[i] is one of the SIGNATURE_LINES short, unnumbered lines standing
    right above the date line that ends the document: the issuers' signature."""
    last = len(units) - 1
    if not (last - SIGNATURE_LINES <= i < last and DATE_LINE.match(units[last].text.lstrip("•·- \u3000"))):
        return False
    return all(heading_like(u.text) and not is_numbered(u.text) and "，" not in u.text and "、" not in u.text
               for u in units[i:last])


def _issuer_above_date(unit: Unit, nxt: Unit) -> bool:
    """An issuing body alone on its line (``青禾镇人民政府``) right above a date line: the
    signature of a notice that stands before the document it prints, not a heading."""
    return (bool(ISSUER.search(unit.text)) and heading_like(unit.text) and not is_numbered(unit.text)
            and bool(DATE_LINE.match(nxt.text.lstrip("•·- \u3000"))))


def _classify(units: list[Unit], boilerplate: frozenset[str], analyzer: Analyzer) -> bool:
    """Set each unit's kind and level; return whether the report uses Markdown headings."""
    markdown = any(MD_HEADING.match(u.text) for u in units)
    fragmented = _fragmented(units)
    numbered_document = sum(1 for u in units if numbered_heading(u.text)) >= 2
    repeated = Counter(u.text for u in units)
    seen_heading = False
    reported = False  # a reporter's byline opens the text: a news item, its headline left above it
    last = len(units) - 1
    for i, unit in enumerate(units):
        prev = units[i - 1] if i else None
        nxt = units[i + 1] if i < last else None
        md = MD_HEADING.match(unit.text)
        if md:
            unit.kind, unit.level, unit.text = "heading", len(md.group(1)), md.group(2).strip()
            continue
        unit.glued = prev is not None and (unit.text[0] in CONTINUES or (
            prev.kind == "body" and unbalanced(prev.text) and not ends_sentence(prev.text)
            and not is_numbered(unit.text)))
        unit.cont = prev is not None and prev.kind == "body" and not ends_sentence(prev.text)
        if unit.glued:
            continue
        if len(unit.text) <= 80 and (BYLINE.search(unit.text) or CREDITS.match(chrome.simplified(unit.text))) and not HARD_PUNCT.search(unit.text):
            unit.kind = "byline"
            # a reporter's byline that opens the text (nothing of the story above it)
            reported = reported or bool(REPORTER.search(unit.text)) and all(u.kind in ("byline", "caption") for u in units[:i])
            continue
        if i < LOOKAHEAD and EXCLAIMED.match(unit.text) and all(u.kind in ("byline", "caption") for u in units[:i]):
            unit.kind, unit.level = "heading", 1  # a headline that cheers: …第一次会议顺利闭幕!
            continue
        if SESSION_LINE.match(unit.text) and len(unit.text) <= MAX_SESSION or (
                i > 0 and SESSION_REPORT.match(unit.text) and len(unit.text) <= MAX_SESSION):
            unit.kind = "byline"  # when and where a report was given: never a heading
            continue
        if SPEAKER.match(unit.text) and len(unit.text) <= 30 or (
            prev is not None and prev.kind == "byline" and LONE_NAME.match(unit.text)
        ) or (  # the speaker's name under a session line, spaced to the width of a longer one: 于 亮
            prev is not None and prev.kind == "byline" and SESSION_LINE.match(prev.text)
            and LONE_NAME.match(SPACES.sub("", unit.text))
        ) or (prev is not None and prev.kind == "byline" and prev.text[-1:] in "：:" and heading_like(unit.text)):
            unit.kind = "byline"
            continue
        if 0 < i < last and _spaced_heading(unit.text, prev, nxt):
            # 会 议 流 程 between paragraphs: a news item's letter-spaced subhead
            unit.kind, unit.level, unit.text = "heading", 1, SPACES.sub("", unit.text)
            seen_heading = True
            continue
        if i > 0 and SPACED_SIGNATURE.match(unit.text) and (len(unit.text) >= 5 or i >= last - 3):
            unit.kind = "byline"  # 乡 长 司 玮; 政 府 工 作 报 告 is one too, unless it is the title (_title_block)
            continue
        if i > 0 and _signs(units, i) or i > 0 and nxt is not None and _issuer_above_date(unit, nxt):
            unit.kind = "byline"  # 青禾镇人民政府 above the closing 2024年2月26日, or a notice's inside a page
            continue
        if FIGURE.match(unit.text) and len(unit.text) <= MAX_CAPTION and not HARD_PUNCT.search(unit.text):
            unit.kind = "caption"
            continue
        if i > 0 and PHOTO_CAPTION.match(unit.text) and len(unit.text) <= MAX_CAPTION and not is_numbered(unit.text):
            unit.kind = "caption"  # (a numbered line is an item of the text: 2、听取某某作《…报告》)
            continue
        if i == last and i > 0 and LONE_NAME.match(unit.text):
            unit.kind = "byline"
            continue
        if (
            i > 0
            and unit.gap >= CAPTION_GAP
            and not numbered_heading(unit.text)  # a numbered heading after a gap is still a heading
            and not SECTION_LABEL.match(unit.text)  # …and so is a part of a report named (2025年工作回顾:…)
            and len(unit.text) <= MAX_CAPTION
            and not HARD_PUNCT.search(unit.text)
            and unit.text.rstrip(CLOSERS)[-1:] not in ("，", "、", ",")
            and not (nxt is not None and nxt.text[0] in CONTINUES)
        ):
            unit.kind = "caption"
            continue
        if (i == last and i > 0 and not markdown and numbered_heading(unit.text) and ends_sentence(prev.text)
                and unit.text.rstrip(CLOSERS)[-1:] not in "。." and not _open_bracket(unit.text)):
            unit.kind, unit.level = "heading", -1  # a text cut right after its next heading (a page's excerpt)
            continue
        if markdown or i == last:
            _set_inline(unit)
            continue
        if DATED_ITEM.match(unit.text):
            continue  # 5月7日审议…决算: an item of an agenda or a news lead, dated, no heading
        if DATE_LINE.match(unit.text.lstrip("•·- \u3000")):
            unit.kind = "byline"  # the date of a speech or an item: never a heading, never joined to the text
            continue
        if SPEECH_LEAD.match(unit.text) or (prev is not None and prev.kind == "body" and NEWS_SENTENCE.match(unit.text)
                                            and not HARD_PUNCT.search(unit.text)):
            continue  # 会议指出 / 今年以来，…: the paragraph it opens follows; a news sentence without its stop, in the text
        if _lead_sentence(unit, prev, nxt):
            unit.kind, unit.level = "heading", LEAD_LEVEL  # 一年来，我们全力以赴稳增长，…。 over 经济总量持续增长。…
            seen_heading = True
            continue
        if ENUMERATION.match(unit.text) or (
                len(unit.text) <= 2 * MAX_NUMBERED_HEADING and CONTACT.search(unit.text)):
            continue
        if nxt.text[0] in CONTINUES or unbalanced(unit.text) and not ends_sentence(unit.text):
            continue  # a fragment of a sentence that goes on in the next line
        numbered = numbered_heading(unit.text) or _opens_numbered_items(unit.text, nxt, units[i + 2] if i + 2 < len(units) else None) or parallel_heading(unit.text) and not (
            numbered_rank(nxt.text) == numbered_rank(unit.text)
            or prev is not None and prev.kind == "body" and numbered_rank(prev.text) == numbered_rank(unit.text))
        if not numbered and _next_sibling(units, i):
            numbered = True  # 2、大力抓好…工作，保持…发展。 after the heading 1、有序推进…，…发展。
        if numbered and unit.text.rstrip(CLOSERS)[-1:] in "。." and prev is not None and (
            prev.text.rstrip(CLOSERS)[-1:] in "；;"
            or (prev.text.rstrip(CLOSERS)[-1:] in "：:"
                or prev.kind == "body" and not prev.inline and numbered_rank(prev.text) == numbered_rank(unit.text))
            and numbered_rank(nxt.text) == numbered_rank(unit.text)
        ):
            continue  # an item of a list: （九）含有…的。 after （八）…； or between its siblings
        if not numbered:
            _set_inline(unit)
            if unit.inline:
                continue
        if not (numbered or heading_like(unit.text)):
            continue
        if _in_table(units, i) or repeated[unit.text] >= 3 and not is_numbered(unit.text):
            continue  # table cells; a line repeated in the document (法宝联想：…)
        if boilerplate and i > 0 and unit.text in boilerplate and not numbered_heading(unit.text):
            continue  # repeated across the corpus: licence notes, footers
        # a line that continues a broken paragraph is no heading (the first line of a
        # report may be an unfinished headline with the heading group after it)
        if prev is not None and prev.kind == "body" and not ends_sentence(prev.text) and not numbered:
            headline = (not seen_heading and not reported and not prev.cont and not HARD_PUNCT.search(prev.text)
                        and not any(c in prev.text for c in "，,"))
            if not (headline and heading_like(nxt.text)):
                continue
        if not numbered:
            if (analyzer.junction_score(unit.text, nxt.text) == 2 and not _own_words(units, i, analyzer)
                    and not PART_LABEL.match(unit.text)):
                continue  # a word runs on into the next line: 各领域改 / 革，…
            if fragmented and i > 0 and not (len(nxt.text) > 2 * MAX_HEADING or ends_sentence(nxt.text)):
                continue  # a link fragment among others: 党的十八届六中全会 / 正式明确 / …
        after_heading = prev is not None and prev.kind == "heading"
        if not numbered and after_heading and numbered_document and i > 1:
            continue  # under a numbered heading a short line is a label or a table cell, not a sub-heading
        lead = False
        if ("，" in unit.text or "、" in unit.text or "," in unit.text) and not (numbered or after_heading):
            lead = (_lead_heading(unit, prev, nxt, analyzer) or _labelled_part(unit, nxt, analyzer)) and not fragmented
            if not lead:
                continue
        if reported and not numbered and len(SPACES.sub("", unit.text)) < MIN_SPACED_HEADING:
            unit.kind = "caption"  # a news item's subheads are phrases; a word or two alone labels a photo (場次)
            continue
        unit.kind = "heading"
        seen_heading = seen_heading or i > 0
        if numbered:
            unit.level = -1  # set below, once the document's numbering styles are known
        elif lead:
            unit.level = LEAD_LEVEL  # under whatever heading stands above it
        elif after_heading and prev.level < 6:
            unit.level = prev.level + 1
        else:
            unit.level = 1
    _list_items(units)
    _sequence_headings(units)
    _plain_items(units)
    _number_levels(units)
    return markdown


def _open_bracket(text: str) -> bool:
    """A bracket left open, in either width (综合评价(参加测评的市人): a line cut in its sentence."""
    return text.count("(") + text.count("（") > text.count(")") + text.count("）")


ITEM_END = re.compile(r"[。！？!?；;]$")


def _list_items(units: list[Unit]) -> None:
    """A run of :data:`MIN_ITEMS` or more lines numbered in one style and in order (1、2、3、),
    one right under the other with no text of their own between them, more than half of
    them ending a sentence (``1、听取某某作《…的报告》。`` / ``2、…`` / ``3、…。``, ``（1）…；``)
    and fewer than half opening a paragraph with a heading run in (``1.实施…行动。围绕…``: sections):
    the items of a list, none a heading, nor opening with one (4、大会分团讨论:审议…。)."""
    k = 0
    while k < len(units):
        end = k
        rank = numbered_rank(units[k].text) if units[k].kind in ("heading", "body", "caption") else None
        if rank is not None and not ENUMERATION.match(units[k].text) and _number_value(units[k].text) is not None:
            while (end + 1 < len(units) and units[end + 1].kind in ("heading", "body", "caption")
                   and numbered_rank(units[end + 1].text) == rank and not ENUMERATION.match(units[end + 1].text)
                   and _number_value(units[end + 1].text) == _number_value(units[end].text) + 1):
                end += 1
        run = units[k:end + 1]
        ended = sum(1 for u in run if ITEM_END.search(strip_trailing_notes(u.text).rstrip(CLOSERS)))
        headed = sum(1 for u in run if u.inline)  # paragraphs with their headings run in: sections
        if len(run) >= MIN_ITEMS and 2 * ended > len(run) and 2 * headed < len(run):
            for u in run:
                u.kind, u.level, u.inline, u.item = "body", 0, "", True
        k = end + 1


def _sequence_headings(units: list[Unit]) -> None:
    """A numbered line of one finished sentence (at most :data:`MAX_SEQUENCE_HEADING` characters) between
    the headings numbered one before and one after it in the same style (``一、会议时间`` /
    …  / ``二、参加这次会议的代表51人,…,合计92名。`` / ``三、开会地点:…``) is the heading of
    its section too: the document numbers its sections so, whatever their wording."""
    for i, unit in enumerate(units):
        text = unit.text.rstrip(CLOSERS)
        rank = numbered_rank(text) if unit.kind == "body" and not unit.inline else None
        value = _number_value(text) if rank is not None and not ENUMERATION.match(text) else None
        if (value is None or len(text) > MAX_SEQUENCE_HEADING or HARD_PUNCT.search(text[:-1])
                or text[-1:] not in "。！？!?"):
            continue  # (a line that goes on in the next, ending with a comma or a colon, is no sentence)
        before = _sibling(units, i, rank, range(i - 1, -1, -1))
        after = _sibling(units, i, rank, range(i + 1, len(units)))
        if (before is not None and after is not None and before.kind == after.kind == "heading"
                and _number_value(before.text) == value - 1 and _number_value(after.text) == value + 1):
            unit.kind, unit.level = "heading", -1


MAX_SEQUENCE_HEADING = 2 * MAX_HEADING


def _sibling(units: list[Unit], i: int, rank: int, order: range) -> Unit | None:
    """The nearest line numbered in the style ``rank`` in ``order`` from ``units[i]``, unless a
    line numbered in a higher style (a section above it) comes first."""
    for k in order:
        other = numbered_rank(units[k].text)
        if other is None or units[k].kind not in ("heading", "body"):
            continue
        if other == rank:
            return units[k]
        if other < rank:
            return None
    return None


_CN_VALUES = {c: k for k, c in enumerate("零一二三四五六七八九十")}
NUMBER_TOKEN = re.compile(r"^[（(]?([一二三四五六七八九十]{1,3}|\d{1,2})")


def _number_value(text: str) -> int | None:
    """The number a numbered line opens with: ``2、`` → 2, ``（十二）`` → 12."""
    m = NUMBER_TOKEN.match(text)
    if not m:
        return None
    token = m.group(1)
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_VALUES.get(token[1], 0)
    if len(token) == 1:
        return _CN_VALUES.get(token)
    tens = _CN_VALUES.get(token[0], 0) * 10
    return tens + (_CN_VALUES.get(token[2], 0) if len(token) == 3 else 0) if token[1] == "十" else None


def _next_sibling(units: list[Unit], i: int) -> bool:
    """A numbered line of its own ending with a full stop, too long in its phrases for a
    heading by its shape alone (``2、大力抓好招商引资、项目建设和工业经济运行工作，保持全镇经济平稳
    发展。``), is a heading when the line numbered one before it in the same style is a heading
    line of the same kind (ending with a full stop) and the paragraph above it is finished:
    the document heads its sections alike."""
    unit, prev = units[i], units[i - 1] if i else None
    text = unit.text.rstrip(CLOSERS)
    rank = numbered_rank(text)
    if (rank is None or prev is None or ENUMERATION.match(text) or text[-1:] not in "。."
            or len(text) > MAX_NUMBERED_HEADING or HARD_PUNCT.search(text[:-1]) or MODAL.search(text)
            or prev.kind != "body" or not ends_sentence(prev.text) or unit.inline):
        return False
    value = _number_value(text)
    for earlier in reversed(units[:i]):
        if numbered_rank(earlier.text) != rank:
            continue
        return (earlier.kind == "heading" and earlier.text.rstrip(CLOSERS)[-1:] in "。."
                and value is not None and _number_value(earlier.text) == value - 1)
    return False


def _plain_items(units: list[Unit]) -> None:
    """Items of one numbered list are alike: when most of a run of body units numbered in
    one style (``1.`` ``2.`` ``3.``, nothing between them but their own lines, or a heading
    of a higher numbering that the list's numbers go on across: ``三、…`` / ``第二章 …`` /
    ``四、…``) are plain
    numbered paragraphs, one whose first sentence happens to be short
    (``3. 联合消防部门…安装单点报警器1440处。持续开展…``) is a plain paragraph too."""
    run: list[Unit] = []
    crossed = False  # a heading of a higher numbering (第二章) since the run's last item
    for unit in [*units, None]:
        rank = numbered_rank(unit.text) if unit is not None and unit.kind == "body" else None
        if run and rank is not None and rank == numbered_rank(run[0].text) and (
                not crossed or _follows(run[-1].text, unit.text)):
            run.append(unit)
            crossed = False
            continue
        if run and unit is not None and unit.kind == "heading" and not crossed:
            higher = numbered_rank(unit.text)
            if higher is not None and higher < numbered_rank(run[0].text):
                crossed = True  # 三、… / 第二章 … / 四、…: a list numbered on across its chapters is one list
                continue
        crossed = False
        inline = [u for u in run if u.inline]
        if len(run) >= MIN_ITEMS and 2 * len(inline) < len(run):
            for u in inline:
                u.inline = ""
        run = [unit] if rank is not None else []


def _follows(before: str, after: str) -> bool:
    """Whether ``after`` is numbered one after ``before`` (``三、`` then ``四、``)."""
    a, b = _number_value(before), _number_value(after)
    return a is not None and b == a + 1


LEAD_LEVEL = 6
MIN_LEAD_PARAGRAPH = 2 * MAX_HEADING  # the paragraph under a lead heading is at least this long


def _opens_numbered_items(text: str, nxt: Unit, after: Unit | None) -> bool:
    """``一、2023年工作基本情况：`` over ``（一）创新工作形式，打造社区品牌。`` and its text: a
    numbered heading ending with a colon is a heading when the next line is a heading one
    level deeper with a paragraph of its own below it (the colon introduces sub-sections).
    Over a list (items, or items that are sentences: ``…要求至少包括：`` / ``（一）企业应…``)
    it stays a line of text."""
    core = text.rstrip()
    rank, below = numbered_rank(core), numbered_rank(nxt.text)
    if core[-1:] not in "：:" or rank is None or below is None or below <= rank or not numbered_heading(core[:-1]):
        return False
    if not (numbered_heading(nxt.text) or parallel_heading(nxt.text)):
        return False
    return after is None or numbered_rank(after.text) != below


def _lead_heading(unit: Unit, prev: Unit | None, nxt: Unit, analyzer: Analyzer) -> bool:
    """A short line of phrases with commas and no end punctuation between two finished
    paragraphs heads the paragraph after it (``一年来，我们聚力抓脱贫、攻难点，精准扶贫实实在在``):
    the paragraph before ends its sentence (or a photo's caption stands before it), the one after is long and ends its own, and
    no word runs across the break."""
    return (prev is not None and prev.kind in ("body", "heading", "caption")
            and (prev.kind != "body" or ends_sentence(prev.text))
            and len(nxt.text) >= MIN_LEAD_PARAGRAPH and nxt.text.rstrip(CLOSERS)[-1:] in "。！？!?"
            and not is_numbered(nxt.text) and analyzer.junction_score(unit.text, nxt.text) == 0)


def _labelled_part(unit: Unit, nxt: Unit, analyzer: Analyzer) -> bool:
    """``2025年工作回顾:总结成效、砥砺奋进`` over a finished paragraph: a line that names a part
    of a report before its motto (:data:`SECTION_LABEL`) heads it, unless a word runs on
    across the break (a junction no weaker than :func:`_lead_heading` allows of a label)."""
    return (bool(SECTION_LABEL.match(unit.text)) and ends_sentence(nxt.text) and not is_numbered(nxt.text)
            and analyzer.junction_score(unit.text, nxt.text) < 2)


# a review's group heading written as a sentence: 一年来，我们全力以赴稳增长，经济回升的步伐迈得更沉稳。
LEAD_SENTENCE = re.compile(r"^(?:一年来|一年來|过去的?一年|過去的?一年|[二三四五六七八九十]年来|[二三四五六七八九十]年來"
                           r"|过去的?[二三四五]年|過去的?[二三四五]年)[，,]我们|^(?:一年来|一年來)[，,]我們")
CJK_END = re.compile(r"[\u4e00-\u9fff]$")  # a line that ends on a word, no punctuation after it
# …the paragraph under it opens with its own short lead sentence: 经济总量持续增长。全镇…
LEAD_OPENING = re.compile(r"^[^，,。；;：:、！？!?\s]{4,14}。(?=\S)")


def _lead_sentence(unit: Unit, prev: Unit | None, nxt: Unit | None) -> bool:
    """A one-sentence line of a report's review, ``一年来，我们…，…。`` (the time, then what
    was done, then what came of it: no more parts), at most a heading's length, heads the
    paragraphs after it, its full stop written or left off as a heading's may be, when the
    paragraph right under it opens with a short lead sentence
    of its own (``经济总量持续增长。…``) and the paragraph before ends its sentence: the
    document shows its groups so. A line introducing a list (主要做了以下工作。) heads nothing."""
    text = unit.text.rstrip(CLOSERS)
    if prev is None or nxt is None or not LEAD_SENTENCE.match(text) or len(text) > MAX_HEADING + 1:
        return False
    # a heading line may leave its full stop off: 一年来，我们以…为要务，推动经济…发展 / 经济持续…。
    core = text[:-1] if text[-1:] == "。" else text
    if not CJK_END.search(core) or HARD_PUNCT.search(core) or len(re.split(r"[，,]", core)) != 3:
        return False
    if "以下" in text or "如下" in text:
        return False
    return ((prev.kind == "heading" or prev.kind == "body" and ends_sentence(prev.text))
            and bool(LEAD_OPENING.match(nxt.text)) and not is_numbered(nxt.text))


def _set_inline(unit: Unit) -> None:
    """The heading a line opens with, run on into its paragraph: numbered (:func:`inline_heading`),
    else a dashed lead sentence (:func:`_dashed_lead`, at the level of a lead heading)."""
    unit.inline = inline_heading(unit.text)
    lead = "" if unit.inline else _dashed_lead(unit.text)
    if lead:
        unit.inline, unit.level = lead, LEAD_LEVEL


DASH_LEAD = re.compile(r"^(?:——|—|--|－－)\s*")


def _own_words(units: list[Unit], i: int, analyzer: Analyzer) -> bool:
    """Two short lines that each read as words of their own though a word could run across
    them (``下好共富关键棋`` / ``谱写城乡共荣靓丽篇章``: 棋谱, or 谱写): the next line is a line of a
    heading too, opening with a word of two characters or more, and a finished sentence
    follows it. A word cut by the layout leaves its tail alone (``各领域改`` / ``革，…``)."""
    nxt = units[i + 1]
    after = units[i + 2] if i + 2 < len(units) else None
    if after is None or not heading_like(nxt.text) or is_numbered(nxt.text) or not ends_sentence(after.text):
        return False
    first = next(iter(analyzer.jieba.cut(normalize(nxt.text[:MAX_HEADING]), HMM=False)), "")  # as junction_score reads
    return len(first) >= 2


def _dashed_lead(text: str) -> str:
    """``——四年来，我们始终坚持…，交出了一份“攻坚答卷”。脱贫攻坚…`` → its first sentence: a
    review's group heading marked by a dash (the document marks it so, :data:`DASH_LEAD`), one
    sentence of :data:`LEAD_SENTENCE`'s form and three parts at most, run on into its
    paragraph; else empty. (Without the dash such a sentence may open any paragraph.)"""
    dash = DASH_LEAD.match(text)
    if not dash:
        return ""
    end = text.find("。", dash.end())
    if end < 0 or not text[end + 1:].strip():
        return ""
    head = text[: end + 1]
    sentence = head[dash.end():]
    if (not LEAD_SENTENCE.match(sentence) or len(sentence) > MAX_HEADING + 1 or HARD_PUNCT.search(sentence[:-1])
            or unbalanced(sentence) or len(re.split(r"[，,]", sentence[:-1])) > 3):
        return ""
    return head


def _number_levels(units: list[Unit]) -> None:
    """Levels of numbered headings: 一、 1, （一） 2, 1. 3, （1） 4, pushed down by one
    for each of 第…章 and 第…节 the document uses."""
    ranks = [numbered_rank(u.inline or u.text) for u in units if u.level == -1 or u.inline and numbered_rank(u.inline)]
    chapters = sorted({r for r in ranks if r is not None and r < CHAPTER_RANKS})
    seen: dict[int, int] = {}  # numbering rank → level of the last heading numbered so
    for unit in units:
        if unit.inline and numbered_rank(unit.inline) is None:
            continue  # a dashed lead sentence (:func:`_dashed_lead`) keeps its level
        if unit.kind == "heading" and unit.level > 0:
            rank = numbered_rank(unit.text)
            if rank is not None:
                seen[rank] = unit.level
            continue
        if unit.inline and numbered_rank(unit.inline) in seen:
            unit.level = seen[numbered_rank(unit.inline)]
            continue
        if unit.level == -1 or unit.inline:
            rank = numbered_rank(unit.inline or unit.text)
            if rank < CHAPTER_RANKS:
                level = chapters.index(rank) + 1
            else:
                level = len(chapters) + rank - CHAPTER_RANKS + 1
            unit.level = level
            if unit.kind == "heading":
                seen[rank] = level


def _split_trailing_bylines(units: list[Unit]) -> list[Unit]:
    out: list[Unit] = []
    for unit in units:
        m = TRAILING_BYLINE.search(unit.text) if unit.kind == "body" else None
        if m and m.start(1) > 0:
            out.append(Unit(unit.text[: m.start()].rstrip(), unit.gap, "body", inline=unit.inline))
            out.append(Unit(m.group(1), 0, "byline"))
        else:
            out.append(unit)
    return out


def _joiner(left: str, right: str) -> str:
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""


def _glue(units: list[Unit]) -> list[Unit]:
    """Units opening with closing punctuation join the unit before them."""
    out: list[Unit] = []
    for unit in units:
        if unit.glued and out and out[-1].kind in ("body", "caption", "byline"):
            out[-1].text += unit.text
            out[-1].kind = "body"
        else:
            out.append(unit)
    return out


def _join_broken_paragraphs(units: list[Unit], analyzer: Analyzer, fragmented: bool = False) -> list[Unit]:
    units = list(units)
    i = 0
    while i < len(units):
        unit = units[i]
        standalone = standalone_line(unit.text) and not (
            i + 1 < len(units) and units[i + 1].kind == "body"
            and (units[i + 1].glued or unbalanced(unit.text) or fragmented and units[i + 1].cont))
        while (
            unit.kind == "body"
            and not ends_sentence(unit.text)
            and len(unit.text) < MAX_JOINED
            and not standalone
        ):
            bodies = []
            for k in range(i + 1, min(len(units), i + 1 + LOOKAHEAD)):
                kind = units[k].kind
                if kind in ("caption", "byline"):
                    continue
                if kind != "body" or units[k].inline or units[k].item:
                    break  # (an item of a list starts its own passage, its item before unfinished or not)
                bodies.append(k)
                if len(bodies) == 2:
                    break
            if not bodies:
                break
            target = bodies[0]
            if len(bodies) == 2 and ends_sentence(units[bodies[0]].text):
                first = analyzer.junction_score(unit.text, units[bodies[0]].text)
                second = analyzer.junction_score(unit.text, units[bodies[1]].text)
                if second == 2 and first < 2 or (
                    second == 1 and first == 0 and SENTENCE_OPENER.match(units[bodies[0]].text)
                ):
                    target = bodies[1]
            nxt = units.pop(target)
            unit.text = unit.text + _joiner(unit.text, nxt.text) + nxt.text
        i += 1
    return units


def _title_block(units: list[Unit], markdown: bool, analyzer: Analyzer) -> list[str]:
    """The title lines at the top (title, then subtitle lines); units used are marked
    ``title``."""
    title_lines: list[str] = []
    headings = [u.level for u in units if u.kind == "heading"]
    if markdown:
        if units and units[0].kind == "heading" and units[0].level == min(headings):
            title_lines.append(units[0].text)
            units[0].kind = "title"
        return title_lines
    later_shapes = None
    for n, unit in enumerate(units):
        if not title_lines and n < LOOKAHEAD and _spaced_document(unit):
            title_lines.append(unit.text)  # 政 府 工 作 报 告 under a page's publication line
            unit.kind = "title"
            break
        if unit.kind == "byline" and not title_lines and n < LOOKAHEAD:
            continue  # a page's publication line (来源：… 发布时间：…) above its title
        if not title_lines and n < LOOKAHEAD and PHOTO_CAPTION.match(unit.text) and len(unit.text) <= MAX_CAPTION:
            unit.kind = "caption"  # (资料图片) above a news item: a photo's caption, never its title
            continue
        if unit.kind != "heading" or is_numbered(unit.text):
            break  # a numbered line is a section, never the title or subtitle
        if not title_lines and _first_of_parallel(units, n):
            break  # 建章立制，夯实民主根基 over later 群策群力，共谋发展良策: the first section
        if not title_lines and SERIAL_NAME.search(unit.text):
            break  # one item or page of a site's collection (…工作总结1, …年终总结(9)): a heading
        if title_lines:
            previous = title_lines[-1]
            if _wrapped_about(previous, unit.text):
                # an official title wrapped at 关于 and at 的: 某某镇第十七届人民代表大会第二次会议 /
                # 关于《某某镇政府工作报告》 / 的决议（草案）
                title_lines[-1] = previous + unit.text
                unit.kind = "title"
                continue
            if unbalanced(previous):
                # a title wrapped over two lines: 关于印发《…与 / 示范…》的通知
                title_lines[-1] = previous + layouts.joiner(previous, unit.text) + unit.text
                unit.kind = "title"
                continue
            if is_numbered(unit.text):
                break
            if later_shapes is None:
                later_shapes = {shape(u.text) for u in units[n + 1:] if u.kind == "heading"}
            if shape(unit.text) in later_shapes and shape(unit.text) != (None, False):
                break  # shaped like the report's section headings: its first section
            nxt = units[n + 1] if n + 1 < len(units) else None
            if nxt is not None and _opens_first_sentence(unit.text, nxt):
                # the text's first line, its sentence ending in the next: no subtitle
                unit.kind, unit.text = "body", unit.text + layouts.joiner(unit.text, nxt.text) + nxt.text
                del units[n + 1]
                break
        title_lines.append(unit.text)
        unit.kind = "title"
    if len(title_lines) > 1 and SERIES_LABEL.search(chrome.simplified(title_lines[0])):
        # a session's papers numbered by its site (某某镇十七届人大二次会议文件(12)) above the
        # paper's own title: the title is the paper's
        title_lines[0], title_lines[1] = title_lines[1], title_lines[0]
    if title_lines:
        _own_title(units, title_lines)
    # a page's publication lines (来源：… 发布时间：…) may stand above a title run into its text
    top = next((n for n, u in enumerate(units[:LOOKAHEAD]) if u.kind not in ("byline", "caption")), None)
    if not title_lines and top is not None and _first_of_parallel(units, top):
        later = next(u for u in units[top + 1:] if u.kind == "heading" and _form(u.text) == _form(units[top].text))
        units[top].kind, units[top].level = "heading", later.level
        return title_lines
    if top is not None and any(u.kind == "byline" and REPORTER.search(u.text) for u in units[:top]):
        return title_lines  # under a reporter's byline the story begins: its headline stood above it
    if not title_lines and top is not None and units[top].kind == "body" and not SERIAL_NAME.search(units[top].text):
        first = units[top].text
        after = units[top + 1] if top + 1 < len(units) else None
        if (len(first) <= 2 * MAX_HEADING and heading_like(first.replace("，", " ").replace("、", " ")) or (
            len(first) <= 2 * MAX_HEADING and not HARD_PUNCT.search(first) and first[-1:] not in "，、,：:"
        )) and not (after is not None and _opens_first_sentence(first, after)) and not QUOTED_SPEECH.match(first):
            title_lines.append(first)
            units[top].kind = "title"
        elif (spaced := SPACED_INLINE_TITLE.match(first)) and re.search(
                REPORT_NOUNS + "$", SPACES.sub("", spaced.group(1))):
            # a one-line text that opens with its letter-spaced title: 政 府 工 作 报 告 2010年1月29日在…
            title = SPACES.sub("", spaced.group(1))
            title_lines.append(title)
            units.insert(top, Unit(title, units[top].gap, "title"))
            units[top + 1].text = first[spaced.end():]
        else:
            inline = INLINE_TITLE.match(first)
            later = None if inline else next(
                (m for m in LATER_TITLE.finditer(first, 0, MAX_PREAMBLE + 2 * MAX_HEADING) if m.start(1) <= MAX_PREAMBLE), None)
            if later:
                # a one-line text whose title follows a site's words: …整理汇总。某镇…报告各位代表：…
                title_lines.append(later.group(1))
                units.insert(top, Unit(later.group(1), units[top].gap, "title"))
                units[top + 1].text = first[later.end(1):]
            elif inline:
                # a one-line text that opens with its title: 乡镇镇长述职报告各位领导：…
                title = REPEATED_NOUN.sub(r"\1", inline.group(1))
                rest = LEADING_NOUN.sub("", first[inline.end(1):]).lstrip(" \u3000")
                rest = rest[len(title):].lstrip(" \u3000") if rest.startswith(title) else rest
                title_lines.append(title)
                units.insert(top, Unit(title, units[top].gap, "title"))
                units[top + 1].text = rest
    return title_lines


# one of a set of papers with its number: 某某会议文件(12), 会议材料之三
SERIES_LABEL = re.compile(r"(?:文件|材料)\s*(?:[（(]\d{1,3}[)）]|之[一二三四五六七八九十\d]{1,3})$")
SESSION_NAME_END = re.compile(r"(?:会议|大会)$")


def _wrapped_about(previous: str, line: str) -> bool:
    """A title line that goes on an official title wrapped over lines (read in simplified
    characters): ``关于…`` under the session that issues it (``…会议`` / ``关于《…》``), or
    ``的…`` under a line holding ``关于`` (``关于《…》`` / ``的决议（草案）``); short lines, no
    sentence's punctuation."""
    prev, text = chrome.simplified(previous), chrome.simplified(line)
    if HARD_PUNCT.search(text) or len(prev) + len(text) > 3 * MAX_HEADING:
        return False
    if text.startswith("关于") and SESSION_NAME_END.search(prev) and not HARD_PUNCT.search(prev):
        return True
    return text.startswith("的") and len(text) <= MAX_HEADING and "关于" in prev and "的" not in prev.split("关于")[-1]


# a news item's opening line that is someone's words in quotes, trailing off or ending inside
# them (“各位代表，现在开始表决…，请认真填写手中的表决票……”): a quotation, never the title
QUOTED_SPEECH = re.compile(r"^[“「『\"].*(?:…|[，,！!？?。])[”」』\"]$")
MIN_PARALLEL = 2  # later headings of the same form that make a first line one of them
PHRASE_SEP = re.compile(r"[，,]")


def _form(text: str) -> tuple[int, ...]:
    """The lengths of a line's phrases between commas: 建章立制，夯实民主根基 → (4, 6)."""
    return tuple(len(p.strip()) for p in PHRASE_SEP.split(text))


def _first_of_parallel(units: list[Unit], n: int) -> bool:
    """A first line of phrases parted by commas with the form (:func:`_form`) of at least
    :data:`MIN_PARALLEL` later headings is the first of the document's parallel headings
    (a page cut above its title opens with its first section), not its title."""
    form = _form(units[n].text)
    if len(form) < 2:
        return False
    return sum(1 for u in units[n + 1:] if u.kind == "heading" and _form(u.text) == form) >= MIN_PARALLEL


def _own_title(units: list[Unit], title_lines: list[str]) -> None:
    """A page's title, its publication line (发布时间：…) and then the document's own title,
    worded otherwise (``五马镇2024年政务公开总结`` / ``发布时间：…`` / ``2024 年政府信息公开工作总结``):
    the line that names a kind of document (:data:`DOCUMENT_END`), unnumbered, right under the
    bylines below the title, is a title line too (a subtitle), not the first section."""
    k = next((n for n, u in enumerate(units) if u.kind != "title"), len(units))
    start = k
    while k < len(units) and units[k].kind == "byline":
        k += 1
    if k == start or k >= len(units) or k - start > SIGNATURE_LINES:
        return
    unit = units[k]
    if (unit.kind == "heading" and not is_numbered(unit.text) and DOCUMENT_END.search(unit.text)
            and not SUBTITLE_MARK.match(unit.text) and len(unit.text) <= MAX_HEADING):
        unit.kind = "title"
        title_lines.append(unit.text)


# a report's name with a serial number after it: a site's name for one item or page of a collection
SERIAL_NAME = re.compile(r"(?:报告|報告|总结|總結|计划|計劃|汇报|匯報|讲话|講話|范文|範文)\s*(?:[（(]\d{1,2}[)）]|\d{1,2})$")


def _spaced_document(unit: Unit) -> bool:
    """A letter-spaced line that names a kind of document (``政 府 工 作 报 告``), taken for a
    signature (``乡 长 司 玮``) by its shape: a title when no title stands above it."""
    return (unit.kind == "byline" and bool(SPACED_SIGNATURE.match(unit.text))
            and bool(DOCUMENT_END.search(re.sub(r"[ \u3000]", "", unit.text))))


MIN_SENTENCE_START = 16  # a line without punctuation this long under a title may be the text's first line
DOCUMENT_END = re.compile(r"(?:报告|報告|总结|總結|计划|計劃|意见|意見|通知|方案|决定|決定|讲话|講話|汇报|匯報|稿|文件|会议|會議)[）)]?$")


def _opens_first_sentence(text: str, nxt: Unit) -> bool:
    """A line under the title that is the first line of the text, not a subtitle: at
    least :data:`MIN_SENTENCE_START` characters, no mark of a subtitle (——, （, 《) and no
    document's name at its end, and the next line a body line right below it (no blank
    line: a sentence is not split by one) that finishes the sentence with a full stop
    (2023年是…开局之年 / 也是我镇…极不平凡的一年。)."""
    return (len(text) >= MIN_SENTENCE_START and not SUBTITLE_MARK.match(text) and not DOCUMENT_END.search(text)
            and nxt.gap == 0 and nxt.kind == "body" and not nxt.inline and not is_numbered(nxt.text)
            and nxt.text.rstrip(CLOSERS)[-1:] in "。！？!?" and len(nxt.text) >= MAX_CELL)


# a report's title at the start of a long line: short, no punctuation, ending with the
# kind of report, and followed by the salutation or the first words of the text
REPORT_NOUNS = r"(?:报告|總結|总结|计划|計劃|汇报|匯報|報告|讲话|講話)"
INLINE_TITLE = re.compile(
    rf"^([^\s，,。！？：:、；;]{{4,{MAX_HEADING}}}?{REPORT_NOUNS})"
    rf"(?=各位|同志们|{SECTION_OPENING}|[一二三四五六七八九十]、|[\s\u3000]|(?:工作)?{REPORT_NOUNS}[\s\u3000])"
)
# …or its letter-spaced title, a space after it: 政 府 工 作 报 告 2010年1月29日在…
SPACED_INLINE_TITLE = re.compile(r"^((?:[\u4e00-\u9fff][ \u3000]){3,11}[\u4e00-\u9fff])[ \u3000]+(?=\S)")
# the same after a site's words ending with a sentence (MAX_PREAMBLE characters at most
# before it), only when the salutation follows it
MAX_PREAMBLE = 120
LATER_TITLE = re.compile(rf"(?<=[。！？!?])[\s\u3000]*([^\s，,。！？：:、；;]{{4,{MAX_HEADING}}}?{REPORT_NOUNS})(?=各位|同志们|同志們)")
REPEATED_NOUN = re.compile(rf"((?:工作)?{REPORT_NOUNS})\1$")
LEADING_NOUN = re.compile(rf"^(?:(?:工作)?{REPORT_NOUNS}[\s\u3000]+)+")  # a page's category after the title


PDF_CHUNK = re.compile(r"^(\d{1,3})、")
MIN_CHUNK = 200  # a page chunk of a sharing site is long; a numbered item rarely this long and unfinished


def _join_pdf_chunks(units: list[Unit]) -> list[Unit]:
    """A sharing site's text cut into numbered chunks (``1、…`` ``2、…``), each cut in the
    middle of a sentence or a word (``…街`` / ``2、道办事处…``): the chunk numbers go and the
    chunks are one text again. Only when the lines numbered so run 1, 2, 3 … in order,
    and every chunk but the last is long and stops without ending its sentence."""
    numbered = [(k, int(m.group(1))) for k, u in enumerate(units) if (m := PDF_CHUNK.match(u.text))]
    if len(numbered) < 2 or [n for _, n in numbered] != list(range(1, len(numbered) + 1)):
        return units
    positions = [k for k, _ in numbered]
    if positions != list(range(positions[0], positions[0] + len(positions))):
        return units  # other lines between them: numbered items of a text, not chunks
    chunks = [units[k] for k in positions]
    if any(len(u.text) < MIN_CHUNK or ends_sentence(u.text) for u in chunks[:-1]):
        return units
    first = chunks[0]
    first.text = "".join(PDF_CHUNK.sub("", u.text, count=1) for u in chunks)
    return units[:positions[0] + 1] + units[positions[-1] + 1:]


# a numbered heading run into a long line: after a finished sentence or a wide space
RUN_IN = re.compile(r"(?:(?<=[。！？])[ \u3000]*|[ \u3000]+)(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]))")
MIN_RUN_TOGETHER = 4 * MAX_HEADING  # a line this long holding numbered headings is a run-together text
MIN_PLAIN_RUN_IN = 4  # an unnumbered heading inside such a line: at least this many characters
HEADING_END = re.compile(r"[ \u3000]+")
# such a line may also open with its numbered heading, a wide space after it: 一、2014年工作总结  2014年，…
RUN_IN_START = re.compile(rf"^(?:[一二三四五六七八九十]{{1,3}}、|[（(][一二三四五六七八九十]{{1,3}}[)）])[^。！？；\s]{{1,{MAX_NUMBERED_HEADING}}}(?:[ ]{{2,}}|\u3000)")


# an unnumbered heading run into such a line, wide spaces on both sides, after a finished
# sentence: …提出意见。  过去五年的工作回顾  20xx年以来，… (no punctuation, quotes or a
# document's name: 某某作《2018年工作报告》 is a news sentence without its full stop)
PLAIN_RUN_IN = re.compile(rf"(?<=[。！？])(?:[ ]{{2,}}|\u3000+)([^\s。！？!?；;，,、：:“”\"《》]{{{MIN_PLAIN_RUN_IN},{MAX_HEADING}}})(?:[ ]{{2,}}|\u3000+)")


def _split_run_in(units: list[Unit]) -> list[Unit]:
    """A text saved as one long line (or a few) keeps its numbered headings inside the
    line: ``…取得了良好的发展势头。一、加大环境整治力度,绿化美化社区 社区是…``. Such a
    line (also one opening with ``一、…`` and a wide space) is cut before each ``一、`` /
    ``（一）`` that follows a finished sentence or a wide
    space, and a heading that a space ends (within a heading's length, before any full
    stop) stands on its own line. So does a short piece without punctuation between
    wide spaces after a finished sentence (:data:`PLAIN_RUN_IN`), for the line's
    classification to judge as any short line."""
    out: list[Unit] = []
    for unit in units:
        if len(unit.text) < MIN_RUN_TOGETHER or not (RUN_IN.search(unit.text) or RUN_IN_START.match(unit.text)
                                                     or PLAIN_RUN_IN.search(unit.text)):
            out.append(unit)
            continue
        cuts = sorted({0, len(unit.text)} | {m.end() for m in RUN_IN.finditer(unit.text) if m.end() > 0}
                      | {k for m in PLAIN_RUN_IN.finditer(unit.text) for k in (m.start(1), m.end(1))})
        pieces = [unit.text[a:b].strip(" \u3000") for a, b in zip(cuts, cuts[1:])]
        for n, piece in enumerate(p for q in pieces if q for p in _nested_heading(q)):
            space = HEADING_END.search(piece)
            if (is_numbered(piece) and space and space.start() <= MAX_NUMBERED_HEADING
                    and not HARD_PUNCT.search(piece[:space.start()])):
                out.append(Unit(piece[:space.start()], unit.gap if n == 0 else 0, indent=unit.indent))
                piece = piece[space.end():]
                if not piece:
                    continue
            out.append(Unit(piece, unit.gap if n == 0 and not out else 0, indent=unit.indent))
    return out


# the first sub-heading of a numbered heading, run on right after it: 一、五年工作总结（一）经济…
NESTED = re.compile(r"[（(][一二三四五六七八九十]{1,3}[)）]")


def _nested_heading(piece: str) -> list[str]:
    """``一、五年工作总结（一）经济态势…`` → ``一、五年工作总结`` and ``（一）经济态势…``: a
    ``（一）`` within a heading's length (:data:`MAX_NUMBERED_HEADING`) after ``一、`` with no
    punctuation before it opens the heading's first sub-heading."""
    if numbered_rank(piece) != 2:
        return [piece]
    m = NESTED.search(piece, 2)
    if not m or m.start() > MAX_NUMBERED_HEADING or HARD_PUNCT.search(piece[:m.start()]) or any(c in piece[:m.start()] for c in "，,：:"):
        return [piece]
    return [piece[:m.start()], piece[m.start():]]


def _join_session_lines(units: list[Unit]) -> list[Unit]:
    """A session line wrapped over two lines (``——2024年1月23日在某某镇第二十届`` /
    ``人民代表大会第八次会议上``, also ``…人民代表大会`` / ``第六次会议上``) is one line."""
    out: list[Unit] = []
    for unit in units:
        if out and SESSION_START.match(out[-1].text) and (
                not SESSION_LINE.match(out[-1].text) or SESSION_REST.match(unit.text)):
            joined = out[-1].text + unit.text
            if SESSION_LINE.match(joined) and len(joined) <= MAX_SESSION:
                out[-1].text = joined
                continue
        out.append(unit)
    return out


# the end of a session line wrapped after 人民代表大会: 第六次会议上
SESSION_REST = re.compile(r"^第[一二三四五六七八九十\d]{1,4}次(?:会议|會議)上?[)）]?$")


def _rejoin_title(units: list[Unit], analyzer: Analyzer) -> list[Unit]:
    """A title wrapped over two lines is one line: ``政府工作报`` / ``告``, or a first line
    that leaves a bracket open (``关于印发《…与`` / ``示范…》的通知``)."""
    while len(units) > 1:
        first, second = units[0], units[1]
        if len(first.text) > MAX_HEADING or HARD_PUNCT.search(first.text) or MD_HEADING.match(first.text):
            break
        if not (unbalanced(first.text) and len(second.text) <= MAX_HEADING
                or len(second.text) <= 4 and analyzer.junction_score(first.text, second.text) == 2
                or _title_tail(first.text, second.text) or _issuer_and_subject(first.text, second.text)
                or _place_and_subject(first.text, second.text)):
            break
        first.text += layouts.joiner(first.text, second.text) + second.text
        del units[1]
    return units


MAX_TITLE_TAIL = 6  # the last words of a wrapped title: 督查报告, 工作总结, 自查报告


def _title_tail(first: str, second: str) -> bool:
    """A title wrapped before its document's name: ``2022年上半年…重点工作`` / ``督查报告``:
    the second line is short (:data:`MAX_TITLE_TAIL` characters or fewer), only the name of
    a kind of document (报告, 总结, 汇报 …), no subtitle's mark; the first line names none
    (nor holds the second: a page's title above the document's own, the name written again)."""
    return (len(second) <= MAX_TITLE_TAIL and bool(DOCUMENT_END.search(second)) and not SUBTITLE_MARK.match(second)
            and not HARD_PUNCT.search(second) and not DOCUMENT_END.search(first) and not is_numbered(second)
            and second not in SPACES.sub("", first))  # 政 府 工 作 报 告(2022年) / 政府工作报告: the name again


# who issues a document, alone on the line above its subject: 大河乡人民政府 / 关于…的报告
ISSUER = re.compile(r"(?:人民政府|政府|党委|党工委|委员会|办公室|办事处|人大主席团|主席团|公所)$")
ABOUT = re.compile(r"^关于")


def _issuer_and_subject(first: str, second: str) -> bool:
    """An official title written over two lines, the issuer above the subject:
    ``大河乡人民政府`` / ``关于法治政府建设的情况报告``: the first line ends with an issuing
    body, the second opens with 关于 and names a kind of document."""
    return (bool(ISSUER.search(first)) and bool(ABOUT.match(second)) and bool(DOCUMENT_END.search(second))
            and not HARD_PUNCT.search(second) and len(first) + len(second) <= 2 * MAX_HEADING)


# a place's name alone on a line, read in simplified characters: 青禾镇, 某某县, 某某街道
PLACE_ALONE = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:镇|乡|街道|苏木|县|旗|区|市)$")
PLACE_INSIDE = re.compile(r"[\u4e00-\u9fff](?:镇|乡|街道|苏木|县|旗)")  # (乡村振兴 after a word too: kept apart)


def _place_and_subject(first: str, second: str) -> bool:
    """A title written over two lines, the place above what it reports: ``青禾镇`` /
    ``2022年工作总结``: the first line is a place's name alone, the second names a kind of
    document (:data:`DOCUMENT_END`), no sentence, unnumbered, and names no place of its own
    (the first line would be a page's place above a title complete in itself)."""
    plain = chrome.simplified(second)
    return (bool(PLACE_ALONE.match(chrome.simplified(first))) and bool(DOCUMENT_END.search(plain))
            and not HARD_PUNCT.search(second) and not is_numbered(second) and len(first) + len(second) <= MAX_HEADING
            and not PLACE_INSIDE.search(plain))


def parse(text: str, analyzer: Analyzer, boilerplate: Iterable[str] = frozenset()) -> Structure:
    """Title, subtitle and passages of one report. ``boilerplate``: lines
    repeated across the corpus (see :func:`boilerplate_lines`); they are never headings."""
    chrome_lines: list[str] = []
    units = _split_lines(text, chrome_lines)
    units = _rejoin_title(_split_run_in(_join_session_lines(_join_pdf_chunks(units))), analyzer)
    fragmented = _fragmented(units)
    markdown = _classify(units, frozenset(boilerplate), analyzer)
    units = _split_trailing_bylines(units)
    title_lines = _title_block(units, markdown, analyzer)
    units = [u for u in units if u.kind != "title"]
    units = _join_broken_paragraphs(_glue(units), analyzer, fragmented)

    blocks: list[tuple[str, tuple[str, ...], str]] = [("title", (), line) for line in title_lines]
    path: list[tuple[int, str]] = []
    for unit in units:
        if unit.kind == "heading":
            while path and path[-1][0] >= unit.level:
                path.pop()
            blocks.append(("heading", tuple(h for _, h in path), unit.text))
            path.append((unit.level, unit.text))
        else:
            if unit.inline:
                while path and path[-1][0] >= unit.level:
                    path.pop()
                path.append((unit.level, unit.inline))
            blocks.append((unit.kind, tuple(h for _, h in path), unit.text))
    title = title_lines[0] if title_lines else ""
    subtitle = " ".join(title_lines[1:])
    return Structure(title, subtitle, blocks, chrome_lines)
