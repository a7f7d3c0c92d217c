"""Turn points and conditions into the fields, tags, decks and GUIDs of Anki notes.

One fact per card: each answer has a graded part of one glance, and what is worth knowing
around it goes below, folded. To add a card direction, add a template to a note type in
notetypes.py and fill any new field here.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from html import escape
from operator import itemgetter
from typing import Mapping, NamedTuple, Sequence

import genanki

from .errors import DataError, Problem
from .markup import bullet_list, inline, plain
from . import media
from .media import MediaFile, PointImages, Quiz
from .notetypes import Language, language
from .records import Condition, Dataset, Point
from .translate import Texts, plain_marked, visible

GUID_NAMESPACE = "deckbuilder-acupressure"
START_CONDITION = "lower-back-pain"  # the seed of the deck: its points are studied first
GRADED_USES = 3  # a set of more than three is never asked whole


class NoteSpec(NamedTuple):
    """Everything that goes into one Anki note, before a modification time is given to it."""

    model: genanki.Model
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    owner: str  # "point:<id>", "condition:<id>", "quiz:<view>-<meridian>": what the note is about
    deck: str   # the (sub)deck its new cards go to

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

    @property
    def search(self) -> str:
        """An Anki browser search that finds this note and no other."""
        owner_kind, owner_id = self.owner.split(":", 1)
        wanted = [t for t in self.tags if t.startswith("acupressure::kind::")]
        wanted.append(f"acupressure::{owner_kind}::{owner_id}")
        if owner_kind == "condition":  # one note per point of the complaint
            wanted += [t for t in self.tags if t.startswith("acupressure::point::")]
        wanted += [t for t in self.tags if t.startswith("acupressure::category::")]
        return " ".join(f"tag:{t}" for t in wanted)


def _spec(model: genanki.Model, note_guid: str, fields: tuple[str, ...], tags: tuple[str, ...], owner: str,
          deck: str) -> NoteSpec:
    """A note with its retired fields (the note type's last ones) left empty."""
    return NoteSpec(model, note_guid, fields + ("",) * (len(model.fields) - len(fields)), tags, owner, deck)


def guid(kind: str, stable_id: str, namespace: str = GUID_NAMESPACE) -> str:
    """GUIDs come from the permanent id only, so correcting a code or a text updates in place; a deck
    in another language has a namespace of its own, so a collection may hold both."""
    return genanki.guid_for(namespace, kind, stable_id)


def _tag(text: str) -> str:
    return "-".join(text.lower().split())


def _point_tags(point: Point, condition_ids: list[str], texts: Texts) -> set[str]:
    tags = {f"acupressure::point::{point.id}",
            f"acupressure::meridian::{_tag(point.meridian)}",
            f"acupressure::region::{point.region}"}
    tags.update(f"acupressure::condition::{c}" for c in condition_ids)
    tags.update(filter(None, [texts.code_tag(point.code)]))
    return tags


def _kind(tags: set[str], kind: str) -> tuple[str, ...]:
    return tuple(sorted(tags | {f"acupressure::kind::{kind}"}))


def _sources(sources) -> str:
    return " · ".join(plain(s.short) for s in sources)


def _caution(point: Point) -> str:
    return bullet_list(point.cautions) if point.cautions else ""


def _aliases(point: Point, texts: Texts) -> str:
    by_system: dict[str, list[str]] = defaultdict(list)
    for legacy in point.legacy_codes:
        by_system[legacy.system.name].append(legacy.code)
    if not by_system:
        return ""
    return texts("Also written:") + " " + "; ".join(f"{plain(', '.join(found))} "
                                                    f"({plain(texts(system, 'numbering_systems'))})"
                                                    for system, found in by_system.items())


def _img(media: MediaFile | None, alt: str) -> str:
    return f'<img src="{escape(media.name)}" alt="{escape(plain_marked(alt))}">' if media else ""


def _diagram(drawing: MediaFile | None, marker: MediaFile | None, alt: str) -> str:
    """The view's drawing with the point's marker laid over it (style.css stacks the two)."""
    if drawing is None or marker is None:
        return ""
    return f'<div class="diagram">{_img(drawing, "")}{_img(marker, alt)}</div>'


def _sides(point: Point, texts: Texts) -> str:
    if point.meridian in ("governor vessel", "conception vessel"):
        return texts("A single point, on the midline.")
    if point.meridian == "extra":  # one on the midline, or several on each side: the location says
        return texts("An extra point: the location says how many there are.")
    return texts("On both sides of the body.")


def _name(point: Point) -> str:
    return f"{plain(point.pinyin)} · {plain(point.english[0])}"


def _point_line(point: Point, texts: Texts) -> str:
    return f"<b>{plain(texts.code(point.code))}</b> {_name(point)}"


def _point_notes(point: Point, condition_ids: list[str], images: PointImages, deck: str,
                 lang: Language) -> list[NoteSpec]:
    texts, space = lang.texts, lang.guid_namespace
    tags = _point_tags(point, condition_ids, texts)
    owner = f"point:{point.id}"
    code, caution, sources = plain(texts.code(point.code)), _caution(point), _sources(point.sources)
    meridian = plain(texts.meridian(point))
    article = inline(point.article) if point.article else ""
    photos = "".join(_img(photo, texts("Photo of the point's area")) for photo in images.photos)
    main, more = point.indications[:GRADED_USES], point.indications[GRADED_USES:]
    found = [
        _spec(lang.name_code, guid("name-code", point.id, space),
                 (code, plain(point.pinyin), plain(point.hanzi), plain(point.hanzi_traditional or ""),
                  plain(point.english[0]), plain(", ".join(point.english[1:])), _aliases(point, texts), meridian,
                  article, sources), _kind(tags, "name"), owner, deck),
        _spec(lang.location, guid("location", point.id, space),
                 (code, _name(point), inline(point.location),
                  texts("Landmarks:") + " " + plain(", ".join(point.landmarks)), inline(point.how_to_find),
                  _diagram(images.drawing, images.question, texts("Where the point is"))
                  + (f'<div class="meridian">{plain(texts.meridian(point))}</div>' if images.tell_apart else ""),
                  _diagram(images.drawing, images.answer, texts("{point} marked").format(
                      point=f"{point.code} {point.pinyin}")), photos,
                  _sides(point, texts), caution, sources), _kind(tags, "location"), owner, deck),
    ]
    if point.indications:  # a landmark-only point (ST17) has no uses to learn
        found.append(_spec(lang.indication, guid("uses", point.id, space),
                           (code, code, _name(point), bullet_list(main), plain(", ".join(more)), "", "", "", "",
                            article, caution, sources), _kind(tags, "uses"), owner, deck))
    meridian_code = "EX" if point.code.startswith("EX-") else point.code[:2]
    for category in point.categories:
        key = "/".join(filter(None, (point.id, category.kind, category.detail)))
        question, answer = texts.reverse(category, meridian_code, point.meridian)
        category_tag = f"acupressure::category::{category.kind}"
        found.append(_spec(
            lang.special, guid("special", key, space),
            (f"{code} {plain(category.kind)}", plain(texts.describe(category, meridian_code, point.meridian)),
             plain(question[0].upper() + question[1:]), _point_line(point, texts), plain(answer),
             sources), _kind(tags | {category_tag}, "special"), owner, lang.subdeck("3 Special points")))
    return found


def _complaint_notes(condition: Condition, lang: Language) -> list[NoteSpec]:
    """One note per point of the complaint: the others are shown, the one left out is asked."""
    texts = lang.texts
    article = "<br>".join(f"{texts('Not standard:')} {_point_line(extra.point, texts)}. {inline(extra.note)}"
                          for extra in condition.article_only)
    found = []
    codes = [plain(texts.code(p.code)) for p in condition.points]
    for index, point in enumerate(condition.points):
        others = ", ".join(codes[:index] + codes[index + 1:])
        tags = {f"acupressure::condition::{condition.id}", f"acupressure::region::{condition.region}",
                f"acupressure::point::{point.id}"}
        found.append(_spec(
            lang.indication, guid("complaint", f"{condition.id}/{point.id}", lang.guid_namespace),
            (f"{plain(condition.name)} {plain(point.code)}", "", "", "", "",
             plain(texts.first_upper(condition.name)), others, plain(texts.region(point.region)),
             _point_line(point, texts), article, _caution(point), _sources(condition.sources)),
            _kind(tags, "complaint"), f"condition:{condition.id}", lang.subdeck("4 Complaints")))
    return found


def quiz_key(quiz: Quiz) -> str:
    return media.quiz_key(quiz.view, quiz.group, quiz.part)


def mask_numbers(quizzes: Sequence[Quiz], before: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Each mask's cloze number, which is its card: a point keeps the number it had in the last
    build (so a corrected code keeps its card and reviews); a new point takes its own number
    (BL23 is c23) where that is free, so other points joining the view later change nothing."""
    numbers: dict[str, dict[str, int]] = {}
    for quiz in quizzes:
        # a removed point's number stays taken: a collection may still hold its card
        kept = dict(before.get(quiz_key(quiz), {}))
        for point in quiz.points:
            if point.id not in kept and point.code in kept:  # numbers read back from a package
                kept[point.id] = kept.pop(point.code)
            if point.id not in kept:
                own = int(point.code[len(quiz.group):])
                kept[point.id] = own if own not in kept.values() else max(*kept.values(), own) + 1
        numbers[quiz_key(quiz)] = kept
    return numbers


def _quiz_note(quiz: Quiz, numbers: Mapping[str, int], lang: Language) -> NoteSpec:
    """Anki's image occlusion: a mask over each point's tag; the learner names the masked point."""
    masks = " ".join(f"{{{{c{numbers[point.id]}::image-occlusion:rect:left={left:.4f}:"
                     f"top={top:.4f}:width={width:.4f}:height={height:.4f}:oi=1}}}}"
                     for point, (left, top, width, height) in zip(quiz.points, quiz.boxes))
    texts = lang.texts
    names = "<br>".join(_point_line(point, texts) for point in quiz.points)
    key = quiz_key(quiz)
    tags = (f"acupressure::view::{quiz.view}", f"acupressure::quiz::{key}", "acupressure::kind::region-quiz")
    return _spec(lang.region_quiz, guid("region-quiz", key, lang.guid_namespace),
                 (masks, _img(quiz.picture, quiz.title), texts("Region quiz: {title}. Which point?").format(
                     title=plain(quiz.title)), names, ""), tags, f"quiz:{key}", lang.subdeck("5 Region quiz"))


_FIELD_REF = re.compile(r"\{\{[#^/]?\s*(?:[^}:]*:)*([^}:]+?)\s*\}\}")


def _question_fields(model: genanki.Model, template: dict) -> list[int]:
    """Indexes of the fields a template's question shows: equal values mean the same question."""
    names = [f["name"] for f in model.fields]
    used = dict.fromkeys(m.group(1) for m in _FIELD_REF.finditer(template["qfmt"]))
    return [names.index(name) for name in used if name in names]


def _check_ambiguous(notes: list[NoteSpec], owners: dict[str, tuple], note_types: Sequence[genanki.Model]) -> None:
    """A question that fits two notes cannot be answered; report it rather than write the card."""
    problems = []
    by_model: dict[genanki.Model, list[NoteSpec]] = defaultdict(list)
    for note in notes:
        by_model[note.model].append(note)
    for model in note_types:
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
                        hint="make the names, location, picture or categories of the two points differ"))
                else:
                    seen[question] = note
    if problems:
        raise DataError(problems)


def study_order(dataset: Dataset) -> list[Point]:
    """The seed's points first, then the points the most complaints name, then meridian by meridian."""
    seed = next((c for c in dataset.conditions if c.id == START_CONDITION), None)
    first = [] if seed is None else [*seed.points, *(extra.point for extra in seed.article_only)]
    named: dict[str, int] = defaultdict(int)
    for condition in dataset.conditions:
        for point in condition.points:
            named[point.id] += 1
    position = {p.id: i for i, p in enumerate(dataset.points)}
    rest = [p for p in dataset.points if p not in first]
    popular = sorted((p for p in rest if named[p.id] >= 2), key=lambda p: (-named[p.id], position[p.id]))
    return [*dict.fromkeys([*first, *popular, *rest])]


def notes(dataset: Dataset, images: dict[str, PointImages], quizzes: Sequence[Quiz] = (),
          masks: Mapping[str, Mapping[str, int]] | None = None, lang: Language | None = None) -> list[NoteSpec]:
    """All notes of the deck in study order: every point's notes, then the complaints, then the
    region quizzes (`masks`: their cloze numbers, from `mask_numbers`); in English unless `lang` says."""
    masks = mask_numbers(quizzes, {}) if masks is None else masks
    lang = lang or language()
    found: list[NoteSpec] = []
    owners: dict[str, tuple] = {}
    condition_ids: dict[str, list[str]] = defaultdict(list)
    for condition in dataset.conditions:
        for member in condition.points:
            condition_ids[member.id].append(condition.id)
    seed = {p.id for c in dataset.conditions if c.id == START_CONDITION
            for p in (*c.points, *(extra.point for extra in c.article_only))}
    for point in study_order(dataset):
        deck = lang.subdeck("1 Start here: lower back pain") if point.id in seed else lang.meridian_deck(point)
        found.extend(_point_notes(point, condition_ids[point.id], images[point.id], deck, lang))
        owners[f"point:{point.id}"] = (point.file, point.line, point.code)
    for condition in dataset.conditions:
        found.extend(_complaint_notes(condition, lang))
        owners[f"condition:{condition.id}"] = (condition.file, condition.line, condition.name)
    for quiz in quizzes:
        found.append(_quiz_note(quiz, masks[quiz_key(quiz)], lang))
        owners[f"quiz:{quiz_key(quiz)}"] = (None, None, quiz.title)
    _check_ambiguous(found, owners, lang.note_types)
    if not lang.texts.english:  # the English stand-ins marked as such, now that the text is HTML
        found = [note._replace(fields=tuple(map(visible, note.fields))) for note in found]
    return found
