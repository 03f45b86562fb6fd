"""The annual report (DOCX, PDF, HTML) and the quarterly e-newsletter draft (DOCX, HTML).

Both tell the office's whole year, so they are for the roles that see all of its records
(office admins, staff, viewers): the office parameter offers only those offices.
"""

from django.utils.translation import gettext_lazy as _

from workplan.delivery.models import Event

from ..data.annual import annual_report
from ..data.newsletter import newsletter
from ..models import Publication
from ..registry import (
    OFFICE_WIDE,
    PERIOD,
    Export,
    Exporter,
    Param,
    fiscal_year,
    format_param,
    office_for,
    registry,
    scoped,
)
from .plans import plan_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html; charset=utf-8"
PDF = "application/pdf"


def report_of(plan):
    """The year's report: from its frozen data once made final (the same bytes every time),
    else computed now with the office's words as they stand."""
    from ..data.frozen import thaw
    from ..models import ReportWords

    words = ReportWords.objects.filter(office=plan.office, start_year=plan.start_year).first()
    if words is not None and words.is_final and words.frozen:
        return thaw(words.frozen)
    return annual_report(plan, words=words)


@registry.register
class AnnualReportExporter(Exporter):
    identifier = "annual-report"
    verbose_name = _("Annual report")
    description = _("The fiscal year's report as an office publishes it: executive summary "
                    "with the year's figures, activities by pillar and action (a paragraph per "
                    "event), KPI achievement, publications, participants in regional and "
                    "sub-regional workshops by member, the next year's plan, abbreviations "
                    "and charts. Word (to edit), PDF or a web page.")
    params = (OFFICE_WIDE, PERIOD, format_param(("docx", "pdf", "html"), "docx"))
    years_from = "plans"

    def render(self, params, user=None):
        fiscal_year(params)
        plan = plan_for(params, user)
        report = report_of(plan)
        name = f"{plan.office.code.lower()}-annual-report-{plan.period}"
        if params["format"] == "docx":
            from ..render.annual_docx import render_annual_docx

            return Export(f"{name}.docx", DOCX, render_annual_docx(report))
        if params["format"] == "pdf":
            from ..render.annual_pdf import render_annual_pdf

            return Export(f"{name}.pdf", PDF, render_annual_pdf(report))
        from ..render.html import render_annual_html

        return Export(f"{name}.html", HTML, render_annual_html(report).encode())


@registry.register
class NewsletterExporter(Exporter):
    identifier = "newsletter"
    verbose_name = _("Quarterly e-newsletter draft")
    description = _("The quarter's held events with a paragraph each, its figures, next "
                    "quarter's events and what was published: Word to edit, or a web page to "
                    "paste into the mailing tool.")
    params = (OFFICE_WIDE, PERIOD,
              Param("quarter", _("Quarter of the fiscal year"), choices=("1", "2", "3", "4"),
                    labels={"1": _("1st quarter"), "2": _("2nd quarter"),
                            "3": _("3rd quarter"), "4": _("4th quarter")}),
              format_param(("docx", "html"), "docx"))

    def render(self, params, user=None):
        year = fiscal_year(params)
        office = office_for(params, user)
        quarter = int(params["quarter"])
        news = newsletter(office, year, quarter, events=scoped(Event.objects, user),
                          publications=scoped(Publication.objects, user))
        name = f"{office.code.lower()}-newsletter-{params['period']}-q{quarter}"
        if params["format"] == "docx":
            from ..render.newsletter_docx import render_newsletter_docx

            return Export(f"{name}.docx", DOCX, render_newsletter_docx(news))
        from ..render.html import render_newsletter_html

        return Export(f"{name}.html", HTML, render_newsletter_html(news).encode())
