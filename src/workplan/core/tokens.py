"""The "API tokens" page: each signed-in user creates, lists and revokes their own tokens.

A token is shown once, on the page that answers its creation (never stored, never put in the
session or a redirect); afterwards only its prefix identifies it. Revoking is immediate and
kept on record. Tokens belong to their user: another user's token is a 404.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .models import ApiToken

MAX_YEARS = 5
MAX_LIVE_TOKENS = 20


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “regional website” or “Power "
                               "Query workbook”."))
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The token works until the end of this day (UTC). Leave "
                               "empty for a token that does not expire."))
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only"), required=False, initial=True,
        help_text=gettext_lazy("A read-only token reads what you may read and changes "
                               "nothing. Untick only for a system that files requests or "
                               "records events and attendance."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ApiToken.objects.of(self.user).live().filter(name__iexact=name).exists():
            raise forms.ValidationError(_("You already have a token named “%(name)s”.")
                                        % {"name": name})
        return name

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        today = timezone.now().date()
        if day < today:
            raise forms.ValidationError(_("This day has passed; choose today or a later "
                                          "day."))
        if day > today.replace(year=today.year + MAX_YEARS):
            raise forms.ValidationError(_("Choose a day within %(years)d years.")
                                        % {"years": MAX_YEARS})
        return day

    def clean(self):
        cleaned = super().clean()
        if ApiToken.objects.of(self.user).live().count() >= MAX_LIVE_TOKENS:
            raise forms.ValidationError(_("You have %(count)d active tokens, the most one may "
                                          "hold: revoke one you no longer use first.")
                                        % {"count": MAX_LIVE_TOKENS})
        return cleaned

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


@login_required
@require_GET
def token_list(request):
    now = timezone.now()
    tokens = list(ApiToken.objects.of(request.user))
    for token in tokens:
        token.current_state = token.state(now)
    return render(request, "core/tokens/token_list.html", {"tokens": tokens})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    from workplan.api.auth import issue_token

    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, raw = issue_token(request.user, name=form.cleaned_data["name"],
                                 read_only=form.cleaned_data["read_only"],
                                 expires_at=form.expires_at())
        return render(request, "core/tokens/token_created.html", {"token": token, "raw": raw})
    return render(request, "core/tokens/token_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request):
    from workplan.api.auth import revoke_token

    pk = request.POST.get("token", "")
    token = get_object_or_404(ApiToken.objects.of(request.user),
                              pk=int(pk) if pk.isdigit() else 0)
    revoke_token(token)
    messages.success(request, _("The token “%(name)s” was revoked: it no longer works.")
                     % {"name": token.name})
    return redirect("core:token_list")


urlpatterns = [
    path("account/tokens/", token_list, name="token_list"),
    path("account/tokens/new/", token_create, name="token_create"),
    path("account/tokens/revoke/", token_revoke, name="token_revoke"),
]
