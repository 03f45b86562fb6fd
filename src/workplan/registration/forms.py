"""Forms of registration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workplan.directory.forms import ExpertProfileForm


class EraseForm(forms.Form):
    """Erasing a person's data is confirmed by ticking, on purpose."""

    confirm = forms.BooleanField(
        label=_("I confirm the person asked for their data to be erased"), required=True,
        error_messages={"required": _("Tick the confirmation to erase; nothing was erased.")})


class MergeForm(forms.Form):
    """Which record is merged into the one whose page (or line) this is."""

    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


GENDER_CHOICES = [("", _("— choose —")), ("female", _("Female")), ("male", _("Male")),
                  ("other", _("Other")), ("undisclosed", _("Prefer not to say"))]


class WindowForm(forms.Form):
    """Staff open or change an event's registration."""

    is_open = forms.BooleanField(label=_("Open"), required=False, initial=True)
    closes_at = forms.DateTimeField(label=_("Registration closes"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    cap_per_member = forms.IntegerField(label=_("Places per member"), required=False,
                                        min_value=1, max_value=500,
                                        help_text=_("Empty: no limit."))
    new_link = forms.BooleanField(label=_("Make a new link (the old one stops working)"),
                                  required=False)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean(self):
        cleaned = super().clean()
        closes_at, event = cleaned.get("closes_at"), self.event
        if closes_at is not None and event is not None and cleaned.get("is_open"):
            from django.utils import timezone
            from django.utils.formats import date_format

            last_day = event.end_date or event.start_date
            if last_day and timezone.localtime(closes_at).date() > last_day:
                self.add_error("closes_at", _("Registration must close by the last day of the "
                                              "event (%(day)s).")
                               % {"day": date_format(last_day, "j F Y")})
        return cleaned


class NomineeForm(forms.Form):
    """A nominee's details: on the public form, a focal point's nomination, a walk-in."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    member = forms.ModelChoiceField(label=_("Member administration"), queryset=None,
                                    required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=GENDER_CHOICES)
    email = forms.EmailField(label=_("E-mail"))

    def __init__(self, *args, region, member=None, consent=False, email_required=True,
                 **kwargs):
        from workplan.directory.models import Member

        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(region=region).order_by("name")
        if member is not None:  # a focal point nominates for their own member only
            self.fields["member"].queryset = self.fields["member"].queryset.filter(pk=member)
            self.fields["member"].required = True
            self.fields["member"].initial = member
        self.fields["email"].required = email_required
        if consent:
            self.fields["consent"] = forms.BooleanField(
                label=_("I agree that the office records my name, administration, position, "
                        "gender and e-mail for this event and its reports."),
                error_messages={"required": _("Registration needs your consent.")})


class CertificateLayoutForm(forms.Form):
    """The office's certificate: wording, the head of office, the pictures. Validates the
    texts and reads the uploads (at most the size limit); the service checks the pictures by
    their header and saves."""

    heading = forms.CharField(label=_("Heading"), max_length=120, required=False,
                              help_text=_("Empty: “Certificate of participation”."))
    statement = forms.CharField(label=_("Words before the event's title"), max_length=200,
                                required=False, help_text=_("Empty: “participated in”."))
    head_name = forms.CharField(label=_("Head of office's name"), max_length=200,
                                required=False)
    head_title = forms.CharField(label=_("Head of office's title"), max_length=200,
                                 required=False, help_text=_("e.g. Head of the Regional Office"))
    logo = forms.FileField(label=_("Logo of the office (PNG or JPEG, at most 2 MB)"),
                           required=False)
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    signature = forms.FileField(label=_("Signature of the head (PNG or JPEG, at most 2 MB)"),
                                required=False)
    remove_signature = forms.BooleanField(label=_("Remove the signature"), required=False)

    def _upload(self, name):
        from .services import IMAGE_LIMIT, CertificateError, check_image

        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > IMAGE_LIMIT:  # told before anything is read
            from workplan.core.uploads import sizes

            raise forms.ValidationError(
                _("%(field)s: “%(name)s” is %(size)s; the limit is %(limit)s.")
                % {"field": name, "name": upload.name, **sizes(upload.size, IMAGE_LIMIT)})
        data = upload.read()
        try:
            check_image(name, upload.name, data)
        except CertificateError as error:
            raise forms.ValidationError(str(error)) from None
        return (upload.name, data)

    def clean_logo(self):
        return self._upload("logo")

    def clean_signature(self):
        return self._upload("signature")


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40,
                           help_text=_("As printed on the certificate, e.g. K7MX-Q4PA-2HZD."))


class PersonForm(ExpertProfileForm):
    """Staff correct a person's record: what the expert's own profile holds; an office admin
    also links the record to an account of the office (an expert's, so that they see their
    deployments and keep their profile)."""

    def __init__(self, *args, person, link_account: bool, **kwargs):
        super().__init__(*args, person=person, **kwargs)
        self.fields["member"].help_text = _("The customs administration the person works for.")
        self.fields["partner"].help_text = _("Or the partner organisation, if not an "
                                             "administration.")
        self.fields["availability"].help_text = _("For experts: when they can or cannot "
                                                  "travel.")
        if link_account:
            from django.contrib.auth import get_user_model

            self.fields["account"] = forms.ModelChoiceField(
                label=_("Linked account"), required=False,
                queryset=get_user_model().objects.filter(
                    memberships__office_id=person.office_id).distinct().order_by("username"),
                initial=person.user_id,
                help_text=_("The Workplan account of this person, if they have one (an "
                            "expert's, to see their deployments and keep their profile)."))
