"""Where things are: bundled resources, curated sources, databases, per-user data.

One place resolves paths both from a checkout and inside the PyInstaller bundle
(``sys._MEIPASS``).  Environment variables let tests swap in temporary locations.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from explorer import APP_NAME, ORG_NAME

ENV_HOME = "ZONE_TIMELINE_HOME"  # per-user data folder override (tests)
ENV_DB = "ZONE_TIMELINE_DB"  # database override
ENV_CORPUS = "ZONE_TIMELINE_CORPUS"  # article folder override
DB_FILENAME = "events.sqlite"


def is_frozen() -> bool:
    """Running inside the packaged (PyInstaller) app."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def app_root() -> Path:
    """The checkout root, or the bundle's data root when frozen."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parents[2]


def resource(*parts: str) -> Path:
    """A bundled resource (``resources/…``), from a checkout or the bundle."""
    return app_root().joinpath("resources", *parts)


def curated_dir() -> Path:
    """The curated TOML sources (``db/``)."""
    return app_root() / "db"


def user_data_dir() -> Path:
    """Per-user writable folder; matches Qt's ``QStandardPaths.AppDataLocation``."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORG_NAME / APP_NAME


def bundled_db() -> Path:
    """The database shipped inside the package (read-only), or a checkout's build."""
    return app_root() / "db" / DB_FILENAME


def default_build_target() -> Path:
    """Where ``db build`` writes by default: the checkout's ``db/`` or, frozen, the user folder."""
    return user_data_dir() / DB_FILENAME if is_frozen() else bundled_db()


def default_db() -> Path:
    """The database the app opens when no ``--db`` is given.

    ``$ZONE_TIMELINE_DB``; else, when frozen, a database the user rebuilt in the per-user
    folder from the sources this version carries (the bundled one damaged, say), else the
    bundled one; else the checkout's ``db/events.sqlite``.  A rebuild from another
    version's sources (its recorded ``source_digest`` differs from the bundled
    database's) does not hide this version's data.
    """
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    if is_frozen():
        rebuilt, bundled = user_data_dir() / DB_FILENAME, bundled_db()
        try:
            if not rebuilt.exists():
                return bundled
        except OSError:  # a per-user folder that cannot be read: as if there were none
            return bundled
        from explorer.core.database import recorded_digest  # noqa: PLC0415 (keeps `--help` fast: no numpy)

        ours = recorded_digest(bundled)
        return rebuilt if ours is None or recorded_digest(rebuilt) == ours else bundled
    return bundled_db()


def default_corpus() -> Path | None:
    """The folder of article files, if present (``../shared/seeds`` beside a checkout)."""
    env = os.environ.get(ENV_CORPUS)
    if env:
        return Path(env) if Path(env).is_dir() else None
    cand = app_root().parent / "shared" / "seeds"
    return cand if cand.is_dir() else None
