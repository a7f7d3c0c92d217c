"""The maintainer's daily loop against the real Anki backend: edit data/, build, import, keep every review."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import genanki
import pytest
import yaml
from anki.scheduler.v3 import CardAnswer

from deckbuilder import build as build_module
from deckbuilder import cards, cli, notetypes, package, state
from deckbuilder.build import build
from deckbuilder.errors import DataError, OutputError
from deckbuilder.notetypes import INDICATION_ID, LOCATION_ID, NAME_CODE_ID

from .conftest import import_apkg, package_rows

OUR_NOTE_TYPES = {NAME_CODE_ID, LOCATION_ID, INDICATION_ID}
T0 = 1_900_000_000  # later than the clock of the machine running the tests, as a real build's time is


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_yaml(path: Path, change) -> None:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(entries)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def import_deck(col, path: Path, *, merge_notetypes: bool = False):
    log = import_apkg(col, path, merge_notetypes=merge_notetypes).log
    col.models._clear_cache()  # as Anki's window does after an import: note types changed behind it
    return log


def point(entries: list, point_id: str) -> dict:
    (found,) = [e for e in entries if e["id"] == point_id]
    return found


def _drop_tianzong(conditions: list) -> None:
    """What removing SI11 takes in conditions.yaml: the condition only it served, and its mention."""
    conditions[:] = [c for c in conditions if c["id"] != "shoulder-tension"]
    del point(conditions, "lower-back-pain")["article_only"]


class Loop:
    """One collection with real reviews, and the project it is regenerated from."""

    def __init__(self, project: Path, col):
        self.project, self.col = project, col
        self.output = project / "dist" / "acupressure.apkg"
        self.points = project / "data" / "points" / "bladder.yaml"
        self.conditions = project / "data" / "conditions.yaml"
        self.now = T0
        self.result = None

    def build(self, seconds_later: int = 100):
        self.now += seconds_later
        self.result = build(self.project / "data", self.project / "media", self.output, now=self.now)
        return self.result

    def study(self) -> int:
        """Answer every card the scheduler offers, as a learner does; returns how many."""
        did = self.col.decks.id("Acupressure points")
        config = self.col.decks.config_dict_for_deck_id(did)
        config["new"]["perDay"] = 1000
        self.col.decks.update_config(config)
        self.col.decks.select(did)
        answered = 0
        while (queued := self.col.sched.get_queued_cards()).cards:
            top = queued.cards[0]
            card = self.col.get_card(top.card.id)
            card.start_timer()
            rating = CardAnswer.EASY if answered % 3 else CardAnswer.GOOD  # reviews and learning cards
            answer = self.col.sched.build_answer(card=card, states=top.states, rating=rating)
            self.col.sched.answer_card(answer)
            answered += 1
        return answered

    def history(self) -> tuple[dict, list]:
        return ({row[0]: row for row in self.col.db.all("select * from cards")},
                self.col.db.all("select * from revlog order by id"))

    def guids(self, point_id: str) -> set[str]:
        return {self.col.get_note(n).guid for n in self.col.find_notes(f"tag:acupressure::point::{point_id}")}

    def import_and_check(self, *, new_cards: int = 0, merge_notetypes: bool = False):
        """Import the last build and check what must hold after every step; returns the import log."""
        cards_before, revlog_before = self.history()
        log = import_deck(self.col, self.output, merge_notetypes=merge_notetypes)
        cards_after, revlog_after = self.history()
        # Review history is untouched, card by card, and the review log too.
        assert {cid: cards_after[cid] for cid in cards_before} == cards_before
        assert revlog_after == revlog_before
        # New points arrive as new cards.
        arrived = cards_after.keys() - cards_before.keys()
        assert len(arrived) == new_cards
        assert all(self.col.get_card(cid).queue == 0 for cid in arrived)
        # No duplicate notes and no second copy of a note type.
        guids = self.col.db.list("select guid from notes")
        assert len(guids) == len(set(guids))
        rows = package_rows(self.output, self.project)["notes"]
        assert {row[0] for row in rows} <= set(guids)
        ours = [m for m in self.col.models.all() if m["name"].startswith("Acupressure")]
        assert {m["id"] for m in ours} == OUR_NOTE_TYPES and len(ours) == 3
        # Every note is at the version the package holds: the edited fields show the new text.
        for guid, mid, fields, tags in rows:
            (nid,) = self.col.db.list("select id from notes where guid = ?", guid)
            note = self.col.get_note(nid)
            assert note.mid == mid and "\x1f".join(note.fields) == fields, guid
            assert set(note.tags) == set(tags.split()), guid
        return log

    def updated_guids(self, log) -> set[str]:
        return {self.col.get_note(n.id.nid).guid for n in log.updated}


@pytest.fixture
def loop(project, collection) -> Loop:
    """A collection that has studied every card of the first build; weizhong still has its old code."""
    lp = Loop(project, collection)
    # As first written: BL40 under the old bladder numbering, BL54. Corrected later in the loop.
    edit(lp.points, "  code: BL40\n  legacy_codes:\n    - {code: BL54, system: old-bladder}\n",
         "  code: BL54\n  legacy_codes:\n")
    assert lp.build().changes.first_build
    log = lp.import_and_check(new_cards=30)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (20, 0, 0)
    assert lp.study() >= 30
    assert collection.db.scalar("select count() from revlog") >= 30
    assert not collection.find_cards("is:new")
    return lp


def test_daily_loop_keeps_every_review(loop):
    col = loop.col

    # Two builds in a row with no change: the same bytes, and Anki updates nothing.
    before = loop.output.read_bytes()
    result = loop.build()
    assert (result.changes.notes_changed, result.changes.changed_points, result.changes.removed_points) == (0, (), ())
    assert loop.output.read_bytes() == before
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)) == (0, 0, 20, 0)

    # A location text edited: only that point's location note is updated.
    edit(loop.points, "the most prominent\n    point of the outer ankle bone",
         "the highest\n    point of the outer ankle bone")
    result = loop.build()
    assert result.changes.changed_points == (("kunlun", "BL60"),) and result.changes.notes_changed == 1
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 19)
    assert loop.updated_guids(log) <= loop.guids("kunlun")
    (nid,) = col.find_notes('Code:BL60 note:"Acupressure: code ↔ location"')
    assert "the highest point of the outer ankle bone" in col.get_note(nid)["Location"]

    # An indication added: only that point's uses note.
    edit_yaml(loop.points, lambda ps: point(ps, "kunlun")["indications"].append("calf cramps"))
    assert loop.build().changes.changed_points == (("kunlun", "BL60"),)
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated)) == (0, 1)
    (nid,) = col.find_notes('Code:BL60 note:"Acupressure: point ↔ indication"')
    assert "calf cramps" in col.get_note(nid)["Uses"]

    # A new point: three new notes and five new cards; the condition that names it is updated.
    def add_chengshan(points: list) -> None:
        new = dict(point(points, "weizhong"), id="chengshan", code="BL57", legacy_codes=[],
                   pinyin="Chéngshān", hanzi="承山", english=["Mountain Support"], region="calf",
                   location="On the back of the lower leg, where the two bellies of the calf muscle meet.",
                   how_to_find="Rise onto your toes: the point is in the dip below the calf muscle's bulge.",
                   landmarks=["gastrocnemius"], indications=["calf cramps", "sciatica"])
        del new["cautions"]
        points.append(new)
    edit_yaml(loop.points, add_chengshan)
    edit_yaml(loop.conditions, lambda cs: point(cs, "sciatica")["points"].append("chengshan"))
    result = loop.build()
    assert result.changes.changed_points == (("chengshan", "BL57"),) and result.changes.notes_changed == 4
    log = loop.import_and_check(new_cards=5)  # 2 + 2 + 1
    assert (len(log.new), len(log.updated)) == (3, 1)
    assert len(col.find_cards("tag:acupressure::point::chengshan is:new")) == 5
    assert loop.study() >= 5 and not col.find_cards("is:new")

    # A code corrected (the old bladder number replaced by the WHO code), the id unchanged:
    # the same notes, with their reviews, now say BL40.
    weizhong = {n: col.get_note(n).guid for n in col.find_notes("tag:acupressure::point::weizhong")}
    edit_yaml(loop.points, lambda ps: point(ps, "weizhong").update(
        code="BL40", legacy_codes=[{"code": "BL54", "system": "old-bladder"},
                                   {"code": "UB54", "system": "old-bladder"}]))
    result = loop.build()
    assert result.changes.changed_points == (("weizhong", "BL40"),)
    log = loop.import_and_check()
    assert not log.new and loop.updated_guids(log) >= set(weizhong.values())
    assert {n: col.get_note(n).guid for n in col.find_notes("Code:BL40")} == weizhong
    assert not col.find_notes("Code:BL54")

    # The CSS and a card template changed: the note types are updated in place, no note is.
    css = notetypes.NAME_CODE.css + "\n.code { letter-spacing: 0.1em; }\n"
    templates = [dict(t) for t in notetypes.LOCATION.templates]
    templates[0]["afmt"] += '<div class="footer">Press gently.</div>'
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notetypes.NAME_CODE, "css", css)
        patch.setattr(notetypes.LOCATION, "templates", templates)
        result = loop.build()
    assert result.changes.notes_changed == 0 and result.changes.schema_changed == ()
    assert result.changes.note_types_changed == (notetypes.NAME_CODE.name, notetypes.LOCATION.name)
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert col.models.get(NAME_CODE_ID)["css"] == css
    assert "Press gently." in col.models.get(LOCATION_ID)["tmpls"][0]["afmt"]
    assert col.models.get(NAME_CODE_ID)["mod"] == loop.now
    assert col.models.get(INDICATION_ID)["mod"] == T0 + 100  # unchanged since the first build

    # A point removed from the data: the build names it; Anki keeps its notes until the user
    # deletes them with the documented search, and nothing else is lost.
    (loop.project / "data" / "points" / "small-intestine.yaml").unlink()
    edit_yaml(loop.conditions, _drop_tianzong)
    result = loop.build()
    assert result.changes.removed_points == (("tianzong", "SI11"),)
    assert result.changes.removed_conditions == (("shoulder-tension", "shoulder and shoulder-blade pain or tension"),)
    loop.import_and_check()
    orphans = col.find_notes("tag:acupressure::point::tianzong")
    assert len(orphans) == 3
    (orphan_condition,) = col.find_notes(
        "tag:acupressure::condition::shoulder-tension -tag:acupressure::point::*")
    reviews = col.db.scalar("select count() from revlog")
    col.remove_notes([*orphans, orphan_condition])
    built = {row[0] for row in package_rows(loop.output, loop.project)["notes"]}
    assert set(col.db.list("select guid from notes")) == built
    assert col.db.scalar("select count() from revlog") == reviews  # Anki keeps the log of deleted cards

    # And an unchanged rebuild at the end still changes nothing.
    assert loop.build().changes.notes_changed == 0
    log = loop.import_and_check()
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, len(built))


def test_builds_within_one_second_still_give_newer_times(loop):
    edit(loop.points, "sciatica\n    - stiff neck", "sciatica\n    - a stiff neck")
    loop.build(seconds_later=0)
    assert loop.import_and_check().updated
    edit(loop.points, "a stiff neck", "stiff neck and shoulders")
    loop.build(seconds_later=0)
    log = loop.import_and_check()
    assert len(log.updated) == 1
    (nid,) = loop.col.find_notes('Code:BL60 note:"Acupressure: point ↔ indication"')
    assert "stiff neck and shoulders" in loop.col.get_note(nid)["Uses"]
    # Real builds, without a given time, in the same second as each other.
    project, output = loop.project, loop.output
    mods = []
    for use in ("first use", "second use"):
        edit_yaml(loop.points, lambda ps: point(ps, "kunlun").update(indications=[use]))
        assert build(project / "data", project / "media", output).changes.notes_changed == 1
        mods.append(state.read(state.state_path(output)).newest)
    assert mods[1] > mods[0] > loop.now


def _with_mnemonic(monkeypatch) -> genanki.Model:
    """Build with a name ↔ code note type that has one more field, as a new release might."""
    model = genanki.Model(
        NAME_CODE_ID, notetypes.NAME_CODE.name,
        fields=[dict(f) for f in notetypes.NAME_CODE.fields] + [{"name": "Mnemonic"}],
        templates=[dict(t, afmt=t["afmt"] + "{{#Mnemonic}}<div>{{Mnemonic}}</div>{{/Mnemonic}}")
                   for t in notetypes.NAME_CODE.templates],
        css=notetypes.NAME_CODE.css)
    original = cards.notes

    def notes(dataset, images):
        return [n._replace(model=model, fields=n.fields + (f"Think of {n.fields[1]}",))
                if n.model is notetypes.NAME_CODE else n for n in original(dataset, images)]
    monkeypatch.setattr(cards, "notes", notes)
    monkeypatch.setattr(build_module, "NOTE_TYPES",
                        tuple(model if m is notetypes.NAME_CODE else m for m in build_module.NOTE_TYPES))
    return model


def _check_merged(loop: Loop) -> None:
    col = loop.col
    ours = [m for m in col.models.all() if m["name"].startswith("Acupressure")]
    assert {m["id"] for m in ours} == OUR_NOTE_TYPES
    assert [f["name"] for f in col.models.get(NAME_CODE_ID)["flds"]][-1] == "Mnemonic"
    (nid,) = col.find_notes("Code:BL60 Mnemonic:_*")
    assert col.get_note(nid)["Mnemonic"] == "Think of Kūnlún"
    guids = col.db.list("select guid from notes")
    assert len(guids) == len(set(guids)) == 20


def test_new_field_with_default_options_then_merge(loop, monkeypatch):
    cards_before, revlog_before = loop.history()
    _with_mnemonic(monkeypatch)
    result = loop.build()
    assert result.changes.schema_changed == (notetypes.NAME_CODE.name,)
    # Default options: Anki adds a copy of the note type and leaves the existing notes alone.
    log = import_deck(loop.col, loop.output)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 5)
    copies = [m for m in loop.col.models.all() if m["name"].startswith("Acupressure: name")]
    assert len(copies) == 2
    assert len(loop.col.models.get(NAME_CODE_ID)["flds"]) == len(notetypes.NAME_CODE.fields)
    assert loop.col.note_count() == 20 and loop.history() == (cards_before, revlog_before)
    # Importing the same file again with "Merge note types" repairs it: one note type, updated notes.
    log = loop.import_and_check(merge_notetypes=True)
    assert len(log.updated) == 5
    _check_merged(loop)


def test_new_field_with_merge_note_types(loop, monkeypatch):
    _with_mnemonic(monkeypatch)
    loop.build()
    log = loop.import_and_check(merge_notetypes=True)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 5, 0)
    _check_merged(loop)
    # Afterwards the ordinary default import is enough again.
    assert loop.build().changes.schema_changed == ()
    log = loop.import_and_check()
    assert (len(log.updated), len(log.duplicate)) == (0, 20)


def test_removed_point_is_reported_with_its_search(project, capsys):
    args = ["build", "--data", str(project / "data"), "--media", str(project / "media"),
            "-o", str(project / "dist" / "deck.apkg")]
    assert cli.main(args) == 0
    assert cli.main(args) == 0
    assert "Nothing changed since the last build" in capsys.readouterr().out
    (project / "data" / "points" / "small-intestine.yaml").unlink()
    edit_yaml(project / "data" / "conditions.yaml", _drop_tianzong)
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "Removed since the last build: SI11 (tianzong)" in out
    assert "tag:acupressure::point::tianzong" in out
    assert "tag:acupressure::condition::shoulder-tension -tag:acupressure::point::*" in out
    assert cli.main(args) == 0
    assert "Removed" not in capsys.readouterr().out


@pytest.fixture
def built(project, tmp_path, monkeypatch):
    """A finished build, and a system temp folder of our own to see what a build leaves behind."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output, now=T0)
    edit(project / "data" / "points" / "bladder.yaml", "- sciatica\n    - stiff neck", "- sciatica")
    files = {p: p.read_bytes() for p in output.parent.iterdir() if p.is_file()}
    assert set(files) == {output, state.state_path(output)}
    return project, output, files, system_tmp


def _unchanged(output: Path, files: dict, system_tmp: Path) -> None:
    assert {p: p.read_bytes() for p in output.parent.iterdir() if p.is_file()} == files
    assert list(system_tmp.iterdir()) == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_write_leaves_the_old_deck(built, monkeypatch, failure):
    project, output, files, system_tmp = built
    written = []

    def open_entry(self, name, mode="r", *args, **kwargs):  # the zip is half written when it fails
        if mode == "w":
            written.append(name)
            if len(written) == 3:
                raise failure
        return original(self, name, mode, *args, **kwargs)
    original = package.zipfile.ZipFile.open
    monkeypatch.setattr(package.zipfile.ZipFile, "open", open_entry)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        build(project / "data", project / "media", output, now=T0 + 100)
    assert len(written) == 3
    _unchanged(output, files, system_tmp)


def test_failure_inside_genanki_leaves_the_old_deck(built, monkeypatch):
    project, output, files, system_tmp = built

    def write_to_db(self, *args, **kwargs):  # the collection is half written when it fails
        original(self, *args, **kwargs)
        raise ValueError("genanki failed")
    original = genanki.Package.write_to_db
    monkeypatch.setattr(genanki.Package, "write_to_db", write_to_db)
    with pytest.raises(ValueError, match="genanki failed"):
        build(project / "data", project / "media", output, now=T0 + 100)
    _unchanged(output, files, system_tmp)


def test_data_error_leaves_the_old_deck(built):
    project, output, files, system_tmp = built
    edit(project / "data" / "points" / "bladder.yaml", "  code: BL60\n", "  code: BL99\n")
    with pytest.raises(DataError):
        build(project / "data", project / "media", output, now=T0 + 100)
    _unchanged(output, files, system_tmp)


def test_state_not_written_after_the_deck_is_recovered_from(loop, monkeypatch):
    """A build that replaced the .apkg but failed to write its state: the next build is still honest."""
    edit(loop.points, "sciatica\n    - stiff neck", "sciatica\n    - a stiff neck")
    with monkeypatch.context() as patch:
        patch.setattr(state, "write", lambda *a: (_ for _ in ()).throw(OSError(13, "Permission denied")))
        with pytest.raises(OutputError):
            loop.build()
    stale = state.read(state.state_path(loop.output))
    assert stale.package != package.digest(loop.output)
    log = loop.import_and_check()  # the user imports the deck that was written
    assert len(log.updated) == 1
    # A further edit, built within the same second as the failed build.
    edit(loop.points, "a stiff neck", "stiff neck and shoulders")
    result = loop.build(seconds_later=0)
    assert result.changes.recovered and result.changes.notes_changed == 20
    log = loop.import_and_check()
    assert len(log.updated) == 20  # all of them, harmlessly: content unchanged except the edit
    (nid,) = loop.col.find_notes('Code:BL60 note:"Acupressure: point ↔ indication"')
    assert "stiff neck and shoulders" in loop.col.get_note(nid)["Uses"]
    # From then on the state describes the deck again.
    result = loop.build()
    assert not result.changes.recovered and result.changes.notes_changed == 0
    assert not loop.import_and_check().updated


def test_lost_state_beside_an_old_deck(project, monkeypatch):
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output, now=T0)
    state.state_path(output).unlink()
    result = build(project / "data", project / "media", output, now=T0)
    assert result.changes.recovered and not result.changes.first_build
    assert state.read(state.state_path(output)).newest == T0 + 1


def test_state_of_an_older_format_is_not_trusted(project):
    """Its hashes were taken another way: every note gets a newer time once, so the import updates them all."""
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output, now=T0)
    path = state.state_path(output)
    path.write_text(path.read_text(encoding="utf-8").replace(f'"format": {state.FORMAT}', '"format": 1'),
                    encoding="utf-8")
    assert state.read(path) is None
    result = build(project / "data", project / "media", output, now=T0)
    assert result.changes.recovered and result.changes.notes_changed == len(result.deck.notes)
    assert state.read(path).newest == T0 + 1


@pytest.mark.parametrize("stamp", [["abc", True], ["abc"], [1, 2], ["abc", 1.5], "abc", {"mod": 1}])
def test_damaged_state_is_not_trusted(project, stamp):
    """A state file edited by hand: the build treats it as lost, and says so."""
    output = project / "dist" / "acupressure.apkg"
    build(project / "data", project / "media", output, now=T0)
    path = state.state_path(output)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["notes"][next(iter(stored["notes"]))] = stamp
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert state.read(path) is None
    result = build(project / "data", project / "media", output, now=T0)
    assert result.changes.recovered and state.read(path).newest == T0 + 1
