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


class WorkplanSchema(AutoSchema):
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
            one = {"oneOf": [key, whole], "nullable": True}
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
