"""The library's own exceptions: it never prints or exits, the CLI maps these to messages."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

_UNSEEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp", "Zs"}  # controls, format marks, unassigned, halves, spaces


def shown(text: str) -> str:
    """The text with every character a reader cannot see written as an escape, e.g. BL\\u200b60."""
    return "".join(ch if ch in " \n" or unicodedata.category(ch) not in _UNSEEN
                   else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}" for ch in text)


@dataclass(frozen=True)
class Problem:
    """One mistake in the data, located so that a person can go and fix it.

    `point` labels a point ("BL60 (kunlun)"); `entry` labels anything else ("condition sciatica").
    """

    file: Path | None
    line: int | None
    message: str
    point: str | None = None
    field: str | None = None
    hint: str | None = None
    entry: str | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
            if self.line is not None:
                where.append(f"line {self.line}")
                if self.column is not None:
                    where.append(f"column {self.column}")
        if self.point:
            where.append(f"point {self.point}")
        elif self.entry:
            where.append(self.entry)
        if self.field:
            where.append(f"field '{self.field}'")
        text = shown((", ".join(where) + ": " if where else "") + self.message)
        if self.hint:
            text += f"\n    hint: {shown(self.hint)}"
        return text

    def sort_key(self) -> tuple[str, int]:
        return (str(self.file) if self.file is not None else "", self.line or 0)


class DeckbuilderError(Exception):
    """Base class for every error the library raises on purpose."""


class DataError(DeckbuilderError):
    """The data has mistakes: every one found in a pass is carried along, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OutputError(DeckbuilderError):
    """The .apkg (or preview) cannot be written where it was asked to go."""


class SelectionError(DeckbuilderError):
    """`--only` names something the data does not have: a usage mistake, not a data one."""
