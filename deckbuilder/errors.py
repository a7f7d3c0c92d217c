"""The library's own exceptions: it never prints or exits, the CLI maps these to messages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_UNSEEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp", "Zs"}  # controls, format marks, unassigned, halves, spaces


def shown(text: str) -> str:
    """The text with every character a reader cannot see written as an escape, e.g. BL\\u200b60,
    and a run of more than 200 characters without a space (a pasted value, a name) shortened."""
    if len(text) > _LONGEST:
        text = _RUN.sub(_shortened, text)
    return "".join(ch if ch in " \n" or unicodedata.category(ch) not in _UNSEEN
                   else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}" for ch in text)


_LONGEST = 200
_RUN = re.compile(rf"[^ \n]{{{_LONGEST + 1},}}")


def _shortened(run: re.Match) -> str:
    text = run.group(0)
    return f"{text[:100]}…({len(text) - 130:,} characters left out)…{text[-30:]}"


# The control characters have no Unicode name, only these short ones (and, from U+0080, none).
_CONTROLS = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB "
             "ESC FS GS RS US").split()


def character_name(ch: str) -> str:
    """A character's name as a person can look it up: NUL and BEL are control characters, not
    unassigned ones, which is all that unicodedata.name could say of them."""
    if ch < " " or ch == "\x7f":
        return f"{_CONTROLS[ord(ch)] if ch < ' ' else 'DEL'}, a control character"
    category = unicodedata.category(ch)
    default = {"Cc": "a control character", "Co": "a private-use character",
               "Cs": "half of a character"}.get(category, "an unassigned character")
    return unicodedata.name(ch, default)


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
        # a line break in a point's id or name would cut the line that says where the mistake is
        place = ", ".join(where).replace("\n", "\\n")
        text = shown((place + ": " if where else "") + self.message)
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
