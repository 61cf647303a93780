import pytest

from explorer.core.dates import DateError, PartialDate, Precision, format_range


@pytest.mark.parametrize(
    ("text", "precision", "zh", "en"),
    [
        ("1924", Precision.YEAR, "1924年", "1924"),
        ("2019-02", Precision.MONTH, "2019年2月", "Feb 2019"),
        ("2025-07-07", Precision.DAY, "2025年7月7日", "7 Jul 2025"),
    ],
)
def test_parse_keeps_precision(text, precision, zh, en):
    d = PartialDate.parse(text)
    assert d.precision is precision
    assert d.iso() == text  # never padded to a fake 1 January
    assert d.format("zh") == zh
    assert d.format("en") == en


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13", "19xx", "", "2023-2-1", "0000"])
def test_impossible_dates_rejected(bad):
    with pytest.raises(DateError):
        PartialDate.parse(bad)


def test_span_covers_true_extent():
    assert PartialDate(1924).span() == (1924.0, 1925.0)
    a, b = PartialDate(2019, 2).span()
    assert a == pytest.approx(2019 + 1 / 12) and b == pytest.approx(2019 + 2 / 12)
    a, b = PartialDate(2025, 7, 7).span()
    assert b - a == pytest.approx(1 / 365)
    assert 2025.5 < a < 2025.52


def test_ordering_and_range_format():
    assert PartialDate(2019) < PartialDate(2019, 1) < PartialDate(2019, 1, 2) < PartialDate(2020)
    assert format_range(PartialDate(1993), PartialDate(2023), "zh") == "1993年—2023年"
    assert format_range(PartialDate(2019), PartialDate(2021), "en") == "2019 – 2021"


@pytest.mark.parametrize("bad", ["２０２３", "2023-０２", "٢٠٢٣", "१९२४"])
def test_only_ascii_digits_make_a_date(bad):
    """Full-width or other scripts' digits are not the YYYY form: they would be stored as another text."""
    with pytest.raises(DateError, match="is not YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(bad)
