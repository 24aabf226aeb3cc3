"""The table of contents of a report as a tree, so that each level is its own numbered
list (1, 2, 3 … under each heading) instead of one count running through every level."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TocNode:
    heading: object  # a web.document.Block of kind "heading"
    children: list["TocNode"] = field(default_factory=list)


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
