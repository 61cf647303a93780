from explorer.core.text import (
    normalise_for_search,
    passage_for_span,
    strip_glosses,
    strip_glosses_mapped,
    to_simplified,
)


def test_strip_pinyin_glosses():
    assert strip_glosses("經(jīng)濟(jì)發(fā)展") == "經濟發展"
    # Parentheses holding Chinese or Latin words after non-Han text stay.
    assert strip_glosses("百度云计算(阳泉)中心") == "百度云计算(阳泉)中心"
    assert strip_glosses("NetEase (Hao)") == "NetEase (Hao)"


def test_mapped_offsets_point_back_to_source():
    src = "經(jīng)濟(jì)好"
    m = strip_glosses_mapped(src)
    assert m.text == "經濟好"
    assert [src[o] for o in m.offsets] == list("經濟好")
    assert m.source_span(1, 3) == (7, len(src))


def test_traditional_folds_to_simplified():
    assert to_simplified("陽泉閥門") == "阳泉阀门"
    assert normalise_for_search("閥門") == normalise_for_search("阀门") == "阀门"
    assert normalise_for_search("  ＡＢＣ  Valve ") == "abc valve"


def test_passage_repairs_page_break_debris():
    # An invented sentence broken across a page: a picture caption and a photo credit
    # sit between its halves ("仓" ... "储").
    text = "示范区沿河修建了一座仓\n\n\n\n河畔新区。 资料图片\n\n\n\n物流园一角。 李明 摄\n\n储中心1200平方米,另建道路。\n"
    start = text.index("储中心")
    passage, a, b = passage_for_span(text, text.count("\n", 0, start) + 1, start, start + 11)
    assert "资料图片" not in passage and "摄" not in passage
    assert "修建了一座仓储中心1200平方米" in passage
    assert passage[a:b] == "储中心1200平方米,"


def test_passage_strips_glosses_and_maps_highlight():
    text = "前文\n2019年2月,深化經(jīng)濟改革。\n"
    s = text.index("2019")
    e = text.index("改革") + 2
    passage, a, b = passage_for_span(text, 2, s, e)
    assert passage == "2019年2月,深化經濟改革。"
    assert passage[a:b] == "2019年2月,深化經濟改革"
