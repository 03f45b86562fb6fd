"""The OpenAPI schema (/api/schema/) passes openapi-spec-validator and Redocly CLI's lint with
the committed rule set (tools/validators/redocly.yaml: the recommended-strict rules, plus
declared tags): zero errors, zero warnings. Each validator is shown a planted fault too."""

from __future__ import annotations

import copy

import pytest
import yaml

from tests.standards.tools import openapi_spec_problems, redocly_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def lint(schema: dict, tmp_path) -> list[str]:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(schema, sort_keys=False))
    found = redocly_problems(path)
    return [f"{p['severity']} {p['ruleId']}: {p['message']} at "
            f"{(p.get('location') or [{}])[0].get('pointer', '')}" for p in found["problems"]]


def test_the_schema_passes_both_validators(schema, tmp_path):
    assert openapi_spec_problems(schema) == []
    assert lint(schema, tmp_path) == []
    assert schema["servers"] == [{"url": "http://testserver",
                                  "description": "This Workplan installation"}]
    events = schema["paths"]["/api/v1/requests/"]["get"]
    example = next(iter(events["responses"]["200"]["content"]["application/json"]
                        ["examples"].values()))["value"]
    assert example["next"].startswith("http://testserver/api/v1/requests/?cursor=")


def test_each_validator_catches_a_planted_fault(schema, tmp_path):
    broken = copy.deepcopy(schema)
    operation = broken["paths"]["/api/v1/events/"]["get"]
    del operation["summary"]
    operation["tags"] = ["no-such-tag"]
    event = broken["components"]["schemas"]["Event"]["properties"]
    event["summary"] = {"nullable": True}
    found = lint(broken, tmp_path)
    rules = {line.split()[1].rstrip(":") for line in found}
    assert {"operation-summary", "operation-tag-defined"} <= rules, found
    assert any("nullable" in line for line in found), found
    invalid = copy.deepcopy(schema)
    invalid["paths"]["/api/v1/events/"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"] = {"type": "no-such-type"}
    assert openapi_spec_problems(invalid)
