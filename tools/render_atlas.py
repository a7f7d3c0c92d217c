"""Render every view of the atlas from the one body, day and night.

    pip install -e '.[atlas]'
    python tools/render_atlas.py [VIEW ...]     # writes docs/atlas/body/<view>-day.png and -night.png,
                                                # docs/atlas/body/landmarks.png and docs/atlas/proportions.md

Each view's camera is the `camera:` of its file in deckbuilder/atlas/views/. The pictures are
committed; tests/test_body.py renders one again and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from deckbuilder.atlas import VIEWS, anatomy, render, svg  # noqa: E402
from deckbuilder.load import parse_text  # noqa: E402

OUT = ROOT / "docs" / "atlas" / "body"
DECK = ROOT / "deckbuilder" / "atlas" / "body" / "pictures"   # what views with `picture: body` show
VIEW_FILES = ROOT / "deckbuilder" / "atlas" / "views"


SHEET = ("head-side", "face-front", "back", "abdomen-front", "arm-front", "leg-side", "leg-medial")


def landmark_sheet(cameras: dict[str, render.Camera]) -> Image.Image:
    """Every landmark a view sees, drawn on it: to check each one's anatomy by eye."""
    body = render.load_body()
    tiles = []
    for name in SHEET:
        camera = cameras[name]
        tile = render.picture(camera, "day").convert("RGB")
        tile = tile.resize((tile.width * 400 // tile.height, 400))
        draw = ImageDraw.Draw(tile)
        vertices = render.pose(body, camera.pose)
        normals = render.vertex_normals(vertices, body.triangles)
        for label, index in anatomy.landmarks().items():
            x, y, _ = camera.project(vertices[index][None], *tile.size)[0]
            facing = normals[index] @ render.Camera.axes(camera)[2] < 0.35   # not on the far side
            if facing and 0 <= x < tile.width and 0 <= y < tile.height:
                draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(200, 0, 0))
                draw.text((x + 5, y - 6), label, fill=(0, 0, 150))
        tiles.append(tile)
    sheet = Image.new("RGB", (sum(t.width for t in tiles), 400), (255, 255, 255))
    left = 0
    for tile in tiles:
        sheet.paste(tile, (left, 0))
        left += tile.width
    return sheet.quantize(128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cameras = render.cameras()
    for name in names or list(cameras):   # first the deck's pictures, which VIEWS reads
        view_file = VIEW_FILES / f"{name}.yaml"
        if (parse_text(view_file, view_file.read_text(encoding="utf-8")) or {}).get("picture") == "body":
            path = DECK / f"{name}.png"
            path.write_bytes(render.deck_picture(cameras[name], deck_width(name)))
            print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} kB)")
    (ROOT / "docs" / "atlas" / "proportions.md").write_text(anatomy.proportions_table(), encoding="utf-8")
    (OUT / "index.md").write_text(index(cameras), encoding="utf-8")
    landmark_sheet(cameras).save(OUT / "landmarks.png", optimize=True)
    for name in names or list(cameras):
        for mode in ("day", "night"):
            path = OUT / f"{name}-{mode}.png"
            render.picture(cameras[name], mode).save(path, optimize=True)
            print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} kB)")


def index(cameras: dict[str, render.Camera]) -> str:
    """docs/atlas/body/index.md: every view's picture, day and night."""
    rows = ["# The atlas's body, view by view", "",
            "Every view of `deckbuilder/atlas/views/` rendered from the one body (MakeHuman's CC0 `hm08`) by its",
            "`camera:`, on the card's day and night background. Made by `python tools/render_atlas.py`; the",
            "landmarks are drawn for checking in [landmarks.png](landmarks.png), the proportions are in",
            "[../proportions.md](../proportions.md).", "",
            "| view | camera | day | night |", "|---|---|---|---|"]
    for name, camera in cameras.items():
        shown = "the deck's picture" if VIEWS[name].picture else "not in the deck yet"
        rows.append(f"| `{name}`: {VIEWS[name].title} ({shown}) | {camera.pose} pose | "
                    f"![{name}, day]({name}-day.png) | ![{name}, night]({name}-night.png) |")
    return "\n".join(rows) + "\n"


def deck_width(name: str) -> int:
    """Pixels across the view's close-up window: twice its width in the drawing's units, for phones'
    dense screens. Read from the view's file, not VIEWS, which needs the picture this sizes."""
    view_file = VIEW_FILES / f"{name}.yaml"
    raw = parse_text(view_file, view_file.read_text(encoding="utf-8"))
    _, close_up = svg._panels(float(raw["height"]))
    left, right = (float(w) for w in raw["label_columns"])
    bounds = tuple(float(b) for b in raw["bounds"])
    scale, _, _ = svg._fit(bounds, (close_up[0] + left, close_up[1], close_up[2] - left - right,
                                    close_up[3] - svg.CAPTION_FONT - 4))
    return round(2 * scale * (bounds[2] - bounds[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
