"""What building the deck costs, against a plain-genanki floor.

    python bench/run.py                 # the shipped deck, 361 and 2,000 synthetic points
    python bench/run.py --quick         # the same, fewer runs
    python bench/run.py --runs 7 --profile 361

Every figure is the median over several runs, each in a fresh process (a new interpreter per
build, as a user's `deckbuilder build` is):
  * time  = wall-clock time of the whole process (start-up, imports, build, exit);
  * memory = that process's peak resident set size: resource.getrusage(RUSAGE_CHILDREN).ru_maxrss
    read in a fresh, small bench/_measure.py process that runs just that one command.
Builds go through the normal CLI path: bench/_child.py calls deckbuilder.cli.run in a fresh
process and counts the pictures drawn (calls to the real atlas functions). The floor (bench/floor.py) is a
plain genanki script writing the same notes and cards (same note types, fields, tags, GUIDs,
taken from the built deck) with no validation, no YAML and no images. Not part of the tests.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# --library DIR: measure another copy of the deckbuilder package (e.g. with a proposed change).
LIBRARY = Path(sys.argv[sys.argv.index("--library") + 1]).resolve() if "--library" in sys.argv else ROOT
sys.path.insert(0, str(LIBRARY))
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402
from floor import extract  # noqa: E402

PY = sys.executable
TIMEOUT = 900


@dataclass
class Sample:
    wall: float
    rss_mb: float
    renders: int | None = None
    main_s: float | None = None
    stdout: str = ""
    extra: dict = field(default_factory=dict)


class Failed(Exception):
    pass


def run_process(cmd: list[str], workdir: Path, env: dict) -> tuple[float, float, int, str, str]:
    """Run one child under bench/_measure.py: wall time, the child's peak RSS (MB), exit code, output."""
    out_path, err_path, result = workdir / "child.out", workdir / "child.err", workdir / "measure.json"
    result.unlink(missing_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([PY, str(BENCH / "_measure.py"), str(result), *cmd], stdout=out, stderr=err,
                                env=env, cwd=ROOT, start_new_session=True)
        try:
            proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # this measurement's own process group only
            proc.wait()
    stdout, stderr = out_path.read_text(errors="replace"), err_path.read_text(errors="replace")
    if not result.exists():
        return 0.0, 0.0, proc.returncode or -1, stdout, stderr + "\n(no measurement: timed out or crashed)"
    info = json.loads(result.read_text())
    return info["wall"], info["peak_kb"] / 1024, info["rc"], stdout, stderr


@dataclass
class Dataset:
    name: str
    points: int
    root: Path
    data: Path
    media: Path
    meridians: Path | None
    note: str = ""

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def apkg(self) -> Path:
        return self.out / "deck.apkg"


class Bench:
    def __init__(self, work: Path):
        self.work = work
        self.env = dict(os.environ, TMPDIR=str(work / "tmp"), PYTHONDONTWRITEBYTECODE="1",
                        DECKBUILDER_BENCH_LIBRARY=str(LIBRARY))
        (work / "tmp").mkdir()

    def build(self, ds: Dataset, profile: Path | None = None) -> Sample:
        result = ds.root / "result.json"
        options = ["--meridians", str(ds.meridians)] if ds.meridians else []
        if profile:
            options += ["--profile", str(profile)]
        cmd = [PY, str(BENCH / "_child.py"), str(result), *options, "--",
               "build", "--data", str(ds.data), "--media", str(ds.media), "-o", str(ds.apkg)]
        wall, rss, rc, _, err = run_process(cmd, ds.root, self.env)
        if rc != 0 or not result.exists():
            raise Failed(f"build of {ds.name} failed (exit {rc}):\n{err[-3000:]}")
        info = json.loads(result.read_text())
        result.unlink()
        if info["rc"] != 0:
            raise Failed(f"deckbuilder build of {ds.name} exited {info['rc']}:\n{err[-3000:]}")
        return Sample(wall, rss, info["renders"], info["main_s"], info["stdout"])

    def floor(self, ds: Dataset, with_media: bool) -> Sample:
        cmd = [PY, str(BENCH / "floor.py"), str(ds.root / "floor-spec.json"), str(ds.root / "floor.apkg")]
        if with_media:
            cmd.append(str(ds.root / "floor-media"))
        wall, rss, rc, _, err = run_process(cmd, ds.root, self.env)
        if rc != 0:
            raise Failed(f"floor for {ds.name} failed:\n{err[-3000:]}")
        return Sample(wall, rss)

    def anki_import(self, ds: Dataset, apkg: Path) -> Sample:
        result = ds.root / "import.json"
        wall, rss, rc, _, err = run_process([PY, str(BENCH / "_anki_import.py"), str(apkg), str(result)],
                                            ds.root, self.env)
        if rc != 0:
            raise Failed(f"Anki import of {ds.name} failed:\n{err[-3000:]}")
        info = json.loads(result.read_text())
        return Sample(info["import_s"], rss, extra=info)


# --------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------
def shipped(work: Path) -> Dataset:
    root = work / "shipped"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "media", root / "media") if (ROOT / "media").is_dir() else (root / "media").mkdir()
    count = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")) or [])
                for p in (root / "data" / "points").glob("*.yaml"))
    return Dataset("shipped", count, root, root / "data", root / "media", None)


def synthetic_set(work: Path, n: int) -> Dataset:
    root = work / f"synthetic-{n}"
    info = synthetic.generate(n, root)
    note = (f"{info['synthetic_codes']} codes from {len(info['meridians'])} synthetic meridians"
            if info["synthetic_codes"] else "all WHO standard codes" if n == 361 else "")
    return Dataset(f"synthetic {n}", n, root, info["data"], info["media"],
                   root / "synthetic-meridians.json" if info["meridians"] else None, note)


ORIGINAL: dict[str, tuple[float, float]] = {}


def edit_one_point(ds: Dataset, k: int) -> str:
    """Change one point (the first of the first points file): its how-to-find text and diagram position."""
    from deckbuilder import atlas

    path = sorted((ds.data / "points").glob("*.yaml"))[0]
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = entries[0]
    entry["how_to_find"] = f"{entry['how_to_find']} (edit {k})"
    d = entry.get("diagram")
    if isinstance(d, dict) and "x" not in d:  # placed by a landmark: a little further down each run
        d["down"] = round(float(d.get("down", 0)) + 0.05 * k, 2)
    elif isinstance(d, dict):
        # Run k moves the point to the k-th position near where it started: a new image every time.
        x, y = ORIGINAL.setdefault(ds.name, (float(d["x"]), float(d["y"])))
        tried = 0
        for step in range(1, 200):
            for dx, dy in ((0.5 * step, 0), (-0.5 * step, 0), (0, 0.5 * step), (0, -0.5 * step)):
                if atlas.inside_body(d["view"], x + dx, y + dy):
                    tried += 1
                    if tried == k:
                        d["x"], d["y"] = x + dx, y + dy
                        break
            if tried >= k:
                break
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=10000),
                    encoding="utf-8")
    return entry["id"]


def package_counts(apkg: Path) -> tuple[int, int, int]:
    with tempfile.TemporaryDirectory(prefix="deckbuilder-bench-") as folder, zipfile.ZipFile(apkg) as archive:
        db = sqlite3.connect(archive.extract("collection.anki2", folder))
        try:
            notes = db.execute("select count(*) from notes").fetchone()[0]
            cards = db.execute("select count(*) from cards").fetchone()[0]
        finally:
            db.close()
        media = len(json.loads(archive.read("media")))
    return notes, cards, media


# --------------------------------------------------------------------------------------------
# Measuring and printing
# --------------------------------------------------------------------------------------------
def median(samples: list[Sample], attr: str) -> float:
    return statistics.median(getattr(s, attr) for s in samples)


class Table:
    def __init__(self):
        self.rows: dict[tuple[str, str], dict] = {}

    def header(self) -> None:
        print(f"{'data set':<24}{'step':<34}{'runs':>4}{'time s':>9}{'× floor':>9}"
              f"{'peak MB':>9}{'× floor':>9}{'renders':>9}")

    def add(self, ds: Dataset, step: str, samples: list[Sample], floor: list[Sample] | None,
            label: str | None = None) -> dict:
        wall, rss = median(samples, "wall"), median(samples, "rss_mb")
        renders = [s.renders for s in samples if s.renders is not None]
        row = {"wall": wall, "rss": rss, "renders": max(renders) if renders else None,
               "all_renders": renders, "runs": len(samples)}
        if floor:
            row["x_time"] = wall / median(floor, "wall")
            row["x_rss"] = rss / median(floor, "rss_mb")
        self.rows[(ds.name, step)] = row
        ratio_t = f"{row['x_time']:.2f}" if "x_time" in row else ""
        ratio_m = f"{row['x_rss']:.2f}" if "x_rss" in row else ""
        shown = "" if row["renders"] is None else (
            str(row["renders"]) if len(set(renders)) == 1 else f"{min(renders)}-{max(renders)}")
        print(f"{label or ds.name:<24}{step:<34}{len(samples):>4}{wall:>9.3f}{ratio_t:>9}"
              f"{rss:>9.1f}{ratio_m:>9}{shown:>9}", flush=True)
        return row


def measure(bench: Bench, table: Table, ds: Dataset, runs: int, cold_runs: int,
            import_runs: int, profile: bool) -> None:
    label = f"{ds.name} ({ds.points})" if ds.name == "shipped" else ds.name

    def again(count: int, fn) -> list[Sample]:
        return [fn() for _ in range(count)]

    def cold() -> Sample:
        shutil.rmtree(ds.out, ignore_errors=True)
        return bench.build(ds)

    def warm() -> Sample:
        ds.apkg.unlink(missing_ok=True)
        for state in ds.out.glob("*.state.json"):
            state.unlink()
        return bench.build(ds)

    # First build with an empty diagram cache and no previous deck or state: the floor writes
    # the notes of this deck.
    cold_samples = [cold()]
    notes, cards, media = package_counts(ds.apkg)
    first = ds.root / "first.apkg"
    shutil.copy(ds.apkg, first)
    spec = extract(ds.apkg, ds.root / "floor-spec.json", ds.root / "floor-media")
    # The floors and the builds they are compared with take turns, so that a machine that gets
    # busier or quieter during the run moves both alike.
    floor, media_floor, warm_samples = [], [], []
    for turn in range(runs):
        floor.append(bench.floor(ds, with_media=False))
        media_floor.append(bench.floor(ds, with_media=True))
        if turn < cold_runs - 1:
            cold_samples.append(cold())
        warm_samples.append(warm())
    if package_counts(ds.root / "floor.apkg")[:2] != (notes, cards) or spec["cards"] != cards:
        raise Failed(f"the floor for {ds.name} does not write the same notes and cards")
    print(f"{label}: {notes} notes, {cards} cards, {media} media files"
          + (f"; {ds.note}" if ds.note else ""), flush=True)
    table.add(ds, "genanki floor (no images)", floor, floor, label)
    table.add(ds, "genanki floor + same media files", media_floor, floor, label)
    table.add(ds, "build, empty diagram cache", cold_samples, floor, label)
    table.add(ds, "build, warm cache (no renders)", warm_samples, floor, label)
    bench.build(ds)  # the state of a complete build is there for the rebuilds
    table.add(ds, "rebuild, no data change", again(runs, lambda: bench.build(ds)), floor, label)
    counter = iter(range(1, 1000))

    def changed() -> Sample:
        point = edit_one_point(ds, next(counter))
        sample = bench.build(ds)
        if point not in sample.stdout:
            raise Failed(f"the rebuild of {ds.name} did not report {point} as changed:\n{sample.stdout}")
        return sample

    table.add(ds, "rebuild, 1 point changed", again(runs, changed), floor, label)
    if import_runs:
        try:
            table.add(ds, "Anki backend import (in-process)",
                      again(import_runs, lambda: bench.anki_import(ds, first)), floor, label)
        except Failed as error:  # e.g. the test extra (the anki package) is not installed
            print(f"{label:<24}Anki backend import: skipped ({str(error).strip().splitlines()[-1]})")
    if profile:
        warm_profile(bench, ds)


def warm_profile(bench: Bench, ds: Dataset) -> None:
    import pstats

    ds.apkg.unlink(missing_ok=True)
    for state in ds.out.glob("*.state.json"):
        state.unlink()
    out = ds.root / "profile.out"
    bench.build(ds, profile=out)
    print(f"\ncProfile of a warm-cache build of {ds.name} (top 25 by internal time):")
    stats = pstats.Stats(str(out))
    stats.sort_stats("tottime").print_stats(25)


def check_targets(table: Table, sizes: list[int]) -> list[str]:
    """The targets of issue 13, each a ratio to the floor measured in the same run (or a time)."""
    rows = table.rows
    lines = []

    def verdict(ok: bool) -> str:
        return "MET   " if ok else "MISSED"

    def against_media_floor(name: str, step: str, target: float, what: str) -> None:
        row, floor = rows.get((name, step)), rows.get((name, "genanki floor + same media files"))
        if row and floor:
            ratio = row["wall"] / floor["wall"]
            lines.append(f"{verdict(ratio <= target)} {name}: {what} {ratio:.2f}× the genanki floor that packages "
                         f"the same media files (target ≤ {target}×)")

    against_media_floor("shipped", "build, warm cache (no renders)", 1.3, "build")
    against_media_floor("synthetic 361", "build, warm cache (no renders)", 1.3, "build")
    against_media_floor("synthetic 361", "build, empty diagram cache", 2.0, "first build, empty picture cache,")
    against_media_floor("synthetic 2000", "build, warm cache (no renders)", 1.5, "build")
    for (name, step), row in rows.items():
        if step == "rebuild, no data change":
            quick = row["wall"] < 0.3 and all(r == 0 for r in row["all_renders"])
            lines.append(f"{verdict(quick)} {name}: rebuild with no change {row['wall']:.3f} s, "
                         f"{row['renders']} pictures rendered (target < 0.3 s, none rendered)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="361,2000", help="synthetic data set sizes (points)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of the empty-cache build (default 3)")
    parser.add_argument("--import-runs", type=int, default=3, help="Anki imports per deck (default 3)")
    parser.add_argument("--quick", action="store_true", help="3 runs a figure, 1 of the empty-cache build")
    parser.add_argument("--profile", type=int, default=None, metavar="N",
                        help="also cProfile a warm-cache build of the N-point set")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--library", metavar="DIR", help="folder holding the deckbuilder package to measure "
                        "(default: this repository)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.cold_runs = 3, 1
    sizes = [int(s) for s in args.sizes.split(",") if s]

    import platform

    import genanki
    if LIBRARY != ROOT:
        print(f"measuring the deckbuilder package in {LIBRARY}")
    genanki_version = getattr(genanki, "__version__", "?")
    print(f"deckbuilder benchmark: Python {platform.python_version()}, genanki {genanki_version}, "
          f"{os.cpu_count()} CPUs; medians of {args.runs} runs (empty-cache builds {args.cold_runs}); "
          "time = whole process wall clock; "
          "memory = the process's peak RSS (RUSAGE_CHILDREN ru_maxrss in a fresh bench/_measure.py per run)")
    # Like any installed package (genanki's were compiled by pip), ours runs from cached bytecode;
    # where PYTHONDONTWRITEBYTECODE is set, Python would otherwise recompile it in every process.
    compileall.compile_dir(str(LIBRARY / "deckbuilder"), quiet=1)
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="deckbuilder-bench-"))
    failures = []
    try:
        bench = Bench(work)
        table = Table()
        sets = [shipped(work)]
        table.header()
        for ds in sets + sizes:
            if isinstance(ds, int):
                t = time.perf_counter()
                ds = synthetic_set(work, ds)
                print(f"(generated {ds.name} in {time.perf_counter() - t:.1f} s)", flush=True)
            try:
                measure(bench, table, ds, args.runs, args.cold_runs,
                        args.import_runs if ds.name in ("shipped", "synthetic 2000") else 0,
                        args.profile == ds.points and ds.name.startswith("synthetic"))
            except Failed as error:
                failures.append(str(error))
                print(f"FAILED: {error}", flush=True)
        print("\nTargets:")
        for line in check_targets(table, sizes):
            print("  " + line)
        for failure in failures:
            print("  FAILED " + failure.splitlines()[0])
        print(f"\nWhole benchmark: {time.perf_counter() - began:.0f} s")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
