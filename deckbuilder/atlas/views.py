"""The views of the atlas, read from their files, and where a point goes on one.

Each view is a file in views/: its outline (where the body is), the structures it draws with
their labels, its named landmarks (positions) and its proportional cun scales. Adding a view
means adding a file, and three placements of WHO points on it in tests/test_atlas.py
(WHO_PLACEMENTS), which a test requires of every view. The files are read with the data's own
loader (load.py: YAML 1.2, every line kept) and checked against their schema (viewfile.py), so a
mistake in one is a message with its file and line. A point is placed either at raw (x, y) in the view's units,
or by anatomy: a landmark and offsets in cun along the view's axes, as the WHO standard describes
locations.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..cache import Cache
from ..errors import DataError, Problem
from ..load import parse_text
from .geometry import Point, Shape, shape
from .viewfile import check_view

if TYPE_CHECKING:
    from importlib.abc import Traversable

DIRECTIONS = {"up": (0.0, -1.0), "down": (0.0, 1.0), "right": (1.0, 0.0), "left": (-1.0, 0.0)}


@dataclass(frozen=True)
class Landmark:
    """A drawn structure; labelled ones get a leader line to ``anchor``."""

    key: str
    shape: Shape
    style: str
    label: str = ""
    anchor: Point | None = None
    side: str = "left"   # label column: "left" or "right"
    label_at: Point | None = None   # fixed label spot (view units) instead of a column


@dataclass(frozen=True)
class Scale:
    """A proportional measure of the standard: the distance between two landmarks is `cun` B-cun."""

    start: str
    end: str
    cun: float
    axis: str  # "x" or "y": the axis of the view it measures


@dataclass(frozen=True)
class Curve:
    """A measure along a drawn line: from its first point to its last is `cun` B-cun (e.g. the
    12 cun over the top of the head from the anterior to the posterior hairline), or, where the
    standard gives only a proportion (a third of the sole), no cun: points on it give a fraction."""

    key: str
    cun: float | None


@dataclass(frozen=True)
class View:
    """One named close-up with its own coordinates, plus its overview figure."""

    name: str
    title: str
    outline: tuple[Shape, ...]            # body outline (closed shapes)
    drawing: tuple[Landmark, ...]         # drawn in this order
    bounds: tuple[float, float, float, float]   # close-up window x0, y0, x1, y1
    orientation: tuple[str, str]          # small captions, bottom-left/right
    label_columns: tuple[float, float]    # widths reserved for labels (image units)
    overview: str                         # a figure of figures.yaml
    overview_map: tuple[float, float, float]  # s, dx, dy: close-up -> figure
    height: float                         # image height (image units; width is always 400)
    landmarks: Mapping[str, Point]        # named positions, for placing points
    scales: tuple[Scale, ...]
    curves: tuple[Curve, ...] = ()        # measured lines, for placing points along them
    digest: str = ""                      # of the view's file (and its base's, and the figures):
                                          # part of every cached picture's key
    close_up_of: str = ""                 # the base view of a close-up
    picture: bytes = b""                  # `picture: body`: the close-up is the rendered body, this PNG
                                          # (body/pictures/, made by tools/render_atlas.py)

    def units_per_cun(self, axis: str) -> float:
        """View units per B-cun along an axis, from the first scale that measures it."""
        for scale in self.scales:
            if scale.axis == axis:
                a, b = self.landmarks[scale.start], self.landmarks[scale.end]
                return math.dist(a, b) / scale.cun
        raise PlacementError(f"the view '{self.name}' has no cun scale across ({axis})",
                             "give the point's position as x and y instead")


class PlacementError(Exception):
    """A point's position on a view cannot be used; message and hint for the data editor."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Position:
    """Where a point is on a view, and (placed by anatomy) the landmark it was measured from."""

    view: str
    x: float
    y: float
    origin: Point | None = None        # the landmark, for the dimension line
    measure: str | None = None         # e.g. "1.5 cun", its label


def _point(value) -> Point:
    return (float(value[0]), float(value[1]))


def _drawing(raw: dict) -> tuple[Landmark, ...]:
    return tuple(Landmark(
        key=item["key"], shape=shape(item), style=item["style"], label=item.get("label", ""),
        anchor=_point(item["anchor"]) if "anchor" in item else None, side=item.get("side", "left"),
        label_at=_point(item["label_at"]) if "label_at" in item else None) for item in raw["drawing"])


def _load(name: str, raw: dict, views: Mapping[str, View]) -> View:
    if "close_up_of" in raw:
        # A close-up shares its base view's coordinates: its outline, landmarks, scales and overview,
        # so a point moves between the two by its view name alone.
        base = views[raw["close_up_of"]]
        # `with_base_drawing`: the base view's structures underneath, without their names (the
        # close-up names what it shows itself)
        underneath = tuple(replace(lm, label="") for lm in base.drawing) if raw.get("with_base_drawing") else ()
        return View(
            name=name, title=raw["title"], outline=base.outline, drawing=underneath + _drawing(raw),
            bounds=tuple(float(b) for b in raw["bounds"]), orientation=base.orientation,
            label_columns=tuple(float(w) for w in raw["label_columns"]), overview=base.overview,
            overview_map=base.overview_map, height=float(raw["height"]), landmarks=base.landmarks,
            scales=base.scales, curves=base.curves, close_up_of=base.name)
    return View(
        name=name, title=raw["title"], outline=tuple(shape(s) for s in raw["outline"]), drawing=_drawing(raw),
        bounds=tuple(float(b) for b in raw["bounds"]), orientation=tuple(raw["orientation"]),
        label_columns=tuple(float(w) for w in raw["label_columns"]), overview=raw["overview"]["figure"],
        overview_map=tuple(float(v) for v in raw["overview"]["map"]), height=float(raw["height"]),
        landmarks=MappingProxyType({key: _point(p) for key, p in raw.get("landmarks", {}).items()}),
        scales=tuple(Scale(s["from"], s["to"], float(s["cun"]), s["axis"]) for s in raw.get("scales", ())),
        curves=tuple(Curve(c["along"], float(c["cun"]) if "cun" in c else None) for c in raw.get("curves", ())),
    )


_Figures = Mapping[str, tuple[tuple[Shape, ...], tuple[float, ...]]]
_loaded: tuple[Mapping[str, View], _Figures] | None = None


def load_folder(folder: Traversable, cache: Cache | None = None) -> tuple[Mapping[str, View], _Figures]:
    """Every view of `folder` (views/ and figures.yaml), checked: DataError lists each mistake
    with its file and line. `cache` remembers what a text gave before."""
    def read(entry: Traversable) -> tuple[Path, str, Any]:
        path, text = Path(str(entry)), entry.read_text(encoding="utf-8")
        return path, text, parse_text(path, text, cache, "view")

    problems: list[Problem] = []
    read_files: dict[str, tuple[Path, str, Any]] = {}
    for entry in sorted(folder.joinpath("views").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            try:
                read_files[entry.name[: -len(".yaml")]] = read(entry)
            except DataError as err:
                problems.extend(err.problems)
    _, figures_text, figures_raw = read(folder.joinpath("figures.yaml"))
    raws = {name: raw for name, (_, _, raw) in read_files.items()}
    usable = {name for name, (path, _, raw) in read_files.items()
              if check_view(path, raw, raws, list(figures_raw), problems)}
    if problems:
        raise DataError(problems)
    views: dict[str, View] = {}
    for name in sorted(usable, key=lambda n: ("close_up_of" in raws[n], n)):  # base views first
        base = views[raws[name]["close_up_of"]].digest if "close_up_of" in raws[name] else ""
        picture = (folder.joinpath(f"body/pictures/{name}.png").read_bytes()
                   if raws[name].get("picture") == "body" else b"")
        digest = hashlib.sha256((base + read_files[name][1] + figures_text).encode() + picture).hexdigest()[:16]
        views[name] = replace(_load(name, raws[name], views), digest=digest, picture=picture)
    figures = {name: (tuple(shape(s) for s in fig["shapes"]), tuple(float(b) for b in fig["bounds"]))
               for name, fig in figures_raw.items()}
    return MappingProxyType(dict(sorted(views.items()))), MappingProxyType(figures)


def read(cache: Cache | None = None) -> None:
    """Read the view files now, once in a process (the build passes its cache)."""
    global _loaded
    if _loaded is None:
        _loaded = load_folder(resources.files("deckbuilder.atlas"), cache)


def table() -> str:
    """The README's table of the views, made from their files."""
    rows = ["| view | shows | landmarks | cun scale |", "|---|---|---|---|"]
    for name, view in VIEWS.items():
        if view.close_up_of:
            marks = scale = f"those of `{view.close_up_of}`"
        else:
            lines = ", ".join(f"`{c.key}` ({f'{c.cun:g} cun' if c.cun else 'by fraction'})" for c in view.curves)
            marks = ", ".join(view.landmarks) + (f"; measured lines {lines}" if lines else "") or "none"
            scale = "; ".join(f"{s.cun:g} cun from {s.start} to {s.end} ({'across' if s.axis == 'x' else 'up'})"
                              for s in view.scales) or "none"
        shows = view.title + (" (the rendered body)" if view.picture else "")
        rows.append(f"| `{name}` | {shows} | {marks} | {scale} |")
    return "\n".join(rows)


class _OnFirstUse(Mapping):
    """The views or the figures, read when first looked at (if `read` was not called before): a
    build whose deck is up to date never looks."""

    def __init__(self, part: int):
        self._part = part

    def _all(self) -> Mapping:
        read()
        return _loaded[self._part]

    def __getitem__(self, key: str):
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


VIEWS: Mapping[str, View] = _OnFirstUse(0)
FIGURES: _Figures = _OnFirstUse(1)


def inside_body(view: str, x: float, y: float) -> bool:
    """True if (x, y) lies inside the view's body outline (a marker off the body is a data bug)."""
    return any(s.contains(x, y) for s in VIEWS[view].outline)


def _landmark_hint(view: View, name: str) -> str:
    close = difflib.get_close_matches(name, list(view.landmarks), n=1)
    listed = ", ".join(view.landmarks) or "none"
    return (f"did you mean '{close[0]}'? " if close else "") + f"the landmarks of '{view.name}': {listed}"


def _along(view: View, key: str, cun: object, fraction: object) -> Point:
    """The point `cun` B-cun, or `fraction` of the way, along a measured line, from its first point."""
    curve = next((c for c in view.curves if c.key == key), None)
    if curve is None:
        listed = ", ".join(c.key for c in view.curves) or "none"
        raise PlacementError(f"the view '{view.name}' has no measured line '{key}'", f"its measured lines: {listed}")
    if (cun is None) == (fraction is None):
        raise PlacementError(f"a point along '{key}' gives either 'cun' or 'fraction'",
                             "e.g. {along: " + key + (", cun: 5}" if curve.cun else ", fraction: 0.33}"))
    if fraction is not None:
        if not 0 <= float(fraction) <= 1:
            raise PlacementError(f"'fraction' is a part of '{key}', from 0 to 1, not {float(fraction):g}",
                                 "e.g. fraction: 0.33 for a third of the way")
        cun, length = float(fraction), 1.0
    elif curve.cun is None:
        raise PlacementError(f"the standard gives '{key}' no length in cun", "give 'fraction' (0 to 1) instead")
    else:
        cun, length = float(cun), curve.cun
        if not 0 <= cun <= length:
            raise PlacementError(f"'{key}' is {length:g} cun long, so {cun:g} cun is off it",
                                 f"give a number from 0 to {length:g}")
    (drawn,) = [lm.shape for lm in view.drawing if lm.key == key]
    points = drawn.polygon(40)
    lengths = [0.0]
    for a, b in zip(points, points[1:]):
        lengths.append(lengths[-1] + math.dist(a, b))
    target = lengths[-1] * cun / length
    for (a, b), start, end in zip(zip(points, points[1:]), lengths, lengths[1:]):
        if end >= target and end > start:
            t = (target - start) / (end - start)
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
    return points[-1] if cun else points[0]


def place(view_name: str, fields: Mapping[str, object]) -> Position:
    """Where a point goes: `fields` is {x, y}; or {from: landmark, right/left/up/down: cun}, where
    `from` may name two landmarks, to start halfway between them; or {along: line, cun: n}, so
    many cun (or `fraction` of the way) along one of the view's measured lines."""
    if view_name not in VIEWS:
        close = difflib.get_close_matches(view_name, list(VIEWS), n=1)
        raise PlacementError(f"there is no view '{view_name}'",
                             f"did you mean '{close[0]}'?" if close else "views: " + ", ".join(VIEWS))
    view = VIEWS[view_name]
    if "along" in fields:
        x, y = _along(view, str(fields["along"]), fields.get("cun"), fields.get("fraction"))
        origin, measure = None, None
    elif "from" not in fields:
        x, y = float(fields["x"]), float(fields["y"])
        origin, measure = None, None
    else:
        starts = (fields["from"],) if isinstance(fields["from"], str) else tuple(fields["from"])
        for start in starts:
            if start not in view.landmarks:
                raise PlacementError(f"the view '{view_name}' has no landmark '{start}'",
                                     _landmark_hint(view, str(start)))
        if len(starts) not in (1, 2):
            raise PlacementError("'from' names one landmark, or two to start halfway between them",
                                 _landmark_hint(view, ""))
        # Two landmarks: halfway between them ("between the tendons", "between the bone and the tendon").
        x = sum(view.landmarks[s][0] for s in starts) / len(starts)
        y = sum(view.landmarks[s][1] for s in starts) / len(starts)
        origin = (x, y)
        moved = []
        for direction, (ux, uy) in DIRECTIONS.items():
            if direction in fields:
                cun = float(fields[direction])
                x += ux * cun * view.units_per_cun("x" if ux else "y")
                y += uy * cun * view.units_per_cun("y" if uy else "x")
                moved.append(f"{cun:g} cun")
        measure = " + ".join(moved) or None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise PlacementError("the position is not a finite number", "e.g. x: 12.5")
    if not inside_body(view_name, x, y):
        raise PlacementError(f"the position ({x:g}, {y:g}) is outside the body in the '{view_name}' view",
                             _landmark_hint(view, "") if "from" in fields else
                             "see the README for each view's coordinates, or place it by a landmark")
    return Position(view_name, round(x, 2), round(y, 2), origin if measure else None, measure)


