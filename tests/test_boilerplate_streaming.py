"""index/generation/corpus_state.py: the corpus's boilerplate found from texts read one
at a time (a build never holds the corpus whole) is the boilerplate of all the texts,
and the lines are taken again only from files that hold them."""

from __future__ import annotations

from index.generation import corpus_state
from index.reading.structure import BLOCK_LINES, boilerplate_lines

BLOCK = [f"版权所有第{i}行声明" for i in range(BLOCK_LINES)]
DOCS = {f"d{d}": f"第{d}号报告\n" + "\n".join(BLOCK) + f"\n本镇自己的第{d}段正文\n" for d in range(6)}
DOCS["own"] = "第8号报告\n只有自己的正文\n"


def _streamed(docs: dict[str, str], again: dict[str, str] | None = None):
    asked: list[str] = []
    seen: list[str] = []

    def pairs():
        for rel, text in docs.items():
            seen.append(rel)
            yield rel, text

    def text_of(rel):
        asked.append(rel)
        return (again or docs).get(rel)

    found, hashes = corpus_state.boilerplate(pairs(), {}, text_of)
    return found, hashes, asked, seen


def test_boilerplate_of_texts_read_one_at_a_time_is_that_of_all_of_them():
    found, hashes, asked, seen = _streamed(DOCS)
    assert found == boilerplate_lines(DOCS.values()) == frozenset(BLOCK)
    assert hashes == corpus_state.boilerplate(DOCS, {})[1]
    assert seen == list(DOCS)
    assert asked == ["d0"]  # the first file holding the lines gives all of them


def test_no_boilerplate_reads_nothing_again():
    docs = {k: v for k, v in DOCS.items() if k not in ("d0", "d1")}  # four files: under the edge
    found, _, asked, _ = _streamed(docs)
    assert found == frozenset() and asked == []


def test_a_file_changed_since_it_was_counted_gives_no_lines():
    found, _, asked, _ = _streamed(DOCS, again={**DOCS, "d0": "换了内容\n"})
    assert found == frozenset(BLOCK)
    assert asked == ["d0", "d1"]
