"""The German deck: built from the same data and data/translations/de/, checked, imported by the real Anki backend."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from anki.scheduler.v3 import CardAnswer

from deckbuilder import atlas, notetypes, preview, translate
from deckbuilder.build import build, prepare
from deckbuilder.cli import main

from .conftest import DATA, MEDIA, ROOT, import_apkg, new_collection
from .test_atlas import _text_boxes
from .test_preview import visible_text

HEART = Path("data/translations/de/points/heart.yaml")
LOCATION_HT7 = "at its little-finger end, just to the\n    thumb side of the flexor carpi ulnaris tendon."
LOCATION_HT7_EDITED = "at its little-finger end, just on the\n    thumb side of the flexor carpi ulnaris tendon."
# Common English words that no German sentence holds (words German shares, such as "in", "an", "also",
# "Arm", "Hand", "Finger", "Name", "Code", are left out). Pinyin, hanzi and codes hold none of them.
ENGLISH = {"the", "and", "of", "with", "is", "its", "which", "where", "point", "points", "side", "between",
           "above", "below", "press", "find", "pain", "more", "from", "to", "at", "or", "for", "by", "this",
           "that", "inner", "outer", "back", "front", "upper", "lower", "bone", "crease", "tendon", "muscle",
           "toe", "toes", "knee", "head", "neck", "leg", "foot", "on", "left", "right", "here", "other",
           "besides", "uses", "main", "caution", "sources", "how", "marked", "toggle", "masks",
           "complaint", "location", "special", "category", "called", "written", "landmarks", "both", "body",
           "single", "midline", "extra", "spring", "gate", "spirit", "sea", "palace", "path",
           "when", "never", "gently", "hard", "over", "under", "one", "two", "three", "half", "it",
           "span", "drawing", "many", "measure", "measures", "thumb", "width", "across", "down", "hairline",
           "navel", "nipple", "armpit", "elbow", "wrist", "ankle", "rib", "quickest", "estimate"}


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped data with its translations, which a test may edit."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(MEDIA, tmp_path / "media")
    return tmp_path


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """The German deck of the shipped data, built and imported into a new collection once for the tests
    that only read it; yields the build result, the import log and the collection."""
    folder = tmp_path_factory.mktemp("german")
    result = build(DATA, MEDIA, folder / "dist/akupressur.apkg", lang="de")
    col = new_collection(folder)
    log = import_apkg(col, result.output).log
    yield result, log, col
    col.close()


@pytest.fixture(scope="module")
def outdated_before() -> list[str]:
    """The outdated German texts `check --lang de` lists for the shipped data, checked once; a test
    that edits its copy compares against these (its copy's paths in place of the shipped ones)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(run(ROOT, "check", "--lang", "de"))
    return outdated_lines(out.getvalue())


def in_copy(lines: list[str], project: Path) -> list[str]:
    return [line.replace(str(DATA), str(project / "data")) for line in lines]


def run(project: Path, *command: str) -> list[str]:
    return [*command, "--data", str(project / "data"), "--media", str(project / "media")]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, after: str, key: str) -> int:
    """The line of `key` in the entry that starts with `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    return next(i for i in range(start, len(lines)) if lines[i].strip().startswith(key)) + 1


def outdated_lines(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if "outdated, the English changed" in line]


def test_check_reports_the_german_text_whose_english_changed(shipped, outdated_before, capsys):
    before = in_copy(outdated_before, shipped)
    edit(shipped / "data/points/heart.yaml", LOCATION_HT7, LOCATION_HT7_EDITED)
    assert main(run(shipped, "check", "--lang", "de")) == 1
    german, english = shipped / HEART, shipped / "data/points/heart.yaml"
    expected = (f"{german}, line {line_of(german, 'shenmen:', 'location:')}, point HT7 (shenmen), field "
                f"'location': outdated, the English changed since it was translated (English: "
                f"{english}, line {line_of(english, '- id: shenmen', 'location:')})")
    out = capsys.readouterr().out
    assert [line for line in outdated_lines(out) if line not in before] == [expected]
    assert f"Translation 'de': {len(before) + 1} outdated" in out
    assert main(run(shipped, "check")) == 0  # the English deck is fine; the check counts the German text too
    out = capsys.readouterr().out
    assert f"Translation 'de': {len(before) + 1} outdated" in out
    assert expected in outdated_lines(out) or len(before) >= 30  # the first 30, outdated ones first


def test_check_names_a_missing_text_and_refuses_an_entry_for_nothing(shipped, capsys):
    german, english = shipped / HEART, shipped / "data/points/heart.yaml"
    edit(german, "shaochong:  # HT9", "shaochongg:  # HT9")  # a typo in a point id: its texts are missing
    assert main(run(shipped, "check", "--lang", "de")) == 1
    out = capsys.readouterr().out
    assert (f"{german}, line {line_of(german, 'shaochongg:', 'shaochongg')}: there is no point 'shaochongg' in "
            "data/points/heart.yaml") in out
    assert f"{german}, point HT9 (shaochong), field 'location': not translated yet" in out
    # the German build goes on: the entry is never shown, the point's texts are shown in English, marked
    assert main(run(shipped, "build", "--lang", "de", "--only", "point:HT9", "-o", str(shipped / "x.apkg"))) == 0
    assert "translations are of English that is not there" in capsys.readouterr().out
    edit(german, "shaochongg:  # HT9", "shaochong:  # HT9")
    edit(german, "  how_to_find:\n    from: b7ce6ab4\n", "  how_to_findd:\n    from: b7ce6ab4\n")
    assert main(run(shipped, "check", "--lang", "de")) == 1
    assert (f"{german}, line {line_of(german, 'shenmen:', 'how_to_findd')}: HT7 (shenmen) has no English "
            "'how_to_findd' to translate") in capsys.readouterr().out
    edit(german, "  how_to_findd:\n    from: b7ce6ab4\n", "  how_to_find:\n    from: b7ce6ab4\n")
    edit(german, '    de:\n      - "Kleiner Ansturm"\n', '    de:\n      - "Kleiner Ansturm"\n      - "Zwei"\n')
    assert main(run(shipped, "check", "--lang", "de")) == 1
    assert "point HT9 (shaochong), field 'english': the English has 1 items, the translation 2" \
        in capsys.readouterr().err
    edit(german, '    de:\n      - "Kleiner Ansturm"\n      - "Zwei"\n', '    de:\n      - "Kleiner Ansturm"\n')
    edit(german, 'from: "76308079"', "from: 76308079")  # YAML reads it as a number
    assert main(run(shipped, "check", "--lang", "de")) == 1
    assert (f"{german}, line {line_of(german, 'shenmen:', 'from: 76308079')}, point HT7 (shenmen), field 'english': "
            "the hash in 'from' reads as a number\n      hint: put it in quotes: from: \"76308079\"") \
        in capsys.readouterr().err
    edit(german, "from: 76308079", 'from: "76308079"')
    edit(german, '  english:\n    from: 1ee90133\n    de:\n      - "Kleiner Palast"\n', "")  # HT8's name
    assert main(run(shipped, "check", "--lang", "de")) == 1
    out = capsys.readouterr().out
    assert (f"{german}, line {line_of(german, 'shaofu:', 'shaofu')}, point HT8 (shaofu), field 'english': not "
            f"translated yet (English: {english}, line {line_of(english, '- id: shaofu', 'english:')})") in out


MEASURES = Path("data/translations/de/measures.yaml")
SPAN_FOREARM = "span: down the forearm, from the elbow crease to the wrist crease"


def test_german_deck_holds_the_measures_in_german(german, shipped_deck):
    """The same measure cards as the English deck, in the German measures subdeck, with German pictures."""
    (result, log, collection), english = german, shipped_deck
    kinds = [note.owner for note in result.deck.notes if note.owner.startswith("measure:")]
    assert kinds == [note.owner for note in english.notes if note.owner.startswith("measure:")]
    assert len(kinds) == len(english.dataset.measures) > 0
    assert len(log.new) == len(result.deck.notes) and not log.duplicate
    notes = collection.find_notes('"note:Akupressur: Maß"')
    assert len(notes) == len(kinds)
    assert set(collection.find_cards('"deck:Akupressurpunkte::1 Hier beginnen: Kreuzschmerzen::Maße"')) == \
        set(collection.find_cards('"note:Akupressur: Maß"'))
    (two,) = collection.find_cards("tag:acupressure::measure::two-fingers")
    card = collection.get_card(two)
    assert "Fingermaß (F-Cun)" in card.question() and "2 Querfinger" in card.question()
    assert "Wie viele Cun?" in card.question() and '<div class="code">1,5 Cun</div>' in card.answer()
    (forearm,) = collection.find_notes("tag:acupressure::measure::elbow-crease-to-wrist-crease")
    note = collection.get_note(forearm)
    assert note["Span"] == "Am Unterarm abwärts, von der Ellenbeugefalte bis zur Handgelenksfalte"
    assert note["Cun"] == "12 Cun" and "PC6 (KS 6), 2 Cun oberhalb" in note["Note"]
    drawing, span = re.findall(r'<img src="([^"]+)"', note["Diagram"])
    svg = Path(collection.media.dir(), drawing).read_text(encoding="utf-8")
    assert "Rechter Arm, Handflächenseite" in svg and "Right arm, palm side" not in svg  # labels from deck.yaml
    (location,) = collection.find_notes('"note:Akupressur: Code ↔ Lage" "Code:PC4 (KS 4)"')
    assert drawing in collection.get_note(location)["Diagram"]  # the drawing the location cards show
    assert Path(collection.media.dir(), span).is_file()


def test_check_reports_the_german_measure_whose_english_changed(shipped, outdated_before, capsys):
    before = in_copy(outdated_before, shipped)  # other texts' (a measure's: test_no_english_on_a_german_card)
    edit(shipped / "data/measures.yaml", SPAN_FOREARM, SPAN_FOREARM.replace("down the forearm", "along the forearm"))
    assert main(run(shipped, "check", "--lang", "de")) == 1
    german, english = shipped / MEASURES, shipped / "data/measures.yaml"
    expected = (f"{german}, line {line_of(german, 'elbow-crease-to-wrist-crease:', 'span:')}, measure "
                "elbow-crease-to-wrist-crease, field 'span': outdated, the English changed since it was translated "
                f"(English: {english}, line {line_of(english, '- id: elbow-crease-to-wrist-crease', 'span:')})")
    out = capsys.readouterr().out
    assert [line for line in outdated_lines(out) if line not in before] == [expected]
    assert f"Translation 'de': {len(before) + 1} outdated" in out
    deck = prepare(shipped / "data", shipped / "media", shipped / "cache", lang="de")  # the English, marked
    (note,) = [n for n in deck.notes if n.owner == "measure:elbow-crease-to-wrist-crease"]
    assert note.fields[2] == '<span class="untranslated" lang="en">[EN] Along the forearm, from the elbow crease to ' \
        'the wrist crease</span>'
    # an entry for a measure the English does not have is listed for removal, and is not shown
    edit(german, "thumb-width:\n", "thumb-widht:\n")
    assert main(run(shipped, "check", "--lang", "de")) == 1
    out = capsys.readouterr().out
    assert (f"{german}, line {line_of(german, 'thumb-widht:', 'thumb-widht')}: there is no measure 'thumb-widht' "
            "in data/measures.yaml") in out
    assert f"{german}, measure thumb-width, field 'span': not translated yet (English: {english}, line " in out


def test_german_deck_imports_beside_the_english_one(shipped, collection):
    english = build(shipped / "data", shipped / "media", shipped / "dist/acupressure.apkg", only="meridian:HT")
    german = build(shipped / "data", shipped / "media", shipped / "dist/akupressur.apkg", only="meridian:HT",
                   lang="de")
    assert german.state_file.name == "akupressur.state.json"
    import_apkg(collection, english.output)
    log = import_apkg(collection, german.output).log
    assert len(log.new) == len(german.deck.notes) and not log.updated and not log.duplicate
    assert collection.note_count() == len(english.deck.notes) + len(german.deck.notes)
    names = {m["name"] for m in collection.models.all()}
    assert {"Akupressur: Name ↔ Code", "Akupressur: Code ↔ Lage", notetypes.NAME_CODE.name} <= names
    decks = {d.name for d in collection.decks.all_names_and_ids()}
    assert {"Akupressurpunkte", "Akupressurpunkte::2 Meridiane::Herz-Meridian (HT, He)", "Acupressure points"} <= decks
    # the German code beside the WHO code, and searchable
    (note_id,) = collection.find_notes('"note:Akupressur: Name ↔ Code" Code:HT7*')
    assert collection.get_note(note_id)["Code"] == "HT7 (He 7)"
    assert set(collection.find_notes("tag:acupressure::de::He7")) >= {note_id}
    card = collection.get_card(collection.find_cards('"card:Code → Name" "Code:HT7 (He 7)"')[0])
    assert "Welcher Name?" in card.question() and "Tor des Geistes" in card.answer()


def _study(col) -> int:
    """Every card of the German deck, answered today (all of them new, so the limit is raised)."""
    for name in col.decks.all_names_and_ids():
        config = col.decks.config_dict_for_deck_id(name.id)
        config["new"]["perDay"] = 9999
        col.decks.update_config(config)
    col.decks.select(col.decks.id("Akupressurpunkte"))
    answered = 0
    while (queued := col.sched.get_queued_cards()).cards:
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.EASY))
        answered += 1
    return answered


def test_an_english_edit_changes_exactly_its_german_note_and_keeps_the_reviews(shipped, collection, capsys):
    out = shipped / "dist/akupressur.apkg"
    assert main(run(shipped, "build", "--lang", "de", "--only", "meridian:HT,meridian:PC", "-o", str(out))) == 0
    import_apkg(collection, out)
    assert _study(collection) > 0
    reviews = collection.db.scalar("select count() from revlog")
    edit(shipped / "data/points/heart.yaml", LOCATION_HT7, LOCATION_HT7_EDITED)
    capsys.readouterr()
    time.sleep(1.1)  # the next build is a second later, as a person's next build is
    assert main(run(shipped, "build", "--lang", "de", "--only", "meridian:HT,meridian:PC", "-o", str(out))) == 0
    said = capsys.readouterr().out
    assert "Changed since the last build: HT7 (shenmen) (1 note)" in said
    log = import_apkg(collection, out).log
    assert (len(log.new), len(log.updated)) == (0, 1)
    updated = collection.get_note(log.updated[0].id.nid)
    assert updated["Code"] == "HT7 (He 7)" and "[EN] On the wrist crease" in updated["Location"]
    assert collection.db.scalar("select count() from revlog") == reviews
    assert not collection.find_cards("is:new")


def _words(html: str) -> set[str]:
    html = re.sub(r"<(style|script)>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"\[anki:tts[^\]]*\].*?\[/anki:tts\]", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>|&[a-z]+;|&#\d+;", " ", html)
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def test_no_english_on_a_german_card(german):
    """Every German card is German: no common English word on either side, and none shows an English text
    (marked [EN]) because its translation is missing or outdated."""
    result, _, collection = german
    checked, waiting, english = 0, 0, {}
    for card_id in collection.find_cards("deck:Akupressurpunkte"):
        card = collection.get_card(card_id)
        sides = card.question() + card.answer()
        if 'class="untranslated"' in sides:
            waiting += 1
            continue
        checked += 1
        found = _words(sides) & ENGLISH
        if found:
            english[f"{card.note().fields[0][:40]} / {card.template()['name']}"] = sorted(found)
    assert english == {}
    heart = collection.find_cards('deck:Akupressurpunkte tag:acupressure::meridian::heart -"card:Bildverdeckung"')
    assert checked >= len(heart) > 0
    measures = collection.find_cards("deck:Akupressurpunkte tag:acupressure::kind::measure")
    assert len(measures) == len(result.deck.dataset.measures) > 0  # they are among the cards checked
    outdated = sum(gap.outdated for gap in result.deck.gaps)
    assert waiting == 0, (f"{waiting} German cards still show English (marked [EN]): {outdated} texts outdated, "
                          f"{len(result.deck.gaps) - outdated} not translated yet (check --lang de lists them)")


def test_preview_and_only_in_german(shipped, capsys):
    folder = shipped / "preview"
    assert main(run(shipped, "preview", "--lang", "de", "-o", str(folder))) == 0
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Welcher Code?" in page and "Its code?" not in page and "So finden: " in page
    out = shipped / "dist/herz.apkg"
    assert main(run(shipped, "build", "--lang", "de", "--only", "point:shenmen", "-o", str(out))) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "First build: the build state is kept in " \
        f"{shipped / 'dist/herz.state.json'}"


def test_german_preview_agrees_with_anki(shipped, collection):
    result = build(shipped / "data", shipped / "media", shipped / "dist/herz.apkg", only="meridian:HT,point:BL40",
                   lang="de")
    import_apkg(collection, result.output)
    ours = {(c.note.guid, c.ord): c for c in preview.cards(result.deck)}
    theirs = {(collection.get_card(cid).note().guid, collection.get_card(cid).ord): collection.get_card(cid)
              for cid in collection.find_cards("")}
    assert ours.keys() == theirs.keys()
    for key, card in theirs.items():
        assert visible_text(ours[key].question) == visible_text(card.question()), ours[key].template
        assert visible_text(ours[key].answer) == visible_text(card.answer()), ours[key].template
    assert {c.template for c in ours.values()} >= {"Lage → Code", "Bildverdeckung", "Punkt → Kategorie"}


def test_german_labels_stay_on_their_pictures_and_apart():
    """German names are longer than English ones: on every view, each stays inside the picture and off the others."""
    words = translate.picture_words(translate.texts(translate.read(DATA, "de")))
    assert len(words) > 200
    for view in atlas.VIEWS:
        svg = atlas.base(view, words)
        width, height = (float(n) for n in ET.fromstring(svg).get("viewBox").split()[2:])
        boxes = _text_boxes(svg)
        assert any(text == dict(words)[atlas.VIEWS[view].title] for text, *_ in boxes)
        for text, _, x0, y0, x1, y1 in boxes:
            assert 2 <= x0 and x1 <= width - 2 and 2 <= y0 and y1 <= height - 2, f"{view}: {text!r} runs off"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not (a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]), f"{view}: {a[0]!r}, {b[0]!r}"


def test_the_start_deck_says_what_it_holds_in_german(german):
    """The "Start here" subdeck's overview was made at build time only, so check could not see it,
    and the German deck showed it in English ("lower back pain", "… and SI11")."""
    deck = german[0].deck
    assert "Kreuzschmerzen" in deck.start_description and "SI11 (Dü 11)" in deck.start_description
    assert " und SI11" in deck.start_description and "[EN]" not in deck.start_description
    assert not any("The {count} points" in str(gap) for gap in deck.gaps)
