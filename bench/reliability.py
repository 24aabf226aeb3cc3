#!/usr/bin/env python3
"""Reliability figures for docs/RELIABILITY.md: prints one table per promise.

    .venv/bin/python bench/reliability.py                 # everything but the 50 MB report
    .venv/bin/python bench/reliability.py --only load,kill
    .venv/bin/python bench/reliability.py --big           # also a 50 MB report (minutes, GBs)

Sections: load (client loop against `govsearch serve` during three builds), kill
(kill -9 of a build at several moments), update (update ≡ full rebuild), docpage
(document page time by number of headings), hostile (hostile corpus files).
Ports 8150-8159 on 127.0.0.1. Work folders under a temporary directory, removed after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
CLI = [sys.executable, "-m", "govsearch.cli"]
WORDS = "五星支部 万人助万企 人居环境 乡村振兴 高质量发展 项目建设 党建引领 营商环境 基层治理 产业升级".split()


def big_corpus(folder: Path, files: int, paragraphs: int, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        body = "\n\n".join("，".join(rnd.choice(WORDS) for _ in range(30)) + "。" for _ in range(paragraphs))
        (folder / f"r{n:03d}.txt").write_text(f"第{n}镇工作总结\n\n{body}\n", encoding="utf-8")
    return folder


def group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) == pgid:
                found.append(int(entry))
    return found


def table(title: str, header: list[str], rows: list[list]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    sys.stdout.flush()


# --------------------------------------------------------------------------- load
def bench_load(work: Path) -> None:
    corpus = big_corpus(work / "load-corpus", 120, 40)
    index = work / "load-index"
    subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(index)], env=ENV, check=True,
                   capture_output=True)
    port = 8151
    server = subprocess.Popen([*CLI, "serve", "--index", str(index), "--port", str(port), "--threads", "4"], env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        expected = json.loads(urllib.request.urlopen(url + "/api/search?q=" + urllib.parse.quote("五星支部")).read())["total"]
        stop = threading.Event()
        stats = {"requests": 0, "errors": 0, "empty": 0, "wrong_total": 0, "max_ms": 0.0, "lat": []}
        lock = threading.Lock()

        def client():
            q = urllib.parse.quote("五星支部")
            while not stop.is_set() and stats["requests"] < 20000:
                t0 = time.perf_counter()
                try:
                    body = json.loads(urllib.request.urlopen(f"{url}/api/search?q={q}&page_size=5", timeout=60).read())
                    ok, total = True, body["total"]
                except Exception:
                    ok, total = False, None
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    stats["requests"] += 1
                    stats["lat"].append(ms)
                    stats["max_ms"] = max(stats["max_ms"], ms)
                    if not ok:
                        stats["errors"] += 1
                    elif total == 0:
                        stats["empty"] += 1
                    elif total != expected:
                        stats["wrong_total"] += 1

        threads = [threading.Thread(target=client) for _ in range(3)]
        for t in threads:
            t.start()
        builds = []
        for _ in range(3):
            t0 = time.perf_counter()
            proc = subprocess.run([*CLI, "index", "build", "--index", str(index)], env=ENV, capture_output=True)
            builds.append((proc.returncode, time.perf_counter() - t0))
            time.sleep(1)
        stop.set()
        for t in threads:
            t.join()
        lat = sorted(stats["lat"])
        table("Rebuild under load (3 client threads, /api/search?q=五星支部, during 3 consecutive `index build`)",
              ["builds (exit, s)", "requests", "errors", "empty answers", "wrong totals", "p50 ms", "p99 ms", "max ms"],
              [[", ".join(f"{rc}/{s:.1f}" for rc, s in builds), stats["requests"], stats["errors"], stats["empty"],
                stats["wrong_total"], f"{lat[len(lat) // 2]:.1f}", f"{lat[int(len(lat) * 0.99)]:.1f}",
                f"{stats['max_ms']:.0f}"]])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


# --------------------------------------------------------------------------- kill
def bench_kill(work: Path) -> None:
    corpus = big_corpus(work / "kill-corpus", 240, 60)
    small = work / "kill-small"
    small.mkdir()
    (small / "a.txt").write_text("大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n", encoding="utf-8")
    rows = []
    for moment in (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, "switch"):
        index = work / f"kill-index-{moment}"
        subprocess.run([*CLI, "index", "build", "--corpus", str(small), "--index", str(index)], env=ENV, check=True,
                       capture_output=True)
        live = (index / "CURRENT").read_text()
        proc = subprocess.Popen([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(index), "--workers",
                                 "2", "--replace-corpus"], env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        most = 0
        if moment == "switch":  # as soon as CURRENT changes
            while (index / "CURRENT").read_text() == live and proc.poll() is None:
                most = max(most, len(group(proc.pid)))
                time.sleep(0.002)
        else:
            deadline = time.monotonic() + moment
            while time.monotonic() < deadline:
                most = max(most, len(group(proc.pid)))
                time.sleep(0.02)
        finished = proc.poll() is not None
        proc.kill()
        proc.wait()
        time.sleep(1)
        orphans = len(group(proc.pid))
        switched = (index / "CURRENT").read_text() != live
        t0 = time.perf_counter()
        nxt = subprocess.run([*CLI, "index", "update", "--index", str(index), "--workers", "1"], env=ENV,
                             capture_output=True, text=True)
        search = subprocess.run([*CLI, "search", "五星支部", "--json", "--index", str(index)], env=ENV,
                                capture_output=True, text=True)
        total = json.loads(search.stdout)["total"] if search.returncode == 0 else f"exit {search.returncode}"
        rows.append([moment, most, "yes" if finished else "no", "yes" if switched else "no", orphans,
                     f"{nxt.returncode} ({time.perf_counter() - t0:.1f} s)", total])
    table("kill -9 of a 2-worker build (240 files) at several moments",
          ["killed at (s)", "processes seen", "had finished", "CURRENT switched", "processes left 1 s later",
           "next `index update` exit", "search total after"], rows)


# --------------------------------------------------------------------------- update
def bench_update(work: Path) -> None:
    from index import build, update
    from search.engine import Searcher

    corpus = big_corpus(work / "upd-corpus", 40, 20)
    build(corpus, work / "upd-index", workers=1)
    (corpus / "r000.txt").write_text("新增镇工作总结\n\n新增镇推进五星支部。\n", encoding="utf-8")  # change
    (corpus / "r001.txt").rename(corpus / "r001.md")  # rename
    (corpus / "r002.txt").unlink()  # delete
    (corpus / "new.txt").write_text("新来镇工作总结\n\n新来镇深化万人助万企。\n", encoding="utf-8")  # add
    report = update(corpus, work / "upd-index", workers=1)
    build(corpus, work / "upd-fresh", workers=1)
    a, b = Searcher(work / "upd-index"), Searcher(work / "upd-fresh")
    rnd = random.Random(3)
    queries = WORDS + [rnd.choice(WORDS) + " " + rnd.choice(WORDS) for _ in range(18)] + ["新增镇", "新来镇"]
    same_totals = same_ids = 0
    for q in queries[:30]:
        ra, rb = a.search(q, page_size=100), b.search(q, page_size=100)
        same_totals += ra.total == rb.total
        same_ids += sorted(h.passage_id for h in ra.hits) == sorted(h.passage_id for h in rb.hits)
    table("`index update` ≡ full rebuild (change, rename .txt→.md, delete, add)",
          ["re-indexed", "removed", "queries", "same totals", "same passage ids (first 100)"],
          [[len(report.indexed), len(report.removed), len(queries[:30]), same_totals, same_ids]])


# --------------------------------------------------------------------------- docpage
def bench_docpage(work: Path) -> None:
    from index import build
    from web import create_app

    rows = []
    for headings in (2500, 10000, 40000):
        corpus = work / f"doc-{headings}"
        corpus.mkdir()
        lines = ["# 大纲镇工作总结", ""]
        for n in range(headings):
            lines += [f"## 第{n}部分", "", f"第{n}部分推进五星支部。" if n % 50 == 0 else f"第{n}部分内容。", ""]
        (corpus / "big.md").write_text("\n".join(lines), encoding="utf-8")
        build(corpus, work / f"doc-index-{headings}", workers=1)
        for limit in (None, 5000):
            settings = {"index": str(work / f"doc-index-{headings}"), "TESTING": True}
            if limit is None:
                settings["document_max_passages"] = 10**9
            client = create_app(settings).test_client()
            client.get("/docs/big")  # load the index
            t0 = time.perf_counter()
            r = client.get("/docs/big?q=五星支部")
            page_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            client.get("/api/docs/big")
            api_s = time.perf_counter() - t0
            rows.append([headings, "none" if limit is None else limit, r.status_code, f"{len(r.data) / 1e6:.1f}",
                         f"{page_s:.2f}", f"{api_s:.2f}"])
    table("Document page by number of headings (Flask test client, ?q=五星支部)",
          ["headings", "document_max_passages", "status", "page MB", "page s", "/api/docs s"], rows)


# --------------------------------------------------------------------------- hostile
def bench_hostile(work: Path, big: bool) -> None:
    corpus = work / "hostile"
    corpus.mkdir()
    good = "大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n"
    (corpus / "good.txt").write_text(good, encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "invalid-utf8.txt").write_bytes(b"\xff\xfe\xfa\xfb" * 500)
    (corpus / "long-line.txt").write_text("五星支部" + "很长的一行，" * 850_000 + "\n", encoding="utf-8")  # ~5 MB line
    tiny = corpus / "tiny"
    tiny.mkdir()
    for n in range(10_000):
        (tiny / f"t{n:05d}.txt").write_text(f"第{n}号小文件推进五星支部。\n", encoding="utf-8")
    deep = corpus
    for n in range(60):
        deep = deep / f"d{n}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(good, encoding="utf-8")
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "dangling.txt").symlink_to(work / "nowhere.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    for name in ("名字 有 空格.txt", "-leading-dash.txt", "中文名称.txt", "--help.txt"):
        (corpus / name).write_text(good, encoding="utf-8")
    (corpus / "unreadable.txt").write_text(good, encoding="utf-8")
    (corpus / "unreadable.txt").chmod(0)
    if big:
        (corpus / "fifty-mb.txt").write_text(("大隗镇推进五星支部创建，人居环境持续改善。\n\n" * 800_000), encoding="utf-8")
    t0 = time.perf_counter()
    proc = subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(work / "hostile-index"),
                           "--json"] + (["--max-file-mb", "64"] if big else []), env=ENV, capture_output=True, text=True,
                          timeout=3600)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(proc.stdout)
    reasons: dict[str, int] = {}
    for item in report["skipped"] + report["failed"]:
        reason = item["reason"].split(":")[0].split("(")[0].strip()
        reasons[reason] = reasons.get(reason, 0) + 1
    indexed = set(report["indexed"])
    special = ["good.txt", "long-line.txt", "d0/" + "/".join(f"d{n}" for n in range(1, 60)) + "/deep.txt",
               "名字 有 空格.txt", "-leading-dash.txt", "中文名称.txt", "--help.txt"] + (["fifty-mb.txt"] if big else [])
    rows = [[name, "indexed" if name in indexed else "not indexed"] for name in special]
    rows.append(["tiny/ (10,000 files)", f"{sum(1 for f in indexed if f.startswith('tiny/'))} indexed"])
    for item in report["skipped"] + report["failed"]:
        if not item["file"].startswith("tiny/"):
            rows.append([item["file"], "skipped: " + item["reason"]])
    table(f"Hostile corpus (exit {proc.returncode}, {seconds:.1f} s, peak RSS of the build {peak:.0f} MiB)",
          ["file", "outcome"], rows)
    (corpus / "unreadable.txt").chmod(0o644)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="load,kill,update,docpage,hostile")
    parser.add_argument("--big", action="store_true", help="add a 50 MB report to the hostile corpus")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="govsearch-reliability-") as tmp:
        work = Path(tmp)
        print(f"# govsearch reliability figures ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]})")
        if "update" in wanted:
            bench_update(work)
        if "kill" in wanted:
            bench_kill(work)
        if "docpage" in wanted:
            bench_docpage(work)
        if "hostile" in wanted:
            bench_hostile(work, args.big)
        if "load" in wanted:
            bench_load(work)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
