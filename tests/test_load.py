"""Reading the data files: PyYAML in one pass, YAML 1.2 values, the line of every key and item."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deckbuilder import load as load_module
from deckbuilder.errors import DataError, Problem
from deckbuilder.load import Loader, YamlList, YamlMap, load, read_yaml

PROJECT = Path(__file__).resolve().parent.parent


def test_values_follow_yaml_1_2(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text("a: no\nb: On\nc: 2008-02-30\nd: 2008-01-01\ne: true\nf: 1:20\ng: 012\nh: 123_5\n"
                    "i: yes\nj: 0x1F\nk: 1.5\nl: ~\nm:\nn: False\n", encoding="utf-8")
    value = read_yaml(path)
    assert value == {"a": "no", "b": "On", "c": "2008-02-30", "d": "2008-01-01", "e": True, "f": "1:20",
                     "g": 12, "h": "123_5", "i": "yes", "j": 31, "k": 1.5, "l": None, "m": None, "n": False}


def test_libyaml_reads_the_data_where_pyyaml_has_it():
    assert issubclass(Loader, yaml.CSafeLoader)


def test_every_key_and_item_has_its_line():
    files = load(PROJECT / "data")
    path, entries = files.points[0]
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


def test_the_same_values_without_libyaml(monkeypatch, tmp_path):
    """Where PyYAML was built without libyaml, its own parser gives the same values and lines."""
    source = PROJECT / "data" / "points" / "bladder.yaml"
    fast = read_yaml(source)

    monkeypatch.setattr(load_module, "Loader", load_module.loader_on(yaml.SafeLoader))
    slow = read_yaml(source)
    assert slow == fast
    assert [e.key_lines for e in slow] == [e.key_lines for e in fast]


def the_problem(path: Path, text: str | None = None) -> Problem:
    """The one problem reading `path` (written with `text` first) raises."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_yaml(path)
    (problem,) = error.value.problems
    return problem


def test_a_field_twice_is_refused_with_its_line(tmp_path):
    path = tmp_path / "points.yaml"
    problem = the_problem(path, "- id: kunlun\n  code: BL60\n  code: BL61\n")
    assert (problem.file, problem.line, problem.field) == (path, 3, "code")


def test_an_anchor_inside_itself_is_refused(tmp_path):
    problem = the_problem(tmp_path / "points.yaml", "- &a [*a]\n")
    assert problem.line == 1 and "cannot be read" in problem.message


def test_half_a_character_is_refused_without_libyaml_too(monkeypatch):
    """PyYAML's own parser reads "\\ud83d" as half a character, which no SVG or Anki field can
    hold: refused with its line, as libyaml refuses it (tests/bad_input/yaml-half-character)."""
    source = Path(__file__).parent / "bad_input" / "yaml-half-character" / "data" / "points" / "bladder.yaml"
    monkeypatch.setattr(load_module, "Loader", load_module.loader_on(yaml.SafeLoader))
    problem = the_problem(source)
    assert (problem.file, problem.line) == (source, 7) and "not a character" in problem.message


def test_a_colon_only_libyaml_refuses_is_worded_and_located(tmp_path):
    """libyaml refuses 'b:' inside a [list] that PyYAML's own parser reads as a mapping."""
    problem = the_problem(tmp_path / "points.yaml", "- id: kunlun\n  sources: [who-2008, who-1991:, deadman]\n")
    assert (problem.line, problem.column) == (2, 31) and "colon" in problem.message


@pytest.mark.parametrize("text", ["- " * 999 + "x\n",  # within libyaml's limit: Python would recurse
                                  "- " * 50_000 + "x\n",  # beyond it
                                  "- x: " + "[" * 50_000 + "]" * 50_000 + "\n"])
def test_values_nested_too_deeply_are_refused_with_their_line(tmp_path, text):
    problem = the_problem(tmp_path / "points.yaml", "- id: kunlun\n  code: BL60\n" + text)
    assert problem.line == 3 and "nested more than 50 levels deep" in problem.message


def test_aliases_are_counted_as_the_values_they_stand_for(tmp_path):
    """Repeating a value is allowed (it reads as written out), but not a million times."""
    path = tmp_path / "points.yaml"
    assert read_yaml(path.write_text("- a: &x [1, 2]\n  b: *x\n") and path) == [{"a": [1, 2], "b": [1, 2]}]
    lines = ["- a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 7)]
    problem = the_problem(path, "\n".join(lines) + "\n")
    assert problem.line == 6 and "stands for more than 200,000 values" in problem.message  # a5: 10**6 values


def test_deep_nesting_does_not_depend_on_an_anchor_elsewhere_in_the_file(tmp_path):
    """60 levels of lists load alike with or without a '&' in a comment (the alias count ran the
    depth limit only on texts that hold a '&')."""
    from deckbuilder.load import read_yaml

    nested = "x: " + "[" * 60 + "1" + "]" * 60 + "\n"
    plain, marked = tmp_path / "plain.yaml", tmp_path / "marked.yaml"
    plain.write_text(nested, encoding="utf-8")
    marked.write_text("# A & B\n" + nested, encoding="utf-8")
    assert read_yaml(plain) == read_yaml(marked)
