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
            "The published plan as UTF-8 text (action, activities and KPI cells separated by "
            "tabs), or the Word document (.docx) with its three-column table. At most "
            "%(limit)s.") % {"limit": limit}
        self.fields["file"].widget.attrs["accept"] = (
            ".txt,text/plain,.docx,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
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


# --- the plan editor ----------------------------------------------------------------------------


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rsp_choices(strategic_plan) -> list[tuple[str, str]]:
    """``1.1.1`` (the objective) and ``1.1.1:2`` (its 2nd milestone), from the strategic plan:
    an action cites only what the plan holds."""
    if strategic_plan is None:
        return []
    from workplan.framework.models import Objective

    choices = []
    for objective in (Objective.objects.filter(strategic_plan=strategic_plan)
                      .prefetch_related("milestones").order_by("sort_key")):
        label = f"RSP {objective.code}" + (f" {objective.title}" if objective.title else "")
        choices.append((objective.code, label))
        for milestone in sorted(objective.milestones.all(), key=lambda m: m.number):
            choices.append((f"{objective.code}:{milestone.number}",
                            f"RSP {objective.code} – {ordinal(milestone.number)} milestone"))
    return choices


def rsp_initial(refs) -> list[str]:
    out = []
    for ref in refs:
        out.append(ref.objective)
        out += [f"{ref.objective}:{n}" for n in ref.milestones]
    return out


class PillarForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=300)
    action_text = forms.CharField(label=_("Its first action"), widget=forms.Textarea(
        attrs={"rows": 2}), help_text=_("A pillar holds at least one action."))


class ActionForm(forms.Form):
    """An action's text, RSP references (from the strategic plan), flags and KPIs."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000)
    rsp_refs = forms.MultipleChoiceField(
        label=_("RSP references"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Objectives and milestones of the strategic plan. Choosing a milestone "
                    "cites its objective."))
    rocb_specific = forms.BooleanField(label=_("An action of the office's own (not in the RSP)"),
                                       required=False)
    upon_request = forms.BooleanField(label=_("Upon request"), required=False)
    kpis = forms.CharField(label=_("KPIs, one a line"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, strategic_plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rsp_refs"].choices = rsp_choices(strategic_plan)

    def references(self):
        from .textplan.parser import RspRef

        refs: dict[str, RspRef] = {}
        for value in self.cleaned_data["rsp_refs"]:
            code, _sep, number = value.partition(":")
            ref = refs.setdefault(code, RspRef(code, []))
            if number:
                ref.milestones.append(int(number))
        for ref in refs.values():
            ref.milestones.sort()
        return list(refs.values())

    def kpi_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["kpis"].splitlines() if line.strip()]


class ActivityForm(forms.Form):
    """An activity: title; kind and members (left empty: as the title says); the actions
    listing it and those its See-also names."""

    title = forms.CharField(label=_("Title"), max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    members = forms.MultipleChoiceField(
        label=_("Beneficiary members"), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Leave empty to read them from the title (\"... for Fiji and Tonga\")."))
    listed_in = forms.MultipleChoiceField(label=_("Listed under"),
                                          widget=forms.SelectMultiple(attrs={"size": 8}))
    see_also = forms.MultipleChoiceField(label=_("See also"), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, codes=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("As the title says")), *Activity.Kind.choices]
        self.fields["members"].choices = [(m.iso3, m.name) for m in members]
        self.fields["listed_in"].choices = [(c, c) for c in codes]
        self.fields["see_also"].choices = [(c, c) for c in codes]


class TargetsForm(forms.Form):
    """The year's target (and baseline) of each current KPI of an action."""

    def __init__(self, *args, indicators=(), targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = targets or {}
        self.indicators = list(indicators)
        for indicator in self.indicators:
            found = targets.get(indicator.pk)
            self.fields[f"target_{indicator.pk}"] = forms.DecimalField(
                label=_("Target: %(kpi)s") % {"kpi": indicator.text}, required=False,
                max_digits=12, decimal_places=2, min_value=0,
                initial=found.target if found else None)
            self.fields[f"baseline_{indicator.pk}"] = forms.DecimalField(
                label=_("Baseline: %(kpi)s") % {"kpi": indicator.text}, required=False,
                max_digits=12, decimal_places=2, initial=found.baseline if found else None)
