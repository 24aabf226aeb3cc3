"""Word 97–2003 (``.doc``) and WPS Office (``.wps``) files, through a converter.

These binary formats are read by a converter found on the machine, best first:
LibreOffice (``soffice --headless --convert-to docx``, then read as a .docx, keeping
heading styles), ``antiword`` (Debian package, installed by ``python3 dev.py setup``
when it runs as root with apt-get) or ``catdoc``. With none of them the file is
skipped with a reason that says how to convert it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import PARAGRAPH, Extracted, SkipFile, clean_line, render

SUFFIXES = (".doc", ".wps")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT = 120  # seconds one conversion may take


def converters() -> list[str]:
    """Names of the converters found, in the order they are tried."""
    found = []
    if shutil.which("soffice") or shutil.which("libreoffice"):
        found.append("soffice")
    for name in ("antiword", "catdoc"):
        if shutil.which(name):
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
        raise SkipFile(f"not a Word 97–2003/WPS document (no OLE header): truncated or corrupt")
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
    from . import docx

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
    text = done.stdout.decode("utf-8", "replace")
    paragraphs = [clean_line(p.replace("\n", "")) if name == "antiword" else clean_line(p)
                  for p in text.replace("\r", "").replace("\f", "\n\n").split("\n\n")]
    blocks = [(PARAGRAPH, 0, p) for p in paragraphs if p.strip(" |[]")]
    if not blocks:
        raise SkipFile("the document has no text")
    kind = path.suffix.lower().lstrip(".")
    return Extracted(render(blocks), kind, kind, {})
