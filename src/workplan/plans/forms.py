"""Forms of the plans app: the plan page's filters and the plan upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from workplan.core.access import ADMINISTER
from workplan.core.uploads import sizes
from workplan.directory.models import Office

from .models import Activity
from .services import import_plan
from .textplan.parser import PlanSyntaxError


class PlanFilterForm(forms.Form):
    """GET filters of the plan page; a value that is not a choice is reported and ignored."""

    kind = forms.ChoiceField(label=_("Kind of activity"), required=False)
    member = forms.ChoiceField(label=_("Member"), required=False)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int,
                                    empty_value=None)

    def __init__(self, *args, members=(), pillars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Activity.Kind.choices]
        self.fields["member"].choices = [("", _("All members")),
                                         *[(m.iso3, m.name) for m in members]]
        self.fields["pillar"].choices = [("", _("All pillars")),
                                         *[(p.number, f"{p.number}. {p.title}") for p in pillars]]

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of ``plan_outline``."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in ("kind", "member", "pillar")
                if data.get(name) not in (None, "")}


class PlanUploadForm(forms.Form):
    """Upload a published plan for an office the user administers; ``clean`` runs a dry run.

    After ``is_valid()``: ``data`` (the file's bytes), ``report`` (the dry run's
    ``ImportReport``).
    """

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(),
                                    empty_label=None)
    file = forms.FileField(label=_("Plan file"))
    period = forms.RegexField(
        label=_("Fiscal year (optional)"), required=False, regex=r"^\d{4}-\d{4}$",
        max_length=9, help_text=_("Only when the plan's title does not name it, e.g. 2025-2026."),
        error_messages={"invalid": _("Write the fiscal year as 2025-2026.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = (Office.objects.restrict(user, ADMINISTER)
                                          .select_related("region").order_by("code"))
        limit = filesizeformat(settings.WORKPLAN_MAX_PLAN_UPLOAD)
        self.fields["file"].help_text = _(
            "The published plan as UTF-8 text: action, activities and KPI cells separated by "
            "tabs. At most %(limit)s.") % {"limit": limit}
        self.fields["file"].widget.attrs["accept"] = ".txt,text/plain"
        self.data_bytes: bytes | None = None
        self.report = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.WORKPLAN_MAX_PLAN_UPLOAD
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; plans of at most %(limit)s can be uploaded."),
                code="too_large",
                params=sizes(upload.size, limit),
            )
        self.data_bytes = upload.read()
        return upload

    def clean(self):
        cleaned = super().clean()
        office, upload = cleaned.get("office"), cleaned.get("file")
        if office is None or upload is None or self.data_bytes is None or self.errors:
            return cleaned
        try:
            self.report = import_plan(self.data_bytes, office, source_name=upload.name,
                                      dry_run=True, period=cleaned.get("period") or None)
        except PlanSyntaxError as exc:
            self.add_error("file", syntax_error(exc))
        return cleaned


def syntax_error(exc: PlanSyntaxError) -> forms.ValidationError:
    """A form error for a plan that cannot be read, naming its line."""
    if exc.line:
        return forms.ValidationError(
            _("Line %(line)s: %(message)s. Nothing was imported."), code="syntax",
            params={"line": exc.line, "message": exc.message})
    return forms.ValidationError(_("%(message)s. Nothing was imported."), code="syntax",
                                 params={"message": exc.message[:1].upper() + exc.message[1:]})


class ConfirmImportForm(forms.Form):
    """Confirms the previewed upload (by its checksum). ``archive`` is the explicit yes to
    archiving KPIs and actions that leave the plan with recorded data: never implied."""

    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    archive = forms.BooleanField(
        required=False,
        label=_("Archive the KPIs and actions listed above as leaving the plan, with their "
                "recorded data (kept, read-only, no longer in the plan)"))
