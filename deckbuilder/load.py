"""Read the YAML data files with PyYAML, in one pass that keeps the line of every value.

The files are read as YAML 1.2 (the core schema): only true/false are yes/no values, so `no`,
`on` or a country code stay text, and neither dates nor `123_5` become anything but text. Every
mapping and list remembers its line and the lines of its keys and items, so a problem found
at any later step can say where it is.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .cache import Cache
from .errors import DataError, Problem, character_name

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
    measures: tuple[Path, Any] | None = None  # measures.yaml is optional
    skipped: tuple[tuple[Path, str], ...] = ()  # editors' and systems' leftovers: each with what it is


def leftover(name: str) -> str | None:
    """What a file in points/ is, if an editor or the system left it there: never data."""
    if name.startswith(".#"):
        return "an editor's lock file"
    if name.startswith("._"):
        return "a macOS metadata file"
    if name.endswith("~"):
        return "an editor's backup copy"
    if name.startswith(".") and name.endswith((".swp", ".swo", ".swx")):
        return "an editor's swap file"
    return None


# "\ud800" in double quotes: half of a character, which no text file or Anki field can hold.
_HALF = re.compile("[\ud800-\udfff]")
HALF_MESSAGE = "this \\u escape is not a character (\\ud800 to \\udfff are halves of one)"
HALF_HINT = "type the character itself, or give its whole code, e.g. \\u00e9 for é"


# A point file holds about 4,000 values, 5 levels deep. Aliases (*name) repeat a value without
# copying it, but whatever walks the values (the cache, validation) walks every repetition: 9
# levels of 9 aliases are 400 million values. So the shape is checked on the parsed nodes first.
MOST_VALUES = 200_000
DEEPEST = 50


def _shape_problem(root: yaml.Node, deep: bool = True) -> Problem | None:
    """More values than a data file holds once aliases are counted as the copies they stand for,
    and (`deep`) values nested too deeply; found without expanding anything (each node is seen
    once). Depth is refused only where building the values ran out of stack, so that whether a
    file may nest deeply never depends on an '&' somewhere in it."""
    values: dict[int, int] = {}  # node -> the values it stands for, itself included
    height: dict[int, int] = {}  # node -> its levels, itself included
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if isinstance(node, yaml.ScalarNode) or (id(node) in values and not children_done):
            continue
        children = [part for item in node.value for part in (item if isinstance(item, tuple) else (item,))]
        if not children_done:
            if deep and depth > DEEPEST:
                return _nested(node)
            values[id(node)] = 0  # on the path: an anchor inside itself is left to the constructor
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in children)
            continue
        values[id(node)] = 1 + sum(values.get(id(child), 1) for child in children)
        height[id(node)] = 1 + max((height.get(id(child), 1) for child in children), default=0)
        if deep and height[id(node)] > DEEPEST:
            return _nested(node)
        if values[id(node)] > MOST_VALUES:
            return Problem(None, node.start_mark.line + 1,
                           f"with the aliases (*name) in it, this value stands for more than {MOST_VALUES:,} "
                           "values, far more than any data file holds",
                           hint="write the values out instead of repeating them with & and *",
                           column=node.start_mark.column + 1)
    return None


def _nested(node: yaml.Node) -> Problem:
    return Problem(None, node.start_mark.line + 1, f"the values here are nested more than {DEEPEST} levels deep "
                   "(lists in lists, or fields in fields)", hint=NESTED_HINT, column=node.start_mark.column + 1)


NESTED_HINT = "a point file is a list of points, each with its fields; check the brackets and the indentation"


class _Kept:
    """What a PyYAML safe loader adds for us: no duplicate keys, the lines kept, our own messages."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # An alias needs an anchor (&name): a text without '&' repeats nothing, and is checked
        # only if building its values runs too deep (about 5 ms saved per point file).
        self.may_repeat = not isinstance(stream, str) or "&" in stream

    def construct_document(self, node: yaml.Node) -> Any:
        problem = _shape_problem(node, deep=False) if self.may_repeat else None
        if problem is not None:
            raise DataError([problem])
        try:
            return super().construct_document(node)
        except RecursionError:
            problem = _shape_problem(node)
            if problem is None:
                raise
            raise DataError([problem]) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
        result = YamlMap()
        result.line, result.key_lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                raise DataError([Problem(None, line, "a field name must be a word",
                                         hint="write the name followed by a colon, e.g. code: BL60")])
            key = str(key)  # `2008:` names a source as well as `who-2008:` does
            if key in result:
                raise DataError([Problem(None, line, f"the field '{key}' appears twice in the same entry",
                                         field=key, hint="keep one of them")])
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YamlList:
        items = YamlList(self.construct_object(child, deep=True) for child in node.value)
        items.line, items.item_lines = node.start_mark.line + 1, [c.start_mark.line + 1 for c in node.value]
        return items

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if isinstance(node, yaml.ScalarNode) and _HALF.search(node.value):  # libyaml refuses it when scanning
            raise DataError([Problem(None, node.start_mark.line + 1, HALF_MESSAGE, hint=HALF_HINT,
                                     column=node.start_mark.column + 1)])
        try:
            return super().construct_object(node, deep=deep)
        except (DataError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - a constructor fails in many ways (ValueError, KeyError...)
            if isinstance(node, yaml.ScalarNode):
                kind = node.tag.rsplit(":", 1)[-1]
                raise DataError([Problem(None, node.start_mark.line + 1,
                                         f"the value '{node.value}' cannot be read as '{kind}'",
                                         hint="remove the tag (the word starting with !) in front of it, "
                                         "or put the value in quotes",
                                         column=node.start_mark.column + 1)]) from exc
            raise


def _int(loader: yaml.BaseLoader, node: yaml.ScalarNode) -> int:
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)  # YAML 1.2: 012 is twelve, not an octal ten


# The YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2); anything else is text.
_CORE = (
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
)


def loader_on(base: type) -> type:
    """A loader class on one of PyYAML's safe loaders (libyaml's, or the pure-Python one)."""
    loader = type("Loader", (_Kept, base), {"yaml_implicit_resolvers": {}})
    for tag, pattern, first in _CORE:
        loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), first)
    loader.add_constructor("tag:yaml.org,2002:int", _int)
    # Built whole, not in two steps as PyYAML does: an anchor that contains itself is refused.
    loader.add_constructor("tag:yaml.org,2002:map", loader.construct_mapping)
    loader.add_constructor("tag:yaml.org,2002:seq", loader.construct_sequence)
    return loader


Loader = loader_on(getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml where PyYAML was built with it


def _read_text(path: Path) -> str:
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise DataError([Problem(path, None, f"this is {kind}, not a YAML file",
                                 hint="a data file is a plain text file")])
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.object.rfind(b"\n", 0, exc.start) + 1
        column = len(exc.object[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError([Problem(path, exc.object.count(b"\n", 0, exc.start) + 1,
                                 f"the file is not UTF-8 text: a character here was saved in another "
                                 f"encoding (byte 0x{exc.object[exc.start]:02X})",
                                 hint="save the file as UTF-8 in your editor, then check this character",
                                 column=column)]) from None
    except OSError as exc:
        raise DataError([Problem(path, None, f"the file cannot be read: {exc.strerror}",
                                 hint="check that you may read it (its permissions)")]) from None


def read_yaml(path: Path, cache: Cache | None = None) -> Any:
    """The values of one file; a mistake in the YAML raises DataError with its line. A file
    `cache` has read before (the same text) is taken from it."""
    return parse_text(path, _read_text(path), cache)


def parse_text(path: Path, text: str, cache: Cache | None = None, kind: str = "data") -> Any:
    """The values of `text`, read from `path` (which the messages name): every YAML file of the
    project, data or view, is read by this one loader. `kind` keeps the cache's entries apart."""
    if cache is None:
        return _parse(path, text)
    return cache.parsed(kind, text, functools.partial(_parse, path), _stored, _revived)


def _stored(value: Any) -> str:
    """JSON of a file's values with their lines: a mapping as {"m": [line, [[key, line, value]…]]},
    a list as {"l": [line, [item lines], [items]]}; anything else read from YAML is refused."""
    def walk(v: Any) -> Any:
        if isinstance(v, YamlMap):
            return {"m": [v.line, [[k, v.key_lines[k], walk(item)] for k, item in v.items()]]}
        if isinstance(v, YamlList):
            return {"l": [v.line, v.item_lines, [walk(item) for item in v]]}
        if v is None or isinstance(v, (str, bool, int, float)):
            return v
        raise TypeError(f"a {type(v).__name__} is not stored")  # e.g. a value tagged !!binary
    return json.dumps(walk(value))


def _revived(stored: str) -> Any:
    def revive(wrapped: dict) -> Any:  # every JSON object in `stored` is a mapping's or a list's wrapper
        if "m" in wrapped:
            line, entries = wrapped["m"]
            found = YamlMap((key, value) for key, _, value in entries)
            found.line, found.key_lines = line, {key: key_line for key, key_line, _ in entries}
        else:
            line, lines, items = wrapped["l"]
            found = YamlList(items)
            found.line, found.item_lines = line, lines
        return found
    return json.loads(stored, object_hook=revive)


def _parse(path: Path, text: str) -> Any:
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a safe loader
    except DataError as err:
        raise DataError([Problem(path, p.line, p.message, p.point, p.field, p.hint, p.entry, p.column)
                         for p in err.problems]) from None
    except RecursionError:
        raise DataError([Problem(path, None, "the file is nested too deeply to read", hint=NESTED_HINT)]) from None
    except yaml.constructor.ConstructorError as exc:  # e.g. an anchor that contains itself
        mark = exc.problem_mark
        raise DataError([Problem(path, mark.line + 1 if mark else None, f"the value cannot be read ({exc.problem})",
                                 hint="write the value out instead of referring to it with * or &")]) from None
    except yaml.YAMLError as exc:
        refused = exc
    if isinstance(refused, yaml.MarkedYAMLError) and "maximum nesting depth" in str(refused.problem):
        mark = refused.problem_mark  # libyaml stops at 1,000 levels; PyYAML's own parser would recurse
        raise DataError([Problem(path, mark.line + 1 if mark else None, f"the values here are nested more than "
                                 f"{DEEPEST} levels deep (lists in lists, or fields in fields)", hint=NESTED_HINT,
                                 column=mark.column + 1 if mark else None)])
    # libyaml and PyYAML's own parser find the same mistakes; the latter's messages and marks
    # are the ones the wording below is written for.
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise DataError([_syntax_problem(path, exc, text.splitlines())]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise DataError([Problem(path, line, "the file contains a character that YAML does not allow "
                                 f"(U+{exc.character:04X} {character_name(chr(exc.character))})",
                                 hint="delete it; it is usually invisible, so retype the line")]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise DataError([Problem(path, None, f"the file cannot be read as YAML ({exc})")]) from None
    if isinstance(refused, yaml.MarkedYAMLError):  # what only libyaml refuses, e.g. "\\ud800"
        raise DataError([_syntax_problem(path, refused, text.splitlines())])
    raise DataError([Problem(path, None, f"the file cannot be read as YAML ({refused})")])


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
    elif "Unicode character escape" in problem:
        message, hint = HALF_MESSAGE, HALF_HINT
    elif "alias" in context or "anchor" in context or "undefined alias" in problem:
        message, hint = ("a value that starts with * or & must be in quotes", QUOTE_HINT)
    elif "that cannot start any token" in problem:
        message, hint = (f"a value cannot start with {problem.split(chr(39))[1]} unless it is in quotes",
                         QUOTE_HINT)
    elif "mapping values are not allowed" in problem and mark and _indented_further(lines, mark.line):
        message, hint = ("this line is indented further than the line above it",
                         "line it up with the field above (the same number of spaces)")
    elif "mapping values are not allowed" in problem or "unexpected ':'" in problem:
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


def _folder_problem(path: Path) -> Problem | None:
    """Why a folder that exists cannot be listed, if it cannot."""
    try:
        next(path.iterdir(), None)
    except OSError as exc:
        return Problem(path, None, f"the folder cannot be read: {exc.strerror}",
                       hint="check that you may read it (its permissions)")
    return None


def load(data_dir: Path, cache: Cache | None = None) -> DataFiles:
    """Find and parse every data file; all parse errors are collected, not just the first."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise DataError([Problem(data_dir, None, "the data folder does not exist", hint=DATA_HINT)])
    if not data_dir.is_dir():
        raise DataError([Problem(data_dir, None, "this is a file, not a folder", hint=DATA_HINT)])
    unreadable = _folder_problem(data_dir)
    if unreadable:
        raise DataError([unreadable])
    points_dir = data_dir / "points"
    conditions_path, sources_path = data_dir / "conditions.yaml", data_dir / "sources.yaml"
    if not any(p.exists() for p in (points_dir, conditions_path, sources_path)):
        raise DataError([Problem(data_dir, None, "the data folder is empty (it has no points/, "
                                 "conditions.yaml or sources.yaml)", hint=DATA_HINT)])
    problems: list[Problem] = []
    point_files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    unreadable = _folder_problem(points_dir) if points_dir.is_dir() else None
    if unreadable:
        problems.append(unreadable)
    elif points_dir.is_dir():
        for path in sorted(points_dir.iterdir()):
            suffix = path.suffix
            if leftover(path.name):
                skipped.append((path, leftover(path.name)))
            elif suffix == ".yaml":
                point_files.append(path)
            elif suffix.lower() in (".yaml", ".yml"):
                problems.append(Problem(path, None, "this file is not read: point files must end in .yaml "
                                        "(lower case)", hint=f"rename it to {path.stem}.yaml"))
        if not point_files and not problems:
            problems.append(Problem(points_dir, None, "no point files found (expected points/<meridian>.yaml)",
                                    hint="create points/<meridian>.yaml with a list of points; see the README"))
    else:
        problems.append(Problem(points_dir, None, "the folder of point files is missing" if not points_dir.exists()
                                else "this is a file, not the folder of point files",
                                hint="create points/<meridian>.yaml with a list of points; see the README"))
    values: dict[Path, Any] = {}
    for path in point_files:
        try:
            values[path] = read_yaml(path, cache)
        except DataError as err:
            problems.extend(err.problems)
    for path, why in ((conditions_path, "every point must be named in a condition"),
                      (sources_path, "every fact names its source, listed in sources.yaml")):
        if not path.exists() and not path.is_symlink():
            problems.append(Problem(path, None, "the file is missing", hint=why + "; see the README"))
            continue
        try:
            values[path] = read_yaml(path, cache)
        except DataError as err:
            problems.extend(err.problems)
    measures_path = data_dir / "measures.yaml"
    if measures_path.exists() or measures_path.is_symlink():
        try:
            values[measures_path] = read_yaml(measures_path, cache)
        except DataError as err:
            problems.extend(err.problems)
    if problems:
        raise DataError(problems)
    return DataFiles(points=[(path, values[path]) for path in point_files],
                     conditions=(conditions_path, values[conditions_path]),
                     sources=(sources_path, values[sources_path]), skipped=tuple(skipped),
                     measures=(measures_path, values[measures_path]) if measures_path in values else None)
