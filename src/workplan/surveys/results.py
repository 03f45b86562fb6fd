"""What the results pages, the export and the overview pages show, assembled from a fixed
number of queries (the aggregates are QuerySet methods in ``querysets.py``). Nothing here
writes.

- ``survey_results``: per question the distribution, mean with n, the newest text answers;
  the response rate in total and by member.
- ``evaluation_overview``: evaluation ratings across events by fiscal year, level, kind of
  event and pillar of the plan, and per event.
- ``needs_gap``: for each member and topic of a needs assessment, the rank the member gave
  against the number of held events that served the topic for that member.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Case, Count, OuterRef, Q, Subquery, When
from django.utils.translation import gettext as _

from workplan.delivery.summaries import fiscal_year_label

from .models import Answer, AnswerChoice, Invitation, Question, Response, Survey
from .presets import EVALUATION_CODES

TEXTS_SHOWN = 20


def rate(part: int, whole: int) -> float | None:
    """A percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- one survey -------------------------------------------------------------------------------


@dataclass
class Row:
    value: str
    label: str
    count: int = 0
    share: float | None = None  # % of the question's answers
    first: int = 0  # rankings: times ranked first
    mean_position: float | None = None  # rankings
    score: float = 0  # rankings: sum over answers of (places + 1 - place)


@dataclass
class QuestionResult:
    number: int
    question: Question
    n: int = 0
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    total: float | None = None
    rows: list[Row] = field(default_factory=list)
    texts: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def more_texts(self) -> int:
        return max(self.n - len(self.texts), 0)


@dataclass
class MemberRate:
    member: object  # a Member, or None for respondents of no member
    invited: int = 0
    responded: int = 0  # invitations used
    responses: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.responded, self.invited)


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[QuestionResult]
    responses: int
    expected: int  # invitations, or the region's members for a needs assessment
    answered: int  # invitations used, or members who answered
    members: list[MemberRate]

    @property
    def rate(self) -> float | None:
        return rate(self.answered, self.expected)


def _members_for(survey, member_ids):
    from workplan.directory.models import Member

    return {m.pk: m for m in Member.objects.filter(Q(region_id=survey.office.region_id)
                                                   | Q(pk__in=member_ids)).order_by("name")}


def survey_results(survey: Survey) -> SurveyResults:
    """Everything the results page shows. ``survey`` comes with ``with_counts()`` and its
    office. Eight queries whatever the number of responses: questions, answer statistics,
    rating distribution, choice counts, newest texts, invitations by member, responses by
    member, members."""
    questions = list(survey.questions.all())
    answers = Answer.objects.filter(question__survey=survey)
    stats = {row["question_id"]: row for row in answers.question_stats()}
    distribution = defaultdict(dict)
    for row in answers.rating_distribution():
        distribution[row["question_id"]][int(row["number"])] = row["count"]
    picks = defaultdict(dict)
    for row in AnswerChoice.objects.filter(answer__question__survey=survey).counts():
        picks[row["answer__question_id"]][row["value"]] = row
    texts = defaultdict(list)
    for answer in answers.latest_texts(TEXTS_SHOWN):
        texts[answer.question_id].append(answer)

    results = []
    for number, question in enumerate(questions, start=1):
        stat = stats.get(question.pk, {})
        result = QuestionResult(number=number, question=question, n=stat.get("n", 0))
        if question.kind in Question.NUMERIC_KINDS:
            result.mean, result.low = stat.get("mean"), stat.get("low")
            result.high, result.total = stat.get("high"), stat.get("total")
        if question.kind == Question.Kind.RATING:
            counts = distribution[question.pk]
            result.rows = [Row(str(v), str(v), counts.get(v, 0), rate(counts.get(v, 0), result.n))
                           for v in question.scale]
        elif question.kind in Question.CHOICE_KINDS:
            result.rows = _choice_rows(question, picks[question.pk], result.n)
        elif question.kind == Question.Kind.TEXT:
            result.texts = texts[question.pk]
        results.append(result)

    invitations = {row["member_id"]: row for row in
                   Invitation.objects.filter(survey=survey).by_member()}
    responses = {row["member_id"]: row["responses"] for row in
                 Response.objects.filter(survey=survey).by_member()}
    members = _members_for(survey, [m for m in {*invitations, *responses} if m])
    needs = survey.kind == Survey.Kind.NEEDS
    rows = []
    keys = list(members) if needs else [m for m in members if m in invitations
                                          or m in responses]
    if None in invitations or None in responses:
        keys.append(None)
    for key in keys:
        invited = invitations.get(key, {})
        rows.append(MemberRate(member=members.get(key) if key else None,
                               invited=invited.get("invited", 0),
                               responded=invited.get("responded", 0),
                               responses=responses.get(key, 0)))
    if needs:
        expected = len([m for m in members.values() if m.region_id == survey.office.region_id])
        answered = len([k for k in responses if k is not None and k in members
                        and members[k].region_id == survey.office.region_id])
    else:
        expected, answered = survey.invitation_count, survey.responded_count
    rows.sort(key=lambda r: (r.member is None, -(r.responses or 0) if needs else 0,
                             r.member.name if r.member else ""))
    return SurveyResults(survey=survey, questions=results, responses=survey.response_count,
                         expected=expected, answered=answered, members=rows)


def _choice_rows(question, counts: dict, n: int) -> list[Row]:
    rows = []
    places = question.ranks
    for choice in question.choices:
        found = counts.get(choice["value"], {})
        count = found.get("count", 0)
        mean_position = found.get("mean_position")
        rows.append(Row(choice["value"], choice["label"], count, rate(count, n),
                        first=found.get("first", 0), mean_position=mean_position,
                        score=(count * (places + 1) - mean_position * count)
                        if mean_position is not None else 0))
    # Values no longer offered (a choice removed after answers came in) are still shown.
    offered = {c["value"] for c in question.choices}
    for value, found in sorted(counts.items()):
        if value not in offered:
            rows.append(Row(value, value, found["count"], rate(found["count"], n),
                            first=found["first"], mean_position=found["mean_position"]))
    if question.kind == Question.Kind.RANKING:
        rows.sort(key=lambda r: (-r.score, -r.first, r.label))
    return rows


# --- evaluations across events ----------------------------------------------------------------


@dataclass
class Group:
    key: object
    label: str
    surveys: int
    means: dict  # code -> mean
    n: dict  # code -> n


def _groups(rows, field_name: str, label_of) -> list[Group]:
    groups = []
    for row in rows:
        key = row[field_name]
        groups.append(Group(key=key, label=label_of(key), surveys=row["surveys"],
                            means={c: row[f"mean_{c}"] for c in EVALUATION_CODES},
                            n={c: row[f"n_{c}"] for c in EVALUATION_CODES}))
    return groups


@dataclass
class EvaluationOverview:
    total: Group | None
    by_year: list[Group]
    by_level: list[Group]
    by_kind: list[Group]
    by_pillar: list[Group]


def evaluation_overview(answers, surveys, *, fiscal_year: int | None = None,
                        start_month: int = 7) -> EvaluationOverview:
    """Ratings of conducted evaluations across events. ``answers`` and ``surveys`` are
    restricted querysets. Six queries: the total, by fiscal year, by level, by kind of event,
    by pillar (of the first action the event serves), and the pillars' titles."""
    from workplan.delivery.models import Event, EventAction
    from workplan.plans.models import Pillar

    conducted = surveys.conducted().filter(kind=Survey.Kind.EVALUATION)
    if fiscal_year is not None:
        conducted = conducted.filter(fiscal_year=fiscal_year)
    answers = answers.filter(response__survey__in=conducted.values("pk"))
    levels, kinds = dict(Event.Level.choices), dict(Event.Kind.choices)
    total_row = answers.means(codes=EVALUATION_CODES)
    total = (_groups([total_row | {"all": None}], "all", lambda _k: _("All evaluations"))[0]
             if total_row and total_row["surveys"] else None)
    by_year = _groups(answers.means_by("response__survey__fiscal_year", codes=EVALUATION_CODES),
                      "response__survey__fiscal_year",
                      lambda y: fiscal_year_label(y, start_month))
    by_year.reverse()
    by_level = _groups(answers.means_by("response__survey__event__level",
                                        codes=EVALUATION_CODES),
                       "response__survey__event__level", lambda v: str(levels.get(v, v)))
    by_kind = _groups(answers.means_by("response__survey__event__kind", codes=EVALUATION_CODES),
                      "response__survey__event__kind", lambda v: str(kinds.get(v, v)))
    first_pillar = Subquery(EventAction.objects.filter(event=OuterRef("response__survey__event"))
                            .order_by("action__position").values("action__pillar__number")[:1])
    pillar_rows = list(answers.annotate(pillar=first_pillar).means_by(
        "pillar", codes=EVALUATION_CODES))
    numbers = [row["pillar"] for row in pillar_rows if row["pillar"] is not None]
    titles = {}
    for pillar in (Pillar.objects.filter(number__in=numbers,
                                         work_plan__office__in=conducted.values("office"))
                   .order_by("work_plan__start_year")):
        titles[pillar.number] = pillar.title  # the newest plan's title wins
    by_pillar = _groups(pillar_rows, "pillar", lambda number: (
        _("Pillar %(number)s: %(title)s") % {"number": number, "title": titles.get(number, "")}
        if number is not None else _("No action of the plan")))
    return EvaluationOverview(total=total, by_year=by_year, by_level=by_level,
                              by_kind=by_kind, by_pillar=by_pillar)


def evaluations_by_event(surveys):
    """Conducted evaluations with their event, response counts and the mean of each rating
    (one correlated subquery per code): one query per page of the list."""
    surveys = (surveys.conducted().filter(kind=Survey.Kind.EVALUATION)
               .select_related("event", "office").with_counts())
    for code in EVALUATION_CODES:
        mean = (Answer.objects.filter(response__survey=OuterRef("pk"), question__code=code,
                                      question__kind="rating", number__isnull=False)
                .order_by().values("response__survey").annotate(m=Avg("number")).values("m"))
        surveys = surveys.annotate(**{f"mean_{code}": Subquery(mean)})
    return surveys.order_by("-event__start_date", "-pk")


# --- needs versus delivery --------------------------------------------------------------------


@dataclass
class GapCell:
    code: str
    label: str
    rank: int | None  # the member's rank (1 = most needed), None if not ranked
    events: int  # held events for the member serving the topic

    @property
    def unmet(self) -> bool:
        return self.rank is not None and self.events == 0


@dataclass
class MemberGap:
    member: object
    answered: bool
    ranked: list[GapCell]  # in rank order
    other_delivered: int  # held events for the member serving topics they did not rank


@dataclass
class TopicGap:
    code: str
    label: str
    ranked_by: int = 0
    first: int = 0
    mean_rank: float | None = None
    events: int = 0  # held events serving the topic (any member)
    met: int = 0  # members who ranked it and got at least one event
    unmet: int = 0  # members who ranked it and got none


@dataclass
class NeedsGap:
    survey: Survey
    question: Question | None
    period: tuple[dt.date, dt.date]
    members: list[MemberGap]
    topics: list[TopicGap]

    @property
    def answered(self) -> int:
        return sum(1 for m in self.members if m.answered)


def fiscal_bounds(start_year: int, start_month: int = 7) -> tuple[dt.date, dt.date]:
    first = dt.date(start_year, start_month, 1)
    end_year, end_month = (start_year + 1, start_month - 1) if start_month > 1 else \
        (start_year, 12)
    return first, dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def needs_gap(survey: Survey, events) -> NeedsGap:
    """For each member of the region and each topic it ranked, the rank against the held
    events of the survey's fiscal year that benefited the member and served the topic (an
    action of the plan, matched by code); per topic, how many members ranked it and how many
    of those were served. ``events`` is a restricted Event queryset. Five queries: the ranking
    question, the ranks, events by member and topic, events by topic, members."""
    from workplan.delivery.models import Event, EventAction
    from workplan.directory.models import Member

    question = (survey.questions.filter(kind=Question.Kind.RANKING)
                .order_by(Case(When(code="priorities", then=0), default=1), "position")
                .first())
    period = fiscal_bounds(survey.fiscal_year, survey.office.fiscal_year_start_month)
    members = list(Member.objects.filter(region_id=survey.office.region_id).order_by("name"))
    if question is None:
        return NeedsGap(survey, None, period, [MemberGap(m, False, [], 0) for m in members], [])
    labels = question.choice_labels
    codes = list(labels)
    ranks = defaultdict(dict)  # member -> code -> rank
    answered = set()
    for member_id, code, position in (
            AnswerChoice.objects.filter(answer__question=question,
                                        answer__response__member__isnull=False)
            .values_list("answer__response__member_id", "value", "position")):
        ranks[member_id][code] = position
        answered.add(member_id)
    held = events.filter(office_id=survey.office_id, status=Event.Status.HELD,
                         start_date__range=period)
    through = Event.beneficiaries.through
    delivered = defaultdict(dict)  # member -> code -> events
    for member_id, code, count in (
            through.objects.filter(event__in=held.values("pk"))
            .filter(event__action_links__action__code__in=codes).order_by()
            .values("member_id", "event__action_links__action__code")
            .annotate(n=Count("event_id", distinct=True))
            .values_list("member_id", "event__action_links__action__code", "n")):
        delivered[member_id][code] = count
    events_by_topic = dict(
        EventAction.objects.filter(event__in=held.values("pk"), action__code__in=codes)
        .order_by().values("action__code").annotate(n=Count("event_id", distinct=True))
        .values_list("action__code", "n"))

    topics = {code: TopicGap(code, labels[code], events=events_by_topic.get(code, 0))
              for code in codes}
    rank_sums = defaultdict(int)
    gaps = []
    for member in members:
        given = ranks.get(member.pk, {})
        got = delivered.get(member.pk, {})
        cells = [GapCell(code, labels.get(code, code), rank, got.get(code, 0))
                 for code, rank in sorted(given.items(), key=lambda item: item[1])]
        for cell in cells:
            topic = topics.get(cell.code)
            if topic is None:
                continue
            topic.ranked_by += 1
            topic.first += cell.rank == 1
            rank_sums[cell.code] += cell.rank
            if cell.events:
                topic.met += 1
            else:
                topic.unmet += 1
        other = sum(n for code, n in got.items() if code not in given)
        gaps.append(MemberGap(member, member.pk in answered, cells, other))
    for code, topic in topics.items():
        if topic.ranked_by:
            topic.mean_rank = round(rank_sums[code] / topic.ranked_by, 2)
    ordered = sorted((t for t in topics.values() if t.ranked_by or t.events),
                     key=lambda t: (-t.ranked_by, t.mean_rank or 99, -t.events, t.code))
    return NeedsGap(survey, question, period, gaps, ordered)
