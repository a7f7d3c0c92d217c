"""Images for the cards: the project's diagrams and the user's own pictures from media/.

Every packaged file is named after a hash of its content, so a changed picture gets a new
name: Anki keeps a file it already has under its old name and would otherwise show the old one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Mapping

from . import atlas
from .cache import Cache, files_digest
from .codes import EXTRA_REGIONS, MERIDIANS, channel_title
from .records import Diagram, Point

if TYPE_CHECKING:
    from .translate import Texts

IMAGE_TYPES = {
    ".png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    ".jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    ".gif": lambda head: head[:6] in (b"GIF87a", b"GIF89a"),
    ".webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    ".svg": lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<?xml", b"<svg")),
}


def _png_whole(data: bytes) -> bool:
    """The IHDR chunk first (a size that is not 0 by 0), then an IEND chunk (a phone may add bytes after it)."""
    return (data[8:16] == b"\x00\x00\x00\x0dIHDR" and len(data) >= 45 and data[16:20] != b"\0" * 4
            and data[20:24] != b"\0" * 4 and b"IEND" in data[33:])


def _jpeg_whole(data: bytes) -> bool:
    """Segments from the start marker to a frame header (SOF: the size), and an end marker after it (a motion
    photo carries a video after it)."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return at + 9 <= len(data) and b"\xff\xd9" in data[at + 9:]
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    return False


# What a picture needs beyond its first bytes to be shown: a file cut short (a copy or a
# download stopped) starts like an image but is not one. Checked here, without an image library.
IMAGE_WHOLE = {
    ".png": _png_whole,
    ".jpg": _jpeg_whole,
    ".jpeg": _jpeg_whole,
    ".gif": lambda data: len(data) >= 23 and b"\0\0" not in (data[6:8], data[8:10]) and b"," in data[13:],
    ".webp": lambda data: len(data) >= 20 and int.from_bytes(data[4:8], "little") + 8 <= len(data)
    and data[12:15] == b"VP8",
    ".svg": lambda data: b"</svg>" in data or b"/>" in data.rstrip()[-2:],
}
PREFIX = "acupressure-"


def on_disk(media_dir: Path, relative: PurePosixPath | Path) -> Path:
    """The file in media/ that `relative` names, with each part matched as Unicode text: the same
    accented name can be stored composed (NFC, as typed) or decomposed (NFD, as macOS often
    writes it), and `ls` shows both alike."""
    found = media_dir
    for part in relative.parts:
        if not os.path.lexists(found / part):
            wanted = unicodedata.normalize("NFC", part)
            with contextlib.suppress(OSError):
                part = next((name for name in sorted(os.listdir(found))
                             if unicodedata.normalize("NFC", name) == wanted), part)
        found = found / part
    return found


def image_problem(name: str, media_dir: Path) -> tuple[str, str] | None:
    """Why the image a point names cannot be used (message, hint), or None if it is fine."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or Path(name).is_absolute() or ".." in pure.parts:
        return (f"the image '{name}' is outside the media folder",
                "put the file in media/ and write only its name, e.g. images: [kunlun-photo.jpg]")
    suffix = pure.suffix.lower()
    if suffix not in IMAGE_TYPES:
        found = f"a {suffix} file" if suffix else "a name without an extension"
        return (f"the image '{name}' is {found}, which cards cannot show",
                "use one of " + ", ".join(sorted(IMAGE_TYPES)))
    if not media_dir.is_dir():
        found = "is not a folder" if media_dir.exists() else "does not exist"
        return (f"the media folder {media_dir} {found}",
                "create it and put the image there, or pass --media with the folder that holds it")
    try:
        real = on_disk(media_dir, pure).resolve(strict=True)
        if not real.is_relative_to(media_dir.resolve()):
            return (f"the image '{name}' is a link to a file outside the media folder",
                    "copy the file itself into media/")
        if real.is_dir():
            return (f"'{name}' is a folder, not an image", "name an image file in media/")
        if not real.is_file():
            return (f"'{name}' is not a regular file (a device, a pipe or a socket)", "name an image file in media/")
        data = real.read_bytes()
    except FileNotFoundError:
        return (f"the image '{name}' does not exist in {media_dir}",
                "check the spelling (capitals count), or copy the file into the media folder")
    except (OSError, RuntimeError, ValueError) as exc:  # unreadable, a link loop, a NUL in the name
        reason = getattr(exc, "strerror", None) or "the name cannot be used"
        return (f"the image '{name}' cannot be read ({reason})", "check the file in the media folder")
    if not IMAGE_TYPES[suffix](data[:64]):
        return (f"'{name}' is not a {suffix[1:].upper()} image (its content does not match its name)",
                "open it in an image viewer and save it again in that format")
    if not IMAGE_WHOLE[suffix](data):
        return (f"'{name}' is a {suffix[1:].upper()} image cut short or damaged: it cannot be shown",
                "open it in an image viewer; copy it again from where it came, or save it again")
    return None


@dataclass(frozen=True)
class MediaFile:
    """One file to put in the package, under the name the cards use."""

    name: str
    data: bytes


@dataclass(frozen=True)
class PointImages:
    drawing: MediaFile | None   # the view's drawing (or the zoomed part of it), with no point on it
    question: MediaFile | None  # the point's marker, to show over the drawing: no text naming it
    answer: MediaFile | None    # the same marker, labelled
    photos: tuple[MediaFile, ...]
    tell_apart: bool = False    # another point shares the place: the question names the point's channel


@dataclass(frozen=True)
class Closeup:
    """How a point's location question is drawn so that it has one answer."""

    window: atlas.Window = None   # the zoomed part of its view (None: the whole view)
    tell_apart: bool = False      # no zoom parts it from another point: its channel does


def closeups(points: tuple[Point, ...]) -> dict[str, Closeup]:
    """Each point's close-up, from every point of the deck (point id -> Closeup): a zoom where
    others crowd its marker; where two stay at one place (EX-UE11 takes in PC9's fingertip), the
    question names each one's channel, which tells them apart."""
    placed = {p.id: (p.diagram.view, p.diagram.x, p.diagram.y) for p in points if p.diagram is not None}
    windows = atlas.closeups.windows(placed)
    found = {}
    for key, window in windows.items():
        view, x, y = placed[key]
        near = [other for other, (v, ox, oy) in placed.items() if other != key and v == view
                and atlas.closeups.shows(window, (ox, oy))
                and atlas.closeups.px_apart(view, (x, y), (ox, oy), window) < atlas.closeups.MIN_APART_PX]
        found[key] = Closeup(window, bool(near))
    return found


@functools.cache
def drawing_code() -> str:
    """A digest of the code that draws (the atlas package and this module), part of every picture's
    cache key: a change to how pictures are drawn can never ship a picture drawn the old way."""
    return hashlib.sha256(files_digest(Path(atlas.__file__).parent, (".py",)) + Path(__file__).read_bytes()
                          ).hexdigest()


def _hashed(stem: str, data: bytes, suffix: str) -> str:
    return f"{PREFIX}{stem}{hashlib.sha256(data).hexdigest()[:12]}{suffix}"


class DiagramCache:
    """Rendered diagrams, from the build's cache where they were drawn before: keyed by everything
    that shapes them, so a rebuild renders only what changed. A picture's name holds a hash of its
    content, and what is read back is checked against it: a damaged entry is rendered again."""

    def __init__(self, cache: Cache, words: tuple[tuple[str, str], ...] = ()):
        """`words`: (English, translation) of the texts the pictures show, for a deck in another language."""
        self.rendered = 0
        self._cache = cache
        self._bases: dict[tuple[str, atlas.Window], MediaFile] = {}
        self._boxes: dict[str, list] = {}
        self.words = words
        self._said = dict(words)
        self._words_key = hashlib.sha256(json.dumps(words).encode()).hexdigest()[:16] if words else None

    def base(self, view: str, window: atlas.Window = None) -> MediaFile:
        """The view's drawing (or a zoomed window of it), shared by every point on it (looked up
        once)."""
        if (view, window) not in self._bases:
            self._bases[view, window] = self._file(
                [drawing_code(), atlas.VIEWS[view].digest, window, self._words_key],
                lambda: atlas.base(view, self.words, window=window))
        return self._bases[view, window]

    def overlay(self, diagram: Diagram, label: str | None, window: atlas.Window = None) -> MediaFile:
        """One point's marker (and label and measure), shown over the view's drawing."""
        measure = diagram.measure
        if measure is not None and self.words:  # "1.5 cun" in the deck's language: "1,5 Cun"
            measure = self._said.get(".", ".").join(measure.split(".")).replace("cun", self._said.get("cun", "cun"))
        position = atlas.Position(diagram.view, diagram.x, diagram.y, diagram.origin, measure)
        return self._file([drawing_code(), atlas.VIEWS[diagram.view].digest, diagram.x, diagram.y,
                           diagram.origin, measure, label, window, self._words_key],
                          lambda: atlas.overlay(diagram.view, position, label=label, window=window, words=self.words))

    def span(self, view: str, start: str, end: str) -> MediaFile:
        """A bone measure's span between two landmarks, shown over the view's drawing."""
        return self._file([drawing_code(), atlas.VIEWS[view].digest, "span", start, end],
                          lambda: atlas.span(view, start, end))

    def boxes(self, view: str, tags: list[tuple[float, float, str]]) -> list[tuple[float, float, float, float] | None]:
        """atlas.quiz_boxes, from the build's cache where laid out before (a rebuild lays out no
        quiz again), and once in a build for each set of tags (a selection's owners ask too)."""
        key = json.dumps([atlas.VIEWS[view].digest, tags, self._words_key])
        if key not in self._boxes:
            found = self._cache.parsed("quiz-boxes", key, lambda _: [
                None if box is None else list(box) for box in atlas.quiz_boxes(view, tags, self.words)])
            self._boxes[key] = [None if box is None else tuple(box) for box in found]
        return self._boxes[key]

    def quiz(self, view: str, points: list[tuple[float, float, str]]) -> MediaFile:
        """The view with every point's code tagged, for the region quiz."""
        return self._file([drawing_code(), atlas.VIEWS[view].digest, "quiz", points, self._words_key],
                          lambda: atlas.quiz(view, points, self.words))

    def _file(self, shaped_by: list, render: Callable[[], bytes]) -> MediaFile:
        """From the cache if it is intact there, or rendered."""
        key = hashlib.sha256(json.dumps(shaped_by).encode()).hexdigest()
        found = self._cache.picture(key)
        if found is not None and _hashed("", found[1], ".svg") == found[0]:
            return MediaFile(*found)
        data = render()
        self.rendered += 1
        name = _hashed("", data, ".svg")
        self._cache.keep_picture(key, name, data)
        return MediaFile(name, data)


def photo(media_dir: Path, relative: Path) -> MediaFile:
    """A picture from media/, named after its content."""
    data = on_disk(media_dir, relative).read_bytes()
    stem = "".join(ch if ch.isalnum() else "-" for ch in relative.stem.lower()) + "-"
    return MediaFile(_hashed(stem, data, relative.suffix.lower()), data)


def point_images(point: Point, photos: Callable[[Path], MediaFile], cache: DiagramCache,
                 closeup: Closeup = Closeup()) -> PointImages:
    """`photos` gives the MediaFile of a picture in media/ (several points may share one)."""
    drawing = question = answer = None
    if point.diagram is not None:
        d = point.diagram
        drawing = cache.base(d.view, closeup.window)
        question = cache.overlay(d, None, closeup.window)
        answer = cache.overlay(d, f"{point.code} {point.pinyin}", closeup.window)
    return PointImages(drawing, question, answer, tuple(photos(relative) for relative in point.images),
                       closeup.tell_apart)


@dataclass(frozen=True)
class Quiz:
    """A region quiz: one meridian's points on one view (or a part of them, where they do not fit
    one picture), each tagged with its code; the tags' boxes as fractions of the picture."""

    view: str
    group: str      # the meridian code (BL), or an extra points' region (EX-HN)
    title: str
    picture: MediaFile
    points: tuple[Point, ...]
    boxes: tuple[tuple[float, float, float, float], ...]
    part: int = 1   # 2, 3…: the pictures split off the first, each a note of its own


def quiz_group(point: Point) -> str:
    """BL for BL23, EX-HN for EX-HN3: the codes whose numbers are unique within it."""
    return point.code.rstrip("0123456789")


def group_name(group: str) -> str:
    if group in MERIDIANS:
        return channel_title(MERIDIANS[group][0])
    return f"extra points of the {EXTRA_REGIONS[group.removeprefix('EX-')][0]}"


def _tags(members: list[Point]) -> list[tuple[float, float, str]]:
    return [(p.diagram.x, p.diagram.y, p.code) for p in members]


def _parts(view: str, members: list[Point], diagrams: DiagramCache) -> list[tuple[list[Point], list]]:
    """The points in pictures where every tag finds a spot beside its point, with their boxes: all
    in one where they fit, else every other point (from the top) in the first, the rest in the next."""
    boxes = diagrams.boxes(view, _tags(members))
    if all(box is not None for box in boxes) or len(members) == 1:
        return [(members, boxes)]
    ordered = sorted(members, key=lambda p: (p.diagram.y, p.diagram.x))
    first = {id(p) for p in ordered[::2]}   # every other point, from the top: each picture half as dense
    return [*_parts(view, [p for p in members if id(p) in first], diagrams),
            *_parts(view, [p for p in members if id(p) not in first], diagrams)]


def _groups(points: tuple[Point, ...]) -> dict[tuple[str, str], list[Point]]:
    groups: dict[tuple[str, str], list[Point]] = {}
    for point in points:
        if point.diagram is not None:
            groups.setdefault((point.diagram.view, quiz_group(point)), []).append(point)
    return groups


def quiz_key(view: str, group: str, part: int = 1) -> str:
    """back-bl; a picture split off it, back-bl-2: a note of its own."""
    return f"{view}-{group.lower()}" + (f"-{part}" if part > 1 else "")


Masks = Mapping[str, Mapping[str, int]]   # quiz key -> point id (or code) -> cloze number


def _fits(view: str, members: list[Point], diagrams: DiagramCache) -> bool:
    return all(box is not None for box in diagrams.boxes(view, _tags(members)))


def _split(view: str, group: str, members: list[Point], before: Masks,
           diagrams: DiagramCache) -> dict[int, tuple[list[Point], list]]:
    """The parts of a stretch (part number -> its points and their boxes). A stretch split before
    stays split as it was, so that no point's card moves: a point stays in the picture it was in,
    a new one goes to the first picture it fits in; only a picture that no longer fits is split
    again, its new parts numbered after the others."""
    earlier = []
    while quiz_key(view, group, len(earlier) + 2) in before:
        earlier.append(before[quiz_key(view, group, len(earlier) + 2)])
    if not earlier:
        return dict(enumerate(_parts(view, members, diagrams), start=1))
    assigned: list[list[Point]] = [[] for _ in range(len(earlier) + 1)]
    new = []
    for point in members:
        # a point moved to a later picture stays numbered in the first: the last picture naming it has it
        where = next((i + 2 for i in reversed(range(len(earlier)))
                      if point.id in earlier[i] or point.code in earlier[i]), None)
        first = before.get(quiz_key(view, group), {})
        if where is None and (point.id in first or point.code in first):
            where = 1
        (assigned[where - 1] if where else new).append(point)
    for point in new:
        part = next((part for part in assigned if _fits(view, [*part, point], diagrams)), None)
        if part is None:
            assigned.append(part := [])
        part.append(point)
    found, extra = {}, []
    for number, part in enumerate(assigned, start=1):
        if part:
            kept, *more = _parts(view, [p for p in members if p in part], diagrams)
            found[number] = kept
            extra += more
    for piece in extra:
        found[max(found) + 1] = piece
    return found


def quiz_keys(points: tuple[Point, ...], before: Masks, diagrams: DiagramCache) -> set[str]:
    """The keys of the quizzes these points make (back-bl, back-bl-2 where it is split)."""
    return {quiz_key(view, group, part) for (view, group), members in _groups(points).items()
            for part in _split(view, group, members, before, diagrams)}


def quizzes(points: tuple[Point, ...], cache: DiagramCache, before: Masks | None = None,
            texts: Texts | None = None) -> list[Quiz]:
    """One quiz for each meridian on each view: a picture with one channel's points stays legible
    as the atlas fills, and adding a meridian to a view leaves the quizzes already studied alone.
    Where the tags do not fit beside their points, the stretch is split into pictures (`before`:
    the last build's cloze numbers, which say how it was split)."""
    found = []
    for (view, group), members in _groups(points).items():
        width, height = atlas.quiz_size(view)
        parts = _split(view, group, members, before or {}, cache)
        # a part keeps its number (its cloze numbers and note follow it); the title counts what is there
        for shown_as, (part, (shown, placed)) in enumerate(sorted(parts.items()), 1):
            if any(box is None for box in placed):
                raise ValueError(f"no room for a tag on {view}")  # one point alone always has room
            boxes = tuple((x / width, y / height, w / width, h / height) for x, y, w, h in placed)
            title = f"{atlas.VIEWS[view].title}: {group_name(group)}" if texts is None or texts.english else (
                f"{texts.plain(atlas.VIEWS[view].title, 'views')}: {texts.group(group)}")
            if len(parts) > 1:
                of = "({part} of {parts})" if texts is None else texts("({part} of {parts})")
                title += " " + of.format(part=shown_as, parts=len(parts))
            found.append(Quiz(view, group, title, cache.quiz(view, _tags(shown)), tuple(shown), boxes, part))
    return found
