"""Writes deckbuilder/atlas/fontwidths.py: the advance widths of DejaVu Sans (regular and bold), by
which the atlas sizes its labels. A picture shown in <img> uses the system's sans-serif font;
DejaVu Sans, the usual Linux default, is the widest of the common ones, so a label sized for it
fits on Android (Roboto), iOS and macOS (Helvetica, SF) and Windows (Segoe UI, Arial) too.

    python tools/font_widths.py [/usr/share/fonts/truetype/dejavu]   # Debian's fonts-dejavu-core
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# what labels use: ASCII, Latin-1 and Latin Extended-A (accented names), the pinyin tone letters
# (ǎ ǐ ǒ ǔ ǖ-ǜ), dashes, quotes and arrows
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x1CD, 0x1DC), (0x2013, 0x2014), (0x2018, 0x201D), (0x2026, 0x2026),
          (0x2190, 0x2193))


def _tables(data: bytes) -> dict[str, int]:
    count = struct.unpack(">H", data[4:6])[0]
    found = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        found[tag.decode("latin-1")] = offset
    return found


def _glyphs(data: bytes, cmap: int) -> dict[int, int]:
    """Code point -> glyph, from the Windows Unicode (3, 1) format-4 subtable."""
    for i in range(struct.unpack(">H", data[cmap + 2: cmap + 4])[0]):
        platform, encoding, offset = struct.unpack(">HHI", data[cmap + 4 + 8 * i: cmap + 12 + 8 * i])
        sub = cmap + offset
        if (platform, encoding) != (3, 1) or struct.unpack(">H", data[sub: sub + 2])[0] != 4:
            continue
        seg2 = struct.unpack(">H", data[sub + 6: sub + 8])[0]
        n = seg2 // 2
        ends = struct.unpack(f">{n}H", data[sub + 14: sub + 14 + seg2])
        starts = struct.unpack(f">{n}H", data[sub + 16 + seg2: sub + 16 + 2 * seg2])
        deltas = struct.unpack(f">{n}h", data[sub + 16 + 2 * seg2: sub + 16 + 3 * seg2])
        at = sub + 16 + 3 * seg2
        offsets = struct.unpack(f">{n}H", data[at: at + seg2])
        glyphs = {}
        for k in range(n):
            for code in range(starts[k], min(ends[k], 0xFFFE) + 1):
                if offsets[k] == 0:
                    glyphs[code] = (code + deltas[k]) & 0xFFFF
                else:
                    p = at + 2 * k + offsets[k] + 2 * (code - starts[k])
                    glyph = struct.unpack(">H", data[p: p + 2])[0]
                    glyphs[code] = (glyph + deltas[k]) & 0xFFFF if glyph else 0
        return glyphs
    raise SystemExit("no Unicode character map in the font")


def widths(path: Path) -> dict[int, int]:
    """Advance widths in 1/1000 em, by code point."""
    data = path.read_bytes()
    tables = _tables(data)
    per_em = struct.unpack(">H", data[tables["head"] + 18: tables["head"] + 20])[0]
    metrics = struct.unpack(">H", data[tables["hhea"] + 34: tables["hhea"] + 36])[0]
    advances = [struct.unpack(">H", data[tables["hmtx"] + 4 * i: tables["hmtx"] + 4 * i + 2])[0]
                for i in range(metrics)]
    return {code: round(advances[min(glyph, metrics - 1)] * 1000 / per_em)
            for code, glyph in _glyphs(data, tables["cmap"]).items()}


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
    regular, bold = widths(folder / "DejaVuSans.ttf"), widths(folder / "DejaVuSans-Bold.ttf")
    lines = ['"""Advance widths of DejaVu Sans, regular and bold, in 1/1000 em (written by tools/font_widths.py',
             'from Debian\'s fonts-dejavu-core 2.37; the widths are measurements of the font, not its drawings)."""',
             "", "# (first code point, widths of it and the ones after it)", "REGULAR = ("]
    for table, name in ((regular, "REGULAR"), (bold, "BOLD")):
        if name == "BOLD":
            lines += [")", "BOLD = ("]
        for first, last in RANGES:
            values = " ".join(str(table.get(code, 1000)) for code in range(first, last + 1))
            words, row = values.split(), []
            lines.append(f"    (0x{first:04X}, (")
            for word in words:
                if len(" ".join(row + [word])) > 100:
                    lines.append('        "' + " ".join(row) + ' "')
                    row = []
                row.append(word)
            lines.append('        "' + " ".join(row) + '")),')
    lines.append(")")
    (ROOT / "deckbuilder" / "atlas" / "fontwidths.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
