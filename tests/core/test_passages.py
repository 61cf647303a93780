"""The passage a citation leads back to, and search across Traditional forms."""

import re
import shutil
import sqlite3

from explorer.core.build import build_database
from explorer.core.curated import read_article
from explorer.core.text import normalise_for_search, passage_for_span, strip_glosses
from tests.conftest import SEEDS, needs_seeds


def test_a_cited_caption_is_its_own_passage():
    # Invented text: a sentence broken by a page's picture credit, then a caption that is
    # itself cited (a photo's line naming a project, ending in the photographer's credit).
    text = "新区去年建成标准厂房二十万平方米,\n资料图片\n并引进企业三十家。\n乙工程在丙园建设已过半。记者丁某 摄\n"
    start = text.index("乙工程")
    passage, a, b = passage_for_span(text, 4, start, start + len("乙工程在丙园建设已过半"))
    assert passage == "乙工程在丙园建设已过半。记者丁某 摄"
    assert passage[a:b] == "乙工程在丙园建设已过半"
    # The broken sentence above still drops the credit line between its halves.
    first, _, _ = passage_for_span(text, 1, 0, 5)
    assert first == "新区去年建成标准厂房二十万平方米,并引进企业三十家。"


@needs_seeds
def test_every_citation_highlights_what_it_cites(db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT c.event_id, c.article_id, c.start, c.\"end\", p.text, p.hl_start, p.hl_end "
        "FROM citations c JOIN passages p ON p.citation_id = c.id").fetchall()
    conn.close()
    assert rows
    texts = {}
    for event, article, start, end, passage, hs, he in rows:
        if article not in texts:
            texts[article] = read_article(SEEDS, article)
        cited = strip_glosses(texts[article][start:end]).replace("\n", "")
        assert passage, f"{event}: empty passage"
        assert passage[hs:he].replace("\n", "") == cited, event


def test_taiwan_and_hong_kong_forms_fold_as_their_simplified_words():
    for traditional, simplified in [("接著", "接着"), ("著手", "着手"), ("標誌著", "标志着"),
                                    ("枱面", "台面"), ("閥門", "阀门")]:
        assert normalise_for_search(traditional) == normalise_for_search(simplified), traditional
    assert normalise_for_search("著名") == "著名"  # where Simplified keeps 著


def test_a_taiwan_form_finds_the_event(store):
    had = store.text_mask("着手")
    assert had.any()
    assert (store.text_mask("著手") == had).all()


def _passages(path):
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT c.event_id, c.seq, p.text, p.hl_start, p.hl_end FROM citations c "
                        "JOIN passages p ON p.citation_id = c.id ORDER BY 1, 2").fetchall()
    (meta,) = conn.execute("SELECT value FROM meta WHERE key = 'passages'").fetchone()
    conn.close()
    return rows, meta


@needs_seeds
def test_a_rebuild_without_the_articles_keeps_the_passages_it_has(db_path, curated_dir, tmp_path):
    # The packaged app has no articles: its rebuild used to lose every passage for good.
    out = tmp_path / "rebuilt.sqlite"
    assert build_database(curated_dir, out, None, passages_from=db_path).passages_from == db_path
    rows, meta = _passages(out)
    assert rows and (rows, meta) == _passages(db_path) and meta == "yes"
    # Sources that now cite a passage otherwise: none carried (they would not be theirs).
    src = tmp_path / "src"
    shutil.copytree(curated_dir, src)
    first = sorted((src / "events").glob("*.toml"))[0]
    text = first.read_text(encoding="utf-8")
    m = re.search(r"^end = (\d+)$", text, re.M)
    first.write_text(text[:m.start(1)] + str(int(m.group(1)) - 1) + text[m.end(1):], encoding="utf-8")
    other = tmp_path / "other.sqlite"
    assert build_database(src, other, None, passages_from=db_path).passages_from is None
    assert _passages(other) == ([], "no")
    assert build_database(curated_dir, tmp_path / "none.sqlite", None, passages_from=tmp_path / "missing.sqlite"
                          ).passages_from is None


def test_a_line_ending_on_a_comma_goes_on_and_tag_debris_ends_nothing():
    # Invented text.  A short line ending on "，" was taken as whole (its sentence went on
    # below); a long line ending in a web page's leftover "/p>" after "?!" was taken as
    # broken, and the paragraph before it glued onto the cited one.
    text = "针对新形势，负责人强调，\n\n一要整体发力，二要突出重点。\n\n当别的园区已在谈产业链生态时，这里还在为最基础的问题发愁，做难，不做就没有未来?!/p>\n新区今年引进项目的税收贡献首次过半，转型见效。\n"
    first = text.index("一要")
    passage, a, b = passage_for_span(text, 3, first, first + 4)
    assert passage == "针对新形势，负责人强调，一要整体发力，二要突出重点。" and passage[a:b] == "一要整体"
    start = text.index("新区")
    passage, a, b = passage_for_span(text, 6, start, start + 6)
    assert passage == "新区今年引进项目的税收贡献首次过半，转型见效。"


def test_a_line_the_record_says_goes_on_is_joined_to_the_next():
    # Invented text after article 004: a page broke a list after a short line with no mark
    # of it ("…、平" / "坦水泥厂…"), which reads like a headline: only the record knows.
    text = "甲砖厂、乙瓦厂、丙\n\n丁水泥厂……建区之初的工厂多已关停。\n"
    start = text.index("丁水泥厂")
    alone, _, _ = passage_for_span(text, 3, start, start + 4)
    assert alone == "丁水泥厂……建区之初的工厂多已关停。"
    joined, a, b = passage_for_span(text, 3, start, start + 4, frozenset({1}))
    assert joined == "甲砖厂、乙瓦厂、丙丁水泥厂……建区之初的工厂多已关停。"
    assert joined[a:b] == "丁水泥厂"
    assert passage_for_span(text, 1, 0, 3, frozenset({1}))[0] == joined  # from either line


@needs_seeds
def test_the_cited_list_cut_by_article_004s_page_is_one_passage(db_path):
    conn = sqlite3.connect(db_path)
    texts = [t for (t,) in conn.execute(
        "SELECT p.text FROM citations c JOIN passages p ON p.citation_id = c.id "
        "WHERE c.event_id = 'a004-early-firms-declined'")]
    conn.close()
    assert texts and all("平坦水泥厂" in t for t in texts), texts  # it read "…王坨耐火厂、平" and "坦水泥厂…"
