"""Demonstration and benchmark survey data, deterministic for a given seed.

- ``build_survey_responses(survey, responses, ...)``: bulk-load invitations and responses
  with an answer to every question (tests and benchmarks: 10,000 responses in seconds).
- ``populate_demo(office, seed)``: after the delivery demo (``workplan setup``), evaluations
  of the held workshops with their participants' answers, one needs assessment answered by
  most members, and a few follow-up surveys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db import transaction
from django.utils import timezone

from .models import Answer, AnswerChoice, Invitation, Question, Response, Survey
from .services import create_survey

BATCH = 5000
RATING_WEIGHTS = {1: 2, 2: 5, 3: 18, 4: 45, 5: 30}
TEXTS = {
    "apply": ["Risk profiles for express consignments", "The AEO validation checklist",
              "Post-clearance audit planning", "Sharing the material with my team",
              "A time release study at our main port", "Better use of the WCO Data Model"],
    "comments": ["Very useful, thank you", "More practical exercises please",
                 "The venue was excellent", "Longer sessions on case studies",
                 "Please share the slides"],
    "lessons": ["Selectivity criteria reviewed", "Audit-based controls introduced",
                "Integrity action plan adopted", "Trainers trained in-house"],
    "effects": ["Release time down by a day", "More seizures at the airport",
                "Fewer physical inspections", "Traders report fewer delays"],
    "other_needs": ["E-commerce controls", "Leadership development", "Data analytics"],
}
DEFAULT_TEXTS = ["Nothing to add", "Good", "See our report"]


def analyze() -> None:
    """Give PostgreSQL's planner statistics for the survey rows just bulk-loaded: without them
    (fresh tables, or rows autovacuum has not seen yet, as in a test transaction) it may pick
    plans that take minutes on the aggregates. ANALYZE sees the transaction's own rows."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_survey, surveys_question, surveys_invitation, "
                           "surveys_response, surveys_answer, surveys_answerchoice")


def _digest(rng: random.Random, survey) -> str:
    """A stand-in for the hash of a link that was sent (no token exists for demo data)."""
    return hashlib.sha256(f"{survey.pk}:{rng.getrandbits(256)}".encode()).hexdigest()


def _aware(day: dt.date, rng: random.Random):
    moment = dt.datetime.combine(day, dt.time(rng.randint(7, 20), rng.randint(0, 59)))
    return timezone.make_aware(moment, dt.UTC)


def _value(question: Question, rng: random.Random):
    kind = question.kind
    if kind == Question.Kind.RATING:
        scale = question.scale
        weights = [RATING_WEIGHTS.get(round(v * 5 / question.scale_max), 10) for v in scale]
        return rng.choices(scale, weights)[0]
    if kind == Question.Kind.NUMBER:
        return rng.choices(range(0, 7), [15, 25, 25, 15, 10, 6, 4])[0]
    if kind == Question.Kind.TEXT:
        if not question.required and rng.random() < 0.7:
            return None
        return rng.choice(TEXTS.get(question.code, DEFAULT_TEXTS))
    values = [c["value"] for c in question.choices]
    if not values:
        return None
    if kind == Question.Kind.SINGLE:
        return None if not question.required and rng.random() < 0.2 else rng.choice(values)
    if kind == Question.Kind.MULTIPLE:
        return rng.sample(values, rng.randint(1, min(3, len(values))))
    # Ranking: earlier topics (the plan's first pillars) a little more often.
    weights = [1 / (1 + i / 10) for i in range(len(values))]
    chosen: list[str] = []
    while len(chosen) < question.ranks:
        pick = rng.choices(values, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _respond(survey, questions, rows, rng) -> tuple[int, int]:
    """Bulk-create one response per (invitation or None, member, moment, for_member) in
    ``rows`` with an answer to every question; returns (responses, answers)."""
    responses = Response.objects.bulk_create(
        [Response(survey=survey, invitation=None if survey.anonymous else invitation,
                  member=member, for_member=for_member, submitted_at=moment,
                  updated_at=moment)
         for invitation, member, moment, for_member in rows], batch_size=BATCH)
    answers, picks = [], []
    for response in responses:
        for question in questions:
            value = _value(question, rng)
            if value is None:
                continue
            kind = question.kind
            answers.append(Answer(
                response_id=response.pk, question_id=question.pk,
                number=float(value) if kind in Question.NUMERIC_KINDS else None,
                text=value if kind == Question.Kind.TEXT else ""))
            picks.append([value] if kind == Question.Kind.SINGLE
                         else value if kind in Question.CHOICE_KINDS else None)
    made = Answer.objects.bulk_create(answers, batch_size=BATCH)
    AnswerChoice.objects.bulk_create(
        [AnswerChoice(answer_id=answer.pk, value=value, position=position)
         for answer, chosen in zip(made, picks, strict=True) if chosen
         for position, value in enumerate(chosen, start=1)], batch_size=BATCH)
    return len(responses), len(made)


def build_survey_responses(survey: Survey, responses: int, *, invited: int | None = None,
                           seed: int = 2024, members=None, start=None) -> dict:
    """Add ``invited`` invitations (default: as many as ``responses``) to ``survey`` and
    ``responses`` responses through the first of them, each answering every question with a
    plausible value; members drawn from ``members`` (default: the office's region). Bulk
    writes only: 10,000 responses take seconds. Returns the counts."""
    from workplan.directory.models import Member

    rng = random.Random(seed)
    invited = max(invited if invited is not None else responses, responses)
    members = list(members if members is not None
                   else Member.objects.filter(region_id=survey.office.region_id).order_by("pk"))
    start = start or timezone.localdate() - dt.timedelta(days=30)
    questions = list(survey.questions.all())
    with transaction.atomic():
        offset = survey.invitations.count()
        invitations = []
        for i in range(invited):
            moment = _aware(start, rng)
            member = rng.choice(members) if members else None
            answered = i < responses
            invitations.append(Invitation(
                survey=survey, email=f"respondent-{offset + i + 1}@survey{survey.pk}.example",
                name=f"Respondent {offset + i + 1}", member=member,
                token_hash=_digest(rng, survey),
                invited_at=moment, last_sent_at=moment, send_count=1, responded=answered,
                responded_at=None if survey.anonymous or not answered else moment))
        invitations = Invitation.objects.bulk_create(invitations, batch_size=BATCH)
        rows = [(inv, inv.member, _aware(start + dt.timedelta(days=rng.randint(0, 14)), rng),
                 False) for inv in invitations[:responses]]
        made, answers = _respond(survey, questions, rows, rng)
        analyze()
    return {"invitations": len(invitations), "responses": made, "answers": answers}


# --- the demonstration year -------------------------------------------------------------------

EVALUATED_KINDS = ("workshop", "training", "accreditation")


def _opened(survey, status, opens_on, closes_on) -> None:
    survey.status = status
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.opened_at = _aware(opens_on, random.Random(survey.pk))
    survey.closed_at = (_aware(closes_on, random.Random(survey.pk))
                        if status == Survey.Status.CLOSED else None)
    survey.save()


@transaction.atomic
def populate_demo(office, seed: int = 2024, today: dt.date | None = None) -> dict:
    """Surveys for the delivery demo of ``office``: an evaluation of most held workshops
    (their participants invited, 50-85% answering), one needs assessment of the plan's year
    answered by most members, and follow-up surveys of a few regional and sub-regional
    workshops. An office that has surveys already gets none. Returns the counts."""
    from workplan.delivery.models import Event, Participation
    from workplan.directory.models import Member

    rng = random.Random(seed)
    today = today or timezone.localdate()
    counts = {"surveys": 0, "invitations": 0, "responses": 0}
    if Survey.objects.filter(office=office).exists():
        return counts  # the office has surveys already: the demo adds none
    held = list(Event.objects.filter(office=office, status=Event.Status.HELD,
                                     kind__in=EVALUATED_KINDS)
                .order_by("start_date", "pk"))
    participants = {}
    for p in (Participation.objects.filter(event__in=held, role="participant", attended=True)
              .exclude(person__email="").select_related("person").order_by("pk")):
        participants.setdefault(p.event_id, []).append(p)

    def survey_of(event, kind, status, opens_on, closes_on, answer_share):
        survey = create_survey(office=office, kind=kind, event=event)
        _opened(survey, status, opens_on, closes_on)
        people = participants.get(event.pk, [])
        invitations = Invitation.objects.bulk_create([
            Invitation(survey=survey, name=p.person.full_name, email=p.person.email,
                       person=p.person, member=p.member, token_hash=_digest(rng, survey),
                       invited_at=_aware(opens_on, rng), last_sent_at=_aware(opens_on, rng),
                       send_count=1) for p in people])
        answering = [i for i in invitations if rng.random() < answer_share]
        rows = []
        for invitation in answering:
            moment = _aware(min(opens_on + dt.timedelta(days=rng.randint(0, 10)), closes_on),
                            rng)
            invitation.responded = True
            invitation.responded_at = moment
            rows.append((invitation, invitation.member, moment, False))
        Invitation.objects.bulk_update(answering, ["responded", "responded_at"])
        made, _answers = _respond(survey, list(survey.questions.all()), rows, rng)
        counts["surveys"] += 1
        counts["invitations"] += len(invitations)
        counts["responses"] += made
        return survey

    for event in held:
        if rng.random() > 0.8 or event.end_date >= today:
            continue
        closes = event.end_date + dt.timedelta(days=14)
        survey_of(event, Survey.Kind.EVALUATION,
                  Survey.Status.CLOSED if closes < today else Survey.Status.OPEN,
                  event.end_date, closes, rng.uniform(0.5, 0.85))

    followed = [e for e in held if e.level in ("regional", "subregional")][:4]
    for number, event in enumerate(followed):
        opens = event.end_date + dt.timedelta(days=182)
        if opens > today:
            continue
        status = Survey.Status.OPEN if number == len(followed) - 1 else Survey.Status.CLOSED
        closes = (today + dt.timedelta(days=30) if status == Survey.Status.OPEN
                  else opens + dt.timedelta(days=30))
        survey_of(event, Survey.Kind.FOLLOWUP, status, opens, closes, rng.uniform(0.3, 0.6))

    plan = office.work_plans.order_by("-start_year").first()
    if plan is not None:
        survey = create_survey(office=office, kind=Survey.Kind.NEEDS,
                               fiscal_year=plan.start_year)
        start = dt.date(plan.start_year, office.fiscal_year_start_month, 1)
        _opened(survey, Survey.Status.CLOSED, start - dt.timedelta(days=75),
                start - dt.timedelta(days=30))
        members = list(Member.objects.filter(region_id=office.region_id).order_by("iso3"))
        answering = [m for m in members if rng.random() < 0.8]
        rows = [(None, member, _aware(start - dt.timedelta(days=rng.randint(31, 70)), rng),
                 True) for member in answering]
        made, _answers = _respond(survey, list(survey.questions.all()), rows, rng)
        counts["surveys"] += 1
        counts["responses"] += made
    analyze()
    return counts
