"""The schema of a view file (views/*.yaml) and its check: a mistake in a view is a message with
the file and line, and a did-you-mean for a field, a style, a landmark or a base view, never a
traceback from the drawing code."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..load import YamlMap

# What a view file may write, each with whether it must. A close-up takes its outline, landmarks,
# scales, curves, orientation and overview from its base view. `camera` places the view on the 3D body
# (tools/render_atlas.py checks its fields); `body_landmarks` names, for each landmark of a view drawn
# on the body, the body's landmark it is (body/landmarks.yaml; tests/test_body.py projects and compares).
FIELDS = {"title": True, "height": True, "bounds": True, "orientation": True, "label_columns": True,
          "overview": True, "landmarks": False, "scales": False, "curves": False, "outline": True,
          "drawing": True, "camera": False, "picture": False, "body_landmarks": False}
PICTURES = ["body"]  # `picture: body`: the view shows the rendered 3D body (body/pictures/<view>.png)
CLOSE_UP_FIELDS = {"title": True, "close_up_of": True, "with_base_drawing": False, "height": True,
                   "bounds": True, "label_columns": True, "drawing": True, "camera": False, "picture": False}
SHAPES = ("closed", "open", "ellipse")
DRAWN_FIELDS = {"key": True, "style": True, "label": False, "anchor": False, "side": False, "label_at": False,
                **dict.fromkeys(SHAPES, False)}
SCALE_FIELDS = {"from": True, "to": True, "cun": True, "axis": True}
CURVE_FIELDS = {"along": True, "cun": False}
OVERVIEW_FIELDS = {"figure": True, "map": True}


def _suggest(name: object, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(str(name), known, n=1)
    return f"did you mean '{close[0]}'?" if close else f"{what}: " + (", ".join(known) or "none")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, (str, int, float)):
        return f"'{value}'"
    return "a list" if isinstance(value, list) else "fields with values" if isinstance(value, dict) else "nothing"


class _Check:
    """The mistakes of one view file; each check says whether the value can be used."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.path, self.problems = path, problems

    def report(self, where: Any, key: str | None, message: str, hint: str, entry: str | None = None) -> None:
        line = getattr(where, "key_lines", {}).get(key, getattr(where, "line", None))
        self.problems.append(Problem(self.path, line, message, field=key, hint=hint, entry=entry))

    def fields(self, value: Any, spec: Mapping[str, bool], what: str, entry: str | None = None) -> bool:
        """Unknown and missing fields reported; whether every required one is there to be checked."""
        if not isinstance(value, dict):
            self.report(value, None, f"expected the fields of a {what}, found {_shown(value)}",
                        "write it as {key: value, ...}", entry)
            return False
        meant = set()
        for key in value:
            if key not in spec:
                meant.update(difflib.get_close_matches(str(key), list(spec), n=1))
                self.report(value, key, f"a {what} has no field '{key}'", _suggest(key, list(spec), "its fields"),
                            entry)
        for key, required in spec.items():
            if required and key not in value and key not in meant:  # a misspelt field is not also missing
                self.report(value, None, f"the {what} has no '{key}'", f"add '{key}:'", entry)
        return all(key in value for key, required in spec.items() if required)  # what is there can be checked

    def numbers(self, where: Any, key: str, count: int | None, entry: str | None = None) -> bool:
        """`where[key]` is a number (`count` None) or a list of `count` numbers."""
        value = where[key]
        items = [value] if count is None else value if isinstance(value, list) and len(value) == count else [None]
        if all(_number(v) for v in items):
            return True
        wanted, example = ("a number", "12.5") if count is None else (
            f"a list of {count} numbers", str([10 * (i + 1) for i in range(count)]))
        self.report(where, key, f"'{key}' must be {wanted}, found {_shown(value)}", f"e.g. {key}: {example}", entry)
        return False

    def text(self, where: Any, key: str, entry: str | None = None) -> bool:
        if isinstance(where[key], str) and where[key].strip():
            return True
        self.report(where, key, f"'{key}' must be a text, found {_shown(where[key])}", "put the text in quotes",
                    entry)
        return False

    def choice(self, where: Any, key: str, known: list[str], what: str, entry: str | None = None) -> bool:
        if where[key] in known:
            return True
        self.report(where, key, f"there is no {what} '{where[key]}'", _suggest(where[key], known, what + "s"), entry)
        return False

    def items(self, raw: Any, key: str) -> list:
        if key not in raw:
            return []
        if not isinstance(raw[key], list):
            self.report(raw, key, f"'{key}' must be a list, found {_shown(raw[key])}", "write each item on a '- ' line")
            return []
        return raw[key]

    def shape(self, item: Mapping, entry: str) -> bool:
        kinds = [k for k in SHAPES if k in item]
        if len(kinds) != 1:
            self.report(item, None, f"a shape is one of {', '.join(SHAPES)}; found {len(kinds)} of them",
                        "e.g. closed: [[0, 0], [10, 0], [10, 10]], open: [[0, 0], [10, 5]] or "
                        "ellipse: [cx, cy, rx, ry]", entry)
            return False
        kind = kinds[0]
        if kind == "ellipse":
            return self.numbers(item, kind, 4, entry)
        points = item[kind]
        # a point is [x, y], or [x, y, 1] for a corner
        if not isinstance(points, list) or len(points) < 2 or not all(
                isinstance(p, list) and len(p) in (2, 3) and all(_number(v) for v in p) for p in points):
            self.report(item, kind, f"'{kind}' must list at least two points, each [x, y] or [x, y, 1] (a corner)",
                        "e.g. [[0, 0], [10, 5, 1], [20, 0]]", entry)
            return False
        return True


def check_view(path: Path, raw: Any, raws: Mapping[str, Any], figures: list[str], problems: list[Problem]) -> bool:
    """Whether a view file's values can be used; every mistake found is added to `problems`.
    `raws`: every view file's values by name (a close-up names its base), `figures`: figures.yaml's."""
    from .svg import _STYLES  # the styles the drawing code draws (svg reads the views: imported late)
    check = _Check(path, problems)
    if not isinstance(raw, YamlMap):
        check.report(raw, None, "a view file holds the fields of one view, starting with title:",
                     "compare it with another file in views/")
        return False
    close_up = "close_up_of" in raw
    if not check.fields(raw, CLOSE_UP_FIELDS if close_up else FIELDS, "close-up view" if close_up else "view"):
        return False
    ok = [check.text(raw, "title"), check.numbers(raw, "height", None), check.numbers(raw, "bounds", 4),
          check.numbers(raw, "label_columns", 2)]
    if "picture" in raw:
        ok.append(check.choice(raw, "picture", PICTURES, "picture"))
    if "camera" in raw and not isinstance(raw["camera"], dict):  # its fields are the 3D body's to check
        check.report(raw, "camera", f"'camera' holds fields with values, found {_shown(raw['camera'])}",
                     "e.g. camera: {side: back, crop: [x0, y0, x1, y1]}")
        ok.append(False)
    if "body_landmarks" in raw and not (isinstance(raw["body_landmarks"], dict) and all(
            isinstance(v, str) for v in raw["body_landmarks"].values())):
        check.report(raw, "body_landmarks", "'body_landmarks' maps each of the view's landmarks to a landmark of "
                     "the body", "e.g. body_landmarks: {popliteal-crease-middle: popliteal-crease-middle}")
        ok.append(False)
    landmarks: list[str] = []
    if close_up:
        bases = sorted(n for n, r in raws.items() if isinstance(r, dict) and "close_up_of" not in r)
        ok.append(check.choice(raw, "close_up_of", bases, "base view"))
        if not isinstance(raw.get("with_base_drawing", False), bool):
            check.report(raw, "with_base_drawing", f"'with_base_drawing' is true or false, found "
                         f"{_shown(raw['with_base_drawing'])}", "e.g. with_base_drawing: true")
            ok.append(False)
    else:
        captions = raw["orientation"]
        if not (isinstance(captions, list) and len(captions) == 2 and all(isinstance(c, str) for c in captions)):
            check.report(raw, "orientation", f"'orientation' is two captions, found {_shown(captions)}",
                         'e.g. orientation: ["← back", "front →"] (true and false are yes/no values, not text)')
            ok.append(False)
        overview = raw["overview"]
        ok.append(check.fields(overview, OVERVIEW_FIELDS, "overview", "overview")
                  and check.choice(overview, "figure", figures, "figure", "overview")
                  and check.numbers(overview, "map", 3, "overview"))
        marks = raw.get("landmarks", YamlMap())
        if isinstance(marks, dict):
            landmarks = list(marks)
            ok += [check.numbers(marks, key, 2, "landmarks") for key in marks]
        else:
            check.report(raw, "landmarks", f"'landmarks' are names with positions, found {_shown(marks)}",
                         "e.g. navel: [120, 300], each on its own line")
            ok.append(False)
        for index, item in enumerate(check.items(raw, "outline")):
            entry = f"outline shape {index + 1}"
            ok.append(check.fields(item, dict.fromkeys(SHAPES, False), "shape", entry) and check.shape(item, entry))
    drawn: list[str] = []
    for item in check.items(raw, "drawing"):
        entry = f"drawn structure '{item.get('key')}'" if isinstance(item, dict) else "drawn structure"
        if not check.fields(item, DRAWN_FIELDS, "drawn structure", entry):
            ok.append(False)
            continue
        drawn.append(str(item["key"]))
        ok += [check.choice(item, "style", list(_STYLES), "style", entry), check.shape(item, entry)]
        ok += [check.numbers(item, key, 2, entry) for key in ("anchor", "label_at") if key in item]
        ok += [check.text(item, "label", entry)] if "label" in item else []
        ok += [check.choice(item, "side", ["left", "right"], "side", entry)] if "side" in item else []
    for item in check.items(raw, "scales"):
        ok.append(check.fields(item, SCALE_FIELDS, "scale", "scales") and all(
            [*(check.choice(item, end, landmarks, "landmark", "scales") for end in ("from", "to")),
             check.numbers(item, "cun", None, "scales"), check.choice(item, "axis", ["x", "y"], "axis", "scales")]))
    for item in check.items(raw, "curves"):
        ok.append(check.fields(item, CURVE_FIELDS, "measured line", "curves") and all(
            [check.choice(item, "along", drawn, "drawn line", "curves"),
             "cun" not in item or check.numbers(item, "cun", None, "curves")]))
    return all(ok)
