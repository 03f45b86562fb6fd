"""Office administration in the app: an office's users and roles, its invitations and its
settings, for the office's admins (and the installation's operators, for every office).

Every page finds its office through ``Office.objects.restrict(user, ADMINISTER)``: an office
the user does not administer is a 404. The rules of roles (an office keeps an admin; a focal
point speaks for a member of the region) are the services' (``core.services``), so a refused
change shows the services' message on the form and changes nothing.

An invitation e-mails a one-time link to set a password (``invitation_accept``); the link is
a secret (listed in ``core.logmask.SECRET_URLS``) and only its hash is stored. The e-mail is
sent by a task, which makes the link (``core.tasks``): the page says "being sent" until it has
gone, "sending failed" after its retries, and an admin sends it again with a new link.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .access import ADMINISTER
from .models import Membership, OfficeInvitation, Role

# The link's token never leaves the site in a Referer header. Not "no-referrer": browsers then
# send "Origin: null" with the form, which Django's CSRF check rightly refuses.
REFERRER_POLICY = "same-origin"


class FieldErrors:
    """``form.has_field_errors`` for the shared error summary (indicators/_form_errors.html)."""

    @property
    def has_field_errors(self) -> bool:
        return any(name != "__all__" for name in self.errors)


def administered_offices(user):
    from workplan.directory.models import Office

    return Office.objects.restrict(user, ADMINISTER).select_related("region")


def _office(request, office_code):
    return get_object_or_404(administered_offices(request.user), code=office_code)


# --- forms ---------------------------------------------------------------------------------------


class RoleFields(FieldErrors, forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member (for a focal point)"), required=False, queryset=None,
        help_text=gettext_lazy("The administration a member focal point speaks for."))

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        from workplan.directory.models import Member

        self.office = office
        self.fields["member"].queryset = Member.objects.filter(region_id=office.region_id)

    def _role_error(self, error: services.RoleError):
        field = "member" if self.cleaned_data.get("role") == Role.FOCAL_POINT \
            and "member" in str(error).lower() else None
        self.add_error(field, str(error))


class InviteForm(RoleFields):
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)
    field_order = ["email", "role", "member"]

    existing_user = None

    def clean(self):
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if not email or not role:
            return cleaned
        try:
            cleaned["member"] = services.check_invite(self.office, email, role,
                                                      member=cleaned.get("member"))
        except services.InvitationError as error:
            self.existing_user = error.existing_user
            self.add_error("email", str(error))
        except services.RoleError as error:
            self._role_error(error)
        return cleaned


class MembershipForm(RoleFields):
    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, office=membership.office, **kwargs)
        self.membership = membership

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role"):
            try:
                cleaned["member"] = services.check_assign(
                    self.membership.user, self.office, cleaned["role"],
                    member=cleaned.get("member"))
            except services.RoleError as error:
                self._role_error(error)
        return cleaned


def _settings_fields(model) -> list[str]:
    """The office's settings an admin edits (the IATI identifier where the model has it; the
    code stays: URLs and exports name the office by it)."""
    names = {f.name for f in model._meta.get_fields()}
    return [name for name in ("name", "short_name", "city", "country",
                              "fiscal_year_start_month", "iati_org_ref") if name in names]


class OfficeSettingsForm(FieldErrors, forms.ModelForm):
    class Meta:
        from workplan.directory.models import Office

        model = Office
        fields = _settings_fields(Office)

    def clean_country(self):
        code = self.cleaned_data.get("country", "").strip().upper()
        if code and (len(code) != 3 or not code.isalpha()):
            raise forms.ValidationError(_("Give the ISO 3166 alpha-3 code, e.g. THA."))
        return code

    def clean_fiscal_year_start_month(self):
        month = self.cleaned_data["fiscal_year_start_month"]
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Give a month from 1 (January) to 12 (December)."))
        return month


class AcceptForm(SetPasswordForm):
    """Set the password of the account an invitation opens (Django's password rules)."""

    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150,
                                 required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150,
                                required=False)
    field_order = ["first_name", "last_name", "new_password1", "new_password2"]

    @property
    def has_field_errors(self) -> bool:
        return any(name != "__all__" for name in self.errors)


# --- pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def office_list(request):
    """The offices the user administers (operators: every office)."""
    offices = list(administered_offices(request.user).order_by("code"))
    if not offices:
        raise Http404
    return render(request, "core/office/office_list.html", {"offices": offices})


def _admin_page(request, office, *, invite_form=None, status=200):
    from workplan.directory.models import Member

    memberships = (Membership.objects.filter(office=office).select_related("user", "member")
                   .order_by("role", "user__username"))
    now = timezone.now()
    invitations = list(office.invitations.select_related("invited_by", "member", "accepted_by")
                       [:50])
    for invitation in invitations:
        invitation.current_state = invitation.state(now)
    changes = (Membership.history.filter(office_id=office.pk)
               .select_related("history_user", "user", "member")
               .order_by("-history_date", "-history_id")[:30])
    regional = Member.objects.restrict(request.user, ADMINISTER).filter(
        region_id=office.region_id).exists()
    return render(request, "core/office/office_admin.html", {
        "office": office,
        "memberships": memberships,
        "admins": sum(1 for m in memberships if m.role == Role.ADMIN),
        "invitations": invitations,
        "changes": changes,
        "invite_form": invite_form or InviteForm(office=office),
        "regional": regional,
    }, status=status)


@login_required
def office_admin(request, office_code):
    """The office's users, roles and invitations, and the way to its other settings. (The
    office is looked up first: to a user who does not administer it, it does not exist.)"""
    office = _office(request, office_code)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _admin_page(request, office)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def office_invite(request, office_code):
    """Invite an address (a new account) or, when it has one, give that account the role."""
    office = _office(request, office_code)
    if request.method == "GET":
        return _admin_page(request, office)
    form = InviteForm(request.POST, office=office)
    if request.POST.get("add_existing") and not form.is_valid() and form.existing_user:
        return _add_existing(request, office, form)
    if not form.is_valid():
        return _admin_page(request, office, invite_form=form, status=400)
    data = form.cleaned_data
    invitation = services.invite(office, data["email"], data["role"], member=data["member"],
                                 invited_by=request.user,
                                 base_url=request.build_absolute_uri("/"))
    messages.success(request, _("An invitation to set a password is being sent to %(email)s; "
                                "the link works once, for %(days)d days.")
                     % {"email": invitation.email, "days": services.INVITATION_DAYS})
    return redirect("core:office_admin", office_code=office.code)


def _add_existing(request, office, form):
    """The admin confirmed: the address's existing account gets the role directly."""
    user = form.existing_user
    role, member = form.cleaned_data.get("role"), form.cleaned_data.get("member")
    current = Membership.objects.filter(user=user, office=office).first()
    if current is not None:
        form.errors.pop("email", None)
        form.add_error("email", _("%(user)s already holds the role “%(role)s” in %(office)s: "
                                  "change it in the list of users.")
                       % {"user": user.get_username(), "role": current.get_role_display(),
                          "office": office.code})
        form.existing_user = None
        return _admin_page(request, office, invite_form=form, status=400)
    if not role:
        return _admin_page(request, office, invite_form=form, status=400)
    try:
        services.assign_role(user, office, role, member=member)
    except services.RoleError as error:
        form.existing_user = None
        form.add_error(None, str(error))
        return _admin_page(request, office, invite_form=form, status=400)
    messages.success(request, _("%(user)s now holds the role “%(role)s” in %(office)s.")
                     % {"user": user.get_username(), "role": Role(role).label,
                        "office": office.code})
    return redirect("core:office_admin", office_code=office.code)


@login_required
@require_http_methods(["GET", "POST"])
def office_settings(request, office_code):
    office = _office(request, office_code)
    form = OfficeSettingsForm(request.POST or None, instance=office)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings of %(office)s were saved.")
                         % {"office": office.code})
        return redirect("core:office_settings", office_code=office.code)
    return render(request, "core/office/office_settings.html", {"office": office, "form": form},
                  status=400 if form.errors else 200)


def _membership(request, pk):
    return get_object_or_404(Membership.objects.restrict(request.user, ADMINISTER)
                             .select_related("user", "member", "office__region"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def membership_update(request, pk):
    """Change one user's role in the office (an office keeps at least one admin)."""
    membership = _membership(request, pk)
    initial = {"role": membership.role, "member": membership.member}
    form = MembershipForm(request.POST or None, membership=membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(membership.user, membership.office, form.cleaned_data["role"],
                                 member=form.cleaned_data["member"])
        except services.RoleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(user)s now holds the role “%(role)s” in %(office)s.")
                             % {"user": membership.user.get_username(),
                                "role": Role(form.cleaned_data["role"]).label,
                                "office": membership.office.code})
            return redirect("core:office_admin", office_code=membership.office.code)
    return render(request, "core/office/membership_form.html",
                  {"membership": membership, "office": membership.office, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def membership_revoke(request, pk):
    """Take a user's role in the office away (not the office's only admin's)."""
    membership = _membership(request, pk)
    office = membership.office
    try:
        services.revoke_role(membership.user, office)
    except services.RoleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(user)s no longer holds a role in %(office)s.")
                         % {"user": membership.user.get_username(), "office": office.code})
    return redirect("core:office_admin", office_code=office.code)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_object_or_404(OfficeInvitation.objects.restrict(request.user, ADMINISTER)
                                   .select_related("office"), pk=pk)
    try:
        services.revoke_invitation(invitation)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation of %(email)s was withdrawn: its link no "
                                    "longer works.") % {"email": invitation.email})
    return redirect("core:office_admin", office_code=invitation.office.code)


@login_required
@require_POST
def invitation_resend(request, pk):
    """E-mail an invitation again with a new link (after a failed send, a lost e-mail or an
    expiry): the old link stops working."""
    invitation = get_object_or_404(OfficeInvitation.objects.restrict(request.user, ADMINISTER)
                                   .select_related("office"), pk=pk)
    try:
        services.resend_invitation(invitation, base_url=request.build_absolute_uri("/"))
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new invitation is being sent to %(email)s; the link "
                                    "sent before no longer works.")
                         % {"email": invitation.email})
    return redirect("core:office_admin", office_code=invitation.office.code)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The invited person sets their password: the account is created with its role, and
    they are signed in. The link works once; no sign-in is needed to open it."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationError as error:
        response = render(request, "core/office/invitation_invalid.html",
                          {"error": str(error)}, status=404)
        response["Referrer-Policy"] = REFERRER_POLICY
        return response
    prospective = get_user_model()(username=invitation.email, email=invitation.email)
    form = AcceptForm(prospective, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.accept_invitation(
                    token, password=data["new_password1"], first_name=data["first_name"],
                    last_name=data["last_name"])
            except services.InvitationError as error:
                form.add_error(None, str(error))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome to Workplan: your account is ready. Sign "
                                            "in with %(email)s from now on.")
                                 % {"email": user.get_username()})
                return redirect("core:home")
        status = 400
    response = render(request, "core/office/invitation_accept.html",
                      {"invitation": invitation, "form": form}, status=status)
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


urlpatterns = [
    path("offices/", office_list, name="office_list"),
    path("offices/<slug:office_code>/", office_admin, name="office_admin"),
    path("offices/<slug:office_code>/invite/", office_invite, name="office_invite"),
    path("offices/<slug:office_code>/settings/", office_settings, name="office_settings"),
    path("roles/<int:pk>/", membership_update, name="membership_update"),
    path("roles/<int:pk>/revoke/", membership_revoke, name="membership_revoke"),
    path("invitations/<int:pk>/revoke/", invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", invitation_resend, name="invitation_resend"),
    path("invitation/<str:token>/", invitation_accept, name="invitation_accept"),
]
