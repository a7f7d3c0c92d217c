"""The finger-measure rule: what it accepts and what it refuses, one text at a time."""

from __future__ import annotations

import pytest

from deckbuilder.measures import problems


@pytest.mark.parametrize("text", [
    "On the lower back, 1.5 cun (two finger-widths) out from the midline.",
    "Go three finger-widths (2 cun) above the inner ankle bone.",
    "Four finger-widths (3 cun) below the navel, on the midline.",
    "Lay a hand's breadth (3 cun) above the kneecap.",
    "Go up 5 cun (four finger-widths plus two thumb-widths) from the ankle.",
    "Measure one thumb-width plus two finger-widths (2.5 cun) back from the hairline.",
    "Measure four fingers (3 cun) plus one thumb-width (1 cun) up.",
    "Measure two four-finger widths (6 cun) plus one thumb-width (7 cun in all) up.",
    "Go back by two and a half thumb-widths (2.5 cun), then half a thumb-width (0.5 cun) out.",
    "Two finger-widths to the side of the midline.",            # names no cun: nothing to compare
    "About one finger-width out from the front edge of the shin.",
    "A little more than a thumb-width to the side.",           # a thumb-width has no exact finger neighbour
    "The tips of the ten fingers.",                            # counts fingers, measures nothing
])
def test_measures_that_agree_with_their_cun_pass(text):
    assert list(problems(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("go straight up a good two finger-widths (2 cun)", "'a good two finger-widths' is vague"),
    ("A little more than two finger-widths below the navel.", "say three finger-widths (2 cun)"),
    ("go five finger-widths plus one (4 cun) down", "'five finger-widths plus one' is not a measure"),
    ("go two finger-widths (2 cun) up", "'two finger-widths' is 1.5 cun, not the 2 cun it names"),
    ("1.5 cun (three finger-widths) out", "'three finger-widths' is 2 cun, not the 1.5 cun it names"),
    ("come back one finger-width (1 cun)", "'one finger-width' has no set cun, so it cannot be 1 cun"),
    ("four finger-widths plus two thumb-widths (6 cun)", "comes to 5 cun, not the 6 cun it names"),
    ("two four-finger widths (6 cun) plus one thumb-width (8 cun in all)", "comes to 7 cun, not the 8 cun"),
    ("Two finger-widths (2 cun is a little more) below the armpit", "hedges the cun it names"),
    ("half a thumb-width (1 cun)", "'half a thumb-width' is 0.5 cun, not the 1 cun it names"),
    ("a hand's breadth (4 cun)", "is 3 cun, not the 4 cun it names"),
])
def test_a_measure_that_disagrees_is_named(text, expected):
    found = list(problems(text))
    assert len(found) == 1 and expected in found[0], found
