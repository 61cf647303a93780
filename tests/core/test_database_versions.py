"""A file the app cannot read is named for what it is: a newer app's database is not told
to be rebuilt (rebuilding makes the bundled events elsewhere; it would never open), and an
empty file is said to be empty."""

import pytest

from explorer.core.database import DatabaseError, open_database
from explorer.core.schema import SCHEMA_VERSION
from tests.damage import altered


def _with_version(src, dst, version: int):
    return altered(src, dst, f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")


def test_a_newer_apps_database_asks_for_an_update(tmp_path, db_path):
    newer = _with_version(db_path, tmp_path / "newer.sqlite", SCHEMA_VERSION + 3)
    before = newer.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_database(newer)
    assert info.value.kind == "newer-version"
    assert f"schema version {SCHEMA_VERSION + 3}" in info.value.reason and "update the app" in info.value.reason
    assert "rebuild" not in info.value.reason
    assert newer.read_bytes() == before
    older = _with_version(db_path, tmp_path / "older.sqlite", SCHEMA_VERSION - 1)
    with pytest.raises(DatabaseError) as info:
        open_database(older)
    assert info.value.kind == "wrong-version" and "rebuild" in info.value.reason


def test_an_empty_file_is_said_to_be_empty(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(DatabaseError) as info:
        open_database(empty)
    assert info.value.kind == "empty" and info.value.reason == "the file is empty (0 bytes)"
    assert empty.read_bytes() == b""
