"""The preview shows what Anki shows: same text for every card, every card present, no broken image."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape

import pytest

from deckbuilder import preview
from deckbuilder.build import build, prepare
from deckbuilder.cli import main

from .conftest import import_apkg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def visible_text(html: str) -> str:
    """The text a person reads: no styles, tags, or Anki's and our play-button markers."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    html = re.sub(r"\[anki:play:[qa]:\d+\]", "", html)
    html = html.replace(preview.SPEAKER, "")
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_preview_agrees_with_anki_for_every_card(project, collection):
    result = build(project / "data", project / "media", project / "dist" / "deck.apkg")
    import_apkg(collection, result.output)
    ours = {(c.note.guid, c.ord): c for c in preview.cards(result.deck)}
    theirs = {}
    for cid in collection.find_cards(""):
        card = collection.get_card(cid)
        theirs[(card.note().guid, card.ord)] = card
    assert ours.keys() == theirs.keys()
    templates = set()
    for key, card in theirs.items():
        mine = ours[key]
        assert visible_text(mine.question) == visible_text(card.question()), mine.template
        assert visible_text(mine.answer) == visible_text(card.answer()), mine.template
        templates.add(mine.template)
    assert len(templates) == 9  # every template of the five note types was compared


def test_renderer_follows_anki_section_rules():
    fields = {"A": "x", "B": "", "C": " <br> "}
    assert preview.render("{{#A}}a{{/A}}{{#B}}b{{/B}}{{^B}}not-b{{/B}}{{#C}}c{{/C}}", fields) == "anot-b"
    assert preview.render("{{FrontSide}}|{{A}}", fields, front_side="Q") == "Q|x"
    with pytest.raises(ValueError):
        preview.render("{{#A}}open", fields)


def test_preview_command_writes_the_page(project, capsys):
    out = project / "preview"
    code = main(["preview", "--data", str(project / "data"), "--media", str(project / "media"),
                 "-o", str(out)])
    assert code == 0
    assert "Preview of 51 cards" in capsys.readouterr().out
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count('class="preview-card"') == 51
    assert (out / "night.html").read_text(encoding="utf-8").count("nightMode") >= 60


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("DECKBUILDER_REQUIRE_CHROMIUM"),
                    reason="needs Chromium (CI installs it; Debian: apt-get install chromium)")
@pytest.mark.parametrize("page", ["index.html", "night.html"])
def test_preview_in_chromium_every_card_and_no_broken_image(project, tmp_path, page):
    assert CHROMIUM, "Chromium is required here"
    deck = prepare(project / "data", project / "media")
    folder = preview.write(deck, tmp_path / "preview").parent
    # Chromium prints the DOM after the page and its images loaded; a small script records
    # which images failed to decode.
    probe = tmp_path / "preview" / "probe.html"
    html = (folder / page).read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", """<script>
Promise.allSettled([...document.images].map(i => i.decode())).then(results => {
  document.body.dataset.images = results.length;
  document.body.dataset.broken = results.filter(r => r.status === 'rejected').length;
});
</script></body>"""), encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update",
         f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=10000", "--dump-dom",
         probe.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    assert dom.count('class="preview-card"') == len(preview.cards(deck)) == 51
    images = int(re.search(r'data-images="(\d+)"', dom).group(1))
    broken = int(re.search(r'data-broken="(\d+)"', dom).group(1))
    # code → location: answer; location → code: both; each a drawing + a marker; and 5 quiz cards' 2 sides
    assert images == 5 * 3 * 2 + 5 * 2
    assert broken == 0


def test_quiz_masks_are_drawn_as_anki_draws_them(project):
    """The page runs no Anki script, so it draws the masks itself: on the question the asked
    point's tag is covered in the active colour and the others in the inactive one; on the
    answer the asked one is only outlined. Every other card side is shown as Anki renders it."""
    deck = prepare(project / "data", project / "media")
    quizzes = [c for c in preview.cards(deck) if c.template == "Image Occlusion"]
    assert quizzes
    for card in quizzes:
        boxes = re.findall(r"left=([\d.]+):top=([\d.]+):width=([\d.]+)", card.note.fields[0])
        question, answer = preview.as_drawn(card.question), preview.as_drawn(card.answer)
        for side in (question, answer):
            assert "<script>" not in side and "needs a newer Anki" not in side
            assert len(re.findall(r'class="mask ', side)) == len(boxes)
            for left, top, width in boxes:
                left, top, width = (f"{100 * float(v):.2f}%" for v in (left, top, width))
                assert f"left: {left}; top: {top}; width: {width}" in side
        assert question.count('class="mask cloze"') == 1 and 'class="mask cloze-highlight"' not in question
        assert answer.count('class="mask cloze-highlight"') == 1 and 'class="mask cloze"' not in answer
    others = [c for c in preview.cards(deck) if c.template != "Image Occlusion"]
    assert all(preview.as_drawn(c.question) == c.question and preview.as_drawn(c.answer) == c.answer for c in others)
