"""A static HTML page of every card, rendered the way Anki renders the deck's templates.

The renderer covers the template syntax our note types use, with Anki's rules: a field
replacement, {{#Field}}/{{^Field}} sections (a field holding only whitespace or <br> counts as
empty), {{FrontSide}} on the answer side, the {{tts lang:Field}} filter, which Anki turns
into a play button, and {{cloze:Field}} for image-occlusion masks, which Anki turns into
the elements its review script draws. tests/test_preview.py checks the result against the real Anki backend.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .build import Deck
from .cards import NoteSpec
from .errors import OutputError
from .files import other_kind, remove_leftovers, scratch
from .notetypes import OCCLUSION_CSS
from .translate import plain_marked

_TAG = re.compile(r"\{\{([#^/]?)\s*([^}]*?)\s*\}\}")
_EMPTY = re.compile(r"^(?:\s|<br\s*/?>|<div>\s*</div>|&nbsp;)*$", re.IGNORECASE)
SPEAKER = '<a class="replay-button" role="button" aria-label="Play">▶</a>'


@dataclass(frozen=True)
class PreviewCard:
    note: NoteSpec
    ord: int
    template: str
    question: str
    answer: str


def _field_empty(value: str) -> bool:
    return bool(_EMPTY.match(value))


_MASK = re.compile(r"\{\{c(\d+)::image-occlusion:rect:left=([\d.]+):top=([\d.]+):width=([\d.]+):"
                   r"height=([\d.]+):oi=1\}\}")


def _masks(text: str, ordinal: int, answer: bool) -> str:
    """Anki's rendering of image-occlusion clozes: the asked one active, the others inactive."""
    def one(match: re.Match) -> str:
        number, left, top, width, height = match.groups()
        kind = "cloze-inactive" if int(number) != ordinal else "cloze-highlight" if answer else "cloze"
        return (f'<div class="{kind}" data-ordinal="{number}" data-shape="rect" data-left="{left}" '
                f'data-top="{top}" data-width="{width}" data-height="{height}" data-occludeInactive="1" ></div>')
    return _MASK.sub(one, text)


_MASK_DIV = re.compile(r'<div class="(cloze|cloze-inactive|cloze-highlight)" data-ordinal="\d+" data-shape="rect" '
                       r'data-left="([\d.]+)" data-top="([\d.]+)" data-width="([\d.]+)" '
                       r'data-height="([\d.]+)"[^>]*></div>')
_HIDDEN_MASKS = re.compile(r'<div style="display: none">(?:<div [^>]*></div>|\s)*</div>')
_SCRIPT = re.compile(r"<script>.*?</script>", re.S)


# The masks of `as_drawn` over the picture, the picture as wide as the card (Anki's review.scss).
DRAWN_CSS = """
#image-occlusion-container { position: relative; margin: 0 auto; }
#image-occlusion-container img { display: block; width: 100%; height: auto; }
#image-occlusion-canvas { position: absolute; inset: 0; }
#image-occlusion-canvas .mask { position: absolute; box-sizing: border-box; }
.mask.cloze { background: var(--active-shape-color); border: solid var(--active-shape-border); }
.mask.cloze-inactive { background: var(--inactive-shape-color); border: solid var(--inactive-shape-border); }
.mask.cloze-highlight { background: var(--highlight-shape-color); border: solid var(--highlight-shape-border); }
"""


def as_drawn(side: str) -> str:
    """A card side as Anki shows it once its image-occlusion script has run: the masks drawn over
    the picture (the question's mask red, the others yellow, the answer's only outlined). The
    page runs no Anki script, so it draws them itself, in the note type's own colours."""
    if 'id="image-occlusion-canvas"' not in side:
        return side
    masks = "".join(
        f'<div class="mask {kind}" style="left: {100 * float(left):.2f}%; top: {100 * float(top):.2f}%; '
        f'width: {100 * float(width):.2f}%; height: {100 * float(height):.2f}%"></div>'
        for kind, left, top, width, height in _MASK_DIV.findall(side))
    side = _HIDDEN_MASKS.sub("", _SCRIPT.sub("", side)).replace('<div id="err"></div>', "")
    return side.replace('<canvas id="image-occlusion-canvas"></canvas>',
                        f'<div id="image-occlusion-canvas">{masks}</div>')


def render(template: str, fields: dict[str, str], front_side: str | None = None, *, ordinal: int = 1,
           answer: bool = False) -> str:
    """Render one side; raises ValueError on a template this renderer does not understand."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (field, showing)
    position = 0
    for match in _TAG.finditer(template):
        showing = all(shown for _, shown in stack)
        if showing:
            out.append(template[position:match.start()])
        position = match.end()
        kind, name = match.groups()
        if kind in "#^" and kind:
            present = name in fields and not _field_empty(fields[name])
            stack.append((name, present if kind == "#" else not present))
        elif kind == "/":
            if not stack or stack[-1][0] != name:
                raise ValueError(f"unbalanced section {{{{/{name}}}}}")
            stack.pop()
        elif showing:
            out.append(_replacement(name, fields, front_side, ordinal, answer))
    if stack:
        raise ValueError(f"unclosed section {{{{#{stack[-1][0]}}}}}")
    if all(shown for _, shown in stack):
        out.append(template[position:])
    return "".join(out)


def _replacement(name: str, fields: dict[str, str], front_side: str | None, ordinal: int, answer: bool) -> str:
    if name == "FrontSide":
        return front_side or ""
    *filters, field = name.split(":")
    if filters and filters[0].startswith("tts"):
        return SPEAKER if not _field_empty(fields[field]) else ""
    if filters == ["cloze"]:
        return _masks(fields[field], ordinal, answer)
    if filters:
        raise ValueError(f"filter {':'.join(filters)} is not supported by the preview")
    return fields[field]


def cards(deck: Deck) -> list[PreviewCard]:
    """Every card the package holds (genanki decides which templates a note generates)."""
    found = []
    for note in deck.notes:
        fields = dict(zip((f["name"] for f in note.model.fields), note.fields))
        for ord_ in note.card_ords:
            cloze = note.model.model_type == note.model.CLOZE  # one template; the card's ord is its cloze
            template = note.model.templates[0 if cloze else ord_]
            question = render(template["qfmt"], fields, ordinal=ord_ + 1)
            answer = render(template["afmt"], fields, front_side=question, ordinal=ord_ + 1, answer=True)
            found.append(PreviewCard(note, ord_, template["name"], question, answer))
    return found


def _page(deck: Deck, night: bool) -> str:
    mode = " nightMode night_mode" if night else ""
    every = cards(deck)
    groups: dict[str, list[PreviewCard]] = {}
    for card in every:
        groups.setdefault(card.note.owner, []).append(card)
    titles = {f"point:{p.id}": f"{p.code} {p.pinyin} · {p.english[0]}" for p in deck.dataset.points}
    titles.update({f"condition:{c.id}": f"Complaint: {c.name}" for c in deck.dataset.conditions})
    titles.update({n.owner: n.fields[2] for n in deck.notes if n.owner.startswith("quiz:")})
    titles.update({f"measure:{m.id}": f"Measure: {m.span}" for m in deck.dataset.measures})
    sections = []
    for owner, owned in groups.items():
        rows = []
        for card in owned:
            rows.append(
                f'<article class="preview-card" data-guid="{escape(card.note.guid)}" data-ord="{card.ord}">'
                f'<h3>{escape(card.note.model.name.split(": ", 1)[-1])} — {escape(card.template)}</h3>'
                f'<div class="sides"><section><h4>Question</h4><div class="card card{card.ord + 1}{mode}">'
                f'{as_drawn(card.question)}</div></section><section><h4>Answer</h4>'
                f'<div class="card card{card.ord + 1}{mode}">{as_drawn(card.answer)}</div></section></div></article>')
        sections.append(f'<section class="owner" id="{escape(owner.replace(":", "-"))}">'
                        f'<h2>{escape(plain_marked(titles[owner]))}</h2>{"".join(rows)}</section>')
    other = "index.html" if night else "night.html"
    other_label = "day mode" if night else "night mode"
    page_bg = "#121214" if night else "#eceef1"
    page_fg = "#e8e8ea" if night else "#1d1d1f"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acupressure deck preview</title>
<style>{deck.language.name_code.css}{OCCLUSION_CSS}</style>
<style>
body.preview {{ margin: 0; padding: 16px; background: {page_bg}; color: {page_fg};
  font-family: system-ui, sans-serif; }}
.preview h1 {{ font-size: 1.4em; }} .preview h2 {{ margin-top: 2em; }}
.preview h3 {{ font-size: 1em; margin: 1.2em 0 .4em; }}
.preview h4 {{ font-size: .75em; text-transform: uppercase; letter-spacing: .08em; margin: .2em 0; opacity: .7; }}
.sides {{ display: flex; flex-wrap: wrap; gap: 12px; }}
.sides > section {{ flex: 1 1 320px; min-width: 0; }}
.sides .card {{ border-radius: 10px; box-shadow: 0 1px 3px rgba(0,0,0,.25); min-height: 6em; }}
{DRAWN_CSS}
</style></head>
<body class="preview">
<h1>Acupressure points — every card ({len(every)} cards, {len(deck.notes)} notes)</h1>
<p><a href="{other}">Show in {other_label}</a></p>
{"".join(sections)}
</body></html>
"""


def write(deck: Deck, folder: Path) -> Path:
    """Write index.html (day), night.html and the images; returns the day page.

    Like the build: every file goes to a scratch file beside it, and only when all are written are
    they renamed over the old ones (the day page last), so a full disk leaves the old page set
    whole, and a Ctrl-C says what it left."""
    files = [*((item.name, item.data) for item in deck.media),
             ("night.html", _page(deck, night=True).encode()), ("index.html", _page(deck, night=False).encode())]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write the preview to {folder}: {exc.strerror}") from None
    for name, _ in files:
        other = other_kind(folder / name)
        if other:
            raise OutputError(f"{folder / name} is {other}, not a file the preview wrote: remove it, or write "
                              "the preview to another folder (-o)")
    remove_leftovers(folder)
    written: list[tuple[Path, Path]] = []
    try:
        for name, data in files:
            written.append((scratch(folder / name), folder / name))
            written[-1][0].write_bytes(data)
            os.chmod(written[-1][0], 0o644)  # as the files written directly were (scratch files are private)
        for temporary, target in written:
            os.replace(temporary, target)
    except OSError as exc:
        renamed = _tidy(folder, written)
        kept = "the previous preview is as it was" if renamed == 0 else f"{renamed} of its {len(files)} files are new"
        raise OutputError(f"cannot write the preview to {folder} ({exc.strerror}); {kept}") from None
    except KeyboardInterrupt:
        renamed = _tidy(folder, written)
        if renamed == 0:
            raise KeyboardInterrupt(f"the preview in {folder} is as it was") from None
        raise KeyboardInterrupt(f"{renamed} of the {len(files)} files of the preview in {folder} are new, the "
                                "others old: run the preview again") from None
    return folder / "index.html"


def _tidy(folder: Path, written: list[tuple[Path, Path]]) -> int:
    """Remove the scratch files not yet renamed; how many were."""
    renamed = sum(not temporary.exists() for temporary, _ in written)
    remove_leftovers(folder, own=True)  # with one made but not yet listed in `written`
    return renamed
