"""Shared helpers: build decks into temporary folders and import them with the real Anki backend."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from hypothesis import settings

from deckbuilder.build import prepare
from deckbuilder.load import load

# CI replays the same examples every run, so a landing never hinges on luck; locally
# Hypothesis explores new ones each time, and keeps any failure it finds in .hypothesis/ to replay
# it first next time. The example counts are sized for a run of the whole suite (the fuzz tests'
# examples each run `check` on a small data set); HYPOTHESIS_PROFILE=deep explores ten times more.
settings.register_profile("ci", derandomize=True)
settings.register_profile("deep")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def examples(count: int) -> int:
    """`count` examples in an ordinary run, ten times as many under the deep profile."""
    return count * 10 if DEEP else count

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"    # the shipped data, which grows point by point
MEDIA = ROOT / "media"
SEED = Path(__file__).resolve().parent / "seed" / "data"  # the deck's first five points, fixed


@functools.cache
def shipped_prepared():
    """The shipped deck, prepared once per test run (every file read, every picture drawn); for a
    module that needs it at collection, to parametrize. Tests only read it."""
    return prepare(DATA, MEDIA)


@pytest.fixture(scope="session")
def shipped_deck():
    return shipped_prepared()


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory):
    """The shipped deck built once per test run into a folder of its own; tests import its .apkg into
    their own collections and never write beside it."""
    from deckbuilder.build import build

    return build(DATA, MEDIA, tmp_path_factory.mktemp("shipped-build") / "dist" / "acupressure.apkg")


@functools.cache
def shipped_codes() -> list[str]:
    """The codes of the shipped points, read from the files without the build, to parametrize
    tests at collection; the tests take the points themselves from `shipped_deck`."""
    return sorted(entry["code"] for _, raw in load(DATA).points for entry in raw)


def seed_copy(folder: Path) -> Path:
    """A copy of the seed data (the five lower-back points) and the media in `folder`."""
    shutil.copytree(SEED, folder / "data")
    shutil.copytree(MEDIA, folder / "media")
    return folder


def new_collection(folder: Path) -> Collection:
    """A new, empty Anki collection, as a user who just installed Anki has."""
    (folder / "anki-profile").mkdir()
    return Collection(str(folder / "anki-profile" / "collection.anki2"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the seed data that a test may edit; tests that count notes and cards use it, so
    the shipped data can grow without changing them."""
    return seed_copy(tmp_path)


@pytest.fixture
def collection(tmp_path: Path):
    col = new_collection(tmp_path)
    yield col
    col.close()


def import_apkg(col: Collection, path: Path, *, merge_notetypes: bool = False):
    """Import with the options Anki's import dialog starts with."""
    request = ImportAnkiPackageRequest(
        package_path=str(path),
        options=ImportAnkiPackageOptions(merge_notetypes=merge_notetypes, with_scheduling=False,
                                         with_deck_configs=False),
    )
    return col.import_anki_package(request)


def package_rows(path: Path, tmp_path: Path) -> dict:
    """What the package itself holds, read straight from its SQLite file."""
    folder = tmp_path / f"unzipped-{path.stem}-{len(list(tmp_path.iterdir()))}"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    db = sqlite3.connect(folder / "collection.anki2")
    try:
        notes = sorted(db.execute("select guid, mid, flds, tags from notes"))
        models, decks = db.execute("select models, decks from col").fetchone()
        return {"notes": notes, "models": models, "decks": decks,
                "media": (folder / "media").read_text()}
    finally:
        db.close()
