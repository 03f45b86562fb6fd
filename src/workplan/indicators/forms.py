"""Forms of indicators: how a KPI is counted (its binding), its targets, manual values and
their review, the adoption register (filters, a dated status) and its instruments.

Forms validate only; the views write through ``services``. What a measure refuses
(``validate_params`` raises ValueError "name: why") is reported on the field of that name.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from workplan.core.concurrency import add_version_field

from .measures import ACTION, OFFICE, registry
from .measures.base import STOCK
from .models import Adoption, Indicator, Instrument, Value
from .periods import Period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The settings a measure takes, as the binding form groups them.
EVENTS, ADOPTION, NONE, OTHER = "events", "adoption", "none", "other"
EVENT_KEYS = ("kind", "level")
ADOPTION_KEYS = ("instrument", "status", "new")
STATUS_LEVELS = [("planning", _("Planning (or beyond)")),
                 ("implementing", _("Implementing (or beyond)")),
                 ("operating", _("The highest status (operating, contracting party ...)"))]


def settings_group(measure) -> str:
    """Which settings the binding form offers for ``measure``."""
    from .measures.delivery import EventMeasure
    from .measures.register import Adoption as AdoptionMeasure

    if isinstance(measure, EventMeasure):
        return EVENTS
    if isinstance(measure, AdoptionMeasure):
        return ADOPTION
    return OTHER if measure.params_help else NONE


def offers_scope(measure) -> bool:
    """Counting the action's records or the office's makes sense for measures read from
    shared records; not for values entered per indicator or for the register's stock."""
    return not measure.per_indicator and measure.aggregation != STOCK


def as_list(value) -> list[str]:
    if value in (None, "", []):
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def today() -> dt.date:
    return timezone.localdate()


class FieldErrors:
    """``form.has_field_errors``: errors on fields, not only form-wide ones (templates)."""

    @property
    def has_field_errors(self) -> bool:
        return any(name != "__all__" for name in self.errors)


# --- binding ------------------------------------------------------------------------------------


class BindingForm(FieldErrors, forms.Form):
    """The measure of one indicator and its settings. The button "Let the rules decide" posts
    ``rules=1``: the measure and settings below are then ignored (services.set_binding with
    ``locked=False``); direction still applies.

    Event measures take kinds and levels, the register's measure an instrument and a status;
    any other measure's settings (``params_help``) are text fields named ``opt_<setting>``.
    Both buttons carry ``version``: the version of the indicator the form was filled from
    (``core.concurrency``)."""

    OPTION = "opt_"

    rules = forms.BooleanField(required=False, widget=forms.HiddenInput)
    measure = forms.ChoiceField(label=_("Measure"), required=False,
                                help_text=_("How the KPI is counted."))
    scope = forms.ChoiceField(
        label=_("Whose records"), required=False, widget=forms.RadioSelect,
        choices=[(ACTION, _("The records of this action only")),
                 (OFFICE, _("All of the office's records"))])
    kind = forms.MultipleChoiceField(
        label=_("Only events of these kinds"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every kind."))
    level = forms.MultipleChoiceField(
        label=_("Only events at these levels"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every level."))
    instrument = forms.ChoiceField(label=_("Instrument or programme"), required=False)
    status = forms.ChoiceField(label=_("Lowest status that counts"), required=False,
                               choices=STATUS_LEVELS, initial="operating")
    new = forms.BooleanField(
        label=_("Count only members who reached it during the period"), required=False)
    cumulative = forms.BooleanField(
        label=_("Cumulative"), required=False,
        help_text=_("A quarter shows the total since the fiscal year began; otherwise each "
                    "quarter counts only its own records."))
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)

    def __init__(self, *args, indicator: Indicator, measure: str | None = None, **kwargs):
        from workplan.delivery.models import Event

        super().__init__(*args, **kwargs)
        self.indicator = indicator
        add_version_field(self, indicator.version)
        self.fields["measure"].choices = registry.choices()
        self.fields["kind"].choices = Event.Kind.choices
        self.fields["level"].choices = Event.Level.choices
        self.instruments = list(Instrument.objects.order_by("position", "name"))
        self.fields["instrument"].choices = [("", _("Choose an instrument"))] + [
            (i.code, i.name) for i in self.instruments]
        for other in registry:
            if settings_group(other) != OTHER:
                continue
            for key, help_text in other.params_help.items():
                self.fields.setdefault(self.OPTION + key, forms.CharField(
                    label=key.replace("_", " ").capitalize(), required=False, max_length=200,
                    help_text=help_text))
        if not self.is_bound:
            self.initial.update(self.initial_from(indicator))
            if measure in registry and measure != indicator.measure:
                # another measure proposed (htmx, as the choice changes): its own defaults
                chosen = registry.get(measure)
                self.initial.update(measure=measure, scope=chosen.default_scope,
                                    cumulative=chosen.cumulative_default)
        self.params: dict = {}

    @classmethod
    def initial_from(cls, indicator: Indicator) -> dict:
        measure = registry.get(indicator.measure)
        params = dict(indicator.params or {})
        initial = {
            "measure": measure.key,
            "scope": measure.scope(params),
            "cumulative": indicator.cumulative,
            "direction": indicator.direction,
        }
        group = settings_group(measure)
        if group == EVENTS:
            initial.update(kind=as_list(params.get("kind")), level=as_list(params.get("level")))
        elif group == ADOPTION:
            initial.update(instrument=params.get("instrument", ""),
                           status=params.get("status", "operating"),
                           new=bool(params.get("new", False)))
        elif group == OTHER:
            initial.update({cls.OPTION + key: params.get(key, "")
                            for key in measure.params_help})
        return initial

    @property
    def selected(self):
        """The measure the form is about: the one posted (if known), else the initial one."""
        key = (self.data.get(self.add_prefix("measure")) if self.is_bound
               else self.initial.get("measure"))
        return registry.get(key) if key in registry else registry.get(self.indicator.measure)

    @property
    def group(self) -> str:
        return settings_group(self.selected)

    @property
    def shows_scope(self) -> bool:
        return offers_scope(self.selected)

    def option_fields(self):
        """The text fields of the selected measure's own settings (other measures)."""
        measure = self.selected
        if settings_group(measure) != OTHER:
            return []
        return [self[self.OPTION + key] for key in measure.params_help]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rules"):
            return cleaned
        key = cleaned.get("measure")
        if not key:
            if "measure" not in self.errors:
                self.add_error("measure", _("Choose how the KPI is counted."))
            return cleaned
        measure = registry.get(key)
        params: dict = {}
        if offers_scope(measure):
            params["scope"] = cleaned.get("scope") or measure.default_scope
        group = settings_group(measure)
        if group == EVENTS:
            for name in EVENT_KEYS:
                if cleaned.get(name):
                    params[name] = list(cleaned[name])
        elif group == ADOPTION:
            if not cleaned.get("instrument"):
                self.add_error("instrument",
                               _("Choose the instrument whose register this KPI counts."))
                return cleaned
            params.update(instrument=cleaned["instrument"],
                          status=cleaned.get("status") or "operating",
                          new=bool(cleaned.get("new")))
        elif group == OTHER:
            for name in measure.params_help:
                value = (cleaned.get(self.OPTION + name) or "").strip()
                if value:
                    params[name] = value
        try:
            self.params = measure.validate_params(params)
        except ValueError as error:
            self.add_error(self._field_of(str(error), group), str(error))
        return cleaned

    def _field_of(self, message: str, group: str) -> str | None:
        """The field a measure's message names ("kind: unknown value(s) ...")."""
        match = re.match(r"\s*(\w+)\s*(:| must)", message)
        name = match.group(1) if match else ""
        if group == OTHER and self.OPTION + name in self.fields:
            return self.OPTION + name
        if name in self.fields and name not in ("rules", "measure"):
            return name
        return None


# --- targets -----------------------------------------------------------------------------------


class TargetsForm(FieldErrors, forms.Form):
    """Target and baseline for a fiscal year (quarter 0) and each of its quarters: fields
    ``fy_target``, ``fy_baseline``, ``q1_target`` ... ``q4_baseline``."""

    QUARTERS = (0, 1, 2, 3, 4)

    def __init__(self, *args, fiscal_year: int, start_month: int = 7, targets=(),
                 version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        if version is not None:  # the page: the indicator's version it was opened with
            add_version_field(self, version)
        self.periods = []
        existing = {t.quarter: t for t in targets if t.fiscal_year == fiscal_year}
        for quarter in self.QUARTERS:
            period = Period(fiscal_year, quarter, start_month)
            prefix = self.prefix_of(quarter)
            for kind, label in (("target", _("target")), ("baseline", _("baseline"))):
                name = f"{prefix}_{kind}"
                self.fields[name] = forms.DecimalField(
                    label=f"{period.label} – {label}", required=False, min_value=Decimal(0),
                    max_digits=12, decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "any", "min": "0",
                                                    "inputmode": "decimal"}))
                found = existing.get(quarter)
                if found is not None and not self.is_bound:
                    self.initial[name] = getattr(found, kind)
            self.periods.append((period, self[f"{prefix}_target"], self[f"{prefix}_baseline"]))

    @staticmethod
    def prefix_of(quarter: int) -> str:
        return f"q{quarter}" if quarter else "fy"

    def rows(self) -> dict[int, tuple]:
        """quarter -> (target, baseline), as services.save_targets takes them."""
        return {q: (self.cleaned_data.get(f"{self.prefix_of(q)}_target"),
                    self.cleaned_data.get(f"{self.prefix_of(q)}_baseline"))
                for q in self.QUARTERS}


# --- manual values -----------------------------------------------------------------------------


class ValueForm(FieldErrors, forms.Form):
    """A value of a manual indicator, with what was achieved and its evidence."""

    on = forms.DateField(label=_("Date"), widget=DATE,
                         help_text=_("When it happened: it counts in that date's quarter."))
    value = forms.DecimalField(label=_("Value"), min_value=Decimal(0), max_digits=12,
                               decimal_places=2,
                               widget=forms.NumberInput(attrs={"step": "any", "min": "0",
                                                               "inputmode": "decimal"}))
    member = forms.ModelChoiceField(label=_("Member"), required=False, queryset=None,
                                    empty_label=_("None: not about one member"),
                                    help_text=_("If the value concerns one member."))
    description = forms.CharField(label=_("What was achieved"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    evidence_url = forms.URLField(label=_("Evidence: a link"), required=False, max_length=500,
                                  assume_scheme="https")
    evidence = forms.CharField(label=_("Evidence: a reference or note"), required=False,
                               max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("A document number, a report's title and page, "
                                           "a file on the shared drive ... A link or a "
                                           "reference is required."))
    submit = forms.BooleanField(label=_("Submit for review now"), required=False,
                                help_text=_("Otherwise it is kept as a draft. Another person "
                                            "approves it; only approved values count."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > today():
            raise forms.ValidationError(_("The date is in the future: record a value once it "
                                          "has been achieved."))
        return on

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("evidence_url") or (cleaned.get("evidence") or "").strip()):
            if "evidence_url" not in self.errors:
                self.add_error("evidence", _("Give the evidence: a link or a reference."))
        return cleaned


class ReviewForm(forms.Form):
    to = forms.ChoiceField(choices=[(Value.Status.SUBMITTED, _("Submit for review")),
                                    (Value.Status.APPROVED, _("Approve")),
                                    (Value.Status.RETURNED, _("Return for changes"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


# --- the adoption register ---------------------------------------------------------------------


class RegisterFilterForm(FieldErrors, forms.Form):
    """The register's date and filters (GET)."""

    on = forms.DateField(label=_("Status on"), required=False, widget=DATE,
                         help_text=_("Each member's status in force that day."))
    sub_region = forms.ChoiceField(label=_("Sub-region"), required=False)
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)

    def __init__(self, *args, sub_regions, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_region"].choices = [("", _("All sub-regions"))] + [
            (name, name) for name in sub_regions]
        self.fields["instrument"].choices = [("", _("All instruments"))] + [
            (i.code, i.name) for i in instruments]

    def values(self) -> dict:
        """The cleaned filters, with today for an empty date (call after is_valid)."""
        data = self.cleaned_data
        return {"on": data.get("on") or today(), "sub_region": data.get("sub_region") or "",
                "instrument": data.get("instrument") or ""}


class AdoptionForm(FieldErrors, forms.Form):
    """A member's status for one instrument from a date, with its evidence."""

    status = forms.TypedChoiceField(label=_("Status"), coerce=int)
    since = forms.DateField(label=_("Since"), widget=DATE,
                            help_text=_("The day the status began (e.g. the date of "
                                        "accession or of the launch)."))
    evidence = forms.CharField(label=_("Evidence"), max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Where this is written: a notification, a "
                                           "report, a letter ..."))
    evidence_url = forms.URLField(label=_("Evidence: a link"), required=False, max_length=500,
                                  assume_scheme="https")

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choose a status"))] + [
            (level, capfirst(instrument.status_label(level)) if level else label)
            for level, label in Adoption.Status.choices]
        if not self.is_bound:
            self.initial.setdefault("since", today())

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since > today():
            raise forms.ValidationError(_("The date is in the future: record a status once "
                                          "it holds."))
        return since

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"].strip()
        if not evidence:
            raise forms.ValidationError(_("Give the evidence of this status."))
        return evidence


class KeywordsField(forms.CharField):
    """Words separated by commas (or |) -> a list."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [w.strip() for w in re.split(r"[,|\n]", text or "") if w.strip()]


class InstrumentForm(FieldErrors, forms.ModelForm):
    keywords = KeywordsField(
        label=_("Words that name it in a plan"), required=False, max_length=1000,
        help_text=_("Separated by commas, e.g. Revised Kyoto, RKC."))

    class Meta:
        model = Instrument
        fields = ["code", "name", "kind", "top_status_label", "keywords"]
        help_texts = {"code": _("Lower-case letters, digits, - or _, e.g. rkc, wto_tfa. "
                                "KPI settings and links use it: keep it once chosen.")}

    def clean_code(self):
        return self.cleaned_data["code"].strip().lower()

    def clean_top_status_label(self):
        label = self.cleaned_data["top_status_label"].strip()
        if not label:
            raise forms.ValidationError(_("Name the highest status, e.g. operating."))
        return label
