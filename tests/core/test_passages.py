"""The passage a citation leads back to, and search across Traditional forms."""

import sqlite3

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
