"""Finding report files and decoding them, whatever their encoding."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from index.reading.formats import SUFFIXES, Extracted, SkipFile, extract
from index.reading.formats.text import decode
from index.reading.safe_open import read_file

__all__ = ["SUFFIXES", "Extracted", "SkipFile", "SourceFile", "Walk", "decode", "extract_source", "find_files",
           "read", "walk_corpus", "walk_tree"]


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relpath: str  # "/"-separated, relative to the corpus folder
    real: Path | None = None  # its real path when walked (links resolved)
    root: Path | None = None  # the corpus folder (resolved) when ``real`` lies below it
    cap: int = 0  # most bytes read (0: no cap)

    def read_bytes(self) -> bytes:
        """The file's bytes, opened once and safely (index/reading/safe_open.py): no link
        followed below the corpus folder, a FIFO or device refused, the size cap held
        on the opened descriptor. :class:`SkipFile` with the reason otherwise."""
        if self.real is not None and self.root is not None:
            return read_file(self.real, self.root, self.cap)
        return read_file(self.real or self.path, None, self.cap)


SIDECAR_NAMES = ("metadata.tsv", "MANIFEST.tsv")  # the metadata tables (index/reading/metadata.py)
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
    """Every file of a supported format (``SUFFIXES``) below ``corpus``, sorted, hidden folders skipped."""
    return walk_corpus(corpus, options)[0]


def _is_report_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(SUFFIXES)


@dataclass
class Walk:
    files: list[SourceFile]  # report files, sorted by relpath
    sidecars: list[SourceFile]  # metadata.tsv / MANIFEST.tsv tables, sorted by relpath
    skipped: list[tuple[str, str]]  # (relpath, reason)


def walk_corpus(corpus: Path, options: WalkOptions | None = None) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """``(files, skipped)``: the regular report files below ``corpus`` (sorted by path)
    and ``(relpath, reason)`` of those left out (see :func:`walk_tree`)."""
    walked = walk_tree(corpus, options)
    return walked.files, walked.skipped


def walk_tree(corpus: Path, options: WalkOptions | None = None) -> Walk:
    """The report files and sidecar tables below ``corpus``, walked by the same rules,
    and ``(relpath, reason)`` of those left out — FIFOs, devices, sockets, files over
    the size cap, dangling links, links out of the corpus, loops, unreadable folders.
    Never opens a file, so it cannot hang on a FIFO or read a device; walks folders
    from a list, not by recursion, so any depth is fine."""
    options = options or WalkOptions()
    corpus = Path(corpus)
    root = corpus.resolve()
    cap = int(options.max_file_mb * 1024 * 1024) if options.max_file_mb else 0
    found: list[SourceFile] = []
    sidecars: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    prefix = os.path.join(str(root), "")  # resolved paths: "below root" is a string prefix

    def inside(target: Path) -> bool:
        text = str(target)
        return text == str(root) or text.startswith(prefix)

    def link_target(path: Path) -> tuple[Path | None, str | None]:
        """(resolved target, None) when a symbolic link may be followed, else (None, why)."""
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None, "dangling or looping symbolic link"
        if options.follow_symlinks == "never":
            return None, "symbolic link (not followed: follow_symlinks is 'never')"
        if options.follow_symlinks == "inside" and not inside(target):
            return None, f"symbolic link to {target}, outside the corpus folder (see --follow-symlinks)"
        return target, None

    def source(path: Path, relpath: str, real: Path) -> SourceFile:
        return SourceFile(path, relpath, real, root if inside(real) else None, cap)

    pending: list[tuple[Path, str, Path]] = [(corpus, "", root)]  # (folder, relpath, real path)
    while pending:
        folder, rel, real_folder = pending.pop()
        try:
            st = folder.stat()
        except OSError as exc:
            skipped.append((rel or ".", f"cannot read folder: {exc.strerror or exc}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            skipped.append((rel, "folder already walked (symbolic link loop or duplicate)"))
            continue
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skipped.append((rel or ".", f"cannot read folder: {exc.strerror or exc}"))
            continue
        subfolders: list[tuple[Path, str, Path]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            relpath = f"{rel}/{name}" if rel else name
            path = Path(entry.path)
            real = real_folder / name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_link, is_dir = True, False
            if is_dir:
                if is_link:
                    real, why = link_target(path)
                    if why:
                        skipped.append((relpath, why))
                        continue
                subfolders.append((path, relpath, real))
                continue
            is_sidecar = name in SIDECAR_NAMES
            if not is_sidecar and not _is_report_name(name):
                continue
            if is_link:
                real, why = link_target(path)
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
            (sidecars if is_sidecar else found).append(source(path, relpath, real))
        pending.extend(reversed(subfolders))  # depth first, in name order, as a recursive walk would
    found.sort(key=lambda s: s.relpath)
    sidecars.sort(key=lambda s: s.relpath)
    return Walk(found, sidecars, skipped)


def extract_source(source: SourceFile) -> Extracted:
    """The file's text in the structure parser's shape, with its metadata hints
    (see :mod:`index.reading.formats`); :class:`SkipFile` when it cannot be read."""
    return extract(source.path, source.read_bytes())


def read(source: SourceFile) -> tuple[str, str]:
    """``(text, encoding)`` of any supported file."""
    extracted = extract_source(source)
    return extracted.text, extracted.encoding
