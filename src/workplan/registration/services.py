"""Writes of registration: merging two records of one person, a person's data (export and
erasure on request). Each is one transaction: it happens whole or not at all."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.delivery.models import Participation
from workplan.directory.models import Accreditation, Person

from .models import PersonMerge

PERSON_FIELDS = ("full_name", "gender", "member_id", "partner_id", "position", "email",
                 "user_id")


class PersonError(ValueError):
    """A step on a person's record that is refused; the message says why."""


def _snapshot(person: Person) -> dict:
    return {name: getattr(person, name) for name in PERSON_FIELDS}


@transaction.atomic
def merge_people(keep: Person, other: Person, *, user=None) -> PersonMerge:
    """Make ``other`` part of ``keep``: its participations, survey invitations,
    accreditations, registrations and account move to ``keep``; fields ``keep`` lacks are
    taken from ``other``; ``other`` is removed (its history and a ``PersonMerge`` keep what it
    held). Two people of different offices are never merged. Where both were recorded at the
    same event, ``keep``'s participation stays and counts as attended if either did."""
    if keep.pk == other.pk:
        raise PersonError(_("A record cannot be merged with itself."))
    if keep.office_id != other.office_id:
        raise PersonError(_("%(kept)s and %(other)s are records of different offices: they are "
                            "not merged (each office keeps its own records).")
                          % {"kept": keep.full_name, "other": other.full_name})
    if keep.erased_at or other.erased_at:
        raise PersonError(_("An erased record is not merged."))
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    other = Person.objects.select_for_update().get(pk=other.pk)
    snapshot = _snapshot(other)
    moved: dict[str, list] = {"participations": [], "combined": [], "invitations": [],
                              "accreditations": [], "registrations": []}
    kept_at = {p.event_id: p for p in Participation.objects.filter(person=keep)}
    for participation in Participation.objects.filter(person=other).order_by("pk"):
        mine = kept_at.get(participation.event_id)
        if mine is None:
            participation.person = keep
            participation.save(update_fields=["person", "modified"])
            moved["participations"].append(participation.pk)
            continue
        if participation.attended and not mine.attended:
            mine.attended = True
            mine.save(update_fields=["attended", "modified"])
        if mine.member_id is None and participation.member_id:
            mine.member_id = participation.member_id
            mine.save(update_fields=["member", "modified"])
        moved["combined"].append({"event": participation.event_id,
                                  "removed": participation.pk, "kept": mine.pk})
        participation.delete()
    invitations = other.survey_invitations.all()
    moved["invitations"] = list(invitations.values_list("pk", flat=True))
    invitations.update(person=keep)
    accreditations = Accreditation.objects.filter(person=other)
    moved["accreditations"] = list(accreditations.values_list("pk", flat=True))
    for accreditation in accreditations:
        accreditation.person = keep
        accreditation.save(update_fields=["person", "modified"])
    moved["registrations"] = _move_registrations(other, keep)
    account = other.user
    changed = []
    for name in ("email", "position", "member", "partner"):
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            changed.append(name)
    if keep.gender == Person.Gender.UNDISCLOSED and other.gender != keep.gender:
        keep.gender = other.gender
        changed.append("gender")
    merge = PersonMerge.objects.create(office_id=keep.office_id, kept=keep,
                                       merged_id=other.pk, merged=_jsonable(snapshot),
                                       moved=moved, by=user)
    other.delete()
    if account is not None and keep.user_id is None:
        keep.user = account
        changed.append("user")
    if changed:
        keep.save()
    return merge


def _move_registrations(other, keep) -> list[int]:
    """Registrations of ``other`` (registration by link, part 3) now name ``keep``."""
    related = getattr(other, "registrations", None)
    if related is None:
        return []
    ids = list(related.values_list("pk", flat=True))
    related.update(person=keep)
    return ids


def _jsonable(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date | dt.datetime) else v)
            for k, v in values.items()}


def person_data(person: Person) -> dict:
    """Everything Workplan holds about ``person`` (their request to see it): the record, the
    events they were recorded at, survey invitations, accreditations, registrations,
    certificates and merges. Plain JSON types only."""
    data = {
        "person": {
            "id": person.pk, "office": person.office.code, "full_name": person.full_name,
            "gender": person.gender, "member": person.member.iso3 if person.member else None,
            "organisation": person.partner.name if person.partner else None,
            "position": person.position, "email": person.email,
            "user_account": person.user.get_username() if person.user else None,
            "recorded": person.created.isoformat(), "changed": person.modified.isoformat(),
            "erased": person.erased_at.isoformat() if person.erased_at else None,
        },
        "participations": [
            {"event": p.event.title, "start": p.event.start_date.isoformat(),
             "end": p.event.end_date.isoformat(), "role": p.role, "attended": p.attended,
             "member": p.member.iso3 if p.member else None}
            for p in person.participations.select_related("event", "member")
            .order_by("event__start_date", "pk")],
        "survey_invitations": [
            {"survey": i.survey.title, "email": i.email, "name": i.name,
             "invited": i.invited_at.isoformat() if i.invited_at else None,
             "responded": i.responded}
            for i in person.survey_invitations.select_related("survey").order_by("pk")],
        "accreditations": [
            {"area": a.area, "accredited_on": a.accredited_on.isoformat(),
             "expires_on": a.expires_on.isoformat() if a.expires_on else None}
            for a in person.accreditations.order_by("accredited_on", "pk")],
        "merged_records": [
            {"merged": m.at.isoformat(), "record": m.merged} for m in person.merges.all()],
        "history": [
            {"at": h.history_date.isoformat(), "change": h.history_type,
             "full_name": h.full_name, "email": h.email, "position": h.position}
            for h in person.history.order_by("history_date", "history_id")],
    }
    data.update(_registration_data(person))
    return data


def _registration_data(person) -> dict:
    """Registrations and certificates of ``person`` (filled in by those parts)."""
    return {}


ERASED_NAME = "[erased {pk}]"


@transaction.atomic
def erase_person(person: Person, *, user=None) -> Person:
    """Erase what identifies ``person`` on their request, keeping anonymous counts: the record
    stays (so the participations, and every figure of past events, stay as they were) with
    only its gender and member; name, e-mail, position, account and accreditations go, as do
    the e-mails and names of their survey invitations and the earlier versions of the record
    in its history (the erasure itself stays in it, with who did it)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.erased_at is not None:
        raise PersonError(_("This person's data was already erased."))
    for accreditation in Accreditation.objects.filter(person=person):
        accreditation.history.all().delete()
        accreditation.delete()
    Accreditation.history.filter(person_id=person.pk).delete()
    for invitation in person.survey_invitations.all():
        invitation.name = ""
        invitation.email = f"erased-{invitation.pk}@erased.invalid"
        invitation.save(update_fields=["name", "email"])
    _erase_registrations(person)
    PersonMerge.objects.filter(kept=person).update(merged={}, moved={})
    person.full_name = ERASED_NAME.format(pk=person.pk)
    person.email = ""
    person.position = ""
    person.user = None
    person.erased_at = timezone.now()
    person.save()
    # The versions before hold the name and e-mail: only the erased one is kept.
    latest = person.history.order_by("-history_date", "-history_id").first()
    person.history.exclude(history_id=latest.history_id).delete()
    if user is not None and latest.history_user_id != user.pk:
        type(latest).objects.filter(pk=latest.pk).update(history_user=user)
    return person


def _erase_registrations(person) -> None:
    """Registrations of ``person`` lose what identifies them (filled in by part 3)."""


# --- attendance sheets ------------------------------------------------------------------------

def remember_columns(office, headers: list[str], mapping: dict[str, int]) -> None:
    """Remember how the office's sheet named each field it was read with (the next sheet with
    the same headings is mapped the same way)."""
    from workplan.delivery.attendance import _heading

    from .models import ColumnMemory

    for field_name, index in mapping.items():
        heading = _heading(headers[index])[:200] if index < len(headers) else ""
        if heading:
            ColumnMemory.objects.update_or_create(office=office, heading=heading,
                                                  defaults={"field": field_name})


def keep_remainder(event, source_name: str, headers: list[str], rows: list[list[str]], *,
                   user=None, replacing: int | None = None):
    """Keep the rows an import left out (they have errors) for later, as a small CSV; the
    rows kept before that this import came from (``replacing``) are replaced."""
    from workplan.delivery.attendance import rows_csv

    from .models import SheetRemainder

    if replacing is not None:
        SheetRemainder.objects.filter(event=event, pk=replacing).delete()
    if not rows:
        return None
    return SheetRemainder.objects.create(event=event, source_name=source_name[:200],
                                         data=rows_csv(headers, rows), rows=len(rows), by=user)
