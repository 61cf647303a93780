"""Test set-up: headless Qt, temporary settings and user data, a freshly built database.

No test touches a real profile: QSettings and the per-user folder point at a temporary
directory for the whole session.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Must be set before any Qt import: without a display pytest would abort with no summary.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP_HOME = tempfile.mkdtemp(prefix="zone-timeline-test-home-")
os.environ["ZONE_TIMELINE_HOME"] = str(Path(_TMP_HOME) / "data")
os.environ["XDG_CONFIG_HOME"] = str(Path(_TMP_HOME) / "config")
os.environ["XDG_DATA_HOME"] = str(Path(_TMP_HOME) / "share")
os.environ.pop("ZONE_TIMELINE_DB", None)

import pytest  # noqa: E402

from explorer.core import paths  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def seeds_available() -> bool:
    return SEEDS.is_dir() and any(SEEDS.glob("0*.txt"))


needs_seeds = pytest.mark.skipif(
    not seeds_available(), reason=f"the source articles are not present at {SEEDS} (../shared/seeds beside the checkout)"
)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not seeds_available():
        pytest.skip(f"the source articles are not present at {SEEDS} (../shared/seeds beside the checkout)")
    return SEEDS


@pytest.fixture(scope="session")
def curated_dir() -> Path:
    return paths.curated_dir()


@pytest.fixture(scope="session")
def db_path(tmp_path_factory, curated_dir) -> Path:
    """The real curated data, built once per test session (with passages when the articles exist)."""
    from explorer.core.build import build_database

    out = tmp_path_factory.mktemp("db") / "events.sqlite"
    build_database(curated_dir, out, SEEDS if seeds_available() else None)
    return out


@pytest.fixture(scope="session")
def store(db_path):
    from explorer.core.database import open_database
    from explorer.core.store import EventStore

    return EventStore(open_database(db_path))


@pytest.fixture
def session(store):
    """A fresh session (filters, selection) over the shared read-only store."""
    from explorer.core.session import Session

    return Session(store, lang="zh")


@pytest.fixture(scope="session")
def qapp_args():
    return ["zone-timeline-tests"]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Per-test user folder, so tests never share or leak settings."""
    monkeypatch.setenv("ZONE_TIMELINE_HOME", str(tmp_path / "user"))
    yield


@pytest.fixture
def corpus_not_utf8(seeds_dir, tmp_path) -> tuple[Path, Path]:
    """A copy of the articles whose 002 file ends in two bytes that are not UTF-8: the
    folder and that file."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in seeds_dir.glob("0*.txt"):
        (corpus / p.name).write_bytes(p.read_bytes())
    bad = next(corpus.glob("002_*.txt"))
    bad.write_bytes(bad.read_bytes() + b"\xff\xfe")
    return corpus, bad
