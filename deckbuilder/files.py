"""Writing files so that a stopped build leaves nothing half-written, and the next one tidies up.

A file is written under a scratch name in its own folder, then renamed over the old one. The
scratch name carries the writer's process id, so a later build can tell the leftovers of a
build that was killed (its process is gone) from the files of one running beside it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

_MARK = ".deckbuilder-"


def scratch(target: Path) -> Path:
    """A new, empty scratch file beside `target`, named after it and this process."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{_MARK}{os.getpid()}-",
                                    suffix=".tmp")
    os.close(handle)
    return Path(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def remove_leftovers(folder: Path) -> None:
    """Delete the scratch files in `folder` of builds whose process has ended."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _MARK not in name or not name.endswith(".tmp"):
            continue
        pid = name.split(_MARK, 1)[1].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
