"""The OpenAPI schema and its browsable documentation: served by Workplan itself (no CDN),
with the token scheme and examples on the main endpoints."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_and_complete(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    paths = schema["paths"]
    for path in ("/api/v1/events/", "/api/v1/requests/", "/api/v1/participations/",
                 "/api/v1/iptt/{id}/", "/api/v1/surveys/{id}/results/", "/api/v1/exports/"):
        assert path in paths, path
    examples = paths["/api/v1/events/"]["post"]["requestBody"]["content"]["application/json"]
    assert examples["examples"], "recording an event has an example"
    listed = paths["/api/v1/events/"]["get"]
    assert {"cursor", "expand", "fy", "member", "ordering"} <= {
        p["name"] for p in listed["parameters"]}
    assert {"400", "401", "403", "404"} <= set(listed["responses"])


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_are_self_hosted(client, url):
    page = client.get(url).content.decode()
    assert "drf_spectacular_sidecar" in page
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_an_unknown_api_url_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert "<html" in client.get("/nothing/here/").content.decode().lower()
