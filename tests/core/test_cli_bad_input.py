"""Bad input on the command line: a message naming what is wrong, the right exit code, no
traceback, nothing half-written (README, "Command line": 1 the work failed, 2 usage)."""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _cli(*args, **kw):
    kw.setdefault("capture_output", True)
    r = subprocess.run([sys.executable, "-m", "explorer", *args], cwd=REPO, **kw)
    if kw["capture_output"]:
        assert b"Traceback" not in r.stderr + r.stdout, r.stderr.decode(errors="replace")
    return r


@pytest.mark.parametrize("command", ["build", "check", "coverage"])
def test_an_article_that_is_not_utf8_is_a_problem_naming_it(corpus_not_utf8, tmp_path, command):
    corpus, bad = corpus_not_utf8
    out = tmp_path / "events.sqlite"
    out.write_bytes(b"old")
    extra = ["--out", str(out)] if command == "build" else []
    r = _cli("db", command, "--corpus", str(corpus), *extra)
    assert r.returncode == 1
    said = (r.stdout + r.stderr).decode()
    assert f"{bad} is not UTF-8 text" in said
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "events.sqlite"]


@pytest.mark.parametrize("command", ["build", "check", "coverage"])
@pytest.mark.parametrize("what", ["missing", "file"])
def test_a_corpus_that_is_not_a_folder_is_a_usage_error(tmp_path, command, what):
    corpus = tmp_path / "articles"
    if what == "file":
        corpus.write_text("x", encoding="utf-8")
    r = _cli("db", command, "--corpus", str(corpus), *(["--out", str(tmp_path / "e.sqlite")] if command == "build" else []))
    assert r.returncode == 2
    said = r.stderr.decode()
    # Worded as argparse words its own errors: the command's usage, then the command's error.
    assert said.startswith(f"usage: zone-timeline db {command} ")
    assert f"zone-timeline db {command}: error: --corpus {corpus}: {'no such folder' if what == 'missing' else 'not a folder'}" in said
    assert not (tmp_path / "e.sqlite").exists()


def test_corpus_and_no_corpus_together_are_a_usage_error(seeds_dir, tmp_path):
    r = _cli("db", "build", "--corpus", str(seeds_dir), "--no-corpus", "--out", str(tmp_path / "e.sqlite"))
    assert r.returncode == 2 and "not allowed with argument" in r.stderr.decode()
    assert not (tmp_path / "e.sqlite").exists()


def test_no_corpus_says_passages_were_left_out_on_request(tmp_path):
    r = _cli("db", "build", "--no-corpus", "--out", str(tmp_path / "e.sqlite"))
    assert r.returncode == 0
    said = r.stdout.decode()
    assert "no passages (left out on request: --no-corpus)" in said and "pass --corpus" not in said


@pytest.mark.parametrize("argv", [["db", "build", "--out", ""], ["db", "synth", "--events", "1", "-o", ""],
                                  ["export", "--all", "-o", ""], ["db", "check", "--corpus", ""]])
def test_an_empty_path_is_a_usage_error(argv):
    r = _cli(*argv)
    assert r.returncode == 2 and "an empty path" in r.stderr.decode()


@pytest.mark.skipif(os.name != "posix", reason="command-line bytes are POSIX")
@pytest.mark.parametrize("option", ["--search", "--zone", "--category"])
def test_command_line_bytes_that_are_not_utf8_are_a_usage_error(db_path, option):
    r = _cli("--db", str(db_path), "export", option.encode(), b"\xff", "-o", "-")
    assert r.returncode == 2
    assert f"{option} '\\xff': the argument is not valid text" in r.stderr.decode()
    assert r.stdout == b""


@pytest.mark.skipif(os.name != "posix", reason="pipes and /dev/full as on POSIX")
def test_a_closed_pipe_on_standard_output_ends_quietly(db_path):
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written (as `| head -c 100`, later)
    try:
        r = _cli("--db", str(db_path), "export", "--all", "-o", "-", stdout=write, stderr=subprocess.PIPE,
                 capture_output=False)
    finally:
        os.close(write)
    assert r.returncode == 1 and r.stderr == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_standard_output_is_named(db_path):
    with open("/dev/full", "wb") as full:
        r = _cli("--db", str(db_path), "export", "--all", "-o", "-", stdout=full, stderr=subprocess.PIPE,
                 capture_output=False)
    assert r.returncode == 1
    assert r.stderr.decode() == "zone-timeline: could not write to standard output (No space left on device)\n"


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shell closes standard output")
def test_a_closed_standard_output_is_named(db_path):
    cmd = f"{shlex.quote(sys.executable)} -m explorer --db {shlex.quote(str(db_path))} export --all -o - >&-"
    r = subprocess.run(cmd, shell=True, capture_output=True, cwd=REPO)
    assert r.returncode == 1
    assert r.stderr.decode() == "zone-timeline: could not write to standard output (it is closed)\n"


def test_export_names_a_file_standing_where_the_folder_should_be(db_path, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    r = _cli("--db", str(db_path), "export", "--all", "-o", str(tmp_path / "file" / "out.csv"))
    assert r.returncode == 1 and f"{tmp_path / 'file'} is not a folder" in r.stderr.decode()


def test_years_reversed_or_absurd_are_usage_errors_and_a_late_start_exports_nothing(db_path, tmp_path):
    out = tmp_path / "y.csv"
    r = _cli("--db", str(db_path), "export", "--from", "2030", "--to", "2000", "-o", str(out))
    assert r.returncode == 2 and r.stderr.decode().startswith("usage: zone-timeline export ")
    assert "zone-timeline export: error: --from 2030 is after --to 2000" in r.stderr.decode()
    r = _cli("--db", str(db_path), "export", "--from", "99999999999999999999", "-o", str(out))
    assert r.returncode == 2 and "a year must be between 1 and 9999" in r.stderr.decode()
    assert not out.exists()
    r = _cli("--db", str(db_path), "export", "--from", "2030", "-o", str(out))
    assert r.returncode == 0 and "wrote 0 rows" in r.stderr.decode()
    assert len(out.read_bytes().splitlines()) == 1  # the header alone


@pytest.mark.parametrize("where", ["under-a-file", "a-folder", "too-long"])
def test_synth_to_a_path_that_cannot_be_written_fails_with_the_reason(tmp_path, where):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out, reason = {
        "under-a-file": (tmp_path / "file" / "s.sqlite", f"{tmp_path / 'file'} is not a folder"),
        "a-folder": (tmp_path, "it is a folder"),
        "too-long": (tmp_path / ("x" * 300 + ".sqlite"), "File name too long"),
    }[where]
    r = _cli("db", "synth", "--events", "10", "-o", str(out))
    assert r.returncode == 1
    assert f"{out}: could not be written ({reason})" in r.stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("count", ["-5", "x"])
def test_synth_count_that_is_not_a_count_is_a_usage_error(tmp_path, count):
    r = _cli("db", "synth", "--events", count, "-o", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "argument --events" in r.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_render_to_a_folder_says_so_before_drawing(db_path, tmp_path):
    (tmp_path / "somedir.png").mkdir()
    r = _cli("--db", str(db_path), "render", "-o", str(tmp_path / "somedir.png"))
    assert r.returncode == 1 and f"{tmp_path / 'somedir.png'}: is a folder" in r.stderr.decode()


def test_render_that_cannot_write_gives_the_reason_and_leaves_nothing(db_path, tmp_path):
    out = tmp_path / ("x" * 300 + ".png")
    r = _cli("--db", str(db_path), "render", "--size", "400x300", "-o", str(out))
    assert r.returncode == 1 and "could not be written (File name too long)" in r.stderr.decode()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flags", [["--zone", "nosuch"], ["--from", "2000", "--search", "阀门"]])
def test_all_with_a_filter_is_a_usage_error(db_path, tmp_path, flags):
    r = _cli("--db", str(db_path), "export", "--all", *flags, "-o", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and f"--all exports every event; it cannot be combined with {flags[0]}" in r.stderr.decode()
    assert list(tmp_path.iterdir()) == []
    r = _cli("--db", str(db_path), "export", "--all", "--lanes", "category", "-o", str(tmp_path / "x.csv"))
    assert r.returncode == 0  # how rows are grouped is no filter


def test_a_negative_seed_is_a_usage_error(tmp_path):
    r = _cli("db", "synth", "--events", "5", "--seed", "-1", "-o", str(tmp_path / "s.sqlite"))
    assert r.returncode == 2 and "argument --seed: -1: must be 0 or more" in r.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_self_test_with_a_command_is_a_usage_error(db_path, tmp_path):
    r = _cli("--db", str(db_path), "--self-test", "export", "--all", "-o", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and "--self-test runs on its own, not with the export command" in r.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_export_onto_its_own_database_or_a_pipe_is_refused(db_path, tmp_path):
    copy = tmp_path / "e.sqlite"
    copy.write_bytes(db_path.read_bytes())
    r = _cli("--db", str(copy), "export", "--all", "-o", str(copy))
    assert r.returncode == 1 and f"{copy}: is the database being exported" in r.stderr.decode()
    assert copy.read_bytes() == db_path.read_bytes()
    os.mkfifo(tmp_path / "p")
    r = _cli("--db", str(copy), "export", "--all", "-o", str(tmp_path / "p"))  # (refused, not written into: with no reader that would hang)
    assert r.returncode == 1 and "is a device or pipe, not a file" in r.stderr.decode()


def test_render_onto_its_own_database_is_refused(db_path, tmp_path):
    # A link named *.png to the database, or the database itself named *.png: render
    # replaced the database with the picture of it.
    copy = tmp_path / "e.sqlite"
    copy.write_bytes(db_path.read_bytes())
    (tmp_path / "shot.png").symlink_to(copy)
    named = tmp_path / "named.png"
    named.write_bytes(db_path.read_bytes())
    for db, out in ((copy, tmp_path / "shot.png"), (named, named)):
        r = _cli("--db", str(db), "render", "--size", "400x300", "-o", str(out))
        assert r.returncode == 1 and f"{out}: is the database being drawn; choose another file name" in r.stderr.decode()
        assert db.read_bytes() == db_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.sqlite", "named.png", "shot.png"]


def test_a_database_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    # Opening a named pipe waits for a writer: the export (and the window) hung.
    fifo = tmp_path / "fifo.sqlite"
    os.mkfifo(fifo)
    r = _cli("--db", str(fifo), "export", "--all", "-o", "-", timeout=60)
    assert r.returncode == 3 and f"{fifo}: is a device, pipe or socket, not a database file" in r.stderr.decode()


def test_a_check_whose_reader_stops_reading_ends_quietly(curated_dir, tmp_path):
    # `db check | head -1` ended in a BrokenPipeError traceback (the export's was handled).
    src = tmp_path / "db"
    shutil.copytree(curated_dir, src)
    (src / "vocab.toml").write_text("", encoding="utf-8")  # every event's category unknown: hundreds of lines
    p = subprocess.Popen([sys.executable, "-m", "explorer", "db", "check", "--source", str(src)], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader gone before the first line
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 1 and err == ""
