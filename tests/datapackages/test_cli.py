"""The ``datapackages`` command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from datapackages.cli import main

GOOD = "lsoa_code,lsoa_name,ward_code,ward_name,local_authority_code,local_authority_name,imd_rank,imd_decile\n"


def test_schemas_list_and_show():
    runner = CliRunner()
    listed = runner.invoke(main, ["schemas", "list"])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert len(lines) >= 6 and all(len(line.split("\t")) == 3 for line in lines)
    shown = runner.invoke(main, ["schemas", "show", "spend-over-500"])
    assert json.loads(shown.output)["name"] == "spend-over-500"
    missing = runner.invoke(main, ["schemas", "show", "nope"])
    assert missing.exit_code != 0 and "known schemas" in missing.output


def test_validate_reports_row_column_value_and_expectation(tmp_path):
    path = tmp_path / "geo.csv"
    path.write_text(GOOD + "E0101335,York 001A,E05010811,Haxby,E06000014,York,40000,7\n")
    result = CliRunner().invoke(main, ["validate", str(path), "--schema", "lsoa-geography"])
    assert result.exit_code == 1
    assert "E0101335" in result.output and "lsoa_code" in result.output
    assert "pattern" in result.output and "at most 32844" in result.output


def test_validate_json_and_valid_exit_code(tmp_path):
    path = tmp_path / "geo.csv"
    path.write_text(GOOD + "E01013358,York 001A,E05010811,Haxby,E06000014,York,20000,7\n")
    result = CliRunner().invoke(main, ["validate", str(path), "--schema", "lsoa-geography", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["valid"] is True
    plain = CliRunner().invoke(main, ["validate", str(path), "--schema", "lsoa-geography"])
    assert plain.exit_code == 0 and "valid" in plain.output


def test_build_then_quality(tmp_path):
    data = tmp_path / "geo.csv"
    data.write_text(GOOD + "E01013358,York 001A,E05010811,Haxby,E06000014,York,20000,7\n")
    meta = tmp_path / "meta.json"
    meta.write_text(
        json.dumps(
            {
                "name": "geo",
                "title": "Geo",
                "description": "LSOA lookup",
                "keywords": ["x"],
                "contributors": [{"title": "ONS"}],
                "frequency": "annually",
                "modified": "2099-01-01",
            }
        )
    )
    built = CliRunner().invoke(
        main, ["build", str(tmp_path / "pkg"), "--metadata", str(meta), "--resource", f"{data}=lsoa-geography"]
    )
    assert built.exit_code == 0, built.output
    rated = CliRunner().invoke(main, ["quality", str(tmp_path / "pkg" / "datapackage.json"), "--json"])
    summary = json.loads(rated.output)["geo"]
    assert summary["seal"], summary
    bad = CliRunner().invoke(main, ["build", str(tmp_path / "pkg2"), "--metadata", str(meta), "--resource", "x"])
    assert bad.exit_code != 0 and "PATH=SCHEMA" in bad.output


def test_the_program_flushes_everything_before_its_fast_exit(tmp_path):
    """As the ``datapackages`` program, the command exits without the interpreter's teardown: the whole
    report (larger than a pipe's buffer) must still arrive, with the exit code."""
    import subprocess
    import sys
    from pathlib import Path

    program = Path(sys.executable).parent / "datapackages"
    path = tmp_path / "geo.csv"
    rows = [f"E0101335{i % 10},York {i},E05010811,Haxby,E06000014,York,99999,7" for i in range(400)]
    path.write_text(GOOD + "\n".join(rows) + "\n")
    bad = subprocess.run(
        [program, "validate", str(path), "--schema", "lsoa-geography", "--json"], capture_output=True, text=True
    )
    assert bad.returncode == 1 and len(bad.stdout) > 1 << 16
    assert json.loads(bad.stdout)["tasks"][0]["warnings"] == ["reached error limit: 1000"]
    path.write_text(GOOD + "E01013358,York 001A,E05010811,Haxby,E06000014,York,20000,7\n")
    good = subprocess.run(
        [program, "validate", str(path), "--schema", "lsoa-geography"], capture_output=True, text=True
    )
    assert good.returncode == 0 and "valid" in good.stdout
