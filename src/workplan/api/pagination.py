"""Pagination: numbered pages for the short lists, cursors for the long ones.

Cursor pages (events, participations, people, requests) stay fast and stable however deep a
client reads and while rows are added: ``next`` and ``previous`` are links to follow, and no
``count`` is computed.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"  # each view's ``ordering`` (or ``?ordering=``) decides

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValidationError, ValueError, TypeError, OverflowError):
            # A cursor that decodes but holds a position of the wrong type.
            raise NotFound(_("Invalid cursor: follow the “next” and “previous” links as "
                             "given.")) from None
