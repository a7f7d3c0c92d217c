"""Every region quiz picture reads on a phone: each tag beside its own point, at its level, tied by a
line; no tag over another point's dot, another tag, a landmark's name or the overview; and each of
Anki's masks covers exactly its tag. Checked on the pictures and notes the build writes."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from deckbuilder.atlas import svg as drawing
from deckbuilder.atlas.labels import text_w
from deckbuilder.cache import Cache
from deckbuilder.cards import quiz_key
from deckbuilder.media import DiagramCache, quizzes
from deckbuilder.notetypes import REGION_QUIZ

from .conftest import shipped_prepared

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
DECK = shipped_prepared()
QUIZZES = {quiz_key(q): q for q in quizzes(DECK.dataset.points, DiagramCache(Cache(None)))}
MASK = re.compile(r"\{\{c(\d+)::image-occlusion:rect:left=([\d.]+):top=([\d.]+):width=([\d.]+):height=([\d.]+)")


def _parts(svg: bytes):
    """The dots, the leader lines, the tags (x, y, w, h) and the boxes of the other texts (the
    drawing's names)."""
    root = ET.fromstring(svg)
    leaders = [tuple(float(v) for v in re.findall(r"[\d.]+", p.get("d"))) for p in root.iter(f"{SVG}path")
               if p.get("stroke") == drawing.MARKER]
    dots = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")
            if c.get("fill") == drawing.MARKER and float(c.get("r")) == drawing.DOT_R]
    tags = [tuple(float(r.get(k)) for k in ("x", "y", "width", "height")) for r in root.iter(f"{SVG}rect")
            if r.get("stroke") == drawing.MARKER]
    names = []
    for el in root.iter(f"{SVG}text"):
        if el.get("font-weight") == "bold" and float(el.get("font-size")) != drawing.TITLE_FONT:
            continue   # a tag's code
        size = float(el.get("font-size"))
        spans = el.findall(f"{SVG}tspan")
        lines = ["".join(s.itertext()) for s in spans] if spans else ["".join(el.itertext())]
        w = max(text_w(t, size) for t in lines)
        x = float(el.get("x"))
        x0 = {"start": x, "end": x - w, "middle": x - w / 2}[el.get("text-anchor")]
        top = float(el.get("y")) - 0.78 * size
        names.append((x0, top, w, (len(lines) - 1) * 1.1 * size + size))
    return dots, leaders, tags, names


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _dot_under(tag, dot) -> bool:
    x, y, w, h = tag
    nx, ny = min(max(dot[0], x), x + w), min(max(dot[1], y), y + h)
    return math.hypot(nx - dot[0], ny - dot[1]) <= drawing.DOT_R


@pytest.mark.parametrize("key", sorted(QUIZZES))
def test_quiz_picture_reads_on_a_phone(key):
    quiz = QUIZZES[key]
    width, height = drawing.quiz_size(quiz.view)
    dots, leaders, tags, names = _parts(quiz.picture.data)
    assert len(dots) == len(tags) == len(leaders) == len(quiz.points)
    for i, (tag, dot) in enumerate(zip(tags, dots)):
        code = quiz.points[i].code
        assert abs(tag[1] + tag[3] / 2 - dot[1]) <= tag[3], f"{code}'s tag is off its point's level"
        for j, other in enumerate(dots):
            assert j == i or not _dot_under(tag, other), f"{code}'s tag covers {quiz.points[j].code}'s dot"
        for j, other in enumerate(tags[i + 1:], start=i + 1):
            assert not _overlap(tag, other), f"{code}'s tag overlaps {quiz.points[j].code}'s"
        x0, y0, x1, y1 = leaders[i]
        assert math.hypot(x1 - x0, y1 - y0) >= 5, f"{code}'s tag hides the line to it"
        for j, other in enumerate(tags):   # a line half under another mask ties the dot to the wrong one
            assert j == i or not any(_overlap((x0 + (x1 - x0) * t / 20, y0 + (y1 - y0) * t / 20, 0, 0), other)
                                     for t in range(21)), f"{code}'s line runs under {quiz.points[j].code}'s tag"
        for name in names:
            assert not _overlap(tag, name), f"{code}'s tag covers a name of the drawing at {name}"
        assert tag[0] >= drawing.CU_X - 4, f"{code}'s tag covers the overview"
        assert 0 <= tag[0] and tag[0] + tag[2] <= width and 0 <= tag[1] and tag[1] + tag[3] <= height
    # Anki's masks: one for each tag, covering exactly it
    (note,) = [n for n in DECK.notes if n.model is REGION_QUIZ and n.owner == f"quiz:{key}"]
    masks = [tuple(float(v) for v in found[1:]) for found in MASK.findall(note.fields[0])]
    assert len(masks) == len(tags)
    for (left, top, w, h), tag in zip(masks, tags):
        assert math.isclose(left * width, tag[0], abs_tol=0.1) and math.isclose(top * height, tag[1], abs_tol=0.1)
        assert math.isclose(w * width, tag[2], abs_tol=0.1) and math.isclose(h * height, tag[3], abs_tol=0.1)


def test_a_stretch_too_dense_for_one_picture_is_split_and_the_first_keeps_its_note():
    """The upper back's Bladder points (two lines at each vertebra) do not fit one phone picture."""
    assert {"upper-back-bl", "upper-back-bl-2"} <= set(QUIZZES)
    first, second = QUIZZES["upper-back-bl"], QUIZZES["upper-back-bl-2"]
    assert first.title.endswith("(1 of 2)") and second.title.endswith("(2 of 2)")
    assert not {p.code for p in first.points} & {p.code for p in second.points}
    assert len(first.points) + len(second.points) == 21


def test_a_split_quiz_keeps_the_cards_of_the_points_that_stay(project, collection, monkeypatch):
    """In the real Anki: the first picture's note keeps its cards and reviews; the points moved to
    the new picture get new cards there, and their old cards are what Tools → Empty Cards deletes."""
    from deckbuilder import media, state

    from .test_regenerate import Loop

    loop = Loop(project, collection)
    first = loop.build()
    loop.import_and_check(new_cards=first.deck.card_count)
    loop.study()
    (old_note,) = collection.find_notes("tag:acupressure::quiz::back-bl")
    ords = {c.ord + 1: c.id for c in collection.get_note(old_note).cards()}
    assert set(ords) == {23, 53}
    kept = collection.get_card(ords[23])

    whole = media._parts

    def too_dense(view, members, diagrams):   # as if BL23's and BL53's tags no longer fitted one picture
        if view == "back" and len(members) == 2 and all(p.code.startswith("BL") for p in members):
            return [*whole(view, members[:1], diagrams), *whole(view, members[1:], diagrams)]
        return whole(view, members, diagrams)

    monkeypatch.setattr(media, "_parts", too_dense)
    monkeypatch.setattr(state, "code_version", lambda: "a release that splits the back's Bladder quiz")
    split = loop.build()
    loop.import_and_check(new_cards=1)   # BL53's card of the new picture
    assert collection.get_card(ords[23]).ivl == kept.ivl and collection.get_card(ords[23]).due == kept.due
    (new_note,) = collection.find_notes("tag:acupressure::quiz::back-bl-2")
    assert [c.ord + 1 for c in collection.get_note(new_note).cards()] == [53]
    assert "BL53" in collection.get_note(new_note)["Back Extra"]
    assert "(1 of 2)" in collection.get_note(old_note)["Header"]
    empty = collection.get_empty_cards()
    assert [card for note in empty.notes for card in note.card_ids] == [ords[53]]
    assert split.deck is not None


def test_a_split_stays_as_it_was_when_points_come_and_go():
    """Regrouping the parts by layout alone would move cards between notes on every edit: a point
    stays in its picture, a removed one leaves the others where they were, a new one joins the
    first picture with room for it."""
    from deckbuilder.cards import mask_numbers
    from deckbuilder.media import _fits, _split

    members = [p for p in DECK.dataset.points if p.diagram and p.diagram.view == "upper-back"
               and p.code.startswith("BL")]
    before = mask_numbers(list(QUIZZES.values()), {})
    diagrams = DiagramCache(Cache(None))
    parts = {n: {p.code for p in shown}
             for n, (shown, _) in _split("upper-back", "BL", members, before, diagrams).items()}
    assert parts == {1: {p.code for p in QUIZZES["upper-back-bl"].points},
                     2: {p.code for p in QUIZZES["upper-back-bl-2"].points}}
    gone = sorted(parts[2])[0]
    after = _split("upper-back", "BL", [p for p in members if p.code != gone], before, diagrams)
    assert {n: {p.code for p in shown} for n, (shown, _) in after.items()} == {1: parts[1], 2: parts[2] - {gone}}
    point = next(p for p in members if p.code == gone)
    unknown = {key: {k: n for k, n in numbers.items() if k != point.id} for key, numbers in before.items()}
    new = _split("upper-back", "BL", members, unknown, diagrams)
    first = [p for p in members if p.code in parts[1]]
    joined = 1 if _fits("upper-back", [*first, point], diagrams) else 2
    assert {p.code for p in new[joined][0]} == parts[joined] | {gone}
