"""The floor: a plain genanki script writing the same notes and cards as a built deck.

    python bench/floor.py SPEC.json OUT.apkg [MEDIA_DIR]

SPEC.json holds the note types (id, name, fields, templates, CSS, sort field) and every note
(note type, GUID, fields, tags) exactly as deckbuilder wrote them; `extract` makes it from a
built .apkg. The script has no validation, no YAML, no diagrams and (without MEDIA_DIR) no
media files: it is what writing the deck costs at least with genanki. With MEDIA_DIR, every
file in it is packaged too, as a reference for what the pictures cost to package.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path


def extract(apkg: Path, spec: Path, media_dir: Path | None = None) -> dict:
    """Write SPEC.json for the notes in `apkg` (and its media files into media_dir, if given)."""
    with tempfile.TemporaryDirectory(prefix="deckbuilder-bench-") as folder, zipfile.ZipFile(apkg) as archive:
        db = sqlite3.connect(archive.extract("collection.anki2", folder))
        try:
            (models_json, decks_json) = db.execute("select models, decks from col").fetchone()
            notes = db.execute("select guid, mid, flds, tags from notes order by id").fetchall()
            (cards,) = db.execute("select count(*) from cards").fetchone()
        finally:
            db.close()
        if media_dir is not None:
            media_dir.mkdir(parents=True, exist_ok=True)
            names = json.loads(archive.read("media"))
            for index, name in names.items():
                (media_dir / name).write_bytes(archive.read(index))
    models = json.loads(models_json)
    deck = next(d for d in json.loads(decks_json).values() if str(d["id"]) != "1")
    payload = {
        "deck": {"id": deck["id"], "name": deck["name"], "description": deck.get("desc", "")},
        "models": [{"id": int(m["id"]), "name": m["name"], "fields": [f["name"] for f in m["flds"]],
                    "templates": [{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["tmpls"]],
                    "css": m["css"], "sortf": m["sortf"], "type": m.get("type", 0)} for m in models.values()],
        "notes": [[guid, mid, flds.split("\x1f"), tags.split()] for guid, mid, flds, tags in notes],
        "cards": cards,
    }
    spec.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return payload


def main(argv: list[str]) -> None:
    import genanki

    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    output = Path(argv[1])
    media = sorted(str(p) for p in Path(argv[2]).iterdir()) if len(argv) > 2 else []
    models = {m["id"]: genanki.Model(m["id"], m["name"], fields=[{"name": f} for f in m["fields"]],
                                     templates=m["templates"], css=m["css"], sort_field_index=m["sortf"],
                                     model_type=m["type"])
              for m in spec["models"]}
    deck = genanki.Deck(spec["deck"]["id"], spec["deck"]["name"], description=spec["deck"]["description"])
    for position, (guid, mid, fields, tags) in enumerate(spec["notes"]):
        deck.add_note(genanki.Note(model=models[mid], fields=fields, tags=tags, guid=guid, due=position))
    for model in models.values():
        deck.add_model(model)
    genanki.Package(deck, media_files=media).write_to_file(str(output), timestamp=1_700_000_000)


if __name__ == "__main__":
    main(sys.argv[1:])
