"""``{% history_entries object as entries %}``: who changed a record, when, and what.

Reads the record's django-simple-history in a fixed number of queries whatever the length of
its history: one for the newest records (with their users), one per many-to-many field the
history tracks, and one per foreign key whose value changed (to name the old and new rows).
Each entry diffs a record against the one before it (``record.diff_against(previous)``) with
the previous record already in memory, so ``prev_record`` (a query each) is never used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django import template
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()

LIMIT = 20
EMPTY = "—"


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    record: object
    kind: str  # "created", "changed", "deleted"
    user: object
    date: object
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    # A change whose previous version was never recorded (e.g. rows bulk-loaded): nothing to
    # compare it with.
    unknown_before: bool = False

    @property
    def who(self) -> str:
        if self.user is None:
            return _("the system")
        return self.user.get_full_name() or self.user.get_username()


@dataclass
class History:
    entries: list[Entry]
    more: bool  # older entries exist that are not shown


def _display(model_field, value, related) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        target = related.get((model_field.related_model, value))
        return str(target) if target is not None else _("deleted (#%(pk)s)") % {"pk": value}
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def history_of(obj, limit: int = LIMIT) -> History | None:
    """The newest ``limit`` entries of ``obj``'s history, newest first; None when the model
    keeps no history."""
    manager = getattr(obj, "history", None)
    if manager is None or obj.pk is None:
        return None
    model = obj._meta.model
    history_model = manager.model
    m2m = [f.name for f in getattr(history_model, "_history_m2m_fields", [])]
    records = list(manager.select_related("history_user")
                   .order_by("-history_date", "-history_id")[: limit + 1])
    more = len(records) > limit
    # Many-to-many fields: the rows each record kept, one query per field for all records.
    m2m_rows = {}
    for name in m2m:
        through = history_model.__dict__[name].model  # e.g. HistoricalEvent_beneficiaries
        target = model._meta.get_field(name).related_model
        fk = next(f for f in through._meta.fields
                  if isinstance(f, models.ForeignKey) and f.related_model is target)
        rows = defaultdict(set)
        for row in (through.objects.filter(history__in=[r.pk for r in records])
                    .select_related(fk.name)):
            rows[row.history_id].add(str(getattr(row, fk.name)))
        m2m_rows[name] = rows

    pairs = []  # (record, previous record or None, delta or None)
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        delta = None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=m2m)
        pairs.append((record, previous, delta))

    # Name the rows foreign keys pointed to: one query per foreign key that changed.
    wanted = defaultdict(set)
    for _record, _previous, delta in pairs:
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            if isinstance(model_field, models.ForeignKey):
                wanted[model_field.related_model].update(
                    v for v in (change.old, change.new) if v is not None)
    related = {}
    for related_model, pks in wanted.items():
        for row in related_model._base_manager.filter(pk__in=pks):
            related[(related_model, row.pk)] = row

    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    entries = []
    for record, previous, delta in pairs:
        kind = {"+": "created", "-": "deleted"}.get(record.history_type, "changed")
        entry = Entry(record=record, kind=kind, user=record.history_user,
                      date=record.history_date, reason=record.history_change_reason or "",
                      unknown_before=previous is None and kind == "changed")
        for change in delta.changes if delta else ():
            model_field = model._meta.get_field(change.field)
            entry.changes.append(Change(
                change.field, str(model_field.verbose_name),
                _display(model_field, change.old, related),
                _display(model_field, change.new, related)))
        if previous is not None and kind == "changed":
            for name in m2m:
                old = m2m_rows[name].get(previous.pk, set())
                new = m2m_rows[name].get(record.pk, set())
                if old != new:
                    entry.changes.append(Change(
                        name, str(model._meta.get_field(name).verbose_name),
                        ", ".join(sorted(old)) or EMPTY, ", ".join(sorted(new)) or EMPTY))
        entry.changes.sort(key=lambda change: order.get(change.field, len(order)))
        entries.append(entry)
    return History(entries=entries, more=more)


@register.simple_tag
def history_entries(obj, limit: int = LIMIT):
    """``{% history_entries object as history %}``: see :func:`history_of`."""
    return history_of(obj, limit)
