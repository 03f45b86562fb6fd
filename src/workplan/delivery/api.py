"""API of delivery: requests, events and participations.

Reads go through ``restrict(user, VIEW)``, writes through ``restrict(user, CHANGE)``, as on the
web pages. Every write is checked by the same Django form as its web page (``forms.py``: the
member's region, the office's plan, the focal point's own member ...) and done by the same
function of ``services.py`` (life cycles, versions, edit conflicts), so the API cannot do what
the pages refuse. Members are named by their ISO 3166 alpha-3 code.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from workplan.api.base import KeyField, ReadOnlyScopedViewSet, check_form
from workplan.api.expand import Expandable, Loading
from workplan.api.pagination import Cursor
from workplan.core.access import CHANGE, can, focal_points
from workplan.directory.api import (
    PersonSerializer,
    member_field,
    members_field,
    office_field,
)
from workplan.directory.models import Member, Person
from workplan.plans.api import ActivitySerializer

from . import services
from .filters import EventFilterSet, RequestFilterSet
from .forms import (
    EventForm,
    NewParticipantForm,
    ParticipantForm,
    RequestForm,
    ScheduleForm,
    TransitionForm,
)
from .models import Event, EventPartner, Participation, Request, RequestStep
from .querysets import Headcount, headcount_annotations
from .views.events import may_record_events
from .views.requests import FOCAL_POINT_STEPS, STAFF_STEPS, may_file, steps_for


def _member_pks(codes) -> dict[str, int]:
    """ISO codes -> member ids (the forms then check which the user may choose)."""
    codes = {str(code).strip().upper() for code in codes if code}
    return dict(Member.objects.filter(iso3__in=codes).values_list("iso3", "pk"))


def _member_value(code, known: dict[str, int]):
    """The form value for a member given by ISO code: its id, or the code itself (which the
    form then refuses, naming it)."""
    if code in (None, ""):
        return ""
    return known.get(str(code).strip().upper(), code)


def _default_single(form, name: str, data: dict) -> None:
    """Where the web form fixes a choice that has one option (the user's only office), a
    client may leave it out too."""
    if data.get(name) in (None, "") and form.fields[name].initial is not None:
        data[name] = form.fields[name].initial


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The status to move to.")
    version = KeyField(
        required=False, allow_null=True,
        help_text="The version you read; a 409 if someone saved since.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# --- requests ---------------------------------------------------------------------------------


class RequestStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_username", read_only=True, allow_null=True,
                               default=None)

    class Meta:
        model = RequestStep
        fields = ["status", "at", "by", "note"]


class RequestSerializer(serializers.ModelSerializer):
    office = office_field()
    member = member_field()
    steps = RequestStepSerializer(many=True, read_only=True)
    transitions = serializers.SerializerMethodField(
        help_text="The statuses you may move this request to now.")

    class Meta:
        model = Request
        fields = ["id", "office", "member", "topic", "action", "activity", "preferred_start",
                  "preferred_end", "notes", "status", "event", "version", "steps",
                  "transitions", "created", "modified"]

    def get_transitions(self, obj) -> list[str]:
        return steps_for(self.context["request"].user, obj)


class RequestCreateSerializer(serializers.Serializer):
    """A new request. ``office`` may be left out by those who work for one office."""

    office = KeyField(required=False)
    member = serializers.CharField(max_length=3, help_text="ISO 3166 alpha-3, e.g. LAO.")
    topic = serializers.CharField(max_length=300)
    action = KeyField(required=False, allow_null=True)
    activity = KeyField(required=False, allow_null=True)
    preferred_start = serializers.DateField(required=False, allow_null=True)
    preferred_end = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        user = self.context["request"].user
        form = RequestForm(data={}, user=user, instance=Request())
        data = {name: attrs.get(name) for name in form.fields}
        data = {name: ("" if value is None else value) for name, value in data.items()}
        data["member"] = _member_value(attrs.get("member"), _member_pks([attrs.get("member")]))
        _default_single(form, "office", data)
        form = RequestForm(data=data, user=user, instance=Request())
        form.fields["member"].disabled = False  # a client names the member: check it
        return check_form(form)


class RequestTransitionSerializer(StatusChangeSerializer):
    event = KeyField(
        required=False, allow_null=True,
        help_text="To schedule: the event the request is scheduled as.")


@extend_schema_view(
    list=extend_schema(summary="Requests for assistance", examples=[OpenApiExample(
        "A request", response_only=True, value={
            "id": 12, "office": 1, "member": "LAO", "topic": "Post-clearance audit",
            "action": 3, "activity": None, "preferred_start": "2025-03-01",
            "preferred_end": None, "notes": "", "status": "received", "event": None,
            "version": 1, "steps": [{"status": "received", "at": "2025-01-10T08:00:00Z",
                                     "by": "lao-fp", "note": "Filed"}],
            "transitions": ["withdrawn"], "created": "2025-01-10T08:00:00Z",
            "modified": "2025-01-10T08:00:00Z"})]),
    create=extend_schema(request=RequestCreateSerializer, responses={201: RequestSerializer},
                         examples=[OpenApiExample("File a request", request_only=True, value={
                             "member": "LAO", "topic": "Post-clearance audit workshop",
                             "preferred_start": "2025-03-01"})]),
)
class RequestViewSet(mixins.CreateModelMixin, ReadOnlyScopedViewSet):
    """Members' requests for assistance. Focal points see and file their own member's and
    may withdraw them; office staff see them all and accept, decline, schedule (as an event)
    and deliver them."""

    model = Request
    serializer_class = RequestSerializer
    pagination_class = Cursor
    filterset_class = RequestFilterSet
    ordering_fields = ["created", "id"]
    ordering = ["-created", "-id"]
    select = ("office", "member")
    change_actions = frozenset({"transition"})

    def shape(self, queryset):
        steps = RequestStep.objects.select_related("by").order_by("at", "pk")
        return queryset.prefetch_related(Prefetch("steps", queryset=steps))

    def create(self, request, *args, **kwargs):
        if not may_file(request.user):
            raise PermissionDenied(_("You cannot file requests."))
        serializer = RequestCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        filed = services.file_request(
            office=data["office"], member=data["member"], topic=data["topic"],
            user=request.user, action=data["action"], activity=data["activity"],
            preferred_start=data["preferred_start"], preferred_end=data["preferred_end"],
            notes=data["notes"])
        return Response(self._read(filed.pk), status=status.HTTP_201_CREATED)

    def _read(self, pk):
        self.action = "retrieve"
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    @extend_schema(request=RequestTransitionSerializer, responses=RequestSerializer,
                   examples=[OpenApiExample("Accept", request_only=True,
                                            value={"status": "accepted", "version": 1}),
                             OpenApiExample("Schedule", request_only=True, value={
                                 "status": "scheduled", "event": 42, "version": 2})])
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """One step of the life cycle (the web page's buttons): a refused step changes
        nothing."""
        req = self.get_object()
        body = RequestTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = TransitionForm(data={k: v for k, v in body.validated_data.items()
                                    if k != "event" and v is not None})
        data = check_form(form)
        target, user = data["status"], request.user
        may = set(STAFF_STEPS) if can(user, CHANGE, req.office_id) else set()
        if (req.office_id, req.member_id) in focal_points(user):
            may |= set(FOCAL_POINT_STEPS)
        if target in (*STAFF_STEPS, *FOCAL_POINT_STEPS) and target not in may:
            raise PermissionDenied(
                _("Only the office's staff can do this; you can withdraw the request.")
                if target in STAFF_STEPS else
                _("Only the member's focal point can withdraw a request."))
        event = None
        if target == Request.Status.SCHEDULED:
            schedule = ScheduleForm(data={"event": body.validated_data.get("event") or ""},
                                    request_obj=req, user=user)
            event = check_form(schedule)["event"]
        try:
            services.move_request(req, target, user=user, note=data["note"], event=event,
                                  expected_version=data["version"])
        except services.TransitionError as error:
            raise serializers.ValidationError({"status": [str(error)]}) from None
        return Response(self._read(req.pk))


# --- events -----------------------------------------------------------------------------------


class ActionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    work_plan = serializers.IntegerField(source="work_plan_id")
    code = serializers.CharField()
    text = serializers.CharField()


class EventPartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = EventPartner
        fields = ["partner", "name", "role"]


def _activity_loading(prefix: str) -> Loading:
    return Loading(select=(prefix,), prefetch=(f"{prefix}__members",
                                                f"{prefix}__action_links__action"))


class EventSerializer(serializers.ModelSerializer):
    office = office_field()
    activity = Expandable(ActivitySerializer, allow_null=True,
                          expanded=_activity_loading("activity"))
    host_member = member_field("host_member", allow_null=True)
    beneficiaries = members_field("beneficiaries")
    actions = Expandable(ActionBriefSerializer, many=True,
                         always=Loading(prefetch=("actions",)))
    partners = EventPartnerSerializer(source="partner_roles", many=True, read_only=True)
    participant_count = serializers.IntegerField(
        read_only=True, help_text="Participants: attended, in the participant role.")
    women_count = serializers.IntegerField(
        read_only=True, help_text="Women among the participants.")
    resource_person_count = serializers.IntegerField(
        read_only=True, help_text="Resource persons (experts) who attended.")
    other_count = serializers.IntegerField(
        read_only=True, help_text="Observers and organisers who attended.")
    absent_count = serializers.IntegerField(
        read_only=True, help_text="People recorded who did not attend.")
    transitions = serializers.SerializerMethodField(
        help_text="The statuses you may move this event to now.")

    class Meta:
        model = Event
        fields = ["id", "office", "activity", "title", "kind", "level", "start_date",
                  "end_date", "city", "country", "mode", "host_member", "beneficiaries",
                  "actions", "partners", "status", "office_role",
                  "summary", "participant_count", "women_count", "resource_person_count",
                  "other_count", "absent_count", "version", "transitions",
                  "created", "modified"]

    def get_transitions(self, obj) -> list[str]:
        if not can(self.context["request"].user, CHANGE, obj.office_id):
            return []
        return sorted(Event.TRANSITIONS[obj.status])


def with_counts(events: list) -> list:
    """Set the counts of ``Headcount`` (the figures every page shows) on ``events``: one
    query for all of them, the page's events only."""
    rows = (Event.objects.filter(pk__in=[event.pk for event in events]).order_by()
            .with_headcount().values("pk", *headcount_annotations()))
    counts = {row["pk"]: Headcount.of(row) for row in rows}
    for event in events:
        headcount = counts.get(event.pk, Headcount())
        event.participant_count = headcount.participants
        event.women_count = headcount.women
        event.resource_person_count = headcount.resource_persons
        event.other_count = headcount.others
        event.absent_count = headcount.absent
    return events


class EventWriteSerializer(serializers.Serializer):
    """An event to record (POST) or the fields to change (PATCH; ``version`` required)."""

    office = KeyField(required=False, help_text="New events only.")
    activity = KeyField(required=False, allow_null=True)
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    level = serializers.ChoiceField(choices=Event.Level.choices)
    office_role = serializers.ChoiceField(choices=Event.OfficeRole.choices,
                                          default=Event.OfficeRole.ORGANISED)
    status = serializers.ChoiceField(choices=Event.Status.choices, default=Event.Status.PLANNED,
                                     help_text="New events only; then use /transition/.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    mode = serializers.ChoiceField(choices=Event.Mode.choices, default=Event.Mode.IN_PERSON)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=3, required=False, allow_blank=True)
    host_member = serializers.CharField(max_length=3, required=False, allow_null=True,
                                        allow_blank=True)
    beneficiaries = serializers.ListField(child=serializers.CharField(max_length=3),
                                          required=False)
    actions = serializers.ListField(child=KeyField(), required=False,
                                    help_text="Actions served; by default its activity's.")
    summary = serializers.CharField(required=False, allow_blank=True)
    version = KeyField(required=False, allow_null=True,
                                       help_text="Changes only: the version you read.")

    def validate(self, attrs):
        user = self.context["request"].user
        event = self.instance
        codes = [attrs.get("host_member"), *attrs.get("beneficiaries", [])]
        known = _member_pks(codes)
        if "host_member" in attrs:
            attrs["host_member"] = _member_value(attrs["host_member"], known)
        if "beneficiaries" in attrs:
            attrs["beneficiaries"] = [_member_value(c, known) for c in attrs["beneficiaries"]]
        if event is None:
            data = {"city": "", "country": "", "summary": "", "beneficiaries": [],
                    "host_member": "", "activity": ""}
            actions_given = "actions" in attrs
        else:
            data = {"activity": event.activity_id or "", "title": event.title,
                    "kind": event.kind, "level": event.level, "office_role": event.office_role,
                    "start_date": event.start_date, "end_date": event.end_date,
                    "mode": event.mode, "city": event.city, "country": event.country,
                    "host_member": event.host_member_id or "",
                    "beneficiaries": [m.pk for m in event.beneficiaries.all()],
                    "actions": [link.action_id for link in event.action_links.all()],
                    "summary": event.summary}
            actions_given = True
            attrs.pop("office", None)
            attrs.pop("status", None)
        data.update({k: ("" if v is None else v) for k, v in attrs.items()})
        form = EventForm(data={}, user=user, instance=event or Event())
        if event is None:
            _default_single(form, "office", data)
            if not actions_given and data.get("activity"):
                # As on the web page: a planned activity's event serves its actions.
                activity = form.fields["activity"].queryset.filter(pk=data["activity"]).first()
                if activity is not None:
                    data["actions"] = [a.pk for a in activity.actions.all()]
        form = EventForm(data=data, user=user, instance=event or Event())
        cleaned = check_form(form)
        self.form = form
        return cleaned


_EVENT_EXAMPLE = {
    "office": 1, "title": "National workshop on risk management", "kind": "workshop",
    "level": "national", "start_date": "2025-03-10", "end_date": "2025-03-12",
    "mode": "in_person", "city": "Vientiane", "country": "LAO", "host_member": "LAO",
    "beneficiaries": ["LAO"], "actions": [3], "status": "planned"}


@extend_schema_view(
    list=extend_schema(summary="Events", description=(
        "Events of your offices (focal points: their member's; experts: their deployments), "
        "filtered as on the events page: ``q``, ``fy`` (fiscal year, e.g. 2024), ``quarter`` "
        "(Q1-Q4 of the fiscal year), ``kind``, ``level``, ``status``, ``member`` (ISO code), "
        "``sub_region``, ``action`` (a code, e.g. 1-(a)), ``partner`` (id).")),
    create=extend_schema(request=EventWriteSerializer, responses={201: EventSerializer},
                         examples=[OpenApiExample("Record an event", request_only=True,
                                                  value=_EVENT_EXAMPLE)]),
    partial_update=extend_schema(request=EventWriteSerializer, responses=EventSerializer,
                                 examples=[OpenApiExample(
                                     "Change the dates", request_only=True, value={
                                         "start_date": "2025-03-17",
                                         "end_date": "2025-03-19", "version": 3})]),
    update=extend_schema(request=EventWriteSerializer, responses=EventSerializer),
)
class EventViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyScopedViewSet):
    """Events: held, planned or to come. Office staff record and change them; a change
    carries the ``version`` it was read at, and a 409 says someone saved in between."""

    model = Event
    serializer_class = EventSerializer
    pagination_class = Cursor
    filterset_class = EventFilterSet
    ordering_fields = ["start_date", "end_date", "id"]
    ordering = ["-start_date", "-id"]
    change_actions = frozenset({"update", "partial_update", "transition"})

    def shape(self, queryset):
        # As ``for_list`` (office, host, activity), but the participant counts are read for
        # the page's events only (``with_counts``): counting every event's participations
        # before the page is cut would grow with the data.
        partners = EventPartner.objects.select_related("partner").order_by("role",
                                                                           "partner__name")
        return (queryset.select_related("office", "host_member", "activity")
                .prefetch_related(Prefetch("partner_roles", queryset=partners)))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            self.get_serializer(with_counts(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(with_counts([self.get_object()])[0]).data)

    def _read(self, pk):
        self.action = "retrieve"
        return EventSerializer(with_counts([self.get_queryset().get(pk=pk)])[0],
                               context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        if not may_record_events(request.user):
            raise PermissionDenied(_("Only office staff record events."))
        body = EventWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        event = services.record_event(
            office=data["office"], title=data["title"], kind=data["kind"], level=data["level"],
            start_date=data["start_date"], end_date=data["end_date"],
            activity=data["activity"], actions=list(data["actions"]),
            beneficiaries=list(data["beneficiaries"]), user=request.user,
            city=data["city"], country=data["country"], mode=data["mode"],
            host_member=data["host_member"], office_role=data["office_role"],
            summary=data["summary"], status=data["status"])
        return Response(self._read(event.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        event = self.get_object()
        body = EventWriteSerializer(event, data=request.data, partial=kwargs.get("partial"),
                                    context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with transaction.atomic():
            services.update_event(body.form.instance, expected_version=data["version"],
                                  beneficiaries=list(data["beneficiaries"]),
                                  actions=list(data["actions"]), user=request.user)
        return Response(self._read(event.pk))

    @extend_schema(request=StatusChangeSerializer, responses=EventSerializer,
                   examples=[OpenApiExample("Held", request_only=True,
                                            value={"status": "held", "version": 3})])
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the event to another status (holding it delivers its scheduled requests)."""
        event = self.get_object()
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = check_form(TransitionForm(data={k: v for k, v in body.validated_data.items()
                                               if v is not None}))
        try:
            services.move_event(event, data["status"], user=request.user,
                                expected_version=data["version"])
        except services.TransitionError as error:
            raise serializers.ValidationError({"status": [str(error)]}) from None
        return Response(self._read(event.pk))


# --- participations ---------------------------------------------------------------------------


class ParticipationSerializer(serializers.ModelSerializer):
    person = Expandable(PersonSerializer, expanded=Loading(
        select=("person__office", "person__member", "person__partner"),
        prefetch=("person__accreditations",)))
    member = member_field(allow_null=True)

    class Meta:
        model = Participation
        fields = ["id", "event", "person", "role", "attended", "member", "created"]


class NewPersonSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    gender = serializers.ChoiceField(choices=Person.Gender.choices,
                                     default=Person.Gender.UNDISCLOSED)
    member = serializers.CharField(max_length=3, required=False, allow_blank=True,
                                   allow_null=True, help_text="ISO code.")
    partner = KeyField(required=False, allow_null=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class ParticipationCreateSerializer(serializers.Serializer):
    """Register a person at an event: a known ``person`` (id), or a ``new_person``."""

    event = KeyField()
    person = KeyField(required=False, allow_null=True)
    new_person = NewPersonSerializer(required=False, allow_null=True)
    role = serializers.ChoiceField(choices=Participation.Role.choices,
                                   default=Participation.Role.PARTICIPANT)
    attended = serializers.BooleanField(default=True)

    def validate(self, attrs):
        user = self.context["request"].user
        event = (Event.objects.restrict(user, CHANGE).select_related("office__region")
                 .filter(pk=attrs["event"]).first())
        if event is None:
            raise serializers.ValidationError({"event": [_("No event of yours has this id.")]})
        person, new = attrs.get("person"), attrs.get("new_person")
        if (person is None) == (new is None):
            raise serializers.ValidationError({"non_field_errors": [
                _("Give either a known person (“person”) or a new one (“new_person”).")]})
        common = {"role": attrs["role"], "attended": "on" if attrs["attended"] else ""}
        if person is not None:
            cleaned = check_form(ParticipantForm(data={"person": person, **common},
                                                 event=event, user=user))
            return {"event": event, "person": cleaned["person"], "role": cleaned["role"],
                    "attended": cleaned["attended"]}
        fields = {k: ("" if v is None else v) for k, v in new.items()}
        fields["member"] = _member_value(fields.get("member"),
                                         _member_pks([fields.get("member")]))
        form = NewParticipantForm(data={f"new-{k}": v for k, v in {**fields, **common}.items()},
                                  event=event, user=user)
        if not form.is_valid():
            raise serializers.ValidationError({"new_person": {
                ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
                for k, v in form.errors.items() if k not in ("role", "attended")}})
        return {"event": event, "person": None, "new_person": form.person_fields(),
                "role": form.cleaned_data["role"], "attended": form.cleaned_data["attended"]}


@extend_schema_view(
    create=extend_schema(request=ParticipationCreateSerializer,
                         responses={201: ParticipationSerializer},
                         examples=[OpenApiExample("A new participant", request_only=True,
                                                  value={"event": 42, "new_person": {
                                                      "full_name": "Somchai P.",
                                                      "gender": "male", "member": "LAO",
                                                      "email": "somchai@customs.example"},
                                                      "role": "participant"}),
                                   OpenApiExample("A known expert", request_only=True,
                                                  value={"event": 42, "person": 7,
                                                         "role": "expert"})]),
)
class ParticipationViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin,
                           ReadOnlyScopedViewSet):
    """Who took part in which event, in which role (participants, experts, observers,
    organisers). Office staff register and remove them."""

    model = Participation
    serializer_class = ParticipationSerializer
    pagination_class = Cursor
    filterset_fields = ["event", "person", "role", "attended"]
    ordering_fields = ["id"]
    ordering = ["-id"]

    def create(self, request, *args, **kwargs):
        if not may_record_events(request.user):
            raise PermissionDenied(_("Only office staff register participants."))
        body = ParticipationCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            participation = services.add_participation(
                data["event"], data["person"], role=data["role"], attended=data["attended"],
                new_person=data.get("new_person"), user=request.user)
        except services.ParticipationError as error:
            raise serializers.ValidationError({"person": [str(error)]}) from None
        self.action = "retrieve"
        item = self.get_queryset().get(pk=participation.pk)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_participation(instance)


routes = [
    ("requests", RequestViewSet, "request"),
    ("events", EventViewSet, "event"),
    ("participations", ParticipationViewSet, "participation"),
]

