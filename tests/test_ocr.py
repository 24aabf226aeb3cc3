"""Scanned reports read by OCR (index/reading/formats/ocr.py, page_image.py, image.py, the
scanned pages of pdf.py).

The fixtures (tests/fixtures/ocr/, made by make_scans.py from report text written for
them) are a two-page image-only PDF printed with a red-letter head and a seal (the
second page askew and speckled) and a photographed one-page notice in grey. Tesseract
runs once per session, in one build shared by the module (``built``); a second build
with Tesseract off the PATH (``rebuilt``) shows the cache, the progress lines and the
low-confidence pages. Every other test reads their index, their OCR cache or cache
entries of its own, or images made in memory (the preparation steps at their edges).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsearch.cli import main
from index.generation.build import build, update
from index.reading.formats import ocr, page_image
from index.reading.formats.base import SkipFile
from index.reading.formats.ocr import OcrOptions
from search.engine import Searcher

FIXTURES = Path(__file__).parent / "fixtures" / "ocr"
HEADINGS = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
PHRASES = ["地区生产总值18.6亿元", "一般公共预算收入", "高标准农田", "青禾毛尖品牌", "古村落保护修缮工程",
           "乡村卫生室", "家庭医生签约服务", "职业技能培训", "城乡居民基本养老保险", "网格护林员"]

needs_tesseract = pytest.mark.skipif(bool(ocr.missing_tools(pdf=True)),
                                     reason="OCR tools not installed (tesseract-ocr, tesseract-ocr-chi-sim, "
                                            "poppler-utils; python3 dev.py test installs them)")


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "scan.pdf", folder / "scan.pdf")
    shutil.copy(FIXTURES / "photo.png", folder / "photo.png")
    (folder / "typed.txt").write_text("青禾镇2022年工作要点\n\n一、抓好春耕生产\n\n全镇落实春耕备耕各项措施。\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if ocr.missing_tools(pdf=True):
        pytest.skip("OCR tools not installed (tesseract-ocr, tesseract-ocr-chi-sim, poppler-utils)")
    root = tmp_path_factory.mktemp("ocr")
    corpus = _corpus(root / "corpus")
    report = build(corpus, root / "index", workers=2, ocr=OcrOptions(cache_dir=root / "cache"))
    engine = Searcher(root / "index")
    return root, corpus, report, engine


def _body(engine: Searcher, doc_id: str) -> list[dict]:
    return engine.document(doc_id)["passages"]


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _accuracy(engine: Searcher, doc_id: str, truth: str) -> float:
    doc = engine.document(doc_id)
    got = re.sub(r"\s", "", doc["title"] + "".join(p["text"] for p in doc["passages"] if p["kind"] != "title"))
    want = re.sub(r"\s", "", truth)
    return 1 - _distance(got, want) / len(want)


@needs_tesseract
def test_scans_are_indexed_with_their_source_and_confidence(built):
    root, corpus, report, engine = built
    assert sorted(report.indexed) == ["photo.png", "scan.pdf", "typed.txt"], report.skipped
    assert report.ocr_pages == 3 and report.ocr_cached == 0
    docs = {d["source"]: d for d in json.loads(next((root / "index").glob("gen-*/documents.json")).read_text())}
    assert docs["typed.txt"]["text_source"] == "file" and "ocr" not in docs["typed.txt"]
    for name in ("scan.pdf", "photo.png"):
        assert docs[name]["text_source"] == "ocr"
        assert 0 < docs[name]["ocr"]["confidence"] <= 100
    assert docs["scan.pdf"]["ocr"]["pages"] == [1, 2]


@needs_tesseract
def test_at_least_95_percent_of_the_characters_are_recovered(built):
    _, _, _, engine = built
    scan = _accuracy(engine, "scan", (FIXTURES / "scan.truth.txt").read_text(encoding="utf-8"))
    assert scan >= 0.95, scan
    # the photo is grey: its seal is taken out by its grey (page_image.without_second_ink)
    photo = _accuracy(engine, "photo", (FIXTURES / "photo.truth.txt").read_text(encoding="utf-8"))
    assert photo >= 0.95, photo


@needs_tesseract
def test_every_numbered_heading_is_a_heading(built):
    _, _, _, engine = built
    for doc_id in ("scan", "photo"):
        truth = (FIXTURES / f"{doc_id}.truth.txt").read_text(encoding="utf-8").splitlines()
        expected = [line for line in truth if HEADINGS.match(line)]
        headings = [p["text"] for p in _body(engine, doc_id) if p["kind"] == "heading"]
        assert expected and headings == expected, (doc_id, headings)
    sections = {p["section"] for p in _body(engine, "scan")}
    assert "二、民生保障持续加强 > 2.就业社保" in sections, sections


@needs_tesseract
def test_phrases_of_the_source_are_found_by_search(built):
    _, _, _, engine = built
    for phrase in PHRASES:
        results = engine.search(f'"{phrase}"')
        hits = [h for h in results.hits if h.match == "exact"]
        assert hits and hits[0].doc_id in ("scan", "photo"), phrase
        data = hits[0].to_dict()
        assert data["text_source"] == "ocr" and 0 < data["ocr_confidence"] <= 100
    typed = engine.search("春耕").hits[0].to_dict()
    assert typed["text_source"] == "file" and typed["ocr_confidence"] is None


@needs_tesseract
def test_the_red_letter_head_and_the_seal_stay_out_of_the_body(built):
    _, _, _, engine = built
    for doc_id in ("scan", "photo"):  # the scan in colour (red ink), the photo in grey
        text = "\n".join(p["text"] for p in _body(engine, doc_id))
        assert "文件" not in text, text
        assert not re.search(r"\d{4}\D{0,2}1[25]号", text), text
    assert engine.document("scan")["title"] == "青禾镇人民政府2023年工作总结"
    assert engine.document("photo")["title"] == "关于做好2024年春季森林防火工作的通知"


@needs_tesseract
def test_no_spaces_inside_chinese_text_and_full_width_marks(built):
    _, _, _, engine = built
    for doc_id in ("scan", "photo"):
        for p in _body(engine, doc_id):
            assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", p["text"]), p["text"]
            assert not re.search(r"[\u4e00-\u9fff][,;:]|[,;:][\u4e00-\u9fff]", p["text"]), p["text"]
    texts = [p["text"] for p in _body(engine, "scan")]
    # a paragraph printed over three lines (and one over the page break) is one passage again
    assert any(t.startswith("2023年，全镇实现") and t.endswith("工业企业3家。") for t in texts), texts
    assert any(t.startswith("开展职业技能培训") and t.endswith("以上。") for t in texts), texts


@needs_tesseract
def test_an_update_that_reads_a_scan_again_takes_it_from_the_cache(built, monkeypatch):
    root, corpus, _, _ = built
    # the scan's metadata changes (a sidecar), not its file: it is re-analyzed, not re-OCR'd
    (corpus / "metadata.tsv").write_text("file\ttown\nscan.pdf\t青禾镇\n", encoding="utf-8")
    monkeypatch.setenv("PATH", str(root / "no-tools"))
    ocr._languages.cache_clear()
    try:
        updated = update(corpus, root / "index", workers=1, ocr=OcrOptions(cache_dir=root / "cache"))
    finally:
        ocr._languages.cache_clear()
        (corpus / "metadata.tsv").unlink()
    assert updated.indexed == ["scan.pdf"] and updated.ocr_pages == updated.ocr_cached == 2


@pytest.fixture(scope="module")
def rebuilt(built):
    """The corpus built again by the CLI with Tesseract off the PATH (only the cache can
    give the text) and every page counting as low (LOW_PAGE_CONFIDENCE above 100)."""
    root, corpus, _, _ = built
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(root / "no-tools"))
        patch.setattr(ocr, "LOW_PAGE_CONFIDENCE", 101)
        ocr._languages.cache_clear()
        try:
            result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index",
                                               str(root / "cli"), "--ocr-cache", str(root / "cache"),
                                               "--workers", "1"])
        finally:
            ocr._languages.cache_clear()
    assert result.exit_code == 0, result.output
    return result


@needs_tesseract
def test_the_second_build_takes_every_page_from_the_cache(rebuilt):
    assert "indexed 3 / skipped 0 / failed 0" in rebuilt.output, rebuilt.output
    assert "OCR: 3 pages read from scans, 3 of them from the OCR cache" in rebuilt.output


@needs_tesseract
def test_the_cli_shows_ocr_progress_per_page_and_low_confidence_pages(rebuilt):
    for page in (1, 2):
        assert re.search(rf"low OCR confidence: scan.pdf page {page} \(\d+%\)", rebuilt.output), rebuilt.output
        assert f"OCR scan.pdf page {page}/2: confidence" in rebuilt.stderr
    assert "low OCR confidence: photo.png page 1" in rebuilt.output
    assert "OCR photo.png page 1/1: confidence" in rebuilt.stderr and "(from the cache)" in rebuilt.stderr


@needs_tesseract
def test_the_document_page_and_the_result_card_say_ocr(built):
    from web.app import create_app

    root, _, _, _ = built
    client = create_app({"index": str(root / "index"), "TESTING": True}).test_client()
    page = client.get("/?q=网格护林员").get_data(as_text=True)
    assert "OCR 识别（置信度" in page
    typed = client.get("/?q=春耕备耕").get_data(as_text=True)
    assert "春耕备耕" in typed and "OCR 识别" not in typed
    doc = client.get("/docs/photo").get_data(as_text=True)
    assert "文字由 OCR 识别" in doc
    data = client.get("/api/docs/scan").get_json()
    assert data["text_source"] == "ocr" and data["ocr"]["pages"] == [1, 2]
    shown = CliRunner().invoke(main, ["show", "--index", str(root / "index"), "scan"])
    assert "text read by OCR from pages 1, 2 (mean confidence" in shown.output, shown.output


def test_no_ocr_keeps_the_old_skip_reasons(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--no-ocr", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "skipped scan.pdf: no text layer (a scanned PDF: add one with OCR first" in result.stderr
    assert "skipped photo.png: an image (read only by OCR): OCR is off" in result.stderr
    assert not (tmp_path / "i" / "ocr-cache").exists()


def test_the_setting_switches_ocr_off_too(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "corpus")
    monkeypatch.setenv("GOVSEARCH_OCR", "0")
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--json", "--workers", "1"])
    skipped = {s["file"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert skipped["scan.pdf"].startswith("no text layer") and "OCR is off" in skipped["photo.png"]


def test_without_tesseract_scans_are_skipped_naming_the_package(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "corpus")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    ocr._languages.cache_clear()
    try:
        report = build(corpus, tmp_path / "i", workers=1)
    finally:
        ocr._languages.cache_clear()
    skipped = dict(report.skipped)
    assert report.indexed == ["typed.txt"]
    for name in ("scan.pdf", "photo.png"):
        assert "tesseract-ocr" in skipped[name] and "tesseract-ocr-chi-sim" in skipped[name], skipped[name]
    assert skipped["scan.pdf"].startswith("no text layer") and "poppler-utils" in skipped["scan.pdf"]


# --------------------------------------------------------------------------- rules at their edges
# Pages are given through the OCR cache (its entries are what Tesseract's TSV said), so
# these tests need neither Tesseract nor time.


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, format="PNG")
    return buf.getvalue()


def _cache_page(cache: Path, data: bytes, lines: list[tuple[str, float]], page: int = 1, width: int = 1000,
                height: int = 1400, top: int = 100, left: int = 100, line_height: int = 40) -> None:
    """A cache entry for a page of ``lines`` (text, confidence), one word a line."""
    words, boxes = [], []
    for n, (text, conf) in enumerate(lines):
        y = top + n * int(line_height * 1.5)
        words.append([text, left, y, 30 * len(text), line_height, conf, 1, n, 0])
        boxes.append([1, n, 0, left, y, 30 * len(text), line_height])
    key = ocr.page_cache_key(data, page)
    path = cache / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": ocr.CACHE_FORMAT, "width": width, "height": height, "words": words,
                                "lines": boxes}), encoding="utf-8")


def _read_image(tmp_path, data: bytes, name: str = "page.png"):
    from index.reading.formats import extract

    ocr.configure(OcrOptions(cache_dir=tmp_path / "cache"))
    try:
        return extract(Path(name), data)
    finally:
        ocr.configure(None)


def test_an_image_smaller_than_a_page_is_skipped_before_ocr(tmp_path):
    small = _png(ocr.MIN_IMAGE_SIDE - 1, 800)
    with pytest.raises(SkipFile, match="too small to be a scanned page"):
        _read_image(tmp_path, small)
    edge = _png(ocr.MIN_IMAGE_SIDE, 800)
    _cache_page(tmp_path / "cache", edge, [("青禾镇春耕生产工作安排", 90)])
    assert "青禾镇春耕生产工作安排" in _read_image(tmp_path, edge).text


def test_an_image_needs_min_image_chars_to_be_a_report(tmp_path):
    few = _png(600, 800)
    _cache_page(tmp_path / "cache", few, [("九" * (ocr.MIN_IMAGE_CHARS - 1), 90)])
    with pytest.raises(SkipFile, match="no readable text"):
        _read_image(tmp_path, few)
    enough = _png(601, 800)
    _cache_page(tmp_path / "cache", enough, [("九" * ocr.MIN_IMAGE_CHARS, 90)])
    assert _read_image(tmp_path, enough).ocr.characters == ocr.MIN_IMAGE_CHARS


def test_a_line_under_min_line_confidence_is_dropped_and_words_under_min_word_confidence_are_marked(tmp_path):
    data = _png(700, 900)
    _cache_page(tmp_path / "cache", data, [
        ("全镇落实春耕备耕各项措施。", ocr.MIN_LINE_CONFIDENCE),  # kept, and uncertain
        ("青禾镇人民政府印章文字", ocr.MIN_LINE_CONFIDENCE - 0.1),  # seal text: dropped
        ("新建茶叶加工厂两座。", ocr.MIN_WORD_CONFIDENCE),  # kept, certain
        ("改造乡村卫生室八个。", ocr.MIN_WORD_CONFIDENCE - 0.1),  # kept, uncertain
    ])
    extracted = _read_image(tmp_path, data)
    assert "全镇落实春耕备耕各项措施" in extracted.text and "新建茶叶加工厂两座" in extracted.text
    assert "改造乡村卫生室八个" in extracted.text and "印章" not in extracted.text
    uncertain = [word for _, word, _ in extracted.ocr.uncertain]
    assert uncertain == ["全镇落实春耕备耕各项措施。", "改造乡村卫生室八个。"]


def test_a_page_is_low_below_low_page_confidence(tmp_path):
    low = _png(700, 901)
    _cache_page(tmp_path / "cache", low, [("全镇落实春耕备耕各项措施。", ocr.LOW_PAGE_CONFIDENCE - 0.1)])
    edge = _png(700, 902)
    _cache_page(tmp_path / "cache", edge, [("全镇落实春耕备耕各项措施。", ocr.LOW_PAGE_CONFIDENCE)])
    assert _read_image(tmp_path, low).ocr.low_pages() == [(1, ocr.LOW_PAGE_CONFIDENCE - 0.1)]
    assert _read_image(tmp_path, edge).ocr.low_pages() == []


def test_the_red_letter_head_is_dropped_only_above_a_document_number_in_the_first_lines(tmp_path):
    head = [("青禾镇人民政府文件", 90), ("青政〔2023〕12号", 90)]
    body = [("关于春耕生产的通知", 90), ("全镇落实春耕备耕各项措施。", 90)]
    at_edge = _png(700, 903)  # the number on line HEAD_LINES: a head
    _cache_page(tmp_path / "cache", at_edge, [("青禾镇人民政府文件", 90)] + [("一行说明文字", 90)] *
                (ocr.HEAD_LINES - 2) + [("青政〔2023〕12号", 90)] + body)
    text = _read_image(tmp_path, at_edge).text
    assert "文件" not in text and "12号" not in text
    beyond = _png(700, 904)  # one line further down: a number quoted in the text, kept
    _cache_page(tmp_path / "cache", beyond, [("青禾镇人民政府文件", 90)] + [("一行说明文字", 90)] *
                (ocr.HEAD_LINES - 1) + [("青政〔2023〕12号", 90)] + body)
    text = _read_image(tmp_path, beyond).text
    assert "青禾镇人民政府文件" in text and "青政〔2023〕12号" in text
    no_number = _png(700, 905)  # without a document number a line ending in 文件 is a title
    _cache_page(tmp_path / "cache", no_number, [("关于转发省政府文件", 90)] + body)
    assert "关于转发省政府文件" in _read_image(tmp_path, no_number).text
    both = _png(700, 906)
    _cache_page(tmp_path / "cache", both, head + body)
    assert _read_image(tmp_path, both).text.startswith("关于春耕生产的通知")


def test_a_line_size_jump_times_the_usual_height_is_a_bigger_face(tmp_path):
    from index.reading.formats.ocr import OcrInfo, Word, page_lines

    def sizes(factor):
        words = [Word("关于春耕生产的通知", 100, 100, 300, round(40 * factor), 90, (1, 0, 0))]
        boxes = {(1, 0, 0): (100, 100, 300, round(40 * factor))}
        for n in range(1, 4):
            words.append(Word("全镇落实春耕备耕各项措施", 100, 100 + 60 * n + 40, 500, 40, 90, (1, n, 0)))
            boxes[(1, n, 0)] = (100, 100 + 60 * n + 40, 500, 40)
        lines, _ = page_lines(words, boxes, 1000, 1000, 0, OcrInfo())
        return [round(ln.size, 3) for ln in lines]

    usual = round(40 * ocr.PAGE_HEIGHT / 1000, 3)
    assert sizes(ocr.SIZE_JUMP - 0.05) == [usual] * 4  # a skewed long line: as tall, same face
    assert sizes(ocr.SIZE_JUMP)[0] == round(60 * ocr.PAGE_HEIGHT / 1000, 3)


def _pdf(text: str, picture: bool = True) -> bytes:
    """A one-page PDF: ``text`` in Helvetica and, with ``picture``, a grey image."""
    content = (b"q 200 0 0 200 100 500 cm /Im1 Do Q " if picture else b"") + \
        b"BT /F1 12 Tf 72 100 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> "
        b"/XObject << /Im1 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length 4 >>\nstream\n\x00\x80\x80\x00\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_pdf_page_is_ocr_d_when_it_shows_a_picture_and_fewer_than_min_text_chars(tmp_path):
    from index.reading.formats.pdf import MIN_TEXT_CHARS

    scanned = _pdf("A" * (MIN_TEXT_CHARS - 1))  # a scan with a few stray characters (a stamp, a file name)
    _cache_page(tmp_path / "cache", scanned, [("青禾镇春耕生产工作安排", 90)])
    extracted = _read_image(tmp_path, scanned, "scan.pdf")
    assert "青禾镇春耕生产工作安排" in extracted.text and "AAAA" not in extracted.text
    assert extracted.ocr.pages == [(1, 90.0)]
    typed = _pdf("A" * MIN_TEXT_CHARS)  # enough text: its text layer is read, no OCR
    _cache_page(tmp_path / "cache", typed, [("青禾镇春耕生产工作安排", 90)])
    extracted = _read_image(tmp_path, typed, "typed.pdf")
    assert "A" * MIN_TEXT_CHARS in extracted.text and extracted.ocr is None
    blank = _pdf("A" * (MIN_TEXT_CHARS - 1), picture=False)  # no picture: nothing to OCR
    _cache_page(tmp_path / "cache", blank, [("青禾镇春耕生产工作安排", 90)])
    with pytest.raises(SkipFile, match="no text layer"):
        _read_image(tmp_path, blank, "blank.pdf")


def test_ocr_lines_are_rejoined_into_paragraphs_by_the_pdf_rules(tmp_path):
    data = _png(1000, 1400)
    rows = [("2023年全镇实现地区生产总值18.6亿元同比增长6.", 180, 900),  # indented, full
            ("2%，全镇落实春耕备耕各项措施建设农田", 100, 900),  # continues it
            ("一、加强巡查值守", 100, 340),  # full line above, yet numbered: a new block
            ("节假日期间实行二十四小时值班制度发现火", 100, 900),
            ("情立即报告。", 100, 280)]
    words, boxes = [], []
    for n, (text, left, right) in enumerate(rows):
        y = 100 + 60 * n
        words.append([text, left, y, right - left, 40, 90, 1, n, 0])
        boxes.append([1, n, 0, left, y, right - left, 40])
    key = ocr.page_cache_key(data, 1)
    (tmp_path / "cache" / key[:2]).mkdir(parents=True)
    (tmp_path / "cache" / key[:2] / f"{key}.json").write_text(json.dumps(
        {"format": ocr.CACHE_FORMAT, "width": 1000, "height": 1400, "words": words, "lines": boxes}))
    assert _read_image(tmp_path, data).text.split("\n\n") == [
        "2023年全镇实现地区生产总值18.6亿元同比增长6.2%，全镇落实春耕备耕各项措施建设农田",  # no space in 6.2
        "一、加强巡查值守", "节假日期间实行二十四小时值班制度发现火情立即报告。\n"]


def test_the_left_margin_is_where_margin_lines_start():
    # two indented first lines and two continuation lines: the continuation lines' start
    assert ocr.left_margin([112.0, 80.0, 112.0, 80.4], em=15) == 80.0
    # a lone speck further left is no margin
    assert ocr.left_margin([20.0, 80.0, 112.0, 80.4], em=15) == 80.0
    # half a character apart still starts at the same place; more is another place
    assert ocr.left_margin([80.0, 87.5, 200.0, 205.0], em=15) == 80.0
    assert ocr.left_margin([80.0, 87.6, 200.0, 205.0], em=15) == 200.0


def test_ocr_line_clean_up():
    assert ocr.clean_text("全 镇 落实 春耕 , 备耕 措施 .") == "全镇落实春耕，备耕措施。"
    assert ocr.clean_text("各村 ( 社区 ) : 2023 年") == "各村（社区）：2023年"
    assert ocr.clean_text("GDP growth 6.2 %") == "GDP growth 6.2 %"
    assert ocr.clean_text("1.教育医疗") == "1.教育医疗"
    # a round bracket read as an angle one, when its partner is round within BRACKETED characters
    inside = "社" * ocr.BRACKETED
    assert ocr.clean_text(f"各村〈{inside}）、镇直") == f"各村（{inside}）、镇直"
    assert ocr.clean_text(f"各村（{inside}〉、镇直") == f"各村（{inside}）、镇直"
    assert ocr.clean_text(f"各村〈{inside}社）") == f"各村〈{inside}社）"
    assert ocr.clean_text("《条例〈修订〉》") == "《条例〈修订〉》"  # a real pair of angle brackets stays


def test_speckled_pages_are_despeckled_from_the_share_of_isolated_dark_pixels():
    from PIL import Image, ImageDraw

    assert page_image.needs_despeckling(page_image.SPECKLE_SHARE)
    assert not page_image.needs_despeckling(page_image.SPECKLE_SHARE - 0.001)
    clean = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(clean).rectangle((50, 50, 350, 80), fill=0)  # a thick stroke: nothing isolated
    stroke = 301 * 31
    assert page_image.speckle_share(clean) == pytest.approx(4 / stroke)  # only its four corner pixels
    specks = clean.copy()
    for n in range(40):
        specks.putpixel((20 + 9 * n, 300), 0)  # isolated dots
    assert page_image.speckle_share(specks) == pytest.approx((40 + 4) / (stroke + 40))


def test_red_ink_is_as_light_as_the_paper_and_neutral_pixels_keep_their_grey():
    from PIL import Image

    colours = [(200, 20, 20), (255, 90, 90), (0, 0, 0), (128, 128, 128), (255, 255, 255), (20, 20, 200),
               (170, 110, 110)]
    page = Image.new("RGB", (len(colours), 1))
    page.putdata(colours)
    grey = [page_image.without_red(page).getpixel((x, 0)) for x in range(len(colours))]
    # a seal's red and its pale JPEG fringe: paper; black, grey, white: as they are; blue ink stays dark;
    # a dull red-brown (redness 60) lightened by its redness
    assert grey == [255, 255, 0, 128, 255, 0, 230]
    grey_scan = page.convert("L")
    assert page_image.without_red(grey_scan).tobytes() == grey_scan.tobytes()


def _lit_page(darkest: int):
    """A grey page lit unevenly: paper from 255 at the left to ``darkest`` at the right,
    with a black bar of text across it."""
    from PIL import Image, ImageDraw

    page = Image.linear_gradient("L").rotate(90).resize((800, 800)).point(lambda v: 255 - (255 - darkest) * v // 255)
    ImageDraw.Draw(page).rectangle((100, 390, 700, 410), fill=0)
    return page


def test_uneven_light_is_flattened_from_flat_spread():
    # FLAT_SPREAD = 0.10 (the edges are numbers here, so that they do not move with the constant)
    assert page_image.needs_flattening(0.10) and not page_image.needs_flattening(0.099)
    dim = _lit_page(180)  # the paper darkens by 30 % across the page: flattened
    assert page_image.light_spread(page_image.paper(dim)) >= 0.10
    flat = page_image.flattened(dim)
    assert min(flat.getpixel((x, 200)) for x in range(60, 740)) >= 245  # paper white everywhere
    assert flat.getpixel((650, 400)) == 0  # the ink as black as it was
    even = _lit_page(240)  # 6 %: a scan's paper, left as it is
    assert page_image.light_spread(page_image.paper(even)) < 0.10
    assert page_image.flattened(even) is even


def _seal_page(level: int, thickness: int):
    """A white grey page with a square ring of ``level`` grey, ``thickness`` pixels wide,
    crossed by a black stroke (text printed under the seal) and with a pale blurred
    edge (level 200) two and three pixels off its outer side."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (300, 300), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 100, 199, 199), outline=level, width=thickness)
    draw.line((50, 150, 250, 150), fill=0, width=3)
    page.putpixel((98, 120), 200)  # 2 px off the ring (it starts at x=100): its blurred edge
    page.putpixel((97, 180), 200)  # 3 px off: not the seal's
    return page


def test_a_grey_seal_is_mid_grey_at_least_seal_stroke_thick():
    # SECOND_INK_DARK 0.15 and SECOND_INK_LIGHT 0.70 of the paper's 255: greys 39 to 178;
    # SEAL_STROKE 5 pixels; SEAL_MARGIN 5 (2 pixels each side)
    for level in (39, 178):  # at both ends of the second ink's greys: taken out
        out = page_image.without_second_ink(_seal_page(level, 5))
        assert out.getpixel((102, 120)) == 255 and out.getpixel((150, 197)) == 255, level
        assert out.getpixel((102, 150)) == 0  # the black stroke under the seal stays
        assert out.getpixel((98, 120)) == 255  # its blurred edge, 2 px off, goes with it
        assert out.getpixel((97, 180)) == 200  # 3 px off: stays
    assert page_image.without_second_ink(_seal_page(100, 4)).getpixel((102, 120)) == 100  # a text's edge
    assert page_image.without_second_ink(_seal_page(38, 5)).getpixel((102, 120)) == 38  # as dark as print
    assert page_image.without_second_ink(_seal_page(179, 5)).getpixel((102, 120)) == 179  # paler: left to the OCR


def test_the_grey_seal_step_is_for_grey_images_only():
    grey = _seal_page(100, 5)
    assert page_image.for_ocr(grey).getpixel((102, 120)) == 255
    # in a colour image red ink is known by its colour: a grey ring is something else, kept
    assert page_image.for_ocr(grey.convert("RGB")).getpixel((102, 120)) == 100


def test_the_cache_is_in_the_index_folder_unless_a_folder_is_named(tmp_path, monkeypatch):
    data = _png(600, 800)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.png").write_bytes(data)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # only a cache entry can give the text
    ocr._languages.cache_clear()
    try:
        _cache_page(tmp_path / "index" / "ocr-cache", data, [("青禾镇春耕生产工作安排通知", 90)])
        report = build(corpus, tmp_path / "index", workers=1)
        assert report.indexed == ["page.png"] and report.ocr_cached == 1, report.skipped
        _cache_page(tmp_path / "elsewhere", data, [("青禾镇春耕生产工作安排通知", 90)])
        monkeypatch.setenv("GOVSEARCH_OCR_CACHE", str(tmp_path / "elsewhere"))
        result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index",
                                           str(tmp_path / "other"), "--json", "--workers", "1"])
        assert json.loads(result.stdout)["ocr_cached"] == 1, result.output
        assert not (tmp_path / "other" / "ocr-cache").exists()
    finally:
        ocr._languages.cache_clear()
