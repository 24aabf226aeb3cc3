"""The gazetteer: county-level units (市/区/县) and the towns (镇/乡/街道) under them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Gazetteer:
    counties: tuple[str, ...]
    town_counties: dict[str, tuple[str, ...]] = field(hash=False)

    @classmethod
    def parse(cls, text: str) -> "Gazetteer":
        counties: list[str] = []
        towns: dict[str, list[str]] = {}
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line or ":" not in line:
                continue
            county, _, rest = line.partition(":")
            county = county.strip()
            counties.append(county)
            for town in rest.split():
                towns.setdefault(town, []).append(county)
        return cls(tuple(counties), {t: tuple(c) for t, c in towns.items()})

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Gazetteer":
        text = resources.files("index").joinpath("data/places.txt").read_text(encoding="utf-8")
        return cls.parse(text)

    def all_names(self) -> list[str]:
        return list(self.counties) + sorted(self.town_counties)

    def county_of(self, town: str) -> str | None:
        counties = self.town_counties.get(town, ())
        return counties[0] if len(counties) == 1 else None
