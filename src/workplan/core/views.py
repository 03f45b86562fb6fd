"""Views of the core app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import VIEW

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 50


@login_required
@require_GET
def home(request):
    """Each role's home: what needs doing today, each item a link to where it is done
    (core/homes.py computes them); ``?fy=`` picks the year at a glance."""
    from django.utils import timezone

    from . import homes

    user = request.user
    today = timezone.localdate()
    role = homes.role_of(user)
    context = {"role": role, "today": today}
    if role in ("staff", "viewer"):
        office = homes._first_office(user)
        year = homes.fiscal_year_of(office, today)
        asked = request.GET.get("fy", "")
        if asked.isdigit() and 1990 <= int(asked) <= 2100:
            year = int(asked)
        context["office"] = office
        if office is not None:
            context["glance"] = homes.glance(user, office, year)
        if role == "staff":
            context.update(homes.staff_home(user, today, office))
    elif role == "focal_point":
        context.update(homes.focal_point_home(user, today))
    elif role == "expert":
        context.update(homes.expert_home(user, today))
    return render(request, "core/home.html", context)


@login_required
@require_GET
def search(request):
    """Actions (text, code) and activities (title) of the user's plans; htmx gets the results
    only, as the user types."""
    from workplan.plans.models import Action, Activity

    query = request.GET.get("q", "").strip()[:200]
    actions = activities = []
    if len(query) >= SEARCH_MIN_LENGTH:
        # One more row than shown tells whether there are more.
        actions = list(Action.objects.restrict(request.user, VIEW).current().search(query)
                       .for_search()[:SEARCH_LIMIT + 1])
        activities = list(Activity.objects.restrict(request.user, VIEW).search(query)
                          .for_search()[:SEARCH_LIMIT + 1])
    context = {
        "query": query,
        "searched": len(query) >= SEARCH_MIN_LENGTH,
        "min_length": SEARCH_MIN_LENGTH,
        "limit": SEARCH_LIMIT,
        "actions": actions[:SEARCH_LIMIT],
        "more_actions": len(actions) > SEARCH_LIMIT,
        "activities": activities[:SEARCH_LIMIT],
        "more_activities": len(activities) > SEARCH_LIMIT,
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "core/_search_results.html", context)
    return render(request, "core/search.html", context)
