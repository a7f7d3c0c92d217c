"""Zoomed questions where points crowd: "which point is marked?" must have one answer.

On a phone the card shows the 400-unit picture about 360 px wide; a marker within 12 px of
another point's place cannot be told from it. Such a point's question (and its answers) show a
zoomed window of its view around it instead. Windows sit on a grid of a quarter of their size,
so neighbours share one drawing.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from .svg import Window, on_picture
from .views import VIEWS

CARD_PX = 360.0        # the picture's width on a phone
MIN_APART_PX = 12.0    # closer than this, two markers are the same place to the eye
ZOOMS = (1.5, 2.0, 3.0, 4.0)   # the larger the zoom, the less of the body is left to place it by
_MARGIN = 0.5          # px: rounding in the drawing must not bring a pair under the limit


def px_apart(view: str, a: tuple[float, float], b: tuple[float, float], window: Window = None) -> float:
    """How far apart two positions of a view are on a phone, in px."""
    return math.dist(on_picture(view, a, window), on_picture(view, b, window)) * CARD_PX / 400.0


def shows(window: Window, p: tuple[float, float]) -> bool:
    return window is None or (window[0] <= p[0] <= window[2] and window[1] <= p[1] <= window[3])


def window_at(view: str, zoom: float, p: tuple[float, float]) -> Window:
    """The window `zoom` times smaller than the view's, on the grid cell nearest to centre `p`."""
    x0, y0, x1, y1 = VIEWS[view].bounds
    w, h = (x1 - x0) / zoom, (y1 - y0) / zoom
    cx = x0 + w / 2 + round((p[0] - x0 - w / 2) / (w / 4)) * w / 4
    cy = y0 + h / 2 + round((p[1] - y0 - h / 2) / (h / 4)) * h / 4
    cx, cy = min(max(cx, x0 + w / 2), x1 - w / 2), min(max(cy, y0 + h / 2), y1 - h / 2)
    return (round(cx - w / 2, 2), round(cy - h / 2, 2), round(cx + w / 2, 2), round(cy + h / 2, 2))


def crowding(view: str, p: tuple[float, float], others: Sequence[tuple[float, float]],
             window: Window) -> int:
    """How many of the other positions the window shows too close to `p`."""
    return sum(1 for q in others if shows(window, q) and px_apart(view, p, q, window) < MIN_APART_PX + _MARGIN)


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
            best: tuple[int, Window] = (crowding(view, p, others, None), None)
            for zoom in ZOOMS:
                if best[0] == 0:
                    break
                window = window_at(view, zoom, p)
                close = crowding(view, p, others, window)
                if close < best[0]:
                    best = (close, window)
            found[key] = best[1]
    return found
