"""Read-side queries of surveys: the aggregates results pages, exports and KPIs read.

Every method returns a queryset (or one aggregate) computed by the database, so a page built
from them costs the same number of queries whatever the number of responses. KPI measures
read ``Survey.objects.conducted()`` and ``Answer.objects.ratings(code=...)`` /
``Answer.objects.numbers(code=...)``: keep those names.
"""

from __future__ import annotations

from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from workplan.core.access import RestrictedQuerySet

OPENED = ("open", "closed")


def _count_of(model, fk: str, **filters):
    """A correlated COUNT subquery (a join of several counted tables would multiply rows)."""
    rows = (model._base_manager.filter(**{fk: OuterRef("pk")}, **filters).order_by()
            .values(fk).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class SurveyQuerySet(RestrictedQuerySet):
    def conducted(self):
        """Surveys that were conducted: opened at least once, i.e. open now or closed.

        KPI "Number of surveys conducted" counts these (narrow by ``office``, ``kind`` and
        ``fiscal_year`` first). Drafts are not conducted.
        """
        return self.filter(status__in=OPENED)

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def with_counts(self):
        """``response_count``, ``invitation_count`` and ``responded_count`` (invitations whose
        link was used): three correlated subqueries, one query with the surveys."""
        from .models import Invitation, Response

        return self.annotate(
            response_count=_count_of(Response, "survey"),
            invitation_count=_count_of(Invitation, "survey"),
            responded_count=_count_of(Invitation, "survey", responded=True),
        )

    def for_list(self):
        return self.select_related("office", "event").with_counts()


class InvitationQuerySet(RestrictedQuerySet):
    def pending(self):
        """Invitations whose link has not been used (the non-respondents)."""
        return self.filter(responded=False)

    def unsent(self):
        return self.filter(last_sent_at__isnull=True)

    def by_member(self):
        """One row per member: ``invited`` and ``responded`` (GROUP BY, one query)."""
        return (self.order_by().values("member_id")
                .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(responded=True))))


class ResponseQuerySet(RestrictedQuerySet):
    def by_member(self):
        """One row per member with ``responses`` (GROUP BY, one query)."""
        return self.order_by().values("member_id").annotate(responses=Count("pk"))


class AnswerQuerySet(RestrictedQuerySet):
    def for_code(self, code: str):
        """Answers to the questions named ``code`` in any survey ("overall", "apply")."""
        return self.filter(question__code=code)

    def ratings(self, code: str = "overall"):
        """Answers to the rating questions named ``code`` (default "overall": the overall
        satisfaction of a workshop evaluation), with their value in ``number`` (1 to the
        question's ``scale_max``, 5 in the ready templates).

        KPI "Results of participants' evaluation" is ``.aggregate(mean=Avg("number"),
        n=Count("number"))`` over these, narrowed to the surveys of a period
        (``response__survey__in=...``). Only answers actually given are rows: n counts
        respondents who answered this question.
        """
        return self.filter(question__code=code, question__kind="rating",
                           number__isnull=False)

    def numbers(self, code: str):
        """Answers to the number questions named ``code``, with the value in ``number``.

        Follow-up surveys ask "actions_taken" (follow-up actions taken since the workshop)
        and "projects" (modernisation projects started): KPIs "Number of post action
        undertaken" and "Number of tangible results realized by Members" are
        ``.aggregate(total=Sum("number"))`` over these for a period.
        """
        return self.filter(question__code=code, question__kind="number",
                           number__isnull=False)

    def summary(self) -> dict:
        """``mean``, ``n`` and ``total`` of ``number`` (one query)."""
        return self.aggregate(mean=Avg("number"), n=Count("number"), total=Sum("number"))

    def question_stats(self):
        """One row per question: ``n`` answers, and for numbers and ratings ``mean``, ``low``,
        ``high``, ``total``."""
        return (self.order_by().values("question_id")
                .annotate(n=Count("pk"), mean=Avg("number"), low=Min("number"),
                          high=Max("number"), total=Sum("number")))

    def rating_distribution(self):
        """One row per (rating question, value) with ``count``."""
        return (self.filter(question__kind="rating", number__isnull=False).order_by()
                .values("question_id", "number").annotate(count=Count("pk")))

    def latest_texts(self, per_question: int):
        """The newest ``per_question`` non-empty text answers of each question (one query:
        a window function numbers them within each question)."""
        return (self.filter(question__kind="text").exclude(text="")
                .annotate(row=Window(RowNumber(), partition_by=[F("question_id")],
                                     order_by=F("pk").desc()))
                .filter(row__lte=per_question)
                .select_related("response__member")
                .order_by("question_id", "row"))

    @staticmethod
    def _means(codes) -> dict:
        annotations = {"surveys": Count("response__survey", distinct=True)}
        for code in codes:
            where = Q(question__code=code, question__kind="rating", number__isnull=False)
            annotations[f"mean_{code}"] = Avg("number", filter=where)
            annotations[f"n_{code}"] = Count("pk", filter=where)
        return annotations

    def means(self, codes=("overall",)) -> dict:
        """For each code ``mean_<code>`` and ``n_<code>`` of the rating answers, and the
        number of ``surveys`` they come from (one query)."""
        return self.aggregate(**self._means(codes))

    def means_by(self, *fields: str, codes=("overall",)):
        """``means`` grouped by ``fields`` (e.g. "response__survey__event__level"), one row
        per group (one query)."""
        return (self.order_by().values(*fields).annotate(**self._means(codes))
                .order_by(*fields))


class AnswerChoiceQuerySet(RestrictedQuerySet):
    def counts(self):
        """One row per (question, value): ``count`` (times picked or ranked), ``first``
        (times ranked first) and ``mean_position`` (mean rank)."""
        return (self.order_by().values("answer__question_id", "value")
                .annotate(count=Count("pk"), first=Count("pk", filter=Q(position=1)),
                          mean_position=Avg("position")))
