"""Screenshots of cards for docs/, taken with headless Chromium from the preview renderer.

    python tools/screenshots.py [DIR]      # writes docs/screenshots/*.png (or DIR/*.png)
    python tools/screenshots.py --lang de [DIR]   # the German deck's cards: docs/screenshots/de-*.png

Each card side is put alone on a page the way Anki shows it (the card HTML inside
<body class="card">, night mode adding Anki's nightMode class), then photographed at phone
width (360 px) and desktop width (900 px). It also writes docs/quizzes.md: the ten region quiz
pictures with the most masks, each as its first card's question, at phone width, day and night.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deckbuilder import preview  # noqa: E402
from deckbuilder.build import prepare  # noqa: E402
from deckbuilder.notetypes import OCCLUSION_CSS  # noqa: E402

# (the note's first field, template, side) for each picture; the location cards have the diagrams.
SHOTS = [
    ("BL40", "Location → code", "question"),
    ("BL40", "Location → code", "answer"),
    ("BL60", "Code → location", "answer"),
    ("BL53", "Code → name", "answer"),
    ("BL60", "Point → uses", "answer"),
    ("BL40 command", "Point → category", "answer"),
    ("lower back pain BL60", "Complaint → point", "answer"),
    ("knee-crease-to-outer-ankle", "Span → cun", "answer"),
]
# (region quiz, the point whose mask is asked, side): Anki's image occlusion, masks drawn.
QUIZ_SHOTS = [("lower-back-bl", "BL25", "question"), ("lower-back-bl", "BL25", "answer")]
# The German deck: (the note's first field, template, side, size, night) for each picture.
GERMAN_SHOTS = [("BL40 (Bl 40)", "Lage → Code", "answer", "phone", False),
                ("HT7 (He 7)", "Punkt → Anwendungen", "answer", "phone", True)]
SIZES = {"phone": (360, 900), "desktop": (900, 1000)}
DENSEST = 10   # region quizzes shown in docs/quizzes.md


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        sys.exit("needs Chromium: apt-get install chromium")
    return found


def shoot(html: str, out: Path, size: tuple[int, int], workdir: Path) -> None:
    page = workdir / "card.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
         f"--user-data-dir={workdir / 'profile'}", f"--window-size={size[0]},{size[1]}",
         "--virtual-time-budget=3000", f"--screenshot={out}", page.as_uri()],
        check=True, capture_output=True, timeout=120)


def card_page(body: str, night: bool, css: str) -> str:
    mode = " nightMode night_mode" if night else ""
    return (f'<!doctype html><html><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{css}{OCCLUSION_CSS}{preview.DRAWN_CSS}</style></head>"
            f"<body class=\"card card1{mode}\">{preview.as_drawn(body)}</body></html>")


def german(out_dir: Path) -> None:
    """Two cards of the German deck, the answer opened (its "Mehr" folded as Anki shows it)."""
    deck = prepare(ROOT / "data", ROOT / "media", lang="de")
    by_key = {(card.note.fields[0], card.template): card for card in preview.cards(deck)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for item in deck.media:
            (work / item.name).write_bytes(item.data)
        for first, template, side, size_name, night in GERMAN_SHOTS:
            card = by_key[(first, template)]
            slug = f"de-{first.split()[0]}-{template}-{side}-{size_name}-{'night' if night else 'day'}"
            name = re.sub(r"[^a-z0-9]+", "-", slug.lower().replace("→", "to")).strip("-") + ".png"
            body = card.question if side == "question" else card.answer
            shoot(card_page(body, night, deck.language.name_code.css), out_dir / name, SIZES[size_name], work)
            print(out_dir / name)


def main() -> None:
    args = sys.argv[1:]
    if args[:2] == ["--lang", "de"]:
        german(Path(args[2]) if len(args) > 2 else ROOT / "docs" / "screenshots")
        return
    deck = prepare(ROOT / "data", ROOT / "media")
    by_key = {}
    for card in preview.cards(deck):
        by_key[(card.note.fields[0], card.template)] = card
        if card.note.owner.startswith("quiz:"):
            by_key[(card.note.owner, card.ord + 1)] = card  # a quiz's card n asks the mask of point n
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for item in deck.media:
            (work / item.name).write_bytes(item.data)
        shots = []
        for code, template, side in SHOTS:
            found = re.search(r"[A-Z]{2}\d+", code)  # a point's code, or a measure's id
            point = found.group(0) if found else code
            slug = f"{point}-{template.split(' → ')[0]}-to-{template.split(' → ')[1]}-{side}".lower()
            shots.append((by_key[(code, template)], side, slug))
        for quiz, point, side in QUIZ_SHOTS:
            number = int(re.search(r"\d+", point).group(0))
            shots.append((by_key[(f"quiz:{quiz}", number)], side, f"{quiz}-quiz-{point}-{side}".lower()))
        for card, side, slug in shots:
            body = card.question if side == "question" else card.answer
            for size_name, size in SIZES.items():
                for night in (False, True):
                    name = f"{slug.replace(' ', '-')}-{size_name}-{'night' if night else 'day'}.png"
                    shoot(card_page(body, night, deck.language.name_code.css), out_dir / name, size, work)
                    print(out_dir / name)
        densest(deck, by_key, out_dir, work)


def densest(deck, by_key: dict, out_dir: Path, work: Path) -> None:
    """docs/quizzes.md: the quiz pictures with the most masks, the question of each one's first card."""
    quizzes = sorted((n for n in deck.notes if n.owner.startswith("quiz:")),
                     key=lambda n: (-n.fields[0].count("image-occlusion"), n.owner))[:DENSEST]
    rows = ["# The densest region quizzes", "",
            f"The {DENSEST} region quiz pictures with the most points, each as the question of its first card",
            "(one mask red: name that point), at phone width (360 px), in day and night mode, as the",
            "preview draws Anki's masks. Made by `python tools/screenshots.py`; `tests/test_quizzes.py`",
            "checks every quiz picture: each tag beside its own point at its level, none over another",
            "point's dot, another tag or a landmark's name, and each mask exactly over its tag.", "",
            "| quiz | points | day | night |", "|---|---|---|---|"]
    for note in quizzes:
        first = min(int(n) for n in re.findall(r"\{\{c(\d+)::", note.fields[0]))
        card = by_key[(note.owner, first)]
        key = note.owner.removeprefix("quiz:")
        shots = []
        for night in (False, True):
            name = f"quiz-{key}-phone-{'night' if night else 'day'}.png"
            shoot(card_page(card.question, night, deck.language.name_code.css), out_dir / name, (360, 640), work)
            shots.append(f"![{key}, {'night' if night else 'day'}](screenshots/{name})")
            print(out_dir / name)
        title = re.search(r"Region quiz: (.*)\. Which point\?", note.fields[2]).group(1)
        rows.append(f"| {title} | {note.fields[0].count('image-occlusion')} | {shots[0]} | {shots[1]} |")
    desktop = sorted(out_dir.glob("anki-desktop-*.png"))
    if desktop:   # taken by hand: the real Anki's own masks, which the preview only imitates
        rows += ["", "## In the real Anki desktop", "",
                 "The densest quizzes as Anki 26.9 shows them in a 400 × 800 window, day and night (taken with",
                 "Anki desktop under Xvfb; the answers with *Toggle Masks* pressed):", ""]
        rows += [f"![{shot.stem}](screenshots/{shot.name})" for shot in desktop]
    (out_dir.parent / "quizzes.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(out_dir.parent / "quizzes.md")


if __name__ == "__main__":
    main()
