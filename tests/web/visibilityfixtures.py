"""A corpus of public, internal and department reports with unique marker words, indexed
twice: with the restricted reports (visibility from a folder rule and a sidecar column)
and without them. What an anonymous caller sees of the first must be what the second
shows (tests/web/test_web_visibility.py, tests/e2e/test_e2e_visibility.py)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from index import build
from index.visibility import Rules

PUBLIC_REPORTS = {
    "hongxing-2021.md": (
        "# 红星镇2021年工作总结\n\n"
        "## 党建引领 凝聚发展合力\n\n"
        "红星镇扎实推动五星支部创建，全面加强基层党组织建设，党员干部作风明显好转。\n\n"
        "## 民生保障 增进群众福祉\n\n"
        "红星镇新建幼儿园两所，改善人居环境，让群众幸福感更可持续。\n"
    ),
    "lvye-2022.md": (
        "# 绿野乡2022年生态环境报告\n\n"
        "## 生态环保\n\n"
        "绿野乡持续改善人居环境，整治河道十公里，空气质量明显提升。\n\n"
        "## 项目建设\n\n"
        "绿野乡引进项目三个，五星支部带头推进项目落地。\n"
    ),
    "metadata.tsv": "file\ttown\tcounty\tyear\nhongxing-2021.md\t红星镇\t东山县\t2021\nlvye-2022.md\t绿野乡\t东山县\t2022\n",
}
INTERNAL_REPORTS = {  # internal by the folder rule internal/** → internal
    "internal/qingsong-2023.md": (
        "# 青松镇2023年内部工作要点\n\n"
        "## 翡翠湾隧道工程建设\n\n"
        "青松镇加快翡翠湾隧道工程建设，五星支部牵头协调，改善人居环境。翡翠湾隧道年内贯通。\n\n"
        "## 翡翠湾隧道资金安排\n\n"
        "翡翠湾隧道工程资金由县财政统筹。\n"
    ),
    "internal/metadata.tsv": "file\ttown\tcounty\tyear\nqingsong-2023.md\t青松镇\t东山县\t2023\n",
    "internal/broken-draft.txt": "",  # skipped by the build: counted for those who may see internal/ only
}
DEPT_REPORTS = {  # dept:财政局 by a sidecar column
    "dept/ziyun-2024.md": (
        "# 紫云镇2024年财政专项报告\n\n"
        "## 琥珀港码头扩建工程\n\n"
        "紫云镇推进琥珀港码头扩建工程，五星支部全程参与，人居环境同步改善。琥珀港码头吞吐量提升。\n\n"
        "## 琥珀港码头债务化解\n\n"
        "琥珀港码头债务化解方案已经上报。\n"
    ),
    "dept/metadata.tsv": "file\ttown\tcounty\tyear\tvisibility\nziyun-2024.md\t紫云镇\t西河县\t2024\tdept:财政局\n",
}
RULES = Rules.from_mapping({"default": "public", "rules": {"internal/**": "internal"}})
DEPT = "dept:财政局"

# what must never reach a caller who may not see the report: its marker words, title,
# town, county and id (each also as a URL writes it)
SECRETS = {
    "internal": ["翡翠湾", "隧道", "青松镇", "青松", "内部工作要点", "internal--qingsong-2023", "broken-draft"],
    DEPT: ["琥珀港", "码头", "紫云镇", "紫云", "财政专项报告", "西河县", "dept--ziyun-2024"],
}
DOC_IDS = {"internal": "internal--qingsong-2023", DEPT: "dept--ziyun-2024"}
# queries that lead to the markers without naming them: prefixes (completions), typos
# (did-you-mean), pinyin, words the hidden reports share with the public ones (totals, facets)
PROBES = ["翡翠", "琥珀", "翡翠湾隧道工程建没", "琥珀港码头扩建工成", "匪翠", "feicui", "hupo", "suidao", "matou",
          "五星支部", "人居环境", "工程", "工程建设", "青松", "紫云", "2023", "2024", "五心支部"]


def encoded(text: str) -> list[str]:
    return [text, quote(text), quote(text, safe="").lower()]


def build_pair(base: Path) -> tuple[Path, Path]:
    """(index with every report, index of the public reports only)."""
    full = base / "full-corpus"
    public = base / "public-corpus"
    for folder, files in ((full, {**PUBLIC_REPORTS, **INTERNAL_REPORTS, **DEPT_REPORTS}), (public, PUBLIC_REPORTS)):
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    build(full, base / "full-index", workers=1, visibility=RULES)
    build(public, base / "public-index", workers=1, visibility=RULES)
    return base / "full-index", base / "public-index"
