"""Write the .apkg: honest modification times, and atomically, so a failed build leaves the old file."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

import genanki

from .cards import NoteSpec
from .errors import OutputError
from .media import MediaFile


def _write_collection(path: Path, deck: genanki.Deck, notes: list[tuple[NoteSpec, int]],
                      models: list[tuple[genanki.Model, int]]) -> None:
    """genanki would give every note and note type the build time; ours carry the time they last changed."""
    db = sqlite3.connect(path)
    try:
        # Note and card ids come from this time: the newest note time keeps them stable.
        newest = max((mod for _, mod in notes), default=0)
        ids, cursor = itertools.count(newest * 1000), db.cursor()
        genanki.Package(deck).write_to_db(cursor, newest, ids)  # the collection, the deck, the note types
        for position, (spec, mod) in enumerate(notes):
            # `due` is the new card's position: Anki keeps it on import, so cards arrive in this order.
            note = genanki.Note(model=spec.model, fields=list(spec.fields), tags=list(spec.tags),
                                guid=spec.guid, due=position)
            note.write_to_db(cursor, mod, deck.deck_id, ids)
        (stored,) = db.execute("select models from col").fetchone()
        stored = json.loads(stored)
        for model, mod in models:
            stored[str(model.model_id)]["mod"] = mod
        db.execute("update col set models = ?", (json.dumps(stored),))
        db.commit()
    finally:
        db.close()


def write(output: Path, deck: genanki.Deck, notes: list[tuple[NoteSpec, int]],
          models: list[tuple[genanki.Model, int]], media: list[MediaFile]) -> str:
    """Write to a temporary file beside `output`, then rename it over the old one.

    Returns the SHA-256 of the file written, which the build state records.
    """
    for model, _ in models:
        deck.add_model(model)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"cannot write to {output.parent}: {exc.strerror}") from None
    try:
        # Not genanki's write_to_file: it leaves its SQLite file behind in the system temp folder.
        with tempfile.TemporaryDirectory(prefix="deckbuilder-") as folder:
            database = Path(folder) / "collection.anki2"
            _write_collection(database, deck, notes, models)
            # Every entry is dated 1980-01-01 (a ZipInfo's default), so the same deck gives the
            # same bytes and an unchanged rebuild is visible.
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:

                def put(name: str, data: bytes) -> None:
                    archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)

                put("collection.anki2", database.read_bytes())
                put("media", json.dumps({str(i): m.name for i, m in enumerate(media)}).encode())
                for i, item in enumerate(media):
                    put(str(i), item.data)
        with open(temporary, "rb") as written:
            checksum = _sha256(written)
            os.fsync(written.fileno())
        os.chmod(temporary, output.stat().st_mode & 0o777 if output.exists() else 0o644)
        os.replace(temporary, output)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return checksum


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


def newest_mod(path: Path) -> int:
    """The newest note or note type time in a package (0 if unreadable): what a collection may hold."""
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory(prefix="deckbuilder-") as folder:
            db = sqlite3.connect(archive.extract("collection.anki2", folder))
            try:
                (notes,) = db.execute("select coalesce(max(mod), 0) from notes").fetchone()
                (stored,) = db.execute("select models from col").fetchone()
            finally:
                db.close()
        return max([int(notes)] + [int(m.get("mod", 0)) for m in json.loads(stored).values()])
    except (OSError, KeyError, ValueError, AttributeError, zipfile.BadZipFile, sqlite3.Error):
        return 0
