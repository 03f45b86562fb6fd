"""Views of the adoption register: members x instruments at a date (page and XLSX), one
member's history for one instrument (and recording a new status), and the instruments.

The register is regional reference data: a user sees the members of the regions of the
offices where they hold a role (``Member.objects.restrict(user, VIEW)``); staff and admins of
an office of a member's region record its statuses (``restrict(user, CHANGE)``). Instruments
are shared by every office; office admins add the ones the seed list lacks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from workplan.core.access import ADMINISTER, CHANGE, VIEW, office_ids
from workplan.core.xlsx import safe_cell, workbook_bytes, write_sheet
from workplan.directory.models import Member

from .. import services
from ..forms import AdoptionForm, InstrumentForm, RegisterFilterForm, today
from ..models import Adoption, Instrument
from ..querysets import STATUS_KEYS, adoption_matrix, standings_on

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_add_instruments(user) -> bool:
    ids = office_ids(user, ADMINISTER)
    return ids is None or bool(ids)


def may_record_for(user, member) -> bool:
    """Staff and admins of an office of the member's region (no query: the user's roles
    are read once per request; one query for the offices' regions)."""
    ids = office_ids(user, CHANGE)
    if ids is None:
        return True
    return bool(ids) and Member.objects.restrict(user, CHANGE).filter(pk=member.pk).exists()


# --- the register -------------------------------------------------------------------------------


def _register(request):
    """(form, matrix or None): members, instruments and statuses in three queries."""
    user = request.user
    members = list(Member.objects.restrict(user, VIEW).only("iso3", "name", "sub_region",
                                                            "region_id")
                   .order_by("name", "iso3"))
    instruments = list(Instrument.objects.restrict(user, VIEW).order_by("position", "name"))
    sub_regions = sorted({m.sub_region for m in members if m.sub_region})
    form = RegisterFilterForm(request.GET or None, sub_regions=sub_regions,
                              instruments=instruments)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.values() if form.is_bound else {"on": today(), "sub_region": "",
                                                   "instrument": ""}
    if filters["sub_region"]:
        members = [m for m in members if m.sub_region == filters["sub_region"]]
    if filters["instrument"]:
        instruments = [i for i in instruments if i.code == filters["instrument"]]
    adoptions = Adoption.objects.restrict(user, VIEW)
    if filters["sub_region"]:
        adoptions = adoptions.filter(member__sub_region=filters["sub_region"])
    if filters["instrument"]:
        adoptions = adoptions.filter(instrument__code=filters["instrument"])
    matrix = adoption_matrix(members, instruments, standings_on(adoptions, filters["on"]),
                             filters["on"])
    return form, matrix


@login_required
@require_GET
def adoption_register(request):
    form, matrix = _register(request)
    query = request.GET.urlencode()
    return render(request, "indicators/register.html", {
        "form": form,
        "matrix": matrix,
        "xlsx_url": reverse("indicators:adoption_register_xlsx") + (f"?{query}" if query
                                                                    else ""),
        "is_today": matrix is not None and matrix.on == today(),
    }, status=200 if matrix is not None else 400)


@login_required
@require_GET
def adoption_register_xlsx(request):
    form, matrix = _register(request)
    if matrix is None:
        problems = "; ".join(f"{form.fields[name].label if name in form.fields else name}: "
                             f"{' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponse(_("The register could not be exported: %(problems)s")
                            % {"problems": problems}, status=400,
                            content_type="text/plain; charset=utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Status on %(date)s") % {"date": matrix.on.isoformat()}
    headers = [_("Member"), _("ISO3"), _("Sub-region")] + [i.name for i in matrix.instruments]
    rows = [[row.member.name, row.member.iso3, row.member.sub_region]
            + [cell.label for cell in row.cells] for row in matrix.rows]
    rows.append([])
    for total in matrix.totals:
        rows.append([_("Members: %(status)s") % {"status": total.label}, "", ""]
                    + total.counts)
    write_sheet(sheet, headers, rows, widths=[28, 7, 16] + [18] * len(matrix.instruments))
    since = workbook.create_sheet(_("Since"))
    write_sheet(since, [_("Member"), _("ISO3"), _("Sub-region"), _("Instrument"),
                        _("Status"), _("Since")],
                [[row.member.name, row.member.iso3, row.member.sub_region,
                  cell.instrument.name, cell.label, cell.standing.since]
                 for row in matrix.rows for cell in row.cells if cell.standing],
                widths=[28, 7, 16, 36, 24, 12])
    for cells in since.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    note = workbook.create_sheet(_("About"))
    safe_cell(note.cell(row=1, column=1), _("Adoption register: each member's status on "
                                            "%(date)s (the latest recorded on or before that "
                                            "day).") % {"date": matrix.on.isoformat()})
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"adoption-register-{matrix.on.isoformat()}.xlsx")
    return response


# --- one member, one instrument ---------------------------------------------------------------


def _subject(request, iso3: str, code: str, action: str = VIEW):
    member = get_object_or_404(Member.objects.restrict(request.user, action)
                               .select_related("region"), iso3=iso3.upper())
    instrument = get_object_or_404(Instrument.objects.restrict(request.user, VIEW), code=code)
    return member, instrument


def _history_page(request, member, instrument, form=None, status=200):
    rows = list(Adoption.objects.restrict(request.user, VIEW)
                .filter(member=member, instrument=instrument)
                .select_related("recorded_by").order_by("-since", "-pk"))
    day = today()
    current = next((row for row in rows if row.since <= day), None)
    may_record = may_record_for(request.user, member)
    if may_record and form is None:
        form = AdoptionForm(instrument=instrument)
    return render(request, "indicators/adoption_history.html", {
        "member": member,
        "instrument": instrument,
        "rows": [(row, instrument.status_label(row.status), STATUS_KEYS[row.status])
                 for row in rows],
        "current": current,
        "current_label": instrument.status_label(current.status) if current else "",
        "current_key": STATUS_KEYS[current.status] if current else "unknown",
        "form": form if may_record else None,
        "register_url": reverse("indicators:adoption_register")
        + f"?instrument={instrument.code}",
    }, status=status)


@login_required
@require_GET
def adoption_history(request, iso3: str, code: str):
    member, instrument = _subject(request, iso3, code)
    return _history_page(request, member, instrument)


@login_required
@require_POST
def adoption_record(request, iso3: str, code: str):
    member, instrument = _subject(request, iso3, code, CHANGE)
    form = AdoptionForm(request.POST, instrument=instrument)
    if not form.is_valid():
        return _history_page(request, member, instrument, form=form, status=400)
    data = form.cleaned_data
    row = services.record_adoption(member=member, instrument=instrument, status=data["status"],
                                   since=data["since"], evidence=data["evidence"],
                                   evidence_url=data["evidence_url"], user=request.user)
    messages.success(request, _("%(member)s: %(status)s for %(instrument)s since %(date)s was "
                                "recorded.") % {
        "member": member.name, "status": instrument.status_label(row.status),
        "instrument": instrument.name, "date": formats.date_format(row.since, "DATE_FORMAT")})
    return redirect("indicators:adoption_history", iso3=member.iso3, code=instrument.code)


# --- instruments --------------------------------------------------------------------------------


@login_required
@require_GET
def instrument_list(request):
    may_add = may_add_instruments(request.user)
    return render(request, "indicators/instrument_list.html", {
        "instruments": Instrument.objects.restrict(request.user, VIEW).order_by("position",
                                                                                "name"),
        "may_add": may_add,
        "form": InstrumentForm() if may_add else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def instrument_create(request):
    if not may_add_instruments(request.user):
        raise Http404
    bound = request.POST if request.method == "POST" else None
    form = InstrumentForm(bound)
    if bound is not None and form.is_valid():
        last = Instrument.objects.aggregate(last=Max("position"))["last"] or 0
        instrument = form.save(commit=False)
        instrument.position = last + 10
        instrument._change_reason = "added by staff"
        instrument.save()
        messages.success(request, _("“%(name)s” was added to the register's instruments.")
                         % {"name": instrument.name})
        return redirect(reverse("indicators:instrument_list") + f"#instrument-{instrument.code}")
    return render(request, "indicators/instrument_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_update(request, code):
    """Correct an instrument (office admins; the code stays, KPI settings name it)."""
    if not may_add_instruments(request.user):
        raise Http404
    instrument = get_object_or_404(Instrument, code=code)
    bound = request.POST.copy() if request.method == "POST" else None
    if bound is not None:
        bound["code"] = instrument.code
    form = InstrumentForm(bound, instance=instrument)
    form.fields["code"].disabled = True
    if bound is not None and form.is_valid():
        saved = form.save(commit=False)
        saved._change_reason = "changed by an office admin"
        saved.save()
        messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
        return redirect(reverse("indicators:instrument_list") + f"#instrument-{saved.code}")
    return render(request, "indicators/instrument_form.html",
                  {"form": form, "instrument": instrument},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("register/", adoption_register, name="adoption_register"),
    path("register.xlsx", adoption_register_xlsx, name="adoption_register_xlsx"),
    path("register/<str:iso3>/<slug:code>/", adoption_history, name="adoption_history"),
    path("register/<str:iso3>/<slug:code>/record/", adoption_record, name="adoption_record"),
    path("instruments/", instrument_list, name="instrument_list"),
    path("instruments/new/", instrument_create, name="instrument_create"),
    path("instruments/<slug:code>/edit/", instrument_update, name="instrument_update"),
]
