"""Views of delivery: events, their partners, funding, documents and participants, and the
attendance sheet import (thin: reads in querysets.py, writes in services.py).

Every view requires sign-in and reads through ``restrict(user, VIEW)`` (pages) or
``restrict(user, CHANGE)`` (writes): an event outside the user's scope is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplan.core import uploads
from workplan.core.access import CHANGE, VIEW, WIDE_ROLES, can, office_ids
from workplan.core.concurrency import EditConflict
from workplan.directory.models import Member, Person
from workplan.plans.models import Activity

from .. import attendance, services
from ..filters import EventFilterSet
from ..forms import (
    FIELD_LABELS,
    AttachmentForm,
    EventForm,
    EventPartnerForm,
    FundingForm,
    NewParticipantForm,
    ParticipantForm,
    ParticipationEditForm,
    SheetMappingForm,
    SheetUploadForm,
    TransitionForm,
)
from ..models import Attachment, Event, Funding, Participation, Request
from ..querysets import FundingTotals

PAGE_SIZE = 50
GENDERS = ["female", "male", "other", "undisclosed"]
PERSON_SEARCH_MIN = 2
PERSON_SEARCH_LIMIT = 20
SHEET_SESSION_KEY = "delivery.attendance_sheet"


def may_record_events(user) -> bool:
    """Staff and admins of at least one office (and superusers) record events."""
    ids = office_ids(user, CHANGE)
    return ids is None or bool(ids)


def may_see_funding(user, office_id) -> bool:
    """Money is for the office-wide roles (admin, staff, viewer), not focal points or experts."""
    ids = office_ids(user, VIEW, roles=WIDE_ROLES)
    return ids is None or office_id in ids


def _event_for_change(request, pk):
    return get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                             .select_related("office__region"), pk=pk)


# --- list and page ----------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request):
    events = Event.objects.restrict(request.user, VIEW)
    filters = EventFilterSet(request.GET or None, queryset=events, request=request)
    events = filters.qs.for_list().order_by("-start_date", "title", "pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = filters.is_bound and any(
        value not in (None, "") for value in getattr(filters.form, "cleaned_data", {}).values())
    context = {
        "filters": filters,
        "form": filters.form,
        "page": page,
        "events": page.object_list,
        "filtered": filtered,
        "may_create": may_record_events(request.user),
    }
    template = ("delivery/events/_results.html"
                if request.htmx and request.htmx.target == "event-results"
                else "delivery/events/event_list.html")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])  # same URL, two bodies
    return response


def gender_table(rows) -> dict:
    """Participants by member (rows) and gender (columns) with totals and the women's share,
    from ``ParticipationQuerySet.by_member_and_gender()`` rows."""
    members: dict = {}
    totals = dict.fromkeys(GENDERS, 0)
    for row in rows:
        key = row["member__iso3"] or ""
        entry = members.setdefault(key, {"iso3": key, "name": row["member__name"],
                                         "counts": dict.fromkeys(GENDERS, 0), "total": 0})
        gender = row["person__gender"] if row["person__gender"] in totals else "undisclosed"
        entry["counts"][gender] += row["count"]
        entry["total"] += row["count"]
        totals[gender] += row["count"]
    total = sum(totals.values())
    for entry in members.values():
        entry["cells"] = [entry["counts"][g] for g in GENDERS]
    return {
        "rows": sorted(members.values(), key=lambda e: (e["name"] is None, e["name"] or "")),
        "totals": [totals[g] for g in GENDERS],
        "total": total,
        "women": totals["female"],
        "women_share": round(100 * totals["female"] / total) if total else None,
    }


@login_required
@require_GET
def event_detail(request, pk: int):
    user = request.user
    event = get_object_or_404(Event.objects.restrict(user, VIEW).for_page(), pk=pk)
    # Counts are the event's whole for everyone who may open it; names only those the user
    # may see (docs/delivery.md, "Who sees which figure").
    everyone = Participation.objects.filter(event=event)
    headcount = everyone.headcount()
    experts = list(Participation.objects.restrict(user, VIEW).filter(event=event).experts()
                   .select_related("person__member", "person__partner")
                   .order_by("person__full_name"))
    linked = list(Request.objects.restrict(user, VIEW).filter(event=event)
                  .select_related("member").order_by("created"))
    show_funding = may_see_funding(user, event.office_id)
    fundings = (list(Funding.objects.restrict(user, VIEW).filter(event=event)
                     .select_related("partner", "member"))
                if show_funding else [])
    may_change = can(user, CHANGE, event.office_id)
    labels = dict(Event.Status.choices)
    return render(request, "delivery/events/event_detail.html", {
        "event": event,
        "headcount": headcount,
        "table": gender_table(everyone.participants().by_member_and_gender()),
        "experts_named": sum(1 for p in experts if p.attended),
        "genders": GENDERS,
        "experts": experts,
        "linked_requests": linked,
        "show_funding": show_funding,
        "fundings": fundings,
        "funding_totals": FundingTotals.add_up((f.in_kind, f.currency, f.amount)
                                               for f in fundings),
        "may_change": may_change,
        "transitions": ([(status, labels[status])
                         for status in sorted(Event.TRANSITIONS[event.status])]
                        if may_change else []),
    })


# --- create, edit, status ---------------------------------------------------------------------


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _initial_from_activity(request) -> tuple[Activity, dict]:
    """The form's start from ``?activity=<pk>&member=<iso3>`` (services.event_defaults_for)."""
    activity = get_object_or_404(
        Activity.objects.restrict(request.user, CHANGE).select_related("work_plan__office")
        .prefetch_related("members", "actions"),
        pk=_int_or_404(request.GET["activity"]))
    member = None
    if request.GET.get("member"):
        member = get_object_or_404(
            Member.objects.restrict(request.user, VIEW)
            .filter(region_id=activity.work_plan.office.region_id),
            iso3=request.GET["member"].strip().upper()[:3])
    defaults = services.event_defaults_for(activity, member)
    return activity, {
        "office": activity.work_plan.office_id,
        "activity": activity.pk,
        "title": defaults["title"],
        "kind": defaults["kind"],
        "level": defaults["level"],
        "office_role": defaults["office_role"],
        "host_member": defaults["host_member"].pk if defaults["host_member"] else None,
        "beneficiaries": [m.pk for m in defaults["beneficiaries"]],
        "actions": [a.pk for a in activity.actions.all()],
        "country": member.iso3 if member else "",
    }


def _request_to_schedule(request, raw) -> Request:
    """The request an event is being scheduled from (``?request=<pk>``): one the user may
    change as office staff (a focal point may not schedule)."""
    req = get_object_or_404(Request.objects.restrict(request.user, CHANGE)
                            .select_related("office", "member", "activity", "action", "event")
                            .prefetch_related("activity__actions", "activity__members"),
                            pk=_int_or_404(raw))
    if not can(request.user, CHANGE, req.office_id):
        raise Http404
    return req


def _initial_from_request(req: Request) -> dict:
    defaults = services.event_defaults_for_request(req)
    return {
        "office": req.office_id,
        "activity": req.activity_id,
        "title": defaults["title"],
        "kind": defaults["kind"],
        "level": defaults["level"],
        "office_role": defaults["office_role"],
        "host_member": defaults["host_member"].pk if defaults["host_member"] else None,
        "beneficiaries": [m.pk for m in defaults["beneficiaries"]],
        "actions": [a.pk for a in defaults["actions"]],
        "country": defaults["country"],
        "start_date": defaults["start_date"],
        "end_date": defaults["end_date"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    """Record an event; from a planned activity (``?activity=``) or from a member's request
    (``?request=``: "Schedule as a new event", the request then scheduled as it)."""
    if not may_record_events(request.user):
        raise Http404
    initial, activity, req = {}, None, None
    source = request.POST.get("request") or request.GET.get("request")
    if source:
        req = _request_to_schedule(request, source)
        try:
            services.check_schedulable(req)
        except services.TransitionError as error:
            messages.error(request, str(error))
            return redirect(req)
        if request.method == "GET":
            initial, activity = _initial_from_request(req), req.activity
    elif request.method == "GET" and request.GET.get("activity"):
        activity, initial = _initial_from_activity(request)
    form = EventForm(request.POST or None, initial=initial, user=request.user,
                     instance=Event())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = dict(
            office=data["office"], title=data["title"], kind=data["kind"], level=data["level"],
            start_date=data["start_date"], end_date=data["end_date"],
            activity=data["activity"], actions=list(data["actions"]),
            beneficiaries=list(data["beneficiaries"]),
            city=data["city"], country=data["country"], mode=data["mode"],
            host_member=data["host_member"], office_role=data["office_role"],
            summary=data["summary"], status=data["status"])
        if req is None:
            event = services.record_event(user=request.user, **fields)
            messages.success(request, _("The event “%(title)s” was recorded.")
                             % {"title": event.title})
            return redirect(event)
        if data["office"] != req.office:
            form.add_error("office", _("The request is to %(office)s: its event is that "
                                       "office's.") % {"office": req.office.short_name})
        else:
            try:
                event = services.schedule_as_new_event(req, user=request.user, **fields)
            except services.TransitionError as error:
                messages.error(request, str(error))
                return redirect(req)
            messages.success(request, _("The event “%(title)s” was recorded and the request "
                                        "of %(member)s is scheduled as it.")
                             % {"title": event.title, "member": req.member.name})
            return redirect(event)
    if activity is None and form.is_bound:
        activity = getattr(form, "cleaned_data", {}).get("activity")
    return render(request, "delivery/events/event_form.html",
                  {"form": form, "event": None, "activity": activity, "from_request": req})


@login_required
@require_http_methods(["GET", "POST"])
def event_update(request, pk: int):
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE)
                              .select_related("office__region", "activity")
                              .prefetch_related("action_links"), pk=pk)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_event(form.instance, expected_version=data["version"],
                                  beneficiaries=list(data["beneficiaries"]),
                                  actions=list(data["actions"]), user=request.user)
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
            status = 409
        else:
            messages.success(request, _("The event was saved."))
            return redirect(event)
    return render(request, "delivery/events/event_form.html",
                  {"form": form, "event": event, "activity": event.activity}, status=status)


@login_required
@require_POST
def event_transition(request, pk: int):
    event = _event_for_change(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status change was not understood; nothing changed."))
        return redirect(event)
    target = form.cleaned_data["status"]
    try:
        services.move_event(event, target, user=request.user,
                            expected_version=form.cleaned_data["version"])
    except services.TransitionError as error:
        messages.error(request, str(error))
    except EditConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The event is now %(status)s.")
                         % {"status": event.get_status_display().lower()})
    return redirect(event)


# --- partners, funding, documents -------------------------------------------------------------


def _section(event, anchor: str) -> str:
    return f"{event.get_absolute_url()}#{anchor}"


@login_required
@require_http_methods(["GET", "POST"])
def event_partner_add(request, pk: int):
    event = _event_for_change(request, pk)
    form = EventPartnerForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        link = services.add_event_partner(event, form.cleaned_data["partner"],
                                          form.cleaned_data["role"])
        messages.success(request, _("%(partner)s was added as %(role)s.") % {
            "partner": link.partner, "role": link.get_role_display().lower()})
        return redirect(_section(event, "partners"))
    return render(request, "delivery/events/partner_form.html",
                  {"event": event, "form": form, "heading": _("Add a partner")})


@login_required
@require_POST
def event_partner_remove(request, pk: int, link: int):
    event = _event_for_change(request, pk)
    role = get_object_or_404(event.partner_roles.select_related("partner"), pk=link)
    services.remove_event_partner(role)
    messages.success(request, _("%(partner)s is no longer named as %(role)s.") % {
        "partner": role.partner, "role": role.get_role_display().lower()})
    return redirect(_section(event, "partners"))


@login_required
@require_http_methods(["GET", "POST"])
def funding_add(request, pk: int):
    event = _event_for_change(request, pk)
    form = FundingForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_funding(event, amount=data["amount"], currency=data["currency"],
                             partner=data["partner"], member=data["member"],
                             in_kind=data["in_kind"], note=data["note"])
        messages.success(request, _("Funding of %(amount)s %(currency)s was recorded.") % {
            "amount": data["amount"], "currency": data["currency"]})
        return redirect(_section(event, "funding"))
    return render(request, "delivery/events/funding_form.html",
                  {"event": event, "form": form, "heading": _("Add funding")})


@login_required
@require_POST
def funding_remove(request, pk: int):
    funding = get_object_or_404(Funding.objects.restrict(request.user, CHANGE)
                                .select_related("event"), pk=pk)
    services.remove_funding(funding)
    messages.success(request, _("The funding line was removed."))
    return redirect(_section(funding.event, "funding"))


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request, pk: int):
    event = _event_for_change(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.add_attachment(
                event, name=form.cleaned_data["file"].name, data=form.data_bytes,
                kind=form.cleaned_data["kind"], user=request.user)
        except services.AttachmentError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("“%(name)s” was attached.") % {"name": attachment.name})
            return redirect(_section(event, "documents"))
    return render(request, "delivery/events/attachment_form.html",
                  {"event": event, "form": form, "heading": _("Upload a document"),
                   "multipart": True})


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.restrict(request.user, VIEW), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this attachment is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_remove(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.restrict(request.user, CHANGE)
                                   .select_related("event"), pk=pk)
    services.remove_attachment(attachment)
    messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.name})
    return redirect(_section(attachment.event, "documents"))


# --- participants -----------------------------------------------------------------------------


def _people_found(request, event, query: str):
    if len(query) < PERSON_SEARCH_MIN:
        return []
    registered = Participation.objects.filter(event=event).values("person_id")
    return list(Person.objects.restrict(request.user, CHANGE).filter(office_id=event.office_id)
                .filter(Q(full_name__icontains=query) | Q(email__icontains=query))
                .exclude(pk__in=registered).select_related("member", "partner")
                .order_by("full_name")[:PERSON_SEARCH_LIMIT + 1])


def _participants_page(request, event, *, new_form=None, status=200):
    user = request.user
    may_change = can(user, CHANGE, event.office_id)
    query = request.GET.get("q", "").strip()[:100] if may_change else ""
    found = _people_found(request, event, query) if may_change else []
    context = {
        "event": event,
        "query": query,
        "found": found[:PERSON_SEARCH_LIMIT],
        "more_found": len(found) > PERSON_SEARCH_LIMIT,
        "search_min": PERSON_SEARCH_MIN,
        "roles": Participation.Role.choices,
        "may_change": may_change,
    }
    if request.htmx and request.htmx.target == "person-results":
        response = render(request, "delivery/events/_person_results.html", context)
        patch_vary_headers(response, ["HX-Request", "HX-Target"])
        return response
    context["participations"] = list(Participation.objects.restrict(user, VIEW)
                                     .filter(event=event)
                                     .select_related("person__partner", "member")
                                     .order_by("person__full_name"))
    context["headcount"] = Participation.objects.filter(event=event).headcount()
    if may_change:
        from workplan.registration.models import SheetRemainder

        context["new_form"] = new_form or NewParticipantForm(event=event, user=user)
        context["kept_rows"] = list(SheetRemainder.objects.filter(event=event)
                                    .defer("data"))
    response = render(request, "delivery/events/participants.html", context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@login_required
@require_GET
def event_participants(request, pk: int):
    event = get_object_or_404(Event.objects.restrict(request.user, VIEW)
                              .select_related("office__region"), pk=pk)
    return _participants_page(request, event)


@login_required
@require_POST
def participation_add(request, pk: int):
    event = _event_for_change(request, pk)
    page = reverse("delivery:event_participants", args=[event.pk])
    if "person" in request.POST:
        form = ParticipantForm(request.POST, event=event, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose a person of the office to add; nothing changed."))
            return redirect(page)
        try:
            participation = services.add_participation(
                event, form.cleaned_data["person"], role=form.cleaned_data["role"],
                attended=form.cleaned_data["attended"], user=request.user)
        except services.ParticipationError as error:
            messages.error(request, str(error))
            return redirect(page)
    else:
        new_form = NewParticipantForm(request.POST, event=event, user=request.user)
        if not new_form.is_valid():
            return _participants_page(request, event, new_form=new_form)
        participation = services.add_participation(
            event, role=new_form.cleaned_data["role"], attended=new_form.cleaned_data["attended"],
            new_person=new_form.person_fields(), user=request.user)
    messages.success(request, _("%(name)s was added as %(role)s.") % {
        "name": participation.person.full_name,
        "role": participation.get_role_display().lower()})
    return redirect(page)


@login_required
@require_POST
def participation_remove(request, pk: int):
    participation = get_object_or_404(Participation.objects.restrict(request.user, CHANGE)
                                      .select_related("person", "event"), pk=pk)
    services.remove_participation(participation)
    messages.success(request, _("%(name)s was removed from the participants.")
                     % {"name": participation.person.full_name})
    return redirect("delivery:event_participants", participation.event_id)


@login_required
@require_http_methods(["GET", "POST"])
def participation_update(request, pk: int):
    """Correct one participation (role, attendance, member) and the person's gender."""
    participation = get_object_or_404(Participation.objects.restrict(request.user, CHANGE)
                                      .select_related("person", "event__office", "member"),
                                      pk=pk)
    form = ParticipationEditForm(request.POST or None, participation=participation,
                                 user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_participation(participation, role=data["role"],
                                      attended=data["attended"], member=data["member"],
                                      gender=data["gender"])
        messages.success(request, _("The participation of %(name)s was saved.")
                         % {"name": participation.person.full_name})
        return redirect("delivery:event_participants", participation.event_id)
    return render(request, "delivery/events/participation_form.html",
                  {"form": form, "participation": participation,
                   "event": participation.event, "heading": _("Edit a participation")},
                  status=400 if form.errors else 200)


# --- attendance sheets ------------------------------------------------------------------------


def _stash_sheet(session, event, name: str, data: bytes, kept: int | None = None) -> str:
    """Keep an uploaded sheet in the session until the import is confirmed (one at a time);
    ``kept``: the rows kept for later it was opened from."""
    return uploads.stash(session, SHEET_SESSION_KEY, data, event=event.pk, name=name[:200],
                         kept=kept)


def _pending_sheet(session, sha: str, event) -> tuple[str, bytes, int | None] | None:
    found = uploads.pending(session, SHEET_SESSION_KEY, sha, event=event.pk)
    if found is None:
        return None
    data, context = found
    return context.get("name", ""), data, context.get("kept")


# Rows whose cells can be fixed on the check page at once (each field is a form field, and a
# request carries at most DATA_UPLOAD_MAX_NUMBER_FIELDS); the others are fixed after the good
# rows are imported, among the rows kept for later.
FIX_ROWS_SHOWN = 50


def _fixes(post) -> dict[int, dict[str, str]]:
    """{row: {field: value}} from the check page's ``fix-<row>-<field>`` inputs; an
    ``accept-<row>-<field>`` button (a suggestion taken) wins over the typed value."""
    fixes: dict[int, dict[str, str]] = {}
    for prefix in ("fix", "accept"):
        for key, value in post.items():
            kind, _sep, rest = key.partition("-")
            number, _sep, field_name = rest.partition("-")
            if kind == prefix and number.isdigit() and field_name in attendance.FIELDS:
                fixes.setdefault(int(number), {})[field_name] = value
    return fixes


def _report_page(request, event, *, name, grid, mapping_form, report=None, error=None,
                 status=200):
    rows = report.rows if report else []
    if report:
        labels = dict(FIELD_LABELS)
        for row in report.bad[:FIX_ROWS_SHOWN]:
            row.inputs = [(f"fix-{row.row}-{field_name}", labels.get(field_name, field_name),
                           row.raw[index] if index < len(row.raw) else "",
                           row.suggestions.get(field_name))
                          for field_name, index in sorted(report.mapping.items(),
                                                          key=lambda item: item[1])]
        shown = {row.row for row in report.bad[:FIX_ROWS_SHOWN]}
        for row in report.rows:  # fixes that made a row valid travel on with the form
            if row.fixed and row.row not in shown:
                row.hidden_fixes = [(f"fix-{row.row}-{name}", value)
                                    for name, value in row.fixed.items()]
    return render(request, "delivery/events/attendance_report.html", {
        "event": event,
        "source_name": name,
        "headers": grid.headers,
        "mapping_form": mapping_form,
        "report": report,
        "sheet_error": error,
        "fix_rows_shown": FIX_ROWS_SHOWN,
        "counts": {
            "rows": len(rows),
            "errors": sum(1 for r in rows if not r.ok),
            "good": sum(1 for r in rows if r.ok),
            "known": sum(1 for r in rows if r.person is not None),
            "new": sum(1 for r in rows if r.ok and r.person is None),
        },
    }, status=status)


def _check(event, grid, mapping, fixes=None):
    try:
        return attendance.check_sheet(event, grid.headers, grid.rows, mapping,
                                      first_row=grid.first_row, fixes=fixes), None
    except attendance.SheetError as error:
        return None, str(error)


def _first_check(request, event, name: str, data: bytes, grid, kept=None):
    """The check page of a sheet just uploaded (or of rows kept for later): the columns
    guessed (the office's remembered headings first), every row checked."""
    from workplan.registration.querysets import remembered_columns

    sha = _stash_sheet(request.session, event, name, data, kept=kept)
    mapping = attendance.guess_mapping(grid.headers, remembered_columns(event.office))
    report, error = _check(event, grid, mapping)
    mapping_form = SheetMappingForm(initial={"sha256": sha, "header_row": grid.header_row,
                                             "read_header_row": grid.header_row},
                                    headers=grid.headers, mapping=mapping)
    return _report_page(request, event, name=name, grid=grid, mapping_form=mapping_form,
                        report=report, error=error)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request, pk: int):
    """Upload an attendance sheet, check the header row, the column mapping and every row, fix
    rows in place, then confirm: the whole sheet, or its good rows with the rest kept for
    later (``?kept=<id>`` opens such rows again)."""
    event = _event_for_change(request, pk)
    if request.method == "POST" and "sha256" in request.POST:
        return _attendance_confirm(request, event)
    kept_id = request.GET.get("kept", "")
    if request.method == "GET" and kept_id:
        from workplan.registration.models import SheetRemainder

        kept = get_object_or_404(SheetRemainder.objects.filter(event=event),
                                 pk=_int_or_404(kept_id))
        data = bytes(kept.data)
        return _first_check(request, event, kept.source_name, data,
                            attendance.read_sheet("kept.csv", data), kept=kept.pk)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        request.session.pop(SHEET_SESSION_KEY, None)  # a new upload replaces a pending one
        if form.is_valid():
            return _first_check(request, event, form.cleaned_data["file"].name,
                                form.data_bytes, form.sheet)
    return render(request, "delivery/events/attendance_upload.html",
                  {"event": event, "form": form}, status=400 if form.errors else 200)


def _attendance_confirm(request, event):
    from workplan.registration import services as registration_services

    pending = _pending_sheet(request.session, request.POST.get("sha256", ""), event)
    grid = None
    if pending is not None:
        name, data, kept = pending
        header_row = request.POST.get("header_row", "")
        try:
            grid = attendance.read_sheet(name if kept is None else "kept.csv", data,
                                         int(header_row) if header_row.isdigit() else None)
        except attendance.SheetError as refused:
            grid = attendance.read_sheet(name if kept is None else "kept.csv", data)
            mapping_form = SheetMappingForm(request.POST, headers=grid.headers)
            mapping_form.is_valid()
            return _report_page(request, event, name=name, grid=grid,
                                mapping_form=mapping_form, error=str(refused), status=400)
    if grid is None:
        return render(request, "delivery/events/attendance_upload.html", {
            "event": event, "form": SheetUploadForm(),
            "errors": [_("The sheet to import was not found: the check has expired or belongs "
                         "to another upload. Upload the sheet again; nothing was imported.")],
        }, status=400)
    read_header_row = request.POST.get("read_header_row", "")
    if read_header_row and str(grid.header_row) != read_header_row:
        # Another header row: other column names, so the columns are guessed again.
        from workplan.registration.querysets import remembered_columns

        mapping = attendance.guess_mapping(grid.headers, remembered_columns(event.office))
        mapping_form = SheetMappingForm(
            initial={"sha256": request.POST["sha256"], "header_row": grid.header_row,
                     "read_header_row": grid.header_row},
            headers=grid.headers, mapping=mapping)
        report, check_error = _check(event, grid, mapping)
        return _report_page(request, event, name=name, grid=grid, mapping_form=mapping_form,
                            report=report, error=check_error)
    mapping_form = SheetMappingForm(request.POST, headers=grid.headers)
    if not mapping_form.is_valid():
        return _report_page(request, event, name=name, grid=grid, mapping_form=mapping_form,
                            status=400)
    report, error = _check(event, grid, mapping_form.mapping(), _fixes(request.POST))
    partial = "confirm_partial" in request.POST
    if not ("confirm" in request.POST or partial) or report is None:
        return _report_page(request, event, name=name, grid=grid, mapping_form=mapping_form,
                            report=report, error=error,
                            status=400 if error and "confirm" in request.POST else 200)
    try:
        with transaction.atomic():
            counts = attendance.import_sheet(event, report, partial=partial)
            registration_services.remember_columns(event.office, grid.headers,
                                                   report.mapping)
            registration_services.keep_remainder(
                event, name, grid.headers, [row.raw for row in report.bad],
                user=request.user, replacing=kept)
    except attendance.SheetError as refused:
        problems = len(report.bad)
        message = ngettext("%(error)s %(count)d row has errors: fix it above, or import the "
                           "good rows and keep it for later.",
                           "%(error)s %(count)d rows have errors: fix them above, or import the "
                           "good rows and keep them for later.", problems) % {
            "error": refused, "count": problems}
        return _report_page(request, event, name=name, grid=grid, mapping_form=mapping_form,
                            report=report, error=message, status=400)
    request.session.pop(SHEET_SESSION_KEY, None)
    messages.success(request, _(
        "Attendance imported from %(name)s: %(created)d new participations (%(people)d new "
        "people), %(updated)d updated.") % {
        "name": name, "created": counts["participations"], "people": counts["people"],
        "updated": counts["updated"]})
    if counts["left"]:
        messages.warning(request, ngettext(
            "%(count)d row was kept for later: fix it from the participants page.",
            "%(count)d rows were kept for later: fix them from the participants page.",
            counts["left"]) % {"count": counts["left"]})
    return redirect("delivery:event_participants", event.pk)


urlpatterns = [
    path("events/", event_list, name="event_list"),
    path("events/new/", event_create, name="event_create"),
    path("events/<int:pk>/", event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", event_update, name="event_update"),
    path("events/<int:pk>/status/", event_transition, name="event_transition"),
    path("events/<int:pk>/partners/add/", event_partner_add, name="event_partner_add"),
    path("events/<int:pk>/partners/<int:link>/remove/", event_partner_remove,
         name="event_partner_remove"),
    path("events/<int:pk>/funding/add/", funding_add, name="funding_add"),
    path("funding/<int:pk>/remove/", funding_remove, name="funding_remove"),
    path("events/<int:pk>/documents/add/", attachment_add, name="attachment_add"),
    path("documents/<int:pk>/", attachment_download, name="attachment_download"),
    path("documents/<int:pk>/remove/", attachment_remove, name="attachment_remove"),
    path("events/<int:pk>/participants/", event_participants, name="event_participants"),
    path("events/<int:pk>/participants/add/", participation_add, name="participation_add"),
    path("participations/<int:pk>/edit/", participation_update, name="participation_update"),
    path("participations/<int:pk>/remove/", participation_remove,
         name="participation_remove"),
    path("events/<int:pk>/attendance/", attendance_import, name="attendance_import"),
]
