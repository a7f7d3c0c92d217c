"""The README's recipes for a maintainer, each performed on a scratch copy of the package: a new
point field, a new card direction, a new view. A recipe that needs more steps than the README
says fails here first."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MEDIA, ROOT, SEED, import_apkg

PACKAGE = ROOT / "deckbuilder"
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the package, the seed data and the media, to change as a maintainer would."""
    shutil.copytree(PACKAGE, tmp_path / "deckbuilder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SEED, tmp_path / "data")
    shutil.copytree(MEDIA, tmp_path / "media")
    return tmp_path


def run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    """`python <args>` with the copy as the working folder, so its deckbuilder is the one imported."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=120)


def edit(path: Path, before: str, after: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(before) == 1, f"the recipe's anchor {before!r} is not in {path.name} once"
    path.write_text(text.replace(before, after), encoding="utf-8")


def points_read(copy: Path, expression: str) -> dict:
    """`expression` for each point of the copy's data, as the copy's validation makes the points."""
    code = ("import json, deckbuilder; from pathlib import Path; from deckbuilder.load import load; "
            "from deckbuilder.validate import validate; "
            "points = validate(load(Path('data')), Path('media')).points; "
            f"print(json.dumps({{'module': deckbuilder.__file__, 'values': {{p.id: {expression} for p in points}}}}))")
    done = run(copy, "-c", code)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert Path(found["module"]).parent == copy / "deckbuilder", "the copy's package was not the one run"
    return found["values"]


def test_recipe_add_a_point_field(scratch: Path):
    """README "Development": declare it in records.Point; a text needs no check of its own. The
    annotation is never read: `str | None`, `str|None` and `Optional[str]` work alike."""
    assert "declare it in `records.Point`" in README
    spellings = {"mnemonic": "str | None", "mnemonic_tight": "str|None", "mnemonic_optional": "Optional[str]"}
    edit(scratch / "deckbuilder" / "records.py", "    meridian: str = \"\"  # worked out from the code\n",
         "".join(f"    {name}: {annotation} = data(\"a memory aid\", required=False)\n"
                 for name, annotation in spellings.items())
         + "    meridian: str = \"\"  # worked out from the code\n")
    edit(scratch / "data" / "points" / "bladder.yaml", "- id: kunlun\n",
         "- id: kunlun\n" + "".join(f"  {name}: Kunlun, the mountain at the ankle\n" for name in spellings))

    done = run(scratch, "-m", "deckbuilder", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    values = points_read(scratch, "[p.mnemonic, p.mnemonic_tight, p.mnemonic_optional]")
    assert values["kunlun"] == ["Kunlun, the mountain at the ankle"] * 3
    assert values["shenshu"] == [None] * 3  # an optional field left out takes its default


def test_recipe_add_a_card_direction(scratch: Path, tmp_path: Path, collection):
    """README "Development": a card direction is a template in notetypes.py."""
    assert "To add a card direction: a template in `notetypes.py`" in README
    edit(scratch / "deckbuilder" / "notetypes.py", '            "name": "Code → name",\n',
         '            "name": "Hanzi → code",\n'
         '            "qfmt": \'<div class="hanzi">{{Hanzi}}</div><div class="ask">Its code?</div>\',\n'
         '            "afmt": \'{{FrontSide}}<hr id=answer><div class="graded">{{Code}}</div>\',\n'
         '        },\n        {\n'
         '            "name": "Code → name",\n')
    done = run(scratch, "-m", "deckbuilder", "build", "-o", "out/deck.apkg")
    assert done.returncode == 0, done.stdout + done.stderr

    import_apkg(collection, scratch / "out" / "deck.apkg")
    asked = collection.find_cards('card:"Hanzi → code"')
    assert len(asked) == 5  # one for each of the seed's five points
    answer = collection.get_card(asked[0]).answer()
    assert collection.get_card(asked[0]).note()["Code"] in answer


def test_recipe_add_a_view(scratch: Path):
    """README "Pictures": adding a view means adding a file in deckbuilder/atlas/views/."""
    assert "adding a view means adding a file" in README
    views = scratch / "deckbuilder" / "atlas" / "views"
    text = (views / "ankle-lateral.yaml").read_text(encoding="utf-8")
    (views / "ankle-outer.yaml").write_text(text.replace('title: "Right ankle, outer side"',
                                                         'title: "The outer ankle, again"'), encoding="utf-8")
    edit(scratch / "data" / "points" / "bladder.yaml", "diagram: {view: ankle-lateral, from:",
         "diagram: {view: ankle-outer, from:")

    done = run(scratch, "-m", "deckbuilder", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert points_read(scratch, "p.diagram.view")["kunlun"] == "ankle-outer"
