"""A survey's results as a workbook: the surveys app's own export, run from the registry."""

from django.utils.translation import gettext_lazy as _

from workplan.surveys import exports, results
from workplan.surveys.models import Survey

from ..registry import Export, Exporter, ExportError, Param, registry


def _surveys(user):
    if user is None:
        return Survey.objects.all()
    from workplan.surveys.views.common import office_surveys

    return office_surveys(user)


@registry.register
class SurveyResultsExporter(Exporter):
    identifier = "survey-results"
    verbose_name = _("Survey results")
    file_format = "xlsx"
    description = _("One survey's questions with their results, every response and the "
                    "response rate by member (the survey's number is in its page's address).")
    params = (Param("survey", _("Survey number"), pattern=r"\d{1,10}",
                    help=_("e.g. 12, as in /surveys/12/")),)

    def render(self, params, user=None):
        survey = (_surveys(user).for_list().select_related("office__region")
                  .filter(pk=int(params["survey"])).first())
        if survey is None:
            raise ExportError(_("survey: there is no survey number %(n)s that you may see")
                              % {"n": params["survey"]}, "survey")
        return Export(exports.filename(survey), exports.CONTENT_TYPE,
                      exports.survey_workbook(survey, results.survey_results(survey)))
