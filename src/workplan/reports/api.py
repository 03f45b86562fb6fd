"""API of reports: the exporters of the registry (the same as the Reports page and
``workplan export``): list them with their parameters, run one and get its file.

``GET /api/v1/exports/`` lists them; ``GET /api/v1/exports/{identifier}/?param=value...`` runs
one as the signed-in user (every exporter reads through ``restrict``) and answers the file
itself. A bad parameter is a 400 naming it; an unknown exporter a 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from workplan.core.links import from_request

from .registry import ExportError, registry


class ParamSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    default = serializers.CharField(allow_null=True)
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()),
                                    allow_null=True,
                                    help_text="[value, label] pairs you may choose from.")
    pattern = serializers.CharField(allow_null=True)
    help = serializers.CharField()


class ExporterSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    verbose_name = serializers.CharField()
    description = serializers.CharField()
    params = ParamSerializer(many=True)


def describe(exporter, user) -> dict:
    return {
        "identifier": exporter.identifier, "verbose_name": str(exporter.verbose_name),
        "description": str(exporter.description),
        "params": [{"name": p.name, "label": str(p.label), "required": p.required,
                    "default": p.default,
                    "choices": [[str(k), str(v)] for k, v in options]
                    if (options := p.options(user)) is not None else None,
                    "pattern": p.pattern, "help": str(p.help)} for p in exporter.params],
    }


class JsonOnly(DefaultContentNegotiation):
    """Errors in JSON, whatever the query string: an exporter's own ``format`` parameter
    (docx, xlsx ...) is not DRF's choice of renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportViewSet(viewsets.ViewSet):
    """The exporters (annual work plan, IPTT, calendar ...): run one, get its file."""

    content_negotiation_class = JsonOnly
    renderer_classes = [JSONRenderer]
    lookup_field = "identifier"
    lookup_value_regex = r"[-a-z0-9_]+"

    @extend_schema(responses=ExporterSerializer(many=True), operation_id="exports_list")
    def list(self, request):
        return Response(ExporterSerializer([describe(e, request.user) for e in registry],
                                           many=True).data)

    @extend_schema(
        operation_id="exports_run",
        parameters=[OpenApiParameter(
            "params", {"type": "object", "additionalProperties": {"type": "string"}},
            style="form", explode=True, required=False,
            description="The exporter's parameters, by name (see the list), e.g. "
                        "?office=ROCB-AP&period=2024-2025.")],
        responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY,
                                                 description="The exported file.")})
    def retrieve(self, request, identifier=None):
        try:
            exporter = registry.get(identifier)
        except ExportError:
            raise NotFound(_("No exporter “%(name)s”.") % {"name": identifier}) from None
        raw = {name: value for name, value in request.query_params.items()}
        try:
            with from_request(request):
                exported = exporter.run(raw, request.user)
        except ExportError as error:
            raise ValidationError({error.param or "non_field_errors": [str(error)]}) from None
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = content_disposition_header(True, exported.filename)
        return response


routes = [("exports", ExportViewSet, "export")]
