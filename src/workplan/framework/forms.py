"""Forms of the strategic plan's pages (office admins of the region)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplan.indicators.forms import FieldErrors

from .models import Objective, StrategicPlan

CODE_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,4}$")
# "1. Title", "1) Title", "1 - Title", "1: Title" or "1 Title"
MILESTONE_RE = re.compile(r"^\s*(\d{1,3})\s*[.):\-–]?\s*(.*?)\s*$")


class StrategicPlanForm(FieldErrors, forms.ModelForm):
    class Meta:
        model = StrategicPlan
        fields = ["title", "start_year", "end_year"]
        help_texts = {"title": gettext_lazy("e.g. Asia/Pacific Regional Strategic Plan "
                                            "2027-2029")}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        for name in ("start_year", "end_year"):
            year = cleaned.get(name)
            if year is not None and not 2000 <= year <= 2100:
                self.add_error(name, _("Enter a year between 2000 and 2100."))
        if start and end and end < start:
            self.add_error("end_year", _("The last year comes before the first."))
        return cleaned


class MilestonesField(forms.CharField):
    """Milestones as lines "1. Title": what an office copies out of the RSP document."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{number}. {title}".rstrip() for number, title in value)
        return value

    def to_python(self, value):
        lines = [line for line in (value or "").splitlines() if line.strip()]
        milestones, seen = [], set()
        for index, line in enumerate(lines, start=1):
            match = MILESTONE_RE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("Line %(line)d (“%(text)s”) does not start with the milestone's number, "
                      "e.g. “1. Risk management tools in use”.")
                    % {"line": index, "text": line.strip()[:60]})
            number, title = int(match.group(1)), match.group(2)[:300]
            if number == 0:
                raise forms.ValidationError(_("Line %(line)d: milestones are numbered from 1.")
                                            % {"line": index})
            if number in seen:
                raise forms.ValidationError(_("Milestone %(number)d is listed twice.")
                                            % {"number": number})
            seen.add(number)
            milestones.append((number, title))
        return sorted(milestones)


class ObjectiveForm(FieldErrors, forms.ModelForm):
    milestones = MilestonesField(
        label=gettext_lazy("Milestones"), required=False,
        help_text=gettext_lazy("One per line, with its number: “1. Risk management tools in "
                               "use”. A milestone an action cites cannot be removed."))

    class Meta:
        model = Objective
        fields = ["code", "title"]
        help_texts = {"code": gettext_lazy("As the RSP numbers it, e.g. 1.1.1")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("milestones", [
                (m.number, m.title) for m in self.instance.milestones.order_by("number")])
            if self.instance.references.exists():
                # plans cite it by this code: it stays
                self.fields["code"].disabled = True
                self.fields["code"].help_text = _("Annual plans cite this objective by its "
                                                  "code, so it cannot change.")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_RE.match(code):
            raise forms.ValidationError(_("Write the code as numbers with dots, e.g. 1.1.1."))
        return code
