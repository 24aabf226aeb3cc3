"""/healthz says 503 whenever a search would fail or answer wrongly: files of the live
generation truncated, removed, changed in place (same size), and damage only a real
query finds; 200 again once the index is rebuilt."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from index import build
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


@pytest.fixture
def live(tmp_path, tiny_index):
    """A fresh copy of the tiny index (its files' times kept) and an app that has
    already answered from it, as a running server has."""
    index = tmp_path / "index"
    shutil.copytree(tiny_index, index, copy_function=shutil.copy2)
    client = create_app({"index": str(index), "TESTING": True}).test_client()
    assert client.get("/api/search?q=五星支部").get_json()["total"] == 3
    assert client.get("/healthz").status_code == 200
    gen = index / (index / "CURRENT").read_text().strip()
    return client, gen


def unhealthy(client, *words) -> str:
    r = client.get("/healthz")
    body = r.get_json()
    assert r.status_code == 503 and body["status"] == "unavailable", body
    message = body["error"]["message"]
    for w in words:
        assert w in message
    assert body["error"]["hint"]
    return message


def rewrite(path, change, keep_mtime=False):
    st = path.stat()
    data = bytearray(path.read_bytes())
    change(data)
    os.chmod(path, 0o644)
    path.write_bytes(bytes(data))
    if keep_mtime:  # someone hiding the change: only a real query can find it
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def flip_second_half(data):
    for i in range(len(data) // 2, len(data)):
        data[i] ^= 0x55


def test_a_healthy_index_is_200_on_every_poll(live):
    client, gen = live
    for _ in range(5):
        body = client.get("/healthz").get_json()
        assert body["status"] == "ok" and body["generation"] == gen.name and body["documents"] == 3


def test_a_file_changed_in_place_same_size(live):
    client, gen = live
    path = gen / "col.year.npy"
    size = path.stat().st_size
    rewrite(path, flip_second_half)
    assert path.stat().st_size == size
    unhealthy(client, "col.year.npy", "changed under the server")


def test_a_record_changed_in_place_same_size(live):
    client, gen = live
    rewrite(gen / "documents.json", lambda d: d.__setitem__(0, ord("x")))
    unhealthy(client, "documents.json")


def test_a_truncated_mapped_file(live):
    client, gen = live
    path = gen / "norm.bin"
    os.truncate(path, path.stat().st_size // 2)
    unhealthy(client, "norm.bin")
    assert client.get("/api/search?q=五星支部").status_code == 503  # what a search says too


def test_a_removed_file(live):
    client, gen = live
    (gen / "documents.json").unlink()
    unhealthy(client, "documents.json", "missing")


def test_damage_only_a_query_finds_a_500(live, monkeypatch):
    client, gen = live
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "0")  # the test searches alone (no checksums read)
    rewrite(gen / "edits.bin", flip_second_half, keep_mtime=True)
    # 五星支部 was asked before the damage: its hits' parts are kept (search/hit_parts.py)
    # and still right; the first query that reads the damaged file fails
    assert client.get("/api/search?q=五星").status_code == 500  # what users get
    unhealthy(client, "test search", "failed")


def test_damage_only_a_query_finds_wrong_totals(live, monkeypatch):
    client, gen = live
    monkeypatch.setenv("GOVSEARCH_CHECKSUMS", "0")
    keys = next(gen.glob("grams-*.keys.npy"))
    header = 128  # the .npy header: the keys themselves follow

    def scramble(data):
        for i in range(header, len(data)):
            data[i] ^= 0x5A

    rewrite(keys, scramble, keep_mtime=True)
    assert client.get("/api/search?q=人居环境").get_json()["total"] == 0  # a wrong answer, not an error
    unhealthy(client, "found nothing")


def test_a_change_with_its_time_set_back_is_found_by_its_checksum_at_the_next_poll(live):
    """Its size and modification time as written, in a file no test search reads: its
    status-change time (which cannot be set back) moved, so its checksum is read."""
    client, gen = live
    path = gen / "col.year.npy"
    rewrite(path, flip_second_half, keep_mtime=True)
    assert client.get("/api/search?q=五星支部").status_code == 200  # what a search does not see
    unhealthy(client, "col.year.npy", "checksum differs")
    unhealthy(client, "col.year.npy", "checksum differs")  # and on every poll after


def _manifest(gen):
    return json.loads((gen / "manifest.json").read_text(encoding="utf-8"))


def test_the_checksum_sweep_reads_its_budget_per_poll_and_finds_damage_no_time_shows(tmp_path, tiny_index, monkeypatch):
    """Damage made before the first poll (no status change seen) is found by the sweep:
    each poll reads CHECKSUM_BYTES_PER_POLL bytes of the generation, files in name order,
    so a file whose end lies at byte E is compared on poll ceil(E / budget), not before."""
    from search import health

    index = tmp_path / "index"
    shutil.copytree(tiny_index, index, copy_function=shutil.copy2)
    client = create_app({"index": str(index), "TESTING": True}).test_client()
    assert client.get("/api/search?q=五星支部").get_json()["total"] == 3  # opened: every checksum read then
    gen = index / (index / "CURRENT").read_text().strip()
    manifest = _manifest(gen)
    name = "col.year.npy"
    end = 0
    for n in sorted(manifest["files"]):
        end += manifest["files"][n]
        if n == name:
            break
    budget = max(1, end // 5)
    polls = -(-end // budget)  # ceil
    assert polls >= 5
    monkeypatch.setattr(health, "CHECKSUM_BYTES_PER_POLL", budget)
    rewrite(gen / name, flip_second_half, keep_mtime=True)
    for _ in range(polls - 1):
        assert client.get("/healthz").status_code == 200
    unhealthy(client, name, "checksum differs")
    unhealthy(client, name, "checksum differs")  # found damaged: reported until it changes again


def test_a_healthy_index_stays_200_over_whole_sweeps(live, monkeypatch):
    from search import health

    client, gen = live
    total = sum(_manifest(gen)["files"].values())
    monkeypatch.setattr(health, "CHECKSUM_BYTES_PER_POLL", total // 3 + 1)
    for _ in range(7):  # twice round the generation and more
        assert client.get("/healthz").status_code == 200


def test_healthy_again_after_a_rebuild(live):
    client, gen = live
    path = gen / "col.year.npy"
    os.truncate(path, path.stat().st_size - 1)
    unhealthy(client, "col.year.npy")
    build(None, gen.parent, workers=1)  # from the corpus the index records
    client.get("/api/search?q=五星支部")  # the first request after the switch loads the new generation
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["generation"] != gen.name
