"""Location diagrams drawn by the project itself, as deterministic SVG.

No artwork is copied from anywhere: every outline below is a handful of
control points smoothed into curves, so the drawings are ours, tiny, crisp at
any phone resolution and byte-identical from run to run (the deck is rebuilt
from source and cached by content, so nondeterminism would churn media).

Each picture has two panels: a small overview of the whole body (or limb) with
the region boxed, and a close-up of that region with named landmarks. Every
view has its own coordinate system (``View.bounds``); a point's (x, y) is
given in the close-up coordinates of its view. A picture is two files of the
same size, one over the other: the view's drawing (``base``), shared by every
point on it, and the point's markers and label (``overlay``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

__all__ = [
    "RENDERER_VERSION",
    "Shape",
    "Landmark",
    "View",
    "VIEWS",
    "base",
    "overlay",
    "inside_body",
    "body_side",
]

# Part of the media cache key: bump whenever the drawing changes.
RENDERER_VERSION = "3"

Point = tuple[float, float]
Transform = Callable[[Point], Point]

# --------------------------------------------------------------------------
# Palette. Chosen to read on white and on night mode, including when the card
# CSS applies ``filter: invert(.9) hue-rotate(180deg)`` (red stays red-ish,
# the light paper turns dark grey, dark lines turn light).
# --------------------------------------------------------------------------
BG = "#f7f5f0"
FRAME = "#cfc7b8"
SKIN = "#ecdfcc"
SKIN_SHADE = "#e0cdb2"
OUTLINE = "#4b4035"
BONE = "#fcfaf4"
BONE_EDGE = "#7a6a56"
HOLE = "#5a4c3e"
TENDON = "#d9b99a"
TENDON_EDGE = "#8a6a50"
FAINT = "#a8998a"
INK = "#1f1f1f"
MUTED = "#5c554c"
LEADER = "#6f675d"
MARKER = "#d7263d"
HALO = "#fffdf8"

# Sizes are in image units. Cards show the image at the full card width, which
# is about 340 CSS px on a phone, so one unit is 0.85 px there: FONT 14 gives
# labels of about 12 px. The image is always 400 wide; its height depends on
# the view (``View.height``), so no view wastes screen on empty space.
FONT = 14.0          # landmark labels
LINE_H = FONT * 1.1   # must match the tspan line step in _text
TITLE_FONT = 14.0
CAPTION_FONT = 11.0  # orientation captions under the close-up
ANSWER_FONT = 15.0   # bold answer label
W = 400.0            # whole image width (viewBox)
TOP = 26.0           # panels start below the title
OV_X, OV_W = 6.0, 60.0     # overview panel (narrow: it only says where on the body)
CU_X, CU_W = 72.0, 322.0   # close-up panel


def _panels(height: float) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """Overview and close-up panels (x, y, w, h) of an image this tall."""
    h = height - TOP - 6.0
    return (OV_X, TOP, OV_W, h), (CU_X, TOP, CU_W, h)


def _f(v: float) -> str:
    """Fixed, locale-free number formatting so output is byte-stable."""
    s = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------
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
        return _point_in_polygon(x, y, _edge_bands(self))

    def path(self, tf: Transform) -> str:
        segs = self.beziers()
        start = tf(segs[0][0])
        parts = [f"M{_f(start[0])} {_f(start[1])}"]
        for _, c1, c2, d in segs:
            a, b, e = tf(c1), tf(c2), tf(d)
            parts.append(f"C{_f(a[0])} {_f(a[1])} {_f(b[0])} {_f(b[1])} {_f(e[0])} {_f(e[1])}")
        if self.kind == "closed":
            parts.append("Z")
        return "".join(parts)


_BANDS = 64


@functools.lru_cache(maxsize=None)
def _edge_bands(shape: Shape) -> tuple[float, float, tuple[tuple[tuple[float, float, float, float], ...], ...]]:
    """The outline's edges sorted into horizontal bands: a point is tested against its band only.

    The torso of the back view has 650 edges; checking 10,000 positions against all of them took
    0.3 s. An edge goes into every band its y range touches, so each edge that crosses a point's
    height is in that point's band: the answer is the same as testing every edge.
    """
    poly = shape.polygon()
    bottom, top = min(y for _, y in poly), max(y for _, y in poly)
    height = (top - bottom) / _BANDS
    bands: list[list[tuple[float, float, float, float]]] = [[] for _ in range(_BANDS + 1)]
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        for band in range(int((min(y1, y2) - bottom) // height), int((max(y1, y2) - bottom) // height) + 1):
            bands[band].append((x1, y1, x2, y2))
    return bottom, height, tuple(map(tuple, bands))


def _point_in_polygon(x: float, y: float, banded: tuple) -> bool:
    """Even-odd rule: a ray to the right crosses the outline an odd number of times from inside."""
    bottom, height, bands = banded
    band = int((y - bottom) // height)  # the same sum as in _edge_bands, so the same band
    if not 0 <= band < len(bands):
        return False
    inside = False
    for x1, y1, x2, y2 in bands[band]:
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def _closed(pts: Sequence[Sequence[float]]) -> Shape:
    """Control points; a third element 1 marks a corner."""
    return Shape(
        "closed",
        tuple((float(p[0]), float(p[1])) for p in pts),
        frozenset(i for i, p in enumerate(pts) if len(p) > 2 and p[2]),
    )


def _open(pts: Sequence[Sequence[float]]) -> Shape:
    return Shape(
        "open",
        tuple((float(p[0]), float(p[1])) for p in pts),
        frozenset(i for i, p in enumerate(pts) if len(p) > 2 and p[2]),
    )


def _ellipse(cx: float, cy: float, rx: float, ry: float) -> Shape:
    return Shape("ellipse", ((float(cx), float(cy)), (float(rx), float(ry))))


def _mirror(pts: Sequence[Sequence[float]], axis: float) -> list[tuple[float, ...]]:
    return [(2 * axis - p[0], *p[1:]) for p in pts]


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
class View:
    """One named close-up with its own coordinates, plus its overview figure."""

    name: str
    title: str
    outline: tuple[Shape, ...]            # body outline (closed shapes)
    landmarks: tuple[Landmark, ...]       # drawn in this order
    bounds: tuple[float, float, float, float]   # close-up window x0, y0, x1, y1
    units_per_cun: float
    midline_x: float | None               # posterior midline, if in view
    limb_side: str | None                 # "right" if the view is one right limb
    orientation: tuple[str, str]          # small captions, bottom-left/right
    label_columns: tuple[float, float]    # widths reserved for labels (image units)
    overview: str                         # key into _FIGURES
    overview_map: tuple[float, float, float]  # s, dx, dy: close-up -> figure
    height: float = 240.0                 # image height (image units; width is always 400)

    def landmark(self, key: str) -> Landmark:
        for lm in self.landmarks:
            if lm.key == key:
                return lm
        raise KeyError(key)

    def outline_polygons(self) -> tuple[tuple[Point, ...], ...]:
        return tuple(s.polygon() for s in self.outline)


# --------------------------------------------------------------------------
# Back of the body. Units: 10 per cun (B-cun: 6 cun between the medial
# borders of the scapulae). Midline x = 120, C7 at y = 20, feet at ~686.
# Seen from behind, so the person's right is the viewer's right (x > 120).
# --------------------------------------------------------------------------
MID = 120.0
_C7 = 20.0
_T = {k: _C7 + 11.0 * k for k in range(1, 13)}          # thoracic spinous processes
_L = {k: _T[12] + 14.0 * k for k in range(1, 6)}         # lumbar
_S_FORAMEN = {1: 236.0, 2: 248.0, 3: 259.0, 4: 269.0}    # posterior sacral foramina
_L_HALF_H = 4.0                                          # half height of a lumbar process

_TORSO_R = [
    (141, -30), (142, 6), (156, 22), (184, 30), (203, 38), (211, 52), (207, 76),
    (199, 98), (191, 132), (184, 172), (187, 206), (195, 246), (198, 284), (193, 330),
    (185, 400), (180, 452), (179, 480), (183, 522), (178, 582), (166, 634), (166, 662),
    (173, 677), (163, 687, 1), (142, 687, 1), (140, 664), (138, 632), (132, 580),
    (129, 522), (131, 480), (130, 452), (127, 400), (124, 345), (120, 330, 1),
]
_TORSO = _closed(_TORSO_R + _mirror(list(reversed(_TORSO_R[:-1])), MID))
_ARM_R = [
    (197, 36), (210, 42), (218, 62), (220, 100), (221, 150), (222, 193), (223, 250),
    (224, 300), (229, 330), (227, 366), (219, 385), (211, 380), (208, 352), (206, 305),
    (204, 250), (201, 193), (199, 150), (197, 112), (195, 82),
]
_ARM_RIGHT = _closed(_ARM_R)
_ARM_LEFT = _closed(list(reversed(_mirror(_ARM_R, MID))))
_HEAD = _ellipse(MID, -52, 33, 44)
_BODY_BACK = (_TORSO, _ARM_RIGHT, _ARM_LEFT, _HEAD)

_SCAPULA_R = [
    (148, 36, 1), (150, 54), (151, 76), (156, 99, 1), (168, 86), (182, 68), (192, 54),
    (198, 47, 1), (188, 42), (168, 40),
]
_SCAP_SPINE_R = [
    (150, 53, 1), (175, 46), (198, 39), (208, 37), (211, 41), (204, 45), (186, 50),
    (168, 54), (151, 58, 1),
]
_RIB12_R = [(126, 154), (142, 158), (158, 167), (172, 178)]
_CREST_R = [(145, 246), (150, 231), (160, 216), (172, 208), (184, 210), (194, 222)]
_GLUTE_R = [
    (144, 246), (150, 230), (160, 216), (172, 208), (184, 210), (194, 222), (199, 260),
    (198, 296), (189, 318), (160, 324), (128, 318), (121, 305), (122, 288), (134, 272),
    (141, 256),
]
_SACRUM = [
    (96, 228, 1), (144, 228, 1), (142, 248), (134, 270), (122, 285, 1), (118, 285, 1),
    (106, 270), (98, 248),
]
_GLUTE_FOLD_R = [(122, 314), (140, 321), (165, 323), (187, 317)]


def _back_landmarks() -> tuple[Landmark, ...]:
    lms: list[Landmark] = []
    for side, flip in (("right", False), ("left", True)):
        def m(pts: list) -> list:
            return _mirror(pts, MID) if flip else pts
        lab = flip  # labels go on the person's left (viewer's left) side
        lms.append(Landmark(f"gluteal-{side}", _closed(m(_GLUTE_R)), "shade",
                            "buttock\n(gluteal region)" if lab else "", (84.0, 282.0), "left"))
    lms.append(Landmark("midline", _open([(MID, 10), (MID, 228)]), "faint"))
    for side, flip in (("right", False), ("left", True)):
        def m(pts: list) -> list:
            return _mirror(pts, MID) if flip else pts
        lab = flip
        lms.append(Landmark(f"scapula-{side}", _closed(m(_SCAPULA_R)), "bone",
                            "scapula\n(shoulder blade)" if lab else "", (74.0, 74.0)))
        lms.append(Landmark(f"scapular-spine-{side}", _closed(m(_SCAP_SPINE_R)), "bone-dark",
                            "spine of scapula" if lab else "", (58.0, 48.0)))
        lms.append(Landmark(f"inferior-angle-{side}",
                            _ellipse(2 * MID - 156 if flip else 156, 99, 0.01, 0.01), "none",
                            "inferior angle" if lab else "", (84.0, 99.0)))
        lms.append(Landmark(f"rib12-{side}", _open(m(_RIB12_R)), "band",
                            "12th (lowest) rib" if lab else "", (68.0, 178.0)))
        lms.append(Landmark(f"iliac-crest-{side}", _open(m(_CREST_R)), "band",
                            "iliac crest (L4)" if lab else "", (62.0, 211.0)))
        lms.append(Landmark(f"gluteal-fold-{side}", _open(m(_GLUTE_FOLD_R)), "line"))
    lms.append(Landmark("sacrum", _closed(_SACRUM), "bone", "sacrum", (101.0, 236.0)))
    lms.append(Landmark("median-sacral-crest", _open([(MID, 230), (MID, 276)]), "crest",
                        "median sacral crest", (MID - 1, 264.0)))
    for k, y in _S_FORAMEN.items():
        dx = 12.0 - k
        for side, sx in (("right", 1), ("left", -1)):
            label = "S2 sacral foramen" if (k == 2 and side == "left") else ""
            lms.append(Landmark(f"foramen-S{k}-{side}", _ellipse(MID + sx * dx, y, 2.4, 3.0),
                                "hole", label, (MID - dx - 2.2, y) if label else None))
    lms.append(Landmark("coccyx", _closed([(117, 286), (123, 286), (120, 297, 1)]), "bone"))
    lms.append(Landmark("gluteal-cleft", _open([(MID, 288), (MID, 302), (MID, 317)]), "line"))
    lms.append(Landmark("C7", _ellipse(MID, _C7, 4.2, 3.6), "bone"))
    for k, y in _T.items():
        lms.append(Landmark(f"T{k}", _ellipse(MID, y, 3.2, 2.9), "bone"))
    for k, y in _L.items():
        label = "L2 spinous process" if k == 2 else ""
        lms.append(Landmark(f"L{k}", _ellipse(MID, y, 4.6, _L_HALF_H), "bone", label,
                            (MID - 5.0, y) if label else None))
    return tuple(lms)


def _si11() -> Point:
    """WHO: 1/3 of the way from the scapular spine's midpoint to the inferior angle."""
    spine = [p[:2] for p in _SCAP_SPINE_R]
    medial = min(spine)
    lateral = max(spine)
    mid = ((medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2)
    inf = (156.0, 99.0)
    return (mid[0] + (inf[0] - mid[0]) / 3, mid[1] + (inf[1] - mid[1]) / 3)


# --------------------------------------------------------------------------
# Back of the right knee. Units: 10 per cm (about 20 per cun); leg centre
# x = 100, popliteal crease at y = 100. Lateral side (biceps femoris) is the
# viewer's right.
# --------------------------------------------------------------------------
_KNEE_LEG = _closed([
    (34, -30), (42, 30), (50, 80), (52, 104), (47, 140), (45, 180), (49, 230),
    (153, 230), (157, 180), (155, 140), (150, 104), (152, 80), (160, 30), (168, -30),
])
_SEMITEND = [(80, -20), (74, 30), (68, 70), (64, 100), (61, 118), (56, 134)]
_BICEPS = [(122, -20), (128, 30), (133, 70), (136, 100), (139, 114), (142, 120)]


def _knee_landmarks() -> tuple[Landmark, ...]:
    return (
        Landmark("fossa", _closed([(100, 50, 1), (124, 82), (118, 120), (100, 146, 1), (82, 120), (76, 82)]),
                 "shade"),
        Landmark("gastrocnemius-medial", _open([(70, 112), (82, 150), (97, 190)]), "faint"),
        Landmark("gastrocnemius-lateral", _open([(130, 112), (118, 150), (103, 190)]), "faint"),
        Landmark("fibular-head", _ellipse(144, 124, 6.5, 5.5), "bone", "head of fibula",
                 (149.0, 127.0), "right"),
        Landmark("semitendinosus", _open(_SEMITEND), "tendon",
                 "semitendinosus\ntendon (medial)", (72.0, 40.0), "left"),
        Landmark("biceps-femoris", _open(_BICEPS), "tendon",
                 "biceps femoris\ntendon (lateral)", (128.0, 40.0), "right"),
        Landmark("popliteal-crease", _open([(56, 97), (78, 99.5), (100, 100), (122, 99.5), (146, 97)]),
                 "crease", "popliteal\n(knee) crease", (60.0, 97.5), "left"),
    )


# --------------------------------------------------------------------------
# Right ankle, outer side. Units: 10 per cm; the person faces the viewer's
# right, so the heel and Achilles tendon are on the left.
# --------------------------------------------------------------------------
_MALL = (146.0, 118.0, 13.0, 17.0)   # lateral malleolus ellipse
_ANKLE_LEG = _closed([
    (70, -30), (86, 30), (98, 70), (104, 100), (103, 130), (96, 150), (87, 166), (85, 181),
    (95, 191, 1), (200, 191), (330, 191, 1), (330, 158, 1), (262, 150), (226, 137),
    (202, 118), (191, 96), (188, 60), (190, 20), (193, -30, 1),
])
_ACHILLES_FRONT = [(97, 12), (108, 60), (114, 100), (113, 132), (106, 158)]
_ACHILLES_BACK = [(99, 158), (100, 132), (102, 100), (96, 70), (85, 24), (82, 12)]


def _ankle_landmarks() -> tuple[Landmark, ...]:
    cx, cy, rx, ry = _MALL
    return (
        Landmark("fibula", _closed([(134, -30), (146, -30), (151, 104), (140, 104)]), "faint-bone"),
        Landmark("achilles", _closed(_ACHILLES_FRONT + _ACHILLES_BACK), "tendon-area",
                 "Achilles tendon", (103.0, 55.0), "left"),
        Landmark("heel", _open([(96, 150), (87, 166), (85, 181), (95, 191)]), "none",
                 "heel (calcaneus)", (86.0, 174.0), "left"),
        Landmark("lateral-malleolus", _ellipse(cx, cy, rx, ry), "bone",
                 "lateral malleolus\n(outer ankle bone)", (cx + 6.5, cy + 14.7), "right",
                 label_at=(148.0, 154.0)),   # on the foot, below and in front of the bone
        Landmark("floor", _open([(60, 193), (340, 193)]), "faint"),
    )


# --------------------------------------------------------------------------
# Overview figures (own units; each view maps its close-up into them).
# --------------------------------------------------------------------------
_LEG_LATERAL = _closed([
    (40, 230, 1), (-44, 230, 1), (-56, 266), (-59, 300), (-51, 326), (-41, 362), (-34, 420),
    (-27, 462), (-33, 500), (-40, 532), (-34, 582), (-24, 620), (-21, 645), (-27, 664),
    (-29, 676), (-20, 681, 1), (40, 681), (82, 681), (91, 676), (85, 668), (52, 660),
    (26, 650), (18, 635), (15, 600), (18, 540), (22, 492), (31, 472), (31, 448), (37, 380),
    (43, 300),
])

_FIGURES: Mapping[str, tuple[tuple[Shape, ...], tuple[float, float, float, float]]] = {
    "body-back": (_BODY_BACK, (-8.0, -100.0, 248.0, 690.0)),
    "leg-lateral": ((_LEG_LATERAL,), (-66.0, 224.0, 98.0, 688.0)),
}


# --------------------------------------------------------------------------
# The views
# --------------------------------------------------------------------------
VIEWS: Mapping[str, View] = MappingProxyType({
    "back": View(
        name="back",
        title="Back of the body, seen from behind",
        outline=_BODY_BACK,
        landmarks=_back_landmarks(),
        bounds=(22.0, 2.0, 218.0, 326.0),
        units_per_cun=10.0,
        midline_x=MID,
        limb_side=None,
        orientation=("left", "right"),
        label_columns=(140.0, 28.0),
        overview="body-back",
        overview_map=(1.0, 0.0, 0.0),
        height=300.0,
    ),
    "knee-back": View(
        name="knee-back",
        title="Back of the right knee",
        outline=(_KNEE_LEG,),
        landmarks=_knee_landmarks(),
        bounds=(36.0, 0.0, 164.0, 200.0),
        units_per_cun=20.0,
        midline_x=None,
        limb_side="right",
        orientation=("inner side", "outer side"),
        label_columns=(110.0, 104.0),
        overview="body-back",
        overview_map=(0.49, 155.0 - 49.0, 470.0 - 49.0),
        height=216.0,
    ),
    "ankle-lateral": View(
        name="ankle-lateral",
        title="Right ankle, outer side",
        outline=(_ANKLE_LEG,),
        landmarks=_ankle_landmarks(),
        bounds=(56.0, 0.0, 276.0, 200.0),
        units_per_cun=22.0,
        midline_x=None,
        limb_side="right",
        orientation=("\u2190 back (heel)", "front (toes) \u2192"),
        label_columns=(115.0, 0.0),
        overview="leg-lateral",
        overview_map=(0.4545, -2.0 - 146.0 * 0.4545, 647.0 - 118.0 * 0.4545),
        height=234.0,
    ),
})


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------
def inside_body(view: str, x: float, y: float) -> bool:
    """True if (x, y) lies inside the view's body outline (a marker off the body is a data bug)."""
    v = VIEWS[view]
    return any(s.contains(x, y) for s in v.outline)


def body_side(view: str, x: float, y: float) -> str:
    """The PERSON's side ("right", "left" or "midline"), so data can be checked for laterality."""
    v = VIEWS[view]
    if v.midline_x is None:
        if v.limb_side is None:  # pragma: no cover - every view has one or the other
            raise ValueError(f"view {view!r} has no side")
        return v.limb_side
    tol = 0.25 * v.units_per_cun
    if abs(x - v.midline_x) <= tol:
        return "midline"
    # Back views are seen from behind: the person's right is the viewer's right.
    return "right" if x > v.midline_x else "left"


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------
def _fit(bounds: tuple[float, float, float, float],
         box: tuple[float, float, float, float]) -> tuple[float, float, float]:
    x0, y0, x1, y1 = bounds
    bx, by, bw, bh = box
    s = min(bw / (x1 - x0), bh / (y1 - y0))
    dx = bx + (bw - (x1 - x0) * s) / 2 - x0 * s
    dy = by + (bh - (y1 - y0) * s) / 2 - y0 * s
    return s, dx, dy


def _tf(s: float, dx: float, dy: float) -> Transform:
    return lambda p: (p[0] * s + dx, p[1] * s + dy)


def _shape_el(shape: Shape, tf: Transform, s: float, attrs: str) -> str:
    if shape.kind == "ellipse":
        (cx, cy), (rx, ry) = shape.points
        c = tf((cx, cy))
        return (f'<ellipse cx="{_f(c[0])}" cy="{_f(c[1])}" rx="{_f(rx * s)}" '
                f'ry="{_f(ry * s)}" {attrs}/>')
    return f'<path d="{shape.path(tf)}" {attrs}/>'


def _silhouette(shapes: Sequence[Shape], tf: Transform, s: float, width: float) -> list[str]:
    """Union outline of overlapping shapes: fat strokes first, fills on top."""
    out = [_shape_el(sh, tf, s, f'fill="{OUTLINE}" stroke="{OUTLINE}" stroke-width="{_f(width * 2)}" '
                                'stroke-linejoin="round"') for sh in shapes]
    out += [_shape_el(sh, tf, s, f'fill="{SKIN}"') for sh in shapes]
    return out


_STYLES: Mapping[str, Sequence[str]] = {
    "shade": (f'fill="{SKIN_SHADE}"',),
    "faint": (f'fill="none" stroke="{FAINT}" stroke-width="0.9" stroke-linecap="round"',),
    "line": (f'fill="none" stroke="{OUTLINE}" stroke-width="1" stroke-linecap="round"',),
    "crease": (f'fill="none" stroke="{OUTLINE}" stroke-width="1.8" stroke-linecap="round"',),
    "bone": (f'fill="{BONE}" stroke="{BONE_EDGE}" stroke-width="0.9"',),
    "bone-dark": (f'fill="#e9e1d2" stroke="{BONE_EDGE}" stroke-width="0.9"',),
    "faint-bone": (f'fill="#efe6d8" stroke="{FAINT}" stroke-width="0.7"',),
    "band": (
        f'fill="none" stroke="{BONE_EDGE}" stroke-width="3.6" stroke-linecap="round"',
        f'fill="none" stroke="{BONE}" stroke-width="1.9" stroke-linecap="round"',
    ),
    "crest": (f'fill="none" stroke="{BONE_EDGE}" stroke-width="2.2" stroke-linecap="round" '
              'stroke-dasharray="3 2"',),
    "tendon": (
        f'fill="none" stroke="{TENDON_EDGE}" stroke-width="6.5" stroke-linecap="round"',
        f'fill="none" stroke="{TENDON}" stroke-width="4.7" stroke-linecap="round"',
    ),
    "tendon-area": (f'fill="{TENDON}" stroke="{TENDON_EDGE}" stroke-width="0.9"',),
    "hole": (f'fill="{HOLE}"',),
    "none": (),
}


# Approximate Helvetica/Arial advance widths (1/1000 em), regular and bold;
# only used to keep labels inside the image and off each other.
_NARROW = {" ": (278, 278), ".": (278, 278), ",": (278, 278), "(": (333, 333), ")": (333, 333),
           "i": (222, 278), "l": (222, 278), "j": (222, 278), "t": (278, 333), "f": (278, 333),
           "r": (333, 389), "I": (278, 278), "-": (333, 333), "'": (191, 238)}
_WIDE = {"m": (833, 889), "w": (722, 778), "M": (833, 833), "W": (944, 944)}


def _text_w(text: str, size: float, bold: bool = False) -> float:
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


def _text(x: float, y: float, lines: Sequence[str], anchor: str, size: float = FONT,
          fill: str = INK, extra: str = "") -> str:
    attrs = (f'x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" fill="{fill}" '
             f'text-anchor="{anchor}"{extra}')
    if len(lines) == 1:
        return f"<text {attrs}>{_esc(lines[0])}</text>"
    spans = "".join(
        f'<tspan x="{_f(x)}" dy="{_f(0 if i == 0 else size * 1.1)}">{_esc(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return f"<text {attrs}>{spans}</text>"


def _layout_column(items: list[tuple[float, int]], top: float, bottom: float) -> list[float]:
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


def _marker(x: float, y: float, big: bool) -> list[str]:
    """Filled dot + white gap + dark ring (+ ticks when big): readable without colour."""
    r_in, r_out, sw = (3.6, 6.6, 1.6) if big else (2.6, 4.6, 1.2)
    out = [
        f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r_out)}" fill="{HALO}" fill-opacity="0.9" '
        f'stroke="{INK}" stroke-width="{_f(sw)}"/>',
        f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r_in)}" fill="{MARKER}"/>',
    ]
    if big:
        ticks = []
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            ticks.append(f"M{_f(x + dx * 8.6)} {_f(y + dy * 8.6)}L{_f(x + dx * 12)} {_f(y + dy * 12)}")
        out.append(f'<path d="{"".join(ticks)}" stroke="{INK}" stroke-width="1.5" '
                   'stroke-linecap="round"/>')
    return out


def _seg_hits_box(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
    """Does segment a-b cross the rectangle? (sampled; leaders are short)."""
    x, y, w, h = box
    for k in range(21):
        t = k / 20
        px, py = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        if x <= px <= x + w and y <= py <= y + h:
            return True
    return False


def _answer_box(mx: float, my: float, text: str, boxes: Sequence[tuple[float, float, float, float]],
                leaders: Sequence[tuple[Point, Point]], ink: Sequence[Sequence[Point]],
                panel: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Place the answer label near the marker, hiding as few named landmarks as possible."""
    size = ANSWER_FONT
    w = _text_w(text, size, bold=True) + 10
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
    best: tuple[float, int] | None = None
    placed = []
    for i, (x, y) in enumerate(candidates):
        x = min(max(x, cx + 1), cx + cw - w - 1)
        y = min(max(y, cy + 1), cy + ch - h - 1)
        placed.append((x, y))
        box = (x, y, w, h)
        cost = 1.5 if i >= far else 0.0
        # never cover the marker or its ticks
        nx, ny = min(max(mx, x), x + w), min(max(my, y), y + h)
        if math.hypot(nx - mx, ny - my) < 13:
            cost += 10000
        for ax, ay, aw, ah in boxes:
            if x < ax + aw and ax < x + w and y < ay + ah and ay < y + h:
                cost += 1000
        cost += 300 * sum(_seg_hits_box(a, b, box) for a, b in leaders)
        for pts in ink:   # each drawn structure: how much of it would be hidden
            hidden = sum(1 for px, py in pts if x <= px <= x + w and y <= py <= y + h)
            if hidden:
                cost += 2 + 10 * hidden / len(pts)
        if best is None or cost < best[0]:
            best = (cost, i)
    x, y = placed[best[1]] if best else placed[0]
    return (x, y, w, h)


@dataclass(frozen=True)
class _Layout:
    """What every picture of one view shares: the drawing, and where its parts are."""

    height: float
    drawing: tuple[str, ...]                  # SVG elements of the picture without any point
    overview: Transform                       # close-up coordinates -> overview panel
    closeup: Transform                        # close-up coordinates -> close-up panel
    label_boxes: tuple[tuple[float, float, float, float], ...]
    leaders: tuple[tuple[Point, Point], ...]
    ink: tuple[tuple[Point, ...], ...]        # drawn structures an answer label should not hide
    panel: tuple[float, float, float, float]  # the close-up panel


@functools.cache
def _layout(view: str) -> _Layout:
    v = VIEWS[view]
    H = v.height
    OV, CU = _panels(H)

    out: list[str] = [
        f'<rect x="0.5" y="0.5" width="{_f(W - 1)}" height="{_f(H - 1)}" rx="9" fill="{BG}" '
        f'stroke="{FRAME}"/>',
        _text(9, 19, [v.title], "start", TITLE_FONT, INK, ' font-weight="bold"'),
        f'<path d="M{_f(CU[0] - 5)} {_f(CU[1] + 4)}V{_f(CU[1] + CU[3] - 4)}" stroke="{FRAME}"/>',
    ]

    # Overview panel: whole figure and the region boxed.
    shapes, fbounds = _FIGURES[v.overview]
    s, dx, dy = _fit(fbounds, (OV[0] + 3, OV[1] + 3, OV[2] - 6, OV[3] - 6))
    otf = _tf(s, dx, dy)
    out += _silhouette(shapes, otf, s, 0.9)
    ms, mdx, mdy = v.overview_map
    to_fig = _tf(ms, mdx, mdy)
    bx0, by0 = otf(to_fig((v.bounds[0], v.bounds[1])))
    bx1, by1 = otf(to_fig((v.bounds[2], v.bounds[3])))
    bx0, by0 = max(bx0, OV[0] + 1), max(by0, OV[1] + 1)
    bx1, by1 = min(bx1, OV[0] + OV[2] - 1), min(by1, OV[1] + OV[3] - 1)
    out.append(f'<rect x="{_f(bx0)}" y="{_f(by0)}" width="{_f(bx1 - bx0)}" height="{_f(by1 - by0)}" '
               f'fill="none" stroke="{INK}" stroke-width="1" stroke-dasharray="3 2"/>')

    # Close-up panel: window scaled into the space left by the label columns.
    lw, rw = v.label_columns
    area = (CU[0] + lw, CU[1], CU[2] - lw - rw, CU[3] - CAPTION_FONT - 4)
    s, dx, dy = _fit(v.bounds, area)
    tf = _tf(s, dx, dy)
    wx0, wy0 = tf((v.bounds[0], v.bounds[1]))
    wx1, wy1 = tf((v.bounds[2], v.bounds[3]))
    out.append(f'<defs><clipPath id="closeup"><rect x="{_f(wx0)}" y="{_f(wy0)}" '
               f'width="{_f(wx1 - wx0)}" height="{_f(wy1 - wy0)}" rx="4"/></clipPath></defs>')
    out.append('<g clip-path="url(#closeup)">')
    out += _silhouette(v.outline, tf, s, 1.1)
    for lm in v.landmarks:
        for attrs in _STYLES[lm.style]:
            out.append(_shape_el(lm.shape, tf, s, attrs))
    out.append("</g>")
    cap_y = wy1 + CAPTION_FONT + 1
    out.append(_text(wx0 + 2, cap_y, [v.orientation[0]], "start", CAPTION_FONT, MUTED,
                     ' font-style="italic"'))
    out.append(_text(wx1 - 2, cap_y, [v.orientation[1]], "end", CAPTION_FONT, MUTED,
                     ' font-style="italic"'))

    # Landmark labels in columns with leader lines.
    label_boxes: list[tuple[float, float, float, float]] = []
    leaders: list[tuple[Point, Point]] = []
    for side in ("left", "right"):
        lms = [lm for lm in v.landmarks
               if lm.label and lm.anchor is not None and lm.side == side and lm.label_at is None]
        lms.sort(key=lambda lm: (tf(lm.anchor)[1], lm.key))  # type: ignore[arg-type]
        if not lms:
            continue
        items = [(tf(lm.anchor)[1], len(lm.label.split("\n"))) for lm in lms]  # type: ignore[arg-type]
        tops = _layout_column(items, CU[1] + 2, CU[1] + CU[3] - 2)
        for lm, top in zip(lms, tops):
            lines = lm.label.split("\n")
            ax, ay = tf(lm.anchor)  # type: ignore[arg-type]
            tw = max(_text_w(t, FONT) for t in lines)
            h = len(lines) * LINE_H
            if side == "left":
                tx = wx0 - 4
                anchor, lx = "end", tx + 2
                label_boxes.append((tx - tw, top, tw, h))
            else:
                tx = wx1 + 4
                anchor, lx = "start", tx - 2
                label_boxes.append((tx, top, tw, h))
            ly = top + h / 2
            leaders.append(((lx, ly), (ax, ay)))
            out.append(f'<path d="M{_f(lx)} {_f(ly)}L{_f(ax)} {_f(ay)}" stroke="{LEADER}" '
                       'stroke-width="0.8" fill="none"/>')
            out.append(f'<circle cx="{_f(ax)}" cy="{_f(ay)}" r="1.6" fill="{INK}"/>')
            out.append(_text(tx, top + FONT * 0.8, lines, anchor))

    for lm in v.landmarks:
        if lm.label and lm.anchor is not None and lm.label_at is not None:
            lines = lm.label.split("\n")
            tx, top = tf(lm.label_at)
            ax, ay = tf(lm.anchor)
            h = len(lines) * LINE_H
            tw = max(_text_w(t, FONT) for t in lines)
            tx = min(tx, wx1 - tw - 2)   # never past the close-up window
            label_boxes.append((tx, top, tw, h))
            lx, ly = tx + 6, (top - 1 if ay < top else top + h + 1)
            leaders.append(((lx, ly), (ax, ay)))
            out.append(f'<path d="M{_f(lx)} {_f(ly)}L{_f(ax)} {_f(ay)}" '
                       f'stroke="{LEADER}" stroke-width="0.8" fill="none"/>')
            out.append(f'<circle cx="{_f(ax)}" cy="{_f(ay)}" r="1.6" fill="{INK}"/>')
            out.append(_text(tx, top + FONT * 0.8, lines, "start", FONT, INK,
                             f' stroke="{BG}" stroke-width="3" stroke-linejoin="round" '
                             'paint-order="stroke"'))

    ink = tuple(tuple(tf(p) for p in lm.shape.polygon(4)) for lm in v.landmarks
                if lm.style not in ("shade", "none", "faint"))
    return _Layout(H, tuple(out), lambda p: otf(to_fig(p)), tf, tuple(label_boxes), tuple(leaders), ink, CU)


def _svg(height: float, elements: Sequence[str]) -> bytes:
    return ("\n".join([
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {_f(W)} {_f(height)}" width="{_f(W)}" height="{_f(height)}" '
        'preserveAspectRatio="xMidYMid meet" font-family="sans-serif">',
        *elements, "</svg>"]) + "\n").encode("utf-8")


def base(view: str) -> bytes:
    """SVG bytes (UTF-8) of the view with no point on it: the body, its landmarks and their names.

    Cards show it under an `overlay` of the same size, so a deck holds each view's drawing once.
    """
    layout = _layout(view)
    return _svg(layout.height, layout.drawing)


def overlay(view: str, x: float, y: float, *, label: str | None = None) -> bytes:
    """SVG bytes (UTF-8), transparent but for the point: its markers in both panels and, with a
    label ('BL60 Kunlun', answer side), that label beside the close-up marker. label=None is the
    question side: NO text naming the point."""
    layout = _layout(view)
    x, y = float(x), float(y)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("marker position must be finite")
    out = _marker(*layout.overview((x, y)), big=False)
    mx, my = layout.closeup((x, y))
    out += _marker(mx, my, big=True)
    if label is not None:
        bx, by, bw, bh = _answer_box(mx, my, label, layout.label_boxes, layout.leaders, layout.ink,
                                     layout.panel)
        nx, ny = min(max(mx, bx), bx + bw), min(max(my, by), by + bh)
        gap = math.hypot(nx - mx, ny - my)
        if gap > 16:   # far from the marker: tie the label to it
            ex, ey = mx + (nx - mx) * 8 / gap, my + (ny - my) * 8 / gap
            out.append(f'<path d="M{_f(nx)} {_f(ny)}L{_f(ex)} {_f(ey)}" stroke="{INK}" '
                       'stroke-width="1.2"/>')
        out.append(f'<rect x="{_f(bx)}" y="{_f(by)}" width="{_f(bw)}" height="{_f(bh)}" rx="3" '
                   f'fill="{HALO}" stroke="{INK}" stroke-width="1"/>')
        out.append(_text(bx + 5, by + bh - 6, [label], "start", ANSWER_FONT, INK,
                         ' font-weight="bold"'))
    return _svg(layout.height, out)


# Positions of the five points (view, x, y), kept here for the report/tests only.
_BL23 = ("back", MID + 15.0, _L[2] + _L_HALF_H)
_BL53 = ("back", MID + 30.0, _S_FORAMEN[2])
_SI11 = ("back", round(_si11()[0], 1), round(_si11()[1], 1))
_BL40 = ("knee-back", 100.0, 100.0)
_BL60 = ("ankle-lateral", (114.0 + _MALL[0] - _MALL[2]) / 2, _MALL[1])


def quiz_boxes(view: str, points: Sequence[tuple[float, float, str]]) -> list[tuple[float, float, float, float]]:
    """Where `quiz` puts each point's tag: (left, top, width, height) in the picture's units."""
    layout = _layout(view)
    boxes = []
    for x, y, label in points:
        mx, my = layout.closeup((float(x), float(y)))
        w, h = _text_w(label, ANSWER_FONT, bold=True) + 10, ANSWER_FONT + 8
        boxes.append((min(max(mx - w / 2, 1), W - w - 1), min(max(my - h / 2, 1), layout.height - h - 1), w, h))
    return boxes


def quiz_size(view: str) -> tuple[float, float]:
    return W, _layout(view).height


def quiz(view: str, points: Sequence[tuple[float, float, str]]) -> bytes:
    """The view with every point's code in a tag at its place: the picture of Anki's image
    occlusion, whose masks are the tags (`quiz_boxes`)."""
    layout = _layout(view)
    out = list(layout.drawing)
    for (bx, by, w, h), (_, _, label) in zip(quiz_boxes(view, points), points):
        out.append(f'<rect x="{_f(bx)}" y="{_f(by)}" width="{_f(w)}" height="{_f(h)}" rx="3" '
                   f'fill="{HALO}" stroke="{MARKER}" stroke-width="1.5"/>')
        out.append(_text(bx + 5, by + h - 6, [label], "start", ANSWER_FONT, INK, ' font-weight="bold"'))
    return _svg(layout.height, out)
