"""Small HTML inspection helpers for the web tests (standard library only)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None"):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Element):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Element"]:
        out = []
        for e in self.iter():
            if tag and e.tag != tag:
                continue
            if cls and cls not in e.classes:
                continue
            if any(e.attrs.get(k.rstrip("_").replace("_", "-")) != v for k, v in attrs.items()):
                continue
            out.append(e)
        return out

    def find(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Element":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls!r} {attrs}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        e = Element(tag, dict(attrs), self.current)
        self.current.children.append(e)
        if tag not in VOID:
            self.current = e

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def assert_no_active_markup(html: str) -> None:
    """No inline script, no event-handler attribute, no script from elsewhere."""
    doc = parse(html)
    for script in doc.find_all("script"):
        assert script.attrs.get("src"), "inline <script>"
        assert not script.text().strip(), "inline script body"
        assert script.attrs["src"].startswith("/"), f"script from elsewhere: {script.attrs['src']}"
    for e in doc.iter():
        handlers = [a for a in e.attrs if a.lower().startswith("on")]
        assert not handlers, f"<{e.tag} {handlers}>"
        assert e.tag not in ("img", "object", "embed", "svg"), f"<{e.tag}> in the page"
    for link in doc.find_all("link"):
        assert link.attrs["href"].startswith("/"), f"asset from elsewhere: {link.attrs['href']}"
