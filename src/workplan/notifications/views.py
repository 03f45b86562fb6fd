"""Pages of notifications: a user's own list, the header's unread count (loaded by htmx, so
no page pays a query for it), their preferences, and for office admins the sends that failed.
Thin: writes in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import ADMINISTER, office_ids

from . import kinds, services
from .models import Notification, SendFailure

app_name = "notifications"
PAGE_SIZE = 50


@login_required
@require_GET
def notification_list(request):
    items = Notification.objects.of(request.user).order_by("-created", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page": page, "items": page.object_list,
        "unread": Notification.objects.of(request.user).unread().count(),
        "may_see_failures": bool(_failure_offices(request.user) is None
                                 or _failure_offices(request.user)),
    })


@login_required
@require_GET
def notification_bell(request):
    """The header's link with the unread count (an htmx fragment; outside htmx, the list)."""
    if not request.htmx:
        return redirect("notifications:notification_list")
    count = Notification.objects.of(request.user).unread().count()
    return render(request, "notifications/_bell.html", {"unread": count})


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notification read and go where it points."""
    item = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    services.mark_read(request.user, [item.pk])
    target = item.url if item.url and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}) else None
    return redirect(target or "notifications:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def preference_edit(request):
    current = services.preferences_of(request.user)
    if request.method == "POST":
        choices = {kind.code: request.POST.get(kind.code, channel) for kind, channel in current}
        try:
            services.set_preferences(request.user, choices)
        except ValueError:
            messages.error(request, _("A choice was not understood; nothing was saved."))
            return render(request, "notifications/preferences.html",
                          {"rows": current, "channels": kinds.CHANNELS}, status=400)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preference_edit")
    return render(request, "notifications/preferences.html",
                  {"rows": current, "channels": kinds.CHANNELS})


def _failure_offices(user):
    return office_ids(user, ADMINISTER)


def _failures(user):
    ids = _failure_offices(user)
    rows = SendFailure.objects.filter(resolved_at__isnull=True)
    return rows if ids is None else rows.filter(office_id__in=ids)


@login_required
@require_GET
def failure_list(request):
    """Messages that could not be sent after their retries, for the office's admins."""
    ids = _failure_offices(request.user)
    if ids is not None and not ids:
        raise Http404
    rows = _failures(request.user).select_related("office")[:200]
    return render(request, "notifications/failures.html", {"failures": rows})


@login_required
@require_POST
def failure_resolve(request, pk: int):
    failure = get_object_or_404(_failures(request.user), pk=pk)
    if request.POST.get("do") == "resend":
        if services.resend(failure):
            messages.success(request, _("The message to %(to)s is queued again.")
                             % {"to": failure.recipient})
        else:
            messages.error(request, _("Send it again from the page it belongs to."))
    else:
        services.dismiss(failure)
        messages.success(request, _("The failed send was dismissed."))
    return redirect("notifications:failure_list")


urlpatterns = [
    path("", notification_list, name="notification_list"),
    path("bell/", notification_bell, name="notification_bell"),
    path("<int:pk>/open/", notification_open, name="notification_open"),
    path("read/", notification_read_all, name="notification_read_all"),
    path("preferences/", preference_edit, name="preference_edit"),
    path("failed/", failure_list, name="failure_list"),
    path("failed/<int:pk>/", failure_resolve, name="failure_resolve"),
]
