"""The Django admin of Workplan: for the installation's operators (superusers) only.

Office admins and staff work in the app's own pages, which are scoped by ``restrict``; the
admin is not (its add forms, history pages, autocomplete and inlines see every office), so
it opens to nobody else. ``OperatorAdminSite`` is the default admin site
(``core.apps.OperatorAdminConfig``, in ``INSTALLED_APPS`` in place of
``django.contrib.admin``): every model registered with ``admin.site`` or ``@admin.register``
is behind the same gate, and every admin URL (index, lists, add, change, delete, history and
its records, autocomplete, the admin's password change) sends anyone else to the admin's
sign-in page.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_operator(user) -> bool:
    """Whether ``user`` may use the Django admin: an active superuser."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


class OperatorAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form: only operators get in; everyone else is told where to go."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the correct %(username)s and password of an operator account. "
            "Note that both fields may be case-sensitive."),
        "not_operator": _(
            "This administration site is for the installation's operators only. Office "
            "admins and staff sign in to Workplan itself."),
    }

    def confirm_login_allowed(self, user):
        # Not the parent's: it asks for ``is_staff``, which roles no longer give.
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not is_operator(user):
            raise ValidationError(self.error_messages["not_operator"], code="not_operator")


class OperatorAdminSite(admin.AdminSite):
    """The admin site that lets in active superusers and nobody else."""

    site_header = _("Workplan administration (operators)")
    site_title = _("Workplan administration")
    login_form = OperatorAuthenticationForm

    def has_permission(self, request):
        return is_operator(request.user)
