"""The Django admin's pages of core, and what the other apps' admin pages share.

The admin is for the installation's operators (superusers) only: ``core.adminsite`` refuses
everyone else at the site, before any page. So the pages here are not scoped to offices (an
operator sees every office); office admins and staff work in the app's pages, which are.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
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


class MembershipAdminForm(forms.ModelForm):
    """An office role as the operator sets it: the rules of ``core.services`` (a focal point's
    member, of the office's region; an office keeps an admin) are checked on the form."""

    class Meta:
        model = Membership
        fields = ["user", "office", "role", "member"]

    def clean(self):
        data = super().clean()
        user = data.get("user") or getattr(self.instance, "user", None)
        office = data.get("office") or getattr(self.instance, "office", None)
        if user is not None and office is not None and data.get("role"):
            if not self.instance.pk and Membership.objects.filter(
                    user=user, office=office).exists():
                raise forms.ValidationError(
                    _("There is a role of %(user)s in %(office)s already: change that one.")
                    % {"user": user.get_username(), "office": office.code})
            try:
                data["member"] = services.check_assign(user, office, data["role"],
                                                       member=data.get("member"))
            except services.RoleError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Roles are given and taken through ``core.services`` (``assign_role``, ``revoke_role``),
    as on the command line: the same refusals, the same effects."""

    form = MembershipAdminForm
    list_display = ["user", "office", "role", "member", "created"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name",
                     "office__code", "member__name", "member__iso3"]
    list_select_related = ["user", "office", "member"]
    autocomplete_fields = ["user", "member"]
    actions = None  # no bulk delete: each removal goes through revoke_role, one by one

    def get_readonly_fields(self, request, obj=None):
        # A role belongs to one user in one office; another office is another role.
        return ["user", "office"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.assign_role(obj.user, obj.office, obj.role, member=obj.member)
        obj.pk, obj.created, obj.modified = saved.pk, saved.created, saved.modified

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            try:
                services.check_revoke(obj.user, obj.office)
            except services.RoleError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(reverse("admin:core_membership_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.revoke_role(obj.user, obj.office)
