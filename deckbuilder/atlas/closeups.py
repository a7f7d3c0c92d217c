"""Zoomed questions where points crowd: "which point is marked?" must have one answer.

On a phone the card shows the 400-unit picture about 360 px wide; a marker within 12 px of
another point's place cannot be told from it. Such a point's question (and its answers) show a
zoomed window of its view around it instead, with named landmarks to place it by. Windows sit on
a grid of a quarter of their size, so neighbours share one drawing.
"""

from __future__ import annotations

import functools
import math
from typing import Mapping, Sequence

from .svg import Window, _named_in, on_picture
from .views import VIEWS

CARD_PX = 360.0        # the picture's width on a phone
MIN_APART_PX = 12.0    # closer than this, two markers are the same place to the eye
ZOOMS = (1.5, 2.0, 2.7, 3.0, 4.0)   # the larger the zoom, the less of the body is left to place it by
NAMES_WANTED = 2       # named landmarks a zoomed window should show, to place the point by
_MARGIN = 0.5          # px: rounding in the drawing must not bring a pair under the limit


def px_apart(view: str, a: tuple[float, float], b: tuple[float, float], window: Window = None) -> float:
    """How far apart two positions of a view are on a phone, in px."""
    return math.dist(on_picture(view, a, window), on_picture(view, b, window)) * CARD_PX / 400.0


def shows(window: Window, p: tuple[float, float]) -> bool:
    return window is None or (window[0] <= p[0] <= window[2] and window[1] <= p[1] <= window[3])


def windows_at(view: str, zoom: float, p: tuple[float, float]) -> list[Window]:
    """The windows `zoom` times smaller than the view's, on a grid of a quarter of their size,
    that hold `p` well inside: the one centred nearest to it first."""
    x0, y0, x1, y1 = VIEWS[view].bounds
    w, h = (x1 - x0) / zoom, (y1 - y0) / zoom
    cx = x0 + w / 2 + round((p[0] - x0 - w / 2) / (w / 4)) * w / 4
    cy = y0 + h / 2 + round((p[1] - y0 - h / 2) / (h / 4)) * h / 4
    found = []
    for dx, dy in sorted(((i, j) for i in (-1, 0, 1) for j in (-1, 0, 1)), key=lambda d: (abs(d[0]) + abs(d[1]), d)):
        x = min(max(cx + dx * w / 4, x0 + w / 2), x1 - w / 2)
        y = min(max(cy + dy * h / 4, y0 + h / 2), y1 - h / 2)
        window = (round(x - w / 2, 2), round(y - h / 2, 2), round(x + w / 2, 2), round(y + h / 2, 2))
        inside = (abs(p[0] - x) <= w * 3 / 8 and abs(p[1] - y) <= h * 3 / 8) or (dx, dy) == (0, 0)
        if inside and window not in found:
            found.append(window)
    return found


@functools.cache
def names(view: str, window: Window) -> int:
    """How many named landmarks the window shows."""
    return sum(1 for lm in VIEWS[view].drawing if _named_in(lm, window, True) is not None)


def crowding(view: str, p: tuple[float, float], others: Sequence[tuple[float, float]],
             window: Window) -> int:
    """How many of the other positions the window shows too close to `p`."""
    a, b = on_picture(view, (0.0, 0.0), window), on_picture(view, (1.0, 0.0), window)
    limit = (MIN_APART_PX + _MARGIN) / (math.dist(a, b) * CARD_PX / 400.0)   # in the view's units
    return sum(1 for q in others if math.dist(p, q) < limit and shows(window, q))


def windows(points: Mapping[str, tuple[str, float, float]]) -> dict[str, Window]:
    """Each point's window (key -> window; None: the whole view): the least zoom that leaves no
    other point of its view too close, or, where none does (two points at one place), the zoom
    that leaves the fewest."""
    by_view: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for key, (view, x, y) in points.items():
        by_view.setdefault(view, []).append((key, (x, y)))
    found: dict[str, Window] = {}
    for view, members in by_view.items():
        for key, p in members:
            others = [q for other, q in members if other != key]
            # fewest points too close; then enough names to place it by; then the least zoom
            best: tuple[int, int, Window] = (crowding(view, p, others, None), 0, None)
            for zoom in ZOOMS:
                if best[:2] == (0, 0):
                    break
                for window in windows_at(view, zoom, p):
                    score = (crowding(view, p, others, window), max(0, NAMES_WANTED - names(view, window)), window)
                    if score[:2] < best[:2]:
                        best = score
            found[key] = best[2]
    return found
