"""The fixed query set of the benchmark: data, one category per query.

Terms come from both corpora: the sample (town-level reports from Henan) and the real
one (national and provincial government work reports, Shandong policies). A query is
``q`` (the search box text: space-separated terms are ANDed) plus ``filters``
(``town`` / ``county`` / ``topic`` / ``year`` lists, as the web form sends them).

Recall is measured against a brute-force oracle over the engine's own passages (see
``oracle.py``): a passage is relevant when its normalized text contains every
normalized term and it passes the filters.

Town and county filters use places that exist in the scaled corpora (the sample's own
towns are kept there); the real corpus has no town-level reports, so on it those
queries have an empty oracle (recall is then reported as n/a).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    q: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""

    @property
    def terms(self) -> list[str]:
        return self.q.split()

    @property
    def label(self) -> str:
        f = " ".join(f"{k}:{','.join(v)}" for k, v in self.filters.items())
        return " ".join(x for x in (self.q, f) if x)


def _q(category: str, q: str, note: str = "", **filters: str) -> Query:
    return Query("", category, q, {k: v.split(",") if k != "year" else [v] for k, v in filters.items()}, note)


_QUERIES = [
    # 2 characters: most Chinese words; the case trigram indexes cannot serve
    _q("2-char", "党建"),
    _q("2-char", "环保"),
    _q("2-char", "扶贫"),
    _q("2-char", "招商"),
    _q("2-char", "河长"),
    _q("2-char", "养老"),
    # 3 characters
    _q("3-char", "合作社"),
    _q("3-char", "新动能"),
    _q("3-char", "产业园"),
    _q("3-char", "放管服", "written “放管服” in the source"),
    _q("3-char", "回郭镇", "a town of the sample corpus"),
    # 4 characters
    _q("4-char", "乡村振兴"),
    _q("4-char", "营商环境"),
    _q("4-char", "人居环境"),
    _q("4-char", "专精特新"),
    _q("4-char", "招商引资"),
    _q("4-char", "五星支部", "sample corpus; also written “五星”支部"),
    # longer phrases
    _q("long", "高质量发展"),
    _q("long", "一般公共预算收入"),
    _q("long", "全面建成小康社会"),
    _q("long", "巩固拓展脱贫攻坚成果"),
    _q("long", "坚持以人民为中心的发展思想"),
    # strings that cross jieba word boundaries
    _q("cross-boundary", "设项目", "建设|项目"),
    _q("cross-boundary", "村振兴", "乡村|振兴"),
    _q("cross-boundary", "产投资", "固定资产|投资"),
    _q("cross-boundary", "业园区", "产业|园区"),
    _q("cross-boundary", "量发展", "高质量|发展"),
    _q("cross-boundary", "济社会", "经济|社会"),
    # written with punctuation inside in the source
    _q("punctuation", "获得感幸福感", "获得感、幸福感"),
    _q("punctuation", "稳就业稳企业", "稳就业、稳企业"),
    _q("punctuation", "大数据云计算", "大数据、云计算"),
    _q("punctuation", "党中央国务院", "党中央、国务院"),
    _q("punctuation", "专精特新小巨人", "专精特新“小巨人”"),
    _q("punctuation", "共建一带一路", "共建“一带一路”"),
    # other written forms: traditional characters, full-width Latin
    _q("variant", "鄉村振興", "traditional for 乡村振兴"),
    _q("variant", "ＧＤＰ", "full-width for GDP"),
    # very frequent terms
    _q("frequent", "企业"),
    _q("frequent", "发展"),
    _q("frequent", "政府"),
    _q("frequent", "建设"),
    _q("frequent", "工作"),
    # rare ones (a handful of passages in the sources)
    _q("rare", "小微企业园", "1 passage in the sample corpus"),
    _q("rare", "第一书记", "1 passage in the real corpus"),
    _q("rare", "量子计算机", "1 passage in the real corpus"),
    _q("rare", "河长制"),
    # nothing matches
    _q("absent", "一村一品"),
    _q("absent", "区块链养蜂"),
    # several terms (AND): recall is taken on exact (all-terms) matches
    _q("multi-term", "乡村振兴 党建"),
    _q("multi-term", "企业 环保"),
    # filtered queries (topic, town, county, year)
    _q("filtered", "企业", topic="项目"),
    _q("filtered", "党建", town="回郭镇"),
    _q("filtered", "乡村振兴", year="2021"),
    _q("filtered", "发展", county="巩义市", year="2018-2022"),
    _q("filtered", "环保", topic="环保", county="新密市"),
    _q("filtered", "高质量发展", topic="民生", year="2020"),
    # filters only, no term
    _q("filter-only", "", town="大隗镇"),
    _q("filter-only", "", topic="党建", year="2022"),
]

QUERIES: list[Query] = [
    Query(f"q{i:02d}", q.category, q.q, q.filters, q.note) for i, q in enumerate(_QUERIES, 1)
]

CATEGORIES: list[str] = list(dict.fromkeys(q.category for q in QUERIES))

WARMUP = "工作报告"  # run once before timing, so that one-time loading is not measured
