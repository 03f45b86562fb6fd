"""Forms of delivery: events, their partners, funding, attachments and participants, attendance
sheets, requests and their life cycle.

Every choice a form offers is read through ``restrict(user, ...)``; what a choice cannot say
(a member of the wrong region, a date out of order) is checked in ``clean`` and reported on the
field it concerns. Forms validate only: the views write through ``services``.
"""

from __future__ import annotations

import pycountry
from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from workplan.core.access import CHANGE, VIEW, focal_points, office_ids
from workplan.core.uploads import sizes
from workplan.directory.models import Member, Office, Partner, Person
from workplan.directory.querysets import latest_plans
from workplan.plans.models import Action, Activity, WorkPlan

from . import attendance
from .models import Attachment, Event, EventPartner, Funding, Participation, Request

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _country_code(value: str) -> str:
    """An ISO 3166 alpha-3 code, upper case, or a ValidationError naming the value."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    try:
        found = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    except (KeyError, LookupError):
        found = None
    if found is None:
        raise forms.ValidationError(
            _("“%(value)s” is not an ISO 3166 alpha-3 country code (e.g. LAO, FJI, JPN)."),
            code="country", params={"value": value})
    return code


def _currency_code(value: str) -> str:
    code = (value or "").strip().upper()
    try:
        found = pycountry.currencies.get(alpha_3=code) if len(code) == 3 else None
    except (KeyError, LookupError):
        found = None
    if found is None:
        raise forms.ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (e.g. USD, EUR, JPY)."),
            code="currency", params={"value": value})
    return code


def _hide_if_single(form, name: str) -> None:
    """An office choice with one office: keep it, but as a hidden input holding that office.
    The form's initial data is set too: a ModelForm fills it from its (unsaved) instance with
    ``office: None``, which would hide the field's own initial and send an empty office."""
    field = form.fields[name]
    choices = list(field.queryset)
    if len(choices) == 1:
        field.initial = choices[0].pk
        if form.initial.get(name) is None:
            form.initial[name] = choices[0].pk
        field.widget = forms.HiddenInput()


# --- events -----------------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    """Create (``instance`` unsaved) or edit an event. Editing carries ``version``: the
    version of the event the form was filled from (see ``core.concurrency``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    actions = forms.ModelMultipleChoiceField(
        label=_("Actions served"), queryset=Action.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The actions of the plan this event delivers. Those of its planned "
                    "activity are chosen for you."))

    class Meta:
        model = Event
        fields = ["office", "activity", "title", "kind", "level", "office_role", "status",
                  "start_date", "end_date", "mode", "city", "country", "host_member",
                  "beneficiaries", "summary"]
        widgets = {
            "start_date": DATE, "end_date": DATE,
            "activity": forms.HiddenInput,
            "beneficiaries": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "country": forms.TextInput(attrs={"maxlength": 3, "autocomplete": "off",
                                              "class": "input--code"}),
        }
        help_texts = {
            "country": _("Three letters, e.g. LAO; empty for a virtual event."),
            "host_member": _("The member administration that hosts a national event."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        offices = Office.objects.restrict(user, CHANGE).select_related("region")
        members = Member.objects.restrict(user, CHANGE).order_by("name")
        activities = Activity.objects.restrict(user, CHANGE)
        if editing:
            del self.fields["office"], self.fields["status"]
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version
                self.initial["actions"] = [link.action_id
                                           for link in self.instance.action_links.all()]
            members = members.filter(region_id=self.instance.office.region_id)
            activities = activities.filter(work_plan__office_id=self.instance.office_id)
        else:
            del self.fields["version"]
            self.fields["office"].queryset = offices
            self.fields["office"].empty_label = None
            _hide_if_single(self, "office")
            self.fields["status"].help_text = _("An event recorded after it took place is "
                                                "“held”.")
        self.fields["activity"].queryset = activities
        self.fields["host_member"].queryset = members
        self.fields["beneficiaries"].queryset = members
        self.fields["beneficiaries"].required = False
        # Actions: those of each office's latest plan, of the event's activity's plan, and
        # any the event already serves (an older plan's).
        plans = latest_plans(WorkPlan.objects.restrict(user, CHANGE)).values("pk")
        condition = Q(work_plan__in=plans)
        activity_id = (self.data.get(self.add_prefix("activity")) if self.is_bound
                       else self.initial.get("activity")) or self.instance.activity_id
        if activity_id and str(activity_id).isdigit():
            condition |= Q(work_plan__activities=activity_id)
        if editing:
            condition |= Q(event_links__event=self.instance)
        self.fields["actions"].queryset = (Action.objects.restrict(user, CHANGE).current()
                                           .filter(condition).distinct()
                                           .select_related("work_plan")
                                           .order_by("-work_plan__start_year", "position"))
        self.fields["actions"].label_from_instance = (
            lambda a: f"{a.code} ({a.work_plan.period}) {Truncator(a.text).chars(100)}")

    @property
    def event_office(self):
        if self.instance.pk is not None:
            return self.instance.office
        return self.cleaned_data.get("office")

    def clean_country(self):
        return _country_code(self.cleaned_data.get("country", ""))

    def clean(self):
        cleaned = super().clean()
        office = self.event_office
        if office is None:
            return cleaned
        if self.instance.pk is None:
            self.instance.office = office
        region = office.region_id
        host = cleaned.get("host_member")
        if host is not None and host.region_id != region:
            self.add_error("host_member", _("%(member)s is not a member of the region of "
                                            "%(office)s.") % {"member": host, "office": office})
        outside = [m.name for m in cleaned.get("beneficiaries") or [] if m.region_id != region]
        if outside:
            self.add_error("beneficiaries", _("Not members of the region of %(office)s: "
                                              "%(names)s.") % {"office": office,
                                                               "names": ", ".join(outside)})
        activity = cleaned.get("activity")
        if activity is not None and activity.work_plan.office_id != office.pk:
            self.add_error("activity", _("This activity belongs to another office's plan."))
        foreign = [a.code for a in cleaned.get("actions") or []
                   if a.work_plan.office_id != office.pk]
        if foreign:
            self.add_error("actions", _("Actions of another office's plan: %(codes)s.")
                           % {"codes": ", ".join(foreign)})
        return cleaned


class TransitionForm(forms.Form):
    """A status change; ``version`` is the version the page showed."""

    status = forms.CharField(max_length=20)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EventPartnerForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=EventPartner.Role.choices)

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["partner"].queryset = Partner.objects.restrict(user, VIEW).order_by("name")

    def clean(self):
        cleaned = super().clean()
        partner, role = cleaned.get("partner"), cleaned.get("role")
        if partner and role and self.event.partner_roles.filter(partner=partner,
                                                                role=role).exists():
            self.add_error("partner", _("%(partner)s is already named as %(role)s of this "
                                        "event.") % {
                "partner": partner, "role": EventPartner.Role(role).label.lower()})
        return cleaned


class FundingForm(forms.ModelForm):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter the amount as a number, e.g. 12500 or 12500.50."),
            "min_value": _("The amount cannot be negative."),
            "max_digits": _("The amount is too large."),
            "max_decimal_places": _("Give the amount with at most two decimals."),
            "max_whole_digits": _("The amount is too large."),
        })
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="USD",
        help_text=_("ISO 4217 code, e.g. USD, EUR, JPY."),
        widget=forms.TextInput(attrs={"maxlength": 3, "autocomplete": "off",
                                      "class": "input--code"}))

    class Meta:
        model = Funding
        fields = ["partner", "member", "amount", "currency", "in_kind", "note"]

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        self.fields["partner"].queryset = Partner.objects.restrict(user, VIEW).order_by("name")
        self.fields["partner"].help_text = _("The donor or partner that gives it …")
        self.fields["member"].queryset = (Member.objects.restrict(user, VIEW)
                                          .filter(region_id=event.office.region_id)
                                          .order_by("name"))
        self.fields["member"].help_text = _("… or the member administration that "
                                            "contributes (e.g. the host).")

    def clean_currency(self):
        return _currency_code(self.cleaned_data.get("currency", ""))

    def clean(self):
        cleaned = super().clean()
        partner, member = cleaned.get("partner"), cleaned.get("member")
        if "partner" in self.errors or "member" in self.errors:
            return cleaned
        if partner is None and member is None:
            self.add_error("partner", _("Choose who gives the money: a partner or a member "
                                        "administration."))
        elif partner is not None and member is not None:
            self.add_error("member", _("Funding comes from one source: choose a partner or a "
                                       "member administration, not both."))
        return cleaned


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import ALLOWED_ATTACHMENTS

        self.fields["file"].help_text = _("%(types)s; at most %(limit)s.") % {
            "types": ", ".join(sorted(ALLOWED_ATTACHMENTS)).upper(),
            "limit": filesizeformat(settings.WORKPLAN_MAX_ATTACHMENT)}
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in sorted(ALLOWED_ATTACHMENTS))
        self.data_bytes: bytes | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.WORKPLAN_MAX_ATTACHMENT
        if upload.size > limit:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the limit is %(limit)s."), code="too_large",
                params={"name": upload.name, **sizes(upload.size, limit)})
        self.data_bytes = upload.read()
        return upload


# --- participants -----------------------------------------------------------------------------


class ParticipantForm(forms.Form):
    """Register a person already known to the office."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(),
                                    widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices)
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (Person.objects.restrict(user, CHANGE)
                                          .filter(office_id=event.office_id))


def gender_field() -> forms.ChoiceField:
    """The person's gender, required and with nothing chosen until someone chooses."""
    return forms.ChoiceField(label=_("Gender"), required=True,
                             choices=[("", _("— choose —")), *Person.Gender.choices],
                             error_messages={"required": _("Choose the person's gender (or "
                                                           "“Prefer not to say”).")})


class ParticipationEditForm(forms.Form):
    """Correct a participation: role, attendance, the member they came for, their gender."""

    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices)
    attended = forms.BooleanField(label=_("Attended"), required=False)
    member = forms.ModelChoiceField(label=_("Member administration"), required=False,
                                    queryset=Member.objects.none())

    def __init__(self, *args, participation, user, **kwargs):
        initial = {"role": participation.role, "attended": participation.attended,
                   "member": participation.member_id,
                   "gender": participation.person.gender}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.restrict(user, VIEW)
            .filter(region_id=participation.event.office.region_id).order_by("name"))
        self.fields["gender"] = gender_field()
        self.fields["gender"].initial = participation.person.gender
        self.fields["gender"].help_text = _("Corrects the person's record for every event.")


class NewParticipantForm(forms.ModelForm):
    """Register someone the office does not know yet (a new Person)."""

    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices)
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)

    class Meta:
        model = Person
        fields = ["full_name", "gender", "member", "partner", "position", "email"]

    def __init__(self, *args, event, user, **kwargs):
        super().__init__(*args, prefix="new", **kwargs)
        self.event = event
        self.user = user
        self.instance.office = event.office
        # Chosen, never defaulted: a silent "Prefer not to say" lowers the women's share.
        self.fields["gender"] = gender_field()
        self.fields["member"].queryset = (Member.objects.restrict(user, VIEW)
                                          .filter(region_id=event.office.region_id)
                                          .order_by("name"))
        self.fields["partner"].queryset = Partner.objects.restrict(user, VIEW).order_by("name")
        self.fields["partner"].help_text = _("For someone of a partner organisation.")

    def clean(self):
        cleaned = super().clean()
        known = Person.objects.restrict(self.user, CHANGE).filter(office_id=self.event.office_id)
        email = (cleaned.get("email") or "").lower()
        if email:
            same = known.filter(email__iexact=email).first()
            if same is not None:
                self.add_error("email", _("%(name)s already has this e-mail address: find them "
                                          "above and add them instead.")
                               % {"name": same.full_name})
                return cleaned
        name, member = cleaned.get("full_name"), cleaned.get("member")
        if name and known.filter(full_name__iexact=name.strip(), member=member).exists():
            self.add_error("full_name", _("Someone of the same name and member is already "
                                          "known: find them above and add them instead."))
        return cleaned

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- attendance sheets ------------------------------------------------------------------------


class SheetUploadForm(forms.Form):
    file = forms.FileField(label=_("Attendance sheet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx, first sheet) or a CSV file in UTF-8, with a row of "
            "column names (a title above it is fine). At most %(limit)s.") % {
            "limit": filesizeformat(settings.WORKPLAN_MAX_SHEET)}
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"
        self.data_bytes: bytes | None = None
        self.sheet = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.WORKPLAN_MAX_SHEET
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; attendance sheets of at most %(limit)s can be read."),
                code="too_large", params=sizes(upload.size, limit))
        data = upload.read()
        try:
            self.sheet = attendance.read_sheet(upload.name, data)
        except attendance.SheetError as error:
            raise forms.ValidationError(str(error), code="sheet") from None
        self.data_bytes = data
        return upload


FIELD_LABELS = {
    "name": _("Name"), "gender": _("Gender"), "member": _("Member"),
    "organisation": _("Organisation"), "position": _("Position"), "email": _("E-mail"),
    "role": _("Role"), "attended": _("Attended"),
}


class SheetMappingForm(forms.Form):
    """Which column of the sheet holds each field (one select per field)."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    header_row = forms.IntegerField(
        label=_("The column names are in row"), min_value=1, required=False,
        help_text=_("Found by looking for the names of the columns; change it if the sheet "
                    "has them elsewhere."))
    read_header_row = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, headers: list[str], mapping: dict[str, int] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", _("— not in the sheet —"))] + [
            (str(i), header or _("Column %(number)d") % {"number": i + 1})
            for i, header in enumerate(headers)]
        for name, (required, _synonyms) in attendance.FIELDS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=FIELD_LABELS.get(name, name), choices=columns, required=False,
                initial=str(mapping[name]) if mapping and name in mapping else "",
                help_text=_("required") if required else "")

    def header_fields(self):
        return [self["header_row"]]

    def column_fields(self):
        return [self[name] for name in self.fields if name.startswith("col_")]

    def mapping(self) -> dict[str, int]:
        return {name[4:]: int(value) for name, value in self.cleaned_data.items()
                if name.startswith("col_") and value != ""}

    def clean(self):
        cleaned = super().clean()
        used: dict[str, str] = {}
        for name, value in list(cleaned.items()):
            if not name.startswith("col_") or value in ("", None):
                continue
            if value in used:
                self.add_error(name, _("The same column is already read as “%(other)s”.")
                               % {"other": self.fields[used[value]].label})
            else:
                used[value] = name
        return cleaned


# --- requests ---------------------------------------------------------------------------------


def request_offices(user):
    """Offices where ``user`` may file requests: as staff (any member of the region) or as a
    member focal point (their member only)."""
    staff = office_ids(user, CHANGE)
    focal = [office for office, _member in focal_points(user)]
    offices = Office.objects.restrict(user, VIEW).select_related("region")
    if staff is None:
        return offices
    return offices.filter(pk__in=[*staff, *focal])


class RequestForm(forms.ModelForm):
    """File a request. A focal point files for their own member only: the member field is
    fixed to theirs; staff choose any member of the office's region."""

    class Meta:
        model = Request
        fields = ["office", "member", "topic", "action", "activity", "preferred_start",
                  "preferred_end", "notes"]
        widgets = {"preferred_start": DATE, "preferred_end": DATE,
                   "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "action": _("The action of the office's current plan the request falls under, if "
                        "you know it."),
            "activity": _("The planned activity it asks for, if it is one."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.staff_offices = office_ids(user, CHANGE)
        self.focal = focal_points(user)
        offices = request_offices(user)
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = None
        _hide_if_single(self, "office")
        staff_regions = offices if self.staff_offices is None else offices.filter(
            pk__in=self.staff_offices)
        members = Member.objects.restrict(user, VIEW).filter(
            Q(region__in=staff_regions.values("region_id"))
            | Q(pk__in=[member for _office, member in self.focal])).order_by("name")
        self.fields["member"].queryset = members
        if not self.staff_offices and self.staff_offices is not None:
            # Only a focal point: the member is theirs, shown but not chosen.
            own = sorted({member for _office, member in self.focal})
            self.fields["member"].queryset = members.filter(pk__in=own)
            if len(own) == 1:
                self.initial["member"] = own[0]
                self.fields["member"].disabled = True
            self.fields["member"].empty_label = None
        plans = latest_plans(WorkPlan.objects.restrict(user, VIEW).filter(
            office__in=offices.values("pk"))).values("pk")
        self.fields["action"].queryset = (Action.objects.restrict(user, VIEW).current()
                                          .filter(work_plan__in=plans)
                                          .select_related("work_plan").order_by("position"))
        self.fields["action"].label_from_instance = (
            lambda a: f"{a.code} {Truncator(a.text).chars(100)}")
        self.fields["activity"].queryset = (Activity.objects.restrict(user, VIEW)
                                            .filter(work_plan__in=plans)
                                            .select_related("work_plan").order_by("position"))
        self.fields["activity"].label_from_instance = lambda a: Truncator(a.title).chars(140)

    def clean(self):
        cleaned = super().clean()
        office, member = cleaned.get("office"), cleaned.get("member")
        if office is not None:
            self.instance.office = office
        if office is not None and member is not None:
            is_staff = self.staff_offices is None or office.pk in self.staff_offices
            if is_staff and member.region_id != office.region_id:
                self.add_error("member", _("%(member)s is not a member of the region of "
                                           "%(office)s.") % {"member": member, "office": office})
            elif not is_staff and (office.pk, member.pk) not in self.focal:
                self.add_error("member", _("You can file requests for %(own)s only.") % {
                    "own": ", ".join(str(m) for m in Member.objects.filter(
                        pk__in=[m for o, m in self.focal if o == office.pk])) or "—"})
        for name in ("action", "activity"):
            chosen = cleaned.get(name)
            if chosen is not None and office is not None \
                    and chosen.work_plan.office_id != office.pk:
                self.add_error(name, _("This belongs to another office's plan."))
        action, activity = cleaned.get("action"), cleaned.get("activity")
        if action is not None and activity is not None and "activity" not in self.errors \
                and not activity.action_links.filter(action=action).exists():
            self.add_error("activity", _("This activity does not serve action %(code)s.")
                           % {"code": action.code})
        return cleaned


class ScheduleForm(forms.Form):
    """The event a request is scheduled as (events of the request's office)."""

    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none())

    def __init__(self, *args, request_obj, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (
            Event.objects.restrict(user, CHANGE).filter(office_id=request_obj.office_id)
            .exclude(status=Event.Status.CANCELLED)
            .filter(Q(host_member_id=request_obj.member_id)
                    | Q(beneficiaries=request_obj.member_id)).distinct()
            .order_by("-start_date"))
        # Read once: the page shows the choices and asks whether there are any.
        events = list(self.fields["event"].queryset)
        self.has_events = bool(events)
        self.fields["event"].choices = [("", _("Choose the event"))] + [
            (e.pk, f"{e.start_date:%Y-%m-%d} {Truncator(e.title).chars(100)} "
                   f"({e.get_status_display()})")
            for e in events]
