"""The command line: version, help, usage errors, database errors, build."""

import os
import re
import subprocess
import sys
from pathlib import Path

from explorer import __version__

REPO = Path(__file__).resolve().parents[2]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, cwd=REPO)


def test_version():
    r = _cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"zone-timeline {__version__}"


def test_help_lists_subcommands():
    r = _cli("--help")
    assert r.returncode == 0
    commands = re.findall(r"^ {4}(\w+) +\S", r.stdout, re.MULTILINE)  # the listed commands, each with its help
    assert commands == ["db", "export", "render"]
    for option in ("--db PATH", "--lang {zh_CN,en}", "--self-test", "--version"):
        assert option in r.stdout


def test_unknown_argument_is_usage_error():
    r = _cli("--frobnicate")
    assert r.returncode == 2 and "unrecognized arguments" in r.stderr


def test_bad_database_named_exit_3(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    r = _cli("--db", str(bad), "export", "--all", "-o", "-")
    assert r.returncode == 3
    assert "bad.sqlite" in r.stderr and "not an SQLite database" in r.stderr and "Traceback" not in r.stderr


def test_db_build_and_default_message(tmp_path):
    out = tmp_path / "e.sqlite"
    r = _cli("db", "build", "--out", str(out), "--no-corpus")
    assert r.returncode == 0, r.stderr
    assert out.exists() and "events" in r.stdout and "no passages" in r.stdout
    short = tmp_path / "s.sqlite"  # -o, as db synth and export take it
    r = _cli("db", "build", "-o", str(short), "--no-corpus")
    assert r.returncode == 0 and short.exists(), r.stderr


def test_db_build_failure_keeps_old_file(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    out = tmp_path / "e.sqlite"
    out.write_bytes(b"old")
    r = _cli("db", "build", "--source", str(src), "--out", str(out))
    assert r.returncode == 1 and "was not changed" in r.stderr
    assert out.read_bytes() == b"old"


def test_a_per_user_folder_that_cannot_be_read_leaves_the_bundled_database(monkeypatch, tmp_path):
    # Packaged, a rebuilt database in the per-user folder comes first; a folder the user
    # cannot read (mode 000: Python 3.11's exists() raises there) stopped even --version.
    from pathlib import Path

    from explorer.core import paths

    locked = tmp_path / "locked"
    monkeypatch.setattr(paths, "is_frozen", lambda: True)
    monkeypatch.setattr(paths, "user_data_dir", lambda: locked)
    monkeypatch.setattr(paths, "app_root", lambda: tmp_path / "app")
    real_exists = Path.exists

    def exists(self, *a, **k):
        if self.parent == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_exists(self, *a, **k)

    monkeypatch.setattr(Path, "exists", exists)
    assert paths.default_db() == tmp_path / "app" / "db" / paths.DB_FILENAME


def test_a_rebuild_from_another_versions_sources_does_not_hide_the_bundled_database(monkeypatch, tmp_path, db_path):
    # Packaged, a database rebuilt in the per-user folder came first whatever it was built
    # from: a newer version unpacked later showed the old version's data.
    import shutil
    import sqlite3

    from explorer.core import paths
    from explorer.core.database import recorded_digest

    app, home = tmp_path / "app", tmp_path / "home"
    (app / "db").mkdir(parents=True)
    home.mkdir()
    bundled, rebuilt = app / "db" / paths.DB_FILENAME, home / paths.DB_FILENAME
    shutil.copyfile(db_path, bundled)
    shutil.copyfile(db_path, rebuilt)
    monkeypatch.setattr(paths, "is_frozen", lambda: True)
    monkeypatch.setattr(paths, "user_data_dir", lambda: home)
    monkeypatch.setattr(paths, "app_root", lambda: app)
    assert recorded_digest(bundled) and paths.default_db() == rebuilt  # this version's sources
    with sqlite3.connect(rebuilt) as conn:
        conn.execute("UPDATE meta SET value = 'another version' WHERE key = 'source_digest'")
    conn.close()
    assert paths.default_db() == bundled
    bundled.write_bytes(b"damaged")  # this version's own database unusable: the rebuild, whatever it is
    assert recorded_digest(bundled) is None and paths.default_db() == rebuilt


def test_a_display_that_is_not_running_is_said_to_be(tmp_path):
    # A stale DISPLAY (a closed session, a stopped Xvfb): Qt aborted with its own message.
    free = next(n for n in range(4000, 4100) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DISPLAY"] = f":{free}"
    r = subprocess.run([sys.executable, "-m", "explorer", "--db", str(tmp_path / "none.sqlite")], env=env, cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert f"DISPLAY is :{free}, but no X server answers at /tmp/.X11-unix/X{free}" in r.stderr, r.stderr
    assert "xvfb-run" in r.stderr and "Traceback" not in r.stderr


def test_a_running_display_is_not_refused(monkeypatch):
    import socket

    from explorer.cli import display_problem

    for var in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    n = next(n for n in range(4000, 4100) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    monkeypatch.setenv("DISPLAY", f":{n}")
    assert "no X server answers" in display_problem()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:  # as an X server listens (abstract)
        server.bind(f"\0/tmp/.X11-unix/X{n}")
        server.listen(4)
        for display in (f":{n}", f":{n}.0", f"unix:{n}"):
            monkeypatch.setenv("DISPLAY", display)
            assert display_problem() is None, display
    monkeypatch.setenv("DISPLAY", "otherhost:0")  # not ours to check: Qt tries it
    assert display_problem() is None


def test_the_window_with_no_display_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "explorer", "--db", str(tmp_path / "none.sqlite")], env=env, cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr  # Qt aborted (SIGABRT), blaming a missing xcb library
    assert "no display to open the window on" in r.stderr and "xvfb-run" in r.stderr
    assert "Traceback" not in r.stderr
