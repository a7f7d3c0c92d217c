"""Turn points and conditions into the fields, tags and GUIDs of Anki notes.

To add a card direction, add a template to the note type in notetypes.py and fill any new
field here.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from html import escape
from operator import itemgetter
from typing import NamedTuple

import genanki

from .categories import describe
from .errors import DataError, Problem
from .markup import bullet_list, inline, plain
from .media import MediaFile, PointImages
from .notetypes import INDICATION, LOCATION, NAME_CODE
from .records import Condition, Dataset, Point

GUID_NAMESPACE = "deckbuilder-acupressure"


class NoteSpec(NamedTuple):
    """Everything that goes into one Anki note, before a modification time is given to it."""

    model: genanki.Model
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    owner: str  # "point:<id>" or "condition:<id>": what the note is about, for change reports

    @property
    def card_ords(self) -> tuple[int, ...]:
        """The templates Anki makes cards from for this note (genanki applies Anki's rule)."""
        return tuple(card.ord for card in genanki.Note(model=self.model, fields=list(self.fields)).cards)

    @property
    def stored_fields(self) -> str:
        """The fields as Anki's notes table stores them."""
        return "\x1f".join(self.fields)

    @property
    def stored_tags(self) -> str:
        """The tags as Anki's notes table stores them."""
        return f" {' '.join(self.tags)} "

    @property
    def content_hash(self) -> str:
        """Changes exactly when what Anki stores for the note changes: its note type, fields and tags.

        The separators cannot occur inside a value: validation turns every whitespace character,
        U+001E and U+001F among them, into a plain space.
        """
        stored = f"{self.model.model_id}\x1e{self.stored_tags}\x1e{self.stored_fields}"
        return hashlib.sha256(stored.encode()).hexdigest()[:32]


def guid(kind: str, stable_id: str) -> str:
    """GUIDs come from the permanent id only, so correcting a code or a text updates in place."""
    return genanki.guid_for(GUID_NAMESPACE, kind, stable_id)


def _tag(text: str) -> str:
    return "-".join(text.lower().split())


def _point_tags(point: Point, condition_ids: list[str]) -> tuple[str, ...]:
    tags = {f"acupressure::point::{point.id}",
            f"acupressure::meridian::{_tag(point.meridian)}",
            f"acupressure::region::{point.region}"}
    tags.update(f"acupressure::condition::{c}" for c in condition_ids)
    return tuple(sorted(tags))


def _sources(sources) -> str:
    return " · ".join(plain(s.short) for s in sources)


def _caution(point: Point) -> str:
    return bullet_list(point.cautions) if point.cautions else ""


def _aliases(point: Point) -> str:
    by_system: dict[str, list[str]] = defaultdict(list)
    for legacy in point.legacy_codes:
        by_system[legacy.system.name].append(legacy.code)
    if not by_system:
        return ""
    return "Also written: " + "; ".join(f"{plain(', '.join(found))} ({plain(system)})"
                                        for system, found in by_system.items())


def _img(media: MediaFile | None, alt: str) -> str:
    return f'<img src="{escape(media.name)}" alt="{escape(alt)}">' if media else ""


def _diagram(drawing: MediaFile | None, marker: MediaFile | None, alt: str) -> str:
    """The view's drawing with the point's marker laid over it (style.css stacks the two)."""
    if drawing is None or marker is None:
        return ""
    return f'<div class="diagram">{_img(drawing, "")}{_img(marker, alt)}</div>'


def _point_notes(point: Point, condition_ids: list[str], images: PointImages) -> list[NoteSpec]:
    tags = _point_tags(point, condition_ids)
    owner = f"point:{point.id}"
    code, caution, sources = plain(point.code), _caution(point), _sources(point.sources)
    english = " · ".join(plain(e) for e in point.english)
    meridian = f"{plain(point.meridian.capitalize())} meridian"
    article = inline(point.article) if point.article else ""
    aliases = _aliases(point)
    photos = "".join(_img(photo, "Photo of the point's area") for photo in images.photos)
    name = f"{plain(point.pinyin)} · {plain(point.english[0])}"
    uses = list(point.indications) + [f"*{describe(c, point.meridian)}*" for c in point.categories]
    return [
        NoteSpec(NAME_CODE, guid("name-code", point.id),
                 (code, plain(point.pinyin), plain(point.hanzi),
                  plain(point.hanzi_traditional or ""), english, aliases, meridian, article, caution,
                  sources), tags, owner),
        NoteSpec(LOCATION, guid("location", point.id),
                 (code, name, inline(point.location),
                  "Landmarks: " + plain(", ".join(point.landmarks)), inline(point.how_to_find),
                  _diagram(images.drawing, images.question, "Where the point is"),
                  _diagram(images.drawing, images.answer, f"{point.code} {point.pinyin} marked"), photos,
                  caution, sources),
                 tags, owner),
        NoteSpec(INDICATION, guid("uses", point.id),
                 (code, code, name, bullet_list(uses), "", "",
                  article, caution, sources), tags, owner),
    ]


def _condition_note(condition: Condition) -> NoteSpec:
    def line(point: Point) -> str:
        return f"<b>{plain(point.code)}</b> {plain(point.pinyin)} · {plain(point.english[0])}"

    points = "<ul>" + "".join(f"<li>{line(p)}</li>" for p in condition.points) + "</ul>"
    article = "<br>".join(f"Not standard: {line(extra.point)}. {inline(extra.note)}"
                          for extra in condition.article_only)
    cautions = [f"{p.code}: {c}" for p in condition.points for c in p.cautions]
    tags = (f"acupressure::condition::{condition.id}", f"acupressure::region::{condition.region}")
    return NoteSpec(INDICATION, guid("condition", condition.id),
                    (plain(condition.name.capitalize()), "", "", "", plain(condition.name), points,
                     article, bullet_list(cautions) if cautions else "", _sources(condition.sources)),
                    tags, f"condition:{condition.id}")


_FIELD_REF = re.compile(r"\{\{[#^/]?\s*(?:[^}:]*:)*([^}:]+?)\s*\}\}")


def _question_fields(model: genanki.Model, template: dict) -> list[int]:
    """Indexes of the fields a template's question shows: equal values mean the same question."""
    names = [f["name"] for f in model.fields]
    used = dict.fromkeys(m.group(1) for m in _FIELD_REF.finditer(template["qfmt"]))
    return [names.index(name) for name in used if name in names]


def _check_ambiguous(notes: list[NoteSpec], owners: dict[str, tuple]) -> None:
    """A question that fits two notes cannot be answered; report it rather than write the card."""
    problems = []
    by_model: dict[genanki.Model, list[NoteSpec]] = defaultdict(list)
    for note in notes:
        by_model[note.model].append(note)
    for model in (NAME_CODE, LOCATION, INDICATION):
        for template in model.templates:
            shown = itemgetter(*_question_fields(model, template))  # one field's text, or a tuple of them
            no_question = shown(("",) * len(model.fields))
            seen: dict[str | tuple[str, ...], NoteSpec] = {}
            for note in by_model[model]:
                question = shown(note.fields)
                if question == no_question:
                    continue  # no card for this note (e.g. a complaint note on "Point → uses")
                if question in seen:
                    first = seen[question]
                    file, line, label = owners[note.owner]
                    problems.append(Problem(
                        file, line, f"the '{template['name']}' card would ask the same question as for "
                        f"{owners[first.owner][2]}, so it has two right answers", point=label,
                        hint="make the names, location or picture of the two points differ"))
                else:
                    seen[question] = note
    if problems:
        raise DataError(problems)


def notes(dataset: Dataset, images: dict[str, PointImages]) -> list[NoteSpec]:
    """All notes of the deck in study order: every point's notes, then the conditions."""
    found: list[NoteSpec] = []
    owners: dict[str, tuple] = {}
    condition_ids: dict[str, list[str]] = defaultdict(list)
    for condition in dataset.conditions:
        for member in condition.points:
            condition_ids[member.id].append(condition.id)
    for point in dataset.points:
        found.extend(_point_notes(point, condition_ids[point.id], images[point.id]))
        owners[f"point:{point.id}"] = (point.file, point.line, point.code)
    for condition in dataset.conditions:
        found.append(_condition_note(condition))
        owners[f"condition:{condition.id}"] = (condition.file, condition.line, condition.name)
    _check_ambiguous(found, owners)
    return found
