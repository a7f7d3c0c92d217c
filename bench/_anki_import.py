"""One measured import: `python bench/_anki_import.py DECK.apkg RESULT.json`.

Imports the deck into a new, empty collection with the real Anki backend and the options
Anki's import dialog starts with (as tests/conftest.py does), and records how long
import_anki_package took and what the collection holds afterwards.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


def main(apkg: str, result: str) -> None:
    with tempfile.TemporaryDirectory(prefix="deckbuilder-bench-anki-") as folder:
        col = Collection(str(Path(folder) / "collection.anki2"))
        try:
            request = ImportAnkiPackageRequest(
                package_path=apkg,
                options=ImportAnkiPackageOptions(merge_notetypes=False, with_scheduling=False,
                                                 with_deck_configs=False))
            began = time.perf_counter()
            col.import_anki_package(request)
            took = time.perf_counter() - began
            notes, cards = col.note_count(), col.card_count()
        finally:
            col.close()
    Path(result).write_text(json.dumps({"import_s": took, "notes": notes, "cards": cards}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
