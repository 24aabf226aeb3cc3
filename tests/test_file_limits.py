"""Bounded work per file: each limit skips a file with its reason and the option that
raises it; exactly at the limit passes, one over skips (tiny limits, tiny files)."""

from __future__ import annotations

import io
import zipfile

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from formatfixtures import make_docx
from govsearch.cli import main
from index import build, update
from index.reading.limits import Limits

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"


def _run(tmp_path, files: dict, name: str, **limits):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, **files})
    report = build(corpus, tmp_path / f"idx-{name}", workers=1, limits=Limits(**limits))
    return dict(report.skipped + report.failed), report.indexed


def test_docx_inflated_size_at_the_limit_passes_one_byte_over_skips(tmp_path):
    data = make_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        inflated = sum(i.file_size for i in z.infolist())
    skipped, indexed = _run(tmp_path, {"b.docx": data}, "at", max_inflated_mb=inflated / 1048576)
    assert "b.docx" in indexed
    skipped, indexed = _run(tmp_path, {"b.docx": data}, "over", max_inflated_mb=(inflated - 1) / 1048576)
    assert "b.docx" not in indexed
    assert skipped["b.docx"].startswith(f"inflates to {inflated / 1048576:.1f} MB, over the limit of")
    assert "--max-inflated-mb" in skipped["b.docx"]


def test_passages_per_report_at_the_limit_pass_one_over_skips(tmp_path):
    text = "青山镇工作总结\n\n" + "".join(f"第{n}项工作扎实推进。\n\n" for n in range(1, 9))
    corpus = write_corpus(tmp_path / "c", {"b.txt": text})
    passages = build(corpus, tmp_path / "idx0", workers=1).passages
    (corpus / "a.txt").write_text(A, encoding="utf-8")
    assert passages >= 8
    at = build(corpus, tmp_path / "idx1", workers=1, limits=Limits(max_passages=passages))
    assert at.indexed == ["a.txt", "b.txt"]
    over = build(corpus, tmp_path / "idx2", workers=1, limits=Limits(max_passages=passages - 1))
    assert over.indexed == ["a.txt"]
    assert dict(over.skipped)["b.txt"] == (f"{passages} passages, over the limit of {passages - 1} per report "
                                           "(raise --max-passages / GOVSEARCH_MAX_PASSAGES)")


def test_line_length_at_the_limit_passes_one_over_skips(tmp_path):
    line = "五星支部" * 10 + "创建。"  # 43 characters
    files = {"b.txt": f"青山镇工作总结\n\n{line}\n"}
    skipped, indexed = _run(tmp_path, files, "at", max_line_chars=43)
    assert "b.txt" in indexed
    skipped, indexed = _run(tmp_path, files, "over", max_line_chars=42)
    assert skipped["b.txt"] == ("a line of 43 characters, over the limit of 42 "
                                "(raise --max-line-chars / GOVSEARCH_MAX_LINE_CHARS)")


def _blank_pdf(pages: int) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_pages_at_the_limit_are_read_one_over_is_refused_before_reading(tmp_path):
    files = {"b.pdf": _blank_pdf(3)}
    skipped, _ = _run(tmp_path, files, "at", max_pdf_pages=3)
    assert skipped["b.pdf"].startswith("no text layer")  # read: its (blank) pages have no text
    skipped, _ = _run(tmp_path, files, "over", max_pdf_pages=2)
    assert skipped["b.pdf"] == "more than 2 pages (raise --max-pdf-pages / GOVSEARCH_MAX_PDF_PAGES)"


def test_time_per_file(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    build(corpus, tmp_path / "idx", workers=1)
    (corpus / "b.txt").write_text("青山镇工作总结\n\n" + "青山镇全面推进人居环境整治。\n\n" * 200, encoding="utf-8")
    short = update(corpus, tmp_path / "idx", workers=1, limits=Limits(max_seconds=0.000001))
    assert short.unchanged == ["a.txt"] and short.indexed == []
    assert dict(short.skipped)["b.txt"] == ("took longer than 1e-06 s to analyze "
                                            "(raise --max-seconds-per-file / GOVSEARCH_MAX_SECONDS_PER_FILE)")
    long = update(corpus, tmp_path / "idx", workers=1, limits=Limits(max_seconds=600))
    assert long.indexed == ["b.txt"]


def test_memory_per_worker_skips_the_file_that_needs_more(tmp_path):
    files = {f"t{n:02d}.txt": A.replace("五星", f"第{n}") for n in range(30)}
    # 58.8 MB, under the size cap: reading it takes twice that (the blocks, then their join)
    files["big.txt"] = ("青山镇全面推进人居环境整治。" * 1_400_000).encode("utf-8")
    corpus = write_corpus(tmp_path / "c", files)
    report = build(corpus, tmp_path / "idx", workers=2, limits=Limits(max_worker_mb=100))
    skipped = dict(report.skipped)
    assert skipped["big.txt"] == ("needed more memory than an analysis worker may add (100 MB; raise "
                                  "--max-worker-mb / GOVSEARCH_MAX_WORKER_MB)")
    assert len(report.indexed) == 30


def test_limits_are_options_of_build_and_update(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": "青山镇工作总结\n\n" + "长" * 60 + "\n"})
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--max-line-chars", "59", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "skipped b.txt: a line of 60 characters, over the limit of 59" in result.output
    result = CliRunner().invoke(main, ["index", "update", "--index", str(tmp_path / "i"), "--workers", "1"],
                                env={"GOVSEARCH_MAX_LINE_CHARS": "60"})
    assert result.exit_code == 0, result.output
    assert "+ b.txt" in result.output
