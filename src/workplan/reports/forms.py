"""Forms of the reports app: a publication of the register, and the register's filters.

Every choice is read through ``restrict(user, ...)``; what a choice cannot say (a member of
another region, an action of another office) is checked by the service and reported on the
field. Forms validate only: the views write through ``services``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from workplan.core.access import CHANGE, VIEW
from workplan.core.concurrency import add_version_field
from workplan.core.uploads import sizes
from workplan.delivery.services import ALLOWED_ATTACHMENTS, AttachmentError, check_attachment
from workplan.directory.models import Member, Office
from workplan.directory.querysets import latest_plans
from workplan.plans.models import Action, WorkPlan

from .models import Publication

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.ModelForm):
    """Add (``instance`` unsaved) or edit a publication; the file is read here, saved by the
    service. Editing carries ``version``: the version of the publication the form was filled
    from (``core.concurrency``)."""

    url = forms.URLField(label=_("Address (URL)"), required=False, max_length=500,
                         assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)

    class Meta:
        model = Publication
        fields = ["office", "kind", "title", "date", "member", "actions", "url", "summary"]
        widgets = {"date": DATE, "actions": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["office"]
            add_version_field(self, self.instance.version)
            members = Member.objects.filter(region_id=self.instance.office.region_id)
            plans = WorkPlan.objects.filter(office_id=self.instance.office_id)
        else:
            del self.fields["remove_file"]
            offices = Office.objects.restrict(user, CHANGE).order_by("code")
            self.fields["office"].queryset = offices
            self.fields["office"].empty_label = None
            if len(offices) == 1:
                self.fields["office"].initial = offices[0].pk
                self.fields["office"].widget = forms.HiddenInput()
            members = Member.objects.restrict(user, CHANGE)
            plans = WorkPlan.objects.restrict(user, CHANGE)
        self.fields["member"].queryset = members.order_by("name")
        # Actions: those of each office's latest plan, of the plan of the publication's year
        # and any it already serves.
        # (archived actions, no longer in a plan, only if the publication already serves them)
        condition = Q(work_plan__in=latest_plans(plans).values("pk"), archived_at__isnull=True)
        if editing:
            year = self.instance.date.year - (
                self.instance.date.month < self.instance.office.fiscal_year_start_month)
            condition |= Q(work_plan__in=plans.filter(start_year=year).values("pk"),
                           archived_at__isnull=True)
            condition |= Q(publications=self.instance)
        self.fields["actions"].queryset = (Action.objects.restrict(user, VIEW)
                                           .filter(condition).distinct()
                                           .select_related("work_plan")
                                           .order_by("-work_plan__start_year", "position"))
        self.fields["actions"].label_from_instance = (
            lambda a: f"{a.code} ({a.work_plan.period}) {Truncator(a.text).chars(90)}")
        self.fields["file"].help_text = _("Optional. %(types)s; at most %(limit)s.") % {
            "types": ", ".join(sorted(ALLOWED_ATTACHMENTS)).upper(),
            "limit": filesizeformat(settings.WORKPLAN_MAX_ATTACHMENT)}
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in sorted(ALLOWED_ATTACHMENTS))
        self.file_data: tuple[str, bytes] | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        limit = settings.WORKPLAN_MAX_ATTACHMENT
        if upload.size > limit:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the limit is %(limit)s."), code="too_large",
                params={"name": upload.name, **sizes(upload.size, limit)})
        data = upload.read()
        try:
            check_attachment(upload.name, data)
        except AttachmentError as error:
            raise forms.ValidationError(str(error), code="file") from None
        self.file_data = (upload.name, data)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Publication.Kind.ARTICLE and not cleaned.get("member"):
            self.add_error("member", _("An article names the member that submitted it."))
        office = self.instance.office if self.instance.pk else cleaned.get("office")
        member = cleaned.get("member")
        if office is not None and member is not None and member.region_id != office.region_id:
            self.add_error("member", _("%(member)s is not a member of %(office)s's region.")
                           % {"member": member, "office": office.short_name})
        for action in cleaned.get("actions") or []:
            if office is not None and action.work_plan.office_id != office.pk:
                self.add_error("actions", _("%(code)s (%(period)s) is not an action of "
                                            "%(office)s's plans.")
                               % {"code": action.code, "period": action.work_plan.period,
                                  "office": office.short_name})
                break
        return cleaned

    def _post_clean(self):
        # The model's own validation runs in the service, with the actions and the file.
        pass


class PublicationFilterForm(forms.Form):
    """The register's filters: kind, fiscal year, text."""

    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *Publication.Kind.choices])
    fy = forms.ChoiceField(label=_("Fiscal year"), required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [("", _("All years"))] + [
            (str(y), f"{y}-{y + 1}") for y in years]


class WordsForm(forms.Form):
    """The office's words of a year's report: fixed sections, then one field per pillar and one
    per KPI (a comment; the KPIs behind target first). Validates only; the view saves through
    ``services.save_words``."""

    head_name = forms.CharField(label=_("Head of office's name"), max_length=200,
                                required=False)
    head_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    signature = forms.FileField(label=_("Signature (PNG or JPEG)"), required=False)
    remove_signature = forms.BooleanField(label=_("Remove the signature"), required=False)
    foreword = forms.CharField(label=_("Foreword"), required=False,
                               widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("Paragraphs are separated by a blank line."))
    challenges = forms.CharField(label=_("Challenges and lessons learned"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    way_forward = forms.CharField(label=_("The way forward"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, words, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.words, self.report = words, report
        self.signature_data = None
        for name in ("head_name", "head_title", "foreword", "challenges", "way_forward"):
            self.fields[name].initial = getattr(words, name)
        intros = words.pillar_intros or {}
        self.pillar_fields = []
        for pillar in report.pillars:
            name = f"pillar_{pillar.number}"
            self.fields[name] = forms.CharField(
                label=_("Introduction to pillar %(n)s: %(title)s") % {
                    "n": pillar.number, "title": pillar.title},
                required=False, widget=forms.Textarea(attrs={"rows": 4}),
                initial=intros.get(str(pillar.number), ""))
            self.pillar_fields.append(name)
        notes = words.kpi_notes or {}
        self.kpi_fields = []
        rows = sorted(report.kpis, key=lambda r: (r.state != "behind", r.pillar))
        for row in rows:
            name = f"kpi_{row.indicator_id}"
            self.fields[name] = forms.CharField(
                label=f"{row.code} {row.kpi}", required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("%(status)s: actual %(actual)s, target %(target)s") % {
                    "status": row.status, "actual": row.actual, "target": row.target},
                initial=notes.get(str(row.indicator_id), ""))
            self.kpi_fields.append((name, row.state))
        if words.pk:
            add_version_field(self, words.version)

    def clean_signature(self):
        upload = self.cleaned_data.get("signature")
        if upload:
            from .services import WordsError, _check_signature

            data = upload.read()
            try:
                _check_signature(upload.name, data)
            except WordsError as error:
                raise forms.ValidationError(str(error)) from None
            self.signature_data = (upload.name, data)
        return upload

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "head_name": data["head_name"], "head_title": data["head_title"],
            "foreword": data["foreword"], "challenges": data["challenges"],
            "way_forward": data["way_forward"],
            "pillar_intros": {name.split("_", 1)[1]: data[name] for name in self.pillar_fields},
            "kpi_notes": {name.split("_", 1)[1]: data[name] for name, _s in self.kpi_fields},
        }

    def preview(self) -> dict:
        """The sections as the report will print them (paragraphs), unsaved."""
        from .data.annual import paragraphs

        data = self.changes()
        return {
            "foreword": paragraphs(data["foreword"]), "head_name": data["head_name"].strip(),
            "head_title": data["head_title"].strip(),
            "pillars": [(p.number, p.title, paragraphs(data["pillar_intros"].get(
                str(p.number), ""))) for p in self.report.pillars],
            "challenges": paragraphs(data["challenges"]),
            "way_forward": paragraphs(data["way_forward"]),
        }


# --- the Reports page: one exporter's parameters as a form ---------------------------------------


class ExportForm:
    """One exporter's parameters as a person fills them: the office and the fiscal year as
    choices of what the user may export, formats by their names ("Word", "PDF").

    Not a Django form: the registry's parameters clean the values, so the page, the API and
    ``workplan export`` refuse the same input with the same words. The page adds one check of
    its own: the fiscal year must be one it offers for the chosen office. ``years`` is
    ``querysets.export_years(user, today)``, read once for every form of the page.
    """

    def __init__(self, exporter, user, years: dict, data=None, initial=None):
        self.exporter, self.user, self.years = exporter, user, years
        self.data = data
        self.bound = data is not None
        given = data if data is not None else (initial or {})
        self.errors: dict[str, str] = {}
        self.error: str | None = None  # about the whole form
        self.options = {p.name: p.options(user) for p in exporter.params}
        self.values: dict[str, str] = {}
        for param in exporter.params:  # in order: the period's choices follow the office
            self.values[param.name] = self._value(param, (given.get(param.name) or "").strip())

    # --- what the page shows ---

    @property
    def offered(self) -> bool:
        """False when a required choice has no option for this user (a focal point and the
        annual report): the page does not offer the exporter at all."""
        return not any(p.required and self.options[p.name] == [] for p in self.exporter.params)

    @property
    def slug(self) -> str:
        return self.exporter.identifier

    def fields(self) -> list[dict]:
        found = []
        for param in self.exporter.params:
            options = self._choices(param)
            if param.name == "format":
                widget = "radio"
            elif options is not None:
                widget = "select"
            else:
                widget = "text"
            found.append({"param": param, "name": param.name, "widget": widget,
                          "id": f"{self.slug}-{param.name}", "options": options,
                          "value": self.values[param.name],
                          "error": self.errors.get(param.name)})
        return found

    def command_line(self) -> str:
        return self.exporter.command_line(self.values)

    # --- checking a download ---

    def clean(self) -> dict | None:
        """The cleaned parameters, or None with the errors set on the form."""
        from .registry import ExportError

        raw = {p.name: (self.data or {}).get(p.name, "") for p in self.exporter.params}
        if not self.offered:
            self.error = _("%(export)s is not among the exports open to you.") % {
                "export": self.exporter.verbose_name}
            return None
        try:
            params = self.exporter.clean(raw, self.user)
        except ExportError as error:
            self.add_error(error)
            return None
        problem = self._period_problem(params)
        if problem:
            self.errors["period"] = problem
            return None
        return params

    def add_error(self, error) -> None:
        """An ``ExportError`` on its field (or on the form when it names none of them)."""
        if error.param in self.values:
            self.errors[error.param] = str(error)
        else:
            self.error = str(error)

    # --- helpers ---

    def _period_options(self) -> list[tuple[str, str]]:
        office = self.values.get("office", "")
        years = self.years.get(office, {}).get(self.exporter.years_from, [])
        return [(f"{y}-{y + 1}", f"{y}-{y + 1}") for y in years]

    def _choices(self, param) -> list[tuple[str, str]] | None:
        if param.name == "period" and "office" in self.values:
            options = self._period_options()
        else:
            options = self.options[param.name]
        if options is not None and not param.required:
            empty = (_("Every fiscal year") if param.name == "period"
                     else (param.labels or {}).get("", _("(none)")))
            options = [("", empty), *options]
        return options

    def _value(self, param, given: str) -> str:
        """What the field shows: the value sent for a download (even one not offered, so the
        message beside it makes sense); a value the page was refreshed with when it is offered;
        else the parameter's default when offered, else the first choice."""
        if given and (self.bound or self._offers(param, given)):
            return given
        if param.name == "period" and "office" in self.values:
            if not param.required:
                return ""
            office = self.years.get(self.values["office"], {})
            years = office.get(self.exporter.years_from, [])
            current = office.get("current")
            chosen = current if current in years else next(
                (y for y in years if current is None or y <= current), years[0] if years else None)
            return f"{chosen}-{chosen + 1}" if chosen is not None else ""
        options = self.options[param.name]
        if options is None or not param.required:
            return param.default or ""
        keys = [key for key, _label in options]
        if param.default in keys:
            return param.default
        return keys[0] if keys else ""

    def _offers(self, param, value: str) -> bool:
        options = self._choices(param)
        return options is None or value in {key for key, _label in options}

    def _period_problem(self, params) -> str | None:
        period, office = params.get("period"), params.get("office")
        if not period or not office:
            return None
        offered = [key for key, _label in self._period_options()]
        if period in offered:
            return None
        if self.exporter.years_from == "plans":
            message = _("period: %(office)s has no work plan for %(period)s that you may see")
        else:
            message = _("period: %(office)s has no plan or event in %(period)s that you may see")
        message = message % {"office": office, "period": period}
        if offered:
            return _("%(message)s (the years offered: %(years)s)") % {
                "message": message, "years": ", ".join(offered)}
        return message
