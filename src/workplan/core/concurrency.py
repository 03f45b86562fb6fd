"""Optimistic locking: a save states the version it started from; a stale one is refused.

Two people editing the same record: the first save wins and bumps the version; the second,
still carrying the old version, gets :class:`EditConflict` with who changed it and when,
instead of silently overwriting their work.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _


class EditConflict(Exception):
    def __init__(self, obj, message: str):
        self.obj = obj
        self.message = message
        super().__init__(message)


def save_versioned(obj, expected_version: int, fields: list[str] | None = None) -> None:
    """Save ``obj`` only if its stored version is still ``expected_version``.

    One UPDATE ... WHERE version = expected: atomic on every database, no lock held while a
    person edits a form. History (django-simple-history) is written by ``obj.save`` after the
    guarded update succeeded.
    """
    with transaction.atomic():
        claim_version(obj, expected_version)
        kwargs = {"update_fields": [*fields, "version", "modified"]} if fields else {}
        obj.save(**kwargs)


def claim_version(obj, expected_version: int) -> None:
    """The guarded half of :func:`save_versioned`: move the stored version of ``obj`` from
    ``expected_version`` to the next one (``EditConflict`` if it is no longer
    ``expected_version``) and set ``obj.version``, without saving anything else yet.

    For a save with more to do before ``obj.save()`` that must not be done when the save is
    refused (e.g. replacing a stored file). Call it inside the transaction that then saves
    ``obj``.
    """
    model = type(obj)
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1)
    if not updated:
        raise EditConflict(obj, stale_message(obj))
    obj.version = expected_version + 1


def stale_message(obj) -> str:
    """What a person is told when the record they edited changed (or went) meanwhile."""
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    if current is None:
        return _("This record was deleted while you were editing it.")
    return _(
        "This record was changed by %(who)s at %(when)s while you were editing it. "
        "Your changes were not saved: reload the page to see theirs, then edit again."
    ) % {"who": _latest_author(current), "when": current.modified.strftime("%Y-%m-%d %H:%M")}


def add_version_field(form, version: int, name: str = "version") -> None:
    """Give ``form`` (editing a versioned record) the hidden ``version`` field: unbound, the
    version of the record it is filled from; posted, the version its save states (see
    :func:`save_versioned`). A post without it is refused, naming the field."""
    form.fields[name] = forms.IntegerField(
        widget=forms.HiddenInput, required=True, error_messages={
            "required": _("The form did not say which version of the record it was opened "
                          "with: reload the page, then edit again."),
            "invalid": _("The version of the record is not a number: reload the page, then "
                         "edit again.")})
    if not form.is_bound:
        form.initial[name] = version


def _latest_author(obj) -> str:
    history = getattr(obj, "history", None)
    if history is not None:
        record = history.select_related("history_user").first()
        if record is not None and record.history_user is not None:
            return str(record.history_user)
    return _("someone else")
