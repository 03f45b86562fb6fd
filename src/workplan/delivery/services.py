"""Writes of delivery: request and event life cycles, events from the plan, attachments.

Every function here is one unit of work: it checks everything first and then writes in one
transaction, so a refused step changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from workplan.core.concurrency import save_versioned
from workplan.core.uploads import sizes
from workplan.notifications import tell

from .models import Attachment, Event, EventAction, Request, RequestStep


class TransitionError(ValueError):
    """A life-cycle step that is not allowed; names both states."""


def _check_transition(model, current: str, target: str) -> None:
    labels = dict(model.Status.choices)
    if target not in labels:
        raise TransitionError(_("Unknown status “%(status)s”.") % {"status": target})
    if target not in model.TRANSITIONS[current]:
        allowed = ", ".join(str(labels[s]) for s in sorted(model.TRANSITIONS[current]))
        raise TransitionError(_(
            "A %(what)s that is %(current)s cannot become %(target)s (allowed: %(allowed)s)."
        ) % {"what": model._meta.verbose_name, "current": labels[current].lower(),
             "target": labels[target].lower(), "allowed": allowed.lower() or _("none")})


# --- requests ---------------------------------------------------------------------------------


@transaction.atomic
def file_request(*, office, member, topic: str, user=None, action=None, activity=None,
                 preferred_start=None, preferred_end=None, notes: str = "") -> Request:
    request = Request.objects.create(
        office=office, member=member, topic=topic, action=action, activity=activity,
        preferred_start=preferred_start, preferred_end=preferred_end, notes=notes,
        filed_by=user if user and user.pk else None)
    RequestStep.objects.create(request=request, status=request.status, by=request.filed_by,
                               note=_("Filed"))
    tell.request_filed(request, actor=user)
    return request


@transaction.atomic
def move_request(request: Request, target: str, *, user=None, note: str = "",
                 event: Event | None = None, expected_version: int | None = None) -> Request:
    """Move a request one step forward in its life cycle, recording who and when."""
    _check_transition(Request, request.status, target)
    if target == Request.Status.SCHEDULED:
        if event is None:
            raise TransitionError(_("Scheduling a request needs the event it is scheduled as."))
        request.event = event
    if target == Request.Status.DELIVERED and (request.event is None
                                              or request.event.status != Event.Status.HELD):
        raise TransitionError(_("A request is delivered when its event has been held."))
    request.status = target
    save_versioned(request, request.version if expected_version is None else expected_version)
    RequestStep.objects.create(request=request, status=target,
                               by=user if user and user.pk else None, note=note)
    tell.request_moved(request, target, actor=user)
    return request


# --- events -----------------------------------------------------------------------------------

ACTIVITY_KIND_TO_EVENT = {
    "national_workshop": (Event.Kind.WORKSHOP, Event.Level.NATIONAL),
    "subregional_workshop": (Event.Kind.WORKSHOP, Event.Level.SUBREGIONAL),
    "regional_workshop": (Event.Kind.WORKSHOP, Event.Level.REGIONAL),
    "training": (Event.Kind.TRAINING, Event.Level.NATIONAL),
    "diagnostic_mission": (Event.Kind.MISSION, Event.Level.NATIONAL),
    "meeting": (Event.Kind.MEETING, Event.Level.REGIONAL),
    "survey": (Event.Kind.OTHER, Event.Level.REGIONAL),
    "publication": (Event.Kind.OTHER, Event.Level.REGIONAL),
    "standing_task": (Event.Kind.OTHER, Event.Level.NATIONAL),
}


def event_defaults_for(activity, member=None) -> dict:
    """What an event of a planned activity starts with: kind, level, title, beneficiaries.

    A national workshop planned "for Lao PDR, Vanuatu and Viet Nam" is one event per member:
    pass the member, and the event is that member's (host and beneficiary).
    """
    kind, level = ACTIVITY_KIND_TO_EVENT.get(activity.kind, (Event.Kind.OTHER,
                                                             Event.Level.NATIONAL))
    if "accreditation" in activity.title.lower():
        kind = Event.Kind.ACCREDITATION
    beneficiaries = [member] if member else list(activity.members.all())
    return {
        "title": activity.title,
        "kind": kind,
        "level": level,
        "host_member": member if level == Event.Level.NATIONAL else None,
        "beneficiaries": beneficiaries,
        "office_role": (Event.OfficeRole.ATTENDED if activity.title.lower().startswith("attend")
                        else Event.OfficeRole.ORGANISED),
    }


@transaction.atomic
def record_event(*, office, title: str, kind: str, level: str, start_date, end_date,
                 activity=None, actions=None, beneficiaries=(), partners=(), user=None,
                 **fields) -> Event:
    """Create an event; it serves its activity's actions unless ``actions`` are given."""
    event = Event(office=office, activity=activity, title=title, kind=kind, level=level,
                  start_date=start_date, end_date=end_date, **fields)
    event.full_clean()
    event.save()
    event.beneficiaries.set(beneficiaries)
    if actions is None:
        actions = list(activity.actions.all()) if activity is not None else []
    EventAction.objects.bulk_create([EventAction(event=event, action=a) for a in actions])
    for partner, role in partners:
        event.partner_roles.create(partner=partner, role=role)
    return event


@transaction.atomic
def move_event(event: Event, target: str, *, user=None,
               expected_version: int | None = None) -> Event:
    _check_transition(Event, event.status, target)
    event.status = target
    save_versioned(event, event.version if expected_version is None else expected_version,
                   fields=["status"])
    if target == Event.Status.HELD:
        for request in event.requests.filter(status=Request.Status.SCHEDULED):
            move_request(request, Request.Status.DELIVERED, user=user,
                         note=_("Event held"))
    return event


def event_defaults_for_request(req: Request) -> dict:
    """What an event scheduled from ``req`` starts with: the request's member (host of a
    national event and its beneficiary), its activity (kind, level, title from the plan), the
    actions it serves and the preferred dates. Staff check and complete it before saving."""
    if req.activity is not None:
        defaults = event_defaults_for(req.activity, req.member)
        actions = list(req.activity.actions.all())
    else:
        defaults = {"title": req.topic, "kind": Event.Kind.WORKSHOP,
                    "level": Event.Level.NATIONAL, "host_member": req.member,
                    "beneficiaries": [req.member], "office_role": Event.OfficeRole.ORGANISED}
        actions = []
    if req.action is not None and req.action not in actions:
        actions.append(req.action)
    if req.member not in defaults["beneficiaries"]:
        defaults["beneficiaries"] = [*defaults["beneficiaries"], req.member]
    start = req.preferred_start
    end = req.preferred_end or req.preferred_start
    return {**defaults, "office": req.office, "activity": req.activity, "actions": actions,
            "start_date": start, "end_date": end,
            "country": req.member.iso3 if defaults["level"] == Event.Level.NATIONAL else ""}


def check_schedulable(req: Request) -> None:
    """Refuse, with the reason, a request that cannot be scheduled as a new event."""
    if req.event_id is not None or req.status == Request.Status.SCHEDULED:
        raise TransitionError(_(
            "This request is already scheduled as “%(event)s”; it was not scheduled again.")
            % {"event": req.event.title if req.event_id else "?"})
    if req.status not in (Request.Status.RECEIVED, Request.Status.ACCEPTED):
        raise TransitionError(_(
            "A request that is %(status)s cannot be scheduled as an event.")
            % {"status": req.get_status_display().lower()})


@transaction.atomic
def schedule_as_new_event(req: Request, *, user=None, expected_version: int | None = None,
                          **event_fields) -> Event:
    """Record a new event from ``req`` and schedule the request as it, in one transaction: a
    request still "received" is accepted on the way (both steps recorded). A request scheduled
    meanwhile (by someone else, in another tab) is refused and nothing is written."""
    req = (Request.objects.select_for_update(of=("self",)).select_related("event", "member")
           .get(pk=req.pk))
    if expected_version is not None and req.version != expected_version:
        from workplan.core.concurrency import EditConflict, stale_message

        raise EditConflict(req, stale_message(req))
    check_schedulable(req)
    event = record_event(user=user, **event_fields)
    if req.status == Request.Status.RECEIVED:
        req = move_request(req, Request.Status.ACCEPTED, user=user,
                           note=_("Accepted when scheduled as a new event"))
    return move_request(req, Request.Status.SCHEDULED, user=user, event=event,
                        note=_("Scheduled as a new event")).event


# --- attachments ------------------------------------------------------------------------------

# Extension -> (content type, magic bytes the file must start with).
ALLOWED_ATTACHMENTS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (b"PK\x03\x04",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "csv": ("text/csv", ()),
}


class AttachmentError(ValueError):
    pass


def check_attachment(name: str, data: bytes) -> tuple[str, str]:
    """Return a safe file name and the content type, or refuse the file with a reason."""
    import os
    import re

    base = os.path.basename(name.replace("\\", "/")).strip()
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if extension not in ALLOWED_ATTACHMENTS:
        allowed = ", ".join(sorted(ALLOWED_ATTACHMENTS))
        raise AttachmentError(_("“%(name)s”: files of this type are not accepted "
                                "(accepted: %(allowed)s).") % {"name": base, "allowed": allowed})
    limit = settings.WORKPLAN_MAX_ATTACHMENT
    if len(data) > limit:
        raise AttachmentError(_("“%(name)s” is %(size)s; the limit is %(limit)s.") % {
            "name": base, **sizes(len(data), limit)})
    if not data:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": base})
    content_type, magic = ALLOWED_ATTACHMENTS[extension]
    if magic and not data.startswith(magic):
        raise AttachmentError(_("“%(name)s” is not really a .%(ext)s file.") % {
            "name": base, "ext": extension})
    if not magic and b"\x00" in data[:4096]:
        raise AttachmentError(_("“%(name)s” is not a text file.") % {"name": base})
    stem = re.sub(r"[^\w.-]+", "-", base.rsplit(".", 1)[0]).strip(".-")[:80] or "file"
    return f"{stem}.{extension}", content_type


@transaction.atomic
def add_attachment(event: Event, *, name: str, data: bytes, kind: str, user=None) -> Attachment:
    from django.core.files.base import ContentFile

    safe_name, content_type = check_attachment(name, data)
    attachment = Attachment(event=event, kind=kind, name=safe_name, size=len(data),
                            content_type=content_type,
                            uploaded_by=user if user and user.pk else None)
    attachment.file.save(safe_name, ContentFile(data), save=False)
    attachment.save()
    return attachment


# --- edits from the event pages ---------------------------------------------------------------


@transaction.atomic
def update_event(event: Event, *, expected_version: int, beneficiaries=None, actions=None,
                 user=None) -> Event:
    """Save an edited event (its fields already set) if nobody saved it since
    ``expected_version``; then its beneficiaries and actions. ``EditConflict`` otherwise, and
    nothing is written."""
    event.full_clean()
    save_versioned(event, expected_version)
    if beneficiaries is not None:
        event.beneficiaries.set(beneficiaries)
    if actions is not None:
        keep = {action.pk for action in actions}
        event.action_links.exclude(action_id__in=keep).delete()
        known = set(event.action_links.values_list("action_id", flat=True))
        EventAction.objects.bulk_create([EventAction(event=event, action_id=pk)
                                         for pk in sorted(keep - known)])
    return event


def add_event_partner(event: Event, partner, role: str):
    """Name a partner of the event in a role (once per partner and role)."""
    link, _created = event.partner_roles.get_or_create(partner=partner, role=role)
    return link


def remove_event_partner(link) -> None:
    link.delete()


@transaction.atomic
def add_funding(event: Event, *, amount, currency: str, partner=None, member=None,
                in_kind: bool = False, note: str = ""):
    """Record money (or in-kind support) for the event from one partner or one member."""
    from .models import Funding

    funding = Funding(event=event, partner=partner, member=member, amount=amount,
                      currency=currency.upper(), in_kind=in_kind, note=note)
    funding.full_clean()
    funding.save()
    return funding


def remove_funding(funding) -> None:
    funding.delete()


def remove_attachment(attachment: Attachment) -> None:
    """Delete the attachment's row, then its file (a file left behind is harmless)."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class ParticipationError(ValueError):
    """A participation that cannot be recorded (the person is already registered)."""


@transaction.atomic
def add_participation(event: Event, person=None, *, role: str = "participant",
                      attended: bool = True, new_person: dict | None = None, user=None):
    """Register a known person, or a new one (``new_person``: Person fields), at the event."""
    from workplan.directory.models import Person

    from .models import Participation

    if person is None:
        person = Person(office=event.office, **(new_person or {}))
        person.full_clean()
        person.save()
    elif Participation.objects.filter(event=event, person=person).exists():
        raise ParticipationError(_("%(name)s is already registered for this event.")
                                 % {"name": person.full_name})
    participation = Participation.objects.create(event=event, person=person, role=role,
                                                 attended=attended, member=person.member)
    if role == Participation.Role.EXPERT:
        tell.expert_deployed(participation, actor=user)
    return participation


def remove_participation(participation) -> None:
    participation.delete()


@transaction.atomic
def update_participation(participation, *, role: str, attended: bool, member=None,
                         gender: str | None = None):
    """Correct a participation: its role, attendance and the member the person came for;
    ``gender`` corrects the person's record (it is the person's, not the event's)."""
    participation.role = role
    participation.attended = attended
    participation.member = member
    participation.full_clean()
    participation.save()
    person = participation.person
    if gender is not None and gender != person.gender:
        person.gender = gender
        person.save(update_fields=["gender", "modified"])
    return participation
