"""Landmarks on the atlas's body, and the WHO 2008 proportional bone measures taken between them.

A landmark is a vertex of the skin, chosen by a rule in body/landmarks.yaml that anyone can read
and check: the skin's furthest point in a direction, within a box around one of MakeHuman's joints
or a point, in the anatomical position (arms hanging, palms forwards; or, where a rule says
`pose: rest`, in MakeHuman's A-pose, which opens the armpit). Being vertices, landmarks
follow the body into any pose. The measures (WHO 2008's table of proportional bone measurements)
give each region's cun on the model (docs/atlas/proportions.md, written by tools/render_atlas.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from ..errors import DeckbuilderError
from .render import load_body, pose, posed_joints

POSE = "hanging"   # the pose the rules are written in


@lru_cache(maxsize=1)
def _rules() -> dict:
    text = resources.files("deckbuilder.atlas").joinpath("body/landmarks.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _centre(at, joints: dict[str, np.ndarray], found: dict[str, np.ndarray]) -> np.ndarray:
    if isinstance(at, str):
        return found[at] if at in found else joints[at]
    return np.asarray(at, float)


@lru_cache(maxsize=1)
def landmarks() -> dict[str, int]:
    """Each landmark's vertex index, by its rule."""
    body = load_body()
    posed = {name: (pose(body, name), posed_joints(body, name)) for name in ("rest", POSE)}
    found: dict[str, np.ndarray] = {}
    index: dict[str, int] = {}
    for name, rule in _rules()["landmarks"].items():
        vertices, joints = posed[rule.get("pose", POSE)]
        centre = _centre(rule["at"], joints, found) + np.asarray(rule.get("offset", (0, 0, 0)), float)
        inside = np.all(np.abs(vertices - centre) <= np.asarray(rule["box"], float), axis=1)
        if not inside.any():
            raise DeckbuilderError(f"landmark {name}: no skin within its box in body/landmarks.yaml")
        candidates = np.flatnonzero(inside)
        best = candidates[np.argmax(vertices[candidates] @ np.asarray(rule["most"], float))]
        index[name], found[name] = int(best), vertices[best]
    return index


def positions(pose_name: str = POSE) -> dict[str, np.ndarray]:
    """Each landmark's position (cm) in a pose."""
    vertices = pose(load_body(), pose_name)
    return {name: vertices[i] for name, i in landmarks().items()}


@dataclass(frozen=True)
class Measure:
    """One of WHO 2008's proportional bone measures: from one landmark to another is `cun` B-cun."""

    start: str
    end: str
    cun: float
    how: str        # "straight", "vertical" (the difference in height), "across" (in x),
                    # "over" (along the skin, over the top) or "around-back" (along the skin, round the back)
    label: str

    def length(self, at: dict[str, np.ndarray], vertices: np.ndarray) -> float:
        """The measure on the model, in cm."""
        a, b = at[self.start], at[self.end]
        if self.how == "over":
            return _around(vertices, a, b, np.array([0.0, 1.0, 0.0]))
        if self.how == "around-back":
            return _around(vertices, a, b, np.array([0.0, 0.0, -1.0]))
        if self.how == "vertical":
            return float(abs(a[1] - b[1]))
        if self.how == "across":
            return float(abs(a[0] - b[0]))
        return float(np.linalg.norm(a - b))


def measures() -> list[Measure]:
    """The bone measures of body/landmarks.yaml, in its order."""
    return [Measure(m["from"], m["to"], float(m["cun"]), m.get("how", "straight"), m["label"])
            for m in _rules()["measures"]]


def _around(vertices: np.ndarray, start: np.ndarray, end: np.ndarray, via: np.ndarray) -> float:
    """The length along the skin from `start` to `end` the way `via` points (up: over the top of
    the head; back: around the back of it), in the plane through both and `via`: the outermost skin
    in each 2° around their midpoint, joined up."""
    across = (end - start) / np.linalg.norm(end - start)
    way = via - (via @ across) * across
    way /= np.linalg.norm(way)
    normal = np.cross(across, way)
    centre = (start + end) / 2
    near = vertices[np.abs((vertices - centre) @ normal) < 0.8] - centre
    u, w = near @ across, near @ way
    keep = w > -2   # the side `via` points to
    u, w = u[keep], w[keep]
    angles = np.degrees(np.arctan2(w, u))   # 180° at start, 90° the way of `via`, 0° at end
    radius = np.hypot(u, w)
    path = [np.array([-np.linalg.norm(end - start) / 2, 0.0])]
    for lo in np.arange(178, 0, -2):
        ring = (angles >= lo) & (angles < lo + 2)
        if ring.any():
            best = np.flatnonzero(ring)[np.argmax(radius[ring])]
            path.append(np.array([u[best], w[best]]))
    path.append(np.array([np.linalg.norm(end - start) / 2, 0.0]))
    return float(np.sum(np.linalg.norm(np.diff(np.array(path), axis=0), axis=1)))


def proportions_table() -> str:
    """docs/atlas/proportions.md: each WHO bone measure on the model, and the cun it gives."""
    vertices = pose(load_body(), POSE)
    at = positions()
    rows = ["# The body's proportions", "",
            "WHO 2008's proportional bone measures, taken on the atlas's body (MakeHuman's `hm08` base mesh,",
            "in the anatomical position) between the landmarks of `deckbuilder/atlas/body/landmarks.yaml`.",
            "Written by `python tools/render_atlas.py`; `tests/test_body.py` checks it is up to date.",
            "A region's cun is its measure's length divided by its count of B-cun: points placed in that",
            "region take their cun from it, so the model is in proportion by construction.", "",
            "| measure | from | to | how | B-cun | on the model | 1 cun |", "|---|---|---|---|---:|---:|---:|"]
    for m in measures():
        length = m.length(at, vertices)
        rows.append(f"| {m.label} | `{m.start}` | `{m.end}` | {m.how} | {m.cun:g} | {length:.1f} cm | "
                    f"{length / m.cun:.2f} cm |")
    rows += ["", "How: *straight* is the distance between the two points; *vertical* the difference in their",
             "heights, standing; *across* the difference side to side; *over* and *around-back* follow the",
             "skin over the top or round the back of the head.",
             "", "The base mesh has no hair: its hairlines are conventions, written beside their rules."]
    return "\n".join(rows) + "\n"
