"""The publications register: what the office published or shared, so that the KPIs of items
and experiences shared are counted from records (``reports.measures.ItemsShared``) and the
annual report can list them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workplan.core.models import VersionedModel

from .querysets import PublicationQuerySet


def publication_path(instance, filename):
    return f"publications/{instance.office_id}/{filename}"


class Publication(VersionedModel):
    """A newsletter issue, good practice report, article a member submitted, website item..."""

    class Kind(models.TextChoices):
        NEWSLETTER = "newsletter", _("Newsletter issue")
        GOOD_PRACTICE = "good_practice", _("Good practice report")
        ARTICLE = "article", _("Article submitted by a member")
        WEBSITE = "website", _("Website item")
        OTHER = "other", _("Other")

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="publications", verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("published on"))
    member = models.ForeignKey(
        "directory.Member", on_delete=models.PROTECT, null=True, blank=True,
        related_name="publications", verbose_name=_("member"),
        help_text=_("For an article: the member administration that submitted it."))
    actions = models.ManyToManyField(
        "plans.Action", blank=True, related_name="publications",
        verbose_name=_("actions of the plan"),
        help_text=_("The actions this item serves (its KPIs count it)."))
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=publication_path, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    history = HistoricalRecords(m2m_fields=[actions])
    office_path = "office"

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["office", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="article") | models.Q(member__isnull=False),
                name="article_has_member",
                violation_error_message=_("An article names the member that submitted it.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:publication_detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.ARTICLE and not self.member_id:
            raise ValidationError({"member": _("An article names the member that submitted "
                                               "it.")})


def signature_path(instance, filename):
    return f"report-words/{instance.office_id}/{instance.start_year}/{filename}"


class ReportWords(VersionedModel):
    """The office's own words in its annual report of one fiscal year (foreword with the head's
    name, title and signature; an introduction per pillar; challenges and lessons; the way
    forward; a comment per KPI), and the report's status. A final report keeps the year's
    figures as they were when it was made final (``frozen``: the report's data as JSON), so it
    is rendered byte for byte the same, whatever is recorded afterwards."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    office = models.ForeignKey("directory.Office", on_delete=models.PROTECT,
                               related_name="report_words", verbose_name=_("office"))
    start_year = models.PositiveSmallIntegerField(_("fiscal year (first calendar year)"))
    status = models.CharField(_("status"), max_length=5, choices=Status.choices,
                              default=Status.DRAFT)
    head_name = models.CharField(_("head of office's name"), max_length=200, blank=True)
    head_title = models.CharField(_("head of office's title"), max_length=200, blank=True,
                                  help_text=_("e.g. Head of the Regional Office"))
    signature = models.FileField(_("signature (PNG or JPEG)"), upload_to=signature_path,
                                 max_length=300, blank=True)
    foreword = models.TextField(_("foreword"), blank=True)
    pillar_intros = models.JSONField(_("introduction of each pillar"), default=dict,
                                     blank=True)   # {"1": text, ...}
    challenges = models.TextField(_("challenges and lessons learned"), blank=True)
    way_forward = models.TextField(_("the way forward"), blank=True)
    kpi_notes = models.JSONField(_("comment on each KPI"), default=dict,
                                 blank=True)       # {"<indicator id>": text, ...}
    frozen = models.JSONField(_("the report's data when made final"), null=True, blank=True,
                              editable=False)
    finalised_at = models.DateTimeField(_("made final on"), null=True, blank=True,
                                        editable=False)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+", editable=False)
    history = HistoricalRecords(excluded_fields=["frozen"])
    office_path = "office"
    private = True

    class Meta:
        ordering = ["office", "-start_year"]
        verbose_name = _("words of an annual report")
        verbose_name_plural = _("words of annual reports")
        constraints = [models.UniqueConstraint(fields=["office", "start_year"],
                                               name="one_report_words_per_year")]

    @classmethod
    def narrow_scope(cls, user, action):
        """Only the roles that see the whole office (admins, staff, viewers)."""
        return None

    def __str__(self):
        return f"{self.office.short_name} {self.period}"

    @property
    def period(self) -> str:
        from workplan.delivery.summaries import fiscal_year_label

        return fiscal_year_label(self.start_year, self.office.fiscal_year_start_month)

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def get_absolute_url(self):
        return reverse("reports:words_detail", args=[self.office.code, self.period])
