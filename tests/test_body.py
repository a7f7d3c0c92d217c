"""The atlas's body: MakeHuman's CC0 mesh in the repository, rendered from every view's camera into
the committed pictures of docs/atlas/body/, which anyone can reproduce."""

from __future__ import annotations

import importlib.util
import io
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from deckbuilder.atlas import VIEWS, anatomy, render

ROOT = Path(__file__).resolve().parent.parent
BODY = ROOT / "deckbuilder" / "atlas" / "body"
PICTURES = ROOT / "docs" / "atlas" / "body"


def test_the_mesh_is_small_and_carries_its_licence():
    assert (BODY / "body.npz").stat().st_size < 1_000_000
    assert "CC0" in (BODY / "LICENSE.md").read_text(encoding="utf-8")
    body = render.load_body()
    height = body.vertices[:, 1].max() - body.vertices[:, 1].min()
    assert 160 < height < 175   # centimetres: an adult, as MakeHuman made it
    assert len(body.triangles) > 20_000


def test_every_view_has_a_camera_and_its_two_pictures():
    cameras = render.cameras()
    assert set(cameras) == set(VIEWS)
    for name, camera in cameras.items():
        for mode in ("day", "night"):
            picture = Image.open(PICTURES / f"{name}-{mode}.png")
            assert picture.size == camera.size(render.WIDTH), (name, mode)
            assert picture.mode == "P" and (PICTURES / f"{name}-{mode}.png").stat().st_size < 80_000


@pytest.mark.parametrize("mode", ["day", "night"])
def test_a_committed_picture_is_rendered_again_the_same(mode):
    """tools/render_atlas.py made the committed picture; rendering it again gives the same pixels
    (up to float noise), so a changed mesh, camera or renderer must come with new pictures."""
    again = np.asarray(render.picture(render.cameras()["knee-back"], mode).convert("RGB"), dtype=float)
    committed = np.asarray(Image.open(PICTURES / f"knee-back-{mode}.png").convert("RGB"), dtype=float)
    assert again.shape == committed.shape
    difference = np.abs(again - committed).max(axis=2)
    assert difference.mean() < 1.0 and (difference > 24).mean() < 0.002


def test_the_hanging_pose_lets_the_arms_hang_palms_forward_without_stretching_them():
    body = render.load_body()
    rest, hanging = body.vertices, render.pose(body, "hanging")
    right_arm = (body.weights["r-upperarm"] + body.weights["r-lowerarm"] + body.weights["r-hand"]) > 0.99
    hand = body.weights["r-hand"] > 0.99
    # the hand now hangs below the hip, beside the thigh
    assert hanging[hand, 1].max() < 12 and hanging[hand, 0].max() < -15
    # each bone moves rigidly: distances within the arm's fully weighted vertices keep their length
    sample = np.flatnonzero(right_arm)[::25]
    before = np.linalg.norm(rest[sample, None] - rest[None, sample], axis=-1)
    after = np.linalg.norm(hanging[sample, None] - hanging[None, sample], axis=-1)
    upper = body.weights["r-upperarm"][sample] > 0.99
    assert np.allclose(before[np.ix_(upper, upper)], after[np.ix_(upper, upper)], atol=0.1)
    # the palm faces forwards, the thumb out to the side (the skin nearest each joint, followed)
    near = {name: int(np.argmin(np.linalg.norm(rest - body.joints[f"r-{name}"], axis=1)))
            for name in ("hand", "finger-1-4", "finger-2-1", "finger-3-4", "finger-5-1", "finger-5-4")}
    at = {name: hanging[i] for name, i in near.items()}
    palm = np.cross(at["finger-2-1"] - at["finger-5-1"], at["finger-3-4"] - at["hand"])
    assert palm[2] / np.linalg.norm(palm) > 0.8
    assert at["finger-1-4"][0] < at["finger-5-4"][0] and at["finger-3-4"][1] < at["hand"][1] - 8
    # the rest pose is MakeHuman's A-pose, untouched
    assert np.array_equal(render.pose(body, "rest"), rest)


def test_the_proportion_table_is_the_one_the_model_gives():
    """docs/atlas/proportions.md is what tools/render_atlas.py writes from the mesh and the rules."""
    committed = (ROOT / "docs" / "atlas" / "proportions.md").read_text(encoding="utf-8")
    assert committed == anatomy.proportions_table()
    assert len(anatomy.measures()) >= 12
    index = (PICTURES / "index.md").read_text(encoding="utf-8")
    assert index == _tool().index(render.cameras()) and index.count("![") == 2 * len(VIEWS)


def test_each_bone_measure_gives_an_adult_cun():
    """A B-cun is a fraction of a body's own measure, about 2 cm on an adult: every WHO measure on
    the model gives between 1.4 and 3.2 cm (a wrong landmark, a foot for a knee, falls outside)."""
    at, vertices = anatomy.positions(), render.pose(render.load_body(), anatomy.POSE)
    for measure in anatomy.measures():
        assert 1.4 < measure.length(at, vertices) / measure.cun < 3.2, measure.label


def test_the_landmarks_sit_where_anatomy_puts_them():
    at = anatomy.positions()
    x, y, z = 0, 1, 2
    # the lateral malleolus lies lower and further back than the medial one, and outside it
    lateral, medial = at["lateral-malleolus-prominence"], at["medial-malleolus-prominence"]
    assert lateral[y] < medial[y] and lateral[z] < medial[z] and lateral[x] < medial[x]
    # the popliteal crease is behind the knee, level with the apex of the patella within 2 cm
    assert at["popliteal-crease-middle"][z] < at["patella-apex"][z] - 8
    assert abs(at["popliteal-crease-middle"][y] - at["patella-apex"][y]) < 2
    assert at["patella-base-level"][y] > at["patella-apex"][y]
    # the midline landmarks are on the midline; the paired ones mirror each other
    for name in ("vertex", "glabella", "navel", "C7-spinous-process", "pubic-symphysis-upper-border"):
        assert abs(at[name][x]) < 0.5, name
    for right, left in (("nipple-right", "nipple-left"), ("mastoid-process-right", "mastoid-process-left")):
        assert np.allclose(at[right] * (-1, 1, 1), at[left], atol=0.5)
    # top to bottom, as on a person standing
    order = ["vertex", "anterior-hairline-midline", "glabella", "posterior-hairline-midline", "C7-spinous-process",
             "nipple-right", "navel", "pubic-symphysis-upper-border", "gluteal-fold-middle", "patella-base-level",
             "lateral-malleolus-prominence", "sole-under-ankle"]
    heights = [at[name][y] for name in order]
    assert heights == sorted(heights, reverse=True)
    # the armpit is open in the A-pose, found there, and lies below the acromion, above the elbow crease
    assert at["acromion-lateral-end"][y] > at["axilla-apex"][y] > at["cubital-crease-middle"][y] + 10
    # the creases of the arm face forwards in the anatomical position, the elbow's tip backwards
    assert at["cubital-crease-middle"][z] > at["olecranon-tip"][z] + 4
    assert at["wrist-crease-middle"][z] > at["dorsal-wrist-crease-middle"][z] + 2


def test_landmarks_are_vertices_and_follow_the_arms():
    body = render.load_body()
    index = anatomy.landmarks()
    assert all(0 <= i < len(body.vertices) for i in index.values())
    wrist = index["wrist-crease-middle"]
    assert np.linalg.norm(render.pose(body, "rest")[wrist] - render.pose(body, "hanging")[wrist]) > 10


def _in_view(name: str, point: np.ndarray) -> tuple[float, float]:
    """Where the view's camera puts a point of the body, in the view's own units."""
    x0, y0, x1, y1 = VIEWS[name].bounds
    x, y, _ = render.cameras()[name].project(point[None], x1 - x0, y1 - y0)[0]
    return x0 + x, y0 + y


def test_a_view_that_shows_the_body_has_its_landmarks_where_the_body_has_them():
    """knee-back's close-up is the rendered body: the view's landmarks and cun scale agree with
    the body's own landmarks within 0.25 cun, so a point placed as today lands on the body."""
    view = VIEWS["knee-back"]
    cun = view.units_per_cun("y")
    at = anatomy.positions(render.cameras()["knee-back"].pose)
    crease = _in_view("knee-back", at["popliteal-crease-middle"])
    assert np.hypot(*np.subtract(crease, view.landmarks["popliteal-crease-middle"])) < 0.25 * cun
    malleolus = _in_view("knee-back", at["lateral-malleolus-prominence"])
    assert abs(malleolus[1] - view.landmarks["lateral-malleolus-level"][1]) < 0.25 * cun


def _tool():
    """tools/render_atlas.py, the maintainer's script that writes the committed files."""
    spec = importlib.util.spec_from_file_location("render_atlas", ROOT / "tools" / "render_atlas.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


@pytest.mark.parametrize("name", sorted(p.stem for p in (BODY / "pictures").glob("*.png")))
def test_the_deck_picture_of_a_view_is_the_body_rendered_again(name):
    tool = _tool()
    committed = BODY / "pictures" / f"{name}.png"
    assert VIEWS[name].picture == committed.read_bytes()
    again = Image.open(io.BytesIO(render.deck_picture(render.cameras()[name], tool.deck_width(name))))
    before = Image.open(committed)
    assert again.size == before.size
    difference = np.abs(np.asarray(again.convert("RGB"), float) - np.asarray(before.convert("RGB"), float)).max(2)
    assert difference.mean() < 1.0 and (difference > 24).mean() < 0.002


def test_only_the_views_that_ask_embed_the_body():
    from deckbuilder.atlas import base
    shown = {name for name in VIEWS if b"data:image/png;base64," in base(name)}
    assert shown == {name for name, view in VIEWS.items() if view.picture} >= {"knee-back", "arm-front", "wrist-palm"}


def _view_file(name: str) -> dict:
    return yaml.safe_load((ROOT / "deckbuilder" / "atlas" / "views" / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(n for n in VIEWS if "body_landmarks" in _view_file(n)))
def test_a_view_on_the_body_takes_its_landmarks_from_the_body(name):
    """A view drawn over the rendered body names, for each of its landmarks, the body's landmark it
    is (`body_landmarks`): projected by the view's camera, it lies within 0.25 cun of the view's, so
    a point placed as today lands where the body has it."""
    view, raw = VIEWS[name], _view_file(name)
    camera = render.cameras()[name]
    at = anatomy.positions(camera.pose)
    cun = view.units_per_cun("y")
    assert set(raw["body_landmarks"]) == set(view.landmarks)
    for mine, body_name in raw["body_landmarks"].items():
        projected = camera.to_view(at[body_name], view.bounds)[0]
        assert np.hypot(*(projected - view.landmarks[mine])) < 0.25 * cun, (mine, body_name)


def test_a_close_up_on_the_body_is_its_base_views_window():
    """wrist-palm shares arm-front's coordinates: its camera is arm-front's, cropped to its window."""
    base, close = render.cameras()["arm-front"], render.cameras()["wrist-palm"]
    at = anatomy.positions(base.pose)
    for name in ("wrist-crease-middle", "middle-finger-tip", "thumb-tip-radial"):
        a = base.to_view(at[name], VIEWS["arm-front"].bounds)[0]
        b = close.to_view(at[name], VIEWS["wrist-palm"].bounds)[0]
        assert np.hypot(*(a - b)) < 0.1 * VIEWS["arm-front"].units_per_cun("y"), name


def test_the_hand_is_in_proportion_with_the_forearm():
    """The drawn hand was 15 cun long against a 12-cun forearm; on the body, wrist crease to the tip
    of the middle finger is under 10 cun of the forearm's own (the body measures 8.8)."""
    view = VIEWS["arm-front"]
    cun = view.units_per_cun("y")
    hand = math.dist(view.landmarks["wrist-crease-level"], view.landmarks["middle-finger-tip"]) / cun
    assert 7.5 < hand < 10


def test_a_drawn_view_is_not_the_mirror_image_of_the_body():
    """A drawing shows the body as its camera sees it, not mirrored: the right sole seen from below
    has its big toe on the viewer's right, as the body's camera shows it (it was drawn on the left)."""
    at = anatomy.positions(render.cameras()["foot-sole"].pose)
    view = VIEWS["foot-sole"]
    toe, heel = _in_view("foot-sole", at["big-toe-tip"]), _in_view("foot-sole", at["heel-back"])
    assert toe[0] > heel[0]
    assert view.landmarks["big-toe-tip"][0] > view.landmarks["heel-back"][0]
    assert view.orientation == ("little toe", "big toe")


def test_a_view_on_the_body_has_the_bodys_outline():
    """The outline a view on the body checks points against is the body's silhouette from its camera."""
    view = VIEWS["arm-front"]
    again = render.silhouette(render.cameras()["arm-front"], view.bounds)
    assert [tuple(s.points) for s in view.outline] == [tuple(part) for part in again]
