"""index/generation/store.py: the manifest an update writes takes the checksums of the
files it linked from the previous generation from that generation's manifest, reads
only what it wrote, and records the same checksums as reading every file would."""

from __future__ import annotations

import os

from conftest import write_corpus
from index import build, update
from index.generation import store

REPORTS = {
    "a.txt": "某某镇2022年工作总结\n\n一、抓好党建工作\n全镇扎实推动五星支部创建。\n",
    "b.txt": "另一镇2021年工作总结\n\n一、产业发展\n引进项目十个，人居环境整治也有进步。\n",
}


def test_an_update_reads_only_the_files_it_wrote_for_its_manifest(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    index_dir = tmp_path / "i"
    build(corpus, index_dir, workers=1)
    before = store.current_generation(index_dir)
    (corpus / "b.txt").write_text(REPORTS["b.txt"] + "新增一句。\n", encoding="utf-8")
    read = []
    real = store.file_crc32
    monkeypatch.setattr(store, "file_crc32", lambda path: read.append(path.name) or real(path))
    update(corpus, index_dir, workers=1)
    gen = store.current_generation(index_dir)
    assert gen != before
    manifest = store.read_manifest(gen)
    assert manifest["crc32"] == {name: real(gen / name) for name in manifest["files"]}
    linked = {name for name in manifest["files"]
              if (before / name).exists() and os.path.samefile(gen / name, before / name)}
    assert linked  # Whoosh's first segment, the bigram and word segments …
    written = [name for name in manifest["files"] if name not in linked]
    assert written and all(name in read for name in written)
    # the update's check of the previous generation may read it (GOVSEARCH_CHECKSUMS);
    # the manifest of the new one reads each written file once and no linked one
    assert sorted(read[-len(written):]) == sorted(written)


def test_a_linked_file_changed_since_is_read_again(tmp_path):
    gen, previous = tmp_path / "new", tmp_path / "old"
    previous.mkdir()
    gen.mkdir()
    (previous / "x.bin").write_bytes(b"abc")
    store.write_manifest(previous)
    os.link(previous / "x.bin", gen / "x.bin")
    store.write_manifest(gen, previous)
    assert store.read_manifest(gen)["crc32"]["x.bin"] == store.file_crc32(previous / "x.bin")
    (gen / "x.bin").unlink()
    (gen / "x.bin").write_bytes(b"abd")  # another file of the same size under the same name
    store.write_manifest(gen, previous)
    assert store.read_manifest(gen)["crc32"]["x.bin"] == store.file_crc32(gen / "x.bin") != \
        store.read_manifest(previous)["crc32"]["x.bin"]


def test_an_update_reads_each_file_of_the_previous_generation_once(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    index_dir = tmp_path / "i"
    build(corpus, index_dir, workers=1)
    before = store.current_generation(index_dir)
    monkeypatch.setenv(store.CHECKSUMS_ENV, "1")
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
    (index_dir / store.VERIFIED).unlink()  # no record of verified files (tests/test_verified_record.py)
    (corpus / "b.txt").write_text(REPORTS["b.txt"] + "新增一句。\n", encoding="utf-8")
    read = []
    real = store.file_crc32
    monkeypatch.setattr(store, "file_crc32", lambda path: read.append(path) or real(path))
    update(corpus, index_dir, workers=1)
    assert store.current_generation(index_dir) != before
    of_before = [p.name for p in read if p.parent == before and p.name != store.BUILD_INFO]
    # the quick nothing-changed test, the check of the previous generation and of its
    # query-assistance tables (after the update linked them): every file read through
    # once (build.json, a few hundred bytes, is read as a record apart)
    assert sorted(of_before) == sorted(n for n in store.read_manifest(before)["files"] if n != store.BUILD_INFO)


def test_a_file_damaged_after_an_update_checked_it_is_found_by_the_next_check(tmp_path, monkeypatch):
    gen = tmp_path / "g"
    gen.mkdir()
    for name in (store.BUILD_INFO, store.DOCUMENTS):
        (gen / name).write_text("{}", encoding="utf-8")
    (gen / "x.bin").write_bytes(b"abc")
    store.write_manifest(gen)
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
    store.check_unchanged_since_manifest(gen, checksums=True)
    st = (gen / "x.bin").stat()
    (gen / "x.bin").write_bytes(b"abd")  # same size, in place, its time set back
    os.utime(gen / "x.bin", ns=(st.st_atime_ns, st.st_mtime_ns))
    try:
        store.check_unchanged_since_manifest(gen, checksums=True)
    except store.IndexDamaged as exc:
        assert "x.bin is damaged" in str(exc)
    else:
        raise AssertionError("the damaged file was taken from the first check")
    try:
        store.check_file_sizes(gen, checksums=True, only=("x.bin",), for_update=True)
    except store.IndexDamaged as exc:
        assert "x.bin is damaged" in str(exc)
    else:
        raise AssertionError("the damaged file was taken from the first check")
