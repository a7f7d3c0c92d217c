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
