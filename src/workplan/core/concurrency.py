"""Optimistic locking: a save states the version it started from; a stale one is refused.

Two people editing the same record: the first save wins and bumps the version; the second,
still carrying the old version, gets :class:`EditConflict` with who changed it and when,
instead of silently overwriting their work.
"""

from __future__ import annotations

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
    model = type(obj)
    with transaction.atomic():
        _guarded_save(obj, model, expected_version, fields)


def _guarded_save(obj, model, expected_version, fields) -> None:
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1)
    if not updated:
        current = model._default_manager.filter(pk=obj.pk).first()
        if current is None:
            raise EditConflict(obj, _("This record was deleted while you were editing it."))
        who = _latest_author(current)
        raise EditConflict(obj, _(
            "This record was changed by %(who)s at %(when)s while you were editing it. "
            "Your changes were not saved: reload the page to see theirs, then edit again."
        ) % {"who": who, "when": current.modified.strftime("%Y-%m-%d %H:%M")})
    obj.version = expected_version + 1
    kwargs = {"update_fields": [*fields, "version", "modified"]} if fields else {}
    obj.save(**kwargs)


def _latest_author(obj) -> str:
    history = getattr(obj, "history", None)
    if history is not None:
        record = history.select_related("history_user").first()
        if record is not None and record.history_user is not None:
            return str(record.history_user)
    return _("someone else")
