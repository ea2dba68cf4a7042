"""Unit behaviour of the fast validator: keys, limits, hashes, fallbacks and the report shape."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from frictionless import Schema

from datapackages.validate import frictionless_report, validate_file
from datapackages.validate.columns import CHECKERS
from datapackages.validate.keys import python_key, string_keys
from datapackages.validate.spec import frictionless_spec, light_schema
from datapackages.validate.uniqueness import SeenKeys, combine_keys
from tests.datapackages.dp_compare import error_keys, facts

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "when", "type": "date"},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["id"],
}


def _write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_report_has_frictionless_shape_and_hashes(tmp_path):
    path = _write(tmp_path, "id,when,amount\n1,2020-01-01,5\n2,2020-02-30,-1\n")
    report = validate_file(path, SCHEMA)
    assert set(report) == {"valid", "stats", "warnings", "errors", "tasks"}
    task = report["tasks"][0]
    assert task["stats"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert task["stats"]["bytes"] == path.stat().st_size
    assert error_keys(report) == [("type-error", 3, 2), ("constraint-error", 3, 3)]
    assert task["errors"][0]["message"].startswith('Type error in the cell "2020-02-30" in row "3"')


def test_stops_at_limit_like_frictionless(tmp_path):
    path = _write(tmp_path, "id,when,amount\n" + "".join(f"x{i},2020-01-01,1\n" for i in range(50)))
    ours = validate_file(path, SCHEMA, limit_errors=7)
    assert len(ours["tasks"][0]["errors"]) == 7
    assert ours["tasks"][0]["warnings"] == ["reached error limit: 7"]
    assert facts(ours) == facts(frictionless_report(path, SCHEMA, limit_errors=7))


def test_header_errors_reaching_the_limit_stop_after_the_first_row(tmp_path):
    path = _write(tmp_path, "a,b,c\n1,2020-01-01,1\n2,2020-01-01,1\n")
    ours = validate_file(path, SCHEMA, limit_errors=2)
    assert ours["tasks"][0]["stats"]["rows"] == 1
    assert facts(ours) == facts(frictionless_report(path, SCHEMA, limit_errors=2))


def test_expected_hash_and_bytes(tmp_path):
    path = _write(tmp_path, "id,when,amount\n1,2020-01-01,5\n")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert validate_file(path, SCHEMA, hash=f"sha256:{digest}", bytes=path.stat().st_size)["valid"]
    wrong = validate_file(path, SCHEMA, hash="sha256:" + "0" * 64, bytes=3)
    assert [e["type"] for e in wrong["tasks"][0]["errors"]] == ["hash-count", "byte-count"]


def test_foreign_keys_fall_back_to_frictionless(tmp_path):
    path = _write(tmp_path, "id,parent\n1,\n2,1\n3,9\n")
    schema = {
        "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
        "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}}],
    }
    info: dict = {}
    ours = validate_file(path, schema, engine_info=info)
    assert (info["engine"], info["reason"]) == ("frictionless", "foreign keys")
    assert error_keys(ours) == [("foreign-key", 4, None)]


def test_missing_file_is_reported_not_raised(tmp_path):
    report = validate_file(tmp_path / "absent.csv", SCHEMA)
    assert not report["valid"]
    assert report["tasks"][0]["errors"][0]["type"] == "scheme-error"


def test_standard_schema_by_name(tmp_path):
    path = _write(
        tmp_path,
        "lsoa_code,lsoa_name,ward_code,ward_name,local_authority_code,local_authority_name,"
        "imd_rank,imd_decile\nE01013358,York 001A,E05010811,Haxby,E06000014,York,20000,7\n",
    )
    assert validate_file(path, "lsoa-geography")["valid"]


@pytest.mark.parametrize(
    ("type_", "cells"),
    [
        ("integer", ["1", "-7", "007", " 5", "+5", "1.0", "x", "", "99999999999999999999", "٣"]),
        ("number", ["1", "-1.5", ".5", "5.", "1e3", "nan", "Infinity", "1,5", "", "x"]),
        ("date", ["2020-01-01", "2020-02-30", "2020-2-3", "0000-01-01", "2020-01-01T00:00:00", ""]),
        ("datetime", ["2020-01-01T10:00:00", "2020-01-01T24:00:00", "2020-01-01T10:00:00Z", "2020-01-01"]),
        ("boolean", ["true", "False", "1", "yes", ""]),
        ("year", ["2020", "0000", "20201", "x"]),
        ("string", ["a", "", "é"]),
    ],
)
def test_checkers_only_prove_what_frictionless_accepts(type_, cells):
    """A vectorised checker may leave a cell unproven, but must never prove a cell frictionless rejects."""
    descriptor = {"fields": [{"name": "f", "type": type_}]}
    field = Schema.from_descriptor(descriptor).fields[0]
    spec = light_schema(descriptor).fields[0]
    assert spec == frictionless_spec(Schema.from_descriptor(descriptor)).fields[0]
    raw = pa.array(cells, pa.string())
    missing = np.array([c == "" for c in cells])
    checked = CHECKERS[type_](spec, raw, missing)
    for cell, ok in zip(cells, checked.ok, strict=True):
        if ok:
            value, notes = field.read_cell(cell)
            assert not notes and value is not None, cell
            if checked.keys is not None:
                index = cells.index(cell)
                assert int(checked.keys[index]) == python_key(value), cell


def test_python_keys_match_vectorised_keys():
    assert python_key("abc") == int(string_keys(pa.array(["abc"]))[0])
    assert python_key(5) != python_key(6)
    assert python_key(date(2020, 1, 2)) == python_key(date(2020, 1, 2))
    assert python_key(Decimal("1.0")) == python_key(Decimal("1"))
    assert python_key(datetime(2020, 1, 1, 10)) != python_key(datetime(2020, 1, 1, 11))


def test_seen_keys_names_the_latest_earlier_row():
    seen = SeenKeys()
    assert seen.check(np.array([1, 2, 1], dtype=np.uint64), np.array([2, 3, 4])) == {4: 2}
    assert seen.check(np.array([1, 3, 2], dtype=np.uint64), np.array([5, 6, 7])) == {5: 4, 7: 3}
    combined = combine_keys([np.array([1, 2], dtype=np.uint64), np.array([2, 1], dtype=np.uint64)])
    assert combined[0] != combined[1]


@pytest.mark.parametrize(
    "pattern",
    [
        r"E01\d{6}",
        r"[EW]01\d{6}",
        r"(E06|E07|E08|E09|W06)\d{6}",
        r"[0-9a-f]{16}",
        r"N[1-9]",
        r"\d{4}-(0[1-9]|1[0-2])",
        r"[A-Z]{1,2}\d[A-Z\d]?",
        r"E0[1-9]\d{0,6}",
        r"(ab|c){2}x?",
    ],
)
def test_fixed_width_patterns_agree_with_python(pattern):
    import random
    import re

    from datapackages.validate.columns import pattern_ok
    from datapackages.validate.patterns import compile_fixed

    assert compile_fixed(pattern) is not None
    rng = random.Random(pattern)
    alphabet = "EWYOZ0123456789abcfN-x\n é٣"
    cells = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 17))) for _ in range(3000)]
    # Near-misses of real matches: mutate one character of a valid example.
    examples = {
        "E01": "E01027558",
        "[EW]": "W01000001",
        "(E06": "E07000163",
        "[0-9a": "0123456789abcdef",
        "N[": "N5",
        r"\d{4}": "2019-12",
        "[A-Z]{1,2}": "YO12",
        "E0[1-9]": "E0123",
        "(ab|c)": "abcx",
    }
    example = next(v for k, v in examples.items() if pattern.startswith(k))
    for i in range(len(example)):
        for char in "0Ea-\n٣":
            cells.append(example[:i] + char + example[i + 1 :])
    cells += [example, example + "\n", " " + example]
    proven = pattern_ok(pa.array(cells), pattern)
    python = [bool(re.compile(f"^{pattern}$").match(c)) for c in cells]
    assert not any(p and not q for p, q in zip(proven, python, strict=True))
    assert proven[cells.index(example)]
    assert sum(proven) >= sum(q for q, c in zip(python, cells, strict=True) if c.isascii() and "\n" not in c)


def test_variable_patterns_do_not_compile():
    from datapackages.validate.patterns import compile_fixed

    for pattern in [r"(?=R)R[0-9]+", "a|b", r"\w+", "[^a]b", "a.c", "a\\", r"(a\|b)", "a{2}?", "a+", r"\d*"]:
        assert compile_fixed(pattern) is None, pattern


def test_string_keys_separate_distinct_strings_and_ignore_slicing():
    rng = np.random.default_rng(5)
    alphabet = np.array(list("ab\x00é1-"))
    words = {"", "a", "a\x00", "\x00a", "a" * 8, "a" * 9, "a" * 16, "a" * 17}
    while len(words) < 50000:
        words.add("".join(rng.choice(alphabet, int(rng.integers(1, 40)))))
    words = sorted(words)
    keys = string_keys(pa.array(words, pa.string()))
    assert len(set(keys.tolist())) == len(words)
    sliced = pa.array(["pad", *words], pa.string()).slice(1)
    assert np.array_equal(string_keys(sliced), keys)
    assert python_key(words[7]) == int(keys[7])


@pytest.mark.parametrize("hashed", [False, True])
@pytest.mark.parametrize("shape", ["random", "increasing", "increasing-with-repeats", "outlier", "few-values"])
def test_seen_keys_agree_with_a_dict_of_latest_rows(shape, hashed):
    """Batches that take the sorted path (with and without the bucket filter), the increasing path and the
    mixed one (records stored first)."""
    rng = np.random.default_rng(3)
    n = 60_000
    keys = {
        "random": rng.integers(0, 2**62, n),
        "increasing": np.arange(n) * 3,
        "increasing-with-repeats": np.where(rng.random(n) < 0.01, rng.integers(0, n, n), np.arange(n)),
        "outlier": np.where(np.arange(n) == 50, 10**12, np.arange(n)),
        "few-values": rng.integers(0, 50, n),
    }[shape].astype(np.uint64)
    rows = np.arange(2, n + 2)
    latest: dict[int, int] = {}
    expected: dict[int, int] = {}
    for key, row in zip(keys.tolist(), rows.tolist(), strict=True):
        if key in latest:
            expected[row] = latest[key]
        latest[key] = row
    seen, found, start = SeenKeys(hashed=hashed), {}, 0
    for size in rng.integers(1, 12_000, n):
        found.update(seen.check(keys[start : start + size], rows[start : start + size]))
        start += size
        if start >= n:
            break
    assert found == expected


@pytest.mark.parametrize(
    "cells",
    [["ab", "abc", "abcd", "abcde", "", "a"], ["ab", "é", "éé", "ééé", "Ŵŵŵŵ", "abcde", "£5", "ab£5x"]],
    ids=["ascii", "utf8"],
)
def test_string_lengths_are_python_lengths(cells):
    """Byte lengths stand for lengths only when every cell is ASCII; either way the proof is frictionless's."""
    descriptor = {"fields": [{"name": "f", "type": "string", "constraints": {"minLength": 2, "maxLength": 4}}]}
    field = Schema.from_descriptor(descriptor).fields[0]
    spec = light_schema(descriptor).fields[0]
    raw = pa.array(cells, pa.string())
    checked = CHECKERS["string"](spec, raw, np.array([c == "" for c in cells]))
    assert checked.ok.tolist() == [c != "" and not field.read_cell(c)[1] for c in cells]


@pytest.mark.parametrize("overlap", ["none", "one-stray", "few", "many", "inside"])
def test_merging_runs_keeps_keys_sorted_with_their_rows(overlap):
    from datapackages.validate.uniqueness import _merge

    rng = np.random.default_rng(5)
    keys = rng.permutation(np.arange(0, 200_000, 3, dtype=np.uint64))
    first, second = np.sort(keys[:30_000]), np.sort(keys[30_000:])
    if overlap == "none":
        first, second = np.sort(keys)[:30_000], np.sort(keys)[30_000:]
    elif overlap == "one-stray":
        first, second = np.sort(keys)[:30_000], np.sort(keys)[30_000:]
        first = np.append(first[:-1], second[-1] + 7)  # a stray far above the rest
    elif overlap == "few":
        ordered = np.sort(keys)
        first, second = np.sort(np.concatenate([ordered[:30_000], ordered[-5:]])), ordered[30_000:-5]
    elif overlap == "inside":
        ordered = np.sort(keys)
        first, second = np.sort(np.concatenate([ordered[:100], ordered[-100:]])), ordered[100:-100]
    rows = {k: i for i, k in enumerate(rng.permutation([*first.tolist(), *second.tolist()]).tolist())}
    first_rows = np.array([rows[int(k)] for k in first])
    second_rows = np.array([rows[int(k)] for k in second])
    merged, merged_rows = _merge(first, first_rows, second, second_rows)
    assert merged.tolist() == sorted([*first.tolist(), *second.tolist()])
    assert merged_rows.tolist() == [rows[int(k)] for k in merged.tolist()]


def test_bounds_beyond_int64_are_compared_exactly(tmp_path):
    """Bounds are compared by numpy, which compares int64 cells with any Python int (Arrow scalars overflowed)."""
    schema = {
        "fields": [
            {"name": "big", "type": "integer", "constraints": {"maximum": 10**20, "minimum": -(10**20)}},
            {"name": "small", "type": "integer", "constraints": {"maximum": 2**63}},
            {"name": "x", "type": "number", "constraints": {"minimum": -1000, "maximum": 0.5}},
        ]
    }
    rows = ["5,1,0.5", "-9223372036854775808,9223372036854775807,0.49", "123456789012345678,0,-1000.0001", ",,0.51"]
    path = _write(tmp_path, "big,small,x\n" + "\n".join(rows) + "\n")
    ours = validate_file(path, schema)
    assert facts(ours) == facts(frictionless_report(path, schema))
    assert error_keys(ours) == [("constraint-error", 4, 3), ("constraint-error", 5, 3)]
