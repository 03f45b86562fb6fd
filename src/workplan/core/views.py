"""Views of the core app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from .access import VIEW

# The first of these URL names that exists is the home page; until then a placeholder renders.
HOME_URL_NAMES = ("plans:workplan_list", "plans:plan_list", "plans:index")

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 50


@login_required
def home(request):
    for name in HOME_URL_NAMES:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "core/home.html")


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
