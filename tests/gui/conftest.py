"""Qt test isolation: every test starts in the English interface as the app shows it (its
plural forms translated) and with the application font it found, so a test that switches
the language app-wide (translators, font order) leaves nothing to the tests after it."""

from pathlib import Path

import pytest
from PySide6.QtGui import QFont

from explorer.gui.application import apply_language
from tests.gui import built_qm


@pytest.fixture(scope="session")
def synth_store(tmp_path_factory):
    """A synthetic database of 3,000 events: more zones, events in places beyond the map,
    storylines of hundreds."""
    from explorer.core.database import open_database
    from explorer.core.store import EventStore
    from explorer.core.synth import synthesise

    path = tmp_path_factory.mktemp("synth") / "synth.sqlite"
    synthesise(3000, path, seed=3)
    return EventStore(open_database(path))


@pytest.fixture(scope="session")
def en_qm() -> Path:
    return built_qm("en")


def _english(qapp, font: QFont) -> None:
    apply_language(qapp, "en")  # its translators, and the language create_app keeps
    if qapp.font() != font:
        qapp.setFont(font)


@pytest.fixture(autouse=True)
def _english_interface(qapp, en_qm):
    font = QFont(qapp.font())
    _english(qapp, font)
    yield
    _english(qapp, font)
