"""One test per command, through the same entry point a user runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from deckbuilder import __version__
from deckbuilder.cli import main

from .conftest import ROOT

# The package as this test run sees it, even where it is not installed into the interpreter.
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def args(project, *extra):
    return [*extra, "--data", str(project / "data"), "--media", str(project / "media")]


def test_build_prints_one_summary_line_then_what_changed(project, capsys):
    out = project / "dist" / "deck.apkg"
    assert main(args(project, "build") + ["-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Built 5 points: 35 notes, 51 cards, 17 images -> {out}"
    assert lines[1].startswith("First build")
    assert main(args(project, "build") + ["-o", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "Nothing changed since the last build"


def test_build_says_when_its_state_cannot_be_trusted(project, capsys):
    out = project / "dist" / "deck.apkg"
    assert main(args(project, "build") + ["-o", str(out)]) == 0
    (project / "dist" / "deck.state.json").unlink()
    capsys.readouterr()
    assert main(args(project, "build") + ["-o", str(out)]) == 0
    said = capsys.readouterr().out.splitlines()[1]
    assert "did not describe the previous deck.apkg" in said and "another version of deckbuilder" in said
    assert said.endswith("so the next import updates them all (reviews are kept)")


def test_check_writes_nothing(project, capsys):
    assert main(args(project, "check")) == 0
    assert capsys.readouterr().out.strip() == "OK: 5 points, 35 notes, 51 cards, 17 images"
    assert not (project / "dist").exists()


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["build", "--bogus"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "usage: deckbuilder" in capsys.readouterr().err


def test_default_paths_and_console_entry(project):
    """Run as a user does, from the project folder with no options."""
    done = subprocess.run([sys.executable, "-m", "deckbuilder", "build"], cwd=project,
                          capture_output=True, text=True, timeout=120, env=ENV)
    assert done.returncode == 0, done.stderr
    assert (project / "dist" / "acupressure.apkg").is_file()
    version = subprocess.run([sys.executable, "-m", "deckbuilder", "--version"],
                             capture_output=True, text=True, timeout=60, env=ENV)
    assert version.stdout.strip() == f"deckbuilder {__version__}"


def test_a_change_of_many_points_is_said_in_a_line(tmp_path, capsys):
    """A change to every point of the Bladder meridian names ten of them and counts the rest (it
    printed all 67, and a release that changes every note printed 374 on one line)."""
    import shutil

    from deckbuilder import cli

    from .conftest import DATA, MEDIA

    shutil.copytree(DATA, tmp_path / "data")
    args = ["build", "--data", str(tmp_path / "data"), "--media", str(MEDIA), "-o", str(tmp_path / "deck.apkg"),
            "--only", "meridian:BL"]
    assert cli.main(args) == 0
    capsys.readouterr()
    bladder = tmp_path / "data" / "points" / "bladder.yaml"
    text = bladder.read_text(encoding="utf-8")
    assert text.count("how_to_find: >-\n    ") > cli.MAX_LINES
    bladder.write_text(text.replace("how_to_find: >-\n    ", "how_to_find: >-\n    Sitting, "), encoding="utf-8")
    assert cli.main(args) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Changed since"))
    assert line.count("(") == cli.MAX_LINES + 1 and "and 57 more points (67 notes)" in line, line
