"""Topic facets (党建, 项目, 民生, 环保 …) from an editable lexicon file.

Format (see ``data/topics.txt``)::

    # comment
    党建: 党建^2 党委 党支部 ...

A passage gets a topic when the weights of the lexicon keywords found in its text add
up to at least :data:`THRESHOLD`; keywords found in the headings of its section count
double, so a passage under 聚焦党建引领 is 党建 even if it never says 党建 itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from index.normalize import normalize

THRESHOLD = 2.0
HEADING_FACTOR = 2.0


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class TopicLexicon:
    topics: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    source: str

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.topics]

    @classmethod
    def parse(cls, text: str, source: str = "<text>") -> "TopicLexicon":
        topics = []
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            name, sep, rest = line.partition(":")
            if not sep:
                name, sep, rest = line.partition("：")
            if not sep or not name.strip():
                raise LexiconError(f"{source}:{lineno}: expected '主题: 关键词 关键词 …', got {raw!r}")
            keywords = []
            for item in rest.split():
                word, _, weight = item.partition("^")
                try:
                    w = float(weight) if weight else 1.0
                except ValueError:
                    raise LexiconError(f"{source}:{lineno}: bad weight in {item!r}") from None
                norm = normalize(word)
                if norm:
                    keywords.append((norm, w))
            topics.append((name.strip(), tuple(keywords)))
        return cls(tuple(topics), source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "TopicLexicon":
        if path:
            p = Path(path)
            return cls.parse(p.read_text(encoding="utf-8-sig"), str(p))
        text = resources.files("index").joinpath("data/topics.txt").read_text(encoding="utf-8")
        return cls.parse(text, "index/data/topics.txt")

    def classify(self, text: str, headings: list[str] | tuple[str, ...] = ()) -> list[str]:
        norm_text = normalize(text)
        norm_heads = normalize("".join(headings))
        found = []
        for name, keywords in self.topics:
            score = 0.0
            for word, weight in keywords:
                score += weight * norm_text.count(word)
                if word in norm_heads:
                    score += weight * HEADING_FACTOR
                if score >= THRESHOLD:
                    found.append(name)
                    break
        return found
