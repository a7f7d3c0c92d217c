"""Where a build's time goes: each pipeline phase of an in-process build, best of several runs.

    python bench/phases.py               # 361 synthetic points (every WHO code), warm picture cache
    python bench/phases.py 2000 --runs 5

The phases are the real functions, timed by wrapping them in this process (nothing is
replaced). "load" reads the data files (from the build's cache when their text is unchanged);
"other" is the rest of build.build: the view files (from the cache too), stamping notes with
their content hashes and times, the note types, the deck description.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402
from deckbuilder import build, cards, media, package, state  # noqa: E402

PHASES = [(build, "load", "load"), (build, "validate", "validate"), (media, "point_images", "pictures"),
          (cards, "notes", "cards"), (package, "_write_collection", "package: SQLite"),
          (package, "write", "package: all"), (state, "write", "state file")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("points", type=int, nargs="?", default=361)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    spent: dict[str, float] = {}

    def timer(real, label: str):
        def timed(*a, **k):
            began = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - began
        return timed

    for module, name, label in PHASES:
        setattr(module, name, timer(getattr(module, name), label))
    with tempfile.TemporaryDirectory(prefix="deckbuilder-phases-") as folder:
        root = Path(folder)
        info = synthetic.generate(args.points, root)
        synthetic.register_meridians(info["meridians"])
        build.build(info["data"], info["media"], root / "out" / "deck.apkg")  # fills the diagram cache
        best: tuple[float, dict[str, float]] | None = None
        for _ in range(args.runs):
            (root / "out" / "deck.apkg").unlink()
            (root / "out" / "deck.state.json").unlink()
            spent.clear()
            began = time.perf_counter()
            build.build(info["data"], info["media"], root / "out" / "deck.apkg")
            total = time.perf_counter() - began
            if best is None or total < best[0]:
                best = (total, dict(spent))
        shutil.rmtree(root / "out")
    total, phases = best
    phases["other"] = total - sum(v for k, v in phases.items() if k != "package: SQLite")
    print(f"{args.points} points: in-process build {total:.3f} s "
          f"(best of {args.runs}; warm diagram cache, no previous state)")
    for label, seconds in phases.items():
        print(f"  {label:<16}{seconds:7.3f} s {seconds / total:6.0%}")


if __name__ == "__main__":
    main()
