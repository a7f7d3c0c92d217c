"""The validated data: what the rest of the pipeline may rely on without checking again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    author: str
    year: int | None
    short: str  # what a card shows, e.g. "Deadman et al. 1998"; defaults to author and year

    def citation(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.author}, {self.title}{year}"


@dataclass(frozen=True)
class NumberingSystem:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class LegacyCode:
    code: str
    system: NumberingSystem


@dataclass(frozen=True)
class Diagram:
    """Where the point goes on one of the project's body views (see diagrams.py)."""

    view: str
    x: float
    y: float


@dataclass(frozen=True, eq=False)  # a point is itself: identity, not a field-by-field compare
class Point:
    id: str
    code: str
    meridian: str
    legacy_codes: tuple[LegacyCode, ...]
    pinyin: str
    hanzi: str
    hanzi_traditional: str | None
    english: tuple[str, ...]
    region: str
    location: str
    landmarks: tuple[str, ...]
    how_to_find: str
    indications: tuple[str, ...]
    roles: tuple[str, ...]
    cautions: tuple[str, ...]
    diagram: Diagram | None
    images: tuple[Path, ...]
    sources: tuple[Source, ...]
    article: str | None
    file: Path
    line: int | None  # None on the first pass, which reads no lines (build.prepare)

    @property
    def name(self) -> str:
        """The short name a learner says: code and pinyin."""
        return f"{self.code} {self.pinyin}"


@dataclass(frozen=True)
class ConditionPoint:
    point: Point
    note: str | None = None


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    region: str
    points: tuple[Point, ...]
    article_only: tuple[ConditionPoint, ...]
    sources: tuple[Source, ...]
    file: Path
    line: int | None  # None on the first pass, which reads no lines (build.prepare)


@dataclass(frozen=True)
class Dataset:
    points: tuple[Point, ...]
    conditions: tuple[Condition, ...]
    sources: tuple[Source, ...]

