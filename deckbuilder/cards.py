"""Turn points and conditions into the fields, tags, decks and GUIDs of Anki notes.

One fact per card: each answer has a graded part of one glance, and what is worth knowing
around it goes below, folded. To add a card direction, add a template to a note type in
notetypes.py and fill any new field here.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from html import escape
from operator import itemgetter
from typing import Mapping, NamedTuple, Sequence

import genanki

from .errors import DataError, Problem
from .markup import bullet_list, inline, plain
from . import media
from .media import MediaFile, PointImages, Quiz
from .notetypes import FIELDS, Language, language
from .records import Condition, Dataset, Measure, Point
from .translate import OPEN, Texts, plain_marked, visible

GUID_NAMESPACE = "deckbuilder-acupressure"
START_CONDITION = "lower-back-pain"  # the seed of the deck: its points are studied first
START_SOURCE = "article"  # the seed's points that this source names make the "Start here" subdeck
# New cards: Anki's default shows 20 a day and does not bury siblings, so a note's second card
# comes at least a day's worth of new cards after its first, never minutes after it.
SIBLING_GAP = 20


class NoteSpec(NamedTuple):
    """Everything that goes into one Anki note, before a modification time is given to it."""

    model: genanki.Model
    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    owner: str  # "point:<id>", "condition:<id>", "quiz:<view>-<meridian>": what the note is about
    deck: str   # the (sub)deck its new cards go to
    # (card ord, deck, position) of each card, set by `place`: where and when a new card arrives
    placed: tuple[tuple[int, str, int], ...] = ()

    @property
    def card_ords(self) -> tuple[int, ...]:
        """The templates Anki makes cards from for this note (genanki applies Anki's rule)."""
        return _card_ords(self.model, self.fields)

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


@functools.lru_cache(maxsize=None)
def _card_ords(model: genanki.Model, fields: tuple[str, ...]) -> tuple[int, ...]:
    """Asked several times a build (questions, positions, counts): genanki works it out once."""
    return tuple(card.ord for card in genanki.Note(model=model, fields=list(fields)).cards)


def _spec(model: genanki.Model, note_guid: str, fields: Mapping[str, str], tags: tuple[str, ...], owner: str,
          deck: str) -> NoteSpec:
    """A note from its fields by name: every field the note type uses, and no other, so that a
    field added, renamed or moved in notetypes.py cannot fill the wrong slot; retired fields stay empty."""
    used = FIELDS[model.model_id]
    missing, unknown = [n for n in used if n not in fields], [n for n in fields if n not in used]
    if missing or unknown:
        raise TypeError(f"a note of '{model.name}' needs the fields {', '.join(used)}: "
                        f"missing {missing or 'none'}, unknown {unknown or 'none'}")
    return NoteSpec(model, note_guid, tuple(fields.get(f["name"], "") for f in model.fields), tags, owner, deck)


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


def _point_line(point: Point, texts: Texts, english: bool = True) -> str:
    """Code and name; a code is bold, which style.css keeps on one line (EX-UE7 never breaks)."""
    return f"<b>{plain(texts.code(point.code))}</b> " + (_name(point) if english else plain(point.pinyin))


def _folded(text: str) -> str:
    """Pinyin without tones, as a learner who says it hears it."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def _homophones(dataset: Dataset, texts: Texts) -> dict[str, str]:
    """Point id -> what the name cards say of other points whose pinyin sounds the same."""
    by_sound: dict[str, list[Point]] = defaultdict(list)
    for point in dataset.points:
        by_sound[_folded(point.pinyin)].append(point)
    said = {}
    for group in by_sound.values():
        for point in group:
            others = [o for o in group if o is not point]
            if others:
                said[point.id] = "; ".join(
                    texts("Same pinyin as {point}: another point" if o.pinyin == point.pinyin else
                          "Sounds like {point}: another point").format(
                        point=f"<b>{plain(texts.code(o.code))}</b> {plain(o.pinyin)} ({plain(o.hanzi)}, "
                              f"{plain(o.english[0])})")
                    for o in others)
    return said


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold())) - {"the", "of", "point", "meridian", "and", "a"}


def _apart(dataset: Dataset, texts: Texts) -> dict[str, str]:
    """Point id -> what sets it apart from the other points whose uses card has the same answer.

    The uses card grades one use, the first; where other points share it, the card names what
    only this point of them is used for (or, failing that, where it is).
    """
    by_use: dict[str, list[Point]] = defaultdict(list)
    for point in dataset.points:
        if point.indications:
            by_use[point.indications[0].casefold()].append(point)
    said = {}
    for group in by_use.values():
        for point in group:
            others = [o for o in group if o is not point]
            if not others:
                continue
            theirs = {use.casefold() for o in others for use in o.indications}
            own = next((use for use in point.indications[1:] if use.casefold() not in theirs), None)
            codes = [f"<b>{plain(texts.code(o.code))}</b>" for o in others]
            named = (texts("{some} and {last}").format(some=", ".join(codes[:-1]), last=codes[-1])
                     if 1 < len(codes) <= 3 else "".join(codes) if len(codes) == 1
                     else texts("{count} other points").format(count=len(codes)))
            code = f"<b>{plain(texts.code(point.code))}</b>"
            what = (texts("what sets {code} apart: {use}").format(code=code, use=inline(own)) if own else
                    texts("{code} is the one on the {where}").format(code=code, where=plain(_where(point, texts))))
            said[point.id] = texts("Also the main use of {named}; {what}.").format(named=named, what=what)
    return said


def _where(point: Point, texts: Texts) -> str:
    """Its region and meridian, in plain text: "wrist (Triple energizer meridian)"."""
    return f"{texts.region(point.region)} ({texts.meridian(point)})"


def _point_notes(point: Point, condition_ids: list[str], images: PointImages, deck: str, lang: Language,
                 apart: str = "", sounds_like: str = "") -> list[NoteSpec]:
    texts, space = lang.texts, lang.guid_namespace
    tags = _point_tags(point, condition_ids, texts)
    owner = f"point:{point.id}"
    code, caution, sources = plain(texts.code(point.code)), _caution(point), _sources(point.sources)
    meridian = plain(texts.meridian(point))
    article = inline(point.article) if point.article else ""
    photos = "".join(_img(photo, texts("Photo of the point's area")) for photo in images.photos)
    aliases = "<br>".join(filter(None, (_aliases(point, texts), sounds_like)))
    found = [
        _spec(lang.name_code, guid("name-code", point.id, space),
              {"Code": code, "Pinyin": plain(point.pinyin), "Hanzi": plain(point.hanzi),
               "Traditional": plain(point.hanzi_traditional or ""), "English": plain(point.english[0]),
               "OtherNames": plain(", ".join(point.english[1:])), "Aliases": aliases,
               "Meridian": meridian, "Article": article, "Sources": sources}, _kind(tags, "name"), owner, deck),
        _spec(lang.location, guid("location", point.id, space),
              {"Code": code, "Name": _name(point), "Location": inline(point.location),
               "Landmarks": texts("Landmarks:") + " " + plain(", ".join(point.landmarks)),
               "HowToFind": inline(point.how_to_find),
               "Diagram": _diagram(images.drawing, images.question, texts("Where the point is"))
               + (f'<div class="meridian">{plain(texts.meridian(point))}</div>' if images.tell_apart else ""),
               "DiagramLabelled": _diagram(images.drawing, images.answer, texts("{point} marked").format(
                   point=f"{point.code} {point.pinyin}")),
               "Photos": photos, "Sides": _sides(point, texts), "Caution": caution, "Sources": sources},
              _kind(tags, "location"), owner, deck),
    ]
    if point.indications:  # a landmark-only point (ST17) has no uses to learn
        found.append(_spec(lang.indication, guid("uses", point.id, space),
                           {"Key": code, "Code": code, "Name": _name(point), "Uses": inline(point.indications[0]),
                            "MoreUses": plain(", ".join(point.indications[1:])), "Complaint": "", "Others": "",
                            "Hint": apart, "Point": "", "Article": article, "Caution": caution, "Sources": sources},
                           _kind(tags, "uses"), owner, deck))
    meridian_code = "EX" if point.code.startswith("EX-") else point.code[:2]
    for category in point.categories:
        key = "/".join(filter(None, (point.id, category.kind, category.detail)))
        question, answer = texts.reverse(category, meridian_code, point.meridian)
        category_tag = f"acupressure::category::{category.kind}"
        # "BL23 · Kidney Shu: the back-shu point of which organ?" would answer itself: no English name
        english = not _words(answer) & _words(" ".join(point.english))
        found.append(_spec(
            lang.special, guid("special", key, space),
            {"Key": f"{code} {plain(category.kind)}",
             "Category": plain(texts.describe(category, meridian_code, point.meridian)),
             "Question": plain(question[0].upper() + question[1:]), "Point": _point_line(point, texts, english),
             "Role": plain(answer), "Sources": sources},
            _kind(tags | {category_tag}, "special"), owner, deck))
    return found


def _complaint_notes(condition: Condition, decks: Mapping[str, str], lang: Language) -> list[NoteSpec]:
    """One note per core point of the complaint, asked by where it is: "lower back pain: which
    point, on the ankle?". Where two core points share a region, the meridian tells them apart."""
    texts = lang.texts
    article = "<br>".join(f"{texts('Not standard:')} {_point_line(extra.point, texts)}. {inline(extra.note)}"
                          for extra in condition.article_only)
    found = []
    regions = defaultdict(int)
    for point in condition.core:
        regions[point.region] += 1
    for point in condition.core:
        hint = _where(point, texts) if regions[point.region] > 1 else texts.region(point.region)
        tags = {f"acupressure::condition::{condition.id}", f"acupressure::region::{condition.region}",
                f"acupressure::point::{point.id}"}
        found.append(_spec(
            lang.indication, guid("complaint", f"{condition.id}/{point.id}", lang.guid_namespace),
            {"Key": f"{plain(condition.name)} {plain(point.code)}", "Code": "", "Name": "", "Uses": "",
             "MoreUses": "", "Complaint": plain(texts.first_upper(condition.name)), "Others": "",
             "Hint": plain(hint), "Point": _point_line(point, texts), "Article": article,
             "Caution": _caution(point), "Sources": _sources(condition.sources)},
            _kind(tags, "complaint"), f"condition:{condition.id}", decks[point.id]))
    return found


def _measure_note(measure: Measure, pictures: tuple[MediaFile, MediaFile] | None, lang: Language) -> NoteSpec:
    """One card: the span (drawn, where a drawing shows it) → how many cun; the other way would
    have several answers, since many spans are 12 cun."""
    texts = lang.texts
    kind = texts("Bone measure (B-cun)" if measure.kind == "bone" else "Finger measure (F-cun)")
    diagram = _diagram(*pictures, texts("The span, marked on the drawing")) if pictures else ""
    return _spec(lang.measure, guid("measure", measure.id, lang.guid_namespace),
                 {"Key": plain(measure.id), "Kind": kind, "Span": plain(_capital(measure.span)),
                  "Cun": texts.cun(measure.cun), "Note": inline(measure.note or ""), "Diagram": diagram,
                  "Sources": _sources(measure.sources)},
                 (f"acupressure::measure::{measure.id}", "acupressure::kind::measure"), f"measure:{measure.id}",
                 lang.measure_deck)


def _capital(text: str) -> str:
    """The first letter upper-case, also of an English stand-in (which starts with its mark)."""
    start = 1 if text.startswith(OPEN) else 0
    return text[:start] + text[start:start + 1].upper() + text[start + 1:]


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


def _quiz_note(quiz: Quiz, numbers: Mapping[str, int], decks: Mapping[str, str], lang: Language) -> NoteSpec:
    """Anki's image occlusion: a mask over each point's tag; the learner names the masked point."""
    masks = " ".join(f"{{{{c{numbers[point.id]}::image-occlusion:rect:left={left:.4f}:"
                     f"top={top:.4f}:width={width:.4f}:height={height:.4f}:oi=1}}}}"
                     for point, (left, top, width, height) in zip(quiz.points, quiz.boxes))
    texts = lang.texts
    names = "<br>".join(_point_line(point, texts) for point in quiz.points)
    key = quiz_key(quiz)
    tags = (f"acupressure::view::{quiz.view}", f"acupressure::quiz::{key}", "acupressure::kind::region-quiz")
    return _spec(lang.region_quiz, guid("region-quiz", key, lang.guid_namespace),
                 {"Occlusion": masks, "Image": _img(quiz.picture, quiz.title),
                  "Header": texts("Region quiz: {title}. Which point?").format(title=plain(quiz.title)),
                  "Back Extra": names, "Comments": ""}, tags, f"quiz:{key}", decks[quiz.points[0].id])


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
        made = {note.guid: set(note.card_ords) for note in by_model[model]}
        for ord_, template in enumerate(model.templates):
            shown = itemgetter(*_question_fields(model, template))  # one field's text, or a tuple of them
            seen: dict[str | tuple[str, ...], NoteSpec] = {}
            for note in by_model[model]:
                if ord_ not in made[note.guid]:
                    continue  # no card for this note (e.g. a complaint note on "Point → uses")
                question = shown(note.fields)
                if question in seen:
                    first = seen[question]
                    file, line, label = owners[note.owner]
                    problems.append(Problem(
                        file, line, f"the '{template['name']}' card would ask the same question as for "
                        f"{owners[first.owner][2]}, so it has two right answers", point=label,
                        hint="make the names, location, picture or categories of the two points differ, or "
                        "(complaint cards) mark other core points"))
                else:
                    seen[question] = note
    if problems:
        raise DataError(problems)


def study_order(dataset: Dataset) -> list[Point]:
    """The seed's points first, then the points the most complaints name, then meridian by meridian."""
    first = start_points(dataset)
    named: dict[str, int] = defaultdict(int)
    for condition in dataset.conditions:
        for point in condition.points:
            named[point.id] += 1
    position = {p.id: i for i, p in enumerate(dataset.points)}
    rest = [p for p in dataset.points if p not in first]
    popular = sorted((p for p in rest if named[p.id] >= 2), key=lambda p: (-named[p.id], position[p.id]))
    return [*dict.fromkeys([*first, *popular, *rest])]


def start_points(dataset: Dataset) -> list[Point]:
    """The "Start here" subdeck's points: the seed complaint's points the source article names."""
    seed = next((c for c in dataset.conditions if c.id == START_CONDITION), None)
    if seed is None:
        return []
    named = [p for p in seed.points if any(s.key == START_SOURCE for s in p.sources)]
    return [*named, *(extra.point for extra in seed.article_only)]


def deck_order(name: str) -> list[str]:
    """Where Anki lists a deck: by name, subdeck by subdeck (and gathers new cards in that order)."""
    return [part.casefold() for part in name.split("::")]


def place(notes: list[NoteSpec], order: Sequence[Point], decks: Mapping[str, str],
          masks: Mapping[str, Mapping[str, int]]) -> list[NoteSpec]:
    """Give every card its deck and position: the order new cards arrive in.

    Anki's default ("Deck" gather order) takes the subdecks one after the other, each in position
    order, so each subdeck holds all kinds of card of its points (the start deck all kinds in its
    first days), and positions follow the deck list. A point's first cards (name → code, code →
    location, uses, category → point) come together; its second cards (the reverse directions, its
    complaint cards and its region-quiz mask) at least SIBLING_GAP cards later, so that with 20 new
    cards a day they arrive on a later day, whatever order Anki shows a day's cards in.
    """
    cards: dict[str, tuple[list, list]] = {p.id: ([], []) for p in order}
    own: dict[str, list] = defaultdict(list)  # decks of cards that belong to no point: the measures
    for index, note in enumerate(notes):
        kind = note.owner.split(":", 1)[0]
        for ord_ in note.card_ords:
            if kind == "measure":
                own[note.deck].append((index, ord_))
                continue
            if kind == "point":
                point_id, later = note.owner.split(":", 1)[1], ord_ > 0
            elif kind == "condition":
                point_id, later = next(t.rsplit("::", 1)[1] for t in note.tags
                                       if t.startswith("acupressure::point::")), True
            else:
                number = ord_ + 1
                point_id, later = next(p for p, n in masks[note.owner.split(":", 1)[1]].items() if n == number), True
            cards[point_id][later].append((index, ord_))
    placed: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    position = 0
    for deck in sorted(set(decks.values()) | set(own), key=deck_order):
        for index, ord_ in _spread([cards[p.id] for p in order if decks[p.id] == deck]) + own[deck]:
            placed[index].append((ord_, deck, position))
            position += 1
    return [note._replace(placed=tuple(sorted(placed[index]))) for index, note in enumerate(notes)]


def _spread(batches: list[tuple[list, list]]) -> list:
    """Points' (first, later) cards in blocks of at least SIBLING_GAP first and later cards each,
    sequenced F1 F2 L1 F3 L2 … Fn Ln-1 Ln: between a card and its sibling lies a whole block."""
    blocks: list[tuple[list, list]] = []
    for first, later in batches:
        if not blocks or (len(blocks[-1][0]) >= SIBLING_GAP and len(blocks[-1][1]) >= SIBLING_GAP):
            blocks.append(([], []))
        blocks[-1][0].extend(first)
        blocks[-1][1].extend(later)
    if len(blocks) > 1 and (len(blocks[-1][0]) < SIBLING_GAP or len(blocks[-1][1]) < SIBLING_GAP):
        first, later = blocks.pop()
        blocks[-1][0].extend(first)
        blocks[-1][1].extend(later)
    sequence = []
    for index, (first, _) in enumerate(blocks):
        sequence.extend(first)
        if index:
            sequence.extend(blocks[index - 1][1])
    return sequence + (blocks[-1][1] if blocks else [])


def notes(dataset: Dataset, images: dict[str, PointImages], quizzes: Sequence[Quiz] = (),
          masks: Mapping[str, Mapping[str, int]] | None = None,
          spans: Mapping[str, tuple[MediaFile, MediaFile]] | None = None, lang: Language | None = None
          ) -> list[NoteSpec]:
    """All notes of the deck, each card placed (see `place`); `masks`: the region quizzes' cloze
    numbers, from `mask_numbers`; `spans`: each drawn measure's drawing and span; in English unless
    `lang` says."""
    masks = mask_numbers(quizzes, {}) if masks is None else masks
    lang = lang or language()
    texts = lang.texts
    found: list[NoteSpec] = []
    owners: dict[str, tuple] = {}
    condition_ids: dict[str, list[str]] = defaultdict(list)
    for condition in dataset.conditions:
        for member in condition.points:
            condition_ids[member.id].append(condition.id)
    seed = {p.id for p in start_points(dataset)}
    order = study_order(dataset)
    decks = {p.id: lang.start_deck if p.id in seed else lang.meridian_deck(p) for p in order}
    apart, sounds_like = _apart(dataset, texts), _homophones(dataset, texts)
    for point in order:
        found.extend(_point_notes(point, condition_ids[point.id], images[point.id], decks[point.id], lang,
                                  apart.get(point.id, ""), sounds_like.get(point.id, "")))
        owners[f"point:{point.id}"] = (point.file, point.line, point.code)
    for condition in dataset.conditions:
        found.extend(_complaint_notes(condition, decks, lang))
        owners[f"condition:{condition.id}"] = (condition.file, condition.line, condition.name)
    for quiz in quizzes:
        found.append(_quiz_note(quiz, masks[quiz_key(quiz)], decks, lang))
        owners[f"quiz:{quiz_key(quiz)}"] = (None, None, quiz.title)
    for measure in dataset.measures:
        found.append(_measure_note(measure, (spans or {}).get(measure.id), lang))
        owners[f"measure:{measure.id}"] = (measure.file, measure.line, f"measure {measure.id}")
    _check_ambiguous(found, owners, lang.note_types)
    if not texts.english:  # the English stand-ins marked as such, now that the text is HTML
        found = [note._replace(fields=tuple(map(visible, note.fields))) for note in found]
    return place(found, order, decks, masks)
