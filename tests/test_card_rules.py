"""The card rules of issue 27, checked on every card of the shipped deck as the real Anki backend renders it."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from anki.collection import Collection

from deckbuilder import measures as finger_measures
from deckbuilder.notetypes import CSS
from deckbuilder.records import Measure, field_table

from .conftest import import_apkg
from .test_anki_import import graded, text

_NOT_CONTENT = {"the", "of", "point", "meridian", "and", "a", "which", "is", "it", "its", "what", "special"}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, shipped_build) -> list[dict]:
    """Every card of the shipped deck: its template, tags and both sides, rendered once."""
    folder, result = tmp_path_factory.mktemp("shipped"), shipped_build
    col = Collection(str(folder / "collection.anki2"))
    try:
        import_apkg(col, result.output)
        rendered = []
        for card in (col.get_card(cid) for cid in col.find_cards("")):
            note = card.note()
            rendered.append({"template": card.template()["name"], "tags": note.tags, "nid": card.nid,
                             "fields": dict(note.items()), "question": card.question(), "answer": card.answer(),
                             "deck": col.decks.name(card.did)})
        yield rendered
    finally:
        col.close()


def _cards(shipped: list[dict], template: str) -> list[dict]:
    return [c for c in shipped if c["template"] == template]


def _content_words(html: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text(html).casefold())) - _NOT_CONTENT


def test_no_special_point_question_names_its_answer(shipped):
    """"BL23 · Kidney Shu: the back-shu point of which organ?" answers itself; the English name goes."""
    cards = _cards(shipped, "Point → category")
    hidden = [c for c in cards if "·" not in text(c["question"])]
    for card in cards:
        answer, point = graded(card["answer"]), card["fields"]["Point"]  # the question shows the point, then asks
        assert not _content_words(answer) & _content_words(point), (text(card["question"]), answer)
    assert "BL23 Shènshū Special point" not in [text(c["question"]) for c in hidden]
    assert any(text(c["question"]).startswith("Special point BL23 Shènshū The back-shu") for c in hidden)
    assert 11 <= len(hidden) < 30  # the organ's shu and mu points, and the "Sea" names of he-sea points


def test_the_name_card_grades_one_name(shipped):
    for card in _cards(shipped, "Code → name"):
        assert graded(card["answer"]) == text(card["fields"]["Pinyin"])
        assert text(card["fields"]["English"]) in text(card["answer"])  # the meaning, below, not graded


def test_codes_never_break_at_their_hyphen(shipped):
    """EX-UE7 on a phone: a code is a bold word or a .code block, and style.css keeps both on one line."""
    assert re.search(r"\.code, \.card b \{ white-space: nowrap; \}", CSS)
    seen = 0
    for card in shipped:
        for side in (card["question"], card["answer"]):
            side = re.sub(r"<style>.*?</style>|\salt=\"[^\"]*\"", "", side, flags=re.S)  # text only
            for match in re.finditer(r"EX-[A-Z]{1,2}\d+", side):
                before = side[:match.start()]
                assert before.endswith(("<b>", '<div class="code">')), (card["template"], side[match.start() - 80:])
                seen += 1
    assert seen > 100


def test_no_empty_more_fold(shipped):
    folds = 0
    for card in shipped:
        for fold in re.findall(r'<details class="more"><summary>More</summary>(.*?)</details>', card["answer"], re.S):
            assert text(fold), (card["template"], card["fields"].get("Code"))
            folds += 1
    assert folds > 1000


def test_points_with_the_same_pinyin_say_so(shipped):
    """CV19 and EX-CA1 are both Zǐgōng: the name card that asks either names the other."""
    by_answer = defaultdict(list)
    for card in _cards(shipped, "Code → name"):
        by_answer[graded(card["answer"])].append(card)
    assert len(by_answer["Zǐgōng"]) == 2
    for answer, cards in by_answer.items():
        codes = [c["fields"]["Code"] for c in cards]
        for card in cards:
            for other in set(codes) - {card["fields"]["Code"]}:
                assert f"Same pinyin as {other}" in text(card["answer"]), (answer, codes)


def shared_answers(shipped: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """Graded answers that more than one card of a card type has, with those cards."""
    by_answer = defaultdict(list)
    for card in shipped:
        if card["template"] != "Image Occlusion" and graded(card["answer"]):
            by_answer[card["template"], graded(card["answer"])].append(card)
    return {key: cards for key, cards in by_answer.items() if len(cards) > 1}


# A point serves several complaints and belongs to several categories; a category has several
# points; several spans count 12 cun: there the question itself (the complaint, the category, the
# point, the span) says which is meant, and no card asks the other way round.
_SHARED_BY_DESIGN = {"Complaint → point", "Category → point", "Point → category", "Span → cun"}


def test_answers_shared_by_several_questions_say_what_tells_them_apart(shipped):
    shared = shared_answers(shipped)
    listed = defaultdict(int)
    for (template, answer), cards in shared.items():
        listed[template] += len(cards)
        if template in _SHARED_BY_DESIGN:
            continue
        if template == "Code → name":
            continue  # test_points_with_the_same_pinyin_say_so
        assert template == "Point → uses", (template, answer)
        apart = [text(re.search(r'<div class="apart">(.*?)</div>', c["answer"]).group(1)) for c in cards]
        assert len(set(apart)) == len(apart), (answer, apart)
        for card, said in zip(cards, apart):
            assert card["fields"]["Code"] in said
    assert set(listed) <= _SHARED_BY_DESIGN | {"Point → uses", "Code → name"}, dict(listed)
    assert listed["Point → uses"] > 100  # "headache" is the first use of dozens of points


def test_uses_cards_grade_one_use(shipped):
    cards = _cards(shipped, "Point → uses")
    for card in cards:
        assert graded(card["answer"]) == text(card["fields"]["Uses"]) != ""
        assert "<li>" not in card["fields"]["Uses"]
    assert sum("Also:" in text(c["answer"]) for c in cards) > 300  # the other uses, folded


def test_complaint_cards_ask_for_core_points_only(shipped):
    """No question lists other points; each complaint asks for two to four points, each its own way."""
    by_complaint = defaultdict(list)
    for card in _cards(shipped, "Complaint → point"):
        question = text(card["question"])
        assert not re.search(r"\b[A-Z]{2}\d+\b|EX-", question), question
        by_complaint[card["fields"]["Complaint"]].append(question)
    assert len(by_complaint) == 39
    for complaint, questions in by_complaint.items():
        assert 2 <= len(questions) <= 4 and len(set(questions)) == len(questions), complaint
    assert "Complaint → point Lower back pain Which point, on the ankle?" in by_complaint["Lower back pain"]


def test_the_start_deck_holds_the_article_points_and_says_so(shipped):
    start = [c for c in shipped if c["deck"].endswith("1 Start here: lower back pain")]
    points = {t.rsplit("::", 1)[1] for c in start for t in c["tags"] if t.startswith("acupressure::point::")
              if "complaint" not in " ".join(c["tags"]) and "region-quiz" not in " ".join(c["tags"])}
    assert points == {"kunlun", "shenshu", "weizhong", "baohuang", "tianzong"}
    kinds = {t.rsplit("::", 1)[1] for c in start for t in c["tags"] if t.startswith("acupressure::kind::")}
    assert kinds == {"name", "location", "uses", "special", "complaint", "region-quiz"}
    asked = {text(c["question"]) for c in start if c["template"] == "Complaint → point"}
    assert any("Lower back pain Which point" in q for q in asked)


def test_the_readme_names_the_options_for_the_intended_order():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "*New card sort order*: *Order gathered*" in readme
    assert field_table(Measure) in readme


def test_the_measures_subdeck(shipped):
    """Bone measures first, then finger measures, one number of cun to recall each."""
    measures = [c for c in shipped if c["template"] == "Span → cun"]
    assert {c["deck"] for c in measures} == {"Acupressure points::1 Start here: lower back pain::Measures"}
    asked = {text(c["question"]): graded(c["answer"]) for c in measures}
    assert asked["Bone measure (B-cun) Down the outer lower leg, from the knee crease to the peak of the outer ankle "
                 "bone How many cun?"] == "16 cun"
    assert asked["Bone measure (B-cun) Down the forearm, from the elbow crease to the wrist crease How many cun?"] \
        == "12 cun"
    finger = {q.split(" How many")[0]: a for q, a in asked.items() if q.startswith("Finger measure")}
    assert sorted(finger.values()) == ["1 cun", "1 cun", "1.5 cun", "2 cun", "3 cun"]
    assert len(asked) == len(measures) == 21
    drawn = [c for c in measures if "<img" in c["question"]]
    assert len(drawn) == 14 and all(c["question"].count("<img") == 2 for c in drawn)  # drawing, span over it


def test_every_shipped_card_asks_one_thing(shipped):
    """One graded part a glance takes in, on every card of the shipped deck (not only the seed's)."""
    for card in shipped:
        if card["template"] == "Image Occlusion":
            continue
        assert card["answer"].count('class="graded"') == 1, card["template"]
        answer = graded(card["answer"])
        assert len(answer.split()) <= 25 and "<li>" not in card["answer"].split('class="graded"', 1)[1].split(
            "</div></div>", 1)[0], (card["template"], answer)


def test_the_finger_measure_cards_teach_what_the_texts_are_checked_against(shipped_deck):
    """The cards and the check of the points' texts (deckbuilder/measures.py) count fingers alike."""
    dataset = shipped_deck.dataset
    taught = {m.id: m.cun for m in dataset.measures if m.kind == "finger"}
    for count, word in ((2, "two"), (3, "three"), (4, "four")):
        assert taught[f"{word}-fingers"] == finger_measures.FINGERS[count]
    assert taught["thumb-width"] == 1
