"""index/generation/whoosh_writer.py: the build's Whoosh writer (lengths in memory while committing)
writes the same index as Whoosh's own writer, and the stored record is complete."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from conftest import write_corpus
from index import build
from index.generation import whoosh_writer

REPORTS = {
    "a.txt": "某某镇2022年工作总结\n\n一、抓好党建工作\n全镇扎实推动五星支部创建，支部书记带头。\n党员冬训覆盖全体党员。\n\n"
             "二、项目建设\n新建厂房两栋，四上企业新增三家。\n",
    "b.txt": "另一镇2021年工作总结\n\n一、产业发展\n引进项目十个，党建工作也有进步。\n",
    "c.md": "# 标题\n\n## 环保督察\n\n整改到位，人居环境明显改善。\n",
}


def _contents(index_dir: Path) -> dict:
    gen = index_dir / (index_dir / "CURRENT").read_text().strip()
    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        r = s.reader()
        postings = {(f, t): list(r.postings(f, t).all_ids()) for f, t in r.all_terms()}
        lengths = {(d, name): r.doc_field_length(d, name) for d in range(r.doc_count_all())
                   for name, field in ix.schema.items() if field.scorable}
        stored = [f for _, f in r.iter_docs()]
    return {"postings": postings, "lengths": lengths, "stored": stored}


def test_the_build_writer_writes_what_whooshs_own_writer_writes(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    build(corpus, tmp_path / "ours", workers=1)
    ours = _contents(tmp_path / "ours")
    monkeypatch.setattr(whoosh_writer, "writer", lambda ix, **kwargs: ix.writer(**kwargs))
    build(corpus, tmp_path / "whoosh", workers=1)
    theirs = _contents(tmp_path / "whoosh")
    assert ours["postings"] and any(ours["lengths"].values())
    assert ours == theirs


def _by_row(index_dir: Path) -> dict:
    """What _contents gives, with each document named by its row (a column) instead of its
    number: a parallel build's sub-writers take documents in whatever order they come."""
    gen = index_dir / (index_dir / "CURRENT").read_text().strip()
    ix = whoosh_index.open_dir(str(gen))
    with ix.searcher() as s:
        r = s.reader()
        row_of = r.column_reader("row")
        row = {d: row_of[d] for d in range(r.doc_count_all())}
        postings = {(f, t): sorted(row[d] for d in r.postings(f, t).all_ids()) for f, t in r.all_terms()}
        lengths = {(row[d], name): r.doc_field_length(d, name) for d in row
                   for name, field in ix.schema.items() if field.scorable}
        stored = [f for _, f in sorted(r.iter_docs(), key=lambda item: row[item[0]])]
    return {"postings": postings, "lengths": lengths, "stored": stored}


def test_a_parallel_build_writes_what_whooshs_own_parallel_writer_writes(tmp_path, monkeypatch):
    from index.generation import build as build_module

    many = {f"r{n:02d}.txt": f"第{n}镇2022年工作总结\n\n一、党建\n支部{n}号扎实推动五星支部创建。\n人居环境整治{n}次。\n"
            for n in range(build_module.PARALLEL_THRESHOLD + 2)}
    corpus = write_corpus(tmp_path / "c", many)
    build(corpus, tmp_path / "ours", workers=2)
    ours = _by_row(tmp_path / "ours")
    monkeypatch.setattr(whoosh_writer, "writer", lambda ix, **kwargs: ix.writer(**kwargs))
    build(corpus, tmp_path / "whoosh", workers=2)
    theirs = _by_row(tmp_path / "whoosh")
    assert len(ours["stored"]) > build_module.PARALLEL_THRESHOLD and any(ours["lengths"].values())
    assert ours == theirs


def test_the_parallel_writers_sub_processes_write_with_lengths_in_memory(tmp_path):
    from index.analysis import Analyzer
    from index.generation.schema import make_schema

    ix = whoosh_index.create_in(str(tmp_path), make_schema(Analyzer()))
    w = whoosh_writer.writer(ix, procs=2, multisegment=True)
    try:
        assert isinstance(w, whoosh_writer.ParallelWriter)
        task = w._new_task()
        assert isinstance(task, whoosh_writer._SubWriterTask)
    finally:
        w.cancel()
        for task in w.tasks:
            task.terminate()
            task.join(5)
            if task.is_alive():  # never left behind: it would hold every pipe of this worker open
                task.kill()
                task.join(5)


def test_the_pool_spilling_runs_in_batches_gives_every_posting_in_order(tmp_path, monkeypatch):
    from whoosh.filedb.filestore import FileStorage

    monkeypatch.setattr(whoosh_writer, "RUN_BATCH", 7)
    storage = FileStorage(str(tmp_path)).create()
    pool = whoosh_writer._Pool(storage, None, limitmb=1)
    pool.limit = 150 * 40  # a run every 40 or so postings
    items = [("words", f"词{n % 53}".encode(), n // 3, 1.0, None) for n in range(500)]
    items += [("section", b"x", n, 2.0, b"v") for n in range(7)]
    for item in reversed(items):
        pool.add(item)
    assert len(pool.runs) > 5
    assert list(pool.iter_postings()) == sorted(items)
    assert not list(tmp_path.glob("*.run"))  # each run removed once read


def test_every_stored_passage_holds_its_reports_values(tmp_path):
    corpus = write_corpus(tmp_path / "c", {**REPORTS, "metadata.tsv": "file\ttown\tyear\nb.txt\t另一镇\t2021\n"})
    build(corpus, tmp_path / "i", workers=1)
    stored = _contents(tmp_path / "i")["stored"]
    of_b = [f for f in stored if f["doc_id"] == "b"]
    assert of_b and all(f["town"] == "另一镇" and f["year"] == 2021 and f["title"] == "另一镇2021年工作总结"
                        for f in of_b)
    assert all({"doc_id", "seq", "kind", "title", "text"} <= set(f) for f in stored)


def test_the_word_field_indexes_a_list_as_whooshs_existence_format_does():
    from whoosh import fields as wf
    from whoosh import formats

    from index.analysis import Analyzer, WordTokenizer
    from index.fields import WordSetField

    tokenizer = WordTokenizer(Analyzer())
    ours = WordSetField(formats.Existence(), tokenizer, scorable=True)
    plain = wf.FieldType(formats.Existence(), tokenizer, scorable=True)
    words = ["五星支部", "党建", "五星支部", "创建", "党建"]
    assert sorted(ours.index(words)) == sorted(plain.index(words))
    assert len(sorted(ours.index(words))) == 3
    assert sorted(ours.index("五星支部创建")) == sorted(plain.index("五星支部创建"))  # text: Whoosh's own path


def _terms_in_full(ix) -> dict:
    """Every term's postings (document, weight, value bytes) and its statistics."""
    with ix.searcher() as s:
        r = s.reader()
        out = {}
        for f, t in r.all_terms():
            m = r.postings(f, t)
            postings = []
            while m.is_active():
                postings.append((m.id(), m.weight(), m.value()))
                m.next()
            info = r.term_info(f, t)
            out[(f, t)] = (postings, info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                           info.max_weight())
        lengths = {(d, name): r.doc_field_length(d, name) for d in range(r.doc_count_all())
                   for name, field in ix.schema.items() if field.scorable}
        return {"terms": out, "lengths": lengths, "stored": [f for _, f in r.iter_docs()]}


def test_each_posting_and_term_statistic_is_whooshs_own(tmp_path):
    """Documents added and committed by this writer and by Whoosh's: the same postings with
    the same weights and values (the heading path's positions), the same per-term
    statistics, also for a term in more documents than a block holds, and the same values
    when a report's values and heading words come again (kept from the passage before)."""
    from index.analysis import Analyzer
    from index.generation.schema import make_schema

    schema = make_schema(Analyzer([]))
    docs = []
    for n in range(300):  # "党建" in every passage: three blocks of postings
        words = ["党建", f"词{n % 17}", f"项目{n % 5}"] + (["长词" * (n % 4 + 1)] if n % 3 else [])
        section = ["一", "抓好", "党建"] if n % 2 else ["二", f"项目{n % 5}", "建设", "项目1"]
        docs.append({"row": n, "seq": n % 9, "doc_id": f"d{n // 9}", "kind": "body" if n % 4 else "heading",
                     "town": f"镇{n // 30}", "county": None if n % 7 == 0 else "某县", "year": 2000 + n % 3,
                     "topics": "党建,环境" if n % 2 else "", "title": f"题{n // 9}", "visibility": "public",
                     "words": words, "section": section, "_stored_section": " > ".join(section), "text": f"正文{n}"})
    written = {}
    for name, make in (("ours", whoosh_writer.writer), ("whoosh", lambda ix: ix.writer())):
        folder = tmp_path / name
        folder.mkdir()
        ix = whoosh_index.create_in(str(folder), schema)
        w = make(ix)
        for doc in docs:
            w.add_document(**{k: v for k, v in doc.items() if v is not None})
        w.commit()
        written[name] = _terms_in_full(whoosh_index.open_dir(str(folder)))
    ours, theirs = written["ours"], written["whoosh"]
    assert len(ours["terms"][("words", "党建".encode())][0]) == 300
    assert any(v for postings, *_ in ours["terms"].values() for _, _, v in postings)  # positions were compared
    assert ours == theirs


def test_the_pool_merges_a_terms_postings_from_every_run_in_document_order(tmp_path, monkeypatch):
    """Postings given in document order (as documents are added) spill into many runs; more
    runs than are read at once are first merged into one; every posting comes back once,
    in Whoosh's order, and each term's postings are grouped as written."""
    from whoosh.filedb.filestore import FileStorage

    monkeypatch.setattr(whoosh_writer, "RUN_BATCH", 5)
    monkeypatch.setattr(whoosh_writer, "MAX_OPEN_RUNS", 3)
    storage = FileStorage(str(tmp_path)).create()
    pool = whoosh_writer._Pool(storage, None, limitmb=1)
    pool.limit = 150 * 30
    items = []
    for doc in range(120):
        fields = {"words": [(f"词{(doc * 7 + k) % 11}".encode(), 1, 1.0, None) for k in range(3)],
                  "kind": [(b"body" if doc % 3 else b"heading", 1, 1.0, b"\x01")]}
        for name, postings in fields.items():
            size = sum(150 + len(name) + 2 * len(t) + len(v or b"") for t, _, _, v in postings)
            pool.add_field(name, postings, doc, 2.0, size)
            items += [(name, t, doc, w * 2.0, v) for t, _, w, v in postings]
    assert len(pool.runs) > whoosh_writer.MAX_OPEN_RUNS
    terms = list(pool.iter_terms())
    assert [(f, t) for f, t, _ in terms] == sorted({(f, t) for f, t, *_ in items})
    assert [(f, t, *p) for f, t, ps in terms for p in ps] == sorted(items)
    assert not list(tmp_path.glob("*.run"))


def test_a_posting_given_out_of_document_order_is_sorted_as_whoosh_sorts(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    pool = whoosh_writer._Pool(FileStorage(str(tmp_path)).create(), None, limitmb=1)
    pool.add_field("words", [(b"a", 1, 1.0, None), (b"b", 1, 1.0, None)], 5, 1.0, 400)
    pool.add(("words", b"a", 2, 1.0, None))  # a merged segment's posting, numbered before
    pool.add_field("words", [(b"a", 1, 1.0, None)], 3, 1.0, 200)
    assert list(pool.iter_postings()) == [("words", b"a", 2, 1.0, None), ("words", b"a", 3, 1.0, None),
                                          ("words", b"a", 5, 1.0, None), ("words", b"b", 5, 1.0, None)]
