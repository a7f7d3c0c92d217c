"""What the last build wrote, so that modification times tell Anki the truth.

Anki updates an existing note on import only if the imported note's modification time is
newer than its own, and keeps the imported time. So a note keeps the time of the build that
last changed its content: an unchanged rebuild imports as "nothing to update", and an edited
note always carries a newer time than the version the user already has.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import genanki

from . import package
from .cache import code_version, files_digest
from .cards import NoteSpec
from .files import read_text, scratch
from .notetypes import DECK_ID
from .records import Dataset

# 2: a note's hash is taken over the text Anki stores, not over a JSON list. A state file of
# another format is not trusted (see _previous): every note gets a newer time, once.
FORMAT = 3  # 3 adds each note's search; a format-2 file is read, and its notes have none
# Format 2 kept schemas by note type id, and the ids were fixed then.
_FORMAT_2_NAMES = {"1095279300": "Acupressure: name ↔ code", "1417354982": "Acupressure: code ↔ location",
                   "1157813920": "Acupressure: point ↔ indication"}
MAX_TIME = 2**40  # seconds: far beyond any real clock, far below 2**63
# How far a note time may lie ahead of the clock: builds in quick succession give each change a
# time one second newer than the last, so a burst of them runs a little ahead; an hour never is.
AHEAD = 3600


class Stamp(NamedTuple):
    """Stored as a [hash, mod] pair."""

    hash: str
    mod: int


@dataclass
class State:
    notes: dict[str, Stamp] = field(default_factory=dict)        # GUID -> stamp
    note_types: dict[str, Stamp] = field(default_factory=dict)   # note type id -> stamp
    schemas: dict[str, str] = field(default_factory=dict)        # note type name -> its fields and card types
    points: dict[str, str] = field(default_factory=dict)         # stable id -> code
    conditions: dict[str, str] = field(default_factory=dict)     # stable id -> name
    searches: dict[str, str] = field(default_factory=dict)       # GUID -> a search that finds that note
    media: list[str] = field(default_factory=list)               # the names of the pictures packaged
    masks: dict[str, dict[str, int]] = field(default_factory=dict)  # region quiz -> point id -> cloze number
    decks: str = ""    # SHA-256 of the decks' names and description
    package: str = ""  # SHA-256 of the .apkg this state describes
    inputs: str = ""   # SHA-256 of all that shaped it (see `inputs`)
    counts: dict[str, int] = field(default_factory=dict)  # points, notes, cards, images: said again when up to date

    @property
    def newest(self) -> int:
        return max((s.mod for s in (*self.notes.values(), *self.note_types.values())), default=0)

    def built_from(self, inputs: str | None, on_disk: str | None) -> bool:
        """Whether the deck on disk (its SHA-256) is the one this state describes, built from
        these very inputs: then there is nothing to read again."""
        return inputs is not None and inputs == self.inputs and bool(self.counts) and on_disk == self.package

    def same_deck(self, current: State, on_disk: str | None) -> bool:
        """Whether `current` describes the deck this state describes, which is on disk: then
        there is nothing to write but the state (the inputs changed, e.g. a comment)."""
        return on_disk == self.package and replace(
            current, package=self.package, inputs=self.inputs, counts=self.counts) == self


def state_path(output: Path) -> Path:
    return output.with_name(output.stem + ".state.json")


def deletions_path(output: Path) -> Path:
    """Beside the state: the searches too long for a screen, one a line, to copy into Anki's browser."""
    return output.with_name(output.stem + ".delete.txt")


def write_deletions(path: Path, text: str) -> None:
    """Replaced whole, never left half-written; removed when there is no text, since an older build's
    search may find notes that the deck builds again (a point back in a complaint's core)."""
    if not text:
        if path.is_file():
            path.unlink()
        return
    temporary = scratch(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def read(path: Path) -> State | None:
    """None if missing or unreadable: then nothing is known about what was built before."""
    try:
        raw = json.loads(read_text(path, "deckbuilder keeps the state of the last build there; remove it "
                                   "(the next build then marks every note as changed)"))
        if raw.get("format") not in (2, FORMAT):
            return None
        found = State(
            notes=_stamps(raw["notes"]),
            note_types=_stamps(raw["note_types"]),
            schemas={_FORMAT_2_NAMES.get(k, k): v for k, v in raw["schemas"].items()},
            points=dict(raw["points"]),
            conditions=dict(raw["conditions"]),
            package=str(raw["package"]),
            decks=str(raw.get("decks", "")),
            searches={str(k): str(v) for k, v in raw.get("searches", {}).items()},
            media=[str(name) for name in raw.get("media", [])],
            masks=_masks(raw.get("masks", {})),
            inputs=str(raw.get("inputs", "")),
            counts=_counts(raw.get("counts", {})),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return found


def _stamps(stored: dict) -> dict[str, Stamp]:
    """Stamps as stored: a hand-edited one that is not a [text, whole number] pair makes the file unreadable."""
    stamps = {key: Stamp._make(pair) for key, pair in stored.items()}
    # bool is not int here; a time must fit Anki's (and SQLite's) 64-bit integers with room to grow
    if not all(type(h) is str and type(m) is int and 0 <= m < MAX_TIME for h, m in stamps.values()):
        raise ValueError("not a stamp")
    return stamps


COUNTED = ("points", "notes", "cards", "images")


def _counts(stored: dict) -> dict[str, int]:
    """The counts as stored, or none (then the next build reads everything and counts again)."""
    if sorted(stored) != sorted(COUNTED) or not all(type(v) is int and v >= 0 for v in stored.values()):
        return {}
    return dict(stored)


def _masks(stored: dict) -> dict[str, dict[str, int]]:
    masks = {str(quiz): {str(point): number for point, number in numbers.items()} for quiz, numbers in stored.items()}
    if not all(type(n) is int and 0 < n < 1000 for numbers in masks.values() for n in numbers.values()):
        raise ValueError("not a cloze number")
    return masks


def write(path: Path, state: State) -> None:
    payload = {
        "format": FORMAT,
        "package": state.package,
        "decks": state.decks,
        "notes": dict(sorted(state.notes.items())),
        "note_types": dict(sorted(state.note_types.items())),
        "schemas": dict(sorted(state.schemas.items())),
        "points": dict(sorted(state.points.items())),
        "conditions": dict(sorted(state.conditions.items())),
        "searches": dict(sorted(state.searches.items())),
        "media": sorted(state.media),
        "masks": {quiz: dict(sorted(numbers.items())) for quiz, numbers in sorted(state.masks.items())},
        "inputs": state.inputs,
        "counts": state.counts,
    }
    temporary = scratch(path)
    try:
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def inputs(data_dir: Path, media_dir: Path, only: str | None) -> str | None:
    """A digest of all that shapes the deck: the data and media files (names and contents), the
    option, and the code that builds it. None if a file cannot be read: then the build reads
    everything, and says what is wrong."""
    try:
        found = hashlib.sha256(json.dumps([only, code_version()]).encode())
        for label, root in (("data", Path(data_dir)), ("media", Path(media_dir))):  # wherever they are
            found.update(f"\0{label}\0".encode())
            if root.is_dir():  # no media folder: a deck without pictures of its own
                found.update(files_digest(root))
    except (OSError, ValueError):
        return None
    return found.hexdigest()


def stamp(previous: dict[str, Stamp], key: str, content_hash: str, now: int) -> Stamp:
    """Keep the old time for unchanged content; otherwise a time newer than any before it."""
    old = previous.get(key)
    if old is not None and old.hash == content_hash:
        return old
    return Stamp(content_hash, max(now, old.mod + 1) if old else now)


@dataclass(frozen=True)
class Changes:
    """What this build changes for a collection that imported the last one, and the times that say so."""

    notes: list[tuple[NoteSpec, int]]            # every note with its modification time
    note_types: list[tuple[genanki.Model, int]]  # every note type with its modification time
    state: State                                 # to write once the .apkg is written
    changed_points: tuple[tuple[str, str], ...]      # (stable id, code) of points whose notes changed
    removed_points: tuple[tuple[str, str], ...]      # (stable id, last code)
    removed_conditions: tuple[tuple[str, str], ...]  # (stable id, last name)
    note_types_changed: tuple[str, ...]  # names of note types whose templates, style or fields changed
    schema_changed: tuple[str, ...]  # those whose fields or card types changed: Anki must merge them
    removed_notes: tuple[str, ...]  # searches for notes no longer built (not of a removed point or condition)
    unnamed_removed: int  # notes no longer built that an older state file kept no search for
    unused_media: int  # pictures the last build packaged and this one does not
    notes_changed: int
    first_build: bool
    recovered: bool  # the state did not describe the old .apkg, so every note counts as changed
    emptied: tuple[tuple[str, str], ...] = ()  # (point code, quiz) of quiz cards left empty
    doubt: str | None = None  # why the state was not trusted: it was treated as lost
    dropped: tuple[Dropped, ...] = ()  # removed_notes, one search per kind of note

    def removed_points_search(self) -> str:
        """One search for the notes of every removed point."""
        keys = [[f"tag:acupressure::point::{key}"] for key, _ in self.removed_points]
        return union(keys) if keys else ""

    def removed_conditions_search(self) -> str:
        """One search for the complaint notes of every removed condition."""
        keys = [["tag:acupressure::kind::complaint", f"tag:acupressure::condition::{key}"]
                for key, _ in self.removed_conditions]
        return union(keys) if keys else ""


class Dropped(NamedTuple):
    """The notes of one kind that the deck no longer builds (a new card design, a quiz picture left
    without points), and one search that finds exactly them: the user deletes them in one go."""

    kind: str  # "complaint", "region-quiz"…
    count: int
    search: str
    emptied: bool = False  # region quizzes with no point left on their picture, not a new design


def union(searches: list[list[str]]) -> str:
    """One Anki search that finds what any of `searches` (each a list of terms, all required) finds:
    the terms they share said once, the rest grouped by their first term and joined with OR, so that
    the 167 complaint notes the core-point redesign dropped take one search (7.5 kB), not 167 lines."""
    common = [term for term in searches[0] if all(term in terms for terms in searches[1:])]
    rests = [[term for term in terms if term not in common] for terms in searches]
    if any(not rest for rest in rests):  # one of them is the shared part alone: it finds all the others' notes
        return " ".join(common)
    groups: dict[str, list[list[str]]] = {}
    for rest in rests:
        groups.setdefault(rest[0], []).append(rest)
    either = [union(group) for group in groups.values()]
    if len(either) == 1:
        return " ".join([*common, either[0]])
    alternatives = " OR ".join(f"({found})" if " " in found else found for found in either)
    return " ".join([*common, f"({alternatives})"]) if common else alternatives


def _grouped(searches: list[str]) -> tuple[Dropped, ...]:
    """The searches of the notes no longer built (one per note), one Dropped per kind of note."""
    kinds: dict[tuple[str, bool], list[list[str]]] = {}
    for search in searches:
        terms = search.split()
        kind = next((t.removeprefix("tag:acupressure::kind::") for t in terms
                     if t.startswith("tag:acupressure::kind::")), "")
        emptied = any(t.startswith("tag:acupressure::quiz::") for t in terms)  # a quiz of today's design
        kinds.setdefault((kind, emptied), []).append(terms)
    return tuple(Dropped(kind, len(found), union(found), emptied) for (kind, emptied), found in sorted(kinds.items()))


def _note_type_hash(model: genanki.Model) -> str:
    """Everything Anki stores for the note type (genanki's to_json normalises, so this is stable)."""
    payload = json.dumps(model.to_json(0, DECK_ID), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _anki_schema(model: genanki.Model) -> str:
    """What Anki compares to decide whether an imported note type can update the existing one."""
    return json.dumps([[f["name"] for f in model.fields], [t["name"] for t in model.templates]],
                      ensure_ascii=False)


def doubt(previous: State | None, held: package.Contents | None, on_disk: str | None, now: int) -> str | None:
    """Why the state cannot be trusted (a hand edit, most likely), or None: its note times must not
    lie ahead, no two points may share a card of one region quiz, and what it says of the package
    it describes must be what that package holds."""
    if previous is None:
        return None
    ahead = max((s.mod for s in (*previous.notes.values(), *previous.note_types.values())), default=0)
    if ahead > now + AHEAD:
        return "it gives notes times later than now"
    for quiz, numbers in sorted(previous.masks.items()):
        if len(set(numbers.values())) != len(numbers):
            return f"it gives two points the same card of the region quiz {quiz}"
    if held is None or previous.package != on_disk:
        return None  # it does not claim to describe the package on disk: `_previous` deals with that
    if {guid: s.mod for guid, s in previous.notes.items()} != held.notes or any(
            held.note_types.get(key) != s.mod for key, s in previous.note_types.items()):
        return "its notes or their times are not those of the deck"
    if set(previous.points) != held.points:
        return "its points are not those of the deck"
    if previous.counts and previous.counts != {"points": len(held.points), "notes": len(held.notes),
                                               "cards": held.cards, "images": held.images}:
        return "its counts are not those of the deck"
    for quiz, numbers in held.masks.items():
        by_code = {previous.points.get(point): n for point, n in previous.masks.get(quiz, {}).items()}
        if any(by_code.get(code) != n for code, n in numbers.items()):
            return f"its card numbers of the region quiz {quiz} are not those of the deck"
    return None


def _previous(previous: State | None, held: package.Contents | None, on_disk: str | None,
              now: int) -> tuple[State | None, int, bool]:
    """The last build's state, the time for changed notes, and whether the state had to be distrusted.

    If the .apkg on disk (`on_disk`, its SHA-256; `held`, what it holds) is not the one the state
    describes (a build stopped between writing the two, or the state file was lost or distrusted), a
    collection may hold any note of that .apkg: every note then gets a time newer than all of them,
    so the next import brings everything up to date.
    """
    if on_disk is None or (previous is not None and previous.package == on_disk):
        return previous, now, False
    known = previous or State()
    floor = max(held.newest if held is not None else 0, known.newest) + 1
    return (State(schemas=known.schemas, points=known.points, conditions=known.conditions, masks=known.masks),
            max(now, floor), True)


def _narrowed(search: str) -> str:
    """A search recorded by an older build, made to miss today's notes: a region quiz was one per
    drawing (tagged with the view only); today's quizzes also carry a quiz tag."""
    if "tag:acupressure::kind::region-quiz" in search.split() and "tag:acupressure::quiz::" not in search:
        return "tag:acupressure::kind::region-quiz -tag:acupressure::quiz::*"  # all of them at once
    return search


def changes(previous: State | None, held: package.Contents | None, on_disk: str | None, dataset: Dataset,
            notes: list[NoteSpec], models: tuple[genanki.Model, ...], media: list[str], now: int,
            left_out: frozenset[str] = frozenset()) -> Changes:
    """Compare this build with the state of the last one (`read` from its file; None if there is
    none): each note keeps its time unless it changed. `on_disk`: the SHA-256 of the .apkg the
    build replaces, or None; `held`: what it holds. `left_out`: the owners ("point:kunlun") the
    data has and an --only selection leaves out, which are not removed."""
    previous, now, recovered = _previous(previous, held, on_disk, now)
    first_build = previous is None
    previous = previous or State()
    current = State()
    stamped: list[tuple[NoteSpec, int]] = []
    changed_owners: set[str] = set()
    notes_changed = 0
    for spec in notes:
        new = stamp(previous.notes, spec.guid, spec.content_hash, now)
        if spec.guid not in previous.notes or previous.notes[spec.guid].mod != new.mod:
            changed_owners.add(spec.owner)
            notes_changed += 1
        current.notes[spec.guid] = new
        current.searches[spec.guid] = spec.search
        stamped.append((spec, new.mod))
    stamped_models: list[tuple[genanki.Model, int]] = []
    note_types_changed, schema_changed = [], []
    for model in models:
        key = str(model.model_id)
        new = stamp(previous.note_types, key, _note_type_hash(model), now)
        if key in previous.note_types and previous.note_types[key].mod != new.mod:
            note_types_changed.append(model.name)
        current.note_types[key] = new
        current.schemas[model.name] = _anki_schema(model)
        if model.name in previous.schemas and previous.schemas[model.name] != current.schemas[model.name]:
            schema_changed.append(model.name)
        stamped_models.append((model, new.mod))
    current.points = {p.id: p.code for p in dataset.points}
    current.conditions = {c.id: c.name for c in dataset.conditions}
    current.media = sorted(media)

    def gone(before: dict[str, str], after: dict[str, str], kind: str) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((key, value) for key, value in before.items()
                            if key not in after and f"{kind}:{key}" not in left_out))

    changed = tuple(sorted((p.id, p.code) for p in dataset.points if f"point:{p.id}" in changed_owners))
    removed_points = gone(previous.points, current.points, "point")
    removed_conditions = gone(previous.conditions, current.conditions, "condition")
    # Notes of a removed point or condition are found by its tag; any other note no longer built
    # (a card design that split or replaced notes) by the search its last build recorded.
    owners = {f"tag:acupressure::point::{key}" for key, _ in removed_points}
    owners |= {f"tag:acupressure::condition::{key}" for key, _ in removed_conditions}
    dropped = [guid for guid in previous.notes if guid not in current.notes]
    searches = [_narrowed(previous.searches[g]) for g in dropped if g in previous.searches]
    told = [s for s in searches if not any(owner in s.split() for owner in owners) and not _owners(s) & left_out]
    removed_notes = tuple(sorted(set(told)))
    unnamed = sum(1 for g in dropped if g not in previous.searches) if not left_out else 0
    return Changes(stamped, stamped_models, current, changed, removed_points, removed_conditions,
                   tuple(note_types_changed), tuple(schema_changed), removed_notes, unnamed,
                   # a selection leaves pictures out that the notes it leaves out still use
                   0 if left_out else len(set(previous.media) - set(media)), notes_changed, first_build, recovered,
                   _emptied(held, notes), dropped=_grouped(told))


def _owners(search: str) -> set[str]:
    """What a recorded search names: {"point:kunlun", "condition:sciatica", "quiz:back-bl"}."""
    return {f"{kind}:{key}" for kind, key in re.findall(r"tag:acupressure::(point|condition|quiz)::(\S+)", search)}


def _emptied(held: package.Contents | None, notes: list[NoteSpec]) -> tuple[tuple[str, str], ...]:
    """(point code, quiz) of each region-quiz card the last package asked and this one leaves
    without a mask: Anki keeps such a card, empty, until Tools → Empty Cards deletes it."""
    found = []
    for spec in notes:
        quiz = spec.owner.removeprefix("quiz:")
        if held is not None and quiz != spec.owner:
            asked = set(map(int, package.CLOZE.findall(spec.fields[0])))
            found += [(code, quiz) for code, n in held.masks.get(quiz, {}).items() if n not in asked]
    return tuple(sorted(found))
