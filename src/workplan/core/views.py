"""Views of the core app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

SEARCH_MIN_LENGTH = 2


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
        asked = request.GET.get("fy", "")
        if asked.isdigit() and 1990 <= int(asked) <= 2100:
            year = int(asked)
        else:
            year = homes.glance_year(office, today)
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
