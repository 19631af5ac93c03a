"""The `pamphlet` command line: argument parsing and one library call per command."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path
from typing import IO, TextIO

from rich.console import Console
from rich.table import Table

from workflow import __version__
from workflow.config import DEFAULT_OUTPUTS, choices_of, find_root, load_project
from workflow.errors import PamphletError, SystemRefusal
from workflow.lock import project_lock
from workflow.patterns import CONTROL
from workflow.targets import resolve_targets

EXIT_OK, EXIT_FAILED = 0, 1  # bad input: 2 (PamphletError.exit_code)
# Commands that write into the project hold its lock while they run (workflow/lock.py).
WRITING_COMMANDS = frozenset({"import", "update", "translate", "build", "models install"})
# Commands that say when locale/ holds catalogs of a language the project does not have.
WARNS_OF_STRAY_CATALOGS = frozenset({"update", "status", "check"})




def terminal_safe(text: str) -> str:
    """The text with control characters shown as escapes (ESC as \\x1b), not obeyed."""
    # a msgstr quoted in a message could otherwise move the cursor or hide text
    return CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)


def cmd_import(args, console: Console) -> int:
    """Turn a raw pasted text into source/SLUG.md. Example: pamphlet import raw.txt --lang ar"""
    from workflow.importer import import_file

    path, missing, notes = import_file(load_project(), Path(args.raw), args.lang, args.slug,
                                       force=args.force)
    console.print(f"wrote {path}: check title, author, date and paragraphs before `update`")
    if missing:
        console.print(f"could not guess: {', '.join(missing)} (fill them in {path})")
    for note in notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    return EXIT_OK


def cmd_update(args, console: Console) -> int:
    """Write templates and merge catalogs. Example: pamphlet update ima-migrants-day-2016;
    one catalog: pamphlet update locale/es/ima-migrants-day-2016.po"""
    from workflow.update import MergeOptions, update

    project = load_project()
    targets = resolve_targets(project, args.slugs, args.lang)
    options = MergeOptions(fuzzy_matching=not args.no_fuzzy_matching,
                           obsolete=not args.no_obsolete)
    report = update(project, targets.slugs, check=args.check or args.dry_run,
                    languages=targets.languages, options=options)
    if args.check or args.dry_run:
        for path in report.written:
            console.print(f"{'out of date' if args.check else 'would write'}: "
                          f"{project.relative(path)}")
        return EXIT_FAILED if report.written and args.check else EXIT_OK
    if not args.quiet:
        console.print(f"{len(report.written)} catalog(s) written, {len(report.unchanged)}"
                      " unchanged")
    return EXIT_OK


def cmd_status(args, console: Console) -> int:
    """Translation progress per statement and language. Example: pamphlet status --json;
    in CI: pamphlet status -l es,fa --threshold 90"""
    from workflow.catalog.model import STATES
    from workflow.status import collect_status, language_percent

    project = load_project()
    targets = resolve_targets(project, args.slugs, args.lang)
    statuses = collect_status(project, targets.slugs, targets.languages)
    below = {language: percent for language, percent in language_percent(statuses).items()
             if args.threshold is not None and percent < args.threshold}
    if args.json:
        console.file.write(json.dumps([s.as_dict() for s in statuses], indent=2,
                                      ensure_ascii=False) + "\n")
        return EXIT_FAILED if below else EXIT_OK
    if args.csv:
        write_status_csv(statuses, console.file)
        return EXIT_FAILED if below else EXIT_OK
    table = Table(title="Translation status (segments / words)")
    table.add_column("statement", no_wrap=True)
    table.add_column("lang")
    for state in STATES:
        table.add_column(state, justify="right")
    table.add_column("reviewed %", justify="right")
    for s in statuses:
        table.add_row(s.slug, s.language,
                      *(f"{s.segments[st]} / {s.words[st]}" for st in STATES),
                      f"{s.reviewed_percent:.0f} %")
    console.print(table)
    for s in statuses:
        if s.missing:
            console.print(f"missing: {s.path} ({s.language} is configured): run "
                          "`pamphlet update`")
    for language, percent in below.items():
        console.print(f"{language}: {percent:.1f} % reviewed, under the threshold of "
                      f"{args.threshold:g} %")
    return EXIT_FAILED if below else EXIT_OK


def write_status_csv(statuses, out: IO[str]) -> None:
    """`status --csv`: one row per catalog, segments and words per state (as pocount --csv)."""
    import csv

    from workflow.catalog.model import STATES

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["statement", "language", "catalog",
                     *(f"{state} segments" for state in STATES),
                     *(f"{state} words" for state in STATES), "reviewed %"])
    for s in statuses:
        writer.writerow([s.slug, s.language, s.path, *(s.segments[st] for st in STATES),
                         *(s.words[st] for st in STATES), f"{s.reviewed_percent:.1f}"])


def cmd_review_queue(args, console: Console) -> int:
    """Machine translations to review, lowest model confidence first, with their catalog
    lines. Example: pamphlet review-queue ima-migrants-day-2016 --lang ar"""
    from workflow.status import review_queue, source_editions

    project = load_project()
    targets = resolve_targets(project, args.slugs, args.lang)
    queue = review_queue(project, targets.slugs, targets.languages)
    if args.json:
        console.file.write(json.dumps([e.as_dict() for e in queue], indent=2,
                                      ensure_ascii=False) + "\n")
        return EXIT_OK
    for entry in queue:
        score = "n/a " if entry.confidence is None else f"{entry.confidence:.2f}"
        console.print(f"{entry.path}:{entry.line}: confidence {score} ({entry.engine}) "
                      f"{entry.msgid}", markup=False, highlight=False)
    for slug, language in source_editions(project, targets.slugs, targets.languages):
        console.print(f"{slug}: {language} is the statement's source language (no catalog,"
                      " nothing to review)", markup=False, highlight=False)
    console.print(f"{len(queue)} machine translation(s) to review" if queue
                  else "no machine translations to review")
    return EXIT_OK


def cmd_check(args, console: Console) -> int:
    """Quality checks on translated entries, and the spelling (zwnj) of each statement's own
    text; exit 1 if any error. Example: pamphlet check ima-migrants-day-2016 --lang fa"""
    from rich.text import Text

    from workflow.qa import CHECKS, ERROR, run_checks, summary

    if args.list:  # as pofilter --listfilters
        for item in CHECKS:
            also = f" (Weblate: {', '.join(item.weblate)})" if item.weblate else ""
            console.print(f"{item.name}: {item.severity}{also}", markup=False, highlight=False)
        return EXIT_OK
    project = load_project()
    targets = resolve_targets(project, args.slugs, args.lang)
    findings = run_checks(project, targets.slugs, targets.languages, only=flat(args.only),
                          skip=flat(args.skip))
    counts = summary(findings)
    if args.output:
        from workflow.qa.extract import write_failing_entries

        written = write_failing_entries(project, findings, Path(args.output))
        args.errors.print(f"{len(written)} catalog(s) of failing entries in {args.output}/"
                          " (merge them back with: pomerge --mergecomments=no -t"
                          f" {project.locale_dir} -i {args.output} -o {project.locale_dir})",
                          markup=False, highlight=False)
    if args.json:
        console.file.write(json.dumps([f.as_dict() for f in findings], indent=2,
                                      ensure_ascii=False) + "\n")
    else:
        for f in findings:
            console.print(Text.assemble(
                f"{f.path}:{f.line}: ", (f"[{f.check}]", "bold"), " ",
                (f.severity, "red" if f.severity == ERROR else "yellow"),
                f": {terminal_safe(f.message)}"))
        statements = (f" and {counts['statements']} source statement(s)"
                      if counts["statements"] else "")
        console.print(f"{counts['errors']} error(s), {counts['warnings']} warning(s)"
                      f" in {counts['catalogs']} catalog(s){statements}" if findings
                      else "no problems found in the translated entries")
    failed = counts["errors"] or (args.strict and counts["warnings"])
    return EXIT_FAILED if failed else EXIT_OK


def builder_names() -> list[str]:
    """The registered builders."""
    from workflow import builders

    return builders.names()


def cmd_build(args, console: Console) -> int:
    """Make the outputs [tool.pamphlet] outputs names (or --to) into build/; exit 1 if any
    could not be made (the others are). Example: pamphlet build --lang ar --layout single;
    for the print shop: pamphlet build --final --print"""
    from rich.progress import Progress

    from workflow.build import build
    from workflow.gate import FinalRefused

    project = load_project()
    targets = resolve_targets(project, args.slugs, args.lang)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("typesetting", total=None)

        def progress(output, failure, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"typesetting ({project.relative(output.path)})")

        try:
            report = build(project, targets.slugs, targets.languages, args.layout,
                           final=args.final,
                           page_size=args.page_size, progress=progress, force=args.force,
                           for_print=args.print, keep=args.keep, jobs=args.jobs, to=args.to,
                           skip_unready=args.skip_unready)
        except FinalRefused as refused:
            bar.stop()
            print_refusal(refused, args.errors)
            return refused.exit_code
    console.print(f"{written_counts(report)} written, {len(report.skipped)} up to date"
                  f" in {project.relative(project.build)}/")
    print_held_back(report, project, console)
    if args.print:  # a few bundles by name, many as a count: a summary either way
        bundles = (", ".join(f"{project.relative(b)}/" for b in report.bundles)
                   if len(report.bundles) <= 3 else
                   f"{len(report.bundles)} in {project.relative(project.build)}/print/")
        console.print(f"{len(report.booklets)} booklet(s) written; print bundle(s): {bundles}",
                      markup=False, highlight=False)
    if report.nothing_because:
        console.print(f"nothing to build: {report.nothing_because}", markup=False,
                      highlight=False)
    if report.dashboard_refused:
        console.print(f"dashboard not written: {report.dashboard_refused}", markup=False,
                      highlight=False)
    if report.failures:
        print_failures(report.failures, console)
        console.print(f"dashboard: {project.relative(project.build)}/index.html", markup=False)
        return EXIT_FAILED
    return EXIT_OK


def cmd_serve(args, console: Console) -> int:
    """Serve the web edition (build/site/) on 127.0.0.1 for preview, making it again as
    statements, catalogs or settings are saved, until Ctrl-C (the PDFs: `build` or `watch`).
    Example: pamphlet serve --port 8000"""
    from datetime import datetime

    from workflow.serve import serve

    def tell(event) -> None:
        console.print(f"[{datetime.now():%H:%M:%S}] {event.text}", markup=False,
                      highlight=False)
        console.file.flush()

    def stopped(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stopped)
    try:
        serve(find_root(Path.cwd()), args.port, args.final, args.keep, tell)
    except KeyboardInterrupt:
        console.print("stopped serving", markup=False)
    return EXIT_OK


def print_held_back(report, project, console: Console) -> None:
    """--keep / --skip-unready: a few lines, one per edition not printed (the first ten),
    however many PDFs each holds back; `-v` logs every PDF."""
    if not report.held_back:
        return
    removed = f"; {len(report.removed)} earlier file(s) of them removed" if report.removed else ""
    console.print(f"held back {len(report.held_back)} PDF(s) of {len(report.held_editions)}"
                  f" edition(s) not ready for print{removed}:", markup=False, highlight=False)
    for number, why in enumerate(report.held_editions.values()):
        if number == 10:
            console.print(f"  ... and {len(report.held_editions) - 10} more (pamphlet status)",
                          markup=False, highlight=False)
            break
        console.print(f"  {why}", markup=False, highlight=False)
    for path, why in report.held_back.items():
        logging.getLogger(__name__).info("held back %s: %s", project.relative(path), why)


def written_counts(report) -> str:
    """'5 PDF(s)', or '5 PDF(s), 4 Markdown file(s)': what a build wrote, by kind."""
    kinds = {".pdf": "PDF(s)", ".md": "Markdown file(s)", ".png": "share image(s)",
             ".html": "web page(s)"}
    counts: dict[str, int] = {"PDF(s)": 0}
    for path in report.written:
        kind = kinds.get(path.suffix, "other file(s)")
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind == "PDF(s)")


def print_failures(failures, console: Console) -> None:
    """What could not be built, by statement and reason: one line per thing to fix."""
    from workflow.build import group_failures

    pdfs = sum(1 for f in failures if f.path is not None)
    statements = sum(1 for f in failures if f.path is None)
    counted = ", ".join(filter(None, [f"{pdfs} PDF(s)" if pdfs else "",
                                      f"{statements} statement(s)" if statements else ""]))
    console.print(f"not built: {counted}", style="bold red", markup=False, highlight=False)
    previous = None
    for slug, reason, paths in group_failures(failures):
        if slug != previous:
            console.print(f"  {slug}", markup=False, highlight=False)
            previous = slug
        names = ", ".join(path.name for path in paths) or "every PDF (the statement)"
        console.print(f"    {names}: {reason}", markup=False, highlight=False)


def print_refusal(refused, console: Console) -> None:
    """--final refused: a table of the editions not ready, at most a screen of it."""
    from workflow.gate import REFUSAL_ROWS

    blockers = refused.blockers
    table = Table(title="--final refused: not ready for print", title_justify="left",
                  box=None, pad_edge=False)
    for column in ("statement", "lang", "reviewed", "problem", "first lines"):
        table.add_column(column, no_wrap=column != "first lines",
                         justify="right" if column == "reviewed" else "left")
    for blocker in blockers[:REFUSAL_ROWS]:
        table.add_row(blocker.slug, blocker.language, f"{blocker.reviewed}/{blocker.total}",
                      blocker.problem, _short_lines(blocker.lines) or blocker.catalog)
    console.print(table, markup=False, highlight=False)
    if len(blockers) > REFUSAL_ROWS:
        console.print(f"... and {len(blockers) - REFUSAL_ROWS} more edition(s) not ready.",
                      markup=False, highlight=False)
    console.print("`pamphlet status` shows what is left to review, `pamphlet review-queue`"
                  " each entry, `pamphlet check` the check errors;", markup=False,
                  highlight=False)
    console.print("`--keep PERCENT` prints partial editions; `--skip-unready` builds the"
                  " editions that are ready and holds back the others.", markup=False,
                  highlight=False)


def _short_lines(lines) -> str:
    """locale/fa/x.po:12, locale/fa/x.po:40 -> locale/fa/x.po:12, :40"""
    shown, previous = [], None
    for line in lines:
        path, _, rest = line.partition(":")
        shown.append(f":{rest}" if path == previous else line)
        previous = path
    return ", ".join(shown)


def cmd_watch(args, console: Console) -> int:
    """Rebuild the drafts ([tool.pamphlet] outputs) a saved statement, catalog, glossary or
    setting affects, one line per output, until Ctrl-C. Example: pamphlet watch
    ima-migrants-day-2016 --lang fa"""
    from datetime import datetime

    from workflow.watch import watch

    styles = {"rebuilt": "green", "failed": "red", "error": "red"}

    def tell(event) -> None:
        console.print(f"[{datetime.now():%H:%M:%S}] {event.text}", style=styles.get(event.kind),
                      markup=False, highlight=False)
        console.file.flush()  # a line as it happens, also into a pipe

    def stopped(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stopped)  # `kill`, a service manager: as Ctrl-C
    try:
        watch(find_root(Path.cwd()), args.slugs, args.lang, args.jobs, tell)
    except KeyboardInterrupt:
        console.print("stopped watching", markup=False)
    return EXIT_OK


def cmd_translate(args, console: Console) -> int:
    """Pretranslate untranslated entries: translation memory, then the engine of each pair
    ([tool.pamphlet.machine_translation]; Argos by default).
    Example: pamphlet translate ima-migrants-day-2016 --lang es"""
    from rich.progress import Progress

    from workflow.mt.stage import translate

    project = load_project()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("translating", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        targets = resolve_targets(project, args.slugs, args.lang)
        report = translate(project, targets.slugs, targets.languages, progress=progress)
    for route in report.routes:
        console.print(f"model: {route}")
    console.print(
        f"{report.machine} machine-translated ({report.flagged} flagged for review), "
        f"{report.memory_exact} exact and {report.memory_fuzzy} fuzzy from translation memory; "
        f"{len(report.written)} catalog(s) written, {len(report.unchanged)} unchanged")
    return EXIT_OK


def cmd_models(args, console: Console) -> int:
    """List or install Argos Translate models, offline; list also shows the engine of every
    pair routed in [tool.pamphlet.machine_translation].
    Example: pamphlet models install translate-en_es-1_9.argosmodel"""
    from workflow.models import install, installed_models, packages_dir

    if args.models_command == "install":
        model = install(Path(args.file))
        console.print(f"installed {model.label} ({model.from_code}->{model.to_code})"
                      f" in {model.path}")
        return EXIT_OK
    from workflow.mt.routing import configured_routes

    models = installed_models()
    routes = configured_routes(load_project(), models)
    if routes:
        table = Table(title="Routes in pyproject.toml (other pairs: argos)")
        for column in ("pair", "engine", "model", "line"):
            table.add_column(column)
        for row in routes:
            table.add_row(row.pair, row.engine, row.model, str(row.line or ""))
        console.print(table)
    if not models:
        console.print(f"no models installed in {packages_dir()}: "
                      "get one with `pamphlet models install FILE.argosmodel`")
        return EXIT_OK
    table = Table(title=f"Argos Translate models in {packages_dir()}")
    for column in ("pair", "package", "version", "directory"):
        table.add_column(column)
    for model in models:
        table.add_row(f"{model.from_code}->{model.to_code}", model.name, model.version,
                      model.path.name)
    console.print(table)
    return EXIT_OK


def cmd_languages(args, console: Console) -> int:
    """The languages with a profile, and which of them this project prints.
    Example: pamphlet languages"""
    from workflow import languages

    project = load_project()
    table = Table(title="Language profiles (workflow/languages/)")
    for column in ("code", "language", "native", "script", "direction", "text font",
                   "in this project"):
        table.add_column(column)
    for profile in languages.all_profiles():
        table.add_row(profile.code, profile.english_name, profile.native_name,
                      profile.script.name, profile.direction, profile.fonts.text[0],
                      "yes" if profile.code in project.languages else "")
    console.print(table)
    return EXIT_OK


def language_list(value: str) -> list[str]:
    """`-l es,fa`: a comma-separated list, as sphinx-intl and pybabel take it; locale codes
    as tools write them (es_ES, es-ES) name the language's profile."""
    from workflow.languages import normalize_code

    codes = [normalize_code(code) for code in value.split(",") if code.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(f"no language code in {value!r}")
    return codes


def language_code(value: str) -> str:
    """`-l es_ES` or `-l es-ES`: the language's profile (es)."""
    from workflow.languages import normalize_code

    return normalize_code(value)


def name_list(value: str) -> list[str]:
    """`--only numbers,urls` or `--only numbers urls`."""
    return [name.strip() for name in value.split(",") if name.strip()]


def flat(groups: list[list[str]] | None) -> list[str] | None:
    return None if groups is None else [name for group in groups for name in group]


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-l", "--lang", action="extend", type=language_list, metavar="LL",
                        help="only these languages (repeatable, or comma-separated: es,fa)")


def jobs_count(value: str) -> int:
    """--jobs N or auto (the cores this process may use)."""
    if value == "auto":
        from workflow.workers import usable_cores

        return usable_cores()
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes or 'auto', not {value!r}")
    return count


TARGETS_HELP = ("statements (all if none): a slug or its file, source/SLUG.md; a catalog,"
                " locale/LL/SLUG.po, also selects its language")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pamphlet", description="Statements in, multilingual print-ready pamphlets out.")
    parser.add_argument("--version", action="version", version=f"pamphlet {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, handler, help_text):
        sub = commands.add_parser(name, help=help_text, description=handler.__doc__)
        sub.set_defaults(handler=handler, command_parser=sub)
        return sub

    sub = command("import", cmd_import, "convert a raw text into a source statement")
    sub.add_argument("raw", help="plain text file as pasted from a web page, e-mail or PDF")
    sub.add_argument("-l", "--lang", required=True, type=language_code,
                     help="language of the text: any with a profile (pamphlet languages)")
    sub.add_argument("--slug", help="file name for source/SLUG.md (default: from the title)")
    sub.add_argument("--force", action="store_true", help="overwrite an existing statement")

    sub = command("update", cmd_update, "write templates and merge PO catalogs")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    sub.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 if any catalog's content is out of date")
    sub.add_argument("--dry-run", "-n", action="store_true",
                     help="write nothing; list the files that would be written (exit 0)")
    sub.add_argument("--no-fuzzy-matching", "-N", action="store_true",
                     help="as msgmerge -N: a changed sentence starts untranslated, with no"
                          " fuzzy suggestion from a similar one")
    sub.add_argument("--no-obsolete", action="store_true",
                     help="as msgattrib --no-obsolete: drop translations no longer used"
                          " (#~ entries) instead of keeping them")
    sub.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    add_lang(sub)

    sub = command("status", cmd_status, "translation progress per statement and language")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)
    sub.add_argument("--threshold", type=float, metavar="PERCENT",
                     help="exit 1 if a language has fewer than PERCENT %% of its segments "
                          "reviewed (over the statements shown)")
    sub.add_argument("--json", action="store_true", help="machine-readable output")
    sub.add_argument("--csv", action="store_true",
                     help="one CSV row per catalog: segments and words per state")

    sub = command("review-queue", cmd_review_queue,
                  "machine translations to review, lowest confidence first")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)
    sub.add_argument("--json", action="store_true", help="machine-readable output")

    sub = command("check", cmd_check, "quality checks on translations (exit 1 on errors)")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)
    sub.add_argument("--only", nargs="+", action="extend", type=name_list, metavar="CHECK",
                     help="run only these checks (names as in the report: numbers, tags ...;"
                          " after the SLUGs)")
    sub.add_argument("--skip", nargs="+", action="extend", type=name_list, metavar="CHECK",
                     help="run every check but these")
    sub.add_argument("--json", action="store_true", help="machine-readable output")
    sub.add_argument("--list", action="store_true", help="list the checks and exit")
    sub.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    sub.add_argument("-o", "--output", metavar="DIR",
                     help="write the failing entries to DIR/LL/SLUG.po, as pofilter does,"
                          " to fix there and merge back with pomerge")

    sub = command("build", cmd_build, "typeset PDF pamphlets")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)
    sub.add_argument("--layout", action="append", choices=["single", "parallel", "multilingual"],
                     help="only this layout (repeatable; default: all)")
    sub.add_argument("--page-size", choices=choices_of("page_size"),
                     help="override [tool.pamphlet] page_size")
    sub.add_argument("--final", action="store_true",
                     help="print edition: refuse unless every segment is reviewed")
    sub.add_argument("--keep", type=int, metavar="PERCENT",
                     help="with --final: partial editions; a language at least PERCENT %% "
                          "reviewed prints its other segments in the source language, one "
                          "under it is held back (like po4a's --keep)")
    sub.add_argument("--skip-unready", action="store_true",
                     help="with --final: hold back, with the reason, each statement's"
                          " language that is not ready for print and build the rest")
    sub.add_argument("--force", action="store_true", help="rebuild even up-to-date PDFs")
    sub.add_argument("--jobs", "-j", type=jobs_count, default="auto", metavar="N",
                     help="worker processes rendering PDFs (default: auto, one per usable"
                          " core); the PDFs are the same bytes whatever N")
    sub.add_argument("--print", action="store_true",
                     help="print files: bleed, PDF variant, booklets, preflight, and a bundle"
                          " in build/print/SLUG/ ([tool.pamphlet] print_variant, bleed_mm,"
                          " icc_profile, crop_marks)")
    sub.add_argument("--to", action="append", metavar="BUILDERS",
                     help="the outputs to make, comma-separated builder names (repeatable):"
                          f" {', '.join(builder_names())}; default: [tool.pamphlet] outputs"
                          f" ({', '.join(DEFAULT_OUTPUTS)} unless set)")

    sub = command("serve", cmd_serve, "preview the web edition on 127.0.0.1, rebuilt on save")
    sub.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000;"
                     " 0: any free one)")
    sub.add_argument("--final", action="store_true",
                     help="publish only reviewed editions, as `build --final` does")
    sub.add_argument("--keep", type=int, metavar="PERCENT",
                     help="with --final: publish editions at least this much reviewed")

    sub = command("watch", cmd_watch, "rebuild drafts as files are saved (Ctrl-C stops)")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)
    sub.add_argument("--jobs", "-j", type=jobs_count, default="auto", metavar="N",
                     help="worker processes rendering PDFs (default: auto, one per usable core)")

    sub = command("translate", cmd_translate, "machine-pretranslate untranslated entries")
    sub.add_argument("slugs", nargs="*", metavar="SLUG", help=TARGETS_HELP)
    add_lang(sub)

    command("languages", cmd_languages, "the languages with a profile")

    sub = command("models", cmd_models, "list or install Argos Translate models")
    models = sub.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    listing = models.add_parser("list", help="installed models", description=cmd_models.__doc__)
    listing.set_defaults(command_parser=listing)
    install = models.add_parser("install", help="install a .argosmodel file",
                                description=cmd_models.__doc__)
    install.set_defaults(command_parser=install)
    install.add_argument("file", metavar="FILE.argosmodel")
    return parser


def main(argv: list[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    console = Console(file=stdout, highlight=False, soft_wrap=True,
                      width=None if stdout.isatty() else 160)
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the command's usage and options, not the list of commands
        getattr(args, "command_parser", parser).error(
            f"unrecognized arguments: {' '.join(unknown)}")
    args.errors = Console(file=stderr, highlight=False, soft_wrap=True,
                          width=None if stderr.isatty() else 160)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(message)s", stream=stderr)
    if not args.verbose:  # WeasyPrint's font-subsetting notices are not the user's concern
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
    command = " ".join(filter(None, (args.command, getattr(args, "models_command", None))))
    try:
        if command in WARNS_OF_STRAY_CATALOGS:
            for warning in load_project().stray_locale_warnings():
                stderr.write(warning + "\n")
        if command not in WRITING_COMMANDS:
            return args.handler(args, console)
        invocation = " ".join(["pamphlet", *(sys.argv[1:] if argv is None else argv)])

        def waiting(holder: str) -> None:
            stderr.write(f"Waiting for the project lock, held by {holder}\n")

        with project_lock(find_root(Path.cwd()), invocation, on_wait=waiting):
            return args.handler(args, console)
    except OSError as error:  # the system refused a read or write: say which file, no trace
        refusal = SystemRefusal(error.strerror or str(error), error.filename)
        stderr.write(f"Error: {terminal_safe(str(refusal))}\n")
        return refusal.exit_code
    except PamphletError as error:
        for line in str(error).splitlines():  # several problems: one line each
            stderr.write(f"Error: {terminal_safe(line)}\n")
        return error.exit_code
    except KeyboardInterrupt:
        stderr.write("Interrupted: files already written are complete; rerun to finish.\n")
        return 130
