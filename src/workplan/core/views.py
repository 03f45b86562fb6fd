"""Views of the core app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

# The first of these URL names that exists is the home page; until then a placeholder renders.
HOME_URL_NAMES = ("plans:workplan_list", "plans:plan_list", "plans:index")


@login_required
def home(request):
    for name in HOME_URL_NAMES:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "core/home.html")
