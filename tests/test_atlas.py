"""The atlas puts each point where WHO 2008 says, from its landmarks and proportional cun, and
question-side pictures cannot give the answer away.

A card shows a view's drawing (atlas.base) with the point's overlay (atlas.overlay) stacked on
it; `render` below puts the two into one SVG, which is the picture a learner sees. The positions
of the shipped points come from the data files, placed as a data editor places them.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from deckbuilder import atlas
from deckbuilder.atlas import VIEWS, Position, base, inside_body, overlay, place
from deckbuilder.atlas import svg as drawing_module
from deckbuilder.atlas.labels import text_w

from deckbuilder.media import closeups

from .conftest import shipped_codes

ROOT = Path(__file__).resolve().parent.parent
CODES = shipped_codes()
CODE_RE = re.compile(r"\b(BL|SI|UB)\s?\d+")
NAMES = ("Kunlun", "Tianzong", "Shenshu", "Weizhong", "Baohuang",
         "Celestial", "Kidney", "Crook", "Vitals")
SVG_NS = "{http://www.w3.org/2000/svg}"
MIDLINE = VIEWS["back"].landmarks["C7-spinous-process"][0]


def render(view: str, x: float, y: float, *, label: str | None = None, window: atlas.Window = None,
           measured: tuple = (None, None)) -> bytes:
    """The drawing with the overlay on top, as one SVG document (`measured`: the landmark the point
    is measured from and the measure's text)."""
    drawing = base(view, window=window).decode("utf-8").splitlines()
    marker = overlay(view, Position(view, x, y, *measured), label=label, window=window).decode("utf-8").splitlines()
    return "\n".join(drawing[:-1] + marker[1:]).encode("utf-8")


def landmark(view: str, key: str):
    (found,) = [lm for lm in VIEWS[view].drawing if lm.key == key]
    return found


def _texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [" ".join(el.itertext()) if el.findall(f"{SVG_NS}tspan") else el.text or ""
            for el in root.iter(f"{SVG_NS}text")]


def _crossings_x(poly, y: float) -> list[float]:
    """x where a horizontal line at y crosses a sampled (open or closed) curve."""
    xs = []
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 - y) * (y2 - y) <= 0 and y1 != y2:
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return sorted(xs)


def _open_curve_x_at(shape, y: float) -> float:
    pts = list(shape.polygon())
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        if (y1 - y) * (y2 - y) <= 0 and y1 != y2:
            return x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    raise AssertionError(f"curve does not reach y={y}")


def _open_curve_y_at(shape, x: float) -> float:
    pts = list(shape.polygon())
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        if (x1 - x) * (x2 - x) <= 0 and x1 != x2:
            return y1 + (x - x1) * (y2 - y1) / (x2 - x1)
    raise AssertionError(f"curve does not reach x={x}")


@pytest.fixture(scope="module")
def points(shipped_deck) -> dict[str, tuple[str, float, float]]:
    """(view, x, y) of the shipped points, as validation placed them from the data."""
    return {p.code: (p.diagram.view, p.diagram.x, p.diagram.y) for p in shipped_deck.dataset.points}


@pytest.fixture(scope="module")
def labels(shipped_deck) -> dict[str, str]:
    return {p.code: f"{p.code} {p.pinyin}" for p in shipped_deck.dataset.points}


@pytest.fixture(scope="module")
def shown(shipped_deck) -> dict[str, tuple]:
    """The zoomed window each point's location cards show (None: the whole view), and the landmark
    it is measured from with the measure's text."""
    found = closeups(shipped_deck.dataset.points)
    return {p.code: (found[p.id].window, (p.diagram.origin, p.diagram.measure)) for p in shipped_deck.dataset.points}


def a_point_on(view: str) -> tuple[float, float]:
    """A position on `view` for the renderer's properties, which hold for every point of a view
    alike: the first of the view's WHO placements (every view has three)."""
    spot = next(place(v, spec) for _, v, spec, _ in WHO_PLACEMENTS if v == view)
    return spot.x, spot.y


# ---------------------------------------------------------------- placement
@pytest.mark.parametrize("code", CODES)
def test_marker_inside_body_outline(code, points):
    view, x, y = points[code]
    assert inside_body(view, x, y)
    b = VIEWS[view].bounds
    assert b[0] < x < b[2] and b[1] < y < b[3], "marker must be inside the close-up window"


# ---------------------------------------------------------------- placed by anatomy
def _scapular_cun() -> float:
    """Back-view units per cun, measured on the drawing: 6 cun between the scapulae's medial borders."""
    root_y = min(landmark("back", "scapular-spine-right").shape.polygon())[1]
    right = min(_crossings_x(list(landmark("back", "scapula-right").shape.polygon()), root_y))
    left = max(_crossings_x(list(landmark("back", "scapula-left").shape.polygon()), root_y))
    return (right - left) / 6


def _ellipse(view: str, key: str) -> tuple[float, float, float, float]:
    (cx, cy), (rx, ry) = landmark(view, key).shape.points
    return cx, cy, rx, ry


def _expected_back(spinous: str | None, foramen: str | None, lateral_cun: float) -> tuple[float, float]:
    """WHO wording on the back: level with a spinous process's lower border (or a sacral foramen),
    so many cun lateral to the posterior midline; both found on the drawing itself."""
    if spinous:
        _, cy, _, ry = _ellipse("back", spinous)
        level = cy + ry
    else:
        _, level, _, _ = _ellipse("back", foramen)
    crest_x = landmark("back", "median-sacral-crest").shape.points[0][0]
    return crest_x + lateral_cun * _scapular_cun(), level


def _expected_knee(cun_below: float) -> tuple[float, float]:
    """On the back of the knee: midway between the tendons at the popliteal crease, or so many cun
    below it between the heads of gastrocnemius (16 cun from the crease to the malleolus)."""
    crease_y = _open_curve_y_at(landmark("knee-back", "popliteal-crease").shape, 100)
    medial = _open_curve_x_at(landmark("knee-back", "semitendinosus").shape, crease_y)
    lateral = _open_curve_x_at(landmark("knee-back", "biceps-femoris").shape, crease_y)
    return (medial + lateral) / 2, crease_y + cun_below * VIEWS["knee-back"].units_per_cun("y")


def _expected_ankle(cun_above: float) -> tuple[float, float]:
    """Behind the outer ankle: midway between the prominence of the lateral malleolus and the
    Achilles tendon, and so many cun above that point (16 cun from the malleolus to the knee)."""
    cx, cy, _, _ = _ellipse("ankle-lateral", "lateral-malleolus")
    y = cy - cun_above * VIEWS["ankle-lateral"].units_per_cun("y")
    achilles_front = max(_crossings_x(list(landmark("ankle-lateral", "achilles").shape.polygon()), cy))
    return (cx + achilles_front) / 2, y


def _expected_arm_wrist(cun_above: float, view: str = "arm-front") -> tuple[float, float]:
    """On the palm side of the forearm: just on the thumb side of the flexor carpi ulnaris tendon,
    so many cun above the wrist crease (12 cun from the elbow crease to the wrist crease)."""
    crease_y = _open_curve_y_at(landmark(view, "wrist-crease").shape, VIEWS[view].landmarks["wrist-crease-ulnar"][0])
    y = crease_y - cun_above * VIEWS[view].units_per_cun("y")
    tendon = landmark(view, "flexor-carpi-ulnaris").shape
    return _open_curve_x_at(tendon, min(y, tendon.points[-1][1] - 0.1)) - 0.3 * VIEWS[view].units_per_cun("x"), y


def _expected_between_tendons(cun_above: float) -> tuple[float, float]:
    """Between the palmaris longus and flexor carpi radialis tendons, so many cun above the crease."""
    crease_y = _open_curve_y_at(landmark("wrist-palm", "wrist-crease").shape,
                                VIEWS["wrist-palm"].landmarks["wrist-crease-middle"][0])
    end = min(landmark("wrist-palm", key).shape.points[-1][1] for key in ("palmaris-longus", "flexor-carpi-radialis"))
    y = min(crease_y - cun_above * VIEWS["wrist-palm"].units_per_cun("y"), end - 0.1)
    pl = _open_curve_x_at(landmark("wrist-palm", "palmaris-longus").shape, y)
    fcr = _open_curve_x_at(landmark("wrist-palm", "flexor-carpi-radialis").shape, y)
    return (pl + fcr) / 2, crease_y - cun_above * VIEWS["wrist-palm"].units_per_cun("y")


def _expected_arm_elbow() -> tuple[float, float]:
    """Level with the elbow crease, between its inner end and the medial epicondyle."""
    end = landmark("arm-front", "cubital-crease").shape.points[-1]
    cx, cy, _, _ = _ellipse("arm-front", "medial-epicondyle")
    return (end[0] + cx) / 2, (end[1] + cy) / 2


def _expected_chest(level: str, lateral_cun: float) -> tuple[float, float]:
    """On the chest: so many cun out from the anterior midline (the nipples are 8 cun apart), level
    with the first intercostal space, the nipple (4th space), or just below the collarbone."""
    sternum = landmark("chest-front", "sternum").shape.points
    midline = (min(p[0] for p in sternum) + max(p[0] for p in sternum)) / 2
    right, left = _ellipse("chest-front", "nipple-right"), _ellipse("chest-front", "nipple-left")
    cun = (left[0] - right[0]) / 8
    x = midline - lateral_cun * cun  # seen from the front: the person's right is on the left
    if level == "nipple":
        return x, right[1]
    if level == "1st space":
        return x, landmark("chest-front", "intercostal-1").shape.points[0][1]
    return x, _open_curve_y_at(landmark("chest-front", "clavicle-right").shape, x) + 4  # below the clavicle


def _expected_head(where: str) -> tuple[float, float]:
    """On the head, from the drawing: where the line over the tops of the ears crosses the midline
    of the scalp (GV20), just above the occipital bump (GV17), the middle of the philtrum (GV26)."""
    if where == "ear apex":
        ear = landmark("head-side", "ear").shape.points
        top = min(p[1] for p in ear)
        x = sum(p[0] for p in ear if p[1] - top < 2) / len([p for p in ear if p[1] - top < 2])
        return x, min(_crossings_x_y(landmark("head-side", "scalp-midline").shape.polygon() + ((x, 200.0),), x))
    if where == "above the bump":
        cx, cy, _, ry = _ellipse("head-side", "occipital-protuberance")
        return cx, cy - ry
    (a, b) = landmark("head-side", "philtrum").shape.points
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def _expected_abdomen(cun_from_navel: float) -> tuple[float, float]:
    """On the midline of the abdomen, from the drawn navel: 8 cun up to the xiphisternal junction
    (the lower tip of the drawn breastbone), 5 cun down to the top of the drawn pubic bone."""
    cx, cy, _, _ = _ellipse("abdomen-front", "navel")
    junction = max(p[1] for p in landmark("abdomen-front", "sternum-end").shape.points)
    pubis = min(p[1] for p in landmark("abdomen-front", "pubic-symphysis").shape.points)
    if cun_from_navel >= 0:
        return cx, cy - cun_from_navel * (cy - junction) / 8
    return cx, cy - cun_from_navel * (pubis - cy) / 5


def _leg_level(view: str, cun_above: float) -> tuple[float, float]:
    """The drawn medial malleolus, and the level so many cun above its prominence (15 cun from
    the apex of the drawn patella down to it)."""
    cx, cy, _, _ = _ellipse(view, "medial-malleolus") if view == "foot-medial" else _ellipse("leg-medial",
                                                                                          "medial-malleolus")
    apex = max(p[1] for p in landmark("leg-medial", "patella").shape.points)
    return cx, cy - cun_above * (cy - apex) / 15


def _expected_leg_medial(where: str, cun_above: float) -> tuple[float, float]:
    """On the inner leg, from the drawing: just behind the drawn medial border of the tibia (SP6),
    in the middle of the tibia's inner face (LR5), at the front edge of the Achilles tendon (KI7)."""
    _, y = _leg_level("leg-medial", cun_above)
    border = _open_curve_x_at(landmark("leg-medial", "tibia-medial-border").shape, y)
    if where == "behind the border":
        return border + 1.5, y
    if where == "tibia face":
        surface = list(landmark("leg-medial", "tibia-medial-surface").shape.polygon())
        return (min(_crossings_x(surface, y)) + border) / 2, y
    return min(_crossings_x(list(landmark("leg-medial", "achilles").shape.polygon()), y)), y


def _expected_foot_medial(where: str) -> tuple[float, float]:
    """Around the inner ankle: midway between the malleolus and the Achilles tendon (KI3), 1 cun
    below the malleolus (KI6), midway between the malleolus and the navicular tuberosity (SP5)."""
    cx, cy, _, _ = _ellipse("foot-medial", "medial-malleolus")
    if where == "behind":
        return (cx + min(_crossings_x(list(landmark("foot-medial", "achilles").shape.polygon()), cy))) / 2, cy
    if where == "below":
        return cx, _leg_level("foot-medial", -1)[1]
    nx, ny, _, _ = _ellipse("foot-medial", "navicular")
    return (cx + nx) / 2, (cy + ny) / 2


def _expected_sole(where: str) -> tuple[float, float]:
    """On the sole: a third of the way from the drawn web of the 2nd and 3rd toes to the back of the
    heel (KI1), the 2nd toe's end-joint crease (EX-LE11), the tip of the big toe (EX-LE12)."""
    outline = VIEWS["foot-sole"].outline[0].points
    if where == "third":
        web = max((p for p in outline if 22 < p[0] < 32 and p[1] < 50), key=lambda p: p[1])  # between the toes
        heel = max(outline, key=lambda p: p[1])
        return web[0] + (heel[0] - web[0]) / 3, web[1] + (heel[1] - web[1]) / 3
    if where == "crease":
        a, _, b = landmark("foot-sole", "toe-creases").shape.points
        return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    tip = min(outline, key=lambda p: p[1])
    return tip[0], tip[1] + 0.1 * VIEWS["foot-sole"].units_per_cun("y")


def _expected_foot_top(where: str) -> tuple[float, float]:
    """On the top of the foot: the ankle crease midway between the drawn big-toe and toe extensor
    tendons (ST41), or just above the drawn web between two toes, where the skin of the top of
    the foot meets that of the sole (0.3 cun: ST44 between the 2nd and 3rd, LR2 the 1st and 2nd)."""
    view = VIEWS["foot-top"]
    if where == "crease":
        crease_x = view.landmarks["ankle-crease-between-tendons"][0]
        y = _open_curve_y_at(landmark("foot-top", "ankle-crease").shape, crease_x)
        return ((_open_curve_x_at(landmark("foot-top", "extensor-hallucis").shape, y)
                 + _open_curve_x_at(landmark("foot-top", "extensor-digitorum").shape, y)) / 2, y)
    # the web as the body has it (tests/test_body.py checks the view's web against the body's)
    web = view.landmarks[f"web-{where}"]
    return web[0], web[1] - 0.3 * view.units_per_cun("y")


def _expected_thigh(where: str, cun: float) -> tuple[float, float]:
    """On the front of the thigh, from the drawing: so many cun up the line from the outer end of
    the patella's base to the front of the hip bone (ST32, ST34); a third of the way from the
    groin point 3.5 cun from the midline down to the inner end of the patella's base (SP11)."""
    patella = landmark("thigh-front", "patella").shape.points
    top = min(p[1] for p in patella)
    outer, inner = min(p for p in patella if p[1] == top), max(p for p in patella if p[1] == top)
    unit = (top - 0) / 18  # 18 cun from the pubic symphysis (y 0) to the base of the patella
    if where == "hip line":
        hx, hy, _, _ = _ellipse("thigh-front", "hip-spine")
        length = math.dist(outer, (hx, hy))
        return outer[0] + (hx - outer[0]) * cun * unit / length, outer[1] + (hy - outer[1]) * cun * unit / length
    midline = landmark("thigh-front", "midline").shape.points[0][0]
    groin = (midline - 3.5 * unit, 0.0)
    return groin[0] + (inner[0] - groin[0]) / 3, groin[1] + (inner[1] - groin[1]) / 3


def _expected_trunk_side(where: str) -> tuple[float, float]:
    """On the side of the trunk: on the drawn midaxillary line, so many cun below the armpit (12 cun
    from its apex to the free end of the 11th rib): SP21 at 6, GB22 at 3; GB25 at the 12th rib's end."""
    ax, ay, _, _ = _ellipse("trunk-side", "axilla")
    rib11 = landmark("trunk-side", "rib-11").shape.points[-1]
    if where == "rib 12":
        return landmark("trunk-side", "rib-12").shape.points[-1]
    line_x = landmark("trunk-side", "midaxillary-line").shape.points[0][0]
    return line_x, ay + {"SP21": 6, "GB22": 3}[where] * (rib11[1] - ay) / 12


def _expected_leg_front(where: str) -> tuple[float, float]:
    """On the front of the leg, from the drawing (16 cun from the knee joint to the ankle crease):
    ST36 3 cun below the knee, a finger-breadth (1 cun) out from the front edge of the shinbone;
    ST40 level with ST38, at the outer edge of tibialis anterior; ST41 on the
    ankle crease between the big-toe and toe extensor tendons."""
    joint = landmark("leg-front", "knee-joint").shape.points[0][1]
    crease_x = VIEWS["leg-front"].landmarks["ankle-crease-between-tendons"][0]
    crease = _open_curve_y_at(landmark("leg-front", "ankle-crease").shape, crease_x)
    unit = (crease - joint) / 16
    if where == "ST36":
        y = joint + 3 * unit
        return _open_curve_x_at(landmark("leg-front", "tibial-crest").shape, y) - unit, y
    if where == "ST40":   # level with ST38, as WHO notes: 8 cun above the ankle crease, 8 below the knee
        y = crease - 8 * unit
        return min(_crossings_x(list(landmark("leg-front", "tibialis-anterior").shape.polygon()), y)), y
    return ((_open_curve_x_at(landmark("leg-front", "extensor-hallucis").shape, crease)
             + _open_curve_x_at(landmark("leg-front", "extensor-digitorum").shape, crease)) / 2, crease)


def _expected_face(where: str) -> tuple[float, float]:
    """On the face, from the drawing: between the inner ends of the eyebrows (EX-HN3); below the
    pupil, level with the lower border of the side of the nose (ST3); 0.4 cun out from the corner
    of the mouth (ST4), the cun across the face being a ninth of the hairline between its corners."""
    right = landmark("face-front", "eyebrow-right").shape.points[0]
    left = landmark("face-front", "eyebrow-left").shape.points[0]
    if where == "EX-HN3":
        return (right[0] + left[0]) / 2, (right[1] + left[1]) / 2
    if where == "ST3":
        pupil_x, _, _, _ = _ellipse("face-front", "pupil-right")
        return pupil_x, max(p[1] for p in landmark("face-front", "nose").shape.points if p[0] < 150)
    hairline = landmark("face-front", "hairline").shape.points
    across = (hairline[-1][0] - hairline[2][0]) / 4.5  # the corner (ST8 line) to the midline: 4.5 cun
    corner = landmark("face-front", "mouth").shape.points[0]
    return corner[0] - 0.4 * across, corner[1]


def _expected_neck(where: str) -> tuple[float, float]:
    """On the side of the neck, from the drawing: level with the upper border of the thyroid
    cartilage, in front of the drawn SCM (ST9, 0.4 cun) or between its borders (LI18); behind the
    angle of the jaw, in front of the SCM (SI17)."""
    def border(key: str, y: float) -> float:
        return _open_curve_x_at(landmark("neck-side", key).shape, y)
    unit = VIEWS["neck-side"].units_per_cun("x")
    if where == "SI17":
        angle = landmark("neck-side", "jaw").shape.points[2]
        return (angle[0] + border("scm-anterior-border", angle[1])) / 2, angle[1]
    level = min(p[1] for p in landmark("neck-side", "thyroid-cartilage").shape.points)
    if where == "ST9":
        return border("scm-anterior-border", level) + 0.4 * unit, level
    return (border("scm-anterior-border", level) + border("scm-posterior-border", level)) / 2, level


def _expected_face_side(where: str) -> tuple[float, float]:
    """Around the ear, from the drawing: in front of the middle of the tragus (SI19); just above
    the apex of the ear (TE20, 0.2 cun); halfway down the temple hairline, measured along the
    drawn line from the corner of the forehead to the front of the ear (GB5)."""
    if where == "SI19":
        tragus = landmark("face-side", "tragus").shape.points
        return max(p[0] for p in tragus), (min(p[1] for p in tragus) + max(p[1] for p in tragus)) / 2
    if where == "TE20":
        top = min(landmark("face-side", "ear").shape.points, key=lambda p: p[1])
        return top[0], top[1] - 0.2 * VIEWS["face-side"].units_per_cun("y")
    line = landmark("face-side", "temple-hairline").shape.polygon(40)
    lengths = [0.0] + [math.dist(a, b) for a, b in zip(line, line[1:])]
    total, walked = sum(lengths), 0.0
    for point, step in zip(line, lengths):
        walked += step
        if walked >= total / 2:
            return point
    return line[-1]


def _expected_arm_back(where: str, view: str = "arm-back") -> tuple[float, float]:
    """On the back of the arm, from the drawing (12 cun from the tip of the elbow to the back wrist
    crease): TE5 2 cun above the crease midway between radius and ulna, TE10 1 cun above the tip
    of the elbow, SI8 between the tip of the elbow and the medial epicondyle; on the hand, LI4
    beside the middle of the 2nd metacarpal, TE4 on the crease just ulnar to the finger extensor
    tendons, SI6 1 cun above the crease just radial to the head of the ulna."""
    tip = max(landmark("arm-back", "olecranon").shape.points, key=lambda p: p[1])
    crease = _open_curve_y_at(landmark(view, "dorsal-wrist-crease").shape, 50)
    unit = (crease - tip[1]) / 12
    if where == "TE5":
        y = crease - 2 * unit
        return (_open_curve_x_at(landmark(view, "ulna").shape, y)
                + _open_curve_x_at(landmark(view, "radius").shape, y)) / 2, y
    if where == "TE10":
        return tip[0], tip[1] - unit
    if where == "SI8":
        mx, my, _, _ = _ellipse(view, "medial-epicondyle")
        return (tip[0] + mx) / 2, (tip[1] + my) / 2
    if where == "LI4":
        a, _, b = landmark(view, "metacarpal-2").shape.points
        return (a[0] + b[0]) / 2 + 0.3 * unit, (a[1] + b[1]) / 2
    if where == "TE4":
        return _open_curve_x_at(landmark(view, "extensor-digitorum").shape, crease) - 0.1 * unit, crease
    ux, uy, rx, _ = _ellipse(view, "ulna-head")
    return ux + rx, crease - unit


def _expected_leg_side(where: str) -> tuple[float, float]:
    """On the outer leg, from the drawing: GB29 halfway between the hip spine and the greater
    trochanter; GB32 7 cun above the knee crease, just behind the iliotibial band; GB36 7 cun above
    the outer ankle bone at the front edge of the fibula (16 cun from the crease to the ankle bone)."""
    if where == "GB29":
        ax, ay, _, _ = _ellipse("leg-side", "hip-spine")
        tx, ty, _, _ = _ellipse("leg-side", "greater-trochanter")
        return (ax + tx) / 2, (ay + ty) / 2
    crease = landmark("leg-side", "popliteal-crease").shape.points[0][1]
    _, my, _, _ = _ellipse("leg-side", "lateral-malleolus")
    unit = (my - crease) / 16
    if where == "GB32":
        y = crease - 7 * unit
        return min(_crossings_x(list(landmark("leg-side", "iliotibial-band").shape.polygon()), y)) - 0.3 * unit, y
    y = my - 7 * unit
    return max(_crossings_x(list(landmark("leg-side", "fibula").shape.polygon()), y)), y


def _expected_head_top(across: float, back: float) -> tuple[float, float]:
    """On the scalp seen from above: so many cun out from the midline (4.5 cun to the drawn corner
    of the hairline) and so many cun back from the drawn front hairline (12 cun to the back one)."""
    front = landmark("head-top", "anterior-hairline").shape.points
    midline, corner = front[2], front[-1]
    rear = landmark("head-top", "posterior-hairline").shape.points[1]
    return (midline[0] + across * (corner[0] - midline[0]) / 4.5,
            midline[1] + back * (rear[1] - midline[1]) / 12)


def _expected_head_back(across: float) -> tuple[float, float]:
    """At the top of the drawn occipital bump, so many cun out from the midline (9 cun between the
    mastoid processes): GV17 on the midline, BL9 1.3 cun out, GB19 above GB20."""
    cx, cy, _, ry = _ellipse("head-back", "occipital-protuberance")
    left, right = _ellipse("head-back", "mastoid-left"), _ellipse("head-back", "mastoid-right")
    return cx + across * (right[0] - left[0]) / 9, cy - ry


def _back_cun() -> float:
    """10 units: the 6 cun between the drawn medial borders of the shoulder blades."""
    right = min(_crossings_x(list(landmark("back", "scapula-right").shape.polygon()), 53))
    left = max(_crossings_x(list(landmark("back", "scapula-left").shape.polygon()), 53))
    return (right - left) / 6


def _expected_spine(view: str, vertebra: str, lateral: float) -> tuple[float, float]:
    """Level with the lower border of a drawn spinous process, so many cun out from the midline."""
    cx, cy, _, ry = _ellipse("back", vertebra)
    return cx + lateral * _back_cun(), cy + ry


def _expected_sacrum(foramen: str, lateral: float | None) -> tuple[float, float]:
    """In a drawn posterior sacral foramen (BL32), or level with it so many cun out (BL54)."""
    fx, fy, _, _ = _ellipse("back", foramen)
    return (fx, fy) if lateral is None else (120 + lateral * _back_cun(), fy)


def _expected_leg_back(where: str) -> tuple[float, float]:
    """On the back of the leg, from the drawing: the middle of the buttock crease (BL36), 2 cun
    below the middle of the knee crease (BL55), where the two calf bellies meet (BL57)."""
    if where == "BL36":
        line = landmark("leg-back", "gluteal-fold").shape.points
        lengths = [math.dist(a, b) for a, b in zip(line, line[1:])]
        walked, half = 0.0, sum(lengths) / 2
        for (a, b), step in zip(zip(line, line[1:]), lengths):
            if walked + step >= half:
                t = (half - walked) / step
                return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            walked += step
    if where == "BL55":
        crease = landmark("leg-back", "popliteal-crease").shape.points[1]
        return crease[0], crease[1] + 2 * _back_cun()
    medial = landmark("leg-back", "gastrocnemius-medial").shape.points[-1]
    lateral = landmark("leg-back", "gastrocnemius-lateral").shape.points[-1]
    return (medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2


def _expected_foot_lateral(where: str) -> tuple[float, float]:
    """On the outer foot, from the drawing: just below the outer ankle bone (BL62), below the
    cuboid (BL63), just in front of the bump at the back of the 5th metatarsal, on the sole's edge
    (BL64)."""
    unit = VIEWS["foot-lateral"].units_per_cun("y")
    if where == "BL62":
        cx, cy, _, ry = _ellipse("foot-lateral", "lateral-malleolus")
        return cx, cy + ry + 0.2 * unit
    if where == "BL63":
        cx, cy, _, ry = _ellipse("foot-lateral", "cuboid")
        return cx, cy + ry
    shape = landmark("foot-lateral", "metatarsal-5").shape.points
    return max(shape[0][0], shape[-1][0]) + 0.3 * unit, max(p[1] for p in shape)


def _expected_upper_back(where: str) -> tuple[float, float]:
    """On the shoulder blade, from the drawing: a third of the way from the middle of the drawn
    scapular spine (halfway from its root at the medial border to its lateral tip, the acromion)
    to the inferior angle (SI11); halfway from the drawn C7 to the acromion's tip (GB21); level
    with the lower border of the drawn T1, straight below the spine's root (SI14)."""
    spine = landmark("back", "scapular-spine-right").shape.points
    root = ((spine[0][0] + spine[-1][0]) / 2, (spine[0][1] + spine[-1][1]) / 2)
    tip = max(spine, key=lambda p: p[0])
    if where == "SI11":
        middle = ((root[0] + tip[0]) / 2, (root[1] + tip[1]) / 2)
        angle_x, angle_y, _, _ = _ellipse("back", "inferior-angle-right")
        return middle[0] + (angle_x - middle[0]) / 3, middle[1] + (angle_y - middle[1]) / 3
    if where == "GB21":
        c7_x, c7_y, _, _ = _ellipse("back", "C7")
        return (c7_x + tip[0]) / 2, (c7_y + tip[1]) / 2
    _, t1_y, _, t1_ry = _ellipse("back", "T1")
    return root[0], t1_y + t1_ry


def _expected_leg_back_drawn(where: str) -> tuple[float, float]:
    """On the back of the leg, from the drawing (14 cun from the buttock crease to the knee crease):
    where the two calf bellies meet the Achilles tendon (BL57, 8 cun below the knee crease, so that
    BL56 at 5 cun is midway from BL55); 6 cun below the middle of the buttock crease, in the groove
    between the hamstrings (BL37); 1 cun above the knee crease's lateral end, at the biceps
    femoris tendon (BL38)."""
    fold = landmark("leg-back", "gluteal-fold").shape.points[2]          # its middle
    crease = landmark("leg-back", "popliteal-crease").shape.points
    cun = (crease[1][1] - fold[1]) / 14
    if where == "BL57":
        medial = landmark("leg-back", "gastrocnemius-medial").shape.points[-1]
        lateral = landmark("leg-back", "gastrocnemius-lateral").shape.points[-1]
        return (medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2
    if where == "BL37":
        y = fold[1] + 6 * cun
        return _open_curve_x_at(landmark("leg-back", "hamstring-groove").shape, y), y
    y = crease[-1][1] - 1 * cun
    return _open_curve_x_at(landmark("leg-back", "biceps-femoris").shape, y) - 0.4 * cun, y


BEHIND_MALLEOLUS = ["lateral-malleolus-prominence", "achilles-tendon-front"]
# (code, view, how a data editor places it, where the WHO description puts it on the drawing)
WHO_PLACEMENTS = [
    ("BL23", "back", {"from": "L2-lower-border", "right": 1.5}, lambda: _expected_back("L2", None, 1.5)),
    ("BL25", "back", {"from": "L4-lower-border", "right": 1.5}, lambda: _expected_back("L4", None, 1.5)),
    ("BL52", "back", {"from": "L2-lower-border", "right": 3}, lambda: _expected_back("L2", None, 3)),
    ("BL53", "back", {"from": "S2-foramen-level", "right": 3},
     lambda: _expected_back(None, "foramen-S2-right", 3)),
    ("BL40", "knee-back", {"from": "popliteal-crease-middle"}, lambda: _expected_knee(0)),
    ("BL55", "knee-back", {"from": "popliteal-crease-middle", "down": 2}, lambda: _expected_knee(2)),
    ("BL56", "knee-back", {"from": "popliteal-crease-middle", "down": 4.9}, lambda: _expected_knee(4.9)),
    ("BL60", "ankle-lateral", {"from": BEHIND_MALLEOLUS}, lambda: _expected_ankle(0)),
    ("BL59", "ankle-lateral", {"from": BEHIND_MALLEOLUS, "up": 3}, lambda: _expected_ankle(3)),
    ("BL60+5", "ankle-lateral", {"from": BEHIND_MALLEOLUS, "up": 5}, lambda: _expected_ankle(5)),
    ("HT7", "arm-front", {"from": "wrist-crease-ulnar"}, lambda: _expected_arm_wrist(0)),
    ("HT4", "arm-front", {"from": "wrist-crease-ulnar", "up": 1.5}, lambda: _expected_arm_wrist(1.5)),
    ("HT6", "arm-front", {"from": "wrist-crease-ulnar", "up": 0.5}, lambda: _expected_arm_wrist(0.5)),
    ("HT3", "arm-front", {"from": ["cubital-crease-medial-end", "medial-epicondyle"]}, _expected_arm_elbow),
    ("HT5", "wrist-palm", {"from": "wrist-crease-ulnar", "up": 1}, lambda: _expected_arm_wrist(1, "wrist-palm")),
    ("PC6", "wrist-palm", {"from": "wrist-crease-middle", "up": 2}, lambda: _expected_between_tendons(2)),
    ("PC5", "wrist-palm", {"from": "wrist-crease-middle", "up": 3}, lambda: _expected_between_tendons(3)),
    ("PC7", "wrist-palm", {"from": "wrist-crease-middle"}, lambda: _expected_between_tendons(0)),
    ("GV20", "head-side", {"along": "scalp-midline", "cun": 5}, lambda: _expected_head("ear apex")),
    ("GV17", "head-side", {"along": "scalp-midline", "cun": 9.5}, lambda: _expected_head("above the bump")),
    ("GV26", "head-side", {"from": "philtrum-middle"}, lambda: _expected_head("philtrum")),
    ("CV12", "abdomen-front", {"from": "navel", "up": 4}, lambda: _expected_abdomen(4)),
    ("CV4", "abdomen-front", {"from": "navel", "down": 3}, lambda: _expected_abdomen(-3)),
    ("CV2", "abdomen-front", {"from": "pubic-symphysis-upper-border"}, lambda: _expected_abdomen(-5)),
    ("LU1", "chest-front", {"from": "midline-1st-intercostal-space", "left": 6},
     lambda: _expected_chest("1st space", 6)),
    ("LU2", "chest-front", {"from": "midline-below-clavicle", "left": 6}, lambda: _expected_chest("clavicle", 6)),
    ("PC1", "chest-front", {"from": "midline-4th-intercostal-space", "left": 5}, lambda: _expected_chest("nipple", 5)),
    ("SP6", "leg-medial", {"from": "behind-tibia-medial-border", "up": 3},
     lambda: _expected_leg_medial("behind the border", 3)),
    ("SP7", "leg-medial", {"from": "behind-tibia-medial-border", "up": 6},
     lambda: _expected_leg_medial("behind the border", 6)),
    ("LR5", "leg-medial", {"from": "tibia-medial-surface-centre", "up": 5},
     lambda: _expected_leg_medial("tibia face", 5)),
    ("KI7", "leg-medial", {"from": "achilles-tendon-front", "up": 2}, lambda: _expected_leg_medial("achilles", 2)),
    ("KI3", "foot-medial", {"from": ["medial-malleolus-prominence", "achilles-tendon-front"]},
     lambda: _expected_foot_medial("behind")),
    ("KI6", "foot-medial", {"from": "medial-malleolus-prominence", "down": 1}, lambda: _expected_foot_medial("below")),
    ("SP5", "foot-medial", {"from": ["medial-malleolus-prominence", "navicular-tuberosity"]},
     lambda: _expected_foot_medial("navicular")),
    ("ST41", "foot-top", {"from": "ankle-crease-between-tendons"}, lambda: _expected_foot_top("crease")),
    ("ST44", "foot-top", {"from": "web-2-3", "up": 0.3}, lambda: _expected_foot_top("2-3")),
    ("LR2", "foot-top", {"from": "web-1-2", "up": 0.3}, lambda: _expected_foot_top("1-2")),
    ("SP11", "thigh-front", {"along": "groin-to-patella", "fraction": 0.3333}, lambda: _expected_thigh("groin", 0)),
    ("ST32", "thigh-front", {"along": "patella-to-hip-spine", "cun": 6}, lambda: _expected_thigh("hip line", 6)),
    ("ST34", "thigh-front", {"along": "patella-to-hip-spine", "cun": 2}, lambda: _expected_thigh("hip line", 2)),
    ("SP21", "trunk-side", {"from": "axilla-apex", "down": 6}, lambda: _expected_trunk_side("SP21")),
    ("GB22", "trunk-side", {"from": "axilla-apex", "down": 3}, lambda: _expected_trunk_side("GB22")),
    ("GB25", "trunk-side", {"from": "rib-12-free-end"}, lambda: _expected_trunk_side("rib 12")),
    ("ST36", "leg-front", {"along": "knee-to-ankle", "cun": 3}, lambda: _expected_leg_front("ST36")),
    ("ST40", "leg-front", {"from": "tibialis-anterior-lateral-border-at-malleolus-level", "up": 8},
     lambda: _expected_leg_front("ST40")),
    ("ST41", "leg-front", {"from": "ankle-crease-between-tendons"}, lambda: _expected_leg_front("ST41")),
    ("EX-HN3", "face-front", {"from": "glabella"}, lambda: _expected_face("EX-HN3")),
    ("ST3", "face-front", {"from": "pupil", "down": 2.3}, lambda: _expected_face("ST3")),
    ("ST4", "face-front", {"from": "mouth-corner", "left": 0.4}, lambda: _expected_face("ST4")),
    ("ST9", "neck-side", {"from": "scm-anterior-border-at-thyroid-level", "right": 0.4}, lambda: _expected_neck("ST9")),
    ("LI18", "neck-side", {"from": ["scm-anterior-border-at-thyroid-level", "scm-posterior-border-at-thyroid-level"]},
     lambda: _expected_neck("LI18")),
    ("SI17", "neck-side", {"from": ["mandible-angle", "scm-anterior-border-at-angle-level"]},
     lambda: _expected_neck("SI17")),
    ("SI19", "face-side", {"from": "tragus-front"}, lambda: _expected_face_side("SI19")),
    ("TE20", "face-side", {"from": "ear-apex", "up": 0.2}, lambda: _expected_face_side("TE20")),
    ("GB5", "face-side", {"along": "temple-hairline", "fraction": 0.5}, lambda: _expected_face_side("GB5")),
    ("TE5", "arm-back", {"from": "between-radius-and-ulna-at-wrist", "up": 2}, lambda: _expected_arm_back("TE5")),
    ("TE10", "arm-back", {"along": "elbow-to-shoulder", "cun": 1}, lambda: _expected_arm_back("TE10")),
    ("SI8", "arm-back", {"from": ["olecranon-tip", "medial-epicondyle"]}, lambda: _expected_arm_back("SI8")),
    ("LI4", "hand-back", {"from": "second-metacarpal-middle-radial"},
     lambda: _expected_arm_back("LI4", "hand-back")),
    ("TE4", "hand-back", {"from": "ulnar-to-extensor-digitorum-at-wrist"},
     lambda: _expected_arm_back("TE4", "hand-back")),
    ("SI6", "hand-back", {"from": "ulna-head-radial-side"}, lambda: _expected_arm_back("SI6", "hand-back")),
    ("GB29", "leg-side", {"from": ["anterior-superior-iliac-spine", "greater-trochanter-prominence"]},
     lambda: _expected_leg_side("GB29")),
    ("GB32", "leg-side", {"from": "behind-iliotibial-band-at-popliteal-level", "up": 7},
     lambda: _expected_leg_side("GB32")),
    ("GB36", "leg-side", {"from": "fibula-front-at-malleolus-level", "up": 7}, lambda: _expected_leg_side("GB36")),
    ("GB16", "head-top", {"from": "pupil-line-at-anterior-hairline", "down": 1.5},
     lambda: _expected_head_top(2.25, 1.5)),
    ("GB18", "head-top", {"from": "pupil-line-at-anterior-hairline", "down": 4}, lambda: _expected_head_top(2.25, 4)),
    ("BL7", "head-top", {"from": "bladder-line-at-anterior-hairline", "down": 4}, lambda: _expected_head_top(1.5, 4)),
    ("GV17", "head-back", {"from": "external-occipital-protuberance-top"}, lambda: _expected_head_back(0)),
    ("BL9", "head-back", {"from": "external-occipital-protuberance-top", "right": 1.3},
     lambda: _expected_head_back(1.3)),
    ("GB19", "head-back", {"from": "external-occipital-protuberance-top", "right": 2.4},
     lambda: _expected_head_back(2.4)),
    ("BL13", "upper-back", {"from": "below-T3", "right": 1.5}, lambda: _expected_spine("upper-back", "T3", 1.5)),
    ("BL17", "upper-back", {"from": "below-T7", "right": 1.5}, lambda: _expected_spine("upper-back", "T7", 1.5)),
    ("BL44", "upper-back", {"from": "below-T5", "right": 3}, lambda: _expected_spine("upper-back", "T5", 3)),
    ("BL25", "lower-back", {"from": "below-L4", "right": 1.5}, lambda: _expected_spine("lower-back", "L4", 1.5)),
    ("BL32", "lower-back", {"from": "S2-foramen-right"}, lambda: _expected_sacrum("foramen-S2-right", None)),
    ("BL54", "lower-back", {"from": "S4-foramen-level", "right": 3}, lambda: _expected_sacrum("foramen-S4-right", 3)),
    ("BL36", "leg-back", {"from": "gluteal-fold-middle-right"}, lambda: _expected_leg_back("BL36")),
    ("BL55", "leg-back", {"from": "popliteal-crease-middle-right", "down": 2}, lambda: _expected_leg_back("BL55")),
    ("BL57", "leg-back", {"from": "calf-bellies-meet-achilles-tendon-right"}, lambda: _expected_leg_back_drawn("BL57")),
    ("BL37", "leg-back", {"from": "gluteal-fold-middle-right", "down": 6}, lambda: _expected_leg_back_drawn("BL37")),
    ("BL38", "leg-back", {"from": "popliteal-crease-lateral-end-right", "up": 1},
     lambda: _expected_leg_back_drawn("BL38")),
    ("SI11", "upper-back", {"from": "spine-middle-to-inferior-angle-upper-third-right"},
     lambda: _expected_upper_back("SI11")),
    ("GB21", "upper-back", {"from": "C7-to-acromion-midpoint-right"}, lambda: _expected_upper_back("GB21")),
    ("SI14", "upper-back", {"from": "below-T1", "right": 3}, lambda: _expected_upper_back("SI14")),
    ("BL27", "lower-back", {"from": "S1-foramen-level", "right": 1.5},
     lambda: _expected_sacrum("foramen-S1-right", 1.5)),
    ("BL34", "lower-back", {"from": "S4-foramen-right"}, lambda: _expected_sacrum("foramen-S4-right", None)),
    ("BL62", "foot-lateral", {"from": "below-lateral-malleolus"}, lambda: _expected_foot_lateral("BL62")),
    ("BL63", "foot-lateral", {"from": "below-cuboid"}, lambda: _expected_foot_lateral("BL63")),
    ("BL64", "foot-lateral", {"from": "fifth-metatarsal-tuberosity-front"}, lambda: _expected_foot_lateral("BL64")),
    ("KI1", "foot-sole", {"along": "web-to-heel", "fraction": 0.3333}, lambda: _expected_sole("third")),
    ("EX-LE11", "foot-sole", {"from": "second-toe-distal-crease"}, lambda: _expected_sole("crease")),
    ("EX-LE12", "foot-sole", {"from": "big-toe-tip", "down": 0.1}, lambda: _expected_sole("tip")),
]


@pytest.mark.parametrize(("code", "view", "spec", "expected"), WHO_PLACEMENTS, ids=[w[0] for w in WHO_PLACEMENTS])
def test_points_placed_by_landmark_and_cun_land_where_who_puts_them(code, view, spec, expected):
    placed = place(view, spec)
    want = expected()
    cun = VIEWS[view].units_per_cun("x" if view in ("back", "upper-back", "lower-back", "leg-back", "chest-front",
                                                    "face-front", "head-top") else "y")
    off = math.dist((placed.x, placed.y), want) / cun
    print(f"{code:<8} {view:<14} placed ({placed.x:g}, {placed.y:g}), WHO ({want[0]:.2f}, {want[1]:.2f}): "
          f"{off:.3f} cun apart")
    assert off <= 0.25
    assert inside_body(view, placed.x, placed.y)


def test_each_view_has_three_points_placed_by_anatomy():
    """The rule for a new view (README, "Pictures"): three WHO placements on it in WHO_PLACEMENTS."""
    counts = {view: sum(1 for w in WHO_PLACEMENTS if w[1] == view) for view in VIEWS}
    short = {view: count for view, count in counts.items() if count < 3}
    assert not short, f"each view needs three WHO placements in WHO_PLACEMENTS (tests/test_atlas.py): {short}"


def test_placement_mistakes_name_the_landmarks():
    with pytest.raises(atlas.PlacementError) as error:
        place("back", {"from": "L3-lower-border", "right": 1.5})
    assert "L2-lower-border" in error.value.hint and "did you mean" in error.value.hint
    with pytest.raises(atlas.PlacementError) as error:
        place("back", {"from": "L2-lower-border", "right": 30})
    assert "outside the body" in error.value.message
    with pytest.raises(atlas.PlacementError) as error:
        place("bakc", {"x": 1, "y": 1})
    assert "did you mean 'back'" in error.value.hint
    with pytest.raises(atlas.PlacementError) as error:
        place("ankle-lateral", {"from": "lateral-malleolus-prominence", "right": 1})
    assert "no cun scale" in error.value.message
    with pytest.raises(atlas.PlacementError) as error:
        place("foot-sole", {"along": "web-to-heel", "cun": 3})
    assert "no length in cun" in error.value.message and "fraction" in error.value.hint
    with pytest.raises(atlas.PlacementError) as error:
        place("foot-sole", {"along": "web-to-heel", "fraction": 1.5})
    assert "from 0 to 1" in error.value.message


def test_a_close_up_shares_its_base_views_coordinates():
    """A point keeps its place when it moves between a view and its close-up."""
    for close_up, base_view in (("wrist-palm", "arm-front"), ("foot-medial", "leg-medial")):
        assert VIEWS[close_up].landmarks == VIEWS[base_view].landmarks
        assert VIEWS[close_up].outline == VIEWS[base_view].outline
        assert VIEWS[close_up].bounds != VIEWS[base_view].bounds


def test_answer_shows_the_measure_and_the_question_does_not():
    spot = place("back", {"from": "L2-lower-border", "right": 1.5})
    answer = overlay("back", spot, label="BL23 Shenshu").decode()
    question = overlay("back", spot).decode()
    assert ">1.5 cun</text>" in answer and "stroke-dasharray" in answer
    assert "cun" not in question


def test_back_points_are_on_the_persons_right(points):
    """The back is seen from behind: the person's right is the viewer's right of the midline."""
    midline = VIEWS["back"].landmarks["C7-spinous-process"][0]
    for code in ("BL23", "BL53", "SI11"):
        assert points[code][1] > midline


def test_inside_body_rejects_background():
    assert not inside_body("back", 0.0, 150.0)          # beside the torso
    assert not inside_body("back", 120.0, 500.0)        # between the legs
    assert not inside_body("knee-back", 5.0, 100.0)
    assert not inside_body("ankle-lateral", 250.0, 40.0)  # in front of the shin


def test_back_view_is_scaled_six_cun_between_scapulae():
    v = VIEWS["back"]
    # measured at the root of the scapular spine, where the medial border is used
    root_y = min(landmark(v.name, "scapular-spine-right").shape.polygon())[1]
    right = min(_crossings_x(list(landmark(v.name, "scapula-right").shape.polygon()), root_y))
    left = max(_crossings_x(list(landmark(v.name, "scapula-left").shape.polygon()), root_y))
    assert left < MIDLINE < right
    assert (right - left) / v.units_per_cun("x") == pytest.approx(6.0, abs=0.05)


def test_bl23_level_with_l2_and_one_and_a_half_cun_lateral(points):
    v = VIEWS["back"]
    _, x, y = points["BL23"]
    cun = v.units_per_cun("x")
    assert (x - MIDLINE) / cun == pytest.approx(1.5, abs=0.25)
    (cx, cy), (rx, ry) = landmark(v.name, "L2").shape.points
    assert abs(cx - MIDLINE) < 0.1
    assert abs(y - (cy + ry)) <= 0.3 * cun, "level with the lower border of L2"
    rib_end_y = max(p[1] for p in landmark(v.name, "rib12-right").shape.polygon())
    crest_top_y = min(p[1] for p in landmark(v.name, "iliac-crest-right").shape.polygon())
    assert rib_end_y <= y < crest_top_y, "between the lowest rib end and the iliac crest"
    (_, l4y), _ = landmark(v.name, "L4").shape.points
    assert abs(crest_top_y - l4y) <= 0.5 * cun, "iliac crest drawn at L4"


def test_bl53_on_buttock_level_with_s2_three_cun_lateral(points):
    v = VIEWS["back"]
    _, x, y = points["BL53"]
    cun = v.units_per_cun("x")
    crest_x = landmark(v.name, "median-sacral-crest").shape.points[0][0]
    assert (x - crest_x) / cun == pytest.approx(3.0, abs=0.3)
    (_, fy), _ = landmark(v.name, "foramen-S2-right").shape.points
    assert abs(y - fy) <= 0.3 * cun, "level with the 2nd posterior sacral foramen"
    assert landmark(v.name, "gluteal-right").shape.contains(x, y)
    assert not landmark(v.name, "sacrum").shape.contains(x, y)


def test_si11_in_infraspinous_fossa_one_third_down(points):
    v = VIEWS["back"]
    _, x, y = points["SI11"]
    assert landmark(v.name, "scapula-right").shape.contains(x, y)
    spine = landmark(v.name, "scapular-spine-right").shape
    assert not spine.contains(x, y)
    assert y > max(_crossings_x_y(spine.polygon(), x)), "below the scapular spine"
    pts = spine.polygon()
    medial = min(pts)
    lateral = max(pts)
    mid = ((medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2)
    inf = max(landmark(v.name, "scapula-right").shape.polygon(), key=lambda p: p[1])
    want = (mid[0] + (inf[0] - mid[0]) / 3, mid[1] + (inf[1] - mid[1]) / 3)
    assert abs(x - want[0]) <= 0.3 * v.units_per_cun("x")
    assert abs(y - want[1]) <= 0.3 * v.units_per_cun("x")


def _crossings_x_y(poly, x: float) -> list[float]:
    """y where a vertical line at x crosses a closed polygon."""
    swapped = [(py, px) for px, py in poly]
    return _crossings_x(swapped, x)


def test_bl40_midpoint_of_crease_between_tendons(points):
    v = VIEWS["knee-back"]
    _, x, y = points["BL40"]
    crease_y = _open_curve_y_at(landmark(v.name, "popliteal-crease").shape, x)
    assert abs(y - crease_y) <= 2.0, "on the popliteal crease"
    medial = _open_curve_x_at(landmark(v.name, "semitendinosus").shape, y)
    lateral = _open_curve_x_at(landmark(v.name, "biceps-femoris").shape, y)
    # Right knee from behind: lateral (biceps femoris) is on the viewer's right.
    assert medial < x < lateral
    assert abs(x - (medial + lateral) / 2) <= 0.1 * (lateral - medial)


def test_bl60_between_lateral_malleolus_and_achilles_tendon(points):
    v = VIEWS["ankle-lateral"]
    _, x, y = points["BL60"]
    (cx, cy), (rx, ry) = landmark(v.name, "lateral-malleolus").shape.points
    achilles_front = max(_crossings_x(list(landmark(v.name, "achilles").shape.polygon()), y))
    assert achilles_front < x < cx - rx, "in the hollow behind the malleolus"
    assert abs(y - cy) <= 0.25 * ry, "level with the prominence of the malleolus"
    assert not landmark(v.name, "achilles").shape.contains(x, y)
    # Facing the viewer's right: the tendon and heel are behind (left of) the malleolus.
    heel_x = min(p[0] for p in landmark(v.name, "heel").shape.polygon())
    assert heel_x < achilles_front < cx


# ---------------------------------------------------------------- no spoilers
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_question_side_names_no_point(view):
    """Per view: the drawing names no point, and a question's marker carries no text."""
    svg = render(view, *a_point_on(view))
    texts = _texts(svg)
    assert texts, "landmarks should be named"
    for t in texts:
        assert not CODE_RE.search(t), t
        for name in NAMES:
            assert name.lower() not in t.lower(), t
    # nor anywhere else in the file (attributes, comments); an embedded picture of the body is
    # base64, where letters like "UB8" fall by chance and no one reads them
    raw = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", svg.decode("utf-8"))
    assert not CODE_RE.search(raw)
    assert not any(n.lower() in raw.lower() for n in NAMES)


def test_label_is_xml_escaped():
    label = 'BL60 <Kunlun> & "Mountains"'
    svg = render("ankle-lateral", 123.5, 118.0, label=label)
    assert label in _texts(svg)
    assert b"<Kunlun>" not in svg


def test_landmarks_are_named():
    texts = " ".join(_texts(render("back", 135, 184)))
    for word in ("scapula", "inferior angle", "spine of scapula", "12th", "L2", "iliac crest",
                 "sacrum", "median sacral crest", "S2", "buttock"):
        assert word in texts
    texts = " ".join(_texts(render("knee-back", 100, 100)))
    for word in ("popliteal", "biceps femoris", "semitendinosus"):
        assert word in texts
    texts = " ".join(_texts(render("ankle-lateral", 123.5, 118)))
    for word in ("lateral malleolus", "Achilles tendon", "heel"):
        assert word in texts


# ---------------------------------------------------------------- format
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_deterministic_and_position_sensitive(view):
    x, y = a_point_on(view)
    a = render(view, x, y, label="BL60 Kunlun")
    assert a == render(view, x, y, label="BL60 Kunlun")
    assert render(view, x, y) == render(view, x, y)
    assert render(view, x + 2.0, y) != render(view, x, y)
    assert a != render(view, x, y)


def _assert_safe_svg(svg: bytes) -> None:
    assert isinstance(svg, bytes)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox")
    assert root.get("font-family") == "sans-serif"
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        assert tag not in ("script", "foreignObject", "use", "style", "a")
        for attr, value in el.attrib.items():
            # the one link allowed: a rendered body's picture, inside the file itself (a PNG data URI)
            assert not attr.endswith("href") or (tag, attr) == ("image", "href") and re.fullmatch(
                r"data:image/png;base64,[A-Za-z0-9+/=]+", value), (tag, attr)
            assert not attr.startswith("on"), (tag, attr)
            if "url(" in value:
                assert re.fullmatch(r"url\(#[\w-]+\)", value), value
    text = svg.decode("utf-8")
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "@import" not in text


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_output_is_safe_self_contained_svg(view):
    spot = Position(view, *a_point_on(view))
    for svg in (base(view), overlay(view, spot), overlay(view, spot, label='BL60 <Kunlun> & "x"')):
        _assert_safe_svg(svg)  # each is a file of its own in the deck


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_overlay_fits_the_drawing_and_is_transparent_but_for_the_point(view):
    spot = Position(view, *a_point_on(view))
    drawing, question = ET.fromstring(base(view)), ET.fromstring(overlay(view, spot))
    for attr in ("viewBox", "width", "height", "preserveAspectRatio"):
        assert drawing.get(attr) == question.get(attr)
    assert drawing[0].tag == f"{SVG_NS}rect" and drawing[0].get("fill") == drawing_module.BG  # the paper
    assert {el.tag for el in question} <= {f"{SVG_NS}circle", f"{SVG_NS}path"}  # markers only
    assert drawing_module.MARKER.encode() not in base(view)  # no point is drawn into the shared drawing
    assert drawing_module.MARKER.encode() in overlay(view, spot)


def test_every_view_has_title_and_landmarks():
    assert {"back", "knee-back", "ankle-lateral"} <= set(VIEWS)
    for name, v in VIEWS.items():
        assert v.name == name
        assert v.title
        assert v.outline and v.drawing and v.landmarks and v.scales
        x0, y0, x1, y1 = v.bounds
        assert x0 < x1 and y0 < y1
        assert v.title in _texts(render(name, (x0 + x1) / 2, (y0 + y1) / 2))


def test_unknown_view_raises_keyerror():
    with pytest.raises(KeyError):
        render("front", 1, 1)
    with pytest.raises(KeyError):
        inside_body("front", 1, 1)


def test_non_finite_position_rejected():
    with pytest.raises(ValueError):
        render("back", float("nan"), 10)


@settings(max_examples=25, deadline=None)
@given(
    view=st.sampled_from(sorted(VIEWS)),
    fx=st.floats(0, 1),
    fy=st.floats(0, 1),
    label=st.one_of(st.none(), st.text(min_size=1, max_size=30).filter(
        lambda s: all(c.isprintable() and c not in "\ud800\udfff" for c in s))),
)
def test_any_position_renders_valid_svg(view, fx, fy, label):
    x0, y0, x1, y1 = VIEWS[view].bounds
    svg = render(view, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0), label=label)
    _assert_safe_svg(svg)
    if label is not None:
        assert label in _texts(svg)


# ---------------------------------------------------------------- legibility
PHONE_WIDTH_PX = 340  # the card shows the image at about this width on a phone


def _text_boxes(svg: bytes) -> list[tuple[str, float, float, float, float, float]]:
    """(text, size, x0, y0, x1, y1) of every <text>, from the same width estimate the layout uses."""
    root = ET.fromstring(svg)
    out = []
    for el in root.iter(f"{SVG_NS}text"):
        size = float(el.get("font-size"))
        bold = el.get("font-weight") == "bold"
        spans = el.findall(f"{SVG_NS}tspan")
        lines = ["".join(s.itertext()) for s in spans] if spans else ["".join(el.itertext())]
        x, y = float(el.get("x")), float(el.get("y"))
        w = max(text_w(t, size, bold) for t in lines)
        x0 = {"start": x, "end": x - w, "middle": x - w / 2}[el.get("text-anchor")]
        top = y - 0.78 * size
        bottom = y + (len(lines) - 1) * 1.1 * size + 0.22 * size
        out.append((" ".join(lines), size, x0, top, x0 + w, bottom))
    return out


def _marker_centre(svg: bytes) -> tuple[float, float]:
    root = ET.fromstring(svg)
    dots = [c for c in root.iter(f"{SVG_NS}circle") if c.get("fill") == drawing_module.MARKER]
    big = dots[-1]   # the close-up marker is drawn after the overview one
    return float(big.get("cx")), float(big.get("cy"))


@pytest.mark.parametrize("answer", [False, True])
@pytest.mark.parametrize("code", CODES)
def test_labels_legible_on_a_phone_and_uncluttered(code, answer, points, labels, shown):
    """Per point: where its marker and its label fall decides what can overlap."""
    view, x, y = points[code]
    window, measured = shown[code]
    svg = render(view, x, y, label=labels[code] if answer else None, window=window, measured=measured)
    root = ET.fromstring(svg)
    vw, vh = (float(n) for n in root.get("viewBox").split()[2:])
    px_per_unit = PHONE_WIDTH_PX / vw
    boxes = _text_boxes(svg)
    captions = {VIEWS[view].orientation[0], VIEWS[view].orientation[1]}
    for text, size, *_ in boxes:
        if text not in captions:
            assert size * px_per_unit >= 11.5, f"{text!r} is {size * px_per_unit:.1f} px on a phone"
    for text, _, x0, y0, x1, y1 in boxes:
        assert 2 <= x0 and x1 <= vw - 2 and 2 <= y0 and y1 <= vh - 2, f"{text!r} runs off the image"
        if text != VIEWS[view].title:
            assert x0 >= drawing_module.OV_X + drawing_module.OV_W, f"{text!r} runs over the overview"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]
            assert not overlap, f"{a[0]!r} overlaps {b[0]!r}"
    mx, my = _marker_centre(svg)
    for text, _, x0, y0, x1, y1 in boxes:
        nx, ny = min(max(mx, x0), x1), min(max(my, y0), y1)
        assert (nx - mx) ** 2 + (ny - my) ** 2 >= 8.0 ** 2, f"{text!r} covers the marker"
        if answer and text.endswith(" cun"):   # the measure keeps off the marker's ticks too
            assert (nx - mx) ** 2 + (ny - my) ** 2 >= 12.0 ** 2, f"the measure {text!r} is under the marker"
    if answer:
        assert any(t == labels[code] and s * px_per_unit >= 12 for t, s, *_ in boxes)


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans-Bold.ttf").exists(), reason="needs Debian's fonts-dejavu-core")
def test_labels_are_sized_for_dejavu_sans_the_widest_common_default(labels):
    """Seen in the real Anki desktop on Linux: labels sized for Helvetica overflowed their boxes."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from font_widths import widths

    regular, bold = widths(DEJAVU / "DejaVuSans.ttf"), widths(DEJAVU / "DejaVuSans-Bold.ttf")
    for text in [*labels.values(), "back of the armpit fold", "little finger", "1.5 cun"]:
        for table, is_bold in ((regular, False), (bold, True)):
            real = sum(table[ord(ch)] for ch in text) / 1000 * 15
            assert real <= text_w(text, 15, is_bold) <= real * 1.03, text


def test_the_shipped_points_that_were_drawn_wrong_sit_where_who_puts_them(points):
    """Four points the drawings put off their WHO 2008 place (issue 25), each checked against the
    drawing and the points WHO names beside it: SP12 on the groin crease (it was 1.3 cun below);
    ST40 level with ST38 (it was 0.6 cun above); KI8 0.5 cun in front of KI7 (it was 1 cun);
    GV20 at the vertex, level with the ear apices, on the top of the head (it was behind the crown)."""
    view, x, y = points["SP12"]
    crease = _open_curve_y_at(landmark(view, "groin-crease").shape, x)
    assert view == "thigh-front" and abs(y - crease) <= 0.25 * VIEWS[view].units_per_cun("y")
    (view, _, y40), (view38, _, y38) = points["ST40"], points["ST38"]
    assert view == view38 == "leg-front" and abs(y40 - y38) <= 0.25 * VIEWS[view].units_per_cun("y")
    (view, x8, y8), (view7, x7, y7) = points["KI8"], points["KI7"]
    cun = VIEWS[view].units_per_cun("x")
    assert view == view7 == "leg-medial" and abs(y8 - y7) <= 0.25 * cun and abs((x7 - x8) / cun - 0.5) <= 0.25
    assert x8 > _open_curve_x_at(landmark(view, "tibia-medial-border").shape, y8), "behind the tibia's border"
    view, x, y = points["GV20"]
    vertex = VIEWS["head-top"].landmarks["vertex"]
    assert view == "head-top" and math.dist((x, y), vertex) <= 0.25 * VIEWS[view].units_per_cun("y")
