"""index/generation/columns.py: the column writer holds each row as a code, a bit mask or
a number while a build adds rows (not a list of the values), and writes what the values
say: every row read back through the mapped columns gives the values it was given, the
value tables in their order, None and dead rows as before."""

from __future__ import annotations

import numpy as np
import pytest

from index import fields as field_model
from index.generation.columns import Columns, ColumnWriter

MODEL = field_model.current()
CODE = [f for f in MODEL.columns if f.column == "code"]
KIND = MODEL.by_name["kind"]
TOPICS = MODEL.by_name["topics"]


def _row(i: int) -> dict:
    values = {"seq": i, "year": None if i % 5 == 0 else 2000 + i % 7, "topics": [f"题{i % 3}", "", f"题{i % 3}"]}
    for f in CODE:
        values[f.name] = None if (i % 4 == 3 and f.name not in ("doc_id", "kind")) else f"{f.name}{i % 3}"
    values["doc_id"] = f"d{i // 4}"
    values["kind"] = KIND.value_order[-1 - i % 2]  # the last two of the kinds' own order
    return values


def _write(folder, rows: list[dict | None], topic_names=("题2",)) -> Columns:
    folder.mkdir(parents=True, exist_ok=True)
    w = ColumnWriter(folder, list(topic_names))
    for values in rows:
        if values is None:
            w.add_dead()
        else:
            w.add(values, f"第{values['seq']}段")
    w.finish({})
    return Columns(folder)


def _table(c: Columns, f) -> list:
    return c.strings(f.names_blob) if f.names_blob else c.values[f.names_attr]


def test_rows_read_back_as_they_were_given(tmp_path):
    rows = [_row(i) for i in range(40)]
    rows[7] = None  # a dead row: no values
    c = _write(tmp_path, rows)
    assert c.rows == 40 and c.array("live").tolist() == [r is not None for r in rows]
    for f in CODE:
        codes, table = c.array(f.column_attr), _table(c, f)
        assert [table[k] if k >= 0 else None for k in codes.tolist()] == [r and r[f.name] for r in rows]
        given = {r[f.name] for r in rows if r and r[f.name] is not None}
        first = [v for v in f.value_order if v in given]  # the field's own order first, the rest sorted
        assert table == first + sorted(given - set(first))
    names = c.values[TOPICS.names_attr]
    assert names == ["题2", "题0", "题1"]  # the lexicon's names first, then as first seen; "" never one
    bits = c.array("topics").tolist()
    assert [{n for k, n in enumerate(names) if b >> k & 1} for b in bits] == \
        [set(r["topics"]) - {""} if r else set() for r in rows]
    assert c.array("year").tolist() == [(r["year"] or 0) if r else 0 for r in rows]
    assert c.array("seq").tolist() == [r["seq"] if r else 0 for r in rows]
    assert c.array("length").tolist() == [len(f"第{r['seq']}段") if r else 0 for r in rows]


def test_a_bit_set_column_takes_64_values_and_refuses_a_65th(tmp_path):
    many = [f"t{k}" for k in range(64)]
    rows = [{**_row(k), "topics": [t]} for k, t in enumerate(many)]
    c = _write(tmp_path / "a", rows, topic_names=())
    assert c.values[TOPICS.names_attr] == many
    assert c.array("topics").tolist() == [1 << k for k in range(64)]  # the 64th in the top bit
    assert c.array("topics").dtype == np.uint64
    with pytest.raises(OverflowError):
        _write(tmp_path / "b", rows, topic_names=("lexicon",))  # 65 names with the lexicon's
