"""Cell transforms: what each reads, what it writes, and which cells it reports as problems."""

from __future__ import annotations

import pandas as pd
import pytest

from publishers.framework import transforms as t
from publishers.framework.geography import Geography
from publishers.framework.transforms import Context


def apply(transform, values, ctx=None):  # noqa: ANN001, ANN201
    series = pd.Series(values, dtype=pd.StringDtype("pyarrow"))
    out, bad = transform.apply(series, ctx or Context())
    return list(out), list(bad)


def test_numbers_read_currency_separators_brackets_and_excel():
    out, bad = apply(t.number(), ["1,534.24", "GBP 2,332", "£-45.00", "(120.50)", "1.2E+03", "", "12 apples", "-0.01"])
    assert out[:6] == ["1534.24", "2332", "-45.00", "-120.50", "1200", ""]
    assert out[7] == "-0.01"
    assert bad == [False, False, False, False, False, False, True, False]


def test_integers_and_identifiers_damaged_by_excel_are_problems():
    out, bad = apply(t.uprn(), ["100023336956", "12.0", "1,200", "1.00023E+11", "1234567890123", ""])
    assert out[:3] == ["100023336956", "12", "1200"]
    assert bad == [False, False, False, True, True, False]
    assert "re-export the column as text" in t.uprn().expected
    assert apply(t.usrn(), ["123456789"])[1] == [True]


def test_dates_try_each_format_and_write_iso():
    out, bad = apply(t.date("%d/%m/%Y", "%d-%b-%Y"), ["03/01/2024", "3-Jan-2024", "00:00:00", "2024/13/01", ""])
    assert out == ["2024-01-03", "2024-01-03", "", "", ""]
    assert bad == [False, False, True, True, False]
    out, bad = apply(t.datetime_("%Y/%m/%d %H:%M"), ["2009/1/1 3:01", "2024/12/31 23:59"])
    assert out == ["2009-01-01T03:01:00", "2024-12-31T23:59:00"] and bad == [False, False]
    assert apply(t.month("%Y/%m/%d %H:%M"), ["2009/1/1 3:01"])[0] == ["2009-01"]


def test_postcodes_normalise_and_reduce_to_districts():
    out, bad = apply(t.postcode(), ["yo17hh", "YO1 7HH", " hg1  2ab", "not a postcode"])
    assert out[:3] == ["YO1 7HH", "YO1 7HH", "HG1 2AB"] and bad == [False, False, False, True]
    out, bad = apply(t.postcode_district(), ["yo17hh", "YO10", "SE19", "12345"])
    assert out[:3] == ["YO1", "YO10", "SE19"] and bad == [False, False, False, True]


def test_area_codes_are_checked_against_the_geography_lookup():
    geo = Geography(codes={"lsoa": {"E01027001"}}, lsoa_authority={"E01027001": "E06000014"})
    out, bad = apply(t.lsoa(), ["e01027001", "E01099999", "E0102700", ""], Context(geography=geo))
    assert out[0] == "E01027001" and bad == [False, True, True, False]
    assert apply(t.lsoa(), ["E01099999"])[1] == [False]  # without a lookup only the shape is checked
    assert apply(t.authority_of_lsoa(), ["E01027001", "E01099999"], Context(geography=geo))[0] == ["E06000014", ""]


def test_recode_reports_unknown_values_unless_told_what_to_use():
    table = {"999": "phone-999", "Online": "online"}
    assert apply(t.recode(table), [" online ", "999", "fax", ""]) == (
        ["online", "phone-999", "", ""],
        [False, False, True, False],
    )
    assert apply(t.recode(table, other="other"), ["fax"]) == (["other"], [False])


def test_pseudonyms_are_keyed_stable_and_need_the_partners_secret():
    first, _ = apply(t.pseudonym(), ["07700 900123", "07700900123", "01904 123456"], Context(secret=b"k1"))
    assert first[0] == first[1] != first[2] and len(first[0]) == 64
    other, _ = apply(t.pseudonym(), ["07700 900123"], Context(secret=b"k2"))
    assert other[0] != first[0]
    with pytest.raises(ValueError, match="secret"):
        apply(t.pseudonym(), ["07700 900123"])


def test_payees_who_are_individuals_are_redacted():
    ctx = Context(file="q1.csv")
    out, _ = apply(
        t.redact_individuals(), ["Mr J Smith", "Dr A Jones", "Acme Ltd", "Mrs Smith's Bakery Ltd", "", "Council"], ctx
    )
    assert out == [
        "REDACTED PERSONAL DATA",
        "REDACTED PERSONAL DATA",
        "Acme Ltd",
        "Mrs Smith's Bakery Ltd",
        "REDACTED PERSONAL DATA",
        "Council",
    ]
    assert "3 payee name(s) redacted" in ctx.notes[0]


def test_excel_damaged_bands_are_restored_and_nulls_emptied():
    assert apply(t.excel_bands(), ["Oct-17", "18-24", "25-Jan"])[0] == ["10-17", "18-24", "25-1"]
    assert apply(t.nulls(), ["NULL", "x", "N/A"])[0] == ["", "x", ""]
    assert apply(t.extract(r"^(N[1-9])", "a need code"), ["N1 Abuse", "X"]) == (["N1", ""], [False, True])
