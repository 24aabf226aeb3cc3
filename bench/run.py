"""One command for the whole benchmark: corpora, builds, queries, recall, report.

    .venv/bin/python bench/run.py                          # real, 10mb, 100mb; every peer
    .venv/bin/python bench/run.py --sizes real,10mb --repeat 20
    .venv/bin/python bench/run.py --sizes 100mb --peers sqlite-fts5,brute-force

For every corpus size it builds govsearch (``ours``) and the peers, each in a child
process (wall time, characters per second, index size / text size, peak memory of the
process tree), exports the engine's passages and computes a brute-force oracle for
every query of ``queries.py``, then measures a full search page (top 20 with snippets,
total, facets) for every query ``--repeat`` times in a fresh process per system, plus
recall against the oracle. When the web app (``import web``) is there it also serves
the index on 127.0.0.1 and measures ``GET /api/search``; on scaled corpora it times
``govsearch index update`` after one report changed.

Results go to ``bench/out/results-<size>.json``; the Markdown report is printed and
written to ``BENCHMARKS.md`` at the repository root, with the results of every size
run so far (each says when it ran). See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # last: an engine snapshot on PYTHONPATH (--engine-commit) wins

import scale_corpus  # noqa: E402
from oracle import FileOracle, Oracle, check_documents  # noqa: E402
from passages import Passages, export_passages  # noqa: E402
from peers import PEERS  # noqa: E402
from queries import CATEGORIES, QUERIES  # noqa: E402

OUT = BENCH / "out"
REPORT = ROOT / "BENCHMARKS.md"
ANALYSIS = BENCH / "analysis.md"
COLD_START = BENCH / "cold_start.md"  # written by bench/cold_start.py --write
PY = sys.executable
GOVSEARCH = Path(PY).with_name("govsearch")
SIZE_ORDER = ["sample", "real", "10mb", "100mb"]
SUFFIXES = (".txt", ".md", ".markdown")
MB = 1024 * 1024

TARGETS = {
    "p50": 20.0, "p95": 80.0, "http_p95": 120.0, "brute_p50_factor": 3.0, "throughput": 150_000,
    "memory": 1.5 * 1024**3, "update": 3.0, "index_ratio": 4.0,
}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# =========================================================================== measuring


class TreeSampler(threading.Thread):
    """Peak memory of a process and all its descendants, sampled every ``interval`` s.

    ``rss`` sums resident set sizes (pages shared between forked workers count once per
    process: an upper bound); ``pss`` shares them out (the fair figure)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self.max_procs = 0
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._halt.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            rss = pss = 0
            for p in procs:
                try:
                    full = p.memory_full_info()
                    rss += full.rss
                    pss += getattr(full, "pss", full.rss)
                except psutil.Error:
                    pass
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.max_procs = max(self.max_procs, len(procs))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_child(args: list[str], sample: bool = False, nice: int = 0) -> tuple[dict, dict]:
    """Run ``worker.py`` with ``args``; return (its JSON result, {wall, peak memory})."""
    out = Path(args[args.index("--out") + 1])
    if out.exists():
        out.unlink()
    cmd = [PY, str(BENCH / "worker.py"), *args]
    busy_before = machine_busy()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, preexec_fn=(lambda: os.nice(nice)) if nice else None)
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - started
    if sampler:
        sampler.stop()
    if rc != 0 or not out.exists():
        raise RuntimeError(f"{' '.join(cmd)} failed with exit code {rc}")
    result = json.loads(out.read_text(encoding="utf-8"))
    extra = {"wall": wall, "machine_busy": machine_busy() - busy_before}
    if sampler:
        extra.update(peak_rss=sampler.peak_rss, peak_pss=sampler.peak_pss, processes=sampler.max_procs)
    return result, extra


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def other_load(step: dict) -> str:
    """'ours 55 CPU-s in 30 s wall; other processes 3 CPU-s' for a measured step."""
    busy, mine, wall = step.get("machine_busy"), step.get("cpu_seconds"), step.get("wall")
    if busy is None or mine is None:
        return "—"
    return (f"{mine:.0f} CPU-s in {wall:.0f} s wall ({mine / wall:.2f} cores); "
            f"other processes {max(0.0, busy - mine):.0f} CPU-s")


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def latency(result: dict, ids: list[str] | None = None, first_only: bool = False) -> dict:
    values = []
    for qid, samples in result["samples"].items():
        if ids is not None and qid not in ids:
            continue
        values.extend(samples[:1] if first_only else samples)
    return {"p50": pct(values, 50), "p95": pct(values, 95), "max": max(values) if values else None, "n": len(values)}


def recall_summary(result: dict) -> dict:
    rec = result.get("recall") or {}
    vals = [r["recall"] for r in rec.values() if r["recall"] is not None]
    if not vals:
        return {"min": None, "mean": None, "below": None, "scored": 0, "extra": None}
    return {"min": min(vals), "mean": sum(vals) / len(vals), "below": sum(v < 1 for v in vals),
            "scored": len(vals), "extra": sum(1 for r in rec.values() if r["extra"])}


# =========================================================================== steps


def corpus_stats(corpus: Path) -> dict:
    files = nbytes = chars = 0
    for root, dirs, names in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(root) / name
            data = path.read_bytes()
            files += 1
            nbytes += len(data)
            chars += len(data.decode("utf-8", errors="replace"))
    return {"files": files, "bytes": nbytes, "characters": chars}


def resolve_corpus(size: str, seed: int) -> tuple[Path | None, str]:
    if size == "real":
        if not scale_corpus.REAL.is_dir():
            return None, f"{scale_corpus.REAL} is absent: the real corpus is skipped"
        return scale_corpus.REAL, "the real corpus as it is (../shared/corpus-real)"
    if size == "sample":
        return ROOT / "corpus", "the sample corpus (corpus/)"
    path, info = scale_corpus.ensure(size, seed, log=log)
    where = "sample + real corpora" if info.get("real_corpus_used", True) else "the sample corpus only (real corpus absent)"
    return path, f"scaled from {where} by bench/scale_corpus.py, seed {seed}: {info['reports']} reports"


def compute_oracle(passages_path: Path, oracle_path: Path) -> dict:
    p = Passages.load(passages_path)
    o = Oracle(p)
    out = {}
    for q in QUERIES:
        found = o.match(q.q, q.filters)
        out[q.id] = {"count": len(found), "ids": [p.ids[i] for i in found], "facets": o.facets(found)}
    oracle_path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return {q: v["count"] for q, v in out.items()}


def check_files(corpus: Path, passages_path: Path, oracle_path: Path) -> dict:
    """The passage oracle's documents against the files themselves (bench/oracle.FileOracle,
    its own readers): for each query without filters, a file with a line holding the
    terms that the passage oracle misses, or a file it names that does not hold them."""
    p = Passages.load(passages_path)
    files = FileOracle(corpus)
    found = json.loads(oracle_path.read_text(encoding="utf-8"))
    index = {pid: i for i, pid in enumerate(p.ids)}
    out = {"unread_files": len(files.unread), "queries": {}}
    for q in QUERIES:
        if q.filters:
            continue
        sources = {p.sources[index[pid]] for pid in found[q.id]["ids"]}
        out["queries"][q.id] = check_documents(files, q.terms, sources)
    out["disagreements"] = sum(1 for v in out["queries"].values() if v["missed"] or v["extra"])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_available() -> tuple[bool, str]:
    r = subprocess.run([PY, "-P", "-c", "import web"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode == 0:
        return True, ""
    last = (r.stderr.strip().splitlines() or ["import failed"])[-1]
    return False, f"`import web` fails ({last}): the web issue has not landed yet"


def start_server(index_dir: Path) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    env = dict(os.environ, GOVSEARCH_INDEX=str(index_dir))
    helptext = subprocess.run([str(GOVSEARCH), "serve", "--help"], cwd=ROOT, capture_output=True, text=True)
    if helptext.returncode == 0:
        cmd = [str(GOVSEARCH), "serve", "--index", str(index_dir), "--port", str(port)]
        if "--host" in helptext.stdout:
            cmd += ["--host", "127.0.0.1"]
        how = "govsearch serve"
    else:
        code = (
            "import sys, web\n"
            f"app = web.create_app({{'GOVSEARCH_INDEX': {str(index_dir)!r}}})\n"
            "try:\n"
            "    import waitress\n"
            f"    waitress.serve(app, host='127.0.0.1', port={port}, threads=4)\n"
            "except ImportError:\n"
            "    from werkzeug.serving import make_server\n"
            f"    make_server('127.0.0.1', {port}, app, threaded=True).serve_forever()\n"
        )
        cmd = [PY, "-P", "-c", code]
        how = "web.create_app served by waitress (govsearch serve not available)"
    log_path = OUT / "server.log"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text(errors='replace')[-500:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/search?q=%E5%B7%A5%E4%BD%9C&page_size=1", timeout=60) as r:
                if r.status == 200:
                    return proc, url, how
        except Exception:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError("server did not answer within 300 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure_update(corpus: Path, index_dir: Path) -> dict:
    """Time ``govsearch index update`` after one report changed, and after it changed back."""
    files = sorted(p for p in corpus.rglob("*.txt") if not p.name.startswith("."))
    target = files[len(files) // 2]
    original = target.read_bytes()
    result = {"file": target.relative_to(corpus).as_posix()}
    try:
        target.write_bytes(original + "\n（补充说明）本报告部分数据为快报数，最终以统计年鉴为准。\n".encode("utf-8"))
        for label in ("changed", "restored"):
            if label == "restored":
                target.write_bytes(original)
            started = time.perf_counter()
            r = subprocess.run([str(GOVSEARCH), "index", "update", "--corpus", str(corpus), "--index", str(index_dir),
                                "--json"], cwd=ROOT, capture_output=True, text=True)
            wall = time.perf_counter() - started
            entry = {"wall": wall, "rc": r.returncode}
            try:
                rep = json.loads(r.stdout)
                entry.update(seconds=rep.get("seconds"), indexed=len(rep.get("indexed", [])),
                             unchanged=len(rep.get("unchanged", [])))
            except ValueError:
                entry["output"] = (r.stdout + r.stderr)[-300:]
            result[label] = entry
    finally:
        target.write_bytes(original)
    return result


def run_size(size: str, args, peers: list[str]) -> dict | None:
    corpus, how = resolve_corpus(size, args.seed)
    if corpus is None:
        log(f"SKIP {size}: {how}")
        return None
    log(f"== {size}: {corpus} ({how})")
    work = OUT / f"run-{size}"
    work.mkdir(parents=True, exist_ok=True)
    text = corpus_stats(corpus)
    res: dict = {"size": size, "corpus": str(corpus), "how": how, "text": text,
                 "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                 "repeat": args.repeat, "systems": {}, "skipped": {}, "engine": engine_state()}
    passages = work / "passages.jsonl"
    oracle = work / "oracle.json"

    # ---- the product
    ours_dir = work / "ours"
    shutil.rmtree(ours_dir, ignore_errors=True)
    log(f"build ours ({text['characters']:,} characters, {text['bytes'] / MB:.1f} MiB)")
    build, extra = run_child(["build", "ours", "--corpus", str(corpus), "--workdir", str(ours_dir),
                              "--out", str(work / "build-ours.json")], sample=True, nice=args.nice)
    build.update(extra)
    log(f"  ours: {build['seconds']:.1f} s, {build['characters'] / build['seconds']:,.0f} chars/s, "
        f"index {build['index_bytes'] / MB:.1f} MiB, peak RSS {build['peak_rss'] / MB:.0f} MiB")
    log("export passages and compute the oracle")
    res["passages"] = export_passages(ours_dir / "index", passages)
    res["oracle"] = compute_oracle(passages, oracle)
    res["file_oracle"] = check_files(corpus, passages, oracle)
    log(f"  file oracle: {res['file_oracle']['disagreements']} queries where the files and the passages disagree")
    query_args = ["--workdir", str(ours_dir), "--oracle", str(oracle), "--repeat", str(args.repeat)]
    log(f"query ours ({len(QUERIES)} queries × {args.repeat})")
    q, qx = run_child(["query", "ours", *query_args, "--out", str(work / "query-ours.json")], nice=args.nice)
    q.update(qx)
    res["systems"]["ours"] = {"build": build, "query": q}
    log(f"  ours: p50 {latency(q)['p50']:.1f} ms, p95 {latency(q)['p95']:.1f} ms, recall {recall_summary(q)}")

    # ---- the product over HTTP
    if args.no_http:
        res["skipped"]["ours-http"] = "--no-http given"
    else:
        ok, why = web_available()
        if not ok:
            log(f"SKIP HTTP: {why}")
            res["skipped"]["ours-http"] = why
        else:
            try:
                server, url, served_by = start_server(ours_dir / "index")
                try:
                    log(f"query ours over HTTP at {url} ({served_by})")
                    hq, qx = run_child(["query", "ours-http", "--url", url, "--no-recall", *query_args,
                                        "--out", str(work / "query-http.json")], nice=args.nice)
                    hq.update(qx)
                finally:
                    stop_server(server)
                hq["served_by"] = served_by
                hq["totals_agree"] = all(hq["first"].get(k, {}).get("total") == v["total"] for k, v in q["first"].items())
                res["systems"]["ours-http"] = {"query": hq}
            except Exception as exc:
                log(f"HTTP measurement failed: {exc}")
                res["skipped"]["ours-http"] = f"failed: {exc}"

    # ---- index update after one changed report (never touches the shared real corpus)
    if size == "real":
        res["skipped"]["update"] = "not measured on the shared real corpus (read-only); see the scaled corpora"
    elif args.no_update:
        res["skipped"]["update"] = "--no-update given"
    else:
        log("time govsearch index update after one changed report")
        res["update"] = measure_update(corpus, ours_dir / "index")
        log(f"  update: {res['update']}")

    # ---- peers
    for name in peers:
        pdir = work / name
        shutil.rmtree(pdir, ignore_errors=True)
        log(f"build peer {name}")
        try:
            pb, extra = run_child(["build", name, "--passages", str(passages), "--workdir", str(pdir),
                                   "--out", str(work / f"build-{name}.json")], sample=True, nice=args.nice)
            pb.update(extra)
            log(f"  {name}: {pb['seconds']:.1f} s")
            log(f"query peer {name}")
            pq, qx = run_child(["query", name, "--passages", str(passages), "--workdir", str(pdir),
                                "--oracle", str(oracle), "--repeat", str(args.repeat),
                                "--out", str(work / f"query-{name}.json")], nice=args.nice)
            pq.update(qx)
            res["systems"][name] = {"build": pb, "query": pq}
            log(f"  {name}: p50 {latency(pq)['p50']:.1f} ms, p95 {latency(pq)['p95']:.1f} ms, recall {recall_summary(pq)}")
        except Exception as exc:
            log(f"peer {name} failed: {exc}")
            res["skipped"][name] = f"failed: {exc}"
    for name in PEERS:
        if name not in peers and name not in res["skipped"]:
            res["skipped"][name] = "not selected (--peers)"
    res["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    if args.clean:
        for name in ["ours", *peers]:
            shutil.rmtree(work / name, ignore_errors=True)
    return res


# =========================================================================== report


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 1024**3:.0f} GiB"
    except ImportError:
        pass
    versions = {}
    for mod in ("jieba", "whoosh"):
        try:
            from importlib.metadata import version

            versions[mod] = version({"whoosh": "whoosh-reloaded"}.get(mod, mod))
        except Exception:
            versions[mod] = "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, **versions}


def engine_state() -> str:
    """The commit the engine was at, and which of its files had uncommitted changes."""
    snapshot = os.environ.get("GOVSEARCH_BENCH_ENGINE")
    if snapshot:
        sha = snapshot.split(":", 1)[0]
        last = subprocess.run(["git", "log", "-1", "--format=%h %s", sha, "--", "index", "search", "web"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
        return (f"{sha} (a `git archive` snapshot of that commit, working-tree changes not included; last engine "
                f"change: {last[:90]})")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "index", "search", "web"], cwd=ROOT,
                           capture_output=True, text=True).stdout.split("\n")
    dirty = [line[3:] for line in dirty if line.strip()]
    return commit + (" with uncommitted changes to " + ", ".join(dirty) if dirty else "")


def fmt(v, kind: str = "") -> str:
    if v is None:
        return "—"
    if kind == "ms":
        return f"{v:.1f}" if v < 100 else f"{v:.0f}"
    if kind == "s":
        return f"{v:.1f}"
    if kind == "rate":
        return f"{v:,.0f}"
    if kind == "mem":
        return f"{v / MB:,.0f} MiB"
    if kind == "ratio":
        return f"{v:.2f}×"
    if kind == "recall":
        return f"{v:.3f}"
    return str(v)


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def figures(res: dict, name: str) -> dict:
    s = res["systems"].get(name)
    if not s:
        return {}
    b, q = s.get("build"), s.get("query")
    chars = res["text"]["characters"]
    f: dict = {}
    if b:
        f["build_s"] = b["seconds"]
        f["rate"] = chars / b["seconds"] if b["seconds"] else None
        f["ratio"] = b["index_bytes"] / res["text"]["bytes"] if b.get("index_bytes") else None
        f["mem"] = b.get("peak_rss")
        f["pss"] = b.get("peak_pss")
    if q:
        lat, cold = latency(q), latency(q, first_only=True)
        f.update(p50=lat["p50"], p95=lat["p95"], max=lat["max"], cold_p50=cold["p50"], cold_p95=cold["p95"],
                 n=lat["n"], serving=q.get("rss_serving"), open_s=q.get("open_seconds"))
        r = recall_summary(q)
        f.update(recall_min=r["min"], recall_mean=r["mean"], below=r["below"], scored=r["scored"], extra=r["extra"])
        fo = [v["facets_ok"] for v in q["first"].values() if v.get("facets_ok") is not None]
        f["facets_ok"] = f"{sum(fo)}/{len(fo)}" if fo else None
        f["errors"] = len(q.get("errors") or {})
    return f


LABELS = {"ours": "**govsearch** (in-process)", "ours-http": "**govsearch** via `GET /api/search`",
          **{k: v.label for k, v in PEERS.items()}}


def size_section(res: dict) -> tuple[str, list[str]]:
    """Markdown for one corpus size, and the list of targets missed."""
    t = res["text"]
    lines = [f"### Corpus `{res['size']}`: {t['files']:,} reports, {t['characters']:,} characters, "
             f"{t['bytes'] / MB:.1f} MiB of UTF-8",
             "", f"{res['how']}. {res['passages']['passages']:,} passages. Ran {res['started']} → {res['finished']}, "
             f"{len(QUERIES)} queries × {res['repeat']} runs per system. Engine at commit {res.get('engine', '?')}.", ""]
    head = ["system", "build s", "chars/s", "index / text", "peak build mem (RSS / PSS)", "p50 ms", "p95 ms",
            "max ms", "first-run p50 / p95 ms", "recall min (mean)", "queries recall < 1", "facets = oracle"]
    rows = []
    order = ["ours", "ours-http"] + [n for n in PEERS]
    for name in order:
        f = figures(res, name)
        if not f:
            continue
        if name == "brute-force":
            ratio = "— (in memory)"
        else:
            ratio = fmt(f.get("ratio"), "ratio")
        mem = f"{fmt(f.get('mem'), 'mem')} / {fmt(f.get('pss'), 'mem')}" if f.get("mem") else "—"
        rec = "same engine" if name == "ours-http" else (
            f"{fmt(f.get('recall_min'), 'recall')} ({fmt(f.get('recall_mean'), 'recall')})")
        below = "—" if name == "ours-http" else f"{f.get('below')}/{f.get('scored')}"
        rows.append([LABELS[name], fmt(f.get("build_s"), "s"), fmt(f.get("rate"), "rate"), ratio, mem,
                     fmt(f.get("p50"), "ms"), fmt(f.get("p95"), "ms"), fmt(f.get("max"), "ms"),
                     f"{fmt(f.get('cold_p50'), 'ms')} / {fmt(f.get('cold_p95'), 'ms')}", rec, below,
                     fmt(f.get("facets_ok"))])
        if name == "ours-http" or (name == "ours" and not res["systems"].get("ours-http")):
            rows.append(["*peers:*"] + [""] * (len(head) - 1))
    lines.append(table(head, rows))
    lines.append("")
    loads = []
    for name in order:
        sysres = res["systems"].get(name, {})
        parts = [f"{step} {other_load(sysres[step])}" for step in ("build", "query") if sysres.get(step)]
        if parts:
            loads.append(f"{name}: " + "; ".join(parts))
    if loads:
        lines += ["CPU time of each step, and of everything else on the machine meanwhile (other engineers' "
                  "work shares these 2 cores; figures measured under load are slower than on an idle machine; for ours-http "
                  "the server's CPU counts as other):", ""]
        lines += [f"- {x}" for x in loads] + [""]
    http = res["systems"].get("ours-http", {}).get("query")
    if http:
        lines.append(f"HTTP: served by {http.get('served_by')}; totals equal to in-process: "
                     f"{'yes' if http.get('totals_agree') else 'NO'}.")
    for name, why in res.get("skipped", {}).items():
        lines.append(f"- *{name} skipped*: {why}")
    upd = res.get("update")
    if upd:
        ch, rs = upd.get("changed", {}), upd.get("restored", {})
        lines.append(f"- `govsearch index update` after one report changed (`{upd['file']}`): "
                     f"{fmt(ch.get('wall'), 's')} s wall ({fmt(ch.get('seconds'), 's')} s inside update, "
                     f"{ch.get('indexed')} re-indexed, {ch.get('unchanged')} unchanged); changing it back: "
                     f"{fmt(rs.get('wall'), 's')} s.")
    lines.append("")

    # ratios ours / peer
    ours = figures(res, "ours")
    rrows = []
    keys = [("build_s", "build time"), ("rate", "chars/s"), ("ratio", "index size"), ("mem", "peak build mem"),
            ("p50", "p50"), ("p95", "p95"), ("max", "max"), ("cold_p95", "first-run p95"), ("recall_min", "recall min")]
    for name in PEERS:
        f = figures(res, name)
        if not f:
            continue
        row = [LABELS[name]]
        for k, _ in keys:
            a, b = ours.get(k), f.get(k)
            row.append(f"{a / b:.2f}" if a is not None and b else ("∞" if a and b == 0 else "—"))
        rrows.append(row)
    if rrows:
        lines += ["Ratios ours / peer (below 1 is better for ours on times, sizes and memory; above 1 is better on "
                  "chars/s and recall):", "", table(["peer"] + [k[1] for k in keys], rrows), ""]

    # latency by category
    crow = []
    names = [n for n in ["ours", "ours-http", *PEERS] if res["systems"].get(n, {}).get("query")]
    for cat in CATEGORIES:
        ids = [q.id for q in QUERIES if q.category == cat]
        row = [cat, str(len(ids))]
        for n in names:
            lat = latency(res["systems"][n]["query"], ids)
            row.append(f"{fmt(lat['p50'], 'ms')} / {fmt(lat['max'], 'ms')}")
        crow.append(row)
    lines += ["Latency by query category, p50 / max in ms:", "",
              table(["category", "queries"] + [LABELS[n].replace("**", "") for n in names], crow), ""]

    # per query
    oq = res["systems"]["ours"]["query"]
    peer_names = [n for n in PEERS if res["systems"].get(n, {}).get("query")]
    prow = []
    for qq in QUERIES:
        rec = oq["recall"].get(qq.id, {})
        samples = oq["samples"][qq.id]
        row = [qq.id, qq.category, f"`{qq.label or '(filters only)'}`", f"{res['oracle'][qq.id]:,}",
               f"{oq['first'].get(qq.id, {}).get('total', '—'):,}" if qq.id in oq["first"] else "—",
               fmt(rec.get("recall"), "recall"),
               fmt(samples[0] if samples else None, "ms"), fmt(pct(samples, 50), "ms"), fmt(max(samples) if samples else None, "ms")]
        for n in peer_names:
            pq = res["systems"][n]["query"]
            pr = pq["recall"].get(qq.id, {})
            ps = pq["samples"].get(qq.id, [])
            row.append(f"{fmt(pr.get('recall'), 'recall')} / {fmt(pct(ps, 50), 'ms')}")
        prow.append(row)
    lines += ["<details><summary>Per query: oracle count, our total, our recall and latency; peers' recall / p50"
              "</summary>", "",
              table(["id", "category", "query", "oracle", "ours total", "ours recall", "ours first ms", "ours p50",
                     "ours max"] + [f"{n} recall / p50" for n in peer_names], prow), "", "</details>", ""]
    errs = {n: s["query"].get("errors") for n, s in res["systems"].items() if s.get("query", {}).get("errors")}
    for n, e in errs.items():
        lines.append(f"- {n} could not answer: " + "; ".join(f"{k}: {v}" for k, v in e.items()))
    return "\n".join(lines), targets(res)


def targets(res: dict) -> list[tuple[str, str, bool | None]]:
    ours, brute, whoosh = figures(res, "ours"), figures(res, "brute-force"), figures(res, "whoosh-jieba")
    http = figures(res, "ours-http")
    T = TARGETS
    out: list[tuple[str, str, bool | None]] = []

    def add(name, value, ok):
        out.append((name, value, ok))

    add("recall 1.0 on every query", f"min {fmt(ours.get('recall_min'), 'recall')}, {ours.get('below')} below 1",
        ours.get("below") == 0)
    add(f"p50 ≤ {T['p50']:.0f} ms in-process", f"{fmt(ours.get('p50'), 'ms')} ms (first runs {fmt(ours.get('cold_p50'), 'ms')})",
        ours.get("p50") is not None and ours["p50"] <= T["p50"])
    add(f"p95 ≤ {T['p95']:.0f} ms in-process", f"{fmt(ours.get('p95'), 'ms')} ms (first runs {fmt(ours.get('cold_p95'), 'ms')})",
        ours.get("p95") is not None and ours["p95"] <= T["p95"] and (ours.get("cold_p95") or 0) <= T["p95"])
    add(f"p95 ≤ {T['http_p95']:.0f} ms via HTTP", f"{fmt(http.get('p95'), 'ms')} ms" if http else "not measured",
        (http["p95"] <= T["http_p95"]) if http.get("p95") is not None else None)
    if brute.get("p50"):
        add("≥ 3× faster than brute force at p50", f"{brute['p50'] / ours['p50']:.1f}× ({fmt(ours['p50'], 'ms')} vs {fmt(brute['p50'], 'ms')} ms)",
            ours["p50"] * T["brute_p50_factor"] <= brute["p50"])
        slower = []
        bq = res["systems"]["brute-force"]["query"]["samples"]
        oq = res["systems"]["ours"]["query"]["samples"]
        for q in QUERIES:
            if oq.get(q.id) and bq.get(q.id) and pct(oq[q.id], 95) > pct(bq[q.id], 95):
                slower.append(q.id)
        add("never slower than brute force at p95", f"overall {fmt(ours['p95'], 'ms')} vs {fmt(brute['p95'], 'ms')} ms "
            f"(per query, {len(slower)}/{len(QUERIES)} have a higher p95 than brute force)",
            ours["p95"] <= brute["p95"])
    else:
        add("≥ 3× faster than brute force at p50", "brute force not run", None)
        add("never slower than brute force at p95", "brute force not run", None)
    if whoosh:
        worse = []
        for k, lower in (("build_s", True), ("rate", False), ("ratio", True), ("mem", True), ("p50", True),
                         ("p95", True), ("max", True), ("recall_min", False)):
            a, b = ours.get(k), whoosh.get(k)
            if a is None or b is None:
                continue
            if (a > b) if lower else (a < b):
                worse.append(k)
        names = {"build_s": "build time", "rate": "chars/s", "ratio": "index size", "mem": "peak build memory",
                 "p50": "p50", "p95": "p95", "max": "max latency", "recall_min": "recall"}
        add("ahead of peer (a) on every figure",
            "behind on: " + ", ".join(names[k] for k in worse) if worse else "ahead on all", not worse)
    else:
        add("ahead of peer (a) on every figure", "peer (a) not run", None)
    add(f"build ≥ {T['throughput']:,} chars/s", f"{fmt(ours.get('rate'), 'rate')} chars/s", (ours.get("rate") or 0) >= T["throughput"])
    add("peak build memory ≤ 1.5 GiB", f"RSS {fmt(ours.get('mem'), 'mem')}, PSS {fmt(ours.get('pss'), 'mem')}",
        ours.get("mem") is not None and ours["mem"] <= T["memory"])
    upd = (res.get("update") or {}).get("changed")
    add("index update of one report ≤ 3 s", f"{fmt(upd.get('wall'), 's')} s" if upd else "not measured",
        (upd["wall"] <= T["update"]) if upd else None)
    add("index ≤ 4× the text", fmt(ours.get("ratio"), "ratio"), (ours.get("ratio") or 99) <= T["index_ratio"])
    return out


def render(results: dict[str, dict]) -> str:
    m = machine_info()
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    parts = [
        "# Benchmarks",
        "",
        f"Generated by `python bench/run.py` on {now} (see `bench/README.md` for how to run it and what each "
        "column means). Targets are those of issue 4, defined for the 100 MB corpus on this 2-core machine; "
        "figures for the smaller corpora are indicative.",
        "",
        f"Machine: {m['cpu']} · {m['cores']} cores · {m['memory']} RAM · {m['os']} · Python {m['python']} · "
        f"**SQLite {m['sqlite']}** · jieba {m['jieba']} · whoosh-reloaded {m['whoosh']}.",
        "",
        "A *search page* is what the web page shows: the top 20 hits with snippets, the total count and the facet "
        "counts (topic, town, county, year). Peers emulate the same page over the same passages. Latencies are per "
        "page, in ms, over every run of every query (p95 is never a single sample); *first-run* figures use only "
        "the first run of each query in a fresh process, before the engine's term cache holds it.",
        "",
    ]
    summary = []
    for size in sorted(results, key=lambda s: SIZE_ORDER.index(s) if s in SIZE_ORDER else 99):
        section, tg = size_section(results[size])
        parts += [section, ""]
        summary.append((size, tg))
    if summary:
        parts += ["## Targets", ""]
        head = ["target"] + [f"`{s}`" for s, _ in summary]
        rows = []
        for i, (name, _, _) in enumerate(summary[-1][1]):
            row = [name]
            for _, tg in summary:
                if i < len(tg):
                    _, value, ok = tg[i]
                    mark = "✅" if ok else ("—" if ok is None else "❌ missed")
                    row.append(f"{mark} {value}")
                else:
                    row.append("—")
            rows.append(row)
        parts += [table(head, rows), ""]
    if COLD_START.exists():
        parts += [COLD_START.read_text(encoding="utf-8").strip(), ""]
    if ANALYSIS.exists():
        parts += [ANALYSIS.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(parts)


def snapshot(rev: str) -> tuple[str, Path]:
    """The source tree of commit ``rev`` under bench/out (extracted once): (short hash, folder)."""
    import io
    import tarfile

    sha = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    snap = OUT / f"engine-{sha[:10]}"
    if not snap.is_dir():
        data = subprocess.run(["git", "archive", "--format=tar", sha], cwd=ROOT, capture_output=True, check=True).stdout
        tmp = snap.with_name(snap.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(tmp, filter="data")
        tmp.rename(snap)
    return sha[:10], snap


def use_snapshot(rev: str, argv: list[str]) -> None:
    """Re-run this command with the engine of commit ``rev`` first on PYTHONPATH."""
    short, snap = snapshot(rev)
    env = dict(os.environ, GOVSEARCH_BENCH_ENGINE=f"{short}:{snap}",
               PYTHONPATH=os.pathsep.join(x for x in (str(snap), os.environ.get("PYTHONPATH", "")) if x))
    log(f"measuring the engine of commit {short} from {snap}")
    os.execve(PY, [PY, str(Path(__file__).resolve()), *argv], env)


def load_results() -> dict[str, dict]:
    out = {}
    for path in sorted(OUT.glob("results-*.json")):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
            out[r["size"]] = r
        except (OSError, ValueError, KeyError):
            pass
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="real,10mb,100mb", help="comma-separated: real, sample, 10mb, 100mb, …")
    ap.add_argument("--repeat", type=int, default=10, help="runs of every query per system (default 10)")
    ap.add_argument("--peers", default=",".join(PEERS), help=f"comma-separated subset of {', '.join(PEERS)}, or 'none'")
    ap.add_argument("--seed", type=int, default=scale_corpus.DEFAULT_SEED)
    ap.add_argument("--no-http", action="store_true", help="do not measure /api/search")
    ap.add_argument("--no-update", action="store_true", help="do not time index update")
    ap.add_argument("--clean", action="store_true", help="remove the indexes from bench/out/run-<size>/ afterwards")
    ap.add_argument("--nice", type=int, default=0, help="niceness of the child processes")
    ap.add_argument("--report-only", action="store_true", help="only rewrite BENCHMARKS.md from stored results")
    ap.add_argument("--engine-commit", metavar="REV",
                    help="measure the engine (index/, search/, web/) as committed at REV instead of the working tree: "
                         "a `git archive` snapshot in bench/out/engine-<sha>/ put first on PYTHONPATH")
    args = ap.parse_args(argv)
    if args.engine_commit and not os.environ.get("GOVSEARCH_BENCH_ENGINE"):
        use_snapshot(args.engine_commit, sys.argv[1:] if argv is None else list(argv))
    if args.repeat < 1:
        ap.error("--repeat must be 1 or more")
    peers = [] if args.peers == "none" else [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        ap.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            res = run_size(size, args, peers)
            if res is not None:
                (OUT / f"results-{size}.json").write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
    results = load_results()
    text = render(results)
    REPORT.write_text(text + "\n", encoding="utf-8")
    print(text)
    log(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
