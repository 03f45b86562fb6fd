"""Writes of registration: merging two records of one person, a person's data (export and
erasure on request). Each is one transaction: it happens whole or not at all."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.delivery.models import Participation
from workplan.directory.models import PROFILE_DETAILS, Accreditation, Person

from .models import PersonMerge

PERSON_FIELDS = ("full_name", "gender", "member_id", "partner_id", "position", "email",
                 "user_id", *PROFILE_DETAILS)


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
                              "accreditations": [], "registrations": [], "certificates": []}
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
        _combine_certificates(participation, mine)
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
    moved["certificates"] = _move_certificates(other, keep)
    account = other.user
    changed = []
    for name in ("email", "position", "member", "partner", *PROFILE_DETAILS):
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
    """Registrations of ``other`` now name ``keep``."""
    ids = list(other.registrations.values_list("pk", flat=True))
    other.registrations.update(person=keep)
    return ids


def _combine_certificates(removed, kept) -> None:
    """Both records were at one event: the removed participation's certificate goes to the
    kept one if that has none; else it is withdrawn (a duplicate), its code still answering."""
    from .models import Certificate

    theirs = Certificate.objects.filter(participation=removed).first()
    if theirs is None:
        return
    if not Certificate.objects.filter(participation=kept).exists():
        theirs.participation = kept
        theirs.save(update_fields=["participation"])
    elif theirs.withdrawn_at is None:
        theirs.withdrawn_at = timezone.now()
        theirs.withdrawal_reason = Certificate.Withdrawal.DUPLICATE
        theirs.save(update_fields=["withdrawn_at", "withdrawal_reason"])


def _move_certificates(other, keep) -> list[int]:
    """Certificates of ``other`` now name ``keep`` as their person (the name printed stays)."""
    from .models import Certificate

    theirs = Certificate.objects.filter(person=other)
    ids = list(theirs.values_list("pk", flat=True))
    theirs.update(person=keep)
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
            **{name: getattr(person, name) for name in PROFILE_DETAILS},
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
    """Registrations and certificates of ``person``."""
    from .models import Certificate

    return {"registrations": [
        {"event": r.event.title, "state": r.state, "source": r.source, "email": r.email,
         "registered": r.created.isoformat(),
         "consented": r.consent_at.isoformat() if r.consent_at else None}
        for r in person.registrations.select_related("event").order_by("pk")],
        "certificates": [
        {"event": c.event.title if c.event else None, "name_printed": c.full_name,
         "code": c.display_code, "issued": c.issued_at.isoformat(),
         "emailed": c.emailed_at.isoformat() if c.emailed_at else None,
         "revoked": c.revoked_at.isoformat() if c.revoked_at else None,
         "withdrawn": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
         "withdrawal_reason": c.withdrawal_reason or None}
        for c in Certificate.objects.filter(person=person)
        .select_related("event").order_by("issued_at", "pk")]}


ERASED_NAME = "[erased {pk}]"


@transaction.atomic
def erase_person(person: Person, *, user=None) -> Person:
    """Erase what identifies ``person`` on their request, keeping anonymous counts: the record
    stays (so the participations, and every figure of past events, stay as they were) with
    only its gender and member; name, e-mail, position, account and accreditations go, as do
    the e-mails and names of their survey invitations and the earlier versions of the record
    in its history (the erasure itself stays in it, with who did it); their certificates are
    withdrawn and lose the name printed on them."""
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
    _erase_certificates(person)
    PersonMerge.objects.filter(kept=person).update(merged={}, moved={})
    person.full_name = ERASED_NAME.format(pk=person.pk)
    person.email = ""
    person.position = ""
    for name in PROFILE_DETAILS:
        setattr(person, name, Person._meta.get_field(name).get_default())
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
    """Registrations of ``person`` lose what identifies them (and their history), and an
    e-mail waiting to go to them is not sent."""
    from .models import Registration

    for registration in person.registrations.all():
        registration.history.all().delete()
        Registration.objects.filter(pk=registration.pk).update(
            full_name=ERASED_NAME.format(pk=person.pk), position="",
            email=f"erased-r{registration.pk}@erased.invalid")
    # A confirmation e-mail not sent yet is not sent to the erased address.
    person.registrations.filter(email_state=Registration.EmailState.QUEUED).update(
        email_state=Registration.EmailState.NONE)


def _erase_certificates(person) -> None:
    """Certificates of ``person`` (those withdrawn before too) lose the name printed on them
    and are withdrawn: their verification page says only that, and when, confirming nothing
    about someone who asked to be forgotten. They are never printed or e-mailed again."""
    from .models import Certificate

    theirs = Certificate.objects.filter(person=person)
    theirs.update(full_name=ERASED_NAME.format(pk=person.pk))
    theirs.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawal_reason=Certificate.Withdrawal.ERASED)


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


# --- registration by link, nominations, check-in ----------------------------------------------

LINK_TOKEN_LENGTH = 32  # characters of the public link's token (192 bits)
TICKET_BYTES = 24  # secrets.token_urlsafe(24): 32 characters


class RegistrationError(ValueError):
    """A registration, confirmation or check-in that is refused; the message says why."""


def token_hash(raw: str) -> str:
    from workplan.surveys.models import token_hash as survey_token_hash

    return survey_token_hash(raw)


def link_token(window) -> str:
    """The public link's token: derived from the window's nonce and the installation's secret
    key, so that it can be shown again to staff while only its hash is stored."""
    import base64
    import hashlib
    import hmac

    from django.conf import settings

    digest = hmac.new(settings.SECRET_KEY.encode(),
                      f"registration-link:{window.event_id}:{window.link_nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:LINK_TOKEN_LENGTH]


@transaction.atomic
def open_registration(event, *, closes_at, cap_per_member=None, is_open=True, user=None,
                      new_link=False):
    """Open (or change) the event's registration; ``new_link`` replaces the public link (the
    old one stops working)."""
    import secrets

    from .models import RegistrationWindow

    window = RegistrationWindow.objects.filter(event=event).first()
    if window is None:
        window = RegistrationWindow(event=event, by=user)
        new_link = True
    window.closes_at, window.cap_per_member, window.is_open = closes_at, cap_per_member, is_open
    if new_link:
        window.link_nonce = secrets.token_hex(16)
        window.token_hash = token_hash(link_token(window))
    window.save()
    return window


def find_window(raw: str):
    """The registration window whose public link carries ``raw`` (None if unknown)."""
    from .models import RegistrationWindow

    if not raw or len(raw) > 200:
        return None
    return (RegistrationWindow.objects.select_related("event__office__region")
            .filter(token_hash=token_hash(raw)).first())


def window_refusal(window, now=None) -> str | None:
    """Why the window takes no registration now (None: it does)."""
    now = now or timezone.now()
    if not window.is_open:
        return _("Registration for this event is closed.")
    if now > window.closes_at:
        return _("Registration for this event closed on %(day)s.") % {
            "day": timezone.localtime(window.closes_at).strftime("%d %B %Y, %H:%M")}
    if window.event.status in ("held", "cancelled"):
        return _("This event is %(status)s: it takes no registration.") % {
            "status": window.event.get_status_display().lower()}
    return None


@transaction.atomic
def register(event, *, full_name: str, email: str, gender: str, member=None, position="",
             source="link", nominated_by=None, consent=True, window=None):
    """Record a registration (or a nomination). Refused, with nothing written: the window
    closed or past its deadline (for the link), the member's places taken, the e-mail already
    registered for the event."""
    from .models import Registration, RegistrationWindow

    if window is not None:
        window = RegistrationWindow.objects.select_for_update().get(pk=window.pk)
        refusal = window_refusal(window)
        if refusal:
            raise RegistrationError(refusal)
        if not consent:
            raise RegistrationError(_("Registration needs your consent to the use of your "
                                      "data."))
    cap = window.cap_per_member if window is not None else None
    if cap is None:
        cap = (RegistrationWindow.objects.filter(event=event)
               .values_list("cap_per_member", flat=True).first())
    if Registration.objects.filter(event=event, email__iexact=email.strip()).exists():
        raise RegistrationError(_("%(email)s is already registered for this event.")
                                % {"email": email.strip()})
    if cap is not None and member is not None:
        taken = Registration.objects.filter(event=event, member=member).exclude(
            state=Registration.State.DECLINED).count()
        if taken >= cap:
            raise RegistrationError(_("The %(cap)d places of %(member)s are taken: ask the "
                                      "member's focal point or the office.")
                                    % {"cap": cap, "member": member})
    return Registration.objects.create(
        event=event, full_name=full_name.strip(), email=email.strip(), gender=gender,
        member=member, position=position.strip(), source=source, nominated_by=nominated_by,
        consent_at=timezone.now() if consent else None)


def _person_for(registration):
    """The office's person this registration is (same e-mail, else same name and member), or
    a new one."""
    office = registration.event.office
    people = Person.objects.filter(office=office, erased_at__isnull=True)
    person = (people.filter(email__iexact=registration.email).order_by("pk").first()
              or people.filter(full_name__iexact=registration.full_name,
                               member=registration.member).order_by("pk").first())
    if person is None:
        person = Person.objects.create(
            office=office, full_name=registration.full_name, gender=registration.gender,
            member=registration.member, position=registration.position,
            email=registration.email)
    return person


@transaction.atomic
def confirm_registration(registration, *, user=None, base_url: str | None = None):
    """Confirm: the person is recorded at the event (absent until they check in), and an
    e-mail with the event's details, an ICS attachment and their personal link with its QR
    code is sent by a task once the transaction commits (``tasks.send_confirmation``, which
    makes the link: only its hash is stored, nothing secret goes into the task table).
    Returns the registration."""
    from .models import Registration

    registration = (Registration.objects.select_for_update(of=("self",))
                    .select_related("event").get(pk=registration.pk))
    if registration.state == Registration.State.CONFIRMED:
        raise RegistrationError(_("%(name)s is already confirmed.")
                                % {"name": registration.full_name})
    person = _person_for(registration)
    participation = Participation.objects.filter(event=registration.event, person=person).first()
    if participation is None:
        participation = Participation.objects.create(
            event=registration.event, person=person, role="participant", attended=False,
            member=registration.member or person.member)
    registration.state = Registration.State.CONFIRMED
    registration.person, registration.participation = person, participation
    registration.decided_by, registration.decided_at = user, timezone.now()
    _queue_confirmation(registration, base_url)
    return registration


def _queue_confirmation(registration, base_url: str | None) -> None:
    """Save ``registration`` waiting for its confirmation e-mail (no personal link until the
    task makes one) and enqueue the task once the transaction commits."""
    from workplan.core import mailing
    from workplan.core.links import base_url as site_url

    from .tasks import send_confirmation

    mailing.queue(registration, hash_field="ticket_hash")
    registration.save()
    mailing.resolve_failures(registration.page_url())
    mailing.enqueue_on_commit(send_confirmation, registration.pk,
                              (base_url or site_url()).rstrip("/"))


@transaction.atomic
def resend_confirmation(registration, *, base_url: str | None = None):
    """E-mail the confirmation again with a new personal link (after a failed send or a lost
    e-mail): the link and QR code sent before stop working. Only for a confirmed
    registration (``RegistrationError`` otherwise, nothing changed)."""
    from .models import Registration

    registration = (Registration.objects.select_for_update(of=("self",))
                    .select_related("event").get(pk=registration.pk))
    if registration.state != Registration.State.CONFIRMED:
        raise RegistrationError(_("The confirmation of %(name)s is sent once it is confirmed.")
                                % {"name": registration.full_name})
    _queue_confirmation(registration, base_url)
    return registration


def mint_ticket(registration) -> str:
    """A new personal link's token, its hash set on ``registration`` (the caller stores it):
    returns the token, to be put in the e-mail and forgotten. Only the sending task calls it
    (and tests that need a live link without a mail server)."""
    import secrets

    raw = secrets.token_urlsafe(TICKET_BYTES)
    registration.ticket_hash = token_hash(raw)
    return raw


def decline_registration(registration, *, user=None):
    from .models import Registration

    if registration.state != Registration.State.PENDING:
        raise RegistrationError(_("Only a registration waiting for confirmation is declined."))
    registration.state = Registration.State.DECLINED
    registration.decided_by, registration.decided_at = user, timezone.now()
    registration.save()


def ticket_url(raw: str, base_url: str | None = None) -> str:
    from django.conf import settings
    from django.urls import reverse

    base = base_url or getattr(settings, "WORKPLAN_BASE_URL", "http://127.0.0.1:8000")
    return base.rstrip("/") + reverse("registration:ticket", args=[raw])


def qr_svg(data: str) -> str:
    """A QR code as inline SVG (segno: pure Python)."""
    import segno

    return segno.make(data, error="m").svg_inline(scale=4, border=2)


def qr_png(data: str) -> bytes:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def confirmation_message(registration, link: str):
    """The confirmation e-mail: the event's details, the personal link ``link`` and its QR
    code (to be scanned at the door), and the event as an ICS attachment."""
    from django.core.mail import EmailMessage

    from workplan.delivery.ics import calendar_bytes

    event = registration.event
    body = _(
        "Dear %(name)s,\n\nYour registration for “%(title)s” (%(start)s – %(end)s, %(place)s) is "
        "confirmed.\n\nYour personal link, and the QR code attached, check you in at the "
        "event: %(link)s\n\n%(office)s") % {
        "name": registration.full_name, "title": event.title,
        "start": event.start_date.strftime("%d %B %Y"), "end": event.end_date.strftime("%d %B %Y"),
        "place": event.city or event.get_mode_display(), "link": link, "office": event.office}
    message = EmailMessage(subject=_("Registration confirmed: %(title)s") % {"title": event.title},
                           body=body, to=[registration.email])
    message.attach("event.ics", calendar_bytes([event], url_for=lambda _e: link,
                                               name=event.title), "text/calendar")
    message.attach("check-in-qr.png", qr_png(link), "image/png")
    return message


def find_registration(raw: str):
    from .models import Registration

    if not raw or len(raw) > 200:
        return None
    return (Registration.objects.select_related("event__office", "participation", "member")
            .filter(ticket_hash=token_hash(raw)).first())


@transaction.atomic
def check_in(participation, *, user=None, method="search"):
    """Mark someone present (idempotent: a second check-in records nothing new)."""
    from .models import CheckIn

    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    if participation.attended and participation.check_ins.exists():
        return participation, False
    if not participation.attended:
        participation.attended = True
        participation.save(update_fields=["attended", "modified"])
    CheckIn.objects.create(participation=participation, by=user, method=method)
    return participation, True


@transaction.atomic
def walk_in(event, *, full_name: str, gender: str, member=None, email: str = "",
            position: str = "", user=None):
    """Someone who came without registering: recorded and checked in at once (a person the
    office knows by e-mail is reused)."""
    from workplan.delivery.services import ParticipationError, add_participation

    person = None
    if email:
        person = Person.objects.filter(office=event.office, email__iexact=email,
                                       erased_at__isnull=True).first()
    try:
        participation = add_participation(
            event, person, role="participant", attended=True,
            new_person=None if person else {"full_name": full_name, "gender": gender,
                                            "member": member, "email": email,
                                            "position": position})
    except ParticipationError as error:
        raise RegistrationError(str(error)) from None
    if participation.member_id is None and member is not None:
        participation.member = member
        participation.save(update_fields=["member", "modified"])
    from .models import CheckIn

    CheckIn.objects.create(participation=participation, by=user, method="walk_in")
    return participation


# --- certificates of participation ------------------------------------------------------------

# Printed on paper and typed back: no 0/O, 1/I/L to mix up. 12 characters of 31: 59 bits, far
# beyond guessing at the verification page's rate limit.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
IMAGE_LIMIT = 2 * 1024 * 1024  # a logo or signature


class CertificateError(ValueError):
    """A certificate step that is refused (or a layout that cannot be saved); the message
    names the field where there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def new_code() -> str:
    import secrets

    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as someone typed it ("k7mx-q4pa 2hzd") as stored ("K7MXQ4PA2HZD"); "" if it
    cannot be one."""
    code = "".join(ch for ch in (typed or "")[:40].upper() if ch not in " -\u2010\u2011\u2013")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return ""
    return code


def find_certificate(typed: str):
    from .models import Certificate

    code = normalise_code(typed)
    if not code:
        return None
    return Certificate.objects.select_related("event").filter(code=code).first()


@transaction.atomic
def issue_certificates(event, *, user=None) -> int:
    """A certificate for every participant of ``event`` (``participants()``: attended, as a
    participant) who has none yet, with the name as it is now. Revoked ones stay revoked.
    Returns how many were issued."""
    from .certificates import eligible
    from .models import Certificate

    missing = (eligible(event).filter(certificate__isnull=True).select_related("person")
               .order_by("pk"))
    made = [Certificate(participation=p, event_id=p.event_id, person_id=p.person_id,
                        code=new_code(), full_name=p.person.full_name, issued_by=user)
            for p in missing]
    Certificate.objects.bulk_create(made)
    return len(made)


def _refuse_withdrawn(certificate) -> None:
    if certificate.withdrawn_at is not None:
        raise CertificateError(_("The certificate %(code)s was withdrawn on %(day)s: it is not "
                                 "changed or issued again.") % {
            "code": certificate.display_code,
            "day": timezone.localtime(certificate.withdrawn_at).strftime("%d %B %Y")})


@transaction.atomic
def revoke_certificate(certificate, *, user=None):
    """Revoke: its verification page says so from now on (the row stays)."""
    from .models import Certificate

    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _refuse_withdrawn(certificate)
    if certificate.revoked_at is not None:
        raise CertificateError(_("The certificate of %(name)s was already revoked.")
                               % {"name": certificate.full_name})
    certificate.revoked_at, certificate.revoked_by = timezone.now(), user
    certificate.save(update_fields=["revoked_at", "revoked_by"])
    return certificate


@transaction.atomic
def reissue_certificate(certificate, *, user=None):
    """A revoked certificate issued again, with a new code and the person's name as it is now
    (a corrected spelling): the old code no longer verifies. Only for a participant."""
    from .certificates import eligible
    from .models import Certificate

    # Only the certificate's row is locked (PostgreSQL locks no row of an outer join: the
    # participation may be gone).
    certificate = (Certificate.objects.select_for_update(of=("self",))
                   .select_related("participation__person").get(pk=certificate.pk))
    _refuse_withdrawn(certificate)
    if certificate.revoked_at is None:
        raise CertificateError(_("Only a revoked certificate is issued again."))
    participation = certificate.participation
    if not eligible(participation.event).filter(pk=participation.pk).exists():
        raise CertificateError(_("%(name)s is not recorded as a participant who attended: no "
                                 "certificate.") % {"name": participation.person.full_name})
    certificate.code, certificate.full_name = new_code(), participation.person.full_name
    certificate.revoked_at = certificate.revoked_by = certificate.emailed_at = None
    certificate.issued_at, certificate.issued_by = timezone.now(), user
    certificate.save()
    return certificate


def check_image(field: str, name: str, data: bytes) -> str:
    """The file name a logo or signature upload is stored under; ``CertificateError`` naming
    the field if it is too large or not a PNG or JPEG (read from its header, whatever its
    name says)."""
    import os
    import re

    from workplan.core.uploads import sizes
    from workplan.reports.services import image_info

    base = os.path.basename(name.replace("\\", "/")).strip() or field
    if len(data) > IMAGE_LIMIT:
        raise CertificateError(_("%(field)s: “%(name)s” is %(size)s; the limit is %(limit)s.")
                               % {"field": field, "name": base,
                                  **sizes(len(data), IMAGE_LIMIT)}, field)
    try:
        content_type, _w, _h = image_info(data)
    except ValueError as error:
        raise CertificateError(_("%(field)s: “%(name)s” cannot be used: %(why)s.") % {
            "field": field, "name": base, "why": error}, field) from None
    stem = re.sub(r"[^\w.-]+", "-", base.rsplit(".", 1)[0]).strip(".-")[:60] or field
    return f"{field}-{stem}.{'png' if content_type == 'image/png' else 'jpg'}"


LAYOUT_TEXTS = ("heading", "statement", "head_name", "head_title")


@transaction.atomic
def save_layout(office, *, user=None, logo=None, signature=None, remove_logo=False,
                remove_signature=False, **texts):
    """Save the office's certificate layout; ``logo`` and ``signature`` are ``(name, bytes)``
    of a PNG or JPEG. Both pictures are checked before anything is written: a refusal
    (``CertificateError``) changes nothing."""
    from django.core.files.base import ContentFile

    from .models import CertificateLayout

    unknown = set(texts) - set(LAYOUT_TEXTS)
    if unknown:
        raise CertificateError(f"{sorted(unknown)[0]}: not a part of the layout")
    checked = {name: (check_image(name, *upload), upload[1])
               for name, upload in (("logo", logo), ("signature", signature)) if upload}
    layout = (CertificateLayout.objects.select_for_update().filter(office=office).first()
              or CertificateLayout(office=office))
    for name, value in texts.items():
        setattr(layout, name, str(value or "").strip())
    for name, remove in (("logo", remove_logo), ("signature", remove_signature)):
        if name in checked:
            stored_name, data = checked[name]
            getattr(layout, name).save(stored_name, ContentFile(data), save=False)
        elif remove:
            setattr(layout, name, "")  # the file stays: the history names it
    layout._history_user = user
    layout.save()
    return layout


def email_certificates(event, *, user=None) -> dict:
    """Issue what is missing, then e-mail each participant with an e-mail address their
    certificate (a PDF of their own; all made by one Typst process), by a task enqueued once
    the transaction commits (``tasks.email_certificates``); each is marked e-mailed once sent.
    Certificates already e-mailed, revoked and withdrawn ones are left out. Returns {"sent",
    "without_email"}."""
    from .models import Certificate

    with transaction.atomic():
        issue_certificates(event, user=user)
        chosen = (Certificate.objects.valid()
                  .filter(event=event, participation__isnull=False, emailed_at__isnull=True)
                  .select_related("participation__person").order_by("full_name", "pk"))
        ids = [c.pk for c in chosen if c.participation.person.email]
        without = sum(1 for c in chosen if not c.participation.person.email)
        if ids:
            from .tasks import email_certificates

            transaction.on_commit(lambda: email_certificates.enqueue(event.pk, ids))
    return {"sent": len(ids), "without_email": without}


def send_certificates(event_pk: int, certificate_ids: list[int]) -> int:
    """The e-mails themselves: one per certificate not yet e-mailed, its PDF attached (run by
    ``tasks.email_certificates``). Returns how many were sent."""
    from django.core.mail import EmailMessage, get_connection

    from workplan.delivery.models import Event

    from . import certificates
    from .models import Certificate

    event = Event.objects.select_related("office").get(pk=event_pk)
    chosen = list(Certificate.objects.valid()
                  .filter(pk__in=certificate_ids, emailed_at__isnull=True,
                          participation__isnull=False)
                  .select_related("participation__person").order_by("full_name", "pk"))
    if not chosen:
        return 0
    pdfs = certificates.each_pdf(event, chosen)
    messages = []
    for certificate, pdf in zip(chosen, pdfs, strict=True):
        body = _(
            "Dear %(name)s,\n\nThank you for taking part in “%(title)s” (%(dates)s). Your "
            "certificate of participation is attached.\n\nAnyone can check it at %(url)s "
            "(verification code %(code)s).\n\n%(office)s") % {
            "name": certificate.full_name, "title": event.title,
            "dates": certificates.date_range(event.start_date, event.end_date),
            "url": certificates.verify_url(certificate.code),
            "code": certificate.display_code, "office": event.office.name}
        message = EmailMessage(subject=_("Certificate of participation: %(title)s")
                               % {"title": event.title}, body=body,
                               to=[certificate.participation.person.email])
        message.attach(certificates.filename(certificate), pdf, "application/pdf")
        messages.append(message)
    get_connection().send_messages(messages)
    Certificate.objects.filter(pk__in=[c.pk for c in chosen]).update(emailed_at=timezone.now())
    return len(chosen)
