"""Answers of the API outside its views: a URL under /api/ that matches nothing is a JSON 404
(as the views' own 404s), not the site's HTML page."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

API_PREFIX = "/api/"


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
