"""The Django admin's pages of core, and what the other apps' admin pages share.

The admin is for the installation's operators (superusers) only: ``core.adminsite`` refuses
everyone else at the site, before any page. So the pages here are not scoped to offices (an
operator sees every office); office admins and staff work in the app's pages, which are.
"""

from django import forms
from django.contrib import admin

from .concurrency import add_version_field, claim_version, stale_message
from .models import Membership


class VersionedAdminForm(forms.ModelForm):
    """The admin's form of a versioned record (``form =`` on its ModelAdmin or inline): like
    the pages, it states the version it was opened with, and a change over someone else's
    newer one is refused on the form, naming who and when. The check is in ``clean`` (so the
    admin shows it); the guarded claim at ``save`` closes the moment between the two.

    A row whose values equal the stored ones is not saved, so it cannot conflict; one that
    differs from a record changed since it was opened is refused, as it cannot be told whether
    the difference is this person's edit or the values the other change replaced.

    The hidden field is ``opened_version``: the admin may not list the model's own
    ``version`` (not editable). Where an admin names its ``fields``, list it there."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            add_version_field(self, self.instance.version, name="opened_version")

    def _changing(self) -> bool:
        """An existing record whose values differ from the stored ones."""
        return bool(self.instance.pk) and any(
            name != "opened_version" for name in self.changed_data)

    def clean(self):
        data = super().clean()
        expected = data.get("opened_version")
        if self._changing() and expected is not None:
            stored = type(self.instance)._default_manager.filter(
                pk=self.instance.pk).values_list("version", flat=True).first()
            if stored != expected:
                raise forms.ValidationError(stale_message(self.instance), code="stale")
        return data

    def save(self, commit=True):
        if self._changing():
            claim_version(self.instance, self.cleaned_data["opened_version"])
        return super().save(commit)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "member", "created"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name",
                     "office__code", "member__name", "member__iso3"]
    list_select_related = ["user", "office", "member"]
    autocomplete_fields = ["user", "member"]
