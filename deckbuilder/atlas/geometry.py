"""Smooth outlines through control points, and whether a position lies inside one."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

Point = tuple[float, float]
Transform = Callable[[Point], Point]


def fmt(v: float) -> str:
    """Fixed, locale-free number formatting so output is byte-stable."""
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@dataclass(frozen=True)
class Shape:
    """A smooth curve through control points (Catmull-Rom), or an ellipse.

    kind: "closed", "open" or "ellipse" (points = ((cx, cy), (rx, ry))).
    sharp: indices of control points drawn as corners.
    The same curve is used to draw and to test containment, so the tests
    check what the reader sees.
    """

    kind: str
    points: tuple[Point, ...]
    sharp: frozenset[int] = frozenset()

    def _tangent(self, i: int) -> Point:
        p = self.points
        n = len(p)
        if i in self.sharp:
            return (0.0, 0.0)
        if self.kind == "closed":
            a, b = p[(i - 1) % n], p[(i + 1) % n]
            return ((b[0] - a[0]) / 2, (b[1] - a[1]) / 2)
        a, b = p[max(i - 1, 0)], p[min(i + 1, n - 1)]
        k = 1.0 if i in (0, n - 1) else 0.5
        return ((b[0] - a[0]) * k, (b[1] - a[1]) * k)

    def beziers(self) -> list[tuple[Point, Point, Point, Point]]:
        p = self.points
        n = len(p)
        segs = n if self.kind == "closed" else n - 1
        out = []
        for i in range(segs):
            j = (i + 1) % n
            t0, t1 = self._tangent(i), self._tangent(j)
            c1 = (p[i][0] + t0[0] / 3, p[i][1] + t0[1] / 3)
            c2 = (p[j][0] - t1[0] / 3, p[j][1] - t1[1] / 3)
            out.append((p[i], c1, c2, p[j]))
        return out

    def polygon(self, per_segment: int = 10) -> tuple[Point, ...]:
        """Sampled points along the drawn curve (closed shapes: a polygon)."""
        if self.kind == "ellipse":
            (cx, cy), (rx, ry) = self.points
            return tuple(
                (cx + rx * math.cos(2 * math.pi * k / 64), cy + ry * math.sin(2 * math.pi * k / 64))
                for k in range(64)
            )
        pts: list[Point] = []
        for a, b, c, d in self.beziers():
            for k in range(per_segment):
                t = k / per_segment
                u = 1 - t
                pts.append((
                    u**3 * a[0] + 3 * u * u * t * b[0] + 3 * u * t * t * c[0] + t**3 * d[0],
                    u**3 * a[1] + 3 * u * u * t * b[1] + 3 * u * t * t * c[1] + t**3 * d[1],
                ))
        if self.kind == "open":
            pts.append(self.points[-1])
        return tuple(pts)

    def contains(self, x: float, y: float) -> bool:
        if self.kind == "ellipse":
            (cx, cy), (rx, ry) = self.points
            return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0
        inside = False  # even-odd rule: a ray to the right crosses the outline an odd number of times
        for (x1, y1), (x2, y2) in _edges(self):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def path(self, tf: Transform) -> str:
        segs = self.beziers()
        start = tf(segs[0][0])
        parts = [f"M{fmt(start[0])} {fmt(start[1])}"]
        for _, c1, c2, d in segs:
            a, b, e = tf(c1), tf(c2), tf(d)
            parts.append(f"C{fmt(a[0])} {fmt(a[1])} {fmt(b[0])} {fmt(b[1])} {fmt(e[0])} {fmt(e[1])}")
        if self.kind == "closed":
            parts.append("Z")
        return "".join(parts)


@functools.cache
def _edges(shape: Shape) -> tuple[tuple[Point, Point], ...]:
    """The sampled outline's edges, sampled once: a view's outline is tested for each point on it."""
    poly = shape.polygon()
    return tuple(zip(poly, poly[1:] + poly[:1]))


def shape(spec: dict) -> Shape:
    """A shape as a view file writes it: {closed: [[x, y], [x, y, 1]…]} (1: a corner), {open: …}
    or {ellipse: [cx, cy, rx, ry]}."""
    if "ellipse" in spec:
        cx, cy, rx, ry = (float(v) for v in spec["ellipse"])
        return Shape("ellipse", ((cx, cy), (rx, ry)))
    kind = "closed" if "closed" in spec else "open"
    pts = spec[kind]
    return Shape(kind, tuple((float(p[0]), float(p[1])) for p in pts),
                 frozenset(i for i, p in enumerate(pts) if len(p) > 2 and p[2]))
