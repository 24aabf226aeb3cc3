"""Walking the corpus cannot hang or leak: regular files only, a size cap, symbolic
links only inside the corpus folder (configurable), passage ids that do not depend on
history, long ids that still open."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from conftest import write_corpus
from index import build, update
from index.reading.ingest import WalkOptions, walk_corpus
from search.engine import Searcher

A = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
B = "来集镇工作总结\n\n来集镇持续深化万人助万企。\n"
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symbolic links as on POSIX")


def _skipped(report) -> dict[str, str]:
    return dict(report.skipped)


@posix_only
def test_a_fifo_is_skipped_not_read(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    os.mkfifo(corpus / "x.txt")
    result = {}
    worker = threading.Thread(target=lambda: result.update(report=build(corpus, tmp_path / "i")), daemon=True)
    worker.start()
    worker.join(120)  # a FIFO opened for reading would block forever
    assert not worker.is_alive(), "the build hung on a FIFO"
    assert "not a regular file (FIFO)" in _skipped(result["report"])["x.txt"]
    assert result["report"].indexed == ["a.txt"]


@posix_only
def test_links_to_devices_and_out_of_the_corpus_are_not_followed(tmp_path):
    secret = write_corpus(tmp_path / "outside", {"passwd.txt": "root:x:0:0:五星支部秘密:/root:/bin/bash\n"})
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "sub/b.txt": B})
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "passwd.txt").symlink_to(secret / "passwd.txt")
    (corpus / "outdir").symlink_to(secret, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / "sub" / "b.txt")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (corpus / "sub" / "loop").symlink_to(corpus, target_is_directory=True)
    report = build(corpus, tmp_path / "i")
    skipped = _skipped(report)
    assert "outside the corpus" in skipped["zero.txt"]
    assert "outside the corpus" in skipped["passwd.txt"] and "outside the corpus" in skipped["outdir"]
    assert "dangling" in skipped["dangling.txt"]
    assert "already walked" in skipped["sub/loop"]
    assert sorted(report.indexed) == ["a.txt", "inside.txt", "sub/b.txt"]
    assert Searcher(tmp_path / "i").search("秘密").total == 0

    never = walk_corpus(corpus, WalkOptions(follow_symlinks="never"))
    assert [s.relpath for s in never[0]] == ["a.txt", "sub/b.txt"]
    assert "not followed" in dict(never[1])["inside.txt"]
    anywhere = walk_corpus(corpus, WalkOptions(follow_symlinks="any"))
    names = [s.relpath for s in anywhere[0]]
    assert "passwd.txt" in names and "outdir/passwd.txt" in names
    assert "zero.txt" in dict(anywhere[1]) and "device" in dict(anywhere[1])["zero.txt"]  # still never read


@posix_only
def test_a_sibling_folder_whose_name_starts_with_the_corpus_name_is_outside(tmp_path):
    """"Inside the corpus" is a path below the corpus folder, not any path that starts
    with the same characters (c-old beside c)."""
    sibling = write_corpus(tmp_path / "c-old", {"old.txt": B, "d/x.txt": B})
    corpus = write_corpus(tmp_path / "c", {"a.txt": A})
    (corpus / "old.txt").symlink_to(sibling / "old.txt")
    (corpus / "d").symlink_to(sibling / "d", target_is_directory=True)
    (corpus / "self.txt").symlink_to(corpus / "a.txt")
    files, skipped = walk_corpus(corpus)
    assert [s.relpath for s in files] == ["a.txt", "self.txt"]
    assert "outside the corpus" in dict(skipped)["old.txt"] and "outside the corpus" in dict(skipped)["d"]


def test_files_over_the_size_cap_are_skipped_with_the_reason(tmp_path):
    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "big.txt": A + "全镇人居环境持续改善。" * 4000})
    report = build(corpus, tmp_path / "i", walk=WalkOptions(max_file_mb=0.1))
    assert "larger than the size cap" in _skipped(report)["big.txt"] and "--max-file-mb" in _skipped(report)["big.txt"]
    assert report.indexed == ["a.txt"]
    report = build(corpus, tmp_path / "i", walk=WalkOptions(max_file_mb=0))  # 0: no cap
    assert sorted(report.indexed) == ["a.txt", "big.txt"]


def test_size_cap_from_the_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from govsearch.cli import main

    corpus = write_corpus(tmp_path / "c", {"a.txt": A, "big.txt": A + "全镇人居环境持续改善。" * 4000})
    monkeypatch.setenv("GOVSEARCH_MAX_FILE_MB", "0.1")
    result = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(tmp_path / "i")])
    assert result.exit_code == 0 and "skipped big.txt: larger than the size cap" in result.output


def test_bad_walk_options_are_refused():
    with pytest.raises(ValueError):
        WalkOptions(follow_symlinks="sometimes")
    with pytest.raises(ValueError):
        WalkOptions(max_file_mb=-1)


def _ids(index) -> dict[str, list[str]]:
    s = Searcher(index)
    return {d["source"]: [p["passage_id"] for p in s.document(d["doc_id"])["passages"]] for d in s.documents()}


@pytest.mark.parametrize("change", ["rename txt to md", "add a clashing name", "delete the first of a clash"])
def test_ids_after_update_are_those_of_a_full_build(tmp_path, change):
    corpus = write_corpus(tmp_path / "c", {"china_2018_policy.txt": A, "b.txt": B, "b.md": A.replace("大隗", "回郭")})
    build(corpus, tmp_path / "i")
    if change == "rename txt to md":
        (corpus / "china_2018_policy.txt").rename(corpus / "china_2018_policy.md")
    elif change == "add a clashing name":
        write_corpus(corpus, {"a.md": B.replace("来集", "峡窝"), "a.txt": A.replace("大隗", "小关")})
    else:
        (corpus / "b.md").unlink()
    update(corpus, tmp_path / "i")
    build(corpus, tmp_path / "fresh")
    assert _ids(tmp_path / "i") == _ids(tmp_path / "fresh")
    if change == "rename txt to md":
        assert _ids(tmp_path / "i")["china_2018_policy.md"][0] == "china_2018_policy:0"


def test_long_paths_give_ids_that_open(tmp_path):
    from web import create_app

    deep = "/".join(["a-very-long-folder-name-for-reports"] * 6) + "/" + "x" * 150 + ".txt"
    corpus = write_corpus(tmp_path / "c", {deep: A})
    build(corpus, tmp_path / "i")
    (doc,) = Searcher(tmp_path / "i").documents()
    assert len(doc["doc_id"]) <= 120
    client = create_app({"index": str(tmp_path / "i"), "TESTING": True}).test_client()
    assert client.get(f"/docs/{doc['doc_id']}").status_code == 200
    assert client.get(f"/api/docs/{doc['doc_id']}").get_json()["source"] == deep


def _build_as_nobody(corpus, index_dir) -> dict[str, str]:
    """Build in a forked child that dropped root for the user nobody (root reads a file
    whatever its mode, so a locked file is only locked for another user)."""
    import json
    import pwd
    import shutil

    nobody = pwd.getpwnam("nobody")
    # the interpreter may live where nobody cannot read (/root/.pyenv): a build here
    # first loads every module and codec a build needs, and the child inherits them
    warm = write_corpus(index_dir.parent.parent / "warm", {"a.txt": A, "b.txt": B})
    build(warm, index_dir.parent.parent / "warm-index")
    for path in (corpus.parent, index_dir.parent):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            report = build(corpus, index_dir)
            os.write(write, json.dumps(_skipped(report)).encode())
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    shutil.rmtree(index_dir.parent, ignore_errors=True)
    assert os.waitstatus_to_exitcode(status) == 0, "the build as nobody failed"
    return json.loads(out)


@pytest.mark.skipif(not hasattr(os, "geteuid") or sys.platform == "win32", reason="file modes and users as on POSIX")
def test_an_unreadable_file_is_skipped(tmp_path):
    import tempfile
    from pathlib import Path

    if os.geteuid() == 0:
        # as root (how CI runs) the build runs as nobody, in a folder nobody can reach
        base = Path(tempfile.mkdtemp(prefix="govsearch-unreadable-"))
        base.chmod(0o755)
        try:
            corpus = write_corpus(base / "c", {"a.txt": A, "locked.txt": B})
            (base / "c").chmod(0o755)
            (corpus / "locked.txt").chmod(0)
            (base / "i").mkdir()
            skipped = _build_as_nobody(corpus, base / "i" / "index")
        finally:
            import shutil
            shutil.rmtree(base, ignore_errors=True)
    else:
        corpus = write_corpus(tmp_path / "c", {"a.txt": A, "locked.txt": B})
        (corpus / "locked.txt").chmod(0)
        skipped = _skipped(build(corpus, tmp_path / "i"))
    assert "cannot read" in skipped["locked.txt"]
    assert "a.txt" not in skipped
