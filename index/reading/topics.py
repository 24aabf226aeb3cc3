"""Topic facets (党建, 项目, 民生, 环保 …) from an editable lexicon file.

Format (see ``data/topics.txt``)::

    # comment
    党建: 党建^2 党委 党支部 ...

A passage gets a topic when the weights of the lexicon keywords found in its text add
up to at least :data:`THRESHOLD` from at least :data:`MIN_MENTIONS` mentions (one word
said in passing, 改善民生, is not what a passage is about); keywords found in the
headings of its section count double, so a passage under 聚焦党建引领 is 党建 even if it
never says 党建 itself (a heading's keyword also stands for the mentions). Without such
a heading a topic must also hold at least :data:`MIN_SHARE` of the passage's keyword
mentions of all topics: a summary that names 党的建设, 民生 and 生态环保 in one breath is
about none of them. So is a passage framed as the summary of a whole year's or term's
work (:data:`SUMMARY_FRAME`: 在县委、县政府和镇党委的正确领导下，…): it takes a topic
only from its heading.

Keywords are found longest first, and a shorter one inside a longer one's match does
not count again: 民生 in 国民生产总值, 项目 in 民生实事项目 (a 民生 keyword). The line
``-: …`` lists such longer phrases that belong to no topic (党委书记, 党委的领导: the
party committee as the one who acts, not party building).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from index.normalize import normalize

THRESHOLD = 2.0
HEADING_FACTOR = 2.0
MIN_MENTIONS = 2  # keyword mentions in the passage's text (a heading's keyword stands for them)
MIN_SHARE = 0.5  # of all the passage's keyword mentions: a summary touching every topic is about none
NEUTRAL = "-"  # the lexicon line of phrases that belong to no topic
# the frame of a summary of all the work (normalized text): 在县委、县政府的坚强领导下
SUMMARY_FRAME = re.compile(r"(?:正确|坚强|统一)领导下")


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class TopicLexicon:
    topics: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    source: str
    neutral: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.topics]

    @classmethod
    def parse(cls, text: str, source: str = "<text>") -> "TopicLexicon":
        topics = []
        neutral: list[str] = []
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
            if name.strip() == NEUTRAL:
                neutral.extend(word for word, _ in keywords)
                continue
            topics.append((name.strip(), tuple(keywords)))
        return cls(tuple(topics), source, tuple(neutral))

    @classmethod
    def load(cls, path: str | Path | None = None) -> "TopicLexicon":
        if path:
            p = Path(path)
            return cls.parse(p.read_text(encoding="utf-8-sig"), str(p))
        text = resources.files("index").joinpath("data/topics.txt").read_text(encoding="utf-8")
        return cls.parse(text, "index/data/topics.txt")

    @cached_property
    def _longest_first(self) -> tuple[tuple[str, int], ...]:
        """Every keyword (and neutral phrase, topic -1) with its topic's index, longest first."""
        words = [(word, k) for k, (_, keywords) in enumerate(self.topics) for word, _ in keywords]
        words += [(word, -1) for word in self.neutral]
        return tuple(sorted(words, key=lambda x: -len(x[0])))

    def _mentions(self, text: str) -> dict[str, int]:
        """How often each keyword occurs in ``text``, longest keywords first, a match
        inside a longer one's not counted."""
        taken = bytearray(len(text))
        found: dict[str, int] = {}
        for word, _ in self._longest_first:
            start = text.find(word)
            while start != -1:
                end = start + len(word)
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * len(word)
                    found[word] = found.get(word, 0) + 1
                start = text.find(word, start + 1)
        return found

    @cached_property
    def _kept_heads(self) -> dict[tuple[str, ...], dict[str, int]]:
        return {}

    _HEADS_KEPT = 4096

    def _heading_mentions(self, headings: tuple[str, ...]) -> dict[str, int]:
        """:meth:`_mentions` of a heading path, kept: a report's passages share a few
        heading paths (what it finds depends on the headings alone; never changed)."""
        kept = self._kept_heads
        found = kept.get(headings)
        if found is None:
            if len(kept) >= self._HEADS_KEPT:
                kept.clear()
            found = kept[headings] = self._mentions(normalize("".join(headings)))
        return found

    def classify(self, text: str, headings: list[str] | tuple[str, ...] = (), norm: str | None = None) -> list[str]:
        """The topics of a passage of ``text`` under ``headings``; ``norm``, when given,
        is ``normalize(text)`` (the builder has it already)."""
        if norm is None:
            norm = normalize(text)
        in_text = {} if SUMMARY_FRAME.search(norm) else self._mentions(norm)
        in_heads = self._heading_mentions(tuple(headings)) if headings else {}
        total = sum(n for word, n in in_text.items() if word not in self.neutral)
        found = []
        for name, keywords in self.topics:
            score, mentions, headed = 0.0, 0, False
            for word, weight in keywords:
                n = in_text.get(word, 0)
                score += weight * n
                mentions += n
                if word in in_heads:
                    score += weight * HEADING_FACTOR
                    headed = True
            if score >= THRESHOLD and (headed or mentions >= MIN_MENTIONS and mentions >= MIN_SHARE * total):
                found.append(name)
        return found
