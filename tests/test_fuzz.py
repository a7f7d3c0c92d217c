"""Whatever is in the data files, the command line answers with messages, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckbuilder.cli import main
from deckbuilder.markup import inline, plain

from .conftest import examples

BASE = Path(__file__).parent / "bad_input" / "_base"
FILES = ["data/points/bladder.yaml", "data/conditions.yaml", "data/sources.yaml"]
FUZZ = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                    st.sampled_from(["kunlun", "BL60", "bl 60", "UB60", "who-2008", "old-bladder",
                                     "ankle.png", "../x.png", "<b>x</b>", "*x*", "back", ""]))
keys = st.text(max_size=12) | st.sampled_from(
    ["id", "code", "system", "view", "x", "y", "point", "note", "diagram", "images", "legacy_codes",
     "article_only", "sources", "numbering_systems", "year"])
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="deckbuilder-fuzz-") as folder:
        shutil.copytree(BASE, folder, dirs_exist_ok=True)
        yield Path(folder)


def check(folder: Path, file: str, text: str | bytes) -> None:
    """Write one data file, run `deckbuilder check`: exit 0 or 1, and 1 only with a message."""
    original = (BASE / file).read_text(encoding="utf-8")
    if isinstance(text, bytes):
        (folder / file).write_bytes(text)
    else:
        (folder / file).write_text(text, encoding="utf-8", errors="surrogatepass")
    err, here = io.StringIO(), os.getcwd()
    try:
        os.chdir(folder)  # the check's dist/ is the scenario's (none), not the one of the shipped deck
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "--data", str(folder / "data"), "--media", str(folder / "media")])
    finally:
        os.chdir(here)
        (folder / file).write_text(original, encoding="utf-8")
    assert code in (0, 1)
    assert (code == 1) == err.getvalue().startswith("deckbuilder: ")
    for problem in err.getvalue().splitlines()[1:]:  # a mistake in the text itself names its line
        if not problem.startswith("    ") and any(w in problem for w in ("YAML", "UTF-8", "character", "escape")):
            assert ", line " in problem, problem


def _paths(value, prefix=()):
    """Every place in a loaded YAML structure that a value could be replaced."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _replace(value, path, new):
    if not path:
        return new
    value[path[0]] = _replace(value[path[0]], path[1:], new)
    return value


@FUZZ
@given(file=st.sampled_from(FILES), data=st.data(), new=values)
def test_any_value_anywhere(workdir, file, data, new):
    tree = yaml.safe_load((BASE / file).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(list(_paths(tree))))
    check(workdir, file, yaml.safe_dump(_replace(tree, path, new), allow_unicode=True))


@FUZZ
@given(file=st.sampled_from(FILES), data=st.data(), key=keys, new=values)
def test_any_extra_field(workdir, file, data, key, new):
    tree = yaml.safe_load((BASE / file).read_text(encoding="utf-8"))
    maps = [p for p in _paths(tree) if isinstance(_get(tree, p), dict)]
    target = _get(tree, data.draw(st.sampled_from(maps)))
    target[key] = new
    check(workdir, file, yaml.safe_dump(tree, allow_unicode=True))


def _get(value, path):
    for step in path:
        value = value[step]
    return value


@FUZZ
@given(file=st.sampled_from(FILES), data=st.data(),
       junk=st.text(alphabet=st.characters(codec="utf-8"), max_size=20)
       | st.sampled_from(["\t", ":", "- ", "  ", '"', "'", "*", "&a", "*a", "!!int", "{", "[", "---\n", "\n",
                         '"\\ud83d"', ', x:', '"\\x"']))
def test_any_text_spliced_in(workdir, file, data, junk):
    text = (BASE / file).read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    check(workdir, file, text[:start] + junk + text[end:])


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_as_a_point_file(workdir, text):
    check(workdir, FILES[0], text)


@FUZZ
@given(file=st.sampled_from(FILES), data=st.data(),
       junk=st.sampled_from([b"\xe9", b"\xfc", b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x00", b"\r\n"]))
def test_any_bytes_spliced_in(workdir, file, data, junk):
    """A file saved in another encoding, or with a stray byte: the line and column, no traceback."""
    raw = (BASE / file).read_bytes()
    at = data.draw(st.integers(0, len(raw)))
    check(workdir, file, raw[:at] + junk + raw[at:])


# The markup as first written, as regexes: quadratic on many unclosed marks, but right.
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


@settings(max_examples=1000, deadline=None)
@given(text=st.text(alphabet="*** ab\n\t\u00a0<[", max_size=30))
def test_markup_reads_as_the_regexes_did(text):
    escaped = plain(text)
    assert inline(text) == _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", escaped)).replace(
        "\n", "<br>")


def test_markup_takes_linear_time():
    """40 kB of unclosed ** took 12 s; 160 kB over two minutes."""
    for text in ("**a " * 10_000, "*a " * 13_000, "a**" * 13_000 + "\n" + "* " * 20_000):  # 40 kB each
        started = time.perf_counter()
        inline(text)
        assert time.perf_counter() - started < 1.5, text[:10]
