"""Check the raw data against the schema and turn it into records; every problem is collected.

The schema is records.py: a record's allowed and required fields, which are read as a text or a
list of texts (`read=`), and an optional field's default come from its declarations there. To add
a point field: declare it in records.Point, add a check here only if it is `read=OWN`, and show it
on a card in cards.py.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

from . import atlas, cautions, categories, codes, measures
from .errors import DataError, Problem, character_name
from .load import DataFiles, YamlList
from .media import image_problem
from .records import (TEXT, TEXTS, Category, Condition, ConditionPoint, Dataset, Diagram, LegacyCode, Measure,
                      NumberingSystem, Point, Source, Span, multiline_fields, read_as, schema)

# Texts shown as paragraphs, where a line break the YAML keeps becomes a line break on the card.
MULTILINE_FIELDS = multiline_fields(Point) | multiline_fields(ConditionPoint)
MAX_CORE = 4  # the standard prescription is a few points; the complaint cards ask for each

ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
HTML_LIKE = re.compile(r"</?[A-Za-z][^<>]*>|<!--|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


class _Checker:
    """Collects problems for one file; values that fail are returned as None and skipped later."""

    def __init__(self, file: Path, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def report(self, line: int | None, message: str, *, point: str | None = None,
               field: str | None = None, hint: str | None = None, entry: str | None = None) -> None:
        self.problems.append(Problem(self.file, line, message, point, field, hint, entry))

    def word(self, entry: dict, field: str, value: str | None, used_as: str, example: str, *,
             point: str | None = None, label: str | None = None) -> bool:
        """An id or a tag: lower-case words joined by hyphens (Anki's searches and our GUIDs rely on it)."""
        if value is None or ID.fullmatch(value):
            return True
        self.report(self.line(entry, field), f"'{value}' cannot be used as {used_as}", point=point, field=field,
                    entry=label, hint=f"use lower-case words joined by hyphens, e.g. {example}")
        return False

    def fields(self, entry: dict, spec: dict[str, bool] | type, what: str, point: str | None,
               label: str | None = None) -> None:
        """Unknown and missing fields; a missing field that a typo was meant to be is not repeated."""
        spec = spec if isinstance(spec, dict) else schema(spec)
        meant = set()
        for key in entry:
            if key == "<<":  # YAML 1.1's merge key: YAML 1.2 reads it as a field like any other
                self.report(self.line(entry, key), "'<<' (a YAML merge key) is not supported",
                            point=point, hint="write the fields out in full", entry=label)
            elif key not in spec:
                close = difflib.get_close_matches(str(key), list(spec), n=1, cutoff=0.6)
                meant.update(close)
                hint = f"did you mean '{close[0]}'?" if close else f"the fields of a {what} are: " + ", ".join(spec)
                self.report(self.line(entry, key), f"a {what} has no field '{key}'",
                            point=point, field=str(key), hint=hint, entry=label)
        for key, required in spec.items():
            if required and key not in entry and key not in meant:
                self.report(_line(entry), f"the required field '{key}' is missing",
                            point=point, field=key, hint=f"add '{key}:' to this {what}", entry=label)

    def line(self, entry: dict, key: str) -> int | None:
        """The line of a field (load records them all; a value made here has none)."""
        lines = getattr(entry, "key_lines", None)
        return None if lines is None else lines.get(key, entry.line)

    def plain(self, entry: dict, record: type, point: str | None, label: str | None = None) -> dict[str, Any]:
        """Every field of `record` declared `read=TEXT` or `read=TEXTS` that `entry` writes."""
        values = {}
        for how, read in ((TEXT, self.text), (TEXTS, self.text_list)):
            for name in read_as(record, how):
                if name in entry:
                    values[name] = read(entry, name, point, label)
        return values

    def text(self, entry: dict, key: str, point: str | None, label: str | None = None) -> str | None:
        if key not in entry:
            return None
        return self._text(entry[key], self.line(entry, key), key, point, label)

    def _text(self, value: Any, line: int | None, key: str, point: str | None, label: str | None) -> str | None:
        if not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            elif value is None:
                value = ""
            else:
                self.report(line, f"expected text, found {_kind(value)}", point=point, field=key, entry=label,
                            hint=_text_hint(value))
                return None
        if key == "images":
            pass  # a file name is taken as written: two spaces are two spaces
        elif key in MULTILINE_FIELDS and "\n" in value:
            value = re.sub(r"\n{3,}", "\n\n", "\n".join(" ".join(part.split()) for part in value.split("\n")))
            value = value.strip("\n")
        else:
            value = " ".join(value.split())
        if not value:
            self.report(line, "the value is empty", point=point, field=key, entry=label,
                        hint="write the text, or remove the field if it is optional")
            return None
        hidden = None if value.replace("\n", " ").isprintable() else next(
            (ch for ch in value if unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cn") and ch != "\n"), None)
        if hidden is not None:
            name = character_name(hidden)
            self.report(line, f"the text contains an invisible character (U+{ord(hidden):04X} {name})",
                        point=point, field=key, entry=label,
                        hint="delete it: retype the text around it, or copy it from a plain-text source")
            return None
        html_like = HTML_LIKE.search(value) if "<" in value or "&" in value else None  # a tag or an entity
        if html_like:
            self.report(line, f"HTML is not allowed in the text ({html_like.group(0)})",
                        point=point, field=key, entry=label,
                        hint="write plain text: *word* gives italics, **word** bold; see the README")
            return None
        return value

    def text_items(self, entry: dict, key: str, point: str | None,
                   label: str | None = None) -> list[tuple[str, int]] | None:
        """A list of texts with the line of each; a single text counts as a list of one."""
        if key not in entry:
            return None
        value, line = entry[key], self.line(entry, key)
        if isinstance(value, str):
            value = _single_list(value, line)
        if value is None or (isinstance(value, list) and not value):
            self.report(line, "the list is empty", point=point, field=key, entry=label,
                        hint="add at least one item, or remove the field if it is optional")
            return None
        if not isinstance(value, list):
            self.report(line, f"expected a list of texts, found {_kind(value)}", point=point, entry=label,
                        field=key, hint=f"write it as a list:  {key}: [first, second]")
            return None
        items = []
        for item, item_line in zip(value, _item_lines(value)):
            text = self._text(item, item_line, key, point, label)
            if text is not None:
                items.append((text, item_line))
        return items if len(items) == len(value) else None

    def text_list(self, entry: dict, key: str, point: str | None,
                  label: str | None = None) -> tuple[str, ...] | None:
        items = self.text_items(entry, key, point, label)
        return None if items is None else tuple(text for text, _ in items)

    def mapping(self, value: Any, line: int, what: str, point: str | None, field: str | None = None,
                label: str | None = None, hint: str | None = None) -> dict | None:
        if not isinstance(value, dict):
            self.report(line, f"expected a {what} (fields with values), found {_kind(value)}",
                        point=point, field=field, entry=label, hint=hint)
            return None
        return value

    def entry_list(self, entry: dict, key: str, what: str, point: str | None,
                   label: str | None = None) -> list[tuple[Any, int]]:
        """An optional list of small entries ({code, system}) with the line of each."""
        value = entry.get(key, [])
        if isinstance(value, list):
            return list(zip(value, _item_lines(value)))
        if key in entry:
            self.report(self.line(entry, key), f"expected a list of {{{what}}} entries, found {_kind(value)}",
                        point=point, field=key, entry=label, hint=f"write it as a list:  {key}: [{{{what}}}]")
        return []

    def entries(self, value: Any, what: str) -> list[dict]:
        if value is None:
            self.report(None, f"the file is empty; expected a list of {what}s",
                        hint=f"each {what} starts with '- id:'; see the README")
            return []
        if not isinstance(value, list):
            self.report(getattr(value, "line", 1), f"expected a list of {what}s, found {_kind(value)}",
                        hint=f"each {what} starts with '- ' at the start of a line, e.g. '- id: ...'")
            return []
        found = []
        for item, line in zip(value, _item_lines(value)):
            entry = self.mapping(item, line, what, None)
            if entry is not None:
                found.append(entry)
        return found


def _single_list(value: Any, line: int | None) -> YamlList:
    items = YamlList([value])
    items.line, items.item_lines = line, [line]
    return items


def _line(value: Any) -> int | None:
    return getattr(value, "line", None)


def _item_lines(items: list) -> list[int | None]:
    return getattr(items, "item_lines", None) or [None] * len(items)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "fields with values"
    return {"date": "a date", "datetime": "a date and time", "bytes": "binary data"}.get(
        type(value).__name__, "a value of another kind")


def _text_hint(value: Any) -> str:
    if isinstance(value, bool):
        return "YAML reads true and false as yes/no values; put the text in quotes"
    if isinstance(value, list):
        return "this field takes one text, not a list"
    if isinstance(value, dict):
        return "a text that contains ': ' must be put in quotes"
    return "put the text in quotes"


def _suggest(name: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean '{close[0]}'?" if close else None


def _sources(path: Path, raw: Any, problems: list[Problem]
             ) -> tuple[dict[str, Source | None], dict[str, NumberingSystem | None]]:
    """Sources and numbering systems by key; None for one with mistakes, which are reported here."""
    check = _Checker(path, problems)
    sources: dict[str, Source | None] = {}
    systems: dict[str, NumberingSystem | None] = {}
    if raw is None:
        check.report(None, "the file is empty", hint="list the sources under 'sources:'; see the README")
        return sources, systems
    root = check.mapping(raw, getattr(raw, "line", 1), "sources file", None)
    if root is None:
        return sources, systems
    check.fields(root, {"sources": True, "numbering_systems": False}, "sources file", None)

    def entries(section: str, what: str, spec: dict[str, bool], found: dict):
        """Each well-formed entry of one table, with its label; every key starts out as None."""
        if section not in root:
            return
        table = check.mapping(root[section], check.line(root, section), f"table of {what}s", None, section)
        for raw_key, value in (table or {}).items():
            key = str(raw_key)  # `2008:` names a source as well as `who-2008:` does
            label = f"{what} {key}"
            found[key] = None
            entry = check.mapping(value, check.line(table, raw_key), what, None, label=label)
            if entry is not None:
                check.fields(entry, spec, what, None, label)
                yield key, entry, label

    for key, entry, label in entries("sources", "source", Source, sources):
        before = len(problems)
        values = check.plain(entry, Source, None, label)
        year = entry.get("year")
        if "short" not in entry and values.get("author"):
            values["short"] = f"{values['author']} {year}" if isinstance(year, int) else values["author"]
        if "year" in entry and (isinstance(year, bool) or not isinstance(year, int)):
            check.report(check.line(entry, "year"), f"the year must be a number, found {_kind(year)}",
                         field="year", entry=label, hint="e.g. year: 2008")
        elif len(problems) == before and all(values.get(f) for f in ("title", "author", "short")):
            sources[key] = Source(key=key, year=year, **values)
    for key, entry, label in entries("numbering_systems", "numbering system", NumberingSystem, systems):
        before = len(problems)
        values = check.plain(entry, NumberingSystem, None, label)
        if len(problems) == before and all(values.get(f) for f in ("name", "description")):
            systems[key] = NumberingSystem(key=key, **values)
    return sources, systems


def _source_refs(check: _Checker, entry: dict, known: dict[str, Source | None],
                 point: str | None, label: str | None = None) -> tuple[Source, ...] | None:
    """Sources named by key; one with mistakes of its own is not reported again."""
    items = check.text_items(entry, "sources", point, label)
    if items is None:
        return None
    found = []
    for key, line in items:
        if known.get(key) is not None:
            found.append(known[key])
        elif key not in known:
            check.report(line, f"there is no source '{key}' in sources.yaml", point=point, field="sources",
                         entry=label, hint=_suggest(key, list(known)) or "add it to sources.yaml first")
    return tuple(found) if len(found) == len(items) else None


def _legacy_codes(check: _Checker, entry: dict, code: str | None,
                  systems: dict[str, NumberingSystem | None], label: str | None) -> list[LegacyCode]:
    found: list[LegacyCode] = []
    for item, line in check.entry_list(entry, "legacy_codes", "code: ..., system: ...", label):
        sub = check.mapping(item, line, "legacy code", label, "legacy_codes",
                            hint="write each as {code: BL54, system: old-bladder}")
        if sub is None:
            continue
        check.fields(sub, LegacyCode, "legacy code", label)
        old, system = check.text(sub, "code", label), check.text(sub, "system", label)
        problem = codes.legacy_code_problem(old) if old is not None else None
        if problem:
            check.report(line, problem[0], point=label, field="legacy_codes", hint=problem[1])
            old = None
        elif old is not None and old == code:
            check.report(line, f"{old} is already the point's standard code", point=label,
                         field="legacy_codes", hint="remove it from legacy_codes")
            old = None
        if system is not None and system not in systems:
            check.report(line, f"there is no numbering system '{system}' in sources.yaml", point=label,
                         field="legacy_codes", hint=_suggest(system, list(systems))
                         or "declare it under numbering_systems in sources.yaml")
        elif old is not None and system is not None and systems[system] is not None:
            legacy = LegacyCode(old, systems[system])
            if legacy in found:
                check.report(line, f"the legacy code {old} ({legacy.system.name}) is listed twice",
                             point=label, field="legacy_codes", hint="remove one of them")
            else:
                found.append(legacy)
    return found


def _categories(check: _Checker, entry: dict, code: str | None, label: str | None) -> tuple[Category, ...]:
    found: list[Category] = []
    for item, line in check.entry_list(entry, "categories", "kind: ...", label):
        sub = check.mapping(item, line, "category", label, "categories",
                            hint="write each as {kind: he-sea, element: earth}")
        if sub is None:
            continue
        kind = check.text(sub, "kind", label) if "kind" in sub else None
        if kind is None:
            check.report(line, "the category has no 'kind'", point=label, field="categories",
                         hint="kinds: " + ", ".join(categories.KINDS))
            continue
        if kind not in categories.KINDS:
            check.report(line, f"there is no category '{kind}'", point=label, field="categories",
                         hint=_suggest(kind, list(categories.KINDS)) or "kinds: " + ", ".join(categories.KINDS))
            continue
        detail_key, allowed, required = categories.KINDS[kind]
        check.fields(sub, {"kind": True, **({detail_key: required} if detail_key else {})},
                     f"{kind} category", label)
        detail = check.text(sub, detail_key, label) if detail_key and detail_key in sub else None
        if detail is not None and detail not in allowed:
            check.report(check.line(sub, detail_key), f"'{detail}' is not a {detail_key} a {kind} point names",
                         point=label, field="categories", hint=_suggest(detail, list(allowed))
                         or f"one of: {', '.join(allowed)}")
            continue
        if required and detail is None:
            continue  # reported by check.fields
        category = Category(kind, detail)
        problem = categories.problem(category, code) if code else None
        if problem:
            check.report(line, problem[0], point=label, field="categories", hint=problem[1])
        elif category in found:
            check.report(line, f"the category {kind} is listed twice", point=label, field="categories",
                         hint="remove one of them")
        else:
            found.append(category)
    return tuple(found)


def _point(check: _Checker, entry: dict, sources: dict[str, Source | None],
           systems: dict[str, NumberingSystem | None], image_check: Callable[[str], tuple[str, str] | None]
           ) -> Point | None:
    raw_id = entry.get("id")
    label = raw_id if isinstance(raw_id, str) else None
    if isinstance(entry.get("code"), str):
        label = f"{entry['code']} ({label})" if label else entry["code"]
    before = len(check.problems)
    check.fields(entry, Point, "point", label)
    values = check.plain(entry, Point, label)

    point_id, code, region = values.get("id"), values.get("code"), values.get("region")
    check.word(entry, "id", point_id, "an id", "kunlun", point=label)
    if code is not None:
        problem = codes.standard_code_problem(code)
        if problem:
            check.report(check.line(entry, "code"), problem[0], point=label, field="code", hint=problem[1])
            code = None
    check.word(entry, "region", region, "a tag", "lower-back", point=label)
    values["legacy_codes"] = tuple(_legacy_codes(check, entry, code, systems, label))
    values["categories"] = _categories(check, entry, code, label)
    values["sources"] = _source_refs(check, entry, sources, label)
    location, pinyin, english = values.get("location"), values.get("pinyin"), values.get("english")

    diagram = None
    if "diagram" in entry:
        sub = check.mapping(entry["diagram"], check.line(entry, "diagram"), "diagram", label, "diagram")
        if sub is not None:
            check.fields(sub, DIAGRAM_FIELDS, "diagram", label)
            diagram = _diagram(check, sub, label)

    images: list[Path] = []
    for name, line in check.text_items(entry, "images", label) or ():
        problem = image_check(name)
        if problem:
            check.report(line, problem[0], point=label, field="images", hint=problem[1])
        else:
            images.append(Path(name))
    if "diagram" not in entry and "images" not in entry:
        check.report(_line(entry), "the point has no picture", point=label, field="diagram",
                     hint="add a diagram: {view, from: landmark, right: cun} or images: [a file in media/]")

    for field in ("location", "how_to_find"):
        for problem in measures.problems(values.get(field) or ""):
            check.report(check.line(entry, field), problem, point=label, field=field, hint=measures.RULE)

    if location and code and pinyin and english:
        folded = location.casefold()
        for giveaway in (code, pinyin, *english, *(c.code for c in values["legacy_codes"])):
            if giveaway.casefold() in folded and re.search(rf"\b{re.escape(giveaway)}\b", location, re.IGNORECASE):
                check.report(check.line(entry, "location"),
                             f"the location names the point itself ('{giveaway}'), which gives the "
                             "answer away on the 'which point is here?' card",
                             point=label, field="location", hint="describe the place without naming the point")

    if len(check.problems) > before:
        return None
    return Point(**values, diagram=diagram, images=tuple(images), meridian=codes.meridian_of(code),
                 file=check.file, line=_line(entry))


# A point's place on a drawing: raw x and y in the view's units, or a landmark and cun offsets.
DIAGRAM_FIELDS = {"view": True, "x": False, "y": False, "from": False, "right": False, "left": False,
                  "up": False, "down": False, "along": False, "cun": False, "fraction": False}


def _diagram(check: _Checker, sub: dict, label: str | None) -> Diagram | None:
    view = check.text(sub, "view", label)
    spec: dict[str, object] = {}
    for key in ("x", "y", "right", "left", "up", "down", "cun", "fraction"):
        if key not in sub:
            continue
        value = sub[key]
        try:
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        except OverflowError:
            number = None
        if number is None or not math.isfinite(number):
            example = "12.5" if key in ("x", "y") else "1.5 (cun)"
            check.report(check.line(sub, key), f"'{key}' must be a number, found {_kind(value)}",
                         point=label, field=f"diagram.{key}", hint=f"e.g. {key}: {example}")
            return None
        spec[key] = number
    if "along" in sub:
        line = check.text(sub, "along", label)
        if line is None:
            return None
        spec["along"] = line
    elif "from" in sub:
        start = check.text_list(sub, "from", label) if isinstance(sub["from"], list) else check.text(sub, "from", label)
        if start is None:
            return None
        spec["from"] = start
        if "x" in spec or "y" in spec:
            check.report(check.line(sub, "from"), "a diagram is placed by a landmark or by x and y, not both",
                         point=label, field="diagram", hint="keep 'from' and its offsets, or x and y")
            return None
    elif "x" not in spec or "y" not in spec:
        check.report(check.line(sub, "view"), "the diagram needs x and y, or a landmark ('from')",
                     point=label, field="diagram", hint="e.g. diagram: {view: back, from: L2, right: 1.5}")
        return None
    if view is None:
        return None
    try:
        position = atlas.place(view, spec)
    except atlas.PlacementError as error:
        where = ("view" if error.message.startswith("there is no view") else "from" if "from" in sub
                 else "along" if "along" in sub else "x")
        check.report(check.line(sub, where), error.message, point=label, field="diagram", hint=error.hint)
        return None
    return Diagram(view, position.x, position.y, position.origin, position.measure)


def _condition(check: _Checker, entry: dict, points: dict[str, Point], sources: dict[str, Source | None],
               all_ids: set[str]) -> Condition | None:
    label = f"condition {entry['id']}" if isinstance(entry.get("id"), str) else "condition"
    before = len(check.problems)
    check.fields(entry, Condition, "condition", None, label)
    values = check.plain(entry, Condition, None, label)
    cond_id, region = values.get("id"), values.get("region")
    check.word(entry, "id", cond_id, "an id", "lower-back-pain", label=label)
    check.word(entry, "region", region, "a tag", "lower-back", label=label)

    def resolve(ref: str, line: int, field: str) -> Point | None:
        if ref in points:
            return points[ref]
        if ref in all_ids:
            return None  # the point itself has a problem, reported where it is defined
        by_code = [p.id for p in points.values() if p.code == ref.upper()]
        hint = (f"name points by their id: '{by_code[0]}'" if by_code else
                _suggest(ref, list(all_ids)) or "the point must be defined in points/ first")
        check.report(line, f"there is no point with the id '{ref}'", field=field, entry=label, hint=hint)
        return None

    members: list[Point] = []
    for ref, line in check.text_items(entry, "points", None, label) or ():
        found = resolve(ref, line, "points")
        if found is not None and found in members:
            check.report(line, f"'{ref}' is listed twice", field="points", entry=label, hint="remove one")
        elif found is not None:
            members.append(found)
    core: list[Point] = []
    core_refs = check.text_items(entry, "core", None, label)
    for ref, line in core_refs or ():
        found = resolve(ref, line, "core")
        if found is not None and found not in members:
            check.report(line, f"'{ref}' is a core point but not in the condition's points", field="core",
                         entry=label, hint="add it to points, or remove it from core")
        elif found is not None and found in core:
            check.report(line, f"'{ref}' is listed twice", field="core", entry=label, hint="remove one")
        elif found is not None:
            core.append(found)
    if core_refs and len(core_refs) > MAX_CORE:
        check.report(check.line(entry, "core"), f"{len(core_refs)} core points; a complaint has at most {MAX_CORE}",
                     field="core", entry=label, hint="keep the points its sources cite most")
    extra: list[ConditionPoint] = []
    for item, line in check.entry_list(entry, "article_only", "point: ..., note: ...", None, label):
        sub = check.mapping(item, line, "article_only entry", None, "article_only", label,
                            hint="write each as {point: <id>, note: <why>}")
        if sub is None:
            continue
        check.fields(sub, ConditionPoint, "article_only entry", None, label)
        ref, note = check.text(sub, "point", None, label), check.text(sub, "note", None, label)
        found = resolve(ref, check.line(sub, "point"), "article_only") if ref else None
        if found is not None and found in members:
            check.report(check.line(sub, "point"), f"'{ref}' is both in points and in article_only",
                         field="article_only", entry=label, hint="keep it in one of the two lists")
        elif found is not None and note:
            extra.append(ConditionPoint(found, note))
    cond_sources = _source_refs(check, entry, sources, None, label)
    if len(check.problems) > before:
        return None
    return Condition(**values, points=tuple(members), core=tuple(core) if core_refs else tuple(members),
                     article_only=tuple(extra), sources=cond_sources, file=check.file, line=_line(entry))


def validate(files: DataFiles, media_dir: Path) -> Dataset:
    """All checks in one pass; raises DataError listing every problem found."""
    problems: list[Problem] = []
    sources, systems = _sources(*files.sources, problems)
    image_check = functools.cache(functools.partial(image_problem, media_dir=Path(media_dir)))  # shared photos

    points: dict[str, Point] = {}
    all_ids: set[str] = set()
    seen_codes: dict[str, Point] = {}
    seen_legacy: dict[tuple[str, str], Point] = {}
    id_lines: dict[str, tuple[Path, int]] = {}
    for path, raw in files.points:
        check = _Checker(path, problems)
        for entry in check.entries(raw, "point"):
            if isinstance(entry.get("id"), str):
                previous = id_lines.get(entry["id"])
                if previous:
                    check.report(check.line(entry, "id"), f"the id '{entry['id']}' is already used in "
                                 f"{previous[0]}, line {previous[1]}", point=entry["id"], field="id",
                                 hint="every point needs its own id")
                    continue
                id_lines[entry["id"]] = (path, check.line(entry, "id"))
                all_ids.add(entry["id"])
            point = _point(check, entry, sources, systems, image_check)
            if point is None:
                continue
            label = f"{point.code} ({point.id})"
            if point.code in seen_codes:
                other = seen_codes[point.code]
                check.report(check.line(entry, "code"), f"the code {point.code} is already used by "
                             f"'{other.id}' ({other.file}, line {other.line})", point=label, field="code",
                             hint="each standard code belongs to one point")
                continue
            clash = [c for c in point.legacy_codes if (c.system.key, c.code) in seen_legacy]
            for c in clash:
                other = seen_legacy[(c.system.key, c.code)]
                check.report(check.line(entry, "legacy_codes"), f"the legacy code {c.code} "
                             f"({c.system.name}) is already claimed by '{other.id}' ({other.file}, line "
                             f"{other.line})", point=label, field="legacy_codes",
                             hint="within one numbering system, a code names one point")
            if clash:
                continue
            seen_codes[point.code] = point
            seen_legacy.update({(c.system.key, c.code): point for c in point.legacy_codes})
            points[point.id] = point

    path, raw = files.conditions
    check = _Checker(path, problems)
    conditions: list[Condition] = []
    condition_lines: dict[str, int] = {}
    for entry in check.entries(raw, "condition"):
        cond_id = entry.get("id")
        if isinstance(cond_id, str) and cond_id in condition_lines:
            check.report(check.line(entry, "id"), f"the id '{cond_id}' is already used on line "
                         f"{condition_lines[cond_id]}", field="id", entry=f"condition {cond_id}",
                         hint="every condition needs its own id")
            continue
        if isinstance(cond_id, str):
            condition_lines[cond_id] = check.line(entry, "id")
        condition = _condition(check, entry, points, sources, all_ids)
        if condition is not None:
            conditions.append(condition)

    problems += cautions.check(path.parent, points.values(), files.points, sources)
    measures = _measures(_Checker(files.measures[0], problems), files.measures[1], sources) if files.measures else ()
    if problems:
        raise DataError(problems)
    return Dataset(tuple(points.values()), tuple(conditions), tuple(s for s in sources.values() if s), measures)


MEASURE_KINDS = ("bone", "finger")


def _measures(check: _Checker, raw: Any, sources: dict[str, Source | None]) -> tuple[Measure, ...]:
    """The bone and finger measures of measures.yaml, each a number of cun over a span."""
    found: dict[str, Measure] = {}
    for entry in check.entries(raw, "measure"):
        label = f"measure {entry['id']}" if isinstance(entry.get("id"), str) else "measure"
        before = len(check.problems)
        check.fields(entry, Measure, "measure", None, label)
        values = check.plain(entry, Measure, None, label)
        measure_id, kind = values.get("id"), values.get("kind")
        if check.word(entry, "id", measure_id, "an id", "knee-crease-to-outer-ankle", label=label) and \
                measure_id in found:
            check.report(check.line(entry, "id"), f"the id '{measure_id}' is already used on line "
                         f"{found[measure_id].line}", field="id", entry=label, hint="every measure needs its own id")
        if kind is not None and kind not in MEASURE_KINDS:
            check.report(check.line(entry, "kind"), f"there is no kind of measure '{kind}'", field="kind",
                         entry=label, hint="bone or finger")
        cun = entry.get("cun")
        if "cun" in entry and (isinstance(cun, bool) or not isinstance(cun, (int, float)) or not 0 < cun <= 30):
            check.report(check.line(entry, "cun"), f"{cun!r} is not a number of cun", field="cun", entry=label,
                         hint="write a number such as 16 or 1.5")
        refs = _source_refs(check, entry, sources, None, label)
        span = _span(check, entry, cun, label) if "diagram" in entry else None
        if len(check.problems) == before:
            found[measure_id] = Measure(**values, cun=float(cun), diagram=span, sources=refs, file=check.file,
                                        line=_line(entry))
    return tuple(found.values())


def _span(check: _Checker, entry: dict, cun: Any, label: str) -> Span | None:
    """A measure's span on a drawing: the drawing must measure it, with the same number of cun."""
    line = check.line(entry, "diagram")
    sub = check.mapping(entry["diagram"], line, "diagram", None, "diagram", label,
                        hint="write it as {view: leg-back, from: <landmark>, to: <landmark>}")
    if sub is None:
        return None
    check.fields(sub, {"view": True, "from": True, "to": True}, "measure diagram", None, label)
    view, start, end = (check.text(sub, key, None, label) for key in ("view", "from", "to"))
    if view is None or start is None or end is None:
        return None
    if view not in atlas.VIEWS:
        check.report(line, f"there is no view '{view}'", field="diagram", entry=label,
                     hint=_suggest(view, list(atlas.VIEWS)) or "the views are in deckbuilder/atlas/views/")
        return None
    scales = [s for s in atlas.VIEWS[view].scales if {s.start, s.end} == {start, end}]
    if not scales:
        check.report(line, f"the view '{view}' has no cun scale from '{start}' to '{end}'", field="diagram",
                     entry=label, hint="name the two landmarks of one of its scales (in its file's scales:)")
        return None
    if isinstance(cun, (int, float)) and abs(scales[0].cun - cun) > 0.1:
        check.report(line, f"the view '{view}' measures {scales[0].cun:g} cun from '{start}' to '{end}', "
                     f"not {cun:g}", field="diagram", entry=label, hint="one of the two is wrong")
        return None
    return Span(view, start, end)
