"""Pictures of the atlas's one body (MakeHuman's CC0 base mesh, see body/README.md).

A maintainer's tool: needs numpy and Pillow (the `atlas` extra); the deck's build never imports
it. An orthographic camera, a z-buffer, smooth vertex normals, one light and an outline, so the
same body, in proportion, is seen from every view's side.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image, ImageColor

from ..load import parse_text
from .svg import BG

SIDES = {  # the direction the camera looks, and which way is up on the picture
    "front": ((0, 0, -1), (0, 1, 0)), "back": ((0, 0, 1), (0, 1, 0)),
    "right": ((1, 0, 0), (0, 1, 0)), "left": ((-1, 0, 0), (0, 1, 0)),
    "top": ((0, -1, 0), (0, 0, 1)), "bottom": ((0, 1, 0), (0, 0, -1)),
}
# colours (RGB) of the skin in the light, in the shade, and of the outline: day sits on the card's
# white, night on its #1e1e20 (style.css) without glaring
PALETTE = {"day": ((238, 216, 196), (150, 122, 104), (70, 52, 44)),
           "night": ((132, 118, 108), (52, 46, 44), (196, 180, 168))}
LIGHT = np.array([-0.55, 0.6, 0.6])   # in camera space: from the upper left, in front
SUPERSAMPLE = 3


@dataclass(frozen=True)
class Body:
    """The mesh in centimetres (x to the person's left, y up, z forward) and its joints."""

    vertices: np.ndarray   # (n, 3) float
    triangles: np.ndarray  # (m, 3) int
    joints: dict[str, np.ndarray]
    weights: dict[str, np.ndarray]   # e.g. "r-upperarm": each vertex's share in that bone (0..1)


@dataclass(frozen=True)
class Camera:
    """An orthographic camera: looking along `direction` with `up` up; `crop` is the picture's
    window (left, bottom, right, top) in centimetres on the picture plane, through the origin;
    `depth` (near, far, cm along the direction) leaves out what is before or behind a part, such
    as the trunk in front of the inside of the arm."""

    direction: tuple[float, float, float]
    up: tuple[float, float, float]
    crop: tuple[float, float, float, float]
    depth: tuple[float, float] = (-1e9, 1e9)
    pose: str = "rest"   # of the arms: a key of POSES

    @classmethod
    def from_yaml(cls, raw: dict) -> Camera:
        """A camera from a view file's `camera:` (a `side`, or a `direction` and `up`, and a `crop`)."""
        direction, up = SIDES[raw["side"]] if "side" in raw else (raw["direction"], raw["up"])
        return cls(tuple(map(float, raw.get("direction", direction))), tuple(map(float, raw.get("up", up))),
                   tuple(map(float, raw["crop"])), tuple(map(float, raw.get("depth", (-1e9, 1e9)))),
                   raw.get("pose", "rest"))

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit vectors of the picture's right, its up and the viewing direction."""
        d = np.asarray(self.direction, float) / np.linalg.norm(self.direction)
        right = np.cross(d, self.up)
        right /= np.linalg.norm(right)
        return right, np.cross(right, d), d

    def project(self, points: np.ndarray, width: int, height: int) -> np.ndarray:
        """Picture coordinates (x right, y down, in pixels) and depth of 3D points, shape (n, 3)."""
        right, up, d = self.axes()
        x0, y0, x1, y1 = self.crop
        p = np.asarray(points, float)
        return np.stack([(p @ right - x0) / (x1 - x0) * width, (y1 - p @ up) / (y1 - y0) * height, p @ d], -1)

    def to_view(self, points: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
        """Points of the body in a view's own units, for a view whose window `bounds` is this crop
        (in proportion): so the view's landmarks are the body's, projected."""
        x0, y0, x1, y1 = bounds
        p = self.project(np.atleast_2d(points), x1 - x0, y1 - y0)
        return np.stack([x0 + p[:, 0], y0 + p[:, 1]], -1)

    def size(self, width: int) -> tuple[int, int]:
        """The picture's size in pixels: `width` wide, or less where it would be over 1.5 times as tall
        (a hanging arm), so that it fits a phone's screen."""
        x0, y0, x1, y1 = self.crop
        scale = min(width / (x1 - x0), 1.5 * width / (y1 - y0))
        return round(scale * (x1 - x0)), round(scale * (y1 - y0))


@lru_cache(maxsize=1)
def load_body() -> Body:
    """The body shipped in deckbuilder/atlas/body/body.npz, quads split into triangles."""
    with resources.files("deckbuilder.atlas").joinpath("body/body.npz").open("rb") as f, np.load(f) as data:
        quads = data["quads"].astype(np.int64)
        return Body(vertices=data["vertices"].astype(np.float64),
                    triangles=np.concatenate([quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]]),
                    joints=dict(zip(data["joint_names"].tolist(), data["joints"].astype(np.float64))),
                    weights={key[len("weight_"):].replace("_", "-"): data[key] / 255.0
                             for key in data.files if key.startswith("weight_")})


# The arms' poses: each arm's upper arm direction (for the right arm; the left mirrors it) and
# whether the elbow is straightened and the palm turned forwards, as in the anatomical position.
POSES = {"rest": None, "hanging": ((-0.14, -0.99, 0.0), True), "raised": ((-0.5, 0.87, 0.0), True)}


def _rotation(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation turning direction a into direction b."""
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    axis, cos = np.cross(a, b), float(a @ b)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + k + k @ k / (1 + cos)


def pose(body: Body, name: str) -> np.ndarray:
    """The vertices with both arms moved to a pose of POSES, by MakeHuman's skin weights (linear
    blend skinning): the upper arm turns about the shoulder, the forearm straightens about the
    elbow, and the forearm twists, more towards the wrist, until the palm faces forwards."""
    return _skin(body, name, body.vertices, body.weights)


def posed_joints(body: Body, name: str) -> dict[str, np.ndarray]:
    """MakeHuman's joint centres, moved with the bone they end: the elbow with the upper arm, the
    wrist and fingers with the hand."""
    names = list(body.joints)
    weights = {f"{side}-{part}": np.array([float(n.startswith(tuple(f"{side}-{j}" for j in joints))) for n in names])
               for side in "lr" for part, joints in (("upperarm", ("elbow",)), ("lowerarm", ()),
                                                     ("hand", ("hand", "finger")))}
    points = _skin(body, name, np.array([body.joints[n] for n in names]), weights)
    return dict(zip(names, points))


def _skin(body: Body, name: str, points: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    moved_points = points.copy()
    if POSES[name] is None:
        return moved_points
    direction, straight = POSES[name]
    for side, mirror in (("r", 1.0), ("l", -1.0)):
        j = {k: body.joints[f"{side}-{k}"] for k in ("shoulder", "elbow", "hand", "finger-2-1", "finger-5-1",
                                                     "finger-3-4")}
        down = np.array(direction) * (mirror, 1, 1)
        r1 = _rotation(j["elbow"] - j["shoulder"], down)
        elbow = j["shoulder"] + r1 @ (j["elbow"] - j["shoulder"])
        r2 = _rotation(r1 @ (j["hand"] - j["elbow"]), down) if straight else np.eye(3)
        # the palm's normal (towards the palm side), after the two turns; then the twist that faces it forwards
        palm = np.cross(j["finger-2-1"] - j["finger-5-1"], j["finger-3-4"] - j["hand"]) * mirror
        palm = r2 @ r1 @ palm
        flat = palm - (palm @ down) * down
        front = np.array([0.0, 0, 1]) - down[2] * down
        twist = np.arctan2(np.cross(flat, front) @ down, flat @ front) if straight else 0.0
        w_up, w_fore, w_hand = (weights[f"{side}-{part}"][:, None] for part in ("upperarm", "lowerarm", "hand"))
        upper = j["shoulder"] + (points - j["shoulder"]) @ r1.T
        bent = elbow + (upper - elbow) @ r2.T
        along = np.clip((bent - elbow) @ down / np.linalg.norm(j["hand"] - j["elbow"]), 0, 1)
        angle = (twist * along)[:, None]
        v = bent - elbow
        fore = elbow + v * np.cos(angle) + np.cross(down, v) * np.sin(angle) + np.outer(v @ down, down) * (
            1 - np.cos(angle))
        moved_points += w_up * upper + (w_fore + w_hand) * fore - (w_up + w_fore + w_hand) * points
    return moved_points


def vertex_normals(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Smooth normals: each vertex's the area-weighted sum of its triangles' normals."""
    a, b, c = (vertices[triangles[:, i]] for i in range(3))
    face = np.cross(b - a, c - a)
    normals = np.zeros_like(vertices)
    for i in range(3):
        np.add.at(normals, triangles[:, i], face)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)


def rasterize(screen: np.ndarray, triangles: np.ndarray, width: int, height: int):
    """Z-buffer: per pixel the nearest triangle's index (-1: none) and barycentric weights."""
    depth = np.full((height, width), np.inf)
    index = np.full((height, width), -1)
    weights = np.zeros((height, width, 3))
    tri = screen[triangles]                                    # (m, 3 corners, xyz)
    (ax, ay), (bx, by), (cx, cy) = tri[:, 0, :2].T, tri[:, 1, :2].T, tri[:, 2, :2].T
    area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    lo = np.floor(tri[:, :, :2].min(1)).astype(int)
    hi = np.ceil(tri[:, :, :2].max(1)).astype(int)
    keep = (np.abs(area) > 1e-9) & (hi[:, 0] >= 0) & (hi[:, 1] >= 0) & (lo[:, 0] < width) & (lo[:, 1] < height)
    for t in np.flatnonzero(keep):   # every triangle in the window: the nearest wins
        x0, y0 = np.maximum(lo[t], 0)
        x1, y1 = min(hi[t, 0], width - 1), min(hi[t, 1], height - 1)
        if x1 < x0 or y1 < y0:
            continue
        px, py = np.meshgrid(np.arange(x0, x1 + 1) + 0.5, np.arange(y0, y1 + 1) + 0.5)
        w1 = ((ax[t] - cx[t]) * (py - cy[t]) - (ay[t] - cy[t]) * (px - cx[t])) / area[t]
        w2 = ((bx[t] - ax[t]) * (py - ay[t]) - (by[t] - ay[t]) * (px - ax[t])) / area[t]
        w0 = 1 - w1 - w2
        inside = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
        z = w0 * tri[t, 0, 2] + w1 * tri[t, 1, 2] + w2 * tri[t, 2, 2]
        region = depth[y0:y1 + 1, x0:x1 + 1]
        nearer = inside & (z < region)
        region[nearer] = z[nearer]
        index[y0:y1 + 1, x0:x1 + 1][nearer] = t
        weights[y0:y1 + 1, x0:x1 + 1][nearer] = np.stack([w0, w1, w2], -1)[nearer]
    return depth, index, weights


def render(camera: Camera, width: int, mode: str = "day", body: Body | None = None) -> Image.Image:
    """The body seen by `camera`, `width` pixels wide, on a transparent background."""
    body = body or load_body()
    w, h = camera.size(width)
    W, H = w * SUPERSAMPLE, h * SUPERSAMPLE
    vertices = pose(body, camera.pose)
    screen = camera.project(vertices, W, H)
    near, far = camera.depth
    kept = body.triangles[((screen[body.triangles, 2] >= near) & (screen[body.triangles, 2] <= far)).all(1)]
    depth, index, weights = rasterize(screen, kept, W, H)
    right, up, d = camera.axes()
    normals = vertex_normals(vertices, body.triangles) @ np.stack([right, up, -d], 1)
    hit = index >= 0
    n = np.einsum("pk,pkc->pc", weights[hit], normals[kept[index[hit]]])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    light = np.clip(n @ (LIGHT / np.linalg.norm(LIGHT)), 0, 1) ** 1.5 * 0.85 + 0.15
    lit, shade, line = (np.array(c, float) for c in PALETTE[mode])
    rgb = np.zeros((H, W, 3))
    rgb[hit] = shade + (lit - shade) * light[:, None]
    rgb[_outline(depth, hit, (camera.crop[2] - camera.crop[0]) / W)] = line
    alpha = np.where(hit, 255, 0)
    picture = Image.fromarray(np.dstack([rgb, alpha]).round().astype(np.uint8), "RGBA")
    return picture.resize((w, h), Image.LANCZOS)


def silhouette(camera: Camera, bounds: tuple[float, float, float, float],
               step: float = 2.0) -> list[list[tuple[float, float]]]:
    """The body's outline in a view's units, for checking that a point lies on the body: every
    `step` units down, the runs of skin across, a run more than 3 units from the next its own part
    (the thigh beside a hanging hand, a spread thumb); each part's runs joined into a closed line, a
    unit outside the skin and a row beyond its ends, so a point on the edge is on it (narrow gaps
    between fingers are inside)."""
    body = load_body()
    x0, y0, x1, y1 = bounds
    w, h = round(4 * (x1 - x0)), round(4 * (y1 - y0))   # 4 pixels per unit
    screen = camera.project(pose(body, camera.pose), w, h)
    near, far = camera.depth
    kept = body.triangles[((screen[body.triangles, 2] >= near) & (screen[body.triangles, 2] <= far)).all(1)]
    _, index, _ = rasterize(screen, kept, w, h)
    filled = np.flatnonzero((index >= 0).any(1))
    parts: list[list[tuple[float, float, float]]] = []   # each: (y, left, right) down the picture
    open_parts: list[int] = []
    for row in sorted({*range(filled[0], filled[-1], round(4 * step)), filled[-1]}):
        hit = np.flatnonzero(index[row] >= 0)
        breaks = np.flatnonzero(np.diff(hit) > 12) if hit.size else []
        runs = [(run[0], run[-1] + 1) for run in np.split(hit, np.asarray(breaks) + 1) if run.size]
        y = y0 + (row + 0.5) / 4
        still = []
        for left, right in runs:
            left, right = x0 + left / 4 - 1, x0 + right / 4 + 1
            joined = next((i for i in open_parts if i not in still and parts[i][-1][1] <= right
                           and left <= parts[i][-1][2]), None)
            if joined is None:
                parts.append([])
                joined = len(parts) - 1
            parts[joined].append((y, left, right))
            still.append(joined)
        open_parts = still
    shapes = []
    for part in parts:
        part = [(part[0][0] - step, *part[0][1:])] + part + [(part[-1][0] + step, *part[-1][1:])]
        shapes.append([(round(left, 1), round(y, 1)) for y, left, _ in part]
                      + [(round(right, 1), round(y, 1)) for y, _, right in reversed(part)])
    return shapes


def _outline(depth: np.ndarray, hit: np.ndarray, cm_per_pixel: float) -> np.ndarray:
    """Pixels on the silhouette, and where a part lies well in front of what is behind it."""
    step = max(SUPERSAMPLE // 2, 1)
    edge = np.zeros_like(hit)
    finite = np.where(hit, depth, 1e9)
    for dy, dx in ((0, step), (step, 0), (0, -step), (-step, 0)):
        other = np.roll(np.roll(finite, dy, 0), dx, 1)
        edge |= hit & (other - finite > max(4 * cm_per_pixel * step, 1.5))
    return edge


WIDTH = 400   # pixels, as the views' drawings
COLOURS = 64  # a palette this size keeps each picture near 30 kB with no visible banding
CARD = {"day": (255, 255, 255), "night": (0x1E, 0x1E, 0x20)}   # the card's background (style.css)


def cameras() -> dict[str, Camera]:
    """Every view's camera, from the `camera:` of its file in views/."""
    folder = resources.files("deckbuilder.atlas").joinpath("views")
    raws = {entry.name[: -len(".yaml")]: parse_text(Path(str(entry)), entry.read_text(encoding="utf-8"))
            for entry in folder.iterdir() if entry.name.endswith(".yaml")}  # as the views are read: YAML 1.2
    return {name: Camera.from_yaml(raw["camera"]) for name, raw in sorted(raws.items()) if "camera" in raw}


def deck_picture(camera: Camera, width: int) -> bytes:
    """The PNG a view with `picture: body` shows in its close-up: the day picture on the drawing's
    paper (the card's night mode inverts the whole drawing, this with it)."""
    body = render(camera, width, "day")
    paper = Image.new("RGBA", body.size, ImageColor.getrgb(BG) + (255,))
    paper.alpha_composite(body)
    out = io.BytesIO()
    paper.convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True)
    return out.getvalue()


def picture(camera: Camera, mode: str) -> Image.Image:
    """A view's committed picture: rendered on the card's background, then reduced to a small palette
    (median cut: an octree's palette bands the skin's shading)."""
    body = render(camera, WIDTH, mode)
    card = Image.new("RGBA", body.size, CARD[mode] + (255,))
    card.alpha_composite(body)
    return card.convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
