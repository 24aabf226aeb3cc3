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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from whoosh import index as whoosh_index

from . import columns, grams, wordtable
from . import fields as field_model
from . import metadata as meta
from . import store
from .analysis import Analyzer
from .errors import IndexUnwritable, NothingIndexed
from .ingest import SkipFile, SourceFile, find_files, read
from .model import Passage, Report
from .normalize import normalize
from .schema import FORMAT, make_schema
from .structure import parse
from .topics import TopicLexicon

WRITER_MEMORY_MB = 256
PARALLEL_THRESHOLD = 24  # files; below this one process is faster than starting workers


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

    def to_dict(self) -> dict:
        d = asdict(self)
        d["skipped"] = [{"file": f, "reason": r} for f, r in self.skipped]
        d["failed"] = [{"file": f, "reason": r} for f, r in self.failed]
        return d


@dataclass
class AnalyzedReport:
    report: Report
    fingerprint: str
    words: list[list[str]]  # jieba words of two or more characters, for each passage
    section_words: list[list[str]]  # jieba words of each passage's heading path (Whoosh "section")
    norms: list[str]  # normalized text of each passage (for the bigram index)
    characters: int


# --------------------------------------------------------------------------- analysis


def make_doc_id(relpath: str, taken: set[str]) -> str:
    """A stable, URL-safe id from the file's path in the corpus."""
    stem = str(PurePosixPath(relpath).with_suffix(""))
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem.replace("/", "--")).strip("-.").lower()
    if not slug or not stem.isascii() or slug in taken:
        digest = hashlib.sha1(relpath.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"doc-{digest}"
    taken.add(slug)
    return slug


def analyze_source(source: SourceFile, doc_id: str, overrides: dict[str, str], analyzer: Analyzer,
                   lexicon: TopicLexicon) -> AnalyzedReport:
    data_text, encoding = read(source)
    structure = parse(data_text, analyzer)
    body = "\n".join(text for kind, _, text in structure.blocks if kind != "title")
    fallback = PurePosixPath(source.relpath).stem
    info = meta.extract(structure.title, structure.subtitle, body, fallback, analyzer)
    if overrides:
        info = meta.apply_overrides(info, overrides, where=source.relpath)
    passages: list[Passage] = []
    words: list[list[str]] = []
    section_words: list[list[str]] = []
    norms: list[str] = []
    heading_words: dict[str, list[str]] = {}  # a report's passages share few heading paths
    for n, (kind, section, text) in enumerate(structure.blocks):
        topics = lexicon.classify(text, section)
        passage = Passage(f"{doc_id}:{n}", kind, section, text, topics)
        passages.append(passage)
        norm = normalize(text)
        norms.append(norm)
        # one-character words are left out of the word field: exact matching, which
        # finds them, runs on the bigram index; the field serves multi-character words
        words.append([w for w in analyzer.cut(norm) if len(w) > 1])
        path = passage.section_path
        cut = heading_words.get(path)
        if cut is None:
            cut = heading_words[path] = analyzer.words(path) if path else []
        section_words.append(cut)
    if not passages:
        raise SkipFile("no text after parsing")
    report = Report(doc_id, source.relpath, info.title, info.town, info.county, info.year, encoding,
                    passages, structure.subtitle)
    fingerprint = _fingerprint(source, overrides)
    return AnalyzedReport(report, fingerprint, words, section_words, norms, len(data_text))


def _fingerprint(source: SourceFile, overrides: dict[str, str]) -> str:
    h = hashlib.sha1(source.path.read_bytes())
    h.update(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


# Worker-process state (set by _init_worker; inherited as is under fork).
_WORKER: dict = {}


def _init_worker(analyzer: Analyzer, lexicon: TopicLexicon) -> None:
    _WORKER["analyzer"] = analyzer
    _WORKER["lexicon"] = lexicon


def _analyze_task(task: tuple[SourceFile, str, dict[str, str]]):
    source, doc_id, overrides = task
    try:
        return source.relpath, analyze_source(source, doc_id, overrides, _WORKER["analyzer"], _WORKER["lexicon"]), None
    except SkipFile as exc:
        return source.relpath, None, ("skipped", str(exc))
    except Exception as exc:  # one broken file never stops a build
        return source.relpath, None, ("failed", f"{type(exc).__name__}: {exc}")


def _analyze_all(tasks: list[tuple[SourceFile, str, dict[str, str]]], analyzer: Analyzer,
                 lexicon: TopicLexicon, workers: int) -> Iterator:
    _init_worker(analyzer, lexicon)
    if workers <= 1 or len(tasks) < PARALLEL_THRESHOLD:
        yield from map(_analyze_task, tasks)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    analyzer.jieba  # load the dictionary once, before forking
    with ctx.Pool(workers, initializer=_init_worker, initargs=(analyzer, lexicon)) as pool:
        yield from pool.imap(_analyze_task, tasks, chunksize=4)


# --------------------------------------------------------------------------- sidecars


def load_sidecars(corpus: Path) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """``{relpath: overrides}`` from every sidecar table in the corpus, and problems found."""
    overrides: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name in meta.SIDECAR_NAMES:
                path = Path(root) / name
                folder = Path(root).relative_to(corpus).as_posix()
                try:
                    table = meta.read_sidecar(path)
                except (meta.SidecarError, UnicodeDecodeError, OSError) as exc:
                    problems.append((path.relative_to(corpus).as_posix(), str(exc)))
                    continue
                for file, values in table.items():
                    rel = file if folder == "." else f"{folder}/{file}"
                    overrides.setdefault(rel, {}).update(values)
    return overrides, problems


# --------------------------------------------------------------------------- writing


def _whoosh_docs(item: AnalyzedReport, first_row: int) -> Iterable[dict]:
    """Whoosh documents of one report (index/fields.py); text fields arrive already
    segmented, the heading path is stored as text."""
    r = item.report
    for seq, (p, words, section_words) in enumerate(zip(r.passages, item.words, item.section_words)):
        doc = field_model.whoosh_document(r, p, first_row + seq, seq, words, section_words)
        doc["_stored_section"] = p.section_path
        yield doc


def _add_columns(writer: columns.ColumnWriter, item: AnalyzedReport, first_row: int) -> None:
    if writer.rows != first_row:
        raise RuntimeError(f"column rows out of step: {writer.rows} != {first_row}")
    r = item.report
    for seq, (p, norm) in enumerate(zip(r.passages, item.norms)):
        writer.add(columns.row_values(r, p, seq), p.text, norm)


def _document_entry(item: AnalyzedReport, first_row: int) -> dict:
    r = item.report
    return {
        "rows": [first_row, first_row + len(r.passages)],
        "doc_id": r.doc_id, "title": r.title, "subtitle": r.subtitle, "town": r.town,
        "county": r.county, "year": r.year, "source": r.source, "encoding": r.encoding,
        "passages": len(r.passages), "characters": item.characters, "fingerprint": item.fingerprint,
        **field_model.report_values(r),
    }


def _config_signature(analyzer: Analyzer, lexicon: TopicLexicon) -> str:
    h = hashlib.sha1(json.dumps(analyzer.userdict, ensure_ascii=False).encode("utf-8"))
    h.update(json.dumps(lexicon.topics, ensure_ascii=False).encode("utf-8"))
    h.update(f"format {FORMAT} {columns.FORMAT}".encode())
    return h.hexdigest()


Progress = Callable[[int, int, str], None]  # (files done, files to analyze, file)


def build(corpus: str | Path, index_dir: str | Path, *, lexicon: str | Path | None = None,
          userdict: str | Path | None = None, workers: int | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Index every report below ``corpus`` into a new generation and switch to it."""
    return _run(Path(corpus), Path(index_dir), lexicon, userdict, workers, progress, incremental=False)


def update(corpus: str | Path, index_dir: str | Path, *, lexicon: str | Path | None = None,
           userdict: str | Path | None = None, workers: int | None = None,
           progress: Progress | None = None) -> BuildReport:
    """Re-index new and changed files, drop removed ones; a full build when there is no
    index yet or the dictionary or topic lexicon changed."""
    return _run(Path(corpus), Path(index_dir), lexicon, userdict, workers, progress, incremental=True)


def _run(corpus: Path, index_dir: Path, lexicon_path, userdict_path, workers, progress,
         incremental: bool) -> BuildReport:
    started = time.perf_counter()
    if not corpus.is_dir():
        raise NothingIndexed(f"corpus folder {corpus} does not exist", "pass --corpus or set GOVSEARCH_CORPUS")
    analyzer = Analyzer.with_extra_dictionary(userdict_path)
    lexicon = TopicLexicon.load(lexicon_path)
    signature = _config_signature(analyzer, lexicon)
    workers = workers or os.cpu_count() or 1
    try:
        lock = store.build_lock(index_dir)
        lock.__enter__()
    except OSError as exc:
        raise IndexUnwritable(f"cannot write the index folder {index_dir}: {exc.strerror or exc}") from None
    try:
        previous = None
        if incremental:
            try:
                previous = store.current_generation(index_dir)
            except Exception:
                previous = None
        notes: list[str] = []
        if previous is not None:
            info = store.read_json(previous / store.BUILD_INFO)
            if info.get("signature") != signature:
                notes.append("the dictionary, the topic lexicon or the index format changed: every file is re-indexed")
                previous = None
        elif incremental:
            notes.append("no index yet: building one")
        try:
            gen = store.new_generation(index_dir)
        except OSError as exc:
            raise IndexUnwritable(f"cannot write the index folder {index_dir}: {exc.strerror or exc}") from None
        report = BuildReport(str(index_dir), gen.name, "update" if incremental else "build", notes=notes)
        try:
            _write_generation(corpus, gen, previous, analyzer, lexicon, signature, workers, progress, report)
        except NothingIndexed:
            _discard(gen)
            raise
        except OSError as exc:
            _discard(gen)
            raise IndexUnwritable(f"cannot write the index in {gen}: {exc.strerror or exc}") from None
        store.switch_to(index_dir, gen)
        store.remove_old_generations(index_dir)
    finally:
        lock.__exit__(None, None, None)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _discard(gen: Path) -> None:
    import shutil

    shutil.rmtree(gen, ignore_errors=True)


def _write_generation(corpus: Path, gen: Path, previous: Path | None, analyzer: Analyzer,
                      lexicon: TopicLexicon, signature: str, workers: int,
                      progress: Progress | None, report: BuildReport) -> None:
    sources = find_files(corpus)
    overrides, sidecar_problems = load_sidecars(corpus)
    report.skipped.extend((f, f"sidecar ignored: {why}") for f, why in sidecar_problems)

    old_docs: dict[str, dict] = {}
    if previous is not None:
        old_docs = {d["source"]: d for d in store.read_json(previous / store.DOCUMENTS)}
        store.link_copy(previous, gen)
        ix = whoosh_index.open_dir(str(gen))
    else:
        ix = whoosh_index.create_in(str(gen), make_schema(analyzer))

    taken = {d["doc_id"] for d in old_docs.values()}
    tasks = []
    documents: dict[str, dict] = {}
    current = {s.relpath for s in sources}
    for source in sources:
        ov = overrides.get(source.relpath, {})
        old = old_docs.get(source.relpath)
        if old is not None:
            try:
                fp = _fingerprint(source, ov)
            except OSError:
                fp = None
            if fp == old["fingerprint"]:
                documents[source.relpath] = old
                report.unchanged.append(source.relpath)
                continue
            doc_id = old["doc_id"]
        else:
            doc_id = make_doc_id(source.relpath, taken)
        tasks.append((source, doc_id, ov))

    grams_manifest = {"segments": [], "next_row": 0}
    if previous is not None:
        grams_manifest = store.read_json(previous / grams.MANIFEST)
    gram_writer = grams.GramWriter(gen, grams_manifest)
    column_writer = columns.ColumnWriter(gen, lexicon.names)
    if previous is not None:
        keep = {d["doc_id"] for d in documents.values()}
        old_columns = columns.Columns(previous)
        try:
            columns.copy_rows(column_writer, old_columns, keep)
        finally:
            old_columns.close()

    if previous is None and workers > 1 and len(tasks) >= PARALLEL_THRESHOLD:
        # full build of many files: Whoosh writes segments in parallel sub-processes
        writer = ix.writer(procs=workers, multisegment=True, limitmb=WRITER_MEMORY_MB // workers)
    else:
        writer = ix.writer(limitmb=WRITER_MEMORY_MB)
    try:
        for rel, old in old_docs.items():
            if rel not in current or rel not in documents:
                writer.delete_by_term("doc_id", old["doc_id"])
                if rel not in current:
                    report.removed.append(rel)
        done = 0
        for rel, item, problem in _analyze_all(tasks, analyzer, lexicon, workers):
            done += 1
            if progress:
                progress(done, len(tasks), rel)
            if problem:
                (report.skipped if problem[0] == "skipped" else report.failed).append((rel, problem[1]))
                continue
            first_row = gram_writer.add(item.norms)
            _add_columns(column_writer, item, first_row)
            for doc in _whoosh_docs(item, first_row):
                writer.add_document(**doc)
            documents[rel] = _document_entry(item, first_row)
            report.indexed.append(rel)
        if not documents:
            writer.cancel()
            raise NothingIndexed(
                f"nothing could be indexed in {corpus}: "
                + ("no .txt or .md files found" if not sources else f"{len(sources)} file(s) found, none readable"),
                "see the skipped files above",
            )
        writer.commit(merge=True)
    except BaseException:
        try:
            writer.cancel()
        except Exception:
            pass
        raise

    gram_writer.finish()
    column_writer.finish({d["doc_id"]: d["title"] for d in documents.values()})
    wordtable.copy_or_write(gen, previous, analyzer)

    ordered = sorted(documents.values(), key=lambda d: d["source"])
    report.documents = len(ordered)
    report.passages = sum(d["passages"] for d in ordered)
    report.characters = sum(d["characters"] for d in ordered)
    store.write_json(gen / store.DOCUMENTS, ordered)
    store.write_json(gen / store.BUILD_INFO, {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": str(corpus.resolve()),
        "signature": signature,
        "topics": lexicon.names,
        "documents": report.documents,
        "passages": report.passages,
        "characters": report.characters,
        "skipped": [{"file": f, "reason": r} for f, r in report.skipped + report.failed],
        "mode": report.mode,
    })
