"""What the system refuses, what a crash leaves, and files that are not what they seem: each ends
in one clear message and exit code 1 (130 for Ctrl-C), and changes nothing else."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from deckbuilder import package
from deckbuilder.build import build
from deckbuilder.cli import main

from .conftest import ROOT

BASE = Path(__file__).parent / "bad_input" / "_base"


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """The small valid data set, built once, with the current directory set to it."""
    import shutil

    shutil.copytree(BASE, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    build(Path("data"), Path("media"), Path("dist/acupressure.apkg"))
    return tmp_path


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The installed command, as a person runs it."""
    kwargs.setdefault("timeout", 60)
    return subprocess.run([sys.executable, "-m", "deckbuilder", *args], capture_output=True, text=True, **kwargs)


def dist(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "dist").iterdir()) if p.is_file()}


def as_nobody(folder: Path, *args: str) -> tuple[int, str]:
    """Run the command as an ordinary user (root reads every file, whatever its permissions)."""
    # What the build imports lazily, imported while still root: this machine's Python lives under
    # /root, which an ordinary user cannot read (a user's own Python they can); zipfile's name codec
    # otherwise failed to import, or not, depending on which test ran first.
    import encodings.cp437  # noqa: F401

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            sys.stderr = os.fdopen(write, "w", encoding="utf-8")  # not pytest's capture
            os.chdir(folder)
            code = main(list(args))
        except BaseException:  # noqa: BLE001 - a traceback is the failure this test looks for
            import traceback

            traceback.print_exc()
            code = 99
        sys.stderr.flush()
        os._exit(code)
    os.close(write)
    with os.fdopen(read, encoding="utf-8", errors="replace") as err:
        text = err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), text


@pytest.fixture
def open_site(tmp_path_factory) -> Path:
    """Like `site`, in a folder an ordinary user may enter."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="deckbuilder-test-", dir="/tmp"))
    shutil.copytree(BASE, folder, dirs_exist_ok=True)
    build(folder / "data", folder / "media", folder / "dist/acupressure.apkg")
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o777)
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing user needs root (CI runs as root)")


@needs_root
@pytest.mark.parametrize(("unreadable", "message"), [
    ("data", "data: the folder cannot be read: Permission denied"),
    ("data/points", "data/points: the folder cannot be read: Permission denied"),
    ("data/conditions.yaml", "data/conditions.yaml: the file cannot be read: Permission denied"),
])
def test_unreadable_data(open_site, unreadable, message):
    before = dist(open_site)
    os.chmod(open_site / unreadable, 0)
    code, err = as_nobody(open_site, "build")
    assert code == 1 and message in err and "Traceback" not in err, err
    assert dist(open_site) == before


@needs_root
def test_unreadable_picture_cache_is_rendered_again(open_site):
    cache = open_site / "dist/.deckbuilder-cache"
    (open_site / "data/points/bladder.yaml").write_text(
        (open_site / "data/points/bladder.yaml").read_text(encoding="utf-8").replace(
            "images: [ankle.png]", "diagram: {view: ankle-lateral, x: 123.5, y: 118}"), encoding="utf-8")
    build(open_site / "data", open_site / "media", open_site / "dist/acupressure.apkg")
    for path in cache.iterdir():
        os.chmod(path, 0)
    os.chmod(open_site / "dist/acupressure.apkg", 0o666)
    conditions = open_site / "data/conditions.yaml"
    conditions.write_text(conditions.read_text(encoding="utf-8") + "# read it all again\n", encoding="utf-8")
    code, err = as_nobody(open_site, "build")
    assert code == 0, err
    os.chmod(cache, 0)  # nor may the folder be searched
    conditions.write_text(conditions.read_text(encoding="utf-8") + "# and again\n", encoding="utf-8")
    code, err = as_nobody(open_site, "build")
    assert code == 0 and "Traceback" not in err, err


def test_ctrl_c_during_a_build_changes_nothing(site, monkeypatch, capsys):
    """A real SIGINT while the package is being written: exit 130, the old deck, no scratch files."""
    before = dist(site)
    original = package._write_collection

    def interrupted(*args):
        original(*args)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(package, "_write_collection", interrupted)
    (site / "data/points/bladder.yaml").write_text(
        (site / "data/points/bladder.yaml").read_text(encoding="utf-8").replace("Middle Crook", "Bend Middle"),
        encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["deckbuilder", "build"])
    from deckbuilder import cli as cli_module

    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as stop:
            cli_module.run()
    finally:  # run() ends a process, which ignores a second Ctrl-C once it knows how; this one goes on
        signal.signal(signal.SIGINT, handler)
    assert stop.value.code == 130
    assert "stopped; nothing was changed" in capsys.readouterr().err
    assert dist(site) == before


def test_a_killed_builds_leftovers_are_removed(site):
    """A build killed with SIGKILL leaves its scratch files; the next build removes them."""
    process = subprocess.Popen(["true"])  # a process id that has surely ended
    process.wait()
    stale = [site / f"dist/.acupressure.apkg.deckbuilder-{process.pid}-x1.tmp",
             site / f"dist/.acupressure.state.json.deckbuilder-{process.pid}-x2.tmp"]
    for path in stale:
        path.write_bytes(b"half a file")
    mine = site / f"dist/.acupressure.apkg.deckbuilder-{os.getpid()}-x4.tmp"  # a running build's
    mine.write_bytes(b"in progress")
    result = cli("build")
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in stale) and mine.exists()


def test_damaged_picture_cache_is_rendered_again(site):
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace(
        "images: [ankle.png]", "diagram: {view: ankle-lateral, x: 123.5, y: 118}"), encoding="utf-8")
    first = build(Path("data"), Path("media"), Path("dist/acupressure.apkg"))
    cache = sqlite3.connect(site / "dist/.deckbuilder-cache/cache.sqlite")
    with cache:
        cache.execute("update pictures set data = substr(data, 1, 40) where rowid = 1")  # truncated
    cache.close()
    Path("dist/acupressure.apkg").unlink()  # so that the build reads everything again
    second = build(Path("data"), Path("media"), Path("dist/acupressure.apkg"))
    assert second.deck.diagrams_rendered == 1
    assert [(m.name, m.data) for m in second.deck.media] == [(m.name, m.data) for m in first.deck.media]


def test_a_picture_cache_that_is_not_a_database_costs_only_time(project):
    cache, output = project / "dist/.deckbuilder-cache", project / "dist/deck.apkg"
    cache.mkdir(parents=True)
    (cache / "cache.sqlite").write_bytes(b"not a database, " * 100)
    first = build(project / "data", project / "media", output)  # the damaged file is replaced
    assert first.deck.diagrams_rendered > 0 and output.exists()
    output.unlink()
    second = build(project / "data", project / "media", output)
    assert second.deck.diagrams_rendered == 0
    assert [(m.name, m.data) for m in second.deck.media] == [(m.name, m.data) for m in first.deck.media]


@pytest.mark.parametrize("stored", ['{"format": 2, "package": "", "notes": {"x": ["h", 99999999999999999999]}, '
                                    '"note_types": {}, "schemas": {}, "points": {}, "conditions": {}}',
                                    "[" * 100_000 + "]" * 100_000])
def test_state_file_that_cannot_be_trusted_is_not_a_crash(site, stored):
    (site / "dist/acupressure.state.json").write_text(stored, encoding="utf-8")
    result = cli("build")
    assert result.returncode == 0 and "did not describe the previous" in result.stdout, result.stderr
    assert cli("build").stdout.count("Nothing changed") == 1


@pytest.mark.parametrize("kind", ["zero", "fifo"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_point_file_that_is_a_device_or_pipe(site, kind, command):
    path = site / "data/points/heart.yaml"
    if kind == "zero":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)
    result = cli(command)  # must not hang reading it
    assert result.returncode == 1 and "data/points/heart.yaml: this is not a regular file" in result.stderr


def test_a_pipe_in_the_media_folder_is_not_read(site):
    os.mkfifo(site / "media/pipe")  # no point names it
    assert cli("build").returncode == 0  # must not hang reading it for the up-to-date check


def test_data_that_is_not_what_it_seems(site):
    os.mkfifo(site / "media/pipe.png")
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace("[ankle.png]", "[pipe.png]"), encoding="utf-8")
    assert "'pipe.png' is not a regular file" in cli("check").stderr
    assert "the media folder /dev/null is not a folder" in cli("check", "--media", "/dev/null").stderr
    (site / "data/conditions.yaml").unlink()
    (site / "data/conditions.yaml").mkdir()
    assert "data/conditions.yaml: this is a folder, not a YAML file" in cli("check").stderr


def test_standard_output_closed_or_full(site):
    with open("/dev/full", "w") as device:
        full = subprocess.run([sys.executable, "-m", "deckbuilder", "build"], stdout=device,
                              stderr=subprocess.PIPE, text=True, timeout=60)
    assert full.returncode == 1 and "cannot print to standard output" in full.stderr
    assert "Traceback" not in full.stderr
    closed = subprocess.run([sys.executable, "-m", "deckbuilder", "build"], stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.close(1), timeout=60)
    assert closed.returncode == 0 and "Traceback" not in closed.stderr


def test_file_name_the_terminal_cannot_encode(site):
    os.close(os.open(os.fsencode(site / "data/points") + b"/bad-\xff.yaml", os.O_CREAT | os.O_WRONLY))
    result = subprocess.run([sys.executable, "-m", "deckbuilder", "check"], capture_output=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"bad-\\udcff.yaml" in result.stderr


def test_a_mistake_in_sources_is_shown_before_what_it_causes(site):
    sources = site / "data/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("who-2008:", "who-2008:\n    titel: x", 1),
                       encoding="utf-8")
    err = cli("check").stderr.splitlines()
    assert "data/sources.yaml" in err[1]


def _tmpfs(size: str):
    """A real file system of `size` (tmpfs), mounted for one test: a disk that fills up."""
    folder = Path(tempfile.mkdtemp(prefix="deckbuilder-disk-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        folder.rmdir()
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)
    folder.rmdir()


@pytest.fixture
def full_disk():
    """Too small for the deck: it fills up while the deck is written."""
    yield from _tmpfs("40k")


def test_a_full_disk_is_a_message_and_leaves_nothing(site, full_disk):
    result = cli("build", "-o", str(full_disk / "deck.apkg"))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"cannot write {full_disk / 'deck.apkg'}" in result.stderr and "full" in result.stderr
    assert [p.name for p in full_disk.iterdir() if p.name != ".deckbuilder-cache"] == []


def interrupted_at(command: list[str], delay: float) -> subprocess.CompletedProcess:
    """Run `command` with -X importtime and send SIGINT `delay` seconds after it imports argparse,
    the first module deckbuilder's own code asks for: from there on every moment is ours."""
    process = subprocess.Popen([sys.executable, "-X", "importtime", *command], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.split("|")[-1].strip() == "argparse":
            break
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, "".join(lines) + err)


@pytest.mark.parametrize("entry", ["console script", "python -m"])
def test_ctrl_c_at_any_moment_is_one_line_and_130(tmp_path, entry):
    """Early moments, while the pipeline is still being imported, as well as later ones."""
    script = Path(sys.executable).with_name("deckbuilder")
    if entry == "console script" and not script.exists():
        pytest.skip("deckbuilder is not installed in this environment (CI installs it)")
    command = [str(script)] if entry == "console script" else ["-m", "deckbuilder"]
    data = ["--data", str(ROOT / "data"), "--media", str(ROOT / "media")]
    for delay in (0, 0.02, 0.05, 0.1, 0.2):
        result = interrupted_at([*command, "build", *data, "-o", str(tmp_path / f"{delay}/deck.apkg")], delay)
        said = [line for line in result.stderr.splitlines() if not line.startswith("import time:")]
        assert (result.returncode, said) == (130, ["deckbuilder: stopped; nothing was changed"]), \
            (delay, result.stderr[-2000:])


def alias_bomb(levels: int = 9) -> str:
    """A field whose value is 9 levels of 9 aliases: 9**9 values once expanded, 90 in the file."""
    lines, previous = ['    a: &a ["x","x","x","x","x","x","x","x","x"]'], "a"
    for name in "bcdefghijklmnop"[:levels - 1]:
        lines.append(f"    {name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "  bomb:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_alias_bomb_is_refused_before_anything_expands_it(site, command):
    """Under a field no point has: `check` stops at the unknown field, but the build's cache
    stored the value (expanding it) before validation ran: over 60 s and 2.5 GB."""
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace("  sources: [who-2008]\n",
                                                                 "  sources: [who-2008]\n" + alias_bomb(), 1),
                      encoding="utf-8")
    before = dist(site)
    result = cli(command, timeout=20)
    assert result.returncode == 1, result.stderr
    assert "data/points/bladder.yaml, line 21, column 8: with the aliases (*name) in it, this value stands for " \
           "more than 200,000 values" in result.stderr
    assert dist(site) == before


@pytest.mark.parametrize("command", ["check", "build", "preview"])
def test_many_unclosed_stars_take_no_time(site, command):
    """40 kB of `**a ` in one text took 12 s in each command (the markup regex was quadratic)."""
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace(
        "location: Behind the outer ankle bone, in front of the Achilles tendon.",
        'location: "' + "**a " * 10_000 + '"', 1), encoding="utf-8")
    assert cli(command, timeout=8).returncode == 0


@pytest.mark.parametrize("kind", ["zero", "fifo", "folder"])
@pytest.mark.parametrize("where", ["dist/acupressure.state.json", "dist/preview/index.html", "dist/preview/night.html"])
def test_a_state_or_page_that_is_not_a_regular_file(site, kind, where):
    """Reading a pipe waited for ever, and /dev/zero ate memory; writing a pipe waited for a reader."""
    command = "preview" if "preview" in where else "build"
    cli("preview")
    path = site / where
    path.unlink()
    if kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    before = dist(site)
    result = cli(command, timeout=20)
    what = {"zero": "a device", "fifo": "a named pipe (FIFO)", "folder": "a folder"}[kind]
    assert result.returncode == 1 and f"{where} is {what}, not a regular file" in result.stderr.replace(
        "not a file the preview wrote", "not a regular file"), result.stderr
    assert dist(site) == before and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_a_picture_cache_that_is_not_a_regular_file_is_replaced(site, kind):
    """The cache is the build's own (it may be deleted at any time): what is in its place goes."""
    cache = site / "dist/.deckbuilder-cache/cache.sqlite"
    cache.unlink()
    cache.symlink_to("/dev/zero") if kind == "zero" else os.mkfifo(cache)
    (site / "dist/acupressure.apkg").unlink()  # so that the build reads everything
    assert cli("build", timeout=20).returncode == 0
    assert cache.is_file() and not cache.is_symlink()
    with sqlite3.connect(cache) as db:
        assert db.execute("select count(*) from parsed").fetchone()[0] > 0


@pytest.fixture
def small_disk():
    """100 kB: room for one preview of the base data, not for two."""
    yield from _tmpfs("100k")


def test_a_preview_that_fills_the_disk_leaves_the_old_pages_whole(site, small_disk):
    """Before, index.html was replaced by a truncated page while night.html stayed old."""
    preview = small_disk / "preview"
    assert cli("preview", "-o", str(preview)).returncode == 0
    before = {p.name: p.read_bytes() for p in preview.iterdir()}
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace(
        "In the middle of the crease behind the knee.", "In the middle of the crease. " * 1500), encoding="utf-8")
    result = cli("preview", "-o", str(preview))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"cannot write the preview to {preview} (No space left on device); the previous preview is as it was" \
        in result.stderr
    assert {p.name: p.read_bytes() for p in preview.iterdir()} == before


@pytest.mark.parametrize(("stop_after", "said"), [
    ("scratch", "stopped; the preview in dist/preview is as it was"),
    ("replace", "stopped; 1 of the 4 files of the preview in dist/preview are new, the others old: run the "
                "preview again")])
def test_ctrl_c_during_a_preview_says_what_it_left(site, monkeypatch, capsys, stop_after, said):
    """Before, it said 'nothing was changed' after writing hundreds of files."""
    from deckbuilder import cli as cli_module
    from deckbuilder import preview

    assert cli("preview").returncode == 0
    before = {p.name: p.read_bytes() for p in (site / "dist/preview").iterdir()}
    original = getattr(preview, stop_after) if stop_after == "scratch" else os.replace
    calls = []

    def interrupted(*args):
        found = original(*args)
        calls.append(args)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return found

    monkeypatch.setattr(*(preview, "scratch") if stop_after == "scratch" else (os, "replace"), interrupted)
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace("Middle Crook", "Bend Middle"), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["deckbuilder", "preview"])
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as stop:
            cli_module.run()
    finally:
        signal.signal(signal.SIGINT, handler)
    assert stop.value.code == 130 and capsys.readouterr().err == f"deckbuilder: {said}\n"
    after = {p.name: p.read_bytes() for p in (site / "dist/preview").iterdir()}
    assert after == before  # no scratch file left; the one renamed is a picture, the same as before


@pytest.mark.parametrize(("made", "path"), [("folder", "data/points/x.yaml"), ("folder", "data/points/x.yml"),
                                           ("link to nowhere", "data/points/x.yaml"),
                                           ("folder", "data/points/.#x.yaml"), ("folder", "media/x.png")])
def test_build_and_check_agree_after_a_change(site, made, path):
    """The up-to-date digest ignored empty folders: `check` refused, `build` said Nothing changed."""
    (site / path).mkdir() if made == "folder" else (site / path).symlink_to(site / "nowhere")
    checked, built = cli("check"), cli("build")
    assert checked.returncode == built.returncode and checked.stderr == built.stderr, (checked.stderr, built.stderr)
    assert (checked.returncode == 1) == path.startswith("data/points/x."), checked.stderr


@pytest.mark.parametrize("command", ["check", "build", "preview"])
def test_editor_and_system_leftovers_are_skipped_with_a_note(site, command):
    """An Emacs lock (a link to nowhere) or a macOS ._ file stopped every build."""
    points = site / "data/points"
    (points / ".#bladder.yaml").symlink_to("someone@host.4242:1700000000")
    (points / "._bladder.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \xff")
    (points / "bladder.yaml~").write_text("- id: [", encoding="utf-8")
    (points / ".bladder.yaml.swp").write_bytes(b"b0VIM 9.0\xff")
    result = cli(command)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "deckbuilder: note: data/points/.#bladder.yaml was not read (an editor's lock file)",
        "deckbuilder: note: data/points/._bladder.yaml was not read (a macOS metadata file)",
        "deckbuilder: note: data/points/.bladder.yaml.swp was not read (an editor's swap file)",
        "deckbuilder: note: data/points/bladder.yaml~ was not read (an editor's backup copy)"]


@pytest.mark.parametrize(("in_data", "on_disk"), [("NFC", "NFD"), ("NFD", "NFC")])
def test_an_image_name_matches_however_its_accents_are_stored(site, in_data, on_disk):
    """macOS often stores 'é' as 'e' and a combining accent; `ls` shows both alike, and so
    the build reported the picture missing."""
    import unicodedata

    name = "cheville-côté-éè.png"
    (site / "media" / unicodedata.normalize(on_disk, name)).write_bytes((site / "media/ankle.png").read_bytes())
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace(
        "images: [ankle.png]", f"images: [{unicodedata.normalize(in_data, name)}]"), encoding="utf-8")
    result = cli("build")
    assert result.returncode == 0, result.stderr
    assert "Changed since the last build: BL60 (kunlun)" in result.stdout


def test_output_names_are_said_as_given_and_checked_first(site):
    """-o /dev/stdout was named /proc/<pid>/fd/pipe:[…]; a 250-byte name failed after the whole build."""
    piped = cli("build", "-o", "/dev/stdout")
    assert piped.returncode == 1 and "the output '/dev/stdout' does not end in .apkg" in piped.stderr, piped.stderr
    long_name = "a" * 245 + ".apkg"
    result = cli("build", "-o", f"out/{long_name}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is too long for this file system: a file name may have 255 bytes" in result.stderr, result.stderr
    assert re.search(r"shorten it by 3\d bytes", result.stderr)  # 245 + .state.json + the scratch name's 32 or so
    assert not (site / "out").exists()  # said before any work


def test_long_values_are_shortened_in_messages(site):
    """A 100,000-character --only value was echoed whole; a name too long to look up was taken
    for a failure to print."""
    only = cli("build", "--only", "point:" + "x" * 100_000)
    assert only.returncode == 2 and len(only.stderr) < 400, len(only.stderr)
    assert "characters left out)" in only.stderr
    data = cli("check", "--data", "d" * 300)
    assert data.returncode == 1 and data.stderr.startswith("deckbuilder: cannot use ddd"), data.stderr
    assert data.stderr.rstrip().endswith(": File name too long") and len(data.stderr) < 300


def test_a_line_break_in_an_id_stays_in_its_message_line(site, capsys):
    """The fuzz test found it: an id holding a line break (and an invisible character) cut the message's first
    line in two, so the line that said what was wrong no longer said where."""
    points = site / "data/points/bladder.yaml"
    points.write_text(points.read_text(encoding="utf-8").replace("- id: kunlun", '- id: "\\n\\U000105bd"', 1),
                      encoding="utf-8")
    assert main(["check", "--data", "data", "--media", "media"]) == 1
    said = [line for line in capsys.readouterr().err.splitlines() if "invisible character" in line]
    assert said and all(line.startswith("  data/points/bladder.yaml, line 1, point BL60 (\\n\\U000105bd)")
                        for line in said), said
