"""Word, PDF, web pages and Word 97/WPS files, through the public API: every format
reaches the same structure rules, and a broken file of each kind is skipped with a reason."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import formatfixtures as fx
from conftest import all_hits, write_corpus
from govsearch.cli import main
from index import build
from index.reading.formats.ocr import OcrOptions
from search.engine import Searcher

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
CJK_SPACE = re.compile(r"[\u4e00-\u9fff，。、“”] +[\u4e00-\u9fff，。、“”]")


def passages(searcher: Searcher, source: str) -> list[dict]:
    doc = next(d for d in searcher.documents() if d["source"] == source)
    return searcher.document(doc["doc_id"])["passages"]


def document(searcher: Searcher, source: str) -> dict:
    doc = next(d for d in searcher.documents() if d["source"] == source)
    return searcher.document(doc["doc_id"])


def only_hit(searcher: Searcher, query: str):
    """The one passage holding ``query`` (a one-term query's partial matches, passages
    holding only some of its words, left aside)."""
    res = searcher.search(query)
    full = [h for h in res.hits if h.match != "partial"]
    assert len(full) == res.total - res.total_partial == 1, (query, [h.passage for h in full])
    return full[0]


# --------------------------------------------------------------------------- docx

@pytest.fixture
def docx_index(make_index):
    return make_index({"report.docx": fx.make_docx()})


def test_docx_heading_styles_and_outline_levels_become_sections(docx_index):
    doc = document(docx_index, "report.docx")
    headings = [p["text"] for p in doc["passages"] if p["kind"] == "heading"]
    # Heading 1/2 styles, a custom style with an outline level, a style inheriting it,
    # and a paragraph with a direct outline level
    assert headings == ["一、聚焦党建引领", "（一）五星支部创建", "二、推进项目建设", "三、改善人居环境", "四、下一步工作打算"]
    assert doc["title"] == "大隗镇2022年度工作总结（定稿）"  # the core property
    assert only_hit(docx_index, "基层战斗堡垒").section == "一、聚焦党建引领 > （一）五星支部创建"
    assert only_hit(docx_index, "帮助企业解决问题").section == "二、推进项目建设"
    assert only_hit(docx_index, "村庄清洁行动").section == "三、改善人居环境"
    assert only_hit(docx_index, "乡村振兴取得新成效").section == "四、下一步工作打算"


def test_docx_lists_and_tables_are_kept_as_text(docx_index):
    texts = [p["text"] for p in passages(docx_index, "report.docx")]
    assert "1.签约项目8个，总投资21亿元。" in texts
    assert "2.新开工项目5个，完成投资3.4亿元。" in texts
    # a row a line, cells separated by ｜; no row is ever taken for a heading
    rows = [p for p in passages(docx_index, "report.docx") if "｜" in p["text"]]
    assert [p["text"] for p in rows] == ["项目｜单位｜完成量；", "道路硬化｜公里｜3.2；", "新建公厕｜座｜6；"]
    assert {p["kind"] for p in rows} == {"body"} and {p["section"] for p in rows} == {"三、改善人居环境"}


def test_docx_headers_footers_and_footnotes_stay_out_of_the_body(docx_index, tmp_path):
    data = fx.make_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the file does carry them
        parts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    assert any(fx.HEADER in x for n, x in parts.items() if "header" in n)
    assert any(fx.FOOTER in x for n, x in parts.items() if "footer" in n)
    assert fx.FOOTNOTE in parts["word/footnotes.xml"]
    for text in (fx.HEADER, fx.FOOTER, fx.FOOTNOTE):
        assert docx_index.search(text).total == 0, text


def test_docx_properties_are_hints_and_a_sidecar_overrides_them(make_index):
    searcher = make_index({
        "a.docx": fx.make_docx(),
        "b.docx": fx.make_docx(title_property="大隗镇年度总结"),
        "metadata.tsv": "file\ttitle\tyear\nb.docx\t大隗镇2022年工作总结（表格标题）\t2021\n",
    })
    a, b = document(searcher, "a.docx"), document(searcher, "b.docx")
    assert (a["title"], a["year"], a["town"]) == ("大隗镇2022年度工作总结（定稿）", 2022, "大隗镇")
    assert (b["title"], b["year"]) == ("大隗镇2022年工作总结（表格标题）", 2021)


def test_docx_creation_year_is_used_only_when_the_text_names_none(make_index):
    import docx

    def make(created, with_year):
        d = docx.Document()
        d.core_properties.created = created
        d.add_paragraph("来集镇工作总结")
        d.add_paragraph("来集镇持续深化“万人助万企”活动，" + ("2020年完成投资3亿元。" if with_year else "完成投资3亿元。"))
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    searcher = make_index({"none.docx": make(dt.datetime(2021, 3, 1), False),
                           "some.docx": make(dt.datetime(2021, 3, 1), True)})
    assert document(searcher, "none.docx")["year"] == 2021
    assert document(searcher, "some.docx")["year"] == 2020


def test_docx_opening_with_a_numbered_heading_keeps_it_as_a_section(make_index):
    import docx

    def make(title):
        d = docx.Document()
        d.core_properties.title = title
        d.add_heading("一、聚焦党建引领", 1)
        d.add_paragraph(fx.BODY_1)
        d.add_heading("二、推进项目建设", 1)
        d.add_paragraph(fx.BODY_2)
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    searcher = make_index({"a.docx": make("大隗镇2022年工作总结"), "b.docx": make("")})
    a = document(searcher, "a.docx")
    assert a["title"] == "大隗镇2022年工作总结"
    assert [p["text"] for p in a["passages"] if p["kind"] == "heading"] == ["一、聚焦党建引领", "二、推进项目建设"]
    sections = {h.doc_id: h.section for h in all_hits(searcher, "基层战斗堡垒")}
    assert sections[a["doc_id"]] == "一、聚焦党建引领"


def test_docx_without_heading_styles_goes_through_the_text_rules(make_index):
    searcher = make_index({"plain.docx": fx.make_docx(styled=False)})
    assert only_hit(searcher, "基层战斗堡垒").section == "一、聚焦党建引领 > （一）五星支部创建"
    assert only_hit(searcher, "村庄清洁行动").section == "三、改善人居环境"


def test_docx_photo_caption_reads_as_a_caption(make_index):
    searcher = make_index({"news.docx": fx.make_photo_docx()})
    kinds = {p["text"]: p["kind"] for p in passages(searcher, "news.docx")}
    assert kinds["推进会现场"] == "caption"
    assert kinds["会议要求，各村要对标对表，确保年底前全部达到三星以上标准。"] == "body"


def test_broken_docx_is_skipped_with_a_reason(tmp_path):
    good = fx.make_docx()
    corpus = write_corpus(tmp_path / "c", {"good.docx": good, "truncated.docx": good[: len(good) // 2],
                                           "fake.docx": b"PK\x03\x04 this is no zip",
                                           "~$good.docx": b"\x0cAdministrator" + b"\x00" * 40})
    report = build(corpus, tmp_path / "i")
    assert report.indexed == ["good.docx"]
    reasons = dict(report.skipped)
    assert set(reasons) == {"truncated.docx", "fake.docx", "~$good.docx"}
    assert "not a valid .docx" in reasons["truncated.docx"] and "not a valid .docx" in reasons["fake.docx"]
    assert "lock file" in reasons["~$good.docx"]


# --------------------------------------------------------------------------- pdf

@pytest.fixture(scope="session")
def pdfs(tmp_path_factory):
    """Reports printed by Debian's Chromium (playwright drives it; nothing is downloaded)."""
    chromium = fx.chromium_available()
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): PDF fixtures cannot be printed")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    folder = tmp_path_factory.mktemp("pdfs")
    done = subprocess.run([sys.executable, str(Path(fx.__file__)), str(folder)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    report, dashes, slash, scanned, columns = (
        (folder / f"{name}.pdf").read_bytes() for name in ("report", "dashes", "slash", "scanned", "columns"))
    return {"report": report, "dashes": dashes, "slash": slash, "scanned": scanned, "columns": columns,
            "encrypted": fx.encrypted_pdf(report), "restricted": fx.encrypted_pdf(report, "", "AES-128")}


def raw_pages(data: bytes) -> list[list[str]]:
    """The lines pdfminer reads on each page, without our processing (NFKC only repairs
    the Kangxi radicals Chromium writes for some ideographs)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    pages = []
    for page in extract_pages(io.BytesIO(data)):
        lines = []
        for box in page:
            if isinstance(box, LTTextContainer):
                lines += [unicodedata.normalize("NFKC", ln.get_text()).strip().replace(" ", "") for ln in box]
        pages.append([ln for ln in lines if ln])
    return pages


def source_text() -> str:
    return unicodedata.normalize("NFKC", re.sub(r"<[^>]+>", "", fx.report_html())).replace(" ", "")


def test_pdf_phrases_across_line_wraps_and_a_page_break_are_found(make_index, pdfs):
    pages = raw_pages(pdfs["report"])
    assert len(pages) >= 2
    src = source_text()
    body1 = [ln for ln in pages[0] if len(ln) > 15 and ln in src]
    body2 = [ln for ln in pages[1] if len(ln) > 15 and ln in src]
    across_page = body1[-1][-5:] + body2[0][:5]
    across_line = body1[2][-5:] + body1[3][:5]
    for phrase in (across_page, across_line):
        assert src.count(phrase) == 1  # contiguous in the source …
        assert not any(phrase in ln for page in pages for ln in page)  # … but cut by the layout
    searcher = make_index({"report.pdf": pdfs["report"]})
    for phrase in (across_page, across_line):
        hits = all_hits(searcher, f'"{phrase}"')
        assert hits, phrase
        assert all(h.section == "一、聚焦党建引领" for h in hits)
    # the paragraph that runs over the page break is one passage
    page_break = [p for p in passages(searcher, "report.pdf") if across_page in p["text"]]
    assert len(page_break) == 1 and page_break[0]["text"].endswith("村庄清洁行动常态化开展。")


def test_pdf_running_headers_footers_and_page_numbers_are_removed(make_index, pdfs):
    for key, header in (("report", "大隗镇党委政府文件"), ("dashes", "来集镇党政办公室印")):
        pages = raw_pages(pdfs[key])
        assert all(header in page for page in pages)  # printed on every page
    assert any(re.fullmatch(r"第\d+[页⻚]共\d+[页⻚]", ln) for ln in raw_pages(pdfs["report"])[0])
    assert any(re.fullmatch(r"-\d+-", ln) for ln in raw_pages(pdfs["dashes"])[0])
    assert any(re.fullmatch(r"\d+/\d+", ln) for ln in raw_pages(pdfs["slash"])[0])
    searcher = make_index({"a.pdf": pdfs["report"], "b.pdf": pdfs["dashes"], "c.pdf": pdfs["slash"]})
    for source in ("a.pdf", "b.pdf", "c.pdf"):
        texts = [p["text"] for p in passages(searcher, source)]
        assert len(texts) >= 5
        for text in texts:
            assert "大隗镇党委政府文件" not in text and "党政办公室印" not in text
            assert not re.fullmatch(r"[-\s\d/第页共]+", text), text
            assert not re.search(r"第\d+页|- \d+ -|^\d+/\d+$", text), text
            assert not CJK_SPACE.search(text), text  # no stray spaces inside Chinese text
    mixed = all_hits(searcher, "ABC Company")
    assert len(mixed) == 3 and all("including ABC Company 2023 plan" in h.passage for h in mixed)


def test_pdf_headings_metadata_hints_and_sidecar(make_index, pdfs):
    searcher = make_index({
        "a.pdf": pdfs["report"], "b.pdf": pdfs["dashes"],
        "metadata.tsv": "file\ttitle\ttown\nb.pdf\t来集镇年度工作总结（修订）\t来集镇\n",
    })
    a, b = document(searcher, "a.pdf"), document(searcher, "b.pdf")
    assert (a["title"], a["year"], a["town"], a["encoding"]) == ("大隗镇2022年工作总结（印发稿）", 2022, "大隗镇", "pdf")
    assert (b["title"], b["year"]) == ("来集镇年度工作总结（修订）", 2021)
    headings = [p["text"] for p in a["passages"] if p["kind"] == "heading"]
    assert headings == ["一、聚焦党建引领", "二、推进项目建设"]
    hit = all_hits(searcher, "万人助万企", town="大隗镇")
    assert [h.section for h in hit] == ["二、推进项目建设"]


def test_pdf_in_two_columns_is_read_column_by_column(make_index, pdfs):
    pages = raw_pages(pdfs["columns"])
    assert len(pages) >= 2
    searcher = make_index({"bulletin.pdf": pdfs["columns"]})
    texts = [p["text"] for p in passages(searcher, "bulletin.pdf")]
    # each paragraph whole, in order, across the column break and the page break
    assert texts == ["大隗镇工作简报", *fx.COLUMN_PARAGRAPHS]


def test_broken_pdfs_are_skipped_with_reasons(tmp_path, pdfs):
    good = pdfs["report"]
    corpus = write_corpus(tmp_path / "c", {
        "good.pdf": good, "restricted.pdf": pdfs["restricted"],
        "scanned.pdf": pdfs["scanned"], "encrypted.pdf": pdfs["encrypted"],
        "truncated.pdf": good[: len(good) // 2], "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
    })
    report = build(corpus, tmp_path / "i", ocr=OcrOptions(enabled=False))  # scans by OCR: tests/test_ocr.py
    assert report.indexed == ["good.pdf", "restricted.pdf"]  # a copy-protected PDF opens without a password
    reasons = dict(report.skipped)
    assert set(reasons) == {"scanned.pdf", "encrypted.pdf", "truncated.pdf", "garbage.pdf"}, reasons
    assert "no text layer" in reasons["scanned.pdf"]
    assert "encrypted" in reasons["encrypted.pdf"] and "password" in reasons["encrypted.pdf"]
    assert "truncated" in reasons["truncated.pdf"]
    assert "corrupt" in reasons["garbage.pdf"]
    assert report.failed == []


def test_pdf_printed_by_libreoffice(make_index):
    """A second layout engine: Writer's PDF export of a Word report (a header part, a
    ``- PAGE -`` footer field, justified paragraphs with first-line indents)."""
    data = (FIXTURES / "report-libreoffice.pdf").read_bytes()
    pages = raw_pages(data)
    assert len(pages) >= 2 and all(fx.HEADER in page for page in pages)
    src = unicodedata.normalize("NFKC", "\n".join(
        fx.varied_paragraph(i * 2 + j, 9) for i in range(6) for j in range(2)))
    searcher = make_index({"lo.pdf": data})
    doc = document(searcher, "lo.pdf")
    assert doc["title"] == "曲梁镇2021年工作总结" and doc["year"] == 2021
    headings = [p["text"] for p in doc["passages"] if p["kind"] == "heading"]
    assert headings == [f"{n}、第{n}方面工作" for n in "一二三四五六"]
    texts = [unicodedata.normalize("NFKC", p["text"]) for p in doc["passages"]]
    breaks = set()
    for before, after in zip(pages, pages[1:]):
        last = [ln for ln in before if len(ln) > 15 and ln in src][-1]
        first = [ln for ln in after if len(ln) > 15 and ln in src][0]
        # a number cut at either end would not match (digits match at number boundaries)
        phrase = re.sub(r"^[0-9A-Za-z]+|[0-9A-Za-z]+$", "", last[-8:] + first[:8])
        if phrase in src:  # a paragraph runs over this page break: found as one phrase
            breaks.add("inside a paragraph")
            assert src.count(phrase) == 1 and all_hits(searcher, f'"{phrase}"')
        else:  # the page ends a paragraph: the next page's paragraph is not glued to it
            breaks.add("between paragraphs")
            assert any(t.endswith(last[-8:]) for t in texts) and any(t.startswith(first[:8]) for t in texts)
    assert breaks == {"inside a paragraph", "between paragraphs"}
    for p in doc["passages"]:
        assert fx.HEADER not in p["text"] and not re.fullmatch(r"-\s*\d+\s*-", p["text"])
        assert not CJK_SPACE.search(p["text"]), p["text"]
    bodies = [p for p in doc["passages"] if p["kind"] == "body"]
    assert len(bodies) == 13  # the opening paragraph and two under each heading, none cut or run together
    assert all(p["text"].endswith("。") for p in bodies)


# --------------------------------------------------------------------------- html

def test_html_article_body_only_with_headings_and_caption(make_index):
    searcher = make_index({"page.html": fx.gov_page()})
    doc = document(searcher, "page.html")
    assert doc["title"] == "大隗镇2022年工作总结"
    assert [p["text"] for p in doc["passages"] if p["kind"] == "heading"] == \
        ["一、聚焦党建引领", "二、推进项目建设", "三、改善人居环境"]
    assert only_hit(searcher, "基层战斗堡垒").section == "一、聚焦党建引领"
    assert only_hit(searcher, "道路硬化｜公里").section == "二、推进项目建设"
    caption = only_hit(searcher, "创建观摩现场")
    assert caption.kind == "caption"
    # navigation, breadcrumb, info bar, share and print buttons, related links, footer, scripts
    for text in ("政务服务", "当前位置", "浏览次数", "分享到", "打印本页", "关闭窗口", "相关新闻", "上一篇", "牛店镇",
                 "超化镇", "主办单位", "豫ICP备", "网站统计代码", "请输入关键词"):
        assert searcher.search(text).total == 0, text
    assert fx.gov_page().count("超化镇") == 1  # present on the page, only in a related link


def test_html_meta_tags_are_hints_and_a_sidecar_overrides_them(make_index):
    searcher = make_index({
        "a.html": fx.gov_page(),
        "b.htm": fx.gov_page(title="大隗镇年度工作总结"),
        "c.html": fx.gov_page(title="大隗镇年度工作总结"),
        "metadata.tsv": "file\ttitle\tyear\nc.html\t大隗镇工作总结（网站版）\t2020\n",
    })
    a, b, c = (document(searcher, s) for s in ("a.html", "b.htm", "c.html"))
    assert (a["title"], a["year"]) == ("大隗镇2022年工作总结", 2022)  # the year in the title wins over PubDate
    assert (b["title"], b["year"]) == ("大隗镇年度工作总结", 2023)  # PubDate 2023-01-10
    assert (c["title"], c["year"]) == ("大隗镇工作总结（网站版）", 2020)


def test_html_charsets_declared_wrong_or_gbk(make_index):
    searcher = make_index({
        "gbk.html": fx.gov_page(charset="gb2312").encode("gbk"),
        "lying-utf8.html": fx.gov_page(charset="utf-8").encode("gbk"),
        "lying-gbk.html": fx.gov_page(charset="gbk").encode("utf-8"),
    })
    encodings = {d["source"]: searcher.document(d["doc_id"])["encoding"] for d in searcher.documents()}
    assert encodings == {"gbk.html": "gb18030", "lying-utf8.html": "gb18030 (declared utf-8)",
                         "lying-gbk.html": "utf-8 (declared gbk)"}
    assert searcher.search("基层战斗堡垒").total == 3
    assert searcher.search("分享到").total == 0


def test_html_without_known_containers_is_read_by_text_density(make_index):
    searcher = make_index({"page.html": fx.plain_page()})
    doc = document(searcher, "page.html")
    assert doc["title"] == "曲梁镇2021年工作总结"
    assert searcher.search("基层战斗堡垒").total == 1
    assert searcher.search("村庄清洁行动").total == 1
    for text in ("栏目链接", "版权所有", "网站地图"):
        assert searcher.search(text).total == 0, text


def test_html_with_a_wrong_charset_and_unreadable_bytes_is_skipped(tmp_path):
    body = "".join(chr(c) for c in range(0x4e00, 0x4e40)).encode("gbk")
    junk = bytes(b for pair in zip(body, b"\xff" * len(body)) for b in pair)  # no charset reads this
    page = b"<html><head><meta charset='utf-8'><title>x</title></head><body><p>" + junk * 8 + b"</p></body></html>"
    corpus = write_corpus(tmp_path / "c", {"good.html": fx.gov_page(), "bad.html": page,
                                           "empty.html": "<html><body><div class='nav'><a href='/'>首页</a></div></body></html>"})
    report = build(corpus, tmp_path / "i")
    assert report.indexed == ["good.html"]
    reasons = dict(report.skipped)
    assert "wrong charset" in reasons["bad.html"] and "utf-8" in reasons["bad.html"]
    assert "no article text" in reasons["empty.html"]


# --------------------------------------------------------------------------- doc / wps

def _available_converters():
    from index.reading.formats import legacy

    return legacy.converters()


@pytest.mark.parametrize("converter", ["soffice", "antiword"])
def test_doc_and_wps_through_a_converter(make_index, monkeypatch, converter):
    monkeypatch.setenv("GOVSEARCH_DOC_CONVERTER", converter)
    if converter not in _available_converters():
        how = {"antiword": "python3 dev.py setup as root installs it",
               "soffice": "LibreOffice: apt-get install libreoffice-writer-nogui"}[converter]
        pytest.skip(f"{converter} is not installed ({how})")
    data = (FIXTURES / "report.doc").read_bytes()
    searcher = make_index({"report.doc": data, "report.wps": data})
    for source in ("report.doc", "report.wps"):
        doc = document(searcher, source)
        assert doc["title"] == "大隗镇2022年工作总结" and doc["year"] == 2022
        headings = [p["text"] for p in doc["passages"] if p["kind"] == "heading"]
        assert headings[:2] == ["一、聚焦党建引领", "（一）五星支部创建"]
    hits = all_hits(searcher, "基层战斗堡垒")
    assert len(hits) == 2 and {h.section for h in hits} == {"一、聚焦党建引领 > （一）五星支部创建"}
    assert all(searcher.search(t).total == 0 for t in (fx.HEADER, fx.FOOTER, fx.FOOTNOTE))
    assert len([h for h in all_hits(searcher, "道路硬化｜公里") if h.match != "partial"]) == 2


def test_doc_without_a_converter_is_skipped_with_how_to_convert(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSEARCH_DOC_CONVERTER", "none")
    corpus = write_corpus(tmp_path / "c", {"a.txt": "来集镇工作总结\n\n来集镇持续深化“万人助万企”。\n",
                                           "old.doc": (FIXTURES / "report.doc").read_bytes(),
                                           "renamed.doc": fx.make_docx()})
    report = build(corpus, tmp_path / "i")
    reasons = dict(report.skipped)
    assert "soffice --headless --convert-to docx" in reasons["old.doc"]
    assert "rename it to .docx" in reasons["renamed.doc"]


# --------------------------------------------------------------------------- the mixed folder

def test_mixed_folder_builds_and_the_summary_names_every_skipped_file(tmp_path, pdfs, monkeypatch):
    monkeypatch.setenv("GOVSEARCH_DOC_CONVERTER", "none")
    monkeypatch.setenv("GOVSEARCH_OCR", "0")  # the scan is skipped as before (read by OCR: tests/test_ocr.py)
    good_docx = fx.make_docx()
    corpus = write_corpus(tmp_path / "corpus", {
        "notes.txt": "来集镇工作总结\n\n来集镇持续深化“万人助万企”活动，服务企业120家。\n",
        "plan.md": "# 超化镇2023年工作计划\n\n## 重点项目\n\n超化镇谋划实施人居环境提升工程。\n",
        "word/report.docx": good_docx,
        "pdf/report.pdf": pdfs["report"],
        "web/page.html": fx.gov_page(charset="gb2312").encode("gbk"),
        "broken/empty.txt": b"",
        "broken/truncated.docx": good_docx[: len(good_docx) // 3],
        "broken/corrupt.pdf": pdfs["report"][: len(pdfs["report"]) // 2],
        "broken/locked.pdf": pdfs["encrypted"],
        "broken/scan.pdf": pdfs["scanned"],
        "broken/wrong-charset.html": b"<meta charset='utf-8'><p>" + bytes([0xFF, 0xB4, 0xFF, 0xF3]) * 300 + b"</p>",
        "broken/old.doc": (FIXTURES / "report.doc").read_bytes(),
    })
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert "indexed 5 / skipped 7 / failed 0" in result.output, result.output
    expected = {
        "broken/empty.txt": "empty", "broken/truncated.docx": "not a valid .docx",
        "broken/corrupt.pdf": "truncated", "broken/locked.pdf": "encrypted", "broken/scan.pdf": "no text layer",
        "broken/wrong-charset.html": "wrong charset", "broken/old.doc": "convert-to docx",
    }
    lines = result.output.splitlines()
    for name, why in expected.items():
        assert any(name in line and why in line for line in lines), (name, result.output)
    searcher = Searcher(tmp_path / "index")
    assert {d["source"] for d in searcher.documents()} == {
        "notes.txt", "plan.md", "word/report.docx", "pdf/report.pdf", "web/page.html"}
    assert {h.doc_id for h in all_hits(searcher, "万人助万企")} == {
        d["doc_id"] for d in searcher.documents() if d["source"] != "plan.md"}


def test_each_format_module_reads_the_suffixes_the_package_lists_and_is_imported_for_its_files(tmp_path):
    """``index.reading.formats.FORMATS`` is the one list of suffixes (a walk of the corpus
    imports no extractor); each module's ``SUFFIXES`` is its entry, and reading a file of
    a format imports that format's module."""
    import importlib

    from index.reading import formats

    for name, suffixes in formats.FORMATS.items():
        assert importlib.import_module(f"index.reading.formats.{name}").SUFFIXES == suffixes
    assert formats.SUFFIXES == tuple(s for suffixes in formats.FORMATS.values() for s in suffixes)
    (tmp_path / "a.txt").write_text("某镇工作总结\n\n正文。\n", encoding="utf-8")
    code = ("import sys; from pathlib import Path; from index.reading.ingest import walk_tree, extract_source; "
            f"w = walk_tree(Path({str(tmp_path)!r})); "
            "others = ['pdf', 'docx', 'html', 'legacy', 'image']; "
            "assert not [n for n in others if 'index.reading.formats.' + n in sys.modules]; "
            "print(extract_source(w.files[0]).text.splitlines()[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "某镇工作总结", done.stderr
