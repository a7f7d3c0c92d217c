"""The view files are data: read with the data's YAML 1.2 loader and checked, so a mistake in one
is a message with its file and line (and a did-you-mean), never a traceback from the drawing code."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from deckbuilder.atlas import views
from deckbuilder.errors import DataError
from tests.test_recipes import README, edit, run, scratch  # noqa: F401 - scratch is a fixture

ATLAS = Path(str(resources.files("deckbuilder.atlas")))


@pytest.fixture
def atlas_copy(tmp_path: Path) -> Path:
    """The view files, figures.yaml and the rendered pictures, to break one of them."""
    shutil.copytree(ATLAS / "views", tmp_path / "views")
    shutil.copytree(ATLAS / "body" / "pictures", tmp_path / "body" / "pictures")
    shutil.copy(ATLAS / "figures.yaml", tmp_path / "figures.yaml")
    return tmp_path


def problems_after(folder: Path, view: str, before: str, after: str) -> list:
    edit(folder / "views" / f"{view}.yaml", before, after)
    with pytest.raises(DataError) as caught:
        views.load_folder(folder)
    return caught.value.problems


def line_of(folder: Path, view: str, text: str) -> int:
    lines = (folder / "views" / f"{view}.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_shipped_views_pass():
    loaded, figures = views.load_folder(ATLAS)
    assert set(loaded) == set(views.VIEWS) and set(figures)


def test_a_misspelt_field(atlas_copy: Path):
    (problem,) = problems_after(atlas_copy, "ankle-lateral", "\ntitle:", "\ntitel:")
    assert problem.file == atlas_copy / "views" / "ankle-lateral.yaml"
    assert problem.line == line_of(atlas_copy, "ankle-lateral", "titel:")
    assert "a view has no field 'titel'" in problem.message and problem.hint == "did you mean 'title'?"


def test_an_unknown_style(atlas_copy: Path):
    (problem,) = problems_after(atlas_copy, "ankle-lateral", "{key: fibula, style: faint-bone,",
                                "{key: fibula, style: shaded,")
    assert problem.line == line_of(atlas_copy, "ankle-lateral", "style: shaded")
    assert "there is no style 'shaded'" in problem.message and problem.hint == "did you mean 'shade'?"
    assert "drawn structure 'fibula'" in str(problem)


def test_yes_and_no_are_text_and_true_is_not_a_caption(atlas_copy: Path):
    """YAML 1.2, as the data files: `no` and `yes` are words; true and false are yes/no values."""
    view = "ankle-lateral"
    edit(atlas_copy / "views" / f"{view}.yaml", 'orientation: ["← back (heel)", "front (toes) →"]',
         "orientation: [no, yes]")
    assert views.load_folder(atlas_copy)[0][view].orientation == ("no", "yes")
    (problem,) = problems_after(atlas_copy, view, "orientation: [no, yes]", "orientation: [true, false]")
    assert problem.line == line_of(atlas_copy, view, "orientation:")
    assert "'orientation' is two captions, found a list" in problem.message


def test_a_misspelt_landmark_in_a_scale(atlas_copy: Path):
    (problem,) = problems_after(atlas_copy, "ankle-lateral", "{from: lateral-malleolus-prominence, to:",
                                "{from: lateral-maleolus-prominence, to:")
    assert problem.line == line_of(atlas_copy, "ankle-lateral", "lateral-maleolus-prominence")
    assert "there is no landmark 'lateral-maleolus-prominence'" in problem.message
    assert problem.hint == "did you mean 'lateral-malleolus-prominence'?"


def test_a_misspelt_base_view_and_a_missing_field(atlas_copy: Path):
    found = problems_after(atlas_copy, "foot-medial", "close_up_of: leg-medial", "close_up_of: leg-medail")
    assert [p.hint for p in found] == ["did you mean 'leg-medial'?"]
    edit(atlas_copy / "views" / "foot-medial.yaml", "leg-medail", "leg-medial")
    found = problems_after(atlas_copy, "knee-back", "\nheight:", "\n# height:")
    assert [p.message for p in found] == ["the view has no 'height'"]


def test_numbers_and_shapes(atlas_copy: Path):
    found = problems_after(atlas_copy, "ankle-lateral", "bounds: [56, 0, 276, 200]", "bounds: [56, 0, 276]")
    assert [p.message for p in found] == ["'bounds' must be a list of 4 numbers, found a list"]
    found = problems_after(atlas_copy, "ankle-lateral", "ellipse: [146, 118, 13, 17]", "ellipse: [146, 118, 13]")
    assert "'ellipse' must be a list of 4 numbers" in found[1].message and "lateral-malleolus" in str(found[1])


def test_a_camera_and_a_rendered_picture(atlas_copy: Path):
    """The 3D body places each view with a `camera:` mapping; `picture: body` shows its rendering."""
    camera = "camera: {side: right, depth: [-40, 0], crop: [-7, -83, 21, -57]}"
    (problem,) = problems_after(atlas_copy, "ankle-lateral", camera, "camera: 180")
    assert problem.message == "'camera' holds fields with values, found '180'"
    edit(atlas_copy / "views" / "ankle-lateral.yaml", "camera: 180", camera)
    (problem,) = problems_after(atlas_copy, "knee-back", "picture: body", "picture: bodi")
    assert problem.message == "there is no picture 'bodi'" and problem.hint == "did you mean 'body'?"


def test_a_broken_view_file_is_a_message_from_check(scratch: Path):  # noqa: F811 - the fixture
    """From the command line: the file and line, exit 1, no traceback."""
    edit(scratch / "deckbuilder" / "atlas" / "views" / "knee-back.yaml", "style: crease", "style: creese")
    done = run(scratch, "-m", "deckbuilder", "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "knee-back.yaml, line" in done.stderr and "did you mean 'crease'?" in done.stderr, done.stderr


def test_readme_view_table_is_made_from_the_files():
    """`ankle-lateral` once listed 3 of its 9 landmarks: the table now comes from the files."""
    assert views.table() in README
