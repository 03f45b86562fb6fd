"""OpenAPI (drf-spectacular): the token scheme, ``Expandable`` fields (a key, or the object),
the ``expand`` parameter and the error answers every operation may give.

Loaded by ``workplan.api.urls`` (the extensions register themselves on import) and named in
``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``.
"""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type, build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from .expand import Expandable, expandable_fields

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field (``non_field_errors`` for the request as a whole).",
    "additionalProperties": True,
}
ERRORS = {
    "400": ("Invalid request: the messages name each field (nothing was written).",
            FIELD_ERRORS),
    "401": ("Not signed in, or the token is unknown, revoked or expired.", DETAIL),
    "403": ("Not allowed (e.g. a read-only token, or a role that cannot do this).", DETAIL),
    "404": ("Not found, or outside your scope.", DETAIL),
}
CONFLICT = ("Someone saved the record after the version you sent, or other records still "
            "need it: nothing was written.", DETAIL)


ACTIONS = {
    "list": "List {plural}",
    "retrieve": "Get one {singular}",
    "create": "Create {article} {singular}",
    "update": "Replace {article} {singular}",
    "partial_update": "Change {article} {singular}",
    "destroy": "Delete {article} {singular}",
}

# Operations of views that serve no model of their own.
SUMMARIES = {
    "exports_list": "List the exporters",
    "exports_run": "Run an exporter (its file)",
    "iptt_retrieve": "The IPTT of a work plan",
    "me_retrieve": "The signed-in user and their roles",
    "work_plans_retrieve": "Get one work plan",
}


class WorkplanSchema(AutoSchema):
    def get_summary(self):
        """A short title for every operation (API documentation lists operations by it):
        the verb of the action and the records it concerns, e.g. "List events"."""
        if self.get_operation_id() in SUMMARIES:
            return SUMMARIES[self.get_operation_id()]
        action = getattr(self.view, "action", None) or self.method.lower()
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if model is None:
            serializer = getattr(self.view, "serializer_class", None)
            model = getattr(getattr(serializer, "Meta", None), "model", None)
        tag = (self.get_tags() or ["record"])[0].replace("-", " ")
        singular = str(model._meta.verbose_name) if model else tag
        plural = str(model._meta.verbose_name_plural) if model else tag
        article = "an" if singular[:1].lower() in "aeiou" else "a"
        if action in ACTIONS:
            return ACTIONS[action].format(plural=plural, singular=singular, article=article)
        words = action.replace("_", " ")
        return f"{singular[:1].upper()}{singular[1:]}: {words}"

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if self.method == "GET" and action in ("list", "retrieve") \
                and hasattr(self.view, "expand_names"):
            names = sorted(expandable_fields(self.view.get_serializer_class()))
            if names:
                parameters.append(OpenApiParameter(
                    "expand", type={"type": "array", "items": {"type": "string",
                                                               "enum": names}},
                    style="form", explode=False, required=False,
                    description="Related objects to include whole instead of by key "
                                "(comma-separated)."))
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method not in permissions.SAFE_METHODS:
            errors["409"] = CONFLICT
        for code, (description, schema) in errors.items():
            responses.setdefault(code, {
                "content": {"application/json": {"schema": schema}},
                "description": description,
            })
        return responses


class ExpandableExtension(OpenApiSerializerFieldExtension):
    target_class = "workplan.api.expand.Expandable"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field: Expandable = self.target
        key = auto_schema._map_serializer_field(field.key_field, direction)
        whole = auto_schema.resolve_serializer(field.serializer_class, direction).ref
        one = {"oneOf": [key, whole]}
        if field.many:
            return build_array_type(one)
        if field.allow_null:
            one = {"oneOf": [key, whole], "nullable": True}  # see ``_bounds_30``
        return one


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "workplan.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization",
                                                     token_prefix="Token")
        scheme["description"] = ("A personal API token (``wpt_...``), created on the “API "
                                 "tokens” page: ``Authorization: Token wpt_...``.")
        return scheme


def _bounds_30(node, components=None) -> None:
    """OpenAPI 3.0 fixes: the boolean ``exclusiveMaximum``/``exclusiveMinimum``
    (drf-spectacular's digit limit of a decimal field) are read as 3.1's numbers by the
    example validators that linters run: drop the open bound (the server still refuses too
    many digits, naming the field). ``nullable`` is only allowed beside a ``type``: on a
    ``oneOf`` it moves into the alternatives that have one; a nullable reference to an object
    schema (``allOf: [$ref]``) says ``type: object``."""
    components = components or {}
    if isinstance(node, dict):
        if node.get("nullable") and "type" not in node and len(node.get("allOf", ())) == 1:
            target = node["allOf"][0].get("$ref", "").rsplit("/", 1)[-1]
            kind = components.get(target, {}).get("type")
            if kind:
                node["type"] = kind
        if node.get("nullable") and "type" not in node and "oneOf" in node:
            node.pop("nullable")
            for alternative in node["oneOf"]:
                if "type" in alternative:
                    alternative["nullable"] = True
        for side, flag in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
            if node.get(flag) is True:
                node.pop(flag)
                node.pop(side, None)
        for value in node.values():
            _bounds_30(value, components)
    elif isinstance(node, list):
        for value in node:
            _bounds_30(value, components)


def postprocess(result, generator, request, public):
    """The server is this installation (the request's address, else WORKPLAN_BASE_URL: one
    place, ``core.links``); the list examples' ``next``/``previous`` are links to the list's
    own path; 3.0-correct bounds."""
    from contextlib import nullcontext

    from workplan.core.links import base_url, from_request

    with from_request(request) if request is not None else nullcontext():
        base = base_url()
    result["servers"] = [{"url": base, "description": "This Workplan installation"}]
    for path, operations in result.get("paths", {}).items():
        operation = operations.get("get") or {}
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        for media in content.values():
            for example in media.get("examples", {}).values():
                value = example.get("value")
                if isinstance(value, dict) and "next" in value:
                    cursor = "cursor" if "count" not in value else "page"
                    value["next"] = f"{base}{path}?{cursor}=" + (
                        "cD00ODY%3D" if cursor == "cursor" else "3")
                    value["previous"] = f"{base}{path}?{cursor}=" + (
                        "cj0xJnA9NDg3" if cursor == "cursor" else "1")
    _bounds_30(result, result.get("components", {}).get("schemas", {}))
    return result
