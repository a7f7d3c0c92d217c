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


def plain(text: str) -> str:
    """The text as card HTML that shows exactly these characters."""
    escaped = html.escape(text, quote=True)
    if "[" in escaped or "\\" in escaped:
        escaped = escaped.replace("[", "&#91;").replace("\\", "<span>&#92;</span>")
    return escaped


def inline(text: str) -> str:
    """Escaped text with *emphasis*, **strong** and line breaks applied."""
    escaped = plain(text)
    if "*" in escaped:  # most texts have no markup
        escaped = "\n".join(_paired(_paired(line, "**", "strong"), "*", "em") for line in escaped.split("\n"))
    return escaped.replace("\n", "<br>")


def _paired(line: str, mark: str, tag: str) -> str:
    """`mark`text`mark` as <tag>text</tag>: a mark followed by a non-space opens, the first mark
    after it that follows a non-space closes (the regex `mark(?=\\S)(.+?)(?<=\\S)mark`, which
    took quadratic time on many unclosed marks: 40 kB of ** took 12 s). Linear: for every place
    the first closing mark at or after it is found once, from the end of the line."""
    size = len(mark)
    closing: list[int | None] = [None] * (len(line) + 1)  # the first closing mark starting at or after
    for at in range(len(line) - size, -1, -1):
        closes = line.startswith(mark, at) and at > 0 and not line[at - 1].isspace()
        closing[at] = at if closes else closing[at + 1]
    out, done, at = [], 0, line.find(mark)
    while at != -1:
        inner = at + size
        end = closing[inner + 1] if inner < len(line) and not line[inner].isspace() else None
        if end is None:
            at = line.find(mark, at + 1)
            continue
        out.append(f"{line[done:at]}<{tag}>{line[inner:end]}</{tag}>")
        done = end + size
        at = line.find(mark, done)
    return "".join(out) + line[done:]


def bullet_list(items: list[str] | tuple[str, ...]) -> str:
    """One item stays a sentence; several become a list, which reads better on a phone."""
    if len(items) == 1:
        return inline(items[0])
    return "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"
