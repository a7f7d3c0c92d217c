"""The built deck, imported into a new collection by the real Anki backend, is what a learner sees."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from deckbuilder.build import build
from deckbuilder.notetypes import INDICATION_ID, LOCATION_ID, NAME_CODE_ID

from .conftest import import_apkg, package_rows

CODES = ["BL60", "SI11", "BL23", "BL40", "BL53"]


@pytest.fixture
def imported(project, collection):
    result = build(project / "data", project / "media", project / "dist" / "acupressure.apkg")
    import_apkg(collection, result.output)
    return collection, result


def cards_of(col, template: str, code: str | None = None):
    query = f'card:"{template}"' + (f" Code:{code}" if code else "")
    return [col.get_card(cid) for cid in col.find_cards(query)]


def text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_three_note_types_with_both_directions(imported):
    col, _ = imported
    ours = {m["id"]: m for m in col.models.all() if m["id"] in (NAME_CODE_ID, LOCATION_ID, INDICATION_ID)}
    assert len(ours) == 3
    assert [t["name"] for t in ours[NAME_CODE_ID]["tmpls"]] == ["Name → code", "Code → name"]
    assert [t["name"] for t in ours[LOCATION_ID]["tmpls"]] == ["Code → location", "Location → code"]
    assert [t["name"] for t in ours[INDICATION_ID]["tmpls"]] == ["Point → uses", "Condition → points"]
    # No second copy of any of them.
    assert len([m for m in col.models.all() if m["name"].startswith("Acupressure")]) == 3


def test_note_and_card_counts(imported):
    col, result = imported
    # 5 points x 3 notes + 5 conditions; points have 2 + 2 + 1 cards, conditions 1.
    assert col.note_count() == 20
    assert col.card_count() == 5 * 5 + 5
    assert len(result.deck.notes) == 20 and result.deck.card_count == 30


@pytest.mark.parametrize("code", CODES)
def test_every_point_reachable_by_its_who_code(imported, code):
    col, _ = imported
    notes = [col.get_note(nid) for nid in col.find_notes(f"Code:{code}")]
    assert {n.note_type()["id"] for n in notes} == {NAME_CODE_ID, LOCATION_ID, INDICATION_ID}


def test_name_to_code(imported):
    col, _ = imported
    (card,) = cards_of(col, "Name → code", "BL40")
    question, answer = text(card.question()), text(card.answer())
    assert "Wěizhōng" in question and "委中" in question and "Middle Crook" in question
    assert "BL40" not in question and "BL54" not in question
    assert "BL40" in answer
    assert "BL54" in answer and "older bladder-line numbering" in answer


def test_code_to_name(imported):
    col, _ = imported
    (card,) = cards_of(col, "Code → name", "BL53")
    question, answer = text(card.question()), text(card.answer())
    assert "BL53" in question
    assert "Bāohuāng" not in question and "Bladder Vitals" not in question
    assert "Bāohuāng" in answer and "胞肓" in answer and "Bladder Vitals" in answer
    assert "BL48" in answer and "Yanggang" in answer  # the article's number, explained


def test_code_to_location(imported):
    col, _ = imported
    (card,) = cards_of(col, "Code → location", "BL60")
    question, answer = card.question(), card.answer()
    assert "BL60" in text(question) and "malleolus" not in question and "<img" not in question
    assert "Achilles tendon" in text(answer)
    assert re.search(r'<img src="acupressure-[0-9a-f]{12}\.svg"', answer)
    assert "pregnancy" in text(answer)


def test_location_to_code(imported):
    col, _ = imported
    (card,) = cards_of(col, "Location → code", "BL40")
    question, answer = card.question(), card.answer()
    assert "popliteal" in text(question) and "<img" in question
    for giveaway in ("BL40", "BL54", "Wěizhōng", "Middle Crook"):
        assert giveaway not in text(question)
    assert "BL40" in text(answer) and "Wěizhōng" in text(answer)
    # Both show the knee's drawing; over it, the question has the bare marker, the answer the labelled one.
    front = re.findall(r'<img src="([^"]+)"', question)
    back = re.findall(r'<img src="([^"]+)"', answer)
    assert len(front) == len(back) == 2 and front[0] == back[0] and front[1] != back[1]
    assert "gently" in text(answer)  # the caution about the vessels and nerve


def test_point_to_uses_with_article_disagreement(imported):
    col, _ = imported
    (card,) = cards_of(col, "Point → uses", "SI11")
    question, answer = text(card.question()), text(card.answer())
    assert "SI11" in question and "shoulder" not in question
    assert "shoulder" in answer
    assert "not one of its standard indications" in answer


def test_condition_to_points(imported):
    col, _ = imported
    ids = col.find_cards('card:"Condition → points" Condition:"lower back pain"')
    (card,) = [col.get_card(cid) for cid in ids]
    question, answer = text(card.question()), text(card.answer())
    assert "lower back pain" in question
    for code in CODES:
        assert code not in question
    for code in ("BL60", "BL23", "BL40", "BL53"):
        assert code in answer
    assert "SI11" in answer and "not a standard indication" in answer


def test_no_question_shows_its_answer(imported):
    col, _ = imported
    answers = {"Name → code": "Code", "Code → name": "Pinyin", "Code → location": "Location",
               "Location → code": "Code", "Point → uses": "Uses", "Condition → points": "Points"}
    for template, field in answers.items():
        for card in cards_of(col, template):
            value = text(card.note()[field])
            assert value and value not in text(card.question()), (template, value)


def test_media_check_reports_nothing_missing_or_unused(imported):
    col, result = imported
    check = col.media.check()
    assert list(check.missing) == []
    assert list(check.unused) == []
    assert len(result.deck.media) == 3 + 10  # each view's drawing; a question and an answer marker a point
    for item in result.deck.media:
        assert (Path(col.media.dir()) / item.name).read_bytes() == item.data


def test_tags_for_filtering(imported):
    col, _ = imported
    assert len(col.find_notes("tag:acupressure::meridian::bladder")) == 4 * 3
    assert len(col.find_notes("tag:acupressure::condition::lower-back-pain")) == 4 * 3 + 1
    assert len(col.find_notes("tag:acupressure::point::weizhong")) == 3
    assert col.decks.by_name("Acupressure points") is not None


def test_same_data_same_package(project, tmp_path):
    first = build(project / "data", project / "media", tmp_path / "a" / "deck.apkg")
    second = build(project / "data", project / "media", tmp_path / "b" / "deck.apkg")
    rows_a, rows_b = package_rows(first.output, tmp_path), package_rows(second.output, tmp_path)
    assert [r[:3] for r in rows_a["notes"]] == [r[:3] for r in rows_b["notes"]]
    assert [r[3] for r in rows_a["notes"]] == [r[3] for r in rows_b["notes"]]
    assert [m.name for m in first.deck.media] == [m.name for m in second.deck.media]
    assert [m.data for m in first.deck.media] == [m.data for m in second.deck.media]
    ids = {str(NAME_CODE_ID), str(LOCATION_ID), str(INDICATION_ID)}
    assert json.loads(rows_a["models"]).keys() == json.loads(rows_b["models"]).keys() == ids
    assert json.loads(rows_a["decks"]).keys() == json.loads(rows_b["decks"]).keys()


def test_new_cards_arrive_point_by_point_names_first(imported):
    col, result = imported
    order = [col.get_card(cid) for cid in col.find_cards("is:new", order="c.due asc, c.ord asc")]
    kinds = [(card.note().guid, card.template()["name"]) for card in order]
    first_point = result.deck.dataset.points[0]
    # The first point's name <-> code cards come first, then its location, then its uses.
    assert [name for _, name in kinds[:5]] == [
        "Name → code", "Code → name", "Code → location", "Location → code", "Point → uses"]
    assert {col.get_note(order[i].nid)["Code"] for i in range(5)} == {first_point.code}
    # The complaint cards come after every point's own cards.
    assert [name for _, name in kinds[-5:]] == ["Condition → points"] * 5


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
