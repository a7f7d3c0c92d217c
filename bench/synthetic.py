"""Synthetic data sets for the benchmark: valid data of any size, written as the README describes.

Every point has unique id, code, names and location text, a diagram at a position inside the
body of one of the real views (picked with atlas.inside_body), and every 25th point also a
photo from media/. Every point is named by at least one condition (most by two).

Codes: only 361 WHO standard codes exist (codes.MERIDIANS). Up to 361 points the generator uses
exactly those. Beyond that, validation has no valid scheme (a standard code is two capital
letters and a number within the meridian's count), so the generator continues with synthetic
two-letter "meridians" (QA, QB, ... each with 99 points) and writes them to
`synthetic-meridians.json`; the benchmark's child process registers them in codes.MERIDIANS
before calling the CLI (see bench/_child.py). Nothing else of validation is bypassed.
"""

from __future__ import annotations

import json
import random
import struct
import zlib
from pathlib import Path

from deckbuilder import atlas, codes

SYLLABLES = [
    "kūn", "lún", "shèn", "shū", "wěi", "zhōng", "bāo", "huāng", "tiān", "zōng", "hé", "gǔ",
    "zú", "sān", "lǐ", "yīn", "líng", "quán", "tài", "chōng", "fēng", "chí", "jiān", "jǐng",
    "mìng", "mén", "qū", "zé", "nèi", "guān", "wài", "shén", "táng", "yáng", "fǔ", "hǎi",
    "xuè", "qì", "yǒng", "dà",
]
HANZI = list("昆仑肾俞委中胞肓天宗合谷足三里阴陵泉太冲风池肩井命门曲泽内关外神堂阳府海血气涌大")
ADJECTIVES = ["Jade", "Heavenly", "Hidden", "Great", "Lesser", "Spirit", "Bright", "Deep", "Rushing",
              "Bubbling", "Central", "Outer", "Inner", "Upper", "Lower", "Yellow", "Crooked", "Still",
              "Broad", "Narrow", "Golden", "Silver", "Quiet", "Flying", "Rising", "Sinking", "Warm",
              "Cool", "Ancient", "Open", "Closed", "Gentle", "Strong", "Empty", "Full", "Distant",
              "Near", "Round", "Square", "Single"]
NOUNS = ["Gate", "Valley", "Spring", "Pool", "Hall", "Palace", "Mound", "Stream", "Marsh", "Well",
         "Door", "Window", "Bridge", "Court", "Tower", "Sea", "Ridge", "Cave", "Field", "Lake",
         "Root", "Pillar", "Path", "Garden", "Shelter", "River", "Forest", "Stone", "Terrace",
         "Pass", "Ford", "Hollow", "Bend", "Harbour", "Market", "Granary", "Storehouse", "Altar",
         "Mountain", "Island"]
PLACES = ["", " of the West", " of the East", " of the North", " of the South", " of Heaven",
          " of Earth", " of the Spirit", " of the Wind", " of Fire", " of Water", " of Wood",
          " of Metal", " of the Moon", " of the Sun", " of Clouds", " of Rain", " of Thunder",
          " of Mist", " of Dew", " of Snow", " of Dawn", " of Dusk", " of Night", " of the Dragon",
          " of the Tiger", " of the Crane", " of the Turtle", " of the Phoenix", " of the Ox",
          " of the Horse", " of the Deer", " of the Fish", " of the Bear", " of the Monkey",
          " of the Snake", " of the Rooster", " of the Dog", " of the Boar", " of the Rat"]
INDICATIONS = ["lower back pain", "sciatica", "stiff neck", "headache", "knee pain", "ankle pain",
               "fatigue", "insomnia", "nausea", "tinnitus", "shoulder tension", "cold feet",
               "digestive complaints", "menstrual pain", "dizziness", "anxiety"]
VIEW_TEXT = {
    "back": ("lower-back", "On the back, {dx} finger-widths from the spine and {dy} vertebrae below the shoulder line",
             ["spinous processes", "iliac crest", "lowest rib"]),
    "knee-back": ("knee", "Behind the knee, {dx} finger-widths from the crease centre and {dy} finger-widths above it",
                  ["popliteal crease", "biceps femoris tendon", "semitendinosus tendon"]),
    "ankle-lateral": ("ankle", "On the outer ankle, {dx} finger-widths behind the ankle bone "
                      "and {dy} finger-widths above the heel",
                      ["lateral malleolus", "Achilles tendon", "heel"]),
}
VIEW_CYCLE = ["back", "back", "knee-back", "ankle-lateral"]
OLD_ABBREVIATION = {"BL": "UB", "KI": "K", "LR": "LIV", "TE": "SJ", "GV": "DU", "CV": "REN", "PC": "P"}
PHOTO_EVERY = 25
PHOTOS = 8


def standard_codes() -> list[str]:
    return [f"{m}{k}" for m, (_, count) in codes.MERIDIANS.items() for k in range(1, count + 1)]


def synthetic_meridians(count: int) -> list[str]:
    taken = set(codes.MERIDIANS)
    found = []
    for first in "QXYZJW":
        for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if first + second not in taken:
                found.append(first + second)
    if count > len(found):
        raise ValueError("too many points for the synthetic code scheme")
    return found[:count]


def point_codes(n: int) -> tuple[list[str], list[str]]:
    """n unique codes and the synthetic meridians (two letters, 99 points each) they need."""
    result = standard_codes()[:n]
    extra = n - len(result)
    meridians = synthetic_meridians(-(-extra // 99)) if extra > 0 else []
    for index in range(extra):
        result.append(f"{meridians[index // 99]}{index % 99 + 1}")
    return result, meridians


def _png(seed: int) -> bytes:
    """A small valid PNG (32x32, one colour per seed)."""
    width = height = 32
    colour = bytes(((seed * 53) % 256, (seed * 97) % 256, (seed * 193) % 256))
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


class Positions:
    """Distinct positions inside the body of each view, in a reproducible order."""

    def __init__(self, seed: int = 6):
        self.random = random.Random(seed)
        self.used: dict[str, set[tuple[float, float]]] = {v: set() for v in atlas.VIEWS}

    def take(self, view: str) -> tuple[float, float]:
        x0, y0, x1, y1 = atlas.VIEWS[view].bounds
        while True:
            x = round(self.random.uniform(x0, x1) * 2) / 2
            y = round(self.random.uniform(y0, y1) * 2) / 2
            if (x, y) not in self.used[view] and atlas.inside_body(view, x, y):
                self.used[view].add((x, y))
                return x, y


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _num(value: float) -> str:
    return f"{value:g}"


def point_yaml(p: dict) -> str:
    lines = [f"- id: {p['id']}", f"  code: {p['code']}"]
    if p.get("legacy"):
        lines.append(f"  legacy_codes:\n    - {{code: {p['legacy']}, system: old-abbreviation}}")
    lines += [f"  pinyin: {_q(p['pinyin'])}", f"  hanzi: {p['hanzi']}",
              f"  english: [{_q(p['english'])}]", f"  region: {p['region']}",
              f"  location: {_q(p['location'])}",
              "  landmarks: [" + ", ".join(_q(x) for x in p["landmarks"]) + "]",
              f"  how_to_find: {_q(p['how_to_find'])}", "  indications:"]
    lines += [f"    - {_q(x)}" for x in p["indications"]]
    if p.get("category"):
        lines.append(f"  categories:\n    - {{kind: {p['category']}}}")
    if p.get("cautions"):
        lines.append(f"  cautions:\n    - {_q(p['cautions'])}")
    d = p["diagram"]
    if d:
        lines.append(f"  diagram: {{view: {d[0]}, x: {_num(d[1])}, y: {_num(d[2])}}}")
    if p.get("image"):
        lines.append(f"  images: [{p['image']}]")
    lines.append("  sources: [who-2008, deadman]")
    if p.get("article"):
        lines.append(f"  article: {_q(p['article'])}")
    return "\n".join(lines) + "\n"


SOURCES = """\
sources:
  who-2008:
    title: WHO Standard Acupuncture Point Locations in the Western Pacific Region
    author: World Health Organization, Regional Office for the Western Pacific
    year: 2008
  deadman:
    title: A Manual of Acupuncture
    author: Peter Deadman, Mazin Al-Khafaji, Kevin Baker
    year: 1998
numbering_systems:
  old-abbreviation:
    name: older meridian abbreviation
    description: Older English texts wrote UB for BL, K for KI, and so on.
"""


def generate(n: int, root: Path, seed: int = 6) -> dict:
    """Write root/data and root/media for n points; returns a summary (and the meridians to register)."""
    data, media = root / "data", root / "media"
    (data / "points").mkdir(parents=True, exist_ok=True)
    media.mkdir(parents=True, exist_ok=True)
    for k in range(PHOTOS):
        (media / f"photo-{k}.png").write_bytes(_png(k))
    (data / "sources.yaml").write_text(SOURCES, encoding="utf-8")

    all_codes, meridians = point_codes(n)
    positions = Positions(seed)
    base = len(SYLLABLES)
    by_file: dict[str, list[str]] = {}
    ids = []
    for i, code in enumerate(all_codes):
        a, b, c = i % base, (i // base) % base, (i // base // base) % base
        view = VIEW_CYCLE[i % len(VIEW_CYCLE)]
        region, where, landmarks = VIEW_TEXT[view]
        x, y = positions.take(view)
        meridian = code[:2]
        number = int(code[2:])
        point = {
            "id": f"point-{i + 1}",
            "code": code,
            "legacy": f"{OLD_ABBREVIATION[meridian]}{number}" if meridian in OLD_ABBREVIATION else None,
            "pinyin": (SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize(),
            "hanzi": HANZI[a] + HANZI[b] + HANZI[c],
            "english": f"{ADJECTIVES[a]} {NOUNS[b]}{PLACES[c]}",
            "region": region,
            "location": where.format(dx=1 + i % 4, dy=1 + (i // 4) % 7)
            + f", at mark {i + 1} of the practice chart.",
            "landmarks": landmarks[: 2 + i % 2],
            "how_to_find": "Find the landmark first, then measure with your fingers; the spot "
                           "feels slightly tender when pressed.",
            "indications": [INDICATIONS[(i + k * 5) % len(INDICATIONS)] for k in range(3)],
            # One source, connecting and cleft point on each meridian, as the standard has.
            "category": {1: "yuan-source", 2: "luo-connecting", 3: "xi-cleft"}.get(number)
            if meridian in codes.MERIDIANS else None,
            "cautions": "Traditionally avoided during pregnancy." if i % 7 == 0 else None,
            "diagram": (view, x, y),
            "image": f"photo-{(i // PHOTO_EVERY) % PHOTOS}.png" if i % PHOTO_EVERY == 0 else None,
            "article": "The source article gives a different location." if i % 50 == 0 else None,
        }
        ids.append(point["id"])
        name = codes.MERIDIANS[meridian][0] if meridian in codes.MERIDIANS else f"synthetic-{meridian.lower()}"
        by_file.setdefault(name.replace(" ", "-"), []).append(point_yaml(point))
    for name, entries in by_file.items():
        (data / "points" / f"{name}.yaml").write_text(
            f"# Synthetic points ({name}).\n\n" + "\n".join(entries), encoding="utf-8")

    # Conditions: about one per 8 points; point i is in condition i % C and (i // 2 + 1) % C.
    count = max(5, n // 8)
    members: list[list[str]] = [[] for _ in range(count)]
    for i, pid in enumerate(ids):
        for c in {i % count, (i // 2 + 1) % count}:
            members[c].append(pid)
    entries = []
    regions = ["lower-back", "knee", "ankle", "neck", "leg"]
    for c, points in enumerate(members):
        entries.append(f"- id: complaint-{c + 1}\n  name: {_q(f'complaint number {c + 1}')}\n"
                       f"  region: {regions[c % len(regions)]}\n  points: [{', '.join(points)}]\n"
                       "  sources: [deadman]\n")
    (data / "conditions.yaml").write_text("\n".join(entries), encoding="utf-8")
    (root / "synthetic-meridians.json").write_text(json.dumps(meridians))
    return {"points": n, "conditions": count, "meridians": meridians,
            "synthetic_codes": max(0, n - len(standard_codes())), "data": data, "media": media}


def register_meridians(meridians: list[str]) -> None:
    """Make the synthetic two-letter meridians known to validation (99 points each)."""
    for code in meridians:
        codes.MERIDIANS.setdefault(code, (f"synthetic {code.lower()}", 99))
