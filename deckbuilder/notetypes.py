"""The deck's Anki note types, each with a card template for both directions, and its decks.

A note type's id follows its fields and card types (see `_model`); a deck's id follows its name.
Adding, renaming or retiring a field or a template changes the note type's schema; see
"Regenerating" in the README before doing it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from html import escape
from importlib import resources

import genanki

from .codes import MERIDIANS
from .records import Dataset, Point
from .translate import ENGLISH, UNTRANSLATED_CSS, Texts, plain_marked, visible

DECK_ID = 1579481825
DECK_NAME = "Acupressure points"


CSS = resources.files("deckbuilder").joinpath("style.css").read_text(encoding="utf-8")
# Note type id -> the fields its notes fill, by name (cards.py checks every note against it);
# retired fields are not among them and stay empty.
FIELDS: dict[int, tuple[str, ...]] = {}



def _model(name: str, fields: list[str], templates: list[dict], *, retired_fields: tuple[str, ...] = (),
           retired_templates: tuple[tuple[str, str], ...] = (), sort_field_index: int = 0,
           model_type: int = genanki.Model.FRONT_BACK, css: str = CSS) -> genanki.Model:
    """A note type whose id follows its fields and card types, which only ever grow.

    Anki matches note types by id. When the fields or card types change, a new id makes Anki's
    import with "Merge note types" convert the notes it already has to the new note type and then
    update them from the package (with the same id, it rewrites them at the time of the import,
    after which the package's older notes no longer count as newer). A field or card type that
    is no longer used is kept, retired: Anki's merge would keep it anyway, and a package that
    lacked it would no longer match the merged note type. A retired card type (name, the retired
    field it shows) makes no new cards, since that field stays empty.
    """
    all_fields = [*fields, *retired_fields]
    all_templates = [*templates, *({"name": t, "qfmt": f"{{{{#{field}}}}}{{{{{field}}}}}{{{{/{field}}}}}",
                                    "afmt": "{{FrontSide}}"} for t, field in retired_templates)]
    schema = json.dumps([name, all_fields, [t["name"] for t in all_templates]], ensure_ascii=False)
    model_id = int(hashlib.sha256(schema.encode()).hexdigest()[:8], 16) | 1 << 32
    FIELDS[model_id] = tuple(fields)
    return genanki.Model(model_id, name, fields=[{"name": f} for f in all_fields], templates=all_templates,
                         css=css, sort_field_index=sort_field_index, model_type=model_type)


# Each answer has one graded part (class "graded": what you must have recalled, one glance) and
# details below it, folded away; a caution stays in view where it changes what you do.
_CAUTION = '{{#Caution}}<div class="caution" role="note">{{Caution}}</div>{{/Caution}}'
_KIND = '<div class="kind">{}</div>'
_HANZI = ('<div class="hanzi" lang="zh-Hans">{{Hanzi}}{{#Traditional}} <span class="traditional" '
          'lang="zh-Hant">(trad. {{Traditional}})</span>{{/Traditional}}</div>{{tts zh_CN:Hanzi}}')


def _details(inner: str) -> str:
    return f'<details class="more"><summary>More</summary>{inner}</details>'


NAME_CODE = _model(
    "Acupressure: name ↔ code",
    ["Code", "Pinyin", "Hanzi", "Traditional", "English", "OtherNames", "Aliases", "Meridian", "Article",
     "Sources"],
    [
        {
            "name": "Name → code",
            "qfmt": _KIND.format("Name → code") + '<div class="pinyin">{{Pinyin}}</div>' + _HANZI
            + '<div class="english">{{English}}</div><div class="ask">Its code?</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="code">{{Code}}</div></div>'
            + _details('<div class="meridian">{{Meridian}}</div>{{#Aliases}}<div class="aliases">{{Aliases}}'
                       '</div>{{/Aliases}}{{#OtherNames}}<div class="aliases">Also called {{OtherNames}}</div>'
                       '{{/OtherNames}}{{#Article}}<div class="article">{{Article}}</div>{{/Article}}'),
        },
        {
            "name": "Code → name",
            "qfmt": _KIND.format("Code → name") + '<div class="code">{{Code}}</div>'
            '<div class="ask">Its name?</div>',
            # One name graded, the pinyin; the meaning and characters below help it stick. Another
            # point that sounds the same is said here, in view (Aliases).
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="pinyin">{{Pinyin}}</div></div>'
            '<div class="english">{{English}}</div>' + _HANZI
            + '{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}'
            + _details('<div class="meridian">{{Meridian}}</div>{{#OtherNames}}<div class="aliases">Also '
                       'called {{OtherNames}}</div>{{/OtherNames}}{{#Article}}<div class="article">{{Article}}'
                       '</div>{{/Article}}'),
        },
    ],
    retired_fields=("Caution",),
)

_WHERE = ('<div class="location">{{Location}}</div><div class="landmarks">{{Landmarks}}</div>'
          '<div class="find">{{HowToFind}}</div>')

LOCATION = _model(
    "Acupressure: code ↔ location",
    ["Code", "Name", "Location", "Landmarks", "HowToFind", "Diagram", "DiagramLabelled", "Photos", "Sides",
     "Caution", "Sources"],
    [
        {
            "name": "Code → location",
            "qfmt": _KIND.format("Code → location") + '<div class="code">{{Code}}</div>'
            '<div class="name">{{Name}}</div><div class="ask">Where is it?</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="figure">{{DiagramLabelled}}'
            '{{Photos}}</div></div><div class="sides">{{Sides}}</div>' + _CAUTION + _details(_WHERE),
        },
        {
            "name": "Location → code",
            # A photo alone rarely pins a point down: without a drawing, the description goes with it.
            "qfmt": _KIND.format("Location → point") + '<div class="figure">{{Diagram}}{{Photos}}</div>'
            '{{^Diagram}}<div class="location">{{Location}}</div>{{/Diagram}}'
            '<div class="ask">Which point is {{#Diagram}}marked{{/Diagram}}{{^Diagram}}here{{/Diagram}}?</div>',
            "afmt": _KIND.format("Location → point") + '<div class="figure">{{DiagramLabelled}}{{Photos}}</div>'
            '<hr id=answer><div class="graded"><div class="code">{{Code}}</div><div class="name">{{Name}}'
            '</div></div>' + _CAUTION + _details(_WHERE),
        },
    ],
)

INDICATION = _model(
    "Acupressure: point ↔ indication",
    ["Key", "Code", "Name", "Uses", "MoreUses", "Complaint", "Others", "Hint", "Point", "Article", "Caution",
     "Sources"],
    [
        {
            "name": "Point → uses",
            "qfmt": "{{#Code}}" + _KIND.format("Point → uses") + '<div class="code">{{Code}}</div>'
            '<div class="name">{{Name}}</div><div class="ask">Its main use?</div>{{/Code}}',
            # One use graded; where other points share it, what sets this one apart (Hint) in view.
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="uses">{{Uses}}</div></div>'
            '{{#Hint}}<div class="apart">{{Hint}}</div>{{/Hint}}' + _CAUTION
            + '{{#MoreUses}}' + _details('<div class="uses">Also: {{MoreUses}}</div>{{#Article}}'
                                         '<div class="article">{{Article}}</div>{{/Article}}') + '{{/MoreUses}}'
            + '{{^MoreUses}}{{#Article}}' + _details('<div class="article">{{Article}}</div>')
            + '{{/Article}}{{/MoreUses}}',
        },
        {
            "name": "Complaint → point",
            "qfmt": "{{#Complaint}}" + _KIND.format("Complaint → point")
            + '<div class="condition">{{Complaint}}</div><div class="ask">Which point{{#Hint}}, on the '
            '{{Hint}}{{/Hint}}?</div>{{/Complaint}}',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="name">{{Point}}</div></div>'
            + _CAUTION + '{{#Article}}' + _details('<div class="article">{{Article}}</div>') + '{{/Article}}',
        },
    ],
    # Until 2026-11, one note per complaint asked for all its points at once; until 2026-12, the
    # complaint cards listed the complaint's other points (Others, now left empty).
    retired_fields=("Condition", "Points"),
    retired_templates=(("Condition → points", "Condition"),),
)

SPECIAL = _model(
    "Acupressure: special point ↔ category",
    ["Key", "Category", "Question", "Point", "Role", "Sources"],
    [
        {
            "name": "Category → point",
            "qfmt": _KIND.format("Special point") + '<div class="ask">Which point is the</div>'
            '<div class="condition">{{Category}}?</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="name">{{Point}}</div></div>',
        },
        {
            "name": "Point → category",
            "qfmt": _KIND.format("Special point") + '<div class="name">{{Point}}</div>'
            '<div class="ask">{{Question}}</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="condition">{{Role}}</div></div>',
        },
    ],
)

MEASURE = _model(
    "Acupressure: measure",
    ["Key", "Kind", "Span", "Cun", "Note", "Diagram", "Sources"],
    [
        {
            "name": "Span → cun",
            "qfmt": _KIND.format("{{Kind}}") + '<div class="span">{{Span}}</div>{{#Diagram}}<div '
            'class="figure">{{Diagram}}</div>{{/Diagram}}<div class="ask">How many cun?</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="code">{{Cun}}</div></div>'
            + '{{#Note}}' + _details('<div class="article">{{Note}}</div>') + '{{/Note}}',
        },
    ],
)

# Anki's own image occlusion (Anki 23.10 and later, AnkiDroid 2.17): a cloze note type whose
# clozes are masks over a picture. Anki knows it by originalStockKind 6 (rslib's StockKind
# ImageOcclusion) and by these five fields; its review script draws the masks on the canvas.
_OCCLUSION_FRONT = (
    '{{#Header}}<div class="kind">{{Header}}</div>{{/Header}}'
    '<div style="display: none">{{cloze:Occlusion}}</div><div id="err"></div>'
    '<div id="image-occlusion-container">{{Image}}<canvas id="image-occlusion-canvas"></canvas></div>'
    '<script>try { anki.imageOcclusion.setup(); } catch (exc) { document.getElementById("err").textContent = '
    '"This card needs a newer Anki (23.10 or later): " + exc; }</script>')
# The colours Anki's review script draws the masks in (read from the canvas's style).
OCCLUSION_CSS = ("\n#image-occlusion-canvas { --inactive-shape-color: #ffeba2; --active-shape-color: #ff8e8e; "
                 "--inactive-shape-border: 1px #212121; --active-shape-border: 1px #212121; "
                 "--highlight-shape-color: #ff8e8e00; --highlight-shape-border: 1px #ff8e8e; }\n"
                 # Night mode: the picture dimmed as the location drawings are, the masks in darker tones
                 # that still hide their tags; the asked mask stays the reddest thing on the screen.
                 ".nightMode #image-occlusion-container img, .night_mode #image-occlusion-container img "
                 "{ filter: invert(0.9) hue-rotate(180deg); }\n"
                 ".nightMode #image-occlusion-canvas, .night_mode #image-occlusion-canvas { "
                 "--inactive-shape-color: #6e6440; --active-shape-color: #b5484d; "
                 "--inactive-shape-border: 1px #d9d4c7; --active-shape-border: 1px #f2e9e9; "
                 "--highlight-shape-border: 1px #e8838a; }\n")
REGION_QUIZ = _model(
    "Acupressure: region quiz (image occlusion)",
    ["Occlusion", "Image", "Header", "Back Extra", "Comments"],
    [{"name": "Image Occlusion", "qfmt": _OCCLUSION_FRONT,
      "afmt": _OCCLUSION_FRONT + '<div><button id="toggle">Toggle Masks</button></div>'
      '{{#Back Extra}}<div class="more">{{Back Extra}}</div>{{/Back Extra}}'}],
    model_type=genanki.Model.CLOZE,
    css=CSS + OCCLUSION_CSS,
)
# What Anki stores for a note type that genanki does not write: patched into the package.
ANKI_EXTRAS = {REGION_QUIZ.model_id: {"originalStockKind": 6}}

NOTE_TYPES = (NAME_CODE, LOCATION, INDICATION, SPECIAL, REGION_QUIZ, MEASURE)



def description(dataset: Dataset, texts: Texts = ENGLISH) -> str:
    """The text Anki shows on the deck's overview screen."""
    sources = "".join(f"<li>{escape(s.citation())}</li>" for s in dataset.sources)
    paragraphs = [
        "{count} acupressure points: their names and codes, where they are, and "
        "what they are used for. Codes follow the WHO 2008 standard; older codes (such as the "
        "pre-standard bladder-line numbers) are shown as aliases, with their numbering.",
        "Study it whole, or pick a subdeck: start with the five points for lower back pain, "
        "then a meridian. Each subdeck holds every kind of card of its points (name, location, uses, "
        "special point, complaint, region quiz); a point's reverse cards come a day or more after "
        "its first ones.",
        "<b>Information, not medical advice.</b> Press gently and stop if it hurts; see a "
        "doctor for pain that is severe, lasting or unexplained. In pregnancy, do not press the "
        "points of the lower abdomen, the sacrum and a few named points at any stage, nor those of the "
        "upper abdomen and the lower back from the fourth month: the location and uses cards show each "
        "point's cautions.",
        "Facts from (in the deck's own words):",
    ]
    text = "".join(f"<p>{texts(p, 'description')}</p>" for p in paragraphs).format(count=len(dataset.points))
    return visible(text + f"<ul>{sources}</ul>")


def start_description(points: list[Point], condition: str, texts: Texts = ENGLISH) -> str:
    """What the "Start here" subdeck's overview says it holds."""
    codes = [escape(texts.code(p.code)) for p in points]
    listed = (texts("{some} and {last}").format(some=", ".join(codes[:-1]), last=codes[-1]) if len(codes) > 1
              else "".join(codes))
    said = texts("The {count} points the source article gives for {condition}: {listed}. Every card of each: "
                 "name, location, uses, special point, the complaint cards that ask for them, and their "
                 "region quiz.", "description")
    return visible("<p>" + said.format(count=len(points), condition=escape(condition), listed=listed) + "</p>")


def measure_description(texts: Texts = ENGLISH) -> str:
    """What the measures subdeck's overview says it holds."""
    return visible("<p>" + texts("How locations are measured: a cun is a proportion of the person's own body. The "
                                 "bone measures first (a span between two landmarks counts a fixed number of cun), "
                                 "then the finger measures, the rougher estimate for short distances.",
                                 "description") + "</p>")


def meridian_deck(point: Point) -> str:
    code = "EX" if point.code.startswith("EX-") else point.code[:2]
    name = "Extra points" if code == "EX" else f"{MERIDIANS[code][0].title()} ({code})"
    return f"{DECK_NAME}::2 Meridians::{name}"


_SEGMENTS = re.compile(r"(\{\{[^}]*\}\}|<script>.*?</script>|<[^>]*>)", re.S)
_WORDS = re.compile(r"[^\W\d_]")  # a segment with a letter in it says something


def _said(template: str, texts: Texts) -> str:
    """A template's text in the language of `texts`, field references and HTML left as they are."""
    def one(segment: str) -> str:
        if segment.startswith("<script>"):  # only its message: a marked stand-in would break the script
            return re.sub(r'"([^"]*)"', lambda m: m.group(0) if " " not in m.group(1) else
                          '"' + plain_marked(texts(m.group(1), "templates")).removeprefix("[EN] ") + '"', segment)
        if segment.startswith(("{{", "<")) or not _WORDS.search(segment):
            return segment
        core = segment.strip()
        start = segment.index(core)
        return segment[:start] + texts(core, "templates") + segment[start + len(core):]
    return visible("".join(one(part) for part in _SEGMENTS.split(template)))


def _css(css: str, texts: Texts) -> str:
    """The style with the words it adds (content: "How to find it: ") in the language of `texts`."""
    return re.sub(r'content: "([^"]+)"', lambda m: f'content: "{plain_marked(texts(m.group(1), "css"))}"',
                  css) + UNTRANSLATED_CSS


def _translated(model: genanki.Model, texts: Texts) -> genanki.Model:
    """A note type of its own for the language: its own name and id, its templates in its words."""
    live = [t for t in model.templates if t["afmt"] != "{{FrontSide}}"]
    retired = tuple((t["name"], t["qfmt"][3:t["qfmt"].index("}}")]) for t in model.templates if t not in live)
    templates = [{"name": plain_marked(texts(t["name"], "card_types")), "qfmt": _said(t["qfmt"], texts),
                  "afmt": _said(t["afmt"], texts)} for t in live]
    found = _model(plain_marked(texts(model.name, "note_types")), [f["name"] for f in model.fields], templates,
                   retired_templates=retired, sort_field_index=model.sort_field_index, model_type=model.model_type,
                   css=_css(model.css, texts))
    if model.model_id in ANKI_EXTRAS:
        ANKI_EXTRAS[found.model_id] = ANKI_EXTRAS[model.model_id]
    FIELDS[found.model_id] = FIELDS[model.model_id]  # the same fields in use; its retired ones stay empty
    return found


@dataclass(frozen=True)
class Language:
    """A deck's note types, decks and words in one language (English: the ones above)."""

    texts: Texts
    name_code: genanki.Model
    location: genanki.Model
    indication: genanki.Model
    special: genanki.Model
    region_quiz: genanki.Model
    measure: genanki.Model
    root: str
    guid_namespace: str

    @property
    def note_types(self) -> tuple[genanki.Model, ...]:
        return (self.name_code, self.location, self.indication, self.special, self.region_quiz, self.measure)

    @property
    def start_deck(self) -> str:
        return self.subdeck("1 Start here: lower back pain")

    @property
    def measure_deck(self) -> str:
        """A subdeck of the start deck: Anki gathers it right after the five points, before the meridians."""
        return f"{self.start_deck}::{plain_marked(self.texts('Measures', 'decks'))}"

    def subdeck(self, english: str) -> str:
        """A subdeck by its English name, e.g. '3 Special points'."""
        return f"{self.root}::{plain_marked(self.texts(english, 'decks'))}"

    def meridian_deck(self, point: Point) -> str:
        if self.texts.english:
            return meridian_deck(point)
        code = "EX" if point.code.startswith("EX-") else point.code[:2]
        name = self.texts("Extra points", "decks") if code == "EX" else (
            f"{self.texts.meridian(point)} ({code}, {self.texts(code, 'codes')})")
        return f"{self.subdeck('2 Meridians')}::{plain_marked(name)}"


@functools.cache
def language(texts: Texts = ENGLISH) -> Language:
    """The note types and decks of a deck in the language of `texts`."""
    if texts.english:
        return Language(texts, NAME_CODE, LOCATION, INDICATION, SPECIAL, REGION_QUIZ, MEASURE, DECK_NAME,
                        "deckbuilder-acupressure")
    models = [_translated(m, texts) for m in NOTE_TYPES]
    return Language(texts, *models, plain_marked(texts(DECK_NAME, "decks")), f"deckbuilder-acupressure-{texts.lang}")


def deck_id(name: str) -> int:
    """A deck's id comes from its name, so every build gives each subdeck the same one."""
    if name == DECK_NAME:
        return DECK_ID
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) | 1 << 32
