"""Writing files so that a stopped build leaves nothing half-written, and the next one tidies up.

A file is written under a scratch name in its own folder, then renamed over the old one. The
scratch name carries the writer's process id, so a later build can tell the leftovers of a
build that was killed (its process is gone) from the files of one running beside it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import OutputError

_MARK = ".deckbuilder-"


def kind(mode: int) -> str:
    """What a file that is not a regular one is, in a person's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def other_kind(path: Path) -> str | None:
    """What `path` is if it exists and is not a regular file (links followed): a pipe would block
    a reader or a writer for ever, and a device such as /dev/zero never ends."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing, or a link to nowhere: nothing to block on
        return None
    return None if stat.S_ISREG(mode) else kind(mode)


def read_text(path: Path, why: str) -> str:
    """The UTF-8 text of `path`; OutputError (saying `why` the file matters) if it is not a regular
    file, found without blocking: a pipe is opened without waiting for a writer, then refused."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise OutputError(f"{path} is {kind(mode)}, not a regular file: {why}")
        opened = open(handle, "rb")  # noqa: SIM115 - it owns the descriptor from here
    except BaseException:
        os.close(handle)
        raise
    with opened:
        return opened.read().decode("utf-8")


def scratch(target: Path) -> Path:
    """A new, empty scratch file beside `target`, named after it and this process."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{_MARK}{os.getpid()}-",
                                    suffix=".tmp")
    os.close(handle)
    return Path(name)


def scratch_fits(target: Path, *beside: Path) -> None:
    """OutputError, before any work, if the scratch file of `target` or of a file written `beside`
    it would have a longer name than the file system allows (a 250-byte output name failed only
    once the whole deck was built)."""
    folder = next((p for p in (target.parent, *target.parent.parents) if p.is_dir()), Path("."))
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    overhead = len(os.fsencode(f".{_MARK}{os.getpid()}-12345678.tmp"))  # mkstemp adds 8 characters
    excess = max(len(os.fsencode(path.name)) for path in (target, *beside)) + overhead - limit
    if excess > 0:
        raise OutputError(f"the output name '{target.name}' is too long for this file system: a file name may "
                          f"have {limit} bytes, and deckbuilder writes the deck and its state through scratch files "
                          f"with longer names; shorten it by {excess} bytes")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def remove_leftovers(folder: Path, *, own: bool = False) -> None:
    """Delete the scratch files in `folder` of builds whose process has ended (`own`: of this
    process, which was stopped and gives up what it was writing)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _MARK not in name or not name.endswith(".tmp"):
            continue
        pid = name.split(_MARK, 1)[1].split("-", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() if own else int(pid) != os.getpid() and not _alive(int(pid))):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
