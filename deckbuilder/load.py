"""Read the YAML data files, keeping the line of every value so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

DATA_HINT = "pass --data with the folder that holds points/, conditions.yaml and sources.yaml"


class YamlMap(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class YamlList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


@dataclass(frozen=True)
class DataFiles:
    """The raw content of a data folder, before validation."""

    points: list[tuple[Path, Any]]
    conditions: tuple[Path, Any]
    sources: tuple[Path, Any]


class _Converter:
    """Nodes to plain values; a node reached twice (YAML anchors) is converted once, so an
    anchor that refers to itself, or a chain of them, cannot loop or blow up."""

    def __init__(self, file: Path):
        self.file = file
        self.problems: list[Problem] = []
        self.done: dict[int, Any] = {}
        self.scalars = yaml.SafeLoader("")

    def convert(self, node: yaml.Node) -> Any:
        if id(node) in self.done:
            return self.done[id(node)]
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result = self.done[id(node)] = YamlMap()
            result.line, result.key_lines = line, {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(self.file, key_line, "'<<' (a YAML merge key) is not supported",
                                                 hint="write the fields out in full"))
                    continue
                key = self.convert(key_node)
                key = key if isinstance(key, str) else str(key)
                if key in result:
                    self.problems.append(Problem(self.file, key_line, f"the field '{key}' appears twice in "
                                                 "the same entry", field=key, hint="keep one of them"))
                    continue
                result[key] = self.convert(value_node)
                result.key_lines[key] = key_line
            return result
        if isinstance(node, yaml.SequenceNode):
            items = self.done[id(node)] = YamlList()
            items.line, items.item_lines = line, []
            for child in node.value:
                items.append(self.convert(child))
                items.item_lines.append(child.start_mark.line + 1)
            return items
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # most values: plain text needs no constructor
        # The safe constructor, so that numbers, yes/no and dates mean what YAML says. It fails
        # in many ways (ValueError, KeyError, IndexError...) on an explicit !!tag it cannot apply,
        # or on a date that does not exist, so every failure is a problem with this value.
        try:
            value = self.scalars.construct_object(node, deep=True)
        except Exception:  # noqa: BLE001 - see above
            text, kind = node.value, node.tag.rsplit(":", 1)[-1]
            if kind == "timestamp":
                message, hint = (f"'{text}' looks like a date, but there is no such date",
                                 "correct the date, or put the value in quotes if it is not a date")
            else:
                message, hint = (f"the value '{text}' cannot be read as '{kind}'",
                                 "remove the tag (the word starting with !) in front of it, or put the "
                                 "value in quotes")
            self.problems.append(Problem(self.file, line, message, hint=hint, column=node.start_mark.column + 1))
            value = None
        self.done[id(node)] = value
        return value


def _compose(text: str) -> yaml.Node | None:
    """libyaml's composer when PyYAML has it; on any error, the pure-Python parser again, whose
    messages and marks the error reporting below is written for."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse one file; a syntax error becomes a Problem with the parser's line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path, None, f"the file is not UTF-8 text (byte {exc.start} cannot be read)",
                                 hint="save it as UTF-8 in your editor")]) from None
    except OSError as exc:
        raise DataError([Problem(path, None, f"the file cannot be read: {exc.strerror}")]) from None
    try:
        node = _compose(text)
        if node is None:
            return None
        converter = _Converter(path)
        value = converter.convert(node)
    except yaml.MarkedYAMLError as exc:
        raise DataError([_syntax_problem(path, exc, text.splitlines())]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise DataError([Problem(path, line, f"the file contains a control character (#x{exc.character:04x}) "
                                 "that YAML does not allow", hint="delete it; it is usually invisible, so "
                                 "retype the line")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(path, None, f"the file cannot be read as YAML ({exc})")]) from None
    except RecursionError:
        raise DataError([Problem(path, None, "the file is nested too deeply to read",
                                 hint="a point file is a list of points, each a list of fields")]) from None
    if converter.problems:
        raise DataError(converter.problems)
    return value


QUOTE_HINT = "put the whole text in quotes, e.g.  location: \"*Press* gently\""


def _indented_further(lines: list[str], index: int) -> bool:
    """Whether line `index` is indented deeper than the line above it, which does not open a block."""
    above = [line for line in lines[:index] if line.strip() and not line.lstrip().startswith("#")]
    if not above or index >= len(lines) or above[-1].rstrip().endswith((":", "|", ">", "|-", ">-")):
        return False

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" -"))

    return indent(lines[index]) > indent(above[-1])


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError, lines: list[str]) -> Problem:
    """The parser's complaint, in the words of someone editing a YAML file by hand."""
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    if "'\\t'" in problem or "tab character" in problem:
        message, hint = ("there is a tab character here; YAML files are indented with spaces only",
                         "replace the tab with spaces (most editors can insert spaces when you press Tab)")
    elif "quoted scalar" in context and "end of stream" in problem:
        mark = exc.context_mark or mark
        message, hint = ("the quote that opens here is never closed",
                         "add the closing quote at the end of the text, or remove the opening one")
    elif "escape character" in problem:
        message, hint = ("inside double quotes, a backslash (\\) must be followed by a known letter",
                         "write \\\\ for a backslash, or use single quotes instead of double quotes")
    elif "alias" in context or "anchor" in context or "undefined alias" in problem:
        message, hint = ("a value that starts with * or & must be in quotes", QUOTE_HINT)
    elif "that cannot start any token" in problem:
        message, hint = (f"a value cannot start with {problem.split(chr(39))[1]} unless it is in quotes",
                         QUOTE_HINT)
    elif "mapping values are not allowed" in problem and mark and _indented_further(lines, mark.line):
        message, hint = ("this line is indented further than the line above it",
                         "line it up with the field above (the same number of spaces)")
    elif "mapping values are not allowed" in problem:
        message, hint = ("there is a colon (:) here that cannot be read",
                         "if the text contains ': ', put the whole text in quotes; otherwise check that "
                         "this line is indented exactly like the field above it")
    elif "flow sequence" in context or "flow mapping" in context:
        start = exc.context_mark.line + 1 if exc.context_mark else None
        message, hint = (f"the list in [ ] or the fields in {{ }} that start on line {start} are not "
                         "written correctly",
                         "separate the items with commas, close the bracket, and put an item that "
                         "contains a comma, colon or quote in double quotes")
    elif "single document" in context:
        message, hint = ("the file holds a second YAML document (a line with ---)",
                         "remove the '---' line: one file holds one list")
    elif "<block end>" in problem or "entries are not allowed" in problem or "block" in context:
        message, hint = ("the indentation here does not match the lines above (or there is text after "
                         "a closing quote)",
                         "each field of an entry starts in the same column, and each entry starts "
                         "with '- ' in the same column as the entries before it")
    else:
        message, hint = (f"the YAML cannot be read here ({problem or context})",
                         "compare this line with a correct entry in the same file")
    return Problem(path, mark.line + 1 if mark else None, message, hint=hint,
                   column=mark.column + 1 if mark else None)


def load(data_dir: Path) -> DataFiles:
    """Find and parse every data file; all parse errors are collected, not just the first."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise DataError([Problem(data_dir, None, "the data folder does not exist", hint=DATA_HINT)])
    if not data_dir.is_dir():
        raise DataError([Problem(data_dir, None, "this is a file, not a folder", hint=DATA_HINT)])
    points_dir = data_dir / "points"
    conditions_path, sources_path = data_dir / "conditions.yaml", data_dir / "sources.yaml"
    if not any(p.exists() for p in (points_dir, conditions_path, sources_path)):
        raise DataError([Problem(data_dir, None, "the data folder is empty (it has no points/, "
                                 "conditions.yaml or sources.yaml)", hint=DATA_HINT)])
    problems: list[Problem] = []

    def parse(path: Path) -> Any:
        try:
            return read_yaml(path)
        except DataError as err:
            problems.extend(err.problems)
            return None

    point_files = sorted(points_dir.glob("*.yaml")) if points_dir.is_dir() else []
    if not point_files:
        problems.append(Problem(points_dir, None, "no point files found (expected points/<meridian>.yaml)",
                                hint="create points/<meridian>.yaml with a list of points; see the README"))
    for stray in sorted(points_dir.glob("*.yml")) if points_dir.is_dir() else []:
        problems.append(Problem(stray, None, "this file is not read: point files must end in .yaml",
                                hint=f"rename it to {stray.stem}.yaml"))
    points = [(path, parse(path)) for path in point_files]
    for path, why in ((conditions_path, "every point must be named in a condition"),
                      (sources_path, "every fact names its source, listed in sources.yaml")):
        if not path.is_file():
            problems.append(Problem(path, None, "the file is missing", hint=why + "; see the README"))
    conditions = (conditions_path, parse(conditions_path)) if conditions_path.is_file() else None
    sources = (sources_path, parse(sources_path)) if sources_path.is_file() else None
    if problems:
        raise DataError(problems)
    return DataFiles(points=points, conditions=conditions, sources=sources)
