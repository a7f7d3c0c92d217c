"""Finger measures in a point's texts must agree with the cun they name.

The finger cun (WHO 2008): a thumb's width is 1 cun; two finger-widths (index and middle) 1.5;
three finger-widths 2; four finger-widths, a hand's breadth, 3. A learner who lays two fingers
where the text says "(2 cun)" misses the point by half a cun, so every measure that names a cun,
in parentheses after it ("three finger-widths (2 cun)") or before it ("1.5 cun (two
finger-widths)"), is checked, and so is a sum ("four finger-widths plus two thumb-widths (5
cun)"). Finger-widths come in twos, threes and fours only: one finger-width has no set cun, five
is not a measure, and "a good two finger-widths" is three.
"""

from __future__ import annotations

import re
from typing import Iterator

_COUNTS = {"half a": 0.5, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10}
FINGERS = {2: 1.5, 3: 2, 4: 3}  # finger-widths laid side by side -> cun
_COUNT = "|".join(sorted(_COUNTS, key=len, reverse=True))
_UNIT = (r"thumb[- ]widths?|thumb's width|finger[- ](?:widths?|breadths?)|fingers"
         r"|(?:hand|four-finger)[- ]?(?:widths?|breadths?)(?: of four fingers)?|hand's (?:width|breadth)")
_MEASURE = re.compile(
    rf"(?P<hedge>\b(?:a good|a little more than|a little less than|just over|just under) )?"
    rf"\b(?P<count>{_COUNT})(?P<half> and a half)?[ -](?P<unit>{_UNIT})(?P<half2> and a half)?"
    r"|(?P<more>\bplus one\b)(?! \w+[- ]width)", re.IGNORECASE)
_ANCHOR = re.compile(r"width|breadth|fingers|plus one")  # in the lower-cased text
_JOIN = re.compile(r"\s*(?:\(\s*[^()]*\)\s*)?(?:plus|and one more|and)\s*$", re.IGNORECASE)
_AFTER = re.compile(r"\s*\((?P<text>[^()]*?)\)")
_BEFORE = re.compile(r"(?P<cun>\d+(?:\.\d+)?) cun \($")
_CUN = re.compile(r"(?P<cun>\d+(?:\.\d+)?) cun\b(?P<all> in all)?")
RULE = ("the finger cun: a thumb-width is 1 cun; two finger-widths (index and middle) 1.5 cun, three 2 cun, "
        "four (a hand's breadth) 3 cun")


def _value(match: re.Match, unit_of_previous: str | None) -> tuple[float | None, str]:
    """The cun of one measure (None where the measure has no set cun) and its unit."""
    if match.group("more"):  # "seven thumb-widths plus one": one more of the same
        return (1 if unit_of_previous == "thumb" else None), unit_of_previous or "finger"
    count = _COUNTS[match.group("count").lower()] + (0.5 if match.group("half") or match.group("half2") else 0)
    unit = match.group("unit").lower()
    if unit.startswith("thumb"):
        return count, "thumb"
    if unit.startswith(("hand", "four-finger")):
        return 3 * count, "hand"
    return FINGERS.get(count) if count == int(count) else None, "finger"


def _cun(number: float) -> str:
    return f"{number:g} cun"


def _measures(text: str) -> Iterator[re.Match]:
    """The measures of a text, looked for only around their units: the full pattern tried at every
    character of every text took a quarter of a validation (70 ms for the shipped data)."""
    windows: list[list[int]] = []
    lower = text.lower()
    if not any(word in lower for word in ("width", "breadth", "fingers", "plus one")):
        return
    for unit in _ANCHOR.finditer(lower):
        start = text.rfind(" ", 0, max(0, unit.start() - 40)) + 1
        end = min(len(text), unit.end() + 30)  # room for "plus one thumb-width", " and a half"
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    for start, end in windows:
        yield from _MEASURE.finditer(text, start, end)


def _chains(text: str) -> Iterator[list[re.Match]]:
    """The measures of a text, those joined by "plus" or "and" (a sum) in one list."""
    chain: list[re.Match] = []
    for match in _measures(text):
        if (match.group("unit") or "").lower() == "fingers" and _COUNTS[match.group("count").lower()] > 4:
            continue  # "the tips of the ten fingers" counts fingers, it measures nothing
        if chain and not match.group("more") and not _JOIN.fullmatch(text[chain[-1].end():match.start()]):
            yield chain
            chain = []
        chain.append(match)
    if chain:
        yield chain


def problems(text: str) -> Iterator[str]:
    """What is wrong with the finger measures of one text, one sentence each."""
    for chain in _chains(text):
        values: list[float | None] = []
        unit = None
        for match in chain:
            value, unit = _value(match, unit)
            values.append(value)
        whole = text[chain[0].start():chain[-1].end()].strip()
        total = None if None in values else sum(values)
        before = _BEFORE.search(text, 0, chain[0].start())
        if before and before.end() == chain[0].start():
            cun = float(before.group("cun"))
            if cun not in (total, values[0]):
                yield f"'{whole}' is {_cun(total) if total is not None else 'no set cun'}, not the {_cun(cun)} " \
                      f"it names"
        for index, (match, value) in enumerate(zip(chain, values)):
            phrase = match.group(0).strip()
            fingers = not match.group("more") and _COUNTS[match.group("count").lower()]
            if (match.group("more") and value is None) or (_unit_of(match) == "finger" and fingers >= 5):
                yield f"'{whole}' is not a measure: finger-widths are counted in twos, threes and fours"
                break
            if match.group("hedge") and _unit_of(match) == "finger" and value is not None:
                better = {1.5: "three finger-widths (2 cun)", 2: "four finger-widths (3 cun)"}.get(value, "it exactly")
                yield f"'{phrase}' is vague where an exact finger measure exists: say {better}"
                continue
            after = _AFTER.match(text, match.end())
            if not after or not _CUN.search(after.group("text")):
                continue
            inside = after.group("text").strip()
            named = _CUN.fullmatch(inside)
            if not named:
                yield f"'{phrase} ({inside})' hedges the cun it names: give the cun the measure is"
                continue
            cun, so_far = float(named.group("cun")), None if None in values[:index + 1] else sum(values[:index + 1])
            if value is None:
                yield f"'{phrase}' has no set cun, so it cannot be {_cun(cun)}"
            elif named.group("all") and cun != so_far:
                yield f"'{whole}' comes to {_cun(so_far)}, not the {_cun(cun)} it names"
            elif not named.group("all") and cun != value and not (index == len(chain) - 1 and cun == total):
                what = f"'{whole}' comes to {_cun(total)}" if index and total is not None else \
                    f"'{phrase}' is {_cun(value)}"
                yield f"{what}, not the {_cun(cun)} it names"


def _unit_of(match: re.Match) -> str:
    unit = (match.group("unit") or "").lower()
    return "thumb" if unit.startswith("thumb") else "hand" if unit.startswith(("hand", "four-finger")) else "finger"
