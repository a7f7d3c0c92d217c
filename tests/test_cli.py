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
