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


# Our own words: the articles' prose must not reach the curated text.  Runs are compared
# with white space and punctuation removed from both sides (so 《》 for “”, a comma for a
# 、 or a dropped quote mark does not hide a copy).  A run may carry over only where the
# article prints it as a name (every character of the run inside one):
# - a 《document title》, and the short name in brackets right after it: 《…》（创18条）;
# - a quoted slogan: “…” with no clause punctuation inside, at most _SLOGAN characters;
# - a list of named terms as printed: items joined by 、 (the last one may be joined by
#   和/及/与 and closed by 等).  The items inside the list, and a last item closed by 等,
#   are terms ("determined") and must be at most _TERM characters; the first item, and a
#   last item that runs on into the sentence, are cut to the length of the longest
#   determined item, so at most a few words of the sentence around a list (fewer than that
#   length) can count as part of it, never a run of prose.
_RUN = 15
_SLOGAN = 25
_TERM = 12
_CLAUSE = ",.!?;:()[]。…—-\n，。！？；：（）"


def _is_punct(ch: str) -> bool:
    import unicodedata

    return ch.isspace() or unicodedata.category(ch)[0] in "PSZ"


def _width(s: str) -> int:
    return sum(not _is_punct(c) for c in s)


def _name_flags(s: str) -> list[bool]:
    """For each character of ``s`` (normalised, white space removed): is it part of a name?"""
    import re

    flags = [False] * len(s)
    clause = "".join(re.escape(c) for c in sorted(set(_CLAUSE)))

    def mark(a: int, b: int) -> None:
        for k in range(a, b):
            flags[k] = True

    for m in re.finditer(rf"《([^《》]{{1,60}})》(?:\(([^{clause}]{{1,12}})\))?", s):
        mark(m.start(1), m.end(1))
        if m.group(2):
            mark(m.start(2), m.end(2))
    for m in re.finditer(rf"“([^“”{clause}]+)”", s):
        if _width(m.group(1)) <= _SLOGAN:
            mark(m.start(1), m.end(1))
    for m in re.finditer(rf"[^{clause}、]+(?:、[^{clause}、]+)+", s):
        items, pos = [], m.start()
        for it in m.group(0).split("、"):
            items.append([pos, pos + len(it)])
            pos += len(it) + 1
        closed = False
        a, b = items[-1]
        cut = s.find("等", a + 1, b)
        if cut > 0:
            items[-1][1], closed = cut, True
        j = re.search(r"和|及|与", s[a + 2 : items[-1][1]])
        if j:  # A、B和C: B is inside the list
            split = a + 2 + j.start()
            items[-1:] = [[a, split], [split + len(j.group(0)), items[-1][1]]]
        determined = [_width(s[x:y]) for x, y in items[1:-1]]
        if closed:
            determined.append(_width(s[items[-1][0] : items[-1][1]]))
        if not determined or max(determined) > _TERM:
            continue  # no term to measure the ends by, or clauses rather than terms
        keep = max(determined)
        x, y = items[0]
        while _width(s[x:y]) > keep:
            x += 1  # the first item cut to the terms' size: the words before it are the sentence's
        start = x
        x, y = items[-1]
        while not closed and _width(s[x:y]) > keep:
            y -= 1
        mark(start, y)
    return flags


def _bare(text: str, flags: list[bool] | None = None) -> tuple[str, list[bool]]:
    keep = [i for i, c in enumerate(text) if not _is_punct(c)]
    return "".join(text[i] for i in keep), [flags[i] for i in keep] if flags else [False] * len(keep)


def copied_runs(articles: list[str], texts: dict[str, str]) -> list[tuple[str, str]]:
    """(where, run) for every run of ``_RUN`` characters of ``texts`` that an article prints
    outside a name (both sides normalised, white space and punctuation removed)."""
    from explorer.core.text import normalise_for_search

    prose = set()
    for art in articles:
        s = "".join(normalise_for_search(art).split())
        bare, names = _bare(s, _name_flags(s))
        for i in range(len(bare) - _RUN + 1):
            if not all(names[i : i + _RUN]):
                prose.add(bare[i : i + _RUN])
    out = []
    for where, text in texts.items():
        bare, _ = _bare("".join(normalise_for_search(text).split()))
        seen = set()
        for i in range(len(bare) - _RUN + 1):
            run = bare[i : i + _RUN]
            if run in prose and run not in seen:
                seen.add(run)
                out.append((where, run))
    return out


def _curated_texts(cur) -> dict[str, str]:
    texts = {}
    for e in cur.events:
        for field in ("title_zh", "summary_zh", "inference_zh"):
            texts[f"{e.id} {field}"] = getattr(e, field) or ""
    return texts


def test_articles_not_copied_into_curated_text(seeds_dir, curated_dir):
    """Titles, summaries and inference notes are our own words: no run of 15 characters of an
    article's prose appears in them, punctuation aside. Names may carry over (see above)."""
    cur = load_curated(curated_dir)
    arts = [read_article(seeds_dir, a) for a in cur.articles]
    hits = copied_runs(arts, _curated_texts(cur))
    assert not hits, f"{len(hits)} copied runs:\n" + "\n".join(f"{w}: {r}" for w, r in hits)


def test_the_copy_check_sees_through_punctuation_and_spares_only_names():
    art = "高新区推出“证照分离”极简办、“一业一证”集成办、“智慧审批”提速办的“三联动”模式，使企业开办时间实现当天办。" \
          "市里出台《关于加快阳泉市产业集聚区建设的意见》。以实行领导班子任期制、全员岗位聘任制、绩效工资制为主要内容。"
    # prose, copied with its punctuation changed or dropped, is caught
    assert copied_runs([art], {"x": "推出证照分离极简办，一业一证集成办"})
    assert copied_runs([art], {"x": "三联动模式，使企业开办时间实现“当天办”"})
    # the names themselves may stay: a title, a list of terms as printed
    assert not copied_runs([art], {"x": "印发“关于加快阳泉市产业集聚区建设的意见”"})
    assert not copied_runs([art], {"x": "领导班子任期制，全员岗位聘任制，绩效工资制"})
    assert not copied_runs([art], {"x": "“证照分离”极简办、“一业一证”集成办、“智慧审批”提速办三种办法"})
    # but not the prose a list opens with
    assert copied_runs([art], {"x": "以实行领导班子任期制、全员岗位聘任制、绩效"})
    # a list closed by 和 … 等: its terms may stay, the sentence it runs on into may not
    art = "郊区引进汉韵瓦业、树脂覆膜陶粒、微米级空心微珠和催化微电解等四个新材料项目。"
    assert not copied_runs([art], {"x": "汉韵瓦业、树脂覆膜陶粒、微米级空心微珠以及催化微电解"})
    assert copied_runs([art], {"x": "空心微珠和催化微电解等四个新材料项目"})
    assert copied_runs([art], {"x": "郊区引进汉韵瓦业、树脂覆膜陶粒、微米"})


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
