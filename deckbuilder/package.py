"""Write the .apkg: honest modification times, and atomically, so a failed build leaves the old file."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import genanki

from .cards import NoteSpec
from .errors import OutputError
from .files import scratch
from .media import MediaFile
from .notetypes import ANKI_EXTRAS


def _write_collection(path: Path, decks: list[genanki.Deck], notes: list[tuple[NoteSpec, int]],
                      models: list[tuple[genanki.Model, int]]) -> int:
    """genanki would give every note and note type the build time; ours carry the time they last
    changed. Returns the number of cards genanki made."""
    db = sqlite3.connect(path)
    try:
        # Note and card ids come from this time: the newest note time keeps them stable.
        newest = max((mod for _, mod in notes), default=0)
        ids, cursor = itertools.count(newest * 1000), db.cursor()
        genanki.Package(decks).write_to_db(cursor, newest, ids)  # the collection, the decks, the note types
        by_name = {deck.name: deck.deck_id for deck in decks}
        for spec, mod in notes:
            note = genanki.Note(model=spec.model, fields=list(spec.fields), tags=list(spec.tags), guid=spec.guid)
            note.write_to_db(cursor, mod, by_name[spec.deck], ids)
        # Each card's deck and position (`due`): Anki keeps both on import, so new cards arrive in
        # this order. genanki gives every card of a note the note's deck and one position.
        note_ids = dict(db.execute("select guid, id from notes"))
        cursor.executemany("update cards set did = ?, due = ? where nid = ? and ord = ?",
                           [(by_name[deck], due, note_ids[spec.guid], ord_)
                            for spec, _ in notes for ord_, deck, due in spec.placed])
        (stored,) = db.execute("select models from col").fetchone()
        stored = json.loads(stored)
        for model, mod in models:
            stored[str(model.model_id)]["mod"] = mod
            stored[str(model.model_id)].update(ANKI_EXTRAS.get(model.model_id, {}))
            if model.model_id in ANKI_EXTRAS:  # Anki's stock fields carry their index as a tag
                for index, field in enumerate(stored[str(model.model_id)]["flds"]):
                    field.update(tag=index, preventDeletion=index < 4)
        db.execute("update col set models = ?", (json.dumps(stored),))
        db.commit()
        (cards,) = db.execute("select count() from cards").fetchone()
    finally:
        db.close()
    return cards


def target(output: Path) -> Path:
    """The file the deck goes to: `output`, or the file it links to; it must be a regular .apkg
    file or a new one, so that a build never replaces a device, a pipe or a folder."""
    real = Path(os.path.realpath(output)) if output.is_symlink() else output
    problem = _output_problem(output) or _output_problem(real)  # the name given first: -o /dev/stdout
    if problem:
        raise OutputError(problem)
    return real


def _output_problem(output: Path) -> str | None:
    if output.name in ("", ".", ".."):
        return f"the output '{output}' is a folder; give a file name, e.g. dist/acupressure.apkg"
    if output.suffix.lower() != ".apkg":
        return f"the output '{output}' does not end in .apkg; Anki imports decks from .apkg files"
    if output.is_dir():
        return f"the output '{output}' is a folder; give a file name, e.g. {output / 'acupressure.apkg'}"
    if output.exists() and not output.is_file():
        return (f"the output '{output}' is not a regular file (a device, a pipe or a socket); deckbuilder "
                "only replaces a deck it can rewrite, so give another name")
    return None


def write(output: Path, decks: list[genanki.Deck], notes: list[tuple[NoteSpec, int]],
          models: list[tuple[genanki.Model, int]], media: list[MediaFile]) -> tuple[str, int]:
    """Write to a scratch file beside `output`, then rename it over the old one.

    An output that is a link is written through: the file it points to gets the new deck and the
    link stays. Returns the SHA-256 of the file written, which the build state records, and the
    number of cards in it.
    """
    for model, _ in models:
        decks[0].add_model(model)
    output = target(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        temporary, database = scratch(output), scratch(output)
    except OSError as exc:
        raise OutputError(f"cannot write to {output.parent}: {exc.strerror}") from None
    try:
        # Not genanki's write_to_file: it leaves its SQLite file behind in the system temp folder.
        cards = _write_collection(database, decks, notes, models)
        # Every entry is dated 1980-01-01 (a ZipInfo's default), so the same deck gives the
        # same bytes. The collection is compressed; pictures are stored as they are, as Anki's
        # own exporter does (most are small, and deflating them costs more than it saves).
        with zipfile.ZipFile(temporary, "w") as archive:
            archive.writestr(zipfile.ZipInfo("collection.anki2"), database.read_bytes(),
                             compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(zipfile.ZipInfo("media"), json.dumps({str(i): m.name for i, m in enumerate(media)}))
            for i, item in enumerate(media):
                archive.writestr(zipfile.ZipInfo(str(i)), item.data)
        with open(temporary, "rb") as written:
            checksum = _sha256(written)
            os.fsync(written.fileno())
        os.chmod(temporary, output.stat().st_mode & 0o777 if output.exists() else 0o644)
        os.replace(temporary, output)
    except (OSError, sqlite3.Error) as exc:  # SQLite says "database or disk is full" in its own words
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OutputError(f"cannot write {output}: {reason}") from None
    finally:
        for path in (temporary, database):
            with contextlib.suppress(OSError):
                path.unlink()
    return checksum, cards


def _sha256(handle: BinaryIO) -> str:
    found = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        found.update(chunk)
    return found.hexdigest()


def digest(path: Path) -> str | None:
    """The SHA-256 of a file, or None if there is none to read."""
    try:
        with open(path, "rb") as handle:
            return _sha256(handle)
    except OSError:
        return None


CLOZE = re.compile(r"\{\{c(\d+)::image-occlusion")


@dataclass(frozen=True)
class Contents:
    """What a package holds, as far as the build state describes it."""

    notes: dict[str, int]        # GUID -> modification time
    note_types: dict[str, int]   # note type id -> modification time
    cards: int
    images: int
    points: frozenset[str]       # the stable ids of the points it teaches (those of its name notes)
    masks: dict[str, dict[str, int]]  # region quiz -> point code -> cloze number, e.g. {"back-bl": {"BL23": 23}}

    @property
    def newest(self) -> int:
        """The newest note or note type time: what a collection that imported it may hold."""
        return max((*self.notes.values(), *self.note_types.values()), default=0)


def contents(path: Path) -> Contents | None:
    """What the package at `path` holds; None if there is none or it cannot be read."""
    database = None
    try:
        database = scratch(path)
        with zipfile.ZipFile(path) as archive:
            database.write_bytes(archive.read("collection.anki2"))
            images = len(json.loads(archive.read("media")))
        db = sqlite3.connect(database)
        try:
            notes = db.execute("select guid, mod, tags from notes").fetchall()
            quizzes = db.execute("select tags, flds from notes where tags like '%acupressure::quiz::%'").fetchall()
            (cards,) = db.execute("select count() from cards").fetchone()
            (models,) = db.execute("select models from col").fetchone()
        finally:
            db.close()
        return Contents({guid: int(mod) for guid, mod, _ in notes},
                        {str(key): int(model.get("mod", 0)) for key, model in json.loads(models).items()},
                        int(cards), images, frozenset(_points(notes)), _masks(quizzes))
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error, ValueError, TypeError, AttributeError):
        return None
    finally:
        if database is not None:
            with contextlib.suppress(OSError):
                database.unlink()


def _points(notes: list[tuple]) -> set[str]:
    found = set()
    for _, _, tags in notes:
        words = tags.split()
        if "acupressure::kind::name" in words:
            found.update(w.removeprefix("acupressure::point::") for w in words if w.startswith("acupressure::point::"))
    return found


def _masks(quizzes: list[tuple]) -> dict[str, dict[str, int]]:
    """The region quizzes' cloze numbers by point code: what a collection holds when the state
    file that kept them is lost."""
    masks: dict[str, dict[str, int]] = {}
    for tags, fields in quizzes:
        key = re.search(r"acupressure::quiz::(\S+)", tags)
        parts = fields.split("\x1f")
        numbers = [int(n) for n in CLOZE.findall(parts[0])]
        # the code is the first word: a deck in another language adds its own, "<b>HT7 (He 7)</b>"
        codes = re.findall(r"<b>([^<\s]+)[^<]*</b>", parts[3]) if len(parts) > 3 else []
        if key and len(codes) == len(numbers):
            masks[key.group(1)] = dict(zip(codes, numbers))
    return masks
