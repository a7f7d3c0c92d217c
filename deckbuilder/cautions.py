"""Cautions given by a rule (data/cautions.yaml), not by memory: pregnancy, a baby's fontanelle;
and cautions that are only tips (ask a helper), which belong under how_to_find.

A rule names the word that marks its cautions ("pregnan"), and groups of points, each with the one
caution text the rule gives them. Every point of a group must carry that text word for word, and no
point may carry a caution with the rule's word that the rule does not give it, so that a caution
cannot be forgotten on one point of a region or added to another by hand. A rule may also name the
regions it covers: every point in them must be placed in a group or listed as outside the rule,
so that a new point of the abdomen cannot slip past it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from .errors import DataError, Problem
from .load import read_yaml
from .records import Point

FILE = "cautions.yaml"
_RULE_FIELDS = {"rule": True, "word": True, "explanation": True, "sources": True, "groups": True,
                "regions": False, "outside": False}
_GROUP_FIELDS = {"where": True, "caution": True, "points": True}
# A caution about who presses the point (a helper, a ball) is a tip, wherever it sits.
TIP = re.compile(r"\b(?:reach|helper|soft ball)\b", re.IGNORECASE)
_RANGE = re.compile(r"([A-Z]+(?:-[A-Z]+)?)(\d+)[–-]([A-Z]+(?:-[A-Z]+)?)?(\d+)")


def check(data_dir: Path, points: Iterable[Point], raw_points: list[tuple[Path, Any]],
          source_keys: Iterable[str]) -> list[Problem]:
    """The problems with data/cautions.yaml itself and with every point its rules cover."""
    by_code = {p.code: p for p in points}
    entries = {entry["id"]: entry for _, values in raw_points if isinstance(values, list)
               for entry in values if isinstance(entry, dict) and isinstance(entry.get("id"), str)}
    problems = [_at(point, entries, caution, "this caution is a tip for reaching the point, not about safety, "
                    "yet the cards show it in the box marked Caution", "move it to how_to_find, reworded to "
                    "follow on from the directions there") for point in by_code.values()
                for caution in point.cautions if TIP.search(caution)]
    path = Path(data_dir) / FILE
    if not path.exists():
        return problems
    try:
        raw = read_yaml(path)
    except DataError as err:
        return problems + list(err.problems)
    rules = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(rules, list) or not rules:
        return problems + [Problem(path, getattr(raw, "line", 1), "expected a list of rules under 'rules:'",
                        hint="each rule starts with '- rule: <name>'; see the comments in the shipped file")]
    for rule, line in zip(rules, getattr(rules, "item_lines", [None] * len(rules))):
        problems += _rule(path, rule, line, by_code, entries, set(source_keys))
    return problems


def _rule(path: Path, rule: Any, line: int | None, by_code: dict[str, Point], entries: dict[str, Any],
          source_keys: set[str]) -> list[Problem]:
    """One rule: its own fields first (a rule with a broken shape checks no point), then its points."""
    problems = _shape(path, rule, line, _RULE_FIELDS, "rule")
    if problems:
        return problems
    name, word = str(rule["rule"]), rule["word"]
    if not isinstance(word, str) or not word.strip():
        return [Problem(path, rule.key_lines["word"], "the word that marks the rule's cautions must be a text",
                        entry=f"rule {name}", field="word", hint="e.g. word: pregnan")]
    word = word.strip().casefold()
    for key, key_line in _items(rule["sources"]):
        if key not in source_keys:
            problems.append(Problem(path, key_line, f"there is no source '{key}' in sources.yaml",
                                    entry=f"rule {name}", field="sources", hint="add it to sources.yaml first"))
    given: dict[str, dict[str, int]] = {}  # code -> caution -> line of its group
    groups = rule["groups"] if isinstance(rule["groups"], list) else []
    for group, group_line in zip(groups, getattr(groups, "item_lines", [line] * len(groups))):
        shape = _shape(path, group, group_line, _GROUP_FIELDS, "group", name)
        if shape:
            problems += shape
            continue
        if not isinstance(group["caution"], str) or not isinstance(group["points"], list):
            problems.append(Problem(path, group_line, "a group holds one caution text and a list of points",
                                    entry=f"rule {name}", hint='e.g. caution: "Pregnancy: ...", points: [BL27-BL30]'))
            continue
        caution = " ".join(group["caution"].split())
        if word not in caution.casefold():
            problems.append(Problem(path, group.key_lines.get("caution"), f"the caution does not contain the word "
                                    f"'{rule['word']}' that marks the rule's cautions", entry=f"rule {name}",
                                    field="caution", hint="name what the caution is about in its text"))
        for code, code_line in _codes(group["points"]):
            if code not in by_code and not any(e.get("code") == code for e in entries.values()):
                problems.append(Problem(path, code_line, f"there is no point {code}", entry=f"rule {name}",
                                        field="points", hint="write the standard code, e.g. BL27, or BL27-BL30"))
            elif code not in by_code:
                continue  # the point has mistakes of its own, reported where it is
            elif code in given and caution not in given[code]:
                problems.append(Problem(path, code_line, f"{code} is already in another group of this rule",
                                        entry=f"rule {name}", field="points",
                                        hint="a point belongs to one group: the one its location puts it in"))
            else:
                given.setdefault(code, {})[caution] = group_line
    outside = dict(_codes(rule.get("outside") or []))
    regions = {region for region, _ in _items(rule.get("regions") or [])}
    for point in by_code.values():
        if point.region in regions and point.code not in given and point.code not in outside:
            line = getattr(entries.get(point.id), "key_lines", {}).get("region", point.line)
            problems.append(Problem(point.file, line, f"the point is in the region '{point.region}', which the "
                                    f"{name} rule covers, but no group of {path} places it",
                                    point=f"{point.code} ({point.id})", field="region",
                                    hint=f"add {point.code} to the group its location puts it in, or to 'outside'"))
    for point in by_code.values():
        expected = given.get(point.code, {})
        carried = [" ".join(c.split()) for c in point.cautions if word in c.casefold()]
        for caution, group_line in expected.items():
            if caution not in carried:
                problems.append(_at(point, entries, None, f"the {name} rule ({path}, line {group_line}) gives "
                                    f"this point the caution '{caution}', which it does not carry",
                                    "add it to the point's cautions, word for word"
                                    + (" (in place of the one about the same thing)" if carried else "")))
        for caution in carried:
            if caution not in expected:
                hint = (f"the rule gives it '{next(iter(expected))}' instead" if expected else
                        f"remove it, or add the point, with the source that says so, to the {name} rule "
                        f"in {path}")
                problems.append(_at(point, entries, caution, f"this caution is about {name}, but the rule in "
                                    f"{path} does not give it to this point", hint))
    return problems


def _shape(path: Path, value: Any, line: int | None, spec: dict[str, bool], what: str,
           rule: str | None = None) -> list[Problem]:
    """Missing and unknown fields of one rule or group, or that it is not fields with values."""
    entry = f"rule {rule}" if rule else None
    if not isinstance(value, dict):
        return [Problem(path, line, f"expected a {what} (fields with values)", entry=entry)]
    found = [Problem(path, value.key_lines.get(key, line), f"a {what} has no field '{key}'", entry=entry,
                     hint="its fields are: " + ", ".join(spec)) for key in value if key not in spec]
    found += [Problem(path, line, f"the required field '{key}' is missing", entry=entry, field=key)
              for key, required in spec.items() if required and key not in value]
    return found


def _items(value: Any) -> list[tuple[str, int | None]]:
    values = value if isinstance(value, list) else [value]
    return list(zip((str(v) for v in values), getattr(values, "item_lines", None) or [None] * len(values)))


def _codes(value: Any) -> list[tuple[str, int | None]]:
    """Codes as listed, with a range such as BL22-BL26 (or BL22–26) spelt out."""
    found = []
    for text, line in _items(value):
        match = _RANGE.fullmatch(text)
        if match and (match.group(3) in (None, match.group(1))) and int(match.group(2)) < int(match.group(4)):
            found += [(f"{match.group(1)}{n}", line) for n in range(int(match.group(2)), int(match.group(4)) + 1)]
        else:
            found.append((text, line))
    return found


def _at(point: Point, entries: dict[str, Any], caution: str | None, message: str, hint: str) -> Problem:
    """A problem on the point's cautions: the line of the item, of the field, or of the point."""
    entry = entries.get(point.id)
    line = point.line
    if isinstance(entry, dict) and "cautions" in entry:
        line = getattr(entry, "key_lines", {}).get("cautions", line)
        items = entry["cautions"] if isinstance(entry["cautions"], list) else []
        for item, item_line in zip(items, getattr(items, "item_lines", [])):
            if caution is not None and isinstance(item, str) and " ".join(item.split()) == caution:
                line = item_line
    return Problem(point.file, line, message, point=f"{point.code} ({point.id})", field="cautions", hint=hint)
