"""The ``zone-timeline`` command line.

Exit codes: 0 success; 1 the work failed (problems found, file not written, self-test
failed); 2 usage error (unknown option, unknown zone name, bad value); 3 the database is
missing, corrupt or of another schema version.
"""

from __future__ import annotations

import argparse
import os
import signal
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from explorer import APP_NAME, __version__, collector
from explorer.core import paths
from explorer.core.filter_state import Filters
from explorer.core.options import UsageError, filters_from_args

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_DB = 0, 1, 2, 3


def _text_path(text: str) -> str:
    """A path option's value: an empty one is a usage error, not the current folder."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path; give a file or folder name")
    return text


def _path(text: str) -> Path:
    return Path(_text_path(text))


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n}: must be 0 or more")
    return n


def _add_filter_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters")
    g.add_argument("--zone", action="append", default=[], metavar="ID_OR_NAME",
                   help="zone id, Chinese or English name, or former name; includes sub-zones (repeatable)")
    g.add_argument("--from", dest="year_from", type=int, metavar="YEAR", help="first year")
    g.add_argument("--to", dest="year_to", type=int, metavar="YEAR", help="last year")
    g.add_argument("--category", action="append", default=[], metavar="C", help="category id (repeatable)")
    g.add_argument("--storyline", action="append", default=[], metavar="S", help="storyline id (repeatable)")
    g.add_argument("--search", default="", metavar="TEXT", help="text in titles, summaries or zone names")
    g.add_argument("--lanes", choices=("zone", "category", "storyline"), default="zone",
                   help="group rows into timelines by zone (default), category or storyline")


def build_parser() -> argparse.ArgumentParser:
    def global_options(default):
        # Accepted before or after the command; a subcommand's copy must not reset
        # a value given before it, hence SUPPRESS there.
        g = argparse.ArgumentParser(add_help=False)
        g.add_argument("--db", metavar="PATH", default=default, type=_text_path,
                       help=f"event database to use (default: {paths.default_db()})")
        g.add_argument("--lang", choices=("zh_CN", "en"), default=default,
                       help="interface language (overrides the system locale and the saved choice)")
        return g

    p = argparse.ArgumentParser(
        prog="zone-timeline",
        description=f"{APP_NAME}: explore the development-zone event database. With no command, open the window.",
        parents=[global_options(None)],
    )
    common = global_options(argparse.SUPPRESS)
    p.add_argument("--version", action="version", version=f"zone-timeline {__version__}")
    p.add_argument("--self-test", action="store_true",
                   help="open the database, render every pane offscreen, filter, select, export; print a summary")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="build, check or synthesise event databases", parents=[common])
    dbs = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    b = dbs.add_parser("build", help="build the SQLite database from the curated files", parents=[common])
    b.add_argument("--source", type=_path, default=None, help="curated folder (default: the bundled db/)")
    b.add_argument("-o", "--out", type=_path, default=None, help=f"database to write (default: {paths.default_build_target()})")
    bc = b.add_mutually_exclusive_group()
    bc.add_argument("--corpus", type=_path, default=None,
                    help="folder of article files; stores cited passages (default: ../shared/seeds if present)")
    bc.add_argument("--no-corpus", action="store_true", help="do not store passages even if the corpus is present")
    c = dbs.add_parser("check", help="validate the curated files; report every problem", parents=[common])
    c.add_argument("--source", type=_path, default=None)
    c.add_argument("--corpus", type=_path, default=None, help="also check spans and coverage against the articles")
    cv = dbs.add_parser("coverage", help="list date mentions in the articles not cited by any event", parents=[common])
    cv.add_argument("--source", type=_path, default=None)
    cv.add_argument("--corpus", type=_path, default=None)
    s = dbs.add_parser("synth", help="write a synthetic database for benchmarks", parents=[common])
    s.add_argument("--events", type=_count, required=True, metavar="N")
    s.add_argument("-o", "--out", type=_path, required=True, metavar="PATH")
    s.add_argument("--seed", type=_count, default=1)

    e = sub.add_parser("export", help="export timelines to CSV", parents=[common])
    _add_filter_flags(e)
    e.add_argument("--encoding", choices=("utf-8-sig", "utf-8", "gb18030"), default="utf-8-sig",
                   help="utf-8-sig (default, with BOM for Excel), utf-8 or gb18030")
    e.add_argument("--all", action="store_true", help="ignore every filter and export all events")
    e.add_argument("-o", "--output", required=True, metavar="FILE", type=_text_path,
                   help="CSV file, or - for standard output")

    r = sub.add_parser("render", help="render the main window to a PNG", parents=[common])
    _add_filter_flags(r)
    r.add_argument("--select", metavar="EVENT_ID", help="event to select and show in the detail pane")
    r.add_argument("--size", default="1600x1000", metavar="WxH")
    r.add_argument("-o", "--output", required=True, metavar="FILE.png", type=_text_path)
    for command in (b, c, cv, s, e, r):
        # A usage error found after parsing is reported as argparse reports its own: the
        # command's usage, then "<prog> <command>: error: ...".
        command.set_defaults(usage_parser=command)
    return p


def open_store(db_path: str | None):
    from explorer.core.database import open_database  # noqa: PLC0415 (keeps `--help` fast)
    from explorer.core.store import EventStore  # noqa: PLC0415

    return EventStore(open_database(db_path or paths.default_db()))


def display_problem() -> str | None:
    """On Linux, why there is nothing to show a window on, or None: no X or Wayland display
    and no Qt platform chosen, or a local X display named by DISPLAY that is not running (a
    stale DISPLAY: Qt would abort with its own message, blaming the xcb plugin)."""
    if not sys.platform.startswith("linux") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set)"
    import re  # noqa: PLC0415 (only for a window on X)
    import socket  # noqa: PLC0415

    local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", display)
    if local is None:
        return None  # another host's display, or a socket path: Qt tries it
    path = f"/tmp/.X11-unix/X{local[1]}"
    for address in ("\0" + path, path):  # the abstract socket, then the file
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2.0)
            try:
                sock.connect(address)
            except OSError:
                continue
            return None
    return f"no display to open the window on (DISPLAY is {display}, but no X server answers at {path})"


def _err(msg: str) -> None:
    print(f"zone-timeline: {msg}", file=sys.stderr)


def _corpus_arg(args) -> Path | None:
    """The ``--corpus`` given, checked; else the default article folder, if present."""
    if args.corpus is None:
        return paths.default_corpus()
    try:
        is_folder = stat.S_ISDIR(os.stat(args.corpus).st_mode)
    except FileNotFoundError:
        raise UsageError(f"--corpus {args.corpus}: no such folder") from None
    except OSError as exc:
        raise UsageError(f"--corpus {args.corpus}: {exc.strerror or exc}") from None
    if not is_folder:
        raise UsageError(f"--corpus {args.corpus}: not a folder")
    return args.corpus


def cmd_db(args) -> int:
    from explorer.core.build import BuildError, build_database  # noqa: PLC0415
    from explorer.core.coverage import citation_problems, uncovered_mentions  # noqa: PLC0415
    from explorer.core.curated import load_curated  # noqa: PLC0415

    source = getattr(args, "source", None) or paths.curated_dir()
    if args.db_command == "build":
        corpus = None if args.no_corpus else _corpus_arg(args)
        out = args.out or (Path(args.db) if args.db else paths.default_build_target())
        # With no articles at hand, the app's own database still has their passages.
        keep = None if corpus or args.no_corpus else paths.bundled_db()
        try:
            cur = build_database(source, out, corpus, passages_from=keep)
        except BuildError as exc:
            for p in exc.problems:
                _err(str(p))
            _err(f"{len(exc.problems)} problem(s); {out} was not changed")
            return EXIT_FAIL
        except OSError as exc:
            _err(f"{out}: could not be written ({exc.strerror or exc}); any existing database is unchanged")
            return EXIT_FAIL
        if corpus:
            note = f"passages from {corpus}"
        elif cur.passages_from:
            note = f"passages carried over from {cur.passages_from} (no article folder)"
        elif args.no_corpus:
            note = "no passages (left out on request: --no-corpus)"
        else:
            note = "no passages (no article folder; pass --corpus DIR)"
        print(f"built {out}: {len(cur.events)} events, {len(cur.zones)} zones, {len(cur.articles)} articles; {note}")
        return EXIT_OK
    if args.db_command in ("check", "coverage"):
        corpus = _corpus_arg(args)
        cur = load_curated(source, corpus)
        problems = list(cur.problems)
        if corpus:
            problems += citation_problems(cur, corpus)
        if args.db_command == "check":
            for p in problems:
                print(p)
            print(f"{len(problems)} problem(s) in {source}: {len(cur.events)} events, {len(cur.zones)} zones"
                  + ("" if corpus else " (no article folder: spans checked against articles.toml only)"))
            return EXIT_FAIL if problems else EXIT_OK
        if not corpus:
            _err("no article folder found; pass --corpus DIR")
            return EXIT_USAGE
        unread = [p for p in cur.problems if p.field == "corpus"]  # articles missing or not text: not scanned
        for p in unread:
            _err(str(p))
        missing = uncovered_mentions(cur, corpus)
        for m in missing:
            print(f"uncovered: {m}")
        print(f"{len(missing)} uncovered date mention(s)"
              + (f"; {len(unread)} article(s) could not be read" if unread else ""))
        return EXIT_FAIL if missing or unread else EXIT_OK
    if args.db_command == "synth":
        from explorer.core.synth import synthesise  # noqa: PLC0415

        try:
            n = synthesise(args.events, args.out, seed=args.seed, source=source)
        except OSError as exc:
            _err(f"{args.out}: could not be written ({exc.strerror or exc}); nothing was written")
            return EXIT_FAIL
        print(f"wrote {args.out}: {n} synthetic events")
        return EXIT_OK
    return EXIT_USAGE


def cmd_export(args) -> int:
    from explorer.core.export import ExportError, ExportSpec, write_csv  # noqa: PLC0415

    if args.all:
        given = [flag for flag, value in (("--zone", args.zone), ("--from", args.year_from), ("--to", args.year_to),
                                          ("--category", args.category), ("--storyline", args.storyline),
                                          ("--search", args.search)) if value not in (None, [], "")]
        if given:
            raise UsageError(f"--all exports every event; it cannot be combined with {', '.join(given)}")
    store = open_store(args.db)
    filters = Filters() if args.all else filters_from_args(args, store)
    lang = "en" if args.lang == "en" else "zh"
    spec = ExportSpec(filters=filters, scope="filter", lane_mode=args.lanes, lang=lang)
    try:
        n = write_csv(store, spec, args.output, encoding=args.encoding)
    except ExportError as exc:
        if exc.path == "-":
            _drop_stdout()
            if isinstance(exc.__cause__, BrokenPipeError):
                return EXIT_FAIL  # the reader stopped reading (| head): nothing to say
        _err(str(exc))
        return EXIT_FAIL
    if args.output != "-":
        print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    return EXIT_OK


def _drop_stdout() -> None:
    """Point standard output at the null device after writing to it failed: what is still
    buffered would fail again, with a traceback, when Python flushes it at exit (the
    recipe of the ``signal`` module's documentation, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # no standard output at all: nothing to flush
        pass


@contextmanager
def ending_as_interrupted() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP (``kill``, ``timeout``, a closed terminal)
    end it as Ctrl+C does, through its clean-up, so that no half-written temporary file is
    left behind (Python's default is to die on the spot); exit status 128 + the signal."""
    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    before = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            before[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test and args.command is not None:
        parser.error(f"--self-test runs on its own, not with the {args.command} command")
    window = args.command is None and not args.self_test
    if window:
        return _main(parser, args, window)
    collector.resume()  # the entry point paused it for the window's start-up only
    with ending_as_interrupted():
        return _main(parser, args, window)


def _main(parser: argparse.ArgumentParser, args: argparse.Namespace, window: bool) -> int:
    from explorer.core.database import DatabaseError  # noqa: PLC0415

    try:
        if args.command == "db":
            return cmd_db(args)
        if args.command == "export":
            return cmd_export(args)
        problem = display_problem() if window else None
        if problem:
            _err(f"{problem}: start it in a desktop session or under xvfb-run; `render` and `--self-test` need none")
            return EXIT_FAIL
        preload = None
        if window:  # read the database in a thread while Qt loads (see explorer.gui.preload)
            from explorer.gui.preload import Preload  # noqa: PLC0415

            preload = Preload(Path(args.db) if args.db else paths.default_db())
        # The GUI is imported only when needed so the data commands never load Qt.
        from explorer.gui import app  # noqa: PLC0415

        if args.command == "render":
            return app.render_main(args)
        if args.self_test:
            return app.self_test_main(args)
        return app.run(args, preload)
    except UsageError as exc:
        used = getattr(args, "usage_parser", parser)
        used.print_usage(sys.stderr)
        print(f"{used.prog}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DatabaseError as exc:
        _err(f"cannot use database {exc.path}: {exc.reason}")
        if exc.kind == "missing" and not args.db:
            _err("build it with: zone-timeline db build")
        return EXIT_DB
    except BrokenPipeError:  # the reader stopped reading (`db check | head`): nothing to say
        _drop_stdout()
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
