"""Run one command and report its wall time and peak memory: `python bench/_measure.py RESULT.json CMD...`.

A fresh, small process per measurement, so resource.getrusage(RUSAGE_CHILDREN).ru_maxrss is the
peak resident set size of CMD alone. (Measured straight from the benchmark process it is not:
on Linux a child's ru_maxrss starts from the RSS of the process that spawned it, and the
benchmark itself holds whole data sets.) This process stays around 10 MB, below any build.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    result, cmd = sys.argv[1], sys.argv[2:]
    began = time.perf_counter()
    code = subprocess.call(cmd)
    wall = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux
    own_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(result, "w") as out:
        json.dump({"wall": wall, "peak_kb": peak_kb, "own_kb": own_kb, "rc": code}, out)


if __name__ == "__main__":
    main()
