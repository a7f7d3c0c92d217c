"""A rebuild from the very files of the last build reads nothing again; any change is read.

The build keeps a digest of everything that shapes the deck (the data and media files, the
option, deckbuilder's own files) in its state file. These tests change one thing each, in ways
an editor does: the same length, in the same second.
"""

from __future__ import annotations

from pathlib import Path

from deckbuilder import cli
from deckbuilder.build import build

from .test_media import tiny_png


def build_in(project: Path, only: str | None = None):
    return build(project / "data", project / "media", project / "dist" / "deck.apkg", only=only)


def test_an_unchanged_rebuild_reads_and_writes_nothing(project, capsys):
    first = build_in(project)
    apkg = project / "dist" / "deck.apkg"
    before = (apkg.read_bytes(), apkg.stat().st_mtime_ns)
    assert cli.main(["build", "--data", str(project / "data"), "--media", str(project / "media"),
                     "-o", str(apkg)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"Built 5 points: {len(first.deck.notes)} notes, {first.deck.card_count} cards, "
        f"{len(first.deck.media)} images -> {apkg}",
        "Nothing changed since the last build"]
    assert (apkg.read_bytes(), apkg.stat().st_mtime_ns) == before


def test_an_edit_of_the_same_length_is_read(project):
    build_in(project)
    points = project / "data" / "points" / "bladder.yaml"
    text = points.read_text(encoding="utf-8")
    points.write_text(text.replace("Kunlun Mountains", "Kunlun Mountainz"), encoding="utf-8")
    assert len(points.read_bytes()) == len(text.encode())
    result = build_in(project)
    assert result.deck is not None and result.changes.changed_points == (("kunlun", "BL60"),)


def test_a_comment_is_read_and_changes_nothing(project):
    build_in(project)
    conditions = project / "data" / "conditions.yaml"
    conditions.write_text("# reviewed again\n" + conditions.read_text(encoding="utf-8"), encoding="utf-8")
    result = build_in(project)
    assert result.deck is not None and result.changes.notes_changed == 0
    assert build_in(project).deck is None  # the state now knows the comment


def test_a_replaced_picture_is_read(project):
    (project / "media" / "knee-photo.png").write_bytes(tiny_png((200, 80, 60)))
    points = project / "data" / "points" / "bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace(
        "  diagram: {view: knee-back", "  images: [knee-photo.png]\n  diagram: {view: knee-back"), encoding="utf-8")
    first = build_in(project)
    (project / "media" / "knee-photo.png").write_bytes(tiny_png((20, 180, 60)))  # same size, new colour
    second = build_in(project)
    assert second.deck is not None
    assert {m.name for m in second.deck.media} - {m.name for m in first.deck.media} == {
        next(m.name for m in second.deck.media if m.name.startswith("acupressure-knee-photo-"))}


def test_another_option_or_a_lost_deck_is_built_again(project):
    build_in(project, only="point:kunlun")
    assert build_in(project, only="point:kunlun,point:BL23").deck is not None
    assert build_in(project, only="point:kunlun,point:BL23").deck is None
    apkg = project / "dist" / "deck.apkg"
    apkg.unlink()
    assert build_in(project, only="point:kunlun").deck is not None and apkg.exists()
    apkg.write_bytes(apkg.read_bytes() + b"\0")  # changed by something else
    assert build_in(project, only="point:kunlun").deck is not None


def test_the_same_folders_named_another_way_are_up_to_date(project, monkeypatch):
    build_in(project)
    monkeypatch.chdir(project)
    assert build(Path("./data"), Path("media/"), Path("dist/deck.apkg")).deck is None


def test_counts_edited_in_the_state_file_are_counted_again(project, capsys):
    first = build_in(project)
    state_file = project / "dist" / "deck.state.json"
    state_file.write_text(state_file.read_text(encoding="utf-8").replace('"counts": {"points"', '"counts": {"pts"'),
                          encoding="utf-8")
    again = build_in(project)
    assert again.deck is not None and again.changes.notes_changed == 0 and again.counts == first.counts
    assert build_in(project).deck is None


def test_an_edit_behind_a_link_is_read(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("kept-elsewhere") / "points"
    (project / "data" / "points").rename(elsewhere)
    (project / "data" / "points").symlink_to(elsewhere, target_is_directory=True)
    (project / "data" / "loop").symlink_to(project / "data", target_is_directory=True)  # and a folder in itself
    build_in(project)
    assert build_in(project).deck is not None  # a folder in itself: no digest, so everything is read
    (project / "data" / "loop").unlink()
    build_in(project)
    assert build_in(project).deck is None
    points = elsewhere / "bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace("Kunlun Mountains", "Kunlun Range"), encoding="utf-8")
    result = build_in(project)
    assert result.deck is not None and result.changes.changed_points == (("kunlun", "BL60"),)
