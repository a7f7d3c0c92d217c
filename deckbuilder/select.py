"""Choose part of the data to build a smaller deck (`deckbuilder build --only SPEC`).

A selection only leaves points out: every note keeps the GUID it has in the full deck, so
importing the full deck later updates and extends the smaller one instead of doubling it.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from .errors import SelectionError
from .records import Condition, Dataset, Point

KINDS = ("meridian", "condition", "region", "point", "category")


def _meridian(point: Point) -> str:
    return "EX" if point.code.startswith("EX-") else point.code[:2]


def _matches(kind: str, value: str, point: Point, conditions: dict[str, set[str]]) -> bool:
    if kind == "meridian":
        return value.upper() == _meridian(point) or value.lower() == point.meridian
    if kind == "condition":
        return point.id in conditions.get(value, set())
    if kind == "region":
        return point.region == value
    if kind == "point":
        return value in (point.id, point.code)
    return any(c.kind == value for c in point.categories)


def _known(kind: str, dataset: Dataset) -> list[str]:
    if kind == "meridian":
        return sorted({_meridian(p) for p in dataset.points})
    if kind == "condition":
        return [c.id for c in dataset.conditions]
    if kind == "region":
        return sorted({p.region for p in dataset.points})
    if kind == "point":
        return [p.id for p in dataset.points]
    return sorted({c.kind for p in dataset.points for c in p.categories})


def select(dataset: Dataset, spec: str) -> Dataset:
    """The points any term of SPEC names (terms are comma-separated `kind:value`), and what they need."""
    conditions = {c.id: {p.id for p in (*c.points, *(extra.point for extra in c.article_only))}
                  for c in dataset.conditions}
    chosen: set[str] = set()
    for term in filter(None, (t.strip() for t in spec.split(","))):
        kind, _, value = term.partition(":")
        if kind not in KINDS or not value:
            raise SelectionError(f"--only: '{term}' is not kind:value, where kind is one of {', '.join(KINDS)} "
                                 "(e.g. --only meridian:BL,condition:lower-back-pain)")
        found = {p.id for p in dataset.points if _matches(kind, value, p, conditions)}
        if not found:
            known = _known(kind, dataset)
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean '{kind}:{close[0]}'?" if close else f"the {kind}s are: {', '.join(known)}"
            raise SelectionError(f"--only: no point matches '{term}'; {hint}")
        chosen |= found
    if not chosen:
        raise SelectionError("--only needs at least one kind:value, e.g. --only meridian:BL")
    points = tuple(p for p in dataset.points if p.id in chosen)

    def narrowed(condition: Condition) -> Condition:
        return replace(condition, points=tuple(p for p in condition.points if p.id in chosen),
                       core=tuple(p for p in condition.core if p.id in chosen),
                       article_only=tuple(e for e in condition.article_only if e.point.id in chosen))

    kept = tuple(c for c in map(narrowed, dataset.conditions) if c.points)
    return Dataset(points, kept, dataset.sources)
