"""The ``publish`` command as a data officer runs it: list, dry runs, the summary table, readable errors and
exit codes (0 published or unchanged, 1 data errors, 2 configuration or connection errors), nothing pushed
on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckanapi import NotFound

from publishers import registry


def publish(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "publishers.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=600,
    )


def run_args(name: str, raw: Path, work: Path, catalogue=None) -> list[str]:  # noqa: ANN001
    args = ["run", name, "--raw", str(raw), "--work", str(work)]
    return args + (["--catalogue", catalogue.url, "--token", catalogue.token] if catalogue else ["--dry-run"])


def test_list_names_every_publisher_with_its_mode():
    done = publish("list")
    assert done.returncode == 0
    for name in registry.PUBLISHERS:
        assert name in done.stdout
    assert "synthetic" in done.stdout and "aggregate" in done.stdout and "open" in done.stdout


def test_dry_run_builds_and_validates_and_pushes_nothing(raw, tmp_path):
    done = publish(*run_args("council-spending", raw, tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    assert "dry run: nothing pushed" in done.stdout and "council-spending-over-500" in done.stdout
    assert "payee name(s) redacted" in done.stderr
    package = tmp_path / "work" / "council-spending-over-500" / "package"
    assert (package / "datapackage.json").is_file() and (package / "validation-report.json").is_file()


def test_publish_then_rerun_reports_unchanged(raw, tmp_path, catalogue):
    first = publish(*run_args("lsoa-geography", raw, tmp_path / "work", catalogue))
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout and f"{catalogue.url}/dataset/lsoa-geography-deprivation" in first.stdout
    again = publish(*run_args("lsoa-geography", raw, tmp_path / "work", catalogue))
    assert again.returncode == 0 and "unchanged" in again.stdout


def _nothing_pushed(catalogue, name: str) -> None:  # noqa: ANN001
    with pytest.raises(NotFound):
        catalogue.ckan.action.package_show(id=name)


def test_a_missing_column_fails_with_exit_1_before_anything_is_pushed(raw, tmp_path, catalogue):
    for path in (raw / "police").glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("Crime type", "Offence")
        path.write_text(text, encoding="utf-8")
    done = publish(*run_args("police-street-crime", raw, tmp_path / "work", catalogue))
    assert done.returncode == 1
    assert "required column(s) missing" in done.stderr and "Crime type" in done.stderr and "Offence" in done.stderr
    assert "2024-01-north-yorkshire-street.csv" in done.stderr and "Nothing was pushed" in done.stderr
    _nothing_pushed(catalogue, "police-street-crime")


def test_an_unknown_encoding_fails_with_exit_1(raw, tmp_path, catalogue):
    path = sorted((raw / "police").glob("*.csv"))[0]
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))  # UTF-16 without its byte-order mark
    done = publish(*run_args("police-street-crime", raw, tmp_path / "work", catalogue))
    assert done.returncode == 1
    assert "not a text file in a known encoding" in done.stderr and path.name in done.stderr
    _nothing_pushed(catalogue, "police-street-crime")


def test_a_file_that_is_not_what_the_spec_says_fails_with_exit_1(raw, tmp_path, catalogue):
    (raw / "childrens" / "referrals.xlsx").write_text("Referral ID,Child ID\nR1,C1\n", encoding="utf-8")
    done = publish(*run_args("childrens-referrals", raw, tmp_path / "work", catalogue))
    assert done.returncode == 1 and "is not an Excel workbook" in done.stderr
    _nothing_pushed(catalogue, "childrens-social-care-referrals")


def test_bad_cells_beyond_what_may_be_held_back_show_file_row_column_value_expected(raw, tmp_path, catalogue):
    path = raw / "spending" / "expenditure-over-500-apr-jun-2024.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    damaged = [lines[0]] + [line.replace(",Revenue,", ",Maybe,") for line in lines[1:]]
    path.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    done = publish(*run_args("council-spending", raw, tmp_path / "work", catalogue))
    assert done.returncode == 1
    assert "expenditure-over-500-apr-jun-2024.csv" in done.stderr and "Maybe" in done.stderr
    assert "Capital or Revenue" in done.stderr and "one of" in done.stderr
    assert "more than the 10.0% this publisher may hold back" in done.stderr
    _nothing_pushed(catalogue, "council-spending-over-500")


def test_configuration_and_connection_errors_exit_2(raw, tmp_path):
    assert publish("run", "no-such-publisher").returncode == 2
    no_catalogue = publish("run", "lsoa-geography", "--raw", str(raw), "--work", str(tmp_path / "w"))
    assert no_catalogue.returncode == 2 and "--catalogue" in no_catalogue.stderr
    unreachable = publish(
        "run", "lsoa-geography", "--raw", str(raw), "--work", str(tmp_path / "w"), "--catalogue", "http://127.0.0.1:9"
    )
    assert unreachable.returncode == 2 and "unreachable" in unreachable.stderr


def test_a_wrong_token_exits_2(raw, tmp_path, catalogue):
    done = publish(
        "run", "lsoa-geography", "--raw", str(raw), "--work", str(tmp_path / "w"), "--catalogue", catalogue.url,
        "--token", "not-a-token",
    )  # fmt: skip
    assert done.returncode == 2 and "not authorised" in done.stderr.replace("\n", " ")
