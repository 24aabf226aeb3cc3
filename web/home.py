"""What the home page says about the index it searches: a subtitle, the counts
("321 篇报告 · 31 个省份 · 1954–2026") and example queries, each drawn from the index
unless the settings give it (``site_subtitle``, ``home_examples``).

Example queries are the index's own distinctive terms (search/suggest.py
``example_terms``): a corpus of national reports gets national examples, a corpus of
town reports town ones; none is a sample's phrase that finds nothing elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.reading.places import LEVEL_LABELS, LEVELS
from search.suggest import example_terms

# the place counts of the summary line, coarsest first: (stats key, unit)
PLACE_COUNTS = (("provinces", "个省份"), ("cities", "个地市"), ("counties", "个县市区"), ("towns", "个乡镇"))
EXAMPLES = 4


@dataclass
class Home:
    subtitle: str
    counts: list[str] = field(default_factory=list)  # the pieces of the summary line
    examples: list[str] = field(default_factory=list)


def subtitle_of(stats: dict) -> str:
    """The reports' levels in words: 乡镇/街道工作报告全文检索, 全国、省级报告全文检索 …"""
    levels = [lv for lv in LEVELS[::-1] if lv in stats.get("levels", {})]
    if not levels:
        return "工作报告全文检索"
    return "、".join(LEVEL_LABELS[lv] for lv in levels) + "报告全文检索"


def counts_of(stats: dict) -> list[str]:
    out = [f"{stats['documents']} 篇报告"]
    out += [f"{len(stats[key])} {unit}" for key, unit in PLACE_COUNTS if stats.get(key)]
    years = stats.get("years") or []
    if years:
        out.append(f"{years[0]}–{years[-1]}" if years[0] != years[-1] else f"{years[0]} 年")
    return out


def home_of(searcher, stats: dict | None, config) -> Home:
    """The home page's texts; ``stats``: ``Searcher.stats()`` (None: no index yet)."""
    subtitle = config.site_subtitle or (subtitle_of(stats) if stats else "工作报告全文检索")
    if stats is None:
        return Home(subtitle, [], list(config.home_examples))
    examples = list(config.home_examples) or example_terms(searcher, EXAMPLES)
    return Home(subtitle, counts_of(stats), examples)
