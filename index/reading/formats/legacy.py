"""Word 97–2003 (``.doc``) and WPS Office (``.wps``) files, through a converter.

These binary formats are read by a converter found on the machine, best first:
LibreOffice (``soffice --headless --convert-to docx``, then read as a .docx, keeping
heading styles), ``antiword`` (Debian package, installed by ``python3 dev.py setup``
when it runs as root with apt-get) or ``catdoc``. With none of them the file is
skipped with a reason that says how to convert it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from index.reading.formats import FORMATS
from index.reading.formats.base import PARAGRAPH, Extracted, SkipFile, clean_line, render, table_text

SUFFIXES = FORMATS["legacy"]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT = 120  # seconds one conversion may take


KNOWN = ("soffice", "antiword", "catdoc")
ENV = "GOVSEARCH_DOC_CONVERTER"


def converters() -> list[str]:
    """Names of the converters found, in the order they are tried. ``GOVSEARCH_DOC_CONVERTER``
    (``soffice``, ``antiword``, ``catdoc``, comma-separated, or ``none``) picks and orders them."""
    wanted = [n.strip().lower() for n in os.environ.get(ENV, "").split(",") if n.strip()] or list(KNOWN)
    found = []
    for name in wanted:
        if name == "soffice" and (shutil.which("soffice") or shutil.which("libreoffice")):
            found.append(name)
        elif name in ("antiword", "catdoc") and shutil.which(name):
            found.append(name)
    return found


def how_to_convert(path: Path) -> str:
    return (f"no converter for {path.suffix.lower()} files is installed (install LibreOffice or antiword: "
            f"apt-get install antiword), or convert it to .docx: soffice --headless --convert-to docx \"{path.name}\"")


def extract(data: bytes, path: Path) -> Extracted:
    if data[:8] != OLE_MAGIC:
        if data[:2] == b"PK":
            raise SkipFile(f"this {path.suffix.lower()} file is really a .docx (ZIP) file: rename it to .docx")
        if data.lstrip()[:5].lower() in (b"<html", b"<!doc", b"{\\rtf"):
            raise SkipFile(f"this {path.suffix.lower()} file is really a web page or RTF file, not a Word document")
        raise SkipFile("not a Word 97–2003/WPS document (no OLE header): truncated or corrupt")
    available = converters()
    if not available:
        raise SkipFile(how_to_convert(path))
    problems = []
    for name in available:
        try:
            if name == "soffice":
                return _with_soffice(data, path)
            return _with_tool(name, data, path)
        except SkipFile as exc:
            problems.append(f"{name}: {exc}")
    raise SkipFile("cannot convert: " + "; ".join(problems))


def _with_soffice(data: bytes, path: Path) -> Extracted:
    from index.reading.formats import docx

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="govsearch-convert-") as tmp:
        src = Path(tmp) / ("in" + path.suffix.lower())
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp)  # a private LibreOffice profile: parallel builds never share one
        try:
            subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "docx", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=TIMEOUT, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SkipFile(f"LibreOffice failed ({exc})") from None
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise SkipFile("LibreOffice could not convert the file (corrupt or password-protected?)")
        extracted = docx.extract(out.read_bytes(), out)
    return Extracted(extracted.text, path.suffix.lower().lstrip("."), path.suffix.lower().lstrip("."), extracted.hints)


def _with_tool(name: str, data: bytes, path: Path) -> Extracted:
    with tempfile.TemporaryDirectory(prefix="govsearch-convert-") as tmp:
        src = Path(tmp) / ("in" + path.suffix.lower())
        src.write_bytes(data)
        cmd = [name, "-m", "UTF-8.txt", "-w", "0", str(src)] if name == "antiword" else [name, "-d", "utf-8", "-w", str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SkipFile(f"failed ({exc})") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SkipFile(why[-1] if why else f"exit status {done.returncode}")
    text = done.stdout.decode("utf-8", "replace").replace("\r", "").replace("\f", "\n\n")
    notes = re.search(r"\n-{8,}\n(?=\[\d+\])", text)
    if notes:  # antiword prints the footnotes after a rule at the end, and [n] marks in the text
        text = re.sub(r"\[\d+\]", "", text[: notes.start()])
    blocks = []
    for para in re.split(r"\n\s*\n", text):
        lines = [line for line in para.split("\n") if line.strip()]
        if lines and all(line.lstrip().startswith("|") for line in lines):  # a table, one row a line
            para = table_text([[c.strip() for c in line.strip().strip("|").split("|")] for line in lines])
        else:
            para = "".join(clean_line(line) for line in lines) if name == "antiword" else \
                "\n".join(clean_line(line) for line in lines)
        if para.strip():
            blocks.append((PARAGRAPH, 0, para))
    if not blocks:
        raise SkipFile("the document has no text")
    kind = path.suffix.lower().lstrip(".")
    return Extracted(render(blocks), kind, kind, {})
