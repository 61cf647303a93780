"""A database that opens but is damaged, or altered by hand, is reported as such, naming
the file and what is wrong, by every read that meets the damage: not as a lookup failing
deep in the store."""

import pytest

from explorer.core.database import DatabaseError, open_database
from explorer.core.store import EventStore
from tests.damage import altered, garbled


def test_a_missing_column_is_named_when_the_file_opens(tmp_path, db_path):
    bad = altered(db_path, tmp_path / "renamed.sqlite", "ALTER TABLE events RENAME COLUMN title_en TO title_english")
    before = bad.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_database(bad)
    assert info.value.kind == "wrong-shape"
    assert "events.title_en" in info.value.reason and "renamed.sqlite" in str(info.value)
    assert bad.read_bytes() == before


def test_damaged_pages_are_reported_when_read(tmp_path, db_path):
    bad = garbled(db_path, tmp_path / "pages.sqlite", "events")
    store = EventStore(open_database(bad))  # the columns come from their cache: it opens
    with pytest.raises(DatabaseError) as info:
        store.records([0, 1, 2])
    assert info.value.kind == "damaged" and "pages.sqlite" in str(info.value)
    assert "malformed" in info.value.reason and "rebuild" in info.value.reason
    with pytest.raises(DatabaseError):
        store.detail(0)


def test_damaged_vocabulary_pages_refuse_the_store(tmp_path, db_path):
    bad = garbled(db_path, tmp_path / "zones.sqlite", "zones")
    with pytest.raises(DatabaseError) as info:
        EventStore(open_database(bad))
    assert "zones.sqlite" in str(info.value)


@pytest.mark.parametrize(("statement", "words"), [
    ("UPDATE events SET date = 'garbage' WHERE seq = 0", "'garbage'"),
    ("UPDATE events SET zone_id = 'nowhere' WHERE seq = 0", "nowhere"),
])
def test_values_that_do_not_decode_are_damage(tmp_path, db_path, statement, words):
    bad = altered(db_path, tmp_path / "value.sqlite", statement)
    store = EventStore(open_database(bad))
    assert store.records([1])[0].row == 1  # the other rows still read
    with pytest.raises(DatabaseError) as info:
        store.records([0])
    assert info.value.kind == "damaged" and words in info.value.reason


def test_a_search_index_out_of_step_with_the_events_is_damage(tmp_path, db_path):
    bad = altered(db_path, tmp_path / "no-events.sqlite", "DELETE FROM events")
    store = EventStore(open_database(bad))
    assert store.n == 0
    with pytest.raises(DatabaseError) as info:
        store.text_mask("阳泉")
    assert info.value.kind == "damaged" and "no-events.sqlite" in str(info.value)


def test_events_whose_zones_are_gone_refuse_the_store(tmp_path, db_path):
    # The columns come from the build's cache, whose zone numbers then point at nothing.
    bad = altered(db_path, tmp_path / "no-zones.sqlite", "DELETE FROM zone_names", "DELETE FROM zones")
    with pytest.raises(DatabaseError) as info:
        EventStore(open_database(bad))
    assert info.value.kind == "damaged" and "a zone or a category that the database lacks" in info.value.reason


def test_an_export_meeting_an_event_without_its_zone_fails_as_damage(tmp_path, db_path):
    # Its rows joined to the zones, such an event would be left out while the count said all.
    from explorer.core.export import ExportSpec, write_csv

    bad = altered(db_path, tmp_path / "value.sqlite", "UPDATE events SET zone_id = 'nowhere' WHERE seq = 3")
    store = EventStore(open_database(bad))
    with pytest.raises(DatabaseError) as info:
        write_csv(store, ExportSpec(), tmp_path / "out.csv")
    assert info.value.kind == "damaged" and "1 of" in info.value.reason and "refer to a zone" in info.value.reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["value.sqlite"]
