"""Views of the core app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

# The first of these URL names that exists is the home page; until then a placeholder renders.
HOME_URL_NAMES = ("plans:workplan_list", "plans:plan_list", "plans:index")

SEARCH_MIN_LENGTH = 2


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
    """The office's records that match the words typed: people, partners, events, requests,
    publications, actions and activities (core.search: one query per kind, each scoped by
    ``restrict``); htmx gets the results only, as the user types."""
    from .search import LIMIT, search_records

    query = request.GET.get("q", "").strip()[:200]
    searched = len(query) >= SEARCH_MIN_LENGTH
    sections = search_records(request.user, query) if searched else []
    context = {
        "query": query,
        "searched": searched,
        "min_length": SEARCH_MIN_LENGTH,
        "limit": LIMIT,
        "sections": sections,
        "found": sum(len(section.rows) for section in sections),
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "core/_search_results.html", context)
    return render(request, "core/search.html", context)
