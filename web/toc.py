"""The table of contents of a report as a tree, so that each level is its own numbered
list (1, 2, 3 … under each heading) instead of one count running through every level."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a heading that carries its own number: 一、 （一） 1. 1、 (1) 第一 …
SELF_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．)]|第[一二三四五六七八九十百\d]+[章节部分条篇])")


@dataclass
class TocNode:
    heading: object  # a web.document.Block of kind "heading"
    children: list["TocNode"] = field(default_factory=list)

    @property
    def self_numbered(self) -> bool:
        html = self.heading.html
        text = html.striptags() if hasattr(html, "striptags") else str(html)
        return bool(SELF_NUMBERED.match(text))


def list_is_self_numbered(nodes: list[TocNode]) -> bool:
    """Most headings of this list carry their own numbers: the list adds none."""
    return bool(nodes) and sum(n.self_numbered for n in nodes) * 2 > len(nodes)


def toc_tree(headings: list) -> list[TocNode]:
    """Nest headings by their ``depth`` (0 = top level). A heading deeper than the one
    before it by more than one level hangs under the nearest shallower heading."""
    roots: list[TocNode] = []
    stack: list[tuple[int, TocNode]] = []
    for h in headings:
        node = TocNode(h)
        while stack and stack[-1][0] >= h.depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((h.depth, node))
    return roots
