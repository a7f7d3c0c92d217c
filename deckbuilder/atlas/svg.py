"""The atlas as SVG: a view's shared drawing, a point's marker over it, and the region quiz.

Each picture has two panels: a small overview of the whole body (or limb) with the region
boxed, and a close-up of that region with named landmarks. A card stacks two images of the same
size: the view's drawing (`base`), shared by every point on it, and the point's marker, label
and cun dimension line (`overlay`). Output is byte-identical from run to run.
"""

from __future__ import annotations

import base64
import functools
import math
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from .geometry import Point, Shape, Transform, fmt
from .labels import ANSWER_FONT, FONT, LINE_H, Ink, answer_box, ink, layout_column, seg_hits_box, text_w, wrap
from .views import FIGURES, VIEWS, Landmark, Position

# A part of a view to show instead of its whole close-up window (x0, y0, x1, y1, in the view's
# units; None: the whole window): a question zoomed where points crowd.
Window = tuple[float, float, float, float] | None

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
MARKER_CLEAR = 14.0   # no text nearer the marker's centre: its ticks reach 12
Box = tuple[float, float, float, float]   # left, top, width, height (image units)

# Sizes are in image units. Cards show the image at the full card width, which
# is about 340 CSS px on a phone, so one unit is 0.85 px there: FONT 14 gives
# labels of about 12 px. The image is always 400 wide; its height depends on
# the view (``View.height``), so no view wastes screen on empty space.
TITLE_FONT = 14.0
CAPTION_FONT = 11.0  # orientation captions under the close-up
W = 400.0            # whole image width (viewBox)
TOP = 26.0           # panels start below the title
OV_X, OV_W = 6.0, 60.0     # overview panel (narrow: it only says where on the body)
CU_X, CU_W = 72.0, 322.0   # close-up panel


def _panels(height: float) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """Overview and close-up panels (x, y, w, h) of an image this tall."""
    h = height - TOP - 6.0
    return (OV_X, TOP, OV_W, h), (CU_X, TOP, CU_W, h)


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


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
        return (f'<ellipse cx="{fmt(c[0])}" cy="{fmt(c[1])}" rx="{fmt(rx * s)}" '
                f'ry="{fmt(ry * s)}" {attrs}/>')
    return f'<path d="{shape.path(tf)}" {attrs}/>'


def _silhouette(shapes: Sequence[Shape], tf: Transform, s: float, width: float) -> list[str]:
    """Union outline of overlapping shapes: fat strokes first, fills on top."""
    out = [_shape_el(sh, tf, s, f'fill="{OUTLINE}" stroke="{OUTLINE}" stroke-width="{fmt(width * 2)}" '
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


def _text(x: float, y: float, lines: Sequence[str], anchor: str, size: float = FONT,
          fill: str = INK, extra: str = "") -> str:
    attrs = (f'x="{fmt(x)}" y="{fmt(y)}" font-size="{fmt(size)}" fill="{fill}" '
             f'text-anchor="{anchor}"{extra}')
    if len(lines) == 1:
        return f"<text {attrs}>{_esc(lines[0])}</text>"
    spans = "".join(
        f'<tspan x="{fmt(x)}" dy="{fmt(0 if i == 0 else size * 1.1)}">{_esc(t)}</tspan>'
        for i, t in enumerate(lines)
    )
    return f"<text {attrs}>{spans}</text>"


def _marker(x: float, y: float, big: bool) -> list[str]:
    """Filled dot + white gap + dark ring (+ ticks when big): readable without colour."""
    r_in, r_out, sw = (3.6, 6.6, 1.6) if big else (2.6, 4.6, 1.2)
    out = [
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r_out)}" fill="{HALO}" fill-opacity="0.9" '
        f'stroke="{INK}" stroke-width="{fmt(sw)}"/>',
        f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r_in)}" fill="{MARKER}"/>',
    ]
    if big:
        ticks = []
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            ticks.append(f"M{fmt(x + dx * 8.6)} {fmt(y + dy * 8.6)}L{fmt(x + dx * 12)} {fmt(y + dy * 12)}")
        out.append(f'<path d="{"".join(ticks)}" stroke="{INK}" stroke-width="1.5" '
                   'stroke-linecap="round"/>')
    return out


@dataclass(frozen=True)
class _Frame:
    """Where a view's panels are and how its coordinates map into them: all that a point's
    marker or a quiz tag needs, without drawing the view."""

    height: float
    overview_fit: tuple[float, float, float]  # whole figure -> overview panel (s, dx, dy)
    to_figure: Transform                      # close-up coordinates -> whole figure
    closeup_fit: tuple[float, float, float]   # close-up coordinates -> close-up panel
    panel: tuple[float, float, float, float]  # the close-up panel
    bounds: tuple[float, float, float, float]  # the window of the view it shows (x0, y0, x1, y1)

    def overview(self, p: Point) -> Point:
        s, dx, dy = self.overview_fit
        x, y = self.to_figure(p)
        return (x * s + dx, y * s + dy)

    def closeup(self, p: Point) -> Point:
        s, dx, dy = self.closeup_fit
        return (p[0] * s + dx, p[1] * s + dy)


@functools.cache
def _frame(view: str, window: Window = None) -> _Frame:
    v = VIEWS[view]
    OV, CU = _panels(v.height)
    overview_fit = _fit(FIGURES[v.overview][1], (OV[0] + 3, OV[1] + 3, OV[2] - 6, OV[3] - 6))
    lw, rw = v.label_columns  # the close-up: the window scaled into the space the label columns leave
    bounds = window or v.bounds
    closeup_fit = _fit(bounds, (CU[0] + lw, CU[1], CU[2] - lw - rw, CU[3] - CAPTION_FONT - 4))
    return _Frame(v.height, overview_fit, _tf(*v.overview_map), closeup_fit, CU, bounds)


@dataclass(frozen=True)
class _Layout:
    """What every picture of one view shares: the drawing, and where its parts are."""

    frame: _Frame
    drawing: tuple[str, ...]                  # SVG elements of the picture without any point
    label_boxes: tuple[tuple[float, float, float, float], ...]
    leaders: tuple[tuple[Point, Point], ...]
    ink: tuple[Ink, ...]                      # drawn structures an answer label should not hide


def _named_in(lm: Landmark, bounds: tuple[float, float, float, float], zoomed: bool) -> Landmark | None:
    """The structure as this window names it, or None: a zoomed window names what it shows, tied
    to a point of its drawing inside the window where its usual anchor lies outside."""
    if not lm.label or lm.anchor is None:
        return None
    x0, y0, x1, y1 = bounds
    if x0 <= lm.anchor[0] <= x1 and y0 <= lm.anchor[1] <= y1:
        return lm
    mx, my = (x1 - x0) * 0.04, (y1 - y0) * 0.04
    inside = [p for p in lm.shape.polygon(4) if x0 + mx <= p[0] <= x1 - mx and y0 + my <= p[1] <= y1 - my]
    if not zoomed or not inside:
        return None
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    return replace(lm, anchor=min(inside, key=lambda p: (math.dist(p, centre), p)))


Words = tuple[tuple[str, str], ...]  # (English, translation) of the texts a picture shows


@functools.cache
def _layout(view: str, window: Window = None, words: Words = ()) -> _Layout:
    v = VIEWS[view]
    if words:  # a deck in another language: the same drawing, its texts translated
        said = dict(words)
        v = replace(v, title=said.get(v.title, v.title), orientation=tuple(said.get(o, o) for o in v.orientation),
                    drawing=tuple(replace(lm, label=said.get(lm.label, lm.label)) for lm in v.drawing))
    frame = _frame(view, window)
    bounds = frame.bounds
    whole = _frame(view)
    H = v.height
    OV, CU = _panels(H)

    out: list[str] = [
        f'<rect x="0.5" y="0.5" width="{fmt(W - 1)}" height="{fmt(H - 1)}" rx="9" fill="{BG}" '
        f'stroke="{FRAME}"/>',
        _text(9, 19, [v.title], "start", TITLE_FONT, INK, ' font-weight="bold"'),
        f'<path d="M{fmt(CU[0] - 5)} {fmt(CU[1] + 4)}V{fmt(CU[1] + CU[3] - 4)}" stroke="{FRAME}"/>',
    ]

    # Overview panel: whole figure and the region boxed.
    s, dx, dy = frame.overview_fit
    otf = _tf(s, dx, dy)
    out += _silhouette(FIGURES[v.overview][0], otf, s, 0.9)
    bx0, by0 = frame.overview((bounds[0], bounds[1]))
    bx1, by1 = frame.overview((bounds[2], bounds[3]))
    bx0, by0 = max(bx0, OV[0] + 1), max(by0, OV[1] + 1)
    bx1, by1 = min(bx1, OV[0] + OV[2] - 1), min(by1, OV[1] + OV[3] - 1)
    out.append(f'<rect x="{fmt(bx0)}" y="{fmt(by0)}" width="{fmt(bx1 - bx0)}" height="{fmt(by1 - by0)}" '
               f'fill="none" stroke="{INK}" stroke-width="1" stroke-dasharray="3 2"/>')

    # Close-up panel.
    s = frame.closeup_fit[0]
    tf = frame.closeup
    wx0, wy0 = tf((bounds[0], bounds[1]))
    wx1, wy1 = tf((bounds[2], bounds[3]))
    out.append(f'<defs><clipPath id="closeup"><rect x="{fmt(wx0)}" y="{fmt(wy0)}" '
               f'width="{fmt(wx1 - wx0)}" height="{fmt(wy1 - wy0)}" rx="4"/></clipPath></defs>')
    out.append('<g clip-path="url(#closeup)">')
    if v.picture:   # the body as rendered from the view's camera, whose crop is the view's window (a zoomed
        # window shows a part of it: the rest lies outside the clip)
        (px0, py0), (px1, py1) = tf((v.bounds[0], v.bounds[1])), tf((v.bounds[2], v.bounds[3]))
        out.append(f'<image x="{fmt(px0)}" y="{fmt(py0)}" width="{fmt(px1 - px0)}" height="{fmt(py1 - py0)}" '
                   f'preserveAspectRatio="none" href="data:image/png;base64,{base64.b64encode(v.picture).decode()}"/>')
    else:
        out += _silhouette(v.outline, tf, s, 1.1)
    for lm in v.drawing:
        for attrs in _STYLES[lm.style]:
            out.append(_shape_el(lm.shape, tf, s, attrs))
    out.append("</g>")
    cap_y = wy1 + CAPTION_FONT + 1
    cap_w0, cap_w1 = (text_w(c, CAPTION_FONT) for c in v.orientation)
    # under a narrow window (a limb) the two captions move apart, so as not to run together
    spread = max(0.0, (cap_w0 + cap_w1 + 10 - (wx1 - wx0 - 4)) / 2)
    cap_x0, cap_x1 = max(wx0 + 2 - spread, CU[0] - 3), min(wx1 - 2 + spread, W - 3)
    out.append(_text(cap_x0, cap_y, [v.orientation[0]], "start", CAPTION_FONT, MUTED, ' font-style="italic"'))
    out.append(_text(cap_x1, cap_y, [v.orientation[1]], "end", CAPTION_FONT, MUTED, ' font-style="italic"'))

    # Landmark labels in columns with leader lines; the captions are in the way of labels too.
    label_boxes: list[tuple[float, float, float, float]] = [
        (cap_x0, cap_y - CAPTION_FONT, cap_w0, CAPTION_FONT + 3),
        (cap_x1 - cap_w1, cap_y - CAPTION_FONT, cap_w1, CAPTION_FONT + 3)]
    leaders: list[tuple[Point, Point]] = []
    named = [lm for lm in (_named_in(lm, bounds, window is not None) for lm in v.drawing) if lm is not None]
    for side in ("left", "right"):
        lms = [lm for lm in named if lm.side == side and lm.label_at is None]
        lms.sort(key=lambda lm: (tf(lm.anchor)[1], lm.key))  # type: ignore[arg-type]
        if not lms:
            continue
        room = wx0 - 4 - (CU[0] - 3) if side == "left" else W - 3 - (wx1 + 4)
        wrapped = [wrap(lm.label.split("\n"), FONT, room) for lm in lms]
        items = [(tf(lm.anchor)[1], len(lines)) for lm, lines in zip(lms, wrapped)]  # type: ignore[arg-type]
        # captions moved apart reach under the columns: the columns then end above them
        tops = layout_column(items, CU[1] + 2, CU[1] + CU[3] - 2 if not spread else cap_y - CAPTION_FONT - 2)
        for lm, top, lines in zip(lms, tops, wrapped):
            ax, ay = tf(lm.anchor)  # type: ignore[arg-type]
            tw = max(text_w(t, FONT) for t in lines)
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
            out.append(f'<path d="M{fmt(lx)} {fmt(ly)}L{fmt(ax)} {fmt(ay)}" stroke="{LEADER}" '
                       'stroke-width="0.8" fill="none"/>')
            out.append(f'<circle cx="{fmt(ax)}" cy="{fmt(ay)}" r="1.6" fill="{INK}"/>')
            out.append(_text(tx, top + FONT * 0.8, lines, anchor))

    for lm in named:
        if lm.label_at is not None:
            lines = lm.label.split("\n")
            ax, ay = tf(lm.anchor)
            # as far from its anchor as on the whole view's picture, whatever the zoom
            (tx, top), (ox, oy) = whole.closeup(lm.label_at), whole.closeup(lm.anchor)
            tx, top = ax + tx - ox, ay + top - oy
            h = len(lines) * LINE_H
            tw = max(text_w(t, FONT) for t in lines)
            tx = min(tx, wx1 - tw - 2)   # never past the close-up window
            if window is not None:
                tx, top = max(tx, wx0 + 2), max(min(top, wy1 - h - 2), wy0 + 2)
            spot = _free_spot((tx, top, tw, h), label_boxes, (wx0 + 2, wy0 + 2, wx1 - 2, wy1 - 2))
            if spot is None and window is not None:
                continue   # zoomed in, it would lie on another name: the ones already there say enough
            tx, top = spot or (tx, top)
            label_boxes.append((tx, top, tw, h))
            lx, ly = tx + 6, (top - 1 if ay < top else top + h + 1)
            leaders.append(((lx, ly), (ax, ay)))
            out.append(f'<path d="M{fmt(lx)} {fmt(ly)}L{fmt(ax)} {fmt(ay)}" '
                       f'stroke="{LEADER}" stroke-width="0.8" fill="none"/>')
            out.append(f'<circle cx="{fmt(ax)}" cy="{fmt(ay)}" r="1.6" fill="{INK}"/>')
            out.append(_text(tx, top + FONT * 0.8, lines, "start", FONT, INK,
                             f' stroke="{BG}" stroke-width="3" stroke-linejoin="round" '
                             'paint-order="stroke"'))

    drawn = tuple(ink([tf(p) for p in lm.shape.polygon(4)]) for lm in v.drawing
                  if lm.style not in ("shade", "none", "faint"))
    return _Layout(frame, tuple(out), tuple(label_boxes), tuple(leaders), drawn)


def _free_spot(box: tuple[float, float, float, float], taken: Sequence[tuple[float, float, float, float]],
               within: tuple[float, float, float, float]) -> Point | None:
    """The nearest place for a name, moved up to 30 units, where it lies on no other (a font
    wider than the one it was placed for pushes names into each other)."""
    x, y, w, h = box
    for dx, dy in _NUDGES:
        nx, ny = x + dx, y + dy
        if (within[0] <= nx and nx + w <= within[2] and within[1] <= ny and ny + h <= within[3]
                and not any(nx < bx + bw + 1 and bx < nx + w + 1 and ny < by + bh + 1 and by < ny + h + 1
                            for bx, by, bw, bh in taken)):
            return nx, ny
    return None


_NUDGES = sorted(((dx * 3.0, dy * 3.0) for dx in range(-10, 11) for dy in range(-10, 11)),
                 key=lambda d: (abs(d[0]) + 1.5 * abs(d[1]), d))


def _svg(height: float, elements: Sequence[str]) -> bytes:
    return ("\n".join([
        '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'viewBox="0 0 {fmt(W)} {fmt(height)}" width="{fmt(W)}" height="{fmt(height)}" '
        'preserveAspectRatio="xMidYMid meet" font-family="sans-serif">',
        *elements, "</svg>"]) + "\n").encode("utf-8")


def base(view: str, words: Words = (), *, window: Window = None) -> bytes:
    """SVG bytes (UTF-8) of the view with no point on it: the body, its landmarks and their names.

    Cards show it under an `overlay` of the same size, so a deck holds each view's drawing once
    (and each zoomed `window` of it once, shared by the points it is drawn for).
    """
    layout = _layout(view, window, words)
    return _svg(layout.frame.height, layout.drawing)


def _within(bounds: tuple[float, float, float, float], inside: Point, p: Point) -> Point:
    """`p`, or where the line to it from `inside` leaves the window."""
    t = 1.0
    for axis in (0, 1):
        d = p[axis] - inside[axis]
        for edge in (bounds[axis], bounds[axis + 2]):
            if d and 0 <= (edge - inside[axis]) / d < t:
                t = (edge - inside[axis]) / d
    return p if t == 1.0 else (inside[0] + (p[0] - inside[0]) * t, inside[1] + (p[1] - inside[1]) * t)


def _measure_spot(origin: Point, marker: Point, tw: float, size: float, taken: Sequence[Box],
                  panel: Box) -> Point:
    """Where the measure's text goes (its middle, baseline): beside the line, nearest its middle,
    clear of the marker and its ticks and of the view's names; off the line's far end where the
    line is too short."""
    (ox, oy), (mx, my) = origin, marker
    length = math.hypot(ox - mx, oy - my) or 1.0
    ux, uy = (ox - mx) / length, (oy - my) / length
    spots = [(mx + (ox - mx) * t, my + (oy - my) * t + lift)
             for t in (0.5, 0.35, 0.65, 0.2, 0.8, 1.0) for lift in (-4.0, size + 2)]
    spots += [(ox + ux * (tw / 2 + 6), oy + uy * (size + 4) + size * 0.35)]
    spots += [(x + dx, y) for x, y in spots for dx in (-tw / 2, tw / 2)]
    # a line too short to write beside: around the marker, clear of its ticks
    spots += [(mx + dx * (tw / 2 + 16), my + dy) for dy in (-16.0, 16 + size * 0.8, -16 - size, 30 + size)
              for dx in (0, -1, 1, -2, 2)]
    best: tuple[int, Point] | None = None
    for tx, ty in spots:
        left, top = tx - tw / 2, ty - size * 0.8
        nx, ny = min(max(mx, left), left + tw), min(max(my, top), top + size)
        if (math.hypot(nx - mx, ny - my) < MARKER_CLEAR or left < panel[0] - 3 or left + tw > W - 3
                or top < panel[1] or top + size > panel[1] + panel[3]):
            continue
        hidden = sum(1 for bx, by, bw, bh in taken
                     if left < bx + bw + 1 and bx < left + tw + 1 and top < by + bh + 1 and by < top + size + 1)
        if best is None or hidden < best[0]:
            best = (hidden, (tx, ty))
        if not hidden:
            break
    return best[1] if best else spots[0]


def overlay(view: str, position: Position, *, label: str | None = None, window: Window = None,
            words: Words = ()) -> bytes:
    """SVG bytes (UTF-8), transparent but for the point: its markers in both panels and, with a
    label ('BL60 Kunlun', answer side), that label beside the close-up marker and the cun
    dimension line from the landmark it was measured from. label=None is the question side:
    NO text naming the point, and no measure that would give the landmark away."""
    frame = _frame(view, window)
    x, y = float(position.x), float(position.y)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError("marker position must be finite")
    out = _marker(*frame.overview((x, y)), big=False)
    mx, my = frame.closeup((x, y))
    measured: list[tuple[float, float, float, float]] = []   # the measure's text: the label keeps off it
    if label is not None and position.origin is not None:
        origin = _within(frame.bounds, (x, y), position.origin)
        ox, oy = frame.closeup(origin)
        out.append(f'<path d="M{fmt(ox)} {fmt(oy)}L{fmt(mx)} {fmt(my)}" stroke="{MARKER}" stroke-width="1.6" '
                   'stroke-dasharray="4 3" fill="none"/>')
        if origin == position.origin:  # a zoomed window may leave the landmark out: the line runs off
            out.append(f'<circle cx="{fmt(ox)}" cy="{fmt(oy)}" r="2.4" fill="{MARKER}"/>')
        size = FONT   # a fact of the answer: as large as the names
        tw = text_w(position.measure, size, bold=True)
        tx, ty = _measure_spot((ox, oy), (mx, my), tw, size, _layout(view, window, words).label_boxes, frame.panel)
        measured.append((tx - tw / 2 - 1, ty - size * 0.8 - 1, tw + 2, size + 2))
        out.append(_text(tx, ty, [position.measure], "middle", size, MARKER,
                         f' font-weight="bold" stroke="{HALO}" stroke-width="3" paint-order="stroke"'))
    out += _marker(mx, my, big=True)
    if label is not None:
        layout = _layout(view, window, words)  # the label keeps clear of what the view draws
        lines = [label]
        taken = [*layout.label_boxes, *measured]
        (bx, by, bw, bh), cost = answer_box(mx, my, lines, taken, layout.leaders, layout.ink, frame.panel)
        if cost >= 1000 and " " in label:   # no clear spot for one line: the code above the name
            two = label.split(" ", 1)
            box, cost2 = answer_box(mx, my, two, taken, layout.leaders, layout.ink, frame.panel)
            if cost2 < cost:
                lines, (bx, by, bw, bh) = two, box
        nx, ny = min(max(mx, bx), bx + bw), min(max(my, by), by + bh)
        gap = math.hypot(nx - mx, ny - my)
        if gap > 16:   # far from the marker: tie the label to it
            ex, ey = mx + (nx - mx) * 8 / gap, my + (ny - my) * 8 / gap
            out.append(f'<path d="M{fmt(nx)} {fmt(ny)}L{fmt(ex)} {fmt(ey)}" stroke="{INK}" '
                       'stroke-width="1.2"/>')
        out.append(f'<rect x="{fmt(bx)}" y="{fmt(by)}" width="{fmt(bw)}" height="{fmt(bh)}" rx="3" '
                   f'fill="{HALO}" stroke="{INK}" stroke-width="1"/>')
        out.append(_text(bx + 5, by + ANSWER_FONT + 2, lines, "start", ANSWER_FONT, INK, ' font-weight="bold"'))
    return _svg(frame.height, out)


def span(view: str, start: str, end: str) -> bytes:
    """SVG bytes (UTF-8), transparent but for a dimension line between two of the view's landmarks,
    in both panels: the span a bone measure divides into cun, shown over the view's drawing."""
    frame, marks = _frame(view), VIEWS[view].landmarks
    out = []
    for to_panel, width in ((frame.overview, 1.4), (frame.closeup, 2.4)):
        (ax, ay), (bx, by) = to_panel(marks[start]), to_panel(marks[end])
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx, ny = -(by - ay) / length * width * 3, (bx - ax) / length * width * 3  # the end ticks, across
        ticks = "".join(f"M{fmt(x - nx)} {fmt(y - ny)}L{fmt(x + nx)} {fmt(y + ny)}" for x, y in ((ax, ay), (bx, by)))
        path = f"M{fmt(ax)} {fmt(ay)}L{fmt(bx)} {fmt(by)}{ticks}"
        out.append(f'<path d="{path}" stroke="{HALO}" stroke-width="{fmt(width + 3)}" stroke-linecap="round" '
                   'fill="none"/>')
        out.append(f'<path d="{path}" stroke="{MARKER}" stroke-width="{fmt(width)}" stroke-linecap="round" '
                   'fill="none"/>')
    return _svg(frame.height, out)


DOT_R = 2.6      # a quiz point's dot
_DOT_CLEAR = DOT_R + 2.5   # no tag comes nearer a dot than this
_LEADER_MIN = 9.0   # a tag this far from its own dot at least, so that the line to it shows
_GAP = 2.0       # between two tags
_STEP = 3.0      # how far apart the spots tried along a row are


def _crosses_dot(a: Point, b: Point, dot: Point) -> bool:
    """Whether the leader from a to b passes over the dot (its ends excepted)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if not length:
        return False
    t = ((dot[0] - a[0]) * dx + (dot[1] - a[1]) * dy) / length
    if t <= 0 or t >= 1:
        return False
    return math.hypot(a[0] + t * dx - dot[0], a[1] + t * dy - dot[1]) < DOT_R + 1


def _leader_end(dot: Point, box: Box) -> Point:
    x, y, w, h = box
    return min(max(dot[0], x), x + w), min(max(dot[1], y), y + h)


def _free_x(x: float, direction: int, forbidden: list[tuple[float, float]], lo: float, hi: float) -> float | None:
    """The first left edge from x on, going `direction`, outside every (open) forbidden span."""
    moved = True
    while moved:
        moved = False
        for a, b in forbidden:
            if a < x < b:
                x, moved = (b if direction > 0 else a), True
    return x if lo <= x <= hi else None


def quiz_boxes(view: str, points: Sequence[tuple[float, float, str]], words: Words = ()) -> list[Box | None]:
    """Where `quiz` puts each point's tag: (left, top, width, height) in the picture's units, or
    None where no spot is left (the caller then splits the picture).

    A tag sits beside its point, at its level (its middle at most its own height above or below),
    tied to it by a line: never over a dot, another tag, a landmark's name or the overview, and as
    little as it can over what the view draws (the vertebrae and creases a learner counts by).
    Anki's masks are the tags, so a mask hides one tag and nothing else.
    """
    layout = _layout(view, None, words)
    dots = [layout.frame.closeup((float(x), float(y))) for x, y, _ in points]
    h = ANSWER_FONT + 8
    crowd = [sum(1 for q in dots if abs(q[1] - p[1]) < h) for p in dots]
    # the most crowded rows first (they have the fewest spots to choose from); where that leaves a
    # tag without a spot, other orders, before the caller splits the picture
    orders = [sorted(range(len(points)), key=lambda i: (-crowd[i], dots[i][1], dots[i][0])),
              sorted(range(len(points)), key=lambda i: (dots[i][1], dots[i][0])),
              sorted(range(len(points)), key=lambda i: (-dots[i][1], dots[i][0])),
              sorted(range(len(points)), key=lambda i: (-abs(dots[i][0] - W / 2), dots[i][1]))]
    best: list[Box | None] = []
    for order in orders:
        boxes = _place(layout, points, dots, order)
        if not best or sum(b is None for b in boxes) < sum(b is None for b in best):
            best = boxes
        if all(b is not None for b in best):
            break
    return best


def _place(layout: _Layout, points: Sequence[tuple[float, float, str]], dots: list[Point],
           order: list[int]) -> list[Box | None]:
    """The tags placed one by one in this order, each at the best spot the ones before it leave."""
    frame = layout.frame
    blocked = [*layout.label_boxes, (0.0, 0.0, W, TOP)]
    boxes: list[Box | None] = [None] * len(points)
    placed: list[Box] = []
    leaders: list[tuple[Point, Point]] = []
    h = ANSWER_FONT + 8
    for i in order:
        mx, my = dots[i]
        w = text_w(points[i][2], ANSWER_FONT, bold=True) + 10
        best: tuple[float, Box] | None = None
        for dy in (0.0, -h / 3, h / 3, -2 * h / 3, 2 * h / 3, -0.95 * h, 0.95 * h):   # rounding keeps it within h
            top = my - h / 2 + dy
            if top < TOP or top + h > frame.height - 1:
                continue
            forbidden = [(ox - w - _GAP, ox + ow + _GAP) for ox, oy, ow, oh in placed
                         if top - _GAP < oy + oh and oy < top + h + _GAP]
            forbidden += [(ox - w - 1, ox + ow + 1) for ox, oy, ow, oh in blocked
                          if top - 1 < oy + oh and oy < top + h + 1]
            for j, (qx, qy) in enumerate(dots):   # its own dot a little farther: the leader shows
                clear = _LEADER_MIN if j == i else _DOT_CLEAR
                if top - clear < qy < top + h + clear:
                    forbidden.append((qx - w - clear, qx + clear))
            for direction in (1, -1):
                x = mx - w / 2
                while True:
                    x = _free_x(x, direction, forbidden, CU_X - 4, W - 1 - w)  # the overview stays whole
                    if x is None:
                        break
                    box = (x, top, w, h)
                    end = _leader_end((mx, my), box)
                    lo_x, hi_x = min(mx, end[0]) - 4, max(mx, end[0]) + 4   # only dots near the line can be crossed
                    lo_y, hi_y = min(my, end[1]) - 4, max(my, end[1]) + 4
                    if (any(_crosses_dot((mx, my), end, q) for j, q in enumerate(dots)
                            if j != i and lo_x < q[0] < hi_x and lo_y < q[1] < hi_y)
                            or any(seg_hits_box((mx, my), end, other) for other in placed)
                            or any(seg_hits_box(a, b, box) for a, b in leaders)):   # a line under a mask
                        x += direction * _STEP
                        continue
                    cost = math.hypot(end[0] - mx, end[1] - my) + 2 * abs(dy) + 4 * _ink_hidden(box, layout.ink)
                    if best is None or cost < best[0]:
                        best = (cost, box)
                    break   # farther along this row only costs more
        if best is not None:
            boxes[i] = best[1]
            placed.append(best[1])
            leaders.append(((mx, my), _leader_end((mx, my), best[1])))
    return boxes


def _ink_hidden(box: Box, drawn: Sequence[Ink]) -> int:
    """How many sampled points of the drawn structures the box would hide."""
    x, y, w, h = box
    hidden = 0
    for (left, top, right, bottom), pts in drawn:
        if left > x + w or right < x or top > y + h or bottom < y:
            continue
        hidden += sum(1 for px, py in pts if x <= px <= x + w and y <= py <= y + h)
    return hidden


def quiz_size(view: str) -> tuple[float, float]:
    return W, _frame(view).height


def on_picture(view: str, p: Point, window: Window = None) -> Point:
    """Where a position of the view is on its picture (image units; the image is 400 wide)."""
    return _frame(view, window).closeup(p)


def quiz(view: str, points: Sequence[tuple[float, float, str]], words: Words = ()) -> bytes:
    """The view with every point marked and its code in a tag beside it: the picture of Anki's
    image occlusion, whose masks are the tags (`quiz_boxes`, every one of which must be placed)."""
    layout = _layout(view, None, words)
    out = list(layout.drawing)
    lines, dots, tags = [], [], []
    for box, (x, y, label) in zip(quiz_boxes(view, points, words), points):
        if box is None:
            raise ValueError(f"no room for the tag of {label} on {view}: split the quiz")
        bx, by, w, h = box
        mx, my = layout.frame.closeup((float(x), float(y)))
        nx, ny = _leader_end((mx, my), box)
        lines.append(f'<path d="M{fmt(mx)} {fmt(my)}L{fmt(nx)} {fmt(ny)}" stroke="{MARKER}" stroke-width="1.3"/>')
        dots.append(f'<circle cx="{fmt(mx)}" cy="{fmt(my)}" r="{fmt(DOT_R)}" fill="{MARKER}" stroke="{HALO}" '
                    'stroke-width="0.8"/>')
        tags.append(f'<rect x="{fmt(bx)}" y="{fmt(by)}" width="{fmt(w)}" height="{fmt(h)}" rx="3" '
                    f'fill="{HALO}" stroke="{MARKER}" stroke-width="1.5"/>')
        tags.append(_text(bx + 5, by + h - 6, [label], "start", ANSWER_FONT, INK, ' font-weight="bold"'))
    return _svg(layout.frame.height, out + lines + dots + tags)
