"""The order new cards arrive in, as Anki's own scheduler shows them with its default deck options."""

from __future__ import annotations

from collections import defaultdict

from anki.collection import Collection
from anki.deck_config_pb2 import DeckConfig
from anki.scheduler.v3 import CardAnswer


from .conftest import import_apkg

KINDS = ("name", "location", "uses", "special", "complaint", "region-quiz", "measure")


def study(path: str, days: int) -> list[tuple[int, int, int, str, str]]:
    """Study the whole deck each day until Anki has nothing left, as a new user with the default
    options does; returns (day, note id, card ord, kind, code) of each new card, as it is shown.

    A day passes by moving the collection's creation a day back (the scheduler counts days from it),
    so the test runs at the real clock. New cards are answered Easy, reviews Good.
    """
    shown = []
    col = Collection(path)
    try:
        col.decks.select(col.decks.id("Acupressure points"))
        for day in range(1, days + 1):
            while (queued := col.sched.get_queued_cards(fetch_limit=1).cards):
                card = col.get_card(queued[0].card.id)
                card.start_timer()
                if card.type == 0:
                    note = card.note()
                    kind = next(t for t in note.tags if t.startswith("acupressure::kind::")).rsplit("::", 1)[1]
                    code = next((v for k, v in note.items() if k == "Code"), "")
                    shown.append((day, card.nid, card.ord, kind, code))
                rating = CardAnswer.EASY if card.type == 0 else CardAnswer.GOOD
                col.sched.answer_card(col.sched.build_answer(card=card, states=queued[0].states, rating=rating))
            col.crt = col.crt - 86400
            path = col.path
            col.close()
            col = Collection(path)
    finally:
        col.close()
    return shown


def test_thirty_days_with_the_default_options(tmp_path, shipped_build):
    """Every kind of card in the first week; SI11 on the first days; a note's second card never on
    the day of its first (Anki's defaults bury no siblings, and sort a day's cards by card type)."""
    result = shipped_build
    col = Collection(str(tmp_path / "collection.anki2"))
    import_apkg(col, result.output)
    options = col.decks.config_dict_for_deck_id(col.decks.id("Acupressure points"))
    config = DeckConfig.Config
    assert options["new"]["perDay"] == 20 and options["new"]["bury"] is False
    assert options["newGatherPriority"] == config.NEW_CARD_GATHER_PRIORITY_DECK
    assert options["newSortOrder"] == config.NEW_CARD_SORT_ORDER_TEMPLATE  # "Card type, then order gathered"
    path = col.path
    col.close()

    shown = study(path, 30)
    first_day = {}
    for day, _, _, kind, _ in shown:
        first_day.setdefault(kind, day)
    assert set(first_day) == set(KINDS)
    assert max(first_day.values()) <= 7, first_day
    assert min(day for day, *_, code in shown if code == "SI11") <= 2
    assert len(shown) == 30 * 20
    days = defaultdict(dict)
    for day, nid, ord_, kind, code in shown:
        if kind != "region-quiz":  # a quiz's cards are other points' masks, not one point's two directions
            days[nid][ord_] = (day, code)
    together = [(cards, nid) for nid, cards in days.items() if len({day for day, _ in cards.values()}) < len(cards)]
    assert not together
