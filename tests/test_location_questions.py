"""Every "which point is marked?" question has one answer: on the picture it shows, no other point
of the deck lies within 12 px of its marker on a phone, unless the question says what tells the
two apart. Measured on the pictures the build writes (`pytest -s` prints the closest pairs)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from deckbuilder import atlas
from deckbuilder.atlas import svg as drawing
from deckbuilder.media import closeups
from deckbuilder.notetypes import LOCATION

from .conftest import shipped_prepared

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
CARD_PX = 360.0     # the picture's width on a phone
APART_PX = 12.0


def _marker(svg: bytes) -> tuple[float, float]:
    """The close-up marker's centre (drawn after the overview's)."""
    dots = [c for c in ET.fromstring(svg).iter(f"{SVG}circle") if c.get("fill") == drawing.MARKER]
    return float(dots[-1].get("cx")), float(dots[-1].get("cy"))


def _deck():
    return shipped_prepared()


def measure(zoomed: bool = True) -> tuple[list[tuple[float, str, str, str]], dict[str, str]]:
    """(px apart, view, asked point, other point) for each question and each other point of its
    view that its picture shows, closest first; and each question's words besides the picture.
    zoomed=False: as if every question showed its whole view."""
    deck = _deck()
    media = {m.name: m.data for m in deck.media}
    windows = {key: closeup.window for key, closeup in closeups(deck.dataset.points).items()}
    told, pictures = {}, {}
    for note in deck.notes:
        if note.model is LOCATION and note.fields[5]:
            found = re.search(r'<div class="meridian">(.*?)</div>', note.fields[5])
            told[note.fields[0]] = found.group(1) if found else ""
            pictures[note.fields[0]] = re.findall(r'<img src="([^"]+)"', note.fields[5])
    placed = {p.code: p.diagram for p in deck.dataset.points if p.diagram is not None}
    pairs = []
    for point in deck.dataset.points:
        d = point.diagram
        if d is None:
            continue
        window = windows[point.id] if zoomed else None
        if zoomed:  # the question shows this window of the view, and the marker where it says
            drawn, question = (media[name] for name in pictures[point.code])
            assert drawn == atlas.base(d.view, window=window)
            assert math.dist(_marker(question), atlas.on_picture(d.view, (d.x, d.y), window)) < 0.1
        here = atlas.on_picture(d.view, (d.x, d.y), window)
        for code, other in placed.items():
            if code != point.code and other.view == d.view and atlas.closeups.shows(window, (other.x, other.y)):
                there = atlas.on_picture(d.view, (other.x, other.y), window)
                pairs.append((math.dist(here, there) * CARD_PX / drawing.W, d.view, point.code, code))
    return sorted(pairs), told


def test_no_location_question_has_two_answers():
    whole, _ = measure(zoomed=False)
    print(f"\nOn the whole views, {sum(1 for p in whole if p[0] < APART_PX) // 2} pairs of points lie within "
          f"{APART_PX:g} px of each other.")
    pairs, told = measure()
    print("\nClosest pairs on the location questions' pictures (px at 360 px card width):")
    for apart, view, code, other in pairs[:20]:
        print(f"  {apart:5.1f} px  {view:14} {code:8} {other:8} {told[code] or '(the picture alone)'}")
    ambiguous = [(round(apart, 1), view, code, other) for apart, view, code, other in pairs
                 if apart < APART_PX and not (told[code] and told[other] and told[code] != told[other])]
    assert not ambiguous, f"{len(ambiguous)} questions show another point within {APART_PX:g} px: {ambiguous[:30]}"


def test_the_question_says_what_tells_two_points_at_one_place_apart():
    """EX-UE11 (the ten fingertips) takes in PC9's place (the middle one): each names its channel."""
    _, told = measure()
    assert told["PC9"] == "Pericardium meridian"
    assert told["EX-UE11"] == "Extra point (off the meridians)"
    assert told["BL23"] == ""   # alone at its place: the picture asks
