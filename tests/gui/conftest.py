"""Qt test isolation: the application font a test changed (a language switch sets its order of
families app-wide) is put back, so later tests do not depend on which ran before them."""

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _application_font_kept():
    app = QApplication.instance()
    before = QFont(app.font()) if app is not None else None
    yield
    app = QApplication.instance()
    if app is not None and before is not None and app.font() != before:
        app.setFont(before)
