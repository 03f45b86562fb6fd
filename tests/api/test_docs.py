"""docs/api.md: every curl example names an endpoint that exists, with a method it takes and
query parameters the schema documents."""

import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "api.md"


def curl_commands() -> list[list[str]]:
    """Each code block (indented, between blank lines) that starts with ``curl``."""
    commands = []
    for block in re.split(r"\n\s*\n", DOC.read_text()):
        lines = [line.strip() for line in block.splitlines()]
        if lines and lines[0].startswith("curl "):
            joined = " ".join(line.removesuffix("\\").strip() for line in lines)
            commands.append(shlex.split(joined))
    return commands


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_curl_example_names_an_endpoint(schema):
    commands = curl_commands()
    assert len(commands) >= 10
    checked = set()
    for args in commands:
        url = next(a for a in args if a.startswith("http"))
        method = args[args.index("-X") + 1] if "-X" in args else "GET"
        parts = urlsplit(url)
        match = resolve(parts.path)
        if match.url_name == "api-schema":
            continue
        assert match.namespace == "api", url
        actions = match.func.actions
        assert method.lower() in actions, f"{method} {parts.path}: takes {sorted(actions)}"
        template = re.sub(r"/\d+/", "/{id}/", parts.path)
        template = re.sub(r"/members/[A-Z]{3}/", "/members/{iso3}/", template)
        template = re.sub(r"/exports/[-a-z0-9_]+/", "/exports/{identifier}/", template)
        operation = schema["paths"][template][method.lower()]
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        known = {p["name"] for p in query}
        unknown = set(parse_qs(parts.query)) - known
        if any(p["schema"].get("type") == "object" and p.get("explode") for p in query):
            unknown = set()  # free-form parameters (an exporter's own)
        assert not unknown, f"{url}: {sorted(unknown)} not in the schema ({sorted(known)})"
        checked.add((method, template))
    assert len(checked) >= 10
