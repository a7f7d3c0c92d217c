"""The build's cache: a YAML file read before is taken from it with every value and line as
PyYAML read them, so a problem found later names the same line; a damaged entry is read again."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from deckbuilder import cli
from deckbuilder.cache import Cache
from deckbuilder.load import YamlList, YamlMap, read_yaml

from .conftest import MEDIA, SEED

ROOT = Path(__file__).resolve().parent.parent


def with_lines(value):
    """A value with the lines it carries, to compare two reads of a file exactly."""
    if isinstance(value, YamlMap):
        return ("map", value.line, [(k, value.key_lines[k], with_lines(v)) for k, v in value.items()])
    if isinstance(value, YamlList):
        return ("list", value.line, value.item_lines, [with_lines(v) for v in value])
    return (type(value).__name__, value)


def test_every_shipped_file_comes_back_with_its_lines(tmp_path):
    files = sorted((ROOT / "data").rglob("*.yaml"))
    first = Cache(tmp_path)
    fresh = [read_yaml(path, first) for path in files]
    first.save()
    again = Cache(tmp_path)
    cached = [read_yaml(path, again) for path in files]
    assert [with_lines(v) for v in cached] == [with_lines(v) for v in fresh]
    assert [with_lines(v) for v in fresh] == [with_lines(read_yaml(path)) for path in files]
    assert len(sqlite3.connect(tmp_path / "cache.sqlite").execute("select * from parsed").fetchall()) == len(files)


def test_values_yaml_reads_in_its_own_way_are_kept_exactly(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("- {a: 012, b: .inf, c: -.nan, d: no, e: 123_5, f: null, g: true, h: 1e3, i: 'x\\u00e9'}\n"
                    "- [\"\\U0001F600\", '', ~]\n", encoding="utf-8")
    first = Cache(tmp_path)
    fresh = read_yaml(path, first)
    first.save()
    cached = read_yaml(path, Cache(tmp_path))
    assert repr(with_lines(cached)) == repr(with_lines(fresh))  # repr: nan is not equal to itself
    assert cached[0]["a"] == 12 and cached[0]["d"] == "no" and cached[0]["e"] == "123_5"


def test_a_problem_in_a_file_read_from_the_cache_names_its_line(project, capsys, monkeypatch):
    args = ["--data", str(project / "data"), "--media", str(project / "media")]
    assert cli.main(["build", *args, "-o", str(project / "dist" / "deck.apkg")]) == 0
    other = project / "data" / "points" / "small-intestine.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("code: SI11", "code: BL60"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["build", *args, "-o", str(project / "dist" / "deck.apkg")]) == 1  # bladder.yaml from the cache
    cached = capsys.readouterr().err
    monkeypatch.chdir(project / "data")  # no dist/ here: check has no cache, every file is read by PyYAML
    assert cli.main(["check", *args]) == 1
    assert cached == capsys.readouterr().err and "bladder.yaml, line" in cached


def test_a_damaged_entry_is_read_again(tmp_path):
    path = tmp_path / "points.yaml"
    path.write_text("- id: kunlun\n  code: BL60\n", encoding="utf-8")
    first = Cache(tmp_path)
    read_yaml(path, first)
    first.save()
    db = sqlite3.connect(tmp_path / "cache.sqlite")
    with db:
        db.execute("update parsed set value = '{\"m\": [1'")
    db.close()
    value = read_yaml(path, Cache(tmp_path))
    assert value == [{"id": "kunlun", "code": "BL60"}] and value[0].key_lines == {"id": 1, "code": 2}


def test_a_files_earlier_versions_are_dropped_so_the_cache_does_not_grow(project):
    from deckbuilder.build import build

    points, output = project / "data" / "points" / "bladder.yaml", project / "dist" / "deck.apkg"
    db_path = project / "dist" / ".deckbuilder-cache" / "cache.sqlite"
    build(project / "data", project / "media", output)
    files = len(sorted((project / "data").rglob("*.yaml")))
    count = "select count(*) from parsed"
    first = sqlite3.connect(db_path).execute(count).fetchone()[0]
    assert first >= files  # the data files, and the view files if this process had not read them yet
    for edit in range(3):  # three edits of one file, each built
        points.write_text(points.read_text(encoding="utf-8") + f"# edit {edit}\n", encoding="utf-8")
        build(project / "data", project / "media", output)
    assert sqlite3.connect(db_path).execute(count).fetchone()[0] <= first


def test_a_cache_of_another_layout_is_started_again(project):
    from deckbuilder.build import build

    cache = project / "dist" / ".deckbuilder-cache"
    cache.mkdir(parents=True)
    old = sqlite3.connect(cache / "cache.sqlite")
    with old:
        old.execute("create table pictures (key text primary key, blob_only blob)")  # another layout
    old.close()
    first = build(project / "data", project / "media", project / "dist" / "deck.apkg")
    assert first.deck.diagrams_rendered > 0
    (project / "dist" / "deck.apkg").unlink()
    assert build(project / "data", project / "media", project / "dist" / "deck.apkg").deck.diagrams_rendered == 0


def test_a_value_json_would_change_is_not_kept(tmp_path):
    import yaml

    def parse(text):
        return yaml.safe_load(text)

    first = Cache(tmp_path)
    assert first.parsed("view", "{1: [2, 3]}", parse) == {1: [2, 3]}  # a number key: JSON makes it text
    assert first.parsed("view", "{a: [2, 3]}", parse) == {"a": [2, 3]}
    first.save()
    again = Cache(tmp_path)
    assert again.parsed("view", "{1: [2, 3]}", parse) == {1: [2, 3]}
    assert sqlite3.connect(tmp_path / "cache.sqlite").execute("select count(*) from parsed").fetchone()[0] == 1


def test_pictures_a_whole_deck_no_longer_uses_are_dropped(project, monkeypatch):
    """A new release draws every picture anew: the old ones go, or the cache would grow with each
    release. An --only build draws part of the deck and drops nothing."""
    from deckbuilder import media
    from deckbuilder.build import build

    output, only = project / "dist" / "deck.apkg", project / "dist" / "bladder.apkg"
    pictures = "select count(*) from pictures"
    db_path = project / "dist" / ".deckbuilder-cache" / "cache.sqlite"
    drawn = build(project / "data", project / "media", output).deck.diagrams_rendered
    assert sqlite3.connect(db_path).execute(pictures).fetchone()[0] == drawn > 0

    monkeypatch.setattr(media, "drawing_code", lambda: "the next release")  # as a new release draws
    output.unlink()
    assert build(project / "data", project / "media", output).deck.diagrams_rendered == drawn
    assert sqlite3.connect(db_path).execute(pictures).fetchone()[0] == drawn  # not twice as many

    monkeypatch.undo()  # the release before, for part of the deck
    part = build(project / "data", project / "media", only, only="meridian:BL").deck.diagrams_rendered
    assert 0 < part < drawn
    assert sqlite3.connect(db_path).execute(pictures).fetchone()[0] == drawn + part


def test_a_change_to_the_drawing_code_ships_new_pictures(tmp_path):
    """No version to bump by hand: a maintainer who changes how the marker is drawn, and nothing
    else, gets the new pictures in the next .apkg (the cache is keyed on the drawing code)."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "deckbuilder", copy / "deckbuilder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SEED, copy / "data")
    shutil.copytree(MEDIA, copy / "media")

    def pictures() -> dict[str, bytes]:
        done = subprocess.run([sys.executable, "-m", "deckbuilder", "build"], cwd=copy, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(copy / "dist" / "acupressure.apkg") as package:
            names = json.loads(package.read("media"))
            return {name: package.read(number) for number, name in names.items()}

    before = pictures()
    svg = copy / "deckbuilder" / "atlas" / "svg.py"
    svg.write_text(svg.read_text().replace('MARKER = "#d7263d"', 'MARKER = "#1b7f3a"'))
    after = pictures()
    assert any(b"#d7263d" in data for data in before.values())
    assert not any(b"#d7263d" in data for data in after.values())
    assert any(b"#1b7f3a" in data for data in after.values())
