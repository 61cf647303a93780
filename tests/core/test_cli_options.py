"""Filters from command-line options (``export``, ``render``): years taken as given, text
that is not text refused."""

import pytest

from explorer.core.options import UsageError, check_text, filters_from_options


def test_a_start_after_the_data_is_an_empty_range_not_swapped(store):
    f = filters_from_options(store, year_from=store.year_max + 5)
    assert f.years == (store.year_max + 5, store.year_max + 5)
    assert not store.mask(f).any()


def test_an_end_before_the_data_is_an_empty_range_not_swapped(store):
    f = filters_from_options(store, year_to=store.year_min - 5)
    assert f.years == (store.year_min - 5, store.year_min - 5)
    assert not store.mask(f).any()


def test_an_open_end_reaches_the_data(store):
    assert filters_from_options(store, year_from=2019).years == (2019, store.year_max)
    assert filters_from_options(store, year_to=2019).years == (store.year_min, 2019)
    assert filters_from_options(store, year_from=2019, year_to=2019).years == (2019, 2019)


def test_a_start_after_the_end_is_a_usage_error_naming_both(store):
    with pytest.raises(UsageError, match="--from 2030 is after --to 2000"):
        filters_from_options(store, year_from=2030, year_to=2000)


@pytest.mark.parametrize(("option", "kw"), [("--from", {"year_from": 99999999999999999999}),
                                            ("--to", {"year_to": -5}), ("--from", {"year_from": 0}),
                                            ("--to", {"year_to": 10000})])
def test_a_year_no_date_can_have_is_a_usage_error(store, option, kw):
    with pytest.raises(UsageError, match=f"^{option} -?\\d+: a year must be between 1 and 9999$"):
        filters_from_options(store, **kw)


@pytest.mark.parametrize(("option", "kw"), [("--zone", {"zones": ["阳泉\udcff"]}), ("--search", {"search": "\udcff"}),
                                            ("--category", {"categories": ["\udcfe"]}),
                                            ("--storyline", {"storylines": ["x\udcff"]})])
def test_command_line_bytes_that_are_not_utf8_are_a_usage_error(store, option, kw):
    with pytest.raises(UsageError, match=f"^{option} '.*\\\\x[ef][ef]': the argument is not valid text"):
        filters_from_options(store, **kw)


def test_a_lone_surrogate_not_from_the_command_line_is_shown_escaped():
    with pytest.raises(UsageError, match=r"^--select 'a\\ud800': the argument is not valid text"):
        check_text("--select", "a\ud800")
