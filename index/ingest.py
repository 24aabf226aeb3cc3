"""Finding report files and decoding them, whatever their encoding."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

SUFFIXES = (".txt", ".md", ".markdown")


class SkipFile(Exception):
    """A file that cannot be indexed; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relpath: str  # "/"-separated, relative to the corpus folder

    def fingerprint(self) -> str:
        return hashlib.sha1(self.path.read_bytes()).hexdigest()


DEFAULT_MAX_FILE_MB = 64  # a report larger than this is skipped (and said so)
SYMLINK_POLICIES = ("inside", "never", "any")


@dataclass(frozen=True)
class WalkOptions:
    """How the corpus folder is walked.

    ``max_file_mb``: files larger than this are skipped with a reason (0: no cap).
    ``follow_symlinks``: ``inside`` follows links whose target is inside the corpus
    folder, ``never`` follows none, ``any`` follows every link. Loops are never
    followed twice."""
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    follow_symlinks: str = "inside"

    def __post_init__(self):
        if self.follow_symlinks not in SYMLINK_POLICIES:
            raise ValueError(f"follow_symlinks must be one of {', '.join(SYMLINK_POLICIES)}, not {self.follow_symlinks!r}")
        if self.max_file_mb < 0:
            raise ValueError("max_file_mb must be 0 (no cap) or more")


def find_files(corpus: Path, options: WalkOptions | None = None) -> list[SourceFile]:
    """Every .txt/.md file below ``corpus``, sorted, hidden folders skipped."""
    return walk_corpus(corpus, options)[0]


def _is_report_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(SUFFIXES)


def walk_corpus(corpus: Path, options: WalkOptions | None = None) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """``(files, skipped)``: the regular report files below ``corpus`` (sorted by path)
    and ``(relpath, reason)`` of those left out — FIFOs, devices, sockets, files over
    the size cap, dangling links, links out of the corpus, loops, unreadable folders.
    Never opens a file, so it cannot hang on a FIFO or read a device."""
    options = options or WalkOptions()
    corpus = Path(corpus)
    root = corpus.resolve()
    cap = int(options.max_file_mb * 1024 * 1024) if options.max_file_mb else 0
    found: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def inside(target: Path) -> bool:
        return target == root or root in target.parents

    def link_refusal(path: Path) -> str | None:
        """Why a symbolic link is not followed, or None when it may be."""
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "dangling or looping symbolic link"
        if options.follow_symlinks == "never":
            return "symbolic link (not followed: follow_symlinks is 'never')"
        if options.follow_symlinks == "inside" and not inside(target):
            return f"symbolic link to {target}, outside the corpus folder (see --follow-symlinks)"
        return None

    def walk(folder: Path, rel: str) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            skipped.append((rel or ".", f"cannot read folder: {exc.strerror or exc}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            skipped.append((rel, "folder already walked (symbolic link loop or duplicate)"))
            return
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skipped.append((rel or ".", f"cannot read folder: {exc.strerror or exc}"))
            return
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            relpath = f"{rel}/{name}" if rel else name
            path = Path(entry.path)
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_link, is_dir = True, False
            if is_dir:
                if is_link:
                    why = link_refusal(path)
                    if why:
                        skipped.append((relpath, why))
                        continue
                walk(path, relpath)
                continue
            if not _is_report_name(name):
                continue
            if is_link:
                why = link_refusal(path)
                if why:
                    skipped.append((relpath, why))
                    continue
            try:
                st = path.stat()
            except OSError as exc:
                skipped.append((relpath, f"cannot read: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                kind = ("FIFO" if stat.S_ISFIFO(st.st_mode) else "device" if stat.S_ISCHR(st.st_mode) or
                        stat.S_ISBLK(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "special file")
                skipped.append((relpath, f"not a regular file ({kind})"))
                continue
            if cap and st.st_size > cap:
                skipped.append((relpath, f"larger than the size cap: {st.st_size / 1048576:.1f} MB > "
                                         f"{options.max_file_mb:g} MB (raise --max-file-mb / GOVSEARCH_MAX_FILE_MB)"))
                continue
            found.append(SourceFile(path, relpath))

    walk(corpus, "")
    found.sort(key=lambda s: s.relpath)
    return found, skipped


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`SkipFile` for empty, binary or
    undecodable content. Line ends are normalized to ``\\n``."""
    if not data.strip():
        raise SkipFile("empty file")
    text = encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError:
                raise SkipFile(f"starts with a {name} byte-order mark but does not decode as {name}") from None
            break
    if text is None:
        if b"\x00" in data:
            raise SkipFile("binary file (contains NUL bytes)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                best = from_bytes(data).best()
                if best is None or _looks_wrong_cjk(str(best)):
                    raise SkipFile("undecodable: not UTF-8, GB18030 or another encoding giving readable text") from None
                text, encoding = str(best), best.encoding
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile("empty file (only white space)")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise SkipFile(f"binary file ({controls} control characters in {len(text)})")
    if encoding != "utf-8" and _looks_wrong_cjk(text):
        raise SkipFile("undecodable: bytes are neither UTF-8 nor meaningful GB18030 text")
    return text, encoding


def _looks_wrong_cjk(text: str) -> bool:
    """GB18030 decodes almost any byte string; real Chinese text is mostly common
    CJK characters and ASCII. Reject text dominated by rare code points."""
    sample = text[:4000]
    odd = sum(1 for c in sample if not (c.isascii() or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or c in "“”‘’—…·"))
    return odd > len(sample) * 0.2


def read(source: SourceFile) -> tuple[str, str]:
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    return decode(data)
