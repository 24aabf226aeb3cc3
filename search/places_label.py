"""How people read the place of a report: the finest place it has, named with its level.

A report about a town reads 大隗镇, one about a county 新密市, a provincial report
河南省, the State Council's 全国; a report whose level is known but not its place reads
"县级（地区未注明）"; only a report about which nothing is known reads 未注明地区.
Pages, the CLI, the CSV and the comparison view all take their place wording from here,
from a hit's or a report's values (``town``, ``county``, ``city``, ``province``,
``level``), so that they never disagree.

Grouping by a chosen level (``at="city"``) names each report by its place at that level,
or by its finest place above it when it has none there (a provincial report stays 河南省
when the results are grouped by city): a report is never "unknown" at a level finer than
its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from index.reading.places import LEVEL_LABELS, LEVELS, NATIONAL

# place fields, finest first, with the stored level each stands for
PLACE_FIELDS = ("town", "county", "city", "province")
FIELD_LEVEL = {"town": "township", "county": "county", "city": "city", "province": "province"}
NATIONAL_LABEL = "全国"
UNKNOWN = "未注明地区"
# last characters of a name that already say its level (镇, 县, 自治州 …): such a name is
# shown as it is; any other name gets its level in brackets (红星 → 红星（乡镇/街道）)
LEVEL_ENDINGS = tuple("镇乡街道苏木市区县旗州盟省") + ("自治区", "林区", "特区", "地区", "办事处")


def _value(values, name: str):
    if isinstance(values, Mapping):
        return values.get(name)
    return getattr(values, name, None)


def named(name: str, field: str) -> str:
    """A place name with its level: as it is when its ending says the level."""
    if name.endswith(LEVEL_ENDINGS):
        return name
    return f"{name}（{LEVEL_LABELS[FIELD_LEVEL[field]]}）"


def finest(values, at: str | None = None) -> tuple[str, str] | None:
    """``(field, name)`` of the finest place of ``values`` not finer than ``at`` (a place
    field; None: the finest of all); None when no place is known."""
    fields = PLACE_FIELDS if at is None else PLACE_FIELDS[PLACE_FIELDS.index(at):]
    for f in fields:
        name = _value(values, f)
        if name:
            return f, name
    if at is not None:  # nothing at or above `at`: the finer places still say where
        for f in PLACE_FIELDS[:PLACE_FIELDS.index(at)][::-1]:
            name = _value(values, f)
            if name:
                return f, name
    return None


def above_field(level: str | None, field: str) -> bool:
    """Whether a report of the stored ``level`` stands above the place field ``field``: a
    county's report has no town because it is above towns, not because its town is
    unknown, and is named by :func:`place_label` ``at`` that field, never as unknown."""
    return level in LEVELS and LEVELS.index(level) > LEVELS.index(FIELD_LEVEL[field])


def place_label(values, at: str | None = None) -> str:
    """The place of a hit, report or document (an object or a dict with the place
    fields and ``level``) as people read it; ``at``: a place field to group by."""
    level = _value(values, "level")
    if level == NATIONAL:
        return NATIONAL_LABEL
    place = finest(values, at)
    if place is not None:
        return named(place[1], place[0])
    if level in LEVEL_LABELS:
        return f"{LEVEL_LABELS[level]}（地区未注明）"
    return UNKNOWN


def place_key(values, at: str | None = None) -> tuple[str, str]:
    """A grouping key that keeps places of the same name at different levels apart."""
    level = _value(values, "level")
    if level == NATIONAL:
        return (NATIONAL, "")
    place = finest(values, at)
    if place is not None:
        return place
    return ("level", level or "")


def places_above(values, at: str | None = None) -> str:
    """The known places above the one :func:`place_label` names, finest first
    (新密市 · 郑州市), for telling places of one name apart; "" when none."""
    place = finest(values, at)
    if place is None:
        return ""
    return " · ".join(v for f in PLACE_FIELDS[PLACE_FIELDS.index(place[0]) + 1:] if (v := _value(values, f)))


def place_chain(values) -> str:
    """Every known place of a report, coarsest first (河南省 · 郑州市 · 新密市 · 大隗镇),
    for a document's header; the finest label when there is no chain."""
    names = [n for f in PLACE_FIELDS[::-1] if (n := _value(values, f))]
    if len(names) > 1:
        return " · ".join(names)
    return place_label(values)
