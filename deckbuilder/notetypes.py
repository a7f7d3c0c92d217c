"""The deck's three Anki note types, each with a card template for both directions.

Model and deck ids are constants: Anki matches note types and decks by id, so changing one
makes a second copy in every collection that has the deck. Adding or renaming a field or a
template changes the note type's schema; see "Regenerating" in the README before doing it.
"""

from __future__ import annotations

from html import escape
from importlib import resources

import genanki

from .records import Dataset

DECK_ID = 1579481825
DECK_NAME = "Acupressure points"

NAME_CODE_ID = 1095279300
LOCATION_ID = 1417354982
INDICATION_ID = 1157813920

CSS = resources.files("deckbuilder").joinpath("style.css").read_text(encoding="utf-8")

_CAUTION = '{{#Caution}}<div class="caution" role="note">{{Caution}}</div>{{/Caution}}'
_SOURCES = '<div class="sources">{{Sources}}</div>'
_ARTICLE = '{{#Article}}<div class="article">{{Article}}</div>{{/Article}}'
_KIND = '<div class="kind">{}</div>'
_NAMES = ('<div class="pinyin">{{Pinyin}}</div><div class="hanzi" lang="zh-Hans">{{Hanzi}}'
          '{{#Traditional}} <span class="traditional" lang="zh-Hant">(trad. {{Traditional}})</span>'
          '{{/Traditional}}</div>{{tts zh_CN:Hanzi}}<div class="english">{{English}}</div>')

NAME_CODE = genanki.Model(
    NAME_CODE_ID,
    "Acupressure: name ↔ code",
    fields=[{"name": n} for n in
            ("Code", "Pinyin", "Hanzi", "Traditional", "English", "Aliases", "Meridian", "Article",
             "Caution", "Sources")],
    templates=[
        {
            "name": "Name → code",
            "qfmt": _KIND.format("Name → code")
            + _NAMES + '<div class="ask">Which point is this? Give its code.</div>',
            "afmt": "{{FrontSide}}<hr id=answer>"
            '<div class="code">{{Code}}</div><div class="meridian">{{Meridian}}</div>'
            '{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}' + _ARTICLE + _CAUTION + _SOURCES,
        },
        {
            "name": "Code → name",
            "qfmt": _KIND.format("Code → name")
            + '<div class="code">{{Code}}</div><div class="ask">What is this point called?</div>',
            "afmt": "{{FrontSide}}<hr id=answer>" + _NAMES + '<div class="meridian">{{Meridian}}</div>'
            '{{#Aliases}}<div class="aliases">{{Aliases}}</div>{{/Aliases}}' + _ARTICLE + _CAUTION + _SOURCES,
        },
    ],
    css=CSS,
)

LOCATION = genanki.Model(
    LOCATION_ID,
    "Acupressure: code ↔ location",
    fields=[{"name": n} for n in
            ("Code", "Name", "Location", "Landmarks", "HowToFind", "Diagram", "DiagramLabelled",
             "Photos", "Caution", "Sources")],
    templates=[
        {
            "name": "Code → location",
            "qfmt": _KIND.format("Code → location")
            + '<div class="code">{{Code}}</div><div class="ask">Where is this point?</div>',
            "afmt": "{{FrontSide}}<hr id=answer>"
            '<div class="figure">{{DiagramLabelled}}{{Photos}}</div>'
            '<div class="location">{{Location}}</div>'
            '<div class="landmarks">{{Landmarks}}</div>'
            '<div class="find">{{HowToFind}}</div>' + _CAUTION + _SOURCES,
        },
        {
            "name": "Location → code",
            "qfmt": _KIND.format("Location → point")
            + '<div class="figure">{{Diagram}}{{Photos}}</div>'
            '<div class="location">{{Location}}</div><div class="ask">Which point is this?</div>',
            "afmt": _KIND.format("Location → point")
            + '<div class="figure">{{DiagramLabelled}}{{Photos}}</div>'
            '<div class="location">{{Location}}</div><hr id=answer>'
            '<div class="code">{{Code}}</div><div class="name">{{Name}}</div>'
            '<div class="find">{{HowToFind}}</div>' + _CAUTION + _SOURCES,
        },
    ],
    css=CSS,
)

INDICATION = genanki.Model(
    INDICATION_ID,
    "Acupressure: point ↔ indication",
    fields=[{"name": n} for n in
            ("Key", "Code", "Name", "Uses", "Condition", "Points", "Article", "Caution", "Sources")],
    templates=[
        {
            "name": "Point → uses",
            "qfmt": "{{#Code}}" + _KIND.format("Point → uses")
            + '<div class="code">{{Code}}</div><div class="name">{{Name}}</div>'
            '<div class="ask">What is it used for?</div>{{/Code}}',
            "afmt": "{{FrontSide}}<hr id=answer>"
            '<div class="uses">{{Uses}}</div>'
            + _ARTICLE + _CAUTION + _SOURCES,
        },
        {
            "name": "Condition → points",
            "qfmt": "{{#Condition}}" + _KIND.format("Condition → points")
            + '<div class="ask">Which points in this deck are used for</div>'
            '<div class="condition">{{Condition}}?</div>{{/Condition}}',
            "afmt": "{{FrontSide}}<hr id=answer>"
            '<div class="points">{{Points}}</div>'
            + _ARTICLE + _CAUTION + _SOURCES,
        },
    ],
    css=CSS,
    sort_field_index=0,
)

NOTE_TYPES = (NAME_CODE, LOCATION, INDICATION)



def description(dataset: Dataset) -> str:
    """The text Anki shows on the deck's overview screen."""
    sources = "".join(f"<li>{escape(s.citation())}</li>" for s in dataset.sources)
    return (
        f"<p>{len(dataset.points)} acupressure points: their names and codes, where they are, and "
        "what they are used for. Codes follow the WHO 2008 standard; older codes (such as the "
        "pre-standard bladder-line numbers) are shown as aliases, with their numbering.</p>"
        "<p>New cards come point by point: name and code first, then location, then uses; "
        "the complaint cards come last.</p>"
        "<p><b>Information, not medical advice.</b> Press gently and stop if it hurts; see a "
        "doctor for pain that is severe, lasting or unexplained. Some points are traditionally "
        "avoided during pregnancy: every card shows its point's cautions.</p>"
        f"<p>Facts from (in the deck's own words):</p><ul>{sources}</ul>"
    )
