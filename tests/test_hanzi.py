"""One traditional form per simplified character across the deck, so that a learner who meets
溪 on KI3 does not find it written another way on LI5."""

from __future__ import annotations

from collections import defaultdict


def test_each_character_has_one_traditional_form(shipped_deck):
    forms: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for point in shipped_deck.dataset.points:
        traditional = point.hanzi_traditional or point.hanzi
        assert len(traditional) == len(point.hanzi), point.code
        for simplified, written in zip(point.hanzi, traditional):
            forms[simplified][written].append(point.code)
    assert {char: dict(found) for char, found in forms.items() if len(found) > 1} == {}
    assert forms["溪"].keys() == {"溪"}  # the standard traditional form, not the classical variant 谿
