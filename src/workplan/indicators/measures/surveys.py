"""Measures read from surveys: surveys conducted, workshop evaluation results, and what members
reported in follow-up surveys. Registered when the surveys app is installed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..periods import quarter_expression, quarter_of
from .base import OFFICE, RATIO, SUM, Cell, Fact, Measure, registry

KINDS = ("needs", "evaluation", "followup", "custom")


def _moment(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _scoped(queryset, frame, owners, survey_path: str):
    """Surveys of the office; with ``owners``, only those serving these actions, grouped by
    action (``owner``)."""
    queryset = queryset.filter(**{f"{survey_path}office_id": frame.office_id})
    if owners is None:
        return queryset, {}
    link = f"{survey_path}actions__id"
    return queryset.filter(**{f"{link}__in": owners}), {"owner": F(link)}


@registry.register
class SurveysConducted(Measure):
    key = "surveys_conducted"
    label = _("Surveys conducted")
    description = _("Surveys of the fiscal year that were opened to respondents (drafts do "
                    "not count), in the quarter they opened.")
    aggregation = SUM
    params_help = {"kind": _("only surveys of this kind: needs, evaluation, followup, custom")}

    def validate_params(self, params):
        params = super().validate_params(params)
        if params.get("kind") not in (None, "", *KINDS):
            raise ValueError(_("kind: choose needs, evaluation, followup or custom"))
        return params

    def facts(self, frame, owners, params, dimension):
        """Surveys of the fiscal year staff gave them; the quarter is that of the day they
        opened (``opens_on``, else when first opened), kept inside the year."""
        from workplan.surveys.models import Survey

        surveys = Survey.objects.conducted().filter(fiscal_year=frame.fiscal_year)
        if params.get("kind"):
            surveys = surveys.filter(kind=params["kind"])
        surveys, owner = _scoped(surveys, frame, owners, "")
        rows = (surveys.order_by().values("opens_on", "opened_at", **owner)
                .annotate(n=Count("id", distinct=True)))
        facts = []
        for row in rows:
            day = row["opens_on"] or (timezone.localdate(row["opened_at"])
                                      if row["opened_at"] else frame.start)
            day = min(max(day, frame.start), frame.end)
            facts.append(Fact(row.get("owner"), quarter_of(day, frame.start_month),
                              num=row["n"]))
        return facts


@registry.register
class EvaluationResult(Measure):
    """Mean of the "overall" ratings of the evaluations of held events, with n; the response
    rate (responses / invitations) travels in ``extra``."""

    key = "evaluation_result"
    label = _("Evaluation result (mean rating)")
    description = _("Mean overall rating participants gave the held events of the period "
                    "(1-5), with the number of ratings and the response rate.")
    aggregation = RATIO
    unit = "mean"
    default_scope = OFFICE
    cumulative_default = False
    dimensions = ("member", "subregion")
    params_help = {"question": _('code of the rating question (default "overall")')}

    def facts(self, frame, owners, params, dimension):
        from workplan.surveys.models import Answer, Invitation

        window = {"survey__kind": "evaluation", "survey__event__status": "held",
                  "survey__event__start_date__gte": frame.start,
                  "survey__event__start_date__lte": frame.end}
        member = {"m": F("response__member_id")} if dimension else {}
        answers = Answer.objects.ratings(params.get("question") or "overall").filter(
            **{f"response__{key}": value for key, value in window.items()})
        answers, owner = _scoped(answers, frame, owners, "response__survey__")
        rows = (answers.order_by().values(
            quarter=quarter_expression("response__survey__event__start_date",
                                       frame.start_month), **owner, **member)
            .annotate(total=Sum("number"), n=Count("id")))
        facts = [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"), num=r["total"],
                      den=r["n"]) for r in rows]
        invitations, owner = _scoped(Invitation.objects.filter(**window), frame, owners,
                                     "survey__")
        member = {"m": F("member_id")} if dimension else {}
        rows = (invitations.order_by().values(
            quarter=quarter_expression("survey__event__start_date", frame.start_month),
            **owner, **member)
            .annotate(invited=Count("id"), answered=Count("id", filter=Q(responded=True))))
        facts += [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"), key="rate",
                       num=r["answered"], den=r["invited"]) for r in rows]
        return facts

    def fold(self, facts):
        ratings = [f for f in facts if f.key is None]
        rates = [f for f in facts if f.key == "rate"]
        cell = super().fold(ratings)
        invited = sum(f.den for f in rates)
        answered = sum(f.num for f in rates)
        cell.extra = {"responses": answered, "invited": invited,
                      "response_rate": answered / invited if invited else None}
        return cell


@registry.register
class FollowupResults(Measure):
    """What members reported in follow-up surveys during the period: the follow-up actions
    they took (``item=actions``: the numbers answered to "actions_taken"), or the results they
    realised (``item=effects``: modernisation projects started plus direct effects described)."""

    key = "followup_results"
    label = _("Follow-up results reported")
    description = _("Actions taken or results realised that members reported in follow-up "
                    "surveys answered during the period.")
    aggregation = SUM
    default_scope = OFFICE
    dimensions = ("member", "subregion")
    additive = frozenset(dimensions)
    params_help = {"item": _("actions (follow-up actions taken) or effects (tangible "
                             "results: projects started and effects observed)")}
    CODES = {"actions": ("actions_taken",), "effects": ("projects", "effects")}

    def validate_params(self, params):
        params = super().validate_params(params)
        if params.get("item", "actions") not in self.CODES:
            raise ValueError(_("item: choose actions or effects"))
        return params

    def facts(self, frame, owners, params, dimension):
        from workplan.surveys.models import Answer

        codes = self.CODES[params.get("item") or "actions"]
        answers = Answer.objects.filter(
            question__code__in=codes, response__survey__kind="followup",
            response__submitted_at__gte=_moment(frame.start),
            response__submitted_at__lt=_moment(frame.end, end=True))
        answers, owner = _scoped(answers, frame, owners, "response__survey__")
        member = {"m": F("response__member_id")} if dimension else {}
        rows = (answers.order_by().values(
            quarter=quarter_expression("response__submitted_at", frame.start_month),
            **owner, **member)
            .annotate(total=Sum("number"), described=Count("id", filter=~Q(text=""))))
        return [Fact(r.get("owner"), r["quarter"], member_id=r.get("m"),
                     num=(r["total"] or 0) + r["described"]) for r in rows]


__all__ = ["Cell", "EvaluationResult", "FollowupResults", "SurveysConducted"]
