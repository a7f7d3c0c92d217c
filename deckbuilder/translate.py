"""The deck in another language, from the same data: translations beside it, each tied to its English.

`data/translations/<lang>/points/<file>.yaml` mirrors `data/points/<file>.yaml`: point id -> field ->
`{from: <hash>, de: <text>}`, where `from` is `source_hash` of the English it translates, so an edited
English text shows up as an outdated translation. `conditions.yaml` holds the complaints and `measures.yaml`
the measures (data/measures.yaml) the same way; `deck.yaml` everything else a card says, keyed by its English
(section -> English -> translation).

A text without an up-to-date translation is not left out: the deck shows the English, marked
"[EN]" (`Gap` records each one, and `deckbuilder check --lang de` lists them with file and line).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from . import atlas
from .cache import Cache
from .categories import FIVE_SHU
from .categories import describe as english_describe
from .categories import reverse as english_reverse
from .codes import EXTRA_REGIONS, MERIDIANS, channel_title
from .errors import DataError, Problem
from .load import DataFiles, YamlList, YamlMap, read_yaml
from .records import Category, Condition, ConditionPoint, Dataset, Measure, Point

LANGUAGES = ("en", "de")
FIELDS = ("english", "location", "how_to_find", "indications", "cautions", "landmarks", "article")
CONDITION_FIELDS = ("name", "article_only")
MEASURE_FIELDS = ("span", "note")
# Around an English text shown in its place; `visible` turns them into HTML once the text is escaped.
OPEN, CLOSE = "\ue000", "\ue001"
MARK = "[EN] "
UNTRANSLATED_CSS = "\n.untranslated { border-bottom: 1px dashed currentColor; }\n"


def source_hash(value: str | Sequence[str]) -> str:
    """The first 8 hex digits of the SHA-256 of the English as YAML loads it (a list joined by newlines)."""
    text = value if isinstance(value, str) else "\n".join(str(item) for item in value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def marked(english: str) -> str:
    return f"{OPEN}{english}{CLOSE}"


def visible(html: str) -> str:
    """Card HTML with each English stand-in shown as such."""
    if OPEN not in html:
        return html
    return html.replace(OPEN, f'<span class="untranslated" lang="en">{MARK}').replace(CLOSE, "</span>")


def plain_marked(text: str) -> str:
    """A text for a picture: the stand-in marked without HTML."""
    return text.replace(OPEN, MARK).replace(CLOSE, "")


@dataclass(frozen=True)
class Gap:
    """A text the translated deck shows in English: missing, or translated from an older English."""

    file: Path           # where the translation is (or belongs)
    line: int | None
    label: str           # the point or entry
    field: str
    outdated: bool
    english: tuple[Path, int | None] | None = None  # where the English is

    def __str__(self) -> str:
        where = ", ".join(str(x) for x in (self.file, f"line {self.line}" if self.line else None) if x)
        if self.outdated:
            return (f"{where}, {self.label}, field '{self.field}': outdated, the English changed since it was "
                    f"translated ({self._english()})")
        return f"{where}, {self.label}, field '{self.field}': not translated yet ({self._english()})"

    def _english(self) -> str:
        if self.english is None:
            return "the English is in the code"
        path, line = self.english
        return f"English: {path}, line {line}" if line else f"English: {path}"


class Texts:
    """What a deck says, in its language: English as written in the code, or the translation of it that
    `deck.yaml` gives (section -> English -> translation). A missing one is the English, marked."""

    def __init__(self, lang: str = "en", words: dict | None = None, file: Path | None = None):
        self.lang, self.words, self.file = lang, words or {}, file
        self.missing: dict[tuple[str, str], None] = {}  # (section, English) looked up without a translation
        self.used: set[tuple[str, str]] = set()

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def __call__(self, english: str, section: str = "cards") -> str:
        if self.english:
            return english
        found = self.words.get(section)
        found = found.get(english) if isinstance(found, dict) else None
        if isinstance(found, str):
            self.used.add((section, english))
            return found
        self.missing[(section, english)] = None
        return marked(english)

    def code(self, code: str) -> str:
        """The WHO code, with the language's own code beside it: BL40 (Bl 40)."""
        if self.english:
            return code
        group = code.rstrip("0123456789")
        own = self(group, "codes")
        return f"{code} ({own} {code[len(group):]})" if OPEN not in own else code

    def code_tag(self, code: str) -> str | None:
        """The language's own code as a tag, so a search finds it: acupressure::de::Bl40."""
        if self.english:
            return None
        group = code.rstrip("0123456789")
        own = self(group, "codes")
        return None if OPEN in own else f"acupressure::{self.lang}::{own.replace(' ', '')}{code[len(group):]}"

    def meridian(self, point: Point) -> str:
        """'Bladder meridian'; in German 'Blasen-Meridian'."""
        if point.meridian == "extra":
            return self("Extra point (off the meridians)")
        if self.english:
            return channel_title(point.meridian)
        return self._pair("meridians", point.code[:2])[0]

    def plain(self, english: str, section: str = "cards") -> str:
        """For a picture or an attribute: the stand-in marked without HTML."""
        return plain_marked(self(english, section))

    def group(self, group: str) -> str:
        """A region quiz's meridian ('Blasen-Meridian'), or its extra points' region."""
        if group in MERIDIANS:
            return self._pair("meridians", group)[0]
        return self.plain(f"extra points of the {EXTRA_REGIONS[group.removeprefix('EX-')][0]}", "quiz_groups")

    def first_upper(self, text: str) -> str:
        return text.capitalize() if self.english else text[:1].upper() + text[1:]

    def cun(self, value: float) -> str:
        """'1.5 cun'; in German '1,5 Cun' (the words of deck.yaml's section `numbers`, as the pictures say it)."""
        number = f"{value:g}"
        if self.english:
            return f"{number} cun"
        return f"{number.replace('.', self('.', 'numbers'))} {self('cun', 'numbers')}"

    def region(self, region: str) -> str:
        return region.replace("-", " ") if self.english else self(region, "regions")

    def _pair(self, section: str, key: str) -> tuple[str, str]:
        """A word and the form it takes after a noun (the genitive: 'Niere', 'der Niere')."""
        found = self.words.get(section)
        found = found.get(key) if isinstance(found, dict) else None
        if isinstance(found, list) and len(found) == 2 and all(isinstance(x, str) for x in found):
            self.used.add((section, key))
            return found[0], found[1]
        self.missing[(section, key)] = None
        return marked(key), marked(key)

    def describe(self, category: Category, meridian_code: str, meridian: str) -> str:
        """How a card names the category: 'Rücken-Shu-Punkt der Niere'."""
        if self.english:
            return english_describe(category, meridian)
        kind, detail = category.kind, category.detail
        name = self(kind, "categories")
        own = self._pair("meridians", meridian_code)[1] if meridian_code != "EX" else ""
        if kind in FIVE_SHU:
            return f"{name} ({self(detail, 'elements')}) {own}"
        if kind == "luo-connecting" and detail == "great-luo-of-spleen":
            return self("great luo-connecting point of the Spleen", "categories")
        if kind in ("yuan-source", "luo-connecting") or (kind == "xi-cleft" and not detail):
            return f"{name} {own}"
        section = {"xi-cleft": "vessels", "confluent": "vessels", "influential": "tissues",
                   "command": "areas"}.get(kind, "organs")
        return f"{name} {self._pair(section, detail)[1]}"

    def reverse(self, category: Category, meridian_code: str, meridian: str) -> tuple[str, str]:
        """The question from the point's side and its one answer."""
        if self.english:
            return english_reverse(category, meridian)
        kind, detail = category.kind, category.detail
        family = "five-shu" if kind in FIVE_SHU else "source-connecting-cleft" if kind in (
            "yuan-source", "luo-connecting", "xi-cleft") else kind
        question = self(family, "category_questions")
        if kind in FIVE_SHU:
            answer = f"{self(kind, 'categories')} ({self(detail, 'elements')})"
        elif family == "source-connecting-cleft":
            answer = self.describe(category, meridian_code, meridian)
        else:
            section = {"confluent": "vessels", "influential": "tissues", "command": "areas"}.get(kind, "organs")
            answer = self._pair(section, detail)[0]
        return question, answer


ENGLISH = Texts()


@dataclass
class Translation:
    """One language's files, as read: the point and condition entries with their lines, and deck.yaml."""

    lang: str
    folder: Path
    points: dict[Path, Any]         # translation file -> its mapping
    conditions: Any
    deck: Any
    measures: Any = None
    gaps: list[Gap] = field(default_factory=list)
    # entries for what the English does not have (any more): never shown, listed so they can be removed
    leftovers: list[Problem] = field(default_factory=list)


def folder(data_dir: Path, lang: str) -> Path:
    return Path(data_dir) / "translations" / lang


def read(data_dir: Path, lang: str, cache: Cache | None = None) -> Translation:
    """The translation files of `lang` (any may be missing: its texts are then all untranslated)."""
    where = folder(data_dir, lang)
    problems: list[Problem] = []

    def one(path: Path) -> Any:
        if not path.exists():
            return None
        try:
            return read_yaml(path, cache)
        except DataError as err:
            problems.extend(err.problems)
            return None

    points_dir = where / "points"
    found = {path: one(path) for path in sorted(points_dir.glob("*.yaml"))} if points_dir.is_dir() else {}
    translation = Translation(lang, where, found, one(where / "conditions.yaml"), one(where / "deck.yaml"),
                              one(where / "measures.yaml"))
    if problems:
        raise DataError(problems)
    return translation


def _texts_of(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


class _Reader:
    """Checks the entries of one translation file against the English they translate."""

    def __init__(self, translation: Translation, problems: list[Problem]):
        self.translation, self.problems = translation, problems

    def mapping(self, value: Any, file: Path, line: int | None, what: str, label: str | None = None) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append(Problem(file, line, f"expected {what}", entry=label,
                                         hint="see \"The deck in German\" in the README for the layout"))
            return {}
        return value

    def entry(self, file: Path, entries: dict, name: str, english: Any, english_at: tuple[Path, int | None],
              label: str, at: int | None) -> str | tuple[str, ...] | None:
        """The translation of one field, or None (a gap is recorded; `at`: the line of its point or entry)."""
        lang = self.translation.lang
        if name not in entries:
            self.translation.gaps.append(Gap(file, at, label, name, False, english_at))
            return None
        line = entries.key_lines.get(name) if isinstance(entries, YamlMap) else None
        value = self.mapping(entries[name], file, line, f"a mapping with 'from' and '{lang}'", label)
        if not value:
            return None
        unknown = [key for key in value if key not in ("from", lang)]
        if unknown or "from" not in value or lang not in value:
            self.problems.append(Problem(file, line, f"a translated field has 'from' (the English text's hash) "
                                         f"and '{lang}' (its translation), found: {', '.join(map(str, value))}",
                                         entry=label, field=name,
                                         hint=f"write from: {source_hash(english)} and {lang}: the translation"))
            return None
        if not isinstance(value["from"], str):  # e.g. from: 12345678 or 1e345678, which YAML reads as numbers
            self.problems.append(Problem(file, value.key_lines.get("from", line) if isinstance(value, YamlMap)
                                         else line, "the hash in 'from' reads as a number", entry=label,
                                         field=name, hint=f'put it in quotes: from: "{source_hash(english)}"'))
            return None
        if value["from"] != source_hash(english):
            self.translation.gaps.append(Gap(file, line, label, name, True, english_at))
            return None
        texts = _texts_of(value[lang])
        wanted = _texts_of(english)
        text_line = value.key_lines.get(lang, line) if isinstance(value, YamlMap) else line
        if texts is None or (isinstance(english, list) != isinstance(value[lang], list)):
            self.problems.append(Problem(file, text_line, "the translation has another shape than the English "
                                         f"({'a list' if isinstance(english, list) else 'a text'})",
                                         entry=label, field=name, hint="translate each item of the list, in "
                                         "its order" if isinstance(english, list) else "write one text"))
            return None
        if wanted is not None and len(texts) != len(wanted):
            self.problems.append(Problem(file, text_line, f"the English has {len(wanted)} items, the translation "
                                         f"{len(texts)}", entry=label, field=name,
                                         hint="one translated item for each English item, in the same order"))
            return None
        cleaned = []
        for text in texts:
            text = "\n".join(" ".join(part.split()) for part in text.strip().split("\n")) if "\n" in text.strip() \
                else " ".join(text.split())
            if not text or not text.replace("\n", " ").isprintable() or re.search(r"<[A-Za-z/]|&\w+;", text):
                self.problems.append(Problem(file, text_line, "the translation is empty, or holds an invisible "
                                             "character or HTML", entry=label, field=name,
                                             hint="write plain text, as in the English data files"))
                return None
            cleaned.append(text)
        return cleaned[0] if isinstance(english, str) else tuple(cleaned)

    def unknown(self, file: Path, mapping: dict, known: dict, message: str, hint: str) -> None:
        """Entries for what the English does not have (a typo, or English since removed): `message` names the
        key as {key}. They do not stop a build: an English edit that removes a text leaves the deck usable."""
        for key in mapping:
            if key not in known:
                line = mapping.key_lines.get(key) if isinstance(mapping, YamlMap) else None
                self.translation.leftovers.append(Problem(file, line, message.format(key=key), hint=hint))


def _english_points(files: DataFiles) -> dict[str, tuple[Path, dict]]:
    found = {}
    for path, raw in files.points:
        for entry in raw if isinstance(raw, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                found[entry["id"]] = (path, entry)
    return found


def _line(entry: Any, key: str) -> int | None:
    return entry.key_lines.get(key) if isinstance(entry, YamlMap) else None


def translate(dataset: Dataset, files: DataFiles, translation: Translation) -> Dataset:
    """The dataset with every text that has an up-to-date translation translated, the rest marked English.

    Raises DataError for a translation that cannot be used (a list of another length than the English, a
    'from' that is not a hash); records each missing or outdated text in `translation.gaps`, and each entry
    for a point or field the English does not have in `translation.leftovers`.
    """
    problems: list[Problem] = []
    reader = _Reader(translation, problems)
    english = _english_points(files)
    by_file: dict[str, dict] = {}
    for path, raw in translation.points.items():
        if not any(p.name == path.name for p, _ in files.points):
            translation.leftovers.append(Problem(path, None, f"there is no data/points/{path.name} for this "
                                                 "translation", hint="name the file after the point file it "
                                                 "translates, or remove it"))
            continue
        entries = reader.mapping(raw, path, None, "a mapping from point ids to their fields")
        by_file[path.name] = entries
        ids_of_file = {pid: e for pid, (p, e) in english.items() if p.name == path.name}
        reader.unknown(path, entries, ids_of_file, f"there is no point '{{key}}' in data/points/{path.name}",
                       "remove the entry, or correct the point's id")
    replaced: dict[str, Point] = {}
    for point in dataset.points:
        source_path, raw = english[point.id]
        file = translation.folder / "points" / source_path.name
        entries = by_file.get(source_path.name, {})
        label = f"point {point.code} ({point.id})"
        fields = reader.mapping(entries.get(point.id), file, _line(entries, point.id), "a mapping of fields", label)
        if isinstance(entries, dict) and point.id not in entries:
            fields = YamlMap()
            fields.line = None
        present = {name: raw[name] for name in FIELDS if raw.get(name) not in (None, "", [])}
        reader.unknown(file, fields, present, f"{point.code} ({point.id}) has no English '{{key}}' to translate",
                       "translated fields: " + ", ".join(present))
        changes = {}
        for name, value in present.items():
            found = reader.entry(file, fields, name, value, (source_path, _line(raw, name)), label,
                                 _line(entries, point.id))
            current = getattr(point, name)
            if found is None:
                found = marked(current) if isinstance(current, str) else tuple(marked(x) for x in current)
            changes[name] = found
        replaced[point.id] = dataclasses.replace(point, **changes)
    conditions = _conditions(dataset, files, translation, reader, replaced)
    measures = _measures(dataset, files, translation, reader)
    if problems:
        raise DataError(problems)
    return Dataset(tuple(replaced[p.id] for p in dataset.points), conditions, dataset.sources, measures)


def _conditions(dataset: Dataset, files: DataFiles, translation: Translation, reader: _Reader,
                replaced: dict[str, Point]) -> tuple[Condition, ...]:
    file = translation.folder / "conditions.yaml"
    entries = reader.mapping(translation.conditions, file, None, "a mapping from condition ids to their fields")
    source_path, raw = files.conditions
    english = {e["id"]: e for e in raw if isinstance(e, dict)} if isinstance(raw, list) else {}
    reader.unknown(file, entries, english, "there is no condition '{key}' in data/conditions.yaml",
                   "remove the entry, or correct the condition's id")
    found = []
    for condition in dataset.conditions:
        entry = english.get(condition.id, {})
        label = f"condition {condition.id}"
        fields = reader.mapping(entries.get(condition.id), file, _line(entries, condition.id), "a mapping", label)
        if condition.id not in entries:
            fields = YamlMap()
            fields.line = None
        notes = [item.get("note") for item in entry.get("article_only") or [] if isinstance(item, dict)]
        present = {"name": entry.get("name")}
        if notes:
            present["article_only"] = YamlList(notes)
        reader.unknown(file, fields, present, f"the condition {condition.id} has no English '{{key}}' to translate",
                       "translated fields: " + ", ".join(present))
        at = _line(entries, condition.id)
        name = reader.entry(file, fields, "name", entry.get("name"), (source_path, _line(entry, "name")), label, at)
        translated_notes = reader.entry(file, fields, "article_only", present["article_only"],
                                        (source_path, _line(entry, "article_only")), label, at) if notes else ()
        extras = tuple(ConditionPoint(replaced[extra.point.id], translated_notes[i] if translated_notes
                                      else marked(extra.note) if extra.note else extra.note)
                       for i, extra in enumerate(condition.article_only))
        found.append(dataclasses.replace(condition, name=name or marked(condition.name),
                                         points=tuple(replaced[p.id] for p in condition.points),
                                         core=tuple(replaced[p.id] for p in condition.core),
                                         article_only=extras))
    return tuple(found)


def _measures(dataset: Dataset, files: DataFiles, translation: Translation, reader: _Reader) -> tuple[Measure, ...]:
    """The measures with their span and note translated, checked as the point files are."""
    file = translation.folder / "measures.yaml"
    entries = reader.mapping(translation.measures, file, None, "a mapping from measure ids to their fields")
    source_path, raw = files.measures if files.measures is not None else (Path("data/measures.yaml"), None)
    english = {e["id"]: e for e in raw if isinstance(e, dict)} if isinstance(raw, list) else {}
    reader.unknown(file, entries, english, "there is no measure '{key}' in data/measures.yaml",
                   "remove the entry, or correct the measure's id")
    found = []
    for measure in dataset.measures:
        entry, label, at = english[measure.id], f"measure {measure.id}", _line(entries, measure.id)
        fields = reader.mapping(entries.get(measure.id), file, at, "a mapping of fields", label)
        if measure.id not in entries:
            fields = YamlMap()
            fields.line = None
        present = {name: entry[name] for name in MEASURE_FIELDS if entry.get(name) not in (None, "")}
        reader.unknown(file, fields, present, f"the measure {measure.id} has no English '{{key}}' to translate",
                       "translated fields: " + ", ".join(present))
        changes = {}
        for name, value in present.items():
            text = reader.entry(file, fields, name, value, (source_path, _line(entry, name)), label, at)
            changes[name] = text if isinstance(text, str) else marked(getattr(measure, name))
        found.append(dataclasses.replace(measure, **changes))
    return tuple(found)


def texts(translation: Translation) -> Texts:
    """The words of deck.yaml; a mistake in its layout is a data problem."""
    file = translation.folder / "deck.yaml"
    deck = translation.deck
    if deck is None:
        return Texts(translation.lang, {}, file)
    if not isinstance(deck, dict) or not all(isinstance(v, dict) for v in deck.values()):
        raise DataError([Problem(file, getattr(deck, "line", None), "deck.yaml is a mapping of sections, each "
                                 "a mapping from the English to its translation",
                                 hint="e.g. cards: {\"More\": \"Mehr\"}")])
    return Texts(translation.lang, dict(deck), file)


def text_gaps(found: Texts) -> list[Gap]:
    """The texts of deck.yaml a build looked for and did not find."""
    file = found.file or Path("deck.yaml")
    gaps = []
    for section, english in found.missing:
        words = found.words.get(section)
        line = words.line if isinstance(words, YamlMap) else None
        gaps.append(Gap(file, line, f"section '{section}'", english, False, None))
    return gaps


def unused(found: Texts) -> list[Problem]:
    """Entries of deck.yaml that a whole build never looked up: a typo, or English the code no longer says."""
    problems = []
    for section, words in found.words.items():
        for english in words:
            if (section, english) not in found.used:
                line = words.key_lines.get(english) if isinstance(words, YamlMap) else None
                problems.append(Problem(found.file, line, f"'{english}' in section '{section}' is not a text the "
                                        "deck uses (any more)", hint="remove it, or correct it to the English the "
                                        "deck shows"))
    return problems


def picture_words(found: Texts) -> tuple[tuple[str, str], ...]:
    """What the atlas's pictures say (view titles; captions and landmark names, both in section `labels`), each
    with its translation;
    none for English."""
    if found.english:
        return ()
    english: dict[str, str] = {}
    for view in atlas.VIEWS.values():
        english[view.title] = "views"
        english.update(dict.fromkeys(view.orientation, "labels"))
        english.update({landmark.label: "labels" for landmark in view.drawing if landmark.label})
    pairs = [(text, found.plain(text, section)) for text, section in english.items()]
    pairs += [(".", found(".", "numbers")), ("cun", found("cun", "numbers"))]
    return tuple(sorted(pairs))
