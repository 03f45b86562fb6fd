"""What every endpoint shares: the scope (``restrict``), ``?expand=``, form-checked writes and
the error answers.

Each app's ``api.py`` declares viewsets on :class:`ScopedViewSet`: it reads through
``Model.objects.restrict(user, VIEW)`` and writes through ``restrict(user, CHANGE)``, exactly as
the web pages do, so an object outside the user's scope is a 404. Writes go through the app's
``services`` after the app's own Django form has checked the data, so the API and the web
pages refuse the same things with the same words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workplan.core.access import CHANGE, VIEW
from workplan.core.concurrency import EditConflict

from .expand import load, parse_expand


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset whose rows are ``model.objects.restrict(user, VIEW)`` for reads and
    ``restrict(user, CHANGE)`` for writes, with what the serializer needs loaded in a fixed
    number of queries (``select`` / ``prefetch`` here, plus the ``?expand=``-ed relations)."""

    model = None
    select: tuple = ()
    prefetch: tuple = ()
    lookup_value_regex = r"[0-9]+"
    #: Actions (``self.action``) that write; they read through ``restrict(user, CHANGE)``.
    change_actions: frozenset = frozenset({"update", "partial_update", "destroy"})

    def scope(self):
        user = self.request.user
        action = CHANGE if self.action in self.change_actions else VIEW
        return self.model.objects.restrict(user, action)

    def shape(self, queryset):
        """Per-view narrowing and annotations (override)."""
        return queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the shape
            return self.model.objects.none()
        queryset = self.shape(self.scope())
        if self.select:
            queryset = queryset.select_related(*self.select)
        if self.prefetch:
            # Callables make fresh ``Prefetch`` objects per request.
            queryset = queryset.prefetch_related(*(p() if callable(p) else p
                                                   for p in self.prefetch))
        serializer = self.get_serializer_class()
        return load(queryset, serializer, self.expand_names())

    def expand_names(self) -> tuple[str, ...]:
        if not hasattr(self, "_expand"):
            request = getattr(self, "request", None)
            reading = request is not None and request.method in permissions.SAFE_METHODS
            self._expand = parse_expand(request, self.get_serializer_class()) if reading else ()
        return self._expand

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["expand"] = self.expand_names()
        return context


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


# --- writes checked by the web's forms ------------------------------------------------------------


def form_errors(form, rename: dict | None = None) -> dict:
    """A Django form's errors as the API reports them: ``{field: [messages]}``, the form-wide
    ones under ``non_field_errors``."""
    rename = rename or {}
    errors = {}
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == "__all__" else rename.get(name, name)
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return errors


def check_form(form, rename: dict | None = None) -> dict:
    """``form.cleaned_data`` if the form is valid; a 400 with its errors otherwise."""
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form, rename))
    return form.cleaned_data


def refuse(message: str):
    raise exceptions.PermissionDenied(message)


def atomic_write(func):
    """Run a write as one transaction: a refused request writes nothing."""
    return transaction.atomic(func)


# --- errors -----------------------------------------------------------------------------------


def exception_handler(exc, context):
    """DRF's answers, plus: a Django ``ValidationError`` is a 400 with field messages; an edit
    conflict (someone saved first) a 409; a delete the data still needs a 409."""
    if isinstance(exc, DjangoValidationError):
        detail = (exc.message_dict if hasattr(exc, "error_dict")
                  else {"non_field_errors": exc.messages})
        detail = {("non_field_errors" if key == "__all__" else key): value
                  for key, value in detail.items()}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, EditConflict):
        obj = exc.obj
        current = (type(obj)._default_manager.filter(pk=obj.pk)
                   .values_list("version", flat=True).first())
        return Response({"detail": exc.message, "current_version": current},
                        status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, ProtectedError):
        return Response({"detail": _("Other records still refer to this one; it was not "
                                     "deleted.")}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


# The largest key a database column holds: a larger number in a request is a 400 naming the
# field, not an overflow inside the database driver (a 500).
KEY_MAX = 2**63 - 1


class KeyField(serializers.IntegerField):
    """An id or version given in a request: a positive integer the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", KEY_MAX)
        super().__init__(**kwargs)
