"""Corpus files are opened once, safely: what was swapped after the walk (a symbolic
link to a file outside the corpus, a FIFO, a link to /dev/zero) is refused with a
reason when it is read, for reports and sidecar tables alike; any folder depth is
walked."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from conftest import write_corpus
from index import build
from index.reading.ingest import WalkOptions, walk_tree
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企。\n"
SECRET = "机密文件\n\n此处为语料库之外的秘密口令青龙白虎。\n"

build_module = importlib.import_module("index.generation.build")  # the module, not index.generation.build the function

pytestmark = pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW") or not hasattr(os, "mkfifo"),
                                reason="O_NOFOLLOW and FIFOs are POSIX")


def _swap_after_walk(monkeypatch, swap):
    """Run ``swap()`` between the walk of the corpus and the reading of its files."""
    real_walk = build_module.walk_tree

    def walk_then_swap(*args, **kwargs):
        walked = real_walk(*args, **kwargs)
        swap()
        return walked

    monkeypatch.setattr(build_module, "walk_tree", walk_then_swap)


@pytest.fixture
def corpus(tmp_path):
    outside = write_corpus(tmp_path / "outside", {"secret.txt": SECRET})
    return write_corpus(tmp_path / "c", {"a.txt": A, "sub/b.txt": B}), outside


def _reasons(report) -> dict[str, str]:
    return dict(report.skipped + report.failed)


def test_a_report_swapped_for_a_link_outside_after_the_walk_is_not_read(corpus, tmp_path, monkeypatch):
    folder, outside = corpus

    def swap():
        (folder / "a.txt").unlink()
        (folder / "a.txt").symlink_to(outside / "secret.txt")

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)
    assert _reasons(report)["a.txt"] == "replaced by a symbolic link since the corpus was walked (not followed)"
    assert report.indexed == ["sub/b.txt"]
    assert Searcher(tmp_path / "idx").search("青龙白虎").total == 0


def test_a_folder_swapped_for_a_link_outside_after_the_walk_is_not_read(corpus, tmp_path, monkeypatch):
    folder, outside = corpus

    def swap():
        (folder / "sub" / "b.txt").unlink()
        (folder / "sub").rmdir()
        (outside / "b.txt").write_text(SECRET, encoding="utf-8")
        (folder / "sub").symlink_to(outside, target_is_directory=True)

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)
    assert "its folder sub is no longer a folder" in _reasons(report)["sub/b.txt"]
    assert Searcher(tmp_path / "idx").search("青龙白虎").total == 0


def test_a_report_swapped_for_a_fifo_after_the_walk_neither_hangs_nor_is_read(corpus, tmp_path, monkeypatch):
    folder, _ = corpus

    def swap():
        (folder / "a.txt").unlink()
        os.mkfifo(folder / "a.txt")

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)  # would block forever in open() without O_NONBLOCK
    assert _reasons(report)["a.txt"] == "not a regular file (FIFO) when it was opened"
    assert report.indexed == ["sub/b.txt"]


def test_a_report_grown_over_the_cap_after_the_walk_is_skipped(corpus, tmp_path, monkeypatch):
    folder, _ = corpus
    big = A + "五星支部。" * 80_000  # over 1 MB in UTF-8

    _swap_after_walk(monkeypatch, lambda: (folder / "a.txt").write_text(big, encoding="utf-8"))
    report = build(folder, tmp_path / "idx", workers=1, walk=WalkOptions(max_file_mb=1))
    assert _reasons(report)["a.txt"].startswith("larger than the size cap when it was opened: 1.1 MB > 1 MB")


SIDECAR = "file\ttitle\na.txt\t改过的标题\n"


def _title(index: Path) -> str:
    return Searcher(index).search("五星支部").hits[0].title


def test_a_sidecar_is_applied_when_it_is_a_regular_file_inside(corpus, tmp_path):
    folder, _ = corpus
    (folder / "metadata.tsv").write_text(SIDECAR, encoding="utf-8")
    build(folder, tmp_path / "idx", workers=1)
    assert _title(tmp_path / "idx") == "改过的标题"


def test_a_sidecar_linked_from_outside_is_not_applied(corpus, tmp_path):
    folder, outside = corpus
    (outside / "metadata.tsv").write_text(SIDECAR, encoding="utf-8")
    (folder / "metadata.tsv").symlink_to(outside / "metadata.tsv")
    report = build(folder, tmp_path / "idx", workers=1)
    assert "outside the corpus folder" in _reasons(report)["metadata.tsv"]
    assert _title(tmp_path / "idx") == "大隗镇工作总结"


def test_a_sidecar_fifo_does_not_hang_the_build(corpus, tmp_path):
    folder, _ = corpus
    os.mkfifo(folder / "MANIFEST.tsv")
    report = build(folder, tmp_path / "idx", workers=1)
    assert _reasons(report)["MANIFEST.tsv"] == "not a regular file (FIFO)"
    assert sorted(report.indexed) == ["a.txt", "sub/b.txt"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_sidecar_linked_to_dev_zero_is_refused_even_when_links_are_followed(corpus, tmp_path):
    folder, _ = corpus
    (folder / "metadata.tsv").symlink_to("/dev/zero")
    report = build(folder, tmp_path / "idx", workers=1, walk=WalkOptions(follow_symlinks="any"))
    assert _reasons(report)["metadata.tsv"] == "not a regular file (device)"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_sidecar_swapped_for_a_link_to_dev_zero_after_the_walk_is_refused(corpus, tmp_path, monkeypatch):
    folder, _ = corpus
    (folder / "metadata.tsv").write_text(SIDECAR, encoding="utf-8")

    def swap():
        (folder / "metadata.tsv").unlink()
        (folder / "metadata.tsv").symlink_to("/dev/zero")

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)
    assert "sidecar ignored: replaced by a symbolic link" in _reasons(report)["metadata.tsv"]
    assert _title(tmp_path / "idx") == "大隗镇工作总结"


@pytest.mark.parametrize("name", ["metadata.tsv", "MANIFEST.tsv"])
def test_a_sidecar_swapped_for_a_fifo_after_the_walk_does_not_hang_the_build(corpus, tmp_path, monkeypatch, name):
    folder, _ = corpus
    (folder / name).write_text(SIDECAR, encoding="utf-8")

    def swap():
        (folder / name).unlink()
        os.mkfifo(folder / name)

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)  # would block forever in open() without O_NONBLOCK
    assert _reasons(report)[name] == "sidecar ignored: not a regular file (FIFO) when it was opened"
    assert sorted(report.indexed) == ["a.txt", "sub/b.txt"]


def test_a_sidecar_swapped_for_a_link_outside_after_the_walk_is_not_applied(corpus, tmp_path, monkeypatch):
    folder, outside = corpus
    (folder / "MANIFEST.tsv").write_text("file\ttitle\na.txt\t大隗镇工作总结\n", encoding="utf-8")
    (outside / "MANIFEST.tsv").write_text(SIDECAR, encoding="utf-8")

    def swap():
        (folder / "MANIFEST.tsv").unlink()
        (folder / "MANIFEST.tsv").symlink_to(outside / "MANIFEST.tsv")

    _swap_after_walk(monkeypatch, swap)
    report = build(folder, tmp_path / "idx", workers=1)
    assert "sidecar ignored: replaced by a symbolic link" in _reasons(report)["MANIFEST.tsv"]
    assert _title(tmp_path / "idx") == "大隗镇工作总结"  # not the title the file outside gives


def test_1100_nested_folders_are_walked_and_read(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(1100):  # one level at a time: a path this long is refused by some calls
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    out = os.open("a.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(out, A.encode("utf-8"))
    os.close(out)
    os.close(fd)
    try:
        walked = walk_tree(folder)
        assert [s.relpath for s in walked.files] == ["/".join(["d"] * 1100 + ["a.txt"])]
        report = build(folder, tmp_path / "idx", workers=1)
        assert len(report.indexed) == 1 and not report.failed
    finally:
        _remove_nested(folder)


def _remove_nested(folder: Path) -> None:
    """Remove a chain of nested ``d`` folders one level at a time, from the top: pytest's
    own clean-up of old temporary folders (shutil.rmtree) recurses once per level and
    fails past about a thousand."""
    while (folder / "d").is_dir():
        child = folder / "d"
        if (child / "d").is_dir():
            os.rename(child / "d", folder / "next")
        for entry in child.iterdir():
            entry.unlink()
        child.rmdir()
        if (folder / "next").is_dir():
            os.rename(folder / "next", folder / "d")
