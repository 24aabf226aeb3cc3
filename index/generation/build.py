"""Building and updating the index: corpus folder → reports → passages → Whoosh.

``build(corpus, index_dir)`` writes a complete new generation and switches to it;
``update(corpus, index_dir)`` re-analyzes only new and changed files (and drops
removed ones) in a new generation linked from the live one. Both skip files that
cannot be read, go on, and say what happened in a :class:`BuildReport`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from whoosh import index as whoosh_index

from index import fields as field_model
from index.analysis import Analyzer, default_userdict, read_userdict
from index.defaults import DEFAULT_CORPUS
from index.errors import (
    CorpusMismatch,
    GovsearchError,
    IndexDamaged,
    IndexMissing,
    IndexUnwritable,
    NothingIndexed,
    index_command,
)
from index.generation import (
    columns,
    corpus_state,
    grams,
    lifecycle,
    repeats,
    store,
    vocabulary,
    whoosh_writer,
    wordrows,
    wordtable,
)
from index.generation.generation_format import GENERATION_FORMAT
from index.generation.schema import FORMAT, make_schema
from index.generation.unchanged import (  # noqa: F401  (BuildReport, recorded_build: this module's API)
    BuildReport,
    Decision,
    decided_from,
    nothing_to_do,
    recorded_build,
    recorded_file,
    settings_stamp,
    visibility_rules,
)
from index.model import Passage, Report
from index.normalize import normalize
from index.normalize import signature as normalize_signature
from index.reading import metadata as meta
from index.reading.formats import SUFFIXES, extract, hint_values
from index.reading.formats import ocr as ocr_reader
from index.reading.formats.image import SUFFIXES as IMAGE_SUFFIXES
from index.reading.formats.text import SUFFIXES as TEXT_SUFFIXES
from index.reading.ingest import SkipFile, SourceFile, WalkOptions, read, walk_tree
from index.reading.limits import (
    Limits,
    check_inflated,
    check_lines,
    check_passages,
    limit_worker_memory,
    memory_reason,
    time_limit,
)
from index.reading.structure import parse
from index.reading.topics import TopicLexicon
from index.visibility import Rules
from index.wording import count

WRITER_MEMORY_MB = 256
PARALLEL_THRESHOLD = 24  # files; below this one process is faster than starting workers
PARALLEL_BYTES = 4 << 20  # or this much to read: Whoosh's writer then runs in sub-processes
OCR_CACHE = "ocr-cache"  # folder of the index: OCR results by file content (index/reading/formats/ocr.py)
OCR_DOCUMENTS = "ocr.json"


@dataclass
class AnalyzedReport:
    report: Report
    fingerprint: str
    words: list[list[str]]  # jieba words of two or more characters, for each passage
    section_words: list[list[str]]  # jieba words of each passage's heading path (Whoosh "section")
    norms: list[str]  # normalized text of each passage (for the bigram index)
    characters: int
    ocr: dict | None = None  # OcrInfo.to_dict() of a scan read by OCR
    content: str = ""  # SHA-1 of the file's bytes (corpus_state: "nothing changed" by content)


# --------------------------------------------------------------------------- analysis


MAX_DOC_ID = 120  # characters; longer slugs are cut and made unique by a digest


def make_doc_id(relpath: str, taken: set[str]) -> str:
    """A stable, URL-safe id from the file's path in the corpus."""
    stem = str(PurePosixPath(relpath).with_suffix(""))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem.replace("/", "--")).strip("-.").lower()
    if len(slug) > MAX_DOC_ID - 9:
        slug = slug[: MAX_DOC_ID - 9].rstrip("-.")
        digest = hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}"
    elif not slug or not stem.isascii() or slug in taken:
        digest = hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"doc-{digest}"
    taken.add(slug)
    return slug


def assign_doc_ids(relpaths: Iterable[str]) -> dict[str, str]:
    """Ids of every file of the corpus, a function of the set of paths only (so an
    update gives the same ids as a full build of the same folder). Paths are taken in
    order; on a clash the later path gets a digest."""
    taken: set[str] = set()
    return {rel: make_doc_id(rel, taken) for rel in sorted(relpaths)}


def analyze_source(source: SourceFile, doc_id: str, overrides: dict[str, str], analyzer: Analyzer,
                   lexicon: TopicLexicon, boilerplate: frozenset[str] = frozenset(),
                   limits: Limits | None = None) -> AnalyzedReport:
    limits = limits or Limits()
    with time_limit(limits):
        return _analyze(source, doc_id, overrides, analyzer, lexicon, boilerplate, limits)


def _analyze(source: SourceFile, doc_id: str, overrides: dict[str, str], analyzer: Analyzer,
             lexicon: TopicLexicon, boilerplate: frozenset[str], limits: Limits) -> AnalyzedReport:
    data = source.read_bytes()  # once: the bytes analyzed are the bytes fingerprinted
    check_inflated(data, limits)
    extracted = extract(source.path, data, max_pdf_pages=limits.max_pdf_pages)
    data_text, encoding = extracted.text, extracted.encoding
    check_lines(data_text, limits)
    structure = parse(data_text, analyzer, boilerplate=boilerplate)
    check_passages(len(structure.blocks), limits)
    body = "\n".join(text for kind, _, text in structure.blocks if kind != "title")
    fallback = PurePosixPath(source.relpath).stem
    info = meta.describe(structure.title, structure.subtitle, body, fallback, analyzer,
                         path=source.relpath, overrides=overrides, chrome="\n".join(structure.chrome))
    if extracted.hints:  # what the file declares (Word/PDF properties, web page meta tags)
        years = meta.YEAR_IN_TITLE.findall(f"{extracted.hints.get('title', '')} {structure.title} {structure.subtitle}")
        hinted = hint_values(extracted.hints, int(years[0]) if years else None, info.year)
        if hinted:  # the file's hints apply before the sidecar's overrides, which win
            info = meta.describe(structure.title, structure.subtitle, body, fallback, analyzer,
                                 path=source.relpath, overrides={**hinted, **(overrides or {})},
                                 chrome="\n".join(structure.chrome))
    passages: list[Passage] = []
    words: list[list[str]] = []
    section_words: list[list[str]] = []
    norms: list[str] = []
    heading_words: dict[str, list[str]] = {}  # a report's passages share few heading paths
    for n, (kind, section, text) in enumerate(structure.blocks):
        norm = normalize(text)
        topics = lexicon.classify(text, section, norm)
        passage = Passage(f"{doc_id}:{n}", kind, section, text, topics)
        passages.append(passage)
        norms.append(norm)
        words.append(analyzer.passage_words(norm))
        path = passage.section_path
        cut = heading_words.get(path)
        if cut is None:
            cut = heading_words[path] = analyzer.words(path) if path else []
        section_words.append(cut)
    if not passages:
        raise SkipFile("no text after parsing")
    report = Report(doc_id, source.relpath, info.title, info.town, info.county, info.year, encoding,
                    passages, structure.subtitle, province=info.province, city=info.city, level=info.level,
                    review_year=info.review_year if info.year is not None else None, extra=_extra_values(overrides))
    fingerprint = _fingerprint(data, overrides)
    ocr_info = extracted.ocr.to_dict() if extracted.ocr is not None else None
    return AnalyzedReport(report, fingerprint, words, section_words, norms, len(data_text), ocr_info,
                          corpus_state.content_hash(data))


def _extra_values(overrides: dict[str, str] | None) -> dict[str, str]:
    """The sidecar's values of report fields the model declares beyond the extracted
    metadata (a ``district`` column for a ``district`` field); ``-`` is no value."""
    extra = field_model.current().extra_report_values
    return {k: v for k, v in (overrides or {}).items() if k in extra and v and v != meta.NULL}


def _overrides_hash(overrides: dict[str, str]) -> str:
    return hashlib.sha1(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _fingerprint(data: bytes, overrides: dict[str, str]) -> str:
    h = hashlib.sha1(data)
    h.update(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


# Worker-process state (set by _init_worker; inherited as is under fork).
_WORKER: dict = {}


def _init_worker(analyzer: Analyzer, lexicon: TopicLexicon, boilerplate: frozenset[str] = frozenset(),
                 ocr: ocr_reader.OcrOptions | None = None, limits: Limits | None = None,
                 pooled: bool = False) -> None:
    ocr_reader.configure(ocr)
    _WORKER["analyzer"] = analyzer
    _WORKER["lexicon"] = lexicon
    _WORKER["boilerplate"] = boilerplate
    _WORKER["limits"] = limits = limits or Limits()
    if pooled:  # a worker process of its own: its memory can be capped without touching the build's
        limit_worker_memory(limits)


def _analyze_task(task: tuple[SourceFile, str, dict[str, str]]):
    source, doc_id, overrides = task
    limits = _WORKER.get("limits") or Limits()
    try:
        return source.relpath, analyze_source(source, doc_id, overrides, _WORKER["analyzer"], _WORKER["lexicon"],
                                              _WORKER.get("boilerplate", frozenset()), limits), None
    except SkipFile as exc:
        return source.relpath, None, ("skipped", str(exc))
    except MemoryError:
        return source.relpath, None, ("skipped", memory_reason(limits))
    except Exception as exc:  # one broken file never stops a build
        return source.relpath, None, ("failed", f"{type(exc).__name__}: {exc}")


def _analyze_all(tasks: list[tuple[SourceFile, str, dict[str, str]]], analyzer: Analyzer,
                 lexicon: TopicLexicon, workers: int, boilerplate: frozenset[str] = frozenset(),
                 ocr: ocr_reader.OcrOptions | None = None, limits: Limits | None = None) -> Iterator:
    before = ocr_reader.options()
    try:
        _init_worker(analyzer, lexicon, boilerplate, ocr, limits)
        yield from _analyze_in_workers(tasks, analyzer, lexicon, workers, boilerplate, ocr, limits)
    finally:
        ocr_reader.configure(before)  # this build's cache folder is no default for later reads
        _WORKER.clear()  # the analyzer may map the previous generation's tables: never kept past the build


def _analyze_in_workers(tasks, analyzer, lexicon, workers, boilerplate, ocr, limits) -> Iterator:
    images = sum(t[0].relpath.lower().endswith(IMAGE_SUFFIXES) for t in tasks)
    # an image costs seconds of OCR: two of them are worth starting workers for
    if workers <= 1 or (len(tasks) < PARALLEL_THRESHOLD and not (ocr and ocr.enabled and images >= 2)):
        yield from map(_analyze_task, tasks)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    analyzer.jieba  # load the dictionary once, before forking
    pool = ctx.Pool(workers, initializer=_init_worker, initargs=(analyzer, lexicon, boilerplate, ocr, limits, True))
    chunk = 4 if len(tasks) >= PARALLEL_THRESHOLD else 1  # a few scans: one at a time, so that each worker OCRs its own
    window = InFlight(IN_FLIGHT_CHUNKS * workers * chunk)
    finished = False
    try:
        for result in pool.imap(_analyze_task, window.feed(tasks), chunksize=chunk):
            window.done()
            yield result
        pool.close()
        finished = True
    finally:
        window.stop()  # the pool's feeding thread must not wait for a slot while the pool is stopped
        if not finished:
            pool.terminate()  # the build is interrupted or fails: no worker outlives it
        # Finished, each worker ends on reading its end marker. Killing them then (terminate)
        # could kill one holding the task queue's read lock: another waited on that lock for
        # ever, and this join with it (seen once in the suite, a build of 2 workers).
        pool.join()


IN_FLIGHT_CHUNKS = 4  # chunks of files per worker handed out and not yet taken by the build


class InFlight:
    """At most ``size`` tasks handed to a pool and not yet taken back (:meth:`done`):
    the pool keeps every result its workers finish until the build takes it, so when
    the workers run ahead of the build (writing is slower than analyzing on a loaded
    machine) finished reports piled up in the build's memory. ``size`` must be at least
    the pool's chunk size (a chunk is sent once it is whole)."""

    def __init__(self, size: int):
        import threading

        self._slots = threading.Semaphore(size)
        self._stopped = threading.Event()

    def feed(self, tasks):
        for task in tasks:
            while not self._slots.acquire(timeout=0.2):
                if self._stopped.is_set():
                    return
            if self._stopped.is_set():
                return
            yield task

    def done(self) -> None:
        self._slots.release()

    def stop(self) -> None:
        self._stopped.set()


def corpus_boilerplate(sources: list[SourceFile], reread: set[str] | None = None,
                       kept: dict[str, Sequence[int]] | None = None) -> tuple[frozenset[str], dict[str, Sequence[int]]]:
    """Lines repeated across many files of the corpus (licence notes, footers): never
    headings (see structure.boilerplate_lines), and the line hashes of each plain-text
    file (corpus_state). Only plain-text files are looked at (cheap to decode; extracting
    Word, PDF and web files twice would double their cost, and their extractors drop
    running headers and page furniture themselves); those in ``kept`` (line hashes of the
    previous generation) and not in ``reread`` (the files analyzed now) are not read again:
    the lines returned are those of the files read. Unreadable files are left out here;
    they are reported when they are analyzed."""
    reread = set(reread) if reread is not None else None
    kept = kept or {}
    to_read: dict[str, SourceFile] = {}
    previous: dict[str, Sequence[int]] = {}
    for source in sources:
        rel = source.relpath
        if not rel.lower().endswith(TEXT_SUFFIXES):
            continue
        if rel in kept and reread is not None and rel not in reread:
            previous[rel] = kept[rel]
            continue
        to_read[rel] = source

    def text_of(rel: str) -> str | None:
        try:
            return read(to_read[rel])[0]
        except Exception:
            return None

    # one file's text at a time: the corpus is never held whole
    texts = ((rel, text) for rel, text in ((rel, text_of(rel)) for rel in to_read) if text is not None)
    return corpus_state.boilerplate(texts, previous, text_of)


# --------------------------------------------------------------------------- sidecars


def load_sidecars(corpus: Path, notes: list[str] | None = None, tables: list[SourceFile] | None = None,
                  ) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """``{relpath: overrides}`` from every sidecar table in the corpus (``tables``, as the
    walk found them: by the same rules as reports), and problems found (a table that
    cannot be read). Cells that cannot be used and rows naming no file are left out,
    each with a line in ``notes``."""
    if tables is None:
        tables = walk_tree(corpus).sidecars
    overrides: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    for table_file in tables:
        folder = PurePosixPath(table_file.relpath).parent.as_posix()
        try:
            text = table_file.read_bytes().decode("utf-8-sig")
            cells: list[str] = []
            table = meta.read_sidecar(table_file.path, cells, text=text)
            if notes is not None:
                where = "" if folder == "." else f"{folder}/"
                notes.extend(f"sidecar {where}{problem}" for problem in cells)
        except (meta.SidecarError, UnicodeDecodeError, SkipFile) as exc:
            problems.append((table_file.relpath, str(exc)))
            continue
        for file, values in table.items():
            rel = file if folder == "." else f"{folder}/{file}"
            overrides.setdefault(rel, {}).update(values)
    return overrides, problems


# --------------------------------------------------------------------------- writing


def _whoosh_docs(item: AnalyzedReport, first_row: int) -> Iterable[dict]:
    """Whoosh documents of one report (index/fields.py); text fields arrive already
    segmented."""
    r = item.report
    model = field_model.current()
    for seq, (p, words, section_words) in enumerate(zip(r.passages, item.words, item.section_words)):
        yield model.whoosh_document(r, p, first_row + seq, seq, words, section_words)


def _add_columns(writer: columns.ColumnWriter, item: AnalyzedReport, first_row: int) -> None:
    if writer.rows != first_row:
        raise RuntimeError(f"column rows out of step: {writer.rows} != {first_row}")
    r = item.report
    model = field_model.current()
    for seq, (p, norm) in enumerate(zip(r.passages, item.norms)):
        writer.add(model.row_values(r, p, seq), p.text, norm)


def _document_entry(item: AnalyzedReport, first_row: int) -> dict:
    r = item.report
    return {
        "rows": [first_row, first_row + len(r.passages)], "doc_id": r.doc_id,
        **field_model.report_values(r),  # title, places, year and any other report field of the model
        "subtitle": r.subtitle, "source": r.source, "encoding": r.encoding,
        "passages": len(r.passages), "characters": item.characters, "fingerprint": item.fingerprint,
        "text_source": "ocr" if item.ocr else "file", **({"ocr": item.ocr} if item.ocr else {}),
    }


def _config_signature(analyzer: Analyzer, lexicon: TopicLexicon) -> str:
    h = hashlib.sha1(json.dumps(analyzer.userdict, ensure_ascii=False).encode("utf-8"))
    h.update(json.dumps(lexicon.topics, ensure_ascii=False).encode("utf-8"))
    h.update(normalize_signature().encode())  # the folding table: what a bigram means
    h.update(f"format {FORMAT} {columns.FORMAT}".encode())
    return h.hexdigest()


Progress = Callable[[int, int, str], None]  # (files done, files to analyze, file)


def build(corpus: str | Path | None, index_dir: str | Path, *, lexicon: str | Path | None = None,
          userdict: str | Path | None = None, workers: int | None = None,
          progress: Progress | None = None, replace_corpus: bool = False,
          walk: WalkOptions | None = None, ocr: ocr_reader.OcrOptions | None = None,
          limits: Limits | None = None, visibility: Rules | None = None) -> BuildReport:
    """Index every report below ``corpus`` into a new generation and switch to it.

    ``corpus=None`` (and ``lexicon``/``userdict`` None) reuse what the index was built
    from. An index built from another folder is refused (:class:`CorpusMismatch`,
    saying what would be removed) unless ``replace_corpus`` is true. ``visibility``: the
    folder rules and default visibility of reports (index/visibility.py; default: the
    ``[visibility]`` table of the settings file ``GOVSEARCH_CONFIG``, else all public)."""
    return _run(corpus, Path(index_dir), lexicon, userdict, workers, progress, incremental=False,
                replace_corpus=replace_corpus, walk=walk, ocr=ocr, limits=limits, visibility=visibility)


def update(corpus: str | Path | None, index_dir: str | Path, *, lexicon: str | Path | None = None,
           userdict: str | Path | None = None, workers: int | None = None,
           progress: Progress | None = None, replace_corpus: bool = False,
           walk: WalkOptions | None = None, ocr: ocr_reader.OcrOptions | None = None,
           limits: Limits | None = None, visibility: Rules | None = None,
           decided: Decision | None = None) -> BuildReport:
    """Re-index new and changed files, drop removed ones; a full build when there is no
    index yet, the current one is damaged, or the dictionary or topic lexicon changed.
    Same corpus rules as :func:`build`. ``decided``: what
    :func:`index.generation.unchanged.decide` found with the same arguments just before
    (something to do): its walk of the corpus is taken and the records are not compared
    again (a file added since is the next update's)."""
    return _run(corpus, Path(index_dir), lexicon, userdict, workers, progress, incremental=True,
                replace_corpus=replace_corpus, walk=walk, ocr=ocr, limits=limits, visibility=visibility,
                decided=decided)


def index_exists(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds an index (a CURRENT pointer or a generation), however
    damaged: then the corpus is never guessed."""
    try:
        return (index_dir / store.CURRENT).exists() or any(g.is_dir() for g in index_dir.glob("gen-*"))
    except OSError:
        return True


def _unknown_corpus(index_dir: Path, verb: str) -> IndexDamaged:
    """An existing index whose record of its corpus (build.json) is damaged everywhere:
    rebuilding from a guessed folder (./corpus) could replace every report with a few."""
    name = f"`{index_command(verb, index_dir, '--corpus', '<folder>')}`"
    return IndexDamaged(
        f"{index_dir} 的索引说不出它是用哪个语料文件夹建立的：记录（{store.BUILD_INFO}）缺失或损坏，也没有给出文件夹 "
        f"(the index at {index_dir} cannot say which corpus folder it was built from: its record "
        f"({store.BUILD_INFO}) is missing or damaged, and no folder was given)",
        f"请指明它的报告所在的文件夹：{name}（或设置 GOVSEARCH_CORPUS） "
        f"(name the folder of its reports: {name} (or set GOVSEARCH_CORPUS))")


def _missing_corpus(corpus: Path, given: bool, recorded: bool, index_dir: Path, verb: str) -> NothingIndexed:
    """The error for a corpus folder that is not there, with a hint that fits how it was
    chosen: given (``--corpus``/``GOVSEARCH_CORPUS``), recorded in the index, or the default."""
    what, zh_what = ("is not a folder", "不是文件夹") if corpus.exists() else ("does not exist", "不存在")
    where = "" if corpus.is_absolute() else f" (relative to the current folder {Path.cwd()})"
    zh_where = "" if corpus.is_absolute() else f"（相对于当前文件夹 {Path.cwd()}）"
    if given:
        return NothingIndexed(f"语料文件夹 {corpus} {zh_what} (corpus folder {corpus} {what})",
                              f"作为语料给出的文件夹 {corpus}（--corpus 或 GOVSEARCH_CORPUS）{zh_what}{zh_where}：请检查名称 "
                              f"(the folder {corpus} given as the corpus (--corpus or GOVSEARCH_CORPUS) {what}{where}: "
                              "check its name)")
    move = f"`{index_command(verb, index_dir, '--corpus', '<folder>', '--replace-corpus')}`"
    if recorded:
        return NothingIndexed(f"索引记录的语料文件夹 {corpus} {zh_what} (corpus folder {corpus} {what} (recorded in the index))",
                              f"如果报告已移走，请指明新的文件夹：{move} "
                              f"(if the reports have moved, name their new folder: {move})")
    name = f"`{index_command(verb, index_dir, '--corpus', '<folder>')}`"
    return NothingIndexed(f"语料文件夹 {corpus} {zh_what}{zh_where} (corpus folder {corpus} {what}{where})",
                          f"请指明报告所在的文件夹：{name}（或设置 GOVSEARCH_CORPUS） "
                          f"(name the folder of reports: {name} (or set GOVSEARCH_CORPUS))")


def _check_same_corpus(index_dir: Path, corpus: Path, info: dict | None, live: Path | None,
                       sources: list[SourceFile], incremental: bool) -> None:
    recorded = (info or {}).get("corpus")
    if not recorded or Path(recorded) == corpus.resolve():
        return
    try:
        old = [d["source"] for d in store.read_json(live / store.DOCUMENTS)] if live else []
    except (OSError, ValueError, KeyError, TypeError):
        old = []
    new = {s.relpath for s in sources}
    gone = [rel for rel in old if rel not in new]
    shown = ", ".join(gone[:10]) + (f" … and {len(gone) - 10} more" if len(gone) > 10 else "")
    verb = "update" if incremental else "build"
    zh_verb = "更新" if incremental else "建立"
    raise CorpusMismatch(
        f"{index_dir} 的索引是用 {recorded} 的 {len(old)} 篇报告建立的，不是 {corpus.resolve()}：这次{zh_verb}会删去其中 "
        f"{len(gone)} 篇，并索引 {corpus.resolve()} 的 {len(new)} 个文件 "
        f"(the index at {index_dir} was built from {recorded} ({count(len(old), 'report')}), not from {corpus.resolve()}: "
        f"this {verb} would remove {len(gone)} of them" + (f" ({shown})" if gone else "")
        + f" and index {count(len(new), 'file')} from {corpus.resolve()})",
        f"去掉 --corpus 即用 {recorded}；或加上 --replace-corpus，用 {corpus} 的报告替换索引中的报告 "
        f"(leave out --corpus to use {recorded}, or add --replace-corpus to replace the index's reports "
        f"with those of {corpus})",
    )


def _usable_previous(index_dir: Path, notes: list[str]) -> tuple[Path | None, dict | None]:
    """The live generation and its vocabulary counts when it is complete and readable;
    otherwise ``(None, None)`` and a note saying why everything is re-indexed."""
    try:
        gen = store.current_generation(index_dir)
    except IndexMissing as exc:
        if (index_dir / store.CURRENT).exists():
            notes.append(f"索引已损坏，从头重建 (the index is damaged ({exc.message}): rebuilding it from scratch)")
        else:
            notes.append("还没有索引，现在建立 (no index yet: building one)")
        return None, None
    try:
        store.check_unchanged_since_manifest(gen)
        absent = [name for name in (vocabulary.COUNTS, vocabulary.COUNT_TERMS, wordrows.MANIFEST) if not (gen / name).is_file()]
        if not (gen / columns.MANIFEST).is_file():
            absent.append(columns.MANIFEST)
        elif "edits.bin" not in store.read_json(gen / columns.MANIFEST).get("files", {}):
            absent.append("edits.bin")
        if absent:
            notes.append(f"索引由旧版 govsearch 写成，每个文件都重新索引 (the index was written by an older version "
                         f"of govsearch ({gen.name} has no {' or '.join(absent)}): every file is re-indexed)")
            return None, None
        for name in (grams.MANIFEST, wordrows.MANIFEST):
            store.read_json(gen / name)
        counts = vocabulary.CountTable.read(gen)  # an update starts from them
        ix = whoosh_index.open_dir(str(gen))
        try:
            ix.doc_count_all()
        finally:
            ix.close()
    except IndexDamaged as exc:
        notes.append(f"索引已损坏，从头重建 (the index is damaged ({exc.message}): rebuilding it from scratch)")
        return None, None
    except Exception as exc:  # Whoosh's own errors for a damaged segment, bad JSON …
        notes.append(f"索引已损坏，从头重建 (the index is damaged ({gen.name}: {type(exc).__name__}: {exc}): "
                     "rebuilding it from scratch)")
        return None, None
    return gen, counts


def _run(corpus_arg, index_dir: Path, lexicon_path, userdict_path, workers, progress,
         incremental: bool, replace_corpus: bool = False, walk: WalkOptions | None = None,
         ocr: ocr_reader.OcrOptions | None = None, limits: Limits | None = None,
         visibility: Rules | None = None, decided: Decision | None = None) -> BuildReport:
    started = time.perf_counter()
    ocr = ocr or ocr_reader.OcrOptions()
    if ocr.cache_dir is None:  # beside the generations: builds and updates share it
        ocr = replace(ocr, cache_dir=index_dir / OCR_CACHE)
    notes: list[str] = []
    _, info = recorded_build(index_dir)
    if corpus_arg is None:
        if info and info.get("corpus"):
            corpus = Path(info["corpus"])
        elif index_exists(index_dir):
            raise _unknown_corpus(index_dir, "update" if incremental else "build")
        else:
            corpus = Path(DEFAULT_CORPUS)
    else:
        corpus = Path(corpus_arg)
    if not corpus.is_dir():
        raise _missing_corpus(corpus, corpus_arg is not None, bool(info and info.get("corpus")), index_dir,
                              "update" if incremental else "build")
    visibility = visibility_rules(visibility, info)
    lexicon_path = recorded_file(info, "lexicon", lexicon_path, notes, "topic lexicon")
    userdict_path = recorded_file(info, "userdict", userdict_path, notes, "user dictionary")
    # read now (a file that cannot be read is an error before anything is locked); the
    # analyzer (jieba and the gazetteer: a second or more) only once something changed
    extra_words = read_userdict(Path(userdict_path).read_text(encoding="utf-8")) if userdict_path else []
    lexicon = TopicLexicon.load(lexicon_path)
    stamp = settings_stamp(lexicon_path, userdict_path, limits, ocr.enabled, visibility)
    workers = workers or os.cpu_count() or 1
    try:
        lock = store.build_lock(index_dir)
        lock.__enter__()
    except OSError as exc:
        raise IndexUnwritable(f"cannot write the index folder {index_dir}: {exc.strerror or exc}") from None
    try:
        with lifecycle.stop_on_signals():
            live, info = recorded_build(index_dir)  # again, under the lock
            if decided is not None and decided.walked is not None and decided.corpus == corpus.resolve():
                walked = decided.walked  # and the records were compared: something changed
            else:
                walked, decided = walk_tree(corpus, walk), None
            sources, walk_skipped = walked.files, walked.skipped
            if not replace_corpus:
                _check_same_corpus(index_dir, corpus, info, live, sources, incremental)
            if incremental and live is not None and decided is None:
                quick = nothing_to_do(index_dir, corpus, live, info, stamp, walked, notes, started)
                if quick is not None:
                    return quick
            analyzer = Analyzer(default_userdict() + extra_words)
            signature = _config_signature(analyzer, lexicon)
            previous, counts = _usable_previous(index_dir, notes) if incremental else (None, None)
            if previous is not None:
                old_info = store.read_json(previous / store.BUILD_INFO)
                if old_info.get("format") != GENERATION_FORMAT:
                    notes.append("索引由另一版本的 govsearch 写成，每个文件都重新索引 "
                                 "(the index was written by another version of govsearch: every file is re-indexed)")
                    previous = None
                elif old_info.get("signature") != signature:
                    notes.append("词典或主题词表已改变，每个文件都重新索引 "
                                 "(the dictionary or topic lexicon changed: every file is re-indexed)")
                    previous = None
            try:
                gen = store.new_generation(index_dir)
            except OSError as exc:
                raise IndexUnwritable(f"cannot write the index folder {index_dir}: {exc.strerror or exc}") from None
            report = BuildReport(str(index_dir), gen.name, "update" if incremental else "build", notes=notes)
            report.skipped.extend(walk_skipped)
            report.corpus = str(corpus.resolve())
            sources_info = {"lexicon": str(Path(lexicon_path).resolve()) if lexicon_path else None,
                            "userdict": str(Path(userdict_path).resolve()) if userdict_path else None,
                            "visibility": visibility}
            try:
                _write_generation(corpus, gen, previous, analyzer, lexicon, signature, workers, progress, report,
                                  sources, sources_info, counts, ocr, walked.sidecars, limits, stamp)
                store.write_manifest(gen, previous)
                lifecycle.check_stop()
            except NothingIndexed:
                _discard(gen)
                raise
            except OSError as exc:
                _discard(gen)
                raise IndexUnwritable(f"cannot write the index in {gen}: {exc.strerror or exc}") from None
            except BaseException:  # interrupted (Ctrl+C, SIGTERM) or a bug: the live index stays as it was
                _discard(gen)
                raise
            settled = previous is not None and _nothing_changed(previous, report)
            if settled and not decided_from(previous, stamp) and decided_from(gen, stamp):
                # the same reports, but the live generation's record of its settings is
                # not today's (other limits, a touched table): without the new record every
                # later update would re-read the corpus to find that nothing changed
                settled = False
                report.notes.append(f"自 {previous.name} 以来报告没有变化，但设置与当时记录的不同：新的一代记下现在的设置 "
                                    f"(nothing changed since {previous.name}, but its record of the settings "
                                    "differs from the settings now in use: the new generation records them)")
            if settled:
                # an update that found nothing to do (as from cron): no new generation,
                # so servers keep their loaded index and caches
                _discard(gen)
                report.generation = previous.name
                report.notes.append(f"自 {previous.name} 以来没有变化，索引保持不变 "
                                    f"(nothing changed since {previous.name}: the index stays as it is)")
                store.record_verified(previous)
                store.record_last_build(index_dir, "ok", report.mode, previous.name)
            else:
                store.switch_to(index_dir, gen)
                store.record_last_build(index_dir, "ok", report.mode, gen.name)
                store.remove_old_generations(index_dir, previous=live.name if live is not None else None)
                store.record_verified(gen)
    except KeyboardInterrupt as exc:
        live_now = _live_name(index_dir)
        if "gen" in locals() and live_now == gen.name:
            # stopped after the switch: the new generation is live, whatever comes next says
            store.record_last_build(index_dir, "ok", "update" if incremental else "build", live_now)
            exc.live_generation = live_now
        else:
            store.record_last_build(index_dir, "interrupted", "update" if incremental else "build")
        raise
    except Exception as exc:
        if not isinstance(exc, (CorpusMismatch,)):
            store.record_last_build(index_dir, "failed", "update" if incremental else "build", message=str(exc))
        raise
    finally:
        lock.__exit__(None, None, None)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _live_name(index_dir: Path) -> str | None:
    try:
        return store.current_generation(index_dir).name
    except GovsearchError:
        return None


def _nothing_changed(previous: Path, report: BuildReport) -> bool:
    """True when an update kept every report of ``previous`` as it was, added none and
    reads them from the folder ``previous`` records (``--replace-corpus`` onto a copy of
    the same files must still record the new folder, or the next update refuses it)."""
    if report.indexed or report.removed or report.failed:
        return False
    try:
        before = len(store.read_json(previous / store.DOCUMENTS))
        recorded = store.read_json(previous / store.BUILD_INFO).get("corpus")
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return recorded == report.corpus and len(report.unchanged) == before == report.documents


TABLE_CUT_BYTES = 200_000  # text to segment in an update under which the mapped dictionary is faster


def _few_to_cut(tasks, old_docs: dict[str, dict], kept: dict[str, dict]) -> bool:
    """Whether an update segments so little text (the files it analyzes, and the stored
    passages of the reports it drops or replaces) that cutting it from the mapped
    dictionary (about 9 µs a character) costs less than loading jieba's (about a second)."""
    if len(tasks) >= PARALLEL_THRESHOLD or any(t[0].relpath.lower().endswith(IMAGE_SUFFIXES) for t in tasks):
        return False
    old = sum(3 * d.get("characters", 0) for rel, d in old_docs.items() if rel not in kept)
    return old + sum(_size(t[0]) for t in tasks) <= TABLE_CUT_BYTES


def _size(source: SourceFile) -> int:
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


def _discard(gen: Path) -> None:
    import shutil

    shutil.rmtree(gen, ignore_errors=True)


def _write_generation(corpus: Path, gen: Path, previous: Path | None, analyzer: Analyzer,
                      lexicon: TopicLexicon, signature: str, workers: int,
                      progress: Progress | None, report: BuildReport, sources: list[SourceFile],
                      sources_info: dict, previous_counts: dict | None = None,
                      ocr: ocr_reader.OcrOptions | None = None, sidecars: list[SourceFile] | None = None,
                      limits: Limits | None = None, stamp: str = "") -> None:
    sidecar_stats = {t.relpath: corpus_state.stat_of(t.path) for t in (sidecars or [])}  # before reading them
    walk_skipped = len(report.skipped)
    notes_before = len(report.notes)
    overrides, sidecar_problems = load_sidecars(corpus, report.notes, sidecars)
    sidecar_notes = report.notes[notes_before:]
    report.skipped.extend((f, f"sidecar ignored: {why}") for f, why in sidecar_problems)

    old_docs: dict[str, dict] = {}
    old_state: dict = {}
    kept_lines: dict[str, Sequence[int]] = {}
    written = 0
    if previous is not None:
        old_docs = {d["source"]: d for d in store.read_json(previous / store.DOCUMENTS)}
        state = corpus_state.read(previous)
        if state is not None and state.get("stamp") == stamp:
            old_state = state["files"]
            kept_lines = corpus_state.read_lines(previous, state)
            written = (previous / store.MANIFEST).stat().st_mtime_ns
        store.link_copy(previous, gen)
        for name in (corpus_state.STATE, corpus_state.LINES):  # written anew below, never through a link
            (gen / name).unlink(missing_ok=True)
        ix = whoosh_index.open_dir(str(gen))
    else:
        ix = whoosh_index.create_in(str(gen), make_schema(analyzer))

    ids = assign_doc_ids(s.relpath for s in sources)
    tasks = []
    documents: dict[str, dict] = {}
    files_state: dict[str, dict] = {}  # corpus_state: each file's stat, content and outcome
    stats: dict[str, tuple[int, int] | None] = {}
    ov_hashes: dict[str, str] = {}  # the values each file is indexed with, folder rules applied
    current = {s.relpath for s in sources}
    for source in sources:
        rel = source.relpath
        ov = overrides.get(rel, {})
        if not ov.get("visibility") or ov["visibility"] == meta.NULL:  # no sidecar value: the folder rules
            ov = {**ov, "visibility": sources_info.get("visibility", Rules()).of(rel)}
        ov_hashes[rel] = ov_hash = _overrides_hash(ov)
        stats[rel] = st = corpus_state.stat_of(source.path)  # before reading: a later change shows
        old = old_docs.get(rel)
        doc_id = ids[rel]
        recorded = old_state.get(rel)
        same_stat = (recorded is not None and st is not None and list(st) == recorded.get("stat")
                     and st[1] < written and recorded.get("overrides") == ov_hash)
        if same_stat and "skipped" in recorded and old is None:  # skipped before, for a lasting reason
            report.skipped.append((rel, recorded["skipped"]))
            files_state[rel] = recorded
            continue
        if old is not None and old["doc_id"] == doc_id:
            if same_stat and recorded.get("fingerprint") == old["fingerprint"]:
                fp, content = old["fingerprint"], recorded.get("sha1")  # unchanged: not read
            else:
                try:
                    data = source.read_bytes()
                    fp, content = _fingerprint(data, ov), corpus_state.content_hash(data)
                except SkipFile:
                    fp = content = None  # analyzed below, where the reason is reported
            if fp == old["fingerprint"]:
                documents[rel] = old
                files_state[rel] = {"stat": list(st) if st else None, "sha1": content, "fingerprint": fp,
                                    "overrides": ov_hash}
                report.unchanged.append(rel)
                continue
        tasks.append((source, doc_id, ov))

    if previous is not None and _few_to_cut(tasks, old_docs, documents):
        # a few reports to segment: from the previous generation's mapped dictionary (the
        # same dictionary: its signature was checked) instead of loading jieba's
        analyzer = wordtable.table_analyzer(previous, analyzer.userdict) or analyzer

    grams_manifest = {"segments": [], "next_row": 0}
    if previous is not None:
        grams_manifest = store.read_json(previous / grams.MANIFEST)
    gram_writer = grams.GramWriter(gen, grams_manifest)
    word_manifest = None
    if previous is not None:
        word_manifest = store.read_json(previous / wordrows.MANIFEST)
    word_writer = wordrows.WordRowsWriter(gen, word_manifest)
    repeat_manifest = None
    if previous is not None:
        if not (gen / repeats.MANIFEST).is_file():  # a generation written before them
            repeats.derive_from_columns(gen)
        repeat_manifest = store.read_json(gen / repeats.MANIFEST)
    repeat_writer = repeats.RepeatsWriter(gen, repeat_manifest)
    vocab = vocabulary.VocabularyBuilder(analyzer, previous, previous_counts, folder=gen)
    column_writer = columns.ColumnWriter(gen, lexicon.names)
    if previous is not None:
        keep = {d["doc_id"] for d in documents.values()}
        old_columns = columns.Columns(previous)
        try:
            columns.copy_rows(column_writer, old_columns, keep)
            for rel, old in old_docs.items():  # dropped or re-indexed: its terms leave the vocabulary
                if rel not in documents:
                    vocab.remove(columns.stored_passages(old_columns, *old["rows"]))
        finally:
            old_columns.close()

    if previous is None and workers > 1 and (len(tasks) >= PARALLEL_THRESHOLD
                                             or sum(_size(t[0]) for t in tasks) >= PARALLEL_BYTES):
        # full build of many files (or of a few large ones): Whoosh writes segments in
        # parallel sub-processes
        writer = whoosh_writer.writer(ix, procs=workers, multisegment=True, limitmb=WRITER_MEMORY_MB // workers)
        # Whoosh forks its sub-writers when the first batch of documents is ready, by
        # which time this process may hold a large report's passages, which the forked
        # copies would then carry (and slowly duplicate); start them now, while small.
        while hasattr(writer, "_new_task") and len(getattr(writer, "tasks", ())) < getattr(writer, "procs", 0):
            writer._new_task()
    else:
        writer = whoosh_writer.writer(ix, limitmb=WRITER_MEMORY_MB)
    try:
        for rel, old in old_docs.items():
            if rel not in current or rel not in documents:
                writer.delete_by_term("doc_id", old["doc_id"])
                if rel not in current:
                    report.removed.append(rel)
        done = 0
        boilerplate, line_hashes = corpus_boilerplate(sources, {t[0].relpath for t in tasks}, kept_lines)
        analyzed = _analyze_all(tasks, analyzer, lexicon, workers, boilerplate, ocr, limits)
        for rel, item, problem in analyzed:
            lifecycle.check_stop()
            done += 1
            if progress:
                progress(done, len(tasks), rel)
            if problem:
                (report.skipped if problem[0] == "skipped" else report.failed).append((rel, problem[1]))
                if problem[0] == "skipped":
                    st = stats.get(rel)
                    files_state[rel] = {"stat": list(st) if st else None, "sha1": None, "skipped": problem[1],
                                        "overrides": ov_hashes[rel]}
                continue
            st = stats.get(rel)
            files_state[rel] = {"stat": list(st) if st else None, "sha1": item.content,
                                "fingerprint": item.fingerprint, "overrides": ov_hashes[rel]}
            first_row = gram_writer.add(item.norms)
            word_writer.add(first_row, item.words)
            repeat_writer.add(first_row, item.norms)
            vocab.add(item.report.passages, item.norms, item.words)
            _add_columns(column_writer, item, first_row)
            for doc in _whoosh_docs(item, first_row):
                writer.add_document(**doc)
            documents[rel] = _document_entry(item, first_row)
            report.indexed.append(rel)
            if item.ocr:
                _count_ocr(report, rel, item.ocr)
        if not documents:
            writer.cancel()
            raise NothingIndexed(
                f"nothing could be indexed in {corpus}: "
                + ("no report files found (" + " ".join(SUFFIXES) + ")" if not sources else f"{count(len(sources), 'file')} found, none readable"),
                "see the skipped files above",
            )
        lifecycle.check_stop()
        writer.commit(merge=True)
        lifecycle.check_stop()
    except BaseException:
        lifecycle.stop_writer(writer)
        raise
    finally:
        if "analyzed" in locals():
            analyzed.close()  # stops the worker pool now, not when garbage-collected

    gram_writer.finish()
    word_writer.finish(gram_writer.next_row)
    repeat_writer.finish(gram_writer.next_row)
    vocab.write(gen)
    column_writer.finish({d["doc_id"]: d["title"] for d in documents.values()})
    wordtable.copy_or_write(gen, previous, analyzer)

    ordered = sorted(documents.values(), key=lambda d: d["source"])
    report.documents = len(ordered)
    report.passages = sum(d["passages"] for d in ordered)
    report.characters = sum(d["characters"] for d in ordered)
    store.write_json(gen / store.DOCUMENTS, ordered)
    corpus_state.write(gen, files_state, sidecar_stats, stamp, line_hashes,
                       report.skipped[walk_skipped:],
                       sidecar_notes, complete=not report.failed and len(files_state) == len(sources))
    # the OCR'd reports (doc_id → mean confidence): small, read with the columns, so a
    # hit says where its text came from without documents.json
    store.write_json(gen / OCR_DOCUMENTS, {d["doc_id"]: d["ocr"]["confidence"] for d in ordered if d.get("ocr")})
    store.write_json(gen / store.BUILD_INFO, {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": str(corpus.resolve()),
        "lexicon": sources_info.get("lexicon"),
        "userdict": sources_info.get("userdict"),
        "visibility": sources_info.get("visibility", Rules()).to_dict(),
        "signature": signature,
        "format": GENERATION_FORMAT,
        "topics": lexicon.names,
        "documents": report.documents,
        "passages": report.passages,
        "characters": report.characters,
        "skipped": [{"file": f, "reason": r} for f, r in report.skipped + report.failed],
        "mode": report.mode,
    })


def _count_ocr(report: BuildReport, rel: str, info: dict) -> None:
    report.ocr_pages += len(info["pages"])
    report.ocr_cached += info["cached"]
    for page, confidence in info["page_confidence"].items():
        if confidence < ocr_reader.LOW_PAGE_CONFIDENCE:
            report.low_confidence.append({"file": rel, "page": int(page), "confidence": confidence})
