"""Text search through character n-gram posting lists (table ``search_grams``).

At build time every distinct run of one, two and three characters of
``events.search_text`` (white space excluded) gets the list of rows holding it.  A query
word then becomes a boolean mask over rows, mostly without reading any event text:

* one, two or three characters: the word's own posting list is the exact answer;
* four or more: the rows holding every three-character run of the word are candidates.
  Two more lists per run tell in which rows its first two characters also occur without
  its third ("head alone") and its last two without its first ("tail alone"); from them
  most candidates are proven to hold the word (see :func:`_doubtful`).  Only the rest
  are checked: by reading their text when few, through the backend's full-text index
  (FTS5 trigram) when many.

So the answer is always exactly the rows whose search text contains the word, as
``instr(search_text, word) > 0`` says.

Querying takes a ``sqlite3`` connection and plain SQL (it runs when the user types, and
opening the app must not import SQLAlchemy); building the lists writes through an
SQLAlchemy connection, as the rest of a build does.

Posting list format (one blob, little-endian), after Roaring bitmaps: rows are split
into blocks of 65,536; for each block holding the gram the header gives the block number
and how many of its rows hold it, and the payload is either those rows' low 16 bits
(``uint16``, 2 bytes a row) or, when more than 4,096 rows hold it, a bitmap of the whole
block (8 KiB, bit ``i`` of byte ``j`` is row ``8j + i`` of the block)::

    uint32 k, then k × (uint32 block, uint32 count), then the k payloads in that order
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from explorer.core.arrays import run_starts
from explorer.core.database import in_lists

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

BLOCK_BITS = 16
BLOCK = 1 << BLOCK_BITS  # rows per block
DENSE = BLOCK // 16  # above this many rows in a block, a bitmap (8 KiB) is smaller than 2 bytes a row
MAX_GRAM = 3
CONFIRM_COST = 50  # reading one row's text costs about as much as FTS5 decoding this many postings
_SPACE = 32  # normalise_for_search leaves single spaces as the only white space
_NONE = 0x1FFFFF  # fills a gram key after its last character (above every code point)
_INSERT_BATCH = 1000


# ---------------------------------------------------------------------------- building
def _gram_text(key: int) -> str:
    """The gram of a key ``c1 << 42 | c2 << 21 | c3`` (``_NONE`` after the last character)."""
    codes = (key >> 42, (key >> 21) & _NONE, key & _NONE)
    return "".join(chr(c) for c in codes if c != _NONE)


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort ``keys`` in place; return the distinct keys and how often each occurs.

    (Sort and compare: ``np.unique`` is many times slower on these arrays.)
    """
    keys.sort()
    starts = run_starts(keys)
    counts = np.diff(np.r_[starts, len(keys)]).astype(np.int32)
    return keys[starts], counts


def _more_than(keys: np.ndarray, counts: np.ndarray, pairs: np.ndarray, pair_counts: np.ndarray) -> np.ndarray:
    """Whether each (pair, row) key occurs more often than ``counts`` says, given the
    sorted distinct ``pairs`` that occur more than once and their counts."""
    if not len(pairs):
        return np.zeros(len(keys), bool)
    at = np.minimum(np.searchsorted(pairs, keys), len(pairs) - 1)
    return (pairs[at] == keys) & (pair_counts[at] > counts)


def _block_grams(texts: Sequence[str]) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]]:
    """For one block of texts and each gram length: the distinct (gram, row) pairs sorted
    by gram then row, given as

    * where each gram's pairs start, and its key there (see :func:`_gram_text`);
    * the rows relative to the block (``uint16``);
    * for three characters, per pair, whether the gram's first two characters occur in
      the row other than before its third (bit 0, "head alone") and whether its last two
      occur other than after its first (bit 1, "tail alone"); else ``None``.
    """
    lens = np.fromiter(map(len, texts), np.int64, len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), "<u4")
    rows = np.repeat(np.arange(len(texts), dtype=np.uint32), lens)
    alphabet = np.flatnonzero(np.bincount(codes)).astype(np.uint64) if len(codes) else np.zeros(1, np.uint64)
    bits = max(1, (len(alphabet) - 1).bit_length())
    if MAX_GRAM * bits + BLOCK_BITS > 64:
        raise ValueError(f"{len(alphabet)} distinct characters in {len(texts)} texts: too many to index")
    rank = np.zeros(int(alphabet[-1]) + 1, np.uint32)
    rank[alphabet.astype(np.intp)] = np.arange(len(alphabet), dtype=np.uint32)
    ranks = rank[codes]
    b, shift, low_mask, char_mask = np.uint64(bits), np.uint64(BLOCK_BITS), np.uint64(BLOCK - 1), np.uint64((1 << bits) - 1)
    ok = codes != _SPACE  # ok[p]: the gram of length n starting at p lies in one row, without space
    pairs = pair_counts = None
    for n in range(1, MAX_GRAM + 1):
        if n > 1:
            ok = ok[:-1] & (codes[n - 1 :] != _SPACE) & (rows[n - 1 :] == rows[: len(rows) - n + 1])
        start = np.flatnonzero(ok)
        key = ranks[start].astype(np.uint64)
        for k in range(1, n):
            key <<= b
            key |= ranks[start + k]
        key <<= shift
        key |= rows[start]
        del start
        keys, counts = _runs(key)
        del key
        flags = None
        if n == 2:
            again = counts > 1
            pairs, pair_counts = keys[again], counts[again]
        elif n == 3:
            gram, low = keys >> shift, keys & low_mask
            flags = _more_than(((gram >> b) << shift) | low, counts, pairs, pair_counts).astype(np.uint8)
            tail = ((gram & np.uint64((1 << 2 * bits) - 1)) << shift) | low
            flags |= _more_than(tail, counts, pairs, pair_counts).astype(np.uint8) << 1
            del gram, low, tail
        grams = keys >> shift
        starts = run_starts(grams)
        first = grams[starts]
        out = np.zeros(len(first), np.uint64)
        for k in range(MAX_GRAM):
            char = alphabet[(first >> np.uint64(bits * (n - 1 - k))) & char_mask] if k < n else np.uint64(_NONE)
            out |= char << np.uint64(21 * (MAX_GRAM - 1 - k))
        yield starts, out.tolist(), (keys & low_mask).astype("<u2"), flags


def _container(low: np.ndarray) -> bytes:
    if len(low) <= DENSE:
        return low.tobytes()
    bits = np.zeros(BLOCK, bool)
    bits[low] = True
    return np.packbits(bits, bitorder="little").tobytes()


class _Postings:
    """Posting lists under construction: per gram key, the block headers and payloads."""

    def __init__(self) -> None:
        self.heads: dict[int, list[int]] = {}
        self.parts: dict[int, list[bytes]] = {}

    def add(self, block: int, starts: np.ndarray, grams: list[int], low: np.ndarray) -> None:
        """Add one block's pairs: ``low`` sorted by gram then row, ``grams[i]`` starting at
        ``starts[i]``."""
        if not len(starts):  # no gram of this length in the block
            return
        ends = np.r_[starts[1:], len(low)].tolist()
        for key, s, e in zip(grams, starts.tolist(), ends, strict=True):
            self.heads.setdefault(key, []).extend((block, e - s))
            self.parts.setdefault(key, []).append(_container(low[s:e]))

    def pop(self, key: int) -> bytes | None:
        head = self.heads.pop(key, None)
        if head is None:
            return None
        return np.array([len(head) // 2, *head], "<u4").tobytes() + b"".join(self.parts.pop(key))


def posting_blobs(blocks: Iterable[Sequence[str]]) -> Iterable[tuple[str, bytes, bytes | None, bytes | None]]:
    """Per gram of the texts, in order: the gram, the posting list of its rows and, for
    three characters, those of the rows where its head, or its tail, also occurs alone
    (``None`` when none).

    ``blocks`` gives the texts of rows ``0..n-1`` in blocks of ``BLOCK`` rows (the last
    may be shorter).
    """
    rows, head, tail = _Postings(), _Postings(), _Postings()
    for block, texts in enumerate(blocks):
        for starts, grams, low, flags in _block_grams(texts):
            rows.add(block, starts, grams, low)
            if flags is None:
                continue
            for bit, lists in ((1, head), (2, tail)):
                alone = np.flatnonzero(flags & bit)
                if not len(alone):
                    continue
                # Each gram's rows among them: where its run of pairs begins in ``alone``.
                at = np.searchsorted(alone, starts)
                keep = np.flatnonzero(np.diff(np.r_[at, len(alone)]) > 0)
                lists.add(block, at[keep], [grams[i] for i in keep.tolist()], low[alone])
    for key in sorted(rows.heads):
        yield _gram_text(key), rows.pop(key), head.pop(key), tail.pop(key)


def _blocks(conn: Connection) -> Iterable[list[str]]:
    from sqlalchemy import select  # noqa: PLC0415 (building only: not on the app's read path)

    from explorer.core.schema import EventRow  # noqa: PLC0415

    texts = select(EventRow.search_text).order_by(EventRow.seq).execution_options(stream_results=True)
    for chunk in conn.execute(texts).scalars().partitions(BLOCK):
        yield list(chunk)


def write_postings(conn: Connection) -> int:
    """Fill ``search_grams`` from ``events.search_text`` (rows in ``seq`` order) through an
    SQLAlchemy connection; return the number of grams."""
    from sqlalchemy import insert  # noqa: PLC0415 (building only: not on the app's read path)

    from explorer.core.schema import SearchGramRow  # noqa: PLC0415

    count = 0
    batch: list[dict] = []
    for gram, rows, head, tail in posting_blobs(_blocks(conn)):
        batch.append({"gram": gram, "rows": rows, "head_alone": head, "tail_alone": tail})
        if len(batch) == _INSERT_BATCH:
            conn.execute(insert(SearchGramRow), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(insert(SearchGramRow), batch)
    return count + len(batch)


# ---------------------------------------------------------------------------- querying
class _Lists(NamedTuple):
    """One row of ``search_grams``."""

    gram: str
    rows: bytes
    head_alone: bytes | None
    tail_alone: bytes | None


def _containers(blob: bytes | None) -> Iterable[tuple[int, np.ndarray]]:
    """Each block's first row and payload: a bitmap (``uint8``) or low bits (``uint16``)."""
    if not blob:
        return
    k = int.from_bytes(blob[:4], "little")
    pos = 4 + 8 * k
    for block, count in np.frombuffer(blob, "<u4", 2 * k, 4).reshape(k, 2).tolist():
        if count > DENSE:
            yield block << BLOCK_BITS, np.frombuffer(blob, np.uint8, BLOCK // 8, pos)
            pos += BLOCK // 8
        else:
            yield block << BLOCK_BITS, np.frombuffer(blob, "<u2", count, pos)
            pos += 2 * count


def _count(blob: bytes) -> int:
    """How many rows a posting list holds (from its header)."""
    k = int.from_bytes(blob[:4], "little")
    return int(np.frombuffer(blob, "<u4", 2 * k, 4)[1::2].sum())


def decode(blob: bytes | None, n: int) -> np.ndarray:
    """The boolean mask of length ``n`` of one posting list (all false for ``None``)."""
    m = np.zeros(n, bool)
    for base, payload in _containers(blob):
        if payload.dtype == np.uint8:
            size = min(BLOCK, n - base)
            m[base : base + size] = np.unpackbits(payload, count=size, bitorder="little").view(bool)
        else:
            m[payload.astype(np.intp) + base] = True
    return m


def decode_rows(blob: bytes | None) -> np.ndarray:
    """The sorted row numbers of one posting list (none for ``None``)."""
    out = []
    for base, payload in _containers(blob):
        if payload.dtype == np.uint8:
            out.append(np.flatnonzero(np.unpackbits(payload, bitorder="little")) + base)
        else:
            out.append(payload.astype(np.intp) + base)
    return np.concatenate(out) if out else np.zeros(0, np.intp)


def _doubtful(lists: dict, runs: list[str], n: int) -> np.ndarray:
    """Rows (a mask) where the word's runs may all occur without the word.

    Runs ``t0 t1 …`` overlap on the word's inner pairs ``p1 p2 …`` (``pi`` is the tail of
    ``t(i-1)`` and the head of ``ti``).  In a row where every ``pi`` occurs only before the
    next character of the word, an occurrence of ``t(i-1)`` extends to one of ``ti``; where
    every ``pi`` occurs only after the character before it, ``ti`` extends back.  So the word
    is surely in a row holding every run when, for some ``j``, the pairs up to ``j`` all
    extend back and those after ``j`` all extend forward.  Doubt remains where a pair that
    may not extend forward (``head_alone`` of ``ti``) comes at or after one that may not
    extend back (``tail_alone`` of ``t(i-1)``).
    """
    back = np.zeros(n, bool)  # some pair up to i may not extend back
    doubt = np.zeros(n, bool)
    for i in range(1, len(runs)):
        tail = lists[runs[i - 1]].tail_alone
        if tail:
            back |= decode(tail, n)
        head = lists[runs[i]].head_alone
        if head and back.any():
            doubt |= back & decode(head, n)
    return doubt


def word_mask(conn: sqlite3.Connection, word: str, n: int, backend=None) -> np.ndarray:  # noqa: ANN001
    """Rows ``0..n-1`` (as a boolean mask) whose search text contains ``word``.

    ``conn`` is a ``sqlite3`` connection to the database.
    ``word`` is already normalised (:func:`~explorer.core.text.normalise_for_search`).
    ``backend`` (a :class:`~explorer.core.database.Backend`), when given, checks many
    doubtful candidates through its full-text index.  A word with white space, or a
    database whose posting lists cannot be read, is answered by the full-text index or
    a scan.
    """
    if not word:
        return np.ones(n, bool)
    if any(c.isspace() for c in word):
        return _slow(conn, word, n, backend)
    size = min(len(word), MAX_GRAM)
    runs = [word[i : i + size] for i in range(len(word) - size + 1)]
    distinct = sorted(set(runs))
    try:
        lists = _lists(conn, distinct)
    except sqlite3.Error:
        return _slow(conn, word, n, backend)
    cand = np.zeros(n, bool)
    if any(r not in lists for r in distinct):
        return cand
    sizes = {r: _count(lists[r].rows) for r in distinct}
    for i, run in enumerate(sorted(distinct, key=sizes.__getitem__)):  # rarest first
        if i == 0:
            cand = decode(lists[run].rows, n)
        else:
            cand &= decode(lists[run].rows, n)
        if not cand.any():
            return cand
    if len(runs) == 1:
        return cand
    doubt = np.flatnonzero(_doubtful(lists, runs, n) & cand)
    if not len(doubt):
        return cand
    # Reading a row's text costs far more than a posting of the full-text index, which
    # decodes about as many postings as the word's rarest run has rows.
    if len(doubt) * CONFIRM_COST > min(sizes.values()):
        exact = _full_text(conn, word, n, backend)
        if exact is not None:
            return exact
    cand[doubt] = False
    return cand | _confirm(conn, word, doubt, n)


def word_rows(conn: sqlite3.Connection, word: str, n: int, backend=None) -> np.ndarray:  # noqa: ANN001
    """Like :func:`word_mask`, as sorted row numbers."""
    return np.flatnonzero(word_mask(conn, word, n, backend))


def _lists(conn: sqlite3.Connection, grams: list[str]) -> dict[str, _Lists]:
    """The ``search_grams`` rows of those of ``grams`` that occur, by gram."""
    out = {}
    for sql, part in in_lists("SELECT gram, rows, head_alone, tail_alone FROM search_grams WHERE gram IN ", grams):
        out.update((r[0], _Lists(*r)) for r in conn.execute(sql, part).fetchall())
    return out


def _confirm(conn: sqlite3.Connection, word: str, rows: np.ndarray | None, n: int) -> np.ndarray:
    """Mask of the ``rows`` (``None``: every row) whose search text contains ``word``
    (their text is read)."""
    contains = "SELECT seq FROM events WHERE instr(search_text, ?) > 0"
    if rows is None or len(rows) > n // 4:  # most rows: one scan beats looking each one up
        hits = conn.execute(contains, (word,)).fetchall()
    else:
        hits = []
        for sql, ids in in_lists(contains + " AND seq IN ", rows.tolist()):
            hits += conn.execute(sql, [word, *ids]).fetchall()
    m = np.zeros(n, bool)
    m[np.fromiter((h[0] for h in hits), np.int64, len(hits))] = True
    return m


def _full_text(conn: sqlite3.Connection, word: str, n: int, backend) -> np.ndarray | None:  # noqa: ANN001
    found = backend.match_rows(conn, word) if backend is not None else None
    if found is None:
        return None
    m = np.zeros(n, bool)
    m[found] = True
    return m


def _slow(conn: sqlite3.Connection, word: str, n: int, backend) -> np.ndarray:  # noqa: ANN001
    exact = _full_text(conn, word, n, backend)
    return exact if exact is not None else _confirm(conn, word, None, n)
