"""Updates that cost what changed: "nothing changed" is decided from the files' stat
(and, for a file whose time changed, its bytes) without reading the corpus, loading the
analyzer or touching the index; an update with changes reads only the changed files
(the boilerplate of the others comes from their line hashes) and gives what a fresh
build of the same corpus gives."""

from __future__ import annotations

import os
from dataclasses import fields, replace

import pytest

from conftest import write_corpus
from index import build, update
from index.generation import build as build_module
from index.generation import corpus_state, store
from index.generation.vocabulary import read_counts, read_vocabulary
from index.reading import ingest
from index.reading.limits import Limits
from index.reading.structure import BLOCK_LINES, boilerplate_lines
from search import Searcher

FOOTER = ["本网站版权所有未经许可不得转载", "主办单位某某县人民政府办公室"]


def report(town: str, body: str) -> str:
    return f"{town}工作总结\n\n一、党建引领\n\n{town}{body}。\n\n" + "\n".join(FOOTER) + "\n"


REPORTS = {f"r{i}.txt": report(town, body) for i, (town, body) in enumerate([
    ("大隗镇", "扎实推动五星支部创建"), ("来集镇", "持续深化万人助万企"), ("回郭镇", "全面推进人居环境整治"),
    ("青山镇", "五星支部创建见效"), ("白云乡", "河湖长制落实到位"), ("红星镇", "人居环境整治提升"),
])}


@pytest.fixture
def built(tmp_path):
    corpus = write_corpus(tmp_path / "c", REPORTS)
    index = tmp_path / "i"
    build(corpus, index, workers=1)
    return corpus, index


class Reads:
    """Counts the corpus files opened (by the analysis and by the boilerplate scan)."""

    def __init__(self, monkeypatch):
        self.files: list[str] = []
        original = ingest.SourceFile.read_bytes
        reads = self

        def read_bytes(source):
            reads.files.append(source.relpath)
            return original(source)

        monkeypatch.setattr(ingest.SourceFile, "read_bytes", read_bytes)


def _files(folder):
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def test_nothing_changed_reads_no_report_loads_no_analyzer_and_touches_no_index_file(built, monkeypatch):
    corpus, index = built
    live = store.current_generation(index)
    before = _files(live)
    reads = Reads(monkeypatch)

    def no_analyzer():
        raise AssertionError("the analyzer was loaded for an update with nothing to do")

    monkeypatch.setattr(build_module, "default_userdict", no_analyzer)
    result = update(corpus, index, workers=1)
    assert reads.files == []
    assert result.generation == live.name and sorted(result.unchanged) == sorted(REPORTS)
    assert result.documents == len(REPORTS) and result.passages > 0
    assert any("nothing changed" in n for n in result.notes)
    assert _files(live) == before and [g.name for g in index.glob("gen-*")] == [live.name]


def test_a_touched_file_with_the_same_bytes_is_read_once_and_still_nothing_changed(built, monkeypatch):
    corpus, index = built
    live = store.current_generation(index)
    st = (corpus / "r1.txt").stat()
    os.utime(corpus / "r1.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    reads = Reads(monkeypatch)
    result = update(corpus, index, workers=1)
    assert reads.files == ["r1.txt"]
    assert result.generation == live.name and not result.indexed


def test_a_file_changed_at_the_same_size_and_time_is_found_by_its_bytes(built):
    """A file rewritten to the same size and given back its time is only caught by the
    racy-time rule when its time is not before the record; otherwise stat is trusted:
    this test changes the time, so the bytes are compared and the change found."""
    corpus, index = built
    path = corpus / "r2.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("全面推进", "深入推进"), encoding="utf-8")  # same length
    result = update(corpus, index, workers=1)
    assert result.indexed == ["r2.txt"]
    assert Searcher(index).search("深入推进").total == 1


def test_an_update_reads_only_the_changed_file_and_equals_a_fresh_build(built, tmp_path, monkeypatch):
    corpus, index = built
    reads = Reads(monkeypatch)
    (corpus / "r0.txt").write_text(report("大隗镇", "扎实推动五星支部创建，建成五星支部十个"), encoding="utf-8")
    (corpus / "r5.txt").unlink()
    write_corpus(corpus, {"r6.txt": report("新华镇", "五星支部创建全面铺开")})
    result = update(corpus, index, workers=1)
    assert sorted(result.indexed) == ["r0.txt", "r6.txt"] and result.removed == ["r5.txt"]
    assert sorted(set(reads.files)) == ["r0.txt", "r6.txt"]  # the four unchanged reports are not opened
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build(corpus, fresh, workers=1)
    updated, built_gen = store.current_generation(index), store.current_generation(fresh)
    assert read_vocabulary(updated) == read_vocabulary(built_gen)
    assert read_counts(updated) == read_counts(built_gen)
    a, b = corpus_state.read(updated), corpus_state.read(built_gen)
    assert corpus_state.read_lines(updated, a) == corpus_state.read_lines(built_gen, b)
    assert {k: {x: y for x, y in v.items() if x != "lines"} for k, v in a["files"].items()} == \
        {k: {x: y for x, y in v.items() if x != "lines"} for k, v in b["files"].items()}

    def passages(idx):
        s = Searcher(idx)
        return {d["source"]: [(p["kind"], p["text"]) for p in s.document(d["doc_id"])["passages"]]
                for d in s.documents()}

    assert passages(index) == passages(fresh)
    # the footer is boilerplate in both (six reports of seven): never a heading
    assert not any(kind == "heading" and text in FOOTER for ps in passages(index).values() for kind, text in ps)


def test_boilerplate_of_kept_line_hashes_is_that_of_the_texts():
    block = [f"版权所有第{i}行声明" for i in range(BLOCK_LINES)]
    docs = {f"d{d}": f"第{d}号报告\n" + "\n".join(block) + f"\n本镇自己的第{d}段正文\nx\n" for d in range(6)}
    docs["short"] = f"第9号报告\n{block[0]}\n正文\n"  # the block cut short: its line alone
    expected = boilerplate_lines(docs.values())
    assert expected == frozenset(block)
    everything, hashes = corpus_state.boilerplate(docs, {})
    assert everything == expected
    # five of the files as kept hashes, one read again: the same lines (those of the file read)
    kept = {k: v for k, v in hashes.items() if k != "d0"}
    again, hashes_again = corpus_state.boilerplate({"d0": docs["d0"]}, kept)
    assert again == expected and hashes_again == hashes
    # one file fewer with the block: under the five-file edge, no boilerplate at all
    fewer = {k: v for k, v in hashes.items() if k not in ("d0", "d1")}
    assert corpus_state.boilerplate({}, fewer)[0] == frozenset()
    assert boilerplate_lines(v for k, v in docs.items() if k not in ("d0", "d1")) == frozenset()


def test_the_mapped_analyzer_of_an_update_cuts_and_joins_as_the_loaded_one(built):
    """An update of a few reports segments from the previous generation's mapped
    dictionary: the same words, and the same verdicts on lines broken inside a word."""
    from index.analysis import Analyzer
    from index.generation import wordtable
    from index.normalize import normalize

    _, index = built
    full = Analyzer()
    mapped = wordtable.table_analyzer(store.current_generation(index), full.userdict)
    assert mapped is not None
    lines = [normalize(line) for text in REPORTS.values() for line in text.splitlines() if line.strip()]
    lines += ["五星支部", "回郭镇党委", "设项目", "乡村振兴abc123", "x"]
    for line in lines:
        assert mapped.cut(line) == full.cut(line) and mapped.passage_words(line) == full.passage_words(line)
    pairs = [("全面推进乡村振", "兴战略"), ("五星支", "部创建"), ("工作总结", "一、党建"), ("大隗", "镇"), ("人居环", "境"), ("。", "x"), ("好", "吗")]
    scores = [full.junction_score(a, b) for a, b in pairs]
    assert [mapped.junction_score(a, b) for a, b in pairs] == scores and set(scores) == {0, 1, 2}
    assert any(full.in_dictionary_word(a[-1] + b[0]) for a, b in pairs)
    assert all(mapped.in_dictionary_word(p) == full.in_dictionary_word(p) for p in ["支部", "环境", "部创", "结一"])
    # a word, a prefix that is no word, a character, none of them: what town names are told by
    words = ["支部", "人居环", "代理", "大会", "镇长", "乡村", "乡", "隗镇", "abc", ""]
    verdicts = [full.is_word(w) for w in words]
    assert [mapped.is_word(w) for w in words] == verdicts and set(verdicts) == {True, False}


def test_an_update_of_a_few_reports_tells_town_names_without_loading_jiebas_dictionary(built, tmp_path,
                                                                                     monkeypatch):
    from index import analysis

    corpus, index = built
    (corpus / "r6.txt").write_text(report("石桥镇", "石桥镇党委召开会议，石桥镇政府推进乡村振兴"), encoding="utf-8")

    def no_jieba(userdict):
        raise AssertionError("jieba's dictionary was loaded for an update of one report")

    monkeypatch.setattr(analysis, "_LAST_TOKENIZER", None)
    monkeypatch.setattr(analysis, "_loaded_tokenizer", no_jieba)
    result = update(corpus, index, workers=1)
    assert result.indexed == ["r6.txt"]
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    build(corpus, fresh, workers=1)
    updated, made = ({d["source"]: {k: v for k, v in d.items() if k != "doc_id"} for d in Searcher(i).documents()}
                     for i in (index, fresh))
    assert updated == made and "石桥镇" in str(made["r6.txt"])  # the town the metadata found


@pytest.mark.parametrize("room", [0, -1])
def test_removed_passages_a_report_still_holds_are_not_cut_again_up_to_the_limit(built, tmp_path, monkeypatch, room):
    """An update holds the passages of the reports it re-indexes until it writes the
    vocabulary (up to PENDING_CHARS characters): one the new text still holds takes the
    words it was given; past the limit they are cut at once. The same counts either way."""
    from index.analysis import Analyzer
    from index.generation import columns, vocabulary

    _, index = built
    gen = store.current_generation(index)
    doc = next(d for d in store.read_json(gen / store.DOCUMENTS) if d["source"] == "r0.txt")
    old = columns.Columns(gen)
    try:
        removed = list(columns.stored_passages(old, *doc["rows"]))
    finally:
        old.close()
    cut = []

    class Counting(Analyzer):
        def passage_words(self, norm):
            cut.append(norm)
            return super().passage_words(norm)

    analyzer = Counting()
    monkeypatch.setattr(vocabulary, "PENDING_CHARS", sum(len(n) for _, _, n in removed) + room)
    vocab = vocabulary.VocabularyBuilder(analyzer, gen)
    vocab.remove(removed)
    kept = [vocabulary._Stored(kind, text) for kind, text, _ in removed]
    norms = [n for _, _, n in removed]
    words = [Analyzer(analyzer.userdict).passage_words(n) for n in norms]
    vocab.add(kept, norms, words)
    out = tmp_path / "g"
    out.mkdir()
    vocab.write(out)
    assert cut == ([] if room == 0 else norms)
    # the same report removed and added again: the counts and the table as they were
    assert read_counts(out) == read_counts(gen)
    assert read_vocabulary(out) == read_vocabulary(gen)


def test_terms_added_and_dropped_at_both_ends_of_the_vocabulary_equal_a_fresh_build(built, tmp_path):
    """An update makes the vocabulary by difference from the previous one: a term that
    sorts before every other, one after every other, then both dropped again."""
    corpus, index = built
    first = read_vocabulary(store.current_generation(index))["terms"]
    text = "新华镇工作总结\n\n一、丁丁\n\n丁丁龘龘。\n\n二、龘龘\n\n龘龘丁丁。\n"
    (corpus / "r6.txt").write_text(text, encoding="utf-8")
    for step in ("added", "dropped"):
        update(corpus, index, workers=1)
        fresh = tmp_path / f"fresh-{step}"
        build(corpus, fresh, workers=1)
        updated, made = (read_vocabulary(store.current_generation(i)) for i in (index, fresh))
        assert updated == made
        if step == "added":
            assert updated["terms"][0] < first[0] and updated["terms"][-1] > first[-1]
            (corpus / "r6.txt").unlink()
        else:
            assert updated["terms"] == first


def _same_tables(a, b) -> bool:
    import numpy as np

    from index.generation.assist_tables import AssistTables

    ta, tb = AssistTables(a), AssistTables(b)
    return dict(ta.items()).keys() == dict(tb.items()).keys() and \
        all(np.array_equal(x, tb[name]) for name, x in ta.items())


def test_an_update_that_adds_no_term_keeps_the_vocabulary_json_and_writes_the_counts(built, tmp_path, monkeypatch):
    """The terms and their pinyin (the 15 MB JSON at 100 MB of reports) stay the previous
    generation's file, hard-linked, and are never read whole: the changed terms are found
    through the previous tables' term index; the new counts are written apart; the table
    and the query-assistance tables read back are a fresh build's. A change that adds a
    term makes the table by difference from the whole previous one and writes the JSON."""
    from index.generation import vocabulary
    from index.generation.vocabulary import VOCABULARY, VOCABULARY_FREQ

    corpus, index = built
    before = store.current_generation(index)
    whole = []
    real = vocabulary.VocabularyBuilder._updated_table
    monkeypatch.setattr(vocabulary.VocabularyBuilder, "_updated_table",
                        lambda self, changed: whole.append(1) or real(self, changed))
    path = corpus / "r1.txt"  # a heading twice: its frequency changes, no term comes or goes
    path.write_text(path.read_text(encoding="utf-8").replace("一、党建引领", "一、党建引领\n\n二、党建引领"),
                    encoding="utf-8")
    update(corpus, index, workers=1)
    gen = store.current_generation(index)
    assert gen != before and whole == []
    assert os.path.samefile(gen / VOCABULARY, before / VOCABULARY)
    assert not os.path.samefile(gen / VOCABULARY_FREQ, before / VOCABULARY_FREQ)
    assert read_vocabulary(gen)["terms"] == read_vocabulary(before)["terms"]
    assert read_vocabulary(gen)["freq"] != read_vocabulary(before)["freq"]
    fresh = tmp_path / "fresh"
    build(corpus, fresh, workers=1)
    assert read_vocabulary(gen) == read_vocabulary(store.current_generation(fresh))
    assert _same_tables(gen, store.current_generation(fresh))

    (corpus / "r6.txt").write_text("新华镇工作总结\n\n一、丁丁\n\n丁丁龘龘。\n\n二、龘龘\n\n龘龘丁丁。\n", encoding="utf-8")
    update(corpus, index, workers=1)
    newer = store.current_generation(index)
    assert not os.path.samefile(newer / VOCABULARY, gen / VOCABULARY) and whole == [1]
    assert "龘龘" in read_vocabulary(newer)["terms"]
    build(corpus, fresh, workers=1)
    assert read_vocabulary(newer) == read_vocabulary(store.current_generation(fresh))
    assert _same_tables(newer, store.current_generation(fresh))


def test_a_vocabulary_of_version_1_is_read_and_replaced(built):
    """An index written before the counts had a file of their own: its table is read (the
    search side, and an update starting from it), and the next update writes both files."""
    import gzip
    import json

    from index.generation.vocabulary import VOCABULARY, VOCABULARY_FREQ

    corpus, index = built
    gen = store.current_generation(index)
    table = read_vocabulary(gen)
    (gen / VOCABULARY).unlink()
    (gen / VOCABULARY).write_bytes(gzip.compress(json.dumps(dict(table, version=1), ensure_ascii=False).encode()))
    (gen / VOCABULARY_FREQ).unlink()
    assert read_vocabulary(gen) == dict(table, version=1)
    store.write_manifest(gen)
    path = corpus / "r1.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("万人助万企。", "万人助万企！"), encoding="utf-8")
    update(corpus, index, workers=1)
    new = store.current_generation(index)
    assert new != gen and (new / VOCABULARY_FREQ).is_file()
    assert not os.path.samefile(new / VOCABULARY, gen / VOCABULARY)
    assert read_vocabulary(new)["terms"] == table["terms"]


# ------------------------------------------------------- the settings an update compares


def _no_analyzer(monkeypatch):
    def no_analyzer():
        raise AssertionError("the update went the long way (it loaded the analyzer)")

    monkeypatch.setattr(build_module, "default_userdict", no_analyzer)


def test_the_same_limits_written_as_ints_or_floats_give_one_stamp_and_one_more_gives_another():
    """The CLI's options give floats (256.0) where Limits' defaults are ints (256): one
    setting, one stamp; a limit changed by one is another setting."""
    from index.generation.unchanged import limits_key, settings_stamp

    as_floats = Limits(**{f.name: float(getattr(Limits(), f.name)) for f in fields(Limits)})
    assert settings_stamp(None, None, as_floats, True) == settings_stamp(None, None, None, True)
    assert limits_key(as_floats) == limits_key(Limits())
    for f in fields(Limits):
        other = replace(Limits(), **{f.name: getattr(Limits(), f.name) + 1})
        assert settings_stamp(None, None, other, True) != settings_stamp(None, None, None, True), f.name
    assert settings_stamp(None, None, None, False) != settings_stamp(None, None, None, True)


def test_an_index_built_by_the_command_is_updated_from_python_without_the_long_way(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from govsearch.cli import main

    corpus = write_corpus(tmp_path / "c", REPORTS)
    index = tmp_path / "i"
    done = CliRunner().invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index),
                                     "--workers", "1"])
    assert done.exit_code == 0, done.output
    live = store.current_generation(index)
    _no_analyzer(monkeypatch)
    result = update(None, index, workers=1)
    assert result.generation == live.name and any("nothing changed" in n for n in result.notes)


def test_an_update_with_other_settings_and_the_same_reports_records_them_once(built, monkeypatch):
    """Other settings that change no report (a limit no file reaches) make the update go
    the long way once; it then switches to a generation that records them, so that the
    next update with the same settings decides from the records again."""
    corpus, index = built
    before = store.current_generation(index)
    other = Limits(max_passages=Limits().max_passages + 1)
    first = update(corpus, index, workers=1, limits=other)
    assert not first.indexed and not first.removed
    assert first.generation != before.name and store.current_generation(index).name == first.generation
    assert any("record of the settings" in n for n in first.notes)
    _no_analyzer(monkeypatch)
    again = update(corpus, index, workers=1, limits=other)
    assert again.generation == first.generation and any("nothing changed" in n for n in again.notes)


def test_settings_changed_back_are_recorded_once_more_and_then_the_generation_stays(built):
    corpus, index = built
    before = store.current_generation(index)
    other = update(corpus, index, workers=1, limits=Limits(max_passages=Limits().max_passages + 1))
    assert other.generation != before.name
    back = update(corpus, index, workers=1)  # the defaults again: the live record is of the other limits
    assert back.generation != other.generation and not back.indexed
    stays = update(corpus, index, workers=1)
    assert stays.generation == back.generation and not stays.indexed


def test_the_command_walks_the_corpus_once_whether_or_not_something_changed(built, monkeypatch):
    """The nothing-changed decision's walk is the update's: the corpus is walked once."""
    from click.testing import CliRunner

    from govsearch.cli import main
    from index.generation import unchanged

    corpus, index = built
    walks = []

    def counted(real):
        def walk(*args, **kwargs):
            walks.append(args[0])
            return real(*args, **kwargs)
        return walk

    monkeypatch.setattr(unchanged, "walk_tree", counted(unchanged.walk_tree))
    monkeypatch.setattr(build_module, "walk_tree", counted(build_module.walk_tree))
    args = ["index", "update", "--index", str(index), "--workers", "1"]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0 and "Nothing to update" in done.output and len(walks) == 1, done.output
    (corpus / "r3.txt").write_text(report("青山镇", "五星支部创建见效明显"), encoding="utf-8")
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0 and "r3.txt" in done.output and len(walks) == 2, done.output
