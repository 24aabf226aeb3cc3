#!/usr/bin/env python3
"""Reliability figures for docs/RELIABILITY.md: prints one table per promise.

    .venv/bin/python bench/reliability.py                 # everything but the 50 MB report
    .venv/bin/python bench/reliability.py --only load,kill
    .venv/bin/python bench/reliability.py --big           # also a 50 MB report (minutes, GBs)

Sections: load (client loop against `govsearch serve` during three builds), kill
(kill -9 of a build at several moments), update (update ≡ full rebuild), docpage
(document page time by number of headings), hostile (hostile corpus files), slow
(idle and slow clients, the connection limit, an over-long request line against
`govsearch serve`), health (every file of a live generation damaged four ways: does
/healthz say 503 whenever a search fails or answers wrongly; and what /healthz costs);
issue 20's cases: records (a damaged build.json: update/build refuse to guess the
corpus), swaps (files swapped between the walk and the reading), sigbus (each mapped
file truncated under a live `govsearch serve --workers 2`), limits (a .docx inflating
to 1.1 GB, a .docx of 1,000,000 paragraphs, a 60 MB one-line text, a PDF of 100,000
pages, 1,100 nested folders: one build).
Memory across index switches: bench/switch_memory.py.
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
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
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
    same_totals = same_ids = same_scores = 0
    for q in queries[:30]:
        ra, rb = a.search(q, page_size=100), b.search(q, page_size=100)
        same_totals += ra.total == rb.total
        same_ids += sorted(h.passage_id for h in ra.hits) == sorted(h.passage_id for h in rb.hits)
        # passages of equal score are in row order, and an update appends its rows: where
        # a tie straddles the 100th hit, other passages of that score may fill the page
        same_scores += [round(h.score, 9) for h in ra.hits] == [round(h.score, 9) for h in rb.hits]
    table("`index update` ≡ full rebuild (change, rename .txt→.md, delete, add)",
          ["re-indexed", "removed", "queries", "same totals", "same scores rank by rank (first 100)",
           "same passage ids (first 100)"],
          [[len(report.indexed), len(report.removed), len(queries[:30]), same_totals, same_scores, same_ids]])


# --------------------------------------------------------------------------- docpage
def bench_docpage(work: Path) -> None:
    from index import build
    from index.reading.limits import Limits
    from web import create_app

    rows = []
    for headings in (2500, 10000, 40000):
        corpus = work / f"doc-{headings}"
        corpus.mkdir()
        lines = ["# 大纲镇工作总结", ""]
        for n in range(headings):
            lines += [f"## 第{n}部分", "", f"第{n}部分推进五星支部。" if n % 50 == 0 else f"第{n}部分内容。", ""]
        (corpus / "big.md").write_text("\n".join(lines), encoding="utf-8")
        # 40,000 headings are 80,001 passages: over the default --max-passages (20,000), raised here
        build(corpus, work / f"doc-index-{headings}", workers=1, limits=Limits(max_passages=0))
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


# --------------------------------------------------------------------------- slow clients
def _serve(index: Path, port: int, **settings) -> subprocess.Popen:
    env = dict(ENV, GOVSEARCH_REQUEST_LOG="false", **{f"GOVSEARCH_{k.upper()}": str(v) for k, v in settings.items()})
    server = subprocess.Popen([*CLI, "serve", "--index", str(index), "--port", str(port), "--threads", "4"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _raw(port: int, request: bytes, timeout: float = 10) -> tuple[str, float]:
    """(status or the error, ms) of one request on a new connection."""
    t0 = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(request)
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        status = data.split(b"\r\n", 1)[0].split(b" ")[1].decode() if data else "closed"
    except OSError as exc:
        status = type(exc).__name__
    return status, (time.perf_counter() - t0) * 1000


def bench_slow(work: Path) -> None:
    corpus = big_corpus(work / "slow-corpus", 20, 10)
    index = work / "slow-index"
    subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(index)], env=ENV, check=True,
                   capture_output=True)
    search = b"GET /api/search?q=%E4%BA%94%E6%98%9F%E6%94%AF%E9%83%A8 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    rows = []
    port = 8152
    server = _serve(index, port, channel_timeout=5)
    try:
        opened = time.perf_counter()
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(198)]
        time.sleep(0.5)
        answers = [_raw(port, search) for _ in range(20)]
        ok = sum(1 for s, _ in answers if s == "200")
        rows.append(["198 idle connections open, 20 new requests (defaults: limit 500)", f"{ok}/20 answered 200",
                     f"max {max(ms for _, ms in answers):.0f} ms"])
        for c in idle:
            c.settimeout(30)
        closed = sum(1 for c in idle if c.recv(1) == b"")
        rows.append(["the 198 idle connections, channel_timeout 5 s", f"{closed}/198 closed by the server",
                     f"all within {time.perf_counter() - opened:.1f} s of opening"])
        for c in idle:
            c.close()
        half = socket.create_connection(("127.0.0.1", port), timeout=30)
        half.sendall(b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n")
        t0 = time.perf_counter()
        rows.append(["half a request, then silence", "closed" if half.recv(1) == b"" else "answered",
                     f"after {time.perf_counter() - t0:.1f} s"])
        half.close()
        big = b"GET /api/search?q=" + b"a" * (4 * 1024 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        status, ms = _raw(port, big, timeout=30)
        rows.append(["request line of 4 MiB (limit 256 KiB)", f"status {status}", f"{ms:.0f} ms"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    port = 8153
    server = _serve(index, port, connection_limit=50)
    try:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(49)]
        time.sleep(0.5)
        at_limit = _raw(port, search)
        held.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.3)
        over = [_raw(port, search) for _ in range(10)]
        rows.append(["connection_limit 50: the 50th connection", f"status {at_limit[0]}", f"{at_limit[1]:.0f} ms"])
        rows.append(["connection_limit 50: 10 more while 50 are held",
                     ", ".join(sorted({s for s, _ in over})), f"max {max(ms for _, ms in over):.0f} ms"])
        for c in held:
            c.close()
        time.sleep(0.5)
        rows.append(["after they close", f"status {_raw(port, search)[0]}", ""])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    table("Slow and idle clients against `govsearch serve` (one process, loopback)", ["case", "result", "time"], rows)


# --------------------------------------------------------------------------- health
def _damage(kind: str, path: Path) -> None:
    if kind == "removed":
        path.unlink()
        return
    if kind == "truncated":
        os.truncate(path, path.stat().st_size // 2)
        return
    st = path.stat()
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data)):
        data[i] ^= 0x55
    os.chmod(path, 0o644)
    path.write_bytes(bytes(data))
    if kind == "same size, time kept":  # someone hiding the change
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def bench_health(work: Path) -> None:
    from index import build
    from web import create_app

    # what a poll costs, first: the damage below takes long on a loaded machine
    cost_index = work / "cost-index"
    build(big_corpus(work / "cost-corpus", 120, 40), cost_index, workers=1)
    client = create_app({"index": str(cost_index), "TESTING": True}).test_client()
    client.get("/healthz")
    rows = []
    for label, url in (("/healthz", "/healthz"), ("/api/search?q=五星支部", "/api/search?q=" + urllib.parse.quote("五星支部")),
                       ("/api/search, 10 words × 10 pages (new each time)", None)):
        times = []
        for i in range(100):
            u = url or "/api/search?q=" + urllib.parse.quote(WORDS[i % len(WORDS)]) + f"&page={i // len(WORDS) + 1}"
            t0 = time.perf_counter()
            assert client.get(u).status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        rows.append([label, f"{times[50]:.2f}", f"{times[95]:.2f}"])
    passages = client.get("/api/stats").get_json()["passages"]
    table(f"What /healthz costs (in-process app, {passages:,} passages, 100 calls each)", ["request", "p50 ms", "p95 ms"],
          rows)

    master = work / "health-index"
    build(big_corpus(work / "health-corpus", 6, 8), master, workers=1)
    gen_name = (master / "CURRENT").read_text().strip()
    files = sorted(p.name for p in (master / gen_name).iterdir() if p.is_file() and p.name != "manifest.json"
                   and not p.name.endswith("WRITELOCK"))
    kinds = ("truncated", "same size", "same size, time kept", "removed")
    probes = ["/api/search?q=" + urllib.parse.quote(w) for w in WORDS[:4]] + ["/?q=" + urllib.parse.quote(WORDS[5])]
    counts = {k: [0, 0, 0, 0] for k in kinds}  # cases, searches fail, /healthz 503, /healthz 200 while they fail
    missed = []
    for n, (name, kind) in enumerate((f, k) for f in files for k in kinds):
        index = work / f"h{n}"
        shutil.copytree(master, index, copy_function=shutil.copy2)
        app = create_app({"index": str(index), "TESTING": True})
        app.logger.disabled = True  # the 500s are counted, not printed
        client = app.test_client()
        want = [client.get(u).get_json(silent=True) for u in probes]
        client.get("/healthz")
        _damage(kind, index / gen_name / name)
        fails = False
        for u, w in zip(probes, want):
            r = client.get(u + "&page=1")  # another URL than before
            j = r.get_json(silent=True)
            fails |= r.status_code != 200 or bool(j and w and j.get("total") != w.get("total"))
        health = client.get("/healthz").status_code
        c = counts[kind]
        c[0] += 1
        c[1] += fails
        c[2] += health == 503
        if fails and health != 503:
            c[3] += 1
            missed.append(f"{name} ({kind})")
        shutil.rmtree(index, ignore_errors=True)
    table("/healthz against damage to each file of a live generation (in-process app, 5 searches each)",
          ["damage", "cases", "searches fail or differ", "/healthz 503", "/healthz 200 while searches fail"],
          [[k, *c] for k, c in counts.items()])
    if missed:
        print("\n200 while searches failed: " + ", ".join(missed))


# --------------------------------------------------------------------------- issue 20: records, swaps, SIGBUS, limits
def bench_records(work: Path) -> None:
    """A damaged build.json: update and build from a folder whose ./corpus holds one
    report must refuse, not rebuild the 15-report index from it."""
    corpus = big_corpus(work / "rec-corpus", 15, 5)
    rows = []
    for verb in ("update", "build"):
        index = work / f"rec-index-{verb}"
        subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(index)], env=ENV, check=True,
                       capture_output=True)
        here = work / f"rec-cwd-{verb}"
        (here / "corpus").mkdir(parents=True)
        (here / "corpus" / "one.txt").write_text("一镇工作总结\n\n一镇推进五星支部。\n", encoding="utf-8")
        gen = (index / "CURRENT").read_text().strip()
        os.truncate(index / gen / "build.json", 150)
        proc = subprocess.run([*CLI, "index", verb, "--index", str(index)], env=ENV, capture_output=True, text=True,
                              cwd=here)
        live = (index / "CURRENT").read_text().strip()
        reports = len(json.loads((index / live / "documents.json").read_text(encoding="utf-8")))
        reports = f"{reports} ({'the same generation' if live == gen else 'another generation'})"
        rows.append([f"`index {verb}`, build.json truncated to 150 bytes, ./corpus of 1 report", proc.returncode,
                     (proc.stderr.strip().splitlines() or [""])[0][:110], reports])
    table("A damaged record (15-report index)", ["case", "exit", "message", "reports in the live generation after"],
          rows)

    # same-size damage to a file of the live generation, then an update with nothing to do
    # (the corpus as it was): found and repaired, or kept ("nothing changed")?
    master = work / "rec-master"
    subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(master)], env=ENV, check=True,
                   capture_output=True)
    gen_name = (master / "CURRENT").read_text().strip()
    segment = sorted(p.name for p in (master / gen_name).iterdir() if p.suffix == ".seg")[0]
    rows = []
    for name in ("jieba.bin", "jieba.pairs.npy", "norm.bin", "documents.json", segment):
        for kind in ("same size", "same size, time kept"):
            index = work / "rec-same-size"
            shutil.rmtree(index, ignore_errors=True)
            shutil.copytree(master, index, copy_function=shutil.copy2)
            time.sleep(0.01)
            _damage(kind, index / gen_name / name)
            t0 = time.perf_counter()
            proc = subprocess.run([*CLI, "index", "update", "--index", str(index)], env=ENV, capture_output=True,
                                  text=True)
            seconds = time.perf_counter() - t0
            out = proc.stdout + proc.stderr
            said = ("damaged, rebuilt" if "damaged" in out and name in out else
                    "nothing changed" if "nothing changed" in out else out.strip().splitlines()[-1][:60])
            live = (index / "CURRENT").read_text().strip()
            check = subprocess.run([*CLI, "search", WORDS[0], "--index", str(index), "--json"], env=ENV,
                                   capture_output=True, text=True)
            rows.append([name if name != segment else f"{name} (a Whoosh segment)", kind, proc.returncode, said,
                         "yes" if live != gen_name else "no", "yes" if check.returncode == 0 else "no",
                         f"{seconds:.1f}"])
    table("Same-size damage to a file of the live generation, then `index update` with the corpus unchanged",
          ["file", "damage", "exit", "update says", "new generation", "searches answer after", "update s"], rows)


def bench_swaps(work: Path) -> None:
    """Files swapped between the walk and the reading (the build's own walk, wrapped)."""
    import importlib

    from index import build
    from index.reading.ingest import WalkOptions
    from search.engine import Searcher

    build_module = importlib.import_module("index.generation.build")
    real_walk = build_module.walk_tree
    outside = work / "swap-outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密文件\n\n语料库之外的秘密口令青龙白虎。\n", encoding="utf-8")
    (outside / "sub").mkdir()
    (outside / "sub" / "b.txt").write_text("机密文件\n\n语料库之外的秘密口令青龙白虎。\n", encoding="utf-8")

    def link(path: Path, target: Path):
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        path.symlink_to(target)

    def fifo(path: Path):
        path.unlink()
        os.mkfifo(path)

    cases = [("a report → link to a file outside", "a.txt", lambda c: link(c / "a.txt", outside / "secret.txt")),
             ("a folder → link to a folder outside", "sub/b.txt", lambda c: link(c / "sub", outside / "sub")),
             ("a report → FIFO", "a.txt", lambda c: fifo(c / "a.txt")),
             ("metadata.tsv → link to /dev/zero", "metadata.tsv", lambda c: link(c / "metadata.tsv", Path("/dev/zero"))),
             ("a report grown past the cap (1 MB)", "a.txt",
              lambda c: (c / "a.txt").write_text("大" * 400_000, encoding="utf-8"))]
    rows = []
    for n, (label, name, swap) in enumerate(cases):
        corpus = work / f"swap-{n}"
        (corpus / "sub").mkdir(parents=True)
        (corpus / "a.txt").write_text("大隗镇工作总结\n\n大隗镇推动五星支部创建。\n", encoding="utf-8")
        (corpus / "sub" / "b.txt").write_text("来集镇工作总结\n\n来集镇深化万人助万企。\n", encoding="utf-8")
        (corpus / "metadata.tsv").write_text("file\ttown\na.txt\t大隗镇\n", encoding="utf-8")

        def walk_then_swap(*args, _swap=swap, _corpus=corpus, **kwargs):
            walked = real_walk(*args, **kwargs)
            _swap(_corpus)
            return walked

        build_module.walk_tree = walk_then_swap
        t0 = time.perf_counter()
        try:
            report = build(corpus, work / f"swap-index-{n}", workers=1, walk=WalkOptions(max_file_mb=1))
        finally:
            build_module.walk_tree = real_walk
        seconds = time.perf_counter() - t0
        reasons = dict(report.skipped + report.failed)
        secret = Searcher(work / f"swap-index-{n}").search("青龙白虎").total
        rows.append([label, reasons.get(name, "indexed" if name in report.indexed else "—")[:90],
                     len(report.indexed), secret, f"{seconds:.1f}"])
    table("Files swapped between the walk and the reading (in-process build, walk wrapped)",
          ["swap", "outcome", "reports indexed", "outside text found", "build s"], rows)


def _docx_with(document_xml_chunks, path: Path) -> None:
    import io
    import zipfile

    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    with zipfile.ZipFile(blank) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, src.read(item.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as f:
            for chunk in document_xml_chunks:
                f.write(chunk)


def _pdf_of_pages(pages: int, path: Path) -> None:
    """A PDF whose page tree declares ``pages`` blank pages (written by hand: fast)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [" % pages + b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
               + b"] >>"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def bench_limits(work: Path) -> None:
    """The per-file bombs of issue 20 in one corpus, one `index build` (a subprocess:
    its peak memory is measured)."""
    corpus = work / "limits"
    corpus.mkdir()
    (corpus / "good.txt").write_text("大隗镇工作总结\n\n大隗镇扎实推动五星支部创建。\n", encoding="utf-8")
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    tail = b"</w:body></w:document>"
    para = "<w:p><w:r><w:t>五星支部</w:t></w:r></w:p>".encode()
    _docx_with([head] + [para * 10_000] * 2_750 + [tail], corpus / "inflates-1.1GB.docx")
    _docx_with([head] + [b"<w:p><w:r><w:t>" + b"x" * 8 + b"</w:t></w:r></w:p>"] * 1_000_000 + [tail],
               corpus / "million-paragraphs.docx")
    (corpus / "one-line-60MB.txt").write_text("五星支部" + "很长的一行，" * 3_500_000 + "\n", encoding="utf-8")
    _pdf_of_pages(100_000, corpus / "pages-100000.pdf")
    fd = os.open(corpus, os.O_RDONLY)
    for _ in range(1_100):  # one level at a time (pathlib's mkdir(parents=True) recurses once per level)
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(out, "深处镇工作总结\n\n深处镇推进五星支部。\n".encode())
    os.close(out)
    os.close(fd)
    sizes = {p.name: p.stat().st_size for p in corpus.iterdir() if p.is_file()}
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(work / "limits-index"),
                           "--json", "--workers", "2"], env=ENV, capture_output=True, text=True, timeout=3600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = time.perf_counter() - t0
    report = json.loads(proc.stdout)
    reasons = {item["file"]: item["reason"] for item in report["skipped"] + report["failed"]}
    rows = []
    for name in sorted(sizes):
        rows.append([name, f"{sizes[name] / 1e6:.2f}", "indexed" if name in report["indexed"] else
                     "skipped: " + reasons.get(name, "?")])
    rows.append(["d/d/…/d (1,100 folders)/deep.txt", "", "indexed" if any(f.endswith("deep.txt") for f in report["indexed"])
                 else "skipped: " + next((r for f, r in reasons.items() if f.endswith("deep.txt")), "?")])
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    _remove_nested(corpus / "d")
    table(f"Per-file limits, one `index build --workers 2` (exit {proc.returncode}, {seconds:.1f} s wall, "
          f"{cpu:.1f} CPU-s, peak RSS of a build process {after.ru_maxrss / 1024:.0f} MiB)", ["file", "MB", "outcome"],
          rows)


def _remove_nested(top: Path) -> None:
    """Remove a chain of nested ``d`` folders from the bottom, one level at a time
    (shutil.rmtree recurses once per level and fails past about a thousand)."""
    fds = [os.open(top, os.O_RDONLY)]
    while True:
        try:
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        except FileNotFoundError:
            break
    for name in os.listdir(fds[-1]):  # the report at the bottom
        os.unlink(name, dir_fd=fds[-1])
    for parent in reversed(fds[:-1]):
        os.rmdir("d", dir_fd=parent)
    for fd in fds:
        os.close(fd)
    os.rmdir(top)


def bench_sigbus(work: Path) -> None:
    """Each mapped file truncated under a live `govsearch serve --workers 2`: no process
    dies (before: SIGBUS killed both workers), searches and /healthz say 503 naming it."""
    corpus = big_corpus(work / "bus-corpus", 20, 10)
    master = work / "bus-master"
    subprocess.run([*CLI, "index", "build", "--corpus", str(corpus), "--index", str(master)], env=ENV, check=True,
                   capture_output=True)
    rows = []
    port = 8154
    for n, name in enumerate(("jieba.bin", "jieba.offsets.npy", "jieba.freq.npy", "jieba.pairs.npy", "norm.bin",
                              "col.doc.npy")):
        index = work / f"bus-{n}"
        shutil.copytree(master, index)
        gen = (index / "CURRENT").read_text().strip()
        if not (index / gen / name).exists():
            rows.append([name, "not in this generation", "", "", "", ""])
            continue
        env = dict(ENV, GOVSEARCH_REQUEST_LOG="false")
        server = subprocess.Popen([*CLI, "serve", "--index", str(index), "--port", str(port + n), "--workers", "2",
                                   "--threads", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        url = f"http://127.0.0.1:{port + n}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.1)
            for w in WORDS[:4]:  # every worker likely maps the files
                urllib.request.urlopen(url + "/api/search?q=" + urllib.parse.quote(w), timeout=60).read()
            pids = sorted(group(server.pid))
            os.truncate(index / gen / name, (index / gen / name).stat().st_size // 2)
            statuses, named = {}, 0
            for i in range(10):
                try:
                    r = urllib.request.urlopen(url + "/api/search?q=" + urllib.parse.quote(WORDS[i % 10] + WORDS[(i + 3) % 10]),
                                               timeout=60)
                    code, body = r.status, r.read()
                except urllib.error.HTTPError as exc:
                    code, body = exc.code, exc.read()
                except OSError as exc:
                    code, body = type(exc).__name__, b""
                statuses[code] = statuses.get(code, 0) + 1
                named += name.encode() in body
            try:
                urllib.request.urlopen(url + "/healthz", timeout=60)
                health = 200
            except urllib.error.HTTPError as exc:
                health = exc.code
            alive = sorted(group(server.pid))
            rows.append([name, ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)), f"{named}/10",
                         health, f"{len(pids)} → {len(alive)}", "yes" if alive == pids else "no"])
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(60)
    table("A mapped file truncated to half under a live `govsearch serve --workers 2` (10 new searches after)",
          ["file", "statuses", "answers naming the file", "/healthz", "processes (master + workers)", "same processes"],
          rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="load,kill,update,docpage,hostile,slow,health,records,swaps,limits,sigbus")
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
        if "slow" in wanted:
            bench_slow(work)
        if "health" in wanted:
            bench_health(work)
        if "records" in wanted:
            bench_records(work)
        if "swaps" in wanted:
            bench_swaps(work)
        if "sigbus" in wanted:
            bench_sigbus(work)
        if "limits" in wanted:
            bench_limits(work)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
