"""A contact sheet of the atlas: every view with its points marked, day and night, at phone width.

    python tools/atlas.py            # writes docs/atlas/*.png and docs/atlas/index.md (needs chromium)

Each picture is a region quiz's with its masks lifted: the view's drawing with one meridian's
points of the shipped data, each tagged with its code (a dense stretch in two pictures, as the
deck has it); a view with no point yet, its drawing alone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deckbuilder import atlas, media  # noqa: E402
from deckbuilder.build import prepare  # noqa: E402
from deckbuilder.cache import Cache  # noqa: E402
from deckbuilder.cards import quiz_key  # noqa: E402
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
            "Every view of `deckbuilder/atlas/views/` with the points of the shipped data on it, one meridian",
            "a picture as the region quizzes show them, at phone width (360 px), in day and night mode.",
            "Made by `python tools/atlas.py`.", "",
            "| view | points | day | night |", "|---|---|---|---|"]
    for old in out.glob("*.png"):
        old.unlink()
    quizzes = media.quizzes(deck.dataset.points, media.DiagramCache(Cache(None)))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, view in atlas.VIEWS.items():
            pictures = [(quiz_key(q), q.picture.data, ", ".join(p.code for p in q.points))
                        for q in quizzes if q.view == name] or [(name, atlas.base(name), "none yet")]
            height = int(WIDTH * atlas.quiz_size(name)[1] / atlas.quiz_size(name)[0]) + 30
            for key, picture, codes in pictures:
                (work / f"{key}.svg").write_bytes(picture)
                for mode, classes in (("day", "card"), ("night", "card nightMode night_mode")):
                    page = work / f"{key}-{mode}.html"
                    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>{CSS}</style>'
                                    f'</head><body class="{classes}" style="margin:0;padding:8px"><div class="figure">'
                                    f'<img src="{key}.svg"></div></body></html>', encoding="utf-8")
                    shoot(page, out / f"{key}-{mode}.png", height)
                rows.append(f"| `{name}`: {view.title} | {codes} | ![{key}, day]({key}-day.png) | "
                            f"![{key}, night]({key}-night.png) |")
    (out / "index.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(out / "index.md")


if __name__ == "__main__":
    main()
