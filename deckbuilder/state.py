"""What the last build wrote, so that modification times tell Anki the truth.

Anki updates an existing note on import only if the imported note's modification time is
newer than its own, and keeps the imported time. So a note keeps the time of the build that
last changed its content: an unchanged rebuild imports as "nothing to update", and an edited
note always carries a newer time than the version the user already has.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

# 2: a note's hash is taken over the text Anki stores, not over a JSON list. A state file of
# another format is not trusted (see build._previous_state): every note gets a newer time, once.
FORMAT = 2


class Stamp(NamedTuple):
    """Stored as a [hash, mod] pair: the state of a big deck is read and written on every build."""

    hash: str
    mod: int


@dataclass
class State:
    notes: dict[str, Stamp] = field(default_factory=dict)        # GUID -> stamp
    note_types: dict[str, Stamp] = field(default_factory=dict)   # note type id -> stamp
    schemas: dict[str, str] = field(default_factory=dict)        # note type id -> what Anki compares
    points: dict[str, str] = field(default_factory=dict)         # stable id -> code
    conditions: dict[str, str] = field(default_factory=dict)     # stable id -> name
    package: str = ""  # SHA-256 of the .apkg this state describes

    @property
    def newest(self) -> int:
        return max((s.mod for s in (*self.notes.values(), *self.note_types.values())), default=0)


def state_path(output: Path) -> Path:
    return output.with_name(output.stem + ".state.json")


def read(path: Path) -> State | None:
    """None if missing or unreadable: then nothing is known about what was built before."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return None
        found = State(
            notes=_stamps(raw["notes"]),
            note_types=_stamps(raw["note_types"]),
            schemas=dict(raw["schemas"]),
            points=dict(raw["points"]),
            conditions=dict(raw["conditions"]),
            package=str(raw["package"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return found


def _stamps(stored: dict) -> dict[str, Stamp]:
    """Stamps as stored: a hand-edited one that is not a [text, whole number] pair makes the file unreadable."""
    stamps = {key: Stamp._make(pair) for key, pair in stored.items()}
    if not all(type(h) is str and type(m) is int for h, m in stamps.values()):  # bool is not int here
        raise ValueError("not a stamp")
    return stamps


def write(path: Path, state: State) -> None:
    payload = {
        "format": FORMAT,
        "package": state.package,
        "notes": dict(sorted(state.notes.items())),
        "note_types": dict(sorted(state.note_types.items())),
        "schemas": dict(sorted(state.schemas.items())),
        "points": dict(sorted(state.points.items())),
        "conditions": dict(sorted(state.conditions.items())),
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # json.dumps, not json.dump: only a whole-string encode uses the C encoder (3x faster).
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def stamp(previous: dict[str, Stamp], key: str, content_hash: str, now: int) -> Stamp:
    """Keep the old time for unchanged content; otherwise a time newer than any before it."""
    old = previous.get(key)
    if old is not None and old.hash == content_hash:
        return old
    return Stamp(content_hash, max(now, old.mod + 1) if old else now)
