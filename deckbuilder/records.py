"""The validated data, and the schema of the data files: each field is declared here, once.

A field declared with `data(...)` is one a data file may write: validation takes the allowed and
required fields, the did-you-mean hints, how each is read and an optional field's default from
these declarations, and the README's field table is `field_table(Point)` (a test keeps it in
step). Fields without it (a point's meridian, the file and line it came from) are worked out,
never written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# How validation reads a field: its `read=` in the declaration, never its type annotation.
TEXT = "a text"
TEXTS = "a list of texts"
OWN = "its own check in validate.py"


def data(doc: str, *, required: bool = True, default: Any = dataclasses.MISSING, read: str = TEXT,
         multiline: bool = False) -> Any:
    """A field the data files write. An optional field a file leaves out takes `default` (None
    unless given). `read`: TEXT and TEXTS are read by validate.py for any record; OWN fields have
    a check of their own there. `multiline`: a line break the YAML keeps stays on the card."""
    if read not in (TEXT, TEXTS, OWN):
        raise ValueError(f"read= is TEXT, TEXTS or OWN, not {read!r}")
    if not required and default is dataclasses.MISSING:
        default = None
    return dataclasses.field(default=default, metadata={"doc": doc, "required": required, "read": read,
                                                         "multiline": multiline})


def schema(record: type) -> dict[str, bool]:
    """The fields a data file may write for `record`, each with whether it is required."""
    return {f.name: f.metadata["required"] for f in dataclasses.fields(record) if "doc" in f.metadata}


def read_as(record: type, how: str) -> list[str]:
    """The data fields of `record` that validation reads as `how` (TEXT or TEXTS)."""
    return [f.name for f in dataclasses.fields(record) if f.metadata.get("read") == how]


def multiline_fields(record: type) -> set[str]:
    return {f.name for f in dataclasses.fields(record) if f.metadata.get("multiline")}


def field_table(record: type) -> str:
    """The Markdown table of a record's data fields, as the README shows it."""
    rows = ["| field | required | what it holds |", "|---|---|---|"]
    for f in dataclasses.fields(record):
        if "doc" in f.metadata:
            rows.append(f"| `{f.name}` | {'yes' if f.metadata['required'] else 'no'} | {f.metadata['doc']} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class Source:
    key: str
    title: str = data("the full title")
    author: str = data("who wrote or published it")
    year: int | None = data("the year it was published", required=False, read=OWN)
    short: str = data("what the deck description and the card browser show, e.g. Deadman et al. 1998; "
                      "defaults to the author and year", required=False)

    def citation(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.author}, {self.title}{year}"


@dataclass(frozen=True)
class NumberingSystem:
    key: str
    name: str = data("its name on the cards")
    description: str = data("how it differs from the WHO numbering")


@dataclass(frozen=True)
class LegacyCode:
    code: str = data("the code as older texts write it, e.g. BL54")
    system: NumberingSystem = data("the numbering it belongs to: a key under numbering_systems in sources.yaml",
                                   read=OWN)


@dataclass(frozen=True)
class Category:
    """A special-point category (see categories.py for the kinds and their details)."""

    kind: str = data("the category, e.g. he-sea, back-shu, luo-connecting")
    detail: str | None = None  # its element, organ, tissue, vessel or area, as the kind asks


@dataclass(frozen=True)
class Diagram:
    """Where the point goes on one of the atlas's views (the fields it takes: validate.DIAGRAM_FIELDS)."""

    view: str
    x: float
    y: float
    origin: tuple[float, float] | None = None  # the landmark it was measured from, if any
    measure: str | None = None                 # the offset from it, e.g. "1.5 cun"


# keyword-only: an optional field may come before a required one; a point is itself (identity, not a
# field-by-field compare)
@dataclass(frozen=True, eq=False, kw_only=True)
class Point:
    id: str = data("permanent: never change it once the deck is in use (Anki finds the notes by it)")
    code: str = data("the WHO 2008 code, e.g. BL60 (extra points: EX-HN3)")
    legacy_codes: tuple[LegacyCode, ...] = data("older codes, each with its numbering system", required=False,
                                                default=(), read=OWN)
    pinyin: str = data("with tone marks, e.g. Kūnlún")
    hanzi: str = data("simplified characters")
    hanzi_traditional: str | None = data("traditional characters, where they differ", required=False)
    english: tuple[str, ...] = data("English names from a named source; the first is shown where one fits",
                                    read=TEXTS)
    region: str = data("the body region, which becomes a tag, e.g. lower-back")
    location: str = data("the standard location in your own words, without the point's name", multiline=True)
    landmarks: tuple[str, ...] = data("the anatomical landmarks that find it", read=TEXTS)
    how_to_find: str = data("how to find it with the hands, in lay terms", multiline=True)
    indications: tuple[str, ...] = data("its main uses, two to six short phrases (none for a point the "
                                        "standard keeps as a landmark only, such as ST17)", required=False,
                                        default=(), read=TEXTS)
    categories: tuple[Category, ...] = data("special-point categories, e.g. {kind: he-sea, element: earth}",
                                            required=False, default=(), read=OWN)
    cautions: tuple[str, ...] = data("only where they change what a person does", required=False,
                                     default=(), read=TEXTS, multiline=True)
    diagram: Diagram | None = data("where to mark it on the project's drawings", required=False, read=OWN)
    images: tuple[Path, ...] = data("your own pictures in media/", required=False, default=(), read=OWN)
    sources: tuple[Source, ...] = data("keys of sources.yaml", read=OWN)
    article: str | None = data("where the source article says something else", required=False, multiline=True)
    meridian: str = ""  # worked out from the code
    file: Path | None = None
    line: int | None = None

    @property
    def name(self) -> str:
        """The short name a learner says: code and pinyin."""
        return f"{self.code} {self.pinyin}"


@dataclass(frozen=True)
class ConditionPoint:
    point: Point = data("the id of a point the source article names for the complaint", read=OWN)
    note: str | None = data("why it is not a standard point for it", multiline=True)


@dataclass(frozen=True, kw_only=True)
class Condition:
    id: str = data("permanent, lower-case words joined by hyphens")
    name: str = data("the complaint as a learner says it")
    region: str = data("where it is felt, which becomes a tag")
    points: tuple[Point, ...] = data("the ids of the points standard references give for it", read=OWN)
    core: tuple[Point, ...] = data("the few of `points` the complaint cards ask for (the standard prescription); "
                                   "all of them when not given", required=False, default=(), read=OWN)
    article_only: tuple[ConditionPoint, ...] = data("points only the source article gives", required=False,
                                                    default=(), read=OWN)
    sources: tuple[Source, ...] = data("keys of sources.yaml", read=OWN)
    file: Path | None = None
    line: int | None = None


@dataclass(frozen=True)
class Span:
    view: str = data("the drawing (deckbuilder/atlas/views/) that shows it")
    start: str = data("the landmark it starts at")
    end: str = data("the landmark it ends at")


@dataclass(frozen=True, kw_only=True)
class Measure:
    id: str = data("permanent, lower-case words joined by hyphens")
    kind: str = data("bone (a proportional bone measure, B-cun) or finger (a finger measure, F-cun)")
    span: str = data("what is measured, from where to where, in your own words")
    cun: float = data("how many cun the span counts", read=OWN)
    note: str | None = data("where it is used; shown below the answer", required=False)
    diagram: Span | None = data("a bone measure's span on a drawing: {view, from, to}, two landmarks one of the "
                                "view's cun scales joins", required=False, read=OWN)
    sources: tuple[Source, ...] = data("keys of sources.yaml", read=OWN)
    file: Path | None = None
    line: int | None = None


@dataclass(frozen=True)
class Dataset:
    points: tuple[Point, ...]
    conditions: tuple[Condition, ...]
    sources: tuple[Source, ...]
    measures: tuple[Measure, ...] = ()  # the full deck's only: a smaller deck (--only) leaves them out
