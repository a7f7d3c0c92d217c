"""A contact sheet of the atlas: every view with all its points marked, day and night, at phone width.

    python tools/atlas.py            # writes docs/atlas/*.png and docs/atlas/index.md (needs chromium)

Each picture is what a region-quiz card shows with its masks lifted: the view's drawing with
every point of the shipped data that lies on it, tagged with its code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deckbuilder import atlas  # noqa: E402
from deckbuilder.build import prepare  # noqa: E402
from deckbuilder.notetypes import CSS  # noqa: E402

WIDTH = 360


def shoot(page: Path, out: Path, height: int) -> None:
    chromium = shutil.which("chromium") or sys.exit("needs Chromium: apt-get install chromium")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
                    f"--user-data-dir={page.parent / 'profile'}", f"--window-size={WIDTH},{height}",
                    f"--screenshot={out}", page.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    deck = prepare(ROOT / "data", ROOT / "media")
    out = ROOT / "docs" / "atlas"
    out.mkdir(parents=True, exist_ok=True)
    rows = ["# The atlas", "",
            "Every view of `deckbuilder/atlas/views/`, with every point of the shipped data that lies on it,",
            "as a phone shows it (360 px), in day and night mode. Made by `python tools/atlas.py`.", "",
            "| view | points | day | night |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, view in atlas.VIEWS.items():
            points = [p for p in deck.dataset.points if p.diagram is not None and p.diagram.view == name]
            picture = atlas.quiz(name, [(p.diagram.x, p.diagram.y, p.code) for p in points])
            (work / f"{name}.svg").write_bytes(picture)
            height = int(WIDTH * atlas.quiz_size(name)[1] / atlas.quiz_size(name)[0]) + 30
            for mode, classes in (("day", "card"), ("night", "card nightMode night_mode")):
                page = work / f"{name}-{mode}.html"
                page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>{CSS}</style></head>'
                                f'<body class="{classes}" style="margin:0;padding:8px"><div class="figure">'
                                f'<img src="{name}.svg"></div></body></html>', encoding="utf-8")
                shoot(page, out / f"{name}-{mode}.png", height)
            codes = ", ".join(p.code for p in points) or "none yet"
            rows.append(f"| `{name}`: {view.title} | {codes} | ![{name}, day]({name}-day.png) | "
                        f"![{name}, night]({name}-night.png) |")
    (out / "index.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(out / "index.md")


if __name__ == "__main__":
    main()
