"""A person's record: the page, likely duplicates and their merge, the person's data as JSON
and its erasure on request. Thin: the writes are in services.py, the reads in querysets.py.

Seeing a person follows ``Person.restrict`` (focal points see their member's people, experts
themselves); merging takes the right to change people of the office (staff, admins), erasing
the right to administer it (office admins).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core.access import ADMINISTER, CHANGE, VIEW, WIDE_ROLES, can, office_ids
from workplan.core.concurrency import EditConflict, add_version_field
from workplan.delivery.models import Participation
from workplan.directory import services as directory_services
from workplan.directory.models import Person

from .. import services
from ..forms import EraseForm, MergeForm, PersonForm
from ..querysets import duplicate_groups


def office_people(user, action=CHANGE):
    """People the user changes office-wide (staff, admins): an expert changes their own
    profile, but neither exports, merges nor erases records."""
    people = Person.objects.restrict(user, action)
    ids = office_ids(user, action, roles=WIDE_ROLES)
    return people if ids is None else people.filter(office_id__in=ids)


def _likely_duplicates(user, person) -> list[Person]:
    """Others of the office who may be ``person`` (same e-mail, or same name and member)."""
    same = Q(full_name__iexact=person.full_name, member_id=person.member_id)
    if person.email:
        same |= Q(email__iexact=person.email)
    return list(office_people(user).filter(office_id=person.office_id)
                .filter(same).filter(erased_at__isnull=True).exclude(pk=person.pk)
                .select_related("member"))


@login_required
@require_GET
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.restrict(request.user, VIEW)
                               .select_related("office", "member", "partner"), pk=pk)
    may_change = can(request.user, CHANGE, person.office_id)
    return render(request, "registration/people/person_detail.html", {
        "person": person,
        "participations": list(Participation.objects.restrict(request.user, VIEW)
                               .filter(person=person).select_related("event", "member")
                               .order_by("-event__start_date")),
        "may_change": may_change,
        "may_erase": can(request.user, ADMINISTER, person.office_id),
        "duplicates": _likely_duplicates(request.user, person) if may_change else [],
        "merges": list(person.merges.select_related("by")) if may_change else [],
        "erase_form": EraseForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def person_update(request, pk: int):
    """Staff correct a person's record (name, contact, administration, an expert's details);
    an office admin also links it to the person's account. All or nothing, with history."""
    person = get_object_or_404(office_people(request.user)
                               .filter(erased_at__isnull=True)
                               .select_related("office__region", "member", "partner", "user"),
                               pk=pk)
    link = can(request.user, ADMINISTER, person.office_id)
    form = PersonForm(request.POST or None, person=person, link_account=link)
    add_version_field(form, person.version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    changed = directory_services.update_expert_profile(
                        person, user=request.user, version=form.cleaned_data["version"],
                        **form.values())
                    if link and directory_services.link_account(
                            person, form.cleaned_data["account"], user=request.user):
                        changed.append("user")
            except ValidationError as error:
                person.refresh_from_db()
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except EditConflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            else:
                messages.success(request, _("The record of %(name)s was saved.")
                                 % {"name": person.full_name} if changed
                                 else _("Nothing had changed: the record is as it was."))
                return redirect("registration:person_detail", pk=person.pk)
    return render(request, "registration/people/person_form.html",
                  {"person": person, "form": form}, status=status)


@login_required
def person_export(request, pk: int):
    """What is held about the person, as one JSON file (their request to see it). Who may
    not export it gets a 404 whatever the method (the record's existence is not told)."""
    person = get_object_or_404(office_people(request.user)
                               .select_related("office", "member", "partner", "user"), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body = json.dumps(services.person_data(person), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def person_erase(request, pk: int):
    person = get_object_or_404(office_people(request.user, ADMINISTER), pk=pk)
    form = EraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to erase; nothing was erased."))
        return redirect("registration:person_detail", person.pk)
    try:
        services.erase_person(person, user=request.user)
    except services.PersonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The person's data was erased. Their participations stay, "
                                    "anonymous, so past figures do not change."))
    return redirect("registration:person_detail", person.pk)


@login_required
@require_POST
def person_merge(request, pk: int):
    """Merge the record ``other`` into this one (``pk`` is kept)."""
    people = office_people(request.user)
    keep = get_object_or_404(people, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the record to merge; nothing changed."))
        return redirect("registration:person_detail", keep.pk)
    other = people.filter(pk=form.cleaned_data["other"]).first()
    if other is None:
        messages.error(request, _("The record to merge was not found; nothing changed."))
        return redirect("registration:person_detail", keep.pk)
    try:
        merge = services.merge_people(keep, other, user=request.user)
    except services.PersonError as error:
        messages.error(request, str(error))
        return redirect("registration:person_detail", keep.pk)
    moved = merge.moved
    messages.success(request, _(
        "%(other)s was merged into %(kept)s: %(participations)d participations moved, "
        "%(combined)d combined, %(invitations)d survey invitations moved.") % {
        "other": merge.merged.get("full_name", ""), "kept": keep.full_name,
        "participations": len(moved["participations"]), "combined": len(moved["combined"]),
        "invitations": len(moved["invitations"])})
    return redirect("registration:person_detail", keep.pk)


@login_required
@require_GET
def duplicate_list(request):
    """Likely duplicates among the people of the offices the user may change."""
    ids = office_ids(request.user, CHANGE)
    if ids is not None and not ids:
        raise Http404
    groups = duplicate_groups(office_people(request.user))
    return render(request, "registration/people/duplicate_list.html", {"groups": groups})


urlpatterns = [
    path("people/duplicates/", duplicate_list, name="duplicate_list"),
    path("people/<int:pk>/", person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", person_update, name="person_update"),
    path("people/<int:pk>/export/", person_export, name="person_export"),
    path("people/<int:pk>/erase/", person_erase, name="person_erase"),
    path("people/<int:pk>/merge/", person_merge, name="person_merge"),
]
