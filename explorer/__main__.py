"""The app's entry point: ``python -m explorer``, the installed ``zone-timeline`` commands
and the packaged app."""

import sys

from explorer import collector
from explorer.core import sqlite_setup


def main() -> int:
    collector.pause()  # until the window has shown, or the arguments say it will not (see explorer.collector)
    sqlite_setup.no_memory_statistics()  # before SQLite starts (see explorer.core.sqlite_setup)
    from explorer.cli import main as cli_main  # noqa: PLC0415 (imported with the collector paused)

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
