"""What a build keeps for the next, so that it does again only what changed: the pictures it
rendered and the YAML files it read, in one SQLite file beside the deck.

Reading YAML is most of a build that renders nothing: PyYAML builds a Python object for every
value (about 5 µs each; the view files and 361 points hold 33,000). A file read before is taken
from its stored result instead, found by its text, so any edit (even of a comment) reads it
anew. Everything stored is checked or keyed by content; a cache that cannot be read or written
only costs time, and a damaged one is started again. The folder may be deleted at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path
from typing import Any, Callable

import genanki
import yaml

from .files import other_kind

FILE = "cache.sqlite"
SCHEMA = 1  # PRAGMA user_version: a cache of another layout is started again
TABLES = ("drop table if exists pictures; drop table if exists parsed;"
          "create table pictures (key text primary key, name text, data blob);"
          "create table parsed (key text primary key, value text);"
          f"pragma user_version = {SCHEMA}")


class Cache:
    """The build's cache in `folder` (None: a cache that keeps nothing). `whole`: the build makes
    every picture of the deck (no --only), so the pictures it did not use are dropped when it
    saves. `keep=False`: read what is there and write nothing (`deckbuilder check`)."""

    def __init__(self, folder: Path | None, whole: bool = True, keep: bool = True):
        self._folder, self._whole, self._keep = folder, whole, keep
        self._db: sqlite3.Connection | None = None
        self._pictures: list[tuple[str, str, bytes]] = []
        self._parsed: list[tuple[str, str]] = []
        self._read: set[str] = set()  # the files this build read: the others' entries are dropped
        self._used: set[str] = set()  # the pictures this build used
        try:
            if folder is not None and (folder / FILE).is_file():  # made by `save`: a failed build leaves no folder
                self._db = sqlite3.connect(folder / FILE)
                if self._db.execute("pragma user_version").fetchone()[0] != SCHEMA:
                    self._close()
        except (OSError, sqlite3.Error):  # a folder that cannot be searched, a damaged file
            self._close()

    def picture(self, key: str) -> tuple[str, bytes] | None:
        """A rendered picture's name and content, as `keep_picture` stored them."""
        self._used.add(key)
        found = self._get("select name, data from pictures where key = ?", key)
        return (found[0], found[1]) if found is not None and isinstance(found[1], bytes) else None

    def keep_picture(self, key: str, name: str, data: bytes) -> None:
        self._pictures.append((key, name, data))

    def parsed(self, kind: str, text: str, parse: Callable[[str], Any],
               encode: Callable[[Any], str] | None = None, decode: Callable[[str], Any] = json.loads) -> Any:
        """`parse(text)`, or what it gave for the same text before (with the same deckbuilder).
        `encode` raises TypeError for a value it cannot store exactly: then it is not stored.
        By default plain JSON, checked to give the value back (JSON makes a number key text)."""
        key = hashlib.sha256(f"{kind}\0{code_version()}\0{text}".encode()).hexdigest()
        self._read.add(key)
        found = self._get("select value from parsed where key = ?", key)
        if found is not None:
            try:
                return decode(found[0])
            except (ValueError, TypeError, KeyError, IndexError):
                pass  # damaged: read the text again
        value = parse(text)
        if self._folder is not None and self._keep:  # `check` writes nothing: no need to encode it
            try:
                self._parsed.append((key, (encode or _exact_json)(value)))
            except (TypeError, ValueError):
                pass
        return value

    def save(self) -> None:
        """Keep what this build rendered and read, for the next (in one transaction). A file's
        earlier versions are dropped (each is as big as the file), and so are the pictures a
        whole deck no longer uses: a new release or a changed view draws them all anew, and the
        old ones would stay for ever."""
        if self._folder is not None and self._keep and (self._pictures or self._parsed):
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                for old in self._folder.glob("*.acupressure-*.svg"):  # a file a picture, as earlier builds kept them
                    old.unlink()
                if self._db is None:
                    self._db = self._writable(self._folder / FILE)
                with self._db:
                    self._db.executemany("insert or replace into pictures values (?, ?, ?)", self._pictures)
                    self._db.executemany("insert or replace into parsed values (?, ?)", self._parsed)
                    kept = ",".join("?" * len(self._read))
                    self._db.execute(f"delete from parsed where key not in ({kept})", tuple(self._read))  # noqa: S608
                    if self._whole:
                        used = ",".join("?" * len(self._used))
                        self._db.execute(f"delete from pictures where key not in ({used})",  # noqa: S608
                                         tuple(self._used))
            except (OSError, sqlite3.Error):  # a full disk, a read-only folder, a damaged file
                pass
        self._pictures, self._parsed = [], []
        self._close()

    @staticmethod
    def _writable(path: Path) -> sqlite3.Connection:
        """The cache file, started again if it is of another layout or not a database at all (a
        pipe or a device in its place is removed: SQLite would wait on it or read it for ever)."""
        if other_kind(path):
            path.unlink()
        db = sqlite3.connect(path)
        try:
            if db.execute("pragma user_version").fetchone()[0] == SCHEMA:
                return db
        except sqlite3.DatabaseError:  # damaged: it is ours, so it is replaced
            db.close()
            path.unlink()
            db = sqlite3.connect(path)
        db.executescript(TABLES)
        return db

    def _get(self, query: str, key: str) -> tuple | None:
        if self._db is None:
            return None
        try:
            return self._db.execute(query, (key,)).fetchone()
        except sqlite3.Error:  # unreadable or damaged: do everything, keep nothing
            self._close()
            return None

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None


def _exact_json(value: Any) -> str:
    stored = json.dumps(value)
    if json.loads(stored) != value:
        raise TypeError("JSON would not give this value back")
    return stored


@functools.cache
def code_version() -> str:
    """deckbuilder's own files (code, views, style), genanki's and PyYAML's versions (with
    libyaml or not: they refuse different mistakes) and Python's: a new release of any may build
    another deck from the same data, or find a mistake in it."""
    versions = f"{genanki.__version__} {yaml.__version__} {yaml.__with_libyaml__} {sys.version_info[:2]}"
    return hashlib.sha256(versions.encode() + files_digest(Path(__file__).parent, (".py", ".yaml", ".css"))
                          ).hexdigest()


def files_digest(root: Path, suffixes: tuple[str, ...] | None = None) -> bytes:
    """The SHA-256 of every file under `root` (of those suffixes), with its relative name.

    Links are followed, as the build follows them (points/ may be a link to a folder kept
    elsewhere), and where a link points counts too (a picture turned into a link out of media/ is
    refused, though its bytes are the same); a link to nowhere counts by its name. ValueError for
    a pipe or a device (reading would never end) and for a folder that contains itself."""
    found = hashlib.sha256()

    def walk(folder: Path, relative: str, above: frozenset[tuple[int, int]]) -> None:
        info = folder.stat()
        here = (info.st_dev, info.st_ino)
        if here in above:
            raise ValueError(f"{folder} contains itself")
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            name = relative + entry.name
            if entry.is_symlink():
                found.update(f"{name}\0->{os.readlink(entry.path)}\0".encode())
            if entry.is_dir():  # an empty folder counts too: points/x.yaml as a folder is a mistake
                found.update(f"{name}/\0".encode())
                walk(Path(entry.path), name + "/", above | {here})
            elif suffixes is None or entry.name.endswith(suffixes):
                found.update(f"{name}\0".encode())
                try:
                    mode = os.stat(entry.path).st_mode
                except FileNotFoundError:  # a link to nowhere
                    continue
                if not stat.S_ISREG(mode):
                    raise ValueError(f"{entry.path} is not a regular file")
                found.update(hashlib.sha256(Path(entry.path).read_bytes()).digest())

    walk(root, "", frozenset())
    return found.digest()
