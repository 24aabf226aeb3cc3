"""What the town-round tests share: one analyzer, two filler paragraphs, and the headings
a parse gives. Imported only by those files, so other tests never load the structure parser."""

from __future__ import annotations

from index.analysis import Analyzer
from index.reading.structure import parse

ANALYZER = Analyzer()
PARAGRAPH = "会议听取了政府工作报告，审议了财政预算报告，选举产生了新一届领导班子，与会代表积极建言献策。\n"
LONG = ("过去一年，全镇上下坚持稳中求进工作总基调，统筹推进乡村振兴、基础设施建设和民生保障，"
        "各项事业取得了新进展、新成效，群众获得感不断增强。\n")


def headings(text: str) -> list[str]:
    """Heading passages and the headings that open a paragraph (its section's last name)."""
    out: list[str] = []
    for kind, path, text_ in parse(text, ANALYZER).blocks:
        if kind == "heading":
            out.append(text_)
        elif path and path[-1] not in out:
            out.append(path[-1])
    return out
