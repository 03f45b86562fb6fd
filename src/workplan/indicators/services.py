"""Writes of the indicators app: bindings, targets, manual values and their review, the
adoption register. Each is one named function; multi-record writes are atomic."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.core.concurrency import save_versioned
from workplan.notifications import tell

from .binding import apply as apply_rules
from .measures import registry

DATA = Path(__file__).parent / "data"


def load_instruments(models=None) -> int:
    """Create or update the WCO instruments the register tracks (idempotent)."""
    Instrument = (models.get_model("indicators", "Instrument") if models
                  else __import__("workplan.indicators.models", fromlist=["Instrument"])
                  .Instrument)
    with (DATA / "instruments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for position, row in enumerate(rows, start=1):
        Instrument.objects.update_or_create(code=row["code"], defaults={
            "name": row["name"], "kind": row["kind"],
            "top_status_label": row["top_status_label"],
            "keywords": [w for w in row["keywords"].split("|") if w],
            "position": position * 10})
    return len(rows)


def refuse_archived(indicator) -> None:
    """An archived KPI (no longer in the plan) is kept as it was: its data is read-only."""
    if indicator.archived_at is not None:
        raise ValidationError(_(
            "This KPI is no longer in the plan (a re-import archived it on %(date)s): its "
            "targets, values and measure are kept as they were and cannot be changed.")
            % {"date": indicator.archived_at.date().isoformat()})


@transaction.atomic
def rebind(indicators) -> int:
    """Apply the binding rules again to indicators staff did not bind by hand."""
    changed = []
    for indicator in indicators.filter(archived_at__isnull=True).select_related("action"):
        if apply_rules(indicator):
            changed.append(indicator)
    for indicator in changed:
        indicator.save(update_fields=["measure", "params", "cumulative", "modified"])
    return len(changed)


@transaction.atomic
def set_binding(indicator, *, measure: str, params: dict, cumulative: bool, direction: str,
                locked: bool = True, user=None, expected_version: int | None = None):
    """Staff choose how an indicator is counted; a locked binding survives re-imports.
    ``locked=False`` hands the indicator back to the rules (``measure`` and ``params`` are
    then ignored: the rules choose them). Saved only if nobody saved the indicator since
    ``expected_version`` (the version the form was opened with): ``EditConflict``
    otherwise, and nothing is written."""
    refuse_archived(indicator)
    if locked:
        if measure not in registry:
            raise ValidationError({"measure": _("Unknown measure %(key)r.") % {"key": measure}})
        try:
            params = registry.get(measure).validate_params(dict(params))
        except ValueError as error:
            raise ValidationError({"params": str(error)}) from None
    if not locked:
        indicator.measure_locked = False
        apply_rules(indicator)
    else:
        indicator.measure, indicator.params = measure, params
        indicator.cumulative, indicator.measure_locked = cumulative, True
    indicator.direction = direction
    indicator._change_reason = "binding chosen by staff" if locked else "binding by rules"
    indicator.full_clean()
    save_versioned(indicator,
                   indicator.version if expected_version is None else expected_version)
    return indicator


@transaction.atomic
def save_targets(indicator, fiscal_year: int, rows: dict[int, tuple], *,
                 expected_version: int | None = None) -> None:
    """``rows``: quarter (0 = year) -> (target, baseline); both None deletes the row.

    Targets are part of the indicator: with ``expected_version`` (the version the form was
    opened with) they are saved only if nobody saved the indicator or its targets since
    (``EditConflict`` otherwise, nothing written), and the indicator's version moves on."""
    from .models import Target

    refuse_archived(indicator)
    if expected_version is not None:
        indicator._change_reason = "targets changed"
        save_versioned(indicator, expected_version)

    for quarter, (target, baseline) in rows.items():
        if target is None and baseline is None:
            Target.objects.filter(indicator=indicator, fiscal_year=fiscal_year,
                                  quarter=quarter).delete()
            continue
        Target.objects.update_or_create(
            indicator=indicator, fiscal_year=fiscal_year, quarter=quarter,
            defaults={"target": target, "baseline": baseline})


# --- manual values -----------------------------------------------------------------------------


def add_value(indicator, *, user, on, value: Decimal, description: str, evidence: str = "",
              evidence_url: str = "", member=None, submit: bool = False):
    from .models import Value

    refuse_archived(indicator)
    if indicator.measure != "manual":
        raise ValidationError(_("This indicator is computed from the records (%(measure)s); "
                                "values cannot be entered by hand.")
                              % {"measure": registry.get(indicator.measure).label})
    item = Value(indicator=indicator, on=on, value=value, description=description,
                 evidence=evidence, evidence_url=evidence_url, member=member,
                 entered_by=user,
                 status=Value.Status.SUBMITTED if submit else Value.Status.DRAFT)
    item.full_clean()
    with transaction.atomic():
        item.save()
        if submit:
            tell.value_moved(item, Value.Status.SUBMITTED, actor=user)
    return item


@transaction.atomic
def review_value(item, *, user, to: str, note: str = ""):
    """Submit, approve or return a value. Nobody approves a value they entered: the review
    is the second pair of eyes the evidence is for."""
    from .models import Value

    item = Value.objects.select_for_update().select_related("indicator").get(pk=item.pk)
    refuse_archived(item.indicator)
    if to not in Value.TRANSITIONS[Value.Status(item.status)]:
        raise ValidationError(_("A value that is %(status)s cannot become %(to)s.")
                              % {"status": item.get_status_display(), "to": to})
    if to in (Value.Status.APPROVED, Value.Status.RETURNED):
        if item.entered_by_id == user.pk and not user.is_superuser:
            raise PermissionDenied(_("Someone other than the person who entered a value "
                                     "reviews it."))
        if to == Value.Status.RETURNED and not note.strip():
            raise ValidationError({"review_note": _("Say what needs changing.")})
        item.reviewed_by, item.reviewed_at, item.review_note = user, timezone.now(), note
    item.status = to
    item.save()
    tell.value_moved(item, to, actor=user)
    return item


# --- the adoption register ---------------------------------------------------------------------


def record_adoption(*, member, instrument, status: int, since, evidence: str,
                    evidence_url: str = "", user=None):
    """Add a dated status; a status already recorded for that day is replaced (a
    correction), earlier ones stay as the history."""
    from .models import Adoption

    row = Adoption.objects.filter(member=member, instrument=instrument, since=since).first()
    row = row or Adoption(member=member, instrument=instrument, since=since)
    row.status, row.evidence, row.evidence_url, row.recorded_by = (
        status, evidence, evidence_url, user)
    row.full_clean()
    row.save()
    return row
