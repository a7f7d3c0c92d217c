"""The cautions of data/cautions.yaml are a rule that validation applies to every point."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckbuilder.cli import main
from deckbuilder.errors import DataError
from deckbuilder.load import load
from deckbuilder.validate import validate

from .conftest import DATA, MEDIA, examples

BASE = Path(__file__).parent / "bad_input" / "_base"
ANY_STAGE = "Pregnancy: do not press here at any stage"
FOURTH_MONTH = "Pregnancy: do not press here from the fourth month on"
# The points the review of issue 27 found without the caution the textbook rule gives them.
EXPECTED = {
    **dict.fromkeys(["BL27", "BL28", "BL29", "BL30", "BL35", "BL54", "GV1", "GV2", "BL53"],
                    f"{ANY_STAGE} (sacral region)."),
    **dict.fromkeys(["BL22", "BL23", "BL24", "BL25", "BL26", "BL51", "BL52", "GV3", "GV4", "GV5", "EX-B7"],
                    f"{FOURTH_MONTH} (lumbar region)."),
    **dict.fromkeys([f"CV{n}" for n in range(9, 16)] + [f"ST{n}" for n in range(19, 25)]
                    + [f"KI{n}" for n in range(17, 22)] + ["SP16", "LR13"], f"{FOURTH_MONTH} (upper abdomen)."),
    "GB26": f"{ANY_STAGE} (lower abdomen).",
    "CV1": f"{ANY_STAGE} (a point classically forbidden in pregnancy).",
}


@pytest.fixture(scope="module")
def shipped(shipped_deck):
    return {p.code: p for p in shipped_deck.dataset.points}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_point_carries_the_caution_its_region_gives(shipped, code):
    pregnancy = [c for c in shipped[code].cautions if "pregnan" in c.casefold()]
    assert pregnancy == [EXPECTED[code]]


@pytest.mark.parametrize("code", ["GV21", "GV22", "GV23", "GV24"])
def test_the_fontanelle_points_warn_about_babies(shipped, code):
    assert any("fontanelle" in c for c in shipped[code].cautions)


def test_lr13_asks_for_light_pressure_over_liver_and_spleen(shipped):
    assert any("press lightly" in c and "liver" in c for c in shipped["LR13"].cautions)


def test_a_point_the_rule_covers_cannot_lose_its_caution(tmp_path: Path):
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data/points/kidney.yaml"
    text = path.read_text(encoding="utf-8")
    caution = f'    - "{FOURTH_MONTH} (upper abdomen)."\n'
    assert text.count(caution) == 5  # KI17 to KI21
    path.write_text(text.replace(caution, "    - Press gently.\n", 1), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        validate(load(tmp_path / "data"), MEDIA)
    [problem] = raised.value.problems
    assert problem.point == "KI17 (shangqu)" and problem.field == "cautions"
    assert "the pregnancy rule" in problem.message and "(upper abdomen)" in problem.message
    assert problem.file == tmp_path / "data/points/kidney.yaml" and problem.line is not None


RULE_KEYS = st.sampled_from(["rule", "word", "explanation", "sources", "groups", "regions", "outside",
                             "where", "caution", "points", "rules"]) | st.text(max_size=8)
RULE_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
              st.sampled_from(["BL60", "BL40-BL60", "BL60-BL40", "EX-B7", "knee", "pregnan", "who-2008", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(RULE_KEYS, inner, max_size=5)),
    max_leaves=14)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=RULE_VALUES)
def test_any_cautions_file_gets_messages_never_a_traceback(tmp_path, rules):
    folder = tmp_path / "fuzz"
    shutil.copytree(BASE, folder, dirs_exist_ok=True)
    (folder / "data/cautions.yaml").write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
    err, here = io.StringIO(), os.getcwd()
    os.chdir(folder)  # the check's dist/ is the scenario's (none), not the one of the shipped deck
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "--data", str(folder / "data"), "--media", str(folder / "media")])
    finally:
        os.chdir(here)
    assert code in (0, 1) and "Traceback" not in err.getvalue()
    assert (code == 1) == err.getvalue().startswith("deckbuilder: ")
