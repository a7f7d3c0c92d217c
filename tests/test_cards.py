"""Card content rules that hold before Anki sees the deck."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace as Obj

import pytest

from deckbuilder import cards
from deckbuilder.build import prepare
from deckbuilder.cards import guid
from deckbuilder.errors import DataError
from deckbuilder.notetypes import FIELDS, INDICATION, SPECIAL
from deckbuilder.records import Point, field_table


def test_guids_come_from_the_stable_id_only(project):
    deck = prepare(project / "data", project / "media")
    weizhong = [n for n in deck.notes if n.owner == "point:weizhong"]
    assert {n.guid for n in weizhong} == {
        *(guid(kind, "weizhong") for kind in ("name-code", "location", "uses")),
        *(guid("special", key) for key in ("weizhong/he-sea/earth", "weizhong/lower-he-sea/bladder",
                                           "weizhong/command/back"))}


def test_guids_never_change():
    """A changed GUID makes a second copy of the note in every collection that has the deck."""
    assert guid("name-code", "weizhong") == "ic?2}2T]-O"  # what every earlier build gave
    assert guid("location", "kunlun") == "y73Vzt1N[S"
    assert guid("complaint", "lower-back-pain/kunlun") == "bf_oW3sgNN"  # a core point keeps its complaint card
    assert guid("measure", "knee-crease-to-outer-ankle") == "gr+DO3!Nj/"


def test_a_question_with_two_right_answers_is_reported(project):
    """A copy of BL60 under another id and code asks 'which point is this?' with the same names."""
    path = project / "data" / "points" / "bladder.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: kunlun")
    entry = text[start:text.index("- id: shenshu")]
    twin = (entry.replace("id: kunlun", "id: kunlun-twin").replace("code: BL60", "code: BL61")
            .replace("{code: UB60, system: old-abbreviation}", "{code: UB61, system: old-abbreviation}")
            .replace("x: 123.5", "x: 124"))
    path.write_text(text + "\n" + twin, encoding="utf-8")
    conditions = project / "data" / "conditions.yaml"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace(
        "points: [kunlun]", "points: [kunlun, kunlun-twin]"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        prepare(project / "data", project / "media")
    messages = [str(p) for p in caught.value.problems]
    assert any("'Name → code' card would ask the same question as for BL60" in m and "BL61" in m
               for m in messages), messages
    # Found after validation, from plain values: the build looks the line up for the message.
    twin_line = (text + "\n" + twin).splitlines().index("- id: kunlun-twin") + 1
    assert all(p.line == twin_line for p in caught.value.problems if p.file == path), messages
    # both are core points of neck stiffness, on the ankle and the Bladder meridian: one complaint question
    assert any(p.file.name == "conditions.yaml" and "'Complaint → point' card" in str(p)
               for p in caught.value.problems), messages


def test_readme_field_table_is_the_schema():
    """The README's table of point fields is made from records.Point, so it cannot drift."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert field_table(Point) in readme


def test_a_region_quiz_mask_keeps_its_card():
    """A mask's cloze number is its card: new points take their own number (BL23 is c23); a point
    keeps its number when its code is corrected; a removed point's number is never given again."""
    def quiz(*points):
        return Obj(view="back", group="BL", part=1, points=[Obj(id=i, code=c) for i, c in points])

    first = cards.mask_numbers([quiz(("shenshu", "BL23"), ("baohuang", "BL53"))], {})
    assert first == {"back-bl": {"shenshu": 23, "baohuang": 53}}
    corrected = cards.mask_numbers([quiz(("shenshu", "BL23"), ("baohuang", "BL48"))], first)
    assert corrected["back-bl"]["baohuang"] == 53
    removed_then_other = cards.mask_numbers([quiz(("zhishi", "BL52"), ("newpoint", "BL53"))], first)
    assert removed_then_other["back-bl"] == {"shenshu": 23, "baohuang": 53, "zhishi": 52, "newpoint": 54}
    from_a_package = cards.mask_numbers([quiz(("baohuang", "BL53"))], {"back-bl": {"BL53": 7}})
    assert from_a_package["back-bl"] == {"baohuang": 7}


def test_a_landmark_only_point_has_no_uses_card(project):
    """The standard keeps some points as landmarks only (ST17, the nipple): no uses are invented."""
    path = project / "data" / "points" / "small-intestine.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  indications:")
    path.write_text(text[:start] + text[text.index("  diagram:"):], encoding="utf-8")
    deck = prepare(project / "data", project / "media")
    kinds = {n.model.name for n in deck.notes if n.owner == "point:tianzong"}
    assert kinds == {"Acupressure: name ↔ code", "Acupressure: code ↔ location"}


def test_night_mode_dims_the_quiz_pictures_as_it_dims_the_drawings():
    """A region quiz in night mode must not glare beside the dimmed location cards (seen in the
    real Anki desktop: the quiz picture stayed bright)."""
    import re

    from deckbuilder.notetypes import LOCATION, REGION_QUIZ

    dimmed = re.search(r'\.nightMode \.figure img\[src\$="\.svg"\][^{]*\{\s*filter: ([^;]+);', LOCATION.css)
    assert dimmed is not None
    quiz = re.search(r"\.nightMode #image-occlusion-container img[^{]*\{\s*filter: ([^;]+);", REGION_QUIZ.css)
    assert quiz is not None and quiz.group(1) == dimmed.group(1)
    night_masks = re.search(r"\.nightMode #image-occlusion-canvas[^{]*\{([^}]*)\}", REGION_QUIZ.css)
    assert night_masks is not None and "--inactive-shape-color" in night_masks.group(1)


def test_note_fields_are_filled_by_name():
    """A field missing or misspelt in cards.py fails loudly instead of shifting the others a slot."""
    given = {name: name.lower() for name in FIELDS[SPECIAL.model_id]}
    spec = cards._spec(SPECIAL, "guid", given, (), "point:x", "deck")
    assert dict(zip((f["name"] for f in SPECIAL.fields), spec.fields)) == given
    with pytest.raises(TypeError, match=r"missing \['Sources'\], unknown none"):
        cards._spec(SPECIAL, "guid", {k: v for k, v in given.items() if k != "Sources"}, (), "point:x", "deck")
    with pytest.raises(TypeError, match=r"missing none, unknown \['Rol'\]"):
        cards._spec(SPECIAL, "guid", {**given, "Rol": "x"}, (), "point:x", "deck")


def test_retired_fields_stay_empty():
    """A retired field (kept so that Anki's merge still matches) is never filled."""
    assert {"Condition", "Points"}.isdisjoint(FIELDS[INDICATION.model_id])
    given = {name: "x" for name in FIELDS[INDICATION.model_id]}
    spec = cards._spec(INDICATION, "guid", given, (), "point:x", "deck")
    assert spec.fields[-2:] == ("", "")
    with pytest.raises(TypeError, match=r"unknown \['Condition'\]"):
        cards._spec(INDICATION, "guid", {**given, "Condition": "x"}, (), "point:x", "deck")
