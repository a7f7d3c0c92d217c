"""Read the YAML data files: quickly, and again with the line of every value when there is a problem.

yaml-rs (a YAML 1.2 reader written in Rust) reads the values: it is about ten times faster than
PyYAML, and in YAML 1.2 only true/false are yes/no values (`no` or `on` stay text). Lines cost
as much again, so they are only looked up when a problem has to be shown: PyYAML composes the
same text into nodes that carry lines, and `with_lines` puts those lines on the values yaml-rs
read. PyYAML also words the syntax errors, which it marks more precisely.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

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
    """The raw content of a data folder, before validation.

    Values read by `load` are plain dicts and lists; `with_lines` gives them lines.
    """

    points: list[tuple[Path, Any]]
    conditions: tuple[Path, Any]
    sources: tuple[Path, Any]
    texts: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)


class _NodeChecker:
    """Finds, with their lines, the mistakes yaml-rs rejects without naming a line: a field twice
    in one entry, a value its explicit !!tag cannot be applied to. A node reached twice (YAML
    anchors) is checked once, so an anchor that refers to itself cannot loop."""

    def __init__(self, file: Path):
        self.file = file
        self.problems: list[Problem] = []
        self.done: set[int] = set()
        self.scalars = yaml.SafeLoader("")

    def check(self, node: yaml.Node) -> None:
        if id(node) in self.done:
            return
        self.done.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in keys:
                    self.problems.append(Problem(self.file, key_line, f"the field '{key}' appears twice in "
                                                 "the same entry", field=key, hint="keep one of them"))
                keys.add(key)
                self.check(key_node)
                self.check(value_node)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                self.check(child)
        elif node.tag != self.scalars.resolve(yaml.ScalarNode, node.value, (node.style is None, True)):
            # Only an explicit !!tag can fail: a plain value that looks like a date and is not one
            # is text in YAML 1.2. The constructor fails in many ways (ValueError, KeyError...).
            try:
                self.scalars.construct_object(node, deep=True)
            except Exception:  # noqa: BLE001 - see above
                text, kind = node.value, node.tag.rsplit(":", 1)[-1]
                self.problems.append(Problem(
                    self.file, node.start_mark.line + 1, f"the value '{text}' cannot be read as '{kind}'",
                    hint="remove the tag (the word starting with !) in front of it, or put the value in quotes",
                    column=node.start_mark.column + 1))


def _attach(node: yaml.Node, value: Any) -> Any:
    """`value` as yaml-rs read it, its mappings and lists rebuilt with the lines of `node`.

    Both readers see the same structure; where they do not agree, the value keeps no lines.
    """
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict) and len(node.value) == len(value):
        result = YamlMap()
        result.line, result.key_lines = node.start_mark.line + 1, {}
        for (key_node, value_node), (key, item) in zip(node.value, value.items()):
            result[key] = _attach(value_node, item)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list) and len(node.value) == len(value):
        items = YamlList(_attach(child, item) for child, item in zip(node.value, value))
        items.line, items.item_lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
        return items
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


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path, None, f"the file is not UTF-8 text (byte {exc.start} cannot be read)",
                                 hint="save it as UTF-8 in your editor")]) from None
    except OSError as exc:
        raise DataError([Problem(path, None, f"the file cannot be read: {exc.strerror}")]) from None


def _nodes(path: Path, text: str) -> yaml.Node | None:
    """PyYAML's node tree of the text; a syntax error becomes a Problem with its line and column."""
    try:
        return _compose(text)
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


DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:\s|$)", re.MULTILINE)
CONTENT_LINE = re.compile(r"^[ \t]*[^\s#%]", re.MULTILINE)


def _second_document(text: str) -> bool:
    """Whether a --- or ... line follows content or another such line (one leading --- is usual)."""
    if not (text.startswith(("---", "...")) or "\n---" in text or "\n..." in text):
        return False  # a plain substring search: the multi-line regex is slow on a big file
    first = DOCUMENT_MARKER.search(text)
    return first is not None and (CONTENT_LINE.search(text, 0, first.start()) is not None
                                  or DOCUMENT_MARKER.search(text, first.end()) is not None)


YAML_RS_PLACE = re.compile(r"at line (\d+), column (\d+)")


def _yaml_rs_problem(path: Path, exc: Exception) -> Problem:
    """For the rare mistake PyYAML reads without complaint: yaml-rs's place, and its reason in the
    words of someone editing by hand where we know them."""
    text = str(exc)
    place = YAML_RS_PLACE.search(text)
    reason = text.strip().splitlines()[-1] if place else text
    if reason.startswith("invalid indentation"):
        message, hint = ("this line is not indented enough for the [list] or {fields} it continues",
                         "indent it further than the field the list belongs to, or keep the list on one line")
    elif reason.startswith("':' must be followed by"):
        message, hint = ("the colon (:) here must be followed by a space, and a tab does not count",
                         "write one space after the colon; put a text that contains a colon in quotes")
    else:
        message, hint = (f"the YAML cannot be read here ({reason})",
                         "compare this line with a correct entry in the same file")
    return Problem(path, int(place.group(1)) if place else None, message, hint=hint,
                   column=int(place.group(2)) if place else None)


def read_yaml(path: Path) -> tuple[str, Any]:
    """The text of one file and its values; a mistake in the YAML raises DataError with its line."""
    text = _read_text(path)
    # yaml-rs lets invisible control characters through, and reads a file of several documents
    # (--- lines) as a list of them; PyYAML refuses both, naming the line.
    if yaml.reader.Reader.NON_PRINTABLE.search(text) or _second_document(text):
        _nodes(path, text)
    try:
        return text, yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        fast_error = exc
    node = _nodes(path, text)  # raises the syntax errors PyYAML finds too, in a person's words
    checker = _NodeChecker(path)
    if node is not None:
        checker.check(node)
    if checker.problems:
        raise DataError(checker.problems)
    raise DataError([_yaml_rs_problem(path, fast_error)])


def with_lines(files: DataFiles) -> DataFiles:
    """The same values, each mapping and list knowing its line (and its keys' and items'), to show
    where a problem is."""

    def located(path: Path, value: Any) -> Any:
        try:
            node = _nodes(path, files.texts[path])
        except DataError:  # yaml-rs read what PyYAML cannot: the value goes without lines
            return value
        return value if node is None else _attach(node, value)

    def pair(item: tuple[Path, Any] | None) -> tuple[Path, Any] | None:
        return None if item is None else (item[0], located(*item))

    return replace(files, points=[pair(item) for item in files.points], conditions=pair(files.conditions),
                   sources=pair(files.sources))


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


def _read_or_problems(path: Path) -> tuple[str, Any] | DataError:
    """One file's text and values, or its problems: load gathers them in file order."""
    try:
        return read_yaml(path)
    except DataError as err:
        return err


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
    point_files = sorted(points_dir.glob("*.yaml")) if points_dir.is_dir() else []
    if not point_files:
        problems.append(Problem(points_dir, None, "no point files found (expected points/<meridian>.yaml)",
                                hint="create points/<meridian>.yaml with a list of points; see the README"))
    for stray in sorted(points_dir.glob("*.yml")) if points_dir.is_dir() else []:
        problems.append(Problem(stray, None, "this file is not read: point files must end in .yaml",
                                hint=f"rename it to {stray.stem}.yaml"))
    paths = list(point_files)
    for path, why in ((conditions_path, "every point must be named in a condition"),
                      (sources_path, "every fact names its source, listed in sources.yaml")):
        if path.is_file():
            paths.append(path)
        else:
            problems.append(Problem(path, None, "the file is missing", hint=why + "; see the README"))
    # yaml-rs lets other threads run while it parses: two files at a time read 10,000 points in
    # 0.09 s instead of 0.12 s. The results are gathered in file order, as are the problems.
    with ThreadPoolExecutor(max_workers=2) as pool:
        read = dict(zip(paths, pool.map(_read_or_problems, paths)))
    texts: dict[Path, str] = {}
    values: dict[Path, Any] = {}
    for path, result in read.items():
        if isinstance(result, DataError):
            problems.extend(result.problems)
            values[path] = None
        else:
            texts[path], values[path] = result
    points = [(path, values[path]) for path in point_files]
    conditions = (conditions_path, values[conditions_path]) if conditions_path in values else None
    sources = (sources_path, values[sources_path]) if sources_path in values else None
    if problems:
        raise DataError(problems)
    return DataFiles(points=points, conditions=conditions, sources=sources, texts=texts)
