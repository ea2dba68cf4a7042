"""The register of standard schemas: completeness of every schema and the behaviour of its constraints."""

from __future__ import annotations

import re

import pytest
from frictionless import Schema

from datapackages.schemas import DISCLOSURE_CLASSES, SchemaNotFoundError, field_disclosure, list_schemas, load_schema

REQUIRED_SCHEMAS = {
    "emergency-incidents",
    "contacts-repeat-callers",
    "service-demand-lsoa",
    "spend-over-500",
    "childrens-social-care-referrals",
    "lsoa-geography",
}
NAMES = sorted({s["name"] for s in list_schemas()})


def test_register_holds_the_agreed_schemas():
    assert REQUIRED_SCHEMAS <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_complete_and_valid_table_schema(name):
    schema = load_schema(name)
    assert schema["name"] == name
    assert re.fullmatch(r"\d+\.\d+\.\d+", schema["version"])
    assert schema["title"] and schema["description"]
    assert schema["primaryKey"] and schema["missingValues"] == [""]
    assert Schema.validate_descriptor(schema).valid
    for field in schema["fields"]:
        assert field["description"] and field["title"], field["name"]
        assert "example" in field, field["name"]
        assert field["disclosure"] in DISCLOSURE_CLASSES, field["name"]


@pytest.mark.parametrize("name", NAMES)
def test_every_example_is_a_valid_cell(name):
    schema = Schema.from_descriptor(load_schema(name))
    for field in schema.fields:
        example = load_schema(name)["fields"][schema.field_names.index(field.name)]["example"]
        value, notes = field.read_cell(str(example).lower() if isinstance(example, bool) else str(example))
        assert not notes, (field.name, example, notes)
        assert value is not None


def _field(schema_name: str, field_name: str):
    schema = Schema.from_descriptor(load_schema(schema_name))
    return schema.get_field(field_name)


@pytest.mark.parametrize(
    ("schema_name", "field_name", "good", "bad"),
    [
        ("emergency-incidents", "lsoa_code", ["E01027558", "W01000001"], ["E0102755", "E02000001", "e01027558"]),
        ("emergency-incidents", "ward_code", ["E05009862"], ["E0500986", "E06000014"]),
        ("emergency-incidents", "local_authority_code", ["E06000014", "E07000163"], ["E05000001", "E1000001"]),
        ("emergency-incidents", "postcode_district", ["YO1", "YO31", "EC1A", "W1"], ["YO", "1YO", "YO31 4AB"]),
        ("emergency-incidents", "uprn", ["1", "999999999999"], ["0", "1000000000000", "12.5"]),
        ("emergency-incidents", "usrn", ["21201270"], ["100000000", "x"]),
        ("emergency-incidents", "incident_month", ["2019-01"], ["2019-13", "2019-1"]),
        ("contacts-repeat-callers", "caller_key", ["a" * 64], ["A" * 64, "a" * 63]),
        ("service-demand-lsoa", "count", ["0", "12", ""], ["-1", "1.5"]),
        ("childrens-social-care-referrals", "primary_need", ["N1", "N9"], ["N0", "N10"]),
    ],
)
def test_constraints_accept_and_reject(schema_name, field_name, good, bad):
    field = _field(schema_name, field_name)
    for value in good:
        assert not field.read_cell(value)[1], value
    for value in bad:
        assert field.read_cell(value)[1], value


def test_suppression_is_documented_for_aggregates():
    schema = load_schema("service-demand-lsoa")
    rule = schema["suppression"]
    names = {f["name"]: f for f in schema["fields"]}
    assert names[rule["countField"]]["type"] == "integer"
    assert not names[rule["countField"]].get("constraints", {}).get("required")
    assert names[rule["flagField"]]["type"] == "boolean"
    assert names[rule["flagField"]]["constraints"]["required"]
    assert rule["marker"] == ""


def test_disclosure_classes_mark_identifiers():
    incidents = field_disclosure(load_schema("emergency-incidents"))
    assert incidents["uprn"] == "direct-identifier"
    assert incidents["lsoa_code"] == "quasi-identifier"
    assert field_disclosure(load_schema("contacts-repeat-callers"))["caller_key"] == "direct-identifier"


def test_load_schema_by_major_version_and_path(tmp_path):
    assert load_schema("lsoa-geography@1")["name"] == "lsoa-geography"
    assert load_schema("lsoa-geography-v1")["name"] == "lsoa-geography"
    path = tmp_path / "custom.json"
    path.write_text('{"fields": [{"name": "a", "type": "string"}]}')
    assert load_schema(path)["fields"][0]["name"] == "a"
    with pytest.raises(SchemaNotFoundError, match="known schemas"):
        load_schema("no-such-schema")
    with pytest.raises(SchemaNotFoundError):
        load_schema("lsoa-geography@9")


def test_loaded_schema_is_a_copy():
    load_schema("lsoa-geography")["fields"].clear()
    assert load_schema("lsoa-geography")["fields"]


def test_register_has_no_unversioned_breaking_change():
    from datapackages.schemas.compat import check_register

    assert check_register([load_schema(s["path"]) for s in list_schemas()]) == []


def test_breaking_changes_are_detected(tmp_path):
    from datapackages.schemas.compat import breaking_changes, check_register

    old = load_schema("spend-over-500")
    harmless = load_schema("spend-over-500")
    harmless["fields"][0]["description"] = "Reworded"
    harmless["fields"][9]["constraints"]["enum"].append("Other")
    assert breaking_changes(old, harmless) == []
    tighter = load_schema("spend-over-500")
    tighter["fields"][7]["constraints"]["minimum"] = 500
    tighter["fields"][2]["constraints"] = {"required": True}
    found = breaking_changes(old, tighter)
    assert any("amount_gbp" in p and "minimum" in p for p in found)
    assert any("service_area" in p and "required" in p for p in found)
    renamed = load_schema("spend-over-500")
    renamed["fields"][0]["name"] = "body"
    assert breaking_changes(old, renamed)
    (tmp_path / "spend-over-500-1.0.0.json").write_text(__import__("json").dumps(old))
    tighter["version"] = "1.1.0"
    assert check_register([tighter], tmp_path)
    tighter["version"] = "2.0.0"
    assert check_register([tighter], tmp_path) == []
