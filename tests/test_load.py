"""Reading the data files: YAML 1.2 values from yaml-rs, lines from PyYAML only when needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbuilder.errors import DataError
from deckbuilder.load import YamlList, YamlMap, load, read_yaml, with_lines

PROJECT = Path(__file__).resolve().parent.parent


def test_yes_no_and_dates_are_text(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text("a: no\nb: On\nc: 2008-02-30\nd: 2008-01-01\ne: true\nf: 1:20\ng: 012\n", encoding="utf-8")
    _, value = read_yaml(path)
    assert value == {"a": "no", "b": "On", "c": "2008-02-30", "d": "2008-01-01", "e": True, "f": "1:20", "g": 12}


def test_with_lines_keeps_the_values_and_adds_every_line():
    files = load(PROJECT / "data")
    located = with_lines(files)
    assert located.points == files.points and located.conditions == files.conditions
    assert located.sources == files.sources
    path, entries = located.points[0]
    text = path.read_text(encoding="utf-8").splitlines()
    assert isinstance(entries, YamlList) and all(isinstance(e, YamlMap) for e in entries)
    for entry, line in zip(entries, entries.item_lines):
        assert text[line - 1].lstrip().startswith("- ")
        for key, key_line in entry.key_lines.items():
            assert text[key_line - 1].lstrip(" -").startswith(f"{key}:"), (key, key_line)
        for key, items in entry.items():
            if isinstance(items, YamlList):  # a block list item starts with '- '; a [flow] one is on the key's line
                for item_line in items.item_lines:
                    assert text[item_line - 1].lstrip().startswith("- ") or item_line == entry.key_lines[key]


def test_a_mistake_only_yaml_rs_reads_without_a_line_gets_one(tmp_path):
    """yaml-rs rejects a repeated key without saying where; PyYAML's nodes say where."""
    path = tmp_path / "points.yaml"
    path.write_text("- id: kunlun\n  code: BL60\n  code: BL61\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_yaml(path)
    (problem,) = error.value.problems
    assert (problem.line, problem.field) == (3, "code")


@pytest.mark.parametrize(("text", "line", "column", "message"), [
    # YAML 1.2 wants a [list] that goes on to the next line indented further than its field.
    ("- id: kunlun\n  sources: [who-2008,\ndeadman]\n", 3, 1,
     "this line is not indented enough for the [list] or {fields} it continues"),
    # ...and a space, not a tab, after the colon of a field.
    ("- id: kunlun\n  code:\tBL60\n", 2, 9, "the colon (:) here must be followed by a space, and a tab does not count"),
])
def test_a_mistake_only_yaml_rs_finds_is_put_in_our_words_with_its_line(tmp_path, text, line, column, message):
    """PyYAML reads these without complaint; yaml-rs gives the place, we give the words."""
    path = tmp_path / "points.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_yaml(path)
    (problem,) = error.value.problems
    assert (problem.line, problem.column, problem.message) == (line, column, message)
