"""The maintainer's loop against the real Anki backend: edit data/, build, import, keep every review.

Everything runs at the real clock, in the real order: a build, then (later) its import. Nothing
sets a time in the future: Anki compares note times with each other and stamps merged notes
with its own clock, and a future build time once hid exactly that.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import re
import time
from pathlib import Path

import genanki
import pytest
import yaml
from anki.scheduler.v3 import CardAnswer

from deckbuilder import build as build_module
from deckbuilder import cards, cli, notetypes, package, state
from deckbuilder.build import build
from deckbuilder.errors import DataError, OutputError

from .conftest import DATA, MEDIA, import_apkg, package_rows


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_yaml(path: Path, change) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def point(entries: list, point_id: str) -> dict:
    (found,) = [e for e in entries if e["id"] == point_id]
    return found


def after(moment: int) -> None:
    """Wait until the clock has passed `moment` (a build's time), as it has when a person acts next."""
    while time.time() < moment + 1:
        time.sleep(0.05)


class Loop:
    """One collection with real reviews, and the project it is regenerated from."""

    def __init__(self, project: Path, col):
        self.project, self.col = project, col
        self.output = project / "dist" / "acupressure.apkg"
        self.points = project / "data" / "points" / "bladder.yaml"
        self.conditions = project / "data" / "conditions.yaml"
        self.built_at = 0
        self.announced_unused = 0  # pictures the last build said Check Media would find unused

    def build(self):
        after(self.built_at)
        result = build(self.project / "data", self.project / "media", self.output)
        stamps = state.read(state.state_path(self.output))
        self.built_at = stamps.newest
        self.announced_unused = result.changes.unused_media if result.changes else 0
        assert self.built_at <= time.time()  # no build time is in the future
        return result

    def cli_build(self, capsys) -> str:
        after(self.built_at)
        args = ["build", "--data", str(self.project / "data"), "--media", str(self.project / "media"),
                "-o", str(self.output)]
        assert cli.main(args) == 0
        self.built_at = state.read(state.state_path(self.output)).newest
        out = capsys.readouterr().out
        found = re.search(r"(\d+) pictures? (?:are|is) no longer used", out)
        self.announced_unused = int(found.group(1)) if found else 0
        return out

    def study(self) -> int:
        """Answer every card the scheduler offers, as a learner does; returns how many."""
        for name in self.col.decks.all_names_and_ids():
            if name.name.startswith("Acupressure points"):
                config = self.col.decks.config_dict_for_deck_id(name.id)
                config["new"]["perDay"] = 1000
                self.col.decks.update_config(config)
        self.col.decks.select(self.col.decks.id("Acupressure points"))
        answered = 0
        while (queued := self.col.sched.get_queued_cards()).cards:
            top = queued.cards[0]
            card = self.col.get_card(top.card.id)
            card.start_timer()
            rating = CardAnswer.EASY if answered % 3 else CardAnswer.GOOD  # reviews and learning cards
            self.col.sched.answer_card(self.col.sched.build_answer(card=card, states=top.states, rating=rating))
            answered += 1
        return answered

    def history(self) -> tuple[dict, list]:
        return ({row[0]: row[3:] for row in self.col.db.all("select * from cards")},  # all but id, nid, did
                self.col.db.all("select * from revlog order by id"))

    def import_and_check(self, *, new_cards: int = 0, merge_notetypes: bool = False):
        """Import the last build later, and check what must hold after every import; returns its log."""
        after(self.built_at)
        cards_before, revlog_before = self.history()
        log = import_apkg(self.col, self.output, merge_notetypes=merge_notetypes).log
        self.col.models._clear_cache()  # as Anki's window does after an import
        cards_after, revlog_after = self.history()
        # Review history is untouched, card by card, and the review log too.
        assert {cid: cards_after[cid][1:] for cid in cards_before} == {
            cid: row[1:] for cid, row in cards_before.items()}
        assert revlog_after == revlog_before
        arrived = cards_after.keys() - cards_before.keys()
        assert len(arrived) == new_cards
        assert all(self.col.get_card(cid).queue == 0 for cid in arrived)
        # No duplicate notes, and every note at the version the package holds.
        guids = self.col.db.list("select guid from notes")
        assert len(guids) == len(set(guids))
        self.assert_notes_equal_the_package()
        # Check Media finds exactly the pictures the build announced, and deletes them as told.
        unused = self.col.media.check().unused
        assert len(unused) == self.announced_unused and not self.col.media.check().missing
        if unused:
            self.col.media.trash_files(list(unused))
        return log

    def assert_notes_equal_the_package(self) -> None:
        rows = package_rows(self.output, self.project)
        models = {int(k): [f["name"] for f in m["flds"]] for k, m in json.loads(rows["models"]).items()}
        for guid, mid, fields, tags in rows["notes"]:
            (nid,) = self.col.db.list("select id from notes where guid = ?", guid)
            note = self.col.get_note(nid)
            assert note.mid == mid, guid
            assert dict(zip(models[mid], fields.split("\x1f"))) == dict(note.items()), guid
            assert set(note.tags) == set(tags.split()), guid

    def guids(self, point_id: str) -> set[str]:
        return {self.col.get_note(n).guid for n in self.col.find_notes(f"tag:acupressure::point::{point_id}")}

    def updated_guids(self, log) -> set[str]:
        return {self.col.get_note(n.id.nid).guid for n in log.updated}

    def delete_as_told(self, output: str) -> int:
        """Run each search the build printed and delete what it finds; returns how many notes."""
        searches = re.findall(r"search  (.+?)  and delete", output)
        assert searches, output
        found = list(dict.fromkeys(nid for search in searches for nid in self.col.find_notes(search)))
        self.col.remove_notes(found)
        return len(found)


@pytest.fixture
def loop(project, collection) -> Loop:
    """A collection that has studied every card of the first build; weizhong still has its old code."""
    lp = Loop(project, collection)
    # As first written: BL40 under the old bladder numbering, BL54. Corrected later in the loop.
    edit(lp.points, "  code: BL40\n  legacy_codes:\n    - {code: BL54, system: old-bladder}\n",
         "  code: BL54\n  legacy_codes:\n")
    result = lp.build()
    assert result.changes.first_build
    log = lp.import_and_check(new_cards=result.deck.card_count)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (len(result.deck.notes), 0, 0)
    assert lp.study() >= result.deck.card_count
    assert not collection.find_cards("is:new")
    return lp


def _add_chengshan(points: list) -> None:
    new = dict(point(points, "weizhong"), id="chengshan", code="BL57", legacy_codes=[],
               pinyin="Chéngshān", hanzi="承山", english=["Mountain Support"], region="lower-leg",
               location="On the back of the lower leg, where the two bellies of the calf muscle meet.",
               how_to_find="Rise onto your toes: the point is in the dip below the calf muscle's bulge.",
               landmarks=["gastrocnemius"], indications=["calf cramps", "sciatica"])
    for key in ("cautions", "categories", "article"):
        new.pop(key, None)
    new["diagram"] = dict(new["diagram"], down=3)  # BL40 is at the crease; this one lower
    points.append(new)


def _with_field(monkeypatch, key: str) -> None:
    """Build with a name ↔ code note type whose fields or card types changed, as a new release might."""
    base = notetypes.NAME_CODE
    fields = [f["name"] for f in base.fields]
    templates = [dict(t) for t in base.templates]
    fill = {}
    if key == "new field":
        fields.insert(fields.index("Sources"), "Mnemonic")
        templates[1]["afmt"] += "{{#Mnemonic}}<div>{{Mnemonic}}</div>{{/Mnemonic}}"
        fill = {"Mnemonic": lambda f: f"Think of {f['Pinyin']}"}
        retired = ("Caution",)
    elif key == "removed field":  # retired: kept in the note type, empty, shown nowhere
        fields.remove("Meridian")
        for t in templates:
            t["afmt"] = t["afmt"].replace('<div class="meridian">{{Meridian}}</div>', "")
        retired = ("Caution", "Meridian")
    elif key == "renamed field":  # English becomes Translation; the old name is retired
        fields[fields.index("English")] = "Translation"
        for t in templates:
            t["qfmt"], t["afmt"] = (t["qfmt"].replace("{{English}}", "{{Translation}}"),
                                    t["afmt"].replace("{{English}}", "{{Translation}}"))
        fill = {"Translation": lambda f: f["English"]}
        retired = ("Caution", "English")
    else:  # a new card type
        templates.append({"name": "Hanzi → code", "qfmt": "{{Hanzi}}", "afmt": "{{FrontSide}}<hr id=answer>{{Code}}"})
        retired = ("Caution",)
    fields = [f for f in fields if f not in retired]
    model = notetypes._model(base.name, fields, templates, retired_fields=retired)
    original = cards.notes

    def notes(*args):
        found = []
        for note in original(*args):
            if note.model is base:
                old = dict(zip((f["name"] for f in base.fields), note.fields))
                new = {name: fill[name](old) if name in fill else old.get(name, "")
                       for name in (f["name"] for f in model.fields)}
                if key == "removed field":
                    new["Meridian"] = ""
                if key == "renamed field":
                    new["English"] = ""
                note = note._replace(model=model, fields=tuple(new.values()))
            found.append(note)
        return found
    monkeypatch.setattr(cards, "notes", notes)
    monkeypatch.setattr(build_module, "NOTE_TYPES",
                        tuple(model if m is base else m for m in build_module.NOTE_TYPES))
    monkeypatch.setattr(state, "code_version", lambda: f"a release with a {key}")  # its files differ


def test_eight_weeks_of_edits_in_one_collection(loop, capsys, monkeypatch):
    col = loop.col
    reviews_at_start = col.db.scalar("select count() from revlog")

    # Week 1: a typo fixed in a location: only that point's location note is updated.
    edit(loop.points, "the most prominent\n    point of the outer ankle bone",
         "the highest\n    point of the outer ankle bone")
    out = loop.cli_build(capsys)
    assert "Changed since the last build: BL60 (kunlun) (1 note)" in out
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert loop.updated_guids(log) <= loop.guids("kunlun")

    # Week 2: a new point, named in a condition: its notes are new; the complaint's notes are updated.
    edit_yaml(loop.points, _add_chengshan)
    edit_yaml(loop.conditions, lambda cs: point(cs, "sciatica")["points"].append("chengshan"))
    result = loop.build()
    assert ("chengshan", "BL57") in result.changes.changed_points
    # name, location, uses, its complaint card, its mask in the region quiz of the knee's drawing
    log = loop.import_and_check(new_cards=2 + 2 + 1 + 1 + 1)
    assert len(log.new) == 4 and len(log.updated) == result.changes.notes_changed - 4
    assert loop.study() >= 6 and not col.find_cards("is:new")

    # Week 3: another English name: one name note.
    edit_yaml(loop.points, lambda ps: point(ps, "weizhong")["english"].append("Bend Center"))
    result = loop.build()
    assert result.changes.notes_changed == 1
    log = loop.import_and_check()
    assert len(log.updated) == 1 and "Bend Center" in col.get_note(log.updated[0].id.nid)["OtherNames"]

    # Week 4: the style and a card template changed: the note types are updated, no note is.
    css = notetypes.NAME_CODE.css + "\n.code { letter-spacing: 0.1em; }\n"
    templates = [dict(t) for t in notetypes.LOCATION.templates]
    templates[0]["afmt"] += '<div class="footer">Press gently.</div>'
    with monkeypatch.context() as patch:
        patch.setattr(notetypes.NAME_CODE, "css", css)
        patch.setattr(notetypes.LOCATION, "templates", templates)
        patch.setattr(state, "code_version", lambda: "a release with a new style")
        result = loop.build()
        assert result.changes.notes_changed == 0 and result.changes.schema_changed == ()
        assert result.changes.note_types_changed == (notetypes.NAME_CODE.name, notetypes.LOCATION.name)
        log = loop.import_and_check()
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert col.models.get(notetypes.NAME_CODE.model_id)["css"] == css
    assert "Press gently." in col.models.get(notetypes.LOCATION.model_id)["tmpls"][0]["afmt"]

    # Week 5: a point removed: the build names it and the search that finds its notes; deleting
    # them as told leaves exactly the deck's notes, and its pictures are counted for Check Media.
    (loop.project / "data" / "points" / "small-intestine.yaml").unlink()
    edit_yaml(loop.conditions, lambda cs: (cs.remove(point(cs, "shoulder-tension")),
                                           point(cs, "lower-back-pain").pop("article_only")))
    out = loop.cli_build(capsys)
    assert "Removed since the last build: SI11 (tianzong)" in out
    assert "3 pictures are no longer used by the deck" in out  # its 2 markers, the back's SI quiz
    assert ("1 region quiz is no longer built (no point is left on its picture): after importing, find it in Anki "
            "with the search  tag:acupressure::kind::region-quiz tag:acupressure::quiz::back-si  and delete it.") in out
    reviews = col.db.scalar("select count() from revlog")
    assert loop.delete_as_told(out) == 3 + 1 + 1  # name, location, uses; its shoulder-tension card; the quiz
    loop.import_and_check()  # Check Media finds those three (deleted as told)
    built = {row[0] for row in package_rows(loop.output, loop.project)["notes"]}
    assert set(col.db.list("select guid from notes")) == built
    assert col.db.scalar("select count() from revlog") == reviews  # Anki keeps the log of deleted cards

    # Week 5, later: BL57, which shares the knee's Bladder quiz with BL40, removed. Its quiz card
    # stays in the collection, empty; the build says so, and Tools → Empty Cards deletes it alone.
    edit_yaml(loop.points, lambda ps: ps.remove(point(ps, "chengshan")))
    edit_yaml(loop.conditions, lambda cs: point(cs, "sciatica")["points"].remove("chengshan"))
    out = loop.cli_build(capsys)
    assert "Removed since the last build: BL57 (chengshan)" in out
    assert "run Tools → Empty Cards: it deletes the card of BL57 in the region quiz  " \
           "tag:acupressure::quiz::knee-back-bl  (left empty" in out
    cards_before, reviews = loop.history()
    assert loop.delete_as_told(out) == 3 + 1  # name, location, uses; its sciatica card
    loop.import_and_check()
    (empty,) = col.get_empty_cards().notes
    assert col.get_note(empty.note_id).has_tag("acupressure::quiz::knee-back-bl") and not empty.will_delete_note
    assert [col.get_card(cid).ord for cid in empty.card_ids] == [57 - 1]
    col.remove_cards_and_orphaned_notes(list(empty.card_ids))
    cards_after, reviews_after = loop.history()
    assert {cid: cards_before[cid] for cid in cards_after} == cards_after and reviews_after == reviews
    assert not col.get_empty_cards().notes

    # Week 6: a condition changed: its notes and the tags of the points it names.
    edit_yaml(loop.conditions, lambda cs: point(cs, "neck-stiffness")["points"].append("weizhong"))
    result = loop.build()
    assert result.changes.changed_points == (("weizhong", "BL54"),)
    log = loop.import_and_check(new_cards=1)  # "neck stiffness: besides BL60, which other point?"
    assert len(log.new) == 1 and len(log.updated) == result.changes.notes_changed - 1

    # Week 7: an unchanged rebuild: the same bytes, and Anki updates nothing.
    before = loop.output.read_bytes()
    out = loop.cli_build(capsys)
    assert "Nothing changed since the last build" in out and loop.output.read_bytes() == before
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)

    # Week 8: a code corrected, the id unchanged: the same notes, with their reviews, now say BL40.
    weizhong = {n: col.get_note(n).guid for n in col.find_notes("tag:acupressure::point::weizhong")}
    edit_yaml(loop.points, lambda ps: point(ps, "weizhong").update(
        code="BL40", legacy_codes=[{"code": "BL54", "system": "old-bladder"}]))
    loop.build()
    log = loop.import_and_check()
    assert not log.new and {n: col.get_note(n).guid for n in weizhong} == weizhong
    assert col.find_notes("Code:BL40") and not col.find_notes("Code:BL54")

    # ... then a new field in a note type: one import with "Merge note types" reaches every note.
    _with_field(monkeypatch, "new field")
    out = loop.cli_build(capsys)
    assert "'Merge note types' ticked" in out
    log = loop.import_and_check(merge_notetypes=True)
    assert len(log.updated) == len(col.find_notes("tag:acupressure::kind::name"))
    (nid,) = col.find_notes("tag:acupressure::kind::name Code:BL60")
    assert col.get_note(nid)["Mnemonic"] == "Think of Kūnlún"

    # ... and the state file lost: every note is marked changed once, then all is quiet again.
    state.state_path(loop.output).unlink()
    result = loop.build()
    assert result.changes.recovered and result.changes.notes_changed == len(result.deck.notes)
    log = loop.import_and_check()
    assert len(log.updated) == len(result.deck.notes)
    assert loop.build().changes is None  # up to date: the data is as the last build read it
    assert not loop.import_and_check().updated

    # At the end: every note equals the last package (checked by each import), no review was
    # lost, and Check Database and Check Media find nothing to fix.
    assert col.db.scalar("select count() from revlog") > reviews_at_start  # week 2's new cards were studied
    assert not col.get_empty_cards().notes  # no card left without a question
    message, ok = col.fix_integrity()
    assert ok, message
    assert not col.media.check().unused and not col.media.check().missing
    ours = [m for m in col.models.all() if m["name"].startswith("Acupressure")]
    assert all(col.models.use_count(m) for m in ours), "a note type no note uses"


@pytest.mark.parametrize("change", ["new field", "removed field", "renamed field", "new card type"])
def test_a_note_type_change_reaches_every_note(loop, monkeypatch, change):
    cards_before = len(loop.col.find_cards(""))
    _with_field(monkeypatch, change)
    result = loop.build()
    assert result.changes.schema_changed == (notetypes.NAME_CODE.name,)
    log = loop.import_and_check(merge_notetypes=True, new_cards=5 if change == "new card type" else 0)
    names = len(loop.col.find_notes("tag:acupressure::kind::name"))
    assert len(log.updated) == names and not log.conflicting
    assert len(loop.col.find_cards("")) == cards_before + (5 if change == "new card type" else 0)
    # One note type of that name holds the notes, and the next, unchanged build updates nothing.
    (model,) = [m for m in loop.col.models.all() if loop.col.models.use_count(m)
                and m["name"].startswith(notetypes.NAME_CODE.name)]
    assert model["id"] == build_module.NOTE_TYPES[0].model_id
    loop.points.write_text(loop.points.read_text(encoding="utf-8") + "# a comment: the data is read again\n",
                           encoding="utf-8")
    result = loop.build()
    assert result.changes.notes_changed == 0 and result.changes.schema_changed == ()
    log = loop.import_and_check()
    assert (len(log.updated), len(log.conflicting)) == (0, 0)


def test_a_schema_change_imported_without_merge_then_undone(loop, monkeypatch):
    """The defaults leave the notes alone ('conflicting'); undoing that import and merging works."""
    _with_field(monkeypatch, "new field")
    loop.build()
    after(loop.built_at)
    log = import_apkg(loop.col, loop.output).log
    assert log.conflicting and not log.updated
    assert loop.col.undo_status().undo == "Import"
    loop.col.undo()
    loop.col.models._clear_cache()
    log = loop.import_and_check(merge_notetypes=True)
    assert len(log.updated) == len(loop.col.find_notes("tag:acupressure::kind::name"))


def test_builds_in_quick_succession_still_give_newer_times(project):
    """Two real builds in the same second that both change a note: the second one's time is newer."""
    output = project / "dist" / "acupressure.apkg"
    points = project / "data" / "points" / "bladder.yaml"
    build(project / "data", project / "media", output)
    mods = []
    for use in ("first use", "second use"):
        edit_yaml(points, lambda ps: point(ps, "kunlun").update(indications=[use]))
        assert build(project / "data", project / "media", output).changes.notes_changed == 1
        mods.append(state.read(state.state_path(output)).newest)
    assert mods[1] > mods[0]


@pytest.fixture
def built(project):
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output)
    edit(project / "data" / "points" / "bladder.yaml", "- sciatica\n    - stiff neck", "- sciatica")
    files = {p: p.read_bytes() for p in output.parent.iterdir() if p.is_file()}
    assert set(files) == {output, state.state_path(output)}
    return project, output, files


def _unchanged(output: Path, files: dict) -> None:
    assert {p: p.read_bytes() for p in output.parent.iterdir() if p.is_file()} == files


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_leaves_the_old_deck(built, monkeypatch, failure):
    project, output, files = built
    written = []

    def writestr(self, name, *args, **kwargs):  # the zip is half written when it fails
        written.append(name)
        if len(written) == 3:
            raise failure
        return original(self, name, *args, **kwargs)
    original = package.zipfile.ZipFile.writestr
    monkeypatch.setattr(package.zipfile.ZipFile, "writestr", writestr)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        build(project / "data", project / "media", output)
    assert len(written) == 3
    _unchanged(output, files)


def test_failure_inside_genanki_leaves_the_old_deck(built, monkeypatch):
    project, output, files = built

    def write_to_db(self, *args, **kwargs):  # the collection is half written when it fails
        original(self, *args, **kwargs)
        raise ValueError("genanki failed")
    original = genanki.Package.write_to_db
    monkeypatch.setattr(genanki.Package, "write_to_db", write_to_db)
    with pytest.raises(ValueError, match="genanki failed"):
        build(project / "data", project / "media", output)
    _unchanged(output, files)


def test_data_error_leaves_the_old_deck(built):
    project, output, files = built
    edit(project / "data" / "points" / "bladder.yaml", "  code: BL60\n", "  code: BL99\n")
    with pytest.raises(DataError):
        build(project / "data", project / "media", output)
    _unchanged(output, files)


def test_state_not_written_after_the_deck_is_recovered_from(loop, monkeypatch):
    """A build that replaced the .apkg but failed to write its state: the next build is still honest."""
    edit(loop.points, "sciatica\n    - stiff neck", "sciatica\n    - a stiff neck")
    with monkeypatch.context() as patch:
        patch.setattr(state, "write", lambda *a: (_ for _ in ()).throw(OSError(13, "Permission denied")))
        with pytest.raises(OutputError):
            build(loop.project / "data", loop.project / "media", loop.output)
    stale = state.read(state.state_path(loop.output))
    assert stale.package != package.digest(loop.output)
    loop.built_at = int(time.time())
    log = loop.import_and_check()  # the user imports the deck that was written
    assert len(log.updated) == 1
    edit(loop.points, "a stiff neck", "stiff neck and shoulders")
    result = loop.build()
    assert result.changes.recovered and result.changes.notes_changed == len(result.deck.notes)
    log = loop.import_and_check()
    assert len(log.updated) == len(result.deck.notes)  # all of them, harmlessly
    (nid,) = loop.col.find_notes("tag:acupressure::kind::uses Code:BL60")
    assert "stiff neck and shoulders" in loop.col.get_note(nid)["MoreUses"]
    result = loop.build()
    assert result.changes is None  # the state describes the deck on disk: nothing to read again
    assert not loop.import_and_check().updated


def test_state_of_an_older_format_is_not_trusted(project):
    """Its hashes were taken another way: every note gets a newer time once, so the import updates them all."""
    output = project / "dist" / "acupressure.apkg"
    first = build(project / "data", project / "media", output)
    path = state.state_path(output)
    path.write_text(path.read_text(encoding="utf-8").replace(f'"format": {state.FORMAT}', '"format": 1'),
                    encoding="utf-8")
    assert state.read(path) is None
    result = build(project / "data", project / "media", output)
    assert result.changes.recovered and result.changes.notes_changed == len(result.deck.notes)
    assert state.read(path).newest > max(mod for _, mod in first.changes.notes)


@pytest.mark.parametrize("stamp", [["abc", True], ["abc"], [1, 2], ["abc", 1.5], "abc", {"mod": 1}, ["abc", -1]])
def test_damaged_state_is_not_trusted(project, stamp):
    """A state file edited by hand: the build treats it as lost, and says so."""
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output)
    path = state.state_path(output)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["notes"][next(iter(stored["notes"]))] = stamp
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert state.read(path) is None
    assert build(project / "data", project / "media", output).changes.recovered


def review(col, card_ids) -> None:
    """Answer these cards now, as a learner does when they come up (Good, then Easy on relearning)."""
    for cid in card_ids:
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(cid)
        col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.EASY))


def _without_tianzong(conditions: list) -> None:
    for condition in conditions:
        condition["points"] = [p for p in condition["points"] if p != "tianzong"]
        if "core" in condition:  # the points the complaint cards ask for
            condition["core"] = [p for p in condition["core"] if p != "tianzong"]
        if "article_only" in condition:
            condition["article_only"] = [e for e in condition["article_only"] if e["point"] != "tianzong"]
            if not condition["article_only"]:
                del condition["article_only"]
    conditions[:] = [c for c in conditions if c["points"]]



def _shipped_copy(folder: Path) -> Path:
    """A copy of the shipped data and media that a test may edit."""
    shutil.copytree(DATA, folder / "data")
    shutil.copytree(MEDIA, folder / "media")
    return folder


def _shipped_deck_imported(folder: Path, collection, capsys) -> Loop:
    """The whole shipped deck built from a copy and imported into `collection`, as a learner starts."""
    loop = Loop(_shipped_copy(folder), collection)
    out = loop.cli_build(capsys)
    loop.import_and_check(new_cards=int(re.search(r"(\d+) cards", out).group(1)))
    return loop

def test_a_removed_point_that_shares_its_quiz_picture_leaves_no_empty_card(tmp_path, collection, capsys):
    """SI11 shares the back's second Small Intestine quiz picture with two points (SI12, SI14):
    removing it leaves its quiz card empty (the note stays, for the others; the first picture stays as
    it was). The build says to run Empty Cards, and doing as it says leaves no empty card and every
    other review as it was."""
    loop = _shipped_deck_imported(tmp_path, collection, capsys)
    review(collection, collection.find_cards("tag:acupressure::quiz::back-si-2 or tag:acupressure::point::tianzong "
                                             "or tag:acupressure::meridian::bladder"))
    edit_yaml(tmp_path / "data" / "points" / "small-intestine.yaml",
              lambda points: points.remove(point(points, "tianzong")))
    edit_yaml(loop.conditions, _without_tianzong)
    out = loop.cli_build(capsys)
    assert ("Removed since the last build: SI11 (tianzong). In Anki, find its notes with the search  "
            "tag:acupressure::point::tianzong  and delete them. Then, after importing, run Tools → Empty Cards: "
            "it deletes the card of SI11 in the region quiz  tag:acupressure::quiz::back-si-2  (left empty, its "
            "mask gone; the quiz's other cards stay).") in out
    cards_before, revlog_before = loop.history()
    told = set(collection.find_cards("tag:acupressure::point::tianzong"))  # its notes, its complaint cards
    assert loop.delete_as_told(out) == 3 + 1  # name, location, uses; its card of the one complaint naming it
    loop.import_and_check()  # Check Media then finds the pictures of the notes deleted
    (quiz,) = collection.find_notes("tag:acupressure::quiz::back-si-2")
    (empty,) = collection.get_empty_cards().notes  # as Tools → Empty Cards lists them
    assert empty.note_id == quiz and not empty.will_delete_note
    assert [collection.get_card(cid).ord for cid in empty.card_ids] == [11 - 1]  # cloze 11, SI11's
    collection.remove_cards_and_orphaned_notes(list(empty.card_ids))  # its Delete button
    assert not collection.get_empty_cards().notes
    cards_after, revlog_after = loop.history()
    assert set(cards_before) - set(cards_after) == told | set(empty.card_ids)
    assert {cid: cards_before[cid] for cid in cards_after} == cards_after
    assert revlog_after == revlog_before  # Anki keeps the log of deleted cards
    assert len(collection.get_note(quiz).cards()) == 2


def test_a_point_moved_to_another_picture_leaves_no_empty_card(loop, capsys):
    """BL53 moves from the back (its quiz shared with BL23) to the lower back: its old quiz card is
    left empty, the build says to run Empty Cards, and doing so keeps every other review."""
    edit(loop.points, "diagram: {view: back, from: S2-foramen-level, right: 3}",
         "diagram: {view: lower-back, from: below-L3, right: 3}")
    out = loop.cli_build(capsys)
    assert ("After importing, run Tools → Empty Cards: it deletes the card of BL53 in the region quiz  "
            "tag:acupressure::quiz::back-bl  (left empty: BL53 is no longer on that picture; the quiz's other "
            "cards stay).") in out
    assert "Removed" not in out
    loop.import_and_check(new_cards=1)  # its card in the lower back's Bladder quiz
    cards_before, reviews = loop.history()
    (empty,) = loop.col.get_empty_cards().notes
    assert loop.col.get_note(empty.note_id).has_tag("acupressure::quiz::back-bl")
    assert [loop.col.get_card(cid).ord for cid in empty.card_ids] == [53 - 1]
    loop.col.remove_cards_and_orphaned_notes(list(empty.card_ids))
    assert not loop.col.get_empty_cards().notes
    cards_after, reviews_after = loop.history()
    assert set(cards_before) - set(cards_after) == set(empty.card_ids) and reviews_after == reviews
    assert {cid: cards_before[cid] for cid in cards_after} == cards_after


def told(out: str, output: Path) -> list[str]:
    """Every search the build told the user to delete the notes of: on the screen, or on a line of the
    file it names."""
    found = re.findall(r"search  (.+?)  and delete", out)
    for number, path in re.findall(r"search on line (\d+) of (\S+) \(copy", out):
        assert Path(path) == state.deletions_path(output)
        found.append(Path(path).read_text(encoding="utf-8").splitlines()[int(number) - 1])
    return found


def _earlier_complaint_design(monkeypatch) -> None:
    """The complaint cards before issue 27: a note for every point of a complaint, each asking "besides
    the others, which point?" (so no two ask the same), with the GUIDs today's core points still use."""
    original = cards._complaint_notes

    def complaint_notes(condition, decks, lang):
        notes = original(dataclasses.replace(condition, core=condition.points), decks, lang)
        codes = [point.code for point in condition.points]
        others = [", ".join(c for c in codes if c != code) for code in codes]
        return [note._replace(fields=(*note.fields[:6], listed, f"besides {listed}", *note.fields[8:]))
                for note, listed in zip(notes, others)]
    monkeypatch.setattr(cards, "_complaint_notes", complaint_notes)
    monkeypatch.setattr(state, "code_version", lambda: "the release before the core points")


def test_a_card_redesign_is_one_instruction_that_deletes_exactly_the_notes_it_dropped(tmp_path, collection, capsys,
                                                                                      monkeypatch):
    """Issue 24/27: the first build after the complaint redesign dropped 167 notes and printed 167 lines.
    Now one line, whose search finds exactly the dropped notes (before the import as after it), and
    deleting what it finds keeps every review of the cards still built."""
    loop = Loop(_shipped_copy(tmp_path), collection)
    with monkeypatch.context() as patch:
        _earlier_complaint_design(patch)
        out = loop.cli_build(capsys)
    loop.import_and_check(new_cards=int(re.search(r"(\d+) cards", out).group(1)))
    before = {row[0] for row in package_rows(loop.output, tmp_path)["notes"]}
    complaints = list(collection.find_cards("tag:acupressure::kind::complaint"))
    review(collection, complaints[::2] + list(collection.find_cards("tag:acupressure::point::kunlun -tag:*complaint")))

    out = loop.cli_build(capsys)
    after_redesign = {row[0] for row in package_rows(loop.output, tmp_path)["notes"]}
    dropped = before - after_redesign
    assert len(dropped) > 100 and after_redesign < before  # the redesign only dropped notes
    (line,) = [line for line in out.splitlines() if "delete" in line]
    assert line.startswith(f"{len(dropped)} complaint notes of the earlier card design are no longer built: "
                           "after importing, find them in Anki with the search on line ")
    (search,) = told(out, loop.output)

    def found() -> set[str]:
        return {collection.get_note(nid).guid for nid in collection.find_notes(search)}
    assert found() == dropped  # safe even before the import: no note still built is found
    loop.import_and_check()  # today's complaint notes update the notes of their GUIDs
    assert found() == dropped
    cards_before, revlog_before = loop.history()
    assert any(cards_before[cid][3] for cid in cards_before)  # reviewed cards (ivl) among them
    collection.remove_notes(collection.find_notes(search))
    cards_after, revlog_after = loop.history()
    assert {cid: cards_before[cid] for cid in cards_after} == cards_after and revlog_after == revlog_before
    assert set(collection.db.list("select guid from notes")) == after_redesign
    assert not collection.get_empty_cards().notes
    kept = collection.find_cards("tag:acupressure::kind::complaint")
    assert set(kept) == set(cards_after) & set(complaints)  # every complaint card still built, reviews and all


def test_many_removed_points_and_conditions_are_one_instruction_each(tmp_path, collection, capsys):
    """More than ten removed points (a meridian's file deleted) or conditions are named in one line
    with one search, not a line each; following every instruction printed leaves exactly the deck's
    notes and every review of a card still built."""
    loop = _shipped_deck_imported(tmp_path, collection, capsys)
    review(collection, collection.find_cards("tag:acupressure::meridian::lung or tag:acupressure::kind::complaint "
                                             "or tag:acupressure::quiz::back-si"))
    lung = tmp_path / "data" / "points" / "lung.yaml"
    gone = {entry["id"] for entry in yaml.safe_load(lung.read_text(encoding="utf-8"))} | {"tianzong"}
    lung.unlink()
    edit_yaml(tmp_path / "data" / "points" / "small-intestine.yaml",  # SI11 shares its quiz picture with six
              lambda points: points.remove(point(points, "tianzong")))
    conditions = yaml.safe_load(loop.conditions.read_text(encoding="utf-8"))
    dropped = [c["name"] for c in sorted(conditions[-11:], key=lambda c: c["id"])]  # the last eleven, by id

    def without_them(conditions: list) -> None:
        _without(conditions, gone)
        conditions[:] = [c for c in conditions if c["name"] not in dropped]
    edit_yaml(loop.conditions, without_them)
    out = loop.cli_build(capsys)
    assert len(gone) == 12
    assert out.count("Removed since the last build") == 2 and out.count("Empty Cards") == 1
    assert ("Removed since the last build: 12 points (LU1, LU2, LU3, LU4, LU5, LU6, LU7, LU8, LU9, LU10 and 2 more). "
            "In Anki, find their notes with the search on line 6 of ") in out
    assert ("and delete them. Then, after importing, run Tools → Empty Cards: it deletes their cards in 1 region "
            "quiz (left empty, their masks gone; the quizzes' other cards stay).") in out
    assert (f"Removed since the last build: 11 conditions ({', '.join(repr(n) for n in dropped[:10])} and 1 more)"
            in out)
    searches = told(out, loop.output)
    assert len(searches) == len([line for line in out.splitlines() if "the search" in line]) == 3  # and the quizzes
    cards_before, revlog_before = loop.history()
    loop.col.remove_notes(list({nid for search in searches for nid in collection.find_notes(search)}))
    loop.import_and_check()
    (empty,) = collection.get_empty_cards().notes  # Tools → Empty Cards: SI11's card in the quiz of the back
    collection.remove_cards_and_orphaned_notes(list(empty.card_ids))
    assert not collection.get_empty_cards().notes
    cards_after, revlog_after = loop.history()
    assert {cid: cards_before[cid] for cid in cards_after} == cards_after and revlog_after == revlog_before
    assert set(collection.db.list("select guid from notes")) == {
        row[0] for row in package_rows(loop.output, tmp_path)["notes"]}


def _without(conditions: list, gone: set[str]) -> None:
    """The conditions as they are once the points `gone` are removed from the data."""
    for condition in conditions:
        for key in ("points", "core"):
            if key in condition:
                condition[key] = [p for p in condition[key] if p not in gone]
        if "core" in condition and not condition["core"]:
            del condition["core"]
        if "article_only" in condition:
            condition["article_only"] = [e for e in condition["article_only"] if e["point"] not in gone]
            if not condition["article_only"]:
                del condition["article_only"]
    conditions[:] = [c for c in conditions if c["points"]]


@pytest.mark.parametrize("in_the_way", [False, True])
def test_a_long_search_goes_to_the_file_beside_the_state(project, capsys, monkeypatch, in_the_way):
    """A search longer than cli.MAX_SEARCH is written to <deck>.delete.txt and its line named, and the
    next build with nothing to delete removes the file; with a folder in the file's place (never
    written over), the search is printed whole instead."""
    output = project / "dist" / "acupressure.apkg"
    args = ["build", "--data", str(project / "data"), "--media", str(project / "media"), "-o", str(output)]
    assert cli.main(args) == 0
    edit(project / "data" / "conditions.yaml", "  points: [kunlun, shenshu, weizhong, baohuang]\n",
         "  points: [kunlun, shenshu, weizhong, baohuang]\n  core: [kunlun, shenshu]\n")
    deletions = state.deletions_path(output)
    if in_the_way:
        deletions.mkdir()
    capsys.readouterr()
    monkeypatch.setattr(cli, "MAX_SEARCH", 10)
    after(state.read(state.state_path(output)).newest)
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    search = ("tag:acupressure::kind::complaint tag:acupressure::condition::lower-back-pain "
              "(tag:acupressure::point::baohuang OR tag:acupressure::point::weizhong)")
    head = "2 complaint notes of the earlier card design are no longer built: after importing, find them in Anki with "
    if in_the_way:
        assert f"{head}the search  {search}  and delete them" in out and deletions.is_dir()
    else:
        assert f"{head}the search on line 6 of {deletions} (copy the whole line" in out
        assert deletions.read_text(encoding="utf-8").splitlines()[4:] == [
            "# 2 complaint notes of the earlier card design", search]
        # The next build that drops nothing removes the file: an old search may find notes built again.
        edit(project / "data" / "conditions.yaml", "core: [kunlun, shenshu]", "core: [kunlun, shenshu, weizhong]")
        after(state.read(state.state_path(output)).newest)
        assert cli.main(args) == 0
        assert "delete" not in capsys.readouterr().out and not deletions.exists()
