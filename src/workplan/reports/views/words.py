"""The office's words in its annual report: a page per office and fiscal year where office
staff and admins write the foreword, an introduction per pillar, challenges and lessons, the
way forward and a comment per KPI behind target, preview them, and make the report final
(thin: writes in ``services``). Viewers read. Out of scope is a 404, as everywhere; focal
points and experts do not see the page (the report is for the office-wide roles).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from workplan.core.access import ADMINISTER, CHANGE, VIEW, WIDE_ROLES, can, office_ids
from workplan.core.concurrency import EditConflict
from workplan.directory.models import Office
from workplan.plans.models import WorkPlan

from .. import services
from ..data.annual import annual_report, paragraphs
from ..forms import WordsForm
from ..models import ReportWords


def _plan(user, code: str, period: str):
    """The office's plan of that year, if ``user`` sees the whole office; else 404."""
    wide = office_ids(user, VIEW, roles=WIDE_ROLES)
    offices = Office.objects.all() if wide is None else Office.objects.filter(pk__in=wide)
    office = offices.filter(code=code).first()
    plan = (WorkPlan.objects.filter(office=office, period=period).select_related("office")
            .first() if office is not None else None)
    if plan is None:
        raise Http404
    return plan


def _words(plan) -> ReportWords:
    return (ReportWords.objects.filter(office=plan.office, start_year=plan.start_year).first()
            or ReportWords(office=plan.office, start_year=plan.start_year))


@login_required
@require_http_methods(["GET", "POST"])
def words_detail(request, office_code: str, period: str):
    plan = _plan(request.user, office_code, period)
    words = _words(plan)
    may_edit = can(request.user, CHANGE, plan.office) and not words.is_final
    report = annual_report(plan, words=words)
    form = WordsForm(request.POST or None, request.FILES or None, words=words, report=report)
    preview = None
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = form.preview()
            else:
                try:
                    services.save_words(
                        words, expected_version=data.get("version"),
                        signature=form.signature_data,
                        remove_signature=data.get("remove_signature", False),
                        known_pillars=[p.number for p in report.pillars],
                        known_kpis=[r.indicator_id for r in report.kpis],
                        **form.changes())
                except EditConflict as conflict:
                    form.add_error(None, conflict.message)
                    status = 409
                except services.WordsError as error:
                    form.add_error(error.field if error.field in form.fields else None,
                                   str(error))
                else:
                    messages.success(request, _("The report's words were saved."))
                    return redirect(words_url(plan))
    return render(request, "reports/words/words_detail.html", {
        "plan": plan, "words": words, "form": form, "may_edit": may_edit, "report": report,
        "preview": preview, "missing": services.behind_without_comment(report),
        "may_reopen": words.is_final and can(request.user, ADMINISTER, plan.office),
        "formats": ("docx", "pdf", "html"),
    }, status=status)


@login_required
@require_POST
def words_finalise(request, office_code: str, period: str):
    plan = _plan(request.user, office_code, period)
    if not can(request.user, CHANGE, plan.office):
        raise Http404
    words = _words(plan)
    if words.pk is None:
        words.save()
    try:
        services.make_final(words, plan, user=request.user,
                            expected_version=_version(request))
    except (services.WordsError, EditConflict) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The report of %(period)s is final: its figures and words "
                                    "are kept as they are now.") % {"period": plan.period})
    return redirect(words_url(plan))


@login_required
@require_POST
def words_reopen(request, office_code: str, period: str):
    plan = _plan(request.user, office_code, period)
    if not can(request.user, ADMINISTER, plan.office):
        raise Http404
    try:
        services.reopen(_words(plan), expected_version=_version(request))
    except (services.WordsError, EditConflict) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, _("The report is a draft again."))
    return redirect(words_url(plan))


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def words_url(plan) -> str:
    from django.urls import reverse

    return reverse("reports:words_detail", args=[plan.office.code, plan.period])


__all__ = ["paragraphs"]

urlpatterns = [
    path("annual/<slug:office_code>/<fiscal_year:period>/", words_detail, name="words_detail"),
    path("annual/<slug:office_code>/<fiscal_year:period>/final/", words_finalise,
         name="words_finalise"),
    path("annual/<slug:office_code>/<fiscal_year:period>/reopen/", words_reopen,
         name="words_reopen"),
]
