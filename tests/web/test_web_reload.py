"""The running app picks up a rebuilt or updated index without a restart."""

from __future__ import annotations

from index import build, update
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)

NEW_REPORT = ("# 青山镇2023年工作报告\n\n## 乡村振兴\n\n青山镇建成智慧农业示范园，带动农户增收。\n")


def test_rebuild_into_the_same_folder_is_seen_by_the_same_app(tmp_path):
    corpus = write_reports(tmp_path / "corpus", TINY_REPORTS)
    index_dir = tmp_path / "index"
    build(corpus, index_dir, workers=1)
    client = create_app({"index": str(index_dir)}).test_client()
    assert client.get("/api/search?q=智慧农业").get_json()["total"] == 0
    before = client.get("/healthz").get_json()["generation"]

    write_reports(corpus, {"qingshan-2023.md": NEW_REPORT})
    (corpus / "lvye-2022.md").unlink()
    build(corpus, index_dir, workers=1)

    data = client.get("/api/search?q=智慧农业").get_json()
    assert data["total"] == 1 and data["hits"][0]["doc_id"] == "qingshan-2023"
    assert client.get("/healthz").get_json()["generation"] != before
    assert client.get("/api/search?q=五星支部&town=绿野乡").get_json()["total"] == 0
    assert client.get("/docs/lvye-2022").status_code == 404
    assert "智慧农业" in client.get("/?q=智慧农业").get_data(as_text=True)


def test_incremental_update_is_seen(tmp_path):
    corpus = write_reports(tmp_path / "corpus", TINY_REPORTS)
    index_dir = tmp_path / "index"
    build(corpus, index_dir, workers=1)
    client = create_app({"index": str(index_dir)}).test_client()
    assert client.get("/api/stats").get_json()["documents"] == 3
    write_reports(corpus, {"qingshan-2023.md": NEW_REPORT})
    update(corpus, index_dir, workers=1)
    assert client.get("/api/stats").get_json()["documents"] == 4
    assert client.get("/api/docs/qingshan-2023").status_code == 200


def test_index_built_after_start_is_picked_up(tmp_path):
    index_dir = tmp_path / "index"
    client = create_app({"index": str(index_dir)}).test_client()
    assert client.get("/healthz").status_code == 503
    assert client.get("/?q=五星支部").status_code == 503
    build(write_reports(tmp_path / "corpus", TINY_REPORTS), index_dir, workers=1)
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/search?q=五星支部").get_json()["total"] == 3


def test_a_damaged_new_generation_is_reported_while_the_old_one_answers(tmp_path):
    """Background reload (the default): CURRENT pointing at a damaged generation keeps
    the searches answered from the previous one, and /healthz says what is wrong, with
    a rebuild command that names this index."""
    import os
    import shutil

    from index.generation import store

    corpus = write_reports(tmp_path / "corpus", TINY_REPORTS)
    index_dir = tmp_path / "index"
    build(corpus, index_dir, workers=1)
    client = create_app({"index": str(index_dir)}).test_client()
    before = client.get("/api/search?q=五星支部").get_json()["total"]
    assert before > 0 and client.get("/healthz").status_code == 200
    good = store.current_generation(index_dir)
    bad = index_dir / (good.name + "-copy")
    shutil.copytree(good, bad)
    os.chmod(bad / "norm.bin", 0o644)
    with open(bad / "norm.bin", "r+b") as f:
        f.truncate(10)
    store.switch_to(index_dir, bad)

    assert client.get("/api/search?q=五星支部").get_json()["total"] == before  # the old generation answers
    health = client.get("/healthz")
    assert health.status_code == 503
    error = health.get_json()["error"]
    assert "norm.bin" in error["message"] and "IndexDamaged" not in error["message"]
    assert "`" not in error["message"] and f"--index {index_dir}" in error["hint"]

    store.switch_to(index_dir, good)
    assert client.get("/healthz").status_code == 200
