"""Forms of registration."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """Erasing a person's data is confirmed by ticking, on purpose."""

    confirm = forms.BooleanField(
        label=_("I confirm the person asked for their data to be erased"), required=True,
        error_messages={"required": _("Tick the confirmation to erase; nothing was erased.")})


class MergeForm(forms.Form):
    """Which record is merged into the one whose page (or line) this is."""

    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
