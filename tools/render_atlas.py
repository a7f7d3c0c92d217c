"""Render every view of the atlas from the one body, day and night.

    pip install -e '.[atlas]'
    python tools/render_atlas.py [VIEW ...]     # writes docs/atlas/body/<view>-day.png and -night.png

Each view's camera is the `camera:` of its file in deckbuilder/atlas/views/. The pictures are
committed; tests/test_body.py renders one again and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deckbuilder.atlas import render  # noqa: E402

OUT = ROOT / "docs" / "atlas" / "body"


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cameras = render.cameras()
    for name in names or list(cameras):
        for mode in ("day", "night"):
            path = OUT / f"{name}-{mode}.png"
            render.picture(cameras[name], mode).save(path, optimize=True)
            print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
