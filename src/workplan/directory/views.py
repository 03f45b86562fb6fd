"""Views of the directory app (thin: logic lives in services.py / querysets.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from workplan.plans.models import Activity, WorkPlan

from .models import Member
from .querysets import group_by_plan_and_actions, latest_plans, planned_for


@login_required
def member_list(request):
    """The members of the user's regions by sub-region, with what the latest plan has for each."""
    plans = latest_plans(WorkPlan.objects.restrict(request.user))
    latest = list(plans.select_related("office").order_by("office__code"))
    members = (
        Member.objects.restrict(request.user).for_listing().with_planned_counts(plans)
    )
    return render(request, "directory/member_list.html", {
        "members": members,
        "latest_plans": latest,
    })


@login_required
def member_detail(request, iso3):
    """A member's names and groups, and everything the user's plans have planned for it."""
    member = get_object_or_404(
        Member.objects.restrict(request.user).with_groups(), iso3=iso3.upper()
    )
    activities = planned_for(Activity.objects.restrict(request.user), member)
    return render(request, "directory/member_detail.html", {
        "member": member,
        "plans": group_by_plan_and_actions(activities),
    })
