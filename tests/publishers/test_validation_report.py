"""The validation report a release carries is the report of validating the released file itself.

The pipeline checks the rows in memory as it writes them (``datapackages.validate.written``) instead of
reading the written file back; these tests validate the file that was actually released, from disk, and
require the same report, byte for byte once timings are left out, and the same hash in the descriptor.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from datapackages.validate import validate_file
from publishers import registry
from publishers.framework.packaging import _stable
from publishers.framework.pipeline import run
from tests.publishers.conftest import make_options

OPEN_AND_AGGREGATE = ["lsoa-geography", "fire-incidents", "police-street-crime", "council-spending", "service-demand"]


def _released(result) -> tuple[Path, dict, dict]:  # noqa: ANN001
    data = next(f for f in result.built.files if f.role == "data")
    published = json.loads((result.built.folder / "validation-report.json").read_text(encoding="utf-8"))
    return data.path, published, data.schema


def _assert_report_is_the_files(result) -> dict:  # noqa: ANN001
    path, published, schema = _released(result)
    from_file = _stable(validate_file(path, schema))
    assert published == from_file
    data = path.read_bytes()
    stats = published["tasks"][0]["stats"]
    assert stats["sha256"] == hashlib.sha256(data).hexdigest() and stats["bytes"] == len(data)
    described = json.loads((result.built.folder / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]
    assert described["hash"] == f"sha256:{stats['sha256']}" and described["bytes"] == len(data)
    return published


@pytest.mark.parametrize("name", OPEN_AND_AGGREGATE)
def test_the_published_report_is_the_released_files_report(name, raw, tmp_path):
    result = run(registry.load(name), make_options(raw, tmp_path / "work", dry_run=True))
    published = _assert_report_is_the_files(result)
    assert published["valid"] and published["tasks"][0]["stats"]["rows"] == result.rows_out


def test_rows_held_back_by_validation_leave_a_report_of_the_released_file(raw, tmp_path):
    month = sorted((raw / "police").glob("*.csv"))[0]
    lines = month.read_text(encoding="utf-8").splitlines()
    crime = next(i for i, line in enumerate(lines[1:], start=1) if not line.startswith(","))
    month.write_text("\n".join([*lines, lines[crime]]) + "\n", encoding="utf-8")  # a crime reported twice
    result = run(registry.load("police-street-crime"), make_options(raw, tmp_path / "work", dry_run=True))
    assert result.rows_held == 1 and result.problems == 2  # a unique error and a primary key error
    _assert_report_is_the_files(result)
