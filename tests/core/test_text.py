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
    text = "依托开创集团,高新区累计打造平\n\n\n\n阳泉高新区。 资料图片\n\n\n\n某集团。 资料图片\n\n台5930亩,建设标准厂房。\n"
    start = text.index("台5930")
    passage, a, b = passage_for_span(text, text.count("\n", 0, start) + 1, start, start + 7)
    assert "资料图片" not in passage
    assert "打造平台5930亩" in passage
    assert passage[a:b] == "台5930亩,"


def test_passage_strips_glosses_and_maps_highlight():
    text = "前文\n2019年2月,深化經(jīng)濟改革。\n"
    s = text.index("2019")
    e = text.index("改革") + 2
    passage, a, b = passage_for_span(text, 2, s, e)
    assert passage == "2019年2月,深化經濟改革。"
    assert passage[a:b] == "2019年2月,深化經濟改革"
