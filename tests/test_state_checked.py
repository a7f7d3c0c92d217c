"""The build state is checked against the deck it describes: one that disagrees is treated as lost.

A state edited by hand (or by anything else) must not make the build say one thing while Anki
does another: each case below is built, imported and rebuilt at the real clock, as a user does.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from deckbuilder import cli, state
from deckbuilder.build import build

from .conftest import import_apkg, package_rows
from .test_regenerate import after, edit


def _paths(project: Path) -> tuple[Path, Path]:
    output = project / "dist" / "acupressure.apkg"
    return output, state.state_path(output)


def _edit_state(path: Path, change) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    change(stored)
    path.write_text(json.dumps(stored), encoding="utf-8")


def _build(project: Path):
    return build(project / "data", project / "media", _paths(project)[0])


def _typo_fixed(project: Path) -> None:
    """An edit of one note (BL60's location), so that the next build writes a new deck."""
    edit(project / "data" / "points" / "bladder.yaml", "the most prominent\n    point of the outer ankle bone",
         "the highest\n    point of the outer ankle bone")


def _shift_times(seconds: int):
    def change(stored: dict) -> None:
        for key, (content, mod) in stored["notes"].items():
            stored["notes"][key] = [content, mod + seconds]
    return change


def test_note_times_moved_ahead_are_not_trusted(project, collection):
    """Times a year ahead: the deck would carry them, and Anki would update every note, not one."""
    output, path = _paths(project)
    first = _build(project)
    import_apkg(collection, output)
    _edit_state(path, _shift_times(365 * 86400))
    _typo_fixed(project)
    after(max(mod for _, mod in first.changes.notes))
    result = _build(project)
    log = import_apkg(collection, output).log
    assert len(log.updated) == result.changes.notes_changed == len(result.deck.notes)
    assert result.changes.recovered and result.changes.doubt == "it gives notes times later than now"


def test_note_times_that_are_not_the_decks_are_not_trusted(project, collection):
    """Half an hour ahead (not far enough to be impossible): they are not those of the deck on disk."""
    output, path = _paths(project)
    first = _build(project)
    import_apkg(collection, output)
    _edit_state(path, _shift_times(1800))
    _typo_fixed(project)
    after(max(mod for _, mod in first.changes.notes))
    result = _build(project)
    log = import_apkg(collection, output).log
    assert len(log.updated) == result.changes.notes_changed == len(result.deck.notes)
    assert result.changes.doubt == "its notes or their times are not those of the deck"


def test_counts_edited_in_the_state_are_not_printed_back(project, capsys):
    output, path = _paths(project)
    args = ["build", "--data", str(project / "data"), "--media", str(project / "media"), "-o", str(output)]
    assert cli.main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    _edit_state(path, lambda stored: stored["counts"].update(points=999, notes=5))
    assert cli.main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == first and first.startswith("Built 5 points: ")
    assert out[1] == (f"{path} is not trusted (its counts are not those of the deck): it was rebuilt from the "
                      "previous acupressure.apkg, every note is marked as changed, and the next import updates "
                      "them all (reviews are kept)")
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[1] == "Nothing changed since the last build"


def _quiz_numbers(output: Path, tmp_path: Path) -> dict[str, list[int]]:
    """Each region quiz's cloze numbers, in the order of its points, as the package holds them."""
    found = {}
    for _, _, fields, tags in package_rows(output, tmp_path)["notes"]:
        key = re.search(r"acupressure::quiz::(\S+)", tags)
        if key:
            found[key.group(1)] = [int(n) for n in re.findall(r"\{\{c(\d+)::image-occlusion", fields)]
    return found


def test_two_points_given_one_card_of_a_quiz_are_not_trusted(project, collection, tmp_path):
    """BL23 and BL53 share the back's Bladder quiz; the state gives BL53 the card of BL23."""
    output, path = _paths(project)
    first = _build(project)
    import_apkg(collection, output)
    before = _quiz_numbers(output, tmp_path)
    assert before["back-bl"] == [23, 53]
    _edit_state(path, lambda stored: stored["masks"]["back-bl"].update(baohuang=23))
    _typo_fixed(project)
    after(max(mod for _, mod in first.changes.notes))
    result = _build(project)
    assert _quiz_numbers(output, tmp_path) == before  # each point keeps its own card
    assert result.changes.doubt == "it gives two points the same card of the region quiz back-bl"
    import_apkg(collection, output)
    (nid,) = collection.find_notes("tag:acupressure::quiz::back-bl")
    assert sorted(card.ord for card in collection.get_note(nid).cards()) == [22, 52]
    assert not collection.get_empty_cards().notes


def test_a_state_that_agrees_with_its_deck_is_trusted(project):
    """The checks cost no rebuild when nothing was edited: an unchanged rebuild reads nothing again."""
    _build(project)
    _typo_fixed(project)
    result = _build(project)
    assert result.changes.doubt is None and not result.changes.recovered and result.changes.notes_changed == 1
    assert _build(project).changes is None


def test_note_times_ahead_without_the_deck_start_afresh(project, capsys):
    """No .apkg to rebuild the state from: the build says the state was not trusted, and starts afresh."""
    output, path = _paths(project)
    args = ["build", "--data", str(project / "data"), "--media", str(project / "media"), "-o", str(output)]
    assert cli.main(args) == 0
    _edit_state(path, _shift_times(365 * 86400))
    output.unlink()
    assert cli.main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{path} is not trusted (it gives notes times later than now): there is no acupressure.apkg to rebuild "
        "it from, so this build starts afresh")
    assert state.read(path).newest <= time.time()  # the deck carries no time ahead of the clock
