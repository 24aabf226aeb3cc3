"""Whether an update has anything to do, decided before the build machinery loads.

An update whose corpus, sidecar tables and settings are those the live generation
records has nothing to do. That is told from the generation's records alone — its
build.json, its manifest and its corpus state (index/generation/corpus_state.py: each
file's size and time, and for a file whose time changed, its bytes) — and a stamp of the
settings (:func:`settings_stamp`). This module imports none of Whoosh, numpy, jieba or
the readers' parsers, so ``govsearch index update`` with nothing changed costs a walk of
the corpus folder and a few small reads (:func:`decide`); the build
(index/generation/build.py) makes the same decision with the same functions, under its
lock, before it loads the analyzer.

The records of a build (:func:`recorded_build`) and the report of a build or update
(:class:`BuildReport`) live here too, for both.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from index.errors import GovsearchError, IndexDamaged
from index.generation import corpus_state, store
from index.generation.generation_format import GENERATION_FORMAT
from index.reading.ingest import SkipFile, Walk, WalkOptions, walk_tree
from index.reading.limits import Limits
from index.visibility import Rules, rules_from_settings


@dataclass
class BuildReport:
    index: str
    generation: str
    mode: str  # "build" or "update"
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    passages: int = 0
    characters: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    corpus: str = ""  # the corpus folder (absolute) the generation was built from
    # scans read by OCR in this run: pages OCR'd, pages taken from the OCR cache, and the
    # pages whose mean confidence is under ocr.LOW_PAGE_CONFIDENCE ({"file", "page", "confidence"})
    ocr_pages: int = 0
    ocr_cached: int = 0
    low_confidence: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["skipped"] = [{"file": f, "reason": r} for f, r in self.skipped]
        d["failed"] = [{"file": f, "reason": r} for f, r in self.failed]
        return d


def recorded_build(index_dir: Path) -> tuple[Path | None, dict | None]:
    """The live generation and its build.json, or ``(gen or None, None)`` when there is
    none or it cannot be read. When the live build.json is damaged (or CURRENT is),
    the newest readable build.json of another generation says where the index came
    from. Never raises."""
    try:
        gen = store.current_generation(index_dir)
    except GovsearchError:
        gen = None
    if gen is not None:
        info = read_info(gen)
        if info is not None:
            return gen, info
    others = sorted((g for g in index_dir.glob("gen-*") if g.is_dir() and g != gen),
                    key=lambda g: g.stat().st_mtime, reverse=True) if index_dir.is_dir() else []
    for other in others:
        info = read_info(other)
        if info is not None:
            return gen, info
    return gen, None


def read_info(gen: Path) -> dict | None:
    """A generation's build.json when it is as written (size and checksum against the
    manifest): a damaged record never names the corpus."""
    if not store.record_is_sound(gen, store.BUILD_INFO):
        return None
    try:
        info = store.read_json(gen / store.BUILD_INFO)
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


FILE_NAMES = {"topic lexicon": "主题词表", "user dictionary": "用户词典"}  # what the notes call them in Chinese


def recorded_file(info: dict | None, key: str, given, notes: list[str], what: str):
    """An option given now, or the file the index was built with."""
    if given is not None or not info or not info.get(key):
        return given
    path = Path(info[key])
    if path.is_file():
        return path
    notes.append(f"建索引时用的{FILE_NAMES.get(what, what)}（{path}）已不存在，改用自带的 "
                 f"(the {what} the index was built with ({path}) is gone: using the shipped one)")
    return None


def visibility_rules(given: Rules | None, info: dict | None) -> Rules:
    """The rules given, else those of the settings file (GOVSEARCH_CONFIG), else those the
    index was built with: an update run without the settings (from cron) never turns
    restricted reports public."""
    if given is not None:
        return given
    if os.environ.get("GOVSEARCH_CONFIG"):
        return rules_from_settings()
    if info and isinstance(info.get("visibility"), dict):
        return Rules.from_mapping(info["visibility"])
    return Rules()


def limits_key(limits: Limits | None) -> list:
    """The limits as numbers, by name: ``256`` and ``256.0`` are one limit (the CLI's
    options give floats where the defaults are ints), so the same settings always give
    the same stamp, whether from the command line or from Python."""
    limits = limits or Limits()
    return [[f.name, float(getattr(limits, f.name))] for f in fields(limits)]


def settings_stamp(lexicon_path, userdict_path, limits: Limits | None, ocr_enabled: bool,
                   visibility: Rules | None = None) -> str:
    """What a build's result depends on besides the corpus, by file times rather than
    contents (an update compares it before loading anything): the formats, the field
    names, the shipped tables, the lexicon and dictionary files, the limits and OCR, and
    the visibility rules (changed rules must reach every report they now cover)."""
    from index import fields as field_model

    data = Path(__file__).resolve().parent.parent / "data"
    parts: list = [GENERATION_FORMAT, limits_key(limits), bool(ocr_enabled),
                   [f.name for f in field_model.current().fields], (visibility or Rules()).to_dict()]
    for path in sorted(data.rglob("*")) if data.is_dir() else []:
        if path.is_file():
            parts.append([path.relative_to(data).as_posix(), corpus_state.stat_of(path)])
    for path in (lexicon_path, userdict_path):
        parts.append([str(Path(path).resolve()), corpus_state.stat_of(Path(path))] if path else None)
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def decided_from(gen: Path, stamp: str) -> bool:
    """Whether an update with the settings of ``stamp`` can tell from ``gen``'s corpus
    state that nothing changed (the state is complete and made with the same settings)."""
    state = corpus_state.read(gen)
    return state is not None and state.get("stamp") == stamp and bool(state.get("complete"))


def quick_report(index_dir: Path, corpus: Path, live: Path, info: dict | None, stamp: str,
                 walked, notes: list[str]) -> BuildReport | None:
    """The report of an update that has nothing to do, decided from the live generation's
    corpus state without reading the corpus or the index: the same files with the same
    size and time (a file whose time changed: the same bytes), the same sidecar tables
    and settings, and a generation whose files are as its manifest says. None when
    anything differs or cannot be told so: then the update goes the long way (which
    also says what is damaged and repairs it)."""
    if not info or info.get("format") != GENERATION_FORMAT or info.get("corpus") != str(corpus.resolve()):
        return None
    state = corpus_state.read(live)
    if state is None or state.get("stamp") != stamp or not state.get("complete"):
        return None
    try:
        store.check_unchanged_since_manifest(live)
        written = (live / store.MANIFEST).stat().st_mtime_ns
    except (IndexDamaged, OSError):
        return None
    changed = corpus_state.changed_files(state, walked.files, walked.sidecars, written)
    if changed is None:
        return None
    by_rel = {s.relpath: s for s in walked.files}
    for rel in changed:
        recorded = state["files"][rel].get("sha1")
        try:
            if not recorded or corpus_state.content_hash(by_rel[rel].read_bytes()) != recorded:
                return None
        except (SkipFile, OSError):
            return None
    report = BuildReport(str(index_dir), live.name, "update", notes=notes)
    report.corpus = str(corpus.resolve())
    report.skipped.extend(walked.skipped)
    report.skipped.extend((f, r) for f, r in state.get("skipped", []))
    report.notes.extend(state.get("notes", []))
    report.unchanged = [s.relpath for s in walked.files if "skipped" not in state["files"][s.relpath]]
    report.documents, report.passages = info.get("documents", 0), info.get("passages", 0)
    report.characters = info.get("characters", 0)
    report.notes.append(f"自 {live.name} 以来没有变化，索引保持不变 (nothing changed since {live.name}: the index stays as it is)")
    return report


def nothing_to_do(index_dir: Path, corpus: Path, live: Path, info: dict | None, stamp: str,
                  walked, notes: list[str], started: float) -> BuildReport | None:
    """:func:`quick_report` under the build lock, recorded as an update that had nothing
    to do records itself (the live generation verified, the last build ok); None when
    there is something to do. The one place both the CLI's early decision and
    ``index.update()`` decide it."""
    store.trust_verified(live)
    report = quick_report(index_dir, corpus, live, info, stamp, walked, notes)
    if report is not None:
        store.record_verified(live)
        store.record_last_build(index_dir, "ok", report.mode, live.name)
        report.seconds = round(time.perf_counter() - started, 3)
    return report


@dataclass
class Decision:
    """What :func:`decide` found: ``report``, the update's report when it has nothing to
    do (None otherwise), and ``walked``, the corpus as walked for the decision (None when
    it was decided without a walk), which the update then takes instead of walking the
    corpus again (:func:`index.generation.build.update`'s ``decided``)."""
    report: BuildReport | None
    walked: Walk | None = None
    corpus: Path | None = None  # the corpus folder walked (resolved)


def decide(corpus: str | Path | None, index_dir: str | Path, *, lexicon: str | Path | None = None,
           userdict: str | Path | None = None, walk: WalkOptions | None = None,
           ocr=None, limits: Limits | None = None, visibility: Rules | None = None,
           **_build_options) -> Decision:
    """Whether ``index.update(...)`` with the same arguments has nothing to do, decided as
    the update decides it (under the build lock, from the live generation's records) and
    recorded as such an update records it; its report is None when there is anything to
    do or it cannot be told so here (no index yet, another corpus folder, a file gone, a
    settings file given): then run the update. Loads nothing of the build."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    _, info = recorded_build(index_dir)
    if not info or not info.get("corpus"):
        return Decision(None)
    corpus = Path(corpus) if corpus is not None else Path(info["corpus"])
    if not corpus.is_dir():
        return Decision(None)
    notes: list[str] = []
    rules = visibility_rules(visibility, info)
    lexicon = recorded_file(info, "lexicon", lexicon, notes, "topic lexicon")
    userdict = recorded_file(info, "userdict", userdict, notes, "user dictionary")
    if notes:  # a file the index was built with is gone: the update says so and rebuilds
        return Decision(None)
    stamp = settings_stamp(lexicon, userdict, limits, getattr(ocr, "enabled", True), rules)
    try:
        lock = store.build_lock(index_dir)
        lock.__enter__()
    except OSError:
        return Decision(None)  # the update says why it cannot write the index
    try:
        live, info = recorded_build(index_dir)  # again, under the lock
        if live is None:
            return Decision(None)
        walked = walk_tree(corpus, walk)
        report = nothing_to_do(index_dir, corpus, live, info, stamp, walked, notes, started)
        return Decision(report, walked, corpus.resolve())
    finally:
        lock.__exit__(None, None, None)
