"""One measured process: `python bench/_child.py RESULT.json [--meridians FILE] [--profile OUT] -- CLI ARGS...`.

Runs deckbuilder.cli.run with CLI ARGS in this fresh process, as `deckbuilder` would, and
writes to RESULT.json: exit code, time spent in it, and how many diagrams were
rendered (counting wrappers around the real atlas.svg.base, overlay and quiz; nothing is faked). With
--meridians, the synthetic meridians of bench/synthetic.py are registered first.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

start = time.perf_counter()


def main() -> None:
    result_path = Path(sys.argv[1])
    rest = sys.argv[2:]
    split = rest.index("--")
    options, argv = rest[:split], rest[split + 1:]
    import os
    sys.path.insert(0, os.environ.get("DECKBUILDER_BENCH_LIBRARY") or str(Path(__file__).resolve().parent.parent))
    from deckbuilder import cli, media

    if "--meridians" in options:
        from deckbuilder import codes
        for code in json.loads(Path(options[options.index("--meridians") + 1]).read_text()):
            codes.MERIDIANS.setdefault(code, (f"synthetic {code.lower()}", 99))

    renders = 0

    def counting(real):
        def render(*args, **kwargs):
            nonlocal renders
            renders += 1
            return real(*args, **kwargs)
        return render

    atlas = media.atlas  # the module media.py draws with
    atlas.base, atlas.overlay, atlas.quiz = counting(atlas.base), counting(atlas.overlay), counting(atlas.quiz)

    def entry_point() -> int:
        """cli.run, the `deckbuilder` command itself (it also sets up the process), without its exit."""
        sys.argv = ["deckbuilder", *argv]
        try:
            cli.run()
        except SystemExit as exc:
            return exc.code
        raise AssertionError("cli.run returned without exiting")

    out = io.StringIO()
    began = time.perf_counter()
    profile = options[options.index("--profile") + 1] if "--profile" in options else None
    with contextlib.redirect_stdout(out):
        if profile:
            import cProfile
            profiler = cProfile.Profile()
            code = profiler.runcall(entry_point)
            profiler.dump_stats(profile)
        else:
            code = entry_point()
    ended = time.perf_counter()
    result_path.write_text(json.dumps({"rc": code, "main_s": ended - began, "renders": renders,
                                       "process_s": ended - start, "stdout": out.getvalue()}))


if __name__ == "__main__":
    main()
