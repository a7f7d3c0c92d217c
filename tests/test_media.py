"""Pictures on the cards: diagrams cached and content-named, the user's own photos packaged."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from deckbuilder import state
from deckbuilder.build import build

from .conftest import import_apkg


def tiny_png(colour: tuple[int, int, int]) -> bytes:
    """A real 2x2 PNG, written with the standard library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(colour) * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def location_card(col, template: str, code: str):
    (cid,) = col.find_cards(f'card:"{template}" Code:{code}')
    return col.get_card(cid)


def test_rebuild_without_change_renders_no_diagram_and_same_bytes(project):
    output = project / "dist" / "deck.apkg"
    first = build(project / "data", project / "media", output)
    assert first.deck.diagrams_rendered == 3 + 10 + 4  # three views' drawings, two markers a point, 4 quizzes
    before = output.read_bytes()
    second = build(project / "data", project / "media", output)
    assert second.deck is None and output.read_bytes() == before  # up to date: nothing read, nothing written
    output.unlink()  # so the next build reads and checks everything: its pictures come from the cache
    third = build(project / "data", project / "media", output)
    assert third.deck.diagrams_rendered == 0
    assert [(m.name, m.data) for m in first.deck.media] == [(m.name, m.data) for m in third.deck.media]


def test_moved_diagram_gets_a_new_name_and_replaces_the_old_in_anki(project, collection):
    output = project / "dist" / "deck.apkg"
    build(project / "data", project / "media", output)
    import_apkg(collection, output)
    card = location_card(collection, "Location → code", "BL40")
    found = re.findall(r'<img src="([^"]+)"', card.question() + card.answer())
    drawing = found[0]  # every diagram starts with its view's drawing
    old_names = set(found) - {drawing}
    assert len(old_names) == 2

    edit(project / "data" / "points" / "bladder.yaml", "view: knee-back, from: popliteal-crease-middle}",
         "view: knee-back, x: 101, y: 100}")
    result = build(project / "data", project / "media", output)
    assert result.deck.diagrams_rendered == 3  # BL40's two markers and the knee's quiz; its drawing is kept
    import_apkg(collection, output)
    card = location_card(collection, "Location → code", "BL40")
    new_names = set(re.findall(r'<img src="([^"]+)"', card.question() + card.answer())) - {drawing}
    assert len(new_names) == 2 and not new_names & old_names
    packaged = {m.name: m.data for m in result.deck.media}
    for name in new_names:
        assert (Path(collection.media.dir()) / name).read_bytes() == packaged[name]
    # The old pictures are no longer used by any card; nothing is missing.
    check = collection.media.check()
    assert list(check.missing) == []
    # ...and the knee's region-quiz picture from before the move: the build counted all three.
    assert old_names < set(check.unused) and len(check.unused) == 3 == result.changes.unused_media


def test_own_photo_beside_the_diagram(project, collection):
    (project / "media" / "knee-photo.png").write_bytes(tiny_png((200, 80, 60)))
    edit(project / "data" / "points" / "bladder.yaml", "  diagram: {view: knee-back",
         "  images: [knee-photo.png]\n  diagram: {view: knee-back")
    result = build(project / "data", project / "media", project / "dist" / "deck.apkg")
    import_apkg(collection, result.output)
    photo = next(m for m in result.deck.media if m.name.endswith(".png"))
    assert photo.name.startswith("acupressure-knee-photo-")
    for template in ("Location → code", "Code → location"):
        card = location_card(collection, template, "BL40")
        side = card.question() if template == "Location → code" else card.answer()
        assert f'<img src="{photo.name}"' in side
    check = collection.media.check()
    assert list(check.missing) == [] and list(check.unused) == []


def test_own_photo_instead_of_the_diagram(project, collection):
    (project / "media" / "ankle.png").write_bytes(tiny_png((40, 90, 200)))
    edit(project / "data" / "points" / "bladder.yaml",
         "  diagram: {view: ankle-lateral, from: [lateral-malleolus-prominence, achilles-tendon-front]}",
         "  images: [ankle.png]")
    result = build(project / "data", project / "media", project / "dist" / "deck.apkg")
    import_apkg(collection, result.output)
    question = location_card(collection, "Location → code", "BL60").question()
    assert re.findall(r'<img src="([^"]+)"', question) == [
        next(m.name for m in result.deck.media if m.name.startswith("acupressure-ankle-"))]
    check = collection.media.check()
    assert list(check.missing) == [] and list(check.unused) == []


def test_a_redrawn_view_is_never_served_from_the_picture_cache(project, monkeypatch):
    """The cache key holds a digest of the view's file: editing a drawing draws its pictures again."""
    from dataclasses import replace

    from deckbuilder import atlas

    out = project / "dist" / "deck.apkg"
    build(project / "data", project / "media", out)
    out.unlink()
    again = build(project / "data", project / "media", out)
    assert again.deck.diagrams_rendered == 0
    redrawn = {**atlas.VIEWS, "knee-back": replace(atlas.VIEWS["knee-back"], digest="edited")}
    monkeypatch.setattr(atlas, "VIEWS", redrawn)
    monkeypatch.setattr(state, "code_version", lambda: "a release with the knee redrawn")  # its view file differs
    after_edit = build(project / "data", project / "media", out)
    assert after_edit.deck.diagrams_rendered == 4  # the knee's drawing, BL40's two markers, the knee's quiz


def test_a_whole_picture_with_bytes_after_its_end_is_accepted(tmp_path):
    """Phones add data after a picture's end marker (a motion photo carries its video there): the
    picture is whole and is shown; one cut before its end is still refused."""
    from deckbuilder.media import image_problem

    png = tiny_png((200, 30, 30))
    (tmp_path / "trailer.png").write_bytes(png + b"\0" * 64)
    (tmp_path / "cut.png").write_bytes(png[: len(png) // 2])
    jpeg = (b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00" + b"\x12" * 40 + b"\xff\xd9")
    (tmp_path / "trailer.jpg").write_bytes(jpeg + b"ftypmp42" + b"\0" * 64)
    (tmp_path / "cut.jpg").write_bytes(jpeg[:-10])
    assert image_problem("trailer.png", tmp_path) is None
    assert image_problem("trailer.jpg", tmp_path) is None
    assert image_problem("cut.png", tmp_path) is not None
    assert image_problem("cut.jpg", tmp_path) is not None


def test_check_with_lang_en_checks_the_english_deck_only(capsys):
    """`check --lang en` asked for the English deck; it also listed the German translation's gaps."""
    from deckbuilder import cli

    from .conftest import DATA, MEDIA

    assert cli.main(["check", "--lang", "en", "--data", str(DATA), "--media", str(MEDIA)]) == 0
    assert "Translation 'de'" not in capsys.readouterr().out
