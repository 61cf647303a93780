"""The curated events against the articles themselves (needs ../shared/seeds)."""

from explorer.core.coverage import citation_problems, scan_mentions, uncovered_mentions
from explorer.core.curated import load_curated, read_article


def test_every_date_mention_is_cited_or_excluded(seeds_dir, curated_dir):
    cur = load_curated(curated_dir, seeds_dir)
    assert cur.problems == []
    missing = uncovered_mentions(cur, seeds_dir)
    assert missing == [], "\n".join(str(m) for m in missing)
    for x in cur.exclusions:
        assert x.reason.strip(), f"exclusion without a reason: {x}"


def test_every_citation_holds_its_date_or_a_figure(seeds_dir, curated_dir):
    cur = load_curated(curated_dir, seeds_dir)
    assert citation_problems(cur, seeds_dir) == []


def test_a_figure_printed_otherwise_than_its_source_is_reported(seeds_dir, curated_dir):
    """"2.0版" (a version) read as a figure of 2.0 prints as "2版": not in the span as written."""
    from explorer.core.curated import Figure

    cur = load_curated(curated_dir, seeds_dir)
    ev = next(e for e in cur.events if e.id == "a002-policy-system-2")
    ev.figures.append(Figure(2.0, None, "版", "版本", "version"))
    problems = citation_problems(cur, seeds_dir)
    assert [(p.entry, p.field) for p in problems] == [("a002-policy-system-2 figure 1", "value")]
    assert "2版 is not written so" in str(problems[0])
    ev.figures[0] = Figure(1.0, 4.0, "", "", "")  # "1+4+N": both ends are there
    assert citation_problems(cur, seeds_dir) == []


def test_scanner_finds_dates_in_traditional_glossed_text(seeds_dir):
    found = [m.text for m in scan_mentions("000_9fac87c4b1f409f3", read_article(seeds_dir, "000_9fac87c4b1f409f3"))]
    assert "1924年" in found and "2025年7月7日" in found and "2019年2月" in found
    rel = [m.text for m in scan_mentions("003_c0235056f738e45f", read_article(seeds_dir, "003_c0235056f738e45f"))]
    assert "去年" in rel and "12月16日、17日" in rel and "1至10月" in rel
    ranged = [m.text for m in scan_mentions("004_a44e1bfae4a2e818", read_article(seeds_dir, "004_a44e1bfae4a2e818"))]
    assert "1993年—2023年" in ranged


def test_scanner_reports_an_uncited_mention(seeds_dir, curated_dir):
    cur = load_curated(curated_dir, seeds_dir)
    victim = next(e for e in cur.events if e.citations[0].article.startswith("000_") and e.date.iso() == "1924")
    cur.events.remove(victim)
    missing = uncovered_mentions(cur, seeds_dir)
    assert any(m.text == "1924年" for m in missing)


def test_articles_not_copied_into_curated_text(seeds_dir, curated_dir):
    """Titles and summaries are our own words: no 20-character run of an article's prose
    appears. Runs that are names (lists with 、, quoted slogans, 《titles》) may carry over."""
    import re

    from explorer.core.text import normalise_for_search

    names = re.compile(r"[、《》“”\"]")
    cur = load_curated(curated_dir)
    arts = [normalise_for_search(read_article(seeds_dir, a)) for a in cur.articles]
    grams = set()
    for t in arts:
        t = t.replace(" ", "")
        grams.update(t[i : i + 20] for i in range(0, max(0, len(t) - 20)))
    for e in cur.events:
        s = normalise_for_search(e.title_zh + e.summary_zh).replace(" ", "")
        hits = [s[i : i + 20] for i in range(0, max(0, len(s) - 20)) if s[i : i + 20] in grams and not names.search(s[i : i + 20])]
        assert not hits, f"{e.id} repeats article text: {hits[0]}"


def test_publication_dates_recorded_with_basis(curated_dir):
    cur = load_curated(curated_dir)
    for a in cur.articles.values():
        assert a.published is not None and a.published_basis and a.published_confidence
    assert cur.articles["004_a44e1bfae4a2e818"].published.iso() == "2023-07"
    assert cur.articles["000_9fac87c4b1f409f3"].script == "traditional"


def test_an_article_that_is_not_utf8_is_skipped_not_a_crash(curated_dir, corpus_not_utf8):
    corpus, bad = corpus_not_utf8
    cur = load_curated(curated_dir, corpus)  # reports the file (tests/core/test_curated.py)
    assert any(p.field == "corpus" and str(bad) in str(p) for p in cur.problems)
    assert citation_problems(cur, corpus) == []
    assert uncovered_mentions(cur, corpus) == []
