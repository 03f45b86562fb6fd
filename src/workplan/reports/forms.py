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
