"""A generation's record and mapped files are checked like its data: a damaged
build.json never makes a build guess the corpus; a mapped file truncated or written in
place under a live searcher (or server) is an error naming it, never a SIGBUS; `index
update` repairs what it finds damaged."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from index import build, update
from index.errors import IndexMissing
from index.generation import store
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企。\n"
C = "青山镇工作总结\n\n青山镇全面推进人居环境整治。\n"
GOVSEARCH = Path(sys.executable).parent / "govsearch"


def _live(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def _flip_byte(path: Path, at: int | None = None) -> None:
    """Change one byte in place: same size, other bytes."""
    size = path.stat().st_size
    at = size // 2 if at is None else at
    with open(path, "r+b") as f:
        f.seek(at)
        b = f.read(1)
        f.seek(at)
        f.write(bytes([b[0] ^ 0x5A]))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("records")
    corpus = write_corpus(base / "c", {"a.txt": A, "b.txt": B, "c.txt": C})
    build(corpus, base / "idx", workers=1)
    return corpus, base / "idx"


@pytest.fixture
def three(built, tmp_path):
    """A copy of a built index of three reports (building is the slow part)."""
    corpus, index = built
    shutil.copytree(index, tmp_path / "idx", symlinks=True)
    return corpus, tmp_path / "idx"


# ----------------------------------------------------------------- the record (item 1)


@pytest.mark.parametrize("verb, damage", [("update", "truncate -s 150"), ("build", "truncate -s 150"),
                                          ("update", "same size")])
def test_a_damaged_build_json_never_makes_a_build_guess_the_corpus(three, tmp_path, monkeypatch, verb, damage):
    corpus, index = three
    gen = _live(index)
    if damage == "same size":  # still valid JSON, another corpus path: only the checksum tells
        info = (gen / "build.json").read_text(encoding="utf-8")
        (gen / "build.json").write_text(info.replace(str(corpus), str(corpus)[:-1] + "X"), encoding="utf-8")
    else:
        os.truncate(gen / "build.json", 150)
    # a ./corpus in the current folder with one report: the old fallback would index it alone
    elsewhere = write_corpus(tmp_path / "cwd" / "corpus", {"x.txt": A})
    monkeypatch.chdir(elsewhere.parent)
    monkeypatch.delenv("GOVSEARCH_CORPUS", raising=False)
    result = CliRunner().invoke(main, ["index", verb, "--index", str(index)])
    assert result.exit_code == 1, result.output
    assert "cannot say which corpus folder it was built from" in result.output
    assert "的索引说不出它是用哪个语料文件夹建立的" in result.output and "提示 Hint: 请指明它的报告所在的文件夹" in result.output
    assert f"govsearch index {verb} --corpus <folder> --index {index}" in result.output
    assert _live(index) == gen  # nothing switched
    assert len(store.read_json(gen / "documents.json")) == 3
    # given the folder, the update repairs the generation
    result = CliRunner().invoke(main, ["index", verb, "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert Searcher(index).stats()["documents"] == 3
    store.verify_generation(_live(index))


def test_an_empty_folder_still_defaults_to_the_corpus_folder_here(tmp_path, monkeypatch):
    write_corpus(tmp_path / "corpus", {"a.txt": A})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOVSEARCH_CORPUS", raising=False)
    result = CliRunner().invoke(main, ["index", "build", "--index", str(tmp_path / "idx")])
    assert result.exit_code == 0, result.output
    assert Searcher(tmp_path / "idx").stats()["documents"] == 1


def test_a_damaged_live_record_falls_back_to_a_sound_one_of_another_generation(monkeypatch, tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "b.txt": B, "c.txt": C})
    index = tmp_path / "idx"
    build(corpus, index, workers=1)
    (corpus / "d.txt").write_text(C.replace("青山", "绿水"), encoding="utf-8")
    update(corpus, index, workers=1)  # two generations now, both naming the corpus
    os.truncate(_live(index) / "build.json", 150)
    monkeypatch.chdir(tmp_path)
    report = update(None, index, workers=1)
    assert report.corpus == str(corpus.resolve()) and report.documents == 4


# ----------------------------------------------------------------- mapped files (item 3)

MAPPED = ["jieba.bin", "jieba.offsets.npy", "jieba.freq.npy", "norm.bin", "col.doc.npy"]
RECORDS = ["build.json", "columns.json", "grams.json", "repeats.json", "documents.json", "jieba.json", "jieba.pairs.npy"]


def _damage(path: Path, how: str) -> None:
    if how == "truncated":
        os.truncate(path, path.stat().st_size // 2)
    else:
        _flip_byte(path, path.stat().st_size - 1)


@pytest.mark.parametrize("how", ["truncated", "same size"])
@pytest.mark.parametrize("name", MAPPED)
def test_a_mapped_file_damaged_under_a_live_searcher_is_a_named_error(three, name, how):
    _, index = three
    searcher = Searcher(index)
    assert searcher.search("五星支部").total == 1  # every file mapped, the dictionary table included
    path = _live(index) / name
    time.sleep(0.01)  # a later mtime than the build's, on file systems with coarse clocks
    _damage(path, how)
    with pytest.raises(IndexMissing, match=name.replace(".", r"\.")):
        searcher.search("五星支部")


@pytest.mark.parametrize("how", ["truncated", "same size"])
@pytest.mark.parametrize("name", MAPPED + RECORDS)
def test_a_damaged_file_is_named_at_open(three, name, how):
    _, index = three
    _damage(_live(index) / name, how)
    with pytest.raises(IndexMissing, match=name.replace(".", r"\.")):
        Searcher(index).search("五星支部")


@pytest.mark.parametrize("name, how", [("jieba.bin", "same size"), ("col.doc.npy", "truncated"),
                                       ("build.json", "same size")])
def test_update_repairs_a_damaged_file(three, name, how, tmp_path, monkeypatch):
    corpus, index = three
    gen = _live(index)
    _damage(gen / name, how)
    args = ["index", "update", "--index", str(index)]
    if name == "build.json":
        args += ["--corpus", str(corpus)]  # the record itself is what was damaged
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "damaged" in result.output and name in result.output
    assert Searcher(index).search("五星支部").total == 1
    store.verify_generation(_live(index))


def _flip_keeping_time(path: Path) -> None:
    """Same size, other bytes, and the modification time set back to what it was (bit
    rot, or someone hiding the change): only a checksum can tell."""
    st = path.stat()
    _flip_byte(path, path.stat().st_size - 1)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _a_segment(gen: Path) -> str:
    return sorted(p.name for p in gen.iterdir() if p.suffix == ".seg")[0]


@pytest.mark.parametrize("name", MAPPED + ["jieba.pairs.npy", "jieba.json", "documents.json", "segment"])
@pytest.mark.parametrize("keep_time", [False, True], ids=["time new", "time kept"])
def test_an_update_with_nothing_to_do_still_repairs_a_same_size_damaged_file(three, name, keep_time):
    """The quick "nothing changed" path (decided from the corpus's stat) must not keep a
    generation whose files were changed in place: the same check as at open (checksums)."""
    corpus, index = three
    gen = _live(index)
    name = _a_segment(gen) if name == "segment" else name
    time.sleep(0.01)  # a later mtime than the manifest's, on file systems with coarse clocks
    if keep_time:
        _flip_keeping_time(gen / name)
    else:
        _flip_byte(gen / name, (gen / name).stat().st_size - 1)
    if store.read_on_demand(name):  # a search reads Whoosh's mapped copies: checked when Whoosh is opened
        assert Searcher(index).search("五星支部").total == 1
        with pytest.raises(IndexMissing, match=name.replace(".", r"\.")):
            Searcher(index).current_table().whoosh
    else:
        with pytest.raises(IndexMissing, match=name.replace(".", r"\.")):  # what the server would say
            Searcher(index).search("五星支部")
    report = update(corpus, index, workers=1)
    assert not any("(nothing changed since" in note for note in report.notes), report.notes
    assert any("damaged" in note and name in note for note in report.notes), report.notes
    assert _live(index) != gen
    store.verify_generation(_live(index))
    assert Searcher(index).search("五星支部").total == 1
    assert Searcher(index).search("万人助万企").total == 1


def test_an_update_with_a_changed_report_never_carries_a_damaged_file_over(three):
    """An update with work to do links the unchanged files of the live generation into the
    new one (the dictionary table …): a file damaged in place must be found first, not
    carried over and vouched for by the new generation's checksums."""
    corpus, index = three
    gen = _live(index)
    _flip_keeping_time(gen / "jieba.bin")
    (corpus / "d.txt").write_text(C.replace("青山", "绿水"), encoding="utf-8")
    try:
        report = update(corpus, index, workers=1)
    finally:
        (corpus / "d.txt").unlink()  # the corpus is the module's
    assert any("damaged" in note and "jieba.bin" in note for note in report.notes), report.notes
    new = _live(index)
    assert new != gen and os.stat(new / "jieba.bin").st_ino != os.stat(gen / "jieba.bin").st_ino
    store.verify_generation(new)
    assert Searcher(index).search("绿水镇").total >= 1


@pytest.mark.parametrize("name", ["jieba.bin", "jieba.pairs.npy"])
def test_the_live_word_table_truncated_while_an_update_segments_from_it_is_an_error_not_a_crash(
        three, monkeypatch, name):
    """An update of a few reports segments with the live generation's mapped dictionary
    (index/generation/wordtable.py): truncated under it, the update stops with an error
    naming the file (never SIGBUS, which would end this test's process too), switches to
    nothing, and the next update repairs the live generation."""
    from index.errors import GovsearchError
    from index.generation import build as build_module
    from index.generation import wordtable

    corpus, index = three
    gen = _live(index)
    real = wordtable.table_analyzer
    made = []

    def then_truncate(folder, userdict):
        analyzer = real(folder, userdict)
        made.append(analyzer)
        os.truncate(folder / name, (folder / name).stat().st_size // 2)
        return analyzer

    monkeypatch.setattr(build_module.wordtable, "table_analyzer", then_truncate)
    (corpus / "d.txt").write_text(C.replace("青山", "绿水"), encoding="utf-8")
    try:
        with pytest.raises(GovsearchError, match=name.replace(".", r"\.")):
            update(corpus, index, workers=1)
        assert made and made[0] is not None  # the mapped table was used
        assert _live(index) == gen
        monkeypatch.setattr(build_module.wordtable, "table_analyzer", real)
        report = update(corpus, index, workers=1)
    finally:
        (corpus / "d.txt").unlink()  # the corpus is the module's
    assert any("damaged" in note and name in note for note in report.notes), report.notes
    store.verify_generation(_live(index))
    assert Searcher(index).search("绿水镇").total >= 1


def test_with_checksums_off_an_update_trusts_the_files_times(three, monkeypatch):
    """GOVSEARCH_CHECKSUMS=0 (an index too large to read through): an update checks sizes,
    and the checksum only of a file written since the manifest, as documented."""
    corpus, index = three
    gen = _live(index)
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "0")
    _flip_keeping_time(gen / "jieba.bin")
    report = update(corpus, index, workers=1)
    assert any("(nothing changed since" in note for note in report.notes) and _live(index) == gen
    time.sleep(0.01)
    _flip_byte(gen / "jieba.freq.npy", (gen / "jieba.freq.npy").stat().st_size - 1)  # time new: still seen
    report = update(corpus, index, workers=1)
    assert any("damaged" in note and "jieba.freq.npy" in note for note in report.notes), report.notes


def test_checksums_at_open_can_be_turned_off(three, monkeypatch):
    _, index = three
    _flip_byte(_live(index) / "jieba.freq.npy", (_live(index) / "jieba.freq.npy").stat().st_size - 1)
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "0")
    Searcher(index).search("五星支部")  # sizes alone: the damage goes unseen, as documented
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "1")
    with pytest.raises(IndexMissing, match="jieba"):
        Searcher(index).search("五星支部")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read().decode("utf-8")
    conn.close()
    return r.status, body


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGBUS on a truncated mapping is a Linux case")
@pytest.mark.parametrize("name", ["jieba.bin", "jieba.offsets.npy", "jieba.freq.npy", "jieba.pairs.npy"])
def test_truncating_the_word_table_under_a_running_server_is_a_503_not_a_crash(three, name):
    """The server maps jieba.bin, .offsets and .freq to segment queries; jieba.pairs.npy
    only an update maps (the server never reads it: its searches still answer), and
    /healthz names each."""
    _, index = three
    port = _free_port()
    proc = subprocess.Popen([str(GOVSEARCH), "serve", "--port", str(port), "--threads", "2", "--index", str(index)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        while "serving on" not in line:
            line = proc.stdout.readline()
            assert line, "the server ended before serving"
        query = "/api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8"  # 五星支部
        status, body = _get(port, query)
        assert status == 200 and json.loads(body)["total"] == 1
        time.sleep(0.01)
        os.truncate(_live(index) / name, 10)
        status, body = _get(port, query + "%E5%88%9B%E5%BB%BA")  # another query: not from a cache
        if name == "jieba.pairs.npy":
            assert status == 200 and json.loads(body)["total"] == 1, body
        else:
            assert status == 503, body
            assert name in json.loads(body)["error"]["message"]
        status, body = _get(port, "/healthz")
        assert status == 503 and name in body, body
        time.sleep(0.2)
        assert proc.poll() is None  # still running
        status, _ = _get(port, query)
        assert status in (200, 503)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


# ----------------------------------------------------------------- a signal after the switch


def test_a_signal_right_after_the_switch_says_the_new_index_is_live(three, monkeypatch):
    import signal

    import govsearch.cli as cli
    from index.generation.lifecycle import BuildInterrupted

    corpus, index = three
    before = _live(index)

    def interrupted(*args, **kwargs):
        raise BuildInterrupted(signal.SIGTERM)

    monkeypatch.setattr(store, "remove_old_generations", interrupted)  # the first step after the switch

    def exit_now(status):
        raise SystemExit(status)

    monkeypatch.setattr(cli, "_exit_now", exit_now)
    result = CliRunner().invoke(main, ["index", "build", "--index", str(index), "--workers", "1"])
    assert result.exit_code == 143
    after = _live(index)
    assert after != before
    assert f"stopped by SIGTERM: the build had finished: the new index ({after.name}) is live" in result.output
    assert "left as it was" not in result.output
    assert store.last_build(index)["result"] == "ok"


def test_a_signal_before_the_switch_still_says_the_index_was_left_as_it_was(three, monkeypatch):
    import signal

    import govsearch.cli as cli
    from index.generation.lifecycle import BuildInterrupted

    _, index = three
    before = _live(index)

    def interrupted(*args, **kwargs):
        raise BuildInterrupted(signal.SIGTERM)

    monkeypatch.setattr(store, "switch_to", interrupted)
    monkeypatch.setattr(cli, "_exit_now", lambda status: (_ for _ in ()).throw(SystemExit(status)))
    result = CliRunner().invoke(main, ["index", "build", "--index", str(index), "--workers", "1"])
    assert result.exit_code == 143
    assert "stopped by SIGTERM: the index was left as it was" in result.output
    assert _live(index) == before


# ------------------------------------------- checksums of files only some queries read


def test_files_read_on_demand_are_whoosh_and_the_assistance_tables(three):
    """store.read_on_demand: Whoosh's files and assist.bin / assist.json, nothing a plain
    search reads (the columns, the bigram and word maps, the dictionary, the records)."""
    from index.generation import assist_tables

    _, index = three
    names = list(store.read_manifest(_live(index))["files"])
    later = sorted(n for n in names if store.read_on_demand(n))
    assert set(assist_tables.FILES) <= set(later)
    assert any(n.endswith(".seg") for n in later) and any(n.endswith(".toc") for n in later)
    assert set(later) == {n for n in names if n.endswith((".seg", ".toc")) or n.startswith("MAIN_")} | set(assist_tables.FILES)
    assert not any(n.startswith(("col.", "norm.", "edits.", "grams", "wordrows", "jieba")) for n in later)
    assert "build.json" not in later and "documents.json" not in later


@pytest.mark.parametrize("keep_time", [False, True])
def test_damaged_assistance_tables_are_reported_when_first_read_never_used(three, keep_time):
    """assist.bin of other bytes (same size; its time kept or not): a search that needs
    no assistance answers from the files it read, all checked at open; did-you-mean,
    which reads the tables, reports the file by name instead of using it."""
    from search import suggest

    _, index = three
    path = _live(index) / "assist.bin"
    (_flip_keeping_time if keep_time else _flip_byte)(path)
    suggest._CACHE.clear()
    s = Searcher(index)
    assert s.search("五星支部", did_you_mean=False).total == 1
    with pytest.raises(IndexMissing, match=r"assist\.bin"):
        s.search("五心支部")  # no hit: did-you-mean reads the tables
    with pytest.raises(IndexMissing, match=r"assist\.bin"):
        suggest.complete(Searcher(index), "五星")
    suggest._CACHE.clear()


def test_a_damaged_whoosh_segment_is_reported_when_whoosh_is_opened(three):
    _, index = three
    gen = _live(index)
    _flip_keeping_time(gen / _a_segment(gen))
    s = Searcher(index)
    assert s.search("五星支部").total == 1  # the query side reads Whoosh's mapped copies, checked at open
    with pytest.raises(IndexMissing, match=r"\.seg"):
        s.current_table().whoosh


def test_files_read_on_demand_unchecked_with_checksums_off(three, monkeypatch):
    _, index = three
    gen = _live(index)
    _flip_keeping_time(gen / "assist.bin")
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "0")
    store.check_before_reading(gen, lambda name: True)  # sizes alone: the damage goes unseen, as documented
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "1")
    with pytest.raises(IndexMissing, match=r"assist\.bin"):
        store.check_before_reading(gen, lambda name: name == "assist.bin")
    store.check_before_reading(gen, lambda name: name == "build.json")  # only the files asked for
