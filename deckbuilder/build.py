"""The pipeline in one place: load → validate → media → cards → package."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import genanki

from . import atlas, cards, media, package, state, translate
from .cache import Cache
from .cards import START_CONDITION, NoteSpec, start_points
from .errors import OutputError, Problem, SelectionError
from .files import remove_leftovers, scratch_fits
from .load import load
from .media import DiagramCache, MediaFile
from .notetypes import NOTE_TYPES, Language, deck_id, description, language, measure_description, start_description
from .records import Dataset
from .select import select
from .translate import ENGLISH, Gap
from .validate import validate

DEFAULT_DATA = Path("data")
DEFAULT_MEDIA = Path("media")
DEFAULT_OUTPUT = Path("dist/acupressure.apkg")
# A deck in another language is a deck of its own: its own file, and so its own state file.
DEFAULT_OUTPUTS = {"en": DEFAULT_OUTPUT, "de": Path("dist/akupressur.apkg")}


@dataclass(frozen=True)
class Deck:
    """The checked data and every note and file the package will hold."""

    dataset: Dataset
    notes: list[NoteSpec]
    media: list[MediaFile]
    diagrams_rendered: int
    masks: dict[str, dict[str, int]]  # region quiz -> point id -> cloze number
    # what the data has and an --only selection leaves out ("point:kunlun", "condition:…", "quiz:…")
    left_out: frozenset[str] = frozenset()
    language: Language = language()
    description: str = ""
    # the measures and "Start here" subdecks' overviews, made here so that `check` sees the words they look up
    measure_description: str = ""
    start_description: str = ""
    gaps: tuple[Gap, ...] = ()        # texts a translated deck shows in English (marked)
    leftovers: tuple[Problem, ...] = ()  # translations of what the English does not have: not shown
    skipped: tuple[tuple[Path, str], ...] = ()  # editors' leftovers in points/, not read (load.leftover)

    @functools.cached_property
    def card_count(self) -> int:
        return sum(len(n.card_ords) for n in self.notes)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    state_file: Path
    counts: dict[str, int]          # points, notes, cards, images
    # None when the deck on disk was built from these very files: then nothing was read again.
    deck: Deck | None
    changes: state.Changes | None


def prepare(data_dir: Path = DEFAULT_DATA, media_dir: Path = DEFAULT_MEDIA,
            cache_dir: Path | None = None, only: str | None = None,
            masks_before: dict[str, dict[str, int]] | None = None, lang: str = "en", keep: bool = True) -> Deck:
    """Everything but writing the deck. `masks_before`: the region quizzes' cloze numbers of the
    last build, which points keep. `lang`: the deck's language (translations from
    data/translations/<lang>/). `keep=False`: the cache is read, never written (`deckbuilder check`)."""
    cache = Cache(cache_dir, whole=only is None, keep=keep)
    atlas.read_views(cache)
    files = load(Path(data_dir), cache)
    dataset = validate(files, Path(media_dir))
    texts, translation = ENGLISH, None
    if lang != "en":
        translation = translate.read(Path(data_dir), lang, cache)
        dataset = translate.translate(dataset, files, translation)
        texts = translate.texts(translation)
    closeups = media.closeups(dataset.points)  # from the whole deck: a smaller one draws the same pictures
    pictured = translate.picture_words(texts)
    diagrams = DiagramCache(cache, pictured)
    everything = _owners(dataset, masks_before or {}, diagrams)
    if only is not None:
        dataset = select(dataset, only)
    photos = functools.cache(functools.partial(media.photo, Path(media_dir)))  # points may share a photo
    images = {p.id: media.point_images(p, photos, diagrams, closeups.get(p.id, media.Closeup()))
              for p in dataset.points}
    quizzes = media.quizzes(dataset.points, diagrams, masks_before or {}, texts)
    spans = {m.id: (diagrams.base(m.diagram.view), diagrams.span(m.diagram.view, m.diagram.start, m.diagram.end))
             for m in dataset.measures if m.diagram is not None}
    cache.save()
    masks = cards.mask_numbers(quizzes, masks_before or {})
    words = language(texts)
    notes = cards.notes(dataset, images, quizzes, masks, spans, words)
    about = description(dataset, texts)
    measures_about = measure_description(texts) if dataset.measures else ""
    first = start_points(dataset)
    seed = next((c.name for c in dataset.conditions if c.id == START_CONDITION), "")
    start_about = start_description(first, seed, texts) if first else ""
    gaps = () if translation is None else (*translation.gaps, *translate.text_gaps(texts))
    leftovers = () if translation is None else tuple(translation.leftovers)
    media_files: dict[str, MediaFile] = {quiz.picture.name: quiz.picture for quiz in quizzes}
    media_files.update((item.name, item) for pair in spans.values() for item in pair)
    for found in images.values():
        for item in (found.drawing, found.question, found.answer, *found.photos):
            if item is not None:
                media_files[item.name] = item
    return Deck(dataset, notes, sorted(media_files.values(), key=lambda m: m.name), diagrams.rendered, masks,
                everything - _owners(dataset, masks_before or {}, diagrams), words, about, measures_about,
                start_about, gaps, leftovers, files.skipped)


def _owners(dataset: Dataset, masks_before: media.Masks, diagrams: DiagramCache) -> frozenset[str]:
    """What the notes of a dataset are about, in the form of `NoteSpec.owner`."""
    return frozenset({f"point:{p.id}" for p in dataset.points} | {f"condition:{c.id}" for c in dataset.conditions}
                     | {f"quiz:{key}" for key in media.quiz_keys(dataset.points, masks_before, diagrams)}
                     | {f"measure:{m.id}" for m in dataset.measures})


def build(data_dir: Path = DEFAULT_DATA, media_dir: Path = DEFAULT_MEDIA,
          output: Path = DEFAULT_OUTPUT, *, now: int | None = None, only: str | None = None,
          lang: str = "en") -> BuildResult:
    """Build the .apkg; the previous file and state stay untouched unless the whole build succeeds."""
    output = Path(output)
    target = package.target(output)  # an output that can never be written is said before any work
    scratch_fits(target, state.state_path(output))  # and so is a name too long
    remove_leftovers(target.parent)  # of a build that was killed
    state_file = state.state_path(output)
    previous = state.read(state_file)
    now = int(time.time()) if now is None else now
    # Taken before reading: a file edited during this build makes the next one read it again.
    inputs = state.inputs(Path(data_dir), Path(media_dir), only if lang == "en" else f"{lang}:{only}")
    on_disk = package.digest(output)
    held = package.contents(output) if on_disk is not None else None
    doubt = state.doubt(previous, held, on_disk, now)
    if doubt is not None:  # a state that disagrees with its deck is treated as lost
        previous = None
    if previous is not None and previous.built_from(inputs, on_disk):
        return BuildResult(output, state_file, previous.counts, None, None)
    # the quizzes' cloze numbers: from the state, or (state lost) from the deck last written
    masks_before = previous.masks if previous is not None else held.masks if held is not None else {}
    deck = prepare(Path(data_dir), Path(media_dir), output.parent / ".deckbuilder-cache", only, masks_before, lang)
    if only is not None and held is not None:
        _check_selection(output, held, deck)
    note_types = NOTE_TYPES if deck.language.texts.english else deck.language.note_types
    changes = state.changes(previous, held, on_disk, deck.dataset, deck.notes, note_types,
                            [m.name for m in deck.media], now, deck.left_out)
    if doubt is not None:
        changes = dataclasses.replace(changes, doubt=doubt)
    root, words = deck.language.root, deck.language
    used = {note.deck for note in deck.notes} | {name for note in deck.notes for _, name, _ in note.placed}
    names = [root, *sorted(used - {root})]
    said = {root: deck.description, words.measure_deck: deck.measure_description}
    if deck.start_description:
        said[words.start_deck] = deck.start_description
    decks = [genanki.Deck(deck_id(name), name, description=said.get(name, "")) for name in names]
    current = changes.state
    current.decks = hashlib.sha256(json.dumps([[d.name, d.description] for d in decks]).encode()).hexdigest()
    # an --only deck numbers only its own quizzes: the others keep theirs for the next full build
    current.masks = {**(previous.masks if previous is not None else {}), **deck.masks}
    current.inputs = inputs or ""
    if previous is not None and previous.same_deck(current, on_disk):
        current.package, current.counts = previous.package, previous.counts or _counts(deck, deck.card_count)
        if current == previous:
            return BuildResult(output, state_file, current.counts, deck, changes)
    else:
        current.package, cards = package.write(output, decks, changes.notes, changes.note_types, deck.media)
        current.counts = _counts(deck, cards)
    # Only now: a state written before its .apkg would describe a deck nobody can import.
    try:
        state.write(state_file, current)
    except OSError as exc:
        raise OutputError(f"{output} was written but {state_file} was not ({exc.strerror}); the next "
                          "build will mark every note as changed") from None
    return BuildResult(output, state_file, current.counts, deck, changes)


def checked_before(data_dir: Path = DEFAULT_DATA, media_dir: Path = DEFAULT_MEDIA,
                   output: Path = DEFAULT_OUTPUT) -> dict[str, int] | None:
    """The counts of the whole deck at `output` if it was built from these very files (the build's
    own up-to-date test): they passed every check then, so `deckbuilder check` need read nothing
    and is no slower than a build with no change (bench/README.md)."""
    output = Path(output)
    previous = state.read(state.state_path(output))
    if previous is None or previous.inputs != state.inputs(Path(data_dir), Path(media_dir), None):
        return None  # the deck is not read unless the files are the same
    return previous.counts if previous.built_from(previous.inputs, package.digest(output)) else None


def counts(deck: Deck) -> dict[str, int]:
    """What the summary lines say about a deck."""
    return _counts(deck, deck.card_count)


def _check_selection(output: Path, held: package.Contents, deck: Deck) -> None:
    """A selection must not replace a deck that holds more: its build state would lose the points
    left out, and the deck file would no longer hold them."""
    dropped = sorted(point for point in held.points if f"point:{point}" in deck.left_out)
    if not dropped:
        return
    data = {p.id for p in deck.dataset.points} | {o[len("point:"):] for o in deck.left_out if o.startswith("point:")}
    if data <= held.points:
        what = "the whole deck"
    else:
        shown = ", ".join(dropped[:3]) + (f" and {len(dropped) - 3} more" if len(dropped) > 3 else "")
        what = f"{len(dropped)} point{'s' if len(dropped) != 1 else ''} this selection leaves out ({shown})"
    raise SelectionError(f"{output} holds {what}; write the selection elsewhere with -o FILE "
                         f"(e.g. -o {output.with_name('selection.apkg')}), or build the whole deck there")


def _counts(deck: Deck, cards: int) -> dict[str, int]:
    return {"points": len(deck.dataset.points), "notes": len(deck.notes), "cards": cards, "images": len(deck.media)}
