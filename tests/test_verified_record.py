"""index/generation/store.py's record of verified files (``<index>/verified.json``): an
update with nothing to do decides from the corpus's and the generation's ``stat`` and
reads no file of the generation; any write to a file of it (which moves its ctime) makes
the update read it through and repair it; damage that moves no time is what only
``govsearch index check`` (which reads everything) finds, and once found, the next
update repairs it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build, update
from index.generation import store

REPORTS = {
    "a.txt": "某某镇2022年工作总结\n\n一、抓好党建工作\n全镇扎实推动五星支部创建。\n",
    "b.txt": "另一镇2021年工作总结\n\n一、产业发展\n引进项目十个，人居环境整治也有进步。\n",
}


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv(store.CHECKSUMS_ENV, "1")
    corpus = write_corpus(tmp_path / "c", REPORTS)
    index_dir = tmp_path / "i"
    build(corpus, index_dir, workers=1)
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})  # what a new process knows
    return corpus, index_dir


def _reads(monkeypatch) -> list[Path]:
    read: list[Path] = []
    real = store.file_crc32
    monkeypatch.setattr(store, "file_crc32", lambda path: read.append(Path(path)) or real(path))
    return read


def _flip_last_byte(path: Path, keep_time: bool) -> None:
    st = path.stat()
    with open(path, "r+b") as f:
        f.seek(st.st_size - 1)
        last = f.read(1)
        f.seek(st.st_size - 1)
        f.write(bytes([last[0] ^ 0xFF]))
    if keep_time:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _a_segment(gen: Path) -> str:
    return sorted(p.name for p in gen.iterdir() if p.suffix == ".seg")[0]


def test_a_build_records_every_file_it_wrote(built):
    _, index_dir = built
    gen = store.current_generation(index_dir)
    record = json.loads((index_dir / store.VERIFIED).read_text(encoding="utf-8"))
    manifest = store.read_manifest(gen)
    assert record["generation"] == gen.name
    assert set(record["files"]) == set(manifest["files"])
    for name, (ino, dev, size, mtime, ctime, crc) in record["files"].items():
        st = (gen / name).stat()
        assert (ino, dev, size, mtime, ctime) == (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        assert crc == manifest["crc32"][name]


def test_nothing_changed_reads_no_file_of_the_generation(built, monkeypatch):
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    read = _reads(monkeypatch)
    report = update(corpus, index_dir, workers=1)
    assert any("(nothing changed since" in note for note in report.notes), report.notes
    # build.json (a few hundred bytes) is checked, as the record naming the corpus, before the lock and under it
    assert {p.name for p in read if p.parent == gen} == {store.BUILD_INFO}


def test_without_the_record_nothing_changed_reads_every_file_once_and_records_them(built, monkeypatch):
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    (index_dir / store.VERIFIED).unlink()
    read = _reads(monkeypatch)
    update(corpus, index_dir, workers=1)
    names = [p.name for p in read if p.parent == gen and p.name != store.BUILD_INFO]
    assert sorted(names) == sorted(n for n in store.read_manifest(gen)["files"] if n != store.BUILD_INFO)
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
    read.clear()
    update(corpus, index_dir, workers=1)
    assert {p.name for p in read if p.parent == gen} == {store.BUILD_INFO}


def test_an_update_with_a_change_reads_only_what_it_wrote_and_records_the_new_generation(built, monkeypatch):
    corpus, index_dir = built
    before = store.current_generation(index_dir)
    (corpus / "b.txt").write_text(REPORTS["b.txt"] + "新增一句。\n", encoding="utf-8")
    read = _reads(monkeypatch)
    update(corpus, index_dir, workers=1)
    gen = store.current_generation(index_dir)
    assert gen != before
    assert {p.name for p in read if p.parent == before} == {store.BUILD_INFO}
    record = json.loads((index_dir / store.VERIFIED).read_text(encoding="utf-8"))
    assert record["generation"] == gen.name and set(record["files"]) == set(store.read_manifest(gen)["files"])
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
    read.clear()
    update(corpus, index_dir, workers=1)  # nothing changed: the new generation is not read either
    assert {p.name for p in read if p.parent == gen} == {store.BUILD_INFO}


@pytest.mark.parametrize("name", ["segment", "jieba.bin", "documents.json", "assist.bin"])
@pytest.mark.parametrize("keep_time", [False, True], ids=["time new", "time set back"])
def test_a_file_written_since_it_was_verified_is_read_and_repaired(built, name, keep_time):
    """A write moves the file's ctime (and setting its time back moves it again): the
    update reads that file through, finds the damage and rebuilds, with no search first."""
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    name = _a_segment(gen) if name == "segment" else name
    time.sleep(0.01)  # a later ctime on file systems with coarse clocks
    _flip_last_byte(gen / name, keep_time)
    report = update(corpus, index_dir, workers=1)
    assert any("damaged" in note and name in note for note in report.notes), report.notes
    assert store.current_generation(index_dir) != gen
    store.verify_generation(store.current_generation(index_dir))


def _as_if_no_time_moved(index_dir: Path, gen: Path, name: str) -> None:
    """Bit rot: the bytes change and no time does. A test cannot change a file without
    moving its ctime, so the record is made to hold the damaged file's stat instead."""
    path = index_dir / store.VERIFIED
    record = json.loads(path.read_text(encoding="utf-8"))
    st = (gen / name).stat()
    crc = record["files"][name][5]
    record["files"][name] = [st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns, crc]
    path.write_text(json.dumps(record), encoding="utf-8")


def test_damage_that_moves_no_time_is_missed_by_update_and_found_by_index_check(built):
    """The trade-off, as documented: an update trusts the stat it recorded; ``index
    check`` reads every file, says which is damaged, and the next update repairs it."""
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    name = _a_segment(gen)
    _flip_last_byte(gen / name, keep_time=True)
    _as_if_no_time_moved(index_dir, gen, name)
    report = update(corpus, index_dir, workers=1)
    assert any("(nothing changed since" in note for note in report.notes), report.notes
    assert store.current_generation(index_dir) == gen

    result = CliRunner().invoke(main, ["index", "check", "--index", str(index_dir)])
    assert result.exit_code == 1
    assert f"{name} is damaged" in result.output and "index update" in result.output
    assert not (index_dir / store.VERIFIED).exists()

    report = update(corpus, index_dir, workers=1)
    assert any("damaged" in note and name in note for note in report.notes), report.notes
    assert store.current_generation(index_dir) != gen
    result = CliRunner().invoke(main, ["index", "check", "--index", str(index_dir)])
    assert result.exit_code == 0 and "sound" in result.output, result.output


def test_a_query_that_finds_damage_drops_the_record(built):
    """A search process reads Whoosh's segments and the assistance tables through before
    it first uses them; damage it finds there is repaired by the next update even when
    no time moved."""
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    _flip_last_byte(gen / "assist.bin", keep_time=True)
    _as_if_no_time_moved(index_dir, gen, "assist.bin")
    with pytest.raises(store.IndexDamaged, match="assist.bin"):
        store.check_before_reading(gen, lambda n: n == "assist.bin")
    assert not (index_dir / store.VERIFIED).exists()
    report = update(corpus, index_dir, workers=1)
    assert any("damaged" in note and "assist.bin" in note for note in report.notes), report.notes


def test_a_record_of_another_generation_or_garbage_is_not_trusted(built, monkeypatch):
    corpus, index_dir = built
    gen = store.current_generation(index_dir)
    path = index_dir / store.VERIFIED
    record = json.loads(path.read_text(encoding="utf-8"))
    for bad in (dict(record, generation="gen-other"), {"files": 3}, "garbage"):
        path.write_text(json.dumps(bad) if bad != "garbage" else "{not json", encoding="utf-8")
        monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
        assert store.trust_verified(gen) == 0
    record["files"][store.DOCUMENTS][5] ^= 1  # a CRC-32 other than the manifest's
    path.write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setattr(store, "_UPDATE_CHECKED", {})
    assert store.trust_verified(gen) == len(record["files"]) - 1


def test_index_check_on_a_sound_index(built):
    _, index_dir = built
    gen = store.current_generation(index_dir)
    result = CliRunner().invoke(main, ["index", "check", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    files = len(store.read_manifest(gen)["files"])
    assert f"{gen.name}: sound ({files} files" in result.output
