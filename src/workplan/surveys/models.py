"""Surveys of an office: the annual needs assessment, workshop evaluations, follow-up action
surveys and custom ones; their questions, the invitations sent (each with a secret link) and
the responses received.

Respondents' records (invitations, responses, answers) carry no edit history and no
"modified" timestamp on purpose: in an anonymous survey nothing may tie an answer to the
invitation it came through, not even the time both rows changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.access import CHANGE, VIEW, focal_points
from workplan.core.models import VersionedModel

from .querysets import (
    AnswerChoiceQuerySet,
    AnswerQuerySet,
    InvitationQuerySet,
    ResponseQuerySet,
    SurveyQuerySet,
)


def token_hash(raw: str) -> str:
    """What is stored of a link's token: its SHA-256, hex. The token itself is only in the
    link sent to the respondent."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class Survey(VersionedModel):
    """One survey of an office: what it asks, of whom, and when it accepts answers."""

    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs assessment")
        EVALUATION = "evaluation", _("Workshop evaluation")
        FOLLOWUP = "followup", _("Follow-up action survey")
        CUSTOM = "custom", _("Custom survey")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # A draft is edited, then opened; an open survey is closed; a closed one may be reopened.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }
    # Kinds that belong to one event.
    EVENT_KINDS = (Kind.EVALUATION, Kind.FOLLOWUP)

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="surveys", verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    intro = models.TextField(_("introduction"), blank=True,
                             help_text=_("Shown to respondents above the questions."))
    event = models.ForeignKey("delivery.Event", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="surveys", verbose_name=_("event"))
    actions = models.ManyToManyField("plans.Action", blank=True, related_name="surveys",
                                     verbose_name=_("actions of the plan"))
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), help_text=_("The first calendar year of the office's fiscal year "
                                      "the survey belongs to (2024 for 2024-2025)."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True,
                                help_text=_("Empty: as soon as the survey is opened."))
    closes_on = models.DateField(_("closes on"), null=True, blank=True,
                                 help_text=_("Last day answers are accepted; empty: until "
                                             "the survey is closed."))
    anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("Answers are not linked to the person invited (the response rate is still "
                    "known). Answers cannot be changed after they are sent."))
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    history = HistoricalRecords(m2m_fields=[actions])
    office_path = "office"
    private = True

    objects = SurveyQuerySet.as_manager()

    @classmethod
    def narrow_scope(cls, user, action):
        """Member focal points see the needs surveys of their office once opened (they answer
        them for their member); nothing else of surveys."""
        if action != VIEW:
            return None
        condition = Q(pk__in=[])
        for office, _member in focal_points(user):
            condition |= Q(office_id=office, kind=cls.Kind.NEEDS,
                           status__in=[cls.Status.OPEN, cls.Status.CLOSED])
        return condition

    class Meta:
        ordering = ["-fiscal_year", "-created", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["office", "kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True)
                | Q(closes_on__gte=models.F("opens_on")),
                name="survey_dates_in_order",
                violation_error_message=_("The survey closes before it opens.")),
            models.CheckConstraint(
                condition=~Q(kind__in=["evaluation", "followup"]) | Q(event__isnull=False),
                name="event_survey_has_event"),
            models.UniqueConstraint(
                fields=["event", "kind"], condition=Q(kind__in=["evaluation", "followup"]),
                name="one_evaluation_or_followup_per_event"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey_detail", args=[self.pk])

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The survey closes before it opens.")})
        if self.kind in self.EVENT_KINDS and self.event_id is None:
            raise ValidationError({"event": _("A %(kind)s belongs to an event.")
                                   % {"kind": self.get_kind_display().lower()}})
        if self.kind == self.Kind.NEEDS and self.anonymous:
            raise ValidationError({"anonymous": _(
                "A needs assessment speaks for a member administration: it cannot be "
                "anonymous.")})

    # --- state ---------------------------------------------------------------------------

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def refusal(self, today: dt.date | None = None) -> tuple[int, str] | None:
        """Why the survey does not accept answers today, as (HTTP status, message), or None
        when it does. 404 for a survey not open yet, 410 for one that has closed."""
        today = today or timezone.localdate()
        if self.status == self.Status.DRAFT:
            return 404, _("This survey is not open yet.")
        if self.status == self.Status.CLOSED:
            return 410, _("This survey is closed; answers can no longer be sent or changed.")
        if self.opens_on and today < self.opens_on:
            return 404, _("This survey opens on %(day)s.") % {"day": _day(self.opens_on)}
        if self.closes_on and today > self.closes_on:
            return 410, _("This survey closed on %(day)s; answers can no longer be sent or "
                          "changed.") % {"day": _day(self.closes_on)}
        return None

    def accepts_answers(self, today: dt.date | None = None) -> bool:
        return self.refusal(today) is None


def _day(day: dt.date) -> str:
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")


class Question(VersionedModel):
    """One question of a survey. ``code`` names the same question across surveys ("overall",
    "relevance", "actions_taken") so results can be compared and KPIs read."""

    class Kind(models.TextChoices):
        RATING = "rating", _("Rating (1 to n)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RANKING = "ranking", _("Ranking")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING)
    NUMERIC_KINDS = (Kind.RATING, Kind.NUMBER)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions",
                               verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    hint = models.CharField(_("hint"), max_length=300, blank=True,
                            help_text=_("A short help shown under the question."))
    required = models.BooleanField(_("answer required"), default=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True,
        help_text=_("For choice and ranking questions: [{\"value\": ..., \"label\": ...}]."))
    scale_max = models.PositiveSmallIntegerField(
        _("top of the scale"), default=5, help_text=_("Rating questions: 1 to this number."))
    rank_limit = models.PositiveSmallIntegerField(
        _("how many to rank"), null=True, blank=True,
        help_text=_("Ranking questions: the respondent ranks this many (empty: all)."))
    code = models.SlugField(
        _("code"), max_length=40, blank=True,
        help_text=_("Names the same question across surveys, e.g. overall, relevance."))
    history = HistoricalRecords()
    office_path = "survey__office"
    private = True

    @classmethod
    def narrow_scope(cls, user, action):
        inner = Survey.narrow_scope(user, action)
        return None if inner is None else Q(survey__in=Survey.objects.filter(inner))

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], condition=~Q(code=""),
                                    name="unique_question_code_per_survey"),
            models.CheckConstraint(condition=Q(scale_max__gte=2, scale_max__lte=10),
                                   name="question_scale_2_to_10",
                                   violation_error_message=_("A rating scale runs from 1 to "
                                                             "2 ... 10.")),
        ]

    def __str__(self):
        return self.text

    @property
    def choice_labels(self) -> dict[str, str]:
        return {c["value"]: c["label"] for c in self.choices}

    @property
    def ranks(self) -> int:
        """How many places a ranking question asks for."""
        count = len(self.choices)
        return min(self.rank_limit, count) if self.rank_limit else count

    @property
    def scale(self) -> list[int]:
        return list(range(1, self.scale_max + 1))


class Invitation(models.Model):
    """A person asked to answer a survey, with the secret link they were sent.

    Only the SHA-256 of the link's token is stored (``token_hash``); a reminder sends a new
    link, and the link of the message before stays valid (``previous_token_hash``).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations",
                               verbose_name=_("survey"))
    person = models.ForeignKey("directory.Person", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="survey_invitations",
                               verbose_name=_("person"))
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="survey_invitations",
                               verbose_name=_("member administration"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    # NULL, not "": unique among invitations whose link was sent, any number not sent yet.
    token_hash = models.CharField(max_length=64, unique=True, null=True,  # noqa: DJ001
                                  blank=True, editable=False)
    previous_token_hash = models.CharField(max_length=64, null=True,  # noqa: DJ001
                                           blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("messages sent"), default=0)
    responded = models.BooleanField(_("responded"), default=False)
    # Empty in anonymous surveys: the time would tie the invitation to its response.
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    office_path = "survey__office"
    private = True

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "name", "email"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "email"],
                                               name="one_invitation_per_email")]
        indexes = [models.Index(fields=["survey", "responded"])]

    def __str__(self):
        return f"{self.name or self.email} ({self.survey_id})"

    @classmethod
    def narrow_scope(cls, user, action):
        return None  # names and e-mails of respondents: office-wide roles only


class Response(models.Model):
    """What one respondent answered: through an invitation's link, or, for a needs
    assessment, by a focal point signed in for their member (one response per member)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses",
                               verbose_name=_("survey"))
    # NULL in anonymous surveys (the invitation only knows that it was used).
    invitation = models.OneToOneField(Invitation, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="response",
                                      verbose_name=_("invitation"))
    # The respondent's administration: kept in anonymous surveys too (response rate by member).
    member = models.ForeignKey("directory.Member", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="survey_responses",
                               verbose_name=_("member administration"))
    for_member = models.BooleanField(
        _("speaks for the member"), default=False,
        help_text=_("A needs assessment's response: the member's one answer."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    office_path = "survey__office"
    private = True

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "member"])]
        constraints = [models.UniqueConstraint(fields=["survey", "member"],
                                               condition=Q(for_member=True),
                                               name="one_member_response_per_survey")]

    def __str__(self):
        return f"{self.survey_id} #{self.pk}"

    @classmethod
    def narrow_scope(cls, user, action):
        """Focal points see and change their member's needs-assessment response."""
        if action not in (VIEW, CHANGE):
            return None
        condition = Q(pk__in=[])
        for office, member in focal_points(user):
            condition |= Q(survey__office_id=office, member_id=member, for_member=True)
        return condition


class Answer(models.Model):
    """One question answered. Ratings and numbers are in ``number`` (so means and counts are
    SQL aggregates), text in ``text``, choices and rankings in ``AnswerChoice`` rows."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    office_path = "response__survey__office"
    private = True

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["response", "pk"]
        constraints = [models.UniqueConstraint(fields=["response", "question"],
                                               name="one_answer_per_question")]
        indexes = [models.Index(fields=["question", "number"])]

    def __str__(self):
        return f"{self.question_id}: {self.number if self.number is not None else self.text}"

    @classmethod
    def narrow_scope(cls, user, action):
        inner = Response.narrow_scope(user, action)
        return None if inner is None else Q(response__in=Response.objects.filter(inner))


class AnswerChoice(models.Model):
    """A choice picked in a single- or multiple-choice answer, or an item of a ranking
    (``position`` 1 is the first choice)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="picks")
    value = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=1)
    office_path = "answer__response__survey__office"
    private = True

    objects = AnswerChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["answer", "position"]
        constraints = [models.UniqueConstraint(fields=["answer", "value"],
                                               name="one_pick_per_value")]

    def __str__(self):
        return f"{self.position}. {self.value}"

    @classmethod
    def narrow_scope(cls, user, action):
        inner = Response.narrow_scope(user, action)
        return (None if inner is None
                else Q(answer__response__in=Response.objects.filter(inner)))
