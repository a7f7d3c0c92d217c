"""The command line: the one place that prints and chooses exit codes.

Exit codes: 0 success, 1 a problem in the data, the output path or the system, 2 a usage error,
130 stopped with Ctrl-C.
"""

from __future__ import annotations

import sys

# Nothing else at the top: until run() is running, a Ctrl-C ends in a traceback, so this module
# imports the pipeline (and argparse, pathlib...) only inside the functions that use it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from types import ModuleType

    from .build import Deck
    from .errors import DataError, Problem

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_PREVIEW = "dist/preview"
MAX_LINES = 10    # removed (or changed) points named one by one; more are said in one line
MAX_SEARCH = 200  # characters: a longer search goes to a file, its line named


def _parser() -> argparse.ArgumentParser:
    import argparse
    from pathlib import Path

    from . import __version__, translate
    from .build import DEFAULT_DATA, DEFAULT_MEDIA, DEFAULT_OUTPUTS

    parser = argparse.ArgumentParser(prog="deckbuilder",
                                     description="Build an Anki deck of acupressure points from YAML data.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def data_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR",
                             help=f"folder with points/, conditions.yaml, sources.yaml (default: {DEFAULT_DATA})")
        command.add_argument("--media", type=Path, default=DEFAULT_MEDIA, metavar="DIR",
                             help=f"folder with the images points refer to (default: {DEFAULT_MEDIA})")
        command.add_argument("--lang", choices=translate.LANGUAGES, default=None,
                             help="the deck's language: en (the default) or de, German, from "
                             "data/translations/de/")

    build_cmd = commands.add_parser("build", help="build the .apkg")
    data_options(build_cmd)
    build_cmd.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                           help="where to write the deck (default: "
                           + ", ".join(f"{path} for --lang {lang}" for lang, path in DEFAULT_OUTPUTS.items()) + ")")
    build_cmd.add_argument("--only", metavar="SPEC",
                           help="build a smaller deck: comma-separated meridian:BL, condition:lower-back-pain, "
                           "region:knee, point:kunlun, category:back-shu (notes keep their ids, so the full "
                           "deck imported later extends it); give it its own -o: it is refused where the deck "
                           "holds points it leaves out")
    check_cmd = commands.add_parser("check", help="check the data without writing anything")
    data_options(check_cmd)
    preview_cmd = commands.add_parser("preview", help="write an HTML page showing every card")
    data_options(preview_cmd)
    preview_cmd.add_argument("-o", "--output", type=Path, default=None, metavar="DIR",
                             help=f"folder for the page and its images (default: {DEFAULT_PREVIEW}, "
                             f"{DEFAULT_PREVIEW}-de for --lang de)")
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


def _check(args: argparse.Namespace) -> int:
    """The data; with --lang, that language's deck and every text it still shows in English; without,
    every translation under data/translations/, its outdated texts first. Nothing is written: the
    English deck built last from these very files passed then, and the build's cache is read."""
    from . import translate
    from .build import DEFAULT_OUTPUTS, checked_before, counts, prepare

    def checked(lang: str) -> Deck:
        cache = DEFAULT_OUTPUTS[lang].parent / ".deckbuilder-cache"
        return prepare(args.data, args.media, cache, lang=lang, keep=False)

    summary = checked_before(args.data, args.media, DEFAULT_OUTPUTS["en"]) if args.lang in (None, "en") else None
    deck = checked(args.lang or "en") if summary is None else None
    if deck is not None:
        _say_skipped(deck)
        summary = counts(deck)
    print(f"OK: {summary['points']} points, {summary['notes']} notes, {summary['cards']} cards, "
          f"{summary['images']} images")
    if args.lang not in (None, "en"):
        _report_gaps(args.lang, deck, limit=None)
        for problem in translate.unused(deck.language.texts):  # harmless, but likely a typo
            print(f"  note: {problem}")
        return EXIT_DATA if deck.gaps or deck.leftovers else EXIT_OK
    for lang in translate.LANGUAGES[1:] if args.lang is None else ():  # `--lang en`: the English deck only
        if translate.folder(args.data, lang).is_dir():
            _report_gaps(lang, checked(lang), limit=30)
    return EXIT_OK


def _report_gaps(lang: str, deck: Deck, limit: int | None) -> None:
    """Outdated translations first (their English changed), then the texts not translated yet, then the
    entries for English that is gone."""
    from .errors import Problem, shown

    gaps, leftovers = deck.gaps, deck.leftovers
    outdated = sum(gap.outdated for gap in gaps)
    if not gaps and not leftovers:
        print(f"Translation '{lang}': every text is translated and up to date")
        return
    print(f"Translation '{lang}': {outdated} outdated, {len(gaps) - outdated} not translated yet (the deck shows "
          f"them in English, marked [EN]), {len(leftovers)} for English that is not there (not shown)")
    ordered = [*sorted(gaps, key=lambda gap: (not gap.outdated, str(gap.file), gap.line or 0)),
               *sorted(leftovers, key=Problem.sort_key)]
    for item in ordered[:limit]:
        print("  " + shown(str(item)).replace("\n", "\n  "))
    if limit is not None and len(ordered) > limit:
        print(f"  ... and {len(ordered) - limit} more: deckbuilder check --lang {lang} lists them all")


def _say_skipped(deck: Deck) -> None:
    for path, what in deck.skipped:
        print(f"deckbuilder: note: {path} was not read ({what})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from . import state
    from .build import DEFAULT_OUTPUTS, build, prepare
    from .errors import DataError, DeckbuilderError, SelectionError, shown

    args = _parser().parse_args(argv)
    lang = args.lang or "en"
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "preview":
            from . import preview  # only this command needs it

            deck = prepare(args.data, args.media, lang=lang)
            _say_skipped(deck)
            folder = args.output or Path(DEFAULT_PREVIEW if lang == "en" else f"{DEFAULT_PREVIEW}-{lang}")
            page = preview.write(deck, folder)
            print(f"Preview of {len(preview.cards(deck))} cards: {page} (night mode: {page.parent / 'night.html'})")
            return EXIT_OK
        result = build(args.data, args.media, args.output or DEFAULT_OUTPUTS[lang], only=args.only, lang=lang)
    except DataError as error:
        _report_data_error(error)
        return EXIT_DATA
    except SelectionError as error:
        print(f"deckbuilder: {shown(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except DeckbuilderError as error:  # OutputError: the deck or preview cannot be written there
        print(f"deckbuilder: {shown(str(error))}", file=sys.stderr)
        return EXIT_DATA
    if result.deck is not None:
        _say_skipped(result.deck)
    counts, changes = result.counts, result.changes
    print(f"Built {counts['points']} point{'s' if counts['points'] != 1 else ''}: {counts['notes']} notes, "
          f"{counts['cards']} cards, {counts['images']} images -> {result.output}")
    if changes is None:
        print("Nothing changed since the last build")
        return EXIT_OK
    if result.deck is not None and (result.deck.gaps or result.deck.leftovers):
        gaps, outdated = result.deck.gaps, sum(gap.outdated for gap in result.deck.gaps)
        print(f"{len(gaps)} texts are shown in English, marked [EN] ({outdated} outdated, {len(gaps) - outdated} "
              f"not translated yet); {len(result.deck.leftovers)} translations are of English that is not there: "
              f"deckbuilder check --lang {lang} lists them")
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
        named = [f"{code} ({point_id})" for point_id, code in changes.changed_points]
        if len(named) > MAX_LINES:  # a change of every point is said in a line, not a screenful
            named[MAX_LINES:] = [f"and {len(named) - MAX_LINES} more points"]
        points = ", ".join(named)
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
    deletions = _Deletions(state.deletions_path(result.output), result.output.name)
    emptied = dict(changes.emptied)  # point code -> its region quiz
    removed = len(changes.removed_points)
    if removed > MAX_LINES:  # one instruction for them all, not one per point
        quizzes = {emptied.pop(code) for _, code in changes.removed_points if code in emptied}
        codes = sorted((code for _, code in changes.removed_points), key=_in_order)
        where = deletions.search(changes.removed_points_search(),
                                 f"the notes of the {removed} removed points: {', '.join(codes)}")
        print(f"Removed since the last build: {removed} points ({', '.join(codes[:MAX_LINES])} and "
              f"{removed - MAX_LINES} more). In Anki, find their notes with {where} and delete them." + (
                  "" if not quizzes else f" Then, after importing, run Tools → Empty Cards: it deletes their cards "
                  f"in {len(quizzes)} region quiz{'zes' if len(quizzes) != 1 else ''} (left empty, their masks gone; "
                  "the quizzes' other cards stay)."))
    for point_id, code in changes.removed_points if removed <= MAX_LINES else ():
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
    for dropped in changes.dropped:  # one instruction per kind of note, however many notes
        one = dropped.count == 1
        it, its, are = ("it", "its", "is") if one else ("them", "their", "are")
        if dropped.emptied:
            what = f"{dropped.count} region quiz{'' if one else 'zes'}"
            head = f"{what} {are} no longer built (no point is left on {its} picture)"
            after = ""
        else:
            what = f"{dropped.count} {dropped.kind or 'other'} note{'' if one else 's'} of the earlier card design"
            head = f"{what} {are} no longer built"
            after = " (your reviews of the cards still built are not affected)"
        where = deletions.search(dropped.search, what)
        print(f"{head}: after importing, find {it} in Anki with {where} and delete {it}{after}.")
    if changes.unnamed_removed:
        print(f"{changes.unnamed_removed} note{'s' if changes.unnamed_removed != 1 else ''} of an earlier "
              "version of the deck are no longer built. After importing, find them in Anki with the search  "
              "tag:acupressure::* -tag:acupressure::kind::*  and delete them.")
    if changes.unused_media:
        count = changes.unused_media
        print(f"{count} picture{'s are' if count != 1 else ' is'} no longer used by the deck: after importing, "
              "Anki's Tools → Check Media lists them as unused and can delete them.")
    removed = len(changes.removed_conditions)
    if removed > MAX_LINES:
        names = [f"'{name}'" for _, name in changes.removed_conditions]
        where = deletions.search(changes.removed_conditions_search(),
                                 f"the notes of the {removed} removed conditions: {', '.join(names)}")
        print(f"Removed since the last build: {removed} conditions ({', '.join(names[:MAX_LINES])} and "
              f"{removed - MAX_LINES} more). In Anki, find their notes with {where} and delete them.")
    for condition_id, name in changes.removed_conditions if removed <= MAX_LINES else ():
        print(f"Removed since the last build: the condition '{name}'. In Anki, find its notes with "
              f"the search  tag:acupressure::condition::{condition_id} tag:acupressure::kind::complaint  "
              "and delete them.")
    if deletions.usable:
        state.write_deletions(deletions.path, "".join(f"{line}\n" for line in deletions.lines))
    return EXIT_OK


def _in_order(code: str) -> tuple[str, int]:
    """LU2 before LU10."""
    import re

    letters, number = re.fullmatch(r"(.*?)(\d*)", code).groups()
    return letters, int(number or 0)


class _Deletions:
    """Searches too long for a screen go to a file, one a line, and the message names the line."""

    def __init__(self, path: Path, deck: str):
        from .files import other_kind

        self.path, self.deck, self.lines = path, deck, []
        self.usable = other_kind(path) is None  # a folder or a pipe there: the search is printed whole

    def search(self, search: str, what: str) -> str:
        """How the message names `search`: itself, or its line in the file."""
        import time

        if len(search) <= MAX_SEARCH or not self.usable:
            return f"the search  {search} "
        if not self.lines:
            self.lines += [f"# What to delete in Anki after importing {self.deck} (written by deckbuilder build,",
                           f"# {time.strftime('%Y-%m-%d %H:%M', time.localtime())}). Copy a whole search line into "
                           "the search bar of Anki's browser,", "# select all the notes it finds and delete them."]
        self.lines += ["", f"# {what}", search]
        return (f"the search on line {len(self.lines)} of {self.path} (copy the whole line into the search bar of "
                "Anki's browser)")


def run() -> None:
    """The console entry: messages, not tracebacks, for what the system refuses or the user stops.

    A Ctrl-C is caught from the first line on, and the pipeline is imported only after, so that it
    ends with one line and exit code 130 at any moment (Python's own start-up and its finding this
    module are the only part that is not ours)."""
    try:
        import contextlib
        import signal

        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):  # a file name that the terminal cannot encode is printed escaped
                stream.reconfigure(errors="backslashreplace")
        try:
            code = main()
            _settled(signal)
            if sys.stdout is not None:
                sys.stdout.flush()
        except OSError as exc:
            if exc.filename is not None:  # what the library did not foresee, e.g. a name too long to look up
                from .errors import shown

                print(f"deckbuilder: cannot use {shown(str(exc.filename))}: {exc.strerror or exc}", file=sys.stderr)
            else:  # standard output closed or full: the work is done, the summary is lost
                sys.stdout = None  # what is still buffered for it must not fail again at exit
                with contextlib.suppress(OSError):
                    print(f"deckbuilder: cannot print to standard output ({exc.strerror or exc})", file=sys.stderr)
            code = EXIT_DATA
    except KeyboardInterrupt as stop:
        _settled(sys.modules.get("signal"))
        left = stop.args[0] if stop.args and isinstance(stop.args[0], str) else "nothing was changed"
        try:
            print(f"deckbuilder: stopped; {left}", file=sys.stderr)
        except OSError:
            pass
        code = EXIT_INTERRUPTED
    sys.exit(code)


def _settled(signal: ModuleType | None) -> None:
    """The outcome is decided: a second Ctrl-C while it is printed must not become a traceback."""
    if signal is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
