"""The pipeline in one place: load → validate → media → cards → package."""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path

import genanki

from . import cards, media, package, state
from .cards import NoteSpec
from .errors import DataError, OutputError
from .load import DataFiles, load, with_lines
from .media import DiagramCache, MediaFile
from .notetypes import DECK_ID, DECK_NAME, NOTE_TYPES
from .records import Dataset
from .validate import validate

DEFAULT_DATA = Path("data")
DEFAULT_MEDIA = Path("media")
DEFAULT_OUTPUT = Path("dist/acupressure.apkg")


@dataclass(frozen=True)
class Deck:
    """The checked data and every note and file the package will hold."""

    dataset: Dataset
    notes: list[NoteSpec]
    media: list[MediaFile]
    diagrams_rendered: int

    @functools.cached_property
    def card_count(self) -> int:
        return sum(len(n.card_ords) for n in self.notes)


@dataclass(frozen=True)
class BuildResult:
    deck: Deck
    output: Path
    changed_points: tuple[tuple[str, str], ...]      # (stable id, code) of points whose notes changed
    removed_points: tuple[tuple[str, str], ...]      # (stable id, last code)
    removed_conditions: tuple[tuple[str, str], ...]  # (stable id, last name)
    note_types_changed: tuple[str, ...]  # names of note types whose templates, style or fields changed
    schema_changed: tuple[str, ...]  # those whose fields or card types changed: Anki must merge them
    notes_changed: int
    first_build: bool
    state_recovered: bool  # the state did not describe the old .apkg, so every note counts as changed
    state_file: Path


def description(dataset: Dataset) -> str:
    """The text Anki shows on the deck's overview screen."""
    sources = "".join(f"<li>{escape(s.citation())}</li>" for s in dataset.sources)
    return (
        f"<p>{len(dataset.points)} acupressure points: their names and codes, where they are, and "
        "what they are used for. Codes follow the WHO 2008 standard; older codes (such as the "
        "pre-standard bladder-line numbers) are shown as aliases, with their numbering.</p>"
        "<p>New cards come point by point: name and code first, then location, then uses; "
        "the complaint cards come last.</p>"
        "<p><b>Information, not medical advice.</b> Press gently and stop if it hurts; see a "
        "doctor for pain that is severe, lasting or unexplained. Some points are traditionally "
        "avoided during pregnancy: every card shows its point's cautions.</p>"
        f"<p>Facts from (in the deck's own words):</p><ul>{sources}</ul>"
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A build makes millions of objects that live until it ends, and next to no reference cycles.

    Python's cycle collector would scan them all again and again as they pile up (a fifth of the
    time of a 10,000-point build) to find nothing; what there is, it collects after the build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def prepare(data_dir: Path = DEFAULT_DATA, media_dir: Path = DEFAULT_MEDIA,
            cache_dir: Path | None = None) -> Deck:
    """Everything but writing: what `deckbuilder check` runs."""
    files = load(data_dir)
    try:
        return _prepare(files, media_dir, cache_dir)
    except DataError:
        # The first pass reads no line numbers (they cost as much as the rest of the reading);
        # the same values again, with lines, so that every problem says where it is.
        return _prepare(with_lines(files), media_dir, cache_dir)


def _prepare(data: DataFiles, media_dir: Path, cache_dir: Path | None) -> Deck:
    dataset = validate(data, media_dir)
    cache = DiagramCache(cache_dir)
    photos = functools.cache(functools.partial(media.photo, media_dir))
    images = {p.id: media.point_images(p, photos, cache) for p in dataset.points}
    notes = cards.notes(dataset, images)
    files: dict[str, MediaFile] = {}
    for found in images.values():
        for item in (found.drawing, found.question, found.answer, *found.photos):
            if item is not None:
                files[item.name] = item
    return Deck(dataset, notes, sorted(files.values(), key=lambda m: m.name), cache.rendered)


def _note_type_hash(model: genanki.Model) -> str:
    """Everything Anki stores for the note type (genanki's to_json normalises, so this is stable)."""
    payload = json.dumps(model.to_json(0, DECK_ID), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _anki_schema(model: genanki.Model) -> str:
    """What Anki compares to decide whether an imported note type can update the existing one."""
    return json.dumps([[f["name"] for f in model.fields], [t["name"] for t in model.templates]],
                      ensure_ascii=False)


def _previous_state(state_file: Path, output: Path, now: int) -> tuple[state.State | None, int, bool]:
    """The last build's state, the time for changed notes, and whether the state had to be distrusted.

    If the .apkg on disk is not the one the state describes (a build stopped between writing the
    two, or the state file was lost), a collection may hold any note of that .apkg: every note
    then gets a time newer than all of them, so the next import brings everything up to date.
    """
    previous = state.read(state_file)
    on_disk = package.digest(output)
    if on_disk is None or (previous is not None and previous.package == on_disk):
        return previous, now, False
    known = previous or state.State()
    floor = max(package.newest_mod(output), known.newest) + 1
    return (state.State(schemas=known.schemas, points=known.points, conditions=known.conditions),
            max(now, floor), True)


@_collector_paused()
def build(data_dir: Path = DEFAULT_DATA, media_dir: Path = DEFAULT_MEDIA,
          output: Path = DEFAULT_OUTPUT, *, now: int | None = None) -> BuildResult:
    """Build the .apkg; the previous file and state stay untouched unless the whole build succeeds."""
    output = Path(output)
    deck = prepare(Path(data_dir), Path(media_dir), output.parent / ".deckbuilder-cache")
    state_file = state.state_path(output)
    previous, now, recovered = _previous_state(state_file, output, int(time.time()) if now is None else now)
    first_build = previous is None
    previous = previous or state.State()

    current = state.State()
    stamped: list[tuple[NoteSpec, int]] = []
    changed_owners: set[str] = set()
    notes_changed = 0
    for spec in deck.notes:
        stamp = state.stamp(previous.notes, spec.guid, spec.content_hash, now)
        if spec.guid not in previous.notes or previous.notes[spec.guid].mod != stamp.mod:
            changed_owners.add(spec.owner)
            notes_changed += 1
        current.notes[spec.guid] = stamp
        stamped.append((spec, stamp.mod))
    models: list[tuple[genanki.Model, int]] = []
    note_types_changed, schema_changed = [], []
    for model in NOTE_TYPES:
        key = str(model.model_id)
        stamp = state.stamp(previous.note_types, key, _note_type_hash(model), now)
        if key in previous.note_types and previous.note_types[key].mod != stamp.mod:
            note_types_changed.append(model.name)
        current.note_types[key] = stamp
        current.schemas[key] = _anki_schema(model)
        if key in previous.schemas and previous.schemas[key] != current.schemas[key]:
            schema_changed.append(model.name)
        models.append((model, stamp.mod))
    current.points = {p.id: p.code for p in deck.dataset.points}
    current.conditions = {c.id: c.name for c in deck.dataset.conditions}

    anki_deck = genanki.Deck(DECK_ID, DECK_NAME, description=description(deck.dataset))
    current.package = package.write(output, anki_deck, stamped, models, deck.media)
    # Only now: a state written before its .apkg would describe a deck nobody can import.
    try:
        state.write(state_file, current)
    except OSError as exc:
        raise OutputError(f"{output} was written but {state_file} was not ({exc.strerror}); the next "
                          "build will mark every note as changed") from None

    def gone(before: dict[str, str], after: dict[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((key, value) for key, value in before.items() if key not in after))

    changed = tuple(sorted((p.id, p.code) for p in deck.dataset.points if f"point:{p.id}" in changed_owners))
    return BuildResult(deck, output, changed, gone(previous.points, current.points),
                       gone(previous.conditions, current.conditions), tuple(note_types_changed),
                       tuple(schema_changed), notes_changed, first_build, recovered, state_file)
