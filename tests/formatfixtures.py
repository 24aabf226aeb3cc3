"""Files made the way offices make them, for tests/test_formats.py.

* ``.docx`` written with python-docx: heading styles, a style with only an outline
  level (and one inheriting it), a numbered list, a table, header and footer text and a
  footnote (python-docx cannot add one, so its part is added as XML);
* PDFs printed by Debian's Chromium (Skia's PDF backend, as ``Print → Save as PDF``)
  with a running header, page numbers in the footer and a paragraph across a page break;
  an image-only PDF made from a screenshot (a "scanned" report); an encrypted copy made
  with pypdf;
* web pages shaped like a 政府网站 article page (TRS CMS markup: navigation, breadcrumb,
  info bar, share and print buttons, related links, footer), UTF-8 and GBK.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import shutil

BODY_1 = ("大隗镇坚持以党建为引领，扎实推动“五星支部”创建，全镇28个村（社区）全部完成支部标准化建设，"
          "群众满意度明显提升，基层战斗堡垒作用充分发挥。")
BODY_2 = "全镇实施重点项目12个，完成投资5.6亿元，其中“万人助万企”活动帮助企业解决问题47个。"
BODY_3 = "持续开展人居环境整治，完成道路硬化3.2公里，新建公厕6座，村庄清洁行动常态化开展。"
FOOTNOTE = "数据来源于大隗镇统计站年报"
INTRO = "2022年，大隗镇在市委、市政府的坚强领导下，凝心聚力、攻坚克难，各项工作取得新成效。"
HEADER = "大隗镇党政综合办公室"
FOOTER = "内部资料注意保存"


# --------------------------------------------------------------------------- docx

def make_docx(*, title_property: str | None = "大隗镇2022年度工作总结（定稿）",
              created: dt.datetime | None = dt.datetime(2023, 1, 6, 9, 0),
              styled: bool = True) -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    props = d.core_properties
    props.title = title_property or ""
    if created is not None:
        props.created = created

    # the title as offices type it: a plain centered paragraph in big bold letters
    p = d.add_paragraph()
    run = p.add_run("大隗镇2022年工作总结")
    run.bold = True
    p.alignment = 1

    def heading(text, level):
        if styled:
            d.add_heading(text, level)
        else:
            d.add_paragraph(text)

    d.add_paragraph(INTRO)
    heading("一、聚焦党建引领", 1)
    heading("（一）五星支部创建", 2)
    p = d.add_paragraph(BODY_1)
    # a footnote reference at the end of the paragraph; the note itself lives in footnotes.xml
    if styled:
        p._p.append(parse_xml('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                              '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'))
        _add_footnote(d, FOOTNOTE)

    if styled:
        # a custom style with only an outline level, and one based on it (inherits the level)
        custom = d.styles.add_style("我的一级标题", WD_STYLE_TYPE.PARAGRAPH)
        custom.base_style = d.styles["Normal"]
        ppr = custom.element.get_or_add_pPr()
        ppr.append(parse_xml('<w:outlineLvl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="0"/>'))
        derived = d.styles.add_style("我的一级标题加粗", WD_STYLE_TYPE.PARAGRAPH)
        derived.base_style = custom
        d.add_paragraph("二、推进项目建设", style=custom)
    else:
        d.add_paragraph("二、推进项目建设")
    d.add_paragraph(BODY_2)
    for item in ("签约项目8个，总投资21亿元。", "新开工项目5个，完成投资3.4亿元。"):
        d.add_paragraph(item, style="List Number")

    if styled:
        d.add_paragraph("三、改善人居环境", style="我的一级标题加粗")
    else:
        d.add_paragraph("三、改善人居环境")
    d.add_paragraph(BODY_3)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate((("项目", "单位", "完成量"), ("道路硬化", "公里", "3.2"), ("新建公厕", "座", "6"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    # a paragraph with a direct outline level (no heading style)
    p = d.add_paragraph("四、下一步工作打算")
    if styled:
        p._p.get_or_add_pPr().append(parse_xml(
            '<w:outlineLvl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:val="0"/>'))
    d.add_paragraph("2023年，大隗镇将持续深化“五星支部”创建，推动乡村振兴取得新成效。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _add_footnote(document, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
           f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def tiny_png() -> bytes:
    """A valid 2×2 grey PNG, for a photo in a Word file."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_photo_docx() -> bytes:
    """A news-style report: a photo in its own paragraph and its caption under it."""
    import docx

    d = docx.Document()
    d.add_paragraph("大隗镇召开五星支部创建推进会")
    d.add_paragraph("本报讯 3月8日，大隗镇召开五星支部创建推进会，全镇各村党支部书记参加会议。")
    d.add_paragraph().add_run().add_picture(io.BytesIO(tiny_png()))
    d.add_paragraph("推进会现场")
    d.add_paragraph("会议要求，各村要对标对表，确保年底前全部达到三星以上标准。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- pdf (Chromium)

VILLAGES = ("桧树亭", "老庄", "赵庄", "马庄", "石匣", "炉沟", "刘庄", "新庄", "王沟", "牛寨", "东庄", "菜园",
            "大隗", "张庄", "西沟", "岗坡", "杨树沟", "李庄")
ITEMS = ("道路硬化", "污水管网", "公厕改造", "路灯安装", "绿化提升", "坑塘整治", "庭院美化")


def varied_paragraph(seed: int, sentences: int) -> str:
    """Report-like sentences that never repeat, so that every phrase has one place."""
    out = []
    for i in range(sentences):
        k = seed * 31 + i
        village, item = VILLAGES[k % len(VILLAGES)], ITEMS[(k // 3) % len(ITEMS)]
        out.append(f"{village}村第{k % 9 + 1}组完成{item}{k * 7 % 97 + 3}处，惠及群众{k * 13 % 389 + 20}人")
    return "，".join(out) + "。"

PDF_STYLE = ("@page{size:A4;margin:2.6cm 2.4cm}"
             "body{font-family:'Noto Serif CJK SC',serif;font-size:15pt;line-height:1.7;text-align:justify}"
             "p{text-indent:2em;margin:0}h1{text-align:center;font-size:20pt}"
             "h2{text-align:center;font-size:16pt;margin:0.6em 0}")


def report_html(title: str = "大隗镇2022年工作总结（印发稿）", heading: str = "大隗镇2022年工作总结") -> str:
    """The report as a web page; Chromium prints ``title`` into the PDF's Title property."""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{PDF_STYLE}</style></head>"
            f"<body><h1>{heading}</h1><p>{INTRO}</p><h2>一、聚焦党建引领</h2>"
            f"<p>大隗镇坚持以党建为引领，扎实推动“五星支部”创建。{varied_paragraph(1, 14)}群众满意度明显提升。</p>"
            f"<p>全镇人居环境持续改善。{varied_paragraph(2, 30)}村庄清洁行动常态化开展。</p>"
            "<h2>二、推进项目建设</h2>"
            f"<p>全镇实施重点项目12个，完成投资5.6亿元，including ABC Company 2023 plan，“万人助万企”活动帮助企业解决问题47个。</p>"
            "</body></html>")


COLUMN_PARAGRAPHS = (varied_paragraph(3, 40), varied_paragraph(4, 6))


def columns_html() -> str:
    """A bulletin printed in two columns; the first paragraph runs down the first
    column, up into the second and over the page break."""
    paragraphs = "".join(f"<p>{t}</p>" for t in COLUMN_PARAGRAPHS)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>大隗镇工作简报</title>"
            f"<style>{PDF_STYLE} .cols{{column-count:2;column-gap:2.5em}}</style></head>"
            f"<body><h1>大隗镇工作简报</h1><div class='cols'>{paragraphs}</div></body></html>")


def chromium_pdf(browser, html: str, *, header: str, footer: str) -> bytes:
    page = browser.new_page()
    try:
        page.set_content(html)
        return page.pdf(format="A4", display_header_footer=True, print_background=True,
                        header_template=f"<div style='font-size:9px;width:100%;text-align:center'>{header}</div>",
                        footer_template=f"<div style='font-size:9px;width:100%;text-align:center'>{footer}</div>",
                        margin={"top": "2.6cm", "bottom": "2.6cm", "left": "2.4cm", "right": "2.4cm"})
    finally:
        page.close()


def scanned_pdf(browser) -> bytes:
    """A picture of a report page, printed to PDF: no text layer."""
    page = browser.new_page(viewport={"width": 600, "height": 400})
    try:
        page.set_content(f"<html><body style='font-family:serif;font-size:20px'><p>{BODY_1}</p></body></html>")
        png = page.screenshot()
        page.set_content("<html><body style='margin:0'><img style='width:100%' "
                         f"src='data:image/png;base64,{base64.b64encode(png).decode()}'></body></html>")
        return page.pdf(format="A5")
    finally:
        page.close()


def encrypted_pdf(data: bytes, password: str = "secret", algorithm: str = "RC4-128") -> bytes:
    """Encrypted with pypdf. ``password=""``: anyone may open it, only copying and
    printing are restricted (an owner password), as many offices publish PDFs."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm=algorithm,
                   permissions_flag=-3904)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def chromium_available() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# --------------------------------------------------------------------------- html

def gov_page(*, charset: str = "utf-8", meta: bool = True, container: str = "TRS_Editor",
             title: str = "大隗镇2022年工作总结") -> str:
    """An article page as a county government CMS publishes it."""
    nav = "".join(f"<li><a href='/{i}/'>{name}</a></li>" for i, name in enumerate(
        ("首页", "政务公开", "政务服务", "互动交流", "走进新密", "五星支部专栏", "乡镇动态")))
    related = "".join(f"<li><a href='/n/{i}.html'>{t}</a></li>" for i, t in enumerate(
        ("来集镇召开人居环境整治推进会", "超化镇“万人助万企”活动综述", "曲梁镇五星支部创建观摩会召开")))
    metas = (f"<meta name='ArticleTitle' content='{title}'>"
             "<meta name='PubDate' content='2023-01-10 09:30'>"
             "<meta name='ContentSource' content='新密市大隗镇人民政府'>"
             "<meta name='description' content='大隗镇2022年工作总结和2023年工作打算'>") if meta else ""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_乡镇动态_新密市人民政府</title>{metas}
<link rel="stylesheet" href="/css/main.css">
<style>.TRS_Editor p{{text-indent:2em}} .nav li{{float:left}}</style>
<script>var siteName = "新密市人民政府网站统计代码五星支部"; document.write("");</script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="新密市人民政府"></div>
<div class="search"><form action="/search"><input name="q" value="请输入关键词"><button>搜索</button></form></div></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/xzdt/">乡镇动态</a></div>
<div class="main">
 <div class="article">
  <h1>{title}</h1>
  <div class="info">发布时间：2023-01-10 09:30　来源：新密市大隗镇　浏览次数：1024　【字体：<a>大</a> <a>中</a> <a>小</a>】</div>
  <div class="{container}">
   <p>　　2022年，大隗镇在市委、市政府的坚强领导下，凝心聚力、攻坚克难，各项工作取得新成效。</p>
   <h3>一、聚焦党建引领</h3>
   <p>　　{BODY_1}</p>
   <p style="text-align:center"><img src="/upload/2023/photo1.jpg"></p>
   <p style="text-align:center">大隗镇五星支部创建观摩现场</p>
   <h3>二、推进项目建设</h3>
   <p>　　{BODY_2}</p>
   <table border="1"><tr><td>项目</td><td>单位</td><td>完成量</td></tr><tr><td>道路硬化</td><td>公里</td><td>3.2</td></tr></table>
   <h3>三、改善人居环境</h3>
   <p>　　{BODY_3}<br>下一步，大隗镇将持续巩固提升。</p>
   <div><p>上一篇：<a href="/n/1.html">曲梁镇召开三级干部大会</a></p><p>下一篇：<a href="/n/3.html">牛店镇开展安全生产检查</a></p></div>
  </div>
  <div class="share">分享到：<a class="weixin">微信</a><a class="weibo">微博</a><a class="qzone">QQ空间</a></div>
  <div class="print">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
 </div>
 <div class="related"><h4>相关新闻</h4><ul>{related}</ul></div>
</div>
<div class="footer"><p>主办单位：新密市人民政府办公室　承办单位：新密市大数据中心</p>
<p>网站标识码：4101830001　豫ICP备05001234号　豫公网安备41018302000123号</p></div>
<script src="/js/share.js"></script>
</body></html>
"""


def plain_page() -> str:
    """A page from a CMS with no known container names: the body is found by text density."""
    links = "".join(f"<a href='/x/{i}'>栏目链接{i}号乡村振兴专题</a> " for i in range(30))
    paragraphs = "".join(f"<p>{t}</p>" for t in (BODY_1, BODY_2, BODY_3))
    return (f"<html><head><meta charset='utf-8'><title>曲梁镇2021年工作总结 - 某某县人民政府</title></head><body>"
            f"<div id='m1'>{links}</div><div id='b7'><div id='c9'><h2>曲梁镇2021年工作总结</h2>{paragraphs}</div>"
            f"<div id='r2'>{links}</div></div><div id='f0'>版权所有 某某县人民政府 联系我们 网站地图</div></body></html>")


def make_long_docx() -> bytes:
    """A several-page report as offices type it: centered title, numbered headings typed
    as text, justified paragraphs with a two-character first-line indent, a running
    header and a ``- PAGE -`` footer field. Printed to PDF by LibreOffice for
    ``fixtures/formats/report-libreoffice.pdf``."""
    import docx
    from docx.oxml import parse_xml
    from docx.shared import Pt

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.text = "- "
    footer._p.append(parse_xml('<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                               'w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer.add_run(" -")
    footer.alignment = 1
    d.core_properties.title = "曲梁镇2021年工作总结"
    d.add_paragraph("曲梁镇2021年工作总结").alignment = 1
    d.add_paragraph(INTRO.replace("2022", "2021").replace("大隗镇", "曲梁镇"))
    for i in range(6):
        d.add_paragraph(f"{'一二三四五六'[i]}、第{'一二三四五六'[i]}方面工作")
        for j in range(2):
            p = d.add_paragraph(varied_paragraph(i * 2 + j, 9))
            p.paragraph_format.first_line_indent = Pt(24)
            p.alignment = 3  # justified
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def print_pdfs(folder) -> None:
    """Print the test PDFs into ``folder`` with Debian's Chromium (run in a process of its
    own: the browser tests keep a Playwright session open in the test process)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    folder = Path(folder)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_available(), args=["--no-sandbox", "--disable-gpu"],
                                    headless=True)
        try:
            made = {
                "report": chromium_pdf(browser, report_html(), header="大隗镇党委政府文件",
                                       footer="第<span class='pageNumber'></span>页 共<span class='totalPages'></span>页"),
                "dashes": chromium_pdf(browser, report_html("来集镇2021年工作总结", "来集镇2021年工作总结"),
                                       header="来集镇党政办公室印", footer="- <span class='pageNumber'></span> -"),
                "slash": chromium_pdf(browser, report_html("超化镇2020年工作总结", "超化镇2020年工作总结"), header="",
                                      footer="<span class='pageNumber'></span>/<span class='totalPages'></span>"),
                "scanned": scanned_pdf(browser),
                "columns": chromium_pdf(browser, columns_html(), header="大隗镇工作简报",
                                        footer="- <span class='pageNumber'></span> -"),
            }
        finally:
            browser.close()
    for name, data in made.items():
        (folder / f"{name}.pdf").write_bytes(data)


if __name__ == "__main__":
    import sys

    print_pdfs(sys.argv[1])
