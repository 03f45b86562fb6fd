"""Forms of the directory: partners, a member's names and the member groups (office admins);
an expert's own profile (the expert)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workplan.core.office import FieldErrors

from .models import Member, MemberGroup, Partner, Person
from .services import EXPERT_FIELDS


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


class ListField(NamesField):
    """Names one per line, or separated by commas or semicolons (languages, areas)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return super().to_python(re.sub(r"[,;]", "\n", value or ""))


class ExpertProfileForm(FieldErrors, forms.Form):
    """What an expert changes on their own profile (``services.EXPERT_FIELDS``), with the
    model's labels, limits and checks; the version it was opened with is added by the view.
    A plain form, not a ModelForm: an invalid post leaves the record as it is, in memory too,
    so the page's checklist still shows what is saved."""

    full_name = Person._meta.get_field("full_name").formfield()
    gender = Person._meta.get_field("gender").formfield()
    position = Person._meta.get_field("position").formfield()
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member administration"), required=False, queryset=None,
        help_text=gettext_lazy("The customs administration you work for, if you do."))
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Or organisation"), required=False, queryset=None,
        help_text=gettext_lazy("The partner organisation you work for (WCO Secretariat, a "
                               "donor, a regional entity), if not an administration."))
    email = Person._meta.get_field("email").formfield()
    phone = Person._meta.get_field("phone").formfield()
    languages = ListField(label=Person._meta.get_field("languages").verbose_name,
                          required=False,
                          help_text=gettext_lazy("One per line, e.g. English, French, Thai."))
    expertise = ListField(label=Person._meta.get_field("expertise").verbose_name,
                          required=False,
                          help_text=gettext_lazy("One per line, e.g. risk management, "
                                                 "post-clearance audit, AEO."))
    biography = Person._meta.get_field("biography").formfield()
    availability = Person._meta.get_field("availability").formfield()

    def __init__(self, *args, person, **kwargs):
        kwargs.setdefault("initial", {name: getattr(person, name) for name in EXPERT_FIELDS})
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["member"].queryset = (Member.objects.filter(region_id=person.office.region_id)
                                          .order_by("name"))
        self.fields["partner"].queryset = Partner.objects.order_by("name")
        self.fields["biography"].widget.attrs["rows"] = 6
        self.fields["availability"].help_text = gettext_lazy(
            "When you can or cannot travel, e.g. “not in March; four weeks' notice”.")
        # The model's own checks (a telephone with its country code, at most so many
        # languages), so that every field at fault is named at once; the service checks again.
        for name in EXPERT_FIELDS:
            field = self.fields[name]
            field.validators += [v for v in Person._meta.get_field(name).validators
                                 if v not in field.validators]

    def values(self) -> dict:
        """The cleaned values, by the names the service takes."""
        return {name: self.cleaned_data[name] for name in EXPERT_FIELDS}


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
