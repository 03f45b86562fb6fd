"""Writes of surveys: creating surveys from their templates, editing questions while a draft,
the life cycle, invitations and their links, sending (and reminding), responses, follow-ups.

Every function here is one unit of work: it checks first and writes in one transaction, so a
refused step changes nothing. Sending e-mail is the exception that cannot be undone: each
message is recorded in its own transaction, which is rolled back if the message could not be
handed to the mail server, so what the database says was sent was sent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from workplan.core.concurrency import save_versioned
from workplan.delivery.summaries import fiscal_year_label, fiscal_year_start

from .models import (
    Answer,
    AnswerChoice,
    Invitation,
    Question,
    Response,
    Survey,
    token_hash,
)
from .presets import PRESETS, topic_choice

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits


class SurveyError(ValueError):
    """A step that is not allowed, with a message for the person who tried it."""


class TransitionError(SurveyError):
    """A life-cycle step that is not allowed; names both states."""


class Refused(SurveyError):
    """An answer that cannot be taken: the survey does not accept answers (any more), or an
    anonymous link was already used. ``status`` is the HTTP status the page answers with."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


# --- fiscal years and plans -------------------------------------------------------------------


def current_fiscal_year(office, today: dt.date | None = None) -> int:
    return fiscal_year_start(today or timezone.localdate(), office.fiscal_year_start_month)


def plan_for_year(office, year: int):
    """The office's plan of fiscal year ``year``, else the newest one before it, else the
    newest one (None if the office has no plan)."""
    plans = office.work_plans.order_by("-start_year")
    return (plans.filter(start_year=year).first() or plans.filter(start_year__lt=year).first()
            or plans.first())


# --- creating surveys -------------------------------------------------------------------------


def _question_rows(survey, preset, topics) -> list[Question]:
    rows = []
    for position, spec in enumerate(preset.questions, start=1):
        choices = [{"value": str(v), "label": str(label)} for v, label in spec.choices]
        if spec.kind == "ranking":
            choices = topics
        rows.append(Question(survey=survey, position=position, kind=spec.kind,
                             text=str(spec.text), hint=str(spec.hint), required=spec.required,
                             choices=choices, scale_max=spec.scale_max,
                             rank_limit=spec.rank_limit, code=spec.code))
    return rows


@transaction.atomic
def create_survey(*, office, kind: str, title: str = "", intro: str | None = None,
                  fiscal_year: int | None = None, event=None, anonymous: bool = False,
                  opens_on=None, closes_on=None, user=None) -> Survey:
    """A new draft survey of ``kind`` with the questions of its ready template.

    Evaluations and follow-ups belong to an ``event``: the office, the fiscal year and the
    actions come from it. A needs assessment offers the actions of the office's plan of the
    fiscal year as the topics to rank (refused when the office has no plan).
    """
    if kind not in PRESETS:
        raise SurveyError(_("Unknown kind of survey “%(kind)s”.") % {"kind": kind})
    preset = PRESETS[kind]
    actions, topics = [], []
    if kind in Survey.EVENT_KINDS:
        if event is None:
            raise SurveyError(_("An evaluation or follow-up survey belongs to an event."))
        office = event.office
        fiscal_year = fiscal_year_start(event.start_date, office.fiscal_year_start_month)
        actions = list(event.actions.order_by("position"))
    if fiscal_year is None:
        fiscal_year = current_fiscal_year(office)
    if kind == Survey.Kind.NEEDS:
        plan = plan_for_year(office, fiscal_year)
        if plan is None:
            raise SurveyError(_("%(office)s has no work plan yet: import one first, its actions "
                                "are the topics of the needs assessment.")
                              % {"office": office})
        actions = list(plan.actions.current().order_by("position"))
        topics = [topic_choice(action) for action in actions]
    label = fiscal_year_label(fiscal_year, office.fiscal_year_start_month)
    survey = Survey(
        office=office, kind=kind, event=event,
        title=(title or str(preset.title).format(event=event.title if event else "",
                                                 year=label))[:300],
        intro=str(preset.intro) if intro is None else intro, fiscal_year=fiscal_year,
        anonymous=anonymous, opens_on=opens_on, closes_on=closes_on,
        created_by=user if user is not None and user.pk else None)
    try:
        survey.full_clean()
    except ValidationError as error:
        raise SurveyError(" ".join(error.messages)) from None
    survey.save()
    survey.actions.set(actions)
    Question.objects.bulk_create(_question_rows(survey, preset, topics))
    return survey


def participant_entries(event) -> list[dict]:
    """The event's participants (attended, as participant) who have an e-mail address, as
    invitation entries."""
    from workplan.delivery.models import Participation

    rows = (Participation.objects.filter(event=event).participants()
            .exclude(person__email="").select_related("person").order_by("person__full_name"))
    return [{"name": p.person.full_name, "email": p.person.email, "person": p.person,
             "member": p.member} for p in rows]


@transaction.atomic
def create_event_survey(event, kind: str, *, user=None) -> tuple[Survey, bool]:
    """The evaluation (or follow-up) survey of ``event``, created as a draft from its template
    with an invitation for each participant with an e-mail; an existing one is returned as is
    (``created`` False)."""
    existing = Survey.objects.filter(event=event, kind=kind).first()
    if existing is not None:
        return existing, False
    survey = create_survey(office=event.office, kind=kind, event=event, user=user)
    invite(survey, participant_entries(event))
    return survey, True


# --- questions --------------------------------------------------------------------------------


def _require_draft(survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise SurveyError(_("The questions of a survey can be changed only while it is a "
                            "draft: this one is %(status)s.")
                          % {"status": survey.get_status_display().lower()})


QUESTION_FIELDS = ("kind", "text", "hint", "required", "choices", "scale_max", "rank_limit",
                   "code")


@transaction.atomic
def add_question(survey, **fields) -> Question:
    _require_draft(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question(survey=survey, position=last + 1,
                        **{k: v for k, v in fields.items() if k in QUESTION_FIELDS})
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def update_question(question, *, expected_version: int | None = None, **fields) -> Question:
    """Save edited fields of a question of a draft survey if nobody saved it since
    ``expected_version`` (the version its form was opened with); ``EditConflict``
    otherwise, and nothing is written."""
    _require_draft(question.survey)
    for name, value in fields.items():
        if name in QUESTION_FIELDS:
            setattr(question, name, value)
    question.full_clean()
    save_versioned(question,
                   question.version if expected_version is None else expected_version)
    return question


@transaction.atomic
def delete_question(question) -> None:
    survey = question.survey
    _require_draft(survey)
    question.delete()
    _renumber(survey)


def _renumber(survey) -> None:
    questions = list(survey.questions.order_by("position", "pk"))
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position", "modified"])


@transaction.atomic
def move_question(question, step: int) -> None:
    """Move a question one place up (``step`` -1) or down (+1)."""
    survey = question.survey
    _require_draft(survey)
    questions = list(survey.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, item in enumerate(questions, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "modified"])


@transaction.atomic
def update_survey(survey, *, expected_version: int | None = None, **fields) -> Survey:
    """Save edited fields of a survey (title, introduction, dates; anonymity only while a
    draft, since answers already taken were taken under the other rule) if nobody saved it
    since ``expected_version`` (the version its form was opened with): ``EditConflict``
    otherwise, and nothing is written."""
    if "anonymous" in fields and fields["anonymous"] != survey.anonymous:
        _require_draft(survey)
    for name in ("title", "intro", "opens_on", "closes_on", "anonymous"):
        if name in fields:
            setattr(survey, name, fields[name])
    try:
        survey.full_clean()
    except ValidationError as error:
        raise SurveyError(" ".join(error.messages)) from None
    save_versioned(survey, survey.version if expected_version is None else expected_version)
    return survey


# --- life cycle -------------------------------------------------------------------------------


def _check_ready(survey, today) -> None:
    """What opening needs: questions, choices where asked, a closing date still to come."""
    questions = list(survey.questions.all())
    if not questions:
        raise TransitionError(_("A survey without questions cannot be opened: add some."))
    for question in questions:
        least = 1 if question.kind == Question.Kind.RANKING else 2
        if question.kind in Question.CHOICE_KINDS and len(question.choices) < least:
            raise TransitionError(_("“%(question)s” offers too few choices: add them before "
                                    "opening.") % {"question": question.text})
    if survey.closes_on and survey.closes_on < today:
        raise TransitionError(_("The closing date (%(day)s) has passed: change it before "
                                "opening the survey.")
                              % {"day": formats.date_format(survey.closes_on, "DATE_FORMAT")})


@transaction.atomic
def move_survey(survey, target: str, *, user=None, today: dt.date | None = None) -> Survey:
    """Open, close or reopen a survey (draft → open → closed → open)."""
    labels = dict(Survey.Status.choices)
    if target not in labels:
        raise TransitionError(_("Unknown status “%(status)s”.") % {"status": target})
    Survey.objects.select_for_update().filter(pk=survey.pk).first()  # lock, then re-read
    survey.refresh_from_db(fields=["status", "opens_on", "closes_on", "opened_at",
                                   "closed_at", "version"])
    if target not in Survey.TRANSITIONS[survey.status]:
        allowed = ", ".join(str(labels[s]).lower() for s in Survey.TRANSITIONS[survey.status])
        raise TransitionError(_(
            "A survey that is %(current)s cannot become %(target)s (allowed: %(allowed)s)."
        ) % {"current": str(labels[survey.status]).lower(), "target": str(labels[target]).lower(),
             "allowed": allowed or _("none")})
    now = timezone.now()
    if target == Survey.Status.OPEN:
        _check_ready(survey, today or timezone.localdate())
        survey.opened_at = survey.opened_at or now
        survey.closed_at = None
    else:
        survey.closed_at = now
    first_opening = target == Survey.Status.OPEN and survey.status == Survey.Status.DRAFT
    survey.status = target
    # Under the lock, so no conflict; but a new version: an edit form opened before (on a
    # draft, say) is now stale.
    save_versioned(survey, survey.version, fields=["status", "opened_at", "closed_at"])
    if first_opening:
        from workplan.notifications import tell

        tell.survey_opened(survey, actor=user)
    return survey


# --- invitations ------------------------------------------------------------------------------

LINE = re.compile(r"^\s*(?:(?P<name>[^<>]*?)\s*<(?P<bracketed>[^<>]+)>|(?P<plain>\S+)"
                  r"(?:\s*[,;]\s*(?P<after>.+))?)\s*$")


def parse_invitees(text: str, office) -> tuple[list[dict], list[str]]:
    """Invitation entries from lines like ``Ana Reyes <ana@customs.example>``,
    ``ana@customs.example`` or ``ana@customs.example, Ana Reyes``; an address of a person of
    the office links the invitation to them (and their member). Errors name the line."""
    from workplan.directory.models import Person

    entries, errors, seen = [], [], set()
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = LINE.match(raw)
        email = name = ""
        if match:
            email = (match.group("bracketed") or match.group("plain") or "").strip()
            name = (match.group("name") or match.group("after") or "").strip().strip('"')
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("Line %(line)d: “%(text)s” is not an e-mail address.")
                          % {"line": number, "text": raw.strip()[:100]})
            continue
        key = email.lower()
        if key in seen:
            errors.append(_("Line %(line)d: %(email)s is listed twice.")
                          % {"line": number, "email": email})
            continue
        seen.add(key)
        entries.append({"name": name[:200], "email": email})
    if entries:
        people = {}
        addresses = [entry["email"].lower() for entry in entries]
        for person in (Person.objects.filter(office=office)
                       .annotate(address=Lower("email")).filter(address__in=addresses)
                       .select_related("member").order_by("pk")):
            people.setdefault(person.email.lower(), person)
        for entry in entries:
            person = people.get(entry["email"].lower())
            if person is not None:
                entry.update(person=person, member=person.member,
                             name=entry["name"] or person.full_name)
    return entries, errors


@transaction.atomic
def invite(survey, entries: list[dict]) -> int:
    """Add an invitation per entry (name, email, person, member) not invited yet (by e-mail,
    ignoring case); returns how many were added. Nothing is sent."""
    known = {email.lower() for email in survey.invitations.values_list("email", flat=True)}
    rows = []
    for entry in entries:
        key = entry["email"].strip().lower()
        if key in known:
            continue
        known.add(key)
        rows.append(Invitation(survey=survey, email=entry["email"].strip(),
                               name=entry.get("name", "")[:200], person=entry.get("person"),
                               member=entry.get("member")))
    Invitation.objects.bulk_create(rows)
    return len(rows)


def remove_invitation(invitation) -> None:
    """Remove an invitation nobody answered through (a response keeps its invitation)."""
    if invitation.responded:
        raise SurveyError(_("%(who)s has answered: the invitation is kept.")
                          % {"who": invitation.name or invitation.email})
    invitation.delete()


def issue_token(invitation) -> str:
    """A new secret token for the invitation's link (the previous link stays valid); only
    its hash is kept. Returns the token, to be put in the link and forgotten."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    invitation.previous_token_hash = invitation.token_hash
    invitation.token_hash = token_hash(raw)
    return raw


def respond_url(raw: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("surveys:respond", args=[raw])


def default_base_url() -> str:
    from workplan.core.links import base_url

    return base_url()


@dataclass
class SendReport:
    sent: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, reason)

    def __str__(self):
        text = _("%(sent)d sent") % {"sent": self.sent}
        if self.failed:
            text += ", " + _("%(failed)d failed") % {"failed": len(self.failed)}
        return text


def _message(survey, invitation, url: str, reminder: bool) -> EmailMessage:
    greeting = _("Dear %(name)s,") % {"name": invitation.name} if invitation.name else \
        _("Hello,")
    lines = [greeting, ""]
    if reminder:
        lines += [_("We have not received your answers yet; it would help us a lot to have "
                    "them."), ""]
    lines += [_("%(office)s asks you to answer the survey “%(title)s”.")
              % {"office": survey.office, "title": survey.title}, ""]
    if survey.intro:
        lines += [survey.intro, ""]
    lines += [_("Answer here (no account needed):"), url, ""]
    if survey.closes_on:
        lines += [_("The survey closes on %(day)s.")
                  % {"day": formats.date_format(survey.closes_on, "DATE_FORMAT")}, ""]
    if survey.anonymous:
        lines += [_("The survey is anonymous: your answers are not linked to your name. They "
                    "cannot be changed once sent."), ""]
    else:
        lines += [_("You can change your answers with the same link until the survey "
                    "closes."), ""]
    lines += [_("This link is personal: please do not forward it."), "", str(survey.office)]
    # One line: a title typed with line breaks (through the API) must not stop the mail.
    subject = (_("Reminder: %(title)s") if reminder else _("Survey: %(title)s")) % {
        "title": " ".join(survey.title.split())}
    return EmailMessage(subject=subject[:200], body="\n".join(lines),
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email])


def send_invitations(survey, *, base_url: str | None = None, reminder: bool = False,
                     invitations=None, now=None, today: dt.date | None = None) -> SendReport:
    """E-mail each invitation its link: those never sent (or, with ``reminder``, those
    already invited who have not answered). Records when each was sent; a message the mail
    server refuses is reported and leaves its invitation as it was."""
    refusal = survey.refusal(today)
    if refusal is not None:
        raise SurveyError(_("Links are sent for an open survey: %(reason)s")
                          % {"reason": refusal[1]})
    base_url = base_url or default_base_url()
    targets = invitations if invitations is not None else survey.invitations.all()
    targets = (targets.pending().filter(last_sent_at__isnull=False) if reminder
               else targets.unsent())
    report = SendReport()
    connection = get_connection()
    for invitation in targets.order_by("pk"):
        moment = now or timezone.now()
        try:
            with transaction.atomic():
                raw = issue_token(invitation)
                invitation.invited_at = invitation.invited_at or moment
                if reminder:
                    invitation.reminded_at = moment
                invitation.last_sent_at = moment
                invitation.send_count += 1
                invitation.save()
                connection.send_messages([_message(survey, invitation,
                                                   respond_url(raw, base_url), reminder)])
        except Exception as error:  # noqa: BLE001 - any mail failure is reported, not raised
            report.failed.append((invitation.email, str(error)[:200] or type(error).__name__))
        else:
            report.sent += 1
    connection.close()
    return report


def queue_invitations(survey, *, base_url: str | None = None, reminder: bool = False,
                      today: dt.date | None = None) -> int:
    """Queue the sending of the links (``send_invitations`` run by the task worker once the
    current transaction commits): refused at once, saying why, when the survey is not open.
    Returns how many people the links (or reminders) are for."""
    from .tasks import send_survey_links

    refusal = survey.refusal(today)
    if refusal is not None:
        raise SurveyError(_("Links are sent for an open survey: %(reason)s")
                          % {"reason": refusal[1]})
    targets = survey.invitations.all()
    targets = (targets.pending().filter(last_sent_at__isnull=False) if reminder
               else targets.unsent())
    count = targets.count()
    if count:
        transaction.on_commit(partial(send_survey_links.enqueue, survey.pk,
                                      base_url or default_base_url(), reminder))
    return count


def find_invitation(raw: str):
    """The invitation whose current or previous link carries ``raw`` (None if unknown)."""
    if not raw or len(raw) > 200:
        return None
    digest = token_hash(raw)
    return (Invitation.objects.select_related("survey__office", "member")
            .filter(Q(token_hash=digest) | Q(previous_token_hash=digest)).first())


# --- follow-ups -------------------------------------------------------------------------------

FOLLOW_UP_LEVELS = ("regional", "subregional")


def follow_up_months(office) -> int:
    """Months after an event's end its follow-up survey falls due: the office's entry in
    ``WORKPLAN_FOLLOW_UP_MONTHS_BY_OFFICE``, else ``WORKPLAN_FOLLOW_UP_MONTHS`` (6)."""
    by_office = getattr(settings, "WORKPLAN_FOLLOW_UP_MONTHS_BY_OFFICE", {}) or {}
    return int(by_office.get(office.code, getattr(settings, "WORKPLAN_FOLLOW_UP_MONTHS", 6)))


def follow_up_window() -> int:
    """How far back (months) a follow-up that fell due is still listed:
    ``WORKPLAN_FOLLOW_UP_WINDOW_MONTHS`` (12)."""
    return int(getattr(settings, "WORKPLAN_FOLLOW_UP_WINDOW_MONTHS", 12))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class DueFollowUp:
    event: object
    due_on: dt.date
    invitees: int  # participants with an e-mail address

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.due_on).days


def follow_ups(events, *, today: dt.date | None = None, window_months: int | None = None,
               ahead_days: int = 0) -> list[DueFollowUp]:
    """Held regional and sub-regional events among ``events`` (a restricted Event queryset)
    that have no follow-up survey and whose follow-up fell due in the last ``window_months``
    (``WORKPLAN_FOLLOW_UP_WINDOW_MONTHS``, 12) or falls due within ``ahead_days``; oldest
    due first. One query whatever the number of events."""
    from workplan.delivery.models import Event
    from workplan.delivery.querysets import participant_q

    today = today or timezone.localdate()
    if window_months is None:
        window_months = follow_up_window()
    horizon = today + dt.timedelta(days=ahead_days)
    # Bounds wide enough for any office's delay (1 to 36 months), narrowed per office below.
    candidates = (events.filter(status=Event.Status.HELD, level__in=FOLLOW_UP_LEVELS,
                                end_date__lte=horizon,
                                end_date__gt=add_months(today, -(window_months + 36)))
                  .exclude(surveys__kind=Survey.Kind.FOLLOWUP)
                  .select_related("office")
                  .annotate(invitees=Count(
                      "participations", distinct=True,
                      filter=participant_q("participations__")
                      & ~Q(participations__person__email="")))
                  .order_by("end_date", "pk"))
    found = []
    for event in candidates:
        due_on = add_months(event.end_date, follow_up_months(event.office))
        if add_months(today, -window_months) < due_on <= horizon:
            found.append(DueFollowUp(event=event, due_on=due_on, invitees=event.invitees))
    found.sort(key=lambda item: (item.due_on, item.event.pk))
    return found


def launch_follow_up(event, *, base_url: str | None = None, user=None,
                     today: dt.date | None = None, open_days: int = 30, queue: bool = False,
                     ) -> tuple[Survey, SendReport | int]:
    """Create the event's follow-up survey from its template, invite its participants, open it
    for ``open_days`` and send the links (``queue``: hand them to the task worker and return
    how many are queued). Refused if the event already has one."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if Survey.objects.filter(event=event, kind=Survey.Kind.FOLLOWUP).exists():
            raise SurveyError(_("“%(event)s” already has a follow-up survey.")
                              % {"event": event.title})
        survey, _created = create_event_survey(event, Survey.Kind.FOLLOWUP, user=user)
        survey.opens_on = today
        survey.closes_on = today + dt.timedelta(days=open_days)
        survey.save(update_fields=["opens_on", "closes_on", "modified"])
        survey = move_survey(survey, Survey.Status.OPEN, user=user, today=today)
        if queue:
            return survey, queue_invitations(survey, base_url=base_url, today=today)
    return survey, send_invitations(survey, base_url=base_url, today=today)


# --- responses --------------------------------------------------------------------------------


def _answer_rows(response, questions, values: dict) -> tuple[list[Answer], list[list[str]]]:
    answers, picks = [], []
    for question in questions:
        value = values.get(question.pk)
        if value is None or value == "" or value == []:
            continue
        answer = Answer(response=response, question=question)
        chosen: list[str] = []
        if question.kind in Question.NUMERIC_KINDS:
            answer.number = float(value)
        elif question.kind == Question.Kind.TEXT:
            answer.text = str(value)
        elif question.kind == Question.Kind.SINGLE:
            chosen = [str(value)]
        else:
            chosen = [str(v) for v in value]
        answers.append(answer)
        picks.append(chosen)
    return answers, picks


def _write_answers(response, questions, values: dict) -> None:
    response.answers.all().delete()
    answers, picks = _answer_rows(response, questions, values)
    answers = Answer.objects.bulk_create(answers)
    AnswerChoice.objects.bulk_create([
        AnswerChoice(answer=answer, value=value, position=position)
        for answer, chosen in zip(answers, picks, strict=True)
        for position, value in enumerate(chosen, start=1)])


def _check_open(survey, today) -> None:
    refusal = survey.refusal(today)
    if refusal is not None:
        raise Refused(*refusal)


def response_stamp(response) -> str:
    """Which saved answers a form shows: the response's last change, "" for none yet."""
    return response.updated_at.isoformat(timespec="microseconds") if response else ""


def _check_seen(response, seen: str | None, member) -> None:
    """Refuse to replace a member's answers saved by someone else after the form was opened
    (``seen`` is the stamp it was opened with; None: not a shared answer, no check)."""
    if seen is None or response_stamp(response) == seen:
        return
    if response is None:
        return  # the answers the form showed were removed since: nothing to overwrite
    who = response.submitted_by or _("someone with the member's survey link")
    raise Refused(409, _(
        "%(who)s saved the answers of %(member)s on %(when)s, after you opened this page. "
        "Yours were not saved; they are still in the form below. Reload the page in another "
        "tab to see theirs, then send again to replace them with yours.") % {
        "who": who, "member": member.name if member else "",
        "when": formats.date_format(timezone.localtime(response.updated_at), "j M Y, H:i")})


@transaction.atomic
def submit_by_link(invitation, questions, values: dict, *, now=None,
                   today: dt.date | None = None, seen: str | None = None) -> Response:
    """Save what a respondent answered through their link. A second submission changes the
    same response (never a second one); in an anonymous survey the response keeps no link to
    the invitation, and the link cannot be used again."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=invitation.survey_id)
    _check_open(survey, today or timezone.localdate())
    member = invitation.member
    if survey.anonymous:
        # Conditional update: of two simultaneous submissions only one finds it unused.
        if not Invitation.objects.filter(pk=invitation.pk, responded=False).update(
                responded=True):
            raise Refused(410, _("Answers were already sent with this link. The survey is "
                                 "anonymous, so they cannot be changed."))
        response = Response.objects.create(survey=survey, member=member, submitted_at=now,
                                           updated_at=now)
    else:
        if survey.kind == Survey.Kind.NEEDS and member is not None:
            lookup = {"survey": survey, "member": member, "for_member": True}
        else:
            lookup = {"invitation": invitation}
        response = _response_for(survey, lookup, member=member, now=now,
                                 invitation=invitation,
                                 seen=seen if lookup.get("for_member") else None)
        Invitation.objects.filter(pk=invitation.pk, responded=False).update(
            responded=True, responded_at=now)
    _write_answers(response, questions, values)
    return response


def _response_for(survey, lookup: dict, *, member, now, invitation=None, user=None,
                  seen: str | None = None):
    """The existing response for ``lookup`` (locked, updated) or a new one; two simultaneous
    first submissions end with one response. ``seen``: see ``_check_seen``."""
    response = Response.objects.select_for_update().filter(**lookup).first()
    if response is None:
        try:
            with transaction.atomic():
                return Response.objects.create(
                    survey=survey, member=member, invitation=invitation,
                    for_member=lookup.get("for_member", False), submitted_by=user,
                    submitted_at=now, updated_at=now)
        except IntegrityError:
            response = Response.objects.select_for_update().get(**lookup)
    _check_seen(response, seen, member)
    response.updated_at = now
    response.submitted_by = user  # who changed it last; None: through a link
    if invitation is not None and response.invitation_id is None:
        response.invitation = invitation
    response.save()
    return response


@transaction.atomic
def submit_for_member(survey, member, questions, values: dict, *, user, now=None,
                      today: dt.date | None = None, seen: str | None = None) -> Response:
    """Save a focal point's needs-assessment answers for their member: the member's one
    response, created or changed, until the survey closes."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.kind != Survey.Kind.NEEDS:
        raise Refused(404, _("Only needs assessments are answered for a member."))
    _check_open(survey, today or timezone.localdate())
    response = _response_for(survey, {"survey": survey, "member": member, "for_member": True},
                             member=member, now=now, user=user, seen=seen)
    _write_answers(response, questions, values)
    return response


def stored_values(response) -> dict:
    """What a response answered, as the response form's values: {question pk: value}."""
    if response is None:
        return {}
    values = {}
    for answer in response.answers.select_related("question").prefetch_related("picks"):
        kind = answer.question.kind
        if kind == Question.Kind.RATING:
            values[answer.question_id] = int(answer.number)
        elif kind == Question.Kind.NUMBER:
            number = answer.number
            values[answer.question_id] = int(number) if number == int(number) else number
        elif kind == Question.Kind.TEXT:
            values[answer.question_id] = answer.text
        elif kind == Question.Kind.SINGLE:
            picks = [p.value for p in answer.picks.all()]
            values[answer.question_id] = picks[0] if picks else ""
        else:
            values[answer.question_id] = [p.value for p in
                                          sorted(answer.picks.all(), key=lambda p: p.position)]
    return values
