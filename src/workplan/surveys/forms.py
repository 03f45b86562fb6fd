"""Forms of surveys: creating and editing surveys and their questions, inviting people, and
the response form built from a survey's questions.

Forms validate only (the views write through ``services``). Every error of the response form
names the question it concerns, by number and text, so a respondent on a phone knows where
to look; nothing is saved while any answer is wrong.
"""

from __future__ import annotations

import math
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from workplan.core.access import CHANGE
from workplan.core.concurrency import add_version_field
from workplan.directory.models import Office

from . import services
from .models import Question, Survey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_LIMIT = 5000
NUMBER_LIMIT = 1_000_000_000
CHOICE_LIMIT = 200


def _hide_if_single(field) -> None:
    choices = list(field.queryset)
    if len(choices) == 1:
        field.initial = choices[0].pk
        field.widget = forms.HiddenInput()


# --- surveys ----------------------------------------------------------------------------------


class SurveyCreateForm(forms.Form):
    """A needs assessment or a custom survey (evaluations and follow-ups start from their
    event)."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(),
                                    empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (Survey.Kind.NEEDS, Survey.Kind.NEEDS.label),
        (Survey.Kind.CUSTOM, Survey.Kind.CUSTOM.label)])
    title = forms.CharField(label=_("Title"), max_length=300, required=False,
                            help_text=_("Empty: the template's title (e.g. “Needs assessment "
                                        "2025-2026”)."))
    fiscal_year = forms.IntegerField(label=_("Fiscal year (first year)"), min_value=2000,
                                     max_value=2100,
                                     help_text=_("2025 for 2025-2026. A needs assessment "
                                                 "offers the actions of that year's plan."))
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False,
                                   help_text=Survey._meta.get_field("anonymous").help_text)
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = Office.objects.restrict(user, CHANGE).order_by("code")
        self.fields["office"].queryset = offices
        _hide_if_single(self.fields["office"])
        if not self.is_bound:
            first = offices.first()
            if first is not None:
                self.initial.setdefault("fiscal_year", services.current_fiscal_year(first))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Survey.Kind.NEEDS and data.get("anonymous"):
            self.add_error("anonymous", _("A needs assessment speaks for a member "
                                          "administration: it cannot be anonymous."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey closes before it opens."))
        return data


class SurveyForm(forms.ModelForm):
    """Edit a survey's title, introduction and dates (anonymity only while a draft). It
    carries ``version``: the version of the survey it was filled from (``core.concurrency``).
    """

    class Meta:
        model = Survey
        fields = ["title", "intro", "opens_on", "closes_on", "anonymous"]
        widgets = {"opens_on": DATE, "closes_on": DATE,
                   "intro": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance.version)
        if not self.instance.is_draft or self.instance.kind == Survey.Kind.NEEDS:
            self.fields["anonymous"].disabled = True
            if not self.instance.is_draft:
                self.fields["anonymous"].help_text = _(
                    "Fixed once the survey has been opened.")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey closes before it opens."))
        return data

    def _post_clean(self):
        pass  # the service validates and saves the model


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=Survey.Status.choices)


# --- questions --------------------------------------------------------------------------------


def parse_choices(text: str) -> list[dict]:
    """One choice per line: ``label``, or ``value | label`` (a value such as an action code
    that results are matched by). Raises ValidationError naming the line."""
    choices, seen, errors = [], set(), []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        value, _sep, label = line.partition("|")
        value, label = value.strip(), (label.strip() or value.strip())
        if len(value) > CHOICE_LIMIT:
            errors.append(_("Line %(line)d is longer than %(limit)d characters.")
                          % {"line": number, "limit": CHOICE_LIMIT})
            continue
        if value.lower() in seen:
            errors.append(_("Line %(line)d: “%(value)s” is offered twice.")
                          % {"line": number, "value": value})
            continue
        seen.add(value.lower())
        choices.append({"value": value, "label": label})
    if errors:
        raise forms.ValidationError(errors)
    return choices


def choices_text(choices: list[dict]) -> str:
    return "\n".join(c["label"] if c["label"] == c["value"] else f"{c['value']} | {c['label']}"
                     for c in choices)


class QuestionForm(forms.ModelForm):
    """Add (``instance`` unsaved) or edit a question; editing carries ``version``, the version
    of the question the form was filled from (``core.concurrency``)."""

    code = forms.CharField(
        label=_("Code"), max_length=60, required=False,
        help_text=_("Names the same question across surveys, e.g. overall, relevance (letters, "
                    "digits and _; other characters are replaced)."))
    choices_text = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Choice and ranking questions: one per line; “value | label” to give a "
                    "short value (e.g. an action code) different from the text shown."))

    class Meta:
        model = Question
        fields = ["kind", "text", "hint", "required", "scale_max", "rank_limit", "code"]

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        if self.instance.pk:
            add_version_field(self, self.instance.version)
            if not self.is_bound:
                self.initial["choices_text"] = choices_text(self.instance.choices)
        scale = self.fields["scale_max"]
        scale.validators += [MinValueValidator(2), MaxValueValidator(10)]
        scale.widget.attrs.update(min=2, max=10)
        scale.help_text = _("Rating questions: 1 to this number (2 to 10).")

    def clean_code(self):
        code = slugify(self.cleaned_data.get("code") or "").replace("-", "_")[:40]
        if code:
            clash = self.survey.questions.filter(code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("Another question of this survey has the code "
                                              "“%(code)s”.") % {"code": code})
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        try:
            choices = parse_choices(data.get("choices_text") or "")
        except forms.ValidationError as error:
            self.add_error("choices_text", error)
            return data
        if kind in Question.CHOICE_KINDS:
            if kind != Question.Kind.RANKING and len(choices) < 2:
                self.add_error("choices_text", _("Give at least two choices, one per line."))
            elif not choices:
                self.add_error("choices_text", _("Give the items to rank, one per line."))
        else:
            choices = []
        data["choices"] = choices
        if kind != Question.Kind.RANKING:
            data["rank_limit"] = None
        elif data.get("rank_limit") is not None and data["rank_limit"] < 1:
            self.add_error("rank_limit", _("Rank at least one item (or leave empty for all)."))
        return data

    def question_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("kind", "text", "hint", "required", "scale_max",
                                              "rank_limit", "code")} | {
            "choices": data["choices"]}

    def _post_clean(self):
        pass  # the service validates and saves the model


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label=_("People to invite"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line: “Name <name@example.org>”, “name@example.org” or "
                    "“name@example.org, Name”. People of the office are recognised by their "
                    "e-mail address."))

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.entries = []

    def clean_addresses(self):
        entries, errors = services.parse_invitees(self.cleaned_data["addresses"],
                                                  self.survey.office)
        if errors:
            raise forms.ValidationError(errors)
        if not entries:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        self.entries = entries
        return self.cleaned_data["addresses"]


# --- answering --------------------------------------------------------------------------------


class NumberField(forms.Field):
    """A number ≥ 0 as people type it ("12", "2.5", " 3 "); the error repeats what they
    typed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        value = (value or "").strip()
        if value == "":
            return None
        cleaned = value.replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"\d+,\d+", cleaned):
            cleaned = cleaned.replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number) or not re.fullmatch(
                r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
            raise forms.ValidationError(_("“%(value)s” is not a number."), code="invalid",
                                        params={"value": value[:30]})
        if number < 0:
            raise forms.ValidationError(_("Give a number of 0 or more."), code="min_value")
        if number > NUMBER_LIMIT:
            raise forms.ValidationError(_("%(value)s is too large.") % {"value": value[:30]},
                                        code="max_value")
        return number


def _field_for(question, number: int):
    common = {"label": question.text, "required": question.required,
              "help_text": question.hint}
    messages = {"required": _("An answer is required.")}
    kind = question.kind
    if kind == Question.Kind.RATING:
        return forms.TypedChoiceField(
            choices=[(value, str(value)) for value in question.scale], coerce=int,
            widget=forms.RadioSelect(attrs={"class": "scale"}), error_messages={
                **messages, "invalid_choice": _("“%%(value)s” is not on the scale 1 to %(top)d.")
                % {"top": question.scale_max}}, **common)
    if kind == Question.Kind.SINGLE:
        return forms.ChoiceField(
            choices=[(c["value"], c["label"]) for c in question.choices],
            widget=forms.RadioSelect, error_messages={
                **messages, "invalid_choice": _("“%(value)s” is not one of the choices "
                                                "offered.")}, **common)
    if kind == Question.Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=[(c["value"], c["label"]) for c in question.choices],
            widget=forms.CheckboxSelectMultiple, error_messages={
                **messages, "invalid_choice": _("“%(value)s” is not one of the choices "
                                                "offered.")}, **common)
    if kind == Question.Kind.NUMBER:
        return NumberField(error_messages=messages, **common)
    return forms.CharField(max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={**messages, "max_length": _(
                               "Keep the answer under %(limit_value)d characters (it has "
                               "%(show_value)d).")}, **common)


class AnswerItem:
    """One question of the form with its field(s), for the template."""

    def __init__(self, number, question, fields):
        self.number = number
        self.question = question
        self.fields = fields

    @property
    def errors(self):
        return [error for field in self.fields for error in field.errors]

    @property
    def anchor(self) -> str:
        return f"question-{self.question.pk}"


class ResponseForm(forms.Form):
    """The questions of a survey as form fields: ``q<pk>``, and for a ranking ``q<pk>_<rank>``
    (one choice per place). ``values()`` gives {question pk: value} for the services."""

    def __init__(self, questions, *args, disabled: bool = False, shared: bool = False,
                 seen: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if shared:
            # A member's one needs-assessment answer, which its focal points (and its link)
            # all change: the hidden ``seen`` says which saved answers the form was opened
            # with, so that a save over someone else's newer one is refused (services).
            self.fields["seen"] = forms.CharField(widget=forms.HiddenInput, required=False)
            if not self.is_bound:
                self.initial["seen"] = seen
        self.numbers = {}
        for number, question in enumerate(self.questions, start=1):
            self.numbers[question.pk] = number
            if question.kind == Question.Kind.RANKING:
                options = [("", _("— choose —"))] + [(c["value"], c["label"])
                                                      for c in question.choices]
                for place in range(1, question.ranks + 1):
                    self.fields[f"q{question.pk}_{place}"] = forms.ChoiceField(
                        label=_("Place %(place)d") % {"place": place}, required=False,
                        choices=options, error_messages={"invalid_choice": _(
                            "“%(value)s” is not one of the items to rank.")})
            else:
                self.fields[f"q{question.pk}"] = _field_for(question, number)
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    @classmethod
    def initial_from(cls, questions, values: dict) -> dict:
        initial = {}
        for question in questions:
            value = values.get(question.pk)
            if value is None:
                continue
            if question.kind == Question.Kind.RANKING:
                for place, item in enumerate(value, start=1):
                    initial[f"q{question.pk}_{place}"] = item
            else:
                initial[f"q{question.pk}"] = value
        return initial

    @property
    def items(self) -> list[AnswerItem]:
        items = []
        for question in self.questions:
            if question.kind == Question.Kind.RANKING:
                fields = [self[f"q{question.pk}_{place}"]
                          for place in range(1, question.ranks + 1)]
            else:
                fields = [self[f"q{question.pk}"]]
            items.append(AnswerItem(self.numbers[question.pk], question, fields))
        return items

    @property
    def seen(self) -> str | None:
        """The saved answers the form was opened with (``services.response_stamp``); None
        when the answer is not shared."""
        return self.cleaned_data.get("seen", "") if "seen" in self.fields else None

    def clean(self):
        data = super().clean()
        if "seen" in self.fields and "seen" not in self.data:
            raise forms.ValidationError(_(
                "The form did not say which saved answers it was opened with: reload the page, "
                "then answer again."), code="no_stamp")
        for question in self.questions:
            if question.kind != Question.Kind.RANKING:
                continue
            first = f"q{question.pk}_1"
            places = [f"q{question.pk}_{place}" for place in range(1, question.ranks + 1)]
            if any(name in self.errors for name in places):
                continue  # an unknown item: already said
            picked = [data.get(name) or "" for name in places]
            chosen = [item for item in picked if item]
            labels = question.choice_labels
            if question.required and not chosen:
                self.add_error(first, _("Choose at least the first place."))
            elif "" in picked[: len(chosen)]:
                self.add_error(first, _("Fill the places in order, from the first, without "
                                        "gaps."))
            else:
                twice = sorted({item for item in chosen if chosen.count(item) > 1})
                if twice:
                    self.add_error(first, _("%(items)s is ranked more than once; rank each "
                                            "item once.") % {
                        "items": ", ".join(f"“{labels.get(i, i)}”" for i in twice)})
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        values = {}
        for question in self.questions:
            if question.kind == Question.Kind.RANKING:
                values[question.pk] = [data[f"q{question.pk}_{place}"]
                                       for place in range(1, question.ranks + 1)
                                       if data.get(f"q{question.pk}_{place}")]
            else:
                values[question.pk] = data.get(f"q{question.pk}")
        return values

    def error_summary(self) -> list[dict]:
        """Every error with the question it concerns: number, text, anchor, message."""
        summary = []
        for item in self.items:
            for error in item.errors:
                summary.append({"number": item.number, "text": item.question.text,
                                "anchor": item.anchor, "message": error})
        summary += [{"number": None, "text": "", "anchor": "", "message": error}
                    for error in self.non_field_errors()]
        return summary
