"""Text normalisation for Chinese sources: pinyin glosses, script folding, page debris.

Article 000 carries pinyin glosses inside words (``經(jīng)濟(jì)``); article 001 has
picture captions between the halves of a broken sentence.  Search folds Traditional to
Simplified with OpenCC, so ``閥門`` finds ``阀门`` and the reverse.  A cited picture caption
is a passage of its own.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

_TONE_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ"
# A gloss is a parenthesised run of pinyin letters right after a Han character.
_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])\([{_TONE_LETTERS}]+\)")
_SENTENCE_END = tuple("。！？!?”」』：:；;）)…")
_CLAUSE_END = tuple("，,、")  # a sentence goes on after these (；; end one: _SENTENCE_END)
_TAG_DEBRIS = re.compile(r"</?p>$|/p>$")
_CAPTION = re.compile(r"资料图片|資料圖片|摄$|攝$")


@dataclass(frozen=True)
class Mapped:
    """Text derived from a source string, with each character's offset in the source."""

    text: str
    offsets: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` back to the source string."""
        if start >= len(self.offsets):
            return (self.offsets[-1] + 1, self.offsets[-1] + 1) if self.offsets else (0, 0)
        s = self.offsets[start]
        e = self.offsets[end - 1] + 1 if end > start else s
        return s, e

    def find_span(self, src_start: int, src_end: int) -> tuple[int, int]:
        """Map a half-open source span into ``text`` (characters removed are skipped)."""
        a = bisect.bisect_left(self.offsets, src_start)
        b = bisect.bisect_left(self.offsets, src_end)
        return a, b


def strip_glosses(text: str) -> str:
    """Remove inline pinyin glosses: ``經(jīng)濟(jì)`` → ``經濟``."""
    return _GLOSS.sub("", text)


def strip_glosses_mapped(text: str, base: int = 0) -> Mapped:
    """Like :func:`strip_glosses`, keeping each kept character's offset (plus ``base``)."""
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _GLOSS.finditer(text):
        out.append(text[pos : m.start()])
        offs.extend(range(base + pos, base + m.start()))
        pos = m.end()
    out.append(text[pos:])
    offs.extend(range(base + pos, base + len(text)))
    return Mapped("".join(out), tuple(offs))


@lru_cache(maxsize=1)
def _folds() -> tuple[opencc.OpenCC, ...]:
    # Taiwan's forms, then Hong Kong's: each table holds the standard ``t2s`` one too.
    return opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s")


def to_simplified(text: str) -> str:
    """Fold Traditional characters to Simplified, Taiwan's and Hong Kong's forms
    included (OpenCC ``tw2s`` then ``hk2s``): ``接著`` reads ``接着``, as ``著名`` stays
    ``著名``, and ``枱面`` reads ``台面``; plain ``t2s`` keeps both ``著`` and ``枱``."""
    if not text:
        return text
    for fold in _folds():
        text = fold.convert(text)
    return text


def normalise_for_search(text: str) -> str:
    """The form both the haystack and the query take before matching.

    Glosses stripped, Traditional folded to Simplified, NFKC (full-width → ASCII),
    case folded and white space collapsed.
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", strip_glosses(text))
    t = to_simplified(t).casefold()
    return " ".join(t.split())


def is_caption(line: str) -> bool:
    """A picture caption or credit line left between the halves of a broken sentence."""
    s = line.strip()
    return bool(s) and bool(_CAPTION.search(s)) and len(s) <= 40


def _is_broken(lines: list[str], i: int, continued: frozenset[int] = frozenset()) -> bool:
    """Line ``i`` stops mid-sentence: the page or column broke inside it.

    It ends on a comma or a list's mark (，、); or it is long and lacks closing
    punctuation; or it lacks closing punctuation and picture captions follow it (a
    headline never has captions right after it); or its 1-based number is in
    ``continued``, the lines the article's record says go on (short, with no sign of it:
    "平坦建筑陶瓷厂、王坨耐火厂、平" reads like a headline).  A web page's leftover paragraph
    tag after the punctuation (``?!/p>``) does not hide a sentence's end.
    """
    s = _TAG_DEBRIS.sub("", lines[i].rstrip())
    if not s or s.endswith(_SENTENCE_END):
        return False
    if s.endswith(_CLAUSE_END) or len(s) >= 30 or i + 1 in continued:
        return True
    for nxt in lines[i + 1 :]:
        if nxt.strip():
            return is_caption(nxt)
    return False


def paragraph_around(text: str, line_no: int,
                     continued: frozenset[int] = frozenset()) -> tuple[int, int, list[tuple[int, int]]]:
    """The logical paragraph containing 1-based line ``line_no``, repaired.

    Returns ``(first_line, last_line, pieces)`` where ``pieces`` are the source spans
    ``(start, end)`` that make up the paragraph once caption debris and line breaks
    inside sentences are removed.  ``continued``: see :func:`_is_broken`.
    """
    lines = text.split("\n")
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)

    def content(i: int) -> bool:
        return bool(lines[i].strip()) and not is_caption(lines[i])

    idx = line_no - 1
    if is_caption(lines[idx]):  # a cited caption is a passage of its own
        return line_no, line_no, [(starts[idx], starts[idx] + len(lines[idx]))]
    first = idx
    # Walk back over blanks and captions while the previous content line is broken.
    j = idx - 1
    while j >= 0:
        if not content(j):
            j -= 1
            continue
        if _is_broken(lines, j, continued):
            first = j
            j -= 1
            continue
        break
    last = idx
    j = idx + 1
    cur = idx
    while _is_broken(lines, cur, continued) and j < len(lines):
        if not content(j):
            j += 1
            continue
        last = cur = j
        j += 1
    pieces = [(starts[i], starts[i] + len(lines[i])) for i in range(first, last + 1) if content(i)]
    return first + 1, last + 1, pieces


def passage_for_span(text: str, line_no: int, start: int, end: int,
                     continued: frozenset[int] = frozenset()) -> tuple[str, int, int]:
    """The repaired, gloss-free paragraph around a citation and the span's place in it.

    Parameters
    ----------
    text
        The whole article file.
    line_no, start, end
        The citation locator (1-based line, half-open character span in ``text``).
    continued
        Lines the article's record says a page break cut mid-sentence (``continued``
        in ``db/articles.toml``): see :func:`_is_broken`.

    Returns
    -------
    passage, hl_start, hl_end
        The passage text and the half-open highlight inside it.
    """
    _, _, pieces = paragraph_around(text, line_no, continued)
    chars: list[str] = []
    offs: list[int] = []
    for a, b in pieces:
        m = strip_glosses_mapped(text[a:b].strip("\r"), base=a)
        chars.append(m.text)
        offs.extend(m.offsets)
    mapped = Mapped("".join(chars), tuple(offs))
    hs, he = mapped.find_span(start, end)
    return mapped.text, hs, he
