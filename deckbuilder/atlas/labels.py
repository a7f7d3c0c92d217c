"""Where text goes: widths estimated without a font, label columns, and the answer label."""

from __future__ import annotations

import math
from typing import Sequence

from .geometry import Point

FONT = 14.0          # landmark labels
LINE_H = FONT * 1.1   # must match the tspan line step in svg.text
ANSWER_FONT = 15.0   # bold answer label

# Approximate Helvetica/Arial advance widths (1/1000 em), regular and bold;
# only used to keep labels inside the image and off each other.
_NARROW = {" ": (278, 278), ".": (278, 278), ",": (278, 278), "(": (333, 333), ")": (333, 333),
           "i": (222, 278), "l": (222, 278), "j": (222, 278), "t": (278, 333), "f": (278, 333),
           "r": (333, 389), "I": (278, 278), "-": (333, 333), "'": (191, 238)}
_WIDE = {"m": (833, 889), "w": (722, 778), "M": (833, 833), "W": (944, 944)}


def text_w(text: str, size: float, bold: bool = False) -> float:
    k = 1 if bold else 0
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += _NARROW[ch][k]
        elif ch in _WIDE:
            total += _WIDE[ch][k]
        elif ch.isupper():
            total += (667, 722)[k]
        elif ch.isdigit():
            total += 556
        else:
            total += (556, 611)[k]
    return total / 1000 * size * 1.04   # a little slack for other sans-serif fonts


def layout_column(items: list[tuple[float, int]], top: float, bottom: float) -> list[float]:
    """Spread label blocks (desired centre y, line count) so they never overlap."""
    heights = [n * LINE_H for _, n in items]
    tops = [c - h / 2 for (c, _), h in zip(items, heights)]
    gap = 3.0
    for i in range(len(tops)):
        tops[i] = max(tops[i], top if i == 0 else tops[i - 1] + heights[i - 1] + gap)
    for i in range(len(tops) - 1, -1, -1):
        limit = bottom if i == len(tops) - 1 else tops[i + 1] - gap
        tops[i] = min(tops[i], limit - heights[i])
    return [max(t, top) for t in tops]


def _apart(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
    """Whether the bounding box of segment a-b misses the rectangle."""
    x, y, w, h = box
    return max(a[0], b[0]) < x or min(a[0], b[0]) > x + w or max(a[1], b[1]) < y or min(a[1], b[1]) > y + h


def _seg_hits_box(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
    """Does segment a-b cross the rectangle? (sampled; leaders are short)."""
    if _apart(a, b, box):
        return False  # every sample lies in the segment's bounding box
    x, y, w, h = box
    for k in range(21):
        t = k / 20
        px, py = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        if x <= px <= x + w and y <= py <= y + h:
            return True
    return False


# A drawn structure an answer label should not hide: its bounding box (left, top, right, bottom)
# and its points; the box keeps a spot far from it from being checked point by point.
Ink = tuple[tuple[float, float, float, float], tuple[Point, ...]]


def ink(points: Sequence[Point]) -> Ink:
    return ((min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
             max(p[1] for p in points)), tuple(points))


def answer_box(mx: float, my: float, text: str, boxes: Sequence[tuple[float, float, float, float]],
                leaders: Sequence[tuple[Point, Point]], drawn: Sequence[Ink],
                panel: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Place the answer label near the marker, hiding as few named landmarks as possible."""
    size = ANSWER_FONT
    w = text_w(text, size, bold=True) + 10
    h = size + 8
    cx, cy, cw, ch = panel
    candidates = [
        (mx + 13, my - h - 5), (mx - 13 - w, my - h - 5), (mx - w / 2, my - h - 14),
        (mx + 13, my + 5), (mx - 13 - w, my + 5), (mx - w / 2, my + 14),
        (mx + 15, my - h / 2), (mx - 15 - w, my - h / 2),
        (mx + 13, my + 14), (mx + 13, my - h - 14), (mx - 13 - w, my + 14),
        (mx - 13 - w, my - h - 14), (mx - w / 2, my + 36), (mx - w / 2, my - h - 36),
        # farther out, tied to the marker by a short line: only when nothing nearer is clear
        (mx - 28 - w, my - h / 2), (mx + 28, my - h / 2),
    ]
    far = len(candidates) - 2
    placed = [(min(max(x, cx + 1), cx + cw - w - 1), min(max(y, cy + 1), cy + ch - h - 1)) for x, y in candidates]
    # Only what lies near the marker can be under a spot: the leader lines and drawn points there.
    x0, y0 = min(x for x, _ in placed), min(y for _, y in placed)
    x1, y1 = max(x for x, _ in placed) + w, max(y for _, y in placed) + h
    near_leaders = [(a, b) for a, b in leaders if not _apart(a, b, (x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2))]
    near_ink = []
    for frame, pts in drawn:
        if not (frame[0] > x1 or frame[2] < x0 or frame[1] > y1 or frame[3] < y0):
            near_ink.append((frame, [(px, py) for px, py in pts if x0 <= px <= x1 and y0 <= py <= y1], len(pts)))
    best: tuple[float, int] | None = None
    for i, (x, y) in enumerate(placed):
        box = (x, y, w, h)
        cost = 1.5 if i >= far else 0.0
        # never cover the marker or its ticks
        nx, ny = min(max(mx, x), x + w), min(max(my, y), y + h)
        if math.hypot(nx - mx, ny - my) < 13:
            cost += 10000
        for ax, ay, aw, ah in boxes:
            if x < ax + aw and ax < x + w and y < ay + ah and ay < y + h:
                cost += 1000
        cost += 300 * sum(_seg_hits_box(a, b, box) for a, b in near_leaders)
        for (left, top, right, bottom), near, count in near_ink:  # how much of each drawn structure is hidden
            if left > x + w or right < x or top > y + h or bottom < y:
                continue  # nowhere near this spot
            hidden = sum(1 for px, py in near if x <= px <= x + w and y <= py <= y + h)
            if hidden:
                cost += 2 + 10 * hidden / count
        if best is None or cost < best[0]:
            best = (cost, i)
    x, y = placed[best[1]] if best else placed[0]
    return (x, y, w, h)


