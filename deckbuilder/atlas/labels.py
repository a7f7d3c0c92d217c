"""Where text goes: widths measured in the widest common font, label columns, and the answer label."""

from __future__ import annotations

import math
from typing import Sequence

from . import fontwidths
from .geometry import Point

FONT = 14.0          # landmark labels
LINE_H = FONT * 1.1   # must match the tspan line step in svg.text
ANSWER_FONT = 15.0   # bold answer label



def _table(ranges: tuple[tuple[int, str], ...]) -> dict[str, int]:
    return {chr(first + i): int(w) for first, widths in ranges for i, w in enumerate(widths.split())}


# Labels are sized for DejaVu Sans, the widest of the common sans-serif defaults (the pictures use
# the system's font): they then fit with Roboto, Helvetica, SF, Segoe UI and Arial too.
_WIDTHS = (_table(fontwidths.REGULAR), _table(fontwidths.BOLD))


def text_w(text: str, size: float, bold: bool = False) -> float:
    """The text's width in DejaVu Sans (a character it lacks: a whole em), a little slack added."""
    widths = _WIDTHS[bold]
    return sum(widths.get(ch, 1000) for ch in text) / 1000 * size * 1.02


def wrap(lines: Sequence[str], size: float, room: float) -> list[str]:
    """The lines, each broken between words where it is wider than `room` (a word wider than that
    stays whole: the tests then say the view needs a wider label column)."""
    out: list[str] = []
    for line in lines:
        current = ""
        for word in line.split(" "):
            if current and text_w(f"{current} {word}", size) > room:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
    return out


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


def seg_hits_box(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
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


def answer_box(mx: float, my: float, lines: Sequence[str], boxes: Sequence[tuple[float, float, float, float]],
               leaders: Sequence[tuple[Point, Point]], drawn: Sequence[Ink],
               panel: tuple[float, float, float, float]) -> tuple[tuple[float, float, float, float], float]:
    """Place the answer label (its lines) near the marker, hiding as few named landmarks as
    possible: the box, and what it costs (1000 and more: it covers a name)."""
    size = ANSWER_FONT
    w = max(text_w(text, size, bold=True) for text in lines) + 10
    h = size + 8 + (len(lines) - 1) * size * 1.1
    cx, cy, cw, ch = panel
    candidates = [
        (mx + 13, my - h - 5), (mx - 13 - w, my - h - 5), (mx - w / 2, my - h - 14),
        (mx + 13, my + 5), (mx - 13 - w, my + 5), (mx - w / 2, my + 14),
        (mx + 15, my - h / 2), (mx - 15 - w, my - h / 2),
        (mx + 13, my + 14), (mx + 13, my - h - 14), (mx - 13 - w, my + 14),
        (mx - 13 - w, my - h - 14), (mx - w / 2, my + 36), (mx - w / 2, my - h - 36),
        # farther out, tied to the marker by a short line: only when nothing nearer is clear
        (mx - 28 - w, my - h / 2), (mx + 28, my - h / 2),
        (mx - 28 - w, my - h - 24), (mx + 28, my - h - 24), (mx - 28 - w, my + 24), (mx + 28, my + 24),
        (mx - w / 2, my - h - 56), (mx - w / 2, my + 56), (mx - 48 - w, my - h / 2), (mx + 48, my - h / 2),
        (mx + 28, my + 44), (mx - 28 - w, my + 44), (mx + 28, my - h - 44), (mx - 28 - w, my - h - 44),
        (mx - w / 2, my + 80), (mx - w / 2, my - h - 80),
    ]
    far = len(candidates) - 16
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
        cost += 300 * sum(seg_hits_box(a, b, box) for a, b in near_leaders)
        for (left, top, right, bottom), near, count in near_ink:  # how much of each drawn structure is hidden
            if left > x + w or right < x or top > y + h or bottom < y:
                continue  # nowhere near this spot
            hidden = sum(1 for px, py in near if x <= px <= x + w and y <= py <= y + h)
            if hidden:
                cost += 2 + 10 * hidden / count
        if best is None or cost < best[0]:
            best = (cost, i)
    cost, i = best if best else (0.0, 0)
    return (*placed[i], w, h), cost


