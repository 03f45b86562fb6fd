"""Forms of the directory: partners, a member's names and the member groups (office admins)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplan.core.office import FieldErrors

from .models import Member, MemberGroup, Partner


class NamesField(forms.CharField):
    """Names one per line (or separated by “|”); blanks and repeats dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        names = []
        for name in re.split(r"[|\n]", text or ""):
            name = " ".join(name.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return names


class PartnerForm(FieldErrors, forms.ModelForm):
    website = forms.URLField(label=gettext_lazy("website"), required=False, max_length=200,
                             assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "acronym", "kind", "country", "website"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Partner.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(_("“%(name)s” is already a partner.")
                                        % {"name": clash.name})
        return name

    def clean_acronym(self):
        acronym = self.cleaned_data["acronym"].strip()
        if acronym:
            clash = (Partner.objects.filter(acronym__iexact=acronym)
                     .exclude(pk=self.instance.pk).first())
            if clash is not None:
                raise forms.ValidationError(_("%(acronym)s already names %(name)s.")
                                            % {"acronym": acronym, "name": clash.name})
        return acronym

    def clean_country(self):
        code = self.cleaned_data.get("country", "").strip().upper()
        if code and (len(code) != 3 or not code.isalpha()):
            raise forms.ValidationError(_("Give the ISO 3166 alpha-3 code, e.g. FJI."))
        return code


class MemberNamesForm(FieldErrors, forms.ModelForm):
    """A member's other names (what plans write), sub-region and island status."""

    aliases = NamesField(label=gettext_lazy("Also written as"), required=False,
                         max_length=2000,
                         help_text=gettext_lazy("One name per line, as plans write it, "
                                                "e.g. Lao People's Dem. Rep."))

    class Meta:
        model = Member
        fields = ["aliases", "sub_region", "sie"]

    def clean_aliases(self):
        aliases = self.cleaned_data["aliases"]
        member = self.instance
        aliases = [a for a in aliases if a.casefold() != member.name.casefold()]
        taken = _names_taken(member.region_id, exclude_member=member.pk)
        clashes = [a for a in aliases if a.casefold() in taken]
        if clashes:
            raise forms.ValidationError(
                _("Already the name of another member or group of the region: %(names)s.")
                % {"names": ", ".join(f"{a} ({taken[a.casefold()]})" for a in clashes)})
        return aliases


class MemberGroupForm(FieldErrors, forms.ModelForm):
    aliases = NamesField(label=gettext_lazy("Also written as"), required=False,
                         max_length=2000,
                         help_text=gettext_lazy("One name per line, e.g. Pacific Islands "
                                                "Countries."))
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Members"), queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = MemberGroup
        fields = ["name", "aliases", "members"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.instance.region = region
        self.fields["members"].queryset = Member.objects.filter(region=region).order_by("name")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        taken = _names_taken(self.region.pk, exclude_group=self.instance.pk)
        if name.casefold() in taken:
            raise forms.ValidationError(_("“%(name)s” already names %(owner)s.")
                                        % {"name": name, "owner": taken[name.casefold()]})
        return name

    def clean_aliases(self):
        aliases = self.cleaned_data["aliases"]
        taken = _names_taken(self.region.pk, exclude_group=self.instance.pk)
        clashes = [a for a in aliases if a.casefold() in taken]
        if clashes:
            raise forms.ValidationError(
                _("Already the name of another member or group of the region: %(names)s.")
                % {"names": ", ".join(f"{a} ({taken[a.casefold()]})" for a in clashes)})
        return aliases


def _names_taken(region_id, *, exclude_member=None, exclude_group=None) -> dict[str, str]:
    """Every name (folded) a member or group of the region answers to, and whose it is: a
    name the importer reads must point at one member or group only. Two queries."""
    taken = {}
    for member in Member.objects.filter(region_id=region_id).exclude(pk=exclude_member):
        for name in member.names:
            taken[name.casefold()] = member.name
    for group in MemberGroup.objects.filter(region_id=region_id).exclude(pk=exclude_group):
        for name in (group.name, *group.aliases):
            taken[name.casefold()] = group.name
    return taken
