"""Every validation error path of the curated sources, and the `db check` command."""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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
    assert {"hitech-rename-year", "platform-area", "yuanqu-new-energy-scale", "yangquan-econ-conference-year"} \
        <= set(cur.conflicts)


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
