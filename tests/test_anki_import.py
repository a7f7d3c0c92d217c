"""The built deck, imported into a new collection by the real Anki backend, is what a learner sees."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from deckbuilder.build import build
from deckbuilder.notetypes import INDICATION, LOCATION, MEASURE, NAME_CODE, REGION_QUIZ, SPECIAL

from .conftest import import_apkg, new_collection, package_rows, seed_copy

CODES = ["BL60", "SI11", "BL23", "BL40", "BL53"]
NAME_CODE_ID, LOCATION_ID = NAME_CODE.model_id, LOCATION.model_id
INDICATION_ID, SPECIAL_ID = INDICATION.model_id, SPECIAL.model_id
OUR_NOTE_TYPES = {NAME_CODE_ID, LOCATION_ID, INDICATION_ID, SPECIAL_ID, REGION_QUIZ.model_id, MEASURE.model_id}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The seed deck, built and imported once for the tests below, which only read the collection."""
    folder = seed_copy(tmp_path_factory.mktemp("imported"))
    result = build(folder / "data", folder / "media", folder / "dist" / "acupressure.apkg")
    col = new_collection(folder)
    import_apkg(col, result.output)
    yield col, result
    col.close()


def cards_of(col, template: str, code: str | None = None):
    query = f'card:"{template}"' + (f" Code:{code}" if code else "")
    return [col.get_card(cid) for cid in col.find_cards(query)]


def text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def graded(answer: str) -> str:
    """The text of the part of the answer a learner grades themselves on."""
    part = answer.split('<div class="graded">', 1)[1]
    depth, end = 1, 0
    for match in re.finditer(r"<(/?)div\b", part):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            end = match.start()
            break
    return text(part[:end])


def test_note_types_with_both_directions(imported):
    col, _ = imported
    ours = {m["id"]: m for m in col.models.all() if m["id"] in OUR_NOTE_TYPES}
    assert [t["name"] for t in ours[NAME_CODE_ID]["tmpls"]] == ["Name → code", "Code → name"]
    assert [t["name"] for t in ours[LOCATION_ID]["tmpls"]] == ["Code → location", "Location → code"]
    assert [t["name"] for t in ours[INDICATION_ID]["tmpls"]] == ["Point → uses", "Complaint → point",
                                                                 "Condition → points"]  # retired, makes no card
    assert [t["name"] for t in ours[SPECIAL_ID]["tmpls"]] == ["Category → point", "Point → category"]
    # No second copy of any of them.
    assert len([m for m in col.models.all() if m["name"].startswith("Acupressure")]) == 5


def test_note_and_card_counts(imported):
    col, result = imported
    # 5 points x 3 notes, 5 special-point categories, one complaint note per point a complaint names (11),
    # a region quiz per meridian on each drawing (4: back BL and SI, knee BL, ankle BL); a point has
    # 2 + 2 + 1 cards, a category 2, a complaint note 1, a quiz one per point.
    assert col.note_count() == 15 + 5 + 11 + 4
    assert col.card_count() == 5 * 5 + 5 * 2 + 11 + 5
    assert len(result.deck.notes) == 35 and result.deck.card_count == 51


@pytest.mark.parametrize("code", CODES)
def test_every_point_reachable_by_its_who_code(imported, code):
    col, _ = imported
    notes = [col.get_note(nid) for nid in col.find_notes(f"Code:{code}")]
    assert {n.note_type()["id"] for n in notes} == {NAME_CODE_ID, LOCATION_ID, INDICATION_ID}


def test_name_to_code(imported):
    col, _ = imported
    (card,) = cards_of(col, "Name → code", "BL40")
    question, answer = text(card.question()), card.answer()
    assert "Wěizhōng" in question and "委中" in question and "Middle Crook" in question
    assert "BL40" not in question and "BL54" not in question
    assert "BL40" in graded(answer)
    assert "BL54" in text(answer) and "older bladder-line numbering" in text(answer)
    assert "Zhibian" in text(answer)  # WHO BL54 is another point
    assert 'class="caution"' not in answer and "gently" not in text(answer)  # cautions go where they change what you do


def test_code_to_name(imported):
    col, _ = imported
    (card,) = cards_of(col, "Code → name", "BL53")
    question, answer = text(card.question()), card.answer()
    assert "BL53" in question
    assert "Bāohuāng" not in question and "Bladder Vitals" not in question
    assert graded(answer) == "Bāohuāng"  # one name to recall, the pinyin; its meaning below
    assert "Bladder Vitals" in text(answer)
    assert "胞肓" in text(answer) and "Womb and Vitals" in text(answer)
    assert "BL48" in text(answer) and "Yanggang" in text(answer)  # the article's number, explained


def test_code_to_location(imported):
    col, _ = imported
    (card,) = cards_of(col, "Code → location", "BL60")
    question, answer = card.question(), card.answer()
    assert "BL60" in text(question) and "malleolus" not in question and "<img" not in question
    assert re.search(r'<img src="acupressure-[0-9a-f]{12}\.svg"', answer.split('class="graded"')[1])
    assert "On both sides of the body" in text(answer)
    assert "Achilles tendon" in text(answer) and "pregnancy" in text(answer)


def test_location_to_code(imported):
    col, _ = imported
    (card,) = cards_of(col, "Location → code", "BL40")
    question, answer = card.question(), card.answer()
    assert "<img" in question and text(question) == "Location → point Which point is marked?"
    assert graded(answer) == "BL40 Wěizhōng · Middle Crook"
    # Both show the knee's drawing; over it, the question has the bare marker, the answer the labelled one.
    front = re.findall(r'<img src="([^"]+)"', question)
    back = re.findall(r'<img src="([^"]+)"', answer)
    assert len(front) == len(back) == 2 and front[0] == back[0] and front[1] != back[1]
    assert "gently" in text(answer)  # the caution about the vessels and nerve


def test_point_to_uses_grades_one_use(imported):
    col, _ = imported
    (card,) = cards_of(col, "Point → uses", "BL60")
    question, answer = text(card.question()), card.answer()
    assert "BL60" in question and "sciatica" not in question
    assert graded(answer) == "lower back pain"
    assert "Also: sacral and tailbone pain, sciatica, stiff neck, headache, heel and ankle pain" in text(answer)
    assert "pregnancy" in text(answer)
    (card,) = cards_of(col, "Point → uses", "SI11")
    assert "not one of its standard indications" in text(card.answer())


def test_complaint_to_one_point_at_a_time(imported):
    """Each core point of a complaint is asked by where it is, with no other point's code listed."""
    col, _ = imported
    ids = col.find_cards('card:"Complaint → point" Complaint:"lower back pain"')
    asked = {}
    for card in (col.get_card(cid) for cid in ids):
        question, answer = text(card.question()), graded(card.answer())
        (code,) = re.findall(r"B[L]\d+|SI11", answer)
        assert not re.findall(r"\b[A-Z]{2}\d+\b", question)
        asked[code] = question
    assert sorted(asked) == ["BL23", "BL40", "BL53", "BL60"]  # the seed names no core: all four
    assert asked["BL60"] == "Complaint → point Lower back pain Which point, on the ankle?"
    assert "SI11" in text(col.get_card(ids[0]).answer())  # the article's extra point, explained below


def test_special_points_both_ways(imported):
    col, _ = imported
    asked = {text(c.question()): graded(c.answer()) for c in cards_of(col, "Category → point")}
    # "Kidney Shu" would answer "BL23: the back-shu point of which organ?": that note has no English name
    assert asked["Special point Which point is the back-shu point of the Kidney?"] == "BL23 Shènshū"
    assert asked["Special point Which point is the command point of the back?"] == "BL40 Wěizhōng · Middle Crook"
    back = {text(c.question()): graded(c.answer()) for c in cards_of(col, "Point → category")}
    assert back["Special point BL40 Wěizhōng · Middle Crook Which of the five shu points is it?"] \
        == "he-sea point (earth)"
    assert back["Special point BL40 Wěizhōng · Middle Crook The lower he-sea point of which "
                "organ?"] == "the Bladder"


def test_region_quiz_is_anki_image_occlusion(imported):
    """Anki knows the note type as its own image occlusion, and each card masks one point's tag."""
    col, _ = imported
    model = col.models.get(REGION_QUIZ.model_id)
    assert model["originalStockKind"] == 6 and model["type"] == 1  # StockKind ImageOcclusion, a cloze type
    assert [f["name"] for f in model["flds"]] == ["Occlusion", "Image", "Header", "Back Extra", "Comments"]
    notes = [col.get_note(nid) for nid in col.find_notes("tag:acupressure::view::back")]
    # one quiz per meridian on the back; a mask's cloze number is the point's own (BL23 is c23)
    by_title = {note["Header"]: sorted(card.ord + 1 for card in note.cards()) for note in notes}
    assert by_title == {"Region quiz: Back of the body, seen from behind: Bladder meridian. Which point?": [23, 53],
                        "Region quiz: Back of the body, seen from behind: Small intestine meridian. Which point?": [11]}
    (bladder,) = [note for note in notes if "Bladder" in note["Header"]]
    cards = sorted(bladder.cards(), key=lambda c: c.ord)
    for card in cards:
        question, answer = card.question(), card.answer()
        assert "anki.imageOcclusion.setup()" in question and '<canvas id="image-occlusion-canvas">' in question
        active = re.findall(r'<div class="cloze" data-ordinal="(\d+)" data-shape="rect"', question)
        assert active == [str(card.ord + 1)]
        assert len(re.findall(r'class="cloze-inactive"', question)) == 1
        assert re.findall(r'<div class="cloze-highlight" data-ordinal="(\d+)"', answer) == [str(card.ord + 1)]
        (picture,) = re.findall(r'<img src="([^"]+)"', question)
        assert (Path(col.media.dir()) / picture).read_bytes().startswith(b"<svg")


def test_no_question_shows_its_answer(imported):
    col, _ = imported
    for card in (col.get_card(cid) for cid in col.find_cards("deck:Acupressure* -note:*occlusion*")):
        answer = graded(card.answer())
        question = text(card.question())
        codes = set(re.findall(r"\b[A-Z]{2}\d+\b", answer))
        assert codes.isdisjoint(re.findall(r"\b[A-Z]{2}\d+\b", question)), (question, answer)
        assert not answer or answer not in question  # (an empty text: the answer is a picture)


def test_every_card_is_one_fact(imported):
    """The graded part fits one glance (at most 25 words) and never asks for a set of more than three."""
    col, _ = imported
    for card in (col.get_card(cid) for cid in col.find_cards("deck:Acupressure* -note:*occlusion*")):
        answer = card.answer()
        assert answer.count('class="graded"') == 1, card.template()["name"]
        part = answer.split('class="graded"', 1)[1].split("<details", 1)[0]
        assert len(graded(answer).split()) <= 25, (card.template()["name"], graded(answer))
        assert part.count("<li>") <= 3
        assert "Sources" not in text(answer) and "Sources" not in text(card.question())


def test_media_check_reports_nothing_missing_or_unused(imported):
    col, result = imported
    check = col.media.check()
    assert list(check.missing) == []
    assert list(check.unused) == []
    # each view's drawing, two markers a point, a quiz per meridian on a view
    assert len(result.deck.media) == 3 + 10 + 4
    for item in result.deck.media:
        assert (Path(col.media.dir()) / item.name).read_bytes() == item.data


def test_tags_for_filtering(imported):
    col, _ = imported
    assert len(col.find_notes("tag:acupressure::meridian::bladder tag:acupressure::kind::name")) == 4
    assert len(col.find_notes("tag:acupressure::condition::lower-back-pain tag:acupressure::kind::complaint")) == 4
    assert len(col.find_notes("tag:acupressure::point::weizhong -tag:acupressure::kind::complaint")) == 3 + 3
    assert col.decks.by_name("Acupressure points") is not None


def test_same_data_same_package(project, tmp_path):
    first = build(project / "data", project / "media", tmp_path / "a" / "deck.apkg")
    second = build(project / "data", project / "media", tmp_path / "b" / "deck.apkg")
    rows_a, rows_b = package_rows(first.output, tmp_path), package_rows(second.output, tmp_path)
    assert [r[:3] for r in rows_a["notes"]] == [r[:3] for r in rows_b["notes"]]
    assert [r[3] for r in rows_a["notes"]] == [r[3] for r in rows_b["notes"]]
    assert [m.name for m in first.deck.media] == [m.name for m in second.deck.media]
    assert [m.data for m in first.deck.media] == [m.data for m in second.deck.media]
    ids = {str(i) for i in OUR_NOTE_TYPES}
    assert json.loads(rows_a["models"]).keys() == json.loads(rows_b["models"]).keys() == ids
    assert json.loads(rows_a["decks"]).keys() == json.loads(rows_b["decks"]).keys()


def test_new_cards_arrive_first_directions_first(imported):
    """A point's first cards come together; its reverse cards, complaint and quiz cards a day later."""
    col, result = imported
    order = [col.get_card(cid) for cid in col.find_cards("is:new", order="c.due asc, c.ord asc")]
    names = [card.template()["name"] for card in order]
    first_point = result.deck.dataset.points[0]
    assert names[:3] == ["Name → code", "Code → location", "Point → uses"]
    assert {col.get_note(order[i].nid)["Code"] for i in range(3)} == {first_point.code}
    position = {(card.nid, card.ord): index for index, card in enumerate(order)}
    for (nid, ord_), index in position.items():
        if ord_ == 1 and (nid, 0) in position and "Occlusion" not in names[index]:
            assert index - position[nid, 0] >= 19, names[index]  # the seed deck is small: a day of 20
    # every card of the seed's five points is in the start deck
    start = col.decks.by_name("Acupressure points::1 Start here: lower back pain")["id"]
    assert {card.did for card in order} == {start}


def test_deck_description_covers_sources_and_safety(imported):
    col, _ = imported
    deck = col.decks.by_name("Acupressure points")
    description = deck["desc"]
    assert "not medical advice" in description
    assert "WHO Standard Acupuncture Point Locations" in description and "Deadman" in description
    assert "http" not in description


ANKI_MARKUP = ["[sound:../../etc/passwd]", "[anki:tts lang=en_US]read this[/anki:tts]", r"\(x^2\)",
               r"\[y\]", "[latex]z[/latex]", "[$]w[/$]"]


def test_anki_markup_in_the_data_shows_as_written(project, collection):
    """Sound, speech, MathJax and LaTeX written in a data field stay the characters written."""
    points = project / "data" / "points" / "bladder.yaml"
    text_in = points.read_text(encoding="utf-8").replace(
        "    - heel and ankle pain\n",
        "".join(f"    - '{markup}'\n" for markup in ANKI_MARKUP), 1)
    points.write_text(text_in, encoding="utf-8")
    result = build(project / "data", project / "media", project / "dist" / "acupressure.apkg")
    import_apkg(collection, result.output)
    (card,) = cards_of(collection, "Point → uses", "BL60")
    output = card.render_output(reload=True)
    assert output.question_av_tags == [] and output.answer_av_tags == []
    answer = output.answer_text
    assert "latex-" not in answer and "<anki-mathjax" not in answer
    shown = html.unescape(text(answer)).replace(" ", "")
    for markup in ANKI_MARKUP:
        assert markup.replace(" ", "") in shown
    # MathJax finds \( and \[ only within one run of text: a backslash always stands alone.
    assert not re.search(r"\\[(\[]", re.sub(r"<span>&#92;</span>", "", answer).replace("&#92;", "\\"))
    assert "&#91;sound:" in answer and "<span>&#92;</span>(" in answer


def test_the_shipped_deck_imports_whole(shipped_build, collection):
    """Whatever the shipped data holds today: every note and card arrives, every picture is used."""
    result = shipped_build
    log = import_apkg(collection, result.output).log
    assert len(log.new) == len(result.deck.notes) == collection.note_count()
    assert collection.card_count() == result.deck.card_count
    check = collection.media.check()
    assert not check.missing and not check.unused
    for card in (collection.get_card(cid) for cid in collection.find_cards("")):
        assert card.question() and card.answer()
