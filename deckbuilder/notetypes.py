"""The deck's Anki note types, each with a card template for both directions, and its decks.

Model and deck ids are constants: Anki matches note types and decks by id, so changing one
makes a second copy in every collection that has the deck. Adding or renaming a field or a
template changes the note type's schema; see "Regenerating" in the README before doing it.
"""

from __future__ import annotations

import hashlib
from html import escape
from importlib import resources

import genanki

from .codes import MERIDIANS
from .records import Dataset, Point

DECK_ID = 1579481825
DECK_NAME = "Acupressure points"
# Subdecks, so a learner can study what they choose; Anki sorts them by name.
START_DECK = f"{DECK_NAME}::1 Start here: lower back pain"
SPECIAL_DECK = f"{DECK_NAME}::3 Special points"
COMPLAINT_DECK = f"{DECK_NAME}::4 Complaints"

NAME_CODE_ID = 1095279300
LOCATION_ID = 1417354982
INDICATION_ID = 1157813920

CSS = resources.files("deckbuilder").joinpath("style.css").read_text(encoding="utf-8")

SPECIAL_ID = 1326407518

# Each answer has one graded part (class "graded": what you must have recalled, one glance) and
# details below it, folded away; a caution stays in view where it changes what you do.
_CAUTION = '{{#Caution}}<div class="caution" role="note">{{Caution}}</div>{{/Caution}}'
_KIND = '<div class="kind">{}</div>'
_HANZI = ('<div class="hanzi" lang="zh-Hans">{{Hanzi}}{{#Traditional}} <span class="traditional" '
          'lang="zh-Hant">(trad. {{Traditional}})</span>{{/Traditional}}</div>{{tts zh_CN:Hanzi}}')


def _details(inner: str) -> str:
    return f'<details class="more"><summary>More</summary>{inner}</details>'


NAME_CODE = genanki.Model(
    NAME_CODE_ID,
    "Acupressure: name ↔ code",
    fields=[{"name": n} for n in
            ("Code", "Pinyin", "Hanzi", "Traditional", "English", "OtherNames", "Aliases", "Meridian",
             "Article", "Sources")],
    templates=[
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
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="pinyin">{{Pinyin}}</div>'
            '<div class="english">{{English}}</div></div>' + _HANZI
            + _details('<div class="meridian">{{Meridian}}</div>{{#OtherNames}}<div class="aliases">Also '
                       'called {{OtherNames}}</div>{{/OtherNames}}{{#Aliases}}<div class="aliases">'
                       '{{Aliases}}</div>{{/Aliases}}{{#Article}}<div class="article">{{Article}}</div>'
                       '{{/Article}}'),
        },
    ],
    css=CSS,
)

_WHERE = ('<div class="location">{{Location}}</div><div class="landmarks">{{Landmarks}}</div>'
          '<div class="find">{{HowToFind}}</div>')

LOCATION = genanki.Model(
    LOCATION_ID,
    "Acupressure: code ↔ location",
    fields=[{"name": n} for n in
            ("Code", "Name", "Location", "Landmarks", "HowToFind", "Diagram", "DiagramLabelled",
             "Photos", "Sides", "Caution", "Sources")],
    templates=[
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
    css=CSS,
)

INDICATION = genanki.Model(
    INDICATION_ID,
    "Acupressure: point ↔ indication",
    fields=[{"name": n} for n in
            ("Key", "Code", "Name", "Uses", "MoreUses", "Complaint", "Others", "Hint", "Point", "Article",
             "Caution", "Sources")],
    templates=[
        {
            "name": "Point → uses",
            "qfmt": "{{#Code}}" + _KIND.format("Point → uses") + '<div class="code">{{Code}}</div>'
            '<div class="name">{{Name}}</div><div class="ask">Its main uses?</div>{{/Code}}',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="uses">{{Uses}}</div></div>'
            + _CAUTION + _details('{{#MoreUses}}<div class="uses">Also: {{MoreUses}}</div>{{/MoreUses}}'
                                  '{{#Article}}<div class="article">{{Article}}</div>{{/Article}}'),
        },
        {
            "name": "Complaint → point",
            "qfmt": "{{#Complaint}}" + _KIND.format("Complaint → point")
            + '<div class="condition">{{Complaint}}</div><div class="ask">{{#Others}}Besides {{Others}}: '
            '{{/Others}}which {{#Others}}other {{/Others}}point{{#Hint}}, on the {{Hint}}{{/Hint}}?</div>'
            '{{/Complaint}}',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="points">{{Point}}</div></div>'
            + _CAUTION + '{{#Article}}' + _details('<div class="article">{{Article}}</div>') + '{{/Article}}',
        },
    ],
    css=CSS,
    sort_field_index=0,
)

SPECIAL = genanki.Model(
    SPECIAL_ID,
    "Acupressure: special point ↔ category",
    fields=[{"name": n} for n in ("Key", "Category", "Question", "Point", "Role", "Sources")],
    templates=[
        {
            "name": "Category → point",
            "qfmt": _KIND.format("Special point") + '<div class="ask">Which point is the</div>'
            '<div class="condition">{{Category}}?</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="points">{{Point}}</div></div>',
        },
        {
            "name": "Point → category",
            "qfmt": _KIND.format("Special point") + '<div class="points">{{Point}}</div>'
            '<div class="ask">{{Question}}</div>',
            "afmt": '{{FrontSide}}<hr id=answer><div class="graded"><div class="condition">{{Role}}</div></div>',
        },
    ],
    css=CSS,
    sort_field_index=0,
)

NOTE_TYPES = (NAME_CODE, LOCATION, INDICATION, SPECIAL)



def description(dataset: Dataset) -> str:
    """The text Anki shows on the deck's overview screen."""
    sources = "".join(f"<li>{escape(s.citation())}</li>" for s in dataset.sources)
    return (
        f"<p>{len(dataset.points)} acupressure points: their names and codes, where they are, and "
        "what they are used for. Codes follow the WHO 2008 standard; older codes (such as the "
        "pre-standard bladder-line numbers) are shown as aliases, with their numbering.</p>"
        "<p>Study it whole, or pick a subdeck: start with the five points for lower back pain, "
        "then a meridian, the special points or the complaints. New cards come point by point: "
        "name and code first, then location, then uses.</p>"
        "<p><b>Information, not medical advice.</b> Press gently and stop if it hurts; see a "
        "doctor for pain that is severe, lasting or unexplained. Some points are traditionally "
        "avoided during pregnancy: the location and uses cards show a point's cautions.</p>"
        f"<p>Facts from (in the deck's own words):</p><ul>{sources}</ul>"
    )


def meridian_deck(point: Point) -> str:
    code = "EX" if point.code.startswith("EX-") else point.code[:2]
    name = "Extra points" if code == "EX" else f"{MERIDIANS[code][0].title()} ({code})"
    return f"{DECK_NAME}::2 Meridians::{name}"


def deck_id(name: str) -> int:
    """A deck's id comes from its name, so every build gives each subdeck the same one."""
    if name == DECK_NAME:
        return DECK_ID
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) | 1 << 32
