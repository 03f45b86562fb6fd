"""The publications register: list, add, edit, and a publication's page with its history
(thin: reads in querysets.py, writes in services.py).

Publications are what the office published: every role of the office sees them; office staff
and admins add and edit them. Out of scope is a 404, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from workplan.core.access import CHANGE, VIEW, can, office_ids
from workplan.core.concurrency import EditConflict

from .. import services
from ..forms import PublicationFilterForm, PublicationForm
from ..models import Publication

PAGE_SIZE = 50


def may_add(user) -> bool:
    ids = office_ids(user, CHANGE)
    return ids is None or bool(ids)


@login_required
@require_GET
def publication_list(request):
    publications = Publication.objects.restrict(request.user, VIEW).with_fiscal_year()
    years = sorted(set(publications.values_list("fy_start", flat=True)), reverse=True)
    form = PublicationFilterForm(request.GET or None, years=years)
    filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            publications = publications.filter(Q(title__icontains=data["q"])
                                               | Q(summary__icontains=data["q"]))
        if data["kind"]:
            publications = publications.filter(kind=data["kind"])
        if data["fy"]:
            publications = publications.filter(fy_start=int(data["fy"]))
        filtered = any(data.values())
    counts = {row["kind"]: row["n"] for row in publications.counts_by_kind()}
    page = Paginator(publications.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/publication_list.html", {
        "form": form, "page": page, "items": page.object_list, "filtered": filtered,
        "may_add": may_add(request.user),
        "counts": [(label, counts.get(kind, 0)) for kind, label in Publication.Kind.choices],
    })


@login_required
@require_http_methods(["GET", "POST"])
def publication_create(request):
    if not may_add(request.user):
        raise Http404
    form = PublicationForm(request.POST or None, request.FILES or None, user=request.user,
                           instance=Publication())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication = services.record_publication(
                office=data["office"], kind=data["kind"], title=data["title"],
                date=data["date"], member=data["member"], actions=data["actions"],
                url=data["url"], summary=data["summary"], file=form.file_data,
                user=request.user)
        except services.PublicationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("“%(title)s” was added to the register.")
                             % {"title": publication.title})
            return redirect(publication)
    return render(request, "reports/publication_form.html", {"form": form})


@login_required
@require_GET
def publication_detail(request, pk: int):
    publication = get_object_or_404(Publication.objects.restrict(request.user, VIEW)
                                    .for_list().select_related("created_by"), pk=pk)
    return render(request, "reports/publication_detail.html", {
        "publication": publication,
        "actions": list(publication.actions.all()),
        "may_edit": can(request.user, CHANGE, publication.office_id),
    })


@login_required
@require_http_methods(["GET", "POST"])
def publication_update(request, pk: int):
    publication = get_object_or_404(Publication.objects.restrict(request.user, CHANGE)
                                    .select_related("office"), pk=pk)
    form = PublicationForm(request.POST or None, request.FILES or None, user=request.user,
                           instance=publication)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_publication(
                publication, actions=data["actions"], file=form.file_data,
                remove_file=data.get("remove_file", False),
                expected_version=data["version"],
                **{name: data[name] for name in services.FIELDS})
        except EditConflict as conflict:
            form.add_error(None, conflict.message)
            publication.refresh_from_db()
            status = 409
        except services.PublicationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("The publication was saved."))
            return redirect(publication)
    return render(request, "reports/publication_form.html", {"form": form,
                                                             "publication": publication},
                  status=status)


@login_required
@require_GET
def publication_file(request, pk: int):
    publication = get_object_or_404(Publication.objects.restrict(request.user, VIEW), pk=pk)
    if not publication.file:
        raise Http404(_("This publication has no file."))
    try:
        handle = publication.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this publication is missing.")) from None
    response = FileResponse(handle, as_attachment=True, filename=publication.file_name,
                            content_type=publication.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("publications/", publication_list, name="publication_list"),
    path("publications/new/", publication_create, name="publication_create"),
    path("publications/<int:pk>/", publication_detail, name="publication_detail"),
    path("publications/<int:pk>/edit/", publication_update, name="publication_update"),
    path("publications/<int:pk>/file/", publication_file, name="publication_file"),
]
