"""Filters as composable masks, search across scripts, zones with sub-zones, lanes, selection."""

from dataclasses import replace

import numpy as np
import pytest

from explorer.core.filter_state import Filters, FilterState
from explorer.core.selection import Selection
from explorer.core.session import Session
from explorer.core.store import masked_bincount, rows_in


def _titles(store, mask):
    return [r.title_zh + r.summary_zh for r in store.records(np.flatnonzero(mask))]


def test_traditional_and_simplified_find_each_other(store):
    simp = store.mask(Filters(text="阀门"))
    trad = store.mask(Filters(text="閥門"))
    assert simp.sum() >= 3
    assert np.array_equal(simp, trad)
    assert all("阀门" in t for t in _titles(store, simp))


@pytest.mark.parametrize("query", ["阀", "高新", "三化三制", "VALVE", "valve", "ＶＡＬＶＥ"])
def test_short_and_long_queries_match_substrings(store, query):
    m = store.mask(Filters(text=query))
    assert m.sum() > 0
    from explorer.core.text import normalise_for_search

    q = normalise_for_search(query)
    recs = store.records(np.flatnonzero(m))
    for r in recs:
        z = store.zones[r.zone]
        hay = normalise_for_search(" ".join([r.title_zh, r.title_en, r.summary_zh, r.summary_en, z.name_zh,
                                              z.name_en, *z.aliases, *z.former_names]))
        assert q in hay


@pytest.mark.parametrize("odd", ['"', "'", "%", "_", "*", "阀门\"OR\"", "NEAR(", "a" * 500, "😀", "\\", "   "])
def test_odd_search_text_is_harmless(store, odd):
    m = store.mask(Filters(text=odd))
    assert m.dtype == bool and len(m) == store.n
    if not odd.strip():
        assert m.all()


def test_former_zone_names_are_searchable_and_resolvable(store):
    assert store.resolve_zone("阳泉经济开发区") == "yangquan-hitech"
    assert store.resolve_zone("陽泉高新區") == "yangquan-hitech"
    assert store.resolve_zone("Yangquan High-tech Industrial Development Zone") == "yangquan-hitech"
    assert store.resolve_zone("nowhere") is None
    m = store.mask(Filters(text="阳泉经济技术开发区"))
    assert m.sum() > 0


def test_zone_filter_includes_sub_zones(store):
    hitech = store.mask(Filters(zones=frozenset({"yangquan-hitech"})))
    valve = store.mask(Filters(zones=frozenset({"yangquan-valve"})))
    assert valve.sum() > 0
    assert not (valve & ~hitech).any(), "the valve plant lies in the high-tech zone"
    city = store.mask(Filters(zones=frozenset({"yangquan"})))
    assert (hitech & ~city).sum() == 0 and city.sum() > hitech.sum()


def test_masks_compose_with_and(store):
    f = Filters(zones=frozenset({"yangquan-hitech"}), years=(2019, 2021), categories=frozenset({"reform"}))
    expect = (store.zone_mask(f.zones) & store.year_mask(f.years) & store.category_mask(f.categories))
    assert np.array_equal(store.mask(f), expect)
    for r in store.records(np.flatnonzero(expect)):
        end = r.date_end or r.date
        assert r.date.year <= 2021 and end.year >= 2019


def test_year_filter_keeps_ranges_that_overlap(store):
    m = store.mask(Filters(years=(2000, 2000)))
    ids = {r.id for r in store.records(np.flatnonzero(m))}
    assert any(store.record(store.row_of(i)).date_end is not None for i in ids), "1993–2023 spans 2000"


def test_lanes_by_mode(store):
    lanes, rows, lane_of = store.lanes("zone")
    assert len(rows) == store.n and len(lanes) == len(set(lane_of.tolist()))
    labels = [lane.label_zh for lane in lanes]
    assert "阳泉高新技术产业开发区" in labels
    clanes, crows, _ = store.lanes("category")
    assert len(crows) == store.n and {lane.key for lane in clanes} <= {f"category:{c.id}" for c in store.categories}
    slanes, srows, _ = store.lanes("storyline")
    assert "storyline:yangquan-valve" in {lane.key for lane in slanes}
    with pytest.raises(ValueError):
        store.lanes("colour")


def test_filter_state_emits_once_with_initiator():
    fs = FilterState()
    seen = []
    fs.changed.connect(lambda f, who: seen.append((f, who)))
    fs.update("me", zones={"a"}, years=(2021, 2019), text="x")
    assert len(seen) == 1 and seen[0][1] == "me" and seen[0][0].years == (2019, 2021)
    fs.update("me", zones={"a"})
    assert len(seen) == 1, "no-op changes do not emit"
    fs.clear("you")
    assert fs.filters.is_empty() and seen[-1][1] == "you"
    with pytest.raises(TypeError):
        fs.update(colour="red")


def test_filters_round_trip_through_plain_settings():
    f = Filters(frozenset({"a"}), (2019, 2021), frozenset({"reform"}), frozenset({"s"}), "阀门")
    assert Filters.from_dict(f.to_dict()) == f
    assert Filters.from_dict({"years": "bad", "zones": 3, "text": None}) == Filters()


@pytest.mark.parametrize("saved", [[1, 2], None, "x", 5, {"years": [True, False]}, {"years": [2000, 2001.5]}])
def test_filters_saved_as_something_else_are_no_filter(saved):
    assert Filters.from_dict(saved) == Filters()


def test_selection_toggle_and_active():
    s = Selection()
    events = []
    s.changed.connect(lambda sel, who: events.append(who))
    s.select_one(5, "t")
    s.toggle(7, "t")
    assert s.rows == {5, 7} and s.active == 7
    s.toggle(7, "t")
    assert s.rows == {5} and s.active == 5
    s.clear("t")
    assert s.rows == frozenset() and s.active is None and len(events) == 4


def test_session_refilters_once_and_steps_in_time(store):
    sess = Session(store)
    hits = []
    sess.filtered.connect(lambda s, who: hits.append(who))
    sess.state.update("test", zones={"yangquan-valve"})
    assert hits == ["test"] and len(sess.rows) == int(store.zone_mask({"yangquan-valve"}).sum())
    sess.step_active(+1)
    first = sess.selection.active
    assert first == sess.rows[0]
    sess.step_active(+1)
    assert sess.selection.active == sess.rows[1]
    sess.step_active(-1)
    assert sess.selection.active == first
    counts = store.zone_counts(sess.mask_without("zones"))
    assert counts.sum() == store.n


def test_session_masks_follow_every_change_of_each_field(store):
    """The session keeps one mask per field and recomputes only the changed ones: after
    any sequence of changes its masks equal the store's masks computed from scratch."""
    sess = Session(store)
    steps = [
        dict(zones={"yangquan-hitech"}),
        dict(years=(2017, 2021)),
        dict(text="改革"),
        dict(zones={"yangquan-valve"}),
        dict(categories={store.categories[0].id}),
        dict(text="阀门"),
        dict(years=None, categories=set()),
        dict(zones=set(), text=""),
    ]
    for change in steps:
        sess.state.update("test", **change)
        f = sess.filters
        assert np.array_equal(sess.mask, store.mask(f))
        assert list(sess.rows) == list(np.flatnonzero(store.mask(f)))
        for without in (("zones",), ("text",), ("years", "categories")):
            assert np.array_equal(sess.mask_without(*without), store.mask(f.without(*without)))
    assert sess.mask.all()


def test_lookup_table_masks_match_plain_membership(store):
    zones = {"yangquan-hitech", "pingding"}
    allowed = np.concatenate([store.zone_descendants(store.zone_index[z]) for z in zones])
    assert np.array_equal(store.zone_mask(zones), np.isin(store.zone, allowed))
    cats = {store.categories[1].id, store.categories[3].id, "no-such-category"}
    assert np.array_equal(store.category_mask(cats), np.isin(store.category, [1, 3]))
    assert not store.zone_mask({"no-such-zone"}).any()


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.int64])
@pytest.mark.parametrize("wanted", [[], [7], [7, 7], [0, 39], [3, 5, 11], list(range(0, 40, 2)), [44]])
def test_rows_in_is_membership_of_the_keys(dtype, wanted):
    # Compared one by one for a value or two, looked up in a table for more: the same answer.
    keys = np.random.default_rng(6).integers(0, 40, 5000).astype(dtype)
    got = rows_in(keys, wanted, 45)
    assert got.dtype == bool and np.array_equal(got, np.isin(keys, wanted))


def test_storyline_masks_match_plain_membership(store):
    for picked in ([0], [0, 2], [0, 1, 2, 3]):
        ids = [store.storylines[i].id for i in picked]
        want = np.zeros(store.n, bool)
        want[store.story_rows[np.isin(store.story_ids, picked)]] = True
        assert want.any() and np.array_equal(store.storyline_mask(ids + ["no-such-storyline"]), want)


def test_records_returns_every_row_even_beyond_the_cache(db_path):
    from explorer.core.database import open_database
    from explorer.core.store import EventStore

    small = EventStore(open_database(db_path), cache_size=10)
    rows = list(range(small.n))
    recs = small.records(rows)
    assert [r.row for r in recs] == rows


@pytest.mark.parametrize("runs", [False, True])
@pytest.mark.parametrize("share", [0.0, 0.001, 0.05, 0.3, 0.5, 0.7, 0.999, 1.0])
def test_masked_bincount_is_bincount_of_the_masked_keys(share, runs):
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 40, 5000).astype(np.int32)
    keys[keys == 7] = 8  # a key with no rows at all
    mask = np.arange(5000) < share * 5000 if runs else rng.random(5000) < share  # one run, or here and there
    want = np.bincount(keys[mask], minlength=45)
    for totals in (None, np.bincount(keys, minlength=45)):
        for rows in (None, np.flatnonzero(mask)):
            got = masked_bincount(keys, mask, 45, totals, rows)
            assert got.dtype == want.dtype and got.tolist() == want.tolist()


def test_session_zone_counts_ignore_the_zone_filter_and_follow_the_others(store):
    sess = Session(store)
    sess.state.update("t", zones={"yangquan-valve"}, years=(2017, 2025))
    own, incl = sess.zone_counts()
    base = store.mask(sess.filters.without("zones"))
    assert own.tolist() == np.bincount(store.zone[base], minlength=len(store.zones)).tolist()
    assert incl.tolist() == store.zone_counts_inclusive(base).tolist()
    sess.state.update("t", years=None)
    beyond = sum(int((store.zone == z.index).sum()) for z in store.zones if z.kind == "outside")
    assert beyond and sess.zone_counts()[1][0] == store.n - beyond  # the province holds every event in it


def test_session_categories_present_are_those_of_the_filtered_events(store):
    sess = Session(store)
    cats = [c.id for c in store.categories]
    states = [{}, {"years": (2017, 2025)}, {"categories": set(cats[:2])}, {"categories": {cats[1], "no-such"}},
              {"zones": {"yangquan-valve"}, "categories": set(cats[::2])}, {"text": "no such text anywhere"}]
    for state in states:
        sess.state.set(Filters(**state), "t")
        want = np.bincount(store.category[sess.rows], minlength=len(store.categories)) > 0
        assert sess.categories_present().tolist() == want.tolist(), state


def _columns(n: int) -> dict[str, np.ndarray]:
    from explorer.core.store import COLUMN_NAMES

    rng = np.random.default_rng(2)
    dtypes = ("<f8", "<f8", "<i4", "<i4", "<i4", "<i2", "|u1", "|i1", "|i1", "<i8", "<i4")
    return {k: rng.integers(0, 100, n).astype(dt) for k, dt in zip(COLUMN_NAMES, dtypes, strict=True)}


def test_packed_columns_are_used_in_place():
    from explorer.core.store import pack_columns, unpack_columns

    cols = _columns(1001)  # odd lengths: later arrays start after padding
    blob = pack_columns(cols)
    got = unpack_columns(blob)
    shared = np.frombuffer(blob, np.uint8)
    for k, a in cols.items():
        assert got[k].dtype == a.dtype and got[k].tolist() == a.tolist()
        assert got[k].flags.aligned and not got[k].flags.writeable
        assert np.shares_memory(got[k], shared), k  # a view of the blob, not a copy


def test_columns_packed_back_to_back_are_still_read():
    import json
    import struct

    from explorer.core.store import COLUMN_NAMES, unpack_columns

    cols = _columns(999)
    header = json.dumps([(k, cols[k].dtype.str, len(cols[k])) for k in COLUMN_NAMES]).encode()
    blob = struct.pack("<I", len(header)) + header + b"".join(cols[k].tobytes() for k in COLUMN_NAMES)
    got = unpack_columns(blob)
    assert all(got[k].tolist() == cols[k].tolist() for k in COLUMN_NAMES)


def test_a_damaged_column_blob_is_not_understood():
    from explorer.core.store import pack_columns, unpack_columns

    blob = pack_columns(_columns(500))
    assert unpack_columns(blob[: len(blob) // 2]) is None
    assert unpack_columns(b"\x00\x00") is None


def test_store_columns_are_read_only(store):
    with pytest.raises(ValueError):
        store.t_start[0] = 0.0


def test_a_record_gives_the_date_reasoning_in_the_interface_language(store, curated_dir):
    from explorer.core.curated import load_curated

    notes = {e.id: (e.inference, e.inference_zh) for e in load_curated(curated_dir).events}
    recs = store.records(range(store.n))
    assert {r.id: (r.inference, r.inference_zh) for r in recs} == notes  # built and read back as written
    rec = next(r for r in recs if r.inferred)
    assert rec.inference and rec.inference_zh and rec.inference != rec.inference_zh
    for lang in ("zh", "zh_CN"):
        assert (rec.inference_in(lang), rec.inference_language(lang)) == (rec.inference_zh, "zh")
    assert (rec.inference_in("en"), rec.inference_language("en")) == (rec.inference, "en")
    # With one note missing the other is given, in its own language.
    only_en, only_zh = replace(rec, inference_zh=""), replace(rec, inference="")
    assert (only_en.inference_in("zh"), only_en.inference_language("zh")) == (rec.inference, "en")
    assert (only_zh.inference_in("en"), only_zh.inference_language("en")) == (rec.inference_zh, "zh")
