"""Text search through n-gram posting lists answers exactly like a substring scan."""

import random
import shutil
import sqlite3
from contextlib import closing

import numpy as np
import pytest
from sqlalchemy import create_engine, insert

from explorer.core import search
from explorer.core.build import write_indexes
from explorer.core.database import DatabaseError, SQLiteBackend, connect, open_database, sqlite_url
from explorer.core.filter_state import Filters
from explorer.core.schema import SCHEMA_VERSION, Base, EventRow
from explorer.core.store import EventStore
from explorer.core.text import normalise_for_search

FIXED = [
    "阳泉市阀门公司签约标准厂房项目",
    "閥門公司於2019年投產，帶動相關產業發展",  # Traditional: found by 阀门
    "Event venue for the Valve contest, eve of the EVENT",
    "ＦＵＬＬ－ＷＩＤＴＨ ｅｖ ５０００",
    'quotes " and \' and % and _ and * and \\ and NEAR( and 阀门"OR"',
    "emoji 😀😀 and 😀x, 👍🏽 skin tone",
    "产业园区 产业园 企业园区 产业 园区",
    "aaaa aaa aa a",
    "",
    "   ",
]


def _random_texts(count: int, seed: int) -> list[str]:
    """Short texts over a tiny alphabet: full of repeated pairs and near misses."""
    rng = random.Random(seed)
    return ["".join(rng.choice("abcab c阀门") for _ in range(rng.randint(0, 30))) for _ in range(count)]


def _make_db(path, texts: list[str]):
    """A database of just these event texts, with its postings and FTS5 index; returns a
    read-only ``sqlite3`` connection to it (closing it is the caller's)."""
    engine = create_engine(sqlite_url(path, read_only=False))
    Base.metadata.create_all(engine)
    rows = [
        {"id": f"e{i}", "seq": i, "date": "2020", "date_precision": "year", "date_end": None,
         "date_end_precision": None, "year": 2020, "year_end": 2020, "t_start": 2020.0, "t_end": 2021.0,
         "inferred": False, "inference": "", "inference_zh": "", "status": "occurred", "zone_id": "z",
         "category_id": "c", "importance": 1, "title_zh": t, "title_en": "", "summary_zh": "", "summary_en": "",
         "conflict_id": None,
         "search_text": normalise_for_search(t)}
        for i, t in enumerate(texts)
    ]
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(EventRow), rows)
        write_indexes(conn)
    engine.dispose()
    return closing(connect(path, SQLiteBackend()))


def _scan(texts: list[str], word: str) -> np.ndarray:
    return np.array([word in normalise_for_search(t) for t in texts], bool)


def _words(texts: list[str], rng: random.Random, per_size: int = 50) -> list[str]:
    """Substrings (without white space) of 1 to 7 characters of the texts, ``per_size`` of
    each length at most, and as many random words that may occur nowhere."""
    words = set()
    for size in range(1, 8):
        found = set()
        for t in texts:
            t = normalise_for_search(t)
            found.update(t[i : i + size] for i in range(len(t) - size + 1))
        found = sorted(w for w in found if not any(c.isspace() for c in w))
        words.update(rng.sample(found, min(per_size, len(found))))
        words.update("".join(rng.choice("abc阀门") for _ in range(size)) for _ in range(per_size))
    return sorted(words)


def _counted(f, calls: list):
    def wrapper(*args):
        calls.append(f.__name__)
        return f(*args)

    return wrapper


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 16 rows, bitmaps above 2 rows: every container kind in a small database."""
    monkeypatch.setattr(search, "BLOCK_BITS", 4)
    monkeypatch.setattr(search, "BLOCK", 16)
    monkeypatch.setattr(search, "DENSE", 2)


@pytest.mark.parametrize("blocks", ["default", "small"])
@pytest.mark.parametrize("check", ["read text", "full-text index", "no backend"])
def test_postings_answer_like_a_substring_scan(tmp_path, request, monkeypatch, blocks, check):
    if blocks == "small":
        request.getfixturevalue("small_blocks")
    texts = FIXED + _random_texts(150, seed=7)
    db = _make_db(tmp_path / "t.sqlite", texts)
    # Force each way of settling doubtful candidates.
    monkeypatch.setattr(search, "CONFIRM_COST", 10**9 if check == "full-text index" else 0)
    backend = None if check == "no backend" else SQLiteBackend()
    settled = []  # how doubtful candidates were settled
    for name in ("_confirm", "_full_text"):
        monkeypatch.setattr(search, name, _counted(getattr(search, name), settled))
    n = len(texts)
    with db as conn:
        for word in _words(texts, random.Random(3)):
            got = search.word_mask(conn, word, n, backend)
            assert got.dtype == bool and len(got) == n
            assert np.array_equal(got, _scan(texts, word)), word
            assert np.array_equal(search.word_rows(conn, word, n, backend), np.flatnonzero(got))
    assert settled.count("_full_text" if check == "full-text index" else "_confirm") > 10


def test_lengths_scripts_and_width_fold(tmp_path):
    texts = FIXED
    with _make_db(tmp_path / "t.sqlite", texts) as conn:
        def find(q):
            return {i for i in np.flatnonzero(search.word_mask(conn, normalise_for_search(q), len(texts), SQLiteBackend()))}

        assert find("阀") == find("閥") == {0, 1, 4}
        assert find("閥門") == find("阀门") == {0, 1, 4}
        assert find("閥門公司") == {0, 1}
        assert find("ev") == {2, 3}  # "event", "venue", "eve", full-width "ｅｖ"
        assert find("EVE") == {2}
        assert find("５０００") == find("5000") == {3}
        assert find("😀") == {5} and find("😀x") == {5} and find("x😀") == set()
        assert find("产业园区") == {6} and find("企业园") == {6} and find("业园区") == {6}
        assert find("aaaa") == {7} and find("aaaaa") == set()
        assert find('"') == {4} and find("%") == {4} and find("_") == {4} and find("\\") == {4}
        assert find("q") == {4} and find("xq") == set()


def test_white_space_in_a_word_is_still_a_substring_match(tmp_path):
    texts = FIXED
    with _make_db(tmp_path / "t.sqlite", texts) as conn:
        for word in ["a a", "aa a", " ", "园区 产业"]:
            for backend in (None, SQLiteBackend()):
                assert np.array_equal(search.word_mask(conn, word, len(texts), backend), _scan(texts, word)), word


def test_empty_database(tmp_path):
    with _make_db(tmp_path / "t.sqlite", []) as conn:
        assert conn.execute("SELECT count(*) FROM search_grams").fetchone() == (0,)
        assert search.word_mask(conn, "阀门公司", 0, SQLiteBackend()).shape == (0,)


def test_a_block_with_no_gram_of_some_length_is_indexed(tmp_path, small_blocks):
    # The last block's texts have no three characters together (nor two, nor any at all).
    for last in (["ab cd", "x"], ["x"], [""]):
        texts = ["abcd"] * 16 + last
        with _make_db(tmp_path / f"t{len(last)}{len(last[0])}.sqlite", texts) as conn:
            for word in ("ab", "bcd", "x", "d"):
                assert np.array_equal(search.word_mask(conn, word, len(texts), SQLiteBackend()),
                                      _scan(texts, word)), (last, word)


def test_posting_lists_cover_each_gram_once(tmp_path, small_blocks):
    texts = ["abcab", "", "ab ab", *(["abc"] * 40)]
    blobs = {g: lists for g, *lists in search.posting_blobs([texts[i : i + 16] for i in range(0, len(texts), 16)])}
    assert " " not in "".join(blobs) and "ab" in blobs and "b a" not in blobs
    rows, head, tail = blobs["abc"]
    assert list(search.decode_rows(rows)) == [0, *range(3, len(texts))]
    assert list(search.decode_rows(head)) == [0]  # "ab" also before "a" in row 0
    assert tail is None  # "bc" is always after "a"
    assert list(search.decode_rows(blobs["b"][0])) == [0, 2, *range(3, len(texts))]


def test_store_text_mask_with_postings(db_path):
    """The store's text filter through the posting lists, checked against a scan of every
    record (multi-word queries AND)."""
    store = EventStore(open_database(db_path))
    recs = store.records(np.arange(store.n))

    def hay(r):
        z = store.zones[r.zone]
        return normalise_for_search(" ".join([r.title_zh, r.title_en, r.summary_zh, r.summary_en, z.name_zh,
                                              z.name_en, *z.aliases, *z.former_names]))

    texts = [hay(r) for r in recs]
    for query in ["阀", "高新", "閥門", "三化三制", "VALVE", "ｖａｌｖｅ", "阳泉 高新", "阀门 2019", "ev", '"', "%", "😀",
                  "a" * 500, "陽泉經濟開發區"]:
        words = normalise_for_search(query).split()
        expect = np.array([all(w in t for w in words) for t in texts], bool)
        assert np.array_equal(store.mask(Filters(text=query)), expect), query
    assert store.mask(Filters(text="閥門")).sum() >= 3


def test_database_of_the_previous_version_asks_for_a_rebuild(tmp_path, db_path):
    old = tmp_path / "old.sqlite"
    shutil.copy(db_path, old)
    con = sqlite3.connect(old)
    con.execute("DROP TABLE search_grams")
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION - 1),))
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as info:
        open_database(old)
    assert info.value.kind == "wrong-version" and "rebuild" in info.value.reason
    con = sqlite3.connect(old)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as info:
        open_database(old)
    assert info.value.kind == "wrong-shape" and "search_grams" in info.value.reason
