"""A damaged database in the window: refused when opening finds the damage, closed with the
reason when a pane meets it later (a paint, a search), the database shown before kept when
another fails to open; never a crash, and nothing left behind reading it again."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from explorer.gui.application import create_app
from explorer.gui.main_window import MainWindow
from explorer.gui.start_page import StartPage
from tests.damage import altered, garbled

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialogs(monkeypatch):
    """The database dialogs the window would show (their texts), answered with Close."""
    shown = []

    def exec_(box):
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def new_window(qtbot, settings) -> MainWindow:
    create_app()
    w = MainWindow(settings=settings, lang="en")
    qtbot.addWidget(w)
    w.resize(1200, 800)
    return w


def placeholder(w: MainWindow) -> str:
    central = w.centralWidget()
    return central.text() if isinstance(central, StartPage) else ""


def test_a_value_that_does_not_decode_refuses_the_database_and_leaves_no_work(qtbot, tmp_path, db_path, settings):
    bad = altered(db_path, tmp_path / "dates.sqlite", "UPDATE events SET date = 'garbage'")
    w = new_window(qtbot, settings)
    assert not w.open_database(bad, interactive=False)
    assert w.session is None and w.database_problem.kind == "damaged"
    assert "dates.sqlite" in placeholder(w) and "'garbage'" in placeholder(w)
    assert not w.actions["export"].isEnabled()
    # Panes built before the damage was met are gone with their timers: nothing reads the
    # file again (an exception from a timer would fail this test through pytest-qt).
    qtbot.wait(200)
    assert w.open_database(db_path, interactive=False) and w.database_problem is None


def test_a_database_that_fails_to_open_leaves_the_one_shown(qtbot, tmp_path, db_path, settings, dialogs):
    bad = altered(db_path, tmp_path / "renamed.sqlite", "ALTER TABLE zones RENAME COLUMN lat TO latitude")
    w = new_window(qtbot, settings)
    assert w.open_database(db_path, interactive=False)
    shown = w.session
    assert not w.open_database(bad, interactive=True)
    assert len(dialogs) == 1 and "renamed.sqlite" in dialogs[0]
    assert w.session is shown and w.centralWidget() is w.main_split  # Close kept it
    assert "zones.lat" in w.database_problem.reason
    assert not w.open_database(bad, interactive=False)
    assert w.session is shown and placeholder(w) == ""


def test_a_folder_given_as_the_database_is_said_to_be_one(qtbot, tmp_path, db_path, settings, dialogs):
    # It was called "not an SQLite database, or damaged": the user looked for damage.
    folder = tmp_path / "events.sqlite"
    folder.mkdir()
    w = new_window(qtbot, settings)
    assert w.open_database(db_path, interactive=False)
    assert not w.open_database(folder, interactive=True)
    assert len(dialogs) == 1 and "It is a folder, not a database file." in dialogs[0]
    assert "damaged" not in dialogs[0]
    assert w.database_problem.kind == "folder" and w.database_problem.path == str(folder)


@pytest.mark.parametrize("interactive", [False, True])
def test_damage_met_while_painting_closes_the_database_with_the_reason(qtbot, tmp_path, db_path, settings, dialogs,
                                                                      interactive):
    bad = tmp_path / "pages.sqlite"
    shutil.copy(db_path, bad)
    w = new_window(qtbot, settings)
    assert w.open_database(bad, interactive=interactive)
    garbled(db_path, bad, "events")  # the disk fails under the open file: met by what reads next
    w.show()
    qtbot.waitUntil(lambda: w.session is None)  # the table's rows are read as it paints
    assert w.database_problem.kind == "damaged"
    assert "pages.sqlite" in placeholder(w) and "malformed" in placeholder(w)
    assert dialogs == (["The event database cannot be opened:\n" + str(bad) + "\n\n"
                        "The file is damaged: some of it cannot be read."] if interactive else [])
    assert not w.actions["export"].isEnabled()
    w.close()  # saves its settings with no database shown


def test_damage_met_by_a_search_closes_the_database(qtbot, tmp_path, db_path, settings):
    bad = altered(db_path, tmp_path / "no-events.sqlite", "DELETE FROM events")
    w = new_window(qtbot, settings)
    assert w.open_database(bad, interactive=False)
    w.show()
    qtbot.waitExposed(w)
    w.filters.search_edit.setText("阳泉")  # debounced: the search runs from a timer, in the event loop
    qtbot.waitUntil(lambda: w.session is None)
    assert "no-events.sqlite" in placeholder(w) and w.database_problem.kind == "damaged"


@pytest.mark.parametrize("command", [("render", "-o", "{out}"), ("--self-test",)])
def test_render_and_self_test_name_a_damaged_database_and_exit_3(tmp_path, db_path, command):
    bad = altered(db_path, tmp_path / "dates.sqlite", "UPDATE events SET date = 'garbage'")
    out = tmp_path / "w.png"
    args = [a.replace("{out}", str(out)) for a in command]
    r = subprocess.run([sys.executable, "-m", "explorer", "--db", str(bad), *args], capture_output=True, text=True,
                       cwd=REPO, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=180)
    assert r.returncode == 3, r.stderr
    assert "dates.sqlite" in r.stderr and "'garbage'" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_a_failure_that_is_not_the_files_is_not_blamed_on_it(qtbot, db_path, settings, monkeypatch, capfd):
    """An error no check of the file found (here a pane that fails to build) is said as it
    is, with its traceback on the error stream; it used to read "cannot be read"."""
    w = new_window(qtbot, settings)
    assert w.open_database(db_path, interactive=False)
    shown = w.session

    def broken(*args, **kwargs):
        raise RuntimeError("the map pane failed")

    monkeypatch.setattr(MainWindow, "_build_panes", broken)
    assert not w.open_database(db_path, interactive=False)
    assert w.database_problem.reason == "could not be shown (RuntimeError: the map pane failed)"
    assert w.session is shown and placeholder(w) == ""
    assert "Traceback" in capfd.readouterr().err
