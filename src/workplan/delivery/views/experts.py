"""Views of delivery: experts (thin: reads in querysets.py and summaries.py).

The registry lists the people with an accreditation or an expert participation the user may
see; an expert who signs in sees only their own page (Person's narrow scope), and their
deployments only (Participation's and Event's).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from workplan.core.access import VIEW, WIDE_ROLES, office_ids
from workplan.directory.models import Accreditation, Member

from ..models import Participation
from ..summaries import expert_people

PAGE_SIZE = 50


class ExpertFilterForm(forms.Form):
    """Filters of the registry; choices come from what the user may see."""

    area = forms.ChoiceField(label=_("Area"), required=False)
    member = forms.ChoiceField(label=_("Member"), required=False)
    accreditation = forms.ChoiceField(label=_("Accreditation"), required=False, choices=[
        ("", _("Any")), ("valid", _("Valid today")), ("expired", _("Expired")),
        ("none", _("Not accredited"))])

    def __init__(self, *args, areas=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *[(a, a) for a in areas]]
        self.fields["member"].choices = [("", _("All members")),
                                         *[(m.iso3, m.name) for m in members]]

    def apply(self, people, user):
        if not self.is_valid():
            return people
        data = self.cleaned_data
        if data["area"]:
            people = people.filter(pk__in=_accreditations(user).filter(
                area=data["area"]).values("person_id"))
        if data["member"]:
            people = people.filter(member__iso3=data["member"])
        if data["accreditation"] == "valid":
            people = people.filter(valid_today=True)
        elif data["accreditation"] == "expired":
            people = people.filter(accredited=True, valid_today=False)
        elif data["accreditation"] == "none":
            people = people.filter(accredited=False)
        return people

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


def _accreditations(user):
    return Accreditation.objects.restrict(user, VIEW).order_by("area", "-accredited_on")


@login_required
@require_GET
def expert_list(request):
    """The expert registry: areas, accreditation valid today, deployments; filters."""
    today = timezone.localdate()
    user = request.user
    areas = (_accreditations(user).order_by("area").values_list("area", flat=True).distinct())
    members = Member.objects.restrict(user, VIEW).only("iso3", "name").order_by("name")
    form = ExpertFilterForm(request.GET or None, areas=list(areas), members=members)
    people = form.apply(expert_people(user, today), user)
    people = (people.select_related("member", "partner")
              .prefetch_related(Prefetch("accreditations", queryset=_accreditations(user)))
              .order_by("full_name", "pk"))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "delivery/experts/expert_list.html", {
        "form": form,
        "page": page,
        "people": page.object_list,
        "query": query.urlencode(),
        "today": today,
        # Focal points and experts see part of the registry: the page says which part.
        "partial": office_ids(user, VIEW, roles=WIDE_ROLES) == [],
    })


@login_required
@require_GET
def expert_detail(request, pk: int):
    """One expert: accreditations (valid today or not) and deployments, with history."""
    today = timezone.localdate()
    user = request.user
    person = get_object_or_404(expert_people(user, today).select_related("member", "partner",
                                                                         "office"), pk=pk)
    accreditations = list(_accreditations(user).filter(person=person))
    for accreditation in accreditations:
        accreditation.valid_today = accreditation.is_valid_on(today)
    deployments = list(Participation.objects.restrict(user, VIEW).experts()
                       .filter(person=person)
                       .select_related("event__host_member", "event__office")
                       .order_by("-event__start_date", "-event__pk"))
    held = [p for p in deployments if p.event.status == "held"]
    return render(request, "delivery/experts/expert_detail.html", {
        "person": person,
        "accreditations": accreditations,
        "deployments": deployments,
        "held_count": len(held),
        "today": today,
    })


urlpatterns = [
    path("experts/", expert_list, name="expert_list"),
    path("experts/<int:pk>/", expert_detail, name="expert_detail"),
]
