r"""Turn the data's plain text into safe card HTML.

Text in data files is never HTML: everything is escaped, so nothing a data file says can run
in Anki's card view. Nor is it Anki's own markup: a `[` is written as an entity, so `[sound:…]`,
`[anki:tts]` and `[latex]` stay text, and a backslash stands in its own element, so MathJax,
which looks for `\(` and `\[` within one run of text, never sees a delimiter.

The formatting people need inside a text: *word* becomes italic, **word** bold (neither spans a
line break), and a line break the text keeps becomes a line break on the card. Lists come from
YAML lists.
"""

from __future__ import annotations

import html
import re

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


def plain(text: str) -> str:
    """The text as card HTML that shows exactly these characters."""
    escaped = html.escape(text, quote=True)
    if "[" in escaped or "\\" in escaped:
        escaped = escaped.replace("[", "&#91;").replace("\\", "<span>&#92;</span>")
    return escaped


def inline(text: str) -> str:
    """Escaped text with *emphasis*, **strong** and line breaks applied."""
    escaped = plain(text)
    if "*" in escaped:  # most texts have no markup: skip the two regex passes
        escaped = _EMPHASIS.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", escaped))
    return escaped.replace("\n", "<br>")


def bullet_list(items: list[str] | tuple[str, ...]) -> str:
    """One item stays a sentence; several become a list, which reads better on a phone."""
    if len(items) == 1:
        return inline(items[0])
    return "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"
