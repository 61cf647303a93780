"""Every validation error path of the curated sources, and the `db check` command."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from explorer.core.build import BuildError, build_database
from explorer.core.curated import load_curated

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def src(tmp_path, curated_dir):
    dst = tmp_path / "db"
    shutil.copytree(curated_dir, dst, ignore=shutil.ignore_patterns("*.sqlite*"))
    return dst


def _events_file(src):
    return sorted((src / "events").glob("*.toml"))[0]


def _replace_first(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(src):
    return [str(p) for p in load_curated(src).problems]


def test_curated_sources_are_clean(curated_dir):
    cur = load_curated(curated_dir)
    assert cur.problems == []
    assert len(cur.events) > 100
    assert {"hitech-rename-year", "platform-area", "yuanqu-new-energy-scale"} <= set(cur.conflicts)


def test_article_003_is_dated_early_2018_and_its_conference_mentions_agree(curated_dir):
    # 003 looks back from early 2018: 去年 = 2017. Its three mentions of the city economic
    # work conference (去年初 L10, 去年1月 L12, "2017年" L22) are then one meeting of January
    # 2017; the two events telling it agree, cite each other's lines and are no conflict.
    cur = load_curated(curated_dir)
    assert cur.articles["003_c0235056f738e45f"].published.iso() == "2018-01"
    ev = {e.id: e for e in cur.events}
    plenum, project = ev["a003-2017-01-party-plenum"], ev["a003-2017-121-project"]
    assert (plenum.date.iso(), plenum.inferred, project.date.iso(), project.inferred) == ("2017-01", True, "2017", False)
    assert plenum.conflict == project.conflict == ""
    assert {c.para for c in plenum.citations} == {10, 12, 22} and {c.para for c in project.citations} == {12, 22}
    assert not [e.id for e in cur.events if e.id.startswith("a003-") and e.date.year < 2017]


def test_an_inferred_date_needs_its_reasoning_in_english_and_chinese(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    ev = next(e for e in tomllib.loads(text)["event"] if e.get("inferred"))
    zh_line, en_line = f'inference_zh = "{ev["inference_zh"]}"', f'inference = "{ev["inference"]}"'
    assert _problems(src) == []
    _replace_first(f, zh_line + "\n", "")  # left out
    assert _problems(src) == [
        f"{f.relative_to(src)} [{ev['id']}] inference_zh: an inferred date needs its reasoning in Chinese too"
    ]
    f.write_text(text, encoding="utf-8")
    _replace_first(f, zh_line, 'inference_zh = ""')  # empty
    assert _problems(src) == [
        f"{f.relative_to(src)} [{ev['id']}] inference_zh: an inferred date needs its reasoning in Chinese too"
    ]
    f.write_text(text, encoding="utf-8")
    _replace_first(f, en_line, 'inference = ""')  # the English one is still needed too
    assert _problems(src) == [f"{f.relative_to(src)} [{ev['id']}] inference: an inferred date needs its reasoning"]


_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_ARTICLE = re.compile(r"(?<![\d,])00\d(?!\d)")  # an article id such as 004 (not the 000 of 580,000)


def test_every_inferred_date_is_explained_in_english_and_in_chinese(curated_dir):
    inferred = [e for e in load_curated(curated_dir).events if e.inferred]
    assert len(inferred) >= 150
    for e in inferred:
        assert re.search(r"[A-Za-z]{3,}", e.inference), e.id  # English (it may quote the Chinese wording)
        assert _CJK.search(e.inference_zh) and not re.search(r"[A-Za-z]{3,}", e.inference_zh), e.id  # Chinese
        # the same facts: every year and article id of the English note is in the Chinese one
        for pattern in (_YEAR, _ARTICLE):
            assert set(pattern.findall(e.inference)) <= set(pattern.findall(e.inference_zh)), e.id


def test_malformed_file_named(src):
    f = _events_file(src)
    f.write_text(f.read_text(encoding="utf-8") + "\n[[event]\nbroken = \n", encoding="utf-8")
    probs = _problems(src)
    assert any(f.name in p and "malformed TOML" in p for p in probs), probs


def test_a_file_saved_with_a_byte_order_mark_is_named_as_such(src):
    vocab = src / "vocab.toml"
    vocab.write_bytes(b"\xef\xbb\xbf" + vocab.read_bytes())  # as Windows Notepad may save it
    assert _problems(src)[0] == ("vocab.toml starts with a byte order mark (BOM), which TOML does not allow; "
                                 "save it as UTF-8 without BOM")


def test_a_source_without_event_files_or_that_is_a_file_is_a_problem(src, tmp_path):
    shutil.rmtree(src / "events")
    assert _problems(src)[0] == "events/ no event files"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    assert _problems(tmp_path / "afile") == [f"{tmp_path / 'afile'} is not a folder"]
    assert _problems(tmp_path / "none") == [f"{tmp_path / 'none'} curated source folder not found"]


@pytest.mark.parametrize(("value", "message"), [
    ("[0]", "should be a list of line numbers"), ('["9"]', "should be a list of line numbers"),
    ("[true]", "should be a list of line numbers"), ("[100000]", "a line beyond the article's"),
])
def test_an_articles_continued_lines_are_line_numbers_within_it(src, value, message):
    path = src / "articles.toml"
    text = path.read_text(encoding="utf-8")
    first = text.index("sha256 = ")
    path.write_text(text[:first] + f"continued = {value}\n" + text[first:], encoding="utf-8")
    problems = [str(p) for p in load_curated(src).problems]
    assert any("continued" in p and message in p for p in problems), problems


def test_unknown_zone(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    zone_line = next(line for line in text.splitlines() if line.startswith("zone = "))
    _replace_first(f, zone_line, 'zone = "atlantis"')
    probs = _problems(src)
    assert any("zone: unknown zone 'atlantis'" in p and f.name in p for p in probs), probs


def test_impossible_date_and_end_before_start(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("date = "))
    _replace_first(f, date_line, 'date = "2023-02-30"')
    probs = _problems(src)
    assert any("impossible or malformed date '2023-02-30'" in p for p in probs), probs
    _replace_first(f, 'date = "2023-02-30"', 'date = "2020"\ndate_end_x = 1')
    text = f.read_text(encoding="utf-8")
    _replace_first(f, 'date = "2020"\ndate_end_x = 1\ndate_end = ""', 'date = "2020"\ndate_end = "2019"')
    probs = _problems(src)
    assert any("end 2019 is before start 2020" in p for p in probs), probs


def test_duplicate_id(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    ids = [line for line in text.splitlines() if line.startswith("id = ")]
    _replace_first(f, ids[1], ids[0])
    probs = _problems(src)
    assert any("duplicate event id" in p for p in probs), probs


def test_missing_citation_and_locator_out_of_range(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    _replace_first(f, "[[event.citations]]", "[[event.citations_x]]")
    probs = _problems(src)
    assert any("missing citation" in p for p in probs), probs
    f.write_text(text, encoding="utf-8")
    para_line = next(line for line in text.splitlines() if line.startswith("para = "))
    _replace_first(f, para_line, "para = 9999")
    probs = _problems(src)
    assert any("locator out of range: line 9999" in p for p in probs), probs


def test_every_problem_reported_in_one_run(src):
    f = _events_file(src)
    text = f.read_text(encoding="utf-8")
    lines = text.splitlines()
    zone_line = next(line for line in lines if line.startswith("zone = "))
    cat_line = next(line for line in lines if line.startswith("category = "))
    text = text.replace(zone_line, 'zone = "nowhere"', 1).replace(cat_line, 'category = "gossip"', 1)
    f.write_text(text, encoding="utf-8")
    (src / "zones" / "bad.toml").write_text("[[zone]]\nid = 'Bad Id'\n", encoding="utf-8")
    probs = _problems(src)
    assert any("unknown zone 'nowhere'" in p for p in probs)
    assert any("unknown category 'gossip'" in p for p in probs)
    assert any("bad.toml" in p and "lowercase slug" in p for p in probs)
    assert any("bad.toml" in p and "name_zh: missing" in p for p in probs)


def test_db_check_command_reports_and_exits_nonzero(src):
    _replace_first(_events_file(src), 'status = "', 'status = "rumoured')
    out = subprocess.run([sys.executable, "-m", "explorer", "db", "check", "--source", str(src)],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 1
    assert "status: must be one of occurred, planned, reported" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_db_check_clean_exit_zero(curated_dir):
    out = subprocess.run([sys.executable, "-m", "explorer", "db", "check", "--source", str(curated_dir)],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1].startswith("0 problem(s)")


def test_an_article_file_that_is_not_utf8_is_a_problem_naming_it(curated_dir, corpus_not_utf8):
    corpus, bad = corpus_not_utf8
    cur = load_curated(curated_dir, corpus)
    named = [str(p) for p in cur.problems if p.field == "corpus"]
    assert len(named) == 1 and str(bad) in named[0] and "not UTF-8" in named[0] and "ff" in named[0]
    assert cur.events, "the rest of the sources is still read"


# ---- bad values named, never a traceback (the build stops on them with the same problems)


def _first_entry(path, key):
    return tomllib.loads(path.read_text(encoding="utf-8"))[key][0]


def _build_problems(src, tmp_path):
    """The problems a build (without the articles) stops on; it must not end in a traceback."""
    with pytest.raises(BuildError) as info:
        build_database(src, tmp_path / "out.sqlite", None)
    assert not (tmp_path / "out.sqlite").exists()
    return [str(p) for p in info.value.problems]


def test_an_empty_publication_date_is_named(src, tmp_path):
    path = src / "articles.toml"
    art = _first_entry(path, "article")
    _replace_first(path, f'published = "{art["published"]}"', 'published = ""')
    expected = [f"articles.toml [{art['id']}] published: is empty"]
    assert _problems(src) == expected
    assert _build_problems(src, tmp_path) == expected


def test_an_empty_event_date_is_named_but_an_empty_end_date_means_no_end(src, tmp_path):
    f = _events_file(src)
    ev = _first_entry(f, "event")
    assert ev["date_end"] == ""  # the sources write an open end as an empty date_end: no problem
    assert next(e for e in load_curated(src).events if e.id == ev["id"]).date_end is None
    _replace_first(f, f'date = "{ev["date"]}"', 'date = ""')
    expected = [f"{f.relative_to(src)} [{ev['id']}] date: is empty"]
    assert _problems(src) == expected
    assert _build_problems(src, tmp_path) == expected


_HUGE = "9" * 400


@pytest.mark.parametrize(("field", "value", "got"), [
    ("value", "nan", "nan"), ("value", "inf", "inf"), ("value", "-inf", "-inf"),
    ("value", "1e400", "inf"),  # TOML reads a float beyond range as infinity
    ("value", _HUGE, "an integer of 400 digits"), ("value", "-" + _HUGE, "an integer of 401 digits"),
    ("value_to", "nan", "nan"), ("value_to", _HUGE, "an integer of 400 digits"),
])
def test_a_figure_value_must_be_a_finite_number(src, tmp_path, field, value, got):
    f = next(p for p in sorted((src / "events").glob("*.toml")) if "[[event.figures]]" in p.read_text(encoding="utf-8"))
    ev = next(e for e in tomllib.loads(f.read_text(encoding="utf-8"))["event"] if e.get("figures"))
    fig = ev["figures"][0]
    assert fig.get("value_to") == 0  # the sources write "no upper bound" as 0
    old = f"[[event.figures]]\nvalue = {fig['value']}\nvalue_to = 0\n"
    _replace_first(f, old, old.replace(f"{field} = {fig[field]}\n", f"{field} = {value}\n"))
    expected = [f"{f.relative_to(src)} [{ev['id']} figure 1] {field}: should be a finite number, got {got}"]
    assert _problems(src) == expected
    assert _build_problems(src, tmp_path) == expected


@pytest.mark.parametrize(("field", "value", "message"), [
    ("lat", _HUGE, "lat: should be a finite number, got an integer of 400 digits"),
    ("lon", "-" + _HUGE, "lon: should be a finite number, got an integer of 401 digits"),
    ("lat", "nan", "lat: should be a finite number, got nan"),
    ("lon", "-inf", "lon: should be a finite number, got -inf"),
    ("lat", "90.5", "lat/lon: out of range"),  # WGS84 degrees: -90..90, -180..180, as before
    ("lon", "180.5", "lat/lon: out of range"),
])
def test_a_zones_coordinates_must_be_finite_numbers_in_range(src, field, value, message):
    path = src / "zones" / "base.toml"
    zone = _first_entry(path, "zone")
    _replace_first(path, f"{field} = {zone[field]}\n", f"{field} = {value}\n")
    assert _problems(src) == [f"zones/base.toml [{zone['id']}] {message}"]


def test_a_whole_number_beyond_64_bits_is_named(src, tmp_path):
    """Such a number passes the range checks against one as large; the database could not hold it."""
    path = src / "articles.toml"
    art = _first_entry(path, "article")
    _replace_first(path, f"chars = {art['chars']}\n", f"chars = {10**29}\n")
    f = next(p for p in sorted((src / "events").glob("*.toml"))
             if _first_entry(p, "event")["citations"][0]["article"] == art["id"])
    ev = _first_entry(f, "event")
    c = ev["citations"][0]
    _replace_first(f, f"start = {c['start']}\nend = {c['end']}\n", f"start = {2**63}\nend = {10**28}\n")
    where = f"{f.relative_to(src)} [{ev['id']} citation 1]"
    expected = [f"articles.toml [{art['id']}] chars: out of range: {10**29} is beyond a 64-bit integer",
                f"{where} start: out of range: {2**63} is beyond a 64-bit integer",
                f"{where} end: out of range: {10**28} is beyond a 64-bit integer"]
    assert _problems(src) == expected
    assert _build_problems(src, tmp_path) == expected


def test_the_check_command_names_a_huge_number_without_a_traceback(src):
    path = src / "zones" / "base.toml"
    zone = _first_entry(path, "zone")
    _replace_first(path, f"lat = {zone['lat']}\n", f"lat = {_HUGE}\n")
    out = subprocess.run([sys.executable, "-m", "explorer", "db", "check", "--source", str(src)],
                         capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 1
    assert f"zones/base.toml [{zone['id']}] lat: should be a finite number, got an integer of 400 digits" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


@pytest.mark.parametrize(("escape", "code"), [
    (r"\u0000", "U+0000"), (r"\u001b[31m", "U+001B"), (r"\t", "U+0009"), (r"\n", "U+000A"), (r"\r", "U+000D"),
    (r"\u007f", "U+007F"), (r"\u0085", "U+0085"), (r"\u009b", "U+009B"),
    (r"\u202a", "U+202A"), (r"\u202e", "U+202E"), (r"\u2066", "U+2066"), (r"\u2069", "U+2069"),
])
def test_an_event_title_refuses_control_and_bidi_characters(src, tmp_path, escape, code):
    f = _events_file(src)
    ev = _first_entry(f, "event")
    title = ev["title_zh"]
    _replace_first(f, f'title_zh = "{title}"', f'title_zh = "{title[:2]}{escape}{title[2:]}"')
    expected = [f"{f.relative_to(src)} [{ev['id']}] title_zh: contains {code}, which text may not hold "
                "(control characters and bidirectional formatting characters are refused)"]
    assert _problems(src) == expected
    assert _build_problems(src, tmp_path) == expected


def test_every_code_point_of_a_text_is_named_once(src):
    f = _events_file(src)
    ev = _first_entry(f, "event")
    _replace_first(f, f'title_zh = "{ev["title_zh"]}"', r'title_zh = "阳泉\u0000阀门\u001b[31m厂\u202e创建\u0000"')
    assert _problems(src) == [f"{f.relative_to(src)} [{ev['id']}] title_zh: contains U+0000, U+001B, U+202E, "
                              "which text may not hold (control characters and bidirectional formatting characters "
                              "are refused)"]


@pytest.mark.parametrize(("file", "key", "field"), [
    ("articles.toml", "article", "title_en"), ("articles.toml", "article", "published_basis"),
    ("articles.toml", "article", "authors"), ("articles.toml", "article", "defects"),
    ("zones/base.toml", "zone", "name_zh"), ("zones/base.toml", "zone", "aliases"),
    ("vocab.toml", "category", "description"), ("vocab.toml", "storyline", "en"),
    ("conflicts.toml", "conflict", "note_zh"),
])
def test_every_text_field_refuses_control_characters(src, file, key, field):
    path = src / file
    entry = next(e for e in tomllib.loads(path.read_text(encoding="utf-8"))[key] if e.get(field))
    value = entry[field]
    text = value[0] if isinstance(value, list) else value
    old = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    _replace_first(path, old, old[:-1] + r'\u0007"')
    assert _problems(src) == [f"{file} [{entry['id']}] {field}: contains U+0007, which text may not hold "
                              "(control characters and bidirectional formatting characters are refused)"]


def test_an_exclusion_reason_and_the_summaries_refuse_control_characters(src):
    xp = sorted((src / "exclusions").glob("*.toml"))[0]
    x = _first_entry(xp, "exclude")
    _replace_first(xp, f'reason = "{x["reason"]}"', rf'reason = "{x["reason"]}\u2067"')
    f = _events_file(src)
    ev = _first_entry(f, "event")
    _replace_first(f, f'summary_en = "{ev["summary_en"]}"', rf'summary_en = "\u0080{ev["summary_en"]}"')
    tail = "which text may not hold (control characters and bidirectional formatting characters are refused)"
    assert _problems(src) == [f"{f.relative_to(src)} [{ev['id']}] summary_en: contains U+0080, {tail}",
                              f"{xp.relative_to(src)} [#1] reason: contains U+2067, {tail}"]


def test_a_control_character_in_an_id_is_shown_as_its_code_point(src):
    f = _events_file(src)
    ev = _first_entry(f, "event")
    _replace_first(f, f'id = "{ev["id"]}"', rf'id = "{ev["id"]}\u202e"')
    probs = _problems(src)
    label = f"{f.relative_to(src)} [{ev['id']}<U+202E>]"
    assert probs == [f"{label} id: contains U+202E, which text may not hold (control characters and bidirectional "
                     "formatting characters are refused)", f"{label} id: must be a lowercase slug (a-z, 0-9, -)"]
    assert all("\u202e" not in p for p in probs), probs  # the message itself stays readable


@pytest.mark.parametrize("content", ["", "# nothing yet\n", "event = []\n"])
def test_an_events_file_without_events_is_named(src, content):
    f = sorted((src / "events").glob("*.toml"))[-1]
    f.write_text(content, encoding="utf-8")
    probs = _problems(src)
    assert probs[0] == f"{f.relative_to(src)} has no events (no [[event]] entries)", probs


def test_an_events_file_with_a_misspelt_table_is_named_with_what_it_holds(src):
    f = sorted((src / "events").glob("*.toml"))[-1]
    f.write_text(f.read_text(encoding="utf-8").replace("[[event]]", "[[events]]").replace("[[event.", "[[events."),
                 encoding="utf-8")
    probs = _problems(src)
    assert probs[0] == f"{f.relative_to(src)} has no events (no [[event]] entries; it holds only: events)", probs


def test_an_article_without_an_events_file_is_no_problem(src):
    """Events are filed under the article that reports them first or most fully: an article may have none."""
    (src / "events" / "999_placeholder.toml").write_text("", encoding="utf-8")
    assert _problems(src) == ["events/999_placeholder.toml has no events (no [[event]] entries)"]
    (src / "events" / "999_placeholder.toml").unlink()
    assert _problems(src) == []


def test_a_source_file_that_is_a_pipe_is_named_not_waited_on(src):
    # A named pipe in place of vocab.toml: `db check` waited for a writer, for ever.
    (src / "vocab.toml").unlink()
    os.mkfifo(src / "vocab.toml")
    r = subprocess.run([sys.executable, "-m", "explorer", "db", "check", "--source", str(src)], capture_output=True,
                       text=True, timeout=60, check=False, cwd=REPO)
    assert r.returncode == 1 and "vocab.toml cannot read: it is a device, pipe or socket, not a file" in r.stdout
