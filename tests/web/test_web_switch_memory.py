"""A serving process lets go of an old index generation after a switch: its passage
table (maps and caches) and its vocabulary (completions, spelling tables) are freed,
so memory stays flat over rebuilds (bench/switch_memory.py measures the RSS)."""

from __future__ import annotations

import gc

from index import build
from search.suggest import Vocabulary
from search.table import PassageTable
from web import create_app
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)


def alive(cls) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, cls))


def test_old_generations_are_freed_after_switches(tmp_path):
    corpus = write_reports(tmp_path / "corpus", TINY_REPORTS)
    index = tmp_path / "index"
    build(corpus, index, workers=1)
    app = create_app({"index": str(index), "TESTING": True, "reload_in_background": False})
    client = app.test_client()
    tables_before, vocabularies_before = alive(PassageTable), alive(Vocabulary)
    generations = set()
    for _ in range(5):
        build(None, index, workers=1)  # a switch, as `govsearch index build` makes
        assert client.get("/api/search?q=五星支部").get_json()["total"] == 3
        assert client.get("/api/suggest?q=五星").status_code == 200  # the vocabulary
        assert client.get("/api/search?q=五心支部").status_code == 200  # spelling tables: did you mean
        assert client.get("/docs/hongxing-2021?q=五星支部").status_code == 200
        generations.add(client.get("/healthz").get_json()["generation"])
    assert len(generations) == 5
    # the live generation's, at most one more: never one per switch
    assert alive(PassageTable) - tables_before <= 2
    assert alive(Vocabulary) - vocabularies_before <= 2



def test_a_switch_lets_go_of_the_old_generation_without_waiting_for_the_collector(tmp_path):
    """No reference cycle holds the old generation's objects: their maps are released
    at the switch, not some switches later when the collector happens to run
    (automatic collection is off here)."""
    import shutil

    from index.generation import store

    corpus = write_reports(tmp_path / "corpus", TINY_REPORTS)
    index = tmp_path / "index"
    build(corpus, index, workers=1)
    client = create_app({"index": str(index), "TESTING": True, "reload_in_background": False}).test_client()
    gc.collect()
    before = [sum(1 for o in gc.get_objects() if isinstance(o, cls)) for cls in (PassageTable, Vocabulary)]
    gc.disable()
    try:
        for i in range(3):
            assert client.get("/api/search?q=五星支部").get_json()["total"] == 3
            assert client.get("/api/suggest?q=五星").status_code == 200
            assert client.get("/api/search?q=五心支部").status_code == 200
            assert client.get("/docs/hongxing-2021?q=五星支部").status_code == 200
            live = store.current_generation(index)
            copy = index / f"{live.name}-copy{i}"
            shutil.copytree(live, copy)  # a new generation, as a build switches to
            store.switch_to(index, copy)
        assert client.get("/api/search?q=五星支部").get_json()["total"] == 3
        # counted without collecting: only what is really still held
        after = [sum(1 for o in gc.get_objects() if isinstance(o, cls)) for cls in (PassageTable, Vocabulary)]
        assert after[0] - before[0] <= 1 and after[1] - before[1] <= 1
    finally:
        gc.enable()
