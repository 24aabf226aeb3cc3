"""Web pages saved from a government website (``.html``, ``.htm``), read with lxml.

The charset is the one the bytes prove: a byte-order mark, else UTF-8 when the bytes
are valid UTF-8, else the charset the page declares (``<meta charset>``,
``http-equiv``), else GB18030 or the best guess of charset-normalizer; a page whose
bytes give readable text in none of them is skipped with the reason.

The article body is found from evidence: the content containers of the common
government CMSs (TRS ``TRS_Editor``/``TRS_UEDITOR``, ``zoom``, ``UCAP-CONTENT``,
``article``…) when they hold the text, otherwise the element the paragraphs' text
concentrates in (text length, discounted by the share of link text). Navigation,
scripts, styles, forms, share/print buttons and footers are dropped. ``<h1>``–``<h4>``
become headings, tables one line per row. ``<title>`` and the CMS meta tags
(``ArticleTitle``, ``PubDate``, ``ContentSource``, ``description``) give hints.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from index.reading.formats import FORMATS
from index.reading.formats.base import (
    HEADING,
    PARAGRAPH,
    PICTURE,
    Extracted,
    SkipFile,
    clean_line,
    iso_date,
    render,
    table_text,
    useful_title,
)
from index.reading.formats.text import looks_wrong_cjk

SUFFIXES = FORMATS["html"]
MAX_CELL = 150  # a table whose cells hold more, or hold paragraphs, lays out the page: it is no data table
MIN_BODY_CHARS = 20
LINK_LABEL = 6  # characters of plain text a list of links may carry (上一篇：, 相关链接：)

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""", re.I)
# class/id names of the body container in common Chinese government CMSs, best first
CONTAINERS = (
    "trs_editor", "trs_ueditor", "ucap-content", "zoom", "fontzoom", "article-content", "article_content",
    "articlecontent", "art_con", "artibody", "pages_content", "pages-content", "news_content", "news-content",
    "newscontent", "detail-content", "detail_content", "xxgk_content", "con_text", "contxt", "content_text",
    "main-text", "maintext", "bt_content", "view",
)
GENERIC_CONTAINERS = ("article", "content", "main-content", "text", "detail", "con", "wrapper-content")
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form",
             "button", "input", "select", "textarea", "nav", "aside", "link", "meta", "head", "map", "audio", "video")
JUNK_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|crumbs?|position|location|dqwz|share|bdshare|jiathis|"
    r"toolbar|tools|print|close|sidebar|side|related|xgwz|comment|copyright|footer|foot|bottom|banner|"
    r"search|login|qrcode|ewm|erweima|weixin|wechat|fontsize|font-size|fenxiang|pager|page-nav|prev-next|"
    r"ggfw|header|top|head)(?:$|[\s_-])", re.I)
JUNK_TEXT = re.compile(
    r"^(?:[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部|返回|分享到|分享|扫一扫在手机打开当前页|"
    r"字体|字号|大|中|小|默认|纠错|上一篇|下一篇)\s*[】\]]?[:：\s|｜]*)+$")
BLOCK_TAGS = {"p", "div", "section", "article", "main", "blockquote", "pre", "li", "ul", "ol", "dl", "dt", "dd",
              "table", "tr", "center", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "figure",
              "figcaption", "address", "hr", "tbody", "thead", "tfoot"}
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}


def extract(data: bytes, path: Path) -> Extracted:
    import lxml.html

    text, encoding = decode_page(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml ParserError on an empty or markup-less document
        raise SkipFile(f"not a readable web page ({type(exc).__name__}: {exc})") from None
    hints = _meta_hints(root)
    for el in list(root.iter(*DROP_TAGS)):
        if el.getparent() is not None and el.tag != "head":
            el.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    container = choose_container(body)
    if container is None:
        raise SkipFile("no article text found in the web page")
    title = hints.get("title")
    if not title:
        h1 = next((clean_line(h.text_content()) for h in body.iter("h1") if clean_line(h.text_content())), None)
        title = useful_title(h1)
        if title:
            hints["title"] = title
    _drop_junk(container)
    blocks = _blocks(container)
    if title:
        # the page's own heading sits above the body container in most CMS templates;
        # when the container repeats it, it is kept once
        first = next((i for i, b in enumerate(blocks) if b[0] != PICTURE), None)
        if first is not None and _same(blocks[first][2], title):
            del blocks[first]
        blocks.insert(0, (PARAGRAPH, 0, title))
    if sum(len(t) for k, _, t in blocks if k != PICTURE) < MIN_BODY_CHARS:
        raise SkipFile("no article text found in the web page")
    return Extracted(render(blocks), encoding, "html", hints)


# --------------------------------------------------------------------------- charset

def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes) else name).name
    except LookupError:
        return None
    return "gb18030" if canonical in ("gbk", "gb2312", "hz", "gb18030") else canonical


def decode_page(data: bytes) -> tuple[str, str]:
    """``(text, charset)``; the charset label says when the declared one was wrong."""
    if not data.strip():
        raise SkipFile("empty file")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise SkipFile(f"starts with a {name} byte-order mark but does not decode as {name}") from None
    head = data[:4096]
    m = _DECLARED.search(head) or _XML_DECL.search(head)
    declared_label = m.group(1).decode("ascii", "ignore").lower() if m else None
    declared = _codec(declared_label)

    def label(actual: str) -> str:
        return actual if declared in (None, actual) or (declared == "ascii" and actual == "utf-8") else \
            f"{actual} (declared {declared_label})"

    try:
        return data.decode("utf-8"), label("utf-8")
    except UnicodeDecodeError:
        pass
    tried = []
    for name in dict.fromkeys(n for n in (declared, "gb18030") if n and n not in ("utf-8", "ascii")):
        tried.append(name)
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not looks_wrong_cjk(_visible(text)):
            return text, label(name)
    # a few broken bytes in an otherwise good page (common on old CMS pages)
    for name in tried:
        text = data.decode(name, errors="replace")
        if text.count("\ufffd") <= max(2, len(text) // 500) and not looks_wrong_cjk(_visible(text)):
            return text, label(name) + " with invalid bytes replaced"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and not looks_wrong_cjk(_visible(str(best))):
        return str(best), label(best.encoding)
    what = f"declares charset {declared_label}, but its bytes are not {declared_label}" if declared_label else \
        "declares no charset"
    raise SkipFile(f"wrong charset: the page {what}, and neither UTF-8 nor GB18030 nor any detected charset "
                   "gives readable text")


def _visible(text: str) -> str:
    return re.sub(r"<[^>]*>|\s+", "", text)


# --------------------------------------------------------------------------- hints

def _meta_hints(root) -> dict[str, str]:
    metas: dict[str, str] = {}
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").strip().lower()
        content = " ".join((m.get("content") or "").split())
        if name and content and name not in metas:
            metas[name] = content
    hints: dict[str, str] = {}
    title = useful_title(metas.get("articletitle") or metas.get("og:title"))
    if not title:
        el = root.find(".//title")
        title = useful_title(_page_title(el.text_content() if el is not None else ""))
    if title:
        hints["title"] = title
    date = iso_date(metas.get("pubdate") or metas.get("publishdate") or metas.get("firstpublishedtime")
                    or metas.get("article:published_time"))
    if date:
        hints["date"] = date
    source = metas.get("contentsource") or metas.get("source")
    if source:
        hints["source"] = source
    description = metas.get("description")
    if description:
        hints["description"] = description
    return hints


def _page_title(text: str) -> str:
    """``大隗镇2022年工作总结_新密市人民政府`` → ``大隗镇2022年工作总结``: the site name after a
    separator is dropped."""
    text = " ".join(text.split())
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||｜| - | — |--|-{2,}|——)\s*", text) if p.strip()]
    return parts[0] if parts else text


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W", "", a) == re.sub(r"\W", "", b)


# --------------------------------------------------------------------------- body

def _names(el) -> list[str]:
    return [n.lower() for n in ((el.get("class") or "").split() + (el.get("id") or "").split())]


def _text_len(el) -> int:
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", el.text_content()))


def _link_len(el) -> int:
    return sum(_text_len(a) for a in el.iter("a"))


def _density_ok(el, length: int) -> bool:
    return length >= MIN_BODY_CHARS and _link_len(el) <= 0.5 * length


def choose_container(body):
    """The element holding the article text."""
    for wanted in (CONTAINERS, GENERIC_CONTAINERS):
        found = []
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            names = _names(el)
            rank = min((wanted.index(n) for n in names if n in wanted), default=None)
            if rank is None and wanted is GENERIC_CONTAINERS and el.tag == "article":
                rank = 0
            if rank is not None:
                length = _text_len(el)
                if _density_ok(el, length):
                    found.append((rank, el))
        if found:
            found.sort(key=lambda r: r[0])
            return found[0][1]
    # no known container: where the paragraphs' text concentrates
    scores: dict = {}
    for el in body.iter("p", "td", "pre", "li", "div", "section", "font", "span"):
        if el.tag in ("div", "section", "span", "font") and any(
                isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el):
            continue
        own = _text_len(el) - _link_len(el)
        if own < 10:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + own
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + own / 2
    if not scores:
        return body if _text_len(body) >= MIN_BODY_CHARS else None
    best = max(scores, key=lambda el: scores[el] * (1 - _link_len(el) / max(1, _text_len(el))))
    return best


def _drop_junk(container) -> None:
    """Share/print bars, breadcrumbs, page footers inside the container: elements so
    named that hold a small part of its text."""
    total = max(1, _text_len(container))
    for el in list(container.iter()):
        if el is container or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        names = " ".join(_names(el))
        if (el.tag in ("header", "footer") or (names and JUNK_NAMES.search(names))) and _text_len(el) < 0.3 * total:
            el.drop_tree()


def _link_block(el) -> bool:
    """A block whose text is nearly all link text, or links behind a short label
    (``上一篇：<a>…</a>``)."""
    links = _link_len(el)
    if not links or any(True for _ in el.iter(*HEADING_TAGS)):
        return False
    total = _text_len(el)
    return links >= 0.8 * total or total - links <= LINK_LABEL


def _data_table(table) -> bool:
    for cell in table.iter("td", "th"):
        if any(True for _ in cell.iter("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4")) or \
                len(cell.text_content().strip()) > MAX_CELL:
            return False
    return True


def _blocks(container) -> list[tuple[str, int, str]]:
    blocks: list[tuple[str, int, str]] = []
    buf: list[str] = []

    def flush():
        text = "".join(buf)
        buf.clear()
        lines = [clean_line(line) for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text and not JUNK_TEXT.match(text.replace("\n", " ")):
            blocks.append((PARAGRAPH, 0, text))

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in HEADING_TAGS:
            flush()
            text = clean_line(el.text_content())
            if text:
                blocks.append((HEADING, HEADING_TAGS[tag], text))
        elif tag == "table" and _data_table(el):
            flush()
            rows = []
            for tr in el.iter("tr"):
                cells = [clean_line(c.text_content()) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
                rows.append([c for c in cells if c])
            text = table_text(rows)
            if text:
                blocks.append((PARAGRAPH, 0, text))
        elif tag == "img":
            if not "".join(buf).strip():
                flush()
                blocks.append((PICTURE, 0, ""))
        elif tag == "br":
            buf.append("\n")
        else:
            block = tag in BLOCK_TAGS
            if block and el is not container and _link_block(el):
                return  # a list of links (上一篇/下一篇, related articles) inside the body
            if block:
                flush()
            if el.text:
                buf.append(re.sub(r"[ \t\r\n]+", " ", el.text))
            for child in el:
                walk(child)
                if child.tail:
                    buf.append(re.sub(r"[ \t\r\n]+", " ", child.tail))
            if block:
                flush()

    walk(container)
    flush()
    # drop a picture block that is not followed by anything
    while blocks and blocks[-1][0] == PICTURE:
        blocks.pop()
    return blocks
