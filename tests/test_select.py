"""`deckbuilder build --only SPEC`: a smaller deck now, the full deck later, never a duplicate."""

from __future__ import annotations

import pytest

from deckbuilder.build import build
from deckbuilder.cli import main
from deckbuilder.media import quiz_group

from .conftest import import_apkg


@pytest.mark.parametrize(("spec", "points"), [
    ("meridian:BL", {"BL60", "BL23", "BL40", "BL53"}),
    ("meridian:si", {"SI11"}),
    ("condition:neck-stiffness", {"BL60"}),
    ("region:knee,point:tianzong", {"BL40", "SI11"}),
    ("point:BL23", {"BL23"}),
    ("category:back-shu", {"BL23"}),
])
def test_only_builds_the_points_named(project, spec, points):
    result = build(project / "data", project / "media", project / "dist" / "part.apkg", only=spec)
    assert {p.code for p in result.deck.dataset.points} == points
    owners = {n.owner for n in result.deck.notes}
    assert owners <= {f"point:{p.id}" for p in result.deck.dataset.points} | {
        f"condition:{c.id}" for c in result.deck.dataset.conditions} | {
        f"quiz:{p.diagram.view}-{quiz_group(p).lower()}" for p in result.deck.dataset.points}


@pytest.mark.parametrize(("spec", "message"), [
    ("meridian:XX", "no point matches 'meridian:XX'; the meridians are: BL, SI"),
    ("condition:lower-back", "did you mean 'condition:lower-back-pain'?"),
    ("colour:red", "'colour:red' is not kind:value"),
    (",", "needs at least one kind:value"),
])
def test_only_with_what_the_data_does_not_have_is_a_usage_error(project, capsys, spec, message):
    code = main(["build", "--data", str(project / "data"), "--media", str(project / "media"),
                 "-o", str(project / "dist" / "part.apkg"), "--only", spec])
    assert code == 2 and message in capsys.readouterr().err
    assert not (project / "dist").exists()


def test_a_smaller_deck_first_then_the_full_deck_adds_without_duplicates(project, collection):
    small = build(project / "data", project / "media", project / "dist" / "small.apkg", only="meridian:SI")
    log = import_apkg(collection, small.output).log
    assert len(log.new) == len(small.deck.notes)
    studied = {cid: collection.get_card(cid) for cid in collection.find_cards("")}
    for card in studied.values():  # reviewed once, so a replaced card would show
        card.ivl, card.type, card.queue, card.due = 7, 2, 2, 100
        collection.update_card(card)
    full = build(project / "data", project / "media", project / "dist" / "acupressure.apkg")
    log = import_apkg(collection, full.output).log
    assert len(log.new) == len(full.deck.notes) - len(small.deck.notes)
    assert len(log.conflicting) == 0
    guids = collection.db.list("select guid from notes")
    assert len(guids) == len(set(guids)) == len(full.deck.notes)
    assert collection.card_count() == full.deck.card_count
    for cid in studied:
        assert collection.get_card(cid).ivl == 7


def _cli_build(project, output, only=None) -> int:
    args = ["build", "--data", str(project / "data"), "--media", str(project / "media"), "-o", str(output)]
    return main(args + (["--only", only] if only else []))


def _files(output) -> dict:
    return {p: p.read_bytes() for p in output.parent.iterdir() if p.is_file()}


def test_a_selection_onto_the_whole_deck_is_refused_and_names_o(project, capsys):
    """`-o` forgotten: the selection would replace the whole deck and call the points it leaves out removed."""
    output = project / "dist" / "acupressure.apkg"
    assert _cli_build(project, output) == 0
    capsys.readouterr()
    before = _files(output)
    assert _cli_build(project, output, "meridian:BL") == 2
    out, err = capsys.readouterr()
    assert f"{output} holds the whole deck; write the selection elsewhere with -o FILE" in err
    assert "delete" not in out + err and "Removed" not in out + err
    assert _files(output) == before


@pytest.mark.parametrize(("first", "then", "message"), [
    ("meridian:BL", "point:kunlun", "holds 3 points this selection leaves out (baohuang, shenshu, weizhong)"),
    ("condition:sciatica", "condition:sciatica", "holds 1 point this selection leaves out (baohuang)"),
])
def test_a_narrower_selection_onto_a_selection_is_refused(project, capsys, first, then, message):
    output = project / "dist" / "part.apkg"
    assert _cli_build(project, output, first) == 0
    conditions = project / "data" / "conditions.yaml"  # the second case: the condition no longer names BL53
    conditions.write_text(conditions.read_text(encoding="utf-8").replace(
        "points: [kunlun, weizhong, baohuang]", "points: [kunlun, weizhong]"), encoding="utf-8")
    capsys.readouterr()
    before = _files(output)
    assert _cli_build(project, output, then) == 2
    assert message in capsys.readouterr().err and _files(output) == before


def test_a_wider_selection_onto_a_selection_extends_it(project, capsys):
    output = project / "dist" / "part.apkg"
    assert _cli_build(project, output, "point:kunlun") == 0
    assert _cli_build(project, output, "point:kunlun,meridian:SI") == 0
    out = capsys.readouterr().out
    assert "Changed since the last build: SI11 (tianzong)" in out and "delete" not in out


def test_a_selection_never_calls_the_points_it_leaves_out_removed(project, capsys):
    """The whole deck's state is kept but its .apkg is gone: nothing holds the points left out, and
    the selection is built; they are not removed from the data, so no message says to delete them."""
    output = project / "dist" / "acupressure.apkg"
    assert _cli_build(project, output) == 0
    output.unlink()
    capsys.readouterr()
    assert _cli_build(project, output, "meridian:BL") == 0
    out = capsys.readouterr().out
    assert "Removed" not in out and "delete" not in out and "No longer built" not in out
    output.unlink()
    changes = build(project / "data", project / "media", output, only="point:kunlun").changes
    assert not (changes.removed_points or changes.removed_conditions or changes.removed_notes)


def test_the_whole_deck_after_a_selection_on_the_same_file(project, collection, capsys):
    """The other direction: the points the selection left out arrive as new, nothing is called removed,
    and the build counts exactly the notes the import adds or updates."""
    output = project / "dist" / "acupressure.apkg"
    assert _cli_build(project, output, "meridian:SI") == 0
    small = import_apkg(collection, output).log
    studied = {cid: collection.get_card(cid) for cid in collection.find_cards("")}
    for card in studied.values():
        card.ivl, card.type, card.queue, card.due = 7, 2, 2, 100
        collection.update_card(card)
    capsys.readouterr()
    full = build(project / "data", project / "media", output)
    assert {code for _, code in full.changes.changed_points} >= {"BL60", "BL23", "BL40", "BL53"}
    assert not (full.changes.removed_points or full.changes.removed_conditions or full.changes.removed_notes)
    log = import_apkg(collection, output).log
    assert len(log.new) == len(full.deck.notes) - len(small.new)
    assert len(log.new) + len(log.updated) == full.changes.notes_changed
    assert all(collection.get_card(cid).ivl == 7 for cid in studied)
