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
