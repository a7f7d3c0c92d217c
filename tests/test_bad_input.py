"""Every mistake a person can make in data/ gets a clear message and exit code 1, and the
previous .apkg stays as it was. The scenarios are folders in tests/bad_input/ (see its README)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from deckbuilder.build import build
from deckbuilder.cards import guid
from deckbuilder.cli import main

from .conftest import ROOT

CASES_DIR = Path(__file__).parent / "bad_input"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
OUTPUT = Path("dist/acupressure.apkg")


@pytest.fixture(scope="session")
def good_build(tmp_path_factory) -> Path:
    """A dist/ folder holding the deck built from the valid base data, as after a good build."""
    folder = tmp_path_factory.mktemp("good")
    base = CASES_DIR / "_base"
    build(base / "data", base / "media", folder / OUTPUT)
    return folder / "dist"


@pytest.fixture
def scenario(tmp_path, monkeypatch, good_build):
    """A folder with the base data, the previous build's dist/, and the current directory set to it."""

    def make(case: str | None = None) -> Path:
        shutil.copytree(CASES_DIR / "_base", tmp_path, dirs_exist_ok=True)
        if case:
            shutil.copytree(CASES_DIR / case, tmp_path, dirs_exist_ok=True)
        shutil.copytree(good_build, tmp_path / "dist")
        monkeypatch.chdir(tmp_path)
        return tmp_path

    return make


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def expected(case: str) -> list[str]:
    lines = (CASES_DIR / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in dist/ with its bytes: the build must leave no temporary file behind either."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".deckbuilder-cache" not in p.parts}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported(scenario, capsys, case, command):
    folder = scenario(case)
    before = snapshot(folder / "dist")
    extra = ["-o", str(OUTPUT)] if command == "build" else []
    code, err = run(capsys, command, "--data", "data", "--media", "media", *extra)
    assert code == 1
    for fragment in expected(case):
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "Traceback" not in err
    assert snapshot(folder / "dist") == before


def test_base_data_is_valid(scenario, capsys):
    scenario()
    code, err = run(capsys, "check")
    assert (code, err) == (0, "")


def test_subprocess_reports_and_keeps_the_old_deck(scenario):
    folder = scenario("unknown-field")
    before = (folder / OUTPUT).read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "deckbuilder", "build"], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "data/points/bladder.yaml, line 9, point BL60 (kunlun), field 'locaton'" in done.stderr
    assert "did you mean 'location'?" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert (folder / OUTPUT).read_bytes() == before


# Folders and output paths.

@pytest.mark.parametrize("command", ["check", "build"])
def test_data_folder_that_does_not_exist(scenario, capsys, command):
    scenario()
    code, err = run(capsys, command, "--data", "no-such-folder")
    assert code == 1
    assert "no-such-folder: the data folder does not exist" in err
    assert "hint: pass --data with the folder" in err


def test_empty_data_folder(scenario, capsys):
    (scenario() / "empty").mkdir()
    code, err = run(capsys, "build", "--data", "empty")
    assert code == 1
    assert "empty: the data folder is empty (it has no points/, conditions.yaml or sources.yaml)" in err


def test_data_path_is_a_file(scenario, capsys):
    scenario()
    code, err = run(capsys, "check", "--data", "data/sources.yaml")
    assert code == 1 and "data/sources.yaml: this is a file, not a folder" in err


def test_missing_files_and_no_point_files_are_reported_together(scenario, capsys):
    folder = scenario()
    (folder / "data/sources.yaml").unlink()
    (folder / "data/conditions.yaml").unlink()
    for path in (folder / "data/points").iterdir():
        path.unlink()
    code, err = run(capsys, "check")
    assert code == 1
    assert "3 problems in the data" in err
    assert "data/points: no point files found" in err
    assert "data/conditions.yaml: the file is missing" in err
    assert "data/sources.yaml: the file is missing" in err


def test_syntax_errors_in_several_files_are_reported_together(scenario, capsys):
    folder = scenario()
    (folder / "data/conditions.yaml").write_text("- id: a\n\tname: b\n", encoding="utf-8")
    (folder / "data/sources.yaml").write_text('sources: {a: "b}\n', encoding="utf-8")
    code, err = run(capsys, "check")
    assert code == 1
    assert "data/conditions.yaml, line 2, column 1: there is a tab character here" in err
    assert "data/sources.yaml, line 1, column 14: the quote that opens here is never closed" in err


def test_missing_media_folder(scenario, capsys):
    scenario()
    code, err = run(capsys, "check", "--media", "no-media")
    assert code == 1
    assert "line 13, point BL60 (kunlun), field 'images': the media folder no-media does not exist" in err


def test_output_whose_folder_is_a_file(scenario, capsys):
    folder = scenario()
    before = snapshot(folder / "dist")
    (folder / "out").write_text("not a folder")
    code, err = run(capsys, "build", "-o", "out/acupressure.apkg")
    assert code == 1
    assert err.startswith("deckbuilder: cannot write to out") and "Traceback" not in err
    assert snapshot(folder / "dist") == before and (folder / "out").read_text() == "not a folder"


@pytest.mark.parametrize(("output", "message"), [
    (".", "is a folder; give a file name"),
    ("", "is a folder; give a file name"),
    ("/", "is a folder; give a file name"),
    ("dist", "does not end in .apkg"),
    ("dist/taken.apkg", "is a folder; give a file name"),
    ("/dev/null", "does not end in .apkg"),
    ("dist/device.apkg", "is not a regular file"),
    ("dist/pipe.apkg", "is not a regular file"),
    ("dist/link-to-pipe.apkg", "is not a regular file"),
])
def test_output_that_is_not_a_deck_file_is_left_alone(scenario, capsys, output, message):
    """Only a regular .apkg file is ever replaced: never a device, a pipe or a folder."""
    folder = scenario()
    (folder / "dist/taken.apkg").mkdir()
    os.mkfifo(folder / "dist/pipe.apkg")
    (folder / "dist/link-to-pipe.apkg").symlink_to("pipe.apkg")
    if os.geteuid() == 0:
        os.mknod(folder / "dist/device.apkg", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    else:
        os.mkfifo(folder / "dist/device.apkg")
    before = {p.name: p.lstat() for p in (folder / "dist").iterdir()}
    code, err = run(capsys, "build", "-o", output)
    assert code == 1 and message in err and "Traceback" not in err, err
    assert {p.name: p.lstat() for p in (folder / "dist").iterdir()} == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_that_is_a_link_is_written_through(scenario, capsys, tmp_path_factory):
    """A link to a deck elsewhere (a synced folder, say): the deck it points to is replaced."""
    folder = scenario()
    elsewhere = tmp_path_factory.mktemp("synced") / "deck.apkg"
    elsewhere.write_bytes(b"an old deck")
    (folder / "dist/linked.apkg").symlink_to(elsewhere)
    code, err = run(capsys, "build", "-o", "dist/linked.apkg")
    assert code == 0, err
    assert (folder / "dist/linked.apkg").is_symlink() and zipfile.is_zipfile(elsewhere)


# Files that are not what they seem.

def test_image_link_out_of_media(scenario, capsys, tmp_path_factory):
    folder = scenario()
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.png"
    shutil.copy(folder / "media/ankle.png", outside)
    (folder / "media/ankle.png").unlink()
    (folder / "media/ankle.png").symlink_to(outside)
    code, err = run(capsys, "check")
    assert code == 1
    assert ("line 13, point BL60 (kunlun), field 'images': the image 'ankle.png' is a link to a file "
            "outside the media folder") in err


def test_file_that_is_not_utf8(scenario, capsys):
    folder = scenario()
    (folder / "data/conditions.yaml").write_bytes("- name: Rückenschmerz\n".encode("latin-1"))
    code, err = run(capsys, "check")
    assert code == 1
    assert ("data/conditions.yaml, line 1, column 10: the file is not UTF-8 text: a character here was saved "
            "in another encoding (byte 0xFC)") in err and "save the file as UTF-8" in err


def test_invisible_control_character(scenario, capsys):
    folder = scenario()
    path = folder / "data/conditions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lower back pain", "lower\x07back pain"),
                    encoding="utf-8")
    code, err = run(capsys, "check")
    assert code == 1
    assert ("data/conditions.yaml, line 2: the file contains a character that YAML does not allow "
            "(U+0007 BEL, a control character)") in err


def test_many_problems_are_capped(scenario, capsys):
    folder = scenario()
    points = yaml.safe_load((folder / "data/points/bladder.yaml").read_text(encoding="utf-8"))
    for point in points:
        point.update({f"extra_{n}": "x" for n in range(25)})
    (folder / "data/points/bladder.yaml").write_text(yaml.safe_dump(points, allow_unicode=True),
                                                     encoding="utf-8")
    code, err = run(capsys, "check")
    assert code == 1
    assert "50 problems in the data" in err
    assert err.count("a point has no field") == 30
    assert "... and 20 more: fix these and run the command again" in err


# What is allowed: legacy codes that are another point's standard code, and the safe markup.

BL48_TWICE = """
- id: baohuang
  code: BL53
  legacy_codes:
    - {code: BL48, system: old-bladder}
  pinyin: Bāohuāng
  hanzi: 胞肓
  english: [Bladder Vitals]
  region: buttock
  location: On the buttock, four finger-widths out from the middle of the sacrum, at the second sacral hole.
  landmarks: [median sacral crest]
  how_to_find: Lay four fingers across the buttock from the middle line of the sacrum.
  indications: [sciatica]
  images: [ankle.png]
  sources: [who-2008]

- id: yanggang
  code: BL48
  pinyin: Yánggāng
  hanzi: 阳纲
  english: [Yang Headrope]
  region: upper-back
  location: On the back, four finger-widths out from the spine, level with the tenth thoracic vertebra.
  landmarks: [spinous process of T10]
  how_to_find: Count down from the lower tip of the shoulder blade (T7) three vertebrae.
  indications: [abdominal pain]
  images: [knee.png]
  sources: [who-2008]
"""


def test_legacy_code_may_be_another_points_standard_code(scenario):
    """Old BL48 is WHO BL53 Baohuang; WHO BL48 is Yanggang. Both build, each labelled with its numbering."""
    folder = scenario()
    with (folder / "data/points/bladder.yaml").open("a", encoding="utf-8") as points:
        points.write(BL48_TWICE)
    conditions = folder / "data/conditions.yaml"
    conditions.write_text(conditions.read_text(encoding="utf-8").replace(
        "[kunlun, weizhong]", "[kunlun, weizhong, baohuang, yanggang]"), encoding="utf-8")
    result = build(folder / "data", folder / "media", folder / OUTPUT)
    fields = {note.guid: note.fields for note in result.deck.notes}
    assert fields[guid("name-code", "yanggang")][0] == "BL48"
    baohuang = fields[guid("name-code", "baohuang")]
    assert baohuang[0] == "BL53"
    assert "BL48 (older bladder-line numbering)" in baohuang[6]


def test_two_points_with_one_legacy_code_in_different_systems(scenario, capsys):
    folder = scenario()
    path = folder / "data/points/bladder.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{code: BL54, system: old-bladder}", "{code: UB60, system: old-bladder}"), encoding="utf-8")
    code, err = run(capsys, "check")
    assert (code, err) == (0, "")


def test_markup_is_applied_and_everything_else_escaped(scenario):
    folder = scenario()
    path = folder / "data/points/bladder.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  location: Behind the outer ankle bone, in front of the Achilles tendon.\n",
        "  location: |-\n    *Behind* the **outer** ankle bone (press < 5 kg & \"gently\").\n"
        "    In    front of the Achilles tendon.\n",
    ).replace("  pinyin: Kūnlún\n", "  pinyin: |\n    Kūn\n    lún\n")
    path.write_text(text, encoding="utf-8")
    result = build(folder / "data", folder / "media", folder / OUTPUT)
    location = {n.guid: n.fields for n in result.deck.notes}[guid("location", "kunlun")]
    assert location[2] == ("<em>Behind</em> the <strong>outer</strong> ankle bone "
                           "(press &lt; 5 kg &amp; &quot;gently&quot;).<br>In front of the Achilles tendon.")
    assert location[1].startswith("Kūn lún ·")  # names stay on one line
