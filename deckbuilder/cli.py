"""The command line: the one place that prints and chooses exit codes.

Exit codes: 0 success, 1 a problem in the data, the output path or the system, 2 a usage error,
130 stopped with Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from . import __version__
from .build import DEFAULT_DATA, DEFAULT_MEDIA, DEFAULT_OUTPUT, build, prepare
from .errors import DataError, DeckbuilderError, Problem, SelectionError, shown

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_PREVIEW = Path("dist/preview")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deckbuilder",
                                     description="Build an Anki deck of acupressure points from YAML data.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                             help=f"folder with points/, conditions.yaml, sources.yaml (default: {DEFAULT_DATA})")
        command.add_argument("--media", type=Path, default=DEFAULT_MEDIA, metavar="DIR",
                             help=f"folder with the images points refer to (default: {DEFAULT_MEDIA})")

    build_cmd = commands.add_parser("build", help="build the .apkg")
    data_options(build_cmd)
    build_cmd.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, metavar="FILE",
                           help=f"where to write the deck (default: {DEFAULT_OUTPUT})")
    build_cmd.add_argument("--only", metavar="SPEC",
                           help="build a smaller deck: comma-separated meridian:BL, condition:lower-back-pain, "
                           "region:knee, point:kunlun, category:back-shu (notes keep their ids, so the full "
                           "deck imported later extends it); give it its own -o: it is refused where the deck "
                           "holds points it leaves out")
    check_cmd = commands.add_parser("check", help="check the data without writing anything")
    data_options(check_cmd)
    preview_cmd = commands.add_parser("preview", help="write an HTML page showing every card")
    data_options(preview_cmd)
    preview_cmd.add_argument("-o", "--output", type=Path, default=DEFAULT_PREVIEW, metavar="DIR",
                             help=f"folder for the page and its images (default: {DEFAULT_PREVIEW})")
    return parser


def _cause_first(problem: Problem) -> tuple:
    """sources.yaml first (a mistake there causes problems in the files that cite it), then the
    point files, then conditions.yaml (which names points); within a file, by line."""
    name = problem.file.name if problem.file is not None else ""
    rank = {"sources.yaml": 0, "conditions.yaml": 2}.get(name, 1)
    return (rank, *problem.sort_key())


def _report_data_error(error: DataError, limit: int = 30) -> None:
    """All problems, causes first, up to a screenful, then how many more there are."""
    problems = sorted(error.problems, key=_cause_first)
    count = len(problems)
    print(f"deckbuilder: {count} problem{'s' if count != 1 else ''} in the data; nothing was written.",
          file=sys.stderr)
    for problem in problems[:limit]:
        print("  " + str(problem).replace("\n", "\n  "), file=sys.stderr)
    if count > limit:
        print(f"  ... and {count - limit} more: fix these and run the command again to see them.",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            deck = prepare(args.data, args.media)
            print(f"OK: {len(deck.dataset.points)} points, {len(deck.notes)} notes, "
                  f"{deck.card_count} cards, {len(deck.media)} images")
            return EXIT_OK
        if args.command == "preview":
            from . import preview  # only this command needs it

            deck = prepare(args.data, args.media)
            page = preview.write(deck, args.output)
            print(f"Preview of {len(preview.cards(deck))} cards: {page} (night mode: {page.parent / 'night.html'})")
            return EXIT_OK
        result = build(args.data, args.media, args.output, only=args.only)
    except DataError as error:
        _report_data_error(error)
        return EXIT_DATA
    except SelectionError as error:
        print(f"deckbuilder: {shown(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except DeckbuilderError as error:  # OutputError: the deck or preview cannot be written there
        print(f"deckbuilder: {shown(str(error))}", file=sys.stderr)
        return EXIT_DATA
    counts, changes = result.counts, result.changes
    print(f"Built {counts['points']} point{'s' if counts['points'] != 1 else ''}: {counts['notes']} notes, "
          f"{counts['cards']} cards, {counts['images']} images -> {result.output}")
    if changes is None:
        print("Nothing changed since the last build")
        return EXIT_OK
    if changes.doubt:  # a state edited by hand, most likely: treated as lost
        print(f"{result.state_file} is not trusted ({changes.doubt}): " + (
            f"it was rebuilt from the previous {result.output.name}, every note is marked as changed, and the "
            "next import updates them all (reviews are kept)" if changes.recovered
            else f"there is no {result.output.name} to rebuild it from, so this build starts afresh"))
    elif changes.first_build:
        print(f"First build: the build state is kept in {result.state_file}")
    elif changes.recovered:
        print(f"{result.state_file} did not describe the previous {result.output.name} (it was missing, "
              "damaged, or written by another version of deckbuilder): every note is marked as changed, "
              "so the next import updates them all (reviews are kept)")
    elif changes.notes_changed:
        notes = f"{changes.notes_changed} note{'s' if changes.notes_changed != 1 else ''}"
        points = ", ".join(f"{code} ({point_id})" for point_id, code in changes.changed_points)
        print(f"Changed since the last build: {points} ({notes})" if points
              else f"Changed since the last build: {notes}")
    elif not changes.note_types_changed:
        print("Nothing changed since the last build")
    if changes.note_types_changed:
        print(f"Card templates or style changed: {', '.join(changes.note_types_changed)}")
    if changes.schema_changed:
        names = ", ".join(f"'{name}'" for name in changes.schema_changed)
        print(f"The fields or card types of {names} changed: import this deck once with 'Merge note types' "
              "ticked, so that Anki moves your notes to the new note types and updates them (reviews are "
              "kept). If you already imported it without, undo that import first (Edit → Undo Import). See "
              "Regenerating in the README.")
    emptied = dict(changes.emptied)  # point code -> its region quiz
    for point_id, code in changes.removed_points:
        quiz = emptied.pop(code, None)
        print(f"Removed since the last build: {code} ({point_id}). In Anki, find its notes with "
              f"the search  tag:acupressure::point::{point_id}  and delete them." + (
                  "" if quiz is None else f" Then, after importing, run Tools → Empty Cards: it deletes the "
                  f"card of {code} in the region quiz  tag:acupressure::quiz::{quiz}  (left empty, its mask "
                  "gone; the quiz's other cards stay)."))
    for code, quiz in sorted(emptied.items(), key=lambda item: item[::-1]):
        print(f"After importing, run Tools → Empty Cards: it deletes the card of {code} in the region quiz  "
              f"tag:acupressure::quiz::{quiz}  (left empty: {code} is no longer on that picture; the quiz's "
              "other cards stay).")
    for search in changes.removed_notes:
        # a region quiz goes when no point is left on its picture (removed or moved); other notes with a design
        quiz = any(term.startswith("tag:acupressure::quiz::") for term in search.split())
        why = "no point is left on its picture" if quiz else "the card design changed"
        print(f"No longer built ({why}): after importing, find it in Anki with the search  "
              f"{search}  and delete what it finds.")
    if changes.unnamed_removed:
        print(f"{changes.unnamed_removed} note{'s' if changes.unnamed_removed != 1 else ''} of an earlier "
              "version of the deck are no longer built. After importing, find them in Anki with the search  "
              "tag:acupressure::* -tag:acupressure::kind::*  and delete them.")
    if changes.unused_media:
        count = changes.unused_media
        print(f"{count} picture{'s are' if count != 1 else ' is'} no longer used by the deck: after importing, "
              "Anki's Tools → Check Media lists them as unused and can delete them.")
    for condition_id, name in changes.removed_conditions:
        print(f"Removed since the last build: the condition '{name}'. In Anki, find its notes with "
              f"the search  tag:acupressure::condition::{condition_id} tag:acupressure::kind::complaint  "
              "and delete them.")
    return EXIT_OK


def run() -> None:
    """The console entry: messages, not tracebacks, for what the system refuses or the user stops."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a file name that the terminal cannot encode is printed escaped
            stream.reconfigure(errors="backslashreplace")
    try:
        code = main()
        if sys.stdout is not None:
            sys.stdout.flush()
    except KeyboardInterrupt:
        print("deckbuilder: stopped; nothing was changed", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except OSError as exc:  # standard output closed or full: the work is done, the summary is lost
        sys.stdout = None  # what is still buffered for it must not fail again at exit
        with contextlib.suppress(OSError):
            print(f"deckbuilder: cannot print to standard output ({exc.strerror or exc})", file=sys.stderr)
        code = EXIT_DATA
    sys.exit(code)
