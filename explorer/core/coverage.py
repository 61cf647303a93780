"""Coverage of the articles' date expressions by curated citations.

Every date mention in an article (``2019年2月``, ``12月16日、17日``, ``今年``, ranges, …)
must fall inside some event's citation span or be listed, with a reason, in an
exclusion file.  Pinyin glosses are removed before matching and offsets are mapped
back to the raw file, so the Traditional, glossed article 000 is scanned the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from explorer.core.curated import ArticleError, Curated, Event, Problem, read_article
from explorer.core.store import number_text
from explorer.core.text import normalise_for_search, strip_glosses_mapped

_SEP = r"\s*(?:—|–|－|-|~|～|至|到)+\s*"
_Y = r"(?<!\d)\d{4}"
_D = r"(?<!\d)\d{1,2}"
_PATTERNS = [
    rf"从?{_Y}年?(?:\d{{1,2}}月)?{_SEP}\d{{4}}年",  # 1993年—2023年, 从2019年到2021年
    rf"{_Y}年\d{{1,2}}月\d{{1,2}}日",  # 2025年7月7日
    rf"{_Y}年\d{{1,2}}月份?",  # 2019年2月
    rf"{_Y}年(?:初|末|底|代)?",  # 2021年, 2025年初
    rf"{_D}月\d{{1,2}}日?(?:\s*(?:、|-|—|至|到)\s*\d{{1,2}}日)*",  # 12月16日、17日, 2月15至16日
    rf"{_D}{_SEP}\d{{1,2}}月份?",  # 1至10月, 1-9月
    rf"{_D}月份?(?:、\d{{1,2}}月)*",  # 6月、10月, 9月份
    r"\d{2}年代",
    r"今年|去年|前年|同年|明年",
]
DATE_MENTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
RELATIVE_WORDS = ("今年", "去年", "前年", "同年", "明年", "以来", "近日", "目前", "如今", "近年", "过去", "年初", "日前")


@dataclass(frozen=True)
class Mention:
    """A date expression found in an article (offsets in the raw file)."""

    article: str
    start: int
    end: int
    text: str
    line: int

    def __str__(self) -> str:
        return f"{self.article}:{self.line} @{self.start} {self.text!r}"


def scan_mentions(article_id: str, text: str) -> list[Mention]:
    """Every date expression in ``text``, with raw-file offsets and line numbers."""
    mapped = strip_glosses_mapped(text)
    out = []
    for m in DATE_MENTION.finditer(mapped.text):
        s, e = mapped.source_span(m.start(), m.end())
        out.append(Mention(article_id, s, e, text[s:e], text.count("\n", 0, s) + 1))
    return out


def _article_or_none(corpus: Path, article_id: str) -> str | None:
    """The article's text, or None when its file is missing or unreadable: :func:`load_curated`
    given the corpus reports those (as ``corpus`` problems of ``articles.toml``)."""
    try:
        return read_article(corpus, article_id)
    except ArticleError:
        return None


def uncovered_mentions(cur: Curated, corpus: Path) -> list[Mention]:
    """Mentions neither inside a citation span nor excluded.

    Articles whose file is missing or not UTF-8 text are skipped; :func:`load_curated`
    with the same corpus reports them.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for ev in cur.events:
        for c in ev.citations:
            spans.setdefault(c.article, []).append((c.start, c.end))
    excl: dict[str, list[tuple[int, int]]] = {}
    for x in cur.exclusions:
        excl.setdefault(x.article, []).append((x.start, x.start + max(1, len(x.text))))
    missing = []
    for aid in sorted(cur.articles):
        text = _article_or_none(corpus, aid)
        if text is None:
            continue
        for m in scan_mentions(aid, text):
            if any(s <= m.start < e for s, e in spans.get(aid, ())):
                continue
            if any(s <= m.start < e or m.start <= s < m.end for s, e in excl.get(aid, ())):
                continue
            missing.append(m)
    return missing


def citation_supports(ev: Event, span_text: str) -> bool:
    """Does a cited span state the event's date expression or one of its figures?

    A fact reported (or a plan announced) as of the publication date, with no figures,
    has no date expression in the text to find; its span only has to exist and lie in
    its line.
    """
    if ev.status in ("reported", "planned") and ev.inferred and not ev.figures:
        return True
    t = normalise_for_search(span_text)
    for d in (ev.date, ev.date_end):
        if d is None:
            continue
        if f"{d.year}" in t:
            return True
        if d.month is not None and re.search(rf"(?<!\d){d.month}\s*月", t):
            return True
    if ev.inferred and any(w in t for w in RELATIVE_WORDS):
        return True
    return any(number_text(f.value) in t for f in ev.figures)  # as an article prints it: 6000, 49.31


def citation_problems(cur: Curated, corpus: Path) -> list[Problem]:
    """Citations whose span does not carry the event's date or a figure.

    The first citation of an event in each article must carry them; a further citation
    in the same article may be context (the sentence naming the agreement signed at a
    dated contest, say) once one span of that article carries the date or a figure.
    And figures not written in the spans as the app prints them (``_figures_unsourced``).
    """
    out = []
    cache: dict[str, str] = {}
    for ev in cur.events:
        anchored: set[str] = set()
        spans = []
        pending = []
        for j, c in enumerate(ev.citations):
            if c.article not in cache:
                cache[c.article] = _article_or_none(corpus, c.article) or ""
            text = cache[c.article]
            if not text:
                continue
            spans.append(normalise_for_search(text[c.start : c.end]))
            if citation_supports(ev, text[c.start : c.end]):
                anchored.add(c.article)
            else:
                pending.append((j, c))
        for j, c in pending:
            if c.article not in anchored:
                out.append(
                    Problem(ev.file, f"{ev.id} citation {j + 1}", "start/end",
                            f"span [{c.start}, {c.end}) holds neither the event's date expression nor any of its figures")
                )
        if spans:
            out += _figures_unsourced(ev, " ".join(spans))
    return out


def _figures_unsourced(ev: Event, cited: str) -> list[Problem]:
    """The event's figures whose numbers, as the app prints them (``6000``, ``49.31``), are
    not a whole number in its cited spans (``cited``, normalised): a figure of ``2.0`` read
    from "2.0版" prints as "2" (a version, not a quantity: no figure)."""
    out = []
    for k, f in enumerate(ev.figures, 1):
        for field, v in (("value", f.value), ("value_to", f.value_to)):
            if v and not re.search(rf"(?<![\d.]){re.escape(number_text(v))}(?!\d|\.\d)", cited):
                out.append(Problem(ev.file, f"{ev.id} figure {k}", field,
                                   f"{number_text(v)}{f.unit} is not written so in any span the event cites"))
    return out
