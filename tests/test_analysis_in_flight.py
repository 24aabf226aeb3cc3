"""index/generation/build.py: a parallel build hands its analysis workers a bounded
number of files ahead of what it has taken back (finished reports no longer pile up
in the build's memory when the workers run ahead), and still indexes every file."""

from __future__ import annotations

from conftest import write_corpus
from index import build
from index.generation import build as build_module


def test_in_flight_hands_out_at_most_its_size_until_one_is_done():
    window = build_module.InFlight(3)
    fed = window.feed(range(10))
    assert [next(fed) for _ in range(3)] == [0, 1, 2]
    assert not window._slots.acquire(blocking=False)  # the fourth waits
    window.done()
    assert next(fed) == 3
    window.stop()
    assert list(fed) == []  # stopped while waiting for a slot: the feeding ends


def test_a_parallel_build_keeps_the_files_in_flight_bounded(tmp_path, monkeypatch):
    outstanding: list[int] = []

    class Counting(build_module.InFlight):
        def __init__(self, size):
            super().__init__(size)
            self.size, self.out = size, 0

        def feed(self, tasks):
            for task in super().feed(tasks):
                self.out += 1
                outstanding.append(self.out)
                assert self.out <= self.size
                yield task

        def done(self):
            self.out -= 1
            super().done()

    monkeypatch.setattr(build_module, "InFlight", Counting)
    monkeypatch.setattr(build_module, "IN_FLIGHT_CHUNKS", 1)
    n = build_module.PARALLEL_THRESHOLD * 2
    corpus = write_corpus(tmp_path / "c", {f"r{i:02d}.txt": f"第{i}镇2022年工作总结\n\n一、党建\n支部{i}号扎实推动创建。\n"
                                           for i in range(n)})
    report = build(corpus, tmp_path / "i", workers=2)
    assert len(report.indexed) == n
    assert len(outstanding) == n and max(outstanding) <= 2 * 4  # one chunk of four files per worker


def _spy_pools(monkeypatch) -> list[list[str]]:
    """Every pool the build makes, with the calls made on it (close, terminate, join)."""
    import multiprocessing.pool

    calls: list[list[str]] = []
    real = multiprocessing.pool.Pool

    class Spied(real):
        def __init__(self, *a, **k):
            self.calls = []
            calls.append(self.calls)
            super().__init__(*a, **k)

        def close(self):
            self.calls.append("close")
            super().close()

        def terminate(self):
            self.calls.append("terminate")
            super().terminate()

        def join(self):
            self.calls.append("join")
            super().join()

    monkeypatch.setattr(multiprocessing.pool, "Pool", Spied)
    return calls


def test_a_finished_parallel_build_lets_its_workers_end(tmp_path, monkeypatch):
    calls = _spy_pools(monkeypatch)
    n = build_module.PARALLEL_THRESHOLD * 2
    corpus = write_corpus(tmp_path / "c", {f"r{i:02d}.txt": f"第{i}镇2022年工作总结\n\n一、党建\n支部{i}号扎实推动创建。\n"
                                           for i in range(n)})
    assert len(build(corpus, tmp_path / "i", workers=2).indexed) == n
    assert calls == [["close", "join"]]  # never killed when done: one might hold the task queue's lock
