"""Views of the directory app (thin: logic lives in services.py / querysets.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from workplan.core.access import ADMINISTER, CHANGE, VIEW, can, office_ids
from workplan.core.concurrency import EditConflict, add_version_field
from workplan.plans.models import Activity, WorkPlan

from . import services
from .forms import ExpertProfileForm, MemberGroupForm, MemberNamesForm, PartnerForm
from .models import Member, MemberGroup, Partner, Person, Region
from .querysets import expert_offices, group_by_plan_and_actions, latest_plans, planned_for

MEMBER_PEOPLE = 100  # people listed on a member's page (search finds the others)
PERSON_ROWS = 200  # participations shown on a person's page (the newest)


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
    people = list(Person.objects.restrict(request.user, VIEW).filter(member=member)
                  .only("pk", "full_name", "position").order_by("full_name")[:MEMBER_PEOPLE + 1])
    return render(request, "directory/member_detail.html", {
        "member": member,
        "plans": group_by_plan_and_actions(activities),
        "people": people[:MEMBER_PEOPLE],
        "more_people": len(people) > MEMBER_PEOPLE,
        "may_edit": Member.objects.restrict(request.user, ADMINISTER)
        .filter(pk=member.pk).exists(),
    })


# --- a person's page ------------------------------------------------------------------------------


@login_required
@require_GET
def person_detail(request, pk):
    """A person, their participations and deployments: what the user may see of them (a focal
    point their member's people, an expert themselves; events of the offices the user sees)."""
    from workplan.delivery.models import Participation

    person = get_object_or_404(
        Person.objects.restrict(request.user, VIEW)
        .select_related("office", "member", "partner", "user"), pk=pk)
    participations = list(
        Participation.objects.restrict(request.user, VIEW).filter(person=person)
        .select_related("event__office", "event__host_member", "member")
        .order_by("-event__start_date", "-event__pk")[:PERSON_ROWS + 1])
    accreditations = list(person.accreditations.restrict(request.user, VIEW)
                          .order_by("-accredited_on"))
    shown = participations[:PERSON_ROWS]
    return render(request, "directory/person_detail.html", {
        "person": person,
        "deployments": [p for p in shown if p.role == "expert"],
        "participations": [p for p in shown if p.role != "expert"],
        "more": len(participations) > PERSON_ROWS,
        "accreditations": accreditations,
        # the office's staff keep the record: merge a duplicate, export or erase it
        "may_keep": can(request.user, CHANGE, person.office_id),
    })


# --- an expert's own profile -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def expert_profile(request):
    """The signed-in expert's own profile: what an office needs to deploy them, as a
    checklist, and the form to complete and correct it. No id in the URL: the record is the one
    linked to the account (``Person.objects.expert_profile_of``), so nobody reaches another's.
    Users without the expert role get a 404; an expert whose account is not linked to a record
    yet is told to ask the office. What the office keeps (office, account, accreditations) is
    shown, not editable."""
    user = request.user
    if not expert_offices(user):
        raise Http404
    person = (Person.objects.restrict(user, CHANGE).expert_profile_of(user)
              .select_related("office__region", "member", "partner").first())
    if person is None:
        return render(request, "directory/expert_profile.html", {"person": None})
    form = ExpertProfileForm(request.POST or None, person=person)
    add_version_field(form, person.version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = services.update_expert_profile(
                    person, user=user, version=form.cleaned_data["version"], **form.values())
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except EditConflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            else:
                messages.success(request, _("Your profile was saved.") if changed
                                 else _("Nothing had changed: your profile is as it was."))
                return redirect("directory:expert_profile")
    today = timezone.localdate()
    accreditations = list(person.accreditations.order_by("-accredited_on", "area"))
    for accreditation in accreditations:
        accreditation.valid_today = accreditation.is_valid_on(today)
    return render(request, "directory/expert_profile.html", {
        "person": person, "form": form, "accreditations": accreditations,
        "checklist": person.profile_checklist(),
    }, status=status)


# --- office administration: partners, members' names, member groups -------------------------------


def administers_any(user) -> bool:
    """An office admin (of any office) or an operator: who keeps shared reference data."""
    ids = office_ids(user, ADMINISTER)
    return ids is None or bool(ids)


@login_required
@require_GET
def partner_list(request):
    partners = Partner.objects.restrict(request.user, VIEW).order_by("name")
    return render(request, "directory/partner_list.html", {
        "partners": partners, "may_edit": administers_any(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk=None):
    """Add a partner, or correct one (office admins; partners are shared by every office)."""
    if not administers_any(request.user):
        raise Http404
    partner = get_object_or_404(Partner, pk=pk) if pk is not None else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The partner “%(name)s” was saved.") % {"name": saved})
        return redirect(reverse("directory:partner_list") + f"#partner-{saved.pk}")
    return render(request, "directory/partner_form.html", {"form": form, "partner": partner},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def member_update(request, iso3):
    """A member's other names, sub-region and island status: admins of an office of the
    member's region (``Member.objects.restrict(user, ADMINISTER)``)."""
    member = get_object_or_404(Member.objects.restrict(request.user, ADMINISTER),
                               iso3=iso3.upper())
    form = MemberNamesForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The names of %(member)s were saved.")
                         % {"member": member.name})
        return redirect("directory:member_detail", iso3=member.iso3)
    return render(request, "directory/member_form.html", {"form": form, "member": member},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def group_list(request):
    groups = (MemberGroup.objects.restrict(request.user, VIEW).select_related("region")
              .prefetch_related("members").order_by("region__name", "name"))
    editable = set(MemberGroup.objects.restrict(request.user, ADMINISTER)
                   .values_list("region_id", flat=True).distinct())
    regions = list(Region.objects.restrict(request.user, ADMINISTER).order_by("name"))
    return render(request, "directory/group_list.html", {
        "groups": groups, "editable_regions": editable, "regions": regions})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request, pk=None):
    """Add or change a member group of a region the user administers an office of."""
    if pk is None:
        regions = Region.objects.restrict(request.user, ADMINISTER)
        region = get_object_or_404(regions, code=request.GET.get("region", "")) \
            if request.GET.get("region") else regions.order_by("name").first()
        if region is None:
            raise Http404
        group = None
    else:
        group = get_object_or_404(MemberGroup.objects.restrict(request.user, ADMINISTER)
                                  .select_related("region"), pk=pk)
        region = group.region
    form = MemberGroupForm(request.POST or None, instance=group, region=region)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The group “%(name)s” was saved.") % {"name": saved.name})
        return redirect(reverse("directory:group_list") + f"#group-{saved.pk}")
    return render(request, "directory/group_form.html",
                  {"form": form, "group": group, "region": region},
                  status=400 if form.errors else 200)
