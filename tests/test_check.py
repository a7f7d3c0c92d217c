"""`deckbuilder check` uses what the last build kept (its state and its cache) and writes nothing,
so that the command a data editor runs most is no slower than a build with no change."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbuilder import build as pipeline, cli
from deckbuilder.build import checked_before, prepare

from .test_media import tiny_png


def files_under(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_after_a_build_reads_nothing_again(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    built = capsys.readouterr().out.splitlines()[0]  # Built 5 points: … notes, … cards, … images -> …

    def read_again(*args, **kwargs):
        raise AssertionError("the data was read again")

    monkeypatch.setattr(pipeline, "prepare", read_again)
    assert cli.main(["check"]) == 0
    summary = built.removeprefix("Built ").split(" -> ")[0].replace(":", ",")  # 5 points, … images
    assert capsys.readouterr().out.splitlines() == [f"OK: {summary}"]
    assert checked_before(project / "data", project / "media", project / "dist" / "acupressure.apkg")


def test_check_after_an_edit_reads_the_edit_and_uses_the_cache(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = files_under(project / "dist")
    points = project / "data" / "points" / "bladder.yaml"
    points.write_text("# a comment\n" + points.read_text(encoding="utf-8"), encoding="utf-8")
    assert checked_before(project / "data", project / "media", project / "dist" / "acupressure.apkg") is None

    deck = prepare(project / "data", project / "media", project / "dist" / ".deckbuilder-cache", keep=False)
    assert deck.diagrams_rendered == 0  # every picture came from the build's cache
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.startswith("OK: 5 points")
    assert files_under(project / "dist") == before  # nothing written, the cache neither

    points.write_text(points.read_text(encoding="utf-8").replace("code: BL60", "code: BL 60"), encoding="utf-8")
    assert cli.main(["check"]) == 1
    assert "write it as BL60" in capsys.readouterr().err


def test_check_from_the_command_line_uses_dist_of_the_working_folder(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert cli.main(["build"]) == 0
    before = files_under(project / "dist")
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("OK: 5 points, ")
    assert files_under(project / "dist") == before


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_picture_turned_into_a_link_out_of_media_is_read_again(project, tmp_path, monkeypatch, capsys, command):
    """Same bytes, but now a link out of media/: what the last build checked no longer holds."""
    monkeypatch.chdir(project)
    picture = project / "media" / "ankle.png"
    picture.write_bytes(tiny_png((200, 30, 30)))
    edit = project / "data" / "points" / "bladder.yaml"
    edit.write_text(edit.read_text(encoding="utf-8").replace("- id: kunlun\n", "- id: kunlun\n  images: [ankle.png]\n"),
                    encoding="utf-8")
    assert cli.main(["build"]) == 0
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(picture.read_bytes())
    picture.unlink()
    picture.symlink_to(outside)
    capsys.readouterr()
    assert cli.main([command]) == 1
    assert "is a link to a file outside the media folder" in capsys.readouterr().err
