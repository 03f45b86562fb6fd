"""API of surveys: surveys with their questions, their results, and opening and closing them.

Surveys are for the office-wide roles (admin, staff, viewer), as on the survey pages
(``views.common.office_surveys``); focal points answer the needs assessment on its page, experts
see none. Results are ``results.survey_results``: counts, means, shares and response rates
(numerators with their denominators). Opening and closing go through
``services.move_survey`` (a survey without questions cannot be opened, ...).
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from workplan.api.base import ReadOnlyScopedViewSet, check_form
from workplan.directory.api import office_field

from . import results, services
from .filters import SurveyFilterSet
from .forms import TransitionForm
from .models import Question, Survey
from .views.common import office_surveys


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "position", "kind", "code", "text", "hint", "required", "choices",
                  "scale_max", "rank_limit"]


class SurveySerializer(serializers.ModelSerializer):
    office = office_field()
    actions = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the plan's actions the survey is about.")
    questions = QuestionSerializer(many=True, read_only=True)
    response_count = serializers.IntegerField(read_only=True)
    invitation_count = serializers.IntegerField(read_only=True)
    responded_count = serializers.IntegerField(read_only=True,
                                               help_text="Invitations whose link was used.")
    transitions = serializers.SerializerMethodField(
        help_text="The statuses you may move this survey to now.")

    class Meta:
        model = Survey
        fields = ["id", "office", "kind", "title", "intro", "event", "actions", "fiscal_year",
                  "status", "opens_on", "closes_on", "anonymous", "opened_at", "closed_at",
                  "response_count", "invitation_count", "responded_count", "questions",
                  "transitions", "created"]

    def get_transitions(self, survey) -> list[str]:
        from workplan.core.access import CHANGE, can

        if not can(self.context["request"].user, CHANGE, survey.office_id):
            return []
        return sorted(Survey.TRANSITIONS[Survey.Status(survey.status)])


class RowSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="% of the question's answers.")
    first = serializers.IntegerField(help_text="Rankings: times ranked first.")
    mean_position = serializers.FloatField(allow_null=True)
    score = serializers.FloatField()


class QuestionResultSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    question = serializers.IntegerField(source="question.pk")
    code = serializers.CharField(source="question.code")
    kind = serializers.CharField()
    text = serializers.CharField(source="question.text")
    n = serializers.IntegerField(help_text="How many answered it.")
    mean = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    total = serializers.FloatField(allow_null=True)
    rows = RowSerializer(many=True)
    texts = serializers.SerializerMethodField(help_text="The newest text answers.")
    more_texts = serializers.IntegerField()

    def get_texts(self, result) -> list[str]:
        return [answer.text for answer in result.texts]


class MemberRateSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.iso3", allow_null=True, default=None)
    invited = serializers.IntegerField()
    responded = serializers.IntegerField()
    responses = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey.pk")
    responses = serializers.IntegerField()
    expected = serializers.IntegerField(
        help_text="Invitations, or the region's members for a needs assessment.")
    answered = serializers.IntegerField(help_text="Invitations used, or members who answered.")
    rate = serializers.FloatField(allow_null=True, help_text="answered / expected, in %.")
    members = MemberRateSerializer(many=True)
    questions = QuestionResultSerializer(many=True)


class SurveyTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Survey.Status.choices)


class SurveyViewSet(ReadOnlyScopedViewSet):
    """Surveys of your offices (office-wide roles): needs assessments, workshop evaluations,
    follow-up surveys and custom ones, with their questions."""

    model = Survey
    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet  # the survey list's: q, kind, status, fy
    ordering_fields = ["fiscal_year", "id"]
    ordering = ["-fiscal_year", "-id"]
    change_actions = frozenset({"transition"})

    def scope(self):
        from workplan.core.access import CHANGE, VIEW

        return office_surveys(self.request.user,
                              CHANGE if self.action in self.change_actions else VIEW)

    def shape(self, queryset):
        questions = Question.objects.order_by("position", "pk")
        return queryset.for_list().prefetch_related(Prefetch("questions", queryset=questions),
                                                    "actions")

    @extend_schema(responses=SurveyResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Counts, means and shares of every question, and response rates by member."""
        survey = self.get_object()
        return Response(SurveyResultsSerializer(results.survey_results(survey)).data)

    @extend_schema(request=SurveyTransitionSerializer, responses=SurveySerializer,
                   examples=[OpenApiExample("Open", request_only=True,
                                            value={"status": "open"})])
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Open, close or reopen the survey (draft → open → closed → open)."""
        survey = self.get_object()
        body = SurveyTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = check_form(TransitionForm(data=body.validated_data))
        try:
            services.move_survey(survey, data["status"], user=request.user)
        except services.TransitionError as error:
            raise serializers.ValidationError({"status": [str(error)]}) from None
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_queryset().get(pk=survey.pk)).data)


routes = [("surveys", SurveyViewSet, "survey")]
